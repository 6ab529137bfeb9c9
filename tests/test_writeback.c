/* Writeback: streaming write under memory pressure (writeback, immediate reclaim, no page
 * freed while under writeback), the device timing, truncate of a page in flight, re-dirty
 * in flight, fadvise DONTNEED, and the ereclaimable writeback_reclaim switch.
 *
 * Machine as in test_reclaim.c: one Normal zone of 16384 pages, min/low/high 256/320/384.
 * Disk: 409.6 MB/s (one 4 KiB page transfers in exactly 10 us), latency 100 us.
 */
#include "engine/engine.h"
#include "mm/vmscan.h"
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"
#include "trace/trace.h"

#define FILE_GFP GFP_HIGHUSER_MOVABLE

static struct config cfg;
static struct mm mm;
static struct engine eng;

static void setup(void)
{
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.costs.scan_page_ns = 50;
	cfg.costs.reclaim_page_ns = 300;
	cfg.devices.disk_bandwidth_bps = 409600000;
	cfg.devices.disk_latency_ns = 100000;
	cfg.devices.swap_bandwidth_bps = 409600000;
	cfg.devices.swap_latency_ns = 100000;
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

static struct page_frame *head_of(uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm.objs, id);
	return s && s->kind == OBJ_PAGES ? &mm.pages[s->pfn] : NULL;
}

/* A writer streams 6000 pages of a file (dirty; dirty_background_ratio 50 keeps the
 * flusher asleep), then a reader streams twice the memory through the page cache, one
 * page every 5 us, closed-loop (the next record waits for the stalls of the last, as
 * `mmsim run` with workload.replay: closed).  The written pages age to the inactive tail
 * still dirty, so reclaim meets them: it tags them PG_reclaim
 * (nr_vmscan_immediate_reclaim), activates them and wakes the flusher (every page it took
 * was dirty); their write end rotates them to the inactive tail (pgrotated), where they
 * are reclaimed.  The checker runs every 1000 records: each write in flight names a
 * resident page under writeback, so no page was freed while under writeback.  At the end
 * everything dirtied has been written exactly once: nr_written == nr_dirtied == 6000. */
static void test_streaming_write(void)
{
	setup();
	cfg.policy.dirty_background_ratio = 50;
	cfg.policy.dirty_ratio = 60;
	start();
	const uint64_t nw = 6000, nr = 2 * 16384;
	sim_ns_t t = 0;
	uint64_t failures = 0, max_writeback = 0;
	bool ok = true;
	for (uint64_t id = 1; id <= nw + nr; id++) {
		t += 5000;
		engine_run_until(&eng, t);
		struct mm_request req = { 0 };
		if (mm_alloc_req(&mm, &req, id, FILE_GFP | (id <= nw ? __GFP_WRITE : 0), 0) == PFN_NONE) {
			failures++;
			continue;
		}
		if (id <= nw)
			mm_dirty_req(&mm, &req, id, 0);
		t += req.stall_ns;
		max_writeback = MAX(max_writeback, reclaim_nr_writeback(&mm));
		if (id % 1000 == 0 && ok)
			ok = check_ok();
	}
	CHECK(ok);
	CHECK_EQ(failures, 0);
	CHECK_EQ(mm.vm_events[VM_NR_DIRTIED], nw);
	CHECK(max_writeback > 0);
	CHECK(mm.vm_events[VM_NR_VMSCAN_IMMEDIATE] > 0);
	CHECK(mm.vm_events[VM_PGROTATED] > 0);
	CHECK(mm.vm_events[VM_PGSTEAL_KSWAPD] > 0);
	printf("     dirtied %llu written %llu immediate %llu rotated %llu steal kswapd %llu direct %llu, max nr_writeback %llu\n",
	       (unsigned long long)mm.vm_events[VM_NR_DIRTIED], (unsigned long long)mm.vm_events[VM_NR_WRITTEN],
	       (unsigned long long)mm.vm_events[VM_NR_VMSCAN_IMMEDIATE], (unsigned long long)mm.vm_events[VM_PGROTATED],
	       (unsigned long long)mm.vm_events[VM_PGSTEAL_KSWAPD], (unsigned long long)mm.vm_events[VM_PGSTEAL_DIRECT],
	       (unsigned long long)max_writeback);
	reclaim_flush_all(&mm);
	engine_run_until(&eng, t + 10 * NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], nw);
	CHECK(check_ok());
	stop();
}

