# scc — see README.md. Every target works on a fresh Debian machine with Go
# once .ci/run's apt line has installed the EDA tools.

GO      ?= go
BIN     := bin/scc
# Fuzz budgets are execution counts (about 8 s each on two cores): a
# duration -fuzztime races Go 1.26's fuzz coordinator at the deadline and
# fails with a bare 'context deadline exceeded' and no crasher
# (golang/go#75804, fixed in Go 1.27). FUZZX scales every count.
FUZZX   ?= 1

.PHONY: all build demo test lint fuzz kernels-full bench bench-detail bench-formal prove-tables synth-report clean

all: build

# The vector paths of runtime/ and runtime/kernels exist only in a
# GOEXPERIMENT=simd build (Go 1.26, amd64); without it scc runs the
# portable kernels, bit for bit the same.
SIMD     = $(shell GOEXPERIMENT=simd $(GO) vet ./runtime/kernels >/dev/null 2>&1 && echo simd)

build:
	GOEXPERIMENT=$(SIMD) $(GO) build -o $(BIN) ./cmd/scc

# Compile the bundled LIF example to SystemVerilog and co-simulate it
# against the bit-true golden model under Icarus Verilog.
demo: build
	@mkdir -p build
	$(BIN) examples/lif.snn -o build/lif.sv
	@head -n 3 build/lif.sv
	$(BIN) sim examples/lif.snn --steps 2000 --input const:I=20
	$(BIN) cosim examples/lif.snn --sim iverilog --steps 10000 --seed 1

# Every test: format and vet checks, the unit and end-to-end tests (real
# iverilog, verilator, yosys, z3, mlir-opt-16), then short fuzzing runs.
# Budget: 10 minutes on two cores. Each test binary shares its simulator
# builds (testbenches.BuildCache) and runs independent simulator jobs in
# parallel; pure duration runs belong in bench and bench-formal. Verilator
# compiles model code at -O0 here (testbenches.OptFastEnv): the runs are
# short, and compiling dominates them.
test: lint
	SCC_VERILATOR_OPT_FAST=-O0 $(GO) test -count=1 -timeout 60m ./...
	GOEXPERIMENT=simd $(GO) test -count=1 ./runtime/...
	$(MAKE) fuzz

lint:
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt_out" ]; then echo "gofmt needed:"; echo "$$fmt_out"; exit 1; fi
	$(GO) vet ./...

# Brief fuzzing of the front end (network grammar included), the compiler,
# the NIR reader and writer,
# the IR text form (networks included), the data-file readers and the
# fixed-point arithmetic (crashers land in testdata/fuzz/ and fail `go test`).
fuzz:
	@for t in parser:FuzzParse:10000 ir:FuzzParse:120000 fixed:FuzzCast:350000 passes:FuzzPipeline:20000 irgen:FuzzCSV:110000 nir:FuzzRead:6000 nir:FuzzWriteHDF5:20000 cmd/scc:FuzzCompile:900; do \
	  pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; n=$$(( $${rest##*:} * $(FUZZX) )); \
	  if grep -qs "func $$fn(" $$pkg/*_test.go; then \
	    echo "fuzz ./$$pkg $$fn ($${n}x)"; \
	    $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $${n}x -fuzzminimizetime 10x ./$$pkg || exit 1; \
	  fi; \
	done

# One table (scripts/bench-kernels.sh, ~10 minutes on two cores): the
# generated kernels (LIF, Izhikevich, HH, seed LIF populations), the runtime
# engine (CUBA, Brunel at order 2,500) and the SC layer, each against its
# peer measured in the same run: Brian2 cython and cpp_standalone on the
# same model or instance, Verilator on CUBA's RTL, the plain Go loop; with
# the targets met or missed and the CPU features used.
bench:
	bash scripts/bench-kernels.sh

# The per-area tables behind it: runtime kernels against plain-Go baselines
# (scripts/bench.sh), compile time per model and golden-model steps per
# second, the network golden model against Brian2 (scripts/bench-net.sh)
# and the network RTL under Verilator against the golden model
# (scripts/bench-netrtl.sh).
bench-detail:
	bash scripts/bench.sh
	$(GO) test -run '^$$' -bench . -skip 'Kernel(Pop|Net)' -benchtime 2s ./cmd/scc
	bash scripts/bench-net.sh
	bash scripts/bench-netrtl.sh

# Every generated kernel against the bit-true interpreter for 10,000 steps
# on 4,136 neurons, on every path the CPU runs (minutes: make test runs the
# same comparison for 1,000 steps).
kernels-full:
	SCC_KERNELS_FULL=1 GOEXPERIMENT=$(SIMD) $(GO) test -count=1 -run 'TestKernelsMatchInterpreter' -timeout 0 ./backend/fixedpoint

# Proof time per model (yosys + yosys-smtbmc + z3), with properties proven
# and bounded as metrics. The models TestModelsProve proves; the table-heavy
# 32-bit conductance models take minutes each: FORMAL_MODELS=. for all.
FORMAL_MODELS ?= (lif|qif|izhikevich|fitzhugh_nagumo|hindmarsh_rose|seed_lif|coba_lif|delta_lif|brunel_lif|cuba_lif|coba_exp_lif)$$
bench-formal:
	$(GO) test -run '^$$' -bench 'Prove/$(FORMAL_MODELS)' -benchtime 1x -timeout 0 ./formal

# The proof of the table models (ExpIF: dprove over its ROMs as logic,
# minutes), which TestModelsProve leaves out of `make test` because its
# verdict there would depend on the machine's load (formal/prove_test.go).
prove-tables:
	SCC_FORMAL_TABLES=1 $(GO) test -count=1 -run 'TestModelsProve' -v -timeout 0 ./formal

# Synthesis report (long: minutes to hours): the hdl/ library per module
# (scripts/synth-report.sh), then the example networks with scc build
# --report (yosys; the architecture, the device table, cycles per step and
# real-time factor at 100 MHz): CUBA folded on an xc7a100t, the classifier
# on an xc7a35t, Brunel (order 250, the file's size) on an xc7a100t, NIR's
# 784-128-10 fixture (../shared/nir-fixtures, 14-bit words) on an xc7a35t, each
# synthesized even when the estimate says it does not fit (an explicit
# --arch with --report). Every network is reported; the target fails if
# one does not build or its synthesized size does not fit.
SYNTH_NETS ?= cuba.snn,--arch=folded:1,--target=xc7a100t classifier.snn,--arch=folded:1,--target=xc7a35t brunel.snn,--target=xc7a100t \
	../../shared/nir-fixtures/ffn_784_128_10.nir,--arch=folded:1,--target=xc7a35t,--format=auto:14
synth-report: build
	bash scripts/synth-report.sh
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; status=0; \
	for spec in $(SYNTH_NETS); do \
		f=$${spec%%,*}; flags=$$(echo "$$spec" | cut -s -d, -f2- | tr , ' '); \
		echo; echo "== examples/$$f $$flags --report"; \
		if $(BIN) build "examples/$$f" $$flags --report -o "$$tmp/out.sv" >"$$tmp/log" 2>&1; then :; else status=1; fi; \
		sed -e '/: warning: /d' -e '/^\t/d' "$$tmp/log"; \
	done; exit $$status

clean:
	rm -rf bin build
