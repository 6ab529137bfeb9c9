/* compaction.c — memory compaction (model.md §5): compact_zone with its migrate and free
 * scanners, suitability, deferral, and the triggers — direct compaction from the slow path,
 * kcompactd, proactive compaction, compact_node and the threshold defragmenter policy.
 * Migration itself is migrate.c. */
#include "compaction.h"
#include "vmscan.h"

#include <stdio.h>
#include <stdlib.h>

#include "../engine/engine.h"

const char *const compact_result_names[NR_COMPACT_RESULTS] = {
	"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue",
	"complete", "partial_skipped", "contended", "success",
};
_Static_assert(ARRAY_SIZE(compact_result_names) == NR_COMPACT_RESULTS, "names");

/* ---- small helpers ------------------------------------------------------------------ */

static inline pfn_t pb_start(const struct mm *mm, pfn_t pfn)
{
	return pfn & ~(pfn_t)(mm->pageblock_nr_pages - 1);
}

static inline pfn_t pb_end(const struct mm *mm, pfn_t pfn)
{
	return pb_start(mm, pfn) + mm->pageblock_nr_pages;
}

static inline bool pb_aligned(const struct mm *mm, pfn_t pfn)
{
	return (pfn & (mm->pageblock_nr_pages - 1)) == 0;
}

static inline pfn_t zone_present_end(const struct zone *z)
{
	return z->start_pfn + (pfn_t)z->present;
}

static inline struct pageblock *zone_pb(const struct mm *mm, const struct zone *z, pfn_t pfn)
{
	return &z->pageblocks[(pfn - z->start_pfn) >> mm->pageblock_order];
}

static inline pfn_t zone_last_block(const struct mm *mm, const struct zone *z)
{
	return pb_start(mm, zone_present_end(z) - 1);
}

/* ---- fragmentation indices (model.md §5.3) ------------------------------------------ */

struct contig_page_info {
	uint64_t free_pages;           /* Σ nr_free[o] << o */
	uint64_t free_blocks_total;    /* Σ nr_free[o] */
	uint64_t free_blocks_suitable; /* Σ_{o >= order} nr_free[o] << (o - order) */
};

static void fill_contig_page_info(const struct zone *z, unsigned order, struct contig_page_info *info)
{
	*info = (struct contig_page_info){ 0 };
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint64_t blocks = z->free_area[o].nr_free;
		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= order)
			info->free_blocks_suitable += blocks << (o - order);
	}
}

int compaction_fragmentation_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info;
	fill_contig_page_info(z, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info.free_pages * 1000 / (1ull << order)) / info.free_blocks_total);
}

/* Free pages that cannot serve order, in 1/scale of the free pages (__fragmentation_index's
 * sibling unusable_free_index(), and extfrag_for_order() at scale 100). */
static unsigned unusable_free(const struct contig_page_info *info, unsigned order, unsigned scale)
{
	return (unsigned)((info->free_pages - (info->free_blocks_suitable << order)) * scale / info->free_pages);
}

int compaction_unusable_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info;
	fill_contig_page_info(z, order, &info);
	return info.free_pages ? (int)unusable_free(&info, order, 1000) : 1000;
}

unsigned compaction_extfrag_for_order(const struct zone *z, unsigned order)
{
	struct contig_page_info info;
	fill_contig_page_info(z, order, &info);
	return info.free_pages ? unusable_free(&info, order, 100) : 0;
}

unsigned compaction_node_score(const struct mm *mm)
{
	uint64_t node_present = 0, score = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		node_present += mm->zones[i].present;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (zone_populated(z))
			score += z->present * compaction_extfrag_for_order(z, COMPACTION_HPAGE_ORDER) / (node_present + 1);
	}
	return (unsigned)score;
}

/* fragmentation_score_wmark: low = max(100 - proactiveness, 5), high = min(low + 10, 100). */
static unsigned score_wmark(const struct mm *mm, bool low)
{
	unsigned p = mm->cfg->policy.compaction_proactiveness;
	unsigned wmark_low = p >= 95 ? 5 : 100 - p;
	return low ? wmark_low : MIN(wmark_low + 10, 100u);
}

/* ---- suitability (model.md §5.3) ---------------------------------------------------- */

/* __compaction_suitable with free_pages as the order-0 free count: order-0 free above the
 * watermark wm plus compact_gap = 2 << order, counting free CMA (ALLOC_CMA; the policy's
 * suitability_flags: sticky accounted counts its area only for requests that may use it). */
static bool watermark_suitable_at(const struct zone *z, int order, enum zone_watermark wm,
				  enum zone_type highest_zoneidx, unsigned alloc_flags, uint64_t free_pages)
{
	uint64_t mark = zone_wmark(z, wm) + (2ull << order);
	return zone_watermark_ok(z, 0, mark, highest_zoneidx, z->cma_ops->suitability_flags(alloc_flags), free_pages);
}

/* The watermark compaction's own callers check against: low for costly orders, min
 * otherwise. */
static enum zone_watermark compaction_wmark(int order)
{
	return order > PAGE_ALLOC_COSTLY_ORDER ? WMARK_LOW : WMARK_MIN;
}

static bool watermark_suitable(const struct zone *z, int order, enum zone_type highest_zoneidx,
			       unsigned alloc_flags, uint64_t free_pages)
{
	return watermark_suitable_at(z, order, compaction_wmark(order), highest_zoneidx, alloc_flags, free_pages);
}

bool compaction_suitable_at(const struct mm *mm, const struct zone *z, int order, enum zone_watermark wm,
			    enum zone_type highest_zoneidx, unsigned alloc_flags)
{
	if (!watermark_suitable_at(z, order, wm, highest_zoneidx, alloc_flags, z->nr_free_pages))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = compaction_fragmentation_index(z, (unsigned)order);
		if (fragindex >= 0 && fragindex <= (int)mm->cfg->policy.extfrag_threshold)
			return false;
	}
	return true;
}

/* compaction_suitable: the watermark above, and for costly orders a fragmentation index
 * above extfrag_threshold (a low index means the failure is lack of memory). */
bool compaction_suitable(const struct mm *mm, const struct zone *z, int order,
			 enum zone_type highest_zoneidx, unsigned alloc_flags)
{
	return compaction_suitable_at(mm, z, order, compaction_wmark(order), highest_zoneidx, alloc_flags);
}

/* compaction_zonelist_suitable (6.18): __compaction_suitable alone, no fragmentation index,
 * on the free pages plus only 1/order of the zone's reclaimable ones: one high-order
 * request is not worth retrying reclaim until the whole page cache is gone. */
bool compaction_zonelist_suitable(const struct mm *mm, const struct alloc_context *ac)
{
	unsigned order = ac->order ? ac->order : 1;
	for (int zi = (int)ac->highest_zoneidx; zi >= 0; zi--) {
		const struct zone *z = &mm->zones[zi];
		if (zone_populated(z) &&
		    watermark_suitable(z, (int)ac->order, ac->highest_zoneidx, ac->alloc_flags,
				       z->nr_free_pages + reclaim_zone_reclaimable(mm, z) / order))
			return true;
	}
	return false;
}

