/* gen_defrag.c — bursts of high-order requests over a fragmenting background, for the
 * defragmentation-trigger experiment (configs/defrag/, architecture.md §5).
 *
 * The question of the 2004 active-defragmentation thread is whether memory can be kept
 * ready for high-order requests that come in bursts — network receive buffers, slab
 * caches with order-3 slabs, large page-cache folios, THP faults — or whether, by the time
 * the background (kswapd, kcompactd, a defragmenter) reacts, the burst has already failed
 * or stalled.  So: a churn (the component under "background.") with long-lived unmovable
 * and reclaimable objects of small orders fragments memory all the time, and from `warmup`
 * on, every `interval`, one burst issues
 *   net.count   order net.order  GFP_ATOMIC|__GFP_COMP|__GFP_NOWARN|__GFP_NORETRY
 *               (skb_page_frag_refill's order-3 attempt in softirq context)
 *   slab.count  order slab.order GFP_KERNEL|__GFP_COMP|__GFP_NOWARN|__GFP_NORETRY
 *               (allocate_slab's first, high-order attempt)
 *   file.count  order file.order GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_NORETRY|__GFP_NOWARN
 *               (page_cache_ra_order: readahead_gfp_mask, a large folio), round-robin
 *               over file.files files, each file its own task (its mapping: the task
 *               stands for the address_space, sim/mm/mapping_pool.h)
 *   thp.count   order 9 THP faults: thp.gfp `light` = GFP_TRANSHUGE_LIGHT (defrag=madvise
 *               on a VMA without MADV_HUGEPAGE: no reclaim, no compaction, kswapd not
 *               woken) or `direct` = GFP_TRANSHUGE (madvised: direct compaction); both
 *               with __GFP_ZERO, the model's mark for anonymous memory
 * spread evenly over `spread`, the kind of each request drawn from the stream
 * "burst.kind" in proportion to what is left of each kind in the burst (so seeds
 * interleave the kinds differently).  Each object lives its kind's `lifetime`.
 * Tasks: the background's WL_TASK_BASE .. + background.tasks - 1, then net, slab, thp,
 * then the files.  The footprint of the background counts every live page of the
 * workload, bursts included (foreign_pages stays 0): a burst takes memory the background
 * then does not get.
 */
#include "wl_churn.h"

#include <stdio.h>

enum burst_kind { BK_NET, BK_SLAB, BK_FILE, BK_THP, NR_BURST_KINDS };
enum thp_gfp { THP_LIGHT, THP_DIRECT };
static const char *const thp_gfp_names[] = { "light", "direct", NULL };

struct burst_param {
	uint64_t count;
	uint64_t order;
	sim_ns_t lifetime_ns;
};

struct defrag_bursts {
	struct churn bg;
	sim_ns_t warmup_ns, interval_ns, spread_ns;
	struct burst_param k[NR_BURST_KINDS];
	uint64_t nr_files;
	unsigned thp_gfp; /* enum thp_gfp */

	/* run state */
	gsl_rng *r_kind;
	sim_ns_t burst_start_ns;        /* the burst in progress (or next) */
	uint64_t left[NR_BURST_KINDS];  /* requests of each kind still to issue in this burst */
	uint64_t issued, total;         /* of this burst */
	uint64_t file_rr;               /* the next file (round-robin over the run) */
	sim_ns_t bg_next_ns, burst_next_ns;
};

#define OFF(f) offsetof(struct defrag_bursts, f)
#define KOFF(K, f) (OFF(k) + (K) * sizeof(struct burst_param) + offsetof(struct burst_param, f))
#define BURST_PARAMS(name, K, def_count, def_order, def_life, what)                                  \
	{ name ".count", WLP_U64, KOFF(K, count), def_count, 0, 1e7, NULL, what " per burst (0: none)" }, \
	{ name ".order", WLP_U64, KOFF(K, order), def_order, 1, MAX_PAGE_ORDER, NULL, "their order" },   \
	{ name ".lifetime", WLP_DURATION, KOFF(K, lifetime_ns), def_life, 1, 1e15, NULL,              \
	  "each is freed this long after it is allocated" }

