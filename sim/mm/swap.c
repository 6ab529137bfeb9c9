/* swap.c — swap slots, swap-out writes and major faults (swap-in and file refault).
 *
 * A swap device has devices.swap.size pages (0: no swap, anon is never reclaimed).  Reclaim
 * of an anon page takes a slot (add_to_swap), unmaps it and writes it (pageout, pswpout);
 * the page keeps its slot as a clean swap-cache copy until the next scan frees it, and then
 * the object is OBJ_SWAPPED.  An access to it is a major fault: the pages are allocated
 * again through mm_alloc with the original gfp, the read (latency + size / bandwidth of the
 * swap device) is charged to the request (struct mm_request), pswpin and pgmajfault count.
 * A file object dropped by reclaim (OBJ_EVICTED) refaults the same way from the disk.
 *
 * The slot after a swap-in (do_swap_page, 6.18): should_try_to_free_swap frees it when swap
 * is more than half full (vm_swap_full; mem_cgroup_swap_full is the same for global
 * reclaim), when the vma is mlocked, or on a write fault by the only user; otherwise the
 * folio stays in the swap cache with its slot, and reclaim frees it again without a write
 * while it is clean.  The replay tells a write (a `dirty` record: writeback_dirty_page drops
 * the slot) from a read (`access`); every object has one user, so a write fault is always
 * exclusive; mlock of a swapped-out range is not in the records (no VM_LOCKED case).  A
 * write to a mapped swap-cache page (the PTE dirty bit, no fault) frees the slot at once in
 * the model; the kernel keeps it and rewrites the page to it at reclaim: the same pswpout,
 * the slot counted free earlier.  A swap-cache page met again by a fault before reclaim
 * freed it (a minor fault, no read) is mapped again under the same rule.  A device that
 * fills frees the slots the swap cache alone holds (swap_reclaim_cache_only).  Not
 * modelled: large-folio slot allocation by clusters (a large folio fails only when fewer
 * slots than its pages are free; vmscan.c).
 *
 * Slots (struct swap_slots, vmscan.h).  Each page written takes a slot of the device, as
 * 6.18's cluster allocator hands them out for a swap file on a rotational disk (the
 * captures' machines: vda has rotational=1): one cluster of 512 slots shared by every
 * CPU (si->global_cluster), taken next-fit; when it has no free slot left, the first
 * wholly free cluster, else the first on the nonfull list (cluster_alloc_swap_entry).
 * Cluster 0 holds the header in slot 0, so it starts on the nonfull list (setup_clusters).
 * A cluster whose last slot is freed goes back to the free list, a full one that frees a
 * slot to the nonfull list (partial_free_cluster).  Simplified: no discard, no per-order
 * clusters (a large object takes nr slots one by one, next-fit, not an aligned run), no
 * reclaim of full clusters' cache-only slots (swap_reclaim_cache_only stands for it).
 *
 * Readahead (swapin_readahead -> swap_cluster_readahead, 6.18: a rotational swap device
 * counts in nr_rotate_swap, so swap_use_vma_readahead() is false and the window is slot
 * based).  A fault on a swapped-out order-0 page asks swapin_nr_pages for a window of
 * 2^k <= 2^page_cluster slots (readahead hits since the last fault + 2, rounded up to a
 * power of two >= 4; no hits: 2 for a fault next to the last hitless one, else 1; never
 * below half the last window) and reads the aligned window around its slot: every slot
 * that holds a swapped-out order-0 page gets a page (the fault's gfp), a read, pswpin,
 * swap_ra, and the workingset refault test of its shadow; it enters the swap cache
 * unmapped (NONRES_SWAPCACHE without NONRES_SWAPMAPPED) with NONRES_READAHEAD on the
 * inactive anon list (active when the refault test says so).  A later fault on it is a
 * swap-cache hit: no read, no pgmajfault, swap_ra_hit and a hit for the next window.
 * The model reads the window's other pages first and the faulting page last (the kernel
 * goes in slot order), so a fault whose allocation must sleep and be run again finds the
 * pages it already read in the swap cache; the fault waits for one read of all the
 * window's pages (the plugged, adjacent reads merge).
 */
