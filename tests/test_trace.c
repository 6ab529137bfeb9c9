/* test_trace.c — the native trace format: round trips of every kind at extreme values,
 * binary → text → binary identity, a hand-encoded golden byte stream, and rejection of
 * every truncation, corruption, wrong version / magic, backwards time and text error
 * (with its exact line:col), and atomic output (nothing left behind after abort).  Also
 * the errors of a capture's before.memcgs lines (capture_parse_memcg_err). */
#include "kernel/gfp.h"
#include "trace/capture.h"
#include "trace/ftrace.h"
#include "trace/trace.h"
#include "trace/trace_block.h"
#include "kernel/mmtypes.h"

#include "testlib.h"

#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static const char *tpath(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ & 3];
	snprintf(p, 512, "%s/%s", tl_tmpdir(), name);
	return p;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int nr_files_in_tmpdir(void)
{
	DIR *d = opendir(tl_tmpdir());
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK_EQ(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

/* Decompressed content of a gzip file. */
static unsigned char *gunzip(const char *path, size_t *n)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16;
	unsigned char *b = malloc(cap);
	int got;
	*n = 0;
	while ((got = gzread(gz, b + *n, (unsigned)(cap - *n))) > 0) {
		*n += (size_t)got;
		if (*n == cap)
			b = realloc(b, cap *= 2);
	}
	CHECK(got == 0);
	gzclose(gz);
	return b;
}

/* The trace at from rewritten as one ordinary gzip member (the form before blocked
 * traces), at to. */
static void single_member(const char *from, const char *to)
{
	size_t n;
	unsigned char *raw = gunzip(from, &n);
	gzFile gz = gzopen(to, "wb6");
	CHECK(gz != NULL);
	CHECK_EQ(gzwrite(gz, raw, (unsigned)n), (int)n);
	gzclose(gz);
	free(raw);
}

static bool rec_eq(const struct trace_record *a, const struct trace_record *b)
{
	return a->time_ns == b->time_ns && a->id == b->id && a->gfp == b->gfp && a->task == b->task &&
	       a->count == b->count && a->arg == b->arg && a->kind == b->kind && a->order == b->order;
}

/* Every kind, with each used field at its extremes; times non-decreasing to UINT64_MAX. */
static const struct trace_record extreme[] = {
	{ .time_ns = 0, .kind = TR_ALLOC, .id = 0, .order = 0, .gfp = 0, .task = 0 },
	{ .time_ns = 0, .kind = TR_ALLOC, .id = UINT64_MAX, .order = MAX_PAGE_ORDER, .gfp = UINT32_MAX, .task = UINT32_MAX },
	{ .time_ns = 1, .kind = TR_FREE, .id = UINT64_MAX, .task = UINT32_MAX },
	{ .time_ns = 2, .kind = TR_FREE, .id = 0, .task = 0 },
	{ .time_ns = 1ull << 40, .kind = TR_ACCESS, .id = 1ull << 63, .task = 1 },
	{ .time_ns = 1ull << 40, .kind = TR_DIRTY, .id = 1, .task = 1 },
	{ .time_ns = 1ull << 41, .kind = TR_PIN, .id = 5, .arg = PIN_LONGTERM, .task = 7 },
	{ .time_ns = 1ull << 41, .kind = TR_PIN, .id = 6, .arg = PIN_SHORT },
	{ .time_ns = 1ull << 42, .kind = TR_UNPIN, .id = 5, .task = 7 },
	{ .time_ns = 1ull << 42, .kind = TR_HINT, .id = 6, .arg = HINT_NOREUSE },
	{ .time_ns = 1ull << 42, .kind = TR_HINT, .id = 6, .arg = HINT_VOLATILE },
	{ .time_ns = 1ull << 42, .kind = TR_HINT, .id = 6, .arg = HINT_DONTNEED },
	{ .time_ns = 1ull << 42, .kind = TR_HINT, .id = 6, .arg = HINT_INVALIDATE },
	{ .time_ns = 1ull << 43, .kind = TR_CMA_ALLOC, .id = 42, .count = 1, .arg = 0 },
	{ .time_ns = 1ull << 43, .kind = TR_CMA_ALLOC, .id = 43, .count = UINT32_MAX, .arg = 31, .task = 99 },
	{ .time_ns = 1ull << 44, .kind = TR_CMA_RELEASE, .id = 42 },
	{ .time_ns = 1ull << 44, .kind = TR_COMPACT, .arg = -1, .order = TRACE_COMPACT_WHOLE_ZONE },
	{ .time_ns = 1ull << 44, .kind = TR_COMPACT, .arg = MAX_NR_ZONES - 1, .order = MAX_PAGE_ORDER, .task = 3 },
	{ .time_ns = 1ull << 44, .kind = TR_COMPACT, .arg = 0, .order = 0 },
	{ .time_ns = 1ull << 45, .kind = TR_TASK, .task = UINT32_MAX, .arg = (int32_t)(UINT32_MAX - 1) },
	{ .time_ns = 1ull << 45, .kind = TR_TASK, .task = 1, .arg = 0 },
	{ .time_ns = 1ull << 45, .kind = TR_TASK, .task = UINT32_MAX - 1, .arg = (int32_t)UINT32_MAX },
	{ .time_ns = 1ull << 45, .kind = TR_CPU, .task = UINT32_MAX - 1, .arg = TRACE_CPU_MAX },
	{ .time_ns = 1ull << 45, .kind = TR_CPU, .task = 0, .arg = 0 },
	{ .time_ns = UINT64_MAX - 1, .kind = TR_SNAPSHOT, .arg = INT32_MIN },
	{ .time_ns = UINT64_MAX, .kind = TR_SNAPSHOT, .arg = INT32_MAX },
	{ .time_ns = UINT64_MAX, .kind = TR_SNAPSHOT, .arg = 0 },
};

/* Version 3: the records of every kind may be written. */
static void fill_header(struct trace_header *h)
{
	*h = (struct trace_header){ .version = TRACE_VERSION_MAX };
	CHECK_EQ(trace_meta_set(h, "generator", "test"), 0);
	CHECK_EQ(trace_meta_set(h, "seed", "%d", 42), 0);
	CHECK_EQ(trace_meta_set(h, "observed.compact_stall", "27"), 0);
	CHECK_EQ(trace_meta_set(h, "empty", "%s", ""), 0);
}

static int write_trace(const char *path, enum trace_encoding enc, const struct trace_record *recs, size_t n)
{
	struct trace_header h;
	fill_header(&h);
	struct sim_error err = { 0 };
	struct trace_writer *w = trace_create(path, enc, &h, &err);
	CHECK(w != NULL);
	if (!w)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (trace_write(w, &recs[i], &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			trace_abort(w);
			return -1;
		}
	}
	int ret = trace_commit(w, &err);
	if (ret < 0)
		fprintf(stderr, "%s\n", err.msg);
	return ret;
}

/* Read path fully; compare with recs if given.  Returns the final trace_read value
 * (0 clean end, -1 error) and leaves the error in *err. */
static int read_all(const char *path, const struct trace_record *recs, size_t n, struct sim_error *err)
{
	struct trace_reader *r = trace_open(path, err);
	if (!r)
		return -1;
	struct trace_record rec;
	int ret;
	size_t i = 0;
	while ((ret = trace_read(r, &rec, err)) > 0) {
		if (recs) {
			CHECK(i < n);
			if (i < n && !rec_eq(&rec, &recs[i])) {
				char a[TRACE_TEXT_LINE_MAX], b[TRACE_TEXT_LINE_MAX];
				trace_record_format(&rec, a, sizeof(a));
				trace_record_format(&recs[i], b, sizeof(b));
				CHECK_STR(a, b);
			}
		}
		i++;
	}
	if (recs && ret == 0) {
		CHECK_EQ(i, n);
		CHECK_EQ(trace_reader_records(r), n);
		const struct trace_header *h = trace_reader_header(r);
		CHECK_EQ(h->version, TRACE_VERSION_MAX);
		CHECK_EQ(h->nr_meta, 4);
		CHECK_STR(trace_meta_get(h, "seed"), "42");
		CHECK_STR(trace_meta_get(h, "empty"), "");
		CHECK_STR(trace_meta_get(h, "observed.compact_stall"), "27");
		/* After the clean end, still the end. */
		CHECK_EQ(trace_read(r, &rec, err), 0);
	}
	trace_close(r);
	return ret;
}

static void test_names(void)
{
	CHECK_STR(trace_kind_names[TR_CMA_RELEASE], "cma_release");
	CHECK_STR(trace_pin_names[PIN_SHORT], "short");
	CHECK_STR(trace_hint_names[HINT_INVALIDATE], "invalidate");
	CHECK_EQ(trace_encoding_for("a.mmt.txt"), TRACE_TEXT);
	CHECK_EQ(trace_encoding_for("a.mmt.txt.gz"), TRACE_TEXT_GZ);
	CHECK_EQ(trace_encoding_for("a.mmt.gz"), TRACE_BINARY_GZ);
	CHECK_EQ(trace_encoding_for("txt"), TRACE_BINARY_GZ);
}

static void test_meta(void)
{
	struct trace_header h = { .version = TRACE_VERSION };
	CHECK_EQ(trace_meta_set(&h, "a", "1"), 0);
	CHECK_EQ(trace_meta_set(&h, "a", "2"), 0); /* replaces */
	CHECK_EQ(h.nr_meta, 1);
	CHECK_STR(trace_meta_get(&h, "a"), "2");
	CHECK(trace_meta_get(&h, "b") == NULL);
	CHECK_EQ(trace_meta_set(&h, "bad key", "x"), -1);
	CHECK_EQ(trace_meta_set(&h, "k:", "x"), -1);
	CHECK_EQ(trace_meta_set(&h, "", "x"), -1);
	CHECK_EQ(trace_meta_set(&h, "k", "new\nline"), -1);
	CHECK_EQ(trace_meta_set(&h, "k", " leading"), -1);
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_EQ(trace_meta_set(&h, "k", "%s", big), -1);  /* value > 191 */
	CHECK_EQ(trace_meta_set(&h, big + 200, "v"), -1); /* key of 99 > 63 */
	for (int i = 1; i < TRACE_MAX_META; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_EQ(trace_meta_set(&h, key, "%d", i), 0);
	}
	CHECK_EQ(h.nr_meta, TRACE_MAX_META);
	CHECK_EQ(trace_meta_set(&h, "onemore", "x"), -1); /* full */
}

static void test_roundtrip(void)
{
	size_t n = ARRAY_SIZE(extreme);
	struct sim_error err = { 0 };
	const char *paths[] = { tpath("rt.mmt.gz"), tpath("rt.mmt.txt"), tpath("rt.mmt.txt.gz") };
	for (int e = 0; e < 3; e++) {
		CHECK_EQ(write_trace(paths[e], trace_encoding_for(paths[e]), extreme, n), 0);
		CHECK_EQ(read_all(paths[e], extreme, n, &err), 0);
		struct trace_reader *r = trace_open(paths[e], &err);
		CHECK(r != NULL);
		if (r)
			CHECK_EQ(trace_reader_encoding(r), e == 0 ? TRACE_BINARY_GZ : TRACE_TEXT);
		trace_close(r);
		remove(paths[e]);
	}
	/* A gzip-compressed text file is a gzip stream; a plain text one starts with '#'. */
	CHECK_EQ(write_trace(paths[2], TRACE_TEXT_GZ, extreme, 1), 0);
	size_t len;
	unsigned char *b = (unsigned char *)tl_read_file(paths[2], &len);
	CHECK(len > 2 && b[0] == 0x1f && b[1] == 0x8b);
	free(b);
	remove(paths[2]);
}

/* Randomized records of every kind, through both encodings. */
/* n records of every kind with random fields, from seed s (odd). */
static void fill_random(struct trace_record *recs, int n, uint64_t s)
{
	sim_ns_t t = 0;
	for (int i = 0; i < n; i++) {
		/* xorshift64: cheap, and reproducible from the printed seed */
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		uint64_t x = s;
		struct trace_record *r = &recs[i];
		r->kind = (uint8_t)(x % NR_TRACE_KINDS);
		t += (x >> 8) % 3 == 0 ? 0 : (x >> 12) % 100000;
		r->time_ns = t;
		uint64_t y = x * 0x9e3779b97f4a7c15ull;
		switch (r->kind) {
		case TR_ALLOC:
			r->order = (uint8_t)(y % (MAX_PAGE_ORDER + 1));
			r->gfp = (uint32_t)(y >> 32);
			break;
		case TR_PIN:
			r->arg = (int32_t)(y % NR_PIN_KINDS);
			break;
		case TR_HINT:
			r->arg = (int32_t)(y % NR_HINT_KINDS);
			break;
		case TR_CMA_ALLOC:
			r->count = (uint32_t)(y >> 40) + 1;
			r->arg = (int32_t)(y % 32);
			break;
		case TR_COMPACT:
			r->arg = (int32_t)(y % (MAX_NR_ZONES + 1)) - 1;
			r->order = y & 64 ? TRACE_COMPACT_WHOLE_ZONE : (uint8_t)(y % (MAX_PAGE_ORDER + 1));
			break;
		case TR_SNAPSHOT:
			r->arg = (int32_t)(uint32_t)(y >> 16);
			break;
		case TR_CPU:
			r->arg = (int32_t)((y >> 20) % (TRACE_CPU_MAX + 1));
			break;
		default:
			break;
		}
		if (r->kind != TR_COMPACT && r->kind != TR_SNAPSHOT && r->kind != TR_TASK && r->kind != TR_CPU)
			r->id = y & 1 ? y >> (y % 64) : (uint64_t)i;
		if (r->kind != TR_SNAPSHOT)
			r->task = x & 4 ? (uint32_t)(y >> 50) : 1;
		if (r->kind == TR_TASK) {
			/* a real task (not 0), after none, a nearby pid or any other */
			r->task += r->task == 0;
			uint32_t after = y & 2 ? 0 : y & 8 ? r->task - 1 : (uint32_t)(y >> 24);
			r->arg = (int32_t)(after == r->task ? after + 1 : after);
		}
	}
}

static void test_roundtrip_random(void)
{
	enum { N = 5000 };
	struct trace_record *recs = calloc(N, sizeof(*recs));
	fill_random(recs, N, tl_test_seed() | 1);
	struct sim_error err = { 0 };
	CHECK_EQ(write_trace(tpath("rnd.mmt.gz"), TRACE_BINARY_GZ, recs, N), 0);
	CHECK_EQ(read_all(tpath("rnd.mmt.gz"), recs, N, &err), 0);
	CHECK_EQ(write_trace(tpath("rnd.mmt.txt"), TRACE_TEXT, recs, N), 0);
	CHECK_EQ(read_all(tpath("rnd.mmt.txt"), recs, N, &err), 0);
	remove(tpath("rnd.mmt.gz"));
	remove(tpath("rnd.mmt.txt"));
	free(recs);
}

/* Copy a trace record by record into another encoding. */
static int convert(const char *from, const char *to, enum trace_encoding enc)
{
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(from, &err);
	CHECK(r != NULL);
	if (!r)
		return -1;
	struct trace_writer *w = trace_create(to, enc, trace_reader_header(r), &err);
	CHECK(w != NULL);
	struct trace_record rec;
	int ret;
	while ((ret = trace_read(r, &rec, &err)) > 0)
		CHECK_EQ(trace_write(w, &rec, &err), 0);
	CHECK_EQ(ret, 0);
	trace_close(r);
	return trace_commit(w, &err);
}

static void test_bin_text_bin(void)
{
	const char *a = tpath("a.mmt.gz"), *t = tpath("a.mmt.txt"), *b = tpath("b.mmt.gz");
	CHECK_EQ(write_trace(a, TRACE_BINARY_GZ, extreme, ARRAY_SIZE(extreme)), 0);
	CHECK_EQ(convert(a, t, TRACE_TEXT), 0);
	CHECK_EQ(convert(t, b, TRACE_BINARY_GZ), 0);
	size_t na, nb;
	unsigned char *da = (unsigned char *)tl_read_file(a, &na), *db = (unsigned char *)tl_read_file(b, &nb);
	CHECK(na > 0);
	CHECK(na == nb && !memcmp(da, db, na)); /* byte for byte, gzip framing included */
	free(da);
	free(db);
	/* And text → binary → text is the same text. */
	const char *t2 = tpath("b.mmt.txt");
	CHECK_EQ(convert(b, t2, TRACE_TEXT), 0);
	da = (unsigned char *)tl_read_file(t, &na);
	db = (unsigned char *)tl_read_file(t2, &nb);
	CHECK(na > 0 && na == nb && !memcmp(da, db, na));
	free(da);
	free(db);
	remove(a), remove(t), remove(b), remove(t2);
}

/* The format spec by hand (FORMAT.md §3): header with one key, then
 *   1000 alloc id=7 order=2 gfp=0xcc0 task=12  → 30 | e8 07 | 0c | 0e | 02 | c0 19
 *        kind 0 + TASK + GFP bits; Δt 1000 = 0x3e8 → e8 07; task 12; zigzag(7 − 0) = 14;
 *        order 2; gfp 0xcc0 = 3264 = 25·128 + 64 → c0 19
 *   1000 free id=5 task=12  → 01 | 00 | 03     Δt 0; task unchanged; zigzag(5 − 7 = −2) = 3
 *   2000 alloc id=8 order=0 gfp=0xcc0 task=12 → 00 | e8 07 | 02 | 00
 *        same task, same gfp: no bits; id from the previous alloc: zigzag(8 − 7) = 2
 *   end marker      → 0f 03               three records
 */
static const unsigned char golden[] = {
	'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 2, 0, 0, 0, 1, 0, 0, 0,
	4, 's', 'e', 'e', 'd', 2, '4', '2',
	0x30, 0xe8, 0x07, 0x0c, 0x0e, 0x02, 0xc0, 0x19, /* offset 24 */
	0x01, 0x00, 0x03,                               /* offset 32 */
	0x00, 0xe8, 0x07, 0x02, 0x00,                   /* offset 35 */
	0x0f, 0x03,                                     /* offset 40 */
};

static void test_golden_bytes(void)
{
	const char *p = tpath("g.mmt.gz");
	struct trace_header h = { .version = TRACE_VERSION };
	trace_meta_set(&h, "seed", "42");
	struct sim_error err = { 0 };
	struct trace_writer *w = trace_create(p, TRACE_BINARY_GZ, &h, &err);
	struct trace_record r1 = { .time_ns = 1000, .kind = TR_ALLOC, .id = 7, .order = 2, .gfp = 0xcc0, .task = 12 };
	struct trace_record r2 = { .time_ns = 1000, .kind = TR_FREE, .id = 5, .task = 12 };
	struct trace_record r3 = { .time_ns = 2000, .kind = TR_ALLOC, .id = 8, .gfp = 0xcc0, .task = 12 };
	CHECK_EQ(trace_write(w, &r1, &err), 0);
	CHECK_EQ(trace_write(w, &r2, &err), 0);
	CHECK_EQ(trace_write(w, &r3, &err), 0);
	CHECK_EQ(trace_commit(w, &err), 0);
	size_t n;
	unsigned char *d = gunzip(p, &n);
	CHECK_EQ(n, sizeof(golden));
	CHECK(n == sizeof(golden) && !memcmp(d, golden, n));
	free(d);
	/* The reader takes the same bytes uncompressed too. */
	write_file(p, golden, sizeof(golden));
	struct trace_record rec;
	struct trace_reader *r = trace_open(p, &err);
	CHECK(r != NULL);
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &r1));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &r2));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &r3));
	CHECK_EQ(trace_read(r, &rec, &err), 0);
	trace_close(r);
	/* A version-1 stream (the same bytes, version 1) still reads, as version 1. */
	unsigned char v1[sizeof(golden)];
	memcpy(v1, golden, sizeof(v1));
	v1[8] = 1;
	write_file(p, v1, sizeof(v1));
	r = trace_open(p, &err);
	CHECK(r != NULL);
	if (r) {
		CHECK_EQ(trace_reader_header(r)->version, 1);
		CHECK_EQ(trace_read(r, &rec, &err), 1);
		CHECK(rec_eq(&rec, &r1));
		CHECK_EQ(trace_read(r, &rec, &err), 1);
		CHECK_EQ(trace_read(r, &rec, &err), 1);
		CHECK(rec_eq(&rec, &r3));
		CHECK_EQ(trace_read(r, &rec, &err), 0);
		trace_close(r);
	}
	remove(p);
}

