#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cli_command commands[] = {
	{ "run", cmd_run, "simulate one configuration" },
	{ "sweep", cmd_sweep, "run a YAML sweep plan (matrix x repeat), resumable, sharded" },
	{ "merge", cmd_merge, "join shard output directories" },
	{ "gen", cmd_gen, "generate a synthetic trace from a workload YAML" },
	{ "capture", cmd_capture, "record a command's memory-management events (root, tracefs)" },
	{ "import", cmd_import, "import an ftrace / trace-cmd capture as a native trace" },
	{ "validate", cmd_validate, "replay real captures and score them against the kernel" },
	{ "report", cmd_report, "write an HTML report with gnuplot figures" },
	{ "compare", cmd_compare, "mmtests-style comparison table with Welch's t-test" },
	{ "inspect", cmd_inspect, "print a native trace's header and record counts" },
	{ "bench", cmd_bench, "run the performance benchmarks" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: mmsim COMMAND [ARGS]  (mmsim COMMAND --help for details)\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int cli_fail(const struct sim_error *err)
{
	fprintf(stderr, "mmsim: %s\n", err->msg);
	return err->code ? err->code : EX_SOFTWARE_;
}

int cli_stdout_done(int rc)
{
	/* Results go through stdio's buffer: a full disk or a closed pipe shows only at the
	 * flush, or as the stream's error flag from an earlier write. */
	errno = 0;
	bool bad = fflush(stdout) != 0;
	int e = errno;
	if (!bad && !ferror(stdout))
		return rc;
	fprintf(stderr, "mmsim: stdout: %s\n", e ? strerror(e) : "write error");
	clearerr(stdout);
	return rc ? rc : EX_IOERR_;
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static const char *self_path = "mmsim";
const char *cli_self_path(void)
{
	return self_path;
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		self_path = exe;
	}
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE_;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return cli_stdout_done(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmsim %s\n", MMSIM_VERSION);
		return cli_stdout_done(0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return cli_stdout_done(commands[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "mmsim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EX_USAGE_;
}
