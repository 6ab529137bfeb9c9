/* cma_policy.c — the three ways of managing CMA memory (reference §7, §9), plus none, as
 * one ops table selected by policy.cma.mode.  Each policy decides two things the buddy
 * allocator asks about: which zones and CMA memory a request may use, and whether an
 * UNMOVABLE/RECLAIMABLE fallback may take a page from a given pageblock.
 *
 *   none            no CMA area: the memory is ordinary.
 *   migrate_cma     mainline: MIGRATE_CMA pageblocks, used only by requests whose gfp
 *                   migratetype is MOVABLE (ALLOC_CMA, any __GFP_MOVABLE, so block-device
 *                   page cache too), as a last resort or first under the 5.7 balance rule;
 *                   free CMA pages subtracted in non-movable watermark checks (page_alloc.c).
 *   sticky_movable  Mel Gorman's proposal: the area is MOVABLE pageblocks flagged sticky;
 *                   UNMOVABLE/RECLAIMABLE may never claim or steal from them; no watermark
 *                   special case.
 *   zone_cma        Joonsoo Kim's proposal: the area is its own zone above Movable, reached
 *                   only by requests that may use ZONE_MOVABLE (GFP_HIGHUSER_MOVABLE-like:
 *                   __GFP_HIGHMEM|__GFP_MOVABLE), so block-device page cache stays out; the
 *                   zone has its own watermarks and compaction stays within it.
 */
#include "mm.h"

static void prepare_none(const struct mm *mm, struct alloc_context *ac)
{
	(void)mm;
	ac->no_cma = true;
}

static void prepare_migrate_cma(const struct mm *mm, struct alloc_context *ac)
{
	(void)mm;
	(void)ac; /* ALLOC_CMA follows the gfp migratetype (gfp_to_alloc_flags) */
}

static void prepare_zone_cma(const struct mm *mm, struct alloc_context *ac)
{
	ac->no_cma = true; /* no MIGRATE_CMA pageblocks exist under this policy */
	if (ac->highest_zoneidx == ZONE_MOVABLE && zone_populated(&mm->zones[ZONE_CMA]))
		ac->highest_zoneidx = ZONE_CMA;
}

static bool fallback_any(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
			 enum migratetype start_mt)
{
	(void)mm; (void)z; (void)pfn; (void)order; (void)start_mt;
	return true;
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

const struct cma_policy_ops cma_policies[NR_CMA_MODES] = {
	[CMA_NONE] = { .name = "none", .prepare = prepare_none, .fallback_allowed = fallback_any },
	[CMA_MIGRATE_CMA] = { .name = "migrate_cma", .prepare = prepare_migrate_cma, .fallback_allowed = fallback_any },
	[CMA_STICKY_MOVABLE] = { .name = "sticky_movable", .prepare = prepare_migrate_cma,
				 .fallback_allowed = fallback_not_sticky },
	[CMA_ZONE_CMA] = { .name = "zone_cma", .prepare = prepare_zone_cma, .fallback_allowed = fallback_any },
};
