#include "compare.h"

#include "stat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool wanted(const struct compare_control *cc, const char *name)
{
	/* observed-vs-simulated pairs have their own table (compare_write_observed) */
	if (!strncmp(name, COMPARE_OBSERVED_PREFIX ".", sizeof(COMPARE_OBSERVED_PREFIX)))
		return false;
	if (!cc->nr_filters)
		return true;
	for (size_t i = 0; i < cc->nr_filters; i++)
		if (!strncmp(name, cc->filters[i], strlen(cc->filters[i])))
			return true;
	return false;
}

static bool summarize(const struct runset_group *g, const char *metric, struct stat_summary *s)
{
	long m = runset_metric_index(g, metric);
	if (m < 0) {
		*s = (struct stat_summary){ 0 };
		return false;
	}
	stat_summarize(g->metric_values[m], g->nr_values[m], s);
	return true;
}

size_t compare_metrics(const struct compare_control *cc, const char ***names)
{
	const struct runset *rs = cc->rs;
	size_t n = 0, cap = 0;
	const char **out = NULL;
	/* base first so its order leads; then what only others have */
	for (size_t k = 0; k <= rs->nr_groups; k++) {
		size_t gi = k == 0 ? cc->base : k - 1;
		if (k > 0 && gi == cc->base)
			continue;
		const struct runset_group *g = &rs->groups[gi];
		for (size_t m = 0; m < g->nr_metrics; m++) {
			const char *name = g->metric_names[m];
			/* listed already iff a group visited before this one has it (names are
			 * unique within a group): O(groups) hashed lookups, not O(metrics) */
			bool dup = k > 0 && runset_metric_index(&rs->groups[cc->base], name) >= 0;
			for (size_t j = 0; j + 1 < k && !dup; j++)
				dup = j != cc->base && runset_metric_index(&rs->groups[j], name) >= 0;
			if (dup || !wanted(cc, name))
				continue;
			if (!cc->all) {
				bool nonzero = false;
				for (size_t j = 0; j < rs->nr_groups && !nonzero; j++) {
					struct stat_summary s;
					if (summarize(&rs->groups[j], name, &s))
						nonzero = s.mean != 0 || s.stddev != 0;
				}
				if (!nonzero)
					continue;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				out = realloc(out, cap * sizeof(*out));
				if (!out)
					abort();
			}
			out[n++] = name;
		}
	}
	*names = out;
	return n;
}

void compare_html_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

void compare_fmt_value(char *buf, size_t n, double v)
{
	if (v != 0 && fabs(v) < 0.1)
		snprintf(buf, n, "%.3g", v);
	else
		snprintf(buf, n, "%.2f", v);
}

/* "mean ± sd" of S. */
static void fmt_mean_sd(char *buf, size_t n, const struct stat_summary *s)
{
	char m[32], d[32];
	compare_fmt_value(m, sizeof(m), s->mean);
	compare_fmt_value(d, sizeof(d), s->stddev);
	snprintf(buf, n, "%s ± %s", m, d);
}

static void fmt_pct(char *buf, size_t n, double pct)
{
	if (isnan(pct))
		snprintf(buf, n, "n/a");
	else
		snprintf(buf, n, "%+.2f%%", pct);
}

