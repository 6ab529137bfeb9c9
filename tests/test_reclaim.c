/* Reclaim: kswapd wake/stop against hand-computed watermarks, direct reclaim and its
 * charge, swap-out / swap-in / refault, `swap: none`, the ereclaimable and CFLRU
 * policies, pinned and unevictable pages.
 *
 * The machine in every test: one Normal zone of 16384 pages, min_free_kbytes = 1024
 * (model.md §3.1):
 *   min  = 1024 KiB / 4 = 256 pages
 *   gap  = max(256 / 4, 16384 × 10 / 10000) = max(64, 16) = 64
 *   low  = 320, high = 384
 * GFP_HIGHUSER_MOVABLE asks for highest zone Movable (unpopulated): lowmem_reserve of
 * Normal for Movable is 0 pages, so the checks are plain free > mark.
 * Fast path (low): an order-0 request passes while free > 320, i.e. the first
 * 16384 − 320 = 16064 allocations; the 16065th enters the slow path (free = 320), wakes
 * kswapd and succeeds at min.  Fresh pages are unreferenced, clean, on the inactive head;
 * reclaim takes them from the tail, i.e. oldest id first.
 */
#include "engine/engine.h"
#include "sim.h"
#include "workload/workload.h"
#include "mm/compaction.h"
#include "mm/vmscan.h"
#include "trace/trace.h"
#include "mmtest.h"
#include "testlib.h"

#define NORMAL_PAGES 16384
#define FILE_GFP GFP_HIGHUSER_MOVABLE
#define ANON_GFP (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)

static struct config cfg;
static struct mm mm;
static struct engine eng;
static bool with_engine;

static void setup(bool engine)
{
	mmtest_reclaim_config(&cfg, NORMAL_PAGES);
	with_engine = engine;
}

static void start(void)
{
	struct sim_error err;
	engine_init(&eng);
	if (mm_init(&mm, &cfg, &eng, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static void stop(void)
{
	mm_destroy(&mm);
	engine_destroy(&eng);
}

static bool check_ok(void)
{
	bool ok = mm_check_full(&mm); /* prints the first violation */
	return ok;
}

static const struct zone *normal(void) { return &mm.zones[ZONE_NORMAL]; }

static bool resident(uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm.objs, id);
	return s && s->kind == OBJ_PAGES;
}

/* Allocate ids first..last (order 0) with gfp; returns how many succeeded. */
static uint64_t alloc_range(uint64_t first, uint64_t last, gfp_t gfp)
{
	uint64_t ok = 0;
	for (uint64_t id = first; id <= last; id++)
		ok += mm_alloc(&mm, id, gfp, 0) != PFN_NONE;
	return ok;
}

static uint64_t count_resident(uint64_t first, uint64_t last)
{
	uint64_t n = 0;
	for (uint64_t id = first; id <= last; id++)
		n += resident(id);
	return n;
}

/* Which list an allocation joins (vmscan.c header): anon by __GFP_ZERO or a THP's
 * __GFP_NOMEMALLOC; hugetlbfs pool pages unevictable; slab not on the LRU; only a gfp
 * that changes how a refault is served is kept in the side table (the THP's
 * GFP_TRANSHUGE and block-device page cache's GFP_NOFS|__GFP_MOVABLE: 2 entries), not
 * __GFP_COMP on an order-0 anon fault nor __GFP_WRITE on page cache. */
static void test_lru_placement(void)
{
	setup(false);
	start();
	CHECK(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_COMP, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 2, GFP_TRANSHUGE, 9) != PFN_NONE);
	CHECK(mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 9) != PFN_NONE);
	CHECK(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE | __GFP_WRITE, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 5, GFP_NOFS | __GFP_MOVABLE, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 6, GFP_KERNEL | __GFP_RECLAIMABLE, 0) != PFN_NONE);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 1 + 512);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_UNEVICTABLE], 512);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 2);
	CHECK(!(mm.pages[obj_lookup(&mm.objs, 6)->pfn].flags & PF_LRU));
	CHECK_EQ(mm.reclaim->nr_nonres, 2);
	CHECK(workingset_find(mm.reclaim, 2) != NULL);
	CHECK(workingset_find(mm.reclaim, 5) != NULL);
	CHECK(check_ok());
	stop();
}

static void test_watermarks(void)
{
	setup(false);
	start();
	CHECK_EQ(normal()->watermark[WMARK_MIN], 256);
	CHECK_EQ(normal()->watermark[WMARK_LOW], 320);
	CHECK_EQ(normal()->watermark[WMARK_HIGH], 384);
	stop();
}

/* With the engine: kswapd is woken by allocation 16065 and runs when the engine runs.
 * At wake-up the inactive file list holds 16065 pages and free = 319 (the waking request
 * was served at min).  No swap: file lists only (SCAN_FILE); each round scans
 * list >> priority from the tail and reclaims all of it; nr_to_reclaim = max(384, 32):
 *   prio 12: 16065 >> 12 = 3  -> free 322, list 16062
 *   prio 11: 16062 >> 11 = 7  -> free 329, list 16055
 *   prio 10: 16055 >> 10 = 15 -> free 344, list 16040
 *   prio  9: 16040 >> 9  = 31 -> free 375, list 16009   (375 <= high: unbalanced)
 *   prio  8: 16009 >> 8  = 62 -> free 437, list 15947   (437 > 384: balanced, stop)
 * Every round scanned less than 384, so the priority drops each time. 118 pages in all;
 * ids 1..118 (the oldest) are evicted. */
static void test_kswapd_wakes_below_low_stops_at_high(void)
{
	setup(true);
	start();
	CHECK_EQ(alloc_range(1, 16064, FILE_GFP), 16064);
	CHECK_EQ(normal()->nr_free_pages, 320);
	CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS], 0);
	CHECK(!reclaim_kswapd_active(&mm));
	CHECK_EQ(alloc_range(16065, 16065, FILE_GFP), 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS], 1);
	CHECK(reclaim_kswapd_active(&mm));
	CHECK_EQ(normal()->nr_free_pages, 319);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC); /* well before the 100 ms nap ends */
	CHECK_EQ(normal()->nr_free_pages, 437);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 118);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 118);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_FILE], 118);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 15947);
	CHECK_EQ(count_resident(1, 118), 0);
	CHECK_EQ(count_resident(119, 16065), 16065 - 118);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_NAPPING);
	/* kswapd's work took simulated time: 118 scans × 50 + 118 reclaims × 300 ns. */
	CHECK_EQ(mm.reclaim->kswapd.busy_ns, 118 * 350);
	engine_run_until(&eng, 200 * NSEC_PER_MSEC);
	CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_SLEEPING); /* balanced after the nap: sleep */
	CHECK_EQ(mm.vm_events[VM_KSWAPD_LOW_WMARK_HIT_QUICKLY], 0);
	CHECK_EQ(mm.vm_events[VM_KSWAPD_HIGH_WMARK_HIT_QUICKLY], 0);
	/* Balanced node: a further slow-path wake does nothing (free 437 > high). */
	mm.hooks.wakeup_kswapd(&mm, 0, ZONE_MOVABLE);
	CHECK_EQ(mm.vm_events[VM_MMSIM_KSWAPD_WAKEUPS], 1);
	CHECK(check_ok());
	stop();
}

/* The whole kswapd run, nap included, happens in engine events after the waking request
 * (which was served at min: free 319, list 16065), as in the test above:
 *   12: 3 (322)  11: 7 (329)  10: 15 (344)  9: 31 (375)  8: 62 (437) -> balanced, 118 pages;
 * after the 100 ms nap the node is still balanced and kswapd sleeps. */
static void test_kswapd_run_then_sleep(void)
{
	setup(false);
	start();
	CHECK_EQ(alloc_range(1, 16065, FILE_GFP), 16065);
	engine_run_until(&eng, 200 * NSEC_PER_MSEC);
	CHECK_EQ(normal()->nr_free_pages, 437);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 118);
	CHECK(!reclaim_kswapd_active(&mm));
	CHECK(check_ok());
	stop();
}

/* kswapd_try_to_sleep's reset_isolation_suitable: when kswapd is ready to sleep, the
 * skip bits of a zone whose direct-compaction scanners met (compact_blockskip_flush) are
 * cleared, and the flag with them; a zone without the flag keeps its bits.  Skip bits on
 * Normal's pageblocks 3 and 7 by hand; the waking allocation 16065 (as above) starts a
 * run that balances at free 437 and naps: the reset happens at the nap, before 50 ms. */
static void test_kswapd_sleep_resets_skip(void)
{
	for (int flush = 0; flush < 2; flush++) {
		setup(false);
		start();
		struct zone *z = &mm.zones[ZONE_NORMAL];
		z->pageblocks[3].bits |= PB_SKIP;
		z->pageblocks[7].bits |= PB_SKIP;
		mm.compact->compact_blockskip_flush[ZONE_NORMAL] = flush;
		CHECK_EQ(alloc_range(1, 16065, FILE_GFP), 16065);
		CHECK(z->pageblocks[3].bits & PB_SKIP); /* kswapd has not run yet */
		engine_run_until(&eng, 50 * NSEC_PER_MSEC);
		CHECK_EQ(mm.reclaim->kswapd.state, KSWAPD_NAPPING);
		CHECK_EQ(!!(z->pageblocks[3].bits & PB_SKIP), !flush);
		CHECK_EQ(!!(z->pageblocks[7].bits & PB_SKIP), !flush);
		CHECK(!mm.compact->compact_blockskip_flush[ZONE_NORMAL]);
		CHECK(check_ok());
		stop();
	}
}

