/* gen_kbuild.c — a kernel-build-like mix (`make -jN`), architecture.md §5.
 *
 * `jobs` make slots each run one compiler process after another.  A job lives a lognormal
 * time and, as a Poisson stream of operations, faults anonymous memory (mostly 4 KiB,
 * some THPs), reads source and header files through the page cache (a shared tree of
 * files with Zipf popularity: the first read of a file allocates its pages, later reads
 * access them), and allocates slab (dentries/inodes: reclaimable, long-lived; kmalloc:
 * unmovable, short-lived).  At exit it frees its anonymous memory and writes its object
 * file (page cache, dirty).
 *
 * Slots.  The next job of a slot starts, with a new pid, when the previous one exits; its
 * first record is a TASK record naming that previous job as `after` (the first job of a
 * slot names none).  Closed-loop replay then runs a slot as one sequential actor: a job
 * that stalls delays every later job of its slot, and the build's elapsed time is its
 * critical path (trace/FORMAT.md §2).
 *
 * Heap re-reads.  A compiler walks its own data structures (ASTs, symbol tables) for its
 * whole life, so every `heap.reread_interval` a job ACCESSes `heap.reread_fraction` of its
 * anonymous pages: a window that continues where the previous re-read stopped and wraps,
 * so successive re-reads sweep the whole heap.  A page swapped out meanwhile is faulted
 * back in (a refault), as in a real build under memory pressure.  Interval 0: none.
 *
 * Long-lived tasks.  The shell, make and the linker (ld, standing for the link steps that
 * run throughout a build) hold anonymous memory for the whole build (`longlived.shell`,
 * `.make`, `.ld`; 0 = no such task): they fault it in at the start, free it only at the
 * end (the drain), and every `longlived.touch_period` each ACCESSes
 * `longlived.touch_fraction` of it, again as a wrapping window.  Their pids come first
 * (shell, make, ld, those present), then the jobs'.
 *
 * Page tables.  With `pgtables` N > 0 a job allocates one page-table page for every N
 * order-0 anonymous faults (the kernel's PTE page maps 512 pages: N = 512), as
 * __pte_alloc() does with GFP_PGTABLE_USER (GFP_KERNEL|__GFP_ZERO|__GFP_ACCOUNT:
 * unmovable), and frees them when it exits (free_pgtables at exit_mmap).  THPs are
 * PMD-mapped and need none.  0 (the default): none, and the records are those of a
 * build without them.
 *
 * Pins.  The pin component (wl_pins.h, keys under "pins.", off by default) adds short
 * pins of I/O buffers and long-term pin sessions; when on, its two tasks come after the
 * long-lived ones.
 *
 * Every task's first record is its TASK record.  Page cache is never freed by the trace:
 * dropping it is reclaim, the simulator's effect (architecture.md §2); an ACCESS to a page
 * the simulator reclaimed is a refault.
 */
#include "wl_internal.h"
#include "wl_pins.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum kbuild_op { OP_ANON, OP_READ, OP_SLAB_RECLAIMABLE, OP_SLAB_UNMOVABLE, OP_ANON_TOUCH, NR_KBUILD_OPS };

/* Invariant: anon_ids[0, nr_anon) are the job's live anonymous objects (all freed at
 * exit_ns), in fault order; reread_pos < nr_anon when nr_anon > 0. */
struct kbuild_job {
	uint32_t task;
	sim_ns_t next_ns;   /* next operation, or exit_ns */
	sim_ns_t reread_ns; /* next heap re-read (WL_NEVER: none) */
	sim_ns_t exit_ns;
	uint64_t *anon_ids; /* this process's anon objects, for re-touches and re-reads */
	uint32_t nr_anon, cap_anon;
	uint32_t reread_pos; /* where the next re-read window starts */
	uint64_t pte_faults; /* order-0 anon faults so far (page tables: one per pgtables) */
};

enum kbuild_longlived { LL_SHELL, LL_MAKE, LL_LD, NR_LONGLIVED };

/* A long-lived task: ids first_id .. first_id + pages - 1, live from 0 to the end;
 * touch_pos < pages is where the next touch window starts. */
struct kbuild_longlived_task {
	uint32_t task;
	uint64_t first_id;
	uint64_t touch_pos;
};

