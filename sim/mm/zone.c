/* zone.c — building the node: zone layout, pageblocks, CMA regions, min_free_kbytes,
 * watermarks and lowmem_reserve (model.md §1.3–1.4, §3.1, §7.1). */
#include "mm.h"
#include "mapping_pool.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/bigalloc.h"

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
	/* calculate_totalreserve_pages (6.12): per zone its largest lowmem_reserve plus its
	 * high watermark, at most its managed pages (global_dirtyable_memory leaves them out). */
	mm->totalreserve_pages = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		uint64_t r = 0;
		for (int j = i; j < MAX_NR_ZONES; j++)
			r = MAX(r, z->lowmem_reserve[j]);
		mm->totalreserve_pages += MIN(r + z->watermark[WMARK_HIGH], z->managed);
	}
}

/* ---- layout ----------------------------------------------------------------------- */

static uint64_t pageblock_roundup(const struct config *cfg, uint64_t pages)
{
	uint64_t pb = 1ull << cfg->machine.pageblock_order;
	return (pages + pb - 1) / pb * pb;
}

static uint64_t cma_total_pages(const struct config *cfg)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < cfg->policy.cma.nr_regions; i++)
		sum += cfg->policy.cma.regions[i].pages;
	return sum;
}

static const struct cma_policy_ops *layout_policy(const struct config *cfg)
{
	const struct cma_policy_ops *ops = cma_policy_of(&cfg->policy.cma);
	return ops ? ops : cma_policies[CMA_NONE];
}

/* A zone boosted when the capture began (zoneinfo's "boost"): the fragmenting fallbacks
 * before it raised every watermark of the zone (boost_watermark, 6.18) and kswapd has not
 * subtracted it yet (balance_pgdat does at the end of the run that took it on).  With
 * `wake`, ZONE_BOOSTED_WATERMARK is still set too, as try_to_claim_block leaves it: the
 * zone's next allocation that may wake kswapd does (rmqueue).  Without, kswapd runs when a
 * watermark (the boost included) calls for it; its run may already be under way when the
 * capture begins (`writeback`'s trace opens inside one), and how much of the boost it has
 * reclaimed then no /proc file shows. */
void mm_zone_capture_start(struct mm *mm)
{
	const struct machine_config *mc = &mm->cfg->machine;
	compaction_capture_start(mm);
	for (unsigned i = 0; i < mc->nr_boost_start; i++) {
		const struct boost_start_config *b = &mc->boost_start[i];
		if (b->zone < 0 || b->zone >= MAX_NR_ZONES || !mm->zones[b->zone].managed || !b->pages)
			continue;
		struct zone *z = &mm->zones[b->zone];
		z->watermark_boost = b->pages;
		z->boosted_wakeup = b->wake;
	}
}

void mm_layout_compute(const struct config *cfg, struct mm_layout *l)
{
	const struct cma_policy_config *cma = &cfg->policy.cma;
	const uint64_t align = 1ull << MAX_PAGE_ORDER;
	bool own_zone = layout_policy(cfg)->own_zone;
	memset(l, 0, sizeof(*l));
	/* As arch/x86 CMA reservation: memory for the areas comes from the highest lowmem zone. */
	l->cma_home = cfg->machine.zone_pages[ZONE_NORMAL] ? ZONE_NORMAL : ZONE_DMA32;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		l->present[z] = z == ZONE_CMA ? 0 : cfg->machine.zone_pages[z];
	if (own_zone) {
		/* ZONE_CMA (Joonsoo Kim's proposal): the area is a zone of its own, taken from
		 * the top of the zone it would otherwise have been in.  mm_layout_check reports a
		 * carve larger than the home zone. */
		uint64_t carve = MIN(cma_total_pages(cfg), l->present[l->cma_home]);
		l->present[l->cma_home] -= carve;
		l->present[ZONE_CMA] = carve;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		l->start[z + 1] = l->start[z] + (l->present[z] + align - 1) / align * align;

	unsigned nr = MIN(cma->nr_regions, CONFIG_MAX_CMA_REGIONS);
	if (own_zone) {
		/* the regions are ZONE_CMA, packed in order; their bases do not apply */
		uint64_t base = l->start[ZONE_CMA];
		for (unsigned i = 0; i < nr; i++) {
			l->cma_base[i] = base;
			base += pageblock_roundup(cfg, cma->regions[i].pages);
		}
		return;
	}
	/* placement high: as cma_declare_contiguous_nid() with base 0, the highest fitting range
	 * below the limit, here packed downwards from the pageblock-aligned top of the home
	 * zone.  placement low: packed upwards from its bottom (zones start MAX_PAGE_ORDER
	 * aligned), the other end of the zone for the same boot free lists. */
	uint64_t pb = 1ull << cfg->machine.pageblock_order;
	uint64_t bottom = l->start[l->cma_home];
	uint64_t top = (bottom + l->present[l->cma_home]) & ~(pb - 1);
	bool fits = true, low = cma->placement == CMA_PLACE_LOW;
	for (unsigned i = 0; i < nr; i++) {
		if (cma->regions[i].base_pfn != CONFIG_CMA_BASE_AUTO) {
			l->cma_base[i] = cma->regions[i].base_pfn;
			continue;
		}
		uint64_t pages = pageblock_roundup(cfg, cma->regions[i].pages);
		if (!fits || top < bottom || pages > top - bottom) {
			fits = false; /* every later auto region is stacked on this one */
			l->cma_base[i] = MM_CMA_NO_FIT;
			continue;
		}
		if (low) {
			l->cma_base[i] = bottom;
			bottom += pages;
		} else {
			top -= pages;
			l->cma_base[i] = top;
		}
	}
}

static bool ranges_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/* The zone whose present pages hold PFN, or -1 (a hole at the end of a zone's span). */
static int layout_zone_of(const struct mm_layout *l, uint64_t pfn)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (pfn >= l->start[z] && pfn < l->start[z] + l->present[z])
			return z;
	return -1;
}

