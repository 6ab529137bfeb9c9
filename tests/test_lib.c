/* test_lib.c — the generic primitives of sim/lib: the pfn-indexed list (pfnlist.h) and the
 * u64-keyed open-addressing table (u64map.h), the helper thread beside a ring
 * (ring_thread.h); and sim_grow (common.h).  Hand-derived cases first, then randomized
 * property tests against plain reference models (the seed is printed; rerun with --seed N).
 */
#include "lib/bigalloc.h"
#include "lib/pfnlist.h"
#include "lib/ring_thread.h"
#include "lib/u64map.h"

#include "testlib.h"

#include <signal.h>

/* ---- helpers ------------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: enough spread for choosing operations */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* ---- pfn_list ------------------------------------------------------------------------ */

/* 12-byte records: the list only relies on the links coming first, not on a 16-byte stride. */
struct elem {
	pfn_t next, prev;
	uint32_t tag;
};

#define NR_ELEMS 64
static struct elem elems[NR_ELEMS];

static struct pfn_links links(void)
{
	return (struct pfn_links){ .base = (char *)elems, .stride = sizeof(elems[0]) };
}

static void elems_reset(void)
{
	for (pfn_t i = 0; i < NR_ELEMS; i++)
		elems[i] = (struct elem){ .next = PFN_NONE, .prev = PFN_NONE, .tag = 0xabcd0000u + i };
}

/* Walk l forwards and backwards; true when both walks give want[0..n) and tags are intact. */
static bool list_is(const struct pfn_list *l, const pfn_t *want, size_t n)
{
	size_t k = 0;
	pfn_t prev = PFN_NONE;
	for (pfn_t p = l->head; p != PFN_NONE; prev = p, p = elems[p].next) {
		if (k >= n || p != want[k] || elems[p].prev != prev)
			return false;
		k++;
	}
	if (k != n || l->tail != prev)
		return false;
	for (pfn_t p = l->tail; p != PFN_NONE; p = elems[p].prev)
		if (k == 0 || p != want[--k])
			return false;
	for (pfn_t i = 0; i < NR_ELEMS; i++)
		if (elems[i].tag != 0xabcd0000u + i)
			return false;
	return k == 0;
}

static void test_pfnlist_basic(void)
{
	elems_reset();
	struct pfn_list l;
	pfn_list_init(&l);
	CHECK(pfn_list_empty(&l));
	CHECK(list_is(&l, NULL, 0));

	pfn_list_add_tail(&l, links(), 1);
	CHECK(!pfn_list_empty(&l));
	CHECK_EQ(l.head, 1);
	CHECK_EQ(l.tail, 1);
	CHECK_EQ(elems[1].next, PFN_NONE);
	CHECK_EQ(elems[1].prev, PFN_NONE);

	pfn_list_add_tail(&l, links(), 2);
	pfn_list_add(&l, links(), 3, true);
	CHECK(list_is(&l, (pfn_t[]){ 1, 2, 3 }, 3));
	pfn_list_add_head(&l, links(), 0);
	pfn_list_add(&l, links(), 9, false);
	CHECK(list_is(&l, (pfn_t[]){ 9, 0, 1, 2, 3 }, 5));
	CHECK_EQ(elems[0].prev, 9);
	CHECK_EQ(elems[0].next, 1);

	/* middle, head, tail */
	pfn_list_del(&l, links(), 1);
	CHECK(list_is(&l, (pfn_t[]){ 9, 0, 2, 3 }, 4));
	CHECK_EQ(elems[1].next, PFN_NONE);
	CHECK_EQ(elems[1].prev, PFN_NONE);
	pfn_list_del(&l, links(), 9);
	CHECK(list_is(&l, (pfn_t[]){ 0, 2, 3 }, 3));
	CHECK_EQ(l.head, 0);
	pfn_list_del(&l, links(), 3);
	CHECK(list_is(&l, (pfn_t[]){ 0, 2 }, 2));
	CHECK_EQ(l.tail, 2);

	/* replace keeps the position: head, tail, then the only element */
	pfn_list_replace(&l, links(), 0, 7);
	CHECK(list_is(&l, (pfn_t[]){ 7, 2 }, 2));
	CHECK_EQ(elems[0].next, PFN_NONE);
	CHECK_EQ(elems[0].prev, PFN_NONE);
	pfn_list_replace(&l, links(), 2, 8);
	CHECK(list_is(&l, (pfn_t[]){ 7, 8 }, 2));
	pfn_list_add_tail(&l, links(), 4);
	pfn_list_replace(&l, links(), 8, 5);
	CHECK(list_is(&l, (pfn_t[]){ 7, 5, 4 }, 3));
	pfn_list_del(&l, links(), 7);
	pfn_list_del(&l, links(), 4);
	pfn_list_replace(&l, links(), 5, 6);
	CHECK(list_is(&l, (pfn_t[]){ 6 }, 1));
	pfn_list_del(&l, links(), 6);
	CHECK(pfn_list_empty(&l));
	CHECK_EQ(l.tail, PFN_NONE);
	CHECK(list_is(&l, NULL, 0));
}

