/* stat.h — summary statistics across repeats and Welch's t-test (GSL), for sweeps,
 * `mmsim compare` and reports.
 *
 * Conventions (as mmtests and most papers report them):
 *   stddev   sample standard deviation, divisor n - 1 (0 when n < 2)
 *   CI       95% two-sided confidence interval of the mean with Student's t:
 *            mean ± t_{0.975, n-1} · stddev / √n   (zero width when n < 2)
 *   Welch    t  = (mean_a - mean_b) / √(s_a²/n_a + s_b²/n_b)
 *            df = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1))
 *            p  = 2 · Q_t(|t|, df)  (two-sided)
 */
#ifndef MMSIM_STAT_H
#define MMSIM_STAT_H

#include "../common.h"

struct stat_summary {
	size_t n;
	double mean, stddev, min, max;
	double ci_lo, ci_hi; /* 95% CI of the mean; ci_lo == ci_hi == mean when n < 2 */
};

struct stat_welch {
	double t, df, p; /* p is NaN when a side has fewer than 2 samples */
};

/* Summarise N values (N may be 0: all fields 0). */
void stat_summarize(const double *x, size_t n, struct stat_summary *s);
/* Welch's unequal-variance t-test of A against B. When both variances are 0 the test is
 * degenerate: p = 1 for equal means and 0 otherwise (a deterministic difference). */
void stat_welch(const struct stat_summary *a, const struct stat_summary *b, struct stat_welch *w);
/* Significance mark for p: "**" p < 0.01, "*" p < 0.05, "" otherwise or NaN. */
const char *stat_mark(double p);
/* Percent change of OTHER relative to BASE (NaN when base is 0 and other is not; 0 for 0/0). */
double stat_pct_change(double base, double other);

#endif
