#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# rt_wakeups.py - a real-time task on CPU 0 that wakes every millisecond for
# SECONDS; prints "ready", then the longest it waited for the CPU, in ms.
#
# Usage: rt_wakeups.py SECONDS
import os, sys, time
os.sched_setaffinity(0, {0})
os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[1])
last = time.monotonic()
worst = 0.0
while last < end:
    time.sleep(0.001)
    now = time.monotonic()
    worst = max(worst, now - last)
    last = now
print(int(worst * 1000), flush=True)
