/* Buddy allocator: split, merge, fallback claim and steal, the claim thresholds, the CMA
 * merge restriction, watermarks.  Every expected free-list state below is worked out by
 * hand from model.md §2 in the comment above it; none was copied from program output. */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"
#include "mm/migrate.h"

static struct config cfg;
static struct mm mm;

static void setup(uint64_t normal_pages, uint64_t min_free_kbytes)
{
	mmtest_config(&cfg, 0, 0, normal_pages, min_free_kbytes);
}

static void start(void)
{
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static void check_state(const char *want_buddy)
{
	bool ok = mm_check_full(&mm); /* prints the first violation */
	CHECK(ok);
	char *got = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	CHECK_STR(got, want_buddy);
	free(got);
}

/* 2048-page Normal zone (4 pageblocks, two order-10 blocks at pfn 0 and 1024). */
static void test_split_claim_merge(void)
{
	setup(2048, 4);
	start();
	check_state("0 0 0 0 0 0 0 0 0 0 2");
	/* Movable order 0: boot freed to the tails, so pfn 0's block is first; split 10->0
	 * leaves one free block at each order 0..9 (pfns 1,2,4,...,512). */
	CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0), 0);
	check_state("1 1 1 1 1 1 1 1 1 1 1");
	/* Unmovable order 0 under ALLOC_NOFRAGMENT (preferred zone Normal): no unmovable
	 * page; the claim walk starts at order 10, finds the movable block at 1024, may claim
	 * (>= pageblock_order), so both of its pageblocks become Unmovable and the remainder
	 * goes to the Unmovable lists at orders 9..0. */
	CHECK_EQ(mm_alloc(&mm, 2, GFP_KERNEL, 0), 1024);
	check_state("2 2 2 2 2 2 2 2 2 2 0");
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 2);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_MOVABLE], 2);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG_FRAGMENTING], 0); /* fallback order 10 >= 9 */
	/* Free pfn 0: merges with 1, 2, 4, ... 256 and, at order 9, with the Movable block at
	 * 512 (same type) -> one order-10 block again. */
	CHECK(mm_free(&mm, 1));
	check_state("1 1 1 1 1 1 1 1 1 1 1");
	/* Unmovable order 0 now comes from the Unmovable order-0 list: pfn 1025. */
	CHECK_EQ(mm_alloc(&mm, 3, GFP_KERNEL, 0), 1025);
	check_state("0 1 1 1 1 1 1 1 1 1 1");
	CHECK(mm_free(&mm, 2)); /* buddy 1025 is in use: stays order 0 */
	check_state("1 1 1 1 1 1 1 1 1 1 1");
	CHECK(mm_free(&mm, 3)); /* 1024..1025 merge all the way up: order 10 at 1024 */
	check_state("0 0 0 0 0 0 0 0 0 0 2");
	/* Block types survive frees: the second order-10 block is still Unmovable. */
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 2);
	char *pti = mmtest_capture(procfs_write_pagetypeinfo, &mm);
	CHECK(strstr(pti, "Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0      0      0      0      1 \n") != NULL);
	CHECK(strstr(pti, "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      1 \n") != NULL);
	CHECK(strstr(pti, "Node 0, zone   Normal            2            2            0            0            0 \n") != NULL);
	free(pti);
	mmtest_mm_destroy(&mm);
}

/* 1024-page zone. A movable request whose only fallback pages are below order 4 may not
 * claim (can_steal_fallback judges the found page's order): it steals one page and the
 * block keeps its type. */
static void test_movable_steal(void)
{
	setup(1024, 4); /* min 1, low 2, high 3: watermarks out of the way */
	start();
	/* Unmovable order 0 claims the whole order-10 block (both pageblocks -> Unmovable). */
	CHECK_EQ(mm_alloc(&mm, 1, GFP_KERNEL, 0), 0);
	check_state("1 1 1 1 1 1 1 1 1 1 0");
	/* Use up orders 9..4 of the Unmovable remainder (512, 256, 128, 64, 32, 16). */
	CHECK_EQ(mm_alloc(&mm, 2, GFP_KERNEL, 9), 512);
	CHECK_EQ(mm_alloc(&mm, 3, GFP_KERNEL, 8), 256);
	CHECK_EQ(mm_alloc(&mm, 4, GFP_KERNEL, 7), 128);
	CHECK_EQ(mm_alloc(&mm, 5, GFP_KERNEL, 6), 64);
	CHECK_EQ(mm_alloc(&mm, 6, GFP_KERNEL, 5), 32);
	CHECK_EQ(mm_alloc(&mm, 7, GFP_KERNEL, 4), 16);
	check_state("1 1 1 1 0 0 0 0 0 0 0");
	uint64_t extfrag_before = mm.vm_events[VM_MMSIM_EXTFRAG];
	/* Movable order 0: NOFRAGMENT finds nothing at >= 9, retry: the claim walk meets the
	 * Unmovable order-3 page at 8 first and stops (3 < 4); steal takes the order-0 page 1. */
	CHECK_EQ(mm_alloc(&mm, 8, GFP_HIGHUSER_MOVABLE, 0), 1);
	check_state("0 1 1 1 0 0 0 0 0 0 0");
	/* Movable order 1: steal the order-1 page at 2. */
	CHECK_EQ(mm_alloc(&mm, 9, GFP_HIGHUSER_MOVABLE, 1), 2);
	check_state("0 0 1 1 0 0 0 0 0 0 0");
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG] - extfrag_before, 2);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG_CLAIM], 1); /* only the first, whole-block claim */
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 2);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_MOVABLE], 0);
	/* Frees: 8 (pfn 1) cannot merge (pfn 0 in use) and goes to the head. Freeing 1 (pfn 0)
	 * merges with 1 -> order 1 at 0; 2 is in use. Freeing 9 (pfn 2, order 1) merges with 0
	 * and then with the free 4 (o2) and 8 (o3): order 4 at 0. */
	CHECK(mm_free(&mm, 8));
	check_state("1 0 1 1 0 0 0 0 0 0 0");
	CHECK(mm_free(&mm, 1));
	check_state("0 1 1 1 0 0 0 0 0 0 0");
	CHECK(mm_free(&mm, 9));
	check_state("0 0 0 0 1 0 0 0 0 0 0");
	/* The rest merge up to one order-10 block: both halves are Unmovable blocks. */
	for (uint64_t id = 7; id >= 2; id--)
		CHECK(mm_free(&mm, id));
	check_state("0 0 0 0 0 0 0 0 0 0 1");
	mmtest_mm_destroy(&mm);
}

