/* test_gzpipe.c — gzpipe (sim/trace/gzpipe.c), gzread on a thread: for a regular file (read on
 * the thread) and for a pipe (read on the caller's), the bytes, the end and the errors are
 * gzread's: plain bytes, one member, several members, a member cut short,
 * a bad CRC, junk after a member. */
#include "trace/ftrace.h"
#include "trace/gzpipe.h"

#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* Everything read from fd in reads of `step` bytes: its length, the last return value and
 * zlib's errnum and message after it. */
struct result {
	size_t n;
	unsigned char *bytes;
	int last, zerr;
	char msg[256];
};

static struct result via_gzread(const char *path, unsigned step)
{
	struct result r = { .bytes = malloc(8u << 20) };
	gzFile gz = gzopen(path, "rb");
	CHECK(gz != NULL);
	int n;
	while ((n = gzread(gz, r.bytes + r.n, step)) > 0)
		r.n += (size_t)n;
	r.last = n;
	const char *m = gzerror(gz, &r.zerr);
	snprintf(r.msg, sizeof(r.msg), "%s", m ? m : "");
	gzclose(gz);
	return r;
}

static struct result via_gzpipe(int fd, unsigned step, bool here)
{
	struct result r = { .bytes = malloc(8u << 20) };
	struct gzpipe *g = here ? gzpipe_open_here(fd) : gzpipe_open(fd);
	CHECK(g != NULL);
	int n;
	while ((n = gzpipe_read(g, r.bytes + r.n, step)) > 0)
		r.n += (size_t)n;
	r.last = n;
	const char *m = gzpipe_error(g, &r.zerr);
	snprintf(r.msg, sizeof(r.msg), "%s", m ? m : "");
	/* the end, or the error, again */
	unsigned char b[16];
	CHECK_EQ(gzpipe_read(g, b, sizeof(b)), n);
	gzpipe_close(g);
	return r;
}

/* gzerror's message names the file ("path: reason" or "<fd:N>: reason"): compare reasons. */
static const char *reason(const char *m)
{
	const char *c = strrchr(m, ':');
	return c ? c + 1 : m;
}

/* What gzpipe gives from path, through the thread and through a pipe, against gzread: at a
 * clean end the same bytes (the content); at an error the same error after the bytes gzread
 * gave, as far as both went (how much of the failing stretch gzread hands out depends on the
 * size of the read, for gzread itself too). */
static void same(const char *path, const char *what, const unsigned char *content)
{
	static const unsigned steps[] = { 1u << 20, 4096, 777 };
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct result want = via_gzread(path, steps[s]);
		int fd = open(path, O_RDONLY);
		struct result file = via_gzpipe(fd, steps[s], false);
		/* on the calling thread, where one whole member is inflated by libdeflate */
		struct result here = via_gzpipe(open(path, O_RDONLY), steps[s], true);
		/* the same through a pipe, read on the caller's thread */
		int p[2];
		CHECK_EQ(pipe(p), 0);
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			int in = open(path, O_RDONLY);
			char buf[65536];
			ssize_t k;
			while ((k = read(in, buf, sizeof(buf))) > 0)
				if (write(p[1], buf, (size_t)k) != k)
					break;
			_exit(0);
		}
		close(p[1]);
		struct result piped = via_gzpipe(p[0], steps[s], false);
		waitpid(pid, NULL, 0);
		const struct result *got[] = { &file, &piped, &here };
		static const char *const how[] = { "file", "pipe", "here" };
		for (int g = 0; g < 3; g++) {
			if ((want.last == 0 && got[g]->n != want.n) || got[g]->last != want.last || got[g]->zerr != want.zerr)
				fprintf(stderr, "%s, %s, step %u: %zu bytes, last %d, zerr %d; gzread %zu, %d, %d\n", what,
					how[g], steps[s], got[g]->n, got[g]->last, got[g]->zerr, want.n,
					want.last, want.zerr);
			if (want.last == 0)
				CHECK_EQ(got[g]->n, want.n);
			CHECK_EQ(got[g]->last, want.last);
			CHECK_EQ(got[g]->zerr, want.zerr);
			CHECK_STR(reason(got[g]->msg), reason(want.msg));
			/* Corrupt deflate data may inflate to other bytes before zlib notices:
			 * those of gzread, as far as both went. */
			size_t both = got[g]->n < want.n ? got[g]->n : want.n;
			CHECK(memcmp(got[g]->bytes, want.bytes, both) == 0);
			if (want.last == 0)
				CHECK(memcmp(got[g]->bytes, content, got[g]->n) == 0);
			free(got[g]->bytes);
		}
		free(want.bytes);
	}
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	CHECK(fp && fwrite(p, 1, n, fp) == n);
	if (fp)
		fclose(fp);
}

