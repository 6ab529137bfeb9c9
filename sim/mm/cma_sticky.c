/* cma_sticky.c — Mel Gorman's sticky MOVABLE proposal (sticky_movable): the area is
 * MOVABLE pageblocks flagged sticky; UNMOVABLE/RECLAIMABLE fallbacks may never claim or
 * steal from them; requests use it as ordinary MOVABLE memory, so there is no watermark
 * special case. */
#include "mm.h"

static void mark_sticky(struct mm *mm, struct zone *z, struct pageblock *pb)
{
	(void)mm;
	(void)z;
	pb->bits |= PB_STICKY;
}

/* Sticky blocks never serve an UNMOVABLE/RECLAIMABLE fallback (claim or steal). A free
 * block above pageblock order covers several pageblocks: none may be sticky. */
static bool fallback_not_sticky(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
				enum migratetype start_mt)
{
	if (start_mt == MIGRATE_MOVABLE)
		return true;
	pfn_t nr = order > mm->pageblock_order ? 1u << order : 1;
	for (pfn_t q = pfn; q < pfn + nr; q += mm->pageblock_nr_pages)
		if (z->pageblocks[(q - z->start_pfn) >> mm->pageblock_order].bits & PB_STICKY)
			return false;
	return true;
}

/* Sticky blocks are ordinary MOVABLE ones: no counter, so walk the areas. */
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

const struct cma_policy_ops cma_policy_sticky = {
	.has_area = true,
	.own_zone = false,
	.proc_cma = true,
	.proc_zone_cma = false,
	.mark_pageblock = mark_sticky,
	.prepare = cma_prepare_by_migratetype,
	.fallback_allowed = fallback_not_sticky,
	.watermark_unusable = cma_watermark_unusable_cma_lists,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.used_pages = used_sticky,
};