enum compact_result compaction_suit_allocation_order(const struct mm *mm, const struct zone *z,
						     int order, enum zone_type highest_zoneidx,
						     unsigned alloc_flags)
{
	uint64_t mark = zone_wmark(z, (enum zone_watermark)(alloc_flags & ALLOC_WMARK_MASK));
	if (zone_watermark_ok(z, (unsigned)order, mark, highest_zoneidx, alloc_flags, z->nr_free_pages))
		return COMPACT_SUCCESS;
	if (!compaction_suitable(mm, z, order, highest_zoneidx, alloc_flags))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

/* ---- deferral (model.md §5.6) ------------------------------------------------------- */

void defer_compaction(struct zone *z, int order)
{
	z->compact_considered = 0;
	z->compact_defer_shift++;
	if (order < (int)z->compact_order_failed)
		z->compact_order_failed = (unsigned)order;
	if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		z->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
}

bool compaction_deferred(struct zone *z, int order)
{
	unsigned limit = 1u << z->compact_defer_shift;
	if (order < (int)z->compact_order_failed)
		return false;
	if (++z->compact_considered >= limit) {
		z->compact_considered = limit;
		return false;
	}
	return true;
}

void compaction_defer_reset(struct zone *z, int order, bool alloc_success)
{
	if (alloc_success) {
		z->compact_considered = 0;
		z->compact_defer_shift = 0;
	}
	if (order >= (int)z->compact_order_failed)
		z->compact_order_failed = (unsigned)order + 1;
}

bool compaction_restarting(const struct zone *z, int order)
{
	if (order < (int)z->compact_order_failed)
		return false;
	return z->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       z->compact_considered >= 1u << z->compact_defer_shift;
}

/* ---- skip bits and cached scanner positions ---------------------------------------- */

/* pageblock_end_pfn(pfn) = ALIGN(pfn + 1, pageblock_nr_pages), at most the zone's end. */
static pfn_t pfn_block_end_of(const struct mm *mm, const struct compact_control *cc, pfn_t pfn)
{
	return MIN(pb_end(mm, pfn), zone_present_end(cc->zone));
}

static void reset_cached_positions(const struct mm *mm, struct zone *z)
{
	z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = z->start_pfn;
	z->compact_cached_free_pfn = zone_last_block(mm, z);
}

/* The size of what starts at pfn: a free block, an object, a per-cpu block, else a page. */
static pfn_t frame_span(const struct mm *mm, pfn_t pfn)
{
	const struct page_frame *p = &mm->pages[pfn];
	if ((p->flags & (PF_BUDDY | PF_HEAD)) || (p->xflags & PFX_PCP))
		return (pfn_t)1 << p->order;
	return 1;
}

/* __reset_isolation_pfn (5.1+, 6.12): may the skip bit of pfn's pageblock be cleared?  Not
 * for a block filled by a compound page of pageblock order or more (pageblock_skip_
 * persistent).  Otherwise every 2^PAGE_ALLOC_COSTLY_ORDER-th page of the block from its
 * start is sampled: an LRU page (any page of an LRU folio) makes it a source, the first
 * page of a free block (PageBuddy) a target.  check_target without check_source (the free
 * side before it found a block) wants a MOVABLE block; with both, a block whose bit is
 * already clear counts at once. */
static bool reset_isolation_pfn(const struct mm *mm, struct zone *z, pfn_t pfn, bool check_source,
				bool check_target)
{
	pfn_t start = MAX(pb_start(mm, pfn), z->start_pfn);
	pfn_t end = MIN(pb_end(mm, pfn), zone_present_end(z));
	struct pageblock *pb = zone_pb(mm, z, start);
	const struct page_frame *first = &mm->pages[start];
	if ((first->flags & PF_HEAD) && first->order >= mm->pageblock_order)
		return false;
	if (check_source && check_target && !(pb->bits & PB_SKIP))
		return true;
	if (!check_source && check_target && pb->mt != MIGRATE_MOVABLE)
		return false;
	pfn_t head = start;
	for (pfn_t s = start; s < end; s += 1u << PAGE_ALLOC_COSTLY_ORDER) {
		while (head + frame_span(mm, head) <= s)
			head += frame_span(mm, head);
		const struct page_frame *p = &mm->pages[head];
		bool lru = (p->flags & (PF_HEAD | PF_LRU)) == (PF_HEAD | PF_LRU);
		bool buddy = head == s && (p->flags & PF_BUDDY);
		if ((check_source && lru) || (check_target && buddy)) {
			pb->bits &= (uint8_t)~PB_SKIP;
			return true;
		}
	}
	return false;
}

/* __reset_isolation_suitable (6.12), for a zone whose direct-compaction scanners met since
 * the last reset (compact_blockskip_flush; nothing otherwise).  Two cursors walk the zone a
 * pageblock at a time, up from its start and down from its end, until they meet: the
 * lower one clears the skip bit of blocks with sampled LRU pages (and, once it found one,
 * of blocks with sampled free pages too), the upper one of MOVABLE blocks with sampled
 * free pages (and then LRU pages too).  The first block found from below becomes the
 * cached migrate pfn and compact_init_migrate_pfn, the first found from above (its last
 * pfn, as the kernel's cursor holds it) the cached free pfn and compact_init_free_pfn;
 * with none found the caches are left where the cursors met.  Blocks whose sampled pages
 * are neither keep their skip bits: free pages off the sampled pfns go unseen. */
static void reset_isolation_suitable(struct mm *mm, struct zone *z)
{
	struct compact_state *cs = mm->compact;
	if (!cs || !zone_populated(z) || !cs->compact_blockskip_flush[z->type])
		return;
	cs->compact_blockskip_flush[z->type] = false;
	const pfn_t nr_pb = mm->pageblock_nr_pages;
	pfn_t migrate_pfn = z->start_pfn, free_pfn = zone_present_end(z) - 1;
	pfn_t reset_migrate = free_pfn, reset_free = migrate_pfn;
	bool source_set = false, free_set = false;
	for (; migrate_pfn < free_pfn; migrate_pfn += nr_pb, free_pfn -= MIN(free_pfn, nr_pb)) {
		if (reset_isolation_pfn(mm, z, migrate_pfn, true, source_set) && migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			cs->init_migrate_pfn[z->type] = reset_migrate;
			z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = reset_migrate;
		}
		if (free_pfn >= z->start_pfn && reset_isolation_pfn(mm, z, free_pfn, free_set, true) &&
		    free_pfn > reset_free) {
			free_set = true;
			reset_free = free_pfn;
			cs->init_free_pfn[z->type] = reset_free;
			z->compact_cached_free_pfn = reset_free;
		}
	}
	if (reset_migrate >= reset_free) {
		pfn_t zend = zone_present_end(z);
		z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = MIN(migrate_pfn, zend);
		z->compact_cached_free_pfn = MAX(MIN(free_pfn, zend - 1), z->start_pfn);
	}
}

void compaction_kswapd_reset_skip(struct mm *mm)
{
	if (!mm->compact)
		return;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		reset_isolation_suitable(mm, &mm->zones[i]);
}

/* compact_init_migrate_pfn / compact_init_free_pfn: where the last reset found the first
 * source and the last target block (the zone's ends before any). */
static pfn_t init_migrate_pfn(const struct mm *mm, const struct zone *z)
{
	return mm->compact ? mm->compact->init_migrate_pfn[z->type] : z->start_pfn;
}

static pfn_t init_free_pfn(const struct mm *mm, const struct zone *z)
{
	return mm->compact ? mm->compact->init_free_pfn[z->type] : zone_last_block(mm, z);
}

static bool isolation_suitable(const struct mm *mm, const struct compact_control *cc, pfn_t pfn)
{
	return cc->ignore_skip_hint || !(zone_pb(mm, cc->zone, pfn)->bits & PB_SKIP);
}

static void set_pageblock_skip(const struct mm *mm, const struct compact_control *cc, pfn_t pfn)
{
	if (!cc->no_set_skip_hint)
		zone_pb(mm, cc->zone, pfn)->bits |= PB_SKIP;
}

/* update_cached_migrate (6.12): async and sync runs restart where the last one got to.
 * The kernel stores pageblock_end_pfn(pfn), and its callers pass the end of the block just
 * scanned: a pageblock boundary, so the next run starts one pageblock further on (the block
 * after the scanned one is never looked at by the next run).  A position at or beyond the
 * zone's end is stored as the end (the kernel's next compact_zone restarts at the zone
 * start from either). */
static void update_cached_migrate(const struct mm *mm, const struct compact_control *cc, pfn_t pfn)
{
	struct zone *z = cc->zone;
	if (cc->no_set_skip_hint)
		return;
	pfn = pfn_block_end_of(mm, cc, pfn);
	if (pfn > z->compact_cached_migrate_pfn[0])
		z->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > z->compact_cached_migrate_pfn[1])
		z->compact_cached_migrate_pfn[1] = pfn;
}

/* compact_scanners_met: compared by pageblock. */
static bool scanners_met(const struct mm *mm, const struct compact_control *cc)
{
	return (cc->free_pfn >> mm->pageblock_order) <= (cc->migrate_pfn >> mm->pageblock_order);
}

/* ---- the free scanner --------------------------------------------------------------- */

static void push_freepage(struct mm *mm, struct compact_control *cc, pfn_t pfn, unsigned order)
{
	struct page_frame *p = &mm->pages[pfn];
	p->flags = PF_ISOLATED;
	p->order = (uint8_t)order;
	p->next = cc->freepages[order];
	cc->freepages[order] = pfn;
	cc->nr_freepages += 1ull << order;
}

/* suitable_migration_target: not a block whose first page is already a free block of the
 * wanted size, and (unless SYNC_FULL) a MOVABLE or CMA block.  Isolated blocks belong to
 * alloc_contig_range and are never targets. */
static bool suitable_migration_target(const struct mm *mm, const struct compact_control *cc, pfn_t block)
{
	const struct page_frame *p = &mm->pages[block];
	if (p->flags & PF_BUDDY) {
		unsigned order = cc->order > 0 ? (unsigned)cc->order : mm->pageblock_order;
		if (p->order >= order)
			return false;
	}
	enum migratetype mt = zone_pb(mm, cc->zone, block)->mt;
	if (mt == MIGRATE_ISOLATE)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
}

/* isolate_freepages_block (non-strict): take free blocks from *start up to end until the
 * isolated pages cover the migrate batch; *start records how far it got. */
static uint64_t isolate_freepages_block(struct mm *mm, struct compact_control *cc, pfn_t *start,
					pfn_t end, unsigned stride, uint64_t *nr_scanned)
{
	uint64_t nr_isolated = 0;
	pfn_t pfn = *start;
	while (pfn < end) {
		const struct page_frame *p = &mm->pages[pfn];
		(*nr_scanned)++;
		if (p->flags & PF_BUDDY) {
			unsigned order = p->order;
			if (!buddy_isolate_free_page(mm, cc->zone, pfn, order))
				break; /* the zone is at its min watermark */
			push_freepage(mm, cc, pfn, order);
			nr_isolated += 1ull << order;
			/* As 6.12 counts: the block's pages as scanned, the scan goes on after it. */
			*nr_scanned += (1ull << order) - 1;
			if (cc->nr_freepages >= cc->nr_migrate_pages_batch) {
				pfn += 1u << order;
				break;
			}
			pfn += (1u << order) - 1 + stride;
			continue;
		}
		/* A compound page that ends inside the range is passed whole and counted whole
		 * (nr_scanned += compound_nr - 1); one reaching past the range's end (a folio
		 * larger than a pageblock) is one page like any other, and the scan steps on
		 * through its tail pages, each a page (isolate_freepages_block, 6.5+ to 6.18:
		 * "blockpfn + (1UL << order) <= end_pfn").  A pcp block's pages are single
		 * pages to the scanner. */
		if ((p->flags & PF_HEAD) && p->order && pfn + (1u << p->order) <= end) {
			*nr_scanned += (1ull << p->order) - 1;
			pfn += (1u << p->order) - 1;
		}
		pfn += stride;
	}
	*start = MIN(pfn, end);
	return nr_isolated;
}

/* freelist_scan_limit (6.12): how many free-list entries a fast search looks at. */
static unsigned freelist_scan_limit(const struct compact_control *cc)
{
	return (COMPACT_CLUSTER_MAX >> MIN(cc->fast_search_fail, 31u)) + 1;
}

/* move_freelist_head (6.12): the entries before pfn (from the head) move to the tail, so
 * pfn becomes the head and a later search from the tail starts at entries the last one
 * did not look at. */
static void move_freelist_head(struct mm *mm, struct pfn_list *l, pfn_t pfn)
{
	pfn_list_rotate_to_head(l, page_links(mm->pages), pfn);
}

