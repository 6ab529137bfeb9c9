/* gen_highalloc.c — stress-highalloc-like (mmtests), architecture.md §5.
 *
 * A background churn (the churn component under "background.") loads and fragments
 * memory; after a warm-up, order-9 movable requests as hugetlbfs makes them
 * (GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN) arrive at a fixed
 * interval and are kept, the way the benchmark fills a pool of huge pages.  The
 * simulator's success rate and latency of these requests is the figure of merit.  The
 * workload ends by itself `tail` after the last request (then the drain frees all).
 */
#include "wl_churn.h"

struct highalloc {
	struct churn bg;
	sim_ns_t warmup_ns;
	uint64_t nr_allocs;
	sim_ns_t interval_ns;
	uint64_t order;
	sim_ns_t hold_ns;   /* 0: keep until the end */
	sim_ns_t tail_ns;   /* background keeps running this long after the last request */

	uint64_t nr_done;
	sim_ns_t bg_next_ns, hi_next_ns;
	sim_ns_t end_ns;    /* set at the last request: last + tail */
};

#define OFF(f) offsetof(struct highalloc, f)
static const struct wl_param highalloc_params[] = {
	CHURN_PARAMS("background.", OFF(bg)),
	{ "warmup", WLP_DURATION, OFF(warmup_ns), "2s", 0, 1e15, NULL,
	  "background only, before the first high-order request" },
	{ "allocs", WLP_U64, OFF(nr_allocs), "200", 1, 1e8, NULL, "high-order requests" },
	{ "interval", WLP_DURATION, OFF(interval_ns), "10ms", 1, 1e15, NULL,
	  "time between high-order requests" },
	{ "order", WLP_U64, OFF(order), "9", 1, MAX_PAGE_ORDER, NULL, "order of the requests" },
	{ "hold", WLP_DURATION, OFF(hold_ns), "0", 0, 1e15, NULL,
	  "free each request after this long; 0 = keep until the end" },
	{ "tail", WLP_DURATION, OFF(tail_ns), "1s", 0, 1e15, NULL,
	  "background after the last request; then the run ends (drain)" },
};
#undef OFF

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct highalloc *h = state;
	if (churn_init(w, &h->bg, "background.", WL_TASK_BASE, err))
		return -1;
	h->bg_next_ns = 0;
	h->hi_next_ns = h->warmup_ns;
	return 0;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct highalloc *h = state;
	sim_ns_t now = wl_now(w);
	if (h->hi_next_ns == now) {
		/* the benchmark's own task, apart from the background's pids */
		uint32_t task = WL_TASK_BASE + (uint32_t)h->bg.nr_tasks;
		unsigned order = (unsigned)h->order;
		uint64_t id = wl_alloc_now(w, task, order, WL_GFP_HUGETLB);
		wl_sched_free(w, h->hold_ns ? now + h->hold_ns : WL_NEVER, task, id, order);
		h->hi_next_ns = ++h->nr_done < h->nr_allocs ? now + h->interval_ns : WL_NEVER;
		if (h->hi_next_ns == WL_NEVER)
			h->end_ns = now + h->tail_ns;
	}
	if (h->hi_next_ns == WL_NEVER && now >= h->end_ns)
		return WL_NEVER; /* the run is over: the tail has passed */
	if (h->bg_next_ns == now)
		h->bg_next_ns = churn_step(w, &h->bg);
	sim_ns_t next = MIN(h->bg_next_ns, h->hi_next_ns);
	if (h->hi_next_ns == WL_NEVER && next > h->end_ns)
		next = h->end_ns; /* wake at the tail's end to finish */
	return next;
}

static void fini(void *state)
{
	struct highalloc *h = state;
	churn_fini(&h->bg);
}

const struct wl_kind wl_kind_highalloc = {
	.name = "highalloc",
	.doc = "stress-highalloc: background churn, then repeated order-9 movable requests",
	.params = highalloc_params,
	.nr_params = ARRAY_SIZE(highalloc_params),
	.state_size = sizeof(struct highalloc),
	.ends_by_itself = true,
	.init = init,
	.step = step,
	.fini = fini,
};
