/* gzpipe.h — zlib's gzread() on a thread of its own: the decompressed bytes of a descriptor
 * (gzip, concatenated gzip members, or plain bytes passed through, exactly as gzread gives
 * them) produced ahead into a ring of chunks while the caller parses the previous ones.
 * The calls mirror gzdopen / gzread / gzerror / gzclose, so a gzread loop becomes a gzpipe
 * loop by renaming: the same bytes, the same end, the same errors, in the same places.
 *
 * A descriptor that is not a regular file (a pipe, stdin) is read on the caller's thread:
 * its writer may stall, and gzpipe_close must not wait for it. */
#ifndef MMSIM_GZPIPE_H
#define MMSIM_GZPIPE_H

#include "../common.h"

struct gzpipe;

/* Takes over fd (closed by gzpipe_close, also when this fails); NULL when out of memory. */
struct gzpipe *gzpipe_open(int fd);
/* The same without the thread: every gzpipe_next is a gzread on the calling thread (for a
 * caller that is itself a reader thread, ftrace.c).  A regular file of one gzip member is
 * read into memory and, at the first read, inflated whole by libdeflate where it is installed, then
 * handed out in gzread's stretches (anything else falls back to gzread from the start). */
struct gzpipe *gzpipe_open_here(int fd);
/* The SHA-256 of the file's bytes when gzpipe_open_here read it whole (hex, 64 digits and a
 * NUL): true, else false and nothing written.  Safe on another thread than the reads. */
bool gzpipe_sha256(const struct gzpipe *g, char hex[65]);
/* gzpipe_open_here's whole member: the whole text at once (inflated now if not yet), all of
 * it handed out (gzpipe_next then meets the end); false when it is not held whole (not
 * one member libdeflate takes, or already read in stretches): read on with gzpipe_next.
 * The text stays valid until gzpipe_close. */
bool gzpipe_whole(struct gzpipe *g, const unsigned char **p, size_t *n);
/* As gzread: up to len bytes into buf, 0 at the end, -1 on error (errno as gzread left it). */
int gzpipe_read(struct gzpipe *g, void *buf, unsigned len);
/* The next stretch of bytes without a copy: *p points to the returned number of bytes,
 * valid until the next gzpipe_next or gzpipe_read; 0 at the end, -1 on error (as gzread). */
long gzpipe_next(struct gzpipe *g, const unsigned char **p);
/* As gzerror, for the state after the last gzpipe_read or gzpipe_next. */
const char *gzpipe_error(struct gzpipe *g, int *errnum);
void gzpipe_close(struct gzpipe *g);

#endif
