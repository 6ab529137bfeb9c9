#!/bin/sh
# The command line rules every subcommand shares (sim/cli/opts.c): unknown options and
# missing or bad values exit 64 naming the option; --set=K=V is --set K=V, -j2 is -j 2,
# --long=value is --long value; --help lists every option of the subcommand's table.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
test_name=cli
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"

trace=$src/traces/example.mmt.txt
cfg=$src/configs/default.yaml
# a run of the default machine on the example trace; extra arguments follow
run() { "$mmsim" run "$cfg" --set workload.generator= --set "workload.trace=$trace" "$@"; }

# -- every subcommand: unknown options, missing values, --help from the table ------------
# subcommand, then every long option of its table (the help must list each)
tables="run:--output,--set,--seed,--check
gen:--output,--seed,--set
import:--output,--summary,--lenient,--window-us,--usec,--vmstat-before,--vmstat-after,--prefill,--zoneinfo
inspect:--records
sweep:--output,--jobs,--shard,--list
merge:--output
compare:--metric,--all,--format
report:--output,--metric,--max-series
bench:--keep"
for line in $tables; do
	cmd=${line%%:*}
	"$mmsim" "$cmd" --help > help.txt || fail "$cmd --help exits $?"
	"$mmsim" "$cmd" -h | cmp -s - help.txt || fail "$cmd -h differs from --help"
	grep -q "^usage: mmsim $cmd " help.txt || fail "$cmd --help has no usage line"
	for opt in $(echo "${line#*:}" | tr , ' ') --help; do
		grep -q -e "[ ,]$opt\\b" help.txt || fail "$cmd --help does not list $opt"
	done
	expect 64 "unknown option '--bogus'" "$cmd" x --bogus
	expect 64 "unknown option '--bogus=1'" "$cmd" x --bogus=1
	expect 64 "unknown option '-Z'" "$cmd" x -Z
	# the last option of the table without its value
	last=$(echo "${line#*:}" | tr , '\n' | tail -1)
	case $last in --summary | --lenient | --usec | --list | --all) ;; *)
		expect 64 "$last needs a value" "$cmd" x "$last" ;;
	esac
done
expect 64 "-o needs a value" run x -o
expect 64 "-j needs a value" sweep x -j
pass "unknown option / missing value -> 64 naming it; --help lists every option (9 subcommands)"

# -- --seed: a full decimal u64 everywhere ---------------------------------------------
for cmd in run gen; do
	for bad in 12x -1 18446744073709551616 0x10 ''; do
		expect 64 "--seed" "$cmd" x --seed "$bad"
		expect 64 "'$bad'" "$cmd" x "--seed=$bad"
	done
done
run -o max --seed 18446744073709551615 > /dev/null 2>&1 || fail "--seed UINT64_MAX refused"
grep -q '"seed": 18446744073709551615' max/summary.json || fail "--seed UINT64_MAX not used"
pass "--seed 12x / -1 / 2^64 / 0x10 / '' -> 64 in run and gen; 2^64-1 accepted"

# -- --check: a record interval 0..INT_MAX ----------------------------------------------
for bad in 9x -1 2147483648 ''; do
	expect 64 "--check" run x --check "$bad"
done
run -o chk --check 9 2> chk.err || fail "--check 9: $(cat chk.err)"
pass "--check 9x / -1 / 2^31 -> 64; --check 9 runs"

# -- other numbers and choices are validated the same way ---------------------------------
expect 64 "-j wants a decimal number 1..4096, not '0'" sweep x -j0
expect 64 "--jobs wants a decimal number 1..4096, not '4097'" sweep x --jobs=4097
expect 64 "--window-us wants a decimal number 1..3600000000, not '0'" import x --window-us 0
expect 64 "--records wants a decimal number" inspect "$trace" --records=-2
expect 64 "--max-series wants a decimal number" report x --max-series -1
expect 64 "--format wants one of text, markdown, html, tsv, not 'pdf'" compare a b --format pdf
expect 64 "--list takes no value" sweep x --list=yes
expect 64 "missing CONFIG" run
expect 64 "unexpected argument 'b'" run a b
pass "ranges, choices, flags with values, positionals -> 64"

# -- equal spellings give equal results -------------------------------------------------
same_run() { # DIR_A DIR_B: the same run output (the directory name aside)
	for f in buddyinfo pagetypeinfo vmstat zoneinfo timeseries.tsv latency.tsv; do
		cmp -s "$1/$f" "$2/$f" || fail "$1/$f differs from $2/$f"
	done
	grep -v '"dir"' "$1/summary.json" > a.json
	grep -v '"dir"' "$2/summary.json" > b.json
	cmp -s a.json b.json || fail "$1/summary.json differs from $2/summary.json"
}
run -o s1 --set policy.cma.mode=migrate_cma --set policy.cma.regions.0.size=64MiB --seed 3 2> /dev/null ||
	fail "run --set K=V"