#include "vmscan.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- slots ------------------------------------------------------------------------ */

static struct pfn_links cluster_links(struct swap_slots *sl)
{
	return (struct pfn_links){ .base = (char *)sl->clusters, .stride = sizeof(*sl->clusters) };
}

static uint64_t cluster_first(uint32_t c)
{
	return c ? (uint64_t)c * SWAP_CLUSTER_SLOTS : 1; /* slot 0: the header */
}

static uint64_t cluster_end(const struct swap_slots *sl, uint32_t c)
{
	return MIN((uint64_t)(c + 1) * SWAP_CLUSTER_SLOTS, sl->nr_slots);
}

static uint32_t cluster_size(const struct swap_slots *sl, uint32_t c)
{
	return (uint32_t)(cluster_end(sl, c) - (uint64_t)c * SWAP_CLUSTER_SLOTS);
}

int swap_slots_init(struct reclaim_state *rs, uint64_t swap_pages, unsigned page_cluster)
{
	struct swap_slots *sl = &rs->slots;
	*sl = (struct swap_slots){ .current = PFN_NONE, .ra_max_pages = 1u << page_cluster };
	pfn_list_init(&sl->free);
	pfn_list_init(&sl->nonfull);
	if (!swap_pages)
		return 0;
	sl->nr_slots = swap_pages + 1; /* <= PFN_NONE (config: devices.swap.size): slots fit 32 bits */
	sl->nr_clusters = (uint32_t)((sl->nr_slots + SWAP_CLUSTER_SLOTS - 1) / SWAP_CLUSTER_SLOTS);
	sl->slot = calloc(sl->nr_slots, sizeof(*sl->slot));
	sl->clusters = calloc(sl->nr_clusters, sizeof(*sl->clusters));
	if (!sl->slot || !sl->clusters)
		return -1;
	struct pfn_links a = cluster_links(sl);
	for (uint32_t c = 0; c < sl->nr_clusters; c++) {
		struct swap_cluster *ci = &sl->clusters[c];
		ci->used = c == 0; /* the header */
		ci->state = ci->used && ci->used < cluster_size(sl, c) ? SCL_NONFULL : ci->used ? SCL_FULL : SCL_FREE;
		if (ci->state != SCL_FULL)
			pfn_list_add_tail(ci->state == SCL_FREE ? &sl->free : &sl->nonfull, a, c);
		else
			ci->next = ci->prev = PFN_NONE;
	}
	return 0;
}

void swap_slots_destroy(struct reclaim_state *rs)
{
	struct swap_slots *sl = &rs->slots;
	free(sl->slot);
	free(sl->clusters);
	sl->slot = NULL;
	sl->clusters = NULL;
}

/* The cluster allocation takes slots from: the first wholly free one, else the first
 * nonfull one (cluster_alloc_swap_entry's order for order 0). */
static bool take_cluster(struct swap_slots *sl)
{
	struct pfn_links a = cluster_links(sl);
	struct pfn_list *l = !pfn_list_empty(&sl->free) ? &sl->free : &sl->nonfull;
	if (pfn_list_empty(l))
		return false;
	uint32_t c = l->head;
	pfn_list_del(l, a, c);
	sl->clusters[c].state = SCL_CURRENT;
	sl->current = c;
	sl->cursor = cluster_first(c);
	return true;
}

/* The allocation cluster has no free slot from its cursor on: it goes to the list its
 * count says (relocate_cluster). */
static void drop_current(struct swap_slots *sl)
{
	uint32_t c = sl->current;
	struct swap_cluster *ci = &sl->clusters[c];
	sl->current = PFN_NONE;
	if (ci->used == cluster_size(sl, c)) {
		ci->state = SCL_FULL;
		return;
	}
	ci->state = ci->used ? SCL_NONFULL : SCL_FREE;
	pfn_list_add_tail(ci->used ? &sl->nonfull : &sl->free, cluster_links(sl), c);
}

/* One free slot for object id, next-fit in the allocation cluster; UINT64_MAX when the
 * device is full. */