/* Watermark boost (model.md §3.5), synchronous kswapd.  A boost of 512 raises the
 * effective high watermark to 384 + 512 = 896.
 * (a) free 700: the node is unbalanced at the boosted mark, so the boost goal is dropped
 *     and kswapd reclaims normally until free > 896, nr_to_reclaim = 896, list 15684:
 *     12: 3 (703)  11: 15681>>11 = 7 (710)  10: 15674>>10 = 15 (725)  9: 15659>>9 = 30
 *     (755)  8: 15629>>8 = 61 (816)  7: 15568>>7 = 121 (937 > 896: balanced) -> 237 pages.
 *     At the end the boost seen at the start (512) is taken off: boost 0.
 * (b) free 1000 (balanced even with the boost): woken because the zone is boosted;
 *     boosted reclaim (no writeback, no swap) runs until 512 pages are reclaimed, its
 *     priority held at DEF_PRIORITY − 2 = 10 where each round takes list >> 10 <= 15
 *     pages: 512 <= reclaimed < 512 + 15.  Boost 0 afterwards. */
static void test_kswapd_boost(void)
{
	for (int c = 0; c < 2; c++) {
		setup(false);
		start();
		uint64_t free_target = c ? 1000 : 700;
		CHECK_EQ(alloc_range(1, NORMAL_PAGES - free_target, FILE_GFP), NORMAL_PAGES - free_target);
		CHECK_EQ(normal()->nr_free_pages, free_target);
		CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 0);
		mm.zones[ZONE_NORMAL].watermark_boost = 512;
		mm.hooks.wakeup_kswapd(&mm, 0, ZONE_NORMAL);
		engine_run_until(&eng, 50 * NSEC_PER_MSEC); /* the run, not the nap's end */
		CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
		uint64_t reclaimed = mm.vm_events[VM_PGSTEAL_KSWAPD];
		if (c) {
			CHECK(reclaimed >= 512);
			CHECK(reclaimed < 512 + 15);
		} else {
			CHECK_EQ(reclaimed, 237);
			CHECK_EQ(normal()->nr_free_pages, 937);
		}
		CHECK_EQ(normal()->watermark_boost, 0);
		CHECK(check_ok());
		stop();
	}
}

/* Direct reclaim: the engine is never run, so kswapd never gets to work.  After the
 * wake (allocation 16065, free 320 -> 319) requests keep succeeding at min while
 * free > 256: allocations 16066..16128 take free to 256.  Allocation 16129 fails at min
 * and direct-reclaims: nr_to_reclaim 32, list 16128:
 *   12: 16128 >> 12 = 3   11: 16125 >> 11 = 7   10: 16118 >> 10 = 15   9: 16103 >> 9 = 31
 *   -> 56 >= 32: stop.  free 256 + 56 = 312; the retry succeeds: 311.
 * Charge: the slow path tries the free lists three times (at entry, at the top of the retry
 * loop, after reclaim) at alloc_fast_ns = 200 each, and reclaim costs 56 × 50 + 56 × 300 =
 * 19600 ns: 20200 ns; allocstall_movable (gfp_zone = Movable). */
static void test_direct_reclaim_charged(void)
{
	setup(true);
	start();
	CHECK_EQ(alloc_range(1, 16128, FILE_GFP), 16128);
	CHECK_EQ(normal()->nr_free_pages, 256);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 0);
	struct mm_request req = { 0 };
	CHECK(mm_alloc_req(&mm, &req, 16129, FILE_GFP, 0) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 56);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 56);
	CHECK_EQ(normal()->nr_free_pages, 311);
	CHECK_EQ(req.stall_ns, 20200);
	CHECK_EQ(count_resident(1, 56), 0);
	CHECK(resident(57));
	CHECK(check_ok());
	stop();
}

/* Stall belongs to the request that incurred it.  As test_direct_reclaim_charged,
 * request A (CPU 0) allocates 16129, direct-reclaims 56 pages and is charged
 * 3 × 200 + 56 × 50 + 56 × 300 = 20200 ns.  Request B (CPU 1) then allocates 16130: free
 * is 311 > min 256, so it succeeds at min at its first slow-path attempt without
 * reclaiming (free 310) and its stall is that attempt, 200; A's stays 20200.  The free of
 * id 57 (clean, never written) by B waits for nothing. */
static void test_stall_charged_to_own_request(void)
{
	setup(true);
	start();
	CHECK_EQ(alloc_range(1, 16128, FILE_GFP), 16128);
	struct mm_request a = { .cpu = 0 }, b = { .cpu = 1 };
	CHECK(mm_alloc_req(&mm, &a, 16129, FILE_GFP, 0) != PFN_NONE);
	CHECK_EQ(a.stall_ns, 20200);
	CHECK_EQ(b.stall_ns, 0);
	CHECK(mm_alloc_req(&mm, &b, 16130, FILE_GFP, 0) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(normal()->nr_free_pages, 310);
	CHECK_EQ(b.stall_ns, 200);
	CHECK(mm_free_req(&mm, &b, 57));
	CHECK_EQ(b.stall_ns, 200);
	CHECK_EQ(a.stall_ns, 20200);
	CHECK(check_ok());
	stop();
}

/* `swap: none`: anon is never reclaimed.  Without reclaimable pages the requests succeed
 * at min until free = 256 (16384 − 256 = 16128 successes); the next one finds nothing to
 * reclaim, should_reclaim_retry sees free + reclaimable = 256 which cannot pass min, and
 * the OOM killer finds no victim (every object belongs to task 0, the kernel): the
 * allocation fails as fail_no_victim (counted, object not created). */
static void test_swap_none_anon_stays(void)
{
	setup(false);
	cfg.devices.swap_pages = 0;
	start();
	CHECK_EQ(alloc_range(1, 16128, ANON_GFP), 16128);
	CHECK_EQ(normal()->nr_free_pages, 256);
	CHECK(mm_alloc(&mm, 16129, ANON_GFP, 0) == PFN_NONE);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC); /* kswapd's runs */
	CHECK_EQ(mm.vm_events[VM_MMSIM_ALLOC_FAIL], 1);
	CHECK_EQ(mm.alloc_outcome[ACLASS_MOVABLE][AOUT_FAIL_NO_VICTIM], 1);
	CHECK_EQ(mm.alloc_outcome[ACLASS_MOVABLE][AOUT_SATISFIED], 16128);
	CHECK(obj_lookup(&mm.objs, 16129) == NULL);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 0);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD] + mm.vm_events[VM_PGSTEAL_DIRECT], 0);
	CHECK_EQ(count_resident(1, 16128), 16128);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 16128);
	struct reclaim_node_stat st;
	reclaim_node_stat(&mm, &st);
	CHECK(st.node_unreclaimable); /* 16 kswapd runs reclaimed nothing */
	CHECK_EQ(st.kswapd_failures, MAX_KSWAPD_FAILURES);
	CHECK(check_ok());
	stop();
}

/* Working set 1.5 × memory with swap: anon pages are swapped out (pswpout), a second pass
 * over the set swaps them back in (pswpin, pgmajfault, workingset_refault_anon), and
 * every swap-in is charged latency 100 us + 4 KiB / (409.6 MB/s) = 10 us.  Readahead off
 * (page_cluster 0): every swap-in is its own fault. */
static void test_swap_out_and_refault(void)
{
	setup(true);
	cfg.devices.swap_pages = 32768;
	cfg.devices.swap_page_cluster = 0;
	start();
	const uint64_t n = NORMAL_PAGES * 3 / 2;
	sim_ns_t t = 0;
	uint64_t ok = 0;
	for (uint64_t id = 1; id <= n; id++) {
		t += 20000; /* one page every 20 us: the swap device (10 us/page) keeps up */
		engine_run_until(&eng, t);
		ok += mm_alloc(&mm, id, ANON_GFP, 0) != PFN_NONE;
	}
	CHECK_EQ(ok, n);
	CHECK(mm.vm_events[VM_PSWPOUT] > 0);
	CHECK(reclaim_swap_used(&mm) > 0);
	CHECK(check_ok());
	uint64_t majflt0 = mm.vm_events[VM_PGMAJFAULT];
	sim_ns_t swapin_stall = 0;
	uint64_t swapins = 0;
	for (uint64_t id = 1; id <= n; id++) {
		t += 20000;
		engine_run_until(&eng, t);
		uint64_t pswpin0 = mm.vm_events[VM_PSWPIN];
		sim_ns_t swapin0 = mm.reclaim->stall_swapin_ns;
		CHECK(mm_access(&mm, id));
		if (mm.vm_events[VM_PSWPIN] != pswpin0) {
			swapins++;
			swapin_stall += mm.reclaim->stall_swapin_ns - swapin0;
		}
	}
	CHECK(swapins > 0);
	CHECK_EQ(mm.vm_events[VM_PSWPIN], swapins);
	CHECK_EQ(mm.vm_events[VM_PGMAJFAULT] - majflt0, swapins);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_ANON], swapins);
	CHECK_EQ(swapin_stall, swapins * 110000);
	CHECK(check_ok());
	/* Plenty of memory again: one swap-in costs exactly 110 us and nothing else. */
	uint64_t victim = 0;
	for (uint64_t id = 1; id <= n && !victim; id++) {
		struct obj_slot *s = obj_lookup(&mm.objs, id);
		if (s->kind == OBJ_SWAPPED)
			victim = id;
	}
	CHECK(victim != 0);
	for (uint64_t id = 1; id <= n; id++)
		if (id != victim)
			mm_free(&mm, id);
	engine_run_until(&eng, t + NSEC_PER_SEC);
	struct mm_request req = { 0 };
	CHECK(mm_access_req(&mm, &req, victim));
	CHECK(resident(victim));
	CHECK_EQ(req.stall_ns, 110000);
	/* A read fault with swap far from half full (1 slot of 32768): should_try_to_free_swap
	 * keeps the slot with the page in the swap cache. */
	CHECK_EQ(reclaim_swap_used(&mm), 1);
	CHECK(check_ok());
	stop();
}

