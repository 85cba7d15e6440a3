# Hodgkin-Huxley squid giant axon, space-clamped.
# A. L. Hodgkin and A. F. Huxley (1952), A quantitative description of
# membrane current and its application to conduction and excitation in
# nerve, J. Physiol. 117:500-544, eqs. 26 and Table 3 (6.3 degC). The
# paper's V is the displacement from rest with depolarization negative;
# here v = -V (depolarization positive, rest at 0 mV), so E_Na = 115 mV,
# E_K = -12 mV, E_l = 10.613 mV and alpha_n = 0.01 (10 - v)/(exp((10 - v)/10) - 1),
# written with exprel. Gates start at their resting steady state.
from brian2 import *

Cm = 1*uF/cm**2
gNa = 120*msiemens/cm**2
gK = 36*msiemens/cm**2
gl = 0.3*msiemens/cm**2
ENa = 115*mV
EK = -12*mV
El = 10.613*mV

eqs = '''
dv/dt = (I - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gl*(v - El))/Cm : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dh/dt = alphah*(1 - h) - betah*h : 1
dn/dt = alphan*(1 - n) - betan*n : 1
alpham = 1/exprel((25*mV - v)/(10*mV))/ms : Hz
betam = 4*exp(-v/(18*mV))/ms : Hz
alphah = 0.07*exp(-v/(20*mV))/ms : Hz
betah = 1/(exp((30*mV - v)/(10*mV)) + 1)/ms : Hz
alphan = 0.1/exprel((10*mV - v)/(10*mV))/ms : Hz
betan = 0.125*exp(-v/(80*mV))/ms : Hz
I : amp/meter**2
'''

defaultclock.dt = 0.025*ms
axon = NeuronGroup(1, eqs, threshold='v > 50*mV', refractory='v > 50*mV',
                   method='exponential_euler')
axon.v = 0*mV
axon.m = 'alpham/(alpham + betam)'
axon.h = 'alphah/(alphah + betah)'
axon.n = 'alphan/(alphan + betan)'
axon.I = 10*uA/cm**2
run(200*ms)
