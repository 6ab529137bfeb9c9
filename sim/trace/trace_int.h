/* trace_int.h — internals shared by trace.c (names, header, validation, dispatch, the
 * input and output of gzip blocks), trace_bin.c (the .mmt.gz record codec), trace_text.c
 * (the .mmt.txt codec) and trace_pipe.c (the reader, inflate and deflate threads).
 * Not for other modules: they use trace.h.  The byte layout is specified in FORMAT.md.
 *
 * Glossary:
 *   record number  1-based index of a record in the stream; the end-of-trace marker
 *                  is numbered nr_records + 1 when reporting an error in it
 *   buffer window  buf[pos, len): decompressed bytes not yet decoded
 */
#ifndef MMSIM_TRACE_INT_H
#define MMSIM_TRACE_INT_H

#include "trace.h"
#include "trace_block.h"

#include <zlib.h>

/* Binary record layout (FORMAT.md §3). */
#define TRB_KIND_MASK 0x0fu
#define TRB_TASK_BIT 0x10u  /* a task varint follows the time delta */
#define TRB_GFP_BIT 0x20u   /* ALLOC: a gfp varint follows the order (else the last alloc's gfp) */
#define TRB_RESERVED 0xc0u  /* must be zero (versions 1 and 2) */
#define TRB_END 0x0fu       /* end-of-trace marker: kind byte, then uvarint record count */
#define TRB_NONE_U8 0xffu   /* COMPACT zone -1 */
/* Largest encoded record: kind 1 + time 10 + task 5 + id 10 + count 5 + align 1 (CMA_ALLOC)
 * or order 1 + gfp 5 (ALLOC); rounded up.  The decoder refills whenever fewer bytes than
 * this remain, so a record never straddles a refill except at end of stream. */
#define TRB_MAX_RECORD 48u
#define TRB_HEADER_FIXED 16u /* magic 8 + version 4 + nr_meta 4 */

#define TRACE_BUF_SIZE (256u << 10) /* decompressed bytes held; each refill inflates into it */
#define TRACE_TEXT_MAX_LINE 4096u

/* Reader state.  Invariant: pos <= len <= TRACE_BUF_SIZE; nr_records == records
 * returned with 1; eof means no more input will come, and then the gzip trailer was
 * verified unless gz_cut. */
/* The input side: the file's bytes are inflated here rather than through gzread(), which
 * skips anything after a gzip member that does not start another one and names the file
 * "<fd:N>" in its messages.  in_off - zs.avail_in is the byte offset of the next
 * unconsumed input byte; in_mode says how the bytes at that offset are taken. */
/* TRACE_IN_BLOCK: a whole member of a blocked trace is at next_in (blk says its size);
 * TRACE_IN_DRAIN: an inflated block is being handed out of blk_buf. */
enum trace_in_mode { TRACE_IN_LOOK, TRACE_IN_GZIP, TRACE_IN_PLAIN, TRACE_IN_BLOCK, TRACE_IN_DRAIN };
/* Holds the largest member of a blocked trace with room to read on. */
#define TRACE_IN_SIZE (TRACE_BLOCK_MAX_MEMBER + (64u << 10))

struct trace_reader {
	int fd;
	z_stream zs;
	bool zs_init;        /* inflateInit2 done: inflateEnd on close */
	enum trace_in_mode in_mode;
	bool member_seen;    /* a whole gzip member was read: what follows must be another */
	bool in_eof;         /* read() returned 0 */
	uint64_t in_off;     /* bytes read from fd so far */
	unsigned char *in;   /* TRACE_IN_SIZE bytes of input */
	/* Blocked input (FORMAT.md §3.1).  Invariant: blk_pos <= blk_len <= TRACE_BLOCK_MAX;
	 * index_next == the sum of the nr fields of the blocks so far, and a block naming
	 * another first record makes the trace fail at its end, unless something else fails first. */
	struct trace_inflater *inf; /* made at the first blocked member */
	struct trace_block blk;     /* the member at next_in (TRACE_IN_BLOCK) */
	unsigned char *blk_buf;     /* a block that did not fit the window's free room */
	size_t blk_pos, blk_len;
	uint64_t index_next;
	uint64_t index_bad_off;     /* first block whose first record is not index_next ... */
	uint64_t index_bad_first;   /* ... and what it says (index_bad_off: UINT64_MAX if none) */
	uint64_t index_bad_want;
	uint64_t nr_blocks;         /* blocked members read */
	uint64_t nr_members;        /* gzip members of any kind started */
	struct trace_pipe *pipe;    /* reader thread (trace_pipe.c); NULL: read on the caller's */
	struct trace_zpool *zpool;  /* inflate threads for blocked members; NULL: none */
	enum trace_encoding enc;
	char name[1024]; /* for messages: the path, or "<stdin>" */
	struct trace_header hdr;

