/* The allocator's slow path with time (page_alloc.c, __alloc_pages_slowpath in 6.12): a
 * request that sleeps while writeback completes, the kernel's rules that fail a request,
 * and the OOM killer.  Expected values are worked by hand in the comment above each test.
 *
 * Machine: one Normal zone of 16384 pages, min_free_kbytes 1024 -> min/low/high
 * 256/320/384.  Disk: 409.6 MB/s (one 4 KiB page transfers in exactly 10 us), latency
 * 100 us.  kswapd is unhooked where a test needs the request to be alone.
 */
#include "engine/actor.h"
#include "engine/engine.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#define FILE_GFP GFP_HIGHUSER_MOVABLE
#define ANON_GFP (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)

static struct config cfg;
static struct mm mm;
static struct engine eng;

static void setup(void)
{
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.devices.disk_bandwidth_bps = 409600000;
	cfg.devices.disk_latency_ns = 100000;
	cfg.devices.swap_pages = 0;
	cfg.policy.dirty_background_ratio = 100; /* the flusher writes only when told */
	cfg.policy.dirty_ratio = 100;
}

static void start(void)
{
	struct sim_error err;
	engine_init(&eng);
	if (mm_init(&mm, &cfg, &eng, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	mm.hooks.wakeup_kswapd = NULL; /* the requests below are alone with the flusher */
}

static void stop(void)
{
	mm_destroy(&mm);
	engine_destroy(&eng);
}

static struct zone *normal(void)
{
	return &mm.zones[ZONE_NORMAL];
}

/* Allocate ids [first, first + n) for task on behalf of a request with the clock standing. */
static uint64_t alloc_task(uint32_t task, uint64_t first, uint64_t n, gfp_t gfp, unsigned order)
{
	uint64_t ok = 0;
	for (uint64_t id = first; id < first + n; id++) {
		struct mm_request req = { .task = task, .mode = REQ_SYNC, .alloc_class = -1 };
		ok += mm_alloc_req(&mm, &req, id, gfp, order) != PFN_NONE;
	}
	return ok;
}

/* A request that meets only pages under writeback sleeps until they can go.
 *
 * 16128 file pages fill the zone to min (free 256); all are dirtied and written at t = 0
 * (reclaim_flush_all): write k (oldest first) completes at 100 us + 10 us × k.  Costs:
 * scanning and reclaiming are free, each slow-path attempt at the free lists costs
 * alloc_fast = 1000 ns.  The request (an actor) at t = 0:
 *   - fast path fails (free 256 < low 320); the slow path's attempt at min fails (256 is
 *     not > 256) and so does the first attempt of the retry loop: 2000 ns charged;
 *   - direct reclaim, priority 12: every page met is under writeback -> PG_reclaim,
 *     activated; the pass is free, then the request sleeps off its 2000 ns (t = 2000);
 *     priorities 11..2 likewise reclaim nothing, at t = 2000;
 *   - priority 1 reclaimed nothing, and write_pending (16128) is more than half of the
 *     reclaimable pages (16128): reclaim_throttle(NOPROGRESS) sleeps one jiffy, 4 ms, to
 *     t = 4,002,000 (nobody makes progress to wake it early);
 *   - meanwhile writes 1..390 end (100 us + 10 us × 390 = 4,000,000 <= 4,002,000; write
 *     391 ends at 4,010,000); they were all met by the scans above (Σ_{p=12..2} 16128 >> p
 *     = 8057 pages from the tail, the oldest first), so each rotates to the inactive tail,
 *     clean: pgrotated 390;
 *   - priority 0 takes 32 of them from the tail and frees them (nr_to_reclaim 32): free
 *     288; the attempt after reclaim (1000 ns) succeeds at min: free 287;
 *   - the request sleeps off that last 1000 ns: it ends at 4,003,000, its whole stall. */
static void test_blocks_until_writeback_completes(void)
{
	setup();
	cfg.costs.scan_page_ns = 0;
	cfg.costs.reclaim_page_ns = 0;
	cfg.costs.alloc_fast_ns = 1000;
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, FILE_GFP, 0), 16128);
	CHECK_EQ(normal()->nr_free_pages, 256);
	for (uint64_t id = 1; id <= 16128; id++)
		mm_dirty(&mm, id);
	reclaim_flush_all(&mm);
	CHECK_EQ(reclaim_nr_writeback(&mm), 16128);

	struct mmtest_alloc a = {
		.mm = &mm,
		.req = { .task = 2, .mode = REQ_ACTOR, .alloc_class = -1 },
		.id = 100000,
		.gfp = FILE_GFP,
		.order = 0,
	};
	CHECK(!actor_run(&eng, mmtest_alloc_body, &a)); /* it sleeps */
	engine_run_until(&eng, 4001999);
	CHECK(!a.done);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 390);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 0);
	CHECK_EQ(mm.reclaim->nr_throttled, 1);
	engine_run_until(&eng, 4002999);
	CHECK(!a.done);
	engine_run_until(&eng, 4003000);
	CHECK(a.done);
	CHECK(a.pfn != PFN_NONE);
	CHECK_EQ(a.req.stall_ns, 4003000);
	CHECK_EQ(a.req.slept_ns, 4003000);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 32);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 390);
	CHECK_EQ(normal()->nr_free_pages, 287);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(mm.reclaim->stall_throttle_ns, 4000000);
	CHECK_EQ(mm.alloc_outcome[ACLASS_MOVABLE][AOUT_SATISFIED], 16129);
	CHECK(mm_check_full(&mm));
	stop();
}

