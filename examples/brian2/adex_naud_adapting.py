# AdEx firing pattern "adaptation".
# R. Naud, N. Marcille, C. Clopath and W. Gerstner (2008), Firing patterns
# in the adaptive exponential integrate-and-fire model, Biol. Cybern.
# 99:335-347, Table 1 (adaptation: C = 200 pF, g_L = 12 nS, a = 2 nS,
# tau_w = 300 ms, b = 60 pA, V_r = -58 mV, I = 500 pA).
from brian2 import *

C = 200*pF; gL = 12*nS; EL = -70*mV
VT = -50*mV; DeltaT = 2*mV
a = 2*nS; tauw = 300*ms; b = 60*pA; Vr = -58*mV
Vpeak = VT + 5*DeltaT

eqs = """
dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp (constant)
"""

defaultclock.dt = 0.02*ms
G = NeuronGroup(1, eqs, threshold='v > Vpeak', reset='v = Vr; w += b',
                method='rk2')
G.v = EL
G.I = 500*pA
run(500*ms)
