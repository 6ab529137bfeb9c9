/* counters.c — every metric that is not a headline one, collapsed under "All counters": the
 * ones that vary as a table (per group the median over the seeds, % change against the
 * group's base, a mark only where a test is meaningful), the ones that are the same in
 * every run listed once with their value (a drained machine's nr_free_pages or a p99 that
 * sits in one histogram bucket says nothing about the groups). */
#include "report_int.h"

#include "../stats/compare.h"
#include "../stats/stat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Is METRIC the same in every run of every group (and in every group)? */
static bool constant(const struct runset *rs, const char *metric, double *value)
{
	bool first = true;
	for (size_t g = 0; g < rs->nr_groups; g++) {
		long idx = runset_metric_index(&rs->groups[g], metric);
		if (idx < 0 || rs->groups[g].nr_values[idx] != rs->groups[g].nr_runs)
			return false;
		for (size_t k = 0; k < rs->groups[g].nr_values[idx]; k++) {
			double v = rs->groups[g].metric_values[idx][k];
			if (first)
				*value = v;
			else if (v != *value)
				return false;
			first = false;
		}
	}
	return !first;
}

/* The significance mark of G against its base on metric IDX: only with n >= 3 a side and
 * variance on at least one (stat_welch's p = 0 for two constant, different samples is
 * not a test). */
static const char *mark(const struct runset_group *a, long ia, const struct runset_group *b, long ib)
{
	struct stat_summary sa, sb;
	struct stat_welch w;
	stat_summarize(a->metric_values[ia], a->nr_values[ia], &sa);
	stat_summarize(b->metric_values[ib], b->nr_values[ib], &sb);
	if (sa.n < 3 || sb.n < 3 || (sa.stddev == 0 && sb.stddev == 0))
		return "";
	stat_welch(&sa, &sb, &w);
	return stat_mark(w.p);
}

/* Whole numbers as such (counters), fractions as compare_fmt_value() writes them. */
static void fmt_value(char *buf, size_t n, double v)
{
	if (v == rint(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		compare_fmt_value(buf, n, v);
}

void report_section_counters(struct report_state *rc)
{
	struct compare_control cc = { .rs = &rc->rs, .base = 0, .all = true };
	const char **names = NULL;
	size_t nr = compare_metrics(&cc, &names);
	size_t nr_const = 0, nr_vary = 0;
	double *val = calloc(nr ? nr : 1, sizeof(double)), tmp[256];
	bool *is_const = calloc(nr ? nr : 1, sizeof(bool));
	if (!val || !is_const)
		goto out;
	size_t w = 0;
	for (size_t m = 0; m < nr; m++) {
		bool head = false;
		for (size_t h = 0; h < rc->nr_head && !head; h++)
			head = !strcmp(rc->head[h].name, names[m]);
		if (!head)
			names[w++] = names[m];
	}
	nr = w;
	for (size_t m = 0; m < nr; m++) {
		is_const[m] = constant(&rc->rs, names[m], &val[m]);
		nr_const += is_const[m];
	}
	nr_vary = nr - nr_const;
	fprintf(rc->html, "<details id=\"all-counters\"><summary>All counters: %zu that differ between "
			  "runs, %zu the same in every run</summary>\n<p class=\"note\">Median over the "
			  "seeds; %% change of the median against the group's base; Welch's t-test "
			  "(* p&lt;0.05, ** p&lt;0.01) only with at least 3 seeds a side and non-zero "
			  "variance.</p>\n<div class=\"wide\"><table>\n<tr><th>metric</th>", nr_vary, nr_const);
	fprintf(rc->md, "<details><summary>All counters: %zu that differ between runs, %zu the same "
			"in every run</summary>\n\n| metric |", nr_vary, nr_const);
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		char lbl[256];
		report_short_label(rc->rs.groups[g].label, lbl, sizeof(lbl));
		fprintf(rc->html, "<th>");
		compare_html_escape(rc->html, lbl);
		fprintf(rc->html, "</th>");
		fprintf(rc->md, " %s |", lbl);
	}
	fprintf(rc->html, "</tr>\n");
	fprintf(rc->md, "\n|---|");
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		fprintf(rc->md, "---:|");
	fprintf(rc->md, "\n");
	for (size_t m = 0; m < nr; m++) {
		if (is_const[m])
			continue;
		fprintf(rc->html, "<tr><td>");
		compare_html_escape(rc->html, names[m]);
		fprintf(rc->html, "</td>");
		fprintf(rc->md, "| `%s` |", names[m]);
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			const struct runset_group *grp = &rc->rs.groups[g], *base = &rc->rs.groups[rc->base_of[g]];
			long idx = runset_metric_index(grp, names[m]), ib = runset_metric_index(base, names[m]);
			char buf[128] = "n/a", med[48];
			if (idx >= 0 && grp->nr_values[idx]) {
				size_t n = MIN(grp->nr_values[idx], ARRAY_SIZE(tmp));
				memcpy(tmp, grp->metric_values[idx], n * sizeof(double));
				double mg = runset_median(tmp, n);
				fmt_value(med, sizeof(med), mg);
				snprintf(buf, sizeof(buf), "%s", med);
				if (rc->base_of[g] != g && ib >= 0 && base->nr_values[ib]) {
					size_t nb = MIN(base->nr_values[ib], ARRAY_SIZE(tmp));
					memcpy(tmp, base->metric_values[ib], nb * sizeof(double));
					double pct = stat_pct_change(runset_median(tmp, nb), mg);
					size_t o = strlen(buf);
					if (isnan(pct))
						snprintf(buf + o, sizeof(buf) - o, " (from 0)");
					else
						snprintf(buf + o, sizeof(buf) - o, " (%+.1f%%)%s%s", pct,
							 *mark(base, ib, grp, idx) ? " " : "", mark(base, ib, grp, idx));
				}
			}
			fprintf(rc->html, "<td>");
			compare_html_escape(rc->html, buf);
			fprintf(rc->html, "</td>");
			fprintf(rc->md, " %s |", buf);
		}
		fprintf(rc->html, "</tr>\n");
		fprintf(rc->md, "\n");
	}
	fprintf(rc->html, "</table></div>\n<p>The same in every run:</p>\n<ul class=\"constant\">\n");
	fprintf(rc->md, "\nThe same in every run: ");
	size_t k = 0;
	for (size_t m = 0; m < nr; m++) {
		if (!is_const[m])
			continue;
		char v[48];
		fmt_value(v, sizeof(v), val[m]);
		fprintf(rc->html, "<li><code>");
		compare_html_escape(rc->html, names[m]);
		fprintf(rc->html, "</code> = %s</li>\n", v);
		fprintf(rc->md, "%s`%s` = %s", k++ ? ", " : "", names[m], v);
	}
	fprintf(rc->html, "</ul>\n</details>\n");
	fprintf(rc->md, "%s\n\n</details>\n\n", k ? "" : "none");
out:
	free(names);
	free(val);
	free(is_const);
}
