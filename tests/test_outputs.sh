#!/bin/sh
# Outputs never replace anything but a regular file or a directory mmsim made
# (sim/common.c atomic_open/atomic_commit; sim/stats/rundir.c; sim/report/).
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.  Device-node cases need root
# (mknod); without it they are skipped and the rest still runs.
test_name=outputs
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
mnt=""
cleanup() { [ -n "$mnt" ] && umount "$mnt" 2> /dev/null; cleanup_work; }
cd "$work"
root=false
[ "$(id -u)" = 0 ] && root=true
wl=$src/workloads/churn.yaml
gen() { "$mmsim" gen "$wl" --set records=50 --seed 1 "$@"; }
ftrace=$src/tests/data/ftrace/scenario.trace

# -- item: gen -o / import -o onto a node, link or FIFO is refused, the node untouched --
gen -o plain.mmt.txt 2> /dev/null || fail "gen onto a fresh path"
gen -o plain.mmt.txt 2> /dev/null || fail "gen over its own regular file"
echo keep > target
ln -s target link
expect 73 "is a symbolic link" gen "$wl" --set records=50 -o link
[ -L link ] && [ "$(cat target)" = keep ] || fail "gen -o link replaced the link or its target"
expect 73 "is a symbolic link" import "$ftrace" -o link
[ -L link ] || fail "import -o link replaced the link"
mkfifo fifo
expect 73 "is a FIFO" gen "$wl" --set records=50 -o fifo
expect 73 "is a FIFO" import "$ftrace" -o fifo
[ -p fifo ] || fail "the FIFO was replaced"
mkdir adir
expect 73 "is a directory" gen "$wl" --set records=50 -o adir
[ -d adir ] || fail "the directory was replaced"
ls ./*.tmp.* > /dev/null 2>&1 && fail "a refused output left a temporary file"
pass "gen/import -o onto a symlink, FIFO or directory: exit 73, left as it was"
if $root && mknod null c 1 3 2> /dev/null; then
	expect 73 "is a character device" gen "$wl" --set records=50 -o null
	expect 73 "is a character device" import "$ftrace" -o null
	[ -c null ] || fail "the device node was replaced by a regular file"
	pass "gen/import -o onto a character device node: exit 73, node intact"
else
	echo "skip device-node case (needs root and mknod)"
fi

# -- item: times near 2^64 end the sampling instead of wrapping it; they print unsigned --
cfg=$src/configs/default.yaml
run() { t=$1 o=$2; shift 2; "$mmsim" run "$cfg" --set workload.generator= --set "workload.trace=$t" -o "$o" "$@"; }
printf '# mmsim-trace v1\n18446744073709551000 alloc id=8 order=0 gfp=GFP_HIGHUSER_MOVABLE task=12\n18446744073709551615 free id=8 task=12\n' > big.mmt.txt
# A wrapped tick samples forever: the file-size limit stops that within a few MB (SIGXFSZ).
rc=0
(ulimit -f 8192; run big.mmt.txt big > /dev/null 2> err.txt) || rc=$?
[ "$rc" = 0 ] || fail "run with records at 2^64-616 and 2^64-1: exit $rc: $(cat err.txt)"
[ "$(cut -f1 big/timeseries.tsv | tr '\n' ' ')" = "time_ns 18446744073709551000 18446744073709551615 " ] ||
	fail "timeseries times near 2^64: $(cut -f1 big/timeseries.tsv | tr '\n' ' ')"
pass "records at 2^64-616 and 2^64-1: the run ends, times print unsigned"

# -- item: a write error during a run stops it with exit 74 and the errno text ---------
# With SIGXFSZ ignored (inherited across exec), writing past ulimit -f fails with EFBIG.
rc=0
(trap '' XFSZ; ulimit -f 64; run "$src/traces/example.mmt.txt" efbig --set output.sample_interval=1ns \
	> /dev/null 2> err.txt) || rc=$?
[ "$rc" = 74 ] || fail "run past the file-size limit: exit $rc, expected 74: $(cat err.txt)"
grep -q "timeseries.tsv: write failed: File too large" err.txt || fail "run write error message: $(cat err.txt)"
pass "a timeseries write error stops the run: exit 74 naming the file and the errno text"

# -- item: a run directory appears complete or not at all; a rerun replaces it whole -----
ex=$src/traces/example.mmt.txt
run "$ex" rd/run 2> /dev/null || fail "run into a fresh rd/run"
mkdir rd/run/snapshots/stale-0
run "$ex" rd/run 2> /dev/null || fail "rerun into rd/run"
[ ! -e rd/run/snapshots/stale-0 ] || fail "a rerun kept the previous run's snapshots/stale-0"
[ -f rd/run/summary.json ] && [ -d rd/run/snapshots/3-7000 ] || fail "the rerun's files are missing"
ls rd | grep -q tmp && fail "a finished run left a temporary directory: $(ls rd)"
printf '# mmsim-trace v1\n1000 alloc id=7 order=2 gfp=GFP_KERNEL task=12\n2000 bogus x\n' > bad.mmt.txt
rc=0
run bad.mmt.txt rd/bad 2> err.txt || rc=$?
[ "$rc" = 65 ] || fail "run on a corrupt trace: exit $rc, expected 65: $(cat err.txt)"
[ "$(ls rd)" = run ] || fail "a run that failed on a corrupt trace left: $(ls rd)"
rc=0
(trap '' XFSZ; ulimit -f 64; run "$ex" rd/run --set output.sample_interval=1ns > /dev/null 2> err.txt) || rc=$?
[ "$rc" = 74 ] || fail "failed rerun: exit $rc, expected 74: $(cat err.txt)"
[ -d rd/run/snapshots/3-7000 ] && [ "$(ls rd)" = run ] || fail "a failed rerun damaged the previous run: $(ls rd)"
mkdir mine && echo data > mine/notes.txt
expect 73 "holds 'notes.txt'" run "$cfg" --set workload.generator= --set "workload.trace=$ex" -o mine
[ "$(ls mine)" = notes.txt ] || fail "run -o into a directory it did not make changed it: $(ls mine)"
pass "run: failed runs leave no directory, reruns replace it whole, foreign directories refused (73)"

# -- item: a report appears complete or not at all ----------------------------------------
runs="$src/tests/data/runs/migrate_cma $src/tests/data/runs/zone_cma"
# A gnuplot that exits 0 leaving a truncated PNG (what a nearly full disk does to it).
cat > fakeplot <<'GP'
#!/bin/sh
out=$(printf '%s' "$2" | sed -n "s/.*out='\([^']*\)'.*/\1/p")
printf '\211PNG\r\n\032\n\0\0\0\rIHDR truncated' > "$out"
GP
chmod +x fakeplot
rc=0
MMSIM_GNUPLOT=$work/fakeplot "$mmsim" report $runs -o rep1 > /dev/null 2> err.txt || rc=$?
[ "$rc" = 74 ] || fail "report with truncated figures: exit $rc, expected 74: $(cat err.txt)"
grep -q "figure rendering(s) failed; no report written" err.txt || fail "report failure message: $(cat err.txt)"
[ ! -e rep1 ] && ! ls -d rep1.* > /dev/null 2>&1 || fail "a failed report left: $(ls -d rep1*)"
printf '#!/bin/sh\nexit 1\n' > failplot && chmod +x failplot
rc=0
MMSIM_GNUPLOT=$work/failplot "$mmsim" report $runs -o rep1 > /dev/null 2> err.txt || rc=$?
[ "$rc" = 74 ] && [ ! -e rep1 ] || fail "report whose figures fail: exit $rc, expected 74 and no rep1"
pass "report: truncated or failed figures -> exit 74, no partial report"
if command -v gnuplot > /dev/null 2>&1; then
	"$mmsim" report $runs -o rep2 > /dev/null 2>&1 || fail "report into rep2"
	touch rep2/fig/stale.png
	"$mmsim" report $runs -o rep2 > /dev/null 2>&1 || fail "report again into rep2"
	[ ! -e rep2/fig/stale.png ] && [ -s rep2/index.html ] || fail "a rerun of report did not replace rep2 whole"
	ls | grep -q 'rep2\.' && fail "a finished report left a temporary directory"
	expect 73 "holds 'notes.txt'" report $runs -o mine
	pass "report: a rerun replaces the report whole; a foreign directory is refused (73)"
