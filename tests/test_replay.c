/* test_replay.c — records replayed as requests of sequential tasks (sim/replay.c,
 * architecture.md §3): open and closed replay around a stall, the make-slot critical path
 * of `task ... after` records, the allocation-outcome identity under reclaim, swap and OOM,
 * records of OOM-killed tasks, and an overcommitted kbuild that must finish.
 *
 * Issue and completion times come from the sim's on_issue / on_complete observers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "kernel/gfp.h"
#include "mm/mm.h"
#include "sim.h"
#include "testlib.h"
#include "trace/trace.h"
#include "workload/workload.h"

/* A check whose result the caller uses to stop early. */
#define OK(cond) tl_check(!!(cond), __FILE__, __LINE__, "%s failed", #cond)

#define ANON (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)
#define FILE_GFP GFP_HIGHUSER_MOVABLE

/* ---- an array-backed record source ------------------------------------------------- */

struct arr_src {
	const struct trace_record *v;
	size_t n, i;
};

static int arr_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	struct arr_src *a = ctx;
	(void)err;
	if (a->i == a->n)
		return 0;
	*rec = a->v[a->i++];
	return 1;
}

/* A growable record array (the scripted and random traces). */
struct recs {
	struct trace_record *v;
	size_t n, cap;
};

static void recs_push(struct recs *r, sim_ns_t t, uint32_t task, enum trace_kind kind, uint64_t id,
		      unsigned order, gfp_t gfp, int32_t arg)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			abort();
	}
	r->v[r->n++] = (struct trace_record){
		.time_ns = t, .task = task, .kind = (uint8_t)kind, .id = id,
		.order = (uint8_t)order, .gfp = gfp, .arg = arg,
	};
}

/* ---- observers --------------------------------------------------------------------- */

struct event {
	struct trace_record rec;
	sim_ns_t ns;
};

struct obs {
	struct event *issued, *completed;
	size_t nr_issued, nr_completed, cap_issued, cap_completed;
	uint64_t alloc_issued;
	uint64_t fault_issued; /* access and dirty records: may fault a page back in */
	bool keep; /* keep every event (scripted tests); the random test only counts */
};

static void ev_push(struct event **v, size_t *n, size_t *cap, const struct trace_record *rec, sim_ns_t ns)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			abort();
	}
	(*v)[(*n)++] = (struct event){ .rec = *rec, .ns = ns };
}

static void obs_issue(void *ctx, const struct trace_record *rec, sim_ns_t now_ns)
{
	struct obs *o = ctx;
	if (rec->kind == TR_ALLOC)
		o->alloc_issued++;
	if (rec->kind == TR_ACCESS || rec->kind == TR_DIRTY)
		o->fault_issued++;
	if (o->keep)
		ev_push(&o->issued, &o->nr_issued, &o->cap_issued, rec, now_ns);
}

static void obs_complete(void *ctx, const struct trace_record *rec, sim_ns_t end_ns)
{
	struct obs *o = ctx;
	if (o->keep)
		ev_push(&o->completed, &o->nr_completed, &o->cap_completed, rec, end_ns);
}

static void obs_free(struct obs *o)
{
	free(o->issued);
	free(o->completed);
	memset(o, 0, sizeof(*o));
}

/* When the nth (0-based) record of task/kind/id was issued (or completed); UINT64_MAX if
 * it never was. */
static sim_ns_t ev_time(const struct event *v, size_t n, uint32_t task, enum trace_kind kind, uint64_t id,
			unsigned nth)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].rec.task == task && v[i].rec.kind == kind && v[i].rec.id == id && !nth--)
			return v[i].ns;
	return UINT64_MAX;
}

static sim_ns_t issued_at(const struct obs *o, uint32_t task, enum trace_kind kind, uint64_t id, unsigned nth)
{
	return ev_time(o->issued, o->nr_issued, task, kind, id, nth);
}

static sim_ns_t completed_at(const struct obs *o, uint32_t task, enum trace_kind kind, uint64_t id, unsigned nth)
{
	return ev_time(o->completed, o->nr_completed, task, kind, id, nth);
}

/* ---- running a trace --------------------------------------------------------------- */

/* The machine of the stall tests: only a Normal zone of 16384 pages, a disk that writes
 * one 4 KiB page in exactly 10 us (409,600,000 B/s) with 100 us latency, dirty_ratio =
 * dirty_background_ratio = 1 %, free fast-path allocations, no swap. */
static void stall_machine(struct config *c, enum replay_mode mode)
{
	config_defaults(c);
	memset(c->machine.zone_pages, 0, sizeof(c->machine.zone_pages));
	c->machine.zone_pages[ZONE_NORMAL] = 16384;
	c->devices.disk_bandwidth_bps = 409600000;
	c->devices.disk_latency_ns = 100000;
	c->devices.swap_pages = 0;
	c->policy.dirty_ratio = 1;
	c->policy.dirty_background_ratio = 1;
	c->costs.alloc_fast_ns = 0;
	c->workload.replay = mode;
}

/* Replay v[0..n) on a sim built from c; the observer o records what happened. */
static bool run_records(struct sim *s, const struct config *c, const struct trace_record *v, size_t n,
			struct obs *o, int check_every)
{
	struct sim_error err;
	if (sim_init(s, c, NULL, &err)) {
		fprintf(stderr, "sim_init: %s\n", err.msg);
		return false;
	}
	s->check_every = check_every;
	s->on_issue = obs_issue;
	s->on_complete = obs_complete;
	s->observer_ctx = o;
	struct arr_src a = { .v = v, .n = n };
	struct record_source src = { .next = arr_next, .ctx = &a };
	if (sim_run(s, &src, &err)) {
		fprintf(stderr, "sim_run: %s\n", err.msg);
		sim_destroy(s);
		return false;
	}
	return true;
}

static uint64_t outcome_total(const struct sim *s)
{
	uint64_t n = 0;
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		for (int o = 0; o < NR_ALLOC_OUTCOMES; o++)
			n += s->mm.alloc_outcome[c][o];
	return n;
}

/* ---- 1. open vs closed replay around a dirty-throttle stall -------------------------- */

