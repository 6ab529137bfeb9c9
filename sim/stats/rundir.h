/* rundir.h — a run's output directory (architecture.md §7):
 *   DIR/summary.json  buddyinfo  pagetypeinfo  vmstat  zoneinfo  timeseries.tsv  latency.tsv
 *   DIR/snapshots/<tag>-<time_ns>/{buddyinfo,pagetypeinfo,vmstat,zoneinfo}
 * Every file is written under a temporary name and renamed when complete (atomic_open /
 * atomic_commit), so a reader never sees half a file.  `mmsim run` also builds the whole
 * directory as DIR.tmp.<pid> and renames it into place only when every file is written
 * (rundir_begin / rundir_commit), so DIR is complete or absent: a failed or killed run
 * leaves no summary.json, no empty DIR, and a rerun replaces DIR whole (no stale
 * snapshots/).  Only an absent DIR or one holding nothing but run-directory files is
 * ever replaced.
 *
 * Use:  rundir_begin(&ad, dir) ; tmp = ad.tmp ; rundir_timeseries_open(&ts, tmp, mm) ;
 *       ... timeseries_sample(&ts, mm, now) ... rundir_snapshot(tmp, "tag", now, mm) ...
 *       rundir_write(&(struct rundir_output){ .dir = tmp, .mm = mm, .ts = &ts, ... }) ;
 *       atomic_dir_commit(&ad)  — or atomic_dir_abort(&ad) on any failure.
 */
#ifndef MMSIM_RUNDIR_H
#define MMSIM_RUNDIR_H

#include "../config/config.h"
#include "../mm/mm.h"
#include "../trace/trace.h"
#include "latency.h"
#include "timeseries.h"

/* Everything the final directory is made of; NULL pointers mean "absent". */
struct rundir_output {
	const char *dir;
	const struct mm *mm;
	const struct config *cfg;            /* echoed in summary.json by write_config */
	/* Pass config_write_json (sim/config).  A hook rather than a direct call so that stats
	 * links without the YAML module (tests); NULL writes "config": null. */
	void (*write_config)(const struct config *cfg, void *fp, int indent);
	uint64_t seed;
	sim_ns_t elapsed_ns;
	uint64_t records;
	uint64_t records_skipped_killed;     /* records dropped because their task was OOM-killed */
	uint64_t records_unissued;           /* records a task never issued: it was still blocked at the end */
	const struct alloc_latency *latency; /* NULL: empty latency.tsv and zero latencies */
	const struct trace_header *trace;    /* observed.* figures for summary.json */
	/* Open sampler (rundir_timeseries_open): committed here.  NULL: timeseries.tsv gets
	 * the header and one row for the final state at elapsed_ns. */
	struct timeseries *ts;
};

/* atomic_dir_open of DIR for a run: DIR may be replaced when absent or holding only
 * run-directory files (else EX_CANTCREAT_); files go to ad->tmp until atomic_dir_commit. */
int rundir_begin(struct atomic_dir *ad, const char *dir, struct sim_error *err);
/* mkdir -p DIR. */
int rundir_create(const char *dir, struct sim_error *err);
/* Start DIR/timeseries.tsv (DIR must exist). */
int rundir_timeseries_open(struct timeseries *ts, const char *dir, const struct mm *mm,
			   struct sim_error *err);
/* The four /proc files of mm now, into DIR/snapshots/<tag>-<now_ns>/ (created). */
int rundir_snapshot(const char *dir, const char *tag, sim_ns_t now_ns, const struct mm *mm,
		    struct sim_error *err);
/* Write every final file (creating DIR).  On error the open timeseries is aborted. */
int rundir_write(const struct rundir_output *out, struct sim_error *err);

#endif
