"""Load scc's network export (`scc net export net.snn -o DIR`) into Brian2.

The export (cmd/scc/netcmd.go) is the compiled instance: DIR/network.json
names the populations, projections, drives and records; proj_<name>.csv
lists every synapse (pre,post,weight,delay: weight in the port's canonical
unit, delay in ms), pop_<name>.csv the per-neuron parameters and initial
states, source_<name>.csv the spikes of each source (step,index). This
module builds the same network in Brian2: a NeuronGroup per population
with the library model's equations written in Brian2 form, a
SpikeGeneratorGroup per source, Synapses.connect(i=, j=) with the exported
weights and delays, PoissonInput for poisson_sum drives.

Step semantics (DESIGN §4.1, lang/spec.md §3.2). scc numbers steps
t = 1, 2, ...; step t covers (t-1)·dt .. t·dt. In step t scc first
gathers every port's input (the synaptic contributions scheduled for t plus
the drive), then updates each neuron with it (a candidate state that
includes the input, the threshold on the candidate, the reset), then
propagates the spikes of step t into the slots of t + d, d ≥ 1. Brian2's
default schedule ['start', 'groups', 'thresholds', 'synapses', 'resets',
'end'] runs on_pre after the threshold, so with delay d·dt a delta jump
`v += w` is seen by the threshold of step t+d+1: one step later than scc.
We reproduce scc exactly with

    net.schedule = ['start', 'groups', 'synapses', 'thresholds', 'resets', 'end']
    S.delay = (d - 1)·dt

In Brian2's step n (time n·dt, scc's step t = n+1) the state updater runs
(groups: the decay of v, the candidate without input), then every pathway
pushes the spikes its source emitted in the previous step's threshold into
its queue and runs on_pre for the queue slot now due, adding the weights to
v, then the threshold tests v (candidate plus input) and the reset runs. A
spike of scc step t is thresholded in Brian2 step t-1, pushed in step t and,
with k = d-1 steps of queue delay, delivered in Brian2 step t+k, i.e. scc
step t+k+1 = t+d: before that step's threshold, as scc's gather. Brian2
rounds delays to steps half up (spikequeue.h), and (d-1)·dt is on the grid.
PoissonInput runs in the synapses slot too, so a poisson_sum drive adds its
count in the same step as scc's drive X. SpikeGeneratorGroup emits in the
thresholds slot: a source spike of scc step t is given Brian2 time
(t-1)·dt, like a neuron's spike of step t.

A port whose jump reaches the model's state through another state (CubaLIF:
je adds to ge, which v reads one step later, NEST's iaf_psc_exp) follows
the same mapping: on_pre `ge += w` in the synapses slot of scc step t+d
comes after the decay of ge and before the next state update reads it, as
scc's ge' = ge·e^(-dt/tau_e) + je.

Refractoriness (DESIGN §4.1 rule 4). scc holds v while refractory and
discards input arriving for it. Brian2 2.5.1 does the same for a variable
marked `(unless refractory)`: NeuronGroup gives it a conditional write on
not_refractory (brian2/groups/neurongroup.py), so every code object writing
it outside the reset, on_pre and PoissonInput included, leaves it alone
while refractory (measured: an on_pre `v += 3*mV` arriving 1 ms into a 5 ms
refractory period is lost). reference/networks.md §1.1 says Brian2 adds
it; in 2.5.1 it does not. The loader
still writes the gate explicitly, `v_post += w*int(not_refractory_post)`
and PoissonInput's weight `w*int(not_refractory)` (not_refractory is
computed by the state updater in groups, before synapses), so the mapping
does not rest on that implementation detail; the `gate` control run
(naive=['gate']) shows that leaving it out changes nothing in 2.5.1.
scc's counter: a spike in step t loads R = refractory/dt, and the neuron is
held in steps t+1 .. t+R (R updates). Brian2 computes not_refractory =
timestep(t - lastspike) >= timestep(refractory), which holds the neuron for
refractory/dt - 1 updates after the spike step, so the Brian2 model's
refractory is (R+1)·dt.
"""

import csv
import json
import os

import numpy as np

import brian2 as b2
from brian2 import ms, mV, nA, nF, uS, Mohm, Hz, second

SCHEDULE = ['start', 'groups', 'synapses', 'thresholds', 'resets', 'end']

# scc's canonical units (lang/spec.md §3.2).
UNITS = {'ms': ms, 'mV': mV, 'nA': nA, 'nF': nF, 'uS': uS, 'Mohm': Mohm, '1': 1}


