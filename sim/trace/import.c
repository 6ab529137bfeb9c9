/* import.c — reorder window, intent/effect separation, reconciliation, observed figures.
 * The rules are documented in docs/import.md; import.h has the reconciliation equations.
 */
#include "import.h"
#include "import_skip.h"
#include "trace.h"

#include "../lib/bigalloc.h"
#include "../lib/sha256.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/u64map.h"

const char *const import_effect_names[NR_IMPORT_EFFECTS] = {
	[EFFECT_KSWAPD] = "kswapd",
	[EFFECT_KCOMPACTD] = "kcompactd",
	[EFFECT_KHUGEPAGED] = "khugepaged",
	[EFFECT_OOM_REAPER] = "oom_reaper",
	[EFFECT_DIRECT_RECLAIM] = "direct_reclaim",
	[EFFECT_COMPACTION] = "compaction",
	[EFFECT_MIGRATION] = "migration",
	[EFFECT_CMA] = "cma_alloc",
};
_Static_assert(ARRAY_SIZE(import_effect_names) == NR_IMPORT_EFFECTS, "effect names");

const char *const import_obs_names[NR_IMPORT_OBS] = {
	[OBS_KSWAPD_WAKE] = "kswapd_wake",
	[OBS_KSWAPD_SLEEP] = "kswapd_sleep",
	[OBS_WAKEUP_KSWAPD] = "wakeup_kswapd",
	[OBS_DIRECT_RECLAIM] = "direct_reclaim",
	[OBS_DIRECT_RECLAIM_END] = "direct_reclaim_end",
	[OBS_DIRECT_RECLAIM_NR_RECLAIMED] = "direct_reclaim_nr_reclaimed",
	[OBS_MEMCG_RECLAIM] = "memcg_reclaim",
	[OBS_NODE_RECLAIM] = "node_reclaim",
	[OBS_PGSCAN] = "pgscan",
	[OBS_PGSTEAL] = "pgsteal",
	[OBS_LRU_ISOLATE] = "lru_isolate",
	[OBS_LRU_SHRINK_ACTIVE] = "lru_shrink_active",
	[OBS_VMSCAN_WRITE] = "vmscan_write",
	[OBS_VMSCAN_THROTTLED] = "vmscan_throttled",
	[OBS_COMPACT_TRY] = "compact_try",
	[OBS_COMPACT_BEGIN] = "compact_begin",
	[OBS_COMPACT_END] = "compact_end",
	[OBS_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
	[OBS_COMPACT_FREE_SCANNED] = "compact_free_scanned",
	[OBS_COMPACT_ISOLATED_MIGRATE] = "compact_isolated_migrate",
	[OBS_COMPACT_ISOLATED_FREE] = "compact_isolated_free",
	[OBS_COMPACT_MIGRATED] = "compact_migrated",
	[OBS_COMPACT_MIGRATE_FAILED] = "compact_migrate_failed",
	[OBS_COMPACT_DEFERRED] = "compact_deferred",
	[OBS_COMPACT_DEFER] = "compact_defer",
	[OBS_COMPACT_DEFER_RESET] = "compact_defer_reset",
	[OBS_KCOMPACTD_WAKE] = "kcompactd_wake",
	[OBS_WAKEUP_KCOMPACTD] = "wakeup_kcompactd",
	[OBS_KCOMPACTD_SLEEP] = "kcompactd_sleep",
	[OBS_EXTFRAG] = "extfrag",
	[OBS_EXTFRAG_FRAGMENTING] = "extfrag_fragmenting",
	[OBS_EXTFRAG_CHANGE_OWNERSHIP] = "extfrag_change_ownership",
	[OBS_MIGRATE_PAGES] = "migrate_pages",
	[OBS_PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[OBS_PGMIGRATE_FAIL] = "pgmigrate_fail",
	[OBS_THP_MIGRATION_SUCCESS] = "thp_migration_success",
	[OBS_THP_MIGRATION_FAIL] = "thp_migration_fail",
	[OBS_THP_MIGRATION_SPLIT] = "thp_migration_split",
	[OBS_ALLOC_FAIL] = "alloc_fail",
	[OBS_ALLOC_FAIL_EFFECT] = "alloc_fail_effect",
	[OBS_ALLOC_ZONE_LOCKED] = "alloc_zone_locked",
	[OBS_PCPU_DRAIN] = "pcpu_drain",
	[OBS_SETUP_WMARKS] = "setup_per_zone_wmarks",
	[OBS_WRITEBACK_START] = "writeback_start",
	[OBS_WRITEBACK_WRITTEN] = "writeback_written",
	[OBS_FOLIO_WAIT_WRITEBACK] = "folio_wait_writeback",
	[OBS_GLOBAL_DIRTY_STATE] = "global_dirty_state",
	[OBS_CMA_ALLOC] = "cma_alloc",
	[OBS_CMA_ALLOC_FAIL] = "cma_alloc_fail",
	[OBS_CMA_BUSY_RETRY] = "cma_alloc_busy_retry",
	[OBS_TEST_PAGES_ISOLATED] = "test_pages_isolated",
	[OBS_SCHED_FORK] = "sched_process_fork",
};
_Static_assert(ARRAY_SIZE(import_obs_names) == NR_IMPORT_OBS, "observed names");

/* The event each observed figure comes from: a figure is written only when the capture
 * enabled (and saw) its event, so a 0 means "the kernel did this 0 times". */
static const uint8_t obs_source[NR_IMPORT_OBS] = {
	[OBS_KSWAPD_WAKE] = FEV_KSWAPD_WAKE,
	[OBS_KSWAPD_SLEEP] = FEV_KSWAPD_SLEEP,
	[OBS_WAKEUP_KSWAPD] = FEV_WAKEUP_KSWAPD,
	[OBS_DIRECT_RECLAIM] = FEV_DIRECT_RECLAIM_BEGIN,
	[OBS_DIRECT_RECLAIM_END] = FEV_DIRECT_RECLAIM_END,
	[OBS_DIRECT_RECLAIM_NR_RECLAIMED] = FEV_DIRECT_RECLAIM_END,
	[OBS_MEMCG_RECLAIM] = FEV_MEMCG_RECLAIM_BEGIN,
	[OBS_NODE_RECLAIM] = FEV_NODE_RECLAIM_BEGIN,
	[OBS_PGSCAN] = FEV_LRU_SHRINK_INACTIVE,
	[OBS_PGSTEAL] = FEV_LRU_SHRINK_INACTIVE,
	[OBS_LRU_ISOLATE] = FEV_LRU_ISOLATE,
	[OBS_LRU_SHRINK_ACTIVE] = FEV_LRU_SHRINK_ACTIVE,
	[OBS_VMSCAN_WRITE] = FEV_WRITE_FOLIO,
	[OBS_VMSCAN_THROTTLED] = FEV_THROTTLED,
	[OBS_COMPACT_TRY] = FEV_COMPACTION_TRY_TO_COMPACT,
	[OBS_COMPACT_BEGIN] = FEV_COMPACTION_BEGIN,
	[OBS_COMPACT_END] = FEV_COMPACTION_END,
	[OBS_COMPACT_MIGRATE_SCANNED] = FEV_COMPACTION_ISOLATE_MIGRATEPAGES,
	[OBS_COMPACT_FREE_SCANNED] = FEV_COMPACTION_ISOLATE_FREEPAGES,
	[OBS_COMPACT_ISOLATED_MIGRATE] = FEV_COMPACTION_ISOLATE_MIGRATEPAGES,
	[OBS_COMPACT_ISOLATED_FREE] = FEV_COMPACTION_ISOLATE_FREEPAGES,
	[OBS_COMPACT_MIGRATED] = FEV_COMPACTION_MIGRATEPAGES,
	[OBS_COMPACT_MIGRATE_FAILED] = FEV_COMPACTION_MIGRATEPAGES,
	[OBS_COMPACT_DEFERRED] = FEV_COMPACTION_DEFERRED,
	[OBS_COMPACT_DEFER] = FEV_COMPACTION_DEFER_COMPACTION,
	[OBS_COMPACT_DEFER_RESET] = FEV_COMPACTION_DEFER_RESET,
	[OBS_KCOMPACTD_WAKE] = FEV_COMPACTION_KCOMPACTD_WAKE,
	[OBS_WAKEUP_KCOMPACTD] = FEV_COMPACTION_WAKEUP_KCOMPACTD,
	[OBS_KCOMPACTD_SLEEP] = FEV_COMPACTION_KCOMPACTD_SLEEP,
	[OBS_EXTFRAG] = FEV_PAGE_ALLOC_EXTFRAG,
	[OBS_EXTFRAG_FRAGMENTING] = FEV_PAGE_ALLOC_EXTFRAG,
	[OBS_EXTFRAG_CHANGE_OWNERSHIP] = FEV_PAGE_ALLOC_EXTFRAG,
	[OBS_MIGRATE_PAGES] = FEV_MIGRATE_PAGES,
	[OBS_PGMIGRATE_SUCCESS] = FEV_MIGRATE_PAGES,
	[OBS_PGMIGRATE_FAIL] = FEV_MIGRATE_PAGES,
	[OBS_THP_MIGRATION_SUCCESS] = FEV_MIGRATE_PAGES,
	[OBS_THP_MIGRATION_FAIL] = FEV_MIGRATE_PAGES,
	[OBS_THP_MIGRATION_SPLIT] = FEV_MIGRATE_PAGES,
	[OBS_ALLOC_FAIL] = FEV_PAGE_ALLOC,
	[OBS_ALLOC_FAIL_EFFECT] = FEV_PAGE_ALLOC,
	[OBS_ALLOC_ZONE_LOCKED] = FEV_PAGE_ALLOC_ZONE_LOCKED,
	[OBS_PCPU_DRAIN] = FEV_PAGE_PCPU_DRAIN,
	[OBS_SETUP_WMARKS] = FEV_SETUP_PER_ZONE_WMARKS,
	[OBS_WRITEBACK_START] = FEV_WRITEBACK_START,
	[OBS_WRITEBACK_WRITTEN] = FEV_WRITEBACK_WRITTEN,
	[OBS_FOLIO_WAIT_WRITEBACK] = FEV_FOLIO_WAIT_WRITEBACK,
	[OBS_GLOBAL_DIRTY_STATE] = FEV_GLOBAL_DIRTY_STATE,
	[OBS_CMA_ALLOC] = FEV_CMA_ALLOC_START,
	[OBS_CMA_ALLOC_FAIL] = FEV_CMA_ALLOC_FINISH,
	[OBS_CMA_BUSY_RETRY] = FEV_CMA_ALLOC_BUSY_RETRY,
	[OBS_TEST_PAGES_ISOLATED] = FEV_TEST_PAGES_ISOLATED,
	[OBS_SCHED_FORK] = FEV_SCHED_PROCESS_FORK,
};

/* ---- maps from a two-word key to a u64 (a u64map; one-word keys pass b = 0).  A slot
 * pointer stays valid until the next map_get or map_del on the same map. */
struct map_slot {
	uint64_t a, b, val;
};

static const struct u64map_type map_type = {
	.slot_size = sizeof(struct map_slot),
	.key_words = 2,
	.min_cap = 1u << 10,
};

static struct map_slot *map_find(const struct u64map *m, uint64_t a, uint64_t b)
{
	/* U64MAP_EMPTY marks a free slot, so it is never a stored key; probing for it (a
	 * pfn or ino of all ones in the trace) would match a free slot and its stale bytes. */
	if (a == U64MAP_EMPTY)
		return NULL;
	uint32_t i = u64map_find2(m, &map_type, a, b);
	return i == U64MAP_NONE ? NULL : u64map_slot(m, &map_type, i);
}

/* The slot for key, inserted with val 0 if absent; NULL when out of memory. */
static struct map_slot *map_get(struct u64map *m, uint64_t a, uint64_t b)
{
	bool added;
	uint32_t i = u64map_get2(m, &map_type, a, b, &added, NULL);
	return i == U64MAP_NONE ? NULL : u64map_slot(m, &map_type, i);
}

static void map_del(struct u64map *m, struct map_slot *s)
{
	u64map_remove(m, &map_type, (uint32_t)(s - (struct map_slot *)m->slots), NULL);
}

/* ---- per-pfn state: one u64 per pfn ever seen.
 *   bits  0..31 generation (allocations seen at this pfn; the id's high half)
 *   bits 32..39 order of the live block
 *   bit  40     live: allocated and not yet freed
 *   bit  41     effect: the allocation was an effect, no id was emitted */
#define PS_GEN_MASK 0xffffffffull
#define PS_ORDER_SHIFT 32
#define PS_LIVE (1ull << 40)
#define PS_EFFECT (1ull << 41)
#define PS_FREED (1ull << 42) /* dead by an mm_page_free: its mm_page_free_batched may follow */
#define PS_WRITE (1ull << 43) /* allocated with __GFP_WRITE: a write's page cache folio */
#define PS_UNMOVABLE (1ull << 44) /* allocated without __GFP_MOVABLE's migratetype */
#define PS_USER (1ull << 45) /* a user fault's page (the fault bound it to a virtual page) */
#define PS_FILE (1ull << 46) /* a page cache add named it */
#define PS_SEEN (1ull << 47) /* set on every state written, so a pfn seen is never 0 */

static unsigned ps_order(uint64_t v)
{
	return (unsigned)(v >> PS_ORDER_SHIFT) & 0xff;
}

static uint64_t ps_id(uint64_t pfn, uint64_t v)
{
	return (v & PS_GEN_MASK) << 32 | pfn;
}

/* The per-pfn state is a table indexed by pfn, in pages of PFN_PAGE pfns allocated when
 * one of theirs is first written: a capture's pfns are one machine's memory, and an index
 * keeps a folio's pages and a block's buddies in neighbouring bytes, where a hash table
 * gave each pfn a cache line of its own (its probes were a quarter of the import's time,
 * issue #17).  A pfn that has no page reads as state 0, as one never seen.  Only a free
 * can name a pfn of 2^32 or more (an allocation there is refused as invalid): those are
 * kept in a map (pfns_far).  Each page also counts, per aligned 2^MAX_PAGE_ORDER region,
 * the live blocks of order > 0 there (a block never straddles one), so most tail lookups
 * stop at the pfn itself. */
#define PFN_PAGE_SHIFT 14
#define PFN_PAGE (1u << PFN_PAGE_SHIFT)
#define PFN_DIR (1u << (32 - PFN_PAGE_SHIFT))
_Static_assert(PFN_PAGE_SHIFT >= MAX_PAGE_ORDER, "a region within one page");

struct pfn_state {
	uint64_t val; /* PS_* */
};

struct pfn_page {
	struct pfn_state ps[PFN_PAGE];
	uint32_t regions[PFN_PAGE >> MAX_PAGE_ORDER];
};

/* The first pfn pages come from up to PFN_ARENAS mappings of PFN_ARENA_PAGES pages each
 * (big_calloc: 2 MiB pages where the kernel has them), the rest from calloc one by one:
 * a capture's pages one at a time were a third of the import's 4 KiB page faults and a
 * memset each (issue #17), and the bound keeps a fuzzed input's scattered pfns from
 * holding more than the arenas' 16 MiB beyond what calloc would. */
#define PFN_ARENA_PAGES ((8u << 20) / sizeof(struct pfn_page))
#define PFN_ARENAS 2u

struct import;
static uint64_t slot_id(const struct import *im, uint64_t pfn, uint64_t v);

/* ---- per-task state (key: pid).  Windows the task is inside, and a pending fault.
 *   bits  0..47 pending fault's virtual page number
 *   bits 56..63 TS_* flags */
#define TS_RECLAIM (1ull << 56)
#define TS_COMPACT (1ull << 57)
#define TS_MIGRATE (1ull << 58)
#define TS_CMA (1ull << 59)
#define TS_FAULT (1ull << 60)         /* a fault waits for its page allocation */
#define TS_FAULT_COUNTED (1ull << 61) /* ... and was already emitted as ACCESS */
#define TS_MANUAL_COMPACT (1ull << 62) /* a compact_memory write: COMPACT already emitted */
#define TS_VPAGE_MASK ((1ull << 48) - 1)

/* pf_state[n] of prefill object n */
#define PFS_USED 1u   /* a movable object in use */
#define PFS_HOLE 2u   /* freed (a hole, or a settled object about to come back) */
#define PFS_ACTIVE 4u /* on an active list */
#define PFS_GONE 8u   /* released by a free, or standing for a folio reclaim evicted */

/* A growable array of prefill object numbers. */
struct pf_list {
	uint32_t *n;
	size_t len, cap;
};

/* Prefill objects a free of a pre-capture page may release, in layout order: ids.n[i] is
 * object n of id IMPORT_PREFILL_ID_BIT | n; next[i] is the first index >= i not yet
 * released (path-compressed), ids.len when none. */
struct pf_pool {
	struct pf_list ids;
	uint32_t *next;
};

/* What a pre-capture page held, as far as a free can tell (free_prefill): the prefill's
 * kinds by migratetype.  Kernel and reclaimable slab objects are order 0. */
enum pf_rel { PF_REL_MOVABLE, PF_REL_UNMOVABLE, PF_REL_RECLAIMABLE, NR_PF_REL };

/* A growable array of page offsets in a file. */
struct ofs_list {
	uint64_t *ofs;
	size_t len, cap;
};

/* ---- page cache (key: ino, index): the folio's pfn, and PC_LISTED while its offset is
 * on the file's list of offsets dirtied since the last sync */
#define PC_LISTED (1ull << 63)
#define PC_PFN_MASK (PC_LISTED - 1)

/* ---- files (key: ino) */
#define FILE_SYNCED (1ull << 63)
#define FILE_DIRTY_MASK (FILE_SYNCED - 1)

#define CMA_ID_BIT (1ull << 63)
#define PROBE_ID_BIT (1ull << 61) /* a THP fault the kernel failed, replayed: PROBE_ID_BIT | n */
#define USER_ADDR_LIMIT (1ull << 47) /* x86-64 user space ends below 0x0000800000000000 */
#define SWAPIN_WAIT 64 /* swap-ins whose page allocation may still come (swapin_readahead
                        * allocates at most 2^page-cluster = 8 pages per fault) */

/* A fault on an anonymous page reclaim had evicted, emitted as ACCESS of its object: the
 * swap-in page allocation that follows is the kernel's, and stands for the object. */
struct swapin_wait {
	uint32_t pid;
	uint64_t vpage, id;
};

struct import {
	struct import_opts opts;
	import_emit_fn emit;
	void *arg;
	struct import_stats st;
	/* reorder window: a ring of events sorted by (time, line); head..head+nr-1 */
	struct ftrace_event *ring;
	size_t ring_cap, head, nr;
	sim_ns_t newest_ns;   /* latest time received */
	sim_ns_t released_ns; /* time of the last event processed */
	bool any_released;
	struct pfn_page **pfn_dir; /* [PFN_DIR]: pfn >> PFN_PAGE_SHIFT -> its page, or NULL */
	struct pfn_page *pfn_arena[PFN_ARENAS]; /* big_calloc(PFN_ARENA_PAGES) each */
	unsigned nr_arenas, arena_used;         /* pages handed out of the last arena */
	struct pfn_page **pfn_own;              /* the pages calloc'd one by one */
	size_t nr_own, cap_own;
	struct u64map pfns_far;    /* pfn (>= 2^32) -> PS_* */
	struct u64map tasks;     /* pid -> TS_* */
	struct u64map vpages;    /* (pid, vpage) -> object id bound by a first-touch fault */
	struct u64map pagecache; /* (ino, index) -> pfn of the page cache folio */
	/* (ino, index) -> id of the object reclaim evicted from there, for every offset of
	 * the evicted folio: the next page cache add over an offset is a refault of that
	 * object, not a new one */
	struct u64map evicted;
	/* id -> pages in use standing for the object, once reclaim evicted it: a folio that
	 * comes back as several smaller ones (readahead's growing orders) is one object
	 * whose parts are each aliased to it; only the free of its last part frees it */
	struct u64map parts;
	/* A folio that comes back over the offsets of several evicted objects brings them all
	 * back: the first (the head) is the one its pfn stands for, the others are its
	 * companions, accessed with it and freed with its last part.  (head, 0) -> first
	 * companion, (c, 0) -> the next one (absent: the last), (c, 1) -> c's head. */
	struct u64map companions;
	/* (ino, index) of every offset a page cache add or removal named so far, and the
	 * first adds by a read counted: every (seeded / candidates)-th is a refault of a
	 * page evicted before the capture (import_opts refault_*) */
	struct u64map offsets;
	uint64_t nr_candidates;
	/* (pfn, generation) -> the object id the page at pfn stands for when it is not the
	 * one derived from the pfn (a refaulted object's new page) */
	struct u64map alias;
	/* (pfn, generation) of a user fault's anonymous page that reclaim freed (swapped out
	 * in the kernel): the object stays live in the native trace, and the task's next
	 * fault on its virtual page is a swap-in */
	struct u64map swapped;
	/* swap-ins emitted, waiting for their page: swapin[(head + i) % SWAPIN_WAIT] for
	 * i < nr_swapin, oldest first */
	struct swapin_wait swapin[SWAPIN_WAIT];
	unsigned swapin_head, nr_swapin;
	/* ino -> FILE_SYNCED once a task's wait on its writeback has synced it (fsync),
	 * until the file is dirtied again; | n + 1 when dirty[n] lists its offsets */
	struct u64map files;
	/* bdi -> the flusher work in progress: (dev, 0) its start time, (dev, 1) the pages it
	 * had left to write then (writeback_start), for the device's measured write rate */
	struct u64map wb_start;
	struct reclaim_speed rspeed; /* the reclaim cost per page (reclaim_speed.h) */
	/* per file: the offsets dirtied since its last sync (each once: their page cache
	 * slot is marked PC_LISTED while listed), so a sync costs what it writes */
	struct ofs_list *dirty;
	size_t nr_dirty, cap_dirty;
	/* pid -> pfn of the task's last page cache allocation for a write (__GFP_WRITE) that
	 * no dirty folio has named yet */
	struct u64map write_pending;
	/* pid -> the mask of the task's THP fault whose allocation failed, until the task's
	 * next allocation says how the fault ended (thp_fault_end); probes counts the ids
	 * given to the attempts replayed */
	struct u64map thp_failed;
	/* A fallen-back THP fault whose attempt the replay keeps (thp_fault_end): (pid,
	 * vpage >> 9) of its 2 MiB range -> the attempt's id; the id of each base page the
	 * kernel mapped there -> the attempt's id; the attempt's id -> 1 until its FREE is
	 * written (with the range's first freed base page) */
	struct u64map thp_ranges, thp_members, thp_live;
	uint64_t probes;
	/* seen so far: a fragmenting fallback, a boost wake (st.boost_wake_pending) */
	bool boost_seen_frag, boost_seen_wake;
	/* Reclaims for st.view_*: kswapd's pid and its current balance_pgdat run (pid 0:
	 * none running), the first time a reclaim had ended (UINT64_MAX: none yet), and the
	 * running direct reclaims. */
	uint32_t flush_kswapd_pid;
	sim_ns_t flush_first_end;
	struct flush_reclaim {
		uint32_t pid;
		sim_ns_t start;
		bool counted, deactivated, scanned_file;
	} flush_kswapd, flush_direct[16];
	/* the pageblocks skip-marked as the capture began (import_skip.h) */
	struct import_skip *skip;
	/* The prefill's objects in use below MAX_PAGE_ORDER per kind (movable, kernel,
	 * reclaimable slab), bucket (DMA, DMA32, Normal and Movable) and order. */
	struct pf_pool pf_pool[NR_PF_REL][3][MAX_PAGE_ORDER];
	/* The prefill's page cache folios per bucket and order in LRU order, oldest first:
	 * inactive ones, then active ones, each as pf_settle_lru put them on the LRU.
	 * pf_file_pos is the first not yet claimed for a reclaim-evicted pre-capture folio. */
	struct pf_list pf_file[3][MAX_PAGE_ORDER];
	size_t pf_file_pos[3][MAX_PAGE_ORDER];
	uint8_t *pf_state; /* by n: PFS_* */
	size_t pf_state_cap;
	uint64_t pf_last; /* the prefill object settled last (pf_collect) */
	struct u64map cma;       /* pfn -> generation | PS_LIVE, for device allocations */
	/* tasks that issued records: pid -> index + 1 into names[] */
	struct u64map task_idx;
	/* record task -> 1 + the CPU its last `cpu` record named (0: none yet) */
	struct u64map task_cpu;
	struct u64map command_tasks; /* pids of the command's process tree (opts.command_pid) */
	struct import_task *names;
	size_t nr_names, cap_names;
};

/* The state of pfn, or NULL when none was ever written (a pfn never seen). */
static struct pfn_state *pfn_find(const struct import *im, uint64_t pfn)
{
	if (pfn >> 32) {
		struct map_slot *f = map_find(&im->pfns_far, pfn, 0);
		return f ? (struct pfn_state *)&f->val : NULL;
	}
	struct pfn_page *pg = im->pfn_dir ? im->pfn_dir[pfn >> PFN_PAGE_SHIFT] : NULL;
	struct pfn_state *s = pg ? &pg->ps[pfn & (PFN_PAGE - 1)] : NULL;
	return s && s->val ? s : NULL;
}

/* A zeroed pfn page, from an arena while the arenas last (see PFN_ARENA_PAGES). */
static struct pfn_page *pfn_page_new(struct import *im)
{
	if (im->nr_arenas && im->arena_used < PFN_ARENA_PAGES)
		return &im->pfn_arena[im->nr_arenas - 1][im->arena_used++];
	if (im->nr_arenas < PFN_ARENAS) {
		struct pfn_page *a = big_calloc(PFN_ARENA_PAGES, sizeof(*a));
		if (!a)
			return NULL;
		im->pfn_arena[im->nr_arenas++] = a;
		im->arena_used = 1;
		return a;
	}
	if (im->nr_own == im->cap_own) {
		size_t cap = im->cap_own ? im->cap_own * 2 : 64;
		struct pfn_page **n = realloc(im->pfn_own, cap * sizeof(*n));
		if (!n)
			return NULL;
		im->pfn_own = n;
		im->cap_own = cap;
	}
	struct pfn_page *p = calloc(1, sizeof(*p));
	if (p)
		im->pfn_own[im->nr_own++] = p;
	return p;
}

/* The state of pfn to write (PS_SEEN is the caller's to set), or NULL when out of memory.
 * A pointer into the pages stays valid until import_free; one into pfns_far until the
 * next pfn_get of a pfn of 2^32 or more. */
static struct pfn_state *pfn_get(struct import *im, uint64_t pfn)
{
	if (pfn >> 32) {
		struct map_slot *f = map_get(&im->pfns_far, pfn, 0);
		return f ? (struct pfn_state *)&f->val : NULL;
	}
	if (!im->pfn_dir && !(im->pfn_dir = calloc(PFN_DIR, sizeof(*im->pfn_dir))))
		return NULL;
	struct pfn_page **pg = &im->pfn_dir[pfn >> PFN_PAGE_SHIFT];
	if (!*pg && !(*pg = pfn_page_new(im)))
		return NULL;
	return &(*pg)->ps[pfn & (PFN_PAGE - 1)];
}

/* The count of live blocks of order > 0 in pfn's aligned 2^MAX_PAGE_ORDER region, for a
 * pfn below 2^32 whose page exists (every block counted was allocated there). */
static uint32_t *pfn_region(const struct import *im, uint64_t pfn)
{
	return &im->pfn_dir[pfn >> PFN_PAGE_SHIFT]->regions[(pfn & (PFN_PAGE - 1)) >> MAX_PAGE_ORDER];
}

/* The object id of the page at pfn with slot value v: a refaulted object's alias, else
 * the one the pfn and its generation make. */
static uint64_t slot_id(const struct import *im, uint64_t pfn, uint64_t v)
{
	const struct map_slot *a = map_find(&im->alias, pfn, v & PS_GEN_MASK);
	return a ? a->val : ps_id(pfn, v);
}

static bool before(const struct ftrace_event *a, const struct ftrace_event *b)
{
	return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->line < b->line);
}

