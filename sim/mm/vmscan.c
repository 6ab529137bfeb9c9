/* vmscan.c — LRU placement and ageing, shrink_node, direct reclaim, the ereclaimable and
 * CFLRU policies, and the record-level operations access / dirty / hint.
 *
 * Modelling decisions (model.md §3.5, §4, §9.3; architecture.md §2–4)
 *
 * Which pages are on the LRU.  An allocation is an LRU page when its gfp migratetype is
 * MOVABLE: anon faults (6.18: GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP), page cache
 * (GFP_HIGHUSER_MOVABLE|__GFP_COMP, |__GFP_WRITE) and block-device cache
 * (GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE…).  __GFP_ZERO marks anon (PF_SWAPBACKED), as
 * does __GFP_NOMEMALLOC on a THP (GFP_TRANSHUGE*); every other movable allocation is
 * file, except hugetlbfs pool pages (__GFP_RETRY_MAYFAIL|__GFP_COMP, order > 0), which
 * go to the unevictable list: never reclaimed, still migratable.  __GFP_RECLAIMABLE slab
 * is not on the LRU (no shrinker model).  New pages enter the inactive head (6.x); a
 * refault whose distance is within the workingset enters the active list.  A gfp that
 * would be served differently from the default for its kind is kept in the side table,
 * so a refault re-allocates with the original gfp.
 *
 * Ageing.  One page flag carries both the PTE young bit and PG_referenced; a new anon
 * page starts with it (young from its fault), a new page cache page without.  An `access`
 * record acts as folio_mark_accessed: inactive+unreferenced -> referenced; inactive+
 * referenced -> activate now (pgactivate); active -> referenced.  shrink_inactive keeps a
 * referenced page for another trip (clears the bit, rotates to the head);
 * shrink_active_list deactivates every scanned page (non-exec pages are demoted even when
 * referenced; exec mappings are not modelled).  inactive_is_low uses
 * ratio = int_sqrt(10 × GiB of the pair).  The anon/file split is get_scan_count's
 * SCAN_FRACT with swappiness and lru costs (32 × pages written + pages scanned and not
 * reclaimed), SCAN_FILE without swap or while kswapd is boosted, cache-trim mode when the
 * inactive file list is large and file pages are not refaulting, SCAN_ANON when file +
 * free pages are within the high watermarks (file_is_tiny), SCAN_EQUAL at priority 0.
 * Workingset restore (PG_workingset) is not modelled: workingset_restore_* stay 0.
 *
 * shrink_folio_list (§4.4).  Pinned pages fail to unmap and are activated.  Under
 * writeback: kswapd with PG_reclaim and PGDAT_WRITEBACK counts nr_immediate; otherwise
 * PG_reclaim is set; both activate.  Dirty file pages are not written by direct reclaim:
 * PG_reclaim, nr_vmscan_immediate_reclaim, activate; only kswapd on a PG_reclaim page with
 * PGDAT_DIRTY pageouts it.  Anon pages get a swap slot and are written (nr_vmscan_write,
 * pswpout) and stay on the inactive list; writeback end rotates PG_reclaim pages to the
 * inactive tail, clearing PG_active (pgrotated), where the next scan frees them.  Clean
 * pages are freed: file -> OBJ_EVICTED with a shadow, anon (clean swap cache) ->
 * OBJ_SWAPPED.  When every page of a batch was dirty and unqueued the flusher is woken; a
 * page counts as dirty when taken, before its references are checked (a referenced dirty
 * page kept for another trip counts too).
 *
 * Memory cgroups.  A page is charged to its task's memcg (vmscan_task_memcg; a refault to
 * the faulting task's, as mem_cgroup_charge does; migration keeps it) and sits on that
 * memcg's lruvec; the node lruvec holds the totals.  shrink_node is shrink_node_memcgs
 * (6.12): prepare_scan_control's decisions (cache trim, file_is_tiny, lru costs) are made
 * once from the node totals, then each memcg's lruvec is planned from its own list sizes
 * (lruvec_lru_size >> priority) and its own swappiness (vmscan_memcg_swappiness).  kswapd visits every memcg; direct reclaim starts at the
 * shared cursor and ends after a memcg once the pass reclaimed nr_to_reclaim, or after the
 * last memcg.  Deactivation (may_deactivate) and the workingset are judged node-wide.
 * Within an lruvec, shrink_lruvec's goal (6.18): direct reclaim at DEF_PRIORITY scans the
 * whole targets; otherwise, once the lruvec reclaimed nr_to_reclaim, the proportional
 * adjustment (lruvec_goal_met).
 *
 * kswapd (kswapd.c) is a state machine on the engine: each event runs one batch of
 * SWAP_CLUSTER_MAX pages per list of the current balance_pgdat round and schedules the
 * next after the batch's simulated cost.  Direct reclaim runs the same plan (priority 12 ->
 * 0, nr_to_reclaim 32) and charges each priority's cost (scans, pgrefill, frees) to the
 * allocating request (struct mm_request), which sleeps it off before the next priority
 * while the world goes on.  It throttles as reclaim_throttle does (one jiffy while kswapd
 * has flagged the node congested; one jiffy when nothing was reclaimed by priority 1,
 * woken early by a reclaimer making progress), and a write that finds the device's request
 * queue full waits for a slot after its batch and the pass goes on.  The allocator retries as
 * should_reclaim_retry says (page_alloc.c).  Other stalls charged to the request: swap-in /
 * refault reads, truncating a page under writeback (waits for the write), writers above
 * dirty_ratio (balance_dirty_pages pause).
 *
 * Policies.  ereclaimable: hint records (NOREUSE, VOLATILE, DONTNEED, INVALIDATE) move a
 * page (anon only when there is swap) to LRU_EASY, which shrink_node scans completely
 * before the normal lists; pages on it that cannot go yet (writeback, dirty) stay on it;
 * an access returns a page to the normal inactive list.  With
 * policy.ereclaimable.writeback_reclaim, PG_reclaim pages go to the easy list when their
 * writeback ends.  The level free + easy is sampled at every LRU allocation, hint, write
 * completion and reclaim pass; a notification is counted each time it drops below the
 * threshold; each direct reclaim is judged against it (warned while below, missed while
 * above) and a below episode that ends without one is a false alarm (mmsim_lowmem_*).
 * Every hint under ereclaimable, DONTNEED / INVALIDATE under the others, costs its task
 * costs.hint_page per page (charge_hint); DONTNEED starts writeout of a dirty page under
 * every policy.  classic: NOREUSE and VOLATILE are ignored (NOREUSE was a no-op before 6.3;
 * volatile ranges were never merged); DONTNEED / INVALIDATE drop clean unmapped file
 * pages (no shadow: the next access is a read, not a workingset refault) and deactivate
 * what they cannot drop (lru_deactivate_file; anon: MADV_COLD-like deactivation).
 * cflru: the inactive file list is first searched within a window at its tail for clean,
 * unreferenced, unpinned pages, which are reclaimed before the normal scan; file pages are
 * taken as unmapped (the model has no mapcount).
 */
#include "vmscan.h"
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/engine.h"

const char *const lru_list_names[NR_LRU_LISTS] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "easily_reclaimable",
};
_Static_assert(ARRAY_SIZE(lru_list_names) == NR_LRU_LISTS, "names");

/* ---- small helpers --------------------------------------------------------------- */

sim_ns_t vmscan_now(const struct mm *mm)
{
	return mm->engine->now_ns;
}

uint64_t vmscan_object_id(const struct mm *mm, pfn_t head)
{
	return mm->objs.slots[mm->pages[head].owner].id;
}

/* The object slot of an isolated head, fetched as it is taken off an inactive list: its
 * slot sits at a scattered place of the object table, and each page that gets past
 * shrink_one's cheap exits reads it (the id, then the slot's workingset entry, which may
 * be written); the rest of the batch is isolated before shrink_one meets the first page.
 * always_inline: see obj_prefetch_slot. */
static inline __attribute__((always_inline)) void prefetch_object(const struct mm *mm, const struct page_frame *p)
{
	__builtin_prefetch(&mm->objs.slots[p->owner], 1);
}

/* The CPU time of reclaim work: pages scanned (isolated, both lists), file and anon pages
 * reclaimed, and anon pages written to swap (add_to_swap, try_to_unmap and the submission
 * in shrink_folio_list, 6.18: the costliest step; docs/import.md "Machine speed"). */
sim_ns_t vmscan_cost_ns(const struct mm *mm, const struct vmscan_work *w)
{
	const struct cost_config *c = &mm->cfg->costs;
	uint64_t anon = MIN(w->reclaimed_anon, w->reclaimed);
	return w->scanned * c->scan_page_ns + (w->reclaimed - anon) * c->reclaim_page_ns +
	       anon * c->reclaim_anon_page_ns + w->swap_written * c->swap_write_page_ns;
}

void vmscan_work_mark(const struct mm *mm, const struct scan_control *sc, struct vmscan_work *w)
{
	*w = (struct vmscan_work){
		.scanned = (sc ? sc->nr_scanned : 0) + mm->vm_events[VM_PGREFILL],
		.reclaimed = sc ? sc->nr_reclaimed : 0,
		.reclaimed_anon = mm->vm_events[VM_PGSTEAL_ANON],
		.swap_written = mm->vm_events[VM_PSWPOUT],
	};
}

sim_ns_t vmscan_work_cost_since(const struct mm *mm, const struct scan_control *sc, const struct vmscan_work *m)
{
	struct vmscan_work now;
	vmscan_work_mark(mm, sc, &now);
	struct vmscan_work d = {
		.scanned = now.scanned - m->scanned,
		.reclaimed = now.reclaimed - m->reclaimed,
		.reclaimed_anon = now.reclaimed_anon - m->reclaimed_anon,
		.swap_written = now.swap_written - m->swap_written,
	};
	return vmscan_cost_ns(mm, &d);
}

static inline uint64_t head_pages(const struct page_frame *p) { return 1ull << p->order; }

static inline bool is_file_lru(enum lru_list l) { return l == LRU_INACTIVE_FILE || l == LRU_ACTIVE_FILE; }

