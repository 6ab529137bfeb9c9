/* mmsim run CONFIG [-o DIR] [--set K=V]... [--seed N] [--check N] */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim.h"
#include "../workload/workload.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: mmsim run CONFIG [-o DIR] [--set KEY=VALUE]... [--seed N] [--check N]\n"
		"\n"
		"Simulate one configuration: replay its workload (workload.trace, a native trace,\n"
		"or workload.generator, a workloads/ YAML generated in-process with the run's seed)\n"
		"and write the run directory DIR (default: output.dir, else results/run):\n"
		"summary.json, buddyinfo, pagetypeinfo, vmstat, zoneinfo, timeseries.tsv, latency.tsv.\n"
		"\n"
		"  -o DIR            output directory\n"
		"  --set KEY=VALUE   override any config key (configs/README.md lists them)\n"
		"  --seed N          run seed (also seeds an in-process generator)\n"
		"  --check N         run the full invariant checker every N records (debug)\n");
}

struct trace_src {
	struct trace_reader *r;
};

static int next_trace(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read(((struct trace_src *)ctx)->r, rec, err);
}

static int next_workload(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return workload_next(ctx, rec, err);
}

int cmd_run(int argc, char **argv)
{
	const char *cfg_path = NULL, *outdir = NULL;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	unsigned nr_sets = 0;
	bool has_seed = false;
	uint64_t seed = 0;
	int check_every = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (cli_is_help(a)) {
			usage(stdout);
			free(sets);
			return 0;
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			outdir = argv[++i];
		} else if (!strcmp(a, "--set") && i + 1 < argc) {
			sets[nr_sets++] = argv[++i];
		} else if (!strncmp(a, "--set=", 6)) {
			sets[nr_sets++] = a + 6;
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			char *end;
			seed = strtoull(argv[++i], &end, 0);
			if (*end) {
				fprintf(stderr, "mmsim run: --seed wants a number, not '%s'\n", argv[i]);
				free(sets);
				return EX_USAGE_;
			}
			has_seed = true;
		} else if (!strcmp(a, "--check") && i + 1 < argc) {
			check_every = atoi(argv[++i]);
		} else if (a[0] == '-' ) {
			fprintf(stderr, "mmsim run: unknown option '%s'\n", a);
			usage(stderr);
			free(sets);
			return EX_USAGE_;
		} else if (!cfg_path) {
			cfg_path = a;
		} else {
			fprintf(stderr, "mmsim run: one CONFIG only ('%s')\n", a);
			free(sets);
			return EX_USAGE_;
		}
	}
	if (!cfg_path) {
		usage(stderr);
		free(sets);
		return EX_USAGE_;
	}

	struct sim_error err = { 0 };
	static struct config cfg;
	struct sim *s = NULL;
	struct trace_src tsrc = { 0 };
	struct workload *w = NULL;
	struct trace_header *hdr = calloc(1, sizeof(*hdr));
	int rc = 0;
	if (config_load(&cfg, cfg_path, &err))
		goto fail;
	for (unsigned k = 0; k < nr_sets; k++)
		if (config_set(&cfg, sets[k], &err))
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
		src = (struct record_source){ .next = next_trace, .ctx = &tsrc, .header = hdr };
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
	s->check_every = check_every;
	if (sim_run(s, &src, &err))
		goto fail;
	if (sim_finish(s, hdr, &err))
		goto fail;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "mmsim run: %llu records, %.3f s simulated -> %s\n",
			(unsigned long long)s->nr_records, (double)sim_elapsed_ns(s) / 1e9, outdir);
	goto out;
fail:
	rc = cli_fail(&err);
out:
	if (s)
		sim_destroy(s);
	free(s);
	if (tsrc.r)
		trace_close(tsrc.r);
	if (w)
		workload_close(w);
	free(hdr);
	free(sets);
	return rc;
}
