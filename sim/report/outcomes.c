/* outcomes.c — how the allocation requests ended (summary.json "alloc_outcome") and whom
 * the OOM killer chose ("oom_kills"): always in the report, next to the headline, since a
 * faster run that failed more requests has not won. */
#include "report_int.h"

#include "../kernel/gfp.h"
#include "../stats/compare.h"

#include <stdlib.h>
#include <string.h>

static bool group_has(const struct runset_group *g, const char *path)
{
	for (size_t r = 0; r < g->nr_runs; r++)
		if (json_path(g->runs[r].summary, path))
			return true;
	return false;
}

/* Per class any group asked for, and group: requests = satisfied + failed + OOM-killed +
 * unfinished, the failures split by the rule that ended them (gfp.h alloc_outcome). */
void report_section_outcomes(struct report_state *rc)
{
	double *v = report_per_run_buffer(rc);
	if (!v)
		return;
	fprintf(rc->html, "<h2>Allocation outcomes</h2>\n");
	fprintf(rc->md, "## Allocation outcomes\n\n");
	bool any_outcomes = false;
	for (size_t g = 0; g < rc->rs.nr_groups && !any_outcomes; g++)
		any_outcomes = group_has(&rc->rs.groups[g], "alloc_outcome");
	if (!any_outcomes) {
		fprintf(rc->html, "<p class=\"note\">No run has allocation outcomes (summary.json "
				  "without \"alloc_outcome\").</p>\n");
		fprintf(rc->md, "No run has allocation outcomes (summary.json without `alloc_outcome`).\n\n");
		free(v);
		return;
	}
	static const char note[] =
		"Per allocation class that any group asked for, and group: the median over the repeats, "
		"[min–max] when they differ. requests = satisfied + failed + OOM-killed + unfinished "
		"(still blocked when the run ended); failed is split by the rule that failed the "
		"request.";
	fprintf(rc->html, "<p class=\"note\">%s</p>\n<table>\n<tr><th>class</th><th>group</th>"
			  "<th>requests</th><th>satisfied</th><th>failed</th><th>failed by reason</th>"
			  "<th>OOM-killed</th><th>unfinished</th></tr>\n", note);
	fprintf(rc->md, "%s\n\n| class | group | requests | satisfied | failed | failed by reason "
			"| OOM-killed | unfinished |\n|---|---|---:|---:|---:|---|---:|---:|\n", note);
	size_t rows = 0;
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		const char *cls = alloc_class_names[c];
		char lbl[256], path[128], buf[128];
		/* a class any group asked for gets a row in every group, so the groups line up */
		snprintf(path, sizeof(path), "alloc_outcome.%s.requests", cls);
		bool asked = false;
		for (size_t g = 0; g < rc->rs.nr_groups && !asked; g++) {
			size_t n = report_run_values(&rc->rs.groups[g], path, v);
			asked = n && v[n - 1] > 0;
		}
		if (!asked)
			continue;
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			const struct runset_group *grp = &rc->rs.groups[g];
			report_short_label(grp->label, lbl, sizeof(lbl));
			rows++;
			report_cell(rc, cls, true);
			report_cell(rc, lbl, false);
			static const char *const cols[] = { "requests", "satisfied", "failed" };
			for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, cols[k]);
				report_fmt_spread(v, report_run_values(grp, path, v), buf, sizeof(buf));
				report_cell(rc, buf, false);
			}
			char reasons[1024] = "";
			size_t off = 0;
			for (int o = 0; o < NR_ALLOC_OUTCOMES; o++) {
				const char *name = alloc_outcome_names[o];
				if (strncmp(name, "fail_", 5))
					continue;
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, name);
				size_t k = report_run_values(grp, path, v);
				if (!k || v[k - 1] == 0)
					continue;
				report_fmt_spread(v, k, buf, sizeof(buf));
				if (off < sizeof(reasons))
					off += (size_t)snprintf(reasons + off, sizeof(reasons) - off, "%s%s %s",
								off ? ", " : "", name, buf);
			}
			report_cell(rc, off ? reasons : "–", false);
			static const char *const tail[] = { "killed", "unfinished" };
			for (size_t k = 0; k < ARRAY_SIZE(tail); k++) {
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, tail[k]);
				report_fmt_spread(v, report_run_values(grp, path, v), buf, sizeof(buf));
				report_cell(rc, buf, false);
			}
			report_row_end(rc);
		}
	}
	if (!rows) {
		report_cell(rc, "(no allocation request in any run)", true);
		for (int k = 0; k < 7; k++)
			report_cell(rc, "", false);
		report_row_end(rc);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
	/* Runs that ended with a task still blocked and records of it never issued
	 * (summary.json records_unissued): their figures cover part of the workload. */
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		size_t n = report_run_values(grp, "records_unissued", v), some = 0;
		for (size_t k = 0; k < n; k++)
			some += v[k] > 0;
		if (!some)
			continue;
		char lbl[256], buf[128];
		report_short_label(grp->label, lbl, sizeof(lbl));
		report_fmt_spread(v, n, buf, sizeof(buf));
		fprintf(rc->html, "<p class=\"warn\">%s: %zu of %zu runs ended with records never issued "
				  "(a task still blocked; median %s): their figures cover part of the "
				  "workload.</p>\n", lbl, some, n, buf);
		fprintf(rc->md, "**%s: %zu of %zu runs ended with records never issued** (a task still "
				"blocked; median %s): their figures cover part of the workload.\n\n",
			lbl, some, n, buf);
	}
	free(v);
}

