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

#include "../lib/ring_thread.h"

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
	struct ring_thread rt;
	unsigned head, count;
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
		pthread_mutex_lock(&p->rt.mu);
		while (p->count == PIPE_RING && !p->rt.stop)
			pthread_cond_wait(&p->rt.freed, &p->rt.mu);
		bool stop = p->rt.stop;
		struct pipe_batch *b = &p->ring[(p->head + p->count) % PIPE_RING];
		pthread_mutex_unlock(&p->rt.mu);
		if (stop)
			break;
		uint32_t n = 0;
		int rc = 1;
		while (n < PIPE_BATCH && (rc = trace_read_direct(r, &b->rec[n], &b->err)) == 1)
			n++;
		b->n = n;
		b->status = rc;
		pthread_mutex_lock(&p->rt.mu);
		p->count++;
		pthread_cond_signal(&p->rt.filled);
		pthread_mutex_unlock(&p->rt.mu);
		if (rc != 1)
			break;
	}
	return NULL;
}

int trace_pipe_start(struct trace_reader *r, unsigned inflaters, struct sim_error *err)
{
	if (inflaters && !(r->zpool = trace_zpool_new(inflaters)))
		return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
	struct trace_pipe *p = calloc(1, sizeof(*p));
	if (p)
		p->ring = malloc(PIPE_RING * sizeof(*p->ring));
	if (!p || !p->ring) {
		free(p);
		return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
	}
	r->pipe = p;
	bool ok = ring_thread_start(&p->rt, pipe_main, r);
	if (!ok) {
		/* no thread to be had: read on the caller's thread, with the same results */
		r->pipe = NULL;
		free(p->ring);
		free(p);
	}
	return 0;
}

/* Make cur a published batch with records left at pos: 1, or 0 at the end, -1 on the error
 * (err filled), the batch before them given back to the thread. */
static int pipe_cur(struct trace_pipe *p, struct sim_error *err)
{
	for (;;) {
		if (__builtin_expect(p->cur != NULL, 1)) {
			if (__builtin_expect(p->pos < p->cur->n, 1))
				return 1;
			if (p->cur->status == 0) {
				p->done = true;
			} else if (p->cur->status < 0) {
				p->failed = true;
				p->saved = p->cur->err;
			} else {
				pthread_mutex_lock(&p->rt.mu);
				p->head = (p->head + 1) % PIPE_RING;
				p->count--;
				pthread_cond_signal(&p->rt.freed);
				pthread_mutex_unlock(&p->rt.mu);
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
		pthread_mutex_lock(&p->rt.mu);
		while (p->count == 0)
			pthread_cond_wait(&p->rt.filled, &p->rt.mu);
		p->cur = &p->ring[p->head];
		pthread_mutex_unlock(&p->rt.mu);
		p->pos = 0;
	}
}

int trace_pipe_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	struct trace_pipe *p = r->pipe;
	int rc = pipe_cur(p, err);
	if (__builtin_expect(rc == 1, 1)) {
		*rec = p->cur->rec[p->pos++];
		p->nr_records++;
	}
	return rc;
}

/* The rest of the current batch, in the ring slot: the slot goes back to the thread only
 * at the next call, so the records stay put until then. */
int trace_pipe_read_run(struct trace_reader *r, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	struct trace_pipe *p = r->pipe;
	int rc = pipe_cur(p, err);
	if (rc == 1) {
		*v = &p->cur->rec[p->pos];
		*n = p->cur->n - p->pos;
		p->pos = p->cur->n;
		p->nr_records += *n;
	}
	return rc;
}

uint64_t trace_pipe_records(const struct trace_reader *r)
{
	return r->pipe->nr_records;
}

void trace_pipe_stop(struct trace_reader *r)
{
	struct trace_pipe *p = r->pipe;
	ring_thread_stop(&p->rt);
	free(p->ring);
	free(p);
	r->pipe = NULL;
}

/* ---- inflate threads for blocked traces ------------------------------------------
 *
 * The reader thread takes whole members of a blocked trace off its input (their size is in
 * their header, FORMAT.md §3.1) and queues them here; worker threads inflate them in any
 * order, and the reader takes them back in queue order, inflating one itself when no worker
 * has started it.  The reader checks the index and reports errors in that order, so what it
 * decodes, and every message, is what it would be inflating the members itself. */

#define ZPOOL_SLOTS 8u

enum zslot_state { ZS_FREE, ZS_QUEUED, ZS_BUSY, ZS_DONE };

struct zslot {
	enum zslot_state state;
	struct trace_block b;
	uint64_t off;          /* byte offset of the member in the file */
	unsigned char *in;     /* the member, in_cap bytes allocated */
	unsigned char *out;    /* its block, out_cap bytes allocated */
	size_t in_cap, out_cap;
	int rc;                /* of trace_block_inflate */
	bool crc;
	char why[128];
};

/* Invariant (under mu): slots seq tail .. head - 1 (mod ZPOOL_SLOTS) are in use, in queue
 * order; head - tail <= ZPOOL_SLOTS. */
struct trace_zpool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	bool stop;
	uint64_t head, tail;
	struct zslot slot[ZPOOL_SLOTS];
	unsigned nr_workers;
	pthread_t worker[16];
	struct trace_inflater *inf[16 + 1]; /* one per worker; inf[nr_workers] the reader's */
};

