/* mapping_pool.h — per-mapping high-order page pools (model.md §5.8): Dave Hansen's
 * per-address_space reserves from the 2004 active-defragmentation discussion.  A file's
 * page-cache allocations of policy.mapping_pool.order are served from a reserve of that
 * mapping, and a background actor tops every reserve up to policy.mapping_pool.size
 * blocks every policy.mapping_pool.refill_interval, so the request itself never has to
 * find (or make) a free block of that order.
 *
 * Glossary
 *   mapping     the address_space a page-cache allocation belongs to.  The trace has no
 *               such field, so the allocating task stands for it: a generator gives each
 *               file its own task (workloads/README.md, generator `defrag_bursts`).
 *   page-cache  an allocation whose gfp migratetype is MOVABLE and that is not anon (no
 *               __GFP_ZERO, the mark vmscan.c uses for swap-backed memory)
 *   pool block  2^order pages taken from the buddy allocator by the refill and held by the
 *               pool as an object of the object table (id in [MAPPING_POOL_ID_BASE, ...)),
 *               head PF_HEAD, owned by task 0, on no LRU: neither reclaim nor compaction
 *               touches it, as a reserve should be.
 *
 * Invariants (mapping_pool_check):
 *   for each pool p:  p->nr <= cfg size;  every ids[i < nr] names a live OBJ_PAGES object
 *                     of the pool order whose head is PF_HEAD and not PF_LRU
 *   nr_pools <= max_mappings;  mapping_pool_pages() == Σ_p p->nr << order
 */
#ifndef MMSIM_MAPPING_POOL_H
#define MMSIM_MAPPING_POOL_H

#include "mm.h"

/* Pool blocks' object ids: far above any generator's sequence (the object table keeps
 * ids far from its window in its overflow hash). */
#define MAPPING_POOL_ID_BASE 0xfffffff000000000ull

/* Set up the pools and the refill actor when policy.mapping_pool.size > 0 (mm_init). */
int mapping_pool_init(struct mm *mm, struct sim_error *err);
void mapping_pool_destroy(struct mm *mm);

/* Does an allocation of (gfp, order) belong to a mapping's page cache at the pool order? */
bool mapping_pool_wants(const struct mm *mm, gfp_t gfp, unsigned order);

/* Serve one allocation from the pool of req's mapping: the head pfn of a pool block,
 * which now belongs to the caller (still PF_HEAD and counted allocated, no object: the
 * caller gives it one), or PFN_NONE when pools are off, the request is not page cache of
 * the pool order, or the mapping's pool is empty (mmsim_mapping_pool_misses; the request
 * then allocates as usual).  A mapping seen for the first time gets an empty pool, which
 * the next refill fills, while fewer than max_mappings pools exist. */
pfn_t mapping_pool_take(struct mm *mm, struct mm_request *req, gfp_t gfp, unsigned order);

/* One refill pass now (the actor runs it every refill_interval): each pool, in creation
 * order, gets blocks until it holds `size` or an allocation fails. */
void mapping_pool_refill(struct mm *mm);

/* Blocks the pool of `mapping` holds (0 without one); pages held by every pool. */
uint64_t mapping_pool_blocks(const struct mm *mm, uint32_t mapping);
uint64_t mapping_pool_pages(const struct mm *mm);

bool mapping_pool_check(const struct mm *mm, char *msg, size_t msg_size);

#endif
