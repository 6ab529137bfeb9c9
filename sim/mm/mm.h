/* mm.h — the memory model's data structures (architecture.md §4).
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
#include "../kernel/intent.h"
#include "../kernel/params.h"
#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"
#include "../kernel/vmstat_items.h"
#include "../lib/pfnlist.h"
#include "../lib/u64map.h"

struct engine;
struct mm;
struct alloc_context;
struct obj_slot;
struct reclaim_state;
struct compact_state;
struct cma_state;
struct oom_state;
struct mapping_pool_state;
struct mm_request;

/* ---- page frames ---------------------------------------------------------------- */

/* The four flags that choose a head's LRU list (lru_list_inline) are one nibble, bits 4-7,
 * so the list is a table look-up of (flags >> 4) & 15. */
enum page_flags {
	PF_BUDDY = 1u << 0,      /* head of a free block on a free list; .order = its order */
	PF_HEAD = 1u << 1,       /* head of an allocated block; .order = alloc order */
	PF_RESERVED = 1u << 2,   /* hole or memmap: never free */
	PF_LRU = 1u << 3,        /* on an LRU list (movable user / page-cache memory) */
	PF_ACTIVE = 1u << 4,
	PF_SWAPBACKED = 1u << 5, /* anon */
	PF_UNEVICTABLE = 1u << 6,
	PF_EASY = 1u << 7,       /* on the easily-reclaimable list (ereclaimable policy) */
	PF_MOVABLE_OPS = 1u << 8,/* non-LRU movable (zsmalloc-like) */
	PF_REFERENCED = 1u << 9,
	PF_DIRTY = 1u << 10,
	PF_WRITEBACK = 1u << 11,
	PF_RECLAIM = 1u << 12,   /* PG_reclaim: reclaim as soon as writeback ends */
	PF_PINNED = 1u << 13,    /* pinned (long-term GUP or short I/O): never migrates */
	PF_ISOLATED = 1u << 14,  /* taken off the LRU by reclaim/compaction */
	PF_CMA_DEVICE = 1u << 15,/* part of a device (cma_alloc) allocation */
};

/* 16 bytes (architecture.md §4 budget): links are pfn indices, PFN_NONE terminates. */
struct page_frame {
	pfn_t next, prev; /* free list (PF_BUDDY head) or LRU links (PF_HEAD of LRU object) */
	uint32_t owner;   /* PF_HEAD: object slot */
	uint16_t flags;   /* enum page_flags */
	uint8_t order;    /* PF_BUDDY / PF_HEAD / PFX_PCP: block order */
	uint8_t mt : 4;   /* PF_BUDDY: free-list migratetype; PF_HEAD: gfp migratetype */
	uint8_t xflags : 4; /* enum page_xflags */
};

/* The memcg bits are set on LRU heads only (reclaim's page_allocated hook) and cleared
 * before the head is freed, so a free or per-cpu page, and every page inside a block,
 * has them zero; memcg 0 (the only one by default) leaves xflags as it was. */
enum page_xflags {
	PFX_PCP = 1u << 0, /* head of a block on a per-cpu list: neither buddy-free nor owned */
	PFX_MEMCG_SHIFT = 1,
	PFX_MEMCG_MASK = 7u << 1, /* LRU head: the memory cgroup charged with it (0..7) */
};
#define MAX_NR_MEMCGS 8 /* what PFX_MEMCG_MASK holds */
#define MM_THP_PART_WAIT 8 /* thp_part hints waiting for their allocation (thp_part.c) */
static inline unsigned page_memcg(const struct page_frame *p)
{
	return (p->xflags & PFX_MEMCG_MASK) >> PFX_MEMCG_SHIFT;
}
_Static_assert(sizeof(struct page_frame) == 16, "page_frame must stay 16 bytes");
_Static_assert(offsetof(struct page_frame, next) == 0 && offsetof(struct page_frame, prev) == sizeof(pfn_t),
	       "page_frame begins with the links of a pfn_list (lib/pfnlist.h)");

/* next/prev as the links of the free, per-cpu and LRU pfn_lists. */
static inline struct pfn_links page_links(struct page_frame *pages)
{
	return (struct pfn_links){ .base = (char *)pages, .stride = sizeof(*pages) };
}

/* ---- pageblocks ------------------------------------------------------------------ */

enum pageblock_bits {
	PB_SKIP = 1u << 0,   /* compaction skip hint */
	PB_STICKY = 1u << 1, /* sticky MOVABLE (Mel's proposal): no unmovable fallback */
	PB_CMA = 1u << 2,    /* belongs to a CMA region (for MIGRATE_ISOLATE undo) */
};

/* What try_to_claim_block() in 6.12 counts in a pageblock, kept as pages change so the
 * claim decision reads two numbers instead of walking 2^pageblock_order frames:
 *   nr_free    == Σ 2^order over the PF_BUDDY heads inside the block
 *   nr_movable == Σ 2^order over the heads inside the block with PF_HEAD and PF_LRU or
 *                 PF_MOVABLE_OPS (pageblock_movable_weight)
 * (a block of order > pageblock_order counts whole in its first pageblock, as the walk
 * does).  nr_free changes only in add_to_free_list/del_from_free_list; every other change
 * to a head's PF_HEAD, PF_LRU or PF_MOVABLE_OPS goes through mm_page_set_flags. */
struct pageblock {
	uint8_t mt;   /* enum migratetype */
	uint8_t bits; /* enum pageblock_bits */
	uint16_t nr_free;
	uint16_t nr_movable;
};

/* ---- zones ----------------------------------------------------------------------- */

enum zone_watermark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* nr_free == Σ_mt nr_free_mt[mt];  nr_free_mt[mt] == length of free_list[mt] */
struct free_area {
	struct pfn_list free_list[NR_MIGRATETYPES];
	uint64_t nr_free_mt[NR_MIGRATETYPES]; /* blocks (not pages) on each list */
	uint64_t nr_free;                     /* blocks of this order, all types (buddyinfo) */
	uint64_t nr_free_sticky;              /* of nr_free_mt[MOVABLE]: blocks in sticky pageblocks */
};

/* Per-cpu lists: 3 types x orders 0..3, plus the THP order's two lists (MOVABLE, and one
 * shared by UNMOVABLE/RECLAIMABLE).  count == Σ pages on the lists. */
#define NR_LOWORDER_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS (NR_LOWORDER_PCP_LISTS + 2)
/* One per-cpu list, head first as the kernel's list_head: frees add at the head and
 * refills at the tail, allocations take the head and drains the tail, so a ring of pfns
 * holds it (no links through the page frames, whose next/prev stay unused while PFX_PCP).
 * The blocks are pfn[(head + i) & (cap - 1)] for i < n; cap is 0 or a power of two. */
struct pcp_list {
	pfn_t *pfn;
	uint32_t head, n, cap;
};

/* bit i of nonempty set  <=>  lists[i] is not empty (n > 0) (the drain's round robin skips the
 * empty lists by it).  high_min <= high <= high_max (pcp.c tunes high, 6.7+).
 * free_count: pages freed lately without an allocation in between (halved by each
 * allocation, grown until batch << PCP_BATCH_SCALE_MAX); alloc_factor: order-0 refills
 * that fitted under high without a free in between (a refill takes batch << alloc_factor). */
struct per_cpu_pages {
	uint64_t count;
	uint32_t high, batch, high_min, high_max;
	uint32_t nonempty;
	uint32_t free_count;
	uint8_t alloc_factor;
	uint8_t flags; /* PCPF_* (pcp.c) */
	struct pcp_list lists[NR_PCP_LISTS];
};
#define PCPF_PREV_FREE_HIGH_ORDER (1u << 0) /* the last free was of order 1..3 */
#define PCPF_FREE_HIGH_BATCH (1u << 1)      /* the CPU's cache share exceeds 3 batches */
_Static_assert(NR_PCP_LISTS <= 32, "per_cpu_pages.nonempty has a bit per list");

