/* headline.c — what the report opens with: the plan's question, then per group the
 * headline metrics (median over the seeds, 95 % CI, the change against the group's base and
 * whether it is beyond the noise), the allocation failures and OOM kills beside them,
 * per-seed values one click away; the published figures beside the measured ones; one strip
 * plot per headline metric (per-seed points over the median bar).
 *
 * Significance: when the group shares its seeds with its base (`seeds: common`, or
 * --compare of two runs of one plan) the comparison is paired by seed (runset_paired_stats:
 * paired t, Wilcoxon signed-rank beside it); otherwise Welch's t-test.  A test is run only
 * when it can say something: n >= 3 on each side and variance that is not zero (a
 * difference that is the same in every pair is deterministic, not a sample) — otherwise
 * the cell says why not.
 */
#include "report_int.h"

#include "../kernel/gfp.h"
#include "../stats/compare.h"
#include "../stats/stat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MIN_TEST_N 3

/* How group G compares with its base on one metric. */
struct head_cmp {
	bool have;          /* G is not its own base and both have values */
	double pct;         /* change of the medians, % of the base's */
	double delta;       /* median(G) - median(base), or the median paired difference */
	double ci_lo, ci_hi; /* 95% CI of the (paired) mean difference */
	bool paired;
	double p, p_wilcoxon; /* NaN: no test (why) */
	const char *why;
};

/* Values of METRIC in G's runs, run order; how many. */
static size_t values(const struct runset_group *g, const char *metric, double *v)
{
	size_t n = 0;
	for (size_t r = 0; r < g->nr_runs; r++) {
		const struct json_value *x = json_path(g->runs[r].summary, metric);
		if (x && x->type == JSON_NUMBER)
			v[n++] = x->number;
	}
	return n;
}

static double median_of(const double *v, size_t n, double *tmp)
{
	memcpy(tmp, v, n * sizeof(double));
	return runset_median(tmp, n);
}

static void compare_with_base(const struct report_state *rc, size_t g, const char *metric,
			      double *a, double *b, double *tmp, struct head_cmp *c)
{
	*c = (struct head_cmp){ .p = NAN, .p_wilcoxon = NAN };
	size_t base = rc->base_of[g];
	if (base == g)
		return;
	const struct runset_group *ga = &rc->rs.groups[base], *gb = &rc->rs.groups[g];
	size_t na = values(ga, metric, a), nb = values(gb, metric, b);
	if (!na || !nb)
		return;
	c->have = true;
	double ma = median_of(a, na, tmp), mb = median_of(b, nb, tmp);
	c->pct = stat_pct_change(ma, mb);
	c->delta = mb - ma;
	if (report_paired(rc, g)) {
		size_t cap = MAX(ga->nr_runs, gb->nr_runs);
		size_t n = runset_pair_by_seed(ga, gb, metric, a, b, cap);
		struct runset_paired ps;
		runset_paired_stats(a, b, n, &ps);
		c->paired = true;
		c->delta = ps.median;
		c->ci_lo = ps.ci_lo;
		c->ci_hi = ps.ci_hi;
		c->p = ps.t_p;
		c->p_wilcoxon = ps.wilcoxon_p;
		c->why = ps.why;
		return;
	}
	struct stat_summary sa, sb;
	struct stat_welch w;
	stat_summarize(a, na, &sa);
	stat_summarize(b, nb, &sb);
	c->ci_lo = sb.mean - sa.mean;
	c->ci_hi = c->ci_lo;
	if (na < REPORT_MIN_TEST_N || nb < REPORT_MIN_TEST_N)
		c->why = "fewer than 3 seeds a side";
	else if (sa.stddev == 0 && sb.stddev == 0)
		c->why = sa.mean == sb.mean ? "identical in every seed" : "no variance on either side";
	else {
		stat_welch(&sb, &sa, &w);
		c->p = w.p;
	}
}

