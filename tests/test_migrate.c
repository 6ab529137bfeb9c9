/* Migration (model.md §6): what may move in which mode, the move primitive (object slot,
 * owner, flags, LRU position), migrate_pages failure reasons and counters, the non-LRU
 * policy, owner pins and policy.migration.pinned, and a replayed trace that makes a page
 * non-LRU movable.  Expected values are derived by hand in the comments. */
#include <unistd.h>

#include "config/config.h"
#include "mm/migrate.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "sim.h"
#include "testlib.h"
#include "trace/trace.h"

static struct config cfg;
static struct mm mm;

static void start(enum nonlru_migration nonlru, bool file_migrate_folio)
{
	mmtest_config(&cfg, 0, 0, 2048, 4);
	cfg.policy.migration_nonlru = nonlru;
	cfg.policy.migration_file_migrate_folio = file_migrate_folio;
	cfg.policy.compact_unevictable_allowed = true;
	cfg.costs.migrate_page_ns = 2000;
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static void check_mm(void)
{
	bool ok = mm_check_full(&mm); /* prints the first violation */
	CHECK(ok);
}

/* Target for tests: the first free block of `order` or larger, isolated and split down. */
static pfn_t take_target(unsigned order)
{
	struct zone *z = &mm.zones[ZONE_NORMAL];
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		pfn_t pfn = z->free_area[o].free_list[MIGRATE_MOVABLE].head;
		if (pfn == PFN_NONE)
			continue;
		if (!buddy_isolate_free_page(&mm, z, pfn, o))
			return PFN_NONE;
		/* Hand the upper halves back: only `order` stays isolated. */
		while (o > order) {
			o--;
			mm.pages[pfn + (1u << o)].flags = PF_ISOLATED;
			mm.pages[pfn + (1u << o)].order = (uint8_t)o;
			buddy_putback_isolated(&mm, z, pfn + (1u << o), o);
		}
		mm.pages[pfn].order = (uint8_t)order;
		return pfn;
	}
	return PFN_NONE;
}

static pfn_t get_new(struct mm *m, pfn_t src, unsigned order, void *priv)
{
	(void)m;
	(void)src;
	int *budget = priv;
	if (budget && (*budget)-- <= 0)
		return PFN_NONE;
	return take_target(order);
}

/* The rules of migrate_page_check, one flag at a time, from model.md §6.1-6.2. */
static void test_page_check_rules(void)
{
	start(NONLRU_HANDLER, false);
	pfn_t a = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0);
	pfn_t k = mm_alloc(&mm, 2, GFP_KERNEL, 0);
	struct page_frame *p = &mm.pages[a];
	CHECK(p->flags & PF_LRU); /* no reclaim hook: movable pages are flagged LRU */
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_ASYNC), MIGRATE_OK);
	/* Kernel (slab-like) pages never move. */
	CHECK_EQ(migrate_page_check(&mm, k, MIGRATE_SYNC), MFAIL_UNMOVABLE);
	/* Writeback: -EBUSY unless MIGRATE_SYNC. */
	p->flags |= PF_WRITEBACK;
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_ASYNC), MFAIL_WRITEBACK);
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC_LIGHT), MFAIL_WRITEBACK);
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC), MIGRATE_OK);
	p->flags &= (uint16_t)~PF_WRITEBACK;
	/* Dirty file page, mapping without migrate_folio (this config): only MIGRATE_SYNC. */
	p->flags |= PF_DIRTY;
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC_LIGHT), MFAIL_DIRTY);
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC), MIGRATE_OK);
	/* Dirty anon pages need no writeout. */
	p->flags |= PF_SWAPBACKED;
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_ASYNC), MIGRATE_OK);
	p->flags &= (uint16_t)~(PF_DIRTY | PF_SWAPBACKED);
	/* A pin: -EAGAIN in every mode (the refcount never matches). */
	CHECK(mm_pin(&mm, 1, 0));
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC), MFAIL_AGAIN);
	CHECK(mm_unpin(&mm, 1));
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC), MIGRATE_OK);
	/* Non-LRU movable with a handler moves. */
	CHECK(migrate_mark_nonlru_movable(&mm, 1));
	CHECK(!(p->flags & PF_LRU));
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_ASYNC), MIGRATE_OK);
	check_mm();
	mmtest_mm_destroy(&mm);
	/* ... and with policy pin it does not. */
	start(NONLRU_PIN, true);
	a = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0);
	CHECK(mm_hint(&mm, 1, HINT_MOVABLE_OPS)); /* the trace's way: hint kind=movable_ops */
	CHECK(mm.pages[a].flags & PF_MOVABLE_OPS);
	CHECK_EQ(migrate_page_check(&mm, a, MIGRATE_SYNC), MFAIL_NONLRU);
	/* With migrate_folio (the default), a dirty file page moves in any mode. */
	pfn_t b = mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0);
	mm.pages[b].flags |= PF_DIRTY;
	CHECK_EQ(migrate_page_check(&mm, b, MIGRATE_ASYNC), MIGRATE_OK);
	mmtest_mm_destroy(&mm);
}

