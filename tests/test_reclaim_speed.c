/* test_reclaim_speed.c — the reclaim cost per page measured from a capture's vmscan events
 * (sim/trace/reclaim_speed.h).  The input is ftrace text written here line by line, with
 * microsecond timestamps as tracefs prints them; every expected figure is worked out by
 * hand in the comment above its check. */
#include "trace/reclaim_speed.h"

#include <stdio.h>
#include <string.h>

#include "testlib.h"

struct feed {
	struct reclaim_speed r;
	uint64_t t_us; /* the clock, microseconds */
};

static void line(struct feed *f, const char *task, const char *event, const char *payload)
{
	char l[512];
	snprintf(l, sizeof(l), "%s [000] ..... %llu.%06llu: %s: %s", task, (unsigned long long)(f->t_us / 1000000),
		 (unsigned long long)(f->t_us % 1000000), event, payload);
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(rspeed_event(&f->r, &ev), 0);
}

static void isolate(struct feed *f, const char *task, const char *lru, unsigned taken)
{
	char p[256];
	snprintf(p, sizeof(p), "classzone=3 order=0 nr_requested=32 nr_scanned=%u nr_skipped=0 nr_taken=%u lru=%s",
		 taken, taken, lru);
	line(f, task, "mm_vmscan_lru_isolate", p);
}

static void inactive(struct feed *f, const char *task, bool file, unsigned scanned, unsigned reclaimed)
{
	char p[320];
	snprintf(p, sizeof(p),
		 "nid=0 nr_scanned=%u nr_reclaimed=%u nr_dirty=0 nr_writeback=0 nr_congested=0 nr_immediate=0 "
		 "nr_activate_anon=0 nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 "
		 "flags=RECLAIM_WB_%s|RECLAIM_WB_ASYNC",
		 scanned, reclaimed, file ? "FILE" : "ANON");
	line(f, task, "mm_vmscan_lru_shrink_inactive", p);
}

static void active(struct feed *f, const char *task, unsigned taken)
{
	char p[256];
	snprintf(p, sizeof(p), "nid=0 nr_taken=%u nr_active=0 nr_deactivated=%u nr_referenced=0 priority=12 "
			       "flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC", taken, taken);
	line(f, task, "mm_vmscan_lru_shrink_active", p);
}

static void write_folio(struct feed *f, const char *task)
{
	line(f, task, "mm_vmscan_write_folio", "page=0000000007d921bc pfn=0x1000 flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC");
}

#define KSWAPD "kswapd0-47"
#define APP "app-100"

