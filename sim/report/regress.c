/* regress.c — `mmsim report --compare OLD NEW`: two runs of one sweep (say two commits)
 * side by side.  Each point's old and new group stand next to each other, the new one
 * compared with the old; the report opens with the headline metrics that moved beyond
 * their noise.  Runs of one plan share their seeds, so the comparison is paired by seed:
 * a deterministic simulator that did not change gives identical pairs ("unchanged"), and
 * any other difference is tested against its own spread. */
#include "report_int.h"

#include "../stats/compare.h"
#include "../stats/stat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Append ",run=WHICH" to G's label: short labels then read "none,old". */
static int relabel(struct runset_group *g, const char *which)
{
	size_t n = strlen(g->label) + strlen(which) + 6;
	char *l = malloc(n);
	if (!l)
		return -1;
	snprintf(l, n, "%s,run=%s", g->label, which);
	free(g->label);
	g->label = l;
	return 0;
}

int report_regress_load(struct report_state *rc, struct sim_error *err)
{
	struct runset old = { 0 }, new = { 0 };
	int ret = -1;
	const char *dirs[2] = { rc->old_dir, rc->new_dir };
	for (int i = 0; i < 2; i++) {
		char p[4200];
		snprintf(p, sizeof(p), "%s/points.tsv", dirs[i]);
		if (!runset_is_file(p)) {
			sim_error_set(err, EX_USAGE_, "report --compare: %s is not a sweep directory (no "
						      "points.tsv)", dirs[i]);
			goto out;
		}
	}
	if (runset_add(&old, rc->old_dir, err) || runset_add(&new, rc->new_dir, err))
		goto out;
	char po[4200], pn[4200];
	snprintf(po, sizeof(po), "%s/plan.yaml", rc->old_dir);
	snprintf(pn, sizeof(pn), "%s/plan.yaml", rc->new_dir);
	char *a = runset_read_file(po, NULL, NULL), *b = runset_read_file(pn, NULL, NULL);
	if (!a || !b || strcmp(a, b))
		fprintf(stderr, "mmsim report: %s and %s were made from different plans: points are "
				"matched by id\n", po, pn);
	free(a);
	free(b);
	size_t cap = 2 * old.nr_groups;
	rc->rs.groups = calloc(cap ? cap : 1, sizeof(*rc->rs.groups));
	if (!rc->rs.groups) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto out;
	}
	for (size_t o = 0; o < old.nr_groups; o++) {
		size_t n = 0;
		while (n < new.nr_groups && (!new.groups[n].label || strcmp(new.groups[n].label, old.groups[o].label)))
			n++;
		if (n == new.nr_groups) {
			fprintf(stderr, "mmsim report: point %s is not in %s\n", old.groups[o].label, rc->new_dir);
			continue;
		}
		/* moved, not copied: the emptied source groups free nothing */
		rc->rs.groups[rc->rs.nr_groups++] = old.groups[o];
		rc->rs.groups[rc->rs.nr_groups++] = new.groups[n];
		memset(&old.groups[o], 0, sizeof(old.groups[o]));
		memset(&new.groups[n], 0, sizeof(new.groups[n]));
		if (relabel(&rc->rs.groups[rc->rs.nr_groups - 2], "old") ||
		    relabel(&rc->rs.groups[rc->rs.nr_groups - 1], "new")) {
			sim_error_set(err, EX_SOFTWARE_, "out of memory");
			goto out;
		}
	}
	for (size_t n = 0; n < new.nr_groups; n++)
		if (new.groups[n].label)
			fprintf(stderr, "mmsim report: point %s is not in %s\n", new.groups[n].label, rc->old_dir);
	if (!rc->rs.nr_groups) {
		sim_error_set(err, EX_DATAERR_, "report --compare: %s and %s share no point", rc->old_dir,
			      rc->new_dir);
		goto out;
	}
	ret = 0;
out:
	runset_free(&old);
	runset_free(&new);
	return ret;
}

/* What happened to one metric of one point between OLD and NEW. */
static const char *judge(const struct report_state *rc, size_t g, const char *metric,
			 enum plan_better better, double *a, double *b, char *test, size_t n_test)
{
	const struct runset_group *ga = &rc->rs.groups[rc->base_of[g]], *gb = &rc->rs.groups[g];
	size_t cap = MAX(ga->nr_runs, gb->nr_runs);
	double delta;
	bool moved;
	if (report_paired(rc, g)) {
		struct runset_paired ps;
		size_t n = runset_pair_by_seed(ga, gb, metric, a, b, cap);
		runset_paired_stats(a, b, n, &ps);
		if (ps.why && !strcmp(ps.why, "identical in every pair")) {
			snprintf(test, n_test, "paired, %zu seeds: identical", n);
			return "unchanged";
		}
		delta = ps.median;
		if (!isnan(ps.t_p)) {
			snprintf(test, n_test, "paired t p=%.3g, Wilcoxon p=%.3g (n=%zu)", ps.t_p,
				 ps.wilcoxon_p, n);
			moved = ps.t_p < 0.05;
		} else {
			snprintf(test, n_test, "paired, n=%zu: %s", n, ps.why);
			moved = ps.why && !strcmp(ps.why, "every pair differs by the same amount");
			if (!moved)
				return "cannot tell";
		}
	} else {
		struct stat_summary sa, sb;
		struct stat_welch w;
		long ia = runset_metric_index(ga, metric), ib = runset_metric_index(gb, metric);
		if (ia < 0 || ib < 0) {
			snprintf(test, n_test, "missing on one side");
			return "cannot tell";
		}
		stat_summarize(ga->metric_values[ia], ga->nr_values[ia], &sa);
		stat_summarize(gb->metric_values[ib], gb->nr_values[ib], &sb);
		delta = sb.mean - sa.mean;
		if (sa.n < 3 || sb.n < 3) {
			snprintf(test, n_test, "unpaired, fewer than 3 seeds a side");
			return delta == 0 ? "unchanged" : "cannot tell";
		}
		if (sa.stddev == 0 && sb.stddev == 0) {
			snprintf(test, n_test, "unpaired, no variance");
			if (delta == 0)
				return "unchanged";
			moved = true;
		} else {
			stat_welch(&sb, &sa, &w);
			snprintf(test, n_test, "Welch p=%.3g", w.p);
			moved = w.p < 0.05;
		}
	}
	if (!moved)
		return "within noise";
	if (better == PLAN_BETTER_NONE || delta == 0)
		return "moved";
	return (delta < 0) == (better == PLAN_BETTER_LOWER) ? "moved: better" : "moved: worse";
}

