#!/bin/sh
# End-to-end compaction scenarios through `mmsim run`.
#  manual-compact: the snapshot before the `compact` record has most free memory in small
#    blocks; the one after has most of it at order >= 8 (the 2007 cover letter's shape).
#  compaction_test: the kselftest's verdict (configs/scenarios.sh selftest): passes on the
#    fresh machine without compaction; on the aged machine it passes with direct compaction
#    and fails without it, and fails when the chunk pages are pinned.
# Needs MMSIM (the built binary) and MESON_SOURCE_ROOT (both set by tests/meson.build).
set -eu
: "${MMSIM:?}" "${MESON_SOURCE_ROOT:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
pass=0
check() { # check NAME CONDITION-EXIT-STATUS
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
# Percent of the free pages of zone Normal in blocks of order >= 8, from a buddyinfo file.
hi_share() {
	awk '$4 == "Normal" { t = 0; h = 0; for (o = 0; o <= 10; o++) { p = $(5 + o) * 2 ^ o; t += p; if (o >= 8) h += p }
	     printf "%d\n", t ? h * 100 / t : 0 }' "$1"
}

"$MMSIM" run "$MESON_SOURCE_ROOT/configs/manual-compact.yaml" -o "$out/mc" >/dev/null
before=$(hi_share "$(ls -d "$out"/mc/snapshots/1-*)/buddyinfo")
after=$(hi_share "$(ls -d "$out"/mc/snapshots/2-*)/buddyinfo")
echo "     manual-compact: free memory at order >= 8: ${before}% before, ${after}% after"
# Before: only the never-used tail of the zone (one order-8 block of ~2250 free pages,
# ~11%) is large; after: everything below the scanners' meeting point is free (>= 70%).
[ "$before" -lt 20 ] && r=0 || r=1; check "manual-compact before: small blocks" $r
[ "$after" -ge 70 ] && r=0 || r=1; check "manual-compact after: order >= 8" $r
grep -q '"compact_migrate_scanned": [1-9]' "$out/mc/summary.json" && r=0 || r=1; check "manual-compact scanned" $r
grep -q '"pgmigrate_success": [1-9]' "$out/mc/summary.json" && r=0 || r=1; check "manual-compact migrated" $r

# compaction_test as the selftest judges it (configs/scenarios.sh selftest: MemFree at the
# test's start from snapshot 1, pass when more than 0.2 * MemFree became huge pages).
verdict() { # verdict NAME RUNDIR EXPECTED
	set -- "$1" "$2" "$3" $("$MESON_SOURCE_ROOT/configs/scenarios.sh" selftest "$2")
	echo "     $1: MemFree $4 kB, $6 of $5 huge pages: $7"
	[ "$7" = "$3" ] && r=0 || r=1; check "$1: $3" $r
}
stalls() { tr -d ' \n' < "$1/summary.json" | sed -n 's/.*"compact_stall":\([0-9]*\).*/\1/p'; }

# Fresh machine: the freed chunks are whole free pageblocks, so it passes with no
# compaction at all (what the page says: the fresh run is trivial).
"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test.yaml" -o "$out/ct" >/dev/null
verdict "compaction_test fresh" "$out/ct" pass
[ "$(stalls "$out/ct")" -eq 0 ] && r=0 || r=1; check "compaction_test fresh: no compaction needed" $r

# Aged machine: it passes only because compaction moves the locked chunk pages ...
"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test-aged.yaml" -o "$out/cta" >/dev/null
verdict "compaction_test aged" "$out/cta" pass
[ "$(stalls "$out/cta")" -gt 0 ] && r=0 || r=1; check "compaction_test aged: direct compaction ran" $r
# ... so it fails without direct compaction ...
"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test-aged.yaml" --set policy.compaction.direct=false \
	-o "$out/ctad" >/dev/null
verdict "compaction_test aged, no direct compaction" "$out/ctad" fail
# ... and when the chunk pages cannot move (pinned long-term), getting at most half of what
# the movable chunks get.
"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test-aged.yaml" \
	--set workload.generator="$MESON_SOURCE_ROOT/workloads/compaction_test-aged-pinned.yaml" -o "$out/ctap" >/dev/null
verdict "compaction_test aged, pinned chunks" "$out/ctap" fail
got_movable=$("$MESON_SOURCE_ROOT/configs/scenarios.sh" selftest "$out/cta" | cut -d' ' -f3)
got_pinned=$("$MESON_SOURCE_ROOT/configs/scenarios.sh" selftest "$out/ctap" | cut -d' ' -f3)
[ $((got_pinned * 2)) -le "$got_movable" ] && r=0 || r=1
check "compaction_test aged, pinned chunks: at most half of movable ($got_pinned of $got_movable)" $r

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
