/* procfs_vmstat.c — /proc/vmstat and the vmstat figures shared with zoneinfo and
 * summary.json (reference §8.3, §8.4).
 *
 * The kernel prints, in this order: zone state items (summed over zones), node state
 * items, then events.  Some of our vm_events[] are node *state* items in the kernel
 * (workingset_*, nr_vmscan_write, nr_dirtied, nr_written: every event before pgpgin), so
 * state items are interleaved with the event table: each state item names the event it is
 * printed just before, and the writers walk the event table flushing state items as they go.
 */
#include "procfs.h"

#include <string.h>

enum item_scope {
	ITEM_ZONE, /* per zone; node/vmstat value = Σ zones */
	ITEM_NODE, /* per node (the "per-node stats" block of zoneinfo) */
};

/* A state item: a figure the kernel computes from state, not an event counter. */
struct state_item {
	const char *name;
	enum item_scope scope;
	enum vm_event_item before; /* printed just before this event, as the kernel orders them */
	uint64_t (*value)(const struct mm *mm, const struct zone *z); /* z NULL for ITEM_NODE */
};

static uint64_t zero(const struct mm *mm, const struct zone *z)
{
	/* The LRU, mlock, zsmalloc and slab state is not in mm yet (reclaim: issue 3); the
	 * kernel prints these lines regardless, so they read 0 until it lands. */
	(void)mm;
	(void)z;
	return 0;
}

static uint64_t free_pages(const struct mm *mm, const struct zone *z)
{
	(void)mm;
	return z->nr_free_pages;
}

/* NR_FREE_PAGES_BLOCKS (6.15+): free pages sitting in blocks of at least pageblock order,
 * i.e. whole free pageblocks.  The real DMA zone shows 3840 free, 3584 = 7 × 512 here. */
static uint64_t free_pages_blocks(const struct mm *mm, const struct zone *z)
{
	uint64_t n = 0;
	for (unsigned o = mm->pageblock_order; o < NR_PAGE_ORDERS; o++)
		n += z->free_area[o].nr_free << o;
	return n;
}

static uint64_t free_cma(const struct mm *mm, const struct zone *z)
{
	(void)mm;
	return z->nr_free_cma;
}

/* Sorted by .before (the writers flush items in one pass over the events). */
static const struct state_item state_items[] = {
	/* zone_stat_item order (6.18); numa_* are left out: the model is one node. */
	{ "nr_free_pages", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_pages },
	{ "nr_free_pages_blocks", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_pages_blocks },
	{ "nr_zone_inactive_anon", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zone_active_anon", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zone_inactive_file", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zone_active_file", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zone_unevictable", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zone_write_pending", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_mlock", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zspages", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_free_cma", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_cma },
	/* node_stat_item order: LRU and isolation, then workingset_* (events here) ... */
	{ "nr_inactive_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_active_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_inactive_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_active_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_unevictable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_slab_reclaimable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_slab_unreclaimable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_isolated_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_isolated_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	/* ... page counts, then nr_vmscan_write .. nr_written (events here). */
	{ "nr_anon_pages", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_mapped", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_file_pages", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_dirty", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_writeback", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_shmem", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
};

/* Events before pgpgin are node_stat_items in the kernel: zoneinfo's per-node block. */
static bool event_is_node_stat(enum vm_event_item e)
{
	return e < VM_PGPGIN;
}

/* Whether event e is a /proc/vmstat line for this run. */
static bool event_in_vmstat(const struct mm *mm, enum vm_event_item e)
{
	const char *name = vm_event_names[e];
	if (!strncmp(name, "mmsim_", 6))
		return false; /* simulator-only figures: summary.json only */
	if (!strncmp(name, "cma_", 4) && !procfs_has_cma(mm))
		return false; /* a CONFIG_CMA=n kernel has no cma_alloc_* lines */
	/* The per-zone lines of ZONE_CMA exist only in a kernel with Joonsoo Kim's ZONE_CMA. */
	if ((e == VM_PGALLOC_CMA || e == VM_ALLOCSTALL_CMA || e == VM_PGSKIP_CMA) &&
	    mm->cfg->policy.cma.mode != CMA_ZONE_CMA)
		return false;
	return true;
}

static uint64_t item_value(const struct mm *mm, const struct state_item *it, const struct zone *z)
{
	if (it->scope == ITEM_NODE)
		return it->value(mm, NULL);
	if (z)
		return it->value(mm, z);
	uint64_t sum = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += it->value(mm, &mm->zones[i]);
	return sum;
}

void procfs_visit_stats(const struct mm *mm, enum procfs_stats_set set, const struct zone *z,
			procfs_stat_fn fn, void *ctx)
{
	size_t next = 0; /* next state item to print */
	for (int e = 0; e <= NR_VM_EVENTS; e++) {
		for (; next < ARRAY_SIZE(state_items) && (e == NR_VM_EVENTS || (int)state_items[next].before == e); next++) {
			const struct state_item *it = &state_items[next];
			if (set == PROCFS_STATS_NODE && it->scope != ITEM_NODE)
				continue;
			if (set == PROCFS_STATS_ZONE && it->scope != ITEM_ZONE)
				continue;
			fn(ctx, it->name, item_value(mm, it, set == PROCFS_STATS_ZONE ? z : NULL));
		}
		if (e == NR_VM_EVENTS)
			break;
		switch (set) {
		case PROCFS_STATS_VMSTAT:
			if (!event_in_vmstat(mm, (enum vm_event_item)e))
				continue;
			break;
		case PROCFS_STATS_ALL:
			break;
		case PROCFS_STATS_NODE:
			if (!event_is_node_stat((enum vm_event_item)e))
				continue;
			break;
		case PROCFS_STATS_ZONE:
			continue; /* no per-zone events in zoneinfo */
		}
		fn(ctx, vm_event_names[e], mm->vm_events[e]);
	}
}

static void print_line(void *ctx, const char *name, uint64_t value)
{
	fprintf(ctx, "%s %lu\n", name, (unsigned long)value);
}

/* /proc/vmstat (reference §8.4): "name value" lines. */
void procfs_write_vmstat(FILE *fp, const struct mm *mm)
{
	procfs_visit_stats(mm, PROCFS_STATS_VMSTAT, NULL, print_line, fp);
}
