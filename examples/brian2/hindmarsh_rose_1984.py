# Hindmarsh-Rose bursting neuron (dimensionless; one time unit = 1 ms).
# J. L. Hindmarsh and R. M. Rose (1984), A model of neuronal bursting using
# three coupled first order differential equations, Proc. R. Soc. Lond. B
# 221:87-102 (a = 1, b = 3, c = 1, d = 5, s = 4, x_R = -8/5; the slow
# adaptation rate r and the drive I set the burst rhythm).
from brian2 import *

a = 1
b = 3
c = 1
d = 5
r = 0.005
s = 4
xR = -8/5
tau = 1*ms

eqs = '''
dx/dt = (y - a*x**3 + b*x**2 - z + I)/tau : 1
dy/dt = (c - d*x**2 - y)/tau : 1
dz/dt = r*(s*(x - xR) - z)/tau : 1
I : 1
'''

defaultclock.dt = 0.02*ms
G = NeuronGroup(1, eqs, threshold='x > 1', refractory='x > 1',
                method='rk4')
G.x = xR
G.y = 'c - d*x**2'
G.z = 0
G.I = 2
run(500*ms)
