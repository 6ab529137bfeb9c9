/* cmd_gen.c — `mmsim gen WORKLOAD.yaml [-o TRACE] [--seed N] [--set K=V]...`:
 * run a synthetic workload generator and write its records as a native trace. */
#include "cli.h"
#include "opts.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../trace/trace.h"
#include "../workload/workload.h"

/* The temporary trace ("<TRACE>.tmp.<pid>", as atomic_open names it) while it is being
 * written, for the SIGINT/SIGTERM handler: the one mutable global, as a handler can reach
 * nothing else.  The generator may run long between records, so the handler itself
 * removes the file and exits, with async-signal-safe calls only. */
static char gen_tmp[4200];

static void on_stop_signal(int sig)
{
	static const char msg_int[] = "mmsim gen: interrupted by SIGINT; no trace written\n";
	static const char msg_term[] = "mmsim gen: interrupted by SIGTERM; no trace written\n";
	if (gen_tmp[0])
		unlink(gen_tmp);
	if (sig == SIGINT)
		(void)!write(STDERR_FILENO, msg_int, sizeof(msg_int) - 1);
	else
		(void)!write(STDERR_FILENO, msg_term, sizeof(msg_term) - 1);
	_exit(128 + sig);
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
	const char *output = NULL;
	struct cli_list sets;
	struct workload_overrides ov = { 0 };
	struct sim_error err = { 0 };
	struct workload *w = NULL;
	struct trace_writer *tw = NULL;
	struct trace_header *h = NULL;
	char outbuf[4096];
	int rc = EX_OK_;
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &output, "TRACE",
		  "where to write the trace (default: the workload's name with .mmt.gz)" },
		{ "seed", 0, CLI_U64, &ov.seed, "N", "override the workload's seed" },
		{ "set", 0, CLI_LIST, &sets, "KEY=VALUE", "override a workload key (dotted: lifetime.mean=5ms)" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "gen", .synopsis = "WORKLOAD.yaml", .nr_pos_min = 1, .nr_pos_max = 1, .opts = opts,
		.about = "Generate a synthetic trace from a workload definition (workloads/*.yaml).\n"
			 "The encoding follows TRACE's name: *.mmt.txt is text, anything else is the\n"
			 "binary gzip format.  Default TRACE: the workload's name with .mmt.gz, in the\n"
			 "current directory.  The file appears only when complete.\n",
		.epilog = "A one-line summary (records per kind) goes to stderr.\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop == EX_OK_) {
		/* the help goes on with every generator and its keys */
		fputc('\n', stdout);
		workload_print_help(stdout);
	}
	if (stop >= 0)
		return stop;
	const char *input = pos.v[0];
	ov.has_seed = cli_seen(&spec, "seed") > 0;
	ov.sets = sets.v;
	ov.nr_sets = (unsigned)sets.nr;
	if (!output) {
		if (default_output(input, outbuf, sizeof(outbuf))) {
			fprintf(stderr, "mmsim gen: workload name too long\n");
			cli_free(&spec, &pos);
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
	struct sigaction sa = { .sa_handler = on_stop_signal }, old;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	static const int sigs[] = { SIGINT, SIGTERM };
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		/* one started with the signal ignored (nohup, `cmd &` in a script) keeps ignoring it */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	tw = trace_create(output, trace_encoding_for(output), h, &err);
	if (!tw)
		goto err;
	/* only now is the temporary file ours to remove */
	snprintf(gen_tmp, sizeof(gen_tmp), "%s.tmp.%ld", output, (long)getpid());
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
	/* From the rename on the trace is written whatever comes: SIGINT/SIGTERM stay blocked
	 * to the end, so the handler never reports a finished trace as interrupted. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	gen_tmp[0] = '\0';
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
	cli_free(&spec, &pos);
	return rc;
}
