/* params.h — one run's parameters as plain data: the machine, the policies, the devices,
 * the costs, the workload and the output.  The model (sim/mm) reads them through mm->cfg;
 * the loader that fills them from YAML and `--set` is sim/config/config.h, which includes
 * this header.  No functions here: this is the data every layer may see. */
#ifndef MMSIM_PARAMS_H
#define MMSIM_PARAMS_H

#include "../common.h"
#include "mmtypes.h"

#define CONFIG_MAX_CMA_REGIONS 8
#define CONFIG_PATH_MAX 1024

/* The machine's state when the trace starts (model.md §2.10). */
enum machine_age_mode {
	MACHINE_FRESH, /* straight from boot: every free list in address order */
	MACHINE_AGED,  /* a seeded warm-up churn runs first (sim/workload/gen_age.c) */
	NR_MACHINE_AGE_MODES
};

/* The warm-up of an aged machine.  Percentages are of the machine's present pages:
 *   unmovable_pct + reclaimable_pct + pagecache_pct < fill_pct <= 100 */
struct machine_age_config {
	enum machine_age_mode mode;
	unsigned passes;          /* churn passes, kernel caches growing and shrinking in each */
	unsigned fill_pct;        /* memory in use while the warm-up churns */
	unsigned unmovable_pct;   /* long-lived unmovable (slab-like, orders 0..3) at the end */
	unsigned reclaimable_pct; /* long-lived reclaimable slab (orders 0..1) at the end */
	unsigned pagecache_pct;   /* clean page cache left on the LRU at the end */
	unsigned anon_pct;        /* share of the freed noise that is anon (the rest page cache) */
};

/* One CPU's per-cpu list of one zone as a capture saw it ("pagesets" of /proc/zoneinfo):
 * the replay starts the list with `count` pages and its high at `high` when an imported
 * trace's prefill ends (pcp.c pcp_start_lists). */
#define CONFIG_MAX_PCP_START 64
struct pcp_start_config {
	int zone;      /* enum zone_type, DMA..Movable */
	unsigned cpu;  /* < machine.nr_cpus */
	uint64_t count;
	unsigned high;
	unsigned blocks; /* of count, whole pageblocks (taken from the zone's free blocks, oldest) */
};

/* One zone's compaction deferral as a capture began (compaction_deferred's state:
 * compact_considered, compact_defer_shift, compact_order_failed), recovered by mmsim import
 * from the zone's first mm_compaction_deferred / _defer_compaction / _defer_reset event. */
struct compaction_defer_config {
	int zone;              /* enum zone_type, DMA..Movable */
	unsigned considered;   /* attempts since the last deferral */
	unsigned shift;        /* 1 << shift attempts are skipped after a failure; 0..6 */
	unsigned order_failed; /* the lowest order that failed; 0..11 */
};

/* One zone's watermark boost as a capture began (zoneinfo's "boost": what boost_watermark
 * added after fragmenting fallbacks and kswapd has not yet reclaimed), recovered by mmsim
 * import from before.zoneinfo. */
struct boost_start_config {
	int zone;       /* enum zone_type, DMA..Movable */
	uint64_t pages; /* zone->watermark_boost */
	bool wake;      /* ZONE_BOOSTED_WATERMARK still set: the next allocation wakes kswapd */
};

/* One zone's compaction scanners as a capture began (compact_cached_migrate_pfn[async,
 * sync], compact_cached_free_pfn), as page offsets into the replay's zone: mmsim import
 * reads them from the zone's first mm_compaction_begin in each mode.  0: as at boot. */
struct scan_start_config {
	int zone;                /* enum zone_type, DMA..Movable */
	uint64_t migrate_async;  /* pages from the zone's start */
	uint64_t migrate_sync;
	uint64_t free;
};

/* A run of pageblocks whose skip bit (PB_migrate_skip) a capture's compaction scanners
 * found set as it began, recovered by mmsim import (import_skip.h): the replay sets the
 * bit on the MOVABLE and CMA blocks of the run when an imported trace's prefill ends. */
#define CONFIG_MAX_SKIP_START 2048
struct skip_start_config {
	int zone;       /* enum zone_type, DMA..Movable */
	uint64_t start; /* pages from the zone's start */
	uint64_t pages;
};

