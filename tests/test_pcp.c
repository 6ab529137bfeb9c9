/* Per-cpu list high auto-tuning (model.md §2.8; 6.7+, mm/page_alloc.c in 6.12): refill
 * sizes by alloc_factor (nr_pcp_alloc), high growing on runs of frees (nr_pcp_high) with
 * drains of the run (nr_pcp_free), a run of order-1 frees draining at once (free_high, with
 * the 6.15+ threshold),
 * ZONE_RECLAIM_ACTIVE lowering high, and the once-a-second decay (decay_pcp_high), which
 * also drains a list above a high at high_min.
 * Every expected figure is worked out by hand in the comment above it.
 *
 * Then a list started at a captured count and high (machine.pcp_start, pcp_start_lists).
 *
 * Setup for all: one CPU, a 65536-page Normal zone (far above its watermarks, so
 * ZONE_BELOW_HIGH never sets), and the pageset's bounds set by hand to batch 8,
 * high_min 32, high_max 1024.  Pages the tests need in use are allocated with the lists
 * fixed (pcp_set_fixed: refills of one batch, max(8 >> order, 2) blocks), so that they
 * leave the list empty and the tuning state fresh. */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;

static struct per_cpu_pages *pcp0(void)
{
	return &mm.zones[ZONE_NORMAL].pcp[0];
}

/* Allocate ids 1..n of `order` with the lists fixed (n a whole number of refills, so the
 * list ends empty), then tune again from a fresh run with high = `high`. */
static void start(uint64_t n, unsigned order, uint32_t high)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 65536, 4096);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 1;
	cfg.machine.thp = false;
	cfg.machine.pcp_autotune = true; /* 6.7+ (off: the lists stay fixed, as before 6.7) */
	if (mmtest_mm_init(&mm, &cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	struct per_cpu_pages *p = pcp0();
	p->batch = 8;
	p->high_min = 32;
	p->high_max = 1024;
	p->high = high;
	pcp_set_fixed(&mm, true);
	for (uint64_t id = 1; id <= n; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, order) != PFN_NONE);
	CHECK_EQ(p->count, 0);
	pcp_set_fixed(&mm, false);
}

/* Order-0 allocations on an empty list (nr_pcp_alloc).  Each refill raises high by the
 * refill (high + batch << alloc_factor) and takes min(batch << af, max(high - count - 8, 8))
 * pages, then af++ (up to 5):
 *   alloc 1:   af 0: 8 pages,   high 32 + 8 = 40,    room 32  -> af 1; count 8 - 1 = 7
 *   alloc 9:   af 1: 16 pages,  high 40 + 16 = 56,   room 48  -> af 2; count 15
 *   alloc 25:  af 2: 32 pages,  high 88,             room 80  -> af 3; count 31
 *   alloc 57:  af 3: 64 pages,  high 152,            room 144 -> af 4; count 63
 *   alloc 121: af 4: 128 pages, high 280,            room 272 -> af 5; count 127
 *   alloc 249: af 5: 256 pages, high 536,            room 528 -> af stays 5; count 255
 * Before 6.7 (fixed) every refill is 8 pages: count 7 after alloc 9. */
static void test_refill_alloc_factor(void)
{
	start(0, 0, 32);
	struct per_cpu_pages *p = pcp0();
	static const struct { uint64_t id, count, high, af; } want[] = {
		{ 1, 7, 40, 1 },     { 9, 15, 56, 2 },     { 25, 31, 88, 3 },
		{ 57, 63, 152, 4 },  { 121, 127, 280, 5 }, { 249, 255, 536, 5 },
	};
	uint64_t id = 1;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (; id <= want[i].id; id++)
			CHECK(mm_alloc(&mm, 1000 + id, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE);
		CHECK_EQ(p->count, want[i].count);
		CHECK_EQ(p->high, want[i].high);
		CHECK_EQ(p->alloc_factor, want[i].af);
	}
	/* a free halves alloc_factor (free_unref_page_commit) */
	CHECK(mm_free(&mm, 1001));
	CHECK_EQ(p->alloc_factor, 2);
	mmtest_mm_destroy(&mm);
}

