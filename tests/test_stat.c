/* Statistics (stat.c) and the JSON reader (json.c). Expected values are worked by hand
 * in the comments. */
#include "stats/json.h"
#include "stats/stat.h"
#include "stats/compare.h"
#include "stats/runset.h"

#include "testlib.h"

#include <math.h>

#define CHECK_NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))

static void test_summary(void)
{
	/* 1..5: mean 3; squared deviations 4+1+0+1+4 = 10, /(n-1)=4 -> var 2.5, sd 1.5811388;
	 * t_{0.975,4} = 2.776445 (any t table); half width = 2.776445 * 1.5811388 / √5
	 * = 2.776445 * 0.7071068 = 1.9632431 -> CI [1.0367569, 4.9632431]. */
	double x[] = { 4, 2, 5, 1, 3 };
	struct stat_summary s;
	stat_summarize(x, 5, &s);
	CHECK_EQ(s.n, 5);
	CHECK_NEAR(s.mean, 3.0, 1e-12);
	CHECK_NEAR(s.stddev, 1.5811388, 1e-7);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 5, 0);
	CHECK_NEAR(s.ci_lo, 1.0367569, 1e-6);
	CHECK_NEAR(s.ci_hi, 4.9632431, 1e-6);

	/* one sample: no spread, CI collapses onto the mean */
	stat_summarize(x, 1, &s);
	CHECK_NEAR(s.mean, 4, 0);
	CHECK_NEAR(s.stddev, 0, 0);
	CHECK_NEAR(s.ci_lo, 4, 0);
	CHECK_NEAR(s.ci_hi, 4, 0);
	stat_summarize(x, 0, &s);
	CHECK_EQ(s.n, 0);
}

static void test_welch(void)
{
	/* A = 1..5 (mean 3, var 2.5), B = 2,4,..,10 (mean 6, var 10), n = 5 each.
	 * s²/n: 0.5 and 2; t = (3-6)/√2.5 = -1.8973666;
	 * df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.8823529;
	 * p = 2·Q_t(1.8973666; 5.8823529) = 0.1075312 (Simpson integration of the Student t
	 * density from |t| to 2000, 4·10^5 steps, done outside GSL). Not significant. */
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 2, 4, 6, 8, 10 };
	struct stat_summary sa, sb;
	struct stat_welch w;
	stat_summarize(a, 5, &sa);
	stat_summarize(b, 5, &sb);
	stat_welch(&sa, &sb, &w);
	CHECK_NEAR(w.t, -1.8973666, 1e-6);
	CHECK_NEAR(w.df, 5.8823529, 1e-6);
	CHECK_NEAR(w.p, 0.1075312, 1e-6);
	CHECK_STR(stat_mark(w.p), "");

	/* A = 10,11,12, B = 20,21,22: var 1 each, s²/n = 1/3; t = -10/√(2/3) = -12.2474487;
	 * df = (2/3)² / (2·(1/3)²/2) = (4/9)/(1/9) = 4; with 4 df the two-sided p has the closed
	 * form 1 - sinθ(1 + cos²θ/2), θ = atan(|t|/2) = 1.4087..., giving p = 2.552167e-4. */
	double c[] = { 10, 11, 12 }, d[] = { 20, 21, 22 };
	stat_summarize(c, 3, &sa);
	stat_summarize(d, 3, &sb);
	stat_welch(&sa, &sb, &w);
	CHECK_NEAR(w.t, -12.2474487, 1e-6);
	CHECK_NEAR(w.df, 4, 1e-9);
	CHECK_NEAR(w.p, 2.552167e-4, 1e-9);
	CHECK_STR(stat_mark(w.p), "**");
	CHECK_STR(stat_mark(0.03), "*");
	CHECK_STR(stat_mark(NAN), "");

	/* degenerate: no variance on either side */
	double e[] = { 7, 7 }, f[] = { 7, 7 }, g[] = { 9, 9 };
	stat_summarize(e, 2, &sa);
	stat_summarize(f, 2, &sb);
	stat_welch(&sa, &sb, &w);
	CHECK_NEAR(w.p, 1, 0);
	stat_summarize(g, 2, &sb);
	stat_welch(&sa, &sb, &w);
	CHECK_NEAR(w.p, 0, 0);
	/* a single repeat cannot be tested */
	stat_summarize(g, 1, &sb);
	stat_welch(&sa, &sb, &w);
	CHECK(isnan(w.p));
}