/* ---- the swap slot's lifetime (swap.c) --------------------------------------------- */

static struct nonres_entry *entry_of(uint64_t id) { return workingset_find(mm.reclaim, id); }
static bool in_swap_cache(uint64_t id)
{
	const struct nonres_entry *e = entry_of(id);
	return resident(id) && e && (e->flags & NONRES_SWAPCACHE);
}
static void set_young(uint64_t first, uint64_t last, bool young)
{
	for (uint64_t id = first; id <= last; id++) {
		struct page_frame *p = &mm.pages[obj_lookup(&mm.objs, id)->pfn];
		p->flags = young ? (uint16_t)(p->flags | PF_REFERENCED) : (uint16_t)(p->flags & ~PF_REFERENCED);
	}
}
/* One kswapd shrink_node at priority 0 with no goal: free pages far above the high mark and
 * no file pages, so get_scan_count is SCAN_EQUAL and the whole inactive anon list is
 * scanned, oldest first. */
static void shrink_all(void) { mmtest_shrink_node(&mm, true, 0, 1ull << 30); }

/* Ids first..last anon (order 0), unreferenced, written to swap by one pass and freed by a
 * second once their writes ended (the engine runs 1 s in between): OBJ_SWAPPED, each
 * holding a slot.  Returns the clock. */
static sim_ns_t swap_out(uint64_t first, uint64_t last, sim_ns_t t)
{
	CHECK_EQ(alloc_range(first, last, ANON_GFP), last - first + 1);
	set_young(first, last, false);
	shrink_all(); /* add_to_swap + pageout */
	t += NSEC_PER_SEC;
	engine_run_until(&eng, t); /* the writes end: PG_reclaim rotates them to the tail */
	shrink_all(); /* clean swap cache: freed */
	return t;
}

/* A swapped-out anon page's shadow is kept beside its swap slot (struct swap_slots: the
 * side entry's word holds the first slot while the object has one) and read back by the
 * refault test.  Swap 64 slots, readahead off; ids 1..4 swapped out by swap_out: the first
 * pass writes 1..4 in list order (oldest first), the writes end in that order and each
 * rotates its page to the inactive tail, so 4 ends at the tail and the second pass evicts
 * 4, 3, 2, 1: shadows a0, a0 + 1, a0 + 2, a0 + 3 with a0 = age - 4 after the pass.  Three
 * file pages then make the anon refault's workingset 3 (inactive file; nothing active):
 *   access 1: distance (a0 + 4) - (a0 + 3) = 1 <= 3: activated (age + 1);
 *   access 4: distance (a0 + 5) - a0 = 5 > 3 + 1 (1 is active anon now): not activated.
 * Each keeps its slot (swap not half full), the first slot owned by it; freeing 1 frees it. */
static void test_anon_shadow_beside_slot(void)
{
	setup(true);
	cfg.devices.swap_pages = 64;
	cfg.devices.swap_page_cluster = 0;
	start();
	swap_out(1, 4, 0);
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	uint32_t a0 = (uint32_t)mm.reclaim->nonresident_age - 4;
	for (uint64_t id = 1; id <= 4; id++) {
		const struct nonres_entry *e = entry_of(id);
		CHECK(e && (e->flags & NONRES_SWAPPED) && (e->flags & NONRES_SHADOW));
		CHECK_EQ(mm.reclaim->slots.slot[e->shadow_age].owner, id + 1); /* its first slot */
		CHECK_EQ(workingset_shadow(mm.reclaim, e), a0 + (uint32_t)(4 - id));
	}
	CHECK_EQ(alloc_range(100, 102, FILE_GFP), 3);
	CHECK(mm_access(&mm, 1));
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_ANON], 1);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_ANON], 1);
	CHECK(mm_access(&mm, 4));
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_ANON], 2);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_ANON], 1);
	CHECK(in_swap_cache(1) && in_swap_cache(4));
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK_EQ(mm.reclaim->slots.slot[entry_of(1)->shadow_age].owner, 2);
	/* 2 and 3 still read their shadows from the slot table. */
	CHECK_EQ(workingset_shadow(mm.reclaim, entry_of(2)), a0 + 2);
	CHECK_EQ(workingset_shadow(mm.reclaim, entry_of(3)), a0 + 1);
	mm_free(&mm, 1);
	CHECK_EQ(reclaim_swap_used(&mm), 3);
	CHECK(check_ok());
	stop();
}

/* do_swap_page's should_try_to_free_swap (6.18) after a swap-in.  Swap 8 slots; ids 1..4
 * swapped out (pswpout 4, 4 used, 4 free: 4 × 2 < 8 is false, swap not half full).
 *   access 1 (a read fault): the slot stays, the page in the swap cache; used 4;
 *   dirty 2 (a write fault, the only user): the slot is freed; used 3;
 *   access 3: free 5, kept; used 3.
 * Reclaimed again (young bits cleared, priority 0): 1 and 3 are clean swap cache, freed
 * without a write; 2 has no slot: add_to_swap + pageout, pswpout 4 -> 5, used 4.
 * With swap 6 instead, after the four: free 2, 2 × 2 < 6: half full, and the read fault of
 * id 1 frees its slot (used 4 -> 3).  Readahead off (page_cluster 0): each fault reads
 * only its own page (test_swapin_readahead has the window). */
static void test_swapin_keeps_slot_until_half_full(void)
{
	setup(true);
	cfg.devices.swap_pages = 8;
	cfg.devices.swap_page_cluster = 0;
	start();
	sim_ns_t t = swap_out(1, 4, 0);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 4);
	CHECK_EQ(count_resident(1, 4), 0);
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK(!swap_vm_full(mm.reclaim));
	CHECK(mm_access(&mm, 1));
	CHECK(in_swap_cache(1));
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK_EQ(mm.reclaim->swap_cache_only, 1);
	CHECK(mm_dirty(&mm, 2));
	CHECK(resident(2) && !in_swap_cache(2));
	CHECK_EQ(reclaim_swap_used(&mm), 3);
	CHECK(mm_access(&mm, 3));
	CHECK(in_swap_cache(3));
	CHECK_EQ(reclaim_swap_used(&mm), 3);
	CHECK_EQ(mm.vm_events[VM_PSWPIN], 3);
	CHECK(check_ok());
	set_young(1, 3, false);
	shrink_all();
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 5);
	CHECK(!resident(1) && !resident(3));
	CHECK(in_swap_cache(2)); /* under writeback */
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK_EQ(mm.reclaim->swap_cache_only, 0);
	CHECK(check_ok());
	(void)t;
	stop();

	setup(true);
	cfg.devices.swap_pages = 6;
	cfg.devices.swap_page_cluster = 0;
	start();
	swap_out(1, 4, 0);
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK(swap_vm_full(mm.reclaim));
	CHECK(mm_access(&mm, 1));
	CHECK(resident(1) && !in_swap_cache(1));
	CHECK_EQ(reclaim_swap_used(&mm), 3);
	CHECK(check_ok());
	stop();
}

/* Swap-in readahead (swap_cluster_readahead, swapin_nr_pages, 6.18).  Swap 64 slots: one
 * cluster (slots 0..64, the header in 0), on the nonfull list, so slots are taken from 1
 * on; ids 1..16 written oldest first land in slots 1..16.  page_cluster 3: windows of at
 * most 8.  The readahead state starts at prev_offset 0, no hits, last window 0:
 *   fault 1:  no hits, 1 == 0 + 1: 2 pages, window [0,1], slot 0 the header: reads 1 only;
 *             prev 1.  Latency 100 us + 1 × 10 us.
 *   fault 2:  no hits, adjacent: 2, window [2,3]: reads 2 and 3 (swap_ra 1); prev 2; 120 us.
 *   id 3:     a swap-cache hit (swap_ra_hit 1, hits 1); no read.
 *   fault 4:  hits 1: 3 -> 4 pages, window [4,7]: reads 4..7 (swap_ra 4); prev stays 2.
 *   ids 5..7: hits 3 (swap_ra_hit 4).
 *   fault 8:  hits 3: 5 -> 8, window [8,15]: reads 8..15 (swap_ra 11); 100 + 80 = 180 us.
 *   fault 16: no hits, 16 is not next to 2: 1 page, but never below half the last window:
 *             4, window [16,19]: slots 17..19 are free, reads 16 only; prev 16.
 * pswpin 16, workingset_refault_anon 16 (every page had a shadow), pgmajfault 5.  A write
 * fault on id 9 (read ahead) is a hit too (swap_ra_hit 5) and frees its slot.  Reclaimed
 * unused, the read-ahead pages 10..15 are freed without a write (pswpout stays 16) and
 * are swapped out again, their mark gone. */
