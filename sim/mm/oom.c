/* oom.c — the OOM killer (out_of_memory / select_bad_process / oom_kill_process, 6.12;
 * model.md §4.6).
 *
 * Badness (oom_badness without oom_score_adj): a task's resident anon pages plus its
 * swapped-out ones — the model's RSS and swap entries; page tables are not modelled and
 * file pages are taken as unmapped, so neither counts.  The task with the highest badness
 * is chosen; on a tie the later task in pid order wins, as select_bad_process lets an
 * equal later candidate replace the chosen one.  Task 0 stands for the kernel and is never
 * chosen.  The victim's anon memory is freed at once (the oom_reaper and exit_mmap,
 * without their delay): resident anon objects go back to the buddy, swapped ones release
 * their slots.  Its page cache stays (it belongs to the files, not the task).
 */
#include "mm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/engine.h"

/* A task's badness and the ids of the anon objects it was charged for.  The ids are what
 * the victim's memory is found by: a walk of the whole object table per kill reads every
 * slot of a window that can span millions of ids, for the few thousand objects of one
 * task.  An id is appended when its object is charged and dropped lazily: the list is
 * filtered down to the live ones whenever it holds more than ID_SPAN times as many ids
 * as the task has anon objects (plus ID_SLACK), so its length stays proportional to
 * them; each filter looks up every id, so a wider span costs fewer look-ups per charged
 * object (ID_SPAN / (ID_SPAN - 1)).
 *   every object o with task t and anon_pages(o) > 0 has its id in ids[0..nr_ids) of t
 *   nr_objs == the number of such objects;  nr_ids <= ID_SPAN * nr_objs + ID_SLACK */
struct task_points {
	uint64_t task; /* key: task + 1 (0 is a valid task id; U64MAP_EMPTY is not) */
	uint64_t points;
	uint64_t *ids;
	uint32_t nr_ids, cap_ids;
	uint64_t nr_objs;
};
#define ID_SPAN 4
#define ID_SLACK 64
static const struct u64map_type points_type = {
	.slot_size = sizeof(struct task_points),
	.key_words = 1,
	.min_cap = 64,
};

/* killed == every oom_victim's task; nr victims == vm_events[VM_OOM_KILL]
 * t in killed  =>  bit t % KILLED_BITS of killed_bits is set
 * points[t] == Σ anon_pages(o) over the objects o of task t (kept as objects come and go) */
#define KILLED_BITS 4096u
struct oom_state {
	struct u64map killed; /* of struct task_points (points unused) */
	/* Asked for every record issued: a clear bit answers "not killed" without a hash
	 * lookup (a few dozen victims leave most of the bits clear). */
	uint64_t killed_bits[KILLED_BITS / 64];
	struct u64map points; /* task + 1 -> its badness */
	/* Asked for every anon object allocated or freed: points_hint[t % KILLED_BITS] is
	 * 1 + the points slot task t was last found at, or 0.  A hint is used only when that
	 * slot's key is t + 1 (the map's slots move when it grows, and the key check catches
	 * it), so the map answers as it would without it. */
	uint32_t points_hint[KILLED_BITS];
	struct oom_victim *v;
	size_t nr, cap;
};

int oom_init(struct mm *mm, struct sim_error *err)
{
	(void)err;
	mm->oom = calloc(1, sizeof(*mm->oom));
	if (!mm->oom)
		abort();
	return 0;
}

void oom_destroy(struct mm *mm)
{
	if (!mm->oom)
		return;
	struct u64map *pts = &mm->oom->points;
	for (uint32_t k = 0; k < pts->cap; k++)
		if (u64map_live(pts, &points_type, k))
			free(((struct task_points *)u64map_slot(pts, &points_type, k))->ids);
	u64map_destroy(&mm->oom->killed);
	u64map_destroy(&mm->oom->points);
	free(mm->oom->v);
	free(mm->oom);
	mm->oom = NULL;
}

bool mm_task_killed(const struct mm *mm, uint32_t task)
{
	const struct oom_state *os = mm->oom;
	if (!os || !(os->killed_bits[task % KILLED_BITS / 64] >> (task % 64) & 1))
		return false;
	return u64map_find(&os->killed, &points_type, (uint64_t)task + 1) != U64MAP_NONE;
}

