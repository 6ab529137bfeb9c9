/* report_int.h — what the report builder's files share (report.h is the interface):
 * the state of one report being written, figure rendering, table cells, units.
 *
 * Files: report.c (inputs, pages, rendering, atomic output), headline.c (the question,
 * the headline table, per-seed values, published vs measured, strip plots), counters.c
 * (every other metric, collapsed), outcomes.c (allocation outcomes, OOM kills), series.c
 * (time series over seeds, watermarks, buddyinfo, latency CDFs), regress.c (--compare),
 * units.c (human units).
 */
#ifndef MMSIM_REPORT_INT_H
#define MMSIM_REPORT_INT_H

#include "../config/plan.h"
#include "../stats/runset.h"

#include <stdio.h>

/* A metric the report leads with: from the plan's `headline:`, --metric, or defaults. */
struct report_metric {
	const char *name;   /* borrowed: the plan's or the run set's string */
	const char *unit;   /* plan_units[] */
	const char *label;
	enum plan_better better;
};

/* One report being written.
 * Invariant: base_of[g] < rs.nr_groups for every group g; base_of[b] == b for a base. */
struct report_state {
	struct runset rs;
	const char *plots_env; /* report_control.plots_dir */
	const char *exe_path;
	const char *out;
	char plots_dir[4096];
	const char *gnuplot;
	bool have_gnuplot;
	size_t nr_head;
	struct report_metric *head;
	size_t max_series;
	struct plan plan;      /* of the first sweep among the inputs (have_plan) */
	bool have_plan;
	size_t *base_of;
	bool regress;          /* --compare OLD NEW: groups alternate old, new per point */
	const char *old_dir, *new_dir;
	FILE *html, *md;
	unsigned nr_figs, nr_failed_figs;
	struct sim_error io_err; /* the first data file that could not be written (code 0: none) */
};

/* A display unit: value_shown = value * factor, followed by label ("" for counts). */
struct report_unit {
	double factor;
	const char *label;
};
/* The unit to show values of UNIT (plan_units[]) whose largest magnitude is MAX_ABS in:
 * ns -> s, ms, µs or ns; pages (4 KiB) and bytes -> GiB, MiB or KiB; share -> %. */
void report_unit_pick(const char *unit, double max_abs, struct report_unit *u);
/* The unit a metric name implies when no plan says: "*_ns" ns, "*pages*" pages,
 * "*_share" share, else count. */
const char *report_unit_guess(const char *metric);
/* "6.008 s", "512 MiB", "1234": integers whole, from 1000 up no decimals, below four
 * significant digits. */
void report_fmt_unit(char *buf, size_t n, double v, const struct report_unit *u);

/* report.c */
bool report_render(struct report_state *rc, const char *script, const char *data,
		   const char *name, const char *title, const char *extra);
void report_figure(struct report_state *rc, const char *name, const char *caption, const char *alt);
FILE *report_open_data(struct report_state *rc, const char *name, char *path, size_t n);
bool report_close_data(struct report_state *rc, FILE *fp, const char *path);
void report_short_label(const char *label, char *buf, size_t n);
/* A label for a gnuplot data file: short, with double quotes replaced. */
void report_data_label(const char *label, char *buf, size_t n);
void report_gp_quote(char *buf, size_t n, const char *s);
void report_cell(struct report_state *rc, const char *text, bool first);
void report_row_end(struct report_state *rc);
/* Values of the dotted PATH in each run of G that has it, sorted; how many. */
size_t report_run_values(const struct runset_group *g, const char *path, double *v);
/* Room for one value per run of the largest group (NULL when out of memory). */
double *report_per_run_buffer(const struct report_state *rc);
/* "median" or "median [min–max]" of sorted V. */
void report_fmt_spread(const double *v, size_t n, char *buf, size_t len);
/* Do G's runs share their seeds with the base's (a paired comparison is possible)? */
bool report_paired(const struct report_state *rc, size_t g);

/* Is group G the plan's point selected by SEL (plan_sets_match)?  false without a plan. */
bool report_group_matches(const struct report_state *rc, size_t g, const char *sel);

/* sections */
void report_section_headline(struct report_state *rc);
void report_section_published(struct report_state *rc);
void report_section_headline_figures(struct report_state *rc);
void report_section_counters(struct report_state *rc);
void report_section_outcomes(struct report_state *rc);
void report_section_oom(struct report_state *rc);
void report_section_latency(struct report_state *rc);
void report_section_cma_used(struct report_state *rc);
void report_section_timeseries(struct report_state *rc);
void report_section_regression(struct report_state *rc);
/* Load OLD and NEW (sweep directories of one plan) into rc->rs, old and new group of each
 * point side by side, each new group's base its old one. */
int report_regress_load(struct report_state *rc, struct sim_error *err);

#endif
