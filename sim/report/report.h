/* report.h — the report builder: an HTML page (index.html) and a Markdown summary
 * (report.md) with gnuplot figures, for runs, sweeps, and two runs of one sweep
 * (--compare).  docs/sweeps.md "mmsim report" describes every section.
 *
 * Order: the plan's question; the headline table (per group the headline metrics as the
 * median over the seeds with a 95% CI, the change against the group's base with a test
 * only where meaningful — paired by seed when the runs share seeds — and the failed
 * allocations and OOM kills); per-seed values; allocation outcomes and OOM kills;
 * published vs measured; figures; inputs; every other counter, collapsed.
 * Figures (scripts in plots/, each rendered as PNG via pngcairo and as SVG, with alt text):
 *   compare_bars.gp       per headline metric: median bar, 95% CI, one dot per seed
 *   group_lines.gp        CMA memory in use over time per group: median over seeds, band
 *   latency_cdf.gp        per allocation class, the latency CDF of every group
 *   watermarks.gp         per group and zone, free memory (median, band) under min/low/high
 *   buddyinfo_heatmap.gp  per group and zone, median free blocks per order over time, one
 *                         colour scale for all
 * The report is built in OUT.tmp.<pid> and renamed into place whole, so OUT is complete
 * or absent: a figure that gnuplot failed to render, or left truncated, and any data file
 * that could not be written fail the whole report.  Nothing in the report depends on the
 * time it was made.
 */
#ifndef MMSIM_REPORT_H
#define MMSIM_REPORT_H

#include "../common.h"

/* One report.  The caller fills the inputs; report_build() fills the outputs. */
struct report_control {
	/* inputs */
	const char *const *inputs; /* run, point or sweep dirs, or SWEEP:k=v selections; */
	size_t nr_inputs;          /* the base: the plan's baseline, else the first group */
	const char *out;           /* output directory; NULL: "report" */
	const char *const *metrics; /* headline metrics; none: the plan's, else defaults */
	size_t nr_metrics;
	size_t max_series;         /* time-series figures for the first max_series groups */
	const char *gnuplot;       /* gnuplot program (PATH is searched); NULL: "gnuplot" */
	const char *plots_dir;     /* gnuplot scripts; NULL: looked for next to exe_path */
	const char *exe_path;      /* the running mmsim binary (build tree or installed) */
	const char *compare_old;   /* --compare OLD NEW: two sweep directories of one plan */
	const char *compare_new;   /* (then inputs must be empty) */
	/* outputs */
	unsigned nr_figs, nr_failed_figs;
	bool have_figures;         /* gnuplot and its scripts were found */
};

/* Write OUT/index.html, OUT/report.md, OUT/fig/, OUT/data/.  A missing gnuplot or
 * script directory is not an error (the pages say so and have no figures).  Errors:
 * unreadable inputs; EX_IOERR_ for a failed or truncated rendering (counted in
 * nr_failed_figs) or a failed write; EX_CANTCREAT_ when OUT exists and holds anything
 * a report does not.  On error OUT is left as it was. */
int report_build(struct report_control *rc, struct sim_error *err);

#endif