void oom_note_skipped(struct mm *mm, uint32_t task)
{
	struct oom_state *os = mm->oom;
	for (size_t i = os->nr; i-- > 0;) /* a task is killed once: one entry */
		if (os->v[i].task == task) {
			os->v[i].records_skipped++;
			return;
		}
}

const struct oom_victim *oom_victims(const struct mm *mm, size_t *nr)
{
	*nr = mm->oom ? mm->oom->nr : 0;
	return mm->oom ? mm->oom->v : NULL;
}

/* Pages of object s that count towards its task's badness. */
static uint64_t anon_pages(const struct mm *mm, const struct obj_slot *s)
{
	if (s->kind == OBJ_SWAPPED)
		return 1ull << s->order;
	if (s->kind == OBJ_PAGES && (mm->pages[s->pfn].flags & PF_SWAPBACKED))
		return 1ull << s->order;
	return 0;
}

/* Whether s is one of task's objects that count towards its badness. */
static bool victim_object(const struct mm *mm, const struct obj_slot *s, uint32_t task)
{
	return s && s->id != OBJ_EMPTY && s->task == task && anon_pages(mm, s);
}

#define FILTER_PREFETCH 4

/* Keep only the ids of tp's live anon objects, in their order.  An id may appear twice
 * (an importer's ids can be reused by the same task); oom_kill sorts and skips repeats. */
static void filter_ids(struct mm *mm, struct task_points *tp)
{
	uint32_t task = (uint32_t)(tp->task - 1), kept = 0;
	/* Each look-up misses twice (the slot, then its head page for PF_SWAPBACKED): both
	 * are fetched ahead, the slot first, the page once the slot has arrived. */
	for (uint32_t i = 0; i < tp->nr_ids; i++) {
		if (i + 2 * FILTER_PREFETCH < tp->nr_ids)
			obj_prefetch_slot(&mm->objs, tp->ids[i + 2 * FILTER_PREFETCH]);
		if (i + FILTER_PREFETCH < tp->nr_ids)
			obj_prefetch_pages(mm, tp->ids[i + FILTER_PREFETCH], false);
		if (victim_object(mm, obj_lookup(&mm->objs, tp->ids[i]), task))
			tp->ids[kept++] = tp->ids[i];
	}
	tp->nr_ids = kept;
}

/* oom_account (mm.h) of n anon pages, for an object that counts. */
void oom_charge(struct mm *mm, const struct obj_slot *s, bool add, uint64_t n)
{
	struct oom_state *os = mm->oom;
	uint64_t key = (uint64_t)s->task + 1;
	uint32_t *hint = &os->points_hint[s->task % KILLED_BITS];
	struct task_points *tp = *hint && *hint - 1 < os->points.cap ? u64map_slot(&os->points, &points_type, *hint - 1)
								      : NULL;
	bool added = false;
	if (!tp || tp->task != key) {
		uint32_t k = u64map_get(&os->points, &points_type, key, &added, NULL);
		if (k == U64MAP_NONE)
			abort();
		tp = u64map_slot(&os->points, &points_type, k);
		*hint = k + 1;
	}
	if (added) {
		tp->points = 0;
		tp->ids = NULL;
		tp->nr_ids = tp->cap_ids = 0;
		tp->nr_objs = 0;
	}
	sim_assert(add || (tp->points >= n && tp->nr_objs));
	tp->points = add ? tp->points + n : tp->points - n;
	if (!add) {
		tp->nr_objs--;
		/* s is still in the table (its caller removes it next) and may be kept; the
		 * next filter drops it. */
		if (tp->nr_ids > ID_SPAN * tp->nr_objs + ID_SLACK)
			filter_ids(mm, tp);
		return;
	}
	tp->nr_objs++;
	if (tp->nr_ids == tp->cap_ids) {
		uint32_t cap = tp->cap_ids ? tp->cap_ids * 2 : ID_SLACK;
		uint64_t *ids = realloc(tp->ids, cap * sizeof(*ids));
		if (!ids)
			abort();
		tp->ids = ids;
		tp->cap_ids = cap;
	}
	tp->ids[tp->nr_ids++] = s->id;
}

static int cmp_id(const void *a, const void *b);

