#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# synrecv_holder.py - for test-rescue-forged.sh: leaves a connection from the
# client in SYN-RECV on the server (the client drops the SYN-ACKs with nft)
# after reading their sequence number from a packet socket; prints
# "synack ISN" and sleeps.
#
# Usage: synrecv_holder.py SRV CLI SRV_IP CLI_IP LPORT CPORT
import socket, struct, sys, time

from flows import setns

srv, cli, srv_ip, cli_ip, lport, cport = sys.argv[1:7]
lport, cport = int(lport), int(cport)
setns(srv)
lsock = socket.socket()
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind((srv_ip, lport))
lsock.listen(8)
setns(cli)
cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
cap.settimeout(5)
c = socket.socket()
c.bind((cli_ip, cport))
c.setblocking(False)
c.connect_ex((srv_ip, lport))
while True:
    pkt = cap.recv(2048)
    ihl = (pkt[0] & 15) * 4
    if pkt[9] != 6 or socket.inet_ntoa(pkt[12:16]) != srv_ip:
        continue
    sport, dport, seq = struct.unpack("!HHI", pkt[ihl:ihl + 8])
    if sport == lport and dport == cport and pkt[ihl + 13] & 0x12 == 0x12:
        print("synack %d" % seq, flush=True)
        break
time.sleep(3600)
