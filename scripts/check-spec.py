#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""check-spec.py - the hand-written kernel side agrees with the netlink spec.

Usage: scripts/check-spec.py [--spec FILE] [--header FILE] [--netlink FILE]

kmod/uapi/pmtufix.h is generated from Documentation/netlink/pmtufix.yaml
(make regen; scripts/regen.sh --check proves it is), so the header's names
and values are the spec's by construction. What the generator cannot produce
for both kernels stays hand-written in kmod/netlink.c (why: the top of the
spec), and this checks it, reading the header only to give its names values
(needs PyYAML: python3-yaml):

  counters   the stats, mss-stats and relay-out-stats sets are enum reason /
             mss-stat / relay-out + 1,
             u64, padded with type 0: the kernel puts them by index
  ops        every genl_ops entry of the kernel is a spec operation with the same
             do/dump handlers and flags; spec operations the kernel lacks are
             reported as skipped (not implemented yet)
  policies   each request attribute has a policy entry of the spec's type and
             checks (range, length); every other attribute is rejected; an
             operation without policy takes no attribute; no operation opts out
             of strict validation
  replies    the attributes each handler puts, and their types, are the spec's
             reply (or event) attributes
  mcgrps     the kernel's multicast groups are the spec's, with the same flags

Output is TAP 13 ("ok N ..." / "not ok N ...", "# SKIP" for operations the
kernel does not implement yet), then "N passed, N failed". Exit status 0 when
nothing failed, 1 otherwise, 2 when a file cannot be read or parsed.

The C parser is small on purpose: it understands the constructs the kernel
side uses (designated initializers, the NLA_POLICY_* macros, function-like
macros of the file itself) and reports anything else as a failure instead of
guessing.
"""

import argparse
import ast
import os
import re
import sys

try:
    import yaml
except ImportError:
    print('1..0 # SKIP PyYAML is missing (Debian: python3-yaml)')
    sys.exit(4)

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))

# Spec attribute type -> kernel policy type(s), and the nla_put_*() that
# writes it (None: any).
POLICY_TYPES = {
    'u8': {'NLA_U8'}, 'u16': {'NLA_U16'}, 'u32': {'NLA_U32'},
    'u64': {'NLA_U64'}, 's8': {'NLA_S8'}, 's16': {'NLA_S16'},
    's32': {'NLA_S32'}, 's64': {'NLA_S64'}, 'uint': {'NLA_UINT'},
    'sint': {'NLA_SINT'}, 'flag': {'NLA_FLAG'}, 'binary': {'NLA_BINARY'},
    'string': {'NLA_NUL_STRING', 'NLA_STRING'},
    'nest': {'NLA_NESTED', 'NLA_NESTED_ARRAY'},
    'bitfield32': {'NLA_BITFIELD32'},
}
PUT_TYPES = {
    'nla_put_u8': ('u8', None), 'nla_put_u16': ('u16', 'little'),
    'nla_put_u32': ('u32', 'little'), 'nla_put_u64_64bit': ('u64', 'little'),
    'nla_put_uint': ('uint', None), 'nla_put_s8': ('s8', None),
    'nla_put_s16': ('s16', None), 'nla_put_s32': ('s32', None),
    'nla_put_s64': ('s64', None), 'nla_put_be16': ('u16', 'big'),
    'nla_put_be32': ('u32', 'big'), 'nla_put_net16': ('u16', 'big'),
    'nla_put_net32': ('u32', 'big'), 'nla_put_in_addr': ('u32', 'big'),
    'nla_put_flag': ('flag', None), 'nla_put_string': ('string', None),
    'nla_put': ('binary', None), 'nla_nest_start': ('nest', None),
    'nla_nest_start_noflag': ('nest', None),
    # Room for a binary attribute filled in place (a copy of packet bytes).
    'nla_reserve': ('binary', None),
}
OP_FLAGS = {'GENL_ADMIN_PERM': 'admin-perm', 'GENL_UNS_ADMIN_PERM': 'uns-admin-perm'}
# A group that needs CAP_NET_ADMIN over the netns's owner is what
# uns-admin-perm means for commands.
MCGRP_FLAGS = {'GENL_MCAST_CAP_NET_ADMIN': 'uns-admin-perm'}
# Counter sets: their type is another enum's value + offset.
INDEXED_SETS = {'stats': ('reason', 1), 'mss-stats': ('mss-stat', 1),
                'relay-out-stats': ('relay-out', 1)}
SIZEOF = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8, '__u8': 1, '__u16': 2,
          '__u32': 4, '__u64': 8, '__be16': 2, '__be32': 4, '__be64': 8,
          'struct in_addr': 4, 'struct in6_addr': 16}


class ParseError(Exception):
    pass


##############################################################################
# TAP

class Tap:
    def __init__(self):
        self.n = self.passed = self.failed = self.skipped = 0
        print('TAP version 13')

    def result(self, name, problems, skip=None):
        self.n += 1
        if skip:
            self.skipped += 1
            print('ok %d %s # SKIP %s' % (self.n, name, skip))
        elif problems:
            self.failed += 1
            print('not ok %d %s' % (self.n, name))
            for p in problems:
                print('# %s' % p)
        else:
            self.passed += 1
            print('ok %d %s' % (self.n, name))

    def finish(self):
        print('1..%d' % self.n)
        print('# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0'
              % (self.passed, self.failed, self.skipped))
        if self.skipped:
            print('%d passed, %d failed, %d skipped'
                  % (self.passed, self.failed, self.skipped))
        else:
            print('%d passed, %d failed' % (self.passed, self.failed))
        return 1 if self.failed else 0


##############################################################################
# A small C reader

def strip_comments(src):
    """Comments become spaces; strings and characters are kept."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith('/*', i):
            j = src.find('*/', i + 2)
            if j < 0:
                raise ParseError('unterminated comment')
            out.append(' ')
            i = j + 2
        elif src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        elif c in '"\'':
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def join_continuations(src):
    return re.sub(r'\\\n', ' ', src)


