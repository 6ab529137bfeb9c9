/* migrate.c — page migration (model.md §6): the per-object rules of what may move, the
 * move itself, and migrate_pages with the kernel's async-then-sync retry passes. */
#include "migrate.h"

const char *const migrate_mode_names[NR_MIGRATE_MODES] = {
	"MIGRATE_ASYNC", "MIGRATE_SYNC_LIGHT", "MIGRATE_SYNC",
};
_Static_assert(ARRAY_SIZE(migrate_mode_names) == NR_MIGRATE_MODES, "names");

const char *const migrate_reason_names[NR_MIGRATE_REASONS] = {
	"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset", "mempolicy_mbind",
	"numa_misplaced", "contig_range", "longterm_pin", "demotion", "damon",
};
_Static_assert(ARRAY_SIZE(migrate_reason_names) == NR_MIGRATE_REASONS, "names");

const char *const migrate_status_names[NR_MIGRATE_STATUS] = {
	"ok", "again", "pinned", "writeback", "dirty", "nonlru", "unmovable", "nomem",
};
_Static_assert(ARRAY_SIZE(migrate_status_names) == NR_MIGRATE_STATUS, "names");

/* vm_events counter for each permanent failure reason. */
static const enum vm_event_item fail_counter[NR_MIGRATE_STATUS] = {
	[MFAIL_PINNED] = VM_MMSIM_MIGRATE_FAIL_PINNED,
	[MFAIL_WRITEBACK] = VM_MMSIM_MIGRATE_FAIL_WRITEBACK,
	[MFAIL_DIRTY] = VM_MMSIM_MIGRATE_FAIL_DIRTY,
	[MFAIL_NONLRU] = VM_MMSIM_MIGRATE_FAIL_NONLRU,
	[MFAIL_UNMOVABLE] = VM_MMSIM_MIGRATE_FAIL_UNMOVABLE,
	[MFAIL_NOMEM] = VM_MMSIM_MIGRATE_FAIL_NOMEM,
};

/* Every pin of the object is an owner pin and the owners' migrate callbacks are in use:
 * the owner moves the page and re-points its reference, as aio_migrate_folio (6.12) takes
 * the ring lock, copies the folio and swaps ctx->ring_folios[idx] with the extra reference
 * it holds counted in the expected refcount.  Otherwise the refcount check fails. */
static bool pins_follow(const struct mm *mm, const struct obj_slot *s)
{
	return mm->cfg->policy.migration_pinned == PINNED_CALLBACK && s->owner_pins == s->pins;
}

enum migrate_status migrate_page_check(const struct mm *mm, pfn_t pfn, enum migrate_mode mode)
{
	const struct page_frame *p = &mm->pages[pfn];
	if (!(p->flags & PF_HEAD))
		return MFAIL_UNMOVABLE;
	if (p->flags & PF_MOVABLE_OPS) {
		/* __PageMovable: only the owner's migrate handler can move it. */
		switch (mm->cfg->policy.migration_nonlru) {
		case NONLRU_RECLAIM:
			return MIGRATE_OK;
		case NONLRU_PIN:
			return MFAIL_NONLRU;
		case NONLRU_HANDLER:
		case NR_NONLRU_MIGRATIONS:
			break;
		}
	} else if (!(p->flags & PF_LRU)) {
		return MFAIL_UNMOVABLE; /* slab, page tables, device memory: never migrate */
	}
	/* Unmap stage order (model.md §6.2): writeback first, then a dirty file folio that
	 * needs fallback_migrate_folio, then the refcount check that pins fail. */
	if ((p->flags & PF_WRITEBACK) && mode != MIGRATE_SYNC)
		return MFAIL_WRITEBACK;
	if ((p->flags & PF_DIRTY) && !(p->flags & (PF_SWAPBACKED | PF_MOVABLE_OPS)) &&
	    !mm->cfg->policy.migration_file_migrate_folio && mode != MIGRATE_SYNC)
		return MFAIL_DIRTY;
	if ((p->flags & PF_PINNED) && !pins_follow(mm, &mm->objs.slots[p->owner]))
		return MFAIL_AGAIN; /* pin.c: set exactly while the object has pins */
	return MIGRATE_OK;
}

bool migrate_longterm_pinned(const struct mm *mm, const struct obj_slot *s)
{
	return s->longterm_pins > (mm->cfg->policy.migration_pinned == PINNED_CALLBACK ? s->owner_pins : 0);
}

/* PF_LRU without list membership happens when no reclaim module installed the
 * page_allocated hook (mm_alloc then only flags movable pages PF_LRU). */
static bool on_lru_list(const struct mm *mm, pfn_t pfn)
{
	const struct page_frame *p = &mm->pages[pfn];
	if (!(p->flags & PF_LRU))
		return false;
	return p->prev != PFN_NONE || page_lruvec(mm, p)->lists[lru_list_of(p->flags)].head == pfn;
}

