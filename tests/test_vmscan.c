/* vmscan: get_scan_count's per-list targets (vmscan_plan) against values derived by hand
 * from the 6.12 formulas.  One Normal zone of 16384 pages (min_free_kbytes 1024: min 256,
 * low 320, high 384 pages), swappiness 60, a swap device of 1024 pages unless a test says
 * otherwise; anon pages are order 0 (GFP_HIGHUSER_MOVABLE|__GFP_ZERO), file pages order 0. */
#include <string.h>

#include "engine/engine.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define ANON_GFP (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)
#define FILE_GFP GFP_HIGHUSER_MOVABLE

static struct config cfg;
static struct mm mm;

static void start(uint64_t swap_pages)
{
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.devices.swap_pages = swap_pages;
	mmtest_boot(&mm, &cfg);
}

/* ids first..last, each one order-0 page of gfp */
static void alloc_range(uint64_t first, uint64_t last, gfp_t gfp)
{
	for (uint64_t id = first; id <= last; id++)
		CHECK(mm_alloc(&mm, id, gfp, 0) != PFN_NONE);
}

static struct scan_control kswapd_sc(int priority)
{
	return (struct scan_control){ .reclaim_idx = ZONE_NORMAL, .priority = priority, .is_kswapd = true,
				      .may_writepage = true, .may_swap = true, .nr_to_reclaim = 32 };
}

/* SCAN_FRACT rounds down (div64_u64, online memcg).  8192 inactive anon, 2999 inactive
 * file and 1 active file (a refault hint activates one of 3000 file pages, which also
 * sets DEACTIVATE_FILE: SCAN_FRACT, no cache trim).  No reclaim cost yet: total = 0, so
 * ap = 60 × 1 / 1 = 60, fp = 140 × 1 / 1 = 140, denominator 200.
 *   priority 12: anon 8192 >> 12 = 2, × 60 / 200 = 0.6 -> 0 (rounding up gave 1);
 *                file 2999 >> 12 = 0; active file 1 >> 12 = 0.
 *   priority 8:  anon 8192 >> 8 = 32, × 60 / 200 = 9.6 -> 9;
 *                file 2999 >> 8 = 11, × 140 / 200 = 7.7 -> 7.
 *   priority 0:  SCAN_EQUAL, every list whole: 8192, 0, 2999, 1. */
static void test_fract_rounds_down(void)
{
	start(1024);
	alloc_range(1, 8192, ANON_GFP);
	alloc_range(10001, 13000, FILE_GFP);
	CHECK(mm_hint(&mm, 10001, HINT_REFAULT));
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(sc.may_deactivate, DEACTIVATE_FILE);
	CHECK_EQ(plan.ap, 60);
	CHECK_EQ(plan.fp, 140);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 0);
	CHECK_EQ(plan.nr[LRU_ACTIVE_ANON], 0);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 0);
	CHECK_EQ(plan.nr[LRU_ACTIVE_FILE], 0);
	sc = kswapd_sc(8);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 9);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 7);
	CHECK_EQ(plan.nr[LRU_ACTIVE_FILE], 0);
	sc = kswapd_sc(0);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_EQUAL);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 8192);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 2999);
	CHECK_EQ(plan.nr[LRU_ACTIVE_FILE], 1);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* file_is_tiny (prepare_scan_control, 6.12).  16000 anon pages and no page cache leave
 * 384 pages free: file + free = 0 + 384 <= the high watermark 384 (min 256 + 2 × 64), the
 * anon list is not low (16000 inactive, 0 active) and no anon refault was activated, and
 * 16000 >> 12 = 3: SCAN_ANON, inactive anon 3, nothing else.  One anon page freed makes
 * file + free = 385 > 384: not tiny, and with no inactive file to trim it is SCAN_FRACT
 * (anon 3 × 60 / 200 = 0.9 -> 0). */
static void test_file_is_tiny(void)
{
	start(1024);
	alloc_range(1, 16000, ANON_GFP);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_pages, 384);
	CHECK_EQ(zone_wmark(&mm.zones[ZONE_NORMAL], WMARK_HIGH), 384);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_ANON);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 3);
	CHECK_EQ(plan.nr[LRU_ACTIVE_ANON], 0);
	CHECK_EQ(plan.nr[LRU_INACTIVE_FILE], 0);
	CHECK_EQ(plan.nr[LRU_ACTIVE_FILE], 0);
	CHECK(mm_free(&mm, 1));
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.nr[LRU_INACTIVE_ANON], 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* An engine event: another task's refault, activated (a HINT refault on id arg). */
static void refault_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)now_ns;
	CHECK(mm_hint(ctx, arg, HINT_REFAULT));
}