def matching(src, i):
    """Index just past the bracket that closes the one at src[i]."""
    pairs = {'(': ')', '[': ']', '{': '}'}
    stack = []
    j = i
    while j < len(src):
        c = src[j]
        if c in '"\'':
            k = j + 1
            while k < len(src) and src[k] != c:
                k += 2 if src[k] == '\\' else 1
            j = k + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c in ')]}':
            if not stack or stack.pop() != c:
                raise ParseError('unbalanced %r at offset %d' % (c, j))
            if not stack:
                return j + 1
        j += 1
    raise ParseError('unbalanced bracket at offset %d' % i)


def split_top(src, sep=','):
    """Split at sep outside brackets and strings; drop empty tail items."""
    items, depth, cur, i = [], 0, [], 0
    while i < len(src):
        c = src[i]
        if c in '"\'':
            k = i + 1
            while k < len(src) and src[k] != c:
                k += 2 if src[k] == '\\' else 1
            cur.append(src[i:k + 1])
            i = k + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == sep and depth == 0:
            items.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    last = ''.join(cur).strip()
    if last:
        items.append(last)
    return items


def c_string(tok):
    tok = tok.strip()
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', tok)
    return m.group(1) if m else None


class Consts:
    """#define NAME VALUE and enum members, evaluated to ints or strings."""

    def __init__(self):
        self.values = {}
        self.raw = {}

    def eval(self, expr):
        expr = expr.strip()
        s = c_string(expr)
        if s is not None:
            return s
        expr = re.sub(r'\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b', r'\1', expr)

        def size(m):
            t = ' '.join(m.group(1).split())
            if t not in SIZEOF:
                raise ParseError('sizeof(%s) is not known' % t)
            return str(SIZEOF[t])
        expr = re.sub(r'\bsizeof\s*\(([^()]*)\)', size, expr)
        try:
            tree = ast.parse(expr, mode='eval')
        except SyntaxError:
            raise ParseError('cannot evaluate %r' % expr)
        return self._eval(tree.body, expr)

    def _eval(self, node, expr):
        ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
               ast.Mult: lambda a, b: a * b, ast.LShift: lambda a, b: a << b,
               ast.RShift: lambda a, b: a >> b, ast.BitOr: lambda a, b: a | b,
               ast.BitAnd: lambda a, b: a & b}
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.values:
                return self.values[node.id]
            if node.id in self.raw:
                v = self.eval(self.raw[node.id])
                self.values[node.id] = v
                return v
            raise ParseError('unknown constant %s in %r' % (node.id, expr))
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](self._eval(node.left, expr),
                                      self._eval(node.right, expr))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand, expr)
        raise ParseError('cannot evaluate %r' % expr)

    def get(self, name):
        return self.eval(name)


def parse_defines(src, consts):
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+(.+)$',
                         src, re.M):
        consts.raw[m.group(1)] = m.group(2).strip()


