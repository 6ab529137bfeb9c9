/* trace.h — the native mmsim trace: records of workload *intent* (architecture.md §2, §5).
 *
 * Two encodings of the same record stream:
 *   *.mmt.gz   binary records in blocked gzip (independent members with a record index,
 *              FORMAT.md §3.1), with a versioned header;
 *   *.mmt.txt  one record a line, for hand-written tests.
 * A trace carries only what the workload asked for: which pfn is used, reclaim,
 * compaction and failures are the simulator's own decisions.
 *
 * Record fields by kind (unused fields are 0):
 *   ALLOC        time, task, id, order, gfp            allocate 2^order pages for object id
 *   FREE         time, task, id                        free object id
 *   ACCESS       time, task, id                        touch id (LRU ageing, refault/swap-in)
 *   DIRTY        time, task, id                        mark id dirty (needs writeback)
 *   PIN          time, task, id, arg=pin kind          pin id (PIN_LONGTERM / PIN_SHORT / PIN_OWNER)
 *   UNPIN        time, task, id                        drop the pin
 *   HINT         time, task, id, arg=hint kind         fadvise NOREUSE / volatile / DONTNEED / invalidate
 *   CMA_ALLOC    time, task, id, count, arg=align order device contiguous allocation of count pages
 *   CMA_RELEASE  time, task, id                        release device allocation id
 *   COMPACT      time, task, arg=zone index or -1 (all), order in .order (or 0xff = whole zone)
 *   SNAPSHOT     time, arg=tag                         write /proc-format snapshots now
 *   TASK         time, task, arg=after pid (0: none)   first record of task; in closed replay
 *                                                      it starts when task `after` ended (v2)
 *   CPU          time, task, arg=cpu (0..65535)        task's later records run on that CPU (v3)
 */
#ifndef MMSIM_TRACE_H
#define MMSIM_TRACE_H

#include "../common.h"
#include "../kernel/intent.h"

/* Writers write TRACE_VERSION, or the header's version when it is above that (a trace
 * holding a CPU record is version 3); readers accept TRACE_VERSION_MIN..TRACE_VERSION_MAX.
 * Each version fixes the record vocabulary: version 1 has every kind but TASK and CPU,
 * version 2 adds TASK, version 3 CPU, version 4 a DIRTY record's age (arg: the page was
 * dirtied that many ms before the record's time; 0, or before version 4: at it), version
 * 5 the hint kind highatomic. */
#define TRACE_VERSION 2
#define TRACE_VERSION_MIN 1
#define TRACE_VERSION_MAX 5
#define TRACE_DIRTY_AGE_MAX_MS 86400000 /* a day: a DIRTY record's age is 0..this */
#define TRACE_CPU_MAX 65535 /* CPU records name CPUs 0..TRACE_CPU_MAX */
#define TRACE_MAGIC "MMSIMTRC"

enum trace_kind {
	TR_ALLOC,
	TR_FREE,
	TR_ACCESS,
	TR_DIRTY,
	TR_PIN,
	TR_UNPIN,
	TR_HINT,
	TR_CMA_ALLOC,
	TR_CMA_RELEASE,
	TR_COMPACT,
	TR_SNAPSHOT,
	TR_TASK,
	TR_CPU,
	NR_TRACE_KINDS
};
/* Names as written in .mmt.txt: "alloc", "free", "access", "dirty", "pin", "unpin",
 * "hint", "cma_alloc", "cma_release", "compact", "snapshot", "task", "cpu". */
extern const char *const trace_kind_names[NR_TRACE_KINDS];

/* Text spellings of the intent kinds (enum trace_pin_kind, enum trace_hint_kind and
 * TRACE_COMPACT_WHOLE_ZONE are in kernel/intent.h, shared with mm). */
extern const char *const trace_pin_names[NR_PIN_KINDS]; /* "longterm", "short", "owner" */
extern const char *const trace_hint_names[NR_HINT_KINDS]; /* "noreuse", "volatile", "dontneed", "invalidate", "movable_ops", "mlock", "sync", "refault", "pagecache", "thp_part" */

struct trace_record {
	sim_ns_t time_ns; /* non-decreasing within a trace */
	uint64_t id;      /* object identity chosen by the workload or importer */
	uint32_t gfp;     /* gfp bits, gfp.h numbering (kernel 6.18 x86-64) */
	uint32_t task;    /* task (pid) that issued the record */
	uint32_t count;   /* CMA_ALLOC: pages requested */
	int32_t arg;      /* kind-specific: pin kind, hint kind, align order, zone, tag, after */
	uint8_t kind;     /* enum trace_kind */
	uint8_t order;    /* ALLOC: order; COMPACT: order or TRACE_COMPACT_WHOLE_ZONE */
};

/* TASK: the task (pid) that must end before rec->task starts, 0 for none.  A pid is
 * 32-bit unsigned like .task, so arg holds it bit for bit. */
static inline uint32_t trace_task_after(const struct trace_record *rec)
{
	return (uint32_t)rec->arg;
}

/* The trace version that introduced kind (1, 2 for TASK, 3 for CPU): a trace of an
 * older version holding such a record is rejected. */
unsigned trace_kind_since(enum trace_kind kind);
/* The trace version a record needs: its kind's, or 4 for a DIRTY record with an age. */
unsigned trace_record_since(const struct trace_record *rec);
/* The first version with a hint of this kind (1; 5 for highatomic). */
unsigned trace_hint_since(int hint_kind);

/* One header key/value, e.g. provenance ("generator", "churn"), ("seed", "42"),
 * ("importer", "ftrace"), ("source_sha256", ...), or observed kernel figures
 * ("observed.compact_stall", "27").  Keys and values are printable, no newline. */
