#!/usr/bin/python3
"""Run scc's network export in Brian2 and write its spikes in scc's form.

    run.py EXPORT_DIR --steps N [--csv DIR] [--target numpy|cython|cpp_standalone]
           [--build DIR] [--naive schedule,refractory,gate]

EXPORT_DIR is the output of `scc net export net.snn -o EXPORT_DIR --steps N`
(sources carry the exported spikes, so export at least N steps). --csv DIR
writes DIR/spikes.csv (step,pop,index: steps 1-based, step t covering
(t-1)·dt .. t·dt, rows by step, population in manifest order, index), as
`scc sim --csv DIR` does. The last line on standard output is a JSON object:
target, steps, synapses, spikes per population, setup_s (building the
network in Python), run_s (Network.run: for cython it includes compiling
uncached code, for cpp_standalone code generation, compilation and the
run), sim_s (cpp_standalone: the simulation loop alone, as the device
measures it).
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('export')
    ap.add_argument('--steps', type=int, required=True)
    ap.add_argument('--csv', help='directory for spikes.csv')
    ap.add_argument('--target', default='numpy', choices=['numpy', 'cython', 'cpp_standalone'])
    ap.add_argument('--build', help='cpp_standalone project directory (default: a temporary one)')
    ap.add_argument('--naive', default='', help='comma-separated parts of the mapping to leave out '
                    '(schedule, refractory, gate): a control run')
    a = ap.parse_args()

    warnings.filterwarnings('ignore', category=FutureWarning)   # pythran vs numpy
    import brian2 as b2
    b2.prefs.logging.file_log = False
    b2.prefs.core.default_float_dtype = __import__('numpy').float64
    b2.prefs.logging.console_log_level = 'ERROR'
    if a.target == 'cpp_standalone':
        build = a.build or tempfile.mkdtemp(prefix='scc_brian2_')
        b2.set_device('cpp_standalone', directory=build, build_on_run=True)
    else:
        b2.prefs.codegen.target = a.target
    import scc_brian2

    t0 = time.perf_counter()
    m = scc_brian2.load(a.export, naive=[x for x in a.naive.split(',') if x])
    t1 = time.perf_counter()
    m.run(a.steps)
    t2 = time.perf_counter()
    sim_s = None
    if a.target == 'cpp_standalone':
        sim_s = getattr(b2.device, '_last_run_time', None)
    counts = {name: int(m.monitors[name].num_spikes) for name in m.order}
    if a.csv:
        os.makedirs(a.csv, exist_ok=True)
        m.write_spikes(os.path.join(a.csv, 'spikes.csv'))
    print(json.dumps({'target': a.target, 'steps': a.steps, 'synapses': m.synapses,
                      'spikes': counts, 'setup_s': t1 - t0, 'run_s': t2 - t1, 'sim_s': sim_s}))


if __name__ == '__main__':
    main()
