/* prefill.c — the starting state of a replayed capture: the pages in use before the
 * capture by kind and zone, and the free memory's shape (free blocks per order and
 * migratetype), written as the records that build them (import_prefill) from the
 * capture's /proc files (import_prefill_load).  docs/import.md "Starting memory" has the
 * rules; import.c counts what the trace says about the same pages
 * (import_prefill_evictions) and releases the objects written here when the trace frees
 * them.
 */
#include "import.h"
#include "trace.h"
#include "../lib/splitmix.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- the starting state (docs/import.md "Starting memory") ------------------------- */

/* Kinds of page in use, as the model classifies an allocation by its gfp (vmscan.c
 * hook_page_allocated): __GFP_ZERO marks anon (swap-backed; unreclaimable without swap),
 * plain movable is page cache, __GFP_RECLAIMABLE is reclaimable slab, the rest kernel. */
enum pf_kind { PF_ANON_INACTIVE, PF_ANON_ACTIVE, PF_FILE_INACTIVE, PF_FILE_ACTIVE, NR_PF_MOVABLE };
/* A folio's class: its kind is the class's inactive kind or the one after it (active). */
enum pf_class { PF_ANON, PF_FILE, NR_PF_CLASSES };

/* One zone's plan.  The zone is filled in one sequence of allocations that a buddy
 * allocator serves from ascending pfns (rmqueue_smallest takes the list head, expand()
 * keeps the upper halves, and boot puts the blocks on the lists in pfn order):
 *   [kernel][reclaimable slab][movable: order-0 pages and folios in use, mixed, with holes]
 *   [tail: never allocated]
 * Unmovable and reclaimable pages each claim whole MAX_PAGE_ORDER blocks by fallback (a
 * fresh zone is all MOVABLE), whose unused ends stay free in blocks of their type.  The
 * first movable pages go to the zone's last, partial block (the smallest free blocks).
 * Holes are allocated in place and freed at the end: a hole of order o starts o-aligned
 * between pages in use, so it cannot merge, and becomes exactly one free block of order
 * o.  In-use pages + holes may only lower the zone's free pages to floor (the low
 * watermark and a margin: below it the fast path would fall back to a lower zone and a
 * slow path would wake kswapd), so the largest free blocks are left to the tail. */
struct pf_plan {
	uint64_t managed, in_use, kernel, sreclaim, movable[NR_PF_MOVABLE];
	uint64_t region_pad; /* of kernel + sreclaim, movable pages that fill their regions' ends */
	uint64_t holes[NR_PAGE_ORDERS];  /* movable hole blocks by order (pcp singles not included) */
	/* Unmovable and reclaimable hole blocks by order, among the kernel and the slab pages
	 * (pagetypeinfo's free blocks of those types; none without it). */
	uint64_t holes_mt[2][NR_PAGE_ORDERS];
	/* Of holes[PAGEBLOCK order], those that are highatomic reserves, wholly free
	 * (pagetypeinfo's HighAtomic free blocks of that order; a hint highatomic each). */
	uint64_t highatomic;
	uint64_t pcp_singles;            /* order-0 holes standing for the per-cpu list pages */
	uint64_t pcp_blocks;             /* per-cpu list pages left whole: pageblocks in the tail */
	uint64_t lumps;                  /* MAX_PAGE_ORDER blocks in use, taken from the tail last */
	uint64_t short_pages;            /* in use that the watermark floor left out */
	uint64_t unevictable;            /* of movable[PF_ANON_INACTIVE], the mlocked pages */
	uint64_t dirty;                  /* of the file pages, those dirty (write_pending) */
	/* Folios of order >= 1 in use, anon and file (pf_plan_folios), part of movable[]. */
	uint64_t folios[NR_PF_CLASSES][NR_PAGE_ORDERS];
	uint64_t folio_pages;
	uint64_t pcp_batch; /* the zone's per-cpu batch (refills: pf_folio_seq, struct pf_mix) */
	/* Free pages in the typical free page's pageblock as the capture began (zoneinfo
	 * free_sq / free_sum, at most half a block), 0 when the capture does not say: the
	 * movable holes come in clusters of about this many pages (pf_emit_zone). */
	uint64_t hole_density;
};

#define PF_BLOCK (1u << MAX_PAGE_ORDER)
#define PF_PAGEBLOCK (1u << ZONEINFO_BLOCK_ORDER) /* pageblock_nr_pages */

static uint64_t pf_roundup(uint64_t x) { return (x + PF_BLOCK - 1) / PF_BLOCK * PF_BLOCK; }

/* Free blocks left in [from, roundup(from)) after a sequential fill stops at from. */
static void pf_leftover(uint64_t from, uint64_t out[NR_PAGE_ORDERS])
{
	uint64_t x = from, end = pf_roundup(from);
	while (x < end) {
		unsigned o = 0;
		while (o < MAX_PAGE_ORDER && !(x & (1ull << o)) && x + (2ull << o) <= end)
			o++;
		out[o]++;
		x += 1ull << o;
	}
}

/* The zone's folios of order >= 1.  PMD-sized ones for FileHugePages and AnonHugePages,
 * split over the zones as the node's file and anon LRU pages are (the file ones as the
 * capture's removals of pre-capture PMD-sized page cache are, when it saw any); the rest of the page
 * cache in folios of the orders the capture saw pre-capture page cache removed in, by
 * pages (file_folio_pages below PF_PMD_ORDER: the PMD-sized ones are FileHugePages).
 * They are laid out mixed with the order-0 pages (struct pf_mix).  Orders the per-cpu
 * lists hold (<= PAGE_ALLOC_COSTLY_ORDER) are rounded down to whole refills
 * (rmqueue_bulk via nr_pcp_alloc takes max(batch >> order, 2) blocks) and placed a whole
 * refill at a time: none is left on a per-cpu list, so the layout is the same with the
 * lists on or off.  The THP order's refill is one block. */
static void pf_plan_folios(const struct zoneinfo *zi, int z, struct pf_plan *pl)
{
	const struct zoneinfo_zone *zz = &zi->zone[z];
	uint64_t node[NR_PF_CLASSES] = { 0 };
	for (int i = 0; i <= ZONE_MOVABLE; i++) {
		node[PF_ANON] += zi->zone[i].inactive_anon + zi->zone[i].active_anon;
		node[PF_FILE] += zi->zone[i].inactive_file + zi->zone[i].active_file;
	}
	uint64_t zone[NR_PF_CLASSES] = { zz->inactive_anon + zz->active_anon, zz->inactive_file + zz->active_file };
	uint64_t thp[NR_PF_CLASSES] = { zi->anon_thp_pages, zi->file_thp_pages };
	uint64_t have[NR_PF_CLASSES] = { pl->movable[PF_ANON_INACTIVE] + pl->movable[PF_ANON_ACTIVE],
					 pl->movable[PF_FILE_INACTIVE] + pl->movable[PF_FILE_ACTIVE] };
	/* Where the capture removed pre-capture PMD-sized page cache, the file THPs lay: a
	 * zone with none of those removals had none, whatever its LRU size. */
	uint64_t removed = 0;
	for (int i = 0; i <= ZONE_MOVABLE; i++)
		removed += zi->file_pmd_removed[i];
	if (removed) {
		node[PF_FILE] = removed;
		zone[PF_FILE] = zi->file_pmd_removed[z];
	}
	for (int c = 0; c < NR_PF_CLASSES; c++) {
		uint64_t mine = node[c] ? thp[c] * zone[c] / node[c] : 0;
		uint64_t n = MIN(mine, have[c]) >> PF_PMD_ORDER;
		pl->folios[c][PF_PMD_ORDER] = n;
		have[c] -= n << PF_PMD_ORDER;
	}
	uint64_t all = 0;
	for (unsigned o = 0; o < PF_PMD_ORDER; o++)
		all += zi->file_folio_pages[o];
	for (unsigned o = 1; o < PF_PMD_ORDER && all; o++) {
		uint64_t n = have[PF_FILE] * zi->file_folio_pages[o] / all >> o;
		if (o <= PAGE_ALLOC_COSTLY_ORDER) {
			uint64_t refill = MAX(zz->pcp_batch >> o, 2);
			n -= n % refill;
		}
		pl->folios[PF_FILE][o] = n;
	}
	for (unsigned o = 1; o <= PF_PMD_ORDER; o++)
		pl->folio_pages += (pl->folios[PF_ANON][o] + pl->folios[PF_FILE][o]) << o;
}

/* The largest folio order pf_plan_folios may lay out: PMD-sized where the node had THPs in
 * use, else the largest page cache folio order the capture removed (0: none). */
static unsigned pf_max_folio_order(const struct zoneinfo *zi)
{
	if (zi->anon_thp_pages || zi->file_thp_pages)
		return PF_PMD_ORDER;
	for (unsigned o = PF_PMD_ORDER; o-- > 1;)
		if (zi->file_folio_pages[o])
			return o;
	return 0;
}

