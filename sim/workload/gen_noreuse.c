/* gen_noreuse.c — an application that tells the kernel which pages it will not use again
 * (architecture.md §5): the load behind the easily-reclaimable LRU (Minchan Kim, 2012)
 * and the clean-first LRU.
 *
 * Components, each on its own seeded stream:
 *   anon       a working set faulted in at the start, then touched uniformly at a rate;
 *              a fraction of the touches are writes (swap-out must write the page)
 *   hot        a file set read in at the start and re-read uniformly at a rate: the page
 *              cache that should survive reclaim (its refaults are workingset_refault_file)
 *   stream     file data passing through once at a bandwidth: each page is read or
 *              written (dirty), then, for a fraction of the pages, marked with a hint
 *              drawn from stream.hints (weights over noreuse, dontneed, invalidate) —
 *              POSIX_FADV_NOREUSE, POSIX_FADV_DONTNEED, invalidate_mapping_pages; the pages
 *              are never touched again and stay cached until reclaim takes them
 *   volatile   anonymous cache (decoded images, JIT caches) allocated in chunks and
 *              marked as a volatile range at once (0 = off)
 *   highorder  short-lived order-N kernel allocations (GFP_KERNEL|__GFP_COMP, network
 *              or slab-like) that make compaction run on a fragmented machine (0 = off)
 * Everything is one task by default (one_task: a server process with heap, hot index
 * files and a backup stream), so under closed replay its stalls and its hint costs add
 * up on one timeline; one_task: false gives each component its own task.
 */
#include "wl_internal.h"

#include <stdlib.h>

enum { C_ANON, C_HOT, C_STREAM, C_VOLATILE, C_HIGHORDER, NR_COMPONENTS };

/* stream.hints weights index -> hint kind */
static const int stream_hint_kinds[] = { HINT_NOREUSE, HINT_DONTNEED, HINT_INVALIDATE };

struct noreuse {
	uint64_t anon_pages;
	double anon_fault_rate;
	double anon_access_rate;
	double anon_write_fraction;
	uint64_t hot_pages;
	double hot_fill_rate;
	double hot_read_rate;
	double stream_bps;
	double stream_write_fraction;
	double stream_hint_fraction;
	struct wl_weights stream_hints;
	sim_ns_t stream_start_ns;
	double volatile_bps;
	uint64_t volatile_chunk;
	uint64_t highorder_order;
	double highorder_rate;
	sim_ns_t highorder_lifetime_ns;
	bool one_task;

	uint64_t anon_first, hot_first;
	uint64_t anon_faulted, hot_filled;
	sim_ns_t stream_page_ns, volatile_chunk_ns;
	sim_ns_t next_ns[NR_COMPONENTS];
	gsl_rng *r_anon, *r_hot, *r_stream, *r_hint, *r_high;
	gsl_ran_discrete_t *hint_table;
};

#define OFF(f) offsetof(struct noreuse, f)
static const struct wl_param noreuse_params[] = {
	{ "anon.wss", WLP_PAGES, OFF(anon_pages), "64MiB", 0, 16777216, NULL,
	  "anonymous working set (0 = none)" },
	{ "anon.fault_rate", WLP_DOUBLE, OFF(anon_fault_rate), "200000", 1e-3, 1e10, NULL,
	  "faults per second while the set is populated" },
	{ "anon.access_rate", WLP_DOUBLE, OFF(anon_access_rate), "20000", 1e-3, 1e10, NULL,
	  "touches per second of the populated set (uniform)" },
	{ "anon.write_fraction", WLP_DOUBLE, OFF(anon_write_fraction), "0.3", 0, 1, NULL,
	  "touches that are writes (also emit DIRTY)" },
	{ "hot.size", WLP_PAGES, OFF(hot_pages), "64MiB", 0, 16777216, NULL,
	  "file set re-read for the whole run (0 = none)" },
	{ "hot.fill_rate", WLP_DOUBLE, OFF(hot_fill_rate), "200000", 1e-3, 1e10, NULL,
	  "pages per second read in at the start" },
	{ "hot.read_rate", WLP_DOUBLE, OFF(hot_read_rate), "20000", 1e-3, 1e10, NULL,
	  "re-reads per second (uniform over the set)" },
	{ "stream.bandwidth", WLP_BYTES, OFF(stream_bps), "100MiB", 0, 1e13, NULL,
	  "file data streamed once, bytes per second (0 = none)" },
	{ "stream.write_fraction", WLP_DOUBLE, OFF(stream_write_fraction), "0.5", 0, 1, NULL,
	  "streamed pages that are written (dirty) rather than read" },
	{ "stream.hint_fraction", WLP_DOUBLE, OFF(stream_hint_fraction), "1", 0, 1, NULL,
	  "streamed pages the application marks as not reused" },
	{ "stream.hints", WLP_WEIGHTS, OFF(stream_hints), "1,1,1", 0, 1e9, NULL,
	  "weights of the hint given: noreuse, dontneed, invalidate" },
	{ "stream.start", WLP_DURATION, OFF(stream_start_ns), "0", 0, 1e15, NULL,
	  "the stream starts at this time" },
	{ "volatile.bandwidth", WLP_BYTES, OFF(volatile_bps), "0", 0, 1e13, NULL,
	  "anonymous cache allocated and marked volatile, bytes per second (0 = none)" },
	{ "volatile.chunk", WLP_PAGES, OFF(volatile_chunk), "256KiB", 1, 1e9, NULL,
	  "pages allocated and marked together (one volatile range)" },
	{ "highorder.order", WLP_U64, OFF(highorder_order), "3", 1, MAX_PAGE_ORDER, NULL,
	  "order of the kernel allocations" },
	{ "highorder.rate", WLP_DOUBLE, OFF(highorder_rate), "0", 0, 1e9, NULL,
	  "kernel high-order allocations per second (0 = none)" },
	{ "highorder.lifetime", WLP_DURATION, OFF(highorder_lifetime_ns), "20ms", 1, 1e15, NULL,
	  "each is freed this long after it was allocated" },
	{ "one_task", WLP_BOOL, OFF(one_task), "true", 0, 0, NULL,
	  "every component is the same task (false: one task per component)" },
};
#undef OFF

