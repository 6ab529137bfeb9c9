/* opts.h — one declarative option table per subcommand, parsed and printed by one function
 * each, so every subcommand spells its options the same way:
 *
 *   --name VALUE, --name=VALUE      every long option that takes a value
 *   -x VALUE, -xVALUE               every short option that takes a value
 *   --flag, -f                      flags (a value given to a flag is an error)
 *   --                              everything after it is positional
 *   -                               positional (stdin for the commands that read one)
 *   -h, --help                      help generated from the table, on stdout, exit 0
 *
 * Numbers are full unsigned decimals checked against [min, max]; any error (unknown
 * option, missing or bad value, wrong number of positionals) names the option and value
 * and is EX_USAGE_.
 */
#ifndef MMSIM_CLI_OPTS_H
#define MMSIM_CLI_OPTS_H

#include "../common.h"

#include <stdio.h>

enum cli_arg_type {
	CLI_FLAG,   /* bool *dest = true; takes no value */
	CLI_STR,    /* const char **dest = the value (the last one given wins) */
	CLI_LIST,   /* struct cli_list *dest: every value, in order (repeatable) */
	CLI_U64,    /* uint64_t *dest: a full decimal in [min, max] */
	CLI_CHOICE, /* int *dest = index of the value in choices (NULL-terminated) */
};

/* The values of a repeatable option; v[nr] == NULL.  Owned by the parser: cli_free(). */
struct cli_list {
	size_t nr;
	const char **v;
};

/* One option.  dest's type follows type (above); def, when set, is parsed into dest
 * before argv as if given first, and shown in the help as the default. */
struct cli_opt {
	const char *name;   /* long name without "--" */
	char short_name;    /* 0: none */
	enum cli_arg_type type;
	void *dest;
	const char *metavar; /* the value's name in the help ("DIR", "N") */
	const char *help;    /* may hold '\n': continuation lines are indented */
	const char *def;
	uint64_t min, max;   /* CLI_U64 only; max 0 means UINT64_MAX */
	const char *const *choices; /* CLI_CHOICE only */
	unsigned nr_seen;    /* set by cli_parse: how many times argv gave it */
};

/* A subcommand: its name, positionals and option table (terminated by a zero entry).
 * nr_pos_max 0 means no limit. */
struct cli_spec {
	const char *name;     /* "run": messages say "mmsim run: ..." */
	const char *synopsis; /* the positionals: "CONFIG", "DIR..." */
	const char *about;    /* printed between the usage line and the options */
	const char *epilog;   /* printed after the options, or NULL */
	unsigned nr_pos_min, nr_pos_max;
	struct cli_opt *opts;
};

/* Positional arguments, in argv order; v[nr] == NULL. */
struct cli_args {
	size_t nr;
	char **v;
};

enum cli_parse_result {
	CLI_PARSE_OK = 0,
	CLI_PARSE_HELP = 1, /* -h / --help: the caller prints cli_help() and exits 0 */
	CLI_PARSE_ERROR = -1,
};

/* Parse argv[1..argc-1] (argv[0] is the subcommand) into the table's dests and pos.
 * On CLI_PARSE_ERROR err holds EX_USAGE_ and a message naming the option; nothing needs
 * freeing.  On CLI_PARSE_OK and CLI_PARSE_HELP call cli_free() when done with the values. */
enum cli_parse_result cli_parse(struct cli_spec *spec, int argc, char **argv, struct cli_args *pos,
				struct sim_error *err);
void cli_free(struct cli_spec *spec, struct cli_args *pos);

/* How many times argv gave the option called name (0 when only its default applies). */
unsigned cli_seen(const struct cli_spec *spec, const char *name);

/* The help page generated from spec: usage line, about, one line per option, epilog. */
void cli_help(const struct cli_spec *spec, FILE *fp);

/* Parse and handle the outcome the same way for every subcommand: returns -1 to go on, or
 * the exit code (0 after printing the help on stdout; EX_USAGE_ after printing
 * "mmsim NAME: MSG" and a hint on stderr). */
int cli_parse_or_exit(struct cli_spec *spec, int argc, char **argv, struct cli_args *pos);

/* A full unsigned decimal ("12x", "-1", "", overflow are not); 0 or -1. */
int cli_parse_u64(const char *s, uint64_t *v);

#endif
