/* pcp.c — per-cpu pagesets (model.md §2.8): small per-CPU caches of order 0..3 (and the
 * THP order) pages in front of the buddy lists.  Pages on a pcp list are neither free in
 * buddyinfo terms nor allocated, exactly as in the kernel, which is why NR_FREE_PAGES
 * drops when a list is refilled.  A drain frees the oldest pages (list tails) first.
 *
 * High auto-tuning (6.7+, as mm/page_alloc.c in 6.12; free_high's threshold as 6.15+): a
 * list's high rises from high_min towards high_max while frees overflow it (nr_pcp_high)
 * and while refills find it short
 * (nr_pcp_alloc), falls while the zone is under its high watermark (ZONE_BELOW_HIGH) or
 * kswapd is balancing it (ZONE_RECLAIM_ACTIVE), and loses an eighth a second
 * (decay_pcp_high); a drain frees as many pages as were freed in a row (nr_pcp_free), and
 * order-0 refills double while allocations come without frees (alloc_factor).
 * A list of a CPU whose cache share exceeds 3 batches (PCPF_FREE_HIGH_BATCH,
 * machine.cpu_data_slice_kb) drains such a run only while it holds a batch.
 * Simplified: the decay runs on the engine's simulated seconds.  While mm->pcp_fixed (an imported
 * trace's prefill, which lays out the capture's free memory in refills of one batch, or
 * machine.pcp_autotune off), high stays where it is and refills and drains take one batch,
 * as before 6.7. */
#include "mm.h"

#include <stdlib.h>

#include "../engine/engine.h"

#define PCP_BATCH_SCALE_MAX 5u              /* CONFIG_PCP_BATCH_SCALE_MAX (default) */
#define PCP_DECAY_NS NSEC_PER_SEC           /* vmstat_update: sysctl_stat_interval, HZ */

/* pcp_allowed_order() in 6.12: orders up to PAGE_ALLOC_COSTLY_ORDER, and the pageblock
 * order when THP is on; none without machine.pcp.  Decided once per node (mm.h). */
void pcp_setup_node(struct mm *mm)
{
	mm->nr_cpus = MAX(mm->cfg->machine.nr_cpus, 1u);
	mm->pcp_orders = 0;
	mm->pcp_fixed = !mm->cfg->machine.pcp_autotune;
	if (!mm->cfg->machine.pcp)
		return;
	mm->pcp_orders = (1u << (PAGE_ALLOC_COSTLY_ORDER + 1)) - 1;
	if (mm->cfg->machine.thp && mm->pageblock_order < 32)
		mm->pcp_orders |= 1u << mm->pageblock_order;
}

/* CPU cpu's pageset of z (cpu < nr_cpus for every request; the modulo is for the rest). */
static struct per_cpu_pages *pcp_of(const struct mm *mm, struct zone *z, unsigned cpu)
{
	return &z->pcp[cpu < mm->nr_cpus ? cpu : cpu % mm->nr_cpus];
}

static unsigned rounddown_pow_of_two(unsigned x)
{
	unsigned r = 1;
	while (r * 2 <= x)
		r *= 2;
	return r;
}

uint32_t pcp_batch_for(uint64_t managed)
{
	/* zone_batchsize: b = min(managed >> 10, 1 MiB of pages) / 4, at least 1;
	 * batch = rounddown_pow_of_two(b + b/2) - 1, at least 1. */
	uint64_t b = MIN(managed >> 10, 256) / 4;
	if (b < 1)
		b = 1;
	unsigned batch = rounddown_pow_of_two((unsigned)(b + b / 2)) - 1;
	return batch ? batch : 1;
}