static void fmt_p(char *buf, size_t n, double p)
{
	if (p < 0.001)
		snprintf(buf, n, "p<0.001");
	else
		snprintf(buf, n, "p=%.3f", p);
}

/* The largest magnitude of METRIC in any run: the unit's scale. */
static double metric_max(const struct report_state *rc, const char *metric)
{
	double m = 0;
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		long idx = runset_metric_index(&rc->rs.groups[g], metric);
		for (size_t k = 0; idx >= 0 && k < rc->rs.groups[g].nr_values[idx]; k++)
			m = MAX(m, fabs(rc->rs.groups[g].metric_values[idx][k]));
	}
	return m;
}

/* Failed allocation requests of a run, over every class; -1 when it has no outcomes. */
static double run_failures(const struct runset_run *r)
{
	const struct json_value *o = json_get(r->summary, "alloc_outcome");
	if (!o)
		return -1;
	double sum = 0;
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		char path[96];
		snprintf(path, sizeof(path), "%s.failed", alloc_class_names[c]);
		const struct json_value *x = json_path(o, path);
		if (x && x->type == JSON_NUMBER)
			sum += x->number;
	}
	return sum;
}

static double run_oom_kills(const struct runset_run *r)
{
	const struct json_value *x = json_path(r->summary, "counters.oom_kill");
	if (x && x->type == JSON_NUMBER)
		return x->number;
	const struct json_value *k = json_get(r->summary, "oom_kills");
	return k && k->type == JSON_ARRAY ? (double)k->nr_children : -1;
}

/* "median [min–max]" of the per-run figure F over G's runs; "n/a" when none has it. */
static void fmt_run_figure(const struct runset_group *g, double (*f)(const struct runset_run *),
			   double *v, char *buf, size_t n)
{
	size_t k = 0;
	for (size_t r = 0; r < g->nr_runs; r++) {
		double x = f(&g->runs[r]);
		if (x >= 0)
			v[k++] = x;
	}
	runset_median(v, k); /* sorts */
	report_fmt_spread(v, k, buf, n);
}

static const char *better_text(enum plan_better b)
{
	return b == PLAN_BETTER_LOWER ? "lower is better" : b == PLAN_BETTER_HIGHER ? "higher is better" : "";
}

/* "better", "worse" or "" for a change judged beyond the noise. */
static const char *verdict(const struct head_cmp *c, enum plan_better better)
{
	bool beyond = !isnan(c->p) ? c->p < 0.05 : (c->why && !strcmp(c->why, "every pair differs by the same amount"));
	if (!c->have || !beyond || better == PLAN_BETTER_NONE || c->delta == 0)
		return "";
	return (c->delta < 0) == (better == PLAN_BETTER_LOWER) ? "better" : "worse";
}

