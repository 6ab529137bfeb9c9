/* wl_gfp.h — gfp masks the generators emit beyond the kernel's named ones (sim/kernel/gfp.h
 * holds the kernel 6.18 x86-64 bits, model.md §8.7). */
#ifndef MMSIM_WL_GFP_H
#define MMSIM_WL_GFP_H

#include "../kernel/gfp.h"

/* hugetlbfs pool page / stress-highalloc request: mmtests' GFP_ALLOC_LIKE_HUGETLBFS,
 * GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN. */
#define WL_GFP_HUGETLB (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
/* Buffered write into the page cache of a regular file: mapping gfp plus __GFP_WRITE,
 * which the kernel adds for pages about to be dirtied (dirty-limit aware placement). */
#define WL_GFP_PAGECACHE_WRITE (GFP_HIGHUSER_MOVABLE | __GFP_WRITE)
/* Block-device page cache (buffer heads, ext4 metadata): the bdev mapping is
 * GFP_NOFS-ish with __GFP_MOVABLE but not GFP_HIGHUSER_MOVABLE, which is why ZONE_CMA
 * keeps it out (reference: Joonsoo Kim's ZONE_CMA rationale). */
#define WL_GFP_BDEV (GFP_NOFS | __GFP_MOVABLE)
/* A user page-table page (__pte_alloc): GFP_PGTABLE_USER, unmovable kernel memory. */
#define WL_GFP_PGTABLE (GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT)

#endif
