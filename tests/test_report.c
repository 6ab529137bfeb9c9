/* The report builder called as a library (report/report.c) on the fixture runs in
 * tests/data/runs/ (make-fixtures.py: migrate_cma and zone_cma, 3 repeats each; the p99
 * movable latency is 1000 +- 22 ns against 1200 ns, a +20% difference significant at 1%;
 * atomic requests fail 3, 5, 7 times under migrate_cma, and zone_cma's third repeat, seed
 * 102, has one OOM kill that took 4 movable requests and 37 records with it; its second,
 * seed 101, ended with 210 records of a blocked task never issued).
 * Without gnuplot the pages keep every section and reference no figure; with gnuplot
 * (when installed) every figure kind is rendered. */
#include "report/report.h"
#include "report/report_int.h"

#include "stats/runset.h"

#include <math.h>
#include <stdio.h>

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
	CHECK(has(html, "2 group(s)."));
	CHECK(has(html, "gnuplot was not found: figures are omitted."));
	/* the question and the headline first, everything else after */
	const char *q = html ? strstr(html, "<h2>Question</h2>") : NULL;
	const char *h = html ? strstr(html, "<table class=\"headline\" id=\"headline\">") : NULL;
	const char *o = html ? strstr(html, "<h2>Allocation outcomes</h2>") : NULL;
	const char *all = html ? strstr(html, "<details id=\"all-counters\">") : NULL;
	CHECK(q && h && o && all && q < h && h < o && o < all);
	CHECK(has(html, "The plan asks no question"));
	/* the fixtures share seeds 100-102: paired by seed.  p99 movable: 978, 1000, 1022 ns
	 * against 1178, 1200, 1222 ns -> median 1 µs, +0.2 µs (+20.0%), the same +200 ns in
	 * every pair: deterministic, so no test, and the cell says why */
	CHECK(has(html, "<th>latency.movable.p99_ns (µs)</th>"));
	CHECK(has(html, "<td><b>1.2 µs</b><br><small>95% CI [1.145 µs, 1.255 µs]</small><br><span class=\"chg\">+0.2 µs "
			"(+20.0%); paired Δ 95% CI [0.2 µs, 0.2 µs]</span><br><small>no test: every pair differs "
			"by the same amount</small></td>"));
	/* elapsed is lower-is-better by default: +20% in every seed is worse */
	CHECK(has(html, "<th>elapsed_ns (s)<br><small>lower is better</small></th>"));
	CHECK(has(html, "<td class=\"worse\"><b>2.4 s</b>"));
	/* allocation outcomes in the headline: failures 3, 5, 7 and OOM kills 0, 0, 1 */
	CHECK(has(html, "<th>failed allocations</th><th>OOM kills</th></tr>"));
	CHECK(has(html, "<td>5 [3–7]</td><td>0</td></tr>"));
	CHECK(has(html, "<td>0</td><td>0 [0–1]</td></tr>"));
	CHECK(has(html, "<details><summary>Per-seed values</summary>"));
	CHECK(has(html, "<tr><td>zone_cma</td><td>102</td><td>2.401 s</td><td>1.222 µs</td>"));
	/* metrics that never vary are listed once, not tabulated */
	CHECK(has(html, "<li><code>latency.movable.count</code> = 1000</li>"));
	CHECK(html && !strstr(html, "<td>latency.movable.count</td>"));
	CHECK(has(html, "<h2>Inputs</h2>"));
	CHECK(has(html, "<tr><td>1</td><td>zone_cma</td><td>3</td><td>0, paired by seed</td>"));
	CHECK(has(html, "<h2>Headline metrics per seed</h2>"));
	CHECK(has(html, "<h2>Allocation latency CDFs</h2>"));
	CHECK(has(html, "<h2>CMA utilisation</h2>"));
	CHECK(has(html, "<h2>Free memory, watermarks and buddyinfo over time</h2>"));
	CHECK(has(html, "zone_cma (3 seeds)</h3>"));
	CHECK(html && !strstr(html, "<img"));
	CHECK(has(html, "</body>\n</html>\n"));
	CHECK(has(md, "# mmsim report\n"));
	CHECK(has(md, "## Inputs\n"));
	CHECK(has(md, "| zone_cma | migrate_cma | 3 | 2.4 s [2.398 s, 2.402 s]; +0.4 s (+20.0%); paired Δ "
		      "95% CI [0.4 s, 0.4 s]; no test: every pair differs by the same amount (worse) |"));
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
	/* 3, 5, 7 against 0, 0, 0: Welch's t = 5 / (2/√3) = 4.33, df = 2, p = 0.049 */
	CHECK(has(md, "| `alloc_outcome.atomic.failed` | 5 | 0 (-100.0%) * |"));
	CHECK(has(md, "| `alloc_outcome.movable.killed` | 0 | 0 (+0.0%) |"));
	CHECK(has(md, "| `daemons.kswapd_cpu_share` | 0.0025 |"));
	CHECK(has(md, "| `records_skipped_killed` | 0 | 0 (+0.0%) |"));
	/* zone_cma's seed 101 ended with 210 records unissued: flagged under the table, and
	 * only for that group */
	CHECK(has(md, "**zone_cma: 1 of 3 runs ended with records never issued** (a task still blocked; "
		      "median 0 [0–210]): their figures cover part of the workload.\n"));
	CHECK(has(html, "<p class=\"warn\">zone_cma: 1 of 3 runs ended with records never issued"));
	CHECK(md && !strstr(md, "migrate_cma: 1 of 3 runs ended") && !strstr(md, "migrate_cma: 0 of"));
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
	/* one group: its own base, no comparison, and no time series (max 0) */
	CHECK(has(html, "<tr><td title=\"zone_cma\">zone_cma</td><td>base</td><td>3</td><td><b>1.2 µs</b>"));
	CHECK(html && !strstr(html, "no test"));
	CHECK(html && !strstr(html, " seeds)</h3>"));
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

