/* cli.h — `mmsim` subcommands.  Only cli/ calls exit(); every command returns a
 * sysexits code. Each subcommand lives in its own cmd_<name>.c. */
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include "../common.h"

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the subcommand name */
	const char *summary;
};

int cmd_run(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* Print "mmsim: <msg>" for err on stderr and return its code. */
int cli_fail(const struct sim_error *err);
/* rc, or EX_IOERR_ after "mmsim: stdout: <reason>" when flushing stdout fails or an
 * earlier write to it failed (a full disk, a closed pipe): every command's results on
 * stdout pass through here before main() returns. */
int cli_stdout_done(int rc);
/* True when argv[i] is -h or --help. */
bool cli_is_help(const char *arg);
/* Path of the running mmsim binary (for sweeps that spawn `mmsim run`). */
const char *cli_self_path(void);

#endif
