/* gen_anon_ws.c — anonymous working sets with hot/cold accesses (architecture.md §5).
 *
 * Each task faults in its working set at a fault rate (4 KiB pages, or THPs), then touches
 * it at an access rate with a skewed distribution: Zipf over the pages (weight
 * 1/(rank+1)^s), two-level (a hot fraction of the pages receives a hot share of the
 * accesses), or uniform.  A fraction of accesses are writes and also dirty the page, so
 * swap-out must write it.  Accesses drive the simulator's LRU ageing, refaults and
 * workingset counters; the pages stay mapped until the end (drain frees them).
 */
#include "wl_internal.h"

#include <math.h>
#include <stdlib.h>

enum ws_pattern { WS_ZIPF, WS_TWO_LEVEL, WS_UNIFORM, NR_WS_PATTERNS };
static const char *const ws_pattern_names[] = { "zipf", "two_level", "uniform", NULL };
_Static_assert(ARRAY_SIZE(ws_pattern_names) == NR_WS_PATTERNS + 1, "names");

struct ws_task {
	uint32_t task;
	uint64_t first_id;  /* unit i of the set is id first_id + i (reserved at start) */
	uint64_t nr_faulted;
	sim_ns_t next_ns;
};

struct anon_ws {
	uint64_t nr_tasks;
	uint64_t wss_pages;      /* per task */
	bool thp;
	double fault_rate_per_s; /* per task, while populating */
	double access_rate_per_s;
	unsigned pattern;
	double zipf_s;
	double hot_fraction;
	double hot_share;
	double write_fraction;

	unsigned order;          /* 9 with thp, else 0 */
	uint64_t nr_units;       /* folios per task */
	struct ws_task *tasks;
	gsl_rng *r_fault, *r_access, *r_pick, *r_write;
	gsl_ran_discrete_t *zipf_table;
};

#define OFF(f) offsetof(struct anon_ws, f)
static const struct wl_param anon_ws_params[] = {
	{ "tasks", WLP_U64, OFF(nr_tasks), "4", 1, 4096, NULL, "processes, each with its own set" },
	{ "wss", WLP_PAGES, OFF(wss_pages), "256MiB", 1, 16777216, NULL, "working set per task" },
	{ "thp", WLP_BOOL, OFF(thp), "false", 0, 0, NULL,
	  "fault THPs (order 9, GFP_TRANSHUGE) instead of 4 KiB pages" },
	{ "fault_rate", WLP_DOUBLE, OFF(fault_rate_per_s), "200000", 1e-3, 1e10, NULL,
	  "faults per second per task while populating" },
	{ "access_rate", WLP_DOUBLE, OFF(access_rate_per_s), "100000", 1e-3, 1e10, NULL,
	  "accesses per second per task once populated" },
	{ "pattern", WLP_ENUM, OFF(pattern), "zipf", 0, 0, ws_pattern_names,
	  "access distribution over the set" },
	{ "zipf_s", WLP_DOUBLE, OFF(zipf_s), "1.0", 0, 10, NULL, "zipf exponent" },
	{ "hot.fraction", WLP_DOUBLE, OFF(hot_fraction), "0.2", 0, 1, NULL,
	  "two_level: fraction of the set that is hot" },
	{ "hot.share", WLP_DOUBLE, OFF(hot_share), "0.8", 0, 1, NULL,
	  "two_level: fraction of accesses that go to the hot part" },
	{ "write_fraction", WLP_DOUBLE, OFF(write_fraction), "0.3", 0, 1, NULL,
	  "accesses that are writes (also emit DIRTY)" },
};
#undef OFF

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct anon_ws *a = state;
	a->order = a->thp ? 9 : 0;
	a->nr_units = MAX(a->wss_pages >> a->order, 1u);
	a->tasks = calloc(a->nr_tasks, sizeof(*a->tasks));
	if (!a->tasks)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (a->pattern == WS_ZIPF) {
		double *wt = malloc(a->nr_units * sizeof(*wt));
		if (!wt)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
		for (uint64_t i = 0; i < a->nr_units; i++)
			wt[i] = pow((double)(i + 1), -a->zipf_s);
		a->zipf_table = gsl_ran_discrete_preproc(a->nr_units, wt);
		free(wt);
		if (!a->zipf_table)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	const char *names[] = { "anon_ws.fault", "anon_ws.access", "anon_ws.pick", "anon_ws.write" };
	gsl_rng **dst[] = { &a->r_fault, &a->r_access, &a->r_pick, &a->r_write };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!(*dst[i] = wl_stream(w, names[i])))
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (uint64_t i = 0; i < a->nr_tasks; i++) {
		a->tasks[i].task = WL_TASK_BASE + (uint32_t)i;
		a->tasks[i].first_id = wl_reserve_ids(w, a->nr_units);
		a->tasks[i].next_ns = 0;
	}
	return 0;
}

