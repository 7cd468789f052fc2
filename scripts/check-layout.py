#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-layout.py [--max-lines N]

The layout rules of the tree, one TAP line each per directory:
  includes   no two files include each other: a concern is a file name
             without its extension (mss.c + mss.h), and if concern A
             includes a header of concern B, B must not include one of A's
  functions  no function is longer than N lines (default 80, plus a small
             allowance: "much over 80" is what the house rule forbids)
Tests (selftests/, userspace/tests/, userspace/fuzz/) are exempt from the
function length rule; the include rule holds everywhere.
"""
import argparse
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ["kmod", "common", "nft", "userspace"]
TEST_DIRS = ["userspace/tests", "userspace/fuzz", "selftests"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(d):
    out = []
    for root, _, files in os.walk(os.path.join(TOP, d)):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.join(root, f))
    return sorted(out)


def concern(path):
    return os.path.splitext(os.path.relpath(path, TOP))[0]


def include_cycles(files):
    """Pairs of concerns that include each other's headers."""
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    edges = {}
    for f in files:
        text = open(f, encoding="utf-8", errors="replace").read()
        for inc in INCLUDE.findall(text):
            name = os.path.basename(inc)
            # A quoted include resolves next to the file first, then by name.
            local = os.path.join(os.path.dirname(f), inc)
            targets = [local] if os.path.exists(local) else by_name.get(name, [])
            for t in targets:
                a, b = concern(f), concern(t)
                if a != b:
                    edges.setdefault(a, set()).add(b)
    bad = []
    for a in sorted(edges):
        for b in sorted(edges[a]):
            if a < b and a in edges.get(b, set()):
                bad.append(f"{a} and {b} include each other")
    return bad


def strip_c(text):
    """Comments, strings and character literals blanked, lines kept."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", text)


def long_functions(path, limit):
    """Functions (a body at brace depth 0 after a ')') longer than limit lines."""
    lines = strip_c(open(path, encoding="utf-8", errors="replace").read()).split("\n")
    out, depth, start, name = [], 0, None, None
    for i, line in enumerate(lines):
        for ch in line:
            if ch == "{":
                if depth == 0:
                    head = " ".join(l.strip() for l in lines[max(0, i - 3):i + 1])
                    m = re.search(r"(\w+)\s*\([^;{}]*\)\s*(__\w+(\(\([^)]*\)\))?\s*)*\{?\s*$",
                                  head.split("{")[0] + "{")
                    start, name = (i, m.group(1)) if m and "=" not in head.split("(")[0] else (None, None)
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and start is not None:
                    n = i - start + 1
                    if n > limit:
                        out.append(f"{os.path.relpath(path, TOP)}:{start + 1}: {name}() is {n} lines")
                    start = None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-lines", type=int, default=90)
    args = ap.parse_args()
    # One graph for the whole tree: userspace/ includes common/ and nft/.
    tree = [f for d in DIRS + ["selftests"] for f in sources(d)]
    results = [("includes: no two files include each other (" + ", ".join(DIRS + ["selftests"]) + ")",
                include_cycles(tree))]
    for d in DIRS:
        long = []
        for f in sources(d):
            rel = os.path.relpath(f, TOP)
            if f.endswith(".c") and not any(rel.startswith(t + "/") for t in TEST_DIRS):
                long += long_functions(f, args.max_lines)
        results.append((f"functions: none in {d}/ over {args.max_lines} lines", long))
    print("TAP version 13")
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, problems) in enumerate(results, 1):
        print(f"{'not ok' if problems else 'ok'} {i} - {name}")
        for p in problems:
            print(f"#   {p}")
        failed += bool(problems)
    print(f"# layout: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
