#include "stat.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

void stat_summarize(const double *x, size_t n, struct stat_summary *s)
{
	*s = (struct stat_summary){ .n = n };
	if (n == 0)
		return;
	s->mean = gsl_stats_mean(x, 1, n);
	gsl_stats_minmax(&s->min, &s->max, x, 1, n);
	s->ci_lo = s->ci_hi = s->mean;
	if (n < 2)
		return;
	s->stddev = gsl_stats_sd_m(x, 1, n, s->mean);
	double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s->stddev / sqrt((double)n);
	s->ci_lo = s->mean - half;
	s->ci_hi = s->mean + half;
}

void stat_welch(const struct stat_summary *a, const struct stat_summary *b, struct stat_welch *w)
{
	*w = (struct stat_welch){ .t = NAN, .df = NAN, .p = NAN };
	if (a->n < 2 || b->n < 2)
		return;
	double va = a->stddev * a->stddev / (double)a->n;
	double vb = b->stddev * b->stddev / (double)b->n;
	double diff = a->mean - b->mean;
	if (va + vb == 0) {
		w->t = diff == 0 ? 0 : (diff > 0 ? INFINITY : -INFINITY);
		w->df = (double)(a->n + b->n - 2);
		w->p = diff == 0 ? 1 : 0;
		return;
	}
	w->t = diff / sqrt(va + vb);
	w->df = (va + vb) * (va + vb) /
		(va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	w->p = 2 * gsl_cdf_tdist_Q(fabs(w->t), w->df);
	if (w->p > 1)
		w->p = 1;
}

const char *stat_mark(double p)
{
	if (isnan(p))
		return "";
	if (p < 0.01)
		return "**";
	if (p < 0.05)
		return "*";
	return "";
}

double stat_pct_change(double base, double other)
{
	if (base == 0)
		return other == 0 ? 0 : NAN;
	return (other - base) / fabs(base) * 100.0;
}