/* move_freelist_tail (6.12): the entries from the head up to and including pfn move to
 * the tail, so a later search from the head starts after pfn. */
static void move_freelist_tail(struct mm *mm, struct pfn_list *l, pfn_t pfn)
{
	if (pfn != l->tail)
		pfn_list_rotate_to_head(l, page_links(mm->pages), mm->pages[pfn].next);
}

/* next_search_order (6.12): the orders below cc->order, downwards, wrapping once. */
static int next_search_order(struct compact_control *cc, int order)
{
	order--;
	if (order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		cc->search_order--;
		if (cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

/* fast_isolate_around (6.12): the rest of the pageblock of a block found by the fast
 * search, scanned page by page (not for async direct compaction). */
static void fast_isolate_around(struct mm *mm, struct compact_control *cc, pfn_t pfn, uint64_t *nr_scanned)
{
	if (cc->nr_freepages >= cc->nr_migrate_pages_batch)
		return;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
		return;
	pfn_t start = MAX(pb_start(mm, pfn), cc->zone->start_pfn);
	pfn_t end = MIN(pb_end(mm, pfn), zone_present_end(cc->zone));
	uint64_t got = isolate_freepages_block(mm, cc, &start, end, 1, nr_scanned);
	count_vm_events(mm, VM_COMPACT_ISOLATED, got);
	cc->nr_isolated += got;
	if (start == end)
		set_pageblock_skip(mm, cc, pb_start(mm, pfn));
}

/* fast_isolate_freepages (6.12, 6.18): before any linear scan, for order > 0 requests,
 * look at the MOVABLE free lists of the orders below the request (the tail, where freed
 * blocks go last) for a block in the top quarter of the space between the scanners,
 * else the highest one seen in the top half; isolate it and the free pages around it.
 * A search that finds nothing makes the next one shorter; the first search of a run
 * that finds nothing moves the free scanner down to the highest block seen (direct
 * compaction: to the middle, min_pfn) and takes the free pages around there.  Each
 * search rotates the list it looked at so that the entry it stopped at becomes the head:
 * the next search, from the tail, starts with entries not yet looked at. */
static void fast_isolate_freepages(struct mm *mm, struct compact_control *cc)
{
	if (cc->order <= 0)
		return;
	struct zone *z = cc->zone;
	unsigned limit = MAX(1u, freelist_scan_limit(cc) >> 1);
	bool scan_start = false;
	if (cc->free_pfn >= init_free_pfn(mm, z)) {
		limit = (unsigned)(mm->pageblock_nr_pages >> 1);
		scan_start = true;
	}
	pfn_t distance = cc->free_pfn > cc->migrate_pfn ? cc->free_pfn - cc->migrate_pfn : 0;
	pfn_t low_pfn = pb_start(mm, cc->free_pfn - (distance >> 2));
	pfn_t min_pfn = pb_start(mm, cc->free_pfn - (distance >> 1));
	uint64_t nr_scanned = 0;
	pfn_t page = PFN_NONE, highest = 0;
	cc->search_order = MIN(cc->order - 1, cc->search_order);
	for (int order = cc->search_order; page == PFN_NONE && order >= 0; order = next_search_order(cc, order)) {
		struct free_area *area = &z->free_area[order];
		if (!area->nr_free)
			continue;
		struct pfn_list *freelist = &area->free_list[MIGRATE_MOVABLE];
		unsigned order_scanned = 0;
		pfn_t high_pfn = 0, freepage = PFN_NONE;
		for (pfn_t pfn = freelist->tail; pfn != PFN_NONE; pfn = mm->pages[pfn].prev) {
			order_scanned++;
			nr_scanned++;
			freepage = pfn;
			if (pfn >= highest)
				highest = MAX(pb_start(mm, pfn), z->start_pfn);
			if (pfn >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				page = pfn;
				break;
			}
			if (pfn >= min_pfn && pfn > high_pfn) {
				high_pfn = pfn;
				limit >>= 1; /* a candidate: shorten the scan */
			}
			if (order_scanned >= limit)
				break;
			if (mm->pages[pfn].prev == PFN_NONE)
				freepage = PFN_NONE; /* the whole list was looked at: no reorder */
		}
		if (page == PFN_NONE && high_pfn)
			page = freepage = high_pfn;
		/* Reorder so that the next search looks at other entries first. */
		move_freelist_head(mm, freelist, freepage);
		if (page != PFN_NONE) {
			if (buddy_isolate_free_page(mm, z, page, (unsigned)order)) {
				push_freepage(mm, cc, page, (unsigned)order);
				nr_scanned += (1ull << order) - 1;
				cc->nr_isolated += 1ull << order;
				count_vm_events(mm, VM_COMPACT_ISOLATED, 1ull << order);
			} else {
				/* the zone is at its watermark: abort the search */
				order = cc->search_order + 1;
				page = PFN_NONE;
			}
		}
		if (cc->nr_freepages >= cc->nr_migrate_pages_batch)
			break;
		if (order_scanned >= limit)
			limit = MAX(1u, limit >> 1);
	}
	/* The block the free pages around are taken from: the found page's, or when the
	 * first search of a run finds nothing, the highest block seen above min_pfn, else
	 * (direct compaction) min_pfn's block if it is a suitable target (6.8+ to 6.18); the
	 * free scanner moves there either way. */
	pfn_t around = page;
	if (page == PFN_NONE) {
		cc->fast_search_fail++;
		if (scan_start) {
			if (highest >= min_pfn) {
				cc->free_pfn = around = highest;
			} else if (cc->direct_compaction) {
				if (suitable_migration_target(mm, cc, min_pfn))
					around = min_pfn;
				cc->free_pfn = min_pfn;
			}
		}
	}
	if (highest && highest >= z->compact_cached_free_pfn && !cc->no_set_skip_hint)
		z->compact_cached_free_pfn = highest - mm->pageblock_nr_pages;
	if (around != PFN_NONE)
		fast_isolate_around(mm, cc, around, &nr_scanned);
	cc->total_free_scanned += nr_scanned;
	count_vm_events(mm, VM_COMPACT_FREE_SCANNED, nr_scanned);
}

/* isolate_freepages: from cc->free_pfn down, a pageblock at a time, never into the block the
 * migrate scanner is in. */
static void isolate_freepages(struct mm *mm, struct compact_control *cc, bool fast)
{
	struct zone *z = cc->zone;
	if (fast) {
		fast_isolate_freepages(mm, cc);
		if (cc->nr_freepages)
			return;
	}
	const pfn_t nr_pb = mm->pageblock_nr_pages;
	pfn_t low_pfn = pb_end(mm, cc->migrate_pfn);
	pfn_t zend = zone_present_end(z);
	pfn_t block_start = pb_start(mm, cc->free_pfn);
	pfn_t isolate_start = cc->free_pfn;
	uint64_t nr_scanned = 0, nr_isolated = 0;
	/* As 6.12: async compaction samples a block every COMPACT_CLUSTER_MAX pages (only
	 * the pages looked at count as scanned); a block that yields nothing keeps the
	 * stride (doubling it, to at most COMPACT_CLUSTER_MAX), one that yields makes the
	 * next block scanned page by page.  Sync compaction looks at every page. */
	unsigned stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	/* low_pfn >= zone start + one block, so block_start never goes below the zone. */
	while (block_start >= low_pfn) {
		pfn_t block_end = MIN(block_start + nr_pb, zend);
		if (suitable_migration_target(mm, cc, block_start) && isolation_suitable(mm, cc, block_start)) {
			uint64_t got = isolate_freepages_block(mm, cc, &isolate_start, block_end, stride, &nr_scanned);
			nr_isolated += got;
			if (isolate_start == block_end) {
				/* The whole block was scanned: its free pages are taken, and the
				 * next run's free scanner starts at the block below it
				 * (update_pageblock_skip(cc, page, block_start_pfn -
				 * pageblock_nr_pages), 6.18).  block_start >= low_pfn >= one
				 * block above the zone start, so that stays in the zone. */
				set_pageblock_skip(mm, cc, block_start);
				if (!cc->no_set_skip_hint && block_start - nr_pb < z->compact_cached_free_pfn)
					z->compact_cached_free_pfn = block_start - nr_pb;
			}
			if (cc->nr_freepages >= cc->nr_migrate_pages_batch) {
				if (isolate_start >= block_end)
					isolate_start = block_start - nr_pb;
				break;
			}
			if (isolate_start < block_end)
				break; /* isolation failed early (watermark): do not go on */
			stride = got ? 1 : MIN(stride << 1, (unsigned)COMPACT_CLUSTER_MAX);
		}
		block_start -= nr_pb;
		isolate_start = block_start;
	}
	cc->free_pfn = isolate_start;
	cc->total_free_scanned += nr_scanned;
	cc->nr_isolated += nr_isolated;
	count_vm_events(mm, VM_COMPACT_FREE_SCANNED, nr_scanned);
	count_vm_events(mm, VM_COMPACT_ISOLATED, nr_isolated);
}

/* The smallest isolated block of at least `order`, split to size. */
static pfn_t take_freepage(struct mm *mm, struct compact_control *cc, unsigned order)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		pfn_t pfn = cc->freepages[o];
		if (pfn == PFN_NONE)
			continue;
		cc->freepages[o] = mm->pages[pfn].next;
		mm->pages[pfn].next = PFN_NONE;
		cc->nr_freepages -= 1ull << o;
		while (o > order) {
			o--;
			push_freepage(mm, cc, pfn + (1u << o), o);
		}
		mm->pages[pfn].order = (uint8_t)order;
		return pfn;
	}
	return PFN_NONE;
}

/* A free block of at least `order` in the free scanner's domain (above the pageblock
 * after the migrate scanner's), from the MOVABLE free lists (at most half a pageblock's
 * worth of entries per order looked at, counted as free-scanned), isolated onto the
 * list.  See compaction_alloc. */
static bool isolate_block_for_split(struct mm *mm, struct compact_control *cc, unsigned order)
{
	struct zone *z = cc->zone;
	pfn_t above = pb_end(mm, cc->migrate_pfn);
	uint64_t nr_scanned = 0;
	bool got = false;
	for (unsigned o = order; o < NR_PAGE_ORDERS && !got; o++) {
		unsigned seen = 0;
		for (pfn_t pfn = z->free_area[o].free_list[MIGRATE_MOVABLE].tail; pfn != PFN_NONE;
		     pfn = mm->pages[pfn].prev) {
			nr_scanned++;
			if (pfn >= above) {
				if (buddy_isolate_free_page(mm, z, pfn, o)) {
					push_freepage(mm, cc, pfn, o);
					cc->nr_isolated += 1ull << o;
					count_vm_events(mm, VM_COMPACT_ISOLATED, 1ull << o);
					got = true;
				}
				break;
			}
			if (++seen >= mm->pageblock_nr_pages / 2)
				break;
		}
	}
	cc->total_free_scanned += nr_scanned;
	count_vm_events(mm, VM_COMPACT_FREE_SCANNED, nr_scanned);
	return got;
}

/* compaction_alloc (6.12): a block from the isolated list; when it has none of the size,
 * isolate_freepages runs once for this target and the list is tried again.  Still none:
 * for a large folio migrate_pages_batch splits it (try_split_folio) and the pieces are
 * migrated one by one into order-0 targets, emptying the folio's pages all the same.  An
 * object of the model cannot be split: it moves whole, into a free block of its order
 * in the free scanner's domain taken off the free lists (where the pieces' targets come
 * from); only when there is none is it NULL, and migrate_pages counts the
 * folio as split and leaves it in place.  A folio the split would refuse
 * (migrate_folio_splittable: dirty or writeback file folio, pinned) gets no such
 * stand-in: NULL, and migrate_pages fails it with -ENOMEM (6.18 migrate_pages_batch). */
static pfn_t compaction_alloc(struct mm *mm, pfn_t src_pfn, unsigned order, void *priv)
{
	struct compact_control *cc = priv;
	pfn_t pfn = take_freepage(mm, cc, order);
	if (pfn != PFN_NONE)
		return pfn;
	isolate_freepages(mm, cc, true);
	pfn = take_freepage(mm, cc, order);
	if (pfn == PFN_NONE && order > 0 && migrate_folio_splittable(mm, src_pfn) &&
	    isolate_block_for_split(mm, cc, order))
		pfn = take_freepage(mm, cc, order);
	return pfn;
}

/* release_free_list; the free scanner's cache only moves back up, to the highest block
 * handed back, so no returned page is left behind for the next run. */
static void release_freepages(struct mm *mm, struct compact_control *cc)
{
	pfn_t highest = 0;
	bool any = false;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		while (cc->freepages[o] != PFN_NONE) {
			pfn_t pfn = cc->freepages[o];
			cc->freepages[o] = mm->pages[pfn].next;
			mm->pages[pfn].next = PFN_NONE;
			buddy_putback_isolated(mm, cc->zone, pfn, o);
			highest = MAX(highest, pfn);
			any = true;
		}
	}
	cc->nr_freepages = 0;
	if (any && !cc->no_set_skip_hint) {
		pfn_t block = pb_start(mm, highest);
		if (block > cc->zone->compact_cached_free_pfn)
			cc->zone->compact_cached_free_pfn = block;
	}
}

