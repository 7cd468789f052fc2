# SPDX-License-Identifier: GPL-2.0
"""Pieces of the flow holders the rescue tests embed (python -c).

A holder opens the flows a test quotes in forged errors, across network
namespaces from one process (a python start costs a second in the guest), and
keeps them open. The tests start it through spawn_ready (topo.sh), which puts
this directory on PYTHONPATH.
"""

import ctypes
import os
import socket

_libc = ctypes.CDLL(None, use_errno=True)


def setns(ns):
    """Enter netns NS, a name under /run/netns."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if _libc.setns(fd, 0x40000000):
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)


def tcp_pair(lns, laddr, lport, cns, caddr, cport, lreuse=True, creuse=True,
             dev=None):
    """A TCP connection CADDR:CPORT (in CNS) -> LADDR:LPORT (in LNS).

    Returns (listener, accepted, connected); the thread is left in CNS.
    LREUSE, CREUSE: SO_REUSEADDR on the listener, the connector; DEV: the
    device (a VRF) the listener is bound to.
    """
    family = socket.AF_INET6 if ':' in laddr else socket.AF_INET
    setns(lns)
    lsock = socket.socket(family)
    if lreuse:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if dev:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                         dev.encode())
    lsock.bind((laddr, lport))
    lsock.listen(1)
    setns(cns)
    csock = socket.socket(family)
    if creuse:
        csock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    csock.bind((caddr, cport))
    csock.settimeout(5)
    csock.connect((laddr, lport))
    lsock.settimeout(5)
    asock = lsock.accept()[0]
    return lsock, asock, csock


def udp_flow(laddr, lport, raddr, rport, dev=None):
    """A connected UDP socket LADDR:LPORT -> RADDR:RPORT, in the current
    netns, bound to DEV (a VRF) if given."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if dev:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                        dev.encode())
    sock.bind((laddr, lport))
    sock.connect((raddr, rport))
    return sock


def send_seq(sock):
    """snd_nxt of an idle socket: its write_seq, read in repair mode; -1 if
    TCP_REPAIR is refused."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, 19, 1)     # TCP_REPAIR on
        sock.setsockopt(socket.IPPROTO_TCP, 20, 2)     # TCP_REPAIR_QUEUE: send
        seq = sock.getsockopt(socket.IPPROTO_TCP, 21)  # TCP_QUEUE_SEQ
        sock.setsockopt(socket.IPPROTO_TCP, 19, -1)    # off, no window probe
        return seq & 0xffffffff
    except OSError:
        return -1