/* The parser hands the list and the reclaim type to the measurement. */
static void test_fields(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	const char *l = "kswapd0-47 [000] d..1. 56072.056053: mm_vmscan_lru_isolate: classzone=3 order=1 "
			"nr_requested=11 nr_scanned=12 nr_skipped=0 nr_taken=11 lru=active_file";
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.id, FEV_LRU_ISOLATE);
	CHECK_EQ(ev.nr[0], 11);
	CHECK_EQ(ev.result, 3);
	const char *w = "kswapd0-47 [000] ..... 56072.056139: mm_vmscan_write_folio: page=000000007d921bc2 "
			"pfn=0x5d8019 flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC";
	CHECK_EQ(ftrace_parse_line(w, strlen(w), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.result, 0);
	const char *s = "kswapd0-47 [000] ..... 56072.056160: mm_vmscan_lru_shrink_inactive: nid=0 nr_scanned=11 "
			"nr_reclaimed=10 nr_dirty=0 nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0 "
			"nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12 flags=RECLAIM_WB_FILE|RECLAIM_WB_ASYNC";
	CHECK_EQ(ftrace_parse_line(s, strlen(s), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.nr[0], 11);
	CHECK_EQ(ev.nr[1], 10);
	CHECK_EQ(ev.result, 1);
}

/* kswapd and a direct reclaimer (app) interleave; each pairs its own lru_isolate with its
 * own lru_shrink_inactive.
 *   file (kswapd): 24 batches of 32 pages reclaimed in 32 us (1,000 ns/page) and 8 of 32
 *     pages in 320 us (10,000: scheduled out); pages 768 + 256 = 1,024, half 512, the
 *     first 768 (sorted) cost 1,000: median 1,000 ns (the mean would be 3,250).
 *   anon (app, no writes): 16 batches of 8 pages in 4 us (500 ns/page) and 16 of 24 pages
 *     in 24 us (1,000); pages 128 + 384 = 512, half 256: the 128 at 500 fall short, the
 *     median is 1,000 (page-weighted; by batches it would lie between the two).
 *   swap_write (kswapd): 32 batches that write 4 pages (4 write_folio events) and reclaim
 *     4, in 84 us: 84,000 - 4 x 1,000 (the anon rate) = 80,000 over 4 written = 20,000.
 *   active (kswapd): 31 batches of 16 pages in 2 us: 31 < 32 batches, not measured.
 * Not counted: a file shrink_inactive that reclaimed nothing, one after an active list's
 * isolate, one with no isolate before it, an anon batch after a file isolate. */
static void test_measure(void)
{
	struct feed f = { .t_us = 56071000000ull };
	rspeed_init(&f.r);
	for (unsigned i = 0; i < 32; i++) {
		/* kswapd starts a file batch, app an anon one, both end */
		isolate(&f, KSWAPD, "inactive_file", 32);
		f.t_us += 1;
		bool slow = i % 4 == 3;
		isolate(&f, APP, "inactive_anon", i % 2 ? 24 : 8);
		f.t_us += i % 2 ? 24 : 4;
		inactive(&f, APP, false, i % 2 ? 24 : 8, i % 2 ? 24 : 8);
		f.t_us += (slow ? 320 : 32) - 1 - (i % 2 ? 24 : 4);
		inactive(&f, KSWAPD, true, 32, 32);
		f.t_us += 5;
		/* a swap-writing batch */
		isolate(&f, KSWAPD, "inactive_anon", 8);
		for (unsigned w = 0; w < 4; w++) {
			f.t_us += 20;
			write_folio(&f, KSWAPD);
		}
		f.t_us += 4;
		inactive(&f, KSWAPD, false, 8, 4);
		f.t_us += 3;
		if (i < 31) {
			isolate(&f, KSWAPD, "active_file", 16);
			f.t_us += 2;
			active(&f, KSWAPD, 16);
		}
		f.t_us += 7;
	}
	/* the batches that do not count */
	isolate(&f, KSWAPD, "inactive_file", 32);
	f.t_us += 50;
	inactive(&f, KSWAPD, true, 32, 0);
	isolate(&f, KSWAPD, "active_file", 32);
	f.t_us += 50;
	inactive(&f, KSWAPD, true, 32, 32);
	f.t_us += 50;
	inactive(&f, APP, true, 32, 32);
	isolate(&f, APP, "inactive_file", 32);
	f.t_us += 50;
	inactive(&f, APP, false, 32, 32);

	struct rspeed_result r;
	rspeed_result(&f.r, &r);
	CHECK(r.measured[RSPEED_FILE]);
	CHECK_EQ(r.batches[RSPEED_FILE], 32);
	CHECK_EQ(r.pages[RSPEED_FILE], 1024);
	CHECK_EQ(r.ns_per_page[RSPEED_FILE], 1000);
	CHECK(r.measured[RSPEED_ANON]);
	CHECK_EQ(r.batches[RSPEED_ANON], 32);
	CHECK_EQ(r.pages[RSPEED_ANON], 512);
	CHECK_EQ(r.ns_per_page[RSPEED_ANON], 1000);
	CHECK(r.measured[RSPEED_SWAP_WRITE]);
	CHECK_EQ(r.batches[RSPEED_SWAP_WRITE], 32);
	CHECK_EQ(r.pages[RSPEED_SWAP_WRITE], 128);
	CHECK_EQ(r.ns_per_page[RSPEED_SWAP_WRITE], 20000);
	CHECK(!r.measured[RSPEED_ACTIVE]);
	CHECK_EQ(r.batches[RSPEED_ACTIVE], 31);
	CHECK_EQ(r.pages[RSPEED_ACTIVE], 496);
	CHECK_EQ(r.ns_per_page[RSPEED_ACTIVE], 0);
	rspeed_destroy(&f.r);
}

/* migrate_pages calls of kcompactd (pid 38) and a faulting task (app, pid 100),
 * alternating.  kcompactd: 32 calls that migrate 32 pages in 48 us (1,500 ns/page) during
 * which the free scanner did not run, and 32 that run it (an isolate_freepages between
 * start and end: not counted, whatever their time).  app: 8 calls of 512 pages in 1,024 us
 * (2,000 ns/page) and one that migrated nothing (not counted).  Pages 32 x 32 = 1,024 at
 * 1,500 and 4,096 at 2,000: half of 5,120 is 2,560, past the first 1,024, so the
 * page-weighted median is 2,000 over 40 calls. */
static void migrate_call(struct feed *f, const char *task, unsigned pages, uint64_t us, bool free_scan)
{
	char p[256];
	line(f, task, "mm_migrate_pages_start", "mode=MIGRATE_SYNC_LIGHT reason=compaction");
	if (free_scan) {
		f->t_us += 1;
		line(f, task, "mm_compaction_isolate_freepages",
		     "range=(0x100000 ~ 0x100200) nr_scanned=512 nr_taken=32");
		us -= 1;
	}
	f->t_us += us;
	snprintf(p, sizeof(p), "nr_succeeded=%u nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 "
			       "nr_split=0 mode=MIGRATE_SYNC_LIGHT reason=compaction", pages);
	line(f, task, "mm_migrate_pages", p);
}

static void test_migrate(void)
{
	struct feed f = { .t_us = 21374000000ull };
	rspeed_init(&f.r);
	for (unsigned i = 0; i < 32; i++) {
		migrate_call(&f, "kcompactd0-38", 32, 48, false);
		f.t_us += 3;
		migrate_call(&f, "kcompactd0-38", 32, 400, true);
		f.t_us += 3;
		if (i < 8)
			migrate_call(&f, APP, 512, 1024, false);
	}
	migrate_call(&f, APP, 0, 10, false);
	struct rspeed_result r;
	rspeed_result(&f.r, &r);
	CHECK(r.measured[RSPEED_MIGRATE]);
	CHECK_EQ(r.batches[RSPEED_MIGRATE], 40);
	CHECK_EQ(r.pages[RSPEED_MIGRATE], 5120);
	CHECK_EQ(r.ns_per_page[RSPEED_MIGRATE], 2000);
	CHECK(!r.measured[RSPEED_FILE]);
	rspeed_destroy(&f.r);
}

/* No vmscan events: nothing measured, nothing allocated. */
static void test_empty(void)
{
	struct reclaim_speed r;
	rspeed_init(&r);
	struct rspeed_result out;
	rspeed_result(&r, &out);
	for (unsigned k = 0; k < NR_RSPEED; k++) {
		CHECK(!out.measured[k]);
		CHECK_EQ(out.batches[k], 0);
	}
	rspeed_destroy(&r);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_fields);
	RUN(test_measure);
	RUN(test_migrate);
	RUN(test_empty);
	return TEST_END();
}
