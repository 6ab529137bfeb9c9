/* report.c — the report builder (report.h): sections of index.html and report.md, each
 * figure's data in data/NAME.dat rendered by a gnuplot script from plots/. */
#include "report.h"

#include "../config/plan.h"
#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"
#include "../stats/compare.h"
#include "../stats/runset.h"
#include "../stats/stat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_MAX_CDF_GROUPS 12

/* Bar charts when neither --metric nor the plan's `metrics:` chooses: the figures the CMA
 * policy papers argue about (elapsed time, tail latencies, compaction and reclaim work). */
static const char *const default_metrics[] = {
	"elapsed_ns", "latency.movable.p99_ns", "latency.cma_device.p99_ns",
	"latency.highorder.p99_ns", "latency.unmovable.p99_ns", "counters.compact_stall",
	"counters.allocstall_normal", "counters.pgscan_kswapd", "counters.pgmigrate_success",
};

/* One report being written: inputs, where scripts and gnuplot are, the pages. */
struct report_state {
	struct runset rs;
	const char *plots_env; /* report_control.plots_dir */
	const char *exe_path;
	const char *out;
	char plots_dir[4096];
	const char *gnuplot;
	bool have_gnuplot;
	size_t nr_metrics;
	const char **metrics;
	size_t max_series;
	FILE *html, *md;
	unsigned nr_figs, nr_failed_figs;
	struct sim_error io_err; /* the first data file that could not be written (code 0: none) */
};

/* ---- small helpers ---- */

static bool is_exec(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool find_in_path(const char *name)
{
	if (strchr(name, '/'))
		return is_exec(name);
	const char *path = getenv("PATH");
	char buf[4096];
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name);
		if (is_exec(buf))
			return true;
		path = colon ? colon + 1 : NULL;
	}
	return false;
}

static bool find_plots_dir(struct report_state *rc)
{
	const char *env = rc->plots_env;
	char exe_dir[3800], probe[4200];
	snprintf(exe_dir, sizeof(exe_dir), "%s", rc->exe_path ? rc->exe_path : "mmsim");
	char *slash = strrchr(exe_dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(exe_dir, sizeof(exe_dir), ".");
	/* env; build tree (BUILD/sim/cli/mmsim under the source root); installed; cwd */
	const char *cand[] = { env, "../../../plots", "../../plots", "../share/mmsim/plots", NULL };
	for (size_t i = 0; i < ARRAY_SIZE(cand); i++) {
		if (i == 0 && !env)
			continue;
		if (!cand[i])
			snprintf(rc->plots_dir, sizeof(rc->plots_dir), "plots");
		else if (i == 0)
			snprintf(rc->plots_dir, sizeof(rc->plots_dir), "%s", cand[i]);
		else
			snprintf(rc->plots_dir, sizeof(rc->plots_dir), "%s/%s", exe_dir, cand[i]);
		snprintf(probe, sizeof(probe), "%s/compare_bars.gp", rc->plots_dir);
		if (runset_is_file(probe))
			return true;
	}
	return false;
}

/* "policy.cma.mode=none,machine.zones.normal=1GiB" -> "none,1GiB": ids are long, values
 * are what tell points apart on an axis. */
static void short_label(const char *label, char *buf, size_t n)
{
	if (!strchr(label, '=')) {
		snprintf(buf, n, "%s", label);
		return;
	}
	size_t used = 0;
	buf[0] = 0;
	for (const char *p = label; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		const char *v = eq ? eq + 1 : p;
		size_t vlen = len - (size_t)(v - p);
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%.*s", used ? "," : "",
					 (int)vlen, v);
		if (used >= n)
			break;
		p += len;
		if (*p == ',')
			p++;
	}
}

/* gnuplot single-quoted string: a quote is written twice. */
static void gp_quote(char *buf, size_t n, const char *s)
{
	size_t o = 0;
	if (o < n)
		buf[o++] = '\'';
	for (; *s && o + 3 < n; s++) {
		if (*s == '\'')
			buf[o++] = '\'';
		buf[o++] = *s;
	}
	if (o + 1 < n)
		buf[o++] = '\'';
	buf[MIN(o, n - 1)] = 0;
}

static bool nonempty_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Is the rendering at path whole?  gnuplot on a full disk can exit 0 leaving a truncated
 * file, so a PNG must start with the signature and end with the IEND chunk (PNG spec
 * 5.2, 11.2.5), and an SVG must end with its closing tag. */