static void test_same_as_gzread(void)
{
	uint64_t s = tl_test_seed() | 1;
	size_t n = 3u << 20;
	unsigned char *text = malloc(n);
	/* lines of a few random words: compressible, as a capture is */
	for (size_t i = 0; i < n; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		text[i] = s % 50 == 0 ? '\n' : (unsigned char)('a' + s % 7);
	}
	char path[512], gz[512];
	snprintf(path, sizeof(path), "%s/plain.txt", tl_tmpdir());
	snprintf(gz, sizeof(gz), "%s/t.txt.gz", tl_tmpdir());
	write_bytes(path, text, n);
	same(path, "plain", text);
	/* one member (gzpipe_open_here inflates it whole), cut short, its CRC, its length, junk
	 * after it, a header CRC (libdeflate does not check it: gzread reads it) */
	gzFile w = gzopen(gz, "wb");
	gzwrite(w, text, (unsigned)n);
	gzclose(w);
	same(gz, "one member", text);
	size_t on;
	unsigned char *one = (unsigned char *)tl_read_file(gz, &on);
	write_bytes(gz, one, on - 3);
	same(gz, "one member cut", text);
	one[on - 8] ^= 1;
	write_bytes(gz, one, on);
	same(gz, "one member crc", text);
	one[on - 8] ^= 1;
	one[on - 4] ^= 1;
	write_bytes(gz, one, on);
	same(gz, "one member length", text);
	one[on - 4] ^= 1;
	unsigned char *oj = malloc(on + 2 + 5);
	memcpy(oj, one, on);
	memcpy(oj + on, "junk!", 5);
	write_bytes(gz, oj, on + 5);
	same(gz, "one member junk", text);
	/* FHCRC set, the header's CRC-16 wrong: gzread's error */
	memcpy(oj, one, 10);
	oj[3] |= 0x02;
	oj[10] = 0x12, oj[11] = 0x34;
	memcpy(oj + 12, one + 10, on - 10);
	write_bytes(gz, oj, on + 2);
	same(gz, "one member header crc", text);
	free(oj);
	free(one);
	/* two members */
	w = gzopen(gz, "wb");
	gzwrite(w, text, (unsigned)(n / 2));
	gzclose(w);
	w = gzopen(gz, "ab");
	gzwrite(w, text + n / 2, (unsigned)(n - n / 2));
	gzclose(w);
	same(gz, "two members", text);
	size_t zn;
	unsigned char *z = (unsigned char *)tl_read_file(gz, &zn);
	/* cut short */
	write_bytes(gz, z, zn * 2 / 3);
	same(gz, "cut", text);
	/* bad CRC of the last member */
	z[zn - 8] ^= 1;
	write_bytes(gz, z, zn);
	same(gz, "crc", text);
	z[zn - 8] ^= 1;
	/* junk after the last member */
	unsigned char *j = malloc(zn + 5);
	memcpy(j, z, zn);
	memcpy(j + zn, "junk!", 5);
	write_bytes(gz, j, zn + 5);
	same(gz, "junk", text);
	/* corrupt deflate data */
	z[zn / 2] ^= 0x55;
	write_bytes(gz, z, zn);
	same(gz, "corrupt", text);
	free(j);
	free(z);
	free(text);
}

static int count_event(void *arg, const struct ftrace_event *ev, struct sim_error *err)
{
	(void)ev, (void)err;
	++*(uint64_t *)arg;
	return 0;
}

/* ftrace_read_text parses lines where gzpipe hands them out and joins a line split between
 * two of its stretches (256 KiB each): events on both sides of long lines and of every
 * boundary, and the 1 MiB line limit exactly (a line of 2^20 - 1 bytes is parsed, one of 2^20
 * is too long), from a file and, gzip-compressed, through the thread. */
