/* latency.c — log2 latency histograms and their quantiles. */
#include "latency.h"

#include <string.h>

void latency_hist_init(struct latency_hist *h)
{
	*h = (struct latency_hist){ .min_ns = UINT64_MAX };
}

void latency_init(struct alloc_latency *lat)
{
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		latency_hist_init(&lat->cls[c]);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		latency_hist_init(&lat->order[o]);
	lat->same_ns = 0;
	lat->has_same = false;
	memset(lat->nr_same, 0, sizeof(lat->nr_same));
}

void latency_set_same(struct alloc_latency *lat, sim_ns_t ns)
{
	lat->same_ns = ns;
	lat->has_same = true;
}

/* n values of ns, already in h->count. */
static void hist_fold(struct latency_hist *h, sim_ns_t ns, uint64_t n)
{
	uint64_t add;
	h->bucket[latency_bucket_inline(ns)] += n;
	if (__builtin_mul_overflow(ns, n, &add) || __builtin_add_overflow(h->sum_ns, add, &h->sum_ns))
		h->sum_ns = UINT64_MAX; /* saturates, as n separate additions would */
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

void latency_fold(struct alloc_latency *lat)
{
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		for (int o = 0; o <= NR_PAGE_ORDERS; o++) {
			uint64_t n = lat->nr_same[c][o];
			if (!n)
				continue;
			hist_fold(&lat->cls[c], lat->same_ns, n);
			if (o < NR_PAGE_ORDERS)
				hist_fold(&lat->order[o], lat->same_ns, n);
			lat->nr_same[c][o] = 0;
		}
}

unsigned latency_bucket(sim_ns_t ns)
{
	return latency_bucket_inline(ns);
}

uint64_t latency_bucket_lower_ns(unsigned b)
{
	return b ? (uint64_t)1 << (b - 1) : 0;
}

uint64_t latency_bucket_upper_ns(unsigned b)
{
	return b == 0 ? 0 : b >= 64 ? UINT64_MAX : ((uint64_t)1 << b) - 1;
}

void latency_hist_add(struct latency_hist *h, sim_ns_t ns)
{
	latency_hist_add_at(h, latency_bucket_inline(ns), ns);
}

double latency_mean_ns(const struct latency_hist *h)
{
	return h->count ? (double)h->sum_ns / (double)h->count : 0.0;
}

/* The sample of rank t = q·count (t in [0, count]) lies in the first bucket whose
 * cumulative count reaches t.  Inside it the n samples are taken as spread evenly over
 * [lo, hi] — the bucket's bounds narrowed to the observed [min_ns, max_ns], which makes
 * the result exact when every sample is equal and keeps p0 = min, p100 = max — so the
 * answer is lo + (t − before)/n · (hi − lo), rounded to the nearest ns. */
uint64_t latency_quantile_ns(const struct latency_hist *h, double q)
{
	if (!h->count)
		return 0;
	q = q < 0 ? 0 : q > 1 ? 1 : q;
	double t = q * (double)h->count;
	uint64_t before = 0;
	for (unsigned b = 0; b < LATENCY_NR_BUCKETS; b++) {
		uint64_t n = h->bucket[b];
		if (!n || (double)(before + n) < t) {
			before += n;
			continue;
		}
		uint64_t lo_ns = MAX(latency_bucket_lower_ns(b), h->min_ns);
		uint64_t hi_ns = MIN(latency_bucket_upper_ns(b), h->max_ns);
		double v = (double)lo_ns + ((t - (double)before) / (double)n) * (double)(hi_ns - lo_ns);
		if (v >= (double)hi_ns)
			return hi_ns; /* also keeps huge values out of an overflowing cast */
		return (uint64_t)(v + 0.5);
	}
	return h->max_ns; /* not reached: t <= count */
}

void latency_write_tsv(FILE *fp, const struct alloc_latency *lat)
{
	fputs("class\tupper_ns\tcount\n", fp);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		const struct latency_hist *h = &lat->cls[c];
		if (!h->count)
			continue;
		unsigned top = latency_bucket(h->max_ns);
		for (unsigned b = 0; b <= top; b++)
			fprintf(fp, "%s\t%llu\t%llu\n", alloc_class_names[c],
				(unsigned long long)latency_bucket_upper_ns(b),
				(unsigned long long)h->bucket[b]);
	}
}
