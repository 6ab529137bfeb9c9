/* gen_kbuild.c — a kernel-build-like mix (`make -jN`), architecture.md §5.
 *
 * `jobs` compiler processes run at once; each lives a lognormal time and, as a Poisson
 * stream of operations, faults anonymous memory (mostly 4 KiB, some THPs), reads source
 * and header files through the page cache (a shared tree of files with Zipf popularity:
 * the first read of a file allocates its pages, later reads access them), and allocates
 * slab (dentries/inodes: reclaimable, long-lived; kmalloc: unmovable, short-lived).  At
 * exit it frees its anonymous memory and writes its object file (page cache, dirty).
 * A new job starts in the slot at once, with a new pid, keeping -j parallelism.
 *
 * Page cache is never freed by the trace: dropping it is reclaim, the simulator's effect
 * (architecture.md §2); an ACCESS to a page the simulator reclaimed is a refault.
 */
#include "wl_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum kbuild_op { OP_ANON, OP_READ, OP_SLAB_RECLAIMABLE, OP_SLAB_UNMOVABLE, OP_ANON_TOUCH, NR_KBUILD_OPS };

struct kbuild_job {
	uint32_t task;
	sim_ns_t next_ns; /* next operation or exit */
	sim_ns_t exit_ns;
	uint64_t *anon_ids; /* this process's order-0 anon pages, for re-touches */
	uint32_t nr_anon, cap_anon;
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

	struct kbuild_job *jobs;
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
	  "mean object file written at exit (exponential)" },
};
#undef OFF

static sim_ns_t exp_gap(gsl_rng *r, double rate_per_s)
{
	double v = gsl_ran_exponential(r, 1e9 / rate_per_s);
	return v < 1 ? 1 : v > 1e17 ? (sim_ns_t)1e17 : (sim_ns_t)v;
}

static void job_start(struct kbuild *k, struct kbuild_job *j, sim_ns_t now)
{
	j->task = k->next_task++;
	j->exit_ns = now + wl_draw_lifetime(k->r_job, WL_LIFE_LOGNORMAL, k->job_mean_ns,
					    k->job_sigma);
	j->next_ns = MIN(now + exp_gap(k->r_op, k->op_rate_per_s), j->exit_ns);
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
	for (uint64_t i = 0; i < k->nr_jobs; i++)
		job_start(k, &k->jobs[i], 0);
	return 0;
}

static void job_exit(struct workload *w, struct kbuild *k, struct kbuild_job *j)
{
	sim_ns_t now = wl_now(w);
	/* The object file: written, so dirty, and kept in the page cache. */
	uint64_t pages = (uint64_t)ceil(gsl_ran_exponential(k->r_out, (double)k->output_mean_pages));
	pages = MAX(pages, 1u);
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t id = wl_alloc_now(w, j->task, 0, WL_GFP_PAGECACHE_WRITE);
		wl_sched_simple(w, TR_DIRTY, now, j->task, id, 0);
		wl_sched_free(w, WL_NEVER, j->task, id, 0);
	}
	j->nr_anon = 0; /* the process exited: its heap is gone */
	job_start(k, j, now);
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
		if (!thp && k->op_w[OP_ANON_TOUCH] > 0) {
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
	j->next_ns = MIN(now + exp_gap(k->r_op, k->op_rate_per_s), j->exit_ns);
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct kbuild *k = state;
	sim_ns_t now = wl_now(w), next = WL_NEVER;
	for (uint64_t i = 0; i < k->nr_jobs; i++) {
		struct kbuild_job *j = &k->jobs[i];
		if (j->next_ns == now) {
			if (now >= j->exit_ns)
				job_exit(w, k, j);
			else
				job_op(w, k, j);
		}
		next = MIN(next, j->next_ns);
	}
	return next;
}

static void fini(void *state)
{
	struct kbuild *k = state;
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
	.doc = "make -jN: short-lived anon, page-cache reads with accesses, slab, object files",
	.params = kbuild_params,
	.nr_params = ARRAY_SIZE(kbuild_params),
	.state_size = sizeof(struct kbuild),
	.init = init,
	.step = step,
	.fini = fini,
};