static void test_ftrace_long_lines(void)
{
	static const char ev[] = "app-1 [000] 1.000001: mm_page_free: page=0x0 pfn=0x1 order=0\n";
	const size_t evlen = sizeof(ev) - 1;
	size_t longs[] = { 300000, 600000, (1u << 20) - 1, 1u << 20 };
	char path[512], gz[512];
	snprintf(path, sizeof(path), "%s/long.trace", tl_tmpdir());
	snprintf(gz, sizeof(gz), "%s/long.trace.gz", tl_tmpdir());
	for (size_t k = 0; k < sizeof(longs) / sizeof(longs[0]); k++) {
		/* 5000 events, a comment line of longs[k] bytes, 5000 events */
		size_t n = 10000 * evlen + longs[k] + 1;
		char *t = malloc(n), *q = t;
		for (int i = 0; i < 5000; i++, q += evlen)
			memcpy(q, ev, evlen);
		q[0] = '#';
		memset(q + 1, 'x', longs[k] - 1);
		q[longs[k]] = '\n';
		q += longs[k] + 1;
		for (int i = 0; i < 5000; i++, q += evlen)
			memcpy(q, ev, evlen);
		write_bytes(path, t, n);
		gzFile w = gzopen(gz, "wb1");
		gzwrite(w, t, (unsigned)n);
		gzclose(w);
		const char *files[] = { path, gz };
		for (int f = 0; f < 2; f++) {
			struct ftrace_read_stats st;
			struct sim_error err = { 0 };
			uint64_t events = 0;
			int rc = ftrace_read_text(files[f], NULL, count_event, &events, &st, &err);
			if (longs[k] < (1u << 20)) {
				CHECK_EQ(rc, 0);
				CHECK_EQ(events, 10000);
				CHECK_EQ(st.nr_lines, 10001);
			} else {
				CHECK_EQ(rc, -1);
				CHECK(strstr(err.msg, ":5001: line longer than 1048576 bytes") != NULL);
			}
		}
		free(t);
	}
	remove(path);
	remove(gz);
}

/* What ftrace_read_text made of a file: its return, error (without the path), counts and
 * a digest of every event handed out (line, time, pfn, id, cpu, pid, comm). */
struct text_outcome {
	int rc;
	char msg[512];
	struct ftrace_read_stats st;
	uint64_t events, digest;
};

static int digest_event(void *arg, const struct ftrace_event *ev, struct sim_error *err)
{
	(void)err;
	struct text_outcome *o = arg;
	uint64_t v[] = { ev->line, ev->time_ns, ev->pfn, ev->id, (uint64_t)ev->cpu, ev->pid, ev->nr[0] };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		o->digest = (o->digest ^ v[i]) * 0x100000001b3ull;
	for (const char *c = ev->comm; *c; c++)
		o->digest = (o->digest ^ (uint8_t)*c) * 0x100000001b3ull;
	o->events++;
	return 0;
}

static struct text_outcome read_outcome(const char *path, const struct ftrace_read_opts *ro)
{
	struct text_outcome o = { .digest = 0xcbf29ce484222325ull };
	struct sim_error err = { 0 };
	o.rc = ftrace_read_text(path, ro, digest_event, &o, &o.st, &err);
	const char *m = strncmp(err.msg, path, strlen(path)) ? err.msg : err.msg + strlen(path);
	snprintf(o.msg, sizeof(o.msg), "%s", m);
	return o;
}

/* One gzip member is inflated whole and its lines parsed in batches of byte ranges by both
 * threads (ftrace.c); the same text as plain bytes is fed in stretches and parsed by the
 * reader thread.  Lines, events, counts and errors are the same either way: for ranges of
 * many short lines (more than a batch holds), lines across every range boundary, blank and
 * CRLF lines, unknown events, lost markers, malformed lines (first error and lenient
 * counts), a NUL byte, a last line without its newline, and an empty file. */
