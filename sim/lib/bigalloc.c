/* bigalloc.c — see bigalloc.h.  Small arrays come from calloc; from BIG_MIN bytes on an
 * anonymous mapping with MADV_HUGEPAGE (a hint: without THP it is an ordinary mapping),
 * whose length is a whole number of 2 MiB huge pages: its last huge page is not left
 * partly mapped, so a mapping that grows (big_realloc) moves whole huge pages and its new
 * part faults in huge pages too, not in 4 KiB pages up to the next 2 MiB boundary. */
#include "bigalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG_MIN (4u << 20)
#define BIG_HUGE (2u << 20)

/* The length of the mapping that holds bytes (>= BIG_MIN). */
static size_t map_len(size_t bytes)
{
	return (bytes + BIG_HUGE - 1) & ~(size_t)(BIG_HUGE - 1);
}

void *big_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes < BIG_MIN)
		return calloc(n ? n : 1, size ? size : 1);
	if (bytes > SIZE_MAX - BIG_HUGE)
		return NULL;
	void *p = mmap(NULL, map_len(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, map_len(bytes), MADV_HUGEPAGE);
#endif
	return p;
}

void *big_realloc(void *p, size_t n, size_t m, size_t size)
{
	if (!p)
		return big_calloc(m, size);
	if (m > SIZE_MAX / size)
		return NULL;
	size_t old = n * size, bytes = m * size;
	if (bytes < BIG_MIN) /* both small */
		return realloc(p, bytes);
	void *q = big_calloc(m, size);
	if (!q)
		return NULL;
	if (old < BIG_MIN) {
		memcpy(q, p, old);
		free(p);
		return q;
	}
#ifdef MREMAP_FIXED
	/* The old pages replace the start of the new mapping (the old one is unmapped). */
	if (mremap(p, map_len(old), map_len(old), MREMAP_MAYMOVE | MREMAP_FIXED, q) == q)
		return q;
#endif
	memcpy(q, p, old);
	munmap(p, map_len(old));
	return q;
}

void big_free(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	if (n * size < BIG_MIN)
		free(p);
	else
		munmap(p, map_len(n * size));
}
