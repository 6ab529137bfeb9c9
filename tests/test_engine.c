#include "engine/actor.h"
#include "engine/engine.h"
#include "testlib.h"

#include <string.h>

struct log { uint64_t args[64]; sim_ns_t times[64]; int n; struct engine *e; unsigned h; };

static void record(void *ctx, sim_ns_t now, uint64_t arg)
{
	struct log *l = ctx;
	l->times[l->n] = now;
	l->args[l->n++] = arg;
	/* arg 100 reschedules itself once at the same time: it must run after every event
	 * already queued for that time (seq tie-break). */
	if (arg == 100)
		engine_schedule(l->e, now, l->h, 101);
}

static void test_order_and_ties(void)
{
	struct engine e;
	struct log l = { .e = &e };
	engine_init(&e);
	l.h = engine_register(&e, "rec", record, &l);
	engine_schedule(&e, 50, l.h, 3);
	engine_schedule(&e, 10, l.h, 1);
	engine_schedule(&e, 50, l.h, 100);
	engine_schedule(&e, 50, l.h, 4);
	engine_schedule(&e, 20, l.h, 2);
	engine_run_until(&e, 49);
	CHECK_EQ(l.n, 2);
	CHECK_EQ(e.now_ns, 49);
	engine_run_until(&e, 1000);
	CHECK_EQ(l.n, 6);
	uint64_t want[] = { 1, 2, 3, 100, 4, 101 };
	for (int i = 0; i < 6; i++)
		CHECK_EQ(l.args[i], want[i]);
	CHECK_EQ(l.times[5], 50);
	CHECK_EQ(e.now_ns, 1000);
	CHECK_EQ(engine_next_time(&e), UINT64_MAX);
	engine_destroy(&e);
}

static void test_heap_random(void)
{
	struct engine e;
	struct log l = { .e = &e };
	engine_init(&e);
	l.h = engine_register(&e, "rec", record, &l);
	uint64_t s = tl_test_seed() | 1;
	for (int i = 0; i < 60; i++) {
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;
		engine_schedule(&e, s % 1000, l.h, i);
	}
	engine_run_until(&e, 2000);
	CHECK_EQ(l.n, 60);
	for (int i = 1; i < l.n; i++)
		CHECK(l.times[i - 1] <= l.times[i]);
	engine_destroy(&e);
}

/* ---- actors ---------------------------------------------------------------------------- */

/* What the actors of one test did: (actor, step, time) in the order it happened. */
struct trail {
	struct engine *e;
	struct waitq q;
	int who[64], step[64];
	sim_ns_t at[64];
	bool woken[64];
	int n;
};
struct actor_arg {
	struct trail *t;
	int id;
};

static void note(struct trail *t, int id, int step, bool woken)
{
	t->who[t->n] = id;
	t->step[t->n] = step;
	t->woken[t->n] = woken;
	t->at[t->n++] = t->e->now_ns;
}

/* Sleeps 100 ns, then 50 ns, then returns. */
static void sleeper(void *arg)
{
	struct actor_arg *a = arg;
	note(a->t, a->id, 0, false);
	actor_sleep(a->t->e, 100);
	note(a->t, a->id, 1, false);
	actor_sleep(a->t->e, 50);
	note(a->t, a->id, 2, false);
}

/* Waits on the queue with a 1000 ns timeout. */
static void waiter(void *arg)
{
	struct actor_arg *a = arg;
	note(a->t, a->id, 0, false);
	bool w = actor_wait(a->t->e, &a->t->q, 1000);
	note(a->t, a->id, 1, w);
}

/* Engine event: wake one waiter of the queue. */
static void wake_one(void *ctx, sim_ns_t now, uint64_t arg)
{
	(void)now;
	(void)arg;
	struct trail *t = ctx;
	waitq_wake(t->e, &t->q, 1);
}

/* Sleepers A (started at 0) and B (started at 30) each resume at their own times: A at 100
 * and 150, B at 130 and 180.  Waiter w1 (first on the queue) is woken by an event at 500,
 * before its 1000 ns timeout; w2 times out at 30 + 1000 = 1030; w1's stale timeout, also
 * at 1030, does nothing.  Ties at one time run in the order they were scheduled. */
