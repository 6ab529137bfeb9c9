/* lru.c — the LRU list primitives (model.md §4.3). Policy (which list, ageing, scanning)
 * lives in vmscan.c; this file only keeps the lists and their counts exact.  A head page is
 * on the list lru_list_of(flags) of its memcg's lruvec exactly when it has PF_LRU; the
 * node lruvec's counts follow every change (mm.h struct lruvec). */
#include "mm.h"

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
	struct pfn_links a = page_links(mm->pages);
	pfn_list_del(&v->lists[from], a, pfn);
	p->flags = (uint16_t)(flags | PF_LRU);
	pfn_list_add(&v->lists[to], a, pfn, tail);
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
	pfn_list_replace(&v->lists[l], page_links(mm->pages), old_pfn, new_pfn);
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
