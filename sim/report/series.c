/* series.c — figures over time and distributions: CMA pages in use and each zone's free
 * pages against its watermarks as the median over the seeds with a min–max band, buddyinfo
 * heatmaps (median over the seeds per cell, one colour scale for every group and zone), and
 * allocation latency CDFs (histograms summed over the seeds). */
#include "report_int.h"

#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"
#include "../stats/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_CDF_GROUPS 12

/* A numeric TSV (timeseries.tsv): column names and rows of doubles.
 * Invariant: every row has nr_cols values. */
struct tsv {
	size_t nr_cols, nr_rows;
	char **cols;
	double *v; /* v[row * nr_cols + col] */
};

static void tsv_free(struct tsv *t)
{
	for (size_t i = 0; i < t->nr_cols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static long tsv_col(const struct tsv *t, const char *name)
{
	for (size_t i = 0; i < t->nr_cols; i++)
		if (!strcmp(t->cols[i], name))
			return (long)i;
	return -1;
}

static int tsv_load(struct tsv *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	char *text = runset_read_file(path, NULL, NULL);
	if (!text)
		return -1;
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	if (!line) {
		free(text);
		return -1;
	}
	for (char *f = line;;) {
		char *tab = strchr(f, '\t');
		if (tab)
			*tab = 0;
		t->cols = realloc(t->cols, (t->nr_cols + 1) * sizeof(char *));
		t->cols[t->nr_cols++] = strdup(f);
		if (!tab)
			break;
		f = tab + 1;
	}
	size_t cap = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (t->nr_rows == cap) {
			cap = cap ? 2 * cap : 64;
			t->v = realloc(t->v, cap * t->nr_cols * sizeof(double));
		}
		char *p = line;
		for (size_t c = 0; c < t->nr_cols; c++) {
			char *end;
			t->v[t->nr_rows * t->nr_cols + c] = strtod(p, &end);
			p = *end ? end + 1 : end;
		}
		t->nr_rows++;
	}
	free(text);
	return 0;
}


/* Sum the latency histograms of group G for CLASS over repeats into (upper_ns, count). */
static size_t latency_hist(const struct runset_group *g, const char *cls, double **upper,
			   double **count)
{
	size_t n = 0;
	*upper = NULL;
	*count = NULL;
	for (size_t r = 0; r < g->nr_runs; r++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/latency.tsv", g->runs[r].dir);
		char *text = runset_read_file(path, NULL, NULL);
		if (!text)
			continue;
		char *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t');
			if (!tab || strncmp(line, cls, (size_t)(tab - line)) || strlen(cls) != (size_t)(tab - line))
				continue;
			char *end;
			double up = strtod(tab + 1, &end), c = strtod(end, NULL);
			size_t i = 0;
			while (i < n && (*upper)[i] != up)
				i++;
			if (i == n) {
				*upper = realloc(*upper, (n + 1) * sizeof(double));
				*count = realloc(*count, (n + 1) * sizeof(double));
				(*upper)[n] = up;
				(*count)[n] = 0;
				n++;
			}
			(*count)[i] += c;
		}
		free(text);
	}
	/* buckets in increasing order (insertion sort: a few dozen buckets) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (*upper)[j - 1] > (*upper)[j]; j--) {
			double t = (*upper)[j];
			(*upper)[j] = (*upper)[j - 1];
			(*upper)[j - 1] = t;
			t = (*count)[j];
			(*count)[j] = (*count)[j - 1];
			(*count)[j - 1] = t;
		}
	return n;
}

void report_section_latency(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Allocation latency CDFs</h2>\n");
	fprintf(rc->md, "## Allocation latency CDFs\n\n");
	for (size_t c = 0; c < NR_ALLOC_CLASSES; c++) {
		char name[64], path[4300];
		snprintf(name, sizeof(name), "latency-cdf-%s", alloc_class_names[c]);
		FILE *fp = report_open_data(rc, name, path, sizeof(path));
		if (!fp)
			continue;
		unsigned blocks = 0;
		for (size_t g = 0; g < rc->rs.nr_groups && blocks < REPORT_MAX_CDF_GROUPS; g++) {
			double *up, *cnt, total = 0, cum = 0;
			size_t n = latency_hist(&rc->rs.groups[g], alloc_class_names[c], &up, &cnt);
			size_t nr_plottable = 0;
			for (size_t i = 0; i < n; i++) {
				total += cnt[i];
				nr_plottable += up[i] > 0;
			}
			/* a class whose every latency is 0 ns has nothing to draw on a log axis */
			if (total > 0 && nr_plottable > 0) {
				char lbl[256];
				report_short_label(rc->rs.groups[g].label, lbl, sizeof(lbl));
				for (char *q = lbl; *q; q++)
					if (*q == '"')
						*q = '\'';
				fprintf(fp, "%s\"%s\"\n", blocks ? "\n\n" : "", lbl);
				for (size_t i = 0; i < n; i++) {
					cum += cnt[i];
					/* bucket 0 (0 ns) counts but has no place on a log axis */
					if (up[i] > 0)
						fprintf(fp, "%.10g\t%.10g\n", up[i], cum / total);
				}
				blocks++;
			}
			free(up);
			free(cnt);
		}
		if (!report_close_data(rc, fp, path))
			continue;
		if (!blocks) {
			remove(path);
			continue;
		}
		char extra[32], title[128];
		snprintf(extra, sizeof(extra), "n=%u", blocks);
		snprintf(title, sizeof(title), "%s%s allocation latency CDF", alloc_class_names[c],
			 !strcmp(alloc_class_names[c], "cma_device") ? " (device cma_alloc)" : "");
		if (report_render(rc, "latency_cdf.gp", path, name, title, extra))
			report_figure(rc, name, title,
				      "Cumulative distribution: for each group, the fraction of allocations "
				      "of this class that finished within a latency (log scale).");
	}
}

