/* mm.h — the memory model's data structures (DESIGN §4).
 *
 * Glossary
 *   page_frame   16-byte record per simulated 4 KiB page (pfn = its index)
 *   free block   2^order pages starting at an aligned pfn; only its head is PF_BUDDY
 *   object       an allocation named by the trace (id); its head page has PF_HEAD and
 *                .owner = the object's slot in the object table
 *   pageblock    2^pageblock_order pages sharing a migratetype (and skip/sticky bits)
 *   zone         a pfn range with its own free lists and watermarks
 *   mm           the node: every zone, the page array, objects, counters, hooks
 *
 * Layout: zones are laid out in zone order from pfn 0; each zone's start is aligned to
 * 2^MAX_PAGE_ORDER pages so no buddy crosses a zone; pfns between a zone's present pages
 * and the next zone's start are holes (PF_RESERVED, never free, never allocated).
 */
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include "../common.h"
#include "../config/config.h"
#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"
#include "../kernel/vmstat_items.h"

struct engine;
struct mm;
struct alloc_context;
struct obj_slot;
struct reclaim_state;
struct compact_state;
struct cma_state;

/* ---- page frames ---------------------------------------------------------------- */

enum page_flags {
	PF_BUDDY = 1u << 0,      /* head of a free block on a free list; .order = its order */
	PF_HEAD = 1u << 1,       /* head of an allocated block; .order = alloc order */
	PF_RESERVED = 1u << 2,   /* hole or memmap: never free */
	PF_LRU = 1u << 3,        /* on an LRU list (movable user / page-cache memory) */
	PF_MOVABLE_OPS = 1u << 4,/* non-LRU movable (zsmalloc-like) */
	PF_ACTIVE = 1u << 5,
	PF_REFERENCED = 1u << 6,
	PF_DIRTY = 1u << 7,
	PF_WRITEBACK = 1u << 8,
	PF_RECLAIM = 1u << 9,    /* PG_reclaim: reclaim as soon as writeback ends */
	PF_SWAPBACKED = 1u << 10,/* anon */
	PF_UNEVICTABLE = 1u << 11,
	PF_PINNED = 1u << 12,    /* pinned (long-term GUP or short I/O): never migrates */
	PF_ISOLATED = 1u << 13,  /* taken off the LRU by reclaim/compaction */
	PF_EASY = 1u << 14,      /* on the easily-reclaimable list (ereclaimable policy) */
	PF_CMA_DEVICE = 1u << 15,/* part of a device (cma_alloc) allocation */
};

/* 16 bytes (DESIGN §4 budget): links are pfn indices, PFN_NONE terminates. */
struct page_frame {
	pfn_t next, prev; /* free list (PF_BUDDY head) or LRU links (PF_HEAD of LRU object) */
	uint32_t owner;   /* PF_HEAD: object slot */
	uint16_t flags;   /* enum page_flags */
	uint8_t order;    /* PF_BUDDY / PF_HEAD / PFX_PCP: block order */
	uint8_t mt : 4;   /* PF_BUDDY: free-list migratetype; PF_HEAD: gfp migratetype */
	uint8_t xflags : 4; /* enum page_xflags */
};

enum page_xflags {
	PFX_PCP = 1u << 0, /* head of a block on a per-cpu list: neither buddy-free nor owned */
};
_Static_assert(sizeof(struct page_frame) == 16, "page_frame must stay 16 bytes");

/* ---- pageblocks ------------------------------------------------------------------ */

enum pageblock_bits {
	PB_SKIP = 1u << 0,   /* compaction skip hint */
	PB_STICKY = 1u << 1, /* sticky MOVABLE (Mel's proposal): no unmovable fallback */
	PB_CMA = 1u << 2,    /* belongs to a CMA region (for MIGRATE_ISOLATE undo) */
};

struct pageblock {
	uint8_t mt;   /* enum migratetype */
	uint8_t bits; /* enum pageblock_bits */
};