static void headline_cell(struct report_state *rc, size_t g, const struct report_metric *m,
			  const struct report_unit *u, double *a, double *b, double *tmp)
{
	const struct runset_group *grp = &rc->rs.groups[g];
	size_t n = values(grp, m->name, a);
	char med[64], lo[64], hi[64], d[64], dlo[64], dhi[64], p[64] = "", change[400] = "";
	if (!n) {
		fprintf(rc->html, "<td>n/a</td>");
		fprintf(rc->md, " n/a |");
		return;
	}
	struct stat_summary s;
	stat_summarize(a, n, &s);
	/* a count or a time is never negative: a t interval reaching below 0 says only that
	 * the seeds disagree, so it stops at 0 */
	bool nonneg = true;
	for (size_t k = 0; k < n; k++)
		nonneg &= a[k] >= 0;
	if (nonneg && s.ci_lo < 0)
		s.ci_lo = 0;
	report_fmt_unit(med, sizeof(med), median_of(a, n, tmp), u);
	report_fmt_unit(lo, sizeof(lo), s.ci_lo, u);
	report_fmt_unit(hi, sizeof(hi), s.ci_hi, u);
	struct head_cmp c;
	compare_with_base(rc, g, m->name, a, b, tmp, &c);
	const char *v = verdict(&c, m->better);
	if (c.have) {
		report_fmt_unit(d, sizeof(d), c.delta, u);
		report_fmt_unit(dlo, sizeof(dlo), c.ci_lo, u);
		report_fmt_unit(dhi, sizeof(dhi), c.ci_hi, u);
		if (!isnan(c.p)) {
			fmt_p(p, sizeof(p), c.p);
			if (c.paired && !isnan(c.p_wilcoxon)) {
				size_t o = strlen(p);
				snprintf(p + o, sizeof(p) - o, ", Wilcoxon p=%.3f", c.p_wilcoxon);
			}
		}
		char pct[32];
		if (isnan(c.pct))
			snprintf(pct, sizeof(pct), "from 0");
		else
			snprintf(pct, sizeof(pct), "%+.1f%%", c.pct);
		snprintf(change, sizeof(change), "%s%s (%s)%s%s%s%s%s", c.delta > 0 ? "+" : "", d, pct,
			 c.paired ? "; paired Δ 95% CI [" : "", c.paired ? dlo : "",
			 c.paired ? ", " : "", c.paired ? dhi : "", c.paired ? "]" : "");
	}
	fprintf(rc->html, "<td%s%s%s><b>%s</b>", *v ? " class=\"" : "", v, *v ? "\"" : "", med);
	if (n >= 2)
		fprintf(rc->html, "<br><small>95%% CI [%s, %s]</small>", lo, hi);
	if (c.have) {
		fprintf(rc->html, "<br><span class=\"chg\">%s</span>", change);
		if (!isnan(c.p))
			fprintf(rc->html, "<br><small>%s %s</small>", p, stat_mark(c.p));
		else
			fprintf(rc->html, "<br><small>no test: %s</small>", c.why ? c.why : "n/a");
	}
	fprintf(rc->html, "</td>");
	fprintf(rc->md, " %s", med);
	if (n >= 2)
		fprintf(rc->md, " [%s, %s]", lo, hi);
	if (c.have) {
		fprintf(rc->md, "; %s", change);
		if (!isnan(c.p))
			fprintf(rc->md, "; %s%s", p, c.p < 0.01 ? " \\*\\*" : c.p < 0.05 ? " \\*" : "");
		else
			fprintf(rc->md, "; no test: %s", c.why ? c.why : "n/a");
		if (*v)
			fprintf(rc->md, " (%s)", v);
	}
	fprintf(rc->md, " |");
}

static void per_seed_details(struct report_state *rc, const struct report_unit *units)
{
	fprintf(rc->html, "<details><summary>Per-seed values</summary>\n<table>\n<tr><th>group</th>"
			  "<th>seed</th>");
	fprintf(rc->md, "<details><summary>Per-seed values</summary>\n\n| group | seed |");
	for (size_t m = 0; m < rc->nr_head; m++) {
		fprintf(rc->html, "<th>");
		compare_html_escape(rc->html, rc->head[m].label);
		fprintf(rc->html, "</th>");
		fprintf(rc->md, " %s |", rc->head[m].label);
	}
	fprintf(rc->html, "<th>failed allocations</th><th>OOM kills</th></tr>\n");
	fprintf(rc->md, " failed allocations | OOM kills |\n|---|---:|");
	for (size_t m = 0; m < rc->nr_head + 2; m++)
		fprintf(rc->md, "---:|");
	fprintf(rc->md, "\n");
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		for (size_t r = 0; r < grp->nr_runs; r++) {
			const struct json_value *seed = json_get(grp->runs[r].summary, "seed");
			char sd[32], buf[64];
			if (seed && seed->type == JSON_NUMBER)
				snprintf(sd, sizeof(sd), "%.0f", seed->number);
			else
				snprintf(sd, sizeof(sd), "run %zu", r);
			report_short_label(grp->label, buf, sizeof(buf));
			report_cell(rc, buf, true);
			report_cell(rc, sd, false);
			for (size_t m = 0; m < rc->nr_head; m++) {
				const struct json_value *x = json_path(grp->runs[r].summary, rc->head[m].name);
				if (x && x->type == JSON_NUMBER)
					report_fmt_unit(buf, sizeof(buf), x->number, &units[m]);
				else
					snprintf(buf, sizeof(buf), "n/a");
				report_cell(rc, buf, false);
			}
			double f = run_failures(&grp->runs[r]), k = run_oom_kills(&grp->runs[r]);
			snprintf(buf, sizeof(buf), f < 0 ? "n/a" : "%.0f", f);
			report_cell(rc, buf, false);
			snprintf(buf, sizeof(buf), k < 0 ? "n/a" : "%.0f", k);
			report_cell(rc, buf, false);
			report_row_end(rc);
		}
	}
	fprintf(rc->html, "</table>\n</details>\n");
	fprintf(rc->md, "\n</details>\n\n");
}

