#!/usr/bin/python3
"""The table of scripts/bench-kernels.sh (make bench, issue 13 item 5).

    bench_kernels.py --gobench FILE --netrtl FILE --scc SCC [--quick] [--build TEXT]

FILE (--gobench) is the output of `go test -bench` for BenchmarkKernelPop,
BenchmarkKernelNet (cmd/scc) and BenchmarkDenseCounts (runtime): scc's
figures. FILE (--netrtl) is scripts/bench-netrtl.sh's output for CUBA
folded: Verilator's steps/s on the emitted RTL. This script measures the
Brian2 peers in the same run: scripts/brian2/models.py for each
population row (the same model, dt, size and input distribution as
BenchmarkKernelPop), scripts/brian2/netpeer.py on `scc net export` of
each network (the same instance), each with targets cython and
cpp_standalone (one thread) and two run lengths (marginal cost), and
prints one table.

Figures are per CPU second of the measured process: one core's work,
which holds on a loaded machine (wall seconds stretch with the load; the
load average is printed). scc's population figure per CPU second is its
one-worker run; the wall column is scc over rt.Pool with all cores. The
ratio is scc over the peer, per CPU second. The golden model vs
Verilator row compares wall steps/s (scc cosim reports Verilator's rate
per wall second).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable

# Population rows: model (Func name), label, size, Brian2 run lengths A,B
# (B - A steps take >= 1 s in cpp_standalone: measured 3-7 ms a step).
POPS = [
    ('LIF', 'LIF 1M', 1 << 20, (40, 280)),
    ('Izhikevich', 'Izhikevich 1M', 1 << 20, (40, 280)),
    ('HodgkinHuxley', 'Hodgkin-Huxley 100k', 100_000, (100, 500)),
    ('SeedLIF', 'seed LIF 1M', 1 << 20, (40, 280)),
]
# Network rows: name in the Go benchmark, label, file, Brian2 lengths A,B
# (measured cpp_standalone: CUBA ~1e5 steps/s, Brunel ~1.7e3).
NETS = [
    ('CUBA', 'CUBA 4,000', os.path.join(ROOT, 'examples', 'cuba.snn'), (10000, 110000)),
    ('Brunel2500', 'Brunel 12,500', os.path.join(HERE, 'brunel2500.snn'), (300, 2300)),
]
# MemAvailable needed for Brunel at order 2,500 (measured peaks: Brian2 cython
# 1.4 GiB, scc net export 0.7 GiB, scc sim 0.5 GiB).
BRUNEL_MIN_GIB = 4


def parse_gobench(path):
    """name (without -N suffix) -> {unit: value}; also the kernel-* lines."""
    res, notes = {}, []
    with open(path) as f:
        for line in f:
            if line.startswith(('kernel-features:', 'kernel-net ')):
                notes.append(line.strip())
                continue
            if not line.startswith('Benchmark'):
                continue
            fs = line.split()
            name = re.sub(r'-\d+$', '', fs[0])[len('Benchmark'):]
            m = {}
            for i in range(2, len(fs) - 1):
                try:
                    m[fs[i + 1]] = float(fs[i])
                except ValueError:
                    pass
            res[name] = m
    return res, notes


def find(res, pattern):
    """The (name, metrics) of the first benchmark matching the regexp."""
    for k, v in res.items():
        if re.fullmatch(pattern, k):
            return k, v
    return None, None


def run_json(args, log, skip=False):
    if skip:
        return None
    t0 = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        err = p.stderr.strip().splitlines()
        log.append(f"{' '.join(os.path.basename(x) for x in args[1:])}: exit {p.returncode}: "
                   + (err[-1][:300] if err else ''))
        return None
    try:
        r = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        log.append(f'{args[1]}: no JSON line')
        return None
    r['total_s'] = wall
    return r


def mem_available_gib():
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemAvailable:'):
                return int(line.split()[1]) / 2**20
    return 0.0


def fmt(x):
    if x is None or x != x:
        return '-'
    return f'{x:.3g}'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--gobench', required=True)
    ap.add_argument('--netrtl', required=True)
    ap.add_argument('--scc', required=True)
    ap.add_argument('--build', default='', help='a description of the Go build (GOEXPERIMENT)')
    ap.add_argument('--quick', action='store_true', help='small Brian2 runs (checks the script only)')
    ap.add_argument('--no-peers', action='store_true', help='leave the Brian2 runs out (checks the table only)')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='bench_kernels_')
    res, notes = parse_gobench(a.gobench)
    log = []
    t_start = time.perf_counter()
    load0 = os.getloadavg()

    rows = []   # (row, unit, scc label, scc cpu, scc wall, peer, peer cpu, ratio, target, met)

    def verdict(ratio, need):
        if ratio is None or ratio != ratio:
            return 'n/a'
        return 'met' if ratio >= need else 'missed'

    # Populations.
    for model, label, n, lengths in POPS:
        name1, m1 = find(res, rf'KernelPop/{model}/[^/]+/1core')
        namea, ma = find(res, rf'KernelPop/{model}/[^/]+/all')
        if m1 is None:
            name1, m1 = namea, ma
        path = name1.split('/')[2] if name1 else 'missing'
        scc_cpu = (m1 or {}).get('neuron-updates/cpu-s')
        scc_wall = (ma or m1 or {}).get('neuron-updates/s')
        cores = 'all cores' if ma else '1 core'
        if path == 'interp':
            path = 'interpreter (no kernel)'
        nb, ln = (n // 64, (lengths[0] // 4, lengths[1] // 4)) if a.quick else (n, lengths)
        for target in ('cython', 'cpp_standalone'):
            r = run_json([PY, os.path.join(HERE, 'models.py'), '--model', model, '--n', str(nb),
                          '--target', target, '--steps', f'{ln[0]},{ln[1]}',
                          '--build', os.path.join(tmp, f'{model}_cpp')], log, a.no_peers)
            peer = r and r['updates_per_cpu_s']
            ratio = scc_cpu / peer if scc_cpu and peer else None
            tgt = '>= 10x' if target == 'cpp_standalone' else ''
            rows.append((label, 'updates/s', f'scc {path}', scc_cpu, scc_wall, f'Brian2 {target}', peer,
                         ratio, tgt, verdict(ratio, 10) if tgt else '', r))
        if model == 'LIF':
            rows.append((label, 'updates/s, wall', f'scc {path}, {cores}', None, scc_wall, '-', None, None,
                         '>= 2e9/s', 'n/a' if not scc_wall else ('met' if scc_wall >= 2e9 else 'missed'), None))
            _, m2 = find(res, r'KernelPop/LIF/avx2/all')
            if m2 and path != 'avx2':   # the target's AVX2 machine: that path forced
                v = m2.get('neuron-updates/s')
                rows.append((label, 'updates/s, wall', 'scc avx2 (forced), all cores', None, v, '-', None,
                             None, '>= 2e9/s', 'met' if v and v >= 2e9 else 'missed', None))

    # Networks.
    golden_cuba, golden_eng = None, 'missing'
    for key, label, snn, lengths in NETS:
        name, m = find(res, rf'KernelNet/{key}/[^/]+')
        eng = name.split('/')[2] if name else 'missing'
        if key == 'Brunel2500' and mem_available_gib() < BRUNEL_MIN_GIB:
            rows.append((label, 'steps/s', f'scc {eng}', (m or {}).get('steps/cpu-s'), (m or {}).get('steps/s'),
                         f'Brian2 skipped: MemAvailable {mem_available_gib():.1f} GiB < {BRUNEL_MIN_GIB} GiB',
                         None, None, '>= 10x', 'n/a', None))
            continue
        if key == 'CUBA':
            golden_cuba, golden_eng = m, eng
        export = os.path.join(tmp, key + '_export')
        p = subprocess.run([a.scc, 'net', 'export', snn, '-o', export, '--steps', '10'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            log.append(f'scc net export {snn}: {p.stderr.strip()[-300:]}')
            continue
        ln = (lengths[0] // 10, lengths[1] // 10) if a.quick else lengths
        scc_cpu, scc_wall = (m or {}).get('steps/cpu-s'), (m or {}).get('steps/s')
        for target in ('cython', 'cpp_standalone'):
            r = run_json([PY, os.path.join(HERE, 'netpeer.py'), export, '--target', target,
                          '--steps', f'{ln[0]},{ln[1]}', '--build', os.path.join(tmp, f'{key}_cpp')], log, a.no_peers)
            peer = 1 / r['marginal_cpu_s'] if r and r['marginal_cpu_s'] > 0 else None
            ratio = scc_cpu / peer if scc_cpu and peer else None
            tgt = '>= 10x' if target == 'cpp_standalone' else ''
            rows.append((label, 'steps/s', f'scc {eng}', scc_cpu, scc_wall, f'Brian2 {target}', peer, ratio,
                         tgt, verdict(ratio, 10) if tgt else '', r))

    # Golden model against Verilator on the emitted RTL (CUBA folded).
    rtl = None
    with open(a.netrtl) as f:
        for line in f:
            fs = line.split()
            if len(fs) >= 3 and fs[0] == 'cuba':
                try:
                    rtl = float(fs[2])
                except ValueError:
                    pass
    gw = (golden_cuba or {}).get('steps/s')
    ratio = gw / rtl if gw and rtl else None
    rows.append(('CUBA 4,000 (RTL)', 'steps/s, wall', f'scc golden model, {golden_eng}',
                 None, gw, 'Verilator, folded RTL', rtl, ratio, '>= 10x', verdict(ratio, 10), None))

    # SC AND+popcount, one core (runtime's benchmark; its plain-Go loop is the peer).
    _, go = find(res, r'DenseCounts/784x128x1024/go')
    gob = (go or {}).get('Gbit/s')
    for pa in ('avx2', 'avx512', 'portable'):
        nm, m = find(res, rf'DenseCounts/784x128x1024/{pa}-1core')
        if m is None:
            continue
        v = m.get('Gbit/s')
        ratio = v / gob if v and gob else None
        need = '>= 150' if pa == 'avx2' else ''
        met = ('met' if v >= 150 else 'missed') if pa == 'avx2' and v else ''
        rows.append(('SC AND+popcount 784x128x1024', 'Gbit/s, 1 core, wall', f'scc {pa}', None, v,
                     'plain Go loop', gob, ratio, need, met, None))

    # The table.
    print()
    print('bench-kernels: one table; figures per CPU second of the measured process unless the unit says '
          'wall; ratio = scc / peer')
    for nline in notes:
        print('  ' + nline)
    print(f'  Go build: {a.build}')
    cpu = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    print(f'  CPU: {cpu}, {os.cpu_count()} cores; load average at start {load0[0]:.1f}, now '
          f'{os.getloadavg()[0]:.1f}; Brian2 '
          + subprocess.run([PY, '-c', 'import brian2; print(brian2.__version__)'], capture_output=True,
                           text=True).stdout.strip() + ' (one thread, g++ -O3 -ffast-math -march=native)')
    hdr = ('row', 'unit', 'scc', 'scc fig', 'scc wall', 'peer', 'peer fig', 'ratio', 'target', 'met')
    w = [30, 20, 36, 9, 9, 28, 9, 8, 9, 6]
    line = ' '.join(f'{h:<{w[i]}}' if i in (0, 1, 2, 5, 8, 9) else f'{h:>{w[i]}}' for i, h in enumerate(hdr))
    print(line)
    print('-' * len(line))
    for r in rows:
        cells = [r[0], r[1], r[2], fmt(r[3]), fmt(r[4]), r[5], fmt(r[6]),
                 (fmt(r[7]) + 'x') if r[7] else '-', r[8], r[9]]
        print(' '.join(f'{c:<{w[i]}}' if i in (0, 1, 2, 5, 8, 9) else f'{c:>{w[i]}}' for i, c in enumerate(cells)))
    print()
    print('  scc fig: one worker (populations) or the engine as it runs (networks), per CPU second; '
          'scc wall: all cores (rt.Pool), per wall second.')
    acts = []
    for r in rows:
        if r[10] and 'spikes_per_step_neuron' in r[10]:
            acts.append(f"{r[0]} {r[5].split()[-1]} {r[10]['spikes_per_step_neuron']:.3g}")
    for model, label, n, _ in POPS:
        _, m = find(res, rf'KernelPop/{model}/[^/]+/1core')
        if m is None:
            _, m = find(res, rf'KernelPop/{model}/[^/]+/all')
        if m and 'spikes/neuron-step' in m:
            acts.append(f"{label} scc {m['spikes/neuron-step']:.3g}")
    if acts:
        print('  activity, spikes per neuron and step (scc: 20 ms of model time after its timed steps; '
              'Brian2: over its two runs from the initial state): ' + '; '.join(acts))
    ev = []
    for key, label, _, _ in NETS:
        _, m = find(res, rf'KernelNet/{key}/[^/]+')
        if m and m.get('steps/cpu-s'):
            ev.append(f"{label} scc {m['syn-events/cpu-s']:.3g}/cpu-s "
                      f"({m['syn-events/cpu-s'] / m['steps/cpu-s']:.3g}/step)")
        for r in rows:
            if r[0] == label and r[10] and r[10].get('marginal_cpu_s', 0) > 0:
                x = r[10]
                per_step = x['spikes'] / (sum(x['steps']) + (2 if x['target'] == 'cython' else 0)) \
                    * x['synapses'] / x['neurons']
                ev.append(f"{r[5]} {per_step / x['marginal_cpu_s']:.3g}/cpu-s ({per_step:.3g}/step)")
    if ev:
        print('  synaptic events (Brian2: spikes times the mean out-degree): ' + '; '.join(ev))
    builds = [f"{r[0]} {r[10]['build_s']:.0f} s" for r in rows if r[10] and 'build_s' in r[10]]
    if builds:
        print('  Brian2 cpp_standalone builds (excluded): ' + ', '.join(builds))
    print(f'  Brian2 peers took {time.perf_counter() - t_start:.0f} s of this run.')
    for x in log:
        print('  error: ' + x)


if __name__ == '__main__':
    main()
