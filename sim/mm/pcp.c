/* pcp.c — per-cpu pagesets (model.md §2.8): small per-CPU caches of order 0..3 (and the
 * THP order) pages in front of the buddy lists.  Pages on a pcp list are neither free in
 * buddyinfo terms nor allocated, exactly as in the kernel, which is why NR_FREE_PAGES
 * drops when a list is refilled.  Simplification: `high` stays at high_min (no 6.7
 * auto-tuning) and a drain frees `batch` pages, oldest first. */
#include "mm.h"

#include <stdlib.h>

/* pcp_allowed_order() in 6.12: orders up to PAGE_ALLOC_COSTLY_ORDER, and the pageblock
 * order when THP is on; none without machine.pcp.  Decided once per node (mm.h). */
void pcp_setup_node(struct mm *mm)
{
	mm->nr_cpus = MAX(mm->cfg->machine.nr_cpus, 1u);
	mm->pcp_orders = 0;
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

static unsigned order_to_pindex(enum migratetype mt, unsigned order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER) /* the THP order: MOVABLE, or the shared list */
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE ? 0 : 1);
	return MIGRATE_PCPTYPES * order + mt;
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
		z->pcp = calloc(nr_cpus, sizeof(*z->pcp));
		if (!z->pcp)
			abort();
		for (unsigned c = 0; c < nr_cpus; c++)
			for (int i = 0; i < NR_PCP_LISTS; i++)
				pfn_list_init(&z->pcp[c].lists[i]);
	}
	uint32_t batch = pcp_batch_for(z->managed);
	/* high_min = low watermark / local CPUs, high_max = managed/8 / local CPUs; both at
	 * least 4 * batch. */
	uint64_t high_min = MAX(z->watermark[WMARK_LOW] / nr_cpus, 4ull * batch);
	uint64_t high_max = MAX(z->managed / 8 / nr_cpus, 4ull * batch);
	for (unsigned c = 0; c < nr_cpus; c++) {
		z->pcp[c].batch = batch;
		z->pcp[c].high_min = (uint32_t)high_min;
		z->pcp[c].high_max = (uint32_t)high_max;
		z->pcp[c].high = (uint32_t)high_min;
	}
}

static void pcp_hold(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, pfn_t pfn,
		     unsigned order, unsigned idx, bool tail)
{
	struct page_frame *p = &mm->pages[pfn];
	p->flags = 0;
	p->xflags = PFX_PCP;
	p->order = (uint8_t)order;
	pfn_list_add(&pcp->lists[idx], page_links(mm->pages), pfn, tail);
	pcp->nonempty |= 1u << idx;
	pcp->count += 1ull << order;
	z->nr_pcp_pages += 1ull << order;
}

static void pcp_release(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, pfn_t pfn, unsigned idx)
{
	unsigned order = mm->pages[pfn].order;
	pfn_list_del(&pcp->lists[idx], page_links(mm->pages), pfn);
	if (pfn_list_empty(&pcp->lists[idx]))
		pcp->nonempty &= ~(1u << idx);
	mm->pages[pfn].xflags = 0;
	pcp->count -= 1ull << order;
	z->nr_pcp_pages -= 1ull << order;
}

pfn_t pcp_alloc(struct mm *mm, struct zone *z, unsigned cpu, unsigned order, enum migratetype mt,
		unsigned alloc_flags)
{
	if (!z->pcp)
		pcp_setup_zone(mm, z);
	struct per_cpu_pages *pcp = pcp_of(mm, z, cpu);
	unsigned idx = order_to_pindex(mt, order);
	if (pfn_list_empty(&pcp->lists[idx])) {
		/* rmqueue_bulk: refill about `batch` pages' worth, fewer blocks for higher orders. */
		unsigned nr = MAX(pcp->batch >> order, 2u);
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			nr = 1;
		for (unsigned i = 0; i < nr; i++) {
			pfn_t pfn = buddy_rmqueue(mm, z, order, mt, alloc_flags);
			if (pfn == PFN_NONE)
				break;
			pcp_hold(mm, z, pcp, pfn, order, idx, true);
		}
		if (pfn_list_empty(&pcp->lists[idx]))
			return PFN_NONE;
	}
	pfn_t pfn = pcp->lists[idx].head;
	pcp_release(mm, z, pcp, pfn, idx);
	return pfn;
}

/* free_pcppages_bulk: return `nr` pages, oldest (list tail) first, round-robin over the
 * non-empty lists from list 0.  Returns the pages returned. */
static uint64_t pcp_drain(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, uint64_t nr)
{
	uint64_t before = pcp->count;
	unsigned idx = 0;
	while (nr && pcp->nonempty) {
		/* the next non-empty list at or after idx, wrapping round */
		uint32_t from = pcp->nonempty >> idx << idx;
		idx = (unsigned)__builtin_ctz(from ? from : pcp->nonempty);
		pfn_t pfn = pcp->lists[idx].tail;
		unsigned order = mm->pages[pfn].order;
		pcp_release(mm, z, pcp, pfn, idx);
		buddy_free_one(mm, z, pfn, order);
		nr -= MIN(nr, 1ull << order);
		idx = (idx + 1) % NR_PCP_LISTS;
	}
	return before - pcp->count;
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
	pcp_hold(mm, z, pcp, pfn, order, order_to_pindex(mt, order), false);
	if (pcp->count >= pcp->high)
		pcp_drain(mm, z, pcp, pcp->batch);
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
			drained += pcp_drain(mm, z, &z->pcp[c], UINT64_MAX);
	}
	count_vm_event(mm, VM_MMSIM_DRAIN_ALL_PAGES);
	count_vm_events(mm, VM_MMSIM_DRAIN_ALL_PAGES_PAGES, drained);
	return drained;
}
