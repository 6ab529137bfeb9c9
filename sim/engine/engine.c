#include "engine.h"
#include "actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	e->next_ns = UINT64_MAX;
}

void engine_destroy(struct engine *e)
{
	actor_pool_destroy(e);
	free(e->heap);
	free(e->run);
	e->heap = e->run = NULL;
	e->nr_heap = e->cap_heap = e->nr_run = e->run_cap = e->run_head = 0;
	e->next_ns = UINT64_MAX;
}

unsigned engine_register(struct engine *e, const char *name, engine_handler_fn fn, void *ctx)
{
	sim_assert(e->nr_handlers < ENGINE_MAX_HANDLERS);
	e->handlers[e->nr_handlers] = (struct engine_handler){ .name = name, .fn = fn, .ctx = ctx };
	return e->nr_handlers++;
}

/* Out of host memory is not a data error and there is no caller to hand it to from inside
 * a simulation step: fail loudly, as an assertion would. */
static _Noreturn void out_of_memory(void)
{
	fprintf(stderr, "mmsim: engine queue: out of memory\n");
	abort();
}

static inline bool event_before(const struct engine_event *a, const struct engine_event *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns;
	return a->order < b->order;
}

static __attribute__((noinline)) void run_grow(struct engine *e)
{
	size_t cap = e->run_cap ? e->run_cap * 2 : 64;
	struct engine_event *r = malloc(cap * sizeof(*r));
	if (!r)
		out_of_memory();
	for (size_t i = 0; i < e->nr_run; i++) /* unwrapped, oldest first */
		r[i] = e->run[(e->run_head + i) & (e->run_cap - 1)];
	free(e->run);
	e->run = r;
	e->run_cap = cap;
	e->run_head = 0;
}

static __attribute__((noinline)) void heap_grow(struct engine *e)
{
	size_t cap = e->cap_heap ? e->cap_heap * 2 : 64;
	struct engine_event *h = realloc(e->heap, cap * sizeof(*h));
	if (!h)
		out_of_memory();
	e->heap = h;
	e->cap_heap = cap;
}

uint64_t engine_schedule(struct engine *e, sim_ns_t time_ns, unsigned handler, uint64_t arg)
{
	sim_assert(handler < e->nr_handlers);
	if (time_ns < e->now_ns)
		time_ns = e->now_ns;
	uint64_t seq = e->next_seq++;
	struct engine_event ev = { .time_ns = time_ns, .order = seq << ENGINE_HANDLER_BITS | handler, .arg = arg };
	if (time_ns < e->next_ns)
		e->next_ns = time_ns;
	/* ev's seq exceeds every queued one, so ev follows the run's last event when its time
	 * is no earlier: the run stays ascending.  Only an event due no later than the heap's
	 * top goes there, so a far one cannot hold the run's tail back from near ones. */
	if ((!e->nr_heap || time_ns <= e->heap[0].time_ns) &&
	    (!e->nr_run || time_ns >= e->run[(e->run_head + e->nr_run - 1) & (e->run_cap - 1)].time_ns)) {
		if (e->nr_run == e->run_cap)
			run_grow(e);
		e->run[(e->run_head + e->nr_run++) & (e->run_cap - 1)] = ev;
		return seq;
	}
	if (e->nr_heap == e->cap_heap)
		heap_grow(e);
	size_t i = e->nr_heap++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!event_before(&ev, &e->heap[parent]))
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ev;
	return seq;
}

/* The heap's top, removed (the heap is not empty). */
static struct engine_event heap_pop(struct engine *e)
{
	struct engine_event *h = e->heap;
	struct engine_event top = h[0];
	size_t n = --e->nr_heap;
	if (!n)
		return top;
	struct engine_event last = h[n];
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1, best = c;
		if (c >= n)
			break;
		size_t end = MIN(c + 4, n);
		for (size_t j = c + 1; j < end; j++)
			if (event_before(&h[j], &h[best]))
				best = j;
		if (!event_before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
	return top;
}

bool engine_step(struct engine *e)
{
	struct engine_event ev;
	if (e->nr_run && (!e->nr_heap || event_before(&e->run[e->run_head], &e->heap[0]))) {
		ev = e->run[e->run_head];
		e->run_head = (e->run_head + 1) & (e->run_cap - 1);
		e->nr_run--;
	} else if (e->nr_heap) {
		ev = heap_pop(e);
	} else {
		return false;
	}
	sim_ns_t r = e->nr_run ? e->run[e->run_head].time_ns : UINT64_MAX;
	sim_ns_t h = e->nr_heap ? e->heap[0].time_ns : UINT64_MAX;
	e->next_ns = r < h ? r : h;
	if (ev.time_ns > e->now_ns)
		e->now_ns = ev.time_ns;
	e->nr_dispatched++;
	const struct engine_handler *hd = &e->handlers[ev.order & (ENGINE_MAX_HANDLERS - 1)];
	hd->fn(hd->ctx, e->now_ns, ev.arg);
	return true;
}

/* engine_run_until once an event is due. */
void engine_run_events_until(struct engine *e, sim_ns_t until_ns)
{
	while (engine_nr_queued(e) && e->next_ns <= until_ns)
		engine_step(e);
	if (until_ns > e->now_ns)
		e->now_ns = until_ns;
}

void engine_advance(struct engine *e, sim_ns_t to_ns)
{
	if (to_ns > e->now_ns)
		e->now_ns = to_ns;
}
