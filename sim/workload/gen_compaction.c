/* gen_compaction.c — the kselftest compaction_test pattern (tools/testing/selftests/mm),
 * architecture.md §5.
 *
 * The test mmaps and mlocks 100 MB chunks until about 80% of memory is used, unmaps every
 * other chunk, then asks hugetlbfs for as many huge pages as it can get and checks that a
 * third of the freed memory came back as huge pages.  Here: chunks of order-0 movable
 * pages faulted one by one (optionally PIN-ned, for the pinned variant), every odd chunk
 * freed, then `hugepages` order-9 hugetlb requests.  Runs to the end by itself.
 */
#include "wl_internal.h"

#include <stdlib.h>

enum ct_phase { CT_FILL, CT_HUGE, CT_DONE, NR_CT_PHASES };

/* Who asks in the last phase: hugetlbfs (the selftest), or a kernel user (GFP_KERNEL,
 * unmovable: CMA experiment 4). */
enum ct_class { CT_HUGETLB, CT_KERNEL, NR_CT_CLASSES };
static const char *const ct_class_names[] = { "hugetlb", "kernel", NULL };

struct compaction_test {
	uint64_t memory_pages;
	uint64_t chunk_pages;
	double fill;
	sim_ns_t fault_ns;    /* per page */
	sim_ns_t free_ns;     /* per page while unmapping */
	bool pinned;
	uint64_t interleave;  /* chunks faulted together, page by page (1: one after another) */
	uint64_t nr_huge;     /* 0: enough to cover memory */
	uint64_t req_order;   /* order of the requests (9: huge pages) */
	unsigned req_class;   /* enum ct_class */
	sim_ns_t huge_ns;     /* between hugepage requests */
	sim_ns_t gap_ns;      /* between phases */

	uint64_t nr_chunks;
	uint64_t first_id;    /* page p of chunk c is id first_id + c * chunk_pages + p */
	enum ct_phase phase;
	uint64_t pos;         /* page (fill, free) or request (huge) index within the phase */
};

#define OFF(f) offsetof(struct compaction_test, f)
static const struct wl_param compaction_params[] = {
	{ "memory", WLP_PAGES, OFF(memory_pages), "4GiB", 1, 4294967296.0, NULL,
	  "machine memory the test sizes itself against (its MemFree)" },
	{ "chunk", WLP_PAGES, OFF(chunk_pages), "100MiB", 1, 4294967296.0, NULL, "mmap chunk size" },
	{ "fill", WLP_DOUBLE, OFF(fill), "0.8", 0.01, 1, NULL, "fraction of memory mapped" },
	{ "fault_time", WLP_DURATION, OFF(fault_ns), "1us", 1, 1e9, NULL,
	  "time per page fault while filling" },
	{ "free_time", WLP_DURATION, OFF(free_ns), "100ns", 1, 1e9, NULL,
	  "time per page while unmapping" },
	{ "pinned", WLP_BOOL, OFF(pinned), "false", 0, 0, NULL,
	  "pin (long-term) every page of the chunks" },
	{ "interleave", WLP_U64, OFF(interleave), "1", 1, 64, NULL,
	  "fault this many chunks at once, a page of each in turn (threads faulting side by side), "
	  "so neighbouring pages belong to different chunks; 1 = one chunk after another" },
	{ "hugepages", WLP_U64, OFF(nr_huge), "0", 0, 1e8, NULL,
	  "order-9 requests; 0 = memory / 2 MiB, as writing a huge nr_hugepages does" },
	{ "request_order", WLP_U64, OFF(req_order), "9", 0, MAX_PAGE_ORDER, NULL,
	  "order of the requests of the last phase" },
	{ "request_class", WLP_ENUM, OFF(req_class), "hugetlb", 0, 0, ct_class_names,
	  "hugetlb (GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN) or kernel (GFP_KERNEL|__GFP_COMP)" },
	{ "hugepage_time", WLP_DURATION, OFF(huge_ns), "10us", 1, 1e9, NULL,
	  "time between hugepage requests" },
	{ "phase_gap", WLP_DURATION, OFF(gap_ns), "10ms", 1, 1e12, NULL, "pause between phases" },
};
#undef OFF

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct compaction_test *c = state;
	c->nr_chunks = (uint64_t)(c->fill * (double)c->memory_pages) / c->chunk_pages;
	c->nr_chunks -= c->nr_chunks % c->interleave; /* whole groups of interleaved chunks */
	if (c->nr_chunks == 0)
		return wl_param_error(w, err, "chunk", "larger than fill * memory (in groups of interleave)");
	if (!c->nr_huge)
		c->nr_huge = MAX(c->memory_pages >> 9, 1u);
	c->first_id = wl_reserve_ids(w, c->nr_chunks * c->chunk_pages);
	c->phase = CT_FILL;
	return 0;
}