	unsigned char *buf;
	size_t pos, len;
	bool eof;
	bool gz_cut; /* the gzip stream ended without its trailer (CRC unchecked) */

	uint64_t nr_records; /* records returned so far */
	struct trace_run_fill run; /* trace_read_run's records without the reader thread (run.run NULL until then) */
	bool done;           /* clean end reached: trace_read returns 0 from now on */
	bool failed;         /* an error was returned: repeat it */
	struct sim_error saved;

	/* binary delta state: the previous record's values */
	sim_ns_t last_time_ns;
	uint64_t last_id;       /* id of the previous record that has one */
	uint64_t last_alloc_id; /* id of the previous ALLOC */
	uint32_t last_task;     /* the last task carried explicitly */
	uint32_t last_gfp;      /* gfp of the previous ALLOC */

	/* text position */
	unsigned long line_no;
};

/* Writer state.  buf holds one block (TRACE_BLOCK_SIZE bytes) before it is deflated into
 * a member (binary and text.gz) or written as it is (text); a block starts at a record
 * boundary unless the header alone overflows one.
 * Invariant: nr_records == records accepted by trace_write, all of them encoded into
 * buf[0, len) or already handed out; block_first == records in the blocks handed out;
 * len <= TRACE_BLOCK_SIZE; once failed, only trace_abort (or a refusing trace_commit) may
 * follow. */
struct trace_writer {
	struct atomic_file af;
	enum trace_encoding enc;
	struct trace_deflater *dz; /* binary and text.gz */
	struct trace_wpipe *wpipe; /* deflate thread (trace_pipe.c); NULL: deflate here */
	unsigned char *zbuf;       /* one member, trace_block_bound(TRACE_BLOCK_SIZE) bytes */
	unsigned char *buf; /* binary records, or text lines, of the current block */
	size_t len;
	uint64_t block_first;
	uint64_t nr_records;
	uint32_t version; /* written in the header: records of later kinds are refused */
	bool failed;
	sim_ns_t last_time_ns;
	uint64_t last_id, last_alloc_id;
	uint32_t last_task, last_gfp;
};

/* Which trace_record fields a kind uses (FORMAT.md §2); the others must be zero. */
enum trace_field {
	TRF_TASK = 1u << 0,
	TRF_ID = 1u << 1,
	TRF_ORDER = 1u << 2,
	TRF_GFP = 1u << 3,
	TRF_COUNT = 1u << 4,
	TRF_ARG = 1u << 5,
};
extern const uint8_t trace_kind_fields[NR_TRACE_KINDS];

/* trace.c */
int trace_reader_fail(struct trace_reader *r, struct sim_error *err, int code,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Make at least `need` bytes available in buf[pos..len) unless the input ends first.
 * Returns 0 (check len - pos), -1 on a gzip error (err filled, reader failed). */
int trace_fill(struct trace_reader *r, size_t need, struct sim_error *err);
bool trace_meta_key_ok(const char *key);
bool trace_meta_value_ok(const char *value);
int trace_header_add(struct trace_header *h, const char *key, size_t key_len,
		     const char *value, size_t value_len, char *why, size_t why_len);

/* trace_bin.c */
int trace_bin_open(struct trace_reader *r, struct sim_error *err);
int trace_bin_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
int trace_bin_begin(struct trace_writer *w, const struct trace_header *h, struct sim_error *err);
int trace_bin_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err);
int trace_bin_finish(struct trace_writer *w, struct sim_error *err);

