/* oom_stub.h — TEMPORARY stand-in for the OOM victim interface that sim/mm/oom.c and
 * sim/mm/mm.h will provide.  DELETE this file and oom_stub.c (and their #include lines in
 * summary.h / rundir.c, and the meson.build entry) when sim/mm/oom.c lands: mm.h then
 * declares the same struct and function. */
#ifndef MMSIM_OOM_STUB_H
#define MMSIM_OOM_STUB_H

#include "../mm/mm.h"

/* One OOM kill: the victim task, when, its badness, the pages its exit freed, and the task
 * whose allocation invoked the killer. */
struct oom_victim {
	uint32_t task;
	sim_ns_t time_ns;
	uint64_t points;
	uint64_t pages_freed;
	uint32_t requester;
};

/* The run's OOM kills in time order; *nr of them (0 and NULL: none). */
const struct oom_victim *oom_victims(const struct mm *mm, size_t *nr);

#endif
