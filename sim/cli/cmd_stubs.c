/* Subcommands whose issue has not landed yet: each says so and exits 69.
 * Delete a stub here when its cmd_<name>.c arrives. */
#include "cli.h"

#include <stdio.h>

static int not_yet(const char *name)
{
	fprintf(stderr, "mmsim %s: not available in this build yet\n", name);
	return EX_UNAVAILABLE_;
}

int cmd_import(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
