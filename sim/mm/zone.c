/* zone.c — building the node: zone layout, pageblocks, CMA regions, min_free_kbytes,
 * watermarks and lowmem_reserve (reference §1.3–1.4, §3.1, §7.1). */
#include "mm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool zone_is_lowmem(enum zone_type t)
{
	return t <= ZONE_NORMAL; /* HighMem, Movable (and the CMA zone) are not lowmem */
}

static uint64_t isqrt(uint64_t x)
{
	uint64_t r = (uint64_t)sqrt((double)x);
	while (r * r > x)
		r--;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

uint64_t mm_default_min_free_kbytes(const struct mm *mm)
{
	/* calculate_min_free_kbytes: sqrt(lowmem_kbytes * 16) clamped to [128, 262144];
	 * lowmem_kbytes = nr_free_buffer_pages (managed - high; high is 0 at boot). */
	uint64_t lowmem_pages = 0;
	unsigned nr_lowmem_zones = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		if (!zone_populated(&mm->zones[i]) || !zone_is_lowmem((enum zone_type)i))
			continue;
		lowmem_pages += mm->zones[i].managed;
		nr_lowmem_zones++;
	}
	uint64_t kbytes = isqrt(lowmem_pages * 4 * 16);
	kbytes = MIN(MAX(kbytes, 128), 262144);
	/* set_recommended_min_free_kbytes (THP enabled): nr_zones * pageblock * (2 + 3*3)
	 * pages, capped at 5% of lowmem; replaces the value when larger. */
	if (mm->cfg->machine.thp) {
		uint64_t rec = (uint64_t)nr_lowmem_zones * mm->pageblock_nr_pages * (2 + 3 * 3);
		rec = MIN(rec, lowmem_pages / 20);
		if (rec * 4 > kbytes)
			kbytes = rec * 4;
	}
	return kbytes;
}

void mm_setup_watermarks(struct mm *mm)
{
	uint64_t pages_min = mm->min_free_kbytes / 4;
	uint64_t lowmem_pages = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone_is_lowmem((enum zone_type)i))
			lowmem_pages += mm->zones[i].managed;
	unsigned wsf = mm->cfg->machine.watermark_scale_factor;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		uint64_t tmp = lowmem_pages ? pages_min * z->managed / lowmem_pages : 0;
		if (zone_is_lowmem(z->type)) {
			z->watermark[WMARK_MIN] = tmp;
		} else {
			/* No real reserve above lowmem: clamp(managed/1024, SWAP_CLUSTER_MAX, 128). */
			z->watermark[WMARK_MIN] = MIN(MAX(z->managed / 1024, 32), 128);
		}
		uint64_t gap = MAX(tmp / 4, z->managed * wsf / 10000);
		z->watermark[WMARK_LOW] = z->watermark[WMARK_MIN] + gap;
		z->watermark[WMARK_HIGH] = z->watermark[WMARK_LOW] + gap;
		z->watermark[WMARK_PROMO] = z->watermark[WMARK_HIGH] + gap;
		z->watermark_boost = 0;
	}
	/* setup_per_zone_lowmem_reserve: lowmem_reserve[j] of zone i = managed(i+1..j)/ratio[i]. */
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		unsigned ratio = mm->cfg->machine.lowmem_reserve_ratio[i];
		bool clear = !ratio || !z->managed;
		uint64_t upper = 0;
		memset(z->lowmem_reserve, 0, sizeof(z->lowmem_reserve));
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			upper += mm->zones[j].managed;
			z->lowmem_reserve[j] = clear ? 0 : upper / ratio;
		}
	}
}

/* Place the CMA areas (base 0 = automatic: packed downwards from the top of Normal, or
 * the whole CMA zone under zone_cma) and mark their pageblocks per policy: MIGRATE_CMA
 * (mainline) or sticky MOVABLE (Mel's proposal).  Bases are pageblock aligned. */
static int place_cma_areas(struct mm *mm, struct sim_error *err)
{
	const struct cma_policy_config *cma = &mm->cfg->policy.cma;
	if (cma->mode == CMA_NONE)
		return 0;
	for (unsigned r = 0; r < cma->nr_regions; r++) {
		struct cma_area *a = &mm->cma_areas[mm->nr_cma_areas++];
		snprintf(a->name, sizeof(a->name), "%s", cma->regions[r].name[0] ? cma->regions[r].name : "cma");
		a->pages = (cma->regions[r].pages + mm->pageblock_nr_pages - 1) & ~(uint64_t)(mm->pageblock_nr_pages - 1);
		/* One placement rule for config validation and the model (config.c). */
		uint64_t base = config_cma_region_base_pfn(mm->cfg, r);
		if (base == CONFIG_CMA_NO_FIT)
			return sim_error_set(err, EX_CONFIG_, "CMA area %s does not fit", a->name);
		a->base_pfn = (pfn_t)base;
		struct zone *z = mm_pfn_zone(mm, a->base_pfn);
		struct zone *zl = mm_pfn_zone(mm, a->base_pfn + (pfn_t)a->pages - 1);
		if (!z || z != zl || a->base_pfn % mm->pageblock_nr_pages ||
		    a->base_pfn + a->pages > z->start_pfn + z->present)
			return sim_error_set(err, EX_CONFIG_, "CMA area %s [%#x, +%llu pages) must be pageblock aligned and inside one zone",
					     a->name, a->base_pfn, (unsigned long long)a->pages);
		mm->totalcma_pages += a->pages;
		for (pfn_t pfn = a->base_pfn; pfn < a->base_pfn + a->pages; pfn += mm->pageblock_nr_pages) {
			struct pageblock *pb = &z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order];
			pb->bits |= PB_CMA;
			if (cma->mode == CMA_MIGRATE_CMA) {
				z->nr_blocks_mt[pb->mt]--;
				pb->mt = MIGRATE_CMA;
				z->nr_blocks_mt[MIGRATE_CMA]++;
				z->cma_pages += mm->pageblock_nr_pages;
			} else if (cma->mode == CMA_STICKY_MOVABLE) {
				pb->bits |= PB_STICKY;
			}
		}
	}
	return 0;
}

