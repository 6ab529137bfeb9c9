/* mapping_pool.c — per-mapping high-order page pools (model.md §5.8, mapping_pool.h).
 *
 * Dave Hansen's proposal in the 2004 active-defragmentation discussion: rather than making
 * high-order blocks on demand when a large page-cache allocation arrives (direct
 * compaction, or a defragmenter racing the request), keep a small reserve of them per
 * address_space and refill it in the background, so the allocation is a list pop.  The
 * cost is the memory the reserves hold (never reclaimed, never compacted) and the refill's
 * own work, which is counted (mmsim_mapping_pool_refill_ns) but charged to no request.
 */
#include "mapping_pool.h"

#include "../engine/engine.h"

#include <stdlib.h>

struct mapping_pool {
	uint32_t mapping;   /* the task standing for the address_space */
	gfp_t gfp;          /* the mapping's gfp, from its first page-cache allocation */
	uint64_t nr;        /* blocks held: ids[0, nr) */
	uint64_t *ids;      /* size entries */
};

struct mapping_pool_state {
	struct mapping_pool *pools; /* max_mappings entries, nr_pools used, creation order */
	unsigned nr_pools;
	uint64_t next_id;           /* next pool block id, from MAPPING_POOL_ID_BASE */
	unsigned refill_handler;
};

static const struct mapping_pool_state *state(const struct mm *mm)
{
	return mm->mapping_pool;
}

bool mapping_pool_wants(const struct mm *mm, gfp_t gfp, unsigned order)
{
	/* Page cache: gfp migratetype MOVABLE and not anon (__GFP_ZERO marks swap-backed
	 * memory, vmscan.c), at exactly the pool order. */
	return mm->mapping_pool && order == mm->cfg->policy.mapping_pool.order &&
	       gfp_migratetype(gfp) == MIGRATE_MOVABLE && !(gfp & __GFP_ZERO);
}

static struct mapping_pool *find_pool(struct mapping_pool_state *ps, uint32_t mapping)
{
	for (unsigned i = 0; i < ps->nr_pools; i++)
		if (ps->pools[i].mapping == mapping)
			return &ps->pools[i];
	return NULL;
}

pfn_t mapping_pool_take(struct mm *mm, struct mm_request *req, gfp_t gfp, unsigned order)
{
	struct mapping_pool_state *ps = mm->mapping_pool;
	if (!ps || !mapping_pool_wants(mm, gfp, order))
		return PFN_NONE;
	uint32_t mapping = req ? req->task : 0;
	struct mapping_pool *p = find_pool(ps, mapping);
	if (!p && ps->nr_pools < mm->cfg->policy.mapping_pool.max_mappings) {
		p = &ps->pools[ps->nr_pools++];
		p->mapping = mapping;
		p->gfp = gfp;
		p->nr = 0;
	}
	while (p && p->nr) {
		uint64_t id = p->ids[--p->nr];
		struct obj_slot *s = obj_lookup(&mm->objs, id);
		/* A trace that names a pool block's id (a free of it) has taken it: skip it. */
		if (!s || s->kind != OBJ_PAGES || s->order != order || s->task != 0)
			continue;
		pfn_t pfn = s->pfn;
		obj_remove(mm, s); /* the block stays PF_HEAD and allocated: the caller's object takes it */
		count_vm_event(mm, VM_MMSIM_MAPPING_POOL_HIT);
		return pfn;
	}
	/* A request that comes back as an actor after its fast path failed (mm.h, REQ_DEFER)
	 * asks again: count the miss once. */
	if (!req || !req->fast_failed)
		count_vm_event(mm, VM_MMSIM_MAPPING_POOL_MISS);
	return PFN_NONE;
}

/* One block for pool p, allocated as the mapping would in the background: its gfp with
 * __GFP_NORETRY | __GFP_NOWARN (one round of reclaim and compaction, then give up, as a
 * speculative allocation such as readahead's does), never from CMA (a reserve must not
 * sit in an area a device may claim).  Its cost (slow-path work at cfg->costs) is counted
 * in mmsim_mapping_pool_refill_ns and charged to no request. */
static bool refill_one(struct mm *mm, struct mapping_pool_state *ps, struct mapping_pool *p)
{
	unsigned order = mm->cfg->policy.mapping_pool.order;
	struct mm_request r = { .mode = REQ_SYNC, .alloc_class = -1 };
	gfp_t gfp = p->gfp | __GFP_NORETRY | __GFP_NOWARN;
	struct alloc_context ac = {
		.gfp = gfp,
		.order = order,
		.mt = mm->cfg->machine.mobility_grouping ? gfp_migratetype(gfp) : MIGRATE_UNMOVABLE,
		.highest_zoneidx = gfp_zone(gfp),
		.req = &r,
	};
	mm->cma_ops->prepare(mm, &ac);
	ac.no_cma = true;
	pfn_t pfn = mm_alloc_pages(mm, &ac);
	count_vm_events(mm, VM_MMSIM_MAPPING_POOL_REFILL_NS, r.stall_ns + mm->cfg->costs.alloc_fast_ns);
	if (pfn == PFN_NONE) {
		count_vm_event(mm, VM_MMSIM_MAPPING_POOL_REFILL_FAIL);
		return false;
	}
	/* The next id of the pool range that no trace object holds. */
	uint64_t id;
	struct obj_slot *s;
	do {
		id = MAPPING_POOL_ID_BASE + ps->next_id++;
	} while (!(s = obj_insert(mm, id)));
	s->pfn = pfn;
	s->order = (uint8_t)order;
	s->kind = OBJ_PAGES;
	s->task = 0;
	struct page_frame *pg = &mm->pages[pfn];
	pg->flags = PF_HEAD; /* on no LRU: reclaim and compaction leave the reserve alone */
	pg->order = (uint8_t)order;
	pg->mt = (uint8_t)ac.mt;
	pg->owner = (uint32_t)(s - mm->objs.slots);
	pg->next = pg->prev = PFN_NONE;
	p->ids[p->nr++] = id;
	count_vm_event(mm, VM_MMSIM_MAPPING_POOL_REFILL);
	return true;
}

