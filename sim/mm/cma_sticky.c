/* cma_sticky.c — Mel Gorman's sticky MOVABLE proposal (sticky_movable, 2016 ZONE_CMA
 * thread): the area is MOVABLE pageblocks flagged sticky; UNMOVABLE/RECLAIMABLE fallbacks may
 * never claim or steal from them, and movable requests use them as ordinary MOVABLE memory,
 * interleaved with the other MOVABLE blocks on the same free lists (his item 4: no CMA-last
 * rule, so the area's free memory is used).  Two readings (policy.cma.sticky, model.md §7.1):
 *
 *   literal    fallback refusal only.  Every other check counts free sticky pages as usable
 *              by anyone, which is the accounting hole Joonsoo Kim pointed out: a zone whose
 *              free memory is all sticky passes an UNMOVABLE watermark check, so kswapd is not
 *              woken and the request then fails in rmqueue.
 *   accounted  the hooks a mergeable version needs ("we need more hooks"): a free-sticky
 *              counter (zone->nr_free_sticky, per order free_area->nr_free_sticky) subtracted
 *              for requests without ALLOC_CMA exactly as mainline subtracts NR_FREE_CMA_PAGES
 *              in __zone_watermark_unusable_free() (6.12), sticky blocks skipped in the
 *              high-order part of the check, in compaction suitability and in the compaction
 *              finish test for non-movable requests.  kswapd's balance check and
 *              should_reclaim_retry are built on the same check and inherit it.
 *
 * Under both, the allocator never retypes a sticky block: merging stops at a sticky
 * boundary (as at MIGRATE_CMA / ISOLATE boundaries) and the highatomic reserve skips
 * sticky blocks (page_alloc.c). */
#include "mm.h"

static void mark_sticky(struct mm *mm, struct zone *z, struct pageblock *pb)
{
	(void)mm;
	(void)z;
	pb->bits |= PB_STICKY;
}

/* Sticky blocks never serve an UNMOVABLE/RECLAIMABLE fallback (claim or steal). A free
 * block above pageblock order lies wholly inside or wholly outside the area (merging
 * stops at its boundary), so its first pageblock decides. */
static bool fallback_not_sticky(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
				enum migratetype start_mt)
{
	(void)order;
	if (start_mt == MIGRATE_MOVABLE)
		return true;
	return !(z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order].bits & PB_STICKY);
}

/* Sticky blocks are ordinary MOVABLE ones: no used counter, so walk the areas. */
static uint64_t used_sticky(const struct mm *mm)
{
	uint64_t used = 0;
	for (unsigned a = 0; a < mm->nr_cma_areas; a++) {
		const struct cma_area *ca = &mm->cma_areas[a];
		pfn_t end = ca->base_pfn + (pfn_t)ca->pages;
		used += ca->pages - cma_free_pages_in(mm, ca->base_pfn, end);
	}
	return used;
}

/* accounted: free sticky pages are as unusable without ALLOC_CMA as free CMA pages. */
static uint64_t unusable_sticky(const struct zone *z, unsigned alloc_flags)
{
	return (alloc_flags & ALLOC_CMA) ? 0 : z->nr_free_sticky;
}

static uint64_t movable_unusable_sticky(const struct free_area *area, unsigned alloc_flags)
{
	return (alloc_flags & ALLOC_CMA) ? 0 : area->nr_free_sticky;
}

/* accounted: suitability counts the area only for requests that may use it. */
static unsigned suitability_sticky(unsigned alloc_flags)
{
	return alloc_flags & ALLOC_CMA;
}

const struct cma_policy_ops cma_policy_sticky = {
	.has_area = true,
	.own_zone = false,
	.proc_cma = true,
	.proc_zone_cma = false,
	.mark_pageblock = mark_sticky,
	.prepare = cma_prepare_by_migratetype,
	.fallback_allowed = fallback_not_sticky,
	.watermark_unusable = unusable_sticky,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.movable_unusable_blocks = movable_unusable_sticky,
	.suitability_flags = suitability_sticky,
	.used_pages = used_sticky,
};

const struct cma_policy_ops cma_policy_sticky_literal = {
	.has_area = true,
	.own_zone = false,
	.proc_cma = true,
	.proc_zone_cma = false,
	.mark_pageblock = mark_sticky,
	.prepare = cma_prepare_by_migratetype,
	.fallback_allowed = fallback_not_sticky,
	.watermark_unusable = cma_watermark_unusable_cma_lists,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.movable_unusable_blocks = cma_movable_all_usable,
	.suitability_flags = cma_suitability_always_cma,
	.used_pages = used_sticky,
};
