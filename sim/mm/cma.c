/* cma.c — device contiguous allocations: cma_alloc / alloc_contig_range / cma_release
 * (model.md §7.2, §7.3), the same under every CMA policy: only where the area lives
 * differs (MIGRATE_CMA blocks, sticky MOVABLE blocks, or ZONE_CMA).
 *
 * cma_alloc(count, align), as __cma_alloc() in 6.12: find the next free run of count pages
 * at the alignment in the area's bitmap and run alloc_contig_range on it under cma_mutex
 * (one range at a time in the node; a second caller sleeps until the first is done).
 * -EBUSY moves on to the next window (start = bitmap_no + mask + 1); anything else, or no
 * window left, ends the call with the last window's reason.
 *
 * alloc_contig_range, as in 6.12:
 *   1. start_isolate_page_range: every pageblock of the range becomes MIGRATE_ISOLATE; a
 *      block holding unmovable pages refuses (-EBUSY, reason unmovable), except
 *      MIGRATE_CMA blocks, which skip that check.
 *   2. lru_cache_disable + drain_all_pages: the pcp lists are drained so their pages reach
 *      the isolated lists (the model's LRU has no per-cpu add batches to drain).
 *   3. __alloc_contig_migrate_range, a round at a time over the allocated pages left:
 *      a. a page pinned FOLL_LONGTERM can never move: the range is given up (-EBUSY,
 *         reason pinned) — the kernel's tries would only repeat the -EAGAIN;
 *      b. reclaim_clean_pages_from_list: clean, unpinned file pages are dropped (with a
 *         shadow entry, as reclaim drops them), not migrated;
 *      c. a page under writeback: MIGRATE_SYNC waits in folio_wait_writeback, so the
 *         request sleeps until the write completes (writeback_done_ns); the next round
 *         migrates what it waited for (the kernel waits inside migrate_pages, after
 *         reclaim_clean_pages_from_list has passed the page by);
 *      d. migrate_pages(MIGRATE_SYNC, MR_CONTIG_RANGE) on the rest.  A page with a short
 *         pin (an I/O in flight, buffer heads the journal holds) fails every pass with
 *         -EAGAIN; each of migrate_pages' NR_MAX_MIGRATE_PAGES_RETRY passes costs the
 *         failed attempt (costs.migrate_page per page: unmap and remap), and the request
 *         sleeps that off before the next round, so a pin dropped meanwhile lets the page
 *         go.  Five rounds in a row with failures are -EBUSY (reason busy for pins, migrate
 *         for other failures); no target is -ENOMEM.
 *   4. test_pages_isolated: the range must now be free; take it, undo the isolation.
 * The request only sleeps between rounds, holding the isolated pageblocks but no isolated
 * page, as the kernel sleeps there holding MIGRATE_ISOLATE blocks (their free pages are on
 * the isolated lists, so nothing else allocates them; pages freed meanwhile join them).
 *
 * Per call: one cma_alloc_success, or one cma_alloc_fail and one mmsim_cma_fail_<reason>;
 * and one alloc_outcome of class cma_device (satisfied or fail_cma_busy); its latency (scans,
 * drops, copies, target allocations, the waits and the mutex) is the replay's cma_device
 * latency class.  Free pages on the isolated blocks leave NR_FREE_PAGES while the range is
 * isolated (account_freepages() since 6.10; zone->nr_free_isolated).
 */
#include "mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/actor.h"
#include "migrate.h"
#include "vmscan.h"

#define CONTIG_MIGRATE_TRIES 5 /* __alloc_contig_migrate_range: 5 failing rounds -> -EBUSY */

enum cma_error { CMA_OK, CMA_EBUSY, CMA_ENOMEM, CMA_EINVAL };

/* Why the last window failed, for the counters and summary. */
enum cma_fail_reason {
	CMAF_PINNED,    /* a long-term pin in the range */
	CMAF_UNMOVABLE, /* an unmovable page in a non-CMA pageblock: isolation refused */
	CMAF_MIGRATE,   /* pages kept failing to migrate for another reason */
	CMAF_NOMEM,     /* no migration target */
	CMAF_NOSPACE,   /* no free run in the bitmap */
	CMAF_BUSY,      /* short pins (I/O, journal) outlasted the tries */
	NR_CMAF
};

