/* test_age.c — the machine's state when the trace starts (model.md §2.10): free-list
 * shuffling (sim/mm/shuffle.c, machine.shuffle), the warm-up stream of an aged machine
 * (sim/workload/gen_age.c) and its replay before the trace with the counters reset
 * (sim/replay.c warm_up, sim/mm/mm_stats.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "engine/engine.h"
#include "kernel/gfp.h"
#include "mm/mm.h"
#include "sim.h"
#include "testlib.h"
#include "trace/trace.h"
#include "workload/workload.h"

#define FILE_GFP GFP_HIGHUSER_MOVABLE
/* A check whose result the caller uses to stop early. */
#define OK(cond) tl_check(!!(cond), __FILE__, __LINE__, "%s failed", #cond)

static void machine(struct config *c, uint64_t dma32, uint64_t normal)
{
	config_defaults(c);
	memset(c->machine.zone_pages, 0, sizeof(c->machine.zone_pages));
	c->machine.zone_pages[ZONE_DMA32] = dma32;
	c->machine.zone_pages[ZONE_NORMAL] = normal;
	c->seed = 1;
}

struct node {
	struct engine engine;
	struct mm mm;
};

static bool node_init(struct node *n, const struct config *c)
{
	struct sim_error err;
	engine_init(&n->engine);
	if (mm_init(&n->mm, c, &n->engine, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		engine_destroy(&n->engine);
		return false;
	}
	return true;
}

static void node_destroy(struct node *n)
{
	mm_destroy(&n->mm);
	engine_destroy(&n->engine);
}

/* The order-10 MOVABLE free list of zone zt, head first, into v (at most cap). */
static size_t top_list(const struct mm *mm, enum zone_type zt, pfn_t *v, size_t cap)
{
	size_t n = 0;
	const struct pfn_list *l = &mm->zones[zt].free_area[MAX_PAGE_ORDER].free_list[MIGRATE_MOVABLE];
	for (pfn_t p = l->head; p != PFN_NONE && n < cap; p = mm->pages[p].next)
		v[n++] = p;
	return n;
}

/* ---- shuffle ------------------------------------------------------------------------ */

/* A fresh 2-zone machine (DMA32 8192 pages: pfns 0..8191, Normal 8192 pages: 8192..16383).
 * GFP_HIGHUSER_MOVABLE goes to Normal first; without shuffle its order-10 list is in
 * address order (boot frees go to the tail), so the first order-0 allocation splits the
 * head block 8192 and returns its first page: pfn 8192.  With shuffle the head is a random
 * one of the 8 blocks; the allocation still returns the first page of a block, so its pfn
 * is a multiple of 1024 in [8192, 16384).  Over 16 seeds the head stays block 8192 with
 * probability about 1/8 each; at least 10 of 16 must move. */
static void test_shuffle_first_allocation(void)
{
	struct config c;
	machine(&c, 8192, 8192);
	struct node n;
	if (!node_init(&n, &c))
		return;
	CHECK_EQ(mm_alloc(&n.mm, 1, FILE_GFP, 0), 8192);
	node_destroy(&n);

	c.machine.shuffle = true;
	unsigned moved = 0;
	for (uint64_t seed = 1; seed <= 16; seed++) {
		c.seed = seed;
		if (!node_init(&n, &c))
			return;
		pfn_t pfn = mm_alloc(&n.mm, 1, FILE_GFP, 0);
		CHECK(pfn >= 8192 && pfn < 16384);
		CHECK_EQ(pfn % 1024, 0);
		moved += pfn != 8192;
		char msg[256];
		CHECK(mm_check(&n.mm, 2, msg, sizeof(msg)));
		node_destroy(&n);
	}
	printf("     first allocation moved off pfn 8192 for %u of 16 seeds\n", moved);
	CHECK(moved >= 10);
}

/* The same seed gives the same free-list order; another seed another; without shuffle the
 * lists are in address order.  Every block stays on its list (a permutation). */
static void test_shuffle_deterministic(void)
{
	struct config c;
	machine(&c, 16384, 16384);
	c.machine.shuffle = true;
	pfn_t a[64], b[64], d[64];
	struct node n;
	size_t na, nb, nd;
	if (!node_init(&n, &c))
		return;
	na = top_list(&n.mm, ZONE_DMA32, a, 64);
	node_destroy(&n);
	if (!node_init(&n, &c))
		return;
	nb = top_list(&n.mm, ZONE_DMA32, b, 64);
	node_destroy(&n);
	c.seed = 2;
	if (!node_init(&n, &c))
		return;
	nd = top_list(&n.mm, ZONE_DMA32, d, 64);
	node_destroy(&n);
	CHECK_EQ(na, 16);
	CHECK_EQ(nb, 16);
	CHECK_EQ(nd, 16);
	CHECK(!memcmp(a, b, sizeof(a[0]) * 16));
	CHECK(memcmp(a, d, sizeof(a[0]) * 16) != 0);
	/* a permutation of 0, 1024, ..., 15360, not in address order */
	bool seen[16] = { 0 }, sorted = true;
	for (size_t i = 0; i < na; i++) {
		CHECK_EQ(a[i] % 1024, 0);
		if (a[i] < 16384)
			seen[a[i] / 1024] = true;
		if (i && a[i] < a[i - 1])
			sorted = false;
	}
	for (int i = 0; i < 16; i++)
		CHECK(seen[i]);
	CHECK(!sorted);
	c.machine.shuffle = false;
	c.seed = 1;
	if (!node_init(&n, &c))
		return;
	na = top_list(&n.mm, ZONE_DMA32, a, 64);
	for (size_t i = 0; i < na; i++)
		CHECK_EQ(a[i], i * 1024);
	node_destroy(&n);
}

/* shuffle_pick_tail hands out the bits of one 64-bit draw, lowest first. */
static void test_shuffle_pick_tail_bits(void)
{
	struct config c;
	machine(&c, 8192, 0);
	c.machine.shuffle = true;
	struct node n;
	if (!node_init(&n, &c))
		return;
	struct mm_shuffle saved = n.mm.shuffle;
	uint64_t draw = shuffle_random_u64(&n.mm);
	n.mm.shuffle = saved;
	saved.nr_bits = 0;
	n.mm.shuffle.nr_bits = 0;
	for (unsigned i = 0; i < 64; i++)
		CHECK_EQ(shuffle_pick_tail(&n.mm), (draw >> i) & 1);
	CHECK_EQ(n.mm.shuffle.nr_bits, 0);
	node_destroy(&n);
}

/* A freed order-10 block goes to head or tail by the next bit; without shuffle (and with
 * no free higher buddy to merge with) a free goes to the head. */
static void test_shuffle_free_position(void)
{
	struct config c;
	machine(&c, 8192, 0);
	c.machine.shuffle = true;
	struct node n;
	if (!node_init(&n, &c))
		return;
	unsigned heads = 0, tails = 0;
	for (unsigned i = 0; i < 64; i++) {
		pfn_t pfn = mm_alloc(&n.mm, 100 + i, GFP_KERNEL, MAX_PAGE_ORDER);
		if (!OK(pfn != PFN_NONE))
			break;
		struct mm_shuffle before = n.mm.shuffle;
		bool tail = shuffle_pick_tail(&n.mm);
		n.mm.shuffle = before; /* the free draws the same bit */
		mm_free(&n.mm, 100 + i);
		const struct pfn_list *l = &n.mm.zones[ZONE_DMA32].free_area[MAX_PAGE_ORDER].free_list[MIGRATE_UNMOVABLE];
		if (tail) {
			CHECK_EQ(l->tail, pfn);
			tails++;
		} else {
			CHECK_EQ(l->head, pfn);
			heads++;
		}
	}
	CHECK(heads > 0 && tails > 0);
	char msg[256];
	CHECK(mm_check(&n.mm, 2, msg, sizeof(msg)));
	node_destroy(&n);
}

/* Random allocations and frees on a shuffled 3-zone machine with CMA: every invariant
 * (level 2) holds after each step. */
static void test_shuffle_property(void)
{
	uint64_t seed = tl_test_seed();
	struct config c;
	machine(&c, 8192, 8192);
	c.machine.zone_pages[ZONE_DMA] = 2048;
	c.machine.shuffle = true;
	c.seed = seed;
	c.policy.cma.mode = CMA_MIGRATE_CMA;
	c.policy.cma.nr_regions = 1;
	c.policy.cma.regions[0].pages = 2048;
	struct node n;
	if (!node_init(&n, &c))
		return;
	srand((unsigned)seed);
	static const gfp_t gfps[] = { GFP_KERNEL, FILE_GFP, GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
				      GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC };
	uint64_t live[512];
	unsigned nr_live = 0, next_id = 1;
	char msg[256];
	bool ok = true;
	for (unsigned step = 0; step < 4000 && ok; step++) {
		if (nr_live < 512 && (nr_live == 0 || rand() % 3)) {
			unsigned order = (unsigned)(rand() % 11);
			order = order > 4 ? (unsigned)rand() % 2 : order;
			if (rand() % 50 == 0)
				order = MAX_PAGE_ORDER;
			if (mm_alloc(&n.mm, next_id, gfps[rand() % 5], order) != PFN_NONE)
				live[nr_live++] = next_id;
			next_id++;
		} else {
			unsigned i = (unsigned)rand() % nr_live;
			mm_free(&n.mm, live[i]);
			live[i] = live[--nr_live];
		}
		ok = mm_check(&n.mm, 2, msg, sizeof(msg));
		if (!ok)
			fprintf(stderr, "step %u: %s\n", step, msg);
	}
	CHECK(ok);
	node_destroy(&n);
}

/* ---- the warm-up stream --------------------------------------------------------------- */

static struct machine_age_config age_defaults(void)
{
	struct config c;
	config_defaults(&c);
	c.machine.age.mode = MACHINE_AGED;
	return c.machine.age;
}

/* Same seed, same stream; another seed, another.  Survivors: the unmovable target is 4 %
 * of 32768 = 1310 pages, split 436 + 437 + 437 over the 3 passes; a pass stops choosing
 * survivors once its share is met and meets it (an object the rest could no longer make up
 * survives), so it overshoots by less than one order-3 object (8 pages):
 * 1310 <= unmovable < 1310 + 3 x 8.  Reclaimable: 3 % = 983 pages, objects of at most 2
 * pages: 983 <= reclaimable < 983 + 3 x 2.  Page cache kept: 15 % = 4915 pages, chosen
 * once, folios of at most 4: 4915 <= pagecache < 4919. */
static void test_age_stream(void)
{
	struct machine_age_config ac = age_defaults();
	struct sim_error err;
	struct wl_age *a = wl_age_open(&ac, 7, 32768, &err);
	struct wl_age *b = wl_age_open(&ac, 7, 32768, &err);
	struct wl_age *d = wl_age_open(&ac, 8, 32768, &err);
	if (!OK(a && b && d))
		return;
	struct trace_record ra, rb, rd;
	uint64_t n = 0, differ = 0, allocs = 0, frees = 0;
	sim_ns_t last = 0;
	bool same = true, in_range = true, ordered = true;
	int ka, kb, kd = 1;
	while ((ka = wl_age_next(a, &ra, &err)) == 1) {
		kb = wl_age_next(b, &rb, &err);
		same &= kb == 1 && !memcmp(&ra, &rb, sizeof(ra));
		if (kd == 1)
			kd = wl_age_next(d, &rd, &err);
		differ += kd == 1 && (rd.id != ra.id || rd.kind != ra.kind || rd.order != ra.order);
		in_range &= ra.id >= WL_AGE_ID_BASE && ra.task >= WL_AGE_TASK_BASE;
		ordered &= ra.time_ns >= last && (n == 0 || ra.time_ns == last + 1000);
		last = ra.time_ns;
		allocs += ra.kind == TR_ALLOC;
		frees += ra.kind == TR_FREE;
		n++;
	}
	CHECK_EQ(ka, 0);
	CHECK_EQ(wl_age_next(b, &rb, &err), 0);
	CHECK(same);
	CHECK(differ > n / 2);
	CHECK(in_range);
	CHECK(ordered);
	struct wl_age_stats st;
	wl_age_get_stats(a, &st);
	CHECK_EQ(st.nr_records, n);
	printf("     %" PRIu64 " records: %" PRIu64 " allocs, %" PRIu64 " frees; left: unmovable %" PRIu64
	       ", reclaimable %" PRIu64 ", page cache %" PRIu64 "\n",
	       n, allocs, frees, st.unmovable_pages, st.reclaimable_pages, st.pagecache_pages);
	CHECK(st.unmovable_pages >= 1310 && st.unmovable_pages < 1310 + 3 * 8);
	CHECK(st.reclaimable_pages >= 983 && st.reclaimable_pages < 983 + 3 * 2);
	CHECK(st.pagecache_pages >= 4915 && st.pagecache_pages < 4919);
	wl_age_close(a);
	wl_age_close(b);
	wl_age_close(d);
}

/* ---- the aged machine in a run ----------------------------------------------------------- */

struct arr_src {
	const struct trace_record *v;
	size_t n, i;
};

static int arr_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	struct arr_src *a = ctx;
	(void)err;
	if (a->i == a->n)
		return 0;
	*rec = a->v[a->i++];
	return 1;
}

