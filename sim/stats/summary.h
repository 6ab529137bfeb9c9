/* summary.h — summary.json, the machine-readable result of one run (architecture.md §7).
 *
 * {
 *   "mmsim_version": "0.1.0", "seed": 42,
 *   "config": { ...config_write_json... },
 *   "elapsed_ns": N, "records": N, "records_skipped_killed": N, "records_unissued": N,
 *   "counters": { every vm_event (mmsim_* included) and every vmstat state item, node-wide },
 *   "alloc_outcome": { "<class>": {"requests", "failed", then every alloc_outcome_names
 *                      entry}, ... }  with requests == satisfied + failed + killed + unfinished
 *                      and failed == Σ fail_*,
 *   "oom_kills": [ {"task", "time_ns", "points", "pages_freed", "requester"}, ... ] (time order),
 *   "daemons": {"kswapd_busy_ns", "kcompactd_busy_ns", "kswapd_cpu_share", "kcompactd_cpu_share"}
 *              share = busy_ns / (elapsed_ns × machine.nr_cpus) to 9 decimals, 0 when elapsed is 0,
 *   "reclaim": { vmscan.h reclaim_node_stat } or null without the reclaim module,
 *   "latency": { "<class>": {"count", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "max_ns"}, ... },
 *   "by_order": { "order_<n>": {"requests", "satisfied", "failed", "too_late", "success_share",
 *                 "too_late_share", "p50_ns", "p99_ns", "max_ns"}, ... } for each order with a
 *                 request; too_late = requests whose fast path found no block of the order,
 *                 shares (0..1) to 6 decimals,
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
	uint64_t records_skipped_killed;     /* records not replayed: their task was OOM-killed */
	uint64_t records_unissued;           /* records not replayed: their task was still blocked when
	                                      * the run ended (a wait nothing would end) */
	const struct oom_victim *oom_victims; /* nr_oom_victims kills, time order (oom_victims()) */
	size_t nr_oom_victims;
	const struct alloc_latency *latency; /* NULL: every class empty */
	const struct trace_header *trace;    /* NULL: "observed" is {} */
};

void summary_write(FILE *fp, const struct summary_input *in);

#endif
