# Adaptive exponential integrate-and-fire neuron.
# R. Brette and W. Gerstner (2005), Adaptive exponential integrate-and-fire
# model as an effective description of neuronal activity, J. Neurophysiol.
# 94:3637-3642. Parameters of the paper's Table 1 (the regular-spiking
# pyramidal cell fitted to the detailed model); the spike is cut at
# VT + 5*DeltaT and reset to EL, w jumps by b.
from brian2 import *

C = 281*pF
gL = 30*nS
EL = -70.6*mV
VT = -50.4*mV
DeltaT = 2*mV
tauw = 144*ms
a = 4*nS
b = 0.0805*nA
Vr = -70.6*mV
Vcut = VT + 5*DeltaT

eqs = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT)
          + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
"""

defaultclock.dt = 0.02*ms
neuron = NeuronGroup(1, model=eqs, threshold='vm > Vcut',
                     reset='vm = Vr; w += b', method='euler')
neuron.vm = EL
neuron.I = 1*nA
spikes = SpikeMonitor(neuron)
run(500*ms)
