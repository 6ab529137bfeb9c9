/* gzpipe.c — gzread() on its own thread (gzpipe.h).
 *
 * Importing a gzip capture spends a fifth of its time in inflate and CRC; on a second core
 * that overlaps the line parsing.  The thread fills GZP_RING chunks of GZP_CHUNK bytes, each
 * ending with the outcome of the gzread that ended it (more, end, error with zlib's message
 * and errno), which the caller meets after the bytes before it, as it would have. */
#include "gzpipe.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define GZP_CHUNK (256u << 10)
#define GZP_RING 4u

struct gzp_chunk {
	size_t n;       /* bytes in data */
	int status;     /* of the gzread after data: 1 more, 0 end, -1 error */
	int zerr;       /* gzerror's errnum after it */
	int errnum;     /* errno after it, for Z_ERRNO */
	char msg[256];  /* gzerror's message after it */
	unsigned char data[GZP_CHUNK];
};

/* Invariant (under mu): ring[head .. head + count) (mod GZP_RING) are filled chunks; the
 * caller reads ring[head] from pos while count > 0. */
struct gzpipe {
	gzFile gz;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	unsigned head, count;
	bool stop;
	struct gzp_chunk *ring;

	/* the caller's side */
	struct gzp_chunk *cur;
	size_t pos;
	int zerr;
	char msg[256];
};

static void *gzp_main(void *arg)
{
	struct gzpipe *g = arg;
	for (;;) {
		pthread_mutex_lock(&g->mu);
		while (g->count == GZP_RING && !g->stop)
			pthread_cond_wait(&g->freed, &g->mu);
		bool stop = g->stop;
		struct gzp_chunk *c = &g->ring[(g->head + g->count) % GZP_RING];
		pthread_mutex_unlock(&g->mu);
		if (stop)
			break;
		c->n = 0;
		c->status = 1;
		while (c->n < GZP_CHUNK) {
			int n = gzread(g->gz, c->data + c->n, (unsigned)(GZP_CHUNK - c->n));
			if (n <= 0) {
				c->errnum = errno;
				c->status = n < 0 ? -1 : 0;
				break;
			}
			c->n += (size_t)n;
		}
		const char *m = gzerror(g->gz, &c->zerr);
		snprintf(c->msg, sizeof(c->msg), "%s", m ? m : "");
		pthread_mutex_lock(&g->mu);
		g->count++;
		pthread_cond_signal(&g->filled);
		pthread_mutex_unlock(&g->mu);
		if (c->status != 1)
			break;
	}
	return NULL;
}

static struct gzpipe *gzp_open(int fd, bool thread)
{
	struct gzpipe *g = calloc(1, sizeof(*g));
	struct stat sb;
	bool reg = thread && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	if (g)
		g->gz = gzdopen(fd, "rb");
	if (!g || !g->gz) {
		free(g);
		close(fd);
		return NULL;
	}
	gzbuffer(g->gz, 1u << 18);
	if (!reg)
		return g;
	g->ring = malloc(GZP_RING * sizeof(*g->ring));
	if (!g->ring)
		return g; /* read on the caller's thread */
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->filled, NULL);
	pthread_cond_init(&g->freed, NULL);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	g->threaded = pthread_create(&g->thread, NULL, gzp_main, g) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!g->threaded) {
		pthread_cond_destroy(&g->freed);
		pthread_cond_destroy(&g->filled);
		pthread_mutex_destroy(&g->mu);
		free(g->ring);
		g->ring = NULL;
	}
	return g;
}

struct gzpipe *gzpipe_open(int fd)
{
	return gzp_open(fd, true);
}

struct gzpipe *gzpipe_open_here(int fd)
{
	return gzp_open(fd, false);
}

/* Threaded path, shared by gzpipe_read and gzpipe_next: the current chunk while it has
 * bytes left to hand out (returns 1, *out set), else the outcome of the read that ended the
 * stream (0 at the end, -1 on error, errno set).  A chunk handed out to its last byte is
 * released and the next one waited for. */
static int gzp_current(struct gzpipe *g, struct gzp_chunk **out)
{
	for (;;) {
		if (!g->cur) {
			pthread_mutex_lock(&g->mu);
			while (g->count == 0)
				pthread_cond_wait(&g->filled, &g->mu);
			g->cur = &g->ring[g->head];
			pthread_mutex_unlock(&g->mu);
			g->pos = 0;
		}
		struct gzp_chunk *c = g->cur;
		if (g->pos < c->n) {
			*out = c;
			return 1;
		}
		/* every byte handed out: now the outcome of the read that ended the chunk */
		g->zerr = c->zerr;
		memcpy(g->msg, c->msg, sizeof(g->msg));
		if (c->status != 1) {
			errno = c->errnum;
			return c->status; /* stays cur: the same outcome again */
		}
		pthread_mutex_lock(&g->mu);
		g->head = (g->head + 1) % GZP_RING;
		g->count--;
		pthread_cond_signal(&g->freed);
		pthread_mutex_unlock(&g->mu);
		g->cur = NULL;
	}
}

int gzpipe_read(struct gzpipe *g, void *buf, unsigned len)
{
	if (!g->threaded)
		return gzread(g->gz, buf, len);
	struct gzp_chunk *c;
	int rc = gzp_current(g, &c);
	if (rc != 1)
		return rc;
	size_t n = c->n - g->pos < len ? c->n - g->pos : len;
	memcpy(buf, c->data + g->pos, n);
	g->pos += n;
	return (int)n;
}

long gzpipe_next(struct gzpipe *g, const unsigned char **p)
{
	if (!g->threaded) {
		/* the caller's thread: gzread into a chunk of our own */
		if (!g->ring && !(g->ring = malloc(sizeof(*g->ring)))) {
			errno = ENOMEM;
			g->zerr = Z_MEM_ERROR;
			snprintf(g->msg, sizeof(g->msg), "out of memory");
			return -1;
		}
		int n = gzread(g->gz, g->ring->data, GZP_CHUNK);
		*p = g->ring->data;
		return n;
	}
	struct gzp_chunk *c;
	int rc = gzp_current(g, &c);
	if (rc != 1)
		return rc;
	*p = c->data + g->pos;
	long n = (long)(c->n - g->pos);
	g->pos = c->n; /* handed out whole: released at the next call */
	return n;
}

const char *gzpipe_error(struct gzpipe *g, int *errnum)
{
	if (!g->threaded)
		return gzerror(g->gz, errnum);
	*errnum = g->zerr;
	return g->msg;
}

void gzpipe_close(struct gzpipe *g)
{
	if (!g)
		return;
	if (g->threaded) {
		pthread_mutex_lock(&g->mu);
		g->stop = true;
		pthread_cond_signal(&g->freed);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->thread, NULL);
		pthread_cond_destroy(&g->freed);
		pthread_cond_destroy(&g->filled);
		pthread_mutex_destroy(&g->mu);
	}
	free(g->ring);
	gzclose(g->gz);
	free(g);
}