/* nr_free_pages + nr_free_isolated == Σ_order free_area[order].nr_free << order
 * nr_free_isolated == Σ_order free_area[order].nr_free_mt[MIGRATE_ISOLATE] << order
 * nr_free_cma   == Σ_order free_area[order].nr_free_mt[MIGRATE_CMA] << order
 * nr_free_highatomic == Σ_order nr_free_mt[MIGRATE_HIGHATOMIC] << order
 * nr_free_sticky == Σ_order free_area[order].nr_free_sticky << order
 *                == free pages on MOVABLE lists inside PB_STICKY pageblocks (a free block
 *                   never spans sticky and ordinary pageblocks: merging stops there)
 * managed == present (the model has no memmap/bootmem reservations inside a zone)
 * present == nr_free_pages + nr_free_isolated + nr_alloc_pages + nr_pcp_pages */
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
	/* Beside the lists, for the searches that want the first non-empty one (rmqueue_smallest,
	 * the high-order part of zone_watermark_ok) without a walk over the orders:
	 *   bit o of free_orders[mt] set  <=>  free_area[o].nr_free_mt[mt] > 0
	 *   bit o of free_orders_any set  <=>  free_area[o].nr_free > 0 */
	uint16_t free_orders[NR_MIGRATETYPES];
	uint16_t free_orders_any;
	bool has_sticky; /* some pageblock of the zone is PB_STICKY (set once at boot) */
	/* bit mt set  <=>  a free block of type mt counts in nr_free_pages and in no other
	 * counter: mt is none of ISOLATE, CMA, HIGHATOMIC, nor MOVABLE in a zone with sticky
	 * pageblocks (set with has_sticky), so add_to_free_list and del_from_free_list settle
	 * the common type with one test */
	uint8_t free_plain;
	uint64_t nr_free_pages;    /* NR_FREE_PAGES: free pages not on MIGRATE_ISOLATE lists */
	uint64_t nr_free_isolated; /* free pages on MIGRATE_ISOLATE lists (a contiguous allocation) */
	uint64_t nr_free_cma;
	uint64_t nr_free_highatomic;
	uint64_t nr_free_sticky;
	uint64_t nr_reserved_highatomic; /* pages in HIGHATOMIC pageblocks */
	uint64_t nr_alloc_pages;         /* allocated pages (present - free - reserved) */
	uint64_t nr_blocks_mt[NR_MIGRATETYPES]; /* pageblocks of each type (pagetypeinfo) */

	struct pageblock *pageblocks; /* spanned >> pageblock_order entries: a slice of mm->pageblocks */

	bool boosted_wakeup; /* ZONE_BOOSTED_WATERMARK: wake kswapd after this rmqueue */

	/* The node's CMA policy (== mm->cma_ops), here so zone_watermark_ok needs no mm. */
	const struct cma_policy_ops *cma_ops;

	/* Per-cpu pagesets (model.md §2.8), cfg->machine.nr_cpus of them when machine.pcp. */
	struct per_cpu_pages *pcp;
	uint64_t nr_pcp_pages; /* pages held on every pcp list of this zone */
	bool below_high;       /* ZONE_BELOW_HIGH: an allocation found free pages under the high mark */
	bool reclaim_active;   /* ZONE_RECLAIM_ACTIVE: kswapd is balancing it (pcp.c lowers high) */

	/* compaction state: cached scanner positions and deferral, as in struct zone */
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

/* Reclaim's side entry of an object (vmscan.h enum nonres_flags, workingset.c): the gfp
 * to re-allocate it with, its shadow, its swap slot.  It lives in the object's slot (valid
 * while obj_slot.nonres), so it moves with the slot and costs no lookup of its own.  The
 * shadow keeps the low 32 bits of the age, as the kernel's shadow entries keep only some
 * bits: refault distances are computed modulo 2^32 pages. */
struct nonres_entry {
	uint64_t id;         /* the object's id (the same word as obj_slot.id) */
	uint32_t shadow_age; /* rs->nonresident_age at eviction, low 32 bits; while the object
			      * holds a swap slot, its first slot (vmscan.h struct swap_slots) */
	uint32_t gfp : 25;   /* gfp_t: every flag bit is below bit 25 (gfp.h) */
	uint32_t flags : 7;  /* enum nonres_flags */
};
_Static_assert(sizeof(struct nonres_entry) == 16, "nonres_entry stays 16 bytes");

/* Table id -> slot; the slot holds the head pfn, and page_frame.owner == slot index for
 * every live object's head page (objtable.c follows every move). */
struct obj_slot {
	union {
		uint64_t id;            /* OBJ_EMPTY when free */
		struct nonres_entry ws; /* ws.id == id; the rest valid while nonres */
	};
	pfn_t pfn;
	uint16_t pins; /* active pin records */
	uint8_t order;
	uint8_t kind;  /* enum obj_kind */
	uint32_t task; /* the task that allocated it (OOM badness, oom.c) */
	uint16_t longterm_pins; /* of pins, the FOLL_LONGTERM ones (pin.c): <= pins */
	uint8_t nonres; /* ws is reclaim's side entry for it (workingset.c) */
	uint8_t owner_pins; /* of longterm_pins, the owner ones (pin.c): <= longterm_pins */
};
_Static_assert(sizeof(struct obj_slot) == 32, "obj_slot stays 32 bytes");
#define OBJ_EMPTY UINT64_MAX

enum obj_kind {
	OBJ_PAGES,      /* resident pages */
	OBJ_CMA_DEVICE, /* a cma_alloc'd range */
	OBJ_SWAPPED,    /* anon object whose pages are in swap (pfn PFN_NONE) */
	OBJ_EVICTED,    /* file object dropped by reclaim; a shadow entry remains (pfn PFN_NONE) */
	OBJ_PENDING,    /* being allocated by a request asleep in the slow path (pfn PFN_NONE):
			 * not an object yet, so records naming it find no object */
	OBJ_ALIAS,      /* a base page of a range a THP the replay got maps (thp_part.c; pfn
			 * PFN_NONE): no pages of its own; freeing it frees nothing */
	NR_OBJ_KINDS
};

/* Trace ids are mostly handed out in sequence, so the table is a window indexed by id
 * (neighbouring records hit neighbouring slots, no hashing) plus an overflow hash for the
 * ids outside it: the long-lived objects the window slid past, and ids far from the
 * sequence (an importer's pfn-based ids).  One array holds both:
 *   slots[0, ring)   the window: id in [base, base + ring) lives at index id & (ring - 1)
 *   slots[ring, cap) the overflow (a u64map whose slots are these; map.slots == slots + ring)
 *   nr_live == nr_ring + map.nr_live;  ring is a power of two
 *   an overflow id >= base is <= far_hi (ids put there while above the window), so a
 *   window miss at an id > far_hi needs no overflow probe
 * Every slot with id != OBJ_EMPTY is live (callers walk slots[0, cap)). */
struct obj_table {
	struct obj_slot *slots;
	uint32_t cap;
	uint32_t ring;
	uint64_t base;
	uint64_t far_hi;
	uint32_t nr_live, nr_ring;
	uint32_t passed, passed_live; /* window positions slid past since the last size check, live among them */
	struct u64map map;
};

/* ---- LRU ------------------------------------------------------------------------- */

/* Node LRU lists (model.md §4.3) plus the easily-reclaimable list of the ereclaimable
 * policy (§9.3): the allocated heads with PF_LRU, in the order of struct lru_ring.
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

/* nr_pages[l] == Σ_z nr_zone_pages[z][l]: one lruvec's lists, with the pages of each zone
 * counted apart (the kernel's per-zone NR_ZONE_LRU_BASE counters), so reclaim can size its
 * scan by the zones it may reclaim from (lruvec_lru_size(lruvec, lru, reclaim_idx)).
 *
 * Memory cgroups (model.md §4.3): each memcg m < mm->nr_memcgs has its own lruvec,
 * mm->lruvecs[m], holding the LRU heads with page_memcg() == m; mm->lruvec holds the node
 * totals that /proc, the deactivation and anon/file decisions and the workingset read:
 *   mm->lruvec.nr_pages[l] == Σ_m mm->lruvecs[m]->nr_pages[l]   (per zone too)
 * With one memcg, lruvecs[0] == &mm->lruvec (lists and counts are the node's); with more,
 * mm->lruvec's lists stay empty and only its counts are kept. */
/* One LRU list's order (lru.c): its heads, head to tail, at the positions first .. end - 1
 * (u32, counted modulo 2^32) of a ring of cap slots, a hole (PFN_NONE) where a head left
 * from inside the list.  A head on the list keeps its position (mod 2^31, so never
 * PFN_NONE) in page_frame.prev and PFN_NONE in .next.  The kernel's list_head chain made
 * reclaim's walk from the tail a chain of dependent loads, one per page; the ring is read
 * in order, and the walk prefetches the frames of the heads ahead of it.
 *   cap == 0 (slot NULL) or a power of two;  end - first <= cap;  nr <= end - first
 *   nr == 0  <=>  first == end
 *   nr > 0   =>   slot[first % cap] and slot[(end - 1) % cap] are heads (holes trimmed)
 *   head x on the list  =>  slot[x.prev % cap] == x
 * A full ring is copied into a new one (its heads' positions rewritten), twice as large
 * unless holes are at least half of it. */
struct lru_ring {
	pfn_t *slot;
	uint32_t cap, first, end, nr;
};
#define LRU_POS_MASK 0x7fffffffu

struct lruvec {
	/* lists[l].head / .tail: the first and last heads of list l (PFN_NONE when empty),
	 * the ring's ends; rings[l]: its order. */
	struct pfn_list lists[NR_LRU_LISTS];
	struct lru_ring rings[NR_LRU_LISTS];
	uint64_t nr_pages[NR_LRU_LISTS];
	uint64_t nr_zone_pages[MAX_NR_ZONES][NR_LRU_LISTS];
	/* Node lruvec only.  Per pfn, valid at LRU heads: simulated µs (mod 2^32) of the
	 * object's allocation or last access, for the age of reclaimed pages (vmscan.c); NULL
	 * without reclaim or without a movable-only area (ZONE_MOVABLE, a CMA area).
	 * lru_replace carries it to a migrated page's new head. */
	uint32_t *touched_us;
};