/* ---- the migrate scanner ------------------------------------------------------------ */

enum isolate_migrate_t { ISOLATE_NONE, ISOLATE_SUCCESS };

/* skip_isolation_on_order: compound pages at or above the target order (or a pageblock)
 * are not worth moving for this request. */
static bool skip_isolation_on_order(const struct mm *mm, unsigned order, int target_order)
{
	if (target_order >= 0 && (int)order >= target_order)
		return true;
	return order >= mm->pageblock_order;
}

/* suitable_migration_source: async direct compaction only empties blocks of the request's
 * own type (MOVABLE requests: MOVABLE or CMA); a block filled by one huge page never. */
static bool suitable_migration_source(const struct mm *mm, const struct compact_control *cc, pfn_t block)
{
	const struct page_frame *p = &mm->pages[block];
	if ((p->flags & PF_HEAD) && p->order >= mm->pageblock_order)
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	enum migratetype mt = zone_pb(mm, cc->zone, block)->mt;
	if (cc->migratetype == MIGRATE_MOVABLE)
		return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
	return mt == cc->migratetype;
}

/* May the migrate scanner isolate this allocated head (isolate_migratepages_block)? */
static bool can_isolate(const struct mm *mm, const struct compact_control *cc, const struct page_frame *p)
{
	if (p->order > 0 && skip_isolation_on_order(mm, p->order, cc->order))
		return false;
	if (p->flags & PF_ISOLATED)
		return false;
	if (p->flags & PF_MOVABLE_OPS)
		return true; /* isolate_movable_page; migrate.c applies the non-LRU policy */
	if (!(p->flags & PF_LRU))
		return false; /* unmovable kernel memory */
	/* As isolate_migratepages_block (4.10+, 6.12): a request without __GFP_FS takes only
	 * anonymous pages; moving a page-cache page may need fs locks the requester holds. */
	if (cc->nofs && !(p->flags & PF_SWAPBACKED))
		return false;
	if (cc->mode != MIGRATE_SYNC) {
		/* ISOLATE_ASYNC_MIGRATE, which isolate_migratepages (4.8+, 6.12) asks for in
		 * every mode but MIGRATE_SYNC (sync-light too: kcompactd and the slow path's
		 * retries): no writeback, no dirty file pages that would need writing out (no
		 * migrate_folio).  Migration would refuse them with -EBUSY anyway; not
		 * isolating them leaves them on the LRU and the pageblock's scan going on. */
		if (p->flags & PF_WRITEBACK)
			return false;
		if ((p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED) &&
		    !mm->cfg->policy.migration_file_migrate_folio)
			return false;
	}
	/* Anon pages with more references than mappings are likely pinned: not isolated. */
	if ((p->flags & PF_SWAPBACKED) && (p->flags & PF_PINNED))
		return false;
	if ((p->flags & PF_UNEVICTABLE) && !mm->cfg->policy.compact_unevictable_allowed)
		return false;
	return true;
}

/* Put back everything isolated for migration so far (putback_movable_pages). */
static void putback_migratepages(struct mm *mm, struct compact_control *cc)
{
	for (unsigned i = 0; i < cc->nr_migratepages; i++)
		mm->pages[cc->migratepages[i]].flags &= (uint16_t)~PF_ISOLATED;
	cc->nr_migratepages = 0;
	cc->nr_migrate_pages_batch = 0;
}

/* block_end_pfn(pfn, order) of compaction.c: the end of pfn's order-aligned block. */
static inline pfn_t order_block_end(pfn_t pfn, int order)
{
	return (pfn + 1 + ((pfn_t)1 << order) - 1) & ~(((pfn_t)1 << order) - 1);
}

/* isolate_migratepages_block (6.12): scan [low, end) collecting up to COMPACT_CLUSTER_MAX
 * objects; returns where it stopped.
 *
 * Counted as the kernel counts compact_migrate_scanned: every pfn the scan passes, a free
 * block or a compound page (skipped or isolated) jumped over whole but counted whole, a
 * pcp block's pages one by one (neither PageBuddy nor compound); pfns jumped over after a
 * failure are not counted, so a large folio whose isolation fails in async direct
 * compaction counts one page (6.18).
 *
 * Async direct compaction (skip_on_failure) wants a free block of cc->order, so a page
 * that cannot be isolated spoils its whole order-aligned block: what was isolated is put
 * back and the scan goes on at the next order-aligned block; a block whose candidates
 * were all isolated is migrated at once.
 *
 * A scan that starts at the pageblock's beginning marks it skip as soon as it isolates
 * something (test_and_set_skip: the next run, and the fast search, go elsewhere); one
 * that isolates nothing in the whole block marks it at the end.
 *
 * A batch stops at COMPACT_CLUSTER_MAX pages unless cc->finish_pageblock; a scan that
 * reaches the block's end having isolated nothing, or finishing the block, moves the
 * cached migrate pfn past it (6.12: "the block is marked for skipping if there were no
 * pages isolated in the block or if the block is rescanned twice in a row"). */