/* Rotation: 1 2 3 4 to 3 gives 3 4 1 2 (list_is walks both directions); to the head, to
 * PFN_NONE and on a one-element list nothing moves; to the tail, the tail comes first. */
static void test_pfnlist_rotate(void)
{
	elems_reset();
	struct pfn_list l;
	pfn_list_init(&l);
	for (pfn_t p = 1; p <= 4; p++)
		pfn_list_add_tail(&l, links(), p);
	pfn_list_rotate_to_head(&l, links(), 3);
	CHECK(list_is(&l, (pfn_t[]){ 3, 4, 1, 2 }, 4));
	pfn_list_rotate_to_head(&l, links(), 3);
	pfn_list_rotate_to_head(&l, links(), PFN_NONE);
	CHECK(list_is(&l, (pfn_t[]){ 3, 4, 1, 2 }, 4));
	pfn_list_rotate_to_head(&l, links(), 2);
	CHECK(list_is(&l, (pfn_t[]){ 2, 3, 4, 1 }, 4));
	for (pfn_t p = 1; p <= 4; p++)
		pfn_list_del(&l, links(), p);
	pfn_list_add_tail(&l, links(), 5);
	pfn_list_rotate_to_head(&l, links(), 5);
	CHECK(list_is(&l, (pfn_t[]){ 5 }, 1));
}

/* Four lists over one array against arrays-as-lists; every operation is checked by a full
 * forward and backward walk of every list. */
static void test_pfnlist_random(void)
{
	uint64_t s = tl_test_seed() | 1;
	enum { NR_LISTS = 4 };
	struct pfn_list l[NR_LISTS];
	pfn_t model[NR_LISTS][NR_ELEMS];
	size_t len[NR_LISTS] = { 0 };
	int on[NR_ELEMS]; /* list index or -1 */
	elems_reset();
	for (int i = 0; i < NR_LISTS; i++)
		pfn_list_init(&l[i]);
	for (int i = 0; i < NR_ELEMS; i++)
		on[i] = -1;
	bool ok = true;
	for (int step = 0; step < 20000 && ok; step++) {
		uint64_t x = rng_next(&s);
		pfn_t p = (pfn_t)(x % NR_ELEMS);
		unsigned op = (unsigned)(x >> 32) % 4;
		if (on[p] < 0) {
			int li = (int)((x >> 40) % NR_LISTS);
			bool tail = op & 1;
			pfn_list_add(&l[li], links(), p, tail);
			if (tail) {
				model[li][len[li]++] = p;
			} else {
				memmove(&model[li][1], &model[li][0], len[li] * sizeof(pfn_t));
				model[li][0] = p;
				len[li]++;
			}
			on[p] = li;
		} else {
			int li = on[p];
			size_t k = 0;
			while (model[li][k] != p)
				k++;
			pfn_t q = (pfn_t)((x >> 16) % NR_ELEMS);
			if (op == 0 && on[q] < 0) {
				pfn_list_replace(&l[li], links(), p, q);
				model[li][k] = q;
				on[q] = li;
				ok = ok && elems[p].next == PFN_NONE && elems[p].prev == PFN_NONE;
			} else {
				pfn_list_del(&l[li], links(), p);
				memmove(&model[li][k], &model[li][k + 1], (len[li] - k - 1) * sizeof(pfn_t));
				len[li]--;
				ok = ok && elems[p].next == PFN_NONE && elems[p].prev == PFN_NONE;
			}
			on[p] = -1;
		}
		for (int i = 0; i < NR_LISTS && ok; i++)
			ok = list_is(&l[i], model[i], len[i]) && pfn_list_empty(&l[i]) == (len[i] == 0);
		if (!ok)
			fprintf(stderr, "pfn_list diverged from the model at step %d\n", step);
	}
	CHECK(ok);
}