/* List primitives (lru.c). lru_add/lru_del set/clear PF_LRU and keep nr_pages exact (of
 * the page's memcg and of the node); the list is chosen from the page's flags and memcg,
 * so change PF_ACTIVE etc. only while off the list.
 * lru_replace puts new_pfn where old_pfn was (migration keeps LRU position); new_pfn must
 * already carry old_pfn's memcg bits. */
enum lru_list lru_list_of(uint16_t flags);
void lru_add(struct mm *mm, pfn_t pfn, bool tail);
void lru_del(struct mm *mm, pfn_t pfn);
void lru_replace(struct mm *mm, pfn_t old_pfn, pfn_t new_pfn);
/* lru_del, flags = `flags`, lru_add(tail) in one step for a head on an LRU (the kernel's
 * lru_move_tail, folio_activate): PF_LRU stays set, and flags may change only the bits
 * that choose the list and the page's state, not PF_BUDDY / PF_HEAD / PF_MOVABLE_OPS. */
void lru_move(struct mm *mm, pfn_t pfn, uint16_t flags, bool tail);
/* The head after pfn (toward the tail) on list l of v, or PFN_NONE. */
pfn_t lru_next(const struct mm *mm, const struct lruvec *v, enum lru_list l, pfn_t pfn);
/* After holes were left in list l's ring without trimming (nr kept): its ends trimmed,
 * lists[l] set from them (reclaim's batched isolation). */
void lru_ring_settle(struct lruvec *v, enum lru_list l);
/* Free the rings of v (its lists must be empty or never used again). */
void lru_rings_free(struct lruvec *v);

/* ---- CMA policies (cma_policy.c registry, one cma_<name>.c per policy) ---------------- */

/* Everything that differs between the ways of managing CMA memory, so that the allocator,
 * boot, /proc and the time series ask the policy instead of testing policy.cma.mode.
 * Boot (mm_init), in order: the layout asks own_zone, place_cma_areas() asks has_area and
 * calls mark_pageblock for each pageblock of each area.  Allocation: prepare before the
 * zonelist walk, fallback_allowed in the fallback search, watermark_unusable and
 * watermark_high_order inside zone_watermark_ok(). */
struct cma_policy_ops {
	/* false: the regions stay ordinary memory and no CMA area exists (CONFIG_CMA=n). */
	bool has_area;
	/* The area is ZONE_CMA: carved from the top of the CMA home zone, regions packed from
	 * its start in order, their configured bases ignored (mm_layout_compute). */
	bool own_zone;
	/* /proc shows the CMA migratetype column and the cma_* vmstat lines (CONFIG_CMA=y). */
	bool proc_cma;
	/* /proc/vmstat has the per-zone lines of ZONE_CMA (pgalloc_cma, allocstall_cma, ...). */
	bool proc_zone_cma;
	/* Boot: one pageblock of an area (PB_CMA already set) becomes what the policy wants. */
	void (*mark_pageblock)(struct mm *mm, struct zone *z, struct pageblock *pb);
	/* Shape a request before the zonelist walk: highest zone, CMA eligibility. */
	void (*prepare)(const struct mm *mm, struct alloc_context *ac);
	/* May a fallback for start_mt take the free block of `order` at pfn (claim or steal)? */
	bool (*fallback_allowed)(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
				 enum migratetype start_mt);
	/* Free pages of z the request cannot use, subtracted before the watermark compare. */
	uint64_t (*watermark_unusable)(const struct zone *z, unsigned alloc_flags);
	/* Does a free block on area's non-PCP-type lists satisfy a high-order check? */
	bool (*watermark_high_order)(const struct free_area *area, unsigned alloc_flags);
	/* Blocks on area's MOVABLE list the request cannot use (the high-order part of the
	 * watermark check and the compaction finish test skip them). */
	uint64_t (*movable_unusable_blocks)(const struct free_area *area, unsigned alloc_flags);
	/* The ALLOC_CMA bit compaction suitability judges a request with (alloc_flags is the
	 * request's; mainline's __compaction_suitable always counts the area). */
	unsigned (*suitability_flags)(unsigned alloc_flags);
	/* Pages of the CMA areas in use (allocated or on pcp lists): timeseries cma_used_pages. */
	uint64_t (*used_pages)(const struct mm *mm);
};
/* The registry, indexed by policy.cma.mode; every hook is set (mark_pageblock only when
 * has_area). */
extern const struct cma_policy_ops *const cma_policies[NR_CMA_MODES];
/* The policy for mode, or NULL when mode is out of range; sticky_movable's ops depend on the
 * reading (policy.cma.sticky), so the whole CMA config is passed. */
const struct cma_policy_ops *cma_policy_of(const struct cma_policy_config *cma);
/* Shared pieces the policy files combine (cma_policy.c). */
void cma_prepare_by_migratetype(const struct mm *mm, struct alloc_context *ac);
bool cma_fallback_any(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order,
		      enum migratetype start_mt);
uint64_t cma_watermark_unusable_cma_lists(const struct zone *z, unsigned alloc_flags);
bool cma_watermark_high_order_cma_lists(const struct free_area *area, unsigned alloc_flags);
uint64_t cma_movable_all_usable(const struct free_area *area, unsigned alloc_flags);
unsigned cma_suitability_always_cma(unsigned alloc_flags);
/* Free blocks on area's MOVABLE list that a request with alloc_flags may count. */
static inline uint64_t free_area_movable_usable(const struct zone *z, const struct free_area *area,
						unsigned alloc_flags)
{
	return area->nr_free_mt[MIGRATE_MOVABLE] - z->cma_ops->movable_unusable_blocks(area, alloc_flags);
}
/* Free pages in [base, end) by walking the blocks (no counter covers an arbitrary range). */
uint64_t cma_free_pages_in(const struct mm *mm, pfn_t base, pfn_t end);

/* ---- the node ------------------------------------------------------------------- */

struct alloc_latency; /* stats side, filled through hooks */

/* What an allocation decodes from its gfp and order alone, the same for the whole run:
 * the request's migratetype, its highest zone and CMA veto once the CMA policy's prepare
 * has shaped it (prepare depends on the request and the configuration only), its latency
 * class, whether it is a THP fault (thp_fault_mpol), the fast path's alloc flags and what
 * the page_allocated hook does with the new head (mm_hooks.page_alloc_decode).  The
 * node keeps one per (gfp, order) in a small direct-mapped table (mm->alloc_descs), so the
 * few masks of a replay are decoded once each instead of at every allocation.
 *   key == gfp | order << ALLOC_DESC_ORDER_SHIFT (gfp below bit 25, order <= MAX_PAGE_ORDER),
 *   or ALLOC_DESC_EMPTY; every field is what alloc_desc_fill works out for the key */
struct alloc_desc {
	uint32_t key;
	uint16_t fast_flags; /* enum alloc_flags */
	uint8_t mt;          /* enum migratetype */
	uint8_t zone;        /* enum zone_type: highest_zoneidx */
	uint8_t cls;         /* enum alloc_class */
	bool no_cma;
	bool thp;
	uint32_t hook;       /* page_alloc_decode(gfp, order); 0: page_allocated is not called */
};
#define ALLOC_DESC_ORDER_SHIFT 25
#define ALLOC_DESC_EMPTY UINT32_MAX
#define ALLOC_DESC_BITS 6
_Static_assert((MAX_PAGE_ORDER + 1u) << ALLOC_DESC_ORDER_SHIFT < ALLOC_DESC_EMPTY, "no key is ALLOC_DESC_EMPTY");

/* Points where reclaim, compaction and the CMA policies plug into the allocator, so each
 * can be replaced or left out.  Every hook may be NULL; mm_init installs the defaults. */
struct mm_hooks {
	/* kswapd: wake for (order, highest zone). */
	void (*wakeup_kswapd)(struct mm *mm, unsigned order, enum zone_type highest_zoneidx);
	/* direct compaction for the request at a priority (compaction.h enum compact_priority);
	 * returns its enum compact_result. */
	int (*direct_compact)(struct mm *mm, const struct alloc_context *ac, int prio);
	/* direct reclaim; returns pages reclaimed. */
	uint64_t (*direct_reclaim)(struct mm *mm, struct alloc_context *ac);
	/* A new object's pages were allocated (LRU insertion: sets PF_LRU etc.; activate: a
	 * refault within the workingset). When NULL, movable allocations are simply flagged
	 * PF_LRU.  decoded: page_alloc_decode(mm, gfp, order), worked out once per (gfp,
	 * order) with the allocation's struct alloc_desc; when it is 0 the hook is not called
	 * (the hook's own test of gfp and order, moved to where they are decoded anyway).
	 * Both are set together, or neither. */
	uint32_t (*page_alloc_decode)(const struct mm *mm, gfp_t gfp, unsigned order);
	void (*page_allocated)(struct mm *mm, pfn_t pfn, gfp_t gfp, uint32_t decoded, bool activate);
	/* freed-page notification (LRU removal etc.), called before the pages go to buddy. */
	void (*page_freed)(struct mm *mm, struct mm_request *req, pfn_t pfn, unsigned order);
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
	/* Per pageblock of [0, nr_pages): the index of the zone spanning it.  Zones are laid
	 * back to back in whole pageblocks (zone i spans [start_i, start_i+1)), so this is
	 * page_zonenum() without a flag in the 16-byte page frame: O(1), 1 byte per block. */
	uint8_t *zone_of_block;
	/* Every pageblock of the node, by pfn >> pageblock_order (the kernel keys a block's
	 * bits by pfn, get_pfnblock_migratetype); zones start on MAX_PAGE_ORDER boundaries, so
	 * zone z's blocks are the slice z->pageblocks == pageblocks + (z->start_pfn >> order). */
	struct pageblock *pageblocks;
	unsigned pageblock_order;
	unsigned pageblock_nr_pages;