static sim_ns_t gap(gsl_rng *r, double rate_per_s)
{
	double v = gsl_ran_exponential(r, 1e9 / rate_per_s);
	return v < 1 ? 1 : v > 1e17 ? (sim_ns_t)1e17 : (sim_ns_t)v;
}

static uint64_t pick_unit(struct anon_ws *a)
{
	switch (a->pattern) {
	case WS_ZIPF:
		return gsl_ran_discrete(a->r_pick, a->zipf_table);
	case WS_TWO_LEVEL: {
		uint64_t nr_hot = (uint64_t)ceil(a->hot_fraction * (double)a->nr_units);
		nr_hot = MIN(MAX(nr_hot, 1u), a->nr_units);
		bool hot = gsl_rng_uniform(a->r_pick) < a->hot_share || nr_hot == a->nr_units;
		if (hot)
			return gsl_rng_uniform_int(a->r_pick, nr_hot);
		return nr_hot + gsl_rng_uniform_int(a->r_pick, a->nr_units - nr_hot);
	}
	default:
		return gsl_rng_uniform_int(a->r_pick, a->nr_units);
	}
}

static void task_step(struct workload *w, struct anon_ws *a, struct ws_task *t)
{
	sim_ns_t now = wl_now(w);
	if (t->nr_faulted < a->nr_units) {
		uint64_t id = t->first_id + t->nr_faulted++;
		wl_alloc_id_now(w, id, t->task, a->order,
				a->thp ? GFP_TRANSHUGE : GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		wl_sched_free(w, WL_NEVER, t->task, id, a->order);
		t->next_ns = now + gap(a->r_fault, a->fault_rate_per_s);
		return;
	}
	uint64_t id = t->first_id + pick_unit(a);
	wl_sched_simple(w, TR_ACCESS, now, t->task, id, 0);
	if (gsl_rng_uniform(a->r_write) < a->write_fraction)
		wl_sched_simple(w, TR_DIRTY, now, t->task, id, 0);
	t->next_ns = now + gap(a->r_access, a->access_rate_per_s);
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct anon_ws *a = state;
	sim_ns_t now = wl_now(w), next = WL_NEVER;
	for (uint64_t i = 0; i < a->nr_tasks; i++) {
		if (a->tasks[i].next_ns == now)
			task_step(w, a, &a->tasks[i]);
		next = MIN(next, a->tasks[i].next_ns);
	}
	return next;
}

static void fini(void *state)
{
	struct anon_ws *a = state;
	free(a->tasks);
	if (a->zipf_table)
		gsl_ran_discrete_free(a->zipf_table);
}

const struct wl_kind wl_kind_anon_ws = {
	.name = "anon_ws",
	.doc = "anonymous working sets faulted in, then accessed hot/cold (zipf, two-level)",
	.params = anon_ws_params,
	.nr_params = ARRAY_SIZE(anon_ws_params),
	.state_size = sizeof(struct anon_ws),
	.init = init,
	.step = step,
	.fini = fini,
};
