/* zoneinfo.h — a captured /proc/zoneinfo as a machine configuration (model.md §8.3).
 *
 * Replaying a real capture on the real machine's zone layout needs the zone sizes and
 * the watermarks the kernel set.  The simulator is single-node: zones of the same type
 * on several nodes are added up.
 */
#ifndef MMSIM_ZONEINFO_H
#define MMSIM_ZONEINFO_H

#include <stdio.h>

#include "../common.h"
#include "../kernel/params.h"
#include "../kernel/mmtypes.h"

#define ZONEINFO_MAX_CPUS 16 /* per-cpu lists kept per zone (machine.pcp_start) */

/* One zone's lines, as printed ("pages free", "min", ..., "start_pfn:"). */
struct zoneinfo_zone {
	uint64_t free, boost, min, low, high, spanned, present, managed, start_pfn;
	/* What the pages in use hold (the per-zone "nr_zone_*" LRU counters and nr_mlock),
	 * and the pages sitting on the per-cpu lists (Σ "count:" under pagesets): those are
	 * neither in "pages free" nor in use. */
	uint64_t inactive_anon, active_anon, inactive_file, active_file, unevictable, mlock;
	uint64_t write_pending; /* nr_zone_write_pending: file pages dirty or under writeback */
	uint64_t pcp_count;
	uint64_t pcp_batch; /* the largest "batch:" under pagesets: one rmqueue_bulk refill */
	/* Each CPU's list ("cpu: N" under pagesets, N < ZONEINFO_MAX_CPUS): its "count:" and
	 * "high:" (summed over the nodes); pcp_cpus: 1 + the largest N seen. */
	uint64_t pcp_cpu_count[ZONEINFO_MAX_CPUS];
	uint64_t pcp_cpu_high[ZONEINFO_MAX_CPUS];
	unsigned pcp_cpus;
	bool seen;
};

/* zone[] is indexed by enum zone_type; zones the model lacks (Device) are skipped. */
struct zoneinfo {
	struct zoneinfo_zone zone[MAX_NR_ZONES];
	unsigned nr_nodes;
	unsigned nr_cpus;   /* "cpu:" entries under the first zone's pagesets */
	bool pcp_high_bounds; /* pagesets print "high_min:" (6.7+: pcp high auto-tuning) */
	/* Per-node stats (printed once per node, summed): slab pages, which the zones'
	 * counters do not split. */
	uint64_t slab_reclaimable, slab_unreclaimable;
	/* What the starting state (import_prefill) takes from the other snapshots of the same
	 * moment, not from zoneinfo: /proc/meminfo's FileHugePages and AnonHugePages in pages
	 * (page cache and anon memory in PMD-sized folios), and the sizes of the page cache
	 * folios the capture saw removed that it had not seen added (pre-capture page cache):
	 * pages by folio order, all 0 when it saw none; and of those, the PMD-sized ones'
	 * pages by the zone their pfn lies in (where the machine's file THPs were). */
	uint64_t file_thp_pages, anon_thp_pages;
	uint64_t file_folio_pages[NR_PAGE_ORDERS];
	uint64_t file_pmd_removed[MAX_NR_ZONES];
	/* The oldest page cache: the pre-capture folios reclaim removed during the capture, in
	 * the order it removed them, each as ZONEINFO_TAIL(zone, order); NULL when none was
	 * seen.  Filled by import_prefill_evictions, freed by zoneinfo_release. */
	uint8_t *lru_tail;
	size_t lru_tail_len, lru_tail_cap;
	/* The capture's span (its first and last event) and its first periodic writeback
	 * (writeback_start with kupdate=1: wb_check_old_data_flush), 0 when none was seen.
	 * Filled by import_prefill_evictions. */
	uint64_t first_event_ns, last_event_ns, first_kupdate_ns;
	/* The dirty page cache's ages at the start (import_prefill): the dirty marks are
	 * dated evenly over the last dirty_age_span_ms, oldest first; 0: all at the start.
	 * Set by the importer (import_prefill_flusher). */
	uint32_t dirty_age_span_ms;
	/* The pages the capture allocated in each pageblock (pfn >> ZONEINFO_BLOCK_ORDER) by
	 * the migratetype the kernel traced, unmovable, movable and reclaimable in turn, each
	 * saturating at ZONEINFO_VOTE_MAX (ZONEINFO_VOTE): what the block's type most likely
	 * was, which /proc shows only as counts (import.c free_prefill).  NULL when none seen.
	 * Filled by import_prefill_evictions, freed by zoneinfo_release. */
	uint64_t *block_votes;
	size_t nr_block_votes;
	/* How the free memory lay at the capture's start, per zone: over the pageblocks whose
	 * pages the capture allocated before anything freed them (so free, or on a per-cpu
	 * list, when it began), Σ c and Σ c² of c, the pages so taken in a block (orders below
	 * the pageblock's).  free_sq / free_sum is the free page's typical block: how many
	 * free pages its block held (prefill.c pf_emit_zone clusters the holes so).  Zero when
	 * the capture allocated nothing.  Filled by import_prefill_evictions. */
	uint64_t free_sum[MAX_NR_ZONES], free_sq[MAX_NR_ZONES];
	/* Pageblocks whose first event in the capture allocated the whole block (order >=
	 * ZONEINFO_BLOCK_ORDER, counted in pageblocks): free blocks no traced free had made.
	 * Beyond the buddy's free blocks of that size at the start they came from the per-cpu
	 * lists' pages, drained (untraced) into whole blocks (prefill.c pf_plan_zone).  Filled
	 * by import_prefill_evictions. */
	uint64_t whole_first[MAX_NR_ZONES];
	/* The first zone block that lacks one of the lines zoneinfo_show_print() always prints
	 * (pages free, min, low, high, spanned, present, managed), or a last line without its
	 * newline: the capture was cut short.  incomplete_line == 0: complete. */
	unsigned incomplete_line;
	char incomplete_what[96];
};