	struct zone zones[MAX_NR_ZONES];
	/* The node's zonelist (build_zonelists in 6.12, one node), built once by mm_init:
	 * zonelist[h] lists the populated zones of type <= h, highest first, NULL-terminated. */
	struct zone *zonelist[MAX_NR_ZONES][MAX_NR_ZONES + 1];
	enum zone_type highest_populated;
	uint64_t min_free_kbytes; /* effective */
	uint64_t totalreserve_pages; /* Σ zones min(max lowmem_reserve + high watermark, managed) */

	/* CMA areas after placement: [base_pfn, base_pfn + pages) (model.md §7.1). */
	struct cma_area {
		char name[32];
		pfn_t base_pfn;
		uint64_t pages;
		unsigned order_per_bit; /* allocation bitmap: one bit per 2^order_per_bit pages */
	} cma_areas[CONFIG_MAX_CMA_REGIONS];
	unsigned nr_cma_areas;
	uint64_t totalcma_pages;
	uint64_t nr_device_pages; /* pages held by device (cma_alloc) allocations */

	struct obj_table objs;
	/* thp_part.c: THP attempts a thp_part hint found resident, each waiting for its task's
	 * next allocation; nr_thp_part <= MM_THP_PART_WAIT */
	struct mm_thp_part { uint32_t task; uint64_t id; } thp_part[MM_THP_PART_WAIT];
	unsigned nr_thp_part;
	struct lruvec lruvec;                   /* the node (see struct lruvec) */
	struct lruvec *lruvecs[MAX_NR_MEMCGS];  /* per memcg, [0, nr_memcgs) (vmscan.c sets them up) */
	unsigned nr_memcgs;
	uint64_t vm_events[NR_VM_EVENTS];

	/* Mechanism state owned by their modules (opaque here). */
	struct reclaim_state *reclaim;   /* vmscan.c: kswapd, writeback, swap */
	struct compact_state *compact;   /* compaction.c: kcompactd, deferral */
	struct cma_state *cma;           /* cma.c: device allocations */
	struct oom_state *oom;           /* oom.c: victims, killed tasks */
	struct mapping_pool_state *mapping_pool; /* mapping_pool.c: per-mapping pools (NULL: off) */
	/* pcp.c: the once-a-second decay of every list's high (the vmstat worker's
	 * decay_pcp_high), armed while some list's high is above high_min. */
	unsigned pcp_decay_handler; /* its engine handler + 1; 0: none */
	bool pcp_decay_armed;
	bool pcp_fixed; /* pcp_set_fixed: high not tuned, refills and drains of one batch */
	bool pcp_started; /* pcp_set_fixed(false) has started the lists as captured (machine.pcp_start) */
	/* Σ_o alloc_outcome[c][o] == allocation requests of class c (gfp.h) */
	uint64_t alloc_outcome[NR_ALLOC_CLASSES][NR_ALLOC_OUTCOMES];
	/* The same per request order:  Σ_o order_outcome[n][o] == requests of order n
	 * (n <= MAX_PAGE_ORDER; larger orders are refused and counted by class only), and
	 * order_slowpath[n] <= that: the requests whose fast path found no block (they entered
	 * the slow path, waking kswapd and kcompactd only now). */
	uint64_t order_outcome[NR_PAGE_ORDERS][NR_ALLOC_OUTCOMES];
	uint64_t order_slowpath[NR_PAGE_ORDERS];

	/* machine.shuffle (shuffle.c): the PRNG behind get_random_long() and the 64 random
	 * bits shuffle_pick_tail() takes one at a time;  nr_bits <= 64 */
	struct mm_shuffle {
		bool enabled;
		uint64_t s[4]; /* xoshiro256** state, seeded from cfg->seed */
		uint64_t bits;
		unsigned nr_bits;
	} shuffle;

	/* Decided once from the configuration (mm_init) instead of on every call:
	 *   bit n of pcp_orders set  <=>  order n goes through the per-cpu lists (machine.pcp;
	 *                                 orders 0..PAGE_ALLOC_COSTLY_ORDER and, with machine.thp,
	 *                                 the pageblock order)
	 *   nr_cpus == MAX(machine.nr_cpus, 1) */
	uint32_t pcp_orders;
	unsigned nr_cpus;

	struct mm_hooks hooks;
	const struct cma_policy_ops *cma_ops; /* cma_policies[cfg->policy.cma.mode] */
	struct alloc_desc alloc_descs[1u << ALLOC_DESC_BITS]; /* by hash of the key (struct alloc_desc) */
	unsigned nr_on_cpu; /* actors sleeping off slow-path CPU work now (request.c) */
};

/* The lruvec whose lists hold LRU head p (its memcg's). */
static inline struct lruvec *page_lruvec(const struct mm *mm, const struct page_frame *p)
{
	return mm->lruvecs[page_memcg(p)];
}

/* One trace record's request: its task, the task's CPU, and the time it stalls in the slow
 * paths (direct reclaim and compaction, throttling, swap-in, dirty throttling, migration
 * for a pin or a device allocation).  The kernel keeps this with the running task
 * (current, smp_processor_id()), never in the node, so it lives here rather than in
 * struct mm.  Owned by the caller for the length of one record; the allocator carries it
 * in alloc_context, reclaim in scan_control, migration in its target callback's priv.
 * Work with no request behind it (kswapd, kcompactd, the flusher, policy.compact_node_at)
 * passes NULL: it runs on CPU 0 and its stall is charged to nobody.
 *
 * How time passes for it depends on mode (model.md §4.1, architecture.md §3):
 *   REQ_ACTOR  the request runs as an engine actor (engine/actor.h): at its sleep points
 *              (mm_request_yield, mm_request_wait) the clock moves on while kswapd,
 *              writeback, kcompactd and other tasks' records run, and it resumes in the
 *              world as it is then.
 *   REQ_DEFER  an operation that would have to sleep (an allocation whose fast path
 *              fails, a fault on a page that is not resident) does nothing and sets
 *              deferred; the caller runs it again as an actor.
 *   REQ_SYNC   (tests, tools) nothing sleeps: costs are charged while the clock stands.
 *   slept_ns <= stall_ns;  stall_ns - slept_ns is the stall still to be slept (the task
 *   is blocked that much longer after the operation returns). */
enum mm_request_mode { REQ_SYNC, REQ_DEFER, REQ_ACTOR };
struct mm_request {
	unsigned cpu;       /* task % nr_cpus: the per-cpu pageset it allocates from and frees to */
	uint32_t task;      /* the trace's task: owner of what it allocates, OOM accounting */
	enum mm_request_mode mode;
	bool deferred;      /* REQ_DEFER out: the operation must be run again as an actor */
	bool fast_failed;   /* the allocation fast path already failed (deferred alloc) */
	int8_t last_class;  /* out: enum alloc_class of the last mm_alloc_req with this request
			     * (gfp_alloc_class of its gfp and order), so the replay's latency
			     * account need not decode the gfp again */
	int alloc_class;    /* enum alloc_class of the allocation in progress, -1 when none */
	sim_ns_t stall_ns;  /* slow-path cost and waits accumulated by this request */
	sim_ns_t slept_ns;  /* part of stall_ns already slept with the clock moving */
	sim_ns_t io_ns;     /* part of stall_ns spent waiting for I/O, not on a CPU */
	sim_ns_t io_slept_ns; /* part of io_ns already slept;  io_slept_ns <= io_ns <= stall_ns */
};
/* The CPU whose pcp lists req uses (CPU 0 for NULL, as the daemons). */
static inline unsigned mm_request_cpu(const struct mm_request *req)
{
	return req ? req->cpu : 0;
}
/* Charge ns of stall to req; work without a request (NULL) stalls nobody.  The time is
 * slept at the request's next sleep point (or after its operation returns). */
static inline void mm_request_charge(struct mm_request *req, sim_ns_t ns)
{
	if (req)
		req->stall_ns += ns;
}
/* Charge ns of waiting for I/O (a read, a write to end, a dirty-throttle pause): time, but
 * no CPU, so machine.cpu_contention does not stretch it. */
