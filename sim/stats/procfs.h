/* procfs.h — /proc files in the kernel's exact text formats (model.md §8.1–8.4).
 * Each writer prints the node's current state; a CONFIG_CMA=n kernel's layout is used
 * (no CMA column) unless the run configured CMA, as the real files differ the same way. */
#ifndef MMSIM_PROCFS_H
#define MMSIM_PROCFS_H

#include <stdio.h>

#include "../mm/mm.h"

void procfs_write_buddyinfo(FILE *fp, const struct mm *mm);
void procfs_write_pagetypeinfo(FILE *fp, const struct mm *mm);
void procfs_write_vmstat(FILE *fp, const struct mm *mm);
void procfs_write_zoneinfo(FILE *fp, const struct mm *mm);

/* Whether /proc output shows the CMA migratetype (CONFIG_CMA=y): true when the run has CMA. */
bool procfs_has_cma(const struct mm *mm);

/* Visit vmstat figures (procfs_vmstat.c) in the kernel's order: PROCFS_STATS_VMSTAT is
 * exactly the /proc/vmstat lines; _ALL adds mmsim_* and CMA counters (summary.json);
 * _NODE is zoneinfo's "per-node stats" block; _ZONE the stat lines of zone z. */
enum procfs_stats_set { PROCFS_STATS_VMSTAT, PROCFS_STATS_ALL, PROCFS_STATS_NODE, PROCFS_STATS_ZONE };
typedef void (*procfs_stat_fn)(void *ctx, const char *name, uint64_t value);
void procfs_visit_stats(const struct mm *mm, enum procfs_stats_set set, const struct zone *z,
			procfs_stat_fn fn, void *ctx);

#endif