/* The packing of a typed region (pf_typed): a page in use, then the largest hole left
 * whose order the position is aligned to (none: another page in use), and so on while
 * holes and pages in use are left; the rest of the pages in use follow.  A hole so placed
 * follows a page in use and is followed by one, so it is one free block of its order.
 *   Σ_o left[o] == nr;  x == the pages laid out so far */
struct pf_pack {
	uint64_t left[NR_PAGE_ORDERS], nr, used, x;
};
#define PF_PACK_DONE (-2)

static void pf_pack_init(struct pf_pack *pk, uint64_t used, const uint64_t holes[NR_PAGE_ORDERS])
{
	*pk = (struct pf_pack){ .used = used };
	memcpy(pk->left, holes, sizeof(pk->left));
	pk->left[MAX_PAGE_ORDER] = 0; /* a hole is below MAX_PAGE_ORDER */
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		pk->nr += pk->left[o];
}

/* The next page in use, and the order of the hole after it (-1: none); PF_PACK_DONE once
 * the holes or the pages in use are used up (the pages left: pk->used). */
static int pf_pack_next(struct pf_pack *pk)
{
	if (!pk->nr || !pk->used)
		return PF_PACK_DONE;
	pk->used--;
	pk->x++;
	int o = MAX_PAGE_ORDER - 1;
	while (o >= 0 && (!pk->left[o] || (pk->x & ((1ull << o) - 1))))
		o--;
	if (o >= 0) {
		pk->x += 1ull << o;
		pk->left[o]--;
		pk->nr--;
	}
	return o;
}

/* The holes of a typed region: the free blocks of its type (want, pagetypeinfo) and as
 * many whole blocks (less what the last per-cpu refill of `batch` would take past the
 * end) as the pages in use (at least used) and the holes need, as pf_typed packs them.
 * Each hole needs a page in use before it and its buddy not wholly free, so the region
 * starts at the blocks the pages in use and the holes fill and grows a block at a time,
 * up to PF_REGION_GROW blocks, until the packing places them all; placed gets the holes
 * placed, *region the pages (in use and holes).  Returns the holes' pages. */
#define PF_REGION_GROW 16
static uint64_t pf_region_holes(const uint64_t want[NR_PAGE_ORDERS], uint64_t used, uint64_t batch,
				uint64_t placed[NR_PAGE_ORDERS], uint64_t *region)
{
	uint64_t all = 0;
	memset(placed, 0, NR_PAGE_ORDERS * sizeof(*placed));
	*region = 0;
	for (unsigned o = 0; o < MAX_PAGE_ORDER; o++)
		all += want[o] << o;
	uint64_t blocks = pf_roundup(used + all), pages = 0;
	for (unsigned grow = 0; grow <= PF_REGION_GROW; grow++, blocks += PF_BLOCK) {
		uint64_t fits = blocks / batch * batch;
		if (fits < used + all)
			continue;
		struct pf_pack pk;
		pf_pack_init(&pk, fits - all, want);
		while (pf_pack_next(&pk) != PF_PACK_DONE)
			;
		pages = 0;
		for (unsigned o = 0; o < MAX_PAGE_ORDER; o++) { /* placed[MAX_PAGE_ORDER] stays 0 */
			placed[o] = want[o] - pk.left[o];
			pages += placed[o] << o;
		}
		*region = fits;
		if (!pk.nr)
			break;
	}
	return pages;
}

/* Take up to n of the movable pages in use (order-0 ones: the folios keep theirs) for
 * another kind, from the largest kind first; returns how many were taken.  The mlocked
 * and dirty marks stay within what is left of their kinds. */
static uint64_t pf_take_movable(struct pf_plan *pl, uint64_t n)
{
	uint64_t taken = 0, folio[NR_PF_CLASSES] = { 0 };
	for (int c = 0; c < NR_PF_CLASSES; c++)
		for (unsigned o = 1; o < NR_PAGE_ORDERS; o++)
			folio[c] += pl->folios[c][o] << o;
	while (taken < n) {
		int best = -1;
		uint64_t room_best = 0;
		for (int k = 0; k < NR_PF_MOVABLE; k++) {
			enum pf_class c = k < PF_FILE_INACTIVE ? PF_ANON : PF_FILE;
			uint64_t cls = pl->movable[c * 2] + pl->movable[c * 2 + 1];
			uint64_t room = MIN(pl->movable[k], cls > folio[c] ? cls - folio[c] : 0);
			if (room > room_best)
				room_best = room, best = k;
		}
		if (best < 0)
			break;
		uint64_t t = MIN(n - taken, room_best);
		pl->movable[best] -= t;
		taken += t;
	}
	pl->unevictable = MIN(pl->unevictable, pl->movable[PF_ANON_INACTIVE]);
	pl->dirty = MIN(pl->dirty, pl->movable[PF_FILE_INACTIVE] + pl->movable[PF_FILE_ACTIVE]);
	return taken;
}