static void test_ftrace_whole_same_as_stream(void)
{
	static const char *const pieces[] = {
		"app-1 [000] 1.000001: mm_page_free: page=0x0 pfn=0x1 order=0\n",
		"  kworker/0:1-77    [003] d..1.  2.000002: mm_page_alloc: page=0x0 pfn=0x2a order=1 "
		"migratetype=0 gfp_flags=GFP_KERNEL\n",
		"#\n",
		"\n",
		"app-1 [001] 1.000003: some_unknown_event: x=1\n",
		"app-1 [000] 1.000004: mm_page_free: page=0x0 pfn=0x3 order=0\r\n",
		"CPU:1 [LOST 12 EVENTS]\n",
	};
	char plain[512], gz[512];
	snprintf(plain, sizeof(plain), "%s/whole.trace", tl_tmpdir());
	snprintf(gz, sizeof(gz), "%s/whole.trace.gz", tl_tmpdir());
	size_t cap = 4u << 20;
	char *t = malloc(cap);
	/* variants: 0 clean, 1 a malformed line, 2 a NUL byte, 3 no newline at the end,
	 * 4 empty, 5 only short lines (one range holds thousands) */
	for (int variant = 0; variant < 6; variant++) {
		size_t n = 0;
		uint64_t seed = 12345;
		for (int i = 0; variant != 4 && n < (3u << 20); i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			unsigned r = (unsigned)(seed >> 33);
			/* long stretches of one kind: of short lines, of events */
			const char *line = variant == 5 || (i / 20000) % 2 ? pieces[2 + (r % 2)] : pieces[r % 7];
			size_t l = strlen(line);
			memcpy(t + n, line, l);
			n += l;
			if (variant == 1 && i == 70001) {
				memcpy(t + n, "app-1 [000] x: mm_page_free: pfn=1\n", 35);
				n += 35;
			}
			if (variant == 2 && i == 90001) {
				memcpy(t + n, "app-1 [000] 1.5: mm_page_free:\0pfn=1\n", 37);
				n += 37;
			}
		}
		if (variant == 3)
			n--; /* the last newline */
		write_bytes(plain, t, n);
		gzFile w = gzopen(gz, "wb1");
		gzwrite(w, t, (unsigned)n);
		gzclose(w);
		for (int lenient = 0; lenient < 2; lenient++) {
			struct ftrace_read_opts ro = { .lenient = lenient };
			struct text_outcome a = read_outcome(gz, &ro), b = read_outcome(plain, &ro);
			CHECK_EQ(a.rc, b.rc);
			CHECK_STR(a.msg, b.msg);
			CHECK_EQ(a.events, b.events);
			CHECK_EQ(a.digest, b.digest);
			CHECK_EQ(a.st.nr_lines, b.st.nr_lines);
			CHECK_EQ(a.st.nr_header, b.st.nr_header);
			CHECK_EQ(a.st.nr_events, b.st.nr_events);
			CHECK_EQ(a.st.nr_unknown, b.st.nr_unknown);
			CHECK_EQ(a.st.nr_errors, b.st.nr_errors);
			CHECK_EQ(a.st.nr_lost_markers, b.st.nr_lost_markers);
			CHECK_EQ(a.st.nr_lost_events, b.st.nr_lost_events);
			CHECK_EQ(a.st.first_error_line, b.st.first_error_line);
			CHECK_EQ(a.st.nr_error_notes, b.st.nr_error_notes);
			for (unsigned i = 0; i < a.st.nr_error_notes && i < b.st.nr_error_notes; i++) {
				CHECK_EQ(a.st.error_note[i].line, b.st.error_note[i].line);
				CHECK_EQ(a.st.error_note[i].col, b.st.error_note[i].col);
			}
			/* and what each variant is about */
			if (variant == 0 || variant == 3)
				CHECK(a.rc == 0 && a.events > 10000 && a.st.nr_lines > 50000);
			if (variant == 1 || variant == 2)
				CHECK(lenient ? a.rc == 0 && a.st.nr_errors == 1 : a.rc == -1);
			if (variant == 4 || variant == 5)
				CHECK(a.rc == -1 && strstr(a.msg, "no events") != NULL);
			if (variant == 5)
				CHECK(a.st.nr_lines > 1000000);
		}
	}
	free(t);
	remove(plain);
	remove(gz);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_same_as_gzread);
	RUN(test_ftrace_long_lines);
	RUN(test_ftrace_whole_same_as_stream);
	return TEST_END();
}