static bool complete_figure(const char *path, const char *fmt)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char png_iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	unsigned char head[8], tail[64];
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	bool ok = false;
	long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
	size_t nt = size > 0 ? (size_t)MIN(size, (long)sizeof(tail)) : 0;
	if (size >= (long)(sizeof(head) + sizeof(png_iend)) || (!strcmp(fmt, "svg") && size > 0)) {
		if (fseek(fp, size - (long)nt, SEEK_SET) == 0 && fread(tail, 1, nt, fp) == nt) {
			if (!strcmp(fmt, "png")) {
				ok = memcmp(tail + nt - sizeof(png_iend), png_iend, sizeof(png_iend)) == 0 &&
				     fseek(fp, 0, SEEK_SET) == 0 && fread(head, 1, sizeof(head), fp) == sizeof(head) &&
				     memcmp(head, png_sig, sizeof(png_sig)) == 0;
			} else {
				/* "</svg>" then at most whitespace */
				size_t end = nt;
				while (end && (tail[end - 1] == '\n' || tail[end - 1] == ' ' || tail[end - 1] == '\r'))
					end--;
				ok = end >= 6 && memcmp(tail + end - 6, "</svg>", 6) == 0;
			}
		}
	}
	fclose(fp);
	return ok;
}

/* Run `gnuplot -e VARS SCRIPT` with output to REPORT/data/gnuplot.log; true on success. */
static bool run_gnuplot(struct report_state *rc, const char *vars, const char *script)
{
	char log[4200];
	snprintf(log, sizeof(log), "%s/data/gnuplot.log", rc->out);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0666);
		int null = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (null >= 0)
			dup2(null, 0);
		execlp(rc->gnuplot, rc->gnuplot, "-e", vars, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Render SCRIPT on DATA into fig/NAME.png and fig/NAME.svg; EXTRA adds gnuplot variables.
 * Returns true when the PNG exists (the page shows the PNG and links the SVG). */
static bool render(struct report_state *rc, const char *script, const char *data,
		   const char *name, const char *title, const char *extra)
{
	static const char *const fmts[] = { "png", "svg" };
	bool ok_png = false;
	if (!rc->have_gnuplot)
		return false;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		char out[4300], q_dir[4300], q_data[4300], q_out[4400], q_title[700], vars[16384],
			spath[4300];
		snprintf(out, sizeof(out), "%s/fig/%s.%s", rc->out, name, fmts[f]);
		snprintf(spath, sizeof(spath), "%s/%s", rc->plots_dir, script);
		char dir_slash[4200];
		snprintf(dir_slash, sizeof(dir_slash), "%s/", rc->plots_dir);
		gp_quote(q_dir, sizeof(q_dir), dir_slash);
		gp_quote(q_data, sizeof(q_data), data);
		gp_quote(q_out, sizeof(q_out), out);
		gp_quote(q_title, sizeof(q_title), title);
		snprintf(vars, sizeof(vars), "dir=%s; data=%s; out=%s; fmt='%s'; title=%s%s%s", q_dir,
			 q_data, q_out, fmts[f], q_title, extra ? "; " : "", extra ? extra : "");
		remove(out);
		bool ok = run_gnuplot(rc, vars, spath) && complete_figure(out, fmts[f]);
		if (!ok) {
			remove(out);
			rc->nr_failed_figs++;
			fprintf(stderr, "mmsim report: gnuplot could not render fig/%s.%s\n", name, fmts[f]);
		}
		if (f == 0)
			ok_png = ok;
	}
	if (ok_png)
		rc->nr_figs++;
	return ok_png;
}

/* Emit a rendered figure into both pages. */
static void emit_figure(struct report_state *rc, const char *name, const char *caption)
{
	char svg[4300];
	snprintf(svg, sizeof(svg), "%s/fig/%s.svg", rc->out, name);
	bool have_svg = nonempty_file(svg);
	fprintf(rc->html, "<figure>");
	if (have_svg)
		fprintf(rc->html, "<a href=\"fig/%s.svg\">", name);
	fprintf(rc->html, "<img src=\"fig/%s.png\" alt=\"", name);
	compare_html_escape(rc->html, caption);
	/* shown at 2/3 size, two to a row; the link opens the full-size SVG */
	fprintf(rc->html, "\" width=\"600\" height=\"347\">");
	if (have_svg)
		fprintf(rc->html, "</a>");
	fprintf(rc->html, "<figcaption>");
	compare_html_escape(rc->html, caption);
	fprintf(rc->html, "</figcaption></figure>\n");
	fprintf(rc->md, "![%s](fig/%s.png)\n\n", caption, name);
}

static FILE *open_data(struct report_state *rc, const char *name, char *path, size_t n)
{
	snprintf(path, n, "%s/data/%s.dat", rc->out, name);
	FILE *fp = fopen(path, "w");
	if (!fp && !rc->io_err.code)
		sim_error_set(&rc->io_err, EX_IOERR_, "%s: cannot create: %s", path, strerror(errno));
	return fp;
}