static int emit(struct import *im, const struct ftrace_event *ev, const struct trace_record *rec,
		struct sim_error *err);

static int pf_bucket(gfp_t gfp)
{
	return (gfp & __GFP_DMA) ? 0 : (gfp & __GFP_DMA32) ? 1 : 2;
}

static int pf_push(struct pf_list *l, uint64_t n, struct sim_error *err)
{
	if (sim_grow(&l->n, &l->cap, l->len + 1, sizeof(*l->n), 1024))
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	l->n[l->len++] = (uint32_t)n;
	return 0;
}

/* Collects the prefill's objects below MAX_PAGE_ORDER (an import_emit_fn): in layout order
 * as they are first allocated, and the page cache ones again in LRU order as
 * pf_settle_lru brings them back. */
static int pf_collect(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	struct import *im = arg;
	uint64_t n = rec->id & ~IMPORT_PREFILL_ID_BIT;
	if (n >= UINT32_MAX)
		return sim_error_set(err, EX_SOFTWARE_, "prefill too large to index");
	if (sim_grow(&im->pf_state, &im->pf_state_cap, n + 1, 1, 1024))
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (rec->kind == TR_FREE) {
		im->pf_state[n] = PFS_HOLE;
		return 0;
	}
	if (rec->kind == TR_ACCESS && n == im->pf_last) {
		im->pf_state[n] |= PFS_ACTIVE;
		return 0;
	}
	/* MAX_PAGE_ORDER ones are the lumps: whole blocks in use, never released */
	if (rec->kind != TR_ALLOC || rec->order >= MAX_PAGE_ORDER)
		return 0;
	int b = pf_bucket(rec->gfp), o = rec->order;
	if (!(rec->gfp & __GFP_MOVABLE)) { /* kernel or reclaimable slab (pf_emit_zone) */
		im->pf_state[n] = PFS_USED;
		return pf_push(&im->pf_pool[rec->gfp & __GFP_RECLAIMABLE ? PF_REL_RECLAIMABLE : PF_REL_UNMOVABLE][b][o].ids,
			       n, err);
	}
	im->pf_last = n;
	if (im->pf_state[n] == PFS_HOLE) {
		/* pf_settle_lru: the object back in its place, now on the LRU */
		im->pf_state[n] = PFS_USED;
		/* page cache (anon has __GFP_ZERO): on the list reclaim meets */
		return rec->gfp & __GFP_ZERO ? 0 : pf_push(&im->pf_file[b][o], n, err);
	}
	im->pf_state[n] = PFS_USED;
	return pf_push(&im->pf_pool[PF_REL_MOVABLE][b][o].ids, n, err);
}

/* Keeps the objects still in use (holes dropped), in order. */
static void pf_keep_used(struct pf_list *l, const uint8_t *state)
{
	size_t k = 0;
	for (size_t i = 0; i < l->len; i++)
		if (state[l->n[i]] & PFS_USED)
			l->n[k++] = l->n[i];
	l->len = k;
}

/* Orders the page cache folios as reclaim meets them: the inactive ones oldest first,
 * then the active ones oldest first (they are deactivated from the active list's tail). */
static int pf_order_lru(struct pf_list *l, const uint8_t *state, struct sim_error *err)
{
	if (!l->len)
		return 0;
	uint32_t *v = malloc(l->len * sizeof(*v));
	if (!v)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	size_t k = 0;
	for (unsigned pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < l->len; i++) {
			uint8_t st = state[l->n[i]];
			if ((st & PFS_USED) && !!(st & PFS_ACTIVE) == pass)
				v[k++] = l->n[i];
		}
	free(l->n);
	l->n = v;
	l->cap = l->len;
	l->len = k;
	return 0;
}

/* The prefill's objects, for frees of pre-capture pages; holes dropped. */
static int pf_index(struct import *im, struct sim_error *err)
{
	struct import_prefill_stats pst;
	if (import_prefill(im->opts.prefill_zi, im->opts.prefill_fo, 0, im->opts.prefill_seed, pf_collect, im, &pst, err))
		return -1;
	for (int b = 0; b < 3; b++) {
		for (int o = 0; o < MAX_PAGE_ORDER; o++) {
			if (pf_order_lru(&im->pf_file[b][o], im->pf_state, err))
				return -1;
			for (int c = 0; c < NR_PF_REL; c++) {
				struct pf_pool *pp = &im->pf_pool[c][b][o];
				pf_keep_used(&pp->ids, im->pf_state);
				size_t k = pp->ids.len;
				pp->next = malloc((k + 1) * sizeof(uint32_t));
				if (!pp->next)
					return sim_error_set(err, EX_SOFTWARE_, "out of memory");
				for (size_t i = 0; i <= k; i++)
					pp->next[i] = (uint32_t)i;
			}
		}
	}
	return 0;
}
static size_t pf_find(uint32_t *next, size_t i)
{
	size_t r = i;
	while (next[r] != r)
		r = next[r];
	while (next[i] != r) {
		size_t j = next[i];
		next[i] = (uint32_t)r;
		i = j;
	}
	return r;
}

/* The zone of pfn in the capture's zoneinfo (-1: none) and its prefill bucket. */
static int pf_zone(const struct import *im, uint64_t pfn, int *bucket)
{
	int z = zoneinfo_zone_of(im->opts.prefill_zi, pfn);
	*bucket = z == ZONE_DMA ? 0 : z == ZONE_DMA32 ? 1 : 2;
	return z;
}

/* The first object at index >= i of the pool still in use: released indices and objects
 * gone otherwise (a claimed page cache folio) are skipped. ids.len when none. */
static size_t pf_avail(const struct import *im, struct pf_pool *pp, size_t i)
{
	for (i = pf_find(pp->next, i); i < pp->ids.len && (im->pf_state[pp->ids.n[i]] & PFS_GONE);
	     i = pf_find(pp->next, i + 1))
		pp->next[i] = (uint32_t)(i + 1);
	return i;
}

/* The kind of page a free of a pre-capture page released, by its pageblock's likely type
 * (zoneinfo block_votes: the migratetype most of the capture's allocations in the block
 * had; movable on a tie or when the capture allocated nothing there).  The kernel frees a
 * page to its block's free list (free_one_page with get_pfnblock_migratetype, 6.18), so a
 * kernel or slab page freed in an unmovable or reclaimable block gives the next request of
 * that type a page without a fallback; a movable prefill object released in its place
 * would not.  mm_page_free_batched frees only LRU folios (free_unref_folios): movable. */
static enum pf_rel pf_free_kind(const struct import *im, const struct ftrace_event *ev)
{
	const struct zoneinfo *zi = im->opts.prefill_zi;
	size_t blk = (size_t)(ev->pfn >> ZONEINFO_BLOCK_ORDER);
	if (ev->id == FEV_PAGE_FREE_BATCHED || blk >= zi->nr_block_votes)
		return PF_REL_MOVABLE;
	uint64_t v = zi->block_votes[blk];
	uint64_t un = ZONEINFO_VOTE(v, MIGRATE_UNMOVABLE), mo = ZONEINFO_VOTE(v, MIGRATE_MOVABLE),
		 re = ZONEINFO_VOTE(v, MIGRATE_RECLAIMABLE);
	if (un > mo && un > re)
		return PF_REL_UNMOVABLE;
	if (re > mo && re > un)
		return PF_REL_RECLAIMABLE;
	return PF_REL_MOVABLE;
}

