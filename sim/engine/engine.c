#include "engine.h"
#include "actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	pqueue_init(&e->queue, 0);
	e->next_ns = UINT64_MAX;
}

void engine_destroy(struct engine *e)
{
	actor_pool_destroy(e);
	pqueue_destroy(&e->queue);
	e->next_ns = UINT64_MAX;
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
	if (time_ns < e->next_ns)
		e->next_ns = time_ns;
	return pqueue_push_key(&e->queue, time_ns, arg, handler);
}

bool engine_step(struct engine *e)
{
	struct pqueue_key ev;
	if (!pqueue_pop_key(&e->queue, &ev))
		return false;
	e->next_ns = pqueue_min_time(&e->queue);
	if (ev.time_ns > e->now_ns)
		e->now_ns = ev.time_ns;
	e->nr_dispatched++;
	const struct engine_handler *hd = &e->handlers[ev.order & (ENGINE_MAX_HANDLERS - 1)];
	hd->fn(hd->ctx, e->now_ns, ev.value);
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