int mm_layout_check(const struct config *cfg, struct mm_layout *l, struct sim_error *err)
{
	const struct cma_policy_config *cma = &cfg->policy.cma;
	const char *src = cfg->source[0] ? cfg->source : "config";
	const struct cma_policy_ops *ops = layout_policy(cfg);
	mm_layout_compute(cfg, l);
	if (ops->has_area && cma->nr_regions == 0)
		return sim_error_set(err, EX_CONFIG_, "%s: policy.cma.mode is %s but policy.cma.regions is empty",
				     src, cma_mode_names[cma->mode]);
	/* mm rounds every zone up to a MAX_PAGE_ORDER block and keeps one block of pfn space
	 * spare below PFN_NONE */
	if (l->start[MAX_NR_ZONES] > (uint64_t)UINT32_MAX - (1u << MAX_PAGE_ORDER)) {
		uint64_t total = 0;
		for (int z = ZONE_DMA; z < ZONE_CMA; z++)
			total += cfg->machine.zone_pages[z];
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.zones: %" PRIu64 " pages exceed the 32-bit pfn space", src, total);
	}
	if (cma->nr_regions > CONFIG_MAX_CMA_REGIONS)
		return sim_error_set(err, EX_CONFIG_, "%s: policy.cma.regions: more than %d regions", src,
				     CONFIG_MAX_CMA_REGIONS);
	if (ops->own_zone) {
		uint64_t total = cma_total_pages(cfg), avail = cfg->machine.zone_pages[l->cma_home];
		if (total > avail)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions: %" PRIu64 " pages in all exceed the %" PRIu64
					     " pages of zone %s, from which %s carves ZONE_CMA", src, total, avail,
					     zone_names[l->cma_home], cma_mode_names[cma->mode]);
		return 0;
	}
	uint64_t mem_end = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (l->present[z])
			mem_end = l->start[z] + l->present[z];
	for (unsigned i = 0; i < cma->nr_regions; i++) {
		const struct cma_region_config *r = &cma->regions[i];
		uint64_t base = l->cma_base[i];
		if (base == MM_CMA_NO_FIT)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u]: %" PRIu64 " pages do not fit in zone %s "
					     "(base: auto packs regions %s)", src, i, r->pages, zone_names[l->cma_home],
					     cma->placement == CMA_PLACE_LOW ? "up from its bottom" : "down from its top");
		uint64_t last = base + r->pages - 1;
		if (last >= mem_end)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u]: pfns %" PRIu64 "..%" PRIu64
					     " extend past the end of memory (pfn %" PRIu64 ")", src, i, base, last, mem_end);
		int z0 = layout_zone_of(l, base), z1 = layout_zone_of(l, last);
		if (z0 != z1 && z0 >= 0 && z1 >= 0)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u]: pfns %" PRIu64 "..%" PRIu64
					     " span zones %s and %s; the kernel refuses a CMA area that crosses a zone"
					     " (cma_activate_area)", src, i, base, last, zone_names[z0], zone_names[z1]);
		if (z0 != z1 || z0 < 0)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u]: pfns %" PRIu64 "..%" PRIu64
					     " reach into the hole after a zone's present pages (zones span whole "
					     "%d-page blocks)", src, i, base, last, 1 << MAX_PAGE_ORDER);
		for (unsigned j = 0; j < i; j++) {
			uint64_t other = l->cma_base[j];
			if (ranges_overlap(base, r->pages, other, cma->regions[j].pages))
				return sim_error_set(err, EX_CONFIG_,
						     "%s: policy.cma.regions[%u] (pfn %" PRIu64 "..%" PRIu64
						     ") overlaps regions[%u] (pfn %" PRIu64 "..%" PRIu64 ")", src, i,
						     base, last, j, other, other + cma->regions[j].pages - 1);
		}
	}
	return 0;
}