/* ---- u64map -------------------------------------------------------------------------- */

struct kv {
	uint64_t key;
	uint64_t val;
};

/* Moves reported by the map, in order. */
struct moves {
	unsigned n;
	uint64_t key[16];
	uint32_t to[16];
};

static void kv_moved(void *ctx, void *slot, uint32_t index)
{
	struct moves *mv = ctx;
	if (mv->n < 16) {
		mv->key[mv->n] = ((const struct kv *)slot)->key;
		mv->to[mv->n] = index;
	}
	mv->n++;
}

static const struct u64map_type kv_type = {
	.slot_size = sizeof(struct kv),
	.key_words = 1,
	.min_cap = 8,
	.moved = kv_moved,
};

static struct kv *kv_at(struct u64map *m, uint32_t i)
{
	return u64map_slot(m, &kv_type, i);
}

/* The n smallest keys >= 1 whose home in a table of cap slots is home. */
static void keys_with_home(uint32_t cap, uint32_t home, uint64_t *out, unsigned n)
{
	for (uint64_t k = 1; n; k++)
		if ((u64map_hash(k, 0) & (cap - 1)) == home) {
			*out++ = k;
			n--;
		}
}

static void test_u64map_hash(void)
{
	/* x = 1; x ^= x >> 33 (1); x *= 0xff51afd7ed558ccd; x ^= x >> 33, and
	 * 0xff51afd7ed558ccd >> 33 == 0x7fa8d7eb: 0xed558ccd ^ 0x7fa8d7eb == 0x92fd5b26.
	 * This is the object table's former obj_hash, so objects keep their slots. */
	CHECK(u64map_hash(1, 0) == 0xff51afd792fd5b26ull);
	CHECK(u64map_hash(0, 0) == 0);
	/* The second word counts: (1, 1) and (1, 0) differ. */
	CHECK(u64map_hash(1, 1) != u64map_hash(1, 0));
}

