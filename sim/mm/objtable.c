/* objtable.c — trace object id -> slot (head pfn, pins, order, kind): a window indexed by
 * id over the recent ids, and an overflow hash (a u64map) for the rest (mm.h struct
 * obj_table).
 *
 * Ids are handed out in sequence by the generators, so the live ones cluster in a range
 * that moves forward: a direct-indexed window over it turns most lookups into one access
 * at a predictable address, next to its neighbours in the trace (a hash scatters them, and
 * an identity hash clusters).  When an insertion runs past the window's end, the window
 * slides forward and the objects it passes move to the overflow.  Ids far from the window
 * (an importer's pfn-based ids) go to the overflow at once, so a sparse id space costs what
 * a plain hash does.
 *
 * The window doubles when more than 1 in WINDOW_SPILL of the positions it slides past still
 * hold a live object (lifetimes longer than the window), but only while it is smaller than
 * WINDOW_PER_LIVE slots per live object, so its size stays bounded by the live objects.
 *
 * Slots move when the array is rebuilt (growth), when the window slides past a live
 * object, and when an overflow deletion shifts a probe run back; obj_moved follows each
 * move, so page_frame.owner == slot index holds for live heads. */
#include "mm.h"

#include <stdlib.h>

#include "../lib/bigalloc.h"

#define WINDOW_MIN 1024u      /* slots of the first window (24 KiB: a small node stays small) */
#define OVERFLOW_MIN 256u     /* slots of the first overflow map */
#define WINDOW_SPILL 32u      /* grow when > 1/32 of the passed positions were live */
#define WINDOW_PER_LIVE 8u    /* ... and the window has < 8 slots per live object */
#define WINDOW_MAX (1u << 28)
#define WINDOW_AHEAD 64u      /* a slide leaves 1/64 of the window ahead of the new id */

static void obj_moved(void *ctx, void *slot, uint32_t index)
{
	struct mm *mm = ctx;
	const struct obj_slot *s = slot;
	if (s->pfn != PFN_NONE)
		mm->pages[s->pfn].owner = mm->objs.ring + index;
}

static const struct u64map_type obj_map_type = {
	.slot_size = sizeof(struct obj_slot),
	.key_words = 1,
	.min_cap = OVERFLOW_MIN,
	.moved = obj_moved,
};
_Static_assert(offsetof(struct obj_slot, id) == 0 && OBJ_EMPTY == U64MAP_EMPTY, "obj_slot is keyed by id");

/* The head of a live slot now at index i names it. */
static void follow(struct mm *mm, const struct obj_slot *s, uint32_t i)
{
	if (s->pfn != PFN_NONE)
		mm->pages[s->pfn].owner = i;
}

/* Re-lay the table with a window of ring slots starting at id base and an overflow of ov
 * slots: window objects go to their index, and so do overflow objects the new window
 * covers; the other overflow objects are re-inserted in index order (so the layout depends
 * only on the ids and their history).  The new window must cover the old one, and neither
 * part shrinks.
 *
 * In place: the array grows with big_realloc (its pages move, they are neither copied nor
 * zeroed again), the old overflow's objects are set aside, a window object whose index
 * changes moves up (id & (ring - 1) is its old index plus a multiple of the old ring, so it
 * lands past the old window, on a position cleared first), and only the part past the old
 * window is written afresh.  An overflow that doubles leaves the window untouched. */
static void rebuild(struct mm *mm, uint32_t ring, uint32_t ov, uint64_t base)
{
	struct obj_table *t = &mm->objs;
	struct obj_table old = *t;
	sim_assert(base <= old.base && old.base + old.ring <= base + ring);
	sim_assert(ring >= old.ring && ring + ov >= old.cap);
	uint32_t nr_spill = 0;
	struct obj_slot *spill = old.map.nr_live ? big_calloc(old.map.nr_live, sizeof(*spill)) : NULL;
	if (old.map.nr_live && !spill)
		abort();
	for (uint32_t i = old.ring; i < old.cap; i++)
		if (old.slots[i].id != OBJ_EMPTY)
			spill[nr_spill++] = old.slots[i];
	sim_assert(nr_spill == old.map.nr_live);
	struct obj_slot *slots = big_realloc(old.slots, old.cap, (size_t)ring + ov, sizeof(*slots));
	if (!slots)
		abort();
	for (uint32_t i = old.ring; i < ring + ov; i++)
		slots[i].id = OBJ_EMPTY;
	t->slots = slots;
	t->ring = ring;
	t->cap = ring + ov;
	t->base = base;
	t->map = (struct u64map){ .slots = slots + ring, .cap = ov };
	for (uint32_t i = 0; ring != old.ring && i < old.ring; i++) {
		struct obj_slot *s = &slots[i];
		if (s->id == OBJ_EMPTY)
			continue;
		uint32_t k = (uint32_t)(s->id & (ring - 1));
		if (k == i)
			continue;
		sim_assert(k >= old.ring && slots[k].id == OBJ_EMPTY);
		slots[k] = *s;
		s->id = OBJ_EMPTY;
		follow(mm, &slots[k], k);
	}
	for (uint32_t j = 0; j < nr_spill; j++) {
		const struct obj_slot *s = &spill[j];
		if (s->id - base < ring) { /* back into the window */
			uint32_t k = (uint32_t)(s->id & (ring - 1));
			sim_assert(slots[k].id == OBJ_EMPTY);
			slots[k] = *s;
			follow(mm, s, k);
			t->nr_ring++;
			continue;
		}
		bool added;
		uint32_t k = u64map_get(&t->map, &obj_map_type, s->id, &added, mm);
		slots[ring + k] = *s;
		follow(mm, s, ring + k);
	}
	big_free(spill, old.map.nr_live, sizeof(*spill));
}