/* ---- building the node ------------------------------------------------------------- */

/* Activate the CMA areas at the bases the layout chose (cma_activate_area() in 6.12): each
 * pageblock gets PB_CMA, then whatever the policy makes of it (MIGRATE_CMA, sticky MOVABLE,
 * nothing for ZONE_CMA).  Bases are pageblock aligned. */
static int place_cma_areas(struct mm *mm, const struct mm_layout *l, struct sim_error *err)
{
	const struct cma_policy_config *cma = &mm->cfg->policy.cma;
	if (!mm->cma_ops->has_area)
		return 0;
	for (unsigned r = 0; r < cma->nr_regions; r++) {
		struct cma_area *a = &mm->cma_areas[mm->nr_cma_areas++];
		snprintf(a->name, sizeof(a->name), "%s", cma->regions[r].name[0] ? cma->regions[r].name : "cma");
		a->pages = (cma->regions[r].pages + mm->pageblock_nr_pages - 1) & ~(uint64_t)(mm->pageblock_nr_pages - 1);
		a->base_pfn = (pfn_t)l->cma_base[r];
		a->order_per_bit = cma->regions[r].order_per_bit;
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
			mm->cma_ops->mark_pageblock(mm, z, pb);
			if (pb->bits & PB_STICKY) {
				z->has_sticky = true;
				z->free_plain &= (uint8_t)~(1u << MIGRATE_MOVABLE);
			}
		}
	}
	return 0;
}

