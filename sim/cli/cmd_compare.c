/* mmsim compare BASE OTHER... — an mmtests-style table: per metric the base mean ± stddev,
 * each other's mean, % change and a Welch's t-test significance mark across repeats.
 * Arguments are run directories, point directories (r<k>/ repeats) or sweep directories,
 * optionally with a point selection "SWEEP:k=v,k=v".  A sweep directory given alone adds
 * every point; the first group overall is the base.
 */
#include "cli.h"

#include "../stats/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: mmsim compare [--metric PREFIX]... [--all] [--format text|markdown|html|tsv]\n"
		"                     BASE OTHER...\n"
		"  each argument: a run dir, a point dir (r0/ r1/ ...), a sweep dir, or SWEEP:k=v[,k=v]\n"
		"  (selection keys may be abbreviated to their last components: mode=none)\n"
		"  --metric PREFIX  only metrics starting with PREFIX (repeatable)\n"
		"  --all            also rows whose means are all zero\n"
		"marks: * p<0.05, ** p<0.01 (Welch's t-test, two-sided, across repeats)\n");
}

int cmd_compare(int argc, char **argv)
{
	struct runset rs = { 0 };
	struct sim_error err = { 0 };
	char **filters = calloc((size_t)argc, sizeof(char *));
	struct compare_control cc = { .rs = &rs, .format = COMPARE_TEXT, .filters = filters };
	int rc = 0, nr_args = 0;
	if (!filters)
		return EX_SOFTWARE_;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			usage(stdout);
			goto out;
		} else if (!strcmp(argv[i], "--metric") && i + 1 < argc) {
			filters[cc.nr_filters++] = argv[++i];
		} else if (!strcmp(argv[i], "--all")) {
			cc.all = true;
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (!strcmp(f, "text"))
				cc.format = COMPARE_TEXT;
			else if (!strcmp(f, "markdown"))
				cc.format = COMPARE_MARKDOWN;
			else if (!strcmp(f, "html"))
				cc.format = COMPARE_HTML;
			else if (!strcmp(f, "tsv"))
				cc.format = COMPARE_TSV;
			else {
				usage(stderr);
				rc = EX_USAGE_;
				goto out;
			}
		} else if (argv[i][0] == '-') {
			usage(stderr);
			rc = EX_USAGE_;
			goto out;
		} else {
			nr_args++;
			if (runset_add(&rs, argv[i], &err)) {
				rc = cli_fail(&err);
				goto out;
			}
		}
	}
	if (nr_args == 0) {
		usage(stderr);
		rc = EX_USAGE_;
		goto out;
	}
	if (rs.nr_groups < 2) {
		/* One run of an imported trace: the kernel's figures beside the simulator's. */
		if (compare_write_observed(&cc, stdout))
			goto out;
		fprintf(stderr, "mmsim compare: need at least two groups of runs to compare, got %zu\n",
			rs.nr_groups);
		rc = EX_USAGE_;
		goto out;
	}
	if (compare_write(&cc, stdout) == 0)
		fprintf(stderr, "mmsim compare: no metric matched\n");
	if (cc.format == COMPARE_TEXT || cc.format == COMPARE_MARKDOWN)
		compare_write_observed(&cc, stdout);
out:
	runset_free(&rs);
	free(filters);
	return rc;
}