static uint64_t slot_alloc(struct swap_slots *sl, uint64_t id)
{
	for (;;) {
		if (sl->current == PFN_NONE && !take_cluster(sl))
			return UINT64_MAX;
		uint32_t c = sl->current;
		uint64_t end = cluster_end(sl, c);
		for (uint64_t o = sl->cursor; o < end; o++) {
			if (sl->slot[o].owner)
				continue;
			sl->slot[o].owner = id + 1;
			sl->clusters[c].used++;
			sl->cursor = o + 1;
			if (sl->cursor == end)
				drop_current(sl);
			return o;
		}
		drop_current(sl);
	}
}

static void slot_free(struct swap_slots *sl, uint64_t o)
{
	uint32_t c = (uint32_t)(o / SWAP_CLUSTER_SLOTS);
	struct swap_cluster *ci = &sl->clusters[c];
	struct pfn_links a = cluster_links(sl);
	sim_assert(sl->slot[o].owner && ci->used);
	sl->slot[o].owner = 0;
	bool was_full = ci->used-- == cluster_size(sl, c);
	if (ci->state == SCL_CURRENT) {
		if (!ci->used)
			sl->cursor = cluster_first(c); /* an empty cluster is taken from its start */
	} else if (was_full) {
		ci->state = ci->used ? SCL_NONFULL : SCL_FREE;
		pfn_list_add_tail(ci->used ? &sl->nonfull : &sl->free, a, c);
	} else if (!ci->used) {
		pfn_list_del(&sl->nonfull, a, c);
		ci->state = SCL_FREE;
		pfn_list_add_tail(&sl->free, a, c);
	}
}

/* nr slots for the object of side entry e, which holds none yet (the caller checked that nr
 * are free): the first goes in e's shadow_age word, and a shadow e has moves beside it
 * (struct swap_slots). */
static void slots_take(struct swap_slots *sl, struct nonres_entry *e, uint64_t nr)
{
	sim_assert(!(e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)));
	uint64_t id = e->id, prev = UINT64_MAX;
	for (uint64_t k = 0; k < nr; k++) {
		uint64_t o = slot_alloc(sl, id);
		sim_assert(o != UINT64_MAX);
		sl->slot[o].next = UINT32_MAX;
		if (k) {
			sl->slot[prev].next = (uint32_t)o;
		} else {
			sl->slot[o].shadow = e->shadow_age;
			e->shadow_age = (uint32_t)o;
		}
		prev = o;
	}
}

/* Free the nr slots of the object of side entry e (it holds them): its first and those
 * chained after it; its shadow goes back into the entry. */
static void slots_release(struct swap_slots *sl, struct nonres_entry *e, uint64_t nr)
{
	uint64_t id = e->id, o = e->shadow_age;
	e->shadow_age = sl->slot[o].shadow;
	for (uint64_t k = 0; k < nr; k++) {
		sim_assert(o < sl->nr_slots && sl->slot[o].owner == id + 1);
		uint32_t n = sl->slot[o].next;
		slot_free(sl, o);
		o = n;
	}
	sim_assert(o == UINT32_MAX);
}

#define SLOTS_FAIL(...)                             \
	do {                                        \
		snprintf(buf, len, __VA_ARGS__);    \
		return false;                       \
	} while (0)