/* A run of order-0 frees (nr_pcp_high, nr_pcp_free).  160 pages in use, list empty, high 32.
 * The k-th free makes count k (until a drain) and free_count k.  When count reaches high
 * the list overflows: high becomes free_count + batch, and the drain returns
 * clamp(free_count, batch, old high - batch) pages:
 *   k = 32:  high 32 + ... -> 40;  drain clamp(32, 8, 24) = 24 -> count 8
 *   count 8 + (k - 32) reaches 40 at k = 64: high 72; drain clamp(64, 8, 32) = 32 -> count 8
 *   count 8 + (k - 64) reaches 72 at k = 128: high 136; drain clamp(128, 8, 64) = 64 -> 8
 * Before 6.7 high stays 32 and each drain returns a batch: count 24 after k = 32.
 * Then the decay (decay_pcp_high, once a second): high -= high / 8, count 8 stays:
 *   1 s: 136 - 17 = 119;  2 s: 119 - 14 = 105;  3 s: 105 - 13 = 92. */
static void test_free_run_raises_high_and_decay(void)
{
	start(160, 0, 32);
	struct per_cpu_pages *p = pcp0();
	static const struct { uint64_t k, count, high; } want[] = {
		{ 31, 31, 32 }, { 32, 8, 40 }, { 63, 39, 40 }, { 64, 8, 72 }, { 128, 8, 136 },
	};
	uint64_t k = 1;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (; k <= want[i].k; k++)
			CHECK(mm_free(&mm, k));
		CHECK_EQ(p->count, want[i].count);
		CHECK_EQ(p->high, want[i].high);
		CHECK_EQ(p->free_count, want[i].k);
	}
	/* an allocation halves the run: 128 -> 64 (rmqueue_pcplist) */
	CHECK(mm_alloc(&mm, 5000, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE);
	CHECK_EQ(p->free_count, 64);
	CHECK_EQ(p->count, 7);
	mmtest_run_until(&mm, NSEC_PER_SEC);
	CHECK_EQ(p->high, 119);
	mmtest_run_until(&mm, 2 * NSEC_PER_SEC);
	CHECK_EQ(p->high, 105);
	mmtest_run_until(&mm, 3 * NSEC_PER_SEC);
	CHECK_EQ(p->high, 92);
	CHECK_EQ(p->count, 7);
	mmtest_mm_destroy(&mm);
}

/* A run of order-1 frees (free_high).  40 order-1 blocks in use (refills of 4), high 200.
 * Free j adds 2 to free_count; it is free_high once the run before it is >= batch +
 * high_min / 2 = 8 + 16 = 24 (6.15+; batch before) and the free before was of order 1..3:
 * frees 1-12 leave count 24 (free_count 24, under high 200: no drain); free 13 is
 * free_high: high drops by batch << 5 = 256 to high_min 32 and the whole list
 * (min(count 26, 256)) drains.  Before 6.7: count 26, nothing drained. */
static void test_free_high_order_run(void)
{
	start(40, 1, 200);
	struct per_cpu_pages *p = pcp0();
	for (uint64_t id = 1; id <= 12; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(p->count, 24);
	CHECK_EQ(p->free_count, 24);
	CHECK_EQ(p->high, 200);
	CHECK(mm_free(&mm, 13));
	CHECK_EQ(p->count, 0);
	CHECK_EQ(p->high, 32);
	mmtest_mm_destroy(&mm);
}

/* PCPF_FREE_HIGH_BATCH (6.8+, zone_pcp_update_cacheinfo): set when the CPU's cache share
 * in pages is more than 3 batches.  The 65536-page zone's batch (zone_batchsize):
 * min(65536 >> 10, 256) / 4 = 16, rounddown_pow_of_two(16 + 8) - 1 = 15, so more than 45
 * pages: 180 KiB = 45 pages leaves it clear, 184 KiB = 46 pages sets it.
 * Then the run of test_free_high_order_run with the flag: free 13 drains all (count 26 >=
 * batch 8), high 32.  Each later order-1 free still has free_count >= 24, but with count 2,
 * 4, 6 < batch it is no free_high (count < high 32: kept); free 17 (count 8) drains all.
 * Without the flag each of frees 14..17 drains its own block: count 0. */
static unsigned slice_flag(unsigned kb)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 65536, 4096);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 1;
	cfg.machine.pcp_autotune = true;
	cfg.machine.cpu_data_slice_kb = kb;
	CHECK(mmtest_mm_init(&mm, &cfg, &err) == 0);
	pcp_setup_zone(&mm, &mm.zones[ZONE_NORMAL]);
	CHECK_EQ(pcp0()->batch, 15);
	unsigned f = pcp0()->flags & PCPF_FREE_HIGH_BATCH;
	mmtest_mm_destroy(&mm);
	return f;
}

