/* Per-mapping high-order page pools (sim/mm/mapping_pool.c, model.md §5.8): a pool of N
 * blocks, K allocations served from it, the refill after the interval, what does not use
 * a pool, the max_mappings limit, and the reserve left alone by compaction; then the
 * per-cpu drain counters of the defragmenters (pcp.c, compaction.c).  Expected values are
 * derived by hand in the comments. */
#include "mm/compaction.h"
#include "mm/mapping_pool.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;

#define POOL_SIZE 4
#define POOL_ORDER 2
#define REFILL_NS (10 * NSEC_PER_MSEC)
#define PAGECACHE GFP_HIGHUSER_MOVABLE /* movable, not anon: a file's page cache */

static void boot(unsigned max_mappings)
{
	/* One Normal zone of 4096 pages, no pcp lists (mmtest_config): every allocation comes
	 * straight off the buddy lists, so free-page counts are exact. */
	mmtest_config(&cfg, 0, 0, 4096, 128);
	cfg.policy.mapping_pool.size = POOL_SIZE;
	cfg.policy.mapping_pool.order = POOL_ORDER;
	cfg.policy.mapping_pool.refill_interval_ns = REFILL_NS;
	cfg.policy.mapping_pool.max_mappings = max_mappings;
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static uint64_t nr_free(void)
{
	return mm.zones[ZONE_NORMAL].nr_free_pages;
}

static uint64_t ev(enum vm_event_item e)
{
	return mm.vm_events[e];
}

/* An allocation by `task` (its mapping), as a request whose clock stands. */
static pfn_t alloc_by(uint32_t task, uint64_t id, gfp_t gfp, unsigned order)
{
	struct mm_request req = { .task = task, .mode = REQ_SYNC, .alloc_class = -1 };
	return mm_alloc_req(&mm, &req, id, gfp, order);
}

static void check_all(const char *when)
{
	char msg[256];
	bool ok = mm_check(&mm, 2, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "%s: mm_check: %s\n", when, msg);
	CHECK(ok);
	ok = mapping_pool_check(&mm, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "%s: mapping_pool_check: %s\n", when, msg);
	CHECK(ok);
}

/* A pool of N = 4 order-2 blocks, K allocations, refill after T = 10 ms. */
static void test_pool_serves_and_refills(void)
{
	boot(64);
	CHECK_EQ(nr_free(), 4096);
	/* t = 0: mapping 7's first page-cache folio.  Its pool is created empty, so the
	 * request misses and allocates from buddy: 4096 - 4 = 4092 free. */
	CHECK(alloc_by(7, 1, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_MISS), 1);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_HIT), 0);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), 0);
	CHECK_EQ(nr_free(), 4092);
	/* Nothing refills before T. */
	mmtest_run_until(&mm, REFILL_NS - 1);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), 0);
	/* t = T: the refill tops the pool up to 4 blocks = 16 pages: 4092 - 16 = 4076 free. */
	mmtest_run_until(&mm, REFILL_NS);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), POOL_SIZE);
	CHECK_EQ(mapping_pool_pages(&mm), POOL_SIZE << POOL_ORDER);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_REFILL), 4);
	CHECK_EQ(nr_free(), 4076);
	check_all("after the first refill");

	/* K = 3 folios of mapping 7: all from the pool (a pop each), the free lists untouched:
	 * still 4076 free, 4 - 3 = 1 block left. */
	for (uint64_t id = 2; id <= 4; id++)
		CHECK(alloc_by(7, id, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_HIT), 3);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), 1);
	CHECK_EQ(nr_free(), 4076);
	/* Served folios are ordinary page cache: on the file LRU, owned by their object. */
	struct obj_slot *s = obj_lookup(&mm.objs, 3);
	CHECK(s && (mm.pages[s->pfn].flags & PF_LRU));
	check_all("after three hits");

	/* Two more: the last block (hit 4), then a miss (2) from buddy: 4076 - 4 = 4072. */
	CHECK(alloc_by(7, 5, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(7, 6, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_HIT), 4);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_MISS), 2);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), 0);
	CHECK_EQ(nr_free(), 4072);

	/* Not for the pool, and no miss counted: unmovable, anon (__GFP_ZERO), another order. */
	CHECK(alloc_by(7, 10, GFP_KERNEL, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(7, 11, PAGECACHE | __GFP_ZERO, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(7, 12, PAGECACHE, POOL_ORDER + 1) != PFN_NONE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_MISS), 2);
	/* 4072 - 4 - 4 - 8 = 4056 */
	CHECK_EQ(nr_free(), 4056);

	/* Freeing a served folio gives its pages back to buddy, not to the pool: 4060. */
	CHECK(mm_free(&mm, 3));
	CHECK_EQ(nr_free(), 4060);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), 0);

	/* t = 2T: the pool is refilled to 4 again: refills 4 + 4 = 8, free 4060 - 16 = 4044. */
	mmtest_run_until(&mm, 2 * REFILL_NS);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), POOL_SIZE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_REFILL), 8);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_REFILL_FAIL), 0);
	CHECK_EQ(nr_free(), 4044);
	/* Each refilled block costs at least a fast-path allocation (costs.alloc_fast). */
	CHECK(ev(VM_MMSIM_MAPPING_POOL_REFILL_NS) >= 8 * cfg.costs.alloc_fast_ns);
	check_all("after the second refill");
	mmtest_mm_destroy(&mm);
}