static void zslot_inflate(struct zslot *s, struct trace_inflater *inf)
{
	s->rc = trace_block_inflate(inf, s->in, &s->b, s->out, &s->crc, s->why, sizeof(s->why));
}

static void *zpool_main(void *arg)
{
	struct trace_zpool *z = arg;
	pthread_mutex_lock(&z->mu);
	unsigned me = 0;
	while (me < z->nr_workers && !pthread_equal(z->worker[me], pthread_self()))
		me++;
	for (;;) {
		struct zslot *s = NULL;
		while (!z->stop) {
			for (uint64_t q = z->tail; q < z->head && !s; q++)
				if (z->slot[q % ZPOOL_SLOTS].state == ZS_QUEUED)
					s = &z->slot[q % ZPOOL_SLOTS];
			if (s)
				break;
			pthread_cond_wait(&z->work, &z->mu);
		}
		if (z->stop)
			break;
		s->state = ZS_BUSY;
		pthread_mutex_unlock(&z->mu);
		zslot_inflate(s, z->inf[me]);
		pthread_mutex_lock(&z->mu);
		s->state = ZS_DONE;
		pthread_cond_broadcast(&z->done);
	}
	pthread_mutex_unlock(&z->mu);
	return NULL;
}

struct trace_zpool *trace_zpool_new(unsigned workers)
{
	if (workers > 16)
		workers = 16;
	struct trace_zpool *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	pthread_mutex_init(&z->mu, NULL);
	pthread_cond_init(&z->work, NULL);
	pthread_cond_init(&z->done, NULL);
	for (unsigned i = 0; i <= workers; i++)
		if (!(z->inf[i] = trace_inflater_new())) {
			trace_zpool_free(z);
			return NULL;
		}
	/* started under mu: a worker finds its index once every handle is written */
	pthread_mutex_lock(&z->mu);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < workers; i++) {
		if (pthread_create(&z->worker[z->nr_workers], NULL, zpool_main, z) != 0)
			break;
		z->nr_workers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_unlock(&z->mu);
	return z; /* the reader inflates with inf[nr_workers] */
}

void trace_zpool_free(struct trace_zpool *z)
{
	if (!z)
		return;
	pthread_mutex_lock(&z->mu);
	z->stop = true;
	pthread_cond_broadcast(&z->work);
	pthread_mutex_unlock(&z->mu);
	for (unsigned i = 0; i < z->nr_workers; i++)
		pthread_join(z->worker[i], NULL);
	for (unsigned i = 0; i < ARRAY_SIZE(z->inf); i++)
		trace_inflater_free(z->inf[i]);
	for (unsigned i = 0; i < ZPOOL_SLOTS; i++) {
		free(z->slot[i].in);
		free(z->slot[i].out);
	}
	pthread_cond_destroy(&z->done);
	pthread_cond_destroy(&z->work);
	pthread_mutex_destroy(&z->mu);
	free(z);
}

unsigned trace_zpool_pending(const struct trace_zpool *z)
{
	return (unsigned)(z->head - z->tail); /* only the reader changes head and tail */
}

static int grow(unsigned char **p, size_t *cap, size_t need)
{
	if (*cap >= need)
		return 0;
	unsigned char *n = realloc(*p, need);
	if (!n)
		return -1;
	*p = n;
	*cap = need;
	return 0;
}

int trace_zpool_push(struct trace_zpool *z, const unsigned char *member, const struct trace_block *b,
		     uint64_t off)
{
	sim_assert(z->head - z->tail < ZPOOL_SLOTS);
	struct zslot *s = &z->slot[z->head % ZPOOL_SLOTS];
	if (grow(&s->in, &s->in_cap, b->bsize) < 0 || grow(&s->out, &s->out_cap, b->usize ? b->usize : 1) < 0)
		return -1;
	memcpy(s->in, member, b->bsize);
	s->b = *b;
	s->off = off;
	pthread_mutex_lock(&z->mu);
	s->state = ZS_QUEUED;
	z->head++;
	pthread_cond_signal(&z->work);
	pthread_mutex_unlock(&z->mu);
	return 0;
}

