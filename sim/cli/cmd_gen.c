/* cmd_gen.c — `mmsim gen WORKLOAD.yaml [-o TRACE] [--seed N] [--set K=V]...`:
 * run a synthetic workload generator and write its records as a native trace. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../trace/trace.h"
#include "../workload/workload.h"

#define GEN_MAX_SETS 64

static void gen_usage(FILE *fp)
{
	fprintf(fp,
		"usage: mmsim gen WORKLOAD.yaml [-o TRACE] [--seed N] [--set KEY=VALUE]...\n"
		"\n"
		"Generate a synthetic trace from a workload definition (workloads/*.yaml).\n"
		"The encoding follows TRACE's name: *.mmt.txt is text, anything else is the\n"
		"binary gzip format.  Default TRACE: the workload's name with .mmt.gz, in the\n"
		"current directory.  The file appears only when complete.\n"
		"\n"
		"  -o, --output TRACE   where to write the trace\n"
		"  --seed N             override the workload's seed\n"
		"  --set KEY=VALUE      override a workload key (dotted: lifetime.mean=5ms)\n"
		"  -h, --help           this help, with every generator and its keys\n"
		"\n"
		"A one-line summary (records per kind) goes to stderr.\n\n");
	workload_print_help(fp);
}

static int default_output(const char *workload, char *out, size_t len)
{
	const char *base = strrchr(workload, '/');
	base = base ? base + 1 : workload;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	return snprintf(out, len, "%.*s.mmt.gz", (int)n, base) >= (int)len ? -1 : 0;
}

int cmd_gen(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	const char *sets[GEN_MAX_SETS];
	struct workload_overrides ov = { .sets = sets };
	struct sim_error err = { 0 };
	struct workload *w = NULL;
	struct trace_writer *tw = NULL;
	struct trace_header *h = NULL;
	char outbuf[4096];
	int rc = EX_OK_;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			gen_usage(stdout);
			return EX_OK_;
		}
		if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--seed") ||
		    !strcmp(a, "--set")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "mmsim gen: %s needs a value\n", a);
				return EX_USAGE_;
			}
			const char *v = argv[++i];
			if (a[1] == 'o' || !strcmp(a, "--output")) {
				output = v;
			} else if (!strcmp(a, "--seed")) {
				char *end;
				errno = 0;
				ov.seed = strtoull(v, &end, 0);
				if (errno || end == v || *end || *v == '-') {
					fprintf(stderr, "mmsim gen: --seed '%s' is not an unsigned integer\n", v);
					return EX_USAGE_;
				}
				ov.has_seed = true;
			} else {
				if (ov.nr_sets == GEN_MAX_SETS) {
					fprintf(stderr, "mmsim gen: too many --set (max %d)\n", GEN_MAX_SETS);
					return EX_USAGE_;
				}
				sets[ov.nr_sets++] = v;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mmsim gen: unknown option '%s'\n", a);
			gen_usage(stderr);
			return EX_USAGE_;
		} else if (!input) {
			input = a;
		} else {
			fprintf(stderr, "mmsim gen: one workload only ('%s' is extra)\n", a);
			return EX_USAGE_;
		}
	}
	if (!input) {
		fprintf(stderr, "mmsim gen: missing WORKLOAD.yaml (mmsim gen --help)\n");
		return EX_USAGE_;
	}
	if (!output) {
		if (default_output(input, outbuf, sizeof(outbuf))) {
			fprintf(stderr, "mmsim gen: workload name too long\n");
			return EX_USAGE_;
		}
		output = outbuf;
	}

	w = workload_open(input, &ov, &err);
	if (!w)
		goto err;
	h = calloc(1, sizeof(*h));
	if (!h) {
		sim_error_set(&err, EX_SOFTWARE_, "out of memory");
		goto err;
	}
	h->version = TRACE_VERSION;
	workload_fill_header(w, h);
	tw = trace_create(output, trace_encoding_for(output), h, &err);
	if (!tw)
		goto err;
	struct trace_record rec;
	int got;
	uint64_t nr = 0;
	bool progress = isatty(STDERR_FILENO); /* progress only for a person watching */
	while ((got = workload_next(w, &rec, &err)) == 1) {
		if (trace_write(tw, &rec, &err))
			goto err;
		if (progress && (++nr & ((1u << 20) - 1)) == 0)
			fprintf(stderr, "\rmmsim gen: %" PRIu64 " M records, %.3f s simulated ",
				nr >> 20, (double)rec.time_ns / 1e9);
	}
	if (progress && nr >= (1u << 20))
		fprintf(stderr, "\r\033[K");
	if (got < 0)
		goto err;
	struct trace_writer *done = tw;
	tw = NULL;
	if (trace_commit(done, &err))
		goto err;

	struct workload_stats st;
	workload_get_stats(w, &st);
	fprintf(stderr, "mmsim gen: %s seed %" PRIu64 ": %" PRIu64 " records (",
		workload_generator_name(w), workload_seed(w), st.nr_records);
	bool first = true;
	for (int k = 0; k < NR_TRACE_KINDS; k++)
		if (st.nr_by_kind[k]) {
			fprintf(stderr, "%s%s %" PRIu64, first ? "" : ", ", trace_kind_names[k],
				st.nr_by_kind[k]);
			first = false;
		}
	fprintf(stderr, "), %.3f s simulated, peak live %" PRIu64 " pages, %" PRIu64
		" throttled -> %s\n", (double)st.end_ns / 1e9, st.peak_live_pages, st.nr_throttled,
		output);
	goto out;
err:
	rc = cli_fail(&err);
	if (tw)
		trace_abort(tw);
out:
	free(h);
	workload_close(w);
	return rc;
}
