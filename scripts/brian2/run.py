#!/usr/bin/python3
"""Run scc's network export in Brian2 and write its spikes in scc's form.

    run.py EXPORT_DIR --steps N [--csv DIR] [--target numpy|cython|cpp_standalone]
           [--build DIR] [--naive schedule,refractory,gate]

EXPORT_DIR is the output of `scc net export net.snn -o EXPORT_DIR --steps N`
(sources carry the exported spikes, so export at least N steps). --csv DIR
writes DIR/spikes.csv (step,pop,index: steps 1-based, step t covering
(t-1)·dt .. t·dt, rows by step, population in manifest order, index), as
`scc sim --csv DIR` does. --naive leaves parts of scc_brian2's mapping out
(a control run). The last line on standard output is a JSON object:
target, steps, synapses, spikes per population, setup_s (building the
network in Python), and the run's cost: run_s (wall seconds) and cpu_s
(CPU seconds) of Network.run for numpy and cython (cython includes
compiling code not yet in Brian2's cache: warm the cache first), of the
compiled binary alone for cpp_standalone (built first, then run and
timed; build_s is the build).
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import warnings

sys.dont_write_bytecode = True   # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


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
    import numpy
    import brian2 as b2
    b2.prefs.logging.file_log = False
    b2.prefs.core.default_float_dtype = numpy.float64
    b2.prefs.logging.console_log_level = 'ERROR'
    build = None
    if a.target == 'cpp_standalone':
        build = a.build or tempfile.mkdtemp(prefix='scc_brian2_')
        b2.set_device('cpp_standalone', directory=build, build_on_run=False)
    else:
        b2.prefs.codegen.target = a.target
    import scc_brian2

    t0 = time.perf_counter()
    m = scc_brian2.load(a.export, naive=[x for x in a.naive.split(',') if x])
    t1 = time.perf_counter()
    out = {'target': a.target, 'steps': a.steps, 'synapses': m.synapses, 'setup_s': t1 - t0}
    if build is None:
        c0 = time.process_time()
        m.run(a.steps)
        out['cpu_s'] = time.process_time() - c0
        out['run_s'] = time.perf_counter() - t1
    else:
        m.run(a.steps)
        b2.device.build(directory=build, compile=True, run=False)
        t2 = time.perf_counter()
        out['build_s'] = t2 - t1
        c0 = children_cpu()
        b2.device.run(directory=build, with_output=False, run_args=[])
        out['cpu_s'] = children_cpu() - c0
        out['run_s'] = time.perf_counter() - t2
    out['spikes'] = {name: int(m.monitors[name].num_spikes) for name in m.order}
    if a.csv:
        os.makedirs(a.csv, exist_ok=True)
        m.write_spikes(os.path.join(a.csv, 'spikes.csv'))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