void report_section_headline(struct report_state *rc)
{
	size_t cap = 1;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		cap = MAX(cap, rc->rs.groups[g].nr_runs);
	double *a = calloc(cap, sizeof(double)), *b = calloc(cap, sizeof(double)),
	       *tmp = calloc(cap, sizeof(double));
	struct report_unit *units = calloc(rc->nr_head + 1, sizeof(*units));
	if (!a || !b || !tmp || !units)
		goto out;
	const char *q = rc->have_plan ? rc->plan.question : NULL;
	fprintf(rc->html, "<h2>Question</h2>\n<p class=\"question\">");
	fprintf(rc->md, "## Question\n\n");
	if (q) {
		compare_html_escape(rc->html, q);
		fprintf(rc->md, "> %s\n\n", q);
	} else {
		fprintf(rc->html, "(The plan asks no question: add <code>question:</code> and "
				  "<code>headline:</code> to it, docs/sweeps.md.)");
		fprintf(rc->md, "(The plan asks no question: add `question:` and `headline:` to it, "
				"docs/sweeps.md.)\n\n");
	}
	fprintf(rc->html, "</p>\n<h2>Headline</h2>\n");
	fprintf(rc->md, "## Headline\n\n");
	bool any_paired = false;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		any_paired |= report_paired(rc, g);
	static const char note_html[] =
		"Per group: the median over the seeds in bold, the 95%% confidence interval of the "
		"mean under it; against the group's base (\"vs\" column) the change of the median and "
		"%s. Tests run only with at least 3 seeds a side and non-zero variance; otherwise the "
		"cell says why not. Green: better beyond the noise, red: worse (p&lt;0.05, or the same "
		"difference in every seed).";
	fprintf(rc->html, "<p class=\"note\">");
	fprintf(rc->html, note_html,
		any_paired ? "for runs that share seeds with it the paired difference (median, 95% CI "
			     "of the mean) with a paired t-test and Wilcoxon's signed-rank test"
			   : "Welch's t-test");
	fprintf(rc->html, "</p>\n<div class=\"wide\"><table class=\"headline\" id=\"headline\">\n"
			  "<tr><th>group</th><th>vs</th><th>seeds</th>");
	fprintf(rc->md, "Median over seeds [95%% CI of the mean]; change against the base with %s; "
			"a test only with n >= 3 and non-zero variance.\n\n| group | vs | seeds |",
		any_paired ? "a paired test (seeds shared)" : "Welch's t-test");
	for (size_t m = 0; m < rc->nr_head; m++) {
		const struct report_metric *hm = &rc->head[m];
		report_unit_pick(hm->unit, metric_max(rc, hm->name), &units[m]);
		const char *bt = better_text(hm->better);
		fprintf(rc->html, "<th>");
		compare_html_escape(rc->html, hm->label);
		fprintf(rc->html, "%s%s%s", *units[m].label ? " (" : "", units[m].label, *units[m].label ? ")" : "");
		if (*bt)
			fprintf(rc->html, "<br><small>%s</small>", bt);
		fprintf(rc->html, "</th>");
		fprintf(rc->md, " %s%s%s%s%s%s |", hm->label, *units[m].label ? " (" : "", units[m].label,
			*units[m].label ? ")" : "", *bt ? ", " : "", bt);
	}
	fprintf(rc->html, "<th>failed allocations</th><th>OOM kills</th></tr>\n");
	fprintf(rc->md, " failed allocations | OOM kills |\n|---|---|---:|");
	for (size_t m = 0; m < rc->nr_head + 2; m++)
		fprintf(rc->md, "---|");
	fprintf(rc->md, "\n");
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		char lbl[256], vs[300], buf[128];
		report_short_label(grp->label, lbl, sizeof(lbl));
		if (rc->base_of[g] == g)
			snprintf(vs, sizeof(vs), "base");
		else
			report_short_label(rc->rs.groups[rc->base_of[g]].label, vs, sizeof(vs));
		fprintf(rc->html, "<tr><td title=\"");
		compare_html_escape(rc->html, grp->label);
		fprintf(rc->html, "\">");
		compare_html_escape(rc->html, lbl);
		fprintf(rc->html, "</td><td>");
		compare_html_escape(rc->html, vs);
		fprintf(rc->html, "</td><td>%zu</td>", grp->nr_runs);
		fprintf(rc->md, "| %s | %s | %zu |", lbl, vs, grp->nr_runs);
		for (size_t m = 0; m < rc->nr_head; m++)
			headline_cell(rc, g, &rc->head[m], &units[m], a, b, tmp);
		fmt_run_figure(grp, run_failures, a, buf, sizeof(buf));
		fprintf(rc->html, "<td>%s</td>", buf);
		fprintf(rc->md, " %s |", buf);
		fmt_run_figure(grp, run_oom_kills, a, buf, sizeof(buf));
		fprintf(rc->html, "<td>%s</td></tr>\n", buf);
		fprintf(rc->md, " %s |\n", buf);
	}
	fprintf(rc->html, "</table></div>\n");
	fprintf(rc->md, "\n");
	per_seed_details(rc, units);
