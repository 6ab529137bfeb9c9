/* vmscan.h — reclaim, kswapd, writeback and swap state (model.md §3.5, §4, §9.3).
 *
 * Glossary
 *   scan_control     one reclaim pass: who (kswapd / direct), how far (reclaim_idx, priority),
 *                    how much (nr_to_reclaim), what it may do (write, swap)
 *   shrink plan      the per-list scan targets of one shrink_node (get_scan_count); kswapd
 *                    works through it one SWAP_CLUSTER_MAX batch per engine event
 *   nonres entry     side record per object id: the gfp to re-allocate it with, its shadow
 *                    (eviction age) and whether it holds a swap slot
 *   wb_device        a block device (disk or swap): FIFO of in-flight writes with a
 *                    bandwidth + latency model; completions are engine events
 *
 * Everything here hangs off mm->reclaim; the only globals are const tables.
 */
#ifndef MMSIM_VMSCAN_H
#define MMSIM_VMSCAN_H

#include "mm.h"
#include "../engine/actor.h"

#define DEF_PRIORITY 12
#define SWAP_CLUSTER_MAX 32u
#define MAX_RECLAIM_RETRIES 16
#define MAX_KSWAPD_FAILURES 16

/* ---- one reclaim pass (the kernel's struct scan_control) --------------------------- */

/* Per-shrink_node tallies that drive the PGDAT_* flags and the flusher wake (§4.4). */
struct reclaim_stat {
	uint64_t nr_taken;          /* pages isolated from inactive lists */
	uint64_t nr_file_taken;
	uint64_t nr_writeback;      /* taken under writeback, kept for later (case 2) */
	uint64_t nr_unqueued_dirty; /* file: taken dirty and not under writeback */
	uint64_t nr_immediate;      /* kswapd met PG_reclaim + PGDAT_WRITEBACK (case 1) */
	uint64_t nr_dirty;          /* file: taken dirty or under writeback */
	uint64_t nr_congested;      /* file: taken under writeback with PG_reclaim: cycling round */
};

struct scan_control {
	uint64_t nr_to_reclaim;       /* pages; stop once reclaimed */
	enum zone_type reclaim_idx;   /* pages in higher zones are skipped (pgskip_*) */
	pfn_t eligible_end_pfn;       /* end pfn of the highest populated zone <= reclaim_idx */
	int priority;                 /* DEF_PRIORITY .. 0: lists are scanned size >> priority */
	unsigned order;
	bool is_kswapd;
	bool may_writepage;           /* pageout() allowed (kswapd: not while boosted) */
	bool may_swap;                /* anon may be scanned */
	struct mm_request *req;       /* direct reclaim's request (frees go to its CPU); NULL: kswapd */
	struct wb_device *write_blocked; /* a write found this device's queue full: the
	                                  * reclaimer waits for a slot after the batch */
	uint64_t nr_scanned, nr_reclaimed; /* pages, inactive lists (incl. the easy list) */
	struct reclaim_stat nr;
	/* prepare_scan_control (6.12), set by vmscan_plan for each shrink_node: the active
	 * list of a type may be deactivated (bit 0 anon, bit 1 file) */
	unsigned may_deactivate;
	/* cache_trim_mode: prepare_scan_control chose to trim the page cache alone (set even
	 * without swap); no_cache_trim_mode: it may not (kswapd's retry, balance_pgdat 6.8+);
	 * cache_trim_mode_failed: a shrink_node in cache-trim mode reclaimed nothing. */
	bool cache_trim_mode, no_cache_trim_mode, cache_trim_mode_failed;
};

enum { DEACTIVATE_ANON = 1u << 0, DEACTIVATE_FILE = 1u << 1 };

/* get_scan_count's choice of lists, made node-wide once per shrink_node. */
enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/* One shrink_node: the walk over the memcgs (shrink_node_memcgs, 6.12) and the scan
 * targets left in the lruvec of the memcg being scanned, pages per list.  kswapd walks
 * every memcg from 0; direct reclaim starts at rs->memcg_cursor and stops after the last
 * memcg or once the pass has reclaimed nr_to_reclaim (a partial walk).
 * Invariants while active: first_memcg <= memcg < mm->nr_memcgs; nr[l] <= targets[l]; a
 * step takes at most SWAP_CLUSTER_MAX from each list's nr[] (the proportional adjustment
 * once the goal is met may cut more, vmscan.c lruvec_goal_met). */
