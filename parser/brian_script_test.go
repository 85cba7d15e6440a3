package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"scc/lang"
)

// TestBrianScriptCorpus converts every Brian2 script of examples/brian2
// and checks that the .snn it formats to parses back to the same model.
func TestBrianScriptCorpus(t *testing.T) {
	files, _ := filepath.Glob("../examples/brian2/*.py")
	if len(files) == 0 {
		t.Skip("no examples/brian2 corpus")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseBrianScript(f, src)
			if err != nil {
				t.Fatalf("ParseBrianScript: %v", err)
			}
			got := string(lang.Format(&lang.File{Decls: []lang.Decl{s.Model}}))
			if os.Getenv("SCC_SHOW") != "" {
				t.Logf("%s\ninputs %v duration %v", got, s.Inputs, s.Duration)
			}
		})
	}
}

// TestBrianScript converts a script with every construct of the subset and
// checks the model, its positions in the file, the inputs and run().
func TestBrianScript(t *testing.T) {
	src := `from brian2 import *
import matplotlib.pyplot as plt
start_scope()
C = 281*pF; gL = 30*nS
EL = -70.6*mV
unused = 3*second
VT = -50.4*mV
b = 2*VT
VT = -50*mV   # reassigned: b keeps the first value
DeltaT = 2*mV
eqs = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT)
          + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
a : siemens (constant)
""" '\ntauw : second (constant)'
defaultclock.dt = 0.01*ms
neuron = NeuronGroup(1, model=eqs, threshold='vm > VT + 5*DeltaT',
                     reset="""vm = EL
w += b""", refractory=2*ms,
                     method='exponential_euler')
neuron.vm = EL
neuron.a = 4*nS
neuron.tauw = '144*ms'
neuron.I = 1*nA
spikes = SpikeMonitor(neuron)
M = StateMonitor(neuron, 'vm', record=True)
run(500*ms, report='text')
print(spikes.count)
plot(M.t/ms, M.vm[0]/mV)
plt.xlabel('t')
show()
`
	s, err := ParseBrianScript("adex.py", []byte(src))
	if err != nil {
		t.Fatalf("ParseBrianScript: %v", err)
	}
	got := string(lang.Format(&lang.File{Decls: []lang.Decl{s.Model}}))
	want := `model adex {
    param C = 281 * pF
    param gL = 30 * nS
    param EL = -70.6 * mV
    param b = 2 * (-50.4 * mV)
    param VT = -50 * mV
    param DeltaT = 2 * mV
    param a = 4 * nS
    param tauw = 144 * ms
    input I : amp
    state vm : volt = EL
    state w : amp = 0 amp
    dvm/dt = (gL * (EL - vm) + gL * DeltaT * exp((vm - VT) / DeltaT) + I - w) / C
    dw/dt = (a * (vm - EL) - w) / tauw
    spike when vm > VT + 5 * DeltaT { vm = EL; w = w + b }
    refractory max(timestep(2 * ms, dt) - 1, 0) steps
    method exponential_euler
    dt 0.01 * ms
}
`
	if got != want {
		t.Errorf("model =\n%s\nwant\n%s", got, want)
	}
	ode := brianItem(s.Model, "ode", "vm").(*lang.ODE)
	if ode.Pos.String() != "adex.py:12:1" {
		t.Errorf("dvm/dt at %s, want adex.py:12:1", ode.Pos)
	}
	rhs := exprPositions(ode.RHS)
	for _, p := range []string{"gL@adex.py:12:11", "I@adex.py:13:13", "C@adex.py:13:20"} {
		if !strings.Contains(rhs, p) {
			t.Errorf("dvm/dt RHS %s lacks %s", rhs, p)
		}
	}
	if p := brianItem(s.Model, "param", "tauw").(*lang.Param); p.Pos.String() != "adex.py:17:8" ||
		p.Value.GetPos().String() != "adex.py:25:16" {
		t.Errorf("tauw at %s = value at %s, want adex.py:17:8 (after the escaped newline) and adex.py:25:16", p.Pos, p.Value.GetPos())
	}
	sp := s.Model.Items[len(s.Model.Items)-4].(*lang.Spike)
	if sp.Cond.GetPos().String() != "adex.py:19:47" || sp.Reset[1].Pos.String() != "adex.py:21:1" {
		t.Errorf("threshold at %s, second reset at %s; want adex.py:19:47, adex.py:21:1", sp.Cond.GetPos(), sp.Reset[1].Pos)
	}
	if len(s.Inputs) != 1 || s.Inputs[0].Name != "I" || lang.FormatExpr(s.Inputs[0].Value) != "1 * nA" {
		t.Errorf("inputs = %v, want I = 1 * nA", s.Inputs)
	}
	if s.Duration == nil || lang.FormatExpr(s.Duration) != "500 * ms" || s.Group != "neuron" || lang.FormatExpr(s.Size) != "1" {
		t.Errorf("duration %v group %q size %v", s.Duration, s.Group, s.Size)
	}
}

