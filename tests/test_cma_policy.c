/* Which requests may use CMA memory under each policy (model.md §7.1, §9.1, §9.2).
 * Expectations by hand from the gfp bits: mainline and sticky let every request whose
 * gfp migratetype is MOVABLE in (so block-device page cache GFP_NOFS|__GFP_MOVABLE too);
 * ZONE_CMA only requests that may use ZONE_MOVABLE (__GFP_HIGHMEM|__GFP_MOVABLE). */
#include "mmtest.h"
#include "mm/compaction.h"
#include "mm/vmscan.h"
#include "mmtest_engine.h"
#include "testlib.h"

static const struct {
	const char *gfp;
	bool mainline, zone_cma; /* sticky == mainline */
} table[] = {
	{ "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP", true, true },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP", true, true },
	{ "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL", true, true },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL", true, false },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_COMP", true, false },
	{ "GFP_TRANSHUGE", true, true },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP", false, false },
	{ "GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", false, false },
	{ "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", false, false },
	{ "GFP_HIGHUSER|__GFP_ACCOUNT", false, false },
	{ "GFP_NOWAIT", false, false },
};

static bool in_area(const struct mm *mm, pfn_t pfn)
{
	for (unsigned a = 0; a < mm->nr_cma_areas; a++)
		if (pfn >= mm->cma_areas[a].base_pfn && pfn < mm->cma_areas[a].base_pfn + mm->cma_areas[a].pages)
			return true;
	return false;
}

/* Fill every non-CMA page with unmovable allocations (they can never use the area), then
 * see whether the request lands in the area. */
static void check_mode(enum cma_mode mode)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		struct config cfg;
		struct mm mm;
		struct sim_error err;
		mmtest_config(&cfg, 0, 0, 4096, 4);
		cfg.policy.cma.mode = mode;
		cfg.policy.cma.nr_regions = 1;
		cfg.policy.cma.regions[0].pages = 1024;
		CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
		uint64_t id = 1;
		while (mm_alloc(&mm, id, GFP_KERNEL, 0) != PFN_NONE) {
			CHECK(!in_area(&mm, obj_lookup(&mm.objs, id)->pfn));
			id++;
		}
		gfp_t gfp;
		CHECK_EQ(gfp_parse(table[i].gfp, strlen(table[i].gfp), &gfp, NULL), 0);
		pfn_t pfn = mm_alloc(&mm, 1000000, gfp, 0);
		bool used = pfn != PFN_NONE && in_area(&mm, pfn);
		bool want = mode == CMA_ZONE_CMA ? table[i].zone_cma : table[i].mainline;
		if (used != want)
			fprintf(stderr, "mode %s gfp %s: used CMA %d, expected %d\n", cma_mode_names[mode],
				table[i].gfp, used, want);
		CHECK_EQ(used, want);
		char msg[256];
		CHECK(mm_check(&mm, 2, msg, sizeof(msg)));
		mmtest_mm_destroy(&mm);
	}
}

static void test_migrate_cma(void) { check_mode(CMA_MIGRATE_CMA); }
static void test_sticky_movable(void) { check_mode(CMA_STICKY_MOVABLE); }
static void test_zone_cma(void) { check_mode(CMA_ZONE_CMA); }

/* zone_cma builds a zone of its own above Movable from the area, taken from Normal. */
static void test_zone_cma_layout(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = CMA_ZONE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	CHECK_EQ(mm.zones[ZONE_NORMAL].present, 3072);
	CHECK_EQ(mm.zones[ZONE_CMA].present, 1024);
	CHECK_EQ(mm.cma_areas[0].base_pfn, mm.zones[ZONE_CMA].start_pfn);
	/* Normal's protection against requests that may reach the CMA zone: 1024/32 = 32. */
	CHECK_EQ(mm.zones[ZONE_NORMAL].lowmem_reserve[ZONE_CMA], 32);
	char *bi = mmtest_capture(procfs_write_buddyinfo, &mm);
	CHECK(strstr(bi, "Node 0, zone      CMA      0      0      0      0      0      0      0      0      0      0      1 \n") != NULL);
	free(bi);
	mmtest_mm_destroy(&mm);
}

