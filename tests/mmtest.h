/* mmtest.h — helpers for tests that build a node directly (no YAML). */
#ifndef MMSIM_MMTEST_H
#define MMSIM_MMTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "trace/trace.h"
#include "stats/procfs.h"

/* A machine with the given zone sizes and the kernel's defaults for every other knob. */
static inline void mmtest_config(struct config *cfg, uint64_t dma, uint64_t dma32, uint64_t normal,
				 uint64_t min_free_kbytes)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->machine.zone_pages[ZONE_DMA] = dma;
	cfg->machine.zone_pages[ZONE_DMA32] = dma32;
	cfg->machine.zone_pages[ZONE_NORMAL] = normal;
	cfg->machine.nr_cpus = 2;
	cfg->machine.pageblock_order = 9;
	cfg->machine.min_free_kbytes = min_free_kbytes;
	cfg->machine.watermark_scale_factor = 10;
	cfg->machine.watermark_boost_factor = 15000;
	unsigned ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };
	memcpy(cfg->machine.lowmem_reserve_ratio, ratio, sizeof(ratio));
	cfg->machine.mobility_grouping = true;
	cfg->policy.cma.mode = CMA_NONE;
	cfg->policy.cma.balance_half_free = true;
	cfg->policy.swappiness = 60;
	cfg->policy.extfrag_threshold = 500;
	cfg->seed = 1;
}

/* Capture a writer's output as a malloc'd string. */
static inline char *mmtest_capture(void (*fn)(FILE *, const struct mm *), const struct mm *mm)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fn(fp, mm);
	fclose(fp);
	return buf;
}

/* Only the line of zone `zone` from buddyinfo, without the "Node 0, zone %8s " prefix. */
static inline char *mmtest_buddy_counts(const struct mm *mm, enum zone_type zt)
{
	const struct zone *z = &mm->zones[zt];
	char *buf = malloc(128);
	size_t n = 0;
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		n += (size_t)snprintf(buf + n, 128 - n, "%s%lu", o ? " " : "", (unsigned long)z->free_area[o].nr_free);
	return buf;
}

#endif
