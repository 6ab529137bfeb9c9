/* gen_phases.c — scripted phases of one allocation class each, for experiments that need
 * a sequence ("a burst of movable allocations, then GFP_ATOMIC unmovable ones"), architecture.md §5.
 *
 * Up to four phases, phaseN.{start, count, rate, order, class, lifetime, arrivals}: phase N
 * issues `count` allocations of `order` and `class` at `rate` per second from `start`, one
 * task per phase (pid 1000 + N), each freed `lifetime` later (0 = kept until the end).  A
 * phase with count 0 is off.  The workload ends by itself after the last phase's last record.
 * arrivals `fixed` spaces them exactly 1/rate apart, so the seed changes nothing (replicates
 * are identical); `poisson` draws exponential gaps of mean 1/rate from the seeded stream
 * "phaseN.arrival", so seeds give different interleavings of the phases.
 */
#include "wl_internal.h"

#include <stddef.h>
#include <stdio.h>

enum phase_class { PC_MOVABLE, PC_UNMOVABLE, PC_RECLAIMABLE, PC_ATOMIC, PC_NOWAIT, PC_BDEV, NR_PHASE_CLASSES };
static const char *const phase_class_names[] = {
	"movable", "unmovable", "reclaimable", "atomic", "nowait", "bdev", NULL,
};
/* GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_KERNEL|__GFP_RECLAIMABLE, GFP_ATOMIC, GFP_NOWAIT,
 * block-device page cache. */
static const uint32_t phase_gfp[NR_PHASE_CLASSES] = {
	GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC, GFP_NOWAIT, WL_GFP_BDEV,
};

#define NR_PHASES 4

enum phase_arrivals { PA_FIXED, PA_POISSON };
static const char *const phase_arrival_names[] = { "fixed", "poisson", NULL };

struct phase {
	sim_ns_t start_ns;
	uint64_t count;
	double rate;
	uint64_t order;
	unsigned cls;
	sim_ns_t lifetime_ns;
	unsigned arrivals;    /* enum phase_arrivals */
	uint64_t done;
	sim_ns_t next_ns;     /* poisson: the next arrival */
	gsl_rng *r;           /* poisson: the phase's arrival stream */
};

struct phases {
	struct phase ph[NR_PHASES];
};

#define PH(n, f) (offsetof(struct phases, ph) + (n) * sizeof(struct phase) + offsetof(struct phase, f))
#define PHASE_PARAMS(n, def_count)                                                                     \
	{ "phase" #n ".start", WLP_DURATION, PH(n - 1, start_ns), "0", 0, 1e15, NULL, "when the phase begins" }, \
	{ "phase" #n ".count", WLP_U64, PH(n - 1, count), def_count, 0, 1e9, NULL, "allocations (0: phase off)" }, \
	{ "phase" #n ".rate", WLP_DOUBLE, PH(n - 1, rate), "10000", 1e-3, 1e9, NULL, "allocations per second" }, \
	{ "phase" #n ".order", WLP_U64, PH(n - 1, order), "0", 0, MAX_PAGE_ORDER, NULL, "order of every allocation" }, \
	{ "phase" #n ".class", WLP_ENUM, PH(n - 1, cls), "movable", 0, 0, phase_class_names,        \
	  "movable | unmovable | reclaimable | atomic | nowait | bdev" },                             \
	{ "phase" #n ".lifetime", WLP_DURATION, PH(n - 1, lifetime_ns), "0", 0, 1e15, NULL,          \
	  "free each allocation this long after it; 0 = keep until the end" },                        \
	{ "phase" #n ".arrivals", WLP_ENUM, PH(n - 1, arrivals), "fixed", 0, 0, phase_arrival_names,  \
	  "fixed (exactly 1/rate apart: the seed changes nothing) | poisson (exponential gaps, seeded)" }

static const struct wl_param phases_params[] = {
	PHASE_PARAMS(1, "1000"),
	PHASE_PARAMS(2, "0"),
	PHASE_PARAMS(3, "0"),
	PHASE_PARAMS(4, "0"),
};

static sim_ns_t next_time(const struct phase *p)
{
	if (!p->count || p->done >= p->count)
		return WL_NEVER;
	if (p->arrivals == PA_POISSON)
		return p->next_ns;
	return p->start_ns + wl_ns_from_double((double)p->done * 1e9 / p->rate);
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct phases *s = state;
	for (int i = 0; i < NR_PHASES; i++) {
		struct phase *p = &s->ph[i];
		p->done = 0;
		p->next_ns = p->start_ns;
		p->r = NULL;
		if (p->arrivals == PA_POISSON) {
			char name[32];
			snprintf(name, sizeof(name), "phase%d.arrival", i + 1);
			p->r = wl_stream(w, name);
			if (!p->r)
				return sim_error_set(err, EX_SOFTWARE_, "out of memory");
			p->next_ns = p->start_ns + wl_ns_from_double(gsl_ran_exponential(p->r, 1e9 / p->rate));
		}
	}
	return 0;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct phases *s = state;
	sim_ns_t now = wl_now(w);
	for (int i = 0; i < NR_PHASES; i++) {
		struct phase *p = &s->ph[i];
		while (next_time(p) == now) {
			uint64_t id = wl_alloc_now(w, WL_TASK_BASE + (uint32_t)i, (unsigned)p->order, phase_gfp[p->cls]);
			/* Kept objects get a free at the far end, so the drain releases them. */
			sim_ns_t free_ns = p->lifetime_ns ? now + p->lifetime_ns : WL_TIME_MAX - 1;
			wl_sched_free(w, free_ns, WL_TASK_BASE + (uint32_t)i, id, (unsigned)p->order);
			p->done++;
			if (p->arrivals == PA_POISSON)
				p->next_ns = now + wl_ns_from_double(gsl_ran_exponential(p->r, 1e9 / p->rate));
		}
	}
	sim_ns_t next = WL_NEVER;
	for (int i = 0; i < NR_PHASES; i++)
		next = MIN(next, next_time(&s->ph[i]));
	return next;
}

const struct wl_kind wl_kind_phases = {
	.name = "phases",
	.doc = "scripted phases, one allocation class each (CMA experiments 2 and 3)",
	.params = phases_params,
	.nr_params = ARRAY_SIZE(phases_params),
	.state_size = sizeof(struct phases),
	.ends_by_itself = true,
	.init = init,
	.step = step,
};