/* A reclaim that makes progress wakes the NOPROGRESS sleepers when what it has reclaimed
 * exceeds 1/8 of what its latest priority scanned (consider_reclaim_throttle, 6.18:
 * do_try_to_free_pages starts nr_scanned at 0 for each priority; nr_reclaimed runs on).
 *
 * A sleeper waits on the NOPROGRESS queue for one jiffy (4 ms).  Ids 1..16128 file pages
 * (free 256 = min; id 1 at the inactive tail), all dirtied and written at t = 0 but ids 20
 * and 21, which stay clean.  A request that cannot sleep allocates at t = 0: direct reclaim
 * (file only, no swap) scans 16128 >> p pages of the inactive list from the tail at
 * priority p, activating each page under writeback (case 2):
 *   prio 12: ids 1..3, nothing reclaimed: 0 > 3 >> 3 = 0 is false;
 *   prio 11: ids 4..10, nothing: 0 > 7 >> 3 = 0 is false;
 *   prio 10: ids 11..25 (15 pages), 20 and 21 freed: 2 > 15 >> 3 = 1 wakes the sleeper.
 *     (Counting every priority's scans, 2 > 25 >> 3 = 3 was false.)
 * The reclaim goes on to priority 0 (2 < 32), freeing nothing more, and the allocation
 * succeeds at min (258 > 256). */
struct noprogress_sleeper {
	struct mm *mm;
	bool woken, done;
};
static void noprogress_sleeper_body(void *arg)
{
	struct noprogress_sleeper *n = arg;
	n->woken = actor_wait(n->mm->engine, &n->mm->reclaim->throttle_noprogress, 4 * NSEC_PER_MSEC);
	n->done = true;
}

static void test_progress_wakes_noprogress_sleepers(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, FILE_GFP, 0), 16128);
	for (uint64_t id = 1; id <= 16128; id++)
		if (id != 20 && id != 21)
			mm_dirty(&mm, id);
	reclaim_flush_all(&mm);
	CHECK_EQ(reclaim_nr_writeback(&mm), 16126);
	struct noprogress_sleeper n = { .mm = &mm };
	CHECK(!actor_run(&eng, noprogress_sleeper_body, &n));
	CHECK_EQ(mm.reclaim->throttle_noprogress.nr, 1);
	CHECK_EQ(alloc_task(2, 100000, 1, FILE_GFP, 0), 1);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 2);
	for (uint64_t id = 20; id <= 21; id++) {
		const struct obj_slot *o = obj_lookup(&mm.objs, id);
		CHECK(!o || o->kind != OBJ_PAGES);
	}
	CHECK_EQ(mm.reclaim->throttle_noprogress.nr, 0);
	engine_run_until(&eng, 0);
	CHECK(n.done);
	CHECK(n.woken);
	CHECK_EQ(normal()->nr_free_pages, 257);
	CHECK(mm_check_full(&mm));
	stop();
}

