/* pin.c — pins on objects (long-term GUP, short I/O pins): a pinned page's refcount is
 * above what migration expects, so it can never move or be reclaimed (model.md §6.1, §6.2).
 *
 * The kinds differ in what waits for them: a short pin (an O_DIRECT or network buffer in
 * flight, buffer heads the journal holds on a block-device page) is dropped by its holder
 * soon, so alloc_contig_range retries the page (-EAGAIN); a FOLL_LONGTERM pin stays for as
 * long as its owner likes, so alloc_contig_range gives the range up at once (cma.c).  An
 * owner pin is a long-term pin whose holder can move the page itself (the aio ring:
 * aio_migrate_folio swaps ctx->ring_folios[] to the copy); under policy.migration.pinned
 * callback a page held only by owner pins migrates, and its pins follow it (migrate.c).
 *   0 <= owner_pins <= longterm_pins <= pins;  PF_PINNED on the head <=> pins > 0
 * An unpin record names no kind: it drops a short pin while the object holds one (those
 * end first), else a FOLL_LONGTERM one, else an owner pin. */
#include "mm.h"

#include "migrate.h"

bool mm_pin_req(struct mm *mm, struct mm_request *req, uint64_t id, int pin_kind)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	/* FOLL_LONGTERM first moves the page out of CMA / ZONE_MOVABLE (model.md §6.1); if
	 * that fails the pin still happens in place (the kernel would fail the GUP: the
	 * workload's pin is intent, so the model keeps it and counts the failure).  An owner
	 * pin does the same: it stands for aio setting its ring up in GFP_USER memory, as it
	 * has since 3.12, outside the CMA area. */
	bool longterm = pin_kind == PIN_LONGTERM || pin_kind == PIN_OWNER;
	if (longterm && mm->cfg->policy.cma.pin_migrate && !s->pins) {
		if (!migrate_longterm_pin(mm, req, id))
			count_vm_event(mm, VM_MMSIM_LONGTERM_PIN_IN_CMA);
		s = obj_lookup(&mm->objs, id);
	}
	if (s->pins < UINT16_MAX) {
		s->pins++;
		if (longterm)
			s->longterm_pins++;
		/* Past 255 owner pins the rest count as plain long-term ones: they never move. */
		if (pin_kind == PIN_OWNER && s->owner_pins < UINT8_MAX)
			s->owner_pins++;
	}
	mm->pages[s->pfn].flags |= PF_PINNED;
	sim_assert3(mm_check_full(mm));
	return true;
}

bool mm_unpin(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES || !s->pins)
		return false;
	if (s->longterm_pins == s->pins) {
		if (s->owner_pins == s->longterm_pins)
			s->owner_pins--;
		s->longterm_pins--;
	}
	if (--s->pins == 0)
		mm->pages[s->pfn].flags &= (uint16_t)~PF_PINNED;
	return true;
}
