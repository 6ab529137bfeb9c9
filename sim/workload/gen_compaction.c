/* gen_compaction.c — the kselftest compaction_test (tools/testing/selftests/mm/compaction_test.c
 * as in 6.12), architecture.md §5.
 *
 * The selftest, one thread: read MemFree; mmap(MAP_LOCKED) 100 MB anonymous chunks one
 * after another, each populated in address order, while the "fragmentable" memory
 * (80% of MemFree, in MB) is > 0, i.e. ceil(0.8 * MemFree / 100 MB) chunks; unmap every
 * other chunk walking its list from the newest (the last chunk mapped, then the third
 * last, ...); then write nr_hugepages = 0.8 * MemFree / 2 MiB / 2 and read back how many
 * the kernel got.  The kernel's set_max_huge_pages allocates them one by one through
 * alloc_pool_huge_folio: htlb_alloc_mask | __GFP_THISNODE, to which
 * alloc_buddy_hugetlb_folio adds __GFP_COMP | __GFP_NOWARN | __GFP_RETRY_MAYFAIL, order 9.
 * It passes when (0.8 * MemFree) / (huge pages * 2 MiB) <= 3 in integer arithmetic, i.e.
 * huge pages * 2 MiB * 4 > 0.8 * MemFree.
 *
 * Here: the chunks are order-0 GFP_HIGHUSER_MOVABLE faults in that order (optionally
 * pinned long-term: the negative control, not part of the selftest); the freed chunks go
 * page by page in address order, newest chunk first; then `hugepages` requests.  A
 * snapshot (tag 1) marks the moment the test reads MemFree, so the bar can be computed
 * from the simulated machine's free memory.
 *
 * Not the kernel's: set_max_huge_pages stops at the first failed allocation, a trace
 * cannot, so every request is issued and the successes are counted; mlock is not modelled
 * (the pages are ordinary anonymous pages; nothing reclaims them with no swap).
 *
 * Ageing (age.duration > 0).  On a fresh machine the free lists are in address order, so
 * every chunk is physically contiguous and the freed ones are whole free pageblocks: the
 * test passes without compaction.  An aged machine is emulated by a pre-phase: Poisson
 * arrivals of order-0 page cache (movable) and kernel objects (GFP_KERNEL, unmovable)
 * with exponential lifetimes, throttled at a footprint near full memory, so that under
 * pressure kernel objects fall back into movable pageblocks; a fraction of the
 * allocations are long-lived (never freed: the page cache a service keeps, dentries,
 * inodes), everything else is freed when the pre-phase ends.  Because the churn has
 * shuffled the free lists, the long-lived pages lie scattered, a few in most pageblocks,
 * and the chunks are faulted around them.  MemFree is then the memory less those
 * long-lived pages.
 *
 * `interleave` > 1 faults several chunks side by side (a page of each in turn): not the
 * selftest; CMA experiment 4 uses it.
 */
#include "wl_internal.h"

#include <stdlib.h>

enum ct_phase { CT_AGE, CT_START, CT_FILL, CT_HUGE, CT_DONE, NR_CT_PHASES };

/* Who asks in the last phase: hugetlbfs (the selftest), or a kernel user (GFP_KERNEL,
 * unmovable: CMA experiment 4). */
enum ct_class { CT_HUGETLB, CT_KERNEL, NR_CT_CLASSES };
static const char *const ct_class_names[] = { "hugetlb", "kernel", NULL };

/* The hugetlb pool allocation of set_max_huge_pages (6.12): htlb_alloc_mask (hugepages
 * movable) | __GFP_THISNODE from alloc_pool_huge_folio, __GFP_COMP | __GFP_NOWARN |
 * __GFP_RETRY_MAYFAIL from alloc_buddy_hugetlb_folio. */
#define CT_GFP_HUGETLB_POOL (WL_GFP_HUGETLB | __GFP_THISNODE)

/* The snapshot tag at the moment the test reads MemFree. */
#define CT_SNAPSHOT_START 1