/* ---- zones ----------------------------------------------------------------------- */

enum zone_watermark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* nr_free == Σ_mt nr_free_mt[mt];  nr_free_mt[mt] == length of list[mt] */
struct free_area {
	pfn_t head[NR_MIGRATETYPES];
	pfn_t tail[NR_MIGRATETYPES];
	uint64_t nr_free_mt[NR_MIGRATETYPES]; /* blocks (not pages) on each list */
	uint64_t nr_free;                     /* blocks of this order, all types (buddyinfo) */
};

/* Per-cpu lists: 3 types x orders 0..3, plus the THP order's two lists (MOVABLE, and one
 * shared by UNMOVABLE/RECLAIMABLE).  count == Σ pages on the lists. */
#define NR_LOWORDER_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS (NR_LOWORDER_PCP_LISTS + 2)
struct per_cpu_pages {
	uint64_t count;
	uint32_t high, batch, high_min, high_max;
	pfn_t head[NR_PCP_LISTS], tail[NR_PCP_LISTS];
};

/* nr_free_pages == Σ_order free_area[order].nr_free << order
 * nr_free_cma   == Σ_order free_area[order].nr_free_mt[MIGRATE_CMA] << order
 * nr_free_highatomic == Σ_order nr_free_mt[MIGRATE_HIGHATOMIC] << order
 * managed == present (the model has no memmap/bootmem reservations inside a zone)
 * present == nr_free_pages + nr_alloc_pages + nr_pcp_pages */
struct zone {
	enum zone_type type;
	const char *name;
	pfn_t start_pfn;      /* aligned to 2^MAX_PAGE_ORDER */
	uint64_t spanned;     /* pfns spanned, incl. trailing hole */
	uint64_t present;     /* real pages */
	uint64_t managed;
	uint64_t cma_pages;   /* pages in MIGRATE_CMA pageblocks (zoneinfo "cma") */

	uint64_t watermark[NR_WMARK]; /* un-boosted */
	uint64_t watermark_boost;
	uint64_t lowmem_reserve[MAX_NR_ZONES];

	struct free_area free_area[NR_PAGE_ORDERS];
	uint64_t nr_free_pages;
	uint64_t nr_free_cma;
	uint64_t nr_free_highatomic;
	uint64_t nr_reserved_highatomic; /* pages in HIGHATOMIC pageblocks */
	uint64_t nr_alloc_pages;         /* allocated pages (present - free - reserved) */
	uint64_t nr_blocks_mt[NR_MIGRATETYPES]; /* pageblocks of each type (pagetypeinfo) */

	struct pageblock *pageblocks; /* spanned >> pageblock_order entries */

	bool boosted_wakeup; /* ZONE_BOOSTED_WATERMARK: wake kswapd after this rmqueue */

	/* Per-cpu pagesets (reference §2.8), cfg->machine.nr_cpus of them when machine.pcp. */
	struct per_cpu_pages *pcp;
	uint64_t nr_pcp_pages; /* pages held on every pcp list of this zone */

	/* compaction state (issue 4) */
	pfn_t compact_cached_migrate_pfn[2];
	pfn_t compact_cached_free_pfn;
	unsigned compact_considered, compact_defer_shift, compact_order_failed;
};

static inline bool zone_populated(const struct zone *z) { return z->present > 0; }
static inline pfn_t zone_end_pfn(const struct zone *z) { return z->start_pfn + (pfn_t)z->spanned; }
static inline uint64_t zone_wmark(const struct zone *z, enum zone_watermark w)
{
	return z->watermark[w] + z->watermark_boost;
}

/* ---- objects (trace ids) ----------------------------------------------------------- */

/* Open-addressing table id -> slot; slot holds the head pfn. Linear probing with
 * backward-shift deletion; page_frame.owner == slot for every live object's head page.
 * nr_live <= cap * 7/10. */
