#!/bin/sh
# The LRU experiments (configs/lru/) scaled down (tests/data/lru-small: a 256 MiB machine,
# 2.5 s of the noreuse process): the directions the pages report must hold on every one of
# three common seeds, not on their mean.  Per seed s, with the same seed in each run:
#   ereclaimable vs classic, fast device: hot-file refaults at most half, fewer anon
#     swap-ins (classic swaps back in since anon refault activations deactivate active anon
#     pages; the page reports fewer on every seed), the work done sooner
#     (configs/lru/ereclaimable.md);
#   slow device: ereclaimable meets >10x more easy-list pages it must leave (on most seeds; dirty or under
#     writeback) than on the fast device, and kswapd scans >5x more than under classic
#     (Mel Gorman's first caveat); its stalls are missed, not announced, by the
#     free + easily-reclaimable level at the default threshold, while a threshold of an
#     eighth of memory announces some (configs/lru/notify.md; whether it also raises false
#     alarms depends on the seed at this scale, so it is reported, not asserted).  At this
#     scale a seed may not stall at all (the flusher keeps ahead): the two stall checks
#     hold for every seed that stalls, and at least two of the three must;
#   compaction migrates easy-list pages (his second caveat; at this scale on every seed,
#     while on the page's 512 MiB machine no run of any cell migrates any now);
#   at 20 us per page marked, ereclaimable finishes later than classic: the marking cost
#     has erased the gain (configs/lru/hint-cost.md);
#   read-heavy: cflru meets fewer dirty pages than classic (nr_vmscan_immediate_reclaim)
#     and is never more than 5 % slower (configs/lru/cflru-readheavy.md).
set -eu
: "${MMSIM:?MMSIM not set}"
: "${MESON_SOURCE_ROOT:?}"
data=$MESON_SOURCE_ROOT/tests/data/lru-small
cfg=$data/config.yaml
[ -f "$cfg" ] || { echo "skip: $cfg missing"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

. "$MESON_SOURCE_ROOT/tests/experiment_lib.sh"
SLOW="--set devices.disk.bandwidth=100MB/s --set devices.swap.bandwidth=100MB/s --set devices.disk.latency=1ms --set devices.swap.latency=1ms"
run() { # NAME SEED ARGS...
	name=$1 seed=$2; shift 2
	# shellcheck disable=SC2068
	"$MMSIM" run "$cfg" --seed "$seed" $@ -o "$out/$name-$seed" >/dev/null
}
stalled=0 left_behind=0
for seed in 11 12 13; do
	for p in classic ereclaimable; do
		run "$p-fast" $seed --set policy.reclaim=$p
		run "$p-slow" $seed --set policy.reclaim=$p $SLOW
		run "$p-cost" $seed --set policy.reclaim=$p --set costs.hint_page=20us
		run "$p-rh" $seed --set policy.reclaim=$p --set "workload.generator=$data/readheavy.yaml"
	done
	run notify-slow $seed --set policy.reclaim=ereclaimable --set policy.ereclaimable.notify_threshold=32MiB $SLOW
	run cflru-rh $seed --set policy.reclaim=cflru --set "workload.generator=$data/readheavy.yaml"
	c=$out/classic-fast-$seed/summary.json; e=$out/ereclaimable-fast-$seed/summary.json
	cs=$out/classic-slow-$seed/summary.json; es=$out/ereclaimable-slow-$seed/summary.json
	cc=$out/classic-cost-$seed/summary.json; ec=$out/ereclaimable-cost-$seed/summary.json
	crh=$out/classic-rh-$seed/summary.json; frh=$out/cflru-rh-$seed/summary.json
	rf_c=$(counter "$c" workingset_refault_file); rf_e=$(counter "$e" workingset_refault_file)
	si_c=$(counter "$c" pswpin); si_e=$(counter "$e" pswpin)
	el_c=$(counter "$c" elapsed_ns); el_e=$(counter "$e" elapsed_ns)
	rs_e=$(counter "$e" mmsim_easy_rescanned); rs_es=$(counter "$es" mmsim_easy_rescanned)
	sk_cs=$(counter "$cs" pgscan_kswapd); sk_es=$(counter "$es" pgscan_kswapd)
	miss=$(counter "$es" mmsim_lowmem_misses); warned=$(counter "$es" mmsim_lowmem_warned_stalls)
	mig=$(counter "$e" mmsim_pgmigrate_easy)
	nt=$out/notify-slow-$seed/summary.json
	nt_warned=$(counter "$nt" mmsim_lowmem_warned_stalls); nt_false=$(counter "$nt" mmsim_lowmem_false_alarms)
	elc_c=$(counter "$cc" elapsed_ns); elc_e=$(counter "$ec" elapsed_ns)
	im_c=$(counter "$crh" nr_vmscan_immediate_reclaim); im_f=$(counter "$frh" nr_vmscan_immediate_reclaim)
	elr_c=$(counter "$crh" elapsed_ns); elr_f=$(counter "$frh" elapsed_ns)
	echo "seed $seed: refaults classic=$rf_c ereclaimable=$rf_e; pswpin $si_c/$si_e; elapsed $el_c/$el_e;" \
		"easy rescanned fast=$rs_e slow=$rs_es; pgscan_kswapd slow classic=$sk_cs ereclaimable=$sk_es;" \
		"slow stalls missed=$miss warned=$warned (32MiB threshold: warned=$nt_warned false alarms=$nt_false); easy migrated=$mig; elapsed at 20us classic=$elc_c ereclaimable=$elc_e;" \
		"read-heavy immediate classic=$im_c cflru=$im_f, elapsed $elr_c/$elr_f"
	check "seed $seed: ereclaimable refaults the hot set at most half as often as classic" [ $((2 * rf_e)) -le "$rf_c" ]
	check "seed $seed: ereclaimable swaps in less often than classic" [ "$si_e" -lt "$si_c" ]
	check "seed $seed: ereclaimable finishes sooner than classic (free hints)" [ "$el_e" -lt "$el_c" ]
	[ "$rs_es" -gt $((10 * (rs_e + 1))) ] && left_behind=$((left_behind + 1))
	check "seed $seed: slow device: kswapd scans >5x more than classic" [ "$sk_es" -gt $((5 * sk_cs)) ]
	if [ $((miss + warned)) -gt 0 ]; then
		stalled=$((stalled + 1))
		check "seed $seed: slow device: stalls missed outnumber stalls announced" [ "$miss" -gt "$warned" ]
		check "seed $seed: slow device, 32 MiB threshold: some stalls announced" [ "$nt_warned" -gt 0 ]
	fi
	check "seed $seed: compaction migrates easy-list pages" [ "$mig" -gt 0 ]
	check "seed $seed: at 20us per page marked, ereclaimable finishes later than classic" [ "$elc_e" -gt "$elc_c" ]
	check "seed $seed: read-heavy: cflru meets fewer dirty pages than classic" [ "$im_f" -lt "$im_c" ]
	check "seed $seed: read-heavy: cflru at most 5% slower than classic" [ $((100 * elr_f)) -le $((105 * elr_c)) ]
done
check "slow device: at least two of the three seeds stall ($stalled)" [ "$stalled" -ge 2 ]
check "slow device: >10x the easy-list pages left behind on most seeds ($left_behind of 3)" [ "$left_behind" -ge 2 ]
checks_done