static void test_u64map_basic(void)
{
	struct u64map m = { 0 };
	struct moves mv = { 0 };
	bool added;
	CHECK_EQ(u64map_find(&m, &kv_type, 5), U64MAP_NONE); /* nothing allocated yet */
	CHECK_EQ(m.cap, 0);

	uint32_t i = u64map_get(&m, &kv_type, 5, &added, &mv);
	CHECK(added);
	CHECK_EQ(m.cap, 8); /* min_cap */
	CHECK_EQ(m.nr_live, 1);
	CHECK_EQ(i, u64map_hash(5, 0) & 7);
	CHECK_EQ(kv_at(&m, i)->key, 5);
	CHECK_EQ(kv_at(&m, i)->val, 0);
	kv_at(&m, i)->val = 55;
	CHECK_EQ(u64map_get(&m, &kv_type, 5, &added, &mv), i);
	CHECK(!added);
	CHECK_EQ(kv_at(&m, i)->val, 55);
	CHECK_EQ(mv.n, 0);

	/* Keys 1..5 fill 5 of 8 slots (5*10 <= 8*7); the 6th insertion needs 60 > 56 and
	 * doubles the table, reporting a move for each of the 5 live slots. */
	for (uint64_t k = 1; k <= 4; k++)
		u64map_get(&m, &kv_type, k, &added, &mv);
	CHECK_EQ(m.nr_live, 5);
	CHECK_EQ(m.cap, 8);
	CHECK_EQ(mv.n, 0);
	u64map_get(&m, &kv_type, 6, &added, &mv);
	CHECK_EQ(m.cap, 16);
	CHECK_EQ(m.nr_live, 6);
	CHECK_EQ(mv.n, 5);
	for (unsigned k = 0; k < 5 && k < mv.n; k++)
		CHECK_EQ(kv_at(&m, mv.to[k])->key, mv.key[k]);
	i = u64map_find(&m, &kv_type, 5);
	CHECK(i != U64MAP_NONE);
	CHECK_EQ(kv_at(&m, i)->val, 55);

	/* Remove and re-insert: the new slot is zeroed. */
	mv.n = 0;
	u64map_remove(&m, &kv_type, i, &mv);
	CHECK_EQ(m.nr_live, 5);
	CHECK_EQ(u64map_find(&m, &kv_type, 5), U64MAP_NONE);
	i = u64map_get(&m, &kv_type, 5, &added, &mv);
	CHECK(added);
	CHECK_EQ(kv_at(&m, i)->val, 0);
	u64map_destroy(&m);
	CHECK_EQ(m.cap, 0);
	CHECK_EQ(m.nr_live, 0);
	CHECK(m.slots == NULL);
}

/* Backward-shift deletion on hand-placed probe runs (cap 8, homes computed from the hash). */
static void test_u64map_shift(void)
{
	struct u64map m = { 0 };
	struct moves mv = { 0 };
	bool added;
	uint64_t a[3];
	keys_with_home(8, 3, a, 3);
	/* Run 3,4,5 all homed at 3: deleting the first shifts both back, in order. */
	for (int k = 0; k < 3; k++)
		CHECK_EQ(u64map_get(&m, &kv_type, a[k], &added, &mv), 3 + k);
	u64map_remove(&m, &kv_type, 3, &mv);
	CHECK_EQ(mv.n, 2);
	CHECK_EQ(mv.key[0], a[1]);
	CHECK_EQ(mv.to[0], 3);
	CHECK_EQ(mv.key[1], a[2]);
	CHECK_EQ(mv.to[1], 4);
	CHECK_EQ(u64map_find(&m, &kv_type, a[1]), 3);
	CHECK_EQ(u64map_find(&m, &kv_type, a[2]), 4);
	CHECK(!u64map_live(&m, &kv_type, 5));
	u64map_destroy(&m);

	/* Wrap-around: x, y homed at 7 sit at 7 and 0; z homed at 0 is pushed to 1.
	 * Deleting x moves y to 7 (its home) and then z to 0 (its home). */
	uint64_t h7[2], h0[1];
	keys_with_home(8, 7, h7, 2);
	keys_with_home(8, 0, h0, 1);
	mv.n = 0;
	CHECK_EQ(u64map_get(&m, &kv_type, h7[0], &added, &mv), 7);
	CHECK_EQ(u64map_get(&m, &kv_type, h7[1], &added, &mv), 0);
	CHECK_EQ(u64map_get(&m, &kv_type, h0[0], &added, &mv), 1);
	u64map_remove(&m, &kv_type, 7, &mv);
	CHECK_EQ(mv.n, 2);
	CHECK_EQ(mv.key[0], h7[1]);
	CHECK_EQ(mv.to[0], 7);
	CHECK_EQ(mv.key[1], h0[0]);
	CHECK_EQ(mv.to[1], 0);
	CHECK(!u64map_live(&m, &kv_type, 1));

	/* A slot at its own home stays: w homed at 1 goes to slot 1 (now free); deleting
	 * z at slot 0 must not move w. */
	uint64_t h1[1];
	keys_with_home(8, 1, h1, 1);
	CHECK_EQ(u64map_get(&m, &kv_type, h1[0], &added, &mv), 1);
	mv.n = 0;
	u64map_remove(&m, &kv_type, 0, &mv);
	CHECK_EQ(mv.n, 0);
	CHECK_EQ(u64map_find(&m, &kv_type, h1[0]), 1);
	CHECK_EQ(u64map_find(&m, &kv_type, h7[1]), 7);
	u64map_destroy(&m);
}