/* migrate_move_object: the object follows, its old block is freed, LRU order is kept. */
static void test_move_object(void)
{
	start(NONLRU_HANDLER, true);
	/* Fresh 2048-page zone: ids 1..3 take pfns 0, 1, 2 (sequential split from pfn 0, as
	 * in test_buddy).  Put them on the inactive file list in order 1, 2, 3. */
	pfn_t p1 = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0);
	pfn_t p2 = mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0);
	pfn_t p3 = mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 0);
	CHECK_EQ(p1, 0);
	CHECK_EQ(p2, 1);
	CHECK_EQ(p3, 2);
	reclaim_set_page_flags(&mm, p2, PF_DIRTY | PF_REFERENCED, 0);
	for (pfn_t p = 0; p < 3; p++) {
		lru_del(&mm, p); /* reclaim's hook put each at the head */
		lru_add(&mm, p, true);
	}
	/* The first free order-0 block after that is pfn 3. */
	pfn_t dst = take_target(0);
	CHECK_EQ(dst, 3);
	uint64_t free_before = mm.zones[ZONE_NORMAL].nr_free_pages;
	migrate_move_object(&mm, p2, dst);
	struct obj_slot *s = obj_lookup(&mm.objs, 2);
	CHECK_EQ(s->pfn, 3);
	CHECK_EQ(mm.pages[3].owner, (uint32_t)(s - mm.objs.slots));
	CHECK_EQ(mm.pages[3].flags, PF_HEAD | PF_LRU | PF_DIRTY | PF_REFERENCED);
	CHECK(mm.pages[1].flags & PF_BUDDY);
	/* The old page (1) is freed: +1 free page. */
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_pages, free_before + 1);
	/* LRU order 0, 3, 2 (the moved page kept its place). */
	struct lruvec *v = &mm.lruvec;
	CHECK_EQ(v->lists[LRU_INACTIVE_FILE].head, 0);
	CHECK_EQ(lru_next(&mm, v, LRU_INACTIVE_FILE, 0), 3);
	CHECK_EQ(lru_next(&mm, v, LRU_INACTIVE_FILE, 3), 2);
	CHECK_EQ(v->lists[LRU_INACTIVE_FILE].tail, 2);
	CHECK_EQ(lru_next(&mm, v, LRU_INACTIVE_FILE, 2), PFN_NONE);
	CHECK_EQ(v->nr_pages[LRU_INACTIVE_FILE], 3);
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* migrate_pages: 4 objects — movable, pinned, writeback, kernel — in sync-light mode.
 * Hand count: 1 page succeeds; pinned, writeback, unmovable fail one page each. */
