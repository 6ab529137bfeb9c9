/* actor.h — sequential actors on the engine's clock (architecture.md §2).
 *
 * An actor is a piece of straight-line code — one task's request in the allocator's slow
 * path, say — that can sleep on simulated time while the engine goes on dispatching
 * everything else, and continue where it stopped when its time comes, as a kernel task
 * sleeps in place.  Each actor runs on its own stack (a coroutine, ucontext); only one
 * runs at a time and it gives the CPU back only at its sleep points, so a run stays
 * deterministic: a sleeping actor is resumed by an ordinary engine event, ordered by
 * (time, seq) like every other.
 *
 * Actors are started and resumed only from the main stack (the record loop or an engine
 * handler called by it); an actor never starts another one and never runs the engine.
 * Code that may run either inside or outside an actor asks actor_running().
 *
 * A wait queue is a FIFO of sleeping actors (the kernel's wait_queue_head_t): wait with a
 * timeout, be woken early by waitq_wake_all.
 */
#ifndef MMSIM_ACTOR_H
#define MMSIM_ACTOR_H

#include "engine.h"

typedef void (*actor_fn)(void *arg);

/* Actors waiting on a queue, linked through the actors (ids; 0 = none). */
struct waitq {
	uint32_t head, tail;
	uint32_t nr;
};

/* Start fn(arg) as an actor now; it runs until it returns or first sleeps.  Returns true
 * when it already returned (it never slept).  Must be called from the main stack. */
bool actor_run(struct engine *e, actor_fn fn, void *arg);
/* Is the code calling this running inside an actor? */
bool actor_running(const struct engine *e);
/* Sleep ns of simulated time (inside an actor). */
void actor_sleep(struct engine *e, sim_ns_t ns);
/* Sleep on q until woken or timeout_ns passed; true when woken (inside an actor).  With
 * ACTOR_NO_TIMEOUT only a wake ends the sleep (the caller guarantees one comes). */
#define ACTOR_NO_TIMEOUT UINT64_MAX
bool actor_wait(struct engine *e, struct waitq *q, sim_ns_t timeout_ns);
/* Wake the first n actors sleeping on q (in the order they went to sleep); returns how
 * many were woken.  waitq_wake_all wakes every one. */
unsigned waitq_wake(struct engine *e, struct waitq *q, unsigned n);
static inline unsigned waitq_wake_all(struct engine *e, struct waitq *q)
{
	return waitq_wake(e, q, UINT32_MAX);
}
/* Actors started and not yet returned (sleeping ones). */
unsigned actor_nr_live(const struct engine *e);
/* engine_destroy: free every actor; sleeping ones are abandoned where they sleep. */
void actor_pool_destroy(struct engine *e);

#endif