/* The machine of the two swap-queue tests: ids 1..16128 anon (unreferenced) fill the zone to
 * free 256 (min), swap of 32768 pages at 409.6 MB/s and 100 us per request with queue_depth
 * requests in flight, each written page costing write_ns of the reclaimer's CPU; task 2's
 * order-0 anon allocation is `a`, to run as an actor. */
static void swap_queue_machine(uint64_t write_ns, unsigned queue_depth, struct mmtest_alloc *a)
{
	setup();
	cfg.costs.scan_page_ns = 0;
	cfg.costs.reclaim_page_ns = 0;
	cfg.costs.reclaim_anon_page_ns = 0;
	cfg.costs.swap_write_page_ns = write_ns;
	cfg.costs.alloc_fast_ns = 1000;
	cfg.devices.swap_pages = 32768;
	cfg.devices.swap_bandwidth_bps = 409600000;
	cfg.devices.swap_latency_ns = 100000;
	cfg.devices.swap_queue_depth = queue_depth;
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, ANON_GFP, 0), 16128);
	CHECK_EQ(normal()->nr_free_pages, 256);
	for (uint64_t id = 1; id <= 16128; id++)
		mm.pages[obj_lookup(&mm.objs, id)->pfn].flags &= (uint16_t)~PF_REFERENCED;
	*a = (struct mmtest_alloc){
		.mm = &mm,
		.req = { .task = 2, .mode = REQ_ACTOR, .alloc_class = -1 },
		.id = 100000,
		.gfp = ANON_GFP,
		.order = 0,
	};
}

/* A direct reclaimer whose swap write finds the device's request queue full sleeps for a
 * tag and goes on with the same pass (6.18: swap_writeout -> submit_bio sleeps in
 * blk_mq_get_tag inside shrink_folio_list; no rescan of the priority).
 *
 * Swap 32768 pages, 409.6 MB/s (10 us a page), latency 100 us, queue depth 4; reclaim costs
 * 0, each slow-path attempt at the free lists 1000 ns; kswapd unhooked.  Ids 1..16128 anon (free 256 = min), young bits cleared.  No file pages:
 * get_scan_count scans anon alone, 16128 >> priority pages, oldest id first.  A page written
 * is kept at the inactive head under writeback; its write ending rotates it to the tail,
 * clean, where the next scan frees it.  Writes queued at t transfer back to back from
 * max(t, device free) and end 100 us after their transfer.  The request at t = 0: the
 * attempt at min and the retry loop's first fail (2000 ns charged), then direct reclaim:
 *   prio 12: 3 pages (1..3) written at 0; queue 3, not full; nothing reclaimed; the
 *     request sleeps off its 2000 ns.
 *   prio 11 at 2 us: 7 pages (4..10), their transfers after 1..3's (the device is busy
 *     until 30 us), so write k ends at 100 + 10k us for k = 1..10: 4 fills the queue, 5 finds it full (written anyway: the
 *     model writes, then waits after the batch); queue 10.  Each ending wakes the reclaimer, which sleeps again while 4 are
 *     queued: it goes on at 170 us (write 7 ended, 3 queued), with priority 10.  (The
 *     model before rescanned priority 11 there: 7 pages, 0 written.)
 *   prio 10 at 170 us: 15 pages: the 7 rotated (7..1) freed, 11..18 written (pswpout 18);
 *     they end at 170 + 10j + 100 = 280..350 us (j = 1..8); 8, 9, 10 end at 180..200: 3
 *     queued after write 15, at 320 us.
 *   prio 9 at 320 us: 31 pages: 15..8 freed (15 in all), 19..41 written (pswpout 41),
 *     ending at 320 + 10i + 100 (i = 1..23); 16..18 end at 330..350: 3 queued after write
 *     38 (i = 20), at 620 us.
 *   prio 8 at 620 us: 16113 >> 8 = 62 pages, first batch of 32: 38..16 freed (23 at this
 *     priority, 38 in all), 42..50 written (pswpout 50; 42 fills the queue, 43 finds it
 *     full), ending at 620 + 10i + 100 = 730..810 (i = 1..9); 39..41 end at 630..650: 3
 *     queued after write 47, at 780 us.  shrink_lruvec (6.18) counts what this lruvec
 *     reclaimed, 23 < 32: it goes on (the model before stopped at the pass's 38 >= 32).
 *     Second batch of 30 at 780 us: 47..39, rotated by then, freed (9: 32 at this
 *     priority, 47 in all), 51..71 written (pswpout 71; 51 fills the queue), transfers
 *     from 780 us, write 51 + k ending at 890 + 10k us: 3 queued after write 68, at
 *     1060 us.  32 >= 32 and no file left: the lruvec ends (its targets are used up
 *     too), and 47 >= 32 ends the reclaim; the allocation succeeds at min (free 256 + 47
 *     = 303 > 256) and leaves 302, its 1000 ns slept: done at 1061 us.
 * The waits for a tag are throttles: 2 us to 780 us and 780 us to 1060 us, 1058 us; the
 * stall is 1061 us; writes 1..68 have ended, each rotated (pgrotated 68). */
