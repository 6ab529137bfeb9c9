/* procfs_vmstat.c — /proc/vmstat and the vmstat figures shared with zoneinfo and
 * summary.json (model.md §8.3, §8.4).
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
	ITEM_ZONE,     /* per zone (zoneinfo stat lines); the node value is the zones' sum */
	ITEM_NODE,     /* per node (the "per-node stats" block of zoneinfo) */
	ITEM_SIM_NODE, /* simulator-only node figure: summary.json, never /proc */
};

/* A state item: a figure the kernel computes from state, not an event counter. */
struct state_item {
	const char *name;
	enum item_scope scope;
	enum vm_event_item before; /* printed just before this event, as the kernel orders them */
	uint64_t (*value)(const struct mm *mm, const struct zone *z); /* z NULL: whole node */
};

static uint64_t zero(const struct mm *mm, const struct zone *z)
{
	/* Not modelled (slab, shmem, mapped files, zsmalloc, mlock, isolation counts): the
	 * kernel prints these lines regardless, so they read 0. */
	(void)mm;
	(void)z;
	return 0;
}

/* Is the page at pfn the head of an object on an LRU list (which goes in *l)?  The
 * per-zone figures below walk the zone's pages in pfn order rather than the lists: a
 * list's order is the LRU's, which has nothing to do with where the pages lie, so a list
 * walk reads the page array at random (seconds on a big machine; a pass in pfn order
 * streams it). */
static bool on_lru_list(const struct mm *mm, pfn_t pfn, enum lru_list *l)
{
	const struct page_frame *p = &mm->pages[pfn];
	if ((p->flags & (PF_HEAD | PF_LRU)) != (PF_HEAD | PF_LRU) || (p->flags & PF_BUDDY) || (p->xflags & PFX_PCP))
		return false;
	*l = lru_list_of(p->flags);
	return p->prev != PFN_NONE || page_lruvec(mm, p)->lists[*l].head == pfn;
}

static void pfn_range(const struct mm *mm, const struct zone *z, pfn_t *lo, pfn_t *hi)
{
	*lo = z ? z->start_pfn : 0;
	*hi = z ? zone_end_pfn(z) : (pfn_t)mm->nr_pages;
}

/* Pages on LRU list l (in zone z).  The node keeps one lruvec, as the kernel has since
 * 4.8 (node-based LRU); the kernel also keeps per-zone counts, which we derive here by
 * walking the zone instead — only output time pays for it. */
static uint64_t lru_pages(const struct mm *mm, const struct zone *z, enum lru_list l)
{
	if (!z)
		return mm->lruvec.nr_pages[l];
	uint64_t n = 0;
	pfn_t lo, hi;
	pfn_range(mm, z, &lo, &hi);
	for (pfn_t pfn = lo; pfn < hi; pfn++) {
		enum lru_list pl;
		if (on_lru_list(mm, pfn, &pl) && pl == l)
			n += (uint64_t)1 << mm->pages[pfn].order;
	}
	return n;
}

/* Pages of LRU objects (in zone z) whose head carries any of flags. */
static uint64_t lru_flag_pages(const struct mm *mm, const struct zone *z, uint16_t flags)
{
	uint64_t n = 0;
	pfn_t lo, hi;
	pfn_range(mm, z, &lo, &hi);
	for (pfn_t pfn = lo; pfn < hi; pfn++) {
		enum lru_list l;
		if ((mm->pages[pfn].flags & flags) && on_lru_list(mm, pfn, &l))
			n += (uint64_t)1 << mm->pages[pfn].order;
	}
	return n;
}

static uint64_t inactive_anon(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_INACTIVE_ANON); }
static uint64_t active_anon(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_ACTIVE_ANON); }
static uint64_t inactive_file(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_INACTIVE_FILE); }
static uint64_t active_file(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_ACTIVE_FILE); }
static uint64_t unevictable(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_UNEVICTABLE); }
static uint64_t easy(const struct mm *mm, const struct zone *z) { return lru_pages(mm, z, LRU_EASY); }

/* NR_ANON_MAPPED: the anon LRU pages; NR_FILE_PAGES: the page cache, which under the
 * ereclaimable policy includes the easily-reclaimable list. */
