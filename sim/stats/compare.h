/* compare.h — mmtests-style comparison tables over a run set (`mmsim compare`, reports).
 *
 * One row per metric: the base group's mean ± stddev, then for every other group its mean,
 * the % change against the base and a significance mark from Welch's t-test across repeats
 * ("*" p < 0.05, "**" p < 0.01, nothing otherwise or with fewer than 2 repeats a side).
 */
#ifndef MMSIM_COMPARE_H
#define MMSIM_COMPARE_H

#include "runset.h"

#include <stdio.h>

enum compare_format {
	COMPARE_TEXT,     /* aligned columns for a terminal */
	COMPARE_MARKDOWN, /* a GitHub-flavoured Markdown table */
	COMPARE_HTML,     /* a <table> (labels escaped) */
	COMPARE_TSV,      /* metric, group, n, mean, stddev, pct, t, df, p, mark */
	NR_COMPARE_FORMATS,
};

/* Which rows and how. */
struct compare_control {
	const struct runset *rs;
	size_t base;              /* index of the base group */
	size_t nr_filters;
	char *const *filters;     /* metric prefixes; none = every metric */
	bool all;                 /* keep rows whose means are all 0 */
	enum compare_format format;
};

/* Write the table; returns the number of rows. */
size_t compare_write(const struct compare_control *cc, FILE *fp);
/* Metric names in table order (base's first-seen order, then others'); caller frees the
 * array, not the strings (they belong to the run set). */
size_t compare_metrics(const struct compare_control *cc, const char ***names);
/* For runs of imported traces: each figure the real kernel counted (summary.json
 * observed_vs_simulated) beside each group's simulated mean, text or Markdown.  Returns
 * the number of rows (0: no run has observed figures, nothing written). */
size_t compare_write_observed(const struct compare_control *cc, FILE *fp);
/* Write S with HTML special characters escaped. */
void compare_html_escape(FILE *fp, const char *s);
/* A metric value for a table: two decimals, or three significant digits below 0.1 so a
 * small fraction (daemons.*_cpu_share) does not read as 0.00. */
void compare_fmt_value(char *buf, size_t n, double v);

#endif
