/* mmtest_engine.h — an mm on its own engine for unit tests, as sim_init builds it: every
 * mechanism (kswapd, writeback, kcompactd) is an engine event, exactly as in a run, and a
 * test drains them with mmtest_run_until.  Header-only so every test binary can use it
 * without a build change. */
#ifndef MMSIM_MMTEST_ENGINE_H
#define MMSIM_MMTEST_ENGINE_H

#include <stdio.h>
#include <stdlib.h>

#include "engine/actor.h"
#include "engine/engine.h"
#include "mm/mm.h"

/* mm_init on a fresh engine at time 0; the engine belongs to mm until mmtest_mm_destroy. */
static inline int mmtest_mm_init(struct mm *mm, const struct config *cfg, struct sim_error *err)
{
	struct engine *e = malloc(sizeof(*e));
	if (!e)
		abort();
	engine_init(e);
	if (mm_init(mm, cfg, e, err)) {
		engine_destroy(e);
		free(e);
		mm->engine = NULL;
		return -1;
	}
	return 0;
}

/* mmtest_mm_init for a test that cannot go on without its node: exits on failure. */
static inline void mmtest_boot(struct mm *mm, const struct config *cfg)
{
	struct sim_error err;
	if (mmtest_mm_init(mm, cfg, &err) != 0) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static inline void mmtest_mm_destroy(struct mm *mm)
{
	struct engine *e = mm->engine;
	mm_destroy(mm);
	if (e) {
		engine_destroy(e);
		free(e);
	}
}

/* Run every mechanism event due by t_ns (kswapd slices and naps, write completions,
 * kcompactd), then stand at t_ns. */
static inline void mmtest_run_until(struct mm *mm, sim_ns_t t_ns)
{
	engine_run_until(mm->engine, t_ns);
}

/* One allocation as the replay issues it: a request of `task` running as an engine actor,
 * so it sleeps in the slow path while the engine runs the mechanisms; the engine is run
 * until the request has finished.  Returns the head pfn (PFN_NONE on failure); *req (when
 * not NULL) receives the finished request (stall_ns: its whole time in the allocator). */
struct mmtest_alloc {
	struct mm *mm;
	struct mm_request req;
	uint64_t id;
	gfp_t gfp;
	unsigned order;
	pfn_t pfn;
	bool done;
};
static inline void mmtest_alloc_body(void *arg)
{
	struct mmtest_alloc *a = arg;
	a->pfn = mm_alloc_req(a->mm, &a->req, a->id, a->gfp, a->order);
	mm_request_yield(a->mm, &a->req);
	a->done = true;
}
static inline pfn_t mmtest_alloc_actor(struct mm *mm, uint32_t task, uint64_t id, gfp_t gfp, unsigned order,
				       struct mm_request *req)
{
	struct mmtest_alloc a = {
		.mm = mm,
		.req = { .cpu = 0, .task = task, .mode = REQ_ACTOR, .alloc_class = -1 },
		.id = id,
		.gfp = gfp,
		.order = order,
	};
	actor_run(mm->engine, mmtest_alloc_body, &a);
	while (!a.done && engine_step(mm->engine))
		;
	if (!a.done)
		abort(); /* an actor always has its resume event queued */
	if (req)
		*req = a.req;
	return a.pfn;
}

#endif
