/* kswapd woken for a high order (kswapd.c, balance_pgdat in 6.12), a wake for a higher
 * order while it runs (kswapd() in 6.18) and the reference state
 * of a faulted-in anon page at its first trip round the inactive list (vmscan.c,
 * folio_check_references in 6.12).  Expected values are worked by hand above each test.
 *
 * The machine (as tests/test_reclaim.c): one Normal zone of 16384 pages (32 pageblocks of
 * 512), min_free_kbytes = 1024: min 256, low 320, high 384 pages; no per-cpu lists.
 * Fresh and unshuffled: order-0 allocations take ascending pfns, id k at pfn k − 1; a new
 * page enters its inactive list at the head, so reclaim takes the oldest id first.
 */
#include "mm/compaction.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define NORMAL_PAGES 16384
#define FILE_GFP GFP_HIGHUSER_MOVABLE
#define ANON_GFP (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)
/* alloc_buddy_hugetlb_folio's mask as the hugetlb capture shows it (nr_hugepages). */
#define HUGETLB_GFP (GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_COMP | __GFP_THISNODE)

static struct config cfg;
static struct mm mm;

static void setup(void)
{
	mmtest_reclaim_config(&cfg, NORMAL_PAGES);
}

static void boot(void)
{
	mmtest_boot(&mm, &cfg);
}

static uint64_t alloc_range(uint64_t first, uint64_t last, gfp_t gfp)
{
	uint64_t ok = 0;
	for (uint64_t id = first; id <= last; id++)
		ok += mm_alloc(&mm, id, gfp, 0) != PFN_NONE;
	return ok;
}

static const struct zone *normal(void) { return &mm.zones[ZONE_NORMAL]; }

static uint64_t free_blocks_from(unsigned order)
{
	uint64_t n = 0;
	for (unsigned o = order; o <= MAX_PAGE_ORDER; o++)
		n += normal()->free_area[o].nr_free;
	return n;
}

/* A huge page taken by direct compaction leaves the node unbalanced for kswapd.
 *
 * Ids 1..16064 are file pages (free 320: pfns 16064..16383, blocks of order 6 and 8);
 * freeing the odd ids leaves free 320 + 8032 = 8352 in single pages, no free block of
 * order >= 9, and L = 8032 file pages on the inactive list.  An order-9 hugetlb request
 * (task 1, an actor):
 *   - the fast path fails (no order-9 block); the slow path wakes kswapd at order 9:
 *     pgdat_balanced(9) fails (the zone passes high at order 0 only);
 *   - costly order: async direct compaction empties a pageblock (its 256 file pages move,
 *     keeping their LRU places) and the request takes the block at once
 *     (compaction_capture): compact_stall 1, compact_success 1;
 *   - kswapd's rounds then find no free order-9 block.  nr_to_reclaim = max(high, 32) =
 *     384; each round plans L >> priority of the inactive file list (no swap: SCAN_FILE)
 *     and the priority drops while a round scans less than 384:
 *       12: 8032 >> 12 = 1   11: 8031 >> 11 = 3   10: 8028 >> 10 = 7   9: 8021 >> 9 = 15
 *       8: 8006 >> 8 = 31    7: 7975 >> 7 = 62    6: 7913 >> 6 = 123   5: 7790 >> 5 = 243
 *       4: 7547 >> 4 = 471, stopped at the goal after 12 batches of 32: 384
 *     869 pages, oldest first (the even ids from 2, among them the pages compaction moved
 *     to the top of the zone); 869 < compact_gap(9) = 2 << 9 = 1024, so the order stays 9;
 *   - at the top of the next round the pages freed have made an order-9 block: balanced
 *     at order 9, the run ends (pageoutrun 1) and kswapd naps.  free = 8352 − 512 + 869.
 * Were the block left free while the request sleeps off the compaction, kswapd's first
 * round would find the node balanced at order 9 and reclaim nothing. */