/* Invariant: file_pages[f] > 0  <=>  file f's pages are cached as ids
 * file_first_id[f] .. file_first_id[f] + file_pages[f] - 1 (allocated back to back). */
struct kbuild {
	uint64_t nr_jobs;
	sim_ns_t job_mean_ns;
	double job_sigma;
	double op_rate_per_s;       /* operations per second per job */
	double op_w[NR_KBUILD_OPS]; /* mix of operations */
	double thp_fraction;        /* anon faults that get a THP (order 9, GFP_TRANSHUGE) */
	uint64_t nr_files;
	uint64_t file_mean_pages;
	double file_sigma;
	double zipf_s;              /* file popularity: weight 1/(rank+1)^s */
	sim_ns_t slab_reclaimable_mean_ns;
	sim_ns_t slab_unmovable_mean_ns;
	struct wl_weights slab_orders; /* kmalloc orders */
	uint64_t output_mean_pages;
	sim_ns_t reread_interval_ns; /* 0: jobs never re-read their heap */
	double reread_fraction;
	uint64_t ll_pages[NR_LONGLIVED]; /* 0: no such task */
	sim_ns_t ll_touch_period_ns;     /* 0: never touched after the start */
	uint64_t pgtable_per;            /* anon faults per page-table page; 0: none */
	double ll_touch_fraction;
	struct pins pins;

	bool started;
	sim_ns_t pins_next_ns; /* WL_NEVER: the pin component is off */
	struct kbuild_job *jobs;
	struct kbuild_longlived_task ll[NR_LONGLIVED];
	sim_ns_t ll_touch_ns; /* next touch of the long-lived tasks (WL_NEVER: none) */
	uint32_t next_task;
	uint64_t *file_first_id;
	uint32_t *file_pages;
	uint32_t *file_size_pages; /* drawn once per file */
	gsl_rng *r_job, *r_op, *r_anon, *r_file, *r_slab, *r_out;
	gsl_ran_discrete_t *op_table, *file_table, *slab_order_table;
};

