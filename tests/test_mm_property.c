/* Randomized alloc/free churn with the full invariant checker after every step batch.
 * The seed is printed; rerun a failure with --seed N. */
#include <gsl/gsl_rng.h>

#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

static const gfp_t gfps[] = {
	GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC,
	GFP_NOWAIT, GFP_HIGHUSER_MOVABLE | __GFP_COMP, GFP_NOFS | __GFP_MOVABLE,
};

static void churn(enum cma_mode mode, uint64_t seed, bool pcp)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 4096, 8192, 16384, 256);
	cfg.policy.cma.mode = mode;
	cfg.machine.pcp = pcp;
	if (mode != CMA_NONE) {
		cfg.policy.cma.nr_regions = 1;
		cfg.policy.cma.regions[0].pages = 4096;
	}
	CHECK_EQ(mmtest_mm_init(&mm, &cfg, &err), 0);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, seed);
	uint64_t *live = calloc(100000, sizeof(*live));
	size_t nr_live = 0;
	uint64_t next_id = 1;
	char msg[256];
	unsigned fails = 0;
	for (int step = 0; step < 60000; step++) {
		bool do_alloc = nr_live == 0 || gsl_rng_uniform(r) < 0.55;
		if (do_alloc && nr_live < 100000) {
			unsigned order = gsl_rng_uniform(r) < 0.8 ? 0 : (unsigned)gsl_rng_uniform_int(r, 11);
			gfp_t gfp = gfps[gsl_rng_uniform_int(r, ARRAY_SIZE(gfps))];
			if (mm_alloc(&mm, next_id, gfp, order) != PFN_NONE)
				live[nr_live++] = next_id;
			else
				fails++;
			next_id++;
		} else if (nr_live) {
			size_t k = gsl_rng_uniform_int(r, nr_live);
			CHECK(mm_free(&mm, live[k]));
			live[k] = live[--nr_live];
		}
		if (step % 997 == 0) {
			bool ok = mm_check(&mm, 2, msg, sizeof(msg));
			if (!ok) {
				fprintf(stderr, "step %d: %s\n", step, msg);
				CHECK(ok);
				break;
			}
		}
	}
	while (nr_live)
		CHECK(mm_free(&mm, live[--nr_live]));
	mm_drain_all_pages(&mm);
	CHECK(mm_check(&mm, 2, msg, sizeof(msg)));
	/* Everything free again: every present page is back on the free lists. */
	for (int i = 0; i < MAX_NR_ZONES; i++)
		CHECK_EQ(mm.zones[i].nr_free_pages, mm.zones[i].present);
	CHECK(fails > 0); /* the churn did reach memory pressure */
	free(live);
	gsl_rng_free(r);
	mmtest_mm_destroy(&mm);
}

static void test_churn_no_cma(void) { churn(CMA_NONE, tl_test_seed(), false); }
static void test_churn_migrate_cma(void) { churn(CMA_MIGRATE_CMA, tl_test_seed() + 1, false); }
static void test_churn_sticky(void) { churn(CMA_STICKY_MOVABLE, tl_test_seed() + 2, false); }
static void test_churn_pcp(void) { churn(CMA_MIGRATE_CMA, tl_test_seed() + 3, true); }

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_churn_no_cma);
	RUN(test_churn_migrate_cma);
	RUN(test_churn_sticky);
	RUN(test_churn_pcp);
	return TEST_END();
}