static uint32_t task_of(const struct noreuse *n, int c)
{
	return WL_TASK_BASE + (n->one_task ? 0u : (uint32_t)c);
}

/* An exponential gap of mean 1/rate, rounded down and plus 1 ns (never 0), at most
 * 1e17 ns (now + gap never wraps). */
static sim_ns_t gap(gsl_rng *r, double rate_per_s)
{
	double v = gsl_ran_exponential(r, 1e9 / rate_per_s);
	return v > 1e17 ? (sim_ns_t)1e17 : (sim_ns_t)v + 1;
}

static sim_ns_t period_ns(double bytes_per_s, uint64_t pages)
{
	double ns = (double)(pages * PAGE_SIZE) / bytes_per_s * 1e9;
	return ns < 1 ? 1 : wl_ns_from_double(ns);
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct noreuse *n = state;
	const char *names[] = { "noreuse.anon", "noreuse.hot", "noreuse.stream", "noreuse.hint",
				"noreuse.highorder" };
	gsl_rng **dst[] = { &n->r_anon, &n->r_hot, &n->r_stream, &n->r_hint, &n->r_high };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!(*dst[i] = wl_stream(w, names[i])))
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (n->stream_hints.n > ARRAY_SIZE(stream_hint_kinds))
		return wl_param_error(w, err, "stream.hints", "at most %zu weights (noreuse, dontneed, invalidate)",
				      ARRAY_SIZE(stream_hint_kinds));
	if (n->stream_bps > 0 && n->stream_hint_fraction > 0 &&
	    !(n->hint_table = wl_discrete(w, &n->stream_hints, "stream.hints", err)))
		return -1;
	n->anon_first = wl_reserve_ids(w, MAX(n->anon_pages, 1u));
	n->hot_first = wl_reserve_ids(w, MAX(n->hot_pages, 1u));
	n->next_ns[C_ANON] = n->anon_pages ? 0 : WL_NEVER;
	n->next_ns[C_HOT] = n->hot_pages ? 0 : WL_NEVER;
	n->next_ns[C_STREAM] = n->stream_bps > 0 ? n->stream_start_ns : WL_NEVER;
	n->stream_page_ns = n->stream_bps > 0 ? period_ns(n->stream_bps, 1) : 0;
	n->next_ns[C_VOLATILE] = n->volatile_bps > 0 ? 0 : WL_NEVER;
	n->volatile_chunk_ns = n->volatile_bps > 0 ? period_ns(n->volatile_bps, n->volatile_chunk) : 0;
	n->next_ns[C_HIGHORDER] = n->highorder_rate > 0 ? gap(n->r_high, n->highorder_rate) : WL_NEVER;
	return 0;
}