/* A MOVABLE request may claim a fallback block only from a free page of order >= 4
 * (pageblock_order / 2), however much of the block is free (model.md §2.5). Block 0 is
 * Unmovable with exactly 256 free pages — enough for a claim — scattered as order-0 pages
 * (variant 0) or order-3 chunks (variant 1). The claim walk meets them first, may not claim
 * and stops; the steal stage takes one piece and block 0 stays Unmovable. */
static void test_movable_claim_order_rule(void)
{
	for (unsigned chunk_order = 0; chunk_order <= 3; chunk_order += 3) {
		setup(1024, 4);
		cfg.machine.watermark_scale_factor = 1; /* gap 1024/10000 = 0 */
		start();
		mm.min_free_kbytes = 0; /* min = low = high = 0: fill the zone to the last page */
		mm_setup_watermarks(&mm);
		unsigned n = 512 >> chunk_order;
		for (unsigned i = 0; i < n; i++) /* the first claims the whole order-10 block */
			CHECK_EQ(mm_alloc(&mm, 1 + i, GFP_KERNEL, chunk_order), i << chunk_order);
		CHECK_EQ(mm_alloc(&mm, 10000, GFP_KERNEL, 9), 512);
		for (unsigned i = 1; i < n; i += 2) /* odd chunks: neighbours in use, no merging */
			CHECK(mm_free(&mm, 1 + i));
		CHECK_EQ(mm.zones[ZONE_NORMAL].free_area[chunk_order].nr_free, n / 2);
		/* The last chunk freed is at the list head: (n - 1) << chunk_order. */
		CHECK_EQ(mm_alloc(&mm, 20000, GFP_HIGHUSER_MOVABLE, 0), (n - 1) << chunk_order);
		CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 2);
		CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_MOVABLE], 0);
		/* An UNMOVABLE request may claim at any order, but this block is already its own. */
		/* order 0: 256 free, one stolen. order 3: 32 chunks free, one split into o2+o1+o0. */
		check_state(chunk_order == 0 ? "255 0 0 0 0 0 0 0 0 0 0" : "1 1 1 31 0 0 0 0 0 0 0");
		mmtest_mm_destroy(&mm);
	}
}

/* The half-pageblock claim rule: an unmovable request may take over a Movable block only
 * when free + alike >= 256 (alike = 512 - free - movable). */
static void test_claim_threshold(void)
{
	for (int variant = 0; variant < 2; variant++) {
		setup(1024, 4);
		start();
		CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 9), 0);   /* free: M o9 at 512 */
		CHECK_EQ(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 8), 512); /* free: M o8 at 768 */
		if (variant == 0) {
			/* Block 1: free 256, movable 256 -> alike 0, 256 >= 256: claimed. The
			 * request is served from the new Unmovable o8 at 768 split down to 0. */
			CHECK_EQ(mm_alloc(&mm, 3, GFP_KERNEL, 0), 768);
			check_state("1 1 1 1 1 1 1 1 0 0 0");
			CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 1);
		} else {
			/* One more movable page (768) leaves free 255, movable 257: every claim
			 * attempt at orders 7..0 fails, so the steal stage takes pfn 769 (the
			 * Movable order-0 remainder) and block 1 stays Movable. */
			CHECK_EQ(mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 0), 768);
			check_state("1 1 1 1 1 1 1 1 0 0 0");
			CHECK_EQ(mm_alloc(&mm, 4, GFP_KERNEL, 0), 769);
			check_state("0 1 1 1 1 1 1 1 0 0 0");
			CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_UNMOVABLE], 0);
			CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG_CLAIM], 0);
		}
		mmtest_mm_destroy(&mm);
	}
}