/* Close a data file; false (and the report fails) if any write to it failed. */
static bool close_data(struct report_state *rc, FILE *fp, const char *path)
{
	int e = fflush(fp) != 0 ? errno : 0;
	bool bad = ferror(fp);
	if (fclose(fp) != 0 && !e)
		e = errno;
	if (!bad && !e)
		return true;
	if (!rc->io_err.code)
		sim_error_set(&rc->io_err, EX_IOERR_, "%s: write failed: %s", path, strerror(e ? e : EIO));
	return false;
}

/* ---- tables read from run directories ---- */

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

/* ---- sections ---- */

/* Longest common prefix of a and b. */
static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;
	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

/* 0 when some group has every --metric name; else EX_USAGE_ naming the first unknown one
 * with up to REPORT_MAX_HINTS metric names sharing its longest prefix (a chart of an
 * unknown name would be empty, not an error anyone sees). */
#define REPORT_MAX_HINTS 5
static int check_cli_metrics(const struct runset *rs, const char *const *names, size_t nr,
			     struct sim_error *err)
{
	for (size_t i = 0; i < nr; i++) {
		const char *want = names[i];
		const char *hint[REPORT_MAX_HINTS];
		size_t nr_hint = 0, best = 1; /* a shared first character at least */
		bool found = false;
		for (size_t g = 0; g < rs->nr_groups && !found; g++)
			found = runset_metric_index(&rs->groups[g], want) >= 0;
		if (found)
			continue;
		for (size_t g = 0; g < rs->nr_groups; g++) {
			const struct runset_group *grp = &rs->groups[g];
			for (size_t m = 0; m < grp->nr_metrics; m++) {
				const char *name = grp->metric_names[m];
				size_t l = common_prefix(want, name);
				if (l < best)
					continue;
				if (l > best) {
					best = l;
					nr_hint = 0;
				}
				bool dup = false;
				for (size_t h = 0; h < nr_hint && !dup; h++)
					dup = !strcmp(hint[h], name);
				if (!dup && nr_hint < REPORT_MAX_HINTS)
					hint[nr_hint++] = name;
			}
		}
		char list[384] = "";
		size_t off = 0;
		for (size_t h = 0; h < nr_hint && off < sizeof(list); h++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", h ? ", " : "",
						hint[h]);
		if (nr_hint)
			return sim_error_set(err, EX_USAGE_, "report: --metric '%s' is in no run; close names: %s",
					     want, list);
		return sim_error_set(err, EX_USAGE_,
				     "report: --metric '%s' is in no run (`mmsim compare --format tsv` "
				     "lists the metrics)", want);
	}
	return 0;
}

static size_t pick_metrics(struct report_state *rc, const char *const *cli_metrics, size_t nr_cli)
{
	size_t cap = nr_cli + ARRAY_SIZE(default_metrics) + 64;
	rc->metrics = calloc(cap, sizeof(char *));
	if (!rc->metrics)
		return 0;
	for (size_t i = 0; i < nr_cli; i++)
		rc->metrics[rc->nr_metrics++] = cli_metrics[i];
	if (rc->nr_metrics)
		return rc->nr_metrics;
	/* the plan's metrics: of the first sweep directory among the inputs that has some */
	for (size_t g = 0; g < rc->rs.nr_groups && !rc->nr_metrics; g++) {
		char plan_path[4200];
		snprintf(plan_path, sizeof(plan_path), "%s/../../plan.yaml", rc->rs.groups[g].path);
		struct plan plan;
		if (!runset_is_file(plan_path) || plan_load(&plan, plan_path, NULL))
			continue;
		for (unsigned m = 0; m < plan.nr_metrics && rc->nr_metrics < cap; m++) {
			/* the plan's strings die with it: point at the run set's own copy */
			const char *name = NULL;
			for (size_t gg = 0; gg < rc->rs.nr_groups && !name; gg++) {
				long idx = runset_metric_index(&rc->rs.groups[gg], plan.metrics[m]);
				if (idx >= 0)
					name = rc->rs.groups[gg].metric_names[idx];
			}
			if (name)
				rc->metrics[rc->nr_metrics++] = name;
		}
		plan_free(&plan);
	}
	if (rc->nr_metrics)
		return rc->nr_metrics;
	for (size_t d = 0; d < ARRAY_SIZE(default_metrics); d++) {
		bool nonzero = false;
		for (size_t g = 0; g < rc->rs.nr_groups && !nonzero; g++) {
			long idx = runset_metric_index(&rc->rs.groups[g], default_metrics[d]);
			for (size_t k = 0; idx >= 0 && k < rc->rs.groups[g].nr_values[idx]; k++)
				nonzero |= rc->rs.groups[g].metric_values[idx][k] != 0;
		}
		if (nonzero)
			rc->metrics[rc->nr_metrics++] = default_metrics[d];
	}
	return rc->nr_metrics;
}

