#include "engine/engine.h"
#include "testlib.h"

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

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_order_and_ties);
	RUN(test_heap_random);
	return TEST_END();
}