static void expect_error(const char *path, const char *want);

/* A task record by hand (FORMAT.md §3): the golden stream, then
 *   3000 task after=12 task=13  → 1b | e8 07 | 0d | 0c
 *        kind 11 + TASK bit (13 is not the last task, 12); Δt 1000; task 13; after 12
 *   end marker                  → 0f 04
 */
static const unsigned char golden_task[] = {
	'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 2, 0, 0, 0, 1, 0, 0, 0,
	4, 's', 'e', 'e', 'd', 2, '4', '2',
	0x30, 0xe8, 0x07, 0x0c, 0x0e, 0x02, 0xc0, 0x19,
	0x01, 0x00, 0x03,
	0x00, 0xe8, 0x07, 0x02, 0x00,
	0x1b, 0xe8, 0x07, 0x0d, 0x0c, /* offset 40 */
	0x0f, 0x04,                   /* offset 45 */
};

/* Write recs[0..nr) to p, binary, with header version v and "seed" = "42", and check the
 * decompressed stream is golden[0..len); false when the writer could not be made. */
static bool write_golden(const char *p, uint32_t v, const struct trace_record *recs, size_t nr,
			 const unsigned char *want, size_t len)
{
	struct trace_header h = { .version = v };
	trace_meta_set(&h, "seed", "42");
	struct sim_error err = { 0 };
	struct trace_writer *w = trace_create(p, TRACE_BINARY_GZ, &h, &err);
	CHECK(w != NULL);
	if (!w)
		return false;
	for (size_t i = 0; i < nr; i++)
		CHECK_EQ(trace_write(w, &recs[i], &err), 0);
	CHECK_EQ(trace_commit(w, &err), 0);
	size_t n;
	unsigned char *d = gunzip(p, &n);
	CHECK_EQ(n, len);
	CHECK(n == len && !memcmp(d, want, n));
	free(d);
	return true;
}

