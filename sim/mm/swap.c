/* swap.c — swap slots, swap-out writes and major faults (swap-in and file refault).
 *
 * A swap device has devices.swap.size pages (0: no swap, anon is never reclaimed).  Reclaim
 * of an anon page takes a slot (add_to_swap) and writes the page (pageout, pswpout); the
 * page keeps its slot as a clean swap-cache copy until the next scan frees it, and then
 * the object is OBJ_SWAPPED.  An access to it is a major fault: the pages are allocated
 * again through mm_alloc with the original gfp, the read (latency + size / bandwidth of the
 * swap device) is charged to the request (struct mm_request), pswpin and pgmajfault count, and
 * the slot is released at once (the model always frees the swap slot on swap-in, as
 * do_swap_page does for exclusive write faults and whenever swap is half full).
 * A file object dropped by reclaim (OBJ_EVICTED) refaults the same way from the disk.
 */
#include "vmscan.h"

void swap_drop_slot(struct mm *mm, struct nonres_entry *e, uint64_t pages)
{
	struct reclaim_state *rs = mm->reclaim;
	if (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)) {
		sim_assert(rs->swap_used >= pages);
		rs->swap_used -= pages;
	}
	e->flags &= (uint8_t)~(NONRES_SWAPCACHE | NONRES_SWAPPED);
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
		swap_drop_slot(mm, e, nr);
		e->flags &= (uint8_t)~NONRES_SHADOW;
		if (!(e->flags & NONRES_GFP) || e->gfp == workingset_default_gfp(anon, order))
			workingset_del(rs, id);
	}
	return true;
}