static void test_swapin_readahead(void)
{
	setup(true);
	cfg.devices.swap_pages = 64;
	cfg.devices.swap_page_cluster = 3;
	start();
	sim_ns_t t = swap_out(1, 16, 0);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 16);
	for (uint64_t k = 1; k <= 16; k++)
		CHECK_EQ(mm.reclaim->slots.slot[k].owner, k + 1); /* id k + 1 stored: id k in slot k */
	CHECK_EQ(mm.reclaim->slots.slot[17].owner, 0);
	uint64_t majflt0 = mm.vm_events[VM_PGMAJFAULT];
	static const struct {
		uint64_t id;
		uint64_t pswpin, swap_ra, hits;
		sim_ns_t stall_us;
	} steps[] = {
		{ 1, 1, 0, 0, 110 }, { 2, 3, 1, 0, 120 }, { 3, 3, 1, 1, 0 },   { 4, 7, 4, 1, 140 },
		{ 5, 7, 4, 2, 0 },   { 6, 7, 4, 3, 0 },   { 7, 7, 4, 4, 0 },   { 8, 15, 11, 4, 180 },
		{ 16, 16, 11, 4, 110 },
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		sim_ns_t stall0 = mm.reclaim->stall_swapin_ns;
		CHECK(mm_access(&mm, steps[i].id));
		CHECK_EQ(mm.vm_events[VM_PSWPIN], steps[i].pswpin);
		CHECK_EQ(mm.vm_events[VM_SWAP_RA], steps[i].swap_ra);
		CHECK_EQ(mm.vm_events[VM_SWAP_RA_HIT], steps[i].hits);
		CHECK_EQ(mm.reclaim->stall_swapin_ns - stall0, steps[i].stall_us * 1000);
	}
	CHECK_EQ(mm.vm_events[VM_PGMAJFAULT] - majflt0, 5);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_ANON], 16);
	CHECK_EQ(count_resident(1, 16), 16);
	CHECK(in_swap_cache(9) && (entry_of(9)->flags & NONRES_READAHEAD));
	CHECK(!(entry_of(8)->flags & NONRES_READAHEAD));
	CHECK_EQ(reclaim_swap_used(&mm), 16); /* swap 1/4 full: every slot kept */
	CHECK(check_ok());
	CHECK(mm_dirty(&mm, 9));
	CHECK_EQ(mm.vm_events[VM_SWAP_RA_HIT], 5);
	CHECK_EQ(reclaim_swap_used(&mm), 15);
	CHECK_EQ(mm.reclaim->slots.slot[9].owner, 0);
	CHECK(check_ok());
	set_young(10, 15, false);
	shrink_all();
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 16);
	for (uint64_t id = 10; id <= 15; id++) {
		CHECK(!resident(id));
		CHECK(!(entry_of(id)->flags & NONRES_READAHEAD));
	}
	CHECK(check_ok());
	(void)t;
	stop();
}

/* The slot allocator (6.18 cluster_alloc_swap_entry for a rotational device, one global
 * cluster).  Swap 1100 pages: 1101 slots, clusters 0 (slots 0..511, the header in 0: on the
 * nonfull list), 1 (512..1023, free) and 2 (1024..1100, 77 slots, free).  Writing ids
 * 1..1100 oldest first takes the free clusters first: ids 1..512 slots 512..1023, ids
 * 513..589 slots 1024..1100, then cluster 0: ids 590..1100 slots 1..511; every cluster is
 * full.  Freeing id 600 (slot 11) puts cluster 0 on the nonfull list; freeing ids 513..589
 * puts cluster 2 on the nonfull list, then, empty, on the free list.  The next page written
 * takes the first free cluster: slot 1024, not slot 11. */
static void test_swap_slot_clusters(void)
{
	setup(true);
	cfg.devices.swap_pages = 1100;
	start();
	swap_out(1, 1100, 0);
	CHECK_EQ(reclaim_swap_used(&mm), 1100);
	const struct swap_slots *sl = &mm.reclaim->slots;
	CHECK_EQ(sl->nr_clusters, 3);
	CHECK_EQ(sl->slot[512].owner, 1 + 1);
	CHECK_EQ(sl->slot[1023].owner, 512 + 1);
	CHECK_EQ(sl->slot[1024].owner, 513 + 1);
	CHECK_EQ(sl->slot[1100].owner, 589 + 1);
	CHECK_EQ(sl->slot[1].owner, 590 + 1);
	CHECK_EQ(sl->slot[511].owner, 1100 + 1);
	CHECK_EQ(sl->slot[0].owner, 0);
	for (uint32_t c = 0; c < 3; c++)
		CHECK_EQ(sl->clusters[c].state, SCL_FULL);
	CHECK(mm_free(&mm, 600));
	CHECK_EQ(sl->slot[11].owner, 0);
	CHECK_EQ(sl->clusters[0].state, SCL_NONFULL);
	for (uint64_t id = 513; id <= 589; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(sl->clusters[2].state, SCL_FREE);
	CHECK_EQ(sl->clusters[2].used, 0);
	CHECK(check_ok());
	CHECK_EQ(mm_alloc(&mm, 1101, ANON_GFP, 0) != PFN_NONE, true);
	set_young(1101, 1101, false);
	shrink_all();
	CHECK_EQ(sl->slot[1024].owner, 1101 + 1);
	CHECK_EQ(sl->slot[11].owner, 0);
	CHECK_EQ(sl->clusters[2].state, SCL_CURRENT);
	CHECK(check_ok());
	stop();
}

/* A fault on a page reclaim unmapped and wrote but has not freed yet finds it in the swap
 * cache (a minor fault: no read, no pswpin): the same rule, except that folio_free_swap
 * leaves the slot while the write is in flight.  Swap 6; ids 1..4 anon, unreferenced, one
 * pass writes them (4 used: half full).  Access 1 while its write is in flight: mapped
 * again, the slot stays (used 4).  The writes end (engine 1 s); access 2: its slot is freed
 * (used 3); pswpin 0; swap_cache_only 1 (id 1).  Swap 8 instead (4 used, not half full):
 * access 2 after the writes keeps its slot (used 4), mapped again (swap_cache_only 1). */
static void test_swap_cache_fault(void)
{
	for (int big = 0; big <= 1; big++) {
		setup(true);
		cfg.devices.swap_pages = big ? 8 : 6;
		start();
		CHECK_EQ(alloc_range(1, 4, ANON_GFP), 4);
		set_young(1, 4, false);
		shrink_all();
		CHECK_EQ(mm.vm_events[VM_PSWPOUT], 4);
		CHECK_EQ(reclaim_swap_used(&mm), 4);
		if (!big) {
			CHECK(mm_access(&mm, 1));
			CHECK(in_swap_cache(1));
			CHECK_EQ(reclaim_swap_used(&mm), 4);
		}
		engine_run_until(&eng, NSEC_PER_SEC);
		CHECK(mm_access(&mm, 2));
		CHECK_EQ(in_swap_cache(2), big);
		CHECK_EQ(reclaim_swap_used(&mm), big ? 4 : 3);
		CHECK_EQ(mm.reclaim->swap_cache_only, 1); /* big: 2; otherwise 1, under writeback */
		CHECK_EQ(mm.vm_events[VM_PSWPIN], 0);
		CHECK(check_ok());
		stop();
	}
}

/* shrink_folio_list's activate_locked (6.18) frees the slot of a swap-cache folio no page
 * table refers to once swap is more than half full.  Swap 10; ids 1..6 anon, 6 kept young
 * through both passes of swap_out(1..5): ids 1..5 swapped out, 5 used, free 5 (10 < 10
 * false: not half full).  Access 1: kept in the swap cache (used 5).  Id 1 pinned, young
 * bits of 1 and 6 cleared; a pass takes 6 first (older): written, used 6, free 4: half
 * full; then 1: pinned, activated, and its slot freed: used 5. */
static void test_activate_frees_swap_when_half_full(void)
{
	setup(true);
	cfg.devices.swap_pages = 10;
	start();
	CHECK_EQ(alloc_range(6, 6, ANON_GFP), 1);
	CHECK_EQ(alloc_range(1, 5, ANON_GFP), 5);
	set_young(1, 5, false);
	set_young(6, 6, true);
	shrink_all();
	engine_run_until(&eng, NSEC_PER_SEC);
	set_young(6, 6, true);
	shrink_all();
	CHECK_EQ(count_resident(1, 5), 0);
	CHECK(resident(6));
	CHECK_EQ(reclaim_swap_used(&mm), 5);
	CHECK(mm_access(&mm, 1));
	CHECK(in_swap_cache(1));
	mm.pages[obj_lookup(&mm.objs, 1)->pfn].flags |= PF_PINNED;
	set_young(1, 1, false);
	set_young(6, 6, false);
	uint64_t act0 = mm.vm_events[VM_PGACTIVATE];
	shrink_all();
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 6);
	CHECK(in_swap_cache(6));
	CHECK_EQ(mm.vm_events[VM_PGACTIVATE] - act0, 1);
	CHECK(resident(1) && !in_swap_cache(1));
	CHECK_EQ(reclaim_swap_used(&mm), 5);
	CHECK(check_ok());
	stop();
}

/* swap_range_alloc (6.18): the allocation that fills the device has its reclaim_work free
 * every slot the swap cache alone holds (swap_reclaim_full_clusters).  Swap 6; ids 1..3
 * swapped out (3 used, not half full); access 1: kept (swap_cache_only 1).  Ids 4..6 anon,
 * unreferenced; a pass: id 1 is young (its fault), kept for another trip; 4, 5, 6 written:
 * the sixth slot fills the device, id 1's slot is freed: used 5, swap_cache_only 0. */