#define OFF(f) offsetof(struct kbuild, f)
static const struct wl_param kbuild_params[] = {
	{ "jobs", WLP_U64, OFF(nr_jobs), "16", 1, 4096, NULL, "parallel compile jobs (make -j)" },
	{ "job.mean", WLP_DURATION, OFF(job_mean_ns), "500ms", 1000, 1e15, NULL,
	  "mean compiler process lifetime (lognormal)" },
	{ "job.sigma", WLP_DOUBLE, OFF(job_sigma), "0.8", 0, 5, NULL,
	  "sigma of ln(job lifetime)" },
	{ "op_rate", WLP_DOUBLE, OFF(op_rate_per_s), "40000", 1, 1e9, NULL,
	  "operations per second per job" },
	{ "mix.anon", WLP_DOUBLE, OFF(op_w[OP_ANON]), "80", 0, 1e9, NULL,
	  "weight of anonymous page faults" },
	{ "mix.anon_touch", WLP_DOUBLE, OFF(op_w[OP_ANON_TOUCH]), "0", 0, 1e9, NULL,
	  "weight of accesses to the process's own earlier anon pages (its working set: a swapped page refaults)" },
	{ "mix.read", WLP_DOUBLE, OFF(op_w[OP_READ]), "5", 0, 1e9, NULL,
	  "weight of file reads (whole file through the page cache)" },
	{ "mix.slab_reclaimable", WLP_DOUBLE, OFF(op_w[OP_SLAB_RECLAIMABLE]), "3", 0, 1e9, NULL,
	  "weight of dentry/inode slab allocations" },
	{ "mix.slab_unmovable", WLP_DOUBLE, OFF(op_w[OP_SLAB_UNMOVABLE]), "12", 0, 1e9, NULL,
	  "weight of kmalloc allocations" },
	{ "thp_fraction", WLP_DOUBLE, OFF(thp_fraction), "0.001", 0, 1, NULL,
	  "anon faults served by a THP" },
	{ "files", WLP_U64, OFF(nr_files), "30000", 1, 2e6, NULL,
	  "source and header files in the tree" },
	{ "file_size.mean", WLP_PAGES, OFF(file_mean_pages), "16KiB", 1, 1e9, NULL,
	  "mean file size (lognormal)" },
	{ "file_size.sigma", WLP_DOUBLE, OFF(file_sigma), "1.0", 0, 5, NULL,
	  "sigma of ln(file size)" },
	{ "zipf_s", WLP_DOUBLE, OFF(zipf_s), "1.0", 0, 5, NULL,
	  "file popularity exponent (headers are read by every job)" },
	{ "slab_reclaimable.lifetime", WLP_DURATION, OFF(slab_reclaimable_mean_ns), "2s", 1,
	  1e17, NULL, "mean lifetime of dentries/inodes (exponential)" },
	{ "slab_unmovable.lifetime", WLP_DURATION, OFF(slab_unmovable_mean_ns), "20ms", 1, 1e17,
	  NULL, "mean lifetime of kmalloc objects (exponential)" },
	{ "slab_unmovable.orders", WLP_WEIGHTS, OFF(slab_orders), "[80, 10, 6, 4]", 0, 1e12, NULL,
	  "weights of kmalloc orders 0.." },
	{ "output.mean", WLP_PAGES, OFF(output_mean_pages), "64KiB", 1, 1e9, NULL,
	  "mean object file written at exit (exponential, each at most 256 MiB)" },
	{ "heap.reread_interval", WLP_DURATION, OFF(reread_interval_ns), "100ms", 0, 1e15, NULL,
	  "a job re-reads part of its heap this often (0 = never)" },
	{ "heap.reread_fraction", WLP_DOUBLE, OFF(reread_fraction), "0.25", 0, 1, NULL,
	  "share of its anon pages a re-read accesses (a window sweeping the heap)" },
	{ "longlived.shell", WLP_PAGES, OFF(ll_pages[LL_SHELL]), "4MiB", 0, 16777216, NULL,
	  "anon memory of the shell, held for the whole build (0 = no such task)" },
	{ "longlived.make", WLP_PAGES, OFF(ll_pages[LL_MAKE]), "64MiB", 0, 16777216, NULL,
	  "anon memory of make (the dependency graph), held for the whole build" },
	{ "longlived.ld", WLP_PAGES, OFF(ll_pages[LL_LD]), "128MiB", 0, 16777216, NULL,
	  "anon memory of the linker, held for the whole build" },
	{ "longlived.touch_period", WLP_DURATION, OFF(ll_touch_period_ns), "500ms", 0, 1e15, NULL,
	  "the long-lived tasks re-touch their memory this often (0 = never)" },
	{ "longlived.touch_fraction", WLP_DOUBLE, OFF(ll_touch_fraction), "0.25", 0, 1, NULL,
	  "share of its memory each long-lived task accesses per touch (a sweeping window)" },
	{ "pgtables", WLP_U64, OFF(pgtable_per), "0", 0, 1e9, NULL,
	  "one unmovable page-table page (GFP_PGTABLE_USER) per this many order-0 anon faults of a job, freed at its exit (0 = none; the kernel's PTE page maps 512)" },
	PINS_PARAMS("pins.", OFF(pins)),
};
#undef OFF

static sim_ns_t exp_gap(gsl_rng *r, double rate_per_s)
{
	double v = gsl_ran_exponential(r, 1e9 / rate_per_s);
	return v < 1 ? 1 : v > 1e17 ? (sim_ns_t)1e17 : (sim_ns_t)v;
}

/* Start a job in slot j at `now`, after task `after` (0: the slot's first job). */
static void job_start(struct workload *w, struct kbuild *k, struct kbuild_job *j,
		      uint32_t after)
{
	sim_ns_t now = wl_now(w);
	j->task = k->next_task++;
	wl_sched_simple(w, TR_TASK, now, j->task, 0, (int32_t)after);
	j->exit_ns = now + wl_draw_lifetime(k->r_job, WL_LIFE_LOGNORMAL, k->job_mean_ns,
					    k->job_sigma);
	sim_ns_t gap = exp_gap(k->r_op, k->op_rate_per_s); /* once: MIN evaluates twice */
	j->next_ns = MIN(now + gap, j->exit_ns);
	j->reread_ns = k->reread_interval_ns ? now + k->reread_interval_ns : WL_NEVER;
	j->nr_anon = 0;
	j->reread_pos = 0;
	j->pte_faults = 0;
}

/* ACCESS n objects of ids[] (or of first_id + i when ids is NULL), a window of `total`
 * starting at *pos and wrapping; *pos moves past it. */
