#!/usr/bin/python3
"""One network export in Brian2, marginal cost from two run lengths in one process.

    netpeer.py EXPORT_DIR --target cython|cpp_standalone --steps A,B [--build DIR]

EXPORT_DIR is `scc net export net.snn -o EXPORT_DIR --steps N` with
N ≥ A + B + 2 (sources replay the exported spikes); scc_brian2.load builds
the same instance (its module comment derives the schedule and delays).
The network runs A steps, then B more, in one process: cython times each
Network.run in Python after a 2-step warm-up that fills Brian2's code
cache; cpp_standalone builds once, with clock_gettime marks (process CPU,
monotonic wall) inserted around each run, and runs the binary once (one
thread). The marginal cost per step is (cost(B) - cost(A)) / (B - A):
code generation, compilation, loading and set-up are left out.

Projection files are parsed with numpy (np.fromstring over the whole
file) instead of the csv module: Brunel at order 2,500 has 15.6M synapses,
which the csv module reads in minutes and many GiB of Python lists. The
result is the same array of numbers scc_brian2 builds from the rows.

The last line on standard output is a JSON object: target, steps, wall_s
and cpu_s of the two runs, marginal_wall_s and marginal_cpu_s per step,
spikes (both runs, all populations), neurons, synapses, load_s, build_s.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings

sys.dont_write_bytecode = True   # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def fast_read_csv(orig):
    import numpy as np

    def read(path):
        if not os.path.basename(path).startswith('proj_'):
            return orig(path)
        with open(path, 'rb') as f:
            head = f.readline().decode().strip().split(',')
            body = f.read()
        a = np.fromstring(body.replace(b'\n', b','), dtype=np.float64, sep=',')
        return head, a.reshape(-1, len(head))
    return read


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('export')
    ap.add_argument('--target', required=True, choices=['cython', 'cpp_standalone'])
    ap.add_argument('--steps', required=True, help='two run lengths A,B (A < B)')
    ap.add_argument('--build', help='cpp_standalone project directory (default: a temporary one)')
    a = ap.parse_args()
    steps = [int(x) for x in a.steps.split(',')]
    if len(steps) != 2 or not 0 < steps[0] < steps[1]:
        raise SystemExit('netpeer.py: --steps A,B with 0 < A < B')

    warnings.filterwarnings('ignore')   # pythran vs numpy; np.fromstring's text mode
    import numpy as np
    import brian2 as b2
    b2.prefs.logging.file_log = False
    b2.prefs.logging.console_log_level = 'ERROR'
    b2.prefs.core.default_float_dtype = np.float64
    build = None
    if a.target == 'cpp_standalone':
        build = a.build or tempfile.mkdtemp(prefix='scc_brian2_net_')
        b2.set_device('cpp_standalone', directory=build, build_on_run=False)
    else:
        b2.prefs.codegen.target = 'cython'
    import scc_brian2
    scc_brian2._read_csv = fast_read_csv(scc_brian2._read_csv)

    t0 = time.perf_counter()
    m = scc_brian2.load(a.export)
    out = {'target': a.target, 'steps': steps, 'synapses': m.synapses,
           'neurons': int(sum(len(g) for g in m.groups.values())), 'load_s': time.perf_counter() - t0}
    if build is None:
        m.run(2)   # fills the code cache
        wall, cpu = [], []
        for s in steps:
            c0, t1 = time.process_time(), time.perf_counter()
            m.run(s)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t1)
    else:
        mark = ('{ struct timespec c_, w_; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c_); '
                'clock_gettime(CLOCK_MONOTONIC, &w_); std::ofstream f_("scc_marks.txt", std::ios::app); '
                'f_.precision(17); f_ << (c_.tv_sec + 1e-9*c_.tv_nsec) << " " '
                '<< (w_.tv_sec + 1e-9*w_.tv_nsec) << std::endl; }')
        b2.device.insert_code('main', mark)
        for s in steps:
            m.run(s)
            b2.device.insert_code('main', mark)
        t1 = time.perf_counter()
        b2.device.build(directory=build, compile=True, run=False)
        out['build_s'] = time.perf_counter() - t1
        marks_file = os.path.join(build, 'scc_marks.txt')
        if os.path.exists(marks_file):
            os.remove(marks_file)
        b2.device.run(directory=build, with_output=False, run_args=[])
        with open(marks_file) as f:
            marks = [[float(x) for x in line.split()] for line in f if line.strip()]
        if len(marks) != 3:
            raise SystemExit(f'netpeer.py: {marks_file}: {len(marks)} marks, want 3')
        cpu = [marks[1][0] - marks[0][0], marks[2][0] - marks[1][0]]
        wall = [marks[1][1] - marks[0][1], marks[2][1] - marks[1][1]]
    ds = steps[1] - steps[0]
    out['wall_s'], out['cpu_s'] = wall, cpu
    out['marginal_wall_s'] = (wall[1] - wall[0]) / ds
    out['marginal_cpu_s'] = (cpu[1] - cpu[0]) / ds
    out['spikes'] = int(sum(int(m.monitors[n].num_spikes) for n in m.order))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
