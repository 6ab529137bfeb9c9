/* ftrace.h — reading kernel trace captures into a stream of typed events.
 *
 * Inputs (model.md §8.5, §8.6): the tracefs `trace` file (with its `#` header and a
 * latency-flags column), `trace_pipe` output (same lines, no header), `trace-cmd report`
 * text (a `cpus=N` header, no flags column), each plain or gzip-compressed; and trace-cmd
 * `.dat` files through libtracecmd (tracedat.c, optional).  Every source yields the same
 * `struct ftrace_event`, so the importer (import.h) cannot tell them apart.
 *
 * Glossary:
 *   line       one text line of the capture (1-based in messages); for .dat, one record
 *   payload    the TP_printk text after "event_name: "
 *   field      "name=value" inside the payload, found by name, never by column
 *
 * Parsing rules: the task is "comm-pid" (comm may hold spaces and dashes: the pid is the
 * digits after the last dash), the CPU is "[NNN]", optional columns (latency flags
 * "d..2.", tgid "( 123)") are skipped, the timestamp is "secs.frac:" with 1..9 fractional
 * digits.  `page=` is never read: it is a hashed pointer (model.md §8.5).
 */
#ifndef MMSIM_FTRACE_H
#define MMSIM_FTRACE_H

#include "../common.h"

/* Recognised events.  The names table (ftrace_event_names) is in kernel spelling. */
enum ftrace_event_id {
	FEV_UNKNOWN,
	/* kmem */
	FEV_PAGE_ALLOC,
	FEV_PAGE_FREE,
	FEV_PAGE_FREE_BATCHED,
	FEV_PAGE_ALLOC_ZONE_LOCKED,
	FEV_PAGE_PCPU_DRAIN,
	FEV_PAGE_ALLOC_EXTFRAG,
	FEV_SETUP_PER_ZONE_WMARKS,
	FEV_KMALLOC,
	FEV_KFREE,
	FEV_KMEM_CACHE_ALLOC,
	FEV_KMEM_CACHE_FREE,
	FEV_RSS_STAT,
	/* filemap */
	FEV_FILEMAP_ADD,
	FEV_FILEMAP_DELETE,
	/* vmscan */
	FEV_KSWAPD_WAKE,
	FEV_KSWAPD_SLEEP,
	FEV_WAKEUP_KSWAPD,
	FEV_DIRECT_RECLAIM_BEGIN,
	FEV_DIRECT_RECLAIM_END,
	FEV_MEMCG_RECLAIM_BEGIN,
	FEV_MEMCG_RECLAIM_END,
	FEV_NODE_RECLAIM_BEGIN,
	FEV_NODE_RECLAIM_END,
	FEV_LRU_ISOLATE,
	FEV_LRU_SHRINK_INACTIVE,
	FEV_LRU_SHRINK_ACTIVE,
	FEV_WRITE_FOLIO,
	FEV_THROTTLED,
	/* compaction */
	FEV_COMPACTION_BEGIN,
	FEV_COMPACTION_END,
	FEV_COMPACTION_ISOLATE_MIGRATEPAGES,
	FEV_COMPACTION_ISOLATE_FREEPAGES,
	FEV_COMPACTION_FAST_ISOLATE_FREEPAGES,
	FEV_COMPACTION_MIGRATEPAGES,
	FEV_COMPACTION_FINISHED,
	FEV_COMPACTION_SUITABLE,
	FEV_COMPACTION_TRY_TO_COMPACT,
	FEV_COMPACTION_DEFERRED,
	FEV_COMPACTION_DEFER_COMPACTION,
	FEV_COMPACTION_DEFER_RESET,
	FEV_COMPACTION_WAKEUP_KCOMPACTD,
	FEV_COMPACTION_KCOMPACTD_WAKE,
	FEV_COMPACTION_KCOMPACTD_SLEEP,
	/* migrate */
	FEV_MIGRATE_PAGES,
	FEV_MIGRATE_PAGES_START,
	/* writeback */
	FEV_WRITEBACK_DIRTY_FOLIO,
	FEV_FOLIO_WAIT_WRITEBACK,
	FEV_WRITEBACK_START,
	FEV_WRITEBACK_WRITTEN,
	FEV_GLOBAL_DIRTY_STATE,
	/* exceptions (x86) */
	FEV_PAGE_FAULT_USER,
	FEV_PAGE_FAULT_KERNEL,
	/* cma, page_isolation */
	FEV_CMA_ALLOC_START,
	FEV_CMA_ALLOC_FINISH,
	FEV_CMA_ALLOC_BUSY_RETRY,
	FEV_CMA_RELEASE,
	FEV_CMA_ALLOC_OLD,          /* pre-5.x "cma_alloc: pfn=%lx page=%p count=%lu align=%u" */
	FEV_TEST_PAGES_ISOLATED,
	/* sched */
	FEV_SCHED_PROCESS_FORK,
	NR_FTRACE_EVENTS
};
extern const char *const ftrace_event_names[NR_FTRACE_EVENTS];
extern const char *const ftrace_event_systems[NR_FTRACE_EVENTS];