int mm_init(struct mm *mm, const struct config *cfg, struct engine *engine, struct sim_error *err)
{
	sim_assert(engine); /* the mechanisms (kswapd, writeback, kcompactd) are engine events */
	memset(mm, 0, sizeof(*mm));
	mm->cfg = cfg;
	mm->engine = engine;
	for (unsigned i = 0; i < sizeof(mm->alloc_descs) / sizeof(mm->alloc_descs[0]); i++)
		mm->alloc_descs[i].key = ALLOC_DESC_EMPTY;
	mm->cma_ops = cma_policy_of(&cfg->policy.cma);
	if (!mm->cma_ops)
		return sim_error_set(err, EX_CONFIG_, "policy.cma.mode out of range");
	mm->pageblock_order = cfg->machine.pageblock_order;
	if (mm->pageblock_order > MAX_PAGE_ORDER || mm->pageblock_order < 1)
		return sim_error_set(err, EX_CONFIG_, "pageblock_order %u out of range 1..%d",
				     mm->pageblock_order, MAX_PAGE_ORDER);
	mm->pageblock_nr_pages = 1u << mm->pageblock_order;
	pcp_setup_node(mm);

	struct mm_layout lay;
	if (mm_layout_check(cfg, &lay, err))
		return -1;
	const uint64_t align = 1u << MAX_PAGE_ORDER;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		z->type = (enum zone_type)i;
		z->name = zone_names[i];
		z->cma_ops = mm->cma_ops;
		z->free_plain = 1u << MIGRATE_UNMOVABLE | 1u << MIGRATE_MOVABLE | 1u << MIGRATE_RECLAIMABLE;
		z->start_pfn = (pfn_t)lay.start[i];
		z->present = z->managed = lay.present[i];
		z->spanned = lay.start[i + 1] - lay.start[i];
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				pfn_list_init(&z->free_area[o].free_list[mt]);
		z->compact_order_failed = MAX_PAGE_ORDER + 1;
		if (z->present)
			mm->highest_populated = z->type;
	}
	uint64_t pfn = lay.start[MAX_NR_ZONES];
	if (pfn == 0 || pfn > UINT32_MAX - align)
		return sim_error_set(err, EX_CONFIG_, "machine size %llu pages out of range",
				     (unsigned long long)pfn);
	mm->nr_pages = (pfn_t)pfn;
	mm->pages = big_calloc(mm->nr_pages, sizeof(*mm->pages));
	if (!mm->pages)
		return sim_error_set(err, EX_SOFTWARE_, "cannot allocate %llu page frames",
				     (unsigned long long)pfn);
	mm->zone_of_block = malloc(((size_t)mm->nr_pages >> mm->pageblock_order) + 1);
	if (!mm->zone_of_block)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		for (pfn_t b = z->start_pfn >> mm->pageblock_order;
		     b < (z->start_pfn + z->spanned) >> mm->pageblock_order; b++)
			mm->zone_of_block[b] = (uint8_t)i;
	}
	for (pfn_t p = 0; p < mm->nr_pages; p++) {
		mm->pages[p].flags = PF_RESERVED;
		mm->pages[p].next = mm->pages[p].prev = PFN_NONE;
	}
	/* The zones tile [0, nr_pages) from pfn 0 (mm_layout_compute), each on a MAX_PAGE_ORDER
	 * boundary: the node's blocks, every zone's a slice of them. */
	mm->pageblocks = calloc(((size_t)mm->nr_pages >> mm->pageblock_order) + 1, sizeof(*mm->pageblocks));
	if (!mm->pageblocks)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		size_t nr_blocks = z->spanned >> mm->pageblock_order;
		if (!nr_blocks)
			continue;
		sim_assert(z->start_pfn % mm->pageblock_nr_pages == 0 && z->start_pfn + z->spanned <= mm->nr_pages);
		z->pageblocks = mm->pageblocks + (z->start_pfn >> mm->pageblock_order);
		for (size_t b = 0; b < nr_blocks; b++)
			z->pageblocks[b].mt = MIGRATE_MOVABLE; /* every block is MOVABLE at boot */
		z->nr_blocks_mt[MIGRATE_MOVABLE] = (z->present + mm->pageblock_nr_pages - 1) >> mm->pageblock_order;
		/* Trailing blocks wholly in the hole are not counted by pagetypeinfo. */
	}
	for (int h = 0; h < MAX_NR_ZONES; h++) {
		int n = 0;
		for (int i = h; i >= 0; i--)
			if (zone_populated(&mm->zones[i]))
				mm->zonelist[h][n++] = &mm->zones[i];
		mm->zonelist[h][n] = NULL;
	}
	if (place_cma_areas(mm, &lay, err))
		return -1;
	shuffle_init(mm);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &mm->zones[i];
		if (z->present)
			mm_free_boot_range(mm, z, z->start_pfn, z->start_pfn + (pfn_t)z->present);
	}
	shuffle_free_memory(mm); /* machine.shuffle: as memblock_free_all -> shuffle_free_memory */
	mm->min_free_kbytes = cfg->machine.min_free_kbytes ? cfg->machine.min_free_kbytes
							    : mm_default_min_free_kbytes(mm);
	mm_setup_watermarks(mm);
	if (cfg->machine.pcp)
		for (int i = 0; i < MAX_NR_ZONES; i++)
			if (zone_populated(&mm->zones[i]))
				pcp_setup_zone(mm, &mm->zones[i]);
	obj_table_init(mm);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		pfn_list_init(&mm->lruvec.lists[l]);
	if (reclaim_init(mm, err) || compaction_init(mm, err) || cma_init(mm, err) || oom_init(mm, err) ||
	    mapping_pool_init(mm, err) ||
	    pcp_init(mm, err))
		return -1;
	return 0;
}

void mm_destroy(struct mm *mm)
{
	mapping_pool_destroy(mm);
	oom_destroy(mm);
	cma_destroy(mm);
	compaction_destroy(mm);
	reclaim_destroy(mm);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		mm->zones[i].pageblocks = NULL; /* slices of mm->pageblocks */
		pcp_destroy_zone(mm, &mm->zones[i]);
	}
	free(mm->pageblocks);
	big_free(mm->pages, mm->nr_pages, sizeof(*mm->pages));
	free(mm->zone_of_block);
	obj_table_destroy(mm);
	memset(mm, 0, sizeof(*mm));
}
