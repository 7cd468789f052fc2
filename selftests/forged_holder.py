#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# forged_holder.py - for test-rescue-forged.sh: holds flows A, M, U, V and W
# open until killed and prints "ready SEQ_A SEQ_M" (the next sequence number
# each sends; -1 if TCP_REPAIR is refused). Then forges: reads forge_icmp.py
# command lines from CMD_FIFO, runs each in-process (a python start costs a
# second in the guest) and answers "done RC" on ANS_FIFO, back in the
# server's netns. The kernel handles a forged error before its sendto()
# returns (veth delivers in the sender's context), so after "done" the
# counters are final.
#
# Usage: forged_holder.py SRV CLI RTR BASE_PORT SELFTESTS_DIR CMD_FIFO ANS_FIFO
import os, shlex, socket, sys

from flows import setns, tcp_pair, udp_flow, send_seq

srv, cli, rtr, port, selftests, cmd_fifo, ans_fifo = sys.argv[1:8]
port = int(port)
a = tcp_pair(srv, "10.10.10.10", port, cli, "10.10.20.20", port + 1)
m = tcp_pair(rtr, "172.20.20.2", port + 2, srv, "172.20.20.10", port + 3)
setns(srv)
u = udp_flow("10.10.10.10", port + 4, "10.10.20.20", 7777)
v = udp_flow("10.10.10.10", port + 5, "172.20.20.5", 7777)
w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
w.bind(("0.0.0.0", port + 6))
print("ready %d %d" % (send_seq(a[1]), send_seq(m[2])), flush=True)

sys.path.insert(0, selftests)
import forge_icmp

cmd = os.fdopen(os.open(cmd_fifo, os.O_RDWR), "r")
ans = os.fdopen(os.open(ans_fifo, os.O_RDWR), "w")
for line in cmd:
    sys.argv = ["forge_icmp.py"] + shlex.split(line)
    try:
        rc = forge_icmp.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 2
    setns(srv)
    ans.write("done %d\n" % rc)
    ans.flush()