static void test_migrate_pages_reasons(void)
{
	start(NONLRU_HANDLER, true);
	pfn_t p[5];
	p[0] = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0);
	p[1] = mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE, 0);
	p[2] = mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 0);
	p[3] = mm_alloc(&mm, 4, GFP_KERNEL, 0);
	p[4] = mm_alloc(&mm, 5, GFP_HIGHUSER_MOVABLE, 1); /* an order-1 object: 2 pages */
	CHECK(mm_pin(&mm, 2, 0));
	CHECK(reclaim_writeback_object(&mm, 3)); /* in flight: the engine is not run */
	struct migrate_result res = { 0 };
	unsigned failed = migrate_pages(&mm, p, 5, get_new, NULL, NULL, MIGRATE_SYNC_LIGHT, MR_COMPACTION, &res);
	CHECK_EQ(failed, 3);
	CHECK_EQ(res.nr_succeeded, 1 + 2);
	CHECK_EQ(res.nr_failed, 3);
	CHECK_EQ(res.nr_fail_by[MFAIL_PINNED], 1);
	CHECK_EQ(res.nr_fail_by[MFAIL_WRITEBACK], 1);
	CHECK_EQ(res.nr_fail_by[MFAIL_UNMOVABLE], 1);
	CHECK_EQ(res.cost_ns, 3 * 2000);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 3);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 3);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_WRITEBACK], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_UNMOVABLE], 1);
	/* The pinned, writeback and kernel objects did not move. */
	CHECK_EQ(obj_lookup(&mm.objs, 2)->pfn, p[1]);
	CHECK_EQ(obj_lookup(&mm.objs, 3)->pfn, p[2]);
	CHECK_EQ(obj_lookup(&mm.objs, 4)->pfn, p[3]);
	CHECK(obj_lookup(&mm.objs, 1)->pfn != p[0]);
	CHECK(obj_lookup(&mm.objs, 5)->pfn != p[4]);
	CHECK_EQ(mm.pages[obj_lookup(&mm.objs, 5)->pfn].order, 1);
	/* The same writeback page moves in MIGRATE_SYNC. */
	struct migrate_result res2 = { 0 };
	CHECK_EQ(migrate_pages(&mm, &p[2], 1, get_new, NULL, NULL, MIGRATE_SYNC, MR_COMPACTION, &res2), 0);
	CHECK(obj_lookup(&mm.objs, 3)->pfn != p[2]);
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* -ENOMEM: the first object without a target fails (nomem), the rest are put back. */
static void test_migrate_nomem(void)
{
	start(NONLRU_HANDLER, true);
	pfn_t p[3];
	for (int i = 0; i < 3; i++)
		p[i] = mm_alloc(&mm, (uint64_t)i + 1, GFP_HIGHUSER_MOVABLE, 0);
	int budget = 1;
	struct migrate_result res = { 0 };
	unsigned failed = migrate_pages(&mm, p, 3, get_new, NULL, &budget, MIGRATE_ASYNC, MR_COMPACTION, &res);
	/* 1 moved, the 2nd found no target (counted), the 3rd was never tried. */
	CHECK_EQ(failed, 2);
	CHECK(res.nomem);
	CHECK_EQ(res.nr_succeeded, 1);
	CHECK_EQ(res.nr_fail_by[MFAIL_NOMEM], 1);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 1);
	CHECK(!(mm.pages[p[2]].flags & PF_ISOLATED));
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* migrate_folio_splittable, flag by flag (6.18 try_split_folio -> __folio_split): an
 * order-2 folio that is file-backed here (no reclaim hook: PF_LRU, no PF_SWAPBACKED).
 * Clean file: splits (filemap_release_folio frees its private data).  Dirty file: no
 * (the filesystem keeps the private data of a dirty folio).  Dirty anon: splits (no
 * mapping to release).  Writeback, anon or file: no (-EBUSY).  Pinned: no. */