static void test_full_swap_queue_direct_reclaim_goes_on(void)
{
	struct mmtest_alloc a;
	swap_queue_machine(0, 4, &a);
	CHECK(!actor_run(&eng, mmtest_alloc_body, &a)); /* it sleeps */
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 3);
	engine_run_until(&eng, 2000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 10);
	engine_run_until(&eng, 169999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 10);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 6);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 0);
	engine_run_until(&eng, 170000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 18);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 7);
	engine_run_until(&eng, 319999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 18);
	engine_run_until(&eng, 320000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 41);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 15);
	engine_run_until(&eng, 619999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 41);
	engine_run_until(&eng, 620000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 50);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 38);
	engine_run_until(&eng, 779999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 50);
	engine_run_until(&eng, 780000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 71);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 47);
	engine_run_until(&eng, 1060999);
	CHECK(!a.done);
	CHECK_EQ(normal()->nr_free_pages, 302);
	engine_run_until(&eng, 1061000);
	CHECK(a.done);
	CHECK(a.pfn != PFN_NONE);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 71);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 3 + 7 + 15 + 31 + 62);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 68);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(normal()->nr_free_pages, 302);
	CHECK_EQ(a.req.stall_ns, 1061000);
	CHECK_EQ(mm.reclaim->stall_throttle_ns, 1058000);
	CHECK(mm_check_full(&mm));
	stop();
}

/* A direct reclaimer whose swap writes found the queue full sleeps off the work of its pass
 * first, and only then looks at the queue: the writes that ended while it slept woke
 * nobody, so a wait begun on the queue they emptied would last for ever (the model did
 * that: the capture anon-swap's writer never ran again).  blk_mq_get_tag (6.18) tests for
 * a free tag after queueing itself.
 *
 * The machine of test_full_swap_queue_direct_reclaim_goes_on (ids 1..16128 anon, free 256
 * = min, no file, swap 10 us a page + 100 us), but queue depth 1 and each page written
 * costs its reclaimer 1 ms (swap_write_page); every other cost 0, an attempt at the free
 * lists 1000 ns.  A batch's writes take far less than its cost, so the queue is always
 * empty when the reclaimer wakes, and it never waits for a tag.  Pages freed at a priority
 * are the ones written at the one before, rotated to the tail by then:
 *   prio 12 at 0: 3 pages, 1..3 written (2 finds the queue full: the slot wait after the
 *     batch); 3 ms + the attempts' 2000 ns slept: 3,002 us.
 *   prio 11 at 3,002 us: 7 pages, 1..3 freed, 4..7 written (4 ms): 7,002 us.
 *   prio 10: 15 pages, 4 freed (7 in all), 11 written (11 ms): 18,002 us.
 *   prio 9: 31 pages, 11 freed (18), 20 written (20 ms): 38,002 us.
 *   prio 8: 62 pages in batches of 32 and 30: 20 freed (38), 12 written (12 ms) to
 *     50,002 us; 20 < 32 for this lruvec, so on: 12 freed (50; 32 here), 18 written (18 ms)
 *     to 68,002 us.  50 >= 32 ends the reclaim; the attempt after it (1000 ns) succeeds:
 *     done at 68,003 us, free 256 + 50 - 1 = 305.
 * pswpout 3 + 4 + 11 + 20 + 12 + 18 = 68, all ended (pgrotated 68); pgscan 118; no throttle. */
