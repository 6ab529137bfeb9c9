/* report.h — the report builder: an HTML page (index.html) and a Markdown summary
 * (report.md) with gnuplot figures and comparison tables for runs and sweeps.
 *
 * Figures (scripts in plots/, each rendered as PNG via pngcairo and as SVG):
 *   compare_bars.gp       each selected metric across groups: mean with 95% CI whiskers
 *   latency_cdf.gp        per allocation class, the latency CDF of every group (latency.tsv
 *                         histograms summed over repeats)
 *   watermarks.gp         per group and zone, free pages against min/low/high over time
 *   buddyinfo_heatmap.gp  per group and zone, free blocks per order over time
 *   group_lines.gp        CMA pages in use over time, one line per group (when any is used)
 * Tables: the inputs; every metric (one group: summary; more: comparison against the
 * first); the allocation outcomes per class and group (summary.json "alloc_outcome":
 * requests, satisfied, failed by reason, OOM-killed, unfinished; median over the repeats
 * with [min–max]); the OOM kills (oom_kill, records skipped, each run's victims).
 * Time-series figures use each group's first repeat.  The report is built in
 * OUT.tmp.<pid> and renamed into place whole, so OUT is complete or absent: a figure that
 * gnuplot failed to render, or left truncated, and any data file that could not be
 * written fail the whole report.  Nothing in the report depends on the time it was made.
 */
#ifndef MMSIM_REPORT_H
#define MMSIM_REPORT_H

#include "../common.h"

/* One report.  The caller fills the inputs; report_build() fills the outputs. */
struct report_control {
	/* inputs */
	const char *const *inputs; /* run, point or sweep dirs, or SWEEP:k=v selections; */
	size_t nr_inputs;          /* the first group is the comparison base */
	const char *out;           /* output directory; NULL: "report" */
	const char *const *metrics; /* bar-chart metrics; none: the plan's, else defaults */
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
