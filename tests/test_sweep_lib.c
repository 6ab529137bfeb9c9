/* The sweep runner called as a library (sweep/sweep.c): a 2-point plan on a small trace
 * into a temporary directory, run by the real `mmsim run` ($MMSIM; skipped without it),
 * then resumed; the default directory and the Slurm shard.  Expected values by hand:
 * the plan below expands to 2 points x 1 repeat, in matrix order. */
#include "sweep/sweep.h"

#include "stats/runset.h"

#include "testlib.h"

#include <sys/stat.h>
#include <unistd.h>

static char work[256];
static const char *mmsim;

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
	return stat(path, &st) == 0;
}

static unsigned count_lines(const char *s, const char *prefix)
{
	unsigned n = 0;
	for (const char *p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

/* plan.yaml in work/: the default config on traces/example.mmt.txt, two Normal sizes. */
static void write_plan(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/plan.yaml", work);
	FILE *fp = fopen(path, "w");
	fprintf(fp,
		"base: %s/configs/default.yaml\n"
		"set:\n"
		"  workload.generator: \"\"\n"
		"  workload.trace: %s/traces/example.mmt.txt\n"
		"matrix:\n"
		"  machine.zones.normal: [256MiB, 512MiB]\n"
		"seed: 5\n",
		tl_srcdir(), tl_srcdir());
	fclose(fp);
}

static void test_two_points(void)
{
	char plan[512], dir[512];
	snprintf(plan, sizeof(plan), "%s/plan.yaml", work);
	snprintf(dir, sizeof(dir), "%s/out", work);
	struct sweep_control sc = { .plan_path = plan, .dir = dir, .jobs = 2, .run_cmd = mmsim,
				    .preflight = true };
	struct sim_error err = { 0 };
	CHECK_EQ(sweep_run(&sc, &err), 0);
	if (err.msg[0])
		fprintf(stderr, "  %s\n", err.msg);
	CHECK_STR(sc.dir_used, dir);
	CHECK_EQ(sc.nr_done, 2);
	CHECK_EQ(sc.nr_skipped, 0);
	CHECK_EQ(sc.nr_failed, 0);
	CHECK_EQ(sc.first_fail_code, 0);
	CHECK(exists(dir, "runs/machine.zones.normal=256MiB/r0/summary.json"));
	CHECK(exists(dir, "runs/machine.zones.normal=512MiB/r0/summary.json"));
	CHECK(exists(dir, "runs/machine.zones.normal=256MiB/r0/buddyinfo"));
	CHECK(!exists(dir, "runs/machine.zones.normal=256MiB/r1"));
	char *copy = slurp(dir, "plan.yaml"), *orig = slurp(work, "plan.yaml");
	CHECK_STR(copy, orig);
	free(copy);
	free(orig);
	/* points.tsv: header + one line per unit, "unit point repeat seed sets" */
	char *points = slurp(dir, "points.tsv");
	CHECK_EQ(count_lines(points, "# unit\t"), 1);
	CHECK_EQ(count_lines(points, "0\tmachine.zones.normal=256MiB\t0\t"), 1);
	CHECK_EQ(count_lines(points, "1\tmachine.zones.normal=512MiB\t0\t"), 1);
	free(points);
	/* results.tsv: a header and, per point, its metrics from one run each (n = 1) */
	char *res = slurp(dir, "results.tsv");
	CHECK(res && !strncmp(res, "point\tmetric\tn\tmean", 19));
	CHECK_EQ(count_lines(res, "machine.zones.normal=256MiB\telapsed_ns\t1\t"), 1);
	CHECK_EQ(count_lines(res, "machine.zones.normal=512MiB\telapsed_ns\t1\t"), 1);
	free(res);
	/* the 512 MiB Normal zone shows in the run's own summary */
	char *sum = slurp(dir, "runs/machine.zones.normal=512MiB/r0/summary.json");
	CHECK(sum && strstr(sum, "\"seed\"") != NULL);
	free(sum);

	/* the same sweep again: both units are finished, nothing runs */
	struct sweep_control again = { .plan_path = plan, .dir = dir, .jobs = 1, .run_cmd = mmsim,
				       .preflight = true };
	CHECK_EQ(sweep_run(&again, &err), 0);
	CHECK_EQ(again.nr_done, 0);
	CHECK_EQ(again.nr_skipped, 2);
	CHECK_EQ(again.nr_failed, 0);

	/* shard 2/2 of a fresh directory runs unit 1 only */
	snprintf(dir, sizeof(dir), "%s/shard2", work);
	struct sweep_control sh = { .plan_path = plan, .dir = dir, .jobs = 1, .shard_i = 2, .shard_n = 2,
				    .run_cmd = mmsim, .preflight = true };
	CHECK_EQ(sweep_run(&sh, &err), 0);
	CHECK_EQ(sh.nr_done, 1);
	CHECK(!exists(dir, "runs/machine.zones.normal=256MiB/r0"));
	CHECK(exists(dir, "runs/machine.zones.normal=512MiB/r0/summary.json"));
}

static void test_bad_point(void)
{
	/* an invalid value fails its point before anything runs; the other point runs */
	char plan[512], dir[512];
	snprintf(plan, sizeof(plan), "%s/bad.yaml", work);
	snprintf(dir, sizeof(dir), "%s/bad", work);
	FILE *fp = fopen(plan, "w");
	fprintf(fp,
		"base: %s/configs/default.yaml\n"
		"set: {workload.generator: \"\", workload.trace: %s/traces/example.mmt.txt}\n"
		"matrix:\n"
		"  policy.cma.mode: [none, bogus]\n",
		tl_srcdir(), tl_srcdir());
	fclose(fp);
	struct sweep_control sc = { .plan_path = plan, .dir = dir, .jobs = 1, .run_cmd = mmsim,
				    .preflight = true };
	struct sim_error err = { 0 };
	CHECK_EQ(sweep_run(&sc, &err), 0);
	CHECK_EQ(sc.nr_done, 1);
	CHECK_EQ(sc.nr_failed, 1);
	CHECK_EQ(sc.first_fail_code, EX_CONFIG_);
	CHECK(exists(dir, "failed/policy.cma.mode=bogus.r0.log"));
	CHECK(exists(dir, "runs/policy.cma.mode=none/r0/summary.json"));
}

static void test_errors(void)
{
	char plan[512], dir[512];
	struct sim_error err = { 0 };
	snprintf(dir, sizeof(dir), "%s/none", work);
	struct sweep_control sc = { .plan_path = "/nonexistent/plan.yaml", .dir = dir, .jobs = 1,
				    .run_cmd = mmsim, .preflight = true };
	CHECK_EQ(sweep_run(&sc, &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
	CHECK(!exists(dir, ""));
	/* a shard beyond the count and a missing program are the caller's mistakes */
	snprintf(plan, sizeof(plan), "%s/bad.yaml", work);
	struct sweep_control shard = { .plan_path = plan, .dir = dir, .shard_i = 3, .shard_n = 2,
				       .run_cmd = mmsim };
	memset(&err, 0, sizeof(err));
	CHECK_EQ(sweep_run(&shard, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	struct sweep_control noprog = { .plan_path = plan, .dir = dir };
	CHECK_EQ(sweep_run(&noprog, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	/* the output directory of another plan is refused */
	snprintf(dir, sizeof(dir), "%s/out", work);
	struct sweep_control other = { .plan_path = plan, .dir = dir, .jobs = 1, .run_cmd = mmsim,
				       .preflight = true };
	memset(&err, 0, sizeof(err));
	CHECK_EQ(sweep_run(&other, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	CHECK(strstr(err.msg, "different plan") != NULL);
}

static void test_defaults(void)
{
	char buf[256];
	sweep_default_dir("configs/sweeps/churn.yaml", buf, sizeof(buf));
	CHECK_STR(buf, "sweep-churn");
	sweep_default_dir("plan", buf, sizeof(buf));
	CHECK_STR(buf, "sweep-plan");
	sweep_default_dir(".hidden", buf, sizeof(buf));
	CHECK_STR(buf, "sweep-.hidden");

	unsigned i = 0, n = 0;
	struct sim_error err = { 0 };
	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	unsetenv("SLURM_ARRAY_TASK_MIN");
	CHECK_EQ(sweep_shard_from_env(&i, &n, &err), 0);
	CHECK_EQ(i, 1);
	CHECK_EQ(n, 1);
	/* --array=0-3: task 2 is the third of four shards */
	setenv("SLURM_ARRAY_TASK_ID", "2", 1);
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
	CHECK_EQ(sweep_shard_from_env(&i, &n, &err), 0);
	CHECK_EQ(i, 3);
	CHECK_EQ(n, 4);
	/* --array=1-4 with ID 5: not a shard */
	setenv("SLURM_ARRAY_TASK_ID", "5", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
	CHECK_EQ(sweep_shard_from_env(&i, &n, &err), -1);
	CHECK_EQ(err.code, EX_USAGE_);
	unsetenv("SLURM_ARRAY_TASK_ID");
	unsetenv("SLURM_ARRAY_TASK_COUNT");
	unsetenv("SLURM_ARRAY_TASK_MIN");
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_defaults);
	mmsim = getenv("MMSIM");
	if (!mmsim || access(mmsim, X_OK)) {
		printf("MMSIM (the mmsim binary) not set: sweep runs skipped\n");
		return tl_failed_checks() ? TEST_END() : 77;
	}
	snprintf(work, sizeof(work), "%s/mmsim-sweep-lib.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(work)) {
		perror(work);
		return 1;
	}
	write_plan();
	RUN(test_two_points);
	RUN(test_bad_point);
	RUN(test_errors);
	runset_rm_rf(work);
	return TEST_END();
}