/* The golden stream p through text and back: the text t (returned, the caller frees it)
 * begins with first_line, and its binary b holds stream[0..len) again. */
static char *golden_via_text(const char *p, const char *t, const char *b, const unsigned char *stream,
			     size_t len, const char *first_line)
{
	size_t n;
	CHECK_EQ(convert(p, t, TRACE_TEXT), 0);
	char *text = tl_read_file(t, &n);
	CHECK(text && !strncmp(text, first_line, strlen(first_line)));
	CHECK_EQ(convert(t, b, TRACE_BINARY_GZ), 0);
	unsigned char *d = gunzip(b, &n);
	CHECK(n == len && !memcmp(d, stream, n));
	free(d);
	return text;
}

/* One byte of a golden stream changed, and the error its reader must give. */
struct corruption {
	size_t off;
	unsigned char byte;
	const char *want;
};

/* Each corruption of golden[0..len) written to p must be refused with its message. */
static void expect_corruptions(const char *p, const unsigned char *golden_stream, size_t len,
			       const struct corruption *cases, size_t nr)
{
	unsigned char *g = malloc(len);
	CHECK(g != NULL);
	for (size_t c = 0; g && c < nr; c++) {
		memcpy(g, golden_stream, len);
		g[cases[c].off] = cases[c].byte;
		write_file(p, g, len);
		expect_error(p, cases[c].want);
	}
	free(g);
}

static void test_task_golden(void)
{
	const char *p = tpath("task.mmt.gz"), *t = tpath("task.mmt.txt");
	struct sim_error err = { 0 };
	const struct trace_record recs[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = 7, .order = 2, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 1000, .kind = TR_FREE, .id = 5, .task = 12 },
		{ .time_ns = 2000, .kind = TR_ALLOC, .id = 8, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 3000, .kind = TR_TASK, .task = 13, .arg = 12 },
	};
	if (!write_golden(p, TRACE_VERSION, recs, ARRAY_SIZE(recs), golden_task, sizeof(golden_task)))
		return;
	/* its text line, and the text form read back to the same record */
	char line[TRACE_TEXT_LINE_MAX];
	trace_record_format(&recs[3], line, sizeof(line));
	CHECK_STR(line, "3000 task after=12 task=13");
	CHECK_EQ(trace_task_after(&recs[3]), 12);
	CHECK_EQ(convert(p, t, TRACE_TEXT), 0);
	struct trace_reader *r = trace_open(t, &err);
	CHECK(r != NULL);
	struct trace_record rec;
	size_t nr = 0;
	while (r && trace_read(r, &rec, &err) == 1) {
		CHECK(nr < ARRAY_SIZE(recs) && rec_eq(&rec, &recs[nr]));
		nr++;
	}
	CHECK_EQ(nr, ARRAY_SIZE(recs));
	trace_close(r);
	/* rejects in the binary form */
	const struct corruption cases[] = {
		{ 44, 0x0d, "record 4: task 13 after itself" },
		{ 43, 0x0c, "record 4: task 12 after itself" },
		{ 43, 0x00, "record 4: task record of task 0 (0 is no task)" },
		{ 8, 1, "record 4: unknown kind 11 (task) in a version 1 trace" },
	};
	expect_corruptions(p, golden_task, sizeof(golden_task), cases, ARRAY_SIZE(cases));
	/* after beyond 32 bits: 2^32 = 80 80 80 80 10 */
	unsigned char big[sizeof(golden_task) + 4];
	memcpy(big, golden_task, 44);
	memcpy(big + 44, (const unsigned char[]){ 0x80, 0x80, 0x80, 0x80, 0x10, 0x0f, 0x04 }, 7);
	write_file(p, big, 51);
	expect_error(p, "record 4: after 4294967296 out of range");
	/* cut before the after varint */
	write_file(p, golden_task, 44);
	expect_error(p, "truncated at record 4 (in after)");
	remove(p);
	remove(t);
}

/* A dirty record with an age by hand (version 4): the golden stream, then
 *   1000 alloc id=7 order=2 gfp=0xcc0 task=12 → 30 | e8 07 | 0c | 0e | 02 | c0 19
 *   2000 dirty id=7 age=27000 task=12        → 03 | e8 07 | 00 | f8 d2 01
 *        kind 3, task 12 as the last; Δt 1000; id 7 - last id 7 = 0; age 27000 =
 *        120 + 82 x 128 + 1 x 16384: 0x78 | 0x80, 0x52 | 0x80, 1
 *   2000 dirty id=7 task=12                  → 03 | 00 | 00 | 00   (age 0)
 *   end marker                               → 0f 03
 */
static const unsigned char golden_dirty_age[] = {
	'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 4, 0, 0, 0, 1, 0, 0, 0,
	4, 's', 'e', 'e', 'd', 2, '4', '2',
	0x30, 0xe8, 0x07, 0x0c, 0x0e, 0x02, 0xc0, 0x19,
	0x03, 0xe8, 0x07, 0x00, 0xf8, 0xd2, 0x01, /* offset 32 */
	0x03, 0x00, 0x00, 0x00,                   /* offset 39 */
	0x0f, 0x03,
};

static void test_dirty_age_golden(void)
{
	const char *p = tpath("age.mmt.gz"), *t = tpath("age.mmt.txt"), *b = tpath("age2.mmt.gz");
	struct sim_error err = { 0 };
	const struct trace_record recs[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = 7, .order = 2, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 2000, .kind = TR_DIRTY, .id = 7, .task = 12, .arg = 27000 },
		{ .time_ns = 2000, .kind = TR_DIRTY, .id = 7, .task = 12 },
	};
	if (!write_golden(p, 4, recs, ARRAY_SIZE(recs), golden_dirty_age, sizeof(golden_dirty_age)))
		return;
	char line[TRACE_TEXT_LINE_MAX];
	trace_record_format(&recs[1], line, sizeof(line));
	CHECK_STR(line, "2000 dirty id=7 age=27000 task=12");
	trace_record_format(&recs[2], line, sizeof(line));
	CHECK_STR(line, "2000 dirty id=7 task=12");
	free(golden_via_text(p, t, b, golden_dirty_age, sizeof(golden_dirty_age), "# mmsim-trace v4\n"));
	/* A writer of the default version (2) refuses the age: it would need version 4. */
	struct trace_header h2 = { .version = TRACE_VERSION };
	struct trace_writer *w = trace_create(p, TRACE_BINARY_GZ, &h2, &err);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ(trace_write(w, &recs[0], &err), 0);
		CHECK_EQ(trace_write(w, &recs[2], &err), 0);
		CHECK_EQ(trace_write(w, &recs[1], &err), -1);
		CHECK(strstr(err.msg, "record 3: dirty record with an age in a version 2 trace") != NULL);
		trace_abort(w);
	}
	/* the same bytes read as version 3: no age field, so its first byte is a kind byte */
	const struct corruption cases[] = {
		{ 8, 3, "record 3: reserved bits in kind byte 0xf8" },
	};
	expect_corruptions(p, golden_dirty_age, sizeof(golden_dirty_age), cases, ARRAY_SIZE(cases));
	/* an age over a day: 86400001 = 81 b8 99 29 */
	unsigned char big[sizeof(golden_dirty_age) + 1];
	memcpy(big, golden_dirty_age, 36);
	memcpy(big + 36, (const unsigned char[]){ 0x81, 0xb8, 0x99, 0x29, 0x0f, 0x02 }, 6);
	write_file(p, big, 42);
	expect_error(p, "record 2: age 86400001 out of range");
	/* text: age= in a version 3 trace, and out of range */
	write_file(t, (const unsigned char *)"# mmsim-trace v3\n1000 alloc id=7 order=0 gfp=0xcc0\n2000 dirty id=7 age=5\n",
		   strlen("# mmsim-trace v3\n1000 alloc id=7 order=0 gfp=0xcc0\n2000 dirty id=7 age=5\n"));
	expect_error(t, "dirty has age= from version 4 (this trace: 3)");
	write_file(t, (const unsigned char *)"# mmsim-trace v4\n2000 dirty id=7 age=86400001\n",
		   strlen("# mmsim-trace v4\n2000 dirty id=7 age=86400001\n"));
	expect_error(t, "age '86400001' not in 0..86400000 ms");
	remove(p);
	remove(t);
	remove(b);
}

/* A hint of kind highatomic by hand (version 5): the golden stream, then
 *   1000 alloc id=7 order=2 gfp=0xcc0 task=12 → 30 | e8 07 | 0c | 0e | 02 | c0 19
 *   2000 hint id=7 kind=highatomic task=12   → 06 | e8 07 | 00 | 0a
 *        kind 6, task 12 as the last; Δt 1000; id 7 - last id 7 = 0; hint kind 10
 *   end marker                               → 0f 02
 */
static const unsigned char golden_highatomic[] = {
	'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 5, 0, 0, 0, 1, 0, 0, 0,
	4, 's', 'e', 'e', 'd', 2, '4', '2',
	0x30, 0xe8, 0x07, 0x0c, 0x0e, 0x02, 0xc0, 0x19,
	0x06, 0xe8, 0x07, 0x00, 0x0a, /* offset 32 */
	0x0f, 0x02,
};

