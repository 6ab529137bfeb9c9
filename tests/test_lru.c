/* The easily-reclaimable LRU's costs and caveats (vmscan.c, lru.c; model.md §9.3): the
 * per-page cost of a hint charged to its task, the lateness of pages on the easy list
 * under writeback on a slow device (rescanned by every pass until their write ends), the
 * low-memory notification judged against direct reclaim (warned, missed, false alarm),
 * and compaction migrating easy-list pages.
 *
 * The machine (as tests/test_reclaim.c): one Normal zone of 16384 pages,
 * min_free_kbytes = 1024: min 256, low 320, high 384 pages.  Fresh, unshuffled: order-0
 * allocations take ascending pfns; lru_add puts a page at its list's head, so the first
 * page added is at the tail (taken first by reclaim).
 */
#include "mm/compaction.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define NORMAL_PAGES 16384
#define FILE_GFP GFP_HIGHUSER_MOVABLE

static struct config cfg;
static struct mm mm;

static void setup(enum reclaim_policy pol)
{
	mmtest_reclaim_config(&cfg, NORMAL_PAGES);
	cfg.policy.reclaim = pol;
}

static void boot(void)
{
	mmtest_boot(&mm, &cfg);
}

static bool resident(uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm.objs, id);
	return s && s->kind == OBJ_PAGES;
}

static uint64_t alloc_range(uint64_t first, uint64_t last, gfp_t gfp, unsigned order)
{
	uint64_t ok = 0;
	for (uint64_t id = first; id <= last; id++)
		ok += mm_alloc(&mm, id, gfp, order) != PFN_NONE;
	return ok;
}

static bool check_ok(void)
{
	return mm_check_full(&mm);
}

/* ---- costs.hint_page ------------------------------------------------------------------ */

/* costs.hint_page = 2 us per page, charged to the hinting request:
 *   ereclaimable: ten order-0 pages hinted NOREUSE   10 × 2 us = 20 us
 *                 one order-2 page hinted VOLATILE    4 × 2 us =  8 us
 *                 a page already on the easy list (the walk still marks it) 2 us
 *                 a freed id (unknown now): nothing to mark               0
 *     -> 30 us, mmsim_hint_pages 15, mmsim_hint_ns 30000.
 *   classic: NOREUSE is a no-op (nothing charged); DONTNEED on one clean page drops it
 *     -> 2 us, mmsim_hint_pages 1. */
/* lru_list_of for every combination of the flags that choose a list (and one that does
 * not), against the rule written out: unevictable, else easy, else anon or file, active
 * or inactive. */
static void test_list_of_every_flag_combination(void)
{
	static const uint16_t bits[] = { PF_ACTIVE, PF_SWAPBACKED, PF_UNEVICTABLE, PF_EASY, PF_DIRTY };
	unsigned bad = 0;
	for (unsigned m = 0; m < 32; m++) {
		uint16_t f = PF_HEAD | PF_LRU;
		for (unsigned b = 0; b < 5; b++)
			if (m >> b & 1)
				f |= bits[b];
		enum lru_list want;
		if (f & PF_UNEVICTABLE)
			want = LRU_UNEVICTABLE;
		else if (f & PF_EASY)
			want = LRU_EASY;
		else if (f & PF_SWAPBACKED)
			want = (f & PF_ACTIVE) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
		else
			want = (f & PF_ACTIVE) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
		bad += lru_list_of(f) != want;
	}
	CHECK_EQ(bad, 0);
}

/* lru_move against lru_del + lru_add: three file pages (ids 1-3, in allocation order on the
 * inactive file list) and one order-2 anon head (id 4, __GFP_ZERO: anon).  Moving id 1 to the tail of its own
 * list, id 2 to the head of the active file list and id 4 to the unevictable list leaves
 * the lists, in order, and every count (the invariant checker recounts them) as the
 * delete-and-add would. */
