/* procfs_buddy.c — /proc/buddyinfo and /proc/pagetypeinfo (model.md §8.1, §8.2). */
#include "procfs.h"

bool procfs_has_cma(const struct mm *mm)
{
	return mm->cma_ops->proc_cma;
}

void procfs_write_buddyinfo(FILE *fp, const struct mm *mm)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (!zone_populated(z))
			continue;
		fprintf(fp, "Node %d, zone %8s ", 0, z->name);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(fp, "%6lu ", (unsigned long)z->free_area[o].nr_free);
		fputc('\n', fp);
	}
}

/* Types printed: all but CMA when the run has no CMA (CONFIG_CMA=n layout). */
static bool type_shown(const struct mm *mm, int mt)
{
	return mt != MIGRATE_CMA || procfs_has_cma(mm);
}

void procfs_write_pagetypeinfo(FILE *fp, const struct mm *mm)
{
	fprintf(fp, "Page block order: %u\n", mm->pageblock_order);
	fprintf(fp, "Pages per block:  %u\n", mm->pageblock_nr_pages);
	fprintf(fp, "\n%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		fprintf(fp, "%6d ", o);
	fputc('\n', fp);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (!zone_populated(z))
			continue;
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++) {
			if (!type_shown(mm, mt))
				continue;
			fprintf(fp, "Node %4d, zone %8s, type %12s ", 0, z->name, migratetype_names[mt]);
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				/* The kernel stops counting at 100000 and prints ">100000". */
				uint64_t n = z->free_area[o].nr_free_mt[mt];
				if (n >= 100000)
					fprintf(fp, ">%6lu ", 100000ul);
				else
					fprintf(fp, "%6lu ", (unsigned long)n);
			}
			fputc('\n', fp);
		}
	}
	fprintf(fp, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
		if (type_shown(mm, mt))
			fprintf(fp, "%12s ", migratetype_names[mt]);
	fputc('\n', fp);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (!zone_populated(z))
			continue;
		fprintf(fp, "Node %d, zone %8s ", 0, z->name);
		for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
			if (type_shown(mm, mt))
				fprintf(fp, "%12lu ", (unsigned long)z->nr_blocks_mt[mt]);
		fputc('\n', fp);
	}
}
