#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the seeds of the reply target into corpus/reply/: for a few commands,
what a kernel with the pmtufix family would answer (see reply.c for the input
format). Rerun after the UAPI changes; the seeds are committed."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "reply")

# Indices into reply.c's commands[].
SHOW, JSHOW, STATS, MSS_SHOW, MSS_STATS, SAVE, MONITOR, SET, MSS_ADD, APPLY = \
    0, 1, 2, 4, 6, 8, 9, 11, 12, 16

NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_MULTI, NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x2, 0x100, 0x200
GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, CTRL_CMD_DELFAMILY = 0x10, 1, 2
FAMILY = 0x1c
# enum pmtufix_cmd, pmtufix_attr, pmtufix_mss_attr, pmtufix_event_attr
GET_CONFIG, GET_STATS, MSS_GET, EVENT = 1, 3, 7, 9
A_VERSION, A_RESCUE, A_LOG, A_FLOOR, A_FLOOR_EFF, A_STATS, A_MSS_RULE, A_EVENT = range(1, 9)
A_MSS_STATS = 11


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("<HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def nest(t, *attrs):
    return attr(t | 0x8000, b"".join(attrs))


def u8(t, v): return attr(t, struct.pack("<B", v))
def u16(t, v): return attr(t, struct.pack("<H", v))
def be16(t, v): return attr(t, struct.pack(">H", v))
def u32(t, v): return attr(t, struct.pack("<I", v))
def u64(t, v): return attr(t, struct.pack("<Q", v))
def strz(t, s): return attr(t, s.encode() + b"\0")


def msg(typ, payload, flags=0):
    return struct.pack("<IHHII", 16 + len(payload), typ, flags, 0, 0) + payload


def genl(cmd, *attrs, typ=FAMILY, flags=0):
    return msg(typ, struct.pack("<BBH", cmd, 1, 0) + b"".join(attrs), flags)


def ack(err=0, text=None, miss=None):
    # Capped: the request is not quoted, the TLVs follow struct nlmsgerr.
    tlvs = (strz(1, text) if text else b"") + (u32(5, miss) if miss else b"")
    flags = NLM_F_CAPPED | (NLM_F_ACK_TLVS if tlvs else 0)
    return msg(NLMSG_ERROR, struct.pack("<i", err) + bytes(16) + tlvs, flags)


def done():
    return msg(NLMSG_DONE, struct.pack("<i", 0), NLM_F_MULTI)


def family():
    ops = [nest(i + 1, u32(1, cmd), u32(2, 0)) for i, cmd in enumerate(range(1, 9))]
    return genl(CTRL_CMD_NEWFAMILY, u16(1, FAMILY), strz(2, "pmtufix"), u32(3, 1),
                nest(6, *ops), nest(7, nest(1, strz(1, "events"), u32(2, 7))),
                typ=GENL_ID_CTRL) + ack()


def config():
    return genl(GET_CONFIG, u8(A_RESCUE, 1), u8(A_LOG, 2), u32(A_FLOOR, 0),
                u32(A_FLOOR_EFF, 552), u32(A_VERSION, 0x000100)) + ack()


def stats():
    return genl(GET_STATS, nest(A_STATS, *[u64(r + 1, r * 1000) for r in range(9)]),
                nest(A_MSS_STATS, *[u64(s + 1, s) for s in range(6)])) + ack()


def rule(family_, addr, plen, mss, d):
    return genl(MSS_GET, nest(A_MSS_RULE, u8(1, family_), attr(2, addr), u8(3, plen),
                              u16(4, mss), u8(5, d)), flags=NLM_F_MULTI)


def rules():
    return (rule(2, bytes([10, 10, 20, 0]), 24, 1460, 1) +
            rule(10, bytes.fromhex("20010db8") + bytes(12), 32, 0, 0) + done())


def event(v6=False):
    if v6:
        s, d, i = (bytes.fromhex("20010db8000100000000000000000001"),
                   bytes.fromhex("20010db8000200000000000000000002"),
                   bytes.fromhex("20010db8000000000000000000000001"))
    else:
        s, d, i = bytes([10, 10, 10, 10]), bytes([10, 10, 20, 20]), bytes([172, 20, 20, 2])
    return genl(EVENT, nest(A_EVENT, u32(1, 0), u32(2, 1), attr(3, i), u32(4, 1400),
                            u8(5, 6), attr(6, s), attr(7, d), be16(8, 6443), be16(9, 43512)))


def records(*datagrams):
    return b"".join(struct.pack("<H", len(d)) + d for d in datagrams)


SEEDS = {
    "show": (SHOW, [family(), config(), stats(), rules()]),
    "show-json": (JSHOW, [family(), config(), stats(), rules()]),
    "stats": (STATS, [family(), stats()]),
    "mss-show": (MSS_SHOW, [family(), rules()]),
    "mss-stats": (MSS_STATS, [family(), stats()]),
    "save": (SAVE, [family(), config(), rules()]),
    "monitor": (MONITOR, [family(), event(), event(True),
                          genl(CTRL_CMD_DELFAMILY, strz(2, "pmtufix"), typ=GENL_ID_CTRL)]),
    "set-warning": (SET, [family(), ack(0, "floor is below the route minimum")]),
    "mss-add-exists": (MSS_ADD, [family(), ack(-17, "a rule for this prefix exists", 2)]),
    # The file's second rule is refused: the one rule found is put back.
    "apply-fails": (APPLY, [family(), config(),
                            rule(2, bytes([192, 0, 2, 0]), 24, 1300, 2) + done(),
                            ack(), ack(), ack(), ack(-22, "no room"), ack(), ack(), ack()]),
}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, (cmd, datagrams) in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes([cmd]) + records(*datagrams))