/* Mainline's watermark rule: with the non-CMA part at its low watermark and plenty of free
 * CMA memory, an unmovable request fails the fast path while a movable one passes. */
static void test_mainline_watermark_subtraction(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 2048;
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	/* min_free_kbytes 4 -> min 1; gap max(0, 4096*10/10000 = 4) -> low 5, high 9. */
	CHECK_EQ(z->watermark[WMARK_LOW], 5);
	uint64_t id = 1;
	while (mm_alloc(&mm, id, GFP_KERNEL, 0) != PFN_NONE)
		id++;
	/* GFP_KERNEL stops when free - free_cma <= min in the slow path: 1 page left. */
	CHECK_EQ(z->nr_free_pages - z->nr_free_cma, 1);
	CHECK_EQ(z->nr_free_cma, 2048);
	CHECK(!zone_watermark_ok(z, 0, z->watermark[WMARK_LOW], ZONE_NORMAL, 0, z->nr_free_pages));
	CHECK(zone_watermark_ok(z, 0, z->watermark[WMARK_LOW], ZONE_NORMAL, ALLOC_CMA, z->nr_free_pages));
	mmtest_mm_destroy(&mm);
}

/* Sticky accounting on the same 4096-page Normal zone (min 1, low 5, high 9) with a
 * 2048-page sticky area at the top (pfns 2048..4095), filled with GFP_KERNEL order-0 pages
 * until one fails.
 *   literal:   the fast-path check sees 2048 free sticky pages as usable, so the fill
 *              continues until the 2048 ordinary pages are all gone (free - sticky = 0);
 *              the UNMOVABLE low check still passes (2048 > 5 + 0) and so does kswapd's
 *              balance check: kswapd is never woken.  Joonsoo's blind spot.
 *   accounted: free sticky pages are subtracted like free CMA: the fill stops with one
 *              ordinary page left (free - sticky = 1 <= min in the slow path, as mainline
 *              stops in test_mainline_watermark_subtraction), the UNMOVABLE low check
 *              fails (1 <= 5), passes with ALLOC_CMA (2049 > 5), and kswapd is woken. */
static void test_sticky_accounting(void)
{
	for (int r = 0; r < NR_STICKY_READINGS; r++) {
		struct config cfg;
		struct mm mm;
		struct sim_error err;
		mmtest_config(&cfg, 0, 0, 4096, 4);
		cfg.policy.cma.mode = CMA_STICKY_MOVABLE;
		cfg.policy.cma.sticky = (enum sticky_reading)r;
		cfg.policy.cma.nr_regions = 1;
		cfg.policy.cma.regions[0].pages = 2048;
		CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
		const struct zone *z = &mm.zones[ZONE_NORMAL];
		CHECK_EQ(z->watermark[WMARK_MIN], 1);
		CHECK_EQ(z->watermark[WMARK_LOW], 5);
		CHECK_EQ(z->nr_free_sticky, 2048);
		uint64_t id = 1;
		while (mm_alloc(&mm, id, GFP_KERNEL, 0) != PFN_NONE)
			id++;
		bool accounted = r == STICKY_ACCOUNTED;
		CHECK_EQ(z->nr_free_sticky, 2048);
		CHECK_EQ(z->nr_free_pages - z->nr_free_sticky, accounted ? 1 : 0);
		CHECK_EQ(zone_watermark_ok(z, 0, z->watermark[WMARK_LOW], ZONE_NORMAL, 0, z->nr_free_pages), !accounted);
		CHECK(zone_watermark_ok(z, 0, z->watermark[WMARK_LOW], ZONE_NORMAL, ALLOC_CMA, z->nr_free_pages));
		/* high-order part: the free order-10 blocks are all sticky */
		CHECK_EQ(zone_watermark_ok(z, 3, 0, ZONE_NORMAL, 0, z->nr_free_pages), !accounted);
		CHECK(zone_watermark_ok(z, 3, 0, ZONE_NORMAL, ALLOC_CMA, z->nr_free_pages));
		CHECK_EQ(kswapd_pgdat_balanced(&mm, 0, ZONE_NORMAL), !accounted);
		CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS] > 0, accounted);
		/* compaction: an UNMOVABLE order-3 request finds no suitable zone when only
		 * sticky memory is free (accounted); literal counts the sticky pages */
		CHECK_EQ(compaction_suitable(&mm, z, 3, ZONE_NORMAL, ALLOC_WMARK_MIN), !accounted);
		char msg[256];
		CHECK(mm_check(&mm, 2, msg, sizeof(msg)));
		mmtest_mm_destroy(&mm);
	}
}

