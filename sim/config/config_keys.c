#include "config_keys.h"

#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

const char *const config_type_names[NR_CONFIG_TYPES] = {
	"u64", "unsigned", "bool", "size (pages)", "pfn", "kbytes", "duration", "bandwidth",
	"enum", "string", "path",
};
_Static_assert(ARRAY_SIZE(config_type_names) == NR_CONFIG_TYPES, "names");

/* Row builders.  Each one checks at compile time that the struct field has the C type
 * its parser writes (a negative array size otherwise), so a row cannot scribble over a
 * field of another width. */
#define FIELD(f) (((struct config *)0)->f)
#define TYPECHECK(ok) (0 * sizeof(char[(ok) ? 1 : -1]))
#define IS_U64(f) _Generic(FIELD(f), uint64_t: 1, default: 0)
#define IS_UINT(f) _Generic(FIELD(f), unsigned: 1, default: 0)
#define IS_BOOL(f) _Generic(FIELD(f), bool: 1, default: 0)
#define IS_CHARS(f) _Generic(FIELD(f), char *: 1, default: 0)
#define AT(f, ok) .offset = offsetof(struct config, f), .size = sizeof(FIELD(f)) + TYPECHECK(ok)

#define K_U64(p, f, lo, hi, d, u, k, doc_) \
	{ .path = p, .type = CFG_U64, AT(f, IS_U64(f)), .min = lo, .max = hi, .def = d, .unit = u, .knob = k, .doc = doc_ }
#define K_UINT(p, f, lo, hi, d, u, k, doc_) \
	{ .path = p, .type = CFG_UNSIGNED, AT(f, IS_UINT(f)), .min = lo, .max = hi, .def = d, .unit = u, .knob = k, .doc = doc_ }
#define K_BOOL(p, f, d, k, doc_) \
	{ .path = p, .type = CFG_BOOL, AT(f, IS_BOOL(f)), .min = 0, .max = 1, .def = d, .unit = "", .knob = k, .doc = doc_ }
#define K_PAGES(p, f, lo, hi, d, k, doc_) \
	{ .path = p, .type = CFG_PAGES, AT(f, IS_U64(f)), .min = lo, .max = hi, .def = d, .unit = "pages", .knob = k, .doc = doc_ }
#define K_KBYTES(p, f, lo, hi, d, k, doc_) \
	{ .path = p, .type = CFG_KBYTES, AT(f, IS_U64(f)), .min = lo, .max = hi, .def = d, .unit = "KiB", .knob = k, .doc = doc_ }
#define K_DUR(p, f, lo, hi, d, k, doc_) \
	{ .path = p, .type = CFG_DURATION, AT(f, IS_U64(f)), .min = lo, .max = hi, .def = d, .unit = "ns", .knob = k, .doc = doc_ }
#define K_BW(p, f, lo, hi, d, k, doc_) \
	{ .path = p, .type = CFG_BANDWIDTH, AT(f, IS_U64(f)), .min = lo, .max = hi, .def = d, .unit = "bytes/s", .knob = k, .doc = doc_ }
#define K_ENUM(p, f, tbl, n, d, k, doc_) \
	{ .path = p, .type = CFG_ENUM, AT(f, sizeof(FIELD(f)) == sizeof(int)), .names = tbl, .nr_names = n, \
	  .def = d, .unit = "", .knob = k, .doc = doc_ }
#define K_STR(p, t, f, d, k, doc_) \
	{ .path = p, .type = t, AT(f, IS_CHARS(f)), .def = d, .unit = "", .knob = k, .doc = doc_ }

/* List rows address a field of one element (struct cma_region_config). */
#define RFIELD(f) (((struct cma_region_config *)0)->f)
#define R_AT(f, ok) .offset = offsetof(struct cma_region_config, f), .size = sizeof(RFIELD(f)) + TYPECHECK(ok), \
	.list = &cma_regions_list

static const struct config_list cma_regions_list = {
	.path = "policy.cma.regions",
	.array_offset = offsetof(struct config, policy.cma.regions),
	.count_offset = offsetof(struct config, policy.cma.nr_regions),
	.elem_size = sizeof(struct cma_region_config),
	.max = CONFIG_MAX_CMA_REGIONS,
	.elem_name_prefix = "cma", /* the kernel names areas without a name "cma%d" */
	.elem_name_offset = offsetof(struct cma_region_config, name),
	.elem_name_size = sizeof(RFIELD(name)),
};
_Static_assert(sizeof(FIELD(policy.cma.nr_regions)) == sizeof(unsigned), "list count is unsigned");

/* machine.pcp_start rows address a field of one struct pcp_start_config. */
#define PFIELD(f) (((struct pcp_start_config *)0)->f)
#define IS_UINT_P(f) _Generic(PFIELD(f), unsigned: 1, default: 0)
#define P_AT(f, ok) .offset = offsetof(struct pcp_start_config, f), .size = sizeof(PFIELD(f)) + TYPECHECK(ok), \
	.list = &pcp_start_list

static const struct config_list pcp_start_list = {
	.path = "machine.pcp_start",
	.array_offset = offsetof(struct config, machine.pcp_start),
	.count_offset = offsetof(struct config, machine.nr_pcp_start),
	.elem_size = sizeof(struct pcp_start_config),
	.max = CONFIG_MAX_PCP_START,
};
_Static_assert(sizeof(FIELD(machine.nr_pcp_start)) == sizeof(unsigned), "list count is unsigned");

