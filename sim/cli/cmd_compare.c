/* mmsim compare BASE OTHER... — an mmtests-style table: per metric the base mean ± stddev,
 * each other's mean, % change and a Welch's t-test significance mark across repeats.
 * Arguments are run directories, point directories (r<k>/ repeats) or sweep directories,
 * optionally with a point selection "SWEEP:k=v,k=v".  A sweep directory given alone adds
 * every point; the first group overall is the base.
 */
#include "cli.h"
#include "opts.h"

#include "../stats/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_compare(int argc, char **argv)
{
	/* in the order of enum compare_format */
	static const char *const formats[] = { "text", "markdown", "html", "tsv", NULL };
	_Static_assert(ARRAY_SIZE(formats) == NR_COMPARE_FORMATS + 1, "a name per compare_format");
	struct runset rs = { 0 };
	struct sim_error err = { 0 };
	struct cli_list filters;
	int format = 0;
	bool all = false;
	struct cli_opt opts[] = {
		{ "metric", 0, CLI_LIST, &filters, "PREFIX", "only metrics starting with PREFIX" },
		{ "all", 0, CLI_FLAG, &all, NULL, "also rows whose means are all zero" },
		{ "format", 0, CLI_CHOICE, &format, "FORMAT", "table format", .def = "text", .choices = formats },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "compare", .synopsis = "BASE OTHER...", .nr_pos_min = 1, .opts = opts,
		.about = "Each argument: a run dir, a point dir (r0/ r1/ ...), a sweep dir, or SWEEP:k=v[,k=v]\n"
			 "(selection keys may be abbreviated to their last components: mode=none).\n",
		.epilog = "marks: * p<0.05, ** p<0.01 (Welch's t-test, two-sided, across repeats)\n",
	};
	struct cli_args pos;
	int rc = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (rc >= 0)
		return rc;
	rc = 0;
	struct compare_control cc = { .rs = &rs, .format = (enum compare_format)format,
				      .filters = (char **)filters.v, .nr_filters = filters.nr,
				      .all = all };
	for (size_t i = 0; i < pos.nr; i++)
		if (runset_add(&rs, pos.v[i], &err)) {
			rc = cli_fail(&err);
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
	cli_free(&spec, &pos);
	return rc;
}
