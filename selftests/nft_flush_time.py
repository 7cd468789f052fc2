#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time a repair of table inet pmtufix after "nft flush ruleset".

Run inside the namespace. Listens to nftables' own notifications
(NFNLGRP_NFTABLES), runs "nft flush ruleset", and prints the milliseconds
between the kernel's notice that table pmtufix was deleted and its notice
that it was added again. Nothing is polled, and nft's start-up (slow in a
guest) is not counted. Exit 1 if it does not come back within TIMEOUT_MS.

Usage: nft_flush_time.py TIMEOUT_MS
"""
import select
import socket
import struct
import subprocess
import sys
import time

NETLINK_NETFILTER, NFNLGRP_NFTABLES, SOL_NETLINK, ADD_MEMBERSHIP = 12, 7, 270, 1
NEWTABLE, DELTABLE = 10 << 8 | 0, 10 << 8 | 2


def tables(data):
    """(type, name) of each nftables table message in one datagram."""
    off = 0
    while off + 16 <= len(data):
        ln, typ = struct.unpack_from("=IH", data, off)
        if ln < 16:
            break
        if typ in (NEWTABLE, DELTABLE):
            a = off + 20  # after nlmsghdr and nfgenmsg
            while a + 4 <= off + ln:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atype & 0x7fff == 1:  # NFTA_TABLE_NAME
                    yield typ, data[a + 4:a + alen].rstrip(b"\0").decode()
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3


def main():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, ADD_MEMBERSHIP, NFNLGRP_NFTABLES)
    flush = subprocess.Popen(["nft", "flush", "ruleset"])
    deadline = time.monotonic() + int(sys.argv[1]) / 1000
    gone = None
    while time.monotonic() < deadline:
        if not select.select([s], [], [], deadline - time.monotonic())[0]:
            break
        data, now = s.recv(65536), time.monotonic()
        for typ, name in tables(data):
            if name != "pmtufix":
                continue
            if typ == DELTABLE:
                gone = gone or now
            elif gone:
                print("%.0f" % ((now - gone) * 1000))
                flush.wait()
                sys.exit(0)
    flush.wait()
    sys.exit(1)


if __name__ == "__main__":
    main()
