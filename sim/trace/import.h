/* import.h — turning a kernel trace capture into native intent records (architecture.md §2, §5).
 *
 * Events from ftrace.h pass a bounded reorder window (so CPUs' interleavings are merged
 * by timestamp), then intent is separated from effect:
 *   - allocations and frees the workload caused become ALLOC / FREE records;
 *   - frees and allocations done by a kernel mechanism (kswapd, kcompactd, khugepaged,
 *     the OOM reaper, or the task while inside direct reclaim, compaction, migration or
 *     cma_alloc) are effects: dropped and counted by cause — the simulator makes its own;
 *   - user page faults become ACCESS records for the object the faulting page holds;
 *     writeback_dirty_folio becomes DIRTY for the page cache page at that file offset;
 *   - whole-zone compaction by a task (a compact_memory write) becomes COMPACT;
 *   - mechanism events (kswapd wakes, reclaim, compaction, extfrag, migration) become
 *     observed figures ("observed.<name>" header keys) to compare with the simulation.
 * docs/import.md lists every rule.
 *
 * Object ids: id = (generation << 32) | head pfn, where the generation counts allocations
 * at that pfn, so a reused pfn gets a new id.  CMA device allocations use the same scheme
 * with bit 63 set.
 *
 * Reconciliation (import_stats), which the summary prints and the tests check:
 *   events read = emitted_from_events + dropped + unmatched
 *   emitted     = emitted_from_events + implied (synthetic frees, see below)
 *   dropped     = Σ alloc_effect[] + Σ free_effect[] + free_of_effect_alloc + alloc_failed + observed
 *                 + ignored + filemap + fault_first_touch + free_batched_dup + swapin_alloc
 *                 + free_part
 *   unmatched   = free_unmatched + free_tail + dirty_unmapped + fault_unresolved
 *                 + cma_release_unmatched + invalid
 * and for the whole input: lines = header + lost markers + unknown (skipped) + parse
 * errors + events read.
 */
#ifndef MMSIM_IMPORT_H
#define MMSIM_IMPORT_H

#include <stdio.h>

#include "../kernel/gfp.h"
#include "ftrace.h"
#include "reclaim_speed.h"
#include "trace.h"
#include "zoneinfo.h"

/* Who performed an effect (the reason an event is not workload intent). */
enum import_effect {
	EFFECT_KSWAPD,         /* comm kswapd*: background reclaim */
	EFFECT_KCOMPACTD,      /* comm kcompactd*: background compaction */
	EFFECT_KHUGEPAGED,     /* comm khugepaged: THP collapse (alloc huge, free small) */
	EFFECT_OOM_REAPER,     /* comm oom_reaper: OOM is the simulator's decision */
	EFFECT_DIRECT_RECLAIM, /* inside direct/memcg/node reclaim begin..end of the task */
	EFFECT_COMPACTION,     /* inside mm_compaction_begin..end of the task */
	EFFECT_MIGRATION,      /* inside mm_migrate_pages_start..mm_migrate_pages of the task */
	EFFECT_CMA,            /* inside cma_alloc_start..finish (alloc_contig_range) */
	NR_IMPORT_EFFECTS
};
extern const char *const import_effect_names[NR_IMPORT_EFFECTS];