/* Whether id is in the sorted array ids[0..nr). */
static bool sorted_has(const uint64_t *ids, uint32_t nr, uint64_t id)
{
	uint32_t lo = 0, hi = nr;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nr && ids[lo] == id;
}

bool oom_check(const struct mm *mm, char *msg, size_t msg_size)
{
	struct u64map sum = { 0 };
	bool ok = true;
	/* Each task's id list, sorted, by its slot in the points map. */
	const struct u64map *pts = &mm->oom->points;
	uint64_t **sorted = calloc(pts->cap ? pts->cap : 1, sizeof(*sorted));
	if (!sorted)
		abort();
	for (uint32_t k = 0; k < pts->cap; k++) {
		if (!u64map_live(pts, &points_type, k))
			continue;
		const struct task_points *tp = u64map_slot(pts, &points_type, k);
		sorted[k] = malloc(((size_t)tp->nr_ids + 1) * sizeof(**sorted));
		if (!sorted[k])
			abort();
		if (tp->nr_ids)
			memcpy(sorted[k], tp->ids, tp->nr_ids * sizeof(**sorted));
		qsort(sorted[k], tp->nr_ids, sizeof(**sorted), cmp_id);
	}
	for (uint32_t i = 0; i < mm->objs.cap; i++) {
		const struct obj_slot *s = &mm->objs.slots[i];
		uint64_t n;
		if (s->id == OBJ_EMPTY || s->task == 0 || !(n = anon_pages(mm, s)))
			continue;
		bool added;
		uint32_t k = u64map_get(&sum, &points_type, (uint64_t)s->task + 1, &added, NULL);
		struct task_points *tp = u64map_slot(&sum, &points_type, k);
		tp->points = (added ? 0 : tp->points) + n;
		tp->nr_objs = (added ? 0 : tp->nr_objs) + 1;
		uint32_t j = u64map_find(pts, &points_type, (uint64_t)s->task + 1);
		bool listed = j != U64MAP_NONE &&
			      sorted_has(sorted[j], ((const struct task_points *)u64map_slot(pts, &points_type, j))->nr_ids, s->id);
		if (ok && !listed)
			ok = mm_check_fail(msg, msg_size, "oom: object %llu of task %u holds anon pages but is not in its list",
					   (unsigned long long)s->id, s->task);
	}
	for (uint32_t k = 0; k < pts->cap; k++)
		free(sorted[k]);
	free(sorted);
	for (uint32_t k = 0; ok && k < pts->cap; k++) {
		if (!u64map_live(pts, &points_type, k))
			continue;
		const struct task_points *tp = u64map_slot(pts, &points_type, k);
		uint32_t j = u64map_find(&sum, &points_type, tp->task);
		const struct task_points *got = j == U64MAP_NONE ? NULL : u64map_slot(&sum, &points_type, j);
		uint64_t want = got ? got->points : 0, want_objs = got ? got->nr_objs : 0;
		if (tp->points != want)
			ok = mm_check_fail(msg, msg_size, "oom: task %llu badness %llu, its objects hold %llu anon pages",
					   (unsigned long long)(tp->task - 1), (unsigned long long)tp->points,
					   (unsigned long long)want);
		else if (tp->nr_objs != want_objs)
			ok = mm_check_fail(msg, msg_size, "oom: task %llu counted %llu anon objects, it holds %llu",
					   (unsigned long long)(tp->task - 1), (unsigned long long)tp->nr_objs,
					   (unsigned long long)want_objs);
		else if (tp->nr_ids > ID_SPAN * tp->nr_objs + ID_SLACK)
			ok = mm_check_fail(msg, msg_size, "oom: task %llu lists %u ids for %llu anon objects",
					   (unsigned long long)(tp->task - 1), tp->nr_ids, (unsigned long long)tp->nr_objs);
	}
	const struct u64map *killed = &mm->oom->killed;
	for (uint32_t k = 0; ok && k < killed->cap; k++) {
		if (!u64map_live(killed, &points_type, k))
			continue;
		uint64_t t = *u64map_key(killed, &points_type, k) - 1;
		if (!(mm->oom->killed_bits[t % KILLED_BITS / 64] >> (t % 64) & 1))
			ok = mm_check_fail(msg, msg_size, "oom: killed task %llu has no killed bit", (unsigned long long)t);
	}
	for (uint32_t k = 0; ok && k < sum.cap; k++) /* every task holding anon is accounted */
		if (u64map_live(&sum, &points_type, k) &&
		    u64map_find(pts, &points_type, *u64map_key(&sum, &points_type, k)) == U64MAP_NONE)
			ok = mm_check_fail(msg, msg_size, "oom: task %llu holds anon pages but has no badness",
					   (unsigned long long)(*u64map_key(&sum, &points_type, k) - 1));
	u64map_destroy(&sum);
	return ok;
}

