/* import_skip.c — the pageblock skip bits as a capture began, from its compaction
 * scanners' walks (import_skip.h; docs/import.md "Skip bits").  The kernel's behaviour
 * relied on is 6.18 mm/compaction.c:
 *  - the free scanner: each isolate_freepages() of an order > 0 run begins with
 *    fast_isolate_freepages, whose event prints (min_pfn ~ cc->free_pfn).  When that took
 *    pages, no linear walk follows (only, outside async direct compaction,
 *    fast_isolate_around's scan of the found page's block).  When it took none the walk
 *    goes down a pageblock at a time from cc->free_pfn, one isolate_freepages event per
 *    block it scans: blocks between two of its events were passed over.  At the scanner's
 *    start (cc->free_pfn >= compact_init_free_pfn) a failed fast search first moves
 *    cc->free_pfn to the highest free block it saw or to min_pfn: the walk then starts
 *    somewhere in [min_pfn, free_pfn], so only what lies below min_pfn is surely walked.
 *  - the migrate scanner: each isolate_migratepages() scans one block (one event) after
 *    passing over skip-marked and unsuitable ones, going up from cc->migrate_pfn, which
 *    after an event is where it stopped.  From a pageblock boundary, for an order above
 *    PAGE_ALLOC_COSTLY_ORDER, fast_find_migrateblock may first jump to any block below
 *    high_pfn = migrate_pfn + (free_pfn - migrate_pfn) / 2 (/ 8 once past the zone's
 *    start): a gap whose next event lies below that bound may be a jump, not a walk.
 *    Async direct compaction passes blocks of another migratetype than the request's
 *    (suitable_migration_source), so only a movable request's gaps count (the replay sets
 *    bits on movable blocks only).
 *  - runs that ignore the skip bits (direct compaction at COMPACT_PRIO_SYNC_FULL,
 *    compact_node, proactive compaction: order -1, no fast search) say nothing of them.
 * Only compaction sets the bit, and only on a block it scanned, which is an event: a block
 * first seen passed over was skip-marked when the capture began, whatever resets came
 * between (a reset clears, and nothing of the capture set it again). */
#include "import_skip.h"

#include <stdlib.h>
#include <string.h>

#include "zoneinfo.h"
#include "../common.h"
#include "../kernel/gfp.h"

#define SKIP_RUNS 16
#define BLOCK_PAGES (1ull << ZONEINFO_BLOCK_ORDER)
#define COSTLY_ORDER 3

static inline uint64_t blk_start(uint64_t pfn)
{
	return pfn & ~(BLOCK_PAGES - 1);
}

enum run_ctx { CTX_NONE, CTX_DIRECT, CTX_KCOMPACTD };
enum free_walk { FW_NONE, FW_AROUND, FW_WALK };

/* A task's compaction: what its last try_to_compact_pages / kcompactd_wake said, and its
 * run in progress (between mm_compaction_begin and _end). */
struct skip_task {
	uint32_t pid;
	bool used, in_run;
	enum run_ctx ctx;
	int order;
	bool movable;
	uint64_t prio1;                  /* priority + 1; 0 unknown */
	/* the run */
	bool ignore, sync, mig_ok;
	uint64_t zone_start;
	uint64_t begin_free, free_bound; /* cc->free_pfn at begin, and at most now */
	uint64_t mig_pos;                /* cc->migrate_pfn */
	enum free_walk fw;
	uint64_t walk_above;             /* blocks below this and above the next event were passed */
};

struct import_skip {
	uint8_t *state; /* per pageblock, enum import_skip_state */
	size_t nr;
	uint64_t passed;
	struct skip_task task[SKIP_RUNS];
};

struct import_skip *import_skip_new(void)
{
	return calloc(1, sizeof(struct import_skip));
}

void import_skip_free(struct import_skip *sk)
{
	if (!sk)
		return;
	free(sk->state);
	free(sk);
}

enum import_skip_state import_skip_at(const struct import_skip *sk, uint64_t pfn)
{
	size_t b = (size_t)(pfn >> ZONEINFO_BLOCK_ORDER);
	return sk && b < sk->nr ? (enum import_skip_state)sk->state[b] : IMPORT_SKIP_UNSEEN;
}