/* Observed kernel figures with fixed names (the "observed.<name>" keys). */
enum import_obs {
	OBS_KSWAPD_WAKE, OBS_KSWAPD_SLEEP, OBS_WAKEUP_KSWAPD,
	OBS_DIRECT_RECLAIM, OBS_DIRECT_RECLAIM_END, OBS_DIRECT_RECLAIM_NR_RECLAIMED,
	OBS_MEMCG_RECLAIM, OBS_NODE_RECLAIM,
	OBS_PGSCAN, OBS_PGSTEAL, OBS_LRU_ISOLATE, OBS_LRU_SHRINK_ACTIVE, OBS_VMSCAN_WRITE,
	OBS_VMSCAN_THROTTLED,
	OBS_COMPACT_TRY, OBS_COMPACT_BEGIN, OBS_COMPACT_END,
	OBS_COMPACT_MIGRATE_SCANNED, OBS_COMPACT_FREE_SCANNED,
	OBS_COMPACT_ISOLATED_MIGRATE, OBS_COMPACT_ISOLATED_FREE,
	OBS_COMPACT_MIGRATED, OBS_COMPACT_MIGRATE_FAILED,
	OBS_COMPACT_DEFERRED, OBS_COMPACT_DEFER, OBS_COMPACT_DEFER_RESET,
	OBS_KCOMPACTD_WAKE, OBS_WAKEUP_KCOMPACTD, OBS_KCOMPACTD_SLEEP,
	OBS_EXTFRAG, OBS_EXTFRAG_FRAGMENTING, OBS_EXTFRAG_CHANGE_OWNERSHIP,
	OBS_MIGRATE_PAGES, OBS_PGMIGRATE_SUCCESS, OBS_PGMIGRATE_FAIL,
	OBS_THP_MIGRATION_SUCCESS, OBS_THP_MIGRATION_FAIL, OBS_THP_MIGRATION_SPLIT,
	OBS_ALLOC_FAIL, OBS_ALLOC_FAIL_EFFECT, OBS_ALLOC_ZONE_LOCKED, OBS_PCPU_DRAIN, OBS_SETUP_WMARKS,
	OBS_WRITEBACK_START, OBS_WRITEBACK_WRITTEN, OBS_FOLIO_WAIT_WRITEBACK, OBS_GLOBAL_DIRTY_STATE,
	OBS_CMA_ALLOC, OBS_CMA_ALLOC_FAIL, OBS_CMA_BUSY_RETRY, OBS_TEST_PAGES_ISOLATED,
	OBS_SCHED_FORK,
	NR_IMPORT_OBS
};
extern const char *const import_obs_names[NR_IMPORT_OBS];

/* 6.18's FLUSH_TIME: flush_memcg_stats_dwork's period (machine.memcg.stats_flush_ms). */
#define IMPORT_STATS_FLUSH_MS 2000

