#!/usr/bin/python3
"""scc's network golden model against Brian2 on the same instances.

    bench.py --scc PATH/TO/scc [--quick]

For CUBA (4000 CubaLIF, p = 0.02), Brunel (order 250) and a 1M-neuron LIF
population (constant drive): scc sim bit-true and --float, Brian2 cython
and cpp_standalone (one thread), each at two run lengths; the marginal
cost (difference of the two costs over the difference of steps) excludes
start-up, instance generation and Brian2's code generation and build.
Costs are CPU seconds of the simulating process (scc sim; Network.run in
Python for cython, its code cache warmed first; the compiled binary for
cpp_standalone), which hold on a loaded machine; wall seconds are shown
too. Synaptic events are counted exactly: every spike times its neuron's
out-degree over the exported projections. Then the long runs' population
rates and ISI CVs, scc float64 against Brian2 (the test's 5% and 10%).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(args, **kw):
    c0, t0 = children_cpu(), time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}\n{p.stderr[-3000:]}")
    return p.stdout, cpu, wall


def read_spikes(path):
    with open(path, newline='') as f:
        r = csv.reader(f)
        next(r)
        return [(int(s), p, int(i)) for s, p, i in r]


def out_degrees(export):
    with open(os.path.join(export, 'network.json')) as f:
        man = json.load(f)
    deg = {p['name']: [0] * p['size'] for p in man['populations']}
    for pr in man.get('projections') or []:
        d = deg[pr['pre']]
        with open(os.path.join(export, pr['file']), newline='') as f:
            r = csv.reader(f)
            next(r)
            for row in r:
                d[int(row[0])] += 1
    return man, deg


def stats(spikes, man):
    """Per population: spikes, rate (Hz), mean ISI CV over neurons with
    at least two intervals (scc sim's summary)."""
    trains = {}
    last = 0
    for s, p, i in spikes:
        trains.setdefault(p, {}).setdefault(i, []).append(s)
        last = max(last, s)
    out = {}
    for pop in man['populations']:
        tr = trains.get(pop['name'], {})
        n = sum(len(v) for v in tr.values())
        cvs = []
        for v in tr.values():
            if len(v) >= 3:
                isi = [b - a for a, b in zip(v, v[1:])]
                mu = sum(isi) / len(isi)
                var = sum((x - mu) ** 2 for x in isi) / len(isi)
                cvs.append(var ** 0.5 / mu)
        out[pop['name']] = (n, sum(cvs) / len(cvs) if cvs else float('nan'))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scc', required=True, help='the scc binary')
    ap.add_argument('--quick', action='store_true', help='short runs (a smoke test of this script)')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='bench_net_')
    nets = [
        ('CUBA', os.path.join(ROOT, 'examples', 'cuba.snn'), (4000, 20000), True),
        ('Brunel', os.path.join(ROOT, 'examples', 'brunel.snn'), (4000, 20000), True),
        ('LIF 1M', os.path.join(HERE, 'lif1m.snn'), (100, 500), False),
    ]
    if a.quick:
        nets = [(n, f, (200, 600) if n != 'LIF 1M' else (10, 30), csv_) for n, f, _, csv_ in nets]
    flags = set()
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('flags'):
                flags.update(line.split(':', 1)[1].split())
    model = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    print(f"CPU: {model}, {os.cpu_count()} CPUs; features: "
          + ', '.join(f"{x} {'yes' if x in flags else 'no'}" for x in ('avx2', 'avx512f')))
    print("scc: portable Go (no SIMD, no assembly), one goroutine; Brian2 "
          + subprocess.run([PY, '-c', 'import brian2; print(brian2.__version__)'], capture_output=True,
                           text=True).stdout.strip()
          + ": cython runtime and cpp_standalone, one thread, float64, compiled by the system g++ with "
          "Brian2's default flags (-O3 -ffast-math -march=native)")
    rows, checks = [], []
    for name, snn, lengths, keep in nets:
        export = os.path.join(tmp, name.replace(' ', '') + '_export')
        run_timed([a.scc, 'net', 'export', snn, '-o', export, '--steps', str(lengths[1])])
        man, deg = out_degrees(export)
        neurons = sum(p['size'] for p in man['populations'])
        synapses = sum(pr['synapses'] for pr in man.get('projections') or [])
        engines = {}
        long_spikes = {}

        def work(spikes):
            return sum(deg[p][i] for _, p, i in spikes)

        for mode, extra in (('scc bit-true', []), ('scc float64', ['--float'])):
            res = []
            for n in lengths:
                out = os.path.join(tmp, f"{name}_{mode[4:]}_{n}")
                args = [a.scc, 'sim', snn, '--steps', str(n)] + extra + (['--csv', out] if keep else [])
                _, cpu, wall = run_timed(args)
                sp = read_spikes(os.path.join(out, 'spikes.csv')) if keep else []
                res.append((cpu, wall, work(sp)))
                if keep and n == lengths[1]:
                    long_spikes[mode] = sp
            engines[mode] = res
        for target in ('cython', 'cpp_standalone'):
            build = os.path.join(tmp, f"{name.replace(' ', '')}_cpp")
            if target == 'cython':   # fill Brian2's code cache
                run_timed([PY, os.path.join(HERE, 'run.py'), export, '--steps', '10', '--target', 'cython'])
            res = []
            for n in lengths:
                out = os.path.join(tmp, f"{name}_{target}_{n}")
                args = [PY, os.path.join(HERE, 'run.py'), export, '--steps', str(n), '--target', target,
                        '--build', build] + (['--csv', out] if keep else [])
                so, _, _ = run_timed(args)
                r = json.loads(so.strip().splitlines()[-1])
                sp = read_spikes(os.path.join(out, 'spikes.csv')) if keep else []
                res.append((r['cpu_s'], r['run_s'], work(sp)))
                if keep and n == lengths[1]:
                    long_spikes['Brian2 ' + target] = sp
            engines['Brian2 ' + target] = res
        dn = lengths[1] - lengths[0]
        base = None
        for eng, ((c1, w1, e1), (c2, w2, e2)) in engines.items():
            cpu, wall = (c2 - c1) / dn, (w2 - w1) / dn
            if cpu <= 0:
                cpu = float('nan')
            sps = 1 / cpu
            if base is None:
                base = sps
            ev = (e2 - e1) / (c2 - c1) if synapses else None
            rows.append((name, eng, cpu * 1e3, wall * 1e3, sps, ev, neurons * sps, sps / base))
        if keep and 'scc float64' in long_spikes:
            s0 = stats(long_spikes['scc float64'], man)
            for eng in ('Brian2 cython', 'Brian2 cpp_standalone'):
                s1 = stats(long_spikes[eng], man)
                same = long_spikes['scc float64'] == long_spikes[eng]
                for p in s0:
                    (n0, cv0), (n1, cv1) = s0[p], s1[p]
                    dr = (n1 - n0) / n0 if n0 else float('nan')
                    dcv = (cv1 - cv0) / cv0 if cv0 == cv0 and cv0 else float('nan')
                    ok = abs(dr) <= 0.05 and abs(dcv) <= 0.10
                    size = next(x['size'] for x in man['populations'] if x['name'] == p)
                    checks.append((name, eng, p, n0 / size / (lengths[1] * man['dt_ms'] * 1e-3), dr * 100,
                                   cv0, dcv * 100, ok, same))
    print()
    print(f"Marginal cost per step (CPU and wall), from runs of two lengths")
    hdr = ('network', 'engine', 'ms/step cpu', 'ms/step wall', 'steps/s', 'syn-events/s', 'neuron-upd/s',
           'x scc bit-true')
    fmt = '{:<8} {:<22} {:>12} {:>12} {:>10} {:>13} {:>13} {:>14}'
    print(fmt.format(*hdr))
    for name, eng, cpu, wall, sps, ev, nu, ratio in rows:
        print(fmt.format(name, eng, f'{cpu:.4f}', f'{wall:.4f}', f'{sps:,.0f}',
                         '-' if ev is None else f'{ev:.3g}', f'{nu:.3g}', f'{ratio:.2f}'))
    print()
    print("Statistics of the long runs: scc float64 vs Brian2 on the same instance "
          "(test bounds: rate 5%, ISI CV 10%)")
    fmt = '{:<8} {:<22} {:<5} {:>10} {:>9} {:>8} {:>9} {:>5} {:>15}'
    print(fmt.format('network', 'peer', 'pop', 'scc Hz', 'rate diff', 'scc CV', 'CV diff', 'ok', 'spike-for-spike'))
    bad = False
    for name, eng, p, hz, dr, cv, dcv, ok, same in checks:
        bad = bad or not ok
        print(fmt.format(name, eng, p, f'{hz:.3f}', f'{dr:+.2f}%', f'{cv:.4f}', f'{dcv:+.2f}%',
                         'yes' if ok else 'NO', 'equal' if same else 'differs'))
    if bad:
        sys.exit('statistics outside the bounds')


if __name__ == '__main__':
    main()