/* runset_paired_stats on hand-worked pairs.
 *   a = 10 20 30 40, b = 12 23 31 45: d = 2 3 1 5, mean 2.75, sd √(8.75/3) = 1.7078,
 *   t = 2.75 / (1.7078 / 2) = 3.2205, df 3: p = 2 (1 - F3(t)) with the closed form
 *   F3(t) = 1/2 + (x/(1+x²) + atan x)/π, x = t/√3: p = 0.04857.  Wilcoxon: every d > 0, so
 *   W+ is the largest of 2^4 equally likely sums: two-sided p = 2/16 = 0.125.
 *   CI: t_{0.975,3} = 3.1824 -> 2.75 ± 3.1824 · 0.8539 = [0.0325, 5.4675].
 *   Ties: d = 1 -1 2, |d| ranks 1.5 1.5 3, W+ = 4.5 of 6, centre 3: sums at least 1.5 from
 *   the centre are 0, 1.5, 1.5, 4.5, 4.5, 6: p = 6/8 = 0.75. */
static void test_paired_stats(void)
{
	const double a[] = { 10, 20, 30, 40 }, b[] = { 12, 23, 31, 45 };
	struct runset_paired ps;
	runset_paired_stats(a, b, 4, &ps);
	CHECK(ps.why == NULL);
	CHECK(fabs(ps.mean - 2.75) < 1e-12);
	CHECK(fabs(ps.median - 2.5) < 1e-12);
	CHECK(fabs(ps.t_p - 0.048567) < 1e-5);
	CHECK(fabs(ps.wilcoxon_p - 0.125) < 1e-12);
	CHECK(fabs(ps.ci_lo - 0.0325) < 1e-3 && fabs(ps.ci_hi - 5.4675) < 1e-3);
	const double c[] = { 5, 5, 5 }, d[] = { 6, 4, 7 };
	runset_paired_stats(c, d, 3, &ps);
	CHECK(fabs(ps.wilcoxon_p - 0.75) < 1e-12);
	/* no test: too few pairs, identical pairs, a constant shift */
	runset_paired_stats(a, b, 2, &ps);
	CHECK(isnan(ps.t_p) && isnan(ps.wilcoxon_p) && !strcmp(ps.why, "fewer than 3 pairs"));
	runset_paired_stats(a, a, 4, &ps);
	CHECK(isnan(ps.t_p) && !strcmp(ps.why, "identical in every pair"));
	const double shifted[] = { 11, 21, 31, 41 };
	runset_paired_stats(a, shifted, 4, &ps);
	CHECK(isnan(ps.t_p) && !strcmp(ps.why, "every pair differs by the same amount"));
	CHECK(ps.mean == 1 && ps.ci_lo == 1 && ps.ci_hi == 1);
}