static void test_pct(void)
{
	CHECK_NEAR(stat_pct_change(200, 250), 25.0, 1e-12);
	CHECK_NEAR(stat_pct_change(200, 150), -25.0, 1e-12);
	CHECK_NEAR(stat_pct_change(-200, -150), 25.0, 1e-12);
	CHECK_NEAR(stat_pct_change(0, 0), 0, 0);
	CHECK(isnan(stat_pct_change(0, 1)));
}

static void collect(const char *path, double v, void *arg)
{
	char *buf = arg;
	char line[128];
	snprintf(line, sizeof(line), "%s=%g;", path, v);
	strcat(buf, line);
}

static void test_json(void)
{
	struct sim_error err = { 0 };
	const char *text = "{\"mmsim_version\": \"0.1.0\", \"seed\": 9007199254740991,\n"
			   " \"counters\": {\"nr_free_pages\": 12, \"pgalloc_normal\": -3.5e2},\n"
			   " \"latency\": {\"movable\": {\"count\": 10, \"p50_ns\": 1.25}},\n"
			   " \"flags\": [1, 2, {\"x\": true}], \"s\": \"a\\u00e9\\ud83d\\ude00\\n\", \"z\": null}";
	struct json_value *v = json_parse("t", text, strlen(text), &err);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK_STR(json_get(v, "mmsim_version")->string, "0.1.0");
	/* 2^53 - 1 is exact in a double: seeds are masked to 53 bits for this */
	CHECK(json_get(v, "seed")->number == 9007199254740991.0);
	CHECK_NEAR(json_path(v, "counters.pgalloc_normal")->number, -350, 0);
	CHECK_NEAR(json_path(v, "latency.movable.p50_ns")->number, 1.25, 0);
	CHECK(json_path(v, "latency.nope") == NULL);
	/* é is C3 A9, U+1F600 is F0 9F 98 80 */
	CHECK_STR(json_get(v, "s")->string, "a\xc3\xa9\xf0\x9f\x98\x80\n");
	CHECK_EQ(json_get(v, "flags")->nr_children, 3);
	CHECK_EQ(json_get(v, "z")->type, JSON_NULL);
	char buf[512] = "";
	json_each_number(json_get(v, "counters"), "counters", collect, buf);
	json_each_number(json_get(v, "latency"), "latency", collect, buf);
	CHECK_STR(buf, "counters.nr_free_pages=12;counters.pgalloc_normal=-350;"
		       "latency.movable.count=10;latency.movable.p50_ns=1.25;");
	json_free(v);

	/* errors name line:col */
	const char *bad[] = { "{\"a\": 1,\n \"b\" 2}", "[1, 2", "{\"a\": 01}", "\"\\ud800\"",
			      "[1] x", "", "{\"a\": tru}", "\"abc" };
	const char *where[] = { "t:2:6:", "t:1:6:", "t:1:8:", NULL, "t:1:5:", "t:1:1:", NULL, NULL };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err = (struct sim_error){ 0 };
		v = json_parse("t", bad[i], strlen(bad[i]), &err);
		CHECK(v == NULL);
		CHECK_EQ(err.code, EX_DATAERR_);
		if (where[i] && strncmp(err.msg, where[i], strlen(where[i])))
			CHECK_STR(err.msg, where[i]);
		json_free(v);
	}
	/* nesting is bounded */
	char deep[200];
	memset(deep, '[', sizeof(deep));
	v = json_parse("t", deep, sizeof(deep), &err);
	CHECK(v == NULL);
}

