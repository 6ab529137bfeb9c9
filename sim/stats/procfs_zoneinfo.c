/* procfs_zoneinfo.c — /proc/zoneinfo in the 6.18 layout (model.md §8.3; compare with
 * tests/data/real/compile-thp/before.zoneinfo).
 *
 * Every zone of the node is printed, as the kernel does: an unpopulated zone (Movable
 * without kernelcore=, our CMA zone outside the zone_cma policy) gets only the lines up
 * to "protection:".  The pagesets are the model's per-CPU lists when
 * machine.pcp is on, else the kernel's boot-time figures (model.md §2.8) for
 * cfg->machine.nr_cpus CPUs.
 */
#include "procfs.h"

#include "../mm/vmscan.h"

/* The kernel's fls(): 1-based index of the highest set bit, 0 for 0. */
static unsigned fls_u64(uint64_t x)
{
	unsigned n = 0;
	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static unsigned nr_cpus(const struct mm *mm)
{
	return mm->cfg->machine.nr_cpus ? mm->cfg->machine.nr_cpus : 1;
}

/* One CPU's pageset as zoneinfo prints it. */
struct pcp_view {
	uint64_t count, high, batch, high_min, high_max; /* pages */
};

static struct pcp_view pcp_view(const struct mm *mm, const struct zone *z, unsigned cpu)
{
	if (z->pcp) {
		const struct per_cpu_pages *p = &z->pcp[cpu];
		return (struct pcp_view){ .count = p->count, .high = p->high, .batch = p->batch,
					  .high_min = p->high_min, .high_max = p->high_max };
	}
	/* pcp off: the kernel's boot-time bounds (zone_batchsize, zone_highsize: the low
	 * watermark or an eighth of the zone split between the CPUs, at least four batches),
	 * an empty list, and high at its initial 0 as on a CPU that never used the zone. */
	unsigned cpus = nr_cpus(mm);
	struct pcp_view v = { .batch = pcp_batch_for(z->managed) };
	v.high_min = MAX(z->watermark[WMARK_LOW] / cpus, v.batch * 4);
	v.high_max = MAX(z->managed / 8 / cpus, v.batch * 4);
	return v;
}

/* calculate_normal_threshold: per-CPU vmstat drift allowed before folding, growing with
 * the CPU count and log2 of the zone size in 128 MiB units, capped at 125. */
static unsigned stat_threshold(const struct mm *mm, const struct zone *z)
{
	uint64_t mem = z->managed >> (27 - 12);
	unsigned t = 2 * fls_u64(nr_cpus(mm)) * (1 + fls_u64(mem));
	return MIN(t, 125u);
}

static void print_node_stat(void *ctx, const char *name, uint64_t value)
{
	fprintf(ctx, "      %-12s %lu\n", name, (unsigned long)value);
}

static void write_zone(FILE *fp, const struct mm *mm, const struct zone *z, bool first_populated)
{
	fprintf(fp, "Node %d, zone %8s\n", 0, z->name);
	if (first_populated) {
		fputs("  per-node stats\n", fp);
		procfs_visit_stats(mm, PROCFS_STATS_NODE, NULL, print_node_stat, fp);
	}
	/* Watermarks are printed with the boost included, the boost on its own line. */
	fprintf(fp, "  pages free     %lu\n", (unsigned long)z->nr_free_pages);
	fprintf(fp, "        %-8s %lu\n", "boost", (unsigned long)z->watermark_boost);
	fprintf(fp, "        %-8s %lu\n", "min", (unsigned long)zone_wmark(z, WMARK_MIN));
	fprintf(fp, "        %-8s %lu\n", "low", (unsigned long)zone_wmark(z, WMARK_LOW));
	fprintf(fp, "        %-8s %lu\n", "high", (unsigned long)zone_wmark(z, WMARK_HIGH));
	fprintf(fp, "        %-8s %lu\n", "promo", (unsigned long)zone_wmark(z, WMARK_PROMO));
	fprintf(fp, "        %-8s %lu\n", "spanned", (unsigned long)z->spanned);
	fprintf(fp, "        %-8s %lu\n", "present", (unsigned long)z->present);
	fprintf(fp, "        %-8s %lu\n", "managed", (unsigned long)z->managed);
	fprintf(fp, "        %-8s %lu\n", "cma", (unsigned long)z->cma_pages);
	fprintf(fp, "        protection: (");
	for (int j = 0; j < MAX_NR_ZONES; j++)
		fprintf(fp, "%s%ld", j ? ", " : "", (long)z->lowmem_reserve[j]);
	fputs(")\n", fp);
	if (!zone_populated(z))
		return; /* the kernel stops here for an empty zone */

	procfs_visit_stats(mm, PROCFS_STATS_ZONE, z, print_node_stat, fp);
	fputs("  pagesets\n", fp);
	for (unsigned cpu = 0; cpu < nr_cpus(mm); cpu++) {
		struct pcp_view v = pcp_view(mm, z, cpu);
		fprintf(fp, "    cpu: %u\n", cpu);
		fprintf(fp, "              count:    %lu\n", (unsigned long)v.count);
		fprintf(fp, "              high:     %lu\n", (unsigned long)v.high);
		fprintf(fp, "              batch:    %lu\n", (unsigned long)v.batch);
		fprintf(fp, "              high_min: %lu\n", (unsigned long)v.high_min);
		fprintf(fp, "              high_max: %lu\n", (unsigned long)v.high_max);
		fprintf(fp, "  vm stats threshold: %u\n", stat_threshold(mm, z));
	}
	/* node_unreclaimable: kswapd_failures >= MAX_RECLAIM_RETRIES (16). */
	fprintf(fp, "  node_unreclaimable:  %u\n", mm->reclaim ? (unsigned)reclaim_node_unreclaimable(mm) : 0u);
	fprintf(fp, "  start_pfn:           %lu\n", (unsigned long)z->start_pfn);
}

void procfs_write_zoneinfo(FILE *fp, const struct mm *mm)
{
	bool seen_populated = false;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		bool first = zone_populated(z) && !seen_populated;
		seen_populated |= first;
		write_zone(fp, mm, z, first);
	}
}
