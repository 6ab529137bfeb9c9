#!/bin/sh
# The nonlru experiments (configs/nonlru/zram.md, aio.md) scaled down (tests/data/nonlru-small:
# the same machine, the load cut to 8 s) on an aged machine: the directions the pages report
# must hold on every one of three common seeds, not on their mean.  Per seed s:
#   zram  reclaim drops pool pages and reads them back (mmsim_migrate_nonlru_reclaimed > 0,
#         pgmajfault > 0); handler drops none and faults none in;
#         pin fails more cma_allocs and more compaction runs than handler;
#   aio   callback leaves no pinned page that failed to move (never leaves some), fails
#         fewer order-9 requests than never and no more cma_allocs (fewer over the three
#         seeds: the cut load asks for six, and some seeds fail none under either).
set -eu
: "${MMSIM:?MMSIM not set}"
: "${MESON_SOURCE_ROOT:?}"
data=$MESON_SOURCE_ROOT/tests/data/nonlru-small
[ -f "$data/zram.yaml" ] && [ -f "$data/aio.yaml" ] || { echo "skip: $data missing"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

highorder_failed() { # FILE -> failed requests of allocation class highorder
	python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['alloc_outcome']['highorder']['failed'])" "$1"
}

. "$MESON_SOURCE_ROOT/tests/experiment_lib.sh"
aged="--set machine.age.mode=aged --set machine.shuffle=true"
sum_cma_nv=0; sum_cma_cb=0
for seed in 11 12 13; do
	for p in handler reclaim pin; do
		# shellcheck disable=SC2086
		"$MMSIM" run "$data/zram.yaml" --seed $seed $aged --set policy.migration.nonlru=$p \
			-o "$out/$p-$seed" >/dev/null
	done
	for p in never callback; do
		# shellcheck disable=SC2086
		"$MMSIM" run "$data/aio.yaml" --seed $seed $aged --set policy.migration.pinned=$p \
			--set policy.cma.pin_migrate=false --set policy.cma.placement=low -o "$out/$p-$seed" >/dev/null
	done
	h="$out/handler-$seed/summary.json"; r="$out/reclaim-$seed/summary.json"; p="$out/pin-$seed/summary.json"
	nv="$out/never-$seed/summary.json"; cb="$out/callback-$seed/summary.json"
	drop_h=$(counter "$h" mmsim_migrate_nonlru_reclaimed); drop_r=$(counter "$r" mmsim_migrate_nonlru_reclaimed)
	maj_h=$(counter "$h" pgmajfault); maj_r=$(counter "$r" pgmajfault)
	cma_h=$(counter "$h" cma_alloc_fail); cma_p=$(counter "$p" cma_alloc_fail)
	cf_h=$(counter "$h" compact_fail); cf_p=$(counter "$p" compact_fail)
	pin_nv=$(counter "$nv" mmsim_migrate_fail_pinned); pin_cb=$(counter "$cb" mmsim_migrate_fail_pinned)
	hi_nv=$(highorder_failed "$nv"); hi_cb=$(highorder_failed "$cb")
	cma_nv=$(counter "$nv" cma_alloc_fail); cma_cb=$(counter "$cb" cma_alloc_fail)
	echo "seed $seed: zram dropped handler=$drop_h reclaim=$drop_r; pgmajfault handler=$maj_h reclaim=$maj_r;" \
		"cma_alloc_fail handler=$cma_h pin=$cma_p; compact_fail handler=$cf_h pin=$cf_p"
	echo "seed $seed: aio pinned migration failures never=$pin_nv callback=$pin_cb;" \
		"order-9 failed never=$hi_nv callback=$hi_cb; cma_alloc_fail never=$cma_nv callback=$cma_cb"
	check "seed $seed: reclaim drops pool pages" [ "$drop_r" -gt 0 ]
	check "seed $seed: reclaim reads dropped pool pages back" [ "$maj_r" -gt 0 ]
	check "seed $seed: handler drops no pool page and faults none in" [ "$drop_h" -eq 0 ] && [ "$maj_h" -eq 0 ]
	check "seed $seed: pin fails more cma_allocs than handler" [ "$cma_p" -gt "$cma_h" ]
	check "seed $seed: pin fails more compaction runs than handler" [ "$cf_p" -gt "$cf_h" ]
	check "seed $seed: owner pins never moved leave failed migrations" [ "$pin_nv" -gt 0 ]
	check "seed $seed: owner callbacks leave none" [ "$pin_cb" -eq 0 ]
	check "seed $seed: callback fails fewer order-9 requests than never" [ "$hi_cb" -lt "$hi_nv" ]
	check "seed $seed: callback fails no more cma_allocs than never" [ "$cma_cb" -le "$cma_nv" ]
	sum_cma_nv=$((sum_cma_nv + cma_nv)); sum_cma_cb=$((sum_cma_cb + cma_cb))
done
check "over the seeds: callback fails fewer cma_allocs than never ($sum_cma_cb < $sum_cma_nv)" [ "$sum_cma_cb" -lt "$sum_cma_nv" ]
checks_done
