/* cma_alloc / alloc_contig_range / cma_release (model.md §7.2, §7.3) under each policy.
 * Machine: Normal 4096 pages, one 1024-page CMA area (two pageblocks) at the top. */
#include <gsl/gsl_rng.h>

#include "mmtest.h"
#include "mmtest_engine.h"
#include "mm/vmscan.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;

static void start_boost(enum cma_mode mode, unsigned boost_factor)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.machine.watermark_boost_factor = boost_factor;
	cfg.policy.cma.mode = mode;
	cfg.policy.cma.balance_half_free = true;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
}

static void start(enum cma_mode mode) { start_boost(mode, 15000); }

static void check_ok(void)
{
	bool ok = mm_check_full(&mm); /* prints the first violation */
	CHECK(ok);
}

static uint64_t area_base(void) { return mm.cma_areas[0].base_pfn; }

struct stat_probe { const char *name; uint64_t value; bool found; };
static void probe_fn(void *ctx, const char *name, uint64_t value)
{
	struct stat_probe *p = ctx;
	if (!strcmp(name, p->name)) {
		p->value = value;
		p->found = true;
	}
}
static uint64_t stat_of(const char *name)
{
	struct stat_probe p = { .name = name };
	procfs_visit_stats(&mm, PROCFS_STATS_ALL, NULL, probe_fn, &p);
	CHECK(p.found);
	return p.value;
}

/* An idle area: the whole range is free, nothing to migrate. */
static void idle(enum cma_mode mode)
{
	start(mode);
	char *before = mmtest_capture(procfs_write_buddyinfo, &mm);
	CHECK(mm_cma_alloc(&mm, 1, 512, 9));
	CHECK_EQ(mm.vm_events[VM_CMA_ALLOC_SUCCESS], 1);
	CHECK_EQ(mm.nr_device_pages, 512);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	check_ok();
	/* 512 pages at the area's first window are the device's: one order-9 chunk there. */
	CHECK(mm.pages[area_base()].flags & PF_CMA_DEVICE);
	CHECK_EQ(mm.pages[area_base()].order, 9);
	/* The area: 1024 pages, 512 given to the device, the other 512 one free order-9 block. */
	CHECK_EQ(stat_of("mmsim_cma_total_pages"), 1024);
	CHECK_EQ(stat_of("mmsim_cma_device_pages"), 512);
	CHECK_EQ(stat_of("mmsim_cma_area_free_pages"), 512);
	CHECK_EQ(stat_of("mmsim_cma_area_free_highorder_pages"), 512);
	/* Outside the area 3072 free pages, all in high-order blocks (nothing else allocated). */
	CHECK_EQ(stat_of("mmsim_noncma_free_highorder_pages"), 3072);
	/* A second window of 512 takes the other block; a third finds no space. */
	CHECK(mm_cma_alloc(&mm, 2, 512, 9));
	CHECK(!mm_cma_alloc(&mm, 3, 512, 9));
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_FAIL_NOSPACE], 1);
	CHECK(mm_cma_release(&mm, 1));
	CHECK(mm_cma_release(&mm, 2));
	CHECK(!mm_cma_release(&mm, 2));
	check_ok();
	char *after = mmtest_capture(procfs_write_buddyinfo, &mm);
	CHECK_STR(after, before); /* released pages merge back into the same free blocks */
	free(before);
	free(after);
	mmtest_mm_destroy(&mm);
}

static void test_idle_migrate_cma(void) { idle(CMA_MIGRATE_CMA); }
static void test_idle_sticky(void) { idle(CMA_STICKY_MOVABLE); }
static void test_idle_zone_cma(void) { idle(CMA_ZONE_CMA); }

/* Fill memory with movable pages until the area holds some (the 5.7 rule puts movable
 * pages in CMA once free CMA > half of free), then free every other one so there is
 * room outside the area for migration targets. Returns the ids living in the area. */
static bool is_file(uint64_t id) { return id % 3 == 0; }