/* Trace (two tasks), on stall_machine():
 *   t=0        task1 alloc id=1 order=9 GFP_HIGHUSER_MOVABLE|__GFP_COMP   (512 file pages)
 *   t=0        task2 alloc id=2 order=0 GFP_HIGHUSER_MOVABLE              (1 file page)
 *   t=1000     task1 dirty id=1
 *   t=2000     task1 access id=1
 *   t=3000     task2 access id=2
 *   t=5000000  task1 access id=1
 *   t=5000000  task2 access id=2
 * writeback_dirty_page on the dirty record: dirtyable (global_dirtyable_memory) = free -
 * totalreserve + file LRU.  Free is 16384 - 512 (id 1) - 3 (id 2's per-cpu refill: one
 * page for it, two left on the list) = 15869; totalreserve is the zone's high watermark,
 * 384 (min_free_kbytes sqrt(16 * 65536) = 1024 KiB: min 256 pages, low and high 64 apart);
 * the file LRU is 513.  dirtyable = 15869 - 384 + 513 = 15998, so bg_thresh = thresh =
 * 15998 * 1 / 100 = 159.  nr_dirty = 512 > 159 wakes the flusher for 512 - 159 = 353
 * pages; the object is one compound page, so all 512 go to writeback (nr_dirty 0,
 * nr_writeback 512).  nr_dirty + nr_writeback = 512 > 159: balance_dirty_pages pauses
 * for the transfer of 512 - 159 = 353 pages = 353 × 10 us = 3,530,000 ns (< MAX_PAUSE
 * 200 ms).  Task1's dirty record completes at 1000 + 3,530,000 = 3,531,000.  Everything
 * else costs nothing (alloc_fast 0, resident pages).
 *   open:   task1's access@2000 waits in its backlog and is issued when it is free, at
 *           3,531,000; its access@5,000,000 at 5,000,000; task2 at its trace times;
 *           elapsed = 5,000,000 (the last record, completing at once).
 *   closed: task1's later records shift by 3,530,000: 2000 -> 3,532,000 and 5,000,000 ->
 *           8,530,000; task2 is not shifted; elapsed = 8,530,000. */
static void stall_trace(struct recs *r)
{
	recs_push(r, 0, 1, TR_ALLOC, 1, 9, FILE_GFP | __GFP_COMP, 0);
	recs_push(r, 0, 2, TR_ALLOC, 2, 0, FILE_GFP, 0);
	recs_push(r, 1000, 1, TR_DIRTY, 1, 0, 0, 0);
	recs_push(r, 2000, 1, TR_ACCESS, 1, 0, 0, 0);
	recs_push(r, 3000, 2, TR_ACCESS, 2, 0, 0, 0);
	recs_push(r, 5000000, 1, TR_ACCESS, 1, 0, 0, 0);
	recs_push(r, 5000000, 2, TR_ACCESS, 2, 0, 0, 0);
}

static void test_open_vs_closed_stall(void)
{
	struct recs r = { 0 };
	stall_trace(&r);
	for (int m = 0; m < 2; m++) {
		enum replay_mode mode = m ? REPLAY_CLOSED : REPLAY_OPEN;
		struct config c;
		stall_machine(&c, mode);
		static struct sim s;
		struct obs o = { .keep = true };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1)))
			continue;
		CHECK_EQ(o.nr_issued, 7);
		CHECK_EQ(issued_at(&o, 1, TR_ALLOC, 1, 0), 0);
		CHECK_EQ(issued_at(&o, 2, TR_ALLOC, 2, 0), 0);
		CHECK_EQ(issued_at(&o, 1, TR_DIRTY, 1, 0), 1000);
		CHECK_EQ(completed_at(&o, 1, TR_DIRTY, 1, 0), 3531000);
		CHECK_EQ(issued_at(&o, 2, TR_ACCESS, 2, 0), 3000);
		CHECK_EQ(issued_at(&o, 2, TR_ACCESS, 2, 1), 5000000);
		if (mode == REPLAY_OPEN) {
			CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 0), 3531000);
			CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 1), 5000000);
			CHECK_EQ(sim_elapsed_ns(&s), 5000000);
		} else {
			CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 0), 3532000);
			CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 1), 8530000);
			CHECK_EQ(sim_elapsed_ns(&s), 8530000);
		}
		CHECK_EQ(s.mm.alloc_outcome[ACLASS_HIGHORDER][AOUT_SATISFIED], 1);
		CHECK_EQ(s.mm.alloc_outcome[ACLASS_MOVABLE][AOUT_SATISFIED], 1);
		CHECK_EQ(s.records_unissued, 0);
		printf("     %s: task1 access issued at %" PRIu64 " and %" PRIu64 " ns, elapsed %" PRIu64 " ns\n",
		       mode == REPLAY_OPEN ? "open" : "closed", issued_at(&o, 1, TR_ACCESS, 1, 0),
		       issued_at(&o, 1, TR_ACCESS, 1, 1), sim_elapsed_ns(&s));
		obs_free(&o);
		sim_destroy(&s);
	}
	free(r.v);
}

/* A backlog longer than its chunks, on stall_machine() with one task (the arithmetic of
 * stall_trace without task 2's page): task 1's 512 file pages are dirtied at 1000 ns;
 * free = 16384 - 512 = 15872, dirtyable = 15872 - 384 reserve + 512 file = 16000, thresh =
 * 160, so balance_dirty_pages pauses for 512 - 160 = 352 pages × 10 us = 3,520,000 ns and
 * the dirty record completes at 3,521,000.  600 accesses arrive meanwhile, at 2000 + i ns,
 * so the backlog spans three chunks of 254 (backlog.h); then two more at 5,000,000 and
 * 5,000,001 find it empty again.  Open: the 600 are issued in their order at 3,521,000
 * (each completes at once), the last two at their trace times.  Closed: each is shifted by the stall:
 * issued at 3,522,000 + i, and 8,520,000 and 8,520,001. */
