#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What happens to the MSS option of SYNs on their way, seen from the far side.

Every subcommand works across network namespaces from one process (setns(2)
per socket), so a test pays one python start per step.

  nocsum NS:DEV...
      Switch off transmit checksum offload (ETHTOOL_STXCSUM) on each device.
      veth hands offloaded (CHECKSUM_PARTIAL) segments to the peer unchecked;
      with it off every segment leaves with its full checksum and the
      receiving stack verifies it, as on a real wire.

  connect --listen-ns NS --connect-ns NS --addr ADDR --syn-at NS:DEV
          --synack-at NS:DEV [--port N] [--timeout S]
      One TCP connection. Captures the SYN where --syn-at receives it and the
      SYN-ACK where --synack-at receives it (AF_PACKET), checks their
      checksums, and prints one line:
        established=0|1 syn_mss=N syn_csum=ok|bad synack_mss=N
        synack_csum=ok|bad listener_snd_mss=N connector_snd_mss=N
      (mss "none" when the option is absent, "-" when nothing was captured;
      *_snd_mss is TCP_INFO's tcpi_snd_mss). Exit 0 when established and
      both segments were captured with good checksums, else 1; 2 on a setup
      error.

  craft --send-ns NS --src ADDR --dst ADDR --capture NS:DEV --target N
        [--cases NAME,...]
      Sends hand-made SYNs (raw socket, our own checksum) with odd option
      lists from SRC to DST and captures them at the far side. The path is
      expected to hold a rule of N (< 536): each case knows what must arrive
      byte for byte (only the MSS values may change, or an MSS option be
      inserted in front) and that the checksums must be right. One line per
      case, "ok CASE" or "FAIL CASE: why", then "cases=N failed=N". Exit 0
      when all passed.
"""

import argparse
import ctypes
import fcntl
import ipaddress
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x00000017
TH_SYN, TH_RST, TH_ACK = 0x02, 0x04, 0x10

_libc = ctypes.CDLL(None, use_errno=True)
ORIG_NS_FD = None


def setns(ns):
    """Enter netns NS (a name under /run/netns, or '-' for the original)."""
    if ns == '-':
        fd = os.dup(ORIG_NS_FD)
    else:
        fd = os.open(os.path.join('/run/netns', ns), os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'setns(%s): %s' % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def ns_dev(spec):
    ns, _, dev = spec.partition(':')
    if not dev:
        raise argparse.ArgumentTypeError('expected NS:DEV, not %r' % spec)
    return ns, dev


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(family, src, dst, length):
    if family == socket.AF_INET:
        return src + dst + struct.pack('!BBH', 0, socket.IPPROTO_TCP, length)
    return src + dst + struct.pack('!I3xB', length, socket.IPPROTO_TCP)


def parse_frame(frame):
    """(family, src, dst, tcp segment) of an Ethernet frame, or None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack('!H', frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800 and len(ip) >= 20 and ip[0] >> 4 == 4:
        ihl = (ip[0] & 0xf) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        if ip[9] != socket.IPPROTO_TCP or total > len(ip) or ihl < 20:
            return None
        if csum(ip[:ihl]) != 0:
            return (socket.AF_INET, ip[12:16], ip[16:20], None)
        return (socket.AF_INET, ip[12:16], ip[16:20], ip[ihl:total])
    if etype == 0x86dd and len(ip) >= 40 and ip[0] >> 4 == 6:
        plen = struct.unpack('!H', ip[4:6])[0]
        if ip[6] != socket.IPPROTO_TCP or 40 + plen > len(ip):
            return None
        return (socket.AF_INET6, ip[8:24], ip[24:40], ip[40:40 + plen])
    return None


def tcp_ok(family, src, dst, seg):
    return seg is not None and csum(pseudo(family, src, dst, len(seg)) + seg) == 0


def mss_of(seg):
    """The MSS a Linux receiver takes from these options (last one wins)."""
    doff = (seg[12] >> 4) * 4
    opt, i, mss = seg[:doff], 20, None
    while i < len(opt):
        kind = opt[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opt) or opt[i + 1] < 2 or opt[i + 1] > len(opt) - i:
            break
        if kind == 2 and opt[i + 1] == 4:
            v = struct.unpack('!H', opt[i + 2:i + 4])[0]
            mss = v or mss
        i += opt[i + 1]
    return 'none' if mss is None else str(mss)


class Capture:
    """AF_PACKET socket on one device of one namespace (incoming frames)."""

    def __init__(self, spec):
        ns, dev = spec
        setns(ns)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(ETH_P_ALL))
        self.sock.bind((dev, ETH_P_ALL))
        self.sock.setblocking(False)
        setns('-')

    def fileno(self):
        return self.sock.fileno()

    def frames(self):
        while True:
            try:
                frame, addr = self.sock.recvfrom(65536)
            except BlockingIOError:
                return
            if addr[2] != PACKET_OUTGOING:
                yield frame


def family_of(addr):
    return socket.AF_INET6 if ipaddress.ip_address(addr).version == 6 else socket.AF_INET


def sockaddr(addr, port):
    return (addr, port) if family_of(addr) == socket.AF_INET else (addr, port, 0, 0)


def tcpi_snd_mss(sock):
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except OSError:
        return '-'
    return str(struct.unpack_from('=24I', raw, 8)[2]) if len(raw) >= 104 else '-'


def abort(sock):
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    except OSError:
        pass
    sock.close()


def cmd_nocsum(args):
    for ns, dev in args.devs:
        setns(ns)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            val = ctypes.create_string_buffer(struct.pack('II', ETHTOOL_STXCSUM, 0))
            ifr = struct.pack('16sP', dev.encode(), ctypes.addressof(val))
            fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
        except OSError as e:
            print('nocsum %s:%s: %s' % (ns, dev, e), file=sys.stderr)
            return 2
        finally:
            s.close()
            setns('-')
    return 0


def cmd_connect(args):
    fam = family_of(args.addr)
    caps = lsock = csock = asock = None
    out = {'established': '0', 'syn_mss': '-', 'syn_csum': '-',
           'synack_mss': '-', 'synack_csum': '-',
           'listener_snd_mss': '-', 'connector_snd_mss': '-'}
    try:
        caps = (Capture(args.syn_at), Capture(args.synack_at))
        setns(args.listen_ns)
        lsock = socket.socket(fam, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(sockaddr(args.addr, args.port))
        lsock.listen(1)
        port = lsock.getsockname()[1]
        setns(args.connect_ns)
        csock = socket.socket(fam, socket.SOCK_STREAM)
        csock.setblocking(False)
        csock.connect_ex(sockaddr(args.addr, port))
        setns('-')
    except OSError as e:
        print('error=%r' % str(e))
        return 2

    deadline = time.monotonic() + args.timeout
    want = {0: TH_SYN, 1: TH_SYN | TH_ACK}
    try:
        while time.monotonic() < deadline and (asock is None or want):
            r, _, _ = select.select([lsock] + list(caps), [], [],
                                    max(0.0, deadline - time.monotonic()))
            if lsock in r and asock is None:
                asock, _ = lsock.accept()
            for i, cap in enumerate(caps):
                if cap not in r or i not in want:
                    continue
                for frame in cap.frames():
                    p = parse_frame(frame)
                    if not p or p[3] is None or len(p[3]) < 20:
                        continue
                    seg = p[3]
                    sport, dport = struct.unpack('!HH', seg[:4])
                    if port not in (sport, dport):
                        continue
                    if seg[13] & (TH_SYN | TH_ACK | TH_RST) != want[i]:
                        continue
                    key = 'syn' if i == 0 else 'synack'
                    out[key + '_mss'] = mss_of(seg)
                    out[key + '_csum'] = 'ok' if tcp_ok(*p) else 'bad'
                    del want[i]
                    break
        if asock is not None and not csock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            out['established'] = '1'
            out['listener_snd_mss'] = tcpi_snd_mss(asock)
            out['connector_snd_mss'] = tcpi_snd_mss(csock)
    finally:
        for s in (asock, csock, lsock):
            abort(s)
    print(' '.join('%s=%s' % kv for kv in out.items()))
    good = (out['established'] == '1' and out['syn_csum'] == 'ok' and
            out['synack_csum'] == 'ok')
    return 0 if good else 1


def opt_mss(v):
    return struct.pack('!BBH', 2, 4, v)


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


NOP, EOL = b'\x01', b'\x00'

# name: (options sent, options expected, flags, payload, doff override or None)
# 'same' = must arrive unchanged. T = the rule's target.
def cases(T):
    M = opt_mss
    return {
        'plain':       (M(1460), M(T)),
        'odd':         (NOP + M(1460) + NOP * 3, NOP + M(T) + NOP * 3),
        'zero':        (M(0), M(T)),
        'lower':       (M(T - 100), 'same'),
        'silly-after': (M(1460) + bytes([8, 0, 1, 1]), M(T) + bytes([8, 0, 1, 1])),
        'silly-first': (bytes([30, 0]) + M(1460) + NOP * 2, 'same'),
        'truncated':   (NOP + bytes([5, 30]) + M(1460) + NOP, 'same'),
        'eol':         (EOL + NOP * 3 + M(1460), M(T) + EOL + NOP * 3 + M(1460)),
        'none':        (b'', M(T)),
        'full':        (NOP * 40, 'same'),
        'data':        (b'', 'same', TH_SYN, b'datadata'),
        'two':         (M(1460) + M(1200), M(T) + M(T)),
        'badlen':      (bytes([2, 3, 5]) + M(1460) + NOP, bytes([2, 3, 5]) + M(T) + NOP),
        'synack':      (M(1460), M(T), TH_SYN | TH_ACK),
        'doff-short':  (b'', 'same', TH_SYN, b'', 4),
        'doff-long':   (b'', 'same', TH_SYN, b'', 15),
    }


def build_seg(fam, src, dst, sport, dport, opts, flags, payload, doff=None):
    opts = pad4(opts)
    if doff is None:
        doff = (20 + len(opts)) // 4
    hdr = struct.pack('!HHIIBBHHH', sport, dport, 0x10203040,
                      0x50607080 if flags & TH_ACK else 0,
                      doff << 4, flags, 64240, 0, 0)
    seg = hdr + opts + payload
    c = csum(pseudo(fam, src, dst, len(seg)) + seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]


def cmd_craft(args):
    fam = family_of(args.src)
    src = socket.inet_pton(fam, args.src)
    dst = socket.inet_pton(fam, args.dst)
    table = cases(args.target)
    names = args.cases.split(',') if args.cases else list(table)
    try:
        cap = Capture(args.capture)
        setns(args.send_ns)
        raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
        raw.bind(sockaddr(args.src, 0))
        setns('-')
    except OSError as e:
        print('error=%r' % str(e))
        return 2

    failed = 0
    for n, name in enumerate(names):
        spec = table[name] + (TH_SYN, b'', None)[len(table[name]) - 2:]
        sent_opts, expect_opts, flags, payload, doff = spec
        sport, dport = 40000 + n, 7
        seg = build_seg(fam, src, dst, sport, dport, sent_opts, flags, payload, doff)
        if expect_opts == 'same':
            expect = seg
        else:
            expect = build_seg(fam, src, dst, sport, dport, expect_opts, flags, payload)
        raw.sendto(seg, sockaddr(args.dst, 0))

        got, deadline = None, time.monotonic() + args.timeout
        while got is None and time.monotonic() < deadline:
            select.select([cap], [], [], max(0.0, deadline - time.monotonic()))
            for frame in cap.frames():
                p = parse_frame(frame)
                if p and p[1] == src and p[2] == dst and p[3] is None:
                    got = (p, b'')
                    break
                if p and p[1] == src and p[2] == dst and p[3][:4] == seg[:4]:
                    got = (p, p[3])
                    break
        why = None
        if got is None:
            why = 'not captured'
        elif got[1] == b'':
            why = 'bad IPv4 header checksum'
        elif not tcp_ok(*got[0]):
            why = 'bad TCP checksum'
        elif got[1][:16] + got[1][18:] != expect[:16] + expect[18:]:
            why = 'expected %s' % expect.hex()
        if why:
            failed += 1
            print('FAIL %s: %s; sent %s got %s' % (name, why, seg.hex(),
                                                  got[1].hex() if got else '-'))
        else:
            print('ok %s: %s -> %s' % (name, pad4(sent_opts).hex() or '-',
                                       got[1][20:(got[1][12] >> 4) * 4].hex() or '-'))
    raw.close()
    print('cases=%d failed=%d' % (len(names), failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('nocsum')
    p.add_argument('devs', nargs='+', type=ns_dev)
    p = sub.add_parser('connect')
    p.add_argument('--listen-ns', required=True)
    p.add_argument('--connect-ns', required=True)
    p.add_argument('--addr', required=True)
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--syn-at', required=True, type=ns_dev)
    p.add_argument('--synack-at', required=True, type=ns_dev)
    p.add_argument('--timeout', type=float, default=5.0)
    p = sub.add_parser('craft')
    p.add_argument('--send-ns', required=True)
    p.add_argument('--src', required=True)
    p.add_argument('--dst', required=True)
    p.add_argument('--capture', required=True, type=ns_dev)
    p.add_argument('--target', type=int, required=True)
    p.add_argument('--cases', default='')
    p.add_argument('--timeout', type=float, default=2.0)
    args = ap.parse_args()

    global ORIG_NS_FD
    ORIG_NS_FD = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    return {'nocsum': cmd_nocsum, 'connect': cmd_connect,
            'craft': cmd_craft}[args.cmd](args)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
