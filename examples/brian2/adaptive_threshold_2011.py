# Integrate-and-fire neuron with a voltage-dependent adaptive threshold.
# J. Platkiewicz and R. Brette (2011), Impact of fast sodium channel
# inactivation on spike threshold dynamics and synaptic integration,
# PLoS Comput. Biol. 7:e1001129: the threshold relaxes with tau_theta to
# theta_inf(V) = V_T + k_a*log(1 + exp((V - V_i)/k_i)) (their eq. 12,
# sodium inactivation with Boltzmann slope k_i), and a spike raises it by
# delta (the cumulative inactivation, as in their Fig. 8).
from brian2 import *

taum = 10*ms
EL = -70*mV
R = 100*Mohm
Vr = -65*mV
VT = -55*mV
ka = 4*mV
Vi = -63*mV
ki = 6*mV
tau_theta = 5*ms
delta = 3*mV

eqs = '''
dv/dt = (EL - v + R*I)/taum : volt
dtheta/dt = (theta_inf - theta)/tau_theta : volt
theta_inf = VT + ka*log(1 + exp((v - Vi)/ki)) : volt
I : amp
'''

defaultclock.dt = 0.05*ms
G = NeuronGroup(1, eqs, threshold='v > theta', reset='v = Vr; theta += delta',
                method='euler')
G.v = EL
G.theta = 'theta_inf'
G.I = 0.4*nA
run(300*ms)
