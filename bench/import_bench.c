/* import_bench.c — ftrace import throughput (architecture.md §9: ≥ 1.5 M lines/s).
 *
 * usage: import_bench [CAPTURE]   (default $MESON_SOURCE_ROOT/tests/data/real/
 *                                  compile-thp/report.txt.gz; exit 77 if absent)
 * Measures, on the same input in the same run:
 *   decompress  gzread of the whole file, nothing else (the `zcat >/dev/null` baseline)
 *   parse       ftrace_read_text with a sink that drops every event
 *   import      parse + reorder window + intent/effect + records into memory
 * and prints lines/s for each plus the import/decompress ratio.  Best of 5 runs, timed
 * by this process's CPU clock (a shared machine's load does not count against it); the
 * wall-clock figure for the import is printed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "trace/ftrace.h"
#include "trace/import.h"

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int drop_event(void *arg, const struct ftrace_event *ev, struct sim_error *err)
{
	(void)ev, (void)err;
	++*(uint64_t *)arg;
	return 0;
}

static int count_record(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	(void)rec, (void)err;
	++*(uint64_t *)arg;
	return 0;
}

static double decompress(const char *path, uint64_t *lines)
{
	static char buf[1 << 20];
	double t0 = now_s();
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return -1;
	gzbuffer(gz, 1u << 18);
	int n;
	*lines = 0;
	while ((n = gzread(gz, buf, sizeof(buf))) > 0)
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
			++*lines;
	gzclose(gz);
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	char def[4096];
	const char *root = getenv("MESON_SOURCE_ROOT");
	snprintf(def, sizeof(def), "%s/tests/data/real/compile-thp/report.txt.gz", root ? root : ".");
	const char *path = argc > 1 ? argv[1] : def;
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		printf("SKIP: %s not found\n", path);
		return 77;
	}
	fclose(probe);

	double best_z = 1e9, best_p = 1e9, best_i = 1e9, best_wall = 1e9;
	uint64_t lines = 0, records = 0;
	struct ftrace_read_stats rs;
	struct sim_error err = { 0 };
	for (int run = 0; run < 5; run++) {
		double z = decompress(path, &lines);
		best_z = z < best_z ? z : best_z;

		uint64_t events = 0;
		double t0 = now_s();
		if (ftrace_read_text(path, NULL, drop_event, &events, &rs, &err)) {
			fprintf(stderr, "import_bench: %s\n", err.msg);
			return 1;
		}
		double p = now_s() - t0;
		best_p = p < best_p ? p : best_p;

		records = 0;
		struct import_opts io = { .source = path };
		t0 = now_s();
		double w0 = clock_s(CLOCK_MONOTONIC);
		struct import *im = import_new(&io, count_record, &records, &err);
		if (!im || ftrace_read_text(path, NULL, import_event, im, &rs, &err) ||
		    import_finish(im, &err)) {
			fprintf(stderr, "import_bench: %s\n", err.msg);
			return 1;
		}
		import_free(im);
		double i = now_s() - t0, w = clock_s(CLOCK_MONOTONIC) - w0;
		best_i = i < best_i ? i : best_i;
		best_wall = w < best_wall ? w : best_wall;
	}
	double l = (double)rs.nr_lines;
	printf("input        %s (%llu lines, %.1f MB text)\n", path, (unsigned long long)rs.nr_lines,
	       (double)rs.bytes / 1e6);
	printf("decompress   %.3f s  %6.2f M lines/s\n", best_z, l / best_z / 1e6);
	printf("parse        %.3f s  %6.2f M lines/s\n", best_p, l / best_p / 1e6);
	printf("import       %.3f s  %6.2f M lines/s  (%llu records)  budget 1.5 M lines/s: %s\n",
	       best_i, l / best_i / 1e6, (unsigned long long)records,
	       l / best_i >= 1.5e6 ? "met" : "MISSED");
	printf("import wall  %.3f s  %6.2f M lines/s\n", best_wall, l / best_wall / 1e6);
	printf("import / decompress time ratio %.2f\n", best_i / best_z);
	(void)lines;
	return 0;
}
