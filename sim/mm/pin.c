/* pin.c — pins on objects (long-term GUP, short I/O pins): a pinned page's refcount is
 * above what migration expects, so it can never move or be reclaimed (model.md §6.1, §6.2). */
#include "mm.h"

#include "migrate.h"

bool mm_pin_req(struct mm *mm, struct mm_request *req, uint64_t id, int pin_kind)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	/* FOLL_LONGTERM first moves the page out of CMA / ZONE_MOVABLE (model.md §6.1); if
	 * that fails the pin still happens in place (the kernel would fail the GUP: the
	 * workload's pin is intent, so the model keeps it and counts the failure). */
	if (pin_kind == PIN_LONGTERM && mm->cfg->policy.cma.pin_migrate && !s->pins) {
		if (!migrate_longterm_pin(mm, req, id))
			count_vm_event(mm, VM_MMSIM_LONGTERM_PIN_IN_CMA);
		s = obj_lookup(&mm->objs, id);
	}
	if (s->pins < UINT16_MAX)
		s->pins++;
	mm->pages[s->pfn].flags |= PF_PINNED;
	sim_assert3(mm_check_full(mm));
	return true;
}

bool mm_unpin(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES || !s->pins)
		return false;
	if (--s->pins == 0)
		mm->pages[s->pfn].flags &= (uint16_t)~PF_PINNED;
	return true;
}
