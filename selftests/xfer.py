#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One TCP bulk transfer between two network namespaces, in one process.

A listening socket is created in the listener's netns, a connecting socket in
the connector's netns (setns(2) per socket, so no "ip netns exec" and only one
python start). One side sends BYTES and shuts down; the other reads until EOF.

Prints one line of key=value pairs:
  bytes=RECEIVED expected=BYTES elapsed=SECONDS result=ok|stall|error
  snd_mss=.. rcv_mss=.. pmtu=.. advmss=.. retrans=..
                                            (TCP_INFO of the sending socket)
and exits 0 when every byte arrived before the timeout, 1 on a stall or a short
transfer, 2 on a setup error (bad namespace, address in use, ...).

Both sockets are closed with SO_LINGER 0 (RST), so a stalled flow leaves no
orphan retransmitting in the namespace.
"""

import argparse
import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(ns):
    """Enter netns NS: a name under /run/netns, a path, or '-' (ours)."""
    if ns == '-':
        fd = os.dup(ORIG_NS_FD)
    else:
        path = ns if '/' in ns else os.path.join('/run/netns', ns)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'setns(%s): %s' % (ns, os.strerror(err)))
    finally:
        os.close(fd)


def tcp_info(sock):
    """A few fields of struct tcp_info (include/uapi/linux/tcp.h)."""
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except OSError:
        return {}
    if len(raw) < 104:
        return {}
    u32 = struct.unpack_from('=24I', raw, 8)
    return {
        'snd_mss': u32[2],
        'rcv_mss': u32[3],
        'pmtu': u32[13],
        'advmss': u32[19],
        'retrans': u32[23],
    }


def abort(sock):
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
    except OSError:
        pass
    sock.close()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        epilog='Example: xfer.py --listen-ns srv-x --connect-ns cli-x '
               '--addr 10.10.10.10 --port 5001 --bytes 65536 --timeout 4')
    ap.add_argument('--listen-ns', required=True,
                    help="netns of the listening side ('-' = current)")
    ap.add_argument('--connect-ns', required=True,
                    help="netns of the connecting side ('-' = current)")
    ap.add_argument('--addr', required=True,
                    help='address the listener binds and the connector dials')
    ap.add_argument('--port', type=int, default=0,
                    help='TCP port (default: any free port)')
    ap.add_argument('--connect-addr', default=None,
                    help='address the connector dials, if not --addr '
                         '(a service address the listener sits behind, DNAT)')
    ap.add_argument('--bind', default=None,
                    help='source address of the connecting socket')
    ap.add_argument('--sender', choices=('listener', 'connector'),
                    default='listener',
                    help='which side sends the data (default: listener)')
    ap.add_argument('--bytes', type=int, default=65536,
                    help='bytes to send (default: 65536)')
    ap.add_argument('--timeout', type=float, default=5.0,
                    help='seconds for connect + transfer (default: 5)')
    ap.add_argument('--mss', type=int, default=0,
                    help='TCP_MAXSEG on the connecting socket (MSS it announces)')
    args = ap.parse_args()

    global ORIG_NS_FD
    ORIG_NS_FD = os.open('/proc/self/ns/net', os.O_RDONLY | os.O_CLOEXEC)

    lsock = csock = asock = None
    start = time.monotonic()
    deadline = start + args.timeout
    received = 0
    eof = False
    info = {}
    try:
        setns(args.listen_ns)
        family = socket.AF_INET6 if ':' in args.addr else socket.AF_INET
        lsock = socket.socket(family, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((args.addr, args.port))
        lsock.listen(1)
        port = lsock.getsockname()[1]

        setns(args.connect_ns)
        csock = socket.socket(family, socket.SOCK_STREAM)
        if args.mss:
            csock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, args.mss)
        if args.bind:
            csock.bind((args.bind, 0))
        csock.setblocking(False)
        csock.connect_ex((args.connect_addr or args.addr, port))
        setns('-')
    except OSError as e:
        print('result=error error=%r' % (str(e),))
        return 2

    data = memoryview(b'\x5a' * args.bytes)
    sent = 0
    try:
        r, _, _ = select.select([lsock], [], [],
                                max(0.0, deadline - time.monotonic()))
        if not r:
            raise TimeoutError('no connection')
        asock, _ = lsock.accept()
        asock.setblocking(False)
        if args.sender == 'listener':
            tx, rx = asock, csock
        else:
            tx, rx = csock, asock
        err = csock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise OSError(err, os.strerror(err))

        while not eof:
            now = time.monotonic()
            if now >= deadline:
                break
            wl = [tx] if sent < len(data) else []
            r, w, _ = select.select([rx], wl, [], deadline - now)
            if w:
                sent += tx.send(data[sent:sent + 262144])
                if sent == len(data):
                    tx.shutdown(socket.SHUT_WR)
            if r:
                chunk = rx.recv(262144)
                if not chunk:
                    eof = True
                received += len(chunk)
        info = tcp_info(tx)
    except (OSError, TimeoutError) as e:
        info = {'error': repr(str(e))}
    elapsed = time.monotonic() - start
    for s in (asock, csock, lsock):
        abort(s)

    ok = eof and received == args.bytes
    result = 'ok' if ok else 'stall'
    fields = ['bytes=%d' % received, 'expected=%d' % args.bytes,
              'elapsed=%.3f' % elapsed, 'result=%s' % result]
    fields += ['%s=%s' % kv for kv in info.items()]
    print(' '.join(fields))
    return 0 if ok else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
