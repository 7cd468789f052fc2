#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Take packets from an NFQUEUE and give each back with verdict NF_ACCEPT.

The kernel then runs the remaining netfilter hooks of the packet from this
process's sendmsg() (nf_reinject), in process context rather than softirq:
that is what a test of the hooks after a queue needs. Plain netlink, no
library: binds queue --queue of the current network namespace, prints
"ready" once bound, and exits after --count packets (printing how many it
accepted) or, with fewer, after --timeout seconds with status 1.
"""

import argparse
import os
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NF_ACCEPT = 1


def attr(atype, payload):
    alen = 4 + len(payload)
    return struct.pack('=HH', alen, atype) + payload + b'\0' * (-alen % 4)


def message(msg, queue, attrs, flags=NLM_F_REQUEST, seq=0):
    body = struct.pack('!BBH', socket.AF_UNSPEC, 0, queue) + b''.join(attrs)
    return struct.pack('=IHHII', 16 + len(body), NFNL_SUBSYS_QUEUE << 8 | msg,
                       flags, seq, 0) + body


def messages(data):
    """(type, payload after the nfgenmsg or the error code) of each message."""
    off = 0
    while off + 16 <= len(data):
        mlen, mtype = struct.unpack_from('=IH', data, off)
        if mlen < 16:
            break
        yield mtype, data[off + 16:off + mlen]
        off += (mlen + 3) & ~3


def attrs(payload):
    off = 4  # nfgenmsg
    while off + 4 <= len(payload):
        alen, atype = struct.unpack_from('=HH', payload, off)
        if alen < 4:
            break
        yield atype & 0x3fff, payload[off + 4:off + alen]
        off += (alen + 3) & ~3


def request(sock, msg):
    sock.send(msg)
    for mtype, payload in messages(sock.recv(65536)):
        if mtype == NLMSG_ERROR:
            err = struct.unpack_from('=i', payload)[0]
            if err:
                raise OSError(-err, os.strerror(-err))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--queue', type=int, default=0)
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=30.0)
    args = ap.parse_args()

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    request(sock, message(NFQNL_MSG_CONFIG, args.queue,
                          [attr(NFQA_CFG_CMD, struct.pack('!BxH', NFQNL_CFG_CMD_BIND, 0))],
                          NLM_F_REQUEST | NLM_F_ACK, 1))
    request(sock, message(NFQNL_MSG_CONFIG, args.queue,
                          [attr(NFQA_CFG_PARAMS, struct.pack('!IB', 0, NFQNL_COPY_META))],
                          NLM_F_REQUEST | NLM_F_ACK, 2))
    print('ready', flush=True)

    done = 0
    end = time.monotonic() + args.timeout
    while done < args.count:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        for mtype, payload in messages(sock.recv(65536)):
            if mtype != (NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET):
                continue
            for atype, data in attrs(payload):
                if atype == NFQA_PACKET_HDR:
                    pkt_id = struct.unpack_from('!I', data)[0]
                    sock.send(message(NFQNL_MSG_VERDICT, args.queue,
                                      [attr(NFQA_VERDICT_HDR,
                                            struct.pack('!II', NF_ACCEPT, pkt_id))]))
                    done += 1
    print('accepted %d' % done, flush=True)
    return 0 if done >= args.count else 1


if __name__ == '__main__':
    sys.exit(main())
