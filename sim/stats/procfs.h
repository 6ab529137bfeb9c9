/* procfs.h — /proc files in the kernel's exact text formats (reference §8.1–8.4).
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

#endif