/* snapshot_refaults at the end of do_try_to_free_pages (6.12).  The reclaim machine
 * (50 ns a page scanned, 300 ns a page reclaimed), swap off, kswapd given up (failures 16)
 * so that only the direct reclaimer runs.  16128 clean file pages leave 256 free, the min
 * watermark: the next allocation reclaims directly.  Priority 12 scans 16128 >> 12 = 3
 * pages and frees them (3 × 350 = 1050 ns, slept before priority 11); at 500 ns another
 * task's refault of id 16128 is activated (workingset_activate_file 0 -> 1).  Priorities
 * 11, 10, 9 free 7, 15, 31: 56 >= 32, the reclaim ends and snapshots 1.  So the next
 * shrink_node sees no new activation: no DEACTIVATE_FILE (16071 inactive file against 1
 * active is not low). */
static void test_direct_snapshot_at_end(void)
{
	mmtest_reclaim_config(&cfg, 16384);
	mmtest_boot(&mm, &cfg);
	mm.reclaim->kswapd.failures = MAX_KSWAPD_FAILURES;
	alloc_range(1, 16128, FILE_GFP);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_pages, 256);
	unsigned h = engine_register(mm.engine, "refault", refault_event, &mm);
	engine_schedule(mm.engine, 500, h, 16128);
	struct mm_request req;
	CHECK(mmtest_alloc_actor(&mm, 1, 20000, FILE_GFP, 0, &req) != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1); /* counted by gfp_zone */
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_pages, 256 + 56 - 1);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 56);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_FILE], 1);
	CHECK_EQ(mm.reclaim->refaults_seen[1], 1);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* prepare_scan_control reads the root memcg's statistics as last flushed (6.18:
 * lruvec_page_state, flush_memcg_stats_dwork every FLUSH_TIME = 2 s).  8192 inactive anon
 * and 3000 inactive file pages; the view is taken at t = 0 (vmscan_stats_view_start: no
 * activation yet, next flush at 2 s).  A refault hint then activates one file page
 * (workingset_activate_file 0 -> 1; live, the lists are 2999 inactive / 1 active file).
 *   t = 0: the view's activations (0) equal the last snapshot (0) and its file lists
 *     (3000 inactive, 0 active) are not low: may_deactivate 0, where the live counts give
 *     DEACTIVATE_FILE (test_fract_rounds_down); inactive file 3000 >> 12 = 0: no trim.
 *   t = 2 s: the flush takes the view (activations 1 != 0): DEACTIVATE_FILE; next flush 4 s.
 *   snapshot_refaults then records 1 from the view: may_deactivate 0 again. */
static void test_stats_view_as_flushed(void)
{
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.devices.swap_pages = 1024;
	cfg.machine.memcg.stats_flush_ms = 2000;
	mmtest_boot(&mm, &cfg);
	alloc_range(1, 8192, ANON_GFP);
	alloc_range(10001, 13000, FILE_GFP);
	vmscan_stats_view_start(&mm);
	CHECK_EQ(mm.reclaim->stats_next_flush_ns, 2000000000ull);
	CHECK(mm_hint(&mm, 10001, HINT_REFAULT));
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_FILE], 1);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK(!sc.cache_trim_mode);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	engine_advance(mm.engine, 2000000000ull);
	sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, DEACTIVATE_FILE);
	CHECK_EQ(mm.reclaim->stats_next_flush_ns, 4000000000ull);
	CHECK_EQ(mm.reclaim->stats_view.nr_lru[LRU_ACTIVE_FILE], 1);
	vmscan_snapshot_refaults(&mm);
	CHECK_EQ(mm.reclaim->refaults_seen[1], 1);
	sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* machine.memcg.stats_start_file_low: the view before the measurement had the inactive
 * file list low.  8192 inactive file pages and no active ones, priority 12: live, the list
 * is not low (8192 × 1 >= 0) and 8192 >> 12 = 2 > 0, so cache_trim_mode and SCAN_FILE.
 * With the flag, until the first flush (2 s): DEACTIVATE_FILE, no trim, SCAN_FRACT.  At
 * 2 s the flush takes the real lists: trim again (SCAN_FILE). */
