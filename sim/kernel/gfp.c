#include "gfp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gfp_name {
	gfp_t mask;
	const char *name;
};

/* __print_flags order (model.md §8.7): composites first, each printed when all of its
 * bits are present, then single bits. */
static const struct gfp_name gfp_names[] = {
	{ GFP_TRANSHUGE, "GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_DMA, "GFP_DMA" },
	{ GFP_DMA32, "GFP_DMA32" },
	{ __GFP_RECLAIM, "__GFP_RECLAIM" },
	{ __GFP_DMA, "__GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ __GFP_DMA32, "__GFP_DMA32" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_WRITE, "__GFP_WRITE" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_THISNODE, "__GFP_THISNODE" },
	{ __GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ __GFP_ZEROTAGS, "__GFP_ZEROTAGS" },
	{ __GFP_NO_OBJ_EXT, "__GFP_NO_OBJ_EXT" },
};

const char *const alloc_class_names[NR_ALLOC_CLASSES] = {
	"movable", "unmovable", "atomic", "highorder", "cma_device",
};
_Static_assert(ARRAY_SIZE(alloc_class_names) == NR_ALLOC_CLASSES, "names");

const char *const alloc_outcome_names[NR_ALLOC_OUTCOMES] = {
	[AOUT_SATISFIED] = "satisfied",
	[AOUT_FAIL_ORDER] = "fail_order",
	[AOUT_FAIL_NOWAIT] = "fail_nowait",
	[AOUT_FAIL_NORETRY] = "fail_noretry",
	[AOUT_FAIL_COSTLY] = "fail_costly",
	[AOUT_FAIL_RETRY_MAYFAIL] = "fail_retry_mayfail",
	[AOUT_FAIL_LOWMEM] = "fail_lowmem",
	[AOUT_FAIL_NO_VICTIM] = "fail_no_victim",
	[AOUT_FAIL_CMA_BUSY] = "fail_cma_busy",
	[AOUT_KILLED] = "killed",
	[AOUT_UNFINISHED] = "unfinished",
};
_Static_assert(ARRAY_SIZE(alloc_outcome_names) == NR_ALLOC_OUTCOMES, "names");

int gfp_parse(const char *s, size_t len, gfp_t *out, size_t *bad_col)
{
	gfp_t gfp = 0;
	size_t i = 0;
	if (len == 4 && !memcmp(s, "none", 4)) {
		*out = 0;
		return 0;
	}
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '|')
			j++;
		size_t n = j - i;
		bool found = false;
		if (n > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			char tmp[24];
			char *end;
			if (n < sizeof(tmp)) {
				memcpy(tmp, s + i, n);
				tmp[n] = 0;
				unsigned long v = strtoul(tmp, &end, 16);
				if (*end == 0 && v <= UINT32_MAX) {
					gfp |= (gfp_t)v;
					found = true;
				}
			}
		} else {
			for (size_t k = 0; k < ARRAY_SIZE(gfp_names); k++) {
				if (strlen(gfp_names[k].name) == n && !memcmp(gfp_names[k].name, s + i, n)) {
					gfp |= gfp_names[k].mask;
					found = true;
					break;
				}
			}
		}
		if (!found || n == 0) {
			if (bad_col)
				*bad_col = i;
			return -1;
		}
		i = j + 1;
		if (j + 1 == len) { /* trailing '|' */
			if (bad_col)
				*bad_col = len;
			return -1;
		}
	}
	*out = gfp;
	return 0;
}

size_t gfp_format(gfp_t gfp, char *buf, size_t size)
{
	size_t n = 0;
	if (size == 0)
		return 0;
	buf[0] = 0;
	if (gfp == 0)
		return (size_t)snprintf(buf, size, "none");
	for (size_t k = 0; k < ARRAY_SIZE(gfp_names) && gfp; k++) {
		if ((gfp & gfp_names[k].mask) == gfp_names[k].mask) {
			n += (size_t)snprintf(buf + MIN(n, size - 1), size - MIN(n, size - 1), "%s%s",
					      n ? "|" : "", gfp_names[k].name);
			gfp &= ~gfp_names[k].mask;
		}
	}
	if (gfp)
		n += (size_t)snprintf(buf + MIN(n, size - 1), size - MIN(n, size - 1), "%s0x%x",
				      n ? "|" : "", gfp);
	return MIN(n, size - 1);
}

unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order)
{
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
	if (gfp & __GFP_HIGH)
		flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		flags |= ALLOC_KSWAPD;
	if (!gfp_direct_reclaim(gfp) && !(gfp & __GFP_NOMEMALLOC)) {
		/* Cannot block: may dip further (model.md §3.3); high-order atomic may use and
		 * create the highatomic reserve. A non-blocking __GFP_HIGH drops cpuset. */
		flags |= ALLOC_NON_BLOCK;
		if (order > 0 && (flags & ALLOC_MIN_RESERVE))
			flags |= ALLOC_HIGHATOMIC;
		if (flags & ALLOC_MIN_RESERVE)
			flags &= ~ALLOC_CPUSET;
	}
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		flags |= ALLOC_CMA;
	return flags;
}