bool swap_slots_check(const struct mm *mm, char *buf, size_t len)
{
	const struct reclaim_state *rs = mm->reclaim;
	const struct swap_slots *sl = &rs->slots;
	if (!sl->nr_slots)
		return true;
	uint64_t total = 0, owned = 0;
	for (uint32_t c = 0; c < sl->nr_clusters; c++) {
		const struct swap_cluster *ci = &sl->clusters[c];
		uint32_t used = c == 0;
		for (uint64_t o = cluster_first(c); o < cluster_end(sl, c); o++) {
			uint64_t v = sl->slot[o].owner;
			if (!v)
				continue;
			used++;
			const struct obj_slot *s = obj_lookup((struct obj_table *)&mm->objs, v - 1);
			if (!s || !s->nonres || !(s->ws.flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)))
				SLOTS_FAIL("swap slot %llu: object %llu holds no slot", (unsigned long long)o,
					   (unsigned long long)(v - 1));
		}
		if (used != ci->used)
			SLOTS_FAIL("swap cluster %u: %u slots taken, counted %u", c, used, ci->used);
		total += used;
		uint32_t size = cluster_size(sl, c);
		bool ok = ci->state == SCL_CURRENT ? sl->current == c
			: ci->state == SCL_FREE	   ? used == 0
			: ci->state == SCL_NONFULL ? used > 0 && used < size
						   : used == size;
		if (!ok || (ci->state != SCL_CURRENT && sl->current == c))
			SLOTS_FAIL("swap cluster %u: state %u with %u of %u slots taken", c, ci->state, used, size);
	}
	/* Every slot holder's chain, from the first slot its entry names, is its own and as
	 * long as its pages; the chains together cover every taken slot, so no slot is
	 * taken by an object that does not reach it. */
	for (uint32_t i = 0; i < mm->objs.cap; i++) {
		const struct obj_slot *s = &mm->objs.slots[i];
		if (s->id == OBJ_EMPTY || !s->nonres || !(s->ws.flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)))
			continue;
		uint64_t first = s->ws.shadow_age, want = 1ull << s->order, n = 0;
		if (first >= sl->nr_slots || sl->slot[first].owner != s->id + 1)
			SLOTS_FAIL("object %llu: first slot %llu not its own", (unsigned long long)s->id,
				   (unsigned long long)first);
		for (uint64_t o = first; o != UINT32_MAX && n <= want; o = sl->slot[o].next, n++)
			if (o >= sl->nr_slots || sl->slot[o].owner != s->id + 1)
				SLOTS_FAIL("object %llu: slot %llu in its chain not its own", (unsigned long long)s->id,
					   (unsigned long long)o);
		if (n != want)
			SLOTS_FAIL("object %llu: %llu slots chained, %llu pages", (unsigned long long)s->id,
				   (unsigned long long)n, (unsigned long long)want);
		owned += n;
	}
	if (owned + 1 != total)
		SLOTS_FAIL("%llu slots chained from their holders' first, %llu taken", (unsigned long long)owned,
			   (unsigned long long)(total - 1));
	if (total != rs->swap_used + 1)
		SLOTS_FAIL("%llu swap slots taken, swap_used %llu + the header", (unsigned long long)total,
			   (unsigned long long)rs->swap_used);
	/* Every slot holder is listed once: on the lists, each cluster by its state. */
	uint32_t listed = 0;
	for (int k = 0; k < 2; k++) {
		const struct pfn_list *l = k ? &sl->nonfull : &sl->free;
		for (pfn_t c = l->head; c != PFN_NONE; c = sl->clusters[c].next, listed++)
			if (c >= sl->nr_clusters || sl->clusters[c].state != (k ? SCL_NONFULL : SCL_FREE) ||
			    listed > sl->nr_clusters)
				SLOTS_FAIL("swap cluster list %s: cluster %u out of place", k ? "nonfull" : "free", c);
	}
	uint32_t want = 0;
	for (uint32_t c = 0; c < sl->nr_clusters; c++)
		want += sl->clusters[c].state == SCL_FREE || sl->clusters[c].state == SCL_NONFULL;
	if (listed != want)
		SLOTS_FAIL("swap cluster lists hold %u clusters, %u free or nonfull", listed, want);
	return true;
}

/* ---- reading a page back ------------------------------------------------------------ */

/* What a swap-in, a readahead page and a file refault share: the object's page allocated
 * again (mm_alloc_slot, which may sleep or fail), active when its shadow's refault test says
 * so (workingset_refault, 6.18), the read counted (pgpgin, pswpin for anon) with the
 * refault's counts; the shadow is gone and a gfp the default now gives is forgotten.
 * Returns the object's side entry when the page was allocated and the object keeps one
 * (an anon object always does: its slot), NULL otherwise; *pfn (if not NULL) gets the page
 * or PFN_NONE.  workingset_refault (6.12) bills the read to the type's cost
 * (lru_note_cost_refault) only when the page was in the workingset before its eviction (a
 * restore), which the model does not track (workingset_restore_* stay 0): no cost is noted. */
