/* gzpipe.c — gzread() on its own thread (gzpipe.h).
 *
 * Importing a gzip capture spends a fifth of its time in inflate and CRC; on a second core
 * that overlaps the line parsing.  The thread fills GZP_RING chunks of GZP_CHUNK bytes, each
 * ending with the outcome of the gzread that ended it (more, end, error with zlib's message
 * and errno), which the caller meets after the bytes before it, as it would have.
 *
 * gzpipe_open_here's whole-member path: a regular file of one gzip member (the text capture)
 * is read into memory and inflated at once by libdeflate, about twice zlib's speed with a CRC-32 a
 * tenth of zlib's, then handed out in the stretches gzread would give; whatever libdeflate
 * does not take whole (several members, junk after one, a member cut short or damaged, a
 * header CRC, which libdeflate does not check) is read by gzread from the start, so the bytes,
 * the end and the errors stay gzread's. */
#include "gzpipe.h"

#include "../lib/bigalloc.h"
#include "../lib/ring_thread.h"
#include "../lib/sha256.h"
#include "mmsim-config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#if HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#define GZP_CHUNK (256u << 10)
#define GZP_RING 4u
/* The whole-member path's limits: a larger input is streamed (its text would be held whole). */
#define GZP_WHOLE_MAX_IN (64ull << 20)
#define GZP_WHOLE_MAX_OUT (512ull << 20)

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
	struct ring_thread rt;
	unsigned head, count;
	struct gzp_chunk *ring;

	/* the caller's side */
	struct gzp_chunk *cur;
	size_t pos;
	int zerr;
	char msg[256];

	/* gzpipe_open_here's whole-member path.  in: the file's bytes (in_len), read and set at
	 * open and unchanged until close (gzpipe_sha256 reads it from any thread); out: its
	 * text (out_len bytes, handed out to out_pos) once whole = 1; whole -1: gzread. */
	const unsigned char *in;
	size_t in_len;
	unsigned char *out;
	size_t out_len, out_map, out_pos;
	int whole;
};

/* Read fd whole when it may be one gzip member libdeflate can take (gzip magic, deflate, no
 * header CRC, within the limits, read from its start). */
static void gzp_map(struct gzpipe *g, int fd, const struct stat *sb)
{
#if HAVE_LIBDEFLATE
	unsigned char h[4];
	if (sb->st_size < 18 || (uint64_t)sb->st_size > GZP_WHOLE_MAX_IN || lseek(fd, 0, SEEK_CUR) != 0 ||
	    pread(fd, h, 4, 0) != 4 || h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || (h[3] & 0x02))
		return;
	/* read, not mapped: a file cut short under a mapping would be SIGBUS, not an error */
	size_t n = (size_t)sb->st_size, got = 0;
	unsigned char *m = big_calloc(n, 1);
	if (!m)
		return;
	while (got < n) {
		ssize_t k = pread(fd, m + got, n - got, (off_t)got);
		if (k <= 0 && !(k < 0 && errno == EINTR))
			break;
		if (k > 0)
			got += (size_t)k;
	}
	if (got < n) { /* it shrank, or cannot be read: gzread meets what it meets */
		big_free(m, n, 1);
		return;
	}
	g->in = m;
	g->in_len = n;
#else
	(void)g, (void)fd, (void)sb;
#endif
}

/* Inflate the file's bytes whole (whole = 1), or leave it to gzread (whole = -1). */
static void gzp_inflate_whole(struct gzpipe *g)
{
	g->whole = -1;
#if HAVE_LIBDEFLATE
	if (!g->in)
		return;
	/* ISIZE, the member's length mod 2^32: a file it does not describe fails below */
	const unsigned char *t = g->in + g->in_len - 4;
	size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
	if (isize > GZP_WHOLE_MAX_OUT)
		return;
	/* in 2 MiB pages where the kernel has them: 80 MB of text is 20 k page faults in 4 KiB
	 * ones, a tenth of the import's CPU (MAP_POPULATE saves less) */
	size_t map = isize ? isize : 1;
	unsigned char *o = big_calloc(map, 1);
	if (!o)
		return;
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t in_used = 0, out_n = 0;
	enum libdeflate_result r = d ? libdeflate_gzip_decompress_ex(d, g->in, g->in_len, o, isize, &in_used, &out_n)
				     : LIBDEFLATE_SHORT_OUTPUT;
	libdeflate_free_decompressor(d);
	if (r != LIBDEFLATE_SUCCESS || in_used != g->in_len || out_n != isize) {
		big_free(o, map, 1);
		return;
	}
	g->out = o;
	g->out_len = isize;
	g->out_map = map;
	g->whole = 1;
#endif
}

