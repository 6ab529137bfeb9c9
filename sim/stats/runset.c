#include "runset.h"

#include "../config/plan.h"
#include "stat.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort(); /* the run sets are small: out of memory here is not recoverable */
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = xrealloc(NULL, n);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

bool runset_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool runset_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *runset_read_file(const char *path, size_t *len, struct sim_error *err)
{
	return sim_read_file(path, len, err);
}

/* ---- groups and metrics ---- */

/* FNV-1a over the name: metric names are short dotted paths, not adversarial keys. */
static size_t metric_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding NAME, or the empty slot where it would go (cap > 0). */
static size_t metric_slot(const struct runset_group *g, const char *name)
{
	size_t mask = g->metric_hash_cap - 1, i = metric_hash(name) & mask;
	while (g->metric_hash[i] && strcmp(g->metric_names[g->metric_hash[i] - 1], name))
		i = (i + 1) & mask;
	return i;
}

/* Make room for one more metric: keep the table at most half full. */
static void metric_hash_reserve(struct runset_group *g)
{
	if (2 * (g->nr_metrics + 1) <= g->metric_hash_cap)
		return;
	size_t cap = g->metric_hash_cap ? 2 * g->metric_hash_cap : 64;
	free(g->metric_hash);
	g->metric_hash = xrealloc(NULL, cap * sizeof(size_t));
	memset(g->metric_hash, 0, cap * sizeof(size_t));
	g->metric_hash_cap = cap;
	for (size_t m = 0; m < g->nr_metrics; m++)
		g->metric_hash[metric_slot(g, g->metric_names[m])] = m + 1;
}

long runset_metric_index(const struct runset_group *g, const char *metric)
{
	if (!g->metric_hash_cap)
		return -1;
	size_t m = g->metric_hash[metric_slot(g, metric)];
	return m ? (long)m - 1 : -1;
}

static void add_value(const char *name, double v, void *arg)
{
	struct runset_group *g = arg;
	long m = runset_metric_index(g, name);
	if (m < 0) {
		metric_hash_reserve(g);
		size_t slot = metric_slot(g, name);
		m = (long)g->nr_metrics++;
		g->metric_hash[slot] = (size_t)m + 1;
		g->metric_names = xrealloc(g->metric_names, g->nr_metrics * sizeof(char *));
		g->nr_values = xrealloc(g->nr_values, g->nr_metrics * sizeof(size_t));
		g->metric_values = xrealloc(g->metric_values, g->nr_metrics * sizeof(double *));
		g->metric_names[m] = xstrdup(name);
		g->nr_values[m] = 0;
		g->metric_values[m] = xrealloc(NULL, g->nr_runs * sizeof(double));
	}
	g->metric_values[m][g->nr_values[m]++] = v;
}

/* Collect the metrics of every run once all runs are loaded (so value arrays can be sized
 * by nr_runs). */
static void group_collect(struct runset_group *g)
{
	for (size_t r = 0; r < g->nr_runs; r++) {
		const struct json_value *s = g->runs[r].summary;
		static const char *const sections[] = { "counters", "latency", "alloc_outcome", "daemons" };
		static const char *const scalars[] = { "elapsed_ns", "records_skipped_killed", "records_unissued" };
		for (size_t k = 0; k < ARRAY_SIZE(sections); k++)
			json_each_number(json_get(s, sections[k]), sections[k], add_value, g);
		json_each_number(json_get(s, "observed_vs_simulated"), COMPARE_OBSERVED_PREFIX, add_value, g);
		for (size_t k = 0; k < ARRAY_SIZE(scalars); k++) {
			const struct json_value *e = json_get(s, scalars[k]);
			if (e && e->type == JSON_NUMBER)
				add_value(scalars[k], e->number, g);
		}
	}
}

static struct runset_group *new_group(struct runset *rs, const char *label, const char *path,
				      const char *sets)
{
	rs->groups = xrealloc(rs->groups, (rs->nr_groups + 1) * sizeof(*rs->groups));
	struct runset_group *g = &rs->groups[rs->nr_groups++];
	memset(g, 0, sizeof(*g));
	g->label = xstrdup(label);
	g->path = xstrdup(path);
	g->sets = xstrdup(sets);
	return g;
}