struct import_stats {
	uint64_t nr_read;                        /* events received (after the reader) */
	uint64_t by_event[NR_FTRACE_EVENTS];     /* events received, by event */
	/* emitted */
	uint64_t nr_emitted;                     /* all records emitted, implied included */
	uint64_t by_kind[NR_TRACE_KINDS];        /* records emitted, by native kind */
	uint64_t implied;                        /* synthetic FREE / CMA_RELEASE / COMPACT / HINT / CPU, see docs */
	uint64_t compact_trigger;                /* COMPACT records: compact_memory writes */
	/* dropped: effects and mechanism events */
	uint64_t alloc_effect[NR_IMPORT_EFFECTS];
	uint64_t free_effect[NR_IMPORT_EFFECTS];
	uint64_t free_of_effect_alloc;           /* free of a page whose allocation was an effect */
	uint64_t alloc_failed;                   /* the kernel failed it (page NULL): no object */
	uint64_t thp_fallback_probes;            /* THP faults that fell back, replayed as an attempt */
	uint64_t thp_fallback_kept;              /* of those, kept for their range (fault address known):
	                                          * no FREE at once */
	uint64_t thp_parts;                      /* HINT thp_part: base pages of a kept attempt's range */
	uint64_t thp_range_frees;                /* FREE of a kept attempt, with its range's first freed page */
	uint64_t failed_attempts;                /* other failed allocations of the workload,
	                                          * replayed as an attempt freed at once */
	uint64_t observed;                       /* mechanism events, kept as observed figures */
	uint64_t ignored;                        /* slab-level events (kmalloc, ...): not page intent */
	uint64_t filemap;                        /* page-cache add/delete: used to place DIRTY */
	uint64_t fault_first_touch;              /* fault whose page allocation record stands for it */
	uint64_t free_batched_dup;               /* mm_page_free_batched of a page mm_page_free
	                                          * just freed (free_unref_folios traces both) */
	uint64_t swapin_alloc;                   /* a swap-in's page allocation: stands for the
	                                          * swapped object (no ALLOC) */
	uint64_t free_part;                      /* free of a part of a refaulted folio that
	                                          * is not its last (no FREE) */
	/* unmatched */
	uint64_t free_unmatched;                 /* free of a pfn never seen allocated (and no
	                                          * prefill object left to release) */
	uint64_t free_tail;                      /* free of a tail page inside a live block */
	uint64_t dirty_unmapped;                 /* dirty folio with no known page (no filemap event) */
	uint64_t fault_unresolved;               /* fault that named no known object and allocated none */
	uint64_t cma_release_unmatched;
	uint64_t invalid;                        /* out-of-range pfn/order (lenient only) */
	/* notes, outside the reconciliation */
	uint64_t implied_free;                   /* live object overlapped by a new allocation */
	uint64_t free_order_mismatch;            /* freed with another order than allocated */
	uint64_t free_prefill;                   /* frees of pages in use before the capture:
	                                          * emitted as FREE of prefill objects (2^order,
	                                          * the first from the event, the rest implied) */
	uint64_t free_prefill_kind[3];           /* of them, by the kind released: movable,
	                                          * kernel, reclaimable slab (by pageblock) */
	uint64_t dirty_by_write_alloc;           /* DIRTY placed on the task's last __GFP_WRITE
	                                          * allocation (no filemap event named the folio) */
	uint64_t refault;                        /* page cache adds of an offset reclaim evicted:
	                                          * implied FREE of the new page's object and
	                                          * ACCESS of the evicted one */
	uint64_t swapin;                         /* faults on an anonymous page reclaim had freed
	                                          * (swapped out): ACCESS of its object, DIRTY
	                                          * for a write fault */
	uint64_t swapin_write;                   /* of those, write faults (DIRTY) */
	uint64_t swapin_unclaimed;               /* swap-ins whose page allocation never came
	                                          * within SWAPIN_WAIT later swap-ins */
	uint64_t refault_part;                   /* of those, a further part of a folio already back */
	uint64_t refault_merged;                 /* of those, adds over several evicted folios */
	uint64_t refault_companion;              /* ACCESS of the other evicted objects such an
	                                          * add brought back with the first (and again
	                                          * when that one comes back) */
	uint64_t refault_seeded;                 /* pages of the HINT refault records written */
	uint64_t pagecache_unmovable;            /* HINT pagecache records written */
	uint64_t wb_works;                       /* flusher works (writeback_start to its
	                                          * writeback_written on the same bdi) that
	                                          * wrote at least WB_MEASURE_MIN_PAGES */
	uint64_t wb_pages, wb_ns;                /* their pages written and time taken */
	struct rspeed_result rspeed;             /* the reclaim cost per page, from the vmscan
	                                          * events (reclaim_speed.h), at import_finish */
	uint64_t evict_prefill;                  /* reclaim evicting a page cache folio cached
	                                          * before the capture: a prefill file object
	                                          * stands for it (for its refault) */
	/* Each zone's compaction deferral as the capture began (compaction_deferred's state),
	 * from its first mm_compaction_deferred / _defer_compaction / _defer_reset event:
	 * known once one was seen.  import_defer_start says how each is read back. */
	struct import_defer_start {
		bool known;
		unsigned considered, shift, order_failed;
	} defer_start[MAX_NR_ZONES];
	/* A boosted watermark's kswapd wake was pending as the capture began: the capture's
	 * first wakeup_kswapd of order 0 without gfp flags (rmqueue's ZONE_BOOSTED_WATERMARK
	 * wake, 6.18) came before any fragmenting fallback that could have set the flag. */
	bool boost_wake_pending;
	/* Reclaims that began after an earlier one had ended (its snapshot_refaults taken)
	 * and within IMPORT_STATS_FLUSH_MS of the capture's start, before the replay's first
	 * flush of the statistics view: those that deactivated page cache
	 * (mm_vmscan_lru_shrink_active of file) and those that scanned page cache without
	 * deactivating any (import_stats_start_file_low). */
	uint64_t view_deactivating, view_not_deactivating;
	/* Each zone's compaction scanners as the capture began: the first mm_compaction_begin
	 * of a zone (by its zone_start) in each mode prints the cached migrate pfn of that mode
	 * and the cached free pfn (compact_zone, 6.18), unless it is a whole-zone run, which
	 * starts at the zone's ends and says nothing of them. */
	struct import_scan_start {
		uint64_t zone_start, zone_end;  /* 0, 0: slot unused */
		uint64_t migrate_pfn[2];        /* async, sync; 0 = not seen */
		uint64_t free_pfn;              /* 0 = not seen */
	} scan_start[4];
	uint32_t command_pid;                    /* opts.command_pid */
	uint64_t command_tasks, outside_tasks;   /* tasks with records, in and outside the
	                                          * command's process tree (opts.command_pid) */
	uint64_t fsync;                          /* files synced: a task's first wait on their
	                                          * writeback since they were dirtied (implied
	                                          * HINT sync of their page cache objects) */
	uint64_t gfp_mt_mismatch;                /* migratetype= differs from gfp_migratetype(gfp) */
	uint64_t gfp_mt_mismatch_first_line;
	uint64_t mt_pair[NR_MIGRATETYPES][NR_MIGRATETYPES]; /* [gfp's][trace's] for mismatches */
	uint64_t alloc_class[NR_ALLOC_CLASSES];  /* emitted ALLOCs by simulator class */
	uint64_t late;                           /* events older than the window: time clamped */
	uint64_t max_window_held;                /* most events held in the reorder window */
	sim_ns_t first_ns, last_ns;              /* time span of the events */
	/* observed kernel figures */
	uint64_t obs[NR_IMPORT_OBS];
	uint64_t compact_end[NR_COMPACT_RESULTS + 1];
	uint64_t compact_suitable[NR_COMPACT_RESULTS + 1];
	uint64_t compact_finished[NR_COMPACT_RESULTS + 1];
	uint64_t migrate_reason[NR_MIGRATE_REASONS + 1];
};

