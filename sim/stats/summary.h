/* summary.h — summary.json, the machine-readable result of one run (architecture.md §7).
 *
 * {
 *   "mmsim_version": "0.1.0", "seed": 42,
 *   "config": { ...config_write_json... },
 *   "elapsed_ns": N, "records": N,
 *   "counters": { every vm_event (mmsim_* included) and every vmstat state item, node-wide },
 *   "alloc_fail_by_class": { "<class>": N, ... },
 *   "latency": { "<class>": {"count", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"}, ... },
 *   "observed": { trace header meta "observed.<k>" as "<k>": number (when numeric) or string },
 *   "observed_vs_simulated": { "<figure>": {"observed": N, "simulated": N} } (summary.c lists the pairs)
 * }
 * Strings are JSON-escaped; the output is valid JSON whatever the inputs hold.
 */
#ifndef MMSIM_SUMMARY_H
#define MMSIM_SUMMARY_H

#include <stdio.h>

#include "../config/config.h"
#include "../mm/mm.h"
#include "../trace/trace.h"
#include "latency.h"

/* What one summary is made of; designated initializers, NULL pointers mean "absent". */
struct summary_input {
	const struct mm *mm;                 /* counters, alloc failures */
	const struct config *cfg;            /* echoed under "config" */
	/* The config echo, normally config_write_json (rundir passes it); NULL: "config": null.
	 * A hook so this module links without the config module (tests use a stand-in). */
	void (*write_config)(const struct config *cfg, void *fp, int indent);
	uint64_t seed;
	sim_ns_t elapsed_ns;                 /* simulated time at the end of the run */
	uint64_t records;                    /* trace records replayed */
	const struct alloc_latency *latency; /* NULL: every class empty */
	const struct trace_header *trace;    /* NULL: "observed" is {} */
};

void summary_write(FILE *fp, const struct summary_input *in);

#endif
