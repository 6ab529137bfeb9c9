/* test_pqueue.c — the (time, seq) priority queue every scheduler in the simulator uses. */
#include "lib/pqueue.h"
#include "testlib.h"

/* Hand-ordered: times 30, 10, 20, 10, 30, 10 pushed with values 0..5 come out by time and,
 * within a time, in push order: (10,1) (10,3) (10,5) (20,2) (30,0) (30,4). */
static void test_order_and_ties(void)
{
	struct pqueue q;
	pqueue_init(&q, 0);
	static const sim_ns_t t[] = { 30, 10, 20, 10, 30, 10 };
	for (uint64_t i = 0; i < ARRAY_SIZE(t); i++)
		CHECK_EQ(pqueue_push(&q, t[i], i), i); /* seq is the push index */
	CHECK_EQ(pqueue_len(&q), 6);
	CHECK_EQ(pqueue_min_time(&q), 10);
	static const uint64_t want_v[] = { 1, 3, 5, 2, 0, 4 };
	static const sim_ns_t want_t[] = { 10, 10, 10, 20, 30, 30 };
	struct pqueue_entry e;
	for (size_t i = 0; i < ARRAY_SIZE(want_v); i++) {
		CHECK(pqueue_pop(&q, &e, NULL));
		CHECK_EQ(e.value, want_v[i]);
		CHECK_EQ(e.seq, want_v[i]);
		CHECK_EQ(e.time_ns, want_t[i]);
	}
	CHECK(!pqueue_pop(&q, &e, NULL));
	CHECK_EQ(pqueue_min_time(&q), UINT64_MAX);
	pqueue_destroy(&q);
}

struct big {
	uint64_t id;
	char pad[100]; /* a payload larger than a key, as a trace record is */
};

/* Payload entries come back intact, and slots freed by pops are reused without mixing
 * payloads; a clear drops everything but keeps seq counting. */
static void test_payload_and_clear(void)
{
	struct pqueue q;
	pqueue_init(&q, sizeof(struct big));
	struct big b = { 0 };
	for (uint64_t i = 0; i < 5; i++) {
		b.id = i;
		b.pad[99] = (char)('a' + i);
		pqueue_push_payload(&q, 100 - i, &b);
	}
	struct pqueue_entry e;
	CHECK(pqueue_pop(&q, &e, &b)); /* time 96: id 4 */
	CHECK_EQ(b.id, 4);
	CHECK_EQ(b.pad[99], 'e');
	CHECK_EQ(e.time_ns, 96);
	CHECK_EQ(e.seq, 4);
	b.id = 9;
	b.pad[99] = 'z';
	pqueue_push_payload(&q, 97, &b); /* ties with id 3 at 97, pushed later */
	CHECK(pqueue_pop(&q, &e, &b));
	CHECK_EQ(b.id, 3);
	CHECK(pqueue_pop(&q, &e, &b));
	CHECK_EQ(b.id, 9);
	CHECK_EQ(b.pad[99], 'z');
	CHECK_EQ(e.seq, 5);
	pqueue_clear(&q);
	CHECK_EQ(pqueue_len(&q), 0);
	CHECK_EQ(pqueue_push_payload(&q, 1, &b), 6);
	CHECK(pqueue_pop(&q, NULL, &b));
	CHECK_EQ(b.id, 9);
	pqueue_destroy(&q);
}

/* Randomized against the definition: interleaved pushes and pops, few distinct times so
 * ties are common; every pop must be the (time, seq)-least entry still queued. */
static void test_random_against_scan(void)
{
	uint64_t x = tl_test_seed() | 1;
	enum { N = 4000 };
	static sim_ns_t times[N];
	static bool popped[N];
	uint64_t nr_pushed = 0;
	struct pqueue q;
	pqueue_init(&q, sizeof(uint64_t));
	memset(popped, 0, sizeof(popped));
	for (int step = 0; step < 3 * N; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bool push = nr_pushed < N && (pqueue_len(&q) == 0 || x % 3 != 0);
		if (push) {
			times[nr_pushed] = (x >> 8) % 50;
			CHECK_EQ(pqueue_push_payload(&q, times[nr_pushed], &nr_pushed), nr_pushed);
			nr_pushed++;
			continue;
		}
		if (!pqueue_len(&q))
			break;
		uint64_t best = UINT64_MAX;
		for (uint64_t i = 0; i < nr_pushed; i++)
			if (!popped[i] && (best == UINT64_MAX || times[i] < times[best]))
				best = i; /* first index among equal times = smallest seq */
		uint64_t got;
		struct pqueue_entry e;
		CHECK(pqueue_pop(&q, &e, &got));
		CHECK_EQ(got, best);
		CHECK_EQ(e.seq, best);
		CHECK_EQ(e.time_ns, times[best]);
		popped[best] = true;
	}
	pqueue_destroy(&q);
}

/* A scheduler's pattern: pushes at the time last popped ("now", to the run), interleaved
 * with later ones (to the heap), and ties between the two sides.  Hand-ordered:
 *   push (10,#0) (20,#1) -> pop (10,#0); now 10
 *   push (10,#2) (20,#3) (10,#4) -> pop (10,#2) (10,#4) (20,#1) (20,#3)
 * and a run entry equal in time to the heap's top still comes after it (larger seq):
 *   push (30,#5) [run] (20,#6) [heap: before the run's tail] (40,#7) [heap: after its top]
 *   -> pop (20,#6); push (40,#8) [run: ties the heap's top] -> pop #5, #7, #8. */