static void test_move_in_place(void)
{
	setup(RECLAIM_CLASSIC);
	boot();
	CHECK_EQ(alloc_range(1, 3, FILE_GFP, 0), 3);
	CHECK(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_COMP, 2) != PFN_NONE);
	pfn_t p1 = obj_lookup(&mm.objs, 1)->pfn, p2 = obj_lookup(&mm.objs, 2)->pfn, p4 = obj_lookup(&mm.objs, 4)->pfn;
	CHECK(mm.pages[p4].flags & PF_SWAPBACKED);
	uint64_t inactive_file = mm.lruvec.nr_pages[LRU_INACTIVE_FILE];
	uint64_t inactive_anon = mm.lruvec.nr_pages[LRU_INACTIVE_ANON];
	lru_move(&mm, p1, mm.pages[p1].flags, true);
	CHECK_EQ(mm.lruvec.lists[LRU_INACTIVE_FILE].tail, p1);
	lru_move(&mm, p2, (uint16_t)(mm.pages[p2].flags | PF_ACTIVE), false);
	CHECK_EQ(mm.lruvec.lists[LRU_ACTIVE_FILE].head, p2);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], inactive_file - 1);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_ACTIVE_FILE], 1);
	lru_move(&mm, p4, (uint16_t)(mm.pages[p4].flags | PF_UNEVICTABLE), false);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_ANON], inactive_anon - 4);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_UNEVICTABLE], 4);
	CHECK(mm.pages[p4].flags & PF_LRU);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* The list order kept as a ring (mm.h struct lru_ring), worked by hand on the inactive
 * file list; each id an order-0 file page, each added at the head:
 *   ids 1..100 added: the 65th add finds the 64-slot ring full with 64 heads (> half) and
 *     doubles it: 128 slots, id 1's position kept; nr 100, span 100.
 *   ids 2..70 freed from inside: 69 holes, nr 31, span 100 (id 1 still the tail).
 *   ids 101..128 added: span 128 (full), nr 59.
 *   id 129 added: full with 59 heads (<= half): compacted to 59 consecutive positions in
 *     the same 128 slots, id 1's position rewritten, then the add: nr 60, span 60; the
 *     order, head to tail: 129, 128 .. 71, 1.
 *   id 1 (the tail) freed: nr 59, span 59, tail 71.
 *   ids 72..80 freed (holes), then 71 (the tail): the tail trims over the 9 holes to 81:
 *     nr 49, span 49, head 129. */
static void test_ring_order_holes_growth(void)
{
	setup(RECLAIM_CLASSIC);
	boot();
	const struct lru_ring *r = &mm.lruvec.rings[LRU_INACTIVE_FILE];
	const struct pfn_list *ends = &mm.lruvec.lists[LRU_INACTIVE_FILE];
	CHECK_EQ(alloc_range(1, 64, FILE_GFP, 0), 64);
	CHECK_EQ(r->cap, 64);
	pfn_t p1 = obj_lookup(&mm.objs, 1)->pfn;
	uint32_t pos1 = mm.pages[p1].prev;
	CHECK_EQ(alloc_range(65, 100, FILE_GFP, 0), 36);
	CHECK_EQ(r->cap, 128);
	CHECK_EQ(r->nr, 100);
	CHECK_EQ(r->end - r->first, 100);
	CHECK_EQ(mm.pages[p1].prev, pos1);
	for (uint64_t id = 2; id <= 70; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(r->nr, 31);
	CHECK_EQ(r->end - r->first, 100);
	CHECK_EQ(ends->tail, p1);
	CHECK_EQ(alloc_range(101, 128, FILE_GFP, 0), 28);
	CHECK_EQ(r->end - r->first, 128);
	CHECK_EQ(alloc_range(129, 129, FILE_GFP, 0), 1);
	CHECK_EQ(r->cap, 128);
	CHECK_EQ(r->nr, 60);
	CHECK_EQ(r->end - r->first, 60);
	CHECK(mm.pages[p1].prev != pos1);
	CHECK_EQ(ends->head, obj_lookup(&mm.objs, 129)->pfn);
	pfn_t pfn = ends->head;
	unsigned n = 0, bad = 0;
	for (uint64_t want = 129; pfn != PFN_NONE; pfn = lru_next(&mm, &mm.lruvec, LRU_INACTIVE_FILE, pfn), n++) {
		bad += mm.objs.slots[mm.pages[pfn].owner].id != want;
		want = want == 71 ? 1 : want - 1;
	}
	CHECK_EQ(n, 60);
	CHECK_EQ(bad, 0);
	CHECK(check_ok());
	CHECK(mm_free(&mm, 1));
	CHECK_EQ(r->nr, 59);
	CHECK_EQ(r->end - r->first, 59);
	CHECK_EQ(ends->tail, obj_lookup(&mm.objs, 71)->pfn);
	for (uint64_t id = 72; id <= 80; id++)
		CHECK(mm_free(&mm, id));
	CHECK(mm_free(&mm, 71));
	CHECK_EQ(r->nr, 49);
	CHECK_EQ(r->end - r->first, 49);
	CHECK_EQ(ends->tail, obj_lookup(&mm.objs, 81)->pfn);
	CHECK_EQ(ends->head, obj_lookup(&mm.objs, 129)->pfn);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

static void test_hint_cost_charged_per_page(void)
{
	setup(RECLAIM_EASILY_RECLAIMABLE);
	cfg.costs.hint_page_ns = 2000;
	boot();
	CHECK_EQ(alloc_range(1, 10, FILE_GFP, 0), 10);
	CHECK_EQ(alloc_range(11, 11, FILE_GFP | __GFP_COMP, 2), 1);
	CHECK_EQ(alloc_range(12, 12, FILE_GFP, 0), 1);
	CHECK(mm_free(&mm, 12));
	struct mm_request req = { .alloc_class = -1 };
	for (uint64_t id = 1; id <= 10; id++)
		CHECK(mm_hint_req(&mm, &req, id, HINT_NOREUSE));
	CHECK_EQ(req.stall_ns, 20000);
	CHECK(mm_hint_req(&mm, &req, 11, HINT_VOLATILE));
	CHECK_EQ(req.stall_ns, 28000);
	CHECK(mm_hint_req(&mm, &req, 1, HINT_DONTNEED));
	CHECK_EQ(req.stall_ns, 30000);
	CHECK(!mm_hint_req(&mm, &req, 12, HINT_NOREUSE)); /* freed: the id is unknown now */
	CHECK_EQ(req.stall_ns, 30000);
	CHECK_EQ(mm.vm_events[VM_MMSIM_HINT_PAGES], 15);
	CHECK_EQ(mm.vm_events[VM_MMSIM_HINT_NS], 30000);
	CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], 14);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);

	setup(RECLAIM_CLASSIC);
	cfg.costs.hint_page_ns = 2000;
	boot();
	CHECK_EQ(alloc_range(1, 2, FILE_GFP, 0), 2);
	req = (struct mm_request){ .alloc_class = -1 };
	CHECK(mm_hint_req(&mm, &req, 1, HINT_NOREUSE));
	CHECK_EQ(req.stall_ns, 0);
	CHECK(mm_hint_req(&mm, &req, 2, HINT_DONTNEED));
	CHECK_EQ(req.stall_ns, 2000);
	CHECK(!resident(2)); /* clean and unmapped: invalidated */
	CHECK_EQ(mm.vm_events[VM_MMSIM_HINT_PAGES], 1);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);

	/* The default (0) charges nothing and counts the pages. */
	setup(RECLAIM_EASILY_RECLAIMABLE);
	boot();
	CHECK_EQ(alloc_range(1, 3, FILE_GFP, 0), 3);
	req = (struct mm_request){ .alloc_class = -1 };
	for (uint64_t id = 1; id <= 3; id++)
		CHECK(mm_hint_req(&mm, &req, id, HINT_NOREUSE));
	CHECK_EQ(req.stall_ns, 0);
	CHECK_EQ(mm.vm_events[VM_MMSIM_HINT_PAGES], 3);
	mmtest_mm_destroy(&mm);
}

