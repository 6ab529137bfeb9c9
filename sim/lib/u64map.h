/* u64map.h — an open-addressing hash table keyed by one or two u64 words.
 *
 * Linear probing over a power-of-two array of fixed-size slots; deletion shifts later
 * entries of the probe run back into the hole (no tombstones), the scheme of Knuth's
 * Algorithm R.  A slot is the caller's own struct whose first member(s) are the uint64_t
 * key word(s); an empty slot has key word 0 == U64MAP_EMPTY, so that key is reserved.
 * The table hands out slot indices: a slot stays at its index until an insertion grows
 * the table or a deletion shifts it back; both report every move through type->moved, so
 * callers that store indices elsewhere (mm's page_frame.owner) can follow.
 *
 * Per table (cap == 0 means nothing allocated yet; a zeroed struct u64map is empty):
 *   cap == 0 or cap is a power of two >= type->min_cap
 *   nr_live * 10 <= cap * 7
 *   a live key at index i has every slot from home(key) = hash & (cap - 1) up to i
 *   (cyclically) live, so a probe from home meets the key before any empty slot.
 */
#ifndef MMSIM_LIB_U64MAP_H
#define MMSIM_LIB_U64MAP_H

#include "../common.h"

#include <string.h>

#define U64MAP_EMPTY UINT64_MAX /* key word 0 of a free slot */
#define U64MAP_NONE UINT32_MAX  /* "no slot" index */

/* What a table holds; one static const per user, passed to every call (the constant
 * folds in the inline lookups). */
struct u64map_type {
	uint32_t slot_size; /* bytes per slot, key word(s) first; a multiple of 8 */
	uint32_t key_words; /* 1 or 2 */
	uint32_t min_cap;   /* first allocation; a power of two */
	/* A live slot now sits at index (grow re-inserts, deletion shifts back); NULL when
	 * nobody keeps indices. ctx is what the caller passed to u64map_get/u64map_remove. */
	void (*moved)(void *ctx, void *slot, uint32_t index);
};

struct u64map {
	void *slots;
	uint32_t cap;
	uint32_t nr_live;
};

/* fmix64's first round over the key; a second word is folded in before mixing. */
static inline uint64_t u64map_hash(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ull);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static inline void *u64map_slot(const struct u64map *m, const struct u64map_type *t, uint32_t i)
{
	return (char *)m->slots + (size_t)i * t->slot_size;
}

static inline const uint64_t *u64map_key(const struct u64map *m, const struct u64map_type *t, uint32_t i)
{
	return (const uint64_t *)u64map_slot(m, t, i);
}

static inline bool u64map_live(const struct u64map *m, const struct u64map_type *t, uint32_t i)
{
	return u64map_key(m, t, i)[0] != U64MAP_EMPTY;
}

/* Index of key (a, b) (b ignored for one-word keys), or U64MAP_NONE. */
static inline uint32_t u64map_find2(const struct u64map *m, const struct u64map_type *t, uint64_t a,
				    uint64_t b)
{
	if (!m->cap)
		return U64MAP_NONE;
	uint32_t mask = m->cap - 1;
	for (uint32_t i = (uint32_t)u64map_hash(a, t->key_words == 2 ? b : 0) & mask;; i = (i + 1) & mask) {
		const uint64_t *k = u64map_key(m, t, i);
		if (k[0] == a && (t->key_words == 1 || k[1] == b))
			return i;
		if (k[0] == U64MAP_EMPTY)
			return U64MAP_NONE;
	}
}

static inline uint32_t u64map_find(const struct u64map *m, const struct u64map_type *t, uint64_t key)
{
	return u64map_find2(m, t, key, 0);
}

/* Double the table (or allocate type->min_cap slots), reporting every move; -1 when
 * memory runs out (the table is unchanged).  u64map_get2 calls it at the load bound. */
int u64map_grow(struct u64map *m, const struct u64map_type *t, void *ctx);

/* Index of key (a, b), inserting it when absent (*added true): the new slot has its key
 * words set and every other byte zero.  May grow the table (reporting the moves).
 * U64MAP_NONE only when memory runs out.  Inline, like the lookups, so a caller's
 * constant type folds into the probe loop (the object table is on every allocation). */
static inline uint32_t u64map_get2(struct u64map *m, const struct u64map_type *t, uint64_t a, uint64_t b,
				    bool *added, void *ctx)
{
	sim_assert(a != U64MAP_EMPTY);
	if (t->key_words == 1)
		b = 0;
	/* One probe finds the key or the empty slot that ends its run, where it goes unless
	 * the table must grow first. */
	uint32_t mask = m->cap - 1, i = U64MAP_NONE;
	if (m->cap) {
		for (i = (uint32_t)u64map_hash(a, b) & mask;; i = (i + 1) & mask) {
			const uint64_t *k = u64map_key(m, t, i);
			if (k[0] == a && (t->key_words == 1 || k[1] == b)) {
				*added = false;
				return i;
			}
			if (k[0] == U64MAP_EMPTY)
				break;
		}
	}
	*added = true;
	if ((uint64_t)(m->nr_live + 1) * 10 > (uint64_t)m->cap * 7) {
		if (u64map_grow(m, t, ctx))
			return U64MAP_NONE;
		mask = m->cap - 1;
		for (i = (uint32_t)u64map_hash(a, b) & mask; u64map_live(m, t, i); i = (i + 1) & mask)
			;
	}
	uint64_t *slot = u64map_slot(m, t, i);
	memset(slot, 0, t->slot_size);
	slot[0] = a;
	if (t->key_words == 2)
		slot[1] = b;
	m->nr_live++;
	return i;
}

/* Free the live slot at index hole, shifting later entries of its probe run back. */
static inline void u64map_remove(struct u64map *m, const struct u64map_type *t, uint32_t hole, void *ctx)
{
	sim_assert(hole < m->cap && u64map_live(m, t, hole));
	uint32_t mask = m->cap - 1;
	*(uint64_t *)u64map_slot(m, t, hole) = U64MAP_EMPTY;
	m->nr_live--;
	for (uint32_t i = (hole + 1) & mask; u64map_live(m, t, i); i = (i + 1) & mask) {
		const uint64_t *k = u64map_key(m, t, i);
		uint32_t home = (uint32_t)u64map_hash(k[0], t->key_words == 2 ? k[1] : 0) & mask;
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

static inline uint32_t u64map_get(struct u64map *m, const struct u64map_type *t, uint64_t key, bool *added,
				  void *ctx)
{
	return u64map_get2(m, t, key, 0, added, ctx);
}

/* Release the slots; the table is empty (cap 0) and usable again. */
void u64map_destroy(struct u64map *m);

#endif
