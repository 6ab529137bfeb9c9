/* Compaction (model.md §5): indices, deferral, the scanners on hand-built zones, pins and
 * writeback, kcompactd / proactive / threshold triggers, the invariant checkers after every
 * compaction under random churn, and the three scenarios of configs/ (compaction_test,
 * stress-highalloc, manual-compact) with asserted outcomes.  Expected values are derived
 * by hand in the comments; scenario figures are printed for the report. */
#include "mm/compaction.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;
static uint64_t *id_at; /* id of the object allocated at each pfn by fill() (0: none) */

static void start_zone(uint64_t normal_pages)
{
	mmtest_config(&cfg, 0, 0, normal_pages, 4);
	cfg.policy.migration_file_migrate_folio = true;
	cfg.policy.compact_unevictable_allowed = true;
	cfg.policy.compaction_proactiveness = 20;
	cfg.costs.scan_page_ns = 50;
	cfg.costs.migrate_page_ns = 2000;
}

static void boot(void)
{
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	id_at = calloc(mm.nr_pages, sizeof(*id_at));
	/* Compaction on its own: no reclaim, so fill() runs until the zone refuses (with
	 * reclaim, page cache would be evicted and the fill never end). */
	mm.hooks.wakeup_kswapd = NULL;
	mm.hooks.direct_reclaim = NULL;
}

static void shutdown(void)
{
	mmtest_mm_destroy(&mm);
	free(id_at);
	id_at = NULL;
}

static void check_all(const char *when)
{
	char msg[256];
	bool ok = mm_check(&mm, 2, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "%s: mm_check: %s\n", when, msg);
	CHECK(ok);
	ok = compaction_check(&mm, msg, sizeof(msg));
	if (!ok)
		fprintf(stderr, "%s: compaction_check: %s\n", when, msg);
	CHECK(ok);
}

/* Allocate order-0 pages of gfp until the zone refuses; returns the count. */
static uint64_t fill(gfp_t gfp, uint64_t first_id)
{
	uint64_t n = 0;
	for (uint64_t id = first_id;; id++) {
		pfn_t pfn = mm_alloc(&mm, id, gfp, 0);
		if (pfn == PFN_NONE)
			break;
		id_at[pfn] = id;
		n++;
	}
	return n;
}

/* Free what fill() put at pfns lo, lo + step, ... below hi. */
static void free_pfns(pfn_t lo, pfn_t hi, pfn_t step)
{
	for (pfn_t pfn = lo; pfn < hi; pfn += step)
		if (id_at[pfn]) {
			CHECK(mm_free(&mm, id_at[pfn]));
			id_at[pfn] = 0;
		}
}

static void free_odd_pfns(void)
{
	free_pfns(1, mm.nr_pages, 2);
}

static struct zone *normal(void) { return &mm.zones[ZONE_NORMAL]; }

/* 8192 pages (B0..B15) all in use by movable order-0 objects but the odd pfns of B8..B15:
 * the free scanner's targets sit in the upper half only. */
static void start_upper_targets(void)
{
	start_zone(8192);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_pfns(4097, 8192, 2);
}

/* An async direct compaction of Normal for a movable request of that order. */
static struct compact_control direct_async_cc(unsigned order)
{
	return (struct compact_control){
		.zone = normal(),
		.order = (int)order,
		.migratetype = MIGRATE_MOVABLE,
		.alloc_flags = ALLOC_WMARK_MIN | ALLOC_CMA,
		.highest_zoneidx = ZONE_NORMAL,
		.mode = MIGRATE_ASYNC,
		.direct_compaction = true,
	};
}

/* A huge page allocation wakes kswapd (off in these tests); with nothing to reclaim it
 * goes back to sleep at once, and before it sleeps it clears the skip hints of a zone
 * whose direct-compaction scanners met (reset_isolation_suitable), as it does here. */
static void kswapd_naps(void)
{
	compaction_kswapd_reset_skip(&mm);
}

static enum compact_result run_cc(int order, enum migrate_mode mode, bool whole)
{
	struct compact_control cc = {
		.zone = normal(),
		.order = order,
		.migratetype = MIGRATE_MOVABLE,
		.alloc_flags = ALLOC_WMARK_MIN | ALLOC_CMA,
		.highest_zoneidx = ZONE_NORMAL,
		.mode = mode,
		.whole_zone = whole,
		.ignore_skip_hint = whole,
	};
	return compact_zone(&mm, &cc);
}

/* splitmix64: the tests' own deterministic stream. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- indices ------------------------------------------------------------------------ */

/* The 2007 cover letter's "before" buddyinfo: free_pages = Σ n<<o = 57859 in 15663 blocks.
 * Order 9: one order-9 block -> fragmentation index -1000; unusable = (57859-512)*1000/57859
 * = 991.  Order 10: nothing suitable -> 1000 - (1000 + 57859000/1024)/15663 = 1000 - 3 = 997;
 * unusable 1000.  Order 4: suitable = 758+245*2+34*4+3*8+1*32 = 1440 blocks; unusable =
 * (57859 - 1440*16)*1000/57859 = 601; extfrag_for_order = 60. */
static void test_indices(void)
{
	static const uint64_t before[NR_PAGE_ORDERS] = { 7901, 3005, 2205, 1511, 758, 245, 34, 3, 0, 1, 0 };
	struct zone z = { 0 };
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		z.free_area[o].nr_free = before[o];
	CHECK_EQ(compaction_fragmentation_index(&z, 9), -1000);
	CHECK_EQ(compaction_unusable_index(&z, 9), 991);
	CHECK_EQ(compaction_fragmentation_index(&z, 10), 997);
	CHECK_EQ(compaction_unusable_index(&z, 10), 1000);
	CHECK_EQ(compaction_unusable_index(&z, 4), 601);
	CHECK_EQ(compaction_extfrag_for_order(&z, 4), 60);
	/* Nothing free: fragmentation index 0 (lack of memory), unusable 1000, score 0. */
	struct zone empty = { 0 };
	CHECK_EQ(compaction_fragmentation_index(&empty, 9), 0);
	CHECK_EQ(compaction_unusable_index(&empty, 9), 1000);
	CHECK_EQ(compaction_extfrag_for_order(&empty, 9), 0);
}

/* ---- deferral ------------------------------------------------------------------------ */

/* defer_compaction k times -> 2^k - 1 deferred tries, then one allowed; the shift stops at
 * 6 (63 deferred); lower orders are never deferred; a reset on success clears it. */
static void test_deferral_backoff_and_reset(void)
{
	struct zone z = { .compact_order_failed = MAX_PAGE_ORDER + 1 };
	CHECK(!compaction_deferred(&z, 9)); /* never failed */
	for (unsigned k = 1; k <= 7; k++) {
		defer_compaction(&z, 9);
		unsigned expect = 1u << MIN(k, COMPACT_MAX_DEFER_SHIFT);
		unsigned deferred = 0;
		while (compaction_deferred(&z, 9) && deferred < 1000)
			deferred++;
		CHECK_EQ(deferred, expect - 1);
		CHECK(!compaction_deferred(&z, 8)); /* below order_failed = 9 */
	}
	CHECK_EQ(z.compact_defer_shift, COMPACT_MAX_DEFER_SHIFT);
	CHECK_EQ(z.compact_order_failed, 9);
	/* At the limit with the quota used up, the next compaction restarts clean. */
	CHECK(compaction_restarting(&z, 9));
	CHECK(!compaction_restarting(&z, 8));
	/* An allocation succeeded after compaction at order 9. */
	compaction_defer_reset(&z, 9, true);
	CHECK_EQ(z.compact_defer_shift, 0);
	CHECK_EQ(z.compact_considered, 0);
	CHECK_EQ(z.compact_order_failed, 10);
	CHECK(!compaction_deferred(&z, 9));
	CHECK(!compaction_deferred(&z, 10)); /* limit 1<<0: allowed at once */
}

/* A capture's deferral state (machine.compaction_defer): Normal deferred with considered
 * 43, shift 6 (limit 64) and order_failed 9.  compaction_deferred at order 9 increments
 * considered to 44..63 and defers those 20 attempts; the 21st reaches 64 and runs.  Order
 * 8 is below order_failed: never deferred, considered untouched.  A row for a zone the
 * machine lacks (Movable) is ignored. */
static void test_deferral_from_config(void)
{
	start_zone(4096);
	cfg.machine.nr_compaction_defer = 2;
	cfg.machine.compaction_defer[0] = (struct compaction_defer_config){ .zone = ZONE_NORMAL, .considered = 43,
									    .shift = 6, .order_failed = 9 };
	cfg.machine.compaction_defer[1] = (struct compaction_defer_config){ .zone = ZONE_MOVABLE, .shift = 3 };
	boot();
	struct zone *z = normal();
	CHECK_EQ(z->compact_considered, 43);
	CHECK_EQ(z->compact_defer_shift, 6);
	CHECK_EQ(z->compact_order_failed, 9);
	CHECK(!compaction_deferred(z, 8));
	CHECK_EQ(z->compact_considered, 43);
	unsigned deferred = 0;
	while (compaction_deferred(z, 9) && deferred < 1000)
		deferred++;
	CHECK_EQ(deferred, 20);
	CHECK_EQ(z->compact_considered, 64);
	CHECK_EQ(mm.zones[ZONE_MOVABLE].compact_defer_shift, 0);
	shutdown();
}

/* Through the slow path: a 4096-page zone of unmovable pages with every other page free
 * can never give an order-9 block.  With a reclaim stand-in that reclaims nothing, each
 * failed allocation tries ASYNC (consults deferral, never defers) then SYNC_LIGHT (defers
 * after COMPLETE).  Runs per allocation, by the rule "after k failures run once in 2^k":
 *   alloc 1: async runs, sync runs -> shift 1           (2 runs)
 *   alloc 2: async deferred (1<2), sync runs (2>=2) -> shift 2   (1)
 *   alloc 3: async 1<4, sync 2<4: both deferred         (0)
 *   alloc 4: async 3<4 deferred, sync 4>=4 runs -> shift 3       (1)
 * compact_stall counts every attempt that was not skipped: 2 per allocation. */
static uint64_t no_reclaim(struct mm *m, struct alloc_context *ac)
{
	(void)m;
	(void)ac;
	return 0;
}

