/* thp_part.c — base pages of a range whose THP the replay got and the kernel did not.
 *
 * A THP fault the kernel failed (thp_fault_fallback) maps base pages over its 2 MiB range,
 * one fault at a time (do_anonymous_page, 6.18).  `mmsim import` replays the failed
 * attempt as an order-9 allocation of an id of its own that stays allocated, and writes
 * `hint id=ATTEMPT kind=thp_part` before each base page allocation of the range.  Where
 * the replay's allocator got the THP, the fault mapped the whole range with it
 * (do_huge_pmd_anonymous_page): the base page allocation that follows the hint is served
 * by it, and its id becomes an alias (OBJ_ALIAS: no pages; its free frees nothing; the
 * importer frees the THP with the range's first freed base page, as an exit or munmap
 * frees the whole range).  Where the attempt failed in the replay too, or the THP is gone,
 * the base page is allocated as in the kernel.  So the replay keeps the THP it got, as
 * the kernel keeps the one it gets, and holds no second copy of the range's memory.
 *
 * The hint and its allocation are one task's consecutive records; other tasks' records
 * may come between, so each waiting hint names its task:
 *   nr_thp_part <= MM_THP_PART_WAIT; a hint beyond that drops the oldest (its base page
 *   is then allocated).
 */
#include "mm.h"

/* The index of task's waiting hint, nr_thp_part when it has none. */
static unsigned waiting(const struct mm *mm, uint32_t task)
{
	unsigned i = 0;
	while (i < mm->nr_thp_part && mm->thp_part[i].task != task)
		i++;
	return i;
}

bool mm_thp_part_hint(struct mm *mm, const struct mm_request *req, uint64_t attempt)
{
	const struct obj_slot *s = obj_lookup(&mm->objs, attempt);
	if (!s || s->kind != OBJ_PAGES || !s->order)
		return true; /* the replay's attempt failed too, or its THP is gone */
	uint32_t task = req ? req->task : 0;
	unsigned i = waiting(mm, task);
	if (i == mm->nr_thp_part) {
		if (mm->nr_thp_part == MM_THP_PART_WAIT) {
			memmove(&mm->thp_part[0], &mm->thp_part[1], sizeof(mm->thp_part[0]) * (MM_THP_PART_WAIT - 1));
			i = MM_THP_PART_WAIT - 1;
		} else {
			mm->nr_thp_part++;
		}
	}
	mm->thp_part[i] = (struct mm_thp_part){ .task = task, .id = attempt };
	return true;
}

bool mm_thp_part_take(struct mm *mm, const struct mm_request *req, uint64_t id)
{
	uint32_t task = req ? req->task : 0;
	unsigned i = waiting(mm, task);
	if (i == mm->nr_thp_part)
		return false;
	uint64_t attempt = mm->thp_part[i].id;
	mm->thp_part[i] = mm->thp_part[--mm->nr_thp_part];
	const struct obj_slot *t = obj_lookup(&mm->objs, attempt);
	if (!t || t->kind != OBJ_PAGES || obj_lookup(&mm->objs, id))
		return false; /* gone since the hint; or a duplicate id, which the allocation counts */
	struct obj_slot *s = obj_insert_absent(mm, id);
	s->kind = OBJ_ALIAS;
	s->pfn = PFN_NONE;
	s->order = 0;
	s->task = task;
	count_vm_event(mm, VM_MMSIM_THP_PART);
	return true;
}