/* The old block goes back to buddy (and counts as a free, as the kernel's folio_put). */
static void release_block(struct mm *mm, pfn_t pfn, unsigned order)
{
	struct zone *z = mm_pfn_zone(mm, pfn);
	struct page_frame *p = &mm->pages[pfn];
	mm_page_set_flags(mm, pfn, 0);
	p->xflags = 0; /* no memcg on a free page (mm.h) */
	p->owner = 0;
	p->next = p->prev = PFN_NONE;
	z->nr_alloc_pages -= 1ull << order;
	count_vm_events(mm, VM_PGFREE, 1ull << order);
	buddy_free_one(mm, z, pfn, order);
}

void migrate_move_object(struct mm *mm, pfn_t src_pfn, pfn_t dst_pfn)
{
	struct page_frame *s = &mm->pages[src_pfn], *d = &mm->pages[dst_pfn];
	sim_assert((s->flags & PF_HEAD) && (d->flags & PF_ISOLATED) && d->order == s->order);
	unsigned order = s->order;
	mm_page_set_flags(mm, dst_pfn, (uint16_t)(s->flags & ~PF_ISOLATED));
	d->order = s->order;
	d->mt = s->mt;
	d->xflags = s->xflags & PFX_MEMCG_MASK; /* mem_cgroup_migrate: the charge moves along */
	d->owner = s->owner;
	if (on_lru_list(mm, src_pfn)) {
		lru_replace(mm, src_pfn, dst_pfn);
	} else {
		d->next = d->prev = PFN_NONE;
	}
	mm->objs.slots[s->owner].pfn = dst_pfn;
	release_block(mm, src_pfn, order);
}

void migrate_reclaim_nonlru(struct mm *mm, pfn_t pfn)
{
	struct page_frame *p = &mm->pages[pfn];
	struct obj_slot *slot = &mm->objs.slots[p->owner];
	unsigned order = p->order;
	if (on_lru_list(mm, pfn))
		lru_del(mm, pfn);
	slot->kind = OBJ_EVICTED;
	slot->pfn = PFN_NONE;
	release_block(mm, pfn, order);
	count_vm_events(mm, VM_MMSIM_MIGRATE_NONLRU_RECLAIMED, 1ull << order);
}

bool migrate_folio_splittable(const struct mm *mm, pfn_t pfn)
{
	uint16_t f = mm->pages[pfn].flags;
	if (f & (PF_WRITEBACK | PF_PINNED))
		return false;
	bool file = !(f & (PF_SWAPBACKED | PF_MOVABLE_OPS));
	return !(file && (f & PF_DIRTY));
}

/* The outcome of the kernel's passes for one object.  Within one call nothing else runs,
 * so a pass can only repeat the previous pass's answer: an -EAGAIN (pin) stays -EAGAIN for
 * all of a phase's passes.  Sync modes first try the batch async (3 passes) and retry what
 * failed, permanently or not, one by one in the requested mode (7 passes). */
static enum migrate_status passes_outcome(const struct mm *mm, pfn_t pfn, enum migrate_mode mode)
{
	enum migrate_status st = migrate_page_check(mm, pfn, MIGRATE_ASYNC);
	if (st == MIGRATE_OK || mode == MIGRATE_ASYNC)
		return st == MFAIL_AGAIN ? MFAIL_PINNED : st;
	st = migrate_page_check(mm, pfn, mode);
	return st == MFAIL_AGAIN ? MFAIL_PINNED : st;
}

