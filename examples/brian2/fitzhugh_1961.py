# FitzHugh's BVP (Bonhoeffer-van der Pol) model of nerve excitation.
# R. FitzHugh (1961), Impulses and physiological states in theoretical
# models of nerve membrane, Biophys. J. 1:445-466, eqs. 3 (a = 0.7,
# b = 0.8, c = 3; the stimulus z = -0.4 lies in the oscillatory range).
# Dimensionless; one time unit of the paper is taken as 1 ms.
from brian2 import *

a = 0.7
b = 0.8
c = 3

eqs = '''
dx/dt = c*(y + x - x**3/3 + z)/ms : 1
dy/dt = -(x - a + b*y)/c/ms : 1
z : 1
'''

defaultclock.dt = 0.05*ms
G = NeuronGroup(1, eqs, threshold='x > 1', refractory='x > 1',
                method='rk2')
G.x = -1.2
G.y = 0.6
G.z = -0.4
run(500*ms)
