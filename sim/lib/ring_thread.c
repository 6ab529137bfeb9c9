/* ring_thread.c — see ring_thread.h. */
#include "ring_thread.h"

#include <signal.h>
#include <stddef.h>

static void destroy(struct ring_thread *t)
{
	pthread_cond_destroy(&t->freed);
	pthread_cond_destroy(&t->filled);
	pthread_mutex_destroy(&t->mu);
}

bool ring_thread_start(struct ring_thread *t, void *(*fn)(void *), void *arg)
{
	t->stop = false;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->filled, NULL);
	pthread_cond_init(&t->freed, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	bool ok = pthread_create(&t->thread, NULL, fn, arg) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ok)
		destroy(t);
	return ok;
}

void ring_thread_stop(struct ring_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->stop = true;
	/* A reader thread waits on freed (the ring full), a writer thread on filled (the
	 * ring empty); the caller, stopping, waits on neither. */
	pthread_cond_broadcast(&t->freed);
	pthread_cond_broadcast(&t->filled);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	destroy(t);
}