static uint64_t isqrt64(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

bool vmscan_can_swap(const struct mm *mm)
{
	const struct reclaim_state *rs = mm->reclaim;
	return rs->swap_pages > rs->swap_used;
}

/* inactive_is_low (model.md §4.3): inactive × ratio < active, ratio = int_sqrt(10 × GiB). */
static bool lists_low(uint64_t inactive, uint64_t active)
{
	uint64_t gb = (inactive + active) >> (30 - 12);
	uint64_t ratio = gb ? isqrt64(10 * gb) : 1;
	return inactive * ratio < active;
}

bool vmscan_inactive_is_low(const struct mm *mm, bool file)
{
	const struct lruvec *v = &mm->lruvec;
	return lists_low(v->nr_pages[file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON],
			 v->nr_pages[file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON]);
}

static void stats_view_take(struct mm *mm)
{
	struct stats_view *sv = &mm->reclaim->stats_view;
	for (int l = LRU_INACTIVE_ANON; l <= LRU_ACTIVE_FILE; l++)
		sv->nr_lru[l] = mm->lruvec.nr_pages[l];
	sv->activate[0] = mm->vm_events[VM_WORKINGSET_ACTIVATE_ANON];
	sv->activate[1] = mm->vm_events[VM_WORKINGSET_ACTIVATE_FILE];
}

/* The statistics' flush period (machine.memcg.stats_flush_ms); 0: read live. */
static sim_ns_t stats_period_ns(const struct mm *mm)
{
	return (sim_ns_t)mm->cfg->machine.memcg.stats_flush_ms * 1000000;
}

void vmscan_stats_view_start(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	stats_view_take(mm);
	rs->stats_view.file_low = mm->cfg->machine.memcg.stats_start_file_low;
	rs->stats_next_flush_ns = vmscan_now(mm) + stats_period_ns(mm);
}

/* The root memcg's statistics as lruvec_page_state reads them now (6.18): live without a
 * flush period; otherwise as the last periodic flush (flush_memcg_stats_dwork every
 * FLUSH_TIME) left them.  The model takes the view at the first read after a flush's time
 * rather than at that time: the flush itself is no event of the replay. */
static const struct stats_view *stats_view(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	sim_ns_t period = stats_period_ns(mm);
	sim_ns_t now = vmscan_now(mm);
	if (!period || now >= rs->stats_next_flush_ns) {
		stats_view_take(mm);
		rs->stats_view.file_low = false;
		if (period)
			rs->stats_next_flush_ns += ((now - rs->stats_next_flush_ns) / period + 1) * period;
	}
	return &rs->stats_view;
}

/* inactive_is_low on the view prepare_scan_control reads. */
static bool view_inactive_is_low(const struct stats_view *sv, bool file)
{
	if (file && sv->file_low)
		return true;
	return lists_low(sv->nr_lru[file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON],
			 sv->nr_lru[file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON]);
}

/* snapshot_refaults (6.12): the activations seen when a reclaim (kswapd's balance_pgdat,
 * a direct reclaim's do_try_to_free_pages) ends, as the root's statistics show them. */
void vmscan_snapshot_refaults(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	const struct stats_view *sv = stats_view(mm);
	rs->refaults_seen[0] = sv->activate[0];
	rs->refaults_seen[1] = sv->activate[1];
}

/* Page moves that keep nonresident_age (the workingset clock) ticking on activation. */
static void activate_page(struct mm *mm, pfn_t pfn)
{
	struct page_frame *p = &mm->pages[pfn];
	lru_del(mm, pfn);
	p->flags = (uint16_t)((p->flags | PF_ACTIVE) & ~PF_REFERENCED);
	lru_add(mm, pfn, false);
	count_vm_events(mm, VM_PGACTIVATE, head_pages(p));
	mm->reclaim->nonresident_age += head_pages(p);
}

/* ---- ereclaimable low-memory level ---------------------------------------------- */

static uint64_t total_free(const struct mm *mm)
{
	uint64_t f = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		f += mm->zones[i].nr_free_pages;
	return f;
}

void vmscan_sample_lowmem(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	if (mm->cfg->policy.reclaim != RECLAIM_EASILY_RECLAIMABLE)
		return;
	uint64_t level = total_free(mm) + mm->lruvec.nr_pages[LRU_EASY];
	if (level < rs->min_easy_level)
		rs->min_easy_level = level;
	bool below = level < rs->notify_threshold_pages;
	if (below && !rs->notify_below) {
		rs->nr_notifications++; /* one notification per downward crossing */
		rs->notify_stalled = false;
	}
	if (!below && rs->notify_below && !rs->notify_stalled)
		count_vm_event(mm, VM_MMSIM_LOWMEM_FALSE_ALARM); /* recovered with no stall */
	rs->notify_below = below;
}

/* A direct reclaim begins: was it announced?  The level is sampled first, so the verdict
 * uses free + easy as the allocation that stalls sees it. */
static void lowmem_judge_stall(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	if (mm->cfg->policy.reclaim != RECLAIM_EASILY_RECLAIMABLE)
		return;
	vmscan_sample_lowmem(mm);
	if (rs->notify_below) {
		count_vm_event(mm, VM_MMSIM_LOWMEM_WARNED_STALL);
		rs->notify_stalled = true;
	} else {
		count_vm_event(mm, VM_MMSIM_LOWMEM_MISS);
	}
}

/* ---- lowmem crowding: premature reclaim, age of reclaimed pages ------------------- */

/* Reclaim is premature (the lowmem-crowding measure, configs/lowmem/crowding.md) while the
 * memory only movable allocations may use holds more free pages than twice the sum of the
 * zones' high watermarks, boost included (high_wmark_pages()): had that memory been
 * ordinary, the node would have every watermark met twice over and kswapd would sleep.
 * The area is ZONE_MOVABLE, ZONE_CMA, and the free pages of CMA areas inside ordinary
 * zones (MIGRATE_CMA or sticky MOVABLE blocks); without one, no reclaim is premature. */
static bool reclaim_premature(const struct mm *mm)
{
	uint64_t high = 0, area_free = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &mm->zones[i];
		high += zone_wmark(z, WMARK_HIGH);
		if (z->type == ZONE_MOVABLE || z->type == ZONE_CMA)
			area_free += z->nr_free_pages;
		else
			area_free += z->nr_free_cma + z->nr_free_sticky;
	}
	return area_free > 2 * high;
}

/* Memory only movable allocations may use: ZONE_MOVABLE, ZONE_CMA, and the pageblocks of a
 * CMA area inside an ordinary zone (MIGRATE_CMA or sticky MOVABLE: PB_CMA). */
static bool pfn_in_movable_area(struct mm *mm, pfn_t pfn)
{
	enum zone_type t = mm_pfn_zone(mm, pfn)->type;
	return t == ZONE_MOVABLE || t == ZONE_CMA || (mm_pageblock(mm, pfn)->bits & PB_CMA);
}

static inline uint32_t now_us(const struct mm *mm)
{
	return (uint32_t)(vmscan_now(mm) / 1000); /* mod 2^32: ages up to 71 minutes */
}

/* The object at head pfn was allocated or accessed now. */
static inline void note_touched(struct mm *mm, pfn_t pfn)
{
	if (mm->lruvec.touched_us)
		mm->lruvec.touched_us[pfn] = now_us(mm);
}

/* A page reclaim freed: count it inside or outside the movable-only area with its age
 * (time since its allocation or last access), so the mean age at reclaim on each side is
 * age_us / pages.  With one LRU per node (4.8+), kswapd and direct reclaim skip pages above
 * reclaim_idx, so a shortage in a lower zone takes pages there regardless of how much older
 * the pages in the movable area are (Mel Gorman's page-age objection). */
static void note_reclaimed_age(struct mm *mm, pfn_t pfn, uint64_t nr)
{
	if (!mm->lruvec.touched_us)
		return;
	uint64_t age_us = (uint32_t)(now_us(mm) - mm->lruvec.touched_us[pfn]);
	bool area = pfn_in_movable_area(mm, pfn);
	count_vm_events(mm, area ? VM_MMSIM_PGSTEAL_MOVABLE_AREA : VM_MMSIM_PGSTEAL_OUTSIDE, nr);
	count_vm_events(mm, area ? VM_MMSIM_PGSTEAL_MOVABLE_AREA_AGE : VM_MMSIM_PGSTEAL_OUTSIDE_AGE, nr * age_us);
}

/* ---- hooks: allocation and free --------------------------------------------------- */

/* Inline for hook_page_allocated, which asks it on every movable allocation. */
static inline gfp_t default_gfp(bool anon, unsigned order)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | (order ? __GFP_COMP : 0);
	return anon ? gfp | __GFP_ZERO : gfp;
}

gfp_t workingset_default_gfp(bool anon, unsigned order)
{
	return default_gfp(anon, order);
}

/* Charged to the memcg of the task that allocates it (mem_cgroup_charge: a refault goes
 * to the faulting task's memcg, the slot's task being that task by now). */
static void page_set_memcg(struct mm *mm, struct page_frame *p)
{
	if (mm->nr_memcgs > 1)
		p->xflags = (uint8_t)((p->xflags & ~PFX_MEMCG_MASK) |
				      (vmscan_task_memcg(mm, mm->objs.slots[p->owner].task) << PFX_MEMCG_SHIFT));
}

/* What hook_page_allocated does with a new head of (gfp, order), worked out once per
 * (gfp, order) with the allocation's struct alloc_desc (mm_hooks.page_alloc_decode) instead
 * of at every allocation: 0 for a page no LRU takes (not movable: the hook is not called),
 * else the flags the head gets besides PF_HEAD (PF_LRU always among them, so never 0), and
 * whether the rare part runs and with a side entry. */
#define HOOK_ALLOC_FLAGS (PF_LRU | PF_SWAPBACKED | PF_REFERENCED | PF_UNEVICTABLE)
#define HOOK_ALLOC_SIDE (1u << 16) /* the object remembers its gfp (page_allocated_rare) */
#define HOOK_ALLOC_RARE (1u << 17) /* page_allocated_rare runs */
static uint32_t hook_page_alloc_decode(const struct mm *mm, gfp_t gfp, unsigned order)
{
	if (gfp_migratetype(gfp) != MIGRATE_MOVABLE)
		return 0;
	/* THP faults (GFP_TRANSHUGE*: __GFP_NOMEMALLOC) are anon without __GFP_ZERO (the
	 * kernel clears them itself); hugetlbfs pool pages (mmtests' GFP_ALLOC_LIKE_HUGETLBFS:
	 * __GFP_RETRY_MAYFAIL|__GFP_COMP) are never reclaimed but migrate: the unevictable
	 * list gives them exactly that. */
	bool hugetlb = order && (gfp & (__GFP_RETRY_MAYFAIL | __GFP_COMP)) == (__GFP_RETRY_MAYFAIL | __GFP_COMP) &&
		       !(gfp & (__GFP_ZERO | __GFP_NOMEMALLOC));
	bool anon = (gfp & __GFP_ZERO) || (order && (gfp & __GFP_NOMEMALLOC));
	/* An anon page is mapped by the fault that allocates it, and the access the fault
	 * retries sets its PTE young: folio_check_references (6.12) keeps it at its first
	 * trip round the inactive list (FOLIOREF_KEEP, nr_ref_keep) and reclaims it at the
	 * second if it was not used in between.  Page cache is taken as unmapped (read()
	 * marks it accessed, which reclaims it clean at the first trip). */
	uint32_t d = PF_LRU;
	if (anon)
		d |= PF_SWAPBACKED | PF_REFERENCED;
	if (hugetlb)
		d |= PF_UNEVICTABLE;
	/* Bits that do not change how the allocator serves a request are not kept. */
	const gfp_t ignored = __GFP_COMP | __GFP_WRITE | __GFP_ACCOUNT | __GFP_NOWARN | __GFP_ZEROTAGS |
			      __GFP_NO_OBJ_EXT;
	bool side = !hugetlb && (gfp & ~ignored) != (default_gfp(anon, order) & ~ignored);
	if (side)
		d |= HOOK_ALLOC_SIDE;
	if (side || mm->cfg->policy.reclaim == RECLAIM_EASILY_RECLAIMABLE)
		d |= HOOK_ALLOC_RARE;
	return d;
}

/* The parts of hook_page_allocated few allocations need (a gfp the object's refault must
 * remember, the easily-reclaimable policy's low-memory sample), out of line and last, so
 * the common path keeps few registers across calls and the call is a tail call. */
static __attribute__((noinline)) void page_allocated_rare(struct mm *mm, pfn_t pfn, gfp_t gfp, bool side)
{
	if (side) {
		struct nonres_entry *e = workingset_get(mm->reclaim, vmscan_object_id(mm, pfn));
		e->gfp = gfp;
		e->flags |= NONRES_GFP;
	}
	if (mm->cfg->policy.reclaim == RECLAIM_EASILY_RECLAIMABLE) /* its one user */
		vmscan_sample_lowmem(mm);
}

/* A movable allocation's new head (decoded: hook_page_alloc_decode's answer, not 0): its
 * flags (the head's are PF_HEAD alone, as mm_alloc_req wrote the frame), its memcg, the
 * head of its LRU list. */
static void hook_page_allocated(struct mm *mm, pfn_t pfn, gfp_t gfp, uint32_t decoded, bool activate)
{
	struct page_frame *p = &mm->pages[pfn];
	sim_assert2(decoded && p->flags == PF_HEAD);
	uint16_t f = (uint16_t)(PF_HEAD | (decoded & (HOOK_ALLOC_FLAGS & ~PF_LRU)) | (activate ? PF_ACTIVE : 0));
	page_set_memcg(mm, p);
	/* The list first, then the side entry (the object's slot: neither reads the other). */
	lru_add_flags(mm, pfn, f, false);
	note_touched(mm, pfn);
	if (__builtin_expect(decoded & HOOK_ALLOC_RARE, 0))
		page_allocated_rare(mm, pfn, gfp, decoded & HOOK_ALLOC_SIDE);
}

/* hook_page_freed's dirty page or page under writeback, out of line: truncate waits on
 * the write (clearing PF_WRITEBACK), then the page is no longer dirty. */
static __attribute__((noinline)) void page_freed_dirty(struct mm *mm, struct mm_request *req, pfn_t pfn,
							uint64_t id)
{
	struct page_frame *p = &mm->pages[pfn];
	if (p->flags & PF_WRITEBACK)
		writeback_truncate(mm, req, pfn, id); /* truncate waits on writeback; clears the flag */
	if (p->flags & PF_DIRTY) {
		p->flags &= (uint16_t)~PF_DIRTY;
		mm->reclaim->nr_dirty -= head_pages(p);
	}
}

/* hook_page_freed's object with a side entry, out of line: its swap slot goes, then the
 * entry (in the slot itself: workingset_del's look-up by id would find this slot). */
static __attribute__((noinline)) void page_freed_nonres(struct mm *mm, struct obj_slot *s, uint64_t nr)
{
	struct reclaim_state *rs = mm->reclaim;
	if (s->ws.flags & (NONRES_SWAPCACHE | NONRES_SWAPPED))
		swap_drop_slot(mm, &s->ws, nr);
	sim_assert2(workingset_find(rs, s->id) == &s->ws);
	s->nonres = 0;
	rs->nr_nonres--;
}

/* hook_page_freed past its first test: a page with reclaim state.  Out of line, so the
 * pages without any (kernel memory) return before any register is saved. */
static __attribute__((noinline)) void page_freed_lru(struct mm *mm, struct mm_request *req, pfn_t pfn,
						     struct page_frame *p)
{
	/* The head names its object's slot (owner): its id and its side entry are there, with
	 * no lookup by id (the hook must not change the table, so the slot stays put). */
	struct obj_slot *s = &mm->objs.slots[p->owner];
	if (__builtin_expect(p->flags & (PF_WRITEBACK | PF_DIRTY), 0))
		page_freed_dirty(mm, req, pfn, s->id);
	if (p->flags & PF_LRU)
		lru_del_inline(mm, pfn);
	p->xflags &= (uint8_t)~PFX_MEMCG_MASK; /* free pages carry no memcg (mm.h) */
	if (s->nonres) /* workingset_find(rs, id) */
		page_freed_nonres(mm, s, head_pages(p));
}