/* The script has no randomness, so every page's munmap time is known when it is faulted:
 * scheduling it then keeps every live object in the pending heap, and a run cut short by
 * `duration` still drains completely.  Odd page j (in unmap order) goes at
 * free_start + j * free_ns, where free_start = last fault + gap. */
static sim_ns_t free_start_ns(const struct compaction_test *c)
{
	return (c->nr_chunks * c->chunk_pages - 1) * c->fault_ns + c->gap_ns;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct compaction_test *c = state;
	sim_ns_t now = wl_now(w);
	uint32_t task = WL_TASK_BASE;
	switch (c->phase) {
	case CT_FILL: {
		/* Fault number pos touches page `page` of chunk `chunk`: within a group of
		 * `interleave` chunks the faults take a page of each chunk in turn. */
		uint64_t k = c->interleave, group_pages = k * c->chunk_pages;
		uint64_t r = c->pos % group_pages;
		uint64_t chunk = (c->pos / group_pages) * k + r % k, page = r / k;
		uint64_t id = c->first_id + chunk * c->chunk_pages + page;
		/* mlock()ed anonymous memory: movable, unevictable */
		wl_alloc_id_now(w, id, task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		if (c->pinned)
			wl_sched_simple(w, TR_PIN, now, task, id, PIN_LONGTERM);
		sim_ns_t free_ns = WL_NEVER; /* even chunks stay mapped until the test exits */
		if (chunk & 1 && chunk < (c->nr_chunks / 2) * 2) {
			uint64_t j = (chunk / 2) * c->chunk_pages + page;
			free_ns = free_start_ns(c) + j * c->free_ns;
		}
		if (c->pinned)
			wl_sched_simple(w, TR_UNPIN, free_ns, task, id, 0);
		wl_sched_free(w, free_ns, task, id, 0);
		if (++c->pos < c->nr_chunks * c->chunk_pages)
			return now + c->fault_ns;
		c->phase = CT_HUGE;
		c->pos = 0;
		uint64_t nr_odd = (c->nr_chunks / 2) * c->chunk_pages;
		return free_start_ns(c) + (nr_odd ? nr_odd - 1 : 0) * c->free_ns + c->gap_ns;
	}
	case CT_HUGE: {
		unsigned order = (unsigned)c->req_order;
		uint32_t gfp = c->req_class == CT_KERNEL ? GFP_KERNEL | __GFP_COMP : WL_GFP_HUGETLB;
		uint64_t id = wl_alloc_now(w, task, order, gfp);
		wl_sched_free(w, WL_NEVER, task, id, order);
		if (++c->pos < c->nr_huge)
			return now + c->huge_ns;
		c->phase = CT_DONE;
		return WL_NEVER;
	}
	case CT_DONE:
	case NR_CT_PHASES:
		break;
	}
	return WL_NEVER;
}

const struct wl_kind wl_kind_compaction_test = {
	.name = "compaction_test",
	.doc = "kselftest compaction_test: fill 80% with (locked) chunks, free every other, order-9 requests",
	.params = compaction_params,
	.nr_params = ARRAY_SIZE(compaction_params),
	.state_size = sizeof(struct compaction_test),
	.ends_by_itself = true,
	.init = init,
	.step = step,
};