struct shrink_plan {
	uint64_t nr[NR_LRU_LISTS];
	/* get_scan_count's targets for the current lruvec as planned (shrink_lruvec's
	 * targets[], for the proportional adjustment once the goal is met); lruvec_stop: the
	 * goal was met with one of anon and file already done, so the lruvec is over. */
	uint64_t targets[NR_LRU_LISTS];
	bool lruvec_stop;
	bool active;
	unsigned first_memcg, memcg;
	uint64_t lruvec_reclaimed0; /* sc->nr_reclaimed when memcg's lruvec was started */
	/* prepare_scan_control, node-wide: no swap (or may_swap off), file_is_tiny, and the
	 * lru costs as get_scan_count weighs them (total plus each list's own); get_scan_count
	 * for the current memcg, with its swappiness: the lists to scan and the SCAN_FRACT
	 * weights of anon and file. */
	bool no_swap, file_tiny;
	uint64_t anon_cost, file_cost;
	enum scan_balance balance;
	uint64_t ap, fp;
};

/* ---- side table: object id -> re-allocation gfp, shadow, swap slot ------------------- */

enum nonres_flags {
	NONRES_GFP = 1u << 0,       /* .gfp differs from the default for the page's kind */
	NONRES_SHADOW = 1u << 1,    /* .shadow_age valid: evicted by reclaim (workingset) */
	NONRES_SWAPCACHE = 1u << 2, /* resident anon page holding a swap slot (clean copy) */
	NONRES_SWAPPED = 1u << 3,   /* non-resident anon object: its data is in swap */
	/* With NONRES_SWAPCACHE: the page is mapped again (swapped in, or a fault found it in
	 * the swap cache after reclaim unmapped it), so the swap cache alone holds the slot
	 * (swap count 0, SWAP_HAS_CACHE).  Without it, a swap-cache page is one reclaim
	 * unmapped and wrote: its page tables hold the swap entry (folio_swapped). */
	NONRES_SWAPMAPPED = 1u << 4,
	/* With NONRES_SWAPCACHE and not NONRES_SWAPMAPPED: swap-in readahead read the page
	 * and no fault has met it since (PG_readahead on a swap-cache folio). */
	NONRES_READAHEAD = 1u << 5,
	/* The id is on rs->cache_only_ids (once): set by swap_mapped, cleared by the list's
	 * pruning and by swap_reclaim_cache_only for the ids they drop. */
	NONRES_LISTED = 1u << 6,
};

/* An entry (struct nonres_entry, mm.h: inside the object's slot) exists for every
 * non-resident object and for resident objects that have a non-default gfp or a swap
 * slot. */

/* ---- block devices (writeback and swap) ------------------------------------------ */

/* A write of one object; id OBJ_EMPTY is a tombstone (object truncated meanwhile). */
struct wb_io {
	uint64_t id;      /* OBJ_EMPTY: a tombstone (its page was freed while in flight) */
	sim_ns_t done_ns;
	uint64_t pages;   /* written at done_ns, tombstone or not (NR_WRITTEN) */
};

/* FIFO device: a write starts when the previous one finished transferring; it completes
 * latency_ns after its transfer ends.  done_ns is non-decreasing along the queue.
 * Invariant: nr_inflight pages == Σ pages of non-tombstone entries. */
struct wb_device {
	const char *name;
	uint64_t bandwidth_bps;
	sim_ns_t latency_ns;
	sim_ns_t page_ns;   /* writeback_transfer_ns(dev, 1), set by writeback_init */
	sim_ns_t busy_until_ns;
	struct wb_io *q; /* ring */
	size_t head, len, cap;
	/* Where each object's writes are (writeback.c): id -> the queue position of its
	 * latest write, counted from the first write ever submitted (q[head] is number
	 * head_seq), and how many of its writes are queued; only ids with one or more.  Kept
	 * only while depth == 0 (writeback.c where_kept; empty otherwise):
	 *   Σ nr over the map == entries of q that are not tombstones */
	struct u64map where;
	uint64_t head_seq;
	unsigned handler;   /* engine handler id */
	bool event_pending; /* one completion event at q[head].done_ns */
	bool is_swap;
	unsigned depth;     /* writes in flight at most (0: unbounded); len counts them */
	struct waitq wait;  /* reclaimers waiting for a request slot (a completion) */
};
/* The device has no free request slot: reclaim may not submit a write to it now. */
static inline bool writeback_queue_full(const struct wb_device *dev)
{
	return dev->depth && dev->len >= dev->depth;
}