static void drop_last_group(struct runset *rs)
{
	struct runset tmp = { .nr_groups = 1, .groups = &rs->groups[rs->nr_groups - 1] };
	struct runset_group *g = tmp.groups;
	for (size_t r = 0; r < g->nr_runs; r++) {
		free(g->runs[r].dir);
		json_free(g->runs[r].summary);
	}
	free(g->runs);
	free(g->label);
	free(g->path);
	free(g->sets);
	for (size_t m = 0; m < g->nr_metrics; m++) {
		free(g->metric_names[m]);
		free(g->metric_values[m]);
	}
	free(g->metric_names);
	free(g->nr_values);
	free(g->metric_values);
	free(g->metric_hash);
	rs->nr_groups--;
}

/* Add run DIR to G if it holds a summary.json; 1 added, 0 absent, -1 bad JSON. */
static int add_run(struct runset_group *g, const char *dir, struct sim_error *err)
{
	char *sum = path_join(dir, "summary.json");
	if (!runset_is_file(sum)) {
		free(sum);
		return 0;
	}
	struct json_value *v = json_load(sum, err);
	free(sum);
	if (!v)
		return -1;
	g->runs = xrealloc(g->runs, (g->nr_runs + 1) * sizeof(*g->runs));
	g->runs[g->nr_runs++] = (struct runset_run){ .dir = xstrdup(dir), .summary = v };
	return 1;
}

static const char *base_name(const char *path, char *buf, size_t n)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	snprintf(buf, n, "%.*s", (int)(path + len - start), start);
	return buf;
}

static int cmp_repeat(const void *a, const void *b)
{
	long x = atol(*(char *const *)a + 1), y = atol(*(char *const *)b + 1);
	return (x > y) - (x < y);
}

static int add_point_dir(struct runset *rs, const char *dir, struct sim_error *err)
{
	DIR *d = opendir(dir);
	char **names = NULL, label[256];
	size_t nr = 0;
	int rc = -1;
	if (!d)
		return sim_error_set(err, EX_NOINPUT_, "%s: %s", dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		const char *n = e->d_name;
		if (n[0] != 'r' || !n[1] || strspn(n + 1, "0123456789") != strlen(n + 1))
			continue;
		names = xrealloc(names, (nr + 1) * sizeof(char *));
		names[nr++] = xstrdup(n);
	}
	closedir(d);
	if (nr) /* qsort(NULL, 0, ...) is undefined: an empty directory has no names array */
		qsort(names, nr, sizeof(char *), cmp_repeat);
	struct runset_group *g = new_group(rs, base_name(dir, label, sizeof(label)), dir, "");
	for (size_t i = 0; i < nr; i++) {
		char *run = path_join(dir, names[i]);
		int got = add_run(g, run, err);
		free(run);
		if (got < 0) {
			drop_last_group(rs);
			goto out;
		}
	}
	if (g->nr_runs == 0) {
		drop_last_group(rs);
		sim_error_set(err, EX_NOINPUT_, "%s: no finished runs (r<k>/summary.json)", dir);
		goto out;
	}
	group_collect(g);
	rc = 0;
out:
	for (size_t i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Split a points.tsv line in place into tab-separated fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	while (n < max) {
		f[n++] = line;
		char *t = strchr(line, '\t');
		if (!t)
			break;
		*t = 0;
		line = t + 1;
	}
	return n;
}

#define POINTS_MAX_FIELDS 256

/* Walk DIR/points.tsv calling FN once per unit line (fields split). */
static int each_unit(const char *dir, int (*fn)(char **f, size_t nf, void *arg), void *arg,
		     struct sim_error *err)
{
	char *path = path_join(dir, "points.tsv");
	char *text = runset_read_file(path, NULL, err);
	int rc = 0;
	unsigned long lineno = 0;
	if (!text) {
		free(path);
		return -1;
	}
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[POINTS_MAX_FIELDS];
		lineno++;
		if (line[0] == '#')
			continue;
		size_t nf = split_tabs(line, f, POINTS_MAX_FIELDS);
		if (nf < 4) {
			rc = sim_error_set(err, EX_DATAERR_, "%s:%lu: expected unit, point, repeat, seed",
					   path, lineno);
			break;
		}
		if ((rc = fn(f, nf, arg)))
			break;
	}
	free(text);
	free(path);
	return rc;
}