static void test_long_backlog(void)
{
	struct recs r = { 0 };
	recs_push(&r, 0, 1, TR_ALLOC, 1, 9, FILE_GFP | __GFP_COMP, 0);
	recs_push(&r, 1000, 1, TR_DIRTY, 1, 0, 0, 0);
	for (int i = 0; i < 600; i++)
		recs_push(&r, 2000 + (sim_ns_t)i, 1, TR_ACCESS, 1, 0, 0, 0);
	recs_push(&r, 5000000, 1, TR_ACCESS, 1, 0, 0, 0);
	recs_push(&r, 5000001, 1, TR_ACCESS, 1, 0, 0, 0);
	for (int m = 0; m < 2; m++) {
		enum replay_mode mode = m ? REPLAY_CLOSED : REPLAY_OPEN;
		struct config c;
		stall_machine(&c, mode);
		static struct sim s;
		struct obs o = { .keep = true };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 0)))
			continue;
		CHECK_EQ(o.nr_issued, 604);
		CHECK_EQ(completed_at(&o, 1, TR_DIRTY, 1, 0), 3521000);
		unsigned bad = 0;
		for (unsigned i = 0; i < 600; i++) {
			sim_ns_t want = mode == REPLAY_OPEN ? 3521000 : 3522000 + (sim_ns_t)i;
			bad += issued_at(&o, 1, TR_ACCESS, 1, i) != want;
		}
		CHECK_EQ(bad, 0);
		/* in the order they arrived: the records' own times ascend */
		sim_ns_t last = 0;
		unsigned out_of_order = 0;
		for (size_t k = 0; k < o.nr_issued; k++) {
			if (o.issued[k].rec.kind != TR_ACCESS)
				continue;
			out_of_order += o.issued[k].rec.time_ns <= last;
			last = o.issued[k].rec.time_ns;
		}
		CHECK_EQ(out_of_order, 0);
		CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 600), mode == REPLAY_OPEN ? 5000000 : 8520000);
		CHECK_EQ(issued_at(&o, 1, TR_ACCESS, 1, 601), mode == REPLAY_OPEN ? 5000001 : 8520001);
		CHECK_EQ(s.records_unissued, 0);
		obs_free(&o);
		sim_destroy(&s);
	}
	free(r.v);
}

/* ---- 2. a make slot: `task T after P` and the critical path --------------------------- */

/* Closed replay on stall_machine():
 *   job A (task 10): task after=0 @0; alloc id=1 order=9 file @0; dirty id=1 @10 us;
 *                    access id=1 @50 us
 *   job B (task 11): task after=10 @100 us; alloc id=2 order=0 file @100 us;
 *                    access id=2 @200 us
 *   task 12:         alloc id=3 order=0 file @0; access id=3 @300 us
 * At A's dirty (10 us) the file pages are ids 1 and 3 and free is 15869 (id 3 took one
 * page of a three-page per-cpu refill): dirtyable = 15869 - 384 reserve + 513 file =
 * 15998 (B's page comes later), thresh 159, so the stall is again 353 pages × 10 us =
 * 3,530,000: A's dirty completes at 3,540,000 and A's access is shifted to 50,000 +
 * 3,530,000 = 3,580,000.
 * B inherits A's shift until it starts: its `task` record (and so its records) wait until
 * A's stall is known, then B's records run at 100,000 + 3,530,000 = 3,630,000 and
 * 200,000 + 3,530,000 = 3,730,000.  Task 12 is on its own: 0 and 300,000.
 * elapsed = 3,730,000 - 0, the critical path A -> B.
 * Without B's `task` record B is not shifted (100,000 and 200,000) and elapsed =
 * 3,580,000, A's access. */
static void slot_trace(struct recs *r, bool with_after)
{
	recs_push(r, 0, 10, TR_TASK, 0, 0, 0, 0);
	recs_push(r, 0, 10, TR_ALLOC, 1, 9, FILE_GFP | __GFP_COMP, 0);
	recs_push(r, 0, 12, TR_ALLOC, 3, 0, FILE_GFP, 0);
	recs_push(r, 10000, 10, TR_DIRTY, 1, 0, 0, 0);
	recs_push(r, 50000, 10, TR_ACCESS, 1, 0, 0, 0);
	if (with_after)
		recs_push(r, 100000, 11, TR_TASK, 0, 0, 0, 10);
	recs_push(r, 100000, 11, TR_ALLOC, 2, 0, FILE_GFP, 0);
	recs_push(r, 200000, 11, TR_ACCESS, 2, 0, 0, 0);
	recs_push(r, 300000, 12, TR_ACCESS, 3, 0, 0, 0);
}

/* `cpu` records move a task: on stall_machine() with 4 CPUs, task 1 starts on CPU
 * 1 % 4 = 1, its first order-0 allocation refills CPU 1's list; `cpu task=1 cpu=6` moves
 * it to 6 % 4 = 2, so its next allocation refills CPU 2's list.  CPUs 0 and 3 see nothing.
 * The cpu record is no request: neither issued to the observers nor counted, open and
 * closed replay alike. */
static void test_cpu_records(void)
{
	for (int closed = 0; closed <= 1; closed++) {
		struct recs r = { 0 };
		recs_push(&r, 0, 1, TR_ALLOC, 1, 0, FILE_GFP, 0);
		recs_push(&r, 1000, 1, TR_CPU, 0, 0, 0, 6);
		recs_push(&r, 1000, 1, TR_ALLOC, 2, 0, FILE_GFP, 0);
		struct config c;
		stall_machine(&c, closed ? REPLAY_CLOSED : REPLAY_OPEN);
		c.machine.nr_cpus = 4;
		static struct sim s;
		struct obs o = { .keep = true };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1))) {
			free(r.v);
			continue;
		}
		const struct zone *z = &s.mm.zones[ZONE_NORMAL];
		CHECK(z->pcp[1].count > 0);
		CHECK(z->pcp[2].count > 0);
		CHECK_EQ(z->pcp[0].count, 0);
		CHECK_EQ(z->pcp[3].count, 0);
		CHECK_EQ(o.nr_issued, 2);
		CHECK_EQ(o.nr_completed, 2);
		CHECK_EQ(s.nr_records, 2);
		CHECK_EQ(s.records_by_kind[TR_CPU], 0);
		CHECK_EQ(issued_at(&o, 1, TR_ALLOC, 2, 0), 1000);
		CHECK_EQ(s.nr_tasks, 1);
		CHECK_EQ(s.tasks[0]->cpu, 2);
		obs_free(&o);
		sim_destroy(&s);
		free(r.v);
	}
}