static void test_highatomic_golden(void)
{
	const char *p = tpath("ha.mmt.gz"), *t = tpath("ha.mmt.txt"), *b = tpath("ha2.mmt.gz");
	struct sim_error err = { 0 };
	const struct trace_record recs[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = 7, .order = 2, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 2000, .kind = TR_HINT, .id = 7, .task = 12, .arg = HINT_HIGHATOMIC },
	};
	CHECK_EQ(trace_record_since(&recs[1]), 5);
	if (!write_golden(p, 5, recs, ARRAY_SIZE(recs), golden_highatomic, sizeof(golden_highatomic)))
		return;
	char line[TRACE_TEXT_LINE_MAX];
	trace_record_format(&recs[1], line, sizeof(line));
	CHECK_STR(line, "2000 hint id=7 kind=highatomic task=12");
	free(golden_via_text(p, t, b, golden_highatomic, sizeof(golden_highatomic), "# mmsim-trace v5\n"));
	/* A writer of version 4 refuses it. */
	struct trace_header h4 = { .version = 4 };
	struct trace_writer *w = trace_create(p, TRACE_BINARY_GZ, &h4, &err);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ(trace_write(w, &recs[0], &err), 0);
		CHECK_EQ(trace_write(w, &recs[1], &err), -1);
		CHECK(strstr(err.msg, "record 2: hint record of kind highatomic in a version 4 trace") != NULL);
		trace_abort(w);
	}
	/* the same bytes read as version 4, and a kind past the last */
	const struct corruption cases[] = {
		{ 8, 4, "record 2: hint kind 10 in a version 4 trace (from version 5)" },
		{ 36, 11, "record 2: hint kind 11 unknown" },
	};
	expect_corruptions(p, golden_highatomic, sizeof(golden_highatomic), cases, ARRAY_SIZE(cases));
	/* text: the kind in a version 4 trace */
	static const char v4[] = "# mmsim-trace v4\n1000 alloc id=7 order=0 gfp=0xcc0\n2000 hint id=7 kind=highatomic\n";
	write_file(t, (const unsigned char *)v4, strlen(v4));
	expect_error(t, "hint kind highatomic from version 5 (this trace: 4)");
	remove(p);
	remove(t);
	remove(b);
}

/* A cpu record by hand (FORMAT.md §3): the golden stream in version 3, then
 *   3000 cpu cpu=1 task=13    → 1c | e8 07 | 0d | 01
 *        kind 12 + TASK bit (13 is not the last task, 12); Δt 1000; task 13; cpu 1
 *   3000 cpu cpu=300 task=13  → 0c | 00 | ac 02
 *        kind 12, task 13 as the last; Δt 0; cpu 300 = 0b10_0101100: 0x2c | 0x80, then 2
 *   end marker                → 0f 05
 */
static const unsigned char golden_cpu[] = {
	'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 3, 0, 0, 0, 1, 0, 0, 0,
	4, 's', 'e', 'e', 'd', 2, '4', '2',
	0x30, 0xe8, 0x07, 0x0c, 0x0e, 0x02, 0xc0, 0x19,
	0x01, 0x00, 0x03,
	0x00, 0xe8, 0x07, 0x02, 0x00,
	0x1c, 0xe8, 0x07, 0x0d, 0x01, /* offset 40 */
	0x0c, 0x00, 0xac, 0x02,       /* offset 45 */
	0x0f, 0x05,                   /* offset 49 */
};

static void test_cpu_golden(void)
{
	const char *p = tpath("cpu.mmt.gz"), *t = tpath("cpu.mmt.txt"), *b = tpath("cpu2.mmt.gz");
	struct sim_error err = { 0 };
	const struct trace_record recs[] = {
		{ .time_ns = 1000, .kind = TR_ALLOC, .id = 7, .order = 2, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 1000, .kind = TR_FREE, .id = 5, .task = 12 },
		{ .time_ns = 2000, .kind = TR_ALLOC, .id = 8, .gfp = 0xcc0, .task = 12 },
		{ .time_ns = 3000, .kind = TR_CPU, .task = 13, .arg = 1 },
		{ .time_ns = 3000, .kind = TR_CPU, .task = 13, .arg = 300 },
	};
	if (!write_golden(p, 3, recs, ARRAY_SIZE(recs), golden_cpu, sizeof(golden_cpu)))
		return;
	struct trace_writer *w;
	/* the text lines; text and back to binary give the same bytes */
	char line[TRACE_TEXT_LINE_MAX];
	trace_record_format(&recs[3], line, sizeof(line));
	CHECK_STR(line, "3000 cpu cpu=1 task=13");
	char *text = golden_via_text(p, t, b, golden_cpu, sizeof(golden_cpu), "# mmsim-trace v3\n");
	CHECK(text && strstr(text, "\n3000 cpu cpu=300 task=13\n") != NULL);
	free(text);
	struct trace_reader *r = trace_open(t, &err);
	CHECK(r != NULL);
	struct trace_record rec;
	size_t nr = 0;
	while (r && trace_read(r, &rec, &err) == 1) {
		CHECK(nr < ARRAY_SIZE(recs) && rec_eq(&rec, &recs[nr]));
		nr++;
	}
	CHECK_EQ(nr, ARRAY_SIZE(recs));
	trace_close(r);
	/* A writer of the default version (2) refuses it: it would need version 3. */
	struct trace_header h2 = { .version = TRACE_VERSION };
	w = trace_create(p, TRACE_BINARY_GZ, &h2, &err);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ(trace_write(w, &recs[0], &err), 0);
		CHECK_EQ(trace_write(w, &recs[3], &err), -1);
		CHECK(strstr(err.msg, "record 2: cpu record in a version 2 trace") != NULL);
		trace_abort(w);
	}
	/* rejects in the binary form */
	const struct corruption cases[] = {
		{ 8, 2, "record 4: unknown kind 12 (cpu) in a version 2 trace" },
		{ 8, 1, "record 4: unknown kind 12 (cpu) in a version 1 trace" },
		{ 40, 0x3c, "record 4: cpu record with a gfp" },
		{ 40, 0x5c, "record 4: reserved bits in kind byte 0x5c" },
	};
	expect_corruptions(p, golden_cpu, sizeof(golden_cpu), cases, ARRAY_SIZE(cases));
	/* cpu 65536 = 80 80 04: beyond TRACE_CPU_MAX */
	unsigned char big[sizeof(golden_cpu) + 1];
	memcpy(big, golden_cpu, 44);
	memcpy(big + 44, (const unsigned char[]){ 0x80, 0x80, 0x04, 0x0f, 0x04 }, 5);
	write_file(p, big, 49);
	expect_error(p, "record 4: cpu 65536 out of range");
	/* cut before the cpu varint, and inside one */
	write_file(p, golden_cpu, 44);
	expect_error(p, "truncated at record 4 (in cpu)");
	write_file(p, golden_cpu, 48);
	expect_error(p, "truncated at record 5 (in cpu)");
	remove(p);
	remove(t);
	remove(b);
}

/* Expect path to fail on open or read with code 65 and a message containing want. */
static void expect_error(const char *path, const char *want)
{
	struct sim_error err = { 0 };
	int ret = read_all(path, NULL, 0, &err);
	CHECK_EQ(ret, -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	if (want && !strstr(err.msg, want)) {
		CHECK_STR(err.msg, want);
	}
}

static void test_truncation(void)
{
	const char *p = tpath("t.mmt.gz"), *cut = tpath("cut.mmt.gz");
	CHECK_EQ(write_trace(p, TRACE_BINARY_GZ, extreme, ARRAY_SIZE(extreme)), 0);
	size_t n, raw_n;
	unsigned char *d = (unsigned char *)tl_read_file(p, &n);
	unsigned char *raw = gunzip(p, &raw_n);
	/* The compressed file cut at every byte: always an error (the cut inside the 8-byte
	 * gzip trailer included), never a clean end. */
	unsigned long nr_errors = 0;
	for (size_t len = 0; len < n; len++) {
		write_file(cut, d, len);
		struct sim_error err = { 0 };
		if (read_all(cut, NULL, 0, &err) == -1 && err.code == EX_DATAERR_)
			nr_errors++;
		else
			fprintf(stderr, "cut at %zu of %zu: not an error (%s)\n", len, n, err.msg);
	}
	CHECK_EQ(nr_errors, n);
	/* The decompressed stream cut at every byte, fed uncompressed: the same. */
	nr_errors = 0;
	for (size_t len = 0; len < raw_n; len++) {
		write_file(cut, raw, len);
		struct sim_error err = { 0 };
		if (read_all(cut, NULL, 0, &err) == -1 && err.code == EX_DATAERR_)
			nr_errors++;
		else
			fprintf(stderr, "raw cut at %zu of %zu: not an error (%s)\n", len, raw_n, err.msg);
	}
	CHECK_EQ(nr_errors, raw_n);
	/* A cut exactly before the end marker names the record it should have been. */
	write_file(cut, raw, raw_n - 2);
	char want[64];
	snprintf(want, sizeof(want), "truncated at record %zu", ARRAY_SIZE(extreme) + 1);
	expect_error(cut, want);
	/* A cut inside the third record of the golden stream (its order byte missing). */
	write_file(cut, golden, sizeof(golden) - 3);
	expect_error(cut, "truncated at record 3 (in order)");
	free(d);
	free(raw);
	remove(p);
	remove(cut);
}

static void test_corruption(void)
{
	const char *p = tpath("c.mmt.gz"), *bad = tpath("bad.mmt.gz");
	CHECK_EQ(write_trace(p, TRACE_BINARY_GZ, extreme, ARRAY_SIZE(extreme)), 0);
	size_t n;
	unsigned char *d = (unsigned char *)tl_read_file(p, &n);
	/* Every byte after the 10-byte gzip header (whose mtime/xfl/os gzip itself does not
	 * check) flipped: inflate or the CRC/length trailer must catch it. */
	unsigned long nr_errors = 0, nr_skipped = 0;
	for (size_t i = 10; i < n; i++) {
		/* Bytes 12-13 name the block index subfield (FORMAT.md §3.1): under another
		 * name it is a subfield gzip ignores, and the member is read as an ordinary one,
		 * to the same records. */
		if (i == 12 || i == 13) {
			nr_skipped++;
			d[i] ^= 0x55;
			write_file(bad, d, n);
			d[i] ^= 0x55;
			struct sim_error err = { 0 };
			CHECK_EQ(read_all(bad, extreme, ARRAY_SIZE(extreme), &err), 0);
			continue;
		}
		d[i] ^= 0x55;
		write_file(bad, d, n);
		d[i] ^= 0x55;
		struct sim_error err = { 0 };
		if (read_all(bad, NULL, 0, &err) == -1 && err.code == EX_DATAERR_)
			nr_errors++;
		else
			fprintf(stderr, "flip at %zu: not an error\n", i);
	}
	CHECK_EQ(nr_errors, n - 10 - nr_skipped);
	free(d);

	/* Corrupt record bytes in the golden stream (offset 24 is record 1's kind byte). */
	unsigned char g[sizeof(golden)];
	struct {
		size_t off;
		unsigned char byte;
		const char *want;
	} cases[] = {
		{ 24, 0x0b, "record 1: task record of task 0 (0 is no task)" }, /* kind 11: task */
		{ 24, 0x0c, "record 1: unknown kind 12" },
		{ 24, 0x0e, "record 1: unknown kind 14" },
		{ 24, 0x40, "record 1: reserved bits" },
		{ 24, 0x80, "record 1: reserved bits" },
		{ 32, 0x21, "record 2: free record with a gfp" },
		{ 29, 11, "record 1: alloc order 11 > 10" },
		{ 32, 0x1a, "record 2: snapshot record with a task" },
		{ 41, 0x04, "record 4: end-of-trace marker says 4 records, read 3" },
		{ 40, 0x1f, "record 4: unknown kind 15" }, /* the end marker with a task bit */
		{ 12, 2, "truncated in the header" },      /* nr_meta 2, one given */
		{ 17, ' ', "header key 1: bad header key" },
	};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		memcpy(g, golden, sizeof(g));
		g[cases[c].off] = cases[c].byte;
		write_file(bad, g, sizeof(g));
		expect_error(bad, cases[c].want);
	}
	/* Data after the end marker. */
	unsigned char longer[sizeof(golden) + 1];
	memcpy(longer, golden, sizeof(golden));
	longer[sizeof(golden)] = 0;
	write_file(bad, longer, sizeof(longer));
	expect_error(bad, "record 4: data after the end-of-trace marker");
	/* A 10-byte varint whose last byte carries more than bit 63. */
	static const unsigned char overflow[] = {
		'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 2, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x0f, 0x01,
	};
	write_file(bad, overflow, sizeof(overflow));
	expect_error(bad, "record 1: bad varint in time");
	/* Time deltas summing past 2^64 − 1. */
	static const unsigned char wrap[] = {
		'M', 'M', 'S', 'I', 'M', 'T', 'R', 'C', 1, 0, 0, 0, 0, 0, 0, 0,
		0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, /* snapshot t=2^64−1 tag 0 */
		0x00,
		0x0a, 0x01, 0x00, 0x0f, 0x02,
	};
	write_file(bad, wrap, sizeof(wrap));
	expect_error(bad, "record 2: time overflows");
	remove(p);
	remove(bad);
}