struct obj_slot {
	uint64_t id;   /* OBJ_EMPTY when free */
	pfn_t pfn;
	uint16_t pins; /* active pin records */
	uint8_t order;
	uint8_t kind;  /* enum obj_kind */
};
#define OBJ_EMPTY UINT64_MAX

enum obj_kind {
	OBJ_PAGES,      /* resident pages */
	OBJ_CMA_DEVICE, /* a cma_alloc'd range */
	OBJ_SWAPPED,    /* anon object whose pages are in swap (pfn PFN_NONE) */
	OBJ_EVICTED,    /* file object dropped by reclaim; a shadow entry remains (pfn PFN_NONE) */
	NR_OBJ_KINDS
};

struct obj_table {
	struct obj_slot *slots;
	uint32_t cap; /* power of two */
	uint32_t nr_live;
};

/* ---- LRU ------------------------------------------------------------------------- */

/* Node LRU lists (reference §4.3) plus the easily-reclaimable list of the ereclaimable
 * policy (§9.3).  Links are page_frame.next/prev of allocated heads (PF_LRU).
 * nr_pages[l] == Σ 2^order over the heads on list l. */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	LRU_EASY,
	NR_LRU_LISTS
};
extern const char *const lru_list_names[NR_LRU_LISTS];

struct lruvec {
	pfn_t head[NR_LRU_LISTS], tail[NR_LRU_LISTS];
	uint64_t nr_pages[NR_LRU_LISTS];
};

/* List primitives (lru.c). lru_add/lru_del set/clear PF_LRU and keep nr_pages exact; the
 * list is chosen from the page's flags, so change PF_ACTIVE etc. only while off the list.
 * lru_replace puts new_pfn where old_pfn was (migration keeps LRU position). */
enum lru_list lru_list_of(uint16_t flags);
void lru_add(struct mm *mm, pfn_t pfn, bool tail);
void lru_del(struct mm *mm, pfn_t pfn);
void lru_replace(struct mm *mm, pfn_t old_pfn, pfn_t new_pfn);

/* ---- CMA policies (cma_policy.c) ------------------------------------------------------ */

struct cma_policy_ops {
	const char *name;
	/* Shape a request before the zonelist walk: highest zone, CMA eligibility. */
	void (*prepare)(const struct mm *mm, struct alloc_context *ac);
	/* May a fallback for start_mt take the free block of `order` at pfn (claim or steal)? */
	bool (*fallback_allowed)(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
				 enum migratetype start_mt);
};
extern const struct cma_policy_ops cma_policies[NR_CMA_MODES];

/* ---- the node ------------------------------------------------------------------- */

struct alloc_latency; /* stats side, filled through hooks */

/* Points where later mechanisms plug in (reclaim: issue 3, compaction: issue 4,
 * CMA policies: issue 5).  Every hook may be NULL; mm_init installs the defaults. */
struct mm_hooks {
	/* kswapd: wake for (order, highest zone). */
	void (*wakeup_kswapd)(struct mm *mm, unsigned order, enum zone_type highest_zoneidx);
	/* direct compaction for the request; returns pages it made available (0: nothing). */
	uint64_t (*direct_compact)(struct mm *mm, const struct alloc_context *ac, int prio);
	/* direct reclaim; returns pages reclaimed. */
	uint64_t (*direct_reclaim)(struct mm *mm, const struct alloc_context *ac);
	/* A new object's pages were allocated (LRU insertion: sets PF_LRU etc.). When NULL,
	 * movable allocations are simply flagged PF_LRU. */
	void (*page_allocated)(struct mm *mm, pfn_t pfn, gfp_t gfp);
	/* freed-page notification (LRU removal etc.), called before the pages go to buddy. */
	void (*page_freed)(struct mm *mm, pfn_t pfn, unsigned order);
	/* An object that is not resident (swapped / evicted) is freed: drop its swap slot or
	 * shadow entry. */
	void (*free_nonresident)(struct mm *mm, struct obj_slot *s);
	void *ctx;
};