out:
	free(a);
	free(b);
	free(tmp);
	free(units);
}

/* Factor from a metric's UNIT (plan_units) to a published unit TO; NaN when they do not
 * convert (the measured column then says so). */
static double convert(const char *unit, const char *to)
{
	static const struct {
		const char *from, *to;
		double f;
	} t[] = {
		{ "ns", "s", 1e-9 }, { "ns", "ms", 1e-6 }, { "ns", "us", 1e-3 }, { "ns", "µs", 1e-3 },
		{ "ns", "ns", 1 }, { "pages", "MiB", 4096.0 / 1048576 }, { "pages", "MB", 4096.0 / 1048576 },
		{ "pages", "GiB", 4096.0 / 1073741824 }, { "pages", "KiB", 4 }, { "pages", "pages", 1 },
		{ "bytes", "MiB", 1.0 / 1048576 }, { "bytes", "GiB", 1.0 / 1073741824 },
		{ "bytes", "KiB", 1.0 / 1024 }, { "bytes", "bytes", 1 }, { "count", "count", 1 },
		{ "share", "%", 100 }, { "share", "share", 1 },
	};
	if (!to || !*to)
		return !strcmp(unit, "count") ? 1 : NAN;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(t[i].from, unit) && !strcmp(t[i].to, to))
			return t[i].f;
	return NAN;
}

/* The unit of METRIC: the headline's when it is one, else guessed from the name. */
static const char *unit_of(const struct report_state *rc, const char *metric)
{
	for (size_t m = 0; m < rc->nr_head; m++)
		if (!strcmp(rc->head[m].name, metric))
			return rc->head[m].unit;
	return report_unit_guess(metric);
}

