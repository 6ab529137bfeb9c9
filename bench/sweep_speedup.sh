#!/bin/sh
# sweep_speedup.sh — architecture.md §9 benchmark: a 32-point sweep with -j 2 against -j 1.
# Target: speed-up >= 1.8 on 2 cores.  Uses the real `mmsim run` on configs/default.yaml
# when this build has it, else the CPU-bound stand-in tests/data/fake-mmsim-run.sh
# (FAKE_RUN_SPIN), which measures the sweep runner itself.
# usage: bench/sweep_speedup.sh [MMSIM]   (env MMSIM also accepted)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
mmsim=${1:-${MMSIM:-$src/build/sim/cli/mmsim}}
work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-speedup.XXXXXX")
trap 'rm -rf "$work"' EXIT
if "$mmsim" run --help > /dev/null 2>&1 && [ -f "$src/configs/default.yaml" ]; then
	what="real mmsim run (configs/default.yaml + workloads/churn.yaml, 1.5 GiB)"
	base=$src/configs/default.yaml
	# 32 units: 4 CMA modes x 8 repeats of the churn generator (~2 s each)
	fixed="set:
  workload.generator: $src/workloads/churn.yaml
  machine.zones.dma32: 1GiB
  machine.zones.normal: 512MiB
  policy.cma.regions.0.size: 64MiB
  policy.cma.regions.0.base: 1280MiB"
	matrix="  policy.cma.mode: [none, migrate_cma, sticky_movable, zone_cma]"
	repeat=8
else
	what="CPU-bound stand-in (FAKE_RUN_SPIN=${FAKE_RUN_SPIN:=3000000})"
	export MMSIM_RUN_CMD="$src/tests/data/fake-mmsim-run.sh" FAKE_RUN_SPIN
	base=/dev/null
	fixed=
	matrix="  a: [1, 2, 3, 4, 5, 6, 7, 8]
  b: [1, 2, 3, 4]"
	repeat=1
fi
cat > "$work/plan.yaml" <<PLAN
base: $base
$fixed
matrix:
$matrix
repeat: $repeat
PLAN
[ "$("$mmsim" sweep "$work/plan.yaml" --list | wc -l)" = 32 ] || { echo "plan is not 32 units" >&2; exit 1; }
now() { date +%s.%N; }
# ROUNDS > 1 alternates -j 1 and -j 2 runs and sums them, so a change in outside load
# during the measurement hits both sides alike
rounds=${ROUNDS:-1}
s1=0 s2=0 r=0
while [ $r -lt "$rounds" ]; do
	rm -rf "$work/j1" "$work/j2"
	t0=$(now); "$mmsim" sweep "$work/plan.yaml" -o "$work/j1" -j 1 2> /dev/null
	t1=$(now); "$mmsim" sweep "$work/plan.yaml" -o "$work/j2" -j 2 2> /dev/null
	t2=$(now)
	diff -r "$work/j1" "$work/j2" > /dev/null || { echo "-j1 and -j2 results differ" >&2; exit 1; }
	s1=$(echo "$s1 $t0 $t1" | awk '{ print $1 + $3 - $2 }')
	s2=$(echo "$s2 $t1 $t2" | awk '{ print $1 + $3 - $2 }')
	r=$((r + 1))
done
awk -v s1="$s1" -v s2="$s2" -v what="$what" -v cpus="$(nproc)" -v rounds="$rounds" \
	-v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
	printf "sweep of 32 units, %s, %d CPUs online, %d round(s), load average %s\n", what, cpus, rounds, load
	printf "  -j 1: %.2f s\n  -j 2: %.2f s\n  speed-up: %.2fx (target >= 1.8)\n", s1, s2, s1 / s2
	exit !(s1 / s2 >= 1.8)
}'
