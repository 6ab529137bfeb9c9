#!/bin/sh
# A real Slurm cluster of one node on localhost runs the job-array script docs/sweeps.md
# documents: munged, slurmctld and slurmd (Debian's munge and slurm-wlm) started in the
# foreground from a generated slurm.conf and munge key in the test's private directory,
# the script submitted with sbatch for a small sweep (two array tasks, one CPU each), the
# shards merged with `mmsim merge`, and the result compared byte for byte with the same
# sweep run unsharded.  Every daemon is stopped and every file removed at the end; nothing
# is written outside the private directory (no /etc, /run, /var state).
# Exit 77 (meson: skipped) only when the Slurm or munge programs are not installed
# (`./run.sh test` installs them).
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
test_name=slurm
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
for p in munged slurmctld slurmd sbatch squeue scontrol; do
	command -v $p > /dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v $p > /dev/null 2>&1 || { echo "$p not installed (Debian: slurm-wlm, munge)"; exit 77; }
done
export MMSIM_RUN_CMD="$src/tests/data/fake-mmsim-run.sh"
cd "$work"
t0=$(date +%s)

d=$work/slurm
mkdir -p "$d/state" "$d/spool" "$d/munge"
chmod 700 "$d/munge"
# Each daemon runs under timeout(1), so even a test killed outright leaves none behind for
# longer than its own meson timeout; $! is timeout's pid, and timeout passes a TERM on.
pids=
daemon() { timeout -k 5 300 "$@" & pids="$pids $!"; }
cleanup() {
	set +e
	# the daemons by the pids this test started (slurmstepd children die with slurmd)
	for p in $pids; do kill "$p" 2> /dev/null || true; done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2> /dev/null || true
	done
	cleanup_work
}
trap 'exit 1' INT TERM HUP
show_logs() {
	for f in "$d"/*.log "$d"/munge/*.log; do [ -f "$f" ] && { echo "== $f"; tail -20 "$f"; }; done
}

# munge: a fresh key, the daemon on a socket in the private directory
dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$d/munge/munge.key"
daemon munged --foreground --force --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
	--pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" \
	--seed-file="$d/munge/munged.seed" > /dev/null 2>&1
i=0
while [ ! -S "$d/munge/munge.sock" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { show_logs; fail "munged did not start"; }
	sleep 0.1
done

# two free TCP ports on localhost for slurmctld and slurmd
ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- $ports
ctld_port=$1 slurmd_port=$2
node=mmsimnode
cat > "$d/slurm.conf" <<EOF
ClusterName=mmsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.sock
SlurmUser=$(id -un)
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$d/slurm.conf"
daemon slurmctld -D -i -f "$SLURM_CONF" > "$d/slurmctld.out" 2>&1
daemon slurmd -D -N $node -f "$SLURM_CONF" > "$d/slurmd.out" 2>&1
i=0
until sinfo -h -N -o '%t' 2> /dev/null | grep -q -E '^(idle|mix|alloc)'; do
	i=$((i + 1))
	[ $i -lt 300 ] || { sinfo -N 2>&1; cat "$d"/*.out; show_logs; fail "the node did not become idle"; }
	sleep 0.1
done
pass "munged, slurmctld and slurmd up in $(($(date +%s) - t0)) s: one node, 2 CPUs, on localhost"

# the small sweep (sweep-core's plan: 5 points x 3 repeats), unsharded for reference
cat > plan.yaml <<'EOF'
base: base.yaml
matrix:
  policy.cma.mode: [none, migrate_cma, sticky_movable]
  machine.zones.normal: [64MiB, 128MiB]
exclude:
  - {policy.cma.mode: none, machine.zones.normal: 128MiB}
repeat: 3
seed: 42
EOF
: > base.yaml
"$mmsim" sweep plan.yaml -o A -j 1 2> A.log || { cat A.log; fail "unsharded sweep"; }

# the job script exactly as docs/sweeps.md shows it, with this test's plan and binary;
# sbatch options on the command line take precedence over the script's #SBATCH lines
# (two array tasks of one CPU instead of eight of sixteen)
awk '/^Slurm job array/ { want = 1 } want && /^```sh$/ { on = 1; next } on && /^```$/ { exit } on' \
	"$src/docs/sweeps.md" > doc.sbatch
grep -q '^mmsim sweep configs/sweeps/churn.yaml -o out/churn.$SLURM_ARRAY_TASK_ID' doc.sbatch ||
	fail "docs/sweeps.md: the job array script is not where this test looks: $(cat doc.sbatch)"
sed "s|^mmsim sweep configs/sweeps/churn.yaml|\"$mmsim\" sweep plan.yaml|" doc.sbatch > sweep.sbatch
mkdir -p out
jobid=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --time=00:05:00 --output="$work/slurm-%A_%a.out" \
	sweep.sbatch) || { show_logs; fail "sbatch"; }
jobid=${jobid%%;*}
i=0
while squeue -h -j "$jobid" 2> /dev/null | grep -q .; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { squeue; show_logs; fail "job $jobid did not finish in 120 s"; }
	sleep 0.1
done
states=$(scontrol -o show job "$jobid" | sed -n 's/.*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*/\1 \2/p' | sort -u)
[ "$states" = "COMPLETED 0:0" ] || { cat slurm-*.out; show_logs; fail "array tasks ended: $states"; }
[ "$(done_runs out/churn.0)" = 8 ] && [ "$(done_runs out/churn.1)" = 7 ] ||
	fail "array task shards: $(done_runs out/churn.0) + $(done_runs out/churn.1), expected 8 + 7"
pass "sbatch of the documented script: job $jobid, tasks 0-1 COMPLETED, shards of 8 + 7 units"

# the merge line the documentation gives next
"$mmsim" merge -o out/churn out/churn.* 2> merge.log || { cat merge.log; fail "merge"; }
diff -r A out/churn || fail "the merged Slurm shards differ from the unsharded sweep"
pass "mmsim merge of the Slurm shards == the unsharded sweep, byte for byte ($(($(date +%s) - t0)) s in all)"
echo "$nr_pass passed, 0 failed"