/* A task that issued records: the native trace keeps only its pid, the header its name. */
struct import_task {
	uint32_t pid;
	uint64_t nr_records;
	char comm[FTRACE_COMM_LEN]; /* latest comm seen with a record */
};

/* The root memcg's statistics last flushed before the capture had the inactive file list
 * low (prepare_scan_control's inactive_is_low, 6.18): between two flushes the activation
 * count reclaim reads cannot move, so after a snapshot only a low view deactivates page
 * cache, and then every reclaim does. */
static inline bool import_stats_start_file_low(const struct import_stats *s)
{
	return s->view_deactivating && !s->view_not_deactivating;
}

/* Sums used by the reconciliation. */
uint64_t import_dropped(const struct import_stats *s);
uint64_t import_unmatched(const struct import_stats *s);

/* Receives each native record, in non-decreasing time order. */
typedef int (*import_emit_fn)(void *arg, const struct trace_record *rec, struct sim_error *err);

struct import_opts {
	sim_ns_t window_ns;        /* reorder window; 0 = IMPORT_DEFAULT_WINDOW_NS */
	/* The captured command's pid (capture.json command_pid); 0: unknown.  Given, the
	 * tasks of its process tree are the ones sched_process_fork events lead to from it,
	 * and every other task's records carry SIM_TASK_OUTSIDE. */
	uint32_t command_pid;
	size_t max_window_events;  /* most events held at once; 0 = 1 << 20 */
	bool lenient;              /* count out-of-range values as invalid instead of failing */
	sim_ns_t round_ns;         /* round timestamps to this (1000: as `trace-cmd report`
	                            * prints them, so a .dat imports identically); 0 = keep */
	const char *source;        /* input name for messages */
	/* The starting state (import_prefill): /proc/zoneinfo right before the capture (NULL:
	 * no prefill), and optionally /proc/buddyinfo or /proc/pagetypeinfo (the free
	 * memory's shape; buddyinfo wins) and /proc/meminfo (slab, when zoneinfo lacks it). */
	const char *zoneinfo_path;
	const char *buddyinfo_path;
	const char *pagetypeinfo_path;
	const char *meminfo_path;
	/* When the prefill is written (import_prefill with these same inputs): a free of a
	 * page no event allocated (it was in use before the capture) releases prefill
	 * objects of its zone, tied by the pfn's place in the zone. */
	const struct zoneinfo *prefill_zi;
	const struct zoneinfo_free_orders *prefill_fo;
	/* The seed of the prefill's LRU order (import_prefill; 0: the default order).  A
	 * replay's figures move with it where the capture does not say what the kernel's LRU
	 * held in which order (validate --seeds). */
	uint64_t prefill_seed;
	/* Refaults of pages evicted before the capture (import_untraced_refaults): of the
	 * refault_candidates pages a read added at offsets the capture names nowhere before,
	 * about refault_seeded pages' folios, spread evenly, are written as HINT refault.
	 * 0: none. */
	uint64_t refault_candidates, refault_seeded;
};
#define IMPORT_DEFAULT_WINDOW_NS (10 * NSEC_PER_MSEC)