static const struct wl_param defrag_params[] = {
	CHURN_PARAMS("background.", OFF(bg)),
	{ "warmup", WLP_DURATION, OFF(warmup_ns), "1s", 0, 1e15, NULL, "background only, before the first burst" },
	{ "interval", WLP_DURATION, OFF(interval_ns), "500ms", 1, 1e15, NULL, "from one burst's start to the next" },
	{ "spread", WLP_DURATION, OFF(spread_ns), "20ms", 1, 1e15, NULL,
	  "a burst's requests are spread evenly over this long" },
	BURST_PARAMS("net", BK_NET, "64", "3", "5ms", "GFP_ATOMIC network receive buffers"),
	BURST_PARAMS("slab", BK_SLAB, "32", "3", "2s", "GFP_KERNEL slabs (unmovable)"),
	BURST_PARAMS("file", BK_FILE, "64", "4", "3s", "readahead large folios (page cache)"),
	BURST_PARAMS("thp", BK_THP, "4", "9", "3s", "THP faults"),
	{ "file.files", WLP_U64, OFF(nr_files), "8", 1, 4096, NULL,
	  "files (mappings, one task each) the page-cache folios are spread over" },
	{ "thp.gfp", WLP_ENUM, OFF(thp_gfp), "light", 0, 0, thp_gfp_names,
	  "light = GFP_TRANSHUGE_LIGHT (no reclaim or compaction) | direct = GFP_TRANSHUGE" },
};
#undef KOFF
#undef OFF

static uint32_t kind_gfp(const struct defrag_bursts *d, enum burst_kind k)
{
	switch (k) {
	case BK_NET:
		return GFP_ATOMIC | __GFP_COMP | __GFP_NOWARN | __GFP_NORETRY;
	case BK_SLAB:
		return GFP_KERNEL | __GFP_COMP | __GFP_NOWARN | __GFP_NORETRY;
	case BK_FILE:
		return GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NORETRY | __GFP_NOWARN;
	case BK_THP:
	case NR_BURST_KINDS:
		break;
	}
	return (d->thp_gfp == THP_DIRECT ? GFP_TRANSHUGE : GFP_TRANSHUGE_LIGHT) | __GFP_ZERO;
}

static void start_burst(struct defrag_bursts *d)
{
	d->total = 0;
	for (int k = 0; k < NR_BURST_KINDS; k++) {
		d->left[k] = d->k[k].count;
		d->total += d->k[k].count;
	}
	d->issued = 0;
}

/* Time of request i of the burst starting at start. */
static sim_ns_t request_time(const struct defrag_bursts *d, uint64_t i)
{
	return d->burst_start_ns + wl_ns_from_double((double)i * (double)d->spread_ns / (double)d->total);
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct defrag_bursts *d = state;
	if (churn_init(w, &d->bg, "background.", WL_TASK_BASE, err))
		return -1;
	d->r_kind = wl_stream(w, "burst.kind");
	if (!d->r_kind)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (d->spread_ns > d->interval_ns)
		return wl_param_error(w, err, "spread", "longer than interval (%llu ns)",
				      (unsigned long long)d->interval_ns);
	d->burst_start_ns = d->warmup_ns;
	start_burst(d);
	d->file_rr = 0;
	d->bg_next_ns = 0;
	d->burst_next_ns = d->total ? d->burst_start_ns : WL_NEVER;
	return 0;
}

/* Request `issued` of the burst, now; returns the next burst action time. */
static sim_ns_t burst_event(struct workload *w, struct defrag_bursts *d)
{
	/* The kind: drawn in proportion to what is left of each in this burst. */
	uint64_t left = d->total - d->issued;
	uint64_t pick = gsl_rng_uniform_int(d->r_kind, (unsigned long)left);
	enum burst_kind k = BK_NET;
	while (pick >= d->left[k]) {
		pick -= d->left[k];
		k++;
	}
	d->left[k]--;
	uint32_t task = WL_TASK_BASE + (uint32_t)d->bg.nr_tasks;
	if (k == BK_SLAB)
		task += 1;
	else if (k == BK_THP)
		task += 2;
	else if (k == BK_FILE)
		task += 3 + (uint32_t)(d->file_rr++ % d->nr_files);
	unsigned order = (unsigned)d->k[k].order;
	uint64_t id = wl_alloc_now(w, task, order, kind_gfp(d, k));
	wl_sched_free(w, wl_now(w) + d->k[k].lifetime_ns, task, id, order);
	if (++d->issued < d->total)
		return request_time(d, d->issued);
	d->burst_start_ns += d->interval_ns;
	start_burst(d);
	return d->burst_start_ns;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct defrag_bursts *d = state;
	sim_ns_t now = wl_now(w);
	/* Requests of a burst closer than 1 ns share a timestamp: issue them all now. */
	while (d->burst_next_ns <= now)
		d->burst_next_ns = burst_event(w, d);
	if (d->bg_next_ns == now)
		d->bg_next_ns = churn_step(w, &d->bg);
	return MIN(d->bg_next_ns, d->burst_next_ns);
}

static void fini(void *state)
{
	struct defrag_bursts *d = state;
	churn_fini(&d->bg);
}

const struct wl_kind wl_kind_defrag_bursts = {
	.name = "defrag_bursts",
	.doc = "bursts of order-3/4 network, slab and page-cache requests and THP faults over a fragmenting churn",
	.params = defrag_params,
	.nr_params = ARRAY_SIZE(defrag_params),
	.state_size = sizeof(struct defrag_bursts),
	.init = init,
	.step = step,
	.fini = fini,
};
