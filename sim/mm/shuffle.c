/* shuffle.c — free-list shuffling as CONFIG_SHUFFLE_PAGE_ALLOCATOR with page_alloc.shuffle=1
 * (mm/shuffle.c in 6.12, model.md §2.10).
 *
 * Boot hands memory to the buddy lists in address order (mm_free_boot_range), so a fresh
 * machine allocates from its lowest pfns first and whatever lies there (a CMA area, a
 * small zone) decides early results.  The kernel's shuffle randomises that order twice:
 *   - once after boot, __shuffle_zone: for every free block of SHUFFLE_ORDER in the zone,
 *     in pfn order, pick a random aligned pfn of the zone (up to SHUFFLE_RETRY draws until
 *     it is another free block of that order) and, when both pageblocks have the same
 *     migratetype, swap the two blocks' positions on the free list (list_swap);
 *   - on every free that ends at SHUFFLE_ORDER or above, __free_one_page puts the block at
 *     the head or the tail of its list by a random bit (shuffle_pick_tail) instead of
 *     asking buddy_merge_likely.
 * The kernel draws from get_random_long(); here one xoshiro256** stream per node, seeded
 * from the run's seed, so a run is reproducible and two seeds shuffle differently.
 */
#include "mm.h"
#include "../lib/splitmix.h"

#define SHUFFLE_RETRY 10

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t shuffle_random_u64(struct mm *mm)
{
	uint64_t *s = mm->shuffle.s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void shuffle_init(struct mm *mm)
{
	/* Its own stream: the seed mixed with a constant ("shuffle" in ASCII), so the
	 * shuffle does not share numbers with the workload generators' streams. */
	uint64_t x = mm->cfg->seed ^ 0x73687566666c65ull;
	for (int i = 0; i < 4; i++)
		mm->shuffle.s[i] = splitmix64_next(&x);
	mm->shuffle.nr_bits = 0;
	mm->shuffle.enabled = mm->cfg->machine.shuffle;
}

/* shuffle_pick_tail (6.12): one random bit per call, 64 drawn at a time. */
bool shuffle_pick_tail(struct mm *mm)
{
	struct mm_shuffle *sh = &mm->shuffle;
	if (!sh->nr_bits) {
		sh->bits = shuffle_random_u64(mm);
		sh->nr_bits = 64;
	}
	bool tail = sh->bits & 1;
	sh->bits >>= 1;
	sh->nr_bits--;
	return tail;
}

/* shuffle_valid_page: pfn heads a free block of exactly `order` in zone z. */
static bool shuffle_valid(const struct mm *mm, const struct zone *z, pfn_t pfn, unsigned order)
{
	if (pfn < z->start_pfn || pfn >= zone_end_pfn(z))
		return false;
	const struct page_frame *p = &mm->pages[pfn];
	return (p->flags & PF_BUDDY) && p->order == order;
}

/* Insert pfn after pos on l (list_add(entry, pos)); pos PFN_NONE: at the head. */
static void list_add_after(struct pfn_list *l, struct pfn_links a, pfn_t pfn, pfn_t pos)
{
	if (pos == PFN_NONE) {
		pfn_list_add_head(l, a, pfn);
		return;
	}
	pfn_t next = *pfn_next(a, pos);
	*pfn_next(a, pfn) = next;
	*pfn_prev(a, pfn) = pos;
	*pfn_next(a, pos) = pfn;
	if (next != PFN_NONE)
		*pfn_prev(a, next) = pfn;
	else
		l->tail = pfn;
}

/* list_swap: i and j (both on l) exchange positions. */
static void list_swap(struct pfn_list *l, struct pfn_links a, pfn_t i, pfn_t j)
{
	pfn_t pos = *pfn_prev(a, j);
	pfn_list_del(l, a, j);
	pfn_list_replace(l, a, i, j);
	if (pos == i)
		pos = j;
	list_add_after(l, a, i, pos);
}

/* __shuffle_zone (6.12). */
static void shuffle_zone(struct mm *mm, struct zone *z)
{
	const unsigned order = SHUFFLE_ORDER;
	const pfn_t order_pages = (pfn_t)1 << order;
	struct pfn_links links = page_links(mm->pages);
	pfn_t start = (z->start_pfn + order_pages - 1) & ~(order_pages - 1);
	for (pfn_t i = start; i < zone_end_pfn(z); i += order_pages) {
		if (!shuffle_valid(mm, z, i, order))
			continue;
		pfn_t j = PFN_NONE;
		int retry;
		for (retry = 0; retry < SHUFFLE_RETRY; retry++) {
			j = z->start_pfn + (pfn_t)((shuffle_random_u64(mm) % z->spanned) & ~(uint64_t)(order_pages - 1));
			if (shuffle_valid(mm, z, j, order) && j != i)
				break;
		}
		if (retry >= SHUFFLE_RETRY)
			continue;
		/* Blocks of different migratetypes sit on different lists (a CMA block and a
		 * MOVABLE one): the kernel leaves such a pair alone. */
		enum migratetype mt = mm_pageblock(mm, i)->mt;
		if (mm_pageblock(mm, j)->mt != mt)
			continue;
		sim_assert2(mm->pages[i].mt == mt && mm->pages[j].mt == mt);
		list_swap(&z->free_area[order].free_list[mt], links, i, j);
	}
}

/* shuffle_free_memory: every populated zone, once the boot memory is on the lists. */
void shuffle_free_memory(struct mm *mm)
{
	if (!mm->shuffle.enabled)
		return;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone_populated(&mm->zones[i]))
			shuffle_zone(mm, &mm->zones[i]);
}
