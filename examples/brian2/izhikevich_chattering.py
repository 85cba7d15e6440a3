# Izhikevich simple model, chattering (CH) cell: fast rhythmic bursts.
# E. M. Izhikevich (2003), Simple model of spiking neurons, IEEE Trans.
# Neural Netw. 14:1569-1572, Fig. 2 (a = 0.02, b = 0.2, c = -50 mV,
# d = 2). Dimensionless form, time in ms as in the paper.
from brian2 import *

a = 0.02
b = 0.2
c = -50
d = 2
Iext = 10

eqs = '''
dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms : 1
du/dt = a*(b*v - u)/ms : 1
I : 1
'''

defaultclock.dt = 0.05*ms
G = NeuronGroup(1, eqs, threshold='v >= 30', reset='v = c; u += d',
                method='rk4')
G.v = -65
G.u = 'b*v'
G.I = Iext
run(300*ms)
