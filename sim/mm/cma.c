/* cma.c — device contiguous allocations: cma_alloc / alloc_contig_range / cma_release
 * (model.md §7.2, §7.3), the same under every CMA policy: only where the area lives
 * differs (MIGRATE_CMA blocks, sticky MOVABLE blocks, or ZONE_CMA).
 *
 * cma_alloc(count, align): find the next free run of count pages at the alignment in the
 * area's bitmap; alloc_contig_range on it: isolate the pageblocks (MIGRATE_ISOLATE; a block
 * holding unmovable pages refuses, except MIGRATE_CMA blocks, which skip that check), drain
 * the pcp lists, migrate every allocated page in the range (MIGRATE_SYNC, reason
 * contig_range, up to 5 attempts while the same pages keep failing), check that the range
 * is now free, take it, undo the isolation.  -EBUSY moves on to the next window; anything
 * else ends the call.  One cma_alloc_success / cma_alloc_fail per call; its simulated
 * latency (pfns scanned + pages copied) is charged to the request (struct mm_request).
 *
 * Simplifications, documented: free pages on isolated blocks still count in NR_FREE_PAGES
 * during the (instantaneous, single-threaded) isolation window; writeback pages migrate in
 * MIGRATE_SYNC without an extra I/O wait; clean page cache is migrated, not dropped.
 */
#include "mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"

#define CONTIG_MIGRATE_ATTEMPTS 5 /* the same isolated pages failing 5 times -> -EBUSY */

enum cma_error { CMA_OK, CMA_EBUSY, CMA_ENOMEM, CMA_EINVAL };

/* Why the last window failed, for the counters and summary. */
enum cma_fail_reason { CMAF_PINNED, CMAF_UNMOVABLE, CMAF_MIGRATE, CMAF_NOMEM, CMAF_NOSPACE, NR_CMAF };

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

/* alloc_contig_range on [start, start + count) of area a. */
static enum cma_error alloc_contig_range(struct mm *mm, struct mm_request *req, pfn_t start, uint64_t count,
					 enum cma_fail_reason *why)
{
	pfn_t end = start + (pfn_t)count;
	struct zone *z = mm_pfn_zone(mm, start);
	pfn_t first = block_start(mm, start), last = block_start(mm, end - 1);
	unsigned nr_blocks = (last - first) / mm->pageblock_nr_pages + 1;
	uint8_t *old_mt = malloc(nr_blocks);
	uint64_t scanned = 0;
	enum cma_error rc = CMA_OK;
	if (!old_mt)
		abort();
	/* 1. isolate */
	unsigned isolated = 0;
	for (unsigned b = 0; b < nr_blocks; b++) {
		pfn_t bp = first + b * mm->pageblock_nr_pages;
		struct pageblock *pb = mm_pageblock(mm, bp);
		old_mt[b] = pb->mt;
		scanned += mm->pageblock_nr_pages;
		if (pb->mt != MIGRATE_CMA && block_has_unmovable(mm, bp)) {
			*why = CMAF_UNMOVABLE;
			rc = CMA_EBUSY;
			break;
		}
		mm_set_pageblock_migratetype(mm, bp, MIGRATE_ISOLATE);
		isolated++;
	}
	if (rc == CMA_OK) {
		/* 2. drain the pcp lists so their pages reach the isolated lists */
		mm_drain_all_pages(mm);
		/* 3. migrate what is in the range */
		pfn_t *busy = malloc(sizeof(*busy) * (count + mm->pageblock_nr_pages));
		if (!busy)
			abort();
		unsigned prev_failed = UINT32_MAX, same = 0;
		for (;;) {
			unsigned n = collect_busy(mm, start, end, busy, (unsigned)(count + mm->pageblock_nr_pages), &scanned);
			if (!n)
				break;
			struct migrate_result res = { 0 };
			for (unsigned i = 0; i < n; i++)
				mm->pages[busy[i]].flags |= PF_ISOLATED;
			unsigned failed = migrate_pages(mm, busy, n, contig_target, NULL, req, MIGRATE_SYNC,
							MR_CONTIG_RANGE, &res);
			mm_request_charge(req, res.cost_ns);
			if (res.nomem) {
				*why = CMAF_NOMEM;
				rc = CMA_ENOMEM;
				break;
			}
			if (!failed)
				continue;
			same = failed == prev_failed ? same + 1 : 1;
			prev_failed = failed;
			if (same >= CONTIG_MIGRATE_ATTEMPTS) {
				*why = res.nr_fail_by[MFAIL_PINNED] || res.nr_fail_by[MFAIL_AGAIN] ? CMAF_PINNED : CMAF_MIGRATE;
				rc = CMA_EBUSY;
				break;
			}
		}
		free(busy);
		/* 4. test_pages_isolated, 5. take the range */
		if (rc == CMA_OK) {
			uint64_t s2 = 0;
			pfn_t probe;
			if (collect_busy(mm, start, end, &probe, 1, &s2)) {
				*why = CMAF_MIGRATE;
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
	mm_request_charge(req, scanned * mm->cfg->costs.scan_page_ns);
	return rc;
}

static const enum vm_event_item fail_counters[NR_CMAF] = {
	VM_MMSIM_CMA_FAIL_PINNED, VM_MMSIM_CMA_FAIL_UNMOVABLE, VM_MMSIM_CMA_FAIL_MIGRATE,
	VM_MMSIM_CMA_FAIL_NOMEM, VM_MMSIM_CMA_FAIL_NOSPACE,
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
		return false;
	}
	for (size_t i = 0; i < cs->nr_allocs; i++)
		if (cs->allocs[i].id == id) {
			count_vm_event(mm, VM_MMSIM_ALLOC_DUP_ID);
			count_vm_event(mm, VM_CMA_ALLOC_FAIL);
			return false;
		}
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
			enum cma_error rc = alloc_contig_range(mm, req, start, count, &why);
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