static unsigned fill_area_gfp(uint64_t *in_area, unsigned max, bool mixed)
{
	uint64_t id = 1;
	/* __GFP_ZERO marks anon (vmscan.c); mixed: every third id is page cache (not every
	 * other: the 5.7 rule alternates CMA and normal pages while the area fills) */
	while (id <= 3600 && mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE | (mixed && is_file(id) ? 0 : __GFP_ZERO), 0) != PFN_NONE)
		id++;
	unsigned n = 0;
	for (uint64_t k = 1; k < id; k++) {
		struct obj_slot *s = obj_lookup(&mm.objs, k);
		bool inside = s->pfn >= area_base() && s->pfn < area_base() + 1024;
		if (!inside && (k % 2) == 0)
			CHECK(mm_free(&mm, k));
		else if (inside && n < max)
			in_area[n++] = k;
	}
	return n;
}
static unsigned fill_area(uint64_t *in_area, unsigned max) { return fill_area_gfp(in_area, max, false); }

static void test_migrates_movable(void)
{
	for (int mode = CMA_MIGRATE_CMA; mode < NR_CMA_MODES; mode++) {
		start((enum cma_mode)mode);
		uint64_t ids[1024];
		unsigned n = fill_area(ids, 1024);
		CHECK(n > 100); /* the area really is in use */
		CHECK(mm_cma_alloc(&mm, 9000, 1024, 9));
		CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], n);
		CHECK_EQ(mm.nr_device_pages, 1024);
		for (unsigned i = 0; i < n; i++) { /* every object moved out of the area */
			struct obj_slot *s = obj_lookup(&mm.objs, ids[i]);
			CHECK(s && (s->pfn < area_base() || s->pfn >= area_base() + 1024));
		}
		check_ok();
		CHECK(mm_cma_release(&mm, 9000));
		check_ok();
		mmtest_mm_destroy(&mm);
	}
}

/* A short-term pin in every 512-page window, never dropped (the clock stands): each
 * window's migration keeps failing on the pinned page (5 rounds), so every window is
 * -EBUSY and the call fails with reason busy; the area's blocks are back to their type
 * afterwards. */
static void test_pinned_every_window(void)
{
	start(CMA_MIGRATE_CMA);
	uint64_t ids[1024];
	unsigned n = fill_area(ids, 1024);
	unsigned pinned_lo = 0, pinned_hi = 0;
	for (unsigned i = 0; i < n; i++) {
		pfn_t pfn = obj_lookup(&mm.objs, ids[i])->pfn;
		bool lo = pfn < area_base() + 512;
		if ((lo && !pinned_lo) || (!lo && !pinned_hi)) {
			CHECK(mm_pin(&mm, ids[i], PIN_SHORT));
			*(lo ? &pinned_lo : &pinned_hi) = 1;
		}
	}
	CHECK(pinned_lo && pinned_hi);
	CHECK(!mm_cma_alloc(&mm, 9000, 512, 9));
	CHECK_EQ(mm.vm_events[VM_CMA_ALLOC_FAIL], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_FAIL_BUSY], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_FAIL_PINNED], 0);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_BUSY_RETRY], 2); /* both windows tried */
	/* each window: 5 rounds of migrate_pages, each failing the pinned page once */
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 2 * 5);
	CHECK_EQ(mm.alloc_outcome[ACLASS_CMA_DEVICE][AOUT_FAIL_CMA_BUSY], 1);
	CHECK_EQ(mm.nr_device_pages, 0);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_CMA], 2);
	CHECK_EQ(mm.zones[ZONE_NORMAL].nr_blocks_mt[MIGRATE_ISOLATE], 0);
	check_ok();
	mmtest_mm_destroy(&mm);
}

/* A long-term pin migrates its page out of the area first (5.13+), so it cannot block a
 * later cma_alloc; with policy.cma.pin_migrate off it stays and does. */