/* What follows the gzip data, and its trailer: another member is read on (RFC 1952 2.2),
 * anything else is an error naming the byte offset where it starts; a bad CRC-32 or
 * ISIZE is reported at the end of the file with its offset, under the file's own name. */
static void gzip_tail(const char *p, bool blocked)
{
	const char *bad = tpath("tail.mmt.gz");
	size_t n;
	unsigned char *d = (unsigned char *)tl_read_file(p, &n);
	CHECK(d != NULL && n > 20);
	if (!d)
		return;
	unsigned char *buf = malloc(2 * n + 32);
	char want[160];
	struct sim_error err = { 0 };
	/* junk, and a single stray byte */
	memcpy(buf, d, n);
	memcpy(buf + n, "junk!", 5);
	write_file(bad, buf, n + 5);
	snprintf(want, sizeof(want), "tail.mmt.gz: junk after the gzip data at byte offset %zu", n);
	expect_error(bad, want);
	write_file(bad, buf, n + 1);
	expect_error(bad, want);
	/* an empty second member: the same decoded bytes, accepted */
	static const unsigned char empty_member[20] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0 };
	memcpy(buf + n, empty_member, sizeof(empty_member));
	write_file(bad, buf, n + sizeof(empty_member));
	CHECK_EQ(read_all(bad, extreme, ARRAY_SIZE(extreme), &err), 0);
	/* the whole trace twice: records after the end-of-trace marker */
	memcpy(buf + n, d, n);
	write_file(bad, buf, 2 * n);
	snprintf(want, sizeof(want), "record %zu: data after the end-of-trace marker", ARRAY_SIZE(extreme) + 1);
	expect_error(bad, want);
	/* the trailer: CRC-32 at n - 8, ISIZE at n - 4.  A single member is checked once all
	 * of it was inflated, at the end; a block before its first record is decoded. */
	memcpy(buf, d, n);
	buf[n - 8] ^= 1;
	write_file(bad, buf, n);
	if (blocked)
		snprintf(want, sizeof(want), "tail.mmt.gz: record 1: gzip CRC mismatch at byte offset %zu"
			 " (the gzip block of records 1..%zu)", n - 8, ARRAY_SIZE(extreme));
	else
		snprintf(want, sizeof(want), "tail.mmt.gz: at end of file: gzip CRC mismatch at byte offset %zu", n - 8);
	expect_error(bad, want);
	buf[n - 8] ^= 1;
	buf[n - 4] ^= 1;
	write_file(bad, buf, n);
	if (blocked)
		snprintf(want, sizeof(want), "tail.mmt.gz: record 1: gzip length mismatch at byte offset %zu", n - 4);
	else
		snprintf(want, sizeof(want), "tail.mmt.gz: at end of file: gzip length mismatch at byte offset %zu", n - 4);
	expect_error(bad, want);
	free(buf);
	free(d);
	remove(bad);
}

/* What follows the gzip data, and its trailer: another member is read on (RFC 1952 2.2),
 * anything else is an error naming the byte offset where it starts; a bad CRC-32 or
 * ISIZE is reported with its offset, under the file's own name.  Both for the blocked
 * form writers make and for a single ordinary gzip member. */
static void test_gzip_tail(void)
{
	const char *p = tpath("g.mmt.gz"), *single = tpath("g1.mmt.gz");
	CHECK_EQ(write_trace(p, TRACE_BINARY_GZ, extreme, ARRAY_SIZE(extreme)), 0);
	single_member(p, single);
	gzip_tail(p, true);
	gzip_tail(single, false);
	remove(p);
	remove(single);
}

/* How a read of path ends with MMSIM_TRACE_THREADS=threads: the last trace_read value,
 * the records before it, the message. */
struct outcome {
	int ret;
	uint64_t nr;
	char msg[sizeof(((struct sim_error *)0)->msg)];
};

/* One read of r: trace_read, or (runs) trace_read_run and trace_read taking turns, the
 * run's records checked against the copy of the same record read before the run began. */
static int read_step(struct trace_reader *r, bool runs, uint64_t *nr, struct sim_error *err)
{
	struct trace_record rec;
	if (!runs || *nr % 2) {
		int ret = trace_read(r, &rec, err);
		*nr += ret == 1;
		return ret;
	}
	const struct trace_record *v;
	size_t n = 0;
	int ret = trace_read_run(r, &v, &n, err);
	if (ret == 1) {
		CHECK(n >= 1 && n <= TRACE_RUN_MAX);
		*nr += n;
	}
	return ret;
}

static struct outcome read_outcome_as(const char *path, const char *threads, bool runs)
{
	struct outcome o = { 0 };
	struct sim_error err = { 0 };
	setenv("MMSIM_TRACE_THREADS", threads, 1);
	struct trace_reader *r = trace_open(path, &err);
	unsetenv("MMSIM_TRACE_THREADS");
	if (!r) {
		o.ret = -2;
		snprintf(o.msg, sizeof(o.msg), "%s", err.msg);
		return o;
	}
	while ((o.ret = read_step(r, runs, &o.nr, &err)) == 1)
		;
	CHECK_EQ(trace_reader_records(r), o.nr);
	if (o.ret < 0) {
		snprintf(o.msg, sizeof(o.msg), "%s", err.msg);
		/* an error stays, however it is read */
		struct sim_error again = { 0 };
		struct trace_record rec;
		const struct trace_record *v;
		size_t n;
		CHECK_EQ(trace_read(r, &rec, &again), -1);
		CHECK_STR(again.msg, err.msg);
		CHECK_EQ(trace_read_run(r, &v, &n, &again), -1);
		CHECK_STR(again.msg, err.msg);
	}
	trace_close(r);
	return o;
}

static struct outcome read_outcome(const char *path, const char *threads)
{
	return read_outcome_as(path, threads, false);
}

/* Every record of path read in runs (trace_read_run) equals recs[0..n) and the read ends
 * cleanly: runs of at most TRACE_RUN_MAX records, the records in place. */