static void test_high_order_wake_reclaims(void)
{
	setup();
	boot();
	CHECK_EQ(alloc_range(1, 16064, FILE_GFP), 16064);
	for (uint64_t id = 1; id <= 16064; id += 2)
		mm_free(&mm, id);
	CHECK_EQ(normal()->nr_free_pages, 8352);
	CHECK_EQ(free_blocks_from(9), 0);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 8032);
	CHECK(!kswapd_pgdat_balanced(&mm, 9, ZONE_NORMAL));
	CHECK(kswapd_pgdat_balanced(&mm, 0, ZONE_NORMAL));

	CHECK(mmtest_alloc_actor(&mm, 1, 100000, HUGETLB_GFP, 9, NULL) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], 1);
	CHECK_EQ(mm.vm_events[VM_COMPACT_SUCCESS], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS], 1);
	mmtest_run_until(&mm, mm.engine->now_ns + 50 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 869);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 869);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.reclaim->kswapd.order, 9);
	CHECK(free_blocks_from(9) >= 1);
	CHECK_EQ(normal()->nr_free_pages, 8352 - 512 + 869);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_NAPPING);
	/* nobody asked for order 9 while kswapd ran: it tried to sleep at order 0 and asked
	 * kcompactd for nothing */
	CHECK_EQ(mm.reclaim->kswapd.sleep_order, 0);
	CHECK_EQ(mm.compact->kcompactd_max_order, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* A wake for a higher order while kswapd runs is served by another run straight away
 * (kswapd() in 6.18: after a run whose order did not fall, kswapd_try_to_sleep checks the
 * order the wakers asked for since the run began).
 *
 * Ids 1..16064 are file pages: free 320 (pfns 16064..16383, blocks of order 6 and 8),
 * no free block of order >= 9, below high (384) at order 0.  kswapd is woken at order 0
 * and, while it runs, asked for order 9 (recorded only: it is not on the wait queue).
 * Run 1 (order 0, nr_to_reclaim 384, SCAN_FILE, oldest ids first, priority dropping after
 * every round that scans less than 384):
 *   12: 16064 >> 12 = 3   11: 16061 >> 11 = 7   10: 16054 >> 10 = 15   9: 16039 >> 9 = 31
 *   8: 16008 >> 8 = 62: 118 pages, free 438 > 384: balanced at order 0, the run ends.
 * Its order did not fall, so kswapd tries to sleep at order 9: pfns 0..117 are no order-9
 * block, so not balanced: kswapd_high_wmark_hit_quickly, and run 2 at order 9.  Order 9 is
 * a reclaim/compaction order (should_continue_reclaim, test_reclaim_compaction_continues):
 * while the zone has no order-9 block and free < min + compact_gap = 256 + 1024, every
 * pass at priority 12 that reclaims is followed by another: 15946 >> 12 = 3 pages a pass
 * (the list stays above 12288), 132 passes = 396 pages (ids 119..514) make pfns 0..511 an
 * order-9 block, free 438 + 396 = 834: the min watermark passes at order 9 (834 − 511 =
 * 323 > 256), the pass loop ends; 396 scanned >= nr_to_reclaim 384, so the priority stays.
 * The node is not balanced at order 9 until 834 − 511 passes high (384); one pass a round:
 *   12: 15550 >> 12 = 3   11: 15547 >> 11 = 7   10: 15540 >> 10 = 15   9: 15525 >> 9 = 30
 *   8: 15495 >> 8 = 60: free 949, 949 − 511 = 438 > 384: balanced at order 9.
 * Run 2 reclaims 396 + 115 = 511 (< compact_gap(9) = 1024, the order stays 9).  Nobody
 * asked for anything during run 2: kswapd sleeps at order 0 after its nap, and kcompactd is
 * not asked for anything.
 * Trying to sleep at the order run 1 reclaimed for, kswapd would nap after run 1 and sleep
 * with the order-9 request unserved (pageoutrun 1, pgsteal_kswapd 118). */
static void test_wake_while_running(void)
{
	setup();
	boot();
	CHECK_EQ(alloc_range(1, 16064, FILE_GFP), 16064);
	CHECK_EQ(normal()->nr_free_pages, 320);
	CHECK_EQ(free_blocks_from(9), 0);
	kswapd_wakeup(&mm, 0, ZONE_NORMAL);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_RUNNING);
	kswapd_wakeup(&mm, 9, ZONE_NORMAL);
	mmtest_run_until(&mm, mm.engine->now_ns + NSEC_PER_SEC);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 2);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY], 1);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_LOW_WMARK_HIT_QUICKLY], 0);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 118 + 511);
	CHECK_EQ(normal()->nr_free_pages, 320 + 118 + 511);
	CHECK_EQ(mm.reclaim->kswapd.alloc_order, 9);
	CHECK_EQ(mm.reclaim->kswapd.order, 9);
	CHECK_EQ(mm.reclaim->kswapd.sleep_order, 0);
	CHECK_EQ(mm.compact->kcompactd_max_order, 0);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_SLEEPING);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* shrink_node's reclaim/compaction loop for kswapd (should_continue_reclaim, 6.18): at a
 * costly order a pass that reclaimed something is followed by another at the same priority
 * while no zone passes its min watermark at that order nor is suitable for compaction.
 *
 * Ids 1..16064 are file pages: free 320 (pfns 16064..16383, blocks of order 6 and 8), no
 * free block of order >= 9, L = 16064 on the inactive file list, no swap (SCAN_FILE).
 * kswapd is woken at order 9 (nr_to_reclaim = max(high, 32) = 384):
 *   round 1, priority 12: a pass takes L >> 12 = 3 pages, oldest ids first (pfn = id − 1),
 *     while L >= 12288.  After each pass: no order-9 block (min fails at order 9) and free
 *     320 + 3n < min + compact_gap(9) = 256 + 1024 (not suitable), inactive > 1024: again.
 *     Pass 171 frees ids 511..513: pfns 0..511 are an order-9 block, free 833, and
 *     833 − 511 = 322 > min 256: the loop ends.  Scanned 513 >= 384: the priority stays.
 *   The node is balanced at order 9 only once free − 511 > high 384; one pass a round now
 *   (the min watermark passes after each):
 *     12: 15551 >> 12 = 3   11: 15548 >> 11 = 7   10: 15541 >> 10 = 15   9: 15526 >> 9 = 30
 *     8: 15496 >> 8 = 60: free 948, 948 − 511 = 437 > 384: balanced, the run ends.
 *   513 + 115 = 628 pages (< compact_gap(9) = 1024: the order stays 9); kswapd naps.
 * With one pass per round kswapd would drop a priority after each round (3, 7, 15, 31, 62,
 * 123, 245 pages: 486, no block yet; then priority 5 stops once past the goal of 384):
 * 873 pages, ending at priority 5. */