static void test_longterm_pin_migrates_out(void)
{
	for (int migrate = 1; migrate >= 0; migrate--) {
		/* No watermark boost: on this 4096-page zone one boost is a whole pageblock (1/8 of
		 * memory), and with the area isolated (its free pages out of NR_FREE_PAGES) the
		 * boosted watermark would refuse the last migration targets: -ENOMEM, which is
		 * not what this test is about. */
		start_boost(CMA_MIGRATE_CMA, 0);
		cfg.policy.cma.pin_migrate = migrate;
		uint64_t ids[1024];
		unsigned n = fill_area(ids, 1024);
		CHECK(n > 0);
		CHECK(mm_pin(&mm, ids[0], PIN_LONGTERM));
		pfn_t pfn = obj_lookup(&mm.objs, ids[0])->pfn;
		bool outside = pfn < area_base() || pfn >= area_base() + 1024;
		CHECK_EQ(outside, migrate);
		CHECK_EQ(mm_cma_alloc(&mm, 9000, 1024, 9), migrate);
		check_ok();
		mmtest_mm_destroy(&mm);
	}
}

/* order_per_bit = 4: the bitmap has one bit per 16 pages (cma_alloc in 6.12).  Worked by
 * hand on the idle 1024-page area at base B:
 *   alloc 10 pages, align 0   -> bits 0     -> [B, B+10), 16 pages reserved
 *   alloc 10 pages, align 0   -> bit 1      -> B+16 (not B+10)
 *   alloc 40 pages, align 5   -> 3 bits at a 32-page boundary: B+32 is free -> [B+32, B+72)
 *   release the first; alloc 20 pages, align 0 -> 2 bits: bit 0 alone is free, so the
 *   first two-bit run is bits 5-6 -> B+80
 *   an allocation of 1009 pages needs 64 bits = the whole area: refused (no space). */
static void test_order_per_bit(void)
{
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	cfg.policy.cma.regions[0].order_per_bit = 4;
	struct sim_error err;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	uint64_t b = area_base();
	CHECK(mm_cma_alloc(&mm, 1, 10, 0));
	CHECK(mm_cma_alloc(&mm, 2, 10, 0));
	CHECK(mm_cma_alloc(&mm, 3, 40, 5));
	CHECK(mm_cma_release(&mm, 1));
	CHECK(mm_cma_alloc(&mm, 4, 20, 0));
	CHECK(!mm_cma_alloc(&mm, 5, 1009, 0));
	CHECK_EQ(mm.nr_device_pages, 10 + 40 + 20);
	/* a device range is held as aligned pieces whose heads are PF_CMA_DEVICE */
	bool dev[1024] = { 0 };
	for (uint64_t q = 0; q < 1024; q++)
		if (mm.pages[b + q].flags & PF_CMA_DEVICE)
			for (uint64_t k = 0; k < (1u << mm.pages[b + q].order) && q + k < 1024; k++)
				dev[q + k] = true;
	CHECK(dev[16]);
	CHECK(!dev[26]);
	CHECK(dev[32]);
	CHECK(dev[71]);
	CHECK(!dev[72]);
	CHECK(!dev[0]);
	CHECK(dev[80]);
	CHECK(dev[99]);
	CHECK(!dev[100]);
	check_ok();
	mmtest_mm_destroy(&mm);
}

/* reclaim_clean_pages_from_list: the area's clean page cache is dropped (a shadow entry
 * stays: the object is OBJ_EVICTED), its anon pages and dirty page cache are migrated. */
static void test_drops_clean_cache(void)
{
	start(CMA_MIGRATE_CMA);
	uint64_t ids[1024];
	unsigned n = fill_area_gfp(ids, 1024, true);
	unsigned clean = 0, anon = 0, dirty = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!is_file(ids[i])) {
			anon++;
		} else if (dirty < 10) {
			CHECK(mm_dirty(&mm, ids[i]));
			dirty++;
		} else {
			clean++;
		}
	}
	CHECK(clean > 50 && anon > 50);
	CHECK(mm_cma_alloc(&mm, 9000, 1024, 9));
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_RECLAIM_CLEAN], clean);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], anon + dirty);
	unsigned evicted = 0;
	for (unsigned i = 0; i < n; i++) {
		struct obj_slot *s = obj_lookup(&mm.objs, ids[i]);
		CHECK(s != NULL);
		if (s->kind == OBJ_EVICTED)
			evicted++;
		else
			CHECK(s->kind == OBJ_PAGES && (s->pfn < area_base() || s->pfn >= area_base() + 1024));
	}
	CHECK_EQ(evicted, clean);
	check_ok();
	mmtest_mm_destroy(&mm);
}