struct ct_age {
	sim_ns_t duration_ns; /* 0: a fresh machine */
	double rate_per_s;
	double footprint;     /* fraction of memory */
	double unmovable;     /* fraction of arrivals that are kernel objects */
	double longlived;     /* fraction of the allocations never freed */
	sim_ns_t lifetime_ns; /* mean, exponential */
};

struct compaction_test {
	uint64_t memory_pages;
	uint64_t chunk_pages;
	double fill;
	sim_ns_t fault_ns;    /* per page */
	sim_ns_t free_ns;     /* per page while unmapping */
	bool pinned;
	uint64_t interleave;  /* chunks faulted together, page by page (1: one after another) */
	uint64_t nr_huge;     /* 0: as the selftest, 0.8 * MemFree / huge page size / 2 */
	uint64_t req_order;   /* order of the requests (9: huge pages) */
	unsigned req_class;   /* enum ct_class */
	sim_ns_t huge_ns;     /* between hugepage requests */
	sim_ns_t gap_ns;      /* between phases */
	struct ct_age age;

	gsl_rng *r_age;
	double age_t_ns;           /* exact arrival clock of the pre-phase */
	uint64_t longlived_pages;  /* pages the pre-phase leaves behind */
	uint64_t memfree_pages;    /* what the test reads as MemFree */
	uint64_t nr_chunks;
	uint64_t first_id;    /* page p of chunk c is id first_id + c * chunk_pages + p */
	sim_ns_t fill_start_ns;
	enum ct_phase phase;
	uint64_t pos;         /* page (fill) or request (huge) index within the phase */
};

#define OFF(f) offsetof(struct compaction_test, f)
#define AOFF(f) (OFF(age) + offsetof(struct ct_age, f))
static const struct wl_param compaction_params[] = {
	{ "memory", WLP_PAGES, OFF(memory_pages), "4GiB", 1, 4294967296.0, NULL,
	  "machine memory free when the workload starts (the selftest's MemFree on a fresh machine)" },
	{ "chunk", WLP_PAGES, OFF(chunk_pages), "100MiB", 1, 4294967296.0, NULL, "mmap chunk size" },
	{ "fill", WLP_DOUBLE, OFF(fill), "0.8", 0.01, 1, NULL,
	  "fraction of MemFree mapped (chunks while the rest is > 0), and of MemFree in the bar" },
	{ "fault_time", WLP_DURATION, OFF(fault_ns), "1us", 1, 1e9, NULL,
	  "time per page fault while filling" },
	{ "free_time", WLP_DURATION, OFF(free_ns), "100ns", 1, 1e9, NULL,
	  "time per page while unmapping" },
	{ "pinned", WLP_BOOL, OFF(pinned), "false", 0, 0, NULL,
	  "pin (long-term) every page of the chunks: a negative control, not the selftest" },
	{ "interleave", WLP_U64, OFF(interleave), "1", 1, 64, NULL,
	  "fault this many chunks at once, a page of each in turn (not the selftest, which "
	  "faults one chunk after another: 1)" },
	{ "hugepages", WLP_U64, OFF(nr_huge), "0", 0, 1e8, NULL,
	  "requests; 0 = as the selftest, fill * MemFree / request size / 2" },
	{ "request_order", WLP_U64, OFF(req_order), "9", 0, MAX_PAGE_ORDER, NULL,
	  "order of the requests of the last phase" },
	{ "request_class", WLP_ENUM, OFF(req_class), "hugetlb", 0, 0, ct_class_names,
	  "hugetlb (GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN|__GFP_THISNODE, "
	  "set_max_huge_pages) or kernel (GFP_KERNEL|__GFP_COMP)" },
	{ "hugepage_time", WLP_DURATION, OFF(huge_ns), "10us", 1, 1e9, NULL,
	  "time between hugepage requests" },
	{ "phase_gap", WLP_DURATION, OFF(gap_ns), "10ms", 1, 1e12, NULL, "pause between phases" },
	{ "age.duration", WLP_DURATION, AOFF(duration_ns), "0", 0, 1e13, NULL,
	  "length of the ageing pre-phase; 0 = a fresh machine" },
	{ "age.rate", WLP_DOUBLE, AOFF(rate_per_s), "150000", 1, 1e9, NULL,
	  "ageing: order-0 allocation arrivals per second (Poisson)" },
	{ "age.footprint", WLP_DOUBLE, AOFF(footprint), "0.95", 0.01, 1, NULL,
	  "ageing: fraction of memory in use at most (arrivals above it are skipped)" },
	{ "age.unmovable", WLP_DOUBLE, AOFF(unmovable), "0.1", 0, 1, NULL,
	  "ageing: fraction of arrivals that are kernel objects (GFP_KERNEL); the rest page cache" },
	{ "age.longlived", WLP_DOUBLE, AOFF(longlived), "0.05", 0, 1, NULL,
	  "ageing: fraction of the allocations never freed (left when the test starts)" },
	{ "age.lifetime", WLP_DURATION, AOFF(lifetime_ns), "10s", 1, 1e13, NULL,
	  "ageing: mean lifetime (exponential); whatever is still live at the end is freed then" },
};
#undef AOFF
#undef OFF