def parse_enums(src, consts):
    """{enum name or None: [(member, value), ...]} in order."""
    enums = {}
    for m in re.finditer(r'\benum\s+(\w+)?\s*\{', src):
        end = matching(src, m.end() - 1)
        body = src[m.end():end - 1]
        members, val = [], 0
        for item in split_top(body):
            if '=' in item:
                name, expr = (x.strip() for x in item.split('=', 1))
                val = consts.eval(expr)
            else:
                name = item
            consts.values[name] = val
            members.append((name, val))
            val += 1
        key = m.group(1) or '<anonymous %d>' % len(enums)
        enums[key] = members
    return enums


def initializer(src, decl_re):
    """The {...} after 'decl = ' for the first declaration matching decl_re."""
    m = re.search(decl_re + r'[^=;]*=\s*\{', src)
    if not m:
        return None
    end = matching(src, m.end() - 1)
    return src[m.end():end - 1]


def designated(body):
    """'.a = x, .b = y' -> {'a': 'x', 'b': 'y'}."""
    fields = {}
    for item in split_top(body):
        m = re.fullmatch(r'\.(\w+)\s*=\s*(.+)', item, re.S)
        if not m:
            raise ParseError('not a designated initializer: %r' % item)
        fields[m.group(1)] = m.group(2).strip()
    return fields


def expand_macros(expr, macros):
    """Expand the file's own function-like macros (one level is enough)."""
    for name, (params, body) in macros.items():
        m = re.search(r'\b%s\s*\(' % re.escape(name), expr)
        if not m:
            continue
        end = matching(expr, m.end() - 1)
        args = split_top(expr[m.end():end - 1])
        if len(args) != len(params):
            raise ParseError('macro %s takes %d arguments' % (name, len(params)))
        out = body
        for p, a in zip(params, args):
            out = re.sub(r'\b%s\b' % re.escape(p), a, out)
        expr = expr[:m.start()] + out + expr[end:]
    return expr


def parse_policy_entry(expr, src, consts):
    """A policy entry as {'type': NLA_X, 'min':, 'max':, 'min-len':, ...}."""
    expr = expr.strip()
    m = re.fullmatch(r'(NLA_POLICY_\w+)\s*\((.*)\)', expr, re.S)
    if m:
        mac, args = m.group(1), split_top(m.group(2))
        e = {}
        if mac == 'NLA_POLICY_MAX':
            e['type'], e['max'] = args[0], consts.eval(args[1])
        elif mac == 'NLA_POLICY_MIN':
            e['type'], e['min'] = args[0], consts.eval(args[1])
        elif mac == 'NLA_POLICY_RANGE':
            e['type'] = args[0]
            e['min'], e['max'] = consts.eval(args[1]), consts.eval(args[2])
        elif mac in ('NLA_POLICY_FULL_RANGE', 'NLA_POLICY_FULL_RANGE_SIGNED'):
            e['type'] = args[0]
            name = args[1].lstrip('&').strip()
            body = initializer(src, r'struct\s+netlink_range_validation(?:_signed)?\s+'
                               + re.escape(name) + r'\b')
            if body is None:
                raise ParseError('no range %s' % name)
            rng = designated(body)
            e['min'] = consts.eval(rng.get('min', '0'))
            if 'max' in rng:
                e['max'] = consts.eval(rng['max'])
        elif mac == 'NLA_POLICY_EXACT_LEN':
            e['type'], e['exact-len'] = 'NLA_BINARY', consts.eval(args[0])
        elif mac == 'NLA_POLICY_MIN_LEN':
            e['type'], e['min-len'] = 'NLA_BINARY', consts.eval(args[0])
        elif mac == 'NLA_POLICY_MAX_LEN':
            e['type'], e['max-len'] = 'NLA_BINARY', consts.eval(args[0])
        elif mac in ('NLA_POLICY_NESTED', 'NLA_POLICY_NESTED_ARRAY'):
            e['type'] = 'NLA_NESTED' if mac == 'NLA_POLICY_NESTED' else 'NLA_NESTED_ARRAY'
            e['nested'] = args[-1].strip()
        else:
            raise ParseError('policy macro %s is not understood' % mac)
        return e
    if expr.startswith('{') and expr.endswith('}'):
        f = designated(expr[1:-1])
        e = {'type': f.get('type', 'NLA_UNSPEC')}
        if 'len' in f:
            if e['type'] in ('NLA_BINARY',):
                e['max-len'] = consts.eval(f['len'])
            elif e['type'] in ('NLA_NUL_STRING', 'NLA_STRING'):
                e['max-len'] = consts.eval(f['len'])
            else:
                e['min-len'] = consts.eval(f['len'])
        if 'reject_message' in f:
            e['message'] = c_string(f['reject_message'])
        for k in ('min', 'max'):
            if k in f:
                e[k] = consts.eval(f[k])
        return e
    raise ParseError('policy entry %r is not understood' % expr)