/* A long-term pin is given up on at once (no migration attempt): its window fails with
 * reason pinned and cma_alloc moves to the next window (cma_alloc_busy_retry); with a
 * long-term pin in every free window the call fails with reason pinned. */
static void test_longterm_pin_gives_up(void)
{
	start(CMA_MIGRATE_CMA);
	cfg.policy.cma.pin_migrate = false; /* the pin stays in the area */
	uint64_t ids[1024];
	unsigned n = fill_area(ids, 1024);
	uint64_t lo = 0, hi = 0;
	for (unsigned i = 0; i < n; i++) {
		pfn_t pfn = obj_lookup(&mm.objs, ids[i])->pfn;
		if (pfn < area_base() + 512 && !lo)
			lo = ids[i];
		if (pfn >= area_base() + 512 && !hi)
			hi = ids[i];
	}
	CHECK(lo && hi);
	CHECK(mm_pin(&mm, lo, PIN_LONGTERM));
	CHECK(mm_pin(&mm, hi, PIN_LONGTERM));
	CHECK(!mm_cma_alloc(&mm, 9000, 512, 9));
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_FAIL_PINNED], 1);
	CHECK_EQ(mm.vm_events[VM_CMA_ALLOC_FAIL], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_BUSY_RETRY], 2);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 0); /* never tried */
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 0);
	/* unpin drops a short pin first, else the long-term one */
	CHECK(mm_pin(&mm, hi, PIN_SHORT));
	CHECK(mm_unpin(&mm, hi));
	CHECK_EQ(obj_lookup(&mm.objs, hi)->longterm_pins, 1);
	CHECK(mm_unpin(&mm, hi));
	CHECK(!(mm.pages[obj_lookup(&mm.objs, hi)->pfn].flags & PF_PINNED));
	/* the first window still fails (pinned), the second is emptied and taken */
	CHECK(mm_cma_alloc(&mm, 9001, 512, 9));
	CHECK(mm.pages[area_base() + 512].flags & PF_CMA_DEVICE);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_BUSY_RETRY], 3);
	CHECK(obj_lookup(&mm.objs, lo)->pfn < area_base() + 512); /* never moved */
	CHECK_EQ(mm.alloc_outcome[ACLASS_CMA_DEVICE][AOUT_SATISFIED], 1);
	CHECK_EQ(mm.alloc_outcome[ACLASS_CMA_DEVICE][AOUT_FAIL_CMA_BUSY], 1);
	CHECK(mm_cma_release(&mm, 9001));
	CHECK(mm_unpin(&mm, lo));
	CHECK(mm_cma_alloc(&mm, 9002, 1024, 9));
	check_ok();
	mmtest_mm_destroy(&mm);
}

/* A short pin that is never dropped (the clock stands) makes its window -EBUSY after five
 * rounds; the next window is free and taken. */
static void test_window_retry_short_pin(void)
{
	start(CMA_MIGRATE_CMA);
	uint64_t ids[1024];
	unsigned n = fill_area(ids, 1024);
	uint64_t lo = 0;
	for (unsigned i = 0; i < n && !lo; i++)
		if (obj_lookup(&mm.objs, ids[i])->pfn < area_base() + 512)
			lo = ids[i];
	CHECK(lo != 0);
	for (unsigned i = 0; i < n; i++) /* the second window holds nothing */
		if (obj_lookup(&mm.objs, ids[i])->pfn >= area_base() + 512)
			CHECK(mm_free(&mm, ids[i]));
	CHECK(mm_pin(&mm, lo, PIN_SHORT));
	CHECK(mm_cma_alloc(&mm, 9000, 512, 9));
	CHECK(mm.pages[area_base() + 512].flags & PF_CMA_DEVICE);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_BUSY_RETRY], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], 5);
	check_ok();
	mmtest_mm_destroy(&mm);
}