static void free_high_batch_run(bool flag, const uint64_t want_count[4])
{
	start(40, 1, 200);
	struct per_cpu_pages *p = pcp0();
	if (flag)
		p->flags |= PCPF_FREE_HIGH_BATCH;
	for (uint64_t id = 1; id <= 13; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(p->count, 0);
	CHECK_EQ(p->high, 32);
	for (uint64_t id = 14; id <= 17; id++) {
		CHECK(mm_free(&mm, id));
		CHECK_EQ(p->count, want_count[id - 14]);
	}
	mmtest_mm_destroy(&mm);
}

static void test_free_high_batch(void)
{
	CHECK_EQ(slice_flag(0), 0);
	CHECK_EQ(slice_flag(180), 0);
	CHECK_EQ(slice_flag(184), PCPF_FREE_HIGH_BATCH);
	cfg.machine.cpu_data_slice_kb = 0;
	free_high_batch_run(true, (const uint64_t[]){ 2, 4, 6, 0 });
	free_high_batch_run(false, (const uint64_t[]){ 0, 0, 0, 0 });
}

/* ZONE_RECLAIM_ACTIVE (kswapd balancing the zone): each free lowers high by
 * max(free_count, batch) and holds the list to min(4 * batch, high) = 32.  40 pages in
 * use, high 200: frees 1-8 take 8 each -> 136; 9..16 take 9+10+...+16 = 100 -> 36; free 17
 * would take 17 -> high_min 32.  count k < 32 throughout.  Before 6.7 high stays 200. */
static void test_reclaim_active_lowers_high(void)
{
	start(40, 0, 200);
	struct per_cpu_pages *p = pcp0();
	mm.zones[ZONE_NORMAL].reclaim_active = true;
	uint64_t k = 1;
	for (; k <= 8; k++)
		CHECK(mm_free(&mm, k));
	CHECK_EQ(p->high, 136);
	for (; k <= 16; k++)
		CHECK(mm_free(&mm, k));
	CHECK_EQ(p->high, 36);
	CHECK(mm_free(&mm, k));
	CHECK_EQ(p->high, 32);
	CHECK_EQ(p->count, 17);
	mm.zones[ZONE_NORMAL].reclaim_active = false;
	mmtest_mm_destroy(&mm);
}

/* decay_pcp_high drains a list above its high even when high is at high_min (6.18: it
 * runs from vmstat_update every second whatever the lists hold).  40 movable pages in use,
 * high 32 = high_min, the zone under its high watermark (ZONE_BELOW_HIGH):
 *   frees 1-31: high = max(32 - max(free_count, 8), 32) = 32, held to max(count, 32) = 32:
 *     count 31, nothing drained, high never above high_min;
 *   one unmovable page: its list is empty, nr_pcp_alloc: batch 8 << 0 = 8, high not raised
 *     (below high), room 32 - 31 - 8 < 0 -> max(0, 8) = 8 pages: count 39, 38 after the
 *     page is taken, 6 above high 32;
 *   1 s later the decay leaves high at 32 and drains the 6: count 32. */
static void test_decay_drains_over_high_min(void)
{
	start(40, 0, 32);
	struct per_cpu_pages *p = pcp0();
	mm.zones[ZONE_NORMAL].below_high = true;
	for (uint64_t id = 1; id <= 31; id++)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(p->count, 31);
	CHECK_EQ(p->high, 32);
	CHECK(mm_alloc(&mm, 100, GFP_KERNEL, 0) != PFN_NONE);
	CHECK_EQ(p->count, 38);
	CHECK_EQ(p->high, 32);
	mmtest_run_until(&mm, NSEC_PER_SEC);
	CHECK_EQ(p->high, 32);
	CHECK_EQ(p->count, 32);
	mm.zones[ZONE_NORMAL].below_high = false;
	mmtest_mm_destroy(&mm);
}

/* The THP order's refill (nr_pcp_alloc, 6.18): an empty list of pageblock order 9 takes
 * max(batch >> 9, 2) = max(8 >> 9, 2) = 2 blocks, tuned or not (before 6.7
 * __rmqueue_pcplist scaled the batch the same way); tuned it also raises high by a batch
 * (32 -> 40), untuned (machine.pcp_autotune off) high stays 32.  The first THP leaves the
 * second block on the list (count 512) and the buddy lists two blocks fewer; the second
 * THP comes off the list (count 0) and the buddy lists are not touched. */
static void thp_refill(bool autotune, uint64_t want_high)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 65536, 4096);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 1;
	cfg.machine.thp = true;
	cfg.machine.pcp_autotune = autotune;
	CHECK(mmtest_mm_init(&mm, &cfg, &err) == 0);
	CHECK_EQ(mm.pageblock_order, 9);
	struct per_cpu_pages *p = pcp0();
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	p->batch = 8;
	p->high_min = 32;
	p->high_max = 1024;
	p->high = 32;
	uint64_t free0 = z->nr_free_pages;
	CHECK(mm_alloc(&mm, 1, GFP_TRANSHUGE, 9) != PFN_NONE);
	CHECK_EQ(p->count, 512);
	CHECK_EQ(p->high, want_high);
	CHECK_EQ(z->nr_free_pages, free0 - 1024);
	CHECK(mm_alloc(&mm, 2, GFP_TRANSHUGE, 9) != PFN_NONE);
	CHECK_EQ(p->count, 0);
	CHECK_EQ(z->nr_free_pages, free0 - 1024);
	mmtest_mm_destroy(&mm);
}