static void test_deferral_in_slow_path(void)
{
	start_zone(4096);
	boot();
	fill(GFP_KERNEL, 1);
	free_odd_pfns();
	mm.hooks.direct_reclaim = no_reclaim;
	static const uint64_t runs_after[4] = { 2, 3, 3, 4 };
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(mm_alloc(&mm, 1000000 + (uint64_t)i, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 9), PFN_NONE);
		CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_RUNS], runs_after[i]);
	}
	CHECK_EQ(normal()->compact_defer_shift, 3);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], 8);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FAIL], 8);
	CHECK_EQ(mm.vm_events[VM_COMPACT_SUCCESS], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	check_all("deferral slow path");
	shutdown();
}

/* compaction_zonelist_suitable (should_compact_retry, 6.18): compaction's order-0
 * watermark alone (no fragmentation index) on the free pages plus 1/order of the
 * reclaimable ones.  4096-page zone (min_free_kbytes 4: min 1, low 5), filled with page
 * cache until the allocator refuses at min: 1 page free, 4095 file pages.  Order 9 asks
 * for more than low + compact_gap(9) = 5 + 1024 = 1029 pages:
 *   - as filled: 1 + 4095/9 = 1 + 455 = 456: not suitable (all 4095 counted: 4096, was);
 *   - pfns 1024..1279, 1536..1791, 2048..2303, 2560..2815 freed (four order-8 blocks, not
 *     buddies): free 1025, file 3071, 1025 + 3071/9 = 1025 + 341 = 1366: suitable, though
 *     the fragmentation index, 1000 - (1000 + 1025*1000/512)/5 = 1000 - 600 = 400 <= 500,
 *     makes compaction itself unsuitable (compaction_suitable says no). */
static void test_zonelist_suitable(void)
{
	start_zone(4096);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	CHECK_EQ(zone_wmark(normal(), WMARK_LOW), 5);
	CHECK_EQ(normal()->nr_free_pages, 1);
	CHECK_EQ(reclaim_zone_reclaimable(&mm, normal()), 4095);
	struct alloc_context ac = {
		.gfp = GFP_HIGHUSER_MOVABLE | __GFP_COMP,
		.order = 9,
		.mt = MIGRATE_MOVABLE,
		.highest_zoneidx = ZONE_NORMAL,
		.alloc_flags = ALLOC_WMARK_MIN,
	};
	CHECK(!compaction_zonelist_suitable(&mm, &ac));
	for (pfn_t lo = 1024; lo < 2816; lo += 512)
		free_pfns(lo, lo + 256, 1);
	CHECK_EQ(normal()->nr_free_pages, 1025);
	CHECK_EQ(normal()->free_area[8].nr_free, 4);
	CHECK_EQ(reclaim_zone_reclaimable(&mm, normal()), 3071);
	CHECK_EQ(compaction_fragmentation_index(normal(), 9), 400);
	CHECK(!compaction_suitable(&mm, normal(), 9, ZONE_NORMAL, ALLOC_WMARK_MIN));
	CHECK(compaction_zonelist_suitable(&mm, &ac));
	check_all("zonelist suitable");
	shutdown();
}

/* ---- scanners on hand-built zones ----------------------------------------------------- */

/* 2048-page zone = pageblocks B0..B3.  Fill with movable order-0 pages (ascending pfns),
 * free every odd pfn: each block holds 256 objects and 256 holes.  A whole-zone sync run
 * (compact_zone, 6.12): B0's first batch is 32 objects (0..62), the free scanner takes 32
 * of B3's holes; the second batch comes from the same block, so it finishes B0
 * (finish_pageblock): the other 224 objects at once, into B3's other 224 holes.  B1 the
 * same way: 32 into B2 (the free scanner may still use B2: the migrate scanner is at 574,
 * pageblock_end_pfn 1024), then the rest of B1, 224 objects, with the migrate scanner at
 * 1024: the free scanner may only use blocks from pageblock_end_pfn(1024) = 1536 on, B3 is
 * full, nothing is left on its list: -ENOMEM on the first object (1 failed, the rest put
 * back), and the scanners have met (B2).  So 256 + 32 = 288 moved, B0 is one free order-9
 * block, B1 keeps 224 objects.  compact_isolated = 256 + 32 + 224 sources + 288 targets =
 * 800.  A second run moves nothing: B0 is empty; for B1's first batch the free scanner
 * starts at B3, full, so (isolate_freepages, 6.12) its stride doubles to 2 and B2 is
 * sampled at its even pfns only, all in use: no target, -ENOMEM, the scanners meet. */
static void test_scanners_meet(void)
{
	start_zone(2048);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	uint64_t nr_low = 0;
	for (pfn_t pfn = 0; pfn < 1024; pfn++)
		nr_low += id_at[pfn] != 0;
	CHECK_EQ(nr_low, 512);
	struct compact_control cc = {
		.zone = normal(), .order = -1, .migratetype = MIGRATE_MOVABLE, .alloc_flags = ALLOC_WMARK_MIN,
		.highest_zoneidx = ZONE_NORMAL, .mode = MIGRATE_SYNC, .whole_zone = true, .ignore_skip_hint = true,
	};
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_COMPLETE);
	CHECK_EQ(cc.nr_migrated, 288);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 288);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 1);
	/* Scanners met by pageblock. */
	CHECK((cc.free_pfn >> 9) <= (cc.migrate_pfn >> 9));
	CHECK((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order == 9);
	CHECK_EQ(normal()->free_area[10].nr_free, 0);
	uint64_t nr_b1 = 0;
	for (pfn_t pfn = 512; pfn < 1024; pfn++)
		nr_b1 += (mm.pages[pfn].flags & PF_HEAD) != 0;
	CHECK_EQ(nr_b1, 224);
	/* Caches reset when the scanners met. */
	CHECK_EQ(normal()->compact_cached_migrate_pfn[0], 0);
	CHECK_EQ(normal()->compact_cached_free_pfn, 1536);
	CHECK_EQ(mm.vm_events[VM_COMPACT_ISOLATED], 800);
	check_all("scanners meet");
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC, true), COMPACT_COMPLETE);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 288);
	check_all("second run");
	shutdown();
}

/* The layout of the folio tests below: a zone of `pages`, an order-2 page-cache folio
 * (id 1) at pfns 0..3, order-0 pages everywhere else; every page of [4, all_free) freed and
 * the odd pfns above it. */
static void folio_over_holes(pfn_t pages, pfn_t all_free)
{
	start_zone(pages);
	boot();
	CHECK_EQ(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2), 0);
	id_at[0] = 1;
	fill(GFP_HIGHUSER_MOVABLE, 2);
	for (pfn_t pfn = 4; pfn < pages; pfn++)
		if (id_at[pfn] && (pfn < all_free || (pfn & 1))) {
			CHECK(mm_free(&mm, id_at[pfn]));
			id_at[pfn] = 0;
		}
}

/* One isolate_freepages call per target, then a split.  1024 pages (B0, B1): an order-2
 * page-cache folio (id 1) at pfns 0..3, order-0 pages everywhere else; free every page of
 * [4, 512) and the odd pfns of B1.  Whole-zone sync compaction: the migrate scanner
 * isolates only the folio (B0) and stops at 512; compaction_alloc(order 2) finds the
 * isolated list empty and calls isolate_freepages once: no fast search (order -1), and
 * the linear scan never enters the block after the migrate scanner's (low = 1024 > B1),
 * so nothing.  No block of order >= 2 on the free lists at or above pfn 1024 (the free
 * scanner's domain) either: the free blocks of [4, 512) are one per order 2..8,
 * 7 list entries looked at.  NULL: migrate_pages splits the folio instead of failing it
 * (pgmigrate_fail stays 0, no -ENOMEM stop); the model does not move the pieces, so the
 * folio stays at pfn 0.  The scanners then meet in B1.  Free-scanned: 7. */
static void test_free_scanner_once_then_split(void)
{
	folio_over_holes(1024, 512);
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC, true), COMPACT_COMPLETE);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 7);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_SPLIT], 1);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	const struct obj_slot *o = obj_lookup(&mm.objs, 1);
	CHECK(o && o->pfn == 0);
	check_all("split");
	shutdown();
}

/* The same layout as test_split_folio_moves_whole below, the folio dirty page cache: the
 * split would fail (its filesystem keeps a dirty folio's private data: 6.18
 * try_split_folio -> filemap_release_folio), so the model may not move it whole as the
 * split's stand-in.  2048 pages, folio at 0..3, free [4, 1536) and the odd pfns of B3:
 * the one isolate_freepages call takes order-0 pages of B3 only; compaction_alloc returns
 * NULL and migrate_pages fails the folio with -ENOMEM: pgmigrate_fail 4 (its pages), no
 * split, nothing moved.  The free scanner is in B3 and the migrate scanner past B0: not
 * met, so the run ends COMPACT_CONTENDED (compact_zone on -ENOMEM). */
static void test_dirty_folio_nomem_contended(void)
{
	folio_over_holes(2048, 1536);
	CHECK(!(mm.pages[0].flags & PF_SWAPBACKED));
	mm.pages[0].flags |= PF_DIRTY;
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC, true), COMPACT_CONTENDED);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_SPLIT], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 4);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_NOMEM], 4);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	const struct obj_slot *o = obj_lookup(&mm.objs, 1);
	CHECK(o && o->pfn == 0);
	mm.pages[0].flags &= (uint16_t)~PF_DIRTY;
	check_all("dirty folio");
	shutdown();
}

/* The same folio moves whole when a block of its order is free in the top half between
 * the scanners.  2048 pages: folio at 0..3, free [4, 1536) and the odd pfns of B3.  The
 * one isolate_freepages call takes 1537..1543 (8 scanned); no order-2 block among them.
 * The free scanner's domain starts after the migrate scanner's block (512): at 1024; the
 * free lists from the tail: one block per order 2..8 below it (7 entries), then order 9:
 * 512 (below, 1 entry) and 1024 (taken, 1 entry).
 * The folio moves to 1024: pgmigrate_success 4, no split. */
static void test_split_folio_moves_whole(void)
{
	folio_over_holes(2048, 1536);
	run_cc(-1, MIGRATE_SYNC, true);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_SPLIT], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 0);
	CHECK(mm.vm_events[VM_PGMIGRATE_SUCCESS] >= 4);
	const struct obj_slot *o = obj_lookup(&mm.objs, 1);
	CHECK(o && o->pfn >= 1024);
	check_all("moved whole");
	shutdown();
}

/* Unmovable pages never move: the same pattern with GFP_KERNEL makes every block
 * UNMOVABLE (claimed on the first fallback), so the free scanner has no target block and is
 * never needed; the migrate scanner walks B0..B2 (it stops below the free scanner's block
 * B3), one iteration per pfn because every page is an order-0 object or order-0 hole:
 * 3 * 512 = 1536 pfns scanned, nothing isolated, and B0..B2 get their skip bits. */