/* A free of a page allocated before the capture: release prefill objects of the kind the
 * page most likely held (pf_free_kind) in the pfn's zone, that kind's order-0 ones while
 * any is left for an unmovable or reclaimable page; for a movable one a folio of the same
 * order while there is one, else 2^order order-0 ones.  From the pfn's relative place in
 * the zone onwards. */
static int free_prefill(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	const struct zoneinfo *zi = im->opts.prefill_zi;
	int b, z = pf_zone(im, ev->pfn, &b);
	if (z < 0)
		return 1;
	unsigned order = ev->order > 0 ? (unsigned)ev->order : 0, o = 0;
	enum pf_rel c = pf_free_kind(im, ev);
	if (c != PF_REL_MOVABLE && pf_avail(im, &im->pf_pool[c][b][0], 0) == im->pf_pool[c][b][0].ids.len)
		c = PF_REL_MOVABLE; /* none of that kind left */
	struct pf_pool *pp = &im->pf_pool[c][b][0];
	if (c == PF_REL_MOVABLE && order && order < MAX_PAGE_ORDER &&
	    pf_avail(im, &im->pf_pool[c][b][order], 0) < im->pf_pool[c][b][order].ids.len) {
		o = order;
		pp = &im->pf_pool[c][b][order];
	}
	size_t len = pp->ids.len;
	if (!len)
		return 1;
	size_t pos = (size_t)((ev->pfn - zi->zone[z].start_pfn) * len / zi->zone[z].spanned);
	uint64_t nr = 1ull << (order - o);
	size_t i = pf_avail(im, pp, pos);
	if (i == len)
		i = pf_avail(im, pp, 0);
	if (i == len)
		return 1; /* all released */
	im->st.free_prefill++;
	im->st.free_prefill_kind[c]++;
	for (uint64_t k = 0; k < nr && i < len; k++) {
		uint32_t n = pp->ids.n[i];
		struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid,
					  .id = IMPORT_PREFILL_ID_BIT | n };
		pp->next[i] = (uint32_t)(i + 1);
		im->pf_state[n] |= PFS_GONE;
		if (k)
			im->st.implied++;
		if (emit(im, ev, &r, err))
			return -1;
		i = pf_avail(im, pp, i + 1);
	}
	return 0;
}

/* Reclaim evicting a page cache folio cached before the capture: a prefill page cache
 * folio of its zone and order stands for it from now on, the next one in the order
 * reclaim meets them (pf_order_lru), so that the folio's refault (the next page cache
 * add of its offset) touches the object the simulator's reclaim has most likely evicted
 * at the same point.  Returns its id, 0 when none is left. */
static uint64_t claim_prefill_file(struct import *im, const struct ftrace_event *ev)
{
	int b;
	if (ev->order < 0 || ev->order >= MAX_PAGE_ORDER || pf_zone(im, ev->pfn, &b) < 0)
		return 0;
	struct pf_list *l = &im->pf_file[b][ev->order];
	size_t *pos = &im->pf_file_pos[b][ev->order];
	while (*pos < l->len && (im->pf_state[l->n[*pos]] & PFS_GONE))
		++*pos;
	if (*pos == l->len)
		return 0;
	uint32_t n = l->n[(*pos)++];
	im->pf_state[n] |= PFS_GONE;
	return IMPORT_PREFILL_ID_BIT | n;
}

struct import *import_new(const struct import_opts *opts, import_emit_fn emit_fn, void *arg,
			  struct sim_error *err)
{
	struct import *im = calloc(1, sizeof(*im));
	if (!im)
		goto oom;
	im->opts = *opts;
	if (!im->opts.window_ns)
		im->opts.window_ns = IMPORT_DEFAULT_WINDOW_NS;
	if (!im->opts.max_window_events)
		im->opts.max_window_events = 1u << 20;
	if (!im->opts.source)
		im->opts.source = "input";
	im->emit = emit_fn;
	im->arg = arg;
	im->ring_cap = 256; /* grows; small so that short inputs (fuzzing) start fast */
	im->ring = big_calloc(im->ring_cap, sizeof(*im->ring));
	if (!im->ring)
		goto oom;
	im->st.first_ns = UINT64_MAX;
	im->flush_first_end = UINT64_MAX;
	rspeed_init(&im->rspeed);
	im->st.command_pid = im->opts.command_pid;
	if (!(im->skip = import_skip_new()))
		goto oom;
	if (im->opts.command_pid && !map_get(&im->command_tasks, im->opts.command_pid, 0))
		goto oom;
	if (im->opts.prefill_zi && pf_index(im, err)) {
		import_free(im);
		return NULL;
	}
	return im;
oom:
	import_free(im);
	sim_error_set(err, EX_SOFTWARE_, "out of memory");
	return NULL;
}

void import_free(struct import *im)
{
	if (!im)
		return;
	big_free(im->ring, im->ring_cap, sizeof(*im->ring));
	import_skip_free(im->skip);
	for (unsigned i = 0; i < im->nr_arenas; i++)
		big_free(im->pfn_arena[i], PFN_ARENA_PAGES, sizeof(*im->pfn_arena[i]));
	for (size_t i = 0; i < im->nr_own; i++)
		free(im->pfn_own[i]);
	free(im->pfn_own);
	free(im->pfn_dir);
	u64map_destroy(&im->pfns_far);
	u64map_destroy(&im->tasks);
	u64map_destroy(&im->vpages);
	u64map_destroy(&im->pagecache);
	u64map_destroy(&im->evicted);
	u64map_destroy(&im->parts);
	u64map_destroy(&im->companions);
	u64map_destroy(&im->offsets);
	u64map_destroy(&im->alias);
	u64map_destroy(&im->swapped);
	u64map_destroy(&im->files);
	u64map_destroy(&im->wb_start);
	rspeed_destroy(&im->rspeed);
	for (size_t i = 0; i < im->nr_dirty; i++)
		free(im->dirty[i].ofs);
	free(im->dirty);
	u64map_destroy(&im->write_pending);
	u64map_destroy(&im->thp_failed);
	u64map_destroy(&im->thp_ranges);
	u64map_destroy(&im->thp_members);
	u64map_destroy(&im->thp_live);
	for (int b = 0; b < 3; b++) {
		for (int o = 0; o < MAX_PAGE_ORDER; o++) {
			free(im->pf_file[b][o].n);
			for (int c = 0; c < NR_PF_REL; c++) {
				free(im->pf_pool[c][b][o].ids.n);
				free(im->pf_pool[c][b][o].next);
			}
		}
	}
	free(im->pf_state);
	u64map_destroy(&im->cma);
	u64map_destroy(&im->task_idx);
	u64map_destroy(&im->task_cpu);
	u64map_destroy(&im->command_tasks);
	free(im->names);
	free(im);
}

const struct import_stats *import_get_stats(const struct import *im)
{
	return &im->st;
}

const struct import_skip *import_get_skip(const struct import *im)
{
	return im->skip;
}

static int oom(struct sim_error *err)
{
	return sim_error_set(err, EX_SOFTWARE_, "out of memory");
}

/* Count a record for its task (the record's task id, task), keeping the task's latest
 * comm (exec renames it). */
static int note_task(struct import *im, const struct ftrace_event *ev, uint32_t task, struct sim_error *err)
{
	struct map_slot *t = map_get(&im->task_idx, task, 0);
	if (!t)
		return oom(err);
	if (!t->val) {
		if (sim_grow(&im->names, &im->cap_names, im->nr_names + 1, sizeof(*im->names), 256))
			return oom(err);
		im->names[im->nr_names] = (struct import_task){ .pid = task };
		t->val = ++im->nr_names;
		if (im->opts.command_pid)
			++*(task & SIM_TASK_OUTSIDE ? &im->st.outside_tasks : &im->st.command_tasks);
	}
	struct import_task *tn = &im->names[t->val - 1];
	tn->nr_records++;
	/* the whole array compared (two loads; strcmp's call was 1.7 % of the import): the
	 * bytes past the NUL may differ only where the string is the same, and copying
	 * them then changes no name */
	_Static_assert(sizeof(tn->comm) == sizeof(ev->comm), "comm lengths");
	if (memcmp(tn->comm, ev->comm, sizeof(tn->comm)))
		memcpy(tn->comm, ev->comm, sizeof(tn->comm));
	return 0;
}

/* A `cpu` record before rec when its event ran on another CPU than the task's last record
 * (or it is the task's first): the replay then takes each record on the CPU the kernel ran
 * it on, and the per-cpu lists fill and drain where they did.  An implied record. */
static int emit_cpu(struct import *im, const struct ftrace_event *ev, const struct trace_record *rec,
		    struct sim_error *err)
{
	if (ev->cpu < 0 || ev->cpu > TRACE_CPU_MAX || rec->kind == TR_SNAPSHOT || rec->kind == TR_TASK)
		return 0;
	struct map_slot *c = map_get(&im->task_cpu, rec->task, 0);
	if (!c)
		return oom(err);
	if (c->val == (uint64_t)ev->cpu + 1)
		return 0;
	c->val = (uint64_t)ev->cpu + 1;
	struct trace_record r = { .time_ns = rec->time_ns, .kind = TR_CPU, .task = rec->task, .arg = ev->cpu };
	im->st.nr_emitted++;
	im->st.by_kind[TR_CPU]++;
	im->st.implied++;
	return im->emit(im->arg, &r, err);
}

static int emit(struct import *im, const struct ftrace_event *ev, const struct trace_record *rec,
		struct sim_error *err)
{
	struct trace_record r = *rec;
	if (im->opts.command_pid && r.task && !map_find(&im->command_tasks, r.task, 0))
		r.task |= SIM_TASK_OUTSIDE;
	if (emit_cpu(im, ev, &r, err))
		return -1;
	im->st.nr_emitted++;
	im->st.by_kind[r.kind]++;
	if (note_task(im, ev, r.task, err))
		return -1;
	return im->emit(im->arg, &r, err);
}

#define comm_is(comm, prefix) (!strncmp((comm), (prefix), sizeof(prefix) - 1))

/* Why this event is a mechanism's effect, or -1 when it is the workload's own. */
static int effect_cause(struct import *im, const struct ftrace_event *ev)
{
	if (ev->comm[0] == 'k') {
		if (comm_is(ev->comm, "kswapd"))
			return EFFECT_KSWAPD;
		if (comm_is(ev->comm, "kcompactd"))
			return EFFECT_KCOMPACTD;
		if (comm_is(ev->comm, "khugepaged"))
			return EFFECT_KHUGEPAGED;
	}
	if (ev->comm[0] == 'o' && comm_is(ev->comm, "oom_reaper"))
		return EFFECT_OOM_REAPER;
	struct map_slot *t = map_find(&im->tasks, ev->pid, 0);
	if (!t)
		return -1;
	if (t->val & TS_RECLAIM)
		return EFFECT_DIRECT_RECLAIM;
	if (t->val & TS_COMPACT)
		return EFFECT_COMPACTION;
	if (t->val & TS_MIGRATE)
		return EFFECT_MIGRATION;
	if (t->val & TS_CMA)
		return EFFECT_CMA;
	return -1;
}

static int task_flag(struct import *im, uint32_t pid, uint64_t flag, bool on, struct sim_error *err)
{
	struct map_slot *t = on ? map_get(&im->tasks, pid, 0) : map_find(&im->tasks, pid, 0);
	if (on && !t)
		return oom(err);
	if (t)
		t->val = on ? t->val | flag : t->val & ~flag;
	return 0;
}

static int invalid(struct import *im, const struct ftrace_event *ev, const char *what,
		   struct sim_error *err)
{
	im->st.invalid++;
	if (im->opts.lenient)
		return 0;
	return sim_error_set(err, EX_DATAERR_, "%s:%" PRIu64 ": %s: %s", im->opts.source, ev->line,
			     ftrace_event_names[ev->id], what);
}

/* Mark the block at pfn dead, keeping the region counts. */
static void set_dead(struct import *im, uint64_t pfn, struct pfn_state *s)
{
	if (!(s->val & PS_LIVE))
		return;
	s->val &= ~PS_LIVE;
	if (ps_order(s->val)) {
		uint32_t *r = pfn_region(im, pfn);
		sim_assert(*r);
		if (*r)
			--*r;
	}
}

/* The live object covering pfn (head or tail) and its head's pfn, or NULL. */
static struct pfn_state *covering(struct import *im, uint64_t pfn, uint64_t *head_pfn)
{
	struct pfn_state *s = pfn_find(im, pfn);
	*head_pfn = pfn;
	if (s && (s->val & PS_LIVE))
		return s;
	/* no page: nothing was allocated near pfn (never at 2^32 or more) */
	if (pfn >> 32 || !im->pfn_dir || !im->pfn_dir[pfn >> PFN_PAGE_SHIFT] || !*pfn_region(im, pfn))
		return NULL;
	for (unsigned o = 1; o <= MAX_PAGE_ORDER; o++) {
		uint64_t head = pfn & ~((1ull << o) - 1);
		if (head == pfn)
			continue;
		s = pfn_find(im, head);
		if (s && (s->val & PS_LIVE) && ps_order(s->val) >= o) {
			*head_pfn = head;
			return s;
		}
	}
	return NULL;
}

/* The kernel cannot hand out a page that is still allocated: a live object overlapping
 * a new allocation was freed without our seeing it.  Free it now (an implied FREE). */
static int retire(struct import *im, uint64_t pfn, struct pfn_state *s, const struct ftrace_event *ev,
		  struct sim_error *err)
{
	set_dead(im, pfn, s);
	im->st.implied_free++;
	if (s->val & PS_EFFECT)
		return 0;
	im->st.implied++;
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid,
				  .id = slot_id(im, pfn, s->val) };
	return emit(im, ev, &r, err);
}

/* A task's own page event outside a compaction window ends its manual compaction. */
static void end_manual_compact(struct import *im, const struct ftrace_event *ev)
{
	struct map_slot *t = map_find(&im->tasks, ev->pid, 0);
	if (t && (t->val & TS_MANUAL_COMPACT) && !(t->val & TS_COMPACT))
		t->val &= ~TS_MANUAL_COMPACT;
}

/* Whole-zone compaction (order -1) by a task that is no kernel daemon is a write to
 * /proc/sys/vm/compact_memory (or a node's compact file): the workload's explicit
 * trigger, so intent.  One COMPACT record (all zones) per trigger, at the first such
 * event; it is derived from a mechanism event, hence counted as implied. */
static int manual_compact(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	if (ev->order != -1 || comm_is(ev->comm, "kcompactd") || comm_is(ev->comm, "kswapd") ||
	    comm_is(ev->comm, "khugepaged"))
		return 0;
	struct map_slot *t = map_get(&im->tasks, ev->pid, 0);
	if (!t)
		return oom(err);
	if (t->val & TS_MANUAL_COMPACT)
		return 0;
	t->val |= TS_MANUAL_COMPACT;
	im->st.implied++;
	im->st.compact_trigger++;
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_COMPACT, .task = ev->pid,
				  .arg = -1, .order = TRACE_COMPACT_WHOLE_ZONE };
	return emit(im, ev, &r, err);
}

#define IMPORT_THP_ORDER 9 /* HPAGE_PMD_ORDER on x86-64, where the captures come from */

/* A THP fault's allocation that failed (page NULL) is dropped by itself, since the
 * simulator makes the fault's calls (alloc_pages_mpol: a first one with __GFP_THISNODE |
 * __GFP_NORETRY, then the fault's own mask).  How the fault ended shows in the task's next
 * allocation: a THP of that order is the second call succeeding (it is replayed, and the
 * simulator makes the failed first call itself); anything else means the fault fell back
 * to small pages (thp_fault_fallback), so the attempt is replayed as an allocation with the
 * fault's own mask: the replay pays what trying cost (compaction, reclaim) and counts the
 * outcome.  Where the fault's address is known (page_fault_user), the attempt stays
 * allocated: each base page the kernel then mapped in its 2 MiB range is preceded by a
 * `hint thp_part` naming it, which makes the base page an alias of the THP where the
 * replay got one (sim/mm/thp_part.c), and the attempt is freed with the range's first
 * freed base page.  So a THP the replay got is kept as the kernel keeps the ones it gets —
 * freed at once, its block would serve the next fault's attempt in no time, and one
 * compaction would stand for every fault that fell back — and the range's memory is not
 * held twice.  Without the address it is freed at once. */
static bool thp_fault_gfp(gfp_t gfp, int order)
{
	const gfp_t marks = __GFP_NOMEMALLOC | __GFP_COMP | __GFP_MOVABLE;
	return order == IMPORT_THP_ORDER && (gfp & marks) == marks;
}

/* A THP fault's own mask: its first attempt under the default memory policy adds
 * __GFP_THISNODE | __GFP_NORETRY (alloc_pages_mpol, 6.12), which the simulator adds when it
 * makes that attempt itself (page_alloc.c). */
static gfp_t thp_fault_own_mask(gfp_t gfp)
{
	return gfp & ~(gfp_t)(__GFP_THISNODE | __GFP_NORETRY);
}

/* A request the kernel failed, replayed as an attempt at the event's time: an ALLOC of an
 * id of its own and its FREE at once (implied records), so the replay's allocator decides
 * whether it fails and pays what trying costs. */
