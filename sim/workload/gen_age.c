/* gen_age.c — the warm-up that ages a machine before the trace (model.md §2.10).
 *
 * A machine with uptime is not the machine boot leaves.  Its memory has been full for most
 * of its life (page cache takes what is free; reclaim keeps the free pages near the
 * watermarks), and kernel caches have grown and shrunk many times: slab claimed
 * pageblocks while it grew, and when it shrank the few objects still in use kept those
 * blocks from being whole again; the freed space went back to user memory (a MOVABLE
 * fallback claims the block, survivors and all).  Long-lived kernel objects end up
 * scattered over many pageblocks, many of them MOVABLE, and free memory is in pieces.
 * This stream replays such a history in `passes` passes.  Each pass
 *   churns  keeps fill_pct of memory in use (the first pass fills it): a random
 *           short-lived object is freed, then the next allocation comes, until one
 *           memory's worth of noise has been replaced; noise is page cache and anon
 *           (anon_pct of it), movable;
 *   grows   the kernel's caches meanwhile: unmovable (orders 0..3) and reclaimable
 *           (orders 0..1) allocations interleaved with the noise in proportion to the
 *           pages each class has still to allocate in the pass, AGE_SLAB_GROWTH times
 *           what the pass leaves behind;
 *   shrinks them at its end: the pass's short-lived kernel objects are freed in random
 *           order.  Which objects survive is decided as they are allocated, with the
 *           probability that keeps the pass's total on target (sequential sampling), so
 *           survivors are spread over the whole pass and end at unmovable_pct and
 *           reclaimable_pct of memory.
 * Finally the noise left is freed in random order, less pagecache_pct of memory in clean
 * page cache, chosen at random, which stays on the LRU.  Records are 1 us apart; the
 * simulator replays them open-loop before the trace and then resets its counters.
 *
 * The stream counts pages as if every allocation succeeded (it cannot see the node): at
 * fill_pct 100 the node's reclaim makes room by dropping page cache, as it would.  Every
 * draw comes from a GSL stream named for its purpose (as wl_stream), so the warm-up depends
 * on the run's seed only.  Objects are numbered from WL_AGE_ID_BASE and tasks are
 * WL_AGE_TASK_BASE + 0 (kernel), + 1 (page cache), + 2 (anon).
 */
#include "workload.h"

#include "wl_internal.h"

#include <stdlib.h>

#include "../kernel/params.h"

#define AGE_RECORD_GAP_NS 1000 /* 1 us between records */

enum age_class { AGE_UNMOVABLE, AGE_RECLAIMABLE, AGE_PAGECACHE, AGE_ANON, NR_AGE_CLASSES };

static const uint32_t age_gfp[NR_AGE_CLASSES] = {
	[AGE_UNMOVABLE] = GFP_KERNEL,
	[AGE_RECLAIMABLE] = GFP_KERNEL | __GFP_RECLAIMABLE,
	[AGE_PAGECACHE] = GFP_HIGHUSER_MOVABLE,
	[AGE_ANON] = GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
};
static const uint32_t age_task[NR_AGE_CLASSES] = { 0, 0, 1, 2 };

/* Order weights per class: slab caches of orders 0..3 (kmalloc-8k and task_struct-like
 * caches are order 3), dentry/inode slabs of orders 0..1, page-cache folios of orders
 * 0..2 (readahead), anon base pages (no THP in the warm-up). */
static const double age_order_w[NR_AGE_CLASSES][4] = {
	[AGE_UNMOVABLE] = { 55, 20, 15, 10 },
	[AGE_RECLAIMABLE] = { 80, 20, 0, 0 },
	[AGE_PAGECACHE] = { 60, 25, 15, 0 },
	[AGE_ANON] = { 100, 0, 0, 0 },
};

struct age_obj {
	uint64_t id;
	uint8_t order;
	uint8_t cls;
};

/* Kernel memory a pass allocates, in multiples of what it leaves behind. */
#define AGE_SLAB_GROWTH 8

enum age_phase { AGE_RUN, AGE_SHRINK, AGE_DRAIN, AGE_DONE };

struct age_objs {
	struct age_obj *v;
	size_t n, cap;
};

/* Between calls of wl_age_next:
 *   live == Σ_c live_pages[c] == Σ 2^order over objects allocated and not freed (as emitted)
 *   pool.v[0..pool.n) == the live noise;  slab.v[0..slab.n) == the pass's live short-lived
 *   kernel objects (AGE_SHRINK, AGE_DRAIN: those from `next` on are still to be freed)
 *   AGE_RUN: rem[k] pages of kernel class k and rem_noise of noise still to allocate in the
 *   pass, need[k] survivor pages of class k still to choose */
struct wl_age {
	struct machine_age_config cfg;
	uint64_t nr_pages;
	uint64_t fill_pages;
	gsl_rng *r_mix, *r_order, *r_fate, *r_free;
	gsl_ran_discrete_t *order_table[NR_AGE_CLASSES];