static void test_runset_compare(void)
{
	/* tests/data/runs/{migrate_cma,zone_cma}/r0..r2 (make-fixtures.py): movable p99 is
	 * 1000 + 22j and 1200 + 22j for j = -1, 0, 1: means 1000 and 1200, sd 22 each.
	 * Welch: t = -200 / √(2·22²/3) = -11.134044, df = 4 (equal n and variance), and with
	 * 4 df p = 1 - sinθ(1 + cos²θ/2), θ = atan(11.134044/2): p = 3.702864e-4.
	 * 95% CI of the first: 1000 ± t_{0.975,2}·22/√3 = 1000 ± 4.302653·12.701706
	 * = [945.348967, 1054.651033]. */
	char a[4200], b[4200];
	struct runset rs = { 0 };
	struct sim_error err = { 0 };
	snprintf(a, sizeof(a), "%s/tests/data/runs/migrate_cma", tl_srcdir());
	snprintf(b, sizeof(b), "%s/tests/data/runs/zone_cma", tl_srcdir());
	CHECK_EQ(runset_add(&rs, a, &err), 0);
	CHECK_EQ(runset_add(&rs, b, &err), 0);
	if (rs.nr_groups != 2) {
		fprintf(stderr, "%s\n", err.msg);
		CHECK_EQ(rs.nr_groups, 2);
		runset_free(&rs);
		return;
	}
	CHECK_STR(rs.groups[0].label, "migrate_cma");
	CHECK_EQ(rs.groups[1].nr_runs, 3);
	long m = runset_metric_index(&rs.groups[0], "latency.movable.p99_ns");
	CHECK(m >= 0);
	struct stat_summary s0, s1;
	struct stat_welch w;
	stat_summarize(rs.groups[0].metric_values[m], rs.groups[0].nr_values[m], &s0);
	m = runset_metric_index(&rs.groups[1], "latency.movable.p99_ns");
	stat_summarize(rs.groups[1].metric_values[m], rs.groups[1].nr_values[m], &s1);
	CHECK_NEAR(s0.mean, 1000, 1e-9);
	CHECK_NEAR(s0.stddev, 22, 1e-9);
	CHECK_NEAR(s0.ci_lo, 945.348967, 1e-5);
	CHECK_NEAR(s0.ci_hi, 1054.651033, 1e-5);
	stat_welch(&s0, &s1, &w);
	CHECK_NEAR(w.t, -11.134044, 1e-5);
	CHECK_NEAR(w.df, 4, 1e-9);
	CHECK_NEAR(w.p, 3.702864e-4, 1e-9);

	/* the TSV table carries the same figures; rows restricted by prefix */
	char *filters[] = { "latency.movable.p99" };
	struct compare_control cc = { .rs = &rs, .base = 0, .nr_filters = 1, .filters = filters,
				      .format = COMPARE_TSV };
	char buf[2048] = "";
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");
	CHECK_EQ(compare_write(&cc, fp), 1);
	fclose(fp);
	CHECK_STR(buf, "metric\tgroup\tn\tmean\tstddev\tpct_change\tt\tdf\tp\tmark\n"
		       "latency.movable.p99_ns\tmigrate_cma\t3\t1000\t22\t0\t\t\t\t\n"
		       "latency.movable.p99_ns\tzone_cma\t3\t1200\t22\t20\t-11.13404429\t4\t"
		       "0.0003702863797\t**\n");
	/* selections need a sweep directory; missing directories are EX_NOINPUT_ */
	CHECK_EQ(runset_add(&rs, "/nonexistent/dir", &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
	snprintf(a, sizeof(a), "%s/tests/data/runs/zone_cma:mode=x", tl_srcdir());
	CHECK_EQ(runset_add(&rs, a, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	CHECK_EQ(rs.nr_groups, 2);
	runset_free(&rs);
}

/* Write DIR/summary.json with counters NAME0..NAME<n-1> = 1..n (and C0.. when c_too). */
static void write_many(const char *dir, const char *name, unsigned n, bool c_too)
{
	char path[4300];
	snprintf(path, sizeof(path), "mkdir -p '%s'", dir);
	CHECK_EQ(system(path), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fprintf(fp, "{\"elapsed_ns\": 1, \"counters\": {");
	for (unsigned i = 0; i < n; i++)
		fprintf(fp, "%s\"%s%u\": %u", i ? ", " : "", name, i, i + 1);
	for (unsigned i = 0; c_too && i < n / 2; i++)
		fprintf(fp, ", \"c%u\": %u", i, 2 * (i + 1));
	fprintf(fp, "}}\n");
	fclose(fp);
}

/* 20000 metrics per run: lookups are hashed, and the table's union (base's metrics in its
 * order, then the 10000 only the other has) is right.  A: c0..c19999 = i + 1;
 * B: d0..d19999 = i + 1 and c0..c9999 = 2(i + 1). */
static void test_many_metrics(void)
{
	char a[4200], b[4200];
	snprintf(a, sizeof(a), "%s/many/A", tl_tmpdir());
	snprintf(b, sizeof(b), "%s/many/B", tl_tmpdir());
	write_many(a, "c", 20000, false);
	write_many(b, "d", 20000, true);
	struct runset rs = { 0 };
	struct sim_error err = { 0 };
	CHECK_EQ(runset_add(&rs, a, &err), 0);
	CHECK_EQ(runset_add(&rs, b, &err), 0);
	if (rs.nr_groups != 2) {
		CHECK_EQ(rs.nr_groups, 2);
		runset_free(&rs);
		return;
	}
	CHECK_EQ(rs.groups[0].nr_metrics, 20001); /* + elapsed_ns */
	CHECK_EQ(rs.groups[1].nr_metrics, 30001);
	/* the index invariant (runset.h): a table at most half full, every metric in it */
	for (size_t g = 0; g < 2; g++) {
		const struct runset_group *gr = &rs.groups[g];
		size_t live = 0;
		for (size_t i = 0; i < gr->metric_hash_cap; i++)
			live += gr->metric_hash[i] != 0;
		CHECK(gr->metric_hash_cap >= 2 * gr->nr_metrics);
		CHECK_EQ(live, gr->nr_metrics);
	}
	long m = runset_metric_index(&rs.groups[0], "counters.c12345");
	CHECK(m >= 0 && rs.groups[0].nr_values[m] == 1 && rs.groups[0].metric_values[m][0] == 12346);
	m = runset_metric_index(&rs.groups[1], "counters.c9999");
	CHECK(m >= 0 && rs.groups[1].metric_values[m][0] == 20000);
	m = runset_metric_index(&rs.groups[1], "counters.d19999");
	CHECK(m >= 0 && rs.groups[1].metric_values[m][0] == 20000);
	CHECK_EQ(runset_metric_index(&rs.groups[1], "counters.c10000"), -1);
	CHECK_EQ(runset_metric_index(&rs.groups[0], "counters.d0"), -1);
	CHECK_EQ(runset_metric_index(&rs.groups[0], "counters.c"), -1);
	const char **names = NULL;
	struct compare_control cc = { .rs = &rs, .base = 0, .format = COMPARE_TSV };
	size_t n = compare_metrics(&cc, &names);
	CHECK_EQ(n, 40001);
	if (n == 40001) {
		CHECK_STR(names[0], "counters.c0");
		CHECK_STR(names[19999], "counters.c19999");
		CHECK_STR(names[20000], "elapsed_ns");
		CHECK_STR(names[20001], "counters.d0");
		CHECK_STR(names[40000], "counters.d19999");
	}
	free(names);
	/* B as base: its order first, then A's c10000.. */
	cc.base = 1;
	n = compare_metrics(&cc, &names);
	CHECK_EQ(n, 40001);
	if (n == 40001) {
		CHECK_STR(names[0], "counters.d0");
		CHECK_STR(names[20000], "counters.c0");
		CHECK_STR(names[30001], "counters.c10000");
	}
	free(names);
	runset_free(&rs);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_summary);
	RUN(test_welch);
	RUN(test_pct);
	RUN(test_json);
	RUN(test_runset_compare);
	RUN(test_many_metrics);
	return TEST_END();
}