static double group_median(const struct report_state *rc, size_t g, const char *metric,
			   double *v, double *tmp, size_t *n)
{
	*n = values(&rc->rs.groups[g], metric, v);
	return *n ? median_of(v, *n, tmp) : NAN;
}

/* The group a published ratio of G is measured against: its base, except under --compare,
 * where each run (old, new) has its own baseline point (groups alternate old, new). */
static size_t ratio_base(const struct report_state *rc, size_t g)
{
	if (!rc->regress)
		return rc->base_of[g];
	for (size_t b = g % 2; b < rc->rs.nr_groups; b += 2)
		if (!rc->plan.baseline || report_group_matches(rc, b, rc->plan.baseline))
			return b;
	return g;
}

void report_section_published(struct report_state *rc)
{
	if (!rc->have_plan || !rc->plan.nr_published)
		return;
	size_t cap = 1;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		cap = MAX(cap, rc->rs.groups[g].nr_runs);
	double *v = calloc(cap, sizeof(double)), *tmp = calloc(cap, sizeof(double));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return;
	}
	fprintf(rc->html, "<h2>Published vs measured</h2>\n<p class=\"note\">A ratio is the group's "
			  "median over the seeds divided by its base's; a value is the group's median in "
			  "the published unit. The last column is measured / published: 1 is "
			  "agreement.</p>\n<table id=\"published\">\n<tr><th>metric</th><th>group</th>"
			  "<th>published</th><th>measured</th><th>measured / published</th>"
			  "<th>source</th></tr>\n");
	fprintf(rc->md, "## Published vs measured\n\nA ratio is the group's median over the seeds "
			"divided by its base's; a value is the group's median in the published unit.\n\n"
			"| metric | group | published | measured | measured / published | source |\n"
			"|---|---|---:|---:|---:|---|\n");
	for (unsigned i = 0; i < rc->plan.nr_published; i++) {
		const struct plan_published *f = &rc->plan.published[i];
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			if (!report_group_matches(rc, g, f->group))
				continue;
			char pub[96], meas[96], ratio[64], what[600], lbl[256];
			size_t n, nb;
			double mg = group_median(rc, g, f->metric, v, tmp, &n), measured = NAN;
			if (f->has_ratio) {
				size_t base = ratio_base(rc, g);
				double mb = group_median(rc, base, f->metric, v, tmp, &nb);
				snprintf(pub, sizeof(pub), "%.4g×", f->value);
				if (base == g)
					snprintf(meas, sizeof(meas), "n/a (the group is the base)");
				else if (!n || !nb)
					snprintf(meas, sizeof(meas), "n/a (no runs)");
				else if (mb == 0)
					snprintf(meas, sizeof(meas), "n/a (the base's median is 0)");
				else {
					measured = mg / mb;
					snprintf(meas, sizeof(meas), "%.4g×", measured);
				}
				report_short_label(rc->rs.groups[base].label, lbl, sizeof(lbl));
				snprintf(what, sizeof(what), "%s (ratio to %s)", f->metric, lbl);
			} else {
				double k = convert(unit_of(rc, f->metric), f->unit);
				snprintf(pub, sizeof(pub), "%.4g %s", f->value, f->unit ? f->unit : "");
				if (!n)
					snprintf(meas, sizeof(meas), "n/a (no runs)");
				else if (isnan(k))
					snprintf(meas, sizeof(meas), "n/a (%s does not convert to %s)",
						 unit_of(rc, f->metric), f->unit ? f->unit : "a count");
				else {
					measured = mg * k;
					snprintf(meas, sizeof(meas), "%.4g %s", measured, f->unit ? f->unit : "");
				}
				snprintf(what, sizeof(what), "%s", f->metric);
			}
			if (isnan(measured) || f->value == 0)
				snprintf(ratio, sizeof(ratio), "n/a");
			else
				snprintf(ratio, sizeof(ratio), "%.2f", measured / f->value);
			report_short_label(rc->rs.groups[g].label, lbl, sizeof(lbl));
			report_cell(rc, what, true);
			report_cell(rc, lbl, false);
			report_cell(rc, pub, false);
			report_cell(rc, meas, false);
			report_cell(rc, ratio, false);
			report_cell(rc, f->source, false);
			report_row_end(rc);
		}
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
	free(v);
	free(tmp);
}

