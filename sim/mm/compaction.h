/* compaction.h — memory compaction (model.md §5, architecture.md §4): the two scanners of
 * compact_zone, suitability and the fragmentation index, deferral, direct compaction,
 * kcompactd, proactive compaction, compact_node and the background defragmenter.
 *
 * Glossary
 *   migrate scanner  walks up from the zone start a pageblock at a time, isolating movable
 *                    objects (COMPACT_CLUSTER_MAX pages per batch, the rest of the pageblock
 *                    when it is finishing one: finish_pageblock); for costly orders it
 *                    first looks on the MOVABLE free lists for a block that is partly
 *                    free already (fast_find_migrateblock)
 *   free scanner     walks down from the zone end, isolating free blocks as targets; for
 *                    order > 0 it first takes a block off the free lists near its position
 *                    (fast_isolate_freepages)
 *   scanners met     the free scanner's pageblock <= the migrate scanner's pageblock
 *   skip bit         PB_SKIP: a block that isolated nothing; honoured unless ignore_skip_hint
 *   deferral         after failures a zone's compaction runs once every 2^defer_shift tries
 *
 * Triggers by policy.defrag: failure = direct compaction from the slow path plus kcompactd
 * when woken (kswapd before it sleeps); proactive = that plus the 500 ms fragmentation-score
 * check with policy.compaction_proactiveness (a stock 5.9+ kernel); threshold = that plus a
 * background defragmenter keeping policy.defrag_thresholds.orderN free blocks per order.
 * policy.compact_node_at and the trace's `compact` record run compact_node.
 */
#ifndef MMSIM_COMPACTION_H
#define MMSIM_COMPACTION_H

#include "migrate.h"

#define COMPACT_CLUSTER_MAX 32     /* pages isolated per migrate batch (SWAP_CLUSTER_MAX) */
#define COMPACT_MIGRATE_MAX (1u << MAX_PAGE_ORDER) /* objects of one batch: a whole pageblock */
#define COMPACT_MAX_DEFER_SHIFT 6  /* deferral limit: 1 try in 64 */
#define COMPACTION_HPAGE_ORDER 9   /* order the proactive score is computed for */
#define HPAGE_FRAG_CHECK_INTERVAL_NS (500 * NSEC_PER_MSEC)

/* Priorities (model.md §5.1): lower value = more effort. */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,  /* whole zone, ignores skip hints, block suitability, deferral */
	COMPACT_PRIO_SYNC_LIGHT, /* start of the slow path's retry loop */
	COMPACT_PRIO_ASYNC,      /* first try in the slow path */
	NR_COMPACT_PRIORITIES
};

/* Results, in the kernel's order and with its trace strings (model.md §5.2). */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,
	COMPACT_SKIPPED,
	COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
	NR_COMPACT_RESULTS
};
extern const char *const compact_result_names[NR_COMPACT_RESULTS];

/* One compaction run of one zone (the kernel's struct compact_control).
 *
 * Invariants while running:
 *   zone->start_pfn <= migrate_pfn;  free_pfn < zone->start_pfn + zone->present
 *   nr_freepages == Σ_o (blocks on freepages[o]) << o   (isolated targets, PF_ISOLATED)
 *   nr_migratepages <= pageblock_nr_pages <= COMPACT_MIGRATE_MAX (one pageblock's objects)
 *   after compact_zone returns: nr_freepages == nr_migratepages == 0 */
struct compact_control {
	struct zone *zone;
	int order;                      /* request order; -1 = compact_node (whole zone) */
	enum migratetype migratetype;   /* the request's type (finish test, async source) */
	unsigned alloc_flags;           /* watermark the request is judged at */
	enum zone_type highest_zoneidx;
	enum migrate_mode mode;
	bool whole_zone;                /* start at the zone's ends, not the cached pfns */
	bool ignore_skip_hint;          /* scan blocks marked skip (SYNC_FULL, compact_node) */
	bool no_set_skip_hint;          /* never set skip bits (alloc_contig_range) */
	bool ignore_block_suitable;     /* any block may receive migrated pages (SYNC_FULL) */
	bool direct_compaction;         /* async source filter applies */
	bool nofs;                      /* the request lacks __GFP_FS: only anon pages move */
	bool proactive_compaction;      /* finish when the zone's score <= the low wmark */
	uint64_t defrag_target;         /* > 0: finish when blocks of `order` >= this */
	/* Scan the rest of the migrate scanner's pageblock in one batch (no COMPACT_CLUSTER_MAX
	 * limit), then mark it skip and move the cached migrate pfn past it: set for a second
	 * batch in the block the last one came from, and after a failed migration (6.12). */
	bool finish_pageblock;

