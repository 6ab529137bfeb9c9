/* request.c — how a record's request spends simulated time (struct mm_request, mm.h).
 *
 * Costs are charged anywhere (mm_request_charge); they become time that passes only at a
 * sleep point, where an actor sleeps off what it has been charged since the last one.  A
 * sleep point is a place where the kernel task could be preempted or sleeps and where the
 * model holds nothing another request could trip over (no isolated pages, no half-built
 * object): between reclaim priorities, around direct compaction, at each slow-path retry.
 * The CPU part is slept first, then the I/O part (reads, write waits, dirty pauses).
 */
#include "mm.h"

#include "../engine/actor.h"
#include "compaction.h"
#include "vmscan.h"

/* Daemons using a CPU now: kswapd in a balance run, kcompactd with work queued. */
static unsigned daemons_running(const struct mm *mm)
{
	return (unsigned)reclaim_kswapd_running(mm) + (unsigned)compaction_kcompactd_pending(mm);
}

void mm_request_yield(struct mm *mm, struct mm_request *req)
{
	if (!mm_request_can_sleep(req) || req->slept_ns >= req->stall_ns)
		return;
	sim_ns_t io = req->io_ns - req->io_slept_ns;
	sim_ns_t cpu = req->stall_ns - req->slept_ns - io;
	req->slept_ns = req->stall_ns;
	req->io_slept_ns = req->io_ns;
	if (cpu) {
		/* machine.cpu_contention: processor sharing among the requests on a CPU, this
		 * one included, and the running daemons, fixed at the start of the work. */
		unsigned cpus = MAX(mm->cfg->machine.nr_cpus, 1u);
		unsigned busy = mm->nr_on_cpu + 1 + daemons_running(mm);
		if (mm->cfg->machine.cpu_contention && busy > cpus) {
			sim_ns_t extra = cpu / cpus * (busy - cpus) + cpu % cpus * (busy - cpus) / cpus;
			cpu += extra;
			req->stall_ns += extra;
			req->slept_ns += extra;
		}
		mm->nr_on_cpu++;
		actor_sleep(mm->engine, cpu);
		mm->nr_on_cpu--;
	}
	if (io)
		actor_sleep(mm->engine, io);
}
