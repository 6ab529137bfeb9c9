/* gen_churn.c — mixed movable / unmovable / reclaimable allocation churn (architecture.md §5).
 *
 * Allocations arrive as a Poisson process; each draws a task, a class, an order and a
 * lifetime from its own stream, and its free is scheduled at alloc time + lifetime.  Above
 * the footprint target an arrival is skipped (counted as throttled), so the trace keeps
 * memory busy without simply exhausting the machine: exhaustion is for the simulator's
 * reclaim to show, not for the workload to force. */
#include "wl_churn.h"

#include <stdio.h>
#include <string.h>

/* gfp per class, as the kernel's callers ask: user pages, kmalloc, slab with
 * SLAB_RECLAIM_ACCOUNT (dentries, inodes), and interrupt-context allocations. */
static const uint32_t class_gfp[NR_CHURN_CLASSES] = {
	[CHURN_MOVABLE] = GFP_HIGHUSER_MOVABLE,
	[CHURN_UNMOVABLE] = GFP_KERNEL,
	[CHURN_RECLAIMABLE] = GFP_KERNEL | __GFP_RECLAIMABLE,
	[CHURN_ATOMIC] = GFP_ATOMIC,
	[CHURN_ANON] = GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
};
_Static_assert(ARRAY_SIZE(class_gfp) == NR_CHURN_CLASSES, "one gfp per class");

int churn_init(struct workload *w, struct churn *c, const char *prefix, uint32_t task_base,
	       struct sim_error *err)
{
	char name[96];
	if (c->orders.n > NR_PAGE_ORDERS) {
		snprintf(name, sizeof(name), "%sorders", prefix);
		return wl_param_error(w, err, name, "at most %d weights (orders 0..%d)",
				      NR_PAGE_ORDERS, NR_PAGE_ORDERS - 1);
	}
	snprintf(name, sizeof(name), "%sorders", prefix);
	c->order_table = wl_discrete(w, &c->orders, name, err);
	if (!c->order_table)
		return -1;
	struct wl_weights cw = { .n = NR_CHURN_CLASSES };
	memcpy(cw.w, c->class_w, sizeof(c->class_w));
	snprintf(name, sizeof(name), "%sclasses.movable", prefix);
	c->class_table = wl_discrete(w, &cw, name, err);
	if (!c->class_table)
		return -1;
	c->task_base = task_base;
	const char *streams[] = { "arrival", "task", "class", "order", "lifetime" };
	gsl_rng **dst[] = { &c->r_arrival, &c->r_task, &c->r_class, &c->r_order, &c->r_life };
	for (size_t i = 0; i < ARRAY_SIZE(streams); i++) {
		snprintf(name, sizeof(name), "%schurn.%s", prefix, streams[i]);
		*dst[i] = wl_stream(w, name);
		if (!*dst[i])
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	c->t_ns = 0;
	return 0;
}

sim_ns_t churn_step(struct workload *w, struct churn *c)
{
	/* Every arrival draws from every stream, taken or not, so the footprint throttle does
	 * not shift later draws: the same seed gives the same arrival sequence whatever the
	 * footprint. */
	uint32_t task = c->task_base + (uint32_t)gsl_rng_uniform_int(c->r_task, c->nr_tasks);
	unsigned cls = (unsigned)gsl_ran_discrete(c->r_class, c->class_table);
	unsigned order = (unsigned)gsl_ran_discrete(c->r_order, c->order_table);
	sim_ns_t life_ns = wl_draw_lifetime(c->r_life, c->lifetime_dist, c->lifetime_mean_ns,
					    c->lifetime_sigma);
	uint64_t pages = (uint64_t)1 << order;
	uint64_t own = wl_live_pages(w) - MIN(c->foreign_pages, wl_live_pages(w));
	if (own + pages <= c->footprint_pages) {
		uint32_t gfp = class_gfp[cls];
		if (order > 0 && c->comp)
			gfp |= __GFP_COMP;
		uint64_t id = wl_alloc_now(w, task, order, gfp);
		sim_ns_t free_ns = wl_now(w) + life_ns;
		if (c->stop_ns && free_ns > c->stop_ns && cls != CHURN_UNMOVABLE && cls != CHURN_ATOMIC)
			free_ns = c->stop_ns;
		wl_sched_free(w, free_ns, task, id, order);
	} else {
		wl_count_throttled(w);
	}
	double gap_ns = gsl_ran_exponential(c->r_arrival, 1e9 / c->rate_per_s);
	sim_ns_t now = wl_now(w);
	c->t_ns += gap_ns;
	sim_ns_t next = wl_ns_from_double(c->t_ns);
	/* Arrivals closer than 1 ns share no timestamp with the previous step: the framework
	 * needs strictly increasing action times. */
	if (next <= now) {
		next = now + 1;
		c->t_ns = (double)next;
	}
	if (c->stop_ns && next >= c->stop_ns)
		return WL_NEVER;
	return next;
}

void churn_fini(struct churn *c)
{
	if (c->order_table)
		gsl_ran_discrete_free(c->order_table);
	if (c->class_table)
		gsl_ran_discrete_free(c->class_table);
}

static const struct wl_param churn_params[] = {
	CHURN_PARAMS("", 0),
};

static int init(struct workload *w, void *state, struct sim_error *err)
{
	return churn_init(w, state, "", WL_TASK_BASE, err);
}

static sim_ns_t step(struct workload *w, void *state)
{
	return churn_step(w, state);
}

static void fini(void *state)
{
	churn_fini(state);
}

const struct wl_kind wl_kind_churn = {
	.name = "churn",
	.doc = "Poisson allocation churn: class mix, order weights, lifetimes, footprint target",
	.params = churn_params,
	.nr_params = ARRAY_SIZE(churn_params),
	.state_size = sizeof(struct churn),
	.init = init,
	.step = step,
	.fini = fini,
};