def parse_kernel(src_raw, consts):
    src = strip_comments(join_continuations(src_raw))
    k = {'macros': {}, 'policies': {}, 'ops': [], 'mcgrps': [], 'family': {},
         'functions': {}, 'src': src}
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)[ \t]+(.+)$',
                         src, re.M):
        k['macros'][m.group(1)] = ([p.strip() for p in m.group(2).split(',')],
                                   m.group(3).strip())
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^(\s].*)$',
                         src, re.M):
        consts.raw.setdefault(m.group(1), m.group(2).strip())
    # Enums of the file itself (e.g. the multicast group indices).
    body_src = re.sub(r'^[ \t]*#.*$', '', src, flags=re.M)
    for m in re.finditer(r'\benum\s+(\w+)\s*\{', body_src):
        end = matching(body_src, m.end() - 1)
        val = 0
        for item in split_top(body_src[m.end():end - 1]):
            if '=' in item:
                name, expr = (x.strip() for x in item.split('=', 1))
                val = consts.eval(expr)
            else:
                name = item
            consts.values[name] = val
            val += 1

    for m in re.finditer(r'struct\s+nla_policy\s+(\w+)\s*\[([^\]]*)\]\s*=\s*\{', body_src):
        name = m.group(1)
        end = matching(body_src, m.end() - 1)
        entries = {}
        for item in split_top(body_src[m.end():end - 1]):
            mm = re.fullmatch(r'\[\s*(\w+)\s*\]\s*=\s*(.+)', item, re.S)
            if not mm:
                raise ParseError('policy %s: entry %r has no index' % (name, item))
            expr = expand_macros(mm.group(2), k['macros'])
            entries[mm.group(1)] = parse_policy_entry(expr, body_src, consts)
        k['policies'][name] = {'size': m.group(2).strip(), 'entries': entries}

    for kind in ('genl_ops', 'genl_small_ops', 'genl_split_ops'):
        for m in re.finditer(r'struct\s+%s\s+(\w+)\s*\[\s*\]\s*=\s*\{' % kind, body_src):
            end = matching(body_src, m.end() - 1)
            for item in split_top(body_src[m.end():end - 1]):
                item = item.strip()
                if not (item.startswith('{') and item.endswith('}')):
                    raise ParseError('%s %s: entry %r' % (kind, m.group(1), item))
                op = designated(item[1:-1])
                op['_kind'] = kind
                k['ops'].append(op)

    for m in re.finditer(r'struct\s+genl_multicast_group\s+(\w+)\s*\[\s*\]\s*=\s*\{', body_src):
        end = matching(body_src, m.end() - 1)
        for item in split_top(body_src[m.end():end - 1]):
            mm = re.fullmatch(r'(?:\[\s*(\w+)\s*\]\s*=\s*)?\{(.*)\}', item.strip(), re.S)
            if not mm:
                raise ParseError('multicast group entry %r' % item)
            grp = designated(mm.group(2))
            grp['_index'] = mm.group(1)
            k['mcgrps'].append(grp)

    body = initializer(body_src, r'struct\s+genl_family\s+\w+(?:\s+__ro_after_init)?')
    if body is None:
        raise ParseError('no struct genl_family definition')
    k['family'] = designated(body)

    k['params'] = {}
    for m in re.finditer(r'^\w[\w \t\*]*?\b(\w+)\s*\(([^;{]*)\)\s*\{', body_src, re.M):
        end = matching(body_src, m.end() - 1)
        k['functions'][m.group(1)] = body_src[m.end():end - 1]
        params = []
        for item in split_top(m.group(2)):
            words = re.findall(r'\w+', item)
            if words and words != ['void']:
                params.append(words[-1])
        k['params'][m.group(1)] = params
    return k


def puts_in(body):
    """[(function, first argument after msg)] of the nla_put*() calls."""
    out = []
    for m in re.finditer(r'\b(nla_put\w*|nla_nest_start\w*|nla_reserve)\s*\(', body):
        end = matching(body, m.end() - 1)
        args = split_top(body[m.end():end - 1])
        if len(args) >= 2:
            out.append((m.group(1), args[1].strip(), args))
    return out