static void test_unmovable_zone_terminates(void)
{
	start_zone(2048);
	boot();
	fill(GFP_KERNEL, 1);
	free_odd_pfns();
	char *before = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	compaction_compact_node(&mm, NULL, ZONE_NORMAL, -1);
	char *after = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	CHECK_STR(after, before);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 1536);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_ISOLATED], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS] + mm.vm_events[VM_PGMIGRATE_FAIL], 0);
	for (int b = 0; b < 3; b++)
		CHECK(normal()->pageblocks[b].bits & PB_SKIP);
	CHECK(!(normal()->pageblocks[3].bits & PB_SKIP));
	free(before);
	free(after);
	check_all("unmovable zone");
	shutdown();
}

/* One pinned page in B0 (pfn 100) keeps B0 from becoming free: the rest of B0 still moves
 * (its first batch of 32, then the other 224 at once as the block is finished: 223 move),
 * into B3's holes, and B0 cannot become a free order-9 block.  (B1 then moves only in
 * part: see test_scanners_meet.)  The object is a file page (not anon), so it is isolated
 * and fails after the retries: one mmsim_migrate_fail_pinned page. */
static void test_pinned_page_blocks_pageblock(void)
{
	start_zone(2048);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	uint64_t pinned_id = id_at[100];
	CHECK(mm_pin(&mm, pinned_id, 0));
	compaction_compact_node(&mm, NULL, ZONE_NORMAL, -1);
	CHECK_EQ(obj_lookup(&mm.objs, pinned_id)->pfn, 100);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 1);
	uint64_t moved_to_b3 = 0;
	for (pfn_t pfn = 0; pfn < 512; pfn += 2)
		moved_to_b3 += pfn != 100 && obj_lookup(&mm.objs, id_at[pfn])->pfn >= 1536;
	CHECK_EQ(moved_to_b3, 255);
	CHECK(!((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order >= 9));
	CHECK_EQ(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free, 0);
	check_all("pinned");
	shutdown();

	/* An anon pinned page is not even isolated (refcount above mapcount). */
	start_zone(2048);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	pinned_id = id_at[100];
	reclaim_set_page_flags(&mm, 100, PF_SWAPBACKED, 0);
	CHECK(mm_pin(&mm, pinned_id, 0));
	compaction_compact_node(&mm, NULL, ZONE_NORMAL, -1);
	CHECK_EQ(obj_lookup(&mm.objs, pinned_id)->pfn, 100);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 0);
	CHECK_EQ(normal()->free_area[10].nr_free, 0);
	check_all("pinned anon");
	shutdown();
}

/* fast_find_migrateblock (6.12).  8192 pages (16 blocks), all in use but the odd pfns of
 * B8..B15 (the targets) and an order-3 block at 1024 in B2.  Order 9, sync-light, skip
 * hints honoured: the migrate scanner is at the zone start, so the fast search looks for a
 * MOVABLE free block of order 3..8 below pb_start((7680 - 0) / 2) = 3584 and finds 1024
 * (1 entry looked at, counted as migrate-scanned).  The linear scan starts at B2, not B0:
 * 1024/3 (8) and 504 objects, 512 scanned; B2 is then one free order-9 block: SUCCESS.
 * migrate_scanned 1 + 512 = 513, pgmigrate_success 504, B0 and B1 untouched, B2 marked
 * skip (it was isolated from). */
static void test_fast_find_migrateblock(void)
{
	start_upper_targets();
	for (pfn_t pfn = 1024; pfn < 1032; pfn++) {
		CHECK(mm_free(&mm, id_at[pfn]));
		id_at[pfn] = 0;
	}
	CHECK((mm.pages[1024].flags & PF_BUDDY) && mm.pages[1024].order == 3);
	CHECK_EQ(run_cc(9, MIGRATE_SYNC_LIGHT, false), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 513);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 504);
	CHECK((mm.pages[1024].flags & PF_BUDDY) && mm.pages[1024].order == 9);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[0])->pfn, 0);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[512])->pfn, 512);
	CHECK(normal()->pageblocks[2].bits & PB_SKIP);
	check_all("fast_find_migrateblock");
	shutdown();
}

/* fast_find_migrateblock's list handling: it skips entries in a pageblock marked skip and
 * rotates the entry it takes to the tail (move_freelist_tail).  As test_fast_find_migrateblock
 * but with three order-3 blocks on the MOVABLE list, head to tail: A = 512 (B1, marked
 * skip), B = 1024 (B2), C = 2048 (B4).  The search looks at A (skip) and takes B: 2 entries,
 * the list becomes C, A, B.  B2 is emptied (512 scanned) and B merges into the free order-9
 * block at 1024: the list is C, A.  (The free scanner's searches of the order-3 list look
 * at all three entries, fewer than their limit, and so reorder nothing.)  migrate_scanned
 * 2 + 512 = 514. */
static void test_fast_find_rotates(void)
{
	start_upper_targets();
	static const pfn_t order3[3] = { 2048, 1024, 512 }; /* freed C, B, A: each goes to the head */
	for (int b = 0; b < 3; b++)
		for (pfn_t pfn = order3[b]; pfn < order3[b] + 8; pfn++) {
			CHECK(mm_free(&mm, id_at[pfn]));
			id_at[pfn] = 0;
		}
	const struct pfn_list *l = &normal()->free_area[3].free_list[MIGRATE_MOVABLE];
	CHECK(l->head == 512 && mm.pages[512].next == 1024 && l->tail == 2048);
	normal()->pageblocks[1].bits |= PB_SKIP;
	CHECK_EQ(run_cc(9, MIGRATE_SYNC_LIGHT, false), COMPACT_SUCCESS);
	CHECK(l->head == 2048 && mm.pages[2048].next == 512 && l->tail == 512);
	CHECK((mm.pages[1024].flags & PF_BUDDY) && mm.pages[1024].order == 9);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 514);
	check_all("fast_find rotates");
	shutdown();
}

/* fast_isolate_freepages' list handling: the entry its search stops at becomes the head
 * (move_freelist_head), so the next search from the tail starts with entries not yet looked
 * at.  As test_fast_find_migrateblock, plus three order-1 blocks on the MOVABLE list, head
 * to tail: H = 3072 (B6), X = 7168 (B14: 7168 freed, merged with the free 7169), L = 2560
 * (B5).  The first free-scanner call (migrate_pfn 1064, free_pfn 7680: low_pfn 5632,
 * min_pfn 4096) searches orders 8..1 from the tails: the order-3 list (1024, below min_pfn,
 * looked at whole), then the order-1 list: L (below), X (>= low_pfn: taken).  The entries
 * before X, H, go to the tail: X, L, H; X is isolated: L, H.  Later searches look at the
 * two whole and reorder nothing. */
static void test_fast_isolate_rotates(void)
{
	start_upper_targets();
	static const pfn_t frees[] = { 2560, 2561, 7168, 3072, 3073, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031 };
	for (size_t i = 0; i < ARRAY_SIZE(frees); i++) {
		CHECK(mm_free(&mm, id_at[frees[i]]));
		id_at[frees[i]] = 0;
	}
	const struct pfn_list *l = &normal()->free_area[1].free_list[MIGRATE_MOVABLE];
	CHECK(l->head == 3072 && mm.pages[3072].next == 7168 && l->tail == 2560);
	CHECK_EQ(run_cc(9, MIGRATE_SYNC_LIGHT, false), COMPACT_SUCCESS);
	CHECK(l->head == 2560 && mm.pages[2560].next == 3072 && l->tail == 3072);
	CHECK(!(mm.pages[7168].flags & PF_BUDDY) || mm.pages[7168].order != 1);
	check_all("fast_isolate rotates");
	shutdown();
}

/* Async direct compaction gives up on an order-aligned block at its first page that
 * cannot be isolated (isolate_migratepages_block's skip_on_failure, 6.12).  8192 pages,
 * all in use but the odd pfns of B8..B15; the anon page at 100 is pinned.  Order 9: the
 * fast search finds no free block of order 3..8 (nothing looked at).  B0: 0..31 move in
 * a batch of 32; the next batch comes from the same pageblock, so it finishes B0
 * (finish_pageblock, compact_zone in 6.12): 32..99 isolated, 100 fails, 32..99 are put
 * back and the scan jumps to 512 (32 + 69 pfns scanned in B0), the cached migrate pfn
 * moving past B0.  At 512 the fast search looks at B0's new free block 0/5 (1 entry, in a
 * block marked skip).  B1: 32, then the other 480 at once; B1 is free: SUCCESS.
 * migrate_scanned 101 + 1 + 512 = 614, pgmigrate_success 32 + 512 = 544.  Each finished
 * block moves the async cached migrate pfn to pageblock_end_pfn(its end) (update_cached_
 * migrate, 6.12: one block further on): 1024 after B0, 1536 after B1; the sync one stays
 * at the zone start. */
static void test_async_skip_on_failure(void)
{
	start_upper_targets();
	reclaim_set_page_flags(&mm, 100, PF_SWAPBACKED, 0);
	CHECK(mm_pin(&mm, id_at[100], 0));
	struct compact_control cc = direct_async_cc(9);
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 614);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 544);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[32])->pfn, 32);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[96])->pfn, 96);
	CHECK_EQ(normal()->compact_cached_migrate_pfn[0], 1536);
	CHECK_EQ(normal()->compact_cached_migrate_pfn[1], 0);
	CHECK(normal()->pageblocks[0].bits & PB_SKIP);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[101])->pfn, 101);
	CHECK((mm.pages[512].flags & PF_BUDDY) && mm.pages[512].order == 9);
	mm_unpin(&mm, id_at[100]);
	check_all("skip_on_failure");
	shutdown();
}

/* A large folio that async direct compaction cannot isolate counts one page scanned
 * (isolate_migratepages_block, 6.18: its tail pages are counted only when it is skipped
 * for its order or isolated, and skip_on_failure jumps past them).  8192 pages, all in use
 * but the odd pfns of B8..B15; B0's first 8 pages are one order-3 page-cache folio under
 * writeback (not isolated in async mode).  Order 9: the fast search finds no free block of
 * order 3..8 (nothing looked at).  B0: the folio at 0 fails, 1 pfn scanned, the scan
 * jumps to 512.  At 512 the fast search again finds nothing; B1: 512 objects moved, B1 is
 * free: SUCCESS.  migrate_scanned 1 + 512 = 513 (counting the folio whole: 520). */
