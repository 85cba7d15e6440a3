package parser

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"scc/lang"
)

// TestParseBrian converts Brian2 models and checks the canonical .snn they
// format to, and that this text parses back to the same model (so
// `scc eq --emit snn` output is valid input).
func TestParseBrian(t *testing.T) {
	tests := []struct {
		name string
		opt  BrianOptions
		want string
	}{
		{
			name: "lif",
			opt: BrianOptions{
				Equations:  []string{"dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)", "I : volt"},
				Params:     []string{"tau=20ms", "v_rest=-65mV", "R=1"},
				Threshold:  "v > -50*mV",
				Reset:      "v = -65*mV",
				Refractory: "2ms",
				Dt:         "0.1ms",
			},
			want: `model Eq {
    param tau = 20 ms
    param v_rest = -65 mV
    param R = 1
    input I : volt
    state v : volt = 0 volt
    dv/dt = (v_rest - v + R * I) / tau (unless refractory)
    spike when v > -50 * mV { v = -65 * mV }
    refractory max(timestep(2 ms, dt) - 1, 0) steps
    dt 0.1 ms
}
`,
		},
		{
			name: "adex",
			opt: BrianOptions{
				Name: "AdEx",
				Equations: []string{`
dv/dt = (g_L*(E_L - v) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I)/C : volt  # membrane
dw/dt = (a*(v - E_L) - w)/tau_w : amp
I : amp`},
				Params: []string{"C=281*pF", "g_L=30*nS", "E_L=-70.6*mV", "V_T=-50.4*mV",
					"Delta_T=2*mV", "tau_w=144*ms", "a=4*nS"},
				Init:      []string{"v=-70.6*mV"},
				Threshold: "v > V_T + 5*Delta_T",
				Reset:     "v = E_L; w += 0.0805*nA",
				Method:    "rk4",
			},
			want: `model AdEx {
    param C = 281 * pF
    param g_L = 30 * nS
    param E_L = -70.6 * mV
    param V_T = -50.4 * mV
    param Delta_T = 2 * mV
    param tau_w = 144 * ms
    param a = 4 * nS
    input I : amp
    state v : volt = -70.6 * mV
    state w : amp = 0 amp
    dv/dt = (g_L * (E_L - v) + g_L * Delta_T * exp((v - V_T) / Delta_T) - w + I) / C
    dw/dt = (a * (v - E_L) - w) / tau_w
    spike when v > V_T + 5 * Delta_T { v = E_L; w = w + 0.0805 * nA }
    method rk4
}
`,
		},
		{
			name: "izhikevich",
			opt: BrianOptions{
				Name: "Izh",
				Equations: []string{"dv/dt = (0.04/ms/mV)*v**2 + (5/ms)*v + 140*mV/ms - u + I : volt",
					"du/dt = a*(b*v - u) : volt/second", "I : volt/second"},
				Params:    []string{"a=0.02/ms", "b=0.2/ms"},
				Threshold: "v >= 30*mV",
				Reset:     "v = -65*mV\nu += 8*mV/ms",
				Dt:        "0.5*ms",
				Method:    "euler",
			},
			want: `model Izh {
    param a = 0.02 / ms
    param b = 0.2 / ms
    input I : volt / second
    state v : volt = 0 volt
    state u : volt / second = 0 * (volt / second)
    dv/dt = 0.04 / ms / mV * v^2 + 5 / ms * v + 140 * mV / ms - u + I
    du/dt = a * (b * v - u)
    spike when v >= 30 * mV { v = -65 * mV; u = u + 8 * mV / ms }
    method euler
    dt 0.5 * ms
}
`,
		},
		{
			// The words of network items are contextual keywords: Brian2
			// models that use them as names convert, and the .snn printed
			// parses back to the same model.
			name: "network words",
			opt: BrianOptions{
				Equations: []string{"dv/dt = (source - v)/drive + synapse/ms : volt",
					"dtrace/dt = -trace/drive : volt", "source : volt", "synapse = record*v : volt"},
				Params:    []string{"drive=20ms", "record=0.5", "proj=1*mV"},
				Threshold: "v > proj",
				Reset:     "v = 0*mV; trace += proj",
			},
			want: `model Eq {
    param drive = 20 ms
    param record = 0.5
    param proj = 1 * mV
    input source : volt
    state v : volt = 0 volt
    state trace : volt = 0 volt
    synapse = record * v
    dv/dt = (source - v) / drive + synapse / ms
    dtrace/dt = -trace / drive
    spike when v > proj { v = 0 * mV; trace = trace + proj }
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseBrian(tt.opt)
			if err != nil {
				t.Fatalf("ParseBrian: %v", err)
			}
			got := string(lang.Format(&lang.File{Decls: []lang.Decl{m}}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format(ParseBrian) mismatch (-want +got):\n%s", diff)
			}
			f, err := ParseFile("eq.snn", []byte(got))
			if err != nil {
				t.Fatalf("ParseFile(Format(ParseBrian)) = %v", err)
			}
			if diff := cmp.Diff(lang.Decl(m), f.Decls[0], ignorePos, ignoreBrian); diff != "" {
				t.Errorf("reparsed model differs (-brian +reparsed):\n%s", diff)
			}
		})
	}
}

// TestParseBrianErrors pins positioned diagnostics of bad Brian2 input.
func TestParseBrianErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  BrianOptions
		want string
	}{
		{"constant on ode", BrianOptions{Equations: []string{"dv/dt = -v/tau : volt (constant)", "tau : second (constant)"}},
			`eq:1:24: flag "constant" applies to parameters (x : unit), not to the differential equation of "v"`},
		{"two flags", BrianOptions{Equations: []string{"dv/dt = 1/ms : 1 (unless refractory, shared)"}},
			`eq:1:38: flag "shared" applies to parameters and subexpressions, not to the differential equation of "v"`},
		{"event-driven", BrianOptions{Equations: []string{"dv/dt = 1/ms : 1", "dapre/dt = -apre/taupre : 1 (event-driven)"}},
			`eq:2:30: flag "event-driven" belongs to synaptic equations: scc eq takes the equations of one neuron group (write the plasticity rule as a .snn synapse)`},
		{"unknown flag", BrianOptions{Equations: []string{"x : 1 (unless refractory,\n  frozen)"}},
			`eq:1:8: flag "unless refractory" applies to differential equations, not to the parameter "x"` + "\n" +
				`eq:2:3: unknown flag "frozen" (the flags of neuron equations are unless refractory, constant, shared, linked and constant over dt)`},
		{"synaptic", BrianOptions{Equations: []string{"# comment only\n\nv_post = 1 : volt"}},
			`eq:3:1: unsupported synaptic variable "v_post"`},
		{"bad lhs", BrianOptions{Equations: []string{"dv/dx = 1 : volt"}},
			`eq:1:1: expected dx/dt, x = expr or x : unit, found "dv/dx"`},
		{"rhs syntax", BrianOptions{Equations: []string{"dv/dt = (1 + ) : volt"}},
			`eq:1:14: expected expression, found ")"`},
		{"trailing", BrianOptions{Equations: []string{"x = a b : 1"}},
			`eq:1:7: expected end of expression, found "b"`},
		{"unknown unit", BrianOptions{Equations: []string{"x = 1 : bananas"}},
			`eq:1:9: unknown unit "bananas"`},
		{"reserved", BrianOptions{Equations: []string{"state = 1 : 1"}},
			`eq:1:1: name "state" is a keyword of scc and cannot name a variable`},
		{"duplicate", BrianOptions{Equations: []string{"dv/dt = 1/ms : 1"}, Params: []string{"v=1"}},
			`eq:1:2: "v" is defined twice`},
		{"param", BrianOptions{Params: []string{"tau=20ms", "R 1"}},
			`--param:2:1: expected name=value, found "R 1"`},
		{"threshold", BrianOptions{Threshold: "v > > 1"},
			`--threshold:1:5: expected expression, found ">"`},
		{"reset", BrianOptions{Threshold: "v > 1", Reset: "v = 0; w ++ 1"},
			`--reset:1:8: expected name = expr (or +=, -=, *=, /=), found "w ++ 1"`},
		{"init", BrianOptions{Equations: []string{"x : 1"}, Init: []string{"x=1"}},
			`--init:1:1: "x" is an input (x : unit): give its value with --input, or declare it x : unit (constant)`},
		{"init unknown", BrianOptions{Equations: []string{"x : 1"}, Init: []string{"y=1"}},
			`--init:1:1: initial value for "y", which is not a state variable`},
		{"method", BrianOptions{Method: " gsl"},
			`--method:1:2: unknown method "gsl" (want euler, euler_maruyama, exact, linear, exponential_euler, rk2, midpoint, rk4, heun or milstein)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBrian(tt.opt)
			if err == nil {
				t.Fatalf("ParseBrian = nil error, want %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("ParseBrian error =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// ignoreBrian ignores Brian2's refractory timing, which the .snn Format
// prints in scc's own count (checked end to end by cmd/scc).
var ignoreBrian = cmpopts.IgnoreFields(lang.Refractory{}, "Brian", "Period", "Steps")