static int emit_attempt(struct import *im, const struct ftrace_event *ev, unsigned order, gfp_t gfp,
			struct sim_error *err)
{
	uint64_t id = PROBE_ID_BIT | im->probes++;
	im->st.implied += 2;
	struct trace_record a = { .time_ns = ev->time_ns, .kind = TR_ALLOC, .task = ev->pid, .id = id,
				  .order = (uint8_t)order, .gfp = gfp };
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid, .id = id };
	return emit(im, ev, &a, err) || emit(im, ev, &r, err) ? -1 : 0;
}

static int thp_fault_end(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct map_slot *f = map_find(&im->thp_failed, ev->pid, 0);
	if (!f || (ev->pfn == FTRACE_PFN_NONE && thp_fault_gfp(ev->gfp, ev->order)))
		return 0; /* none pending, or the same fault's second call failing too */
	gfp_t gfp = (gfp_t)f->val;
	map_del(&im->thp_failed, f);
	if (thp_fault_gfp(ev->gfp, ev->order))
		return 0; /* the fault's second call got it */
	im->st.thp_fallback_probes++;
	const struct map_slot *t = map_find(&im->tasks, ev->pid, 0);
	if (!t || !(t->val & TS_FAULT))
		return emit_attempt(im, ev, IMPORT_THP_ORDER, gfp, err);
	/* The fault this allocation serves is the one that fell back. */
	uint64_t id = PROBE_ID_BIT | im->probes++;
	struct map_slot *r = map_get(&im->thp_ranges, ev->pid, (t->val & TS_VPAGE_MASK) >> IMPORT_THP_ORDER);
	struct map_slot *l = r ? map_get(&im->thp_live, id, 0) : NULL;
	if (!l)
		return oom(err);
	r->val = id;
	l->val = 1;
	im->st.thp_fallback_kept++;
	im->st.implied++;
	struct trace_record a = { .time_ns = ev->time_ns, .kind = TR_ALLOC, .task = ev->pid, .id = id,
				  .order = IMPORT_THP_ORDER, .gfp = gfp };
	return emit(im, ev, &a, err);
}

/* The kept attempt of a fallen-back THP fault whose range holds vpage of task pid, 0 for
 * none (or freed already). */
static uint64_t thp_range_attempt(struct import *im, uint32_t pid, uint64_t vpage)
{
	const struct map_slot *r = map_find(&im->thp_ranges, pid, vpage >> IMPORT_THP_ORDER);
	if (!r)
		return 0;
	return map_find(&im->thp_live, r->val, 0) ? r->val : 0;
}

/* Queue a swap-in emitted at a fault until its page allocation comes; a full queue drops
 * its oldest (that swap-in's page then stays a new object). */
static void swapin_push(struct import *im, uint32_t pid, uint64_t vpage, uint64_t id)
{
	if (im->nr_swapin == SWAPIN_WAIT) {
		im->swapin_head = (im->swapin_head + 1) % SWAPIN_WAIT;
		im->nr_swapin--;
		im->st.swapin_unclaimed++;
	}
	im->swapin[(im->swapin_head + im->nr_swapin++) % SWAPIN_WAIT] =
		(struct swapin_wait){ .pid = pid, .vpage = vpage, .id = id };
}

/* The oldest swap-in of task pid still waiting for its page: removed into *w. */
static bool swapin_claim(struct import *im, uint32_t pid, struct swapin_wait *w)
{
	for (unsigned i = 0; i < im->nr_swapin; i++) {
		if (im->swapin[(im->swapin_head + i) % SWAPIN_WAIT].pid != pid)
			continue;
		*w = im->swapin[(im->swapin_head + i) % SWAPIN_WAIT];
		for (unsigned j = i; j + 1 < im->nr_swapin; j++)
			im->swapin[(im->swapin_head + j) % SWAPIN_WAIT] =
				im->swapin[(im->swapin_head + j + 1) % SWAPIN_WAIT];
		im->nr_swapin--;
		return true;
	}
	return false;
}

/* A swap-in's page: do_swap_page -> swapin_readahead (6.18) allocates with
 * GFP_HIGHUSER_MOVABLE and no __GFP_ZERO (the data comes from swap), order 0 outside
 * zram's mTHP swap-in. */
static bool swapin_gfp(gfp_t gfp, unsigned order)
{
	return order == 0 && (gfp & ~__GFP_COMP) == GFP_HIGHUSER_MOVABLE;
}

static int handle_alloc(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	end_manual_compact(im, ev);
	int cause = effect_cause(im, ev);
	if (cause < 0 && thp_fault_end(im, ev, err))
		return -1;
	if (ev->pfn == FTRACE_PFN_NONE) {
		/* A failed request leaves nothing to free; the fallback that follows (e.g.
		 * order 0 after a failed THP) is traced as its own allocation. */
		st->alloc_failed++;
		/* The failures of reclaim's and compaction's own allocations (kswapd's and a
		 * direct reclaimer's pages for swap I/O, say), which the replay drops with the
		 * allocations as effects and the model does not make, are counted apart: the
		 * replay's mmsim_alloc_fail counts its own requests' failures. */
		st->obs[cause >= 0 ? OBS_ALLOC_FAIL_EFFECT : OBS_ALLOC_FAIL]++;
		if (cause >= 0 || ev->order < 0 || ev->order > MAX_PAGE_ORDER)
			return 0;
		if (thp_fault_gfp(ev->gfp, ev->order)) {
			struct map_slot *f = map_get(&im->thp_failed, ev->pid, 0);
			if (!f)
				return oom(err);
			f->val = thp_fault_own_mask(ev->gfp);
			return 0;
		}
		/* Any other request the workload made and the kernel failed (a large page
		 * cache folio with __GFP_NORETRY before its smaller fallback, a GFP_NOWAIT
		 * readahead page) is replayed as an attempt too. */
		st->failed_attempts++;
		return emit_attempt(im, ev, (unsigned)ev->order, ev->gfp, err);
	}
	if (ev->pfn > UINT32_MAX - (1u << MAX_PAGE_ORDER))
		return invalid(im, ev, "pfn out of range", err);
	if (ev->order < 0 || ev->order > MAX_PAGE_ORDER)
		return invalid(im, ev, "order out of range", err);
	unsigned order = (unsigned)ev->order;
	gfp_t gfp = ev->gfp;

	/* Retire every live object the new block overlaps. */
	uint64_t head;
	struct pfn_state *c = covering(im, ev->pfn, &head);
	if (c && retire(im, head, c, ev, err))
		return -1;
	for (uint64_t p = ev->pfn + 1; order && p < ev->pfn + (1ull << order); p++) {
		struct pfn_state *s = pfn_find(im, p);
		if (s && (s->val & PS_LIVE) && retire(im, p, s, ev, err))
			return -1;
	}

	/* A THP fault's first attempt: the record keeps the fault's own mask, the simulator
	 * makes that attempt itself.  (With defrag=always a fault outside a MADV_HUGEPAGE
	 * region has __GFP_NORETRY of its own, which this drops: such a fault retries after
	 * reclaim in the replay.) */
	if (thp_fault_gfp(gfp, ev->order) && (gfp & __GFP_THISNODE))
		gfp = thp_fault_own_mask(gfp);

	/* The trace's migratetype= is the pcp list or block the page came from: a cross-check
	 * of our gfp -> migratetype mapping, not an input to it (model.md §8.7). */
	enum migratetype want = gfp_migratetype(gfp);
	if (ev->migratetype >= 0 && ev->migratetype != (int)want) {
		if (!st->gfp_mt_mismatch++)
			st->gfp_mt_mismatch_first_line = ev->line;
		if (ev->migratetype < NR_MIGRATETYPES && want < NR_MIGRATETYPES)
			st->mt_pair[want][ev->migratetype]++;
	}

	struct pfn_state *s = pfn_get(im, ev->pfn);
	if (!s)
		return oom(err);
	uint64_t gen = (s->val & PS_GEN_MASK) + 1;
	s->val = gen | (uint64_t)order << PS_ORDER_SHIFT | PS_LIVE | PS_SEEN | (gfp & __GFP_WRITE ? PS_WRITE : 0) |
		 (want != MIGRATE_MOVABLE ? PS_UNMOVABLE : 0);
	if (order)
		++*pfn_region(im, ev->pfn);
	if (cause >= 0) {
		s->val |= PS_EFFECT;
		st->alloc_effect[cause]++;
		return 0;
	}
	uint64_t id = ps_id(ev->pfn, s->val);
	st->alloc_class[gfp_alloc_class(gfp, order)]++;

	/* The page of a swap-in the task's fault emitted: it stands for the swapped object
	 * (no ALLOC; the simulator swaps in by its own state). */
	struct swapin_wait sw;
	if (im->nr_swapin && swapin_gfp(gfp, order) && swapin_claim(im, ev->pid, &sw)) {
		s->val |= PS_USER;
		struct map_slot *a = map_get(&im->alias, ev->pfn, gen);
		if (!a)
			return oom(err);
		a->val = sw.id;
		struct map_slot *v = map_get(&im->vpages, ev->pid, sw.vpage);
		if (!v)
			return oom(err);
		v->val = id;
		st->swapin_alloc++;
		return 0;
	}

	/* A user page allocated after a fault of this task is that fault's page. */
	struct map_slot *t = map_find(&im->tasks, ev->pid, 0);
	uint64_t thp = 0; /* the kept attempt of the fallen-back THP fault over its address */
	if (t && (t->val & TS_FAULT) && (gfp & (__GFP_MOVABLE | __GFP_HIGHMEM))) {
		if (order == 0 && im->thp_live.nr_live)
			thp = thp_range_attempt(im, ev->pid, t->val & TS_VPAGE_MASK);
		struct map_slot *v = map_get(&im->vpages, ev->pid, t->val & TS_VPAGE_MASK);
		if (!v)
			return oom(err);
		v->val = id;
		s->val |= PS_USER;
		if (!(t->val & TS_FAULT_COUNTED))
			st->fault_first_touch++;
		t->val &= ~(TS_FAULT | TS_FAULT_COUNTED | TS_VPAGE_MASK);
	}
	if (gfp & __GFP_WRITE) {
		struct map_slot *w = map_get(&im->write_pending, ev->pid, 0);
		if (!w)
			return oom(err);
		w->val = ev->pfn;
	}
	if (thp) {
		struct map_slot *m = map_get(&im->thp_members, id, 0);
		if (!m)
			return oom(err);
		m->val = thp;
		st->thp_parts++;
		st->implied++;
		struct trace_record h = { .time_ns = ev->time_ns, .kind = TR_HINT, .task = ev->pid,
					  .id = thp, .arg = HINT_THP_PART };
		if (emit(im, ev, &h, err))
			return -1;
	}
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_ALLOC, .task = ev->pid,
				  .id = id, .order = (uint8_t)order, .gfp = gfp };
	return emit(im, ev, &r, err);
}

/* After the free of id: a base page of a fallen-back THP fault's range frees the kept
 * attempt with it, the first time (an exit or munmap frees the range whole). */
static int thp_member_freed(struct import *im, const struct ftrace_event *ev, uint64_t id, struct sim_error *err)
{
	struct map_slot *m = map_find(&im->thp_members, id, 0);
	if (!m)
		return 0;
	uint64_t thp = m->val;
	map_del(&im->thp_members, m);
	struct map_slot *l = map_find(&im->thp_live, thp, 0);
	if (!l)
		return 0;
	map_del(&im->thp_live, l);
	im->st.thp_range_frees++;
	im->st.implied++;
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid, .id = thp };
	return emit(im, ev, &r, err);
}

/* The head an evicted object travels with: itself unless it is a companion. */
static uint64_t companion_head(const struct import *im, uint64_t id)
{
	const struct map_slot *h = im->companions.nr_live ? map_find(&im->companions, id, 1) : NULL;
	return h ? h->val : id;
}

/* A page cache add over the offsets of head and of c, another evicted object: in the
 * kernel the one new folio is a refault of all its pages (filemap_add_folio finds a
 * shadow and workingset_refault counts folio_nr_pages, 6.18), so c comes back with head
 * and goes with it.  c is linked at the front of head's chain when it is wholly out (no
 * part of it in use) and in no chain of its own; 1 when linked, 0 when not (it stays as
 * it is: evicted, or back by its own parts), -1 out of memory. */
static int companion_link(struct import *im, uint64_t head, uint64_t c)
{
	const struct map_slot *p = map_find(&im->parts, c, 0);
	if ((p && p->val) || map_find(&im->companions, c, 0) || map_find(&im->companions, c, 1))
		return 0;
	struct map_slot *h = map_get(&im->companions, head, 0);
	if (!h)
		return -1;
	uint64_t next = h->val;
	h->val = c;
	struct map_slot *x = map_get(&im->companions, c, 1);
	if (!x)
		return -1;
	x->val = head;
	if (next) {
		if (!(x = map_get(&im->companions, c, 0)))
			return -1;
		x->val = next;
	}
	if (p)
		map_del(&im->parts, (struct map_slot *)p);
	return 1;
}

/* Write a record of kind for the first nr companions of head (all: UINT64_MAX), at the
 * event's time, each counted as implied; drop: the chain goes (head's last part freed). */
static int companions_emit(struct import *im, const struct ftrace_event *ev, uint64_t head, uint8_t kind,
			   uint64_t nr, bool drop, struct sim_error *err)
{
	struct map_slot *h = map_find(&im->companions, head, 0);
	uint64_t c = h ? h->val : 0;
	if (h && drop)
		map_del(&im->companions, h);
	for (uint64_t i = 0; c && i < nr; i++) {
		struct trace_record r = { .time_ns = ev->time_ns, .kind = kind, .task = ev->pid, .id = c };
		im->st.implied++;
		if (kind == TR_ACCESS)
			im->st.refault_companion++;
		if (emit(im, ev, &r, err))
			return -1;
		struct map_slot *x = map_find(&im->companions, c, 0);
		uint64_t next = x ? x->val : 0;
		if (drop) {
			if (x)
				map_del(&im->companions, x);
			if ((x = map_find(&im->companions, c, 1)))
				map_del(&im->companions, x);
		}
		c = next;
	}
	return 0;
}

static int handle_free(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	end_manual_compact(im, ev);
	if (ev->order < 0 || ev->order > MAX_PAGE_ORDER)
		return invalid(im, ev, "order out of range", err);
	struct pfn_state *s = pfn_find(im, ev->pfn);
	bool head_live = s && (s->val & PS_LIVE);
	/* free_unref_folios traces mm_page_free_batched for pages free_pages_prepare has just
	 * traced as mm_page_free: a batched free of a page already freed is that second
	 * event, not a free of a page allocated before the capture. */
	if (ev->id == FEV_PAGE_FREE_BATCHED && s && !head_live && (s->val & PS_FREED)) {
		s->val &= ~PS_FREED;
		st->free_batched_dup++;
		return 0;
	}
	int cause = effect_cause(im, ev);
	if (head_live) {
		if ((unsigned)ev->order != ps_order(s->val))
			st->free_order_mismatch++;
		/* Reclaim freeing a fault's anonymous page: swapped out, its object lives on. */
		if ((cause == EFFECT_KSWAPD || cause == EFFECT_DIRECT_RECLAIM) &&
		    (s->val & (PS_USER | PS_FILE | PS_EFFECT)) == PS_USER) {
			uint64_t gen = s->val & PS_GEN_MASK;
			struct map_slot *w = map_get(&im->swapped, ev->pfn, gen);
			if (!w)
				return oom(err);
			w->val = 1;
		}
		set_dead(im, ev->pfn, s);
	}
	if (ev->id == FEV_PAGE_FREE && ev->pfn != U64MAP_EMPTY) {
		if (!s && !(s = pfn_get(im, ev->pfn)))
			return oom(err);
		s->val |= PS_FREED | PS_SEEN;
	}
	if (cause >= 0) {
		/* The object (if we knew it) stays allocated in the native trace: reclaiming
		 * or migrating it is the simulator's decision. */
		st->free_effect[cause]++;
		return 0;
	}
	if (!head_live) {
		uint64_t head;
		if (covering(im, ev->pfn, &head)) {
			st->free_tail++;
			return 0;
		}
		int rc = im->opts.prefill_zi ? free_prefill(im, ev, err) : 1;
		if (rc > 0)
			st->free_unmatched++;
		return rc < 0 ? -1 : 0;
	}
	if (s->val & PS_EFFECT) {
		st->free_of_effect_alloc++;
		return 0;
	}
	uint64_t id = slot_id(im, ev->pfn, s->val);
	/* A part of a refaulted folio: the object is freed with its last part. */
	struct map_slot *n = map_find(&im->parts, id, 0);
	if (n && n->val > 1) {
		n->val--;
		st->free_part++;
		return 0;
	}
	if (n)
		map_del(&im->parts, n);
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid, .id = id };
	if (emit(im, ev, &r, err))
		return -1;
	if (im->companions.nr_live && companions_emit(im, ev, id, TR_FREE, UINT64_MAX, true, err))
		return -1;
	return im->thp_members.nr_live ? thp_member_freed(im, ev, id, err) : 0;
}

/* A user fault: ACCESS if the page is known; otherwise wait for the task's next user
 * page allocation, which then stands for the fault (first touch). */
