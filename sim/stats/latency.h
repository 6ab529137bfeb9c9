/* latency.h — allocation latency distributions per allocation class (architecture.md §3, §7).
 *
 * Each class keeps a log2 histogram: bucket 0 holds 0 ns, bucket b ≥ 1 holds
 * [2^(b-1), 2^b − 1] ns, so 65 buckets cover all of uint64_t with a bounded error and
 * constant memory, whatever the run length.  Exact count, sum, min and max ride along.
 *
 * Invariants, per class:  count == Σ_b bucket[b];  count == 0 || min_ns <= sum_ns/count <= max_ns.
 */
#ifndef MMSIM_LATENCY_H
#define MMSIM_LATENCY_H

#include <stdio.h>

#include "../common.h"
#include "../kernel/gfp.h"

#define LATENCY_NR_BUCKETS 65

struct latency_hist {
	uint64_t bucket[LATENCY_NR_BUCKETS];
	uint64_t count;
	uint64_t sum_ns; /* saturates at UINT64_MAX */
	uint64_t min_ns; /* UINT64_MAX while count == 0 */
	uint64_t max_ns;
};

/* The struct mm.h forward-declares: one histogram per enum alloc_class, and one per
 * request order (0..MAX_PAGE_ORDER; an order above is refused and kept by class only):
 * the classes mix orders, and the defragmentation questions are about one order.
 *
 * Most allocations of a replay take the same time (the fast path's cost: every one that
 * completes as it is issued), so latency_record_alloc counts a value equal to same_ns
 * (the first value it was given) in nr_same only, and latency_fold adds those to the
 * buckets, sums, minima and maxima before anything reads them (a saturating sum of
 * non-negative values does not depend on the order of the additions).  count is kept
 * exact throughout:
 *   count == Σ_b bucket[b] + the nr_same entries of its class (or order) not yet folded
 *   some nr_same entry > 0  =>  has_same */
struct alloc_latency {
	struct latency_hist cls[NR_ALLOC_CLASSES];
	struct latency_hist order[NR_PAGE_ORDERS];
	sim_ns_t same_ns;
	bool has_same;
	uint64_t nr_same[NR_ALLOC_CLASSES][NR_PAGE_ORDERS + 1]; /* [c][NR_PAGE_ORDERS]: orders above */
};

void latency_init(struct alloc_latency *lat);
void latency_hist_init(struct latency_hist *h);
void latency_hist_add(struct latency_hist *h, sim_ns_t ns);
/* Bucket of a value (bit length: 0 -> 0, 1 -> 1, 2..3 -> 2, 4..7 -> 3, ...).  Inline with
 * the adds below: the replay records two values per allocation, on every record. */
static inline unsigned latency_bucket_inline(sim_ns_t ns)
{
	return ns ? 64u - (unsigned)__builtin_clzll(ns) : 0u;
}
/* latency_hist_add with ns's bucket b already known. */
static inline void latency_hist_add_at(struct latency_hist *h, unsigned b, sim_ns_t ns)
{
	h->bucket[b]++;
	h->count++;
	if (__builtin_add_overflow(h->sum_ns, ns, &h->sum_ns))
		h->sum_ns = UINT64_MAX; /* saturates */
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}
static inline void latency_record(struct alloc_latency *lat, enum alloc_class c, sim_ns_t ns)
{
	latency_hist_add_at(&lat->cls[c], latency_bucket_inline(ns), ns);
}
static inline void latency_record_order(struct alloc_latency *lat, unsigned order, sim_ns_t ns)
{
	if (order < NR_PAGE_ORDERS)
		latency_hist_add_at(&lat->order[order], latency_bucket_inline(ns), ns);
}
/* The first value latency_record_alloc sees becomes same_ns (out of line: once a run). */
void latency_set_same(struct alloc_latency *lat, sim_ns_t ns);
/* One allocation: latency_record and latency_record_order of the same value, its bucket
 * found once; a value equal to same_ns is only counted (folded by latency_fold). */
static inline void latency_record_alloc(struct alloc_latency *lat, enum alloc_class c, unsigned order, sim_ns_t ns)
{
	if (__builtin_expect(!lat->has_same, 0))
		latency_set_same(lat, ns);
	if (ns == lat->same_ns) {
		lat->nr_same[c][order < NR_PAGE_ORDERS ? order : NR_PAGE_ORDERS]++;
		lat->cls[c].count++;
		if (order < NR_PAGE_ORDERS)
			lat->order[order].count++;
		return;
	}
	unsigned b = latency_bucket_inline(ns);
	latency_hist_add_at(&lat->cls[c], b, ns);
	if (order < NR_PAGE_ORDERS)
		latency_hist_add_at(&lat->order[order], b, ns);
}
/* Add the counted same_ns values to the histograms (before reading anything but count). */
void latency_fold(struct alloc_latency *lat);

/* Bucket of a value, and the inclusive bounds of a bucket. */
unsigned latency_bucket(sim_ns_t ns);
uint64_t latency_bucket_lower_ns(unsigned b);
uint64_t latency_bucket_upper_ns(unsigned b);

/* Mean (0 when empty). */
double latency_mean_ns(const struct latency_hist *h);
/* Quantile q in [0, 1] (0 when empty): linear interpolation inside the bucket that holds
 * rank q·count, between the bucket's bounds narrowed to [min_ns, max_ns]; see latency.c. */
uint64_t latency_quantile_ns(const struct latency_hist *h, double q);

/* latency.tsv: a "class\tupper_ns\tcount" header, then for each class every bucket from 0
 * up to its highest non-empty one (so CDFs can be drawn), upper_ns inclusive. */
void latency_write_tsv(FILE *fp, const struct alloc_latency *lat);

#endif