static void test_reclaim_compaction_continues(void)
{
	setup();
	boot();
	CHECK_EQ(alloc_range(1, 16064, FILE_GFP), 16064);
	CHECK_EQ(normal()->nr_free_pages, 320);
	CHECK_EQ(free_blocks_from(9), 0);
	kswapd_wakeup(&mm, 9, ZONE_NORMAL);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_RUNNING);
	mmtest_run_until(&mm, mm.engine->now_ns + 50 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 628);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 628);
	CHECK_EQ(normal()->nr_free_pages, 320 + 628);
	CHECK(free_blocks_from(9) >= 1);
	CHECK_EQ(mm.reclaim->kswapd.order, 9);
	CHECK_EQ(mm.reclaim->kswapd.priority, 7);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_NAPPING);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* A faulted-in anon page has a young PTE: its first trip round the inactive list keeps it
 * (folio_check_references: FOLIOREF_KEEP, nr_ref_keep), the second reclaims it.  A page
 * cache page read by the workload has no mapping to look at and goes at the first trip.
 *
 * Swap 32768 pages; ids 1..200 anon, then 201..300 file; free memory is plenty.  One
 * kswapd shrink_node at priority 0 (SCAN_EQUAL: every list scanned in full), goal 1000:
 *   - pass 1: the 100 file pages are clean and unreferenced: freed (pgsteal_file 100); the
 *     200 anon pages are referenced: kept for another trip, flag cleared, nothing written;
 *     pgscan_anon 200;
 *   - pass 2: the anon pages are unreferenced now: each gets a swap slot and its write
 *     starts (200 < the queue depth 256: no pass ends early): pswpout 200, and under
 *     writeback they stay on the inactive list; pgscan_anon 400.
 * Without the young fault every anon page would be written by pass 1. */
