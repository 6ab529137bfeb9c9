#!/bin/sh
# test_swap_readahead.sh — many tasks swapping through readahead keep every invariant.
# kbuild (seed 3, 1 s) on a 512 MiB machine with 1 GiB of swap: its tasks fault pages in
# while others' faults read the same windows ahead, and allocations sleep in direct reclaim
# in between (a fault run again as an actor).  Before the fault re-checked its own page
# after the readahead's allocations, a page another task had read ahead was allocated a
# second time and the first left without an owner (the checker stopped at record 280,000).
test_name=swap_readahead; . "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"

"$mmsim" gen "$src/workloads/kbuild.yaml" --seed 3 --set duration=1s -o t.mmt.gz 2> /dev/null
cat > run.yaml <<'Y'
machine:
  zones:
    dma32: 512MiB
    normal: 0
devices:
  swap:
    size: 1GiB
workload:
  trace: t.mmt.gz
Y
rc=0
"$mmsim" run run.yaml -o out --check 20000 > /dev/null 2> err.txt || rc=$?
[ "$rc" = 0 ] || fail "run with the invariant checker every 20000 records: exit $rc: $(cat err.txt)"
pass "kbuild under swap pressure keeps every invariant (checked every 20000 records)"

v() { awk -v k="$1" '$1 == k { print $2 }' out/vmstat; }
[ "$(v pswpin)" -gt 0 ] || fail "no swap-ins: pswpin $(v pswpin)"
[ "$(v swap_ra)" -gt 0 ] || fail "no readahead: swap_ra $(v swap_ra)"
[ "$(v swap_ra_hit)" -gt 0 ] || fail "no readahead hits: swap_ra_hit $(v swap_ra_hit)"
[ "$(v pgmajfault)" -lt "$(v pswpin)" ] || fail "every swap-in a major fault: pgmajfault $(v pgmajfault), pswpin $(v pswpin)"
pass "swap-ins read ahead: pswpin $(v pswpin), swap_ra $(v swap_ra), swap_ra_hit $(v swap_ra_hit), pgmajfault $(v pgmajfault)"
echo "$nr_pass passed, 0 failed"