/* No merge, free or highatomic reservation ever retypes a sticky pageblock: random
 * allocations of every migratetype, order 0..10, with non-blocking movable ones (highatomic
 * reservations may land in sticky blocks), freed in random order, with the checker (level 2: sticky blocks stay
 * MOVABLE, no free block spans a sticky boundary, the sticky counters match) after every
 * step.  Seed printed. */
static void test_sticky_never_retyped(void)
{
	uint64_t seed = tl_test_seed();
	uint64_t x = seed;
	static const char *const gfps[] = { "GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_ATOMIC",
					    "GFP_KERNEL|__GFP_RECLAIMABLE", "GFP_NOWAIT",
					    "GFP_ATOMIC|__GFP_MOVABLE", "GFP_ATOMIC|__GFP_MOVABLE",
					    "GFP_NOWAIT|__GFP_MOVABLE" };
	for (int rp = 0; rp < NR_STICKY_READINGS * NR_CMA_PLACEMENTS; rp++) {
		int r = rp % NR_STICKY_READINGS;
		struct config cfg;
		struct mm mm;
		struct sim_error err;
		/* 65536 pages: 1 % of the zone exceeds a pageblock, so the highatomic reserve
		 * exists (reserve_highatomic_pageblock) */
		mmtest_config(&cfg, 0, 0, 65536, 4);
		cfg.policy.cma.mode = CMA_STICKY_MOVABLE;
		cfg.policy.cma.sticky = (enum sticky_reading)r;
		cfg.policy.cma.nr_regions = 1;
		/* three pageblocks: the area's last (low) or first (high) block has an ordinary
		 * buddy at order 9, so frees there meet the boundary */
		cfg.policy.cma.regions[0].pages = 1536;
		cfg.policy.cma.placement = (enum cma_placement)(rp / NR_STICKY_READINGS);
		CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
		/* fill to just above the low watermark first, so that the random phase runs in
		 * the slow path, where non-blocking high-order requests reserve highatomic blocks */
		static uint64_t live[70000];
		unsigned nr_live = 0;
		uint64_t next_id = 1;
		const struct zone *z = &mm.zones[ZONE_NORMAL];
		while (z->nr_free_pages > z->watermark[WMARK_LOW] + 256 &&
		       mm_alloc(&mm, next_id, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE)
			live[nr_live++] = next_id++;
		for (int step = 0; step < 2000; step++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			unsigned v = (unsigned)(x >> 33);
			if (nr_live < ARRAY_SIZE(live) && (v & 1) != 0) {
				gfp_t gfp;
				const char *g = gfps[(v >> 2) % ARRAY_SIZE(gfps)];
				CHECK_EQ(gfp_parse(g, strlen(g), &gfp, NULL), 0);
				unsigned order = (v >> 8) % 11;
				if (order > 3 && (v >> 12) % 4)
					order = (v >> 14) % 4; /* mostly small */
				if (mm_alloc(&mm, next_id, gfp, order) != PFN_NONE)
					live[nr_live++] = next_id;
				next_id++;
			} else if (nr_live) {
				unsigned k = (v >> 2) % nr_live;
				mm_free(&mm, live[k]);
				live[k] = live[--nr_live];
			}
			char msg[256];
			if ((step % 20 == 19 || step == 1999) && !mm_check(&mm, 2, msg, sizeof(msg))) {
				fprintf(stderr, "seed %llu step %d: %s\n", (unsigned long long)seed, step, msg);
				CHECK(false);
				break;
			}
		}
		mmtest_mm_destroy(&mm);
	}
}

/* placement low packs an auto region up from the bottom of its home zone: a 1 GiB VM's
 * DMA32 starts at pfn 4096, so a 512 MiB area is pfns 4096..135167; high puts it at the
 * top (131072.., test_home_zone_dma32). */
static void test_placement_low(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 4080, 258048, 0, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.placement = CMA_PLACE_LOW;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 131072;
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	CHECK_EQ(mm.cma_areas[0].base_pfn, 4096);
	CHECK_EQ(mm.zones[ZONE_DMA32].cma_pages, 131072);
	CHECK_EQ(mm_pageblock(&mm, 4096)->mt, MIGRATE_CMA);
	CHECK_EQ(mm_pageblock(&mm, 4096 + 131072)->mt, MIGRATE_MOVABLE);
	mmtest_mm_destroy(&mm);
}

/* A 1 GiB x86-64 VM has no Normal zone: CMA comes from the top of DMA32 (auto placement),
 * and zone_cma carves ZONE_CMA out of DMA32. */
static void test_home_zone_dma32(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	for (int mode = CMA_MIGRATE_CMA; mode <= CMA_ZONE_CMA; mode += CMA_ZONE_CMA - CMA_MIGRATE_CMA) {
		mmtest_config(&cfg, 4080, 258048, 0, 4);
		cfg.policy.cma.mode = (enum cma_mode)mode;
		cfg.policy.cma.nr_regions = 1;
		cfg.policy.cma.regions[0].pages = 131072; /* 512 MiB */
		CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
		if (mode == CMA_MIGRATE_CMA) {
			/* DMA32 starts at 4096 and holds 258048 pages: top 262144, area from 131072. */
			CHECK_EQ(mm.cma_areas[0].base_pfn, 131072);
			CHECK_EQ(mm.zones[ZONE_DMA32].cma_pages, 131072);
		} else {
			CHECK_EQ(mm.zones[ZONE_DMA32].present, 258048 - 131072);
			CHECK_EQ(mm.zones[ZONE_CMA].present, 131072);
		}
		mmtest_mm_destroy(&mm);
	}
}

/* ---- the policy object ------------------------------------------------------------------ */

/* Every mode has a policy with every hook; the /proc switches follow the kernels modelled:
 * CONFIG_CMA=n for none, CONFIG_CMA=y for the three others, ZONE_CMA lines only in Joonsoo
 * Kim's kernel. */
static void test_registry_complete(void)
{
	for (int m = 0; m < NR_CMA_MODES; m++)
		for (int r = 0; r < NR_STICKY_READINGS; r++) {
		struct cma_policy_config cfg = { .mode = (enum cma_mode)m, .sticky = (enum sticky_reading)r };
		const struct cma_policy_ops *ops = cma_policy_of(&cfg);
		CHECK(ops != NULL);
		if (!ops)
			continue;
		/* the registry holds each mode's default (sticky: accounted) */
		CHECK_EQ(ops == cma_policies[m], m != CMA_STICKY_MOVABLE || r == STICKY_ACCOUNTED);
		CHECK(ops->prepare && ops->fallback_allowed && ops->watermark_unusable &&
		      ops->watermark_high_order && ops->movable_unusable_blocks && ops->suitability_flags &&
		      ops->used_pages);
		CHECK_EQ(ops->mark_pageblock != NULL, ops->has_area);
		CHECK_EQ(ops->has_area, m != CMA_NONE);
		CHECK_EQ(ops->proc_cma, m != CMA_NONE);
		CHECK_EQ(ops->proc_zone_cma, m == CMA_ZONE_CMA);
		CHECK_EQ(ops->own_zone, m == CMA_ZONE_CMA);
		}
	struct cma_policy_config bad = { .mode = NR_CMA_MODES };
	CHECK(cma_policy_of(&bad) == NULL);
}

/* Boot marking on a Normal-only machine of 4096 pages (pfns 0..4095, 8 pageblocks): a
 * 1024-page auto region is packed at the top, pfns 3072..4095 = pageblocks 6 and 7.
 * migrate_cma turns them MIGRATE_CMA; sticky_movable keeps them MOVABLE and sticky;
 * zone_cma moves them into ZONE_CMA (Normal keeps 3072 pages) and marks nothing else;
 * none builds no area. */
static void test_boot_marking(void)
{
	for (int m = 0; m < NR_CMA_MODES; m++) {
		struct config cfg;
		struct mm mm;
		struct sim_error err;
		mmtest_config(&cfg, 0, 0, 4096, 4);
		cfg.policy.cma.mode = (enum cma_mode)m;
		cfg.policy.cma.nr_regions = 1;
		cfg.policy.cma.regions[0].pages = 1024;
		CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
		const struct zone *n = &mm.zones[ZONE_NORMAL];
		unsigned sticky = 0, cma_bit = 0;
		for (const struct zone *z = mm.zones; z < mm.zones + MAX_NR_ZONES; z++)
			for (uint64_t b = 0; b < z->spanned >> mm.pageblock_order; b++) {
				sticky += !!(z->pageblocks[b].bits & PB_STICKY);
				cma_bit += !!(z->pageblocks[b].bits & PB_CMA);
			}
		CHECK_EQ(mm.nr_cma_areas, m == CMA_NONE ? 0u : 1u);
		CHECK_EQ(mm.totalcma_pages, m == CMA_NONE ? 0u : 1024u);
		CHECK_EQ(cma_bit, m == CMA_NONE ? 0u : 2u);
		CHECK_EQ(sticky, m == CMA_STICKY_MOVABLE ? 2u : 0u);
		CHECK_EQ(n->nr_blocks_mt[MIGRATE_CMA], m == CMA_MIGRATE_CMA ? 2u : 0u);
		CHECK_EQ(n->cma_pages, m == CMA_MIGRATE_CMA ? 1024u : 0u);
		CHECK_EQ(n->nr_free_cma, m == CMA_MIGRATE_CMA ? 1024u : 0u);
		CHECK_EQ(n->present, m == CMA_ZONE_CMA ? 3072u : 4096u);
		CHECK_EQ(mm.zones[ZONE_CMA].present, m == CMA_ZONE_CMA ? 1024u : 0u);
		if (m == CMA_MIGRATE_CMA || m == CMA_STICKY_MOVABLE)
			CHECK_EQ(mm.cma_areas[0].base_pfn, 3072);
		if (m == CMA_ZONE_CMA) /* Normal spans 3072 rounded up to 1024: ZONE_CMA at 3072 */
			CHECK_EQ(mm.cma_areas[0].base_pfn, 3072);
		/* Nothing allocated yet: no area page in use under any policy. */
		CHECK_EQ(mm.cma_ops->used_pages(&mm), 0);
		/* Unmovable pages never land in the area; then 512 movable pages: the policy's
		 * figure is the number of them the area took, counted independently. */
		uint64_t id = 1, in = 0;
		while (mm_alloc(&mm, id, GFP_KERNEL, 0) != PFN_NONE)
			id++;
		for (unsigned k = 0; k < 512; k++, id++) {
			pfn_t pfn = mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0);
			in += pfn != PFN_NONE && in_area(&mm, pfn);
		}
		CHECK(m == CMA_NONE ? in == 0 : in > 0);
		CHECK_EQ(mm.cma_ops->used_pages(&mm), in);
		char msg[256];
		CHECK(mm_check(&mm, 2, msg, sizeof(msg)));
		mmtest_mm_destroy(&mm);
	}
}

