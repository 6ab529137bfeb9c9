/* ring_thread.h — a helper thread on one side of a bounded ring of batches, the caller on
 * the other: the lock, the two conditions and the stop flag the trace reader, the text
 * reader, the gzip reader and the trace writer share.  The ring itself (its slots, head and
 * count) stays with its user; everything the two sides share is read and written under mu. */
#ifndef MMSIM_LIB_RING_THREAD_H
#define MMSIM_LIB_RING_THREAD_H

#include <pthread.h>
#include <stdbool.h>

struct ring_thread {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled; /* the ring's count went up */
	pthread_cond_t freed;  /* its count went down */
	bool stop;             /* set by ring_thread_stop: the thread ends at its next wait */
};

/* Run fn(arg) on a thread of its own, with every signal blocked there (signals are for the
 * caller's thread: mmsim run stops on SIGINT there).  false when no thread can be had: then
 * nothing is left to stop or destroy. */
bool ring_thread_start(struct ring_thread *t, void *(*fn)(void *), void *arg);

/* Set stop, wake the thread whichever condition it waits on, wait for it to end, and
 * destroy the lock and conditions. */
void ring_thread_stop(struct ring_thread *t);

#endif
