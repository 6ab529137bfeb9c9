/* report.c — the report builder (report.h): inputs and their plan, the pages and their
 * order, each figure's data in data/NAME.dat rendered by a gnuplot script from plots/. */
#include "report.h"
#include "report_int.h"

#include "../stats/compare.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Headline metrics when neither --metric nor the plan's `headline:` or `metrics:` chooses: the figures the CMA
 * policy papers argue about (elapsed time, tail latencies, compaction and reclaim work). */
static const char *const default_metrics[] = {
	"elapsed_ns", "latency.movable.p99_ns", "latency.cma_device.p99_ns",
	"latency.highorder.p99_ns", "latency.unmovable.p99_ns", "counters.compact_stall",
	"counters.allocstall_normal", "counters.pgscan_kswapd", "counters.pgmigrate_success",
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
void report_short_label(const char *label, char *buf, size_t n)
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

void report_data_label(const char *label, char *buf, size_t n)
{
	report_short_label(label, buf, n);
	for (char *c = buf; *c; c++)
		if (*c == '"')
			*c = '\'';
}

/* gnuplot single-quoted string: a quote is written twice. */
void report_gp_quote(char *buf, size_t n, const char *s)
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
bool report_render(struct report_state *rc, const char *script, const char *data,
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
		report_gp_quote(q_dir, sizeof(q_dir), dir_slash);
		report_gp_quote(q_data, sizeof(q_data), data);
		report_gp_quote(q_out, sizeof(q_out), out);
		report_gp_quote(q_title, sizeof(q_title), title);
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

/* Emit a rendered figure into both pages: CAPTION under it, ALT (what the figure shows,
 * for readers who cannot see it) as its text alternative. */
void report_figure(struct report_state *rc, const char *name, const char *caption, const char *alt)
{
	char svg[4300];
	snprintf(svg, sizeof(svg), "%s/fig/%s.svg", rc->out, name);
	bool have_svg = nonempty_file(svg);
	fprintf(rc->html, "<figure>");
	if (have_svg)
		fprintf(rc->html, "<a href=\"fig/%s.svg\">", name);
	fprintf(rc->html, "<img src=\"fig/%s.png\" alt=\"", name);
	compare_html_escape(rc->html, alt ? alt : caption);
	/* shown at 0.65 size, two to a row; the link opens the full-size SVG */
	fprintf(rc->html, "\" width=\"585\" height=\"338\">");
	if (have_svg)
		fprintf(rc->html, "</a>");
	fprintf(rc->html, "<figcaption>");
	compare_html_escape(rc->html, caption);
	fprintf(rc->html, "</figcaption></figure>\n");
	fprintf(rc->md, "![%s](fig/%s.png)\n\n", alt ? alt : caption, name);
}

FILE *report_open_data(struct report_state *rc, const char *name, char *path, size_t n)
{
	snprintf(path, n, "%s/data/%s.dat", rc->out, name);
	FILE *fp = fopen(path, "w");
	if (!fp && !rc->io_err.code)
		sim_error_set(&rc->io_err, EX_IOERR_, "%s: cannot create: %s", path, strerror(errno));
	return fp;
}

/* Close a data file; false (and the report fails) if any write to it failed. */
bool report_close_data(struct report_state *rc, FILE *fp, const char *path)
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The value at dotted PATH in each run of G that has it, sorted; how many. */
size_t report_run_values(const struct runset_group *g, const char *path, double *v)
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
void report_fmt_spread(const double *v, size_t n, char *buf, size_t len)
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


/* One row cell in both pages; html-escaped in the HTML one. */
void report_cell(struct report_state *rc, const char *text, bool first)
{
	fprintf(rc->html, "%s", first ? "<tr><td>" : "</td><td>");
	compare_html_escape(rc->html, text);
	fprintf(rc->md, "%s%s", first ? "| " : " | ", text);
}

void report_row_end(struct report_state *rc)
{
	fprintf(rc->html, "</td></tr>\n");
	fprintf(rc->md, " |\n");
}

/* Room for one value per run of the largest group (NULL when out of memory). */
double *report_per_run_buffer(const struct report_state *rc)
{
	size_t max_runs = 1;
	for (size_t g = 0; g < rc->rs.nr_groups; g++)
		max_runs = MAX(max_runs, rc->rs.groups[g].nr_runs);
	return calloc(max_runs, sizeof(double));
}

bool report_paired(const struct report_state *rc, size_t g)
{
	const struct runset_group *a = &rc->rs.groups[rc->base_of[g]], *b = &rc->rs.groups[g];
	if (a == b || !a->nr_runs || a->nr_runs != b->nr_runs)
		return false;
	/* every run of G has a twin with its seed in the base */
	for (size_t i = 0; i < b->nr_runs; i++) {
		const struct json_value *s = json_get(b->runs[i].summary, "seed");
		bool twin = false;
		for (size_t j = 0; s && s->type == JSON_NUMBER && j < a->nr_runs && !twin; j++) {
			const struct json_value *t = json_get(a->runs[j].summary, "seed");
			twin = t && t->type == JSON_NUMBER && t->number == s->number;
		}
		if (!twin)
			return false;
	}
	return true;
}

/* ---- inputs: metrics, plan, bases ---- */

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

static void add_head(struct report_state *rc, const char *name, const char *unit,
		     const char *label, enum plan_better better)
{
	rc->head[rc->nr_head++] = (struct report_metric){
		.name = name, .unit = unit ? unit : report_unit_guess(name),
		.label = label ? label : name, .better = better,
	};
}

/* The run set's own copy of a metric name (plan strings die with the plan), or NULL. */
static const char *metric_in_runs(const struct report_state *rc, const char *name)
{
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		long idx = runset_metric_index(&rc->rs.groups[g], name);
		if (idx >= 0)
			return rc->rs.groups[g].metric_names[idx];
	}
	return NULL;
}

/* The headline metrics: --metric; else the plan's headline; else its metrics; else the
 * defaults some run has non-zero.  elapsed_ns is lower-is-better wherever it comes from. */
static void pick_headline(struct report_state *rc, const char *const *cli_metrics, size_t nr_cli)
{
	size_t cap = nr_cli + ARRAY_SIZE(default_metrics) + (rc->have_plan ? rc->plan.nr_headline + rc->plan.nr_metrics : 0) + 1;
	rc->head = calloc(cap, sizeof(*rc->head));
	if (!rc->head)
		return;
	for (size_t i = 0; i < nr_cli; i++)
		add_head(rc, cli_metrics[i], NULL, NULL, PLAN_BETTER_NONE);
	if (!rc->nr_head && rc->have_plan)
		for (unsigned h = 0; h < rc->plan.nr_headline; h++)
			add_head(rc, rc->plan.headline[h].metric, rc->plan.headline[h].unit,
				 rc->plan.headline[h].label, rc->plan.headline[h].better);
	if (!rc->nr_head && rc->have_plan)
		for (unsigned m = 0; m < rc->plan.nr_metrics; m++) {
			const char *name = metric_in_runs(rc, rc->plan.metrics[m]);
			if (name)
				add_head(rc, name, NULL, NULL, PLAN_BETTER_NONE);
		}
	bool chosen = rc->nr_head > 0;
	for (size_t d = 0; d < ARRAY_SIZE(default_metrics) && !chosen; d++) {
		bool nonzero = false;
		for (size_t g = 0; g < rc->rs.nr_groups && !nonzero; g++) {
			long idx = runset_metric_index(&rc->rs.groups[g], default_metrics[d]);
			for (size_t k = 0; idx >= 0 && k < rc->rs.groups[g].nr_values[idx]; k++)
				nonzero |= rc->rs.groups[g].metric_values[idx][k] != 0;
		}
		if (nonzero)
			add_head(rc, default_metrics[d], NULL, NULL, PLAN_BETTER_NONE);
	}
	for (size_t i = 0; i < rc->nr_head; i++)
		if (!strcmp(rc->head[i].name, "elapsed_ns") && rc->head[i].better == PLAN_BETTER_NONE)
			rc->head[i].better = PLAN_BETTER_LOWER;
}

/* The plan of the first input that is in a sweep directory (DIR/runs/<id>). */
static void load_plan(struct report_state *rc)
{
	for (size_t g = 0; g < rc->rs.nr_groups && !rc->have_plan; g++) {
		char plan_path[4200];
		snprintf(plan_path, sizeof(plan_path), "%s/../../plan.yaml", rc->rs.groups[g].path);
		rc->have_plan = runset_is_file(plan_path) && plan_load(&rc->plan, plan_path, NULL) == 0;
	}
}

static const struct plan_point *point_of(const struct report_state *rc, const struct runset_group *g)
{
	/* --compare labels are "<id>,run=old" and "<id>,run=new" */
	size_t len = strlen(g->label);
	const char *comma = rc->regress ? strrchr(g->label, ',') : NULL;
	if (comma && !strncmp(comma, ",run=", 5))
		len = (size_t)(comma - g->label);
	for (unsigned p = 0; rc->have_plan && p < rc->plan.nr_points; p++)
		if (strlen(rc->plan.points[p].id) == len && !strncmp(rc->plan.points[p].id, g->label, len))
			return &rc->plan.points[p];
	return NULL;
}

bool report_group_matches(const struct report_state *rc, size_t g, const char *sel)
{
	const struct plan_point *pt = point_of(rc, &rc->rs.groups[g]);
	return pt && plan_point_matches(pt, sel);
}

/* How many sets of A agree with B's set of the same key (points of a named dimension set
 * different keys, so match by key, not by position). */
static unsigned agreeing_sets(const struct plan_point *a, const struct plan_point *b)
{
	unsigned n = 0;
	for (unsigned i = 0; i < a->nr_sets; i++)
		for (unsigned j = 0; j < b->nr_sets; j++)
			if (!strcmp(a->sets[i].key, b->sets[j].key)) {
				n += !strcmp(a->sets[i].value, b->sets[j].value);
				break;
			}
	return n;
}

/* Each group's base: the plan's baseline point that agrees with it on the most other
 * keys (so in a mode x size matrix each size is compared with the baseline mode at that
 * size), else the first group.  --compare sets the bases itself. */
static int pick_bases(struct report_state *rc)
{
	rc->base_of = calloc(rc->rs.nr_groups ? rc->rs.nr_groups : 1, sizeof(size_t));
	if (!rc->base_of)
		return -1;
	if (rc->regress) {
		for (size_t g = 0; g < rc->rs.nr_groups; g++)
			rc->base_of[g] = g & ~(size_t)1;
		return 0;
	}
	const char *sel = rc->have_plan ? rc->plan.baseline : NULL;
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct plan_point *pg = point_of(rc, &rc->rs.groups[g]);
		unsigned best = 0;
		bool found = false;
		for (size_t b = 0; sel && pg && b < rc->rs.nr_groups; b++) {
			const struct plan_point *pb = point_of(rc, &rc->rs.groups[b]);
			if (!pb || !plan_point_matches(pb, sel))
				continue;
			unsigned agree = agreeing_sets(pg, pb);
			if (!found || agree > best) {
				rc->base_of[g] = b;
				best = agree;
				found = true;
			}
		}
	}
	return 0;
}