static void hook_page_freed(struct mm *mm, struct mm_request *req, pfn_t pfn, unsigned order)
{
	struct page_frame *p = &mm->pages[pfn];
	(void)order;
	if (!(p->flags & (PF_LRU | PF_DIRTY | PF_WRITEBACK | PF_SWAPBACKED)) && p->mt != MIGRATE_MOVABLE) {
		p->xflags &= (uint8_t)~PFX_MEMCG_MASK;
		return; /* never an LRU page: no state of ours (a side entry needs a movable gfp) */
	}
	page_freed_lru(mm, req, pfn, p);
}

static void hook_free_nonresident(struct mm *mm, struct obj_slot *s)
{
	struct reclaim_state *rs = mm->reclaim;
	struct nonres_entry *e = workingset_find(rs, s->id);
	if (!e)
		return;
	if (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPPED))
		swap_drop_slot(mm, e, 1ull << s->order);
	workingset_del(rs, s->id);
}

/* ---- isolation ------------------------------------------------------------------- */

static pfn_t *scratch(struct reclaim_state *rs, size_t n)
{
	if (n > rs->scratch_cap) {
		size_t cap = MAX(n, rs->scratch_cap * 2);
		pfn_t *s = realloc(rs->scratch, cap * sizeof(*s));
		if (!s)
			abort();
		rs->scratch = s;
		rs->scratch_cap = cap;
	}
	return rs->scratch;
}

static const enum vm_event_item pgskip_items[MAX_NR_ZONES] = {
	VM_PGSKIP_DMA, VM_PGSKIP_DMA32, VM_PGSKIP_NORMAL, VM_PGSKIP_MOVABLE, VM_PGSKIP_CMA,
};

/* How far ahead of the walk from the tail the frames are prefetched: the ring is read in
 * order, so the next heads are known before the current one is looked at. */
#define ISOLATE_PREFETCH 8

/* The lists' counts after a walk took `scanned` pages (zone_taken by zone) off list lru of
 * v, and moved them to list `to` (NR_LRU_LISTS: to none), in v and, for a memcg's lruvec,
 * in the node lruvec, which keeps the memcgs' totals. */
static void isolate_counts(struct mm *mm, struct lruvec *v, enum lru_list lru, enum lru_list to,
			   uint64_t scanned, const uint64_t zone_taken[MAX_NR_ZONES])
{
	struct lruvec *vs[2] = { v, &mm->lruvec };
	for (int k = 0; k < (v != &mm->lruvec ? 2 : 1); k++) {
		struct lruvec *x = vs[k];
		x->nr_pages[lru] -= scanned;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			x->nr_zone_pages[z][lru] -= zone_taken[z];
		if (to == NR_LRU_LISTS)
			continue;
		x->nr_pages[to] += scanned;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			x->nr_zone_pages[z][to] += zone_taken[z];
	}
}

/* isolate_lru_folios: take heads from the tail of lru until nr_to_scan pages are taken.
 * Heads in zones above reclaim_idx are skipped (pgskip_*), put back at the head and not
 * counted toward the target.  Fills out[] (at most SWAP_CLUSTER_MAX heads); slots: the
 * caller reads the heads' objects (prefetch_object).  The walk
 * reads the list's ring (mm.h struct lru_ring) from its tail down to where its head was
 * at the start: a removal only leaves a hole, nothing is added to lru until the walk ends.
 *
 * to != NR_LRU_LISTS (shrink_active_list's deactivation, whose every taken head goes to
 * the head of inactive list `to` with PF_ACTIVE and PF_REFERENCED cleared and nothing
 * between the take and the putback that could look at it): each head moves there as it is
 * taken, its frame touched once, PF_LRU and its pageblock's nr_movable never dropped and
 * restored, the counts of both lists settled once per batch.  The end state is that of
 * the take-all-then-put-back-in-order sequence: the heads reach `to`'s ring in the same
 * order, and the two rings are distinct (out[] is not written). */
static inline __attribute__((always_inline)) size_t isolate(struct mm *mm, struct scan_control *sc, struct lruvec *v,
							     enum lru_list lru, uint64_t nr_to_scan, pfn_t *out,
							     uint64_t *nr_scanned, bool slots, enum lru_list to)
{
	struct reclaim_state *rs = mm->reclaim;
	struct lru_ring *r = &v->rings[lru];
	size_t n = 0, nr_skipped = 0;
	uint64_t scanned = 0, zone_taken[MAX_NR_ZONES] = { 0 };
	uint32_t m = r->cap - 1, lo = r->first, i = r->end;
	bool kept = false;
	for (uint32_t k = 1; k <= ISOLATE_PREFETCH && i - lo >= k; k++) {
		pfn_t ahead = r->slot[(i - k) & m];
		if (ahead != PFN_NONE)
			__builtin_prefetch(&mm->pages[ahead]);
	}
	while (i != lo && scanned < nr_to_scan && n < SWAP_CLUSTER_MAX) {
		pfn_t pfn = r->slot[--i & m];
		if (i - lo > ISOLATE_PREFETCH) {
			pfn_t ahead = r->slot[(i - ISOLATE_PREFETCH - 1) & m];
			if (ahead != PFN_NONE)
				__builtin_prefetch(&mm->pages[ahead]);
		}
		if (pfn == PFN_NONE)
			continue; /* a hole: a head that left from inside the list */
		struct page_frame *p = &mm->pages[pfn];
		if (p->flags & PF_ISOLATED) {
			/* Being migrated (a long-term pin's move out of CMA allocates its target
			 * and may reclaim): the kernel took it off the LRU, so reclaim never
			 * sees it (isolate_lru_folios walks only what is on the list). */
			kept = true;
			continue;
		}
		if (pfn >= sc->eligible_end_pfn) {
			pfn_t *sk = scratch(rs, nr_skipped + 1);
			sk[nr_skipped++] = pfn;
			count_vm_events(mm, pgskip_items[mm_pfn_zone(mm, pfn)->type], head_pages(p));
			lru_del(mm, pfn);
		} else {
			/* lru_del of a head of this lruvec's list, its counts summed per zone
			 * (isolate_lru_folios's nr_zone_taken for update_lru_sizes, 6.18), the ring's ends
			 * settled after the walk. */
			uint16_t f = p->flags;
			unsigned nr = 1u << p->order;
			size_t blk = pfn >> mm->pageblock_order;
			sim_assert2((f & PF_LRU) && lru_list_inline(f) == lru && page_lruvec(mm, p) == v);
			r->slot[i & m] = PFN_NONE;
			r->nr--;
			zone_taken[mm->zone_of_block[blk]] += nr;
			scanned += nr;
			n++;
			if (to != NR_LRU_LISTS) {
				/* deactivated: straight to the head of `to` (lru_ring_add sets the
				 * position; the counts follow after the walk) */
				p->flags = (uint16_t)(f & ~(PF_ACTIVE | PF_REFERENCED));
				sim_assert2(lru_list_inline(p->flags) == to);
				lru_ring_add(v, to, mm->pages, pfn, false);
				continue;
			}
			p->prev = PFN_NONE;
			p->flags = (uint16_t)((f & ~PF_LRU) | PF_ISOLATED);
			lru_movable_adjust(mm, f, blk, nr, false);
			if (slots)
				prefetch_object(mm, p);
			out[n - 1] = pfn;
		}
	}
	if (scanned) {
		/* Everything walked left the ring unless a page being migrated stayed: the
		 * tail is below where the walk stopped (a skipped page's lru_del trimmed it
		 * no further down than that). */
		if (!kept && r->nr)
			r->end = i;
		lru_ring_settle(v, lru);
		isolate_counts(mm, v, lru, to, scanned, zone_taken);
	}
	for (size_t k = nr_skipped; k-- > 0;)
		lru_add(mm, rs->scratch[k], false); /* skipped pages go back to the head */
	*nr_scanned = scanned;
	return n;
}

/* ---- shrink_folio_list ----------------------------------------------------------- */

/* FATE_ACTIVATE_NOCACHE: activate_locked for an anon folio the swap cache does not hold
 * (no slot was added), so activate_locked's swap-cache check has nothing to free: the
 * common exit under overcommit (swap full), which then costs no call. */
enum folio_fate { FATE_KEEP, FATE_ACTIVATE, FATE_ACTIVATE_NOCACHE, FATE_ROTATE_KEEP, FATE_FREED };

static enum folio_fate shrink_one(struct mm *mm, struct scan_control *sc, pfn_t pfn, bool easy,
				  uint64_t *nr_writes)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[pfn];
	uint64_t nr = head_pages(p);
	bool anon = p->flags & PF_SWAPBACKED;

	sc->nr.nr_taken += nr;
	if (!anon)
		sc->nr.nr_file_taken += nr;
	/* folio_check_dirty_writeback (shrink_folio_list, 6.18): a file folio is counted dirty
	 * and, not yet queued for writeback, unqueued dirty as soon as it is taken, before its
	 * references are checked, so a referenced dirty page kept for another trip still counts
	 * toward the batch that wakes the flusher; one under writeback that was marked for
	 * immediate reclaim is met again before its write ended (congested).  Anon folios count
	 * as neither dirty nor under writeback there: reclaim writes them itself, and 6.18 does
	 * not stall on them (a swap write kswapd meets again never tags the node congested). */
	bool wb = p->flags & PF_WRITEBACK;
	if (!anon) {
		if ((p->flags & PF_DIRTY) || wb)
			sc->nr.nr_dirty += nr;
		if ((p->flags & PF_DIRTY) && !wb)
			sc->nr.nr_unqueued_dirty += nr;
		if (wb && (p->flags & PF_RECLAIM))
			sc->nr.nr_congested += nr;
	}
	/* Under writeback (shrink_folio_list 6.18, any type; legacy memcg's case 3, which
	 * waits, is not modelled: global reclaim is writeback_throttling_sane). */
	if (wb) {
		if (sc->is_kswapd && (p->flags & PF_RECLAIM) && rs->pgdat_writeback) {
			sc->nr.nr_immediate += nr; /* case 1: kswapd throttles */
			return FATE_ACTIVATE;
		}
		p->flags |= PF_RECLAIM; /* case 2: reclaim it when the write ends */
		sc->nr.nr_writeback += nr;
		return FATE_ACTIVATE;
	}
	if (p->flags & PF_PINNED)
		return FATE_ACTIVATE; /* raised refcount: unmap/remove_mapping fails */
	if ((p->flags & PF_REFERENCED) && !easy) {
		p->flags &= (uint16_t)~PF_REFERENCED; /* referenced once: another trip */
		return FATE_ROTATE_KEEP;
	}
	/* The object is looked up only now: most pages met leave by the cheap exits above.
	 * The head names its slot (owner), which holds the id and the side entry, so the
	 * entry is read there (workingset_find by id would find this same slot). */
	struct obj_slot *s = &mm->objs.slots[p->owner];
	uint64_t id = s->id;
	struct nonres_entry *e = NULL;
	if (anon) {
		e = s->nonres ? &s->ws : NULL;
		sim_assert2(e == workingset_find(rs, id));
		if (!e || !(e->flags & NONRES_SWAPCACHE)) {
			/* add_to_swap + pageout: needs a slot and may_writepage. */
			if (!sc->may_writepage)
				return FATE_KEEP;
			/* A full queue: the kernel's writer sleeps for a request tag in
			 * submit_bio and then writes.  The model writes the page now and the
			 * reclaimer waits for a free slot after this batch, so the queue
			 * overshoots by at most one batch per reclaimer; the pass goes on
			 * (lruvec_done). */
			if (writeback_queue_full(&rs->swap))
				sc->write_blocked = &rs->swap;
			/* Swap full (folio_alloc_swap fails): activate_locked.  Tested here, not
			 * only in swap_writeout: under overcommit most anon pages met end so. */
			if (rs->swap_used + nr > rs->swap_pages || !swap_writeout(mm, pfn, id, e))
				return FATE_ACTIVATE_NOCACHE; /* e holds no NONRES_SWAPCACHE: swap_writeout
								 * fails before setting it */
			(*nr_writes) += nr;
			return FATE_KEEP; /* under writeback: stays inactive, rotated at the end */
		}
	} else if (p->flags & PF_DIRTY) {
		if (!sc->is_kswapd || !(p->flags & PF_RECLAIM) || !rs->pgdat_dirty) {
			count_vm_events(mm, VM_NR_VMSCAN_IMMEDIATE, nr);
			p->flags |= PF_RECLAIM;
			return FATE_ACTIVATE;
		}
		if (!sc->may_writepage)
			return FATE_KEEP;
		/* kswapd's pageout() of a page already marked PG_reclaim while the node is
		 * flagged dirty: 6.18's pageout writes only shmem and swap cache folios and
		 * returns PAGE_ACTIVATE for any other file's (reclaim no longer calls a
		 * filesystem's ->writepage; the flusher writes them), so the page is activated,
		 * nothing written. */
		return FATE_ACTIVATE;
	}
	/* Clean: __remove_mapping and free. */
	p->flags &= (uint16_t)~(PF_ISOLATED | PF_RECLAIM | PF_REFERENCED | PF_ACTIVE);
	workingset_evict(mm, sc->req, pfn, e);
	return FATE_FREED;
}