/* Display units: the largest magnitude picks the unit. */
static void test_units(void)
{
	struct report_unit u;
	char buf[64];
	report_unit_pick("ns", 6.0e9, &u);
	report_fmt_unit(buf, sizeof(buf), 6007506928.67, &u);
	CHECK_STR(buf, "6.008 s");
	report_unit_pick("ns", 2.5e6, &u);
	CHECK_STR(u.label, "ms");
	report_unit_pick("ns", 254, &u);
	report_fmt_unit(buf, sizeof(buf), 254, &u);
	CHECK_STR(buf, "254 ns");
	/* 131072 pages of 4 KiB = 512 MiB */
	report_unit_pick("pages", 131072, &u);
	report_fmt_unit(buf, sizeof(buf), 131072, &u);
	CHECK_STR(buf, "512 MiB");
	report_unit_pick("bytes", 3.0 * 1024 * 1024 * 1024, &u);
	CHECK_STR(u.label, "GiB");
	report_unit_pick("share", 0.5, &u);
	report_fmt_unit(buf, sizeof(buf), 0.0025, &u);
	CHECK_STR(buf, "0.25%");
	report_unit_pick("count", 21363.33, &u);
	report_fmt_unit(buf, sizeof(buf), 21363.33, &u);
	CHECK_STR(buf, "21363");
	CHECK_STR(report_unit_guess("latency.movable.p99_ns"), "ns");
	CHECK_STR(report_unit_guess("counters.nr_free_pages"), "pages");
	CHECK_STR(report_unit_guess("daemons.kswapd_cpu_share"), "share");
	CHECK_STR(report_unit_guess("counters.pswpout"), "count");
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* A sweep directory of the fixture runs as two points of policy.cma.mode; SWAP puts
 * zone_cma's runs under the migrate_cma point too (a "regression" of +20%). */
static void make_sweep(const char *dir, const char *plan, bool swap)
{
	char in[2][512], path[1024];
	fixture_inputs(in);
	struct sim_error err = { 0 };
	snprintf(path, sizeof(path), "%s/runs", dir);
	CHECK_EQ(runset_mkdir_p(path, &err), 0);
	snprintf(path, sizeof(path), "%s/runs/policy.cma.mode=migrate_cma", dir);
	CHECK_EQ(runset_copy_tree(in[swap ? 1 : 0], path, &err), 0);
	snprintf(path, sizeof(path), "%s/runs/policy.cma.mode=zone_cma", dir);
	CHECK_EQ(runset_copy_tree(in[1], path, &err), 0);
	put(dir, "plan.yaml", plan);
	put(dir, "points.tsv", "# unit\tpoint\trepeat\tseed\tsets...\n"
		"0\tpolicy.cma.mode=migrate_cma\t0\t100\tpolicy.cma.mode=migrate_cma\n"
		"1\tpolicy.cma.mode=migrate_cma\t1\t101\tpolicy.cma.mode=migrate_cma\n"
		"2\tpolicy.cma.mode=migrate_cma\t2\t102\tpolicy.cma.mode=migrate_cma\n"
		"3\tpolicy.cma.mode=zone_cma\t0\t100\tpolicy.cma.mode=zone_cma\n"
		"4\tpolicy.cma.mode=zone_cma\t1\t101\tpolicy.cma.mode=zone_cma\n"
		"5\tpolicy.cma.mode=zone_cma\t2\t102\tpolicy.cma.mode=zone_cma\n");
}

static const char report_plan[] =
	"base: b.yaml\nmatrix: {policy.cma.mode: [zone_cma, migrate_cma]}\nrepeat: 3\n"
	"seeds: common\nquestion: Does zone_cma keep up with migrate_cma?\n"
	"baseline: mode=migrate_cma\n"
	"headline:\n"
	"  - {metric: elapsed_ns, unit: ns, better: lower, label: elapsed}\n"
	"  - {metric: counters.compact_stall, better: lower}\n"
	"published:\n"
	"  - {metric: elapsed_ns, group: mode=zone_cma, ratio: 1.011, source: ZONE_CMA v2}\n"
	"  - {metric: elapsed_ns, group: mode=migrate_cma, value: 92.4, unit: s, source: paper}\n";

/* A plan's question, headline, baseline and published figures reach the page.
 *   elapsed medians: migrate_cma 2.000 s, zone_cma 2.400 s -> ratio 1.2, / 1.011 = 1.19;
 *   migrate_cma 2 s against the published 92.4 s -> 0.02. */
static void test_plan_keys(void)
{
	char dir[512], out[512];
	snprintf(dir, sizeof(dir), "%s/sweep", work);
	make_sweep(dir, report_plan, false);
	snprintf(out, sizeof(out), "%s/plan-report", work);
	const char *inputs[] = { dir };
	struct report_control rc = { .inputs = inputs, .nr_inputs = 1, .out = out, .max_series = 0,
				     .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	char *html = slurp(out, "index.html"), *md = slurp(out, "report.md");
	CHECK(has(html, "<p class=\"question\">Does zone_cma keep up with migrate_cma?</p>"));
	CHECK(has(md, "> Does zone_cma keep up with migrate_cma?\n"));
	/* the plan's order of points, the baseline from the plan, its labels and units */
	CHECK(has(html, "<th>elapsed (s)<br><small>lower is better</small></th><th>counters.compact_stall"
			"<br><small>lower is better</small></th><th>failed allocations</th>"));
	CHECK(has(html, "<tr><td title=\"policy.cma.mode=zone_cma\">zone_cma</td><td>migrate_cma</td>"));
	CHECK(has(html, "<tr><td title=\"policy.cma.mode=migrate_cma\">migrate_cma</td><td>base</td>"));
	CHECK(has(html, "<h2>Published vs measured</h2>"));
	CHECK(has(md, "| elapsed_ns (ratio to migrate_cma) | zone_cma | 1.011× | 1.2× | 1.19 | ZONE_CMA v2 |"));
	CHECK(has(md, "| elapsed_ns | migrate_cma | 92.4 s | 2 s | 0.02 | paper |"));
	/* the only headline metrics are the plan's; compact_stall is not in "all counters" */
	CHECK(html && !strstr(html, "<td>counters.compact_stall</td>"));
	free(html);
	free(md);
}

/* --compare OLD NEW: unchanged points say so; a point whose runs got 20% slower in every
 * seed moved (worse: lower is better), from pairs that all differ by the same amount. */
static void test_compare(void)
{
	char old[512], new[512], out[512];
	snprintf(old, sizeof(old), "%s/old", work);
	snprintf(new, sizeof(new), "%s/new", work);
	make_sweep(old, report_plan, false);
	make_sweep(new, report_plan, true);
	snprintf(out, sizeof(out), "%s/regress", work);
	struct report_control rc = { .compare_old = old, .compare_new = new, .out = out,
				     .gnuplot = "/nonexistent/gnuplot" };
	struct sim_error err = { 0 };
	CHECK_EQ(report_build(&rc, &err), 0);
	char *md = slurp(out, "report.md");
	CHECK(has(md, "# mmsim regression report\n"));
	CHECK(has(md, "| elapsed | zone_cma | 2.4 s | 2.4 s | +0.00% | paired, 3 seeds: identical | unchanged |"));
	CHECK(has(md, "| elapsed | migrate_cma | 2 s | 2.4 s | +20.00% | paired, n=3: every pair differs by "
		      "the same amount | moved: worse |"));
	CHECK(has(md, "**2 of 4** headline figures moved beyond their noise."));
	/* the headline table compares each new group with its old one */
	CHECK(has(md, "| zone_cma,new | zone_cma,old | 3 |"));
	free(md);
	/* not sweep directories: refused */
	char in[2][512];
	fixture_inputs(in);
	rc = (struct report_control){ .compare_old = in[0], .compare_new = new, .out = out,
				      .gnuplot = "/nonexistent/gnuplot" };
	CHECK_EQ(report_build(&rc, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
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
	RUN(test_paired_stats);
	RUN(test_units);
	RUN(test_plan_keys);
	RUN(test_compare);
	runset_rm_rf(work);
	return TEST_END();
}