def collect_puts(kernel, func, subst=None, depth=0):
    """puts_in() of func and of the file's functions it calls, with the
    callee's parameters replaced by the caller's arguments."""
    body = kernel['functions'][func]
    for param, arg in (subst or {}).items():
        body = re.sub(r'\b%s\b' % re.escape(param), arg, body)
    out = puts_in(body)
    if depth >= 4:
        return out
    for m in re.finditer(r'\b(\w+)\s*\(', body):
        callee = m.group(1)
        if callee == func or callee not in kernel['functions']:
            continue
        end = matching(body, m.end() - 1)
        args = split_top(body[m.end():end - 1])
        params = kernel['params'][callee]
        mapping = {p: a for p, a in zip(params, args) if re.fullmatch(r'\w+', a)}
        out += collect_puts(kernel, callee, mapping, depth + 1)
    return out


##############################################################################
# The spec

def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Spec:
    def __init__(self, y):
        self.y = y
        self.name = y['name']
        self.defs = {d['name']: d for d in y.get('definitions', [])}
        self.sets = {s['name']: s for s in y['attribute-sets']}
        self.ops = y['operations']['list']
        self.mcgrps = y.get('mcast-groups', {}).get('list', [])

    def limit(self, v):
        """A check's value: a number or the name of a const definition."""
        if isinstance(v, int):
            return v
        d = self.defs.get(v)
        if d is None or d['type'] != 'const':
            raise ParseError('check value %r is neither a number nor a const' % v)
        return d['value']

    def enum_entries(self, d):
        """[(C name, value, spec name)] of an enum definition."""
        prefix = d.get('name-prefix', '%s-%s-' % (self.name, d['name']))
        val = d.get('value-start', 0)
        out = []
        for e in d['entries']:
            if isinstance(e, dict):
                name, val = e['name'], e.get('value', val)
            else:
                name = e
            out.append((c_upper(prefix + name), val, name))
            val += 1
        return out

    def base(self, s):
        """The full set behind a subset (itself for a full set)."""
        while 'subset-of' in s:
            s = self.sets[s['subset-of']]
        return s

    def set_prefix(self, s):
        s = self.base(s)
        return s.get('name-prefix', '%s-%s-a-' % (self.name, s['name']))

    def set_entries(self, s):
        """[(C name, value, attribute)] of a full set, in order."""
        s = self.base(s)
        out, val = [], 1
        for a in s['attributes']:
            val = a.get('value', val)
            out.append((c_upper(self.set_prefix(s) + a['name']), val, a))
            val += 1
        return out

    def attrs(self, s):
        """{name: attribute} of a set or subset; a subset's attributes are
        the full set's, with the subset's keys on top."""
        full = {a['name']: a for _, _, a in self.set_entries(s)}
        if 'subset-of' not in s:
            return full
        out = {}
        for a in s['attributes']:
            if a['name'] not in full:
                raise ParseError('subset %s: %s is not in %s'
                                 % (s['name'], a['name'], self.base(s)['name']))
            out[a['name']] = dict(full[a['name']], **a)
        return out

    def attr_by_c_name(self):
        out = {}
        for s in self.sets.values():
            if 'subset-of' in s:
                continue
            for cname, val, a in self.set_entries(s):
                out[cname] = (s, a, val)
        return out

    def op_entries(self):
        o = self.y['operations']
        prefix = o.get('name-prefix', '%s-cmd-' % self.name)
        out, val = [], 1
        for op in self.ops:
            val = op.get('value', val)
            out.append((c_upper(prefix + op['name']), val, op))
            val += 1
        return out


##############################################################################
# Checks

def check_indexed_sets(tap, spec):
    """The counter sets: attribute type = the index enum's value + offset.
    The kernel puts them by index, so no name of these sets appears in its
    code; the generator renders whatever the set says."""
    for sname, (idx, offset) in sorted(INDEXED_SETS.items()):
        p = []
        s = spec.sets.get(sname)
        d = spec.defs.get(idx)
        if s is None or d is None:
            tap.result('set %s' % sname, ['no set %s or no definition %s' % (sname, idx)])
            continue
        entries = spec.set_entries(s)
        want = [(n, v + offset) for _, v, n in spec.enum_entries(d)]
        got = [(a['name'], v) for _, v, a in entries if a['type'] != 'pad']
        if got != want:
            p.append('set %s has %s' % (sname, got))
            p.append('%s + %d is %s' % (idx, offset, want))
        if any(a['type'] != 'u64' for _, _, a in entries if a['type'] != 'pad'):
            p.append('counters must be u64')
        if [v for _, v, a in entries if a['type'] == 'pad'] != [0]:
            p.append('needs one pad attribute, type 0 (PMTUFIX_A_STATS_PAD)')
        tap.result('set %s: one u64 per %s, type = %s + %d, pad 0'
                   % (sname, idx, idx, offset), p)