void pcp_setup_zone(struct mm *mm, struct zone *z)
{
	unsigned nr_cpus = mm->cfg->machine.nr_cpus ? mm->cfg->machine.nr_cpus : 1;
	if (!z->pcp) {
		z->pcp = calloc(nr_cpus, sizeof(*z->pcp)); /* every list empty, no ring yet */
		if (!z->pcp)
			abort();
	}
	uint32_t batch = pcp_batch_for(z->managed);
	/* high_min = low watermark / local CPUs, high_max = managed/8 / local CPUs; both at
	 * least 4 * batch. */
	uint64_t high_min = MAX(z->watermark[WMARK_LOW] / nr_cpus, 4ull * batch);
	uint64_t high_max = MAX(z->managed / 8 / nr_cpus, 4ull * batch);
	/* zone_pcp_update_cacheinfo (6.18): PCPF_FREE_HIGH_BATCH when the CPU's share of its
	 * last-level cache (per_cpu_data_slice_size) is more than 3 batches of pages */
	bool free_high_batch = (uint64_t)mm->cfg->machine.cpu_data_slice_kb * 1024 / PAGE_SIZE > 3ull * batch;
	for (unsigned c = 0; c < nr_cpus; c++) {
		z->pcp[c].batch = batch;
		if (free_high_batch)
			z->pcp[c].flags |= PCPF_FREE_HIGH_BATCH;
		else
			z->pcp[c].flags &= (uint8_t)~PCPF_FREE_HIGH_BATCH;
		z->pcp[c].high_min = (uint32_t)high_min;
		z->pcp[c].high_max = (uint32_t)high_max;
		/* pageset_update leaves high alone: it is clamped to the new bounds */
		uint32_t h = z->pcp[c].high ? z->pcp[c].high : (uint32_t)high_min;
		z->pcp[c].high = (uint32_t)MIN(MAX((uint64_t)h, high_min), high_max);
	}
}

void pcp_destroy_zone(struct mm *mm, struct zone *z)
{
	for (unsigned c = 0; z->pcp && c < mm->nr_cpus; c++)
		for (int i = 0; i < NR_PCP_LISTS; i++)
			free(z->pcp[c].lists[i].pfn);
	free(z->pcp);
	z->pcp = NULL;
}

#define PCP_LIST_MIN 64u /* a ring's first capacity: a batch (63 at most) fits */

/* Double the ring of a full list (its blocks keep their order, from index 0). */
void pcp_list_grow(struct pcp_list *l)
{
	uint32_t cap = l->cap ? l->cap * 2 : PCP_LIST_MIN;
	pfn_t *v = malloc((size_t)cap * sizeof(*v));
	if (!v || cap < l->cap)
		abort();
	for (uint32_t i = 0; i < l->n; i++)
		v[i] = l->pfn[(l->head + i) & (l->cap - 1)];
	free(l->pfn);
	l->pfn = v;
	l->head = 0;
	l->cap = cap;
}

/* The once-a-second decay_pcp_high of 6.18 runs from vmstat_update whatever the lists
 * hold, and drains a list above its high even when high is at high_min; the model runs it
 * only while something is left to do: a high above high_min, or a list above its high (a
 * refill may take a list past high, and a free under ZONE_BELOW_HIGH or
 * ZONE_RECLAIM_ACTIVE lowers high below what the list keeps after its drain). */
static void arm_decay(struct mm *mm)
{
	if (mm->pcp_decay_armed || !mm->engine || !mm->pcp_decay_handler)
		return;
	mm->pcp_decay_armed = true;
	engine_schedule(mm->engine, mm->engine->now_ns + PCP_DECAY_NS, mm->pcp_decay_handler - 1, 0);
}

static uint64_t clamp_high(struct per_cpu_pages *pcp)
{
	pcp->high = MIN(MAX(pcp->high, pcp->high_min), pcp->high_max);
	return pcp->high;
}

/* nr_pcp_alloc (6.12): blocks a refill of an empty list takes.  Order 0 takes
 * batch << alloc_factor pages, bounded by the room under high (at least a batch), and a
 * refill that fits doubles the next (up to PCP_BATCH_SCALE_MAX); unless the zone is under
 * its high watermark a refill also raises high by that much (a larger high would have kept
 * the pages).  Higher orders take a batch's worth, at least 2 blocks. */
