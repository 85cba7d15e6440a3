# Ventral cochlear nucleus stellate cell, type I-c (tonic firing).
# J. S. Rothman and P. B. Manis (2003), The roles potassium currents play
# in regulating the electrical activity of ventral cochlear nucleus
# neurons, J. Neurophysiol. 89:3097-3113, Tables 1-2 (22 degC, whole-cell
# conductances of the type I-c model: g_Na = 1000 nS, g_KHT = 150 nS,
# g_KLT = 0, g_h = 0.5 nS, g_lk = 2 nS, C = 12 pF; phi = 0.85 of the
# high-threshold K+ current in its n^2 part).
from brian2 import *

C = 12*pF
EH = -43*mV
EK = -70*mV
ENa = 50*mV
EL = -65*mV
gnabar = 1000*nS
gkhtbar = 150*nS
gkltbar = 0*nS
ghbar = 0.5*nS
gl = 2*nS
zss = 0.5
nf = 0.85

eqs = '''
dv/dt = (IL + INa + IKHT + IKLT + Ih + I)/C : volt
IL = gl*(EL - v) : amp
INa = gnabar*m**3*h*(ENa - v) : amp
IKHT = gkhtbar*(nf*n**2 + (1 - nf)*p)*(EK - v) : amp
IKLT = gkltbar*w**4*z*(EK - v) : amp
Ih = ghbar*r*(EH - v) : amp
dm/dt = (minf - m)/mtau : 1
dh/dt = (hinf - h)/htau : 1
minf = 1/(1 + exp(-(v + 38*mV)/(7*mV))) : 1
hinf = 1/(1 + exp((v + 65*mV)/(6*mV))) : 1
mtau = (10/(5*exp((v + 60*mV)/(18*mV)) + 36*exp(-(v + 60*mV)/(25*mV))) + 0.04)*ms : second
htau = (100/(7*exp((v + 60*mV)/(11*mV)) + 10*exp(-(v + 60*mV)/(25*mV))) + 0.6)*ms : second
dn/dt = (ninf - n)/ntau : 1
dp/dt = (pinf - p)/ptau : 1
ninf = (1 + exp(-(v + 15*mV)/(5*mV)))**-0.5 : 1
pinf = 1/(1 + exp(-(v + 23*mV)/(6*mV))) : 1
ntau = (100/(11*exp((v + 60*mV)/(24*mV)) + 21*exp(-(v + 60*mV)/(23*mV))) + 0.7)*ms : second
ptau = (100/(4*exp((v + 60*mV)/(32*mV)) + 5*exp(-(v + 60*mV)/(22*mV))) + 5)*ms : second
dw/dt = (winf - w)/wtau : 1
dz/dt = (zinf - z)/ztau : 1
winf = (1 + exp(-(v + 48*mV)/(6*mV)))**-0.25 : 1
zinf = zss + (1 - zss)/(1 + exp((v + 71*mV)/(10*mV))) : 1
wtau = (100/(6*exp((v + 60*mV)/(6*mV)) + 16*exp(-(v + 60*mV)/(45*mV))) + 1.5)*ms : second
ztau = (1000/(exp((v + 60*mV)/(20*mV)) + exp(-(v + 60*mV)/(8*mV))) + 50)*ms : second
dr/dt = (rinf - r)/rtau : 1
rinf = 1/(1 + exp((v + 76*mV)/(7*mV))) : 1
rtau = (1e5/(237*exp((v + 60*mV)/(12*mV)) + 17*exp(-(v + 60*mV)/(14*mV))) + 25)*ms : second
I : amp
'''

defaultclock.dt = 0.025*ms
cell = NeuronGroup(1, eqs, threshold='v > -20*mV', refractory='v > -20*mV',
                   method='exponential_euler')
cell.v = EL
cell.m = 'minf'
cell.h = 'hinf'
cell.n = 'ninf'
cell.p = 'pinf'
cell.w = 'winf'
cell.z = 'zinf'
cell.r = 'rinf'
cell.I = 60*pA
run(200*ms)
