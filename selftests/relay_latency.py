#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time from a frag-needed's arrival to the owner's route cache update.

One process holds a TCP flow OWNER VIP:7100 <- CLIENT CLIENT_IP:7101, forges
from the router (a raw socket in ROUTER) a frag-needed about that flow, in
window, with a fresh, lower MTU each round, and polls the owner's route cache
(RTM_GETROUTE toward CLIENT_IP, as "ip route get" does) until it shows that
MTU. Each round sends the error once routed to the owner itself ("direct",
the module's rescue alone) and once routed to the other node ("relayed"),
alternating which comes first; the router's route for the VIP is switched
with ip(8) between the two, outside the timing.

The clock starts just before sendto(): veth hands the packet to the receiving
namespace within that call, so this is the error's arrival at the first node.
It stops at the first poll answer that shows the new MTU: the time is an upper
bound, late by at most one poll interval (the resolution, printed).

Prints one line per sample ("sample MODE ROUND MICROSECONDS") and then, per
mode, "summary MODE n=.. median_us=.. p90_us=.. min_us=.. max_us=..
sendto_us=.." (the last: the median time sendto() took, in which the first
node handles the error), and "resolution poll_us=.." (the median time between
two polls).
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flows        # noqa: E402
import forge_icmp   # noqa: E402

RTM_NEWROUTE, RTM_GETROUTE = 24, 26
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
RTA_DST, RTA_METRICS, RTAX_MTU = 1, 8, 2
LPORT, CPORT = 7100, 7101


def route_request(dst, seq):
    """RTM_GETROUTE for DST, no flags: the cached route, PMTU included."""
    rta = struct.pack('=HH4s', 8, RTA_DST, socket.inet_aton(dst))
    rtm = struct.pack('=BBBBBBBBI', socket.AF_INET, 32, 0, 0, 0, 0, 0, 0, 0)
    body = rtm + rta
    return struct.pack('=IHHII', 16 + len(body), RTM_GETROUTE,
                       NLM_F_REQUEST, seq, 0) + body


def attrs(buf):
    """(type, payload) of each rtattr in BUF."""
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from('=HH', buf, off)
        if alen < 4:
            return
        yield atype & 0x3fff, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def route_mtu(nl, dst, seq):
    """The MTU the route toward DST shows (0 = none)."""
    nl.send(route_request(dst, seq))
    msg = nl.recv(65536)
    mlen, mtype = struct.unpack_from('=IH', msg, 0)
    if mtype == NLMSG_ERROR:
        err = struct.unpack_from('=i', msg, 16)[0]
        raise OSError(-err, 'RTM_GETROUTE: %s' % os.strerror(-err))
    if mtype != RTM_NEWROUTE:
        raise OSError(0, 'RTM_GETROUTE answered type %d' % mtype)
    for atype, val in attrs(msg[16 + 12:mlen]):
        if atype == RTA_METRICS:
            for mt, mv in attrs(val):
                if mt == RTAX_MTU:
                    return struct.unpack('=I', mv[:4])[0]
    return 0


def error_packet(a, seq, mtu):
    args = ['--src', a.mgmt, '--dst', a.vip, '--mtu', str(mtu),
            '--inner-src', a.vip, '--inner-dst', a.client_ip,
            '--proto', 'tcp', '--sport', str(LPORT), '--dport', str(CPORT),
            '--seq', str(seq)]
    return forge_icmp.build(forge_icmp.parser().parse_args(args))


class Poller:
    def __init__(self, nl, dst, pause):
        self.nl, self.dst, self.pause = nl, dst, pause
        self.seq = 0
        self.intervals = []

    def wait_for(self, want, t0, timeout):
        """Microseconds from T0 to the first answer showing WANT, or None."""
        last = None
        while True:
            self.seq += 1
            mtu = route_mtu(self.nl, self.dst, self.seq)
            now = time.monotonic_ns()
            if last is not None:
                self.intervals.append(now - last)
            last = now
            if mtu == want:
                return (now - t0) // 1000
            if now - t0 > timeout * 1e9:
                return None
            if self.pause:
                time.sleep(self.pause)


def errors_to(a, via):
    subprocess.run(['ip', '-n', a.router, 'route', 'replace', a.vip + '/32',
                    'via', via, 'src', a.mgmt], check=True)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def pct(v, p):
    v = sorted(v)
    return v[max(0, -(-len(v) * p // 100) - 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    for opt in ('owner', 'router', 'client', 'vip', 'client-ip', 'mgmt',
                'owner-ip', 'other-ip'):
        ap.add_argument('--' + opt, required=True)
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--mtu', type=int, default=1500,
                    help='MTU of the first error; each one is 4 lower')
    ap.add_argument('--poll-us', type=int, default=100,
                    help='pause between two polls (0: none)')
    ap.add_argument('--timeout', type=float, default=5.0,
                    help='seconds to wait for one update')
    ap.add_argument('--settle', type=float, default=0.3,
                    help='seconds between two samples')
    a = ap.parse_args()
    if a.mtu - 4 * 2 * a.rounds < 576:
        ap.error('too many rounds for --mtu %d' % a.mtu)

    _, asock, _ = flows.tcp_pair(a.owner, a.vip, LPORT, a.client,
                                 a.client_ip, CPORT)
    seq = flows.send_seq(asock)
    if seq < 0:
        ap.error('cannot read the send sequence (TCP_REPAIR)')
    flows.setns(a.router)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    flows.setns(a.owner)
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    nl.bind((0, 0))
    poll = Poller(nl, a.client_ip, a.poll_us / 1e6)
    if route_mtu(nl, a.client_ip, 0):
        ap.error('the owner already has a PMTU toward %s' % a.client_ip)

    samples = {'direct': [], 'relayed': []}
    sent = {'direct': [], 'relayed': []}
    via = {'direct': a.owner_ip, 'relayed': a.other_ip}
    mtu = a.mtu
    for r in range(a.rounds):
        order = ('direct', 'relayed') if r % 2 == 0 else ('relayed', 'direct')
        for mode in order:
            errors_to(a, via[mode])
            time.sleep(a.settle)
            pkt = error_packet(a, seq, mtu)
            t0 = time.monotonic_ns()
            raw.sendto(pkt, (a.vip, 0))
            sent[mode].append((time.monotonic_ns() - t0) // 1000)
            us = poll.wait_for(mtu, t0, a.timeout)
            if us is None:
                print('relay_latency.py: %s round %d: mtu %d never showed'
                      % (mode, r, mtu), file=sys.stderr)
                return 1
            samples[mode].append(us)
            print('sample %s %d %d' % (mode, r, us), flush=True)
            mtu -= 4
    for mode in ('direct', 'relayed'):
        v = samples[mode]
        print('summary %s n=%d median_us=%d p90_us=%d min_us=%d max_us=%d '
              'sendto_us=%d' % (mode, len(v), median(v), pct(v, 90), min(v),
                                max(v), median(sent[mode])))
    print('resolution poll_us=%d polls=%d'
          % (median(poll.intervals) // 1000 if poll.intervals else 0,
             len(poll.intervals)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