static void test_async_failed_folio_counts_one(void)
{
	start_upper_targets();
	free_pfns(0, 8, 1);
	uint64_t folio = 1u << 20;
	CHECK_EQ(mm_alloc(&mm, folio, GFP_HIGHUSER_MOVABLE, 3), 0);
	CHECK(reclaim_writeback_object(&mm, folio));
	struct compact_control cc = direct_async_cc(9);
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 513);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 512);
	CHECK_EQ(obj_lookup(&mm.objs, folio)->pfn, 0);
	CHECK((mm.pages[512].flags & PF_BUDDY) && mm.pages[512].order == 9);
	check_all("failed folio");
	shutdown();
}

/* compaction_capture (6.18): a direct compaction stops as soon as its own frees make a
 * block of the order, mid-pageblock.  8192 pages, all in use but the odd pfns of B8..B15.
 * Order 8, async direct: the fast search finds no free block of order 3..7 (nothing looked
 * at); B0's objects 0..255 move in 8 batches of 32 and after the 8th, 0..255 is one free
 * order-8 block: SUCCESS with migrate_scanned 256 and pgmigrate_success 256; the object
 * at 256 stays.  (Waiting for the pageblock's end would move all 512.) */
static void test_direct_capture(void)
{
	start_upper_targets();
	struct compact_control cc = direct_async_cc(8);
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 256);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 256);
	CHECK((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order == 8);
	CHECK_EQ(obj_lookup(&mm.objs, id_at[256])->pfn, 256);
	check_all("capture");
	shutdown();
}

/* compaction_capture never hands a non-movable request below pageblock_order a block of a
 * MOVABLE pageblock (6.18: "do not let lower order allocations pollute a movable
 * pageblock").  The setup of test_direct_capture, now an unmovable order-4 direct
 * compaction in sync-light mode (async takes no MOVABLE source block for it): the first
 * batch frees 0..31, an order-5 block in movable B0, and the run does not stop there; it
 * finishes the pageblock (512 moved, migrate_pfn 512), where __compact_finished finds B0
 * free as one order-9 block the request may claim (order 9 >= pageblock_order / 2):
 * SUCCESS with 512 scanned and moved (stopping at the first batch: 32). */
static void test_capture_not_movable_block(void)
{
	start_upper_targets();
	struct compact_control cc = direct_async_cc(4);
	cc.migratetype = MIGRATE_UNMOVABLE;
	cc.mode = MIGRATE_SYNC_LIGHT;
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 512);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 512);
	CHECK((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order == 9);
	check_all("capture, unmovable");
	shutdown();
}

/* The free scanner's stride (isolate_freepages, 6.12).  1536 pages, all in use but: B0
 * free except its objects at 0 and 1 (the migrate scanner's first batch: 2 pages), 544 and
 * 1023 (left by the fill) in B1, 1025 and 1088 in B2.  The migrate scanner passes B0: 0, 1,
 * then the free blocks 2/1 .. 256/8 counted whole: 512 scanned, migrate_pfn 512.  The free
 * scanner starts at B2 and stops above the migrate scanner's block B1.
 * Async (stride 32): B2 at 1024, 1056, 1088 (taken), ..., 1504: 16 pfns looked at, 1025
 * never; the first object moves to 1088, the second finds no target (the free scanner is
 * done: the scanners met): free_scanned 16, pgmigrate_success 1, COMPLETE.
 * Sync-light (stride 1): 1024..1088, 65 pfns, 1025 and 1088 taken, both objects move.  The
 * migrate scanner goes on into B1: 512..543, 32 objects (544 scanned in all); the free
 * scanner goes on from 1089 to B2's end, 447 pfns, nothing: free_scanned 512, the batch
 * fails for want of targets, the scanners have met: COMPLETE with pgmigrate_success 2. */
static void stride_zone(void)
{
	start_zone(1536);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	for (pfn_t pfn = 2; pfn < 1536; pfn++)
		if (id_at[pfn] && (pfn < 512 || pfn == 544 || pfn == 1025 || pfn == 1088)) {
			CHECK(mm_free(&mm, id_at[pfn]));
			id_at[pfn] = 0;
		}
}

static void test_free_scanner_stride(void)
{
	stride_zone();
	CHECK_EQ(run_cc(-1, MIGRATE_ASYNC, true), COMPACT_COMPLETE);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 512);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 16);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 1);
	CHECK(!(mm.pages[1088].flags & PF_BUDDY));
	CHECK((mm.pages[1025].flags & PF_BUDDY) && (mm.pages[544].flags & PF_BUDDY));
	check_all("async stride");
	shutdown();

	stride_zone();
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC_LIGHT, true), COMPACT_COMPLETE);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 544);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 512);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 2);
	CHECK(!(mm.pages[1025].flags & PF_BUDDY) && !(mm.pages[1088].flags & PF_BUDDY));
	CHECK(mm.pages[544].flags & PF_BUDDY);
	check_all("sync stride");
	shutdown();
}

/* The free scanner's moves at the start of a run and after a block scanned whole
 * (fast_isolate_freepages, isolate_freepages, 6.18).  8192 pages all in use by order-0
 * movable objects but 8191 (left by the fill, the order-0 list's tail), then freed:
 * 8000, 8002, ..., 8014 (8 pages in the top block B15), 3072, 3074, ..., 3114 (22 in B6)
 * and 3000 (B5).  A sync-light direct compaction for order 3 (no fast_find_migrateblock
 * at or below PAGE_ALLOC_COSTLY_ORDER): the migrate scanner isolates 0..31 (32 scanned).
 * Object 0: fast_isolate_freepages starts the scan (free_pfn 7680 = compact_init_free_pfn:
 * limit 256), low_pfn = pb_start(7680 - 7648/4) = 5632, min_pfn = pb_start(7680 - 7648/2)
 * = 3584; orders 2, 1 are empty, the order-0 list's tail 8191 >= low_pfn is taken (1
 * looked at); not async, so fast_isolate_around scans B15 whole (512) and takes 8000..8014
 * (9 pages in all, goal 32).  Objects 0..8 take them.
 * Object 9: the fast search (from order 0, where it last found) looks at the whole list,
 * 24 entries (B6's 22, 3000, and the source page 8 just freed), none at or above min_pfn:
 * it fails, and as the first search of the run it moves the free scanner to min_pfn 3584
 * and takes the pages around there (6.8+): B7, all in use, scanned whole (512) and marked
 * skip.  The linear scan passes B7 (skip) and scans B6 with stride 1: 22 pages, the whole
 * block (512); B5: 3000 and the rest of the block (512), goal 32 still not met; then B4
 * (512, nothing: stride 2), B3 (256), B2 (128), B1 (64), and the scan stops above the
 * migrate scanner's block.  Objects 9..31 move; B0's 0..31 are then one free order-5
 * block: captured, SUCCESS.  free_scanned 1 + 512 + 24 + 512 + 512 + 512 + 512 + 256 +
 * 128 + 64 = 3033, compact_isolated 32 + 32 = 64.  Every block scanned whole sets the
 * cached free pfn to the block below it (update_pageblock_skip(cc, page, block_start_pfn
 * - pageblock_nr_pages), 6.18): the last, B1, leaves 0; fast_isolate_around's skip bit on
 * B7 moves nothing. */
static void test_free_scanner_moves(void)
{
	start_zone(8192);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_pfns(8000, 8016, 2);
	free_pfns(3072, 3116, 2);
	free_pfns(3000, 3001, 1);
	struct compact_control cc = direct_async_cc(3);
	cc.mode = MIGRATE_SYNC_LIGHT;
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_SUCCESS);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 32);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 32);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 3033);
	CHECK_EQ(mm.vm_events[VM_COMPACT_ISOLATED], 64);
	CHECK(!(mm.pages[3000].flags & PF_BUDDY) && !(mm.pages[8191].flags & PF_BUDDY));
	CHECK((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order == 5);
	CHECK(normal()->pageblocks[15].bits & PB_SKIP);
	CHECK(normal()->pageblocks[7].bits & PB_SKIP);
	CHECK(normal()->pageblocks[6].bits & PB_SKIP);
	CHECK(normal()->pageblocks[5].bits & PB_SKIP);
	CHECK(normal()->pageblocks[1].bits & PB_SKIP);
	CHECK_EQ(normal()->compact_cached_free_pfn, 0);
	check_all("free scanner moves");
	shutdown();
}

/* A compound page reaching past the end of the pageblock being scanned is not jumped
 * over by the free scanner: it is one page, and the scan steps on through its tail
 * pages (isolate_freepages_block, 6.5+ to 6.18: only a compound page that ends inside
 * the range is passed and counted whole).  2048 pages: an order-10 movable object at
 * 1024 (B2 and B3), order-0 objects at 0..3, the rest of B0 and all of B1 free.  Whole-
 * zone sync compaction (compact_node): the migrate scanner takes 0..3 and passes B0's free
 * blocks 4/2 .. 256/8 (512 scanned, migrate_pfn 512).  The free scanner may not go below
 * pageblock_end_pfn(512) = 1024: B3 is tail pages, 512 looked at one by one, nothing
 * (stride then 2); B2 starts with the head, whose 1024 pages end beyond B2: counted 1, and
 * its tails 1026, 1028, ... 1534: 256 in all (counting the head whole: 1024).  No target:
 * the first object fails (-ENOMEM) with the scanners met: COMPLETE, free_scanned 768. */
static void test_free_scanner_large_compound(void)
{
	start_zone(2048);
	boot();
	for (uint64_t id = 1; id <= 4; id++)
		CHECK_EQ(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0), id - 1);
	CHECK_EQ(mm_alloc(&mm, 100, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 10), 1024);
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC, true), COMPACT_COMPLETE);
	CHECK_EQ(mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], 512);
	CHECK_EQ(mm.vm_events[VM_COMPACT_FREE_SCANNED], 768);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	CHECK_EQ(obj_lookup(&mm.objs, 1)->pfn, 0);
	check_all("large compound");
	shutdown();
}