/* The selftest's arithmetic on MemFree (kB): ceil(fragmentable MB / chunk) chunks, and
 * nr_hugepages = (0.8 * MemFree) / huge page size / 2. */
static void size_test(struct workload *w, struct compaction_test *c)
{
	uint64_t kb = c->memfree_pages * (PAGE_SIZE / 1024);
	uint64_t frag_kb = (uint64_t)((double)kb * c->fill) / 1024 * 1024; /* whole MB */
	uint64_t chunk_kb = c->chunk_pages * (PAGE_SIZE / 1024);
	c->nr_chunks = (frag_kb + chunk_kb - 1) / chunk_kb;
	c->nr_chunks -= c->nr_chunks % c->interleave; /* whole groups of interleaved chunks */
	if (!c->nr_huge) {
		uint64_t huge_kb = (PAGE_SIZE / 1024) << c->req_order;
		c->nr_huge = MAX((uint64_t)((double)kb * c->fill) / huge_kb / 2, 1u);
	}
	c->first_id = wl_reserve_ids(w, c->nr_chunks * c->chunk_pages);
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct compaction_test *c = state;
	if (c->age.duration_ns) {
		c->r_age = wl_stream(w, "age");
		if (!c->r_age)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
		c->phase = CT_AGE;
		return 0;
	}
	/* A fresh machine: the test starts at time 0 and MemFree is the memory. */
	c->memfree_pages = c->memory_pages;
	size_test(w, c);
	if (c->nr_chunks == 0)
		return wl_param_error(w, err, "chunk", "larger than fill * memory (in groups of interleave)");
	c->phase = CT_START;
	return 0;
}

/* Chunk ch is unmapped when its distance from the newest chunk is even; it is the
 * rank-th to go (the newest first). */
static bool chunk_freed(const struct compaction_test *c, uint64_t ch, uint64_t *rank)
{
	uint64_t from_newest = c->nr_chunks - 1 - ch;
	*rank = from_newest / 2;
	return from_newest % 2 == 0;
}

static uint64_t nr_freed_chunks(const struct compaction_test *c)
{
	return (c->nr_chunks + 1) / 2;
}

/* The script has no randomness after the pre-phase, so every page's munmap time is known
 * when it is faulted: scheduling it then keeps every live object in the pending heap, and
 * a run cut short by `duration` still drains completely.  The freed pages go one after
 * another from free_start, chunk by chunk in unmap order, each chunk in address order. */
static sim_ns_t free_start_ns(const struct compaction_test *c)
{
	return c->fill_start_ns + (c->nr_chunks * c->chunk_pages - 1) * c->fault_ns + c->gap_ns;
}

