#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The relay side of the pmtufix genetlink family, for test-relay-module.sh.

Plain netlink, no library, acting in the current network namespace:
  relay_nl.py set [--prefix FAMILY,ADDR,LEN ...] [--rate N] [--burst N]
                  [--ifindex N] [--empty]
      set-relay; FAMILY 2 or 10 (or any number, to be refused), ADDR as text
      or hex: (raw bytes); --empty sends an empty relay nest. Prints "ok" or
      "error ERRNO MESSAGE" (exit 1).
  relay_nl.py get     get-relay: "off", or "prefix ADDR/LEN", "rate N",
                      "burst N", "ifindex N" lines
  relay_nl.py stats   "stats.NAME N", "relay_out.NAME N" and "relay_in.NAME N"
                      lines
  relay_nl.py rescue on|off   set-config: the rescue switch
  relay_nl.py listen --timeout S [--count N]
      join the relay group; print "ready" (or "error ERRNO" and exit 1), then
      "packet IFINDEX HEX" for each relayed error; exit after N of them or S
      seconds.
  relay_nl.py events --timeout S [--count N]
      join the events group; print "ready", then "event REASON relayed|direct"
      for each decision; exit after N of them or S seconds.
  relay_nl.py tunwrite DEV HEX
      write one IPv4 packet into the TUN device DEV (IFF_TUN | IFF_NO_PI).