static int handle_fault(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	if (!ev->addr || ev->addr >= USER_ADDR_LIMIT) {
		st->fault_unresolved++;
		return 0;
	}
	uint64_t vpage = ev->addr / PAGE_SIZE;
	struct map_slot *t = map_get(&im->tasks, ev->pid, 0);
	if (!t)
		return oom(err);
	if ((t->val & TS_FAULT) && !(t->val & TS_FAULT_COUNTED))
		st->fault_unresolved++;
	t->val = (t->val & ~(TS_FAULT_COUNTED | TS_VPAGE_MASK)) | TS_FAULT | vpage;
	/* vpages holds the page's (generation << 32 | pfn); the object it stands for is
	 * slot_id's (a swapped-in or refaulted page stands for an older object). */
	struct map_slot *v = map_find(&im->vpages, ev->pid, vpage);
	if (!v)
		return 0;
	uint64_t pfn = v->val & PS_GEN_MASK, gen = v->val >> 32;
	struct pfn_state *s = pfn_find(im, pfn);
	if (s && (s->val & PS_LIVE) && !(s->val & PS_EFFECT) && (s->val & PS_GEN_MASK) == gen) {
		t->val |= TS_FAULT_COUNTED;
		struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_ACCESS, .task = ev->pid,
					  .id = slot_id(im, pfn, s->val) };
		return emit(im, ev, &r, err);
	}
	/* A page reclaim swapped out: do_swap_page brings the same object back.  The fault
	 * is resolved (no new object binds to it); the page swapin_readahead allocates for
	 * it stands for the object (handle_alloc). */
	struct map_slot *w = map_find(&im->swapped, pfn, gen);
	if (!w)
		return 0;
	map_del(&im->swapped, w);
	uint64_t id = slot_id(im, pfn, gen);
	t->val &= ~(TS_FAULT | TS_FAULT_COUNTED | TS_VPAGE_MASK);
	swapin_push(im, ev->pid, vpage, id);
	im->st.swapin++;
	/* A write fault (x86 error_code bit 1, X86_PF_WRITE; the page_fault_user tracepoint is
	 * x86's) maps the page writable, and do_swap_page frees the slot of a folio only this
	 * task maps (should_try_to_free_swap's FAULT_FLAG_WRITE case, 6.18): a `dirty` record,
	 * which faults the object in and drops its slot (swap.c), where a read keeps the slot
	 * while swap is at most half full. */
	bool write = ev->nr[0] & 2;
	im->st.swapin_write += write;
	struct trace_record r = { .time_ns = ev->time_ns, .kind = write ? TR_DIRTY : TR_ACCESS, .task = ev->pid,
				  .id = id };
	return emit(im, ev, &r, err);
}

/* The page cache offsets a capture names, for the refault census (first pass) and the
 * seeding that follows it (handle_filemap), which must agree: (ino, index) -> OFS_SEEN once
 * an add or removal named the offset, | OFS_SHADOW while a shadow entry holds it.  Only
 * reclaim leaves a shadow (__remove_mapping with reclaimed set, 6.12); a truncation or
 * invalidation removes the folio and any shadow, and an add consumes the shadow
 * (workingset_refault).  A folio covers 2^order offsets from index.  Returns what the
 * range held before (OFS_* of any offset), then marks it; -1 when out of memory. */
#define OFS_SEEN 1u
#define OFS_SHADOW 2u
static int offsets_mark(struct u64map *m, const struct ftrace_event *ev, bool by_reclaim)
{
	unsigned order = ev->order > 0 && ev->order <= MAX_PAGE_ORDER ? (unsigned)ev->order : 0, had = 0;
	bool shadow = ev->id == FEV_FILEMAP_DELETE && by_reclaim;
	for (uint64_t i = 0; i < 1ull << order; i++) {
		struct map_slot *o = map_get(m, ev->ino, ev->index + i);
		if (!o)
			return -1;
		had |= (unsigned)o->val;
		o->val = OFS_SEEN | (shadow ? OFS_SHADOW : 0);
	}
	return (int)had;
}

static uint64_t folio_pages(const struct ftrace_event *ev)
{
	return ev->order > 0 && ev->order <= MAX_PAGE_ORDER ? 1ull << ev->order : 1;
}

/* A first add by a read of an offset the capture named nowhere before: the candidates
 * for refaults of pages evicted before the capture (import_untraced_refaults), of which
 * every (candidates / seeded)-th is written as HINT refault on the new page's object.
 * The first pass counted the candidates the same way, in file order. */
static int seeded_refault(struct import *im, const struct ftrace_event *ev, const struct pfn_state *s,
			  struct sim_error *err)
{
	if (!s || (s->val & PS_WRITE))
		return 0;
	/* Pages, as the counters count them: after p candidate pages, p × seeded /
	 * candidates should have been seeded; the folio is seeded when that brings the pages
	 * seeded nearer the line (seeded + pages / 2 < line), so folios of any size keep to
	 * it. */
	uint64_t n = im->opts.refault_candidates, x = im->opts.refault_seeded, pages = folio_pages(ev);
	im->nr_candidates += pages;
	uint64_t line = MIN(im->nr_candidates, n) * x / n;
	if (2 * im->st.refault_seeded + pages >= 2 * line)
		return 0;
	if (!(s->val & PS_LIVE) || (s->val & PS_EFFECT))
		return 0;
	im->st.refault_seeded += pages;
	im->st.implied++;
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_HINT, .task = ev->pid,
				  .id = slot_id(im, ev->pfn, s->val), .arg = HINT_REFAULT };
	return emit(im, ev, &r, err);
}

static int handle_filemap(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	if (ev->id == FEV_FILEMAP_ADD && ev->ino == U64MAP_EMPTY)
		return invalid(im, ev, "ino out of range", err);
	im->st.filemap++;
	int cause = effect_cause(im, ev);
	bool first = false;
	if (im->opts.refault_seeded) {
		int had = offsets_mark(&im->offsets, ev, cause == EFFECT_KSWAPD || cause == EFFECT_DIRECT_RECLAIM);
		if (had < 0)
			return oom(err);
		first = !had;
	}
	if (ev->id == FEV_FILEMAP_ADD) {
		struct map_slot *m = map_get(&im->pagecache, ev->ino, ev->index);
		if (!m)
			return oom(err);
		m->val = ev->pfn;
		/* the page's allocation, when the workload's own (an object was emitted);
		 * emit() leaves the pfn states alone, so s stays valid */
		struct pfn_state *s = pfn_find(im, ev->pfn);
		bool own = s && (s->val & PS_LIVE) && !(s->val & PS_EFFECT);
		if (own)
			s->val |= PS_FILE;
		/* A page cache page allocated unmovable (a block device's metadata): the
		 * simulator puts only movable allocations on the LRU by themselves. */
		if (own && (s->val & PS_UNMOVABLE) && cause < 0) {
			im->st.pagecache_unmovable++;
			im->st.implied++;
			struct trace_record h = { .time_ns = ev->time_ns, .kind = TR_HINT, .task = ev->pid,
						  .id = slot_id(im, ev->pfn, s->val), .arg = HINT_PAGECACHE };
			if (emit(im, ev, &h, err))
				return -1;
		}
		if (first && seeded_refault(im, ev, s, err))
			return -1;
		if (cause >= 0 || !own)
			return 0;
		/* A page of a file offset that reclaim evicted: the workload touches that
		 * object again (a refault: the simulator's shadow entry decides how it comes
		 * back).  The new page's allocation, already emitted, is undone and the page
		 * stands for the old object from now on, as one of its parts.  The shadows of
		 * the new folio's offsets are consumed (workingset_refault); a folio over the
		 * offsets of several evicted ones stands for the first (the others stay
		 * evicted). */
		uint64_t old_id = 0, last = 0, nr_new = 0;
		bool more = false;
		for (uint64_t i = 0; im->evicted.nr_live && i < folio_pages(ev); i++) {
			struct map_slot *e = map_find(&im->evicted, ev->ino, ev->index + i);
			if (!e)
				continue;
			uint64_t id = companion_head(im, e->val);
			map_del(&im->evicted, e);
			if (!old_id) {
				old_id = last = id;
				continue;
			}
			if (id == last || id == old_id)
				continue;
			last = id;
			more = true;
			int rc = companion_link(im, old_id, id);
			if (rc < 0)
				return oom(err);
			nr_new += (uint64_t)rc;
		}
		if (!old_id)
			return 0;
		if (more)
			im->st.refault_merged++;
		uint64_t new_id = slot_id(im, ev->pfn, s->val), gen = s->val & PS_GEN_MASK;
		struct map_slot *a = map_get(&im->alias, ev->pfn, gen);
		if (!a)
			return oom(err);
		a->val = old_id;
		struct map_slot *n = map_get(&im->parts, old_id, 0);
		if (!n)
			return oom(err);
		bool back = !n->val++; /* the head was out: its companions come back with it */
		if (!back)
			im->st.refault_part++;
		im->st.refault++;
		im->st.implied += 2;
		struct trace_record f = { .time_ns = ev->time_ns, .kind = TR_FREE, .task = ev->pid, .id = new_id };
		struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_ACCESS, .task = ev->pid, .id = old_id };
		if (emit(im, ev, &f, err) || emit(im, ev, &r, err))
			return -1;
		return nr_new || back ? companions_emit(im, ev, old_id, TR_ACCESS, back ? UINT64_MAX : nr_new, false, err) : 0;
	}
	bool reclaim = cause == EFFECT_KSWAPD || cause == EFFECT_DIRECT_RECLAIM;
	struct map_slot *m = map_find(&im->pagecache, ev->ino, ev->index);
	struct pfn_state *s = pfn_find(im, ev->pfn);
	uint64_t id = 0;
	if (m && (m->val & PC_PFN_MASK) == ev->pfn) {
		map_del(&im->pagecache, m);
		/* Reclaim evicting a page cache page: the object stays in the native trace
		 * (the simulator reclaims by its own choice); remember it for the refault. */
		if (reclaim && s && (s->val & PS_LIVE) && !(s->val & PS_EFFECT))
			id = slot_id(im, ev->pfn, s->val);
	} else if (!m && reclaim && im->opts.prefill_zi && !(s && (s->val & PS_LIVE)) &&
		   !covering(im, ev->pfn, &(uint64_t){ 0 })) {
		/* ... or a folio that was cached before the capture */
		if ((id = claim_prefill_file(im, ev)))
			im->st.evict_prefill++;
	}
	if (!id)
		return 0;
	/* One part fewer in use (a first eviction leaves none). */
	struct map_slot *n = map_find(&im->parts, id, 0);
	if (n && n->val)
		n->val--;
	for (uint64_t i = 0; i < folio_pages(ev); i++) {
		struct map_slot *e = map_get(&im->evicted, ev->ino, ev->index + i);
		if (!e)
			return oom(err);
		e->val = id;
	}
	return 0;
}

/* writeback_dirty_folio names (bdi, ino, index); the page cache add named (dev, ino, ofs)
 * and its pfn.  The bdi is the whole disk while dev is the partition, so the key is
 * (ino, index) alone. */
static int handle_dirty(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct map_slot *m = map_find(&im->pagecache, ev->ino, ev->index);
	uint64_t pfn = m ? m->val & PC_PFN_MASK : 0;
	struct pfn_state *s = m ? pfn_find(im, pfn) : NULL;
	if (!m) {
		/* No filemap events: a write(2) allocates its folio (__GFP_WRITE, in
		 * grab_cache_page_write_begin) and dirties it before the next one, in the same
		 * task, so the task's last write allocation not yet dirtied is this folio. */
		struct map_slot *w = map_find(&im->write_pending, ev->pid, 0);
		if (w) {
			pfn = w->val;
			map_del(&im->write_pending, w);
			s = pfn_find(im, pfn);
			if (s && (s->val & PS_LIVE) && !(s->val & PS_EFFECT))
				im->st.dirty_by_write_alloc++;
		}
	}
	if (!s || !(s->val & PS_LIVE) || (s->val & PS_EFFECT)) {
		im->st.dirty_unmapped++;
		return 0;
	}
	struct map_slot *f = map_get(&im->files, ev->ino, 0);
	if (!f)
		return oom(err);
	f->val &= ~FILE_SYNCED; /* dirty again: the next wait is another sync */
	if (m && !(m->val & PC_LISTED)) {
		if (!(f->val & FILE_DIRTY_MASK)) {
			if (sim_grow(&im->dirty, &im->cap_dirty, im->nr_dirty + 1, sizeof(*im->dirty), 64))
				return oom(err);
			f->val |= ++im->nr_dirty; /* a zeroed, empty list */
		}
		struct ofs_list *d = &im->dirty[(f->val & FILE_DIRTY_MASK) - 1];
		if (sim_grow(&d->ofs, &d->cap, d->len + 1, sizeof(*d->ofs), 16))
			return oom(err);
		d->ofs[d->len++] = ev->index;
		m->val |= PC_LISTED;
	}
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_DIRTY, .task = ev->pid,
				  .id = slot_id(im, pfn, s->val) };
	return emit(im, ev, &r, err);
}

/* fsync(2) and fdatasync(2) are not traced, but their wait is: file_write_and_wait_range
 * writes every dirty folio of the file (__filemap_fdatawrite_range, WB_SYNC_ALL) and then
 * waits for those still under writeback (folio_wait_writeback, one event per folio it
 * waits on).  So a task's first wait on a file's writeback since it was last dirtied is
 * that file synced: a sync hint (implied) for each page cache object of the file dirtied
 * since its last sync (the file's list, built by handle_dirty), which writes it in the
 * simulator.  Waits by reclaim, compaction or migration are effects. */
static int handle_wait_writeback(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	if (effect_cause(im, ev) >= 0 || comm_is(ev->comm, "kworker"))
		return 0;
	struct map_slot *f = map_get(&im->files, ev->ino, 0);
	if (!f)
		return oom(err);
	if (f->val & FILE_SYNCED)
		return 0;
	f->val |= FILE_SYNCED;
	im->st.fsync++;
	if (!(f->val & FILE_DIRTY_MASK))
		return 0;
	struct ofs_list *d = &im->dirty[(f->val & FILE_DIRTY_MASK) - 1];
	for (size_t i = 0; i < d->len; i++) {
		struct map_slot *m = map_find(&im->pagecache, ev->ino, d->ofs[i]);
		if (!m || !(m->val & PC_LISTED))
			continue; /* evicted or truncated since it was dirtied */
		m->val &= ~PC_LISTED;
		uint64_t pfn = m->val & PC_PFN_MASK;
		const struct pfn_state *s = pfn_find(im, pfn);
		if (!s || !(s->val & PS_LIVE) || (s->val & PS_EFFECT))
			continue;
		struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_HINT, .task = ev->pid,
					  .id = slot_id(im, pfn, s->val), .arg = HINT_SYNC };
		im->st.implied++;
		if (emit(im, ev, &r, err))
			return -1;
	}
	d->len = 0;
	return 0;
}

static int handle_cma(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	if (ev->id == FEV_CMA_ALLOC_START) {
		st->obs[OBS_CMA_ALLOC]++;
		st->observed++;
		return task_flag(im, ev->pid, TS_CMA, true, err);
	}
	if (ev->id == FEV_CMA_RELEASE) {
		struct map_slot *c = map_find(&im->cma, ev->pfn, 0);
		if (!c || !(c->val & PS_LIVE)) {
			st->cma_release_unmatched++;
			return 0;
		}
		c->val &= ~PS_LIVE;
		struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_CMA_RELEASE,
					  .task = ev->pid, .id = CMA_ID_BIT | ps_id(ev->pfn, c->val) };
		return emit(im, ev, &r, err);
	}
	/* cma_alloc_finish (or the old cma_alloc): the device asked for count pages.  The
	 * request is intent whether or not the kernel managed it; a failed one is released
	 * at once (implied), since the device never held the memory. */
	if (task_flag(im, ev->pid, TS_CMA, false, err))
		return -1;
	if (ev->pfn > UINT32_MAX)
		return invalid(im, ev, "pfn out of range", err);
	bool failed = ev->nr[1] != 0;
	if (failed)
		st->obs[OBS_CMA_ALLOC_FAIL]++;
	struct map_slot *c = map_get(&im->cma, ev->pfn, 0);
	if (!c)
		return oom(err);
	c->val = ((c->val & PS_GEN_MASK) + 1) | (failed ? 0 : PS_LIVE);
	uint64_t id = CMA_ID_BIT | ps_id(ev->pfn, c->val);
	struct trace_record r = { .time_ns = ev->time_ns, .kind = TR_CMA_ALLOC, .task = ev->pid,
				  .id = id, .count = (uint32_t)MIN(ev->nr[0], UINT32_MAX),
				  .arg = ev->order };
	if (emit(im, ev, &r, err))
		return -1;
	if (!failed)
		return 0;
	st->implied++;
	r = (struct trace_record){ .time_ns = ev->time_ns, .kind = TR_CMA_RELEASE, .task = ev->pid,
				   .id = id };
	return emit(im, ev, &r, err);
}

static uint8_t result_index(uint8_t r, unsigned n)
{
	return r > n ? (uint8_t)n : r;
}

/* A zone's deferral state before its first deferral event (nr[0] order_failed, nr[1]
 * consider, nr[2] limit = 1 << shift, nr[3] zone: the state after the call, 6.12):
 *  - mm_compaction_deferred comes after compaction_deferred's ++considered: before it,
 *    considered was one less;
 *  - mm_compaction_defer_reset leaves considered and the shift as they were unless the
 *    allocation succeeded (then they were reset, and what they were no longer matters);
 *  - mm_compaction_defer_compaction follows a run, so the zone was not deferred then: the
 *    shift one lower and considered at its limit.
 * The order_failed after the call is kept in each case: before the first event it could
 * only have told orders below it apart, which did not run into a deferral either. */
