#include "engine.h"

#include <stdlib.h>
#include <string.h>

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
}

void engine_destroy(struct engine *e)
{
	free(e->heap);
	e->heap = NULL;
	e->nr_events = e->cap_events = 0;
}

unsigned engine_register(struct engine *e, const char *name, engine_handler_fn fn, void *ctx)
{
	sim_assert(e->nr_handlers < ENGINE_MAX_HANDLERS);
	e->handlers[e->nr_handlers] = (struct engine_handler){ .name = name, .fn = fn, .ctx = ctx };
	return e->nr_handlers++;
}

static bool event_before(const struct engine_event *a, const struct engine_event *b)
{
	return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->seq < b->seq);
}

uint64_t engine_schedule(struct engine *e, sim_ns_t time_ns, unsigned handler, uint64_t arg)
{
	sim_assert(handler < e->nr_handlers);
	if (time_ns < e->now_ns)
		time_ns = e->now_ns;
	if (e->nr_events == e->cap_events) {
		size_t cap = e->cap_events ? 2 * e->cap_events : 64;
		struct engine_event *h = realloc(e->heap, cap * sizeof(*h));
		if (!h)
			abort(); /* out of host memory: nothing sensible to do mid-simulation */
		e->heap = h;
		e->cap_events = cap;
	}
	struct engine_event ev = { .time_ns = time_ns, .seq = e->next_seq++, .arg = arg, .handler = handler };
	size_t i = e->nr_events++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!event_before(&ev, &e->heap[parent]))
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ev;
	return ev.seq;
}

sim_ns_t engine_next_time(const struct engine *e)
{
	return e->nr_events ? e->heap[0].time_ns : UINT64_MAX;
}

static struct engine_event pop(struct engine *e)
{
	struct engine_event top = e->heap[0];
	struct engine_event last = e->heap[--e->nr_events];
	size_t i = 0, n = e->nr_events;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && event_before(&e->heap[c + 1], &e->heap[c]))
			c++;
		if (!event_before(&e->heap[c], &last))
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (n)
		e->heap[i] = last;
	return top;
}

bool engine_step(struct engine *e)
{
	if (!e->nr_events)
		return false;
	struct engine_event ev = pop(e);
	if (ev.time_ns > e->now_ns)
		e->now_ns = ev.time_ns;
	e->nr_dispatched++;
	const struct engine_handler *h = &e->handlers[ev.handler];
	h->fn(h->ctx, e->now_ns, ev.arg);
	return true;
}

void engine_run_until(struct engine *e, sim_ns_t until_ns)
{
	while (e->nr_events && e->heap[0].time_ns <= until_ns)
		engine_step(e);
	if (until_ns > e->now_ns)
		e->now_ns = until_ns;
}

void engine_advance(struct engine *e, sim_ns_t to_ns)
{
	if (to_ns > e->now_ns)
		e->now_ns = to_ns;
}
