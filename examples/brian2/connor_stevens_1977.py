# Connor-Stevens model with the transient A-type K+ current.
# J. A. Connor and C. F. Stevens (1971/1977) and J. A. Connor, D. Walter
# and R. McKown (1977), Neural repetitive firing: modifications of the
# Hodgkin-Huxley axon suggested by experimental results from crustacean
# axons, Biophys. J. 18:81-102; the rate functions and conductances as
# summarized in P. Dayan and L. F. Abbott (2001), Theoretical
# Neuroscience, section 6.2 (g_A = 47.7 mS/cm2, E_L = -17 mV). The A
# current's activation a_inf is a cube root.
from brian2 import *

Cm = 1*uF/cm2
gL = 0.3*mS/cm2
gNa = 120*mS/cm2
gK = 20*mS/cm2
gA = 47.7*mS/cm2
EL = -17*mV
ENa = 55*mV
EK = -72*mV
EA = -75*mV

eqs = '''
dv/dt = (I - gL*(v - EL) - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK)
         - gA*a**3*b*(v - EA))/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
da/dt = (a_inf - a)/tau_a : 1
db/dt = (b_inf - b)/tau_b : 1
alpha_m = 3.8/exprel(-0.1*(v/mV + 29.7))/ms : Hz
beta_m = 15.2*exp(-0.0556*(v/mV + 54.7))/ms : Hz
alpha_h = 0.266*exp(-0.05*(v/mV + 48))/ms : Hz
beta_h = 3.8/(1 + exp(-0.1*(v/mV + 18)))/ms : Hz
alpha_n = 0.2/exprel(-0.1*(v/mV + 45.7))/ms : Hz
beta_n = 0.25*exp(-0.0125*(v/mV + 55.7))/ms : Hz
a_inf = (0.0761*exp(0.0314*(v/mV + 94.22))/(1 + exp(0.0346*(v/mV + 1.17))))**(1/3.) : 1
tau_a = (0.3632 + 1.158/(1 + exp(0.0497*(v/mV + 55.96))))*ms : second
b_inf = (1 + exp(0.0688*(v/mV + 53.3)))**-4 : 1
tau_b = (1.24 + 2.678/(1 + exp(0.0624*(v/mV + 50))))*ms : second
I : amp/meter**2
'''

defaultclock.dt = 0.025*ms
G = NeuronGroup(1, eqs, threshold='v > -20*mV', refractory='v > -20*mV',
                method='rk2')
G.v = -68*mV
G.m = 'alpha_m/(alpha_m + beta_m)'
G.h = 'alpha_h/(alpha_h + beta_h)'
G.n = 'alpha_n/(alpha_n + beta_n)'
G.a = 'a_inf'
G.b = 'b_inf'
G.I = 12*uA/cm2
run(200*ms)