/* One per-cpu refill keeps __rmqueue's mode (rmqueue_bulk, 6.15+): once a page was stolen,
 * the rest of the refill steals at once, with no claim attempt (and no watermark boost)
 * per page.  2048-page zone: block 3 (1536..2047) holds movable objects of orders 9 (1024
 * took block 2), 8 (1536) and 0 (1792); its free pages are 1793 o0, 1794 o1, 1796 o2, ...,
 * 1920 o7: 255 free, 257 movable.  A refill of 3 unmovable pages: the first finds no
 * unmovable page, tries to claim block 3 from each fallback page, orders 7 down to 0
 * (8 attempts, each boosting the watermark: free 255 + alike 0 < 256, refused), then
 * steals the smallest, 1793; the second and third steal 1794 (o1 split: 1795 back to the
 * movable list) and 1795 without a claim attempt.  Boosts 8 (per page: 8 + 7 + 7 = 22),
 * three fragmenting fallbacks, no claim. */
static void test_bulk_refill_steal_mode(void)
{
	setup(2048, 4);
	start();
	CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 10), 0);
	CHECK_EQ(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 9), 1024);
	CHECK_EQ(mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 8), 1536);
	CHECK_EQ(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE, 0), 1792);
	check_state("1 1 1 1 1 1 1 1 0 0 0");
	struct zone *z = &mm.zones[ZONE_NORMAL];
	pcp_setup_zone(&mm, z);
	uint64_t boosts0 = mm.vm_events[VM_MMSIM_BOOSTS], extfrag0 = mm.vm_events[VM_MMSIM_EXTFRAG];
	CHECK_EQ(buddy_rmqueue_bulk(&mm, z, 0, MIGRATE_UNMOVABLE, 0, 3, &z->pcp[0],
				    pcp_pindex(MIGRATE_UNMOVABLE, 0)), 3);
	CHECK_EQ(mm.vm_events[VM_MMSIM_BOOSTS] - boosts0, 8);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG] - extfrag0, 3);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG_CLAIM], 0);
	CHECK_EQ(z->pcp[0].count, 3);
	char *got = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	CHECK_STR(got, "0 0 1 1 1 1 1 1 0 0 0");
	free(got);
	CHECK_EQ(z->nr_blocks_mt[MIGRATE_UNMOVABLE], 0);
	mmtest_mm_destroy(&mm);
}

/* A capture's watermark boost at its start (machine.watermark_boost_start, applied where
 * an imported trace's prefill ends): every watermark of the zone that much higher, and with
 * `wake` the flag that makes the zone's next allocation that may wake kswapd do so (an
 * allocation without __GFP_KSWAPD_RECLAIM leaves it set, as rmqueue's test does).  4096
 * pages, min_free_kbytes 1024: min 256, low 320, high 384 (gap max(256 / 4, 4096 * 10 /
 * 10000) = 64); boost 512. */
static void test_boost_start(void)
{
	for (int wake = 0; wake < 2; wake++) {
		setup(4096, 1024);
		cfg.machine.nr_boost_start = 1;
		cfg.machine.boost_start[0] = (struct boost_start_config){ .zone = ZONE_NORMAL, .pages = 512, .wake = wake };
		start();
		struct zone *z = &mm.zones[ZONE_NORMAL];
		CHECK_EQ(zone_wmark(z, WMARK_LOW), 320);
		mm_zone_capture_start(&mm);
		CHECK_EQ(z->watermark_boost, 512);
		CHECK_EQ(zone_wmark(z, WMARK_MIN), 256 + 512);
		CHECK_EQ(zone_wmark(z, WMARK_LOW), 320 + 512);
		CHECK_EQ(zone_wmark(z, WMARK_HIGH), 384 + 512);
		CHECK_EQ(z->boosted_wakeup, (bool)wake);
		CHECK(mm_alloc(&mm, 1, GFP_KERNEL & ~(gfp_t)__GFP_KSWAPD_RECLAIM, 0) != PFN_NONE);
		CHECK_EQ(z->boosted_wakeup, (bool)wake); /* not consumed without ALLOC_KSWAPD */
		CHECK(mm_alloc(&mm, 2, GFP_KERNEL, 0) != PFN_NONE);
		CHECK(!z->boosted_wakeup);
		mmtest_mm_destroy(&mm);
	}
}

/* A capture's compaction scanners at its start (machine.compaction_scan_start): offsets
 * into the zone, pageblock-aligned and clamped to it; 0 keeps a fresh zone's position.
 * 4096-page zone at pfn 0: migrate async 1000 -> 512, sync 0 -> 0 (the zone's start),
 * free 9999 -> the last block, 3584. */
static void test_scan_start(void)
{
	setup(4096, 1024);
	cfg.machine.nr_scan_start = 1;
	cfg.machine.scan_start[0] = (struct scan_start_config){ .zone = ZONE_NORMAL, .migrate_async = 1000,
							      .migrate_sync = 0, .free = 9999 };
	start();
	struct zone *z = &mm.zones[ZONE_NORMAL];
	pfn_t free0 = z->compact_cached_free_pfn;
	mm_zone_capture_start(&mm);
	CHECK_EQ(z->start_pfn, 0);
	CHECK_EQ(z->compact_cached_migrate_pfn[0], 512);
	CHECK_EQ(z->compact_cached_migrate_pfn[1], 0);
	CHECK_EQ(z->compact_cached_free_pfn, 3584);
	CHECK_EQ(free0, 3584); /* a fresh zone's: its last block */
	mmtest_mm_destroy(&mm);
}