struct import;
struct import *import_new(const struct import_opts *opts, import_emit_fn emit, void *arg,
			  struct sim_error *err);
/* Feed one event (any order within the window); an ftrace_sink_fn, arg = the import. */
int import_event(void *im, const struct ftrace_event *ev, struct sim_error *err);
/* Drain the window and close open state (pending faults). */
int import_finish(struct import *im, struct sim_error *err);
const struct import_stats *import_get_stats(const struct import *im);
/* The pageblocks skip-marked as the capture began, as far as its compaction runs showed
 * (import_skip.h); valid until import_free. */
struct import_skip;
const struct import_skip *import_get_skip(const struct import *im);
void import_free(struct import *im);

/* The tasks that issued records, most records first (reorders an internal array). */
struct import;
size_t import_tasks(const struct import *im, const struct import_task **tasks);
/* Add "task.<pid>" = comm for the (at most max) tasks with the most records. */
int import_task_meta(const struct import *im, struct trace_header *h, unsigned max,
		     struct sim_error *err);

/* Add "observed.<name>" keys for every figure whose source event the capture holds. */
int import_observed_meta(const struct import_stats *s, const struct ftrace_read_stats *rs,
			 struct trace_header *h, struct sim_error *err);
/* Add "observed.vmstat.<name>" = after - before for every key that changed. */
int import_vmstat_meta(const char *before, const char *after, struct trace_header *h,
		       struct sim_error *err);
/* The reconciliation, human-readable. */
void import_print_summary(const struct import_stats *s, const struct ftrace_read_stats *rs,
			  FILE *fp);

/* The memory in use when the capture began (the capture cannot show it: e.g. the
 * compile-thp capture's hog pinned all but ~900 MiB beforehand), as records at time_ns
 * from task 0, ids IMPORT_PREFILL_ID_BIT | n.  Per zone: managed - free - (per-cpu list
 * pages) pages in use, split by kind as zoneinfo reports them (anon with __GFP_ZERO,
 * active pages accessed twice, page cache, reclaimable slab, other kernel memory), and,
 * with fo, the free memory's shape: holes allocated between pages in use and freed at
 * the end reproduce fo's free blocks per order, except the largest, which stay in the
 * never-allocated tail while the zone may not go below its low watermark (prefill.c
 * explains the layout; docs/import.md "Starting memory").  Anon and page cache come in
 * folios of the sizes zi gives (file_thp_pages, anon_thp_pages: PMD-sized;
 * file_folio_pages: the rest of the page cache); all 0: order-0 pages.  emit_fn NULL
 * only counts. */
#define IMPORT_PREFILL_ID_BIT (1ull << 62)
#define PF_PMD_ORDER 9 /* HPAGE_PMD_ORDER on x86-64: the folios FileHugePages / AnonHugePages count */

struct import_prefill_stats {
	uint64_t nr_pages;                  /* pages in use when the prefill ends */
	uint64_t nr_records;                /* records it emits */
	uint64_t nr_hole_pages;             /* pages allocated and freed again to shape free memory */
	uint64_t nr_folios[NR_PAGE_ORDERS]; /* movable folios in use by order (>= 1), all zones */
	uint64_t short_pages[MAX_NR_ZONES]; /* in use in the capture, left free: the zone was
	                                     * below the floor a replayed allocation may reach */
	uint64_t pcp_blocks[MAX_NR_ZONES];  /* pageblocks of the per-cpu lists' pages left whole
	                                     * (machine.pcp_start[].blocks) */
	uint64_t nr_dirty_pages;            /* page cache marked dirty (dated: zi->dirty_age_span_ms) */
	uint64_t highatomic_blocks[MAX_NR_ZONES]; /* free pageblocks reserved highatomic (hint highatomic) */
};
/* The flusher at the capture's start (docs/import.md "Dirty pages at the start"): how far
 * into its dirty_writeback period (5 s) it was, returned in ms, and so the span the dirty
 * pages' ages lie in, zi->dirty_age_span_ms = dirty_expire (30 s) + that.  From the
 * capture's first periodic writeback when it shows one (zi->first_kupdate_ns: it came a
 * period less the phase after the start); else drawn from seed (import_prefill's; seed 0:
 * the middle) over [0, period - the capture's length) when its writeback events were on
 * and none came (wb_events 1), over the whole period when that is unknown (-1) or they
 * were off (0). */