/* Names of the compaction status / ret strings, in compact_result order (model.md §5.2). */
#define NR_COMPACT_RESULTS 9
extern const char *const ftrace_compact_result_names[NR_COMPACT_RESULTS];
#define FTRACE_RESULT_OTHER NR_COMPACT_RESULTS /* a string this table does not know */

/* Migration reasons as printed by mm_migrate_pages (enum migrate_reason). */
#define NR_MIGRATE_REASONS 9
extern const char *const ftrace_migrate_reason_names[NR_MIGRATE_REASONS];
#define FTRACE_REASON_OTHER NR_MIGRATE_REASONS

#define FTRACE_COMM_LEN 32

/* pfn of an mm_page_alloc that failed: the kernel traces page NULL, which text prints as
 * "page=(nil) pfn=0x0" and a .dat holds as pfn -1UL.  Both readers store this value
 * (pfn 0 is the firmware page on x86 and never handed out). */
#define FTRACE_PFN_NONE UINT64_MAX

/* One event.  Which fields are meaningful depends on id (filled by ftrace_parse_payload_cached);
 * the others are 0.  Field by event:
 *   PAGE_ALLOC           pfn order migratetype gfp
 *   PAGE_FREE(_BATCHED)  pfn order                       (batched: order 0)
 *   ALLOC_ZONE_LOCKED, PCPU_DRAIN   pfn order migratetype
 *   PAGE_ALLOC_EXTFRAG   pfn order=alloc_order nr[0]=fallback_order nr[1]=pageblock_order
 *                        migratetype=alloc_migratetype nr[2]=fallback_migratetype
 *                        nr[3]=change_ownership
 *   FILEMAP_ADD/DELETE   dev ino index(=ofs/4096) pfn order
 *   WRITEBACK_DIRTY_FOLIO, FOLIO_WAIT_WRITEBACK   dev(bdi) ino index
 *   WRITEBACK_START/WRITTEN  dev(bdi) nr[0]=nr_pages (the work's pages left to write)
 *   KSWAPD_WAKE          order;  WAKEUP_KSWAPD order gfp;  DIRECT_RECLAIM_BEGIN order gfp
 *   DIRECT_RECLAIM_END   nr[0]=nr_reclaimed
 *   LRU_SHRINK_INACTIVE  nr[0]=nr_scanned nr[1]=nr_reclaimed result=type (0 anon, 1 file, 2 unknown)
 *   LRU_SHRINK_ACTIVE    nr[0]=nr_taken result=type;  WRITE_FOLIO result=type
 *   LRU_ISOLATE          nr[0]=nr_taken result=lru (0 inactive_anon, 1 active_anon,
 *                        2 inactive_file, 3 active_file, 4 unevictable, 5 unknown)
 *   COMPACTION_BEGIN     nr[0]=zone_start nr[1]=migrate_pfn nr[2]=free_pfn nr[3]=zone_end
 *                        result=mode (0 async, 1 sync; 2 another word)
 *   COMPACTION_END       result=status;  FINISHED, SUITABLE: order result=ret
 *   COMPACTION_ISOLATE_* nr[0]=nr_scanned nr[1]=nr_taken
 *   COMPACTION_MIGRATEPAGES  nr[0]=nr_migrated nr[1]=nr_failed
 *   COMPACTION_TRY_TO_COMPACT order gfp(gfp_mask)
 *   COMPACTION_DEFERRED, _DEFER_COMPACTION, _DEFER_RESET  order nr[0]=order_failed
 *                        nr[1]=consider nr[2]=limit nr[3]=zone (enum zone_type; MAX_NR_ZONES none)
 *   MIGRATE_PAGES        nr[0..4]=succeeded failed thp_succeeded thp_failed thp_split, result=reason
 *   PAGE_FAULT_*         addr nr[0]=error_code
 *   CMA_ALLOC_FINISH / CMA_ALLOC_OLD  pfn nr[0]=count order=align nr[1]=errorno
 *   CMA_ALLOC_START      nr[0]=count order=align;  CMA_RELEASE pfn nr[0]=count
 *   SCHED_PROCESS_FORK   nr[0]=parent pid nr[1]=child pid (a new thread's too)
 */