	enum age_phase phase;
	unsigned pass;
	uint64_t rem[2];          /* unmovable, reclaimable pages to allocate */
	uint64_t need[2];         /* of which survivors still to choose */
	uint64_t rem_noise;
	uint64_t live;
	uint64_t live_pages[NR_AGE_CLASSES];

	struct age_objs pool, slab;
	size_t next;

	uint64_t next_id;
	sim_ns_t t_ns;
	uint64_t nr_records;
};

static uint64_t pct_of(uint64_t pages, unsigned pct)
{
	return pages * pct / 100;
}

/* Pages of target `total` that pass p of n adds (integer split, the last takes the rest). */
static uint64_t share(uint64_t total, unsigned p, unsigned n)
{
	return total * (p + 1) / n - total * p / n;
}

static void objs_push(struct age_objs *l, struct age_obj o)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		struct age_obj *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = o;
}

/* Fisher–Yates. */
static void objs_shuffle(struct age_objs *l, gsl_rng *r)
{
	for (size_t i = l->n; i > 1; i--) {
		size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i);
		struct age_obj t = l->v[i - 1];
		l->v[i - 1] = l->v[j];
		l->v[j] = t;
	}
}

static void start_pass(struct wl_age *a)
{
	unsigned n = a->cfg.passes;
	uint64_t su = share(pct_of(a->nr_pages, a->cfg.unmovable_pct), a->pass, n);
	uint64_t sr = share(pct_of(a->nr_pages, a->cfg.reclaimable_pct), a->pass, n);
	a->rem[0] = AGE_SLAB_GROWTH * su;
	a->rem[1] = AGE_SLAB_GROWTH * sr;
	a->need[0] = su;
	a->need[1] = sr;
	/* one memory's worth of noise: what fits beside the kernel's survivors at the fill
	 * level; the first pass also fills memory */
	uint64_t kernel = pct_of(a->nr_pages, a->cfg.unmovable_pct) + pct_of(a->nr_pages, a->cfg.reclaimable_pct);
	uint64_t level = a->fill_pages > kernel ? a->fill_pages - kernel : 0;
	a->rem_noise = a->pass ? level : 2 * level;
	a->slab.n = 0;
	a->phase = AGE_RUN;
}

static void emit(struct wl_age *a, struct trace_record *rec)
{
	rec->time_ns = a->t_ns;
	a->t_ns += AGE_RECORD_GAP_NS;
	a->nr_records++;
}

static void free_obj(struct wl_age *a, const struct age_obj *o, struct trace_record *rec)
{
	a->live -= 1ull << o->order;
	a->live_pages[o->cls] -= 1ull << o->order;
	*rec = (struct trace_record){ .kind = TR_FREE, .id = o->id, .task = WL_AGE_TASK_BASE + age_task[o->cls] };
}

/* Free a random short-lived object (swap-remove from the pool). */
static bool churn_free(struct wl_age *a, struct trace_record *rec)
{
	if (!a->pool.n)
		return false;
	size_t i = (size_t)gsl_rng_uniform_int(a->r_free, (unsigned long)a->pool.n);
	struct age_obj o = a->pool.v[i];
	a->pool.v[i] = a->pool.v[--a->pool.n];
	free_obj(a, &o, rec);
	return true;
}

/* The next allocation; false when everything has been allocated. */
static bool next_alloc(struct wl_age *a, struct trace_record *rec)
{
	uint64_t total = a->rem[0] + a->rem[1] + a->rem_noise;
	if (!total)
		return false;
	double x = gsl_rng_uniform(a->r_mix) * (double)total;
	bool noise_is_anon = gsl_rng_uniform(a->r_mix) * 100.0 < (double)a->cfg.anon_pct;
	enum age_class cls;
	uint64_t *rem;
	if (x < (double)a->rem[0] && a->rem[0]) {
		cls = AGE_UNMOVABLE;
		rem = &a->rem[0];
	} else if (x < (double)(a->rem[0] + a->rem[1]) && a->rem[1]) {
		cls = AGE_RECLAIMABLE;
		rem = &a->rem[1];
	} else if (a->rem_noise) {
		cls = noise_is_anon ? AGE_ANON : AGE_PAGECACHE;
		rem = &a->rem_noise;
	} else {
		cls = a->rem[0] ? AGE_UNMOVABLE : AGE_RECLAIMABLE;
		rem = a->rem[0] ? &a->rem[0] : &a->rem[1];
	}
	unsigned order = (unsigned)gsl_ran_discrete(a->r_order, a->order_table[cls]);
	uint64_t pages = 1ull << order;
	bool survivor = false;
	if (cls == AGE_UNMOVABLE || cls == AGE_RECLAIMABLE) {
		/* Sequential sampling: survive with probability need / rem, so the survivors
		 * add up to the pass's share and are spread over the whole pass; an object
		 * whose pages the rest could no longer make up survives anyway, so
		 * need <= rem holds and the share is met (overshot by less than an object). */
		int k = cls == AGE_UNMOVABLE ? 0 : 1;
		double u = gsl_rng_uniform(a->r_fate);
		if (a->need[k] && (*rem < a->need[k] + pages || u * (double)*rem < (double)a->need[k])) {
			survivor = true;
			a->need[k] -= MIN(a->need[k], pages);
		}
	}
	*rem -= MIN(*rem, pages);
	uint64_t id = WL_AGE_ID_BASE + a->next_id++;
	struct age_obj o = { .id = id, .order = (uint8_t)order, .cls = (uint8_t)cls };
	if (cls == AGE_PAGECACHE || cls == AGE_ANON)
		objs_push(&a->pool, o);
	else if (!survivor)
		objs_push(&a->slab, o);
	a->live += pages;
	a->live_pages[cls] += pages;
	*rec = (struct trace_record){ .kind = TR_ALLOC, .id = id, .order = (uint8_t)order, .gfp = age_gfp[cls],
				      .task = WL_AGE_TASK_BASE + age_task[cls] };
	return true;
}

