#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bogon_holder.py - for test-rescue-bogon.sh: holds a TCP flow
# 10.10.10.10:PORT <- 10.10.20.20:PORT+1 open until killed and prints
# "ready SEQ" (the next sequence number the server sends; -1 if TCP_REPAIR is
# refused).
#
# Usage: bogon_holder.py SRV CLI PORT
import signal, sys

from flows import tcp_pair, send_seq

srv, cli, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = tcp_pair(srv, "10.10.10.10", port, cli, "10.10.20.20", port + 1,
             creuse=False)
print("ready %d" % send_seq(a[1]), flush=True)
signal.pause()
