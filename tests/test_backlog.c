/* test_backlog.c — a task's FIFO of waiting records (backlog.h): every record comes back
 * exactly as pushed, in order, whether it fits a 16-byte slot or is kept whole. */
#include "backlog.h"
#include "testlib.h"

#include <inttypes.h>
#include <stdio.h>

#define TASK 7u

static bool same(const struct trace_record *a, const struct trace_record *b)
{
	return a->time_ns == b->time_ns && a->id == b->id && a->gfp == b->gfp && a->task == b->task &&
	       a->count == b->count && a->arg == b->arg && a->kind == b->kind && a->order == b->order;
}

static struct trace_record rec_at(sim_ns_t t, enum trace_kind kind, uint64_t id)
{
	return (struct trace_record){ .time_ns = t, .id = id, .task = TASK, .kind = (uint8_t)kind };
}

/* Hand-made records, each either fitting a slot or breaking exactly one of its limits:
 *   0  alloc id 5, order 3, gfp 0x14cca          fits (gfp in the slot's word)
 *   1  access id 5                               fits
 *   2  free id 2^48 - 1                          fits (the largest id a slot holds)
 *   3  free id 2^48                              whole: the id needs 49 bits
 *   4  cpu arg 1                                 fits (arg in the word)
 *   5  cma_alloc id 9, count 64, arg 2           whole: a count
 *   6  free id 6 with a gfp                      whole: a gfp on a kind other than alloc
 *   7  alloc id 8 with arg 3                     whole: an arg on an alloc
 *   8  dirty id 5 with an age of 500 ms (arg)     fits (arg in the word)
 *   9  access id 5, 2^32 ns after record 0       whole: the offset from the chunk's first
 *                                                record (record 0, at 1000) needs 33 bits
 *   10 access id 5, 2^32 - 1 ns after record 0   fits (the largest offset)
 *   11 snapshot arg -5 (a negative tag)          fits (arg's bits in the word)
 * so 5 are kept whole (3, 5, 6, 7, 9). */
static void test_round_trip_and_escapes(void)
{
	struct trace_record v[12];
	v[0] = rec_at(1000, TR_ALLOC, 5);
	v[0].order = 3;
	v[0].gfp = 0x14cca;
	v[1] = rec_at(1000, TR_ACCESS, 5);
	v[2] = rec_at(1001, TR_FREE, (1ull << 48) - 1);
	v[3] = rec_at(1002, TR_FREE, 1ull << 48);
	v[4] = rec_at(1003, TR_CPU, 0);
	v[4].arg = 1;
	v[5] = rec_at(1004, TR_CMA_ALLOC, 9);
	v[5].count = 64;
	v[5].arg = 2;
	v[6] = rec_at(1005, TR_FREE, 6);
	v[6].gfp = 0xcc0;
	v[7] = rec_at(1006, TR_ALLOC, 8);
	v[7].arg = 3;
	v[8] = rec_at(1007, TR_DIRTY, 5);
	v[8].arg = 500;
	v[9] = rec_at(1000 + (1ull << 32), TR_ACCESS, 5);
	v[10] = rec_at(1000 + (1ull << 32) - 1, TR_ACCESS, 5);
	v[11] = rec_at(1000 + (1ull << 32) - 1, TR_SNAPSHOT, 0);
	v[11].arg = -5;
	struct backlog b;
	backlog_init(&b);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		backlog_push(&b, &v[i]);
	CHECK_EQ(b.len, 12);
	CHECK_EQ(b.esc_len, 5);
	unsigned bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct trace_record peeked, taken;
		backlog_peek(&b, TASK, &peeked);
		backlog_take(&b, TASK, &taken);
		bad += !same(&peeked, &v[i]) || !same(&taken, &v[i]);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(b.len, 0);
	CHECK_EQ(b.esc_len, 0);
	CHECK_EQ(b.head, 0);
	CHECK_EQ(b.tail, 0);
	backlog_free(&b);
	CHECK_EQ(b.tail, BACKLOG_CHUNK); /* as new: the next push takes a chunk */
}

/* A long backlog taken while it grows: 3 × BACKLOG_CHUNK + 5 records (four chunks), every
 * fifth kept whole (an id of 2^48 + i), taken two for every three pushed, then emptied,
 * then refilled at a time earlier than the first chunk's base (an emptied backlog's chunk
 * takes the next record's time as its base, so nothing escapes for the time): the records
 * come out in push order, each as pushed, and the side ring wraps and grows (more than 16
 * whole records wait at once). */
static void test_long_interleaved(void)
{
	enum { N = 3 * BACKLOG_CHUNK + 5 };
	static struct trace_record v[N + 20];
	for (uint32_t i = 0; i < N; i++) {
		v[i] = rec_at(5000 + 10 * (sim_ns_t)i, i % 3 ? TR_ACCESS : TR_ALLOC, 100 + i);
		if (i % 5 == 0)
			v[i].id = (1ull << 48) + i;
		if (v[i].kind == TR_ALLOC)
			v[i].gfp = i;
	}
	for (uint32_t i = N; i < N + 20; i++)
		v[i] = rec_at(10 + i, TR_FREE, 100 + i);
	struct backlog b;
	backlog_init(&b);
	uint32_t pushed = 0, taken = 0, max_esc = 0;
	unsigned bad = 0;
	while (pushed < N) {
		for (int k = 0; k < 3 && pushed < N; k++)
			backlog_push(&b, &v[pushed++]);
		max_esc = MAX(max_esc, b.esc_len);
		for (int k = 0; k < 2; k++) {
			struct trace_record r;
			backlog_take(&b, TASK, &r);
			bad += !same(&r, &v[taken++]);
		}
	}
	while (b.len) {
		struct trace_record r;
		backlog_take(&b, TASK, &r);
		bad += !same(&r, &v[taken++]);
	}
	CHECK_EQ(taken, N);
	CHECK(max_esc > 16);
	CHECK_EQ(b.esc_len, 0);
	for (uint32_t i = N; i < N + 20; i++)
		backlog_push(&b, &v[i]);
	CHECK_EQ(b.esc_len, 0);
	while (b.len) {
		struct trace_record r;
		backlog_take(&b, TASK, &r);
		bad += !same(&r, &v[taken++]);
	}
	CHECK_EQ(taken, N + 20);
	CHECK_EQ(bad, 0);
	printf("     %u records, at most %" PRIu32 " kept whole at once\n", taken, max_esc);
	backlog_free(&b);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_round_trip_and_escapes);
	RUN(test_long_interleaved);
	return TEST_END();
}