static pfn_t isolate_migratepages_block(struct mm *mm, struct compact_control *cc, pfn_t low, pfn_t end)
{
	uint64_t nr_scanned = 0, nr_isolated = 0;
	bool skip_on_failure = cc->direct_compaction && cc->mode == MIGRATE_ASYNC && cc->order > 0;
	pfn_t next_skip_pfn = skip_on_failure ? order_block_end(low, cc->order) : 0;
	bool valid_block = pb_aligned(mm, low) || low == cc->zone->start_pfn;
	bool skip_updated = false;
	pfn_t pfn = low;
	while (pfn < end) {
		if (skip_on_failure && pfn >= next_skip_pfn) {
			if (nr_isolated)
				break; /* the previous order block is all isolated: migrate it */
			next_skip_pfn = order_block_end(pfn, cc->order);
		}
		struct page_frame *p = &mm->pages[pfn];
		if (p->flags & PF_BUDDY) {
			nr_scanned += 1ull << p->order;
			pfn += 1u << p->order;
			continue;
		}
		nr_scanned++;
		bool isolated = false;
		pfn_t next = pfn + 1;
		if (p->flags & PF_HEAD) {
			next = pfn + (1u << p->order);
			/* 6.18 counts a large folio's tail pages as scanned when it is skipped for
			 * its order or isolated; one that fails isolation otherwise is one page
			 * scanned, and its tails are then looked at one by one (each failing:
			 * the same count in all) unless skip_on_failure jumps past them. */
			bool tails_unseen = skip_on_failure && p->order && !skip_isolation_on_order(mm, p->order, cc->order);
			if (!tails_unseen)
				nr_scanned += (1ull << p->order) - 1;
			if (can_isolate(mm, cc, p)) {
				if (tails_unseen)
					nr_scanned += (1ull << p->order) - 1;
				/* The move will update the object's slot: a random place in a table
				 * that outgrows the caches on big machines, so fetch it while the
				 * batch fills. */
				__builtin_prefetch(&mm->objs.slots[p->owner], 1);
				if (valid_block && !skip_updated && !cc->ignore_skip_hint) {
					skip_updated = true;
					set_pageblock_skip(mm, cc, pb_start(mm, pfn));
				}
				p->flags |= PF_ISOLATED;
				cc->migratepages[cc->nr_migratepages++] = pfn;
				cc->nr_migrate_pages_batch += 1ull << p->order;
				nr_isolated += 1ull << p->order;
				isolated = true;
			}
		}
		/* else: a pcp page or a page that belongs to no object, not isolatable */
		pfn = next;
		if (isolated) {
			if (cc->nr_migrate_pages_batch >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock)
				break;
			continue;
		}
		if (!skip_on_failure)
			continue;
		/* A failure in async direct compaction: this order block cannot become free. */
		if (nr_isolated) {
			putback_migratepages(mm, cc);
			nr_isolated = 0;
		}
		if (pfn < next_skip_pfn) {
			pfn = next_skip_pfn;
			next_skip_pfn += (pfn_t)1 << cc->order;
		}
	}
	if (pfn > end)
		pfn = end;
	if (pfn == end && (!nr_isolated || cc->finish_pageblock)) {
		if (valid_block && !skip_updated)
			set_pageblock_skip(mm, cc, pb_start(mm, end - 1));
		update_cached_migrate(mm, cc, end);
	}
	cc->total_migrate_scanned += nr_scanned;
	cc->nr_isolated += nr_isolated;
	count_vm_events(mm, VM_COMPACT_MIGRATE_SCANNED, nr_scanned);
	count_vm_events(mm, VM_COMPACT_ISOLATED, nr_isolated);
	return pfn;
}

/* update_fast_start_pfn / reinit_migrate_pfn (6.12): the lowest block the fast search
 * found is where the linear scan restarts once a fast search fails. */
static void update_fast_start_pfn(struct compact_control *cc, pfn_t pfn)
{
	if (cc->fast_start_pfn == PFN_NONE)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

static pfn_t reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == PFN_NONE)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = PFN_NONE;
	return cc->migrate_pfn;
}

/* fast_find_migrateblock (6.12): for a costly order, when the migrate scanner is at a
 * pageblock boundary, look at the heads of the MOVABLE free lists of orders
 * PAGE_ALLOC_COSTLY_ORDER..order-1 (freelist_scan_limit entries in all) for a free block
 * in the first half of the space between the scanners (the first eighth once the scan has
 * begun) whose pageblock is not marked skip: that pageblock is partly free already, so
 * emptying it needs the fewest migrations.  The entry is rotated to the tail so the next
 * search looks elsewhere.  Every entry looked at counts as migrate-scanned.  Not for
 * compact_node (skip hints ignored), small orders, or direct compaction for a
 * non-movable request (a movable pageblock freed for it would be lost to mobility). */
static pfn_t fast_find_migrateblock(struct mm *mm, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	pfn_t pfn = cc->migrate_pfn;
	if (cc->ignore_skip_hint || cc->no_set_skip_hint)
		return pfn; /* the fast search relies on skip hints to avoid repeats */
	if (cc->finish_pageblock)
		return pfn; /* the current pageblock is to be finished first */
	if (pfn != z->start_pfn && pfn != pb_start(mm, pfn))
		return pfn; /* the continuation of a block's scan */
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct_compaction && cc->migratetype != MIGRATE_MOVABLE)
		return pfn;
	unsigned limit = freelist_scan_limit(cc), nr_scanned = 0;
	pfn_t distance = cc->free_pfn > cc->migrate_pfn ? (cc->free_pfn - cc->migrate_pfn) >> 1 : 0;
	if (cc->migrate_pfn != z->start_pfn)
		distance >>= 2;
	pfn_t high_pfn = pb_start(mm, cc->migrate_pfn + distance);
	bool found = false;
	for (int order = cc->order - 1; order >= PAGE_ALLOC_COSTLY_ORDER && !found && nr_scanned < limit; order--) {
		struct free_area *area = &z->free_area[order];
		if (!area->nr_free)
			continue;
		struct pfn_list *freelist = &area->free_list[MIGRATE_MOVABLE];
		for (pfn_t free_pfn = freelist->head; free_pfn != PFN_NONE; free_pfn = mm->pages[free_pfn].next) {
			if (nr_scanned++ >= limit) {
				move_freelist_tail(mm, freelist, free_pfn);
				break;
			}
			if (free_pfn >= high_pfn)
				continue;
			if (zone_pb(mm, z, free_pfn)->bits & PB_SKIP)
				continue; /* skipped recently */
			move_freelist_tail(mm, freelist, free_pfn);
			update_fast_start_pfn(cc, free_pfn);
			pfn = MAX(pb_start(mm, free_pfn), z->start_pfn);
			cc->fast_search_fail = 0;
			found = true;
			break;
		}
	}
	cc->total_migrate_scanned += nr_scanned;
	count_vm_events(mm, VM_COMPACT_MIGRATE_SCANNED, nr_scanned);
	if (!found) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

/* isolate_migratepages (6.12): the block fast_find_migrateblock chose, else the next
 * suitable pageblock below the free scanner; one block per call (the caller migrates what
 * was found, then calls again).  A block the fast search chose is not checked for the
 * skip bit again. */
static enum isolate_migrate_t isolate_migratepages(struct mm *mm, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	pfn_t low = fast_find_migrateblock(mm, cc);
	pfn_t block_start = MAX(pb_start(mm, low), z->start_pfn);
	pfn_t block_end = pb_end(mm, low);
	bool fast_find_block = low != cc->migrate_pfn && !cc->fast_search_fail;
	for (; block_end <= cc->free_pfn; fast_find_block = false, cc->migrate_pfn = low = block_end,
	     block_start = block_end, block_end += mm->pageblock_nr_pages) {
		if ((pb_aligned(mm, low) || low == z->start_pfn) && !fast_find_block &&
		    !isolation_suitable(mm, cc, block_start))
			continue;
		if (!suitable_migration_source(mm, cc, block_start)) {
			update_cached_migrate(mm, cc, block_end);
			continue;
		}
		cc->migrate_pfn = isolate_migratepages_block(mm, cc, low, block_end);
		break;
	}
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}


/* ---- the finish test (model.md §5.5) --------------------------------------------- */

static const enum migratetype fallback_types[MIGRATE_PCPTYPES][2] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static uint64_t blocks_of_order(const struct zone *z, unsigned order)
{
	struct contig_page_info info;
	fill_contig_page_info(z, order, &info);
	return info.free_blocks_suitable;
}

/* The free-list part of __compact_finished: a free block of cc->order or more that the
 * request may take, on its own type's list (MOVABLE also CMA) or on a fallback type it
 * would be allowed to claim.  capture: as compaction_capture (6.18) takes a block, which
 * never lets a non-movable request below pageblock_order take one of a MOVABLE
 * pageblock ("do not let lower order allocations pollute a movable pageblock"). */
static bool suitable_page_free(const struct mm *mm, const struct compact_control *cc, bool capture)
{
	bool no_movable = capture && cc->migratetype != MIGRATE_MOVABLE && (unsigned)cc->order < mm->pageblock_order;
	const struct zone *z = cc->zone;
	enum migratetype mt = cc->migratetype;
	for (unsigned o = (unsigned)cc->order; o < NR_PAGE_ORDERS; o++) {
		const struct free_area *area = &z->free_area[o];
		if (area->nr_free_mt[mt])
			return true;
		if (mt == MIGRATE_MOVABLE && area->nr_free_mt[MIGRATE_CMA])
			return true;
		if (mt >= MIGRATE_PCPTYPES)
			continue;
		/* A fallback the request would be allowed to claim (can_steal_fallback). */
		bool can_claim = o >= mm->pageblock_order / 2 || mt != MIGRATE_MOVABLE ||
				 !mm->cfg->machine.mobility_grouping;
		/* sticky_movable accounted: sticky blocks on the MOVABLE list are no fallback for a
		 * non-movable request (free_area_movable_usable). */
		if (!can_claim)
			continue;
		for (int f = 0; f < 2; f++) {
			enum migratetype fmt = fallback_types[mt][f];
			if (fmt == MIGRATE_MOVABLE && no_movable)
				continue;
			if (fmt == MIGRATE_MOVABLE ? free_area_movable_usable(z, area, cc->alloc_flags) > 0
						   : area->nr_free_mt[fmt] > 0)
				return true;
		}
	}
	return false;
}

static enum compact_result compact_finished(struct mm *mm, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	if (scanners_met(mm, cc)) {
		reset_cached_positions(mm, z);
		if (cc->direct_compaction && mm->compact)
			mm->compact->compact_blockskip_flush[z->type] = true;
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction)
		return compaction_extfrag_for_order(z, COMPACTION_HPAGE_ORDER) > score_wmark(mm, true)
			       ? COMPACT_CONTINUE : COMPACT_SUCCESS;
	if (cc->defrag_target)
		return blocks_of_order(z, (unsigned)cc->order) >= cc->defrag_target ? COMPACT_SUCCESS
										       : COMPACT_CONTINUE;
	if (cc->order < 0)
		return COMPACT_CONTINUE; /* compact_node: until the scanners meet */
	if (!pb_aligned(mm, cc->migrate_pfn))
		return COMPACT_CONTINUE; /* finish the pageblock first */
	return suitable_page_free(mm, cc, false) ? COMPACT_SUCCESS : COMPACT_NO_SUITABLE_PAGE;
}

