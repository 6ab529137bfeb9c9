#include "engine.h"
#include "actor.h"

#include <string.h>

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	pqueue_init(&e->queue, sizeof(struct engine_event));
}

void engine_destroy(struct engine *e)
{
	actor_pool_destroy(e);
	pqueue_destroy(&e->queue);
}

unsigned engine_register(struct engine *e, const char *name, engine_handler_fn fn, void *ctx)
{
	sim_assert(e->nr_handlers < ENGINE_MAX_HANDLERS);
	e->handlers[e->nr_handlers] = (struct engine_handler){ .name = name, .fn = fn, .ctx = ctx };
	return e->nr_handlers++;
}

uint64_t engine_schedule(struct engine *e, sim_ns_t time_ns, unsigned handler, uint64_t arg)
{
	sim_assert(handler < e->nr_handlers);
	if (time_ns < e->now_ns)
		time_ns = e->now_ns;
	struct engine_event ev = { .arg = arg, .handler = handler };
	return pqueue_push_payload(&e->queue, time_ns, &ev);
}

sim_ns_t engine_next_time(const struct engine *e)
{
	return pqueue_min_time(&e->queue);
}

bool engine_step(struct engine *e)
{
	struct pqueue_entry at;
	struct engine_event ev;
	if (!pqueue_pop(&e->queue, &at, &ev))
		return false;
	if (at.time_ns > e->now_ns)
		e->now_ns = at.time_ns;
	e->nr_dispatched++;
	const struct engine_handler *h = &e->handlers[ev.handler];
	h->fn(h->ctx, e->now_ns, ev.arg);
	return true;
}

/* engine_run_until once an event is due. */
void engine_run_events_until(struct engine *e, sim_ns_t until_ns)
{
	while (pqueue_len(&e->queue) && pqueue_min_time(&e->queue) <= until_ns)
		engine_step(e);
	if (until_ns > e->now_ns)
		e->now_ns = until_ns;
}

void engine_advance(struct engine *e, sim_ns_t to_ns)
{
	if (to_ns > e->now_ns)
		e->now_ns = to_ns;
}
