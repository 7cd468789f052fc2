#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# preemptions.py - run CMD; print its exit status and how often it was
# preempted (involuntary context switches of the child).
#
# Usage: preemptions.py CMD [ARGS...]
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_nivcsw)
