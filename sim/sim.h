/* sim.h — one simulation run: the engine, the node, the outputs, and the replay loop that
 * streams trace records into them (architecture.md §1 data flow: trace/workload -> engine -> mm ->
 * stats).  cli/cmd_run.c builds a struct sim from a config and a record source. */
#ifndef MMSIM_SIM_H
#define MMSIM_SIM_H

#include <signal.h>

#include "config/config.h"
#include "engine/engine.h"
#include "lib/pqueue.h"
#include "lib/u64map.h"
#include "mm/mm.h"
#include "stats/latency.h"
#include "stats/timeseries.h"
#include "trace/trace.h"

/* A stream of trace records: a trace file or an in-process generator. */
struct record_source {
	int (*next)(void *ctx, struct trace_record *rec, struct sim_error *err); /* 1, 0 (end), -1 */
	void *ctx;
	const struct trace_header *header; /* provenance and observed.* figures, may be NULL */
};

struct task_delay {
	uint64_t task; /* the u64map key */
	sim_ns_t delay_ns;
};

struct sim {
	struct config cfg;
	struct engine engine;
	struct mm mm;
	struct alloc_latency latency;
	struct timeseries ts;
	bool ts_open;
	char outdir[CONFIG_PATH_MAX]; /* where files go: rundir.tmp until sim_finish commits it */
	struct atomic_dir rundir;     /* the run directory asked for, built at rundir.tmp */
	int check_every;  /* run mm_check every N records (0: off) */

	unsigned h_sample; /* engine handler: timeseries tick */
	uint64_t nr_records;
	uint64_t records_by_kind[NR_TRACE_KINDS];
	uint64_t unknown_by_kind[NR_TRACE_KINDS]; /* records naming an id the node does not hold */
	sim_ns_t first_ns, last_ns;
	bool started, running;

	/* Closed-loop replay (architecture.md §3): a task's later records are delayed by the
	 * stalls it suffered.  Records wait in a queue keyed by (raw time + the task's delay
	 * when queued); a popped record whose task has been delayed further since is
	 * re-queued.  A record is safe to apply once the source's next raw time is later than
	 * it (delays only grow). */
	struct pqueue pending; /* of struct trace_record, due time as the key */
	struct u64map delays;  /* task -> struct task_delay (lib/u64map.h) */
	sim_ns_t total_delay_ns;

	/* The first failure writing an output during the run (timeseries row, snapshot);
	 * code == 0 while none.  sim_run stops and returns it (EX_IOERR_ with the errno text). */
	struct sim_error out_err;
	/* Set (non-zero, the signal number) by the caller's SIGINT/SIGTERM handler; sim_run
	 * stops at the next record and the sampling tick stops rescheduling.  NULL: never. */
	volatile sig_atomic_t *stop;
};

/* Everything a run checks before it starts: the keys (config_validate), then where the
 * zones and CMA areas land (mm_layout_check).  EX_CONFIG_ with the offending key. */
int sim_validate(const struct config *cfg, struct sim_error *err);
int sim_init(struct sim *s, const struct config *cfg, const char *outdir, struct sim_error *err);
/* Replay every record of src; samples, snapshots and latencies go to the outputs. */
int sim_run(struct sim *s, struct record_source *src, struct sim_error *err);
/* Apply one record (exported for tests and benchmarks). */
void sim_apply(struct sim *s, const struct trace_record *rec);
/* Write the run directory (summary.json, /proc files, timeseries, latency). */
int sim_finish(struct sim *s, const struct trace_header *h, struct sim_error *err);
/* Simulated span of the run: last record's (delayed) time minus the first record's. */
sim_ns_t sim_elapsed_ns(const struct sim *s);
void sim_destroy(struct sim *s);

#endif