/* The shared watermark pieces, by hand: 50 free pages on MIGRATE_CMA lists are unusable
 * without ALLOC_CMA, and a free MIGRATE_CMA block satisfies a high-order check only with it. */
static void test_watermark_pieces(void)
{
	struct zone z;
	memset(&z, 0, sizeof(z));
	z.nr_free_cma = 50;
	CHECK_EQ(cma_watermark_unusable_cma_lists(&z, 0), 50);
	CHECK_EQ(cma_watermark_unusable_cma_lists(&z, ALLOC_CMA), 0);
	struct free_area area;
	memset(&area, 0, sizeof(area));
	CHECK(!cma_watermark_high_order_cma_lists(&area, ALLOC_CMA));
	area.nr_free_mt[MIGRATE_CMA] = 1;
	CHECK(cma_watermark_high_order_cma_lists(&area, ALLOC_CMA));
	CHECK(!cma_watermark_high_order_cma_lists(&area, 0));
}

/* Layout errors come from mm_init itself (EX_CONFIG_, naming the key), so a caller that
 * skipped config validation still cannot build an impossible node.  Machine: Normal only,
 * 4096 pages. */
static void expect_init_error(struct config *cfg, const char *want, int line)
{
	struct mm mm;
	struct sim_error err = { 0 };
	int rc = mmtest_mm_init(&mm, cfg, &err);
	tl_check(rc == -1 && err.code == EX_CONFIG_ && !strcmp(err.msg, want), __FILE__, line,
		 "rc %d code %d\n--- got ---\n%s\n--- expected ---\n%s", rc, err.code, err.msg, want);
	if (rc == 0)
		mmtest_mm_destroy(&mm);
}
#define EXPECT_INIT_ERROR(cfg, want) expect_init_error(cfg, want, __LINE__)