else
	echo "skip report rerun case (no gnuplot)"
fi

# -- small item: gen and run interrupted by SIGINT/SIGTERM say so and leave no temporaries --
big=$src/workloads/churn-10m.yaml
# interrupt SIG NAME CMD...: start CMD, signal it after a second; it must exit 128+N saying
# it was interrupted.  Skips (returns 1) when CMD finished before the signal.
interrupt() {
	sig=$1 code=$2
	shift 2
	# a background job of a script starts with SIGINT ignored (and mmsim keeps it so):
	# env --default-signal gives it the default disposition an interactive one has
	env --default-signal=INT "$mmsim" "$@" > /dev/null 2> err.txt &
	pid=$!
	sleep 1
	kill -s "$sig" "$pid" 2> /dev/null || { wait "$pid" || true; return 1; }
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = "$code" ] || fail "mmsim $* on SIG$sig: exit $rc, expected $code: $(cat err.txt)"
	grep -q "interrupted by SIG$sig" err.txt || fail "mmsim $* on SIG$sig: not said: $(cat err.txt)"
}
mkdir sig && cd sig
if interrupt INT 130 gen "$big" -o g.mmt.gz && interrupt TERM 143 gen "$big" -o g.mmt.gz &&
	interrupt TERM 143 run "$cfg" --set workload.trace= --set "workload.generator=$big" -o r &&
	interrupt INT 130 run "$cfg" --set workload.trace= --set "workload.generator=$big" -o r; then
	[ "$(ls -A)" = err.txt ] || fail "interrupted gen/run left: $(ls -A)"
	pass "gen/run on SIGINT/SIGTERM: exit 130/143, say so, leave nothing"
else
	echo "skip interrupt case (the command finished within a second)"
fi
cd "$work"

# -- disk full (a small tmpfs; root only): no run directory that looks finished ----------
if $root && mkdir mnt && mount -t tmpfs -o size=192k tmpfs mnt 2> /dev/null; then
	mnt=$work/mnt
	rc=0
	run "$ex" mnt/run --set output.sample_interval=1ns > /dev/null 2> err.txt || rc=$?
	[ "$rc" = 74 ] || fail "run on a full disk: exit $rc, expected 74: $(cat err.txt)"
	grep -q "No space left on device" err.txt || fail "full disk: no errno text: $(cat err.txt)"
	[ -z "$(ls mnt)" ] || fail "a run on a full disk left: $(ls -R mnt)"
	if command -v gnuplot > /dev/null 2>&1; then
		rc=0
		"$mmsim" report $runs -o mnt/rep > /dev/null 2> err.txt || rc=$?
		[ "$rc" = 74 ] || fail "report on a full disk: exit $rc, expected 74: $(cat err.txt)"
		[ -z "$(ls mnt)" ] || fail "a report on a full disk left: $(ls -R mnt)"
	fi
	umount mnt && mnt=""
	pass "run and report on a full tmpfs: exit 74 with the errno text, nothing left behind"
else
	echo "skip disk-full case (needs root and a tmpfs mount)"
fi

echo "$nr_pass passed"
