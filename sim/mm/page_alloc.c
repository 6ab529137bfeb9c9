/* page_alloc.c — the buddy allocator: free lists, split/merge, fallback claim and steal,
 * highatomic reserve, watermark boost, the zonelist walk and the allocation paths.
 * Behaviour follows model.md §2–3 (6.12 stable, which carries the 6.15 claim/steal split). */
#include "mm.h"
#include "compaction.h"
#include "mapping_pool.h"
#include "vmscan.h"

#include <string.h>

/* ---- free lists ------------------------------------------------------------------ */

static inline struct pageblock *zone_pageblock(struct mm *mm, struct zone *z, pfn_t pfn);

/* A free block on the MOVABLE list inside a sticky pageblock (counted for the accounted
 * reading of sticky_movable; a free block never spans sticky and ordinary pageblocks). */
static inline bool free_block_sticky(struct mm *mm, struct zone *z, pfn_t pfn, enum migratetype mt)
{
	return mt == MIGRATE_MOVABLE && z->has_sticky && (zone_pageblock(mm, z, pfn)->bits & PB_STICKY);
}

/* The counters a free block of a type outside z->free_plain changes besides the list's
 * (nr pages, negative when it leaves).  As account_freepages() since 6.10: free pages on
 * MIGRATE_ISOLATE lists are not in NR_FREE_PAGES, so no watermark check counts a range
 * being taken for a device. */
static __attribute__((noinline)) void free_count_special(struct mm *mm, struct zone *z, struct free_area *area,
							  pfn_t pfn, enum migratetype mt, int64_t nr)
{
	if (mt == MIGRATE_ISOLATE)
		z->nr_free_isolated += (uint64_t)nr;
	else
		z->nr_free_pages += (uint64_t)nr;
	if (mt == MIGRATE_CMA)
		z->nr_free_cma += (uint64_t)nr;
	else if (mt == MIGRATE_HIGHATOMIC)
		z->nr_free_highatomic += (uint64_t)nr;
	else if (free_block_sticky(mm, z, pfn, mt)) {
		area->nr_free_sticky += nr > 0 ? 1 : (uint64_t)-1;
		z->nr_free_sticky += (uint64_t)nr;
	}
}

/* Inline: the buddy's splits, merges and refills run it for nearly every page a per-cpu
 * list takes or gives back. */
static inline __attribute__((always_inline)) void add_to_free_list(struct mm *mm, struct zone *z, pfn_t pfn,
								    unsigned order, enum migratetype mt, bool tail)
{
	struct free_area *area = &z->free_area[order];
	struct page_frame *p = &mm->pages[pfn];
	sim_assert2(!pageblock_movable_weight(p->flags, p->order)); /* freed through mm_page_set_flags */
	p->flags = PF_BUDDY;
	p->order = (uint8_t)order;
	p->mt = (uint8_t)mt;
	p->owner = 0;
	pfn_list_add(&area->free_list[mt], page_links(mm->pages), pfn, tail);
	area->nr_free_mt[mt]++;
	z->free_orders[mt] |= (uint16_t)(1u << order);
	z->free_orders_any |= (uint16_t)(1u << order);
	area->nr_free++;
	uint64_t nr = 1ull << order;
	zone_pageblock(mm, z, pfn)->nr_free += (uint16_t)nr;
	if (z->free_plain >> mt & 1) { /* UNMOVABLE, RECLAIMABLE, MOVABLE without sticky blocks */
		z->nr_free_pages += nr;
		return;
	}
	free_count_special(mm, z, area, pfn, mt, (int64_t)nr);
}

static inline __attribute__((always_inline)) void del_from_free_list(struct mm *mm, struct zone *z, pfn_t pfn,
								      unsigned order)
{
	struct page_frame *p = &mm->pages[pfn];
	enum migratetype mt = p->mt;
	struct free_area *area = &z->free_area[order];
	sim_assert2((p->flags & PF_BUDDY) && p->order == order);
	pfn_list_del(&area->free_list[mt], page_links(mm->pages), pfn);
	p->flags &= (uint16_t)~PF_BUDDY;
	if (!--area->nr_free_mt[mt])
		z->free_orders[mt] &= (uint16_t)~(1u << order);
	if (!--area->nr_free)
		z->free_orders_any &= (uint16_t)~(1u << order);
	uint64_t nr = 1ull << order;
	zone_pageblock(mm, z, pfn)->nr_free -= (uint16_t)nr;
	if (z->free_plain >> mt & 1) {
		z->nr_free_pages -= nr;
		return;
	}
	free_count_special(mm, z, area, pfn, mt, -(int64_t)nr);
}

/* ---- pageblocks ------------------------------------------------------------------ */

static inline struct pageblock *zone_pageblock(struct mm *mm, struct zone *z, pfn_t pfn)
{
	return mm_zone_pageblock(mm, z, pfn);
}

static void set_block_type(struct mm *mm, struct zone *z, pfn_t pfn, enum migratetype mt)
{
	struct pageblock *pb = zone_pageblock(mm, z, pfn);
	z->nr_blocks_mt[pb->mt]--;
	z->nr_blocks_mt[mt]++;
	pb->mt = (uint8_t)mt;
}

/* Move every free block inside [start, start + nr) to mt's lists (6.10+: a free page is
 * always on the list of its pageblock's current type). Returns pages moved. */
static uint64_t move_freepages(struct mm *mm, struct zone *z, pfn_t start, pfn_t nr,
			       enum migratetype mt)
{
	uint64_t moved = 0;
	for (pfn_t pfn = start; pfn < start + nr;) {
		struct page_frame *p = &mm->pages[pfn];
		if (p->flags & PF_BUDDY) {
			unsigned order = p->order;
			if (p->mt != mt) {
				del_from_free_list(mm, z, pfn, order);
				add_to_free_list(mm, z, pfn, order, mt, true);
			}
			moved += 1ull << order;
			pfn += 1u << order;
		} else if (p->flags & PF_HEAD) {
			pfn += 1u << p->order;
		} else {
			pfn++;
		}
	}
	return moved;
}

void mm_set_pageblock_migratetype(struct mm *mm, pfn_t pfn, enum migratetype mt)
{
	struct zone *z = mm_pfn_zone(mm, pfn);
	pfn_t start = pfn & ~(pfn_t)(mm->pageblock_nr_pages - 1);
	/* A free block larger than a pageblock would straddle blocks of two types: the
	 * kernel splits it first; the model does the same. */
	for (unsigned order = mm->pageblock_order + 1; order <= MAX_PAGE_ORDER; order++) {
		pfn_t head = start & ~(pfn_t)((1u << order) - 1);
		struct page_frame *p = &mm->pages[head];
		if ((p->flags & PF_BUDDY) && p->order == order) {
			del_from_free_list(mm, z, head, order);
			for (pfn_t q = head; q < head + (1u << order); q += mm->pageblock_nr_pages)
				add_to_free_list(mm, z, q, mm->pageblock_order, zone_pageblock(mm, z, q)->mt, true);
			break;
		}
	}
	set_block_type(mm, z, start, mt);
	move_freepages(mm, z, start, mm->pageblock_nr_pages, mt);
}

/* Set every pageblock covered by a free/allocated block of `order` at pfn to mt. */
static void change_pageblock_range(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order,
				   enum migratetype mt)
{
	for (pfn_t q = pfn; q < pfn + (1u << order); q += mm->pageblock_nr_pages)
		set_block_type(mm, z, q, mt);
}

/* ---- split and merge ------------------------------------------------------------- */

/* Split a block of `high` order at pfn down to `low`, putting the upper halves back on
 * mt's lists at orders high-1 .. low (model.md §2.2 expand). */
static void expand(struct mm *mm, struct zone *z, pfn_t pfn, unsigned low, unsigned high,
		   enum migratetype mt)
{
	while (high > low) {
		high--;
		add_to_free_list(mm, z, pfn + (1u << high), high, mt, false);
	}
}