static void test_stats_start_file_low(void)
{
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.devices.swap_pages = 1024;
	cfg.machine.memcg.stats_flush_ms = 2000;
	cfg.machine.memcg.stats_start_file_low = true;
	mmtest_boot(&mm, &cfg);
	alloc_range(10001, 18192, FILE_GFP);
	vmscan_stats_view_start(&mm);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, DEACTIVATE_FILE);
	CHECK(!sc.cache_trim_mode);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	engine_advance(mm.engine, 1999999999ull);
	sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, DEACTIVATE_FILE);
	engine_advance(mm.engine, 2000000000ull);
	sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK(sc.cache_trim_mode);
	CHECK_EQ(plan.balance, SCAN_FILE);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* One batch of 32 from the tail of the inactive anon list, as a kswapd shrink_node
 * step with only that target. */
static void shrink_anon_batch(void)
{
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	memset(plan.nr, 0, sizeof(plan.nr));
	plan.nr[LRU_INACTIVE_ANON] = SWAP_CLUSTER_MAX;
	CHECK(vmscan_plan_step(&mm, &sc, &plan));
	CHECK_EQ(sc.nr_scanned, 32);
	CHECK_EQ(sc.nr_reclaimed, 0);
}

/* lru_note_cost (6.12): cost = 32 × pages written + pages scanned and not reclaimed, on
 * the list's type; both halve when their sum exceeds a quarter of the LRU pages.  1000
 * anon pages (ids 1..1000, young from their faults) and 4000 file pages: LRU 5000, a
 * quarter 1250.  Batches from the anon tail:
 *   ids 1..32 young: kept, 32 rotations                          anon 32
 *   ids 33..64 made old: swapped out (32 writes), kept under writeback: + 32 × 32 + 32 = 1088
 *   ids 65..96 young: + 32                                       anon 1120
 *   ids 97..128 old: + 1056 = 2176 > 1250: halved                anon 1088, file 0
 * SCAN_FRACT at swappiness 60 then weighs: both 1088, anon' 2176, file' 1088, total 3264:
 * ap = 60 × 3265 / 2177 = 89, fp = 140 × 3265 / 1089 = 419. */
static void test_lru_note_cost(void)
{
	mmtest_reclaim_config(&cfg, 16384);
	cfg.devices.swap_pages = 1024;
	mmtest_boot(&mm, &cfg);
	alloc_range(1, 1000, ANON_GFP);
	alloc_range(2001, 6000, FILE_GFP);
	CHECK(mm_hint(&mm, 2001, HINT_REFAULT)); /* DEACTIVATE_FILE: SCAN_FRACT, no trim */
	struct reclaim_state *rs = mm.reclaim;
	const uint64_t expect[4] = { 32, 1088, 1120, 1088 };
	for (int b = 0; b < 4; b++) {
		if (b & 1)
			for (uint64_t id = 32 * (uint64_t)b + 1; id <= 32 * (uint64_t)b + 32; id++)
				mm.pages[obj_lookup(&mm.objs, id)->pfn].flags &= (uint16_t)~PF_REFERENCED;
		shrink_anon_batch();
		CHECK_EQ(rs->anon_cost, expect[b]);
		CHECK_EQ(rs->file_cost, 0);
	}
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 64);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.ap, 89);
	CHECK_EQ(plan.fp, 419);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* The flusher wake of shrink_inactive_list (6.18): when every folio a batch took was dirty
 * and not yet queued for writeback (stat.nr_unqueued_dirty == nr_taken), reclaim wakes the
 * flusher (WB_REASON_VMSCAN), which writes every dirty page.  shrink_folio_list counts a
 * folio dirty (folio_check_dirty_writeback) before it looks at its references, so a
 * referenced dirty folio, kept for another trip, still counts.  64 clean file pages
 * (ids 1..64; id 1 at the inactive tail), ids 1..32 then dirtied (32 dirty, under the
 * background threshold: the flusher sleeps) and ids 1..16 accessed once (PG_referenced).
 * One kswapd batch of 32 from the inactive file tail takes ids 1..32:
 *   ids 1..16   dirty, referenced: kept for another trip (referenced cleared), nothing else;
 *   ids 17..32  dirty, unreferenced: PG_reclaim, nr_vmscan_immediate_reclaim 16, activated;
 *   nr_dirty 32, nr_unqueued_dirty 32 == nr_taken 32: the flusher writes all 32 dirty
 *   pages, so nr_dirty 0 and 32 pages under writeback; nothing reclaimed.
 * Counting unqueued dirty pages only past the reference check gave 16 != 32: no wake,
 * 32 pages left dirty and none under writeback. */
