#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one datagram to an agent's relay port, as a peer would (or would not).

  relay_send.py --to ADDR [--port 9884] --kind KIND [--ipv6] [-- builder args]

KIND:
  good       the relay header and the error forge_icmp.py builds from the
             arguments after "--" (with --ipv6: the Packet Too Big ptb6.py
             builds)
  garbage    random bytes
  truncated  a good datagram cut in the middle of the quote
  oversized  a good datagram padded beyond the largest error relayed (the
             IPv4 total length says so too)

The datagram leaves a UDP socket of the current network namespace (run it
with "ip netns exec"), from the address the route gives.
"""

import argparse
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forge_icmp  # noqa: E402
import ptb6  # noqa: E402

# The relay's wire format (userspace/relaypkt.h): magic, version, three zero bytes.
MAGIC = b'PMTR'
VERSION = 1
PACKET_MAX = 1280


def header():
    return MAGIC + struct.pack('!BBH', VERSION, 0, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--to', required=True)
    ap.add_argument('--port', type=int, default=9884)
    ap.add_argument('--kind', required=True,
                    choices=('good', 'garbage', 'truncated', 'oversized'))
    ap.add_argument('--ipv6', action='store_true',
                    help='an IPv6 Packet Too Big (ptb6.py) rather than IPv4')
    ap.add_argument('forge', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    forge = a.forge[1:] if a.forge[:1] == ['--'] else a.forge

    if a.kind == 'garbage':
        data = os.urandom(200)
    else:
        builder = ptb6 if a.ipv6 else forge_icmp
        pkt = builder.build(builder.parser().parse_args(forge))
        if a.kind == 'truncated':
            pkt = pkt[:len(pkt) - 10]
        elif a.kind == 'oversized':
            pkt += b'\0' * (PACKET_MAX + 100 - len(pkt))
            if a.ipv6:
                pkt = pkt[:4] + struct.pack('!H', len(pkt) - 40) + pkt[6:]
            else:
                pkt = pkt[:2] + struct.pack('!H', len(pkt)) + pkt[4:]
        data = header() + pkt
    s = socket.socket(socket.AF_INET6 if ':' in a.to else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.sendto(data, (a.to, a.port))
    s.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