static void test_full_device_frees_cache_only_slots(void)
{
	setup(true);
	cfg.devices.swap_pages = 6;
	start();
	swap_out(1, 3, 0);
	CHECK(mm_access(&mm, 1));
	CHECK(in_swap_cache(1));
	CHECK_EQ(reclaim_swap_used(&mm), 3);
	CHECK_EQ(alloc_range(4, 6, ANON_GFP), 3);
	set_young(4, 6, false);
	shrink_all();
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 6);
	CHECK(resident(1) && !in_swap_cache(1));
	CHECK_EQ(reclaim_swap_used(&mm), 5);
	CHECK_EQ(mm.reclaim->swap_cache_only, 0);
	CHECK(check_ok());
	stop();
}

/* shrink_lruvec (6.18) ages the anon active list at its end whenever there is swap at all
 * (can_age_anon_pages: total_swap_pages), even with no slot free, when get_scan_count
 * scans file alone.  Swap 4: ids 1..4 anon, unreferenced, written by one kswapd pass at
 * priority 0 (4 slots used: none free; the active list was empty, nothing aged).  Ids
 * 5..2004 anon touched twice (active 2000) and 2005..12004 file.  A direct shrink_node at
 * priority 12: no free slot, SCAN_FILE; at its end inactive anon 4 x 1 < 2000 active: 32
 * deactivated (pgrefill 32, inactive anon 36), nothing written (pswpout 4). */
static void test_anon_aged_with_swap_full(void)
{
	setup(false);
	cfg.devices.swap_pages = 4;
	start();
	CHECK_EQ(alloc_range(1, 4, ANON_GFP), 4);
	set_young(1, 4, false);
	shrink_all();
	CHECK_EQ(reclaim_swap_used(&mm), 4);
	CHECK(!vmscan_can_swap(&mm));
	CHECK_EQ(mm.vm_events[VM_PGREFILL], 0);
	CHECK_EQ(alloc_range(5, 2004, ANON_GFP), 2000);
	for (uint64_t id = 5; id <= 2004; id++) {
		mm_access(&mm, id);
		mm_access(&mm, id);
	}
	CHECK_EQ(alloc_range(2005, 12004, FILE_GFP), 10000);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_ANON], 2000);
	mmtest_shrink_node(&mm, false, 12, SWAP_CLUSTER_MAX);
	CHECK_EQ(mm.vm_events[VM_PGREFILL], 32);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 36);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 4);
	CHECK(check_ok());
	stop();
}

/* A write that finds the swap device's request queue full ends neither kswapd's round nor
 * a direct reclaimer's pass (6.18: the writer sleeps in submit_bio for a tag and goes on
 * with the same shrink_folio_list; vmscan.c lruvec_done).  Ids 1..16064 anon (pfns 0..16063, the
 * fast path's 16064 allocations, free 320), their young bits cleared (a trip already
 * made); swap 32768 pages, queue depth 4; no time passes, so no write ends.  One
 * shrink_node at priority 8, nr_to_reclaim 384: free 320 + file 0 <= high 384 and the
 * anon lists are not deactivating (inactive 16064, active 0), so file is tiny and
 * get_scan_count scans anon alone: 16064 >> 8 = 62 pages, in batches of 32 and 30, oldest
 * first.  Every page taken is written (add_to_swap + pageout) and kept under writeback:
 * the fifth write of the first batch finds 4 queued and marks the pass blocked, and the
 * pass goes on (no clock here, so no wait): both batches, pgscan 62, pswpout 62 (the queue
 * overshoots), for kswapd and direct reclaim alike.  Nothing is reclaimed. */
static void test_full_swap_queue_pass_goes_on(void)
{
	for (int kswapd = 0; kswapd <= 1; kswapd++) {
		setup(false);
		cfg.devices.swap_pages = 32768;
		cfg.devices.swap_queue_depth = 4;
		start();
		CHECK_EQ(alloc_range(1, 16064, ANON_GFP), 16064);
		for (uint64_t id = 1; id <= 16064; id++)
			mm.pages[obj_lookup(&mm.objs, id)->pfn].flags &= (uint16_t)~PF_REFERENCED;
		mmtest_shrink_node(&mm, kswapd, 8, 384);
		uint64_t want = 62;
		CHECK_EQ(mm.vm_events[kswapd ? VM_PGSCAN_KSWAPD : VM_PGSCAN_DIRECT], want);
		CHECK_EQ(mm.vm_events[kswapd ? VM_PGSCAN_DIRECT : VM_PGSCAN_KSWAPD], 0);
		CHECK_EQ(mm.vm_events[VM_PSWPOUT], want);
		CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_WRITE], want);
		CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD] + mm.vm_events[VM_PGSTEAL_DIRECT], 0);
		CHECK(check_ok());
		stop();
	}
}

/* Which pages under writeback tag the node congested (shrink_node, 6.18: kswapd sets
 * LRUVEC_NODE_CONGESTED when every dirty page it took was under writeback and already
 * marked for immediate reclaim, nr.dirty == nr.congested, and direct reclaimers then
 * throttle).  folio_check_dirty_writeback counts only file folios: anon folios under swap
 * writeback are neither dirty nor under writeback there.  16064 pages, no clock (no write
 * ends), kswapd shrink_node at priority 0 (every page of the one list, nr_to_reclaim 2^30):
 *   anon (swap 32768): pass 1 writes all 16064 (add_to_swap + pageout, PG_reclaim set by
 *     the write) and keeps them; pass 2 meets all under writeback with PG_reclaim while
 *     PGDAT_WRITEBACK is clear: case 2, activated (pgactivate 16064); nr.writeback 16064 ==
 *     nr.taken sets PGDAT_WRITEBACK; nr.dirty 0: not congested.
 *   file: all 16064 written by the flusher and marked PG_reclaim (as a first reclaim pass
 *     marks them); one pass: case 2 for all, nr.dirty 16064 == nr.congested 16064:
 *     congested, and PGDAT_WRITEBACK set too. */
static void test_congested_counts_file_writeback_only(void)
{
	for (int file = 0; file <= 1; file++) {
		setup(false);
		cfg.devices.swap_pages = 32768;
		start();
		CHECK_EQ(alloc_range(1, 16064, file ? FILE_GFP : ANON_GFP), 16064);
		for (uint64_t id = 1; id <= 16064; id++) {
			pfn_t pfn = obj_lookup(&mm.objs, id)->pfn;
			if (file) {
				CHECK(reclaim_writeback_object(&mm, id));
				reclaim_set_page_flags(&mm, pfn, PF_RECLAIM, PF_REFERENCED);
			} else {
				mm.pages[pfn].flags &= (uint16_t)~PF_REFERENCED;
			}
		}
		if (!file) {
			mmtest_shrink_node(&mm, true, 0, 1u << 30);
			CHECK_EQ(mm.vm_events[VM_PSWPOUT], 16064);
			CHECK(!mm.reclaim->pgdat_writeback);
			CHECK(!mm.reclaim->node_congested);
		}
		CHECK_EQ(reclaim_nr_writeback(&mm), 16064);
		uint64_t act0 = mm.vm_events[VM_PGACTIVATE];
		mmtest_shrink_node(&mm, true, 0, 1u << 30);
		CHECK_EQ(mm.vm_events[VM_PGACTIVATE] - act0, 16064);
		CHECK(mm.reclaim->pgdat_writeback);
		CHECK_EQ(mm.reclaim->node_congested, (bool)file);
		CHECK(check_ok());
		stop();
	}
}

/* kswapd no longer writes a dirty file page (6.18): the page it would have written, met
 * dirty with PG_reclaim already set while the node is flagged dirty (PGDAT_DIRTY), goes to
 * pageout(), which writes only shmem and swap cache folios and returns PAGE_ACTIVATE for a
 * regular file's.  Ids 1..100 file pages, plenty free, each dirty and marked PG_reclaim
 * (as a first pass marks them; the flusher not told), PGDAT_DIRTY set; one kswapd
 * shrink_node at priority 0 (every page of the list): all 100 activated (pgactivate 100),
 * none written (nr_vmscan_write 0, nothing under writeback) nor counted immediate again
 * (nr_vmscan_immediate_reclaim 0), none reclaimed; every page taken was dirty and not
 * queued (100 == 100): PGDAT_DIRTY stays. */
static void test_kswapd_does_not_write_file_pages(void)
{
	setup(false);
	start();
	CHECK_EQ(alloc_range(1, 100, FILE_GFP), 100);
	for (uint64_t id = 1; id <= 100; id++)
		reclaim_set_page_flags(&mm, obj_lookup(&mm.objs, id)->pfn, PF_DIRTY | PF_RECLAIM, PF_REFERENCED);
	CHECK_EQ(reclaim_nr_dirty(&mm), 100);
	mm.reclaim->pgdat_dirty = true;
	mmtest_shrink_node(&mm, true, 0, 1000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 100);
	CHECK_EQ(mm.vm_events[VM_PGACTIVATE], 100);
	CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_WRITE], 0);
	CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], 0);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK_EQ(reclaim_nr_dirty(&mm), 100);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_FILE], 100);
	CHECK(mm.reclaim->pgdat_dirty);
	CHECK(check_ok());
	stop();
}