/* Room for one more overflow entry without u64map_get growing the map itself (its slots
 * live inside the table's array). */
static void overflow_reserve(struct mm *mm)
{
	struct obj_table *t = &mm->objs;
	if ((uint64_t)(t->map.nr_live + 1) * 10 > (uint64_t)t->map.cap * 7)
		rebuild(mm, t->ring, t->map.cap * 2, t->base);
}

/* A fresh overflow slot for id (absent from the table); its other bytes are zero. */
static struct obj_slot *overflow_add(struct mm *mm, uint64_t id)
{
	overflow_reserve(mm);
	struct obj_table *t = &mm->objs;
	bool added;
	uint32_t k = u64map_get(&t->map, &obj_map_type, id, &added, mm);
	sim_assert(added);
	return &t->slots[t->ring + k];
}

int obj_table_init(struct mm *mm)
{
	mm->objs = (struct obj_table){ 0 };
	rebuild(mm, WINDOW_MIN, OVERFLOW_MIN, 0);
	return 0;
}

void obj_table_destroy(struct mm *mm)
{
	big_free(mm->objs.slots, mm->objs.cap, sizeof(*mm->objs.slots));
	mm->objs = (struct obj_table){ 0 };
}

struct obj_slot *obj_lookup_overflow(struct obj_table *t, uint64_t id)
{
	if (!t->map.nr_live)
		return NULL;
	uint32_t i = u64map_find(&t->map, &obj_map_type, id);
	return i == U64MAP_NONE ? NULL : &t->slots[t->ring + i];
}

/* Slide the window so it ends a WINDOW_AHEAD-th of its length past id (base + ring == id +
 * ring / WINDOW_AHEAD + 1), moving the live objects it passes to the overflow: the next ids
 * of the sequence then land in the window without a slide each (a slide by one position
 * per new id read a cold slot a window's length back on every insert), and the positions
 * passed are walked in one sequential run.  Then, once a quarter of the window's length
 * has been passed, double it if too many objects outlived it.  It grows backwards (its end
 * stays), taking back from the overflow the objects it covers again. */
static void slide(struct mm *mm, uint64_t id)
{
	struct obj_table *t = &mm->objs;
	uint64_t ahead = t->ring / WINDOW_AHEAD;
	uint64_t end = id < OBJ_EMPTY - 1 - ahead ? id + ahead : OBJ_EMPTY - 1;
	uint64_t to = end - t->ring + 1;
	uint64_t n = to - t->base;
	uint64_t from = n > t->ring ? to - t->ring : t->base; /* positions before it are empty */
	for (uint64_t p = from; p < to && t->nr_ring; p++) {
		struct obj_slot *s = &t->slots[p & (t->ring - 1)];
		if (s->id == OBJ_EMPTY)
			continue;
		sim_assert(s->id < to);
		struct obj_slot copy = *s;
		s->id = OBJ_EMPTY;
		t->nr_ring--;
		t->passed_live++;
		t->base = p + 1; /* a rebuild for the overflow must not take copy back */
		struct obj_slot *d = overflow_add(mm, copy.id); /* may rebuild: s is stale */
		*d = copy;
		follow(mm, d, (uint32_t)(d - t->slots));
	}
	t->base = to;
	t->passed = (uint32_t)MIN((uint64_t)t->passed + n, UINT32_MAX);
	if ((uint64_t)t->passed * 4 < t->ring)
		return;
	if ((uint64_t)t->passed_live * WINDOW_SPILL > t->passed &&
	    (uint64_t)t->ring < (uint64_t)t->nr_live * WINDOW_PER_LIVE && t->ring < WINDOW_MAX)
		rebuild(mm, t->ring * 2, t->map.cap, t->base > t->ring ? t->base - t->ring : 0);
	t->passed = t->passed_live = 0;
}

struct obj_slot *obj_insert(struct mm *mm, uint64_t id)
{
	if (obj_lookup(&mm->objs, id))
		return NULL;
	return obj_insert_absent(mm, id);
}

struct obj_slot *obj_insert_slow(struct mm *mm, uint64_t id)
{
	struct obj_table *t = &mm->objs;
	sim_assert(id != OBJ_EMPTY);
	sim_assert2(!obj_lookup(t, id));
	struct obj_slot *s;
	uint64_t off = id - t->base;
	if (id >= t->base && off >= t->ring && off - t->ring < t->ring) {
		slide(mm, id); /* the next ids of the sequence */
		off = id - t->base;
	} else if (id >= t->base && off >= t->ring && !t->nr_ring) {
		t->base = id; /* a jump with nothing in the window: start it here */
		off = 0;
	}
	if (id >= t->base && off < t->ring) {
		s = &t->slots[id & (t->ring - 1)];
		sim_assert(s->id == OBJ_EMPTY);
		s->id = id;
		t->nr_ring++;
	} else {
		if (id > t->base)
			t->far_hi = MAX(t->far_hi, id);
		s = overflow_add(mm, id);
	}
	t->nr_live++;
	s->pfn = PFN_NONE;
	s->pins = 0;
	s->longterm_pins = 0;
	s->owner_pins = 0;
	s->order = 0;
	s->kind = OBJ_PAGES;
	s->task = 0;
	s->nonres = 0;
	s->ws.shadow_age = 0;
	s->ws.gfp = 0;
	s->ws.flags = 0;
	return s;
}

void obj_remove_overflow(struct mm *mm, struct obj_slot *s)
{
	struct obj_table *t = &mm->objs;
	uint32_t i = (uint32_t)(s - t->slots);
	sim_assert(i >= t->ring && i < t->cap && s->id != OBJ_EMPTY);
	t->nr_live--;
	u64map_remove(&t->map, &obj_map_type, i - t->ring, mm);
}
