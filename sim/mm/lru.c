/* lru.c — the LRU list primitives (model.md §4.3). Policy (which list, ageing, scanning)
 * lives in vmscan.c; this file only keeps the lists and their counts exact.  A head page is
 * on the list lru_list_of(flags) of its memcg's lruvec exactly when it has PF_LRU; the
 * node lruvec's counts follow every change (mm.h struct lruvec). */
#include "mm.h"

#include <stdlib.h>

/* The zone index of pfn (mm->zone_of_block). */
static unsigned lru_zone_idx(const struct mm *mm, pfn_t pfn)
{
	sim_assert(pfn < mm->nr_pages);
	return mm->zone_of_block[pfn >> mm->pageblock_order];
}

static inline enum lru_list list_of(uint16_t flags)
{
	return lru_list_inline(flags);
}

enum lru_list lru_list_of(uint16_t flags)
{
	return list_of(flags);
}

struct lruvec *lru_lruvec_memcg(struct mm *mm, const struct page_frame *p, enum lru_list l, unsigned z,
				int64_t nr)
{
	mm->lruvec.nr_pages[l] += (uint64_t)nr;
	mm->lruvec.nr_zone_pages[z][l] += (uint64_t)nr;
	return page_lruvec(mm, p);
}

/* The heads of ring r move down, in order, to consecutive positions from first (each moved
 * head's position rewritten in its frame: the copy reads the ring in order, so the frames
 * are prefetched ahead of their writes), and end follows the last.  In place: a head only
 * ever moves to a lower or the same position. */
static void ring_compact(struct lru_ring *r, struct page_frame *pages)
{
	uint32_t m = r->cap - 1, x = r->first, w = x;
	for (uint32_t i = x; i != r->end; i++) {
		pfn_t pfn = r->slot[i & m];
		if (pfn == PFN_NONE)
			continue;
		uint32_t ahead = (i + 8) & m;
		if (i + 8 - x < r->end - x && r->slot[ahead] != PFN_NONE)
			__builtin_prefetch(&pages[r->slot[ahead]], 1);
		if (w != i) {
			r->slot[w & m] = pfn;
			pages[pfn].prev = w & LRU_POS_MASK;
		}
		w++;
	}
	r->end = w;
}

/* A full ring (mm.h struct lru_ring).  Holes at least half of it: the heads, in order, to
 * consecutive positions from first, in place (ring_compact: amortised over the
 * cap / 2 removals that made the holes).  Otherwise twice the size, every slot at its
 * position modulo the new size: the heads keep their positions.  (Until session 17 the
 * compaction copied the ring into a newly allocated one of the same size.) */
void lru_ring_grow(struct lru_ring *r, struct page_frame *pages)
{
	if (r->cap && r->nr <= r->cap / 2) {
		ring_compact(r, pages);
		sim_assert(r->end - r->first == r->nr);
		return;
	}
	uint32_t cap = !r->cap ? 64 : r->cap * 2;
	sim_assert(cap <= LRU_POS_MASK / 2 + 1);
	pfn_t *slot = malloc((size_t)cap * sizeof(*slot));
	if (!slot)
		abort(); /* out of host memory inside a simulation step, as the other tables */
	uint32_t m = r->cap - 1, nm = cap - 1;
	for (uint32_t i = r->first; i != r->end; i++)
		slot[i & nm] = r->slot[i & m];
	free(r->slot);
	r->slot = slot;
	r->cap = cap;
}

void lru_ring_settle(struct lruvec *v, enum lru_list l)
{
	struct lru_ring *r = &v->rings[l];
	uint32_t m = r->cap - 1;
	if (!r->nr) {
		r->first = r->end;
		v->lists[l].head = v->lists[l].tail = PFN_NONE;
		return;
	}
	while (r->slot[(r->end - 1) & m] == PFN_NONE)
		r->end--;
	while (r->slot[r->first & m] == PFN_NONE)
		r->first++;
	v->lists[l].head = r->slot[r->first & m];
	v->lists[l].tail = r->slot[(r->end - 1) & m];
}

void lru_rings_free(struct lruvec *v)
{
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		free(v->rings[l].slot);
		v->rings[l] = (struct lru_ring){ 0 };
	}
}