static void section_bars(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Comparison of means (95%% confidence intervals)</h2>\n");
	fprintf(rc->md, "## Comparison of means (95%% confidence intervals)\n\n");
	for (size_t m = 0; m < rc->nr_metrics; m++) {
		char name[64], path[4300];
		snprintf(name, sizeof(name), "bars-%zu", m);
		FILE *fp = open_data(rc, name, path, sizeof(path));
		if (!fp)
			continue;
		fprintf(fp, "index\tlabel\tmean\tci95_lo\tci95_hi\n");
		size_t rows = 0;
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			const struct runset_group *grp = &rc->rs.groups[g];
			long idx = runset_metric_index(grp, rc->metrics[m]);
			if (idx < 0)
				continue;
			struct stat_summary s;
			stat_summarize(grp->metric_values[idx], grp->nr_values[idx], &s);
			char lbl[256];
			short_label(grp->label, lbl, sizeof(lbl));
			for (char *c = lbl; *c; c++)
				if (*c == '"')
					*c = '\'';
			fprintf(fp, "%zu\t\"%s\"\t%.10g\t%.10g\t%.10g\n", rows++, lbl, s.mean, s.ci_lo, s.ci_hi);
		}
		if (!close_data(rc, fp, path) || !rows)
			continue;
		char extra[512], q[400];
		gp_quote(q, sizeof(q), rc->metrics[m]);
		snprintf(extra, sizeof(extra), "ylabel=%s", q);
		char caption[512];
		snprintf(caption, sizeof(caption), "%s: mean over repeats, 95%% CI", rc->metrics[m]);
		if (render(rc, "compare_bars.gp", path, name, rc->metrics[m], extra))
			emit_figure(rc, name, caption);
	}
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

static void section_latency(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Allocation latency CDFs</h2>\n");
	fprintf(rc->md, "## Allocation latency CDFs\n\n");
	for (size_t c = 0; c < NR_ALLOC_CLASSES; c++) {
		char name[64], path[4300];
		snprintf(name, sizeof(name), "latency-cdf-%s", alloc_class_names[c]);
		FILE *fp = open_data(rc, name, path, sizeof(path));
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
				short_label(rc->rs.groups[g].label, lbl, sizeof(lbl));
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
		if (!close_data(rc, fp, path))
			continue;
		if (!blocks) {
			remove(path);
			continue;
		}
		char extra[32], title[128];
		snprintf(extra, sizeof(extra), "n=%u", blocks);
		snprintf(title, sizeof(title), "%s%s allocation latency CDF", alloc_class_names[c],
			 !strcmp(alloc_class_names[c], "cma_device") ? " (device cma_alloc)" : "");
		if (render(rc, "latency_cdf.gp", path, name, title, extra))
			emit_figure(rc, name, title);
	}
}

/* CMA utilisation: how much of the CMA areas holds pages over time, per group; the figure
 * the CMA policies are compared on (architecture.md §4, model.md §7). First repeats only. */
static void section_cma_used(struct report_state *rc)
{
	char name[] = "cma-used", path[4300];
	FILE *fp = open_data(rc, name, path, sizeof(path));
	unsigned blocks = 0;
	bool any = false;
	if (!fp)
		return;
	for (size_t g = 0; g < rc->rs.nr_groups && blocks < REPORT_MAX_CDF_GROUPS; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		char ts_path[4300], lbl[256];
		struct tsv t;
		snprintf(ts_path, sizeof(ts_path), "%s/timeseries.tsv", grp->runs[0].dir);
		if (tsv_load(&t, ts_path))
			continue;
		long tc = tsv_col(&t, "time_ns"), uc = tsv_col(&t, "cma_used_pages");
		if (tc >= 0 && uc >= 0 && t.nr_rows) {
			short_label(grp->label, lbl, sizeof(lbl));
			for (char *q = lbl; *q; q++)
				if (*q == '"')
					*q = '\'';
			fprintf(fp, "%s\"%s\"\n", blocks ? "\n\n" : "", lbl);
			for (size_t r = 0; r < t.nr_rows; r++) {
				double used = t.v[r * t.nr_cols + uc];
				any |= used != 0;
				fprintf(fp, "%.9g\t%.10g\n", t.v[r * t.nr_cols + tc] / 1e9, used);
			}
			blocks++;
		}
		tsv_free(&t);
	}
	if (!close_data(rc, fp, path))
		return;
	if (!any) {
		remove(path);
		return;
	}
	fprintf(rc->html, "<h2>CMA utilisation</h2>\n");
	fprintf(rc->md, "## CMA utilisation\n\n");
	char extra[64];
	snprintf(extra, sizeof(extra), "n=%u; ylabel='CMA pages in use'", blocks);
	const char *title = "CMA pages in use over time (first repeat of each group)";
	if (render(rc, "group_lines.gp", path, name, title, extra))
		emit_figure(rc, name, title);
}