/* Context of a sweep-dir load: which points match, where the runs are. */
struct sweep_load {
	struct runset *rs;
	const char *dir;
	const char *selection;
	size_t first_group;
	struct sim_error *err;
};

static int load_unit(char **f, size_t nf, void *arg)
{
	struct sweep_load *sl = arg;
	const char *id = f[1];
	struct plan_kv kv[POINTS_MAX_FIELDS];
	size_t nkv = 0;
	char sets[4096] = "";
	for (size_t i = 4; i < nf; i++) {
		char *eq = strchr(f[i], '=');
		if (!eq)
			continue;
		*eq = 0;
		kv[nkv++] = (struct plan_kv){ .key = f[i], .value = eq + 1 };
		size_t used = strlen(sets);
		snprintf(sets + used, sizeof(sets) - used, "%s%s=%s", used ? " " : "", f[i], eq + 1);
	}
	/* the id's own name=value parts too, so a named dimension's label selects
	 * ("cma=sticky-literal") as a matrix key's value does */
	char idparts[PLAN_MAX_ID + 20];
	snprintf(idparts, sizeof(idparts), "%s", id);
	for (char *save = NULL, *part = strtok_r(idparts, ",", &save); part && nkv < POINTS_MAX_FIELDS;
	     part = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(part, '=');
		if (!eq)
			continue;
		*eq = 0;
		kv[nkv++] = (struct plan_kv){ .key = part, .value = eq + 1 };
	}
	if (sl->selection && !plan_sets_match(kv, (unsigned)nkv, sl->selection))
		return 0;
	struct runset_group *g = NULL;
	for (size_t i = sl->first_group; i < sl->rs->nr_groups; i++)
		if (!strcmp(sl->rs->groups[i].label, id))
			g = &sl->rs->groups[i];
	if (!g) {
		char *runs = path_join(sl->dir, "runs");
		char *pdir = path_join(runs, id);
		g = new_group(sl->rs, id, pdir, sets);
		free(runs);
		free(pdir);
	}
	char rname[32];
	snprintf(rname, sizeof(rname), "r%s", f[2]);
	char *run = path_join(g->path, rname);
	int got = add_run(g, run, sl->err);
	free(run);
	return got < 0 ? -1 : 0;
}

static int add_sweep_dir(struct runset *rs, const char *dir, const char *selection,
			 struct sim_error *err)
{
	struct sweep_load sl = { .rs = rs, .dir = dir, .selection = selection,
				 .first_group = rs->nr_groups, .err = err };
	if (each_unit(dir, load_unit, &sl, err))
		return -1;
	/* keep only points that have finished runs */
	size_t w = sl.first_group;
	for (size_t i = sl.first_group; i < rs->nr_groups; i++) {
		if (rs->groups[i].nr_runs) {
			struct runset_group tmp = rs->groups[w];
			rs->groups[w] = rs->groups[i];
			rs->groups[i] = tmp;
			w++;
		}
	}
	while (rs->nr_groups > w)
		drop_last_group(rs);
	if (w == sl.first_group)
		return sim_error_set(err, EX_NOINPUT_, "%s: no finished runs%s%s", dir,
				     selection ? " match " : "", selection ? selection : "");
	for (size_t i = sl.first_group; i < rs->nr_groups; i++)
		group_collect(&rs->groups[i]);
	return 0;
}