static void test_thp_refill_two_blocks(void)
{
	thp_refill(true, 40);
	thp_refill(false, 32);
}

/* The import's prefill (pcp_set_fixed(true)) runs without the THP-order lists: a THP is
 * taken from the buddy lists alone (count 0, free 512 fewer) and freed straight back to
 * them (free as before).  From the capture's first record (pcp_set_fixed(false)) the order
 * is on the lists again: the same THP freed goes onto the list (count 512, free 512
 * fewer: pages on a list are not free), and the next THP takes it back off (count 0,
 * free unchanged).  High is 1024 so that the free drains nothing (count 512 < 1024). */
static void test_thp_lists_off_in_prefill(void)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 65536, 4096);
	cfg.machine.pcp = true;
	cfg.machine.nr_cpus = 1;
	cfg.machine.thp = true;
	cfg.machine.pcp_autotune = false;
	CHECK(mmtest_mm_init(&mm, &cfg, &err) == 0);
	struct per_cpu_pages *p = pcp0();
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	p->batch = 8;
	p->high_min = 32;
	p->high_max = 1024;
	p->high = 1024;
	uint64_t free0 = z->nr_free_pages;
	pcp_set_fixed(&mm, true);
	CHECK(mm_alloc(&mm, 1, GFP_TRANSHUGE, 9) != PFN_NONE);
	CHECK_EQ(p->count, 0);
	CHECK_EQ(z->nr_free_pages, free0 - 512);
	mm_free(&mm, 1);
	CHECK_EQ(p->count, 0);
	CHECK_EQ(z->nr_free_pages, free0);
	CHECK(mm_alloc(&mm, 1, GFP_TRANSHUGE, 9) != PFN_NONE);
	pcp_set_fixed(&mm, false);
	mm_free(&mm, 1);
	CHECK_EQ(p->count, 512);
	CHECK_EQ(z->nr_free_pages, free0 - 512);
	CHECK(mm_alloc(&mm, 2, GFP_TRANSHUGE, 9) != PFN_NONE);
	CHECK_EQ(p->count, 0);
	CHECK_EQ(z->nr_free_pages, free0 - 512);
	mmtest_mm_destroy(&mm);
}

/* A list started as captured (machine.pcp_start) when the prefill ends (the first
 * pcp_set_fixed(false)).  16 pages in use with the lists fixed (two refills of 8: pfns
 * z+0..z+15 from the zone's first block, the list left empty), then the even ids freed:
 * pfns z+1, z+3, ..., z+13 go on the list (count 7 < high 32: no drain).  Starting the
 * list with count 5, high 100: the 7 pages are drained to the buddy, each between two
 * pages in use, so 7 free order-0 blocks; 5 of them go back on the list, 2 stay free, and
 * high is 100.  Asked for 9, the list takes all 7 and splits no larger block. */
