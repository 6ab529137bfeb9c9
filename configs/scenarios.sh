#!/usr/bin/env bash
# The two compaction scenarios: sweeps, and the "Measured" sections of their pages
# regenerated from the results (never written by hand).
#
#   configs/scenarios.sh [-o OUTDIR] [-j N] [compaction_test] [stress-highalloc]
#       run configs/sweeps/NAME.yaml (resumed when unchanged), then rewrite the measured
#       section of configs/NAME.md.  Default: both.
#   configs/scenarios.sh selftest RUNDIR     one compaction_test run as the selftest judges it:
#       "memfree_kb requested got verdict"  (verdict pass|fail)
#   configs/scenarios.sh passes RUNDIR       one stress-highalloc run, one line per pass:
#       "pass requests satisfied failed unfinished"  (pass 1, 2, rest)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mmsim=${MMSIM:-$root/build/sim/cli/mmsim}

# Sum of the zones' free pages in a zoneinfo file.
zone_free_pages() {
	awk '$1 == "nr_free_pages" { s += $2 } END { print s + 0 }' "$1"
}

# The value of "key": N inside the "class": { ... } object of alloc_outcome in summary.json.
outcome() { # outcome SUMMARY CLASS KEY
	tr -d ' \n' < "$1" | sed 's/.*"alloc_outcome":{//; s/}}.*//' |
		sed "s/.*\"$2\":{\\([^}]*\\)}.*/\\1/" | tr ',' '\n' | sed -n "s/^\"$3\"://p"
}

# compaction_test.c (6.12): MemFree is read when the test starts (snapshot 1); the bar is
# check_compaction()'s: compaction_index = (unsigned long)(MemFree * 0.8) /
# (nr_hugepages * 2048 kB), and the test fails when it is > 3 (or no huge page at all).
selftest() { # selftest RUNDIR -> memfree_kb requested got verdict
	local dir=$1 snap memfree_kb requested got
	snap=$(ls -d "$dir"/snapshots/1-* | head -1)
	memfree_kb=$(($(zone_free_pages "$snap/zoneinfo") * 4))
	requested=$(outcome "$dir/summary.json" highorder requests)
	got=$(outcome "$dir/summary.json" highorder satisfied)
	awk -v m="$memfree_kb" -v r="$requested" -v g="$got" 'BEGIN {
		m80 = int(m * 0.8); verdict = "fail"
		if (g > 0 && int(m80 / (g * 2048)) <= 3) verdict = "pass"
		print m, r, g, verdict }'
}

# The highorder outcomes at each snapshot of a stress-highalloc run, and their growth over
# each pass: pass 1 from tag 1 to 2, pass 2 from 2 to 3, at rest from 4 to 5.
passes() { # passes RUNDIR -> "pass requests satisfied failed unfinished" x 3
	local dir=$1 t f
	for t in 1 2 3 4 5; do
		f=$(ls -d "$dir"/snapshots/"$t"-* | head -1)/alloc_outcome.tsv
		awk -F'\t' -v t="$t" '$1 == "highorder" { n += $3; if ($2 == "satisfied") s = $3;
			else if ($2 ~ /^fail_/) x += $3; else if ($2 == "unfinished") u = $3 }
			END { print t, n, s, x, u }' "$f"
	done | awk '{ n[$1] = $2; s[$1] = $3; f[$1] = $4; u[$1] = $5 }
		END { split("1 2 rest", name, " "); split("1 2 4", a, " "); split("2 3 5", b, " ")
		      for (p = 1; p <= 3; p++) printf "%s %d %d %d %d\n", name[p], n[b[p]] - n[a[p]],
			s[b[p]] - s[a[p]], f[b[p]] - f[a[p]], u[b[p]] - u[a[p]] }'
}

case "${1:-}" in
selftest) selftest "$2"; exit 0 ;;
passes) passes "$2"; exit 0 ;;
esac

out=results/scenarios
jobs=$(nproc 2>/dev/null || echo 2)
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
	*) names+=("$1"); shift ;;
	esac