struct kkv {
	uint64_t a, b, val;
};

static const struct u64map_type kkv_type = {
	.slot_size = sizeof(struct kkv),
	.key_words = 2,
	.min_cap = 16,
};

static void test_u64map_two_words(void)
{
	struct u64map m = { 0 };
	bool added;
	uint32_t i12 = u64map_get2(&m, &kkv_type, 1, 2, &added, NULL);
	CHECK(added);
	uint32_t i13 = u64map_get2(&m, &kkv_type, 1, 3, &added, NULL);
	CHECK(added);
	uint32_t i21 = u64map_get2(&m, &kkv_type, 2, 1, &added, NULL);
	CHECK(added);
	CHECK(i12 != i13 && i12 != i21 && i13 != i21);
	struct kkv *s = u64map_slot(&m, &kkv_type, i13);
	CHECK_EQ(s->a, 1);
	CHECK_EQ(s->b, 3);
	CHECK_EQ(u64map_find2(&m, &kkv_type, 1, 3), i13);
	CHECK_EQ(u64map_find2(&m, &kkv_type, 3, 1), U64MAP_NONE);
	CHECK_EQ(u64map_get2(&m, &kkv_type, 1, 2, &added, NULL), i12);
	CHECK(!added);
	/* one-word lookups of a two-word table mean b == 0 */
	CHECK_EQ(u64map_find(&m, &kkv_type, 1), U64MAP_NONE);
	uint32_t i10 = u64map_get(&m, &kkv_type, 1, &added, NULL);
	CHECK(added);
	CHECK_EQ(u64map_find2(&m, &kkv_type, 1, 0), i10);
	CHECK_EQ(m.nr_live, 4);
	u64map_destroy(&m);
}

/* Random get/remove against an array model.  An external index per key follows the moves
 * (as page_frame.owner follows object slots); after every operation every model key must be
 * found at its followed index with its value, and the load bound must hold. */
struct idx_track {
	uint32_t at[512]; /* key -> index, U64MAP_NONE when absent */
};

static void track_moved(void *ctx, void *slot, uint32_t index)
{
	struct idx_track *t = ctx;
	t->at[((const struct kv *)slot)->key] = index;
}

static const struct u64map_type track_type = {
	.slot_size = sizeof(struct kv),
	.key_words = 1,
	.min_cap = 4,
	.moved = track_moved,
};

static bool probe_invariant(const struct u64map *m, const struct u64map_type *t)
{
	uint32_t live = 0, mask = m->cap - 1;
	for (uint32_t i = 0; i < m->cap; i++) {
		if (!u64map_live(m, t, i))
			continue;
		live++;
		const uint64_t *k = u64map_key(m, t, i);
		/* every slot from home to i is live */
		for (uint32_t j = (uint32_t)u64map_hash(k[0], t->key_words == 2 ? k[1] : 0) & mask; j != i;
		     j = (j + 1) & mask)
			if (!u64map_live(m, t, j))
				return false;
	}
	return live == m->nr_live && (uint64_t)m->nr_live * 10 <= (uint64_t)m->cap * 7;
}