static void section_timeseries(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Free memory, watermarks and buddyinfo over time</h2>\n");
	fprintf(rc->md, "## Free memory, watermarks and buddyinfo over time\n\n");
	for (size_t g = 0; g < rc->rs.nr_groups && g < rc->max_series; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		char path[4300];
		struct tsv t;
		snprintf(path, sizeof(path), "%s/timeseries.tsv", grp->runs[0].dir);
		if (tsv_load(&t, path))
			continue;
		long tcol = tsv_col(&t, "time_ns");
		fprintf(rc->html, "<h3>");
		compare_html_escape(rc->html, grp->label);
		fprintf(rc->html, " (first repeat)</h3>\n");
		fprintf(rc->md, "### %s (first repeat)\n\n", grp->label);
		for (size_t z = 0; z < MAX_NR_ZONES && tcol >= 0; z++) {
			char col[64];
			const char *zn = zone_names[z];
			long c[4];
			const char *wm[4] = { "free", "min", "low", "high" };
			bool all = true;
			for (int k = 0; k < 4; k++) {
				snprintf(col, sizeof(col), "%s_%s", wm[k], zn);
				c[k] = tsv_col(&t, col);
				all &= c[k] >= 0;
			}
			if (all) {
				char name[64], dpath[4300], title[512];
				snprintf(name, sizeof(name), "g%zu-%s-watermarks", g, zn);
				FILE *fp = open_data(rc, name, dpath, sizeof(dpath));
				if (fp) {
					fprintf(fp, "time_s\tfree\tmin\tlow\thigh\n");
					for (size_t r = 0; r < t.nr_rows; r++) {
						const double *row = &t.v[r * t.nr_cols];
						fprintf(fp, "%.9g\t%.10g\t%.10g\t%.10g\t%.10g\n", row[tcol] / 1e9,
							row[c[0]], row[c[1]], row[c[2]], row[c[3]]);
					}
					if (!close_data(rc, fp, dpath))
						continue;
					snprintf(title, sizeof(title), "%s: zone %s free pages vs watermarks",
						 grp->label, zn);
					if (render(rc, "watermarks.gp", dpath, name, title, NULL))
						emit_figure(rc, name, title);
				}
			}
			/* buddyinfo heatmap: orders present as buddy_<zone>_o<k> */
			long oc[16];
			size_t nr_orders = 0;
			for (; nr_orders < ARRAY_SIZE(oc); nr_orders++) {
				snprintf(col, sizeof(col), "buddy_%s_o%zu", zn, nr_orders);
				oc[nr_orders] = tsv_col(&t, col);
				if (oc[nr_orders] < 0)
					break;
			}
			if (nr_orders == 0 || t.nr_rows == 0)
				continue;
			char name[64], dpath[4300], title[512];
			snprintf(name, sizeof(name), "g%zu-%s-buddyinfo", g, zn);
			FILE *fp = open_data(rc, name, dpath, sizeof(dpath));
			if (!fp)
				continue;
			/* pm3d colours each cell by its lower-left corner (corners2color c1), so
			 * one extra order row and one extra time column close the last cells */
			double dt = t.nr_rows > 1 ? (t.v[t.nr_cols + tcol] - t.v[tcol]) / 1e9 : 1;
			for (size_t r = 0; r <= t.nr_rows; r++) {
				size_t src = r < t.nr_rows ? r : t.nr_rows - 1;
				const double *row = &t.v[src * t.nr_cols];
				double ts = row[tcol] / 1e9 + (r < t.nr_rows ? 0 : dt);
				for (size_t o = 0; o <= nr_orders; o++)
					fprintf(fp, "%.9g\t%zu\t%.10g\n", ts, o,
						row[oc[o < nr_orders ? o : nr_orders - 1]]);
				fputc('\n', fp);
			}
			if (!close_data(rc, fp, dpath))
				continue;
			snprintf(title, sizeof(title), "%s: zone %s buddyinfo (free blocks per order)",
				 grp->label, zn);
			if (render(rc, "buddyinfo_heatmap.gp", dpath, name, title, NULL))
				emit_figure(rc, name, title);
		}
		tsv_free(&t);
	}
}