static void pf_plan_zone(const struct zoneinfo *zi, int z, const struct zoneinfo_free_orders *fo,
			 uint64_t rest_all, struct pf_plan *pl)
{
	const struct zoneinfo_zone *zz = &zi->zone[z];
	memset(pl, 0, sizeof(*pl));
	pl->managed = zz->managed;
	pl->pcp_batch = zz->pcp_batch;
	if (zi->free_sum[z])
		pl->hole_density = MIN(zi->free_sq[z] / zi->free_sum[z], (uint64_t)PF_PAGEBLOCK / 2);
	uint64_t avail = MIN(zz->managed, zz->free + zz->pcp_count); /* free to the allocator */
	/* The fast path serves a zone while free > low, and a pcp refill then takes up to a
	 * batch more: the lowest free a zone reaches without waking kswapd.  A folio of order o
	 * passes only while free - (2^o - 1) > low (__zone_watermark_ok, 6.18), so the floor
	 * also leaves room for the largest folio the prefill lays out (pf_plan_folios): below
	 * it that folio's allocation would take the slow path, wake kswapd and run the rest of
	 * the prefill inside the measured replay. */
	uint64_t floor = zz->low + MAX(zz->pcp_batch + 1, 1ull << pf_max_folio_order(zi));
	uint64_t want = zz->managed - avail;
	uint64_t in_use = want;
	if (avail < floor)
		in_use = zz->managed > floor ? zz->managed - floor : 0;
	pl->short_pages = want - in_use;
	pl->in_use = in_use;
	avail = zz->managed - in_use;
	/* LRU pages by kind (unevictable counts as anon: never reclaimed without swap) and the
	 * rest: slab and other kernel memory; the node's slab is split in proportion. */
	uint64_t lru[NR_PF_MOVABLE] = { zz->inactive_anon + zz->unevictable, zz->active_anon, zz->inactive_file,
					zz->active_file };
	uint64_t nlru = lru[0] + lru[1] + lru[2] + lru[3];
	if (z == ZONE_MOVABLE) { /* only movable pages: all of it anon when unsaid */
		if (!nlru)
			lru[0] = nlru = 1;
	}
	uint64_t rest = z == ZONE_MOVABLE ? 0 : (in_use > nlru ? in_use - nlru : 0);
	uint64_t lru_pages = in_use - rest;
	for (int k = 0; k < NR_PF_MOVABLE && nlru; k++)
		pl->movable[k] = lru_pages * lru[k] / nlru;
	uint64_t given = pl->movable[0] + pl->movable[1] + pl->movable[2] + pl->movable[3];
	pl->movable[PF_ANON_INACTIVE] += lru_pages - given;
	/* Unevictable pages (mlocked: the Unevictable of meminfo, nr_zone_unevictable) are
	 * anon pages that go on the unevictable list: a hint mlock each. */
	pl->unevictable = nlru ? MIN(lru_pages * zz->unevictable / nlru, pl->movable[PF_ANON_INACTIVE]) : 0;
	/* Dirty page cache (nr_zone_write_pending: Dirty + Writeback of meminfo), which the
	 * flusher writes during the capture: a dirty mark each. */
	pl->dirty = nlru ? MIN(lru_pages * zz->write_pending / nlru,
			       pl->movable[PF_FILE_INACTIVE] + pl->movable[PF_FILE_ACTIVE]) : 0;
	pf_plan_folios(zi, z, pl);
	pl->sreclaim = rest_all ? rest * MIN(zi->slab_reclaimable, rest_all) / rest_all : 0;
	pl->kernel = rest - pl->sreclaim;
	if (!fo || !fo->seen[z])
		return; /* no shape given: all free memory in the tail */
	/* The free blocks of the unmovable and reclaimable types (pagetypeinfo) are holes
	 * among the kernel and the slab pages (pf_typed), and each of the two regions ends on
	 * a MAX_PAGE_ORDER boundary.  Each claimed whole blocks by fallback, and pagetypeinfo
	 * counts every free page of its type: those are the holes, so the rest of the
	 * region's last block was in use as well (in the kernel, by pages of the type or by
	 * movable pages a steal put there).  Left free, it gave the replay up to 1,023 free
	 * pages of the type the capture did not have, in blocks of order 3 to 9 the capture
	 * had none of, which delayed the unmovable fallbacks (and their watermark boosts) the
	 * capture logged (anon-swap: 1,242 free unmovable pages at the start of Normal where
	 * pagetypeinfo counts 366).  So a region is as many blocks as its pages in use and all
	 * its holes need as pf_typed packs them (pf_region_holes), and what its pages in use
	 * and holes leave of them is padded with pages in use taken from the movable ones (a
	 * DMA32 with a few dozen kernel pages among 1,517 free unmovable ones, corpus
	 * mixed-memcg, gets its holes and the blocks they need).  The region's pages come
	 * through the per-cpu list a refill of one batch at a time (while the prefill runs,
	 * struct pf_plan pcp_batch): a refill that crossed the block's end would claim
	 * another whole block, so the region ends where its last refill still fits, and what
	 * the list holds past it (less than a batch) is the only free end left. */
	uint64_t typed_pages[2] = { 0, 0 };
	if (fo->seen_mt[z]) {
		uint64_t *used[2] = { &pl->kernel, &pl->sreclaim };
		const enum migratetype mts[2] = { MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE };
		const uint64_t batch = MAX(pl->pcp_batch, 1);
		for (int t = 0; t < 2; t++) {
			if (!*used[t])
				continue;
			uint64_t region = 0;
			typed_pages[t] = pf_region_holes(fo->nr_free_mt[z][mts[t]], *used[t], batch, pl->holes_mt[t], &region);
			uint64_t pad = region > *used[t] + typed_pages[t]
					       ? pf_take_movable(pl, region - *used[t] - typed_pages[t])
					       : 0;
			*used[t] += pad;
			pl->region_pad += pad;
			rest += pad;
		}
	}
	/* Target blocks, less the typed holes and what the kernel and slab blocks leave free. */
	uint64_t target[NR_PAGE_ORDERS], left[NR_PAGE_ORDERS] = { 0 };
	memcpy(target, fo->nr_free[z], sizeof(target));
	if (pl->kernel)
		pf_leftover(pl->kernel + typed_pages[0], left);
	if (pl->sreclaim)
		pf_leftover(pl->sreclaim + typed_pages[1], left);
	uint64_t left_pages = 0;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		target[o] -= MIN(target[o], left[o] + pl->holes_mt[0][o] + pl->holes_mt[1][o]);
		left_pages += left[o] << o;
	}
	uint64_t typed = typed_pages[0] + typed_pages[1]; /* in use with the movable holes */
	/* Every target block below MAX_PAGE_ORDER becomes a hole and every pcp page an
	 * order-0 hole (each needs a page in use before it); the MAX_PAGE_ORDER blocks are
	 * the tail.  While the holes are allocated, the zone's free memory is the tail and
	 * the leftovers, which must stay above floor: the tail is made larger by `lumps`
	 * blocks, taken after the holes are freed by MAX_PAGE_ORDER allocations that stay in
	 * use (anon: never reclaimed without swap, and too large for compaction to move, as
	 * the fully used blocks they stand for). */
	uint64_t singles = in_use - rest - pl->folio_pages; /* movable order-0 pages in use */
	uint64_t room = singles / 2, holes_pages = 0;
	for (unsigned o = 0; o < MAX_PAGE_ORDER; o++) {
		uint64_t n = MIN(target[o], room);
		pl->holes[o] = n;
		room -= n;
		holes_pages += n << o;
	}
	/* A free highatomic block of the pageblock order is one of those holes, reserved
	 * while allocated (buddy_reserve_highatomic), so its pages return to the HighAtomic
	 * lists and do not merge across its pageblock (__free_one_page, 6.18).  Partly used
	 * reserves and free ones of MAX_PAGE_ORDER (two reserves merged) are not reproduced:
	 * their pages stay movable (docs/import.md). */
	pl->highatomic = MIN(fo->nr_free_highatomic[z][ZONEINFO_BLOCK_ORDER], pl->holes[ZONEINFO_BLOCK_ORDER]);
	/* Where the per-cpu pages lie.  The capture's whole-block allocations in blocks nothing
	 * had freed into (zoneinfo whole_first) beyond the buddy's free blocks of that size
	 * were blocks that became free while no traced free touched them: pages of the per-cpu
	 * lists, which the lists' drains (decay_pcp_high, a free over high; untraced) returned
	 * to the buddy, where they merged (6.18 free_pcppages_bulk).  So many pageblocks of the
	 * lists' pages are left whole in the tail, for the lists to take at the capture's first
	 * record (machine.pcp_start[].blocks, pcp.c pcp_start_lists); the rest of the lists'
	 * pages are order-0 holes as before. */
	uint64_t buddy_blocks = 0;
	for (unsigned o = ZONEINFO_BLOCK_ORDER; o < NR_PAGE_ORDERS; o++)
		buddy_blocks += fo->nr_free[z][o] << (o - ZONEINFO_BLOCK_ORDER);
	uint64_t whole = zi->whole_first[z] > buddy_blocks ? zi->whole_first[z] - buddy_blocks : 0;
	pl->pcp_blocks = MIN(whole, zz->pcp_count / PF_PAGEBLOCK);
	pl->pcp_singles = MIN(zz->pcp_count - pl->pcp_blocks * PF_PAGEBLOCK, room);
	holes_pages += pl->pcp_singles;
	uint64_t have = avail > left_pages + typed ? avail - left_pages - typed : 0;
	for (unsigned o = 0; holes_pages > have && o < MAX_PAGE_ORDER; o++) {
		/* more target than free memory (the snapshots differ): drop the largest holes */
		unsigned q = MAX_PAGE_ORDER - 1 - o;
		uint64_t drop = MIN(pl->holes[q], ((holes_pages - have) >> q) + 1);
		pl->holes[q] -= drop;
		holes_pages -= drop << q;
	}
	if (holes_pages > have) {
		uint64_t drop = MIN(pl->pcp_singles, holes_pages - have);
		pl->pcp_singles -= drop;
		holes_pages -= drop;
	}
	uint64_t peak_free = avail - holes_pages - MIN(typed, avail - holes_pages); /* the tail and the leftovers */
	if (peak_free < floor)
		pl->lumps = MIN((floor - peak_free + PF_BLOCK - 1) / PF_BLOCK,
				(singles - MIN(singles, 2 * (holes_pages + 1))) / PF_BLOCK);
}

/* Bresenham over n shares: the index k in mask with done[k] < total[k] that is furthest
 * behind its share once one more unit is placed, (all_done + 1) x total[k] / all -
 * done[k], the first of equals; -1 when there is none.  all == Σ total, all_done == Σ done. */
static int pf_behind(const uint64_t *total, const uint64_t *done, int n, uint64_t all, uint64_t all_done,
		     unsigned mask)
{
	int best = -1;
	double lag_best = -1e300;
	for (int k = 0; k < n; k++) {
		if (!(mask >> k & 1) || done[k] >= total[k])
			continue;
		double lag = (double)(all_done + 1) * (double)total[k] / (double)all - (double)done[k];
		if (lag > lag_best)
			lag_best = lag, best = k;
	}
	return best;
}

/* The kinds of a zone's movable order-0 pages in use, in layout order (pf_next_kind).
 * Σ_k done[k] <= Σ_k total[k];  left < run. */
struct pf_kinds {
	uint64_t total[NR_PF_MOVABLE], done[NR_PF_MOVABLE];
	uint64_t run;  /* pages of one kind in a row: one per-cpu refill */
	uint64_t left; /* of the current run, still to come */
	enum pf_kind cur;
};

/* The next movable order-0 page's kind.  Anonymous memory and page cache are both
 * MOVABLE and share a CPU's per-cpu list, whose refill (rmqueue_bulk: batch pages split
 * off one free block, 6.18) the task running there then takes page by page: a task
 * faulting in anonymous memory or reading a file takes a run of neighbours of its kind.
 * So the kinds come in runs of one refill, the run's kind the one furthest behind its
 * share at the run's start (Bresenham), which keeps them in proportion along the zone.
 * A page-by-page mix had put a file page among the first few of every pageblock, so an
 * async direct compaction, which gives up an order-aligned block at its first page that
 * cannot move (a dirty or writeback file page; any file page under GFP_NOFS), failed in
 * every block: the writeback capture's 12 order-9 GFP_NOFS compactions walked the whole
 * zone, 1.35 M pages migrate-scanned where the kernel's 24 scanned 63 k. */
