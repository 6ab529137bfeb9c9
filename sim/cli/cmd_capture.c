/* cmd_capture.c — `mmsim capture -o DIR [--events SET] [--buffer-mb N] -- COMMAND ...`:
 * run COMMAND with the memory-management tracepoints on and write a capture directory
 * that `mmsim import DIR` and `mmsim validate` read (sim/trace/capture.h,
 * docs/validation.md). */
#include "cli.h"
#include "opts.h"

#include "../trace/capture.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

int cmd_capture(int argc, char **argv)
{
	const char *out = NULL, *events = NULL;
	uint64_t buffer_mb = 0;
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &out, "DIR", "the capture directory (written whole, or not at all)" },
		{ "events", 0, CLI_STR, &events, "SET",
		  "default: every event the importer reads but the slab-level ones;\n"
		  "all: those too; or a comma list of SYSTEM, SYSTEM:EVENT, EVENT" },
		{ "buffer-mb", 0, CLI_U64, &buffer_mb, "N", "ring buffer per CPU, in MiB",
		  .def = "64", .min = 1, .max = 65536 },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "capture", .synopsis = "-- COMMAND [ARG...]", .nr_pos_min = 1, .opts = opts,
		.about = "Runs COMMAND with the kmem, filemap, vmscan, compaction, migrate, writeback,\n"
			 "exceptions and cma tracepoints on (in a tracefs instance of its own; tracefs is\n"
			 "mounted if it is not), snapshots /proc/{zoneinfo,buddyinfo,pagetypeinfo,vmstat,\n"
			 "meminfo} at trace start and stop, reads every event, and refuses the capture if\n"
			 "the ring buffer lost any.  Needs root.\n",
		.epilog = "Exit: 0 ok (the command's own failure is reported, the capture kept), 64 usage,\n"
			  "69 no root / no tracefs / no such event, 74 cannot write, 75 events lost.\n"
			  "Test hooks: MMSIM_CAPTURE_TRACEFS=DIR uses DIR as the tracing root as is;\n"
			  "MMSIM_CAPTURE_PROC=DIR reads the snapshots from DIR instead of /proc.\n",
	};
	struct cli_args pos;
	int rc = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (rc >= 0)
		return rc;
	if (!out) {
		fprintf(stderr, "mmsim capture: -o DIR is required\n");
		cli_free(&spec, &pos);
		return EX_USAGE_;
	}
	struct capture_control cc = {
		.dir = out,
		.events = events,
		.buffer_kb = (unsigned)(buffer_mb * 1024),
		.argv = pos.v,
		.tracefs = getenv("MMSIM_CAPTURE_TRACEFS"),
		.procdir = getenv("MMSIM_CAPTURE_PROC"),
		.log = stderr,
	};
	struct capture_result res;
	struct sim_error err = { 0 };
	rc = capture_run(&cc, &res, &err) ? cli_fail(&err) : 0;
	if (!rc) {
		fprintf(stderr, "mmsim capture: %" PRIu64 " events in %.2f s, none lost; wrote %s\n",
			res.nr_events, res.seconds, out);
		if (WIFEXITED(res.status) && WEXITSTATUS(res.status))
			fprintf(stderr, "mmsim capture: warning: the command exited with status %d\n",
				WEXITSTATUS(res.status));
		else if (WIFSIGNALED(res.status))
			fprintf(stderr, "mmsim capture: warning: the command was killed by signal %d\n",
				WTERMSIG(res.status));
	}
	cli_free(&spec, &pos);
	return rc;
}
