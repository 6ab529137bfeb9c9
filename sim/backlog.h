/* backlog.h — one task's FIFO of trace records waiting to be issued (replay.c).
 *
 * Under memory pressure an open-loop task spends most of its time blocked, and the records
 * that arrive meanwhile wait here: in the overcommit bench case (kbuild under swap) nearly
 * the whole trace does at some point, 4.9 M records.  So a waiting record is kept in 16
 * bytes, not as a 40-byte struct trace_record: what it needs is its time (an offset from
 * its chunk's first record), its id (48 bits), its kind and order, and its gfp (an
 * allocation) or its arg (any other kind); its task is the backlog's.  A record that does
 * not fit (an id of 2^48 or more, a count, an offset of 2^32 ns or more, a gfp on a kind
 * other than an allocation, an arg on an allocation) is kept whole in a side ring, its
 * slot marked BACKLOG_ESC, so every record comes back exactly as pushed.
 *
 * The slots are a list of fixed chunks: a record is written once when it arrives and read
 * once when it is issued, however long the backlog grows, and a chunk is freed when its
 * last record is taken (an emptied backlog keeps its one chunk), so memory follows the
 * records waiting, not the longest wait.
 *   first == last:  len == tail - head
 *   else:           len == (BACKLOG_CHUNK - head) + BACKLOG_CHUNK × (chunks strictly
 *                   between) + tail
 *   len == 0  =>  head == tail == 0 and first == last, or, before the first push,
 *                 first == last == NULL and tail == BACKLOG_CHUNK (backlog_init: the
 *                 push's one test for a full chunk asks for the first)
 *   esc_len == the slots from head to tail marked BACKLOG_ESC; esc_cap is 0 or a power of
 *   two; esc[(esc_head + i) & (esc_cap - 1)], i < esc_len, are theirs in order
 *   a chunk's base_ns == the time of the record pushed into its slot 0
 * A chunk whose last record was taken becomes the spare, last->next (at most one; the one
 * before is freed then), and the next chunk the backlog needs is the spare. */
#ifndef MMSIM_BACKLOG_H
#define MMSIM_BACKLOG_H

#include "common.h"
#include "trace/trace.h"

#define BACKLOG_CHUNK 254 /* slots: a chunk is 16 + 254 × 16 = 4080 bytes */
#define BACKLOG_ESC 0xffu  /* a slot's kind: the record is the next one of the side ring */
#define BACKLOG_ID_BITS 48

struct backlog_slot {
	uint64_t id_kind; /* id (bits 0-47) | kind << 48 (enum trace_kind, or BACKLOG_ESC) | order << 56 */
	uint32_t dt_ns;   /* time_ns - the chunk's base_ns */
	uint32_t word;    /* TR_ALLOC: gfp; other kinds: arg */
};
_Static_assert(sizeof(struct backlog_slot) == 16, "a waiting record stays 16 bytes");
_Static_assert(NR_TRACE_KINDS < BACKLOG_ESC, "BACKLOG_ESC is no kind");

struct backlog_chunk {
	struct backlog_chunk *next;
	sim_ns_t base_ns;
	struct backlog_slot r[BACKLOG_CHUNK];
};

struct backlog {
	struct backlog_chunk *first, *last;
	uint32_t head, tail, len; /* head: slot in first; tail: slot in last; len: records */
	uint32_t esc_head, esc_len, esc_cap;
	struct trace_record *esc; /* the records kept whole */
};

/* Out of line (cold): a chunk for the next push; a used-up first chunk retired; a record
 * kept whole; the side ring's oldest record. */
void backlog_add_chunk(struct backlog *b);
void backlog_retire(struct backlog *b);
void backlog_push_whole(struct backlog *b, const struct trace_record *rec);
const struct trace_record *backlog_esc_head(const struct backlog *b);
void backlog_free(struct backlog *b);

static inline void backlog_init(struct backlog *b)
{
	*b = (struct backlog){ .tail = BACKLOG_CHUNK };
}

static inline uint64_t backlog_slot_id(const struct backlog_slot *x)
{
	return x->id_kind & ((1ull << BACKLOG_ID_BITS) - 1);
}

