#!/bin/sh
# CMA experiment 1 (utilisation), scaled down to one seed: the published direction must hold.
# ZONE_CMA v2 cover letter: with a 512 MB CMA area, mainline MIGRATE_CMA swaps orders of
# magnitude more than no CMA, while ZONE_CMA stays close to the baseline.  Asserted here:
#   pswpout(migrate_cma) > 10 * (pswpout(none) + 100)   and the same against zone_cma,
#   pswpin(migrate_cma) > pswpin(none) and > pswpin(zone_cma),
#   mean free memory (timeseries) higher under migrate_cma than under none.
set -eu
: "${MMSIM:?MMSIM not set}"
: "${MESON_SOURCE_ROOT:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cfg=$MESON_SOURCE_ROOT/configs/cma/utilisation.yaml

counter() { # FILE NAME -> the counter's value in summary.json
	sed -n "s/^ *\"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1" | head -n 1
}
mean_free() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^free_/) c[i] = 1; next }
		{ s = 0; for (i in c) s += $i; t += s; n++ } END { printf "%d", t / n }' "$1"
}

for mode in none migrate_cma zone_cma; do
	"$MMSIM" run "$cfg" --seed 7 --set policy.cma.mode=$mode -o "$out/$mode"
done
fail=0
check() { # DESCRIPTION CONDITION...
	d=$1; shift
	if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fail=$((fail + 1)); fi
}
so_none=$(counter "$out/none/summary.json" pswpout)
so_cma=$(counter "$out/migrate_cma/summary.json" pswpout)
so_zone=$(counter "$out/zone_cma/summary.json" pswpout)
si_none=$(counter "$out/none/summary.json" pswpin)
si_cma=$(counter "$out/migrate_cma/summary.json" pswpin)
si_zone=$(counter "$out/zone_cma/summary.json" pswpin)
echo "pswpout none=$so_none migrate_cma=$so_cma zone_cma=$so_zone; pswpin none=$si_none migrate_cma=$si_cma zone_cma=$si_zone"
check "migrate_cma swaps out >10x more than none" [ "$so_cma" -gt $((10 * (so_none + 100))) ]
check "migrate_cma swaps out >10x more than zone_cma" [ "$so_cma" -gt $((10 * (so_zone + 100))) ]
check "migrate_cma swaps in more than none" [ "$si_cma" -gt "$si_none" ]
check "migrate_cma swaps in more than zone_cma" [ "$si_cma" -gt "$si_zone" ]
f_none=$(mean_free "$out/none/timeseries.tsv")
f_cma=$(mean_free "$out/migrate_cma/timeseries.tsv")
echo "mean free pages none=$f_none migrate_cma=$f_cma"
check "migrate_cma parks more memory free than none" [ "$f_cma" -gt "$f_none" ]
echo "$((5 - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