#define ZONEINFO_TAIL(zone, order) ((uint8_t)((zone) << 4 | (order)))
#define ZONEINFO_TAIL_ZONE(t) ((t) >> 4)
#define ZONEINFO_TAIL_ORDER(t) ((t) & 15u)
/* pageblock_order of x86-64 (HPAGE_PMD_ORDER), the corpus machines' */
#define ZONEINFO_BLOCK_ORDER 9
#define ZONEINFO_VOTE_BITS 21
#define ZONEINFO_VOTE_MAX ((1ull << ZONEINFO_VOTE_BITS) - 1)
#define ZONEINFO_VOTE(v, mt) (((v) >> ((mt) * ZONEINFO_VOTE_BITS)) & ZONEINFO_VOTE_MAX)

/* The zone (DMA..Movable) whose spanned pfns hold pfn, -1 when none does. */
int zoneinfo_zone_of(const struct zoneinfo *zi, uint64_t pfn);

/* Frees what the first pass over a capture added (lru_tail, block_votes); the parsed
 * fields stay. */
void zoneinfo_release(struct zoneinfo *zi);

/* What the machine config takes from it. */
struct zoneinfo_machine {
	uint64_t zone_pages[MAX_NR_ZONES]; /* present pages */
	uint64_t min_free_kbytes;          /* pages_min * 4, pages_min recovered from min watermarks */
	bool min_free_exact;               /* every zone's min reproduces with that pages_min */
	unsigned watermark_scale_factor;   /* 0 when the gaps do not tell (min/4 wins everywhere) */
	unsigned nr_cpus;
};

/* Parse PATH.  Errors: EX_NOINPUT_, EX_DATAERR_ "path:line:col: ...", including a capture
 * cut short (see incomplete_line): its zone sizes and watermarks would be wrong. */
int zoneinfo_parse(const char *path, struct zoneinfo *zi, struct sim_error *err);
/* Same from a buffer (tests, fuzzing); name is used in messages.  Partial zone blocks are
 * accepted here (hand-written fragments) and noted in incomplete_line. */
int zoneinfo_parse_buf(const char *buf, size_t len, const char *name, struct zoneinfo *zi,
		       struct sim_error *err);
/* Free blocks per zone and order from /proc/buddyinfo, or from /proc/pagetypeinfo's
 * "Free pages count per migrate type" lines (summed over the types), summed over nodes.
 * Zones the model lacks are skipped.  Errors: EX_NOINPUT_, EX_DATAERR_ "path:line: ...". */
struct zoneinfo_free_orders {
	uint64_t nr_free[MAX_NR_ZONES][NR_PAGE_ORDERS];
	bool seen[MAX_NR_ZONES];
	/* pagetypeinfo only: the free blocks of the per-cpu types (unmovable, movable,
	 * reclaimable); Σ_mt nr_free_mt[z][mt][o] <= nr_free[z][o] of the same file (the rest
	 * HighAtomic, CMA, Isolate). */
	uint64_t nr_free_mt[MAX_NR_ZONES][MIGRATE_PCPTYPES][NR_PAGE_ORDERS];
	/* pagetypeinfo only: the free blocks of the HighAtomic type (the reserves'
	 * free pages: reserve_highatomic_pageblock) */
	uint64_t nr_free_highatomic[MAX_NR_ZONES][NR_PAGE_ORDERS];
	bool seen_mt[MAX_NR_ZONES];
};
int zoneinfo_parse_free_orders(const char *path, struct zoneinfo_free_orders *fo, struct sim_error *err);
int zoneinfo_parse_free_orders_buf(const char *buf, size_t len, const char *name,
				   struct zoneinfo_free_orders *fo, struct sim_error *err);
/* Derive the machine parameters (see zoneinfo.c for the arithmetic). */
int zoneinfo_machine(const struct zoneinfo *zi, struct zoneinfo_machine *m, struct sim_error *err);
/* Store them into a machine config (for a config key naming a zoneinfo capture). */
void zoneinfo_apply(const struct zoneinfo_machine *m, struct machine_config *mc);
/* Write them as a config YAML fragment (machine.zones.*, min_free_kbytes, ...). */
int zoneinfo_write_yaml(const struct zoneinfo *zi, const struct zoneinfo_machine *m,
			const char *source, FILE *fp);

/* Write each zone's per-cpu lists (count and high per CPU) as the machine.pcp_start list
 * of a replay config (nothing when the zoneinfo has no pagesets), with blocks[zone] (NULL:
 * none) whole pageblocks of the lists' pages split over its CPUs (zoneinfo_pcp_blocks_split).
 * -1 on a write error. */
int zoneinfo_write_pcp_yaml(const struct zoneinfo *zi, const uint64_t *blocks, FILE *fp);
/* blocks whole pageblocks over the zone's first nr_cpus lists: each its share by count
 * (rounded down), the rest one at a time to the list with the most whole blocks' room
 * left; no list gets more than its count holds.  out[c] for CPU c. */
void zoneinfo_pcp_blocks_split(const struct zoneinfo_zone *zz, unsigned nr_cpus, uint64_t blocks,
			       uint64_t out[ZONEINFO_MAX_CPUS]);
/* Write each zone's watermark boost (zoneinfo "boost", when nonzero) as the
 * machine.watermark_boost_start list of a replay config, with `wake` (the boost's kswapd
 * wake still pending).  -1 on a write error. */
int zoneinfo_write_boost_yaml(const struct zoneinfo *zi, bool wake, FILE *fp);

#endif
