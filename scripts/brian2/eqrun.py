"""Run a Brian2 script of examples/brian2 in real Brian2 and print its spikes.

    /usr/bin/python3 scripts/brian2/eqrun.py MODEL.py [--duration MS] [--seed N]
        [--state VAR --csv FILE]

MODEL.py is a script in the form `scc eq --file` and every scc command read
(a restricted Brian2 script: parameters, an equation string, one
NeuronGroup, initial values, a constant input, `run(duration)`). It runs
here unchanged: the runner only sets `prefs.codegen.target = 'numpy'` (no
compiler, no cache) and replaces Brian2's `run` by a wrapper that attaches
a SpikeMonitor (and with --state a StateMonitor of VAR) to every
NeuronGroup of the script before running. --duration replaces the
script's own duration (the noise model's longer run), --seed calls
Brian2's `seed(N)` first (xi draws are then reproducible).

Output: one JSON line {"dt": ms, "steps": N, "spikes": [...], "n": count}
for the (single) NeuronGroup; with several groups "groups" lists one such
object per group in creation order.

Step index convention. In Brian2's time step n (t = n·dt) the state updater
advances the state from n·dt to (n+1)·dt, then the threshold tests the new
state and the reset runs; a SpikeMonitor records that spike with t = n·dt.
scc numbers its steps 1, 2, ... (step k covers (k-1)·dt .. k·dt, threshold
on the state at k·dt) and `scc sim --csv` writes row k-1 for step k. So
Brian2's spike at t and scc's CSV row are the same integer
round(t/dt) — the index printed here. "steps" is Brian2's number of steps,
round(duration/dt), which is `scc sim --steps` for the same run.
"""

import argparse
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore', category=FutureWarning)  # pythran's numpy deprecations on import

import brian2
from brian2 import NeuronGroup, SpikeMonitor, StateMonitor, Network, BrianObject, prefs, ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model')
    ap.add_argument('--duration', type=float, help='run length in ms (default: the script\'s run())')
    ap.add_argument('--seed', type=int)
    ap.add_argument('--state', help='also record this state variable (needs --csv)')
    ap.add_argument('--csv', help='write step,VAR of --state to this file')
    a = ap.parse_args()
    if bool(a.state) != bool(a.csv):
        ap.error('--state and --csv go together')

    prefs.codegen.target = 'numpy'
    brian2.BrianLogger.log_level_error()
    if a.seed is not None:
        brian2.seed(a.seed)
    with open(a.model) as f:
        src = f.read()
    ns = {'__name__': '__main__', '__file__': os.path.abspath(a.model)}
    runs = []

    def run(duration, *args, **kwargs):
        if runs:
            raise SystemExit('%s: more than one run() call' % a.model)
        groups = [v for v in ns.values() if isinstance(v, NeuronGroup)]
        if not groups:
            raise SystemExit('%s: run() without a NeuronGroup' % a.model)
        groups.sort(key=lambda g: g.name)
        objs = [v for v in ns.values() if isinstance(v, BrianObject)]
        mons = [SpikeMonitor(g) for g in groups]
        sm = None
        if a.state:
            sm = StateMonitor(groups[0], a.state, record=0)
        net = Network(objs, mons, *([sm] if sm else []))
        d = a.duration * ms if a.duration is not None else duration
        kwargs.pop('level', None)
        kwargs.setdefault('namespace', ns)  # the script's names, as Brian2's magic run() resolves them
        net.run(d, *args, **kwargs)
        runs.append((groups, mons, sm, d))

    brian2.run = run  # `from brian2 import *` in the script picks this up
    try:
        exec(compile(src, a.model, 'exec'), ns)
    finally:
        brian2.run = brian2.core.magic.run
    if not runs:
        raise SystemExit('%s: the script never calls run()' % a.model)
    groups, mons, sm, d = runs[0]
    out = []
    for g, m in zip(groups, mons):
        dt = float(g.clock.dt / ms)
        steps = int(round(float(d / g.clock.dt)))
        sp = [int(round(float(t / g.clock.dt))) for t in m.t]
        out.append({'dt': dt, 'steps': steps, 'spikes': sp, 'n': len(sp)})
    if sm is not None:
        dt = groups[0].clock.dt
        with open(a.csv, 'w') as f:
            f.write('step,%s\n' % a.state)
            for t, x in zip(sm.t, getattr(sm, a.state)[0]):
                f.write('%d,%r\n' % (int(round(float(t / dt))), float(x)))
    res = out[0] if len(out) == 1 else {'groups': out}
    json.dump(res, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