struct cma_device_alloc {
	uint64_t id;
	unsigned area;
	pfn_t pfn;
	uint64_t count;
};

struct cma_state {
	uint8_t *bitmap[CONFIG_MAX_CMA_REGIONS]; /* one byte per page: 1 = given to a device */
	struct cma_device_alloc *allocs;
	size_t nr_allocs, cap_allocs;
	bool mutex_held;          /* cma_mutex: an alloc_contig_range is in progress */
	struct waitq mutex_wait;  /* requests waiting for it */
};

int cma_init(struct mm *mm, struct sim_error *err)
{
	if (!mm->nr_cma_areas)
		return 0;
	struct cma_state *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (unsigned a = 0; a < mm->nr_cma_areas; a++) {
		cs->bitmap[a] = calloc(mm->cma_areas[a].pages, 1);
		if (!cs->bitmap[a])
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	mm->cma = cs;
	return 0;
}

void cma_destroy(struct mm *mm)
{
	struct cma_state *cs = mm->cma;
	if (!cs)
		return;
	for (unsigned a = 0; a < CONFIG_MAX_CMA_REGIONS; a++)
		free(cs->bitmap[a]);
	free(cs->allocs);
	free(cs);
	mm->cma = NULL;
}

static pfn_t block_start(const struct mm *mm, pfn_t pfn)
{
	return pfn & ~(pfn_t)(mm->pageblock_nr_pages - 1);
}

/* has_unmovable_pages: an allocated page that is neither on the LRU nor non-LRU movable. */
static bool block_has_unmovable(const struct mm *mm, pfn_t start)
{
	for (pfn_t q = start; q < start + mm->pageblock_nr_pages;) {
		const struct page_frame *p = &mm->pages[q];
		unsigned n = (p->flags & (PF_BUDDY | PF_HEAD)) || p->xflags ? 1u << p->order : 1u;
		if ((p->flags & PF_HEAD) && !(p->flags & (PF_LRU | PF_MOVABLE_OPS | PF_CMA_DEVICE)))
			return true;
		q += n;
	}
	return false;
}

/* Migration target for a page leaving the range: anywhere the page's kind may go, never an
 * isolated block (those have no free lists to allocate from). */
static pfn_t contig_target(struct mm *mm, pfn_t src_pfn, unsigned order, void *priv)
{
	(void)src_pfn;
	struct alloc_context ac = {
		.gfp = GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_RETRY_MAYFAIL,
		.order = order,
		.mt = MIGRATE_MOVABLE,
		.highest_zoneidx = gfp_zone(GFP_HIGHUSER_MOVABLE),
	};
	/* Targets are taken while the sources are isolated, so the request may not sleep here
	 * (others would meet the isolated pages half-moved): its slow path runs with the
	 * clock standing, on a copy whose cost goes to the request. */
	struct mm_request *req = priv;
	struct mm_request sync = { .cpu = mm_request_cpu(req), .task = req ? req->task : 0, .mode = REQ_SYNC,
				   .alloc_class = -1 };
	ac.req = &sync;
	mm->cma_ops->prepare(mm, &ac);
	pfn_t pfn = mm_alloc_pages(mm, &ac);
	mm_request_charge(req, sync.stall_ns);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	struct page_frame *p = &mm->pages[pfn];
	p->flags = PF_ISOLATED;
	p->xflags = 0;
	p->order = (uint8_t)order;
	p->owner = 0;
	p->next = p->prev = PFN_NONE;
	return pfn;
}

/* Heads of allocated objects overlapping [start, end) (walking whole pageblocks so a block
 * that starts before the range is found too). */
static unsigned collect_busy(struct mm *mm, pfn_t start, pfn_t end, pfn_t *out, unsigned max, uint64_t *scanned)
{
	unsigned n = 0;
	for (pfn_t q = block_start(mm, start); q < end;) {
		struct page_frame *p = &mm->pages[q];
		unsigned len = ((p->flags & (PF_BUDDY | PF_HEAD)) || p->xflags) ? 1u << p->order : 1u;
		(*scanned)++;
		if ((p->flags & PF_HEAD) && !(p->flags & PF_CMA_DEVICE) && q + len > start && n < max)
			out[n++] = q;
		q += len;
	}
	return n;
}

/* Take the free pages of [start, end) from the isolated blocks: each free block overlapping
 * the range is pulled off its list; the part outside the range goes back as free blocks. */
static void take_range(struct mm *mm, struct zone *z, pfn_t start, pfn_t end)
{
	for (pfn_t q = block_start(mm, start); q < end;) {
		struct page_frame *p = &mm->pages[q];
		if (!(p->flags & PF_BUDDY)) {
			q += ((p->flags & PF_HEAD) || p->xflags) ? 1u << p->order : 1u;
			continue;
		}
		unsigned order = p->order;
		pfn_t bstart = q, bend = q + (1u << order);
		buddy_isolate_free_page(mm, z, q, order);
		/* Split into aligned pieces wholly inside or wholly outside [start, end): grow a
		 * piece while the next larger aligned block is still one or the other. */
		for (pfn_t r = bstart; r < bend;) {
			unsigned o = 0;
			while (o < order && !(r & ((2u << o) - 1)) && r + (2u << o) <= bend &&
			       ((r + (2u << o) <= start) || r >= end || (r >= start && r + (2u << o) <= end)))
				o++;
			bool inside = r >= start && r < end;
			if (inside) {
				/* device chunk: accounted as allocated, no owner object */
				struct page_frame *h = &mm->pages[r];
				h->flags = PF_HEAD | PF_CMA_DEVICE;
				h->order = (uint8_t)o;
				h->owner = 0;
				h->xflags = 0;
				h->next = h->prev = PFN_NONE;
			} else {
				mm->pages[r].flags = PF_ISOLATED;
				mm->pages[r].order = (uint8_t)o;
				buddy_putback_isolated(mm, z, r, o);
			}
			r += 1u << o;
		}
		/* buddy_isolate_free_page counted the whole block allocated; putback returned the
		 * outside pieces, so exactly the inside pages remain counted. */
		q = bend;
	}
}

/* One alloc_contig_range call on [start, end). */
struct contig_control {
	struct mm *mm;
	struct mm_request *req;
	pfn_t start, end;
	pfn_t *busy;        /* object heads overlapping the range, this round */
	unsigned max_busy;
	uint64_t scanned;   /* pfns looked at (charged at costs.scan_page) */
	enum cma_fail_reason why;
};

/* reclaim_clean_pages_from_list (6.12): a clean file page on the LRU that nobody pins is
 * dropped as reclaim drops it (shrink_folio_list with ignore_references: a shadow entry
 * remains), instead of being copied. */
static bool contig_can_drop(const struct page_frame *p)
{
	return (p->flags & PF_LRU) && !(p->flags & (PF_SWAPBACKED | PF_DIRTY | PF_WRITEBACK | PF_PINNED |
						     PF_UNEVICTABLE | PF_MOVABLE_OPS | PF_ISOLATED));
}

static void contig_drop(struct mm *mm, struct mm_request *req, pfn_t pfn)
{
	struct page_frame *p = &mm->pages[pfn];
	uint64_t nr = 1ull << p->order;
	lru_del(mm, pfn);
	p->flags &= (uint16_t)~(PF_ACTIVE | PF_REFERENCED | PF_RECLAIM);
	workingset_evict(mm, req, pfn, NULL);
	count_vm_events(mm, VM_MMSIM_CMA_RECLAIM_CLEAN, nr);
	mm_request_charge(req, vmscan_cost_ns(mm, &(struct vmscan_work){ .scanned = nr, .reclaimed = nr }));
}

/* folio_wait_writeback for the pages of this round under writeback: an actor sleeps until
 * the last of their writes completes (the CPU work charged so far is slept first).  False
 * when none is under writeback, or the request cannot sleep (the clock stands: the pages
 * then move under writeback, as the copy would after the wait). */
static bool contig_wait_writeback(struct contig_control *cc, unsigned n)
{
	struct mm *mm = cc->mm;
	sim_ns_t done = 0;
	for (unsigned i = 0; i < n; i++) {
		pfn_t pfn = cc->busy[i];
		if (mm->pages[pfn].flags & PF_WRITEBACK)
			done = MAX(done, writeback_done_ns(mm, pfn, mm->objs.slots[mm->pages[pfn].owner].id));
	}
	if (!done || !mm_request_can_sleep(cc->req))
		return false;
	count_vm_event(mm, VM_MMSIM_CMA_WAIT_WRITEBACK);
	mm_request_yield(mm, cc->req);
	sim_ns_t now = mm->engine->now_ns;
	if (done > now) {
		mm_request_charge_io(cc->req, done - now);
		mm_request_yield(mm, cc->req);
	} else {
		actor_sleep(mm->engine, 0); /* the completion due now runs first */
	}
	return true;
}

/* __alloc_contig_migrate_range: empty [start, end) of allocated pages. */
static enum cma_error contig_migrate_range(struct contig_control *cc)
{
	struct mm *mm = cc->mm;
	struct mm_request *req = cc->req;
	unsigned tries = 0;
	bool waited = false; /* the last round waited for writeback: this one migrates */
	for (;;) {
		unsigned n = collect_busy(mm, cc->start, cc->end, cc->busy, cc->max_busy, &cc->scanned);
		if (!n)
			return CMA_OK;
		/* a. a long-term pin never goes */
		for (unsigned i = 0; i < n; i++) {
			const struct page_frame *p = &mm->pages[cc->busy[i]];
			if ((p->flags & PF_PINNED) && migrate_longterm_pinned(mm, &mm->objs.slots[p->owner])) {
				cc->why = CMAF_PINNED;
				return CMA_EBUSY;
			}
		}
		/* b. clean page cache is dropped — except right after a writeback wait: the
		 * kernel waits inside migrate_pages, which then moves the page it waited for */
		unsigned kept = 0;
		for (unsigned i = 0; i < n; i++) {
			if (!waited && mm->reclaim && contig_can_drop(&mm->pages[cc->busy[i]]))
				contig_drop(mm, req, cc->busy[i]);
			else
				cc->busy[kept++] = cc->busy[i];
		}
		n = kept;
		if (!n)
			continue;
		/* c. writeback is waited for (the world moves on: collect again) */
		if ((waited = contig_wait_writeback(cc, n)))
			continue;
		/* d. migrate the rest */
		struct migrate_result res = { 0 };
		for (unsigned i = 0; i < n; i++)
			mm->pages[cc->busy[i]].flags |= PF_ISOLATED;
		unsigned failed = migrate_pages(mm, cc->busy, n, contig_target, NULL, req, MIGRATE_SYNC,
						MR_CONTIG_RANGE, &res);
		mm_request_charge(req, res.cost_ns);
		if (res.nomem) {
			cc->why = CMAF_NOMEM;
			return CMA_ENOMEM;
		}
		if (!failed) {
			tries = 0;
			continue;
		}
		/* Every pass tried the failed pages again (unmap, refcount check, remap). */
		mm_request_charge(req, res.nr_failed * NR_MAX_MIGRATE_PAGES_RETRY * mm->cfg->costs.migrate_page_ns);
		if (++tries >= CONTIG_MIGRATE_TRIES) {
			cc->why = res.nr_fail_by[MFAIL_PINNED] ? CMAF_BUSY : CMAF_MIGRATE;
			return CMA_EBUSY;
		}
		/* The failed pages are back in place (none isolated): a sleep point, so a pin
		 * dropped meanwhile lets the next round move its page. */
		mm_request_yield(mm, req);
	}
}

/* alloc_contig_range on [start, start + count) of area a. */
static enum cma_error alloc_contig_range(struct mm *mm, struct mm_request *req, pfn_t start, uint64_t count,
					 enum cma_fail_reason *why)
{
	pfn_t end = start + (pfn_t)count;
	struct zone *z = mm_pfn_zone(mm, start);
	pfn_t first = block_start(mm, start), last = block_start(mm, end - 1);
	unsigned nr_blocks = (last - first) / mm->pageblock_nr_pages + 1;
	uint8_t *old_mt = malloc(nr_blocks);
	struct contig_control cc = {
		.mm = mm, .req = req, .start = start, .end = end,
		.max_busy = (unsigned)(count + mm->pageblock_nr_pages), .why = CMAF_MIGRATE,
	};
	enum cma_error rc = CMA_OK;
	if (!old_mt)
		abort();
	/* 1. isolate */
	unsigned isolated = 0;
	for (unsigned b = 0; b < nr_blocks; b++) {
		pfn_t bp = first + b * mm->pageblock_nr_pages;
		struct pageblock *pb = mm_pageblock(mm, bp);
		old_mt[b] = pb->mt;
		cc.scanned += mm->pageblock_nr_pages;
		if (pb->mt != MIGRATE_CMA && block_has_unmovable(mm, bp)) {
			cc.why = CMAF_UNMOVABLE;
			rc = CMA_EBUSY;
			break;
		}
		mm_set_pageblock_migratetype(mm, bp, MIGRATE_ISOLATE);
		isolated++;
	}
	if (rc == CMA_OK) {
		/* 2. drain the pcp lists so their pages reach the isolated lists */
		mm_drain_all_pages(mm);
		/* 3. empty the range */
		cc.busy = malloc(sizeof(*cc.busy) * cc.max_busy);
		if (!cc.busy)
			abort();
		rc = contig_migrate_range(&cc);
		free(cc.busy);
		/* 4. test_pages_isolated, 5. take the range */
		if (rc == CMA_OK) {
			uint64_t s2 = 0;
			pfn_t probe;
			if (collect_busy(mm, start, end, &probe, 1, &s2)) {
				cc.why = CMAF_MIGRATE;
				rc = CMA_EBUSY;
			} else {
				take_range(mm, z, start, end);
			}
		}
	}
	/* 6. undo the isolation: the blocks return to their type, free pages with them */
	for (unsigned b = 0; b < isolated; b++)
		mm_set_pageblock_migratetype(mm, first + b * mm->pageblock_nr_pages, (enum migratetype)old_mt[b]);
	free(old_mt);
	mm_request_charge(req, cc.scanned * mm->cfg->costs.scan_page_ns);
	*why = cc.why;
	return rc;
}

/* cma_mutex: alloc_contig_range runs for one range at a time; a caller that finds it
 * taken sleeps until the holder is done (the holder sleeps only as an actor, so a
 * request that cannot sleep never finds it taken). */
static void cma_mutex_lock(struct mm *mm, struct mm_request *req)
{
	struct cma_state *cs = mm->cma;
	while (cs->mutex_held && mm_request_can_sleep(req)) {
		mm_request_yield(mm, req);
		actor_wait(mm->engine, &cs->mutex_wait, ACTOR_NO_TIMEOUT);
	}
	cs->mutex_held = true;
}

static void cma_mutex_unlock(struct mm *mm)
{
	struct cma_state *cs = mm->cma;
	cs->mutex_held = false;
	if (cs->mutex_wait.nr)
		waitq_wake(mm->engine, &cs->mutex_wait, 1);
}

static const enum vm_event_item fail_counters[NR_CMAF] = {
	VM_MMSIM_CMA_FAIL_PINNED, VM_MMSIM_CMA_FAIL_UNMOVABLE, VM_MMSIM_CMA_FAIL_MIGRATE,
	VM_MMSIM_CMA_FAIL_NOMEM, VM_MMSIM_CMA_FAIL_NOSPACE, VM_MMSIM_CMA_FAIL_BUSY,
};

/* Pages of the area's bitmap that count pages occupy: whole bits of 2^order_per_bit pages. */
static uint64_t bitmap_pages(const struct cma_area *area, uint64_t count)
{
	uint64_t bit = 1ull << area->order_per_bit;
	return (count + bit - 1) & ~(bit - 1);
}

bool mm_cma_alloc_req(struct mm *mm, struct mm_request *req, uint64_t id, uint64_t count,
		      unsigned align_order)
{
	struct cma_state *cs = mm->cma;
	enum cma_fail_reason why = CMAF_NOSPACE;
	if (!cs || !count) {
		count_vm_event(mm, VM_CMA_ALLOC_FAIL);
		count_vm_event(mm, fail_counters[CMAF_NOSPACE]);
		mm->alloc_outcome[ACLASS_CMA_DEVICE][AOUT_FAIL_CMA_BUSY]++;
		return false;
	}
	for (size_t i = 0; i < cs->nr_allocs; i++)
		if (cs->allocs[i].id == id) {
			count_vm_event(mm, VM_MMSIM_ALLOC_DUP_ID);
			count_vm_event(mm, VM_CMA_ALLOC_FAIL);
			mm->alloc_outcome[ACLASS_CMA_DEVICE][AOUT_FAIL_CMA_BUSY]++;
			return false;
		}
	/* A request asleep in here when the run ends counts as unfinished (replay.c). */
	if (req)
		req->alloc_class = ACLASS_CMA_DEVICE;
	for (unsigned a = 0; a < mm->nr_cma_areas; a++) {
		const struct cma_area *area = &mm->cma_areas[a];
		/* As cma_alloc() in 6.12: the bitmap has one bit per 2^order_per_bit pages, so a
		 * request takes whole bits (cma_bitmap_pages_to_bits) and starts on a bit; the
		 * window steps by the larger of the alignment and one bit (the aligned mask). */
		pfn_t align = 1u << MAX(MIN(align_order, 31u), area->order_per_bit);
		uint64_t reserved = bitmap_pages(area, count);
		if (reserved > area->pages)
			continue;
		pfn_t start = (area->base_pfn + align - 1) & ~(align - 1);
		while (start + reserved <= area->base_pfn + area->pages) {
			/* next free run in the bitmap */
			uint64_t off = start - area->base_pfn, k = 0;
			while (k < reserved && !cs->bitmap[a][off + k])
				k++;
			if (k < reserved) {
				start = (area->base_pfn + (pfn_t)(off + k + 1) + align - 1) & ~(align - 1);
				continue;
			}
			memset(cs->bitmap[a] + off, 1, reserved);
			cma_mutex_lock(mm, req);
			enum cma_error rc = alloc_contig_range(mm, req, start, count, &why);
			cma_mutex_unlock(mm);
			if (rc == CMA_OK) {
				if (cs->nr_allocs == cs->cap_allocs) {
					cs->cap_allocs = cs->cap_allocs ? cs->cap_allocs * 2 : 16;
					cs->allocs = realloc(cs->allocs, cs->cap_allocs * sizeof(*cs->allocs));
					if (!cs->allocs)
						abort();
				}
				cs->allocs[cs->nr_allocs++] = (struct cma_device_alloc){ id, a, start, count };
				mm->nr_device_pages += count;
				count_vm_event(mm, VM_CMA_ALLOC_SUCCESS);
				mm->alloc_outcome[ACLASS_CMA_DEVICE][AOUT_SATISFIED]++;
				if (req)
					req->alloc_class = -1;
				sim_assert3(mm_check_full(mm));
				return true;
			}
			memset(cs->bitmap[a] + off, 0, reserved);
			count_vm_event(mm, VM_MMSIM_CMA_BUSY_RETRY);
			if (rc != CMA_EBUSY)
				goto fail;
			start += align; /* cma_alloc_busy_retry: the next window */
		}
	}
fail:
	count_vm_event(mm, VM_CMA_ALLOC_FAIL);
	count_vm_event(mm, fail_counters[why]);
	mm->alloc_outcome[ACLASS_CMA_DEVICE][AOUT_FAIL_CMA_BUSY]++;
	if (req)
		req->alloc_class = -1;
	sim_assert3(mm_check_full(mm));
	return false;
}

bool mm_cma_release_req(struct mm *mm, struct mm_request *req, uint64_t id)
{
	struct cma_state *cs = mm->cma;
	if (!cs)
		return false;
	for (size_t i = 0; i < cs->nr_allocs; i++) {
		struct cma_device_alloc d = cs->allocs[i];
		if (d.id != id)
			continue;
		for (pfn_t q = d.pfn; q < d.pfn + d.count;) {
			unsigned order = mm->pages[q].order;
			mm_free_pages(mm, req, q, order);
			q += 1u << order;
		}
		const struct cma_area *area = &mm->cma_areas[d.area];
		memset(cs->bitmap[d.area] + (d.pfn - area->base_pfn), 0, bitmap_pages(area, d.count));
		mm->nr_device_pages -= d.count;
		cs->allocs[i] = cs->allocs[--cs->nr_allocs];
		sim_assert3(mm_check_full(mm));
		return true;
	}
	return false;
}