struct mm {
	const struct config *cfg;
	struct engine *engine;

	struct page_frame *pages;
	pfn_t nr_pages; /* end pfn of the last zone */
	unsigned pageblock_order;
	unsigned pageblock_nr_pages;

	struct zone zones[MAX_NR_ZONES];
	enum zone_type highest_populated;
	uint64_t min_free_kbytes; /* effective */

	/* CMA areas after placement: [base_pfn, base_pfn + pages) (reference §7.1). */
	struct cma_area {
		char name[32];
		pfn_t base_pfn;
		uint64_t pages;
	} cma_areas[CONFIG_MAX_CMA_REGIONS];
	unsigned nr_cma_areas;
	uint64_t totalcma_pages;
	uint64_t nr_device_pages; /* pages held by device (cma_alloc) allocations */

	struct obj_table objs;
	struct lruvec lruvec;
	uint64_t vm_events[NR_VM_EVENTS];

	/* Mechanism state owned by their modules (opaque here). */
	struct reclaim_state *reclaim;   /* vmscan.c: kswapd, writeback, swap (issue 3) */
	struct compact_state *compact;   /* compaction.c: kcompactd, deferral (issue 4) */
	struct cma_state *cma;           /* cma.c: device allocations (issue 5) */
	uint64_t alloc_fail_by_class[NR_ALLOC_CLASSES];

	struct mm_hooks hooks;
	const struct cma_policy_ops *cma_ops; /* &cma_policies[cfg->policy.cma.mode] */

	sim_ns_t stall_ns; /* slow-path cost accumulated by the current request */
	unsigned cpu;      /* CPU of the current request (pcp list choice) */
};

/* One allocation request's context (the kernel's struct alloc_context). */
struct alloc_context {
	gfp_t gfp;
	unsigned order;
	enum migratetype mt;            /* gfp_migratetype */
	enum zone_type highest_zoneidx; /* gfp_zone, possibly clamped by policy */
	unsigned alloc_flags;
	bool no_cma;                    /* policy veto on CMA memory */
};

/* ---- API ------------------------------------------------------------------------ */

/* Build the node from cfg: zones, pageblocks (all MOVABLE at boot), CMA regions,
 * watermarks, lowmem_reserve; every present page starts free. */
int mm_init(struct mm *mm, const struct config *cfg, struct engine *engine, struct sim_error *err);
void mm_destroy(struct mm *mm);

/* Allocate 2^order pages for object id.  Returns the head pfn or PFN_NONE (counted as a
 * failure).  Duplicate ids are counted and rejected. */
pfn_t mm_alloc(struct mm *mm, uint64_t id, gfp_t gfp, unsigned order);
/* mm_alloc for an id whose slot already exists (reclaim's swap-in / refault). */
pfn_t mm_alloc_slot(struct mm *mm, uint64_t id, gfp_t gfp, unsigned order);
/* Free object id; false when the id is unknown (counted). */
bool mm_free(struct mm *mm, uint64_t id);

/* Lower-level pieces, exported for reclaim/compaction/CMA and for the tests. */
pfn_t mm_alloc_pages(struct mm *mm, struct alloc_context *ac);
void mm_free_pages(struct mm *mm, pfn_t pfn, unsigned order);
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       enum zone_type highest_zoneidx, unsigned alloc_flags, uint64_t free_pages);
struct zone *mm_pfn_zone(struct mm *mm, pfn_t pfn);
struct pageblock *mm_pageblock(struct mm *mm, pfn_t pfn);
/* Change a pageblock's type, moving its free pages to the new lists (6.10+ rule). */
void mm_set_pageblock_migratetype(struct mm *mm, pfn_t pfn, enum migratetype mt);
/* Recompute watermarks and lowmem_reserve from min_free_kbytes (setup_per_zone_wmarks). */
void mm_setup_watermarks(struct mm *mm);
/* Default min_free_kbytes for this node (calculate_min_free_kbytes + THP raise). */
uint64_t mm_default_min_free_kbytes(const struct mm *mm);