static void test_swap_queue_drained_while_reclaimer_slept(void)
{
	struct mmtest_alloc a;
	swap_queue_machine(1000000, 1, &a);
	CHECK(!actor_run(&eng, mmtest_alloc_body, &a)); /* it sleeps */
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 3);
	engine_run_until(&eng, 3001999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 3);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 3);
	engine_run_until(&eng, 3002000);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 7);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 3);
	engine_run_until(&eng, 38001999);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 38);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 18);
	engine_run_until(&eng, 68002999);
	CHECK(!a.done);
	CHECK_EQ(mm.vm_events[VM_PSWPOUT], 68);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_DIRECT], 50);
	engine_run_until(&eng, 68003000);
	CHECK(a.done);
	CHECK(a.pfn != PFN_NONE);
	CHECK_EQ(a.req.stall_ns, 68003000);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 3 + 7 + 15 + 31 + 62);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 68);
	CHECK_EQ(mm.reclaim->stall_throttle_ns, 0);
	CHECK_EQ(mm.reclaim->swap.wait.nr, 0);
	CHECK_EQ(normal()->nr_free_pages, 305);
	CHECK(mm_check_full(&mm));
	stop();
}

/* GFP_ATOMIC never enters reclaim and uses the reserves its flags allow.  At free 256
 * (min): ALLOC_MIN_RESERVE halves min to 128 and ALLOC_NON_BLOCK takes a quarter off:
 * 96.  Order-0 requests pass while free > 96: 256 - 96 = 160 succeed, the 161st fails
 * as fail_nowait, and nothing was scanned, stalled or compacted. */
static void test_atomic_never_reclaims(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, FILE_GFP, 0), 16128);
	CHECK_EQ(normal()->nr_free_pages, 256);
	CHECK_EQ(alloc_task(3, 100000, 161, GFP_ATOMIC, 0), 160);
	CHECK_EQ(normal()->nr_free_pages, 96);
	CHECK_EQ(mm.alloc_outcome[ACLASS_ATOMIC][AOUT_SATISFIED], 160);
	CHECK_EQ(mm.alloc_outcome[ACLASS_ATOMIC][AOUT_FAIL_NOWAIT], 1);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_NORMAL] + mm.vm_events[VM_ALLOCSTALL_MOVABLE], 0);
	CHECK_EQ(mm.vm_events[VM_PGSCAN_DIRECT], 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], 0);
	CHECK_EQ(mm.vm_events[VM_OOM_KILL], 0);
	stop();
}

/* Fill with unmovable order-0 pages to min and free every other one: 8064 free pages whose
 * buddies are all allocated, plus the 256 never-used pages above them, which the fill left
 * as one order-8 block; an order-8 request takes that block.  Now all 8064 free pages are
 * of order 0.  An order-4 GFP_KERNEL request (costly) can be helped by neither reclaim (no
 * LRU pages) nor compaction (unmovable pages do not move): it fails as fail_costly after
 * one reclaim round (costly orders without __GFP_RETRY_MAYFAIL do not loop), and the OOM
 * killer is never asked (it does not help orders above PAGE_ALLOC_COSTLY_ORDER).  With
 * __GFP_RETRY_MAYFAIL it loops only while reclaim or compaction could help — neither can
 * — and fails the same way. */
static void test_costly_fails_after_retries(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, GFP_KERNEL, 0), 16128);
	for (uint64_t id = 1; id <= 16128; id += 2)
		mm_free(&mm, id);
	CHECK_EQ(normal()->nr_free_pages, 8320);
	CHECK_EQ(normal()->free_area[8].nr_free, 1);
	CHECK_EQ(alloc_task(1, 20000, 1, GFP_KERNEL, 8), 1);
	CHECK_EQ(normal()->nr_free_pages, 8064);
	CHECK_EQ(normal()->free_area[0].nr_free, 8064);
	CHECK_EQ(alloc_task(5, 100000, 1, GFP_KERNEL, 4), 0);
	CHECK_EQ(mm.alloc_outcome[ACLASS_HIGHORDER][AOUT_FAIL_COSTLY], 1);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_NORMAL], 1);
	CHECK_EQ(mm.vm_events[VM_COMPACT_SUCCESS], 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], mm.vm_events[VM_COMPACT_FAIL]);
	CHECK_EQ(alloc_task(5, 100001, 1, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 4), 0);
	CHECK_EQ(mm.alloc_outcome[ACLASS_HIGHORDER][AOUT_FAIL_COSTLY], 2);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_NORMAL], 2);
	CHECK_EQ(mm.vm_events[VM_OOM_KILL], 0);
	CHECK(mm_check_full(&mm));
	stop();
}

