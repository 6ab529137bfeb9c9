/* mmtypes.h — the kernel's enumerations, shared by mm, config, stats and trace import.
 * Values and names follow the kernel (model.md §1.2, §1.3) so traces and /proc output match. */
#ifndef MMSIM_MMTYPES_H
#define MMSIM_MMTYPES_H

#include "../common.h"

#define MAX_PAGE_ORDER 10                   /* inclusive: largest buddy is 2^10 pages */
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1) /* 11 free lists per zone */
#define PAGE_ALLOC_COSTLY_ORDER 3

/* Migratetypes in the kernel's enum order (the numbers printed in traces). MIGRATE_CMA
 * is always present in the model; /proc output omits the CMA column when no CMA is
 * configured, as a CONFIG_CMA=n kernel does. */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_HIGHATOMIC, /* == MIGRATE_PCPTYPES */
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	NR_MIGRATETYPES
};
#define MIGRATE_PCPTYPES MIGRATE_HIGHATOMIC
extern const char *const migratetype_names[NR_MIGRATETYPES]; /* pagetypeinfo labels */

/* "mergeable" types may merge across pageblocks of different type (model.md §2.9). */
static inline bool migratetype_mergeable(enum migratetype mt) { return mt < MIGRATE_PCPTYPES; }

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_CMA, /* only under the zone_cma policy (Joonsoo Kim's proposal) */
	MAX_NR_ZONES
};
extern const char *const zone_names[MAX_NR_ZONES]; /* "DMA", "DMA32", "Normal", "Movable", "CMA" */
/* The zones as config keys spell them (machine.zones.<key>, the zone: of per-zone lists):
 * "dma", "dma32", "normal", "movable", "cma"; only DMA..Movable are configured zones. */
extern const char *const zone_keys[MAX_NR_ZONES];

enum cma_mode { CMA_NONE, CMA_MIGRATE_CMA, CMA_STICKY_MOVABLE, CMA_ZONE_CMA, NR_CMA_MODES };
extern const char *const cma_mode_names[NR_CMA_MODES]; /* "none", "migrate_cma", "sticky_movable", "zone_cma" */

/* Two readings of sticky MOVABLE: as literally proposed (fallback refusal only) or with the
 * free-sticky accounting a mergeable version needs (subtracted like free CMA). */
enum sticky_reading { STICKY_LITERAL, STICKY_ACCOUNTED, NR_STICKY_READINGS };
extern const char *const sticky_reading_names[NR_STICKY_READINGS]; /* "literal", "accounted" */

/* Where "base: auto" regions go in their home zone: packed down from its top (as
 * cma_declare_contiguous() with base 0) or up from its bottom. */
enum cma_placement { CMA_PLACE_HIGH, CMA_PLACE_LOW, NR_CMA_PLACEMENTS };
extern const char *const cma_placement_names[NR_CMA_PLACEMENTS]; /* "high", "low" */

enum reclaim_policy { RECLAIM_CLASSIC, RECLAIM_EASILY_RECLAIMABLE, RECLAIM_CFLRU, NR_RECLAIM_POLICIES };
extern const char *const reclaim_policy_names[NR_RECLAIM_POLICIES]; /* "classic", "ereclaimable", "cflru" */

enum defrag_trigger { DEFRAG_ON_FAILURE, DEFRAG_THRESHOLD, DEFRAG_PROACTIVE, NR_DEFRAG_TRIGGERS };
extern const char *const defrag_trigger_names[NR_DEFRAG_TRIGGERS]; /* "failure", "threshold", "proactive" */

/* What migration does with a non-LRU movable page (zsmalloc/zbud-like): move it through
 * its owner's migrate handler, reclaim (drop) it, or treat it as pinned. */
enum nonlru_migration { NONLRU_HANDLER, NONLRU_RECLAIM, NONLRU_PIN, NR_NONLRU_MIGRATIONS };
extern const char *const nonlru_migration_names[NR_NONLRU_MIGRATIONS]; /* "handler", "reclaim", "pin" */

/* What migration does with a page whose only pins are owner pins (pin kind owner): leave it
 * (a pin never moves) or let the owner's migrate callback move it, the pin following the
 * page (aio_migrate_folio; Minchan Kim's pin-owner proposal, 2013). */
enum pinned_migration { PINNED_NEVER, PINNED_CALLBACK, NR_PINNED_MIGRATIONS };
extern const char *const pinned_migration_names[NR_PINNED_MIGRATIONS]; /* "never", "callback" */

enum replay_mode { REPLAY_OPEN, REPLAY_CLOSED, NR_REPLAY_MODES };
extern const char *const replay_mode_names[NR_REPLAY_MODES]; /* "open", "closed" */

#endif