int runset_add(struct runset *rs, const char *arg, struct sim_error *err)
{
	char dir[4096];
	const char *selection = NULL;
	snprintf(dir, sizeof(dir), "%s", arg);
	if (!runset_is_dir(dir)) {
		/* "SWEEPDIR:k=v": split at the last ':' that leaves a directory */
		char *colon = strrchr(dir, ':');
		if (colon) {
			*colon = 0;
			selection = arg + (colon - dir) + 1;
		}
		if (!colon || !runset_is_dir(dir)) {
			/* Something is there but it is not a directory (a file given as a run
			 * directory, or as the SWEEP of SWEEP:k=v): say that, not "no such". */
			struct stat st;
			if (stat(arg, &st) == 0)
				return sim_error_set(err, EX_NOINPUT_, "%s: not a directory", arg);
			if (colon && stat(dir, &st) == 0)
				return sim_error_set(err, EX_NOINPUT_, "%s: not a directory", dir);
			return sim_error_set(err, EX_NOINPUT_, "%s: no such directory", arg);
		}
	}
	char *sum = path_join(dir, "summary.json"), *pts = path_join(dir, "points.tsv");
	bool is_run = runset_is_file(sum), is_sweep = runset_is_file(pts);
	free(sum);
	free(pts);
	if (selection && !is_sweep)
		return sim_error_set(err, EX_USAGE_, "%s: a point selection needs a sweep directory", arg);
	if (is_sweep)
		return add_sweep_dir(rs, dir, selection, err);
	if (is_run) {
		char label[256];
		struct runset_group *g = new_group(rs, base_name(dir, label, sizeof(label)), dir, "");
		if (add_run(g, dir, err) < 0) {
			drop_last_group(rs);
			return -1;
		}
		group_collect(g);
		return 0;
	}
	return add_point_dir(rs, dir, err);
}

void runset_free(struct runset *rs)
{
	while (rs->nr_groups)
		drop_last_group(rs);
	free(rs->groups);
	rs->groups = NULL;
}

int runset_write_results(const char *sweep_dir, struct sim_error *err)
{
	struct runset rs = { 0 };
	struct atomic_file af;
	char *path = path_join(sweep_dir, "results.tsv");
	int rc = -1;
	struct sim_error lerr = { 0 };
	if (add_sweep_dir(&rs, sweep_dir, NULL, &lerr) && lerr.code != EX_NOINPUT_) {
		*err = lerr;
		goto out;
	}
	FILE *fp = atomic_open(&af, path, err);
	if (!fp)
		goto out;
	fprintf(fp, "point\tmetric\tn\tmean\tstddev\tmin\tmax\tci95_lo\tci95_hi\n");
	for (size_t i = 0; i < rs.nr_groups; i++) {
		const struct runset_group *g = &rs.groups[i];
		for (size_t m = 0; m < g->nr_metrics; m++) {
			struct stat_summary s;
			stat_summarize(g->metric_values[m], g->nr_values[m], &s);
			fprintf(fp, "%s\t%s\t%zu\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\t%.10g\n", g->label,
				g->metric_names[m], s.n, s.mean, s.stddev, s.min, s.max, s.ci_lo, s.ci_hi);
		}
	}
	rc = atomic_commit(&af, err);
out:
	runset_free(&rs);
	free(path);
	return rc;
}

/* ---- filesystem helpers ---- */

int runset_mkdir_p(const char *path, struct sim_error *err)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return sim_error_set(err, EX_IOERR_, "%s: path too long", path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, 0777) && errno != EEXIST)
				return sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", buf,
						     strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	if (!runset_is_dir(path))
		return sim_error_set(err, EX_IOERR_, "%s: not a directory", path);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

int runset_rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int copy_file(const char *src, const char *dst, struct sim_error *err)
{
	if (link(src, dst) == 0)
		return 0;
	int in = open(src, O_RDONLY), out = -1;
	if (in < 0)
		return sim_error_set(err, EX_NOINPUT_, "%s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (out < 0) {
		close(in);
		return sim_error_set(err, EX_IOERR_, "%s: %s", dst, strerror(errno));
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0)
		return sim_error_set(err, EX_IOERR_, "%s: write failed", dst);
	return 0;
}