static void read_all_runs(const char *path, const struct trace_record *recs, size_t n)
{
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(path, &err);
	CHECK(r != NULL);
	if (!r)
		return;
	const struct trace_record *v;
	size_t got, i = 0, bad = 0;
	int ret;
	while ((ret = trace_read_run(r, &v, &got, &err)) == 1) {
		CHECK(got >= 1 && got <= TRACE_RUN_MAX);
		for (size_t k = 0; k < got; k++, i++)
			bad += i >= n || !rec_eq(&v[k], &recs[i]);
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(i, n);
	CHECK_EQ(trace_reader_records(r), n);
	trace_close(r);
}

/* The members of a blocked file, chained by their sizes: their number (0 if they do not
 * chain), with their "MB" fields in b[0..max). */
static size_t blocks_of(const unsigned char *d, size_t n, struct trace_block *b, size_t max)
{
	size_t k = 0, off = 0;
	while (off < n && k < max) {
		size_t need;
		char why[128];
		if (trace_block_parse(d + off, n - off, &b[k], &need, why, sizeof(why)) != 1)
			return 0;
		off += b[k++].bsize;
	}
	return off == n ? k : 0;
}

/* Blocked gzip (FORMAT.md §3.1): writers cut whole records into members of bounded size
 * whose index chains; the records, the end and every error are the same read on the
 * caller's thread, on the reader thread and with inflate threads, and from the same bytes as
 * one ordinary gzip member. */
static void test_blocked(void)
{
	enum { N = 200000, MAXB = 4096 };
	uint64_t seed = tl_test_seed() | 1;
	struct trace_record *recs = calloc(N, sizeof(*recs));
	fill_random(recs, N, seed);
	const char *p = tpath("blk.mmt.gz"), *one = tpath("blk1.mmt.gz"), *txt = tpath("blk.mmt.txt.gz"),
		   *bad = tpath("blkbad.mmt.gz");
	CHECK_EQ(write_trace(p, TRACE_BINARY_GZ, recs, N), 0);
	CHECK_EQ(write_trace(txt, TRACE_TEXT_GZ, recs, N), 0);
	single_member(p, one);
	size_t n;
	unsigned char *d = (unsigned char *)tl_read_file(p, &n);
	struct trace_block *b = calloc(MAXB, sizeof(*b));
	size_t nb = blocks_of(d, n, b, MAXB);
	CHECK(nb > 10);
	uint64_t sum = 0;
	for (size_t i = 0; i < nb; i++) {
		CHECK_EQ(b[i].first, sum);
		CHECK(b[i].usize <= TRACE_BLOCK_SIZE);
		sum += b[i].nr;
	}
	CHECK_EQ(sum, N);
	size_t tn;
	unsigned char *td = (unsigned char *)tl_read_file(txt, &tn);
	struct trace_block *tb = calloc(MAXB, sizeof(*tb));
	size_t ntb = blocks_of(td, tn, tb, MAXB);
	CHECK(ntb > 10);
	CHECK_EQ(tb[ntb - 1].first + tb[ntb - 1].nr, N);
	free(tb);
	free(td);

	static const char *const threads[] = { "0", "1", "3" };
	for (size_t t = 0; t < ARRAY_SIZE(threads); t++) {
		struct sim_error err = { 0 };
		setenv("MMSIM_TRACE_THREADS", threads[t], 1);
		CHECK_EQ(read_all(p, recs, N, &err), 0);
		CHECK_EQ(read_all(one, recs, N, &err), 0);
		CHECK_EQ(read_all(txt, recs, N, &err), 0);
		read_all_runs(p, recs, N);
		read_all_runs(txt, recs, N);
		unsetenv("MMSIM_TRACE_THREADS");
	}

	/* Damage: cuts (inside a member, at a member boundary), flipped bytes, a block whose
	 * index names the wrong first record or the wrong count.  Read every way, the same
	 * records come before the same error, which names a record. */
	unsigned char *c = malloc(n);
	size_t mid = nb / 2, at_mid = 0;
	for (size_t i = 0; i < mid; i++)
		at_mid += b[i].bsize;
	struct {
		size_t len, flip;
		int field; /* 0 none, 1 "first" of the middle block, 2 "nr" of the last */
		const char *want;
	} cases[] = {
		{ n / 3, SIZE_MAX, 0, "(gzip stream cut short)" },
		{ at_mid, SIZE_MAX, 0, "(no end-of-trace marker)" },
		{ n - 1, SIZE_MAX, 0, "(gzip stream cut short)" },
		/* deflate data: invalid, or valid with other bytes the CRC-32 catches */
		{ n, at_mid + b[mid].hdr_len + 100, 0, "gzip " },
		{ n, n / 2, 0, "record" },
		{ n, at_mid + b[mid].bsize - 8, 0, "gzip CRC mismatch at byte offset" },
		{ n, SIZE_MAX, 1, "says it starts at record" },
		{ n, SIZE_MAX, 2, "the gzip blocks' index counts" },
	};
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		memcpy(c, d, n);
		if (cases[k].flip != SIZE_MAX)
			c[cases[k].flip] ^= 0x55;
		if (cases[k].field == 1)
			c[at_mid + 24] ^= 1; /* the low byte of "first" (FORMAT.md §3.1) */
		if (cases[k].field == 2)
			c[n - b[nb - 1].bsize + 32] ^= 1; /* the low byte of "nr" */
		write_file(bad, c, cases[k].len);
		struct outcome o[ARRAY_SIZE(threads)];
		for (size_t t = 0; t < ARRAY_SIZE(threads); t++) {
			o[t] = read_outcome(bad, threads[t]);
			CHECK_EQ(o[t].ret, -1);
			CHECK(strstr(o[t].msg, cases[k].want) != NULL);
			CHECK(strstr(o[t].msg, "record ") != NULL);
			if (t) {
				CHECK_EQ(o[t].nr, o[0].nr);
				CHECK_STR(o[t].msg, o[0].msg);
			}
			/* in runs, mixed with single records: the same records, then the same error */
			struct outcome ro = read_outcome_as(bad, threads[t], true);
			CHECK_EQ(ro.ret, -1);
			CHECK_EQ(ro.nr, o[0].nr);
			CHECK_STR(ro.msg, o[0].msg);
		}
		if (o[0].ret != -1 || !strstr(o[0].msg, cases[k].want))
			fprintf(stderr, "case %zu: %s\n", k, o[0].msg);
	}

	/* Closing early, with the reader thread blocked on a full ring: no wait, no leak. */
	setenv("MMSIM_TRACE_THREADS", "1", 1);
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(p, &err);
	CHECK(r != NULL);
	struct trace_record rec;
	for (int i = 0; r && i < 10; i++)
		CHECK_EQ(trace_read(r, &rec, &err), 1);
	usleep(20000);
	trace_close(r);
	r = trace_open(p, &err); /* closed before the first record */
	trace_close(r);
	unsetenv("MMSIM_TRACE_THREADS");

	free(c);
	free(b);
	free(d);
	free(recs);
	remove(p);
	remove(one);
	remove(txt);
	remove(bad);
}

/* The parser of one member header on hand-made bytes. */
static void test_block_parse(void)
{
	unsigned char m[64] = { 0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255, 28, 0, 'M', 'B', 24, 0 };
	struct trace_block b;
	size_t need = 0;
	char why[128];
	m[16] = 100;        /* bsize 100 */
	m[20] = 50;         /* usize 50 */
	m[24] = 7;          /* first 7 */
	m[32] = 3;          /* nr 3 */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), 1);
	CHECK_EQ(b.bsize, 100);
	CHECK_EQ(b.usize, 50);
	CHECK_EQ(b.first, 7);
	CHECK_EQ(b.nr, 3);
	CHECK_EQ(b.hdr_len, 40);
	CHECK_EQ(trace_block_parse(m, 11, &b, &need, why, sizeof(why)), -2);
	CHECK_EQ(need, 12);
	CHECK_EQ(trace_block_parse(m, 39, &b, &need, why, sizeof(why)), -2);
	CHECK_EQ(need, 40);
	m[36] = 1; /* reserved */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), -1);
	CHECK(strstr(why, "reserved") != NULL);
	m[36] = 0;
	m[32] = 60; /* nr > usize */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), -1);
	m[32] = 3;
	m[16] = 47; /* bsize below header + trailer */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), -1);
	m[16] = 100;
	m[14] = 25; /* subfield length: the extra field no longer tiles */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), -1);
	CHECK(strstr(why, "malformed gzip extra field") != NULL);
	m[14] = 24;
	m[12] = 'X'; /* another subfield: an ordinary member */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), 0);
	m[12] = 'M';
	m[3] = 0; /* no FEXTRA */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), 0);
	m[3] = 4 | 8; /* with a file name */
	CHECK_EQ(trace_block_parse(m, 40, &b, &need, why, sizeof(why)), 0);
}

static void test_version_magic(void)
{
	const char *p = tpath("v.mmt.gz");
	unsigned char g[sizeof(golden)];
	memcpy(g, golden, sizeof(g));
	g[8] = 6;
	write_file(p, g, sizeof(g));
	expect_error(p, "version 6, this mmsim reads 1 to 5");
	g[8] = 0;
	write_file(p, g, sizeof(g));
	expect_error(p, "version 0, this mmsim reads 1 to 5");
	g[8] = 6;
	/* The same inside gzip. */
	gzFile gz = gzopen(p, "wb");
	gzwrite(gz, g, sizeof(g));
	gzclose(gz);
	expect_error(p, "version 6, this mmsim reads 1 to 5");
	memcpy(g, golden, sizeof(g));
	g[0] = 'X';
	write_file(p, g, sizeof(g));
	expect_error(p, "not an mmsim trace");
	write_file(p, "", 0);
	expect_error(p, "not an mmsim trace");
	write_file(p, "MMSIM", 5);
	expect_error(p, "truncated in the header");
	write_file(p, "# mmsim-trace v7\n", 17);
	expect_error(p, "version 7, this mmsim reads 1 to 5");
	write_file(p, "# mmsim-trace v0\n", 17);
	expect_error(p, "version 0, this mmsim reads 1 to 5");
	write_file(p, "# some other file\n", 18);
	expect_error(p, "not an mmsim trace");
	write_file(p, "\x1f\x8b\x08\x00garbage", 11);
	expect_error(p, NULL);
	/* Messages name the file. */
	struct sim_error err = { 0 };
	CHECK(trace_open(p, &err) == NULL);
	CHECK(strstr(err.msg, p) != NULL);
	CHECK(trace_open(tpath("missing.mmt.gz"), &err) == NULL);
	CHECK_EQ(err.code, EX_NOINPUT_);
	remove(p);
}