/* The pageblock counters (struct pageblock: nr_free, nr_movable) against hand-counted pages
 * and the walk they replace, and the claim decision they feed.  A 1024-page zone: block 0
 * holds one movable order-9 object; block 1 is filled by hand with movable objects of orders
 * 8, 7 and 0, one made non-LRU movable and some taken off the LRU (unmovable), and is
 * then retyped Unmovable.  A movable order-0 request finds its first fallback at order 6
 * (960) and claims block 1 when free + movable >= 256 (model.md §2.5). */
static void check_pb(pfn_t pfn, unsigned want_free, unsigned want_movable)
{
	const struct pageblock *pb = mm_pageblock(&mm, pfn);
	CHECK_EQ(pb->nr_free, want_free);
	CHECK_EQ(pb->nr_movable, want_movable);
	unsigned nr_free, nr_movable;
	mm_pageblock_recount(&mm, &mm.zones[ZONE_NORMAL], pfn, &nr_free, &nr_movable);
	CHECK_EQ(nr_free, want_free);
	CHECK_EQ(nr_movable, want_movable);
}

static void test_pageblock_counters(void)
{
	for (int variant = 0; variant < 2; variant++) {
		setup(1024, 4);
		start();
		check_pb(0, 1024, 0); /* one order-10 block counts whole in its first pageblock */
		check_pb(512, 0, 0);
		CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 9), 0);
		check_pb(0, 0, 512);
		check_pb(512, 512, 0);
		CHECK_EQ(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 8), 512); /* free: o8 768 */
		check_pb(512, 256, 256);
		CHECK_EQ(mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 7), 768); /* free: o7 896 */
		check_pb(512, 128, 384);
		/* free: 897 o0, 898 o1, 900 o2, 904 o3, 912 o4, 928 o5, 960 o6 = 127 pages */
		CHECK_EQ(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE, 0), 896);
		check_pb(512, 127, 385);
		CHECK(migrate_mark_nonlru_movable(&mm, 3)); /* PF_LRU -> PF_MOVABLE_OPS: still movable */
		check_pb(512, 127, 385);
		lru_del(&mm, 512); /* off the LRU, object 2 counts as unmovable: 385 - 256 */
		check_pb(512, 127, 129);
		if (variant == 1) {
			lru_del(&mm, 896); /* object 4 too */
			check_pb(512, 127, 128);
		}
		mm_set_pageblock_migratetype(&mm, 512, MIGRATE_UNMOVABLE);
		check_pb(512, 127, variant ? 128 : 129);
		check_state("1 1 1 1 1 1 1 0 0 0 0");
		/* variant 0: 127 + 129 = 256 >= 256, claimed; the request takes the smallest
		 * movable page, 897.  variant 1: 127 + 128 = 255 at orders 6, 5 and 4; order 3
		 * may not be claimed for a movable request, so the steal takes 897 and block 1
		 * stays Unmovable. */
		CHECK_EQ(mm_alloc(&mm, 5, GFP_HIGHUSER_MOVABLE, 0), 897);
		check_pb(512, 126, variant ? 129 : 130);
		check_state("0 1 1 1 1 1 1 0 0 0 0");
		CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_MOVABLE], variant ? 1 : 2);
		CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG_CLAIM], variant ? 0 : 1);
		/* Back on the LRU, then freed: the boot counts again. */
		lru_add(&mm, 512, false);
		check_pb(512, 126, variant ? 385 : 386);
		if (variant == 1)
			lru_add(&mm, 896, false);
		for (uint64_t id = 1; id <= 5; id++)
			CHECK(mm_free(&mm, id));
		check_pb(0, 1024, 0);
		check_pb(512, 0, 0);
		check_state("0 0 0 0 0 0 0 0 0 0 1");
		mmtest_mm_destroy(&mm);
	}
}

/* A CMA pageblock never merges with a non-CMA buddy into an order-10 block (reference
 * §2.9): a 1024-page zone whose top pageblock is CMA boots as two order-9 blocks. */
static void test_cma_merge_restriction(void)
{
	setup(1024, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 512; /* base 0: placed at the top of Normal */
	start();
	check_state("0 0 0 0 0 0 0 0 0 2 0");
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_cma, 512);
	CHECK_EQ(mm.zones[ZONE_NORMAL].cma_pages, 512);
	/* Unmovable requests cannot count or use CMA pages; movable ones take CMA first only
	 * when free CMA > half of free (512 > 1024/2 is false), so the Movable block is used. */
	CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0), 0);
	/* Now free CMA 512 > 1023/2: the 5.7 balancing rule takes CMA first. */
	CHECK_EQ(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0), 512);
	char *pti = mmtest_capture(procfs_write_pagetypeinfo, &mm);
	CHECK(strstr(pti, "Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n") != NULL);
	free(pti);
	CHECK(mm_free(&mm, 1));
	CHECK(mm_free(&mm, 2));
	check_state("0 0 0 0 0 0 0 0 0 2 0");
	mmtest_mm_destroy(&mm);
}