/* A writer faster than the disk: 800 MB/s against 409.6 MB/s with dirty_background_ratio
 * 50, each allocation a request that sleeps in the slow path (as the replay runs it).
 * Memory fills with pages being written; requests then throttle in direct reclaim
 * (reclaim_throttle: one jiffy when a pass made no progress) while the writes end, and
 * succeed once those pages can go.  No invariant may break. */
static void test_writer_faster_than_disk(void)
{
	setup();
	cfg.policy.dirty_background_ratio = 50;
	cfg.policy.dirty_ratio = 60;
	start();
	const uint64_t n = 3 * 16384 / 2;
	sim_ns_t t = 0;
	uint64_t ok_allocs = 0;
	bool ok = true;
	for (uint64_t id = 1; id <= n; id++) {
		t = MAX(t + 5000, eng.now_ns);
		engine_run_until(&eng, t);
		if (mmtest_alloc_actor(&mm, 1, id, FILE_GFP | __GFP_WRITE, 0, NULL) != PFN_NONE) {
			ok_allocs++;
			mm_dirty(&mm, id);
		}
		if (id % 1000 == 0 && ok)
			ok = check_ok();
	}
	CHECK(ok);
	CHECK(mm.reclaim->stall_throttle_ns > 0);
	printf("     open loop: %llu of %llu allocations succeeded, throttled %llu ms, direct reclaims %llu, scanned %llu, refill %llu, stolen %llu, written %llu\n", (unsigned long long)ok_allocs,
	       (unsigned long long)n, (unsigned long long)(mm.reclaim->stall_throttle_ns / NSEC_PER_MSEC),
	       (unsigned long long)mm.reclaim->nr_direct_reclaims, (unsigned long long)mm.vm_events[VM_PGSCAN_DIRECT],
	       (unsigned long long)mm.vm_events[VM_PGREFILL], (unsigned long long)mm.vm_events[VM_PGSTEAL_DIRECT],
	       (unsigned long long)mm.vm_events[VM_NR_WRITTEN]);
	engine_run_until(&eng, t + 10 * NSEC_PER_SEC);
	CHECK(check_ok());
	stop();
}

/* Device timing: at t = 0 the flusher writes ids 1, 2, 3 (one page each) back to back:
 * transfers end at 10, 20, 30 us, completions at 110, 120, 130 us. */
static void test_device_timing(void)
{
	setup();
	start();
	for (uint64_t id = 1; id <= 3; id++) {
		mm_alloc(&mm, id, FILE_GFP, 0);
		mm_dirty(&mm, id);
	}
	CHECK_EQ(reclaim_nr_dirty(&mm), 3);
	reclaim_flush_all(&mm);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 3);
	engine_run_until(&eng, 109999);
	CHECK_EQ(reclaim_nr_writeback(&mm), 3);
	engine_run_until(&eng, 110000);
	CHECK_EQ(reclaim_nr_writeback(&mm), 2);
	engine_run_until(&eng, 129999);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	engine_run_until(&eng, 130000);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 3);
	CHECK(check_ok());
	stop();
}

/* kswapd's VMSCAN_THROTTLE_WRITEBACK sleep (reclaim_throttle, 6.18): woken once more than
 * SWAP_CLUSTER_MAX = 32 pages' writeback has ended after it went to sleep, at most HZ/10.
 * Ids 1..40 dirtied and written by the flusher at t = 0: write k ends at 100 + 10k us.
 *   from 0: the 33rd page to end is write 33, at 430 us;
 *   from 150 us: writes 1..5 ended before (150 us included), the 33rd after is write 38,
 *     at 480 us: 330 us;
 *   from 300 us: writes 21..40 are left, 20 pages: the timeout, 100 ms (or 1 ms if given);
 *   from 0 with at most 200 us: the timeout, 200 us;
 * and with one anon page also written to swap at t = 0 (ends 10 + 100 = 110 us, as disk
 * write 1): the 33 pages are the swap write and disk writes 1..32: 420 us. */