static void test_text_errors(void)
{
	const char *p = tpath("e.mmt.txt");
	static const struct {
		const char *text;
		const char *want; /* after "<path>:" */
	} cases[] = {
		{ "# mmsim-trace v1\n1000 alloc id=7 order=2 gfp=0xcc0\n500 free id=7\n",
		  "3:1: time 500 before previous 1000" },
		{ "# mmsim-trace v1\n# k: v\n\n  10 bogus id=1\n", "4:6: unknown record kind 'bogus'" },
		{ "# mmsim-trace v1\n10x free id=1\n", "2:1: bad time '10x'" },
		{ "# mmsim-trace v1\n10 free id=1 order=2\n", "2:14: free has no field 'order'" },
		{ "# mmsim-trace v1\n10 free id=1 id=2\n", "2:14: field 'id' given twice" },
		{ "# mmsim-trace v1\n10 free\n", "2:4: free needs id=" },
		{ "# mmsim-trace v1\n10 alloc id=1 order=11 gfp=0\n", "2:21: order '11' not in 0..10" },
		{ "# mmsim-trace v1\n10 alloc id=1 order=1 gfp=GFP_BOGUS\n", "2:27: unknown gfp flag 'GFP_BOGUS'" },
		{ "# mmsim-trace v1\n10 alloc id=1 order=1 gfp=GFP_KERNEL|__GFP_BOGUS|__GFP_COMP\n",
		  "2:38: unknown gfp flag '__GFP_BOGUS'" },
		{ "# mmsim-trace v1\n10 alloc id=1 order=1 gfp=\n", "2:27: unknown gfp flag ''" },
		{ "# mmsim-trace v1\n10 pin id=1 kind=sometimes\n", "2:18: unknown pin kind 'sometimes'" },
		{ "# mmsim-trace v1\n10 cma_alloc id=1 count=0\n", "2:25: count '0' not in 1.." },
		{ "# mmsim-trace v1\n10 cma_alloc id=1 count=1 align=32\n", "2:33: align '32' not in 0..31" },
		{ "# mmsim-trace v1\n10 compact zone=-2 order=whole\n", "2:17: zone '-2' not in -1..4" },
		{ "# mmsim-trace v1\n10 compact zone=Normal\n", "2:4: compact needs order=" },
		{ "# mmsim-trace v1\n10 snapshot tag=2147483648\n", "2:17: bad tag '2147483648'" },
		{ "# mmsim-trace v1\n10 free id=18446744073709551616\n", "2:12: bad id" },
		{ "# mmsim-trace v1\n10 free id=1 task=-1\n", "2:19: bad task '-1'" },
		{ "# mmsim-trace v1\n10 free id\n", "2:9: expected FIELD=VALUE, got 'id'" },
		{ "# mmsim-trace v1\n10\n", "2:1: expected TIME KIND" },
		{ "# mmsim-trace v1\n# a: 1\n# a: 2\n", "3:3: duplicate header key 'a'" },
		{ "# mmsim-trace v1\n20000000000s free id=1\n", "2:1: bad time" },
		{ "# mmsim-trace v2\n10 task task=7 after=7\n", "2:22: task 7 after itself" },
		{ "# mmsim-trace v2\n10 task after=7 task=0\n", "2:22: task record of task 0 (0 is no task)" },
		{ "# mmsim-trace v2\n10 task after=1\n", "2:4: task needs task=" },
		{ "# mmsim-trace v2\n10 task task=1 after=-1\n", "2:22: bad after '-1'" },
		{ "# mmsim-trace v2\n10 task task=1 after=4294967296\n", "2:22: bad after '4294967296'" },
		{ "# mmsim-trace v2\n10 task task=1 id=3\n", "2:16: task has no field 'id'" },
		{ "# mmsim-trace v2\n10 task task=1 after=2 after=3\n", "2:24: field 'after' given twice" },
		{ "# mmsim-trace v1\n10 task task=2 after=1\n", "2:4: unknown record kind 'task' in a version 1 trace" },
		{ "# mmsim-trace v2\n10 free id=1 after=3\n", "2:14: free has no field 'after'" },
		{ "# mmsim-trace v2\n10 cpu cpu=1 task=2\n", "2:4: unknown record kind 'cpu' in a version 2 trace" },
		{ "# mmsim-trace v3\n10 cpu cpu=65536 task=2\n", "2:12: cpu '65536' not in 0..65535" },
		{ "# mmsim-trace v3\n10 cpu cpu=-1\n", "2:12: cpu '-1' not in 0..65535" },
		{ "# mmsim-trace v3\n10 cpu task=2\n", "2:4: cpu needs cpu=" },
		{ "# mmsim-trace v3\n10 cpu cpu=1 id=2\n", "2:14: cpu has no field 'id'" },
	};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		write_file(p, cases[c].text, strlen(cases[c].text));
		struct sim_error err = { 0 };
		CHECK_EQ(read_all(p, NULL, 0, &err), -1);
		CHECK_EQ(err.code, EX_DATAERR_);
		char want[512];
		snprintf(want, sizeof(want), "%s:%s", p, cases[c].want);
		if (strncmp(err.msg, want, strlen(want)))
			CHECK_STR(err.msg, want);
	}
	/* What is accepted: suffixes, hex, zone names, comments, CRLF, no final newline. */
	static const char ok[] = "# mmsim-trace v1\r\n# generator: hand written\n# a comment\n\n"
				 "1us free id=0x10 task=3 # trailing comment\r\n"
				 "\t2us  compact  zone=Normal order=3\n"
				 "1ms snapshot\n"
				 "1s cma_alloc id=1 count=7";
	write_file(p, ok, strlen(ok));
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(p, &err);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(trace_meta_get(trace_reader_header(r), "generator"), "hand written");
	CHECK_EQ(trace_reader_header(r)->nr_meta, 1);
	struct trace_record rec;
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = 1000, .kind = TR_FREE, .id = 16, .task = 3 }));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = 2000, .kind = TR_COMPACT, .arg = ZONE_NORMAL, .order = 3 }));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = 1000000, .kind = TR_SNAPSHOT }));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = NSEC_PER_SEC, .kind = TR_CMA_ALLOC, .id = 1, .count = 7 }));
	CHECK_EQ(trace_read(r, &rec, &err), 0);
	CHECK_EQ(trace_reader_records(r), 4);
	CHECK_EQ(trace_reader_header(r)->version, 1);
	trace_close(r);
	/* Version 2: after= defaults to 0 (no predecessor), takes hex and the full pid range. */
	static const char ok2[] = "# mmsim-trace v2\n5 task task=9\n6 task task=10 after=0x9\n"
				  "7 task task=1 after=4294967295\n";
	write_file(p, ok2, strlen(ok2));
	r = trace_open(p, &err);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(trace_reader_header(r)->version, 2);
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = 5, .kind = TR_TASK, .task = 9 }));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK(rec_eq(&rec, &(struct trace_record){ .time_ns = 6, .kind = TR_TASK, .task = 10, .arg = 9 }));
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK_EQ(trace_task_after(&rec), UINT32_MAX);
	CHECK_EQ(trace_read(r, &rec, &err), 0);
	trace_close(r);
	remove(p);
}

static void test_writer_atomic(void)
{
	int before = nr_files_in_tmpdir();
	struct trace_header h = { .version = TRACE_VERSION };
	struct sim_error err = { 0 };
	for (int enc = 0; enc < NR_TRACE_ENCODINGS; enc++) {
		const char *p = tpath("w.out");
		/* abort: nothing at path, no temporary left */
		struct trace_writer *w = trace_create(p, (enum trace_encoding)enc, &h, &err);
		CHECK(w != NULL);
		CHECK_EQ(trace_write(w, &extreme[0], &err), 0);
		CHECK(!exists(p));
		trace_abort(w);
		CHECK(!exists(p));
		CHECK_EQ(nr_files_in_tmpdir(), before);
		/* a bad record: the write fails, commit refuses, nothing left */
		w = trace_create(p, (enum trace_encoding)enc, &h, &err);
		struct trace_record bad = { .kind = TR_FREE, .id = 1, .order = 3 };
		CHECK_EQ(trace_write(w, &bad, &err), -1);
		CHECK_EQ(err.code, EX_DATAERR_);
		CHECK(strstr(err.msg, "record 1: free has no order") != NULL);
		CHECK_EQ(trace_commit(w, &err), -1);
		CHECK(!exists(p));
		CHECK_EQ(nr_files_in_tmpdir(), before);
		/* time going backwards is refused by the writer too */
		w = trace_create(p, (enum trace_encoding)enc, &h, &err);
		struct trace_record later = { .time_ns = 10, .kind = TR_SNAPSHOT };
		struct trace_record earlier = { .time_ns = 9, .kind = TR_SNAPSHOT };
		CHECK_EQ(trace_write(w, &later, &err), 0);
		CHECK_EQ(trace_write(w, &earlier, &err), -1);
		CHECK(strstr(err.msg, "record 2: time 9 before previous 10") != NULL);
		trace_abort(w);
		CHECK_EQ(nr_files_in_tmpdir(), before);
	}
	/* unwritable directory */
	CHECK(trace_create(tpath("no/such/dir.mmt.gz"), TRACE_BINARY_GZ, &h, &err) == NULL);
	CHECK_EQ(err.code, EX_IOERR_);
	/* a header the writer cannot express */
	struct trace_header bh = { .version = TRACE_VERSION, .nr_meta = 1 };
	strcpy(bh.meta[0].key, "bad key");
	CHECK(trace_create(tpath("x.mmt.gz"), TRACE_BINARY_GZ, &bh, &err) == NULL);
	CHECK_EQ(nr_files_in_tmpdir(), before);
}

/* A trace read from a pipe (the "-" path uses the same descriptor route). */
static void test_pipe(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], golden, sizeof(golden)), (ssize_t)sizeof(golden));
	close(fds[1]);
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open_fd(fds[0], "<pipe>", &err);
	CHECK(r != NULL);
	struct trace_record rec;
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK_EQ(trace_read(r, &rec, &err), 1);
	CHECK_EQ(trace_read(r, &rec, &err), 0);
	trace_close(r);
}