/* B0's 256 objects are under writeback.  B3 is free but for its page 2046, so its free
 * blocks are 1536/8, 1792/7, 1920/6, 1984/5, 2016/4, 2032/3, 2040/2, 2044/1, 2047/0.
 * Async: B0 is not isolated (ISOLATE_ASYNC_MIGRATE), it stays and nothing fails.  B1's
 * first batch of 32 makes the free scanner isolate 1536/8 (256 pages); the batch from the
 * same block finishes B1 (finish_pageblock, 6.12): its other 224 objects take the rest of
 * that block.  B2 the same way: 32 objects, the free scanner isolates 1792/7 (128 pages),
 * then the other 224 with the migrate scanner at 1536: the free scanner may not go below
 * pageblock_end_pfn(1536) = 2048, so only the 96 pages still isolated are used and the
 * batch ends with -ENOMEM: 256 + 32 + 96 = 384 moved.  Sync-light: B0 is not isolated
 * either (ISOLATE_ASYNC_MIGRATE is every mode but MIGRATE_SYNC, 4.8+), so nothing fails;
 * B2's 128 objects left: 32 into 1920/6, then the rest with the 32 still isolated: 64
 * more (448).  MIGRATE_SYNC: B0's 256 move (704), still no -EBUSY. */
static void test_writeback_moves_only_in_sync(void)
{
	start_zone(2048);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	for (pfn_t pfn = 1536; pfn < 2046; pfn += 2) {
		CHECK(mm_free(&mm, id_at[pfn]));
		id_at[pfn] = 0;
	}
	for (pfn_t pfn = 0; pfn < 512; pfn += 2)
		CHECK(reclaim_writeback_object(&mm, id_at[pfn])); /* in flight until polled */
	run_cc(-1, MIGRATE_ASYNC, true);
	for (pfn_t pfn = 0; pfn < 512; pfn += 2)
		if (!(mm.pages[pfn].flags & PF_HEAD) || obj_lookup(&mm.objs, id_at[pfn])->pfn != pfn) {
			CHECK(!"writeback page moved in async mode");
			break;
		}
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_WRITEBACK], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 384); /* B1 256 + B2 32 + 96 */
	check_all("async");

	run_cc(-1, MIGRATE_SYNC_LIGHT, true);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_WRITEBACK], 0);
	for (pfn_t pfn = 0; pfn < 512; pfn += 2)
		if (obj_lookup(&mm.objs, id_at[pfn])->pfn != pfn) {
			CHECK(!"writeback page moved in sync-light mode");
			break;
		}
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 448);
	check_all("sync-light");

	run_cc(-1, MIGRATE_SYNC, true);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 704);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_WRITEBACK], 0);
	for (pfn_t pfn = 0; pfn < 512; pfn += 2) {
		struct obj_slot *s = obj_lookup(&mm.objs, id_at[pfn]);
		if (s->pfn < 1024 || !(mm.pages[s->pfn].flags & PF_WRITEBACK)) {
			CHECK(!"writeback page not moved (or lost its flag) in sync mode");
			break;
		}
	}
	CHECK_EQ(normal()->free_area[10].nr_free, 1);
	check_all("sync");
	shutdown();
}

/* A request without __GFP_FS moves only anonymous pages (isolate_migratepages_block, 4.10+).
 * As in test_scanners_meet: a 2048-page zone filled, the odd pfns freed, so 512 pages in
 * use in the low half and 512 in the high half, 1024 free order-0 pages.
 *   - page cache (GFP_HIGHUSER_MOVABLE): whole-zone sync compaction with nofs isolates
 *     nothing: COMPACT_COMPLETE, nothing migrated, nothing failed (never isolated).
 *     Without nofs the same run moves 288 pages and ends with one -ENOMEM failure, as
 *     test_scanners_meet derives.
 *   - anon (__GFP_ZERO, PF_SWAPBACKED): with nofs the same 288 move.
 *   - Through try_to_compact_pages: a GFP_NOFS order-4 request at SYNC_FULL over page
 *     cache (suitable: 1024 free > low + 2 << 4, fragmentation index
 *     1000 - (1000 + 1024000/16)/1024 = 937 > 500) isolates nothing: no page moves; with
 *     __GFP_FS the same request moves pages. */
static void nofs_run(gfp_t fill_gfp, bool nofs, uint64_t expect_migrated, uint64_t expect_failed)
{
	start_zone(2048);
	boot();
	fill(fill_gfp, 1);
	free_odd_pfns();
	struct compact_control cc = {
		.zone = normal(), .order = -1, .migratetype = MIGRATE_MOVABLE, .alloc_flags = ALLOC_WMARK_MIN,
		.highest_zoneidx = ZONE_NORMAL, .mode = MIGRATE_SYNC, .whole_zone = true, .ignore_skip_hint = true,
		.nofs = nofs,
	};
	CHECK_EQ(compact_zone(&mm, &cc), COMPACT_COMPLETE);
	CHECK_EQ(cc.nr_migrated, expect_migrated);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], expect_failed);
	check_all("nofs");
	shutdown();
}

static uint64_t nofs_direct(gfp_t gfp)
{
	start_zone(2048);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	struct alloc_context ac = {
		.gfp = gfp, .order = 4, .mt = MIGRATE_MOVABLE, .highest_zoneidx = ZONE_NORMAL,
		.alloc_flags = ALLOC_WMARK_MIN,
	};
	compaction_direct(&mm, &ac, COMPACT_PRIO_SYNC_FULL);
	uint64_t moved = mm.vm_events[VM_PGMIGRATE_SUCCESS];
	check_all("nofs direct");
	shutdown();
	return moved;
}

static void test_nofs_moves_only_anon(void)
{
	nofs_run(GFP_HIGHUSER_MOVABLE, true, 0, 0);
	nofs_run(GFP_HIGHUSER_MOVABLE, false, 288, 1);
	nofs_run(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, true, 288, 1);
	CHECK_EQ(nofs_direct(GFP_NOFS | __GFP_HIGHMEM | __GFP_MOVABLE), 0);
	CHECK(nofs_direct(GFP_HIGHUSER_MOVABLE) > 0);
}

/* A capture's skip bits at its start (machine.compaction_skip_start, set when an imported
 * trace's prefill ends).  8192 pages, B0..B7 full of movable pages, B8..B15 with an
 * order-3 free block at every 16-aligned pfn (256 free pages each, a sampled pfn free).
 * The row { start 6244, pages 1948 } starts in B12 (rounded down to 6144) and reaches
 * 8192: B12..B15 marked skip, B11 not.  An order -1 run that keeps the skip hints (no fast
 * search) walks the free scanner down from B15: B15..B12 are passed over and keep every
 * free page they had; B11..B8 give theirs.  After a reset (compact_blockskip_flush, as a
 * direct compaction whose scanners met sets it) B15's sampled free page clears its bit
 * and the cached free pfn goes to its last pfn, 8191; B14..B12 are cleared too, and the
 * next run takes B12..B15's free pages first. */
static size_t free_in(pfn_t lo, pfn_t hi)
{
	size_t n = 0;
	for (pfn_t pfn = lo; pfn < hi; pfn++)
		n += (mm.pages[pfn].flags & PF_BUDDY) ? 1u << mm.pages[pfn].order : 0;
	return n;
}

static void test_skip_start(void)
{
	start_zone(8192);
	cfg.machine.nr_skip_start = 1;
	cfg.machine.skip_start[0] = (struct skip_start_config){ .zone = ZONE_NORMAL, .start = 6244, .pages = 1948 };
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	for (pfn_t pfn = 4096; pfn < 8192; pfn += 16)
		free_pfns(pfn, pfn + 8, 1);
	size_t upper = free_in(6144, 8192);
	CHECK(upper >= 1024);
	mm_zone_capture_start(&mm);
	for (int b = 0; b < 16; b++)
		CHECK_EQ(!!(normal()->pageblocks[b].bits & PB_SKIP), b >= 12);
	uint64_t migrated0 = mm.vm_events[VM_PGMIGRATE_SUCCESS];
	CHECK_EQ(run_cc(-1, MIGRATE_SYNC_LIGHT, false), COMPACT_COMPLETE);
	uint64_t migrated1 = mm.vm_events[VM_PGMIGRATE_SUCCESS] - migrated0;
	CHECK(migrated1 > 0);
	CHECK_EQ(free_in(6144, 8192), upper);
	CHECK(free_in(4096, 6144) < 1024);
	check_all("skip start");
	mm.compact->compact_blockskip_flush[ZONE_NORMAL] = true;
	kswapd_naps();
	for (int b = 12; b < 16; b++)
		CHECK(!(normal()->pageblocks[b].bits & PB_SKIP));
	CHECK_EQ(normal()->compact_cached_free_pfn, 8191);
	run_cc(-1, MIGRATE_SYNC_LIGHT, false);
	CHECK(free_in(6144, 8192) + 512 <= upper);
	CHECK(mm.vm_events[VM_PGMIGRATE_SUCCESS] - migrated0 > migrated1);
	check_all("skip start, reset");
	shutdown();
}

/* reset_isolation_suitable (__reset_isolation_suitable, 6.12) on a 4096-page zone B0..B7,
 * every block marked skip, all pages movable LRU objects except: B0 all free (one order-9
 * block), B6's pfns 3072..3079 free (an order-3 block, a sampled pfn), B7's odd pfns free
 * (order-0 blocks at odd pfns: never sampled, every 8th page from the block start).  The
 * lower cursor visits B0..B3, the upper one B7..B4 (last pfns 4095, 3583, 3071, 2559) and
 * they stop at 2048/2047.  Lower: B0 has no sampled LRU page and, before a source is found,
 * free pages do not count: it stays skipped; B1 is the first source (cached migrate pfns
 * and compact_init_migrate_pfn 512), B2 and B3 are cleared.  Upper: B7's sampled pages are
 * all in use and a target is wanted first: it stays skipped; B6 (MOVABLE, sampled free
 * page at 3072) is the first target: cached free pfn = its last pfn 3583, as the kernel's
 * cursor holds it; B5 and B4 are cleared.  Without compact_blockskip_flush nothing
 * changes; the flag is cleared by the reset. */
static void test_reset_isolation_sampled(void)
{
	start_zone(4096);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	CHECK(mm.pages[512].flags & PF_LRU);
	free_pfns(0, 512, 1);
	free_pfns(3072, 3080, 1);
	free_pfns(3585, 4096, 2);
	for (int b = 0; b < 8; b++)
		normal()->pageblocks[b].bits |= PB_SKIP;
	compaction_kswapd_reset_skip(&mm);
	for (int b = 0; b < 8; b++)
		CHECK(normal()->pageblocks[b].bits & PB_SKIP);
	mm.compact->compact_blockskip_flush[ZONE_NORMAL] = true;
	compaction_kswapd_reset_skip(&mm);
	static const bool kept[8] = { true, false, false, false, false, false, false, true };
	for (int b = 0; b < 8; b++)
		CHECK_EQ(!!(normal()->pageblocks[b].bits & PB_SKIP), kept[b]);
	CHECK_EQ(normal()->compact_cached_migrate_pfn[0], 512);
	CHECK_EQ(normal()->compact_cached_migrate_pfn[1], 512);
	CHECK_EQ(mm.compact->init_migrate_pfn[ZONE_NORMAL], 512);
	CHECK_EQ(normal()->compact_cached_free_pfn, 3583);
	CHECK_EQ(mm.compact->init_free_pfn[ZONE_NORMAL], 3583);
	CHECK(!mm.compact->compact_blockskip_flush[ZONE_NORMAL]);
	check_all("reset sampled");
	shutdown();
}