static void test_split_rules(void)
{
	start(NONLRU_HANDLER, true);
	pfn_t a = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);
	struct page_frame *p = &mm.pages[a];
	CHECK(!(p->flags & PF_SWAPBACKED));
	CHECK(migrate_folio_splittable(&mm, a));
	p->flags |= PF_DIRTY;
	CHECK(!migrate_folio_splittable(&mm, a));
	p->flags |= PF_SWAPBACKED;
	CHECK(migrate_folio_splittable(&mm, a));
	p->flags &= (uint16_t)~PF_DIRTY;
	p->flags |= PF_WRITEBACK;
	CHECK(!migrate_folio_splittable(&mm, a));
	p->flags &= (uint16_t)~(PF_WRITEBACK | PF_SWAPBACKED);
	p->flags |= PF_WRITEBACK;
	CHECK(!migrate_folio_splittable(&mm, a));
	p->flags &= (uint16_t)~PF_WRITEBACK;
	CHECK(mm_pin(&mm, 1, 0));
	CHECK(!migrate_folio_splittable(&mm, a));
	CHECK(mm_unpin(&mm, 1));
	CHECK(migrate_folio_splittable(&mm, a));
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* -ENOMEM on large folios (6.18 migrate_pages_batch): no target at all (budget 0).
 * Objects: id 1 an order-2 anon folio, id 2 an order-2 dirty file folio, id 3 an order-0
 * page.  Id 1 is split (not a failure: mmsim_migrate_split 1, its pages stay); id 2 cannot
 * be split: its 4 pages fail (pgmigrate_fail 4, reason nomem) and the call stops; id 3 is
 * put back untried, uncounted.  Returned: 3 objects not moved; nothing succeeded. */
static void test_nomem_large_folios(void)
{
	start(NONLRU_HANDLER, true);
	pfn_t p[3];
	p[0] = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);
	p[1] = mm_alloc(&mm, 2, GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);
	p[2] = mm_alloc(&mm, 3, GFP_HIGHUSER_MOVABLE, 0);
	mm.pages[p[0]].flags |= PF_SWAPBACKED;
	mm.pages[p[1]].flags |= PF_DIRTY;
	int budget = 0;
	struct migrate_result res = { 0 };
	unsigned failed = migrate_pages(&mm, p, 3, get_new, NULL, &budget, MIGRATE_ASYNC, MR_COMPACTION, &res);
	CHECK_EQ(failed, 3);
	CHECK(res.nomem);
	CHECK_EQ(res.nr_split, 1);
	CHECK_EQ(res.nr_succeeded, 0);
	CHECK_EQ(res.nr_failed, 4);
	CHECK_EQ(res.nr_fail_by[MFAIL_NOMEM], 4);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 4);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_NOMEM], 4);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_SPLIT], 1);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(obj_lookup(&mm.objs, (uint64_t)i + 1)->pfn, p[i]);
		CHECK(!(mm.pages[p[i]].flags & PF_ISOLATED));
	}
	/* Clean, the same file folio is split like the anon one and the call goes on: the
	 * order-0 page then finds no target either (budget 0): 1 page fails, -ENOMEM. */
	mm.pages[p[1]].flags &= (uint16_t)~PF_DIRTY;
	struct migrate_result res2 = { 0 };
	budget = 0;
	CHECK_EQ(migrate_pages(&mm, p, 3, get_new, NULL, &budget, MIGRATE_ASYNC, MR_COMPACTION, &res2), 3);
	CHECK_EQ(res2.nr_split, 2);
	CHECK_EQ(res2.nr_failed, 1);
	CHECK(res2.nomem);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_FAIL], 4 + 1);
	mm.pages[p[0]].flags &= (uint16_t)~PF_SWAPBACKED;
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* policy.migration.nonlru = reclaim: the page is dropped, not copied. */
static void test_nonlru_reclaim(void)
{
	start(NONLRU_RECLAIM, true);
	pfn_t a = mm_alloc(&mm, 7, GFP_HIGHUSER_MOVABLE, 2); /* a 4-page zsmalloc-like zspage */
	CHECK(migrate_mark_nonlru_movable(&mm, 7));
	uint64_t free_before = mm.zones[ZONE_NORMAL].nr_free_pages;
	struct migrate_result res = { 0 };
	CHECK_EQ(migrate_pages(&mm, &a, 1, get_new, NULL, NULL, MIGRATE_SYNC_LIGHT, MR_COMPACTION, &res), 0);
	CHECK_EQ(res.nr_reclaimed, 4);
	CHECK_EQ(res.nr_succeeded, 0);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_NONLRU_RECLAIMED], 4);
	struct obj_slot *s = obj_lookup(&mm.objs, 7);
	CHECK(s && s->kind == OBJ_EVICTED && s->pfn == PFN_NONE);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_free_pages, free_before + 4);
	check_mm();
	mmtest_mm_destroy(&mm);
}


