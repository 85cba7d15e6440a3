#!/usr/bin/env bash
# Generated kernels against their peers (make bench, issue 13 item 5): one
# table of rows (model or network), scc figure, peer, peer figure, ratio,
# target, met, with every peer measured in this run:
# - populations (LIF 1M, Izhikevich 1M, Hodgkin-Huxley 100k, seed LIF 1M):
#   runtime/kernels' generated kernel of the model ("default" variant, best
#   path, over rt.Pool: cmd/scc BenchmarkKernelPop) against Brian2 cython
#   and cpp_standalone on the same equations, dt, size and input
#   distribution (scripts/brian2/models.py);
# - networks (CUBA 4,000; Brunel at order 2,500, 12,500 neurons, when the
#   memory allows): the runtime engine (BenchmarkKernelNet; the interpreter
#   when the engine does not take the net, labelled) against Brian2 on the
#   same instance (scc net export + scripts/brian2/netpeer.py), and the
#   golden model against Verilator on CUBA's emitted folded RTL
#   (scripts/bench-netrtl.sh);
# - SC AND+popcount over a 784x128 layer of 1024-bit streams, one core
#   (runtime BenchmarkDenseCounts), against the plain Go loop.
# Brian2's figures are marginal costs from two run lengths (build and
# set-up excluded). Prints the CPU features the kernels use and the build.
# Needs Debian python3-brian (/usr/bin/python3) and verilator.
# BENCH_KERNELS_QUICK=1: short runs (checks this script; numbers meaningless).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
GO=${GO:-go}
if ! "$PY" -c 'import brian2' 2>/dev/null; then
  echo "bench-kernels: $PY cannot import brian2 (install Debian python3-brian)" >&2
  exit 1
fi
exp=""
if GOEXPERIMENT=simd "$GO" vet ./runtime/... >/dev/null 2>&1; then
  exp=simd
fi
build="GOEXPERIMENT=${exp:-none} (go vet ./runtime/... under GOEXPERIMENT=simd $([ -n "$exp" ] && echo passes || echo fails)), $($GO env GOARCH), GOMAXPROCS $(getconf _NPROCESSORS_ONLN)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
quick=()
benchtime=${BENCH_KERNELS_TIME:-2s}
steps=${BENCH_RTL_STEPS:-800}   # Verilator: ~600 steps/s on CUBA folded, so >= 1 s
if [ "${BENCH_KERNELS_QUICK:-}" = 1 ]; then quick=(--quick); benchtime=3x; steps=30; fi
echo "bench-kernels: $build" >&2
GOEXPERIMENT=$exp "$GO" build -o "$tmp/scc" ./cmd/scc
# scc's figures: the generated kernels and the runtime engine (cmd/scc), the
# SC layer (runtime), in one go test run each.
GOEXPERIMENT=$exp "$GO" test -run '^$' -bench 'KernelPop|KernelNet' -benchtime "$benchtime" -timeout 0 ./cmd/scc >"$tmp/go.txt" 2>&1 || { cat "$tmp/go.txt" >&2; exit 1; }
GOEXPERIMENT=$exp "$GO" test -run '^$' -bench 'DenseCounts/784x128x1024/([a-z0-9]+-1core|go)$' -benchtime "$benchtime" ./runtime >>"$tmp/go.txt" 2>&1 || { cat "$tmp/go.txt" >&2; exit 1; }
grep -E '^(Benchmark|kernel-)' "$tmp/go.txt" >&2
# Verilator on CUBA's folded RTL (its build excluded from its rate).
GO="$GO" BENCH_RTL_STEPS=$steps BENCH_RTL_NETS=cuba.snn:folded:1 bash scripts/bench-netrtl.sh >"$tmp/netrtl.txt" 2>&1 || { cat "$tmp/netrtl.txt" >&2; exit 1; }
# Brian2's exports and builds (Brunel: ~1 GB) go under $tmp, removed on exit.
TMPDIR="$tmp" "$PY" scripts/brian2/bench_kernels.py --gobench "$tmp/go.txt" --netrtl "$tmp/netrtl.txt" --scc "$tmp/scc" \
  --build "$build" "${quick[@]}"