static enum pf_kind pf_next_kind(struct pf_kinds *kd)
{
	if (kd->left && kd->done[kd->cur] < kd->total[kd->cur]) {
		kd->left--;
		kd->done[kd->cur]++;
		return kd->cur;
	}
	uint64_t all = 0, all_done = 0;
	for (int k = 0; k < NR_PF_MOVABLE; k++)
		all += kd->total[k], all_done += kd->done[k];
	int best = MAX(pf_behind(kd->total, kd->done, NR_PF_MOVABLE, all, all_done, ~0u), 0);
	kd->done[best]++;
	kd->cur = (enum pf_kind)best;
	kd->left = kd->run - 1;
	return kd->cur;
}

struct pf_emit {
	import_emit_fn fn;
	void *arg;
	sim_ns_t time_ns;
	uint64_t seed; /* the LRU order's shuffle (pf_shuffle) */
	uint64_t next_id;
	struct import_prefill_stats *st;
};

/* A prefill record (task 0, at the prefill's time): counted, and emitted when there is
 * somewhere to emit it (a counting pass has none). */
static int pf_put(struct pf_emit *pe, struct trace_record r, struct sim_error *err)
{
	pe->st->nr_records++;
	if (!pe->fn)
		return 0;
	r.time_ns = pe->time_ns;
	r.task = 0;
	return pe->fn(pe->arg, &r, err);
}

static int pf_rec_order(struct pf_emit *pe, enum trace_kind kind, uint64_t id, gfp_t gfp, unsigned order,
			struct sim_error *err)
{
	return pf_put(pe, (struct trace_record){ .kind = (uint8_t)kind, .id = id, .gfp = gfp, .order = (uint8_t)order },
		      err);
}

static int pf_rec(struct pf_emit *pe, enum trace_kind kind, uint64_t id, gfp_t gfp, struct sim_error *err)
{
	return pf_rec_order(pe, kind, id, gfp, 0, err);
}

static int pf_hint(struct pf_emit *pe, uint64_t id, int kind, struct sim_error *err)
{
	return pf_put(pe, (struct trace_record){ .kind = TR_HINT, .id = id, .arg = kind }, err);
}

static int pf_alloc(struct pf_emit *pe, gfp_t gfp, bool active, uint64_t *id, struct sim_error *err)
{
	*id = IMPORT_PREFILL_ID_BIT | ++pe->next_id;
	if (pf_rec(pe, TR_ALLOC, *id, gfp, err))
		return -1;
	/* folio_mark_accessed twice: inactive -> referenced -> active */
	if (active && (pf_rec(pe, TR_ACCESS, *id, 0, err) || pf_rec(pe, TR_ACCESS, *id, 0, err)))
		return -1;
	return 0;
}

static gfp_t pf_zone_bits(int z)
{
	return z == ZONE_DMA ? __GFP_DMA : z == ZONE_DMA32 ? __GFP_DMA32 : 0;
}

/* A movable folio of kind k: a compound page when order > 0. */
static gfp_t pf_movable_gfp(int z, enum pf_kind k, unsigned order)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | pf_zone_bits(z);
	if (z == ZONE_DMA || z == ZONE_DMA32)
		gfp &= ~(gfp_t)__GFP_HIGHMEM; /* a lowmem zone: as GFP_USER | __GFP_MOVABLE */
	if (k == PF_ANON_INACTIVE || k == PF_ANON_ACTIVE)
		gfp |= __GFP_ZERO;
	if (order)
		gfp |= __GFP_COMP;
	return gfp;
}

/* The movable folios in use of one zone, as laid out: their ids, kinds and orders. */
struct pf_slots {
	uint64_t *id;
	uint8_t *kind, *order;
	uint64_t n;
};

/* The next movable order-0 page in use (its kind from pf_next_kind): its place is taken
 * now (the layout), its object is settled by pf_settle_lru. */
static int pf_movable(struct pf_emit *pe, int z, struct pf_kinds *kd, struct pf_slots *sl, struct sim_error *err)
{
	enum pf_kind k = pf_next_kind(kd);
	sl->kind[sl->n] = (uint8_t)k;
	sl->order[sl->n] = 0;
	return pf_alloc(pe, pf_movable_gfp(z, k, 0), false, &sl->id[sl->n++], err);
}

/* The zone's folios of order >= 1 in the order they are laid out, in groups: a group is
 * one per-cpu refill (max(batch >> order, 2) folios, rmqueue_bulk via nr_pcp_alloc in
 * 6.12) at the orders the lists hold below PAGE_ALLOC_COSTLY_ORDER, else one folio.  The
 * next group is of the order furthest behind its share of the folio pages (Bresenham),
 * so the sizes are mixed; within an order anon and file are in proportion, and a folio
 * is active when its class's active pages are behind their share.  Fills kind[] and
 * order[] by folio, grp[] with each group's folio count; pages[k]: the folios' pages by
 * kind.  Returns the number of groups. */
static uint64_t pf_folio_seq(const struct pf_plan *pl, uint64_t batch, uint8_t *kind, uint8_t *order,
			     uint64_t *grp, uint64_t pages[NR_PF_MOVABLE])
{
	uint64_t tot[NR_PAGE_ORDERS] = { 0 }, done_pages[NR_PAGE_ORDERS] = { 0 }, all = 0, all_done = 0;
	uint64_t done[NR_PAGE_ORDERS][NR_PF_CLASSES] = { { 0 } };
	for (unsigned o = 1; o < NR_PAGE_ORDERS; o++) {
		tot[o] = (pl->folios[PF_ANON][o] + pl->folios[PF_FILE][o]) << o;
		all += tot[o];
	}
	uint64_t n = 0, ng = 0;
	while (all_done < all) {
		/* tot[0] is 0: order 0 is never picked */
		unsigned o = (unsigned)MAX(pf_behind(tot, done_pages, NR_PAGE_ORDERS, all, all_done, ~0u), 0);
		const uint64_t *want = (const uint64_t[NR_PF_CLASSES]){ pl->folios[PF_ANON][o], pl->folios[PF_FILE][o] };
		uint64_t left = want[PF_ANON] + want[PF_FILE] - done[o][PF_ANON] - done[o][PF_FILE];
		uint64_t g = o <= PAGE_ALLOC_COSTLY_ORDER ? MAX(batch >> o, 2) : 1;
		g = MIN(g, left);
		for (uint64_t i = 0; i < g; i++) {
			uint64_t *d = done[o];
			/* the class further behind its share of this order (Bresenham) */
			int c = d[PF_ANON] < want[PF_ANON] && (d[PF_FILE] == want[PF_FILE] ||
							      d[PF_ANON] * want[PF_FILE] <= d[PF_FILE] * want[PF_ANON])
					? PF_ANON
					: PF_FILE;
			d[c]++;
			int in = c == PF_ANON ? PF_ANON_INACTIVE : PF_FILE_INACTIVE, ac = in + 1;
			bool active = pl->movable[ac] &&
				      (!pl->movable[in] || pages[ac] * pl->movable[in] < pages[in] * pl->movable[ac]);
			enum pf_kind k = (enum pf_kind)(active ? ac : in);
			pages[k] += 1ull << o;
			kind[n] = (uint8_t)k;
			order[n++] = (uint8_t)o;
		}
		grp[ng++] = g;
		done_pages[o] += g << o;
		all_done += g << o;
	}
	return ng;
}

/* The cursor of one zone's movable fill (docs/import.md "Starting memory").  Every
 * allocation is served from the smallest free block that fits (__rmqueue_smallest in
 * 6.12; expand() keeps the upper halves).  Past the cursor x the free pages are whole
 * blocks in pfn order, split from x into blocks whose order grows with their pfn; below
 * it, `gap` pages are free in blocks all smaller than any past x: the zone's last,
 * partial block at first, then what a folio's alignment skipped (a folio of order o goes
 * to roundup(x, 2^o): the pages skipped form blocks of orders < o).  So order-0 pages
 * fill the gap first, in ascending pfns, then go on at x; a folio group is placed only
 * when the gap is empty (else a smaller folio could land in it).  Groups go in where the
 * order-0 list of the per-cpu lists is empty too (a whole number of refills since the
 * zone's first order-0 page) and each group is a whole refill of its order: at every
 * change of order the lists hold nothing, so with the lists on the buddy lists see the
 * same requests in the same order as with them off, and the layout is the same. */
struct pf_mix {
	uint8_t *kind, *order; /* the folios, in layout order (pf_folio_seq) */
	uint64_t *grp;         /* folios per group */
	uint64_t nr_grp, next_grp, next_folio;
	uint64_t folio_all, folio_done; /* pages */
	uint64_t zero_share;   /* order-0 allocations over which the folios are spread */
	uint64_t zero_done;    /* order-0 allocations so far (in use and holes) */
	uint64_t refill0;      /* order-0 pages a per-cpu refill takes */
	uint64_t x, gap;
};

