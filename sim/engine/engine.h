/* engine.h — discrete-event core: a simulated clock and an event queue.
 *
 * The engine knows events and handlers, not memory (style.md rule 6).  Trace records are
 * streamed by the caller and never queued; only internal activity (kswapd slices,
 * writeback completions, kcompactd, sampling ticks) goes through the queue, so it stays
 * small.  Events are ordered by (time_ns, seq): seq is a global insertion counter, so two
 * events at the same time run in the order they were scheduled and every run is
 * bit-for-bit reproducible.
 *
 * Invariant: now_ns <= engine_next_time(e).
 */
#ifndef MMSIM_ENGINE_H
#define MMSIM_ENGINE_H

#include "../common.h"
#include "../lib/pqueue.h"

typedef void (*engine_handler_fn)(void *ctx, sim_ns_t now_ns, uint64_t arg);

/* An event is a pqueue key: its time, its seq with the handler as the tag, its argument. */
#define ENGINE_MAX_HANDLERS PQ_MAX_TAGS

struct actor_pool;

struct engine_handler {
	const char *name;
	engine_handler_fn fn;
	void *ctx;
};

/* The queue is a pqueue of u64 values (the handlers' arguments) tagged with the handler:
 * a 4-ary heap beside a FIFO run that takes the "now" events of a scheduler (a woken
 * actor, a task whose actor ended, a device's next completion), used through its inline
 * key operations.
 *
 * Invariant: next_ns == pqueue_min_time(&queue) (UINT64_MAX when it is empty), kept so
 * that engine_run_until is one compare.
 */
struct engine {
	sim_ns_t now_ns;
	sim_ns_t next_ns; /* time of the earliest queued event; UINT64_MAX when none */
	uint64_t nr_dispatched;
	struct pqueue queue;
	struct engine_handler handlers[ENGINE_MAX_HANDLERS];
	unsigned nr_handlers;
	struct actor_pool *actors; /* actor.c, created by the first actor_run */
};

void engine_init(struct engine *e);
void engine_destroy(struct engine *e);
/* Register a handler; returns its id for engine_schedule. */
unsigned engine_register(struct engine *e, const char *name, engine_handler_fn fn, void *ctx);
/* Schedule handler at time_ns (>= now). Returns the event's seq. */
uint64_t engine_schedule(struct engine *e, sim_ns_t time_ns, unsigned handler, uint64_t arg);
/* Events queued. */
static inline size_t engine_nr_queued(const struct engine *e)
{
	return pqueue_len(&e->queue);
}
/* Time of the earliest pending event, or UINT64_MAX when none. */
static inline sim_ns_t engine_next_time(const struct engine *e)
{
	return e->next_ns;
}
/* Dispatch the earliest event; false when the queue is empty. */
bool engine_step(struct engine *e);
void engine_run_events_until(struct engine *e, sim_ns_t until_ns);
/* Dispatch every event with time <= until_ns in (time, seq) order, then set now = until_ns
 * (if until_ns is later than now).  Handlers may schedule more events.  Inline up to the
 * first compare: the replay calls it for every record, and most records find no event due. */
static inline void engine_run_until(struct engine *e, sim_ns_t until_ns)
{
	if (e->next_ns <= until_ns)
		engine_run_events_until(e, until_ns);
	else if (until_ns > e->now_ns)
		e->now_ns = until_ns;
}
/* Advance the clock with no event (e.g. a trace record's timestamp). */
void engine_advance(struct engine *e, sim_ns_t to_ns);

#endif