static void test_writeback_throttle_wait(void)
{
	setup();
	cfg.devices.swap_pages = 1024;
	start();
	for (uint64_t id = 1; id <= 40; id++) {
		CHECK(mm_alloc(&mm, id, FILE_GFP, 0) != PFN_NONE);
		mm_dirty(&mm, id);
	}
	reclaim_flush_all(&mm);
	CHECK_EQ(reclaim_nr_writeback(&mm), 40);
	const sim_ns_t us = 1000, hz10 = 100 * NSEC_PER_MSEC;
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 0, 32, hz10), 430 * us);
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 150 * us, 32, hz10), 330 * us);
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 300 * us, 32, hz10), hz10);
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 300 * us, 32, NSEC_PER_MSEC), NSEC_PER_MSEC);
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 0, 32, 200 * us), 200 * us);
	pfn_t anon = mm_alloc(&mm, 100, FILE_GFP | __GFP_ZERO, 0);
	CHECK(anon != PFN_NONE);
	CHECK(swap_writeout(&mm, anon, 100, NULL));
	CHECK_EQ(writeback_throttle_wait_ns(&mm, 0, 32, hz10), 420 * us);
	engine_run_until(&eng, NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK(check_ok());
	stop();
}

/* Periodic writeback: a page dirtied at t = 0 (below every dirty threshold) is written by
 * the flusher tick that finds it older than 30 s — the ticks run every 5 s from the first
 * dirtying, so at 5, 10, ..., 30 s; the 30 s tick writes it (0 + 30 s <= 30 s) and the
 * write completes 10 us + 100 us later. */
static void test_periodic_writeback(void)
{
	setup();
	start();
	mm_alloc(&mm, 1, FILE_GFP, 0);
	mm_dirty(&mm, 1);
	engine_run_until(&eng, 30 * NSEC_PER_SEC - 1);
	CHECK_EQ(reclaim_nr_dirty(&mm), 1);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	engine_run_until(&eng, 30 * NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	engine_run_until(&eng, 30 * NSEC_PER_SEC + 109999);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 0);
	engine_run_until(&eng, 30 * NSEC_PER_SEC + 110000);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 1);
	CHECK(!mm.reclaim->kupdate_pending); /* nothing dirty: the timer stops */
	CHECK(check_ok());
	stop();
}

/* Pages dirtied before the replay (a DIRTY record with an age) and the flusher's phase
 * (devices.disk.kupdate_phase 2 s).  At t = 100 s, page 1 is dirtied 27 s ago (at 73 s),
 * page 2 20 s ago (80 s), page 3 "40 s ago" but after page 2, so no earlier than page 2
 * (the flusher's list stays in dirtying order: 80 s).  The first dirtying arms the
 * periodic writeback a period less the phase later, at 103 s, then every 5 s.  By hand:
 * at 103 s page 1 has been dirty 30 s (dirty_expire): written; pages 2 and 3 expire at
 * 110 s and are written by the kupdate of 113 s, none at 108 s. */
