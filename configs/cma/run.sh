#!/usr/bin/env bash
# Run the CMA experiments (configs/cma/*.yaml, plans configs/sweeps/cma-*.yaml): for each,
# the sweep over the policy variants x placements (x machine states), the HTML report, and
# the "Measured" section of configs/cma/EXP.md and the summary of configs/cma/README.md
# regenerated from the results by configs/cma/measured.py (never written by hand): the
# report's headline table, published vs measured, allocation outcomes and OOM kills, and
# the figures that show each variant's memory pressure.
#
#   configs/cma/run.sh [-o OUTDIR] [-j N] [EXP...]     EXP: utilisation reclaim-waste atomic
#                                                           compaction camera (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mmsim=${MMSIM:-$root/build/sim/cli/mmsim}
out=results/cma
jobs=$(nproc 2>/dev/null || echo 2)
exps=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) exps+=("$1"); shift ;;
	esac
done
[ ${#exps[@]} -gt 0 ] || exps=(utilisation reclaim-waste atomic compaction camera)
[ -x "$mmsim" ] || { echo "run.sh: $mmsim not built (./run.sh build)" >&2; exit 69; }

for exp in "${exps[@]}"; do
	plan=$root/configs/sweeps/cma-$exp.yaml
	md=$here/$exp.md
	[ -f "$plan" ] && [ -f "$md" ] || { echo "run.sh: unknown experiment '$exp'" >&2; exit 64; }
	dir=$out/$exp
	# A finished sweep is resumed; one of an older version of the plan is started afresh.
	if [ -f "$dir/plan.yaml" ] && ! cmp -s "$dir/plan.yaml" "$plan"; then
		echo "== $exp: the plan changed since $dir was run: starting it afresh" >&2
		rm -rf "$dir" "$dir-report"
	fi
	echo "== $exp: sweep $plan -> $dir" >&2
	"$mmsim" sweep "$plan" -o "$dir" -j "$jobs" --rerun-stale # points with changed inputs run again
	"$mmsim" report "$dir" -o "$dir-report" >/dev/null
	# The page's "Measured" section and the README's summary rows, from the report and
	# the runs' time series (configs/cma/measured.py).
	python3 "$here/measured.py" "$exp" "$dir" "$dir-report" "$md" "$here/README.md"
	echo "== $exp: $md updated; report $dir-report/index.html" >&2
done