/* lru_note_cost (6.12; lru_note_cost_unlock_irq in 6.18): a page of IO weighs as
 * SWAP_CLUSTER_MAX rotations.  The costs are the root lruvec's, which global reclaim's
 * prepare_scan_control reads, so node-wide; they decay by half whenever their sum exceeds a
 * quarter of the node's LRU pages, checked at each note. */
static void lru_note_cost(struct mm *mm, bool file, uint64_t nr_io, uint64_t nr_rotated)
{
	struct reclaim_state *rs = mm->reclaim;
	const struct lruvec *v = &mm->lruvec;
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;
	if (!cost)
		return;
	if (file)
		rs->file_cost += cost;
	else
		rs->anon_cost += cost;
	uint64_t lrusize = v->nr_pages[LRU_INACTIVE_ANON] + v->nr_pages[LRU_ACTIVE_ANON] +
			   v->nr_pages[LRU_INACTIVE_FILE] + v->nr_pages[LRU_ACTIVE_FILE];
	if (rs->file_cost + rs->anon_cost > lrusize / 4) {
		rs->file_cost /= 2;
		rs->anon_cost /= 2;
	}
}

/* shrink_inactive_list for lru (an inactive list or the easy list): pages taken from
 * its tail; returns pages reclaimed. */
static uint64_t shrink_inactive(struct mm *mm, struct scan_control *sc, enum lru_list lru,
				uint64_t nr_to_scan, pfn_t *taken, size_t n_taken, uint64_t scanned)
{
	struct reclaim_state *rs = mm->reclaim;
	bool easy = lru == LRU_EASY;
	uint64_t reclaimed = 0, reclaimed_anon = 0, scanned_anon = 0, writes = 0;
	uint64_t unqueued_before = sc->nr.nr_unqueued_dirty, taken_before = sc->nr.nr_taken;
	bool premature = reclaim_premature(mm); /* judged before this batch frees anything */
	(void)nr_to_scan;
	for (size_t i = 0; i < n_taken; i++) {
		pfn_t pfn = taken[i];
		struct page_frame *p = &mm->pages[pfn];
		uint64_t nr = head_pages(p);
		bool anon = p->flags & PF_SWAPBACKED;
		if (anon)
			scanned_anon += nr;
		enum folio_fate fate = shrink_one(mm, sc, pfn, easy, &writes);
		sim_assert2(fate != FATE_ACTIVATE_NOCACHE || !mm->objs.slots[p->owner].nonres ||
			    !(mm->objs.slots[p->owner].ws.flags & NONRES_SWAPCACHE));
		if (fate == FATE_FREED) {
			reclaimed += nr;
			if (anon)
				reclaimed_anon += nr;
			/* Reclaim cannot tell CMA pages apart (ZONE_CMA v2 claim 2): count what it
			 * freed inside the CMA area, useless to requests that cannot use CMA. */
			if (mm_pageblock(mm, pfn)->bits & PB_CMA)
				count_vm_events(mm, VM_MMSIM_PGSTEAL_CMA_AREA, nr);
			note_reclaimed_age(mm, pfn, nr);
			continue;
		}
		p->flags &= (uint16_t)~PF_ISOLATED;
		if (fate == FATE_ACTIVATE && anon)
			swap_activate_locked(mm, pfn);
		if (fate == FATE_ACTIVATE_NOCACHE)
			fate = FATE_ACTIVATE;
		if (fate == FATE_ACTIVATE && !easy && !(p->flags & PF_UNEVICTABLE)) {
			p->flags = (uint16_t)((p->flags | PF_ACTIVE) & ~PF_REFERENCED);
			count_vm_events(mm, VM_PGACTIVATE, nr);
			rs->nonresident_age += nr;
		}
		lru_add_inline(mm, pfn, false); /* putback: head of its list (no call per page) */
	}
	sc->nr_scanned += scanned;
	sc->nr_reclaimed += reclaimed;
	if (easy) {
		/* Pages met on the easy list that could not go (dirty, under writeback, pinned)
		 * went back to its head and are scanned again by the next pass, which takes the
		 * whole list first: the rescanning Mel Gorman expected of PG_reclaim pages. */
		count_vm_events(mm, VM_MMSIM_EASY_SCANNED, scanned);
		count_vm_events(mm, VM_MMSIM_EASY_RECLAIMED, reclaimed);
		count_vm_events(mm, VM_MMSIM_EASY_RESCANNED, scanned - reclaimed);
	}
	count_vm_events(mm, sc->is_kswapd ? VM_PGSCAN_KSWAPD : VM_PGSCAN_DIRECT, scanned);
	count_vm_events(mm, sc->is_kswapd ? VM_PGSTEAL_KSWAPD : VM_PGSTEAL_DIRECT, reclaimed);
	count_vm_events(mm, VM_PGSCAN_ANON, scanned_anon);
	count_vm_events(mm, VM_PGSCAN_FILE, scanned - scanned_anon);
	count_vm_events(mm, VM_PGSTEAL_ANON, reclaimed_anon);
	count_vm_events(mm, VM_PGSTEAL_FILE, reclaimed - reclaimed_anon);
	if (premature) {
		count_vm_events(mm, VM_MMSIM_PGSCAN_PREMATURE, scanned);
		count_vm_events(mm, VM_MMSIM_PGSTEAL_PREMATURE, reclaimed);
	}
	/* shrink_inactive_list (6.12): the pages written (nr_pageout) and those scanned but not
	 * reclaimed (kept, activated, under writeback) make the list's type costlier.  The
	 * easy list is no kernel list and mixes both types: it notes nothing. */
	if (!easy)
		lru_note_cost(mm, lru != LRU_INACTIVE_ANON, writes, scanned - reclaimed);
	uint64_t taken_now = sc->nr.nr_taken - taken_before;
	if (taken_now && sc->nr.nr_unqueued_dirty - unqueued_before == taken_now)
		writeback_wake_flusher(mm, rs->nr_dirty); /* WB_REASON_VMSCAN */
	return reclaimed;
}

static uint64_t shrink_inactive_list(struct mm *mm, struct scan_control *sc, struct lruvec *v,
				     enum lru_list lru, uint64_t nr_to_scan)
{
	pfn_t taken[SWAP_CLUSTER_MAX];
	uint64_t scanned;
	size_t n = isolate(mm, sc, v, lru, nr_to_scan, taken, &scanned, true, NR_LRU_LISTS);
	return shrink_inactive(mm, sc, lru, nr_to_scan, taken, n, scanned);
}

/* CFLRU: within `window` pages at the inactive file tail, take clean, unreferenced,
 * unpinned pages (up to nr_to_scan) and reclaim them before the normal scan; *nr_taken:
 * the pages taken. */
static uint64_t shrink_cflru_window(struct mm *mm, struct scan_control *sc, struct lruvec *v,
				    uint64_t nr_to_scan, uint64_t *nr_taken)
{
	uint64_t window = mm->cfg->policy.cflru.window ? mm->cfg->policy.cflru.window : 256;
	pfn_t taken[SWAP_CLUSTER_MAX];
	size_t n = 0;
	uint64_t seen = 0, scanned = 0;
	const struct lru_ring *r = &v->rings[LRU_INACTIVE_FILE];
	uint32_t m = r->cap - 1, lo = r->first, i = r->end;
	while (i != lo && seen < window && scanned < nr_to_scan && n < SWAP_CLUSTER_MAX) {
		pfn_t pfn = r->slot[--i & m];
		if (pfn == PFN_NONE)
			continue;
		struct page_frame *p = &mm->pages[pfn];
		seen += head_pages(p);
		if (pfn < sc->eligible_end_pfn &&
		    !(p->flags & (PF_DIRTY | PF_WRITEBACK | PF_REFERENCED | PF_PINNED | PF_ISOLATED))) {
			lru_del(mm, pfn);
			p->flags |= PF_ISOLATED;
			prefetch_object(mm, p);
			taken[n++] = pfn;
			scanned += head_pages(p);
		}
	}
	/* The dirty pages passed over were looked at too: they cost scan time. */
	sc->nr_scanned += seen - scanned;
	*nr_taken = scanned;
	return shrink_inactive(mm, sc, LRU_INACTIVE_FILE, nr_to_scan, taken, n, scanned);
}

/* shrink_active_list: demote scanned pages to the inactive head (pgrefill,
 * pgdeactivate). */