/* max_mappings = 2: mappings 7 and 8 get pools, 9 does not (it misses every time). */
static void test_max_mappings(void)
{
	boot(2);
	CHECK(alloc_by(7, 1, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(8, 2, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(9, 3, PAGECACHE, POOL_ORDER) != PFN_NONE);
	mmtest_run_until(&mm, REFILL_NS);
	CHECK_EQ(mapping_pool_blocks(&mm, 7), POOL_SIZE);
	CHECK_EQ(mapping_pool_blocks(&mm, 8), POOL_SIZE);
	CHECK_EQ(mapping_pool_blocks(&mm, 9), 0);
	/* 2 pools x 4 blocks x 4 pages = 32 pages held; 4096 - 3*4 - 32 = 4052 free. */
	CHECK_EQ(mapping_pool_pages(&mm), 32);
	CHECK_EQ(nr_free(), 4052);
	CHECK(alloc_by(9, 4, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK(alloc_by(8, 5, PAGECACHE, POOL_ORDER) != PFN_NONE);
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_MISS), 4); /* 3 first folios + mapping 9 again */
	CHECK_EQ(ev(VM_MMSIM_MAPPING_POOL_HIT), 1);
	check_all("max_mappings");
	mmtest_mm_destroy(&mm);
}

/* The reserve is not the compactor's: a whole-zone compact_node moves page cache around
 * the pool blocks but never a pool block (they are on no LRU). */
static void test_compaction_leaves_reserve(void)
{
	boot(64);
	/* Fragment the zone with page cache: 1000 order-0 pages, every other one freed. */
	for (uint64_t id = 100; id < 1100; id++)
		CHECK(alloc_by(5, id, PAGECACHE, 0) != PFN_NONE);
	CHECK(alloc_by(7, 1, PAGECACHE, POOL_ORDER) != PFN_NONE);
	mmtest_run_until(&mm, REFILL_NS);
	for (uint64_t id = 100; id < 1100; id += 2)
		CHECK(mm_free(&mm, id));
	pfn_t before[POOL_SIZE];
	for (unsigned k = 0; k < POOL_SIZE; k++) {
		const struct obj_slot *s = obj_lookup(&mm.objs, MAPPING_POOL_ID_BASE + k);
		CHECK(s != NULL);
		before[k] = s ? s->pfn : PFN_NONE;
	}
	uint64_t migrated = ev(VM_PGMIGRATE_SUCCESS);
	compaction_compact_node(&mm, NULL, -1, -1);
	CHECK(ev(VM_PGMIGRATE_SUCCESS) > migrated); /* compaction did run and move pages */
	for (unsigned k = 0; k < POOL_SIZE; k++) {
		const struct obj_slot *s = obj_lookup(&mm.objs, MAPPING_POOL_ID_BASE + k);
		CHECK(s && s->pfn == before[k]);
	}
	CHECK_EQ(mapping_pool_blocks(&mm, 7), POOL_SIZE);
	check_all("after compact_node");
	mmtest_mm_destroy(&mm);
}

/* drain_all_pages is counted per call and per page; kcompactd's drain after a failed run
 * is counted again as the defragmenters' share. */
static void test_drain_counters(void)
{
	mmtest_config(&cfg, 0, 0, 4096, 128);
	cfg.machine.pcp = true;
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	/* 4 order-0 pages allocated and freed on CPU 0 stay on its pcp list (4 < high). */
	for (uint64_t id = 1; id <= 4; id++)
		CHECK(mm_alloc(&mm, id, GFP_KERNEL, 0) != PFN_NONE);
	for (uint64_t id = 1; id <= 4; id++)
		CHECK(mm_free(&mm, id));
	uint64_t on_pcp = mm.zones[ZONE_NORMAL].nr_pcp_pages;
	CHECK(on_pcp >= 4);
	CHECK_EQ(mm_drain_all_pages(&mm), on_pcp);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_pcp_pages, 0);
	CHECK_EQ(ev(VM_MMSIM_DRAIN_ALL_PAGES), 1);
	CHECK_EQ(ev(VM_MMSIM_DRAIN_ALL_PAGES_PAGES), on_pcp);
	/* Not a defragmenter's drain. */
	CHECK_EQ(ev(VM_MMSIM_COMPACT_DRAIN_ALL_PAGES), 0);
	/* A second drain finds nothing: one more call, no more pages. */
	CHECK_EQ(mm_drain_all_pages(&mm), 0);
	CHECK_EQ(ev(VM_MMSIM_DRAIN_ALL_PAGES), 2);
	CHECK_EQ(ev(VM_MMSIM_DRAIN_ALL_PAGES_PAGES), on_pcp);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_pool_serves_and_refills);
	RUN(test_max_mappings);
	RUN(test_compaction_leaves_reserve);
	RUN(test_drain_counters);
	return TEST_END();
}