/* One group's time series over its seeds: timeseries.tsv of every run that has one.  Runs
 * sample at one period, so row i is the same time in each; a shorter run (it finished
 * sooner) simply has no row i, and the median is over the runs that do. */
struct group_series {
	size_t nr;
	struct tsv *t;
	size_t nr_rows; /* the longest run's */
};

static void series_free(struct group_series *s)
{
	for (size_t i = 0; i < s->nr; i++)
		tsv_free(&s->t[i]);
	free(s->t);
	memset(s, 0, sizeof(*s));
}

static int series_load(const struct runset_group *g, struct group_series *s)
{
	memset(s, 0, sizeof(*s));
	s->t = calloc(g->nr_runs ? g->nr_runs : 1, sizeof(struct tsv));
	if (!s->t)
		return -1;
	for (size_t r = 0; r < g->nr_runs; r++) {
		char path[4300];
		snprintf(path, sizeof(path), "%s/timeseries.tsv", g->runs[r].dir);
		if (tsv_load(&s->t[s->nr], path) == 0 && tsv_col(&s->t[s->nr], "time_ns") >= 0) {
			s->nr_rows = MAX(s->nr_rows, s->t[s->nr].nr_rows);
			s->nr++;
		} else {
			tsv_free(&s->t[s->nr]);
		}
	}
	return s->nr ? 0 : -1;
}

static bool series_has(const struct group_series *s, const char *col)
{
	return s->nr && tsv_col(&s->t[0], col) >= 0;
}

/* Row ROW of column COL over the runs that have it: median, min, max, and the time (s).
 * false when no run has the row. */
static bool series_at(const struct group_series *s, const char *col, size_t row, double *med,
		      double *lo, double *hi, double *time_s)
{
	double v[256];
	size_t n = 0;
	for (size_t i = 0; i < s->nr && n < ARRAY_SIZE(v); i++) {
		const struct tsv *t = &s->t[i];
		long c = tsv_col(t, col), tc = tsv_col(t, "time_ns");
		if (c < 0 || row >= t->nr_rows)
			continue;
		if (!n)
			*time_s = t->v[row * t->nr_cols + (size_t)tc] / 1e9;
		v[n++] = t->v[row * t->nr_cols + (size_t)c];
	}
	if (!n)
		return false;
	*med = runset_median(v, n); /* sorts v */
	*lo = v[0];
	*hi = v[n - 1];
	return true;
}

static double series_max(const struct group_series *s, const char *col)
{
	double m = 0;
	for (size_t i = 0; i < s->nr; i++) {
		long c = tsv_col(&s->t[i], col);
		for (size_t r = 0; c >= 0 && r < s->t[i].nr_rows; r++)
			m = MAX(m, fabs(s->t[i].v[r * s->t[i].nr_cols + (size_t)c]));
	}
	return m;
}

/* CMA utilisation: how much of the CMA areas holds pages over time, per group; the figure
 * the CMA policies are compared on (architecture.md §4, model.md §7). */