static struct nonres_entry *read_in(struct mm *mm, struct mm_request *req, uint64_t id, gfp_t gfp,
				    unsigned order, bool anon, pfn_t *pfn)
{
	struct reclaim_state *rs = mm->reclaim;
	uint64_t nr = 1ull << order;
	struct nonres_entry *e = workingset_find(rs, id);
	bool shadow = e && (e->flags & NONRES_SHADOW);
	bool activate = shadow && workingset_test_recent(mm, e, !anon);
	pfn_t p = mm_alloc_slot(mm, req, id, gfp, order, activate);
	if (pfn)
		*pfn = p;
	if (p == PFN_NONE)
		return NULL;
	count_vm_events(mm, VM_PGPGIN, nr * (PAGE_SIZE / 1024));
	if (anon)
		count_vm_events(mm, VM_PSWPIN, nr);
	if (shadow)
		workingset_count_refault(mm, anon, nr, activate);
	e = workingset_find(rs, id); /* the map may have moved */
	if (e) {
		e->flags &= (uint8_t)~NONRES_SHADOW;
		if (e->flags & NONRES_GFP && e->gfp == workingset_default_gfp(anon, order))
			e->flags &= (uint8_t)~NONRES_GFP;
	}
	return e;
}

/* ---- readahead -------------------------------------------------------------------- */

/* swapin_nr_pages / __swapin_nr_pages (6.18): the readahead window for a fault at slot
 * offset. */
static unsigned swapin_nr_pages(struct swap_slots *sl, uint64_t offset)
{
	if (sl->ra_max_pages <= 1)
		return 1;
	unsigned hits = sl->ra.hits, pages = hits + 2;
	sl->ra.hits = 0;
	if (pages == 2) {
		if (offset != sl->ra.prev_offset + 1 && offset + 1 != sl->ra.prev_offset)
			pages = 1;
	} else {
		unsigned up = 4;
		while (up < pages)
			up <<= 1;
		pages = up;
	}
	pages = MIN(pages, sl->ra_max_pages);
	pages = MAX(pages, sl->ra.last_pages / 2); /* do not shrink too fast */
	if (!hits)
		sl->ra.prev_offset = offset;
	sl->ra.last_pages = pages;
	return pages;
}

/* __read_swap_cache_async for readahead: object id2 (swapped out, order 0) gets a page and
 * a read; false when the allocation failed or must sleep (req->deferred). */
static bool read_ahead_one(struct mm *mm, struct mm_request *req, uint64_t id2, gfp_t gfp)
{
	struct nonres_entry *e = read_in(mm, req, id2, gfp, 0, true, NULL);
	if (!e)
		return false;
	count_vm_event(mm, VM_SWAP_RA);
	e->flags = (uint8_t)((e->flags & ~NONRES_SWAPPED) | NONRES_SWAPCACHE | NONRES_READAHEAD);
	return true;
}

/* swap_cluster_readahead (6.18) for a fault on object id: the other swapped-out order-0
 * pages of the window around its slot are read.  Returns the pages read, or -1 when an
 * allocation must sleep first (req->deferred). */
static int read_ahead(struct mm *mm, struct mm_request *req, uint64_t id, uint64_t o, gfp_t gfp)
{
	struct swap_slots *sl = &mm->reclaim->slots;
	uint64_t mask = swapin_nr_pages(sl, o) - 1;
	if (!mask)
		return 0;
	uint64_t start = MAX(o & ~mask, 1), end = MIN(o | mask, sl->nr_slots - 1);
	/* The window's owners are looked up one by one, each lookup a miss, with a page
	 * allocated between two: their slots are all fetched first. */
	for (uint64_t k = start; k <= end; k++)
		if (sl->slot[k].owner)
			obj_prefetch_slot(&mm->objs, sl->slot[k].owner - 1);
	int nr = 0;
	for (uint64_t k = start; k <= end; k++) {
		uint64_t v = sl->slot[k].owner;
		if (!v || k == o || v == id + 1)
			continue;
		const struct obj_slot *s2 = obj_lookup(&mm->objs, v - 1);
		if (!s2 || s2->kind != OBJ_SWAPPED || s2->order)
			continue; /* in the swap cache already, or a large folio's */
		if (read_ahead_one(mm, req, v - 1, gfp))
			nr++;
		else if (req && req->deferred)
			return -1;
	}
	return nr;
}

