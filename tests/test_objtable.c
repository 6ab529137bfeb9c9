/* Object table (objtable.c): the id-indexed window and its overflow hash.
 * Hand-checked cases for the window's slide, growth and far ids, then a randomized run
 * against a plain list of the live ids, checking after every step that each live object
 * is found, that its head page names its slot (page_frame.owner follows every move), and
 * that the counters add up. */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static struct config cfg;
static struct mm mm;

static void start(void)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

/* Insert id with a fake head page at pfn (owner tracking is what is checked). */
static struct obj_slot *put(uint64_t id, pfn_t pfn)
{
	struct obj_slot *s = obj_insert(&mm, id);
	if (s && pfn != PFN_NONE) {
		s->pfn = pfn;
		mm.pages[pfn].owner = (uint32_t)(s - mm.objs.slots);
	}
	return s;
}

static bool owner_ok(uint64_t id)
{
	const struct obj_slot *s = obj_lookup(&mm.objs, id);
	return s && s->id == id && (s->pfn == PFN_NONE || mm.pages[s->pfn].owner == (uint32_t)(s - mm.objs.slots));
}

/* The first window is W = 1024 ids from 0.  Sequential ids 1..W-1 land in it; W slides it
 * to end W/64 = 16 ids past W (base 17): ids 1..16, live, move to the overflow.  Once 2..W
 * are freed, id 1, kept live while W+1..2W arrive, is the one object in the overflow, its
 * head still naming its slot. */
static void test_window_slides(void)
{
	start();
	const uint64_t W = 1024;
	CHECK_EQ(mm.objs.ring, W);
	for (uint64_t id = 1; id < W; id++)
		CHECK(put(id, id == 1 ? 7 : PFN_NONE));
	CHECK_EQ(mm.objs.nr_ring, W - 1);
	CHECK_EQ(mm.objs.map.nr_live, 0);
	CHECK(put(W, PFN_NONE));
	CHECK_EQ(mm.objs.base, 17);
	CHECK_EQ(mm.objs.map.nr_live, 16);
	CHECK((uint32_t)(obj_lookup(&mm.objs, 16) - mm.objs.slots) >= mm.objs.ring);
	CHECK((uint32_t)(obj_lookup(&mm.objs, 17) - mm.objs.slots) < mm.objs.ring);
	CHECK(owner_ok(1));
	CHECK(!put(5, PFN_NONE)); /* present */
	for (uint64_t id = 2; id < W + 1; id++)
		obj_remove(&mm, obj_lookup(&mm.objs, id));
	for (uint64_t id = W + 1; id <= 2 * W; id++)
		CHECK(put(id, PFN_NONE));
	CHECK_EQ(mm.objs.map.nr_live, 1);
	CHECK(mm.objs.slots[mm.pages[7].owner].id == 1);
	CHECK((uint32_t)(obj_lookup(&mm.objs, 1) - mm.objs.slots) >= mm.objs.ring);
	CHECK(owner_ok(1));
	CHECK_EQ(mm.objs.nr_live, W + 1);
	CHECK(!obj_lookup(&mm.objs, 2));
	CHECK(!obj_lookup(&mm.objs, 2 * W + 100));
	mmtest_mm_destroy(&mm);
}

/* A new id nearly two windows past the base slides the window by more than its length
 * (n > ring): the walk starts a window before the new base, so the positions it reads
 * hold ids a whole ring below the position walked.  W = 1024, ids 1..5 live; id 2040
 * ends the window at 2040 + 16 = 2056, base 1033; the walk over positions 9..1032 meets
 * ids 1..5 at positions 1025..1029 and moves them, under their own ids, to the overflow. */
static void test_window_jumps_past_itself(void)
{
	start();
	for (uint64_t id = 1; id <= 5; id++)
		CHECK(put(id, (pfn_t)(10 + id)));
	CHECK(put(2040, PFN_NONE));
	CHECK_EQ(mm.objs.base, 1033);
	CHECK_EQ(mm.objs.nr_ring, 1);
	CHECK_EQ(mm.objs.map.nr_live, 5);
	for (uint64_t id = 1; id <= 5; id++) {
		CHECK(owner_ok(id));
		CHECK(!obj_lookup(&mm.objs, id + 1024));
	}
	CHECK(owner_ok(2040));
	for (uint64_t id = 1; id <= 5; id++)
		obj_remove(&mm, obj_lookup(&mm.objs, id));
	CHECK_EQ(mm.objs.nr_live, 1);
	CHECK_EQ(mm.objs.map.nr_live, 0);
	mmtest_mm_destroy(&mm);
}

/* Ids 1..20000 with every 8th kept: 1 in 8 positions the window passes is live (more
 * than 1 in 32), so it doubles, backwards, while it has fewer than 8 slots per live
 * object (2500 live: up to 16384), and takes back the kept ids it covers again.  Each slide
 * at id i leaves 16384/64 = 256 ids ahead (the next comes at i + 257); the last, at 19983,
 * ends the window at 20239: it covers [3855, 20239), the kept ids 3856..20000, 2019 of them. */