void report_section_cma_used(struct report_state *rc)
{
	const char *col = "cma_used_pages";
	size_t n = MIN(rc->rs.nr_groups, (size_t)REPORT_MAX_CDF_GROUPS);
	struct group_series *gs = calloc(n ? n : 1, sizeof(*gs));
	double max = 0;
	if (!gs)
		return;
	for (size_t g = 0; g < n; g++)
		if (series_load(&rc->rs.groups[g], &gs[g]) == 0 && series_has(&gs[g], col))
			max = MAX(max, series_max(&gs[g], col));
	char name[] = "cma-used", path[4300];
	FILE *fp = max > 0 ? report_open_data(rc, name, path, sizeof(path)) : NULL;
	unsigned blocks = 0;
	struct report_unit u;
	report_unit_pick("pages", max, &u);
	for (size_t g = 0; fp && g < n; g++) {
		if (!series_has(&gs[g], col))
			continue;
		char lbl[256];
		report_data_label(rc->rs.groups[g].label, lbl, sizeof(lbl));
		fprintf(fp, "%s\"%s\"\n", blocks ? "\n\n" : "", lbl);
		for (size_t r = 0; r < gs[g].nr_rows; r++) {
			double med, lo, hi, ts;
			if (series_at(&gs[g], col, r, &med, &lo, &hi, &ts))
				fprintf(fp, "%.9g\t%.10g\t%.10g\t%.10g\n", ts, med * u.factor, lo * u.factor,
					hi * u.factor);
		}
		blocks++;
	}
	for (size_t g = 0; g < n; g++)
		series_free(&gs[g]);
	free(gs);
	if (!fp || !report_close_data(rc, fp, path))
		return;
	fprintf(rc->html, "<h2>CMA utilisation</h2>\n");
	fprintf(rc->md, "## CMA utilisation\n\n");
	char extra[128];
	snprintf(extra, sizeof(extra), "n=%u; ylabel='CMA memory in use (%s)'", blocks, u.label);
	const char *title = "CMA memory in use over time: median over seeds, band min–max";
	if (report_render(rc, "group_lines.gp", path, name, title, extra))
		report_figure(rc, name, title,
			      "Line chart: CMA memory in use against time, one line per group (the median "
			      "over the seeds) with a shaded band from the lowest to the highest seed.");
}

/* Free pages of zone ZN against its watermarks: median over seeds with a min–max band,
 * min/low/high as the median over seeds (they move only with watermark boosting). */
static void watermark_figure(struct report_state *rc, size_t g, const struct group_series *s,
			     const char *zn)
{
	char col[4][64];
	static const char *const wm[4] = { "free", "min", "low", "high" };
	for (int k = 0; k < 4; k++) {
		snprintf(col[k], sizeof(col[k]), "%s_%s", wm[k], zn);
		if (!series_has(s, col[k]))
			return;
	}
	double max = 0;
	for (int k = 0; k < 4; k++)
		max = MAX(max, series_max(s, col[k]));
	struct report_unit u;
	report_unit_pick("pages", max, &u);
	char name[64], dpath[4300], title[512], extra[256];
	snprintf(name, sizeof(name), "g%zu-%s-watermarks", g, zn);
	FILE *fp = report_open_data(rc, name, dpath, sizeof(dpath));
	if (!fp)
		return;
	fprintf(fp, "time_s\tfree\tfree_min\tfree_max\tmin\tlow\thigh\n");
	double last[3] = { 0 };
	for (size_t r = 0; r < s->nr_rows; r++) {
		double med, lo, hi, ts, w[3], dummy;
		if (!series_at(s, col[0], r, &med, &lo, &hi, &ts))
			continue;
		for (int k = 0; k < 3; k++)
			series_at(s, col[k + 1], r, &w[k], &dummy, &dummy, &dummy);
		fprintf(fp, "%.9g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", ts, med * u.factor,
			lo * u.factor, hi * u.factor, w[0] * u.factor, w[1] * u.factor, w[2] * u.factor);
		for (int k = 0; k < 3; k++)
			last[k] = w[k] * u.factor;
	}
	if (!report_close_data(rc, fp, dpath))
		return;
	snprintf(title, sizeof(title), "%s: zone %s free memory vs watermarks", rc->rs.groups[g].label, zn);
	/* the labels stand at the lines' last values, at least 4.5% of the axis apart so that
	 * watermarks close together (as they are beside a large zone's free memory) stay
	 * readable */
	double gap = 0.045 * max * u.factor;
	last[1] = MAX(last[1], last[0] + gap);
	last[2] = MAX(last[2], last[1] + gap);
	snprintf(extra, sizeof(extra), "ylabel='free memory (%s)'; minv=%.10g; lowv=%.10g; highv=%.10g",
		 u.label, last[0], last[1], last[2]);
	char alt[600];
	snprintf(alt, sizeof(alt), "Line chart for %s, zone %s: free memory against time (median over "
		 "seeds, band min–max) with the min, low and high watermarks as labelled lines.",
		 rc->rs.groups[g].label, zn);
	if (report_render(rc, "watermarks.gp", dpath, name, title, extra))
		report_figure(rc, name, title, alt);
}

/* log10(1 + the most free blocks of any order in any zone of the first N groups): the top
 * of the one colour scale every buddyinfo heatmap shares, so colours compare across them. */
