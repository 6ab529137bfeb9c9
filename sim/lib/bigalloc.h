/* bigalloc.h — zeroed arrays of many megabytes (the page frames, the object table) that
 * are touched at random: mapped anonymously and marked for transparent huge pages, so a
 * random access costs a cache miss but rarely a TLB miss as well (4 KiB pages would need
 * one TLB entry per 256 page frames). */
#ifndef MMSIM_LIB_BIGALLOC_H
#define MMSIM_LIB_BIGALLOC_H

#include <stddef.h>

/* n * size zero bytes, or NULL when memory runs out (or n * size overflows). */
void *big_calloc(size_t n, size_t size);
/* Grow what big_calloc(n, size) returned (or NULL) to m >= n elements, as realloc does:
 * the first n * size bytes are kept, the rest are not set (the caller writes them); NULL
 * when memory runs out (p is then still valid).  A mapping grows by moving its pages into
 * a fresh mapping of the new size (mremap): its contents are neither copied nor zeroed
 * again, and the new mapping keeps the kernel's huge-page alignment. */
void *big_realloc(void *p, size_t n, size_t m, size_t size);
/* Release what big_calloc(n, size) or big_realloc(p, k, n, size) returned (NULL is fine). */
void big_free(void *p, size_t n, size_t size);

#endif
