#!/usr/bin/env bash
# Run the lowmem-crowding experiments: configs/experiment.sh lowmem (sweep, report, the
# measured section of each page and the README summary), then the figures the generic
# report has no column for (free memory outside the movable-only area, premature share of
# reclaim, age at reclaim) into each page's <!-- lowmem:begin/end --> block
# (configs/lowmem/figures.py).
#
#   configs/lowmem/run.sh [-o OUTDIR] [-j N] [EXP...]      EXP: crowding (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=results/lowmem
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; args+=(-o "$2"); shift 2 ;;
	-j) args+=(-j "$2"); shift 2 ;;
	-h|--help) sed -n '2,8p' "$0"; exit 0 ;;
	*) args+=("$1"); shift ;;
	esac
done
"$here/../experiment.sh" lowmem "${args[@]}"
for md in "$here"/*.md; do
	exp=$(basename "$md" .md)
	[ "$exp" != README ] && [ -d "$out/$exp" ] && grep -q '<!-- lowmem:begin -->' "$md" || continue
	python3 "$here/figures.py" "$out/$exp" "$md"
done
