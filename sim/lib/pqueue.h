/* pqueue.h — a min-priority queue of timed entries, ordered by (time_ns, seq).
 *
 * seq is the queue's own insertion counter, so (time_ns, seq) is a total order: two
 * entries due at the same time come out in the order they were pushed, and the pop order
 * does not depend on the heap's shape, its arity or its growth.  Every queue in the
 * simulator (engine events, closed-loop pending records, workload scheduling) is one of
 * these, so a run stays bit-for-bit reproducible.
 *
 * An entry carries either a u64 value (payload_size 0) or a copy of payload_size bytes,
 * and a tag of PQ_TAG_BITS bits that rides in the low bits of its seq word (the engine's
 * handler: its events are three words, time, seq | handler and argument, with no payload).
 * Payloads live in a slot array and the heap sifts only 24-byte keys, so a large payload
 * (a trace record) costs one copy in and one copy out, not one per heap level.
 *
 * An entry due no later than the heap's top and no earlier than the last entry of the
 * run goes to the run instead: a FIFO whose keys ascend, popped in O(1).  A
 * scheduler's "now" events (an actor resumed at once, a task woken when its actor ends)
 * land there.  A pop takes the lesser of the run's first key and the heap's top, so the
 * pop order is the (time, seq) order whichever side holds an entry.
 *
 * Invariants (order == seq << PQ_TAG_BITS | tag, so comparing order compares seq):
 *   heap[i].(time_ns, order) < heap[PQ_ARITY*i + k].(time_ns, order), k = 1..PQ_ARITY
 *   run[(run_head + i) % run_cap].(time_ns, order) < run[(run_head + i + 1) % run_cap].(...)
 *   run_cap is 0 or a power of two; nr_run <= run_cap
 *   payload_size > 0:  nr + nr_run + nr_free_slots == nr_slots
 *
 * Use:
 *	struct pqueue q;
 *	pqueue_init(&q, sizeof(struct trace_record));
 *	pqueue_push_payload(&q, due_ns, &rec);
 *	while (pqueue_min_time(&q) <= horizon_ns) {
 *		struct pqueue_entry e;
 *		pqueue_pop(&q, &e, &rec);
 *	}
 *	pqueue_destroy(&q);
 */
#ifndef MMSIM_LIB_PQUEUE_H
#define MMSIM_LIB_PQUEUE_H

#include "../common.h"

/* A 4-ary heap: shallower than a binary one, and a node's children share a cache line,
 * which matters for the workload queue holding every long-lived object's release. */
#define PQ_ARITY 4
#define PQ_TAG_BITS 5
#define PQ_MAX_TAGS (1u << PQ_TAG_BITS)

struct pqueue_key {
	sim_ns_t time_ns;
	uint64_t order; /* seq << PQ_TAG_BITS | tag */
	uint64_t value; /* the entry's value, or its slot when the queue has payloads */
};

/* One popped entry. */
struct pqueue_entry {
	sim_ns_t time_ns;
	uint64_t seq;
	uint64_t value; /* 0 for a payload queue */
	unsigned tag;
};

struct pqueue {
	struct pqueue_key *heap;
	size_t nr, cap;
	struct pqueue_key *run; /* ring of ascending keys (the FIFO run) */
	size_t run_head, nr_run, run_cap;
	uint64_t next_seq;
	size_t payload_size;
	unsigned char *slots; /* [cap_slots * payload_size] */
	uint32_t *free_slots;
	size_t nr_slots, cap_slots, nr_free_slots;
};

/* An empty queue whose entries carry payload_size bytes each (0: a u64 value). */
void pqueue_init(struct pqueue *q, size_t payload_size);
void pqueue_destroy(struct pqueue *q);
/* Drop every entry; seq keeps counting, so order across the clear is still by push. */
void pqueue_clear(struct pqueue *q);

