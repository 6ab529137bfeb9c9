/* migrate.h — page migration (model.md §6): what can move, moving one object from its
 * pfn to a target block, and migrate_pages with the kernel's retry passes.
 *
 * Used by compaction (compaction.c) and by alloc_contig_range (cma.c).  A target block is
 * always an *isolated* block: taken off the free lists with buddy_isolate_free_page()
 * (page_alloc.c), so it counts as allocated and carries PF_ISOLATED until it is used or
 * handed back with buddy_putback_isolated().
 */
#ifndef MMSIM_MIGRATE_H
#define MMSIM_MIGRATE_H

#include "mm.h"

/* Migrate modes as the kernel prints them (model.md §5.1). */
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC, NR_MIGRATE_MODES };
extern const char *const migrate_mode_names[NR_MIGRATE_MODES];

/* Migration reasons in the kernel's order (model.md §6.2). */
enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CONTIG_RANGE,
	MR_LONGTERM_PIN,
	MR_DEMOTION,
	MR_DAMON,
	NR_MIGRATE_REASONS
};
extern const char *const migrate_reason_names[NR_MIGRATE_REASONS];

/* Why one object could not move.  MIGRATE_OK and MFAIL_AGAIN (transient, retried) are not
 * failures; the rest are counted in vm_events (mmsim_migrate_fail_*). */
enum migrate_status {
	MIGRATE_OK,
	MFAIL_AGAIN,     /* -EAGAIN: refcount above the expected (a pin): retried */
	MFAIL_PINNED,    /* the retries ran out on a pinned page */
	MFAIL_WRITEBACK, /* under writeback and the mode is not MIGRATE_SYNC (-EBUSY) */
	MFAIL_DIRTY,     /* dirty file page without migrate_folio, not MIGRATE_SYNC (-EBUSY) */
	MFAIL_NONLRU,    /* non-LRU movable page whose owner has no migrate handler */
	MFAIL_UNMOVABLE, /* kernel page: never moves */
	MFAIL_NOMEM,     /* no target block (-ENOMEM): aborts the whole call */
	NR_MIGRATE_STATUS
};
extern const char *const migrate_status_names[NR_MIGRATE_STATUS];

/* Retry passes (model.md §6.2). */
#define NR_MAX_MIGRATE_PAGES_RETRY 10
#define NR_MAX_MIGRATE_ASYNC_RETRY 3
#define NR_MAX_MIGRATE_SYNC_RETRY 7

/* get_new: a target block of `order` for the object at src_pfn (an isolated block, see
 * above), or PFN_NONE.  put_new: hand back a target that was not used (may be NULL: the
 * block then goes back to buddy). */
typedef pfn_t (*migrate_new_fn)(struct mm *mm, pfn_t src_pfn, unsigned order, void *priv);
typedef void (*migrate_put_fn)(struct mm *mm, pfn_t dst_pfn, unsigned order, void *priv);

/* One migrate_pages call's outcome.
 * nr_succeeded + nr_failed + nr_reclaimed == pages in the objects passed (when !nomem) */
struct migrate_result {
	uint64_t nr_succeeded;  /* pages moved (pgmigrate_success) */
	uint64_t nr_failed;     /* pages that stay (pgmigrate_fail) */
	uint64_t nr_reclaimed;  /* non-LRU pages dropped instead (policy reclaim) */
	uint64_t nr_split;      /* large folios with no target of their order: split, not moved */
	uint64_t nr_fail_by[NR_MIGRATE_STATUS]; /* pages per failure reason */
	sim_ns_t cost_ns;       /* copy time: pages moved * costs.migrate_page_ns */
	bool nomem;             /* a target could not be found: the call stopped early */
};

/* May the allocated object whose head is pfn be migrated in `mode`?  MIGRATE_OK, MFAIL_AGAIN
 * (pinned: may pass later), or a permanent reason.  Non-LRU pages follow
 * policy.migration_nonlru (reclaim reports MIGRATE_OK: the caller drops them); a page held
 * only by owner pins moves under policy.migration_pinned callback. */