const struct trace_zblock *trace_zpool_take(struct trace_zpool *z, struct trace_zblock *out)
{
	sim_assert(z->head > z->tail);
	struct zslot *s = &z->slot[z->tail % ZPOOL_SLOTS];
	pthread_mutex_lock(&z->mu);
	if (s->state == ZS_QUEUED) {
		s->state = ZS_BUSY;
		pthread_mutex_unlock(&z->mu);
		zslot_inflate(s, z->inf[z->nr_workers]);
		pthread_mutex_lock(&z->mu);
		s->state = ZS_DONE;
	}
	while (s->state != ZS_DONE)
		pthread_cond_wait(&z->done, &z->mu);
	pthread_mutex_unlock(&z->mu);
	*out = (struct trace_zblock){ .b = s->b, .off = s->off, .data = s->out, .rc = s->rc, .crc = s->crc };
	memcpy(out->why, s->why, sizeof(out->why));
	return out;
}

void trace_zpool_release(struct trace_zpool *z)
{
	pthread_mutex_lock(&z->mu);
	z->slot[z->tail % ZPOOL_SLOTS].state = ZS_FREE;
	z->tail++;
	pthread_mutex_unlock(&z->mu);
}

bool trace_zpool_full(const struct trace_zpool *z)
{
	return z->head - z->tail == ZPOOL_SLOTS;
}

/* ---- the writer's deflate thread -------------------------------------------------
 *
 * Writing a trace is mostly deflate; on a second core it overlaps the generator or the
 * importer.  A full block is handed over by swapping buffers (no copy) into a ring of
 * WPIPE_SLOTS; the thread deflates the blocks in order into members and writes them.  A
 * caller that finds the ring full, or that is finishing, deflates the newest waiting block
 * itself into the slot's own zbuf instead of waiting (an import's records are all written
 * at its end, the caller encoding them faster than one thread deflates: issue #17), and the
 * thread writes that member in its turn.  Members are the same bytes whoever deflates
 * them.  A write error is kept and returned by the next hand-over or by trace_wpipe_finish,
 * so a failed trace is never committed (trace_commit refuses it). */

#define WPIPE_SLOTS 4u

enum wslot_state {
	WS_WAITING, /* handed over, not yet deflated */
	WS_CALLER,  /* being deflated by the caller into zbuf */
	WS_DONE,    /* deflated by the caller: zbuf[0, zlen) */
	WS_THREAD,  /* being deflated and written by the thread */
};

struct wslot {
	unsigned char *buf; /* TRACE_BLOCK_SIZE bytes */
	size_t len;
	uint64_t first;
	uint32_t nr;
	enum wslot_state state;
	unsigned char *zbuf; /* the caller's member, trace_block_bound(TRACE_BLOCK_SIZE) bytes */
	size_t zlen;         /* 0: the caller's deflate failed (out of memory) */
};

/* Invariant (under mu): slot[head .. head + count) (mod WPIPE_SLOTS) wait for the thread;
 * failed once set stays set, with err. */
struct trace_wpipe {
	struct ring_thread rt;
	unsigned head, count;
	bool failed;
	struct sim_error err;
	struct wslot slot[WPIPE_SLOTS];
	struct trace_writer *w; /* the thread uses w->dz, w->zbuf, w->af.fp and w->af.path only */
	/* the caller's deflater, made at its first help; helpless once it cannot be had */
	struct trace_deflater *dz;
	bool helpless;
};