static void section_inputs(struct report_state *rc)
{
	fprintf(rc->html, "<h2>Inputs</h2>\n<table>\n<tr><th>#</th><th>group</th><th>repeats</th>"
			  "<th>compared with</th><th>directory</th><th>sets</th></tr>\n");
	fprintf(rc->md, "## Inputs\n\n| # | group | repeats | compared with | directory | sets |\n"
			"|---|---|---:|---|---|---|\n");
	for (size_t g = 0; g < rc->rs.nr_groups; g++) {
		const struct runset_group *grp = &rc->rs.groups[g];
		char with[300];
		if (rc->base_of[g] == g)
			snprintf(with, sizeof(with), "(base)");
		else
			snprintf(with, sizeof(with), "%zu%s", rc->base_of[g], report_paired(rc, g) ? ", paired by seed" : "");
		fprintf(rc->html, "<tr><td>%zu</td><td>", g);
		compare_html_escape(rc->html, grp->label);
		fprintf(rc->html, "</td><td>%zu</td><td>%s</td><td><code>", grp->nr_runs, with);
		compare_html_escape(rc->html, grp->path);
		fprintf(rc->html, "</code></td><td>");
		compare_html_escape(rc->html, grp->sets);
		fprintf(rc->html, "</td></tr>\n");
		fprintf(rc->md, "| %zu | %s | %zu | %s | `%s` | %s |\n", g, grp->label, grp->nr_runs, with,
			grp->path, grp->sets);
	}
	fprintf(rc->html, "</table>\n");
	fprintf(rc->md, "\n");
}