static void test_u64map_random(void)
{
	uint64_t s = tl_test_seed() ^ 0x5bd1e995u;
	if (!s)
		s = 1;
	struct u64map m = { 0 };
	struct idx_track tr;
	uint64_t val[512];
	bool present[512] = { false };
	for (int k = 0; k < 512; k++)
		tr.at[k] = U64MAP_NONE;
	unsigned nr = 0;
	bool ok = true;
	for (int step = 0; step < 50000 && ok; step++) {
		uint64_t x = rng_next(&s);
		/* a key range that grows then shrinks the live set: biased towards inserts in the
		 * first half, towards removals in the second */
		uint64_t key = 1 + (x >> 8) % 511;
		bool want_insert = ((x >> 40) % 100) < (step < 25000 ? 65u : 35u);
		bool added;
		if (want_insert) {
			uint32_t i = u64map_get(&m, &track_type, key, &added, &tr);
			ok = ok && i != U64MAP_NONE && added == !present[key];
			if (added) {
				present[key] = true;
				nr++;
				val[key] = x;
				kv_at(&m, i)->val = x;
				tr.at[key] = i;
			}
			ok = ok && kv_at(&m, i)->val == val[key];
		} else {
			uint32_t i = u64map_find(&m, &track_type, key);
			ok = ok && (i != U64MAP_NONE) == present[key];
			if (present[key]) {
				ok = ok && i == tr.at[key];
				u64map_remove(&m, &track_type, i, &tr);
				present[key] = false;
				tr.at[key] = U64MAP_NONE;
				nr--;
			}
		}
		ok = ok && m.nr_live == nr;
		if ((step & 63) == 0 || !ok) {
			for (int k = 1; k < 512 && ok; k++) {
				uint32_t i = u64map_find(&m, &track_type, (uint64_t)k);
				ok = present[k] ? i == tr.at[k] && kv_at(&m, i)->key == (uint64_t)k &&
							  kv_at(&m, i)->val == val[k]
						: i == U64MAP_NONE;
			}
			ok = ok && probe_invariant(&m, &track_type);
		}
		if (!ok)
			fprintf(stderr, "u64map diverged from the model at step %d\n", step);
	}
	CHECK(ok);
	CHECK(m.cap >= 256); /* the live set settles near 330 keys: grown from 4 at least 6 times */
	u64map_destroy(&m);
}

/* sim_grow: from empty with min 4, room for 1 is capacity 4, all zero; room for 9 doubles
 * twice (8, 16), keeps the three values written and zeroes the 13 new elements; room for
 * 16 or less changes nothing (same pointer). */
static void test_sim_grow(void)
{
	uint64_t *v = NULL;
	size_t cap = 0;
	CHECK_EQ(sim_grow(&v, &cap, 1, sizeof(*v), 4), 0);
	CHECK_EQ(cap, 4);
	CHECK(v != NULL);
	for (size_t i = 0; v && i < 4; i++)
		CHECK_EQ(v[i], 0);
	if (!v)
		return;
	v[0] = 7, v[1] = 8, v[3] = 9;
	CHECK_EQ(sim_grow(&v, &cap, 9, sizeof(*v), 4), 0);
	CHECK_EQ(cap, 16);
	CHECK(v[0] == 7 && v[1] == 8 && v[2] == 0 && v[3] == 9);
	for (size_t i = 4; i < 16; i++)
		CHECK_EQ(v[i], 0);
	uint64_t *same = v;
	CHECK_EQ(sim_grow(&v, &cap, 16, sizeof(*v), 4), 0);
	CHECK(v == same && cap == 16);
	free(v);
}

/* big_realloc keeps the first n elements across its three cases: a small array (calloc)
 * that stays small (64 KiB -> 1 MiB), one that becomes a mapping (-> 6 MiB: copied), and a
 * mapping that grows (-> 20 MiB: its pages moved).  Every element is written (the new ones
 * after each growth), i * 3 + 1, so one not kept fails. */
static void test_big_realloc(void)
{
	size_t steps[] = { 1u << 13, 1u << 17, 6u << 17, 20u << 17 }; /* elements of 8 B */
	uint64_t *v = big_realloc(NULL, 0, steps[0], sizeof(*v));
	CHECK(v != NULL);
	if (!v)
		return;
	for (size_t i = 0; i < steps[0]; i++)
		v[i] = i * 3 + 1;
	for (int k = 1; k < 4; k++) {
		v = big_realloc(v, steps[k - 1], steps[k], sizeof(*v));
		CHECK(v != NULL);
		if (!v)
			return;
		size_t bad = 0;
		for (size_t i = 0; i < steps[k - 1]; i++)
			bad += v[i] != i * 3 + 1;
		CHECK_EQ(bad, 0);
		for (size_t i = steps[k - 1]; i < steps[k]; i++)
			v[i] = i * 3 + 1;
	}
	big_free(v, steps[3], sizeof(*v));
}