/* machine.compaction_defer rows address a field of one struct compaction_defer_config. */
#define DFIELD(f) (((struct compaction_defer_config *)0)->f)
#define IS_UINT_D(f) _Generic(DFIELD(f), unsigned: 1, default: 0)
#define D_AT(f, ok) .offset = offsetof(struct compaction_defer_config, f), .size = sizeof(DFIELD(f)) + TYPECHECK(ok), \
	.list = &compaction_defer_list

static const struct config_list compaction_defer_list = {
	.path = "machine.compaction_defer",
	.array_offset = offsetof(struct config, machine.compaction_defer),
	.count_offset = offsetof(struct config, machine.nr_compaction_defer),
	.elem_size = sizeof(struct compaction_defer_config),
	.max = MAX_NR_ZONES,
};
_Static_assert(sizeof(FIELD(machine.nr_compaction_defer)) == sizeof(unsigned), "list count is unsigned");

/* machine.watermark_boost_start rows address a field of one struct boost_start_config. */
#define BFIELD(f) (((struct boost_start_config *)0)->f)
#define B_AT(f, ok) .offset = offsetof(struct boost_start_config, f), .size = sizeof(BFIELD(f)) + TYPECHECK(ok), \
	.list = &boost_start_list

static const struct config_list boost_start_list = {
	.path = "machine.watermark_boost_start",
	.array_offset = offsetof(struct config, machine.boost_start),
	.count_offset = offsetof(struct config, machine.nr_boost_start),
	.elem_size = sizeof(struct boost_start_config),
	.max = MAX_NR_ZONES,
};
_Static_assert(sizeof(FIELD(machine.nr_boost_start)) == sizeof(unsigned), "list count is unsigned");

/* machine.compaction_scan_start rows address a field of one struct scan_start_config. */
#define SFIELD(f) (((struct scan_start_config *)0)->f)
#define IS_U64_S(f) _Generic(SFIELD(f), uint64_t: 1, default: 0)
#define S_AT(f, ok) .offset = offsetof(struct scan_start_config, f), .size = sizeof(SFIELD(f)) + TYPECHECK(ok), \
	.list = &scan_start_list

static const struct config_list scan_start_list = {
	.path = "machine.compaction_scan_start",
	.array_offset = offsetof(struct config, machine.scan_start),
	.count_offset = offsetof(struct config, machine.nr_scan_start),
	.elem_size = sizeof(struct scan_start_config),
	.max = MAX_NR_ZONES,
};
_Static_assert(sizeof(FIELD(machine.nr_scan_start)) == sizeof(unsigned), "list count is unsigned");

/* machine.compaction_skip_start rows address a field of one struct skip_start_config. */
#define KFIELD(f) (((struct skip_start_config *)0)->f)
#define IS_U64_K(f) _Generic(KFIELD(f), uint64_t: 1, default: 0)
#define K_AT(f, ok) .offset = offsetof(struct skip_start_config, f), .size = sizeof(KFIELD(f)) + TYPECHECK(ok), \
	.list = &skip_start_list

static const struct config_list skip_start_list = {
	.path = "machine.compaction_skip_start",
	.array_offset = offsetof(struct config, machine.skip_start),
	.count_offset = offsetof(struct config, machine.nr_skip_start),
	.elem_size = sizeof(struct skip_start_config),
	.max = CONFIG_MAX_SKIP_START,
};
_Static_assert(sizeof(FIELD(machine.nr_skip_start)) == sizeof(unsigned), "list count is unsigned");

static const char *const age_mode_names[NR_MACHINE_AGE_MODES] = { "fresh", "aged" };

/* Largest machine: pfns are 32-bit (pfn_t) and PFN_NONE is reserved. */
#define MAX_PAGES ((uint64_t)PFN_NONE - 1)
#define MAX_DUR (3600 * NSEC_PER_SEC)
#define MAX_BW (1ull << 50)

/* Order matters: it is the JSON and README order, and rows sharing a prefix must be
 * adjacent.  Kernel references (§x.y) are to sections of docs/model.md. */