def flag_names(expr, table, what):
    expr = expr.strip() if expr else '0'
    out, bad = set(), []
    if expr == '0':
        return out, bad
    for f in (x.strip() for x in expr.split('|')):
        if f in table:
            out.add(table[f])
        else:
            bad.append('%s flag %s has no spec equivalent' % (what, f))
    return out, bad


def check_type_and_checks(spec, attr, entry):
    """Problems of one policy entry against one spec attribute."""
    p = []
    t = attr['type']
    if t not in POLICY_TYPES:
        return ['spec type %s has no policy equivalent' % t]
    if entry['type'] not in POLICY_TYPES[t]:
        p.append('policy type %s, spec type %s' % (entry['type'], t))
    want = {k: spec.limit(v) for k, v in attr.get('checks', {}).items()
            if k in ('min', 'max', 'min-len', 'max-len', 'exact-len')}
    got = {k: entry[k] for k in ('min', 'max', 'min-len', 'max-len', 'exact-len')
           if k in entry}
    # A min of 0 on an unsigned type is no check at all.
    for d in (want, got):
        if d.get('min') == 0 and t[0] == 'u':
            del d['min']
    if got != want:
        p.append('policy checks %s, spec checks %s' % (got or 'none', want or 'none'))
    return p


def check_policy(spec, kernel, consts, pol_name, set_name, requested, path):
    """A policy (and its nested policies) against the requested attributes
    of a set: each requested one with the spec's type and checks, every
    other one rejected."""
    p = []
    if pol_name not in kernel['policies']:
        return ['%s: policy %s not found' % (path, pol_name)]
    pol = kernel['policies'][pol_name]
    sset = spec.sets[set_name]
    entries = spec.set_entries(sset)
    eff = spec.attrs(sset)
    try:
        if consts.eval(pol['size']) != entries[-1][1] + 1:
            p.append('%s: policy %s has %s entries, set %s %d'
                     % (path, pol_name, pol['size'], spec.base(sset)['name'],
                        entries[-1][1] + 1))
    except ParseError as e:
        p.append('%s: %s' % (path, e))
    known = {c for c, _, _ in entries}
    for idx in pol['entries']:
        if idx not in known:
            p.append('%s: policy %s: entry %s is not in set %s'
                     % (path, pol_name, idx, spec.base(sset)['name']))
    for cname, _, a in entries:
        e = pol['entries'].get(cname)
        where = '%s%s' % (path, a['name'])
        if a['name'] in requested:
            a = eff[a['name']]
            if e is None:
                p.append('%s: requested, but %s has no entry' % (where, pol_name))
                continue
            p += ['%s: %s' % (where, x) for x in check_type_and_checks(spec, a, e)]
            if a['type'] == 'nest':
                if 'nested' not in e:
                    p.append('%s: nest without a nested policy' % where)
                else:
                    sub = spec.sets[a['nested-attributes']]
                    req = [n for n, x in spec.attrs(sub).items()
                           if x['type'] not in ('unused', 'pad')]
                    p += check_policy(spec, kernel, consts, e['nested'], sub['name'],
                                      req, where + '.')
        elif e is not None and e['type'] != 'NLA_REJECT':
            p.append('%s: not in the spec request, but %s takes %s'
                     % (where, pol_name, e['type']))
    return p