/* An order-0 allocation's place: the gap's pages first. */
static void pf_mix_zero(struct pf_mix *mx)
{
	mx->zero_done++;
	if (mx->gap)
		mx->gap--;
	else
		mx->x++;
}

/* The next folio group at the cursor: its folios take their place now (the layout),
 * their objects are settled with the rest by pf_settle_lru. */
static int pf_mix_group(struct pf_emit *pe, int z, struct pf_mix *mx, struct pf_slots *sl, struct sim_error *err)
{
	uint64_t g = mx->grp[mx->next_grp++];
	unsigned o = mx->order[mx->next_folio];
	uint64_t y = (mx->x + (1ull << o) - 1) & ~((1ull << o) - 1);
	mx->gap += y - mx->x;
	mx->x = y + (g << o);
	mx->folio_done += g << o;
	for (uint64_t i = 0; i < g; i++, mx->next_folio++) {
		enum pf_kind k = (enum pf_kind)mx->kind[mx->next_folio];
		sl->kind[sl->n] = (uint8_t)k;
		sl->order[sl->n] = (uint8_t)o;
		uint64_t *id = &sl->id[sl->n++];
		*id = IMPORT_PREFILL_ID_BIT | ++pe->next_id;
		pe->st->nr_folios[o]++;
		if (pf_rec_order(pe, TR_ALLOC, *id, pf_movable_gfp(z, k, o), o, err))
			return -1;
	}
	return 0;
}

/* Before an order-0 page in use: the folio groups now due.  A group is due when, with
 * half of it placed, the folios' share of the folio pages is no ahead of the order-0
 * allocations' share of zero_share (the midpoint rule); placed only where the gap and
 * the order-0 per-cpu list are empty. */
static int pf_mix_point(struct pf_emit *pe, int z, struct pf_mix *mx, struct pf_slots *sl, struct sim_error *err)
{
	while (mx->next_grp < mx->nr_grp && !mx->gap && mx->zero_done % mx->refill0 == 0) {
		uint64_t pages = mx->grp[mx->next_grp] << mx->order[mx->next_folio];
		if ((2 * mx->folio_done + pages) * mx->zero_share > 2 * mx->zero_done * mx->folio_all)
			break;
		if (pf_mix_group(pe, z, mx, sl, err))
			return -1;
	}
	return 0;
}

/* An order-0 page in use, after the folio groups due. */
static int pf_mix_movable(struct pf_emit *pe, int z, struct pf_mix *mx, struct pf_kinds *kd, struct pf_slots *sl,
			  struct sim_error *err)
{
	if (pf_mix_point(pe, z, mx, sl, err))
		return -1;
	pf_mix_zero(mx);
	return pf_movable(pe, z, kd, sl, err);
}

/* The LRU order of a machine that has run for a while has nothing to do with where the
 * pages lie, but a fill in layout order would make them one: reclaim taking the oldest
 * pages first would then free runs of neighbours and hand the allocator whole high-order
 * blocks the real zone never had.  So each page's object is freed and allocated again, in
 * an order shuffled by a fixed stream: the allocator hands the page just freed straight
 * back (the per-cpu list, or the order-0 free list, takes it at its head, and its
 * neighbours are all in use, holes included), so the layout stays and the LRU is in the
 * shuffled order.  The object keeps its id (the frees of pre-capture pages find it by its
 * place in the layout); active ones are then accessed twice. */
static void pf_shuffle(int z, uint64_t seed, struct pf_slots *sl)
{
	/* splitmix64 over a fixed stream per zone and seed (import --prefill-seed) */
	uint64_t rs = 0x6d6d73696d2d6c72ull ^ (uint64_t)z ^ seed * 0xd1b54a32d192ed03ull;
	for (uint64_t i = sl->n; i > 1; i--) {
		uint64_t j = splitmix64_next(&rs) % i;
		uint64_t id = sl->id[i - 1];
		uint8_t k = sl->kind[i - 1], o = sl->order[i - 1];
		sl->id[i - 1] = sl->id[j], sl->kind[i - 1] = sl->kind[j], sl->order[i - 1] = sl->order[j];
		sl->id[j] = id, sl->kind[j] = k, sl->order[j] = o;
	}
}

/* Slot i of zone z's shuffled slots back on the LRU; *unevictable is what is left of the
 * zone's mlocked anon pages to mark. */
static int pf_settle_slot(struct pf_emit *pe, int z, const struct pf_slots *sl, uint64_t i, uint64_t *unevictable,
			  struct sim_error *err)
{
	enum pf_kind k = (enum pf_kind)sl->kind[i];
	unsigned o = sl->order[i];
	bool active = k == PF_ANON_ACTIVE || k == PF_FILE_ACTIVE;
	if (pf_rec(pe, TR_FREE, sl->id[i], 0, err) || pf_rec_order(pe, TR_ALLOC, sl->id[i], pf_movable_gfp(z, k, o), o, err))
		return -1;
	/* folio_mark_accessed twice: inactive -> referenced -> active */
	if (active && (pf_rec(pe, TR_ACCESS, sl->id[i], 0, err) || pf_rec(pe, TR_ACCESS, sl->id[i], 0, err)))
		return -1;
	if (k == PF_ANON_INACTIVE && *unevictable) {
		*unevictable -= MIN(*unevictable, 1ull << o);
		if (pf_hint(pe, sl->id[i], HINT_MLOCK, err))
			return -1;
	}
	return 0;
}

/* The capture shows the oldest part of the LRU: reclaim takes page cache from the inactive
 * list's tail, so the pre-capture folios it removed, in that order (zi->lru_tail), were
 * the node's oldest.  Each becomes the next slot of its zone and order in the shuffled
 * order, an inactive page cache folio or else an active one (shrink_active_list feeds the
 * inactive tail from the active one's); they are moved to the front of their zone's slots
 * in that order, and the order across the zones is returned in tail_zone[] (*n_tail
 * entries).  A folio the zone's plan has no slot for is left out.  Without the tail the
 * page sizes on the LRU would be mixed evenly, while the capture's reclaim may have met
 * mostly one size (a machine's oldest page cache is often the large folios of files read
 * long ago), which sets how many pages each reclaim pass frees and how deep its
 * priority goes. */
static int pf_lru_tail(const struct zoneinfo *zi, struct pf_slots sl[MAX_NR_ZONES], uint8_t **tail_zone,
		       size_t *n_tail, struct sim_error *err)
{
	*tail_zone = NULL;
	*n_tail = 0;
	if (!zi->lru_tail_len)
		return 0;
	uint8_t *tz = malloc(zi->lru_tail_len);
	uint64_t *pick[MAX_NR_ZONES] = { 0 }, npick[MAX_NR_ZONES] = { 0 };
	uint8_t *taken[MAX_NR_ZONES] = { 0 };
	int rc = -1;
	if (!tz)
		goto out;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (sl[z].n && (!(pick[z] = malloc(sl[z].n * sizeof(uint64_t))) || !(taken[z] = calloc(sl[z].n, 1))))
			goto out;
	/* cur[z][order][active]: no slot before it that is not taken is of that class */
	uint64_t cur[MAX_NR_ZONES][MAX_PAGE_ORDER][2];
	memset(cur, 0, sizeof(cur));
	for (size_t t = 0; t < zi->lru_tail_len; t++) {
		unsigned z = ZONEINFO_TAIL_ZONE(zi->lru_tail[t]), o = ZONEINFO_TAIL_ORDER(zi->lru_tail[t]);
		if (z >= MAX_NR_ZONES || o >= MAX_PAGE_ORDER)
			continue;
		for (unsigned act = 0; act < 2; act++) {
			uint64_t *c = &cur[z][o][act];
			enum pf_kind k = act ? PF_FILE_ACTIVE : PF_FILE_INACTIVE;
			while (*c < sl[z].n && (taken[z][*c] || sl[z].order[*c] != o || sl[z].kind[*c] != k))
				++*c;
			if (*c == sl[z].n)
				continue;
			taken[z][*c] = 1;
			pick[z][npick[z]++] = *c;
			tz[(*n_tail)++] = (uint8_t)z;
			break;
		}
	}
	/* The picked slots first, in the tail's order; the rest keep their shuffled order. */
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (!npick[z])
			continue;
		struct pf_slots o = { .n = sl[z].n };
		if (!(o.id = malloc(o.n * sizeof(uint64_t))) || !(o.kind = malloc(o.n)) || !(o.order = malloc(o.n))) {
			free(o.id), free(o.kind), free(o.order);
			goto out;
		}
		uint64_t k = 0;
		for (uint64_t j = 0; j < npick[z]; j++, k++) {
			uint64_t i = pick[z][j];
			o.id[k] = sl[z].id[i], o.kind[k] = sl[z].kind[i], o.order[k] = sl[z].order[i];
		}
		for (uint64_t i = 0; i < sl[z].n; i++)
			if (!taken[z][i])
				o.id[k] = sl[z].id[i], o.kind[k] = sl[z].kind[i], o.order[k++] = sl[z].order[i];
		free(sl[z].id), free(sl[z].kind), free(sl[z].order);
		sl[z] = o;
	}
	*tail_zone = tz;
	tz = NULL;
	rc = 0;