struct ftrace_event {
	sim_ns_t time_ns;      /* trace timestamp, ns (seconds since boot for the usual clock) */
	uint64_t line;         /* 1-based source line (text) or record number (.dat) */
	uint64_t pfn;
	uint64_t addr;         /* fault address */
	uint64_t ino;          /* inode number */
	uint64_t index;        /* page index in the file */
	uint64_t nr[5];        /* event-specific counts, see above */
	uint32_t pid;
	int32_t cpu;
	uint32_t gfp;          /* gfp.h bits */
	uint32_t dev;          /* (major << 20) | minor, as the kernel's MKDEV */
	uint16_t id;           /* enum ftrace_event_id */
	int16_t order;
	int8_t migratetype;    /* -1 when the event has none */
	uint8_t result;        /* compaction status/ret, migrate reason index, or
	                        * writeback_start/_written: 1 for a periodic (kupdate) work */
	char comm[FTRACE_COMM_LEN];
};

/* What one text line turned out to be. */
enum ftrace_line_kind {
	FTRACE_LINE_EVENT,   /* a recognised event, *ev filled */
	FTRACE_LINE_UNKNOWN, /* well-formed line of an event this importer does not know */
	FTRACE_LINE_HEADER,  /* blank, '#' comment, "cpus=N", "version = N", CPU-empty notes */
	FTRACE_LINE_LOST,    /* a "[LOST n EVENTS]" / "EVENTS DROPPED" marker; n in ev->nr[0] */
	FTRACE_LINE_ERROR,   /* malformed: *perr says where and why */
};

struct ftrace_parse_error {
	size_t col;          /* 1-based column */
	char reason[96];
};

/* Memo of gfp strings already parsed: a capture holds a few dozen distinct ones, and
 * matching a flag name table per token was a tenth of the parse time.  Direct-mapped by
 * a hash of the string; a reader owns one (zero-initialised = empty). */
#define FTRACE_GFP_CACHE 64
struct ftrace_gfp_cache {
	struct {
		uint32_t gfp;
		uint8_t len; /* 0 = empty slot */
		char s[119];
	} slot[FTRACE_GFP_CACHE];
};

/* Parse one line (without its newline; a trailing '\r' is ignored).  On
 * FTRACE_LINE_UNKNOWN, *name / *name_len point at the event name inside line.
 * The _cached form takes an optional gfp memo (NULL = none); results are the same. */
