/* mmsim bench [replay|state] [--records N] [--keep DIR]
 *
 * architecture.md §9 budgets, measured (never asserted: machines are shared and noisy, so the
 * figures are medians of three runs and the zcat comparison is a ratio from the same run):
 *   replay  native replay of the churn-10m workload on a 4 GiB machine: records/s,
 *           ns/record, and the time ratio to `zcat` on the same file (budgets: >= 20 M
 *           records/s, <= 2x zcat);
 *   state   bytes of simulator state per simulated page, and the peak RSS of building a
 *           64 GiB machine (budgets: <= 16 B/page, <= 512 MiB). */
#include "cli.h"
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../config/config.h"
#include "../sim.h"
#include "../workload/workload.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) of this process, or of its waited-for children. */
static double cpu_s(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median3(double v[3])
{
	qsort(v, 3, sizeof(v[0]), cmp_double);
	return v[1];
}

/* Write the workload's records to path (the same stream `mmsim gen` writes). */
static int make_trace(const char *workload_path, const char *path, struct sim_error *err)
{
	struct workload *w = workload_open(workload_path, NULL, err);
	if (!w)
		return -1;
	static struct trace_header h;
	h.version = TRACE_VERSION;
	workload_fill_header(w, &h);
	struct trace_writer *tw = trace_create(path, TRACE_BINARY_GZ, &h, err);
	int rc = tw ? 0 : -1;
	struct trace_record rec;
	int got;
	while (tw && (got = workload_next(w, &rec, err)) == 1)
		if (trace_write(tw, &rec, err)) {
			rc = -1;
			break;
		}
	if (tw && (got < 0 || rc)) {
		trace_abort(tw);
		rc = -1;
	} else if (tw && trace_commit(tw, err)) {
		rc = -1;
	}
	workload_close(w);
	return rc;
}

/* zcat's CPU time on path (its children's rusage), wall time in *wall. */
static double time_zcat(const char *path, double *wall)
{
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", path);
	double c0 = cpu_s(RUSAGE_CHILDREN), t0 = now_s();
	int rc = system(cmd);
	*wall = now_s() - t0;
	return rc == 0 ? cpu_s(RUSAGE_CHILDREN) - c0 : -1;
}

static int next_record(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read(ctx, rec, err);
}

/* Replay every record of path through a fresh node; returns CPU seconds, wall seconds in
 * *wall, records in *n. */
static double time_replay(const struct config *cfg, const char *path, uint64_t *n, double *wall,
			  struct sim_error *err)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct trace_reader *r = trace_open(path, err);
	double t = -1;
	if (!s || !r || sim_init(s, cfg, NULL, err))
		goto out;
	struct record_source src = { .next = next_record, .ctx = r };
	double t0 = now_s(), c0 = cpu_s(RUSAGE_SELF);
	int got = sim_run(s, &src, err);
	t = cpu_s(RUSAGE_SELF) - c0;
	*wall = now_s() - t0;
	if (got < 0)
		t = -1;
	*n = s->nr_records;
	sim_destroy(s);
out:
	if (r)
		trace_close(r);
	free(s);
	return t;
}

static const char *source_root(void)
{
	const char *r = getenv("MESON_SOURCE_ROOT");
	return r ? r : ".";
}

