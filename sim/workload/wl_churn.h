/* wl_churn.h — the churn component: Poisson arrivals of allocations with a class mix, an
 * order distribution and random lifetimes, throttled at a live-footprint target.  It is
 * the `churn` generator and the background load of `highalloc`. */
#ifndef MMSIM_WL_CHURN_H
#define MMSIM_WL_CHURN_H

#include "wl_internal.h"

enum churn_class { CHURN_MOVABLE, CHURN_UNMOVABLE, CHURN_RECLAIMABLE, CHURN_ATOMIC, CHURN_ANON, NR_CHURN_CLASSES };

/* Invariant, at every step:  Σ live churn objects' 2^order <= footprint_pages, where the
 * churn's live pages are wl_live_pages - foreign_pages (frees come out of the framework
 * heap before the step that might allocate, so the check is exact). */
struct churn {
	/* parameters */
	uint64_t nr_tasks;
	double rate_per_s;          /* allocation arrivals per second, all tasks together */
	uint64_t footprint_pages;   /* target live footprint: no new allocations above it */
	struct wl_weights orders;   /* weight of order 0, 1, ... */
	double class_w[NR_CHURN_CLASSES];
	unsigned lifetime_dist;     /* enum wl_lifetime_dist */
	sim_ns_t lifetime_mean_ns;
	double lifetime_sigma;      /* lognormal: sigma of ln(lifetime) */
	bool comp;                  /* __GFP_COMP on order > 0, as folio/slab allocations do */
	/* set by an enclosing generator (0 for the churn generator) */
	uint64_t foreign_pages;     /* live pages that are the enclosing generator's own: the
				     * footprint counts only the churn's (wl_live_pages - these) */
	sim_ns_t stop_ns;           /* > 0: the load is killed then: no arrivals from stop_ns on,
				     * and movable, anonymous and reclaimable objects still live
				     * are freed at stop_ns (processes gone, files deleted, caches
				     * dropped); kernel objects keep their lifetimes */
	/* run state */
	uint32_t task_base;
	gsl_rng *r_arrival, *r_task, *r_class, *r_order, *r_life;
	gsl_ran_discrete_t *order_table, *class_table;
	double t_ns;                /* exact arrival clock; records use its floor */
};

/* Parameter rows for a struct churn at offset BASE inside the kind's state, keys under
 * PREFIX ("" or "background."). */
#define CHURN_PARAMS(PREFIX, BASE)                                                          \
	{ PREFIX "tasks", WLP_U64, (BASE) + offsetof(struct churn, nr_tasks), "4", 1, 65536,  \
	  NULL, "tasks (pids) the allocations are spread over" },                              \
	{ PREFIX "rate", WLP_DOUBLE, (BASE) + offsetof(struct churn, rate_per_s), "100000",    \
	  1e-6, 1e10, NULL, "allocation arrivals per second (Poisson)" },                      \
	{ PREFIX "footprint", WLP_PAGES, (BASE) + offsetof(struct churn, footprint_pages),     \
	  "1GiB", 1, 1e12, NULL, "target live footprint: arrivals above it are skipped" },     \
	{ PREFIX "orders", WLP_WEIGHTS, (BASE) + offsetof(struct churn, orders),               \
	  "[70, 10, 8, 6, 3, 1, 0.5, 0.5, 0.5, 0.4, 0.1]", 0, 1e12, NULL,                      \
	  "weights of orders 0..10 (up to 11 entries)" },                                      \
	{ PREFIX "classes.movable", WLP_DOUBLE,                                                \
	  (BASE) + offsetof(struct churn, class_w) + CHURN_MOVABLE * sizeof(double), "70", 0,  \
	  1e12, NULL, "weight of GFP_HIGHUSER_MOVABLE" },                                      \
	{ PREFIX "classes.unmovable", WLP_DOUBLE,                                              \
	  (BASE) + offsetof(struct churn, class_w) + CHURN_UNMOVABLE * sizeof(double), "20",   \
	  0, 1e12, NULL, "weight of GFP_KERNEL" },                                             \
	{ PREFIX "classes.reclaimable", WLP_DOUBLE,                                            \
	  (BASE) + offsetof(struct churn, class_w) + CHURN_RECLAIMABLE * sizeof(double), "10", \
	  0, 1e12, NULL, "weight of GFP_KERNEL|__GFP_RECLAIMABLE" },                           \
	{ PREFIX "classes.atomic", WLP_DOUBLE,                                                 \
	  (BASE) + offsetof(struct churn, class_w) + CHURN_ATOMIC * sizeof(double), "0", 0,    \
	  1e12, NULL, "weight of GFP_ATOMIC" },                                                \
	{ PREFIX "classes.anon", WLP_DOUBLE,                                                   \
	  (BASE) + offsetof(struct churn, class_w) + CHURN_ANON * sizeof(double), "0", 0,      \
	  1e12, NULL, "weight of anonymous faults, GFP_HIGHUSER_MOVABLE|__GFP_ZERO (swap-backed)" }, \
	{ PREFIX "lifetime.dist", WLP_ENUM, (BASE) + offsetof(struct churn, lifetime_dist),    \
	  "exponential", 0, 0, wl_lifetime_names, "lifetime distribution" },                   \
	{ PREFIX "lifetime.mean", WLP_DURATION,                                                \
	  (BASE) + offsetof(struct churn, lifetime_mean_ns), "10ms", 1, 1e17, NULL,            \
	  "mean object lifetime" },                                                            \
	{ PREFIX "lifetime.sigma", WLP_DOUBLE, (BASE) + offsetof(struct churn, lifetime_sigma), \
	  "1.0", 0, 10, NULL, "lognormal: standard deviation of ln(lifetime)" },               \
	{ PREFIX "comp", WLP_BOOL, (BASE) + offsetof(struct churn, comp), "true", 0, 0, NULL,  \
	  "add __GFP_COMP to order > 0 requests" }

/* prefix names the streams ("" or "background.") and the keys in errors. */
int churn_init(struct workload *w, struct churn *c, const char *prefix, uint32_t task_base,
	       struct sim_error *err);
/* Act at wl_now(w); returns the next arrival time (WL_NEVER from stop_ns on). */
sim_ns_t churn_step(struct workload *w, struct churn *c);
void churn_fini(struct churn *c);

#endif
