/* trace_block.h — blocked gzip (FORMAT.md §3.1): a compressed trace is a sequence of
 * independent gzip members of at most TRACE_BLOCK_MAX decompressed bytes, each carrying in
 * its header's extra field (RFC 1952 §2.3.1.1, subfield "MB") its own size and the record
 * numbers it holds.  Knowing a member's size before inflating it lets a reader take whole
 * members off the input and inflate them independently (and with libdeflate's one-shot
 * inflater, where it is packaged); gzip(1) and zcat read the file as any multi-member gzip.
 *
 * Not for other modules: trace.c (reader and writer), ftrace.c's line reader and tests use it.
 *
 * Glossary:
 *   member   one gzip member: 10-byte header, XLEN, extra field, raw deflate, CRC-32, ISIZE
 *   block    the decompressed bytes of one member
 *   bsize    bytes of the member, header to trailer inclusive
 *   usize    bytes of the block (= the trailer's ISIZE)
 *   first    records of the trace before this block (the 0-based number of its first)
 */
#ifndef MMSIM_TRACE_BLOCK_H
#define MMSIM_TRACE_BLOCK_H

#include "../common.h"

#include <stddef.h>
#include <stdint.h>

#define TRACE_BLOCK_SIZE (64u << 10)  /* writers: a block ends before this many bytes */
#define TRACE_BLOCK_MAX (1u << 20)    /* readers: the largest usize accepted */
/* The largest bsize accepted: a header with a full extra field, TRACE_BLOCK_MAX bytes
 * stored (5 bytes of deflate framing per 64 KiB), and the trailer. */
#define TRACE_BLOCK_MAX_MEMBER (TRACE_BLOCK_MAX + 12u + 0xffffu + 8u + 4096u)
#define TRACE_BLOCK_HEADER 40u        /* the writers' header: 12 + XLEN 28 */
#define TRACE_BLOCK_TRAILER 8u

/* What the "MB" subfield says about one member.
 * Invariant (accepted by trace_block_parse): hdr_len + TRACE_BLOCK_TRAILER <= bsize <=
 * TRACE_BLOCK_MAX_MEMBER, usize <= TRACE_BLOCK_MAX, nr <= usize. */
struct trace_block {
	uint32_t bsize;
	uint32_t usize;
	uint64_t first;
	uint32_t nr;      /* records that start in the block */
	uint32_t hdr_len; /* bytes of the member header, the extra field included */
};

/* Parse the gzip member header at p[0..n) (n counts the bytes available from a member's
 * start; the whole header needs 12 + XLEN of them).  Returns 1 with *b filled for a member
 * carrying the "MB" subfield; 0 for a gzip member without one (an ordinary gzip member, to
 * be inflated as a stream) or when p does not start a gzip member; -1 with why filled for a
 * malformed "MB" subfield; -2 when fewer than *need bytes (set) are available. */
int trace_block_parse(const unsigned char *p, size_t n, struct trace_block *b, size_t *need, char *why,
		      size_t why_len);

/* Inflate member (bsize bytes, as parsed into *b) into out[0..b->usize).  Returns 0, or -1
 * with why filled: the deflate data is corrupt, or the trailer's CRC-32 or ISIZE does not
 * match (*crc set to true for those two). */
struct trace_inflater;
struct trace_inflater *trace_inflater_new(void);
void trace_inflater_free(struct trace_inflater *z);
int trace_block_inflate(struct trace_inflater *z, const unsigned char *member, const struct trace_block *b,
			unsigned char *out, bool *crc, char *why, size_t why_len);

/* Compress in[0..n) (n <= TRACE_BLOCK_MAX) into one member at out (cap >=
 * trace_block_bound(n) bytes) holding records first .. first + nr - 1.  Returns the member's
 * size, 0 when out of memory. */
struct trace_deflater;
struct trace_deflater *trace_deflater_new(int level);
void trace_deflater_free(struct trace_deflater *z);
size_t trace_block_bound(size_t n);
size_t trace_block_deflate(struct trace_deflater *z, const unsigned char *in, size_t n, uint64_t first,
			   uint32_t nr, unsigned char *out, size_t cap);

#endif
