#!/usr/bin/env bash
# Run the experiments of one topic (configs/TOPIC/EXP.md, plans configs/sweeps/TOPIC-EXP.yaml):
# for each, the sweep, the HTML report, and the "Measured" section of configs/TOPIC/EXP.md and
# the summary block of configs/TOPIC/README.md regenerated from the results by
# configs/measured.py (never written by hand): the report's headline table, published vs
# measured, allocation outcomes and OOM kills, and (when the runs have a CMA area) the
# figures that show each variant's memory pressure.
#
#   configs/experiment.sh TOPIC [-o OUTDIR] [-j N] [EXP...]
#     TOPIC: a directory under configs/ (cma, lru, defrag, nonlru, lowmem, ...)
#     EXP:   the topic's experiments (default: every configs/sweeps/TOPIC-*.yaml with a page)
#     OUTDIR defaults to results/TOPIC; a finished sweep is resumed, one of an older
#     version of its plan is started afresh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mmsim=${MMSIM:-$root/build/sim/cli/mmsim}
usage() { sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -gt 0 ] || { usage >&2; exit 64; }
case "$1" in -h|--help) usage; exit 0 ;; esac
topic=$1; shift
tdir=$here/$topic
[ -d "$tdir" ] || { echo "experiment.sh: no topic configs/$topic" >&2; exit 64; }
out=results/$topic
jobs=$(nproc 2>/dev/null || echo 2)
exps=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) exps+=("$1"); shift ;;
	esac
done
if [ ${#exps[@]} -eq 0 ]; then
	for plan in "$here"/sweeps/"$topic"-*.yaml; do
		[ -f "$plan" ] || continue
		exp=$(basename "$plan" .yaml); exp=${exp#"$topic"-}
		[ -f "$tdir/$exp.md" ] && exps+=("$exp")
	done
fi
[ ${#exps[@]} -gt 0 ] || { echo "experiment.sh: configs/$topic has no experiments" >&2; exit 64; }
[ -x "$mmsim" ] || { echo "experiment.sh: $mmsim not built (./run.sh build)" >&2; exit 69; }

for exp in "${exps[@]}"; do
	plan=$here/sweeps/$topic-$exp.yaml
	md=$tdir/$exp.md
	[ -f "$plan" ] && [ -f "$md" ] || { echo "experiment.sh: unknown experiment '$topic $exp'" >&2; exit 64; }
	grep -q '<!-- measured:begin -->' "$md" && grep -q '<!-- measured:end -->' "$md" ||
		{ echo "experiment.sh: $md has no <!-- measured:begin/end --> markers" >&2; exit 65; }
	dir=$out/$exp
	if [ -f "$dir/plan.yaml" ] && ! cmp -s "$dir/plan.yaml" "$plan"; then
		echo "== $topic $exp: the plan changed since $dir was run: starting it afresh" >&2
		rm -rf "$dir" "$dir-report"
	fi
	echo "== $topic $exp: sweep $plan -> $dir" >&2
	"$mmsim" sweep "$plan" -o "$dir" -j "$jobs" --rerun-stale # points with changed inputs run again
	"$mmsim" report "$dir" -o "$dir-report" >/dev/null
	python3 "$here/measured.py" "$topic" "$exp" "$dir" "$dir-report" "$md" "$tdir/README.md"
	echo "== $topic $exp: $md updated; report $dir-report/index.html" >&2
done