/* kswapd_age_node: with swap and the anon inactive list low (0 × 1 < 12000 active),
 * every balance round first deactivates SWAP_CLUSTER_MAX = 32 active anon pages
 * (pgrefill, pgdeactivate), in the one zone, so nothing is skipped (pgskip 0).  Ids
 * 1..12000 anon, touched twice (the second touch activates them), then file pages until
 * kswapd wakes (16065 allocations in all, synchronous run as above). */
static void test_kswapd_ages_anon(void)
{
	setup(false);
	cfg.devices.swap_pages = 32768;
	start();
	CHECK_EQ(alloc_range(1, 12000, ANON_GFP), 12000);
	for (uint64_t id = 1; id <= 12000; id++) {
		mm_access(&mm, id);
		mm_access(&mm, id);
	}
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_ANON], 12000);
	CHECK_EQ(mm.vm_events[VM_PGACTIVATE], 12000);
	alloc_range(12001, 16065, FILE_GFP);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	CHECK(mm.vm_events[VM_PAGEOUTRUN] >= 1);
	CHECK(mm.vm_events[VM_PGREFILL] >= 32);
	CHECK_EQ(mm.vm_events[VM_PGREFILL] % 32, 0);
	CHECK_EQ(mm.vm_events[VM_PGDEACTIVATE], mm.vm_events[VM_PGREFILL]);
	CHECK_EQ(mm.vm_events[VM_PGSKIP_NORMAL], 0);
	CHECK(check_ok());
	stop();
}

/* kswapd_age_node ages anon whenever there is swap, boosted rounds too (6.18: only
 * can_age_anon_pages and inactive_is_low decide; may_swap, off while boosting, does not
 * enter).  Ids 1..2000 anon touched twice (active anon 2000, inactive 0: 0 x 1 < 2000, low),
 * then file pages to free 1000; a boost of 2 on the high watermark 384 keeps the node
 * balanced (1000 > 386) and wakes kswapd for the boost alone.  Its first round (priority
 * 12) deactivates 32 anon pages in kswapd_age_node, reclaims 13384 >> 12 = 3 file pages >=
 * the boost of 2, and at the end of shrink_lruvec, the inactive list still low (32 x 1 <
 * 1968), deactivates 32 more (can_age_anon_pages too asks only for swap): pgrefill 64.  The
 * loop finds the node balanced with no boost left: one round. */
static void test_kswapd_boosted_ages_anon(void)
{
	setup(false);
	cfg.devices.swap_pages = 32768;
	start();
	CHECK_EQ(alloc_range(1, 2000, ANON_GFP), 2000);
	for (uint64_t id = 1; id <= 2000; id++) {
		mm_access(&mm, id);
		mm_access(&mm, id);
	}
	CHECK_EQ(alloc_range(2001, NORMAL_PAGES - 1000, FILE_GFP), NORMAL_PAGES - 3000);
	CHECK_EQ(normal()->nr_free_pages, 1000);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 0);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_ANON], 2000);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], 13384);
	uint64_t refill0 = mm.vm_events[VM_PGREFILL];
	mm.zones[ZONE_NORMAL].watermark_boost = 2;
	mm.hooks.wakeup_kswapd(&mm, 0, ZONE_NORMAL);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 3);
	CHECK_EQ(mm.vm_events[VM_PGREFILL] - refill0, 64);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], 64);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 0);
	CHECK_EQ(normal()->watermark_boost, 0);
	CHECK(check_ok());
	stop();
}

/* File pages dropped by reclaim refault on access: workingset_refault_file, a read from
 * the disk (110 us) charged to the request. */
static void test_file_refault(void)
{
	setup(false);
	start();
	CHECK_EQ(alloc_range(1, 16065, FILE_GFP), 16065);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC); /* kswapd evicts ids 1..118 */
	CHECK(!resident(1));
	CHECK_EQ(obj_lookup(&mm.objs, 1)->kind, OBJ_EVICTED);
	struct mm_request req = { 0 };
	CHECK(mm_access_req(&mm, &req, 1));
	CHECK(resident(1));
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_FILE], 1);
	CHECK_EQ(mm.vm_events[VM_PGMAJFAULT], 1);
	CHECK_EQ(req.stall_ns, 110000);
	/* Distance: 118 evictions since id 1's shadow was taken (117 after it); the
	 * workingset for a file refault without swap is active_file = 0 pages: not
	 * activated, it goes to the inactive list. */
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_FILE], 0);
	CHECK(!(mm.pages[obj_lookup(&mm.objs, 1)->pfn].flags & PF_ACTIVE));
	CHECK(check_ok());
	stop();
}

/* ereclaimable: ids 1..1000 plain file pages (the oldest), 1001..2000 hinted NOREUSE,
 * then more plain pages until kswapd wakes (allocation 16065, synchronous).
 * classic ignores NOREUSE: kswapd evicts the 118 oldest, ids 1..118 (as above).
 * ereclaimable: the easy list (1000 pages) is scanned first, 32 at a time, until
 * nr_to_reclaim = 384 pages: ids 1001..1384 go (12 batches); free 320 + 384 = 704 > high
 * ends the run after the first round and no plain page is touched.  Re-reading ids
 * 1..118 afterwards then refaults 118 times under classic (free 437: the refaults fit
 * before the next wake) and never under ereclaimable. */
static void run_policy(enum reclaim_policy pol, uint64_t *plain_evicted, uint64_t *hinted_evicted,
		       uint64_t *refaults)
{
	setup(false);
	cfg.policy.reclaim = pol;
	start();
	alloc_range(1, 2000, FILE_GFP);
	for (uint64_t id = 1001; id <= 2000; id++)
		CHECK(mm_hint(&mm, id, HINT_NOREUSE));
	CHECK_EQ(alloc_range(2001, 16065, FILE_GFP), 16065 - 2000);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	*plain_evicted = 1000 - count_resident(1, 1000);
	*hinted_evicted = 1000 - count_resident(1001, 2000);
	if (pol == RECLAIM_EASILY_RECLAIMABLE) /* the oldest hinted go first: 1001..1384 */
		CHECK_EQ(count_resident(1001, 1384), 0);
	CHECK(check_ok());
	for (uint64_t id = 1; id <= 118; id++)
		mm_access(&mm, id);
	*refaults = mm.vm_events[VM_WORKINGSET_REFAULT_FILE];
	CHECK(check_ok());
	stop();
}

static void test_ereclaimable_takes_hinted_first(void)
{
	uint64_t plain, hinted, refaults;
	run_policy(RECLAIM_CLASSIC, &plain, &hinted, &refaults);
	CHECK_EQ(plain, 118);
	CHECK_EQ(hinted, 0);
	CHECK_EQ(refaults, 118);
	run_policy(RECLAIM_EASILY_RECLAIMABLE, &plain, &hinted, &refaults);
	CHECK_EQ(plain, 0);
	CHECK_EQ(hinted, 384);
	CHECK_EQ(refaults, 0);
}

/* ereclaimable low-memory notification: threshold 1500 pages; level = free + easy.
 * With the 1000 hinted pages on the easy list the level falls below 1500 when free < 500,
 * once; after kswapd the level is 704 + 616 = 1320, still below: one notification. */
static void test_ereclaimable_notification(void)
{
	setup(false);
	cfg.policy.reclaim = RECLAIM_EASILY_RECLAIMABLE;
	cfg.policy.ereclaimable.notify_threshold = 1500;
	start();
	alloc_range(1, 2000, FILE_GFP);
	for (uint64_t id = 1001; id <= 2000; id++)
		mm_hint(&mm, id, HINT_NOREUSE);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], 1000);
	alloc_range(2001, 16065, FILE_GFP);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	struct reclaim_node_stat st;
	reclaim_node_stat(&mm, &st);
	CHECK_EQ(st.nr_lowmem_notifications, 1);
	CHECK_EQ(st.lowmem_level_pages, 703 + 616); /* free 704 − the waking request's page */
	/* An access takes a page off the easy list. */
	CHECK(mm_access(&mm, 1500));
	CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], 615);
	CHECK(check_ok());
	stop();
}

/* CFLRU: ids 1..64 dirty (the inactive tail), the rest clean.  classic's first kswapd
 * round (prio 12, 3 pages) meets 3 dirty pages: nr_vmscan_immediate_reclaim 3, they are
 * activated.  cflru searches the 256-page tail window for clean pages instead: no dirty
 * page is touched, and none of ids 1..64 is evicted. */
static void test_cflru_clean_first(void)
{
	for (int pol = 0; pol < 2; pol++) {
		setup(false);
		cfg.policy.reclaim = pol ? RECLAIM_CFLRU : RECLAIM_CLASSIC;
		start();
		alloc_range(1, 64, FILE_GFP);
		for (uint64_t id = 1; id <= 64; id++)
			mm_dirty(&mm, id);
		CHECK_EQ(reclaim_nr_dirty(&mm), 64);
		alloc_range(65, 16065, FILE_GFP);
		engine_run_until(&eng, 50 * NSEC_PER_MSEC);
		if (pol) {
			CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], 0);
			CHECK_EQ(count_resident(1, 64), 64);
			CHECK(mm.vm_events[VM_PGSTEAL_KSWAPD] > 0);
			CHECK_EQ(reclaim_nr_dirty(&mm), 64);
		} else {
			CHECK(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE] >= 3);
		}
		CHECK(normal()->nr_free_pages > 384);
		CHECK(check_ok());
		stop();
	}
}

/* mmsim_pgsteal_cma_area counts the reclaimed pages that lay inside the CMA area: with
 * an 8192-page area in the 16384-page zone (migrate_cma), the file pages kswapd evicts
 * are the oldest ids; the counter must equal how many of them had a pfn inside the area
 * (pfns noted at allocation), and both kinds occur (the 5.7 rule alternates the two). */