static inline void mm_request_charge_io(struct mm_request *req, sim_ns_t ns)
{
	if (req) {
		req->stall_ns += ns;
		req->io_ns += ns;
	}
}
static inline bool mm_request_can_sleep(const struct mm_request *req)
{
	return req && req->mode == REQ_ACTOR;
}
/* REQ_DEFER: the operation needs to sleep; flag it (true: the caller must stop now). */
static inline bool mm_request_defer(struct mm_request *req)
{
	if (!req || req->mode != REQ_DEFER)
		return false;
	req->deferred = true;
	return true;
}
/* A sleep point: an actor sleeps off the stall charged so far, so the world moves on by
 * that much before it continues (no-op for other modes).  Must not be called while the
 * caller holds isolated pages or other state another request could trip over. */
void mm_request_yield(struct mm *mm, struct mm_request *req);

/* One allocation request's context (the kernel's struct alloc_context). */
struct alloc_context {
	gfp_t gfp;
	unsigned order;
	enum migratetype mt;            /* gfp_migratetype */
	enum zone_type highest_zoneidx; /* gfp_zone, possibly clamped by policy */
	unsigned alloc_flags;
	bool no_cma;                    /* policy veto on CMA memory */
	struct mm_request *req;         /* CPU and stall of the request; NULL for daemon work */
	enum alloc_outcome outcome;     /* how the slow path ended it (set on failure) */
	bool slowpath;                  /* the fast path failed: the slow path ran */
	unsigned fast_flags;            /* the fast path's alloc flags when the caller knows them
					 * (struct alloc_desc); 0: the fast path works them out */
};


/* ---- API ------------------------------------------------------------------------ */

/* Where mm_init puts every zone and CMA area, from the configuration alone (zone.c): zones
 * back to back from pfn 0 in zone_type order, each spanning its present pages rounded up to
 * 2^MAX_PAGE_ORDER (so no buddy crosses a zone); a policy with own_zone moves the regions'
 * pages from the top of the CMA home zone into ZONE_CMA, the last zone.
 *   start[z + 1] == start[z] + roundup(present[z], 2^MAX_PAGE_ORDER)
 *   Σ_z present[z] == Σ_z machine.zone_pages[z]  (when the carve fits)
 * cma_base[i] is region i's first pfn: under own_zone packed in order from ZONE_CMA's
 * start; otherwise an explicit base as given, and "auto" regions packed in order downwards
 * from the pageblock-aligned top of the home zone (policy.cma.placement high) or upwards
 * from its bottom (low) (MM_CMA_NO_FIT: does not fit).  Regions
 * are placed under every policy, none included, so a bad region fails every point of a
 * sweep over policies alike. */
#define MM_CMA_NO_FIT UINT64_MAX
struct mm_layout {
	uint64_t start[MAX_NR_ZONES + 1]; /* start[MAX_NR_ZONES] = end of the last span */
	uint64_t present[MAX_NR_ZONES];
	enum zone_type cma_home; /* Normal, or DMA32 on a machine without Normal (1 GiB VM) */
	uint64_t cma_base[CONFIG_MAX_CMA_REGIONS];
};
void mm_layout_compute(const struct config *cfg, struct mm_layout *l);
/* mm_layout_compute, then the checks the kernel makes when it reserves and activates the
 * areas (cma_declare_contiguous_nid, cma_activate_area in 6.12) and the 32-bit pfn space:
 * EX_CONFIG_ with "<config source>: <key>: ..." naming the offending key. */
int mm_layout_check(const struct config *cfg, struct mm_layout *l, struct sim_error *err);


/* Build the node from cfg: zones, pageblocks (all MOVABLE at boot), CMA regions,
 * watermarks, lowmem_reserve; every present page starts free. */
int mm_init(struct mm *mm, const struct config *cfg, struct engine *engine, struct sim_error *err);
void mm_destroy(struct mm *mm);

/* Allocate 2^order pages for object id on behalf of req (its CPU's pcp lists; slow-path
 * cost charged to req->stall_ns).  Returns the head pfn or PFN_NONE (counted as a
 * failure).  Duplicate ids are counted and rejected. */
pfn_t mm_alloc_req(struct mm *mm, struct mm_request *req, uint64_t id, gfp_t gfp, unsigned order);
/* mm_alloc_req for an id whose slot already exists (reclaim's swap-in / refault; activate:
 * the refault is within the workingset, the page starts active). */
pfn_t mm_alloc_slot(struct mm *mm, struct mm_request *req, uint64_t id, gfp_t gfp, unsigned order,
		    bool activate);
/* Free object id (to req's CPU's pcp lists); false when the id is unknown (counted). */
bool mm_free_req(struct mm *mm, struct mm_request *req, uint64_t id);

/* Lower-level pieces, exported for reclaim/compaction/CMA and for the tests. */
pfn_t mm_alloc_pages(struct mm *mm, struct alloc_context *ac);
/* Free 2^order pages at pfn; pcp orders go to the lists of mm_request_cpu(req). */
void mm_free_pages(struct mm *mm, struct mm_request *req, pfn_t pfn, unsigned order);
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       enum zone_type highest_zoneidx, unsigned alloc_flags, uint64_t free_pages);
static inline struct zone *mm_pfn_zone(struct mm *mm, pfn_t pfn)
{
	return pfn < mm->nr_pages ? &mm->zones[mm->zone_of_block[pfn >> mm->pageblock_order]] : NULL;
}
/* The pageblock of pfn, inside zone z (the node's array needs no zone: z is the caller's
 * knowledge, checked at level 2). */
static inline struct pageblock *mm_zone_pageblock(const struct mm *mm, const struct zone *z, pfn_t pfn)
{
	sim_assert2(pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned);
	(void)z;
	return &mm->pageblocks[pfn >> mm->pageblock_order];
}
static inline struct pageblock *mm_pageblock(struct mm *mm, pfn_t pfn)
{
	sim_assert(pfn < mm->nr_pages);
	return &mm->pageblocks[pfn >> mm->pageblock_order];
}
/* The pages a frame counts for in its pageblock's nr_movable: an allocated head on an LRU
 * or with movable_ops, "movable" for try_to_claim_block(). */
static inline unsigned pageblock_movable_weight(uint16_t flags, unsigned order)
{
	return (flags & (PF_BUDDY | PF_HEAD)) == PF_HEAD && (flags & (PF_LRU | PF_MOVABLE_OPS)) ? 1u << order : 0;
}
/* Set the flags of the frame at pfn in zone z (its order as it is), keeping nr_movable
 * exact; mm_page_set_flags finds the zone. */
static inline void mm_page_set_flags_in(struct mm *mm, const struct zone *z, pfn_t pfn, uint16_t flags)
{
	struct page_frame *p = &mm->pages[pfn];
	unsigned before = pageblock_movable_weight(p->flags, p->order);
	unsigned after = pageblock_movable_weight(flags, p->order);
	p->flags = flags;
	if (before != after) {
		struct pageblock *pb = mm_zone_pageblock(mm, z, pfn);
		pb->nr_movable = (uint16_t)(pb->nr_movable + after - before);
	}
}
static inline void mm_page_set_flags(struct mm *mm, pfn_t pfn, uint16_t flags)
{
	mm_page_set_flags_in(mm, mm_pfn_zone(mm, pfn), pfn, flags);
}
/* lru_add and lru_del (lru.c), inline for reclaim's page_allocated and page_freed hooks,
 * which run them on every movable allocation and free; the other callers (reclaim's scans,
 * migration) call lru.c's copies.
 * lru_list_of as a table indexed by the four flags that choose the list (PF_ACTIVE,
 * PF_SWAPBACKED, PF_UNEVICTABLE, PF_EASY: the flags' bits 4-7, the index's bits 0-3): a
 * shift, a mask and a load instead of a chain of branches.  Unevictable wins over easy,
 * easy over the anon/file and active/inactive lists. */
static const uint8_t lru_list_by_bits[16] = {
	LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, /* neither */
	LRU_UNEVICTABLE,   LRU_UNEVICTABLE, LRU_UNEVICTABLE,   LRU_UNEVICTABLE, /* unevictable */
	LRU_EASY,          LRU_EASY,        LRU_EASY,          LRU_EASY,        /* easy */
	LRU_UNEVICTABLE,   LRU_UNEVICTABLE, LRU_UNEVICTABLE,   LRU_UNEVICTABLE, /* both */
};
_Static_assert(PF_ACTIVE == 1u << 4 && PF_SWAPBACKED == 1u << 5 && PF_UNEVICTABLE == 1u << 6 &&
		       PF_EASY == 1u << 7,
	       "lru_list_inline's nibble follows the flag bits");
static inline enum lru_list lru_list_inline(uint16_t flags)
{
	unsigned i = (unsigned)flags >> 4 & 15u;
	return (enum lru_list)lru_list_by_bits[i];
}
/* PF_LRU of the head with flags f (before the change) at pageblock index blk set (on) or
 * cleared changes its pageblock's nr_movable (mm_page_set_flags_in) only for an allocated
 * head without PF_MOVABLE_OPS, which counts with or without it. */