static void defer_start(struct import_stats *st, const struct ftrace_event *ev)
{
	uint64_t z = ev->nr[3], limit = ev->nr[2];
	if (z >= MAX_NR_ZONES || st->defer_start[z].known || !limit || (limit & (limit - 1)) || limit > 64 ||
	    ev->nr[0] > MAX_PAGE_ORDER + 1 || ev->nr[1] > limit)
		return;
	struct import_defer_start *d = &st->defer_start[z];
	unsigned shift = (unsigned)__builtin_ctzll(limit);
	d->known = true;
	d->order_failed = (unsigned)ev->nr[0];
	d->shift = shift;
	d->considered = (unsigned)ev->nr[1];
	if (ev->id == FEV_COMPACTION_DEFERRED && d->considered)
		d->considered--;
	else if (ev->id == FEV_COMPACTION_DEFER_COMPACTION && shift) {
		d->shift = shift - 1;
		d->considered = 1u << d->shift;
	}
}

/* Mechanism events: observed figures only (and the windows they open and close). */
/* The first mm_compaction_begin of a zone in a mode: its scanners' cached positions
 * (import_scan_start).  A run from the zone's first to its last pageblock is a whole-zone
 * run (or one after a reset): no information. */
static void scan_start(struct import_stats *st, const struct ftrace_event *ev)
{
	uint64_t zs = ev->nr[0], mig = ev->nr[1], fr = ev->nr[2], ze = ev->nr[3];
	unsigned mode = ev->result;
	if (mode > 1 || ze <= zs || mig < zs || mig >= ze || fr < zs || fr >= ze)
		return;
	struct import_scan_start *s = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(st->scan_start) && !s; i++)
		if (st->scan_start[i].zone_end == ze || !st->scan_start[i].zone_end)
			s = &st->scan_start[i];
	if (!s)
		return;
	s->zone_start = zs;
	s->zone_end = ze;
	uint64_t last_block = (ze - 1) & ~(uint64_t)((1u << ZONEINFO_BLOCK_ORDER) - 1);
	if (mig == zs && fr == last_block)
		return; /* whole zone, or just reset */
	if (!s->migrate_pfn[mode])
		s->migrate_pfn[mode] = mig;
	if (!s->free_pfn)
		s->free_pfn = fr;
}

/* The device's write rate as the capture shows it: a flusher work (wb_writeback, 6.18)
 * traces writeback_start with the pages it may write (nr_pages) and writeback_written with
 * those it had left when it ended, on the same bdi; works that wrote at least
 * WB_MEASURE_MIN_PAGES (MIN_WRITEBACK_PAGES: the least a work writes of an inode before
 * it looks at its limits again) are summed: pages over time.  Writes are submissions, so
 * this is how fast the machine wrote under pressure, queueing included. */
#define WB_MEASURE_MIN_PAGES 1024

uint64_t import_wb_bandwidth(const struct import_stats *s)
{
	if (!s->wb_ns)
		return 0;
	/* pages * 4096 * 1e9 overflows 64 bits past 4.5e6 pages: in double */
	return (uint64_t)((double)s->wb_pages * PAGE_SIZE * (double)NSEC_PER_SEC / (double)s->wb_ns);
}
bool import_wb_measured(const struct import_stats *s)
{
	return s->wb_ns >= IMPORT_WB_MIN_NS;
}

static int wb_work_start(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct map_slot *t = map_get(&im->wb_start, ev->dev, 0);
	if (!t)
		return oom(err);
	t->val = ev->time_ns + 1;
	struct map_slot *n = map_get(&im->wb_start, ev->dev, 1);
	if (!n)
		return oom(err);
	n->val = ev->nr[0];
	return 0;
}

static void wb_work_written(struct import *im, const struct ftrace_event *ev)
{
	struct map_slot *t = map_find(&im->wb_start, ev->dev, 0);
	if (!t)
		return;
	sim_ns_t start = t->val - 1;
	map_del(&im->wb_start, t);
	struct map_slot *n = map_find(&im->wb_start, ev->dev, 1);
	if (!n)
		return;
	uint64_t left = n->val;
	map_del(&im->wb_start, n);
	if (left < ev->nr[0] || left - ev->nr[0] < WB_MEASURE_MIN_PAGES || ev->time_ns <= start)
		return;
	im->st.wb_works++;
	im->st.wb_pages += left - ev->nr[0];
	im->st.wb_ns += ev->time_ns - start;
}


/* st.view_*.  kswapd's run is one balance_pgdat: it begins at mm_vmscan_kswapd_wake and
 * has ended (snapshot_refaults) by its next wake or sleep; a direct reclaim runs from
 * mm_vmscan_direct_reclaim_begin to _end.  A reclaim counts when it began after the first
 * end and before the window's end; it is judged as it ends (one still running when the
 * trace ends is not). */
static void flush_reclaim_begin(struct import *im, struct flush_reclaim *r, const struct ftrace_event *ev)
{
	*r = (struct flush_reclaim){
		.pid = ev->pid,
		.start = ev->time_ns,
		.counted = ev->time_ns > im->flush_first_end &&
			   ev->time_ns < im->st.first_ns + (sim_ns_t)IMPORT_STATS_FLUSH_MS * 1000000,
	};
}

static void flush_reclaim_end(struct import *im, struct flush_reclaim *r, sim_ns_t t)
{
	if (!r->pid)
		return;
	if (r->counted && r->deactivated)
		im->st.view_deactivating++;
	else if (r->counted && r->scanned_file)
		im->st.view_not_deactivating++;
	r->pid = 0;
	im->flush_first_end = MIN(im->flush_first_end, t);
}

static void flush_view_event(struct import *im, const struct ftrace_event *ev)
{
	struct flush_reclaim *r = NULL;
	size_t n = sizeof(im->flush_direct) / sizeof(im->flush_direct[0]);
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_KSWAPD_WAKE:
	case FEV_KSWAPD_SLEEP:
		if (!im->flush_kswapd_pid && ev->id == FEV_KSWAPD_SLEEP)
			im->flush_first_end = MIN(im->flush_first_end, ev->time_ns); /* the run under way */
		flush_reclaim_end(im, &im->flush_kswapd, ev->time_ns);
		im->flush_kswapd_pid = ev->pid;
		if (ev->id == FEV_KSWAPD_WAKE)
			flush_reclaim_begin(im, &im->flush_kswapd, ev);
		return;
	case FEV_DIRECT_RECLAIM_BEGIN:
		for (size_t i = 0; i < n; i++)
			if (!im->flush_direct[i].pid) {
				flush_reclaim_begin(im, &im->flush_direct[i], ev);
				break;
			}
		return;
	case FEV_DIRECT_RECLAIM_END:
		for (size_t i = 0; i < n; i++)
			if (im->flush_direct[i].pid == ev->pid)
				flush_reclaim_end(im, &im->flush_direct[i], ev->time_ns);
		im->flush_first_end = MIN(im->flush_first_end, ev->time_ns);
		return;
	case FEV_LRU_SHRINK_ACTIVE:
	case FEV_LRU_SHRINK_INACTIVE:
		if (ev->result != 1 || ev->time_ns >= im->st.first_ns + (sim_ns_t)IMPORT_STATS_FLUSH_MS * 1000000)
			return; /* not page cache (RECLAIM_WB_FILE), or past the window */
		if (ev->pid && ev->pid == im->flush_kswapd.pid)
			r = &im->flush_kswapd;
		for (size_t i = 0; i < n && !r; i++)
			if (ev->pid && im->flush_direct[i].pid == ev->pid)
				r = &im->flush_direct[i];
		if (r && ev->id == FEV_LRU_SHRINK_ACTIVE)
			r->deactivated = true;
		else if (r)
			r->scanned_file = true;
		return;
	default:
		return;
	}
}

static int handle_observed(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	uint64_t *o = st->obs;
	st->observed++;
	if (import_skip_event(im->skip, ev) || rspeed_event(&im->rspeed, ev))
		return oom(err);
	flush_view_event(im, ev);
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_PAGE_ALLOC_ZONE_LOCKED: o[OBS_ALLOC_ZONE_LOCKED]++; break;
	case FEV_PAGE_PCPU_DRAIN: o[OBS_PCPU_DRAIN]++; break;
	case FEV_SETUP_PER_ZONE_WMARKS: o[OBS_SETUP_WMARKS]++; break;
	case FEV_PAGE_ALLOC_EXTFRAG:
		o[OBS_EXTFRAG]++;
		/* As the kernel's tracepoint meant it: fragmenting when the fallback block is
		 * smaller than a pageblock (some kernels print the order instead of a bool). */
		o[OBS_EXTFRAG_FRAGMENTING] += ev->nr[0] < ev->nr[1];
		o[OBS_EXTFRAG_CHANGE_OWNERSHIP] += ev->nr[3] != 0;
		im->boost_seen_frag |= ev->nr[0] < ev->nr[1];
		break;
	case FEV_KSWAPD_WAKE: o[OBS_KSWAPD_WAKE]++; break;
	case FEV_KSWAPD_SLEEP: o[OBS_KSWAPD_SLEEP]++; break;
	case FEV_WAKEUP_KSWAPD:
		o[OBS_WAKEUP_KSWAPD]++;
		if (!ev->gfp && ev->order == 0 && !im->boost_seen_wake && !im->boost_seen_frag)
			im->st.boost_wake_pending = true;
		im->boost_seen_wake |= !ev->gfp && ev->order == 0;
		break;
	case FEV_DIRECT_RECLAIM_BEGIN:
		o[OBS_DIRECT_RECLAIM]++;
		return task_flag(im, ev->pid, TS_RECLAIM, true, err);
	case FEV_MEMCG_RECLAIM_BEGIN:
		o[OBS_MEMCG_RECLAIM]++;
		return task_flag(im, ev->pid, TS_RECLAIM, true, err);
	case FEV_NODE_RECLAIM_BEGIN:
		o[OBS_NODE_RECLAIM]++;
		return task_flag(im, ev->pid, TS_RECLAIM, true, err);
	case FEV_DIRECT_RECLAIM_END:
		o[OBS_DIRECT_RECLAIM_END]++;
		o[OBS_DIRECT_RECLAIM_NR_RECLAIMED] += ev->nr[0];
		return task_flag(im, ev->pid, TS_RECLAIM, false, err);
	case FEV_MEMCG_RECLAIM_END:
	case FEV_NODE_RECLAIM_END:
		return task_flag(im, ev->pid, TS_RECLAIM, false, err);
	case FEV_LRU_ISOLATE: o[OBS_LRU_ISOLATE]++; break;
	case FEV_LRU_SHRINK_INACTIVE:
		o[OBS_PGSCAN] += ev->nr[0];
		o[OBS_PGSTEAL] += ev->nr[1];
		break;
	case FEV_LRU_SHRINK_ACTIVE: o[OBS_LRU_SHRINK_ACTIVE]++; break;
	case FEV_WRITE_FOLIO: o[OBS_VMSCAN_WRITE]++; break;
	case FEV_THROTTLED: o[OBS_VMSCAN_THROTTLED]++; break;
	case FEV_COMPACTION_BEGIN:
		o[OBS_COMPACT_BEGIN]++;
		scan_start(st, ev);
		return task_flag(im, ev->pid, TS_COMPACT, true, err);
	case FEV_COMPACTION_END:
		o[OBS_COMPACT_END]++;
		st->compact_end[result_index(ev->result, NR_COMPACT_RESULTS)]++;
		return task_flag(im, ev->pid, TS_COMPACT, false, err);
	case FEV_COMPACTION_ISOLATE_MIGRATEPAGES:
		o[OBS_COMPACT_MIGRATE_SCANNED] += ev->nr[0];
		o[OBS_COMPACT_ISOLATED_MIGRATE] += ev->nr[1];
		break;
	case FEV_COMPACTION_ISOLATE_FREEPAGES:
	case FEV_COMPACTION_FAST_ISOLATE_FREEPAGES:
		o[OBS_COMPACT_FREE_SCANNED] += ev->nr[0];
		o[OBS_COMPACT_ISOLATED_FREE] += ev->nr[1];
		break;
	case FEV_COMPACTION_MIGRATEPAGES:
		o[OBS_COMPACT_MIGRATED] += ev->nr[0];
		o[OBS_COMPACT_MIGRATE_FAILED] += ev->nr[1];
		break;
	case FEV_COMPACTION_FINISHED:
		st->compact_finished[result_index(ev->result, NR_COMPACT_RESULTS)]++;
		return manual_compact(im, ev, err);
	case FEV_COMPACTION_SUITABLE:
		st->compact_suitable[result_index(ev->result, NR_COMPACT_RESULTS)]++;
		return manual_compact(im, ev, err);
	case FEV_COMPACTION_TRY_TO_COMPACT: o[OBS_COMPACT_TRY]++; break;
	case FEV_COMPACTION_DEFERRED: o[OBS_COMPACT_DEFERRED]++; defer_start(st, ev); break;
	case FEV_COMPACTION_DEFER_COMPACTION: o[OBS_COMPACT_DEFER]++; defer_start(st, ev); break;
	case FEV_COMPACTION_DEFER_RESET: o[OBS_COMPACT_DEFER_RESET]++; defer_start(st, ev); break;
	case FEV_COMPACTION_WAKEUP_KCOMPACTD: o[OBS_WAKEUP_KCOMPACTD]++; break;
	case FEV_COMPACTION_KCOMPACTD_WAKE: o[OBS_KCOMPACTD_WAKE]++; break;
	case FEV_COMPACTION_KCOMPACTD_SLEEP: o[OBS_KCOMPACTD_SLEEP]++; break;
	case FEV_MIGRATE_PAGES:
		o[OBS_MIGRATE_PAGES]++;
		o[OBS_PGMIGRATE_SUCCESS] += ev->nr[0];
		o[OBS_PGMIGRATE_FAIL] += ev->nr[1];
		o[OBS_THP_MIGRATION_SUCCESS] += ev->nr[2];
		o[OBS_THP_MIGRATION_FAIL] += ev->nr[3];
		o[OBS_THP_MIGRATION_SPLIT] += ev->nr[4];
		st->migrate_reason[result_index(ev->result, NR_MIGRATE_REASONS)]++;
		return task_flag(im, ev->pid, TS_MIGRATE, false, err);
	case FEV_MIGRATE_PAGES_START:
		return task_flag(im, ev->pid, TS_MIGRATE, true, err);
	case FEV_WRITEBACK_START:
		o[OBS_WRITEBACK_START]++;
		return wb_work_start(im, ev, err);
	case FEV_WRITEBACK_WRITTEN:
		o[OBS_WRITEBACK_WRITTEN]++;
		wb_work_written(im, ev);
		break;
	case FEV_FOLIO_WAIT_WRITEBACK: o[OBS_FOLIO_WAIT_WRITEBACK]++; break;
	case FEV_GLOBAL_DIRTY_STATE: o[OBS_GLOBAL_DIRTY_STATE]++; break;
	case FEV_CMA_ALLOC_BUSY_RETRY: o[OBS_CMA_BUSY_RETRY]++; break;
	case FEV_TEST_PAGES_ISOLATED: o[OBS_TEST_PAGES_ISOLATED]++; break;
	case FEV_SCHED_PROCESS_FORK:
		o[OBS_SCHED_FORK]++;
		/* a child (or thread) of a task in the command's tree is in it */
		if (im->opts.command_pid && map_find(&im->command_tasks, ev->nr[0], 0) &&
		    !map_get(&im->command_tasks, ev->nr[1], 0))
			return oom(err);
		break;
	default:
		sim_assert(!"not an observed event");
		break;
	}
	return 0;
}

/* One event in time order. */
static int process(struct import *im, const struct ftrace_event *ev, struct sim_error *err)
{
	struct import_stats *st = &im->st;
	st->first_ns = MIN(st->first_ns, ev->time_ns);
	st->last_ns = MAX(st->last_ns, ev->time_ns);
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_PAGE_ALLOC:
		return handle_alloc(im, ev, err);
	case FEV_PAGE_FREE:
	case FEV_PAGE_FREE_BATCHED:
		return handle_free(im, ev, err);
	case FEV_PAGE_FAULT_USER:
	case FEV_PAGE_FAULT_KERNEL:
		return handle_fault(im, ev, err);
	case FEV_FILEMAP_ADD:
	case FEV_FILEMAP_DELETE:
		return handle_filemap(im, ev, err);
	case FEV_WRITEBACK_DIRTY_FOLIO:
		return handle_dirty(im, ev, err);
	case FEV_FOLIO_WAIT_WRITEBACK: /* observed, and a sync where it shows one */
		return handle_observed(im, ev, err) || handle_wait_writeback(im, ev, err) ? -1 : 0;
	case FEV_CMA_ALLOC_START:
	case FEV_CMA_ALLOC_FINISH:
	case FEV_CMA_ALLOC_OLD:
	case FEV_CMA_RELEASE:
		return handle_cma(im, ev, err);
	case FEV_KMALLOC:
	case FEV_KFREE:
	case FEV_KMEM_CACHE_ALLOC:
	case FEV_KMEM_CACHE_FREE:
	case FEV_RSS_STAT:
		/* Slab objects live inside pages whose mm_page_alloc we already see. */
		st->ignored++;
		return 0;
	case FEV_UNKNOWN:
	case NR_FTRACE_EVENTS:
		return sim_error_set(err, EX_SOFTWARE_, "import: event id %u", ev->id);
	default:
		return handle_observed(im, ev, err);
	}
}

static struct ftrace_event *ring_at(struct import *im, size_t i)
{
	return &im->ring[(im->head + i) & (im->ring_cap - 1)];
}