struct machine_config {
	uint64_t zone_pages[MAX_NR_ZONES]; /* present pages per zone; ZONE_CMA is derived, not set */
	unsigned nr_cpus;                  /* for pcp high/batch arithmetic */
	bool cpu_contention;               /* slow-path CPU work shares nr_cpus (request.c) */
	unsigned pageblock_order;          /* 9 on x86-64 */
	uint64_t min_free_kbytes;          /* 0: computed as the kernel does at boot */
	bool thp;                          /* THP enabled: raises min_free_kbytes (model.md §3.1) */
	unsigned watermark_scale_factor;   /* /10000 of a zone, default 10 */
	unsigned watermark_boost_factor;   /* /10000 of high, default 15000; 0 disables */
	unsigned lowmem_reserve_ratio[MAX_NR_ZONES]; /* 256, 256, 32, 0, 0 */
	bool pcp;                          /* model per-cpu page lists */
	bool pcp_autotune;                 /* 6.7+: each list's high moves between high_min and high_max */
	unsigned cpu_data_slice_kb;        /* a CPU's share of its last-level cache (0: unknown) */
	unsigned nr_pcp_start;
	struct pcp_start_config pcp_start[CONFIG_MAX_PCP_START];
	unsigned nr_compaction_defer;
	struct compaction_defer_config compaction_defer[MAX_NR_ZONES];
	unsigned nr_boost_start;
	struct boost_start_config boost_start[MAX_NR_ZONES];
	unsigned nr_scan_start;
	struct scan_start_config scan_start[MAX_NR_ZONES];
	unsigned nr_skip_start;
	struct skip_start_config skip_start[CONFIG_MAX_SKIP_START];
	bool mobility_grouping;            /* false = page_group_by_mobility_disabled */
	bool shuffle;                      /* CONFIG_SHUFFLE_PAGE_ALLOCATOR + page_alloc.shuffle=1 */
	struct machine_age_config age;
	/* Memory cgroups (model.md §4.3): task 0 (an imported trace's prefill: the rest of
	 * the machine) charged to one memcg, every other task to a second; false: one. */
	struct {
		bool split_prefill;
		/* memcg 0's swappiness when split (the rest of the machine); memcg 1 and a
		 * single memcg reclaim with policy.swappiness. */
		unsigned rest_swappiness;
		/* The root memcg's statistics as reclaim reads them (model.md §4.3):
		 * stats_flush_ms 0 = live; otherwise prepare_scan_control and snapshot_refaults
		 * read the LRU sizes and workingset activations as last flushed, every
		 * stats_flush_ms (6.18's flush_memcg_stats_dwork, FLUSH_TIME 2 s), the first
		 * flush one period after the measurement starts.  stats_start_file_low: the view
		 * held at the start had the inactive file list low (inactive_is_low). */
		unsigned stats_flush_ms;
		bool stats_start_file_low;
	} memcg;
};

/* base_pfn for "base: auto" (or 0, as cma_declare_contiguous() takes base 0 for
 * "anywhere"): placed by mm_layout_compute() (sim/mm/zone.c). */
#define CONFIG_CMA_BASE_AUTO 0

struct cma_region_config {
	char name[32];
	uint64_t base_pfn;   /* first pfn, pageblock aligned; CONFIG_CMA_BASE_AUTO (0) = auto */
	uint64_t pages;      /* size in pages (config accepts units: 512MiB) */
	unsigned order_per_bit;
};

struct cma_policy_config {
	enum cma_mode mode;
	unsigned nr_regions;
	struct cma_region_config regions[CONFIG_MAX_CMA_REGIONS];
	bool balance_half_free;  /* 5.7 rule: CMA first when free_cma > free/2 */
	enum sticky_reading sticky;      /* sticky_movable: literal or accounted */
	enum cma_placement placement;    /* where auto regions sit in the home zone */
	bool pin_migrate;        /* FOLL_LONGTERM migrates pages out of the CMA area first */
};