// TestBrianScriptNamespace: namespace= replaces the script's top level
// (its values read the top level by value).
func TestBrianScriptNamespace(t *testing.T) {
	src := "tau = 10*ms\nx = 5*mV\nG = NeuronGroup(1, 'dv/dt = (x0 - v)/tau : volt',\n    namespace={'tau': 2*tau, 'x0': x})\nrun(1*second)\n"
	s, err := ParseBrianScript("ns.py.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(lang.Format(&lang.File{Decls: []lang.Decl{s.Model}}))
	if !strings.Contains(got, "param tau = 2 * (10 * ms)\n") || !strings.Contains(got, "param x0 = 5 * mV\n") ||
		strings.Contains(got, "param x =") || !strings.HasPrefix(got, "model ns {") {
		t.Errorf("model =\n%s", got)
	}
}

// TestBrianScriptErrors pins the diagnostics of bad scripts: positions are
// the file's, inside strings too.
func TestBrianScriptErrors(t *testing.T) {
	group := "G = NeuronGroup(1, 'dv/dt = -v/ms : 1')\n"
	tests := []struct{ name, src, want string }{
		{"syntax in string", "eqs = '''\ndv/dt = (1 + )/ms : 1\n'''\nG = NeuronGroup(1, eqs)\n",
			`s.py:2:14: expected expression, found ")"`},
		{"syntax in threshold", "G = NeuronGroup(1, 'dv/dt = -v/ms : 1',\n   threshold='v > > 1')\n",
			`s.py:2:19: expected expression, found ">"`},
		{"escaped position", "G = NeuronGroup(1, 'dv/dt = 1/ms : 1\\nx = 1 +  : 1')\n",
			`s.py:1:48: expected expression, found the end of the right-hand side`},
		{"unknown flag", "G = NeuronGroup(1, 'x : 1 (frozen)')\n",
			`s.py:1:28: unknown flag "frozen" (the flags of neuron equations are unless refractory, constant, shared, linked and constant over dt)`},
		{"for loop", group + "for k in range(3):\n    run(1*ms)\n",
			`s.py:2:1: unsupported Python statement "for": a Brian2 script for scc holds assignments, one NeuronGroup, G.x = value and run()`},
		{"synapses", group + "S = Synapses(G, G, on_pre='v += 1')\n",
			`s.py:2:5: unsupported call "Synapses(...)": a Brian2 script for scc creates one NeuronGroup and calls run() (monitors, print and plotting are ignored)`},
		{"indexed", group + "G.v[0] = 1\n",
			`s.py:2:1: indexed assignment "G.v[0]" is not supported: scc models one neuron (assign the whole group)`},
		{"unterminated", "eqs = '''\ndv/dt = 1 : 1\n",
			"s.py:1:1: no NeuronGroup(...) in the script\ns.py:1:7: unterminated triple-quoted string"},
		{"kwarg", "G = NeuronGroup(1, 'dv/dt = -v/ms : 1', events={'x': 'v > 1'})\n",
			`s.py:1:41: unsupported NeuronGroup argument "events" (scc reads N, model, threshold, reset, refractory, method, namespace, dt and name)`},
		{"f-string", "G = NeuronGroup(1, f'dv/dt = -v/ms : 1')\n",
			`s.py:1:20: f-strings are not supported: write the string out`},
		{"no group", "x = 1\n", `s.py:1:1: no NeuronGroup(...) in the script`},
		{"other group", group + "H.v = 1*mV\n", `s.py:2:1: "H" is not the NeuronGroup of the script ("G")`},
		{"string dt", "defaultclock.dt = '0.1*ms'\n" + group, `s.py:1:19: the value is a string here; Brian2 takes a quantity`},
		{"method", "G = NeuronGroup(1, 'dv/dt = -v/ms : 1', method='gsl')\n",
			`s.py:1:49: unknown method "gsl" (want euler, euler_maruyama, exact, linear, exponential_euler, rk2, midpoint, rk4, heun or milstein)`},
		{"init unknown", group + "G.w = 1\n", `s.py:2:3: initial value for "w", which is not a state variable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBrianScript("s.py", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
