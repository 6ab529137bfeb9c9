/* u64map.c — the cold parts of u64map.h: growth and release. */
#include "u64map.h"

#include <stdlib.h>

/* Double the table (or allocate min_cap slots), re-inserting the live slots in index
 * order so the layout depends only on the keys and their insertion history. */
int u64map_grow(struct u64map *m, const struct u64map_type *t, void *ctx)
{
	struct u64map old = *m;
	uint32_t cap = old.cap ? old.cap * 2 : t->min_cap;
	if (!cap || (cap & (cap - 1)) || cap < old.cap)
		return -1;
	void *slots = malloc((size_t)cap * t->slot_size);
	if (!slots)
		return -1;
	m->slots = slots;
	m->cap = cap;
	for (uint32_t i = 0; i < cap; i++)
		*(uint64_t *)u64map_slot(m, t, i) = U64MAP_EMPTY;
	uint32_t mask = cap - 1;
	for (uint32_t k = 0; k < old.cap; k++) {
		if (!u64map_live(&old, t, k))
			continue;
		const uint64_t *key = u64map_key(&old, t, k);
		uint32_t i = (uint32_t)u64map_hash(key[0], t->key_words == 2 ? key[1] : 0) & mask;
		while (u64map_live(m, t, i))
			i = (i + 1) & mask;
		memcpy(u64map_slot(m, t, i), u64map_slot(&old, t, k), t->slot_size);
		if (t->moved)
			t->moved(ctx, u64map_slot(m, t, i), i);
	}
	free(old.slots);
	return 0;
}

void u64map_destroy(struct u64map *m)
{
	free(m->slots);
	*m = (struct u64map){ 0 };
}
