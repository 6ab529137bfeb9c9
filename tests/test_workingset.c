/* Workingset: the bound on evicted objects (workingset.c, the shadow-node shrinker), the
 * refaults a trace seeds (HINT refault) and page cache allocated unmovable (HINT
 * pagecache), and prepare_scan_control's deactivation test that refault activations move.
 * One Normal zone of 16384 pages; file pages are order 0, evicted by hand as shrink_one
 * evicts a clean page (off the LRU, then workingset_evict). */
#include "engine/engine.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define FILE_GFP GFP_HIGHUSER_MOVABLE

static struct config cfg;
static struct mm mm;

static void start_swap(uint64_t swap_pages)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.devices.swap_pages = swap_pages;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static void start(void)
{
	start_swap(0);
}

static enum obj_kind kind_of(uint64_t id)
{
	const struct obj_slot *s = obj_lookup(&mm.objs, id);
	return s ? (enum obj_kind)s->kind : NR_OBJ_KINDS;
}

static void evict(uint64_t id)
{
	pfn_t pfn = obj_lookup(&mm.objs, id)->pfn;
	lru_del(&mm, pfn);
	workingset_evict(&mm, NULL, pfn, NULL);
}

/* Limit 4.  Evicting 1..10 forgets 1..6 (each once 4 later evictions happened): 7..10
 * stay evicted.  8 refaults; evicting 11 forgets 7; evicting 8 again meets 8's old entry,
 * stale (evicted since), so nothing goes; 9 is freed; evicting 12 meets 9's entry, stale
 * (no object).  Left: 8, 10, 11, 12 evicted, 7 forgets in all. */
static void test_shadow_bound(void)
{
	start();
	mm.reclaim->shadow_limit = 4;
	for (uint64_t id = 1; id <= 12; id++)
		CHECK(mm_alloc(&mm, id, FILE_GFP, 0) != PFN_NONE);
	for (uint64_t id = 1; id <= 10; id++)
		evict(id);
	for (uint64_t id = 1; id <= 6; id++) {
		CHECK_EQ(kind_of(id), NR_OBJ_KINDS);
		CHECK(!workingset_find(mm.reclaim, id));
	}
	for (uint64_t id = 7; id <= 10; id++)
		CHECK_EQ(kind_of(id), OBJ_EVICTED);
	CHECK_EQ(mm.reclaim->shadows_dropped, 6);
	CHECK_EQ(mm.objs.nr_live, 4 + 2); /* 7..10 evicted, 11 and 12 resident */
	CHECK(!mm_access(&mm, 3));        /* forgotten: no object to read back */
	CHECK(mm_access(&mm, 8));         /* refault */
	CHECK_EQ(kind_of(8), OBJ_PAGES);
	evict(11);
	CHECK_EQ(kind_of(7), NR_OBJ_KINDS);
	CHECK_EQ(mm.reclaim->shadows_dropped, 7);
	evict(8);
	CHECK_EQ(kind_of(8), OBJ_EVICTED);
	CHECK_EQ(mm.reclaim->shadows_dropped, 7);
	CHECK(mm_free(&mm, 9));
	evict(12);
	CHECK_EQ(mm.reclaim->shadows_dropped, 7);
	CHECK_EQ(mm.reclaim->shadows.len, 4);
	CHECK_EQ(mm.objs.nr_live, 4);
	for (uint64_t id = 10; id <= 12; id++)
		CHECK_EQ(kind_of(id), OBJ_EVICTED);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* Unset, the limit becomes the node's present pages at the first eviction. */
static void test_default_limit(void)
{
	start();
	CHECK_EQ(mm.reclaim->shadow_limit, 0);
	CHECK(mm_alloc(&mm, 1, FILE_GFP, 0) != PFN_NONE);
	evict(1);
	CHECK_EQ(mm.reclaim->shadow_limit, 16384);
	CHECK_EQ(kind_of(1), OBJ_EVICTED);
	mmtest_mm_destroy(&mm);
}

static uint64_t lru_pages(enum lru_list l)
{
	return mm.lruvec.nr_pages[l];
}

/* HINT refault on a page cache page just added: it moves to the active list, and
 * workingset_refault_file, workingset_activate_file, mmsim_refault_untraced and the
 * workingset clock (nonresident_age) each go up by its pages: 1 for id 2, then 4 for the
 * order-2 folio id 3 (1 + 4 = 5).  A second hint on the now active id 2, and one on an
 * anon page (id 4), change nothing. */
static void test_hint_refault(void)
{
	start();
	CHECK(mm_alloc(&mm, 1, FILE_GFP, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 2, FILE_GFP, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 3, FILE_GFP, 2) != PFN_NONE);
	CHECK(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0) != PFN_NONE);
	CHECK_EQ(lru_pages(LRU_INACTIVE_FILE), 6);
	uint64_t age0 = mm.reclaim->nonresident_age;
	CHECK(mm_hint(&mm, 2, HINT_REFAULT));
	CHECK(mm_hint(&mm, 3, HINT_REFAULT));
	CHECK(mm_hint(&mm, 2, HINT_REFAULT));
	CHECK(mm_hint(&mm, 4, HINT_REFAULT));
	CHECK_EQ(lru_pages(LRU_INACTIVE_FILE), 1);
	CHECK_EQ(lru_pages(LRU_ACTIVE_FILE), 5);
	CHECK_EQ(lru_pages(LRU_INACTIVE_ANON), 1);
	CHECK(mm.pages[obj_lookup(&mm.objs, 2)->pfn].flags & PF_ACTIVE);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_FILE], 5);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_ACTIVATE_FILE], 5);
	CHECK_EQ(mm.vm_events[VM_MMSIM_REFAULT_UNTRACED], 5);
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_ANON], 0);
	CHECK_EQ(mm.reclaim->nonresident_age - age0, 5);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* HINT pagecache: an unmovable allocation (GFP_KERNEL, id 1) is on no LRU list until the
 * hint puts it on the inactive file list (pageblock counters kept: mm_check_full); a
 * movable page cache page (id 2) is there already and stays, counted once. */