static inline unsigned backlog_slot_kind(const struct backlog_slot *x)
{
	return (unsigned)(x->id_kind >> BACKLOG_ID_BITS) & 0xff;
}

/* Append rec, a record of the backlog's task. */
static inline void backlog_push(struct backlog *b, const struct trace_record *rec)
{
	if (b->tail == BACKLOG_CHUNK)
		backlog_add_chunk(b);
	struct backlog_chunk *c = b->last;
	if (!b->tail)
		c->base_ns = rec->time_ns;
	sim_ns_t dt = rec->time_ns - c->base_ns; /* an earlier time wraps past UINT32_MAX */
	bool alloc = rec->kind == TR_ALLOC;
	uint32_t word = alloc ? rec->gfp : (uint32_t)rec->arg;
	uint32_t other = alloc ? (uint32_t)rec->arg : rec->gfp;
	struct backlog_slot *x = &c->r[b->tail++];
	b->len++;
	if (__builtin_expect(((dt >> 32) | (rec->id >> BACKLOG_ID_BITS) | rec->count | other) != 0, 0)) {
		*x = (struct backlog_slot){ .id_kind = (uint64_t)BACKLOG_ESC << BACKLOG_ID_BITS };
		backlog_push_whole(b, rec);
		return;
	}
	*x = (struct backlog_slot){ .id_kind = rec->id | (uint64_t)rec->kind << BACKLOG_ID_BITS |
					       (uint64_t)rec->order << (BACKLOG_ID_BITS + 8),
				    .dt_ns = (uint32_t)dt,
				    .word = word };
}

/* The slot of the oldest record (the backlog is not empty), for a prefetch. */
static inline const struct backlog_slot *backlog_head_slot(const struct backlog *b)
{
	return &b->first->r[b->head];
}

/* The slots after the oldest one's that are in its chunk (a prefetch's look ahead at the
 * ids and kinds; an escaped record's slot shows id 0). */
static inline uint32_t backlog_nr_ahead(const struct backlog *b)
{
	return (b->first == b->last ? b->tail : BACKLOG_CHUNK) - b->head - 1;
}

/* The address of the slot n records after the oldest, in its chunk or the next (to be
 * prefetched: nothing is loaded). */
static inline const void *backlog_addr_ahead(const struct backlog *b, uint32_t n)
{
	uint32_t i = b->head + n;
	if (i < BACKLOG_CHUNK)
		return &b->first->r[i];
	return b->first->next ? &b->first->next->r[i - BACKLOG_CHUNK] : NULL;
}

/* The oldest record of task's (non-empty) backlog, into *out. */
static inline void backlog_peek(const struct backlog *b, uint32_t task, struct trace_record *out)
{
	const struct backlog_chunk *c = b->first;
	const struct backlog_slot *x = &c->r[b->head];
	unsigned kind = backlog_slot_kind(x);
	if (__builtin_expect(kind == BACKLOG_ESC, 0)) {
		*out = *backlog_esc_head(b);
		return;
	}
	*out = (struct trace_record){ .time_ns = c->base_ns + x->dt_ns, .id = backlog_slot_id(x), .task = task,
				      .kind = (uint8_t)kind, .order = (uint8_t)(x->id_kind >> (BACKLOG_ID_BITS + 8)) };
	if (kind == TR_ALLOC)
		out->gfp = x->word;
	else
		out->arg = (int32_t)x->word;
}

/* The oldest record of task's (non-empty) backlog, taken into *out. */
static inline void backlog_take(struct backlog *b, uint32_t task, struct trace_record *out)
{
	backlog_peek(b, task, out);
	if (__builtin_expect(backlog_slot_kind(&b->first->r[b->head]) == BACKLOG_ESC, 0)) {
		b->esc_head = (b->esc_head + 1) & (b->esc_cap - 1);
		b->esc_len--;
	}
	b->head++;
	if (!--b->len) /* empty: the one chunk left is kept for the next push */
		b->head = b->tail = 0;
	else if (b->head == BACKLOG_CHUNK) /* used up, with records after it: they are in the next chunk */
		backlog_retire(b);
}

#endif