static void test_layout_errors_from_mm_init(void)
{
	struct config cfg;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	EXPECT_INIT_ERROR(&cfg, "config: policy.cma.mode is migrate_cma but policy.cma.regions is empty");
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 8192;
	EXPECT_INIT_ERROR(&cfg, "config: policy.cma.regions[0]: 8192 pages do not fit in zone Normal (base: auto "
				"packs regions down from its top)");
	cfg.policy.cma.mode = CMA_ZONE_CMA;
	EXPECT_INIT_ERROR(&cfg, "config: policy.cma.regions: 8192 pages in all exceed the 4096 pages of zone "
				"Normal, from which zone_cma carves ZONE_CMA");
	/* explicit base 3584 + 1024 pages runs past pfn 4096, the end of memory */
	cfg.policy.cma.mode = CMA_STICKY_MOVABLE;
	cfg.policy.cma.regions[0].pages = 1024;
	cfg.policy.cma.regions[0].base_pfn = 3584;
	EXPECT_INIT_ERROR(&cfg, "config: policy.cma.regions[0]: pfns 3584..4607 extend past the end of memory "
				"(pfn 4096)");
	/* two regions on the same pfns */
	cfg.policy.cma.nr_regions = 2;
	cfg.policy.cma.regions[0].base_pfn = 2048;
	cfg.policy.cma.regions[1].base_pfn = 2560;
	cfg.policy.cma.regions[1].pages = 512;
	EXPECT_INIT_ERROR(&cfg, "config: policy.cma.regions[1] (pfn 2560..3071) overlaps regions[0] (pfn "
				"2048..3071)");
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_migrate_cma);
	RUN(test_sticky_movable);
	RUN(test_zone_cma);
	RUN(test_zone_cma_layout);
	RUN(test_home_zone_dma32);
	RUN(test_mainline_watermark_subtraction);
	RUN(test_sticky_accounting);
	RUN(test_sticky_never_retyped);
	RUN(test_placement_low);
	RUN(test_registry_complete);
	RUN(test_boot_marking);
	RUN(test_watermark_pieces);
	RUN(test_layout_errors_from_mm_init);
	return TEST_END();
}
