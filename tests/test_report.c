/* The report builder called as a library (report/report.c) on the fixture runs in
 * tests/data/runs/ (make-fixtures.py: migrate_cma and zone_cma, 3 repeats each; the p99
 * movable latency is 1000 +- 22 ns against 1200 ns, a +20% difference significant at 1%;
 * atomic requests fail 3, 5, 7 times under migrate_cma, and zone_cma's third repeat, seed
 * 102, has one OOM kill that took 4 movable requests and 37 records with it).
 * Without gnuplot the pages keep every section and reference no figure; with gnuplot
 * (when installed) every figure kind is rendered. */
#include "report/report.h"

#include "stats/runset.h"

#include "testlib.h"

#include <sys/stat.h>
#include <unistd.h>

static char work[256];

static char *slurp(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return runset_read_file(path, NULL, NULL);
}

static bool exists(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static bool has(const char *text, const char *want)
{
	if (text && strstr(text, want))
		return true;
	fprintf(stderr, "  missing: %s\n", want);
	return false;
}

static void fixture_inputs(char in[2][512])
{
	snprintf(in[0], 512, "%s/tests/data/runs/migrate_cma", tl_srcdir());
	snprintf(in[1], 512, "%s/tests/data/runs/zone_cma", tl_srcdir());
}

static void test_sections_without_gnuplot(void)
{
	char in[2][512], out[512];
	fixture_inputs(in);
	const char *inputs[] = { in[0], in[1] };
	snprintf(out, sizeof(out), "%s/nognuplot", work);
	struct report_control rc = { .inputs = inputs, .nr_inputs = 2, .out = out, .max_series = 6,
				     .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	CHECK(!rc.have_figures);
	CHECK_EQ(rc.nr_figs, 0);
	CHECK_EQ(rc.nr_failed_figs, 0);
	char *html = slurp(out, "index.html"), *md = slurp(out, "report.md");
	CHECK(has(html, "<!DOCTYPE html>"));
	CHECK(has(html, "2 group(s); the first is the base"));
	CHECK(has(html, "gnuplot was not found: figures are omitted."));
	CHECK(has(html, "<h2>Inputs</h2>"));
	CHECK(has(html, "<tr><td>0 (base)</td>"));
	CHECK(has(html, "<h2>Comparison against the base</h2>"));
	CHECK(has(html, "<table class=\"cmp\">"));
	CHECK(has(html, "latency.movable.p99_ns</td><td>1000.00 ± 22.00</td><td>1200.00</td>"
			"<td class=\"sig\">+20.00% **</td>"));
	CHECK(has(html, "<h2>Comparison of means (95% confidence intervals)</h2>"));
	CHECK(has(html, "<h2>Allocation latency CDFs</h2>"));
	CHECK(has(html, "<h2>CMA utilisation</h2>"));
	CHECK(has(html, "<h2>Free memory, watermarks and buddyinfo over time</h2>"));
	CHECK(has(html, " (first repeat)</h3>"));
	CHECK(html && !strstr(html, "<img"));
	CHECK(has(html, "</body>\n</html>\n"));
	CHECK(has(md, "# mmsim report\n"));
	CHECK(has(md, "## Inputs\n"));
	CHECK(has(md, "| `latency.movable.p99_ns` | 1000.00 ± 22.00 | 1200.00 | +20.00% \\*\\* |"));
	CHECK(md && !strstr(md, "!["));
	/* the data behind the bar charts is written even without gnuplot */
	CHECK(exists(out, "data/bars-0.dat"));
	free(html);
	free(md);
}

/* The outcome table: per class any group asked for (movable, atomic; never unmovable),
 * one row per group, medians over the 3 repeats with [min–max] where they differ:
 *   migrate_cma atomic: failed 3, 5, 7 -> 5 [3–7], satisfied 497, 495, 493 -> 495 [493–497]
 *   zone_cma movable:   killed 0, 0, 4 -> 0 [0–4], unfinished 0 [0–1], satisfied 995..1000
 * then the OOM kills: the one victim of seed 102 at 1.5 s. */
static void test_outcome_table(void)
{
	char in[2][512], out[512];
	fixture_inputs(in);
	const char *inputs[] = { in[0], in[1] };
	snprintf(out, sizeof(out), "%s/outcomes", work);
	struct report_control rc = { .inputs = inputs, .nr_inputs = 2, .out = out,
				     .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	char *html = slurp(out, "index.html"), *md = slurp(out, "report.md");
	CHECK(has(md, "## Allocation outcomes\n"));
	CHECK(has(md, "| class | group | requests | satisfied | failed | failed by reason | OOM-killed "
		      "| unfinished |\n|---|---|---:|---:|---:|---|---:|---:|\n"
		      "| movable | migrate_cma | 1000 | 1000 | 0 | – | 0 | 0 |\n"
		      "| movable | zone_cma | 1000 | 1000 [995–1000] | 0 | – | 0 [0–4] | 0 [0–1] |\n"
		      "| atomic | migrate_cma | 500 | 495 [493–497] | 5 [3–7] | fail_nowait 5 [3–7] | 0 | 0 |\n"
		      "| atomic | zone_cma | 500 | 500 | 0 | – | 0 | 0 |\n\n"));
	CHECK(md && !strstr(md, "| unmovable |"));
	CHECK(has(md, "### OOM kills\n"));
	CHECK(has(md, "| migrate_cma | 0 | 0 | none |\n"));
	CHECK(has(md, "| zone_cma | 0 [0–1] | 0 [0–37] | seed 102: task 9 at 1.500000 s (812 points, "
		      "2048 pages freed, for task 4) |\n"));
	CHECK(has(html, "<h2>Allocation outcomes</h2>"));
	CHECK(has(html, "<tr><td>atomic</td><td>migrate_cma</td><td>500</td><td>495 [493–497]</td>"
			"<td>5 [3–7]</td><td>fail_nowait 5 [3–7]</td><td>0</td><td>0</td></tr>"));
	/* nested objects are metrics by their dotted path, in the comparison too; a share
	 * keeps three significant digits: mean of 0.002251126, 0.0025, 0.002748626 */
	CHECK(has(md, "| `alloc_outcome.atomic.failed` | 5.00 ± 2.00 | 0.00 |"));
	CHECK(has(md, "| `alloc_outcome.movable.killed` | 0.00 ± 0.00 | 1.33 |"));
	CHECK(has(md, "| `daemons.kswapd_cpu_share` | 0.0025 ± 0.000249 |"));
	CHECK(has(md, "| `records_skipped_killed` | 0.00 ± 0.00 | 12.33 |"));
	free(html);
	free(md);

	/* --metric by a nested path draws its bars; a wrong leaf is refused with its siblings */
	const char *metrics[] = { "alloc_outcome.atomic.fail_nowait" };
	snprintf(out, sizeof(out), "%s/outcome-metric", work);
	rc = (struct report_control){ .inputs = inputs, .nr_inputs = 2, .out = out, .metrics = metrics,
				      .nr_metrics = 1, .gnuplot = "/nonexistent/gnuplot" };
	CHECK_EQ(report_build(&rc, &err), 0);
	char *bars = slurp(out, "data/bars-0.dat");
	CHECK(has(bars, "migrate_cma"));
	free(bars);
	const char *typo[] = { "alloc_outcome.atomic.fail_no" };
	snprintf(out, sizeof(out), "%s/outcome-typo", work);
	rc.metrics = typo;
	rc.out = out;
	memset(&err, 0, sizeof(err));
	CHECK_EQ(report_build(&rc, &err), -1);
	CHECK(strstr(err.msg, "close names: alloc_outcome.atomic.fail_nowait, alloc_outcome.atomic.fail_noretry")
	      != NULL);
}

static void test_single_group_summary(void)
{
	char in[2][512], out[512];
	fixture_inputs(in);
	const char *inputs[] = { in[1] };
	const char *metrics[] = { "latency.movable.p99_ns" };
	snprintf(out, sizeof(out), "%s/single", work);
	struct report_control rc = { .inputs = inputs, .nr_inputs = 1, .out = out, .metrics = metrics,
				     .nr_metrics = 1, .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	char *html = slurp(out, "index.html");
	/* one group: a summary table instead of a comparison, and no time series (max 0) */
	CHECK(has(html, "<h2>Summary</h2>"));
	CHECK(html && !strstr(html, "<h2>Comparison against the base</h2>"));
	CHECK(html && !strstr(html, " (first repeat)</h3>"));
	CHECK(has(html, "<h2>Allocation outcomes</h2>"));
	CHECK(exists(out, "data/bars-0.dat"));
	CHECK(!exists(out, "data/bars-1.dat"));
	free(html);
}

static void test_errors(void)
{
	char out[512];
	struct sim_error err = { 0 };
	snprintf(out, sizeof(out), "%s/err", work);
	struct report_control none = { .out = out, .gnuplot = "/nonexistent/gnuplot" };
	CHECK_EQ(report_build(&none, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	const char *missing[] = { "/nonexistent/run" };
	struct report_control rc = { .inputs = missing, .nr_inputs = 1, .out = out,
				     .gnuplot = "/nonexistent/gnuplot" };
	memset(&err, 0, sizeof(err));
	CHECK_EQ(report_build(&rc, &err), -1);
	CHECK(err.code != 0);
	CHECK(strstr(err.msg, "/nonexistent/run") != NULL);
	CHECK(!exists(out, "index.html"));
}

/* An unknown --metric is refused (64) naming it and the names sharing its longest prefix. */
static void test_unknown_metric(void)
{
	char in[2][512], out[512];
	fixture_inputs(in);
	const char *inputs[] = { in[0], in[1] };
	snprintf(out, sizeof(out), "%s/unknown-metric", work);
	const char *typo[] = { "latency.movable.p99_ns", "latency.movable.p9" };
	struct report_control rc = { .inputs = inputs, .nr_inputs = 2, .out = out, .metrics = typo,
				     .nr_metrics = 2, .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	CHECK(strstr(err.msg, "'latency.movable.p9'") != NULL);
	/* every name sharing the longest prefix "latency.movable.p9", in first-seen order */
	CHECK(strstr(err.msg, "close names: latency.movable.p90_ns, latency.movable.p99_ns") != NULL);
	CHECK(!exists(out, "index.html"));
	const char *bogus[] = { "zzz" };
	rc.metrics = bogus;
	rc.nr_metrics = 1;
	memset(&err, 0, sizeof(err));
	CHECK_EQ(report_build(&rc, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	CHECK(strstr(err.msg, "'zzz' is in no run") != NULL);
	CHECK(!exists(out, "index.html"));
}

static void test_figures(void)
{
	char in[2][512], out[512], plots[512];
	fixture_inputs(in);
	const char *inputs[] = { in[0], in[1] };
	snprintf(out, sizeof(out), "%s/fig", work);
	snprintf(plots, sizeof(plots), "%s/plots", tl_srcdir());
	struct report_control rc = { .inputs = inputs, .nr_inputs = 2, .out = out, .max_series = 1,
				     .plots_dir = plots };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	if (!rc.have_figures) {
		printf("gnuplot not installed: figures not checked\n");
		return;
	}
	CHECK(rc.nr_figs > 0);
	CHECK_EQ(rc.nr_failed_figs, 0);
	char *html = slurp(out, "index.html");
	CHECK(has(html, "<img src=\"fig/bars-0.png\""));
	CHECK(has(html, "<img src=\"fig/latency-cdf-movable.png\""));
	CHECK(has(html, "<img src=\"fig/cma-used.png\""));
	CHECK(has(html, "<img src=\"fig/g0-Normal-buddyinfo.png\""));
	CHECK(has(html, "<img src=\"fig/g0-Normal-watermarks.png\""));
	/* max_series 1: the second group has no time-series figures */
	CHECK(html && !strstr(html, "fig/g1-"));
	CHECK(exists(out, "fig/bars-0.png"));
	CHECK(exists(out, "fig/bars-0.svg"));
	free(html);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	snprintf(work, sizeof(work), "%s/mmsim-report.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(work)) {
		perror(work);
		return 1;
	}
	RUN(test_sections_without_gnuplot);
	RUN(test_outcome_table);
	RUN(test_single_group_summary);
	RUN(test_errors);
	RUN(test_unknown_metric);
	RUN(test_figures);
	runset_rm_rf(work);
	return TEST_END();
}