void vmscan_shrink_active(struct mm *mm, struct scan_control *sc, struct lruvec *v, enum lru_list lru,
			  uint64_t nr_to_scan)
{
	uint64_t scanned;
	sim_assert(lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE);
	/* every head taken goes to the inactive list's head, moved by the walk itself */
	isolate(mm, sc, v, lru, nr_to_scan, NULL, &scanned, false,
		lru == LRU_ACTIVE_ANON ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
	count_vm_events(mm, VM_PGDEACTIVATE, scanned); /* every page taken is deactivated */
	/* Costed by the callers from the pgrefill delta (not part of sc->nr_scanned, which
	 * is the inactive-list figure behind pgscan_*). */
	count_vm_events(mm, VM_PGREFILL, scanned);
}

/* ---- get_scan_count and shrink_lruvec --------------------------------------------- */

/* eligible_end_pfn for sc->reclaim_idx: zones are laid out in zone order from pfn 0. */
void vmscan_set_eligible(const struct mm *mm, struct scan_control *sc)
{
	sc->eligible_end_pfn = 0;
	for (int zi = (int)sc->reclaim_idx; zi >= 0; zi--) {
		if (zone_populated(&mm->zones[zi])) {
			sc->eligible_end_pfn = zone_end_pfn(&mm->zones[zi]);
			break;
		}
	}
}

/* mem_cgroup_swappiness (6.18) under cgroup v1: a memcg reclaims with its own
 * memory.swappiness.  Split (machine.memcg.split_prefill), memcg 0 is the rest of the
 * machine (machine.memcg.rest_swappiness) and memcg 1 the command's; a single memcg is the
 * whole machine at policy.swappiness. */
unsigned vmscan_memcg_swappiness(const struct mm *mm, unsigned m)
{
	return mm->nr_memcgs > 1 && m == 0 ? mm->cfg->machine.memcg.rest_swappiness : mm->cfg->policy.swappiness;
}

/* get_scan_count (6.12) for memcg m's lruvec, with the node-wide choice made by
 * vmscan_plan: each list is scanned lruvec_lru_size(lruvec, lru, reclaim_idx) >> priority
 * (then the anon/file fraction), so every memcg is scanned in proportion to its size and a
 * small memcg's oldest pages go early.  The walk's position moves to m; a partial walk's
 * next one starts after it (mem_cgroup_iter with a reclaim cookie). */
static void plan_lruvec(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan, unsigned m)
{
	const struct lruvec *v = mm->lruvecs[m];
	plan->memcg = m;
	/* get_scan_count (6.18) with the memcg's own swappiness (sc_swappiness ->
	 * mem_cgroup_swappiness): SCAN_EQUAL at priority 0 only for a memcg that swaps at
	 * all, and the SCAN_FRACT weights ap = swappiness × (T+1)/(anon'+1),
	 * fp = (200 − swappiness) × (T+1)/(file'+1) over T = anon' + file'. */
	unsigned swappiness = vmscan_memcg_swappiness(mm, m);
	if (plan->no_swap)
		plan->balance = SCAN_FILE;
	else if (!sc->priority && swappiness)
		plan->balance = SCAN_EQUAL;
	else if (plan->file_tiny)
		plan->balance = SCAN_ANON;
	else if (sc->cache_trim_mode)
		plan->balance = SCAN_FILE;
	else
		plan->balance = SCAN_FRACT;
	uint64_t total_cost = plan->anon_cost + plan->file_cost;
	plan->ap = (uint64_t)swappiness * (total_cost + 1) / (plan->anon_cost + 1);
	plan->fp = (uint64_t)(200 - swappiness) * (total_cost + 1) / (plan->file_cost + 1);
	plan->lruvec_reclaimed0 = sc->nr_reclaimed;
	if (!sc->is_kswapd)
		mm->reclaim->memcg_cursor = (m + 1) % mm->nr_memcgs;
	memset(plan->nr, 0, sizeof(plan->nr));
	if (mm->cfg->policy.reclaim == RECLAIM_EASILY_RECLAIMABLE)
		plan->nr[LRU_EASY] = v->nr_pages[LRU_EASY]; /* the whole easy list, first */
	uint64_t denom = plan->ap + plan->fp;
	for (int l = LRU_INACTIVE_ANON; l <= LRU_ACTIVE_FILE; l++) {
		bool file = is_file_lru((enum lru_list)l);
		/* lruvec_lru_size(lruvec, lru, sc->reclaim_idx): only the pages of the zones
		 * reclaim may free count (4.8+), so a request that cannot use the upper zones
		 * does not plan scans of pages isolate() would skip. */
		uint64_t eligible = 0;
		for (int z = 0; z <= (int)sc->reclaim_idx && z < MAX_NR_ZONES; z++)
			eligible += v->nr_zone_pages[z][l];
		uint64_t scan = eligible >> sc->priority;
		switch (plan->balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			/* get_scan_count (6.12) divides rounding down (div64_u64) for an online
			 * memcg; only an offline one rounds up to scrape its last pages, and the
			 * model's memcgs are never offline.  So a list whose share is below one
			 * page at this priority is not scanned at all. */
			scan = denom ? scan * (file ? plan->fp : plan->ap) / denom : 0;
			break;
		case SCAN_FILE:
			if (!file)
				scan = 0;
			break;
		case SCAN_ANON:
			if (file)
				scan = 0;
			break;
		}
		plan->nr[l] = scan;
	}
	memcpy(plan->targets, plan->nr, sizeof(plan->targets));
	plan->lruvec_stop = false;
}

/* prepare_scan_control (6.12), global reclaim: the page cache is nearly gone — file pages
 * and free pages together are at most the zones' high watermarks (boost included) — while
 * the anon inactive list is not being refilled by deactivation and still gives pages at
 * this priority.  get_scan_count then scans anon alone (SCAN_ANON), so a small file LRU
 * that keeps refaulting does not draw all the pressure (the "cache trap"). */
static bool file_is_tiny(const struct mm *mm, const struct scan_control *sc)
{
	const struct lruvec *v = &mm->lruvec;
	uint64_t high = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (mm->zones[i].managed)
			high += zone_wmark(&mm->zones[i], WMARK_HIGH);
	uint64_t file = v->nr_pages[LRU_ACTIVE_FILE] + v->nr_pages[LRU_INACTIVE_FILE];
	return file + total_free(mm) <= high && !(sc->may_deactivate & DEACTIVATE_ANON) &&
	       (v->nr_pages[LRU_INACTIVE_ANON] >> sc->priority);
}

/* shrink_node: prepare_scan_control's node-wide decisions (from the node totals, the
 * root lruvec of 6.12), then the first memcg of the walk: memcg 0 for kswapd (a full
 * walk), the shared cursor for direct reclaim (a partial walk). */
void vmscan_plan(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan)
{
	struct reclaim_state *rs = mm->reclaim;
	memset(plan, 0, sizeof(*plan));
	plan->active = true;
	vmscan_set_eligible(mm, sc);

	/* prepare_scan_control (6.12; 6.18 reads the root lruvec's statistics, lruvec_page_state,
	 * as last flushed: stats_view): deactivate a type's active list when refaults of that
	 * type were activated since the last reclaim ended, or its inactive list is low; and
	 * trim the page cache alone (cache_trim_mode) while its inactive list is large and
	 * not deactivating. */
	const struct stats_view *sv = stats_view(mm);
	uint64_t file_inactive = sv->nr_lru[LRU_INACTIVE_FILE];
	sc->may_deactivate = 0;
	if (sv->activate[0] != rs->refaults_seen[0] || view_inactive_is_low(sv, false))
		sc->may_deactivate |= DEACTIVATE_ANON;
	if (sv->activate[1] != rs->refaults_seen[1] || view_inactive_is_low(sv, true))
		sc->may_deactivate |= DEACTIVATE_FILE;
	sc->cache_trim_mode = (file_inactive >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE) &&
			      !sc->no_cache_trim_mode;
	plan->no_swap = !sc->may_swap || !vmscan_can_swap(mm);
	plan->file_tiny = file_is_tiny(mm, sc);

	/* The costs get_scan_count weighs (5.9+): with total = anon_cost + file_cost, each
	 * list's cost is total plus its own, so neither list gets less than a third of the
	 * pressure before swappiness (costs: lru_note_cost).  The weights are each memcg's:
	 * plan_lruvec. */
	uint64_t both = rs->anon_cost + rs->file_cost;
	plan->anon_cost = both + rs->anon_cost;
	plan->file_cost = both + rs->file_cost;

	plan->first_memcg = sc->is_kswapd ? 0 : rs->memcg_cursor;
	plan_lruvec(mm, sc, plan, plan->first_memcg);
}

static void shrink_list(struct mm *mm, struct scan_control *sc, struct lruvec *v, enum lru_list lru, uint64_t nr)
{
	if (lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE) {
		/* shrink_list (6.12): only while prepare_scan_control let that type deactivate
		 * (judged on the node totals, the root lruvec). */
		if (sc->may_deactivate & (lru == LRU_ACTIVE_FILE ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			vmscan_shrink_active(mm, sc, v, lru, nr);
		return;
	}
	if (lru == LRU_INACTIVE_FILE && mm->cfg->policy.reclaim == RECLAIM_CFLRU) {
		/* CFLRU (Park et al., 2006) evicts the clean pages of the window first; when
		 * the window holds fewer than the batch, the rest comes in LRU order as
		 * usual, so a batch reclaims as much file memory as under the classic LRU. */
		uint64_t taken;
		shrink_cflru_window(mm, sc, v, nr, &taken);
		if (taken >= nr)
			return;
		nr -= taken;
	}
	shrink_inactive_list(mm, sc, v, lru, nr);
}

/* shrink_lruvec (6.18): global direct reclaim at DEF_PRIORITY scans its whole targets
 * whatever it reclaims (proportional_reclaim: little pressure yet, kswapd is not keeping
 * up, so do a batch of work at once); kswapd, and direct reclaim below DEF_PRIORITY, check
 * the goal after each batch.  The model has no memcg limit reclaim (cgroup_reclaim is
 * never true). */
static bool full_scan_at_def_priority(const struct scan_control *sc)
{
	return !sc->is_kswapd && sc->priority == DEF_PRIORITY;
}

/* shrink_lruvec (6.18) after each batch over the lists: once this lruvec has reclaimed
 * nr_to_reclaim (its own count, for kswapd and direct reclaim alike; the memcg walk judges
 * the whole pass, next_memcg), the lruvec ends if either anon or file has nothing left to
 * scan.  Otherwise the type with fewer pages left stops, and the other is cut to the share
 * of its own targets that the stopped one had scanned: with left = the stopped type's
 * pages still to scan over its targets + 1, percentage = left × 100 / that (rounded
 * down), and each list l of the other type keeps targets[l] × (100 − percentage) / 100
 * (rounded down) less what it has scanned already (not below 0).  The next batch then
 * finds the stopped type empty and the lruvec ends: one nudge towards proportionality
 * (ties stop file).  ereclaimable's easy list (a model policy, scanned before the others)
 * has no type to be proportional to: the goal met while it is being worked ends the
 * lruvec, as before any list is touched. */
static void lruvec_goal_met(const struct scan_control *sc, struct shrink_plan *plan, bool easy_batch)
{
	if (sc->nr_reclaimed - plan->lruvec_reclaimed0 < sc->nr_to_reclaim || full_scan_at_def_priority(sc))
		return;
	uint64_t *nr = plan->nr;
	const uint64_t *t = plan->targets;
	uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
	uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
	if (easy_batch || !nr_file || !nr_anon) {
		plan->lruvec_stop = true;
		return;
	}
	int stop = nr_file > nr_anon ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
	int cut = stop == LRU_INACTIVE_ANON ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	uint64_t left = stop == LRU_INACTIVE_ANON ? nr_anon : nr_file;
	uint64_t percentage = left * 100 / (t[stop] + t[stop + 1] + 1);
	nr[stop] = nr[stop + 1] = 0;
	for (int l = cut; l <= cut + 1; l++) {
		uint64_t scanned = t[l] - nr[l];
		uint64_t keep = t[l] * (100 - percentage) / 100;
		nr[l] = keep - MIN(keep, scanned);
	}
}

/* Is the scan of the current lruvec over?  Its targets are used up (shrink_lruvec's loop
 * runs while inactive anon or either file list has some: an active anon target alone is
 * left), or the goal was met with anon or file already done (lruvec_goal_met).  A full
 * device queue ends nothing: in 6.18 the writer, kswapd or a direct reclaimer, sleeps in
 * submit_bio for a request tag and then goes on with the same shrink_folio_list, so the
 * pass keeps its targets and its priority (the caller waits for the slot between batches:
 * kswapd.c write_slot_wait, vmscan.c direct_write_slot_wait). */
static bool lruvec_done(const struct shrink_plan *plan)
{
	if (plan->lruvec_stop)
		return true;
	return !(plan->nr[LRU_EASY] || plan->nr[LRU_INACTIVE_ANON] || plan->nr[LRU_ACTIVE_FILE] ||
		 plan->nr[LRU_INACTIVE_FILE]);
}

/* shrink_node_memcgs (6.12): on to the next memcg, if the walk goes on.  It ends after
 * the last memcg (a partial walk does not wrap round; the next one starts at memcg 0), and
 * a partial walk ends once the pass has reclaimed nr_to_reclaim. */
static bool next_memcg(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan)
{
	if (plan->memcg + 1 >= mm->nr_memcgs)
		return false;
	if (!sc->is_kswapd && sc->nr_reclaimed >= sc->nr_to_reclaim)
		return false;
	plan_lruvec(mm, sc, plan, plan->memcg + 1);
	return true;
}

bool vmscan_plan_step(struct mm *mm, struct scan_control *sc, struct shrink_plan *plan)
{
	if (!plan->active)
		return false;
	while (lruvec_done(plan)) {
		if (!next_memcg(mm, sc, plan)) {
			plan->active = false;
			return false;
		}
	}
	struct lruvec *v = mm->lruvecs[plan->memcg];
	/* ereclaimable: the easy list is worked through before any normal list. */
	if (plan->nr[LRU_EASY]) {
		uint64_t n = MIN(plan->nr[LRU_EASY], (uint64_t)SWAP_CLUSTER_MAX);
		plan->nr[LRU_EASY] -= n;
		if (!v->nr_pages[LRU_EASY])
			plan->nr[LRU_EASY] = 0;
		else
			shrink_inactive_list(mm, sc, v, LRU_EASY, n);
		lruvec_goal_met(sc, plan, true);
		return true;
	}
	for (int l = LRU_INACTIVE_ANON; l <= LRU_ACTIVE_FILE; l++) {
		if (!plan->nr[l])
			continue;
		uint64_t n = MIN(plan->nr[l], (uint64_t)SWAP_CLUSTER_MAX);
		plan->nr[l] -= n;
		shrink_list(mm, sc, v, (enum lru_list)l, n);
	}
	lruvec_goal_met(sc, plan, false);
	return true;
}

void vmscan_finish_node(struct mm *mm, struct scan_control *sc, const struct shrink_plan *plan)
{
	struct reclaim_state *rs = mm->reclaim;
	/* End of each shrink_lruvec of the walk: age the memcg's anon active list when the
	 * node's inactive anon list is low (the kernel asks the memcg's own lruvec), "even if
	 * we did not try to evict anon pages at all": can_age_anon_pages (6.18) asks only
	 * whether there is swap (total_swap_pages), not whether a slot is free or may_swap. */
	for (unsigned m = plan->first_memcg; m <= plan->memcg && m < mm->nr_memcgs; m++)
		if (rs->swap_pages > 0 && vmscan_inactive_is_low(mm, false))
			vmscan_shrink_active(mm, sc, mm->lruvecs[m], LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
	if (sc->is_kswapd) {
		if (sc->nr.nr_writeback && sc->nr.nr_writeback == sc->nr.nr_taken)
			rs->pgdat_writeback = true;
		if (sc->nr.nr_unqueued_dirty == sc->nr.nr_file_taken)
			rs->pgdat_dirty = true;
		/* shrink_node (6.12): tag the node congested when every dirty page kswapd took
		 * was already marked for immediate reclaim and still under writeback. */
		if (sc->nr.nr_dirty && sc->nr.nr_dirty == sc->nr.nr_congested)
			rs->node_congested = true;
	}
	/* shrink_node (6.12): progress revives kswapd; none in cache-trim mode marks the mode
	 * failed (kswapd's sc lives one round, so its nr_reclaimed is this shrink_node's). */
	if (sc->nr_reclaimed)
		rs->kswapd.failures = 0;
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = true;
	vmscan_sample_lowmem(mm);
}

void vmscan_shrink_node(struct mm *mm, struct scan_control *sc)
{
	struct shrink_plan plan;
	vmscan_plan(mm, sc, &plan);
	while (vmscan_plan_step(mm, sc, &plan))
		;
	vmscan_finish_node(mm, sc, &plan);
}

/* ---- direct reclaim --------------------------------------------------------------- */

static bool compaction_ready(struct mm *mm, const struct scan_control *sc)
{
	for (int zi = 0; zi <= (int)sc->reclaim_idx && zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		if (zone_watermark_ok(z, sc->order, zone_wmark(z, WMARK_MIN), sc->reclaim_idx, 0, z->nr_free_pages))
			return true;
		uint64_t mark = zone_wmark(z, WMARK_HIGH) + (2ull << sc->order); /* compact_gap */
		if (zone_watermark_ok(z, 0, mark, sc->reclaim_idx, 0, z->nr_free_pages))
			return true;
	}
	return false;
}

/* reclaim_throttle (6.12) for a direct reclaimer: sleep on q for at most one jiffy
 * (VMSCAN_THROTTLE_NOPROGRESS and _CONGESTED; HZ = 250 -> 4 ms), or until woken.  Only a
 * request running as an actor sleeps; other callers (tests, tools) do not wait.  The
 * cost charged so far is slept first, so the wait starts when the work before it ends. */
#define RECLAIM_JIFFY_NS (4 * NSEC_PER_MSEC)
static void reclaim_throttle(struct mm *mm, struct mm_request *req, struct waitq *q, sim_ns_t timeout_ns)
{
	struct reclaim_state *rs = mm->reclaim;
	if (!mm_request_can_sleep(req))
		return;
	mm_request_yield(mm, req);
	sim_ns_t t0 = vmscan_now(mm);
	rs->nr_throttled++;
	actor_wait(mm->engine, q, timeout_ns);
	sim_ns_t waited = vmscan_now(mm) - t0;
	req->stall_ns += waited;
	req->slept_ns += waited;
	rs->stall_throttle_ns += waited;
}

/* skip_throttle_noprogress (6.12): no NOPROGRESS sleep once kswapd has given up on the
 * node, or while write_pending pages are at most half of the reclaimable ones (throttling
 * then happens when the pages under writeback cycle round the LRU). */
static bool skip_throttle_noprogress(const struct mm *mm)
{
	const struct reclaim_state *rs = mm->reclaim;
	if (rs->kswapd.failures >= MAX_RECLAIM_RETRIES)
		return true;
	uint64_t reclaimable = 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (zone_populated(&mm->zones[zi]))
			reclaimable += reclaim_zone_reclaimable(mm, &mm->zones[zi]);
	return 2 * (rs->nr_dirty + rs->nr_writeback) <= reclaimable;
}

/* consider_reclaim_throttle (6.12, 6.18), after each priority's shrink_zones: a reclaim
 * whose pages reclaimed so far (nr_reclaimed runs on over the priorities) exceed 1/8 of
 * what this priority scanned (do_try_to_free_pages starts nr_scanned at 0 for each) wakes
 * the NOPROGRESS sleepers; one that reclaimed nothing by priority 1 sleeps with them. */
static void consider_reclaim_throttle(struct mm *mm, struct scan_control *sc)
{
	struct reclaim_state *rs = mm->reclaim;
	if (sc->nr_reclaimed > (sc->nr_scanned >> 3)) {
		if (rs->throttle_noprogress.nr)
			waitq_wake_all(mm->engine, &rs->throttle_noprogress);
		return;
	}
	if (sc->priority == 1 && !sc->nr_reclaimed && !skip_throttle_noprogress(mm))
		reclaim_throttle(mm, sc->req, &rs->throttle_noprogress, RECLAIM_JIFFY_NS);
}

static const enum vm_event_item allocstall_items[MAX_NR_ZONES] = {
	VM_ALLOCSTALL_DMA, VM_ALLOCSTALL_DMA32, VM_ALLOCSTALL_NORMAL, VM_ALLOCSTALL_MOVABLE, VM_ALLOCSTALL_CMA,
};

/* A direct reclaimer's write found dev's request queue full: in 6.18 the writer sleeps for
 * a request tag in submit_bio (blk_mq_get_tag, no timeout) inside shrink_folio_list and
 * then goes on with its batch and its pass.  The model has written the page already; the
 * work of the pass so far (since *w0) is charged and slept first, then the reclaimer waits
 * while the queue is full (each completion wakes one waiter, others may take the slot), and
 * the pass's cost is counted afresh from its return (other reclaimers' work went on in the
 * global counters meanwhile).  A request that cannot sleep goes on at once. */
static void direct_write_slot_wait(struct mm *mm, struct scan_control *sc, struct vmscan_work *w0)
{
	struct reclaim_state *rs = mm->reclaim;
	struct wb_device *dev = sc->write_blocked;
	sc->write_blocked = NULL;
	if (!mm_request_can_sleep(sc->req) || !writeback_queue_full(dev))
		return;
	sim_ns_t cost = vmscan_work_cost_since(mm, sc, w0);
	mm_request_charge(sc->req, cost);
	rs->stall_direct_ns += cost;
	/* The work is slept before the queue is looked at again: writes that end meanwhile
	 * wake nobody, and a wait begun on a queue they emptied would never be woken (no
	 * completion is left to come).  The kernel's sbitmap waiter tests for a free tag
	 * after queueing itself (blk_mq_get_tag). */
	mm_request_yield(mm, sc->req);
	while (writeback_queue_full(dev))
		reclaim_throttle(mm, sc->req, &dev->wait, ACTOR_NO_TIMEOUT);
	vmscan_work_mark(mm, sc, w0);
}

/* try_to_free_pages -> do_try_to_free_pages (6.12, model.md §4.1): priority 12 -> 0, each
 * a shrink_node of the eligible zones; stop at 32 pages reclaimed or, for costly orders,
 * once compaction could run.  The CPU cost of each priority's scanning is charged to the
 * request and slept before the next (the world moves on meanwhile); a write that finds the
 * device's queue full sleeps for a tag and the pass goes on (direct_write_slot_wait); a
 * node kswapd marked congested throttles each pass (VMSCAN_THROTTLE_CONGESTED), and no
 * progress by priority 1 throttles once (consider_reclaim_throttle). */
static uint64_t hook_direct_reclaim(struct mm *mm, struct alloc_context *ac)
{
	struct reclaim_state *rs = mm->reclaim;
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.reclaim_idx = ac->highest_zoneidx,
		.order = ac->order,
		.is_kswapd = false,
		.may_writepage = true, /* no laptop mode */
		.may_swap = true,
		.req = ac->req,
	};
	count_vm_event(mm, allocstall_items[gfp_zone(ac->gfp)]);
	rs->nr_direct_reclaims++;
	lowmem_judge_stall(mm);
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		struct vmscan_work w0;
		struct shrink_plan plan;
		sc.nr_scanned = 0; /* do_try_to_free_pages (6.18): each priority's own */
		vmscan_work_mark(mm, &sc, &w0);
		sc.nr = (struct reclaim_stat){ 0 };
		vmscan_plan(mm, &sc, &plan);
		while (vmscan_plan_step(mm, &sc, &plan))
			if (sc.write_blocked)
				direct_write_slot_wait(mm, &sc, &w0);
		vmscan_finish_node(mm, &sc, &plan);
		sim_ns_t cost = vmscan_work_cost_since(mm, &sc, &w0);
		mm_request_charge(ac->req, cost);
		rs->stall_direct_ns += cost;
		if (rs->node_congested)
			reclaim_throttle(mm, ac->req, &rs->throttle_congested, RECLAIM_JIFFY_NS);
		consider_reclaim_throttle(mm, &sc);
		mm_request_yield(mm, ac->req);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
		if (ac->order > PAGE_ALLOC_COSTLY_ORDER && compaction_ready(mm, &sc))
			break;
	}
	/* do_try_to_free_pages (6.12) snapshots the refault activations after its priority
	 * loop: those that came while this reclaim slept between priorities count as seen,
	 * and only later ones make the next reclaim deactivate. */
	vmscan_snapshot_refaults(mm);
	return sc.nr_reclaimed;
}

uint64_t reclaim_zone_reclaimable(const struct mm *mm, const struct zone *z)
{
	const struct lruvec *v = &mm->lruvec;
	uint64_t reclaimable = v->nr_pages[LRU_INACTIVE_FILE] + v->nr_pages[LRU_ACTIVE_FILE] + v->nr_pages[LRU_EASY];
	if (vmscan_can_swap(mm))
		reclaimable += v->nr_pages[LRU_INACTIVE_ANON] + v->nr_pages[LRU_ACTIVE_ANON];
	uint64_t allocated = 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		allocated += mm->zones[zi].nr_alloc_pages;
	/* Both factors are page counts below 2^32 (pfn_t), so the product fits. */
	return allocated ? reclaimable * z->nr_alloc_pages / allocated : 0;
}

/* should_reclaim_retry (6.12), the zone part: free plus reclaimable pages against the min
 * watermark at the request's order and alloc flags.  (The no-progress count and
 * MAX_RECLAIM_RETRIES are the allocator's, page_alloc.c.) */
bool reclaim_should_retry(struct mm *mm, const struct alloc_context *ac)
{
	for (int zi = (int)ac->highest_zoneidx; zi >= 0; zi--) {
		const struct zone *z = &mm->zones[zi];
		if (!zone_populated(z))
			continue;
		uint64_t available = reclaim_zone_reclaimable(mm, z) + z->nr_free_pages;
		if (zone_watermark_ok(z, ac->order, zone_wmark(z, WMARK_MIN), ac->highest_zoneidx,
				      ac->alloc_flags, available))
			return true;
	}
	return false;
}

/* ---- record-level operations ------------------------------------------------------ */

bool mm_access_req(struct mm *mm, struct mm_request *req, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s)
		return false;
	if (s->kind == OBJ_SWAPPED || s->kind == OBJ_EVICTED) {
		swap_fault_in(mm, req, s); /* failure is counted as an allocation failure */
		return true;
	}
	if (s->kind != OBJ_PAGES)
		return true;
	pfn_t pfn = s->pfn;
	struct page_frame *p = &mm->pages[pfn];
	note_touched(mm, pfn);
	if (s->nonres && (s->ws.flags & NONRES_SWAPCACHE))
		swap_access(mm, pfn, &s->ws); /* a fault if reclaim had unmapped it */
	if (!(p->flags & PF_LRU) || (p->flags & PF_UNEVICTABLE)) {
		p->flags |= PF_REFERENCED;
		return true;
	}
	if (p->flags & PF_EASY) {
		/* Used again: no longer easy to reclaim; back to the normal inactive list. */
		lru_del(mm, pfn);
		p->flags = (uint16_t)((p->flags & ~PF_EASY) | PF_REFERENCED);
		lru_add(mm, pfn, false);
		return true;
	}
	/* folio_mark_accessed */
	if (!(p->flags & PF_ACTIVE) && (p->flags & PF_REFERENCED))
		activate_page(mm, pfn);
	else
		p->flags |= PF_REFERENCED;
	return true;
}

bool mm_dirty_req(struct mm *mm, struct mm_request *req, uint64_t id, sim_ns_t age_ns)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s)
		return false;
	if (s->kind == OBJ_SWAPPED || s->kind == OBJ_EVICTED) {
		/* A write to a non-resident page faults it in first. */
		if (!swap_fault_in(mm, req, s))
			return true;
		s = obj_lookup(&mm->objs, id);
	}
	if (s->kind != OBJ_PAGES)
		return true;
	/* A write fault on a swap-cache page reclaim unmapped or readahead read is
	 * do_swap_page's swap-cache hit too; writeback_dirty_page then frees the slot. */
	if (s->nonres && (s->ws.flags & NONRES_SWAPCACHE))
		swap_access(mm, s->pfn, &s->ws);
	writeback_dirty_page(mm, req, s->pfn, id, age_ns);
	return true;
}