/* ---- swap slots and swap-in readahead (swap.c) ------------------------------------ */

#define SWAP_CLUSTER_SLOTS 512u /* SWAPFILE_CLUSTER: HPAGE_PMD_NR on x86-64 */

/* Where a cluster of SWAP_CLUSTER_SLOTS slots is: on the free list (nothing taken), on the
 * nonfull list, full (on no list), or the one allocation takes slots from. */
enum swap_cluster_state { SCL_FREE, SCL_NONFULL, SCL_FULL, SCL_CURRENT };
struct swap_cluster {
	pfn_t next, prev; /* links of the free or the nonfull list (lib/pfnlist.h) */
	uint32_t used;    /* slots taken, the header's included */
	uint32_t state;   /* enum swap_cluster_state */
};

/* The swap device's slots, as a swap file's: slot 0 is its header, slots 1..swap_pages
 * hold pages.  For a cluster c of size(c) slots (the last may be short):
 *   slot[o].owner == id + 1 of the object holding slot o; 0 when free, and for slot 0
 *   clusters[c].used == #{o in c : slot[o].owner != 0} + (c == 0: the header)
 *   Σ_c clusters[c].used == swap_used + 1
 *   state SCL_FREE <=> on the free list, used == 0 (or c is current, any used)
 *   state SCL_NONFULL <=> on the nonfull list, 0 < used < size(c)
 *   state SCL_FULL => used == size(c);  state SCL_CURRENT <=> c == current
 *   an object with NONRES_SWAPCACHE or NONRES_SWAPPED keeps its first slot in its side
 *   entry's shadow_age word (no id -> slot map: the entry is in the object's own table
 *   slot); its shadow, while it has one (NONRES_SHADOW), is slot[first].shadow (6.18
 *   keeps a swapped-out page's shadow in the swap table's entry for its slot too);
 *   a large object's slots are the first nr free ones allocation met, chained from the
 *   first by slot[].next.
 * A slot's three words are one 16-byte entry: releasing a slot reads them all, and as
 * three arrays that was three misses. */
struct swap_slot {
	uint64_t owner;  /* id + 1, or 0 */
	uint32_t next;   /* the object's next slot after this one, UINT32_MAX after its last */
	uint32_t shadow; /* the shadow of the object whose first slot this is */
};
struct swap_slots {
	struct swap_slot *slot; /* [nr_slots] */
	uint64_t nr_slots; /* swap_pages + 1 */
	struct swap_cluster *clusters;
	uint32_t nr_clusters;
	struct pfn_list free, nonfull;
	uint32_t current; /* PFN_NONE: none */
	uint64_t cursor;  /* the next slot of current to try */
	/* swapin_nr_pages (6.18): the faulting offset it last saw without readahead hits,
	 * the hits since the last fault (swapin_readahead_hits), the last window. */
	struct swap_ra {
		uint64_t prev_offset;
		unsigned hits, last_pages;
	} ra;
	unsigned ra_max_pages; /* 1 << devices.swap.page_cluster */
};

/* ---- kswapd ---------------------------------------------------------------------- */

enum kswapd_state { KSWAPD_SLEEPING, KSWAPD_RUNNING, KSWAPD_NAPPING, NR_KSWAPD_STATES };
extern const char *const kswapd_state_names[NR_KSWAPD_STATES];