void mapping_pool_refill(struct mm *mm)
{
	struct mapping_pool_state *ps = mm->mapping_pool;
	if (!ps)
		return;
	uint64_t size = mm->cfg->policy.mapping_pool.size;
	for (unsigned i = 0; i < ps->nr_pools; i++) {
		struct mapping_pool *p = &ps->pools[i];
		while (p->nr < size)
			if (!refill_one(mm, ps, p))
				break;
	}
}

static void refill_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)arg;
	struct mm *mm = ctx;
	mapping_pool_refill(mm);
	sim_assert3(mm_check_full(mm));
	engine_schedule(mm->engine, now_ns + mm->cfg->policy.mapping_pool.refill_interval_ns,
			mm->mapping_pool->refill_handler, 0);
}

int mapping_pool_init(struct mm *mm, struct sim_error *err)
{
	const struct config *cfg = mm->cfg;
	mm->mapping_pool = NULL;
	if (!cfg->policy.mapping_pool.size)
		return 0;
	struct mapping_pool_state *ps = calloc(1, sizeof(*ps));
	unsigned max = MAX(cfg->policy.mapping_pool.max_mappings, 1u);
	if (ps)
		ps->pools = calloc(max, sizeof(*ps->pools));
	if (ps && ps->pools)
		for (unsigned i = 0; i < max; i++)
			if (!(ps->pools[i].ids = calloc(cfg->policy.mapping_pool.size, sizeof(uint64_t))))
				break;
	if (!ps || !ps->pools || !ps->pools[max - 1].ids) {
		mm->mapping_pool = ps;
		mapping_pool_destroy(mm);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory (mapping pools)");
	}
	mm->mapping_pool = ps;
	sim_ns_t interval = MAX(cfg->policy.mapping_pool.refill_interval_ns, (sim_ns_t)1);
	ps->refill_handler = engine_register(mm->engine, "mapping_pool_refill", refill_event, mm);
	engine_schedule(mm->engine, mm->engine->now_ns + interval, ps->refill_handler, 0);
	return 0;
}

void mapping_pool_destroy(struct mm *mm)
{
	struct mapping_pool_state *ps = mm->mapping_pool;
	if (!ps)
		return;
	if (ps->pools)
		for (unsigned i = 0; i < MAX(mm->cfg->policy.mapping_pool.max_mappings, 1u); i++)
			free(ps->pools[i].ids);
	free(ps->pools);
	free(ps);
	mm->mapping_pool = NULL;
}

uint64_t mapping_pool_blocks(const struct mm *mm, uint32_t mapping)
{
	const struct mapping_pool_state *ps = state(mm);
	if (!ps)
		return 0;
	for (unsigned i = 0; i < ps->nr_pools; i++)
		if (ps->pools[i].mapping == mapping)
			return ps->pools[i].nr;
	return 0;
}

uint64_t mapping_pool_pages(const struct mm *mm)
{
	const struct mapping_pool_state *ps = state(mm);
	uint64_t blocks = 0;
	for (unsigned i = 0; ps && i < ps->nr_pools; i++)
		blocks += ps->pools[i].nr;
	return ps ? blocks << mm->cfg->policy.mapping_pool.order : 0;
}

#define FAIL(...) return mm_check_fail(msg, msg_size, __VA_ARGS__)

bool mapping_pool_check(const struct mm *mm, char *msg, size_t msg_size)
{
	const struct mapping_pool_state *ps = state(mm);
	if (!ps)
		return true;
	const struct config *cfg = mm->cfg;
	if (ps->nr_pools > cfg->policy.mapping_pool.max_mappings)
		FAIL("%u mapping pools, at most %u", ps->nr_pools, cfg->policy.mapping_pool.max_mappings);
	for (unsigned i = 0; i < ps->nr_pools; i++) {
		const struct mapping_pool *p = &ps->pools[i];
		if (p->nr > cfg->policy.mapping_pool.size)
			FAIL("mapping %u: pool holds %llu blocks, size %llu", p->mapping, (unsigned long long)p->nr,
			     (unsigned long long)cfg->policy.mapping_pool.size);
		for (uint64_t k = 0; k < p->nr; k++) {
			/* obj_lookup takes a mutable table only to return a mutable slot. */
			const struct obj_slot *s = obj_lookup((struct obj_table *)&mm->objs, p->ids[k]);
			if (!s || s->kind != OBJ_PAGES || s->order != cfg->policy.mapping_pool.order)
				FAIL("mapping %u: pool block id %#llx is not a live block of the pool order", p->mapping,
				     (unsigned long long)p->ids[k]);
			const struct page_frame *pg = &mm->pages[s->pfn];
			if (!(pg->flags & PF_HEAD) || (pg->flags & PF_LRU))
				FAIL("mapping %u: pool block %#x is not a held head (flags %#x)", p->mapping, s->pfn,
				     pg->flags);
		}
	}
	return true;
}
