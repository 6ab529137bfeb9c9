#!/bin/sh
# Small error paths: a failed write to stdout is an error (exit 74 naming stdout and the
# reason), bad SLURM_ARRAY_* values and unknown report metrics are refused with 64, an
# empty point directory is a plain "no finished runs", a file given as a directory is
# "not a directory", a config FIFO with no writer fails instead of blocking.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
test_name=small-errors
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"
# expect_full CMD...: CMD with stdout on /dev/full exits 74 saying why
expect_full() {
	rc=0
	"$mmsim" "$@" > /dev/full 2> err.txt || rc=$?
	[ "$rc" = 74 ] || fail "mmsim $* > /dev/full: exit $rc, expected 74; stderr: $(cat err.txt)"
	grep -q -F "stdout: No space left on device" err.txt ||
		fail "mmsim $* > /dev/full: stderr lacks the reason: $(cat err.txt)"
}

trace=$src/traces/example.mmt.txt
cfg=$src/configs/default.yaml
runs=$src/tests/data/runs
cat > plan.yaml <<EOF
base: $cfg
set: {workload.generator: "", workload.trace: $trace}
matrix:
  machine.zones.normal: [256MiB, 512MiB]
repeat: 2
EOF

# -- a write to stdout that fails is an error, not exit 0 ---------------------------------
if [ -w /dev/full ]; then
	expect_full compare "$runs/migrate_cma" "$runs/zone_cma"
	expect_full compare --format tsv "$runs/migrate_cma" "$runs/zone_cma"
	expect_full sweep plan.yaml --list
	expect_full inspect "$trace"
	expect_full --version
	pass "compare, sweep --list, inspect, --version > /dev/full: exit 74 'stdout: <reason>'"
else
	echo "skip /dev/full cases (no writable /dev/full)"
fi

# -- an empty point directory: no runs, and no qsort(NULL, 0) (UBSan) on the way ---------
mkdir empty
expect 66 "empty: no finished runs" compare empty "$runs/zone_cma"
expect 66 "empty: no finished runs" report empty -o rep
[ ! -e rep ] || fail "report of an empty directory left rep/"
pass "compare/report of an empty directory: exit 66 'no finished runs'"

# -- sim_read_file() says why a read failed ------------------------------------------------
mkdir adir
expect 66 "adir: read error: Is a directory" sweep adir
expect 66 "adir: read error: Is a directory" gen adir
pass "sweep/gen of a directory: 'read error: Is a directory'"

# -- a file where a run, point or sweep directory is wanted: "not a directory" -------------
echo x > afile
expect 66 "afile: not a directory" compare afile "$runs/zone_cma"
expect 66 "afile: not a directory" compare "afile:mode=none" "$runs/zone_cma"
expect 66 "afile: not a directory" report afile -o rep
expect 66 "nothere: no such directory" compare nothere "$runs/zone_cma"
pass "compare/report of a file: 'not a directory'; of nothing: 'no such directory'"

# -- SLURM_ARRAY_* must be whole decimal numbers (atol() read "x" as 0) ------------------
slurm() { env SLURM_ARRAY_TASK_ID="$1" SLURM_ARRAY_TASK_COUNT="$2" SLURM_ARRAY_TASK_MIN="$3" \
	"$mmsim" sweep plan.yaml --list > out.txt 2> err.txt || echo $? > rc.txt; }
for bad in "x 2 0:SLURM_ARRAY_TASK_ID='x'" "1x 2 1:SLURM_ARRAY_TASK_ID='1x'" \
	"-1 2 0:SLURM_ARRAY_TASK_ID='-1'" "1 two 1:SLURM_ARRAY_TASK_COUNT='two'" \
	"1 2 y:SLURM_ARRAY_TASK_MIN='y'" "1 2 :SLURM_ARRAY_TASK_MIN=''" \
	"1 99999999999999999999 1:SLURM_ARRAY_TASK_COUNT='99999999999999999999'"; do
	want=${bad#*:}
	set -- ${bad%%:*}
	[ $# = 3 ] || set -- "$1" "$2" ""
	rm -f rc.txt
	slurm "$@"
	[ "$(cat rc.txt 2> /dev/null)" = 64 ] || fail "SLURM ($*): exit $(cat rc.txt 2> /dev/null || echo 0), expected 64"
	grep -q -F -e "$want" err.txt || fail "SLURM ($*): stderr lacks \"$want\": $(cat err.txt)"
done
rm -f rc.txt
slurm 3 2 2
[ ! -e rc.txt ] || fail "SLURM ID=3 COUNT=2 MIN=2 (shard 2/2) refused: $(cat err.txt)"
[ "$(cut -f1 out.txt | tr '\n' ' ')" = "1 3 " ] || fail "SLURM shard 2/2 listed units $(cut -f1 out.txt)"
pass "SLURM_ARRAY_TASK_ID/COUNT/MIN: junk, signs, overflow exit 64 naming the variable"

# -- report --metric of a name no run has: refused, not an empty chart ---------------------
MMSIM_GNUPLOT=/nonexistent/gnuplot expect 64 "close names: counters.compact_stall" \
	report "$runs/migrate_cma" "$runs/zone_cma" -o rep --metric counters.compact
[ ! -e rep ] || fail "report --metric of an unknown name left rep/"
pass "report --metric counters.compact: exit 64 naming the close name counters.compact_stall"

# -- a config that is a FIFO with no writer: refused after SIM_INPUT_WAIT_S (5 s), not a hang ---
mkfifo cfg.fifo
rc=0
timeout 30 "$mmsim" run cfg.fifo -o fifo-run > out.txt 2> err.txt || rc=$?
[ "$rc" = 66 ] || fail "run on a config FIFO with no writer: exit $rc, expected 66: $(cat err.txt)"
grep -q -F "cfg.fifo: no writer" err.txt || fail "run on a config FIFO: stderr lacks 'no writer': $(cat err.txt)"
pass "run on a config FIFO with no writer: exit 66 'no writer'"

# -- an ftrace capture on a FIFO with a writer imports (no source_sha256: it cannot be reread)
mkfifo cap.fifo
gzip -dc "$src/tests/data/real/tracefs-small/trace.txt.gz" > cap.fifo &
rc=0
timeout 60 "$mmsim" import cap.fifo -o cap.mmt.gz > out.txt 2> err.txt || rc=$?
wait
[ "$rc" = 0 ] || fail "import from a FIFO with a writer: exit $rc: $(cat err.txt)"
"$mmsim" inspect cap.mmt.gz > ins.txt || fail "inspect of the FIFO import"
grep -q "source_sha256" ins.txt && fail "import from a FIFO claims a source_sha256"
pass "import from a FIFO with a writer: imported, no source_sha256"

echo "$nr_pass passed, 0 failed"