run --output=s2 --set=policy.cma.mode=migrate_cma --set=policy.cma.regions.0.size=64MiB --seed=3 2> /dev/null ||
	fail "run --set=K=V"
run -os3 --set=policy.cma.mode=migrate_cma --set policy.cma.regions.0.size=64MiB --seed 3 2> /dev/null ||
	fail "run -oDIR"
same_run s1 s2
same_run s1 s3
grep -q '"migrate_cma"' s2/summary.json || fail "--set=K=V not applied"
run -o s4 --set policy.cma.mode=none --seed 3 2> /dev/null || fail "run mode none"
cmp -s s1/vmstat s4/vmstat && fail "the --set made no difference: the comparison proves nothing"
pass "run: --set=K=V == --set K=V, --output=DIR == -o DIR == -oDIR, --seed=N == --seed N"

"$mmsim" gen "$src/workloads/churn.yaml" -o g1.mmt.txt --set records=200 --seed 9 2> /dev/null || fail "gen"
"$mmsim" gen "$src/workloads/churn.yaml" --output=g2.mmt.txt --set=records=200 --seed=9 2> /dev/null ||
	fail "gen --long=value"
cmp -s g1.mmt.txt g2.mmt.txt || fail "gen: --set=K=V / --output= / --seed= differ from the spaced forms"
"$mmsim" inspect g1.mmt.txt --records 3 > i1.txt && "$mmsim" inspect g1.mmt.txt --records=3 > i2.txt ||
	fail "inspect --records"
cmp -s i1.txt i2.txt || fail "inspect --records=3 differs from --records 3"
pass "gen and inspect: --long=value == --long value"

# a sweep of two points with the real mmsim run: -j2 == -j 2 == --jobs=2
cat > plan.yaml <<EOF
base: $cfg
set: {workload.generator: "", workload.trace: $trace}
matrix:
  machine.zones.normal: [256MiB, 512MiB]
repeat: 2
EOF
"$mmsim" sweep plan.yaml -o J1 -j2 2> /dev/null || fail "sweep -j2"
"$mmsim" sweep plan.yaml -o J2 -j 2 2> /dev/null || fail "sweep -j 2"
"$mmsim" sweep plan.yaml --output=J3 --jobs=2 2> /dev/null || fail "sweep --jobs=2"
for d in J2 J3; do
	for f in plan.yaml points.tsv results.tsv; do
		cmp -s "J1/$f" "$d/$f" || fail "sweep: $d/$f differs from J1/$f"
	done
done
[ "$(find J1/runs -name summary.json | wc -l)" = 4 ] || fail "sweep -j2 did not finish 4 runs"
"$mmsim" compare --format tsv J1 > c1.txt 2> /dev/null && "$mmsim" compare --format=tsv J1 > c2.txt 2> /dev/null ||
	fail "compare --format"
cmp -s c1.txt c2.txt && [ -s c1.txt ] || fail "compare --format=tsv differs from --format tsv"
pass "sweep -j2 == -j 2 == --jobs=2; compare --format=tsv == --format tsv"

# -- an imported trace's prefill that does not fit above the watermarks is reported -----
# 8 MiB (2048 pages): a second order-10 block cannot pass the low watermark, so kswapd
# wakes before the capture's first record; an order-10 and an order-9 block fit.
printf '# mmsim-trace v2\n# generator: hand\n# import.prefill_records: 2\n0 alloc id=1 order=10 gfp=GFP_HIGHUSER_MOVABLE task=1\n0 alloc id=2 order=%s gfp=GFP_HIGHUSER_MOVABLE task=1\n1000 alloc id=3 order=0 gfp=GFP_HIGHUSER_MOVABLE task=1\n' 10 > pf10.mmt.txt
sed 's/^0 alloc id=2 order=10/0 alloc id=2 order=9/' pf10.mmt.txt > pf9.mmt.txt
small="--set machine.zones.dma=0 --set machine.zones.dma32=0 --set machine.zones.normal=8MiB"
# shellcheck disable=SC2086 # the --set words split on purpose
"$mmsim" run "$cfg" --set workload.generator= --set workload.trace=pf10.mmt.txt $small -o PF10 2> pf10.err ||
	fail "run of a prefill that does not fit: $(cat pf10.err)"
grep -q "warning: the imported prefill did not fit above the watermarks: kswapd ran 1 times" pf10.err ||
	fail "a prefill that does not fit is not reported: $(cat pf10.err)"
# shellcheck disable=SC2086
"$mmsim" run "$cfg" --set workload.generator= --set workload.trace=pf9.mmt.txt $small -o PF9 2> pf9.err ||
	fail "run of a prefill that fits: $(cat pf9.err)"
grep -q "prefill did not fit" pf9.err && fail "a prefill that fits is reported: $(cat pf9.err)"
pass "a prefill that does not fit above the watermarks is reported, one that fits is not"

echo "$nr_pass passed, 0 failed"