/* trace_text.c */
int trace_text_open(struct trace_reader *r, struct sim_error *err);
int trace_text_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
int trace_text_begin(struct trace_writer *w, const struct trace_header *h, struct sim_error *err);
int trace_text_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err);

/* Append bytes to the current block, writing out full blocks. */
int trace_writer_put(struct trace_writer *w, const void *p, size_t n, struct sim_error *err);
/* Write out the current block if fewer than `room` bytes are free in it. */
int trace_writer_room(struct trace_writer *w, size_t room, struct sim_error *err);
/* The writers' deflate level: on churn traces level 6 is 2.5x slower to write for 4 %
 * smaller files, and inflate runs as fast on either. */
#define TRACE_DEFLATE_LEVEL 1
/* n bytes to af.fp (a member deflated elsewhere). */
int trace_writer_out(struct trace_writer *w, const unsigned char *p, size_t n, struct sim_error *err);
/* One block, deflated into a member (binary, text.gz) or as it is (text), to af.fp. */
int trace_writer_block(struct trace_writer *w, const unsigned char *buf, size_t len, uint64_t first,
		       uint32_t nr, struct sim_error *err);

/* trace_pipe.c: the writer's deflate thread.  trace_wpipe_start (0, or -1 with no thread:
 * deflate on the caller's) hands dz, zbuf and af.fp to a thread; trace_wpipe_push hands it
 * the current block (w->buf is swapped for an empty one); trace_wpipe_finish waits for every
 * block to be written and ends the thread.  A caller that would wait (the ring full, or
 * finishing) deflates waiting blocks itself meanwhile, the thread writing them in order.
 * A write error is returned by the next push or by finish. */
int trace_wpipe_start(struct trace_writer *w);
int trace_wpipe_push(struct trace_writer *w, struct sim_error *err);
int trace_wpipe_finish(struct trace_writer *w, struct sim_error *err);

/* trace.c: the records on the caller's thread, as trace_read without a reader thread. */
int trace_read_direct(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);

/* trace_pipe.c: the reader thread.  trace_pipe_start hands everything but hdr, name and
 * enc over to a thread that runs trace_read_direct into a ring of record batches;
 * trace_pipe_read takes them in order, with the same results (an error after the records
 * before it); trace_pipe_stop ends and joins the thread. */
int trace_pipe_start(struct trace_reader *r, unsigned inflaters, struct sim_error *err);
int trace_pipe_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
int trace_pipe_read_run(struct trace_reader *r, const struct trace_record **v, size_t *n, struct sim_error *err);
uint64_t trace_pipe_records(const struct trace_reader *r);
void trace_pipe_stop(struct trace_reader *r);

/* trace_pipe.c: worker threads inflating queued members of a blocked trace.  The reader
 * pushes whole members (copied) while the pool is not full and takes them back inflated in
 * the order pushed (take, then release once the block's bytes were copied). */
struct trace_zblock {
	struct trace_block b;
	uint64_t off;              /* the member's byte offset in the file */
	const unsigned char *data; /* b.usize bytes when rc == 0 */
	int rc;                    /* of trace_block_inflate: 0, or -1 with crc and why */
	bool crc;
	char why[128];
};
struct trace_zpool *trace_zpool_new(unsigned workers);
void trace_zpool_free(struct trace_zpool *z);
bool trace_zpool_full(const struct trace_zpool *z);
unsigned trace_zpool_pending(const struct trace_zpool *z);
int trace_zpool_push(struct trace_zpool *z, const unsigned char *member, const struct trace_block *b,
		     uint64_t off);
const struct trace_zblock *trace_zpool_take(struct trace_zpool *z, struct trace_zblock *out);
void trace_zpool_release(struct trace_zpool *z);

#endif
