/* mmsim report DIR... [-o REPORT] and mmsim report --compare OLD NEW [-o REPORT]: the
 * arguments of the report builder (report/report.h). */
#include "cli.h"
#include "opts.h"

#include "../report/report.h"
#include "../report/report_validate.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_report(int argc, char **argv)
{
	struct report_control rc = { 0 };
	struct sim_error err = { 0 };
	struct cli_list metrics;
	uint64_t max_series = 0;
	bool compare = false;
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &rc.out, "REPORT",
		  "output directory; writes index.html, report.md,\n"
		  "fig/*.png + fig/*.svg, data/*.dat", .def = "report" },
		{ "metric", 0, CLI_LIST, &metrics, "M",
		  "a headline metric (default: the plan's headline, else its\n"
		  "metrics, else elapsed time, p99 latencies, stalls)" },
		{ "compare", 0, CLI_FLAG, &compare, NULL,
		  "regression report: DIR... is OLD NEW, two runs of one\n"
		  "sweep; what moved beyond its noise comes first" },
		{ "max-series", 0, CLI_U64, &max_series, "N", "time-series figures for the first N groups only",
		  .def = "6" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "report", .synopsis = "DIR...", .nr_pos_min = 1, .opts = opts,
		.about = "DIR: a run dir, a point dir (r0/ r1/ ...), a sweep dir, or SWEEP:k=v[,k=v];\n"
			 "the plan's baseline (else the first group) is the comparison base.\n"
			 "--compare OLD NEW: two sweep dirs of one plan, each point's new runs\n"
			 "against its old ones, paired by seed.  Or one `mmsim validate --json` file.\n",
		.epilog = "environment: MMSIM_PLOTS_DIR (gnuplot scripts), MMSIM_GNUPLOT (gnuplot binary)\n",
	};
	struct cli_args pos;
	int ret = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (ret >= 0)
		return ret;
	if (!compare && pos.nr == 1 && report_is_validate(pos.v[0])) { /* `mmsim validate --json` output */
		ret = report_validate_build(pos.v[0], rc.out, &err) ? cli_fail(&err) : 0;
		if (!ret)
			printf("%s/index.html\n", rc.out);
		cli_free(&spec, &pos);
		return ret;
	}
	if (compare) {
		if (pos.nr != 2) {
			fprintf(stderr, "mmsim report: --compare takes two sweep directories, OLD NEW\n");
			cli_free(&spec, &pos);
			return EX_USAGE_;
		}
		rc.compare_old = pos.v[0];
		rc.compare_new = pos.v[1];
	} else {
		rc.inputs = (const char *const *)pos.v;
		rc.nr_inputs = pos.nr;
	}
	rc.metrics = metrics.v;
	rc.nr_metrics = metrics.nr;
	rc.max_series = (size_t)max_series;
	rc.gnuplot = getenv("MMSIM_GNUPLOT");
	rc.plots_dir = getenv("MMSIM_PLOTS_DIR");
	rc.exe_path = cli_self_path();
	ret = 0;
	if (report_build(&rc, &err))
		ret = cli_fail(&err);
	else {
		fprintf(stderr, "mmsim report: %s: %u figures, %u renderings failed\n", rc.out, rc.nr_figs,
			rc.nr_failed_figs);
		printf("%s/index.html\n", rc.out);
	}
	cli_free(&spec, &pos);
	return ret;
}