struct trace_meta {
	char key[64];
	char value[192];
};

#define TRACE_MAX_META 256
struct trace_header {
	uint32_t version; /* read: the file's (TRACE_VERSION_MIN..TRACE_VERSION_MAX); written:
			   * this if above TRACE_VERSION (at most TRACE_VERSION_MAX), else TRACE_VERSION */
	uint32_t nr_meta;
	struct trace_meta meta[TRACE_MAX_META];
};

/* Header helpers. trace_meta_set replaces an existing key. */
int trace_meta_set(struct trace_header *h, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *trace_meta_get(const struct trace_header *h, const char *key);

struct trace_reader;
struct trace_writer;

/* Open PATH; the encoding is chosen by content (magic), not by name; "-" is stdin.
 * A regular file is inflated and decoded on a reader thread (MMSIM_TRACE_THREADS, trace.c)
 * with the same records and errors as on the caller's.
 * Errors (missing file: EX_NOINPUT_, bad magic/version/corrupt: EX_DATAERR_) name the
 * file and, for record errors, the 1-based record number (and line for .mmt.txt). */
struct trace_reader *trace_open(const char *path, struct sim_error *err);

const struct trace_header *trace_reader_header(const struct trace_reader *r);
/* Returns 1 with *rec filled, 0 at a clean end of trace, -1 on error (err filled).
 * Truncation, unknown kinds, out-of-range fields and time going backwards are errors. */
int trace_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err);
/* The next records in place: 1 with *v the first of *n >= 1 records, good until the next
 * call (or trace_close); 0 at a clean end; -1 on error (err filled).  The same records, end
 * and error as trace_read gives one by one (the records before an error first), which it
 * may be mixed with.  With the reader thread a run is the rest of a decoded batch, handed
 * over without a copy; without, up to TRACE_RUN_MAX records decoded into the reader. */
int trace_read_run(struct trace_reader *r, const struct trace_record **v, size_t *n, struct sim_error *err);
#define TRACE_RUN_MAX 4096u
/* Runs made of records read one at a time: next(ctx, ...) fills run[0 .. cap) until it has
 * no more, and the records go out as one run (as trace_read_run's answer); an error after
 * some records is kept and given at the next call, after them.  The one loop behind
 * trace_read_run without the reader thread and the replay's runs from a source with only
 * `next` (replay.c runs_from_next).  Inline, so a caller with a known next calls it directly.
 *   rc == 1 while next may have more, else its end (0) or its error (-1, err) */
struct trace_run_fill {
	struct trace_record *run;
	size_t cap;
	int rc;
	struct sim_error err;
};
static inline __attribute__((always_inline)) int
trace_run_fill(struct trace_run_fill *f, int (*next)(void *ctx, struct trace_record *rec, struct sim_error *err),
	       void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	/* in locals across the calls of next, which could otherwise change *f */
	struct trace_record *run = f->run;
	size_t k = 0, cap = f->cap;
	int rc = f->rc;
	while (rc == 1 && k < cap && (rc = next(ctx, &run[k], &f->err)) == 1)
		k++;
	f->rc = rc;
	if (k) {
		*v = f->run;
		*n = k;
		return 1;
	}
	if (f->rc < 0 && err)
		*err = f->err;
	return f->rc;
}
uint64_t trace_reader_records(const struct trace_reader *r); /* records returned so far */
void trace_close(struct trace_reader *r);

/* TRACE_TEXT_GZ: the text encoding inside a gzip stream (*.mmt.txt.gz). */
enum trace_encoding { TRACE_BINARY_GZ, TRACE_TEXT, TRACE_TEXT_GZ, NR_TRACE_ENCODINGS };
/* Create PATH through a temporary name; nothing appears at PATH until trace_commit. */
struct trace_writer *trace_create(const char *path, enum trace_encoding enc,
				  const struct trace_header *h, struct sim_error *err);
int trace_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err);
int trace_commit(struct trace_writer *w, struct sim_error *err); /* flush, rename, free */
void trace_abort(struct trace_writer *w);                        /* remove temp, free */
/* TRACE_TEXT for names ending ".txt", TRACE_TEXT_GZ for ".txt.gz", otherwise TRACE_BINARY_GZ. */
enum trace_encoding trace_encoding_for(const char *path);

/* Like trace_open, on an open descriptor (taken over: trace_close closes it); name is
 * used in messages.  Lets tests and fuzzers read from pipes and memfds. */
struct trace_reader *trace_open_fd(int fd, const char *name, struct sim_error *err);
/* Which library inflates the blocks of a blocked trace (FORMAT.md §3.1): "libdeflate" where
 * it was found at build time, else "zlib". */
const char *trace_block_inflater_name(void);
/* TRACE_BINARY_GZ or TRACE_TEXT (a gzip-compressed text trace reports TRACE_TEXT). */
enum trace_encoding trace_reader_encoding(const struct trace_reader *r);

/* The field rules of FORMAT.md §2 (ranges per kind, unused fields zero), as checked by
 * readers and writers.  Returns 0, or -1 with err->msg saying why (no location; the
 * caller adds it) and err->code EX_DATAERR_. */
int trace_record_check(const struct trace_record *rec, struct sim_error *err);
/* The record as one .mmt.txt line without the newline ("1000 alloc id=7 order=2 ...").
 * Returns the length snprintf would have written; TRACE_TEXT_LINE_MAX always suffices. */
#define TRACE_TEXT_LINE_MAX 1024
int trace_record_format(const struct trace_record *rec, char *buf, size_t len);

#endif