/* Watermark check arithmetic (model.md §3.2), by hand on a zone with min 100. */
static void test_watermark_check(void)
{
	setup(4096, 4);
	start();
	struct zone *z = &mm.zones[ZONE_NORMAL];
	/* free 101 > min 100: ok at order 0; 100 is not (<=). */
	CHECK(zone_watermark_ok(z, 0, 100, ZONE_NORMAL, 0, 101));
	CHECK(!zone_watermark_ok(z, 0, 100, ZONE_NORMAL, 0, 100));
	/* __GFP_HIGH: min - min/2 = 50; with NON_BLOCK also - 50/4 = 38 (GFP_ATOMIC = 3/8). */
	CHECK(zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_MIN_RESERVE, 51));
	CHECK(!zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_MIN_RESERVE, 50));
	CHECK(zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 39));
	CHECK(!zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 38));
	/* order 2 subtracts 3 pages first: 104 - 3 = 101 > 100 passes the count; the zone has
	 * an order-10 free block, so the high-order loop finds a page. */
	CHECK(zone_watermark_ok(z, 2, 100, ZONE_NORMAL, 0, 104));
	CHECK(!zone_watermark_ok(z, 2, 100, ZONE_NORMAL, 0, 103));
	/* Free CMA pages are subtracted unless ALLOC_CMA. */
	z->nr_free_cma = 50;
	CHECK(!zone_watermark_ok(z, 0, 100, ZONE_NORMAL, 0, 120));
	CHECK(zone_watermark_ok(z, 0, 100, ZONE_NORMAL, ALLOC_CMA, 120));
	z->nr_free_cma = 0;
	mmtest_mm_destroy(&mm);
}

/* min_free_kbytes and watermarks of the reference's live example (§3.1): Normal
 * min 14769 low 20163 high 25557 promo 30951; DMA32 2116/2888/3660; DMA 10/13/16;
 * protection DMA (0, 3019, 24090, 24090, 24090). */
static void test_watermarks_live_example(void)
{
	mmtest_config(&cfg, 3840, 772915, 5394266, 67584);
	start();
	const struct zone *n = &mm.zones[ZONE_NORMAL], *d32 = &mm.zones[ZONE_DMA32], *d = &mm.zones[ZONE_DMA];
	CHECK_EQ(n->watermark[WMARK_MIN], 14769);
	CHECK_EQ(n->watermark[WMARK_LOW], 20163);
	CHECK_EQ(n->watermark[WMARK_HIGH], 25557);
	CHECK_EQ(n->watermark[WMARK_PROMO], 30951);
	CHECK_EQ(d32->watermark[WMARK_MIN], 2116);
	CHECK_EQ(d32->watermark[WMARK_LOW], 2888);
	CHECK_EQ(d32->watermark[WMARK_HIGH], 3660);
	CHECK_EQ(d->watermark[WMARK_MIN], 10);
	CHECK_EQ(d->watermark[WMARK_LOW], 13);
	CHECK_EQ(d->watermark[WMARK_HIGH], 16);
	CHECK_EQ(d->lowmem_reserve[ZONE_DMA32], 3019);
	CHECK_EQ(d->lowmem_reserve[ZONE_NORMAL], 24090);
	CHECK_EQ(d->lowmem_reserve[ZONE_MOVABLE], 24090);
	CHECK_EQ(d32->lowmem_reserve[ZONE_NORMAL], 21071);
	/* THP raise with 3 lowmem zones: 3 * 512 * 11 = 16896 pages = 67584 KiB. */
	mm.min_free_kbytes = 0;
	cfg.machine.thp = true;
	CHECK_EQ(mm_default_min_free_kbytes(&mm), 67584);
	cfg.machine.thp = false;
	/* sqrt(16 * lowmem_kbytes): lowmem = 6171021 pages = 24684084 KiB -> sqrt(394945344) = 19873. */
	CHECK_EQ(mm_default_min_free_kbytes(&mm), 19873);
	mmtest_mm_destroy(&mm);
}

/* The zonelist walk of a movable request (get_page_from_freelist, 6.18), as the `refault`
 * capture shows it (issue #13): a Normal zone whose free memory is only unmovable order-8
 * blocks is skipped under ALLOC_NOFRAGMENT, so the request spills to DMA32 down to DMA32's
 * low watermark plus its lowmem_reserve; only when DMA32 fails too does the walk start over
 * without ALLOC_NOFRAGMENT and claim the unmovable block in Normal (the capture's extfrag
 * event of an order-8 page cache folio from an order-8 fallback block).
 * DMA32 4096 and Normal 4096 pages, min_free_kbytes 64: pages_min 16, each zone's share
 * 16 * 4096 / 8192 = 8 = min, gap max(8/4, 4096 * 10 / 10000) = 4: low 12, high 16.
 * lowmem_reserve of DMA32 for Normal and Movable requests: 4096 / 256 = 16. */