size_t compare_write(const struct compare_control *cc, FILE *fp)
{
	const struct runset *rs = cc->rs;
	const struct runset_group *base = &rs->groups[cc->base];
	const char **names;
	size_t nr = compare_metrics(cc, &names);
	size_t width = 6;
	for (size_t i = 0; i < nr; i++)
		width = MAX(width, strlen(names[i]));

	/* header */
	switch (cc->format) {
	case COMPARE_TEXT: {
		/* labels can be long point ids: a legend, then short column names */
		fprintf(fp, "base: %s (n=%zu)\n", base->label, base->nr_runs);
		unsigned col = 0;
		for (size_t g = 0; g < rs->nr_groups; g++)
			if (g != cc->base)
				fprintf(fp, "[%u]:  %s (n=%zu)\n", ++col, rs->groups[g].label,
					rs->groups[g].nr_runs);
		fprintf(fp, "\n%-*s  %26s", (int)width, "metric", "base mean ± sd");
		col = 0;
		for (size_t g = 0; g < rs->nr_groups; g++)
			if (g != cc->base) {
				char h[32];
				snprintf(h, sizeof(h), "[%u] mean (%%change)   ", ++col);
				fprintf(fp, "  %29s", h);
			}
		fputc('\n', fp);
		break;
	}
	case COMPARE_MARKDOWN:
		fprintf(fp, "| metric | %s (base, n=%zu) mean ± sd |", base->label, base->nr_runs);
		for (size_t g = 0; g < rs->nr_groups; g++)
			if (g != cc->base)
				fprintf(fp, " %s (n=%zu) | %% change |", rs->groups[g].label,
					rs->groups[g].nr_runs);
		fprintf(fp, "\n|---|---:|");
		for (size_t g = 0; g < rs->nr_groups; g++)
			if (g != cc->base)
				fprintf(fp, "---:|---:|");
		fputc('\n', fp);
		break;
	case COMPARE_HTML:
		fprintf(fp, "<table class=\"cmp\">\n<tr><th>metric</th><th>");
		compare_html_escape(fp, base->label);
		fprintf(fp, " (base, n=%zu)<br>mean ± sd</th>", base->nr_runs);
		for (size_t g = 0; g < rs->nr_groups; g++)
			if (g != cc->base) {
				fprintf(fp, "<th>");
				compare_html_escape(fp, rs->groups[g].label);
				fprintf(fp, " (n=%zu)</th><th>%% change</th>", rs->groups[g].nr_runs);
			}
		fprintf(fp, "</tr>\n");
		break;
	case COMPARE_TSV:
		fprintf(fp, "metric\tgroup\tn\tmean\tstddev\tpct_change\tt\tdf\tp\tmark\n");
		break;
	case NR_COMPARE_FORMATS:
		break;
	}

	for (size_t i = 0; i < nr; i++) {
		struct stat_summary b;
		bool have_b = summarize(base, names[i], &b);
		char cell[96], msd[72];
		if (have_b)
			fmt_mean_sd(msd, sizeof(msd), &b);
		switch (cc->format) {
		case COMPARE_TEXT:
			if (have_b)
				snprintf(cell, sizeof(cell), "%s", msd);
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(fp, "%-*s  %26s", (int)width, names[i], cell);
			break;
		case COMPARE_MARKDOWN:
			fprintf(fp, "| `%s` | ", names[i]);
			if (have_b)
				fprintf(fp, "%s |", msd);
			else
				fprintf(fp, "- |");
			break;
		case COMPARE_HTML:
			fprintf(fp, "<tr><td>");
			compare_html_escape(fp, names[i]);
			if (have_b)
				fprintf(fp, "</td><td>%s</td>", msd);
			else
				fprintf(fp, "</td><td>-</td>");
			break;
		case COMPARE_TSV:
			fprintf(fp, "%s\t%s\t%zu\t%.10g\t%.10g\t0\t\t\t\t\n", names[i], base->label, b.n,
				b.mean, b.stddev);
			break;
		case NR_COMPARE_FORMATS:
			break;
		}
		for (size_t g = 0; g < rs->nr_groups; g++) {
			if (g == cc->base)
				continue;
			struct stat_summary o;
			struct stat_welch w;
			bool have_o = summarize(&rs->groups[g], names[i], &o);
			stat_welch(&b, &o, &w);
			double pct = have_b && have_o ? stat_pct_change(b.mean, o.mean) : NAN;
			const char *mark = have_b && have_o ? stat_mark(w.p) : "";
			char pcts[32], mean[32];
			fmt_pct(pcts, sizeof(pcts), pct);
			compare_fmt_value(mean, sizeof(mean), have_o ? o.mean : 0);
			switch (cc->format) {
			case COMPARE_TEXT:
				if (have_o)
					snprintf(cell, sizeof(cell), "%s (%9s) %-2s", mean, pcts, mark);
				else
					snprintf(cell, sizeof(cell), "-");
				fprintf(fp, "  %29s", cell);
				break;
			case COMPARE_MARKDOWN:
				/* a bare "**" would open bold text */
				if (have_o)
					fprintf(fp, " %s | %s %s |", mean, pcts,
						!strcmp(mark, "**") ? "\\*\\*" : !strcmp(mark, "*") ? "\\*" : "");
				else
					fprintf(fp, " - | |");
				break;
			case COMPARE_HTML:
				if (have_o)
					fprintf(fp, "<td>%s</td><td class=\"%s\">%s %s</td>", mean,
						*mark ? "sig" : "", pcts, mark);
				else
					fprintf(fp, "<td>-</td><td></td>");
				break;
			case COMPARE_TSV:
				fprintf(fp, "%s\t%s\t%zu\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%s\n",
					names[i], rs->groups[g].label, o.n, o.mean, o.stddev, pct, w.t,
					w.df, w.p, mark);
				break;
			case NR_COMPARE_FORMATS:
				break;
			}
		}
		switch (cc->format) {
		case COMPARE_TEXT:
		case COMPARE_MARKDOWN:
			fputc('\n', fp);
			break;
		case COMPARE_HTML:
			fprintf(fp, "</tr>\n");
			break;
		default:
			break;
		}
	}
	switch (cc->format) {
	case COMPARE_TEXT:
		fprintf(fp, "\nn = repeats per group; %% change against base; Welch's t-test across "
			    "repeats: * p<0.05, ** p<0.01\n");
		break;
	case COMPARE_MARKDOWN:
		fprintf(fp, "\n%% change against base; Welch's t-test across repeats: "
			    "\\* p<0.05, \\*\\* p<0.01\n");
		break;
	case COMPARE_HTML:
		fprintf(fp, "</table>\n<p class=\"note\">%% change against base; Welch's t-test across "
			    "repeats: * p&lt;0.05, ** p&lt;0.01</p>\n");
		break;
	default:
		break;
	}
	free(names);
	return nr;
}