out:
	free(tz);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		free(pick[z]), free(taken[z]);
	return rc ? sim_error_set(err, EX_SOFTWARE_, "out of memory") : 0;
}

/* The node's LRU is one set of lists (model.md §4.3): pages of every zone age on it
 * together, so the oldest pages are spread over the zones in proportion to the pages each
 * holds on the LRU.  Settling zone by zone would put a lower zone's pages all behind the
 * higher zones' ones, and reclaim would free the lower zone first — balancing the node
 * (pgdat_balanced takes any zone at its high watermark) after a fraction of the work.
 * So after the capture's own oldest folios (pf_lru_tail), each zone's shuffled slots are
 * taken in turn, the zone furthest behind its share of the node's remaining LRU pages
 * next. */
static int pf_settle_lru(struct pf_emit *pe, const struct zoneinfo *zi, struct pf_slots sl[MAX_NR_ZONES],
			 uint64_t unevictable[MAX_NR_ZONES], struct sim_error *err)
{
	uint64_t total[MAX_NR_ZONES] = { 0 }, done[MAX_NR_ZONES] = { 0 }, next[MAX_NR_ZONES] = { 0 };
	for (int z = 0; z < MAX_NR_ZONES; z++)
		pf_shuffle(z, pe->seed, &sl[z]);
	uint8_t *tail_zone;
	size_t n_tail;
	if (pf_lru_tail(zi, sl, &tail_zone, &n_tail, err))
		return -1;
	for (size_t t = 0; t < n_tail; t++) {
		int z = tail_zone[t];
		if (pf_settle_slot(pe, z, &sl[z], next[z]++, &unevictable[z], err)) {
			free(tail_zone);
			return -1;
		}
	}
	free(tail_zone);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (uint64_t i = next[z]; i < sl[z].n; i++)
			total[z] += 1ull << sl[z].order[i];
	for (;;) {
		int best = -1;
		/* the smallest (done + 1/2) / total, compared by cross-multiplication */
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (next[z] < sl[z].n &&
			    (best < 0 || (2 * done[z] + 1) * total[best] < (2 * done[best] + 1) * total[z]))
				best = z;
		if (best < 0)
			return 0;
		uint64_t i = next[best]++;
		done[best] += 1ull << sl[best].order[i];
		if (pf_settle_slot(pe, best, &sl[best], i, &unevictable[best], err))
			return -1;
	}
}

/* A zone's layout, waiting for pf_settle_lru: its movable slots and its holes' ids. */
struct pf_zone_out {
	struct pf_slots sl;
	uint64_t *ids, nids;
};

static void pf_zone_out_free(struct pf_zone_out *zo)
{
	free(zo->ids);
	free(zo->sl.id);
	free(zo->sl.kind);
	free(zo->sl.order);
	memset(zo, 0, sizeof(*zo));
}

/* The zone's layout (kernel, slab, movable pages with holes); its slots and holes are
 * handed over in *zo. */
/* `used` pages of one kind (gfp) from the region's start, with the holes of that type
 * among them, its pages' ids added to ids.  Packed from the region's start: a page in use,
 * then the largest hole left whose order the position is aligned to (none: another page
 * in use), and so on; the rest of the pages in use after the last hole.  A hole of order o
 * then starts o-aligned right after a page in use and is followed by one, so it is one
 * free block of order o; packing holds the pages in use the alignment takes to a minimum
 * (an o-aligned hole after a fixed gap could take up to 2^o - 1 pages more), so that a
 * zone with few kernel pages still has the room for its free unmovable blocks. */
static int pf_typed(struct pf_emit *pe, gfp_t gfp, uint64_t used, const uint64_t holes[NR_PAGE_ORDERS],
		    uint64_t *ids, uint64_t *nids, struct sim_error *err)
{
	struct pf_pack pk;
	pf_pack_init(&pk, used, holes);
	uint64_t id;
	for (int o; (o = pf_pack_next(&pk)) != PF_PACK_DONE;) {
		if (pf_alloc(pe, gfp, false, &id, err))
			return -1;
		if (o < 0)
			continue;
		for (uint64_t i = 0; i < (1ull << o); i++)
			if (pf_alloc(pe, gfp, false, &ids[(*nids)++], err))
				return -1;
		pe->st->nr_hole_pages += 1ull << o;
	}
	while (pk.used--)
		if (pf_alloc(pe, gfp, false, &id, err))
			return -1;
	return 0;
}

/* The order of the next movable hole: the one whose next hole is due soonest were each
 * order's holes spread evenly over the zone (the k-th of n at (k + 1/2) / n of the way),
 * so that every order lies all along the zone as the kernel's do (its fast free search
 * finds blocks of each order in the top half of the zone, hugetlb's trace) rather than a
 * rare order's all at the zone's start, as taking one of each order in turn would put
 * them.  total: the holes by order; left: those not yet placed (one at least). */
static unsigned pf_next_hole_order(const uint64_t total[NR_PAGE_ORDERS], const uint64_t left[NR_PAGE_ORDERS])
{
	unsigned best = NR_PAGE_ORDERS;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		if (!left[o])
			continue;
		uint64_t done = total[o] - left[o];
		if (best == NR_PAGE_ORDERS ||
		    (2 * done + 1) * total[best] < (2 * (total[best] - left[best]) + 1) * total[o])
			best = o;
	}
	return best;
}

