/* cma_alloc / alloc_contig_range / cma_release (model.md §7.2, §7.3) under each policy.
 * Machine: Normal 4096 pages, one 1024-page CMA area (two pageblocks) at the top. */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;

static void start(enum cma_mode mode)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 4);
	cfg.policy.cma.mode = mode;
	cfg.policy.cma.balance_half_free = true;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
}

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
static unsigned fill_area(uint64_t *in_area, unsigned max)
{
	uint64_t id = 1;
	while (id <= 3600 && mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE)
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

/* A short-term pin in every 512-page window: each window's migration keeps failing on the
 * pinned page (5 attempts), so every window is -EBUSY and the call fails with reason
 * pinned; the area's blocks are back to their type afterwards. */
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
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_FAIL_PINNED], 1);
	CHECK_EQ(mm.vm_events[VM_MMSIM_CMA_BUSY_RETRY], 2); /* both windows tried */
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
		start(CMA_MIGRATE_CMA);
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
	return TEST_END();
}
