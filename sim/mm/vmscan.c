/* vmscan.c — reclaim, kswapd, writeback and swap (issue 3). Until that lands: no reclaim;
 * access/dirty/hint records only update page flags. */
#include "mm.h"

const char *const lru_list_names[NR_LRU_LISTS] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "easily_reclaimable",
};
_Static_assert(ARRAY_SIZE(lru_list_names) == NR_LRU_LISTS, "names");

int reclaim_init(struct mm *mm, struct sim_error *err) { (void)mm; (void)err; return 0; }
void reclaim_destroy(struct mm *mm) { (void)mm; }

static struct obj_slot *resident(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	return s && s->kind == OBJ_PAGES ? s : NULL;
}

bool mm_access(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = resident(mm, id);
	if (s)
		mm->pages[s->pfn].flags |= PF_REFERENCED;
	return s != NULL;
}

bool mm_dirty(struct mm *mm, uint64_t id)
{
	struct obj_slot *s = resident(mm, id);
	if (s)
		mm->pages[s->pfn].flags |= PF_DIRTY;
	return s != NULL;
}

bool mm_hint(struct mm *mm, uint64_t id, int hint_kind)
{
	(void)hint_kind;
	return resident(mm, id) != NULL;
}
