/* bench_trace.c — native trace replay speed, by hand: `bench_trace [N] [PATH]`.
 * Writes N alloc/free churn records (default 10 M) to PATH, then reports the best of
 * three full reads through trace_read against the best of three `zcat PATH > /dev/null`
 * (DESIGN §9: ≥ 20 M records/s and ≤ 2× zcat).  Prints figures; never fails on them. */
#include "trace/trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Churn as a kernel build makes it: mostly order-0, a live set of up to 64 Ki objects
 * freed in random order, a few tasks, a few gfp masks. */
static int write_churn(const char *path, uint64_t n, struct sim_error *err)
{
	static const uint32_t gfps[] = { 0xcc0, 0x140cca, 0x100cca, 0x800, 0x40dc0 };
	struct trace_header h = { .version = TRACE_VERSION };
	trace_meta_set(&h, "generator", "bench_trace");
	struct trace_writer *w = trace_create(path, TRACE_BINARY_GZ, &h, err);
	if (!w)
		return -1;
	enum { LIVE_MAX = 1 << 16 };
	uint64_t *live = malloc(LIVE_MAX * sizeof(*live));
	uint64_t nr_live = 0, next_id = 1, s = 0x2545f4914f6cdd1dull;
	sim_ns_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = xorshift(&s);
		struct trace_record rec = { .task = (uint32_t)(1000 + (x >> 40) % 16) };
		t += (x >> 20) % 2000;
		rec.time_ns = t;
		if (nr_live == 0 || ((x & 1) && nr_live < LIVE_MAX)) {
			unsigned r = (unsigned)((x >> 8) % 100);
			rec.kind = TR_ALLOC;
			rec.id = next_id++;
			rec.order = r < 90 ? 0 : r < 97 ? (uint8_t)(1 + r % 3) : 9;
			rec.gfp = gfps[(x >> 16) % 5];
			live[nr_live++] = rec.id;
		} else {
			uint64_t k = (x >> 24) % nr_live;
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
	struct sim_error err = { 0 };
	double t0 = now_s();
	if (write_churn(path, n, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double t_write = now_s() - t0;
	struct stat st;
	stat(path, &st);
	printf("wrote %" PRIu64 " records in %.3f s (%.1f ns/record), %lld bytes (%.2f bytes/record)\n",
	       n, t_write, t_write * 1e9 / (double)n, (long long)st.st_size, (double)st.st_size / (double)n);

	double best_read = 1e30, best_zcat = 1e30;
	uint64_t sum = 0;
	for (int rep = 0; rep < 3; rep++) {
		t0 = now_s();
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
		double t = now_s() - t0;
		best_read = t < best_read ? t : best_read;

		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", path);
		t0 = now_s();
		if (system(cmd) != 0)
			fprintf(stderr, "zcat failed\n");
		t = now_s() - t0;
		best_zcat = t < best_zcat ? t : best_zcat;
	}
	printf("read:  %.3f s, %.1f ns/record, %.1f M records/s (checksum %" PRIx64 ")\n", best_read,
	       best_read * 1e9 / (double)n, (double)n / best_read / 1e6, sum);
	printf("zcat:  %.3f s\n", best_zcat);
	printf("ratio read/zcat: %.2f\n", best_read / best_zcat);
	if (argc <= 2)
		remove(path);
	return 0;
}