static inline void lru_movable_adjust(struct mm *mm, uint16_t f, size_t blk, unsigned nr, bool on)
{
	if ((f & (PF_BUDDY | PF_HEAD | PF_MOVABLE_OPS)) == PF_HEAD) {
		struct pageblock *pb = &mm->pageblocks[blk];
		pb->nr_movable = (uint16_t)(on ? pb->nr_movable + nr : pb->nr_movable - nr);
	}
}
/* With memcgs, the node lruvec keeps only the totals (struct lruvec): count nr pages of
 * list l in zone z there, and return the memcg's lruvec, which holds the page.  Out of
 * line: with one memcg (the default) the node lruvec is the memcg's, one compare, and the
 * compiler no longer works out the node's counts ahead of it. */
struct lruvec *lru_lruvec_memcg(struct mm *mm, const struct page_frame *p, enum lru_list l, unsigned z,
				int64_t nr);
static inline struct lruvec *lru_lruvec_of(struct mm *mm, const struct page_frame *p, enum lru_list l, unsigned z,
					   int64_t nr)
{
	if (__builtin_expect(mm->nr_memcgs == 1, 1))
		return &mm->lruvec;
	return lru_lruvec_memcg(mm, p, l, z, nr);
}
/* The head's flags and order are read once into locals (the counters' stores could alias
 * the frame's bytes, so the compiler would read them again after each), and its pageblock
 * index serves both the zone look-up and the pageblock's nr_movable. */
/* The ring of one list: room for one more head (lru.c, out of line). */
void lru_ring_grow(struct lru_ring *r, struct page_frame *pages);
/* pfn becomes list l's first (tail false) or last head. */
static inline __attribute__((always_inline)) void lru_ring_add(struct lruvec *v, enum lru_list l, struct page_frame *pages,
							       pfn_t pfn, bool tail)
{
	struct lru_ring *r = &v->rings[l];
	struct pfn_list *ends = &v->lists[l];
	if (__builtin_expect(r->end - r->first == r->cap, 0))
		lru_ring_grow(r, pages);
	uint32_t pos = tail ? r->end++ : --r->first;
	r->slot[pos & (r->cap - 1)] = pfn;
	pages[pfn].prev = pos & LRU_POS_MASK;
	pages[pfn].next = PFN_NONE;
	if (!r->nr++) {
		ends->head = ends->tail = pfn;
		return;
	}
	if (tail)
		ends->tail = pfn;
	else
		ends->head = pfn;
}
/* pfn (on list l) leaves it: a hole at its slot, trimmed when it was at an end. */
static inline __attribute__((always_inline)) void lru_ring_del(struct lruvec *v, enum lru_list l, struct page_frame *pages,
							       pfn_t pfn)
{
	struct lru_ring *r = &v->rings[l];
	struct pfn_list *ends = &v->lists[l];
	uint32_t m = r->cap - 1, at = pages[pfn].prev & m;
	sim_assert2(r->nr && r->slot[at] == pfn);
	r->slot[at] = PFN_NONE;
	pages[pfn].prev = PFN_NONE;
	if (!--r->nr) {
		r->first = r->end;
		ends->head = ends->tail = PFN_NONE;
	} else if (at == (r->first & m)) {
		do
			r->first++;
		while (r->slot[r->first & m] == PFN_NONE);
		ends->head = r->slot[r->first & m];
	} else if (at == ((r->end - 1) & m)) {
		do
			r->end--;
		while (r->slot[(r->end - 1) & m] == PFN_NONE);
		ends->tail = r->slot[(r->end - 1) & m];
	}
}
/* lru_add_inline of the head at pfn whose flags become f | PF_LRU (f: its flags, or what
 * its caller is setting them to, which then need not be written first and read back): a
 * caller that knows f's bits (a new head: PF_HEAD, no PF_BUDDY or PF_MOVABLE_OPS) has
 * lru_movable_adjust's test folded away. */
static inline __attribute__((always_inline)) void lru_add_flags(struct mm *mm, pfn_t pfn, uint16_t f, bool tail)
{
	struct page_frame *p = &mm->pages[pfn];
	unsigned nr = 1u << p->order;
	enum lru_list l = lru_list_inline(f);
	sim_assert(pfn < mm->nr_pages);
	sim_assert2(!(f & PF_LRU) && !(p->flags & PF_LRU));
	size_t blk = pfn >> mm->pageblock_order;
	unsigned z = mm->zone_of_block[blk];
	p->flags = (uint16_t)(f | PF_LRU);
	struct lruvec *v = lru_lruvec_of(mm, p, l, z, (int64_t)nr);
	lru_movable_adjust(mm, f, blk, nr, true);
	lru_ring_add(v, l, mm->pages, pfn, tail);
	v->nr_pages[l] += nr;
	v->nr_zone_pages[z][l] += nr;
}
static inline __attribute__((always_inline)) void lru_add_inline(struct mm *mm, pfn_t pfn, bool tail)
{
	lru_add_flags(mm, pfn, mm->pages[pfn].flags, tail);
}
static inline __attribute__((always_inline)) void lru_del_inline(struct mm *mm, pfn_t pfn)
{
	struct page_frame *p = &mm->pages[pfn];
	uint16_t f = p->flags;
	unsigned nr = 1u << p->order;
	sim_assert2(f & PF_LRU);
	enum lru_list l = lru_list_inline(f);
	sim_assert(pfn < mm->nr_pages);
	size_t blk = pfn >> mm->pageblock_order;
	unsigned z = mm->zone_of_block[blk];
	struct lruvec *v = lru_lruvec_of(mm, p, l, z, -(int64_t)nr);
	lru_ring_del(v, l, mm->pages, pfn);
	p->flags = (uint16_t)(f & ~PF_LRU);
	lru_movable_adjust(mm, f, blk, nr, false);
	v->nr_pages[l] -= nr;
	v->nr_zone_pages[z][l] -= nr;
}

/* The pageblock counters recounted by the walk try_to_claim_block() models (mm_check and
 * the tests compare them with struct pageblock's). */
void mm_pageblock_recount(const struct mm *mm, const struct zone *z, pfn_t start, unsigned *nr_free,
			  unsigned *nr_movable);
/* Change a pageblock's type, moving its free pages to the new lists (6.10+ rule). */
void mm_set_pageblock_migratetype(struct mm *mm, pfn_t pfn, enum migratetype mt);
/* Recompute watermarks, lowmem_reserve and totalreserve_pages from min_free_kbytes
 * (setup_per_zone_wmarks). */
void mm_setup_watermarks(struct mm *mm);
/* A capture's zone state at its start (machine.watermark_boost_start), where an imported
 * trace's prefill ends. */
void mm_zone_capture_start(struct mm *mm);
/* Default min_free_kbytes for this node (calculate_min_free_kbytes + THP raise). */
uint64_t mm_default_min_free_kbytes(const struct mm *mm);

/* Per-cpu pagesets (pcp.c). */
static inline bool pcp_allowed_order(const struct mm *mm, unsigned order)
{
	return order < 32 && (mm->pcp_orders >> order & 1);
}
/* What mm_init decides once: pcp_orders and nr_cpus. */
void pcp_setup_node(struct mm *mm);
pfn_t pcp_alloc(struct mm *mm, struct zone *z, unsigned cpu, unsigned order, enum migratetype mt,
		unsigned alloc_flags);
void pcp_free(struct mm *mm, struct zone *z, unsigned cpu, pfn_t pfn, unsigned order);
/* The list of a block of order and type mt (pcp_allowed_order, mt < MIGRATE_PCPTYPES). */
static inline unsigned pcp_pindex(enum migratetype mt, unsigned order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER) /* the THP order: MOVABLE, or the shared list */
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE ? 0 : 1);
	return MIGRATE_PCPTYPES * order + mt;
}
/* Double the ring of a full list (pcp.c; out of line: pcp_hold stays free of a call). */
void pcp_list_grow(struct pcp_list *l) __attribute__((noinline, cold));
/* The block at pfn goes on list idx: at its tail (a refill, rmqueue_bulk) or its head (a
 * free, list_add in free_unref_page_commit).  Inline, as pcp_take: both are a few stores
 * that a call's register saves would double. */
static inline __attribute__((always_inline)) void pcp_hold(struct mm *mm, struct zone *z,
							    struct per_cpu_pages *pcp, pfn_t pfn,
							    unsigned order, unsigned idx, bool tail)
{
	struct page_frame *p = &mm->pages[pfn];
	p->flags = 0;
	p->xflags = PFX_PCP;
	p->order = (uint8_t)order;
	struct pcp_list *l = &pcp->lists[idx];
	if (l->n == l->cap)
		pcp_list_grow(l);
	if (tail) {
		l->pfn[(l->head + l->n) & (l->cap - 1)] = pfn;
	} else {
		l->head = (l->head - 1) & (l->cap - 1);
		l->pfn[l->head] = pfn;
	}
	l->n++;
	pcp->nonempty |= 1u << idx;
	pcp->count += 1ull << order;
	z->nr_pcp_pages += 1ull << order;
}
/* Take the block at the head (an allocation) or the tail (a drain, oldest first) of the
 * non-empty list idx. */