/* do_swap_page's swap-cache hit on a page readahead read (swap_update_readahead, 6.18). */
static void readahead_hit(struct mm *mm, struct nonres_entry *e)
{
	if (!(e->flags & NONRES_READAHEAD))
		return;
	e->flags &= (uint8_t)~NONRES_READAHEAD;
	count_vm_event(mm, VM_SWAP_RA_HIT);
	mm->reclaim->slots.ra.hits++;
}

/* vm_swap_full (6.18): nr_swap_pages * 2 < total_swap_pages, free slots counted. */
bool swap_vm_full(const struct reclaim_state *rs)
{
	return (rs->swap_pages - rs->swap_used) * 2 < rs->swap_pages;
}

void swap_drop_slot(struct mm *mm, struct nonres_entry *e, uint64_t pages)
{
	struct reclaim_state *rs = mm->reclaim;
	if (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)) {
		sim_assert(rs->swap_used >= pages);
		rs->swap_used -= pages;
		slots_release(&rs->slots, e, pages);
	}
	if (e->flags & NONRES_SWAPMAPPED) {
		sim_assert(rs->swap_cache_only >= pages);
		rs->swap_cache_only -= pages;
	}
	e->flags &= (uint8_t)~(NONRES_SWAPCACHE | NONRES_SWAPPED | NONRES_SWAPMAPPED | NONRES_READAHEAD);
}

static void free_swap_cache(struct mm *mm, pfn_t head, struct nonres_entry *e);

/* The swap cache alone holds the object's slot: the page is mapped again, no page table
 * holds the swap entry (swap_only_has_cache). */
static bool swap_cache_only(const struct nonres_entry *e)
{
	return (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPMAPPED)) == (NONRES_SWAPCACHE | NONRES_SWAPMAPPED);
}

/* Object id's slot while its entry is listed (NONRES_LISTED), else NULL. */
static struct obj_slot *listed_slot(struct reclaim_state *rs, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&rs->mm->objs, id);
	return s && s->nonres && (s->ws.flags & NONRES_LISTED) ? s : NULL;
}

/* rs->cache_only_ids without the ids that are no longer swap-cache-only, each id once:
 * the first of an id's copies clears its mark, so the others (an entry dropped and made
 * again while its old copy stayed listed) find none; the kept ids get it back. */
static void cache_only_prune(struct reclaim_state *rs)
{
	uint64_t *ids = rs->cache_only_ids;
	size_t n = 0;
	for (size_t i = 0; i < rs->nr_cache_only_ids; i++) {
		struct obj_slot *s = listed_slot(rs, ids[i]);
		if (!s)
			continue; /* gone, or a copy already seen */
		s->ws.flags &= (uint8_t)~NONRES_LISTED;
		if (swap_cache_only(&s->ws))
			ids[n++] = ids[i];
	}
	for (size_t i = 0; i < n; i++)
		obj_lookup(&rs->mm->objs, ids[i])->ws.flags |= NONRES_LISTED;
	rs->nr_cache_only_ids = n;
}

/* Object id's entry became swap-cache-only: listed for swap_reclaim_cache_only.  The list
 * is pruned when it outgrows twice the cache-only pages (each a listed id at least), so it
 * stays within a constant factor of them. */
static void cache_only_note(struct reclaim_state *rs, uint64_t id)
{
	if (rs->nr_cache_only_ids == rs->cache_only_ids_cap) {
		if (rs->nr_cache_only_ids > 2 * rs->swap_cache_only + 64)
			cache_only_prune(rs);
		if (rs->nr_cache_only_ids == rs->cache_only_ids_cap) {
			size_t cap = MAX((size_t)64, rs->cache_only_ids_cap * 2);
			uint64_t *ids = realloc(rs->cache_only_ids, cap * sizeof(*ids));
			if (!ids)
				abort();
			rs->cache_only_ids = ids;
			rs->cache_only_ids_cap = cap;
		}
	}
	rs->cache_only_ids[rs->nr_cache_only_ids++] = id;
}

