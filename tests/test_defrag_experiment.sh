#!/bin/sh
# The defragmentation-trigger experiment (configs/defrag/triggers.md) scaled down
# (tests/data/defrag-small: the same machine and load cut to six bursts, fresh machine):
# the directions the page reports must hold seed by seed as the page reports them, not on
# their mean.  Each variant run with the same seed s; per seed s:
#   proactive compaction satisfies more THP faults than failure-driven compaction, and
#     spends more CPU time compacting (mmsim_compact_ns): on the page's machines both hold
#     on every seed of five (fresh: 40 % against 20 % and 63.3 ms against 19.9 ms at the
#     median).  Scaled down, proactive compaction runs only when kcompactd's 500 ms sleep
#     times out with nothing asked of it (6.18 kcompactd()), which the burst load's ~100
#     wakes in 6 s seldom allow: one seed of three (13) gets as many THP faults as
#     failure-driven compaction, not more.  So per seed: never fewer; over the three
#     seeds: more;
#   failure-driven compaction is too late for some high-order requests (their fast path
#     found no block: mmsim_highorder_slowpath > 0; every seed and cell on the page);
#   the per-mapping pools serve most (more than half) of the order-4 page-cache folios
#     from their reserve, and at least 99 % of the order-4 folios are satisfied with them
#     (99.84-100 % on every seed of the page's fresh machine, 100 % without the pools:
#     an occasional folio fails with them, so "none fails" is not asserted).
set -eu
: "${MMSIM:?MMSIM not set}"
: "${MESON_SOURCE_ROOT:?}"
cfg=$MESON_SOURCE_ROOT/tests/data/defrag-small/config.yaml
[ -f "$cfg" ] || { echo "skip: $cfg missing"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 missing"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

. "$MESON_SOURCE_ROOT/tests/experiment_lib.sh"
sum_f=0; sum_p=0
for seed in 11 12 13; do
	"$MMSIM" run "$cfg" --seed $seed --set policy.defrag=failure -o "$out/failure-$seed" >/dev/null
	"$MMSIM" run "$cfg" --seed $seed --set policy.defrag=proactive -o "$out/proactive-$seed" >/dev/null
	"$MMSIM" run "$cfg" --seed $seed --set policy.mapping_pool.size=8 -o "$out/pools-$seed" >/dev/null
	f="$out/failure-$seed/summary.json"; p="$out/proactive-$seed/summary.json"; q="$out/pools-$seed/summary.json"
	thp_f=$(value "$f" by_order.order_9.success_share); thp_p=$(value "$p" by_order.order_9.success_share)
	cpu_f=$(value "$f" counters.mmsim_compact_ns); cpu_p=$(value "$p" counters.mmsim_compact_ns)
	late4_f=$(value "$f" by_order.order_4.too_late); late4_q=$(value "$q" by_order.order_4.too_late)
	late_f=$(value "$f" counters.mmsim_highorder_slowpath)
	hits=$(value "$q" counters.mmsim_mapping_pool_hits); req4=$(value "$q" by_order.order_4.requests)
	fail4=$(value "$q" by_order.order_4.failed)
	echo "seed $seed: THP satisfied failure=$thp_f proactive=$thp_p; compact_ns failure=$cpu_f" \
		"proactive=$cpu_p; too late (failure) $late_f; pools: $hits of $req4 order-4 folios" \
		"from the reserve, $fail4 failed; order-4 too late failure=$late4_f pools=$late4_q"
	check "seed $seed: proactive satisfies no fewer THP faults than failure" ge "$thp_p" "$thp_f"
	sum_f=$(python3 -c "print($sum_f + $thp_f)"); sum_p=$(python3 -c "print($sum_p + $thp_p)")
	check "seed $seed: proactive spends more CPU compacting than failure" gt "$cpu_p" "$cpu_f"
	check "seed $seed: failure-driven compaction is too late for some high-order requests" gt "$late_f" 0
	check "seed $seed: the pools serve most of the order-4 folios" gt "$hits" "$(python3 -c "print(0.5 * $req4)")"
	check "seed $seed: >= 99% of the order-4 folios satisfied with the pools" \
		ge "$(python3 -c "print(($req4 - $fail4) / $req4)")" 0.99
done
check "over the seeds: proactive satisfies more THP faults than failure" gt "$sum_p" "$sum_f"
checks_done
