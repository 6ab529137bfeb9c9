#!/bin/sh
# `mmsim bench pressure --quick` prints every field of every case: the churn reference,
# overcommit and anon-2x (bench/README.md).  Only the fields are checked, never a timing:
# the figures depend on the machine and its neighbours.
test_name=bench-pressure
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"

# a bad name or duration is a usage error before anything runs
expect 64 "unknown benchmark 'pressur'" bench pressur
expect 64 "--duration 3x" bench overcommit --quick --duration 3x
pass "bad benchmark name and bad --duration exit 64"

rc=0
MESON_SOURCE_ROOT=$src "$mmsim" bench pressure --quick --keep "$work/traces" > out.txt 2> err.txt || rc=$?
[ "$rc" = 0 ] || fail "bench pressure --quick: exit $rc: $(cat err.txt)"
pass "bench pressure --quick exits 0"

fields="case finished records cpu_s records_per_s ns_per_record ratio_to_churn scanned_per_reclaimed alloc_outcome oom_kill"
for c in churn overcommit anon-2x; do
	for f in $fields; do
		n=$(grep -c "^pressure: $c  *$f  " out.txt || true)
		[ "$n" = 1 ] || fail "case $c: $n lines of field $f in: $(cat out.txt)"
	done
	line=$(grep "^pressure: $c  *alloc_outcome  " out.txt)
	for o in satisfied failed killed unfinished; do
		echo "$line" | grep -q " $o [0-9][0-9]*" || fail "case $c: alloc_outcome lacks '$o N': $line"
	done
	grep -q "^pressure: $c  *finished  *yes (3 of 3 runs" out.txt ||
		fail "case $c did not finish its 3 quick runs: $(grep "^pressure: $c  *finished" out.txt)"
done
pass "every case prints every field, alloc_outcome has all four outcomes"

# the reference is compared with itself; the pressure cases carry both budgets, the reference none
grep -q "^pressure: churn  *ratio_to_churn  *1.00$" out.txt || fail "churn ratio_to_churn is not 1.00"
[ "$(grep -c "^pressure: churn  *budget" out.txt || true)" = 0 ] || fail "the churn reference has a budget line"
for c in overcommit anon-2x; do
	grep -q "^pressure: $c  *budget  *ratio_to_churn <= 3.0: \(met\|NOT MET\)" out.txt ||
		fail "case $c: no ratio_to_churn budget verdict"
	grep -q "^pressure: $c  *budget  *scanned_per_reclaimed <= 4.0: \(met\|NOT MET\)" out.txt ||
		fail "case $c: no scanned_per_reclaimed budget verdict"
done
pass "budgets: ratio <= 3.0 and scanned/reclaimed <= 4.0 on the pressure cases only"

# --keep keeps the traces and a second run reuses them (nothing generated again)
[ "$(ls traces | wc -l)" = 3 ] || fail "--keep: expected 3 traces, got: $(ls traces)"
MESON_SOURCE_ROOT=$src "$mmsim" bench anon-2x --quick --keep "$work/traces" > out2.txt 2> err.txt ||
	fail "bench anon-2x --quick: $(cat err.txt)"
grep -q "generating" out2.txt && fail "the kept traces were generated again: $(cat out2.txt)"
grep -q "^pressure: overcommit" out2.txt && fail "bench anon-2x ran overcommit"
grep -q "^pressure: anon-2x  *finished" out2.txt || fail "bench anon-2x did not run anon-2x"
grep -q "^pressure: churn  *finished" out2.txt || fail "bench anon-2x did not run the churn reference"
pass "--keep reuses the traces; one named case runs with the reference only"

echo "$nr_pass passed, 0 failed"