/* Drop a clean, idle file page now (invalidate_mapping_pages): no shadow entry. */
static bool invalidate_page(struct mm *mm, struct mm_request *req, pfn_t pfn)
{
	struct page_frame *p = &mm->pages[pfn];
	if ((p->flags & (PF_DIRTY | PF_WRITEBACK | PF_PINNED | PF_SWAPBACKED | PF_UNEVICTABLE)) ||
	    !(p->flags & PF_LRU))
		return false;
	lru_del(mm, pfn);
	p->flags &= (uint16_t)~(PF_ACTIVE | PF_REFERENCED | PF_RECLAIM);
	workingset_evict(mm, req, pfn, NULL); /* the caller drops the shadow */
	return true;
}

/* The per-page cost of marking pages one at a time (John Stultz's volatile-range
 * measurements, 2012-2014: the syscall walks the range and marks each page), charged as CPU
 * time to the task that issued the hint; only where the kernel does per-page work:
 * every hint under ereclaimable, DONTNEED / INVALIDATE otherwise (NOREUSE and VOLATILE
 * are no-ops there). */
static void charge_hint(struct mm *mm, struct mm_request *req, const struct page_frame *p)
{
	uint64_t nr = head_pages(p);
	sim_ns_t ns = nr * mm->cfg->costs.hint_page_ns;
	count_vm_events(mm, VM_MMSIM_HINT_PAGES, nr);
	count_vm_events(mm, VM_MMSIM_HINT_NS, ns);
	mm_request_charge(req, ns);
}

