#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# raw_rounds.py - send prebuilt IPv4 packets (headers included) ROUNDS times
# round robin from one raw socket, in the namespace it is started in.
#
# Usage: raw_rounds.py ROUNDS DST=HEX...
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
pkts = [(bytes.fromhex(h), d) for d, h in (a.split("=") for a in sys.argv[2:])]
for _ in range(int(sys.argv[1])):
    for p, d in pkts:
        s.sendto(p, (d, 0))