static uint64_t anon_pages(const struct mm *mm, const struct zone *z)
{
	return inactive_anon(mm, z) + active_anon(mm, z);
}

static uint64_t file_pages(const struct mm *mm, const struct zone *z)
{
	return inactive_file(mm, z) + active_file(mm, z) + easy(mm, z);
}

static uint64_t dirty(const struct mm *mm, const struct zone *z) { return lru_flag_pages(mm, z, PF_DIRTY); }
static uint64_t writeback(const struct mm *mm, const struct zone *z) { return lru_flag_pages(mm, z, PF_WRITEBACK); }

/* NR_ZONE_WRITE_PENDING: dirty or under writeback. */
static uint64_t write_pending(const struct mm *mm, const struct zone *z)
{
	return lru_flag_pages(mm, z, PF_DIRTY | PF_WRITEBACK);
}

static uint64_t sum_zones(const struct mm *mm, uint64_t (*fn)(const struct zone *z, unsigned pb_order))
{
	uint64_t n = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += fn(&mm->zones[i], mm->pageblock_order);
	return n;
}

static uint64_t zone_free(const struct zone *z, unsigned pb_order)
{
	(void)pb_order;
	return z->nr_free_pages;
}

/* NR_FREE_PAGES_BLOCKS (6.15+): free pages sitting in blocks of at least pageblock order,
 * i.e. whole free pageblocks.  The real DMA zone shows 3840 free, 3584 = 7 × 512 here. */
static uint64_t zone_free_blocks(const struct zone *z, unsigned pb_order)
{
	uint64_t n = 0;
	for (unsigned o = pb_order; o < NR_PAGE_ORDERS; o++)
		n += z->free_area[o].nr_free << o;
	return n;
}

static uint64_t zone_free_cma(const struct zone *z, unsigned pb_order)
{
	(void)pb_order;
	return z->nr_free_cma;
}

static uint64_t free_pages(const struct mm *mm, const struct zone *z)
{
	return z ? zone_free(z, mm->pageblock_order) : sum_zones(mm, zone_free);
}

static uint64_t free_pages_blocks(const struct mm *mm, const struct zone *z)
{
	return z ? zone_free_blocks(z, mm->pageblock_order) : sum_zones(mm, zone_free_blocks);
}

static uint64_t free_cma(const struct mm *mm, const struct zone *z)
{
	return z ? zone_free_cma(z, mm->pageblock_order) : sum_zones(mm, zone_free_cma);
}

/* Free pages inside / outside the CMA area, optionally only in free blocks of at least
 * `min_order` (the CMA experiments: high-order memory that unmovable requests can or
 * cannot use).  The area is the PB_CMA pageblocks under every policy. */
static uint64_t free_in_area(const struct mm *mm, bool inside, unsigned min_order)
{
	uint64_t n = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		for (unsigned o = min_order; o < NR_PAGE_ORDERS; o++)
			for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
				for (pfn_t pfn = z->free_area[o].free_list[mt].head; pfn != PFN_NONE; pfn = mm->pages[pfn].next) {
					const struct pageblock *pb = &z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order];
					if (!!(pb->bits & PB_CMA) == inside)
						n += 1ull << o;
				}
	}
	return n;
}

static uint64_t cma_total(const struct mm *mm, const struct zone *z) { (void)z; return mm->totalcma_pages; }
static uint64_t cma_device(const struct mm *mm, const struct zone *z) { (void)z; return mm->nr_device_pages; }
static uint64_t cma_area_free(const struct mm *mm, const struct zone *z) { (void)z; return free_in_area(mm, true, 0); }
/* "High order" here is order >= 4 (PAGE_ALLOC_COSTLY_ORDER + 1). */
static uint64_t cma_area_free_high(const struct mm *mm, const struct zone *z)
{
	(void)z;
	return free_in_area(mm, true, PAGE_ALLOC_COSTLY_ORDER + 1);
}
static uint64_t noncma_free_high(const struct mm *mm, const struct zone *z)
{
	(void)z;
	return free_in_area(mm, false, PAGE_ALLOC_COSTLY_ORDER + 1);
}

