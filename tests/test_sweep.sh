#!/bin/sh
# End-to-end tests of mmsim sweep / merge / compare / report.
#   test_sweep.sh core      expansion, seeds stable across runs and -j, resume after kill -9,
#                           shard 1/2 + 2/2 merged == unsharded (byte for byte), Slurm env,
#                           failing points, compare; the real `mmsim run` when it exists
#   test_sweep.sh parallel  the GNU parallel line of docs/sweeps.md, two local job slots
#   test_sweep.sh report    report on fixture runs: every gnuplot script renders a PNG, the
#                           HTML references only files that exist
#   test_sweep.sh chromium  the report of a sweep with a plan's headline opens in headless
#                           Chromium: no console error, no image or SVG that fails to load,
#                           the headline table there; a screenshot kept under the build dir
# Exit 77 (meson: skipped) when parallel / gnuplot / chromium is absent.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
mode=${1:-core}
test_name=sweep-$mode
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
export MMSIM_PLOTS_DIR="$src/plots"
export MMSIM_RUN_CMD="$src/tests/data/fake-mmsim-run.sh"

cd "$work"
# 3 modes x 2 sizes minus (none, 128MiB) = 5 points; x 3 repeats = 15 units
cat > plan.yaml <<'EOF'
base: base.yaml
matrix:
  policy.cma.mode: [none, migrate_cma, sticky_movable]
  machine.zones.normal: [64MiB, 128MiB]
exclude:
  - {policy.cma.mode: none, machine.zones.normal: 128MiB}
repeat: 3
seed: 42
metrics: [counters.pgalloc_normal, latency.movable.p99_ns, alloc_outcome.highorder.failed]
EOF
: > base.yaml

unsharded() {
	"$mmsim" sweep plan.yaml -o A -j 1 2> A.log || { cat A.log; fail "unsharded sweep"; }
}

