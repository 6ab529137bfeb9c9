/* u64map.c — growth, insertion and backward-shift deletion for u64map.h. */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

static uint32_t home_of(const struct u64map *m, const struct u64map_type *t, uint32_t i)
{
	const uint64_t *k = u64map_key(m, t, i);
	return (uint32_t)u64map_hash(k[0], t->key_words == 2 ? k[1] : 0) & (m->cap - 1);
}

/* Double the table (or allocate min_cap slots), re-inserting the live slots in index
 * order so the layout depends only on the keys and their insertion history. */
static int grow(struct u64map *m, const struct u64map_type *t, void *ctx)
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

uint32_t u64map_get2(struct u64map *m, const struct u64map_type *t, uint64_t a, uint64_t b, bool *added,
		     void *ctx)
{
	sim_assert(a != U64MAP_EMPTY);
	if (t->key_words == 1)
		b = 0;
	uint32_t i = u64map_find2(m, t, a, b);
	*added = i == U64MAP_NONE;
	if (!*added)
		return i;
	if ((uint64_t)(m->nr_live + 1) * 10 > (uint64_t)m->cap * 7 && grow(m, t, ctx))
		return U64MAP_NONE;
	uint32_t mask = m->cap - 1;
	for (i = (uint32_t)u64map_hash(a, b) & mask; u64map_live(m, t, i); i = (i + 1) & mask)
		;
	uint64_t *slot = u64map_slot(m, t, i);
	memset(slot, 0, t->slot_size);
	slot[0] = a;
	if (t->key_words == 2)
		slot[1] = b;
	m->nr_live++;
	return i;
}

void u64map_remove(struct u64map *m, const struct u64map_type *t, uint32_t hole, void *ctx)
{
	sim_assert(hole < m->cap && u64map_live(m, t, hole));
	uint32_t mask = m->cap - 1;
	*(uint64_t *)u64map_slot(m, t, hole) = U64MAP_EMPTY;
	m->nr_live--;
	for (uint32_t i = (hole + 1) & mask; u64map_live(m, t, i); i = (i + 1) & mask) {
		uint32_t home = home_of(m, t, i);
		/* i stays unless the hole lies cyclically in [home, i): then a probe from home
		 * would stop at the hole before reaching i. */
		bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (stays)
			continue;
		memcpy(u64map_slot(m, t, hole), u64map_slot(m, t, i), t->slot_size);
		*(uint64_t *)u64map_slot(m, t, i) = U64MAP_EMPTY;
		if (t->moved)
			t->moved(ctx, u64map_slot(m, t, hole), hole);
		hole = i;
	}
}

void u64map_destroy(struct u64map *m)
{
	free(m->slots);
	*m = (struct u64map){ 0 };
}