static void test_actor_sleep_and_wait(void)
{
	struct engine e;
	engine_init(&e);
	struct trail t = { .e = &e };
	struct actor_arg a = { &t, 1 }, b = { &t, 2 }, w1 = { &t, 3 }, w2 = { &t, 4 };
	CHECK(!actor_run(&e, sleeper, &a)); /* it sleeps: not finished */
	CHECK_EQ(actor_nr_live(&e), 1);
	engine_run_until(&e, 30);
	CHECK(!actor_run(&e, sleeper, &b));
	CHECK(!actor_run(&e, waiter, &w1)); /* first on the queue: woken at 500 */
	CHECK(!actor_run(&e, waiter, &w2)); /* times out at 30 + 1000 */
	CHECK_EQ(t.q.nr, 2);
	unsigned h = engine_register(&e, "wake", wake_one, &t);
	engine_schedule(&e, 500, h, 0);
	engine_run_until(&e, 10000);
	CHECK_EQ(actor_nr_live(&e), 0);
	CHECK_EQ(t.q.nr, 0);
	static const int who[] = { 1, 2, 3, 4, 1, 2, 1, 2, 3, 4 };
	static const int step[] = { 0, 0, 0, 0, 1, 1, 2, 2, 1, 1 };
	static const sim_ns_t at[] = { 0, 30, 30, 30, 100, 130, 150, 180, 500, 1030 };
	CHECK_EQ(t.n, 10);
	for (int i = 0; i < 10 && i < t.n; i++) {
		CHECK_EQ(t.who[i], who[i]);
		CHECK_EQ(t.step[i], step[i]);
		CHECK_EQ(t.at[i], at[i]);
	}
	CHECK(t.woken[8]);   /* w1: woken by the event */
	CHECK(!t.woken[9]);  /* w2: timed out */
	/* A waiter woken by waitq_wake_all resumes at the wake time, on a reused stack. */
	struct trail t2 = { .e = &e };
	CHECK(actor_run(&e, waiter, &(struct actor_arg){ &t2, 5 }) == false);
	CHECK_EQ(waitq_wake_all(&e, &t2.q), 1);
	engine_run_until(&e, 10001);
	CHECK_EQ(t2.n, 2);
	CHECK(t2.woken[1]);
	CHECK_EQ(t2.at[1], 10000);
	engine_destroy(&e);
}

/* ---- the queue against its definition ------------------------------------------------ */

/* Every event dispatched in (time, insertion) order: events are numbered as they are
 * scheduled (arg = number), some handlers schedule more at now or a little later, and the
 * dispatch sequence must be strictly increasing in (time, number) and complete, with each
 * event reaching the handler it was scheduled for. */
#define QN 20000
struct qlog {
	struct engine *e;
	unsigned h[3];
	uint64_t next_arg, nr_seen, nr_bad, nr_wrong_handler;
	sim_ns_t last_t;
	uint64_t last_arg;
	unsigned char handler_of[2 * QN];
	uint64_t rng;
};

static uint64_t qrand(struct qlog *q)
{
	q->rng ^= q->rng << 13;
	q->rng ^= q->rng >> 7;
	q->rng ^= q->rng << 17;
	return q->rng;
}

static void qschedule(struct qlog *q, sim_ns_t t, unsigned which)
{
	uint64_t a = q->next_arg++;
	q->handler_of[a] = (unsigned char)which;
	engine_schedule(q->e, t, q->h[which], a);
}

static void qhandle(struct qlog *q, unsigned which, sim_ns_t now, uint64_t arg)
{
	if (q->nr_seen && (now < q->last_t || (now == q->last_t && arg <= q->last_arg)))
		q->nr_bad++;
	if (q->handler_of[arg] != which)
		q->nr_wrong_handler++;
	q->nr_seen++;
	q->last_t = now;
	q->last_arg = arg;
	/* Half the first QN events schedule one more: at now (the run), or up to 40 later. */
	if (arg < QN && (qrand(q) & 1)) {
		uint64_t r = qrand(q);
		qschedule(q, now + ((r & 2) ? 0 : r % 40), (unsigned)(r >> 8) % 3);
	}
}
static void qh0(void *ctx, sim_ns_t now, uint64_t arg) { qhandle(ctx, 0, now, arg); }
static void qh1(void *ctx, sim_ns_t now, uint64_t arg) { qhandle(ctx, 1, now, arg); }
static void qh2(void *ctx, sim_ns_t now, uint64_t arg) { qhandle(ctx, 2, now, arg); }

static void test_queue_order(void)
{
	struct engine e;
	static struct qlog q;
	memset(&q, 0, sizeof(q));
	q.e = &e;
	q.rng = tl_test_seed() | 1;
	engine_init(&e);
	q.h[0] = engine_register(&e, "q0", qh0, &q);
	q.h[1] = engine_register(&e, "q1", qh1, &q);
	q.h[2] = engine_register(&e, "q2", qh2, &q);
	/* Times in a narrow range, so many are equal; scheduled in two halves with the
	 * engine run part-way between them (events at now go to the run). */
	for (int i = 0; i < QN / 2; i++)
		qschedule(&q, qrand(&q) % 3000, (unsigned)(qrand(&q) % 3));
	engine_run_until(&e, 1000);
	CHECK_EQ(e.now_ns, 1000);
	for (int i = QN / 2; i < QN; i++) {
		uint64_t r = qrand(&q);
		qschedule(&q, (r & 1) ? e.now_ns : e.now_ns + r % 3000, (unsigned)(r >> 8) % 3);
	}
	engine_run_until(&e, UINT64_MAX - 1);
	CHECK_EQ(q.nr_seen, q.next_arg);
	CHECK(q.next_arg > QN);
	CHECK_EQ(q.nr_bad, 0);
	CHECK_EQ(q.nr_wrong_handler, 0);
	CHECK_EQ(engine_next_time(&e), UINT64_MAX);
	CHECK(!engine_step(&e));
	engine_destroy(&e);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_order_and_ties);
	RUN(test_heap_random);
	RUN(test_queue_order);
	RUN(test_actor_sleep_and_wait);
	return TEST_END();
}