/* Push an entry with a u64 value (payload_size 0); returns its seq. */
uint64_t pqueue_push(struct pqueue *q, sim_ns_t time_ns, uint64_t value);
/* Push a copy of payload (payload_size bytes); returns its seq. */
uint64_t pqueue_push_payload(struct pqueue *q, sim_ns_t time_ns, const void *payload);
/* Pop the earliest entry into *out (may be NULL) and, for a payload queue, its payload
 * into payload (may be NULL); false when the queue is empty. */
bool pqueue_pop(struct pqueue *q, struct pqueue_entry *out, void *payload);

static inline size_t pqueue_len(const struct pqueue *q)
{
	return q->nr + q->nr_run;
}

/* Time of the earliest entry, or UINT64_MAX when the queue is empty. */
static inline sim_ns_t pqueue_min_time(const struct pqueue *q)
{
	sim_ns_t h = q->nr ? q->heap[0].time_ns : UINT64_MAX;
	sim_ns_t r = q->nr_run ? q->run[q->run_head].time_ns : UINT64_MAX;
	return h < r ? h : r;
}

/* ---- the keys: inline, so the engine's queue (pqueue_push_key / pqueue_pop_key on
 * a queue of u64 values) costs no call per event; the payload queues call them from
 * pqueue.c. */

/* Room for one more key in the run or the heap (out of line, cold). */
void pqueue_grow_run(struct pqueue *q) __attribute__((noinline, cold));
void pqueue_grow_heap(struct pqueue *q) __attribute__((noinline, cold));

static inline bool pqueue_key_before(const struct pqueue_key *a, const struct pqueue_key *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns;
	return a->order < b->order;
}

/* Queue value (or a payload's slot) at time_ns with tag (< PQ_MAX_TAGS); returns its seq. */
static inline uint64_t pqueue_push_key(struct pqueue *q, sim_ns_t time_ns, uint64_t value, unsigned tag)
{
	uint64_t seq = q->next_seq++;
	struct pqueue_key k = { .time_ns = time_ns, .order = seq << PQ_TAG_BITS | tag, .value = value };
	/* k's seq exceeds every queued one, so k follows the run's last key when its time is
	 * no earlier: the run stays ascending, which is all the pop's merge needs.  Only an
	 * entry due no later than the heap's top goes there, so a far one cannot hold the
	 * run's tail back from the near ones pushed after it. */
	if ((!q->nr || time_ns <= q->heap[0].time_ns) &&
	    (!q->nr_run || time_ns >= q->run[(q->run_head + q->nr_run - 1) & (q->run_cap - 1)].time_ns)) {
		if (q->nr_run == q->run_cap)
			pqueue_grow_run(q);
		q->run[(q->run_head + q->nr_run++) & (q->run_cap - 1)] = k;
		return seq;
	}
	if (q->nr == q->cap)
		pqueue_grow_heap(q);
	size_t i = q->nr++;
	while (i > 0) {
		size_t parent = (i - 1) / PQ_ARITY;
		if (!pqueue_key_before(&k, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = k;
	return seq;
}

/* The earliest key, removed, into *out; false when the queue is empty.  The lesser of the
 * run's first key and the heap's top. */
static inline bool pqueue_pop_key(struct pqueue *q, struct pqueue_key *out)
{
	if (q->nr_run && (!q->nr || pqueue_key_before(&q->run[q->run_head], &q->heap[0]))) {
		*out = q->run[q->run_head];
		q->run_head = (q->run_head + 1) & (q->run_cap - 1);
		q->nr_run--;
		return true;
	}
	if (!q->nr)
		return false;
	struct pqueue_key *h = q->heap;
	*out = h[0];
	size_t n = --q->nr;
	if (!n)
		return true;
	struct pqueue_key last = h[n];
	size_t i = 0;
	for (;;) {
		size_t c = PQ_ARITY * i + 1, best = c;
		if (c >= n)
			break;
		size_t end = MIN(c + PQ_ARITY, n);
		for (size_t j = c + 1; j < end; j++)
			if (pqueue_key_before(&h[j], &h[best]))
				best = j;
		if (!pqueue_key_before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
	return true;
}

#endif
