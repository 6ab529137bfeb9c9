/* objtable.c — trace object id -> slot (head pfn, pins, order, kind), a u64map.
 * The map moves a slot only when it grows or when a deletion shifts a probe run back;
 * obj_moved follows each move, so page_frame.owner == slot index holds for live heads. */
#include "mm.h"

#include <stdlib.h>

static void obj_moved(void *ctx, void *slot, uint32_t index)
{
	struct mm *mm = ctx;
	const struct obj_slot *s = slot;
	if (s->pfn != PFN_NONE)
		mm->pages[s->pfn].owner = index;
}

static const struct u64map_type obj_map_type = {
	.slot_size = sizeof(struct obj_slot),
	.key_words = 1,
	.min_cap = 1024,
	.moved = obj_moved,
};
_Static_assert(offsetof(struct obj_slot, id) == 0 && OBJ_EMPTY == U64MAP_EMPTY, "obj_slot is keyed by id");

struct obj_slot *obj_lookup(struct obj_table *t, uint64_t id)
{
	uint32_t i = u64map_find(&t->map, &obj_map_type, id);
	return i == U64MAP_NONE ? NULL : &t->slots[i];
}

struct obj_slot *obj_insert(struct mm *mm, uint64_t id)
{
	struct obj_table *t = &mm->objs;
	bool added;
	uint32_t i = u64map_get(&t->map, &obj_map_type, id, &added, mm);
	if (i == U64MAP_NONE)
		abort();
	t->slots = t->map.slots;
	t->cap = t->map.cap;
	if (!added)
		return NULL;
	struct obj_slot *s = &t->slots[i];
	s->pfn = PFN_NONE;
	s->pins = 0;
	s->longterm_pins = 0;
	s->order = 0;
	s->kind = OBJ_PAGES;
	s->task = 0;
	return s;
}

void obj_remove(struct mm *mm, struct obj_slot *s)
{
	struct obj_table *t = &mm->objs;
	u64map_remove(&t->map, &obj_map_type, (uint32_t)(s - t->slots), mm);
}