/* ---- allocation outcomes and OOM kills (summary.json "alloc_outcome", "oom_kills") ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The value at dotted PATH in each run of G that has it, sorted; how many. */
static size_t run_values(const struct runset_group *g, const char *path, double *v)
{
	size_t n = 0;
	for (size_t r = 0; r < g->nr_runs; r++) {
		const struct json_value *x = json_path(g->runs[r].summary, path);
		if (x && x->type == JSON_NUMBER)
			v[n++] = x->number;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	return n;
}

/* "median", or "median [min–max]" when the repeats differ; "n/a" without values.  The
 * median because the figures are counts: one seed with a storm of failures should show as
 * a range, not lift a mean. */
static void fmt_spread(const double *v, size_t n, char *buf, size_t len)
{
	if (!n) {
		snprintf(buf, len, "n/a");
		return;
	}
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	if (v[0] == v[n - 1])
		snprintf(buf, len, "%.10g", med);
	else
		snprintf(buf, len, "%.10g [%.10g–%.10g]", med, v[0], v[n - 1]);
}

static bool group_has(const struct runset_group *g, const char *path)
{
	for (size_t r = 0; r < g->nr_runs; r++)
		if (json_path(g->runs[r].summary, path))
			return true;
	return false;
}

/* One row cell in both pages; html-escaped in the HTML one. */
static void cell(struct report_state *rc, const char *text, bool first)
{
	fprintf(rc->html, "%s", first ? "<tr><td>" : "</td><td>");
	compare_html_escape(rc->html, text);
	fprintf(rc->md, "%s%s", first ? "| " : " | ", text);
}

static void row_end(struct report_state *rc)
{
	fprintf(rc->html, "</td></tr>\n");
	fprintf(rc->md, " |\n");
}

/* Room for one value per run of the largest group (NULL when out of memory). */
static double *per_run_buffer(const struct report_state *rc)
{
	size_t max_runs = 1;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		max_runs = MAX(max_runs, rc->rs.groups[g].nr_runs);
	return calloc(max_runs, sizeof(double));
}

/* Per class any group asked for, and group: requests = satisfied + failed + OOM-killed +
 * unfinished, the failures split by the rule that ended them (gfp.h alloc_outcome). */
static void section_outcomes(struct report_state *rc)
{
	double *v = per_run_buffer(rc);
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
			size_t n = run_values(&rc->rs.groups[g], path, v);
			asked = n && v[n - 1] > 0;
		}
		if (!asked)
			continue;
		for (size_t g = 0; g < rc->rs.nr_groups; g++) {
			const struct runset_group *grp = &rc->rs.groups[g];
			short_label(grp->label, lbl, sizeof(lbl));
			rows++;
			cell(rc, cls, true);
			cell(rc, lbl, false);
			static const char *const cols[] = { "requests", "satisfied", "failed" };
			for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, cols[k]);
				fmt_spread(v, run_values(grp, path, v), buf, sizeof(buf));
				cell(rc, buf, false);
			}
			char reasons[1024] = "";
			size_t off = 0;
			for (int o = 0; o < NR_ALLOC_OUTCOMES; o++) {
				const char *name = alloc_outcome_names[o];
				if (strncmp(name, "fail_", 5))
					continue;
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, name);
				size_t k = run_values(grp, path, v);
				if (!k || v[k - 1] == 0)
					continue;
				fmt_spread(v, k, buf, sizeof(buf));
				if (off < sizeof(reasons))
					off += (size_t)snprintf(reasons + off, sizeof(reasons) - off, "%s%s %s",
								off ? ", " : "", name, buf);
			}
			cell(rc, off ? reasons : "–", false);
			static const char *const tail[] = { "killed", "unfinished" };
			for (size_t k = 0; k < ARRAY_SIZE(tail); k++) {
				snprintf(path, sizeof(path), "alloc_outcome.%s.%s", cls, tail[k]);
				fmt_spread(v, run_values(grp, path, v), buf, sizeof(buf));
				cell(rc, buf, false);
			}
			row_end(rc);
		}
	}
	if (!rows) {
		cell(rc, "(no allocation request in any run)", true);
		for (int k = 0; k < 7; k++)
			cell(rc, "", false);
		row_end(rc);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
	free(v);
}

#define REPORT_MAX_VICTIMS 8 /* listed per run; the rest are counted */

/* Per group: the oom_kill counter, the records dropped because their task was killed, and
 * each run's victims (summary.json "oom_kills"). */
static void section_oom(struct report_state *rc)
{
	double *v = per_run_buffer(rc);
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
		short_label(grp->label, lbl, sizeof(lbl));
		cell(rc, lbl, true);
		fmt_spread(v, run_values(grp, "counters.oom_kill", v), buf, sizeof(buf));
		cell(rc, buf, false);
		fmt_spread(v, run_values(grp, "records_skipped_killed", v), buf, sizeof(buf));
		cell(rc, buf, false);
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
		cell(rc, off ? list : "none", false);
		row_end(rc);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
	free(v);
}