pfn_t lru_next(const struct mm *mm, const struct lruvec *v, enum lru_list l, pfn_t pfn)
{
	const struct lru_ring *r = &v->rings[l];
	uint32_t m = r->cap - 1;
	uint32_t i = r->first + ((mm->pages[pfn].prev - r->first) & m);
	sim_assert(r->slot[i & m] == pfn);
	while (++i != r->end)
		if (r->slot[i & m] != PFN_NONE)
			return r->slot[i & m];
	return PFN_NONE;
}

void lru_add(struct mm *mm, pfn_t pfn, bool tail)
{
	lru_add_inline(mm, pfn, tail);
}

void lru_del(struct mm *mm, pfn_t pfn)
{
	lru_del_inline(mm, pfn);
}

/* A rotation in place: the head's PF_LRU, zone and pageblock weight do not change, so only
 * its links move and, when the list changes, its pages' counts. */
void lru_move(struct mm *mm, pfn_t pfn, uint16_t flags, bool tail)
{
	struct page_frame *p = &mm->pages[pfn];
	uint16_t old = p->flags;
	sim_assert2((old & PF_LRU) && !((old ^ flags) & (PF_BUDDY | PF_HEAD | PF_MOVABLE_OPS)));
	enum lru_list from = list_of(old), to = list_of(flags);
	struct lruvec *v = mm->nr_memcgs == 1 ? &mm->lruvec : page_lruvec(mm, p);
	lru_ring_del(v, from, mm->pages, pfn);
	p->flags = (uint16_t)(flags | PF_LRU);
	lru_ring_add(v, to, mm->pages, pfn, tail);
	if (from == to)
		return;
	unsigned z = lru_zone_idx(mm, pfn);
	uint64_t nr = 1ull << p->order;
	v->nr_pages[from] -= nr;
	v->nr_pages[to] += nr;
	v->nr_zone_pages[z][from] -= nr;
	v->nr_zone_pages[z][to] += nr;
	if (v != &mm->lruvec) { /* the node lruvec keeps the totals of the memcgs' */
		mm->lruvec.nr_pages[from] -= nr;
		mm->lruvec.nr_pages[to] += nr;
		mm->lruvec.nr_zone_pages[z][from] -= nr;
		mm->lruvec.nr_zone_pages[z][to] += nr;
	}
}

/* Migration keeps the LRU position.  A page on the easily-reclaimable list is copied like
 * any other (isolate_migratepages_block does not look at the list a folio is on): work
 * spent on a page its owner said it will not use again, counted as mmsim_pgmigrate_easy
 * (Mel Gorman's objection to the easily-reclaimable list, 2012). */
void lru_replace(struct mm *mm, pfn_t old_pfn, pfn_t new_pfn)
{
	const struct page_frame *o = &mm->pages[old_pfn];
	struct lruvec *v = page_lruvec(mm, o);
	enum lru_list l = lru_list_of(o->flags);
	sim_assert2(page_memcg(&mm->pages[new_pfn]) == page_memcg(o)); /* mem_cgroup_migrate */
	if (o->flags & PF_EASY)
		count_vm_events(mm, VM_MMSIM_PGMIGRATE_EASY, 1ull << o->order);
	struct lru_ring *r = &v->rings[l];
	struct page_frame *np = &mm->pages[new_pfn];
	np->prev = o->prev; /* its place in the ring */
	np->next = PFN_NONE;
	r->slot[o->prev & (r->cap - 1)] = new_pfn;
	mm->pages[old_pfn].next = mm->pages[old_pfn].prev = PFN_NONE;
	if (v->lists[l].head == old_pfn)
		v->lists[l].head = new_pfn;
	if (v->lists[l].tail == old_pfn)
		v->lists[l].tail = new_pfn;
	unsigned zo = lru_zone_idx(mm, old_pfn), zn = lru_zone_idx(mm, new_pfn);
	if (zo != zn) { /* moved out of its zone (a CMA area's page to ordinary memory) */
		v->nr_zone_pages[zo][l] -= 1ull << o->order;
		v->nr_zone_pages[zn][l] += 1ull << o->order;
		if (v != &mm->lruvec) {
			mm->lruvec.nr_zone_pages[zo][l] -= 1ull << o->order;
			mm->lruvec.nr_zone_pages[zn][l] += 1ull << o->order;
		}
	}
	if (mm->lruvec.touched_us)
		mm->lruvec.touched_us[new_pfn] = mm->lruvec.touched_us[old_pfn];
}