static void anon_step(struct workload *w, struct noreuse *n, sim_ns_t now)
{
	uint32_t task = task_of(n, C_ANON);
	if (n->anon_faulted < n->anon_pages) {
		uint64_t id = n->anon_first + n->anon_faulted++;
		wl_alloc_id_now(w, id, task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		wl_sched_free(w, WL_NEVER, task, id, 0);
		n->next_ns[C_ANON] = now + gap(n->r_anon, n->anon_fault_rate);
		return;
	}
	uint64_t id = n->anon_first + gsl_rng_uniform_int(n->r_anon, n->anon_pages);
	wl_sched_simple(w, TR_ACCESS, now, task, id, 0);
	if (gsl_rng_uniform(n->r_anon) < n->anon_write_fraction)
		wl_sched_simple(w, TR_DIRTY, now, task, id, 0);
	n->next_ns[C_ANON] = now + gap(n->r_anon, n->anon_access_rate);
}

static void hot_step(struct workload *w, struct noreuse *n, sim_ns_t now)
{
	uint32_t task = task_of(n, C_HOT);
	if (n->hot_filled < n->hot_pages) {
		uint64_t id = n->hot_first + n->hot_filled++;
		wl_alloc_id_now(w, id, task, 0, GFP_HIGHUSER_MOVABLE);
		wl_sched_free(w, WL_NEVER, task, id, 0);
		n->next_ns[C_HOT] = now + gap(n->r_hot, n->hot_fill_rate);
		return;
	}
	uint64_t id = n->hot_first + gsl_rng_uniform_int(n->r_hot, n->hot_pages);
	wl_sched_simple(w, TR_ACCESS, now, task, id, 0); /* a refault when it was evicted */
	n->next_ns[C_HOT] = now + gap(n->r_hot, n->hot_read_rate);
}

static void stream_step(struct workload *w, struct noreuse *n, sim_ns_t now)
{
	uint32_t task = task_of(n, C_STREAM);
	bool write = gsl_rng_uniform(n->r_stream) < n->stream_write_fraction;
	uint64_t id = wl_alloc_now(w, task, 0, write ? WL_GFP_PAGECACHE_WRITE : GFP_HIGHUSER_MOVABLE);
	wl_sched_free(w, WL_NEVER, task, id, 0); /* cached until reclaim takes it */
	if (write)
		wl_sched_simple(w, TR_DIRTY, now, task, id, 0);
	if (n->hint_table && gsl_rng_uniform(n->r_hint) < n->stream_hint_fraction)
		wl_sched_simple(w, TR_HINT, now, task, id,
				stream_hint_kinds[gsl_ran_discrete(n->r_hint, n->hint_table)]);
	n->next_ns[C_STREAM] = now + n->stream_page_ns;
}

static void volatile_step(struct workload *w, struct noreuse *n, sim_ns_t now)
{
	uint32_t task = task_of(n, C_VOLATILE);
	for (uint64_t i = 0; i < n->volatile_chunk; i++) {
		uint64_t id = wl_alloc_now(w, task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		wl_sched_free(w, WL_NEVER, task, id, 0);
		wl_sched_simple(w, TR_DIRTY, now, task, id, 0); /* filled in */
		wl_sched_simple(w, TR_HINT, now, task, id, HINT_VOLATILE);
	}
	n->next_ns[C_VOLATILE] = now + n->volatile_chunk_ns;
}

static void highorder_step(struct workload *w, struct noreuse *n, sim_ns_t now)
{
	uint32_t task = task_of(n, C_HIGHORDER);
	unsigned order = (unsigned)n->highorder_order;
	uint64_t id = wl_alloc_now(w, task, order, GFP_KERNEL | __GFP_COMP);
	wl_sched_free(w, now + n->highorder_lifetime_ns, task, id, order);
	n->next_ns[C_HIGHORDER] = now + gap(n->r_high, n->highorder_rate);
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct noreuse *n = state;
	sim_ns_t now = wl_now(w), next = WL_NEVER;
	for (int c = 0; c < NR_COMPONENTS; c++) {
		if (n->next_ns[c] == now) {
			switch (c) {
			case C_ANON: anon_step(w, n, now); break;
			case C_HOT: hot_step(w, n, now); break;
			case C_STREAM: stream_step(w, n, now); break;
			case C_VOLATILE: volatile_step(w, n, now); break;
			default: highorder_step(w, n, now); break;
			}
		}
		next = MIN(next, n->next_ns[c]);
	}
	return next;
}

static void fini(void *state)
{
	struct noreuse *n = state;
	if (n->hint_table)
		gsl_ran_discrete_free(n->hint_table);
}

const struct wl_kind wl_kind_noreuse = {
	.name = "noreuse",
	.doc = "anon working set + hot file set re-read + a file stream marked not-reused (fadvise NOREUSE/DONTNEED, "
	       "invalidate), volatile anon ranges, optional high-order kernel allocations",
	.params = noreuse_params,
	.nr_params = ARRAY_SIZE(noreuse_params),
	.state_size = sizeof(struct noreuse),
	.init = init,
	.step = step,
	.fini = fini,
};
