#include "pqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 4-ary heap: shallower than a binary one, and a node's children share a cache line,
 * which matters for the workload queue holding every long-lived object's release. */
#define PQ_ARITY 4

static void *grow(void *p, size_t *cap, size_t elem, size_t first)
{
	size_t n = *cap ? *cap * 2 : first;
	void *q = realloc(p, n * elem);
	if (!q) {
		/* Out of host memory is not a data error and there is no caller to hand it
		 * to from inside a simulation step: fail loudly, as an assertion would. */
		fprintf(stderr, "mmsim: priority queue: out of memory\n");
		abort();
	}
	*cap = n;
	return q;
}

void pqueue_init(struct pqueue *q, size_t payload_size)
{
	memset(q, 0, sizeof(*q));
	q->payload_size = payload_size;
}

void pqueue_destroy(struct pqueue *q)
{
	free(q->heap);
	free(q->run);
	free(q->slots);
	free(q->free_slots);
	pqueue_init(q, q->payload_size);
}

void pqueue_clear(struct pqueue *q)
{
	q->nr = 0;
	q->nr_run = 0;
	q->run_head = 0;
	q->nr_free_slots = 0;
	q->nr_slots = 0;
}

static bool key_before(const struct pqueue_key *a, const struct pqueue_key *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns;
	return a->seq < b->seq;
}

/* Append k to the run (its keys stay ascending: the caller checked). */
static void run_append(struct pqueue *q, struct pqueue_key k)
{
	if (q->nr_run == q->run_cap) {
		size_t cap = q->run_cap ? q->run_cap * 2 : 64;
		struct pqueue_key *r = malloc(cap * sizeof(*r));
		if (!r) {
			fprintf(stderr, "mmsim: priority queue: out of memory\n");
			abort();
		}
		for (size_t i = 0; i < q->nr_run; i++) /* unwrapped, oldest first */
			r[i] = q->run[(q->run_head + i) & (q->run_cap - 1)];
		free(q->run);
		q->run = r;
		q->run_cap = cap;
		q->run_head = 0;
	}
	q->run[(q->run_head + q->nr_run++) & (q->run_cap - 1)] = k;
}

static uint64_t sift_in(struct pqueue *q, sim_ns_t time_ns, uint64_t value)
{
	struct pqueue_key k = { .time_ns = time_ns, .seq = q->next_seq++, .value = value };
	/* k's seq exceeds every queued one, so k follows the run's last key when its time is
	 * no earlier: the run stays ascending, which is all the pop's merge needs.  Only an
	 * entry due no later than the heap's top goes there, so a far one cannot hold the
	 * run's tail back from the near ones pushed after it. */
	if ((!q->nr || time_ns <= q->heap[0].time_ns) &&
	    (!q->nr_run || time_ns >= q->run[(q->run_head + q->nr_run - 1) & (q->run_cap - 1)].time_ns)) {
		run_append(q, k);
		return k.seq;
	}
	if (q->nr == q->cap)
		q->heap = grow(q->heap, &q->cap, sizeof(*q->heap), 64);
	size_t i = q->nr++;
	while (i > 0) {
		size_t parent = (i - 1) / PQ_ARITY;
		if (!key_before(&k, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = k;
	return k.seq;
}

uint64_t pqueue_push(struct pqueue *q, sim_ns_t time_ns, uint64_t value)
{
	sim_assert(q->payload_size == 0);
	return sift_in(q, time_ns, value);
}

/* Payloads are copied with a size known at compile time when it is the engine's
 * (16 bytes), so the copy is two moves rather than a call. */
static inline void copy_payload(void *dst, const void *src, size_t size)
{
	if (size == 16)
		memcpy(dst, src, 16);
	else
		memcpy(dst, src, size);
}

static uint32_t slot_get(struct pqueue *q)
{
	if (q->nr_free_slots)
		return q->free_slots[--q->nr_free_slots];
	if (q->nr_slots == q->cap_slots) {
		size_t cap = q->cap_slots;
		q->slots = grow(q->slots, &cap, q->payload_size, 64);
		q->free_slots = realloc(q->free_slots, cap * sizeof(*q->free_slots));
		if (!q->free_slots) {
			fprintf(stderr, "mmsim: priority queue: out of memory\n");
			abort();
		}
		q->cap_slots = cap;
	}
	sim_assert(q->nr_slots < UINT32_MAX);
	return (uint32_t)q->nr_slots++;
}

uint64_t pqueue_push_payload(struct pqueue *q, sim_ns_t time_ns, const void *payload)
{
	sim_assert(q->payload_size > 0);
	uint32_t slot = slot_get(q);
	copy_payload(q->slots + (size_t)slot * q->payload_size, payload, q->payload_size);
	return sift_in(q, time_ns, slot);
}

/* The heap's top, removed. */
static struct pqueue_key heap_pop(struct pqueue *q)
{
	struct pqueue_key top = q->heap[0];
	struct pqueue_key last = q->heap[--q->nr];
	size_t n = q->nr, i = 0;
	for (;;) {
		size_t c = PQ_ARITY * i + 1, best = c;
		if (c >= n)
			break;
		size_t end = MIN(c + PQ_ARITY, n);
		for (size_t j = c + 1; j < end; j++)
			if (key_before(&q->heap[j], &q->heap[best]))
				best = j;
		if (!key_before(&q->heap[best], &last))
			break;
		q->heap[i] = q->heap[best];
		i = best;
	}
	if (n)
		q->heap[i] = last;
	return top;
}

bool pqueue_pop(struct pqueue *q, struct pqueue_entry *out, void *payload)
{
	struct pqueue_key top;
	if (q->nr_run && (!q->nr || key_before(&q->run[q->run_head], &q->heap[0]))) {
		top = q->run[q->run_head];
		q->run_head = (q->run_head + 1) & (q->run_cap - 1);
		q->nr_run--;
	} else if (q->nr) {
		top = heap_pop(q);
	} else {
		return false;
	}
	if (q->payload_size) {
		uint32_t slot = (uint32_t)top.value;
		if (payload)
			copy_payload(payload, q->slots + (size_t)slot * q->payload_size, q->payload_size);
		q->free_slots[q->nr_free_slots++] = slot;
		top.value = 0;
	}
	if (out)
		*out = (struct pqueue_entry){ .time_ns = top.time_ns, .seq = top.seq, .value = top.value };
	return true;
}