/* A THP the replay got where the kernel fell back (thp_part.c), on stall_machine() (no
 * swap, 16,384 free pages), open and closed replay alike.  Task 1's attempt P (order 9,
 * GFP_TRANSHUGE) succeeds; `hint P thp_part` then makes its allocation of id 10 an alias
 * (no page allocated), and again for id 11; freeing 11 frees nothing, freeing P frees the
 * THP; a hint naming P after that leaves id 12 to be allocated.  Task 2's hint names an
 * attempt that never existed (the replay's attempt failed): its id 20 is allocated.  So
 * the pages allocated are P's 512 and one each for 12 and 20 (pgalloc_normal 514), two
 * allocations were served (mmsim_thp_part_served 2), no free was of an unknown id, and
 * at the end id 10 is an alias, 11 and P are gone, 12 and 20 hold a page each. */
static void test_thp_part(void)
{
	const uint64_t P = 1ull << 61;
	const gfp_t anon = GFP_HIGHUSER_MOVABLE | __GFP_ZERO;
	for (int closed = 0; closed <= 1; closed++) {
		struct recs r = { 0 };
		recs_push(&r, 0, 1, TR_ALLOC, P, 9, GFP_TRANSHUGE, 0);
		recs_push(&r, 0, 1, TR_HINT, P, 0, 0, HINT_THP_PART);
		recs_push(&r, 0, 1, TR_ALLOC, 10, 0, anon, 0);
		recs_push(&r, 1000, 2, TR_HINT, P + 1, 0, 0, HINT_THP_PART);
		recs_push(&r, 1000, 2, TR_ALLOC, 20, 0, anon, 0);
		recs_push(&r, 2000, 1, TR_HINT, P, 0, 0, HINT_THP_PART);
		recs_push(&r, 2000, 1, TR_ALLOC, 11, 0, anon, 0);
		recs_push(&r, 3000, 1, TR_FREE, 11, 0, 0, 0);
		recs_push(&r, 3000, 1, TR_FREE, P, 0, 0, 0);
		recs_push(&r, 4000, 1, TR_HINT, P, 0, 0, HINT_THP_PART);
		recs_push(&r, 4000, 1, TR_ALLOC, 12, 0, anon, 0);
		struct config c;
		stall_machine(&c, closed ? REPLAY_CLOSED : REPLAY_OPEN);
		static struct sim s;
		struct obs o = { .keep = false };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1))) {
			free(r.v);
			continue;
		}
		const uint64_t *ev = s.mm.vm_events;
		CHECK_EQ(ev[VM_PGALLOC_NORMAL], 514);
		CHECK_EQ(ev[VM_MMSIM_THP_PART], 2);
		CHECK_EQ(ev[VM_MMSIM_FREE_UNKNOWN], 0);
		CHECK_EQ(s.mm.nr_thp_part, 0);
		const struct obj_slot *a = obj_lookup(&s.mm.objs, 10);
		CHECK(a && a->kind == OBJ_ALIAS && a->pfn == PFN_NONE);
		CHECK(!obj_lookup(&s.mm.objs, 11));
		CHECK(!obj_lookup(&s.mm.objs, P));
		const uint64_t held[] = { 12, 20 };
		for (int i = 0; i < 2; i++) {
			const struct obj_slot *h = obj_lookup(&s.mm.objs, held[i]);
			CHECK(h && h->kind == OBJ_PAGES && h->pfn != PFN_NONE);
		}
		obs_free(&o);
		sim_destroy(&s);
		free(r.v);
	}
}

static void test_make_slot_critical_path(void)
{
	for (int with_after = 1; with_after >= 0; with_after--) {
		struct recs r = { 0 };
		slot_trace(&r, with_after);
		struct config c;
		stall_machine(&c, REPLAY_CLOSED);
		static struct sim s;
		struct obs o = { .keep = true };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1))) {
			free(r.v);
			continue;
		}
		sim_ns_t b_shift = with_after ? 3530000 : 0;
		CHECK_EQ(o.nr_issued, r.n);
		CHECK_EQ(issued_at(&o, 10, TR_ALLOC, 1, 0), 0);
		CHECK_EQ(issued_at(&o, 10, TR_DIRTY, 1, 0), 10000);
		CHECK_EQ(completed_at(&o, 10, TR_DIRTY, 1, 0), 3540000);
		CHECK_EQ(issued_at(&o, 10, TR_ACCESS, 1, 0), 3580000);
		CHECK_EQ(issued_at(&o, 11, TR_ALLOC, 2, 0), 100000 + b_shift);
		CHECK_EQ(issued_at(&o, 11, TR_ACCESS, 2, 0), 200000 + b_shift);
		CHECK_EQ(issued_at(&o, 12, TR_ALLOC, 3, 0), 0);
		CHECK_EQ(issued_at(&o, 12, TR_ACCESS, 3, 0), 300000);
		CHECK_EQ(sim_elapsed_ns(&s), with_after ? 3730000 : 3580000);
		printf("     %s: B at %" PRIu64 "/%" PRIu64 " ns, elapsed %" PRIu64 " ns\n",
		       with_after ? "task after=10" : "no task record", issued_at(&o, 11, TR_ALLOC, 2, 0),
		       issued_at(&o, 11, TR_ACCESS, 2, 0), sim_elapsed_ns(&s));
		obs_free(&o);
		sim_destroy(&s);
		free(r.v);
	}
}

/* ---- 3. the outcome identity under random pressure ------------------------------------ */