size_t compare_write_observed(const struct compare_control *cc, FILE *fp)
{
	const struct runset *rs = cc->rs;
	static const char suffix[] = ".observed";
	const size_t plen = sizeof(COMPARE_OBSERVED_PREFIX);
	size_t rows = 0;
	const struct runset_group *g0 = &rs->groups[cc->base];
	for (size_t m = 0; m < g0->nr_metrics; m++) {
		const char *name = g0->metric_names[m];
		size_t len = strlen(name);
		if (strncmp(name, COMPARE_OBSERVED_PREFIX ".", plen) || len < plen + sizeof(suffix) ||
		    strcmp(name + len - (sizeof(suffix) - 1), suffix))
			continue;
		char fig[256], sim_name[300];
		snprintf(fig, sizeof(fig), "%.*s", (int)(len - plen - (sizeof(suffix) - 1)), name + plen);
		snprintf(sim_name, sizeof(sim_name), COMPARE_OBSERVED_PREFIX ".%s.simulated", fig);
		struct stat_summary obs;
		summarize(g0, name, &obs);
		if (rows++ == 0) {
			if (cc->format == COMPARE_MARKDOWN) {
				fprintf(fp, "\n| figure | observed (real kernel) |");
				for (size_t g = 0; g < rs->nr_groups; g++)
					fprintf(fp, " %s simulated |", rs->groups[g].label);
				fprintf(fp, "\n|---|---:|");
				for (size_t g = 0; g < rs->nr_groups; g++)
					fprintf(fp, "---:|");
				fputc('\n', fp);
			} else {
				fprintf(fp, "\nobserved (real kernel, from the imported trace) vs simulated\n%-28s %14s",
					"figure", "observed");
				for (size_t g = 0; g < rs->nr_groups; g++)
					fprintf(fp, "  %14s", rs->nr_groups > 1 ? rs->groups[g].label : "simulated");
				fputc('\n', fp);
			}
		}
		if (cc->format == COMPARE_MARKDOWN)
			fprintf(fp, "| `%s` | %.0f |", fig, obs.mean);
		else
			fprintf(fp, "%-28s %14.0f", fig, obs.mean);
		for (size_t g = 0; g < rs->nr_groups; g++) {
			struct stat_summary sim;
			summarize(&rs->groups[g], sim_name, &sim);
			if (cc->format == COMPARE_MARKDOWN)
				fprintf(fp, " %.0f |", sim.mean);
			else
				fprintf(fp, "  %14.0f", sim.mean);
		}
		fputc('\n', fp);
	}
	return rows;
}