bool gzpipe_sha256(const struct gzpipe *g, char hex[65])
{
	if (!g->in)
		return false;
	struct sha256 c;
	sha256_init(&c);
	sha256_update(&c, g->in, g->in_len);
	sha256_final_hex(&c, hex);
	return true;
}

static void *gzp_main(void *arg)
{
	struct gzpipe *g = arg;
	for (;;) {
		pthread_mutex_lock(&g->rt.mu);
		while (g->count == GZP_RING && !g->rt.stop)
			pthread_cond_wait(&g->rt.freed, &g->rt.mu);
		bool stop = g->rt.stop;
		struct gzp_chunk *c = &g->ring[(g->head + g->count) % GZP_RING];
		pthread_mutex_unlock(&g->rt.mu);
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
		pthread_mutex_lock(&g->rt.mu);
		g->count++;
		pthread_cond_signal(&g->rt.filled);
		pthread_mutex_unlock(&g->rt.mu);
		if (c->status != 1)
			break;
	}
	return NULL;
}

static struct gzpipe *gzp_open(int fd, bool thread)
{
	struct gzpipe *g = calloc(1, sizeof(*g));
	struct stat sb;
	bool reg = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
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
	if (!thread) {
		gzp_map(g, fd, &sb);
		return g;
	}
	g->ring = malloc(GZP_RING * sizeof(*g->ring));
	if (!g->ring)
		return g; /* read on the caller's thread */
	g->threaded = ring_thread_start(&g->rt, gzp_main, g);
	if (!g->threaded) {
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
			pthread_mutex_lock(&g->rt.mu);
			while (g->count == 0)
				pthread_cond_wait(&g->rt.filled, &g->rt.mu);
			g->cur = &g->ring[g->head];
			pthread_mutex_unlock(&g->rt.mu);
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
		pthread_mutex_lock(&g->rt.mu);
		g->head = (g->head + 1) % GZP_RING;
		g->count--;
		pthread_cond_signal(&g->rt.freed);
		pthread_mutex_unlock(&g->rt.mu);
		g->cur = NULL;
	}
}

/* The whole-member path's next stretch: up to max bytes of out at *p; 0 at the end. */
static size_t gzp_whole_next(struct gzpipe *g, const unsigned char **p, size_t max)
{
	size_t n = g->out_len - g->out_pos < max ? g->out_len - g->out_pos : max;
	*p = g->out + g->out_pos;
	g->out_pos += n;
	return n;
}

bool gzpipe_whole(struct gzpipe *g, const unsigned char **p, size_t *n)
{
	if (g->threaded)
		return false;
	if (!g->whole)
		gzp_inflate_whole(g);
	if (g->whole < 0 || g->out_pos)
		return false;
	*p = g->out;
	*n = g->out_len;
	g->out_pos = g->out_len; /* all of it handed out */
	return true;
}

int gzpipe_read(struct gzpipe *g, void *buf, unsigned len)
{
	if (!g->threaded) {
		if (!g->whole)
			gzp_inflate_whole(g);
		if (g->whole < 0)
			return gzread(g->gz, buf, len);
		const unsigned char *p;
		size_t n = gzp_whole_next(g, &p, len > INT_MAX ? INT_MAX : len);
		memcpy(buf, p, n);
		return (int)n;
	}
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
		if (!g->whole)
			gzp_inflate_whole(g);
		if (g->whole > 0) /* the stretches of gzread's below: the same lines split */
			return (long)gzp_whole_next(g, p, GZP_CHUNK);
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
	if (g->whole > 0) {
		*errnum = Z_OK;
		return "";
	}
	if (!g->threaded)
		return gzerror(g->gz, errnum);
	*errnum = g->zerr;
	return g->msg;
}

void gzpipe_close(struct gzpipe *g)
{
	if (!g)
		return;
	if (g->threaded)
		ring_thread_stop(&g->rt);
	free(g->ring);
	if (g->out)
		big_free(g->out, g->out_map, 1);
	if (g->in)
		big_free((void *)g->in, g->in_len, 1);
	gzclose(g->gz);
	free(g);
}