/* ---- compact_zone ----------------------------------------------------------------- */

enum compact_result compact_zone(struct mm *mm, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	enum compact_result ret;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		cc->freepages[o] = PFN_NONE;
	cc->nr_freepages = 0;
	cc->nr_migratepages = 0;
	cc->nr_migrate_pages_batch = 0;
	cc->fast_search_fail = 0;
	cc->search_order = cc->order; /* compact_zone_order: .search_order = order */
	cc->fast_start_pfn = 0;

	if (!zone_populated(z) || z->present < mm->pageblock_nr_pages)
		return COMPACT_SKIPPED;
	if (cc->order >= 0 && !cc->proactive_compaction) {
		if (cc->defrag_target) {
			if (!compaction_suitable(mm, z, cc->order, cc->highest_zoneidx, cc->alloc_flags))
				return COMPACT_SKIPPED;
		} else {
			ret = compaction_suit_allocation_order(mm, z, cc->order, cc->highest_zoneidx, cc->alloc_flags);
			if (ret != COMPACT_CONTINUE)
				return ret;
		}
	}
	count_vm_event(mm, VM_MMSIM_COMPACT_RUNS);
	/* At the deepest deferral, a zone that is finally compacted again has its skip hints
	 * reset, if its scanners met since the last reset (__reset_isolation_suitable). */
	if (cc->order >= 0 && compaction_restarting(z, cc->order))
		reset_isolation_suitable(mm, z);

	pfn_t zend = zone_present_end(z);
	if (cc->whole_zone) {
		cc->migrate_pfn = z->start_pfn;
		cc->free_pfn = zone_last_block(mm, z);
	} else {
		bool sync = cc->mode != MIGRATE_ASYNC;
		cc->migrate_pfn = z->compact_cached_migrate_pfn[sync];
		cc->free_pfn = z->compact_cached_free_pfn;
		if (cc->free_pfn < z->start_pfn || cc->free_pfn >= zend) {
			cc->free_pfn = zone_last_block(mm, z);
			z->compact_cached_free_pfn = cc->free_pfn;
		}
		if (cc->migrate_pfn < z->start_pfn || cc->migrate_pfn >= zend) {
			cc->migrate_pfn = z->start_pfn;
			z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = z->start_pfn;
		}
		if (cc->migrate_pfn <= init_migrate_pfn(mm, z))
			cc->whole_zone = true;
	}

	/* As compact_zone in 6.12: last_migrated_pfn is the pageblock the last batch came from
	 * (the kernel's 0 = none yet, PFN_NONE here: the model's zones may start at pfn 0,
	 * where the kernel's sentinel would read as pageblock 0); until a batch is found, an
	 * async run keeps the sync run's cached migrate pfn level with its own when they
	 * started level (update_cached). */
	pfn_t last_migrated_pfn = PFN_NONE;
	bool update_cached = cc->mode == MIGRATE_ASYNC &&
			     z->compact_cached_migrate_pfn[0] == z->compact_cached_migrate_pfn[1];
	for (;;) {
		ret = compact_finished(mm, cc);
		if (ret == COMPACT_NO_SUITABLE_PAGE)
			ret = COMPACT_CONTINUE;
		if (ret != COMPACT_CONTINUE)
			break;
		/* A second batch from the block the last one came from finishes the block: its
		 * pages were being allocated again before it was cleared, or some could not be
		 * isolated; scanning it whole once marks it skip and moves on. */
		cc->finish_pageblock = last_migrated_pfn != PFN_NONE &&
				       pb_start(mm, last_migrated_pfn) == pb_start(mm, cc->migrate_pfn);
rescan:
		if (isolate_migratepages(mm, cc) == ISOLATE_NONE) {
			if (update_cached)
				z->compact_cached_migrate_pfn[1] = z->compact_cached_migrate_pfn[0];
			continue; /* the scanner moved on by at least one block */
		}
		update_cached = false;
		last_migrated_pfn = MAX(z->start_pfn, pb_start(mm, cc->migrate_pfn - 1));
		struct migrate_result res = { 0 };
		unsigned failed = migrate_pages(mm, cc->migratepages, cc->nr_migratepages, compaction_alloc,
						NULL, cc, cc->mode, MR_COMPACTION, &res);
		cc->nr_migratepages = 0;
		cc->nr_migrate_pages_batch = 0;
		cc->nr_migrated += res.nr_succeeded;
		cc->nr_failed += res.nr_failed;
		cc->cost_ns += res.cost_ns;
		if (res.nomem && !scanners_met(mm, cc)) {
			ret = COMPACT_CONTENDED;
			break;
		}
		/* Async and sync-light runs whose batch failed mid-pageblock scan the rest of the
		 * pageblock at once (finish_pageblock, 6.12): more is isolated than the request
		 * needs, but the block ends marked skip with the cached pfn past it, instead of
		 * fast_find_migrateblock coming back to a half-scanned block. */
		if (failed && !pb_aligned(mm, cc->migrate_pfn) && !cc->ignore_skip_hint &&
		    !cc->finish_pageblock && cc->mode < MIGRATE_SYNC) {
			cc->finish_pageblock = true;
			goto rescan;
		}
		/* compaction_capture (6.18): a direct compaction's task catches the block of
		 * cc->order its own frees merge into and stops at once, mid-pageblock (the
		 * finish test waits for the pageblock's end).  The model's frees merge as they
		 * happen, so a suitable free block after a batch is the one this run made. */
		if (cc->direct_compaction && cc->order > 0 && res.nr_succeeded && suitable_page_free(mm, cc, true)) {
			ret = COMPACT_SUCCESS;
			break;
		}
	}
	release_freepages(mm, cc);
	cc->cost_ns += (cc->total_migrate_scanned + cc->total_free_scanned) * mm->cfg->costs.scan_page_ns;
	count_vm_events(mm, VM_MMSIM_COMPACT_NS, cc->cost_ns);
	if (mm->compact)
		mm->compact->nr_compact_runs[ret]++;
	return ret;
}

/* ---- direct compaction ------------------------------------------------------------ */

enum compact_result compaction_direct(struct mm *mm, const struct alloc_context *ac, int prio)
{
	int order = (int)ac->order;
	/* gfp_compaction_allowed: compaction needs __GFP_IO. */
	if (order == 0 || !(ac->gfp & __GFP_IO))
		return COMPACT_SKIPPED;
	enum compact_result rc = COMPACT_SKIPPED;
	sim_ns_t cost_ns = 0;
	for (int zi = (int)ac->highest_zoneidx; zi >= 0; zi--) {
		struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		if (prio > COMPACT_PRIO_SYNC_FULL && compaction_deferred(z, order)) {
			rc = MAX(rc, COMPACT_DEFERRED);
			count_vm_event(mm, VM_MMSIM_COMPACT_DEFERRED);
			continue;
		}
		struct compact_control cc = {
			.zone = z,
			.order = order,
			.migratetype = ac->mt,
			.alloc_flags = ac->alloc_flags,
			.highest_zoneidx = ac->highest_zoneidx,
			.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
			.whole_zone = prio == COMPACT_PRIO_SYNC_FULL,
			.ignore_skip_hint = prio == COMPACT_PRIO_SYNC_FULL,
			.ignore_block_suitable = prio == COMPACT_PRIO_SYNC_FULL,
			.direct_compaction = true,
			.nofs = !(ac->gfp & __GFP_FS),
		};
		enum compact_result status = compact_zone(mm, &cc);
		rc = MAX(rc, status);
		cost_ns += cc.cost_ns;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, order, false);
			break;
		}
		/* Only a sync run that went through the whole zone defers it. */
		if (prio != COMPACT_PRIO_ASYNC && (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(z, order);
	}
	mm_request_charge(ac->req, cost_ns);
	return rc;
}

static int direct_compact_hook(struct mm *mm, const struct alloc_context *ac, int prio)
{
	return (int)compaction_direct(mm, ac, prio);
}

/* ---- kcompactd (model.md §5.7) ------------------------------------------------------- */

