/* request.c — how a record's request spends simulated time (struct mm_request, mm.h).
 *
 * Costs are charged anywhere (mm_request_charge); they become time that passes only at a
 * sleep point, where an actor sleeps off what it has been charged since the last one.  A
 * sleep point is a place where the kernel task could be preempted or sleeps and where the
 * model holds nothing another request could trip over (no isolated pages, no half-built
 * object): between reclaim priorities, around direct compaction, at each slow-path retry.
 */
#include "mm.h"

#include "../engine/actor.h"

void mm_request_yield(struct mm *mm, struct mm_request *req)
{
	if (!mm_request_can_sleep(req) || req->slept_ns >= req->stall_ns)
		return;
	sim_ns_t ns = req->stall_ns - req->slept_ns;
	req->slept_ns = req->stall_ns;
	actor_sleep(mm->engine, ns);
}