/* A THP fault makes two calls of the allocator (alloc_pages_mpol, 6.12): first with
 * __GFP_THISNODE | __GFP_NORETRY, then, after that fails, with the fault's own mask.
 * Zone as in test_costly_fails_after_retries: 8064 free order-0 pages between unmovable
 * ones (GFP_KERNEL, no LRU), nothing reclaimable, nothing compaction can move.
 *   - GFP_TRANSHUGE (madvised: may reclaim): the first call's async compaction is not
 *     skipped (8064 free pages > low 320 + compact_gap 1024) and fails (compact_stall 1);
 *     being __GFP_THISNODE | __GFP_NORETRY it gives up there without reclaim (6.18).  The
 *     second call compacts async again (stall 2), reclaims once (allocstall 1), compacts
 *     at sync-light priority (stall 3), fails as fail_costly, and that failure defers
 *     compaction of the zone at order 9 (defer_shift 1: the next try is skipped).  Two
 *     calls returned no page: mmsim_alloc_fail 2.
 *   - GFP_TRANSHUGE_LIGHT (no direct reclaim): only the first call, which neither
 *     compacts nor reclaims (allocstall stays 1): mmsim_alloc_fail 3.
 *   - An imported first attempt (__GFP_THISNODE already set) is one call: its compaction
 *     is deferred (considered 1 < 1 << 1), and __GFP_NORETRY gives up on a deferred
 *     compaction without reclaiming (allocstall stays 1): mmsim_alloc_fail 4.  A deferred
 *     try is still a stall (__alloc_pages_direct_compact leaves out only COMPACT_SKIPPED):
 *     compact_stall 4.
 * Every compaction failed: compact_stall == compact_fail == 4; no OOM kill (costly order).
 * The two faults fell back to small pages (thp_fault_fallback 2); the imported first
 * attempt is not a fault's allocation of its own and counts neither way. */
static void test_thp_fault_two_attempts(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(1, 1, 16128, GFP_KERNEL, 0), 16128);
	for (uint64_t id = 1; id <= 16128; id += 2)
		mm_free(&mm, id);
	CHECK_EQ(alloc_task(1, 20000, 1, GFP_KERNEL, 8), 1);
	CHECK_EQ(normal()->free_area[0].nr_free, 8064);
	CHECK_EQ(normal()->nr_free_pages, 8064);
	CHECK_EQ(alloc_task(5, 100000, 1, GFP_TRANSHUGE, 9), 0);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], 3);
	CHECK_EQ(mm.vm_events[VM_MMSIM_ALLOC_FAIL], 2);
	CHECK_EQ(mm.alloc_outcome[ACLASS_HIGHORDER][AOUT_FAIL_COSTLY], 1);
	CHECK_EQ(mm.alloc_outcome[ACLASS_HIGHORDER][AOUT_FAIL_NORETRY], 0); /* the first call is not the request's outcome */
	CHECK_EQ(alloc_task(5, 100001, 1, GFP_TRANSHUGE_LIGHT, 9), 0);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_ALLOC_FAIL], 3);
	CHECK_EQ(alloc_task(5, 100002, 1, GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY, 9), 0);
	CHECK_EQ(mm.vm_events[VM_ALLOCSTALL_MOVABLE], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_ALLOC_FAIL], 4);
	CHECK_EQ(mm.vm_events[VM_COMPACT_SUCCESS], 0);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], 4);
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], mm.vm_events[VM_COMPACT_FAIL]);
	CHECK_EQ(mm.vm_events[VM_OOM_KILL], 0);
	CHECK_EQ(mm.vm_events[VM_THP_FAULT_FALLBACK], 2);
	CHECK_EQ(mm.vm_events[VM_THP_FAULT_ALLOC], 0);
	CHECK(mm_check_full(&mm));
	stop();
}