static void test_dirty_batch_wakes_flusher(void)
{
	mmtest_reclaim_config(&cfg, 16384);
	mmtest_boot(&mm, &cfg);
	alloc_range(1, 64, FILE_GFP);
	for (uint64_t id = 1; id <= 32; id++)
		CHECK(mm_dirty(&mm, id));
	for (uint64_t id = 1; id <= 16; id++)
		CHECK(mm_access(&mm, id));
	CHECK_EQ(reclaim_nr_dirty(&mm), 32);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	struct shrink_plan plan;
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_plan(&mm, &sc, &plan);
	memset(plan.nr, 0, sizeof(plan.nr));
	plan.nr[LRU_INACTIVE_FILE] = SWAP_CLUSTER_MAX;
	CHECK(vmscan_plan_step(&mm, &sc, &plan));
	CHECK_EQ(sc.nr_scanned, 32);
	CHECK_EQ(sc.nr_reclaimed, 0);
	CHECK_EQ(sc.nr.nr_taken, 32);
	CHECK_EQ(sc.nr.nr_dirty, 32);
	CHECK_EQ(sc.nr.nr_unqueued_dirty, 32);
	CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], 16);
	CHECK_EQ(mm.vm_events[VM_PGACTIVATE], 16);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 32);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* The batch size decides the wake (shrink_inactive_list, 6.18: stat.nr_unqueued_dirty ==
 * nr_taken), as on the thp-compact capture, whose two flusher works (writeback_start
 * reason=vmscan) each followed a kswapd batch that took one page, dirty: a small memcg's
 * whole scan at priority 11.  64 clean file pages (ids 1..64, id 1 at the inactive tail),
 * then id 1 and ids 41..64 dirtied: 25 dirty pages, under the background threshold, so the
 * flusher sleeps.
 *   A batch of 1 takes id 1: nr_taken 1, nr_unqueued_dirty 1 == 1, so the flusher is woken
 *   and writes all 25 dirty pages (ids 41..64 too, which reclaim never took): nr_dirty 0,
 *   nr_writeback 25.  Id 1 gets PG_reclaim (nr_vmscan_immediate_reclaim 1) and is
 *   activated; nothing reclaimed.
 *   A batch of 32 over the same state takes ids 1..32: nr_unqueued_dirty 1 != nr_taken 32,
 *   no wake: ids 2..32 (31 clean) are reclaimed, id 1 activated as above, and the 25 dirty
 *   pages stay dirty, none under writeback.
 * A replay whose one LRU never hands reclaim a batch of dirty pages alone never writes. */
static void test_batch_size_decides_flusher_wake(void)
{
	for (int one = 1; one >= 0; one--) {
		mmtest_reclaim_config(&cfg, 16384);
		mmtest_boot(&mm, &cfg);
		alloc_range(1, 64, FILE_GFP);
		CHECK(mm_dirty(&mm, 1));
		for (uint64_t id = 41; id <= 64; id++)
			CHECK(mm_dirty(&mm, id));
		CHECK_EQ(reclaim_nr_dirty(&mm), 25);
		CHECK_EQ(reclaim_nr_writeback(&mm), 0);
		struct shrink_plan plan;
		struct scan_control sc = kswapd_sc(DEF_PRIORITY - 1);
		vmscan_plan(&mm, &sc, &plan);
		memset(plan.nr, 0, sizeof(plan.nr));
		plan.nr[LRU_INACTIVE_FILE] = one ? 1 : SWAP_CLUSTER_MAX;
		CHECK(vmscan_plan_step(&mm, &sc, &plan));
		CHECK_EQ(sc.nr.nr_taken, one ? 1 : 32);
		CHECK_EQ(sc.nr.nr_dirty, 1);
		CHECK_EQ(sc.nr.nr_unqueued_dirty, 1);
		CHECK_EQ(sc.nr_reclaimed, one ? 0 : 31);
		CHECK_EQ(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], 1);
		CHECK_EQ(mm.vm_events[VM_PGACTIVATE], 1);
		CHECK_EQ(reclaim_nr_dirty(&mm), one ? 0 : 25);
		CHECK_EQ(reclaim_nr_writeback(&mm), one ? 25 : 0);
		CHECK(mm_check_full(&mm));
		mmtest_mm_destroy(&mm);
	}
}

