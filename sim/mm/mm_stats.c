/* mm_stats.c — the node's cumulative statistics set back to zero, as a measurement that
 * takes a "before" snapshot of /proc/vmstat and reports differences sees them: used after
 * the warm-up of an aged machine (model.md §2.10), so the outputs cover the trace only.
 * Only counters are touched; everything that decides what the node does next stays. */
#include "mm.h"
#include "compaction.h"
#include "vmscan.h"

#include <string.h>

void mm_reset_stats(struct mm *mm)
{
	/* oom_kill stays: each OOM victim is listed with its count (oom.c keeps
	 * nr victims == vm_events[VM_OOM_KILL]), and a killed task stays killed. */
	uint64_t oom_kills = mm->vm_events[VM_OOM_KILL];
	memset(mm->vm_events, 0, sizeof(mm->vm_events));
	mm->vm_events[VM_OOM_KILL] = oom_kills;
	memset(mm->alloc_outcome, 0, sizeof(mm->alloc_outcome));
	memset(mm->order_outcome, 0, sizeof(mm->order_outcome));
	memset(mm->order_slowpath, 0, sizeof(mm->order_slowpath));

	struct reclaim_state *rs = mm->reclaim;
	if (rs) {
		rs->kswapd.busy_ns = 0;
		rs->stall_direct_ns = rs->stall_refault_ns = rs->stall_swapin_ns = 0;
		rs->stall_writeback_ns = rs->stall_throttle_ns = 0;
		rs->nr_direct_reclaims = rs->nr_throttled = rs->nr_writes_completed = 0;
		rs->nr_notifications = 0;
		/* prepare_scan_control compares workingset_activate_* with the values the last
		 * reclaim saw: both restart from zero, so no refault is invented. */
		rs->refaults_seen[0] = rs->refaults_seen[1] = 0;
		vmscan_stats_view_start(mm);
	}
	struct compact_state *cs = mm->compact;
	if (cs) {
		cs->kcompactd_work = 0;
		cs->kcompactd_busy_ns = 0;
		memset(cs->nr_compact_runs, 0, sizeof(cs->nr_compact_runs));
	}
}
