/* sim.h — one simulation run: the engine, the node, the outputs, and the replay loop that
 * streams trace records into them (DESIGN §1 data flow: trace/workload -> engine -> mm ->
 * stats).  cli/cmd_run.c builds a struct sim from a config and a record source. */
#ifndef MMSIM_SIM_H
#define MMSIM_SIM_H

#include "config/config.h"
#include "engine/engine.h"
#include "mm/mm.h"
#include "trace/trace.h"

/* A stream of trace records: a trace file or an in-process generator. */
struct record_source {
	int (*next)(void *ctx, struct trace_record *rec, struct sim_error *err); /* 1, 0 (end), -1 */
	void *ctx;
	const struct trace_header *header; /* provenance and observed.* figures, may be NULL */
};

struct sim_stats; /* outputs collected while running (stats/) */

struct sim {
	struct config cfg;
	struct engine engine;
	struct mm mm;
	struct sim_stats *stats;
	char outdir[CONFIG_PATH_MAX];

	unsigned h_sample; /* engine handler: timeseries tick */
	uint64_t nr_records;
	uint64_t records_by_kind[NR_TRACE_KINDS];
	sim_ns_t first_ns, last_ns;
	sim_ns_t elapsed_ns; /* simulated span of the run, including closed-loop delays */
	bool sampling;
};

int sim_init(struct sim *s, const struct config *cfg, const char *outdir, struct sim_error *err);
/* Replay every record of src; samples, snapshots and latencies go to the outputs. */
int sim_run(struct sim *s, struct record_source *src, struct sim_error *err);
/* Apply one record (exported for tests and benchmarks). */
void sim_apply(struct sim *s, const struct trace_record *rec);
/* Write the run directory (summary.json, /proc files, timeseries, latency). */
int sim_finish(struct sim *s, const struct trace_header *h, struct sim_error *err);
void sim_destroy(struct sim *s);

#endif