/* ---- waiting, with the clock moving (requests as actors) ---------------------------- */

struct cma_call {
	struct mm *mm;
	struct mm_request req;
	uint64_t id, count;
	unsigned align;
	bool ok, done;
	sim_ns_t end_ns;
};
static void cma_call_body(void *arg)
{
	struct cma_call *c = arg;
	c->ok = mm_cma_alloc_req(c->mm, &c->req, c->id, c->count, c->align);
	mm_request_yield(c->mm, &c->req);
	c->end_ns = c->mm->engine->now_ns;
	c->done = true;
}
struct unpin_at {
	struct mm *mm;
	uint64_t id;
	sim_ns_t at_ns;
};
static void unpin_body(void *arg)
{
	struct unpin_at *u = arg;
	actor_sleep(u->mm->engine, u->at_ns - u->mm->engine->now_ns);
	CHECK(mm_unpin(u->mm, u->id));
}

/* One file page W and one anon page P in the first window, nothing else in the area:
 * W is written back from T0 (disk latency X, no transfer time), P has a short pin that
 * its holder drops at T0 + Y.  Costs: only costs.migrate_page (2 us) is non-zero.
 *   round 1 (T0): W under writeback -> sleep until T0 + X (its write completes first)
 *   round 2 (T0 + X): migrate_pages on W and P — the round after a writeback wait
 *     migrates (migrate_pages moves the page it waited for, it does not drop it)
 *   Y < X:  both move: 2 x 2 us -> done at T0 + X + 4 us = max(X, Y) + the copies
 *   Y = X + 50 us: W moves (2 us), P fails 10 passes (20 us): sleep to X + 22;
 *     rounds at X + 22 and X + 42 fail again (20 us each) -> X + 62 >= Y: P moves
 *     (2 us) -> done at T0 + X + 64 us; 3 failing rounds, 3 x 10 failed passes. */