static bool run(struct sim *s, const struct config *c, const struct trace_record *v, size_t n, int check_every,
		struct sim_error *err)
{
	if (sim_init(s, c, NULL, err)) {
		fprintf(stderr, "sim_init: %s\n", err->msg);
		return false;
	}
	s->check_every = check_every;
	struct arr_src a = { .v = v, .n = n };
	struct record_source src = { .next = arr_next, .ctx = &a };
	return sim_run(s, &src, err) == 0;
}

/* Pageblocks holding an allocated block whose gfp migratetype is not the pageblock's
 * (the fallbacks a machine with uptime accumulates), and pageblocks holding the warm-up's
 * unmovable objects. */
struct shape {
	uint64_t free_top;        /* free MAX_PAGE_ORDER blocks */
	uint64_t mixed;           /* pageblocks with a foreign allocation */
	uint64_t unmovable_blocks;/* pageblocks holding a warm-up GFP_KERNEL object */
	uint64_t unmovable_pages; /* pages of those objects */
};

static struct shape measure(const struct mm *mm)
{
	struct shape sh = { 0 };
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &mm->zones[zi];
		sh.free_top += z->free_area[MAX_PAGE_ORDER].nr_free;
		for (pfn_t pb = z->start_pfn; pb < z->start_pfn + z->present; pb += mm->pageblock_nr_pages) {
			uint8_t bmt = z->pageblocks[(pb - z->start_pfn) >> mm->pageblock_order].mt;
			bool mixed = false, unmov = false;
			for (pfn_t p = pb; p < pb + mm->pageblock_nr_pages;) {
				const struct page_frame *f = &mm->pages[p];
				if (f->flags & PF_HEAD) {
					const struct obj_slot *o = &mm->objs.slots[f->owner];
					mixed |= f->mt != bmt;
					if (o->id >= WL_AGE_ID_BASE && f->mt == MIGRATE_UNMOVABLE) {
						unmov = true;
						sh.unmovable_pages += 1ull << f->order;
					}
					p += 1u << f->order;
				} else if (f->flags & PF_BUDDY) {
					p += 1u << f->order;
				} else {
					p++;
				}
			}
			sh.mixed += mixed;
			sh.unmovable_blocks += unmov;
		}
	}
	return sh;
}