bool mm_hint_req(struct mm *mm, struct mm_request *req, uint64_t id, int hint_kind)
{
	if (hint_kind == HINT_THP_PART)
		return mm_thp_part_hint(mm, req, id);
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s)
		return false;
	if (s->kind != OBJ_PAGES)
		return true;
	if (hint_kind == HINT_HIGHATOMIC) {
		buddy_reserve_highatomic(mm, s->pfn, mm->pages[s->pfn].order);
		return true;
	}
	if (hint_kind == HINT_MOVABLE_OPS) { /* drivers do it for __GFP_MOVABLE allocations only */
		if (mm->pages[s->pfn].mt == MIGRATE_MOVABLE)
			migrate_mark_nonlru_movable(mm, id);
		return true;
	}
	pfn_t pfn = s->pfn;
	struct page_frame *p = &mm->pages[pfn];
	if (hint_kind == HINT_PAGECACHE) {
		/* filemap_add_folio -> folio_add_lru (6.12): a page cache folio goes on the file
		 * LRU whatever its migratetype; movable ones are there already. */
		if (!(p->flags & (PF_LRU | PF_ISOLATED | PF_SWAPBACKED))) {
			page_set_memcg(mm, p);
			lru_add(mm, pfn, false);
		}
		return true;
	}
	if (!(p->flags & PF_LRU) || (p->flags & PF_UNEVICTABLE))
		return true;
	if (hint_kind == HINT_SYNC) {
		/* fsync: __filemap_fdatawrite_range(WB_SYNC_ALL) writes the dirty page now; the
		 * task's wait in filemap_fdatawait_range is not charged. */
		if ((p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED) && !(p->flags & PF_WRITEBACK))
			writeback_start_page(mm, pfn, id);
		return true;
	}
	if (hint_kind == HINT_REFAULT) {
		/* workingset_refault (6.12) for a recent shadow entry the trace does not hold:
		 * folio_set_active before the folio reaches its list, workingset_age_nonresident,
		 * and the refault and activation counts that prepare_scan_control's deactivation
		 * test reads.  Whether the page was active before its eviction (workingset_restore
		 * and lru_note_cost_refault) is unknown: neither is counted. */
		if (p->flags & (PF_SWAPBACKED | PF_ACTIVE))
			return true;
		uint64_t nr = head_pages(p);
		lru_del(mm, pfn);
		p->flags |= PF_ACTIVE;
		lru_add(mm, pfn, false);
		workingset_count_refault(mm, false, nr, true);
		count_vm_events(mm, VM_MMSIM_REFAULT_UNTRACED, nr);
		return true;
	}
	if (hint_kind == HINT_MLOCK) {
		/* mlock_folio (6.12): off its list, PG_mlocked and PG_unevictable, onto the
		 * unevictable list (unevictable_pgs_mlocked counts the pages). */
		lru_del(mm, pfn);
		p->flags = (uint16_t)((p->flags | PF_UNEVICTABLE) & ~(PF_ACTIVE | PF_REFERENCED | PF_EASY));
		lru_add(mm, pfn, false);
		return true;
	}
	bool ereclaimable = mm->cfg->policy.reclaim == RECLAIM_EASILY_RECLAIMABLE;
	if (ereclaimable || hint_kind == HINT_DONTNEED || hint_kind == HINT_INVALIDATE)
		charge_hint(mm, req, p);
	if (ereclaimable) {
		/* fadvise(DONTNEED) starts writeout of a dirty range whatever the LRU does with
		 * it (__filemap_fdatawrite_range, WB_SYNC_NONE): the page reaches the easy list
		 * under writeback and stays unreclaimable until the device is done. */
		if (hint_kind == HINT_DONTNEED && (p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED))
			writeback_start_page(mm, pfn, id);
		/* Anon pages are easy to reclaim only when there is swap to put them in. */
		if (!(p->flags & PF_EASY) && (!(p->flags & PF_SWAPBACKED) || mm->reclaim->swap_pages)) {
			lru_del(mm, pfn);
			p->flags = (uint16_t)((p->flags | PF_EASY) & ~(PF_ACTIVE | PF_REFERENCED));
			lru_add(mm, pfn, false);
		}
		vmscan_sample_lowmem(mm);
		return true;
	}
	if (hint_kind == HINT_NOREUSE || hint_kind == HINT_VOLATILE)
		return true;
	/* DONTNEED / INVALIDATE */
	if (!(p->flags & PF_SWAPBACKED)) {
		if (p->flags & PF_DIRTY)
			writeback_start_page(mm, pfn, id); /* fadvise DONTNEED starts writeout */
		if (invalidate_page(mm, req, pfn)) {
			struct nonres_entry *e = workingset_find(mm->reclaim, id);
			if (e)
				e->flags &= (uint8_t)~NONRES_SHADOW;
			return true;
		}
	}
	/* lru_deactivate_file / MADV_COLD: to the inactive list; the tail when clean. */
	lru_del(mm, pfn);
	bool busy = p->flags & (PF_DIRTY | PF_WRITEBACK);
	if (busy && !(p->flags & PF_SWAPBACKED))
		p->flags |= PF_RECLAIM;
	if (p->flags & PF_ACTIVE)
		count_vm_events(mm, VM_PGDEACTIVATE, head_pages(p));
	p->flags &= (uint16_t)~(PF_ACTIVE | PF_REFERENCED);
	lru_add(mm, pfn, !busy);
	return true;
}

/* ---- helpers for tools and tests ------------------------------------------------------ */

bool reclaim_writeback_object(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	struct page_frame *p = &mm->pages[s->pfn];
	if (!(p->flags & PF_LRU) || (p->flags & PF_SWAPBACKED))
		return false;
	if (p->flags & PF_WRITEBACK)
		return true;
	if (!(p->flags & PF_DIRTY))
		writeback_dirty_page(mm, NULL, s->pfn, id, 0);
	writeback_start_page(mm, s->pfn, id);
	return (p->flags & PF_WRITEBACK) != 0;
}

void reclaim_set_page_flags(struct mm *mm, pfn_t head, uint16_t set, uint16_t clear)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	sim_assert(!((set | clear) & (PF_WRITEBACK | PF_LRU | PF_HEAD)));
	bool on_list = p->flags & PF_LRU;
	bool was_dirty_file = (p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED);
	if (on_list)
		lru_del(mm, head);
	p->flags = (uint16_t)((p->flags | set) & ~clear);
	bool dirty_file = (p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED);
	if (dirty_file && !was_dirty_file)
		rs->nr_dirty += head_pages(p);
	else if (!dirty_file && was_dirty_file)
		rs->nr_dirty -= head_pages(p);
	if (on_list)
		lru_add(mm, head, false);
}

/* ---- module set-up and outputs ---------------------------------------------------- */

/* machine.memcg.split_prefill: task 0 (the rest of the machine: an imported trace's
 * prefill) and the tasks outside the captured command's process tree (SIM_TASK_OUTSIDE)
 * in memcg 0, which the walks visit first as the kernel's pre-order walk visits the root,
 * and every other task in memcg 1 (the captured command's own memcg).  Otherwise one
 * memcg. */
unsigned vmscan_task_memcg(const struct mm *mm, uint32_t task)
{
	return mm->nr_memcgs > 1 && task && !(task & SIM_TASK_OUTSIDE) ? 1 : 0;
}

/* The memcgs' lruvecs (mm.h struct lruvec): with one memcg it is the node lruvec. */
static int memcg_init(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	mm->nr_memcgs = mm->cfg->machine.memcg.split_prefill ? 2 : 1;
	mm->lruvecs[0] = &mm->lruvec;
	rs->memcg_cursor = 0;
	if (mm->nr_memcgs == 1)
		return 0;
	rs->memcg_lruvecs = calloc(mm->nr_memcgs, sizeof(*rs->memcg_lruvecs));
	if (!rs->memcg_lruvecs)
		return -1;
	for (unsigned m = 0; m < mm->nr_memcgs; m++) {
		for (int l = 0; l < NR_LRU_LISTS; l++)
			pfn_list_init(&rs->memcg_lruvecs[m].lists[l]);
		mm->lruvecs[m] = &rs->memcg_lruvecs[m];
	}
	return 0;
}

int reclaim_init(struct mm *mm, struct sim_error *err)
{
	struct reclaim_state *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	mm->reclaim = rs;
	rs->mm = mm;
	const struct config *cfg = mm->cfg;
	rs->swap_pages = cfg->devices.swap_pages;
	if (swap_slots_init(rs, rs->swap_pages, cfg->devices.swap_page_cluster)) {
		reclaim_destroy(mm);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	rs->dirty_background_ratio = cfg->policy.dirty_background_ratio ? cfg->policy.dirty_background_ratio : 10;
	rs->dirty_ratio = cfg->policy.dirty_ratio ? cfg->policy.dirty_ratio : 20;
	rs->notify_threshold_pages = cfg->policy.ereclaimable.notify_threshold;
	if (!rs->notify_threshold_pages)
		for (int i = 0; i < MAX_NR_ZONES; i++)
			rs->notify_threshold_pages += mm->zones[i].watermark[WMARK_HIGH];
	rs->min_easy_level = UINT64_MAX;
	/* The statistics view of the empty machine at boot, the first flush one period later
	 * (set again where the measurement starts later). */
	vmscan_stats_view_start(mm);
	if (memcg_init(mm)) {
		reclaim_destroy(mm);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	/* The age stamps cost 4 bytes a page; they only say something when there is memory
	 * only movable allocations may use (a movable zone or a CMA area) to compare with. */
	bool area = cfg->machine.zone_pages[ZONE_MOVABLE] ||
		    (cfg->policy.cma.mode != CMA_NONE && cfg->policy.cma.nr_regions);
	if (area)
		mm->lruvec.touched_us = calloc(mm->nr_pages ? mm->nr_pages : 1, sizeof(*mm->lruvec.touched_us));
	if ((area && !mm->lruvec.touched_us) || writeback_init(mm, err) || kswapd_init(mm, err)) {
		if (area && !mm->lruvec.touched_us)
			sim_error_set(err, EX_SOFTWARE_, "out of memory");
		reclaim_destroy(mm);
		return -1;
	}
	mm->hooks.wakeup_kswapd = kswapd_wakeup;
	mm->hooks.direct_reclaim = hook_direct_reclaim;
	mm->hooks.page_alloc_decode = hook_page_alloc_decode;
	mm->hooks.page_allocated = hook_page_allocated;
	mm->hooks.page_freed = hook_page_freed;
	mm->hooks.free_nonresident = hook_free_nonresident;
	return 0;
}

void reclaim_destroy(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	lru_rings_free(&mm->lruvec);
	if (!rs)
		return;
	if (rs->memcg_lruvecs)
		for (unsigned m = 0; m < mm->nr_memcgs; m++)
			lru_rings_free(&rs->memcg_lruvecs[m]);
	writeback_destroy(mm);
	workingset_map_destroy(rs);
	free(rs->scratch);
	free(rs->cache_only_ids);
	swap_slots_destroy(rs);
	free(mm->lruvec.touched_us);
	mm->lruvec.touched_us = NULL;
	free(rs->memcg_lruvecs);
	for (unsigned m = 0; m < MAX_NR_MEMCGS; m++)
		mm->lruvecs[m] = m ? NULL : &mm->lruvec;
	mm->nr_memcgs = 1;
	free(rs);
	mm->reclaim = NULL;
}

void reclaim_node_stat(const struct mm *mm, struct reclaim_node_stat *out)
{
	const struct reclaim_state *rs = mm->reclaim;
	memset(out, 0, sizeof(*out));
	for (int l = 0; l < NR_LRU_LISTS; l++)
		out->nr_lru[l] = mm->lruvec.nr_pages[l];
	out->nr_dirty = rs->nr_dirty;
	out->nr_writeback = rs->nr_writeback;
	out->swap_total_pages = rs->swap_pages;
	out->swap_used_pages = rs->swap_used;
	out->kswapd_active = rs->kswapd.state != KSWAPD_SLEEPING;
	out->kswapd_failures = rs->kswapd.failures;
	out->node_unreclaimable = rs->kswapd.failures >= MAX_KSWAPD_FAILURES;
	out->kswapd_busy_ns = rs->kswapd.busy_ns;
	out->stall_direct_ns = rs->stall_direct_ns;
	out->stall_refault_ns = rs->stall_refault_ns;
	out->stall_swapin_ns = rs->stall_swapin_ns;
	out->stall_writeback_ns = rs->stall_writeback_ns;
	out->stall_throttle_ns = rs->stall_throttle_ns;
	out->nr_direct_reclaims = rs->nr_direct_reclaims;
	out->nr_throttled = rs->nr_throttled;
	out->nr_lowmem_notifications = rs->nr_notifications;
	out->lowmem_level_pages = total_free(mm) + mm->lruvec.nr_pages[LRU_EASY];
}

uint64_t reclaim_nr_dirty(const struct mm *mm) { return mm->reclaim->nr_dirty; }
uint64_t reclaim_nr_writeback(const struct mm *mm) { return mm->reclaim->nr_writeback; }
uint64_t reclaim_swap_used(const struct mm *mm) { return mm->reclaim->swap_used; }
bool reclaim_kswapd_active(const struct mm *mm) { return mm->reclaim->kswapd.state != KSWAPD_SLEEPING; }
bool reclaim_kswapd_running(const struct mm *mm) { return mm->reclaim && mm->reclaim->kswapd.state == KSWAPD_RUNNING; }
bool reclaim_node_unreclaimable(const struct mm *mm)
{
	return mm->reclaim->kswapd.failures >= MAX_KSWAPD_FAILURES;
}

/* ---- invariant checks --------------------------------------------------------------- */

#define CHECK_FAIL(...)                                    \
	do {                                               \
		if (msg)                                   \
			snprintf(msg, msg_size, __VA_ARGS__); \
		return false;                              \
	} while (0)

/* The lists of memcg m's lruvec against its counts; adds its counts to sum and the heads
 * walked to *heads_on_lists. */
static bool check_lruvec(const struct mm *mm, unsigned m, struct lruvec *sum, uint64_t *heads_on_lists,
			 char *msg, size_t msg_size)
{
	const struct lruvec *v = mm->lruvecs[m];
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		uint64_t pages = 0, zone_pages[MAX_NR_ZONES] = { 0 }, nr = 0;
		const struct lru_ring *r = &v->rings[l];
		uint32_t mask = r->cap - 1;
		pfn_t first = PFN_NONE, prev = PFN_NONE;
		if (r->end - r->first > r->cap || (r->cap & mask))
			CHECK_FAIL("lru %s: ring of %u slots spans %u", lru_list_names[l], r->cap, r->end - r->first);
		for (uint32_t i = r->first; i != r->end; i++) {
			pfn_t pfn = r->slot[i & mask];
			if (pfn == PFN_NONE) {
				if (i == r->first || i + 1 == r->end)
					CHECK_FAIL("lru %s: a hole at an end of the ring", lru_list_names[l]);
				continue;
			}
			const struct page_frame *p = &mm->pages[pfn];
			if (pfn >= mm->nr_pages)
				CHECK_FAIL("lru %s: pfn %#x out of range", lru_list_names[l], pfn);
			if (first == PFN_NONE)
				first = pfn;
			nr++;
			if (page_memcg(p) != m)
				CHECK_FAIL("lru %s of memcg %u: pfn %#x belongs to memcg %u", lru_list_names[l], m, pfn,
					   page_memcg(p));
			for (int z = 0; z < MAX_NR_ZONES; z++)
				if (mm->zones[z].spanned && pfn >= mm->zones[z].start_pfn && pfn < zone_end_pfn(&mm->zones[z]))
					zone_pages[z] += 1ull << p->order;
			if (!(p->flags & PF_HEAD) || !(p->flags & PF_LRU))
				CHECK_FAIL("lru %s: pfn %#x is not an LRU head (flags %#x)", lru_list_names[l], pfn, p->flags);
			if ((int)lru_list_of(p->flags) != l)
				CHECK_FAIL("lru %s: pfn %#x belongs on %s", lru_list_names[l], pfn,
					   lru_list_names[lru_list_of(p->flags)]);
			if (p->prev != (i & LRU_POS_MASK) || p->next != PFN_NONE)
				CHECK_FAIL("lru %s: pfn %#x position %#x (next %#x), in slot %#x", lru_list_names[l], pfn,
					   p->prev, p->next, i & LRU_POS_MASK);
			if (++*heads_on_lists > mm->nr_pages)
				CHECK_FAIL("lru %s: more heads than pages", lru_list_names[l]);
			pages += 1ull << p->order;
			prev = pfn;
		}
		if (nr != r->nr)
			CHECK_FAIL("lru %s: ring counts %u heads, holds %llu", lru_list_names[l], r->nr, (unsigned long long)nr);
		if (prev != v->lists[l].tail || first != v->lists[l].head)
			CHECK_FAIL("lru %s: ends %#x..%#x, ring holds %#x..%#x", lru_list_names[l], v->lists[l].head,
				   v->lists[l].tail, first, prev);
		if (pages != v->nr_pages[l])
			CHECK_FAIL("lru %s of memcg %u: nr_pages %llu, lists hold %llu", lru_list_names[l], m,
				   (unsigned long long)v->nr_pages[l], (unsigned long long)pages);
		sum->nr_pages[l] += pages;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			if (zone_pages[z] != v->nr_zone_pages[z][l])
				CHECK_FAIL("lru %s of memcg %u: zone %s nr_zone_pages %llu, lists hold %llu",
					   lru_list_names[l], m, zone_names[z], (unsigned long long)v->nr_zone_pages[z][l],
					   (unsigned long long)zone_pages[z]);
			sum->nr_zone_pages[z][l] += zone_pages[z];
		}
	}
	return true;
}