#define REPORT_MAX_VICTIMS 8 /* listed per run; the rest are counted */

/* Per group: the oom_kill counter, the records dropped because their task was killed, and
 * each run's victims (summary.json "oom_kills"). */
void report_section_oom(struct report_state *rc)
{
	double *v = report_per_run_buffer(rc);
	if (!v)
		return;
	fprintf(rc->html, "<h3>OOM kills</h3>\n<p class=\"note\">oom_kill and records skipped: "
			  "median over the repeats [min–max]. Victims per repeat: task, time, badness "
			  "points, pages its exit freed, and the task whose allocation invoked the "
			  "killer.</p>\n<table>\n<tr><th>group</th><th>oom_kill</th><th>records skipped "
			  "(task killed)</th><th>victims</th></tr>\n");
	fprintf(rc->md, "### OOM kills\n\noom_kill and records skipped: median over the repeats "
			"[min–max]. Victims per repeat: task, time, badness points, pages its exit "
			"freed, and the task whose allocation invoked the killer.\n\n"
			"| group | oom_kill | records skipped (task killed) | victims |\n|---|---:|---:|---|\n");
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		char lbl[256], buf[128];
		report_short_label(grp->label, lbl, sizeof(lbl));
		report_cell(rc, lbl, true);
		report_fmt_spread(v, report_run_values(grp, "counters.oom_kill", v), buf, sizeof(buf));
		report_cell(rc, buf, false);
		report_fmt_spread(v, report_run_values(grp, "records_skipped_killed", v), buf, sizeof(buf));
		report_cell(rc, buf, false);
		char list[4096] = "";
		size_t off = 0;
		for (size_t r = 0; r < grp->nr_runs; r++) {
			const struct json_value *s = grp->runs[r].summary;
			const struct json_value *kills = json_get(s, "oom_kills");
			const struct json_value *seed = json_get(s, "seed");
			if (!kills || kills->type != JSON_ARRAY || !kills->nr_children)
				continue;
			char who[64];
			if (seed && seed->type == JSON_NUMBER)
				snprintf(who, sizeof(who), "seed %.0f", seed->number);
			else
				snprintf(who, sizeof(who), "run %zu", r);
			if (off < sizeof(list))
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s: ", off ? "; " : "", who);
			for (size_t k = 0; k < kills->nr_children && k < REPORT_MAX_VICTIMS; k++) {
				const struct json_value *x = &kills->children[k];
				const struct json_value *f[5];
				static const char *const keys[5] = { "task", "time_ns", "points", "pages_freed", "requester" };
				double d[5];
				for (int j = 0; j < 5; j++) {
					f[j] = json_get(x, keys[j]);
					d[j] = f[j] && f[j]->type == JSON_NUMBER ? f[j]->number : 0;
				}
				if (off < sizeof(list))
					off += (size_t)snprintf(list + off, sizeof(list) - off,
								"%stask %.0f at %.6f s (%.0f points, %.0f pages freed, "
								"for task %.0f)", k ? ", " : "", d[0], d[1] / 1e9, d[2],
								d[3], d[4]);
			}
			if (kills->nr_children > REPORT_MAX_VICTIMS && off < sizeof(list))
				off += (size_t)snprintf(list + off, sizeof(list) - off, ", and %zu more",
							kills->nr_children - REPORT_MAX_VICTIMS);
		}
		report_cell(rc, off ? list : "none", false);
		report_row_end(rc);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
	free(v);
}