static void test_aged_dirty_kupdate_phase(void)
{
	setup();
	cfg.devices.disk_kupdate_phase_ns = 2 * NSEC_PER_SEC;
	start();
	engine_run_until(&eng, 100 * NSEC_PER_SEC);
	for (uint64_t id = 1; id <= 3; id++)
		mm_alloc(&mm, id, FILE_GFP, 0);
	CHECK(mm_dirty_aged(&mm, 1, 27 * NSEC_PER_SEC));
	CHECK(mm_dirty_aged(&mm, 2, 20 * NSEC_PER_SEC));
	CHECK(mm_dirty_aged(&mm, 3, 40 * NSEC_PER_SEC));
	engine_run_until(&eng, 103 * NSEC_PER_SEC - 1);
	CHECK_EQ(reclaim_nr_dirty(&mm), 3);
	engine_run_until(&eng, 103 * NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_dirty(&mm), 2);
	CHECK_EQ(reclaim_nr_dirty(&mm) + reclaim_nr_writeback(&mm) + mm.vm_events[VM_NR_WRITTEN], 3);
	engine_run_until(&eng, 113 * NSEC_PER_SEC - 1);
	CHECK_EQ(reclaim_nr_dirty(&mm), 2);
	engine_run_until(&eng, 113 * NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	engine_run_until(&eng, 114 * NSEC_PER_SEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 3);
	CHECK(check_ok());
	stop();
}

/* Background writeback writes whole chunks (wb_writeback / writeback_chunk_size, 6.18).
 * One Normal zone of 16384 pages, its high watermark 384 = totalreserve_pages, nothing
 * else in use: dirtyable = free + file LRU - 384 = 16000 whatever is allocated, so
 * dirty_background_ratio 10 gives bg_thresh 1600 and dirty_ratio 20 thresh 3200.  The
 * chunk: min(bandwidth / 2 = 100000 pages/s / 2 = 50000, thresh / 8 = 400) = 400, + 1024
 * rounded down to 1024 -> 1024.  3000 pages are dirtied one by one at t = 0: the 1601st
 * is the first over bg_thresh; the flusher writes the 1024 oldest (pages 1..1024) and
 * stops at 577 dirty; the 2625th (577 + 1024 = 1601 dirty) starts the next chunk, pages
 * 1025..2048.  At the end 952 dirty and 2048 under writeback; page 1024 is written,
 * page 2049 not.  The old rule (write only the excess) left 1600 dirty, 1400 written.
 * nr_dirty + nr_writeback stays at most 3000 <= thresh: no writer pauses. */
static void test_background_writes_chunks(void)
{
	setup();
	start();
	CHECK_EQ(mm.totalreserve_pages, 384);
	for (uint64_t id = 1; id <= 3000; id++) {
		mm_alloc(&mm, id, FILE_GFP, 0);
		mm_dirty(&mm, id);
		if (id == 1600)
			CHECK_EQ(reclaim_nr_writeback(&mm), 0);
		if (id == 1601) {
			CHECK_EQ(reclaim_nr_dirty(&mm), 577);
			CHECK_EQ(reclaim_nr_writeback(&mm), 1024);
		}
		if (id == 2624)
			CHECK_EQ(reclaim_nr_dirty(&mm), 1600);
	}
	CHECK_EQ(reclaim_nr_dirty(&mm), 952);
	CHECK_EQ(reclaim_nr_writeback(&mm), 2048);
	CHECK(head_of(1024)->flags & PF_WRITEBACK);
	CHECK(head_of(2048)->flags & PF_WRITEBACK);
	CHECK(head_of(2049)->flags & PF_DIRTY);
	CHECK_EQ(mm.reclaim->stall_writeback_ns, 0);
	engine_run_until(&eng, NSEC_PER_SEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 2048);
	CHECK(check_ok());
	stop();
}

/* The flusher's periodic wake also starts background writeback (wb_do_writeback ->
 * wb_check_background_flush, 6.18), with no writer dirtying.  Same machine: 1500 file
 * pages dirtied at t = 0 stay under bg_thresh 1600 (dirtyable 16000).  4000 anon pages
 * then take free memory: dirtyable 16000 - 4000 = 12000, bg_thresh 1200, thresh 2400,
 * chunk min(50000, 2400 / 8 = 300) + 1024 rounded down = 1024.  Nothing is written until
 * the tick at 5 s (none expired: dirtied at 0, 30 s not past), which writes one chunk:
 * 1500 - 1024 = 476 dirty, below 1200, so it stops. */
static void test_periodic_wake_background(void)
{
	setup();
	start();
	for (uint64_t id = 1; id <= 1500; id++) {
		mm_alloc(&mm, id, FILE_GFP, 0);
		mm_dirty(&mm, id);
	}
	for (uint64_t id = 10001; id <= 14000; id++)
		mm_alloc(&mm, id, FILE_GFP | __GFP_ZERO, 0);
	engine_run_until(&eng, 5 * NSEC_PER_SEC - 1);
	CHECK_EQ(reclaim_nr_dirty(&mm), 1500);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	engine_run_until(&eng, 5 * NSEC_PER_SEC);
	CHECK_EQ(reclaim_nr_dirty(&mm), 476);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1024);
	CHECK(head_of(1024)->flags & PF_WRITEBACK);
	CHECK(head_of(1025)->flags & PF_DIRTY);
	CHECK(check_ok());
	stop();
}