/* On an empty zone a THP fault gets its folio at the first call: thp_fault_alloc 1, no
 * fallback; an order-9 allocation that is not a THP fault (GFP_KERNEL) counts neither. */
static void test_thp_fault_alloc_counted(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(5, 1, 1, GFP_TRANSHUGE, 9), 1);
	CHECK_EQ(alloc_task(5, 2, 1, GFP_KERNEL, 9), 1);
	CHECK_EQ(mm.vm_events[VM_THP_FAULT_ALLOC], 1);
	CHECK_EQ(mm.vm_events[VM_THP_FAULT_FALLBACK], 0);
	stop();
}

/* No swap; task 7 holds 10000 anon pages, task 9 6128: the zone is at min (free 256)
 * and nothing is reclaimable.
 *   - task 8's GFP_KERNEL|__GFP_RETRY_MAYFAIL order-0 request: reclaim finds nothing,
 *     should_reclaim_retry sees free + reclaimable = 256, which cannot pass min; the OOM
 *     killer is not used for __GFP_RETRY_MAYFAIL: fail_retry_mayfail, nothing killed.
 *   - task 8's GFP_KERNEL request: the same, then out_of_memory: badness 10000 (task 7)
 *     against 6128 (task 9): task 7 is killed, its 10000 pages freed; the retry succeeds.
 *   - task 7 is dead, task 9 untouched; a killed task's ids are gone. */
static void test_oom_kills_largest_never_for_mayfail(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(7, 1, 10000, ANON_GFP, 0), 10000);
	CHECK_EQ(alloc_task(9, 20000, 6128, ANON_GFP, 0), 6128);
	CHECK_EQ(normal()->nr_free_pages, 256);

	CHECK_EQ(alloc_task(8, 50000, 1, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0), 0);
	CHECK_EQ(mm.alloc_outcome[ACLASS_UNMOVABLE][AOUT_FAIL_RETRY_MAYFAIL], 1);
	CHECK_EQ(mm.vm_events[VM_OOM_KILL], 0);
	CHECK(!mm_task_killed(&mm, 7));
	CHECK(obj_lookup(&mm.objs, 1) != NULL);

	CHECK_EQ(alloc_task(8, 50001, 1, GFP_KERNEL, 0), 1);
	CHECK_EQ(mm.alloc_outcome[ACLASS_UNMOVABLE][AOUT_SATISFIED], 1);
	CHECK_EQ(mm.vm_events[VM_OOM_KILL], 1);
	size_t nr;
	const struct oom_victim *v = oom_victims(&mm, &nr);
	CHECK_EQ(nr, 1);
	if (nr == 1) {
		CHECK_EQ(v[0].task, 7);
		CHECK_EQ(v[0].points, 10000);
		CHECK_EQ(v[0].pages_freed, 10000);
		CHECK_EQ(v[0].requester, 8);
	}
	CHECK(mm_task_killed(&mm, 7));
	CHECK(!mm_task_killed(&mm, 9));
	CHECK(obj_lookup(&mm.objs, 1) == NULL);
	CHECK(obj_lookup(&mm.objs, 10000) == NULL);
	CHECK(obj_lookup(&mm.objs, 20000) != NULL);
	CHECK_EQ(normal()->nr_free_pages, 256 + 10000 - 1);
	CHECK(mm_check_full(&mm));
	stop();
}

/* The victim's objects are found by its list of charged ids, which frees filter as they
 * go: task 7 allocates ids 1..10000 and frees those of 1..9000 that are not multiples of
 * 10 (8100 frees; its list is filtered whenever it holds more than 4 × its objects + 64
 * ids), keeping 900 + 1000 = 1900; then ids 30001..43228 (13228 more: 15128 in all);
 * task 9 holds 1000.  Free is 256 again (16128 allocated), so task 8's GFP_KERNEL request
 * kills task 7 (15128 against 1000): exactly its 15128 pages are freed, ids 10, 9001 and
 * 30001 are gone and so is no other task's; task 7 is killed, task 4103 (the same bit of
 * the quick filter) is not; the checker (every anon object listed, the list within its
 * bound) holds before and after. */
