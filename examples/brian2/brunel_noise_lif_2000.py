# LIF neuron driven by Gaussian white noise (the diffusion approximation).
# N. Brunel (2000), Dynamics of sparsely connected networks of excitatory
# and inhibitory spiking neurons, J. Comput. Neurosci. 8:183-208: a
# neuron of the network receives mean input mu and fluctuations sigma,
# tau dV/dt = -V + mu + sigma*sqrt(tau)*eta(t) (tau = 20 ms, theta = 20 mV,
# V_r = 10 mV, tau_rp = 2 ms); here mu is below threshold, so firing is
# driven by the noise alone.
from brian2 import *

tau = 20*ms
theta = 20*mV
Vr = 10*mV
sigma = 5*mV

eqs = '''
dV/dt = (mu - V)/tau + sigma*(2/tau)**.5*xi : volt (unless refractory)
mu : volt
'''

defaultclock.dt = 0.1*ms
G = NeuronGroup(1, eqs, threshold='V > theta', reset='V = Vr', refractory=2*ms,
                method='euler')
G.V = Vr
G.mu = 18*mV
run(500*ms)
