/* mm_check.c — the invariant checker (architecture.md §4). Returns false with the first violation
 * described in msg; never changes state. */
#include "mm.h"
#include "vmscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define FAIL(...) return mm_check_fail(msg, msg_size, __VA_ARGS__)

bool mm_check_fail(char *msg, size_t msg_size, const char *fmt, ...)
{
	if (msg) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, msg_size, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool check_zone_counters(const struct mm *mm, const struct zone *z, char *msg, size_t msg_size)
{
	uint64_t free_pages = 0, cma = 0, ha = 0, sticky = 0, isolated = 0;
	for (int o = 0; o < NR_PAGE_ORDERS; o++) {
		const struct free_area *a = &z->free_area[o];
		uint64_t sum = 0;
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
			sum += a->nr_free_mt[mt];
		if (sum != a->nr_free)
			FAIL("zone %s order %d: nr_free %llu != sum over types %llu", z->name, o,
			     (unsigned long long)a->nr_free, (unsigned long long)sum);
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
			if (!(z->free_orders[mt] >> o & 1) != !a->nr_free_mt[mt])
				FAIL("zone %s order %d %s: free_orders bit %d, %llu free blocks", z->name, o,
				     migratetype_names[mt], z->free_orders[mt] >> o & 1,
				     (unsigned long long)a->nr_free_mt[mt]);
		if (!(z->free_orders_any >> o & 1) != !a->nr_free)
			FAIL("zone %s order %d: free_orders_any bit %d, %llu free blocks", z->name, o,
			     z->free_orders_any >> o & 1, (unsigned long long)a->nr_free);
		free_pages += a->nr_free << o;
		cma += a->nr_free_mt[MIGRATE_CMA] << o;
		ha += a->nr_free_mt[MIGRATE_HIGHATOMIC] << o;
		isolated += a->nr_free_mt[MIGRATE_ISOLATE] << o;
		sticky += a->nr_free_sticky << o;
	}
	if (z->free_plain != (uint8_t)(1u << MIGRATE_UNMOVABLE | 1u << MIGRATE_RECLAIMABLE |
				      (z->has_sticky ? 0 : 1u << MIGRATE_MOVABLE)))
		FAIL("zone %s: free_plain %#x does not follow has_sticky %d", z->name, z->free_plain, z->has_sticky);
	if (sticky != z->nr_free_sticky)
		FAIL("zone %s: nr_free_sticky %llu != Σ nr_free_sticky<<order %llu", z->name,
		     (unsigned long long)z->nr_free_sticky, (unsigned long long)sticky);
	if (isolated != z->nr_free_isolated)
		FAIL("zone %s: nr_free_isolated %llu != %llu", z->name, (unsigned long long)z->nr_free_isolated,
		     (unsigned long long)isolated);
	if (free_pages != z->nr_free_pages + z->nr_free_isolated)
		FAIL("zone %s: nr_free_pages %llu + isolated %llu != Σ nr_free<<order %llu", z->name,
		     (unsigned long long)z->nr_free_pages, (unsigned long long)z->nr_free_isolated,
		     (unsigned long long)free_pages);
	if (cma != z->nr_free_cma)
		FAIL("zone %s: nr_free_cma %llu != %llu", z->name, (unsigned long long)z->nr_free_cma,
		     (unsigned long long)cma);
	if (ha != z->nr_free_highatomic)
		FAIL("zone %s: nr_free_highatomic mismatch", z->name);
	if (z->nr_free_pages + z->nr_free_isolated + z->nr_alloc_pages + z->nr_pcp_pages != z->present)
		FAIL("zone %s: free %llu + isolated %llu + allocated %llu + pcp %llu != present %llu", z->name,
		     (unsigned long long)z->nr_free_pages, (unsigned long long)z->nr_free_isolated,
		     (unsigned long long)z->nr_alloc_pages,
		     (unsigned long long)z->nr_pcp_pages, (unsigned long long)z->present);
	if (z->pcp) {
		uint64_t pcp_pages = 0;
		for (unsigned c = 0; c < mm->cfg->machine.nr_cpus; c++) {
			pcp_pages += z->pcp[c].count;
			uint64_t listed = 0;
			for (int i = 0; i < NR_PCP_LISTS; i++) {
				const struct pcp_list *l = &z->pcp[c].lists[i];
				if (!(z->pcp[c].nonempty >> i & 1) != !l->n)
					FAIL("zone %s cpu %u pcp list %d: nonempty bit %u, list %s", z->name, c, i,
					     z->pcp[c].nonempty >> i & 1, !l->n ? "empty" : "not empty");
				for (uint32_t k = 0; k < l->n; k++) {
					pfn_t q = l->pfn[(l->head + k) & (l->cap - 1)];
					if (q >= mm->nr_pages || !(mm->pages[q].xflags & PFX_PCP))
						FAIL("zone %s cpu %u pcp list %d: entry %u (pfn %#x) is not a pcp page",
						     z->name, c, i, k, q);
					listed += 1ull << mm->pages[q].order;
				}
			}
			if (listed != z->pcp[c].count)
				FAIL("zone %s cpu %u: pcp lists hold %llu pages, count %llu", z->name, c,
				     (unsigned long long)listed, (unsigned long long)z->pcp[c].count);
		}
		if (pcp_pages != z->nr_pcp_pages)
			FAIL("zone %s: pcp counts %llu != nr_pcp_pages %llu", z->name,
			     (unsigned long long)pcp_pages, (unsigned long long)z->nr_pcp_pages);
	}
	(void)mm;
	return true;
}

static bool check_zone_lists(const struct mm *mm, const struct zone *z, char *msg, size_t msg_size)
{
	for (int o = 0; o < NR_PAGE_ORDERS; o++) {
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++) {
			const struct free_area *a = &z->free_area[o];
			uint64_t n = 0, sticky = 0;
			pfn_t prev = PFN_NONE;
			for (pfn_t pfn = a->free_list[mt].head; pfn != PFN_NONE; pfn = mm->pages[pfn].next) {
				const struct page_frame *p = &mm->pages[pfn];
				if (pfn < z->start_pfn || pfn + (1u << o) > z->start_pfn + z->present)
					FAIL("free block %#x order %d outside zone %s", pfn, o, z->name);
				if (!(p->flags & PF_BUDDY) || p->order != o || p->mt != mt)
					FAIL("pfn %#x on list [%d][%s] but flags %#x order %u mt %u", pfn, o,
					     migratetype_names[mt], p->flags, p->order, p->mt);
				if (pfn & ((1u << o) - 1))
					FAIL("free block %#x order %d misaligned", pfn, o);
				if (p->prev != prev)
					FAIL("free list [%d][%s] back link broken at %#x", o, migratetype_names[mt], pfn);
				/* Since 6.10 a free page sits on its pageblock's type (model.md §2.1). */
				pfn_t blk = pfn;
				const struct pageblock *pb = &z->pageblocks[(blk - z->start_pfn) >> mm->pageblock_order];
				if (pb->mt != mt)
					FAIL("free block %#x order %d on %s list in a %s pageblock", pfn, o,
					     migratetype_names[mt], migratetype_names[pb->mt]);
				if (mt == MIGRATE_MOVABLE && (pb->bits & PB_STICKY))
					sticky++;
				if ((pb->bits & PB_STICKY) && !z->has_sticky)
					FAIL("zone %s: sticky pageblock at %#x but has_sticky unset", z->name, pfn);
				prev = pfn;
				if (++n > z->spanned)
					FAIL("free list [%d][%s] has a cycle", o, migratetype_names[mt]);
			}
			if (a->free_list[mt].tail != prev)
				FAIL("free list [%d][%s] tail mismatch", o, migratetype_names[mt]);
			if (n != a->nr_free_mt[mt])
				FAIL("free list [%d][%s]: %llu entries, counter %llu", o, migratetype_names[mt],
				     (unsigned long long)n, (unsigned long long)a->nr_free_mt[mt]);
			if (mt == MIGRATE_MOVABLE && sticky != a->nr_free_sticky)
				FAIL("order %d: %llu free sticky blocks, counter %llu", o, (unsigned long long)sticky,
				     (unsigned long long)a->nr_free_sticky);
		}
	}
	/* Walk the zone by blocks: every page is covered by exactly one free block, one
	 * allocated block, or is reserved; CMA / sticky blocks hold no unmovable allocation. */
	uint64_t blocks_mt[NR_MIGRATETYPES] = { 0 };
	size_t nr_blocks = (z->present + mm->pageblock_nr_pages - 1) >> mm->pageblock_order;
	for (size_t b = 0; b < nr_blocks; b++)
		blocks_mt[z->pageblocks[b].mt]++;
	/* A sticky block is never retyped: MOVABLE, or ISOLATE inside a contiguous allocation. */
	for (size_t b = 0; b < nr_blocks; b++)
		if ((z->pageblocks[b].bits & PB_STICKY) && z->pageblocks[b].mt != MIGRATE_MOVABLE &&
		    z->pageblocks[b].mt != MIGRATE_ISOLATE)
			FAIL("sticky pageblock at pfn %#llx retyped to %s",
			     (unsigned long long)(z->start_pfn + ((pfn_t)b << mm->pageblock_order)),
			     migratetype_names[z->pageblocks[b].mt]);
	for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
		if (blocks_mt[mt] != z->nr_blocks_mt[mt])
			FAIL("zone %s: %llu %s pageblocks, counter %llu", z->name, (unsigned long long)blocks_mt[mt],
			     migratetype_names[mt], (unsigned long long)z->nr_blocks_mt[mt]);
	for (pfn_t pfn = z->start_pfn; pfn < z->start_pfn + z->present;) {
		const struct page_frame *p = &mm->pages[pfn];
		if (p->xflags & PFX_PCP) {
			if (p->flags & (PF_BUDDY | PF_HEAD))
				FAIL("pcp page %#x also free or allocated", pfn);
			pfn += 1u << p->order;
		} else if (p->flags & (PF_BUDDY | PF_HEAD)) {
			if ((p->flags & PF_BUDDY) && (p->flags & PF_HEAD))
				FAIL("pfn %#x both free and allocated", pfn);
			unsigned n = 1u << p->order;
			if ((p->flags & PF_BUDDY) && p->order > mm->pageblock_order)
				for (pfn_t q = pfn; q < pfn + n; q += mm->pageblock_nr_pages)
					if ((z->pageblocks[(q - z->start_pfn) >> mm->pageblock_order].bits ^
					     z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order].bits) & PB_STICKY)
						FAIL("free block %#x order %u spans sticky and ordinary pageblocks", pfn, p->order);
			for (unsigned k = 1; k < n; k++)
				if ((mm->pages[pfn + k].flags & (PF_BUDDY | PF_HEAD)) || mm->pages[pfn + k].xflags)
					FAIL("pfn %#x inside block %#x order %u is itself a block head", pfn + k, pfn, p->order);
			if ((p->flags & PF_HEAD) && !(p->flags & PF_CMA_DEVICE)) {
				const struct obj_slot *s = &mm->objs.slots[p->owner];
				if (p->owner >= mm->objs.cap || s->id == OBJ_EMPTY || s->pfn != pfn)
					FAIL("allocated block %#x has no owning object", pfn);
				const struct pageblock *pb = &z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order];
				bool unmovable = !(p->flags & (PF_LRU | PF_MOVABLE_OPS)) && !(p->flags & PF_CMA_DEVICE);
				if (unmovable && (pb->mt == MIGRATE_CMA || (pb->bits & PB_STICKY)))
					FAIL("unmovable block %#x in a %s pageblock", pfn,
					     pb->mt == MIGRATE_CMA ? "CMA" : "sticky");
			}
			pfn += n;
		} else if (p->flags & PF_RESERVED) {
			FAIL("reserved pfn %#x inside zone %s present range", pfn, z->name);
		} else {
			FAIL("pfn %#x is neither free, allocated nor reserved", pfn);
		}
	}
	/* struct pageblock's counters equal what try_to_claim_block()'s walk counts. */
	for (size_t b = 0; b < nr_blocks; b++) {
		const struct pageblock *pb = &z->pageblocks[b];
		pfn_t start = z->start_pfn + ((pfn_t)b << mm->pageblock_order);
		unsigned nr_free, nr_movable;
		mm_pageblock_recount(mm, z, start, &nr_free, &nr_movable);
		if (nr_free != pb->nr_free || nr_movable != pb->nr_movable)
			FAIL("pageblock at pfn %#llx: %u free and %u movable pages, counters %u and %u",
			     (unsigned long long)start, nr_free, nr_movable, pb->nr_free, pb->nr_movable);
	}
	return true;
}