static void waits(sim_ns_t y_ns, sim_ns_t expect_ns, uint64_t fails, bool second)
{
	const sim_ns_t x_ns = 1000000;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.balance_half_free = true;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	cfg.policy.compaction_proactiveness = 0;
	cfg.devices.disk_bandwidth_bps = 0;
	cfg.devices.disk_latency_ns = x_ns;
	cfg.costs.alloc_fast_ns = 0;
	cfg.costs.scan_page_ns = 0;
	cfg.costs.reclaim_page_ns = 0;
	cfg.costs.migrate_page_ns = 2000;
	struct sim_error err;
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	uint64_t ids[1024];
	unsigned n = fill_area_gfp(ids, 1024, true);
	uint64_t w = 0, p = 0;
	for (unsigned i = 0; i < n; i++) {
		bool lo = obj_lookup(&mm.objs, ids[i])->pfn < area_base() + 512;
		if (lo && is_file(ids[i]) && !w)
			w = ids[i];
		else if (lo && !is_file(ids[i]) && !p)
			p = ids[i];
		else
			CHECK(mm_free(&mm, ids[i]));
	}
	CHECK(w && p);
	/* settle: the daemons woken by the fill find memory free again */
	mmtest_run_until(&mm, 100000000);
	sim_ns_t t0 = mm.engine->now_ns;
	CHECK(obj_lookup(&mm.objs, w)->kind == OBJ_PAGES && obj_lookup(&mm.objs, p)->kind == OBJ_PAGES);
	CHECK(reclaim_writeback_object(&mm, w));
	CHECK(mm_pin(&mm, p, PIN_SHORT));
	struct unpin_at u = { &mm, p, t0 + y_ns };
	actor_run(mm.engine, unpin_body, &u);
	struct cma_call c = { .mm = &mm, .req = { .task = 1, .mode = REQ_ACTOR, .alloc_class = -1 },
			      .id = 9000, .count = 512, .align = 9 };
	actor_run(mm.engine, cma_call_body, &c);
	struct cma_call c2 = { .mm = &mm, .req = { .task = 2, .mode = REQ_ACTOR, .alloc_class = -1 },
			       .id = 9001, .count = 512, .align = 9 };
	if (second)
		actor_run(mm.engine, cma_call_body, &c2);
	while ((!c.done || (second && !c2.done)) && engine_step(mm.engine))
		;
	CHECK(c.done && c.ok);
	CHECK_EQ(c.end_ns - t0, x_ns + expect_ns);
	if (second) {
		/* cma_mutex: the second call (the empty second window, nothing to do) waits
		 * until the first leaves alloc_contig_range at T0 + X + its last round, whose
		 * copy cost (4 us) the first sleeps off only after unlocking */
		CHECK(c2.done && c2.ok);
		CHECK_EQ(c2.end_ns - t0, x_ns + expect_ns - 4000);
		CHECK(mm.pages[area_base() + 512].flags & PF_CMA_DEVICE);
	}
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_WAIT_WRITEBACK], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_RECLAIM_CLEAN], 0);
	CHECK_EQ(mm.vm_events[VM_PGMIGRATE_SUCCESS], 2);
	CHECK_EQ(mm.vm_events[VM_MMSIM_MIGRATE_FAIL_PINNED], fails);
	check_ok();
	mmtest_mm_destroy(&mm);
}
static void test_waits_writeback_then_pin_gone(void) { waits(500000, 4000, 0, false); }
static void test_waits_writeback_and_short_pin(void) { waits(1050000, 64000, 3, false); }
static void test_cma_mutex(void) { waits(500000, 4000, 0, true); }

/* ---- randomized ---------------------------------------------------------------------- */

enum { UNPIN_MAX_NS = 3000000 };

static void unpin_quiet_body(void *arg)
{
	struct unpin_at *u = arg;
	actor_sleep(u->mm->engine, u->at_ns - u->mm->engine->now_ns);
	mm_unpin(u->mm, u->id); /* the object may be gone by then */
	free(u);
}

/* Device allocations and releases as actors on a running engine, among page cache (clean,
 * dirty, under writeback), anon pages, short pins dropped at random times and long-term
 * pins (left in the area: policy.cma.pin_migrate off).  After every step the checker
 * passes; a satisfied call's range is the device's; a long-term pinned page never moves;
 * every call ends as one outcome, and every failure has one reason. */
/* A random live id, preferring (20 draws) one whose page is in the area. */
static uint64_t pick_in_area(gsl_rng *r, const uint64_t *live, unsigned nr_live)
{
	uint64_t id = live[gsl_rng_uniform_int(r, nr_live)];
	for (int k = 0; k < 20; k++) {
		struct obj_slot *s = obj_lookup(&mm.objs, id);
		if (s && s->kind == OBJ_PAGES && s->pfn >= area_base() && s->pfn < area_base() + 2048)
			break;
		id = live[gsl_rng_uniform_int(r, nr_live)];
	}
	return id;
}

