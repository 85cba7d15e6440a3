# Fast-spiking hippocampal interneuron.
# X.-J. Wang and G. Buzsaki (1996), Gamma oscillation by synaptic
# inhibition in a hippocampal interneuronal network model, J. Neurosci.
# 16:6402-6413 (Na+ activation instantaneous, m = m_inf(V); h and n with
# the temperature factor phi = 5).
from brian2 import *

Cm = 1*uF/cm**2
gL = 0.1*msiemens/cm**2
EL = -65*mV
gNa = 35*msiemens/cm**2
ENa = 55*mV
gK = 9*msiemens/cm**2
EK = -90*mV
phi = 5

eqs = '''
dv/dt = (-gNa*m_inf**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL) + I)/Cm : volt
m_inf = alpha_m/(alpha_m + beta_m) : 1
alpha_m = 1/exprel(-0.1*(v + 35*mV)/mV)/ms : Hz
beta_m = 4*exp(-(v + 60*mV)/(18*mV))/ms : Hz
dh/dt = phi*(alpha_h*(1 - h) - beta_h*h) : 1
alpha_h = 0.07*exp(-(v + 58*mV)/(20*mV))/ms : Hz
beta_h = 1/(exp(-0.1*(v + 28*mV)/mV) + 1)/ms : Hz
dn/dt = phi*(alpha_n*(1 - n) - beta_n*n) : 1
alpha_n = 0.1/exprel(-0.1*(v + 34*mV)/mV)/ms : Hz
beta_n = 0.125*exp(-(v + 44*mV)/(80*mV))/ms : Hz
I : amp/meter**2
'''

defaultclock.dt = 0.025*ms
cell = NeuronGroup(1, eqs, threshold='v > -20*mV', refractory='v > -20*mV',
                   method='exponential_euler')
cell.v = -64*mV
cell.h = 'alpha_h/(alpha_h + beta_h)'
cell.n = 'alpha_n/(alpha_n + beta_n)'
cell.I = 1*uA/cm**2
run(200*ms)