static void touch_window(struct workload *w, uint32_t task, const uint64_t *ids,
			 uint64_t first_id, uint64_t total, uint64_t n, uint64_t *pos)
{
	sim_ns_t now = wl_now(w);
	uint64_t p = *pos;
	for (uint64_t i = 0; i < n; i++) {
		wl_sched_simple(w, TR_ACCESS, now, task, ids ? ids[p] : first_id + p, 0);
		if (++p == total)
			p = 0;
	}
	*pos = p;
}

/* ceil(fraction * total): any positive fraction of a non-empty heap touches a page. */
static uint64_t window_len(double fraction, uint64_t total)
{
	uint64_t n = (uint64_t)ceil(fraction * (double)total);
	return MIN(n, total);
}

static void job_reread(struct workload *w, struct kbuild *k, struct kbuild_job *j)
{
	if (j->nr_anon) {
		uint64_t pos = j->reread_pos % j->nr_anon;
		touch_window(w, j->task, j->anon_ids, 0, j->nr_anon,
			     window_len(k->reread_fraction, j->nr_anon), &pos);
		j->reread_pos = (uint32_t)pos;
	}
	j->reread_ns = wl_now(w) + k->reread_interval_ns;
}

/* The build starts: the long-lived tasks fault in their memory, the slots their first jobs. */
static void build_start(struct workload *w, struct kbuild *k)
{
	sim_ns_t now = wl_now(w);
	for (unsigned t = 0; t < NR_LONGLIVED; t++) {
		if (!k->ll_pages[t])
			continue;
		struct kbuild_longlived_task *ll = &k->ll[t];
		ll->task = k->next_task++;
		wl_sched_simple(w, TR_TASK, now, ll->task, 0, 0);
		ll->first_id = wl_reserve_ids(w, k->ll_pages[t]);
		for (uint64_t p = 0; p < k->ll_pages[t]; p++) {
			wl_alloc_id_now(w, ll->first_id + p, ll->task, 0,
					GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
			wl_sched_free(w, WL_NEVER, ll->task, ll->first_id + p, 0);
		}
	}
	k->ll_touch_ns = k->ll_touch_period_ns ? now + k->ll_touch_period_ns : WL_NEVER;
	k->pins_next_ns = WL_NEVER;
	if (k->pins.io_rate_per_s > 0 || k->pins.lt_rate_per_s > 0) {
		k->pins.io_task = k->next_task++;
		wl_sched_simple(w, TR_TASK, now, k->pins.io_task, 0, 0);
		k->pins.lt_task = k->next_task++;
		wl_sched_simple(w, TR_TASK, now, k->pins.lt_task, 0, 0);
		k->pins_next_ns = MAX(MIN(k->pins.io_next_ns, k->pins.lt_next_ns), now + 1);
	}
	for (uint64_t i = 0; i < k->nr_jobs; i++)
		job_start(w, k, &k->jobs[i], 0);
	k->started = true;
}

static void longlived_touch(struct workload *w, struct kbuild *k)
{
	for (unsigned t = 0; t < NR_LONGLIVED; t++) {
		struct kbuild_longlived_task *ll = &k->ll[t];
		if (k->ll_pages[t])
			touch_window(w, ll->task, NULL, ll->first_id, k->ll_pages[t],
				     window_len(k->ll_touch_fraction, k->ll_pages[t]), &ll->touch_pos);
	}
	k->ll_touch_ns = wl_now(w) + k->ll_touch_period_ns;
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct kbuild *k = state;
	struct wl_weights ops = { .n = NR_KBUILD_OPS };
	memcpy(ops.w, k->op_w, sizeof(k->op_w));
	if (k->slab_orders.n > NR_PAGE_ORDERS)
		return wl_param_error(w, err, "slab_unmovable.orders", "at most %d weights",
				      NR_PAGE_ORDERS);
	if (!(k->op_table = wl_discrete(w, &ops, "mix.anon", err)) ||
	    !(k->slab_order_table = wl_discrete(w, &k->slab_orders, "slab_unmovable.orders", err)))
		return -1;
	k->jobs = calloc(k->nr_jobs, sizeof(*k->jobs));
	k->file_first_id = calloc(k->nr_files, sizeof(*k->file_first_id));
	k->file_pages = calloc(k->nr_files, sizeof(*k->file_pages));
	k->file_size_pages = calloc(k->nr_files, sizeof(*k->file_size_pages));
	double *fw = malloc(k->nr_files * sizeof(*fw));
	if (!k->jobs || !k->file_first_id || !k->file_pages || !k->file_size_pages || !fw) {
		free(fw);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	for (uint64_t f = 0; f < k->nr_files; f++)
		fw[f] = pow((double)(f + 1), -k->zipf_s);
	k->file_table = gsl_ran_discrete_preproc(k->nr_files, fw);
	free(fw);
	if (!k->file_table)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	const char *names[] = { "kbuild.job", "kbuild.op", "kbuild.anon", "kbuild.file",
				"kbuild.slab", "kbuild.output" };
	gsl_rng **dst[] = { &k->r_job, &k->r_op, &k->r_anon, &k->r_file, &k->r_slab, &k->r_out };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!(*dst[i] = wl_stream(w, names[i])))
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	/* File sizes are a property of the tree: drawn once, from their own stream. */
	gsl_rng *r_size = wl_stream(w, "kbuild.file_size");
	if (!r_size)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (uint64_t f = 0; f < k->nr_files; f++) {
		double sigma = k->file_sigma;
		double pages = gsl_ran_lognormal(r_size, log((double)k->file_mean_pages) -
								 sigma * sigma / 2, sigma);
		k->file_size_pages[f] = (uint32_t)MIN(MAX(ceil(pages), 1.0), 65536.0);
	}
	k->next_task = WL_TASK_BASE;
	if (pins_init(w, &k->pins, "pins.", 0, 0, err))
		return -1;
	k->pins_next_ns = WL_NEVER;
	return 0;
}

static void job_exit(struct workload *w, struct kbuild *k, struct kbuild_job *j)
{
	sim_ns_t now = wl_now(w);
	/* The object file: written, so dirty, and kept in the page cache.  At most 256 MiB, as
	 * an input file: every page is scheduled at once, so the draw bounds the generator's
	 * memory (an unbounded exponential of a 4 TiB mean would need hundreds of GB). */
	double drawn = ceil(gsl_ran_exponential(k->r_out, (double)k->output_mean_pages));
	uint64_t pages = (uint64_t)MIN(MAX(drawn, 1.0), 65536.0);
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t id = wl_alloc_now(w, j->task, 0, WL_GFP_PAGECACHE_WRITE);
		wl_sched_simple(w, TR_DIRTY, now, j->task, id, 0);
		wl_sched_free(w, WL_NEVER, j->task, id, 0);
	}
	/* the process exited (its heap is gone): the slot's next job follows it */
	job_start(w, k, j, j->task);
}