/* One shrink_node of the given reclaimer at priority, goal 32 (mmtest_shrink_node), on a
 * fresh machine of 262144 Normal pages (min_free_kbytes 1024) without swap holding
 * nr_file clean, unreferenced inactive file pages and nothing else (SCAN_FILE).  Returns
 * the pages scanned; *reclaimed gets the pages freed. */
static uint64_t file_only_pass(bool kswapd, int priority, uint64_t nr_file, uint64_t *reclaimed)
{
	mmtest_config(&cfg, 0, 0, 262144, 1024);
	cfg.devices.swap_pages = 0;
	mmtest_boot(&mm, &cfg);
	alloc_range(1, nr_file, FILE_GFP);
	enum vm_event_item scan = kswapd ? VM_PGSCAN_KSWAPD : VM_PGSCAN_DIRECT;
	enum vm_event_item steal = kswapd ? VM_PGSTEAL_KSWAPD : VM_PGSTEAL_DIRECT;
	uint64_t s0 = mm.vm_events[scan], r0 = mm.vm_events[steal];
	mmtest_shrink_node(&mm, kswapd, priority, 32);
	CHECK(mm_check_full(&mm));
	*reclaimed = mm.vm_events[steal] - r0;
	uint64_t scanned = mm.vm_events[scan] - s0;
	mmtest_mm_destroy(&mm);
	return scanned;
}

/* shrink_lruvec (6.18): global direct reclaim at DEF_PRIORITY scans its whole targets
 * (proportional_reclaim), everyone else stops once the lruvec reclaimed nr_to_reclaim
 * and either anon or file has nothing left to scan.  204800 clean file pages, no swap
 * (SCAN_FILE), goal 32:
 *   direct, priority 12: 204800 >> 12 = 50: batches of 32 and 18, all 50 freed (the model
 *     before stopped after the first batch: 32);
 *   kswapd, priority 12: the same 50 planned, 32 freed by the first batch, no anon
 *     target: the lruvec ends at 32;
 *   direct, priority 11: 204800 >> 11 = 100 planned; likewise 32. */
static void test_direct_def_priority_scans_whole_targets(void)
{
	uint64_t reclaimed;
	CHECK_EQ(file_only_pass(false, DEF_PRIORITY, 204800, &reclaimed), 50);
	CHECK_EQ(reclaimed, 50);
	CHECK_EQ(file_only_pass(true, DEF_PRIORITY, 204800, &reclaimed), 32);
	CHECK_EQ(reclaimed, 32);
	CHECK_EQ(file_only_pass(false, DEF_PRIORITY - 1, 204800, &reclaimed), 32);
	CHECK_EQ(reclaimed, 32);
}

/* The proportional adjustment of shrink_lruvec (6.18) once the goal is met, on SCAN_FRACT
 * targets: swappiness 100 and no reclaim cost yet, so ap = fp = 100 and each list gets
 * half its size >> priority.  A refault hint activates one file page (DEACTIVATE_FILE: no
 * cache trim; the active file target 1 >> priority is 0).  Anon pages are young from
 * their faults (kept for another trip: scanned, nothing freed); file pages are clean and
 * unreferenced (each scanned one freed).  Each step takes min(left, 32) from inactive anon,
 * then from inactive file; after it, with the goal 32 met:
 *   direct, priority 11: 163840 anon, 147458 file (147457 inactive).  Targets anon
 *     163840 >> 11 = 80 -> 40, file 147457 >> 11 = 72 -> 36.  Step 1: anon 32 kept, file 32
 *     freed: goal met with anon 8, file 4 left; file has fewer: it stops, percentage =
 *     4 × 100 / (36 + 0 + 1) = 10 (10.8 rounded down); inactive anon keeps 40 × (100 − 10)
 *     / 100 = 36 less its 32 scanned = 4 (rounding the percentage up, or leaving out the
 *     + 1, gives 11 and 3).  Step 2: anon 4; then file is empty: the lruvec ends.
 *     Scanned 36 anon + 32 file = 68 (the model before: 64), freed 32.
 *   kswapd, priority 8: 23040 anon, 51202 file (51201 inactive).  Targets anon 23040 >> 8
 *     = 90 -> 45, file 51201 >> 8 = 200 -> 100.  Step 1: anon 32, file 32 freed: goal met
 *     with anon 13, file 68 left; anon has fewer: it stops, percentage = 13 × 100 / (45 +
 *     0 + 1) = 28 (28.3); inactive file keeps 100 × 72 / 100 = 72 less its 32 scanned =
 *     40.  Step 2: file 32 freed (64 in all); then anon is empty: the lruvec ends with 8
 *     file pages of its cut target unscanned (one nudge).  Scanned 32 + 64 = 96, freed 64.
 * The same lists at priority 12, direct: targets 20 anon and 18 file, scanned whole (38),
 * 18 freed. */