static void test_hint_pagecache(void)
{
	start();
	CHECK(mm_alloc(&mm, 1, GFP_KERNEL, 0) != PFN_NONE);
	CHECK(mm_alloc(&mm, 2, FILE_GFP, 0) != PFN_NONE);
	CHECK_EQ(lru_pages(LRU_INACTIVE_FILE), 1);
	CHECK(mm_hint(&mm, 1, HINT_PAGECACHE));
	CHECK(mm_hint(&mm, 2, HINT_PAGECACHE));
	CHECK_EQ(lru_pages(LRU_INACTIVE_FILE), 2);
	CHECK(mm.pages[obj_lookup(&mm.objs, 1)->pfn].flags & PF_LRU);
	CHECK(!(mm.pages[obj_lookup(&mm.objs, 1)->pfn].flags & PF_SWAPBACKED));
	CHECK(mm_check_full(&mm));
	CHECK(mm_free(&mm, 1));
	CHECK_EQ(lru_pages(LRU_INACTIVE_FILE), 1);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
}

/* prepare_scan_control (6.12).  5000 inactive file pages, 1024 anon, swap of 1024 pages:
 * 5000 >> 12 = 1, the file list is not low (5000 inactive, 0 active), and no refault was
 * activated, so reclaim trims the page cache alone (SCAN_FILE) and may not deactivate.
 * One activated refault (HINT refault on id 1) makes DEACTIVATE_FILE and SCAN_FRACT (the
 * 4999 inactive × 1 are not below 1 active: inactive_is_low stays false), and it stays so
 * at every shrink_node until a reclaim ends (vmscan_snapshot_refaults), after which the
 * page cache is trimmed alone again (4999 >> 12 = 1). */
static void test_deactivate_on_refault(void)
{
	start_swap(1024);
	for (uint64_t id = 1; id <= 5000; id++)
		CHECK(mm_alloc(&mm, id, FILE_GFP, 0) != PFN_NONE);
	for (uint64_t id = 5001; id <= 6024; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0) != PFN_NONE);
	struct scan_control sc = { .reclaim_idx = ZONE_NORMAL, .priority = DEF_PRIORITY, .is_kswapd = true,
				   .may_writepage = true, .may_swap = true, .nr_to_reclaim = 32 };
	struct shrink_plan plan;
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FILE);
	CHECK_EQ(sc.may_deactivate, 0);
	CHECK(mm_hint(&mm, 1, HINT_REFAULT));
	for (int i = 0; i < 2; i++) {
		vmscan_plan(&mm, &sc, &plan);
		CHECK_EQ(plan.balance, SCAN_FRACT);
		CHECK_EQ(sc.may_deactivate, DEACTIVATE_FILE);
	}
	vmscan_snapshot_refaults(&mm);
	vmscan_plan(&mm, &sc, &plan);
	CHECK_EQ(plan.balance, SCAN_FILE);
	CHECK_EQ(sc.may_deactivate, 0);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_shadow_bound);
	RUN(test_default_limit);
	RUN(test_hint_refault);
	RUN(test_hint_pagecache);
	RUN(test_deactivate_on_refault);
	return TEST_END();
}