static void test_run_and_heap_merge(void)
{
	struct pqueue q;
	pqueue_init(&q, 16);
	uint64_t pl[2] = { 0, 0 };
	struct pqueue_entry e;
	pqueue_push_payload(&q, 10, (pl[0] = 0, pl));
	pqueue_push_payload(&q, 20, (pl[0] = 1, pl));
	CHECK(pqueue_pop(&q, &e, pl));
	CHECK_EQ(pl[0], 0);
	pqueue_push_payload(&q, 10, (pl[0] = 2, pl));
	pqueue_push_payload(&q, 20, (pl[0] = 3, pl));
	pqueue_push_payload(&q, 10, (pl[0] = 4, pl));
	CHECK_EQ(pqueue_len(&q), 4);
	CHECK_EQ(pqueue_min_time(&q), 10);
	static const uint64_t want[] = { 2, 4, 1, 3 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		CHECK(pqueue_pop(&q, &e, pl));
		CHECK_EQ(pl[0], want[i]);
		CHECK_EQ(e.seq, want[i]);
	}
	pqueue_push_payload(&q, 30, (pl[0] = 5, pl));
	pqueue_push_payload(&q, 20, (pl[0] = 6, pl));
	pqueue_push_payload(&q, 40, (pl[0] = 7, pl));
	CHECK(pqueue_pop(&q, &e, pl));
	CHECK_EQ(pl[0], 6);
	pqueue_push_payload(&q, 40, (pl[0] = 8, pl));
	static const uint64_t tail[] = { 5, 7, 8 };
	for (size_t i = 0; i < ARRAY_SIZE(tail); i++) {
		CHECK(pqueue_pop(&q, &e, pl));
		CHECK_EQ(pl[0], tail[i]);
	}
	CHECK(!pqueue_pop(&q, &e, pl));
	pqueue_destroy(&q);
}

/* Randomized as an engine uses the queue: each push is either at the last popped time or
 * some way after it; the pops must come out in (time, seq) order, against a scan. */
static void test_random_scheduler_pattern(void)
{
	uint64_t x = tl_test_seed() * 2 + 1;
	enum { N = 20000 };
	static sim_ns_t times[N];
	static bool popped[N];
	uint64_t nr_pushed = 0, first_live = 0;
	sim_ns_t now = 0;
	struct pqueue q;
	pqueue_init(&q, 16);
	memset(popped, 0, sizeof(popped));
	while (nr_pushed < N || pqueue_len(&q)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (nr_pushed < N && (pqueue_len(&q) == 0 || x % 5 < 3)) {
			times[nr_pushed] = (x >> 8) % 2 ? now : now + (x >> 16) % 40;
			uint64_t pl[2] = { nr_pushed, ~nr_pushed };
			CHECK_EQ(pqueue_push_payload(&q, times[nr_pushed], pl), nr_pushed);
			nr_pushed++;
			continue;
		}
		while (popped[first_live])
			first_live++;
		uint64_t best = first_live;
		for (uint64_t i = first_live + 1; i < nr_pushed; i++)
			if (!popped[i] && times[i] < times[best])
				best = i;
		uint64_t pl[2];
		struct pqueue_entry e;
		CHECK_EQ(pqueue_min_time(&q), times[best]);
		CHECK(pqueue_pop(&q, &e, pl));
		CHECK_EQ(pl[0], best);
		CHECK_EQ(pl[1], ~best);
		CHECK_EQ(e.time_ns, times[best]);
		popped[best] = true;
		now = e.time_ns;
	}
	pqueue_destroy(&q);
}

/* Tags (the engine's handlers) ride in the seq word's low bits without changing the order:
 * times 5, 5, 3 pushed with tags 31, 0, 7 come out as (3, seq 2, tag 7), (5, seq 0, tag 31),
 * (5, seq 1, tag 0) -- tag 31 before tag 0 at the same time, since it was pushed first. */
static void test_tags(void)
{
	struct pqueue q;
	pqueue_init(&q, 0);
	CHECK_EQ(pqueue_push_key(&q, 5, 50, 31), 0);
	CHECK_EQ(pqueue_push_key(&q, 5, 51, 0), 1);
	CHECK_EQ(pqueue_push_key(&q, 3, 52, 7), 2);
	static const uint64_t want_seq[] = { 2, 0, 1 }, want_v[] = { 52, 50, 51 };
	static const unsigned want_tag[] = { 7, 31, 0 };
	struct pqueue_entry e;
	for (int i = 0; i < 3; i++) {
		CHECK(pqueue_pop(&q, &e, NULL));
		CHECK_EQ(e.seq, want_seq[i]);
		CHECK_EQ(e.value, want_v[i]);
		CHECK_EQ(e.tag, want_tag[i]);
	}
	CHECK(!pqueue_pop(&q, &e, NULL));
	pqueue_destroy(&q);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_order_and_ties);
	RUN(test_payload_and_clear);
	RUN(test_random_against_scan);
	RUN(test_run_and_heap_merge);
	RUN(test_random_scheduler_pattern);
	RUN(test_tags);
	return TEST_END();
}