/* select_bad_process: the task with the highest badness; false when none has any. */
static bool select_victim(const struct mm *mm, uint32_t *task, uint64_t *points)
{
	const struct u64map *pts = &mm->oom->points;
	bool found = false;
	for (uint32_t k = 0; k < pts->cap; k++) {
		if (!u64map_live(pts, &points_type, k))
			continue;
		const struct task_points *tp = u64map_slot(pts, &points_type, k);
		uint32_t t = (uint32_t)(tp->task - 1);
		if (!tp->points)
			continue;
		if (!found || tp->points > *points || (tp->points == *points && t > *task)) {
			*task = t;
			*points = tp->points;
			found = true;
		}
	}
	return found;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

bool oom_kill(struct mm *mm, struct mm_request *req)
{
	struct oom_state *os = mm->oom;
	uint32_t victim = 0;
	uint64_t points = 0;
	if (!select_victim(mm, &victim, &points))
		return false;
	/* The victim's anon object ids first (a copy of its list: freeing moves slots of the
	 * table, every object on it is freed, and until it is the list must still name the
	 * rest, as oom_check says). */
	struct task_points *tp = u64map_slot(&os->points, &points_type,
					     u64map_find(&os->points, &points_type, (uint64_t)victim + 1));
	filter_ids(mm, tp);
	size_t nr = tp->nr_ids;
	uint64_t *ids = malloc((nr + 1) * sizeof(*ids));
	if (!ids)
		abort();
	if (nr)
		memcpy(ids, tp->ids, nr * sizeof(*ids));
	/* Freed in id (allocation) order, as exit_mmap unmaps in address order, whatever
	 * the object table's layout; an id listed twice is freed once. */
	qsort(ids, nr, sizeof(*ids), cmp_id);
	size_t uniq = 0;
	for (size_t i = 0; i < nr; i++)
		if (!uniq || ids[i] != ids[uniq - 1])
			ids[uniq++] = ids[i];
	nr = uniq;
	uint64_t found = 0;
	for (size_t i = 0; i < nr; i++)
		found += anon_pages(mm, obj_lookup(&mm->objs, ids[i]));
	sim_assert(found == points); /* the list holds all its anon objects (oom_check) */
	(void)found;
	uint64_t freed = 0;
	for (size_t i = 0; i < nr; i++) {
		struct obj_slot *s = obj_lookup(&mm->objs, ids[i]);
		if (s->kind == OBJ_PAGES) {
			freed += 1ull << s->order;
			/* Its pins die with it (the task's GUP references are dropped at exit). */
			if (s->pins)
				mm->pages[s->pfn].flags &= (uint16_t)~PF_PINNED;
			s->pins = 0;
		}
		mm_free_req(mm, NULL, ids[i]);
	}
	free(ids);
	tp = u64map_slot(&os->points, &points_type, u64map_find(&os->points, &points_type, (uint64_t)victim + 1));
	tp->nr_ids = 0; /* every object on it freed */
	bool added;
	u64map_get(&os->killed, &points_type, (uint64_t)victim + 1, &added, NULL);
	os->killed_bits[victim % KILLED_BITS / 64] |= 1ull << (victim % 64);
	if (os->nr == os->cap) {
		os->cap = os->cap ? os->cap * 2 : 8;
		struct oom_victim *v = realloc(os->v, os->cap * sizeof(*v));
		if (!v)
			abort();
		os->v = v;
	}
	os->v[os->nr++] = (struct oom_victim){
		.task = victim,
		.time_ns = mm->engine->now_ns,
		.points = points,
		.pages_freed = freed,
		.requester = req ? req->task : 0,
	};
	count_vm_event(mm, VM_OOM_KILL);
	return true;
}