/* pfn is the buddy of a block of z at order < MAX_PAGE_ORDER, or the buddy of its parent
 * (free_one_page's only two questions), so it lies in the same 2^MAX_PAGE_ORDER-aligned
 * block as that block: inside z, whose span starts on such a boundary and covers whole
 * such blocks (mm.h; a trailing hole is PF_RESERVED, never PF_BUDDY).  No bounds test. */
static inline bool page_is_buddy(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order)
{
	sim_assert2(pfn >= z->start_pfn && pfn < zone_end_pfn(z) && order < MAX_PAGE_ORDER);
	(void)z;
	const struct page_frame *p = &mm->pages[pfn];
	return (p->flags & PF_BUDDY) && p->order == order;
}

/* __free_one_page (model.md §2.9): merge with free buddies; at order >= pageblock_order
 * stop when the two blocks' types differ and either is not mergeable (CMA, ISOLATE,
 * HIGHATOMIC); if both are mergeable the buddy's blocks take the freeing page's type.
 * A sticky pageblock is treated as its own type here (the kernel never merges across a
 * MIGRATE_CMA boundary for the same reason): merging stops where one side is sticky and the
 * other is not, so no merge retypes a sticky block. */
static void free_one_page(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order,
			  enum migratetype mt, bool to_tail)
{
	while (order < MAX_PAGE_ORDER) {
		pfn_t buddy = pfn ^ (1u << order);
		if (!page_is_buddy(mm, z, buddy, order))
			break;
		if (order >= mm->pageblock_order) {
			if ((zone_pageblock(mm, z, buddy)->bits ^ zone_pageblock(mm, z, pfn)->bits) & PB_STICKY)
				break;
			enum migratetype bmt = zone_pageblock(mm, z, buddy)->mt;
			if (bmt != mt) {
				if (!migratetype_mergeable(mt) || !migratetype_mergeable(bmt))
					break;
				del_from_free_list(mm, z, buddy, order);
				change_pageblock_range(mm, z, buddy, order, mt);
				pfn &= buddy;
				order++;
				continue;
			}
		}
		del_from_free_list(mm, z, buddy, order);
		pfn &= buddy;
		order++;
	}
	/* buddy_merge_likely: when the next-higher buddy is free, put this block at the tail
	 * so it is not handed out before that merge can happen.  With machine.shuffle a block
	 * of SHUFFLE_ORDER goes to either end at random instead (shuffle.c). */
	if (!to_tail && is_shuffle_order(mm, order)) {
		to_tail = shuffle_pick_tail(mm);
	} else if (!to_tail && order < MAX_PAGE_ORDER - 1) {
		pfn_t higher = (pfn & ~(pfn_t)(1u << order)) ^ (2u << order);
		to_tail = page_is_buddy(mm, z, higher, order + 1);
	}
	add_to_free_list(mm, z, pfn, order, mt, to_tail);
}

/* mm_free_pages, inline in mm_free_req (every free of a replay). */
static inline __attribute__((always_inline)) void free_pages_inline(struct mm *mm, struct mm_request *req,
								     pfn_t pfn, unsigned order)
{
	struct zone *z = mm_pfn_zone(mm, pfn);
	struct page_frame *p = &mm->pages[pfn];
	mm_page_set_flags(mm, pfn, 0);
	p->owner = 0;
	z->nr_alloc_pages -= 1ull << order;
	count_vm_events(mm, VM_PGFREE, 1ull << order);
	if (pcp_allowed_order(mm, order))
		pcp_free_inline(mm, z, mm_request_cpu(req), pfn, order);
	else
		free_one_page(mm, z, pfn, order, zone_pageblock(mm, z, pfn)->mt, false);
}

void mm_free_pages(struct mm *mm, struct mm_request *req, pfn_t pfn, unsigned order)
{
	free_pages_inline(mm, req, pfn, order);
}

void buddy_free_one(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order)
{
	free_one_page(mm, z, pfn, order, zone_pageblock(mm, z, pfn)->mt, false);
}

/* ---- free-page isolation for compaction, migration and CMA ---------------------------- */

/* __isolate_free_page (model.md §5.4): take the free block at pfn off its list as a
 * migration target.  While isolated it counts as allocated (nr_alloc_pages, so
 * present == free + allocated + pcp still holds) and its head carries PF_ISOLATED.  As the
 * kernel: refuse when the zone's order-0 free would drop below min + the block (checked
 * with ALLOC_CMA), except inside MIGRATE_ISOLATE blocks; a block of order >=
 * pageblock_order - 1 turns its mergeable pageblock(s) MOVABLE. */
bool buddy_isolate_free_page(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order)
{
	struct page_frame *p = &mm->pages[pfn];
	sim_assert((p->flags & PF_BUDDY) && p->order == order);
	enum migratetype mt = zone_pageblock(mm, z, pfn)->mt;
	if (mt != MIGRATE_ISOLATE &&
	    !zone_watermark_ok(z, 0, z->watermark[WMARK_MIN] + (1ull << order), 0, ALLOC_CMA, z->nr_free_pages))
		return false;
	del_from_free_list(mm, z, pfn, order);
	p->flags = PF_ISOLATED;
	p->order = (uint8_t)order;
	p->next = p->prev = PFN_NONE;
	z->nr_alloc_pages += 1ull << order;
	if (order + 1 >= mm->pageblock_order) {
		for (pfn_t q = pfn; q < pfn + (1u << order); q += mm->pageblock_nr_pages) {
			enum migratetype bmt = zone_pageblock(mm, z, q)->mt;
			if (migratetype_mergeable(bmt) && bmt != MIGRATE_MOVABLE)
				mm_set_pageblock_migratetype(mm, q, MIGRATE_MOVABLE);
		}
	}
	return true;
}

/* Hand an isolated block (or a piece of one) back to the buddy lists, merging as a free
 * would (release_free_list). */
void buddy_putback_isolated(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order)
{
	struct page_frame *p = &mm->pages[pfn];
	mm_page_set_flags(mm, pfn, 0);
	p->owner = 0;
	z->nr_alloc_pages -= 1ull << order;
	free_one_page(mm, z, pfn, order, zone_pageblock(mm, z, pfn)->mt, false);
}

/* Boot: hand every present page to the buddy allocator at the largest aligned order,
 * to the list tails (__free_pages_core uses FPI_TO_TAIL). */
void mm_free_boot_range(struct mm *mm, struct zone *z, pfn_t start, pfn_t end)
{
	pfn_t pfn = start;
	while (pfn < end) {
		unsigned order = MAX_PAGE_ORDER;
		while (order > 0 && ((pfn & ((1u << order) - 1)) || pfn + (1u << order) > end))
			order--;
		/* CMA areas are handed over pageblock by pageblock (cma_activate_area), so a
		 * boot chunk never spans pageblocks of different types; merging then applies
		 * the usual restrictions. */
		while (order > mm->pageblock_order) {
			bool same = true;
			for (pfn_t q = pfn; q < pfn + (1u << order); q += mm->pageblock_nr_pages)
				same &= zone_pageblock(mm, z, q)->mt == zone_pageblock(mm, z, pfn)->mt &&
					!((zone_pageblock(mm, z, q)->bits ^ zone_pageblock(mm, z, pfn)->bits) & PB_STICKY);
			if (same)
				break;
			order = mm->pageblock_order;
		}
		mm->pages[pfn].flags = 0;
		free_one_page(mm, z, pfn, order, zone_pageblock(mm, z, pfn)->mt, true);
		pfn += 1u << order;
	}
}

/* ---- allocation from a zone -------------------------------------------------------- */

/* The first non-empty list of mt at order or above, found by its free_orders bit. */
static pfn_t rmqueue_smallest(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt)
{
	unsigned above = order <= MAX_PAGE_ORDER ? (unsigned)z->free_orders[mt] >> order : 0;
	if (!above)
		return PFN_NONE;
	unsigned o = order + (unsigned)__builtin_ctz(above);
	pfn_t pfn = z->free_area[o].free_list[mt].head;
	del_from_free_list(mm, z, pfn, o);
	expand(mm, z, pfn, order, o, mt);
	return pfn;
}