uint64_t import_skip_passed(const struct import_skip *sk)
{
	return sk ? sk->passed : 0;
}

static int mark(struct import_skip *sk, uint64_t pfn, enum import_skip_state st)
{
	size_t b = (size_t)(pfn >> ZONEINFO_BLOCK_ORDER);
	if (b >= (1u << 26))
		return 0; /* beyond any machine the replay models */
	if (b >= sk->nr && sim_grow(&sk->state, &sk->nr, b + 1, 1, 4096))
		return -1;
	if (sk->state[b] == IMPORT_SKIP_UNSEEN) {
		sk->state[b] = (uint8_t)st;
		sk->passed += st == IMPORT_SKIP_PASSED;
	}
	return 0;
}

/* The blocks of [lo, hi) (pageblock starts) a walk passed over. */
static int passed(struct import_skip *sk, uint64_t lo, uint64_t hi)
{
	for (uint64_t b = lo; b < hi; b += BLOCK_PAGES)
		if (mark(sk, b, IMPORT_SKIP_PASSED))
			return -1;
	return 0;
}

/* The blocks an event's range [a, e) touches were scanned. */
static int scanned(struct import_skip *sk, uint64_t a, uint64_t e)
{
	for (uint64_t b = blk_start(a); b < e || b == blk_start(a); b += BLOCK_PAGES)
		if (mark(sk, b, IMPORT_SKIP_SCANNED))
			return -1;
	return 0;
}

static struct skip_task *task_of(struct import_skip *sk, uint32_t pid, bool create)
{
	struct skip_task *free_slot = NULL;
	for (int i = 0; i < SKIP_RUNS; i++) {
		if (sk->task[i].used && sk->task[i].pid == pid)
			return &sk->task[i];
		if (!sk->task[i].used && !free_slot)
			free_slot = &sk->task[i];
	}
	if (!create)
		return NULL;
	if (!free_slot) /* many tasks: forget one not in a run */
		for (int i = 0; i < SKIP_RUNS && !free_slot; i++)
			if (!sk->task[i].in_run)
				free_slot = &sk->task[i];
	if (!free_slot)
		return NULL;
	*free_slot = (struct skip_task){ .pid = pid, .used = true };
	return free_slot;
}

static void run_begin(struct skip_task *t, const struct ftrace_event *ev)
{
	uint64_t zs = ev->nr[0], mig = ev->nr[1], fr = ev->nr[2], ze = ev->nr[3];
	t->in_run = true;
	t->fw = FW_NONE;
	t->zone_start = zs;
	t->begin_free = t->free_bound = fr;
	t->mig_pos = mig;
	t->sync = ev->result == 1;
	/* What the run is, from what its task said before it: a direct compaction's
	 * try_to_compact_pages, kcompactd's wake.  Else (compact_node, proactive compaction,
	 * a begin the capture shows without either) it may ignore the skip bits. */
	t->ignore = t->ctx == CTX_NONE || (t->ctx == CTX_DIRECT && (!t->prio1 || t->prio1 == 1)) ||
		    ev->result > 1 || ze <= zs || mig < zs || fr < zs;
	/* The migrate scanner's gaps tell skip bits (or unsuitable kinds the replay leaves
	 * alone) when the run passes only those: kcompactd and sync runs, or an async direct
	 * run for a movable request. */
	t->mig_ok = !t->ignore && (t->ctx == CTX_KCOMPACTD || t->sync || t->movable);
}

/* May fast_find_migrateblock have moved the migrate scanner from pos to a block below
 * high_pfn (6.18), and where is that bound? 0: no fast search. */
static uint64_t jump_bound(const struct skip_task *t, uint64_t pos)
{
	if (pos != t->zone_start && pos != blk_start(pos))
		return 0; /* the continuation of a block's scan */
	if (t->ctx == CTX_DIRECT && (t->order <= COSTLY_ORDER || !t->movable))
		return 0;
	uint64_t distance = t->free_bound > pos ? (t->free_bound - pos) >> 1 : 0;
	if (pos != t->zone_start)
		distance >>= 2;
	return blk_start(pos + distance);
}