struct policy_config {
	struct cma_policy_config cma;
	enum reclaim_policy reclaim;
	unsigned swappiness;          /* 0..200, default 60 */
	/* ereclaimable (model.md §9.3): also feed the easy list with pages whose writeback
	 * ended with PG_reclaim; low-memory notification when free + easily-reclaimable
	 * drops below notify_threshold pages (0: the sum of the zones' high watermarks). */
	struct {
		bool writeback_reclaim;
		uint64_t notify_threshold;
	} ereclaimable;
	struct {
		uint64_t window; /* pages at the inactive file tail searched for clean pages; 0: 256 */
	} cflru;
	unsigned dirty_background_ratio; /* vm.dirty_background_ratio, % of dirtyable; 0: 10 */
	unsigned dirty_ratio;            /* vm.dirty_ratio: writers pause above it; 0: 20 */
	enum defrag_trigger defrag;
	unsigned compaction_proactiveness; /* 0..100, default 20 */
	unsigned extfrag_threshold;   /* default 500 */
	/* Compaction and migration (sim/mm/compaction.c, migrate.c). */
	enum nonlru_migration migration_nonlru; /* non-LRU movable pages: handler|reclaim|pin */
	enum pinned_migration migration_pinned; /* owner-pinned pages: never|callback */
	bool migration_file_migrate_folio;  /* file mappings have migrate_folio (ext4/xfs); default true */
	bool compact_unevictable_allowed;   /* vm.compact_unevictable_allowed, default true */
	/* false: the slow path never compacts directly (as if gfp_compaction_allowed() were
	 * false); kswapd and kcompactd still do.  Default true. */
	bool compaction_direct;
	/* defrag=threshold: the background defragmenter keeps at least this many free blocks
	 * of each order (counting larger blocks as 2^(o'-o) blocks); 0 = no target. */
	uint64_t defrag_thresholds[NR_PAGE_ORDERS];
	sim_ns_t defrag_interval_ns;        /* threshold check period, default 100ms */
	sim_ns_t compact_node_at_ns;        /* > 0: echo 1 > /proc/sys/vm/compact_node at this time */
	/* Per-mapping high-order page pools (sim/mm/mapping_pool.c, model.md §5.8): each
	 * mapping's page-cache allocations of `order` come from a reserve of `size` blocks
	 * that a background actor refills every refill_interval_ns; at most max_mappings
	 * pools.  size 0 = off. */
	struct {
		uint64_t size;
		unsigned order;
		sim_ns_t refill_interval_ns;
		unsigned max_mappings;
	} mapping_pool;
};

struct device_config {
	uint64_t disk_bandwidth_bps;  /* bytes per second */
	sim_ns_t disk_latency_ns;
	/* How far into its dirty_writeback_centisecs period the disk's flusher is when the
	 * replay's first page is dirtied: the first periodic (kupdate) writeback comes the
	 * period less this after it.  0: a whole period, as after a first dirtying. */
	sim_ns_t disk_kupdate_phase_ns;
	uint64_t swap_pages;          /* 0: no swap */
	uint64_t swap_bandwidth_bps;
	sim_ns_t swap_latency_ns;
	/* Writes in flight on a device at most (the block layer's request tags, nr_requests);
	 * a writer that finds the queue full waits for a completion.  0 = unbounded. */
	unsigned swap_queue_depth;
	/* Swap-in readahead reads at most 2^swap_page_cluster slots (vm.page-cluster). */
	unsigned swap_page_cluster;
};

struct cost_config {
	sim_ns_t alloc_fast_ns;   /* fast-path allocation */
	sim_ns_t scan_page_ns;    /* reclaim/compaction: one page scanned */
	sim_ns_t reclaim_page_ns; /* one file page reclaimed */
	sim_ns_t reclaim_anon_page_ns; /* one anonymous page reclaimed */
	sim_ns_t swap_write_page_ns;   /* one page written to swap by reclaim */
	sim_ns_t migrate_page_ns; /* one page copied */
	sim_ns_t hint_page_ns;    /* one page marked by a hint record, charged to its task */
};

struct workload_config {
	char trace[CONFIG_PATH_MAX];     /* native trace to replay; or */
	char generator[CONFIG_PATH_MAX]; /* a workloads/ YAML file, generated in-process */
	enum replay_mode replay;
};

struct output_config {
	char dir[CONFIG_PATH_MAX];
	sim_ns_t sample_interval_ns; /* timeseries.tsv period; 0 disables */
};

struct config {
	char source[CONFIG_PATH_MAX]; /* the YAML file it came from */
	uint64_t seed;
	struct machine_config machine;
	struct policy_config policy;
	struct device_config devices;
	struct cost_config costs;
	struct workload_config workload;
	struct output_config output;
};

#endif