static bool kcompactd_node_suitable(const struct mm *mm, int order, enum zone_type highest)
{
	for (int zi = 0; zi <= (int)highest; zi++) {
		const struct zone *z = &mm->zones[zi];
		if (zone_populated(z) &&
		    compaction_suit_allocation_order(mm, z, order, highest, ALLOC_WMARK_MIN) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* One compact_zone run of kcompactd (wake-up, proactive or defragmenter path): the
 * compact_daemon_* scan counters of kcompactd_do_work() in 6.12, and its CPU time, which
 * no request waits for. */
static void account_daemon(struct mm *mm, const struct compact_control *cc)
{
	count_vm_events(mm, VM_COMPACT_DAEMON_MIGRATE_SCANNED, cc->total_migrate_scanned);
	count_vm_events(mm, VM_COMPACT_DAEMON_FREE_SCANNED, cc->total_free_scanned);
	mm->compact->kcompactd_work++;
	mm->compact->kcompactd_busy_ns += cc->cost_ns;
}

/* drain_all_pages(zone) of kcompactd_do_work() in 6.12 after a run that failed: pages freed
 * to the per-cpu lists cannot merge on the buddy lists, so the daemon flushes them before
 * backing off.  Counted apart from the allocator's drains as the defragmenters' share. */
static void daemon_drain_all_pages(struct mm *mm)
{
	uint64_t drained = mm_drain_all_pages(mm);
	count_vm_event(mm, VM_MMSIM_COMPACT_DRAIN_ALL_PAGES);
	count_vm_events(mm, VM_MMSIM_COMPACT_DRAIN_PAGES, drained);
}

static void kcompactd_do_work(struct mm *mm)
{
	struct compact_state *cs = mm->compact;
	int order = cs->kcompactd_max_order;
	enum zone_type highest = cs->kcompactd_highest_zoneidx;
	count_vm_event(mm, VM_COMPACT_DAEMON_WAKE);
	cs->kcompactd_work++;
	for (int zi = 0; zi <= (int)highest; zi++) {
		struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		if (compaction_deferred(z, order))
			continue;
		if (compaction_suit_allocation_order(mm, z, order, highest, ALLOC_WMARK_MIN) != COMPACT_CONTINUE)
			continue;
		/* kcompactd compacts for a GFP_KERNEL request: its type is UNMOVABLE, so any
		 * free block of the order (claimable as a fallback) finishes the run. */
		struct compact_control cc = {
			.zone = z,
			.order = order,
			.migratetype = MIGRATE_UNMOVABLE,
			.alloc_flags = ALLOC_WMARK_MIN,
			.highest_zoneidx = highest,
			.mode = MIGRATE_SYNC_LIGHT,
		};
		enum compact_result status = compact_zone(mm, &cc);
		account_daemon(mm, &cc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			/* Freed pages may be stranded on pcp lists; then back off. */
			daemon_drain_all_pages(mm);
			defer_compaction(z, order);
		}
	}
	if (cs->kcompactd_max_order <= order)
		cs->kcompactd_max_order = 0;
	cs->kcompactd_highest_zoneidx = mm->highest_populated;
}

/* kcompactd() in 6.18 sleeps for at most HPAGE_FRAG_CHECK_INTERVAL_MSEC while
 * compaction_proactiveness is on (for good when it is 0), and starts a new sleep after
 * every wake and every timeout.  A timeout that finds an order still requested
 * (kcompactd_work_requested: kcompactd_max_order > 0) runs kcompactd_do_work for it, so
 * an order that wakeup_kcompactd recorded without waking kcompactd (no zone suitable
 * then) is served at the end of the current sleep; a timeout with nothing requested
 * makes the proactive check (policy.defrag = proactive, proactive_tick).  Where the
 * capture's sleep began is not known, so the sleep in progress is taken to have begun when
 * the replay did.  Without the proactive check the timeout is queued only while an order
 * waits (the sleeps in between, HPAGE_FRAG_CHECK_INTERVAL_NS each, are counted, not run);
 * with it, every sleep's timeout is queued when the sleep begins. */
static bool proactive_on(const struct mm *mm)
{
	return mm->cfg->policy.defrag == DEFRAG_PROACTIVE && mm->cfg->policy.compaction_proactiveness;
}

static void kcompactd_arm_timeout(struct mm *mm)
{
	struct compact_state *cs = mm->compact;
	if (cs->kcompactd_timeout_armed || !mm->cfg->policy.compaction_proactiveness)
		return;
	sim_ns_t now = mm->engine->now_ns;
	if (now < cs->kcompactd_sleep_ns)
		cs->kcompactd_sleep_ns = now;
	sim_ns_t len = cs->kcompactd_timeout_ns;
	sim_ns_t periods = (now - cs->kcompactd_sleep_ns) / len + 1;
	engine_schedule(mm->engine, cs->kcompactd_sleep_ns + periods * len, cs->kcompactd_timeout_handler,
			cs->kcompactd_timeout_gen);
	cs->kcompactd_timeout_armed = true;
}

/* kcompactd goes back to sleep: a new timed sleep of len begins now (kcompactd() in 6.18:
 * HPAGE_FRAG_CHECK_INTERVAL_MSEC after a wake or a timeout, that << COMPACT_MAX_DEFER_SHIFT
 * after a proactive run that did not lower the node's score). */
static void kcompactd_sleep(struct mm *mm, sim_ns_t len)
{
	struct compact_state *cs = mm->compact;
	cs->kcompactd_sleep_ns = mm->engine->now_ns;
	cs->kcompactd_timeout_ns = len;
	cs->kcompactd_timeout_gen++;
	cs->kcompactd_timeout_armed = false;
	if (cs->kcompactd_max_order > 0 || proactive_on(mm))
		kcompactd_arm_timeout(mm);
}

static sim_ns_t proactive_tick(struct mm *mm);

static void kcompactd_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)now_ns;
	(void)arg;
	struct mm *mm = ctx;
	mm->compact->kcompactd_pending = false;
	kcompactd_do_work(mm);
	kcompactd_sleep(mm, HPAGE_FRAG_CHECK_INTERVAL_NS);
	sim_assert3(mm_check_full(mm));
}

static void kcompactd_timeout_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)now_ns;
	struct mm *mm = ctx;
	struct compact_state *cs = mm->compact;
	if (arg != cs->kcompactd_timeout_gen || cs->kcompactd_pending)
		return; /* stale (kcompactd was woken meanwhile), or a wake is queued now */
	sim_ns_t len = HPAGE_FRAG_CHECK_INTERVAL_NS;
	if (cs->kcompactd_max_order > 0)
		kcompactd_do_work(mm);
	else if (proactive_on(mm))
		len = proactive_tick(mm);
	kcompactd_sleep(mm, len);
	sim_assert3(mm_check_full(mm));
}

void wakeup_kcompactd(struct mm *mm, int order, enum zone_type highest_zoneidx)
{
	struct compact_state *cs = mm->compact;
	if (!cs || order <= 0)
		return;
	if (cs->kcompactd_max_order < order)
		cs->kcompactd_max_order = order;
	if (cs->kcompactd_highest_zoneidx > highest_zoneidx)
		cs->kcompactd_highest_zoneidx = highest_zoneidx;
	if (!kcompactd_node_suitable(mm, cs->kcompactd_max_order, cs->kcompactd_highest_zoneidx)) {
		/* Not woken, but the order stays requested until kcompactd next runs. */
		kcompactd_arm_timeout(mm);
		return;
	}
	if (cs->kcompactd_pending)
		return;
	cs->kcompactd_pending = true;
	engine_schedule(mm->engine, mm->engine->now_ns, cs->kcompactd_handler, 0);
}

/* ---- compact_node, proactive compaction, the threshold defragmenter ------------------ */

/* compact_node for one zone: order -1 in `mode`, whole zone, ignoring skip hints. */
static enum compact_result compact_zone_whole(struct mm *mm, struct zone *z, enum migrate_mode mode,
					      bool proactive, struct compact_control *out)
{
	*out = (struct compact_control){
		.zone = z,
		.order = -1,
		.migratetype = MIGRATE_UNMOVABLE,
		.alloc_flags = ALLOC_WMARK_MIN,
		.highest_zoneidx = z->type,
		.mode = mode,
		.whole_zone = true,
		.ignore_skip_hint = true,
		.proactive_compaction = proactive,
	};
	return compact_zone(mm, out);
}

void compaction_compact_node(struct mm *mm, struct mm_request *req, int zone, int order)
{
	count_vm_event(mm, VM_MMSIM_COMPACT_MANUAL);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &mm->zones[zi];
		if ((zone >= 0 && zi != zone) || !zone_populated(z))
			continue;
		struct compact_control cc;
		if (order < 0 || order > MAX_PAGE_ORDER) {
			compact_zone_whole(mm, z, MIGRATE_SYNC, false, &cc);
		} else {
			/* For an order: the slow path's strongest effort (SYNC_FULL) for a movable
			 * request, in MIGRATE_SYNC as the write to compact_memory would be. */
			cc = (struct compact_control){
				.zone = z,
				.order = order,
				.migratetype = MIGRATE_MOVABLE,
				.alloc_flags = ALLOC_WMARK_MIN | ALLOC_CMA,
				.highest_zoneidx = z->type,
				.mode = MIGRATE_SYNC,
				.whole_zone = true,
				.ignore_skip_hint = true,
				.ignore_block_suitable = true,
			};
			compact_zone(mm, &cc);
		}
		mm_request_charge(req, cc.cost_ns); /* the writer of compact_memory waits for it */
	}
	sim_assert3(mm_check_full(mm));
}

void mm_compact_request_req(struct mm *mm, struct mm_request *req, int zone, int order)
{
	compaction_compact_node(mm, req, zone, order);
}

/* proactive_compact_node: every zone whose score is above the low watermark, until it is
 * at or below it. */
static void proactive_compact_node(struct mm *mm)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		if (compaction_extfrag_for_order(z, COMPACTION_HPAGE_ORDER) <= score_wmark(mm, true))
			continue;
		struct compact_control cc;
		compact_zone_whole(mm, z, MIGRATE_SYNC_LIGHT, true, &cc);
		account_daemon(mm, &cc);
		count_vm_event(mm, VM_MMSIM_COMPACT_PROACTIVE);
	}
}

/* The proactive check of a kcompactd timeout with nothing requested (kcompactd() and
 * should_proactive_compact_node() in 6.18): not while kswapd runs; otherwise, when the
 * node's score is above the high mark, compact every zone above the low mark.  Returns
 * the next sleep's length: HPAGE_FRAG_CHECK_INTERVAL_NS, or << COMPACT_MAX_DEFER_SHIFT
 * when the run did not lower the score (a wake cuts that sleep short, as any). */
static sim_ns_t proactive_tick(struct mm *mm)
{
	if (!mm->cfg->policy.compaction_proactiveness)
		return HPAGE_FRAG_CHECK_INTERVAL_NS;
	if (mm->reclaim && mm->reclaim->kswapd.state == KSWAPD_RUNNING)
		return HPAGE_FRAG_CHECK_INTERVAL_NS;
	unsigned prev = compaction_node_score(mm);
	if (prev <= score_wmark(mm, false))
		return HPAGE_FRAG_CHECK_INTERVAL_NS;
	proactive_compact_node(mm);
	if (compaction_node_score(mm) >= prev)
		return HPAGE_FRAG_CHECK_INTERVAL_NS << COMPACT_MAX_DEFER_SHIFT;
	return HPAGE_FRAG_CHECK_INTERVAL_NS;
}

/* The threshold defragmenter (policy.defrag = threshold): for each order with a target,
 * when the zone holds fewer free blocks of that order than the target, compact (sync-light,
 * honouring skip bits and deferral, like kcompactd) until it holds the target; a run that
 * fails drains the per-cpu lists and defers, as kcompactd_do_work() does. */