class Model:
    """A library model of scc (models/*.snn) in Brian2 form."""

    def __init__(self, name, params, states, eqs, threshold, reset, refractory_ms, ports,
                 method='exact'):
        self.name = name
        self.params = params          # name -> (canonical unit name, default)
        self.states = states          # name -> (unit name, initial value: number or a param name)
        self.eqs = eqs                # Brian2 equations (without the parameter lines)
        self.threshold = threshold
        self.reset = reset
        self.refractory_ms = refractory_ms
        self.ports = ports            # port -> (variable it jumps, held while refractory),
        #                               or (variable, 'current'): an input current
        self.method = method


# Each model transcribes its .snn: the ODE whose exact step is scc's map.
MODELS = {
    # models/delta_lif.snn: v' = E_L + (v - E_L)·e^(-dt/tau_m)
    #   + I_e·tau_m/C_m·(1 - e^(-dt/tau_m)) + J, the exact step of this ODE.
    'DeltaLIF': Model(
        'DeltaLIF',
        params={'tau_m': ('ms', 10.0), 'C_m': ('nF', 0.25), 'E_L': ('mV', -70.0),
                'V_th': ('mV', -55.0), 'V_reset': ('mV', -70.0), 'I_e': ('nA', 0.0)},
        states={'v': ('mV', 'E_L')},
        eqs='dv/dt = (E_L - v + I_e*tau_m/C_m)/tau_m : volt (unless refractory)',
        threshold='v >= V_th', reset='v = V_reset', refractory_ms=2.0,
        ports={'J': ('v', True)}),
    # models/brunel_lif.snn: v' = v·e^(-dt/tau) + J.
    'BrunelLIF': Model(
        'BrunelLIF',
        params={'tau': ('ms', 20.0), 'theta': ('mV', 20.0), 'V_r': ('mV', 10.0)},
        states={'v': ('mV', 0.0)},
        eqs='dv/dt = -v/tau : volt (unless refractory)',
        threshold='v > theta', reset='v = V_r', refractory_ms=2.0,
        ports={'J': ('v', True)}),
    # models/cuba_lif.snn: v's exact propagator reads the pre-step ge, gi
    # (Brian2's exact solution of the linear system); ge, gi decay and
    # take the jumps also while refractory.
    'CubaLIF': Model(
        'CubaLIF',
        params={'tau_m': ('ms', 20.0), 'tau_e': ('ms', 5.0), 'tau_i': ('ms', 10.0),
                'E_l': ('mV', -49.0), 'v_th': ('mV', -50.0), 'v_reset': ('mV', -60.0)},
        states={'v': ('mV', 'v_reset'), 'ge': ('mV', 0.0), 'gi': ('mV', 0.0)},
        eqs='''dv/dt = (ge + gi - (v - E_l))/tau_m : volt (unless refractory)
               dge/dt = -ge/tau_e : volt
               dgi/dt = -gi/tau_i : volt''',
        threshold='v > v_th', reset='v = v_reset', refractory_ms=5.0,
        ports={'je': ('ge', False), 'ji': ('gi', False)}),
    # models/lif.snn (forward Euler, scc's default scheme): its input I is
    # a current read by the update of the step, not a jump. Only a constant
    # current drive is loaded (the 1M-neuron benchmark): I is then a
    # constant of the group.
    'LIF': Model(
        'LIF',
        params={'tau': ('ms', 20.0), 'v_rest': ('mV', -65.0), 'v_th': ('mV', -50.0),
                'v_reset': ('mV', -70.0), 'R': ('Mohm', 1.0)},
        states={'v': ('mV', 'v_rest')},
        eqs='dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)',
        threshold='v >= v_th', reset='v = v_reset', refractory_ms=2.0,
        ports={'I': ('I', 'current')}, method='euler'),
}


def model_of(pop):
    """The library model a population of the manifest runs: its Func is the
    model or `<Model>_<pop>` (a Func with the population's overrides)."""
    name = pop.get('model') or pop.get('func') or ''
    for m in MODELS:
        if name == m or name.startswith(m + '_'):
            return MODELS[m]
    raise ValueError(f"population {pop['name']}: model {name!r} has no Brian2 form here "
                     f"(known: {', '.join(MODELS)})")


