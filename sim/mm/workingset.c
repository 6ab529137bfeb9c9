/* workingset.c — shadow entries and refault detection (model.md §4.3 "Workingset"), and
 * the side entries that hold them: {gfp, shadow age, swap slot} in the object's slot.
 *
 * The kernel keeps a shadow entry in the page-cache / swap-cache slot of an evicted page,
 * packing the lruvec's nonresident_age at eviction.  On refault, the refault distance is
 * nonresident_age(now) − shadow; the page is activated when the distance is within the
 * workingset size (workingset_test_recent, 6.x):
 *   file refault: active_file (+ active_anon + inactive_anon when swap has room);
 *   anon refault: active_file + inactive_file (+ active_anon when swap has room).
 * nonresident_age advances on every eviction and every activation (workingset_age_nonresident).
 *
 * Shadow entries are bounded as the kernel's shadow-node shrinker bounds them
 * (count_shadow_nodes in 6.12: at most node_present_pages >> 3 xarray nodes holding
 * shadows, sized for a worst-case density of 8 shadows per 64-slot node, i.e. one shadow
 * per present page): an evicted file object is forgotten — its shadow and its object —
 * once shadow_limit (the node's present pages) later file evictions have happened, oldest
 * first as the shrinker's list_lru walk goes.  A record that names it afterwards finds no
 * object, as the page cache has no entry for it; so the table holds the live objects, the
 * swapped ones (bounded by swap) and at most one evicted object per present page.
 */
#include "vmscan.h"

#include <stdlib.h>

/* The entries live in the objects' slots (mm.h struct nonres_entry): obj_slot.nonres says
 * whether one is valid, so finding an object's entry is finding the object, and an entry
 * moves, and goes, with its slot. */
struct nonres_entry *workingset_at(const struct reclaim_state *rs, uint32_t i)
{
	struct obj_slot *s = &rs->mm->objs.slots[i];
	return s->id != OBJ_EMPTY && s->nonres ? &s->ws : NULL;
}

struct nonres_entry *workingset_find(struct reclaim_state *rs, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&rs->mm->objs, id);
	return s && s->nonres ? &s->ws : NULL;
}

/* An object that has none gets a zeroed entry (every object with an entry exists). */
struct nonres_entry *workingset_get(struct reclaim_state *rs, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&rs->mm->objs, id);
	sim_assert(s);
	if (!s->nonres) {
		s->nonres = 1;
		s->ws.shadow_age = 0;
		s->ws.gfp = 0;
		s->ws.flags = 0;
		rs->nr_nonres++;
	}
	return &s->ws;
}

void workingset_del(struct reclaim_state *rs, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&rs->mm->objs, id);
	if (s && s->nonres) {
		s->nonres = 0;
		rs->nr_nonres--;
	}
}

void workingset_map_destroy(struct reclaim_state *rs)
{
	free(rs->shadows.q);
	rs->shadows = (struct shadow_fifo){ 0 };
}

static uint64_t node_present_pages(const struct mm *mm)
{
	uint64_t n = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += mm->zones[i].present;
	return n;
}

/* Forget the oldest evictions beyond the bound (shadow_limit, the node's present pages
 * unless a test set it): entries whose object was refaulted, freed or evicted again
 * since are stale and go without effect. */
static void shadow_shrink(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	struct shadow_fifo *f = &rs->shadows;
	if (!rs->shadow_limit)
		rs->shadow_limit = MAX(node_present_pages(mm), 1);
	while (f->len > rs->shadow_limit) {
		struct shadow_ref r = f->q[f->head];
		f->head = (f->head + 1) % f->cap;
		f->len--;
		struct obj_slot *s = obj_lookup(&mm->objs, r.id);
		if (!s || s->kind != OBJ_EVICTED)
			continue;
		const struct nonres_entry *e = workingset_find(rs, r.id);
		if (!e || e->shadow_age != r.age)
			continue;
		workingset_del(rs, r.id);
		obj_remove(mm, s);
		rs->shadows_dropped++;
	}
}

static void shadow_push(struct reclaim_state *rs, uint64_t id, uint32_t age)
{
	struct shadow_fifo *f = &rs->shadows;
	if (f->len == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		struct shadow_ref *q = malloc(cap * sizeof(*q));
		if (!q)
			abort();
		for (size_t i = 0; i < f->len; i++)
			q[i] = f->q[(f->head + i) % f->cap];
		free(f->q);
		f->q = q;
		f->head = 0;
		f->cap = cap;
	}
	f->q[(f->head + f->len) % f->cap] = (struct shadow_ref){ .id = id, .age = age };
	f->len++;
}

/* __remove_mapping + workingset_eviction: the clean head (already off the LRU) is freed;
 * its object stays in the table as non-resident with a shadow of the current age. */
void workingset_evict(struct mm *mm, struct mm_request *req, pfn_t head, struct nonres_entry *e)
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
	workingset_set_shadow(rs, e, (uint32_t)rs->nonresident_age); /* anon: beside its slot */
	if (anon) {
		/* The clean swap-cache copy is all that remains: the slot stays allocated. */
		if (e->flags & NONRES_SWAPMAPPED) /* try_to_unmap: the page tables hold the entry */
			rs->swap_cache_only -= 1ull << order;
		e->flags = (uint8_t)((e->flags & ~(NONRES_SWAPCACHE | NONRES_SWAPMAPPED | NONRES_READAHEAD)) |
				     NONRES_SWAPPED);
		s->kind = OBJ_SWAPPED;
	} else {
		s->kind = OBJ_EVICTED;
		shadow_push(rs, s->id, e->shadow_age); /* a file object holds no swap slot */
	}
	s->pfn = PFN_NONE;
	rs->nonresident_age += 1ull << order;
	p->xflags &= (uint8_t)~PFX_MEMCG_MASK; /* free pages carry no memcg (mm.h) */
	mm_free_pages(mm, req, head, order);
	if (!anon)
		shadow_shrink(mm); /* last: it may move slots and side entries */
}

bool workingset_test_recent(struct mm *mm, const struct nonres_entry *e, bool file)
{
	const struct lruvec *v = &mm->lruvec;
	uint32_t distance = (uint32_t)mm->reclaim->nonresident_age - workingset_shadow(mm->reclaim, e);
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

void workingset_count_refault(struct mm *mm, bool anon, uint64_t nr, bool activate)
{
	count_vm_events(mm, anon ? VM_WORKINGSET_REFAULT_ANON : VM_WORKINGSET_REFAULT_FILE, nr);
	if (activate) {
		count_vm_events(mm, anon ? VM_WORKINGSET_ACTIVATE_ANON : VM_WORKINGSET_ACTIVATE_FILE, nr);
		mm->reclaim->nonresident_age += nr;
	}
}
