/* Workingset: the bound on evicted objects (workingset.c, the shadow-node shrinker).
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

static void start(void)
{
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
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

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_shadow_bound);
	RUN(test_default_limit);
	return TEST_END();
}
