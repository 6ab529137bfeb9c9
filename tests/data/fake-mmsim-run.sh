#!/bin/sh
# A stand-in for `mmsim run CONFIG -o DIR [--set K=V]... [--seed N]` used by the sweep tests
# (MMSIM_RUN_CMD) so they control timing and failures: it writes a summary.json whose
# figures are a pure function of the sets and the seed.
#   FAKE_RUN_SLEEP  seconds to sleep before writing (default 0)
#   FAKE_RUN_LOG    file to which "start <sets> seed <n>" is appended
#   FAKE_RUN_SPIN   iterations of a CPU-bound loop before writing (for bench/sweep_speedup.sh)
# A set whose value is "boom" makes it fail with exit 78 and a message on stderr.
set -eu
[ "$1" = run ] || { echo "fake-mmsim-run: expected 'run'" >&2; exit 64; }
shift
config=$1; shift
out=; sets=; seed=0
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--set) sets="$sets $2"; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	*) echo "fake-mmsim-run: unknown argument $1" >&2; exit 64 ;;
	esac
done
[ -n "$out" ] || { echo "fake-mmsim-run: no -o" >&2; exit 64; }
[ -n "${FAKE_RUN_LOG:-}" ] && echo "start$sets seed $seed" >> "$FAKE_RUN_LOG"
case "$sets " in *=boom\ *) echo "fake-mmsim-run: $config: bad value 'boom' in$sets" >&2; exit 78 ;; esac
sleep "${FAKE_RUN_SLEEP:-0}"
[ "${FAKE_RUN_SPIN:-0}" -gt 0 ] && awk -v n="$FAKE_RUN_SPIN" 'BEGIN { for (i = 0; i < n; i++) x += i % 7; exit x < 0 }'
mkdir -p "$out"
# level: a function of the sets only; noise: of the seed only (seeds are < 2^53, exact in awk)
level=$(printf '%s' "$sets" | cksum | cut -d' ' -f1)
awk -v level="$level" -v seed="$seed" -v sets="$sets" 'BEGIN {
	base = 1000 + level % 500; noise = seed % 97
	printf "{\"mmsim_version\": \"0.1.0\", \"seed\": %d, \"config\": {\"sets\": \"%s\"},\n", seed, sets
	printf " \"elapsed_ns\": %d, \"records\": 1000,\n", 1000000 + base * 10 + noise
	printf " \"counters\": {\"nr_free_pages\": %d, \"pgalloc_normal\": %d, \"compact_stall\": %d},\n", base * 3, base + noise, noise % 7
	# one class of alloc_outcome: nested objects, as summary.c writes them
	printf " \"alloc_outcome\": {\"highorder\": {\"requests\": 20, \"failed\": %d, \"satisfied\": %d, \"fail_costly\": %d, \"killed\": 0, \"unfinished\": 0}},\n", noise % 5, 20 - noise % 5, noise % 5
	printf " \"latency\": {\"movable\": {\"count\": 1000, \"mean_ns\": %.1f, \"p50_ns\": %d, \"p99_ns\": %d, \"max_ns\": %d}}}\n", base / 2 + noise, base / 2, base * 4, base * 9
}' > "$out/summary.json.tmp"
mv "$out/summary.json.tmp" "$out/summary.json"