/* One arrival of the ageing pre-phase; returns the next step time. */
static sim_ns_t age_step(struct workload *w, struct compaction_test *c)
{
	sim_ns_t now = wl_now(w), end = c->age.duration_ns;
	uint32_t task = WL_TASK_BASE + 1; /* the machine's earlier life, apart from the test */
	bool kernel = gsl_rng_uniform(c->r_age) < c->age.unmovable;
	bool longlived = gsl_rng_uniform(c->r_age) < c->age.longlived;
	double life = gsl_ran_exponential(c->r_age, (double)c->age.lifetime_ns);
	uint64_t footprint = (uint64_t)(c->age.footprint * (double)c->memory_pages);
	if (wl_live_pages(w) + 1 <= footprint) {
		uint64_t id = wl_alloc_now(w, task, 0, kernel ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE);
		sim_ns_t free_ns = wl_ns_from_double((double)now + life);
		if (longlived) {
			free_ns = WL_NEVER;
			c->longlived_pages++;
		} else if (free_ns > end) {
			free_ns = end;
		}
		wl_sched_free(w, free_ns, task, id, 0);
	} else {
		wl_count_throttled(w);
	}
	c->age_t_ns += gsl_ran_exponential(c->r_age, 1e9 / c->age.rate_per_s);
	sim_ns_t next = wl_ns_from_double(c->age_t_ns);
	if (next <= now)
		next = now + 1;
	if (next >= end) {
		c->phase = CT_START;
		return end + c->gap_ns;
	}
	return next;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct compaction_test *c = state;
	sim_ns_t now = wl_now(w);
	uint32_t task = WL_TASK_BASE;
	switch (c->phase) {
	case CT_AGE:
		return age_step(w, c);
	case CT_START:
		/* The test reads MemFree: on an aged machine, what the pre-phase left free. */
		if (c->age.duration_ns) {
			c->memfree_pages = c->memory_pages - MIN(c->longlived_pages, c->memory_pages);
			size_test(w, c);
		}
		wl_sched_simple(w, TR_SNAPSHOT, now, 0, 0, CT_SNAPSHOT_START);
		c->fill_start_ns = now;
		c->pos = 0;
		c->phase = CT_FILL;
		if (!c->nr_chunks) {
			c->phase = CT_HUGE;
			return now + c->gap_ns;
		}
		/* The first fault comes at once. */
		/* fall through */
	case CT_FILL: {
		/* Fault number pos touches page `page` of chunk `chunk`: within a group of
		 * `interleave` chunks the faults take a page of each chunk in turn. */
		uint64_t k = c->interleave, group_pages = k * c->chunk_pages;
		uint64_t r = c->pos % group_pages;
		uint64_t chunk = (c->pos / group_pages) * k + r % k, page = r / k;
		uint64_t id = c->first_id + chunk * c->chunk_pages + page;
		/* MAP_LOCKED anonymous memory, populated at mmap: movable */
		wl_alloc_id_now(w, id, task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		if (c->pinned)
			wl_sched_simple(w, TR_PIN, now, task, id, PIN_LONGTERM);
		sim_ns_t free_ns = WL_NEVER; /* the kept chunks stay mapped until the test exits */
		uint64_t rank;
		if (chunk_freed(c, chunk, &rank))
			free_ns = free_start_ns(c) + (rank * c->chunk_pages + page) * c->free_ns;
		if (c->pinned)
			wl_sched_simple(w, TR_UNPIN, free_ns, task, id, 0);
		wl_sched_free(w, free_ns, task, id, 0);
		if (++c->pos < c->nr_chunks * c->chunk_pages)
			return now + c->fault_ns;
		c->phase = CT_HUGE;
		c->pos = 0;
		uint64_t nr_freed = nr_freed_chunks(c) * c->chunk_pages;
		return free_start_ns(c) + (nr_freed ? nr_freed - 1 : 0) * c->free_ns + c->gap_ns;
	}
	case CT_HUGE: {
		unsigned order = (unsigned)c->req_order;
		uint32_t gfp = c->req_class == CT_KERNEL ? GFP_KERNEL | __GFP_COMP : CT_GFP_HUGETLB_POOL;
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
	.doc = "kselftest compaction_test: 100 MB chunks to 80% of MemFree, free every other, hugetlb pool requests",
	.params = compaction_params,
	.nr_params = ARRAY_SIZE(compaction_params),
	.state_size = sizeof(struct compaction_test),
	.ends_by_itself = true,
	.init = init,
	.step = step,
};