enum ftrace_line_kind ftrace_parse_line(const char *line, size_t len, struct ftrace_event *ev,
					const char **name, size_t *name_len,
					struct ftrace_parse_error *perr);
enum ftrace_line_kind ftrace_parse_line_cached(struct ftrace_gfp_cache *gc, const char *line,
					       size_t len, struct ftrace_event *ev,
					       const char **name, size_t *name_len,
					       struct ftrace_parse_error *perr);

/* ftrace_events.c: the event-name lookup and the payload field extraction (shared by the
 * text parser and the .dat reader).  Returns 0, or -1 with perr->col relative to payload. */
enum ftrace_event_id ftrace_event_lookup(const char *name, size_t len);
int ftrace_parse_payload_cached(struct ftrace_gfp_cache *gc, struct ftrace_event *ev,
				const char *payload, size_t len, struct ftrace_parse_error *perr);

/* Counts a reader keeps; the importer's reconciliation starts from them. */
#define FTRACE_MAX_UNKNOWN_NAMES 32
struct ftrace_read_stats {
	uint64_t nr_lines;         /* lines (or .dat records) read */
	uint64_t nr_header;        /* header / comment / blank lines */
	uint64_t nr_events;        /* recognised events handed to the sink */
	uint64_t nr_unknown;       /* well-formed lines of unknown events, skipped */
	uint64_t nr_errors;        /* malformed lines (only non-zero with lenient) */
	uint64_t nr_lost_markers;  /* lost-events markers */
	uint64_t nr_lost_events;   /* events the ring buffer lost, as the markers say */
	uint64_t first_error_line; /* first malformed line, for the summary */
	unsigned nr_error_notes;
	struct {
		uint64_t line;
		size_t col;
		char reason[96];
	} error_note[8];           /* the first malformed lines (lenient), for the summary */
	uint64_t bytes;            /* uncompressed bytes read */
	bool have_sha256;          /* opts.sha256 and the input was mapped whole: */
	char sha256[65];           /* its SHA-256 (hex), not read a second time */
	unsigned nr_unknown_names;
	struct {
		char name[48];
		uint64_t count;
	} unknown[FTRACE_MAX_UNKNOWN_NAMES]; /* the first distinct unknown names */
};

/* The consumer of events: return 0 to go on, -1 (with err filled) to stop. */
typedef int (*ftrace_sink_fn)(void *arg, const struct ftrace_event *ev, struct sim_error *err);

struct ftrace_read_opts {
	bool lenient;            /* count and skip malformed lines instead of failing */
	uint64_t max_errors;     /* lenient: give up after this many (0 = no limit) */
	bool sha256;             /* the input's SHA-256 in the stats where it is had for free */
};

enum ftrace_input_kind { FTRACE_INPUT_TEXT, FTRACE_INPUT_DAT, FTRACE_INPUT_NATIVE };
/* Sniff PATH's content: trace-cmd .dat magic, a native mmsim trace, or (default) text. */
int ftrace_input_kind(const char *path, enum ftrace_input_kind *kind, struct sim_error *err);

/* Read a text capture (plain or gzip) and feed each recognised event to sink.
 * Errors: EX_NOINPUT_ (cannot open), EX_DATAERR_ ("path:line:col: reason"), or the
 * sink's error. */
int ftrace_read_text(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		     void *arg, struct ftrace_read_stats *st, struct sim_error *err);

/* Same for a trace-cmd .dat (tracedat.c).  Without libtracecmd: EX_UNAVAILABLE_ with a
 * message saying to install libtracecmd-dev and reconfigure. */
int ftrace_read_dat(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		    void *arg, struct ftrace_read_stats *st, struct sim_error *err);

/* Dispatch on ftrace_input_kind (a native trace is refused with EX_DATAERR_). */
int ftrace_read(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		void *arg, struct ftrace_read_stats *st, struct sim_error *err);

#endif