/* A 128 MiB machine (DMA32 16384 + Normal 16384 pages: 32 order-10 blocks, 64 pageblocks)
 * aged with the defaults, then an empty trace.
 *   counters: every event and outcome is zero (the warm-up is not measured), elapsed 0;
 *   shape: 15 % page cache is kept at random over the last pass's noise, which spans every
 *   block, so almost no order-10 block is left whole: fewer than 32 / 4 = 8 (a fresh
 *   machine has 32); at least one pageblock holds a foreign allocation (a fallback);
 *   the 1310..1333 unmovable survivor pages would fit in 3 pageblocks on a machine that
 *   allocated nothing else; here each pass grows its caches over 8 x 437 / 512 = 7
 *   pageblocks and its survivors (1 in 8 of its pages, chosen at random) stay in nearly all
 *   of them: at least 3 x 3 = 9 pageblocks. */
static void test_aged_machine(void)
{
	struct config c;
	machine(&c, 16384, 16384);
	c.machine.age.mode = MACHINE_AGED;
	struct sim *s = calloc(1, sizeof(*s));
	struct sim_error err;
	if (!OK(run(s, &c, NULL, 0, 0, &err))) {
		free(s);
		return;
	}
	for (int e = 0; e < NR_VM_EVENTS; e++)
		if (s->mm.vm_events[e])
			tl_check(false, __FILE__, __LINE__, "%s = %" PRIu64 " after the reset", vm_event_names[e],
				 s->mm.vm_events[e]);
	uint64_t outcomes = 0;
	for (int k = 0; k < NR_ALLOC_CLASSES; k++)
		for (int o = 0; o < NR_ALLOC_OUTCOMES; o++)
			outcomes += s->mm.alloc_outcome[k][o];
	CHECK_EQ(outcomes, 0);
	CHECK_EQ(s->nr_records, 0);
	CHECK_EQ(sim_elapsed_ns(s), 0);
	CHECK_EQ(s->latency.cls[ACLASS_MOVABLE].count, 0);
	CHECK(s->time_offset_ns > 0);
	struct shape sh = measure(&s->mm);
	printf("     aged: %" PRIu64 " free order-10 blocks, %" PRIu64 " mixed pageblocks, unmovable %" PRIu64
	       " pages in %" PRIu64 " pageblocks\n",
	       sh.free_top, sh.mixed, sh.unmovable_pages, sh.unmovable_blocks);
	CHECK(sh.free_top < 8);
	CHECK(sh.mixed > 0);
	CHECK(sh.unmovable_pages >= 1310 && sh.unmovable_pages < 1310 + 3 * 8);
	CHECK(sh.unmovable_blocks >= 9);
	char msg[256];
	CHECK(mm_check(&s->mm, 2, msg, sizeof(msg)));
	sim_destroy(s);

	/* the same machine fresh: every block whole */
	c.machine.age.mode = MACHINE_FRESH;
	memset(s, 0, sizeof(*s));
	if (OK(run(s, &c, NULL, 0, 0, &err))) {
		CHECK_EQ(measure(&s->mm).free_top, 32);
		sim_destroy(s);
	}
	free(s);
}

