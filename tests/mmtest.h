/* mmtest.h — helpers for tests that build a node directly (no YAML). */
#ifndef MMSIM_MMTEST_H
#define MMSIM_MMTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "mm/mm.h"
#include "mm/vmscan.h"
#include "trace/trace.h"
#include "stats/procfs.h"

/* A machine with the given zone sizes and config_defaults() for every other knob, so a new
 * key gets its real default in unit tests too, never a silent 0. */
static inline void mmtest_config(struct config *cfg, uint64_t dma, uint64_t dma32, uint64_t normal,
				 uint64_t min_free_kbytes)
{
	config_defaults(cfg);
	memset(cfg->machine.zone_pages, 0, sizeof(cfg->machine.zone_pages));
	cfg->machine.zone_pages[ZONE_DMA] = dma;
	cfg->machine.zone_pages[ZONE_DMA32] = dma32;
	cfg->machine.zone_pages[ZONE_NORMAL] = normal;
	cfg->machine.nr_cpus = 2;
	cfg->machine.pcp = false; /* hand-derived expectations: straight off the buddy lists */
	cfg->machine.min_free_kbytes = min_free_kbytes;
	cfg->seed = 1;
}

/* The reclaim tests' machine: a Normal zone of `normal` pages, reclaim costs of 50 ns a
 * page scanned and 300 ns a page reclaimed, and a disk and a swap device that move 4 KiB
 * in exactly 10 us after 100 us of latency. */
static inline void mmtest_reclaim_config(struct config *cfg, uint64_t normal)
{
	mmtest_config(cfg, 0, 0, normal, 1024);
	cfg->costs.scan_page_ns = 50;
	cfg->costs.reclaim_page_ns = 300;
	cfg->devices.disk_bandwidth_bps = 409600000;
	cfg->devices.disk_latency_ns = 100000;
	cfg->devices.swap_bandwidth_bps = 409600000;
	cfg->devices.swap_latency_ns = 100000;
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

/* One shrink_node (vmscan_shrink_node) over the zones up to Normal, writing and swapping
 * allowed. */
static inline void mmtest_shrink_node(struct mm *mm, bool kswapd, int priority, uint64_t nr_to_reclaim)
{
	struct scan_control sc = {
		.nr_to_reclaim = nr_to_reclaim,
		.reclaim_idx = ZONE_NORMAL,
		.priority = priority,
		.is_kswapd = kswapd,
		.may_writepage = true,
		.may_swap = true,
	};
	vmscan_shrink_node(mm, &sc);
}

#endif