def _read_csv(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _steps(dt_ms, x_ms):
    return int(round(x_ms / dt_ms))


class Loaded:
    """A Brian2 Network built from an export, with its spike monitors."""

    def __init__(self, net, groups, monitors, order, dt_ms, synapses):
        self.net = net
        self.groups = groups          # pop name -> group
        self.monitors = monitors      # pop name -> SpikeMonitor
        self.order = order            # pop names in manifest order
        self.dt_ms = dt_ms
        self.synapses = synapses      # number of synapses

    def run(self, steps, **kw):
        self.net.run(steps * self.dt_ms * ms, **kw)

    def spikes(self):
        """Every spike as (step, pop, index), scc's order: by step, then
        population in manifest order, then index."""
        rows = []
        for p, name in enumerate(self.order):
            mon = self.monitors[name]
            steps = np.round(np.asarray(mon.t / ms) / self.dt_ms).astype(np.int64) + 1
            idx = np.asarray(mon.i)
            rows.extend(zip(steps.tolist(), [p] * len(idx), idx.tolist()))
        rows.sort()
        return [(s, self.order[p], i) for s, p, i in rows]

    def write_spikes(self, path):
        with open(path, 'w') as f:
            f.write('step,pop,index\n')
            for s, p, i in self.spikes():
                f.write(f'{s},{p},{i}\n')


NAIVE = ('schedule', 'refractory', 'gate')


def load(export_dir, naive=()):
    """Build the network of export_dir in Brian2 (the caller sets the
    device before). Sources give their exported spikes (the manifest's
    `steps` of them). naive lists the parts of the mapping to leave out,
    for a control run that shows each matters: 'schedule' (Brian2's default
    schedule with delay d·dt), 'refractory' (Brian2's refractory equal to
    the model's), 'gate' (input added while refractory)."""
    for x in naive:
        if x not in NAIVE:
            raise ValueError(f'unknown naive part {x!r} (want {", ".join(NAIVE)})')
    with open(os.path.join(export_dir, 'network.json')) as f:
        man = json.load(f)
    dt_ms = man['dt_ms']
    dt = dt_ms * ms
    b2.defaultclock.dt = dt
    objs, groups, monitors, order, models = [], {}, {}, [], {}
    # Constant currents into current ports (LIF's I) are constants of the
    # group: collect them first.
    currents = {}
    pops = {p['name']: p for p in man['populations']}
    for d in man.get('drives') or []:
        for tg in d['targets']:
            model = model_of(pops[tg['pop']])
            var, held = model.ports[tg['port']]
            if held != 'current':
                continue
            if d['kind'] != 'current' or d.get('values') or (tg['lo'], tg['hi']) != (0, pops[tg['pop']]['size']):
                raise ValueError(f"drive {d['name']}: only a constant current on a whole "
                                 f"population is loaded into port {tg['port']}")
            c = currents.setdefault(tg['pop'], {})
            c[var] = c.get(var, 0.0) + d['value']
    for pop in man['populations']:
        name, size = pop['name'], pop['size']
        order.append(name)
        if pop['kind'] == 'source':
            idx, times = np.zeros(0, dtype=int), np.zeros(0)
            if pop.get('spikes'):
                _, rows = _read_csv(os.path.join(export_dir, pop['spikes']))
                if rows:
                    a = np.array(rows, dtype=np.int64)
                    idx, times = a[:, 1], (a[:, 0] - 1) * dt_ms
            g = b2.SpikeGeneratorGroup(size, idx, times * ms, name='src_' + name)
        elif pop['kind'] == 'neuron':
            model = model_of(pop)
            models[name] = model
            g = _neuron_group(export_dir, pop, model, dt_ms, 'refractory' in naive,
                              currents.get(name, {}))
        else:
            raise ValueError(f"population {name}: kind {pop['kind']!r} has no Brian2 form here")
        groups[name] = g
        monitors[name] = b2.SpikeMonitor(g, name='spk_' + name)
        objs += [g, monitors[name]]
    nsyn = 0
    for pr in man.get('projections') or []:
        if pr.get('rule'):
            raise ValueError(f"projection {pr['name']}: plastic projections are not loaded")
        model = models.get(pr['post'])
        if model is None:
            raise ValueError(f"projection {pr['name']}: target {pr['post']} is not a neuron population")
        var, held = model.ports[pr['port']]
        unit = UNITS[model.states[var][0]]
        _, rows = _read_csv(os.path.join(export_dir, pr['file']))
        a = np.array(rows, dtype=np.float64).reshape(-1, 4)
        pre, post = a[:, 0].astype(np.int64), a[:, 1].astype(np.int64)
        ksteps = np.round(a[:, 3] / dt_ms).astype(np.int64)
        if 'schedule' not in naive:
            ksteps -= 1   # (d-1) steps, d ≥ 1
        held = held and 'gate' not in naive
        code = f'{var}_post += w*int(not_refractory_post)' if held else f'{var}_post += w'
        uniform = len(ksteps) > 0 and np.all(ksteps == ksteps[0])
        kw = {'delay': int(ksteps[0]) * dt} if uniform else {}
        S = b2.Synapses(groups[pr['pre']], groups[pr['post']], 'w : volt (constant)',
                        on_pre=code, name='proj_' + pr['name'], **kw)
        S.connect(i=pre, j=post)
        if len(pre):
            S.w[:] = a[:, 2] * unit
            if not uniform:
                S.delay[:] = ksteps * dt
        nsyn += len(pre)
        objs.append(S)
    for d in man.get('drives') or []:
        for k, tg in enumerate(d['targets']):
            model = models[tg['pop']]
            var, held = model.ports[tg['port']]
            if held == 'current':   # a constant of the group (above)
                continue
            held = held and 'gate' not in naive
            unit = model.states[var][0]
            sub = groups[tg['pop']][tg['lo']:tg['hi']]
            gate = '*int(not_refractory)' if held else ''
            if d['kind'] == 'poisson_sum':
                w = f"{d['w']!r}*{unit}{gate}"
                objs.append(b2.PoissonInput(sub, var, d['n'], d['rate_hz'] * Hz, weight=w))
            elif d['kind'] == 'current':
                expr = f"{d['value']!r}*{unit}"
                if d.get('values'):   # one value per step, then 0
                    _, rows = _read_csv(os.path.join(export_dir, d['values']))
                    vals = np.array([float(r[1]) for r in rows] + [0.0])
                    ta = f"drive_{d['name']}"
                    groups[tg['pop']].namespace[ta] = b2.TimedArray(vals * UNITS[unit], dt=dt)
                    expr = f'{ta}(t)'
                objs.append(sub.run_regularly(f'{var} += {expr}{gate}', when='synapses',
                                              name=f"drive_{d['name']}_{k}"))
            else:
                raise ValueError(f"drive {d['name']}: kind {d['kind']!r} has no Brian2 form here")
    net = b2.Network(*objs)
    if 'schedule' not in naive:
        net.schedule = SCHEDULE
    return Loaded(net, groups, monitors, order, dt_ms, nsyn)


def _neuron_group(export_dir, pop, model, dt_ms, naive_refractory, currents):
    name, size = pop['name'], pop['size']
    params = {p: v for p, (_, v) in model.params.items()}
    params.update(pop.get('params') or {})
    per = {}
    if pop.get('values'):
        head, rows = _read_csv(os.path.join(export_dir, pop['values']))
        a = np.array(rows, dtype=np.float64).reshape(-1, len(head))
        for k, col in enumerate(head):
            if col != 'index':
                per[col] = a[:, k]
    eqs = model.eqs
    ns = {}
    for p, (u, _) in model.params.items():
        if p in per:     # a per-neuron parameter is a variable of the group
            dim = {'ms': 'second', 'mV': 'volt', 'nA': 'amp', 'nF': 'farad', 'uS': 'siemens',
                   'Mohm': 'ohm'}[u]
            eqs += f'\n{p} : {dim} (constant)'
        else:
            ns[p] = params[p] * UNITS[u]
    for port, (var, kind) in model.ports.items():
        if kind == 'current':   # nA, the canonical unit of a current
            ns[var] = currents.get(var, 0.0) * nA
    R = _steps(dt_ms, model.refractory_ms)
    if naive_refractory:
        R -= 1
    g = b2.NeuronGroup(size, eqs, threshold=model.threshold, reset=model.reset,
                       refractory=(R + 1) * dt_ms * ms, method=model.method,
                       namespace=ns, name='pop_' + name)
    for p, (u, _) in model.params.items():
        if p in per:
            setattr(g, p, per[p] * UNITS[u])
    for s, (u, init) in model.states.items():
        if s in per:
            setattr(g, s, per[s] * UNITS[u])
        else:
            x = params[init] if isinstance(init, str) else init
            setattr(g, s, x * UNITS[u])
    return g