/* ---- ring_thread ----------------------------------------------------------------------- */

/* A ring of 2 slots between the caller and a thread: as a reader the thread fills slots
 * with 1, 2, 3, ... and waits on freed while both are full; as a writer it empties the
 * slots the caller fills, waiting on filled while there are none.  It records whether
 * SIGINT was blocked on it. */
struct ring2 {
	struct ring_thread rt;
	uint64_t slot[2];
	unsigned head, count;
	uint64_t next, drained;
	bool reader, sigint_blocked;
};

static void *ring2_main(void *arg)
{
	struct ring2 *r = arg;
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	pthread_mutex_lock(&r->rt.mu);
	r->sigint_blocked = sigismember(&cur, SIGINT) == 1;
	for (;;) {
		if (r->reader) {
			while (r->count == 2 && !r->rt.stop)
				pthread_cond_wait(&r->rt.freed, &r->rt.mu);
			if (r->rt.stop)
				break;
			r->slot[(r->head + r->count++) % 2] = ++r->next;
			pthread_cond_signal(&r->rt.filled);
		} else {
			while (r->count == 0 && !r->rt.stop)
				pthread_cond_wait(&r->rt.filled, &r->rt.mu);
			if (r->rt.stop)
				break;
			r->drained += r->slot[r->head];
			r->head = (r->head + 1) % 2;
			r->count--;
			pthread_cond_signal(&r->rt.freed);
		}
	}
	pthread_mutex_unlock(&r->rt.mu);
	return NULL;
}

/* The caller takes 5 values (1 + 2 + 3 + 4 + 5 = 15) and stops the reader while it waits
 * on a full ring (it has made 7: 5 taken, 2 in the ring); then hands a writer 3, 4 and 5
 * (12) and stops it while it waits on an empty ring.  Neither stop may hang. */
static void test_ring_thread(void)
{
	static struct ring2 r;
	r = (struct ring2){ .reader = true };
	CHECK(ring_thread_start(&r.rt, ring2_main, &r));
	uint64_t sum = 0;
	pthread_mutex_lock(&r.rt.mu);
	for (int i = 0; i < 5; i++) {
		while (r.count == 0)
			pthread_cond_wait(&r.rt.filled, &r.rt.mu);
		sum += r.slot[r.head];
		r.head = (r.head + 1) % 2;
		r.count--;
		pthread_cond_signal(&r.rt.freed);
	}
	while (r.count < 2)
		pthread_cond_wait(&r.rt.filled, &r.rt.mu);
	pthread_mutex_unlock(&r.rt.mu);
	ring_thread_stop(&r.rt);
	CHECK_EQ(sum, 15);
	CHECK_EQ(r.next, 7);
	CHECK(r.sigint_blocked);

	r = (struct ring2){ .reader = false };
	CHECK(ring_thread_start(&r.rt, ring2_main, &r));
	pthread_mutex_lock(&r.rt.mu);
	for (uint64_t v = 3; v <= 5; v++) {
		while (r.count == 2)
			pthread_cond_wait(&r.rt.freed, &r.rt.mu);
		r.slot[(r.head + r.count++) % 2] = v;
		pthread_cond_signal(&r.rt.filled);
	}
	while (r.count)
		pthread_cond_wait(&r.rt.freed, &r.rt.mu);
	pthread_mutex_unlock(&r.rt.mu);
	ring_thread_stop(&r.rt);
	CHECK_EQ(r.drained, 12);
	CHECK(r.sigint_blocked);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_pfnlist_basic);
	RUN(test_pfnlist_rotate);
	RUN(test_pfnlist_random);
	RUN(test_u64map_hash);
	RUN(test_u64map_basic);
	RUN(test_u64map_shift);
	RUN(test_u64map_two_words);
	RUN(test_u64map_random);
	RUN(test_sim_grow);
	RUN(test_big_realloc);
	RUN(test_ring_thread);
	return TEST_END();
}
