#!/usr/bin/python3
"""Library model populations in Brian2: the peers of scc's generated kernels.

    models.py --model LIF|Izhikevich|HodgkinHuxley|SeedLIF --n N
              --target cython|cpp_standalone --steps A,B [--threads T]
              [--build DIR] [--seed S]

One NeuronGroup of N neurons of the model, its equations transcribed from
models/<m>.snn (below: same dt, same parameters, same initial state,
forward Euler as scc's default scheme, refractory (R+1)·dt for scc's R
steps as scripts/brian2/scc_brian2.py derives), each neuron's input held
at a value drawn uniformly from the input's declared range (SeedLIF, whose
raw Q8.8 inputs have no range: the constants of SEED_INPUTS and I_t drawn
from [0, 0.25]), as cmd/scc's BenchmarkKernelPop feeds the kernel.

Two run lengths A < B in one process: the marginal cost per step is
(cost(B) - cost(A)) / (B - A), which leaves out code generation,
compilation and set-up. cython: Network.run timed in Python after a
warm-up run that fills Brian2's code cache. cpp_standalone: one build
whose main() runs A steps and then B steps, with clock_gettime marks
(process CPU and monotonic wall) inserted around each run
(device.insert_code), so one compile serves both lengths; one thread
(Brian2's default) unless --threads T > 1 (T OpenMP threads). Each
spike increments a counter (nspk) in the reset, so the activity is
reported too (spikes per neuron and step over both runs).

The last line on standard output is a JSON object: model, n, target,
threads, steps, wall_s and cpu_s of the two runs, marginal wall and CPU
seconds per step, updates_per_s and updates_per_cpu_s (N over the
marginal wall and CPU seconds), spikes_per_step_neuron, build_s
(cpp_standalone), dt_ms.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings

sys.dont_write_bytecode = True   # no __pycache__ in the work tree

# Inputs of SeedLIF (raw Q8.8 words have no declared range): leak 1/16,
# gain 1, no noise; I_t uniform in [0, 0.25] (steady state 16·I_t: about
# three quarters of the neurons cross v_th = 1).
SEED_INPUTS = {'leak_k': 0.0625, 'gain_k': 1.0, 'noise_in': 0.0}
SEED_I_T = (0.0, 0.25)


def model(name):
    """(dt_ms, equations, threshold, reset, refractory steps, input name,
    input range (lo, hi) in the input's unit, unit name, initial states,
    constants) of a library model, transcribed from models/<file>.snn."""
    if name == 'LIF':   # models/lif.snn
        return dict(
            dt_ms=0.1,
            eqs='''dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)
                   I : amp (constant)
                   nspk : 1''',
            threshold='v >= v_th', reset='v = v_reset; nspk += 1', refr=20,
            input='I', lo=-5.0, hi=40.0, unit='nA', init={'v': ('mV', -65.0)},
            ns={'tau': ('ms', 20.0), 'v_rest': ('mV', -65.0), 'v_th': ('mV', -50.0),
                'v_reset': ('mV', -70.0), 'R': ('Mohm', 1.0)})
    if name == 'Izhikevich':   # models/izhikevich.snn (no refractory)
        return dict(
            dt_ms=0.5,
            eqs='''dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + I)/ms : volt
                   du/dt = a*(b*v - u) : volt
                   I : volt (constant)
                   nspk : 1''',
            threshold='v >= 30*mV', reset='v = c; u = u + d; nspk += 1', refr=None,
            input='I', lo=0.0, hi=20.0, unit='mV', init={'v': ('mV', -65.0), 'u': ('mV', -13.0)},
            ns={'a': ('1/ms', 0.02), 'b': ('1', 0.2), 'c': ('mV', -65.0), 'd': ('mV', 8.0)})
    if name == 'HodgkinHuxley':   # models/hodgkin_huxley.snn: per-capacitance units
        return dict(
            dt_ms=0.02,
            eqs='''dv/dt = -g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K) - g_L*(v - E_L) + I : volt
                   dm/dt = a_m*(1 - m) - b_m*m : 1
                   dh/dt = a_h*(1 - h) - b_h*h : 1
                   dn/dt = a_n*(1 - n) - b_n*n : 1
                   a_m = 0.1/mV/ms*(v + 40*mV)/(1 - exp(-(v + 40*mV)/(10*mV))) : Hz
                   b_m = 4/ms*exp(-(v + 65*mV)/(18*mV)) : Hz
                   a_h = 0.07/ms*exp(-(v + 65*mV)/(20*mV)) : Hz
                   b_h = 1/ms/(1 + exp(-(v + 35*mV)/(10*mV))) : Hz
                   a_n = 0.01/mV/ms*(v + 55*mV)/(1 - exp(-(v + 55*mV)/(10*mV))) : Hz
                   b_n = 0.125/ms*exp(-(v + 65*mV)/(80*mV)) : Hz
                   v_prev : volt
                   I : volt/second (constant)
                   nspk : 1''',
            # scc: v_prev' = v (the pre-step v); spike when v >= 0 && v_prev < 0,
            # no reset. v_prev is copied before the state update.
            threshold='v >= 0*mV and v_prev < 0*mV', reset='nspk += 1', refr=None,
            prev=True,
            input='I', lo=2.0, hi=18.0, unit='mV/ms',
            init={'v': ('mV', -65.0), 'v_prev': ('mV', -65.0), 'm': ('1', 0.05), 'h': ('1', 0.6),
                  'n': ('1', 0.32)},
            ns={'g_Na': ('1/ms', 120.0), 'g_K': ('1/ms', 36.0), 'g_L': ('1/ms', 0.3),
                'E_Na': ('mV', 50.0), 'E_K': ('mV', -77.0), 'E_L': ('mV', -54.4)})
    if name == 'SeedLIF':   # models/seed_lif.snn: a map, dt 1 ms, raw Q8.8 values
        # v' = v + (v_rest - v)·leak_k + I_t·gain_k + noise_in is forward
        # Euler of this ODE at dt = 1 ms exactly; while refractory v is held
        # at v_reset = v_rest = 0, as scc's { v = v_rest } clamp.
        return dict(
            dt_ms=1.0,
            eqs='''dv/dt = ((v_rest - v)*leak_k + I_t*gain_k + noise_in)/ms : 1 (unless refractory)
                   leak_k : 1 (constant)
                   gain_k : 1 (constant)
                   noise_in : 1 (constant)
                   I_t : 1 (constant)
                   nspk : 1''',
            threshold='v >= v_th', reset='v = v_reset; nspk += 1', refr=2,
            input='I_t', lo=SEED_I_T[0], hi=SEED_I_T[1], unit='1', init={'v': ('1', 0.0)},
            consts=SEED_INPUTS,
            ns={'v_rest': ('1', 0.0), 'v_reset': ('1', 0.0), 'v_th': ('1', 1.0)})
    raise SystemExit(f'models.py: unknown model {name!r}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', required=True)
    ap.add_argument('--n', type=int, required=True)
    ap.add_argument('--target', required=True, choices=['cython', 'cpp_standalone'])
    ap.add_argument('--steps', required=True, help='two run lengths A,B (A < B)')
    ap.add_argument('--threads', type=int, default=1, help='cpp_standalone OpenMP threads')
    ap.add_argument('--build', help='cpp_standalone project directory (default: a temporary one)')
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    steps = [int(x) for x in a.steps.split(',')]
    if len(steps) != 2 or not 0 < steps[0] < steps[1]:
        raise SystemExit('models.py: --steps A,B with 0 < A < B')

    warnings.filterwarnings('ignore', category=FutureWarning)   # pythran vs numpy
    import numpy as np
    import brian2 as b2
    b2.prefs.logging.file_log = False
    b2.prefs.logging.console_log_level = 'ERROR'
    b2.prefs.core.default_float_dtype = np.float64
    units = {'ms': b2.ms, 'mV': b2.mV, 'nA': b2.nA, 'Mohm': b2.Mohm, '1': 1, '1/ms': 1 / b2.ms,
             'mV/ms': b2.mV / b2.ms}
    m = model(a.model)
    build = None
    if a.target == 'cpp_standalone':
        build = a.build or tempfile.mkdtemp(prefix='scc_brian2_models_')
        b2.set_device('cpp_standalone', directory=build, build_on_run=False)
        # 0: no OpenMP (Brian2's default, one thread); T > 1: T OpenMP threads.
        b2.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
    else:
        b2.prefs.codegen.target = 'cython'
    b2.defaultclock.dt = m['dt_ms'] * b2.ms
    ns = {k: v * units[u] for k, (u, v) in m['ns'].items()}
    kw = {}
    if m['refr'] is not None:
        kw['refractory'] = (m['refr'] + 1) * m['dt_ms'] * b2.ms
    G = b2.NeuronGroup(a.n, m['eqs'], threshold=m['threshold'], reset=m['reset'], method='euler',
                       namespace=ns, name='pop', **kw)
    for var, (u, v) in m['init'].items():
        setattr(G, var, v * units[u])
    for var, v in (m.get('consts') or {}).items():
        setattr(G, var, v)
    rng = np.random.default_rng(a.seed)
    setattr(G, m['input'], rng.uniform(m['lo'], m['hi'], a.n) * units[m['unit']])
    objs = [G]
    if m.get('prev'):
        objs.append(G.run_regularly('v_prev = v', when='before_groups', name='prev'))
    net = b2.Network(*objs)
    dt = m['dt_ms'] * b2.ms
    out = {'model': a.model, 'n': a.n, 'target': a.target, 'threads': a.threads if build else 1,
           'steps': steps, 'dt_ms': m['dt_ms']}
    if build is None:
        net.run(2 * dt, namespace={})   # fills the code cache (compiles on a cold cache)
        wall, cpu = [], []
        for s in steps:
            c0, t0 = time.process_time(), time.perf_counter()
            net.run(s * dt, namespace={})
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        nspk = float(np.sum(G.nspk[:]))
        total = steps[0] + steps[1] + 2
    else:
        mark = ('{ struct timespec c_, w_; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c_); '
                'clock_gettime(CLOCK_MONOTONIC, &w_); std::ofstream f_("scc_marks.txt", std::ios::app); '
                'f_.precision(17); f_ << (c_.tv_sec + 1e-9*c_.tv_nsec) << " " '
                '<< (w_.tv_sec + 1e-9*w_.tv_nsec) << std::endl; }')
        b2.device.insert_code('main', mark)
        for s in steps:
            net.run(s * dt, namespace={})
            b2.device.insert_code('main', mark)
        t0 = time.perf_counter()
        b2.device.build(directory=build, compile=True, run=False)
        out['build_s'] = time.perf_counter() - t0
        marks_file = os.path.join(build, 'scc_marks.txt')
        if os.path.exists(marks_file):
            os.remove(marks_file)
        b2.device.run(directory=build, with_output=False, run_args=[])
        with open(marks_file) as f:
            marks = [[float(x) for x in line.split()] for line in f if line.strip()]
        if len(marks) != 3:
            raise SystemExit(f'models.py: {marks_file}: {len(marks)} marks, want 3')
        cpu = [marks[1][0] - marks[0][0], marks[2][0] - marks[1][0]]
        wall = [marks[1][1] - marks[0][1], marks[2][1] - marks[1][1]]
        nspk = float(np.sum(G.nspk[:]))
        total = steps[0] + steps[1]
    ds = steps[1] - steps[0]
    out['wall_s'], out['cpu_s'] = wall, cpu
    out['marginal_wall_s'] = (wall[1] - wall[0]) / ds
    out['marginal_cpu_s'] = (cpu[1] - cpu[0]) / ds
    out['updates_per_s'] = a.n / out['marginal_wall_s'] if out['marginal_wall_s'] > 0 else float('nan')
    out['updates_per_cpu_s'] = a.n / out['marginal_cpu_s'] if out['marginal_cpu_s'] > 0 else float('nan')
    out['spikes_per_step_neuron'] = nspk / total / a.n
    print(json.dumps(out))


if __name__ == '__main__':
    main()