struct kswapd {
	enum kswapd_state state;
	/* Requests since the last balance start (pgdat->kswapd_order / _highest_zoneidx);
	 * req_highest == MAX_NR_ZONES means "none". */
	unsigned req_order;
	unsigned req_highest;
	unsigned failures;     /* kswapd_failures: >= 16 means node_unreclaimable */
	/* balance_pgdat in progress */
	unsigned order, highest_zoneidx;
	unsigned alloc_order;   /* order the run was started for (order may fall to 0) */
	unsigned sleep_order;   /* kswapd_try_to_sleep's reclaim_order after the run */
	int priority;
	uint64_t nr_boost_reclaim;
	uint64_t zone_boosts[MAX_NR_ZONES];
	uint64_t nr_reclaimed;  /* whole balance run */
	uint64_t round_scanned0, round_reclaimed0; /* sc totals at the round's start */
	bool raise_priority;
	/* balance_pgdat's scan_control flags that outlive a round: a cache-trim round
	 * reclaimed nothing; the run restarted with cache trimming off. */
	bool cache_trim_mode_failed, no_cache_trim_mode;
	struct scan_control sc;
	struct shrink_plan plan;
	uint64_t nap_gen;      /* stale nap-end events carry an older generation */
	unsigned handler;
	sim_ns_t busy_ns;      /* simulated time spent working */
	uint64_t nr_slices;
};

/* ---- the module state ------------------------------------------------------------ */

/* nr_dirty    == Σ pages of file heads with PF_DIRTY
 * nr_writeback == Σ pages of heads with PF_WRITEBACK == disk + swap in-flight pages
 * swap_used   == Σ pages of objects with NONRES_SWAPCACHE or NONRES_SWAPPED <= swap_pages
 * swap_cache_only == Σ pages of objects with NONRES_SWAPCACHE and NONRES_SWAPMAPPED */
struct reclaim_state {
	struct mm *mm;
	uint64_t nr_nonres; /* objects with a side entry (obj_slot.nonres; workingset.c) */

	uint64_t nr_dirty, nr_writeback;
	uint64_t swap_pages, swap_used;
	uint64_t swap_cache_only; /* pages of heads with NONRES_SWAPCACHE | NONRES_SWAPMAPPED */
	struct swap_slots slots;
	/* Ids of the objects that became swap-cache-only (swap_mapped) since the last walk,
	 * a superset of those that still are (swap.c): what swap_reclaim_cache_only visits
	 * instead of the whole object table. */
	uint64_t *cache_only_ids;
	size_t nr_cache_only_ids, cache_only_ids_cap;
	uint64_t nonresident_age; /* workingset clock: evictions + activations, pages */
	uint64_t anon_cost, file_cost; /* lru_note_cost: 32 × pages written + rotations, per type */
	bool pgdat_dirty, pgdat_writeback; /* PGDAT_DIRTY / PGDAT_WRITEBACK */
	bool node_congested; /* LRUVEC_NODE_CONGESTED: set by kswapd, cleared when balanced */
	/* reclaim_throttle's wait queues (pgdat->reclaim_wait[]): direct reclaimers sleep on
	 * them with a timeout of one jiffy (model.md §4.1). */
	struct waitq throttle_noprogress, throttle_congested;
	/* target_lruvec->refaults[] (6.12): workingset_activate_{anon,file} when the last
	 * reclaim ended (snapshot_refaults: end of balance_pgdat, end of
	 * do_try_to_free_pages); a count that moved since means a new workingset is being
	 * established, so the active lists are deactivated. */
	uint64_t refaults_seen[2];
	/* The root memcg's statistics as reclaim reads them (lruvec_page_state of the root
	 * lruvec, 6.18): per-cpu updates reach them only when flushed, which the periodic
	 * flush_memcg_stats_dwork does every FLUSH_TIME (machine.memcg.stats_flush_ms; 0 =
	 * read live).  prepare_scan_control's own flush is ratelimited to a periodic flush
	 * one full period late, so on time it never runs.  stats_view.file_low: the view
	 * taken before the measurement had the inactive file list low, until the next flush. */
	struct stats_view {
		uint64_t nr_lru[LRU_ACTIVE_FILE + 1];
		uint64_t activate[2]; /* workingset_activate_{anon,file} */
		bool file_low;
	} stats_view;
	sim_ns_t stats_next_flush_ns;
	/* File evictions, oldest first (workingset.c): an entry is current while its object is
	 * OBJ_EVICTED with that shadow_age; len <= shadow_limit after every eviction. */
	struct shadow_fifo {
		struct shadow_ref {
			uint64_t id;
			uint32_t age;
		} *q;
		size_t head, len, cap;
	} shadows;
	uint64_t shadow_limit;     /* 0 until the first eviction sets it: the node's present pages */
	uint64_t shadows_dropped;  /* evicted objects forgotten by the bound */