/* Per-cpu pagesets (pcp.c). */
bool pcp_allowed_order(const struct mm *mm, unsigned order);
pfn_t pcp_alloc(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt, unsigned alloc_flags);
void pcp_free(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);
void mm_drain_all_pages(struct mm *mm);
/* zone_batchsize and the high_min/high_max bounds (reference §2.8). */
uint32_t pcp_batch_for(uint64_t managed);
void pcp_setup_zone(struct mm *mm, struct zone *z);

/* Boot: hand [start, end) of zone z to the buddy lists (zone.c calls it from mm_init). */
void mm_free_boot_range(struct mm *mm, struct zone *z, pfn_t start, pfn_t end);
/* Buddy internals shared with pcp.c. */
pfn_t buddy_rmqueue(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt, unsigned alloc_flags);
void buddy_free_one(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);
/* Free-page isolation for compaction/migration/CMA (page_alloc.c, reference §5.4). */
bool buddy_isolate_free_page(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);
void buddy_putback_isolated(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);

/* Record-level operations, one per trace record kind (DESIGN §2 intent). The reclaim,
 * compaction and CMA modules implement them; until a mechanism exists they only update
 * page state. Each returns false when the id is unknown (counted by the caller). */
bool mm_access(struct mm *mm, uint64_t id);
bool mm_dirty(struct mm *mm, uint64_t id);
bool mm_hint(struct mm *mm, uint64_t id, int hint_kind);
bool mm_pin(struct mm *mm, uint64_t id, int pin_kind);
bool mm_unpin(struct mm *mm, uint64_t id);
/* compact_node (order -1 / TRACE_COMPACT_WHOLE_ZONE) or for an order; zone -1 = all. */
void mm_compact_request(struct mm *mm, int zone, int order);
/* Device contiguous allocation (cma_alloc) of count pages aligned to 2^align_order. */
bool mm_cma_alloc(struct mm *mm, uint64_t id, uint64_t count, unsigned align_order);
bool mm_cma_release(struct mm *mm, uint64_t id);
uint64_t cma_device_pages(const struct mm *mm);

/* Module set-up, called by mm_init after the zones exist (each may install hooks and
 * register engine handlers when mm->engine is non-NULL). */
int reclaim_init(struct mm *mm, struct sim_error *err);
void reclaim_destroy(struct mm *mm);
int compaction_init(struct mm *mm, struct sim_error *err);
void compaction_destroy(struct mm *mm);
int cma_init(struct mm *mm, struct sim_error *err);
void cma_destroy(struct mm *mm);

/* Object table. */
struct obj_slot *obj_lookup(struct obj_table *t, uint64_t id);
struct obj_slot *obj_insert(struct mm *mm, uint64_t id); /* NULL if present */
void obj_remove(struct mm *mm, struct obj_slot *s);

/* Invariant checker (DESIGN §4).  Returns true when every invariant holds; on failure
 * writes the first violation to msg. level 1: counters; level 2: + every free list walked,
 * alignment, list type == pageblock type, no free page owned, objects ↔ heads. */
bool mm_check(const struct mm *mm, int level, char *msg, size_t msg_size);
/* mm_check at its full level, the first violation printed on stderr: the level-3 assertion
 * tier's validator, sim_assert3(mm_check_full(mm)) at the end of each mm entry point. */
bool mm_check_full(const struct mm *mm);

static inline void count_vm_event(struct mm *mm, enum vm_event_item item) { mm->vm_events[item]++; }
static inline void count_vm_events(struct mm *mm, enum vm_event_item item, uint64_t n)
{
	mm->vm_events[item] += n;
}

#endif
