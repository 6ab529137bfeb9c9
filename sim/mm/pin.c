/* pin.c — pins on objects (long-term GUP, short I/O pins): a pinned page's refcount is
 * above what migration expects, so it can never move or be reclaimed (reference §6.1, §6.2). */
#include "mm.h"

bool mm_pin(struct mm *mm, uint64_t id, int pin_kind)
{
	(void)pin_kind;
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	if (s->pins < UINT16_MAX)
		s->pins++;
	mm->pages[s->pfn].flags |= PF_PINNED;
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
