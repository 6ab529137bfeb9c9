/* bench_trace.c — native trace replay speed, by hand: `bench_trace [N] [PATH] [random|bursty]`.
 * Writes N alloc/free churn records (default 10 M) to PATH, then reports the best of
 * three full reads through trace_read against the best of three `zcat PATH > /dev/null`
 * (architecture.md §9: ≥ 20 M records/s and ≤ 2× zcat).  Prints figures; never fails on them. */
#include "trace/trace.h"

#include "kernel/gfp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of this process, and of its waited-for children (zcat): on a shared
 * machine these are steadier than wall time. */
static double cpu_self_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_children_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Churn: mostly order-0, a live set of up to 64 Ki objects, 16 tasks, 5 gfp masks.
 * "random" (the default, the worst case for compression): every record picks its task,
 * gfp and victim uniformly.  "bursty": a task runs for ~64 records (a time slice), gfp
 * masks come in runs, and 3 frees in 4 take one of the 64 youngest objects (short-lived
 * slab and page-cache churn), as kernel-build captures look. */
static int write_churn(const char *path, uint64_t n, bool bursty, struct sim_error *err)
{
	static const uint32_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE | __GFP_COMP, GFP_HIGHUSER_MOVABLE,
					 GFP_ATOMIC, GFP_KERNEL | __GFP_ZERO | __GFP_COMP };
	struct trace_header h = { .version = TRACE_VERSION };
	trace_meta_set(&h, "generator", "bench_trace");
	struct trace_writer *w = trace_create(path, TRACE_BINARY_GZ, &h, err);
	if (!w)
		return -1;
	enum { LIVE_MAX = 1 << 16 };
	uint64_t *live = malloc(LIVE_MAX * sizeof(*live));
	uint64_t nr_live = 0, next_id = 1, s = 0x2545f4914f6cdd1dull;
	sim_ns_t t = 0;
	uint32_t task = 1000, gfp = gfps[0];
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = xorshift(&s);
		if (!bursty || (x >> 58) == 0)
			task = (uint32_t)(1000 + (x >> 40) % 16);
		if (!bursty || (x >> 59) == 0)
			gfp = gfps[(x >> 16) % 5];
		struct trace_record rec = { .task = task };
		t += (x >> 20) % 2000;
		rec.time_ns = t;
		if (nr_live == 0 || ((x & 1) && nr_live < LIVE_MAX)) {
			unsigned r = (unsigned)((x >> 8) % 100);
			rec.kind = TR_ALLOC;
			rec.id = next_id++;
			rec.order = r < 90 ? 0 : r < 97 ? (uint8_t)(1 + r % 3) : 9;
			rec.gfp = gfp;
			live[nr_live++] = rec.id;
		} else {
			uint64_t k = (x >> 24) % nr_live;
			if (bursty && (x & 6) && nr_live > 64)
				k = nr_live - 1 - (x >> 24) % 64;
			rec.kind = TR_FREE;
			rec.id = live[k];
			live[k] = live[--nr_live];
		}
		if (trace_write(w, &rec, err) < 0) {
			free(live);
			trace_abort(w);
			return -1;
		}
	}
	free(live);
	return trace_commit(w, err);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	const char *path = argc > 2 ? argv[2] : "bench_trace.mmt.gz";
	bool bursty = argc > 3 && !strcmp(argv[3], "bursty");
	struct sim_error err = { 0 };
	double t0 = now_s();
	if (write_churn(path, n, bursty, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t_write = now_s() - t0;
	struct stat st;
	stat(path, &st);
	printf("%s churn: ", bursty ? "bursty" : "random");
	printf("wrote %" PRIu64 " records in %.3f s (%.1f ns/record), %lld bytes (%.2f bytes/record)\n",
	       n, t_write, t_write * 1e9 / (double)n, (long long)st.st_size, (double)st.st_size / (double)n);

	double best_read = 1e30, best_zcat = 1e30, best_read_cpu = 1e30, best_zcat_cpu = 1e30;
	uint64_t sum = 0;
	for (int rep = 0; rep < 3; rep++) {
		t0 = now_s();
		double c0 = cpu_self_s();
		struct trace_reader *r = trace_open(path, &err);
		if (!r) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		struct trace_record rec;
		int ret;
		while ((ret = trace_read(r, &rec, &err)) > 0)
			sum += rec.id ^ rec.time_ns; /* keep the loop honest */
		if (ret < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		trace_close(r);
		double t = now_s() - t0, c = cpu_self_s() - c0;
		best_read = t < best_read ? t : best_read;
		best_read_cpu = c < best_read_cpu ? c : best_read_cpu;

		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", path);
		t0 = now_s();
		c0 = cpu_children_s();
		if (system(cmd) != 0)
			fprintf(stderr, "zcat failed\n");
		t = now_s() - t0;
		c = cpu_children_s() - c0;
		best_zcat = t < best_zcat ? t : best_zcat;
		best_zcat_cpu = c < best_zcat_cpu ? c : best_zcat_cpu;
	}
	printf("read:  %.3f s wall, %.3f s cpu: %.1f ns/record, %.1f M records/s (checksum %" PRIx64 ")\n",
	       best_read, best_read_cpu, best_read_cpu * 1e9 / (double)n, (double)n / best_read_cpu / 1e6, sum);
	printf("zcat:  %.3f s wall, %.3f s cpu\n", best_zcat, best_zcat_cpu);
	printf("ratio read/zcat: %.2f wall, %.2f cpu\n", best_read / best_zcat, best_read_cpu / best_zcat_cpu);
	if (argc <= 2)
		remove(path);
	return 0;
}
