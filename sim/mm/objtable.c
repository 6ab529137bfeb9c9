/* objtable.c — trace object id -> head pfn, open addressing with linear probing.
 * Deletion shifts later entries back (no tombstones), fixing page_frame.owner of every
 * moved slot so owner == slot index always holds for live heads. */
#include "mm.h"

#include <stdlib.h>

static inline uint32_t obj_hash(uint64_t id, uint32_t mask)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdull;
	id ^= id >> 33;
	return (uint32_t)id & mask;
}

struct obj_slot *obj_lookup(struct obj_table *t, uint64_t id)
{
	uint32_t mask = t->cap - 1;
	for (uint32_t i = obj_hash(id, mask);; i = (i + 1) & mask) {
		struct obj_slot *s = &t->slots[i];
		if (s->id == id)
			return s;
		if (s->id == OBJ_EMPTY)
			return NULL;
	}
}

static void obj_grow(struct mm *mm)
{
	struct obj_table *t = &mm->objs;
	uint32_t old_cap = t->cap;
	struct obj_slot *old = t->slots;
	t->cap = old_cap ? old_cap * 2 : 1024;
	t->slots = malloc((size_t)t->cap * sizeof(*t->slots));
	if (!t->slots)
		abort();
	for (uint32_t i = 0; i < t->cap; i++)
		t->slots[i].id = OBJ_EMPTY;
	uint32_t mask = t->cap - 1;
	for (uint32_t k = 0; k < old_cap; k++) {
		if (old[k].id == OBJ_EMPTY)
			continue;
		uint32_t i = obj_hash(old[k].id, mask);
		while (t->slots[i].id != OBJ_EMPTY)
			i = (i + 1) & mask;
		t->slots[i] = old[k];
		if (old[k].pfn != PFN_NONE)
			mm->pages[old[k].pfn].owner = i;
	}
	free(old);
}

struct obj_slot *obj_insert(struct mm *mm, uint64_t id)
{
	struct obj_table *t = &mm->objs;
	if ((uint64_t)(t->nr_live + 1) * 10 > (uint64_t)t->cap * 7)
		obj_grow(mm);
	uint32_t mask = t->cap - 1;
	uint32_t i = obj_hash(id, mask);
	for (;; i = (i + 1) & mask) {
		if (t->slots[i].id == id)
			return NULL;
		if (t->slots[i].id == OBJ_EMPTY)
			break;
	}
	t->slots[i] = (struct obj_slot){ .id = id, .pfn = PFN_NONE };
	t->nr_live++;
	return &t->slots[i];
}

void obj_remove(struct mm *mm, struct obj_slot *s)
{
	struct obj_table *t = &mm->objs;
	uint32_t mask = t->cap - 1;
	uint32_t hole = (uint32_t)(s - t->slots);
	t->slots[hole].id = OBJ_EMPTY;
	t->nr_live--;
	for (uint32_t i = (hole + 1) & mask; t->slots[i].id != OBJ_EMPTY; i = (i + 1) & mask) {
		uint32_t home = obj_hash(t->slots[i].id, mask);
		/* Move i into the hole unless its home lies cyclically in (hole, i]. */
		bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (stays)
			continue;
		t->slots[hole] = t->slots[i];
		if (t->slots[hole].pfn != PFN_NONE)
			mm->pages[t->slots[hole].pfn].owner = hole;
		t->slots[i].id = OBJ_EMPTY;
		hole = i;
	}
}