int mm_init(struct mm *mm, const struct config *cfg, struct engine *engine, struct sim_error *err)
{
	memset(mm, 0, sizeof(*mm));
	mm->cfg = cfg;
	mm->engine = engine;
	if ((unsigned)cfg->policy.cma.mode >= NR_CMA_MODES)
		return sim_error_set(err, EX_CONFIG_, "policy.cma.mode out of range");
	mm->cma_ops = &cma_policies[cfg->policy.cma.mode];
	mm->pageblock_order = cfg->machine.pageblock_order;
	if (mm->pageblock_order > MAX_PAGE_ORDER || mm->pageblock_order < 1)
		return sim_error_set(err, EX_CONFIG_, "pageblock_order %u out of range 1..%d",
				     mm->pageblock_order, MAX_PAGE_ORDER);
	mm->pageblock_nr_pages = 1u << mm->pageblock_order;

	uint64_t zone_pages[MAX_NR_ZONES];
	memcpy(zone_pages, cfg->machine.zone_pages, sizeof(zone_pages));
	zone_pages[ZONE_CMA] = 0;
	if (cfg->policy.cma.mode == CMA_ZONE_CMA) {
		/* ZONE_CMA (Joonsoo Kim): the CMA memory becomes a zone of its own, taken from
		 * the top of the zone it would otherwise have been in. */
		enum zone_type home = config_cma_home_zone(cfg);
		uint64_t cma = 0;
		for (unsigned r = 0; r < cfg->policy.cma.nr_regions; r++)
			cma += cfg->policy.cma.regions[r].pages;
		if (cma > zone_pages[home])
			return sim_error_set(err, EX_CONFIG_, "zone_cma: CMA regions (%llu pages) larger than %s",
					     (unsigned long long)cma, zone_names[home]);
		zone_pages[home] -= cma;
		zone_pages[ZONE_CMA] = cma;
	}

	const uint64_t align = 1u << MAX_PAGE_ORDER;
	uint64_t pfn = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		z->type = (enum zone_type)i;
		z->name = zone_names[i];
		z->start_pfn = (pfn_t)pfn;
		z->present = z->managed = zone_pages[i];
		z->spanned = (zone_pages[i] + align - 1) / align * align;
		pfn += z->spanned;
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				pfn_list_init(&z->free_area[o].free_list[mt]);
		z->compact_order_failed = MAX_PAGE_ORDER + 1;
		if (z->present)
			mm->highest_populated = z->type;
	}
	if (pfn == 0 || pfn > UINT32_MAX - align)
		return sim_error_set(err, EX_CONFIG_, "machine size %llu pages out of range",
				     (unsigned long long)pfn);
	mm->nr_pages = (pfn_t)pfn;
	mm->pages = calloc(mm->nr_pages, sizeof(*mm->pages));
	if (!mm->pages)
		return sim_error_set(err, EX_SOFTWARE_, "cannot allocate %llu page frames",
				     (unsigned long long)pfn);
	for (pfn_t p = 0; p < mm->nr_pages; p++) {
		mm->pages[p].flags = PF_RESERVED;
		mm->pages[p].next = mm->pages[p].prev = PFN_NONE;
	}
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		size_t nr_blocks = z->spanned >> mm->pageblock_order;
		if (!nr_blocks)
			continue;
		z->pageblocks = calloc(nr_blocks, sizeof(*z->pageblocks));
		if (!z->pageblocks)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
		for (size_t b = 0; b < nr_blocks; b++)
			z->pageblocks[b].mt = MIGRATE_MOVABLE; /* every block is MOVABLE at boot */
		z->nr_blocks_mt[MIGRATE_MOVABLE] = (z->present + mm->pageblock_nr_pages - 1) >> mm->pageblock_order;
		/* Trailing blocks wholly in the hole are not counted by pagetypeinfo. */
	}
	if (place_cma_areas(mm, err))
		return -1;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		if (z->present)
			mm_free_boot_range(mm, z, z->start_pfn, z->start_pfn + (pfn_t)z->present);
	}
	mm->min_free_kbytes = cfg->machine.min_free_kbytes ? cfg->machine.min_free_kbytes
							    : mm_default_min_free_kbytes(mm);
	mm_setup_watermarks(mm);
	if (cfg->machine.pcp)
		for (int i = 0; i < MAX_NR_ZONES; i++)
			if (zone_populated(&mm->zones[i]))
				pcp_setup_zone(mm, &mm->zones[i]);
	mm->objs.cap = 0;
	struct obj_slot *dummy = obj_insert(mm, 0); /* allocate the table, then drop the probe */
	obj_remove(mm, dummy);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		pfn_list_init(&mm->lruvec.lists[l]);
	if (reclaim_init(mm, err) || compaction_init(mm, err) || cma_init(mm, err))
		return -1;
	return 0;
}

void mm_destroy(struct mm *mm)
{
	cma_destroy(mm);
	compaction_destroy(mm);
	reclaim_destroy(mm);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		free(mm->zones[i].pageblocks);
		free(mm->zones[i].pcp);
	}
	free(mm->pages);
	free(mm->objs.slots);
	memset(mm, 0, sizeof(*mm));
}