static void start_captured(uint64_t count, uint64_t want_count, uint64_t want_free0)
{
	start(16, 0, 32);
	struct per_cpu_pages *p = pcp0();
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	pcp_set_fixed(&mm, true);
	for (uint64_t id = 2; id <= 14; id += 2)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(p->count, 7);
	CHECK_EQ(z->free_area[0].nr_free, 0);
	mm.pcp_started = false; /* start() already ended a "prefill" */
	cfg.machine.nr_pcp_start = 1;
	cfg.machine.pcp_start[0] = (struct pcp_start_config){ .zone = ZONE_NORMAL, .cpu = 0, .count = count, .high = 100 };
	pcp_set_fixed(&mm, false);
	CHECK_EQ(p->count, want_count);
	CHECK_EQ(p->high, 100);
	CHECK_EQ(z->free_area[0].nr_free, want_free0);
	CHECK_EQ(z->nr_pcp_pages, want_count);
	mmtest_mm_destroy(&mm);
	cfg.machine.nr_pcp_start = 0;
}

static void test_list_started_as_captured(void)
{
	start_captured(5, 5, 2);
	start_captured(9, 7, 0);
}

/* A list started with whole pageblocks (machine.pcp_start[].blocks: the per-cpu pages
 * the capture shows became whole free blocks when the lists drained).  As start_captured:
 * 16 pages in use at z+0..15 and 7 holes between them; the rest of the zone is free in
 * blocks o4 (z+16), o5 (32), o6 (64), o7 (128), o8 (256), o9 (512) and 63 o10 blocks
 * (1024..65535).  Count 1541 with 3 blocks: 1541 - 3 x 512 = 5 holes first (2 stay
 * free), then the blocks, largest first: an o10 block (2 pageblocks, 3 - 0 >= 2), then for
 * the last one the smallest free block of order >= 9, the o9 at z+512.  So the list holds
 * 1541 pages, 5 singles at its head (allocated first) and z+512..1023 at its tail
 * (drained first); the buddy keeps 62 o10 blocks and no o9.  Draining the list merges
 * every block back: 7 o0, 1 o9, 63 o10 again, and checking the zone finds it sound. */
static void test_list_started_with_blocks(void)
{
	start(16, 0, 32);
	struct per_cpu_pages *p = pcp0();
	struct zone *z = &mm.zones[ZONE_NORMAL];
	pcp_set_fixed(&mm, true);
	for (uint64_t id = 2; id <= 14; id += 2)
		CHECK(mm_free(&mm, id));
	CHECK_EQ(p->count, 7);
	CHECK_EQ(z->free_area[9].nr_free, 1);
	CHECK_EQ(z->free_area[MAX_PAGE_ORDER].nr_free, 63);
	mm.pcp_started = false;
	cfg.machine.nr_pcp_start = 1;
	cfg.machine.pcp_start[0] =
		(struct pcp_start_config){ .zone = ZONE_NORMAL, .cpu = 0, .count = 1541, .high = 100, .blocks = 3 };
	pcp_set_fixed(&mm, false);
	CHECK_EQ(p->count, 1541);
	CHECK_EQ(z->nr_pcp_pages, 1541);
	CHECK_EQ(z->free_area[0].nr_free, 2);
	CHECK_EQ(z->free_area[9].nr_free, 0);
	CHECK_EQ(z->free_area[MAX_PAGE_ORDER].nr_free, 62);
	const struct pcp_list *l = &p->lists[pcp_pindex(MIGRATE_MOVABLE, 0)];
	CHECK_EQ(l->n, 1541);
	CHECK_EQ(l->pfn[(l->head + l->n - 1) & (l->cap - 1)], z->start_pfn + 1023);
	CHECK(l->pfn[l->head] < z->start_pfn + 16); /* a single hole at the head */
	CHECK(mm_check_full(&mm));
	mm_drain_all_pages(&mm);
	CHECK_EQ(p->count, 0);
	CHECK_EQ(z->free_area[0].nr_free, 7);
	CHECK_EQ(z->free_area[9].nr_free, 1);
	CHECK_EQ(z->free_area[MAX_PAGE_ORDER].nr_free, 63);
	CHECK(mm_check_full(&mm));
	mmtest_mm_destroy(&mm);
	cfg.machine.nr_pcp_start = 0;
}

int main(void)
{
	RUN(test_refill_alloc_factor);
	RUN(test_free_run_raises_high_and_decay);
	RUN(test_free_high_order_run);
	RUN(test_free_high_batch);
	RUN(test_reclaim_active_lowers_high);
	RUN(test_decay_drains_over_high_min);
	RUN(test_list_started_as_captured);
	RUN(test_list_started_with_blocks);
	RUN(test_thp_refill_two_blocks);
	RUN(test_thp_lists_off_in_prefill);
	return TEST_END();
}