/* fsync (hint sync): a dirty page is written at once — at t = 0 it goes under writeback
 * and completes 10 us + 100 us later (nr_written 1); a clean page and a page already under
 * writeback are left as they are (still one write queued). */
static void test_sync_hint_writes_dirty(void)
{
	setup();
	start();
	struct mm_request req = { .mode = REQ_SYNC, .alloc_class = -1 };
	mm_alloc(&mm, 1, FILE_GFP, 0);
	mm_alloc(&mm, 2, FILE_GFP, 0);
	mm_dirty(&mm, 1);
	CHECK(mm_hint_req(&mm, &req, 1, HINT_SYNC));
	CHECK(mm_hint_req(&mm, &req, 2, HINT_SYNC));
	CHECK(mm_hint_req(&mm, &req, 1, HINT_SYNC));
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	engine_run_until(&eng, 109999);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 0);
	engine_run_until(&eng, 110000);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 1);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK(check_ok());
	stop();
}

/* Freeing (truncating) a page in flight waits for its write: written at t = 0, it
 * completes at 110 us; the free at t = 40 us is charged 70 us.  The queued write stays:
 * it completes at 110 us as a write of 1 page (nr_written 0 before, 1 after) but touches
 * no page. */
static void test_truncate_waits_for_writeback(void)
{
	setup();
	start();
	mm_alloc(&mm, 1, FILE_GFP, 0);
	mm_dirty(&mm, 1);
	reclaim_flush_all(&mm);
	CHECK(head_of(1)->flags & PF_WRITEBACK);
	engine_run_until(&eng, 40000);
	struct mm_request req = { 0 };
	CHECK(mm_free_req(&mm, &req, 1));
	CHECK_EQ(req.stall_ns, 70000);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	CHECK(check_ok());
	mm_alloc(&mm, 2, FILE_GFP, 0); /* may reuse the pfn: the old write must not touch it */
	engine_run_until(&eng, 109999);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 0);
	engine_run_until(&eng, NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 1);
	CHECK(!(head_of(2)->flags & PF_WRITEBACK));
	CHECK(check_ok());
	stop();
}

/* Truncate finds the write of its page among others: ids 1, 2, 3 written at t = 0
 * complete at 110, 120, 130 us.  Freeing 2 at 40 us is charged 120 − 40 = 80 us; after 1
 * completed (the queue's head moved on), freeing 3 at 115 us is charged 130 − 115 = 15 us.
 * All three writes complete and count in nr_written (1 by 115 us, 3 by 1 ms), the
 * truncated ones touching no page. */
static void test_truncate_among_writes(void)
{
	setup();
	start();
	for (uint64_t id = 1; id <= 3; id++) {
		mm_alloc(&mm, id, FILE_GFP, 0);
		mm_dirty(&mm, id);
	}
	reclaim_flush_all(&mm);
	CHECK_EQ(reclaim_nr_writeback(&mm), 3);
	engine_run_until(&eng, 40000);
	struct mm_request req = { 0 };
	CHECK(mm_free_req(&mm, &req, 2));
	CHECK_EQ(req.stall_ns, 80000);
	CHECK_EQ(reclaim_nr_writeback(&mm), 2);
	engine_run_until(&eng, 115000);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 1);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	req = (struct mm_request){ 0 };
	CHECK(mm_free_req(&mm, &req, 3));
	CHECK_EQ(req.stall_ns, 15000);
	CHECK_EQ(reclaim_nr_writeback(&mm), 0);
	engine_run_until(&eng, NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 3);
	CHECK_EQ(mm.reclaim->disk.where.nr_live, 0);
	CHECK(check_ok());
	stop();
}

/* Dirtied again while in flight: the page stays dirty after the first write ends and is
 * written a second time by the next flush. */