static uint64_t rnd(uint64_t *x)
{ /* splitmix64 */
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Every failure of a class must be one its kernel rule allows (gfp.h enum alloc_outcome):
 *   movable    GFP_HIGHUSER_MOVABLE(|__GFP_ZERO), order <= 3: only the OOM with no victim
 *   unmovable  GFP_KERNEL(|NORETRY|RETRY_MAYFAIL): noretry, retry_mayfail, no_victim
 *   atomic     GFP_ATOMIC, GFP_NOWAIT: only nowait
 *   highorder  order > 3: costly, noretry
 * and killed only when the OOM killer ran. */
static void check_outcomes(const struct sim *s, const struct obs *o, int line)
{
	const uint64_t (*ao)[NR_ALLOC_OUTCOMES] = s->mm.alloc_outcome;
	const uint64_t *ev = s->mm.vm_events;
	uint64_t total = outcome_total(s);
	tl_check(ev[VM_MMSIM_ALLOC_DUP_ID] == 0, __FILE__, line, "duplicate ids %" PRIu64, ev[VM_MMSIM_ALLOC_DUP_ID]);
	uint64_t records = o->alloc_issued - ev[VM_MMSIM_ALLOC_DUP_ID];
	/* A fault on a non-resident page (swap-in, file refault) is an allocation request of
	 * its own (mm_alloc_slot): the successful ones are pgmajfault; a failed one, or one
	 * whose object changed while it slept, is counted too but is not a major fault. */
	tl_check(total >= records + ev[VM_PGMAJFAULT] && total <= records + ev[VM_PGMAJFAULT] + o->fault_issued,
		 __FILE__, line,
		 "Σ alloc_outcome %" PRIu64 " outside [alloc records issued %" PRIu64 " - duplicates %" PRIu64
		 " + pgmajfault %" PRIu64 ", + access/dirty records %" PRIu64 "]",
		 total, o->alloc_issued, ev[VM_MMSIM_ALLOC_DUP_ID], ev[VM_PGMAJFAULT], o->fault_issued);
	if (!o->fault_issued)
		tl_check(total == records, __FILE__, line, "no faults: Σ alloc_outcome %" PRIu64 " != %" PRIu64,
			 total, records);
	else if (!ev[VM_MMSIM_ALLOC_FAIL])
		tl_check(total == records + ev[VM_PGMAJFAULT], __FILE__, line,
			 "no failures: Σ alloc_outcome %" PRIu64 " != records %" PRIu64 " + pgmajfault %" PRIu64, total,
			 records, ev[VM_PGMAJFAULT]);
	bool allowed[NR_ALLOC_CLASSES][NR_ALLOC_OUTCOMES] = { 0 };
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		allowed[c][AOUT_SATISFIED] = true;
		allowed[c][AOUT_KILLED] = ev[VM_OOM_KILL] > 0;
	}
	allowed[ACLASS_MOVABLE][AOUT_FAIL_NO_VICTIM] = true;
	allowed[ACLASS_UNMOVABLE][AOUT_FAIL_NORETRY] = true;
	allowed[ACLASS_UNMOVABLE][AOUT_FAIL_RETRY_MAYFAIL] = true;
	allowed[ACLASS_UNMOVABLE][AOUT_FAIL_NO_VICTIM] = true;
	allowed[ACLASS_ATOMIC][AOUT_FAIL_NOWAIT] = true;
	allowed[ACLASS_HIGHORDER][AOUT_FAIL_COSTLY] = true;
	allowed[ACLASS_HIGHORDER][AOUT_FAIL_NORETRY] = true;
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		for (int k = 0; k < NR_ALLOC_OUTCOMES; k++)
			tl_check(allowed[c][k] || !ao[c][k], __FILE__, line, "class %s: %" PRIu64 " × %s (not allowed)",
				 alloc_class_names[c], ao[c][k], alloc_outcome_names[k]);
	if (!ev[VM_OOM_KILL])
		tl_check(s->records_skipped_killed == 0, __FILE__, line, "%" PRIu64 " records skipped, no OOM kill",
			 s->records_skipped_killed);
}

struct live_obj {
	uint64_t id;
	uint32_t pages;
};

/* ~30,000 random allocations and frees by 8 tasks on Normal 16384 pages + 4096 swap; the
 * generator's live memory ramps up to ~1.5× the machine over the first two thirds, so
 * reclaim, swap and the OOM killer all run.  No access or dirty records: nothing faults. */
static void random_trace(struct recs *r, uint64_t seed)
{
	uint64_t x = seed;
	struct live_obj *live[8] = { 0 };
	size_t nlive[8] = { 0 }, cap[8] = { 0 };
	uint64_t live_pages = 0, next_id = 1;
	sim_ns_t t = 0;
	const unsigned nrec = 30000;
	for (unsigned i = 0; i < nrec; i++) {
		t += rnd(&x) % 20000;
		uint32_t task = 1 + (uint32_t)(rnd(&x) % 8);
		unsigned k = task - 1;
		uint64_t target = (uint64_t)16384 * 3 / 2 * MIN(i, nrec * 2 / 3) / (nrec * 2 / 3);
		bool alloc = nlive[k] == 0 || rnd(&x) % 100 < (live_pages < target ? 75u : 30u);
		if (!alloc) {
			size_t j = rnd(&x) % nlive[k];
			recs_push(r, t, task, TR_FREE, live[k][j].id, 0, 0, 0);
			live_pages -= live[k][j].pages;
			live[k][j] = live[k][--nlive[k]];
			continue;
		}
		gfp_t gfp;
		unsigned order;
		uint64_t pick = rnd(&x) % 100;
		if (pick < 38) {
			gfp = ANON;
			order = (unsigned)(rnd(&x) % 4);
		} else if (pick < 65) {
			gfp = FILE_GFP;
			order = (unsigned)(rnd(&x) % 4);
		} else if (pick < 80) {
			gfp = GFP_KERNEL;
			order = (unsigned)(rnd(&x) % 4);
		} else if (pick < 84) {
			gfp = GFP_KERNEL | __GFP_NORETRY;
			order = 0;
		} else if (pick < 88) {
			gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL;
			order = 0;
		} else if (pick < 93) {
			gfp = GFP_ATOMIC;
			order = 0;
		} else if (pick < 98) {
			gfp = GFP_NOWAIT;
			order = 0;
		} else if (pick < 99) {
			gfp = GFP_KERNEL;
			order = 4 + (unsigned)(rnd(&x) % 6);
		} else {
			gfp = GFP_TRANSHUGE;
			order = 9;
		}
		uint64_t id = next_id++;
		recs_push(r, t, task, TR_ALLOC, id, order, gfp, 0);
		if (nlive[k] == cap[k]) {
			cap[k] = cap[k] ? cap[k] * 2 : 256;
			live[k] = realloc(live[k], cap[k] * sizeof(*live[k]));
			if (!live[k])
				abort();
		}
		/* Large blocks often fail under pressure: only orders <= 3 drive the ramp. */
		uint32_t pages = order <= 3 ? 1u << order : 0;
		live[k][nlive[k]++] = (struct live_obj){ .id = id, .pages = pages };
		live_pages += pages;
	}
	for (int k = 0; k < 8; k++)
		free(live[k]);
}