static void test_random_contig(void)
{
	uint64_t seed = tl_test_seed();
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, seed);
	mmtest_config(&cfg, 0, 0, 8192, 16);
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.balance_half_free = true;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 2048;
	cfg.policy.cma.pin_migrate = false;
	cfg.devices.disk_latency_ns = 20000000;
	struct sim_error err;
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	enum { MAX_LIVE = 8192, MAX_DEV = 4 };
	uint64_t *live = calloc(MAX_LIVE, sizeof(*live));
	struct lt_pin { uint64_t id; pfn_t pfn; } lt[64];
	uint64_t dev[MAX_DEV], count_of[MAX_DEV];
	unsigned nr_live = 0, nr_lt = 0, nr_dev = 0, calls = 0;
	uint64_t next_id = 1, next_dev = 1u << 30;
	char msg[256];
	/* most of memory in use, so the 5.7 rule has put pages in the area */
	for (; next_id <= 6600; next_id++)
		if (mm_alloc(&mm, next_id, GFP_HIGHUSER_MOVABLE | (gsl_rng_uniform(r) < 0.5 ? __GFP_ZERO : 0), 0) != PFN_NONE)
			live[nr_live++] = next_id;
	for (int step = 0; step < 1500; step++) {
		double u = gsl_rng_uniform(r);
		sim_ns_t now = mm.engine->now_ns;
		if (u < 0.35 && nr_live < 6800) {
			for (int k = 0; k < 24; k++, next_id++)
				if (mm_alloc(&mm, next_id, GFP_HIGHUSER_MOVABLE | (gsl_rng_uniform(r) < 0.5 ? __GFP_ZERO : 0), 0) !=
				    PFN_NONE)
					live[nr_live++] = next_id;
		} else if (u < 0.55 && nr_live) {
			for (int n = 0; n < 24 && nr_live; n++) {
				unsigned k = (unsigned)gsl_rng_uniform_int(r, nr_live);
				uint64_t id = live[k];
				mm_free(&mm, id);
				live[k] = live[--nr_live];
				for (unsigned j = 0; j < nr_lt; j++)
					if (lt[j].id == id)
						lt[j--] = lt[--nr_lt];
			}
		} else if (u < 0.65 && nr_live) {
			uint64_t id = pick_in_area(r, live, nr_live);
			if (gsl_rng_uniform(r) < 0.5)
				mm_dirty(&mm, id);
			else
				reclaim_writeback_object(&mm, id);
		} else if (u < 0.78 && nr_live) {
			uint64_t id = pick_in_area(r, live, nr_live);
			if (mm_pin(&mm, id, PIN_SHORT)) {
				struct unpin_at *up = malloc(sizeof(*up));
				*up = (struct unpin_at){ &mm, id, now + gsl_rng_uniform_int(r, UNPIN_MAX_NS) };
				actor_run(mm.engine, unpin_quiet_body, up);
			}
		} else if (u < 0.80 && nr_live && nr_lt < 64) {
			uint64_t id = pick_in_area(r, live, nr_live);
			if (mm_pin(&mm, id, PIN_LONGTERM))
				lt[nr_lt++] = (struct lt_pin){ id, obj_lookup(&mm.objs, id)->pfn };
		} else if (u < 0.82 && nr_lt) {
			unsigned j = (unsigned)gsl_rng_uniform_int(r, nr_lt);
			struct obj_slot *s = obj_lookup(&mm.objs, lt[j].id);
			/* an id pinned twice has two entries: the one left after both unpins is
			 * stale (no long-term pin) and is only dropped below */
			if (s && s->kind == OBJ_PAGES && s->longterm_pins && s->longterm_pins == s->pins)
				CHECK(mm_unpin(&mm, lt[j].id));
			if (!s || !s->longterm_pins)
				lt[j] = lt[--nr_lt];
		} else if (u < 0.95 && nr_dev < MAX_DEV) {
			struct cma_call c = { .mm = &mm, .req = { .task = 1, .mode = REQ_ACTOR, .alloc_class = -1 },
					      .id = next_dev++, .count = 1 + gsl_rng_uniform_int(r, 300),
					      .align = (unsigned)gsl_rng_uniform_int(r, 10) };
			calls++;
			actor_run(mm.engine, cma_call_body, &c);
			while (!c.done && engine_step(mm.engine))
				;
			CHECK(c.done);
			if (c.ok) {
				dev[nr_dev] = c.id;
				count_of[nr_dev++] = c.count;
			}
		} else if (nr_dev) {
			unsigned j = (unsigned)gsl_rng_uniform_int(r, nr_dev);
			CHECK(mm_cma_release(&mm, dev[j]));
			dev[j] = dev[--nr_dev];
			count_of[j] = count_of[nr_dev];
		}
		mmtest_run_until(&mm, mm.engine->now_ns + gsl_rng_uniform_int(r, 1000000));
		for (unsigned j = 0; j < nr_lt; j++) {
			struct obj_slot *s = obj_lookup(&mm.objs, lt[j].id);
			if (s && s->kind == OBJ_PAGES && s->longterm_pins)
				CHECK_EQ(s->pfn, lt[j].pfn);
		}
		bool ok = mm_check(&mm, 2, msg, sizeof(msg));
		if (!ok) {
			fprintf(stderr, "step %d: %s\n", step, msg);
			CHECK(ok);
			break;
		}
	}
	uint64_t dev_pages = 0;
	for (unsigned j = 0; j < nr_dev; j++)
		dev_pages += count_of[j];
	CHECK_EQ(mm.nr_device_pages, dev_pages);
	const uint64_t *o = mm.alloc_outcome[ACLASS_CMA_DEVICE];
	CHECK_EQ(o[AOUT_SATISFIED] + o[AOUT_FAIL_CMA_BUSY], calls);
	CHECK_EQ(o[AOUT_SATISFIED], mm.vm_events[VM_CMA_ALLOC_SUCCESS]);
	uint64_t reasons = mm.vm_events[VM_MMSIM_CMA_FAIL_PINNED] + mm.vm_events[VM_MMSIM_CMA_FAIL_UNMOVABLE] +
			   mm.vm_events[VM_MMSIM_CMA_FAIL_MIGRATE] + mm.vm_events[VM_MMSIM_CMA_FAIL_NOMEM] +
			   mm.vm_events[VM_MMSIM_CMA_FAIL_NOSPACE] + mm.vm_events[VM_MMSIM_CMA_FAIL_BUSY];
	CHECK_EQ(reasons, mm.vm_events[VM_CMA_ALLOC_FAIL]);
	CHECK_EQ(o[AOUT_FAIL_CMA_BUSY], mm.vm_events[VM_CMA_ALLOC_FAIL]);
	/* the run met what it is meant to */
	CHECK(o[AOUT_SATISFIED] > 0);
	CHECK(mm.vm_events[VM_MMSIM_CMA_RECLAIM_CLEAN] > 0 && mm.vm_events[VM_PGMIGRATE_SUCCESS] > 0);
	printf("     calls %u: satisfied %llu; failed pinned %llu busy %llu nospace %llu; dropped %llu, "
	       "writeback waits %llu\n", calls, (unsigned long long)o[AOUT_SATISFIED],
	       (unsigned long long)mm.vm_events[VM_MMSIM_CMA_FAIL_PINNED],
	       (unsigned long long)mm.vm_events[VM_MMSIM_CMA_FAIL_BUSY],
	       (unsigned long long)mm.vm_events[VM_MMSIM_CMA_FAIL_NOSPACE],
	       (unsigned long long)mm.vm_events[VM_MMSIM_CMA_RECLAIM_CLEAN],
	       (unsigned long long)mm.vm_events[VM_MMSIM_CMA_WAIT_WRITEBACK]);
	/* let every pending unpin run (each is due within UNPIN_MAX_NS of its step), then tear down */
	mmtest_run_until(&mm, mm.engine->now_ns + UNPIN_MAX_NS + 1);
	free(live);
	gsl_rng_free(r);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_idle_migrate_cma);
	RUN(test_idle_sticky);
	RUN(test_idle_zone_cma);
	RUN(test_migrates_movable);
	RUN(test_pinned_every_window);
	RUN(test_longterm_pin_migrates_out);
	RUN(test_order_per_bit);
	RUN(test_drops_clean_cache);
	RUN(test_longterm_pin_gives_up);
	RUN(test_window_retry_short_pin);
	RUN(test_waits_writeback_then_pin_gone);
	RUN(test_waits_writeback_and_short_pin);
	RUN(test_cma_mutex);
	RUN(test_random_contig);
	return TEST_END();
}
