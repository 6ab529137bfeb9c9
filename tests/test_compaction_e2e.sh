#!/bin/sh
# End-to-end compaction scenarios through `mmsim run`.
#  manual-compact: the snapshot before the `compact` record has most free memory in small
#    blocks; the one after has most of it at order >= 8 (the 2007 cover letter's shape).
#  compaction_test: the kselftest bar -- huge pages cover >= 1/3 of the memory free at the
#    start (the generator asks for memory / 2 MiB = 2048 of them on the 4 GiB machine);
#    with the chunks pinned the bar must fail.
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
[ "$before" -lt 20 ]; check "manual-compact before: small blocks" $?
[ "$after" -ge 70 ]; check "manual-compact after: order >= 8" $?
grep -q '"compact_migrate_scanned": [1-9]' "$out/mc/summary.json"; check "manual-compact scanned" $?
grep -q '"pgmigrate_success": [1-9]' "$out/mc/summary.json"; check "manual-compact migrated" $?

"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test.yaml" -o "$out/ct" >/dev/null
failed=$(tr -d ' \n' < "$out/ct/summary.json" | sed 's/.*"alloc_outcome":{.*"highorder":{"requests":[0-9]*,"failed":\([0-9]*\).*/\1/')
present=$(awk '/^ *present/ { s += $2 } END { print s }' "$out/ct/zoneinfo")
got=$((2048 - failed))
echo "     compaction_test: $got huge pages of 2048 requested; bar $present / 3 pages"
[ $((got * 512 * 3)) -ge "$present" ]; check "compaction_test: >= 1/3 of memory as order-9" $?

# The pinned variant: every chunk page is pinned, and the chunks are faulted two at a time
# (neighbouring pages belong to different chunks), so the freed chunks leave single free
# pages between pinned ones that compaction cannot move: the bar must fail.
"$MMSIM" run "$MESON_SOURCE_ROOT/configs/compaction_test-pinned.yaml" -o "$out/ctp" >/dev/null
failed=$(tr -d ' \n' < "$out/ctp/summary.json" | sed 's/.*"alloc_outcome":{.*"highorder":{"requests":[0-9]*,"failed":\([0-9]*\).*/\1/')
gotp=$((2048 - failed))
echo "     compaction_test pinned: $gotp huge pages of 2048 requested; bar $present / 3 pages"
[ $((gotp * 512 * 3)) -lt "$present" ]; check "compaction_test pinned: misses the 1/3 bar" $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