static void section_inputs(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Inputs</h2>\n<table>\n<tr><th>#</th><th>group</th><th>repeats</th>"
			  "<th>directory</th><th>sets</th></tr>\n");
	fprintf(rc->md, "## Inputs\n\n| # | group | repeats | directory | sets |\n|---|---|---:|---|---|\n");
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		fprintf(rc->html, "<tr><td>%zu%s</td><td>", g, g == 0 ? " (base)" : "");
		compare_html_escape(rc->html, grp->label);
		fprintf(rc->html, "</td><td>%zu</td><td><code>", grp->nr_runs);
		compare_html_escape(rc->html, grp->path);
		fprintf(rc->html, "</code></td><td>");
		compare_html_escape(rc->html, grp->sets);
		fprintf(rc->html, "</td></tr>\n");
		fprintf(rc->md, "| %zu%s | %s | %zu | `%s` | %s |\n", g, g == 0 ? " (base)" : "",
			grp->label, grp->nr_runs, grp->path, grp->sets);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
}

static void section_table(struct report_state *rc)
{
	if (rc->rs.nr_groups < 2) {
		fprintf(rc->html, "<h2>Summary</h2>\n<table>\n<tr><th>metric</th><th>n</th><th>mean</th>"
				  "<th>stddev</th><th>min</th><th>max</th><th>95%% CI</th></tr>\n");
		fprintf(rc->md, "## Summary\n\n| metric | n | mean | stddev | min | max | 95%% CI |\n"
				"|---|---:|---:|---:|---:|---:|---|\n");
		const struct runset_group *g = &rc->rs.groups[0];
		for (size_t m = 0; m < g->nr_metrics; m++) {
			struct stat_summary s;
			stat_summarize(g->metric_values[m], g->nr_values[m], &s);
			char f[6][32];
			const double x[6] = { s.mean, s.stddev, s.min, s.max, s.ci_lo, s.ci_hi };
			for (int k = 0; k < 6; k++)
				compare_fmt_value(f[k], sizeof(f[k]), x[k]);
			fprintf(rc->html, "<tr><td>");
			compare_html_escape(rc->html, g->metric_names[m]);
			fprintf(rc->html, "</td><td>%zu</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
					  "<td>[%s, %s]</td></tr>\n",
				s.n, f[0], f[1], f[2], f[3], f[4], f[5]);
			fprintf(rc->md, "| `%s` | %zu | %s | %s | %s | %s | [%s, %s] |\n",
				g->metric_names[m], s.n, f[0], f[1], f[2], f[3], f[4], f[5]);
		}
		fprintf(rc->html, "</table>\n");
		fprintf(rc->md, "\n");
		return;
	}
	fprintf(rc->html, "<h2>Comparison against the base</h2>\n");
	fprintf(rc->md, "## Comparison against the base\n\n");
	struct compare_control cc = { .rs = &rc->rs, .base = 0, .format = COMPARE_HTML };
	compare_write(&cc, rc->html);
	cc.format = COMPARE_MARKDOWN;
	compare_write(&cc, rc->md);
	fprintf(rc->md, "\n");
}

static const char css[] =
	"body{font-family:sans-serif;margin:2em;max-width:1200px}"
	"table{border-collapse:collapse;margin:1em 0;font-size:90%}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
	"td:first-child,th:first-child{text-align:left}"
	"td.sig{font-weight:bold;color:#a00}"
	"figure{display:inline-block;margin:0.5em}img{max-width:100%;height:auto}"
	"figcaption{font-size:85%;color:#444}.note{font-size:85%;color:#444}";

