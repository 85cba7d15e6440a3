# Morris-Lecar barnacle muscle fibre model, class I (type I) excitability.
# C. Morris and H. Lecar (1981), Voltage oscillations in the barnacle giant
# muscle fiber, Biophys. J. 35:193-213, with the parameter set of
# J. Rinzel and G. B. Ermentrout (1989), Analysis of neural excitability
# and oscillations, in Methods in Neuronal Modeling (Koch & Segev), Table
# 7.1, "SNLC" column (g_Ca = 4, V3 = 12 mV, V4 = 17.4 mV, phi = 1/15).
from brian2 import *

C = 20*uF/cm**2
gL = 2*msiemens/cm**2
gCa = 4*msiemens/cm**2
gK = 8*msiemens/cm**2
EL = -60*mV
ECa = 120*mV
EK = -84*mV
V1 = -1.2*mV
V2 = 18*mV
V3 = 12*mV
V4 = 17.4*mV
phi = 1/15/ms

eqs = '''
dv/dt = (I - gL*(v - EL) - gCa*m_inf*(v - ECa) - gK*w*(v - EK))/C : volt
dw/dt = phi*(w_inf - w)/tau_w : 1
m_inf = 0.5*(1 + tanh((v - V1)/V2)) : 1
w_inf = 0.5*(1 + tanh((v - V3)/V4)) : 1
tau_w = 1/cosh((v - V3)/(2*V4)) : 1
I : amp/meter**2
'''

defaultclock.dt = 0.05*ms
fibre = NeuronGroup(1, eqs, threshold='v > 0*mV', refractory='v > 0*mV',
                    method='rk4')
fibre.v = -60*mV
fibre.w = 'w_inf'
fibre.I = 80*uA/cm**2
run(500*ms)