done
[ ${#names[@]} -gt 0 ] || names=(compaction_test stress-highalloc)
[ -x "$mmsim" ] || { echo "scenarios.sh: $mmsim not built (./run.sh build)" >&2; exit 69; }

# median of the arguments (the lower middle for an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# summary.json counter
counter() { tr -d ' \n' < "$1" | sed -n "s/.*\"counters\":{[^}]*\"$2\":\\([0-9]*\\).*/\\1/p"; }

# The measured section of compaction_test.md: one row per point (machine x direct
# compaction), the selftest's verdict per seed.
measure_compaction_test() {
	local dir=$1 p id gen direct r line memfree req got verdict
	echo "| machine | chunks | direct compaction | seeds | passed | huge pages got / requested (per seed) | MemFree MiB (median) | bar: more than | compact_stall (median) | pages migrated (median) |"
	echo "|---|---|---|---:|---:|---|---:|---:|---:|---:|"
	for gen in fresh,movable fresh,pinned aged,movable aged,pinned; do
		for direct in on off; do
			local gots=() mfs=() stalls=() migr=() npass=0 n=0 reqs=""
			local machine=${gen%,*} chunks=${gen#*,}
			for p in "$dir"/runs/*; do
				id=$(basename "$p")
				[ "$id" = "chunks=$chunks,machine=$machine,direct=$direct" ] || continue
				for r in "$p"/r*; do
					[ -f "$r/summary.json" ] || continue
					read -r memfree req got verdict < <(selftest "$r")
					gots+=("$got"); mfs+=($((memfree / 1024)))
					reqs=$req
					stalls+=("$(counter "$r/summary.json" compact_stall)")
					migr+=("$(counter "$r/summary.json" pgmigrate_success)")
					n=$((n + 1)); [ "$verdict" = pass ] && npass=$((npass + 1))
				done
			done
			[ "$n" -gt 0 ] || continue
			[ "$chunks" = pinned ] && chunks="pinned (control)"
			local mf; mf=$(median "${mfs[@]}")
			local bar=$((mf * 1024 * 8 / 10 / 4 / 2048))
			echo "| $machine | $chunks | $direct | $n | $npass | $(printf '%s ' "${gots[@]}")/ $reqs | $mf | $bar | $(median "${stalls[@]}") | $(median "${migr[@]}") |"
		done
	done
}

# The measured section of stress-highalloc.md: success % per pass, per direct compaction.
measure_stress_highalloc() {
	local dir=$1 p id direct r
	echo "| direct compaction | seeds | pass 1 success % (median; per seed) | pass 2 | at rest | unfinished | other classes failed | OOM kills | compact_stall (median) |"
	echo "|---|---:|---|---|---|---:|---:|---:|---:|"
	for direct in true false; do
		local p1=() p2=() p3=() unf=0 other=0 ooms=0 stalls=() n=0
		for p in "$dir"/runs/*"direct=$direct"*; do
			for r in "$p"/r*; do
				[ -f "$r/summary.json" ] || continue
				while read -r pass req sat fail un; do
					local pct; pct=$(awk -v s="$sat" -v q="$req" 'BEGIN { printf "%.1f", q ? 100 * s / q : 0 }')
					case "$pass" in 1) p1+=("$pct") ;; 2) p2+=("$pct") ;; rest) p3+=("$pct") ;; esac
					unf=$((unf + un))
				done < <(passes "$r")
				for c in movable unmovable atomic; do
					other=$((other + $(outcome "$r/summary.json" "$c" failed)))
				done
				ooms=$((ooms + $(counter "$r/summary.json" oom_kill)))
				stalls+=("$(counter "$r/summary.json" compact_stall)")
				n=$((n + 1))
			done
		done
		[ "$n" -gt 0 ] || continue
		echo "| $direct | $n | $(median "${p1[@]}") ($(printf '%s ' "${p1[@]}" | sed 's/ $//')) | $(median "${p2[@]}") ($(printf '%s ' "${p2[@]}" | sed 's/ $//')) | $(median "${p3[@]}") ($(printf '%s ' "${p3[@]}" | sed 's/ $//')) | $unf | $other | $ooms | $(median "${stalls[@]}") |"
	done
}

for name in "${names[@]}"; do
	plan=$root/configs/sweeps/$name.yaml
	md=$here/$name.md
	[ -f "$plan" ] && [ -f "$md" ] || { echo "scenarios.sh: unknown scenario '$name'" >&2; exit 64; }
	dir=$out/$name
	if [ -f "$dir/plan.yaml" ] && ! cmp -s "$dir/plan.yaml" "$plan"; then
		echo "== $name: the plan changed since $dir was run: starting it afresh" >&2
		rm -rf "$dir"
	fi
	echo "== $name: sweep $plan -> $dir" >&2
	"$mmsim" sweep "$plan" -o "$dir" -j "$jobs" --rerun-stale
	case "$name" in
	compaction_test) table=$(measure_compaction_test "$dir") ;;
	stress-highalloc) table=$(measure_stress_highalloc "$dir") ;;
	esac
	tmp=$(mktemp)
	{
		sed '/<!-- measured:begin -->/q' "$md"
		echo
		echo "Generated by \`configs/scenarios.sh $name\` from \`configs/sweeps/$name.yaml\`"
		echo "(mmsim $("$mmsim" --version | cut -d' ' -f2), $(($(grep -c . "$dir/points.tsv") - 1)) runs)."
		echo
		echo "$table"
		echo
		sed -n '/<!-- measured:end -->/,$p' "$md"
	} > "$tmp"
	mv "$tmp" "$md"
	echo "== $name: $md updated" >&2
done