static const char css[] =
	"body{font-family:sans-serif;margin:2em;max-width:1240px}"
	"table{border-collapse:collapse;margin:1em 0;font-size:90%}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
	"td:first-child,th:first-child{text-align:left}"
	"td.sig{font-weight:bold;color:#a00}td.better .chg{color:#060;font-weight:bold}"
	"td.worse .chg{color:#a00;font-weight:bold}small{color:#555}"
	"table.headline td{vertical-align:top}table.headline{font-size:100%}"
	"table.headline small,table.headline .chg{white-space:nowrap}"
	"p.question{font-size:120%;border-left:4px solid #4c72b0;padding-left:0.6em}"
	"details{margin:1em 0}summary{cursor:pointer;font-weight:bold}"
	".wide{overflow-x:auto}ul.constant{columns:3;font-size:85%}"
	"figure{display:inline-block;margin:0.5em;vertical-align:top}img{max-width:100%;height:auto}"
	"figcaption{font-size:85%;color:#444;max-width:600px}.note{font-size:85%;color:#444}.warn{color:#a00;font-weight:bold}";

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
			  "<h1>%s</h1>\n<p class=\"note\">mmsim %s; %zu group(s). Figures link to "
			  "SVG.</p>\n",
		css, rc->regress ? "mmsim regression report" : "mmsim report", MMSIM_VERSION,
		rc->rs.nr_groups);
	fprintf(rc->md, "# %s\n\nmmsim %s; %zu group(s). Open index.html for the figures as SVG.\n\n",
		rc->regress ? "mmsim regression report" : "mmsim report", MMSIM_VERSION, rc->rs.nr_groups);
	if (!rc->have_gnuplot) {
		fprintf(rc->html, "<p><b>gnuplot was not found: figures are omitted.</b></p>\n");
		fprintf(rc->md, "**gnuplot was not found: figures are omitted.**\n\n");
	}
	/* what a reader needs first: the question and its answer; then how sure, then the
	 * rest, collapsed */
	if (rc->regress)
		report_section_regression(rc);
	report_section_headline(rc);
	report_section_outcomes(rc);
	report_section_oom(rc);
	report_section_published(rc);
	report_section_headline_figures(rc);
	report_section_cma_used(rc);
	report_section_latency(rc);
	report_section_timeseries(rc);
	section_inputs(rc);
	report_section_counters(rc);
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
	if (ctl->compare_old || ctl->compare_new) {
		rc->regress = true;
		rc->old_dir = ctl->compare_old;
		rc->new_dir = ctl->compare_new;
		if (!rc->old_dir || !rc->new_dir || ctl->nr_inputs) {
			sim_error_set(err, EX_USAGE_, "report: --compare takes two sweep directories, OLD NEW, "
						      "and nothing else");
			goto out;
		}
		if (report_regress_load(rc, err))
			goto out;
	} else {
		if (!ctl->nr_inputs) {
			sim_error_set(err, EX_USAGE_, "report: no run, point or sweep directory to report on");
			goto out;
		}
		for (size_t i = 0; i < ctl->nr_inputs; i++)
			if (runset_add(&rc->rs, ctl->inputs[i], err))
				goto out;
	}
	if (check_cli_metrics(&rc->rs, ctl->metrics, ctl->nr_metrics, err))
		goto out;
	load_plan(rc);
	if (pick_bases(rc)) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto out;
	}
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
	pick_headline(rc, ctl->metrics, ctl->nr_metrics);
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
	free(rc->head);
	free(rc->base_of);
	if (rc->have_plan)
		plan_free(&rc->plan);
	runset_free(&rc->rs);
	free(rc);
	return ret;
}