/* ---- PG_reclaim lateness on a slow device ------------------------------------------------ */

/* One reclaim pass as direct reclaim runs it at priority 12, asking for more than exists:
 * the plan takes the whole easy list first; the normal lists are empty. */
static void reclaim_pass(void)
{
	mmtest_shrink_node(&mm, false, DEF_PRIORITY, 100000);
}

/* ereclaimable: ids 1..100 are written (dirty) and then fadvise(DONTNEED)'d at time 0:
 * writeout starts (one FIFO write per page, id order) and every page joins the easy list
 * (id 1 at its tail).  Slow disk: 4096000 B/s = 4 KiB in exactly 1 ms, latency 100 us, so
 * write k (k = 1..100) transfers over [k−1, k] ms and completes at k ms + 0.1 ms.
 *   pass 1 at 30.5 ms: writes 1..30 are done.  Batches of 32 from the tail: ids 1..32
 *     (1..30 clean: freed; 31, 32 under writeback: PG_reclaim, back to the head), then
 *     33..64, 65..96, 97..100 (all under writeback).  Scanned 100, reclaimed 30,
 *     rescanned 70.
 *   Writes 31..60 end by 60.5 ms; their pages carry PG_reclaim, so each rotates to the
 *   easy tail (folio_rotate_reclaimable).
 *   pass 2 at 60.5 ms: 70 pages on the list, 30 clean at the tail.  Scanned 70,
 *     reclaimed 30, rescanned 40.
 *   Totals: scanned 170, reclaimed 60, rescanned 110 (pgscan_direct 170).
 * Fast disk (4 KiB in 10 us, latency 100 us): write 100 completes at 1.1 ms, so pass 1
 * at 30.5 ms frees all 100 (scanned 100, rescanned 0) and pass 2 finds an empty list. */
