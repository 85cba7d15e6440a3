# LIF neuron with a sinusoidally modulated input current.
# B. W. Knight (1972), Dynamics of encoding in a population of neurons,
# J. Gen. Physiol. 59:734-766: the integrate-and-fire encoder driven by
# I0 + I1*sin(2*pi*f*t); the firing phase-locks to the modulation.
from brian2 import *

tau = 20*ms
R = 50*Mohm
EL = -65*mV
Vth = -50*mV
Vreset = -65*mV
I1 = 0.1*nA
f = 10*Hz

eqs = '''
dv/dt = (EL - v + R*(I0 + I1*sin(2*pi*f*t)))/tau : volt
I0 : amp
'''

defaultclock.dt = 0.05*ms
G = NeuronGroup(1, eqs, threshold='v > Vth', reset='v = Vreset',
                method='rk2')
G.v = EL
G.I0 = 0.35*nA
run(500*ms)