/* Long-term pins migrate out of CMA first (5.13+).  2048-page Normal zone with a 1536-page
 * CMA area placed at the top (pfns 512..2047): free CMA (1536) is over half of all free
 * memory (2048), so the 5.7 balancing rule serves the first movable page from CMA.  A
 * long-term pin moves it to pageblock 0, now UNMOVABLE (the target is GFP_USER without
 * __GFP_MOVABLE); a page already outside CMA stays. */
static void test_longterm_pin_leaves_cma(void)
{
	mmtest_config(&cfg, 0, 0, 2048, 4);
	cfg.policy.migration_file_migrate_folio = true;
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1536;
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	pfn_t a = mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0);
	CHECK(a >= 512);
	CHECK_EQ(mm_pageblock(&mm, a)->mt, MIGRATE_CMA);
	CHECK(migrate_longterm_pin(&mm, NULL, 1));
	pfn_t moved = obj_lookup(&mm.objs, 1)->pfn;
	CHECK(moved < 512);
	CHECK_EQ(mm_pageblock(&mm, moved)->mt, MIGRATE_UNMOVABLE);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 1);
	CHECK(mm_pin(&mm, 1, 0));
	/* Already outside CMA: nothing to do. */
	CHECK(migrate_longterm_pin(&mm, NULL, 1));
	CHECK_EQ(obj_lookup(&mm.objs, 1)->pfn, moved);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 1);
	CHECK(!migrate_longterm_pin(&mm, NULL, 999));
	check_mm();
	mmtest_mm_destroy(&mm);
}

/* Owner pins (the aio ring) under policy.migration.pinned.  Objects 1..4, one page each:
 *   1  one owner pin                      callback: moves (its pin follows); never: stays
 *   2  one FOLL_LONGTERM pin              stays under both (no callback for a GUP pin)
 *   3  an owner pin and a short pin       stays while the short pin is held (refcount),
 *                                         moves once the unpin dropped the short one
 *   4  no pin                             moves under both
 * So migrate_pages(1, 2, 3, 4) in MIGRATE_SYNC: callback moves 1 and 4 (2 pages), fails 2
 * and 3 (2 pages, reason pinned); never moves only 4 (1 page) and fails 3 pages. */