	struct kswapd kswapd;
	struct wb_device disk, swap;

	/* Memory cgroups (mm->nr_memcgs > 1): their lruvecs (mm->lruvecs[m] points into it),
	 * and the memcg where the next direct reclaim's partial walk starts: the one after the
	 * last it scanned (the shared mem_cgroup_iter position of 6.12).  memcg_cursor <
	 * mm->nr_memcgs. */
	struct lruvec *memcg_lruvecs;
	unsigned memcg_cursor;

	/* flusher: ids in dirtying order (entries go stale; checked when popped) */
	struct dirty_entry {
		uint64_t id;
		sim_ns_t dirtied_ns;
	} *dirty_fifo;
	size_t dirty_head, dirty_len, dirty_cap;
	unsigned kupdate_handler; /* periodic writeback of expired dirty pages */
	bool kupdate_pending;
	bool kupdate_armed;       /* once armed, devices.disk.kupdate_phase is spent */
	unsigned dirty_background_ratio, dirty_ratio; /* percent of dirtyable memory */


	/* stall components charged to requests (each also charged to its struct mm_request) */
	sim_ns_t stall_direct_ns, stall_refault_ns, stall_swapin_ns, stall_writeback_ns,
		stall_throttle_ns;
	uint64_t nr_direct_reclaims;
	uint64_t nr_writes_completed; /* writes ended, both devices */
	uint64_t nr_throttled;        /* direct reclaimers put to sleep by reclaim_throttle */

	/* ereclaimable (§9.3): notification when free + easily-reclaimable drops below */
	uint64_t notify_threshold_pages;
	bool notify_below;
	uint64_t nr_notifications;
	uint64_t min_easy_level; /* lowest sampled free + easy */
	/* The notification judged against what happened (mmsim_lowmem_*): direct reclaim is
	 * the kernel failing to find memory without stalling, so a stall while below the
	 * threshold was warned of, one above it was missed, and a below-threshold episode
	 * that ends without any stall was a false alarm.  notify_stalled: a stall happened in
	 * the current episode. */
	bool notify_stalled;

	/* scratch for isolation */
	pfn_t *scratch;
	size_t scratch_cap;
};

/* The shadow of side entry e (valid with NONRES_SHADOW): in the entry, or, while it holds
 * a swap slot (its shadow_age word names the first), in the slot table (struct
 * swap_slots). */
static inline uint32_t workingset_shadow(const struct reclaim_state *rs, const struct nonres_entry *e)
{
	return (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED)) ? rs->slots.slot[e->shadow_age].shadow : e->shadow_age;
}

static inline void workingset_set_shadow(struct reclaim_state *rs, struct nonres_entry *e, uint32_t age)
{
	if (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED))
		rs->slots.slot[e->shadow_age].shadow = age;
	else
		e->shadow_age = age;
}

/* ---- accessors for the outputs (stats writers) ----------------------------------- */

struct reclaim_node_stat {
	uint64_t nr_lru[NR_LRU_LISTS]; /* pages per list, lru_list_names order */
	uint64_t nr_dirty, nr_writeback;
	uint64_t swap_total_pages, swap_used_pages;
	bool kswapd_active;            /* running or napping */
	unsigned kswapd_failures;
	bool node_unreclaimable;       /* zoneinfo "node_unreclaimable" */
	sim_ns_t kswapd_busy_ns;
	sim_ns_t stall_direct_ns, stall_refault_ns, stall_swapin_ns, stall_writeback_ns,
		stall_throttle_ns;
	uint64_t nr_direct_reclaims;
	uint64_t nr_throttled;            /* direct reclaimers slept in reclaim_throttle */
	uint64_t nr_lowmem_notifications; /* ereclaimable: free + easy crossed the threshold */
	uint64_t lowmem_level_pages;      /* free + easily-reclaimable now */
};
void reclaim_node_stat(const struct mm *mm, struct reclaim_node_stat *out);
uint64_t reclaim_nr_dirty(const struct mm *mm);
uint64_t reclaim_nr_writeback(const struct mm *mm);
uint64_t reclaim_swap_used(const struct mm *mm);
bool reclaim_kswapd_active(const struct mm *mm);
bool reclaim_kswapd_running(const struct mm *mm); /* in a balance run (not napping) */
bool reclaim_node_unreclaimable(const struct mm *mm);

