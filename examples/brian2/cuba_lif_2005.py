# Current-based LIF neuron of the CUBA benchmark network, driven alone.
# T. P. Vogels and L. F. Abbott (2005), Signal propagation and logic
# gating in networks of integrate-and-fire neurons, J. Neurosci.
# 25:10786-10795 (tau_m = 20 ms, V_th = -50 mV, V_reset = -60 mV, 5 ms
# refractory; synaptic currents decaying with 5 and 10 ms), as in
# R. Brette et al. (2007), J. Comput. Neurosci. 23:349-398, benchmark 2.
# Without synapses ge and gi stay 0; the resting level El above threshold
# drives the neuron.
from brian2 import *

taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV

eqs = '''
dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
El : volt (constant)
'''

G = NeuronGroup(1, eqs, threshold='v > Vt', reset='v = Vr', refractory=5*ms,
                method='exact')
G.v = 'Vr + 0.25*(Vt - Vr)'
G.El = -49*mV
run(500*ms)
