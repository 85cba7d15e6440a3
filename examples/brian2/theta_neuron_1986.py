# Ermentrout-Kopell canonical type I neuron (theta neuron).
# G. B. Ermentrout and N. Kopell (1986), Parabolic bursting in an
# excitable system coupled with a slow oscillation, SIAM J. Appl. Math.
# 46:233-253: dtheta/dt = (1 - cos theta) + (1 + cos theta)*I; a spike is
# theta crossing pi, after which theta is taken back by one turn.
from brian2 import *

tau = 10*ms

eqs = '''
dtheta/dt = ((1 - cos(theta)) + (1 + cos(theta))*I)/tau : 1
I : 1
'''

defaultclock.dt = 0.05*ms
G = NeuronGroup(1, eqs, threshold='theta > pi', reset='theta -= 2*pi',
                method='heun')
G.theta = -pi/2
G.I = 0.5
run(500*ms)