static void test_pgsteal_cma_area(void)
{
	setup(false);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 8192;
	start();
	CHECK_EQ(mm.nr_cma_areas, 1);
	static pfn_t pfn_of[16066];
	for (uint64_t id = 1; id <= 16065; id++)
		pfn_of[id] = mm_alloc(&mm, id, FILE_GFP, 0);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	uint64_t evicted = 0, in_area = 0;
	for (uint64_t id = 1; id <= 16065; id++) {
		if (pfn_of[id] == PFN_NONE || resident(id))
			continue;
		evicted++;
		pfn_t base = mm.cma_areas[0].base_pfn;
		in_area += pfn_of[id] >= base && pfn_of[id] < base + mm.cma_areas[0].pages;
	}
	CHECK(evicted > 0);
	CHECK_EQ(evicted, mm.vm_events[VM_PGSTEAL_KSWAPD] + mm.vm_events[VM_PGSTEAL_DIRECT]);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSTEAL_CMA_AREA], in_area);
	CHECK(in_area > 0 && in_area < evicted);
	CHECK(check_ok());
	stop();
}

/* Lowmem crowding: a 4096-page DMA32 and a 4096-page ZONE_MOVABLE.  File pages 1..1000
 * (GFP_HIGHUSER_MOVABLE) land in Movable at t = 0; file pages 1001..1100 that may not use
 * Movable (GFP_KERNEL|__GFP_MOVABLE: gfp_zone Normal) land in DMA32 at t = 10 ms; at
 * t = 30 ms GFP_KERNEL pages fill DMA32 to its min watermark (no boost) and one more GFP_KERNEL
 * request direct-reclaims with reclaim_idx DMA32.  Its scan is sized by the eligible pages
 * only (lruvec_lru_size(.., reclaim_idx)): 100 inactive file pages in DMA32, so
 *   12..7: 0   6: 100 >> 6 = 1   5: 99 >> 5 = 3   4: 96 >> 4 = 6   3: 90 >> 3 = 11
 *   2: 79 >> 2 = 19   -> 40 >= 32: stop;  pgscan_direct = pgsteal_direct = 40.
 * The first isolation walks the 1000 Movable pages at the tail (pgskip_movable 1000, put
 * back at the head); every later one starts at DMA32 pages.  The 40 reclaimed pages are
 * ids 1001..1040, outside the movable-only area, each 20 ms old: age 40 × 20000 µs.  Movable
 * holds 3096 free pages, more than twice the zones' high watermarks: all 40 scanned pages
 * count as premature. */
static void test_lowmem_crowding_counters(void)
{
	setup(true);
	mmtest_config(&cfg, 0, 4096, 0, 256);
	cfg.machine.zone_pages[ZONE_MOVABLE] = 4096;
	cfg.machine.watermark_boost_factor = 0; /* unmovable steals would boost min above free */
	start();
	const struct zone *dma32 = &mm.zones[ZONE_DMA32], *movable = &mm.zones[ZONE_MOVABLE];
	for (uint64_t id = 1; id <= 1000; id++) {
		pfn_t pfn = mm_alloc(&mm, id, FILE_GFP, 0);
		CHECK(pfn != PFN_NONE && mm_pfn_zone(&mm, pfn) == movable);
	}
	engine_run_until(&eng, 10 * NSEC_PER_MSEC);
	for (uint64_t id = 1001; id <= 1100; id++) {
		pfn_t pfn = mm_alloc(&mm, id, GFP_KERNEL | __GFP_MOVABLE, 0);
		CHECK(pfn != PFN_NONE && mm_pfn_zone(&mm, pfn) == dma32);
	}
	CHECK_EQ(mm.lruvec.nr_zone_pages[ZONE_MOVABLE][LRU_INACTIVE_FILE], 1000);
	CHECK_EQ(mm.lruvec.nr_zone_pages[ZONE_DMA32][LRU_INACTIVE_FILE], 100);
	engine_run_until(&eng, 30 * NSEC_PER_MSEC);
	uint64_t id = 2001;
	while (dma32->nr_free_pages > dma32->watermark[WMARK_MIN]) /* succeeds at min: no reclaim */
		CHECK(mm_alloc(&mm, id++, GFP_KERNEL, 0) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 0);
	CHECK_EQ(movable->nr_free_pages, 3096);
	CHECK(movable->nr_free_pages > 2 * (zone_wmark(dma32, WMARK_HIGH) + zone_wmark(movable, WMARK_HIGH)));
	struct mm_request req = { 0 };
	CHECK(mm_alloc_req(&mm, &req, id, GFP_KERNEL, 0) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_NORMAL] + mm.vm_events[VM_ALLOCSTALL_DMA32], 1);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 40);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 40);
	CHECK_EQ(mm.vm_events[VM_PGSKIP_MOVABLE], 1000);
	CHECK_EQ(count_resident(1001, 1040), 0);
	CHECK_EQ(count_resident(1041, 1100), 60);
	CHECK_EQ(count_resident(1, 1000), 1000);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSCAN_PREMATURE], 40);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSTEAL_PREMATURE], 40);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSTEAL_OUTSIDE], 40);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSTEAL_OUTSIDE_AGE], 40 * 20000);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGSTEAL_MOVABLE_AREA], 0);
	CHECK(check_ok());
	stop();
}

/* Pinned and unevictable pages are never reclaimed. Ids 1..10 pinned (the inactive tail),
 * 11..20 moved to the unevictable list (never scanned).  At the wake the inactive file
 * list holds 16064 − 10 = 16054 pages:
 *   12: 3 scanned = pinned 1..3, activated (unmap fails), none reclaimed
 *   11: 16051 >> 11 = 7 = pinned 4..10, activated
 *   10: 16044 >> 10 = 15 reclaimed (ids 21..35) -> free 335
 *    9: 16029 >> 9 = 31 -> 366     8: 15998 >> 8 = 62 -> 428 > 384: balanced.
 * 108 pages reclaimed. */
static void test_pinned_and_unevictable_stay(void)
{
	setup(false);
	start();
	alloc_range(1, 20, FILE_GFP);
	for (uint64_t id = 1; id <= 10; id++)
		CHECK(mm_pin(&mm, id, PIN_LONGTERM));
	for (uint64_t id = 11; id <= 20; id++) {
		pfn_t pfn = obj_lookup(&mm.objs, id)->pfn;
		lru_del(&mm, pfn);
		mm.pages[pfn].flags |= PF_UNEVICTABLE;
		lru_add(&mm, pfn, false);
	}
	alloc_range(21, 16065, FILE_GFP);
	engine_run_until(&eng, 50 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 108);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_KSWAPD], 118);
	CHECK_EQ(count_resident(1, 20), 20);
	CHECK_EQ(count_resident(21, 128), 0);
	CHECK(!resident(21));
	CHECK_EQ(mm.lruvec.nr_pages[LRU_UNEVICTABLE], 10);
	CHECK(check_ok());
	stop();
}

/* mlock (the mlock hint, mlock_folio): mlocked anon pages leave the anon lists for the
 * unevictable one and are never swapped, however hard reclaim tries.  Swap on; 8000
 * anon pages mlocked, then as many again plus 16128 more allocated one every 20 us (the
 * swap device keeps up, as in test_swap_out_and_refault): every page reclaim takes is one
 * of the unlocked ones, so ids 1..8000 stay resident and on LRU_UNEVICTABLE (8000 pages),
 * and pswpout > 0 shows that reclaim did run. */
static void test_mlock_hint_unevictable(void)
{
	setup(true);
	cfg.devices.swap_pages = 32768;
	start();
	CHECK_EQ(alloc_range(1, 8000, ANON_GFP), 8000);
	struct mm_request req = { .mode = REQ_SYNC, .alloc_class = -1 };
	for (uint64_t id = 1; id <= 8000; id++)
		CHECK(mm_hint_req(&mm, &req, id, HINT_MLOCK));
	CHECK_EQ(mm.lruvec.nr_pages[LRU_UNEVICTABLE], 8000);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON] + mm.lruvec.nr_pages[LRU_ACTIVE_ANON], 0);
	sim_ns_t t = 0;
	uint64_t ok = 0;
	for (uint64_t id = 8001; id <= 8000 + NORMAL_PAGES; id++) {
		t += 20000;
		engine_run_until(&eng, t);
		ok += mm_alloc(&mm, id, ANON_GFP, 0) != PFN_NONE;
	}
	CHECK_EQ(ok, NORMAL_PAGES);
	CHECK(mm.vm_events[VM_PSWPOUT] > 0);
	CHECK_EQ(count_resident(1, 8000), 8000);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_UNEVICTABLE], 8000);
	CHECK(check_ok());
	stop();
}

