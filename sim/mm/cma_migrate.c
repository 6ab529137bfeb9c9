/* cma_migrate.c — mainline CMA (migrate_cma): the area is MIGRATE_CMA pageblocks, used
 * only by requests whose gfp migratetype is MOVABLE (ALLOC_CMA, any __GFP_MOVABLE, so
 * block-device page cache too), as a last resort or first under the 5.7 balance rule
 * (__rmqueue() in 6.12); free CMA pages are subtracted in non-movable watermark checks
 * (__zone_watermark_unusable_free()). */
#include "mm.h"

/* As init_cma_reserved_pageblock() in 6.12: the block becomes MIGRATE_CMA. */
static void mark_migrate_cma(struct mm *mm, struct zone *z, struct pageblock *pb)
{
	z->nr_blocks_mt[pb->mt]--;
	pb->mt = MIGRATE_CMA;
	z->nr_blocks_mt[MIGRATE_CMA]++;
	z->cma_pages += mm->pageblock_nr_pages;
}

/* Since 6.10 a free page sits on its pageblock's list: free CMA == free on CMA lists. */
static uint64_t used_migrate_cma(const struct mm *mm)
{
	uint64_t free_cma = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		free_cma += mm->zones[i].nr_free_cma;
	return mm->totalcma_pages - MIN(free_cma, mm->totalcma_pages);
}

const struct cma_policy_ops cma_policy_migrate = {
	.has_area = true,
	.own_zone = false,
	.proc_cma = true,
	.proc_zone_cma = false,
	.mark_pageblock = mark_migrate_cma,
	.prepare = cma_prepare_by_migratetype,
	.fallback_allowed = cma_fallback_any,
	.watermark_unusable = cma_watermark_unusable_cma_lists,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.movable_unusable_blocks = cma_movable_all_usable,
	.suitability_flags = cma_suitability_always_cma,
	.used_pages = used_migrate_cma,
};
