#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# rescue_holder.py - for rescue_case.sh: opens the server's flows and keeps
# them; prints "ready SEQ_T":
#   T  TCP SRV_IP:PORT   <- PEER_IP:PORT+1 (idle)
#   U  UDP SRV_IP:PORT+2 -> PEER_IP:7777   (connected)
#   V  UDP SRV_IP:PORT+3 -> OTHER:7777     (connected; only given OTHER)
# the server's sockets bound to DEV (a VRF) unless it is "".
#
# Usage: rescue_holder.py SRV RTR SRV_IP PEER_IP PORT DEV [OTHER]
import sys, time

from flows import setns, tcp_pair, udp_flow, send_seq

srv, rtr, srv_ip, peer_ip, port, dev = sys.argv[1:7]
port = int(port)
dev = dev or None
t = tcp_pair(srv, srv_ip, port, rtr, peer_ip, port + 1, lreuse=False,
             creuse=False, dev=dev)
setns(srv)
u = udp_flow(srv_ip, port + 2, peer_ip, 7777, dev=dev)
v = [udp_flow(srv_ip, port + 3, other, 7777, dev=dev)
     for other in sys.argv[7:]]
print("ready %d" % send_seq(t[1]), flush=True)
time.sleep(3600)