/* ---- triggers ---------------------------------------------------------------------- */

/* kcompactd (an engine event at the wake-up's time, run here at once).  Order 0 is ignored.  A fragmented movable
 * 4096-page zone has no order-9 block; after kcompactd for order 9 it has one. */
static void test_kcompactd(void)
{
	start_zone(4096);
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	wakeup_kcompactd(&mm, 0, ZONE_NORMAL);
	mmtest_run_until(&mm, 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 0);
	CHECK_EQ(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free, 0);
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	mmtest_run_until(&mm, 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 1);
	CHECK(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free >= 1);
	CHECK(mm.vm_events[VM_COMPACT_DAEMON_MIGRATE_SCANNED] > 0);
	CHECK(mm.vm_events[VM_COMPACT_DAEMON_FREE_SCANNED] > 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_MIGRATE_SCANNED], mm.vm_events[VM_COMPACT_MIGRATE_SCANNED]);
	/* Success resets nothing but order_failed; no deferral. */
	CHECK_EQ(normal()->compact_defer_shift, 0);
	/* Nothing to do at order 9 now: the wake-up finds no suitable zone. */
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	mmtest_run_until(&mm, 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 1);
	check_all("kcompactd");
	shutdown();
}

/* kcompactd's timed sleep (kcompactd() in 6.18): an order that wakeup_kcompactd records
 * while no zone is suitable stays requested, and the end of kcompactd's current sleep
 * serves it.  The zone (4096 pages, min watermark 1 page) is filled with movable pages and
 * the odd pfns below 1024 freed: about 512 free order-0 pages, below min + compact_gap(9)
 * = 1 + 1024, so compaction is not suitable (COMPACT_SKIPPED) and the wake-up at 700 ms
 * wakes nobody.  The odd pfns from 1025 up are then freed (about 2048 free, fragmentation
 * index 1000 - (1000 + 2048000/512)/2048 = 998 > 500: suitable).  kcompactd's sleep began
 * at 0 and lasts 500 ms a time: it times out at 500 ms (nothing requested then) and at
 * 1000 ms, when it runs for order 9 (one compact_daemon_wake) and leaves an order-9 block;
 * the request is then cleared, so the next timeout (1500 ms) does nothing.  With
 * proactiveness 0 kcompactd sleeps until woken: the order waits. */
static void kcompactd_timeout_case(unsigned proactiveness)
{
	start_zone(4096);
	cfg.policy.compaction_proactiveness = proactiveness;
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_pfns(1, 1024, 2);
	mmtest_run_until(&mm, 700 * NSEC_PER_MSEC);
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	CHECK_EQ(mm.compact->kcompactd_max_order, 9);
	CHECK(!mm.compact->kcompactd_pending);
	free_pfns(1025, 4096, 2);
	mmtest_run_until(&mm, 1000 * NSEC_PER_MSEC - 1);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 0);
	CHECK_EQ(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free, 0);
	mmtest_run_until(&mm, 2000 * NSEC_PER_MSEC);
	if (proactiveness) {
		CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 1);
		CHECK(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free >= 1);
		CHECK_EQ(mm.compact->kcompactd_max_order, 0);
	} else {
		CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 0);
		CHECK_EQ(mm.compact->kcompactd_max_order, 9);
	}
	check_all("kcompactd timeout");
	shutdown();
}

static void test_kcompactd_timeout(void)
{
	kcompactd_timeout_case(20);
	kcompactd_timeout_case(0);
}

/* Proactive (proactiveness 20: low 80, high 90).  With every free page at order 0 the
 * zone's score is 100 > 90: one proactive run brings it to <= 80.  The next check sees
 * <= 90 and does nothing. */
static void test_proactive(void)
{
	start_zone(4096);
	cfg.policy.defrag = DEFRAG_PROACTIVE;
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	CHECK_EQ(compaction_extfrag_for_order(normal(), 9), 100);
	compaction_periodic(&mm);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	CHECK(compaction_extfrag_for_order(normal(), 9) <= 80);
	compaction_periodic(&mm);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	check_all("proactive");
	shutdown();
}

/* The proactive check is kcompactd's (kcompactd() and should_proactive_compact_node() in
 * 6.18): made when a 500 ms sleep times out with nothing requested, the sleep restarting
 * at every wake; never while kswapd runs; and after a run that did not lower the node's
 * score the next sleep lasts 500 ms << 6 = 32 s.  Zone of 4096 pages, odd pfns free (2048
 * single pages): node score 4096 * 100 / 4097 = 99 > 90 (proactiveness 20).
 *   movable pages: kcompactd's sleep began at 0.  At 300 ms Normal is deferred for order 9
 *   (shift 6) and kcompactd is woken for order 9: suitable (fragmentation index
 *   1000 - (1000 + 2048000/512)/2048 = 998), so it wakes, finds the zone deferred, does
 *   nothing (compact_daemon_wake 1) and sleeps again from 300 ms.  No check at 500 ms (the
 *   sleep was cut short); at 800 ms the check runs once and brings the score to <= 80;
 *   at 1300 ms the score is <= 90: nothing.  Once more with kswapd running from 0: the
 *   500 ms timeout checks nothing; kswapd asleep again, the check runs at 1000 ms.
 *   unmovable pages (GFP_KERNEL): the run at 500 ms moves nothing (score 99 again), so
 *   the next check is at 500 + 32000 = 32500 ms, not at 1000 ms. */
static void test_proactive_on_kcompactd_timeout(void)
{
	start_zone(4096);
	cfg.policy.defrag = DEFRAG_PROACTIVE;
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	CHECK_EQ(compaction_node_score(&mm), 99);
	mmtest_run_until(&mm, 300 * NSEC_PER_MSEC);
	normal()->compact_defer_shift = 6;
	normal()->compact_considered = 0;
	normal()->compact_order_failed = 0;
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	mmtest_run_until(&mm, 800 * NSEC_PER_MSEC - 1);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 0);
	mmtest_run_until(&mm, 800 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	CHECK(compaction_node_score(&mm) <= 80);
	mmtest_run_until(&mm, 1300 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	check_all("proactive timeout");
	shutdown();

	start_zone(4096);
	cfg.policy.defrag = DEFRAG_PROACTIVE;
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_odd_pfns();
	mm.reclaim->kswapd.state = KSWAPD_RUNNING;
	mmtest_run_until(&mm, 500 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 0);
	mm.reclaim->kswapd.state = KSWAPD_SLEEPING;
	mmtest_run_until(&mm, 1000 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	shutdown();

	start_zone(4096);
	cfg.policy.defrag = DEFRAG_PROACTIVE;
	boot();
	fill(GFP_KERNEL, 1);
	free_odd_pfns();
	CHECK_EQ(compaction_node_score(&mm), 99);
	mmtest_run_until(&mm, 500 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	CHECK_EQ(compaction_node_score(&mm), 99);
	mmtest_run_until(&mm, 32500 * NSEC_PER_MSEC - 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 1);
	mmtest_run_until(&mm, 32500 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_PROACTIVE], 2);
	check_all("proactive no progress");
	shutdown();
}

/* Threshold defragmenter: target 3 free order-9 blocks; the fragmented zone has 0: the
 * odd pfns of B0..B3 free, and B4..B7 free but for their first page (so no free block of
 * order 9 anywhere, and the free scanner's targets are found on the free lists whatever
 * its stride).  One check compacts B0, B1 and B2 (each a batch of 32 and then the rest of
 * the block, into B4..B7's free blocks) and stops at B2's end with 3 free order-9 blocks:
 * SUCCESS, no deferral. */
static void test_threshold_defrag(void)
{
	start_zone(4096);
	cfg.policy.defrag = DEFRAG_THRESHOLD;
	cfg.policy.defrag_thresholds[9] = 3;
	boot();
	fill(GFP_HIGHUSER_MOVABLE, 1);
	free_pfns(1, 2048, 2);
	for (pfn_t pfn = 2048; pfn < 4096; pfn++)
		if (pfn % 512)
			free_pfns(pfn, pfn + 1, 1);
	CHECK_EQ(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free, 0);
	compaction_periodic(&mm);
	uint64_t blocks9 = normal()->free_area[9].nr_free + 2 * normal()->free_area[10].nr_free;
	CHECK_EQ(blocks9, 3);
	CHECK((mm.pages[0].flags & PF_BUDDY) && mm.pages[0].order == 10); /* B0 + B1 */
	CHECK((mm.pages[1024].flags & PF_BUDDY) && mm.pages[1024].order == 9);
	CHECK_EQ(normal()->compact_defer_shift, 0);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_DEFRAG_RUNS], 1);
	/* Target met: the next check does nothing. */
	compaction_periodic(&mm);
	CHECK_EQ(mm.vm_events[VM_MMSIM_COMPACT_DEFRAG_RUNS], 1);
	check_all("threshold");
	shutdown();
}

/* ---- invariants under random churn ------------------------------------------------------ */

/* Random allocations (orders 0..3, movable / unmovable / reclaimable), frees, pins,
 * writeback flags, and every kind of compaction; mm_check(2) and compaction_check after
 * each compaction. */