static double buddy_cbmax(struct group_series *gs, size_t n)
{
	double max = 0;
	for (size_t g = 0; g < n; g++)
		for (size_t z = 0; z < MAX_NR_ZONES; z++)
			for (size_t o = 0; o < 16; o++) {
				char col[64];
				snprintf(col, sizeof(col), "buddy_%s_o%zu", zone_names[z], o);
				if (!series_has(&gs[g], col))
					break;
				max = MAX(max, series_max(&gs[g], col));
			}
	return log10(1 + max);
}

static void buddy_figure(struct report_state *rc, size_t g, const struct group_series *s,
			 const char *zn, double cbmax)
{
	char col[16][64];
	size_t nr_orders = 0;
	for (; nr_orders < ARRAY_SIZE(col); nr_orders++) {
		snprintf(col[nr_orders], sizeof(col[nr_orders]), "buddy_%s_o%zu", zn, nr_orders);
		if (!series_has(s, col[nr_orders]))
			break;
	}
	if (nr_orders == 0 || s->nr_rows == 0)
		return;
	char name[64], dpath[4300], title[512], extra[128], alt[600];
	snprintf(name, sizeof(name), "g%zu-%s-buddyinfo", g, zn);
	FILE *fp = report_open_data(rc, name, dpath, sizeof(dpath));
	if (!fp)
		return;
	/* pm3d colours each cell by its lower-left corner (corners2color c1), so one extra
	 * order row and one extra time column close the last cells */
	double dt = 0, t0 = 0, t1 = 0, dummy;
	size_t rows = 0;
	for (size_t r = 0; r < s->nr_rows; r++)
		if (series_at(s, col[0], r, &dummy, &dummy, &dummy, r ? &t1 : &t0))
			rows = r + 1;
	dt = rows > 1 ? (t1 - t0) / (double)(rows - 1) : 1;
	for (size_t r = 0; r <= rows; r++) {
		size_t src = r < rows ? r : rows - 1;
		double ts = 0, med[17];
		for (size_t o = 0; o < nr_orders; o++)
			if (!series_at(s, col[o], src, &med[o], &dummy, &dummy, &ts))
				med[o] = 0;
		ts += r < rows ? 0 : dt;
		for (size_t o = 0; o <= nr_orders; o++)
			fprintf(fp, "%.9g\t%zu\t%.10g\n", ts, o, med[o < nr_orders ? o : nr_orders - 1]);
		fputc('\n', fp);
	}
	if (!report_close_data(rc, fp, dpath))
		return;
	snprintf(title, sizeof(title), "%s: zone %s buddyinfo (median free blocks per order)",
		 rc->rs.groups[g].label, zn);
	snprintf(extra, sizeof(extra), "cbmax=%.6g; maxorder=%zu", cbmax > 0 ? cbmax : 1, nr_orders - 1);
	snprintf(alt, sizeof(alt), "Heatmap for %s, zone %s: free blocks of each order (rows) against "
		 "time (columns), darker is more, on the colour scale every heatmap of this report shares.",
		 rc->rs.groups[g].label, zn);
	if (report_render(rc, "buddyinfo_heatmap.gp", dpath, name, title, extra))
		report_figure(rc, name, title, alt);
}

void report_section_timeseries(struct report_state *rc)
{
	size_t n = MIN(rc->rs.nr_groups, rc->max_series);
	fprintf(rc->html, "<h2>Free memory, watermarks and buddyinfo over time</h2>\n"
			  "<p class=\"note\">Per group and zone, over the seeds: the median free memory "
			  "with a min–max band, the watermarks, and the median free blocks per order on "
			  "one shared colour scale.</p>\n");
	fprintf(rc->md, "## Free memory, watermarks and buddyinfo over time\n\n");
	struct group_series *gs = calloc(n ? n : 1, sizeof(*gs));
	if (!gs)
		return;
	for (size_t g = 0; g < n; g++)
		series_load(&rc->rs.groups[g], &gs[g]);
	double cbmax = buddy_cbmax(gs, n);
	for (size_t g = 0; g < n; g++) {
		if (!gs[g].nr)
			continue;
		fprintf(rc->html, "<h3>");
		compare_html_escape(rc->html, rc->rs.groups[g].label);
		fprintf(rc->html, " (%zu seed%s)</h3>\n", gs[g].nr, gs[g].nr == 1 ? "" : "s");
		fprintf(rc->md, "### %s (%zu seed%s)\n\n", rc->rs.groups[g].label, gs[g].nr,
			gs[g].nr == 1 ? "" : "s");
		for (size_t z = 0; z < MAX_NR_ZONES; z++) {
			watermark_figure(rc, g, &gs[g], zone_names[z]);
			buddy_figure(rc, g, &gs[g], zone_names[z], cbmax);
		}
	}
	for (size_t g = 0; g < n; g++)
		series_free(&gs[g]);
	free(gs);
}