static void test_window_grows(void)
{
	start();
	for (uint64_t id = 1; id <= 20000; id++) {
		put(id, id % 8 ? PFN_NONE : (pfn_t)(id / 8));
		if (id % 8)
			obj_remove(&mm, obj_lookup(&mm.objs, id));
		bool ok = true;
		for (uint64_t k = 8; id % 256 == 0 && k <= id; k += 8)
			ok &= owner_ok(k);
		CHECK(ok);
	}
	CHECK_EQ(mm.objs.nr_live, 2500);
	CHECK_EQ(mm.objs.ring, 16384);
	CHECK_EQ(mm.objs.base + mm.objs.ring, 20239);
	unsigned in_window = 0;
	for (uint64_t id = 8; id <= 20000; id += 8) {
		CHECK(owner_ok(id));
		const struct obj_slot *s = obj_lookup(&mm.objs, id);
		if (id >= mm.objs.base) {
			CHECK((uint32_t)(s - mm.objs.slots) < mm.objs.ring);
			in_window++;
		}
	}
	CHECK_EQ(in_window, 2019);
	CHECK_EQ(mm.objs.map.nr_live, 2500 - 2019);
	mmtest_mm_destroy(&mm);
}

/* Ids far from the window go to the overflow, and are still found once the window (empty
 * meanwhile) restarts below them and later covers them. */
static void test_far_ids(void)
{
	start();
	uint64_t far = (3ull << 32) | 100;
	CHECK(put(10, PFN_NONE));
	CHECK(put(far, 9));
	CHECK_EQ(mm.objs.map.nr_live, 1);
	obj_remove(&mm, obj_lookup(&mm.objs, 10));
	CHECK(put(far - 50, PFN_NONE)); /* window empty: it restarts at far - 50 */
	CHECK_EQ(mm.objs.base, far - 50);
	CHECK(owner_ok(far));            /* covered by the window, found in the overflow */
	CHECK(!put(far, PFN_NONE));      /* and never inserted twice */
	CHECK_EQ(mm.objs.nr_live, 2);
	mmtest_mm_destroy(&mm);
}

/* Sequential allocation with random lifetimes (a few very long), random frees, now and then
 * a far id; every step checks the table against the list of live ids. */
static void test_random_against_list(void)
{
	uint64_t seed = tl_test_seed(), x = seed | 1;
	start();
	enum { N = 200000, LIVE_MAX = 20000, KEPT = 64, FIRST = 256 };
	uint64_t *live = malloc(LIVE_MAX * sizeof(*live));
	bool *taken = calloc(mm.nr_pages, sizeof(*taken)); /* fake heads in use */
	size_t nr = 0;
	uint64_t next = 1, freed_probe = 0;
	bool ok = true;
	/* A first burst of FIRST ids (the KEPT among them): when the window first slides, more
	 * than 1024 / WINDOW_PER_LIVE = 128 objects are live whatever the seed, so its growth
	 * rule can fire on the KEPT ids it passes (without the burst, a seed whose frees
	 * outran its allocations early kept the window at 1024: seed 10429599116). */
	for (; next <= FIRST; next++) {
		ok &= put(next, (pfn_t)(next % mm.nr_pages)) != NULL;
		taken[next % mm.nr_pages] = true;
		live[nr++] = next;
	}
	for (int step = 0; step < N && ok; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		bool alloc = nr == 0 || (nr < LIVE_MAX && (x & 3) != 0 && (x >> 2) % 3 != 0) || (x & 3) == 3;
		if (alloc && nr < LIVE_MAX) {
			uint64_t id = (x >> 8) % 1000 == 0 ? (x >> 20) | (1ull << 40) : next++;
			pfn_t pfn = (pfn_t)(id % mm.nr_pages);
			if (obj_lookup(&mm.objs, id) || taken[pfn])
				continue; /* a far id drawn twice, or the fake head already taken */
			ok &= put(id, pfn) != NULL;
			taken[pfn] = true;
			live[nr++] = id;
		} else if (nr > KEPT) {
			/* Mostly the young (short lifetimes), sometimes any (long ones survive);
			 * live[0..KEPT) never: with them the window is sure to be outlived. */
			size_t k = (x >> 9) % 4 ? nr - 1 - (x >> 12) % MIN(nr - KEPT, 64) : KEPT + (x >> 12) % (nr - KEPT);
			struct obj_slot *s = obj_lookup(&mm.objs, live[k]);
			ok &= s != NULL;
			if (!s)
				break;
			taken[s->pfn] = false;
			obj_remove(&mm, s);
			freed_probe = live[k];
			live[k] = live[--nr];
			ok &= obj_lookup(&mm.objs, freed_probe) == NULL;
		}
		if (step % 997 == 0 || step == N - 1) {
			for (size_t i = 0; i < nr && ok; i++)
				ok &= owner_ok(live[i]);
			ok &= mm.objs.nr_live == nr && mm.objs.nr_ring + mm.objs.map.nr_live == nr;
		}
	}
	CHECK(ok);
	/* Lifetimes longer than the first window made it grow: the KEPT ids (1/16 of the
	 * first window's positions, over its 1/32 spill line) at least. */
	CHECK(mm.objs.ring > 1024);
	for (size_t i = 0; i < nr; i++) { /* drain: the counters return to zero */
		obj_remove(&mm, obj_lookup(&mm.objs, live[i]));
	}
	CHECK_EQ(mm.objs.nr_live, 0);
	CHECK_EQ(mm.objs.nr_ring, 0);
	free(live);
	free(taken);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_window_slides);
	RUN(test_window_jumps_past_itself);
	RUN(test_window_grows);
	RUN(test_far_ids);
	RUN(test_random_against_list);
	return TEST_END();
}