enum migrate_status migrate_page_check(const struct mm *mm, pfn_t pfn, enum migrate_mode mode);

/* try_split_folio (6.18) of the large folio whose head is pfn, as migrate_pages_batch
 * tries it when no target of the folio's order was found: false when __folio_split would
 * refuse it — under writeback (-EBUSY), pinned (can_split_folio: references it cannot
 * account for), or a file folio that is dirty (its filesystem private data cannot be
 * released first: filemap_release_folio -> iomap_release_folio / try_to_free_buffers
 * refuse a dirty folio).  Anon and clean file folios split. */
bool migrate_folio_splittable(const struct mm *mm, pfn_t pfn);

/* The primitive: move the object whose head is src_pfn into the isolated block dst_pfn of
 * the same order.  Copies the page flags (minus PF_ISOLATED), moves the object slot's pfn
 * and the head's owner, keeps the LRU position (lru_replace), and frees the old block to
 * the buddy lists (as the kernel frees the source folio once the copy is done; the model
 * frees it straight to buddy, which is what the following pcp drain achieves). */
void migrate_move_object(struct mm *mm, pfn_t src_pfn, pfn_t dst_pfn);

/* Drop a non-LRU movable object (policy reclaim): it becomes OBJ_EVICTED and its block is
 * freed. */
void migrate_reclaim_nonlru(struct mm *mm, pfn_t pfn);

/* migrate_pages: try every object head in pfns[0..nr) with the kernel's passes (sync
 * modes: 3 async passes, then 7 in the requested mode; async: 10).  Objects that fail are
 * "put back": they stay where they are, PF_ISOLATED cleared.  A large folio without a
 * target is split (counted as mmsim_migrate_split, not as a failure) when
 * migrate_folio_splittable, else it is an -ENOMEM failure of all its pages that stops
 * the call (migrate_pages_batch, 6.18).  Counts pgmigrate_success,
 * pgmigrate_fail and the mmsim_migrate_fail_* reasons.  Returns the number of objects that
 * did not move (0 = all moved), like the kernel's nr_failed. */
unsigned migrate_pages(struct mm *mm, const pfn_t *pfns, unsigned nr, migrate_new_fn get_new,
		       migrate_put_fn put_new, void *priv, enum migrate_mode mode,
		       enum migrate_reason reason, struct migrate_result *res);

/* FOLL_LONGTERM pinning (check_and_migrate_movable_pages, 5.13+, model.md §6.1): an object
 * in ZONE_MOVABLE, ZONE_CMA or a MIGRATE_CMA pageblock is first migrated (MIGRATE_SYNC,
 * reason longterm_pin) to memory allocated as GFP_USER without __GFP_MOVABLE (the pin scope
 * drops it), i.e. into an unmovable pageblock of a normal zone.  Returns true when the
 * object may now be pinned where it is (already pinnable, or moved); false when the id is
 * unknown or the move failed (GUP would fail; the caller decides whether to pin anyway).
 * Call it before mm_pin() for PIN_LONGTERM and PIN_OWNER. */
bool migrate_longterm_pin(struct mm *mm, struct mm_request *req, uint64_t id);

/* Does the object hold long-term pins that keep it where it is (alloc_contig_range gives
 * its range up at once)?  FOLL_LONGTERM pins always do; owner pins only under
 * policy.migration.pinned never (pin.c). */
bool migrate_longterm_pinned(const struct mm *mm, const struct obj_slot *s);

/* Mark the object id as non-LRU movable (a zsmalloc/zbud-like owner): off the LRU, flagged
 * PF_MOVABLE_OPS.  For workloads that allocate such pages.  False when id is unknown. */
bool migrate_mark_nonlru_movable(struct mm *mm, uint64_t id);

#endif