bool reclaim_check(const struct mm *mm, char *msg, size_t msg_size)
{
	const struct reclaim_state *rs = mm->reclaim;
	uint64_t heads_on_lists = 0;
	/* Every memcg's lists, and the node totals == Σ of the memcgs' (mm.h struct lruvec). */
	struct lruvec sum;
	memset(&sum, 0, sizeof(sum));
	if (mm->nr_memcgs < 1 || mm->nr_memcgs > MAX_NR_MEMCGS ||
	    mm->lruvecs[0] != (mm->nr_memcgs == 1 ? &mm->lruvec : &rs->memcg_lruvecs[0]))
		CHECK_FAIL("%u memcgs, lruvec of memcg 0 misplaced", mm->nr_memcgs);
	for (unsigned m = 0; m < mm->nr_memcgs; m++)
		if (!check_lruvec(mm, m, &sum, &heads_on_lists, msg, msg_size))
			return false;
	if (mm->nr_memcgs > 1)
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			if (mm->lruvec.lists[l].head != PFN_NONE)
				CHECK_FAIL("lru %s: the node lruvec's list holds pages beside %u memcgs", lru_list_names[l],
					   mm->nr_memcgs);
			if (sum.nr_pages[l] != mm->lruvec.nr_pages[l])
				CHECK_FAIL("lru %s: node nr_pages %llu, memcgs hold %llu", lru_list_names[l],
					   (unsigned long long)mm->lruvec.nr_pages[l], (unsigned long long)sum.nr_pages[l]);
			for (int z = 0; z < MAX_NR_ZONES; z++)
				if (sum.nr_zone_pages[z][l] != mm->lruvec.nr_zone_pages[z][l])
					CHECK_FAIL("lru %s: zone %s node nr_zone_pages %llu, memcgs hold %llu",
						   lru_list_names[l], zone_names[z],
						   (unsigned long long)mm->lruvec.nr_zone_pages[z][l],
						   (unsigned long long)sum.nr_zone_pages[z][l]);
		}
	if (rs->memcg_cursor >= mm->nr_memcgs)
		CHECK_FAIL("memcg cursor %u of %u memcgs", rs->memcg_cursor, mm->nr_memcgs);
	uint64_t lru_heads = 0, dirty = 0, writeback = 0;
	for (pfn_t pfn = 0; pfn < mm->nr_pages; pfn++) {
		const struct page_frame *p = &mm->pages[pfn];
		uint16_t f = p->flags;
		if (page_memcg(p) && (!(f & PF_HEAD) || page_memcg(p) >= mm->nr_memcgs))
			CHECK_FAIL("pfn %#x: memcg %u on a page that is not an allocated head of one of %u memcgs (flags %#x)",
				   pfn, page_memcg(p), mm->nr_memcgs, f);
		if (f & PF_BUDDY)
			continue;
		if ((f & (PF_LRU | PF_DIRTY | PF_WRITEBACK)) && !(f & PF_HEAD))
			CHECK_FAIL("pfn %#x: LRU/dirty/writeback flags on a page that is not an allocated head (flags %#x)",
				   pfn, f);
		if (f & PF_LRU)
			lru_heads++;
		if ((f & PF_DIRTY) && !(f & PF_SWAPBACKED))
			dirty += 1ull << p->order;
		if (f & PF_WRITEBACK)
			writeback += 1ull << p->order;
	}
	if (lru_heads != heads_on_lists)
		CHECK_FAIL("%llu heads flagged PF_LRU, %llu on lists", (unsigned long long)lru_heads,
			   (unsigned long long)heads_on_lists);
	if (dirty != rs->nr_dirty)
		CHECK_FAIL("nr_dirty %llu, dirty file pages %llu", (unsigned long long)rs->nr_dirty,
			   (unsigned long long)dirty);
	if (writeback != rs->nr_writeback)
		CHECK_FAIL("nr_writeback %llu, pages under writeback %llu", (unsigned long long)rs->nr_writeback,
			   (unsigned long long)writeback);
	/* Every queued write names a resident object still under writeback: no page was
	 * freed (or reused) while its write was in flight. */
	uint64_t inflight = 0;
	const struct wb_device *devs[2] = { &rs->disk, &rs->swap };
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < devs[d]->len; i++) {
			const struct wb_io *io = &devs[d]->q[(devs[d]->head + i) % devs[d]->cap];
			if (io->id == OBJ_EMPTY)
				continue;
			const struct obj_slot *s = obj_lookup((struct obj_table *)&mm->objs, io->id);
			if (!s || s->kind != OBJ_PAGES)
				CHECK_FAIL("%s write of object %llu in flight but the object has no pages", devs[d]->name,
					   (unsigned long long)io->id);
			const struct page_frame *p = &mm->pages[s->pfn];
			if (!(p->flags & PF_WRITEBACK))
				CHECK_FAIL("%s write of object %llu in flight but its head is not under writeback",
					   devs[d]->name, (unsigned long long)io->id);
			inflight += 1ull << p->order;
		}
	}
	if (inflight != rs->nr_writeback)
		CHECK_FAIL("in-flight writes hold %llu pages, nr_writeback %llu", (unsigned long long)inflight,
			   (unsigned long long)rs->nr_writeback);
	/* Swap slots and shadows. */
	uint64_t swap = 0, entries = 0, cache_only = 0;
	for (uint32_t i = 0; i < mm->objs.cap; i++) {
		const struct nonres_entry *e = workingset_at(rs, i);
		if (!e)
			continue;
		entries++;
		const struct obj_slot *s = obj_lookup((struct obj_table *)&mm->objs, e->id);
		if (!s)
			CHECK_FAIL("side entry for object %llu that does not exist", (unsigned long long)e->id);
		if (e->flags & NONRES_SWAPPED) {
			if (s->kind != OBJ_SWAPPED)
				CHECK_FAIL("object %llu: swap slot marked swapped but object kind %u", (unsigned long long)e->id,
					   s->kind);
			swap += 1ull << s->order;
		}
		if (e->flags & NONRES_SWAPCACHE) {
			if (s->kind != OBJ_PAGES)
				CHECK_FAIL("object %llu: swap cache but not resident", (unsigned long long)e->id);
			swap += 1ull << s->order;
			if (e->flags & NONRES_SWAPMAPPED) {
				cache_only += 1ull << s->order;
				if (!(e->flags & NONRES_LISTED))
					CHECK_FAIL("object %llu: swap-cache-only but not listed", (unsigned long long)e->id);
			}
		} else if (e->flags & NONRES_SWAPMAPPED) {
			CHECK_FAIL("object %llu: mapped swap cache without a slot", (unsigned long long)e->id);
		}
		if ((e->flags & NONRES_READAHEAD) &&
		    (e->flags & (NONRES_SWAPCACHE | NONRES_SWAPMAPPED)) != NONRES_SWAPCACHE)
			CHECK_FAIL("object %llu: readahead mark outside the unmapped swap cache", (unsigned long long)e->id);
	}
	if (entries != rs->nr_nonres)
		CHECK_FAIL("%llu side entries, nr_nonres %llu", (unsigned long long)entries,
			   (unsigned long long)rs->nr_nonres);
	if (cache_only != rs->swap_cache_only)
		CHECK_FAIL("swap_cache_only %llu, slots held by the swap cache alone %llu",
			   (unsigned long long)rs->swap_cache_only, (unsigned long long)cache_only);
	if (swap != rs->swap_used || rs->swap_used > rs->swap_pages)
		CHECK_FAIL("swap_used %llu of %llu, slots held %llu", (unsigned long long)rs->swap_used,
			   (unsigned long long)rs->swap_pages, (unsigned long long)swap);
	char slots_msg[160];
	if (!swap_slots_check(mm, slots_msg, sizeof(slots_msg)))
		CHECK_FAIL("%s", slots_msg);
	for (uint32_t i = 0; i < mm->objs.cap; i++) {
		const struct obj_slot *s = &mm->objs.slots[i];
		if (s->id == OBJ_EMPTY || (s->kind != OBJ_SWAPPED && s->kind != OBJ_EVICTED))
			continue;
		/* OBJ_EVICTED without an entry: dropped by someone else (migration's non-LRU
		 * reclaim), no shadow; its next access is a plain read. */
		const struct nonres_entry *e = workingset_find((struct reclaim_state *)rs, s->id);
		if (!e && s->kind == OBJ_EVICTED)
			continue;
		if (!e)
			CHECK_FAIL("swapped object %llu has no side entry", (unsigned long long)s->id);
		if (s->kind == OBJ_SWAPPED && !(e->flags & NONRES_SWAPPED))
			CHECK_FAIL("swapped object %llu holds no swap slot", (unsigned long long)s->id);
	}
	return true;
}