static void test_oom_victim_list_after_frees(void)
{
	setup();
	start();
	CHECK_EQ(alloc_task(7, 1, 10000, ANON_GFP, 0), 10000);
	uint64_t freed = 0;
	for (uint64_t id = 1; id <= 9000; id++)
		if (id % 10)
			freed += mm_free_req(&mm, NULL, id);
	CHECK_EQ(freed, 8100);
	CHECK(mm_check_full(&mm));
	CHECK_EQ(alloc_task(7, 30001, 13228, ANON_GFP, 0), 13228);
	CHECK_EQ(alloc_task(9, 50001, 1000, ANON_GFP, 0), 1000);
	CHECK_EQ(normal()->nr_free_pages, 256);
	CHECK(mm_check_full(&mm));

	CHECK_EQ(alloc_task(8, 60001, 1, GFP_KERNEL, 0), 1);
	size_t nr;
	const struct oom_victim *v = oom_victims(&mm, &nr);
	CHECK_EQ(nr, 1);
	if (nr == 1) {
		CHECK_EQ(v[0].task, 7);
		CHECK_EQ(v[0].points, 15128);
		CHECK_EQ(v[0].pages_freed, 15128);
	}
	CHECK(mm_task_killed(&mm, 7));
	CHECK(!mm_task_killed(&mm, 7 + 4096)); /* shares task 7's quick bit */
	CHECK(!mm_task_killed(&mm, 9));
	CHECK(obj_lookup(&mm.objs, 10) == NULL);
	CHECK(obj_lookup(&mm.objs, 9001) == NULL);
	CHECK(obj_lookup(&mm.objs, 30001) == NULL);
	CHECK(obj_lookup(&mm.objs, 50001) != NULL);
	CHECK(obj_lookup(&mm.objs, 60001) != NULL);
	CHECK_EQ(normal()->nr_free_pages, 256 + 15128 - 1);
	CHECK(mm_check_full(&mm));
	stop();
}

/* machine.cpu_contention on one CPU: request A charges 1000 ns of CPU work and sleeps it
 * off alone (1 on the CPU: 1000 ns, ends at 1000); request B starts at 0 while A works, so
 * two share the CPU: its 1000 ns take 1000 × 2 / 1 = 2000 (ends at 2000).  B then waits
 * 500 ns for I/O, which is not stretched (ends at 2500).  Without the switch B's CPU work
 * ends at 1000 and its I/O at 1500. */
struct work {
	struct mm_request req;
	sim_ns_t cpu, io, end;
};
static void do_work(void *arg)
{
	struct work *w = arg;
	mm_request_charge(&w->req, w->cpu);
	mm_request_charge_io(&w->req, w->io);
	mm_request_yield(&mm, &w->req);
	w->end = eng.now_ns;
}

static void test_cpu_contention(void)
{
	for (int on = 0; on <= 1; on++) {
		setup();
		cfg.machine.nr_cpus = 1;
		cfg.machine.cpu_contention = on;
		start();
		struct work a = { .req = { .mode = REQ_ACTOR, .alloc_class = -1 }, .cpu = 1000 };
		struct work b = { .req = { .task = 1, .mode = REQ_ACTOR, .alloc_class = -1 }, .cpu = 1000, .io = 500 };
		actor_run(&eng, do_work, &a);
		actor_run(&eng, do_work, &b);
		engine_run_until(&eng, 10000);
		CHECK_EQ(a.end, 1000);
		CHECK_EQ(b.end, on ? 2500 : 1500);
		CHECK_EQ(b.req.stall_ns, on ? 2500 : 1500);
		CHECK_EQ(b.req.slept_ns, b.req.stall_ns);
		CHECK_EQ(mm.nr_on_cpu, 0);
		stop();
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_blocks_until_writeback_completes);
	RUN(test_progress_wakes_noprogress_sleepers);
	RUN(test_full_swap_queue_direct_reclaim_goes_on);
	RUN(test_swap_queue_drained_while_reclaimer_slept);
	RUN(test_atomic_never_reclaims);
	RUN(test_costly_fails_after_retries);
	RUN(test_thp_fault_two_attempts);
	RUN(test_thp_fault_alloc_counted);
	RUN(test_oom_kills_largest_never_for_mayfail);
	RUN(test_oom_victim_list_after_frees);
	RUN(test_cpu_contention);
	return TEST_END();
}
