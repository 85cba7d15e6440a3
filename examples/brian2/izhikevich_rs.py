# Izhikevich simple model, regular spiking (RS) cortical cell.
# E. M. Izhikevich (2003), Simple model of spiking neurons, IEEE Trans.
# Neural Netw. 14:1569-1572 (a = 0.02, b = 0.2, c = -65 mV, d = 8;
# spike cutoff at 30 mV; u starts at b*v).
from brian2 import *

a = 0.02/ms
b = 0.2/ms
c = -65*mV
d = 8*mV/ms

eqs = '''
dv/dt = (0.04/ms/mV)*v**2 + (5/ms)*v + 140*mV/ms - u + I : volt
du/dt = a*(b*v - u) : volt/second
I : volt/second
'''

defaultclock.dt = 0.1*ms
G = NeuronGroup(1, eqs, threshold='v >= 30*mV', reset='v = c; u += d',
                method='euler')
G.v = -65*mV
G.u = 'b*v'
G.I = 10*mV/ms
run(500*ms)
