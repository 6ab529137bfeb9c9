/* bigalloc.c — see bigalloc.h.  Small arrays come from calloc; from BIG_MIN bytes on an
 * anonymous mapping with MADV_HUGEPAGE (a hint: without THP it is an ordinary mapping). */
#include "bigalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define BIG_MIN (4u << 20)

void *big_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes < BIG_MIN)
		return calloc(n ? n : 1, size ? size : 1);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
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
	if (mremap(p, old, old, MREMAP_MAYMOVE | MREMAP_FIXED, q) == q)
		return q;
#endif
	memcpy(q, p, old);
	munmap(p, old);
	return q;
}

void big_free(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	if (n * size < BIG_MIN)
		free(p);
	else
		munmap(p, n * size);
}