void report_section_regression(struct report_state *rc)
{
	size_t cap = 1;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		cap = MAX(cap, rc->rs.groups[g].nr_runs);
	double *a = calloc(cap, sizeof(double)), *b = calloc(cap, sizeof(double)),
	       *t = calloc(cap, sizeof(double));
	if (!a || !b || !t)
		goto out;
	fprintf(rc->html, "<h2>Regression: what moved</h2>\n<p>Old: <code>");
	compare_html_escape(rc->html, rc->old_dir);
	fprintf(rc->html, "</code>, new: <code>");
	compare_html_escape(rc->html, rc->new_dir);
	fprintf(rc->html, "</code>.</p>\n");
	fprintf(rc->md, "## Regression: what moved\n\nOld: `%s`, new: `%s`.\n\n", rc->old_dir, rc->new_dir);
	size_t moved = 0, total = 0;
	fprintf(rc->html, "<table id=\"regression\">\n<tr><th>metric</th><th>point</th><th>old "
			  "median</th><th>new median</th><th>change</th><th>test</th><th>verdict</th></tr>\n");
	fprintf(rc->md, "| metric | point | old median | new median | change | test | verdict |\n"
			"|---|---|---:|---:|---:|---|---|\n");
	for (size_t m = 0; m < rc->nr_head; m++) {
		const struct report_metric *hm = &rc->head[m];
		double max = 0;
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			long idx = runset_metric_index(&rc->rs.groups[g], hm->name);
			for (size_t k = 0; idx >= 0 && k < rc->rs.groups[g].nr_values[idx]; k++)
				max = MAX(max, fabs(rc->rs.groups[g].metric_values[idx][k]));
		}
		struct report_unit u;
		report_unit_pick(hm->unit, max, &u);
		for (size_t g = 1; g < rc->rs.nr_groups; g += 2) {
			const struct runset_group *go = &rc->rs.groups[g - 1], *gn = &rc->rs.groups[g];
			long io = runset_metric_index(go, hm->name), in = runset_metric_index(gn, hm->name);
			if (io < 0 && in < 0)
				continue;
			char mo[64] = "n/a", mn[64] = "n/a", ch[64] = "n/a", test[200], lbl[256];
			double vo = NAN, vn = NAN;
			if (io >= 0 && go->nr_values[io]) {
				memcpy(t, go->metric_values[io], go->nr_values[io] * sizeof(double));
				vo = runset_median(t, go->nr_values[io]);
				report_fmt_unit(mo, sizeof(mo), vo, &u);
			}
			if (in >= 0 && gn->nr_values[in]) {
				memcpy(t, gn->metric_values[in], gn->nr_values[in] * sizeof(double));
				vn = runset_median(t, gn->nr_values[in]);
				report_fmt_unit(mn, sizeof(mn), vn, &u);
			}
			double pct = stat_pct_change(vo, vn);
			if (!isnan(vo) && !isnan(vn))
				snprintf(ch, sizeof(ch), isnan(pct) ? "from 0" : "%+.2f%%", pct);
			const char *v = judge(rc, g, hm->name, hm->better, a, b, test, sizeof(test));
			total++;
			moved += !strncmp(v, "moved", 5);
			report_short_label(go->label, lbl, sizeof(lbl));
			char *comma = strrchr(lbl, ',');
			if (comma && !strcmp(comma, ",old"))
				*comma = 0;
			report_cell(rc, hm->label, true);
			report_cell(rc, lbl, false);
			report_cell(rc, mo, false);
			report_cell(rc, mn, false);
			report_cell(rc, ch, false);
			report_cell(rc, test, false);
			report_cell(rc, v, false);
			report_row_end(rc);
		}
	}
	fprintf(rc->html, "</table>\n<p><b>%zu of %zu</b> headline figures moved beyond their noise.</p>\n",
		moved, total);
	fprintf(rc->md, "\n**%zu of %zu** headline figures moved beyond their noise.\n\n", moved, total);
out:
	free(a);
	free(b);
	free(t);
}