/* The fallback table (model.md §2.4); HIGHATOMIC, CMA and ISOLATE have none. */
static const enum migratetype fallbacks[MIGRATE_PCPTYPES][2] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/* First page on [order][fallback] usable by start_mt, for the first fallback type that has
 * one; *fallback_mt receives the type. */
static pfn_t find_fallback_page(struct mm *mm, struct zone *z, unsigned order,
				enum migratetype start_mt, enum migratetype *fallback_mt)
{
	for (int i = 0; i < 2; i++) {
		enum migratetype fmt = fallbacks[start_mt][i];
		for (pfn_t pfn = z->free_area[order].free_list[fmt].head; pfn != PFN_NONE; pfn = mm->pages[pfn].next) {
			if (mm->cma_ops->fallback_allowed(mm, z, pfn, order, start_mt)) {
				*fallback_mt = fmt;
				return pfn;
			}
		}
	}
	return PFN_NONE;
}

/* can_steal_fallback: judged on the order of the free page found (model.md §2.5). */
static bool can_claim_fallback(const struct mm *mm, unsigned current_order, enum migratetype start_mt)
{
	if (current_order >= mm->pageblock_order / 2)
		return true;
	if (start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE)
		return true;
	return !mm->cfg->machine.mobility_grouping;
}

/* boost_watermark (model.md §3.5): +1 pageblock, capped at max(pageblock,
 * high * boost_factor / 10000). Skipped for tiny zones and before watermarks exist. */
static bool boost_watermark(struct mm *mm, struct zone *z)
{
	unsigned factor = mm->cfg->machine.watermark_boost_factor;
	if (!factor)
		return false;
	if (z->managed / mm->pageblock_nr_pages < 4)
		return false;
	uint64_t high = z->watermark[WMARK_HIGH];
	if (!high)
		return false;
	uint64_t max_boost = high * factor / 10000;
	max_boost = MAX(max_boost, (uint64_t)mm->pageblock_nr_pages);
	z->watermark_boost = MIN(z->watermark_boost + mm->pageblock_nr_pages, max_boost);
	count_vm_event(mm, VM_MMSIM_BOOSTS);
	return true;
}

static void count_extfrag(struct mm *mm, unsigned fallback_order, bool change_ownership)
{
	count_vm_event(mm, VM_MMSIM_EXTFRAG);
	if (fallback_order < mm->pageblock_order)
		count_vm_event(mm, VM_MMSIM_EXTFRAG_FRAGMENTING);
	if (change_ownership)
		count_vm_event(mm, VM_MMSIM_EXTFRAG_CLAIM);
}

void mm_pageblock_recount(const struct mm *mm, const struct zone *z, pfn_t start, unsigned *nr_free,
			  unsigned *nr_movable)
{
	/* The walk of try_to_claim_block() in 6.12: a free or allocated block at once, any
	 * other frame (per-cpu, isolated, reserved) one by one. */
	pfn_t end = MIN(start + mm->pageblock_nr_pages, z->start_pfn + (pfn_t)z->present);
	unsigned nfree = 0, nmovable = 0;
	for (pfn_t q = start; q < end;) {
		const struct page_frame *p = &mm->pages[q];
		unsigned n = (p->flags & (PF_BUDDY | PF_HEAD)) ? 1u << p->order : 1u;
		if (p->flags & PF_BUDDY)
			nfree += n;
		else
			nmovable += pageblock_movable_weight(p->flags, p->order);
		q += n;
	}
	*nr_free = nfree;
	*nr_movable = nmovable;
}

/* try_to_claim_block (model.md §2.5). */
static pfn_t try_to_claim_block(struct mm *mm, struct zone *z, pfn_t pfn, unsigned current_order,
				unsigned order, enum migratetype start_mt,
				enum migratetype block_mt, unsigned alloc_flags)
{
	if (zone_pageblock(mm, z, pfn)->mt == MIGRATE_HIGHATOMIC)
		return PFN_NONE;
	if (current_order >= mm->pageblock_order) {
		del_from_free_list(mm, z, pfn, current_order);
		change_pageblock_range(mm, z, pfn, current_order, start_mt);
		expand(mm, z, pfn, order, current_order, start_mt);
		count_vm_event(mm, VM_MMSIM_BLOCK_CLAIMS);
		return pfn;
	}
	if (boost_watermark(mm, z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted_wakeup = true;

	pfn_t start = pfn & ~(pfn_t)(mm->pageblock_nr_pages - 1);
	if (start < z->start_pfn || start + mm->pageblock_nr_pages > z->start_pfn + z->present)
		return PFN_NONE; /* block straddles the zone's end */
	/* As try_to_claim_block() in 6.12: the claim takes the block when its free pages and
	 * the pages "alike" start_mt make at least half of it; alike is its movable pages for
	 * a movable request, the pages neither free nor movable when the block is movable,
	 * else none.  The kernel counts them by walking the block; the pageblock keeps both
	 * counts as its pages change (struct pageblock), the same numbers in O(1). */
	bool claim = !mm->cfg->machine.mobility_grouping;
	if (!claim) {
		const struct pageblock *pb = zone_pageblock(mm, z, start);
		const int64_t nr = (int64_t)mm->pageblock_nr_pages;
		int64_t alike = 0;
		if (start_mt == MIGRATE_MOVABLE)
			alike = pb->nr_movable;
		else if (block_mt == MIGRATE_MOVABLE)
			alike = nr - pb->nr_free - pb->nr_movable;
#if MMSIM_DEBUG_LEVEL >= 2
		unsigned walk_free, walk_movable;
		mm_pageblock_recount(mm, z, start, &walk_free, &walk_movable);
		sim_assert2(walk_free == pb->nr_free && walk_movable == pb->nr_movable);
#endif
		claim = pb->nr_free + alike >= nr / 2;
	}
	if (claim) {
		set_block_type(mm, z, start, start_mt);
		move_freepages(mm, z, start, mm->pageblock_nr_pages, start_mt);
		count_vm_event(mm, VM_MMSIM_BLOCK_CLAIMS);
		return rmqueue_smallest(mm, z, order, start_mt);
	}
	return PFN_NONE;
}

/* __rmqueue_claim: from the largest order down; stop at the first order whose fallback page
 * may not be claimed. */
static pfn_t rmqueue_claim(struct mm *mm, struct zone *z, unsigned order, enum migratetype start_mt,
			   unsigned alloc_flags)
{
	unsigned min_order = order;
	if ((alloc_flags & ALLOC_NOFRAGMENT) && order < mm->pageblock_order)
		min_order = mm->pageblock_order;
	for (int co = MAX_PAGE_ORDER; co >= (int)min_order; co--) {
		enum migratetype fmt;
		pfn_t pfn = find_fallback_page(mm, z, (unsigned)co, start_mt, &fmt);
		if (pfn == PFN_NONE)
			continue;
		if (!can_claim_fallback(mm, (unsigned)co, start_mt))
			break;
		pfn_t got = try_to_claim_block(mm, z, pfn, (unsigned)co, order, start_mt, fmt, alloc_flags);
		if (got != PFN_NONE) {
			count_extfrag(mm, (unsigned)co, true);
			return got;
		}
	}
	return PFN_NONE;
}

/* __rmqueue_steal: the smallest fallback page; the block keeps its type (mixed block). */
static pfn_t rmqueue_steal(struct mm *mm, struct zone *z, unsigned order, enum migratetype start_mt)
{
	for (unsigned co = order; co <= MAX_PAGE_ORDER; co++) {
		enum migratetype fmt;
		pfn_t pfn = find_fallback_page(mm, z, co, start_mt, &fmt);
		if (pfn == PFN_NONE)
			continue;
		del_from_free_list(mm, z, pfn, co);
		expand(mm, z, pfn, order, co, fmt);
		count_extfrag(mm, co, false);
		return pfn;
	}
	return PFN_NONE;
}

/* Where __rmqueue found pages last (6.15+, enum rmqueue_mode): rmqueue_bulk keeps it over
 * one refill, whose calls hold the zone lock so that the free lists do not change between
 * them; a single request starts at RMQUEUE_NORMAL. */
enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };

/* __rmqueue (model.md §2.3), 6.18: the request's own free lists, CMA, a claim, a steal, each
 * tried only from the mode the refill reached on.  After a steal the rest of the refill
 * steals at once: no second look at its own lists (the stolen block's rest went to the
 * other type's) and no second claim attempt (with its watermark boost) per page. */
static inline __attribute__((always_inline)) pfn_t rmqueue_fallback_chain(struct mm *mm, struct zone *z,
									   unsigned order, enum migratetype mt,
									   unsigned alloc_flags,
									   enum rmqueue_mode *mode)
{
	pfn_t pfn;
	/* 5.7 balancing: CMA first when more than half of the zone's free memory is CMA. */
	if ((alloc_flags & ALLOC_CMA) && mm->cfg->policy.cma.balance_half_free &&
	    z->nr_free_cma > z->nr_free_pages / 2) {
		pfn = rmqueue_smallest(mm, z, order, MIGRATE_CMA);
		if (pfn != PFN_NONE)
			return pfn;
	}
	switch (*mode) {
	case RMQUEUE_NORMAL:
		pfn = rmqueue_smallest(mm, z, order, mt);
		if (pfn != PFN_NONE)
			return pfn;
		/* fall through */
	case RMQUEUE_CMA:
		if (alloc_flags & ALLOC_CMA) {
			pfn = rmqueue_smallest(mm, z, order, MIGRATE_CMA);
			if (pfn != PFN_NONE) {
				*mode = RMQUEUE_CMA;
				return pfn;
			}
		}
		/* fall through */
	case RMQUEUE_CLAIM:
		if (mt >= MIGRATE_PCPTYPES)
			return PFN_NONE;
		pfn = rmqueue_claim(mm, z, order, mt, alloc_flags);
		if (pfn != PFN_NONE) {
			*mode = RMQUEUE_NORMAL; /* its own lists replenished */
			return pfn;
		}
		/* fall through */
	case RMQUEUE_STEAL: /* reached only with mt < MIGRATE_PCPTYPES: through the claim, or
			     * after a steal of the same refill */
		if (alloc_flags & ALLOC_NOFRAGMENT)
			return PFN_NONE;
		pfn = rmqueue_steal(mm, z, order, mt);
		if (pfn != PFN_NONE)
			*mode = RMQUEUE_STEAL;
		return pfn;
	}
	return PFN_NONE;
}

pfn_t buddy_rmqueue(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt, unsigned alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	return rmqueue_fallback_chain(mm, z, order, mt, alloc_flags, &mode);
}

/* rmqueue_bulk: one mode over the whole refill (rmqueue_fallback_chain). */
unsigned buddy_rmqueue_bulk(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt,
			    unsigned alloc_flags, unsigned nr, struct per_cpu_pages *pcp, unsigned idx)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	unsigned i;
	for (i = 0; i < nr; i++) {
		pfn_t pfn = rmqueue_fallback_chain(mm, z, order, mt, alloc_flags, &mode);
		if (pfn == PFN_NONE)
			break;
		pcp_hold(mm, z, pcp, pfn, order, idx, true);
	}
	return i;
}

