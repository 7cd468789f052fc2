#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bad HTTP clients against the agent, and proof it still works meanwhile.

Run inside the agent's namespace. Opens --idle connections that send nothing,
one slowloris client (a header byte every 0.5 s), one client sending a 1 MiB
header, one sending garbage; while they are all there, /healthz must answer,
and after "nft flush ruleset" the table must come back (a reconcile happens).
Prints one "ok WHAT" or "not ok WHAT: detail" line per check; exit 1 if any
check failed.
"""
import argparse
import socket
import subprocess
import sys
import time

failed = False


def check(cond, what, detail=""):
    global failed
    if cond:
        print(f"ok {what}")
    else:
        failed = True
        print(f"not ok {what}: {detail}")
    sys.stdout.flush()


def connect(addr):
    s = socket.create_connection(addr, timeout=5)
    return s


def status_of(data):
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def read_all(s, limit=1 << 20):
    out = b""
    try:
        while len(out) < limit:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (ConnectionResetError, socket.timeout, BrokenPipeError) as e:
        out += f"<{type(e).__name__}>".encode()
    return out


def get(addr, path):
    s = connect(addr)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    data = read_all(s)
    s.close()
    return data


def big_header(addr):
    s = connect(addr)
    status = None
    try:
        s.sendall(b"GET /metrics HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
    except (ConnectionResetError, BrokenPipeError):
        pass
    status = status_of(read_all(s))
    s.close()
    return status


def garbage(addr):
    s = connect(addr)
    s.sendall(bytes(range(256)) * 4)
    status = status_of(read_all(s))
    s.close()
    return status


def table_back(timeout):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        r = subprocess.run(["nft", "list", "table", "inet", "pmtufix"],
                           capture_output=True)
        if r.returncode == 0:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9883)
    ap.add_argument("--idle", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=5.0, help="the server's client deadline")
    ap.add_argument("--table-timeout", type=float, default=1.0)
    a = ap.parse_args()
    addr = (a.host, a.port)

    idle = [connect(addr) for _ in range(a.idle)]
    slow = connect(addr)
    slow.sendall(b"GET /healthz HTTP/1.1\r\n")
    t_slow = time.monotonic()

    st = big_header(addr)
    check(st == 431, "a 1 MiB header is refused with 431", f"status {st}")
    st = garbage(addr)
    check(st == 400, "garbage bytes are refused with 400", f"status {st}")
    data = get(addr, "/healthz")
    check(status_of(data) == 200 and data.endswith(b"ok\n"),
          f"/healthz answers with {a.idle} idle clients and a slowloris", repr(data[:200]))
    st = status_of(get(addr, "/nowhere"))
    check(st == 404, "an unknown path is 404", f"status {st}")
    s = connect(addr)
    s.sendall(b"DELETE /metrics HTTP/1.1\r\n\r\n")
    st = status_of(read_all(s))
    s.close()
    check(st == 405, "DELETE is 405", f"status {st}")

    subprocess.run(["nft", "flush", "ruleset"], check=True)
    took = table_back(a.table_timeout)
    check(took is not None, f"after nft flush ruleset the table is back within {a.table_timeout} s",
          "it is not")

    # The slowloris client dribbles until the server's deadline closes it.
    closed = False
    slow.settimeout(0.5)
    while time.monotonic() - t_slow < a.timeout + 3:
        try:
            slow.sendall(b"X")
            if slow.recv(4096) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
    waited = time.monotonic() - t_slow
    check(closed, "the slowloris client is closed at the deadline", f"open after {waited:.1f} s")
    data = get(addr, "/healthz")
    check(status_of(data) == 200, "/healthz still answers afterwards", repr(data[:200]))
    for s in idle:
        s.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
