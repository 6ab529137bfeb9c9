#include "pqueue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void pqueue_grow_run(struct pqueue *q)
{
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

void pqueue_grow_heap(struct pqueue *q)
{
	q->heap = grow(q->heap, &q->cap, sizeof(*q->heap), 64);
}

uint64_t pqueue_push(struct pqueue *q, sim_ns_t time_ns, uint64_t value)
{
	sim_assert(q->payload_size == 0);
	return pqueue_push_key(q, time_ns, value, 0);
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
	memcpy(q->slots + (size_t)slot * q->payload_size, payload, q->payload_size);
	return pqueue_push_key(q, time_ns, slot, 0);
}

bool pqueue_pop(struct pqueue *q, struct pqueue_entry *out, void *payload)
{
	struct pqueue_key top;
	if (!pqueue_pop_key(q, &top))
		return false;
	if (q->payload_size) {
		uint32_t slot = (uint32_t)top.value;
		if (payload)
			memcpy(payload, q->slots + (size_t)slot * q->payload_size, q->payload_size);
		q->free_slots[q->nr_free_slots++] = slot;
		top.value = 0;
	}
	if (out)
		*out = (struct pqueue_entry){ .time_ns = top.time_ns,
					      .seq = top.order >> PQ_TAG_BITS,
					      .value = top.value,
					      .tag = (unsigned)(top.order & (PQ_MAX_TAGS - 1)) };
	return true;
}