int runset_copy_tree(const char *src, const char *dst, struct sim_error *err)
{
	DIR *d = opendir(src);
	if (!d)
		return sim_error_set(err, EX_NOINPUT_, "%s: %s", src, strerror(errno));
	int rc = 0;
	if (mkdir(dst, 0777)) {
		closedir(d);
		return sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", dst, strerror(errno));
	}
	for (struct dirent *e; !rc && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *s = path_join(src, e->d_name), *t = path_join(dst, e->d_name);
		rc = runset_is_dir(s) ? runset_copy_tree(s, t, err) : copy_file(s, t, err);
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}

/* ---- paired comparisons ---- */

static double run_seed(const struct runset_run *r)
{
	const struct json_value *s = json_get(r->summary, "seed");
	return s && s->type == JSON_NUMBER ? s->number : NAN;
}

size_t runset_pair_by_seed(const struct runset_group *a, const struct runset_group *b,
			   const char *metric, double *va, double *vb, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nr_runs && n < cap; i++) {
		double seed = run_seed(&a->runs[i]);
		const struct json_value *x = json_path(a->runs[i].summary, metric);
		if (isnan(seed) || !x || x->type != JSON_NUMBER)
			continue;
		for (size_t j = 0; j < b->nr_runs; j++) {
			const struct json_value *y = json_path(b->runs[j].summary, metric);
			if (run_seed(&b->runs[j]) != seed || !y || y->type != JSON_NUMBER)
				continue;
			va[n] = x->number;
			vb[n] = y->number;
			n++;
			break;
		}
	}
	return n;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double runset_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Exact two-sided p of the signed-rank statistic over the m non-zero differences D. */
static double wilcoxon_exact(const double *d, size_t m)
{
	/* ranks of |d| doubled, so mid-ranks of ties stay integers */
	double *abs_d = xrealloc(NULL, m * sizeof(double));
	unsigned *rank2 = xrealloc(NULL, m * sizeof(unsigned));
	for (size_t i = 0; i < m; i++)
		abs_d[i] = fabs(d[i]);
	unsigned total = 0, w_obs = 0;
	for (size_t i = 0; i < m; i++) {
		size_t below = 0, equal = 0;
		for (size_t j = 0; j < m; j++) {
			below += abs_d[j] < abs_d[i];
			equal += abs_d[j] == abs_d[i];
		}
		/* mid-rank (below + 1 + below + equal) / 2, doubled */
		rank2[i] = (unsigned)(2 * below + 1 + equal);
		total += rank2[i];
		if (d[i] > 0)
			w_obs += rank2[i];
	}
	/* count[s]: sign assignments whose positive doubled ranks sum to s */
	double *count = xrealloc(NULL, (total + 1) * sizeof(double));
	memset(count, 0, (total + 1) * sizeof(double));
	count[0] = 1;
	for (size_t i = 0; i < m; i++)
		for (unsigned s = total; s >= rank2[i]; s--) {
			count[s] += count[s - rank2[i]];
			if (s == rank2[i])
				break;
		}
	/* two-sided: assignments at least as far from the centre total/2 as the observed */
	double dev = fabs((double)w_obs - total / 2.0), extreme = 0, all = 0;
	for (unsigned s = 0; s <= total; s++) {
		all += count[s];
		if (fabs((double)s - total / 2.0) >= dev - 1e-9)
			extreme += count[s];
	}
	free(abs_d);
	free(rank2);
	free(count);
	return MIN(1.0, extreme / all);
}

#define RUNSET_MAX_EXACT 60 /* pairs; 2^60 assignments are counted, never enumerated */

void runset_paired_stats(const double *a, const double *b, size_t n, struct runset_paired *out)
{
	*out = (struct runset_paired){ .n = n, .t_p = NAN, .wilcoxon_p = NAN };
	if (!n) {
		out->why = "no pairs (the runs share no seed)";
		return;
	}
	double *d = xrealloc(NULL, n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		d[i] = b[i] - a[i];
	out->mean = gsl_stats_mean(d, 1, n);
	out->ci_lo = out->ci_hi = out->mean;
	double sd = n > 1 ? gsl_stats_sd_m(d, 1, n, out->mean) : 0;
	if (n > 1 && sd > 0) {
		double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
		out->ci_lo = out->mean - half;
		out->ci_hi = out->mean + half;
	}
	if (n < 3)
		out->why = "fewer than 3 pairs";
	else if (sd == 0)
		out->why = out->mean == 0 ? "identical in every pair" : "every pair differs by the same amount";
	else {
		double t = out->mean / (sd / sqrt((double)n));
		out->t_p = MIN(1.0, 2 * gsl_cdf_tdist_Q(fabs(t), (double)(n - 1)));
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (d[i] != 0)
				d[m++] = d[i];
		out->wilcoxon_p = m == 0 ? 1 : m <= RUNSET_MAX_EXACT ? wilcoxon_exact(d, m) : NAN;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = b[i] - a[i];
	out->median = runset_median(d, n);
	free(d);
}