/* rmqueue_buddy: highatomic first for ALLOC_HIGHATOMIC, and as a last resort for
 * requests that cannot block or are OOM victims (model.md §2.7). */
static pfn_t rmqueue(struct mm *mm, struct zone *z, unsigned cpu, unsigned order, enum migratetype mt,
		     unsigned alloc_flags)
{
	pfn_t pfn = PFN_NONE;
	/* PCP-eligible orders try the per-cpu list first; its refill never touches
	 * HIGHATOMIC (model.md §2.7, §2.8). */
	if (pcp_allowed_order(mm, order))
		pfn = pcp_alloc_inline(mm, z, cpu, order, mt, alloc_flags);
	if (pfn == PFN_NONE && order > 0 && (alloc_flags & ALLOC_HIGHATOMIC))
		pfn = rmqueue_smallest(mm, z, order, MIGRATE_HIGHATOMIC);
	if (pfn == PFN_NONE) {
		pfn = buddy_rmqueue(mm, z, order, mt, alloc_flags);
		if (pfn == PFN_NONE && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			pfn = rmqueue_smallest(mm, z, order, MIGRATE_HIGHATOMIC);
	}
	if ((alloc_flags & ALLOC_KSWAPD) && z->boosted_wakeup) {
		/* ZONE_BOOSTED_WATERMARK: wake kswapd at order 0 for this zone (rmqueue, 6.18:
		 * only a request that may wake kswapd consumes the flag). */
		z->boosted_wakeup = false;
		if (mm->hooks.wakeup_kswapd)
			mm->hooks.wakeup_kswapd(mm, 0, z->type);
	}
	return pfn;
}

/* reserve_highatomic_pageblock (model.md §2.7). */
static void reserve_highatomic_pageblock(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order)
{
	if (z->managed / 100 < mm->pageblock_nr_pages)
		return;
	uint64_t max_managed = (z->managed / 100 + mm->pageblock_nr_pages - 1) &
			       ~(uint64_t)(mm->pageblock_nr_pages - 1);
	if (z->nr_reserved_highatomic >= max_managed)
		return;
	enum migratetype mt = zone_pageblock(mm, z, pfn)->mt;
	if (!migratetype_mergeable(mt))
		return;
	/* A sticky block is never reserved: it would leave the area (cma_sticky.c). */
	if (zone_pageblock(mm, z, pfn)->bits & PB_STICKY)
		return;
	if (order < mm->pageblock_order) {
		pfn_t start = pfn & ~(pfn_t)(mm->pageblock_nr_pages - 1);
		set_block_type(mm, z, start, MIGRATE_HIGHATOMIC);
		move_freepages(mm, z, start, mm->pageblock_nr_pages, MIGRATE_HIGHATOMIC);
		z->nr_reserved_highatomic += mm->pageblock_nr_pages;
	} else {
		change_pageblock_range(mm, z, pfn, order, MIGRATE_HIGHATOMIC);
		z->nr_reserved_highatomic += 1ull << order;
	}
	count_vm_event(mm, VM_MMSIM_HIGHATOMIC_RESERVED);
}

void buddy_reserve_highatomic(struct mm *mm, pfn_t pfn, unsigned order)
{
	reserve_highatomic_pageblock(mm, mm_pfn_zone(mm, pfn), pfn, order);
}

/* ---- watermarks ------------------------------------------------------------------ */

/* zone_watermark_ok, inline in get_page_from_freelist's check of every allocation. */
static inline __attribute__((always_inline)) bool watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
							       enum zone_type highest_zoneidx, unsigned alloc_flags,
							       uint64_t free_pages)
{
	int64_t free = (int64_t)free_pages - ((1ll << order) - 1);
	int64_t min = (int64_t)mark;
	if (!(alloc_flags & ALLOC_RESERVES))
		free -= (int64_t)z->nr_free_highatomic;
	/* The CMA part of __zone_watermark_unusable_free() in 6.12, as the policy counts it.
	 * The policies but one count it as cma_watermark_unusable_cma_lists does: that one
	 * is answered here, without the call through the policy on every allocation. */
	if (__builtin_expect(z->cma_ops->watermark_unusable == cma_watermark_unusable_cma_lists, 1))
		free -= (alloc_flags & ALLOC_CMA) ? 0 : (int64_t)z->nr_free_cma;
	else
		free -= (int64_t)z->cma_ops->watermark_unusable(z, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (order == 0)
		return true;
	/* The orders >= order with a free block of any type (nr_free > 0), lowest first. */
	unsigned any = order <= MAX_PAGE_ORDER ? (unsigned)z->free_orders_any >> order << order : 0;
	for (; any; any &= any - 1) {
		const struct free_area *area = &z->free_area[__builtin_ctz(any)];
		if (area->nr_free_mt[MIGRATE_UNMOVABLE] || area->nr_free_mt[MIGRATE_RECLAIMABLE])
			return true;
		/* sticky_movable accounted: free sticky blocks do not count without ALLOC_CMA. */
		if (free_area_movable_usable(z, area, alloc_flags))
			return true;
		if (z->cma_ops->watermark_high_order(area, alloc_flags))
			return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) && area->nr_free_mt[MIGRATE_HIGHATOMIC])
			return true;
	}
	return false;
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       enum zone_type highest_zoneidx, unsigned alloc_flags, uint64_t free_pages)
{
	return watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/* ---- the zonelist walk and the allocation paths -------------------------------------- */

static uint64_t zone_alloc_counter(enum zone_type t)
{
	static const enum vm_event_item items[MAX_NR_ZONES] = {
		VM_PGALLOC_DMA, VM_PGALLOC_DMA32, VM_PGALLOC_NORMAL, VM_PGALLOC_MOVABLE, VM_PGALLOC_CMA,
	};
	return items[t];
}

/* Zones a request may use, highest first: every populated zone <= highest_zoneidx.
 * ZONE_CMA sits above Movable and is reached only when the policy set highest_zoneidx
 * to ZONE_CMA (GFP_HIGHUSER_MOVABLE under zone_cma). */
static pfn_t get_page_from_freelist(struct mm *mm, struct alloc_context *ac, unsigned alloc_flags)
{
	for (;;) {
		for (struct zone *const *zp = mm->zonelist[ac->highest_zoneidx]; *zp; zp++) {
			struct zone *z = *zp;
			/* 6.7+: note a zone whose free pages are under its high watermark
			 * (ZONE_BELOW_HIGH), so its per-cpu lists stop growing (pcp.c). */
			if (!mm->pcp_fixed && !z->below_high && z->pcp && /* pcp_fixed first: the default */
			    !zone_watermark_ok(z, ac->order, zone_wmark(z, WMARK_HIGH), ac->highest_zoneidx,
					       alloc_flags, z->nr_free_pages))
				z->below_high = true;
			uint64_t mark = zone_wmark(z, (enum zone_watermark)(alloc_flags & ALLOC_WMARK_MASK));
			if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
			    !watermark_ok(z, ac->order, mark, ac->highest_zoneidx, alloc_flags, z->nr_free_pages)) {
				/* zone_watermark_fast: an order-0 __GFP_HIGH request retries at the
				 * un-boosted min while the zone is boosted. */
				if (!(ac->order == 0 && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
				      (alloc_flags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN &&
				      zone_watermark_ok(z, 0, z->watermark[WMARK_MIN], ac->highest_zoneidx,
							alloc_flags, z->nr_free_pages)))
					continue;
			}
			pfn_t pfn = rmqueue(mm, z, mm_request_cpu(ac->req), ac->order, ac->mt, alloc_flags);
			if (pfn == PFN_NONE)
				continue;
			if (alloc_flags & ALLOC_HIGHATOMIC)
				reserve_highatomic_pageblock(mm, z, pfn, ac->order);
			z->nr_alloc_pages += 1ull << ac->order;
			count_vm_events(mm, (enum vm_event_item)zone_alloc_counter(z->type), 1ull << ac->order);
			return pfn;
		}
		/* ALLOC_NOFRAGMENT found nothing: walk again allowing fragmenting fallbacks. */
		if (!(alloc_flags & ALLOC_NOFRAGMENT))
			return PFN_NONE;
		alloc_flags &= ~(unsigned)ALLOC_NOFRAGMENT;
		count_vm_event(mm, VM_MMSIM_NOFRAGMENT_RETRY);
	}
}

/* Highest populated zone a request may use: the "preferred zone". */
static struct zone *preferred_zone(struct mm *mm, const struct alloc_context *ac)
{
	return mm->zonelist[ac->highest_zoneidx][0];
}

/* The fast path (get_page_from_freelist at the low watermark, model.md §3.3): ALLOC_CMA for
 * movable requests, ALLOC_KSWAPD, and ALLOC_NOFRAGMENT when the preferred zone is Normal. */
static unsigned alloc_fast_flags(struct mm *mm, const struct alloc_context *ac)
{
	unsigned flags = ALLOC_WMARK_LOW;
	if (ac->mt == MIGRATE_MOVABLE && !ac->no_cma)
		flags |= ALLOC_CMA;
	if (ac->gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	struct zone *pz = preferred_zone(mm, ac);
	if (pz && pz->type == ZONE_NORMAL && mm->cfg->machine.mobility_grouping)
		flags |= ALLOC_NOFRAGMENT;
	return flags;
}

static pfn_t alloc_fast(struct mm *mm, struct alloc_context *ac)
{
	unsigned flags = ac->fast_flags ? ac->fast_flags : alloc_fast_flags(mm, ac);
	ac->alloc_flags = flags;
	return get_page_from_freelist(mm, ac, flags);
}

/* The locals of __alloc_pages_slowpath (6.12) for one request. */
struct slowpath {
	struct alloc_context *ac;
	bool costly;                  /* order > PAGE_ALLOC_COSTLY_ORDER */
	bool can_compact;             /* gfp_compaction_allowed: __GFP_IO, and compaction exists */
	int compact_priority;         /* enum compact_priority of the retry loop's compaction:
				       * DEF_COMPACT_PRIORITY (SYNC_LIGHT), raised to SYNC_FULL */
	int compaction_retries;
	int no_progress_loops;
	int compact_result;           /* enum compact_result of the last direct compaction */
};

/* A slow-path attempt at the free lists: its cost is a fast-path allocation's, so every
 * retry round moves the request's clock forward even when reclaim finds nothing. */
static pfn_t slow_attempt(struct mm *mm, struct slowpath *sp, unsigned flags)
{
	mm_request_charge(sp->ac->req, MAX(mm->cfg->costs.alloc_fast_ns, (sim_ns_t)1));
	return get_page_from_freelist(mm, sp->ac, flags);
}

/* __alloc_pages_direct_compact (6.12): compact at prio, then try the free lists.
 * compact_stall counts a run that was not skipped in every zone; compact_success when the
 * page was then obtained (resetting that zone's deferral), compact_fail otherwise. */
static pfn_t direct_compact(struct mm *mm, struct slowpath *sp, int prio)
{
	struct alloc_context *ac = sp->ac;
	sp->compact_result = COMPACT_SKIPPED;
	if (!ac->order || !sp->can_compact)
		return PFN_NONE;
	sp->compact_result = mm->hooks.direct_compact(mm, ac, prio);
	if (sp->compact_result == COMPACT_SKIPPED) {
		mm_request_yield(mm, ac->req);
		return PFN_NONE;
	}
	count_vm_event(mm, VM_COMPACT_STALL);
	/* As compaction_capture() and __alloc_pages_direct_compact() in 6.12: the block the
	 * compaction freed is taken at once, and the compaction's cost is slept off with the
	 * rest of the request's stall once the page is its own; no other request nor
	 * kswapd's pgdat_balanced() sees the block free in between. */
	pfn_t pfn = slow_attempt(mm, sp, ac->alloc_flags);
	if (pfn != PFN_NONE) {
		compaction_defer_reset(mm_pfn_zone(mm, pfn), (int)ac->order, true);
		count_vm_event(mm, VM_COMPACT_SUCCESS);
		return pfn;
	}
	mm_request_yield(mm, ac->req);
	count_vm_event(mm, VM_COMPACT_FAIL);
	return PFN_NONE;
}

/* __alloc_pages_direct_reclaim (6.12): reclaim, then try the free lists, draining the
 * per-cpu lists once if that fails.  *progress = pages reclaimed. */
static pfn_t direct_reclaim(struct mm *mm, struct slowpath *sp, uint64_t *progress)
{
	struct alloc_context *ac = sp->ac;
	*progress = mm->hooks.direct_reclaim(mm, ac);
	mm_request_yield(mm, ac->req);
	if (!*progress)
		return PFN_NONE;
	pfn_t pfn = slow_attempt(mm, sp, ac->alloc_flags);
	if (pfn == PFN_NONE && mm->cfg->machine.pcp) {
		mm_drain_all_pages(mm);
		pfn = slow_attempt(mm, sp, ac->alloc_flags);
	}
	return pfn;
}

/* should_reclaim_retry (6.12): progress resets the no-progress count, except for costly
 * orders (progress need not make their order available); after MAX_RECLAIM_RETRIES
 * loops without progress, or when no zone could pass its min watermark even with every
 * reclaimable page freed, reclaim has failed. */
static bool should_reclaim_retry(struct mm *mm, struct slowpath *sp, bool progress)
{
	if (progress && !sp->costly)
		sp->no_progress_loops = 0;
	else
		sp->no_progress_loops++;
	if (sp->no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	return reclaim_should_retry(mm, sp->ac);
}

/* should_compact_retry (6.12): after COMPACT_SKIPPED, retry if reclaim could make
 * compaction suitable; after COMPACT_SUCCESS (the page was taken by someone else) retry
 * up to MAX_COMPACT_RETRIES times (a quarter for costly orders); otherwise raise the
 * priority by one (towards SYNC_FULL; costly orders stop at SYNC_LIGHT). */
#define MAX_COMPACT_RETRIES 16
static bool should_compact_retry(struct mm *mm, struct slowpath *sp)
{
	struct alloc_context *ac = sp->ac;
	if (!ac->order)
		return false;
	if (sp->compact_result == COMPACT_SKIPPED)
		return compaction_zonelist_suitable(mm, ac);
	if (sp->compact_result == COMPACT_SUCCESS) {
		int max_retries = sp->costly ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES;
		if (++sp->compaction_retries <= max_retries)
			return true;
	}
	int min_priority = sp->costly ? COMPACT_PRIO_SYNC_LIGHT : COMPACT_PRIO_SYNC_FULL;
	if (sp->compact_priority > min_priority) {
		sp->compact_priority--;
		sp->compaction_retries = 0;
		return true;
	}
	return false;
}

static bool task_killed(const struct mm *mm, const struct mm_request *req)
{
	return req && mm_task_killed(mm, req->task);
}

/* __alloc_pages_may_oom (6.12): one last attempt at the high watermark (a parallel kill
 * may have freed memory), then the rules that keep the OOM killer out, then
 * out_of_memory.  Returns the page, or PFN_NONE with *outcome the reason the request
 * must fail, or AOUT_SATISFIED meaning "progress: retry" (a task was killed, or the
 * request cannot use the OOM killer but must not fail: !__GFP_FS pretends progress). */
static pfn_t may_oom(struct mm *mm, struct slowpath *sp, enum alloc_outcome *outcome)
{
	struct alloc_context *ac = sp->ac;
	*outcome = AOUT_SATISFIED;
	pfn_t pfn = slow_attempt(mm, sp, ALLOC_WMARK_HIGH | (ac->alloc_flags & ALLOC_CMA));
	if (pfn != PFN_NONE)
		return pfn;
	if (sp->costly) /* the OOM killer does not help higher orders */
		*outcome = AOUT_FAIL_COSTLY;
	else if (ac->gfp & __GFP_RETRY_MAYFAIL)
		*outcome = AOUT_FAIL_RETRY_MAYFAIL;
	else if (ac->highest_zoneidx < ZONE_NORMAL) /* no kills for lowmem */
		*outcome = AOUT_FAIL_LOWMEM;
	else if (!(ac->gfp & __GFP_FS)) {
		/* out_of_memory does not kill for IO-less reclaim: the request retries until
		 * another task frees memory.  One whose clock stands (tests, migration targets)
		 * would wait forever, so it ends as unfinished. */
		if (!mm_request_can_sleep(ac->req))
			*outcome = AOUT_UNFINISHED;
	} else if (!oom_kill(mm, ac->req))
		*outcome = AOUT_FAIL_NO_VICTIM;
	return PFN_NONE;
}

/* __alloc_pages_slowpath (6.12, model.md §4.1) for a request that can enter it.  Every
 * exit sets ac->outcome (AOUT_SATISFIED with a page).  An actor sleeps at each direct
 * reclaim and compaction and each retry round; a request whose task was OOM-killed while
 * it slept gives up at its next sleep point (the kernel's victim fails with
 * fatal_signal_pending or gets ALLOC_OOM and exits; either way its task is gone). */
static __attribute__((noinline)) pfn_t alloc_slowpath(struct mm *mm, struct alloc_context *ac)
{
	struct slowpath sp = {
		.ac = ac,
		.costly = ac->order > PAGE_ALLOC_COSTLY_ORDER,
		.can_compact = mm->hooks.direct_compact && (ac->gfp & __GFP_IO) &&
			       mm->cfg->policy.compaction_direct,
		.compact_priority = COMPACT_PRIO_SYNC_LIGHT, /* DEF_COMPACT_PRIORITY */
		.compact_result = COMPACT_SKIPPED,
	};
	bool can_direct_reclaim = gfp_direct_reclaim(ac->gfp);
	unsigned flags = gfp_to_alloc_flags(ac->gfp, ac->order);
	if (ac->no_cma)
		flags &= ~(unsigned)ALLOC_CMA;
	ac->alloc_flags = flags;
	if ((flags & ALLOC_KSWAPD) && mm->hooks.wakeup_kswapd)
		mm->hooks.wakeup_kswapd(mm, ac->order, ac->highest_zoneidx);
	pfn_t pfn = slow_attempt(mm, &sp, flags);
	if (pfn != PFN_NONE)
		goto got_pg;

	/* Costly orders, and non-movable high orders (so compaction keeps blocks of one type
	 * together), try async compaction before any reclaim. */
	if (can_direct_reclaim && sp.can_compact && (sp.costly || (ac->order > 0 && ac->mt != MIGRATE_MOVABLE))) {
		pfn = direct_compact(mm, &sp, COMPACT_PRIO_ASYNC);
		if (pfn != PFN_NONE)
			goto got_pg;
		if (task_killed(mm, ac->req))
			goto killed;
		if (sp.costly && (ac->gfp & __GFP_NORETRY)) {
			/* Whole pageblocks that compaction skipped or deferred: reclaim would be
			 * expensive and unlikely to help; fail now. */
			if (sp.compact_result == COMPACT_SKIPPED || sp.compact_result == COMPACT_DEFERRED) {
				ac->outcome = AOUT_FAIL_NORETRY;
				return PFN_NONE;
			}
			/* As 6.18: a THP fault's first, node-local attempt (alloc_pages_mpol adds
			 * __GFP_THISNODE | __GFP_NORETRY) may only compact, never reclaim: its
			 * failure goes straight to the fault's second call.  (6.12 reclaimed once
			 * and compacted again; the 6.18 captures show no direct reclaim with
			 * __GFP_THISNODE | __GFP_NORETRY.) */
			if (ac->gfp & __GFP_THISNODE) {
				ac->outcome = AOUT_FAIL_NORETRY;
				return PFN_NONE;
			}
			sp.compact_priority = COMPACT_PRIO_ASYNC; /* keep compaction cheap */
		}
	}

	for (;;) { /* retry: */
		if ((flags & ALLOC_KSWAPD) && mm->hooks.wakeup_kswapd)
			mm->hooks.wakeup_kswapd(mm, ac->order, ac->highest_zoneidx);
		pfn = slow_attempt(mm, &sp, flags);
		if (pfn != PFN_NONE)
			goto got_pg;
		if (!can_direct_reclaim || !mm->hooks.direct_reclaim) {
			ac->outcome = AOUT_FAIL_NOWAIT;
			return PFN_NONE;
		}
		uint64_t progress;
		pfn = direct_reclaim(mm, &sp, &progress);
		if (pfn != PFN_NONE)
			goto got_pg;
		if (task_killed(mm, ac->req))
			goto killed;
		pfn = direct_compact(mm, &sp, sp.compact_priority);
		if (pfn != PFN_NONE)
			goto got_pg;
		if (task_killed(mm, ac->req))
			goto killed;
		if (ac->gfp & __GFP_NORETRY) {
			ac->outcome = AOUT_FAIL_NORETRY;
			return PFN_NONE;
		}
		if (sp.costly && (!sp.can_compact || !(ac->gfp & __GFP_RETRY_MAYFAIL))) {
			ac->outcome = AOUT_FAIL_COSTLY;
			return PFN_NONE;
		}
		if (should_reclaim_retry(mm, &sp, progress > 0))
			continue;
		if (progress > 0 && sp.can_compact && should_compact_retry(mm, &sp))
			continue;
		enum alloc_outcome why;
		pfn = may_oom(mm, &sp, &why);
		if (pfn != PFN_NONE)
			goto got_pg;
		if (task_killed(mm, ac->req)) /* it chose the requester itself */
			goto killed;
		if (why != AOUT_SATISFIED) {
			ac->outcome = why;
			return PFN_NONE;
		}
		sp.no_progress_loops = 0; /* the OOM killer made progress */
		mm_request_yield(mm, ac->req);
		if (task_killed(mm, ac->req))
			goto killed;
	}
got_pg:
	ac->outcome = AOUT_SATISFIED;
	return pfn;
killed:
	ac->outcome = AOUT_KILLED;
	return PFN_NONE;
}

/* mm_alloc_pages, inline in alloc_slot (every allocation of a replay): the fast path's
 * attempt costs no call of its own. */
static inline __attribute__((always_inline)) pfn_t alloc_pages_inline(struct mm *mm, struct alloc_context *ac)
{
	struct mm_request *req = ac->req;
	ac->outcome = AOUT_SATISFIED;
	if (!req || !req->fast_failed) {
		pfn_t pfn = alloc_fast(mm, ac);
		if (pfn != PFN_NONE)
			return pfn;
		/* A request that may not sleep here comes back as an actor (mm.h). */
		if (mm_request_defer(req)) {
			req->fast_failed = true;
			return PFN_NONE;
		}
	}
	ac->slowpath = true;
	return alloc_slowpath(mm, ac);
}

pfn_t mm_alloc_pages(struct mm *mm, struct alloc_context *ac)
{
	return alloc_pages_inline(mm, ac);
}

/* A THP fault under the default memory policy: the PMD order with GFP_TRANSHUGE_LIGHT's
 * marks (__GFP_NOMEMALLOC on a movable compound allocation), the mask vma_thp_gfp_mask()
 * gives a fault, and no node of its own yet (__GFP_THISNODE is what the policy adds). */
static bool thp_fault_mpol(const struct mm *mm, gfp_t gfp, unsigned order)
{
	const gfp_t marks = __GFP_NOMEMALLOC | __GFP_COMP | __GFP_MOVABLE;
	return order == mm->pageblock_order && (gfp & marks) == marks && !(gfp & __GFP_THISNODE);
}

/* alloc_pages_mpol() (6.12, mm/mempolicy.c; alloc_pages_vma() since 5.5) for a THP fault
 * under the default policy: a first __alloc_pages on the local node that "does not reclaim
 * unnecessarily, just compacts" (the fault's mask | __GFP_THISNODE | __GFP_NORETRY, so the
 * 6.18 slow path gives up after its one async compaction, without reclaim), then, when that fails and the fault may reclaim, a
 * second __alloc_pages with the fault's own mask: fast path and slow path again.  The first
 * attempt's failure is an allocation that returned no page, as mm_page_alloc traces it. */
static pfn_t alloc_thp_fault(struct mm *mm, struct alloc_context *ac)
{
	gfp_t gfp = ac->gfp;
	struct alloc_context first = *ac;
	first.gfp = gfp | __GFP_THISNODE | __GFP_NORETRY;
	pfn_t pfn = mm_alloc_pages(mm, &first);
	bool deferred = ac->req && ac->req->deferred;
	if (pfn != PFN_NONE || deferred || first.outcome == AOUT_KILLED || !(gfp & __GFP_DIRECT_RECLAIM)) {
		*ac = first;
		ac->gfp = gfp;
		return pfn;
	}
	count_vm_event(mm, VM_MMSIM_ALLOC_FAIL);
	if (ac->req)
		ac->req->fast_failed = false; /* a call of its own: it starts at the fast path */
	pfn = mm_alloc_pages(mm, ac);
	ac->slowpath = true; /* the first attempt's slow path ran */
	return pfn;
}

static inline __attribute__((always_inline)) pfn_t alloc_slot(struct mm *mm, struct mm_request *req, struct obj_slot *s, uint64_t id, gfp_t gfp,
			unsigned order, bool activate);

/* struct alloc_desc of (gfp, order), worked out as alloc_slot did on every allocation:
 * the migratetype (UNMOVABLE without mobility grouping, or for the invalid
 * MOVABLE|RECLAIMABLE), gfp_zone, the CMA policy's prepare, and alloc_fast's flags. */
static __attribute__((noinline)) void alloc_desc_fill(struct mm *mm, gfp_t gfp, unsigned order, struct alloc_desc *d)
{
	struct alloc_context ac = {
		.gfp = gfp,
		.order = order,
		.mt = mm->cfg->machine.mobility_grouping ? gfp_migratetype(gfp) : MIGRATE_UNMOVABLE,
		.highest_zoneidx = gfp_zone(gfp),
	};
	if (ac.mt > MIGRATE_RECLAIMABLE) /* MOVABLE|RECLAIMABLE together is invalid */
		ac.mt = MIGRATE_UNMOVABLE;
	d->mt = (uint8_t)ac.mt;
	d->cls = (uint8_t)gfp_alloc_class(gfp, order);
	d->thp = order <= MAX_PAGE_ORDER && thp_fault_mpol(mm, gfp, order);
	mm->cma_ops->prepare(mm, &ac);
	d->zone = (uint8_t)ac.highest_zoneidx;
	d->no_cma = ac.no_cma;
	d->fast_flags = (uint16_t)alloc_fast_flags(mm, &ac);
	sim_assert(!mm->hooks.page_allocated == !mm->hooks.page_alloc_decode);
	d->hook = mm->hooks.page_alloc_decode ? mm->hooks.page_alloc_decode(mm, gfp, order) : 0;
}

/* The node's alloc_desc of (gfp, order), filled at its first use; a gfp with bits above
 * the key's (none of the kernel's) or an order above MAX_PAGE_ORDER is decoded afresh. */
static inline __attribute__((always_inline)) struct alloc_desc alloc_desc_get(struct mm *mm, gfp_t gfp, unsigned order)
{
	struct alloc_desc d;
	if (gfp >> ALLOC_DESC_ORDER_SHIFT || order > MAX_PAGE_ORDER) {
		alloc_desc_fill(mm, gfp, order, &d);
		return d;
	}
	uint32_t key = gfp | order << ALLOC_DESC_ORDER_SHIFT;
	struct alloc_desc *e = &mm->alloc_descs[(key * 0x9e3779b1u) >> (32 - ALLOC_DESC_BITS)];
	if (e->key != key) {
		alloc_desc_fill(mm, gfp, order, e);
		e->key = key;
	}
	return *e;
}

pfn_t mm_alloc_req(struct mm *mm, struct mm_request *req, uint64_t id, gfp_t gfp, unsigned order)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (s && !(req && req->fast_failed && s->kind == OBJ_PENDING && s->task == req->task)) {
		if (req)
			req->last_class = (int8_t)gfp_alloc_class(gfp, order);
		count_vm_event(mm, VM_MMSIM_ALLOC_DUP_ID);
		return PFN_NONE;
	}
	if (!s) {
		s = obj_insert_absent(mm, id);
		s->kind = OBJ_PENDING; /* not an object yet: its request may sleep */
		s->task = req ? req->task : 0;
		s->order = (uint8_t)order;
		s->pins = 0;
	}
	pfn_t pfn = alloc_slot(mm, req, s, id, gfp, order, false);
	if (req && req->deferred)
		return PFN_NONE; /* the slot stays pending for the actor that finishes it */
	if (pfn == PFN_NONE) {
		s = obj_lookup(&mm->objs, id);
		if (s && s->kind == OBJ_PENDING)
			obj_remove(mm, s);
	}
	sim_assert3(mm_check_full(mm));
	return pfn;
}

/* The allocation proper for object id, whose slot exists: a new object (OBJ_PENDING), or
 * a non-resident one faulting back in (reclaim's swap-in and refault; activate: the
 * refault was within the workingset).  Counts the request's outcome.  If the slot changed
 * while the request slept (another task freed the object, or faulted it in first), the
 * pages go back and PFN_NONE is returned; the request itself was still satisfied. */
pfn_t mm_alloc_slot(struct mm *mm, struct mm_request *req, uint64_t id, gfp_t gfp, unsigned order,
		    bool activate)
{
	return alloc_slot(mm, req, obj_lookup(&mm->objs, id), id, gfp, order, activate);
}

/* mm_alloc_slot with id's slot s (looked up by the caller; NULL when absent).  Inline in
 * both callers: in mm_alloc_req (every allocation of a replay) the slot is known to exist
 * and be pending and activate is false, so the refault cases fold away with the call. */
static inline __attribute__((always_inline)) pfn_t alloc_slot(struct mm *mm, struct mm_request *req, struct obj_slot *s, uint64_t id, gfp_t gfp,
			unsigned order, bool activate)
{
	/* the request decoded once per (gfp, order) of the run (struct alloc_desc) */
	const struct alloc_desc d = alloc_desc_get(mm, gfp, order);
	struct alloc_context ac = {
		.gfp = gfp,
		.order = order,
		.mt = (enum migratetype)d.mt,
		.highest_zoneidx = (enum zone_type)d.zone,
		.no_cma = d.no_cma,
		.req = req,
		.fast_flags = d.fast_flags,
	};
	enum alloc_class cls = (enum alloc_class)d.cls;
	enum obj_kind kind0 = s ? (enum obj_kind)s->kind : OBJ_PENDING;
	const struct obj_slot *slots0 = mm->objs.slots;
	pfn_t pfn = PFN_NONE;
	if (req)
		req->last_class = (int8_t)cls;
	if (order > MAX_PAGE_ORDER) {
		ac.outcome = AOUT_FAIL_ORDER;
	} else {
		if (req)
			req->alloc_class = (int)cls;
		/* a file's reserve, when the policy keeps them and the file has one */
		pfn = mm->mapping_pool ? mapping_pool_take(mm, req, gfp, order) : PFN_NONE;
		if (pfn == PFN_NONE)
			pfn = d.thp ? alloc_thp_fault(mm, &ac) : alloc_pages_inline(mm, &ac);
		if (req)
			req->alloc_class = -1;
		if (req && req->deferred)
			return PFN_NONE; /* not an outcome yet: it is run again as an actor */
		mm->order_outcome[order][ac.outcome]++;
		if (ac.slowpath) {
			mm->order_slowpath[order]++;
			if (order)
				count_vm_event(mm, VM_MMSIM_HIGHORDER_SLOWPATH);
		}
	}
	mm->alloc_outcome[cls][ac.outcome]++;
	/* do_huge_pmd_anonymous_page (6.12): a THP fault counts its folio, or its fallback to
	 * order-0 pages when the allocation failed (a task killed meanwhile faults no more). */
	if (d.thp && ac.outcome != AOUT_KILLED)
		count_vm_event(mm, pfn != PFN_NONE ? VM_THP_FAULT_ALLOC : VM_THP_FAULT_FALLBACK);
	if (pfn == PFN_NONE) {
		if (ac.outcome != AOUT_KILLED)
			count_vm_event(mm, VM_MMSIM_ALLOC_FAIL);
		return PFN_NONE;
	}
	/* The table may have moved while the request slept: s is still id's slot if it lies
	 * in the same array and names id (a live id has one slot).  The array never shrinks
	 * (rebuild), so a slot of the same array is still within it. */
	if (!s || mm->objs.slots != slots0 || s->id != id)
		s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != kind0) {
		mm_free_pages(mm, req, pfn, order);
		return PFN_NONE;
	}
	s->pfn = pfn;
	s->order = (uint8_t)order;
	s->kind = OBJ_PAGES;
	/* A new object and a refaulted page-cache page belong to the task that faults them in
	 * (mem_cgroup_charge of the new folio); a swapped-in anon page stays its owner's (its
	 * swap entry names the memcg, and its pages still count in the owner's OOM badness,
	 * which oom_account added when the object was new). */
	if (req && (kind0 == OBJ_PENDING || kind0 == OBJ_EVICTED))
		s->task = req->task;
	struct page_frame *p = &mm->pages[pfn];
	/* A page just taken off the free lists weighs nothing in its pageblock's nr_movable,
	 * and a bare PF_HEAD neither: mm_page_set_flags would find the zone for no change. */
	sim_assert2(!pageblock_movable_weight(p->flags, p->order));
	/* Its xflags are 0 too (a free or per-cpu block's memcg bits are clear and pcp_take
	 * cleared PFX_PCP), so the frame is written whole: two stores instead of a
	 * read-modify-write per field. */
	sim_assert2(!p->xflags);
	*p = (struct page_frame){
		.next = PFN_NONE,
		.prev = PFN_NONE,
		.owner = (uint32_t)(s - mm->objs.slots),
		.flags = PF_HEAD,
		.order = (uint8_t)order,
		.mt = (uint8_t)ac.mt,
	};
	if (mm->hooks.page_allocated) {
		if (d.hook) /* what the hook does with (gfp, order), decoded with d */
			mm->hooks.page_allocated(mm, pfn, gfp, d.hook, activate);
	} else if (ac.mt == MIGRATE_MOVABLE)
		mm_page_set_flags(mm, pfn, p->flags | PF_LRU); /* user and page-cache memory: "movable" for the claim rule */
	if (kind0 == OBJ_PENDING) /* a new object (a fault-in was counted when it was new) */
		oom_account(mm, s, true);
	return pfn;
}

bool mm_free_req(struct mm *mm, struct mm_request *req, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind == OBJ_CMA_DEVICE || s->kind == OBJ_PENDING) {
		count_vm_event(mm, VM_MMSIM_FREE_UNKNOWN);
		return false;
	}
	if (s->kind == OBJ_ALIAS) { /* a base page a THP served (thp_part.c): no pages */
		obj_remove(mm, s);
		return true;
	}
	oom_account(mm, s, false);
	if (s->kind != OBJ_PAGES) { /* swapped or evicted: nothing resident to free */
		if (mm->hooks.free_nonresident)
			mm->hooks.free_nonresident(mm, s);
		obj_remove(mm, s);
		return true;
	}
	pfn_t pfn = s->pfn;
	unsigned order = s->order;
	/* page_freed runs while the head still names its object (reclaim keys its side
	 * table and in-flight writes by object id); it must not change the object table. */
	if (mm->hooks.page_freed)
		mm->hooks.page_freed(mm, req, pfn, order);
	obj_remove(mm, s);
	free_pages_inline(mm, req, pfn, order);
	sim_assert3(mm_check_full(mm));
	return true;
}