/* A swap-cache page is mapped again: the swap cache alone holds its slot. */
static void swap_mapped(struct reclaim_state *rs, struct nonres_entry *e, uint64_t pages)
{
	e->flags = (uint8_t)((e->flags & ~NONRES_SWAPPED) | NONRES_SWAPCACHE | NONRES_SWAPMAPPED);
	rs->swap_cache_only += pages;
	if (!(e->flags & NONRES_LISTED)) {
		e->flags |= NONRES_LISTED;
		cache_only_note(rs, e->id);
	}
}

/* After swap_reclaim_cache_only: no slot of the table is swap-cache-only outside
 * writeback (what the walk of the whole table left). */
static bool swap_cache_only_check(const struct mm *mm)
{
	for (uint32_t i = 0; i < mm->objs.cap; i++) {
		const struct obj_slot *s = &mm->objs.slots[i];
		if (s->id != OBJ_EMPTY && s->nonres && swap_cache_only(&s->ws) &&
		    !(mm->pages[s->pfn].flags & PF_WRITEBACK))
			return false;
	}
	return true;
}

/* The device has just become full (swap_range_alloc, 6.18: swap_usage_add reports it and,
 * swap being more than half full, the device's reclaim_work runs
 * swap_reclaim_full_clusters(si, true)): every slot the swap cache alone holds (no page
 * table refers to it: __try_to_reclaim_swap's swap_only_has_cache) is freed.  The model
 * does it at once, not from a worker; only objects of such slots are touched. */
static void swap_reclaim_cache_only(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	/* Every entry that is swap-cache-only now is listed (swap_mapped lists it), so
	 * visiting the list frees the same slots as a walk of the whole table would; the
	 * order does not matter (free_swap_cache changes only the entry's flags and the
	 * counts, never the table).  What stays listed: the entries a write still holds. */
	uint64_t *ids = rs->cache_only_ids;
	size_t n = 0;
	for (size_t i = 0; i < rs->nr_cache_only_ids; i++) {
		struct obj_slot *s = listed_slot(rs, ids[i]);
		if (!s)
			continue; /* gone, or a copy already seen */
		s->ws.flags &= (uint8_t)~NONRES_LISTED;
		if (!swap_cache_only(&s->ws))
			continue; /* no longer cache-only: a stale id */
		free_swap_cache(mm, s->pfn, &s->ws);
		if (swap_cache_only(&s->ws))
			ids[n++] = ids[i]; /* under writeback: kept */
	}
	for (size_t i = 0; i < n; i++)
		obj_lookup(&mm->objs, ids[i])->ws.flags |= NONRES_LISTED;
	rs->nr_cache_only_ids = n;
	sim_assert2(swap_cache_only_check(mm));
}

/* folio_free_swap (6.18): not while the write is in flight; the caller knows the page
 * tables hold no swap entry (folio_swapped). */
static void free_swap_cache(struct mm *mm, pfn_t head, struct nonres_entry *e)
{
	struct page_frame *p = &mm->pages[head];
	if (!(p->flags & PF_WRITEBACK))
		swap_drop_slot(mm, e, 1ull << p->order);
}

void swap_access(struct mm *mm, pfn_t head, struct nonres_entry *e)
{
	if ((e->flags & (NONRES_SWAPCACHE | NONRES_SWAPMAPPED)) != NONRES_SWAPCACHE)
		return; /* mapped: no fault */
	readahead_hit(mm, e);
	/* do_swap_page on a swap-cache hit (6.18): mapped again; should_try_to_free_swap
	 * frees the slot when swap is more than half full (a read fault otherwise keeps it). */
	swap_mapped(mm->reclaim, e, 1ull << mm->pages[head].order);
	if (swap_vm_full(mm->reclaim))
		free_swap_cache(mm, head, e);
}

void swap_activate_locked(struct mm *mm, pfn_t head)
{
	struct reclaim_state *rs = mm->reclaim;
	struct obj_slot *s = &mm->objs.slots[mm->pages[head].owner];
	/* shrink_folio_list's activate_locked (6.18): "not a candidate for swapping, so
	 * reclaim swap space": a swap-cache folio's slot is freed when swap is more than half
	 * full or the folio is mlocked (mlocked folios are not on the lists the model scans);
	 * folio_free_swap keeps it while the page tables hold the swap entry (a page reclaim
	 * unmapped) or the write is in flight. */
	if (!s->nonres || !swap_cache_only(&s->ws))
		return;
	if (swap_vm_full(rs))
		free_swap_cache(mm, head, &s->ws);
}

