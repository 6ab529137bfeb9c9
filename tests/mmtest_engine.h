/* mmtest_engine.h — an mm on its own engine for unit tests, as sim_init builds it: every
 * mechanism (kswapd, writeback, kcompactd) is an engine event, exactly as in a run, and a
 * test drains them with mmtest_run_until.  Header-only so every test binary can use it
 * without a build change. */
#ifndef MMSIM_MMTEST_ENGINE_H
#define MMSIM_MMTEST_ENGINE_H

#include <stdlib.h>

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

#endif