static int release_one(struct import *im, struct sim_error *err)
{
	struct ftrace_event *ev = ring_at(im, 0);
	im->head = (im->head + 1) & (im->ring_cap - 1);
	im->nr--;
	im->released_ns = ev->time_ns;
	im->any_released = true;
	return process(im, ev, err);
}

static int ring_grow(struct import *im, struct sim_error *err)
{
	/* big_calloc: from 4 MiB on in 2 MiB pages, not faulted in 4 KiB at a time (the
	 * growths were a sixth of the import's page faults, issue #17) */
	size_t cap = im->ring_cap * 2;
	/* past 1 MiB straight to big_calloc's mappings (4 MiB on): a ring of 2 MiB was
	 * calloc'd in 4 KiB pages */
	while (cap * sizeof(*im->ring) >= (1u << 20) && cap * sizeof(*im->ring) < (4u << 20))
		cap *= 2;
	struct ftrace_event *n = big_calloc(cap, sizeof(*n));
	if (!n)
		return oom(err);
	for (size_t i = 0; i < im->nr; i++)
		n[i] = *ring_at(im, i);
	big_free(im->ring, im->ring_cap, sizeof(*im->ring));
	im->ring = n;
	im->ring_cap = cap;
	im->head = 0;
	return 0;
}

int import_event(void *arg, const struct ftrace_event *in, struct sim_error *err)
{
	struct import *im = arg;
	im->st.nr_read++;
	im->st.by_event[in->id < NR_FTRACE_EVENTS ? in->id : 0]++;
	if (im->nr == im->opts.max_window_events && release_one(im, err))
		return -1;
	if (im->nr == im->ring_cap && ring_grow(im, err))
		return -1;
	/* Insertion from the tail: O(1) for the (usual) already-sorted input. */
	size_t i = im->nr++;
	struct ftrace_event *slot = ring_at(im, i);
	*slot = *in;
	if (im->opts.round_ns > 1)
		slot->time_ns = (slot->time_ns + im->opts.round_ns / 2) / im->opts.round_ns * im->opts.round_ns;
	if (im->any_released && slot->time_ns < im->released_ns) {
		/* Older than an event already processed: the window was too small. */
		im->st.late++;
		slot->time_ns = im->released_ns;
	}
	while (i > 0 && before(slot, ring_at(im, i - 1))) {
		struct ftrace_event tmp = *ring_at(im, i - 1);
		*ring_at(im, i - 1) = *slot;
		*slot = tmp;
		slot = ring_at(im, --i);
	}
	im->newest_ns = MAX(im->newest_ns, slot->time_ns);
	im->st.max_window_held = MAX(im->st.max_window_held, im->nr);
	while (im->nr && ring_at(im, 0)->time_ns + im->opts.window_ns < im->newest_ns)
		if (release_one(im, err))
			return -1;
	return 0;
}

int import_finish(struct import *im, struct sim_error *err)
{
	while (im->nr)
		if (release_one(im, err))
			return -1;
	for (uint32_t i = 0; i < im->tasks.cap; i++) {
		struct map_slot *t = u64map_slot(&im->tasks, &map_type, i);
		if (t->a == U64MAP_EMPTY)
			continue;
		if ((t->val & TS_FAULT) && !(t->val & TS_FAULT_COUNTED))
			im->st.fault_unresolved++;
		t->val &= ~(TS_FAULT | TS_FAULT_COUNTED | TS_VPAGE_MASK);
	}
	if (im->st.first_ns == UINT64_MAX)
		im->st.first_ns = 0;
	rspeed_result(&im->rspeed, &im->st.rspeed);
	return 0;
}

uint64_t import_dropped(const struct import_stats *s)
{
	uint64_t n = s->free_of_effect_alloc + s->alloc_failed + s->observed + s->ignored + s->filemap +
		     s->fault_first_touch + s->free_batched_dup + s->swapin_alloc + s->free_part;
	for (unsigned i = 0; i < NR_IMPORT_EFFECTS; i++)
		n += s->alloc_effect[i] + s->free_effect[i];
	return n;
}

uint64_t import_unmatched(const struct import_stats *s)
{
	return s->free_unmatched + s->free_tail + s->dirty_unmapped + s->fault_unresolved +
	       s->cma_release_unmatched + s->invalid;
}

/* ---- header keys */

static int meta_u64(struct trace_header *h, const char *key, uint64_t v, struct sim_error *err)
{
	if (trace_meta_set(h, key, "%" PRIu64, v))
		return sim_error_set(err, EX_SOFTWARE_, "trace header full at key %s", key);
	return 0;
}

static int meta_results(struct trace_header *h, const char *prefix, const uint64_t *counts,
			const char *const *names, unsigned n, struct sim_error *err)
{
	char key[64];
	for (unsigned i = 0; i <= n; i++) {
		if (!counts[i])
			continue;
		snprintf(key, sizeof(key), "observed.%s.%s", prefix, i < n ? names[i] : "other");
		if (meta_u64(h, key, counts[i], err))
			return -1;
	}
	return 0;
}

int import_observed_meta(const struct import_stats *s, const struct ftrace_read_stats *rs,
			 struct trace_header *h, struct sim_error *err)
{
	char key[64];
	for (unsigned i = 0; i < NR_IMPORT_OBS; i++) {
		if (!s->by_event[obs_source[i]] && !s->obs[i])
			continue;
		snprintf(key, sizeof(key), "observed.%s", import_obs_names[i]);
		if (meta_u64(h, key, s->obs[i], err))
			return -1;
	}
	if (meta_results(h, "compaction_end", s->compact_end, ftrace_compact_result_names,
			 NR_COMPACT_RESULTS, err) ||
	    meta_results(h, "compaction_suitable", s->compact_suitable, ftrace_compact_result_names,
			 NR_COMPACT_RESULTS, err) ||
	    meta_results(h, "compaction_finished", s->compact_finished, ftrace_compact_result_names,
			 NR_COMPACT_RESULTS, err) ||
	    meta_results(h, "migrate_reason", s->migrate_reason, ftrace_migrate_reason_names,
			 NR_MIGRATE_REASONS, err))
		return -1;
	if (meta_u64(h, "observed.trace_start_ns", s->first_ns, err) ||
	    meta_u64(h, "observed.trace_duration_ns", s->last_ns - s->first_ns, err))
		return -1;
	if (rs && rs->nr_lost_markers && meta_u64(h, "observed.lost_events", rs->nr_lost_events, err))
		return -1;
	return 0;
}