static void proportional_case(bool kswapd, int priority, uint64_t nr_anon, uint64_t nr_file, uint64_t want_plan_anon,
			      uint64_t want_plan_file, uint64_t want_scanned, uint64_t want_reclaimed)
{
	mmtest_config(&cfg, 0, 0, 524288, 1024);
	cfg.devices.swap_pages = 1024;
	cfg.policy.swappiness = 100;
	mmtest_boot(&mm, &cfg);
	alloc_range(1, nr_anon, ANON_GFP);
	alloc_range(1000001, 1000000 + nr_file, FILE_GFP);
	CHECK(mm_hint(&mm, 1000001, HINT_REFAULT));
	struct scan_control sc = {
		.nr_to_reclaim = 32,
		.reclaim_idx = ZONE_NORMAL,
		.priority = priority,
		.is_kswapd = kswapd,
		.may_writepage = true,
		.may_swap = true,
	};
	struct shrink_plan plan;
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FRACT);
	CHECK_EQ(plan.ap, 100);
	CHECK_EQ(plan.fp, 100);
	CHECK_EQ(plan.targets[LRU_INACTIVE_ANON], want_plan_anon);
	CHECK_EQ(plan.targets[LRU_INACTIVE_FILE], want_plan_file);
	CHECK_EQ(plan.targets[LRU_ACTIVE_ANON], 0);
	CHECK_EQ(plan.targets[LRU_ACTIVE_FILE], 0);
	while (vmscan_plan_step(&mm, &sc, &plan))
		;
	CHECK_EQ(sc.nr_scanned, want_scanned);
	CHECK_EQ(sc.nr_reclaimed, want_reclaimed);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

static void test_proportional_cut_after_goal(void)
{
	proportional_case(false, DEF_PRIORITY - 1, 163840, 147458, 40, 36, 36 + 32, 32);
	proportional_case(true, 8, 23040, 51202, 45, 100, 32 + 64, 64);
	proportional_case(false, DEF_PRIORITY, 163840, 147458, 20, 18, 20 + 18, 18);
}

/* The reclaim charge (vmscan_cost_ns): 40 pages scanned, 30 reclaimed of which 10 anon,
 * 5 written to swap.  Costs scan 50 ns, file 300, anon 1,000, swap write 20,000:
 * 40 x 50 + 20 x 300 + 10 x 1,000 + 5 x 20,000 = 2,000 + 6,000 + 10,000 + 100,000 = 118,000.
 * With the defaults (anon at reclaim_page's 300, swap writes 0) the charge is the old
 * one: 40 x 50 + 30 x 300 = 11,000.  More anon than reclaimed cannot be charged twice:
 * 30 reclaimed "of which 45 anon" is 30 anon, 40 x 50 + 30 x 1,000 = 32,000. */
static void test_cost_split(void)
{
	start(1024);
	struct vmscan_work w = { .scanned = 40, .reclaimed = 30, .reclaimed_anon = 10, .swap_written = 5 };
	cfg.costs.scan_page_ns = 50;
	cfg.costs.reclaim_page_ns = 300;
	cfg.costs.reclaim_anon_page_ns = 1000;
	cfg.costs.swap_write_page_ns = 20000;
	CHECK_EQ(vmscan_cost_ns(&mm, &w), 118000);
	cfg.costs.reclaim_anon_page_ns = 300;
	cfg.costs.swap_write_page_ns = 0;
	CHECK_EQ(vmscan_cost_ns(&mm, &w), 11000);
	cfg.costs.reclaim_anon_page_ns = 1000;
	w = (struct vmscan_work){ .scanned = 40, .reclaimed = 30, .reclaimed_anon = 45 };
	CHECK_EQ(vmscan_cost_ns(&mm, &w), 32000);
	mmtest_mm_destroy(&mm);
}