static void test_invariants_after_every_compaction(void)
{
	uint64_t seed = tl_test_seed();
	uint64_t rs = seed;
	start_zone(8192);
	boot();
	mm.hooks.direct_reclaim = no_reclaim;
	uint64_t next_id = 1;
	uint64_t *live = calloc(20000, sizeof(*live));
	size_t nr_live = 0;
	int nr_checks = 0;
	static const gfp_t gfps[4] = { GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER_MOVABLE, GFP_KERNEL,
				       GFP_KERNEL | __GFP_RECLAIMABLE };
	for (int step = 0; step < 40000; step++) {
		uint64_t r = rng_next(&rs);
		if (r % 100 < 55 && nr_live < 20000) {
			unsigned order = (unsigned)(rng_next(&rs) % 4);
			if (rng_next(&rs) % 50 == 0)
				order = 9;
			gfp_t gfp = gfps[rng_next(&rs) % 4] | (order ? __GFP_COMP : 0);
			if (mm_alloc(&mm, next_id, gfp, order) != PFN_NONE) {
				live[nr_live++] = next_id;
				struct obj_slot *s = obj_lookup(&mm.objs, next_id);
				uint64_t f = rng_next(&rs) % 20;
				if (f == 0)
					mm_pin(&mm, next_id, 0);
				else if (f == 1 && (mm.pages[s->pfn].flags & PF_LRU))
					reclaim_writeback_object(&mm, next_id);
				else if (f == 2 && (mm.pages[s->pfn].flags & PF_LRU))
					reclaim_set_page_flags(&mm, s->pfn, PF_SWAPBACKED, 0);
			}
			next_id++;
		} else if (nr_live) {
			size_t k = rng_next(&rs) % nr_live;
			CHECK(mm_free(&mm, live[k]));
			live[k] = live[--nr_live];
		}
		if (step % 1000 == 999) {
			switch ((step / 1000) % 4) {
			case 0: compaction_compact_node(&mm, NULL, -1, -1); break;
			case 1: run_cc(-1, MIGRATE_ASYNC, false); break;
			case 2: wakeup_kcompactd(&mm, 9, ZONE_NORMAL); break;
			default: compaction_compact_node(&mm, NULL, ZONE_NORMAL, 9); break;
			}
			char msg[256];
			bool ok = mm_check(&mm, 2, msg, sizeof(msg)) && compaction_check(&mm, msg, sizeof(msg));
			if (!ok) {
				fprintf(stderr, "step %d: %s\n", step, msg);
				CHECK(ok);
				break;
			}
			nr_checks++;
		}
	}
	CHECK_EQ(nr_checks, 40);
	CHECK(mm.vm_events[VM_PGMIGRATE_SUCCESS] > 0);
	printf("     churn: %d compactions checked, pgmigrate_success %llu, pgmigrate_fail %llu, compact_stall %llu\n",
	       nr_checks, (unsigned long long)mm.vm_events[VM_PGMIGRATE_SUCCESS],
	       (unsigned long long)mm.vm_events[VM_PGMIGRATE_FAIL], (unsigned long long)mm.vm_events[VM_COMPACT_STALL]);
	free(live);
	shutdown();
}


/* ---- scenarios: compaction_test, stress-highalloc, manual-compact ------------------- */

static const gfp_t GFP_HUGETLB = GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;

/* Fraction (percent) of the zone's free pages that sit in blocks of order >= lo. */
static unsigned free_pct_at_or_above(const struct zone *z, unsigned lo)
{
	uint64_t part = 0;
	for (unsigned o = lo; o < NR_PAGE_ORDERS; o++)
		part += z->free_area[o].nr_free << o;
	return z->nr_free_pages ? (unsigned)(part * 100 / z->nr_free_pages) : 0;
}

/* The kselftest compaction_test on a 1 GiB zone.  mem_free is the zone's free memory at
 * the start (the test's MemFree).  It maps and locks 100 MB chunks while the remaining
 * "fragmentable" memory (80% of MemFree) is > 0: ceil(0.8 * 262144 / 25600) = 9 chunks.
 * Their pages are mlocked anon (unevictable, swap-backed).  The model faults the chunks
 * in interleaved, page by page, standing for physical placement scattered by earlier use
 * of the machine (allocated in sequence they would each be contiguous and freeing every
 * other chunk would leave whole free 100 MB runs, needing no compaction).  It unmaps
 * chunks 1, 3, 5, 7, 9 (the first of each pair), then asks for huge pages one at a time
 * until one fails (set_max_huge_pages).  The test passes when huge pages cover >= 1/3 of
 * mem_free: >= 262144/3/512 = 170.67, i.e. >= 171 huge pages.
 * Movable chunks: compaction can gather the 5 freed chunks (500 MB = 250 huge pages) plus
 * the never-used 124 MB (62 huge pages) -> far above 171.  Pinned chunks (long-term GUP)
 * never move: only the untouched 124 MB at the top is contiguous -> 62 < 171, the bar
 * fails. */
static unsigned compaction_test_run(bool pinned, uint64_t *mem_free_out, uint64_t *stall_ns_out)
{
	start_zone(262144);
	mmtest_config(&cfg, 0, 0, 262144, 0);
	cfg.policy.migration_file_migrate_folio = true;
	cfg.policy.compact_unevictable_allowed = true;
	cfg.costs.scan_page_ns = 50;
	cfg.costs.migrate_page_ns = 2000;
	boot();
	mm.hooks.direct_reclaim = no_reclaim; /* every used page is mlocked: nothing to reclaim */
	uint64_t mem_free = normal()->nr_free_pages;
	const uint64_t chunk = 100ull * 1024 * 1024 / PAGE_SIZE;
	int64_t fragmentable = (int64_t)(mem_free * 8 / 10);
	unsigned nr_chunks = 0;
	while (fragmentable > 0) {
		nr_chunks++;
		fragmentable -= (int64_t)chunk;
	}
	CHECK_EQ(nr_chunks, 9);
	for (uint64_t i = 0; i < chunk; i++)
		for (unsigned c = 0; c < nr_chunks; c++) {
			uint64_t id = c * chunk + i + 1;
			pfn_t pfn = mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0);
			if (pfn == PFN_NONE)
				continue;
			reclaim_set_page_flags(&mm, pfn, PF_SWAPBACKED | PF_UNEVICTABLE, 0);
			if (pinned)
				mm_pin(&mm, id, 0);
		}
	for (unsigned c = 0; c < nr_chunks; c += 2)
		for (uint64_t i = 0; i < chunk; i++) {
			uint64_t id = c * chunk + i + 1;
			if (pinned)
				mm_unpin(&mm, id);
			mm_free(&mm, id);
		}
	unsigned hugepages = 0;
	struct mm_request req = { 0 }; /* one task's stall over the whole run of allocations */
	for (uint64_t id = 10000000;; id++) {
		pfn_t pfn = mm_alloc_req(&mm, &req, id, GFP_HUGETLB, 9);
		kswapd_naps();
		if (pfn == PFN_NONE)
			break;
		hugepages++;
	}
	*mem_free_out = mem_free;
	*stall_ns_out = req.stall_ns;
	check_all("compaction_test");
	return hugepages;
}

static void test_scenario_compaction_test(void)
{
	uint64_t mem_free, stall_ns;
	unsigned movable = compaction_test_run(false, &mem_free, &stall_ns);
	uint64_t scanned = mm.vm_events[VM_COMPACT_MIGRATE_SCANNED], migrated = mm.vm_events[VM_PGMIGRATE_SUCCESS];
	uint64_t stalls = mm.vm_events[VM_COMPACT_STALL];
	shutdown();
	printf("     compaction_test: mem_free %llu pages, bar %llu huge pages; movable chunks: %u huge pages "
	       "(%.1f%% of mem_free), compact_stall %llu, migrate_scanned %llu, pgmigrate_success %llu, "
	       "stall %.1f ms\n",
	       (unsigned long long)mem_free, (unsigned long long)((mem_free + 1535) / 1536), movable,
	       100.0 * movable * 512 / (double)mem_free, (unsigned long long)stalls,
	       (unsigned long long)scanned, (unsigned long long)migrated, stall_ns / 1e6);
	CHECK((uint64_t)movable * 512 * 3 >= mem_free);
	unsigned pinned = compaction_test_run(true, &mem_free, &stall_ns);
	printf("     compaction_test: pinned chunks: %u huge pages (%.1f%% of mem_free), pgmigrate_success %llu\n",
	       pinned, 100.0 * pinned * 512 / (double)mem_free,
	       (unsigned long long)mm.vm_events[VM_PGMIGRATE_SUCCESS]);
	CHECK((uint64_t)pinned * 512 * 3 < mem_free);
	/* Only the untouched top of the zone: 262144 - 9 * 25600 = 32000 pages -> <= 62. */
	CHECK(pinned <= 62);
	shutdown();
}

/* stress-highalloc on a 512 MiB zone.  A kernel-build-like load keeps ~70% of memory in
 * use: anon (55% of allocations, short-lived), page cache (30%, long-lived), slab (10%,
 * unmovable, orders 0-1) and dentries/inodes (5%, reclaimable).  Each pass asks for
 * 90% of memory as order-9 hugetlb-style pages, one attempt per 64 load operations, holds
 * what it got to the end of the pass, and reports the success rate and the latency
 * (simulated slow-path time) of the attempts.  Passes 1 and 2 run under load; pass 3 "at
 * rest" after the build exits (anon freed; page cache and slab stay).
 * Bars, from the memory each pass can reach: under load at most the ~30% not in use can
 * become huge pages, so success <= 40% of attempts; at rest only slab-polluted pageblocks
 * are lost (slab is ~12% of the live pages, grouped by mobility into few blocks), so at
 * least half of the attempts succeed, and more than under load. */
struct highalloc_pass {
	unsigned attempts, success;
	double mean_ms, max_ms;
};

struct load {
	uint64_t *ids;
	uint8_t *kind; /* 0 anon, 1 page cache, 2 slab, 3 reclaimable */
	size_t nr, cap;
	uint64_t next_id, pages;
	uint64_t rs;
};

static void load_op(struct load *l, uint64_t target_pages)
{
	uint64_t r = rng_next(&l->rs) % 100;
	if (l->pages < target_pages && l->nr < l->cap) {
		uint8_t kind = r < 55 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3;
		static const gfp_t gfp[4] = { GFP_HIGHUSER_MOVABLE | __GFP_ZERO, GFP_HIGHUSER_MOVABLE,
					      GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE };
		unsigned order = kind == 2 ? (unsigned)(rng_next(&l->rs) % 2) : 0;
		uint64_t id = l->next_id++;
		pfn_t pfn = mm_alloc(&mm, id, gfp[kind] | (order ? __GFP_COMP : 0), order);
		if (pfn == PFN_NONE)
			return;
		if (kind == 0)
			mm.pages[pfn].flags |= PF_SWAPBACKED;
		l->ids[l->nr] = id;
		l->kind[l->nr] = kind;
		l->nr++;
		l->pages += 1ull << order;
		return;
	}
	/* Free one object; short-lived anon goes most often, page cache rarely. */
	for (int tries = 0; tries < 8 && l->nr; tries++) {
		size_t k = rng_next(&l->rs) % l->nr;
		static const unsigned keep_pct[4] = { 0, 90, 50, 60 };
		if (rng_next(&l->rs) % 100 < keep_pct[l->kind[k]])
			continue;
		struct obj_slot *s = obj_lookup(&mm.objs, l->ids[k]);
		l->pages -= 1ull << s->order;
		mm_free(&mm, l->ids[k]);
		l->nr--;
		l->ids[k] = l->ids[l->nr];
		l->kind[k] = l->kind[l->nr];
		return;
	}
}

