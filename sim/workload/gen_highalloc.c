/* gen_highalloc.c — mmtests' stress-highalloc, architecture.md §5.
 *
 * mmtests (vmr/bin/bench-stresshighalloc.sh with stap-scripts/highalloc.stp): kernel
 * builds (one `make -j1` per 400 MB of memory) run for a while; then pass 1 asks, one
 * request at a time with a fixed delay, for order-9 blocks covering a percentage of
 * memory, keeps what it gets to the end of the pass and frees it; 5 s later pass 2 does
 * the same; the builds go on for a while, are killed and their trees deleted, the caches
 * dropped; pass 3 runs "at rest".  The figure of merit is each pass's success percentage.
 *
 * Here the build is a churn (the component under "background.") with a build's class mix.
 * Its footprint counts only its own pages: the huge pages a pass holds are memory taken
 * from it, which reclaim and compaction must find, not room it makes for them.  The
 * passes: `warmup` of load, then pass 1 (`allocs` requests `interval` apart, gfp as
 * hugetlbfs asks: GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN), its
 * pages freed at the pass's end (after its last request: the benchmark's own task, so in
 * replay after that request finished); `pause`; pass 2 likewise; the load runs
 * `load_after` more and is killed (churn stop: its movable, anonymous and reclaimable
 * objects are freed, its kernel objects keep their lifetimes); `settle` later pass 3.
 *
 * Snapshots mark the passes, so their outcomes can be told apart: tag 1 at pass 1's
 * start, 2 at pass 2's start, 3 when the load is killed, 4 at pass 3's start and 5
 * `pause` after pass 3's end.  A pass's failures are the growth of mmsim_alloc_fail
 * between its start and the next snapshot (the load's own requests do not fail in the
 * shipped scenario; summary.json's alloc_outcome says whether they did).
 */
#include "wl_churn.h"

enum ha_phase { HA_LOAD, HA_PASS, HA_PASS_END, HA_KILL, HA_DONE, NR_HA_PHASES };

#define HA_NR_PASSES 3
#define HA_SNAP_KILL 3

struct highalloc {
	struct churn bg;
	sim_ns_t warmup_ns;
	uint64_t nr_allocs;   /* per pass */
	sim_ns_t interval_ns;
	uint64_t order;
	sim_ns_t pause_ns;      /* after a pass, before the next snapshot */
	sim_ns_t load_after_ns; /* load after pass 2's end, before it is killed */
	sim_ns_t settle_ns;     /* from the kill to pass 3 */

	unsigned pass;          /* 0, 1, 2 */
	enum ha_phase phase;
	uint64_t nr_done;       /* requests of this pass so far */
	uint64_t first_id;      /* this pass's request i is id first_id + i */
	sim_ns_t pass_start_ns[HA_NR_PASSES];
	sim_ns_t kill_ns, end_ns;
	sim_ns_t bg_next_ns, hi_next_ns;
};

#define OFF(f) offsetof(struct highalloc, f)
static const struct wl_param highalloc_params[] = {
	CHURN_PARAMS("background.", OFF(bg)),
	{ "warmup", WLP_DURATION, OFF(warmup_ns), "2s", 0, 1e15, NULL,
	  "load only, before pass 1" },
	{ "allocs", WLP_U64, OFF(nr_allocs), "200", 1, 1e8, NULL, "high-order requests per pass" },
	{ "interval", WLP_DURATION, OFF(interval_ns), "10ms", 1, 1e15, NULL,
	  "time between high-order requests" },
	{ "order", WLP_U64, OFF(order), "9", 1, MAX_PAGE_ORDER, NULL, "order of the requests" },
	{ "pause", WLP_DURATION, OFF(pause_ns), "5s", 1, 1e15, NULL,
	  "after each pass's end: to the next pass (under load) or to the final snapshot" },
	{ "load_after", WLP_DURATION, OFF(load_after_ns), "5s", 1, 1e15, NULL,
	  "load after pass 2's end; then it is killed (at least `pause`)" },
	{ "settle", WLP_DURATION, OFF(settle_ns), "1s", 1, 1e15, NULL,
	  "from the kill of the load to pass 3 (at rest)" },
};
#undef OFF