	pfn_t migrate_pfn;              /* next pfn the migrate scanner looks at */
	pfn_t free_pfn;                 /* next pfn (going down) the free scanner looks at */

	pfn_t freepages[NR_PAGE_ORDERS]; /* isolated free blocks, stacks linked by .next */
	uint64_t nr_freepages;          /* pages on freepages[] */
	pfn_t migratepages[COMPACT_MIGRATE_MAX];
	unsigned nr_migratepages;
	uint64_t nr_migrate_pages_batch; /* pages in migratepages[]: the free scanner's goal */
	/* fast_isolate_freepages: failed free-list searches in a row (each halves the next
	 * search's length) and the order the next search starts at. */
	unsigned fast_search_fail;
	int search_order;
	/* fast_find_migrateblock: the lowest free-list pfn it has found (0 before the first,
	 * PFN_NONE once the linear scan was restarted from it). */
	pfn_t fast_start_pfn;

	/* Results. */
	uint64_t total_migrate_scanned; /* pfns looked at by each scanner */
	uint64_t total_free_scanned;
	uint64_t nr_isolated;           /* compact_isolated: objects + free pages isolated */
	uint64_t nr_migrated;           /* pages moved */
	uint64_t nr_failed;             /* pages that failed to move */
	sim_ns_t cost_ns;               /* scanned * scan_page_ns + copy time */
};

/* Node-wide compaction state (mm->compact): kcompactd and the proactive timer.
 * kcompactd_pending => a kcompactd event is queued.
 * kcompactd_work == wake-ups and timeouts kcompactd served + compact_zone runs of its timeout path
 * (proactive compaction, the threshold defragmenter); it only grows.
 * kcompactd_busy_ns == Σ cost_ns of the compact_zone runs counted in kcompactd_work. */
struct compact_state {
	unsigned kcompactd_handler, defrag_handler, kcompactd_timeout_handler;
	bool kcompactd_pending;
	int kcompactd_max_order;
	enum zone_type kcompactd_highest_zoneidx;
	/* kcompactd's timed sleep (proactiveness on): it began at kcompactd_sleep_ns and lasts
	 * kcompactd_timeout_ns (500 ms; 32 s after a proactive run without progress); a
	 * timeout event is queued while an order is left requested or the proactive check is
	 * on (kcompactd_timeout_gen tells a stale one). */
	sim_ns_t kcompactd_sleep_ns;
	sim_ns_t kcompactd_timeout_ns;
	uint64_t kcompactd_timeout_gen;
	bool kcompactd_timeout_armed;
	bool compact_blockskip_flush[MAX_NR_ZONES]; /* direct compaction's scanners met */
	/* compact_init_migrate_pfn / _free_pfn: the first source and last target block the
	 * last reset_isolation_suitable found (a run starting at or below the first is a
	 * whole-zone run; the free scanner starting at or above the last searches deeper). */
	pfn_t init_migrate_pfn[MAX_NR_ZONES], init_free_pfn[MAX_NR_ZONES];
	uint64_t kcompactd_work;
	sim_ns_t kcompactd_busy_ns;     /* CPU time of kcompactd's compact_zone runs */
	uint64_t nr_compact_runs[NR_COMPACT_RESULTS]; /* compact_zone outcomes */
};

/* ---- the zone run and its pieces ------------------------------------------------ */

enum compact_result compact_zone(struct mm *mm, struct compact_control *cc);

/* compaction_suitable: enough order-0 free above the watermark plus 2<<order, and for
 * costly orders a fragmentation index above extfrag_threshold (or -1000).  alloc_flags
 * are the request's (the policy decides whether its ALLOC_CMA matters here). */
bool compaction_suitable(const struct mm *mm, const struct zone *z, int order,
			 enum zone_type highest_zoneidx, unsigned alloc_flags);
/* The same at the watermark wm a caller passes (6.18 passes it in: should_continue_reclaim
 * asks at min whatever the order, where compaction's own callers use low for costly ones). */