static unsigned nr_pcp_alloc(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, unsigned order)
{
	uint64_t base = pcp->batch;
	if (mm->pcp_fixed)
		return (unsigned)MAX(base >> order, 2u);
	uint64_t high = clamp_high(pcp);
	if (high < base)
		return 1;
	uint64_t batch = order ? base : base << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !z->below_high) {
		pcp->high = (uint32_t)MIN(high + batch, (uint64_t)pcp->high_max);
		high = pcp->high;
		if (pcp->high > pcp->high_min)
			arm_decay(mm);
	}
	if (!order) {
		uint64_t room = high > pcp->count + base ? high - pcp->count - base : 0;
		uint64_t max_nr_alloc = MAX(room, base);
		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = MIN(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = MAX(batch >> order, 2u);
	return (unsigned)batch;
}

pfn_t pcp_alloc(struct mm *mm, struct zone *z, unsigned cpu, unsigned order, enum migratetype mt,
		unsigned alloc_flags)
{
	if (!z->pcp)
		pcp_setup_zone(mm, z);
	struct per_cpu_pages *pcp = pcp_of(mm, z, cpu);
	unsigned idx = pcp_pindex(mt, order);
	if (!mm->pcp_fixed)
		pcp->free_count >>= 1; /* rmqueue_pcplist: an allocation breaks a run of frees */
	if (!pcp->lists[idx].n) {
		/* rmqueue_bulk: refill about `batch` pages' worth, fewer blocks for higher orders.
		 * The THP order takes max(batch >> order, 2) = 2 blocks, tuned or not (6.18
		 * nr_pcp_alloc; before 6.7 __rmqueue_pcplist scaled the batch the same way). */
		unsigned nr = nr_pcp_alloc(mm, z, pcp, order);
		buddy_rmqueue_bulk(mm, z, order, mt, alloc_flags, nr, pcp, idx);
		if (!pcp->lists[idx].n)
			return PFN_NONE;
		if (!mm->pcp_fixed && pcp->count > pcp->high)
			arm_decay(mm);
	}
	return pcp_take(mm, z, pcp, idx, false);
}

#define PCP_DRAIN_AHEAD 2 /* the block a drain prefetches for: this far from the list's tail */

/* free_pcppages_bulk: return `nr` pages, oldest (list tail) first.  Since 6.0 (with
 * machine.pcp_autotune): from list pindex on, the next non-empty list (wrapping round) is
 * emptied until nr are returned, then the one after it.  Before (autotune off): one page
 * from each non-empty list in turn from list 0.  Returns the pages returned. */
static uint64_t pcp_drain(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, uint64_t nr,
			  unsigned pindex)
{
	uint64_t before = pcp->count;
	bool whole_list = mm->cfg->machine.pcp_autotune;
	unsigned idx = whole_list ? pindex % NR_PCP_LISTS : 0;
	while (nr && pcp->nonempty) {
		/* the next non-empty list at or after idx, wrapping round */
		uint32_t from = pcp->nonempty >> idx << idx;
		idx = (unsigned)__builtin_ctz(from ? from : pcp->nonempty);
		do {
			pfn_t pfn = pcp_take(mm, z, pcp, idx, true);
			unsigned order = mm->pages[pfn].order;
			/* The list's next blocks are known (the ring): fetch the frames the merge
			 * will read for one of them, its own and its buddy's, which have gone cold
			 * since it was freed.  Every block of a list has the same order. */
			const struct pcp_list *l = &pcp->lists[idx];
			if (l->n >= PCP_DRAIN_AHEAD) {
				pfn_t q = l->pfn[(l->head + l->n - PCP_DRAIN_AHEAD) & (l->cap - 1)];
				__builtin_prefetch(&mm->pages[q], 1);
				__builtin_prefetch(&mm->pages[q ^ (1u << order)], 1);
			}
			buddy_free_one(mm, z, pfn, order);
			nr -= MIN(nr, 1ull << order);
		} while (whole_list && nr && pcp->lists[idx].n);
		idx = (idx + 1) % NR_PCP_LISTS;
	}
	return before - pcp->count;
}

void pcp_drain_batch(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, unsigned pindex)
{
	pcp_drain(mm, z, pcp, pcp->batch, pindex);
}

/* nr_pcp_high (6.12): the high a free is held to, adjusting pcp->high on the way.  A run of
 * order 1..3 frees (free_high) lowers it by batch << PCP_BATCH_SCALE_MAX and drains;
 * kswapd balancing the zone (ZONE_RECLAIM_ACTIVE) lowers it by the run of frees and holds
 * the list to 4 batches; a zone under its high watermark (ZONE_BELOW_HIGH) lowers it by the
 * run of frees but drains only above max(count, high_min); otherwise a list that overflows
 * raises it to hold the run plus a batch. */
/* high lowered by `by`, not below high_min */
static void lower_high(struct per_cpu_pages *pcp, uint64_t high, uint64_t by)
{
	pcp->high = (uint32_t)MAX(high > by ? high - by : 0, (uint64_t)pcp->high_min);
}

static uint64_t nr_pcp_high(struct zone *z, struct per_cpu_pages *pcp, bool free_high)
{
	uint64_t batch = pcp->batch, high = clamp_high(pcp); /* as nr_pcp_alloc: within the bounds */
	uint64_t free_count = MAX((uint64_t)pcp->free_count, batch);
	if (!high)
		return 0;
	if (free_high) {
		lower_high(pcp, high, batch << PCP_BATCH_SCALE_MAX);
		return 0;
	}
	if (z->reclaim_active) {
		lower_high(pcp, high, free_count);
		return MIN(batch << 2, (uint64_t)pcp->high);
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->below_high) {
		lower_high(pcp, high, free_count);
		return MAX(pcp->count, (uint64_t)pcp->high_min);
	}
	if (pcp->count >= high) {
		uint64_t need = (uint64_t)pcp->free_count + batch;
		if (pcp->high < need)
			pcp->high = (uint32_t)MIN(MAX(need, (uint64_t)pcp->high_min), (uint64_t)pcp->high_max);
	}
	return high;
}

/* nr_pcp_free (6.12): pages a drain returns — as many as were freed in a row, between a
 * batch and high less a batch; up to batch << PCP_BATCH_SCALE_MAX for free_high. */
static uint64_t nr_pcp_free(const struct per_cpu_pages *pcp, uint64_t high, bool free_high)
{
	uint64_t batch = pcp->batch;
	if (free_high)
		return MIN(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (high < batch)
		return 1;
	uint64_t lo = batch, hi = high - batch;
	return MIN(MAX((uint64_t)pcp->free_count, lo), MAX(hi, lo));
}

void pcp_free(struct mm *mm, struct zone *z, unsigned cpu, pfn_t pfn, unsigned order)
{
	enum migratetype mt = mm_zone_pageblock(mm, z, pfn)->mt;
	if (mt == MIGRATE_ISOLATE) { /* isolated blocks skip the pcp lists */
		buddy_free_one(mm, z, pfn, order);
		return;
	}
	if (mt >= MIGRATE_PCPTYPES) /* CMA and HIGHATOMIC go on the MOVABLE list */
		mt = MIGRATE_MOVABLE;
	if (!z->pcp)
		pcp_setup_zone(mm, z);
	struct per_cpu_pages *pcp = pcp_of(mm, z, cpu);
	unsigned pindex = pcp_pindex(mt, order);
	pcp_hold(mm, z, pcp, pfn, order, pindex, false);
	if (mm->pcp_fixed) {
		if (pcp->count >= pcp->high)
			pcp_drain(mm, z, pcp, pcp->batch, pindex);
		return;
	}
	/* free_unref_page_commit (6.12) */
	pcp->alloc_factor >>= 1;
	bool free_high = false;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		/* 6.15+ (free_frozen_page_commit in 6.18): the run must reach batch + high_min / 2
		 * (6.7..6.14: batch), so high-order pages stay on the list longer; with
		 * PCPF_FREE_HIGH_BATCH only once the list holds a batch (6.8+) */
		free_high = pcp->free_count >= pcp->batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= pcp->batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= (uint8_t)~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (pcp->batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1u << order;
	uint64_t high = nr_pcp_high(z, pcp, free_high);
	if (pcp->high > pcp->high_min)
		arm_decay(mm);
	if (pcp->count >= high) {
		pcp_drain(mm, z, pcp, nr_pcp_free(pcp, high, free_high), pindex);
		if (z->below_high &&
		    zone_watermark_ok(z, 0, zone_wmark(z, WMARK_HIGH), ZONE_MOVABLE, 0, z->nr_free_pages))
			z->below_high = false;
		if (pcp->count > pcp->high)
			arm_decay(mm);
	}
}

/* decay_pcp_high (6.12), for every list of every zone, once a simulated second while some
 * list's high is above its high_min or some list is above its high (arm_decay): high loses
 * an eighth (but stays at least count less batch << PCP_BATCH_SCALE_MAX, and at least
 * high_min) and a list above its high drains the excess. */
static void pcp_decay_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	struct mm *mm = ctx;
	(void)now_ns;
	(void)arg;
	mm->pcp_decay_armed = false;
	if (mm->pcp_fixed)
		return;
	bool again = false;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		if (!z->pcp)
			continue;
		for (unsigned c = 0; c < mm->nr_cpus; c++) {
			struct per_cpu_pages *pcp = &z->pcp[c];
			if (pcp->high > pcp->high_min) {
				uint64_t keep = (uint64_t)pcp->batch << PCP_BATCH_SCALE_MAX;
				uint64_t a = pcp->count > keep ? pcp->count - keep : 0;
				uint64_t b = pcp->high - (pcp->high >> 3);
				pcp->high = (uint32_t)MAX(MAX(a, b), (uint64_t)pcp->high_min);
				again |= pcp->high > pcp->high_min;
			}
			if (pcp->count > pcp->high)
				pcp_drain(mm, z, pcp, pcp->count - pcp->high, 0);
		}
	}
	if (again)
		arm_decay(mm);
}

int pcp_init(struct mm *mm, struct sim_error *err)
{
	if (!mm->engine || !mm->cfg->machine.pcp)
		return 0;
	if (mm->engine->nr_handlers + 1 > ENGINE_MAX_HANDLERS)
		return sim_error_set(err, EX_SOFTWARE_, "engine: no handler slot for the pcp decay");
	mm->pcp_decay_handler = engine_register(mm->engine, "pcp_decay", pcp_decay_event, mm) + 1;
	return 0;
}

/* The lists as a capture saw them (machine.pcp_start, written by mmsim import from the
 * zoneinfo "pagesets"): each listed CPU's list of its zone is emptied, takes `count` of
 * the zone's free order-0 pages (the prefill's order-0 holes standing for the per-cpu
 * pages; no larger block is split, so fewer when there are fewer), of them `blocks`
 * whole free pageblocks at its oldest end (pcp_start_blocks), and has its high set to
 * the captured one (with machine.pcp_autotune; without, high stays at high_min).  The kernel clamps high into high_min..high_max when it next uses it
 * (nr_pcp_high, nr_pcp_alloc), and so does the model. */
/* Free order-0 pages onto the list (its oldest end) until it holds `upto` pages. */
static void pcp_start_singles(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, uint64_t upto)
{
	static const enum migratetype order[MIGRATE_PCPTYPES] = { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE,
								  MIGRATE_RECLAIMABLE };
	for (unsigned k = 0; k < MIGRATE_PCPTYPES && pcp->count < upto; k++) {
		enum migratetype mt = order[k];
		while (pcp->count < upto && z->free_area[0].nr_free_mt[mt]) {
			pfn_t pfn = buddy_rmqueue(mm, z, 0, mt, 0);
			sim_assert(pfn != PFN_NONE);
			pcp_hold(mm, z, pcp, pfn, 0, pcp_pindex(mt, 0), true);
		}
	}
}

/* nr whole free MOVABLE pageblocks onto the list as order-0 pages, at its oldest end, so
 * the list's first drains return them and they merge into free blocks again (the pages a
 * list kept from a large free, say an exit, drained by decay_pcp_high or a free over high
 * in 6.18).  The zone's largest free blocks go first, both halves of a MAX_PAGE_ORDER
 * block together, so the smaller free blocks keep the shape the prefill gave them.
 * Returns the blocks taken (fewer when the zone has fewer). */
static uint64_t pcp_start_blocks(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, uint64_t nr)
{
	const unsigned pb = mm->pageblock_order;
	const unsigned idx = pcp_pindex(MIGRATE_MOVABLE, 0);
	uint64_t got = 0;
	while (got < nr) {
		unsigned above = (unsigned)z->free_orders[MIGRATE_MOVABLE] >> pb << pb;
		if (!above)
			break;
		unsigned top = 31u - (unsigned)__builtin_clz(above);
		unsigned order = nr - got >= (1ull << (top - pb)) ? top : pb;
		pfn_t pfn = buddy_rmqueue(mm, z, order, MIGRATE_MOVABLE, 0);
		sim_assert(pfn != PFN_NONE);
		for (pfn_t p = pfn; p < pfn + (1ull << order); p++)
			pcp_hold(mm, z, pcp, p, 0, idx, true);
		got += 1ull << (order - pb);
	}
	return got;
}

static void pcp_start_lists(struct mm *mm)
{
	const struct machine_config *mc = &mm->cfg->machine;
	for (unsigned i = 0; i < mc->nr_pcp_start; i++) {
		const struct pcp_start_config *ps = &mc->pcp_start[i];
		if (ps->zone < 0 || ps->zone >= MAX_NR_ZONES || ps->cpu >= mm->nr_cpus || !mm->pcp_orders)
			continue;
		struct zone *z = &mm->zones[ps->zone];
		if (!z->managed)
			continue;
		if (!z->pcp)
			pcp_setup_zone(mm, z);
		struct per_cpu_pages *pcp = &z->pcp[ps->cpu];
		pcp_drain(mm, z, pcp, UINT64_MAX, 0);
		/* without the tuning high stays at high_min (pre-6.7, whose high is that) */
		pcp->high = ps->high && mc->pcp_autotune ? ps->high : pcp->high_min;
		uint64_t nr_blocks = MIN((uint64_t)ps->blocks, ps->count >> mm->pageblock_order);
		uint64_t singles = ps->count - (nr_blocks << mm->pageblock_order);
		pcp_start_singles(mm, z, pcp, singles);
		uint64_t got = pcp_start_blocks(mm, z, pcp, nr_blocks);
		if (got < nr_blocks) /* fewer whole blocks free: order-0 pages for the rest */
			pcp_start_singles(mm, z, pcp, ps->count);
	}
}

/* The import's prefill lays memory out without the THP-order lists (pcp_set_fixed): its
 * frees and re-allocations of order-9 folios and holes go straight to and from the buddy
 * lists, as its layout counts on.  A THP on such a list is not free to the watermark
 * check (6.18 zone_watermark_fast looks at NR_FREE_PAGES and the buddy lists only), so at
 * the zone's floor the prefill's own re-allocation of the block it just freed would fail
 * and stall the rest of the prefill into the measured run.  The lists take the order from
 * the capture's first record on (machine.thp: pcp_allowed_order, a CONFIG test). */
static void pcp_thp_lists(struct mm *mm, bool on)
{
	if (!mm->pcp_orders || !mm->cfg->machine.thp || mm->pageblock_order >= 32)
		return;
	uint32_t bit = 1u << mm->pageblock_order;
	if (on) {
		mm->pcp_orders |= bit;
		return;
	}
	for (int i = 0; i < MAX_NR_ZONES; i++) /* nothing may stay on a list that is off */
		for (unsigned c = 0; mm->zones[i].pcp && c < mm->nr_cpus; c++) {
			struct per_cpu_pages *pcp = &mm->zones[i].pcp[c];
			for (unsigned k = NR_LOWORDER_PCP_LISTS; k < NR_PCP_LISTS; k++)
				while (pcp->lists[k].n)
					buddy_free_one(mm, &mm->zones[i], pcp_take(mm, &mm->zones[i], pcp, k, true),
						       mm->pageblock_order);
		}
	mm->pcp_orders &= ~bit;
}

void pcp_set_fixed(struct mm *mm, bool fixed)
{
	pcp_thp_lists(mm, !fixed);
	if (!fixed && !mm->pcp_started) {
		/* the capture's first record: its lists and its zones' boosts as captured */
		mm->pcp_started = true;
		pcp_start_lists(mm);
		mm_zone_capture_start(mm);
	}
	mm->pcp_fixed = fixed || !mm->cfg->machine.pcp_autotune;
	if (mm->pcp_fixed)
		return;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		for (unsigned c = 0; z->pcp && c < mm->nr_cpus; c++) {
			z->pcp[c].free_count = 0;
			z->pcp[c].alloc_factor = 0;
			z->pcp[c].flags &= PCPF_FREE_HIGH_BATCH; /* the CPU's, not the run's */
			if (z->pcp[c].high > z->pcp[c].high_min || z->pcp[c].count > z->pcp[c].high)
				arm_decay(mm);
		}
	}
}

/* drain_all_pages(NULL) in 6.12: every CPU's pcp lists of every zone go back to the buddy
 * lists, where they can merge; counted per call and per page drained. */
uint64_t mm_drain_all_pages(struct mm *mm)
{
	uint64_t drained = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		if (!z->pcp)
			continue;
		for (unsigned c = 0; c < mm->nr_cpus; c++)
			drained += pcp_drain(mm, z, &z->pcp[c], UINT64_MAX, 0);
	}
	count_vm_event(mm, VM_MMSIM_DRAIN_ALL_PAGES);
	count_vm_events(mm, VM_MMSIM_DRAIN_ALL_PAGES_PAGES, drained);
	return drained;
}