static sim_ns_t pass_len(const struct highalloc *h)
{
	return h->nr_allocs * h->interval_ns;
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct highalloc *h = state;
	if (h->load_after_ns < h->pause_ns)
		return wl_param_error(w, err, "load_after", "shorter than pause (%llu ns)",
				      (unsigned long long)h->pause_ns);
	if (churn_init(w, &h->bg, "background.", WL_TASK_BASE, err))
		return -1;
	h->pass_start_ns[0] = h->warmup_ns;
	h->pass_start_ns[1] = h->pass_start_ns[0] + pass_len(h) + h->pause_ns;
	h->kill_ns = h->pass_start_ns[1] + pass_len(h) + h->load_after_ns;
	h->pass_start_ns[2] = h->kill_ns + h->settle_ns;
	h->end_ns = h->pass_start_ns[2] + pass_len(h) + h->pause_ns;
	h->bg.stop_ns = h->kill_ns;
	h->bg_next_ns = h->kill_ns ? 0 : WL_NEVER;
	h->hi_next_ns = h->pass_start_ns[0];
	h->phase = HA_LOAD;
	return 0;
}

/* The benchmark's event at hi_next_ns; returns its next event time. */
static sim_ns_t highalloc_event(struct workload *w, struct highalloc *h)
{
	sim_ns_t now = wl_now(w);
	/* the benchmark's own task, apart from the load's pids */
	uint32_t task = WL_TASK_BASE + (uint32_t)h->bg.nr_tasks;
	unsigned order = (unsigned)h->order;
	switch (h->phase) {
	case HA_LOAD: /* a pass starts */
		wl_sched_simple(w, TR_SNAPSHOT, now, 0, 0, h->pass == 2 ? 4 : (int32_t)h->pass + 1);
		h->first_id = wl_reserve_ids(w, h->nr_allocs);
		h->nr_done = 0;
		h->phase = HA_PASS;
		/* fall through */
	case HA_PASS: {
		uint64_t id = h->first_id + h->nr_done;
		wl_alloc_id_now(w, id, task, order, WL_GFP_HUGETLB);
		h->bg.foreign_pages += (uint64_t)1 << order;
		if (++h->nr_done < h->nr_allocs)
			return now + h->interval_ns;
		/* The pass's end: the test frees what it got, in the order it got it. */
		sim_ns_t end = h->pass_start_ns[h->pass] + pass_len(h);
		for (uint64_t i = 0; i < h->nr_allocs; i++)
			wl_sched_free(w, end, task, h->first_id + i, order);
		h->phase = HA_PASS_END;
		return end;
	}
	case HA_PASS_END: /* the frees are out: the load has its memory back */
		h->bg.foreign_pages -= h->nr_allocs << order;
		if (h->pass == 0) {
			h->pass = 1;
			h->phase = HA_LOAD;
			return h->pass_start_ns[1];
		}
		if (h->pass == 1) {
			h->pass = 2;
			h->phase = HA_KILL;
			return h->kill_ns;
		}
		h->phase = HA_DONE;
		return h->end_ns;
	case HA_KILL:
		wl_sched_simple(w, TR_SNAPSHOT, now, 0, 0, HA_SNAP_KILL);
		h->phase = HA_LOAD;
		return h->pass_start_ns[2];
	case HA_DONE:
		wl_sched_simple(w, TR_SNAPSHOT, now, 0, 0, 5);
		return WL_NEVER;
	case NR_HA_PHASES:
		break;
	}
	return WL_NEVER;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct highalloc *h = state;
	sim_ns_t now = wl_now(w);
	/* The load's arrival first: a pass's request at the same instant counts in
	 * bg.foreign_pages at once but in wl_live_pages only when its record is returned, so
	 * an arrival after it would see the load's own pages 2^order too few. */
	if (h->bg_next_ns == now)
		h->bg_next_ns = churn_step(w, &h->bg);
	if (h->hi_next_ns == now)
		h->hi_next_ns = highalloc_event(w, h);
	return MIN(h->bg_next_ns, h->hi_next_ns);
}

static void fini(void *state)
{
	struct highalloc *h = state;
	churn_fini(&h->bg);
}

const struct wl_kind wl_kind_highalloc = {
	.name = "highalloc",
	.doc = "mmtests stress-highalloc: a build-like load; order-9 passes under load (2) and at rest (1)",
	.params = highalloc_params,
	.nr_params = ARRAY_SIZE(highalloc_params),
	.state_size = sizeof(struct highalloc),
	.ends_by_itself = true,
	.init = init,
	.step = step,
	.fini = fini,
};