unsigned migrate_pages(struct mm *mm, const pfn_t *pfns, unsigned nr, migrate_new_fn get_new,
		       migrate_put_fn put_new, void *priv, enum migrate_mode mode,
		       enum migrate_reason reason, struct migrate_result *res)
{
	(void)put_new; /* a target is only taken once the object is known to move */
	unsigned nr_failed = 0;
	unsigned i = 0;
	for (; i < nr; i++) {
		pfn_t pfn = pfns[i];
		struct page_frame *p = &mm->pages[pfn];
		unsigned order = p->order;
		uint64_t nr_pages = 1ull << order;
		enum migrate_status st = passes_outcome(mm, pfn, mode);
		if (st == MIGRATE_OK && (p->flags & PF_MOVABLE_OPS) &&
		    mm->cfg->policy.migration_nonlru == NONLRU_RECLAIM) {
			migrate_reclaim_nonlru(mm, pfn);
			res->nr_reclaimed += nr_pages;
			continue;
		}
		pfn_t dst = PFN_NONE;
		if (st == MIGRATE_OK) {
			dst = get_new(mm, pfn, order, priv);
			if (dst == PFN_NONE && order > 0 && reason != MR_NUMA_MISPLACED &&
			    migrate_folio_splittable(mm, pfn)) {
				/* migrate_pages_batch (6.18) on -ENOMEM: a large folio is split
				 * (try_split_folio) and not counted in pgmigrate_fail; the call goes
				 * on with the next folio.  The kernel then migrates the pieces with
				 * order-0 targets; an object of the model cannot be split, so its
				 * pages stay where they are (counted as mmsim_migrate_split).  A
				 * folio the split refuses fails below: all its pages count in
				 * pgmigrate_fail and the call stops (-ENOMEM). */
				p->flags &= (uint16_t)~PF_ISOLATED;
				res->nr_split++;
				count_vm_event(mm, VM_MMSIM_MIGRATE_SPLIT);
				nr_failed++;
				continue;
			}
			if (dst == PFN_NONE)
				st = MFAIL_NOMEM;
		}
		if (st != MIGRATE_OK) {
			p->flags &= (uint16_t)~PF_ISOLATED;
			res->nr_failed += nr_pages;
			res->nr_fail_by[st] += nr_pages;
			count_vm_events(mm, VM_PGMIGRATE_FAIL, nr_pages);
			count_vm_events(mm, fail_counter[st], nr_pages);
			nr_failed++;
			if (st == MFAIL_NOMEM) {
				res->nomem = true;
				i++;
				break;
			}
			continue;
		}
		migrate_move_object(mm, pfn, dst);
		res->nr_succeeded += nr_pages;
		res->cost_ns += nr_pages * mm->cfg->costs.migrate_page_ns;
		count_vm_events(mm, VM_PGMIGRATE_SUCCESS, nr_pages);
	}
	/* -ENOMEM: the rest go back untouched (putback_movable_pages). */
	for (; i < nr; i++) {
		mm->pages[pfns[i]].flags &= (uint16_t)~PF_ISOLATED;
		nr_failed++;
	}
	return nr_failed;
}

bool migrate_mark_nonlru_movable(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	if (on_lru_list(mm, s->pfn))
		lru_del(mm, s->pfn);
	mm_page_set_flags(mm, s->pfn, (uint16_t)((mm->pages[s->pfn].flags & ~PF_LRU) | PF_MOVABLE_OPS));
	return true;
}

/* alloc_migration_target for a long-term pin: GFP_USER minus __GFP_MOVABLE, no CMA.  The
 * model adds __GFP_RETRY_MAYFAIL: it never OOM-kills from inside a migration, whose
 * isolated source pages could belong to the victim (the kernel's GFP_USER target may). */
static pfn_t longterm_target(struct mm *mm, pfn_t src_pfn, unsigned order, void *priv)
{
	(void)src_pfn;
	struct alloc_context ac = {
		.gfp = GFP_USER | __GFP_NOWARN | __GFP_RETRY_MAYFAIL,
		.order = order,
		.mt = mm->cfg->machine.mobility_grouping ? gfp_migratetype(GFP_USER) : MIGRATE_UNMOVABLE,
		.highest_zoneidx = gfp_zone(GFP_USER),
		.no_cma = true,
	};
	/* Targets are taken while the sources are isolated, so the request may not sleep here
	 * (others would meet the isolated pages half-moved): its slow path runs with the
	 * clock standing, on a copy whose cost goes to the request. */
	struct mm_request *req = priv;
	struct mm_request sync = { .cpu = mm_request_cpu(req), .task = req ? req->task : 0, .mode = REQ_SYNC,
				   .alloc_class = -1 };
	ac.req = &sync;
	pfn_t pfn = mm_alloc_pages(mm, &ac);
	mm_request_charge(req, sync.stall_ns);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	/* Counted as allocated by the allocator; hand it over as an isolated target. */
	struct page_frame *p = &mm->pages[pfn];
	p->flags = PF_ISOLATED;
	p->order = (uint8_t)order;
	p->owner = 0;
	p->next = p->prev = PFN_NONE;
	return pfn;
}

bool migrate_longterm_pin(struct mm *mm, struct mm_request *req, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	pfn_t pfn = s->pfn;
	struct zone *z = mm_pfn_zone(mm, pfn);
	/* The CMA area under every policy (MIGRATE_CMA blocks, sticky blocks, ZONE_CMA) carries
	 * PB_CMA; pages there, and in ZONE_MOVABLE, are not long-term pinnable. */
	bool pinnable = z->type != ZONE_MOVABLE && z->type != ZONE_CMA &&
			!(mm_pageblock(mm, pfn)->bits & PB_CMA);
	if (pinnable)
		return true;
	/* Isolated while the target is allocated: a compaction entered from that allocation's
	 * slow path must not move it under us. */
	mm->pages[pfn].flags |= PF_ISOLATED;
	struct migrate_result res = { 0 };
	unsigned failed = migrate_pages(mm, &pfn, 1, longterm_target, NULL, req, MIGRATE_SYNC,
					MR_LONGTERM_PIN, &res);
	mm_request_charge(req, res.cost_ns);
	return failed == 0;
}