static int bench_replay(const char *keep_dir)
{
	struct sim_error err = { 0 };
	char dir[4096], trace[4200], wl[4200];
	if (keep_dir) {
		snprintf(dir, sizeof(dir), "%s", keep_dir);
		mkdir(dir, 0777);
	} else {
		snprintf(dir, sizeof(dir), "/tmp/mmsim-bench-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return EX_IOERR_;
		}
	}
	snprintf(trace, sizeof(trace), "%s/churn-10m.mmt.gz", dir);
	snprintf(wl, sizeof(wl), "%s/workloads/churn-10m.yaml", source_root());
	struct stat st;
	if (stat(trace, &st) != 0) {
		printf("replay: generating %s from %s ...\n", trace, wl);
		fflush(stdout);
		if (make_trace(wl, trace, &err))
			return cli_fail(&err);
		stat(trace, &st);
	}
	static struct config cfg;
	config_defaults(&cfg); /* 4 GiB machine, no CMA */
	cfg.output.sample_interval_ns = 0;
	/* CPU time is the figure (the machines are shared: wall time also counts the
	 * neighbours); wall time is printed beside it. */
	double tz[3], tr[3], wz[3], wr[3];
	uint64_t n = 0;
	for (int i = 0; i < 3; i++) {
		tz[i] = time_zcat(trace, &wz[i]);
		tr[i] = time_replay(&cfg, trace, &n, &wr[i], &err);
		if (tr[i] < 0)
			return cli_fail(&err);
	}
	double z = median3(tz), r = median3(tr), zw = median3(wz), rw = median3(wr);
	printf("replay: %llu records, %.1f MiB compressed, 4 GiB machine (median of 3, CPU time)\n",
	       (unsigned long long)n, (double)st.st_size / (1 << 20));
	printf("replay: %.3f s  %.1f M records/s  %.1f ns/record   (budget >= 20 M records/s)  [wall %.3f s]\n",
	       r, (double)n / r / 1e6, r * 1e9 / (double)n, rw);
	if (z > 0)
		printf("replay: zcat %.3f s  replay/zcat = %.2f   (budget <= 2.0)  [wall %.3f s, ratio %.2f]\n",
		       z, r / z, zw, rw / zw);
	if (!keep_dir) {
		remove(trace);
		rmdir(dir);
	}
	return 0;
}

static int bench_state(void)
{
	static struct config cfg;
	config_defaults(&cfg);
	/* 64 GiB: 16 MiB DMA, ~3 GiB DMA32, the rest Normal. */
	cfg.machine.zone_pages[ZONE_NORMAL] = (64ull << 30) / PAGE_SIZE - cfg.machine.zone_pages[ZONE_DMA] -
					     cfg.machine.zone_pages[ZONE_DMA32];
	struct rusage ru0;
	getrusage(RUSAGE_SELF, &ru0);
	struct mm *mm = calloc(1, sizeof(*mm));
	struct sim_error err;
	if (mm_init(mm, &cfg, NULL, &err))
		return cli_fail(&err);
	uint64_t pages = 0, blocks = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		pages += mm->zones[i].present;
		blocks += mm->zones[i].spanned >> mm->pageblock_order;
	}
	uint64_t bytes = (uint64_t)mm->nr_pages * sizeof(struct page_frame) + blocks * sizeof(struct pageblock) +
			 (uint64_t)mm->objs.cap * sizeof(struct obj_slot);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("state: page_frame %zu B; per simulated page (frames + pageblocks + empty object table) %.2f B"
	       "   (budget <= 16)\n",
	       sizeof(struct page_frame), (double)bytes / (double)pages);
	printf("state: object table %zu B per live allocation (at <= 70%% load: >= %.1f B)\n",
	       sizeof(struct obj_slot), sizeof(struct obj_slot) / 0.7);
	printf("state: 64 GiB machine (%llu pages): peak RSS %.1f MiB   (budget <= 512)\n",
	       (unsigned long long)pages, (double)ru.ru_maxrss / 1024.0);
	mm_destroy(mm);
	free(mm);
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	const char *which = NULL, *keep = NULL;
	struct cli_opt opts[] = {
		{ "keep", 0, CLI_STR, &keep, "DIR", "keep (and reuse) the generated churn-10m trace in DIR" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "bench", .synopsis = "[replay|state]", .nr_pos_max = 1, .opts = opts,
		.about = "Runs the architecture.md §9 benchmarks and prints their figures (medians of 3).\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop >= 0)
		return stop;
	which = pos.nr ? pos.v[0] : NULL;
	cli_free(&spec, &pos); /* which points into argv */
	int rc = 0;
	if (!which || !strcmp(which, "state"))
		rc |= bench_state();
	if (!which || !strcmp(which, "replay"))
		rc |= bench_replay(keep);
	if (which && strcmp(which, "state") && strcmp(which, "replay")) {
		fprintf(stderr, "mmsim bench: unknown benchmark '%s'\n", which);
		return EX_USAGE_;
	}
	return rc;
}