"""

import argparse
import fcntl
import os
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1

# kmod/uapi/pmtufix.h
PMTUFIX_CMD_SET_CONFIG = 2
PMTUFIX_CMD_GET_STATS = 3
PMTUFIX_A_RESCUE_ENABLED = 2
PMTUFIX_A_STATS = 6
PMTUFIX_CMD_GET_RELAY = 10
PMTUFIX_CMD_SET_RELAY = 11
PMTUFIX_CMD_EVENT = 9
PMTUFIX_CMD_RELAY = 12
PMTUFIX_A_EVENT = 8
PMTUFIX_A_EV_REASON = 1
PMTUFIX_A_EV_RELAYED = 10
PMTUFIX_A_RELAY = 12
PMTUFIX_A_RELAY_OUT_STATS = 13
PMTUFIX_A_RELAY_IN_STATS = 14
PMTUFIX_A_RELAY_PACKET = 15
PMTUFIX_A_IFINDEX = 16
RELAY_PREFIX, RELAY_RATE, RELAY_BURST, RELAY_IFINDEX = 1, 2, 3, 4
PREFIX_FAMILY, PREFIX_ADDR, PREFIX_LEN = 1, 2, 3
REASONS = ['rescued', 'not_needed', 'malformed', 'not_local', 'no_flow',
           'seq_window', 'wrong_iface', 'below_floor', 'disabled',
           'no_source_route']
RELAY_OUT = ['sent', 'rate_limited', 'undelivered']

TUNSETIFF = 0x400454ca
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def attr(atype, payload):
    alen = 4 + len(payload)
    return struct.pack('=HH', alen, atype) + payload + b'\0' * (-alen % 4)


def attrs(data):
    off = 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from('=HH', data, off)
        if alen < 4:
            break
        yield atype & 0x3fff, data[off + 4:off + alen]
        off += (alen + 3) & ~3


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.seq = 0
        reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                             attr(CTRL_ATTR_FAMILY_NAME, b'pmtufix\0'))
        self.family, self.groups = None, {}
        for t, v in attrs(reply):
            if t == CTRL_ATTR_FAMILY_ID:
                self.family = struct.unpack('=H', v[:2])[0]
            elif t == CTRL_ATTR_MCAST_GROUPS:
                for _, g in attrs(v):
                    d = dict(attrs(g))
                    name = d[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()
                    self.groups[name] = struct.unpack(
                        '=I', d[CTRL_ATTR_MCAST_GRP_ID])[0]

    def request(self, family, cmd, payload=b''):
        """The payload (after the genl header) of the reply, or b'' for an
        ACK; raises OSError(errno, extack message) for an error."""
        self.seq += 1
        body = struct.pack('=BBH', cmd, 1, 0) + payload
        msg = struct.pack('=IHHII', 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.sock.send(msg)
        out = b''
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, _, seq, _ = struct.unpack_from('=IHHII', data, off)
                if mlen < 16:
                    return out
                m = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if seq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from('=i', m)[0]
                    if err == 0:
                        return out
                    text = ''
                    inner = struct.unpack_from('=I', m, 4)[0]
                    for t, v in attrs(m[4 + inner:] if inner <= len(m) - 4
                                      else b''):
                        if t == NLMSGERR_ATTR_MSG:
                            text = v.rstrip(b'\0').decode()
                    raise OSError(-err, text)
                out = m[4:]


def parse_prefix(text):
    fam, addr, plen = text.split(',')
    fam = int(fam)
    if addr.startswith('hex:'):
        raw = bytes.fromhex(addr[4:])
    else:
        raw = socket.inet_pton(socket.AF_INET6 if ':' in addr
                               else socket.AF_INET, addr)
    return (attr(PREFIX_FAMILY, struct.pack('=B', fam)) +
            attr(PREFIX_ADDR, raw) + attr(PREFIX_LEN, struct.pack('=B', int(plen))))


def cmd_set(nl, a):
    nest = b''
    if not a.empty:
        for p in a.prefix or []:
            nest += attr(RELAY_PREFIX | NLA_F_NESTED, parse_prefix(p))
        for t, v in ((RELAY_RATE, a.rate), (RELAY_BURST, a.burst),
                     (RELAY_IFINDEX, a.ifindex)):
            if v is not None:
                nest += attr(t, struct.pack('=I', v))
    try:
        nl.request(nl.family, PMTUFIX_CMD_SET_RELAY,
                   attr(PMTUFIX_A_RELAY | NLA_F_NESTED, nest))
    except OSError as e:
        print('error %d %s' % (e.errno, e.strerror))
        return 1
    print('ok')
    return 0


def cmd_get(nl, a):
    reply = nl.request(nl.family, PMTUFIX_CMD_GET_RELAY)
    lines = []
    for t, v in attrs(reply):
        if t != PMTUFIX_A_RELAY:
            continue
        for rt, rv in attrs(v):
            if rt == RELAY_PREFIX:
                d = dict(attrs(rv))
                fam = d[PREFIX_FAMILY][0]
                lines.append('prefix %s/%d' % (socket.inet_ntop(
                    socket.AF_INET if fam == 2 else socket.AF_INET6,
                    d[PREFIX_ADDR]), d[PREFIX_LEN][0]))
            elif rt in (RELAY_RATE, RELAY_BURST, RELAY_IFINDEX):
                lines.append('%s %d' % ({RELAY_RATE: 'rate', RELAY_BURST: 'burst',
                                         RELAY_IFINDEX: 'ifindex'}[rt],
                                        struct.unpack('=I', rv)[0]))
    print('\n'.join(lines) if lines else 'off')
    return 0


def cmd_stats(nl, a):
    reply = nl.request(nl.family, PMTUFIX_CMD_GET_STATS)
    for t, v in attrs(reply):
        names = {PMTUFIX_A_STATS: ('stats', REASONS),
                 PMTUFIX_A_RELAY_OUT_STATS: ('relay_out', RELAY_OUT),
                 PMTUFIX_A_RELAY_IN_STATS: ('relay_in', REASONS)}.get(t)
        if not names:
            continue
        for ct, cv in attrs(v):
            if 1 <= ct <= len(names[1]):
                print('%s.%s %d' % (names[0], names[1][ct - 1],
                                    struct.unpack('=Q', cv)[0]))
    return 0


def cmd_rescue(nl, a):
    nl.request(nl.family, PMTUFIX_CMD_SET_CONFIG,
               attr(PMTUFIX_A_RESCUE_ENABLED, struct.pack('=B', a.state == 'on')))
    print('ok')
    return 0


def relay_line(m):
    if m[0] != PMTUFIX_CMD_RELAY:
        return None
    d = dict(attrs(m[4:]))
    return 'packet %d %s' % (struct.unpack('=I', d[PMTUFIX_A_IFINDEX])[0],
                             d[PMTUFIX_A_RELAY_PACKET].hex())


def event_line(m):
    if m[0] != PMTUFIX_CMD_EVENT:
        return None
    ev = dict(attrs(dict(attrs(m[4:])).get(PMTUFIX_A_EVENT, b'')))
    return 'event %s %s' % (REASONS[struct.unpack('=I', ev[PMTUFIX_A_EV_REASON])[0]],
                            'relayed' if PMTUFIX_A_EV_RELAYED in ev else 'direct')


def cmd_listen(nl, a, group='relay', line=relay_line):
    try:
        nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                           nl.groups[group])
    except OSError as e:
        print('error %d' % e.errno, flush=True)
        return 1
    print('ready', flush=True)
    n, end = 0, time.monotonic() + a.timeout
    while n < a.count:
        left = end - time.monotonic()
        if left <= 0 or not select.select([nl.sock], [], [], left)[0]:
            break
        data = nl.sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            mlen, mtype = struct.unpack_from('=IH', data, off)
            m = data[off + 16:off + mlen]
            off += (mlen + 3) & ~3
            text = line(m) if mtype == nl.family else None
            if text:
                print(text, flush=True)
                n += 1
    return 0


def cmd_tunwrite(a):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', a.dev.encode(),
                                           IFF_TUN | IFF_NO_PI))
    os.write(fd, bytes.fromhex(a.hex))
    os.close(fd)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('set')
    s.add_argument('--prefix', action='append')
    s.add_argument('--rate', type=int)
    s.add_argument('--burst', type=int)
    s.add_argument('--ifindex', type=int)
    s.add_argument('--empty', action='store_true')
    sub.add_parser('get')
    sub.add_parser('stats')
    s = sub.add_parser('rescue')
    s.add_argument('state', choices=['on', 'off'])
    s = sub.add_parser('listen')
    s.add_argument('--timeout', type=float, required=True)
    s.add_argument('--count', type=int, default=1 << 30)
    s = sub.add_parser('events')
    s.add_argument('--timeout', type=float, required=True)
    s.add_argument('--count', type=int, default=1 << 30)
    s = sub.add_parser('tunwrite')
    s.add_argument('dev')
    s.add_argument('hex')
    a = ap.parse_args()
    if a.cmd == 'tunwrite':
        return cmd_tunwrite(a)
    nl = Genl()
    if a.cmd == 'events':
        return cmd_listen(nl, a, 'events', event_line)
    return {'set': cmd_set, 'get': cmd_get, 'stats': cmd_stats,
            'rescue': cmd_rescue,
            'listen': cmd_listen}[a.cmd](nl, a)


if __name__ == '__main__':
    sys.exit(main())