static void defrag_tick(struct mm *mm)
{
	const uint64_t *target = mm->cfg->policy.defrag_thresholds;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		for (int o = MAX_PAGE_ORDER; o >= 1; o--) {
			if (!target[o] || blocks_of_order(z, (unsigned)o) >= target[o])
				continue;
			if (compaction_deferred(z, o))
				continue;
			struct compact_control cc = {
				.zone = z,
				.order = o,
				.migratetype = MIGRATE_MOVABLE,
				.alloc_flags = ALLOC_WMARK_MIN | ALLOC_CMA,
				.highest_zoneidx = z->type,
				.mode = MIGRATE_SYNC_LIGHT,
				.defrag_target = target[o],
			};
			enum compact_result status = compact_zone(mm, &cc);
			account_daemon(mm, &cc);
			count_vm_event(mm, VM_MMSIM_COMPACT_DEFRAG_RUNS);
			if (status == COMPACT_SUCCESS)
				compaction_defer_reset(z, o, true);
			else if (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED) {
				daemon_drain_all_pages(mm);
				defer_compaction(z, o);
			}
		}
	}
}

static void defrag_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)arg;
	struct mm *mm = ctx;
	defrag_tick(mm);
	sim_assert3(mm_check_full(mm));
	sim_ns_t interval = mm->cfg->policy.defrag_interval_ns ? mm->cfg->policy.defrag_interval_ns
							       : 100 * NSEC_PER_MSEC;
	engine_schedule(mm->engine, now_ns + interval, mm->compact->defrag_handler, 0);
}

uint64_t compaction_kcompactd_work(const struct mm *mm)
{
	return mm->compact ? mm->compact->kcompactd_work : 0;
}

bool compaction_kcompactd_pending(const struct mm *mm)
{
	return mm->compact && mm->compact->kcompactd_pending;
}

sim_ns_t compaction_kcompactd_busy_ns(const struct mm *mm)
{
	return mm->compact ? mm->compact->kcompactd_busy_ns : 0;
}

void compaction_periodic(struct mm *mm)
{
	if (!mm->compact)
		return;
	if (mm->cfg->policy.defrag == DEFRAG_PROACTIVE)
		(void)proactive_tick(mm);
	else if (mm->cfg->policy.defrag == DEFRAG_THRESHOLD)
		defrag_tick(mm);
}

/* policy.compact_node_at: the --set equivalent of writing /proc/sys/vm/compact_node. */
static void compact_node_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)now_ns;
	(void)arg;
	compaction_compact_node(ctx, NULL, -1, -1);
}

/* ---- set-up ----------------------------------------------------------------------- */

/* machine.compaction_skip_start: the pageblocks a capture's scanners found skip-marked
 * as it began (PB_migrate_skip; import_skip.h).  A block the kernel's scanners passed
 * over was marked or of a kind they pass anyway: the bit is set where the replay's block
 * is a MOVABLE or CMA one, which only the bit keeps the scanners out of. */
static void compaction_skip_start(struct mm *mm)
{
	const struct machine_config *mc = &mm->cfg->machine;
	for (unsigned i = 0; i < mc->nr_skip_start; i++) {
		const struct skip_start_config *c = &mc->skip_start[i];
		if (c->zone < 0 || c->zone >= MAX_NR_ZONES || !zone_populated(&mm->zones[c->zone]))
			continue;
		struct zone *z = &mm->zones[c->zone];
		pfn_t zend = zone_present_end(z);
		uint64_t off = c->start & ~(uint64_t)(mm->pageblock_nr_pages - 1);
		for (; off < c->start + c->pages && z->start_pfn + off < zend; off += mm->pageblock_nr_pages) {
			struct pageblock *pb = zone_pb(mm, z, z->start_pfn + (pfn_t)off);
			if (pb->mt == MIGRATE_MOVABLE || pb->mt == MIGRATE_CMA)
				pb->bits |= PB_SKIP;
		}
	}
}

void compaction_capture_start(struct mm *mm)
{
	/* kcompactd's sleep in progress is taken to have begun with the capture. */
	if (mm->compact)
		kcompactd_sleep(mm, HPAGE_FRAG_CHECK_INTERVAL_NS);
	/* Pageblock-aligned offsets into the zone, kept between its first block and the
	 * last one a fresh zone's free scanner starts from; 0 keeps a fresh zone's position. */
	const struct machine_config *mc = &mm->cfg->machine;
	for (unsigned i = 0; i < mc->nr_scan_start; i++) {
		const struct scan_start_config *c = &mc->scan_start[i];
		if (c->zone < 0 || c->zone >= MAX_NR_ZONES || !zone_populated(&mm->zones[c->zone]))
			continue;
		struct zone *z = &mm->zones[c->zone];
		const uint64_t off[3] = { c->migrate_async, c->migrate_sync, c->free };
		pfn_t *cached[3] = { &z->compact_cached_migrate_pfn[0], &z->compact_cached_migrate_pfn[1],
				     &z->compact_cached_free_pfn };
		for (int k = 0; k < 3; k++)
			if (off[k])
				*cached[k] = MAX(pb_start(mm, (pfn_t)MIN(z->start_pfn + off[k], (uint64_t)zone_last_block(mm, z))),
						 z->start_pfn);
	}
	compaction_skip_start(mm);
}

int compaction_init(struct mm *mm, struct sim_error *err)
{
	struct compact_state *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory (compaction state)");
	mm->compact = cs;
	cs->kcompactd_highest_zoneidx = mm->highest_populated;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone_populated(&mm->zones[i])) {
			reset_cached_positions(mm, &mm->zones[i]);
			cs->init_migrate_pfn[i] = mm->zones[i].start_pfn;
			cs->init_free_pfn[i] = zone_last_block(mm, &mm->zones[i]);
		}
	/* A capture's deferral state (machine.compaction_defer): a zone the kernel had deferred
	 * stays deferred for as many attempts as it had left (compaction_deferred, 6.12). */
	const struct machine_config *mc = &mm->cfg->machine;
	for (unsigned i = 0; i < mc->nr_compaction_defer; i++) {
		const struct compaction_defer_config *d = &mc->compaction_defer[i];
		if (d->zone < 0 || d->zone >= MAX_NR_ZONES || !zone_populated(&mm->zones[d->zone]))
			continue;
		struct zone *z = &mm->zones[d->zone];
		z->compact_defer_shift = MIN(d->shift, COMPACT_MAX_DEFER_SHIFT);
		z->compact_considered = MIN(d->considered, 1u << z->compact_defer_shift);
		z->compact_order_failed = d->order_failed;
	}
	mm->hooks.direct_compact = direct_compact_hook;
	if (mm->cfg->policy.compact_node_at_ns) {
		unsigned h = engine_register(mm->engine, "compact_node", compact_node_event, mm);
		engine_schedule(mm->engine, MAX(mm->cfg->policy.compact_node_at_ns, mm->engine->now_ns), h, 0);
	}
	cs->kcompactd_handler = engine_register(mm->engine, "kcompactd", kcompactd_event, mm);
	cs->kcompactd_timeout_handler = engine_register(mm->engine, "kcompactd_timeout", kcompactd_timeout_event, mm);
	kcompactd_sleep(mm, HPAGE_FRAG_CHECK_INTERVAL_NS);
	if (mm->cfg->policy.defrag == DEFRAG_THRESHOLD) {
		sim_ns_t interval = mm->cfg->policy.defrag_interval_ns ? mm->cfg->policy.defrag_interval_ns
								       : 100 * NSEC_PER_MSEC;
		cs->defrag_handler = engine_register(mm->engine, "defrag", defrag_event, mm);
		engine_schedule(mm->engine, mm->engine->now_ns + interval, cs->defrag_handler, 0);
	}
	return 0;
}

void compaction_destroy(struct mm *mm)
{
	free(mm->compact);
	mm->compact = NULL;
}

/* ---- invariant checker -------------------------------------------------------------- */

#define FAIL(...) return mm_check_fail(msg, msg_size, __VA_ARGS__)

bool compaction_check(const struct mm *mm, char *msg, size_t msg_size)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		if (!zone_populated(z))
			continue;
		pfn_t zend = zone_present_end(z);
		for (int s = 0; s < 2; s++)
			if (z->compact_cached_migrate_pfn[s] < z->start_pfn || z->compact_cached_migrate_pfn[s] > zend)
				FAIL("zone %s: cached migrate pfn %#x outside [%#x, %#x]", z->name,
				     z->compact_cached_migrate_pfn[s], z->start_pfn, zend);
		if (z->compact_cached_free_pfn < z->start_pfn || z->compact_cached_free_pfn >= zend)
			FAIL("zone %s: cached free pfn %#x outside the zone", z->name, z->compact_cached_free_pfn);
		if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
			FAIL("zone %s: defer shift %u > %d", z->name, z->compact_defer_shift, COMPACT_MAX_DEFER_SHIFT);
		if (z->compact_considered > 1u << z->compact_defer_shift)
			FAIL("zone %s: considered %u > limit %u", z->name, z->compact_considered,
			     1u << z->compact_defer_shift);
		if (z->compact_order_failed > MAX_PAGE_ORDER + 1)
			FAIL("zone %s: order_failed %u", z->name, z->compact_order_failed);
		size_t nr_blocks = z->spanned >> mm->pageblock_order;
		for (size_t b = 0; b < nr_blocks; b++) {
			pfn_t start = z->start_pfn + (pfn_t)(b << mm->pageblock_order);
			if ((z->pageblocks[b].bits & PB_SKIP) && start >= zend)
				FAIL("zone %s: skip bit on pageblock %#x beyond the present pages", z->name, start);
		}
		for (pfn_t pfn = z->start_pfn; pfn < zend; pfn++)
			if (mm->pages[pfn].flags & PF_ISOLATED)
				FAIL("pfn %#x still isolated after compaction", pfn);
	}
	return true;
}