static void test_pinned_callback(void)
{
	for (int callback = 0; callback <= 1; callback++) {
		start(NONLRU_HANDLER, true);
		cfg.policy.migration_pinned = callback ? PINNED_CALLBACK : PINNED_NEVER;
		pfn_t p[4];
		for (int i = 0; i < 4; i++)
			p[i] = mm_alloc(&mm, (uint64_t)i + 1, GFP_HIGHUSER_MOVABLE, 0);
		CHECK(mm_pin(&mm, 1, PIN_OWNER));
		CHECK(mm_pin(&mm, 2, PIN_LONGTERM));
		CHECK(mm_pin(&mm, 3, PIN_OWNER));
		CHECK(mm_pin(&mm, 3, PIN_SHORT));
		const struct obj_slot *s1 = obj_lookup(&mm.objs, 1), *s3 = obj_lookup(&mm.objs, 3);
		CHECK_EQ(s1->pins, 1);
		CHECK_EQ(s1->longterm_pins, 1);
		CHECK_EQ(s1->owner_pins, 1);
		CHECK_EQ(s3->pins, 2);
		CHECK_EQ(s3->longterm_pins, 1);
		CHECK_EQ(s3->owner_pins, 1);
		/* alloc_contig_range's "gives up at once": GUP pins always, owner pins unless
		 * their callbacks are used. */
		CHECK_EQ(migrate_longterm_pinned(&mm, s1), !callback);
		CHECK(migrate_longterm_pinned(&mm, obj_lookup(&mm.objs, 2)));
		CHECK_EQ(migrate_page_check(&mm, p[0], MIGRATE_ASYNC), callback ? MIGRATE_OK : MFAIL_AGAIN);
		CHECK_EQ(migrate_page_check(&mm, p[2], MIGRATE_SYNC), MFAIL_AGAIN);
		struct migrate_result res = { 0 };
		unsigned failed = migrate_pages(&mm, p, 4, get_new, NULL, NULL, MIGRATE_SYNC, MR_COMPACTION, &res);
		CHECK_EQ(failed, callback ? 2u : 3u);
		CHECK_EQ(res.nr_succeeded, callback ? 2u : 1u);
		CHECK_EQ(res.nr_fail_by[MFAIL_PINNED], callback ? 2u : 3u);
		CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], callback ? 2u : 1u);
		pfn_t now1 = obj_lookup(&mm.objs, 1)->pfn;
		CHECK_EQ(now1 != p[0], callback);
		/* The pin followed the page: still pinned, at its new place only. */
		CHECK(mm.pages[now1].flags & PF_PINNED);
		CHECK_EQ(obj_lookup(&mm.objs, 1)->pins, 1);
		if (callback)
			CHECK(!(mm.pages[p[0]].flags & PF_PINNED));
		CHECK_EQ(obj_lookup(&mm.objs, 2)->pfn, p[1]);
		CHECK_EQ(obj_lookup(&mm.objs, 3)->pfn, p[2]);
		/* The unpin drops the short pin first: 3 is then held by its owner pin only. */
		CHECK(mm_unpin(&mm, 3));
		s3 = obj_lookup(&mm.objs, 3);
		CHECK_EQ(s3->pins, 1);
		CHECK_EQ(s3->owner_pins, 1);
		struct migrate_result res3 = { 0 };
		pfn_t src3 = p[2];
		CHECK_EQ(migrate_pages(&mm, &src3, 1, get_new, NULL, NULL, MIGRATE_SYNC, MR_COMPACTION, &res3),
			 callback ? 0u : 1u);
		CHECK_EQ(obj_lookup(&mm.objs, 3)->pfn != p[2], callback);
		/* The last unpin clears PF_PINNED where the page is now. */
		CHECK(mm_unpin(&mm, 1));
		CHECK_EQ(obj_lookup(&mm.objs, 1)->owner_pins, 0);
		CHECK(!(mm.pages[now1].flags & PF_PINNED));
		check_mm();
		mmtest_mm_destroy(&mm);
	}
}

/* A record source over a trace file. */
static int trace_src_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read(ctx, rec, err);
}

/* A replayed text trace makes a page non-LRU movable (alloc, then hint kind=movable_ops)
 * and compact_node meets it.  A 4096-page Normal zone, pageblocks of 512, no pcp: the
 * allocations split from pfn 0 up, so ids 1..1100 take pfns 0..1099.  Ids 9..1024 are
 * freed: pageblock 0 keeps ids 1..8 at pfns 0..7, block 1 is wholly free, block 2 keeps ids
 * 1025..1100 at 1024..1099, blocks 3..7 are wholly free.  id 3 (pfn 2) is marked
 * movable_ops; id 5 (pfn 4) takes an owner pin (default policy.migration.pinned never: it
 * stays).  compact_node (MIGRATE_SYNC, whole zone, batch of 8 from block 0): the free
 * scanner starts at block 7, as 6.12's isolate_freepages does: a block whose first page is
 * a free page of pageblock order or more is no target (blocks 6, 4, 3: buddy heads of
 * order 10, 10, 9), one whose first page lies inside such a buddy is scanned and yields
 * nothing, doubling the stride (block 7: stride 1 -> 2, block 5: 2 -> 4).  Block 2 is
 * scanned with stride 4: 1024, 1028, ..., 1100 (buddy of order 2: 4 pages taken, the scan
 * goes on at 1103 + 4 = 1107), then 1111, 1115, ... (all 3 mod 4) pass the heads of the
 * buddies at 1104, 1120, 1152, 1280; block 1 is an order-9 head.  So 4 target pages: the
 * first four sources that need one move, the next finds none (mmsim_migrate_fail_nomem).
 * Sources in pfn order: ids 1, 2, 3, 4, 5 (owner pin: fails, needs no target), 6, ...
 *   handler  ids 1..4 move (4), id 3 among them, still PF_MOVABLE_OPS, off the LRU
 *   reclaim  id 3 is dropped (mmsim_migrate_nonlru_reclaimed 1) without a target: ids 1,
 *            2, 4, 6 move (4); the access at the end faults id 3 back in (pgmajfault 1)
 *   pin      id 3 stays at pfn 2 (mmsim_migrate_fail_nonlru 1): ids 1, 2, 4, 6 move (4) */