static int migrate_event(struct import_skip *sk, struct skip_task *t, uint64_t s, uint64_t e)
{
	if (t && t->in_run && t->mig_ok) {
		uint64_t pos = t->mig_pos;
		bool aligned = pos == t->zone_start || pos == blk_start(pos);
		if (aligned && blk_start(s) > blk_start(pos)) {
			uint64_t high = jump_bound(t, pos);
			if ((!high || blk_start(s) >= high) && passed(sk, blk_start(pos), blk_start(s)))
				return -1;
		}
	}
	if (t && t->in_run)
		t->mig_pos = e;
	return scanned(sk, s, e);
}

static int fast_event(struct skip_task *t, const struct ftrace_event *ev)
{
	if (!t || !t->in_run)
		return 0;
	uint64_t min_pfn = ev->nr[2], free_pfn = ev->nr[3];
	t->free_bound = free_pfn;
	if (t->ignore || !free_pfn || ev->nr[1]) {
		t->fw = ev->nr[1] ? FW_AROUND : FW_NONE;
		return 0;
	}
	/* The free scanner has not moved in this run: it may be at its start, where the walk
	 * begins anywhere in [min_pfn, free_pfn]. */
	uint64_t top = free_pfn >= t->begin_free ? min_pfn : free_pfn;
	t->fw = FW_WALK;
	t->walk_above = blk_start(top) + BLOCK_PAGES;
	return 0;
}

static int free_event(struct import_skip *sk, struct skip_task *t, uint64_t a, uint64_t e)
{
	if (t && t->in_run && t->fw == FW_WALK) {
		uint64_t b = blk_start(a);
		if (b < t->walk_above) {
			if (passed(sk, b + BLOCK_PAGES, t->walk_above))
				return -1;
			t->walk_above = b;
		} else {
			t->fw = FW_NONE; /* not the walk this reading expects */
		}
	} else if (t && t->fw == FW_AROUND) {
		t->fw = FW_NONE;
	}
	return scanned(sk, a, e);
}

int import_skip_event(struct import_skip *sk, const struct ftrace_event *ev)
{
	if (!sk)
		return 0;
	struct skip_task *t;
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_COMPACTION_TRY_TO_COMPACT:
		if ((t = task_of(sk, ev->pid, true))) {
			t->ctx = CTX_DIRECT;
			t->order = ev->order;
			t->movable = (ev->gfp & __GFP_MOVABLE) != 0;
			t->prio1 = ev->nr[0];
		}
		return 0;
	case FEV_COMPACTION_KCOMPACTD_WAKE:
		if ((t = task_of(sk, ev->pid, true)) && ev->order > 0) {
			t->ctx = CTX_KCOMPACTD;
			t->order = ev->order;
		}
		return 0;
	case FEV_COMPACTION_KCOMPACTD_SLEEP:
		if ((t = task_of(sk, ev->pid, false)) && !t->in_run)
			t->ctx = CTX_NONE;
		return 0;
	case FEV_COMPACTION_BEGIN:
		if ((t = task_of(sk, ev->pid, true)))
			run_begin(t, ev);
		return 0;
	case FEV_COMPACTION_END:
		if ((t = task_of(sk, ev->pid, false)))
			t->in_run = false;
		return 0;
	case FEV_COMPACTION_FAST_ISOLATE_FREEPAGES:
		return ev->nr[3] ? fast_event(task_of(sk, ev->pid, false), ev) : 0;
	case FEV_COMPACTION_ISOLATE_FREEPAGES:
		return ev->nr[3] ? free_event(sk, task_of(sk, ev->pid, false), ev->nr[2], ev->nr[3]) : 0;
	case FEV_COMPACTION_ISOLATE_MIGRATEPAGES:
		return ev->nr[3] ? migrate_event(sk, task_of(sk, ev->pid, false), ev->nr[2], ev->nr[3]) : 0;
	default:
		return 0;
	}
}
