/* gfp.h — gfp flag bits, their kernel names, and what they mean to the allocator.
 *
 * Bit numbering is the observed 6.18 x86-64 kernel's (model.md §8.7); composite names
 * (GFP_KERNEL, GFP_HIGHUSER_MOVABLE, ...) are the kernel's. gfp_format() prints exactly as
 * the kernel's __print_flags does, so strings round-trip with real traces.
 */
#ifndef MMSIM_GFP_H
#define MMSIM_GFP_H

#include "mmtypes.h"

typedef uint32_t gfp_t;

#define __GFP_DMA (1u << 0)
#define __GFP_HIGHMEM (1u << 1)
#define __GFP_DMA32 (1u << 2)
#define __GFP_MOVABLE (1u << 3)
#define __GFP_RECLAIMABLE (1u << 4)
#define __GFP_HIGH (1u << 5)
#define __GFP_IO (1u << 6)
#define __GFP_FS (1u << 7)
#define __GFP_ZERO (1u << 8)
#define __GFP_DIRECT_RECLAIM (1u << 10)
#define __GFP_KSWAPD_RECLAIM (1u << 11)
#define __GFP_WRITE (1u << 12)
#define __GFP_NOWARN (1u << 13)
#define __GFP_RETRY_MAYFAIL (1u << 14)
#define __GFP_NOFAIL (1u << 15)
#define __GFP_NORETRY (1u << 16)
#define __GFP_MEMALLOC (1u << 17)
#define __GFP_COMP (1u << 18)
#define __GFP_NOMEMALLOC (1u << 19)
#define __GFP_HARDWALL (1u << 20)
#define __GFP_THISNODE (1u << 21)
#define __GFP_ACCOUNT (1u << 22)
#define __GFP_ZEROTAGS (1u << 23)
#define __GFP_NO_OBJ_EXT (1u << 24)

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_USER (GFP_KERNEL | __GFP_HARDWALL)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32

/* Parse "GFP_KERNEL|__GFP_COMP", "none", "0x400cc0" or names mixed with a hex remainder.
 * Returns 0, or -1 with *bad_col set to the 0-based offset of the unknown name. */
int gfp_parse(const char *s, size_t len, gfp_t *out, size_t *bad_col);
/* Kernel-style string into buf (always NUL-terminated); returns the length. */
size_t gfp_format(gfp_t gfp, char *buf, size_t size);

/* gfp_migratetype: (gfp & (MOVABLE|RECLAIMABLE)) >> 3 (model.md §8.7). */
static inline enum migratetype gfp_migratetype(gfp_t gfp)
{
	return (enum migratetype)((gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) >> 3);
}

/* gfp_zone: the highest zone the request may use (model.md §1.3, 64-bit: no HighMem).
 * HIGHMEM|MOVABLE -> Movable; DMA -> DMA; DMA32 -> DMA32; otherwise Normal.  Inline: every
 * allocation asks it. */
static inline enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	if ((gfp & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

static inline bool gfp_direct_reclaim(gfp_t gfp) { return gfp & __GFP_DIRECT_RECLAIM; }

/* Allocation flags (model.md §3.3); values as the kernel's so traces can be compared. */
enum alloc_flags {
	ALLOC_WMARK_MIN = 0x0,
	ALLOC_WMARK_LOW = 0x1,
	ALLOC_WMARK_HIGH = 0x2,
	ALLOC_WMARK_MASK = 0x3,
	ALLOC_NO_WATERMARKS = 0x4,
	ALLOC_OOM = 0x8,
	ALLOC_NON_BLOCK = 0x10,
	ALLOC_MIN_RESERVE = 0x20,
	ALLOC_CPUSET = 0x40,
	ALLOC_CMA = 0x80,
	ALLOC_NOFRAGMENT = 0x100,
	ALLOC_HIGHATOMIC = 0x200,
	ALLOC_KSWAPD = 0x800,
};
#define ALLOC_RESERVES (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* Slow-path flags (gfp_to_alloc_flags): min watermark, reserves for __GFP_HIGH and for
 * requests that cannot block, ALLOC_CMA for movable requests. The CMA policy may veto
 * ALLOC_CMA later (mm/cma_policy). */
unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order);

/* Allocation classes for latency accounting (architecture.md §3). */
enum alloc_class {
	ACLASS_MOVABLE,
	ACLASS_UNMOVABLE, /* unmovable and reclaimable, can block */
	ACLASS_ATOMIC,    /* cannot enter direct reclaim */
	ACLASS_HIGHORDER, /* order > PAGE_ALLOC_COSTLY_ORDER, any type */
	ACLASS_CMA_DEVICE,
	NR_ALLOC_CLASSES
};
extern const char *const alloc_class_names[NR_ALLOC_CLASSES];
/* Inline: the replay and the allocator ask it of every allocation. */
static inline enum alloc_class gfp_alloc_class(gfp_t gfp, unsigned order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return ACLASS_HIGHORDER;
	if (!gfp_direct_reclaim(gfp))
		return ACLASS_ATOMIC;
	return gfp_migratetype(gfp) == MIGRATE_MOVABLE ? ACLASS_MOVABLE : ACLASS_UNMOVABLE;
}

/* How an allocation request ended (model.md §4.1).  Every request ends as exactly one:
 *   Σ_outcome alloc_outcome[class][outcome] == allocation requests of class
 * Failures are named by the kernel rule that fails them in __alloc_pages_slowpath (6.12);
 * there is no other way for a request to fail. */
enum alloc_outcome {
	AOUT_SATISFIED,
	AOUT_FAIL_ORDER,        /* order > MAX_PAGE_ORDER: refused before any attempt */
	AOUT_FAIL_NOWAIT,       /* no __GFP_DIRECT_RECLAIM (GFP_ATOMIC, GFP_NOWAIT): fails
				 * after the reserves its alloc flags allow */
	AOUT_FAIL_NORETRY,      /* __GFP_NORETRY: after one reclaim and compaction round */
	AOUT_FAIL_COSTLY,       /* order > PAGE_ALLOC_COSTLY_ORDER: the OOM killer does not
				 * help it; fails when reclaim/compaction retries end */
	AOUT_FAIL_RETRY_MAYFAIL,/* __GFP_RETRY_MAYFAIL: retries exhausted, no OOM kill */
	AOUT_FAIL_LOWMEM,       /* highest zone below Normal: no OOM kill for lowmem */
	AOUT_FAIL_NO_VICTIM,    /* OOM with no killable task (the kernel panics here) */
	AOUT_FAIL_CMA_BUSY,     /* device allocation: no range of the area could be taken */
	AOUT_KILLED,            /* the requesting task was OOM-killed before it was served */
	AOUT_UNFINISHED,        /* still blocked in the allocator when the run ended */
	NR_ALLOC_OUTCOMES
};
extern const char *const alloc_outcome_names[NR_ALLOC_OUTCOMES];

#endif
