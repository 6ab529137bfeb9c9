/* trace_pipe.c — the reader thread: inflating and decoding a trace off the caller's thread.
 *
 * Replay spends about a third of its time reading (inflate, then record decode); on a
 * machine with a second core that work overlaps the simulation instead of adding to it.
 * The thread runs trace_read_direct, the very reader used without a thread, into a ring of
 * PIPE_RING batches of up to PIPE_BATCH decoded records; trace_read hands them out in order.
 * A batch ends early at the end of the trace or at an error, and carries that outcome, so
 * the caller sees exactly the records, the end and the error (naming the same record) that
 * reading on its own thread would give.
 *
 * Ownership: after trace_pipe_start the thread alone touches the reader's input and decode
 * state (fd, zs, buf, nr_records, failed, ...); the caller touches only the ring slots the
 * thread has published and its own counters here.  hdr, name and enc are fixed by then. */
#include "trace_int.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_BATCH 4096u /* records: 128 KiB, a handoff per 4096 records */
#define PIPE_RING 8u     /* batches: the thread may run up to 32 k records ahead */

struct pipe_batch {
	uint32_t n;           /* records in rec[] */
	int status;           /* the read after rec[n - 1]: 1 (batch full), 0 end, -1 error */
	struct sim_error err; /* status -1 */
	struct trace_record rec[PIPE_BATCH];
};

/* Invariant (under mu): 0 <= count <= PIPE_RING; ring[head .. head + count) (mod PIPE_RING)
 * are published batches, ring[head] being cur when the caller holds one. */
struct trace_pipe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled; /* count went up */
	pthread_cond_t freed;  /* count went down, or stop */
	unsigned head, count;
	bool stop;
	struct pipe_batch *ring;

	/* the caller's side */
	const struct pipe_batch *cur; /* ring[head] while being read, else NULL */
	uint32_t pos;
	uint64_t nr_records; /* returned with 1 */
	bool done, failed;
	struct sim_error saved;
};

static void *pipe_main(void *arg)
{
	struct trace_reader *r = arg;
	struct trace_pipe *p = r->pipe;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->count == PIPE_RING && !p->stop)
			pthread_cond_wait(&p->freed, &p->mu);
		bool stop = p->stop;
		struct pipe_batch *b = &p->ring[(p->head + p->count) % PIPE_RING];
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		uint32_t n = 0;
		int rc = 1;
		while (n < PIPE_BATCH && (rc = trace_read_direct(r, &b->rec[n], &b->err)) == 1)
			n++;
		b->n = n;
		b->status = rc;
		pthread_mutex_lock(&p->mu);
		p->count++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->mu);
		if (rc != 1)
			break;
	}
	return NULL;
}

int trace_pipe_start(struct trace_reader *r, unsigned inflaters, struct sim_error *err)
{
	(void)inflaters;
	struct trace_pipe *p = calloc(1, sizeof(*p));
	if (p)
		p->ring = malloc(PIPE_RING * sizeof(*p->ring));
	if (!p || !p->ring) {
		free(p);
		return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	r->pipe = p;
	/* Signals are for the caller's thread (mmsim run stops on SIGINT there). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&p->thread, NULL, pipe_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		/* no thread to be had: read on the caller's thread, with the same results */
		r->pipe = NULL;
		pthread_cond_destroy(&p->freed);
		pthread_cond_destroy(&p->filled);
		pthread_mutex_destroy(&p->mu);
		free(p->ring);
		free(p);
	}
	return 0;
}

int trace_pipe_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	struct trace_pipe *p = r->pipe;
	for (;;) {
		if (__builtin_expect(p->cur != NULL, 1)) {
			if (__builtin_expect(p->pos < p->cur->n, 1)) {
				*rec = p->cur->rec[p->pos++];
				p->nr_records++;
				return 1;
			}
			if (p->cur->status == 0) {
				p->done = true;
			} else if (p->cur->status < 0) {
				p->failed = true;
				p->saved = p->cur->err;
			} else {
				pthread_mutex_lock(&p->mu);
				p->head = (p->head + 1) % PIPE_RING;
				p->count--;
				pthread_cond_signal(&p->freed);
				pthread_mutex_unlock(&p->mu);
			}
			p->cur = NULL;
		}
		if (p->failed) {
			if (err)
				*err = p->saved;
			return -1;
		}
		if (p->done)
			return 0;
		pthread_mutex_lock(&p->mu);
		while (p->count == 0)
			pthread_cond_wait(&p->filled, &p->mu);
		p->cur = &p->ring[p->head];
		pthread_mutex_unlock(&p->mu);
		p->pos = 0;
	}
}

uint64_t trace_pipe_records(const struct trace_reader *r)
{
	return r->pipe->nr_records;
}

void trace_pipe_stop(struct trace_reader *r)
{
	struct trace_pipe *p = r->pipe;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->freed);
	pthread_cond_destroy(&p->filled);
	pthread_mutex_destroy(&p->mu);
	free(p->ring);
	free(p);
	r->pipe = NULL;
}