/* The end: the noise in random order, less a random pagecache_pct of memory in page
 * cache, which stays. */
static void plan_drain(struct wl_age *a)
{
	objs_shuffle(&a->pool, a->r_free);
	uint64_t keep = pct_of(a->nr_pages, a->cfg.pagecache_pct), kept = 0;
	size_t m = 0;
	for (size_t i = 0; i < a->pool.n; i++) {
		const struct age_obj *o = &a->pool.v[i];
		if (o->cls == AGE_PAGECACHE && kept < keep) {
			kept += 1ull << o->order;
			continue;
		}
		a->pool.v[m++] = *o;
	}
	a->pool.n = m;
	a->next = 0;
	a->phase = AGE_DRAIN;
}

int wl_age_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	(void)err;
	struct wl_age *a = ctx;
	for (;;) {
		switch (a->phase) {
		case AGE_RUN:
			/* At the fill level a short-lived object goes first (page cache
			 * dropped, a process exiting), then the next allocation comes. */
			if (a->live >= a->fill_pages && churn_free(a, rec)) {
				emit(a, rec);
				return 1;
			}
			if (next_alloc(a, rec)) {
				emit(a, rec);
				return 1;
			}
			objs_shuffle(&a->slab, a->r_free);
			a->next = 0;
			a->phase = AGE_SHRINK;
			continue;
		case AGE_SHRINK:
			if (a->next < a->slab.n) {
				free_obj(a, &a->slab.v[a->next++], rec);
				emit(a, rec);
				return 1;
			}
			if (++a->pass < a->cfg.passes)
				start_pass(a);
			else
				plan_drain(a);
			continue;
		case AGE_DRAIN:
			if (a->next < a->pool.n) {
				free_obj(a, &a->pool.v[a->next++], rec);
				emit(a, rec);
				return 1;
			}
			a->phase = AGE_DONE;
			continue;
		case AGE_DONE:
			return 0;
		}
	}
}

struct wl_age *wl_age_open(const struct machine_age_config *cfg, uint64_t seed, uint64_t nr_pages,
			   struct sim_error *err)
{
	struct wl_age *a = calloc(1, sizeof(*a));
	if (!a) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		return NULL;
	}
	a->cfg = *cfg;
	a->nr_pages = nr_pages;
	a->r_mix = wl_rng_named(seed, "age.mix");
	a->r_order = wl_rng_named(seed, "age.order");
	a->r_fate = wl_rng_named(seed, "age.fate");
	a->r_free = wl_rng_named(seed, "age.free");
	bool ok = a->r_mix && a->r_order && a->r_fate && a->r_free;
	for (int c = 0; c < NR_AGE_CLASSES && ok; c++) {
		a->order_table[c] = gsl_ran_discrete_preproc(4, age_order_w[c]);
		ok = a->order_table[c] != NULL;
	}
	if (!ok) {
		wl_age_close(a);
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		return NULL;
	}
	a->fill_pages = pct_of(nr_pages, a->cfg.fill_pct);
	if (!a->cfg.passes) {
		/* No history: the fill with the survivors alone, then the drain. */
		a->cfg.passes = 1;
		start_pass(a);
		a->rem[0] = a->need[0];
		a->rem[1] = a->need[1];
		a->rem_noise /= 2;
		return a;
	}
	start_pass(a);
	return a;
}

void wl_age_get_stats(const struct wl_age *a, struct wl_age_stats *st)
{
	st->nr_records = a->nr_records;
	st->unmovable_pages = a->live_pages[AGE_UNMOVABLE];
	st->reclaimable_pages = a->live_pages[AGE_RECLAIMABLE];
	st->pagecache_pages = a->live_pages[AGE_PAGECACHE];
}

void wl_age_close(struct wl_age *a)
{
	if (!a)
		return;
	gsl_rng *r[] = { a->r_mix, a->r_order, a->r_fate, a->r_free };
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (r[i])
			gsl_rng_free(r[i]);
	for (int c = 0; c < NR_AGE_CLASSES; c++)
		if (a->order_table[c])
			gsl_ran_discrete_free(a->order_table[c]);
	free(a->pool.v);
	free(a->slab.v);
	free(a);
}
