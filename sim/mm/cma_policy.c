/* cma_policy.c — the registry of CMA policies, and the pieces several of them share.
 *
 * Each policy is one struct cma_policy_ops in its own file (cma_none.c, cma_migrate.c,
 * cma_sticky.c, cma_zone.c); mm_init picks cma_policies[policy.cma.mode] and nothing else
 * in the simulator tests the mode.  A new policy is a new cma_<name>.c, its name in
 * cma_mode_names (sim/kernel/mmtypes.c, which the config parser reads), its enum value,
 * and one line here.
 */
#include "mm.h"

/* Each policy file defines one of these; a new policy adds its line here and in the table
 * (sticky_movable's literal reading is a second ops of cma_sticky.c, chosen by
 * policy.cma.sticky). */
extern const struct cma_policy_ops cma_policy_none, cma_policy_migrate, cma_policy_sticky, cma_policy_zone;
extern const struct cma_policy_ops cma_policy_sticky_literal;

const struct cma_policy_ops *const cma_policies[NR_CMA_MODES] = {
	[CMA_NONE] = &cma_policy_none,
	[CMA_MIGRATE_CMA] = &cma_policy_migrate,
	[CMA_STICKY_MOVABLE] = &cma_policy_sticky,
	[CMA_ZONE_CMA] = &cma_policy_zone,
};

const struct cma_policy_ops *cma_policy_of(const struct cma_policy_config *cma)
{
	if ((unsigned)cma->mode >= NR_CMA_MODES)
		return NULL;
	if (cma->mode == CMA_STICKY_MOVABLE && cma->sticky == STICKY_LITERAL)
		return &cma_policy_sticky_literal;
	return cma_policies[cma->mode];
}

/* ALLOC_CMA follows the gfp migratetype, as gfp_to_alloc_flags_cma() in 6.12: every
 * request whose migratetype is MOVABLE may use CMA memory (page_alloc.c sets the flag). */
void cma_prepare_by_migratetype(const struct mm *mm, struct alloc_context *ac)
{
	(void)mm;
	(void)ac;
}

bool cma_fallback_any(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
		      enum migratetype start_mt)
{
	(void)mm; (void)z; (void)pfn; (void)order; (void)start_mt;
	return true;
}

/* As __zone_watermark_unusable_free() in 6.12: without ALLOC_CMA the free pages on
 * MIGRATE_CMA lists cannot serve the request.  A policy without MIGRATE_CMA pageblocks has
 * none there, so the subtraction is 0 for it and the check's arithmetic stays one rule. */
uint64_t cma_watermark_unusable_cma_lists(const struct zone *z, unsigned alloc_flags)
{
	return (alloc_flags & ALLOC_CMA) ? 0 : z->nr_free_cma;
}

/* As __zone_watermark_ok() in 6.12: a free MIGRATE_CMA block counts for a high-order
 * check only with ALLOC_CMA. */
bool cma_watermark_high_order_cma_lists(const struct free_area *area, unsigned alloc_flags)
{
	return (alloc_flags & ALLOC_CMA) && area->nr_free_mt[MIGRATE_CMA];
}

/* Every free MOVABLE block is usable by every request (no sticky blocks to skip). */
uint64_t cma_movable_all_usable(const struct free_area *area, unsigned alloc_flags)
{
	(void)area;
	(void)alloc_flags;
	return 0;
}

/* As __compaction_suitable() in 6.12: the order-0 check always passes ALLOC_CMA. */
unsigned cma_suitability_always_cma(unsigned alloc_flags)
{
	(void)alloc_flags;
	return ALLOC_CMA;
}

/* Free pages in [base, end), by walking its blocks.  Starting from a MAX_PAGE_ORDER-aligned
 * pfn every step lands on a block head, because buddy blocks are aligned to their size;
 * free blocks may straddle the range ends, so only the overlap counts. */
uint64_t cma_free_pages_in(const struct mm *mm, pfn_t base, pfn_t end)
{
	uint64_t nr = 0;
	pfn_t pfn = base & ~(pfn_t)((1u << MAX_PAGE_ORDER) - 1);
	while (pfn < end && pfn < mm->nr_pages) {
		const struct page_frame *pf = &mm->pages[pfn];
		pfn_t len = 1;
		if (pf->flags & (PF_BUDDY | PF_HEAD))
			len = (pfn_t)1 << pf->order;
		if (pf->flags & PF_BUDDY) {
			pfn_t lo = MAX(pfn, base), hi = MIN(pfn + len, end);
			if (hi > lo)
				nr += hi - lo;
		}
		pfn += len;
	}
	return nr;
}