static void lateness(uint64_t bandwidth_bps, uint64_t *scanned, uint64_t *reclaimed, uint64_t *rescanned)
{
	setup(RECLAIM_EASILY_RECLAIMABLE);
	cfg.devices.disk_bandwidth_bps = bandwidth_bps;
	boot();
	CHECK_EQ(alloc_range(1, 100, FILE_GFP, 0), 100);
	for (uint64_t id = 1; id <= 100; id++)
		CHECK(mm_dirty(&mm, id));
	for (uint64_t id = 1; id <= 100; id++)
		CHECK(mm_hint(&mm, id, HINT_DONTNEED));
	CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], 100);
	CHECK_EQ(reclaim_nr_writeback(&mm), 100);
	mmtest_run_until(&mm, 30500000);
	reclaim_pass();
	if (bandwidth_bps == 4096000) {
		CHECK_EQ(mm.vm_events[VM_MMSIM_EASY_RECLAIMED], 30);
		CHECK_EQ(mm.vm_events[VM_MMSIM_EASY_RESCANNED], 70);
		CHECK(!resident(30) && resident(31));
	}
	mmtest_run_until(&mm, 60500000);
	reclaim_pass();
	*scanned = mm.vm_events[VM_MMSIM_EASY_SCANNED];
	*reclaimed = mm.vm_events[VM_MMSIM_EASY_RECLAIMED];
	*rescanned = mm.vm_events[VM_MMSIM_EASY_RESCANNED];
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], *scanned);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

static void test_pg_reclaim_lateness_slow_device(void)
{
	uint64_t scanned, reclaimed, rescanned;
	lateness(4096000, &scanned, &reclaimed, &rescanned);
	CHECK_EQ(scanned, 170);
	CHECK_EQ(reclaimed, 60);
	CHECK_EQ(rescanned, 110);
	lateness(409600000, &scanned, &reclaimed, &rescanned);
	CHECK_EQ(scanned, 100);
	CHECK_EQ(reclaimed, 100);
	CHECK_EQ(rescanned, 0);
}

/* classic never starts writeout late: DONTNEED on a dirty page starts it at once in both
 * policies (fadvise's __filemap_fdatawrite_range); classic then deactivates the page. */
static void test_dontneed_starts_writeout(void)
{
	for (int pol = 0; pol < 2; pol++) {
		setup(pol ? RECLAIM_EASILY_RECLAIMABLE : RECLAIM_CLASSIC);
		boot();
		CHECK_EQ(alloc_range(1, 4, FILE_GFP, 0), 4);
		for (uint64_t id = 1; id <= 4; id++)
			CHECK(mm_dirty(&mm, id));
		for (uint64_t id = 1; id <= 4; id++)
			CHECK(mm_hint(&mm, id, HINT_DONTNEED));
		CHECK_EQ(reclaim_nr_writeback(&mm), 4);
		CHECK_EQ(reclaim_nr_dirty(&mm), 0);
		CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], pol ? 4 : 0);
		CHECK(check_ok());
		mmtest_mm_destroy(&mm);
	}
}

/* ---- the low-memory notification judged ------------------------------------------------ */

static void direct_reclaim_now(void)
{
	struct alloc_context ac = {
		.gfp = FILE_GFP,
		.order = 0,
		.mt = MIGRATE_MOVABLE,
		.highest_zoneidx = ZONE_NORMAL,
	};
	mm.hooks.direct_reclaim(&mm, &ac);
}

/* notify_threshold 1500 pages; level = free + easy; sampled at each LRU allocation and
 * hint (and at reclaim passes); kswapd is never run (the engine stands still).
 *   alloc 1..14000: free 2384, above.
 *   alloc 14001..15000: free 1384 < 1500 -> notification 1 (at the allocation leaving
 *     free 1499).
 *   free 14001..14500: free 1884; a hint of id 1 samples 1884 + 1 easy = 1885 >= 1500:
 *     the episode ended with no stall -> false alarm 1.
 *   alloc 15001..15500: free 1384 -> notification 2.  A direct reclaim now is warned
 *     (warned 1); it reclaims 32 pages from the normal lists (the easy page is taken too):
 *     the level stays below, and leaving later is no false alarm.
 *   free 15001..15500: free >= 1884: the episode ends, stalled: no false alarm.
 *   A direct reclaim above the threshold is a miss (misses 1). */