static void test_faulted_anon_kept_first_trip(void)
{
	setup();
	cfg.devices.swap_pages = 32768;
	boot();
	CHECK_EQ(alloc_range(1, 200, ANON_GFP), 200);
	CHECK_EQ(alloc_range(201, 300, FILE_GFP), 100);
	mmtest_shrink_node(&mm, true, 0, 1000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_ANON], 200);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_ANON], 0);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_FILE], 100);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 0);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 200);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 0);
	mmtest_shrink_node(&mm, true, 0, 1000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_ANON], 400);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 200);
	CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_WRITE], 200);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 200);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* balance_pgdat (6.12) leaves by `goto out` when it finds the node balanced at the top of
 * its loop: no kswapd_failure, though nothing was reclaimed.  Ids 1..16100 are file
 * pages: free 284, below low 320, so the allocations wake kswapd.  Before its first slice
 * ids 1..200 are freed (free 484 > high 384): the run finds the node balanced, reclaims
 * nothing (pageoutrun 1, pgscan_kswapd 0) and counts no failure. */
static void test_balanced_run_no_failure(void)
{
	setup();
	boot();
	CHECK_EQ(alloc_range(1, 16100, FILE_GFP), 16100);
	CHECK_EQ(normal()->nr_free_pages, 284);
	CHECK(reclaim_kswapd_running(&mm));
	for (uint64_t id = 1; id <= 200; id++)
		CHECK(mm_free(&mm, id));
	mmtest_run_until(&mm, NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 0);
	CHECK_EQ(mm.reclaim->kswapd.failures, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* balance_pgdat (6.8+) starts over once with cache trimming off when a whole run through
 * the priorities reclaimed nothing while a cache-trim round failed.  No swap.  Ids
 * 1..16100 are file pages, all referenced: free 284 < low 320 wakes kswapd.  Every round
 * trims the page cache alone (16100 >> priority > 0, nothing refaulting, 0 active) and
 * scans 16100 >> p pages for p = 12..1 (nothing reclaimed: each priority once), 16090 in
 * all, ids 1..16090, each kept for another trip (referenced cleared, to the head).  The
 * restart, in the same run (pageoutrun 1, no high_wmark_hit_quickly), finds ids
 * 16091..16100 (still referenced) at the tail: priority 12 takes 3, 11 takes 7, then 10,
 * 9, 8 free 15 + 31 + 62 = 108 of ids 1..108 on their second trip: free 392 > high 384,
 * balanced.  Scanned 16090 + 118 = 16208. */
static void test_cache_trim_failed_restarts(void)
{
	setup();
	boot();
	CHECK_EQ(alloc_range(1, 16100, FILE_GFP), 16100);
	for (uint64_t id = 1; id <= 16100; id++)
		mm.pages[obj_lookup(&mm.objs, id)->pfn].flags |= PF_REFERENCED;
	CHECK(reclaim_kswapd_running(&mm));
	mmtest_run_until(&mm, NSEC_PER_SEC);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY], 0);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 16208);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 108);
	CHECK_EQ(normal()->nr_free_pages, 392);
	CHECK_EQ(mm.reclaim->kswapd.failures, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* A boosted wake of a balanced node, as the metawalk capture shows them (rmqueue's
 * ZONE_BOOSTED_WATERMARK wake after a fragmenting claim, 6.18): wakeup_kswapd wakes a
 * sleeping or napping kswapd when the node is balanced but boosted; balance_pgdat
 * reclaims the boost, then wakes kcompactd at pageblock_order, which a zone deferred for
 * that order skips (compaction_deferred counts the attempt, no scan); a boosted wake
 * during the HZ/10 nap is a premature wake (kswapd_low_wmark_hit_quickly) and a new run
 * (pageoutrun); a wake while kswapd runs is not a wake.
 *
 * No swap.  Ids 1..16064 in pfn order, by id % 3: 1 file (freed after), 2 file, 0 anon,
 * so free = 5355 single pages + the top 320 = 5675 and no free block can reach order 9
 * (an anon page every 3 pfns): kcompactd finds the zone suitable.  L = 5355 inactive file
 * pages, oldest first.  Boost 512 (one pageblock): high + boost = 896 < 5675, balanced,
 * but nr_boost_reclaim = 512.  The zone is deferred for order 9 as metawalk began
 * (considered 43, shift 6: 64 attempts).
 *   run 1: priority 12: 5355 >> 12 = 1; 11: 5354 >> 11 = 2; 10 (a boosted run's floor,
 *   DEF_PRIORITY - 2): 5352 >> 10 = 5 per round while L >= 5120 (46 rounds: 230), then 4
 *   per round: 512 - 238 = 274 -> 69 rounds, 276: 514 reclaimed, boost 512 - 512 = 0;
 *   kcompactd woken at order 9, deferred: considered 44.
 *   run 2 (boost 512 again, 10 ms into the nap): L = 4841: 1 + 2 + 4 per round
 *   (4838 >> 10 = 4 down to L >= 4096): 512 - 3 = 509 -> 128 rounds, 512: 515; considered
 *   45.  Then the nap ends balanced: sleeping.
 * pageoutrun 2, low_wmark_hit_quickly 1, pgsteal 514 + 515 = 1029, compact_daemon_wake 2
 * and no page scanned by kcompactd. */
static void test_boosted_wakes(void)
{
	setup();
	boot();
	for (uint64_t id = 1; id <= 16064; id++)
		CHECK(mm_alloc(&mm, id, id % 3 == 0 ? ANON_GFP : FILE_GFP, 0) != PFN_NONE);
	for (uint64_t id = 1; id <= 16064; id += 3)
		CHECK(mm_free(&mm, id));
	struct zone *z = &mm.zones[ZONE_NORMAL];
	CHECK_EQ(z->nr_free_pages, 5675);
	CHECK_EQ(free_blocks_from(9), 0);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_SLEEPING);
	z->compact_defer_shift = 6;
	z->compact_considered = 43;
	z->compact_order_failed = 9;
	z->watermark_boost = 512;
	kswapd_wakeup(&mm, 0, ZONE_NORMAL);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_RUNNING);
	mmtest_run_until(&mm, mm.engine->now_ns + 10 * NSEC_PER_MSEC);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_NAPPING);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 514);
	CHECK_EQ(z->watermark_boost, 0);
	CHECK_EQ(z->compact_considered, 44);
	z->watermark_boost = 512;
	kswapd_wakeup(&mm, 0, ZONE_NORMAL);
	kswapd_wakeup(&mm, 0, ZONE_NORMAL); /* running: not on the wait queue */
	mmtest_run_until(&mm, mm.engine->now_ns + NSEC_PER_SEC);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_SLEEPING);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 2);
	CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS], 2);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_LOW_WMARK_HIT_QUICKLY], 1);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY], 0);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 514 + 515);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 2);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_MIGRATE_SCANNED], 0);
	CHECK_EQ(z->compact_considered, 45);
	CHECK_EQ(mm.reclaim->kswapd.failures, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_high_order_wake_reclaims);
	RUN(test_wake_while_running);
	RUN(test_reclaim_compaction_continues);
	RUN(test_faulted_anon_kept_first_trip);
	RUN(test_balanced_run_no_failure);
	RUN(test_cache_trim_failed_restarts);
	RUN(test_boosted_wakes);
	return TEST_END();
}