def check_ops(tap, spec, kernel, consts):
    fam = kernel['family']
    p = []
    resv = None
    try:
        resv = consts.eval(fam.get('resv_start_op', '0'))
        if consts.eval(fam.get('version', '0')) != spec.y.get('version', 1):
            p.append('family version %s' % fam.get('version'))
        if consts.eval(fam.get('name', '""')) != spec.name:
            p.append('family name %s' % fam.get('name'))
        if consts.eval(fam.get('maxattr', '0')) != \
                spec.set_entries(spec.sets[spec.name])[-1][1]:
            p.append('family maxattr %s' % fam.get('maxattr'))
    except (ParseError, KeyError) as e:
        p.append(str(e))
    if fam.get('policy'):
        p.append('family-wide policy %s: the spec says per-op' % fam['policy'])
    if fam.get('netnsok', 'false') != 'true':
        p.append('family is not netnsok: every command acts on the caller\'s netns')
    tap.result('family: genl_family name, version, maxattr, netnsok, per-op policies', p)

    spec_ops = {v: (n, op) for n, v, op in spec.op_entries()}
    by_c = {n: op for n, _, op in spec.op_entries()}
    kernel_cmds = set()
    for kop in kernel['ops']:
        cmd = kop.get('cmd', '?')
        p = []
        op = by_c.get(cmd)
        try:
            val = consts.eval(cmd)
        except ParseError as e:
            tap.result('op %s' % cmd, [str(e)])
            continue
        kernel_cmds.add(val)
        if op is None:
            tap.result('op %s' % cmd, ['in the kernel, not in the spec'])
            continue
        name = 'op %s (%s)' % (op['name'], cmd)
        for mode, handler in (('do', 'doit'), ('dump', 'dumpit')):
            if (mode in op) != (handler in kop):
                p.append('kernel %s .%s, spec %s %s' % (
                    'has' if handler in kop else 'has no', handler,
                    'has' if mode in op else 'has no', mode))
        flags, bad = flag_names(kop.get('flags'), OP_FLAGS, 'op')
        p += bad
        if flags != set(op.get('flags', [])):
            p.append('kernel flags %s, spec flags %s'
                     % (sorted(flags) or 'none', op.get('flags') or 'none'))
        if 'validate' in kop:
            p.append('.validate = %s: the spec asks for strict validation' % kop['validate'])
        if resv is not None and val < resv:
            p.append('command %d < resv_start_op %d: no strict validation' % (val, resv))
        if op.get('dont-validate'):
            p.append('spec dont-validate %s: the family validates strictly' % op['dont-validate'])
        tap.result('%s: handlers, flags, strict validation' % name, p)

        # The request policy.
        req = []
        for mode in ('do', 'dump'):
            req += op.get(mode, {}).get('request', {}).get('attributes', [])
        pol_name = kop.get('policy')
        if pol_name is None:
            # A strict family rejects every attribute of a command without policy.
            p = ['no policy, but the spec requests %s' % ', '.join(req)] if req else []
        else:
            p = []
            try:
                if consts.eval(kop.get('maxattr', '0')) != \
                        spec.set_entries(spec.sets[op['attribute-set']])[-1][1]:
                    p.append('.maxattr %s is not the set\'s last attribute' % kop.get('maxattr'))
            except ParseError as e:
                p.append(str(e))
            p += check_policy(spec, kernel, consts, pol_name, op['attribute-set'], req, '')
        tap.result('%s: request policy%s' % (name, '' if pol_name else ' (none: no attribute)'), p)

        # The reply.
        handler = kop.get('doit') or kop.get('dumpit')
        reply = []
        for mode in ('do', 'dump'):
            reply += op.get(mode, {}).get('reply', {}).get('attributes', [])
        check_puts(tap, spec, kernel, consts, '%s: reply' % name, handler,
                   spec.sets[op['attribute-set']], reply)

    for val, (cname, op) in sorted(spec_ops.items()):
        if val in kernel_cmds:
            continue
        if 'do' in op or 'dump' in op:
            tap.result('op %s (%s)' % (op['name'], cname), [],
                       skip='not implemented in kmod/netlink.c yet')
        elif 'event' in op:
            check_event(tap, spec, kernel, consts, op, cname)


def check_puts(tap, spec, kernel, consts, name, func, aset, want_top):
    """The attributes func puts: types as in the spec, top level = want_top,
    every attribute of a nested set."""
    if func not in kernel['functions']:
        tap.result(name, ['handler %s not found' % func])
        return
    p = []
    by_c = spec.attr_by_c_name()
    base = spec.base(aset)
    top, nested = set(), {}
    for fn, attr, args in collect_puts(kernel, func):
        if fn not in PUT_TYPES:
            p.append('%s(%s): not understood' % (fn, attr))
            continue
        if attr not in by_c:
            # A computed type: the counters of an indexed set.
            try:
                pad = consts.eval(args[-1]) if fn == 'nla_put_u64_64bit' else None
            except ParseError:
                pad = None
            if pad != 0:
                p.append('%s(%s): not a spec attribute, nor a counter padded with type 0'
                         % (fn, attr))
            continue
        s, a, _ = by_c[attr]
        t, order = PUT_TYPES[fn]
        if t != a['type']:
            p.append('%s: put with %s (%s), spec type %s' % (attr, fn, t, a['type']))
        spec_order = 'big' if a.get('byte-order') == 'big-endian' else 'little'
        if order and order != spec_order:
            p.append('%s: put %s-endian, spec %s-endian' % (attr, order, spec_order))
        if fn == 'nla_put_u64_64bit':
            pad = args[-1].strip()
            if pad not in by_c or by_c[pad][1]['type'] != 'pad' or by_c[pad][0] is not s:
                p.append('%s pads with %s, not with its set\'s pad' % (attr, pad))
        if s is base:
            top.add(a['name'])
        else:
            nested.setdefault(s['name'], set()).add(a['name'])
    if top != set(want_top):
        p.append('puts %s, spec says %s'
                 % (sorted(top) or 'nothing', sorted(want_top) or 'nothing'))
    for sname, names in nested.items():
        want = {a['name'] for a in spec.sets[sname]['attributes']
                if a['type'] not in ('unused', 'pad')}
        if names != want:
            p.append('nest %s: puts %s, the set has %s' % (sname, sorted(names), sorted(want)))
    tap.result(name, p)


