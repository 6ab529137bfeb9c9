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
 */
#include "vmscan.h"

#include <stdlib.h>

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
	}
	if (e->flags & NONRES_SWAPMAPPED) {
		sim_assert(rs->swap_cache_only >= pages);
		rs->swap_cache_only -= pages;
	}
	e->flags &= (uint8_t)~(NONRES_SWAPCACHE | NONRES_SWAPPED | NONRES_SWAPMAPPED);
}

static void free_swap_cache(struct mm *mm, pfn_t head, struct nonres_entry *e);

/* The swap cache alone holds the object's slot: the page is mapped again, no page table
 * holds the swap entry (swap_only_has_cache). */
static bool swap_cache_only(const struct nonres_entry *e)
{
	return (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPMAPPED)) == (NONRES_SWAPCACHE | NONRES_SWAPMAPPED);
}

/* The slot of object id if its entry is swap-cache-only now, else NULL. */
static struct obj_slot *cache_only_slot(struct reclaim_state *rs, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&rs->mm->objs, id);
	return s && s->nonres && swap_cache_only(&s->ws) ? s : NULL;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* rs->cache_only_ids without the ids that are no longer swap-cache-only, each id once. */
static void cache_only_prune(struct reclaim_state *rs)
{
	uint64_t *ids = rs->cache_only_ids;
	qsort(ids, rs->nr_cache_only_ids, sizeof(*ids), cmp_id);
	size_t n = 0;
	for (size_t i = 0; i < rs->nr_cache_only_ids; i++)
		if ((!n || ids[n - 1] != ids[i]) && cache_only_slot(rs, ids[i]))
			ids[n++] = ids[i];
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
	cache_only_note(rs, e->id);
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
	for (size_t i = 0; i < rs->nr_cache_only_ids && rs->swap_cache_only; i++) {
		struct obj_slot *s = cache_only_slot(rs, ids[i]);
		if (!s)
			continue; /* no longer cache-only (or gone): a stale id */
		free_swap_cache(mm, s->pfn, &s->ws);
		if (swap_cache_only(&s->ws))
			ids[n++] = ids[i]; /* under writeback: kept */
	}
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
	bool shadow = e && (e->flags & NONRES_SHADOW);
	bool activate = shadow && workingset_test_recent(mm, e, !anon);

	pfn_t pfn = mm_alloc_slot(mm, req, id, gfp, order, activate);
	if (pfn == PFN_NONE)
		return false; /* still not resident; the failure was counted */

	struct wb_device *dev = anon ? &rs->swap : &rs->disk;
	sim_ns_t lat = dev->latency_ns + writeback_transfer_ns(dev, nr);
	mm_request_charge_io(req, lat);
	count_vm_event(mm, VM_PGMAJFAULT);
	count_vm_events(mm, VM_PGPGIN, nr * (PAGE_SIZE / 1024));
	if (anon) {
		rs->stall_swapin_ns += lat;
		count_vm_events(mm, VM_PSWPIN, nr);
	} else {
		rs->stall_refault_ns += lat;
	}
	/* workingset_refault (6.12) bills the read to the type's cost (lru_note_cost_refault)
	 * only when the page was in the workingset before its eviction (a restore), which the
	 * model does not track (workingset_restore_* stay 0): no cost is noted. */
	if (shadow)
		workingset_count_refault(mm, anon, nr, activate);
	e = workingset_find(rs, id); /* the map may have grown */
	if (e) {
		/* should_try_to_free_swap (do_swap_page, 6.18): this is a read fault (a write
		 * is a `dirty` record, whose writeback_dirty_page frees the slot next); the slot
		 * stays with the page in the swap cache unless swap is more than half full,
		 * judged with the slot still counted. */
		if (anon && (e->flags & NONRES_SWAPPED) && !swap_vm_full(rs))
			swap_mapped(rs, e, nr);
		else
			swap_drop_slot(mm, e, nr);
		e->flags &= (uint8_t)~NONRES_SHADOW;
		if (e->flags & NONRES_GFP && e->gfp == workingset_default_gfp(anon, order))
			e->flags &= (uint8_t)~NONRES_GFP;
		if (!(e->flags & (NONRES_GFP | NONRES_SWAPCACHE)))
			workingset_del(rs, id);
	}
	return true;
}