/* Invariant checks of this module (LRU lists, dirty/writeback counts, in-flight I/O,
 * swap slots); false with the first violation in msg. O(pages). */
bool reclaim_check(const struct mm *mm, char *msg, size_t msg_size);

/* should_reclaim_retry's zone test (model.md §4.1): could some eligible zone pass its min
 * watermark if every reclaimable page were reclaimed? */
bool reclaim_should_retry(struct mm *mm, const struct alloc_context *ac);
/* zone_reclaimable_pages: the node LRU's reclaimable pages credited to z in proportion to
 * its allocated pages (the model keeps one LRU per node, not per zone). */
uint64_t reclaim_zone_reclaimable(const struct mm *mm, const struct zone *z);

/* Run the flusher now: write back every dirty file page (sync/"vmscan" reason). */
void reclaim_flush_all(struct mm *mm);

/* Start writeback of a resident file object now (sync_file_range), dirtying it first if
 * clean; the write completes as a device event on the engine.  False when id is not a resident file LRU object. */
bool reclaim_writeback_object(struct mm *mm, uint64_t id);
/* Change list-determining or state flags of an LRU head consistently (for tools and tests
 * that build scenarios by hand): the page leaves its list, flags change, it rejoins the
 * head of its new list; nr_dirty follows PF_DIRTY on file pages.  PF_WRITEBACK, PF_LRU
 * and PF_HEAD may not be changed this way. */
void reclaim_set_page_flags(struct mm *mm, pfn_t head, uint16_t set, uint16_t clear);

/* ---- internal interfaces between vmscan.c, kswapd.c, writeback.c, swap.c, workingset.c */

void vmscan_set_eligible(const struct mm *mm, struct scan_control *sc);
void vmscan_plan(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan);
/* One batch of the plan; returns false when the plan is done. */
bool vmscan_plan_step(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan);
/* End of shrink_node: anon ageing of the memcgs the plan walked, PGDAT flags,
 * kswapd_failures reset. */
void vmscan_finish_node(struct mm *mm, struct scan_control *sc, const struct shrink_plan *plan);
/* One whole shrink_node at sc->priority, without a pause between batches (direct reclaim;
 * kswapd steps the plan itself, one engine slice per batch). */
void vmscan_shrink_node(struct mm *mm, struct scan_control *sc);
void vmscan_shrink_active(struct mm *mm, struct scan_control *sc, struct lruvec *v, enum lru_list lru,
			  uint64_t nr_to_scan);
/* The memcg of the pages task allocates (machine.memcg). */
unsigned vmscan_task_memcg(const struct mm *mm, uint32_t task);
bool vmscan_inactive_is_low(const struct mm *mm, bool file);
void vmscan_snapshot_refaults(struct mm *mm);
/* The measurement starts (mm_reset_stats): the statistics view is the machine's state now,
 * file_low as machine.memcg.stats_start_file_low, the next flush one period later. */
void vmscan_stats_view_start(struct mm *mm);
unsigned vmscan_memcg_swappiness(const struct mm *mm, unsigned m);
bool vmscan_can_swap(const struct mm *mm);
/* Reclaim work to charge: pages scanned (inactive and PGREFILL), reclaimed (of them anon),
 * and written to swap.  vmscan_work_mark takes the running totals (sc NULL: a
 * scan_control about to start from zero), and vmscan_work_cost_since charges what was
 * done since a mark. */
struct vmscan_work {
	uint64_t scanned, reclaimed, reclaimed_anon, swap_written;
};
sim_ns_t vmscan_cost_ns(const struct mm *mm, const struct vmscan_work *w);
void vmscan_work_mark(const struct mm *mm, const struct scan_control *sc, struct vmscan_work *w);
sim_ns_t vmscan_work_cost_since(const struct mm *mm, const struct scan_control *sc, const struct vmscan_work *m);
void vmscan_sample_lowmem(struct mm *mm);
sim_ns_t vmscan_now(const struct mm *mm);
uint64_t vmscan_object_id(const struct mm *mm, pfn_t head);

int kswapd_init(struct mm *mm, struct sim_error *err);
void kswapd_wakeup(struct mm *mm, unsigned order, enum zone_type highest_zoneidx);
bool kswapd_pgdat_balanced(struct mm *mm, unsigned order, unsigned highest_zoneidx);

