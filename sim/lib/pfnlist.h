/* pfnlist.h — a doubly linked list threaded through an array by pfn index.
 *
 * The kernel links struct page through page->lru (a list_head inside the page); here an
 * element is named by its index (pfn) in an array of fixed-stride records, and each record
 * begins with its two links, `pfn_t next, prev`.  PFN_NONE ends the list in both
 * directions, so an element's links are PFN_NONE exactly when it is alone or off-list.
 * The array is described by struct pfn_links so this header needs only common.h; the
 * caller's record type stays its own (mm's page_frame is 16 bytes with the links first).
 *
 * For a list l over links a:
 *   l.head == PFN_NONE  <=>  l.tail == PFN_NONE  <=>  the list is empty
 *   next(l.tail) == PFN_NONE, prev(l.head) == PFN_NONE
 *   for every element x: next(x) != PFN_NONE  =>  prev(next(x)) == x
 */
#ifndef MMSIM_LIB_PFNLIST_H
#define MMSIM_LIB_PFNLIST_H

#include "../common.h"

#include <stddef.h>

struct pfn_list {
	pfn_t head, tail;
};

/* Element pfn's record starts at base + pfn * stride with `pfn_t next, prev`. */
struct pfn_links {
	char *base;
	size_t stride;
};

static inline pfn_t *pfn_next(struct pfn_links a, pfn_t pfn)
{
	return (pfn_t *)(a.base + (size_t)pfn * a.stride);
}

static inline pfn_t *pfn_prev(struct pfn_links a, pfn_t pfn)
{
	return (pfn_t *)(a.base + (size_t)pfn * a.stride + sizeof(pfn_t));
}

static inline void pfn_list_init(struct pfn_list *l)
{
	l->head = l->tail = PFN_NONE;
}

static inline bool pfn_list_empty(const struct pfn_list *l)
{
	return l->head == PFN_NONE;
}

/* list_add: pfn becomes the first element. */
static inline void pfn_list_add_head(struct pfn_list *l, struct pfn_links a, pfn_t pfn)
{
	*pfn_prev(a, pfn) = PFN_NONE;
	*pfn_next(a, pfn) = l->head;
	if (l->head != PFN_NONE)
		*pfn_prev(a, l->head) = pfn;
	else
		l->tail = pfn;
	l->head = pfn;
}

/* list_add_tail: pfn becomes the last element. */
static inline void pfn_list_add_tail(struct pfn_list *l, struct pfn_links a, pfn_t pfn)
{
	*pfn_next(a, pfn) = PFN_NONE;
	*pfn_prev(a, pfn) = l->tail;
	if (l->tail != PFN_NONE)
		*pfn_next(a, l->tail) = pfn;
	else
		l->head = pfn;
	l->tail = pfn;
}

static inline void pfn_list_add(struct pfn_list *l, struct pfn_links a, pfn_t pfn, bool tail)
{
	if (tail)
		pfn_list_add_tail(l, a, pfn);
	else
		pfn_list_add_head(l, a, pfn);
}

/* list_del_init: unlink pfn (which must be on l) and leave its links PFN_NONE. */
static inline void pfn_list_del(struct pfn_list *l, struct pfn_links a, pfn_t pfn)
{
	pfn_t next = *pfn_next(a, pfn), prev = *pfn_prev(a, pfn);
	if (prev != PFN_NONE)
		*pfn_next(a, prev) = next;
	else
		l->head = next;
	if (next != PFN_NONE)
		*pfn_prev(a, next) = prev;
	else
		l->tail = prev;
	*pfn_next(a, pfn) = *pfn_prev(a, pfn) = PFN_NONE;
}

/* list_rotate_to_front: pfn (on l) becomes the head; the elements before it move, in
 * their order, behind the tail.  pfn == head or PFN_NONE: nothing moves. */
static inline void pfn_list_rotate_to_head(struct pfn_list *l, struct pfn_links a, pfn_t pfn)
{
	if (pfn == PFN_NONE || pfn == l->head)
		return;
	pfn_t before = *pfn_prev(a, pfn);
	*pfn_next(a, l->tail) = l->head;
	*pfn_prev(a, l->head) = l->tail;
	*pfn_next(a, before) = PFN_NONE;
	*pfn_prev(a, pfn) = PFN_NONE;
	l->head = pfn;
	l->tail = before;
}

/* list_replace_init: new_pfn takes old_pfn's place on l; old_pfn's links become PFN_NONE. */
static inline void pfn_list_replace(struct pfn_list *l, struct pfn_links a, pfn_t old_pfn, pfn_t new_pfn)
{
	pfn_t next = *pfn_next(a, old_pfn), prev = *pfn_prev(a, old_pfn);
	*pfn_next(a, new_pfn) = next;
	*pfn_prev(a, new_pfn) = prev;
	if (prev != PFN_NONE)
		*pfn_next(a, prev) = new_pfn;
	else
		l->head = new_pfn;
	if (next != PFN_NONE)
		*pfn_prev(a, next) = new_pfn;
	else
		l->tail = new_pfn;
	*pfn_next(a, old_pfn) = *pfn_prev(a, old_pfn) = PFN_NONE;
}

#endif
