#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send a forged ICMPv4 error (default: type 3 code 4, frag-needed).

The ICMP quotes an IPv4 header plus the first bytes of its TCP, UDP or ICMP
header, as a router would, and every part of it can be made wrong on
purpose: truncated quote, bad version or IHL, non-first fragment, IP
options, bad checksums, any sequence number, ports or MTU.

The packet goes out a raw IPPROTO_RAW socket (the outer source address is
whatever --src says), optionally from another network namespace (--ns) and
bound to an interface (--dev). --hex prints the packet and sends nothing
(no privileges needed).

Example (from the router, as the switch of the seed scenario would):
  forge_icmp.py --ns "$RTR" --src 172.20.20.2 --dst 10.10.10.10 --mtu 1500 \\
      --inner-src 10.10.10.10 --inner-dst 10.10.20.20 --proto tcp \\
      --sport 5001 --dport 40000 --seq 12345
"""

import argparse
import ctypes
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
PROTOS = {'icmp': 1, 'tcp': 6, 'udp': 17}


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4_header(src, dst, proto, tot_len, ttl, ident, df, mf, frag_off,
                version=4, ihl=None, options=b'', bad_csum=False):
    """An IPv4 header; ihl (in 32-bit words) may disagree with its length."""
    hlen_words = (20 + len(options)) // 4
    if ihl is None:
        ihl = hlen_words
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0)
    hdr = struct.pack('!BBHHHBBH4s4s',
                      ((version & 0xf) << 4) | (ihl & 0xf), 0, tot_len & 0xffff,
                      ident & 0xffff, flags | (frag_off & 0x1fff), ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst)) + options
    c = csum(hdr)
    if bad_csum:
        c ^= 0x5a5a
    return hdr[:10] + struct.pack('!H', c) + hdr[12:]


def l4_header(a, proto):
    """The L4 bytes a router quotes (at least the first 8)."""
    if proto == 6:
        flags = 0x18  # PSH|ACK: a data segment
        return struct.pack('!HHIIBBHHH', a.sport, a.dport, a.seq & 0xffffffff,
                           a.ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
    if proto == 17:
        return struct.pack('!HHHH', a.sport, a.dport,
                           max(0, a.inner_len - 20) & 0xffff, 0)
    if proto == 1:
        # An echo (--icmp-type): id = --sport, sequence = --seq.
        return struct.pack('!BBHHH', a.icmp_type, 0, 0, a.sport & 0xffff,
                           a.seq & 0xffff)
    return struct.pack('!HHI', a.sport, a.dport, a.seq & 0xffffffff)


def build(a):
    proto = PROTOS.get(a.proto)
    if proto is None:
        proto = int(a.proto, 0)
    options = b'\x01' * a.inner_options  # NOPs
    if len(options) % 4:
        options += b'\0' * (4 - len(options) % 4)
    inner = ipv4_header(a.inner_src, a.inner_dst, proto, a.inner_len,
                        a.inner_ttl, a.inner_id, not a.inner_no_df,
                        a.inner_mf, a.inner_frag_offset,
                        version=a.inner_version, ihl=a.inner_ihl,
                        options=options, bad_csum=a.bad_inner_csum)
    l4 = l4_header(a, proto)
    if a.l4_bytes <= len(l4):
        l4 = l4[:a.l4_bytes]
    else:
        l4 += b'\0' * (a.l4_bytes - len(l4))
    quote = inner + l4 + b'\0' * a.extra
    if a.truncate is not None:
        quote = quote[:a.truncate]

    rest = struct.pack('!HH', a.unused, a.mtu & 0xffff)
    icmp = struct.pack('!BBH', a.type, a.code, 0) + rest + quote
    c = csum(icmp)
    if a.bad_csum:
        c ^= 0xa5a5
    icmp = icmp[:2] + struct.pack('!H', c) + icmp[4:]

    outer = ipv4_header(a.src, a.dst, 1, 20 + len(icmp), a.ttl, a.id,
                        False, False, 0)
    return outer + icmp


def setns(ns):
    path = ns if '/' in ns else os.path.join('/run/netns', ns)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'setns(%s): %s' % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def parser():
    """The command line, also for tools that build errors without sending."""
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        epilog=__doc__.split('\n\n', 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_argument_group('outer packet')
    g.add_argument('--ns', help='network namespace to send from (name or path)')
    g.add_argument('--dev', help='send out this interface (SO_BINDTODEVICE)')
    g.add_argument('--src', required=True, help='source address of the ICMP')
    g.add_argument('--dst', required=True, help='destination of the ICMP')
    g.add_argument('--ttl', type=int, default=64)
    g.add_argument('--id', type=int, default=0,
                   help='IP id (0: the kernel picks one)')
    g.add_argument('--type', type=int, default=3, help='ICMP type (default 3)')
    g.add_argument('--code', type=int, default=4,
                   help='ICMP code (default 4, frag-needed)')
    g.add_argument('--mtu', type=int, default=1500,
                   help='next-hop MTU, low 16 bits of the rest of header')
    g.add_argument('--unused', type=int, default=0,
                   help='high 16 bits of the rest of header (default 0)')
    g.add_argument('--bad-csum', action='store_true',
                   help='wrong ICMP checksum')

    g = ap.add_argument_group('quoted IPv4 header')
    g.add_argument('--inner-src', required=True,
                   help='source of the quoted packet (the host being told)')
    g.add_argument('--inner-dst', required=True,
                   help='destination of the quoted packet (the peer)')
    g.add_argument('--proto', default='tcp',
                   help='tcp, udp, icmp or a protocol number (default tcp)')
    g.add_argument('--inner-len', type=int, default=9000,
                   help='total length the quoted header claims (default 9000)')
    g.add_argument('--inner-ttl', type=int, default=63)
    g.add_argument('--inner-id', type=int, default=0x1234)
    g.add_argument('--inner-no-df', action='store_true',
                   help='clear DF in the quoted header')
    g.add_argument('--inner-mf', action='store_true',
                   help='set MF (more fragments) in the quoted header')
    g.add_argument('--inner-frag-offset', type=int, default=0,
                   help='fragment offset in 8-byte units (> 0: not the first '
                        'fragment, so no L4 header follows)')
    g.add_argument('--inner-version', type=int, default=4,
                   help='IP version field (default 4)')
    g.add_argument('--inner-ihl', type=int, default=None,
                   help='IHL field in 32-bit words (default: the real length)')
    g.add_argument('--inner-options', type=int, default=0,
                   help='bytes of IP options (NOPs, padded to 4) in the header')
    g.add_argument('--bad-inner-csum', action='store_true',
                   help='wrong quoted IP header checksum')

    g = ap.add_argument_group('quoted L4 header')
    g.add_argument('--sport', type=int, default=0,
                   help='source port (ICMP: echo id)')
    g.add_argument('--dport', type=int, default=0, help='destination port')
    g.add_argument('--seq', type=int, default=0,
                   help='TCP sequence number (ICMP: echo sequence)')
    g.add_argument('--ack', type=int, default=0, help='TCP ack number')
    g.add_argument('--icmp-type', type=int, default=8,
                   help='type of a quoted ICMP message (default 8, echo '
                        'request; 0, echo reply, is what the kernel itself '
                        'sends and the only one whose frag-needed updates '
                        'the PMTU without a socket)')
    g.add_argument('--l4-bytes', type=int, default=8,
                   help='L4 bytes quoted (default 8, the minimum RFC 792 asks)')
    g.add_argument('--extra', type=int, default=0,
                   help='zero bytes quoted after the L4 bytes')
    g.add_argument('--truncate', type=int, default=None,
                   help='cut the whole quote (IP header + L4) to this many bytes')

    g = ap.add_argument_group('sending')
    g.add_argument('--count', type=int, default=1, help='packets to send')
    g.add_argument('--interval', type=float, default=0.0,
                   help='seconds between packets')
    g.add_argument('--hex', action='store_true',
                   help='print the packet in hex, send nothing')
    g.add_argument('-v', '--verbose', action='store_true')
    return ap


def main():
    ap = parser()
    a = ap.parse_args()

    try:
        pkt = build(a)
    except (OSError, ValueError, struct.error) as e:
        ap.error(str(e))
    if a.hex:
        print(pkt.hex())
        return 0

    try:
        if a.ns:
            setns(a.ns)
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        if a.dev:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                         a.dev.encode())
        for i in range(a.count):
            if i and a.interval:
                time.sleep(a.interval)
            s.sendto(pkt, (a.dst, 0))
        s.close()
    except OSError as e:
        print('forge_icmp.py: %s' % e, file=sys.stderr)
        return 1
    if a.verbose:
        print('sent %d x %d bytes %s -> %s type %d code %d mtu %d'
              % (a.count, len(pkt), a.src, a.dst, a.type, a.code, a.mtu),
              file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