case $mode in
core)
	n=$("$mmsim" sweep plan.yaml --list | wc -l)
	[ "$n" = 15 ] || fail "expected 15 units, got $n"
	n1=$("$mmsim" sweep plan.yaml --list --shard 1/2 | wc -l)
	n2=$("$mmsim" sweep plan.yaml --list --shard 2/2 | wc -l)
	[ "$n1" = 8 ] && [ "$n2" = 7 ] || fail "shards of 15 units should be 8 + 7, got $n1 + $n2"
	"$mmsim" sweep plan.yaml --list | cut -f2 | sort -u | grep -q '^policy.cma.mode=none,machine.zones.normal=128MiB$' &&
		fail "excluded point listed"
	pass "expansion: 5 points x 3 repeats, shards 8 + 7, exclusion"

	unsharded
	[ "$(done_runs A)" = 15 ] || fail "unsharded sweep finished $(done_runs A) of 15"
	for f in plan.yaml points.tsv results.tsv; do [ -s "A/$f" ] || fail "A/$f missing"; done
	cmp -s plan.yaml A/plan.yaml || fail "plan.yaml not copied verbatim"
	# a metric inside nested objects (alloc_outcome.<class>.<outcome>): per point, n = 3
	[ "$(awk -F'\t' '$2 == "alloc_outcome.highorder.failed" && $3 == 3' A/results.tsv | wc -l)" = 5 ] ||
		fail "results.tsv lacks alloc_outcome.highorder.failed for the 5 points"
	"$mmsim" sweep plan.yaml -o B -j 2 2> B.log || { cat B.log; fail "sweep -j2"; }
	diff -r A B > /dev/null || fail "-j1 and -j2 outputs differ"
	# seeds are a function of the plan only: the list is the same in a fresh process
	"$mmsim" sweep plan.yaml --list | cut -f1-4 > seeds1
	grep -v '^#' A/points.tsv | cut -f1-4 > seeds2
	cmp -s seeds1 seeds2 || fail "seeds differ between --list and the sweep"
	pass "-j1 == -j2 byte for byte; seeds stable"

	# progress line only on a terminal (script(1) provides one)
	grep -q '\[sweep\]' A.log && fail "progress line written to a non-terminal"
	if command -v script > /dev/null 2>&1; then
		script -qec "'$mmsim' sweep plan.yaml -o T -j 2" /dev/null > tty.log 2>&1 || fail "sweep on a tty"
		tr '\r' '\n' < tty.log | grep -q '^.*\[sweep\] 15/15 done (0 already), 0 failed, ETA 0:00' ||
			fail "no progress line on a terminal: $(cat -v tty.log | head -5)"
		pass "progress line (done/total, ETA) on a terminal only"
	fi

	# rerun of a finished sweep runs nothing
	FAKE_RUN_LOG="$work/rerun.log" "$mmsim" sweep plan.yaml -o A -j 2 2> /dev/null || fail "rerun"
	[ ! -s rerun.log ] || fail "a finished sweep reran units: $(cat rerun.log)"
	pass "finished units are never rerun"

	"$mmsim" sweep plan.yaml -o S1 --shard 1/2 2> /dev/null || fail "shard 1/2"
	"$mmsim" sweep plan.yaml -o S2 --shard 2/2 2> /dev/null || fail "shard 2/2"
	[ "$(done_runs S1)" = 8 ] && [ "$(done_runs S2)" = 7 ] || fail "shard sizes"
	"$mmsim" merge -o M S1 S2 2> /dev/null || fail "merge"
	diff -r A M || fail "merged shards differ from the unsharded sweep"
	# merging into the first shard directory gives the same
	"$mmsim" merge S1 S2 2> /dev/null || fail "merge into S1"
	diff -r A S1 > /dev/null || fail "merge into the first shard differs"
	SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=2 \
		"$mmsim" sweep plan.yaml -o L2 2> /dev/null || fail "slurm shard"
	diff -r S2 L2 > /dev/null || fail "SLURM_ARRAY_TASK_ID=1 (of 0-1) is not shard 2/2"
	# shards may also share one directory (a shared file system), at the same time
	"$mmsim" sweep plan.yaml -o SH --shard 1/2 -j 1 2> /dev/null &
	p1=$!
	"$mmsim" sweep plan.yaml -o SH --shard 2/2 -j 1 2> /dev/null || fail "shared shard 2/2"
	wait $p1 || fail "shared shard 1/2"
	"$mmsim" merge SH 2> /dev/null || fail "merge of one directory"
	diff -r A SH > /dev/null || fail "shards sharing a directory differ from the unsharded sweep"
	pass "shard 1/2 + 2/2 merged == unsharded; Slurm array variables; shards sharing a dir"

	# kill -9 halfway, rerun: finishes the rest, nothing lost, nothing run twice
	FAKE_RUN_SLEEP=0.3 FAKE_RUN_LOG="$work/run1.log" "$mmsim" sweep plan.yaml -o R -j 2 2> /dev/null &
	pid=$!
	i=0
	while [ "$(done_runs R)" -lt 5 ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "sweep made no progress"
		sleep 0.05
	done
	kill -9 $pid
	wait $pid 2> /dev/null || true
	sleep 0.5 # children die with the sweep (PR_SET_PDEATHSIG); let the kernel reap them
	before=$(done_runs R)
	[ "$before" -lt 15 ] || fail "the sweep finished before it was killed"
	find R/runs -name summary.json | grep -v '\.tmp\.' | sed 's|^R/runs/||; s|/summary.json$||' | sort > finished1
	FAKE_RUN_LOG="$work/run2.log" "$mmsim" sweep plan.yaml -o R -j 2 2> /dev/null || fail "resume"
	[ "$(done_runs R)" = 15 ] || fail "resume finished $(done_runs R) of 15"
	started2=$(wc -l < run2.log)
	[ "$started2" = $((15 - before)) ] || fail "resume started $started2 units, expected $((15 - before))"
	# no unit finished before the kill was started again: compare by (sets, seed)
	while read -r d; do
		seed=$(sed -n 's/.*"seed": \([0-9]*\).*/\1/p' "R/runs/$d/summary.json")
		grep -q " seed $seed\$" run2.log && fail "unit $d finished before the kill and was rerun"
	done < finished1
	diff -r A R || fail "resumed sweep differs from an uninterrupted one"
	pass "kill -9 after $before of 15 units; resume ran the other $started2; identical result"

	# a failing point is reported with its config and stderr and does not stop the others
	sed 's/sticky_movable/boom/' plan.yaml > bad.yaml
	rc=0
	"$mmsim" sweep bad.yaml -o F -j 2 2> F.log || rc=$?
	[ $rc = 78 ] || fail "sweep with failing points exited $rc, expected the runs' 78"
	[ "$(done_runs F)" = 9 ] || fail "other points should finish: $(done_runs F) of 9"
	[ "$(ls F/failed | wc -l)" = 6 ] || fail "expected 6 failure logs"
	grep -q "bad value 'boom'" F.log || fail "stderr of the failed run not shown"
	log=$(ls F/failed/*.log | head -1)
	grep -q -- "--set policy.cma.mode=boom" "$log" && grep -q "bad value 'boom'" "$log" ||
		fail "failure log lacks config or stderr"
	FAKE_RUN_LOG="$work/fail2.log" "$mmsim" sweep bad.yaml -o F -j 2 2> /dev/null || true
	[ "$(wc -l < fail2.log)" = 6 ] || fail "a rerun should retry only the 6 failed units"
	pass "failing points logged with config + stderr, others finish, rerun retries only them"

	"$mmsim" compare A:mode=none A:mode=migrate_cma > cmp.txt || fail "compare"
	grep -q '^counters.pgalloc_normal ' cmp.txt || fail "compare table lacks a metric row"
	grep -q '^alloc_outcome.highorder.fail_costly ' cmp.txt || fail "compare table lacks a nested outcome row"
	grep -q '^\[2\]: ' cmp.txt || fail "compare should have base + 2 others"
	"$mmsim" compare A > /dev/null || fail "compare of a whole sweep"
	rc=0
	"$mmsim" compare A:mode=nothing A > /dev/null 2>&1 || rc=$?
	[ $rc = 66 ] || fail "compare of an empty selection exited $rc, expected 66"
	pass "compare over sweep selections"

	rc=0
	"$mmsim" sweep plan.yaml --shard 3/2 > /dev/null 2>&1 || rc=$?
	[ $rc = 64 ] || fail "--shard 3/2 exited $rc, expected 64"
	printf 'base: b\nmatrix: {a: 1}\n' > broken.yaml
	rc=0
	"$mmsim" sweep broken.yaml -o X 2> err.txt || rc=$?
	[ $rc = 78 ] && grep -q 'broken.yaml:2:' err.txt || fail "bad plan: exit $rc, $(cat err.txt)"
	# a directory made by another plan is not mixed with this one
	sed 's/repeat: 3/repeat: 4/' plan.yaml > plan4.yaml
	rc=0
	"$mmsim" sweep plan4.yaml -o A 2> err.txt || rc=$?
	[ $rc = 64 ] && grep -q 'different plan' err.txt || fail "other plan into A: exit $rc, $(cat err.txt)"
	rc=0
	sed 's/^base: base.yaml/base: missing.yaml/' plan.yaml > nobase.yaml
	"$mmsim" sweep nobase.yaml -o NB 2> err.txt || rc=$?
	[ $rc = 66 ] && [ ! -e NB ] || fail "missing base: exit $rc (expected 66, nothing written)"
	pass "usage and plan errors; another plan's directory refused; missing base caught first"

	# the real simulator, once `mmsim run` exists in this build
	if "$mmsim" run --help > /dev/null 2>&1 && [ -f "$src/configs/default.yaml" ]; then
		unset MMSIM_RUN_CMD
		# a tiny trace on a small machine; a CMA region inside Normal for the CMA modes.
		# The trace path is relative to the plan, and the sweep starts elsewhere.
		mkdir -p traces elsewhere
		cp "$src/traces/camera-burst.mmt.txt" traces/
		cat > real.yaml <<EOF
base: $src/configs/default.yaml
set:
  workload.trace: traces/camera-burst.mmt.txt
  workload.generator: ""
  machine.zones.dma32: 64MiB
  machine.zones.normal: 256MiB
  policy.cma.regions.0.size: 32MiB
  policy.cma.regions.0.base: 128MiB
matrix:
  policy.cma.mode: [none, migrate_cma, sticky_movable, zone_cma]
repeat: 2
EOF
		(cd elsewhere && "$mmsim" sweep ../real.yaml -o ../REAL -j 2) 2> real.log ||
			{ cat real.log; fail "real sweep"; }
		[ "$(done_runs REAL)" = 8 ] || fail "real sweep finished $(done_runs REAL) of 8"
		"$mmsim" sweep real.yaml -o REAL2 -j 1 2> /dev/null || fail "real sweep -j1"
		diff -r REAL REAL2 > /dev/null || fail "real runs differ between -j2 and -j1"
		"$mmsim" compare REAL > /dev/null || fail "compare of the real sweep"
		# summary.json's nested sections reach results.tsv by their dotted paths
		for m in alloc_outcome.movable.requests alloc_outcome.cma_device.fail_cma_busy \
			daemons.kswapd_cpu_share records_skipped_killed; do
			[ "$(awk -F'\t' -v m="$m" '$2 == m' REAL/results.tsv | wc -l)" = 4 ] ||
				fail "REAL/results.tsv: $m not there for each of the 4 points"
		done
		command -v gnuplot > /dev/null 2>&1 && { "$mmsim" report REAL -o REALREP > /dev/null 2>&1 ||
			fail "report of the real sweep"; }
		pass "real mmsim run: 4 CMA modes x 2 repeats, plan-relative paths, -j1 == -j2, compare, report"
		# an invalid point is caught in-process, named by its place in the plan, not run;
		# the others run.  The expected line:col is where 'bogus' stands in the plan.
		sed 's/\[none, migrate_cma, sticky_movable, zone_cma\]/[none, migrate_cma, bogus]/' real.yaml > bogus.yaml
		rc=0
		FAKE_RUN_LOG= "$mmsim" sweep bogus.yaml -o BOGUS -j 2 2> bogus.log || rc=$?
		[ $rc = 78 ] || fail "invalid point: exit $rc, expected 78"
		line=$(grep -n 'policy.cma.mode:' bogus.yaml | cut -d: -f1)
		col=$(sed -n "${line}p" bogus.yaml | awk '{ print index($0, "bogus") }')
		grep -q "point policy.cma.mode=bogus not run: bogus.yaml:$line:$col: policy.cma.mode: unknown value 'bogus'" \
			bogus.log || fail "invalid point not reported at bogus.yaml:$line:$col: $(cat bogus.log)"
		[ "$(grep -c 'not run' bogus.log)" = 1 ] || fail "an invalid point should be reported once"
		[ "$(done_runs BOGUS)" = 4 ] && [ "$(ls BOGUS/failed | wc -l)" = 2 ] ||
			fail "the valid points should run (4 runs) and the invalid one fail unrun (2 logs)"
		pass "invalid point caught before running, at its plan line:col; the others run"
	else
		echo "skip real mmsim run (not in this build yet)"
	fi
	;;
parallel)
	command -v parallel > /dev/null 2>&1 || { echo "GNU parallel not installed"; exit 77; }
	unsharded
	# the line documented in docs/sweeps.md, with two local job slots
	parallel --will-cite -j2 "$mmsim" sweep plan.yaml -o out.{} --shard {}/2 ::: 1 2 2> par.log ||
		{ cat par.log; fail "parallel"; }
	"$mmsim" merge -o out out.1 out.2 2> /dev/null || fail "merge"
	diff -r A out || fail "GNU parallel shards merged differ from the unsharded sweep"
	pass "GNU parallel -j2 shards + merge == unsharded"
	;;
report)
	command -v gnuplot > /dev/null 2>&1 || { echo "gnuplot not installed"; exit 77; }
	"$mmsim" report "$src/tests/data/runs/migrate_cma" "$src/tests/data/runs/zone_cma" -o REP \
		> rep.out 2> rep.log || { cat rep.log; fail "report"; }
	[ "$(cat rep.out)" = REP/index.html ] || fail "report should print the index path"
	[ -s REP/index.html ] && [ -s REP/report.md ] || fail "index.html / report.md missing"
	# every gnuplot script renders a non-empty PNG (8-byte PNG signature) from fixture data
	for kind in bars latency-cdf watermarks buddyinfo cma-used; do
		f=$(ls REP/fig/*"$kind"*.png 2> /dev/null | head -1)
		[ -n "$f" ] || fail "no $kind figure"
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is not a PNG"
		[ -s "${f%.png}.svg" ] || fail "no SVG next to $f"
	done
	pass "each plots/*.gp script renders PNG + SVG"
	# the page references only files that exist, and embeds the comparison table
	refs=$(grep -o -E '(src|href)="[^"]*"' REP/index.html | sed -E 's/^(src|href)="//; s/"$//')
	[ -n "$refs" ] || fail "index.html references nothing"
	for r in $refs; do
		case $r in
		data:*) continue ;; # inline, nothing to load
		http:* | https:* | /*) fail "non-local reference $r" ;;
		esac
		[ -s "REP/$r" ] || fail "index.html references missing $r"
	done
	grep -q '<table class="headline" id="headline">' REP/index.html || fail "no headline table"
	# the fixtures share seeds: paired, and a shift equal in every seed is not "tested"
	grep -q -F '| zone_cma | migrate_cma | 3 | 2.4 s [2.398 s, 2.402 s]; +0.4 s (+20.0%); paired Δ 95% CI [0.4 s, 0.4 s]; no test: every pair differs by the same amount (worse) |' \
		REP/report.md || fail "headline row of zone_cma not in report.md"
	for r in $(grep -o -E '\]\([^)]*\)' REP/report.md | sed -E 's/^\]\(//; s/\)$//'); do
		[ -s "REP/$r" ] || fail "report.md references missing $r"
	done
	pass "index.html and report.md reference only existing files ($(echo "$refs" | wc -l) refs)"
	# a sweep directory (no time series) and a build without gnuplot still give a valid page
	unsharded
	"$mmsim" report A -o REP2 > /dev/null 2>&1 || fail "report of a sweep"
	grep -q 'bars-0.png' REP2/index.html || fail "sweep report lacks the plan-metric bar chart"
	MMSIM_GNUPLOT=/nonexistent/gnuplot "$mmsim" report A -o REP3 > /dev/null 2>&1 || fail "no gnuplot"
	grep -q '<img' REP3/index.html && fail "figures referenced without gnuplot"
	pass "sweep report; report without gnuplot references no figures"
	# a regression report of a sweep against itself: nothing moved
	"$mmsim" report --compare A A -o REG > /dev/null 2>&1 || fail "report --compare"
	grep -q '^\*\*0 of 15\*\* headline figures moved beyond their noise.$' REG/report.md ||
		fail "a sweep compared with itself should move nothing: $(grep 'moved beyond' REG/report.md)"
	rc=0
	"$mmsim" report --compare A -o REG2 > /dev/null 2>&1 || rc=$?
	[ $rc = 64 ] || fail "report --compare with one directory exited $rc, expected 64"
	pass "report --compare: a sweep against itself moved nothing; one directory is a usage error"
	;;
chromium)
	browser=
	for b in chromium chromium-browser google-chrome headless_shell; do
		command -v $b > /dev/null 2>&1 && { browser=$b; break; }
	done
	[ -n "$browser" ] || { echo "no chromium"; exit 77; }
	command -v gnuplot > /dev/null 2>&1 || { echo "gnuplot not installed"; exit 77; }
	# a sweep directory of the fixture runs, with a plan that asks a question and
	# declares its headline and a published figure (as configs/sweeps/cma-*.yaml do)
	mkdir -p S/runs
	cp -r "$src/tests/data/runs/migrate_cma" "S/runs/policy.cma.mode=migrate_cma"
	cp -r "$src/tests/data/runs/zone_cma" "S/runs/policy.cma.mode=zone_cma"
	cat > S/plan.yaml <<'PLAN'
base: base.yaml
matrix: {policy.cma.mode: [migrate_cma, zone_cma]}
repeat: 3
seeds: common
question: Does zone_cma keep the p99 movable latency of migrate_cma?
baseline: mode=migrate_cma
headline:
  - {metric: elapsed_ns, unit: ns, better: lower, label: elapsed}
  - {metric: latency.movable.p99_ns, unit: ns, better: lower, label: p99 movable latency}
published:
  - {metric: elapsed_ns, group: mode=zone_cma, ratio: 1.011, source: "ZONE_CMA v2 cover letter"}
PLAN
	{
		printf '# unit\tpoint\trepeat\tseed\tsets...\n'
		u=0
		for m in migrate_cma zone_cma; do
			for r in 0 1 2; do
				printf '%s\tpolicy.cma.mode=%s\t%s\t%s\tpolicy.cma.mode=%s\n' $u $m $r $((100 + r)) $m
				u=$((u + 1))
			done
		done
	} > S/points.tsv
	"$mmsim" report S -o REP > /dev/null 2> rep.log || { cat rep.log; fail "report"; }
	# A copy of the page with a test-only script at the top of <head>: it records every
	# uncaught error, console.error and resource that fails to load (capture phase, so
	# <img> errors count), then, once everything has loaded, also loads every linked SVG,
	# counts the headline table's rows and writes the verdict into the DOM; --dump-dom
	# prints it (--virtual-time-budget lets the loads finish first).  Chromium's own log
	# (--enable-logging=stderr) must show no console message from the page either.
	cat > inject.js <<'JS'
<script>
(function () {
	var errors = [];
	window.addEventListener('error', function (e) {
		var t = e.target;
		errors.push(t && t !== window ? 'load:' + (t.getAttribute('src') || t.getAttribute('href')) : 'error:' + e.message);
	}, true);
	var ce = console.error;
	console.error = function () { errors.push('console:' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };
	window.addEventListener('load', function () {
		var bad = [], total = 0, pending;
		function done() {
			var h = document.getElementById('headline');
			var rows = h ? h.querySelectorAll('tr').length : 0;
			var p = document.createElement('p');
			p.id = 'loadcheck';
			p.textContent = 'LOADCHECK total=' + total + ' missing=' + bad.length + ' errors=' + errors.length +
				' headline_rows=' + rows + ' ' + bad.join(' ') + ' ' + errors.join(' ');
			document.body.appendChild(p);
		}
		document.querySelectorAll('img').forEach(function (img) {
			total++;
			if (!img.complete || img.naturalWidth === 0) bad.push(img.getAttribute('src'));
		});
		var svgs = document.querySelectorAll('a[href$=".svg"]');
		pending = svgs.length;
		if (!pending) return done();
		svgs.forEach(function (a) {
			var im = new Image();
			total++;
			function settle(ok) {
				if (!ok || im.naturalWidth === 0) bad.push(a.getAttribute('href'));
				if (--pending === 0) done();
			}
			im.onload = function () { settle(true); };
			im.onerror = function () { settle(false); };
			im.src = a.getAttribute('href');
		});
	});
})();
</script>
JS
	awk -v f=inject.js '{ print } /<head>/ { while ((getline l < f) > 0) print l }' \
		REP/index.html > REP/check.html
	chrome() {
		timeout 120 $browser --headless --no-sandbox --disable-gpu --no-first-run \
			--user-data-dir="$work/profile" --enable-logging=stderr --v=0 "$@" 2> chrome.log
	}
	check_page() {
		chrome --virtual-time-budget=20000 --dump-dom "file://$work/REP/check.html" |
			grep -o 'LOADCHECK total=[0-9][^<]*' || true
	}
	t0=$(date +%s)
	verdict=$(check_page)
	case $verdict in
	"LOADCHECK total="*" missing=0 errors=0 headline_rows=3 "*) ;;
	*) cat chrome.log; fail "page did not load cleanly: ${verdict:-no verdict}" ;;
	esac
	if grep -a 'CONSOLE' chrome.log; then fail "the page wrote to the console"; fi
	total=$(echo "$verdict" | sed 's/.*total=\([0-9]*\).*/\1/')
	[ "$total" -ge 20 ] || fail "only $total images and SVGs on the page"
	pass "headless $browser: $total images and SVGs load, no console error, headline table of 2 groups"
	# a screenshot of the real page, kept in the build directory for people to look at
	shots=${MMSIM_SCREENSHOT_DIR:-$work}
	mkdir -p "$shots"
	rm -f "$shots/report-headline.png"
	chrome --virtual-time-budget=20000 --hide-scrollbars --window-size=1280,1600 \
		--screenshot="$shots/report-headline.png" "file://$work/REP/index.html" > /dev/null || true
	[ "$(head -c 8 "$shots/report-headline.png" 2> /dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ cat chrome.log; fail "no screenshot"; }
	pass "screenshot: $shots/report-headline.png ($(($(date +%s) - t0)) s in the browser)"
	# the check itself must see a missing file and a script error
	rm REP/fig/bars-0.png
	v=$(check_page)
	case $v in
	*"missing=1 errors=1 "*"fig/bars-0.png"*) ;;
	*) fail "the load check did not notice a missing image: $v" ;;
	esac
	sed -i 's|</body>|<script>undefined_function();</script></body>|' REP/check.html
	v=$(check_page)
	case $v in
	*"error:Uncaught ReferenceError"*) ;;
	*) fail "the load check did not notice a script error: $v" ;;
	esac
	pass "a removed image and a script error are both caught"
	;;
*)
	echo "usage: test_sweep.sh core|parallel|report|chromium" >&2
	exit 64
	;;
esac
echo "$nr_pass passed, 0 failed"