/* The measured phase counts only the trace: 3 file allocations of order 0, 1, 2 at
 * t = 1000, 2000, 5000 ns and a free of the order-1 one at 6000 ns, on the aged machine of
 * test_aged_machine.  No stalls (plenty of memory), so elapsed = 6000 - 1000 = 5000 ns, as
 * on the fresh machine; pgfree = 2 (the order-1 free), pgalloc_* sum to 1 + 2 + 4 = 7;
 * 3 movable requests, all satisfied; 4 records. */
static void test_aged_measures_trace_only(void)
{
	static const struct trace_record v[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = 1, .order = 0, .gfp = FILE_GFP, .task = 1 },
		{ .time_ns = 2000, .kind = TR_ALLOC, .id = 2, .order = 1, .gfp = FILE_GFP, .task = 1 },
		{ .time_ns = 5000, .kind = TR_ALLOC, .id = 3, .order = 2, .gfp = FILE_GFP, .task = 2 },
		{ .time_ns = 6000, .kind = TR_FREE, .id = 2, .task = 1 },
	};
	for (int aged = 0; aged <= 1; aged++) {
		struct config c;
		machine(&c, 16384, 16384);
		c.machine.age.mode = aged ? MACHINE_AGED : MACHINE_FRESH;
		struct sim *s = calloc(1, sizeof(*s));
		struct sim_error err;
		if (!OK(run(s, &c, v, 4, 0, &err))) {
			free(s);
			return;
		}
		CHECK_EQ(s->nr_records, 4);
		CHECK_EQ(sim_elapsed_ns(s), 5000);
		CHECK_EQ(s->mm.vm_events[VM_PGFREE], 2);
		uint64_t pgalloc = 0;
		for (int e = 0; e < NR_VM_EVENTS; e++)
			if (!strncmp(vm_event_names[e], "pgalloc_", 8))
				pgalloc += s->mm.vm_events[e];
		CHECK_EQ(pgalloc, 7);
		CHECK_EQ(s->mm.alloc_outcome[ACLASS_MOVABLE][AOUT_SATISFIED], 3);
		CHECK_EQ(s->latency.cls[ACLASS_MOVABLE].count, 3);
		sim_destroy(s);
		free(s);
	}
}