uint32_t import_prefill_flusher(struct zoneinfo *zi, uint64_t seed, int wb_events);
int import_prefill(const struct zoneinfo *zi, const struct zoneinfo_free_orders *fo, sim_ns_t time_ns,
		   uint64_t seed, import_emit_fn emit_fn, void *arg, struct import_prefill_stats *st,
		   struct sim_error *err);

/* Parse the files named by o->zoneinfo_path (required), buddyinfo_path or
 * pagetypeinfo_path (*have_fo: fo filled) and meminfo_path (slab when zoneinfo lacks
 * it, FileHugePages, AnonHugePages). */
int import_prefill_load(const struct import_opts *o, struct zoneinfo *zi, struct zoneinfo_free_orders *fo,
			bool *have_fo, struct sim_error *err);
/* What the first pass counts of the page cache adds, in pages (rc may be NULL): re-adds
 * over an offset the capture removed before (refaults the trace shows), and first adds by
 * a read (no __GFP_WRITE) of offsets the capture names nowhere before: the candidates for
 * refaults of pages evicted before the capture. */
struct import_refault_census {
	uint64_t readds, candidates;
};

/* The device's write rate the capture's flusher works show (bytes per second; 0 when
 * no work wrote enough to tell): wb_pages over wb_ns. */
uint64_t import_wb_bandwidth(const struct import_stats *s);
/* The rate tells the device: its works wrote for IMPORT_WB_MIN_NS or longer in all.  A
 * shorter burst may have gone into the block queue and the device's cache, not to the
 * medium (thp-compact's two works of 5 ms: 15.5 GB/s). */
#define IMPORT_WB_MIN_NS 50000000ull
bool import_wb_measured(const struct import_stats *s);

/* Of a capture's workingset_refault_file (R) and workingset_activate_file (A) deltas,
 * the refaults the trace cannot show are R - readds (their shadows predate it), and the
 * activated share of them, A/R of them, is what a replay must be given: the number of
 * HINT refault records to write, at most rc->candidates; *untraced = R - readds. */
uint64_t import_untraced_refaults(const struct import_refault_census *rc, uint64_t refault_file,
				  uint64_t activate_file, uint64_t *untraced);
/* The /proc/vmstat deltas (after - before) of names[0..n), read once: found[k] false (and
 * delta[k] 0) where either file lacks names[k]. */
int import_vmstat_deltas(const char *before, const char *after, const char *const *names, size_t n,
			 int64_t *delta, bool *found, struct sim_error *err);

/* A first pass over the capture at path for the page cache's folio sizes: every
 * mm_filemap_delete_from_page_cache of a pfn that no earlier mm_page_alloc or
 * mm_filemap_add_to_page_cache of the capture named removed a folio that was in the page
 * cache when the capture began; its pages are added to zi->file_folio_pages[order].
 * Returns the folios counted, or -1 with err set (ftrace_read's errors). */
int64_t import_prefill_evictions(const char *path, const struct ftrace_read_opts *ro, struct zoneinfo *zi,
				 struct import_refault_census *rc, struct sim_error *err);

/* Text made fit for a header value: printable ASCII ('?' for other bytes), no spaces
 * at either end, and at most size - 1 bytes, keeping the end (a path's file name) after
 * "...".  Returns dst. */
char *import_meta_text(char *dst, size_t size, const char *src);

/* SHA-256 of a file, as 64 hex digits (provenance: "source_sha256"). */
int import_file_sha256(const char *path, char hex[65], struct sim_error *err);

#endif
