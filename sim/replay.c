/* replay.c — records become requests of sequential tasks (architecture.md §3).
 *
 * A task issues one record at a time.  A record whose operation cannot finish at once — an
 * allocation whose fast path fails, a fault on a page that is not resident, a pin, a device
 * allocation, a compaction request — runs as an engine actor (engine/actor.h): it sleeps in
 * the slow path while kswapd, writeback, kcompactd and the other tasks' records go on, and
 * resumes in the world as it is then.  A record that only costs time (a dirty-throttle
 * pause, a truncate that waits for its write) finishes its work at once and blocks its task
 * for the cost.  While a task is blocked its later records wait in its backlog:
 *   open    (trace times are arrival times) they are issued as soon as the task is free,
 *           overdue ones at once, in order;
 *   closed  (trace times include think time) every later record of the task is shifted by
 *           the time the task spent blocked; a `task T after P` record makes T inherit P's
 *           shift until T starts, so a chain of jobs in one make slot is one sequential
 *           actor and the run's elapsed is the critical path.
 * Records of a task the OOM killer chose are skipped (counted).  Everything is ordered by
 * the engine's (time, seq), so a run is deterministic for a seed.
 */
#include "sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/actor.h"
#include "stats/rundir.h"
#include "workload/workload.h"

/* a + b, saturating at the end of the representable range. */
static sim_ns_t time_add_sat(sim_ns_t a, sim_ns_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- the task table ------------------------------------------------------------------ */

struct task_key {
	uint64_t key; /* task + 1 */
	uint64_t index;
};
static const struct u64map_type task_key_type = {
	.slot_size = sizeof(struct task_key),
	.key_words = 1,
	.min_cap = 64,
};

#define TASK_DIRECT_MAX (1u << 16) /* pids below it are looked up without the map */

static struct sim_task *task_add(struct sim *s, uint32_t task);

/* A task that is not blocked holds the request its next record starts with: this one.  A
 * record that ends as it is issued (no stall, not deferred) leaves it so (its stall_ns,
 * and with it io_ns and slept_ns, is 0; alloc_class is back at -1; fast_failed is only
 * set by a deferral), so issue() does not rebuild it per record; a `cpu` record keeps its
 * cpu, and handle_wake sets it again when a stall or an actor ends. */
static inline void task_req_reset(struct sim_task *t)
{
	t->req = (struct mm_request){
		.cpu = t->cpu,
		.task = t->task,
		.mode = REQ_DEFER,
		.alloc_class = -1,
	};
}

static struct sim_task *task_get_slow(struct sim *s, uint32_t task);

static inline struct sim_task *task_get(struct sim *s, uint32_t task)
{
	if (task < s->cap_direct && s->task_direct[task])
		return s->task_direct[task];
	return task_get_slow(s, task);
}

static __attribute__((noinline)) struct sim_task *task_get_slow(struct sim *s, uint32_t task)
{
	struct sim_task *t = task_add(s, task);
	if (task < TASK_DIRECT_MAX) {
		if (sim_grow(&s->task_direct, &s->cap_direct, (size_t)task + 1, sizeof(*s->task_direct), 64))
			abort();
		s->task_direct[task] = t;
	}
	return t;
}

/* The task's entry from the map, added (at the end of tasks[]) on its first record. */
static struct sim_task *task_add(struct sim *s, uint32_t task)
{
	bool added;
	uint32_t i = u64map_get(&s->task_index, &task_key_type, (uint64_t)task + 1, &added, NULL);
	if (i == U64MAP_NONE)
		abort();
	struct task_key *k = u64map_slot(&s->task_index, &task_key_type, i);
	if (!added)
		return s->tasks[k->index];
	if (s->nr_tasks == s->cap_tasks) {
		uint32_t cap = s->cap_tasks ? s->cap_tasks * 2 : 64;
		struct sim_task **v = realloc(s->tasks, cap * sizeof(*v));
		if (!v)
			abort();
		s->tasks = v;
		s->cap_tasks = cap;
	}
	struct sim_task *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->sim = s;
	t->task = task;
	t->cpu = task % MAX(s->cfg.machine.nr_cpus, 1u);
	task_req_reset(t);
	backlog_init(&t->bl);
	k->index = s->nr_tasks;
	s->tasks[s->nr_tasks++] = t;
	return t;
}

static uint32_t task_idx(const struct sim *s, const struct sim_task *t)
{
	uint32_t i = u64map_find(&s->task_index, &task_key_type, (uint64_t)t->task + 1);
	return (uint32_t)((const struct task_key *)u64map_slot(&s->task_index, &task_key_type, i))->index;
}

/* A killed task's whole backlog, taken as issue_inline would take it record by record
 * (t is not blocked, and a killed task's records never block it): a `cpu` record moves its
 * CPU, every other is skipped and counted for the victim. */
static void backlog_skip_killed(struct sim *s, struct sim_task *t)
{
	uint64_t skipped = 0;
	unsigned nr_cpus = MAX(s->cfg.machine.nr_cpus, 1u);
	while (t->bl.len) {
		struct trace_record rec;
		backlog_take(&t->bl, t->task, &rec);
		if (rec.kind == TR_CPU)
			t->cpu = t->req.cpu = (unsigned)rec.arg % nr_cpus;
		else
			skipped++;
	}
	s->records_skipped_killed += skipped;
	for (; skipped; skipped--)
		oom_note_skipped(&s->mm, t->task);
}

/* Closed loop: the shift of t's records — its own, plus, until it starts, that of the
 * predecessor chain it waits for. */
static sim_ns_t task_delay(const struct sim *s, const struct sim_task *t)
{
	sim_ns_t d = 0;
	for (;;) {
		d = time_add_sat(d, t->delay_ns);
		if (!t->after)
			return d;
		t = s->tasks[t->after - 1];
	}
}

/* The first task along t's predecessor chain that is blocked (t itself included), or NULL:
 * a closed-loop record cannot be placed in time until that one's stall is known. */
static struct sim_task *blocking_task(struct sim *s, struct sim_task *t)
{
	for (;;) {
		if (t->blocked)
			return t;
		if (!t->after)
			return NULL;
		t = s->tasks[t->after - 1];
	}
}

/* ---- one record ---------------------------------------------------------------------- */

/* Kinds whose operation may sleep partway (migration, compaction): always an actor. */
#define ACTOR_KINDS (1u << TR_PIN | 1u << TR_CMA_ALLOC | 1u << TR_CMA_RELEASE | 1u << TR_COMPACT)
static inline bool runs_as_actor(enum trace_kind kind)
{
	return ACTOR_KINDS >> kind & 1; /* one shift and test per record, not four compares */
}

/* Apply rec on behalf of req.  In REQ_DEFER mode an operation that would sleep sets
 * req->deferred and does nothing; it is then applied again as an actor.  Inline: issue()
 * runs it for every record, and as a call of its own it saved and restored registers for
 * a switch. */
/* KIND_ANY: the record's kind is read from it; a kind >= 0: the caller's copy of the path
 * is for that kind alone (the open loop's copies for allocations and frees), so every test
 * of the kind folds away. */
#define KIND_ANY (-1)
static inline __attribute__((always_inline)) enum trace_kind kind_of(const struct trace_record *rec, int kind)
{
	return kind == KIND_ANY ? (enum trace_kind)rec->kind : (enum trace_kind)kind;
}

static inline __attribute__((always_inline)) void apply_record(struct sim *s, const struct trace_record *rec,
							   struct mm_request *req, int kind_known)
{
	struct mm *mm = &s->mm;
	bool known = true;
	enum trace_kind kind = kind_of(rec, kind_known);
	switch (kind) {
	case TR_ALLOC:
		/* a base page a THP the replay got already maps (thp_part.c) */
		if (__builtin_expect(mm->nr_thp_part != 0, 0) && mm_thp_part_take(mm, req, rec->id)) {
			req->last_class = (int8_t)gfp_alloc_class(rec->gfp, rec->order);
			break;
		}
		mm_alloc_req(mm, req, rec->id, rec->gfp, rec->order);
		break;
	case TR_FREE:
		known = mm_free_req(mm, req, rec->id);
		break;
	case TR_ACCESS:
		known = mm_access_req(mm, req, rec->id);
		break;
	case TR_DIRTY:
		known = mm_dirty_req(mm, req, rec->id, (sim_ns_t)rec->arg * NSEC_PER_MSEC);
		break;
	case TR_PIN:
		known = mm_pin_req(mm, req, rec->id, rec->arg);
		break;
	case TR_UNPIN:
		known = mm_unpin(mm, rec->id);
		break;
	case TR_HINT:
		known = mm_hint_req(mm, req, rec->id, rec->arg);
		break;
	case TR_CMA_ALLOC:
		mm_cma_alloc_req(mm, req, rec->id, rec->count, (unsigned)rec->arg);
		break;
	case TR_CMA_RELEASE:
		known = mm_cma_release_req(mm, req, rec->id);
		break;
	case TR_COMPACT:
		mm_compact_request_req(mm, req, rec->arg, rec->order == TRACE_COMPACT_WHOLE_ZONE ? -1 : rec->order);
		break;
	case TR_SNAPSHOT:
		if (s->outdir[0]) {
			char tag[32];
			struct sim_error err;
			snprintf(tag, sizeof(tag), "%d", rec->arg);
			if (rundir_snapshot(s->outdir, tag, s->engine.now_ns, mm, &err) && !s->out_err.code)
				s->out_err = err;
		}
		break;
	case TR_TASK: /* only orders the closed loop (sim_run, issue) */
	case TR_CPU:  /* taken by issue_inline */
	case NR_TRACE_KINDS:
		break;
	}
	if (!known && !req->deferred)
		s->unknown_by_kind[kind]++;
}

/* The invariant checker after a record (--check N); out of line so that complete(), on
 * every record, does not set up its message buffer. */
static __attribute__((noinline, cold)) void check_invariants(struct sim *s)
{
	char msg[512];
	if (!mm_check(&s->mm, 2, msg, sizeof(msg))) {
		fprintf(stderr, "mmsim: invariant violated after record %llu: %s\n", (unsigned long long)s->nr_records,
			msg);
		abort();
	}
}

/* The record in progress of t (rec: t->cur, or the record itself when it ends as it is
 * issued) ended at end_ns, took ns after it was issued: latency, the closed-loop shift, checks.
 * cls_known: an allocation's class as apply_record left it in t->req.last_class (the record
 * ends as it is issued), or -1 to decode it from the record (a stall or an actor ended). */
static inline __attribute__((always_inline)) void complete_inline(struct sim *s, struct sim_task *t,
								   const struct trace_record *rec, sim_ns_t end_ns,
								   sim_ns_t took, bool quiet, int kind_known, int cls_known)
{
	enum trace_kind kind = kind_of(rec, kind_known);
	if (kind == TR_ALLOC) {
		enum alloc_class cls = cls_known >= 0 ? (enum alloc_class)cls_known : gfp_alloc_class(rec->gfp, rec->order);
		sim_assert2(cls == gfp_alloc_class(rec->gfp, rec->order));
		latency_record_alloc(&s->latency, cls, rec->order, s->cfg.costs.alloc_fast_ns + took);
	} else if (kind == TR_CMA_ALLOC) {
		latency_record(&s->latency, ACLASS_CMA_DEVICE, took);
	}
	t->delay_ns = time_add_sat(t->delay_ns, took);
	s->total_delay_ns = time_add_sat(s->total_delay_ns, took);
	if (end_ns > s->last_ns)
		s->last_ns = end_ns;
	if (quiet) /* no observer, no --check: the open loop's constant */
		return;
	if (s->on_complete)
		s->on_complete(s->observer_ctx, rec, end_ns);
	if (s->check_every && s->nr_records % (uint64_t)s->check_every == 0)
		check_invariants(s);
}

/* complete() of a record that stalled or ran as an actor; issue() has its own copy for the
 * records that end as they are issued, most of them. */
static void complete(struct sim *s, struct sim_task *t, const struct trace_record *rec, sim_ns_t end_ns)
{
	complete_inline(s, t, rec, end_ns, end_ns - t->issue_ns, false, KIND_ANY, -1);
}

static void task_actor(void *arg)
{
	struct sim_task *t = arg;
	struct sim *s = t->sim;
	apply_record(s, &t->cur, &t->req, KIND_ANY);
	mm_request_yield(&s->mm, &t->req); /* the stall still owed: the task stays blocked */
	complete(s, t, &t->cur, s->engine.now_ns);
	t->in_actor = false;
	/* The backlog is issued from the main stack (an actor never starts another). */
	engine_schedule(&s->engine, s->engine.now_ns, s->h_wake, task_idx(s, t));
}

#define WAKE_STALL (1ull << 32) /* wake arg: a stall (not an actor) ended */

/* Issue rec for t now (t not blocked).  Inline in the open loop's path for every record;
 * issue() for the backlogs. */
static inline __attribute__((always_inline)) void issue_inline(struct sim *s, struct sim_task *t,
							       const struct trace_record *rec, bool quiet, int kind_known)
{
	enum trace_kind kind = kind_of(rec, kind_known);
	/* `cpu`: where the task's later records run, as the kernel's trace says each event
	 * ran (the per-cpu lists they use follow it).  In the task's order, so behind its
	 * backlog; no intent of the workload: not counted, no time, no observer. */
	if (__builtin_expect(kind == TR_CPU, 0)) {
		t->cpu = t->req.cpu = (unsigned)rec->arg % MAX(s->cfg.machine.nr_cpus, 1u);
		return;
	}
	/* No OOM victim yet (vm_events[VM_OOM_KILL] counts them and survives a measurement
	 * reset): no task is killed, without the call on every record. */
	if (s->mm.vm_events[VM_OOM_KILL] && mm_task_killed(&s->mm, rec->task)) {
		s->records_skipped_killed++;
		oom_note_skipped(&s->mm, rec->task);
		return;
	}
	sim_ns_t now = s->engine.now_ns;
	s->nr_records++;
	s->records_by_kind[kind]++;
	if (!quiet && s->on_issue)
		s->on_issue(s->observer_ctx, rec, now);
	/* t->req is already the clean request (task_req_reset) */
	sim_assert2(t->req.cpu == t->cpu && t->req.task == rec->task && t->req.mode == REQ_DEFER &&
		    !t->req.deferred && !t->req.fast_failed && t->req.alloc_class == -1 && !t->req.stall_ns &&
		    !t->req.slept_ns && !t->req.io_ns && !t->req.io_slept_ns);
	/* Only the closed loop sets after (sim_run); quiet runs in the open loop alone. */
	if (!quiet && t->after) { /* it starts: its predecessor's shift becomes its own */
		t->delay_ns = task_delay(s, t);
		t->after = 0;
	}
	if (!runs_as_actor(kind)) {
		apply_record(s, rec, &t->req, kind_known);
		if (!t->req.deferred) {
			if (!t->req.stall_ns) {
				complete_inline(s, t, rec, now, 0, quiet, kind_known, /* issued at now */
						kind == TR_ALLOC ? t->req.last_class : -1);
				return;
			}
			t->issue_ns = now; /* complete() reads them when the stall ends; a record */
			t->cur = *rec;     /* that ends as it is issued needs neither */
			t->blocked = true;
			s->nr_blocked++;
			engine_schedule(&s->engine, time_add_sat(now, t->req.stall_ns), s->h_wake,
					WAKE_STALL | task_idx(s, t));
			return;
		}
		t->req.deferred = false;
	}
	t->issue_ns = now;
	t->cur = *rec; /* in progress: the actor applies it */
	t->req.mode = REQ_ACTOR;
	t->blocked = true;
	t->in_actor = true;
	s->nr_blocked++;
	actor_run(&s->engine, task_actor, t);
}

static void issue(struct sim *s, struct sim_task *t, const struct trace_record *rec)
{
	issue_inline(s, t, rec, false, KIND_ANY);
}

/* Closed loop: queue t's next record (its backlog head) at raw time + t's shift. */
static void queue_head(struct sim *s, struct sim_task *t)
{
	if (t->queued || t->blocked || t->waiting || !t->bl.len)
		return;
	struct trace_record rec;
	backlog_peek(&t->bl, t->task, &rec);
	pqueue_push_payload(&s->pending, time_add_sat(rec.time_ns, task_delay(s, t)), &rec);
	t->queued = true;
}

#define WAKE_AHEAD 8 /* handle_wake's prefetch distance in backlog records */
#define BACKLOG_AHEAD 32 /* ... and of the backlog's own records (address only) */

/* Engine handler: t's record in progress is over (its stall served, or its actor done);
 * the task takes up its backlog. */
static void handle_wake(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	struct sim *s = ctx;
	struct sim_task *t = s->tasks[(uint32_t)arg];
	/* The backlog was written when its records arrived, long before: its first records
	 * are fetched while the record in progress completes, then their object slots.  A
	 * woken task issues few records before it blocks again (6.4 on average in the
	 * overcommit bench case), so the loop's look-ahead below reaches few of them. */
	if (t->bl.len) {
		const char *head = (const char *)backlog_head_slot(&t->bl);
		__builtin_prefetch(head);
		__builtin_prefetch(head + 64);
		__builtin_prefetch(head + WAKE_AHEAD * sizeof(struct backlog_slot) - 1);
	}
	if (arg & WAKE_STALL)
		complete(s, t, &t->cur, now_ns);
	if (t->bl.len) {
		const struct backlog_slot *head = backlog_head_slot(&t->bl);
		uint32_t n = MIN(backlog_nr_ahead(&t->bl) + 1, WAKE_AHEAD);
		for (uint32_t i = 0; i < n; i++)
			obj_prefetch_slot(&s->mm.objs, backlog_slot_id(&head[i]));
	}
	t->blocked = false;
	task_req_reset(t);
	s->nr_blocked--;
	if (s->cfg.workload.replay == REPLAY_CLOSED && !s->warming) {
		/* Its shift is known now: its next record, and those of the tasks waiting for
		 * it to start, can be placed in time. */
		queue_head(s, t);
		while (t->waiters) {
			struct sim_task *w = s->tasks[t->waiters - 1];
			t->waiters = w->next_waiter;
			w->next_waiter = 0;
			w->waiting = false;
			queue_head(s, w);
		}
		return;
	}
	if (t->bl.len && s->mm.vm_events[VM_OOM_KILL] && mm_task_killed(&s->mm, t->task)) {
		backlog_skip_killed(s, t);
		return;
	}
	while (!t->blocked && t->bl.len) {
		/* The backlog's records arrived long ago: they and their objects are cold.  The
		 * records are fetched well before they are read (an issue reads the one
		 * WAKE_AHEAD on), and, as the read-ahead does for arriving records, a record's
		 * slot a few issues before it, then (half-way) its head page. */
		const void *ahead = backlog_addr_ahead(&t->bl, BACKLOG_AHEAD);
		if (ahead)
			__builtin_prefetch(ahead);
		uint32_t nr_ahead = backlog_nr_ahead(&t->bl);
		const struct backlog_slot *head = backlog_head_slot(&t->bl);
		if (WAKE_AHEAD <= nr_ahead)
			obj_prefetch_slot(&s->mm.objs, backlog_slot_id(&head[WAKE_AHEAD]));
		if (WAKE_AHEAD / 2 <= nr_ahead)
			obj_prefetch_pages(&s->mm, backlog_slot_id(&head[WAKE_AHEAD / 2]),
					   backlog_slot_kind(&head[WAKE_AHEAD / 2]) == TR_FREE);
		struct trace_record rec;
		backlog_take(&t->bl, t->task, &rec);
		issue(s, t, &rec);
	}
}

void replay_init(struct sim *s)
{
	s->h_wake = engine_register(&s->engine, "task-wake", handle_wake, s);
}

void replay_destroy(struct sim *s)
{
	for (uint32_t i = 0; i < s->nr_tasks; i++) {
		backlog_free(&s->tasks[i]->bl);
		free(s->tasks[i]);
	}
	free(s->tasks);
	free(s->task_direct);
	u64map_destroy(&s->task_index);
}

/* ---- the two replay modes ------------------------------------------------------------- */

/* The first record starts the clock and the sampling ticks. */
static void start_run(struct sim *s, sim_ns_t t_ns)
{
	if (s->started)
		return;
	s->started = s->running = true;
	s->first_ns = s->last_ns = t_ns;
	engine_advance(&s->engine, t_ns);
	if (s->cfg.output.sample_interval_ns && !s->warming)
		engine_schedule(&s->engine, t_ns, s->h_sample, 0);
}

/* A snapshot belongs to no task: it is taken at its trace time in both modes. */
static void snapshot(struct sim *s, const struct trace_record *rec)
{
	struct mm_request req = { .mode = REQ_SYNC, .alloc_class = -1 };
	start_run(s, rec->time_ns);
	engine_run_until(&s->engine, rec->time_ns);
	if (rec->time_ns > s->last_ns)
		s->last_ns = rec->time_ns;
	s->nr_records++;
	s->records_by_kind[rec->kind]++;
	if (s->on_issue)
		s->on_issue(s->observer_ctx, rec, s->engine.now_ns);
	apply_record(s, rec, &req, KIND_ANY);
}

/* sim_apply, inline in sim_run's loop; quiet: no observer and no --check (s->on_issue,
 * s->on_complete and s->check_every unset), known for the whole loop. */
static inline __attribute__((always_inline)) void apply_inline(struct sim *s, const struct trace_record *rec,
							       bool quiet, int kind_known)
{
	if (kind_of(rec, kind_known) == TR_SNAPSHOT) {
		snapshot(s, rec);
		return;
	}
	start_run(s, rec->time_ns);
	engine_run_until(&s->engine, rec->time_ns);
	if (rec->time_ns > s->last_ns)
		s->last_ns = rec->time_ns;
	struct sim_task *t = task_get(s, rec->task);
	if (t->blocked)
		backlog_push(&t->bl, rec);
	else
		issue_inline(s, t, rec, quiet, kind_known);
}

void sim_apply(struct sim *s, const struct trace_record *rec)
{
	apply_inline(s, rec, false, KIND_ANY);
}

/* Closed loop: apply every queued record due no later than horizon_ns.  Engine events due
 * before the next queued record run first: one may end a task's stall and queue that
 * task's next record earlier than anything queued so far. */
static void drain_pending(struct sim *s, sim_ns_t horizon_ns)
{
	for (;;) {
		sim_ns_t next_rec = pqueue_len(&s->pending) ? pqueue_min_time(&s->pending) : UINT64_MAX;
		sim_ns_t limit = MIN(next_rec, horizon_ns);
		/* With nothing queued and no horizon, finish_blocked steps the engine instead. */
		if (s->started && limit != UINT64_MAX && engine_next_time(&s->engine) <= limit) {
			engine_step(&s->engine);
			continue;
		}
		if (!pqueue_len(&s->pending) || next_rec > horizon_ns)
			return;
		struct pqueue_entry queued;
		struct trace_record rec;
		pqueue_pop(&s->pending, &queued, &rec);
		struct sim_task *t = task_get(s, rec.task);
		t->queued = false;
		struct sim_task *b = blocking_task(s, t);
		if (b) { /* its predecessor's stall is not known yet: placed when it ends */
			t->waiting = true;
			t->next_waiter = b->waiters;
			b->waiters = task_idx(s, t) + 1;
			continue;
		}
		sim_ns_t due = time_add_sat(rec.time_ns, task_delay(s, t));
		if (due > queued.time_ns) { /* the task stalled since this was queued */
			queue_head(s, t);
			continue;
		}
		start_run(s, due);
		engine_run_until(&s->engine, due);
		backlog_take(&t->bl, t->task, &rec);
		rec.time_ns = due;
		if (due > s->last_ns)
			s->last_ns = due;
		issue(s, t, &rec);
		queue_head(s, t);
	}
}

/* After the input: let blocked tasks finish (their backlogs included) while the world
 * keeps running, until one second of simulated time passes with nothing completing. */
static void finish_blocked(struct sim *s, bool closed)
{
	for (;;) {
		if (s->stop && *s->stop)
			return;
		if (closed)
			drain_pending(s, UINT64_MAX);
		if (!s->nr_blocked)
			return;
		sim_ns_t next = engine_next_time(&s->engine);
		if (next == UINT64_MAX || next > time_add_sat(s->last_ns, NSEC_PER_SEC))
			return;
		engine_step(&s->engine);
	}
}

/* Requests still asleep in the allocator when the run ends, and records never issued. */
static void count_unfinished(struct sim *s)
{
	for (uint32_t i = 0; i < s->nr_tasks; i++) {
		struct sim_task *t = s->tasks[i];
		if (t->blocked && t->in_actor && t->req.alloc_class >= 0)
			s->mm.alloc_outcome[t->req.alloc_class][AOUT_UNFINISHED]++;
		s->records_unissued += t->bl.len;
	}
}

/* ---- the warm-up of an aged machine (model.md §2.10) ------------------------------------ */

/* The measurement starts here, as a capture takes its "before" snapshot: counters,
 * latencies, allocation outcomes and record counts restart from zero; the machine keeps
 * its state. */
static void reset_measurement(struct sim *s)
{
	mm_reset_stats(&s->mm);
	latency_init(&s->latency);
	s->nr_records = 0;
	memset(s->records_by_kind, 0, sizeof(s->records_by_kind));
	memset(s->unknown_by_kind, 0, sizeof(s->unknown_by_kind));
	s->records_skipped_killed = 0;
	s->total_delay_ns = 0;
}

/* The end of an imported capture's prefill: the measurement starts here.  The prefill is
 * laid out to stay above the zones' watermarks (docs/import.md "Starting state"); if it did
 * not (kswapd woke, an allocation stalled or failed), the rest of it ran as reclaim the
 * capture never saw, so say so rather than let the figures pass for the workload's. */
static void end_prefill(struct sim *s, sim_ns_t first_ns)
{
	const uint64_t *ev = s->mm.vm_events;
	uint64_t runs = ev[VM_PAGEOUTRUN], stalls = ev[VM_ALLOCSTALL_NORMAL] + ev[VM_ALLOCSTALL_MOVABLE] +
						   ev[VM_ALLOCSTALL_DMA32] + ev[VM_ALLOCSTALL_DMA] + ev[VM_ALLOCSTALL_CMA];
	if (runs || stalls || ev[VM_MMSIM_ALLOC_FAIL])
		fprintf(stderr, "mmsim: warning: the imported prefill did not fit above the watermarks: kswapd ran %" PRIu64
			" times, %" PRIu64 " allocations stalled and %" PRIu64
			" failed before the capture's first record; the replay's state at its start is not the capture's\n",
			runs, stalls, ev[VM_MMSIM_ALLOC_FAIL]);
	pcp_set_fixed(&s->mm, false);
	engine_run_until(&s->engine, first_ns);
	reset_measurement(s);
}

/* The number of leading records an importer wrote to rebuild the machine's state at
 * capture start (header import.prefill_records, docs/import.md), or 0. */
static uint64_t prefill_records(const struct trace_header *h)
{
	const char *v = h ? trace_meta_get(h, "import.prefill_records") : NULL;
	if (!v || !*v)
		return 0;
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	return *end ? 0 : (uint64_t)n;
}

/* Replay the warm-up stream (gen_age.c) open-loop, let it settle, then start the measured
 * phase as a measurement takes its "before" snapshot: counters, latencies, allocation
 * outcomes and the time base start from zero; the machine keeps its aged state.  The
 * trace's records are then shifted by time_offset_ns, so they come after the warm-up. */
static int warm_up(struct sim *s, struct sim_error *err)
{
	uint64_t pages = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		pages += s->mm.zones[i].present;
	struct wl_age *a = wl_age_open(&s->cfg.machine.age, s->cfg.seed, pages, err);
	if (!a)
		return -1;
	void (*on_issue)(void *, const struct trace_record *, sim_ns_t) = s->on_issue;
	void (*on_complete)(void *, const struct trace_record *, sim_ns_t) = s->on_complete;
	s->on_issue = NULL; /* observers see the trace's records only */
	s->on_complete = NULL;
	s->warming = true;
	struct trace_record rec;
	int rc;
	while ((rc = wl_age_next(a, &rec, err)) == 1 && !(s->stop && *s->stop))
		sim_apply(s, &rec);
	wl_age_close(a);
	if (rc >= 0 && !(s->stop && *s->stop)) {
		finish_blocked(s, false);
		engine_run_until(&s->engine, time_add_sat(s->last_ns, NSEC_PER_SEC));
	}
	s->warming = false;
	s->on_issue = on_issue;
	s->on_complete = on_complete;
	if (rc < 0)
		return -1;
	reset_measurement(s);
	s->started = s->running = false;
	s->first_ns = s->last_ns = 0;
	s->time_offset_ns = s->engine.now_ns;
	return 0;
}

/* An aged machine's trace must not name the warm-up's objects or tasks. */
static int check_not_warmup(const struct trace_record *rec, struct sim_error *err)
{
	bool has_id = rec->kind != TR_COMPACT && rec->kind != TR_SNAPSHOT && rec->kind != TR_TASK;
	if ((has_id && rec->id >= WL_AGE_ID_BASE) || rec->task >= WL_AGE_TASK_BASE)
		return sim_error_set(err, EX_DATAERR_,
				     "record at %llu ns: id %#llx or task %u is in the range the warm-up of an "
				     "aged machine uses (ids from %#llx, tasks from %#x; machine.age.mode)",
				     (unsigned long long)rec->time_ns, (unsigned long long)rec->id, rec->task,
				     WL_AGE_ID_BASE, WL_AGE_TASK_BASE);
	return 0;
}

/* ---- read-ahead ------------------------------------------------------------------------
 * The records a few places ahead are already known, so the memory they will touch can be
 * on its way while the current one is applied: a record's object slot is prefetched when
 * it is read READ_AHEAD records ahead, its head page (and, for a free, the buddy) half-way.
 * Records are applied in the same order as without it; a read error is returned once the
 * records before it are used up.
 * Records are read in place, a run at a time (record_source.next_run: a trace file's
 * decoded batches, a trace held in memory); a source with only `next` (an in-process
 * generator, the tests' arrays) is read into a run of RUNS_FROM_NEXT records first
 * (runs_from_next).  The read-ahead looks into the run itself (the run's last READ_AHEAD
 * records are applied without the prefetches for the next run's first). */
#define READ_AHEAD 16
struct read_ahead {
	struct record_source *src;
	const struct mm *mm;
	/* win[win_pos .. win_n) the current run's records left */
	const struct trace_record *win;
	size_t win_n, win_pos;
	int rc; /* the source's last answer: 1 while it may have more */
};

/* A source with only `next`, read a run at a time into run[] (trace_run_fill: an error
 * after some records is kept and given at the next call, after them). */
#define RUNS_FROM_NEXT 1024u
struct runs_from_next {
	const struct record_source *src;
	struct trace_run_fill fill; /* its run is run[] */
	struct trace_record run[RUNS_FROM_NEXT];
};

static int runs_from_next(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	struct runs_from_next *rn = ctx;
	return trace_run_fill(&rn->fill, rn->src->next, rn->src->ctx, v, n, err);
}

/* The source's next run as the window: true, or false with *rc its answer (0 at the end,
 * -1 on a read error). */
static __attribute__((noinline)) bool window_refill(struct read_ahead *ra, int *rc, struct sim_error *err)
{
	const struct trace_record *v = NULL;
	size_t n = 0;
	if (ra->rc == 1)
		ra->rc = ra->src->next_run(ra->src->ctx, &v, &n, err);
	if (ra->rc != 1 || !n) {
		*rc = ra->rc == 1 ? 0 : ra->rc;
		return false;
	}
	ra->win = v;
	ra->win_n = n;
	ra->win_pos = 0;
	return true;
}

/* The next record, in place (good until the next call), or NULL with *rc the source's last
 * answer (0 at the end, -1 on a read error). */
static inline __attribute__((always_inline)) const struct trace_record *
read_ahead_next(struct read_ahead *ra, int *rc, struct sim_error *err)
{
	/* The distances: the slot of the record READ_AHEAD - 1 on, the pages of the one
	 * READ_AHEAD / 2 on; the run itself 32 on (read once, front to back). */
	if (ra->win_pos == ra->win_n && !window_refill(ra, rc, err))
		return NULL;
	const struct trace_record *v = ra->win;
	size_t k = ra->win_pos++, n = ra->win_n;
	__builtin_prefetch(&v[k + 32], 0, 0); /* past the end is harmless */
	if (k + READ_AHEAD - 1 < n)
		obj_prefetch_slot(&ra->mm->objs, v[k + READ_AHEAD - 1].id);
	if (k + READ_AHEAD / 2 < n) {
		const struct trace_record *r = &v[k + READ_AHEAD / 2];
		obj_prefetch_pages(ra->mm, r->id, r->kind == TR_FREE);
	}
	return &v[k];
}

/* The open loop over records in place (a trace file's runs, or `bench simulate`'s array)
 * with no observer, no --check, no prefill: what run()'s loop does for them, with the run's
 * position and end in locals, the read-ahead's bounds checks answered once for all but the
 * last READ_AHEAD records of each run, and a copy of the record path for each of the two
 * kinds nearly every record is (the kind known, its tests fold away); the other kinds go
 * through sim_apply (the same steps, out of line).  Returns 0 at the end, -1 when
 * interrupted or on a read error (err set). */
static const volatile sig_atomic_t never_stopped = 0;

/* Whether r, read ahead, will be applied when it is reached rather than wait in a blocked
 * task's backlog: then its pages are not touched now, and the read-ahead's look at its
 * object slot, a load that misses, stalls a loop that only files records away (under
 * pressure nearly every record waits, 94 % in the overcommit bench case).  With no task
 * blocked, one test. */
static inline __attribute__((always_inline)) bool read_ahead_applies(const struct sim *s,
								     const struct trace_record *r)
{
	if (__builtin_expect(!s->nr_blocked, 1))
		return true;
	const struct sim_task *t = r->task < s->cap_direct ? s->task_direct[r->task] : NULL;
	return !t || !t->blocked;
}

static inline __attribute__((always_inline)) int run_quiet(struct sim *s, struct read_ahead *ra,
							   struct sim_error *err)
{
	const struct mm *mm = &s->mm;
	const volatile sig_atomic_t *stop = s->stop ? s->stop : &never_stopped;
	int rc = 0;
	while (ra->win_pos < ra->win_n || window_refill(ra, &rc, err)) {
		const struct trace_record *v = ra->win;
		size_t n = ra->win_n, k = ra->win_pos;
		size_t bulk = n > READ_AHEAD ? n - READ_AHEAD : 0; /* k < bulk: k + READ_AHEAD - 1 < n */
		while (k < n) {
			/* read_ahead_next's prefetches, at its distances */
			__builtin_prefetch(&v[k + 32], 0, 0); /* past the end is harmless */
			if (__builtin_expect(k < bulk, 1)) {
				obj_prefetch_slot(&mm->objs, v[k + READ_AHEAD - 1].id);
				if (read_ahead_applies(s, &v[k + READ_AHEAD / 2]))
					obj_prefetch_pages(mm, v[k + READ_AHEAD / 2].id,
							   v[k + READ_AHEAD / 2].kind == TR_FREE);
			} else {
				if (k + READ_AHEAD - 1 < n)
					obj_prefetch_slot(&mm->objs, v[k + READ_AHEAD - 1].id);
				if (k + READ_AHEAD / 2 < n && read_ahead_applies(s, &v[k + READ_AHEAD / 2]))
					obj_prefetch_pages(mm, v[k + READ_AHEAD / 2].id,
							   v[k + READ_AHEAD / 2].kind == TR_FREE);
			}
			const struct trace_record *next = &v[k++];
			if (*stop) {
				ra->win_pos = k;
				return sim_error_set(err, EX_SOFTWARE_, "interrupted by signal %d", (int)*stop);
			}
			if (next->kind == TR_ALLOC)
				apply_inline(s, next, true, TR_ALLOC);
			else if (next->kind == TR_FREE)
				apply_inline(s, next, true, TR_FREE);
			else
				sim_apply(s, next);
			if (s->out_err.code)
				break;
		}
		ra->win_pos = k;
		if (s->out_err.code)
			return 0; /* the caller reports it */
	}
	return rc < 0 ? -1 : 0;
}

/* sim_run with its read-ahead. */
static int run(struct sim *s, struct read_ahead *ra, struct record_source *src_in, struct sim_error *err)
{
	const struct trace_record *next;
	struct trace_record rec;
	bool closed = s->cfg.workload.replay == REPLAY_CLOSED;
	bool aged = s->cfg.machine.age.mode == MACHINE_AGED;
	/* An imported capture starts with the records that rebuild the state the machine was
	 * in when the capture began; what they allocate is not part of the measurement (the
	 * kernel's counters are deltas from that moment), so it restarts after them. */
	uint64_t nr_prefill = prefill_records(src_in->header), nr_read = 0;
	int rc = 1;
	if (aged && warm_up(s, err))
		return -1;
	/* the prefill lays memory out in per-cpu refills of one batch (docs/import.md) */
	if (nr_prefill)
		pcp_set_fixed(&s->mm, true);
	/* The open loop applies each record in place (no copy), in a loop of its own: the
	 * checks of the other modes are answered once here, not per record. */
	if (!closed && !aged && !nr_prefill && !s->on_issue && !s->on_complete && !s->check_every) {
		if (run_quiet(s, ra, err))
			return -1;
		rc = 0;
	} else if (!closed && !aged) {
		while ((next = read_ahead_next(ra, &rc, err))) {
			if (nr_prefill && nr_read++ == nr_prefill)
				end_prefill(s, next->time_ns); /* the first record of the capture itself */
			if (s->stop && *s->stop)
				return sim_error_set(err, EX_SOFTWARE_, "interrupted by signal %d", (int)*s->stop);
			sim_apply(s, next); /* run_quiet's case aside: the path out of line */
			if (s->out_err.code)
				break;
		}
	}
	while (!(!closed && !aged) && (next = read_ahead_next(ra, &rc, err))) {
		/* A copy where the replay changes it (an aged machine's shift, the closed loop's
		 * backlog). */
		rec = *next;
		if (nr_prefill && nr_read++ == nr_prefill)
			end_prefill(s, rec.time_ns); /* the first record of the capture itself */
		if (s->stop && *s->stop)
			return sim_error_set(err, EX_SOFTWARE_, "interrupted by signal %d", (int)*s->stop);
		if (aged) {
			if (check_not_warmup(&rec, err))
				return -1;
			rec.time_ns = time_add_sat(rec.time_ns, s->time_offset_ns);
		}
		if (rec.kind == TR_TASK) {
			/* `task T after P`: until T starts, it inherits P's shift (closed loop). */
			struct sim_task *t = task_get(s, rec.task);
			if (closed && trace_task_after(&rec) && trace_task_after(&rec) != rec.task)
				t->after = task_idx(s, task_get(s, trace_task_after(&rec))) + 1;
		}
		if (!closed) {
			sim_apply(s, &rec);
			if (s->out_err.code)
				break;
			continue;
		}
		/* Everything due before this record's raw time is safe to run now. */
		if (rec.time_ns > 0)
			drain_pending(s, rec.time_ns - 1);
		if (rec.kind == TR_SNAPSHOT) {
			snapshot(s, &rec);
			continue;
		}
		struct sim_task *t = task_get(s, rec.task);
		backlog_push(&t->bl, &rec);
		queue_head(s, t);
		if (s->out_err.code)
			break;
	}
	if (rc < 0)
		return -1;
	if (!s->out_err.code)
		finish_blocked(s, closed);
	if (s->stop && *s->stop)
		return sim_error_set(err, EX_SOFTWARE_, "interrupted by signal %d", (int)*s->stop);
	count_unfinished(s);
	s->running = false;
	/* Let in-flight mechanism work (writeback completions, kswapd) finish within a
	 * bounded tail so the final state is settled but a run never spins forever. */
	if (!s->out_err.code)
		engine_run_until(&s->engine, time_add_sat(s->last_ns, NSEC_PER_SEC));
	if (s->out_err.code) {
		if (err)
			*err = s->out_err;
		return -1;
	}
	return 0;
}

int sim_run(struct sim *s, struct record_source *src_in, struct sim_error *err)
{
	/* The read-ahead in an allocation of its own, on cache lines of its own: on sim_run's
	 * stack, among the locals the inlined per-record path spills, the replay of churn-10m
	 * took 5-10 % longer (bench/README.md). */
	struct read_ahead *ra = aligned_alloc(64, (sizeof(*ra) + 63) / 64 * 64);
	if (!ra)
		abort();
	struct record_source src = *src_in;
	struct runs_from_next *rn = NULL;
	if (!src.next_run && src.next == sim_record_array_next) {
		src.next_run = sim_record_array_run; /* an array is read in place all the same */
	} else if (!src.next_run) {
		if (!(rn = malloc(sizeof(*rn))))
			abort();
		rn->src = src_in;
		rn->fill = (struct trace_run_fill){ .run = rn->run, .cap = RUNS_FROM_NEXT, .rc = 1 };
		src.next_run = runs_from_next;
		src.ctx = rn;
	}
	*ra = (struct read_ahead){ .src = &src, .mm = &s->mm, .rc = 1 };
	int rc = run(s, ra, &src, err);
	free(rn);
	free(ra);
	return rc;
}
