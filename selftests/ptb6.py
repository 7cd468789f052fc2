#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build one ICMPv6 Packet Too Big quoting a TCP or UDP segment (bytes).

  ptb6.py --src ROUTER --dst VIP --mtu 1400 --inner-src VIP --inner-dst PEER
          --sport 80 --dport 40000 [--seq N] [--proto tcp|udp]

The relay tests hand it to relay_send.py --ipv6 (the builder for IPv4 is
forge_icmp.py). Prints the packet in hex when run on its own.
"""

import argparse
import ipaddress
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip6(src, dst, nexthdr, payload, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nexthdr, hlim) + \
        src.packed + dst.packed + payload


def build(a):
    src, dst = ipaddress.IPv6Address(a.src), ipaddress.IPv6Address(a.dst)
    isrc = ipaddress.IPv6Address(a.inner_src)
    idst = ipaddress.IPv6Address(a.inner_dst)
    if a.proto == 'tcp':
        l4 = struct.pack('!HHIIBBHHH', a.sport, a.dport, a.seq & 0xffffffff, 0,
                         5 << 4, 0x10, 65535, 0, 0)
        nh = 6
    else:
        l4 = struct.pack('!HHHH', a.sport, a.dport, 8 + 1400, 0)
        nh = 17
    # As a router quotes it: the header says more than was kept.
    inner = struct.pack('!IHBB', 6 << 28, len(l4) + 1400, nh, 64) + \
        isrc.packed + idst.packed + l4
    icmp = struct.pack('!BBHI', 2, 0, 0, a.mtu) + inner
    pseudo = src.packed + dst.packed + struct.pack('!I3xB', len(icmp), 58)
    icmp = icmp[:2] + struct.pack('!H', checksum(pseudo + icmp)) + icmp[4:]
    return ip6(src, dst, 58, icmp)


def parser():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--src', required=True)
    ap.add_argument('--dst', required=True)
    ap.add_argument('--mtu', type=int, default=1400)
    ap.add_argument('--inner-src', required=True)
    ap.add_argument('--inner-dst', required=True)
    ap.add_argument('--proto', choices=('tcp', 'udp'), default='tcp')
    ap.add_argument('--sport', type=int, required=True)
    ap.add_argument('--dport', type=int, required=True)
    ap.add_argument('--seq', type=int, default=0)
    return ap


if __name__ == '__main__':
    print(build(parser().parse_args()).hex())
    sys.exit(0)