/* Freeing objects keeps the side table and lists exact (randomized churn). */
static void test_churn_invariants(void)
{
	uint64_t seed = tl_test_seed();
	setup(true);
	cfg.devices.swap_pages = 8192;
	cfg.policy.reclaim = (enum reclaim_policy)(seed % NR_RECLAIM_POLICIES);
	cfg.policy.ereclaimable.writeback_reclaim = true;
	start();
	uint64_t x = seed | 1;
	sim_ns_t t = 0;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t id = 1 + (x >> 8) % 30000;
		t += 5000;
		engine_run_until(&eng, t);
		switch ((x >> 40) % 8) {
		case 0:
		case 1:
			mm_alloc(&mm, id, (x >> 50) & 1 ? ANON_GFP : FILE_GFP, 0);
			break;
		case 2:
			mm_free(&mm, id);
			break;
		case 3:
		case 4:
			mm_access(&mm, id);
			break;
		case 5:
			mm_dirty(&mm, id);
			break;
		case 6:
			mm_hint(&mm, id, (int)((x >> 20) % NR_HINT_KINDS));
			break;
		default:
			mm_alloc(&mm, id, GFP_KERNEL, 0);
			break;
		}
		if (i % 20000 == 0 && !check_ok()) {
			CHECK(false);
			break;
		}
	}
	engine_run_until(&eng, t + 10 * NSEC_PER_SEC);
	CHECK(check_ok());
	/* 30000 ids on 16384 pages: the churn must have put the node under pressure. */
	CHECK(mm.vm_events[VM_PGSTEAL_KSWAPD] + mm.vm_events[VM_PGSTEAL_DIRECT] > 0);
	printf("     policy %s: pgsteal kswapd %llu direct %llu, pswpout %llu, pswpin %llu, refault file %llu, "
	       "nr_written %llu, pgrotated %llu, immediate %llu, alloc failures %llu\n",
	       reclaim_policy_names[cfg.policy.reclaim], (unsigned long long)mm.vm_events[VM_PGSTEAL_KSWAPD],
	       (unsigned long long)mm.vm_events[VM_PGSTEAL_DIRECT], (unsigned long long)mm.vm_events[VM_PSWPOUT],
	       (unsigned long long)mm.vm_events[VM_PSWPIN], (unsigned long long)mm.vm_events[VM_WORKINGSET_REFAULT_FILE],
	       (unsigned long long)mm.vm_events[VM_NR_WRITTEN], (unsigned long long)mm.vm_events[VM_PGROTATED],
	       (unsigned long long)mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], (unsigned long long)mm.vm_events[VM_MMSIM_ALLOC_FAIL]);
	stop();
}

/* End to end through the replay loop (sim.c) with the anon_ws generator: one task faults
 * in a 128 MiB working set (twice the 64 MiB node) and then reads and writes it with a
 * Zipf popularity.  With 256 MiB of swap: pages go out and come back (pswpout, pswpin,
 * workingset_refault_anon), the invariants hold every 20000 records, and closed-loop
 * replay takes longer than open-loop (the task waits for its swap-ins and reclaim) and
 * fails no allocation.  (Open loop, faults arrive every 5 us while a swap write takes
 * 8.2 us: memory fills with pages in flight and some requests fail; that is reported.)  With `swap: none` anon never leaves memory: nothing is swapped or stolen,
 * every resident object stays, and the requests past the min watermark fail cleanly
 * (counted as movable allocation failures). */
static const char anon_ws_yaml[] = "generator: anon_ws\nseed: 7\nduration: 1s\ntasks: 1\nwss: 128MiB\n"
				   "thp: false\nfault_rate: 200000\naccess_rate: 200000\npattern: zipf\n"
				   "zipf_s: 0.8\nwrite_fraction: 0.3\n";

static int next_workload(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return workload_next(ctx, rec, err);
}

static bool run_anon_ws(uint64_t swap_pages, enum replay_mode replay, struct sim *s)
{
	struct config c;
	struct sim_error err;
	config_defaults(&c);
	memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
	c.machine.zone_pages[ZONE_NORMAL] = NORMAL_PAGES;
	c.devices.swap_pages = swap_pages;
	c.workload.replay = replay;
	struct workload *w = workload_open_mem("anon_ws", anon_ws_yaml, sizeof(anon_ws_yaml) - 1, NULL, &err);
	if (!w || sim_init(s, &c, NULL, &err)) {
		fprintf(stderr, "run_anon_ws: %s\n", err.msg);
		if (w)
			workload_close(w);
		return false;
	}
	s->check_every = 20000;
	struct record_source src = { .next = next_workload, .ctx = w };
	int rc = sim_run(s, &src, &err);
	workload_close(w);
	if (rc)
		fprintf(stderr, "sim_run: %s\n", err.msg);
	return rc == 0;
}

static void test_end_to_end_anon_ws(void)
{
	static struct sim open_s, closed_s, none_s;
	if (!run_anon_ws(65536, REPLAY_OPEN, &open_s) || !run_anon_ws(65536, REPLAY_CLOSED, &closed_s) ||
	    !run_anon_ws(0, REPLAY_OPEN, &none_s)) {
		CHECK(false);
		return;
	}
	const uint64_t *ev = open_s.mm.vm_events;
	CHECK(ev[VM_PSWPOUT] > 0);
	CHECK(ev[VM_PSWPIN] > 0);
	CHECK_EQ(ev[VM_WORKINGSET_REFAULT_ANON], ev[VM_PSWPIN]);
	CHECK(closed_s.mm.vm_events[VM_PSWPIN] > 0);
	CHECK_EQ(closed_s.mm.vm_events[VM_MMSIM_ALLOC_FAIL], 0);
	CHECK(sim_elapsed_ns(&closed_s) > sim_elapsed_ns(&open_s));
	printf("     swap: pswpout %llu pswpin %llu, open-loop failures %llu, "
	       "elapsed open %.3f s closed %.3f s\n",
	       (unsigned long long)ev[VM_PSWPOUT], (unsigned long long)ev[VM_PSWPIN],
	       (unsigned long long)ev[VM_MMSIM_ALLOC_FAIL],
	       (double)sim_elapsed_ns(&open_s) / 1e9, (double)sim_elapsed_ns(&closed_s) / 1e9);
	/* Without swap the working set cannot fit: anon is never reclaimed, so reclaim makes
	 * no progress, the OOM killer kills the task that owns the anon memory, and the rest
	 * of its records are skipped; nothing is left non-resident. */
	ev = none_s.mm.vm_events;
	CHECK_EQ(ev[VM_PSWPOUT], 0);
	CHECK_EQ(ev[VM_PGSTEAL_KSWAPD] + ev[VM_PGSTEAL_DIRECT], 0);
	CHECK(ev[VM_OOM_KILL] > 0);
	CHECK(none_s.records_skipped_killed > 0);
	const uint64_t *mo = none_s.mm.alloc_outcome[ACLASS_MOVABLE];
	CHECK(mo[AOUT_KILLED] > 0);
	CHECK_EQ(mo[AOUT_FAIL_NOWAIT] + mo[AOUT_FAIL_NO_VICTIM] + mo[AOUT_UNFINISHED], 0);
	size_t nr_victims;
	const struct oom_victim *v = oom_victims(&none_s.mm, &nr_victims);
	CHECK_EQ(nr_victims, ev[VM_OOM_KILL]);
	CHECK(nr_victims && v[0].points > 0 && v[0].pages_freed == v[0].points);
	if (nr_victims == 1)
		CHECK_EQ(v[0].records_skipped, none_s.records_skipped_killed);
	uint64_t nonresident = 0;
	for (uint32_t i = 0; i < none_s.mm.objs.cap; i++) {
		const struct obj_slot *o = &none_s.mm.objs.slots[i];
		nonresident += o->id != OBJ_EMPTY && o->kind != OBJ_PAGES;
	}
	CHECK_EQ(nonresident, 0);
	printf("     swap none: %llu OOM kills (first: task %u, %llu pages), %llu records skipped, "
	       "%llu satisfied, %llu killed\n",
	       (unsigned long long)ev[VM_OOM_KILL], nr_victims ? v[0].task : 0,
	       (unsigned long long)(nr_victims ? v[0].points : 0), (unsigned long long)none_s.records_skipped_killed,
	       (unsigned long long)mo[AOUT_SATISFIED], (unsigned long long)mo[AOUT_KILLED]);
	sim_destroy(&open_s);
	sim_destroy(&closed_s);
	sim_destroy(&none_s);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_watermarks);
	RUN(test_lru_placement);
	RUN(test_kswapd_wakes_below_low_stops_at_high);
	RUN(test_kswapd_run_then_sleep);
	RUN(test_kswapd_sleep_resets_skip);
	RUN(test_direct_reclaim_charged);
	RUN(test_stall_charged_to_own_request);
	RUN(test_kswapd_boost);
	RUN(test_swap_none_anon_stays);
	RUN(test_swap_out_and_refault);
	RUN(test_swapin_keeps_slot_until_half_full);
	RUN(test_swap_cache_fault);
	RUN(test_swapin_readahead);
	RUN(test_swap_slot_clusters);
	RUN(test_activate_frees_swap_when_half_full);
	RUN(test_full_device_frees_cache_only_slots);
	RUN(test_anon_aged_with_swap_full);
	RUN(test_full_swap_queue_pass_goes_on);
	RUN(test_congested_counts_file_writeback_only);
	RUN(test_kswapd_does_not_write_file_pages);
	RUN(test_kswapd_ages_anon);
	RUN(test_kswapd_boosted_ages_anon);
	RUN(test_file_refault);
	RUN(test_ereclaimable_takes_hinted_first);
	RUN(test_ereclaimable_notification);
	RUN(test_cflru_clean_first);
	RUN(test_pinned_and_unevictable_stay);
	RUN(test_mlock_hint_unevictable);
	RUN(test_pgsteal_cma_area);
	RUN(test_lowmem_crowding_counters);
	RUN(test_churn_invariants);
	RUN(test_anon_shadow_beside_slot);
	RUN(test_end_to_end_anon_ws);
	return TEST_END();
}
