/* sweep.h — run every unit (point x repeat) of a sweep plan, each in its own `mmsim run`
 * process, N at a time, resumably.
 *
 * A unit's run directory is written under a temporary name and renamed into place only
 * when the run succeeded, so after a crash or kill -9 the same sweep finishes the rest:
 * units whose directory exists are never rerun.  A failed unit is logged with its config
 * and stderr under DIR/failed/ and does not stop the others.
 *
 * Each finished unit holds DIR/runs/<id>/r<k>/sweep.fingerprint: what its result depends
 * on (mmsim version, sha256 of the effective config after the point's sets, of the workload
 * file and of the trace file with its size).  A resume compares it with the current one and
 * refuses (EX_DATAERR_, naming the point and what changed) unless rerun_stale, which reruns
 * those units instead.
 *
 * The sweep holds a lock for its whole run: flock(2) on DIR/.lock, exclusive for an
 * unsharded sweep, shared for a shard, which also holds DIR/.lock.<i>of<n> exclusively, so
 * shards of one plan share a directory and a second sweep of the same units exits
 * EX_TEMPFAIL_ at once.  The lock files are removed when the last holder ends.
 *
 * Each run starts in the plan file's directory, so relative paths in the plan's values
 * (workload.generator: ../../workloads/churn.yaml) mean the same wherever the sweep is
 * started, as relative paths inside a config file do; base and -o are passed absolute.
 */
#ifndef MMSIM_SWEEP_H
#define MMSIM_SWEEP_H

#include "../common.h"

#include <stdio.h>

/* One sweep.  The caller fills the inputs; sweep_run() fills the outputs.
 * After sweep_run() returns 0:
 *   nr_done + nr_failed == units of the shard not finished before the call
 *   nr_skipped          == units of the shard finished before the call
 *   first_fail_code     == 0 iff nr_failed == 0 */
struct sweep_control {
	/* inputs */
	const char *plan_path;
	const char *dir;         /* output directory; NULL: sweep-<plan file stem> */
	unsigned jobs;           /* units at once; 0: the online CPUs */
	unsigned shard_i, shard_n; /* run units u with u % shard_n == shard_i - 1; 0/0 = 1/1 */
	/* the program each unit runs as `RUN_CMD run BASE -o TMP --set K=V... --seed N` */
	const char *run_cmd;
	bool preflight;          /* run_cmd is mmsim itself: check point configs in-process first */
	bool progress;           /* a progress line with an ETA on stderr (for a terminal) */
	bool rerun_stale;        /* rerun finished units whose fingerprint changed (else refuse) */
	/* outputs */
	char dir_used[4096];     /* dir, or the default chosen */
	unsigned nr_done, nr_skipped, nr_failed;
	int first_fail_code;     /* exit code of the first failed unit (70 if not in 64..78) */
};

/* Run the shard's unfinished units and write DIR/results.tsv.  Returns 0 when the sweep
 * ran (units may have failed: see nr_failed), -1 with err when it could not: bad plan
 * (EX_CONFIG_), a DIR of another plan (EX_USAGE_), unreadable base (EX_NOINPUT_), I/O,
 * DIR in use by another sweep (EX_TEMPFAIL_), finished units of other inputs (EX_DATAERR_). */
int sweep_run(struct sweep_control *sc, struct sim_error *err);

/* Print the shard's units of the plan, one a line: unit, point, repeat, seed, sets. */
int sweep_list(const char *plan_path, unsigned shard_i, unsigned shard_n, FILE *fp,
	       struct sim_error *err);

/* The shard of a Slurm array task: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of
 * SLURM_ARRAY_TASK_COUNT; 1/1 outside an array job.  EX_USAGE_ when they make no shard. */
int sweep_shard_from_env(unsigned *i, unsigned *n, struct sim_error *err);

/* "dir/name.yaml" -> "sweep-name". */
void sweep_default_dir(const char *plan_path, char *buf, size_t n);

#endif