bool swap_writeout(struct mm *mm, pfn_t head, uint64_t id, struct nonres_entry *e)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	uint64_t nr = 1ull << p->order;
	if (rs->swap_used + nr > rs->swap_pages)
		return false;
	if (!e)
		e = workingset_get(rs, id);
	slots_take(&rs->slots, e, nr);
	e->flags |= NONRES_SWAPCACHE;
	rs->swap_used += nr;
	if (rs->swap_used == rs->swap_pages && rs->swap_cache_only)
		swap_reclaim_cache_only(mm);
	p->flags |= PF_WRITEBACK | PF_RECLAIM;
	rs->nr_writeback += nr;
	count_vm_events(mm, VM_PSWPOUT, nr);
	count_vm_events(mm, VM_NR_VMSCAN_WRITE, nr);
	count_vm_events(mm, VM_PGPGOUT, nr * (PAGE_SIZE / 1024));
	writeback_submit(mm, &rs->swap, id, nr);
	return true;
}

bool swap_fault_in(struct mm *mm, struct mm_request *req, struct obj_slot *s)
{
	struct reclaim_state *rs = mm->reclaim;
	uint64_t id = s->id;
	enum obj_kind kind = (enum obj_kind)s->kind;
	unsigned order = s->order;
	uint64_t nr = 1ull << order;
	bool anon = kind == OBJ_SWAPPED;
	struct nonres_entry *e = workingset_find(rs, id);
	gfp_t gfp = e && (e->flags & NONRES_GFP) ? e->gfp : workingset_default_gfp(anon, order);
	/* A fault run again as an actor (an allocation had to sleep) asks for the window it
	 * asked for the first time: the readahead state is put back. */
	struct swap_slots *sl = &rs->slots;
	const struct swap_ra ra0 = sl->ra;
	sim_assert(!anon || (e && (e->flags & NONRES_SWAPPED)));
	int nr_ahead = anon && !order ? read_ahead(mm, req, id, e->shadow_age /* its first slot */, gfp) : 0;
	pfn_t pfn = PFN_NONE;
	if (anon && !order && nr_ahead >= 0) {
		/* The readahead's allocations may have slept (even those that read nothing),
		 * and meanwhile another task's fault read this page ahead (it is in the swap
		 * cache: this fault is a hit) or its owner freed it. */
		struct obj_slot *t = obj_lookup(&mm->objs, id);
		if (!t || t->kind != kind) {
			if (t && t->kind == OBJ_PAGES && t->nonres && (t->ws.flags & NONRES_SWAPCACHE))
				swap_access(mm, t->pfn, &t->ws);
			return t && t->kind == OBJ_PAGES;
		}
	}
	if (nr_ahead >= 0)
		e = read_in(mm, req, id, gfp, order, anon, &pfn);
	if (pfn == PFN_NONE) {
		if (req && req->deferred)
			sl->ra = ra0;
		return false; /* still not resident; a failure was counted */
	}

	struct wb_device *dev = anon ? &rs->swap : &rs->disk;
	sim_ns_t lat = dev->latency_ns + writeback_transfer_ns(dev, nr + (uint64_t)nr_ahead);
	mm_request_charge_io(req, lat);
	count_vm_event(mm, VM_PGMAJFAULT);
	if (anon)
		rs->stall_swapin_ns += lat;
	else
		rs->stall_refault_ns += lat;
	if (e) {
		/* should_try_to_free_swap (do_swap_page, 6.18): this is a read fault (a write
		 * is a `dirty` record, whose writeback_dirty_page frees the slot next); the slot
		 * stays with the page in the swap cache unless swap is more than half full,
		 * judged with the slot still counted. */
		if (anon && (e->flags & NONRES_SWAPPED) && !swap_vm_full(rs))
			swap_mapped(rs, e, nr);
		else
			swap_drop_slot(mm, e, nr);
		if (!(e->flags & (NONRES_GFP | NONRES_SWAPCACHE)))
			workingset_del(rs, id);
	}
	return true;
}
