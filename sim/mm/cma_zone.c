/* cma_zone.c — Joonsoo Kim's ZONE_CMA proposal (zone_cma): the area is its own zone above
 * Movable, carved from the top of the CMA home zone (mm_layout_compute), reached only by
 * requests that may use ZONE_MOVABLE (GFP_HIGHUSER_MOVABLE-like: __GFP_HIGHMEM|
 * __GFP_MOVABLE), so block-device page cache stays out; the zone has its own watermarks
 * and compaction stays within it. */
#include "mm.h"

/* The area's blocks stay MOVABLE: the zone boundary is what keeps other requests out. */
static void mark_zone_cma(struct mm *mm, struct zone *z, struct pageblock *pb)
{
	(void)mm;
	(void)z;
	(void)pb;
}

static void prepare_zone_cma(const struct mm *mm, struct alloc_context *ac)
{
	ac->no_cma = true; /* no MIGRATE_CMA pageblocks exist under this policy */
	if (ac->highest_zoneidx == ZONE_MOVABLE && zone_populated(&mm->zones[ZONE_CMA]))
		ac->highest_zoneidx = ZONE_CMA;
}

static uint64_t used_zone_cma(const struct mm *mm)
{
	const struct zone *z = &mm->zones[ZONE_CMA];
	uint64_t free = z->nr_free_pages + z->nr_free_isolated;
	return z->present - MIN(free, z->present);
}

const struct cma_policy_ops cma_policy_zone = {
	.has_area = true,
	.own_zone = true,
	.proc_cma = true,
	.proc_zone_cma = true,
	.mark_pageblock = mark_zone_cma,
	.prepare = prepare_zone_cma,
	.fallback_allowed = cma_fallback_any,
	.watermark_unusable = cma_watermark_unusable_cma_lists,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.movable_unusable_blocks = cma_movable_all_usable,
	.suitability_flags = cma_suitability_always_cma,
	.used_pages = used_zone_cma,
};