def check_event(tap, spec, kernel, consts, op, cname):
    """A notification: the one function that builds cname puts the spec's
    attributes and multicasts to the spec's group."""
    funcs = [f for f, body in kernel['functions'].items()
             if re.search(r'\bgenlmsg_put\s*\([^;]*\b%s\b' % cname, body)]
    if len(funcs) != 1:
        tap.result('event %s (%s)' % (op['name'], cname),
                   ['%d functions build it (%s)' % (len(funcs), ', '.join(funcs))])
        return
    body = kernel['functions'][funcs[0]]
    p = []
    grp = op.get('mcgrp')
    idx = None
    for g in kernel['mcgrps']:
        if group_name(g, consts) == grp:
            idx = g['_index']
    m = re.search(r'genlmsg_multicast\w*\s*\(([^;]*)\)\s*;', body)
    if not m:
        p.append('%s sends it to no multicast group' % funcs[0])
    elif idx is None or not re.search(r'\b%s\b' % re.escape(idx), m.group(1)):
        p.append('%s multicasts with (%s), not to group %s (%s)'
                 % (funcs[0], ' '.join(m.group(1).split()), grp, idx))
    tap.result('event %s (%s): built by %s, sent to group %s'
               % (op['name'], cname, funcs[0], grp), p)
    check_puts(tap, spec, kernel, consts, 'event %s: attributes' % op['name'], funcs[0],
               spec.sets[op['attribute-set']], op['event']['attributes'])


def group_name(g, consts):
    try:
        return consts.eval(g.get('name', '""'))
    except ParseError:
        return None


def check_mcgrps(tap, spec, kernel, consts):
    p = []
    got = {}
    for g in kernel['mcgrps']:
        flags, bad = flag_names(g.get('flags'), MCGRP_FLAGS, 'group')
        p += bad
        got[group_name(g, consts)] = flags
    want = {g['name']: set(g.get('flags', [])) for g in spec.mcgrps}
    if set(got) != set(want):
        p.append('kernel groups %s, spec groups %s' % (sorted(got), sorted(want)))
    for name in set(got) & set(want):
        if got[name] != want[name]:
            p.append('group %s: kernel flags %s, spec flags %s'
                     % (name, sorted(got[name]) or 'none', sorted(want[name]) or 'none'))
    # genl_register_family() numbers the groups in array order.
    for i, g in enumerate(kernel['mcgrps']):
        if g['_index'] is not None:
            try:
                if consts.eval(g['_index']) != i:
                    p.append('group %s at index %s, not %d' % (g.get('name'), g['_index'], i))
            except ParseError as e:
                p.append(str(e))
    tap.result('multicast groups: names and flags', p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--spec', default=os.path.join(TOP, 'Documentation/netlink/pmtufix.yaml'))
    ap.add_argument('--header', default=os.path.join(TOP, 'kmod/uapi/pmtufix.h'))
    ap.add_argument('--netlink', default=os.path.join(TOP, 'kmod/netlink.c'))
    a = ap.parse_args()

    tap = Tap()
    consts = Consts()
    try:
        with open(a.spec) as f:
            spec = Spec(yaml.safe_load(f))
        with open(a.header) as f:
            hdr = strip_comments(join_continuations(f.read()))
        parse_defines(hdr, consts)
        parse_enums(re.sub(r'^[ \t]*#.*$', '', hdr, flags=re.M), consts)
        with open(a.netlink) as f:
            kernel = parse_kernel(f.read(), consts)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ParseError) as e:
        print('Bail out! %s: %s' % (type(e).__name__, e))
        return 2

    try:
        check_indexed_sets(tap, spec)
        check_ops(tap, spec, kernel, consts)
        check_mcgrps(tap, spec, kernel, consts)
    except (KeyError, TypeError, ParseError) as e:
        tap.result('spec and sources can be compared', ['%s: %s' % (type(e).__name__, e)])
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