static void job_op(struct workload *w, struct kbuild *k, struct kbuild_job *j)
{
	sim_ns_t now = wl_now(w);
	switch (gsl_ran_discrete(k->r_op, k->op_table)) {
	case OP_ANON: {
		bool thp = gsl_rng_uniform(k->r_anon) < k->thp_fraction;
		unsigned order = thp ? 9 : 0;
		uint64_t id = wl_alloc_now(w, j->task, order,
					   thp ? GFP_TRANSHUGE : GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		/* the exit time is known from the start: the process's anonymous memory goes
		 * when it exits (scheduled now, so a run cut short still drains it) */
		wl_sched_free(w, j->exit_ns, j->task, id, order);
		if (!thp && k->pgtable_per && j->pte_faults++ % k->pgtable_per == 0) {
			/* the first fault and every pgtable_per-th after it need a new PTE page:
			 * ceil(faults / pgtable_per) per job (faults as if contiguous) */
			uint64_t pt = wl_alloc_now(w, j->task, 0, WL_GFP_PGTABLE);
			wl_sched_free(w, j->exit_ns, j->task, pt, 0);
		}
		if (k->op_w[OP_ANON_TOUCH] > 0 || k->reread_interval_ns) {
			if (j->nr_anon == j->cap_anon) {
				j->cap_anon = j->cap_anon ? 2 * j->cap_anon : 1024;
				j->anon_ids = realloc(j->anon_ids, j->cap_anon * sizeof(*j->anon_ids));
				if (!j->anon_ids)
					abort();
			}
			j->anon_ids[j->nr_anon++] = id;
		}
		break;
	}
	case OP_READ: {
		size_t f = gsl_ran_discrete(k->r_file, k->file_table);
		if (!k->file_pages[f]) {
			/* readahead fills the page cache: page cache of a regular file is
			 * GFP_HIGHUSER_MOVABLE (the mapping's gfp mask) */
			k->file_pages[f] = k->file_size_pages[f];
			for (uint32_t p = 0; p < k->file_pages[f]; p++) {
				uint64_t id = wl_alloc_now(w, j->task, 0, GFP_HIGHUSER_MOVABLE);
				if (p == 0)
					k->file_first_id[f] = id;
				wl_sched_free(w, WL_NEVER, j->task, id, 0);
			}
		} else {
			for (uint32_t p = 0; p < k->file_pages[f]; p++)
				wl_sched_simple(w, TR_ACCESS, now, j->task, k->file_first_id[f] + p, 0);
		}
		break;
	}
	case OP_SLAB_RECLAIMABLE: {
		uint64_t id = wl_alloc_now(w, j->task, 0, GFP_KERNEL | __GFP_RECLAIMABLE);
		wl_sched_free(w, now + wl_draw_lifetime(k->r_slab, WL_LIFE_EXPONENTIAL,
							k->slab_reclaimable_mean_ns, 0),
			      j->task, id, 0);
		break;
	}
	case OP_ANON_TOUCH:
		/* the compiler walks its own heap: touch one of its earlier pages at random */
		if (j->nr_anon)
			wl_sched_simple(w, TR_ACCESS, now, j->task,
					j->anon_ids[gsl_rng_uniform_int(k->r_anon, j->nr_anon)], 0);
		break;
	default: {
		unsigned order = (unsigned)gsl_ran_discrete(k->r_slab, k->slab_order_table);
		uint64_t id = wl_alloc_now(w, j->task, order,
					   GFP_KERNEL | (order ? __GFP_COMP : 0));
		wl_sched_free(w, now + wl_draw_lifetime(k->r_slab, WL_LIFE_EXPONENTIAL,
							k->slab_unmovable_mean_ns, 0),
			      j->task, id, order);
		break;
	}
	}
	sim_ns_t gap = exp_gap(k->r_op, k->op_rate_per_s);
	j->next_ns = MIN(now + gap, j->exit_ns);
}

/* At exit_ns a job exits (its re-read and operation due then are moot); before, a re-read
 * due now comes ahead of an operation due now. */
static sim_ns_t step(struct workload *w, void *state)
{
	struct kbuild *k = state;
	sim_ns_t now = wl_now(w), next = WL_NEVER;
	if (!k->started)
		build_start(w, k);
	if (k->ll_touch_ns == now)
		longlived_touch(w, k);
	next = MIN(next, k->ll_touch_ns);
	if (k->pins_next_ns <= now)
		k->pins_next_ns = pins_step(w, &k->pins);
	next = MIN(next, k->pins_next_ns);
	for (uint64_t i = 0; i < k->nr_jobs; i++) {
		struct kbuild_job *j = &k->jobs[i];
		if (now >= j->exit_ns) {
			job_exit(w, k, j);
		} else {
			if (j->reread_ns == now)
				job_reread(w, k, j);
			if (j->next_ns == now)
				job_op(w, k, j);
		}
		next = MIN(next, MIN(j->next_ns, j->reread_ns));
	}
	return next;
}

static void fini(void *state)
{
	struct kbuild *k = state;
	pins_fini(&k->pins);
	for (uint64_t i = 0; k->jobs && i < k->nr_jobs; i++)
		free(k->jobs[i].anon_ids);
	free(k->jobs);
	free(k->file_first_id);
	free(k->file_pages);
	free(k->file_size_pages);
	if (k->op_table)
		gsl_ran_discrete_free(k->op_table);
	if (k->file_table)
		gsl_ran_discrete_free(k->file_table);
	if (k->slab_order_table)
		gsl_ran_discrete_free(k->slab_order_table);
}

const struct wl_kind wl_kind_kbuild = {
	.name = "kbuild",
	.doc = "make -jN: slots of chained jobs (task records) with short-lived anon re-read while "
	       "they run, page-cache reads, slab, object files; long-lived shell, make and ld",
	.params = kbuild_params,
	.nr_params = ARRAY_SIZE(kbuild_params),
	.state_size = sizeof(struct kbuild),
	.init = init,
	.step = step,
	.fini = fini,
};
