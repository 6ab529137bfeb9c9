#!/bin/sh
# End-to-end: a sweep refuses to resume on changed inputs and holds a lock on its directory.
#   - a finished unit records sweep.fingerprint; a resume after the base config or the
#     workload file changed exits 65 naming the point and what changed, and reruns nothing;
#     --rerun-stale reruns exactly the stale units
#   - a second sweep on a directory in use exits 75 at once, without touching it; the same
#     shard twice likewise; two shards of one plan still share a directory
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
test_name=sweep-guard
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
bg=
cleanup() { [ -n "$bg" ] && kill $bg 2> /dev/null; cleanup_work; }
export MMSIM_RUN_CMD="$src/tests/data/fake-mmsim-run.sh"

cd "$work"
cp "$src/workloads/churn.yaml" wl.yaml
printf 'workload:\n  generator: wl.yaml\n' > base.yaml
cat > plan.yaml <<'EOF'
base: base.yaml
matrix:
  policy.cma.mode: [none, migrate_cma]
repeat: 2
seed: 7
EOF

"$mmsim" sweep plan.yaml -o A -j 2 2> A.log || { cat A.log; fail "first sweep"; }
[ "$(done_runs A)" = 4 ] || fail "first sweep finished $(done_runs A) of 4"
for f in A/runs/*/r*/sweep.fingerprint; do
	grep -q '^mmsim ' "$f" && grep -q '^config sha256 [0-9a-f]\{64\}$' "$f" &&
		grep -q '^workload size [0-9]* sha256 [0-9a-f]\{64\}$' "$f" && grep -q '^trace none$' "$f" ||
		fail "$f: $(cat "$f")"
done
[ ! -e A/.lock ] || fail "lock file left behind by a finished sweep"
FAKE_RUN_LOG="$work/same.log" "$mmsim" sweep plan.yaml -o A 2> /dev/null || fail "unchanged resume"
[ ! -s same.log ] || fail "an unchanged resume reran units"
pass "finished units carry a fingerprint; an unchanged resume runs nothing"

# the base config changes under a finished sweep
printf 'workload:\n  generator: wl.yaml\nmachine:\n  min_free_kbytes: 4096\n' > base.yaml
rc=0
FAKE_RUN_LOG="$work/stale.log" "$mmsim" sweep plan.yaml -o A 2> err.txt || rc=$?
[ $rc = 65 ] || fail "resume after a base change exited $rc, expected 65: $(cat err.txt)"
grep -q 'point policy.cma.mode=none repeat 0 was run with other inputs than now: config' err.txt ||
	fail "message does not name the point and the config: $(cat err.txt)"
[ ! -s stale.log ] || fail "a refused resume ran units"
[ "$(done_runs A)" = 4 ] || fail "a refused resume removed finished units"
pass "resume after the base config changed: exit 65 naming point and config, nothing run"

# the workload file changes (the config does not)
printf 'workload:\n  generator: wl.yaml\n' > base.yaml
echo '# edited' >> wl.yaml
rc=0
"$mmsim" sweep plan.yaml -o A 2> err.txt || rc=$?
[ $rc = 65 ] && grep -q 'other inputs than now: workload' err.txt ||
	fail "resume after a workload change: exit $rc: $(cat err.txt)"
cp "$src/workloads/churn.yaml" wl.yaml
FAKE_RUN_LOG="$work/back.log" "$mmsim" sweep plan.yaml -o A 2> /dev/null || fail "inputs restored"
[ ! -s back.log ] || fail "with the inputs restored a resume reran units"
pass "resume after the workload file changed: exit 65 naming the workload; restored: accepted"

# --rerun-stale: only the stale point's units run again
cp -r A B
printf 'workload:\n  generator: wl.yaml\n' > base.yaml
# make one point stale by hand: its recorded config hash no longer matches
for f in B/runs/policy.cma.mode=none/r*/sweep.fingerprint; do
	sed -i 's/^config sha256 .*/config sha256 0000000000000000000000000000000000000000000000000000000000000000/' "$f"
done
FAKE_RUN_LOG="$work/rerun.log" "$mmsim" sweep plan.yaml -o B --rerun-stale 2> err.txt ||
	fail "--rerun-stale: $(cat err.txt)"
[ "$(wc -l < rerun.log)" = 2 ] && ! grep -q migrate_cma rerun.log ||
	fail "--rerun-stale should rerun the 2 units of the stale point: $(cat rerun.log)"
diff -r A B > /dev/null || fail "after --rerun-stale the sweep differs from a fresh one"
pass "--rerun-stale reruns exactly the stale units; result identical to a fresh sweep"

# a second sweep on a directory in use: 75 at once, nothing touched
FAKE_RUN_SLEEP=2 "$mmsim" sweep plan.yaml -o L -j 1 2> L.log &
bg=$!
i=0
while ! ls -d L/runs/*/r*.tmp.* > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the first sweep did not start"; sleep 0.05
done
rc=0
FAKE_RUN_LOG="$work/second.log" "$mmsim" sweep plan.yaml -o L -j 1 2> err.txt || rc=$?
[ $rc = 75 ] && grep -q 'another sweep is running in this directory' err.txt ||
	fail "second sweep on a busy directory: exit $rc: $(cat err.txt)"
[ ! -s second.log ] || fail "the refused sweep ran units"
rc=0
"$mmsim" sweep plan.yaml -o L --shard 1/2 2> err.txt || rc=$?
[ $rc = 75 ] || fail "a shard on a directory held by an unsharded sweep: exit $rc"
wait $bg || { cat L.log; fail "the first sweep failed"; }
bg=
[ "$(done_runs L)" = 4 ] && [ -z "$(ls L/failed)" ] || fail "the first sweep was disturbed"
[ ! -e L/.lock ] || fail "lock file left behind"
pass "a second sweep (or a shard) on a busy directory exits 75 and touches nothing"

# the same shard twice: 75; the other shard alongside: fine
FAKE_RUN_SLEEP=2 "$mmsim" sweep plan.yaml -o S --shard 1/2 -j 1 2> S1.log &
bg=$!
i=0
while ! ls -d S/runs/*/r*.tmp.* > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "shard 1/2 did not start"; sleep 0.05
done
rc=0
"$mmsim" sweep plan.yaml -o S --shard 1/2 2> err.txt || rc=$?
[ $rc = 75 ] && grep -q 'shard 1/2 is already running' err.txt ||
	fail "the same shard twice: exit $rc: $(cat err.txt)"
rc=0
"$mmsim" sweep plan.yaml -o S 2> err.txt || rc=$?
[ $rc = 75 ] || fail "an unsharded sweep on a directory held by a shard: exit $rc"
"$mmsim" sweep plan.yaml -o S --shard 2/2 -j 1 2> S2.log || { cat S2.log; fail "shard 2/2 alongside"; }
wait $bg || { cat S1.log; fail "shard 1/2"; }
bg=
[ "$(done_runs S)" = 4 ] || fail "shards finished $(done_runs S) of 4"
ls -a S | grep -q '^\.lock' && fail "lock files left behind by the shards: $(ls -a S)"
pass "the same shard twice exits 75; two shards share a directory; no lock file left"

echo "$nr_pass passed, 0 failed"
