/* mmsim sweep PLAN [-o DIR] [-j N] [--shard I/N] [--list]: the arguments of the sweep
 * runner (sweep/sweep.h).
 *
 * MMSIM_RUN_CMD, when set, replaces this binary as the program run as
 * `$MMSIM_RUN_CMD run BASE -o TMPDIR --set K=V... --seed N` (tests use a stand-in).
 */
#include "cli.h"
#include "opts.h"

#include "../config/plan.h"
#include "../sweep/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cmd_sweep(int argc, char **argv)
{
	struct sweep_control sc = { 0 };
	struct sim_error err = { 0 };
	const char *shard = NULL;
	bool list = false;
	uint64_t jobs = 0;
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &sc.dir, "DIR", "output directory (default: sweep-<plan name>)" },
		{ "jobs", 'j', CLI_U64, &jobs, "N", "run N units at once (default: number of online CPUs)",
		  .min = 1, .max = 4096 },
		{ "shard", 0, CLI_STR, &shard, "I/N",
		  "run only units u with u % N == I-1 (default from\n"
		  "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 / SLURM_ARRAY_TASK_COUNT)" },
		{ "list", 0, CLI_FLAG, &list, NULL, "print the units (unit, point, repeat, seed, sets) and exit" },
		{ "rerun-stale", 0, CLI_FLAG, &sc.rerun_stale, NULL,
		  "rerun finished units whose config, workload or trace file or\n"
		  "mmsim version changed (without it such a resume is refused)" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "sweep", .synopsis = "PLAN.yaml", .nr_pos_min = 1, .nr_pos_max = 1, .opts = opts,
		.about = "Run every unit (point x repeat) of a sweep plan in its own `mmsim run` process.\n",
		.epilog = "Rerunning the same command resumes: finished units are never rerun, and\n"
			  "a resume whose inputs changed is refused (see --rerun-stale).\n"
			  "Exit: 0 all units of the shard done; the exit code of a failed unit (70 if\n"
			  "it had none in 64..78) when any failed; 64 usage; 65 finished units of\n"
			  "other inputs; 75 another sweep holds the directory; 78 bad plan.\n",
	};
	struct cli_args pos;
	int rc = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (rc >= 0)
		return rc;
	sc.plan_path = pos.v[0];
	cli_free(&spec, &pos); /* plan_path points into argv */
	if (shard) {
		if (plan_parse_shard(shard, &sc.shard_i, &sc.shard_n)) {
			fprintf(stderr, "mmsim sweep: --shard wants I/N with 1 <= I <= N, not '%s'\n", shard);
			return EX_USAGE_;
		}
	} else if (sweep_shard_from_env(&sc.shard_i, &sc.shard_n, &err)) {
		return cli_fail(&err);
	}
	if (list)
		return sweep_list(sc.plan_path, sc.shard_i, sc.shard_n, stdout, &err) ? cli_fail(&err) : 0;
	sc.jobs = (unsigned)jobs;
	sc.run_cmd = getenv("MMSIM_RUN_CMD");
	sc.preflight = !sc.run_cmd || !*sc.run_cmd;
	if (sc.preflight)
		sc.run_cmd = cli_self_path();
	sc.progress = isatty(2);
	if (sweep_run(&sc, &err))
		return cli_fail(&err);
	fprintf(stderr, "mmsim sweep: %s: shard %u/%u: %u run, %u already done, %u failed; %s/results.tsv\n",
		sc.dir_used, sc.shard_i, sc.shard_n, sc.nr_done, sc.nr_skipped, sc.nr_failed, sc.dir_used);
	return sc.nr_failed ? sc.first_fail_code : 0;
}
