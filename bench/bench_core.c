/* bench_core.c — the simulator core alone, for an instruction counter:
 * `bench_core TRACE [RUNS] [OUTDIR]`.
 *
 * Reads every record of TRACE into memory, then replays the array RUNS times (default 1)
 * through a fresh node of config_defaults() with sampling off — the configuration of
 * `mmsim bench simulate` — and prints CPU ns per record of each run.  With OUTDIR the last
 * run's run directory is written there, so two builds can be compared byte for byte.
 * Count instructions of the replay alone with
 *   valgrind --tool=callgrind --toggle-collect=sim_run build/bench/bench_core TRACE
 * (bench/README.md "Instructions per record").  Prints figures; never fails on them. */
#include "config/config.h"
#include "sim.h"
#include "trace/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_self_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_core TRACE [RUNS] [OUTDIR]\n");
		return 64;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 1;
	const char *outdir = argc > 3 ? argv[3] : NULL;
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "bench_core: %s\n", err.msg);
		return 66;
	}
	struct sim_record_array a;
	int got = sim_record_array_load(r, &a, &err);
	if (got < 0) {
		fprintf(stderr, "bench_core: %s\n", err.msg);
		return 65;
	}
	static struct config cfg;
	config_defaults(&cfg);
	cfg.output.sample_interval_ns = 0;
	for (int i = 0; i < runs; i++) {
		struct sim *s = calloc(1, sizeof(*s));
		const char *dir = i == runs - 1 ? outdir : NULL;
		if (!s || sim_init(s, &cfg, dir, &err)) {
			fprintf(stderr, "bench_core: %s\n", err.msg);
			return 70;
		}
		a.pos = 0;
		struct record_source src = { .next = sim_record_array_next, .ctx = &a, .header = trace_reader_header(r) };
		struct rusage u0, u1;
		getrusage(RUSAGE_SELF, &u0);
		double c0 = cpu_self_s();
		int rc = sim_run(s, &src, &err);
		double c = cpu_self_s() - c0;
		getrusage(RUSAGE_SELF, &u1);
		if (rc < 0 || (dir && sim_finish(s, trace_reader_header(r), &err))) {
			fprintf(stderr, "bench_core: %s\n", err.msg);
			return 70;
		}
		printf("bench_core: run %d: %llu records, %.3f s CPU (%.3f s system, %ld page faults), %.1f ns/record\n",
		       i + 1, (unsigned long long)a.n, c,
		       (double)(u1.ru_stime.tv_sec - u0.ru_stime.tv_sec) + (double)(u1.ru_stime.tv_usec - u0.ru_stime.tv_usec) * 1e-6,
		       u1.ru_minflt - u0.ru_minflt, c * 1e9 / (double)a.n);
		sim_destroy(s);
		free(s);
	}
	trace_close(r);
	free(a.v);
	return 0;
}