/* A trace bigger than the 256 KiB decode window, so records straddle refills. */
static void test_large(void)
{
	const char *p = tpath("big.mmt.gz");
	struct sim_error err = { 0 };
	struct trace_header h = { .version = TRACE_VERSION };
	struct trace_writer *w = trace_create(p, TRACE_BINARY_GZ, &h, &err);
	enum { N = 300000 };
	for (uint64_t i = 0; i < N; i++) {
		struct trace_record rec = { .time_ns = i * 1000, .kind = i & 1 ? TR_FREE : TR_ALLOC,
					    .id = (i >> 1) * 0x10001, .task = (uint32_t)(i % 7),
					    .order = i & 1 ? 0 : (uint8_t)(i % 11), .gfp = i & 1 ? 0 : 0xcc0 };
		CHECK_EQ(trace_write(w, &rec, &err), 0);
	}
	CHECK_EQ(trace_commit(w, &err), 0);
	struct trace_reader *r = trace_open(p, &err);
	struct trace_record rec;
	uint64_t i = 0, bad = 0;
	int ret;
	while ((ret = trace_read(r, &rec, &err)) > 0) {
		if (rec.time_ns != i * 1000 || rec.id != (i >> 1) * 0x10001 || rec.task != i % 7)
			bad++;
		i++;
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(i, N);
	CHECK_EQ(bad, 0);
	trace_close(r);
	remove(p);
}

/* The checked-in example traces parse to a clean end. */
static void test_examples(void)
{
	static const char *const names[] = { "example", "camera-burst", "compaction-test", "task-chain" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/traces/%s.mmt.txt", tl_srcdir(), names[i]);
		struct sim_error err = { 0 };
		int ret = read_all(path, NULL, 0, &err);
		if (ret)
			fprintf(stderr, "%s\n", err.msg);
		CHECK_EQ(ret, 0);
	}
}

/* Run `$MMSIM inspect ARGS`; returns the exit status, output in out. */
static int run_inspect(const char *args, char *out, size_t len)
{
	const char *mmsim = getenv("MMSIM");
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "'%s' inspect %s 2>&1", mmsim, args);
	FILE *fp = popen(cmd, "r");
	size_t n = fp ? fread(out, 1, len - 1, fp) : 0;
	out[n] = 0;
	int st = fp ? pclose(fp) : -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* mmsim inspect on traces/example.mmt.txt; expected figures counted from the file by
 * hand: 15 records (3 alloc, 3 free, one of each other kind), ids {7, 8, 9, 1}, tasks
 * {12, 300, 0 (the compact)}, time 1000..10000 ns, allocs of order 2, 0, 0 = 6 pages. */
static void test_inspect_cli(void)
{
	if (!getenv("MMSIM")) {
		tl_skip_test("MMSIM (the mmsim binary) not set; run through meson test");
		return;
	}
	static char out[16384];
	char args[1024];
	snprintf(args, sizeof(args), "'%s/traces/example.mmt.txt' --records 2", tl_srcdir());
	CHECK_EQ(run_inspect(args, out, sizeof(out)), 0);
	CHECK(strstr(out, "encoding: text\n") != NULL);
	CHECK(strstr(out, "  generator: hand\n") != NULL);
	CHECK(strstr(out, "first records:\n"
			  "  1000 alloc id=7 order=2 gfp=GFP_KERNEL task=12\n"
			  "  1500 alloc id=8 order=0 gfp=GFP_HIGHUSER_MOVABLE task=12\n"
			  "records: 15\n"
			  "  alloc        3\n"
			  "  free         3\n") != NULL);
	CHECK(strstr(out, "time: 1000 .. 10000 ns (span 0.000009000 s)\n") != NULL);
	CHECK(strstr(out, "distinct ids: 4\ndistinct tasks: 3\n") != NULL);
	CHECK(strstr(out, "alloc orders (6 pages):\n  order 0  2\n  order 2  1\n") != NULL);
	if (tl_failed_checks())
		fputs(out, stderr);
	/* bad trace: 65 and the message; usage: 64; missing: 66 */
	const char *bad = tpath("bad.mmt.txt");
	write_file(bad, "# mmsim-trace v1\n5 free\n", 25);
	snprintf(args, sizeof(args), "'%s'", bad);
	CHECK_EQ(run_inspect(args, out, sizeof(out)), 65);
	CHECK(strstr(out, ":2:3: free needs id=") != NULL);
	remove(bad);
	CHECK_EQ(run_inspect("", out, sizeof(out)), 64);
	CHECK_EQ(run_inspect("--records x y", out, sizeof(out)), 64);
	CHECK_EQ(run_inspect("--help", out, sizeof(out)), 0);
	CHECK(strstr(out, "usage: mmsim inspect TRACE") != NULL);
	snprintf(args, sizeof(args), "'%s'", tpath("missing.mmt.gz"));
	CHECK_EQ(run_inspect(args, out, sizeof(out)), 66);
}

/* A before.memcgs line is read as capture_write_memcgs writes it, and anything else is
 * refused naming the column and what is wrong there; a refused line leaves the memcg as
 * it was. */
static void test_capture_memcg_errors(void)
{
	struct capture_memcg m = { .swappiness = 7 };
	struct sim_error err = { 0 };
	CHECK_EQ(capture_parse_memcg_err("-1 0 2 60 0 18446744073709551615 /a b\n", &m, &err), 0);
	CHECK_EQ(m.swappiness, -1);
	CHECK_EQ(m.pages[CAPTURE_MEMCG_ACTIVE_ANON], 2);
	CHECK_EQ(m.pages[CAPTURE_MEMCG_UNEVICTABLE], UINT64_MAX);
	CHECK_STR(m.path, "/a b");
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "# swappiness inactive_anon ...\n", "col 1: a comment (the header), not a memcg" },
		{ "60 1 2\n", "col 7: inactive_file missing (SWAPPINESS INACTIVE_ANON ACTIVE_ANON INACTIVE_FILE "
			      "ACTIVE_FILE UNEVICTABLE PATH)" },
		{ "", "col 1: swappiness missing (SWAPPINESS INACTIVE_ANON ACTIVE_ANON INACTIVE_FILE ACTIVE_FILE "
		      "UNEVICTABLE PATH)" },
		{ "201 1 2 3 4 5 /a\n", "col 1: swappiness is not -1 or 0..200" },
		{ "-2 1 2 3 4 5 /a\n", "col 1: swappiness is not -1 or 0..200" },
		{ "60x 1 2 3 4 5 /a\n", "col 1: swappiness is not -1 or 0..200" },
		{ "60 1 -2 3 4 5 /a\n", "col 6: active_anon is not a page count (0..18446744073709551615)" },
		{ "60 1 2 3 4 18446744073709551616 /a\n",
		  "col 12: unevictable is not a page count (0..18446744073709551615)" },
		{ "60 1 2 3 4 5/a\n", "col 12: unevictable is not a page count (0..18446744073709551615)" },
		{ "60 1 2 3 4 5 a\n", "col 14: the path does not start with '/'" },
		{ "60 1 2 3 4 5\n", "col 13: the path does not start with '/'" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct capture_memcg before = m;
		err = (struct sim_error){ 0 };
		CHECK_EQ(capture_parse_memcg_err(bad[i].line, &m, &err), -1);
		CHECK_EQ(err.code, EX_DATAERR_);
		CHECK_STR(err.msg, bad[i].msg);
		CHECK(!memcmp(&m, &before, sizeof(m)));
		CHECK_EQ(capture_parse_memcg(bad[i].line, &m), -1);
	}
	/* the path: CAPTURE_PATH_MAX - 1 bytes fit, one more does not */
	char line[CAPTURE_PATH_MAX + 32];
	int n = snprintf(line, sizeof(line), "0 1 2 3 4 5 /");
	memset(line + n, 'x', CAPTURE_PATH_MAX - 2);
	line[n + CAPTURE_PATH_MAX - 2] = 0;
	CHECK_EQ(capture_parse_memcg_err(line, &m, &err), 0);
	CHECK_EQ(strlen(m.path), CAPTURE_PATH_MAX - 1);
	strcat(line, "y\n");
	CHECK_EQ(capture_parse_memcg_err(line, &m, &err), -1);
	CHECK_STR(err.msg, "col 13: the path is longer than 4095 bytes");
}

/* The text parser's fast paths (issue #17) against the values worked out by hand: a hex
 * number of 16 digits read whole (UINT64_MAX), a 17th significant digit refused as too
 * large at that digit, leading zeros past 16 digits read on; the gfp_flags token ended by
 * a blank at every offset from its start (the 8-byte scan's first, middle and last byte,
 * the byte loop after it) or by the line's end; stamps of 1 and 9 fraction digits. */
static void test_text_fast_paths(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	char l[512];
	const char *head = "t-1 [000] 1.5: mm_page_alloc: page=0x1 pfn=";
	snprintf(l, sizeof(l), "%s0xffffffffffffffff order=0 migratetype=0 gfp_flags=GFP_KERNEL", head);
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK(ev.pfn == UINT64_MAX);
	CHECK(ev.time_ns == 1500000000ull);
	snprintf(l, sizeof(l), "%s0x1ffffffffffffffff order=0 migratetype=0 gfp_flags=GFP_KERNEL", head);
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_ERROR);
	CHECK(strstr(pe.reason, "number too large") != NULL);
	/* the 17th digit's column: the payload starts at column 31, pfn's digits at 49 */
	CHECK_EQ(pe.col, strlen(head) + 2 + 16 + 1);
	snprintf(l, sizeof(l), "%s0x000000000000000000abc order=0 migratetype=0 gfp_flags=GFP_KERNEL", head);
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK(ev.pfn == 0xabc);
	snprintf(l, sizeof(l), "t-1 [000] 2.123456789: mm_page_alloc: page=0x1 pfn=0xAbC order=0 gfp_flags=GFP_KERNEL");
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
	CHECK(ev.pfn == 0xabc && ev.time_ns == 2123456789ull);
	const char *g = "GFP_KERNEL|__GFP_COMP";
	for (size_t pad = 0; pad < 24; pad++)
		for (int blank = 0; blank < 3; blank++) {
			/* pad blanks before the field move its token against the 8-byte words */
			int n = snprintf(l, sizeof(l), "t-1 [000] 3.0: mm_page_alloc: page=0x1 pfn=0x2 order=1 %.*sgfp_flags=%s%s",
					 (int)pad, "                        ", g,
					 blank == 0 ? "" : blank == 1 ? " y=2" : "\ty=2");
			CHECK_EQ(ftrace_parse_line(l, (size_t)n, &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
			CHECK(ev.gfp == (GFP_KERNEL | __GFP_COMP));
			CHECK(ev.pfn == 2 && ev.order == 1);
		}
	/* blanks (and a tab) of every count before the task and the stamp */
	for (int a = 0; a < 20; a++)
		for (int b = 0; b < 12; b++) {
			int n = snprintf(l, sizeof(l), "%.*s%st-7 [001]%.*s%s4.25: mm_page_free: page=0x1 pfn=0x5 order=2",
					 a, "                    ", a % 5 == 4 ? "\t" : "", b, "            ",
					 b % 4 == 3 ? "\t " : "");
			CHECK_EQ(ftrace_parse_line(l, (size_t)n, &ev, NULL, NULL, &pe), FTRACE_LINE_EVENT);
			CHECK(ev.pid == 7 && ev.cpu == 1 && ev.time_ns == 4250000000ull && ev.pfn == 5 && ev.order == 2);
		}
	/* a blank inside the token's first 8 bytes ends it there: an unknown flag */
	snprintf(l, sizeof(l), "t-1 [000] 3.0: mm_page_alloc: page=0x1 pfn=0x2 order=1 gfp_flags=GFP_KER NEL");
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, NULL, NULL, &pe), FTRACE_LINE_ERROR);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_names);
	RUN(test_meta);
	RUN(test_roundtrip);
	RUN(test_roundtrip_random);
	RUN(test_bin_text_bin);
	RUN(test_golden_bytes);
	RUN(test_task_golden);
	RUN(test_gzip_tail);
	RUN(test_blocked);
	RUN(test_block_parse);
	RUN(test_truncation);
	RUN(test_corruption);
	RUN(test_version_magic);
	RUN(test_cpu_golden);
	RUN(test_dirty_age_golden);
	RUN(test_highatomic_golden);
	RUN(test_text_errors);
	RUN(test_writer_atomic);
	RUN(test_pipe);
	RUN(test_large);
	RUN(test_examples);
	RUN(test_inspect_cli);
	RUN(test_capture_memcg_errors);
	RUN(test_text_fast_paths);
	return TEST_END();
}