static void test_zonelist_nofragment_spill(void)
{
	mmtest_config(&cfg, 0, 4096, 4096, 64);
	start();
	const struct zone *d32 = &mm.zones[ZONE_DMA32], *n = &mm.zones[ZONE_NORMAL];
	const pfn_t nstart = n->start_pfn;
	CHECK_EQ(n->watermark[WMARK_MIN], 8);
	CHECK_EQ(n->watermark[WMARK_LOW], 12);
	CHECK_EQ(d32->watermark[WMARK_LOW], 12);
	CHECK_EQ(d32->lowmem_reserve[ZONE_MOVABLE], 16);
	/* 15 unmovable order-8 blocks in Normal: each order-10 block is claimed whole (both
	 * pageblocks Unmovable) and split from the bottom, so the last one keeps its top
	 * quarter free; the 15th passes at free 512 (512 - 255 = 257 > low 12). */
	for (uint64_t id = 1; id <= 15; id++)
		CHECK(mm_alloc(&mm, id, GFP_KERNEL, 8) >= nstart);
	CHECK_EQ(n->nr_free_pages, 256);
	/* Free the 13th (the last block's bottom quarter; its buddy, the 14th, is in use):
	 * Normal's free memory is two unmovable order-8 blocks that cannot merge. */
	CHECK(mm_free(&mm, 13));
	CHECK_EQ(n->nr_free_pages, 512);
	CHECK_EQ(n->free_area[8].nr_free_mt[MIGRATE_UNMOVABLE], 2);
	CHECK_EQ(n->nr_blocks_mt[MIGRATE_MOVABLE], 0);
	/* Movable order-8 folios: Normal passes its watermark (257 > 12) but has no movable
	 * page, and ALLOC_NOFRAGMENT lets a claim start at pageblock_order (9) only, where
	 * there is nothing: every one comes from DMA32, 15 of them, the 15th at free 512
	 * (257 > low 12 + reserve 16). */
	uint64_t extfrag0 = mm.vm_events[VM_MMSIM_EXTFRAG];
	for (uint64_t id = 100; id < 115; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 8) < nstart);
	CHECK_EQ(d32->nr_free_pages, 256);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG], extfrag0);
	CHECK_EQ(mm.vm_events[VM_MMSIM_NOFRAGMENT_RETRY], 0);
	/* Movable order 0 skips Normal the same way and takes DMA32 down to the reserve:
	 * free > 12 + 16 = 28 passes, so 256 - 28 = 228 pages (without the reserve it would
	 * be 244). */
	for (uint64_t id = 200; id < 200 + 228; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0) < nstart);
	CHECK_EQ(d32->nr_free_pages, 28);
	CHECK_EQ(mm.vm_events[VM_MMSIM_NOFRAGMENT_RETRY], 0);
	/* The next fails DMA32 (28 <= 28): the walk starts over without ALLOC_NOFRAGMENT and
	 * Normal's unmovable order-8 block is claimed (256 free pages in its pageblock reach
	 * half of it), so its pageblock turns Movable. */
	CHECK(mm_alloc(&mm, 500, GFP_HIGHUSER_MOVABLE, 0) >= nstart);
	CHECK_EQ(mm.vm_events[VM_MMSIM_NOFRAGMENT_RETRY], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_EXTFRAG], extfrag0 + 1);
	CHECK_EQ(n->nr_blocks_mt[MIGRATE_MOVABLE], 1);
	CHECK_EQ(d32->nr_free_pages, 28);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* Per-cpu lists (model.md §2.8). 2048 pages: batch = rounddown_pow_of_two(1) - 1 -> 1
 * (at least 1); with the lists fixed (pcp_set_fixed: refills as before 6.7, the tuned ones
 * are in test_pcp.c) a refill takes max(batch >> order, 2) = 2 blocks. Pages on a pcp list
 * are neither in buddyinfo nor allocated. */
static void test_pcp_refill_and_drain(void)
{
	setup(2048, 4);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 1;
	start();
	pcp_set_fixed(&mm, true);
	CHECK_EQ(pcp_batch_for(2048), 1);
	CHECK_EQ(pcp_batch_for(176128), 63); /* reference: 63 from ~688 MiB */
	CHECK_EQ(pcp_batch_for(3840), 1);    /* a 15 MiB DMA zone */
	CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0), 0); /* refill took pfn 0 and 1 */
	check_state("0 1 1 1 1 1 1 1 1 1 1");
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_pcp_pages, 1);
	CHECK_EQ(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0), 1); /* served from the pcp list */
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_pcp_pages, 0);
	CHECK(mm_free(&mm, 1)); /* to the pcp list, not to buddy */
	check_state("0 1 1 1 1 1 1 1 1 1 1");
	mm_drain_all_pages(&mm);
	check_state("1 1 1 1 1 1 1 1 1 1 1");
	mmtest_mm_destroy(&mm);
}

/* Each request uses its own CPU's pcp list (model.md §2.8).  As above, batch 1 and the
 * lists fixed: a refill takes 2 order-0 blocks from buddy, hands out the lower and keeps
 * the other.
 *   A (CPU 0) allocs id 1: refill takes pfn 0, 1 -> gets 0; CPU 0 holds {1}.
 *   B (CPU 1) allocs id 2: its list is empty, so it refills from buddy (the order-1 block
 *     at 2 splits) -> gets 2; CPU 1 holds {3}.  It must not take pfn 1 from CPU 0.
 *   A allocs id 3 -> 1 (CPU 0 now empty); B allocs id 4 -> 3 (CPU 1 now empty).
 *   B frees id 1 (pfn 0): onto CPU 1's list.  A NULL request (the test wrapper) frees
 *     id 2 (pfn 2) onto CPU 0's list: work without a request runs on CPU 0.
 *   A allocs id 5 -> 2, B allocs id 6 -> 0: each from its own list again. */
