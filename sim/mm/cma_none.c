/* cma_none.c — no CMA area (a CONFIG_CMA=n kernel): configured regions stay ordinary
 * memory, no request is ever given CMA memory, and /proc has no CMA column or lines. */
#include "mm.h"

static void prepare_none(const struct mm *mm, struct alloc_context *ac)
{
	(void)mm;
	ac->no_cma = true;
}

static uint64_t used_none(const struct mm *mm)
{
	(void)mm;
	return 0;
}

const struct cma_policy_ops cma_policy_none = {
	.has_area = false,
	.own_zone = false,
	.proc_cma = false,
	.proc_zone_cma = false,
	.mark_pageblock = NULL, /* never called: no area */
	.prepare = prepare_none,
	.fallback_allowed = cma_fallback_any,
	.watermark_unusable = cma_watermark_unusable_cma_lists,
	.watermark_high_order = cma_watermark_high_order_cma_lists,
	.movable_unusable_blocks = cma_movable_all_usable,
	.suitability_flags = cma_suitability_always_cma,
	.used_pages = used_none,
};
