/* Which requests may use CMA memory under each policy (reference §7.1, §9.1, §9.2).
 * Expectations by hand from the gfp bits: mainline and sticky let every request whose
 * gfp migratetype is MOVABLE in (so block-device page cache GFP_NOFS|__GFP_MOVABLE too);
 * ZONE_CMA only requests that may use ZONE_MOVABLE (__GFP_HIGHMEM|__GFP_MOVABLE). */
#include "mmtest.h"
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

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_migrate_cma);
	RUN(test_sticky_movable);
	RUN(test_zone_cma);
	RUN(test_zone_cma_layout);
	RUN(test_home_zone_dma32);
	RUN(test_mainline_watermark_subtraction);
	return TEST_END();
}