static void test_pcp_per_request_cpu(void)
{
	setup(2048, 4);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 2;
	start();
	pcp_set_fixed(&mm, true);
	struct mm_request a = { .cpu = 0 }, b = { .cpu = 1 };
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	CHECK_EQ(mm_alloc_req(&mm, &a, 1, GFP_HIGHUSER_MOVABLE, 0), 0);
	CHECK_EQ(mm_alloc_req(&mm, &b, 2, GFP_HIGHUSER_MOVABLE, 0), 2);
	CHECK_EQ(z->pcp[0].count, 1);
	CHECK_EQ(z->pcp[1].count, 1);
	CHECK_EQ(mm_alloc_req(&mm, &a, 3, GFP_HIGHUSER_MOVABLE, 0), 1);
	CHECK_EQ(mm_alloc_req(&mm, &b, 4, GFP_HIGHUSER_MOVABLE, 0), 3);
	CHECK_EQ(z->nr_pcp_pages, 0);
	CHECK(mm_free_req(&mm, &b, 1));
	CHECK_EQ(z->pcp[1].count, 1);
	CHECK(mm_free(&mm, 2));
	CHECK_EQ(z->pcp[0].count, 1);
	CHECK_EQ(mm_alloc_req(&mm, &a, 5, GFP_HIGHUSER_MOVABLE, 0), 2);
	CHECK_EQ(mm_alloc_req(&mm, &b, 6, GFP_HIGHUSER_MOVABLE, 0), 0);
	CHECK_EQ(z->nr_pcp_pages, 0);
	CHECK_EQ(a.stall_ns + b.stall_ns, 0);
	char msg[256];
	CHECK(mm_check(&mm, 2, msg, sizeof(msg)));
	mmtest_mm_destroy(&mm);
}

/* The node's decoded requests (struct alloc_desc): empty at boot, and after an allocation
 * the entry of its (gfp, order) holds what alloc_slot works out from the mask, by hand from
 * gfp.h and model.md §3.3 on this machine (Normal only, no CMA policy: prepare vetoes CMA,
 * so no ALLOC_CMA; the preferred zone is Normal, so ALLOC_NOFRAGMENT). */
static const struct alloc_desc *desc_of(gfp_t gfp, unsigned order)
{
	const struct alloc_desc *found = NULL;
	uint32_t key = gfp | order << ALLOC_DESC_ORDER_SHIFT;
	for (unsigned i = 0; i < sizeof(mm.alloc_descs) / sizeof(mm.alloc_descs[0]); i++) {
		if (mm.alloc_descs[i].key == key) {
			CHECK(!found); /* one entry per key */
			found = &mm.alloc_descs[i];
		}
	}
	return found;
}

static void test_alloc_desc(void)
{
	setup(2048, 4);
	start();
	for (unsigned i = 0; i < sizeof(mm.alloc_descs) / sizeof(mm.alloc_descs[0]); i++)
		CHECK_EQ(mm.alloc_descs[i].key, ALLOC_DESC_EMPTY);
	/* GFP_KERNEL order 0: UNMOVABLE, gfp_zone Normal, class unmovable (it may reclaim),
	 * low mark | KSWAPD (__GFP_KSWAPD_RECLAIM) | NOFRAGMENT. */
	CHECK(mm_alloc(&mm, 1, GFP_KERNEL, 0) != PFN_NONE);
	const struct alloc_desc *d = desc_of(GFP_KERNEL, 0);
	CHECK(d != NULL);
	CHECK_EQ(d->mt, MIGRATE_UNMOVABLE);
	CHECK_EQ(d->zone, ZONE_NORMAL);
	CHECK_EQ(d->cls, ACLASS_UNMOVABLE);
	CHECK(d->no_cma && !d->thp);
	CHECK_EQ(d->fast_flags, ALLOC_WMARK_LOW | ALLOC_KSWAPD | ALLOC_NOFRAGMENT);
	/* Reclaim's page_allocated decode (mm_hooks.page_alloc_decode, vmscan.c): unmovable,
	 * so no LRU and no call. */
	CHECK_EQ(d->hook, 0);
	/* GFP_HIGHUSER_MOVABLE order 0: MOVABLE, gfp_zone Movable (HIGHMEM|MOVABLE; its zonelist
	 * starts at Normal), class movable, the same flags (CMA vetoed). */
	CHECK(mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE);
	d = desc_of(GFP_HIGHUSER_MOVABLE, 0);
	CHECK(d != NULL);
	CHECK_EQ(d->mt, MIGRATE_MOVABLE);
	CHECK_EQ(d->zone, ZONE_MOVABLE);
	CHECK_EQ(d->cls, ACLASS_MOVABLE);
	CHECK(d->no_cma && !d->thp);
	CHECK_EQ(d->fast_flags, ALLOC_WMARK_LOW | ALLOC_KSWAPD | ALLOC_NOFRAGMENT);
	/* movable page cache (no __GFP_ZERO), the default gfp of its kind: an LRU page with
	 * nothing else (no side entry, the bits above the page flags 0), and the head so */
	CHECK_EQ(d->hook, PF_LRU);
	CHECK_EQ(mm.pages[obj_lookup(&mm.objs, 2)->pfn].flags, PF_HEAD | PF_LRU);
	/* A THP fault (GFP_TRANSHUGE at the pageblock order): no __GFP_KSWAPD_RECLAIM, so
	 * low mark | NOFRAGMENT; order 9 > PAGE_ALLOC_COSTLY_ORDER: class highorder. */
	CHECK(mm_alloc(&mm, 3, GFP_TRANSHUGE, 9) != PFN_NONE);
	d = desc_of(GFP_TRANSHUGE, 9);
	CHECK(d != NULL);
	CHECK_EQ(d->mt, MIGRATE_MOVABLE);
	CHECK_EQ(d->cls, ACLASS_HIGHORDER);
	CHECK(d->thp);
	CHECK_EQ(d->fast_flags, ALLOC_WMARK_LOW | ALLOC_NOFRAGMENT);
	CHECK_EQ(mm.vm_events[VM_THP_FAULT_ALLOC], 1);
	/* anon (__GFP_NOMEMALLOC at order > 0): swap-backed and referenced; not the default
	 * anon gfp (GFP_HIGHUSER_MOVABLE | __GFP_ZERO), so the object keeps its gfp (a bit
	 * above the page flags) */
	CHECK_EQ(d->hook & 0xffffu, PF_LRU | PF_SWAPBACKED | PF_REFERENCED);
	CHECK(d->hook >> 16);
	CHECK_EQ(mm.pages[obj_lookup(&mm.objs, 3)->pfn].flags, PF_HEAD | PF_LRU | PF_SWAPBACKED | PF_REFERENCED);
	/* The same mask at another order is another entry; the first is unchanged. */
	CHECK(mm_alloc(&mm, 4, GFP_KERNEL, 1) != PFN_NONE);
	CHECK(desc_of(GFP_KERNEL, 1) != NULL && desc_of(GFP_KERNEL, 0) != NULL);
	CHECK_EQ(desc_of(GFP_KERNEL, 0)->cls, ACLASS_UNMOVABLE);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* mm_alloc_req leaves the request's allocation class in req->last_class (the replay's
 * latency account reads it instead of decoding the gfp again), on every path: satisfied,
 * a duplicate id, an order above MAX_PAGE_ORDER.  Classes by hand from gfp.h: GFP_KERNEL
 * may reclaim and is unmovable; GFP_HIGHUSER_MOVABLE movable; GFP_ATOMIC and GFP_NOWAIT
 * lack __GFP_DIRECT_RECLAIM (atomic); order 4 > PAGE_ALLOC_COSTLY_ORDER (highorder).  The
 * new head's frame is written whole: order, type, owner, no links (but an LRU page's place
 * in its ring), no xflags. */
