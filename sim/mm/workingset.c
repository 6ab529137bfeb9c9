/* workingset.c — shadow entries and refault detection (reference §4.3 "Workingset"), and
 * the side table that holds them: object id -> {gfp, shadow age, swap slot}.
 *
 * The kernel keeps a shadow entry in the page-cache / swap-cache slot of an evicted page,
 * packing the lruvec's nonresident_age at eviction.  On refault, the refault distance is
 * nonresident_age(now) − shadow; the page is activated when the distance is within the
 * workingset size (workingset_test_recent, 6.x):
 *   file refault: active_file (+ active_anon + inactive_anon when swap has room);
 *   anon refault: active_file + inactive_file (+ active_anon when swap has room).
 * nonresident_age advances on every eviction and every activation (workingset_age_nonresident).
 */
#include "vmscan.h"

#include <stdlib.h>

static inline uint32_t id_hash(uint64_t id, uint32_t mask)
{
	id ^= id >> 31;
	id *= 0x9e3779b97f4a7c15ull;
	id ^= id >> 29;
	return (uint32_t)id & mask;
}

static void map_grow(struct nonres_map *m)
{
	uint32_t old_cap = m->cap;
	struct nonres_entry *old = m->slots;
	m->cap = old_cap ? old_cap * 2 : 1024;
	m->slots = malloc((size_t)m->cap * sizeof(*m->slots));
	if (!m->slots)
		abort();
	for (uint32_t i = 0; i < m->cap; i++)
		m->slots[i].id = OBJ_EMPTY;
	uint32_t mask = m->cap - 1;
	for (uint32_t k = 0; k < old_cap; k++) {
		if (old[k].id == OBJ_EMPTY)
			continue;
		uint32_t i = id_hash(old[k].id, mask);
		while (m->slots[i].id != OBJ_EMPTY)
			i = (i + 1) & mask;
		m->slots[i] = old[k];
	}
	free(old);
}

struct nonres_entry *workingset_find(struct reclaim_state *rs, uint64_t id)
{
	struct nonres_map *m = &rs->map;
	if (!m->cap)
		return NULL;
	uint32_t mask = m->cap - 1;
	for (uint32_t i = id_hash(id, mask);; i = (i + 1) & mask) {
		if (m->slots[i].id == id)
			return &m->slots[i];
		if (m->slots[i].id == OBJ_EMPTY)
			return NULL;
	}
}

struct nonres_entry *workingset_get(struct reclaim_state *rs, uint64_t id)
{
	struct nonres_entry *e = workingset_find(rs, id);
	if (e)
		return e;
	struct nonres_map *m = &rs->map;
	if ((uint64_t)(m->nr_live + 1) * 10 > (uint64_t)m->cap * 7)
		map_grow(m);
	uint32_t mask = m->cap - 1;
	uint32_t i = id_hash(id, mask);
	while (m->slots[i].id != OBJ_EMPTY)
		i = (i + 1) & mask;
	m->slots[i] = (struct nonres_entry){ .id = id };
	m->nr_live++;
	return &m->slots[i];
}

void workingset_del(struct reclaim_state *rs, uint64_t id)
{
	struct nonres_map *m = &rs->map;
	struct nonres_entry *e = workingset_find(rs, id);
	if (!e)
		return;
	uint32_t mask = m->cap - 1;
	uint32_t hole = (uint32_t)(e - m->slots);
	m->slots[hole].id = OBJ_EMPTY;
	m->nr_live--;
	for (uint32_t i = (hole + 1) & mask; m->slots[i].id != OBJ_EMPTY; i = (i + 1) & mask) {
		uint32_t home = id_hash(m->slots[i].id, mask);
		bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (stays)
			continue;
		m->slots[hole] = m->slots[i];
		m->slots[i].id = OBJ_EMPTY;
		hole = i;
	}
}

void workingset_map_destroy(struct reclaim_state *rs)
{
	free(rs->map.slots);
	rs->map.slots = NULL;
	rs->map.cap = rs->map.nr_live = 0;
}

/* __remove_mapping + workingset_eviction: the clean head (already off the LRU) is freed;
 * its object stays in the table as non-resident with a shadow of the current age. */
void workingset_evict(struct mm *mm, pfn_t head, struct nonres_entry *e)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	struct obj_slot *s = &mm->objs.slots[p->owner];
	unsigned order = p->order;
	bool anon = p->flags & PF_SWAPBACKED;
	if (!e)
		e = workingset_get(rs, s->id);
	if (!(e->flags & NONRES_GFP))
		e->gfp = workingset_default_gfp(anon, order);
	e->flags |= NONRES_GFP | NONRES_SHADOW;
	e->shadow_age = (uint32_t)rs->nonresident_age;
	if (anon) {
		/* The clean swap-cache copy is all that remains: the slot stays allocated. */
		e->flags = (uint8_t)((e->flags & ~NONRES_SWAPCACHE) | NONRES_SWAPPED);
		s->kind = OBJ_SWAPPED;
	} else {
		s->kind = OBJ_EVICTED;
	}
	s->pfn = PFN_NONE;
	rs->nonresident_age += 1ull << order;
	mm_free_pages(mm, head, order);
}

bool workingset_test_recent(struct mm *mm, const struct nonres_entry *e, bool file)
{
	const struct lruvec *v = &mm->lruvec;
	uint32_t distance = (uint32_t)mm->reclaim->nonresident_age - e->shadow_age;
	uint64_t ws = v->nr_pages[LRU_ACTIVE_FILE];
	if (!file)
		ws += v->nr_pages[LRU_INACTIVE_FILE];
	if (vmscan_can_swap(mm)) {
		ws += v->nr_pages[LRU_ACTIVE_ANON];
		if (file)
			ws += v->nr_pages[LRU_INACTIVE_ANON];
	}
	return distance <= ws;
}