bool mm_check(const struct mm *mm, int level, char *msg, size_t msg_size)
{
	uint64_t alloc_total = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (!z->spanned)
			continue;
		if (!check_zone_counters(mm, z, msg, msg_size))
			return false;
		if (level >= 2 && !check_zone_lists(mm, z, msg, msg_size))
			return false;
		alloc_total += z->nr_alloc_pages;
	}
	if (level >= 2) {
		uint64_t live = 0, pages = 0;
		for (uint32_t i = 0; i < mm->objs.cap; i++) {
			const struct obj_slot *s = &mm->objs.slots[i];
			if (s->id == OBJ_EMPTY)
				continue;
			live++;
			if (s->kind == OBJ_SWAPPED || s->kind == OBJ_EVICTED || s->kind == OBJ_PENDING || s->kind == OBJ_ALIAS) {
				if (s->pfn != PFN_NONE)
					FAIL("non-resident object %llu still has pfn %#x", (unsigned long long)s->id, s->pfn);
				continue;
			}
			if (s->pfn == PFN_NONE || s->pfn >= mm->nr_pages)
				FAIL("object %llu has no pages", (unsigned long long)s->id);
			const struct page_frame *p = &mm->pages[s->pfn];
			if (!(p->flags & PF_HEAD) || p->owner != i)
				FAIL("object %llu: head %#x does not point back (owner %u, slot %u)",
				     (unsigned long long)s->id, s->pfn, p->owner, i);
			pages += 1ull << p->order;
		}
		if (live != mm->objs.nr_live || live - mm->objs.nr_ring != mm->objs.map.nr_live)
			FAIL("object table: %llu live slots, counter %u (window %u)", (unsigned long long)live,
			     mm->objs.nr_live, mm->objs.nr_ring);
		pages += mm->nr_device_pages;
		if (pages != alloc_total)
			FAIL("objects + device allocations hold %llu pages, zones count %llu allocated", (unsigned long long)pages,
			     (unsigned long long)alloc_total);
	}
	if (level >= 2 && mm->oom && !oom_check(mm, msg, msg_size))
		return false;
	if (level >= 2 && mm->reclaim && !reclaim_check(mm, msg, msg_size))
		return false; /* LRU lists, dirty/writeback, swap slots (vmscan.c) */
	return true;
}

bool mm_check_full(const struct mm *mm)
{
	char msg[512];
	if (mm_check(mm, 2, msg, sizeof(msg)))
		return true;
	fprintf(stderr, "mm_check: %s\n", msg);
	return false;
}