static int write_report(struct report_state *rc, struct sim_error *err)
{
	char path[4300];
	struct atomic_file html_af, md_af;
	snprintf(path, sizeof(path), "%s/fig", rc->out);
	if (runset_mkdir_p(path, err))
		return -1;
	snprintf(path, sizeof(path), "%s/data", rc->out);
	if (runset_mkdir_p(path, err))
		return -1;
	snprintf(path, sizeof(path), "%s/data/gnuplot.log", rc->out);
	remove(path);
	snprintf(path, sizeof(path), "%s/index.html", rc->out);
	rc->html = atomic_open(&html_af, path, err);
	if (!rc->html)
		return -1;
	snprintf(path, sizeof(path), "%s/report.md", rc->out);
	rc->md = atomic_open(&md_af, path, err);
	if (!rc->md) {
		atomic_abort(&html_af);
		return -1;
	}
	/* the empty data: icon keeps browsers from asking for a favicon.ico that is not there */
	fprintf(rc->html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			  "<title>mmsim report</title>\n<link rel=\"icon\" href=\"data:,\">\n"
			  "<style>%s</style>\n</head>\n<body>\n"
			  "<h1>mmsim report</h1>\n<p>mmsim %s; %zu group(s); the first is the base. "
			  "Means are over repeats; %% change and significance against the base "
			  "(Welch's t-test: * p&lt;0.05, ** p&lt;0.01). Figures link to SVG.</p>\n",
		css, MMSIM_VERSION, rc->rs.nr_groups);
	fprintf(rc->md, "# mmsim report\n\nmmsim %s; %zu group(s); the first is the base. Means are over "
			"repeats; significance from Welch's t-test (\\* p<0.05, \\*\\* p<0.01). "
			"Open index.html for the figures as SVG.\n\n",
		MMSIM_VERSION, rc->rs.nr_groups);
	if (!rc->have_gnuplot) {
		fprintf(rc->html, "<p><b>gnuplot was not found: figures are omitted.</b></p>\n");
		fprintf(rc->md, "**gnuplot was not found: figures are omitted.**\n\n");
	}
	section_inputs(rc);
	section_table(rc);
	section_outcomes(rc);
	section_oom(rc);
	section_bars(rc);
	section_latency(rc);
	section_cma_used(rc);
	section_timeseries(rc);
	fprintf(rc->html, "</body>\n</html>\n");
	if (atomic_commit(&md_af, err)) {
		atomic_abort(&html_af);
		return -1;
	}
	return atomic_commit(&html_af, err);
}

/* What a report directory holds: one holding only these is one mmsim made. */
static const char *const report_names[] = { "index.html", "report.md", "fig", "data", NULL };

/* The end of gnuplot's log, to stderr: the report directory holding it is removed. */
static void print_gnuplot_log(const char *dir)
{
	char path[4300];
	size_t len;
	snprintf(path, sizeof(path), "%s/data/gnuplot.log", dir);
	char *log = sim_read_file(path, &len, NULL);
	if (!log || !len) {
		free(log);
		return;
	}
	const char *p = log + (len > 2000 ? len - 2000 : 0);
	fprintf(stderr, "mmsim report: the end of gnuplot's output:\n%s%s", p, log[len - 1] == '\n' ? "" : "\n");
	free(log);
}

int report_build(struct report_control *ctl, struct sim_error *err)
{
	struct report_state *rc = calloc(1, sizeof(*rc));
	struct atomic_dir ad = { 0 };
	const char *out = ctl->out ? ctl->out : "report";
	int ret = -1;
	if (!rc)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	ctl->nr_figs = ctl->nr_failed_figs = 0;
	ctl->have_figures = false;
	rc->max_series = ctl->max_series;
	rc->plots_env = ctl->plots_dir;
	rc->exe_path = ctl->exe_path;
	if (!ctl->nr_inputs) {
		sim_error_set(err, EX_USAGE_, "report: no run, point or sweep directory to report on");
		goto out;
	}
	for (size_t i = 0; i < ctl->nr_inputs; i++)
		if (runset_add(&rc->rs, ctl->inputs[i], err))
			goto out;
	if (check_cli_metrics(&rc->rs, ctl->metrics, ctl->nr_metrics, err))
		goto out;
	rc->gnuplot = ctl->gnuplot && *ctl->gnuplot ? ctl->gnuplot : "gnuplot";
	rc->have_gnuplot = find_in_path(rc->gnuplot);
	if (!rc->have_gnuplot)
		fprintf(stderr, "mmsim report: %s not found: the report will have no figures\n", rc->gnuplot);
	else if (!find_plots_dir(rc)) {
		fprintf(stderr, "mmsim report: gnuplot scripts not found (set MMSIM_PLOTS_DIR to the "
				"plots/ directory): the report will have no figures\n");
		rc->have_gnuplot = false;
	}
	ctl->have_figures = rc->have_gnuplot;
	pick_metrics(rc, ctl->metrics, ctl->nr_metrics);
	/* The report is built in OUT.tmp.<pid> and renamed into place only when every page,
	 * data file and figure is whole: OUT is complete or absent, never partial. */
	if (atomic_dir_open(&ad, out, report_names, err))
		goto out;
	rc->out = ad.tmp;
	if (write_report(rc, err))
		goto out;
	if (rc->io_err.code) {
		*err = rc->io_err;
		goto out;
	}
	if (rc->nr_failed_figs) {
		print_gnuplot_log(rc->out);
		sim_error_set(err, EX_IOERR_, "%s: %u figure rendering(s) failed; no report written", out,
			      rc->nr_failed_figs);
		goto out;
	}
	if (atomic_dir_commit(&ad, err))
		goto out;
	ret = 0;
out:
	atomic_dir_abort(&ad);
	ctl->nr_figs = rc->nr_figs;
	ctl->nr_failed_figs = rc->nr_failed_figs;
	free(rc->metrics);
	runset_free(&rc->rs);
	free(rc);
	return ret;
}