static void *wpipe_main(void *arg)
{
	struct trace_wpipe *p = arg;
	struct trace_writer *w = p->w;
	pthread_mutex_lock(&p->rt.mu);
	for (;;) {
		while ((p->count == 0 && !p->rt.stop) || (p->count && p->slot[p->head].state == WS_CALLER))
			pthread_cond_wait(&p->rt.filled, &p->rt.mu);
		if (p->count == 0)
			break; /* stop, and everything written */
		struct wslot *s = &p->slot[p->head];
		bool done = s->state == WS_DONE, failed = p->failed;
		s->state = WS_THREAD;
		pthread_mutex_unlock(&p->rt.mu);
		struct sim_error err = { 0 };
		int rc = 0;
		if (!failed && done && !s->zlen)
			rc = sim_error_set(&err, EX_SOFTWARE_, "%s: deflate failed", w->af.path);
		else if (!failed)
			rc = done ? trace_writer_out(w, s->zbuf, s->zlen, &err)
				  : trace_writer_block(w, s->buf, s->len, s->first, s->nr, &err);
		pthread_mutex_lock(&p->rt.mu);
		if (rc < 0 && !p->failed) {
			p->failed = true;
			p->err = err;
		}
		s->state = WS_WAITING;
		p->head = (p->head + 1) % WPIPE_SLOTS;
		p->count--;
		pthread_cond_signal(&p->rt.freed);
	}
	pthread_mutex_unlock(&p->rt.mu);
	return NULL;
}

/* With mu held: deflate the newest block still waiting (not the oldest, which the thread
 * takes next) on the caller's thread.  false when there is none, or no deflater. */
static bool wpipe_help(struct trace_wpipe *p)
{
	if (p->failed || p->helpless || p->count < 2)
		return false;
	struct wslot *s = NULL;
	for (unsigned i = p->count - 1; i >= 1 && !s; i--)
		if (p->slot[(p->head + i) % WPIPE_SLOTS].state == WS_WAITING)
			s = &p->slot[(p->head + i) % WPIPE_SLOTS];
	if (!s)
		return false;
	if (!p->dz)
		p->dz = trace_deflater_new(TRACE_DEFLATE_LEVEL);
	if (!s->zbuf)
		s->zbuf = malloc(trace_block_bound(TRACE_BLOCK_SIZE));
	if (!p->dz || !s->zbuf) {
		p->helpless = true;
		return false;
	}
	s->state = WS_CALLER;
	pthread_mutex_unlock(&p->rt.mu);
	s->zlen = trace_block_deflate(p->dz, s->buf, s->len, s->first, s->nr, s->zbuf,
				      trace_block_bound(TRACE_BLOCK_SIZE));
	pthread_mutex_lock(&p->rt.mu);
	s->state = WS_DONE;
	pthread_cond_signal(&p->rt.filled); /* the thread may wait for this one */
	return true;
}

int trace_wpipe_start(struct trace_writer *w)
{
	struct trace_wpipe *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	for (unsigned i = 0; i < WPIPE_SLOTS; i++)
		if (!(p->slot[i].buf = malloc(TRACE_BLOCK_SIZE)))
			goto fail;
	p->w = w;
	bool ok = ring_thread_start(&p->rt, wpipe_main, p);
	if (!ok) {
		goto fail;
	}
	w->wpipe = p;
	return 0;
fail:
	for (unsigned i = 0; i < WPIPE_SLOTS; i++)
		free(p->slot[i].buf);
	free(p);
	return -1;
}

int trace_wpipe_push(struct trace_writer *w, struct sim_error *err)
{
	struct trace_wpipe *p = w->wpipe;
	pthread_mutex_lock(&p->rt.mu);
	while (p->count == WPIPE_SLOTS)
		if (!wpipe_help(p))
			pthread_cond_wait(&p->rt.freed, &p->rt.mu);
	if (p->failed) {
		if (err)
			*err = p->err;
		pthread_mutex_unlock(&p->rt.mu);
		return -1;
	}
	struct wslot *s = &p->slot[(p->head + p->count) % WPIPE_SLOTS];
	unsigned char *spare = s->buf;
	s->buf = w->buf;
	s->len = w->len;
	s->first = w->block_first;
	s->nr = (uint32_t)(w->nr_records - w->block_first);
	s->state = WS_WAITING;
	w->buf = spare;
	p->count++;
	pthread_cond_signal(&p->rt.filled);
	pthread_mutex_unlock(&p->rt.mu);
	return 0;
}

int trace_wpipe_finish(struct trace_writer *w, struct sim_error *err)
{
	struct trace_wpipe *p = w->wpipe;
	/* the blocks still waiting, deflated on both sides */
	pthread_mutex_lock(&p->rt.mu);
	while (wpipe_help(p))
		;
	pthread_mutex_unlock(&p->rt.mu);
	ring_thread_stop(&p->rt);
	int rc = 0;
	if (p->failed) {
		if (err)
			*err = p->err;
		rc = -1;
	}
	for (unsigned i = 0; i < WPIPE_SLOTS; i++) {
		free(p->slot[i].buf);
		free(p->slot[i].zbuf);
	}
	trace_deflater_free(p->dz);
	free(p);
	w->wpipe = NULL;
	return rc;
}