static void test_outcome_identity_random(void)
{
	uint64_t seed = tl_test_seed();
	for (unsigned i = 0; i < 4; i++) {
		uint64_t sub = seed + i;
		enum replay_mode mode = (seed + i) % 2 ? REPLAY_CLOSED : REPLAY_OPEN;
		struct recs r = { 0 };
		random_trace(&r, sub);
		struct config c;
		config_defaults(&c);
		memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
		c.machine.zone_pages[ZONE_NORMAL] = 16384;
		c.devices.swap_pages = 4096;
		c.workload.replay = mode;
		static struct sim s;
		struct obs o = { 0 };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1000))) {
			free(r.v);
			continue;
		}
		check_outcomes(&s, &o, __LINE__);
		/* every record is issued, skipped as its task's (a killed task's backlog is
		 * skipped whole when it wakes), or left unissued when the run ends */
		CHECK_EQ(s.nr_records + s.records_skipped_killed + s.records_unissued, r.n);
		uint64_t unfinished = 0, failed = 0;
		for (int k = 0; k < NR_ALLOC_CLASSES; k++) {
			unfinished += s.mm.alloc_outcome[k][AOUT_UNFINISHED];
			for (int oc = AOUT_FAIL_ORDER; oc < AOUT_KILLED; oc++)
				failed += s.mm.alloc_outcome[k][oc];
		}
		CHECK_EQ(unfinished, 0);
		const uint64_t *ev = s.mm.vm_events;
		for (int k = 0; k < NR_ALLOC_CLASSES; k++)
			for (int oc = AOUT_FAIL_ORDER; oc < NR_ALLOC_OUTCOMES; oc++)
				if (s.mm.alloc_outcome[k][oc])
					printf("       %s %s %" PRIu64 "\n", alloc_class_names[k], alloc_outcome_names[oc],
					       s.mm.alloc_outcome[k][oc]);
		printf("     seed %" PRIu64 " %s: %zu records, %" PRIu64 " allocs, %" PRIu64 " failed, pswpout %" PRIu64
		       ", oom_kill %" PRIu64 ", %" PRIu64 " skipped, elapsed %.3f s\n",
		       sub, mode == REPLAY_OPEN ? "open" : "closed", r.n, o.alloc_issued, failed, ev[VM_PSWPOUT],
		       ev[VM_OOM_KILL], s.records_skipped_killed, (double)sim_elapsed_ns(&s) / 1e9);
		obs_free(&o);
		sim_destroy(&s);
		free(r.v);
	}
}

/* ---- 4. the OOM killer's victim and its later records --------------------------------- */

/* Normal 16384 pages, no swap, open and closed replay:
 *   task 7 allocates 10000 anon pages (ids 1..10000), task 9 6000 (ids 20001..26000),
 *   interleaved, one every 1 us; then, from 20 ms, task 8 allocates 1000 GFP_KERNEL pages
 *   (ids 30001..31000), one every 1 us; from 40 ms task 7 touches and frees 100 of its
 *   pages (200 records).
 * After tasks 7 and 9, 16384 - 16000 = 384 pages are free; task 8 cannot get 1000 without
 * reclaim, and nothing is reclaimable (anon without swap, no page cache), so one of its
 * allocations invokes the OOM killer.  min_free_kbytes = sqrt(65536 KiB × 16) = 1024 KiB:
 * min = 256 pages, low = 320.  Task 8's allocations 1..64 take the fast path; 65..128
 * fail it at low and get their page at min in the slow path (one slow-path attempt,
 * charged max(alloc_fast, 1 ns) = 1 ns); the 129th (at 20,001,000 + 128 us = 20,129,000)
 * finds 256 free, fails at min (1 ns), direct reclaim makes no progress and nothing is
 * reclaimable (no retry), and __alloc_pages_may_oom's last attempt at high fails (1 ns):
 * the kill is at 20,129,002.  Badness (anon resident + swapped): task 7 10000,
 * task 9 6000, task 8 0 (kernel pages) -> task 7 is killed and its 10000 pages go back.
 * 10000 free pages cover task 8's remaining allocations, so there is exactly one kill.
 * Outcomes: movable 16000 satisfied, unmovable 1000 satisfied, no failure, none killed;
 * task 7's 200 later records are skipped; task 9 still holds its 6000 pages. */