static void test_alloc_last_class(void)
{
	setup(2048, 4);
	start();
	struct mm_request r = { .cpu = 0, .task = 7, .alloc_class = -1 };
	static const struct { uint64_t id; gfp_t gfp; unsigned order; int cls; bool ok; } c[] = {
		{ 1, GFP_KERNEL, 0, ACLASS_UNMOVABLE, true },
		{ 2, GFP_HIGHUSER_MOVABLE, 0, ACLASS_MOVABLE, true },
		{ 3, GFP_ATOMIC, 0, ACLASS_ATOMIC, true },
		{ 4, GFP_KERNEL, 4, ACLASS_HIGHORDER, true },
		{ 2, GFP_NOWAIT, 0, ACLASS_ATOMIC, false },           /* id 2 is live: refused */
		{ 5, GFP_KERNEL, MAX_PAGE_ORDER + 1, ACLASS_HIGHORDER, false }, /* never attempted */
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		r.last_class = -1;
		pfn_t pfn = mm_alloc_req(&mm, &r, c[i].id, c[i].gfp, c[i].order);
		CHECK_EQ(pfn != PFN_NONE, c[i].ok);
		CHECK_EQ(r.last_class, c[i].cls);
		CHECK_EQ(r.alloc_class, -1);
		if (pfn == PFN_NONE)
			continue;
		const struct page_frame *p = &mm.pages[pfn];
		CHECK(p->flags & PF_HEAD);
		CHECK_EQ(p->order, c[i].order);
		CHECK_EQ(p->mt, gfp_migratetype(c[i].gfp));
		CHECK_EQ(p->xflags, 0);
		/* no free-list links; an LRU page's prev is its place in its list's ring (lru.c) */
		CHECK_EQ(p->next, PFN_NONE);
		if (!(p->flags & PF_LRU))
			CHECK_EQ(p->prev, PFN_NONE);
		const struct obj_slot *s = obj_lookup(&mm.objs, c[i].id);
		CHECK(s != NULL);
		CHECK_EQ(p->owner, (uint32_t)(s - mm.objs.slots));
		CHECK_EQ(s->task, 7);
	}
	CHECK_EQ(mm.vm_events[VM_MMSIM_ALLOC_DUP_ID], 1);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_split_claim_merge);
	RUN(test_movable_steal);
	RUN(test_claim_threshold);
	RUN(test_bulk_refill_steal_mode);
	RUN(test_boost_start);
	RUN(test_scan_start);
	RUN(test_pageblock_counters);
	RUN(test_movable_claim_order_rule);
	RUN(test_cma_merge_restriction);
	RUN(test_pcp_refill_and_drain);
	RUN(test_pcp_per_request_cpu);
	RUN(test_watermark_check);
	RUN(test_watermarks_live_example);
	RUN(test_zonelist_nofragment_spill);
	RUN(test_alloc_desc);
	RUN(test_alloc_last_class);
	return TEST_END();
}
