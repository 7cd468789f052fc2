#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the samples of scripts/bench-guest.sh into Markdown tables.

Input, one sample a line:
  info KEY VALUE...
  recovery VARIANT xfer|tls ROUND MS|stall TIMEOUT_S
  pmtu VARIANT MTU|-
  stats COUNTER VALUE                    (pmtufix's, after each of its runs)
  throughput on|off SEQ BITS_PER_SECOND   (phase SEQ of the stream)
  toggle on|off MS                       (the insmod or rmmod before it)
  flood ROUND strict|off|on SEQ floor|forged|valid frames=N wall=S busy=S rate=R
                                         (scripts/bench-flood-guest.sh)
  log LINES SUPPRESSED LIMIT SECONDS LOADS  (pmtufix's log lines in a flood)

Ratios are taken between samples of the same round (the variants of a round
ran one after the other, so they share the machine's load of the moment),
then summarised as median [min-max] over the rounds.
"""

import statistics
import sys
from collections import defaultdict

REFERENCE = 'rpf2'
LABELS = {
    'rpf2': 'rp_filter=2 (loose, the reference)',
    'pmtufix': 'pmtufix, rp_filter=1',
    'nftmark': 'nft mark + fwmark rule, rp_filter=1',
    'probing': 'tcp_mtu_probing=1, rp_filter=1',
    'strict': 'rp_filter=1, nothing else',
}
ORDER = list(LABELS)


def spread(values, fmt, unit=''):
    """'median unit [min-max]'."""
    values = sorted(values)
    med = fmt(statistics.median(values)) + unit
    if len(values) == 1:
        return med
    return '%s [%s-%s]' % (med, fmt(values[0]), fmt(values[-1]))


def quartiles(values, fmt, unit=''):
    """'median unit (first quartile-third quartile)'."""
    values = sorted(values)
    if len(values) < 4:
        return spread(values, fmt, unit)
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return '%s%s (%s-%s)' % (fmt(q2), unit, fmt(q1), fmt(q3))


def median_ci(values):
    """95% confidence interval of the median (order statistics, normal
    approximation of the binomial), or None for too few values."""
    values = sorted(values)
    n = len(values)
    if n < 6:
        return None
    half = 1.96 * n ** 0.5 / 2
    lo = max(0, int(n / 2 - half))
    hi = min(n - 1, int(n / 2 + half + 1))
    return values[lo], values[hi]


def ms(v):
    return '%d' % round(v)


def ratio(v):
    return '%.2f' % v if v < 10 else '%.0f' % v


def percent(v):
    return '%.1f%%' % (100 * v)


def gbits(v):
    return '%.2f' % (v / 1e9)


def main():
    info = {}
    rec = defaultdict(dict)      # (variant, metric) -> {round: ms or None}
    timeout = {}
    pmtu = {}
    stats = defaultdict(int)     # pmtufix counter -> sum over its runs
    phases = []                  # (seq, side, bps)
    toggles = defaultdict(list)  # side -> [ms]
    floods = {}                  # (round, block, kind) -> {frames, wall, busy, floor}
    seqs = {}                    # (round, block, seq) -> (kind, {frames, ...})
    log = None
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        if f[0] == 'info':
            info[f[1]] = ' '.join(f[2:])
        elif f[0] == 'recovery':
            v, metric, rnd, val, tmo = f[1], f[2], int(f[3]), f[4], f[5]
            rec[v, metric][rnd] = None if val == 'stall' else float(val)
            timeout[v] = tmo
        elif f[0] == 'pmtu':
            pmtu[f[1]] = f[2]
        elif f[0] == 'stats':
            stats[f[1]] += int(f[2])
        elif f[0] == 'throughput':
            phases.append((int(f[2]), f[1], float(f[3])))
        elif f[0] == 'toggle':
            toggles[f[1]].append(float(f[2]))
        elif f[0] == 'flood':
            kv = dict(x.split('=', 1) for x in f[5:])
            seqs[int(f[1]), f[2], int(f[3])] = (
                f[4], {k: float(v) for k, v in kv.items()})
        elif f[0] == 'log':
            log = [int(x) for x in f[1:6]]

    print('### Linux %s, %s (qemu TCG, %s vCPUs; %s s in the VM)' % (
        info.get('kernel', '?'), info.get('date', '?'), info.get('cpus', '?'),
        info.get('elapsed', '?')))
    print()

    variants = [v for v in ORDER if (v, 'xfer') in rec]
    if variants:
        print('Recovery across the black hole from a flushed PMTU cache, '
              'variants interleaved over %s rounds: time in ms, median '
              '[min-max]; ratio to rp_filter=2 in the same round, median '
              '[min-max]; PMTU = what `ip route get` showed after a '
              'transfer.' % info.get('rounds', '?'))
        print()
        print('| variant | runs | 64 KiB transfer | ratio | TLS handshake '
              '| ratio | PMTU |')
        print('|---|---|---|---|---|---|---|')
        for v in variants:
            cells = [LABELS.get(v, v), str(len(rec[v, 'xfer']))]
            for metric in ('xfer', 'tls'):
                cells += cell(rec, v, metric, timeout.get(v, '?'))
            cells.append(pmtu.get(v, '?'))
            print('| ' + ' | '.join(cells) + ' |')
        print()
        if stats:
            print('pmtufix counters over its runs: %s.' % ', '.join(
                '%s %d' % (k, n) for k, n in sorted(stats.items()) if n))
            print()

    # Each flood's floor: the mean of the floors of its round.
    floors = defaultdict(list)
    for (r, m, q), (kind, v) in seqs.items():
        if kind == 'floor':
            floors[r].append(v['busy'] / v['frames'])
    for (r, m, q), (kind, v) in seqs.items():
        if kind != 'floor' and floors[r]:
            v['floor'] = sum(floors[r]) / len(floors[r])
            floods[r, m, kind] = v
    if floors:
        floods['floor'] = [x for r in floors for x in floors[r]]
    if floods:
        flood_report(floods, info, pmtu, log)

    if phases:
        phases.sort()
        bps = dict((seq, v) for seq, _, v in phases)
        off = [v for _, side, v in phases if side == 'off']
        on = [v for _, side, v in phases if side == 'on']
        # Each loaded phase against the mean of the unloaded phases on either
        # side of it: the machine's load of the moment, and a linear drift,
        # cancel out.
        pairs = [v / ((bps[seq - 1] + bps[seq + 1]) / 2)
                 for seq, side, v in phases
                 if side == 'on' and seq - 1 in bps and seq + 1 in bps]
        print('Steady TCP throughput, one iperf3 stream over veth between '
              'two namespaces while the module is loaded and unloaded in '
              'turn (off, on, off, ...: %d phases of %s s): Gbit/s received '
              'per phase, median (quartiles); ratio of each loaded phase to '
              'the mean of its two neighbours, median (quartiles).' % (
                  len(phases), info.get('tput_phase', '?')))
        print()
        print('| pmtufix | throughput, Gbit/s | loaded / not loaded |')
        print('|---|---|---|')
        print('| not loaded | %s | |' % quartiles(off, gbits))
        print('| loaded | %s | %s |' % (quartiles(on, gbits),
                                        quartiles(pairs, percent)))
        ci = median_ci(pairs)
        if ci:
            print()
            print('95%% confidence interval of the median ratio: %s-%s '
                  '(%d loaded phases).' % (percent(ci[0]), percent(ci[1]),
                                           len(pairs)))
        if toggles:
            print()
            print('insmod took %s ms, rmmod %s ms (median; before each phase, '
                  'not in it).' % (
                      ms(statistics.median(toggles.get('on', [0]))),
                      ms(statistics.median(toggles.get('off', [0])))))
        print()


def flood_report(floods, info, pmtu, log):
    """The flood table: cost above the floor; rescue on / off per round."""
    floor = floods.pop('floor', [])
    rounds = sorted(set(r for r, _, _ in floods))
    cost = {}    # (round, mode, kind) -> us per frame above the round's floor
    for (r, m, k), v in floods.items():
        cost[r, m, k] = 1e6 * (v['busy'] / v['frames'] - v['floor'])
    print('Flood of ICMP frag-needed at the server (seed topology, '
          'rp_filter=1), %s frames/s asked for, about %s s per condition: '
          'strict = module unloaded (a block before and after the rounds); '
          'off = loaded, rescue off (strict RPF drops everything, the hook '
          'idles); on = loaded, rescue on. Off and on alternate within each '
          'of the %d rounds. Cost: time in sendmmsg() per frame (it includes '
          'the receive path) minus the floor of the same round (frames to a '
          'MAC nobody has). Median [min-max].' % (
              info.get('flood_rate', '?'), info.get('flood_seconds', '?'),
              len([r for r in rounds if (r, 'on', 'forged') in cost])))
    print()
    print('| flood | setting | frames | rate reached, frames/s | cost above '
          'floor, us/frame | ratio |')
    print('|---|---|---|---|---|---|')
    us = lambda v: '%.2f' % v
    for kind in ('forged', 'valid'):
        med = {}
        for m in ('strict', 'off', 'on'):
            rs = [r for r in rounds if (r, m, kind) in cost]
            if not rs:
                continue
            c = [cost[r, m, kind] for r in rs]
            med[m] = statistics.median(c)
            cells = [kind, m, str(int(sum(floods[r, m, kind]['frames'] for r in rs))),
                     spread([floods[r, m, kind]['rate'] for r in rs], ms),
                     spread(c, us)]
            if m == 'on':
                rat = [cost[r, 'on', kind] / cost[r, 'off', kind] for r in rs
                       if (r, 'off', kind) in cost and cost[r, 'off', kind] > 0]
                cells.append('on / off %s' % spread(rat, ratio) if rat else '-')
            elif m == 'off' and med.get('strict'):
                cells.append('off / strict %s (medians)' % ratio(med['off'] / med['strict']))
            else:
                cells.append('')
            print('| ' + ' | '.join(cells) + ' |')
    if floor:
        print('| floor | | | | %s absolute | |' % spread([1e6 * x for x in floor], us))
    print()
    if log:
        print('After the flood the server showed mtu %s toward the client '
              '(the valid errors say 1500; "-": none learnt). pmtufix logged '
              '%d lines (%d "callbacks suppressed") in %d s loaded over %d '
              'loads; the rate limit allows %d.' % (
                  pmtu.get('flood', '?'), log[0], log[1], log[3], log[4],
                  log[2]))
        print()


def cell(rec, v, metric, tmo):
    """[time, ratio] cells of one variant and metric."""
    samples = rec[v, metric]
    done = [x for x in samples.values() if x is not None]
    stalls = len(samples) - len(done)
    if not done:
        return ['stall (> %s s) %d/%d' % (tmo, stalls, len(samples)), '-']
    text = spread(done, ms, ' ms')
    if stalls:
        text += ', stall (> %s s) %d/%d' % (tmo, stalls, len(samples))
    if v == REFERENCE:
        return [text, '1 (reference)']
    ref = rec.get((REFERENCE, metric), {})
    pairs = [samples[r] / ref[r] for r in samples
             if samples[r] is not None and ref.get(r)]
    return [text, spread(pairs, ratio) if pairs else '-']


if __name__ == '__main__':
    main()
