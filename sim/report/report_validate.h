/* report_validate.h — `mmsim report` of a `mmsim validate --json` result: one HTML page
 * (index.html) and a Markdown page (report.md) with, per capture, the observed and the
 * simulated value of every figure as a pair of bars (log scale, drawn as inline SVG, so no
 * gnuplot is needed), the scores, and the per-zone buddyinfo distance. */
#ifndef MMSIM_REPORT_VALIDATE_H
#define MMSIM_REPORT_VALIDATE_H

#include "../common.h"

/* Whether PATH is a file holding a validate result ("format": "mmsim-validate"). */
bool report_is_validate(const char *path);
/* Write OUT/index.html and OUT/report.md from the validate JSON at PATH; OUT is replaced
 * whole (atomic_dir) and only when it is absent or a report of ours. */
int report_validate_build(const char *path, const char *out, struct sim_error *err);

#endif