bool compaction_suitable_at(const struct mm *mm, const struct zone *z, int order, enum zone_watermark wm,
			    enum zone_type highest_zoneidx, unsigned alloc_flags);
/* SUCCESS (already satisfiable at the request's watermark), SKIPPED, or CONTINUE. */
enum compact_result compaction_suit_allocation_order(const struct mm *mm, const struct zone *z,
						     int order, enum zone_type highest_zoneidx,
						     unsigned alloc_flags);

/* Indices from the zone's free lists (model.md §5.3), in thousandths.  The fragmentation
 * index is -1000 when the order is already available, 0 with nothing free. */
int compaction_fragmentation_index(const struct zone *z, unsigned order);
int compaction_unusable_index(const struct zone *z, unsigned order);
/* extfrag_for_order, 0..100; the proactive score of a zone is this at order 9. */
unsigned compaction_extfrag_for_order(const struct zone *z, unsigned order);
/* Node score: Σ zone score × zone present / (node present + 1). */
unsigned compaction_node_score(const struct mm *mm);

/* Deferral (model.md §5.6). */
void defer_compaction(struct zone *z, int order);
bool compaction_deferred(struct zone *z, int order);
void compaction_defer_reset(struct zone *z, int order, bool alloc_success);
bool compaction_restarting(const struct zone *z, int order);

/* kswapd before it naps (reset_isolation_suitable, 6.12): for zones whose direct-compaction
 * scanners met since the last reset, clear the skip bits of blocks whose sampled pages
 * hold LRU or free pages, and restart the scanner caches at the first and last such. */
void compaction_kswapd_reset_skip(struct mm *mm);

/* ---- triggers --------------------------------------------------------------------- */

/* try_to_compact_pages (6.12) for the slow path (installed as mm->hooks.direct_compact):
 * every eligible zone at prio, cost charged to ac->req.  Returns the highest result over
 * the zones (COMPACT_SKIPPED when no zone ran).  compact_stall/success/fail are counted by
 * the allocator, which knows whether the page was then obtained. */
enum compact_result compaction_direct(struct mm *mm, const struct alloc_context *ac, int prio);
/* compaction_zonelist_suitable (6.18): would some eligible zone pass compaction's order-0
 * watermark (no fragmentation index) with its free pages plus 1/order of its reclaimable
 * ones?  (should_compact_retry after COMPACT_SKIPPED) */
bool compaction_zonelist_suitable(const struct mm *mm, const struct alloc_context *ac);

/* Wake kcompactd for (order, highest zone): kswapd calls this before it sleeps, and
 * boosted-watermark handling at pageblock_order.  Order 0 is ignored; the daemon runs only
 * if some zone is suitable, as an engine event at the current time. */
void wakeup_kcompactd(struct mm *mm, int order, enum zone_type highest_zoneidx);

/* compact_node for one zone (or all with zone < 0): order -1 = whole zone in MIGRATE_SYNC
 * ignoring skip hints, as /proc/sys/vm/compact_memory; order >= 0 compacts for that order
 * at SYNC_FULL.  The cost is charged to req (the writer of compact_memory waits; NULL for
 * the timed policy.compact_node_at).  (mm_compact_request_req in mm.h is the trace
 * record's entry point.) */
void compaction_compact_node(struct mm *mm, struct mm_request *req, int zone, int order);

/* kcompactd's activity for the timeseries: the kcompactd_work count (grows whenever
 * kcompactd serves a wake-up or its timeout path compacts a zone) and whether a wake-up
 * is queued now.  kcompactd runs in zero simulated time, so "busy" means one of these. */
uint64_t compaction_kcompactd_work(const struct mm *mm);
bool compaction_kcompactd_pending(const struct mm *mm);
/* The simulated CPU time kcompactd spent in compact_zone (scans and migrations at
 * cfg->costs), over the run: the daemon's work is not charged to any request. */
sim_ns_t compaction_kcompactd_busy_ns(const struct mm *mm);

/* One check of the defrag policy now: the proactive score check (which kcompactd makes at
 * each timeout of its sleep with nothing requested) or the threshold defragmenter (run
 * every policy.defrag_interval_ns). */
void compaction_periodic(struct mm *mm);

/* Invariant checker: no page left isolated, no free block with PF_ISOLATED, scanner caches
 * inside their zone, deferral state in range, skip bits only inside the zone. */
bool compaction_check(const struct mm *mm, char *msg, size_t msg_size);

#endif