static void highalloc_pass(struct load *l, bool under_load, uint64_t target_pages, struct highalloc_pass *out)
{
	uint64_t zone_pages = normal()->present;
	unsigned attempts = (unsigned)(zone_pages * 9 / 10 / 512);
	uint64_t *got = calloc(attempts, sizeof(*got));
	double sum_ms = 0, max_ms = 0;
	unsigned success = 0;
	for (unsigned a = 0; a < attempts; a++) {
		if (under_load)
			for (int k = 0; k < 64; k++)
				load_op(l, target_pages);
		struct mm_request req = { 0 };
		uint64_t id = 50000000 + a;
		if (mm_alloc_req(&mm, &req, id, GFP_HUGETLB, 9) != PFN_NONE)
			got[success++] = id;
		kswapd_naps();
		double ms = req.stall_ns / 1e6;
		sum_ms += ms;
		max_ms = ms > max_ms ? ms : max_ms;
	}
	for (unsigned i = 0; i < success; i++)
		mm_free(&mm, got[i]);
	free(got);
	*out = (struct highalloc_pass){ attempts, success, sum_ms / attempts, max_ms };
}

static void test_scenario_stress_highalloc(void)
{
	uint64_t seed = tl_test_seed();
	mmtest_config(&cfg, 0, 0, 131072, 0);
	cfg.policy.migration_file_migrate_folio = true;
	cfg.policy.compact_unevictable_allowed = true;
	cfg.costs.scan_page_ns = 50;
	cfg.costs.migrate_page_ns = 2000;
	boot();
	mm.hooks.direct_reclaim = no_reclaim;
	struct load l = { .cap = 200000, .next_id = 1, .rs = seed };
	l.ids = calloc(l.cap, sizeof(*l.ids));
	l.kind = calloc(l.cap, 1);
	uint64_t target = normal()->present * 7 / 10;
	for (int i = 0; i < 400000; i++) /* warm-up: the build gets going */
		load_op(&l, target);
	struct highalloc_pass pass[3];
	highalloc_pass(&l, true, target, &pass[0]);
	highalloc_pass(&l, true, target, &pass[1]);
	for (size_t k = 0; k < l.nr;) { /* the build exits: its anon memory goes */
		if (l.kind[k] == 0) {
			mm_free(&mm, l.ids[k]);
			l.nr--;
			l.ids[k] = l.ids[l.nr];
			l.kind[k] = l.kind[l.nr];
		} else {
			k++;
		}
	}
	/* What pass 3 can reach: the free memory above the low watermark, in 512-page units. */
	uint64_t free_rest = normal()->nr_free_pages, low = zone_wmark(normal(), WMARK_LOW);
	uint64_t capacity = free_rest > low ? (free_rest - low) / 512 : 0;
	uint64_t slab_pages = 0, cache_pages = 0;
	for (size_t k = 0; k < l.nr; k++) {
		uint64_t n = 1ull << obj_lookup(&mm.objs, l.ids[k])->order;
		if (l.kind[k] >= 2)
			slab_pages += n;
		else
			cache_pages += n;
	}
	highalloc_pass(&l, false, target, &pass[2]);
	static const char *const names[3] = { "pass 1 (load)", "pass 2 (load)", "at rest" };
	for (int p = 0; p < 3; p++)
		printf("     stress-highalloc %-14s %3u/%3u = %5.1f%% success, latency mean %.3f ms max %.3f ms\n",
		       names[p], pass[p].success, pass[p].attempts, 100.0 * pass[p].success / pass[p].attempts,
		       pass[p].mean_ms, pass[p].max_ms);
	printf("     stress-highalloc counters: compact_stall %llu success %llu fail %llu, migrate_scanned %llu "
	       "free_scanned %llu, pgmigrate_success %llu fail %llu\n",
	       (unsigned long long)mm.vm_events[VM_COMPACT_STALL], (unsigned long long)mm.vm_events[VM_COMPACT_SUCCESS],
	       (unsigned long long)mm.vm_events[VM_COMPACT_FAIL],
	       (unsigned long long)mm.vm_events[VM_COMPACT_MIGRATE_SCANNED],
	       (unsigned long long)mm.vm_events[VM_COMPACT_FREE_SCANNED],
	       (unsigned long long)mm.vm_events[VM_PGMIGRATE_SUCCESS], (unsigned long long)mm.vm_events[VM_PGMIGRATE_FAIL]);
	printf("     stress-highalloc at rest: free %llu pages (%llu huge pages above low), page cache %llu, "
	       "slab %llu pages in %llu unmovable/reclaimable pageblocks\n",
	       (unsigned long long)free_rest, (unsigned long long)capacity, (unsigned long long)cache_pages,
	       (unsigned long long)slab_pages,
	       (unsigned long long)(normal()->nr_blocks_mt[MIGRATE_UNMOVABLE] + normal()->nr_blocks_mt[MIGRATE_RECLAIMABLE]));
	for (int p = 0; p < 2; p++)
		CHECK(pass[p].success * 100 <= pass[p].attempts * 40);
	CHECK(pass[2].success * 100 >= capacity * 80);
	CHECK(pass[2].success > pass[0].success);
	CHECK(mm.vm_events[VM_COMPACT_STALL] > 0);
	check_all("stress-highalloc");
	free(l.ids);
	free(l.kind);
	shutdown();
}

/* manual-compact: a 256 MiB zone filled with movable objects of orders 0-3 (weights
 * 60/20/12/8), each then freed with probability 1/2: the free memory is in many small
 * blocks, as in the 2007 cover letter's "before" line.  One compact_node (the `compact`
 * record, order -1, MIGRATE_SYNC, whole zone) moves every object above the scanners'
 * meeting point, so below it the memory is free and merges to order 9-10: the free pages
 * at order >= 8 go from almost none to most (>= 80%; only the holes left in the free
 * scanner's last blocks stay small). */
static void test_scenario_manual_compact(void)
{
	uint64_t seed = tl_test_seed();
	uint64_t rs = seed;
	mmtest_config(&cfg, 0, 0, 65536, 0);
	cfg.policy.migration_file_migrate_folio = true;
	cfg.policy.compact_unevictable_allowed = true;
	cfg.costs.scan_page_ns = 50;
	cfg.costs.migrate_page_ns = 2000;
	boot();
	uint64_t nr_ids = 0;
	for (uint64_t id = 1;; id++) {
		uint64_t r = rng_next(&rs) % 100;
		unsigned order = r < 60 ? 0 : r < 80 ? 1 : r < 92 ? 2 : 3;
		if (mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE | (order ? __GFP_COMP : 0), order) == PFN_NONE) {
			if (order == 0)
				break;
			continue;
		}
		nr_ids = id;
	}
	for (uint64_t id = 1; id <= nr_ids; id++)
		if (rng_next(&rs) % 2)
			mm_free(&mm, id);
	char *before = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	unsigned before_hi = free_pct_at_or_above(normal(), 8);
	unsigned before_lo = 100 - free_pct_at_or_above(normal(), 4);
	struct mm_request req = { 0 };
	mm_compact_request_req(&mm, &req, -1, -1);
	char *after = mmtest_buddy_counts(&mm, ZONE_NORMAL);
	unsigned after_hi = free_pct_at_or_above(normal(), 8);
	printf("     manual-compact buddyinfo Normal (orders 0..10):\n       before: %s\n       after:  %s\n", before, after);
	printf("     manual-compact: free at order>=8 %u%% -> %u%% (orders 0-3 before: %u%%), migrate_scanned %llu, "
	       "free_scanned %llu, isolated %llu, pgmigrate_success %llu, fail %llu, took %.2f ms simulated\n",
	       before_hi, after_hi, before_lo, (unsigned long long)mm.vm_events[VM_COMPACT_MIGRATE_SCANNED],
	       (unsigned long long)mm.vm_events[VM_COMPACT_FREE_SCANNED],
	       (unsigned long long)mm.vm_events[VM_COMPACT_ISOLATED],
	       (unsigned long long)mm.vm_events[VM_PGMIGRATE_SUCCESS], (unsigned long long)mm.vm_events[VM_PGMIGRATE_FAIL],
	       req.stall_ns / 1e6);
	CHECK(before_hi < 5);
	CHECK(before_lo >= 50);
	CHECK(after_hi >= 80);
	CHECK(normal()->free_area[10].nr_free > 0);
	CHECK(mm.vm_events[VM_PGMIGRATE_SUCCESS] > 0);
	/* The only failures allowed: no target left where the scanners met. */
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], mm.vm_events[VM_MMSIM_MIGRATE_FAIL_NOMEM]);
	free(before);
	free(after);
	check_all("manual-compact");
	shutdown();
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_indices);
	RUN(test_deferral_backoff_and_reset);
	RUN(test_deferral_from_config);
	RUN(test_deferral_in_slow_path);
	RUN(test_zonelist_suitable);
	RUN(test_scanners_meet);
	RUN(test_free_scanner_once_then_split);
	RUN(test_split_folio_moves_whole);
	RUN(test_dirty_folio_nomem_contended);
	RUN(test_unmovable_zone_terminates);
	RUN(test_pinned_page_blocks_pageblock);
	RUN(test_fast_find_migrateblock);
	RUN(test_fast_find_rotates);
	RUN(test_fast_isolate_rotates);
	RUN(test_async_skip_on_failure);
	RUN(test_async_failed_folio_counts_one);
	RUN(test_direct_capture);
	RUN(test_capture_not_movable_block);
	RUN(test_free_scanner_stride);
	RUN(test_free_scanner_moves);
	RUN(test_free_scanner_large_compound);
	RUN(test_writeback_moves_only_in_sync);
	RUN(test_nofs_moves_only_anon);
	RUN(test_reset_isolation_sampled);
	RUN(test_skip_start);
	RUN(test_kcompactd);
	RUN(test_kcompactd_timeout);
	RUN(test_proactive);
	RUN(test_proactive_on_kcompactd_timeout);
	RUN(test_threshold_defrag);
	RUN(test_invariants_after_every_compaction);
	RUN(test_scenario_compaction_test);
	RUN(test_scenario_stress_highalloc);
	RUN(test_scenario_manual_compact);
	return TEST_END();
}