static int pf_emit_zone(struct pf_emit *pe, int z, const struct pf_plan *pl, struct pf_zone_out *zo,
			struct sim_error *err)
{
	gfp_t zb = pf_zone_bits(z);
	/* Holes, sizes mixed along the zone, each order spread over all of it, pcp singles
	 * last. */
	uint64_t left[NR_PAGE_ORDERS], nr_holes = pl->pcp_singles, hole_pages = pl->pcp_singles;
	memcpy(left, pl->holes, sizeof(left));
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		nr_holes += left[o] + pl->holes_mt[0][o] + pl->holes_mt[1][o],
			hole_pages += (left[o] + pl->holes_mt[0][o] + pl->holes_mt[1][o]) << o;
	uint64_t *ids = nr_holes ? malloc(hole_pages * sizeof(*ids)) : NULL;
	if (nr_holes && !ids)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	uint64_t nids = 0;
	if (pf_typed(pe, GFP_KERNEL | zb, pl->kernel, pl->holes_mt[0], ids, &nids, err) ||
	    pf_typed(pe, GFP_KERNEL | __GFP_RECLAIMABLE | zb, pl->sreclaim, pl->holes_mt[1], ids, &nids, err)) {
		free(ids);
		return -1;
	}
	nr_holes = pl->pcp_singles;
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		nr_holes += left[o];
	uint64_t pcp_left = pl->pcp_singles, ha_left = pl->highatomic;
	uint64_t nr_folios = 0;
	for (unsigned o = 1; o < NR_PAGE_ORDERS; o++)
		nr_folios += pl->folios[PF_ANON][o] + pl->folios[PF_FILE][o];
	uint64_t mv_left = pl->movable[0] + pl->movable[1] + pl->movable[2] + pl->movable[3] - pl->lumps * PF_BLOCK -
			   pl->folio_pages;
	struct pf_slots sl = { .id = malloc((mv_left + nr_folios + 1) * sizeof(uint64_t)),
			       .kind = malloc(mv_left + nr_folios + 1),
			       .order = malloc(mv_left + nr_folios + 1) };
	struct pf_mix mx = { .kind = malloc(nr_folios + 1), .order = malloc(nr_folios + 1),
			     .grp = malloc((nr_folios + 1) * sizeof(uint64_t)) };
	int rc = -1;
	if (!sl.id || !sl.kind || !sl.order || !mx.kind || !mx.order || !mx.grp) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto out;
	}
	/* The folios' sequence first; the order-0 pages' kinds then make up the rest of each
	 * kind. */
	uint64_t fpages[NR_PF_MOVABLE] = { 0 };
	struct pf_kinds kd = { .run = MAX(pl->pcp_batch, 1) };
	mx.nr_grp = pf_folio_seq(pl, pl->pcp_batch, mx.kind, mx.order, mx.grp, fpages);
	for (int in = PF_ANON_INACTIVE; in < NR_PF_MOVABLE; in += 2) {
		uint64_t cls = pl->movable[in] + pl->movable[in + 1] - fpages[in] - fpages[in + 1];
		kd.total[in] = MIN(pl->movable[in] - MIN(fpages[in], pl->movable[in]), cls);
		kd.total[in + 1] = cls - kd.total[in];
	}
	mx.folio_all = pl->folio_pages;
	mx.refill0 = MAX(pl->pcp_batch, 2);
	/* The folios are spread over the order-0 allocations but those of the last two
	 * MAX_PAGE_ORDER blocks' worth (and a refill), which are left to fill what the last
	 * folio's alignment skipped: a group waits for a point where it may be placed. */
	uint64_t zero_all = mv_left + hole_pages, reserve = 2 * PF_BLOCK + mx.refill0;
	mx.zero_share = zero_all > reserve ? zero_all - reserve : 0;
	/* zone offset of the cursor: past the kernel and slab blocks.  The zone's last, partial
	 * MAX_PAGE_ORDER block was handed over at boot in smaller blocks, and the smallest free
	 * block of the type is always taken first: it is the first gap, which the first
	 * order-0 pages fill. */
	uint64_t typed_pages[2] = { 0, 0 };
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		typed_pages[0] += pl->holes_mt[0][o] << o, typed_pages[1] += pl->holes_mt[1][o] << o;
	mx.x = pf_roundup(pl->kernel + typed_pages[0]) + pf_roundup(pl->sreclaim + typed_pages[1]);
	mx.gap = pl->managed & (PF_BLOCK - 1);
	uint64_t tail_bits = MIN(mx.gap, mv_left);
	for (uint64_t i = 0; i < tail_bits; i++)
		if (pf_mix_movable(pe, z, &mx, &kd, &sl, err))
			goto out;
	mv_left -= tail_bits;
	/* Where the free pages lie: a real zone's are not spread evenly over its movable
	 * blocks — most sit in blocks that are largely free (mixed-memcg: of the Normal pages
	 * the capture allocated before anything freed them, four in five came from blocks it
	 * took 128 pages or more from).  With the capture's density d (struct pf_plan
	 * hole_density) the holes come in clusters of about d pages over a pageblock's span:
	 * 2^o × (PF_PAGEBLOCK − d) / d pages in use (at least one) before each hole of order o
	 * within a cluster, and the zone's other pages in use spread evenly between the
	 * clusters.  Without it (d = 0), or where the zone has too few pages in use to spread
	 * its holes that thinly, every hole is a cluster of its own. */
	uint64_t hole_left = hole_pages - typed_pages[0] - typed_pages[1], cl_pages = 0; /* movable and pcp */
	const uint64_t d = pl->hole_density && hole_left * (PF_PAGEBLOCK - pl->hole_density) / pl->hole_density < mv_left
				   ? pl->hole_density
				   : 0;
	while (nr_holes) {
		unsigned ho = pcp_left && nr_holes == pcp_left ? 0 : pf_next_hole_order(pl->holes, left);
		/* pages in use before the hole, the folios due among them, and then as many
		 * as fill what a folio's alignment skipped */
		uint64_t gap;
		if (d && cl_pages && cl_pages < d) {
			gap = MAX(((PF_PAGEBLOCK - d) << ho) / d, 1);
		} else {
			uint64_t inner = d ? hole_left * (PF_PAGEBLOCK - d) / d : 0;
			uint64_t clusters = d ? (hole_left + d - 1) / d : nr_holes;
			gap = MAX((mv_left > inner ? mv_left - inner : 0) / (clusters + 1), 1);
			cl_pages = 0;
		}
		if (gap > mv_left)
			break;
		for (uint64_t i = 0; i < gap; i++)
			if (pf_mix_movable(pe, z, &mx, &kd, &sl, err))
				goto out;
		mv_left -= gap;
		while (mx.gap && mv_left) {
			pf_mix_zero(&mx);
			mv_left--;
			if (pf_movable(pe, z, &kd, &sl, err))
				goto out;
		}
		uint64_t pad = (uint64_t)(-(int64_t)mx.x) & ((1ull << ho) - 1);
		if (mx.gap || pad + 1 > mv_left)
			break; /* no pages in use left to separate it: the rest stays in the tail */
		for (uint64_t i = 0; i < pad; i++) {
			pf_mix_zero(&mx);
			if (pf_movable(pe, z, &kd, &sl, err))
				goto out;
		}
		mv_left -= pad;
		gfp_t hole_gfp = GFP_HIGHUSER_MOVABLE | zb;
		if (zb)
			hole_gfp &= ~(gfp_t)__GFP_HIGHMEM;
		for (uint64_t i = 0; i < (1ull << ho); i++) {
			pf_mix_zero(&mx);
			if (pf_alloc(pe, hole_gfp, false, &ids[nids++], err))
				goto out;
		}
		if (ho == ZONEINFO_BLOCK_ORDER && ha_left) {
			if (pf_hint(pe, ids[nids - (1ull << ho)], HINT_HIGHATOMIC, err))
				goto out;
			ha_left--;
			pe->st->highatomic_blocks[z]++;
		}
		pe->st->nr_hole_pages += 1ull << ho;
		cl_pages += 1ull << ho;
		hole_left -= MIN(hole_left, 1ull << ho);
		if (ho == 0 && pcp_left && nr_holes == pcp_left)
			pcp_left--;
		else
			left[ho]--;
		nr_holes--;
	}
	while (mv_left--)
		if (pf_mix_movable(pe, z, &mx, &kd, &sl, err))
			goto out;
	/* Groups not yet placed (too few order-0 pages to spread them over) go last. */
	while (mx.next_grp < mx.nr_grp)
		if (pf_mix_group(pe, z, &mx, &sl, err))
			goto out;
	zo->sl = sl;
	zo->ids = ids;
	zo->nids = nids;
	sl = (struct pf_slots){ 0 };
	ids = NULL;
	rc = 0;
out:
	free(ids);
	free(sl.id);
	free(sl.kind);
	free(sl.order);
	free(mx.kind);
	free(mx.order);
	free(mx.grp);
	return rc;
}

/* After pf_settle_lru: the zone's holes freed, its lumps; unevictable is what is left of
 * the zone's mlocked pages after its LRU objects.  The dirty marks come after every zone's
 * (import_prefill). */
static int pf_finish_zone(struct pf_emit *pe, int z, const struct pf_plan *pl, const struct pf_zone_out *zo,
			  uint64_t unevictable, struct sim_error *err)
{
	for (uint64_t i = 0; i < zo->nids; i++)
		if (pf_rec(pe, TR_FREE, zo->ids[i], 0, err))
			return -1;
	/* Without __GFP_RECLAIM: should the zone be short, no kswapd wake and no reclaim. */
	gfp_t zb = pf_zone_bits(z);
	gfp_t lump_gfp = ((GFP_HIGHUSER_MOVABLE | zb) & ~(gfp_t)__GFP_RECLAIM) | __GFP_ZERO | __GFP_COMP;
	if (zb)
		lump_gfp &= ~(gfp_t)__GFP_HIGHMEM;
	/* The lumps are anon taken out of the movable pages in use: the unevictable pages the
	 * LRU objects left unmarked are theirs (with swap, an evictable lump would be swapped
	 * out whole, which no page of the zone it stands for would be). */
	for (uint64_t i = 0; i < pl->lumps; i++) {
		uint64_t id = IMPORT_PREFILL_ID_BIT | ++pe->next_id;
		if (pf_rec_order(pe, TR_ALLOC, id, lump_gfp, MAX_PAGE_ORDER, err))
			return -1;
		if (unevictable) {
			unevictable -= MIN(unevictable, PF_BLOCK);
			if (pf_hint(pe, id, HINT_MLOCK, err))
				return -1;
		}
	}
	return 0;
}

/* The zones' dirty page cache: in each zone the file folios put on the LRU last (the
 * most recently written are the newest), inactive ones first, then active ones, until the
 * zone's `dirty` pages are marked.  The flusher then writes them as the kernel's did during
 * the capture: at once above dirty_background_ratio, else when they expire.  Their ages
 * are not in the capture: a machine whose flusher has run for a while holds dirty pages of
 * every age up to dirty_expire (30 s) and the time since its last periodic writeback, so
 * the marks are dated evenly over the last zi->dirty_age_span_ms (import_prefill_flusher),
 * oldest first (the flusher's list is in dirtying order), the zones interleaved by their
 * shares: the replay's first periodic writeback takes the share the kernel's would.  With
 * no span every mark is dated at the start.  Each zone holds its own count (its
 * nr_zone_write_pending): with the zones interleaved on the LRU (pf_settle_lru), its newest
 * file pages are among the node's newest. */
struct pf_dirty_cursor {
	const struct pf_slots *sl;
	uint64_t i;    /* slots below i not yet looked at in this pass */
	unsigned pass; /* 0: inactive, 1: active, 2: no file slot left */
};