static void test_oom_skips_victims_records(void)
{
	struct recs r = { 0 };
	sim_ns_t t = 0;
	for (uint64_t i = 0; i < 10000; i++) {
		recs_push(&r, t += 1000, 7, TR_ALLOC, 1 + i, 0, ANON, 0);
		if (i < 6000)
			recs_push(&r, t += 1000, 9, TR_ALLOC, 20001 + i, 0, ANON, 0);
	}
	t = 20000000;
	for (uint64_t i = 0; i < 1000; i++)
		recs_push(&r, t += 1000, 8, TR_ALLOC, 30001 + i, 0, GFP_KERNEL, 0);
	t = 40000000;
	for (uint64_t i = 0; i < 100; i++) {
		recs_push(&r, t += 1000, 7, TR_ACCESS, 1 + i, 0, 0, 0);
		recs_push(&r, t += 1000, 7, TR_FREE, 1 + i, 0, 0, 0);
	}
	for (int m = 0; m < 2; m++) {
		enum replay_mode mode = m ? REPLAY_CLOSED : REPLAY_OPEN;
		struct config c;
		config_defaults(&c);
		memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
		c.machine.zone_pages[ZONE_NORMAL] = 16384;
		c.machine.pcp = false; /* the timings below count buddy allocations */
		c.devices.swap_pages = 0;
		c.costs.alloc_fast_ns = 0;
		c.workload.replay = mode;
		static struct sim s;
		struct obs o = { 0 };
		if (!OK(run_records(&s, &c, r.v, r.n, &o, 1000)))
			continue;
		const uint64_t *ev = s.mm.vm_events;
		size_t nr_victims = 0;
		const struct oom_victim *v = oom_victims(&s.mm, &nr_victims);
		CHECK_EQ(ev[VM_OOM_KILL], 1);
		CHECK_EQ(nr_victims, 1);
		if (nr_victims) {
			CHECK_EQ(v[0].task, 7);
			CHECK_EQ(v[0].requester, 8);
		}
		CHECK(mm_task_killed(&s.mm, 7));
		CHECK(!mm_task_killed(&s.mm, 9));
		CHECK(!mm_task_killed(&s.mm, 8));
		/* Closed: allocations 65..128 each cost task 8 one slow-path attempt (1 ns), which
		 * shifts its later records by 64 ns: the kill is 64 ns later than in open replay. */
		if (nr_victims) {
			CHECK_EQ(v[0].time_ns, mode == REPLAY_OPEN ? 20129002 : 20129066);
			CHECK_EQ(v[0].points, 10000);
			CHECK_EQ(v[0].pages_freed, 10000);
			CHECK_EQ(v[0].records_skipped, 200);
		}
		CHECK_EQ(s.records_skipped_killed, 200);
		CHECK_EQ(s.mm.alloc_outcome[ACLASS_MOVABLE][AOUT_SATISFIED], 16000);
		CHECK_EQ(s.mm.alloc_outcome[ACLASS_UNMOVABLE][AOUT_SATISFIED], 1000);
		CHECK_EQ(outcome_total(&s), 17000);
		CHECK_EQ(o.alloc_issued, 17000);
		/* task 9 untouched: its 6000 pages are still resident objects */
		uint64_t t9 = 0, t7 = 0;
		for (uint64_t i = 0; i < 6000; i++)
			t9 += obj_lookup(&s.mm.objs, 20001 + i) != NULL;
		for (uint64_t i = 0; i < 10000; i++)
			t7 += obj_lookup(&s.mm.objs, 1 + i) != NULL;
		CHECK_EQ(t9, 6000);
		CHECK_EQ(t7, 0);
		printf("     %s: victim task %u (%" PRIu64 " points, %" PRIu64 " pages freed) at %" PRIu64 " ns, %" PRIu64
		       " records skipped\n",
		       mode == REPLAY_OPEN ? "open" : "closed", nr_victims ? v[0].task : 0,
		       nr_victims ? v[0].points : 0, nr_victims ? v[0].pages_freed : 0,
		       nr_victims ? v[0].time_ns : 0, s.records_skipped_killed);
		sim_destroy(&s);
	}
	free(r.v);
}

/* ---- 5. overcommitted kbuild finishes -------------------------------------------------- */

static int next_workload(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return workload_next(ctx, rec, err);
}

/* workloads/kbuild.yaml, 0.3 s, seed 3, on DMA32 512 MiB (131072 pages), no Normal zone,
 * 1 GiB swap: the build's memory exceeds the machine, so it reclaims and swaps.  It must
 * finish (no request left asleep, no record left unissued), reclaim must not scan many
 * times what it takes ((pgscan_kswapd + pgscan_direct) / (pgsteal_kswapd + pgsteal_direct)
 * <= 20), and the outcome identity must hold — with the build's page faults: a fault on
 * a swapped or evicted page is an allocation request too (mm_alloc_slot), so
 * Σ alloc_outcome == alloc records + pgmajfault when nothing fails. */
static void test_overcommit_finishes(void)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/workloads/kbuild.yaml", tl_srcdir());
	const char *sets[] = { "duration=0.3s" };
	struct workload_overrides ov = { .has_seed = true, .seed = 3, .sets = sets, .nr_sets = 1 };
	struct sim_error err;
	struct workload *w = workload_open(path, &ov, &err);
	if (!OK(w)) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	struct config c;
	config_defaults(&c);
	memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
	c.machine.zone_pages[ZONE_DMA32] = 131072;
	c.devices.swap_pages = 262144;
	static struct sim s;
	struct obs o = { 0 };
	if (!OK(sim_init(&s, &c, NULL, &err) == 0)) {
		fprintf(stderr, "%s\n", err.msg);
		workload_close(w);
		return;
	}
	s.check_every = 100000;
	s.on_issue = obs_issue;
	s.on_complete = obs_complete;
	s.observer_ctx = &o;
	struct record_source src = { .next = next_workload, .ctx = w };
	int rc = sim_run(&s, &src, &err);
	workload_close(w);
	if (!OK(rc == 0)) {
		fprintf(stderr, "sim_run: %s\n", err.msg);
		sim_destroy(&s);
		return;
	}
	uint64_t unfinished = 0;
	for (int k = 0; k < NR_ALLOC_CLASSES; k++)
		unfinished += s.mm.alloc_outcome[k][AOUT_UNFINISHED];
	CHECK_EQ(unfinished, 0);
	CHECK_EQ(s.records_unissued, 0);
	check_outcomes(&s, &o, __LINE__);
	const uint64_t *ev = s.mm.vm_events;
	uint64_t scan = ev[VM_PGSCAN_KSWAPD] + ev[VM_PGSCAN_DIRECT];
	uint64_t steal = ev[VM_PGSTEAL_KSWAPD] + ev[VM_PGSTEAL_DIRECT];
	double ratio = steal ? (double)scan / (double)steal : 0.0;
	CHECK(steal > 0);
	CHECK(ratio <= 20.0);
	printf("     %" PRIu64 " records, elapsed %.3f s, pgscan %" PRIu64 " / pgsteal %" PRIu64 " = %.2f, pswpout %" PRIu64
	       ", oom_kill %" PRIu64 "\n",
	       s.nr_records, (double)sim_elapsed_ns(&s) / 1e9, scan, steal, ratio, ev[VM_PSWPOUT], ev[VM_OOM_KILL]);
	sim_destroy(&s);
}

/* Records handed over in place (record_source.next_run, a trace file's decoded batches)
 * replay exactly as records given one by one (next, which sim_run reads into runs of its
 * own): workloads/kbuild.yaml, 0.2 s, seed
 * 5, on the overcommitted DMA32-only machine of test_overcommit_finishes (reclaim, swap,
 * writeback, task chains), read (a) through next, (b) in runs of 7 records (each run's last
 * READ_AHEAD records cross into the next run), (c) as one run; every vm event, outcome and
 * record count is the same.  (d) A source whose run after the first 100 records is a read
 * error: sim_run fails with that error, after applying exactly those 100 records. */
struct run_src {
	const struct trace_record *v;
	size_t n, i, per, fail_at; /* fail_at: the read after that many records fails (0: none) */
};