static void test_lowmem_judged_against_stalls(void)
{
	setup(RECLAIM_EASILY_RECLAIMABLE);
	cfg.policy.ereclaimable.notify_threshold = 1500;
	boot();
	CHECK_EQ(alloc_range(1, 14000, FILE_GFP, 0), 14000);
	struct reclaim_node_stat st;
	reclaim_node_stat(&mm, &st);
	CHECK_EQ(st.nr_lowmem_notifications, 0);
	CHECK_EQ(alloc_range(14001, 15000, FILE_GFP, 0), 1000);
	reclaim_node_stat(&mm, &st);
	CHECK_EQ(st.nr_lowmem_notifications, 1);
	for (uint64_t id = 14001; id <= 14500; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_FALSE_ALARM], 0); /* frees do not sample */
	CHECK(mm_hint(&mm, 1, HINT_NOREUSE));
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_FALSE_ALARM], 1);
	CHECK_EQ(alloc_range(15001, 15500, FILE_GFP, 0), 500);
	reclaim_node_stat(&mm, &st);
	CHECK_EQ(st.nr_lowmem_notifications, 2);
	direct_reclaim_now();
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_WARNED_STALL], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_MISS], 0);
	for (uint64_t id = 15001; id <= 15500; id++)
		CHECK(mm_free(&mm, id));
	CHECK(mm_hint(&mm, 2, HINT_NOREUSE)); /* samples: above again */
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_FALSE_ALARM], 1);
	direct_reclaim_now();
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_MISS], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_LOWMEM_WARNED_STALL], 1);
	reclaim_node_stat(&mm, &st);
	CHECK_EQ(st.nr_lowmem_notifications, 2);
	CHECK(check_ok());
	mmtest_mm_destroy(&mm);
}

/* ---- compaction migrates easy-list pages ------------------------------------------------- */

/* A 2048-page zone = pageblocks B0..B3 (test_compaction.c's test_scanners_meet): fill with
 * movable page cache at ascending pfns, free every odd pfn, then hint NOREUSE the objects
 * at pfns ≡ 0 mod 4 (easy list).  A whole-zone sync compaction moves B0's 256 objects and
 * the first 32 of B1 (512..574; test_scanners_meet derives the 288); the easy ones among
 * them are pfns 0, 4, ..., 508 and 512, ..., 572: 128 + 16.  Migration does not look at
 * the list a page is on, so mmsim_pgmigrate_easy = 144. */
static void test_compaction_migrates_easy_pages(void)
{
	mmtest_config(&cfg, 0, 0, 2048, 4);
	cfg.policy.reclaim = RECLAIM_EASILY_RECLAIMABLE;
	cfg.policy.migration_file_migrate_folio = true;
	cfg.costs.migrate_page_ns = 2000;
	boot();
	mm.hooks.wakeup_kswapd = NULL;
	mm.hooks.direct_reclaim = NULL;
	uint64_t *id_at = calloc(mm.nr_pages, sizeof(*id_at));
	for (uint64_t id = 1;; id++) {
		pfn_t pfn = mm_alloc(&mm, id, FILE_GFP, 0);
		if (pfn == PFN_NONE)
			break;
		id_at[pfn] = id;
	}
	for (pfn_t pfn = 1; pfn < mm.nr_pages; pfn += 2)
		if (id_at[pfn]) {
			CHECK(mm_free(&mm, id_at[pfn]));
			id_at[pfn] = 0;
		}
	uint64_t easy_low = 0;
	for (pfn_t pfn = 0; pfn < mm.nr_pages; pfn += 4)
		if (id_at[pfn]) {
			CHECK(mm_hint(&mm, id_at[pfn], HINT_NOREUSE));
			easy_low += pfn < 1024;
		}
	CHECK_EQ(easy_low, 256);
	struct compact_control cc = {
		.zone = &mm.zones[ZONE_NORMAL], .order = -1, .migratetype = MIGRATE_MOVABLE,
		.alloc_flags = ALLOC_WMARK_MIN, .highest_zoneidx = ZONE_NORMAL, .mode = MIGRATE_SYNC,
		.whole_zone = true, .ignore_skip_hint = true,
	};
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_COMPLETE);
	CHECK_EQ(cc.nr_migrated, 288);
	CHECK_EQ(mm.vm_events[VM_MMSIM_PGMIGRATE_EASY], 144);
	CHECK(check_ok());
	free(id_at);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_list_of_every_flag_combination);
	RUN(test_move_in_place);
	RUN(test_ring_order_holes_growth);
	RUN(test_hint_cost_charged_per_page);
	RUN(test_pg_reclaim_lateness_slow_device);
	RUN(test_dontneed_starts_writeout);
	RUN(test_lowmem_judged_against_stalls);
	RUN(test_compaction_migrates_easy_pages);
	return TEST_END();
}