static void test_redirty_in_flight(void)
{
	setup();
	start();
	mm_alloc(&mm, 1, FILE_GFP, 0);
	mm_dirty(&mm, 1);
	reclaim_flush_all(&mm);
	mm_dirty(&mm, 1);
	CHECK_EQ(reclaim_nr_dirty(&mm), 1);
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	reclaim_flush_all(&mm); /* cannot write a page already in flight */
	CHECK_EQ(reclaim_nr_writeback(&mm), 1);
	engine_run_until(&eng, NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 1);
	CHECK(head_of(1)->flags & PF_DIRTY);
	reclaim_flush_all(&mm);
	engine_run_until(&eng, 2 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_NR_WRITTEN], 2);
	CHECK_EQ(mm.vm_events[VM_NR_DIRTIED], 2);
	CHECK_EQ(reclaim_nr_dirty(&mm), 0);
	CHECK(check_ok());
	stop();
}

/* classic fadvise DONTNEED: a clean page is dropped at once without a shadow (its next
 * access is a read, not a workingset refault); a dirty one is written and moved to the
 * inactive list with PG_reclaim, and its write end rotates it to the tail. */
static void test_dontneed(void)
{
	setup();
	start();
	mm_alloc(&mm, 1, FILE_GFP, 0);
	mm_alloc(&mm, 2, FILE_GFP, 0);
	mm_alloc(&mm, 3, FILE_GFP, 0);
	mm_dirty(&mm, 2);
	CHECK(mm_hint(&mm, 1, HINT_DONTNEED));
	CHECK_EQ(obj_lookup(&mm.objs, 1)->kind, OBJ_EVICTED);
	struct mm_request req = { 0 };
	CHECK(mm_access_req(&mm, &req, 1));
	CHECK_EQ(mm.vm_events[VM_WORKINGSET_REFAULT_FILE], 0);
	CHECK_EQ(mm.vm_events[VM_PGMAJFAULT], 1);
	CHECK_EQ(req.stall_ns, 110000);
	CHECK(mm_hint(&mm, 2, HINT_DONTNEED));
	CHECK(head_of(2)->flags & PF_WRITEBACK);
	CHECK(head_of(2)->flags & PF_RECLAIM);
	engine_run_until(&eng, NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PGROTATED], 1);
	CHECK_EQ(mm.lruvec.lists[LRU_INACTIVE_FILE].tail, obj_lookup(&mm.objs, 2)->pfn);
	CHECK(check_ok());
	stop();
}

/* ereclaimable with writeback_reclaim: a PG_reclaim page whose write ends goes to the
 * easily-reclaimable list instead of the inactive tail; without the switch it rotates. */
static void test_ereclaimable_writeback_switch(void)
{
	for (int sw = 0; sw < 2; sw++) {
		setup();
		cfg.policy.reclaim = RECLAIM_EASILY_RECLAIMABLE;
		cfg.policy.ereclaimable.writeback_reclaim = sw;
		start();
		mm_alloc(&mm, 1, FILE_GFP, 0);
		mm_dirty(&mm, 1);
		reclaim_flush_all(&mm);
		head_of(1)->flags |= PF_RECLAIM; /* as reclaim would have tagged it */
		engine_run_until(&eng, NSEC_PER_MSEC);
		CHECK_EQ(mm.lruvec.nr_pages[LRU_EASY], sw ? 1 : 0);
		CHECK_EQ(mm.lruvec.nr_pages[LRU_INACTIVE_FILE], sw ? 0 : 1);
		CHECK_EQ(mm.vm_events[VM_PGROTATED], 1);
		CHECK(check_ok());
		stop();
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_device_timing);
	RUN(test_writeback_throttle_wait);
	RUN(test_periodic_writeback);
	RUN(test_aged_dirty_kupdate_phase);
	RUN(test_background_writes_chunks);
	RUN(test_periodic_wake_background);
	RUN(test_sync_hint_writes_dirty);
	RUN(test_truncate_waits_for_writeback);
	RUN(test_truncate_among_writes);
	RUN(test_redirty_in_flight);
	RUN(test_dontneed);
	RUN(test_ereclaimable_writeback_switch);
	RUN(test_streaming_write);
	RUN(test_writer_faster_than_disk);
	return TEST_END();
}
