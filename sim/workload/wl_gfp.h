/* wl_gfp.h — the gfp bits the generators emit, kernel 6.18 x86-64 numbering
 * (reference §8.7).  Private stand-in until sim/mm/gfp.h is in main; the names and
 * values are the kernel's, so switching is a change of include only. */
#ifndef MMSIM_WL_GFP_H
#define MMSIM_WL_GFP_H

#include <stdint.h>

#ifndef GFP_KERNEL
#define WL_BIT(n) ((uint32_t)1 << (n))
#define __GFP_DMA WL_BIT(0)
#define __GFP_HIGHMEM WL_BIT(1)
#define __GFP_DMA32 WL_BIT(2)
#define __GFP_MOVABLE WL_BIT(3)
#define __GFP_RECLAIMABLE WL_BIT(4)
#define __GFP_HIGH WL_BIT(5)
#define __GFP_IO WL_BIT(6)
#define __GFP_FS WL_BIT(7)
#define __GFP_ZERO WL_BIT(8)
#define __GFP_DIRECT_RECLAIM WL_BIT(10)
#define __GFP_KSWAPD_RECLAIM WL_BIT(11)
#define __GFP_WRITE WL_BIT(12)
#define __GFP_NOWARN WL_BIT(13)
#define __GFP_RETRY_MAYFAIL WL_BIT(14)
#define __GFP_NOFAIL WL_BIT(15)
#define __GFP_NORETRY WL_BIT(16)
#define __GFP_MEMALLOC WL_BIT(17)
#define __GFP_COMP WL_BIT(18)
#define __GFP_NOMEMALLOC WL_BIT(19)
#define __GFP_HARDWALL WL_BIT(20)
#define __GFP_THISNODE WL_BIT(21)
#define __GFP_ACCOUNT WL_BIT(22)

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (GFP_KERNEL | __GFP_HARDWALL)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)
#endif

/* hugetlbfs / stress-highalloc request: GFP_HIGHUSER_MOVABLE | __GFP_COMP |
 * __GFP_RETRY_MAYFAIL | __GFP_NOWARN (mmtests' GFP_ALLOC_LIKE_HUGETLBFS). */
#define WL_GFP_HUGETLB (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

#endif