/* Sorted by .before (the writers flush items in one pass over the events). */
static const struct state_item state_items[] = {
	/* zone_stat_item order (6.18); numa_* are left out: the model is one node. */
	{ "nr_free_pages", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_pages },
	{ "nr_free_pages_blocks", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_pages_blocks },
	{ "nr_zone_inactive_anon", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, inactive_anon },
	{ "nr_zone_active_anon", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, active_anon },
	{ "nr_zone_inactive_file", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, inactive_file },
	{ "nr_zone_active_file", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, active_file },
	{ "nr_zone_unevictable", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, unevictable },
	{ "nr_zone_write_pending", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, write_pending },
	{ "nr_mlock", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_zspages", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_free_cma", ITEM_ZONE, VM_WORKINGSET_REFAULT_ANON, free_cma },
	/* node_stat_item order: LRU and isolation, then workingset_* (events here) ... */
	{ "nr_inactive_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, inactive_anon },
	{ "nr_active_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, active_anon },
	{ "nr_inactive_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, inactive_file },
	{ "nr_active_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, active_file },
	{ "nr_unevictable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, unevictable },
	{ "nr_slab_reclaimable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_slab_unreclaimable", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_isolated_anon", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	{ "nr_isolated_file", ITEM_NODE, VM_WORKINGSET_REFAULT_ANON, zero },
	/* ... page counts, then nr_vmscan_write .. nr_written (events here). */
	{ "nr_anon_pages", ITEM_NODE, VM_NR_VMSCAN_WRITE, anon_pages },
	{ "nr_mapped", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	{ "nr_file_pages", ITEM_NODE, VM_NR_VMSCAN_WRITE, file_pages },
	{ "nr_dirty", ITEM_NODE, VM_NR_VMSCAN_WRITE, dirty },
	{ "nr_writeback", ITEM_NODE, VM_NR_VMSCAN_WRITE, writeback },
	{ "nr_shmem", ITEM_NODE, VM_NR_VMSCAN_WRITE, zero },
	/* Simulator-only state, after every event (summary.json). */
	{ "mmsim_nr_easily_reclaimable", ITEM_SIM_NODE, NR_VM_EVENTS, easy },
	{ "mmsim_cma_total_pages", ITEM_SIM_NODE, NR_VM_EVENTS, cma_total },
	{ "mmsim_cma_device_pages", ITEM_SIM_NODE, NR_VM_EVENTS, cma_device },
	{ "mmsim_cma_area_free_pages", ITEM_SIM_NODE, NR_VM_EVENTS, cma_area_free },
	{ "mmsim_cma_area_free_highorder_pages", ITEM_SIM_NODE, NR_VM_EVENTS, cma_area_free_high },
	{ "mmsim_noncma_free_highorder_pages", ITEM_SIM_NODE, NR_VM_EVENTS, noncma_free_high },
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
	    !mm->cma_ops->proc_zone_cma)
		return false;
	return true;
}

void procfs_visit_stats(const struct mm *mm, enum procfs_stats_set set, const struct zone *z,
			procfs_stat_fn fn, void *ctx)
{
	size_t next = 0; /* next state item to print */
	for (int e = 0; e <= NR_VM_EVENTS; e++) {
		for (; next < ARRAY_SIZE(state_items) && (e == NR_VM_EVENTS || (int)state_items[next].before == e); next++) {
			const struct state_item *it = &state_items[next];
			bool shown = set == PROCFS_STATS_ALL ||
				     (set == PROCFS_STATS_VMSTAT && it->scope != ITEM_SIM_NODE) ||
				     (set == PROCFS_STATS_NODE && it->scope == ITEM_NODE) ||
				     (set == PROCFS_STATS_ZONE && it->scope == ITEM_ZONE);
			if (shown)
				fn(ctx, it->name, it->value(mm, set == PROCFS_STATS_ZONE ? z : NULL));
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

/* /proc/vmstat (model.md §8.4): "name value" lines. */
void procfs_write_vmstat(FILE *fp, const struct mm *mm)
{
	procfs_visit_stats(mm, PROCFS_STATS_VMSTAT, NULL, print_line, fp);
}