static const struct config_key keys[] = {
	K_U64("seed", seed, 0, UINT64_MAX, "1", "", "-",
	      "seed of the run; every subsystem derives its own GSL stream from it"),

	/* Default machine: a 4 GiB x86-64 box.  DMA covers the first 16 MiB (less the
	 * firmware-reserved pages: 4080 present here, 3999 on a real machine), DMA32 runs
	 * up to the 3 GiB PCI hole, and the last 1 GiB is remapped above 4 GiB as Normal
	 * (model.md §1.3). */
	K_PAGES("machine.zones.dma", machine.zone_pages[ZONE_DMA], 0, MAX_PAGES, "4080",
		"ZONE_DMA present pages", "pages in ZONE_DMA (first 16 MiB on x86-64)"),
	K_PAGES("machine.zones.dma32", machine.zone_pages[ZONE_DMA32], 0, MAX_PAGES, "3056MiB",
		"ZONE_DMA32 present pages", "pages in ZONE_DMA32 (below 4 GiB)"),
	K_PAGES("machine.zones.normal", machine.zone_pages[ZONE_NORMAL], 0, MAX_PAGES, "1GiB",
		"ZONE_NORMAL present pages", "pages in ZONE_NORMAL"),
	K_PAGES("machine.zones.movable", machine.zone_pages[ZONE_MOVABLE], 0, MAX_PAGES, "0",
		"kernelcore= / movablecore=", "pages in ZONE_MOVABLE (GFP_HIGHUSER_MOVABLE only)"),
	K_UINT("machine.nr_cpus", machine.nr_cpus, 1, 1024, "2", "cpus", "nr_cpu_ids",
	       "CPUs, for per-cpu page list high/batch sizing"),
	K_BOOL("machine.cpu_contention", machine.cpu_contention, "false", "-",
	       "slow-path CPU work (direct reclaim, compaction, migration) shares machine.nr_cpus with the other "
	       "requests doing such work and with kswapd and kcompactd while they run: with more of them than "
	       "CPUs each takes proportionally longer (I/O waits are not stretched)"),
	K_UINT("machine.pageblock_order", machine.pageblock_order, 1, MAX_PAGE_ORDER, "9", "order",
	       "pageblock_order", "log2 pages per pageblock (9 = 2 MiB on x86-64, model.md §1.1)"),
	K_KBYTES("machine.min_free_kbytes", machine.min_free_kbytes, 0, 1ull << 40, "0",
		 "vm.min_free_kbytes", "0 = computed as at boot: sqrt(16 x lowmem KiB), raised by THP (model.md §3.1)"),
	K_BOOL("machine.thp", machine.thp, "false", "transparent_hugepage/enabled",
	       "kernel built with THP: a computed min_free_kbytes rises to 5632 pages per lowmem zone (model.md §3.1); the pageblock order goes on the per-cpu lists (§2.8)"),
	K_UINT("machine.watermark_scale_factor", machine.watermark_scale_factor, 1, 3000, "10",
	       "1/10000 of zone", "vm.watermark_scale_factor", "gap between min, low and high watermarks"),
	K_UINT("machine.watermark_boost_factor", machine.watermark_boost_factor, 0, INT_MAX, "15000",
	       "1/10000 of high", "vm.watermark_boost_factor", "boost ceiling after a fallback; 0 disables (model.md §3.5)"),
	K_UINT("machine.lowmem_reserve_ratio.dma", machine.lowmem_reserve_ratio[ZONE_DMA], 0, INT_MAX,
	       "256", "ratio", "vm.lowmem_reserve_ratio[0]", "DMA keeps (higher zones' pages / ratio) from higher-zone requests; 0 = none (model.md §1.4)"),
	K_UINT("machine.lowmem_reserve_ratio.dma32", machine.lowmem_reserve_ratio[ZONE_DMA32], 0, INT_MAX,
	       "256", "ratio", "vm.lowmem_reserve_ratio[1]", "the same for DMA32"),
	K_UINT("machine.lowmem_reserve_ratio.normal", machine.lowmem_reserve_ratio[ZONE_NORMAL], 0, INT_MAX,
	       "32", "ratio", "vm.lowmem_reserve_ratio[2]", "the same for Normal"),
	K_UINT("machine.lowmem_reserve_ratio.movable", machine.lowmem_reserve_ratio[ZONE_MOVABLE], 0, INT_MAX,
	       "0", "ratio", "vm.lowmem_reserve_ratio[3]", "the same for Movable"),
	K_UINT("machine.lowmem_reserve_ratio.cma", machine.lowmem_reserve_ratio[ZONE_CMA], 0, INT_MAX,
	       "0", "ratio", "ZONE_CMA patches", "the same for the CMA zone (zone_cma policy only)"),
	K_BOOL("machine.pcp", machine.pcp, "true", "per-cpu pagesets",
	       "model per-cpu page lists (high/batch, model.md §2.8)"),
	K_BOOL("machine.pcp_autotune", machine.pcp_autotune, "false", "6.7+ pcp->high auto-tuning",
	       "6.7+ kernels: true. Each per-cpu list's high moves between high_min and high_max as pages are freed and "
	       "allocated, and decays once a second (decay_pcp_high); false: high stays at high_min and "
	       "refills and drains take `batch` pages, as before 6.7 (model.md §2.8)"),
	K_UINT("machine.cpu_data_slice_kb", machine.cpu_data_slice_kb, 0, 1u << 30, "0", "KiB",
	       "cacheinfo per_cpu_data_slice_size",
	       "each CPU's share of its last-level cache (LLC size / CPUs sharing it; 0: unknown, as the kernel without "
	       "cacheinfo). With machine.pcp_autotune, a list whose share exceeds 3 batches (PCPF_FREE_HIGH_BATCH) "
	       "drains a run of order 1..3 frees at once only while it holds a batch (model.md §2.8)"),
	{ .path = "machine.pcp_start[].zone", .type = CFG_ENUM, P_AT(zone, sizeof(PFIELD(zone)) == sizeof(int)),
	  .names = zone_keys, .nr_names = ZONE_MOVABLE + 1, .def = "normal", .unit = "",
	  .knob = "/proc/zoneinfo pagesets", .doc = "the zone of a per-cpu list the replay starts as captured (written by mmsim import)" },
	{ .path = "machine.pcp_start[].cpu", .type = CFG_UNSIGNED, P_AT(cpu, IS_UINT_P(cpu)), .min = 0, .max = 1023,
	  .def = "0", .unit = "", .knob = "pagesets cpu:", .doc = "its CPU, below machine.nr_cpus" },
	{ .path = "machine.pcp_start[].count", .type = CFG_PAGES, P_AT(count, _Generic(PFIELD(count), uint64_t: 1, default: 0)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "pagesets count:",
	  .doc = "pages the list holds when an imported trace's prefill ends: free order-0 pages of the zone are moved onto it (as many as there are; model.md §2.8)" },
	{ .path = "machine.pcp_start[].high", .type = CFG_UNSIGNED, P_AT(high, IS_UINT_P(high)), .min = 0, .max = 4294967295u,
	  .def = "0", .unit = "pages", .knob = "pagesets high:",
	  .doc = "the list's high from then on with machine.pcp_autotune (kept within high_min..high_max when next used, as nr_pcp_high does; 0, or the tuning off: high_min)" },
	{ .path = "machine.pcp_start[].blocks", .type = CFG_UNSIGNED, P_AT(blocks, IS_UINT_P(blocks)),
	  .min = 0, .max = 4294967295u, .def = "0", .unit = "pageblocks", .knob = "first allocations of untouched pageblocks",
	  .doc = "of count, pages in whole free pageblocks, at the list's oldest end (drained first): blocks the capture allocated whole with no traced free, beyond the buddy's (mmsim import; model.md §2.8)" },
	{ .path = "machine.compaction_defer[].zone", .type = CFG_ENUM, D_AT(zone, sizeof(DFIELD(zone)) == sizeof(int)),
	  .names = zone_keys, .nr_names = ZONE_MOVABLE + 1, .def = "normal", .unit = "",
	  .knob = "mm_compaction_deferred zone=", .doc = "a zone whose compaction deferral starts as a capture saw it (written by mmsim import; model.md §5.6)" },
	{ .path = "machine.compaction_defer[].considered", .type = CFG_UNSIGNED, D_AT(considered, IS_UINT_D(considered)),
	  .min = 0, .max = 64, .def = "0", .unit = "", .knob = "consider=",
	  .doc = "compact_considered: attempts counted since the zone was last deferred" },
	{ .path = "machine.compaction_defer[].shift", .type = CFG_UNSIGNED, D_AT(shift, IS_UINT_D(shift)), .min = 0, .max = 6,
	  .def = "0", .unit = "", .knob = "limit= (1 << shift)",
	  .doc = "compact_defer_shift: after a failure, 1 << shift attempts at order_failed or above are deferred" },
	{ .path = "machine.compaction_defer[].order_failed", .type = CFG_UNSIGNED, D_AT(order_failed, IS_UINT_D(order_failed)),
	  .min = 0, .max = 11, .def = "0", .unit = "", .knob = "order_failed=",
	  .doc = "compact_order_failed: the lowest order whose compaction failed (orders below it are never deferred)" },
	{ .path = "machine.watermark_boost_start[].zone", .type = CFG_ENUM, B_AT(zone, sizeof(BFIELD(zone)) == sizeof(int)),
	  .names = zone_keys, .nr_names = ZONE_MOVABLE + 1, .def = "normal", .unit = "",
	  .knob = "zoneinfo boost", .doc = "a zone whose watermark boost starts as a capture saw it, when an imported trace's prefill ends (written by mmsim import; model.md §3.3)" },
	{ .path = "machine.watermark_boost_start[].pages", .type = CFG_PAGES, B_AT(pages, _Generic(BFIELD(pages), uint64_t: 1, default: 0)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "zoneinfo boost",
	  .doc = "zone->watermark_boost then: every watermark of the zone is that much higher, and kswapd's next run reclaims it" },
	{ .path = "machine.watermark_boost_start[].wake", .type = CFG_BOOL, B_AT(wake, _Generic(BFIELD(wake), bool: 1, default: 0)),
	  .def = "false", .unit = "", .knob = "mm_vmscan_wakeup_kswapd gfp_flags=none",
	  .doc = "ZONE_BOOSTED_WATERMARK still set: the zone's next allocation that may wake kswapd does (mmsim import: the capture's first boost wake came before any fragmenting fallback)" },
	{ .path = "machine.compaction_scan_start[].zone", .type = CFG_ENUM, S_AT(zone, sizeof(SFIELD(zone)) == sizeof(int)),
	  .names = zone_keys, .nr_names = ZONE_MOVABLE + 1, .def = "normal", .unit = "",
	  .knob = "mm_compaction_begin", .doc = "a zone whose compaction scanners start where a capture saw them, when an imported trace's prefill ends (written by mmsim import; model.md §5.4)" },
	{ .path = "machine.compaction_scan_start[].migrate_async", .type = CFG_PAGES, S_AT(migrate_async, IS_U64_S(migrate_async)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "mm_compaction_begin mode=async migrate_pfn=",
	  .doc = "compact_cached_migrate_pfn[async], pages from the zone's start (0: the zone's start)" },
	{ .path = "machine.compaction_scan_start[].migrate_sync", .type = CFG_PAGES, S_AT(migrate_sync, IS_U64_S(migrate_sync)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "mm_compaction_begin mode=sync migrate_pfn=",
	  .doc = "compact_cached_migrate_pfn[sync], pages from the zone's start (0: the zone's start)" },
	{ .path = "machine.compaction_scan_start[].free", .type = CFG_PAGES, S_AT(free, IS_U64_S(free)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "mm_compaction_begin free_pfn=",
	  .doc = "compact_cached_free_pfn, pages from the zone's start (0: the zone's last pageblock)" },
	{ .path = "machine.compaction_skip_start[].zone", .type = CFG_ENUM, K_AT(zone, sizeof(KFIELD(zone)) == sizeof(int)),
	  .names = zone_keys, .nr_names = ZONE_MOVABLE + 1, .def = "normal", .unit = "",
	  .knob = "mm_compaction_isolate_freepages range=", .doc = "a zone with pageblocks skip-marked (PB_migrate_skip) as a capture began, set when an imported trace's prefill ends (written by mmsim import from the scanners' walks; docs/import.md \"Skip bits\")" },
	{ .path = "machine.compaction_skip_start[].start", .type = CFG_PAGES, K_AT(start, IS_U64_K(start)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "mm_compaction_isolate_freepages range=",
	  .doc = "the first of them, pages from the zone's start (rounded down to a pageblock)" },
	{ .path = "machine.compaction_skip_start[].pages", .type = CFG_PAGES, K_AT(pages, IS_U64_K(pages)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "mm_compaction_isolate_freepages range=",
	  .doc = "how far they go: every MOVABLE or CMA pageblock starting in [start, start + pages) is marked skip" },
	K_BOOL("machine.mobility_grouping", machine.mobility_grouping, "true",
	       "page_group_by_mobility_disabled (inverted)", "group pages by migratetype in pageblocks"),
	K_BOOL("machine.shuffle", machine.shuffle, "false", "page_alloc.shuffle=1",
	       "CONFIG_SHUFFLE_PAGE_ALLOCATOR: at boot the free MAX_PAGE_ORDER blocks of each zone are shuffled, "
	       "and a freed block of that order goes to the head or the tail of its list at random, so memory is "
	       "no longer handed out in address order (model.md §2.10)"),
	K_ENUM("machine.age.mode", machine.age.mode, age_mode_names, NR_MACHINE_AGE_MODES, "fresh", "uptime",
	       "fresh: the trace starts on a machine straight from boot; aged: a seeded warm-up churn runs first "
	       "(machine.age.*) and the outputs cover the trace only (model.md §2.10)"),
	K_UINT("machine.age.passes", machine.age.passes, 0, 100, "3", "passes", "-",
	       "aged: warm-up passes; in each, memory's worth of short-lived objects is replaced while memory stays "
	       "at fill_pct, and kernel caches grow to 8x what the pass leaves, then shrink; 0 = fill and drain only"),
	K_UINT("machine.age.fill_pct", machine.age.fill_pct, 1, 100, "100", "%", "-",
	       "aged: the warm-up keeps this share of present pages in use (100: full, reclaim drops page cache to "
	       "make room, as on a machine whose page cache has grown) until it drains"),
	K_UINT("machine.age.unmovable_pct", machine.age.unmovable_pct, 0, 100, "4", "%", "-",
	       "aged: long-lived unmovable kernel memory (slab-like, orders 0..3, GFP_KERNEL) left at the end"),
	K_UINT("machine.age.reclaimable_pct", machine.age.reclaimable_pct, 0, 100, "3", "%", "-",
	       "aged: long-lived reclaimable slab (dentries, inodes: orders 0..1, __GFP_RECLAIMABLE) left at the end"),
	K_UINT("machine.age.pagecache_pct", machine.age.pagecache_pct, 0, 100, "15", "%", "-",
	       "aged: clean page cache left on the file LRU at the end, chosen among the noise (what reclaim dropped "
	       "during the warm-up stays dropped); the trace's pressure can reclaim it"),
	K_UINT("machine.age.anon_pct", machine.age.anon_pct, 0, 100, "50", "%", "-",
	       "aged: share of the short-lived noise that is anon (process memory, all freed); the rest is page cache"),

	K_BOOL("machine.memcg.split_prefill", machine.memcg.split_prefill, "false", "memory cgroups",
	       "task 0 (an imported trace's prefill: the rest of the machine) and tasks with bit 31 set (outside "
	       "the captured command) are charged to one memcg and every other task to a second, each with its own "
	       "LRU lists; reclaim scans each memcg in proportion to its size (model.md §4.3); mmsim import sets it"),
	K_UINT("machine.memcg.rest_swappiness", machine.memcg.rest_swappiness, 0, 200, "60", "", "memory.swappiness",
	       "with machine.memcg.split_prefill: the swappiness memcg 0 (the rest of the machine) reclaims with, as a "
	       "cgroup v1 memcg reclaims with its own memory.swappiness (mem_cgroup_swappiness); the command's memcg "
	       "uses policy.swappiness; 60 is the kernel's default; mmsim import sets it from a cgroup v2 capture's "
	       "vm.swappiness"),
	K_UINT("machine.memcg.stats_flush_ms", machine.memcg.stats_flush_ms, 0, 60000, "0", "ms",
	       "flush_memcg_stats_dwork (FLUSH_TIME)",
	       "0: reclaim reads the LRU sizes and workingset activations live; otherwise prepare_scan_control and "
	       "snapshot_refaults read the root memcg's statistics as last flushed, every this many ms (6.18: 2000), "
	       "the first flush one period after the measurement starts (model.md §4.3); mmsim import sets 2000"),
	K_BOOL("machine.memcg.stats_start_file_low", machine.memcg.stats_start_file_low, "false", "lruvec_page_state",
	       "with machine.memcg.stats_flush_ms: the statistics last flushed before the measurement started had the "
	       "inactive file list low, so reclaim deactivates page cache until the first flush; mmsim import sets it "
	       "when the capture's reclaims before then deactivated page cache after an earlier reclaim had ended"),
	K_ENUM("policy.cma.mode", policy.cma.mode, cma_mode_names, NR_CMA_MODES, "none", "CONFIG_CMA / ZONE_CMA / sticky",
	       "CMA policy: none, mainline MIGRATE_CMA, sticky MOVABLE blocks, or ZONE_CMA"),
	K_BOOL("policy.cma.balance_half_free", policy.cma.balance_half_free, "true", "5.7+ __rmqueue",
	       "migrate_cma: take CMA first when free CMA > half of free memory (model.md §7.1)"),
	K_ENUM("policy.cma.sticky", policy.cma.sticky, sticky_reading_names, NR_STICKY_READINGS, "accounted",
	       "sticky MIGRATE_MOVABLE (2016 thread)",
	       "sticky_movable reading: literal (UNMOVABLE/RECLAIMABLE fallbacks refused, nothing else) or accounted (free sticky pages also subtracted for non-movable requests, as free CMA is; model.md §7.1)"),
	K_ENUM("policy.cma.placement", policy.cma.placement, cma_placement_names, NR_CMA_PLACEMENTS, "high",
	       "cma=SIZE (base 0)",
	       "where regions with base auto sit in their home zone: high (packed down from its top, as the kernel places them) or low (packed up from its bottom); ignored under zone_cma"),
	K_BOOL("policy.cma.pin_migrate", policy.cma.pin_migrate, "true", "FOLL_LONGTERM (5.13+)",
	       "a long-term pin first migrates its page out of the CMA area and ZONE_MOVABLE (mainline since 5.13; Mel Gorman's option 8 for sticky blocks)"),
	{ .path = "policy.cma.regions[].name", .type = CFG_STRING, R_AT(name, _Generic(RFIELD(name), char *: 1, default: 0)),
	  .def = "", .unit = "", .knob = "cma area name", .doc = "region name; a new region is named cmaN (N = its index)" },
	{ .path = "policy.cma.regions[].base", .type = CFG_PFN, R_AT(base_pfn, _Generic(RFIELD(base_pfn), uint64_t: 1, default: 0)),
	  .min = 0, .max = MAX_PAGES, .def = "auto", .unit = "pfn", .knob = "cma=SIZE@BASE",
	  .doc = "first pfn (bare integer) or byte address (with unit), pageblock aligned; auto (= 0, as cma=SIZE without @BASE) packs regions down from the top of Normal; ignored under zone_cma" },
	{ .path = "policy.cma.regions[].size", .type = CFG_PAGES, R_AT(pages, _Generic(RFIELD(pages), uint64_t: 1, default: 0)),
	  .min = 0, .max = MAX_PAGES, .def = "0", .unit = "pages", .knob = "cma=SIZE",
	  .doc = "region size, a whole number of pageblocks" },
	{ .path = "policy.cma.regions[].order_per_bit", .type = CFG_UNSIGNED,
	  R_AT(order_per_bit, _Generic(RFIELD(order_per_bit), unsigned: 1, default: 0)),
	  .min = 0, .max = MAX_PAGE_ORDER, .def = "0", .unit = "order", .knob = "cma->order_per_bit",
	  .doc = "allocation bitmap granularity: one bit per 2^order pages" },
	K_ENUM("policy.reclaim", policy.reclaim, reclaim_policy_names, NR_RECLAIM_POLICIES, "classic", "-",
	       "LRU list policy: classic, ereclaimable (easily-reclaimable list), cflru (clean-first)"),
	K_UINT("policy.swappiness", policy.swappiness, 0, 200, "60", "", "vm.swappiness",
	       "anon vs file reclaim balance"),
	K_BOOL("policy.ereclaimable.writeback_reclaim", policy.ereclaimable.writeback_reclaim, "false", "-",
	       "ereclaimable: pages whose writeback ends with PG_reclaim join the easily-reclaimable list (model.md §9.3)"),
	K_PAGES("policy.ereclaimable.notify_threshold", policy.ereclaimable.notify_threshold, 0, MAX_PAGES, "0", "-",
		"ereclaimable: count a low-memory notification when free + easily-reclaimable drops below this; 0 = sum of high watermarks"),
	K_PAGES("policy.cflru.window", policy.cflru.window, 1, MAX_PAGES, "256", "-",
		"cflru: pages at the inactive file tail searched for clean pages before the normal scan"),
	K_UINT("policy.dirty_background_ratio", policy.dirty_background_ratio, 1, 100, "10", "%", "vm.dirty_background_ratio",
	       "flusher starts writing when dirty pages exceed this share of dirtyable memory (free + file LRU)"),
	K_UINT("policy.dirty_ratio", policy.dirty_ratio, 1, 100, "20", "%", "vm.dirty_ratio",
	       "writers pause (balance_dirty_pages, charged to the request) above this share"),
	K_ENUM("policy.defrag", policy.defrag, defrag_trigger_names, NR_DEFRAG_TRIGGERS, "failure", "-",
	       "compaction trigger: on allocation failure, per-order thresholds, or proactive"),
	K_UINT("policy.compaction_proactiveness", policy.compaction_proactiveness, 0, 100, "20", "",
	       "vm.compaction_proactiveness", "proactive compaction target (score thresholds 80/90 at 20, model.md §5.7)"),
	K_UINT("policy.extfrag_threshold", policy.extfrag_threshold, 0, 1000, "500", "",
	       "vm.extfrag_threshold", "fragmentation index above which compaction is preferred to reclaim"),
	K_BOOL("policy.compact_unevictable_allowed", policy.compact_unevictable_allowed, "true",
	       "vm.compact_unevictable_allowed", "compaction may move unevictable (mlocked) pages (model.md §5.4)"),
	K_BOOL("policy.compaction.direct", policy.compaction_direct, "true", "-",
	       "direct compaction in the allocation slow path; false: none, and costly orders do not retry "
	       "(as without gfp_compaction_allowed); kswapd and kcompactd still compact"),
	K_ENUM("policy.migration.nonlru", policy.migration_nonlru, nonlru_migration_names, NR_NONLRU_MIGRATIONS,
	       "handler", "movable_operations", "non-LRU movable pages (zsmalloc/zbud-like): handler = the owner "
	       "migrates them, reclaim = dropped when compaction wants to move them, pin = never move"),
	K_ENUM("policy.migration.pinned", policy.migration_pinned, pinned_migration_names, NR_PINNED_MIGRATIONS,
	       "never", "aio_migrate_folio", "pages held by owner pins (pin kind owner, the aio ring): never = a pin "
	       "never moves, callback = the owner's migrate callback moves the page and its pin follows"),
	K_BOOL("policy.migration.file_migrate_folio", policy.migration_file_migrate_folio, "true",
	       "a_ops->migrate_folio", "file mappings migrate dirty pages without writeback (ext4/xfs); false: "
	       "dirty file pages move only in MIGRATE_SYNC (fallback_migrate_folio, model.md §6.2)"),
#define K_DEFRAG_ORDER(o) \
	K_U64("policy.defrag_thresholds.order" #o, policy.defrag_thresholds[o], 0, UINT32_MAX, "0", "blocks", "-", \
	      "defrag=threshold: keep at least this many free order-" #o " blocks (larger blocks count as several); 0 = no target")
	K_DEFRAG_ORDER(1), K_DEFRAG_ORDER(2), K_DEFRAG_ORDER(3), K_DEFRAG_ORDER(4), K_DEFRAG_ORDER(5),
	K_DEFRAG_ORDER(6), K_DEFRAG_ORDER(7), K_DEFRAG_ORDER(8), K_DEFRAG_ORDER(9), K_DEFRAG_ORDER(10),
#undef K_DEFRAG_ORDER
	K_DUR("policy.defrag_interval", policy.defrag_interval_ns, NSEC_PER_MSEC, MAX_DUR, "100ms", "-",
	      "defrag=threshold: how often the background defragmenter checks the targets"),
	K_DUR("policy.compact_node_at", policy.compact_node_at_ns, 0, MAX_DUR, "0", "/proc/sys/vm/compact_node",
	      "compact every zone (order -1, MIGRATE_SYNC, as a write to compact_node) at this simulated time; 0 = never"),
	K_U64("policy.mapping_pool.size", policy.mapping_pool.size, 0, 65536, "0", "blocks", "-",
	      "per-mapping high-order page pools (Dave Hansen): blocks each file mapping keeps in reserve for its "
	      "page-cache allocations of policy.mapping_pool.order (model.md §5.8); 0 = off"),
	K_UINT("policy.mapping_pool.order", policy.mapping_pool.order, 1, 10, "4", "", "-",
	       "mapping_pool: the order its blocks have; only page-cache allocations of exactly this order use a pool"),
	K_DUR("policy.mapping_pool.refill_interval", policy.mapping_pool.refill_interval_ns, NSEC_PER_MSEC, MAX_DUR,
	      "100ms", "-", "mapping_pool: how often the background actor tops every pool up to its size"),
	K_UINT("policy.mapping_pool.max_mappings", policy.mapping_pool.max_mappings, 1, 4096, "64", "", "-",
	       "mapping_pool: mappings that get a pool (the first ones to allocate); later mappings allocate as usual"),

	K_BW("devices.disk.bandwidth", devices.disk_bandwidth_bps, 1, MAX_BW, "500MB/s", "block device",
	     "writeback and page-cache read bandwidth"),
	K_DUR("devices.disk.latency", devices.disk_latency_ns, 0, MAX_DUR, "100us", "block device",
	      "per-I/O latency of the disk"),
	K_DUR("devices.disk.kupdate_phase", devices.disk_kupdate_phase_ns, 0, 5 * NSEC_PER_SEC - 1, "0",
	      "dirty_writeback_centisecs",
	      "how far into its 5-s period the disk's flusher is at the first dirtying: the first periodic "
	      "writeback comes 5 s less this after it (mmsim import sets it from the capture)"),
	K_PAGES("devices.swap.size", devices.swap_pages, 0, MAX_PAGES, "0", "swapon",
		"swap space; 0 = no swap"),
	K_BW("devices.swap.bandwidth", devices.swap_bandwidth_bps, 1, MAX_BW, "500MB/s", "swap device",
	     "swap-out / swap-in bandwidth"),
	K_DUR("devices.swap.latency", devices.swap_latency_ns, 0, MAX_DUR, "100us", "swap device",
	      "per-I/O latency of the swap device"),
	K_UINT("devices.swap.queue_depth", devices.swap_queue_depth, 0, 65536, "256", "requests", "nr_requests",
	       "swap writes in flight at most (block-layer request tags): reclaim that finds the queue full "
	       "waits for a completion after its batch and goes on; 0 = unbounded"),
	K_UINT("devices.swap.page_cluster", devices.swap_page_cluster, 0, 9, "3", "", "/proc/sys/vm/page-cluster",
	       "swap-in readahead: a fault on a swapped-out page reads up to 2^page_cluster slots around its "
	       "own, the window growing with readahead hits (swap_cluster_readahead); 0 = no readahead"),

	K_DUR("costs.alloc_fast", costs.alloc_fast_ns, 0, MAX_DUR, "200ns", "get_page_from_freelist",
	      "simulated time of a fast-path allocation"),
	K_DUR("costs.scan_page", costs.scan_page_ns, 0, MAX_DUR, "50ns", "isolate_*_pages",
	      "reclaim or compaction: one page scanned"),
	K_DUR("costs.reclaim_page", costs.reclaim_page_ns, 0, MAX_DUR, "300ns", "shrink_folio_list",
	      "one page reclaimed (file; anon too unless costs.reclaim_anon_page is set)"),
	K_DUR("costs.reclaim_anon_page", costs.reclaim_anon_page_ns, 0, MAX_DUR, "300ns", "shrink_folio_list",
	      "one anonymous page reclaimed (its swap cache dropped, unmapped)"),
	K_DUR("costs.swap_write_page", costs.swap_write_page_ns, 0, MAX_DUR, "0", "pageout/swap_writeout",
	      "one anonymous page written to swap by reclaim: add_to_swap, unmap, submission (0: in reclaim_page)"),
	K_DUR("costs.migrate_page", costs.migrate_page_ns, 0, MAX_DUR, "2us", "migrate_pages",
	      "one page migrated (copy and remap)"),
	K_DUR("costs.hint_page", costs.hint_page_ns, 0, MAX_DUR, "0", "madvise/fadvise",
	      "one page marked by a hint record (fadvise, volatile range), charged to the hinting task"),

	K_STR("workload.trace", CFG_PATH, workload.trace, "", "-",
	      "native trace (.mmt.gz / .mmt.txt) to replay, relative to this file"),
	K_STR("workload.generator", CFG_PATH, workload.generator, "", "-",
	      "a workloads/ YAML file generated in-process instead of a trace, relative to this file"),
	K_ENUM("workload.replay", workload.replay, replay_mode_names, NR_REPLAY_MODES, "open", "-",
	       "open: keep trace timestamps; closed: delay a task by its stalls"),

	K_STR("output.dir", CFG_STRING, output.dir, "", "-",
	      "run directory (relative to the working directory; mmsim run -o overrides)"),
	K_DUR("output.sample_interval", output.sample_interval_ns, 0, UINT64_MAX, "100ms", "-",
	      "timeseries.tsv sampling period; 0 disables"),
};

const struct config_key *config_keys(size_t *nr)
{
	*nr = ARRAY_SIZE(keys);
	return keys;
}

const struct config_key *config_key_find(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].path, path))
			return &keys[i];
	return NULL;
}

static void md_range(FILE *fp, const struct config_key *k)
{
	switch (k->type) {
	case CFG_BOOL:
		fputs("true, false", fp);
		break;
	case CFG_ENUM:
		for (unsigned i = 0; i < k->nr_names; i++)
			fprintf(fp, "%s`%s`", i ? ", " : "", k->names[i]);
		break;
	case CFG_STRING:
	case CFG_PATH:
		fprintf(fp, "< %zu bytes", k->size);
		break;
	default:
		if (k->max == UINT64_MAX)
			fprintf(fp, "%" PRIu64 "..", k->min);
		else
			fprintf(fp, "%" PRIu64 "..%" PRIu64, k->min, k->max);
		if (k->type == CFG_PFN)
			fputs(", auto", fp);
		break;
	}
}

void config_keys_markdown(FILE *fp)
{
	fputs("| key | type | default | range | unit | kernel knob | meaning |\n", fp);
	fputs("|---|---|---|---|---|---|---|\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct config_key *k = &keys[i];
		fprintf(fp, "| `%s` | %s | `%s` | ", k->path, config_type_names[k->type],
			*k->def ? k->def : "\"\"");
		md_range(fp, k);
		/* knobs are identifiers (__rmqueue, isolate_*_pages): code spans keep Markdown
		 * from reading their underscores and stars as emphasis */
		if (strcmp(k->knob, "-"))
			fprintf(fp, " | %s | `%s` | %s |\n", *k->unit ? k->unit : "-", k->knob, k->doc);
		else
			fprintf(fp, " | %s | - | %s |\n", *k->unit ? k->unit : "-", k->doc);
	}
}
