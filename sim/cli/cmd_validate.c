/* cmd_validate.c — `mmsim validate [PATH...]`: replay real captures on their own machines
 * and print, per capture, the kernel's figures beside the simulator's with the scores
 * (sim/validate/validate.h, docs/validation.md). */
#include "cli.h"
#include "opts.h"

#include "../validate/validate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_validate(int argc, char **argv)
{
	const char *out = NULL, *keep = NULL;
	uint64_t seeds = 1;
	bool json = false;
	struct cli_opt opts[] = {
		{ "json", 0, CLI_FLAG, &json, NULL, "write the result as JSON (`mmsim report` renders it)" },
		{ "output", 'o', CLI_STR, &out, "FILE", "write the result to FILE (atomically) instead of stdout" },
		{ "keep", 0, CLI_STR, &keep, "DIR", "keep each replay (trace, config, run) as DIR/<capture>/" },
		{ "seeds", 0, CLI_U64, &seeds, "N",
		  "replay each capture under prefill seeds 0..N-1 (import --prefill-seed):\n"
		  "the median of each figure, its spread beside it (default 1, at most 64)",
		  .min = 1, .max = VALIDATE_MAX_SEEDS },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "validate", .synopsis = "[CAPTURE|DIR...]", .nr_pos_min = 0, .opts = opts,
		.about = "Each argument: a capture directory (`mmsim capture -o DIR`, or any directory with\n"
			 "a trace and before/after /proc snapshots) or a directory of them; default traces/real.\n"
			 "Each capture is imported and run on its own machine; per capture the key figures\n"
			 "(observed, simulated, sim/obs, within 2x), the count within 2x, the median\n"
			 "|log2 sim/obs| and per zone the buddyinfo distance and the free fraction at\n"
			 "order >= 9.  A figure the capture cannot tell is marked, not guessed.\n",
		.epilog = "Exit: 0 every capture replayed, 64 usage, 66 no capture, 70 a replay failed,\n"
			  "74 cannot write.\n",
	};
	struct cli_args pos;
	int rc = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (rc >= 0)
		return rc;
	char *def[] = { "traces/real", NULL };
	struct validate_control vc = {
		.mmsim = cli_self_path(),
		.paths = pos.nr ? pos.v : def,
		.nr_paths = pos.nr ? pos.nr : 1,
		.keep = keep,
		.log = stderr,
		.seeds = (unsigned)seeds,
	};
	struct validate_result res;
	struct sim_error err = { 0 };
	if (validate_run(&vc, &res, &err)) {
		validate_result_free(&res);
		cli_free(&spec, &pos);
		return cli_fail(&err);
	}
	FILE *fp = stdout;
	struct atomic_file af;
	if (out && strcmp(out, "-")) {
		fp = atomic_open(&af, out, &err);
		if (!fp) {
			validate_result_free(&res);
			cli_free(&spec, &pos);
			return cli_fail(&err);
		}
	}
	if (json)
		validate_write_json(&res, fp);
	else
		validate_write_text(&res, fp);
	if (fp != stdout) {
		if (ferror(fp)) {
			atomic_abort(&af);
			rc = cli_fail(&(struct sim_error){ EX_IOERR_, "write failed" });
		} else {
			rc = atomic_commit(&af, &err) ? cli_fail(&err) : 0;
		}
	} else {
		rc = 0;
	}
	for (size_t i = 0; !rc && i < res.nr; i++)
		if (res.cap[i].error[0])
			rc = EX_SOFTWARE_;
	validate_result_free(&res);
	cli_free(&spec, &pos);
	return rc;
}