static inline __attribute__((always_inline)) pfn_t pcp_take(struct mm *mm, struct zone *z,
							     struct per_cpu_pages *pcp, unsigned idx, bool tail)
{
	struct pcp_list *l = &pcp->lists[idx];
	pfn_t pfn;
	l->n--;
	if (tail) {
		pfn = l->pfn[(l->head + l->n) & (l->cap - 1)];
	} else {
		pfn = l->pfn[l->head];
		l->head = (l->head + 1) & (l->cap - 1);
	}
	if (!l->n)
		pcp->nonempty &= ~(1u << idx);
	struct page_frame *p = &mm->pages[pfn];
	p->xflags = 0;
	pcp->count -= 1ull << p->order;
	z->nr_pcp_pages -= 1ull << p->order;
	return pfn;
}
/* pcp_alloc, inline in rmqueue for its common case, a list that holds a block already
 * (rmqueue_pcplist without the refill); the refill and the rest are pcp_alloc's. */
static inline __attribute__((always_inline)) pfn_t pcp_alloc_inline(struct mm *mm, struct zone *z, unsigned cpu,
								     unsigned order, enum migratetype mt,
								     unsigned alloc_flags)
{
	if (z->pcp && cpu < mm->nr_cpus) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];
		unsigned idx = pcp_pindex(mt, order);
		if (pcp->lists[idx].n) {
			if (!mm->pcp_fixed)
				pcp->free_count >>= 1; /* an allocation breaks a run of frees */
			return pcp_take(mm, z, pcp, idx, false);
		}
	}
	return pcp_alloc(mm, z, cpu, order, mt, alloc_flags);
}
/* pcp_free's drain of one batch from list pindex on (high held fixed). */
void pcp_drain_batch(struct mm *mm, struct zone *z, struct per_cpu_pages *pcp, unsigned pindex);
/* pcp_free, inline in mm_free_pages while high is held fixed (free_unref_page_commit before
 * 6.7: the block goes on its list, and a list at high drains a batch); the tuning of high and
 * the isolated pageblocks are pcp_free's. */
static inline __attribute__((always_inline)) void pcp_free_inline(struct mm *mm, struct zone *z, unsigned cpu,
								   pfn_t pfn, unsigned order)
{
	if (mm->pcp_fixed && z->pcp && cpu < mm->nr_cpus) {
		enum migratetype mt = (enum migratetype)mm_zone_pageblock(mm, z, pfn)->mt;
		if (mt != MIGRATE_ISOLATE) {
			if (mt >= MIGRATE_PCPTYPES) /* CMA and HIGHATOMIC go on the MOVABLE list */
				mt = MIGRATE_MOVABLE;
			struct per_cpu_pages *pcp = &z->pcp[cpu];
			unsigned pindex = pcp_pindex(mt, order);
			pcp_hold(mm, z, pcp, pfn, order, pindex, false);
			if (pcp->count >= pcp->high)
				pcp_drain_batch(mm, z, pcp, pindex);
			return;
		}
	}
	pcp_free(mm, z, cpu, pfn, order);
}
/* drain_all_pages(NULL): every CPU's lists of every zone back to buddy; returns the pages
 * drained (counted as mmsim_drain_all_pages / _pages). */
uint64_t mm_drain_all_pages(struct mm *mm);
/* zone_batchsize and the high_min/high_max bounds (model.md §2.8). */
uint32_t pcp_batch_for(uint64_t managed);
void pcp_setup_zone(struct mm *mm, struct zone *z);
void pcp_destroy_zone(struct mm *mm, struct zone *z);
/* Registers the high-decay event (machine.pcp with an engine). */
int pcp_init(struct mm *mm, struct sim_error *err);
/* Hold high where it is and refill/drain one batch at a time (fixed), or tune high again
 * from a fresh run (an imported trace's prefill lays memory out with it fixed).  The first
 * call with fixed false (the prefill's end) also starts the lists listed in
 * machine.pcp_start with the captured count and high. */
void pcp_set_fixed(struct mm *mm, bool fixed);

/* Boot: hand [start, end) of zone z to the buddy lists (zone.c calls it from mm_init). */
void mm_free_boot_range(struct mm *mm, struct zone *z, pfn_t start, pfn_t end);
/* Free-list shuffling, CONFIG_SHUFFLE_PAGE_ALLOCATOR (shuffle.c, model.md §2.10).
 * shuffle_init seeds the PRNG (enabled = machine.shuffle); shuffle_free_memory permutes
 * each zone's free SHUFFLE_ORDER blocks after boot; a free that ends at SHUFFLE_ORDER or
 * above asks shuffle_pick_tail for head or tail. */
#define SHUFFLE_ORDER MAX_PAGE_ORDER
void shuffle_init(struct mm *mm);
void shuffle_free_memory(struct mm *mm);
bool shuffle_pick_tail(struct mm *mm);
static inline bool is_shuffle_order(const struct mm *mm, unsigned order)
{
	return mm->shuffle.enabled && order >= SHUFFLE_ORDER;
}
/* A uniform 64-bit draw from the node's PRNG (get_random_u64 of the shuffle code). */
uint64_t shuffle_random_u64(struct mm *mm);

/* Zero what a measurement reads as a difference of two snapshots (mm_stats.c): the vmstat
 * events, allocation outcomes, the reclaim daemons' busy time and stall components.  The
 * machine state (free lists, LRU, objects, kswapd's state, deferral) is untouched, and so
 * are OOM kills: a task killed stays killed (oom_kill count and victims are kept). */
void mm_reset_stats(struct mm *mm);

/* Buddy internals shared with pcp.c. */
pfn_t buddy_rmqueue(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt, unsigned alloc_flags);
/* The pageblock of the allocated block at pfn (order) becomes a highatomic reserve, as
 * reserve_highatomic_pageblock() makes one for a high-order atomic allocation that
 * succeeded (its limits apply: 1 % of the zone, a mergeable block).  A HINT highatomic. */
void buddy_reserve_highatomic(struct mm *mm, pfn_t pfn, unsigned order);
/* rmqueue_bulk (6.12): up to nr blocks, each as buddy_rmqueue takes it, onto the tail of
 * list idx of pcp; returns how many (fewer when the buddy lists run out). */
unsigned buddy_rmqueue_bulk(struct mm *mm, struct zone *z, unsigned order, enum migratetype mt,
			    unsigned alloc_flags, unsigned nr, struct per_cpu_pages *pcp, unsigned idx);
void buddy_free_one(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);
/* Free-page isolation for compaction/migration/CMA (page_alloc.c, model.md §5.4). */
bool buddy_isolate_free_page(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);
void buddy_putback_isolated(struct mm *mm, struct zone *z, pfn_t pfn, unsigned order);

/* Record-level operations, one per trace record kind (architecture.md §2 intent). The reclaim,
 * compaction and CMA modules implement them; each runs on behalf of req (see struct
 * mm_request) and returns false when the id is unknown (counted by the caller). */
bool mm_access_req(struct mm *mm, struct mm_request *req, uint64_t id);
/* age_ns: the page was dirtied that long before now (a DIRTY record's age; 0: now). */
bool mm_dirty_req(struct mm *mm, struct mm_request *req, uint64_t id, sim_ns_t age_ns);
bool mm_hint_req(struct mm *mm, struct mm_request *req, uint64_t id, int hint_kind);
/* thp_part.c: `hint id=attempt kind=thp_part` (mm_hint_req passes it on): req's task's next
 * allocation is a base page of the range of THP attempt; mm_thp_part_take, at that
 * allocation of id, makes id an alias when the attempt's THP is resident (true) — else the
 * allocation goes on (false). */
bool mm_thp_part_hint(struct mm *mm, const struct mm_request *req, uint64_t attempt);
bool mm_thp_part_take(struct mm *mm, const struct mm_request *req, uint64_t id);
bool mm_pin_req(struct mm *mm, struct mm_request *req, uint64_t id, int pin_kind);
bool mm_unpin(struct mm *mm, uint64_t id);
/* compact_node (order -1 / TRACE_COMPACT_WHOLE_ZONE) or for an order; zone -1 = all. */
void mm_compact_request_req(struct mm *mm, struct mm_request *req, int zone, int order);
/* Device contiguous allocation (cma_alloc) of count pages aligned to 2^align_order. */
bool mm_cma_alloc_req(struct mm *mm, struct mm_request *req, uint64_t id, uint64_t count,
		      unsigned align_order);
bool mm_cma_release_req(struct mm *mm, struct mm_request *req, uint64_t id);

/* For tests and tools: the record operations as a request on CPU 0 whose stall is
 * discarded (the simulator itself passes each record's own request). */
