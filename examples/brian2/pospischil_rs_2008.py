# Regular-spiking cortical neuron with a slow M-type K+ current.
# M. Pospischil, M. Toledo-Rodriguez, C. Monier, Z. Piwkowska, T. Bal,
# Y. Fregnac, H. Markram and A. Destexhe (2008), Minimal Hodgkin-Huxley
# type models for different classes of cortical and thalamic neurons,
# Biol. Cybern. 99:427-441 (RS cell, Fig. 3: Traub-Miles 1991 Na+ and K+
# kinetics shifted by V_T, the M current of Yamada et al. 1989).
# The membrane potential is named V, as in the paper.
from brian2 import *

Cm = 1*uF/cm2
gleak = 0.0205*mS/cm2
Eleak = -70.3*mV
gNa = 56*mS/cm2
ENa = 50*mV
gKd = 6*mS/cm2
EK = -90*mV
gM = 0.075*mS/cm2
tau_max = 608*ms
VT = -56.2*mV

eqs = '''
dV/dt = (gleak*(Eleak - V) + I - INa - IKd - IM)/Cm : volt
INa = gNa*m**3*h*(V - ENa) : amp/meter**2
IKd = gKd*n**4*(V - EK) : amp/meter**2
IM = gM*p*(V - EK) : amp/meter**2
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dp/dt = (p_inf - p)/tau_p : 1
alpha_m = 1.28/exprel(-(V - VT - 13*mV)/(4*mV))/ms : Hz
beta_m = 1.4/exprel((V - VT - 40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp(-(V - VT - 17*mV)/(18*mV))/ms : Hz
beta_h = 4/(1 + exp(-(V - VT - 40*mV)/(5*mV)))/ms : Hz
alpha_n = 0.16/exprel(-(V - VT - 15*mV)/(5*mV))/ms : Hz
beta_n = 0.5*exp(-(V - VT - 10*mV)/(40*mV))/ms : Hz
p_inf = 1/(1 + exp(-(V + 35*mV)/(10*mV))) : 1
tau_p = tau_max/(3.3*exp((V + 35*mV)/(20*mV)) + exp(-(V + 35*mV)/(20*mV))) : second
I : amp/meter**2
'''

defaultclock.dt = 0.025*ms
neuron = NeuronGroup(1, eqs, threshold='V > -20*mV', refractory='V > -20*mV',
                     method='exponential_euler')
neuron.V = Eleak
neuron.m = 0
neuron.h = 1
neuron.n = 0
neuron.p = 'p_inf'
neuron.I = 4*uA/cm2
run(200*ms)
