# AdEx firing pattern "regular bursting".
# R. Naud, N. Marcille, C. Clopath and W. Gerstner (2008), Firing patterns
# in the adaptive exponential integrate-and-fire model, Biol. Cybern.
# 99:335-347, Table 1 (bursting: C = 200 pF, g_L = 10 nS, E_L = -58 mV,
# a = 2 nS, tau_w = 120 ms, b = 100 pA, V_r = -46 mV, I = 210 pA).
from brian2 import *

C = 200*pF
gL = 10*nS
EL = -58*mV
VT = -50*mV
DeltaT = 2*mV
a = 2*nS
tauw = 120*ms
b = 100*pA
Vr = -46*mV

eqs = '''
dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp
'''

defaultclock.dt = 0.02*ms
G = NeuronGroup(1, eqs,
                threshold='v > VT + 5*DeltaT',
                reset='v = Vr; w += b',
                method='rk4')
G.v = EL
G.I = 210*pA
run(500*ms)