static inline pfn_t mm_alloc(struct mm *mm, uint64_t id, gfp_t gfp, unsigned order)
{ return mm_alloc_req(mm, NULL, id, gfp, order); }
static inline bool mm_free(struct mm *mm, uint64_t id)
{ return mm_free_req(mm, NULL, id); }
static inline bool mm_access(struct mm *mm, uint64_t id)
{ return mm_access_req(mm, NULL, id); }
static inline bool mm_dirty(struct mm *mm, uint64_t id)
{ return mm_dirty_req(mm, NULL, id, 0); }
static inline bool mm_dirty_aged(struct mm *mm, uint64_t id, sim_ns_t age_ns)
{ return mm_dirty_req(mm, NULL, id, age_ns); }
static inline bool mm_hint(struct mm *mm, uint64_t id, int hint_kind)
{ return mm_hint_req(mm, NULL, id, hint_kind); }
static inline bool mm_pin(struct mm *mm, uint64_t id, int pin_kind)
{ return mm_pin_req(mm, NULL, id, pin_kind); }
static inline void mm_compact_request(struct mm *mm, int zone, int order)
{ mm_compact_request_req(mm, NULL, zone, order); }
static inline bool mm_cma_alloc(struct mm *mm, uint64_t id, uint64_t count, unsigned align_order)
{ return mm_cma_alloc_req(mm, NULL, id, count, align_order); }
static inline bool mm_cma_release(struct mm *mm, uint64_t id)
{ return mm_cma_release_req(mm, NULL, id); }

/* Module set-up, called by mm_init after the zones exist (each may install hooks and
 * register engine handlers on mm->engine, which mm_init requires). */
int reclaim_init(struct mm *mm, struct sim_error *err);
void reclaim_destroy(struct mm *mm);
int compaction_init(struct mm *mm, struct sim_error *err);
/* Each zone's scanners where a capture's first runs show them cached
 * (machine.compaction_scan_start), where its imported trace's prefill ends. */
void compaction_capture_start(struct mm *mm);
void compaction_destroy(struct mm *mm);
int cma_init(struct mm *mm, struct sim_error *err);
void cma_destroy(struct mm *mm);

/* The OOM killer (oom.c, out_of_memory in 6.12, model.md §4.6).  oom_kill chooses the
 * task with the highest badness (its resident anon pages plus its swapped ones) among the
 * tasks owning memory, task 0 (the kernel) excepted, and kills it: its anon objects are
 * freed (resident pages and swap slots), its page cache stays, and every later record of
 * it is skipped by the caller (mm_task_killed).  False when there is no victim. */
struct oom_victim {
	uint32_t task;
	sim_ns_t time_ns;
	uint64_t points;      /* badness: anon resident + swapped pages */
	uint64_t pages_freed; /* resident pages it held that went back to the buddy */
	uint32_t requester;   /* the task whose allocation invoked the killer */
	uint64_t records_skipped; /* its later trace records, not applied (oom_note_skipped) */
};
bool oom_kill(struct mm *mm, struct mm_request *req);
/* oom_account's change of s's task's badness by n > 0 anon pages (oom.c). */
void oom_charge(struct mm *mm, const struct obj_slot *s, bool add, uint64_t n);
/* Object s (anon pages of its task count as badness) comes (add) or goes (!add); called
 * by the allocator once the new object's pages are placed and before a free removes it.
 * Inline: which objects count is decided by the object and its head page, which every
 * allocation and free has at hand; most of a replay's objects (page cache, kernel memory)
 * do not, and pay the test alone, without a call. */
static inline void oom_account(struct mm *mm, const struct obj_slot *s, bool add)
{
	/* oom_badness counts the task's anon rss and swap entries (get_mm_rss + MM_SWAPENTS) */
	bool anon = s->kind == OBJ_SWAPPED || (s->kind == OBJ_PAGES && (mm->pages[s->pfn].flags & PF_SWAPBACKED));
	if (anon && mm->oom && s->task != 0)
		oom_charge(mm, s, add, 1ull << s->order);
}
/* A record of killed task `task` was skipped: counted on its victim entry. */
void oom_note_skipped(struct mm *mm, uint32_t task);
bool mm_task_killed(const struct mm *mm, uint32_t task);
const struct oom_victim *oom_victims(const struct mm *mm, size_t *nr);
int oom_init(struct mm *mm, struct sim_error *err);
/* Every task's badness equals the anon pages its objects hold (O(objects)). */
bool oom_check(const struct mm *mm, char *msg, size_t msg_size);
void oom_destroy(struct mm *mm);

/* Object table (objtable.c).  obj_insert and obj_remove may move other slots (each move
 * updates the head's owner), so a slot pointer is good until the next insert or remove. */
struct obj_slot *obj_lookup_overflow(struct obj_table *t, uint64_t id);
static inline struct obj_slot *obj_lookup(struct obj_table *t, uint64_t id)
{
	if (id >= t->base) {
		struct obj_slot *s = &t->slots[id & (t->ring - 1)];
		if (id - t->base < t->ring && s->id == id && id != OBJ_EMPTY)
			return s;
		if (id > t->far_hi) /* at or above the window and never put in the overflow */
			return NULL;
	}
	return obj_lookup_overflow(t, id);
}
/* Prefetches for a record some records ahead (the replay's read-ahead): first its slot in
 * the window (an address computed from the id alone), then, once that has arrived, the head
 * page its slot names and, for a free, the buddy the free will look at (as
 * __free_one_page() in 6.12 reads the buddy's page).  Never changes anything.
 * always_inline: GCC 12 finds a function whose only effect is a prefetch "const" and
 * deletes its calls before inlining it, so without it no prefetch is emitted at all. */
static inline __attribute__((always_inline)) void obj_prefetch_slot(const struct obj_table *t, uint64_t id)
{
	__builtin_prefetch(&t->slots[id & (t->ring - 1)], 1);
}
static inline __attribute__((always_inline)) void obj_prefetch_pages(const struct mm *mm, uint64_t id, bool buddy)
{
	const struct obj_slot *s = &mm->objs.slots[id & (mm->objs.ring - 1)];
	if (s->id != id || s->pfn >= mm->nr_pages)
		return;
	__builtin_prefetch(&mm->pages[s->pfn], 1);
	pfn_t b = s->pfn ^ (1u << s->order);
	if (buddy && b < mm->nr_pages)
		__builtin_prefetch(&mm->pages[b], 0);
}
int obj_table_init(struct mm *mm);
void obj_table_destroy(struct mm *mm);
struct obj_slot *obj_insert(struct mm *mm, uint64_t id); /* NULL if present */
/* obj_insert_absent for an id outside the window (it slides, or the overflow takes it). */
struct obj_slot *obj_insert_slow(struct mm *mm, uint64_t id);
/* obj_remove of a slot in the overflow. */
void obj_remove_overflow(struct mm *mm, struct obj_slot *s);
/* obj_insert of an id the caller just looked up and did not find.  Inline for an id inside
 * the window, where nearly every new id of a replay lands: one slot at a known place. */
static inline struct obj_slot *obj_insert_absent(struct mm *mm, uint64_t id)
{
	struct obj_table *t = &mm->objs;
	if (id >= t->base && id - t->base < t->ring) {
		sim_assert(id != OBJ_EMPTY);
		struct obj_slot *s = &t->slots[id & (t->ring - 1)];
		sim_assert(s->id == OBJ_EMPTY);
		s->ws = (struct nonres_entry){ .id = id };
		s->pfn = PFN_NONE;
		s->pins = 0;
		s->order = 0;
		s->kind = OBJ_PAGES;
		s->task = 0;
		s->longterm_pins = 0;
		s->nonres = 0;
		s->owner_pins = 0;
		t->nr_ring++;
		t->nr_live++;
		return s;
	}
	return obj_insert_slow(mm, id);
}
/* Inline for a slot in the window (the overflow's deletion may move other slots). */
static inline void obj_remove(struct mm *mm, struct obj_slot *s)
{
	struct obj_table *t = &mm->objs;
	uint32_t i = (uint32_t)(s - t->slots);
	sim_assert(i < t->cap && s->id != OBJ_EMPTY);
	if (i < t->ring) {
		s->id = OBJ_EMPTY;
		t->nr_ring--;
		t->nr_live--;
		return;
	}
	obj_remove_overflow(mm, s);
}

/* Invariant checker (architecture.md §4).  Returns true when every invariant holds; on failure
 * writes the first violation to msg. level 1: counters; level 2: + every free list walked,
 * alignment, list type == pageblock type, no free page owned, objects ↔ heads. */
bool mm_check(const struct mm *mm, int level, char *msg, size_t msg_size);
/* Write a violation to msg (when non-NULL) and return false: `return mm_check_fail(...)`
 * in every module's checker. */
bool mm_check_fail(char *msg, size_t msg_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* mm_check at its full level, the first violation printed on stderr: the level-3 assertion
 * tier's validator, sim_assert3(mm_check_full(mm)) at the end of each mm entry point. */
bool mm_check_full(const struct mm *mm);

static inline void count_vm_event(struct mm *mm, enum vm_event_item item) { mm->vm_events[item]++; }
static inline void count_vm_events(struct mm *mm, enum vm_event_item item, uint64_t n)
{
	mm->vm_events[item] += n;
}

#endif
