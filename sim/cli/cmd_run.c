/* mmsim run CONFIG [-o DIR] [--set K=V]... [--seed N] [--check N]: one simulation. */
#include "cli.h"
#include "opts.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim.h"
#include "../workload/workload.h"

/* The signal that asked the run to stop (0: none).  The one mutable global: a signal
 * handler can reach nothing else.  The run stops at its next record and sim_destroy
 * removes the temporary run directory; a second signal kills at once (SA_RESETHAND). */
static volatile sig_atomic_t run_stop;

static void on_stop_signal(int sig)
{
	run_stop = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESETHAND }, old;
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = { SIGINT, SIGTERM };
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		/* one started with the signal ignored (nohup, `cmd &` in a script) keeps ignoring it */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

struct trace_src {
	struct trace_reader *r;
};

static int next_trace(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read(((struct trace_src *)ctx)->r, rec, err);
}

static int next_trace_run(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	return trace_read_run(((struct trace_src *)ctx)->r, v, n, err);
}

static int next_workload(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return workload_next(ctx, rec, err);
}

int cmd_run(int argc, char **argv)
{
	const char *outdir = NULL;
	struct cli_list sets;
	uint64_t seed = 0, check_every = 0;
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &outdir, "DIR", "output directory (default: output.dir, else results/run)" },
		{ "set", 0, CLI_LIST, &sets, "KEY=VALUE", "override any config key (configs/README.md lists them)" },
		{ "seed", 0, CLI_U64, &seed, "N", "run seed (also seeds an in-process generator)" },
		{ "check", 0, CLI_U64, &check_every, "N",
		  "run the full invariant checker every N records (debug; 0: off)", .max = INT_MAX },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "run", .synopsis = "CONFIG", .nr_pos_min = 1, .nr_pos_max = 1, .opts = opts,
		.about = "Simulate one configuration: replay its workload (workload.trace, a native trace,\n"
			 "or workload.generator, a workloads/ YAML generated in-process with the run's seed)\n"
			 "and write the run directory DIR (default: output.dir, else results/run):\n"
			 "summary.json, buddyinfo, pagetypeinfo, vmstat, zoneinfo, timeseries.tsv, latency.tsv.\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop >= 0)
		return stop;
	const char *cfg_path = pos.v[0];
	bool has_seed = cli_seen(&spec, "seed") > 0;

	struct sim_error err = { 0 };
	static struct config cfg;
	struct sim *s = NULL;
	struct trace_src tsrc = { 0 };
	struct workload *w = NULL;
	struct trace_header *hdr = calloc(1, sizeof(*hdr));
	int rc = 0;
	if (!hdr) {
		sim_error_set(&err, EX_SOFTWARE_, "out of memory");
		goto fail;
	}
	if (config_load(&cfg, cfg_path, &err))
		goto fail;
	for (size_t k = 0; k < sets.nr; k++)
		if (config_set(&cfg, sets.v[k], &err))
			goto fail;
	if (has_seed)
		cfg.seed = seed;
	if (sim_validate(&cfg, &err))
		goto fail;
	if (!outdir)
		outdir = cfg.output.dir[0] ? cfg.output.dir : "results/run";

	struct record_source src = { 0 };
	if (cfg.workload.trace[0]) {
		tsrc.r = trace_open(cfg.workload.trace, &err);
		if (!tsrc.r)
			goto fail;
		*hdr = *trace_reader_header(tsrc.r);
		src = (struct record_source){ .next = next_trace, .next_run = next_trace_run, .ctx = &tsrc, .header = hdr };
	} else if (cfg.workload.generator[0]) {
		struct workload_overrides ov = { .has_seed = true, .seed = cfg.seed };
		w = workload_open(cfg.workload.generator, &ov, &err);
		if (!w)
			goto fail;
		hdr->version = TRACE_VERSION;
		workload_fill_header(w, hdr);
		src = (struct record_source){ .next = next_workload, .ctx = w, .header = hdr };
	} else {
		sim_error_set(&err, EX_CONFIG_, "%s: no workload: set workload.trace or workload.generator", cfg_path);
		goto fail;
	}

	s = calloc(1, sizeof(*s));
	if (!s || sim_init(s, &cfg, outdir, &err))
		goto fail;
	s->check_every = (int)check_every;
	s->stop = &run_stop;
	catch_stop_signals();
	if (sim_run(s, &src, &err))
		goto fail;
	if (sim_finish(s, hdr, &err))
		goto fail;
	if (s->records_unissued) /* a result that silently covers part of the trace is worse than none */
		fprintf(stderr,
			"mmsim run: warning: %llu records were never issued: their task was still blocked "
			"when the run ended (a wait nothing would end); the results cover the %llu issued "
			"(summary.json records_unissued)\n",
			(unsigned long long)s->records_unissued, (unsigned long long)s->nr_records);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "mmsim run: %llu records, %.3f s simulated -> %s\n",
			(unsigned long long)s->nr_records, (double)sim_elapsed_ns(s) / 1e9, outdir);
	goto out;
fail:
	if (run_stop) {
		fprintf(stderr, "mmsim run: interrupted by %s; no run directory written\n",
			run_stop == SIGINT ? "SIGINT" : "SIGTERM");
		rc = 128 + run_stop;
	} else {
		rc = cli_fail(&err);
	}
out:
	if (s)
		sim_destroy(s);
	free(s);
	if (tsrc.r)
		trace_close(tsrc.r);
	if (w)
		workload_close(w);
	free(hdr);
	cli_free(&spec, &pos);
	return rc;
}