/* The zone's next file slot to mark, newest first, or -1 once there is none. */
static int64_t pf_dirty_next(struct pf_dirty_cursor *c)
{
	for (; c->pass < 2; c->pass++, c->i = c->sl->n)
		while (c->i > 0) {
			uint64_t i = --c->i;
			if (c->sl->kind[i] == (c->pass ? PF_FILE_ACTIVE : PF_FILE_INACTIVE))
				return (int64_t)i;
		}
	return -1;
}

static int pf_settle_dirty(struct pf_emit *pe, const struct zoneinfo *zi, const struct pf_plan plan[MAX_NR_ZONES],
			   const struct pf_zone_out zo[MAX_NR_ZONES], struct sim_error *err)
{
	struct pf_dirty_cursor cur[MAX_NR_ZONES];
	uint64_t total = 0, share[MAX_NR_ZONES], done[MAX_NR_ZONES] = { 0 }, all_done = 0;
	unsigned live = 0; /* zones with file slots left */
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		share[z] = plan[z].managed ? plan[z].dirty : 0;
		cur[z] = (struct pf_dirty_cursor){ .sl = &zo[z].sl, .i = zo[z].sl.n };
		total += share[z];
		live |= 1u << z;
	}
	for (;;) {
		int best = pf_behind(share, done, MAX_NR_ZONES, total, all_done, live);
		if (best < 0)
			return 0;
		int64_t i = pf_dirty_next(&cur[best]);
		if (i < 0) {
			live &= ~(1u << best);
			continue;
		}
		uint64_t n = 1ull << zo[best].sl.order[i];
		/* dated at the middle of its share of the span: age = span x (1 - (c + n/2) / total) */
		double mid = ((double)all_done + (double)n / 2) / (double)total;
		int32_t age = mid < 1 ? (int32_t)((double)zi->dirty_age_span_ms * (1 - mid)) : 0;
		done[best] += n;
		all_done += n;
		pe->st->nr_dirty_pages += n;
		if (pf_put(pe, (struct trace_record){ .kind = TR_DIRTY, .id = zo[best].sl.id[i], .arg = age }, err))
			return -1;
	}
}

#define PF_WB_PERIOD_MS 5000  /* dirty_writeback_centisecs 500 */
#define PF_WB_EXPIRE_MS 30000  /* dirty_expire_centisecs 3000 */

/* A point in [0, 1) from the seed: the middle for seed 0 (the default replay), else
 * splitmix64 of the seed. */
static double pf_seed_unit(uint64_t seed)
{
	if (!seed)
		return 0.5;
	return (double)(splitmix64_mix(seed) >> 11) / (double)(1ull << 53);
}

uint32_t import_prefill_flusher(struct zoneinfo *zi, uint64_t seed, int wb_events)
{
	uint64_t phase;
	if (zi->first_kupdate_ns && zi->first_event_ns && zi->first_kupdate_ns >= zi->first_event_ns) {
		uint64_t at = (zi->first_kupdate_ns - zi->first_event_ns) / NSEC_PER_MSEC % PF_WB_PERIOD_MS;
		phase = PF_WB_PERIOD_MS - MAX(at, 1);
	} else {
		uint64_t len = zi->last_event_ns > zi->first_event_ns && zi->first_event_ns
				       ? (zi->last_event_ns - zi->first_event_ns) / NSEC_PER_MSEC
				       : 0;
		uint64_t room = wb_events > 0 && len < PF_WB_PERIOD_MS ? PF_WB_PERIOD_MS - len : PF_WB_PERIOD_MS;
		phase = (uint64_t)(pf_seed_unit(seed) * (double)room);
	}
	zi->dirty_age_span_ms = (uint32_t)(PF_WB_EXPIRE_MS + phase);
	return (uint32_t)phase;
}

int import_prefill(const struct zoneinfo *zi, const struct zoneinfo_free_orders *fo, sim_ns_t time_ns,
		   uint64_t seed, import_emit_fn emit_fn, void *arg, struct import_prefill_stats *st,
		   struct sim_error *err)
{
	memset(st, 0, sizeof(*st));
	struct pf_plan plan[MAX_NR_ZONES];
	/* The pages in use outside the LRU, over the node, to split the node's slab. */
	uint64_t rest_all = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int z = 0; z <= ZONE_MOVABLE; z++) {
			if (!zi->zone[z].managed) {
				memset(&plan[z], 0, sizeof(plan[z]));
				continue;
			}
			pf_plan_zone(zi, z, fo, rest_all, &plan[z]);
			if (!pass)
				rest_all += plan[z].kernel + plan[z].sreclaim - plan[z].region_pad;
		}
	}
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		st->nr_pages += plan[z].in_use;
		st->short_pages[z] = plan[z].short_pages;
		st->pcp_blocks[z] = plan[z].pcp_blocks;
	}
	/* Lowest zone first: each zone is filled by allocations aimed at it (zone gfp bits),
	 * which stay there while it is above its floor. */
	struct pf_emit pe = { .fn = emit_fn, .arg = arg, .time_ns = time_ns, .seed = seed, .st = st };
	struct pf_zone_out zo[MAX_NR_ZONES] = { 0 };
	struct pf_slots sl[MAX_NR_ZONES] = { 0 };
	int rc = -1;
	for (int z = 0; z <= ZONE_MOVABLE; z++)
		if (plan[z].managed && pf_emit_zone(&pe, z, &plan[z], &zo[z], err))
			goto out;
	uint64_t unevictable[MAX_NR_ZONES];
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		sl[z] = zo[z].sl;
		unevictable[z] = plan[z].unevictable;
	}
	if (pf_settle_lru(&pe, zi, sl, unevictable, err))
		goto out;
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		zo[z].sl = sl[z];
		if (plan[z].managed && pf_finish_zone(&pe, z, &plan[z], &zo[z], unevictable[z], err))
			goto out;
	}
	/* The dirty page cache last, once the memory is laid out as at the capture's start:
	 * each dirty mark is a dirtying, whose balance_dirty_pages check (writeback_dirty_page)
	 * then weighs the capture's dirty pages against the capture's thresholds.  Marked before
	 * the holes were freed and the lumps taken (free memory, hence dirtyable memory, was
	 * the layout's of the moment), the check passed on captures whose Dirty stood above the
	 * background threshold, which the last dirtying never leaves without a background work
	 * (wb_start_background_writeback, 6.18): the kernel's flusher wrote within 61 ms of the
	 * start in all four captures that began above it (refault 15 ms, held-out anon-swap 56,
	 * refault 35, thp-compact 61). */
	if (pf_settle_dirty(&pe, zi, plan, zo, err))
		goto out;
	rc = 0;
out:
	for (int z = 0; z < MAX_NR_ZONES; z++)
		pf_zone_out_free(&zo[z]);
	return rc;
}

int import_prefill_load(const struct import_opts *o, struct zoneinfo *zi, struct zoneinfo_free_orders *fo,
			bool *have_fo, struct sim_error *err)
{
	*have_fo = false;
	if (zoneinfo_parse(o->zoneinfo_path, zi, err))
		return -1;
	const char *shape = o->buddyinfo_path ? o->buddyinfo_path : o->pagetypeinfo_path;
	if (shape) {
		if (zoneinfo_parse_free_orders(shape, fo, err))
			return -1;
		*have_fo = true;
	}
	if (o->buddyinfo_path && o->pagetypeinfo_path) {
		/* the free blocks by type from pagetypeinfo, their sum from buddyinfo */
		struct zoneinfo_free_orders *pt = malloc(sizeof(*pt));
		if (!pt)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
		if (zoneinfo_parse_free_orders(o->pagetypeinfo_path, pt, err)) {
			free(pt);
			return -1;
		}
		memcpy(fo->nr_free_mt, pt->nr_free_mt, sizeof(fo->nr_free_mt));
		memcpy(fo->nr_free_highatomic, pt->nr_free_highatomic, sizeof(fo->nr_free_highatomic));
		memcpy(fo->seen_mt, pt->seen_mt, sizeof(fo->seen_mt));
		free(pt);
	}
	if (o->meminfo_path) {
		FILE *fp = fopen(o->meminfo_path, "r");
		if (!fp)
			return sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", o->meminfo_path, strerror(errno));
		bool slab = !zi->slab_reclaimable && !zi->slab_unreclaimable; /* zoneinfo's win */
		char line[256];
		unsigned long long kb;
		while (fgets(line, sizeof(line), fp)) {
			if (slab && sscanf(line, "SReclaimable: %llu kB", &kb) == 1)
				zi->slab_reclaimable = kb / 4;
			else if (slab && sscanf(line, "SUnreclaim: %llu kB", &kb) == 1)
				zi->slab_unreclaimable = kb / 4;
			else if (sscanf(line, "FileHugePages: %llu kB", &kb) == 1)
				zi->file_thp_pages = kb / 4;
			else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
				zi->anon_thp_pages = kb / 4;
		}
		fclose(fp);
	}
	return 0;
}