char *import_meta_text(char *dst, size_t size, const char *src)
{
	sim_assert(size > 8);
	while (*src == ' ')
		src++;
	size_t n = strlen(src);
	while (n && src[n - 1] == ' ')
		n--;
	size_t skip = 0, o = 0;
	if (n > size - 1) {
		skip = n - (size - 1 - 3);
		memcpy(dst, "...", 3);
		o = 3;
	}
	for (size_t i = skip; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[o++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	dst[o] = 0;
	return dst;
}

static int by_records(const void *a, const void *b)
{
	const struct import_task *x = a, *y = b;
	if (x->nr_records != y->nr_records)
		return x->nr_records > y->nr_records ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

size_t import_tasks(const struct import *im, const struct import_task **tasks)
{
	/* sorted on demand: most records first, ties by pid; qsort()'s base must not be
	 * NULL even for zero elements (C11 7.22.5p1), and an empty import has no table */
	if (im->nr_names)
		qsort(im->names, im->nr_names, sizeof(*im->names), by_records);
	*tasks = im->names;
	return im->nr_names;
}

int import_task_meta(const struct import *im, struct trace_header *h, unsigned max,
		     struct sim_error *err)
{
	const struct import_task *t;
	size_t n = import_tasks(im, &t);
	char key[64];
	for (size_t i = 0; i < n && i < max; i++) {
		char comm[FTRACE_COMM_LEN];
		snprintf(key, sizeof(key), "task.%u", t[i].pid);
		import_meta_text(comm, sizeof(comm), t[i].comm);
		if (trace_meta_set(h, key, "%s", comm[0] ? comm : "?"))
			return sim_error_set(err, EX_SOFTWARE_, "trace header full at key %s", key);
	}
	return 0;
}

/* ---- vmstat deltas */

struct vmstat {
	size_t nr;
	struct {
		char name[56];
		uint64_t value;
	} item[512];
};

static int read_vmstat(const char *path, struct vmstat *v, struct sim_error *err)
{
	int fd = sim_open_input(path, err);
	if (fd < 0)
		return -1;
	FILE *fp = fdopen(fd, "r");
	if (!fp) {
		close(fd);
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	}
	char line[256];
	unsigned lineno = 0;
	v->nr = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		char name[56];
		unsigned long long val;
		if (line[0] == '\n')
			continue;
		if (sscanf(line, "%55s %llu", name, &val) != 2 || v->nr == ARRAY_SIZE(v->item)) {
			fclose(fp);
			return sim_error_set(err, EX_DATAERR_, "%s:%u:1: not a /proc/vmstat line", path, lineno);
		}
		snprintf(v->item[v->nr].name, sizeof(v->item[v->nr].name), "%s", name);
		v->item[v->nr++].value = val;
	}
	fclose(fp);
	return 0;
}

/* /proc/vmstat before and after, read into *b and *a (malloc'd; the caller frees both,
 * also on error). */
static int read_vmstat_pair(const char *before, const char *after, struct vmstat **b, struct vmstat **a,
			    struct sim_error *err)
{
	*b = malloc(sizeof(**b));
	*a = malloc(sizeof(**a));
	if (!*a || !*b)
		return oom(err);
	return read_vmstat(before, *b, err) || read_vmstat(after, *a, err) ? -1 : 0;
}

int import_vmstat_meta(const char *before, const char *after, struct trace_header *h,
		       struct sim_error *err)
{
	int rc = -1;
	struct vmstat *b, *a;
	if (read_vmstat_pair(before, after, &b, &a, err))
		goto err;
	for (size_t i = 0; i < a->nr; i++) {
		for (size_t j = 0; j < b->nr; j++) {
			if (strcmp(a->item[i].name, b->item[j].name))
				continue;
			/* Gauges (nr_*) may fall: the delta is signed. */
			int64_t d = (int64_t)(a->item[i].value - b->item[j].value);
			char key[64];
			if (d && snprintf(key, sizeof(key), "observed.vmstat.%s", a->item[i].name) <
					 (int)sizeof(key) &&
			    trace_meta_set(h, key, "%" PRId64, d)) {
				sim_error_set(err, EX_SOFTWARE_, "trace header full at key %s", key);
				goto err;
			}
			break;
		}
	}
	rc = 0;
err:
	free(a);
	free(b);
	return rc;
}

/* ---- summary */

void import_print_summary(const struct import_stats *s, const struct ftrace_read_stats *rs,
			  FILE *fp)
{
	uint64_t from_events = s->nr_emitted - s->implied;
	uint64_t dropped = import_dropped(s), unmatched = import_unmatched(s);
	if (rs) {
		fprintf(fp, "lines read            %12" PRIu64 "\n", rs->nr_lines);
		fprintf(fp, "  header/comment      %12" PRIu64 "\n", rs->nr_header);
		fprintf(fp, "  lost-event markers  %12" PRIu64 "  (%" PRIu64 " events lost by the ring buffer)\n",
			rs->nr_lost_markers, rs->nr_lost_events);
		fprintf(fp, "  skipped (unknown)   %12" PRIu64 "\n", rs->nr_unknown);
		for (unsigned i = 0; i < rs->nr_unknown_names; i++)
			fprintf(fp, "    %-32s %10" PRIu64 "\n", rs->unknown[i].name, rs->unknown[i].count);
		fprintf(fp, "  parse errors        %12" PRIu64, rs->nr_errors);
		if (rs->nr_errors)
			fprintf(fp, "  (first at line %" PRIu64 ")", rs->first_error_line);
		fprintf(fp, "\n");
		for (unsigned i = 0; i < rs->nr_error_notes; i++)
			fprintf(fp, "    line %" PRIu64 ":%zu: %s\n", rs->error_note[i].line,
				rs->error_note[i].col, rs->error_note[i].reason);
		if (rs->nr_errors > rs->nr_error_notes)
			fprintf(fp, "    ... and %" PRIu64 " more\n", rs->nr_errors - rs->nr_error_notes);
	}
	fprintf(fp, "events                %12" PRIu64 "\n", s->nr_read);
	for (unsigned i = 1; i < NR_FTRACE_EVENTS; i++)
		if (s->by_event[i])
			fprintf(fp, "    %-36s %10" PRIu64 "\n", ftrace_event_names[i], s->by_event[i]);
	fprintf(fp, "  emitted             %12" PRIu64 "  (+ %" PRIu64 " implied records: frees of "
		"overlapped live objects, releases of failed cma_allocs, refault and pagecache hints, %" PRIu64
		" compact_memory triggers, %" PRIu64 " cpu records)\n", from_events, s->implied, s->compact_trigger,
		s->by_kind[TR_CPU]);
	fprintf(fp, "    records by kind, implied included:\n");
	for (unsigned k = 0; k < NR_TRACE_KINDS; k++)
		if (s->by_kind[k])
			fprintf(fp, "    %-20s %10" PRIu64 "\n", trace_kind_names[k], s->by_kind[k]);
	fprintf(fp, "  dropped             %12" PRIu64 "\n", dropped);
	for (unsigned i = 0; i < NR_IMPORT_EFFECTS; i++) {
		if (s->alloc_effect[i])
			fprintf(fp, "    alloc by %-15s %10" PRIu64 "\n", import_effect_names[i], s->alloc_effect[i]);
		if (s->free_effect[i])
			fprintf(fp, "    free by %-16s %10" PRIu64 "\n", import_effect_names[i], s->free_effect[i]);
	}
	fprintf(fp, "    free of effect alloc      %10" PRIu64 "\n", s->free_of_effect_alloc);
	fprintf(fp, "    alloc failed (page NULL)  %10" PRIu64 "\n", s->alloc_failed);
	fprintf(fp, "    observed (mechanism)      %10" PRIu64 "\n", s->observed);
	fprintf(fp, "    ignored (slab-level)      %10" PRIu64 "\n", s->ignored);
	fprintf(fp, "    page-cache mapping        %10" PRIu64 "\n", s->filemap);
	fprintf(fp, "    batched free of a freed page %7" PRIu64 "\n", s->free_batched_dup);
	fprintf(fp, "    fault = its allocation    %10" PRIu64 "\n", s->fault_first_touch);
	fprintf(fp, "    swap-in page allocation   %10" PRIu64 "\n", s->swapin_alloc);
	fprintf(fp, "    free of a part, not last  %10" PRIu64 "\n", s->free_part);
	fprintf(fp, "  unmatched           %12" PRIu64 "\n", unmatched);
	fprintf(fp, "    free, never allocated     %10" PRIu64 "\n", s->free_unmatched);
	fprintf(fp, "    free of a tail page       %10" PRIu64 "\n", s->free_tail);
	fprintf(fp, "    dirty, page unknown       %10" PRIu64 "\n", s->dirty_unmapped);
	fprintf(fp, "    fault, page unknown       %10" PRIu64 "\n", s->fault_unresolved);
	fprintf(fp, "    cma_release unknown       %10" PRIu64 "\n", s->cma_release_unmatched);
	fprintf(fp, "    invalid values            %10" PRIu64 "\n", s->invalid);
	bool ok = s->nr_read == from_events + dropped + unmatched;
	fprintf(fp, "reconciliation: %" PRIu64 " read = %" PRIu64 " emitted + %" PRIu64 " dropped + %" PRIu64
		" unmatched%s\n", s->nr_read, from_events, dropped, unmatched, ok ? "" : "  ** DOES NOT ADD UP **");
	if (rs && rs->nr_lines != rs->nr_header + rs->nr_lost_markers + rs->nr_unknown + rs->nr_errors + s->nr_read)
		fprintf(fp, "reconciliation: lines do not add up\n");
	fprintf(fp, "frees of pages in use before the capture, released from the prefill: %" PRIu64
		" (movable %" PRIu64 ", kernel %" PRIu64 ", reclaimable slab %" PRIu64 ": by the pageblock's type)\n",
		s->free_prefill, s->free_prefill_kind[PF_REL_MOVABLE], s->free_prefill_kind[PF_REL_UNMOVABLE],
		s->free_prefill_kind[PF_REL_RECLAIMABLE]);
	if (s->wb_works)
		fprintf(fp, "writeback: %" PRIu64 " flusher works of %d pages or more wrote %" PRIu64 " pages in %" PRIu64
			" us: %" PRIu64 " MB/s (%s)\n",
			s->wb_works, WB_MEASURE_MIN_PAGES, s->wb_pages, s->wb_ns / 1000, import_wb_bandwidth(s) / 1000000,
			import_wb_measured(s) ? "devices.disk.bandwidth in the replay config"
					      : "under 50 ms in all: too short to tell the device, the default kept");
	{
		const struct rspeed_result *r = &s->rspeed;
		static const char *const per[NR_RSPEED] = {
			[RSPEED_FILE] = "page reclaimed", [RSPEED_ANON] = "page reclaimed",
			[RSPEED_SWAP_WRITE] = "page written", [RSPEED_ACTIVE] = "page taken",
			[RSPEED_MIGRATE] = "page migrated",
		};
		for (unsigned k = 0; k < NR_RSPEED; k++) {
			if (!r->batches[k])
				continue;
			fprintf(fp, "reclaim speed %-10s %" PRIu64 " batches, %" PRIu64 " pages: ", rspeed_kind_names[k],
				r->batches[k], r->pages[k]);
			if (!r->measured[k])
				fprintf(fp, "not measured (fewer than %d batches): costs.%s keeps its default\n",
					RSPEED_MIN_BATCHES, rspeed_cost_keys[k] ? rspeed_cost_keys[k] : "scan_page");
			else
				fprintf(fp, "median %" PRIu64 " ns per %s%s%s\n", r->ns_per_page[k], per[k],
					rspeed_cost_keys[k] ? ", in the replay config as costs." : " (shrink_active_list; not applied)",
					rspeed_cost_keys[k] ? rspeed_cost_keys[k] : "");
		}
	}
	fprintf(fp, "refaults: %" PRIu64 " page cache adds of an offset reclaim evicted (implied FREE + ACCESS), "
		"%" PRIu64 " of them a further part of a folio already back, %" PRIu64 " over several evicted folios "
		"(%" PRIu64 " ACCESS of the others they bring back); "
		"%" PRIu64 " activated refaults of pages evicted before the capture (HINT refault, from its counters)\n",
		s->refault, s->refault_part, s->refault_merged, s->refault_companion, s->refault_seeded);
	fprintf(fp, "swap-ins: %" PRIu64 " faults on an anonymous page reclaim had freed (ACCESS of its object, "
		"DIRTY for the %" PRIu64 " write faults); %" PRIu64 " whose page allocation never came\n",
		s->swapin, s->swapin_write, s->swapin_unclaimed);
	fprintf(fp, "failed allocations replayed as an attempt freed at once (implied ALLOC + FREE): %" PRIu64
		" (THP faults apart)\n", s->failed_attempts);
	fprintf(fp, "THP faults that fell back: %" PRIu64 " replayed as an attempt (implied ALLOC): %" PRIu64
		" kept for their range, its %" PRIu64 " base pages each after a HINT thp_part and %" PRIu64
		" freed with the range's first freed base page (implied FREE); the rest freed at once (implied FREE)\n",
		s->thp_fallback_probes, s->thp_fallback_kept, s->thp_parts, s->thp_range_frees);
	fprintf(fp, "page cache allocated unmovable: %" PRIu64 " page cache adds of pages allocated without "
		"__GFP_MOVABLE (HINT pagecache: on the file LRU)\n", s->pagecache_unmovable);
	fprintf(fp, "evicted before-capture folios: %" PRIu64 " (a prefill page cache object stands for each)\n",
		s->evict_prefill);
	if (s->command_pid)
		fprintf(fp, "tasks: %" PRIu64 " of the command's process tree (pid %u and its forks), %" PRIu64
			" outside it (task id | 2^31: charged with the rest of the machine)\n",
			s->command_tasks, s->command_pid, s->outside_tasks);
	fprintf(fp, "fsyncs: %" PRIu64 " files a task waited on the writeback of (implied HINT sync of their page cache)\n",
		s->fsync);
	fprintf(fp, "dirty folios placed by the task's last write allocation (no filemap event): %" PRIu64 "\n",
		s->dirty_by_write_alloc);
	fprintf(fp, "notes: %" PRIu64 " freed with another order than allocated; %" PRIu64
		" events later than the reorder window; at most %" PRIu64 " events held\n",
		s->free_order_mismatch, s->late, s->max_window_held);
	fprintf(fp, "gfp cross-check: %" PRIu64 " allocations whose migratetype= differs from the gfp's",
		s->gfp_mt_mismatch);
	if (s->gfp_mt_mismatch)
		fprintf(fp, " (first at line %" PRIu64 ")", s->gfp_mt_mismatch_first_line);
	fprintf(fp, "\n");
	for (unsigned g = 0; g < NR_MIGRATETYPES; g++)
		for (unsigned t = 0; t < NR_MIGRATETYPES; t++)
			if (s->mt_pair[g][t])
				fprintf(fp, "    gfp %s, trace %s: %" PRIu64 "\n", migratetype_names[g],
					migratetype_names[t], s->mt_pair[g][t]);
	fprintf(fp, "allocation classes:");
	for (unsigned c = 0; c < NR_ALLOC_CLASSES; c++)
		fprintf(fp, " %s %" PRIu64, alloc_class_names[c], s->alloc_class[c]);
	fprintf(fp, "\n");
}

/* ---- the capture's census for the starting state (prefill.c has the rest) --------- */

/* Reclaim takes page cache from the inactive list's tail, so the pre-capture folios it
 * removed, in the order it removed them, were the oldest on the LRU (pf_settle_lru). */
static int lru_tail_push(struct zoneinfo *zi, int z, unsigned order)
{
	if (sim_grow(&zi->lru_tail, &zi->lru_tail_cap, zi->lru_tail_len + 1, 1, 1024))
		return -1;
	zi->lru_tail[zi->lru_tail_len++] = ZONEINFO_TAIL(z, order);
	return 0;
}

/* An allocation's vote for its pageblock's type: the kernel serves a request from blocks
 * of its own migratetype (__rmqueue_smallest) and takes another type's only when its own
 * has no free page left (__rmqueue_claim/__rmqueue_steal, 6.18), so most pages allocated in
 * a block during the capture have the block's type. */
static int block_vote(struct zoneinfo *zi, const struct ftrace_event *ev)
{
	if (ev->migratetype < MIGRATE_UNMOVABLE || ev->migratetype > MIGRATE_RECLAIMABLE || ev->order < 0 ||
	    ev->order > MAX_PAGE_ORDER)
		return 0;
	if (zoneinfo_zone_of(zi, ev->pfn) < 0)
		return 0;
	size_t blk = (size_t)(ev->pfn >> ZONEINFO_BLOCK_ORDER);
	if (sim_grow(&zi->block_votes, &zi->nr_block_votes, blk + 1, sizeof(*zi->block_votes), 1024))
		return -1; /* the new votes start at 0 */
	unsigned shift = (unsigned)ev->migratetype * ZONEINFO_VOTE_BITS;
	uint64_t v = zi->block_votes[blk], n = ZONEINFO_VOTE(v, ev->migratetype) + (1ull << ev->order);
	n = MIN(n, ZONEINFO_VOTE_MAX);
	zi->block_votes[blk] = (v & ~(ZONEINFO_VOTE_MAX << shift)) | n << shift;
	return 0;
}

struct pf_evictions {
	struct u64map seen; /* pfns the capture allocated (val PE_ALLOC | PE_WRITE), added to the page cache
			     * or freed (val 0) */
	/* per pageblock, pages allocated at orders below it before any event freed them
	 * (zoneinfo free_sum / free_sq) */
	uint32_t *free_start;
	size_t nr_free_start;
	/* per pageblock, 1 once any allocation or free fell in it (zoneinfo whole_first) */
	uint8_t *touched;
	size_t nr_touched;
	struct u64map reclaiming; /* pids inside direct, memcg or node reclaim (begin..end) */
	struct u64map offsets; /* (ino, index) a page cache add or removal named */
	struct zoneinfo *zi;
	uint64_t *pages;
	int64_t nr;
	struct import_refault_census census;
};
#define PE_ALLOC 1u
#define PE_WRITE 2u

/* A page the capture allocated before anything freed it was free when the capture began
 * (or on a per-cpu list): counted for its pageblock.  A pageblock all of whose pages were
 * so counted was wholly free at the start (the two order-8 halves dd's page cache takes,
 * say): a whole block too (zoneinfo whole_first), as one allocation of the whole block
 * as its first event is (whole_first_count). */
static int free_start_count(struct pf_evictions *pe, const struct ftrace_event *ev)
{
	int z = zoneinfo_zone_of(pe->zi, ev->pfn);
	if (z < 0)
		return 0;
	size_t blk = (size_t)(ev->pfn >> ZONEINFO_BLOCK_ORDER);
	if (sim_grow(&pe->free_start, &pe->nr_free_start, blk + 1, sizeof(*pe->free_start), 1024))
		return -1; /* the new counts start at 0 */
	pe->free_start[blk] += 1u << ev->order;
	if (pe->free_start[blk] == 1u << ZONEINFO_BLOCK_ORDER)
		pe->zi->whole_first[z]++;
	return 0;
}

/* A pageblock's first allocation or free: when it allocates the whole block (and any
 * further ones of a larger order) the block was free when the capture began, or became
 * free without a traced free (zoneinfo whole_first). */
static int whole_first_count(struct pf_evictions *pe, const struct ftrace_event *ev)
{
	unsigned order = ev->order > 0 ? (unsigned)ev->order : 0;
	size_t first = (size_t)(ev->pfn >> ZONEINFO_BLOCK_ORDER);
	size_t n = order > ZONEINFO_BLOCK_ORDER ? (size_t)1 << (order - ZONEINFO_BLOCK_ORDER) : 1;
	if (sim_grow(&pe->touched, &pe->nr_touched, first + n, sizeof(*pe->touched), 1024))
		return -1; /* the new marks start at 0 */
	int z = zoneinfo_zone_of(pe->zi, ev->pfn);
	for (size_t b = first; b < first + n; b++) {
		if (pe->touched[b])
			continue;
		pe->touched[b] = 1;
		if (z >= 0 && ev->id == FEV_PAGE_ALLOC && order >= ZONEINFO_BLOCK_ORDER)
			pe->zi->whole_first[z]++;
	}
	return 0;
}

static int pf_eviction_event(void *arg, const struct ftrace_event *ev, struct sim_error *err)
{
	struct pf_evictions *pe = arg;
	if (!pe->zi->first_event_ns)
		pe->zi->first_event_ns = MAX(ev->time_ns, 1);
	pe->zi->last_event_ns = MAX(pe->zi->last_event_ns, ev->time_ns);
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_WRITEBACK_START:
		if (ev->result && !pe->zi->first_kupdate_ns)
			pe->zi->first_kupdate_ns = MAX(ev->time_ns, 1);
		return 0;
	case FEV_DIRECT_RECLAIM_BEGIN:
	case FEV_MEMCG_RECLAIM_BEGIN:
	case FEV_NODE_RECLAIM_BEGIN:
		return map_get(&pe->reclaiming, ev->pid, 0) ? 0 : oom(err);
	case FEV_DIRECT_RECLAIM_END:
	case FEV_MEMCG_RECLAIM_END:
	case FEV_NODE_RECLAIM_END: {
		struct map_slot *r = map_find(&pe->reclaiming, ev->pid, 0);
		if (r)
			map_del(&pe->reclaiming, r);
		return 0;
	}
	default:
		break;
	}
	if (ev->pfn == U64MAP_EMPTY)
		return 0;
	bool by_reclaim = ev->id == FEV_FILEMAP_DELETE &&
			  (comm_is(ev->comm, "kswapd") || map_find(&pe->reclaiming, ev->pid, 0));
	if ((ev->id == FEV_FILEMAP_ADD || ev->id == FEV_FILEMAP_DELETE) && ev->ino != U64MAP_EMPTY) {
		/* the refault census, in pages (handle_filemap and seeded_refault count the
		 * same way): a re-add over a shadow is a refault the trace shows */
		int had = offsets_mark(&pe->offsets, ev, by_reclaim);
		if (had < 0)
			return oom(err);
		const struct map_slot *a = map_find(&pe->seen, ev->pfn, 0);
		if (ev->id == FEV_FILEMAP_ADD && (had & OFS_SHADOW))
			pe->census.readds += folio_pages(ev);
		else if (ev->id == FEV_FILEMAP_ADD && !had && a && (a->val & PE_ALLOC) && !(a->val & PE_WRITE))
			pe->census.candidates += folio_pages(ev);
	}
	if (ev->id == FEV_PAGE_ALLOC && block_vote(pe->zi, ev))
		return oom(err);
	if ((ev->id == FEV_PAGE_ALLOC || ev->id == FEV_PAGE_FREE || ev->id == FEV_PAGE_FREE_BATCHED) &&
	    ev->order <= MAX_PAGE_ORDER && whole_first_count(pe, ev))
		return oom(err);
	bool first = !map_find(&pe->seen, ev->pfn, 0); /* the capture's first event of the pfn */
	if (first && ev->id == FEV_PAGE_ALLOC && ev->order >= 0 && ev->order < ZONEINFO_BLOCK_ORDER &&
	    free_start_count(pe, ev))
		return oom(err);
	if (first && (ev->id == FEV_PAGE_FREE || ev->id == FEV_PAGE_FREE_BATCHED))
		return map_get(&pe->seen, ev->pfn, 0) ? 0 : oom(err); /* in use when the capture began */
	if (ev->id == FEV_PAGE_ALLOC || ev->id == FEV_FILEMAP_ADD) {
		struct map_slot *a = map_get(&pe->seen, ev->pfn, 0);
		if (!a)
			return oom(err);
		if (ev->id == FEV_PAGE_ALLOC)
			a->val = PE_ALLOC | (ev->gfp & __GFP_WRITE ? PE_WRITE : 0);
	} else if (ev->id == FEV_FILEMAP_DELETE && ev->order >= 0 && ev->order <= MAX_PAGE_ORDER &&
		   !map_find(&pe->seen, ev->pfn, 0)) {
		pe->pages[ev->order] += 1ull << ev->order;
		pe->nr++;
		int z = zoneinfo_zone_of(pe->zi, ev->pfn);
		if (z >= 0 && ev->order == PF_PMD_ORDER)
			pe->zi->file_pmd_removed[z] += 1ull << PF_PMD_ORDER;
		if (z >= 0 && by_reclaim && ev->order < MAX_PAGE_ORDER && lru_tail_push(pe->zi, z, (unsigned)ev->order))
			return oom(err);
	}
	return 0;
}

int64_t import_prefill_evictions(const char *path, const struct ftrace_read_opts *ro, struct zoneinfo *zi,
				 struct import_refault_census *rc, struct sim_error *err)
{
	struct pf_evictions pe = { .zi = zi, .pages = zi->file_folio_pages };
	struct ftrace_read_stats rs;
	int rc_ = ftrace_read(path, ro, pf_eviction_event, &pe, &rs, err);
	for (size_t b = 0; b < pe.nr_free_start; b++) {
		uint64_t c = MIN(pe.free_start[b], (uint64_t)1 << ZONEINFO_BLOCK_ORDER);
		int z = c ? zoneinfo_zone_of(zi, (uint64_t)b << ZONEINFO_BLOCK_ORDER) : -1;
		if (z >= 0)
			zi->free_sum[z] += c, zi->free_sq[z] += c * c;
	}
	free(pe.free_start);
	free(pe.touched);
	u64map_destroy(&pe.seen);
	u64map_destroy(&pe.reclaiming);
	u64map_destroy(&pe.offsets);
	if (rc)
		*rc = pe.census;
	return rc_ ? -1 : pe.nr;
}

/* The kernel counts a refault when a page cache add finds a shadow entry
 * (workingset_refault, 6.12), and activates it when the shadow is recent.  A page that
 * reclaim evicted during the capture refaults in the replay by the replay's own shadow
 * entries (handle_filemap); a page evicted before it left a shadow the trace cannot show,
 * and whether that shadow was recent depends on history the capture does not hold.  What
 * the capture does hold is the count: R - readds refaults were of such pages, and the
 * activated share of all refaults, A/R, is taken for them.  Only the activated ones are
 * given to the replay: an unactivated refault changes nothing but its counter, while an
 * activated one goes to the active list and moves prepare_scan_control's deactivation
 * test, which decides whether reclaim may trim the page cache alone. */
uint64_t import_untraced_refaults(const struct import_refault_census *rc, uint64_t refault_file,
				  uint64_t activate_file, uint64_t *untraced_out)
{
	*untraced_out = 0;
	if (!refault_file || refault_file <= rc->readds)
		return 0;
	uint64_t untraced = *untraced_out = refault_file - rc->readds;
	uint64_t act = MIN(activate_file, refault_file);
	/* untraced × act / R, rounded to nearest; both below 2^32 in any capture of hours */
	uint64_t n = (untraced * act + refault_file / 2) / refault_file;
	return MIN(n, rc->candidates);
}

int import_vmstat_deltas(const char *before, const char *after, const char *const *names, size_t n,
			 int64_t *delta, bool *found, struct sim_error *err)
{
	int rc = -1;
	struct vmstat *b, *a;
	if (read_vmstat_pair(before, after, &b, &a, err))
		goto out;
	const struct vmstat *v[2] = { b, a };
	for (size_t k = 0; k < n; k++) {
		uint64_t val[2];
		unsigned have = 0;
		for (int w = 0; w < 2; w++)
			for (size_t i = 0; i < v[w]->nr; i++)
				if (!strcmp(v[w]->item[i].name, names[k])) {
					val[w] = v[w]->item[i].value;
					have |= 1u << w;
					break;
				}
		found[k] = have == 3;
		delta[k] = found[k] ? (int64_t)(val[1] - val[0]) : 0;
	}
	rc = 0;
out:
	free(a);
	free(b);
	return rc;
}

/* ---- SHA-256 of the source file, for the provenance key source_sha256. */

int import_file_sha256(const char *path, char hex[65], struct sim_error *err)
{
	struct sha256 c;
	sha256_init(&c);
	/* A FIFO or device cannot be read a second time after the import consumed it, and
	 * reopening it would wait for a writer that has gone: only regular files are hashed. */
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return sim_error_set(err, EX_NOINPUT_, "%s: not a regular file, so its contents cannot be "
				     "recorded (source_sha256); give it on stdin as '-' instead", path);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(errno));
	unsigned char buf[1 << 16];
	size_t n;
	errno = 0;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sha256_update(&c, buf, n);
	int bad = ferror(fp), e = errno;
	fclose(fp);
	if (bad)
		return sim_error_set(err, EX_IOERR_, "%s: read error: %s", path, e ? strerror(e) : "I/O error");
	sha256_final_hex(&c, hex);
	return 0;
}
