#!/bin/sh
# The lowmem-crowding experiment (configs/lowmem/crowding.md) scaled down
# (tests/data/lowmem-crowding: the same aged 512 MiB machine, the load cut to 3 s): the
# page's direction must hold on every one of three common seeds, for every policy that
# makes memory movable-only.  With 80 % of memory movable-only against 10 %, per seed s
# and policy P (migrate_cma, sticky, zone_cma, movable_zone):
#   GFP_KERNEL direct-reclaim stalls (allocstall_normal) at 80 % > at 10 %,
#   p99 latency of unmovable requests at 80 % > at 10 %,
# and for the zones (zone_cma, movable_zone), where a GFP_KERNEL request finds nothing it
# may reclaim in DMA32, OOM kills at 80 % > at 10 %; for the CMA areas inside DMA32
# (migrate_cma, sticky), which reclaim the user pages sharing DMA32 instead, fewer OOM
# kills at 80 % than either zone policy on the same seed, and (their watermark checks
# discount the area's free pages) premature reclaim scans at 80 % > at 10 %.
set -eu
: "${MMSIM:?MMSIM not set}"
: "${MESON_SOURCE_ROOT:?}"
cfg=$MESON_SOURCE_ROOT/tests/data/lowmem-crowding/config.yaml
[ -f "$cfg" ] || { echo "skip: $cfg missing"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: python3 missing"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

. "$MESON_SOURCE_ROOT/tests/experiment_lib.sh"

sets() { # POLICY SHARE_MIB -> the --set arguments of that cell
	case $1 in
	migrate_cma) echo "--set policy.cma.mode=migrate_cma --set policy.cma.regions.0.name=cma0 --set policy.cma.regions.0.size=${2}MiB" ;;
	sticky) echo "--set policy.cma.mode=sticky_movable --set policy.cma.sticky=accounted --set policy.cma.regions.0.name=cma0 --set policy.cma.regions.0.size=${2}MiB" ;;
	zone_cma) echo "--set policy.cma.mode=zone_cma --set policy.cma.regions.0.name=cma0 --set policy.cma.regions.0.size=${2}MiB" ;;
	movable_zone) echo "--set machine.zones.dma32=$((496 - $2))MiB --set machine.zones.movable=${2}MiB" ;;
	esac
}

for seed in 11 12 13; do
	oom_area=""
	for p in migrate_cma sticky zone_cma movable_zone; do
		for share in 10:52 80:410; do
			pct=${share%%:*}; mib=${share#*:}
			# shellcheck disable=SC2046 # the --set words split on purpose
			"$MMSIM" run "$cfg" --seed $seed $(sets $p "$mib") -o "$out/$p-$pct-$seed" >/dev/null
		done
		lo="$out/$p-10-$seed/summary.json"; hi="$out/$p-80-$seed/summary.json"
		st_lo=$(value "$lo" counters.allocstall_normal); st_hi=$(value "$hi" counters.allocstall_normal)
		la_lo=$(value "$lo" latency.unmovable.p99_ns); la_hi=$(value "$hi" latency.unmovable.p99_ns)
		oom_lo=$(value "$lo" counters.oom_kill); oom_hi=$(value "$hi" counters.oom_kill)
		pr_lo=$(value "$lo" counters.mmsim_pgscan_premature); pr_hi=$(value "$hi" counters.mmsim_pgscan_premature)
		echo "seed $seed $p: stalls 10%=$st_lo 80%=$st_hi; p99 GFP_KERNEL 10%=$la_lo 80%=$la_hi ns;" \
			"OOM kills 10%=$oom_lo 80%=$oom_hi; premature scans 10%=$pr_lo 80%=$pr_hi"
		check "seed $seed $p: GFP_KERNEL stalls at 80 % > at 10 %" [ "$st_hi" -gt "$st_lo" ]
		check "seed $seed $p: p99 GFP_KERNEL latency at 80 % > at 10 %" [ "$la_hi" -gt "$la_lo" ]
		case $p in
		migrate_cma|sticky)
			oom_area="$oom_area $p:$oom_hi"
			check "seed $seed $p: premature reclaim at 80 % > at 10 %" [ "$pr_hi" -gt "$pr_lo" ] ;;
		*)
			check "seed $seed $p: OOM kills at 80 % > at 10 %" [ "$oom_hi" -gt "$oom_lo" ]
			for a in $oom_area; do
				check "seed $seed: ${a%%:*} OOM-kills less at 80 % than $p" [ "${a#*:}" -lt "$oom_hi" ]
			done ;;
		esac
	done
done
checks_done