/* A trace naming an id or a task of the warm-up's range is refused on an aged machine. */
static void test_aged_reserved_ids(void)
{
	struct trace_record v[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = WL_AGE_ID_BASE + 5, .gfp = FILE_GFP, .task = 1 },
	};
	struct config c;
	machine(&c, 8192, 0);
	c.machine.age.mode = MACHINE_AGED;
	c.machine.age.passes = 1;
	struct sim *s = calloc(1, sizeof(*s));
	struct sim_error err = { 0 };
	CHECK(!run(s, &c, v, 1, 0, &err));
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "warm-up") != NULL);
	sim_destroy(s);
	memset(s, 0, sizeof(*s));
	v[0].id = 5;
	v[0].task = WL_AGE_TASK_BASE + 1;
	CHECK(!run(s, &c, v, 1, 0, &err));
	sim_destroy(s);
	free(s);
}

/* Random small aged machines (with and without shuffle, CMA, swap, closed replay) and a
 * random trace after the warm-up, the checker at level 2 every 16 records: every
 * invariant holds throughout, and the run ends. */
static void test_aged_property(void)
{
	uint64_t seed = tl_test_seed();
	srand((unsigned)seed);
	for (unsigned round = 0; round < 4; round++) {
		struct config c;
		machine(&c, 4096 + 1024 * (unsigned)(rand() % 4), (unsigned)(rand() % 2) * 4096);
		c.seed = seed + round;
		c.machine.shuffle = rand() % 2;
		c.machine.pcp = rand() % 2;
		c.machine.age.mode = MACHINE_AGED;
		c.machine.age.passes = (unsigned)rand() % 3;
		c.machine.age.fill_pct = 60 + (unsigned)rand() % 41;
		c.machine.age.unmovable_pct = (unsigned)rand() % 8;
		c.machine.age.reclaimable_pct = (unsigned)rand() % 5;
		c.machine.age.pagecache_pct = (unsigned)rand() % 30;
		c.machine.age.anon_pct = (unsigned)rand() % 101;
		if (c.machine.age.unmovable_pct + c.machine.age.reclaimable_pct + c.machine.age.pagecache_pct >=
		    c.machine.age.fill_pct)
			c.machine.age.pagecache_pct = 0;
		if (rand() % 2) {
			c.policy.cma.mode = (enum cma_mode)(1 + rand() % (NR_CMA_MODES - 1));
			c.policy.cma.nr_regions = 1;
			c.policy.cma.regions[0].pages = 1024;
			strcpy(c.policy.cma.regions[0].name, "cma0");
		}
		c.devices.swap_pages = rand() % 2 ? 4096 : 0;
		c.workload.replay = rand() % 2 ? REPLAY_CLOSED : REPLAY_OPEN;
		struct sim_error err;
		if (!OK(sim_validate(&c, &err) == 0)) {
			fprintf(stderr, "round %u: %s\n", round, err.msg);
			continue;
		}
		struct trace_record v[600];
		size_t n = 0;
		for (unsigned i = 0; i < 400; i++) {
			static const gfp_t g[] = { FILE_GFP, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, GFP_KERNEL, GFP_ATOMIC };
			v[n++] = (struct trace_record){ .time_ns = 1000ull * (i + 1), .kind = TR_ALLOC, .id = i + 1,
							.order = (uint8_t)(rand() % 4 ? 0 : rand() % 4),
							.gfp = g[rand() % 4], .task = 1 + (uint32_t)(rand() % 3) };
			if (i > 10 && rand() % 3 == 0) {
				uint32_t task = v[n - 1].task;
				v[n++] = (struct trace_record){ .time_ns = 1000ull * (i + 1) + 500, .kind = TR_FREE,
								.id = (uint64_t)(1 + rand() % (int)i), .task = task };
			}
		}
		struct sim *s = calloc(1, sizeof(*s));
		bool ok = run(s, &c, v, n, 16, &err);
		if (!ok)
			fprintf(stderr, "round %u: %s\n", round, err.msg);
		CHECK(ok);
		char msg[256];
		if (ok)
			CHECK(mm_check(&s->mm, 2, msg, sizeof(msg)));
		sim_destroy(s);
		free(s);
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_shuffle_first_allocation);
	RUN(test_shuffle_deterministic);
	RUN(test_shuffle_pick_tail_bits);
	RUN(test_shuffle_free_position);
	RUN(test_shuffle_property);
	RUN(test_age_stream);
	RUN(test_aged_machine);
	RUN(test_aged_measures_trace_only);
	RUN(test_aged_reserved_ids);
	RUN(test_aged_property);
	return TEST_END();
}