/* shrink_active_list deactivates every page it takes (session 17: the walk moves each
 * head to the inactive list itself).  40 file pages, ids 1..40, each activated by a
 * refault hint in id order (each to the active head), so the active list from head to
 * tail is 40..1; ids 5 and 20 also carry PG_referenced.  One batch of 32 takes ids 1..32
 * from the tail, in that order, and each goes to the inactive head: the inactive list
 * from head to tail reads 32, 31, ..., 1; the active list keeps 40..33 (8 pages).  Every
 * moved page is on its list without PF_ACTIVE, PF_REFERENCED or PF_ISOLATED;
 * pgdeactivate and pgrefill count 32; the pageblocks' nr_movable is unchanged
 * (mm_check_full recounts it). */
static void test_shrink_active_moves_batch(void)
{
	start(1024);
	uint64_t ina0 = mm.lruvec.nr_pages[LRU_INACTIVE_FILE];
	alloc_range(1, 40, FILE_GFP);
	pfn_t pfn[41];
	for (uint64_t id = 1; id <= 40; id++) {
		pfn[id] = obj_lookup(&mm.objs, id)->pfn;
		CHECK(mm_hint(&mm, id, HINT_REFAULT));
	}
	mm.pages[pfn[5]].flags |= PF_REFERENCED;
	mm.pages[pfn[20]].flags |= PF_REFERENCED;
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_FILE], 40);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], ina0);
	uint64_t deact0 = mm.vm_events[VM_PGDEACTIVATE], refill0 = mm.vm_events[VM_PGREFILL];
	struct scan_control sc = kswapd_sc(DEF_PRIORITY);
	vmscan_set_eligible(&mm, &sc);
	vmscan_shrink_active(&mm, &sc, &mm.lruvec, LRU_ACTIVE_FILE, 32);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_FILE], 8);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], ina0 + 32);
	CHECK_EQ(mm.lruvec.nr_zone_pages[ZONE_NORMAL][LRU_ACTIVE_FILE], 8);
	CHECK_EQ(mm.vm_events[VM_PGDEACTIVATE] - deact0, 32);
	CHECK_EQ(mm.vm_events[VM_PGREFILL] - refill0, 32);
	pfn_t at = mm.lruvec.lists[LRU_INACTIVE_FILE].head;
	for (uint64_t id = 32; id >= 1; id--) {
		CHECK_EQ(at, pfn[id]);
		uint16_t f = mm.pages[at].flags;
		CHECK((f & PF_LRU) && !(f & (PF_ACTIVE | PF_REFERENCED | PF_ISOLATED)));
		at = lru_next(&mm, &mm.lruvec, LRU_INACTIVE_FILE, at);
	}
	at = mm.lruvec.lists[LRU_ACTIVE_FILE].head;
	for (uint64_t id = 40; id >= 33; id--) {
		CHECK_EQ(at, pfn[id]);
		CHECK(mm.pages[at].flags & PF_ACTIVE);
		at = lru_next(&mm, &mm.lruvec, LRU_ACTIVE_FILE, at);
	}
	CHECK_EQ(at, PFN_NONE);
	CHECK_EQ(mm.lruvec.lists[LRU_ACTIVE_FILE].tail, pfn[33]);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_fract_rounds_down);
	RUN(test_shrink_active_moves_batch);
	RUN(test_file_is_tiny);
	RUN(test_direct_snapshot_at_end);
	RUN(test_stats_view_as_flushed);
	RUN(test_stats_start_file_low);
	RUN(test_lru_note_cost);
	RUN(test_dirty_batch_wakes_flusher);
	RUN(test_batch_size_decides_flusher_wake);
	RUN(test_cost_split);
	RUN(test_direct_def_priority_scans_whole_targets);
	RUN(test_proportional_cut_after_goal);
	return TEST_END();
}
