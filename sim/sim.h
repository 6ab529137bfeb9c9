/* sim.h — one simulation run: the engine, the node, the outputs, and the replay loop that
 * streams trace records into them (architecture.md §1 data flow: trace/workload -> engine -> mm ->
 * stats).  cli/cmd_run.c builds a struct sim from a config and a record source. */
#ifndef MMSIM_SIM_H
#define MMSIM_SIM_H

#include <signal.h>

#include "backlog.h"
#include "config/config.h"
#include "engine/engine.h"
#include "lib/pqueue.h"
#include "lib/u64map.h"
#include "mm/mm.h"
#include "stats/latency.h"
#include "stats/timeseries.h"
#include "trace/trace.h"

/* A stream of trace records: a trace file or an in-process generator.  next_run, where the
 * source has one, hands the records over in place, a run at a time (trace_read_run's
 * contract: 1 with *v the first of *n >= 1 records, good until the next call; 0 at the end;
 * -1 on error), and the replay then reads them where they lie; a source with only `next` is
 * read into runs of the replay's own (replay.c runs_from_next). */
struct record_source {
	int (*next)(void *ctx, struct trace_record *rec, struct sim_error *err); /* 1, 0 (end), -1 */
	int (*next_run)(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err);
	void *ctx;
	const struct trace_header *header; /* provenance and observed.* figures, may be NULL */
};

/* A trace held in memory, replayed as a record_source with sim_record_array_next (the
 * benchmarks of the simulator alone): v[0..n) the records, pos the next one. */
struct sim_record_array {
	struct trace_record *v;
	size_t n, cap, pos;
};
int sim_record_array_next(void *ctx, struct trace_record *rec, struct sim_error *err);
int sim_record_array_run(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err);
/* Every record r has left into *a (a->v freed by the caller); -1 with err set on a read
 * error.  Aborts when out of memory. */
int sim_record_array_load(struct trace_reader *r, struct sim_record_array *a, struct sim_error *err);

/* One task of the trace as the replay sees it (replay.c).  A task is a sequential actor:
 * while one of its records is in progress (asleep in the allocator, or serving a stall)
 * it is blocked and its later records wait in its backlog.
 *   blocked == (a record of it is in progress);  nr_blocked == Σ blocked */
struct sim_task {
	struct sim *sim;
	uint32_t task;
	unsigned cpu;            /* its requests' CPU: the last `cpu` record's (mod machine.nr_cpus),
				  * else task % machine.nr_cpus */
	uint32_t after;          /* closed: index + 1 of the task whose delay it inherits until
				  * its first record starts (a `task ... after` record); 0: none */
	bool blocked;
	bool in_actor;           /* the record in progress runs as an engine actor */
	bool queued;             /* closed: its next record is in sim.pending */
	bool waiting;            /* closed: its next record waits for a blocked predecessor */
	uint32_t waiters;        /* closed: index + 1 of the first task waiting for it */
	uint32_t next_waiter;    /* closed: the next task on the same waiters list */
	sim_ns_t delay_ns;       /* closed: how far its records are shifted (its stalls) */
	sim_ns_t issue_ns;       /* when the record in progress was issued */
	struct trace_record cur; /* the record in progress */
	struct mm_request req;   /* its request */
	/* FIFO of records not yet issued (backlog.h); closed replay keeps every read record
	 * of the task here until issued */
	struct backlog bl;
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
	/* An aged machine (machine.age.mode, replay.c warm_up): the warm-up's records are
	 * being replayed (no samples, open loop); the trace's records are shifted by
	 * time_offset_ns, the time the warm-up ended. */
	bool warming;
	sim_ns_t time_offset_ns;

	/* Tasks (replay.c): task + 1 -> index into tasks[] (entries never move: actors hold
	 * them while they sleep). */
	struct u64map task_index;
	/* task < cap_direct: task_direct[task] is its entry (NULL until its first record), so
	 * the per-record lookup of the usual small pids is one load. */
	struct sim_task **task_direct;
	size_t cap_direct;
	struct sim_task **tasks;
	uint32_t nr_tasks, cap_tasks;
	uint32_t nr_blocked;
	unsigned h_wake; /* engine handler: a blocked task's record completes */
	uint64_t records_skipped_killed; /* records of OOM-killed tasks, not applied */
	uint64_t records_unissued;       /* records still waiting when the run ended */

	/* Closed-loop replay (architecture.md §3): a task's later records are delayed by the
	 * stalls it suffered.  Each task's records wait in its backlog; the next one of each
	 * task that is neither blocked nor waiting for a predecessor sits in a queue keyed by
	 * (raw time + the task's delay when queued); a popped record whose task has been
	 * delayed further since is re-queued.  A record is safe to apply once the source's
	 * next raw time is later than it (delays only grow).
	 *   tasks with queued set == records in pending (one each) */
	struct pqueue pending; /* of struct trace_record, due time as the key */
	sim_ns_t total_delay_ns;

	/* The first failure writing an output during the run (timeseries row, snapshot);
	 * code == 0 while none.  sim_run stops and returns it (EX_IOERR_ with the errno text). */
	struct sim_error out_err;
	/* Observers for tests and tools (may be NULL): a record issued at now_ns, and the
	 * record of a task finished at end_ns (its stall served).  Snapshots are issued only. */
	void (*on_issue)(void *ctx, const struct trace_record *rec, sim_ns_t now_ns);
	void (*on_complete)(void *ctx, const struct trace_record *rec, sim_ns_t end_ns);
	void *observer_ctx;

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
/* Open replay of one record at its time (exported for tests and benchmarks): the engine
 * runs up to it, then it is issued, or queued behind its task's record in progress. */
void sim_apply(struct sim *s, const struct trace_record *rec);
/* replay.c internals shared with sim.c. */
void replay_init(struct sim *s);
void replay_destroy(struct sim *s);
/* Write the run directory (summary.json, /proc files, timeseries, latency). */
int sim_finish(struct sim *s, const struct trace_header *h, struct sim_error *err);
/* Simulated span of the run: from the first record to the end of the last one (its
 * completion, stalls included). */
sim_ns_t sim_elapsed_ns(const struct sim *s);
void sim_destroy(struct sim *s);

#endif