static int run_next(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	struct run_src *a = ctx;
	if (a->fail_at && a->i == a->fail_at)
		return sim_error_set(err, EX_DATAERR_, "t.mmt.gz: record %zu: corrupt", a->i + 1);
	if (a->i == a->n)
		return 0;
	*v = &a->v[a->i];
	*n = MIN(a->per, a->n - a->i);
	if (a->fail_at)
		*n = MIN(*n, a->fail_at - a->i);
	a->i += *n;
	return 1;
}

static void test_runs_in_place(void)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/workloads/kbuild.yaml", tl_srcdir());
	const char *sets[] = { "duration=0.2s" };
	struct workload_overrides ov = { .has_seed = true, .seed = 5, .sets = sets, .nr_sets = 1 };
	struct sim_error err;
	struct workload *w = workload_open(path, &ov, &err);
	if (!OK(w)) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	struct recs r = { 0 };
	struct trace_record rec;
	int got;
	while ((got = workload_next(w, &rec, &err)) == 1) {
		recs_push(&r, 0, 0, TR_ALLOC, 0, 0, 0, 0);
		r.v[r.n - 1] = rec; /* the workload's record whole */
	}
	workload_close(w);
	if (!OK(got == 0 && r.n > 1000))
		return;
	static struct config c;
	config_defaults(&c);
	memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
	c.machine.zone_pages[ZONE_DMA32] = 131072;
	c.devices.swap_pages = 262144;
	static struct sim s[4];
	uint64_t nr[4] = { 0 };
	int rc[4];
	for (int k = 0; k < 4; k++) {
		if (!OK(sim_init(&s[k], &c, NULL, &err) == 0))
			return;
		struct arr_src a = { .v = r.v, .n = r.n };
		struct run_src rs = { .v = r.v, .n = r.n, .per = k == 1 ? 7 : SIZE_MAX, .fail_at = k == 3 ? 100 : 0 };
		struct record_source src = { .next = arr_next, .ctx = &a };
		if (k)
			src = (struct record_source){ .next_run = run_next, .ctx = &rs };
		err = (struct sim_error){ 0 };
		rc[k] = sim_run(&s[k], &src, &err);
		nr[k] = s[k].nr_records;
		if (k == 3) {
			CHECK_EQ(rc[k], -1);
			CHECK_EQ(err.code, EX_DATAERR_);
			CHECK(strstr(err.msg, "record 101: corrupt") != NULL);
			CHECK_EQ(nr[k], 100);
		}
	}
	for (int k = 1; k < 3; k++) {
		CHECK_EQ(rc[k], 0);
		CHECK_EQ(nr[k], nr[0]);
		CHECK(!memcmp(s[k].mm.vm_events, s[0].mm.vm_events, sizeof(s[0].mm.vm_events)));
		CHECK(!memcmp(s[k].mm.alloc_outcome, s[0].mm.alloc_outcome, sizeof(s[0].mm.alloc_outcome)));
		CHECK_EQ(sim_elapsed_ns(&s[k]), sim_elapsed_ns(&s[0]));
	}
	CHECK_EQ(nr[0], (uint64_t)r.n);
	CHECK(s[0].mm.vm_events[VM_PGSTEAL_KSWAPD] + s[0].mm.vm_events[VM_PGSTEAL_DIRECT] > 0);
	for (int k = 0; k < 4; k++)
		sim_destroy(&s[k]);
	free(r.v);
}

/* An imported capture starts with its prefill (header import.prefill_records = 3): three
 * order-0 allocations at t = 0 that rebuild the state at capture start.  The measurement
 * restarts after them, as the kernel's counters are deltas from that moment: the capture's
 * own two records (an order-1 allocation and a free of a prefill page, at 1 ms) give
 * pgalloc 2 pages, pgfree 1 page, 2 records, and the prefill pages stay allocated. */
static void test_prefill_not_measured(void)
{
	static struct config c;
	stall_machine(&c, REPLAY_OPEN);
	static const struct trace_record v[] = {
		{ .time_ns = 0, .kind = TR_ALLOC, .task = 1, .id = 1, .order = 0, .gfp = GFP_HIGHUSER_MOVABLE },
		{ .time_ns = 0, .kind = TR_ALLOC, .task = 1, .id = 2, .order = 0, .gfp = GFP_HIGHUSER_MOVABLE },
		{ .time_ns = 0, .kind = TR_ALLOC, .task = 1, .id = 3, .order = 0, .gfp = GFP_KERNEL },
		{ .time_ns = 1000000, .kind = TR_ALLOC, .task = 2, .id = 10, .order = 1, .gfp = GFP_KERNEL },
		{ .time_ns = 1000000, .kind = TR_FREE, .task = 2, .id = 2 },
	};
	static struct trace_header h;
	memset(&h, 0, sizeof(h));
	CHECK_EQ(trace_meta_set(&h, "import.prefill_records", "%d", 3), 0);
	for (int with_header = 0; with_header <= 1; with_header++) {
		static struct sim s;
		struct sim_error err;
		CHECK_EQ(sim_init(&s, &c, NULL, &err), 0);
		struct arr_src a = { .v = v, .n = ARRAY_SIZE(v) };
		struct record_source src = { .next = arr_next, .ctx = &a, .header = with_header ? &h : NULL };
		CHECK_EQ(sim_run(&s, &src, &err), 0);
		uint64_t pgalloc = s.mm.vm_events[VM_PGALLOC_NORMAL];
		CHECK_EQ(pgalloc, with_header ? 2u : 5u);
		CHECK_EQ(s.mm.vm_events[VM_PGFREE], 1u);
		CHECK_EQ(s.nr_records, with_header ? 2u : 5u);
		CHECK_EQ(s.mm.zones[ZONE_NORMAL].nr_alloc_pages, 4u); /* 3 prefill - 1 freed + 2 */
		sim_destroy(&s);
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_open_vs_closed_stall);
	RUN(test_long_backlog);
	RUN(test_prefill_not_measured);
	RUN(test_make_slot_critical_path);
	RUN(test_cpu_records);
	RUN(test_thp_part);
	RUN(test_outcome_identity_random);
	RUN(test_oom_skips_victims_records);
	RUN(test_overcommit_finishes);
	RUN(test_runs_in_place);
	return TEST_END();
}