static void test_nonlru_trace_replay(void)
{
	char path[] = "/tmp/test_migrate_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# mmsim-trace v2\n# generator: hand\n");
	for (unsigned id = 1; id <= 1100; id++)
		fprintf(f, "%u alloc id=%u order=0 gfp=GFP_HIGHUSER_MOVABLE\n", 1000 + id, id);
	for (unsigned id = 9; id <= 1024; id++)
		fprintf(f, "%u free id=%u\n", 3000 + id, id);
	fprintf(f, "5000 hint id=3 kind=movable_ops\n"
		   "5001 pin id=5 kind=owner\n"
		   "6000 compact zone=-1 order=whole\n"
		   "7000 access id=3\n");
	fclose(f);
	for (unsigned pol = 0; pol < NR_NONLRU_MIGRATIONS; pol++) {
		struct config c;
		config_defaults(&c);
		memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
		c.machine.zone_pages[ZONE_NORMAL] = 4096;
		c.machine.pcp = false;
		c.devices.swap_pages = 0;
		c.policy.migration_nonlru = (enum nonlru_migration)pol;
		struct sim_error err;
		struct trace_reader *r = trace_open(path, &err);
		CHECK(r != NULL);
		if (!r)
			break;
		static struct sim s;
		if (sim_init(&s, &c, NULL, &err)) {
			fprintf(stderr, "sim_init: %s\n", err.msg);
			trace_close(r);
			CHECK(0);
			break;
		}
		struct record_source src = { .next = trace_src_next, .ctx = r };
		CHECK_EQ(sim_run(&s, &src, &err), 0);
		struct mm *m = &s.mm;
		const uint64_t *ev = m->vm_events;
		const struct obj_slot *o3 = obj_lookup(&m->objs, 3);
		const struct obj_slot *o5 = obj_lookup(&m->objs, 5);
		CHECK(o5 && o5->owner_pins == 1 && o5->pfn == 4);
		CHECK(o3 && o3->kind == OBJ_PAGES);
		if (o3) {
			switch (pol) {
			case NONLRU_HANDLER:
				CHECK_EQ(ev[VM_PGMIGRATE_SUCCESS], 4);
				CHECK(o3->pfn != 2);
				CHECK(m->pages[o3->pfn].flags & PF_MOVABLE_OPS);
				CHECK(!(m->pages[o3->pfn].flags & PF_LRU));
				CHECK_EQ(ev[VM_PGMAJFAULT], 0);
				CHECK_EQ(ev[VM_MMSIM_MIGRATE_FAIL_NOMEM], 1);
				break;
			case NONLRU_RECLAIM:
				CHECK_EQ(ev[VM_PGMIGRATE_SUCCESS], 4);
				CHECK_EQ(ev[VM_MMSIM_MIGRATE_NONLRU_RECLAIMED], 1);
				CHECK_EQ(ev[VM_PGMAJFAULT], 1);
				break;
			case NONLRU_PIN:
				CHECK_EQ(ev[VM_PGMIGRATE_SUCCESS], 4);
				CHECK_EQ(ev[VM_MMSIM_MIGRATE_FAIL_NONLRU], 1);
				CHECK_EQ(o3->pfn, 2);
				CHECK(m->pages[2].flags & PF_MOVABLE_OPS);
				break;
			}
		}
		sim_destroy(&s);
		trace_close(r);
	}
	unlink(path);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_page_check_rules);
	RUN(test_move_object);
	RUN(test_migrate_pages_reasons);
	RUN(test_migrate_nomem);
	RUN(test_split_rules);
	RUN(test_nomem_large_folios);
	RUN(test_nonlru_reclaim);
	RUN(test_longterm_pin_leaves_cma);
	RUN(test_pinned_callback);
	RUN(test_nonlru_trace_replay);
	return TEST_END();
}