/* One strip plot per headline metric: a bar at each group's median, the 95 % CI of the mean
 * as whiskers, and every seed as a point over it, so spread and bimodality show. */
void report_section_headline_figures(struct report_state *rc)
{
	if (!rc->nr_head)
		return;
	fprintf(rc->html, "<h2>Headline metrics per seed</h2>\n");
	fprintf(rc->md, "## Headline metrics per seed\n\n");
	for (size_t m = 0; m < rc->nr_head; m++) {
		const struct report_metric *hm = &rc->head[m];
		struct report_unit u;
		report_unit_pick(hm->unit, metric_max(rc, hm->name), &u);
		char name[64], path[4300], spath[4300], sname[64];
		snprintf(name, sizeof(name), "bars-%zu", m);
		snprintf(sname, sizeof(sname), "strip-%zu", m);
		FILE *fp = report_open_data(rc, name, path, sizeof(path));
		FILE *sp = fp ? report_open_data(rc, sname, spath, sizeof(spath)) : NULL;
		if (!sp) {
			if (fp)
				fclose(fp);
			continue;
		}
		fprintf(fp, "index\tlabel\tmedian\tci95_lo\tci95_hi\n");
		fprintf(sp, "x\tvalue\n");
		size_t rows = 0;
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			const struct runset_group *grp = &rc->rs.groups[g];
			long idx = runset_metric_index(grp, hm->name);
			if (idx < 0)
				continue;
			size_t n = grp->nr_values[idx];
			double *v = grp->metric_values[idx], tmpv[256];
			struct stat_summary s;
			stat_summarize(v, n, &s);
			size_t nt = MIN(n, ARRAY_SIZE(tmpv));
			double med = median_of(v, nt, tmpv);
			char lbl[256];
			report_data_label(grp->label, lbl, sizeof(lbl));
			fprintf(fp, "%zu\t\"%s\"\t%.10g\t%.10g\t%.10g\n", rows, lbl, med * u.factor,
				s.ci_lo * u.factor, s.ci_hi * u.factor);
			/* points spread sideways (deterministically) so equal values stay visible */
			for (size_t k = 0; k < n; k++)
				fprintf(sp, "%.4f\t%.10g\n",
					(double)rows + (n > 1 ? 0.3 * ((double)k / (double)(n - 1) - 0.5) : 0),
					v[k] * u.factor);
			rows++;
		}
		bool ok = report_close_data(rc, fp, path) & report_close_data(rc, sp, spath);
		if (!ok || !rows)
			continue;
		char extra[9000], qy[400], qs[4400], ylabel[300], title[300], alt[600];
		snprintf(ylabel, sizeof(ylabel), "%s%s%s%s", hm->label, *u.label ? " (" : "", u.label,
			 *u.label ? ")" : "");
		report_gp_quote(qy, sizeof(qy), ylabel);
		report_gp_quote(qs, sizeof(qs), spath);
		snprintf(extra, sizeof(extra), "ylabel=%s; strip=%s", qy, qs);
		snprintf(title, sizeof(title), "%s: median (bar), 95%% CI, each seed (dot)", hm->label);
		snprintf(alt, sizeof(alt), "Strip plot of %s per group: a bar at the median over the "
			 "seeds, whiskers for the 95%% confidence interval of the mean and one dot per seed.",
			 hm->label);
		if (report_render(rc, "compare_bars.gp", path, name, title, extra))
			report_figure(rc, name, title, alt);
	}
}
