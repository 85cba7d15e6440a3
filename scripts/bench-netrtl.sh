#!/usr/bin/env bash
# Network RTL against the golden model (make bench): for each benchmark
# network, the folded RTL co-simulated under Verilator (scc cosim: every
# step compared with the golden model, so this is also a full-size
# bit-exactness run) and the golden model alone (scc sim, bit-true), both
# timed in this run; one table of steps/s with the ratio golden/Verilator,
# then cycles per step as scc cosim measured them. The synthesized sizes
# (BRAM, LUT, real-time factor) come from `make synth-report`.
# BENCH_RTL_STEPS (default 300) sets the co-simulated steps, BENCH_RTL_NETS
# the list of file:arch pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${BENCH_RTL_STEPS:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${GO:-go} build -o "$tmp/scc" ./cmd/scc
flags=$(grep -o -w -E 'avx512f|avx2|avx512bw|avx512vl' /proc/cpuinfo | sort -u | tr '\n' ' ' || true)
echo "bench-netrtl: CPU features: ${flags:-none}; $(nproc) cores; $steps steps"
now() { date +%s.%N; }
printf '%-12s %-10s %12s %12s %8s  %s\n' network arch "rtl steps/s" "sim steps/s" ratio "cycles/step (min/mean/max)"
for spec in ${BENCH_RTL_NETS:-cuba.snn:folded:1 brunel.snn:folded:1 classifier.snn:folded:1 synfire.snn:parallel}; do
  f=${spec%%:*}; arch=${spec#*:}
  t0=$(now)
  if ! "$tmp/scc" cosim "examples/$f" --arch "$arch" --sim verilator --steps "$steps" --seed 1 >"$tmp/cosim.txt" 2>"$tmp/cosim.err"; then
    echo "bench-netrtl: scc cosim examples/$f --arch $arch failed:" >&2
    tail -20 "$tmp/cosim.txt" "$tmp/cosim.err" >&2
    exit 1
  fi
  t1=$(now)
  # The simulator's own rate (build excluded) as scc cosim prints it.
  rtl=$(grep -o -E '[0-9.]+ steps/s' "$tmp/cosim.txt" | tail -1 | cut -d' ' -f1)
  cyc=$(grep -o -E 'cycles/step [^ ]+' "$tmp/cosim.txt" | head -1 | cut -d' ' -f2)
  simsteps=$((steps * 20))
  t2=$(now)
  "$tmp/scc" sim "examples/$f" --steps "$simsteps" >/dev/null 2>&1
  t3=$(now)
  "$tmp/scc" sim "examples/$f" --steps 1 >/dev/null 2>&1
  t4=$(now)
  # Marginal golden-model rate: (long run - 1-step run) excludes compile time.
  simrate=$(echo "$simsteps $t2 $t3 $t4" | awk '{d=($3-$2)-($4-$3); if (d<=0) d=1e-9; printf "%.0f", ($1-1)/d}')
  ratio=$(echo "$simrate ${rtl:-0}" | awk '{ if ($2>0) printf "%.1f", $1/$2; else print "n/a"}')
  printf '%-12s %-10s %12s %12s %8s  %s   (cosim wall %.0f s)\n' "${f%.snn}" "$arch" "${rtl:-n/a}" "$simrate" "$ratio" "${cyc:-n/a}" "$(echo "$t1 $t0" | awk '{print $1-$2}')"
done