int writeback_init(struct mm *mm, struct sim_error *err);
void writeback_destroy(struct mm *mm);
/* Queue a write of object id (pages) on dev; the head must already carry PF_WRITEBACK. */
void writeback_submit(struct mm *mm, struct wb_device *dev, uint64_t id, uint64_t pages);
/* Mark a resident page dirty, dirtied age_ns before now (a trace's DIRTY record with an
 * age; 0: now), no earlier than the newest page already waiting for the flusher: its FIFO
 * stays in dirtying order. */
void writeback_dirty_page(struct mm *mm, struct mm_request *req, pfn_t head, uint64_t id, sim_ns_t age_ns);
/* Start writeback of one dirty file head (flusher or kswapd pageout). */
void writeback_start_page(struct mm *mm, pfn_t head, uint64_t id);
void writeback_wake_flusher(struct mm *mm, uint64_t nr_pages);
/* A resident object is freed while under writeback: truncate waits for the I/O. */
void writeback_truncate(struct mm *mm, struct mm_request *req, pfn_t head, uint64_t id);
sim_ns_t writeback_transfer_ns(const struct wb_device *dev, uint64_t pages);
/* Completion time of the in-flight write of object id at head (0: none in flight). */
sim_ns_t writeback_done_ns(const struct mm *mm, pfn_t head, uint64_t id);
sim_ns_t writeback_throttle_wait_ns(const struct mm *mm, sim_ns_t from_ns, uint64_t nr_pages, sim_ns_t timeout_ns);

struct nonres_entry *workingset_find(struct reclaim_state *rs, uint64_t id);
/* The side entry of object slot i < mm->objs.cap, NULL when it has none. */
struct nonres_entry *workingset_at(const struct reclaim_state *rs, uint32_t i);
struct nonres_entry *workingset_get(struct reclaim_state *rs, uint64_t id); /* insert if absent */
void workingset_del(struct reclaim_state *rs, uint64_t id);
void workingset_map_destroy(struct reclaim_state *rs);
/* Reclaim frees a clean head: the object becomes OBJ_SWAPPED / OBJ_EVICTED with a shadow. */
void workingset_evict(struct mm *mm, struct mm_request *req, pfn_t head,
		      struct nonres_entry *e /* or NULL */);
/* Refault test for a shadow: true when the page should start on the active list. */
bool workingset_test_recent(struct mm *mm, const struct nonres_entry *e, bool file);
/* workingset_refault's counts for a refault of nr pages, and, activated, its activation,
 * which also ages the workingset clock (workingset_age_nonresident). */
void workingset_count_refault(struct mm *mm, bool anon, uint64_t nr, bool activate);
gfp_t workingset_default_gfp(bool anon, unsigned order);

/* The swap device's slot table (devices.swap.size slots; none without swap): -1 when
 * memory runs out. */
int swap_slots_init(struct reclaim_state *rs, uint64_t swap_pages, unsigned page_cluster);
void swap_slots_destroy(struct reclaim_state *rs);
/* The slot table's invariants (struct swap_slots) against the side entries; false with a
 * message in buf when one fails. */
bool swap_slots_check(const struct mm *mm, char *buf, size_t len);
/* Swap: allocate a slot for a resident anon head and start its write. */
bool swap_writeout(struct mm *mm, pfn_t head, uint64_t id, struct nonres_entry *e /* or NULL */);
/* Major fault on a non-resident object (swap-in or file refault). */
bool swap_fault_in(struct mm *mm, struct mm_request *req, struct obj_slot *s);
void swap_drop_slot(struct mm *mm, struct nonres_entry *e, uint64_t pages);
/* vm_swap_full (6.18): more than half the swap slots are in use. */
bool swap_vm_full(const struct reclaim_state *rs);
/* An access to a resident anon page: when reclaim had unmapped it (a swap-cache page not
 * yet freed) this is do_swap_page's swap-cache hit (a minor fault). */
void swap_access(struct mm *mm, pfn_t head, struct nonres_entry *e);
/* shrink_folio_list's activate_locked for an anon head: its swap slot may go. */
void swap_activate_locked(struct mm *mm, pfn_t head);

#endif
