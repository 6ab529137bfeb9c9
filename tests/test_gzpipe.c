/* test_gzpipe.c — gzpipe (sim/trace/gzpipe.c), gzread on a thread: for a regular file (read on
 * the thread) and for a pipe (read on the caller's), the bytes, the end and the errors are
 * gzread's: plain bytes, one member, several members, a member cut short,
 * a bad CRC, junk after a member. */
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

static struct result via_gzpipe(int fd, unsigned step)
{
	struct result r = { .bytes = malloc(8u << 20) };
	struct gzpipe *g = gzpipe_open(fd);
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
 * clean end the same bytes; at an error the same error after a prefix of the content
 * (how much of the failing stretch gzread hands out depends on the size of the read, for
 * gzread itself too). */
static void same(const char *path, const char *what, const unsigned char *content)
{
	static const unsigned steps[] = { 1u << 20, 4096, 777 };
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		struct result want = via_gzread(path, steps[s]);
		int fd = open(path, O_RDONLY);
		struct result file = via_gzpipe(fd, steps[s]);
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
		struct result piped = via_gzpipe(p[0], steps[s]);
		waitpid(pid, NULL, 0);
		const struct result *got[] = { &file, &piped };
		for (int g = 0; g < 2; g++) {
			if ((want.last == 0 && got[g]->n != want.n) || got[g]->last != want.last || got[g]->zerr != want.zerr)
				fprintf(stderr, "%s, %s, step %u: %zu bytes, last %d, zerr %d; gzread %zu, %d, %d\n", what,
					g ? "pipe" : "file", steps[s], got[g]->n, got[g]->last, got[g]->zerr, want.n,
					want.last, want.zerr);
			if (want.last == 0)
				CHECK_EQ(got[g]->n, want.n);
			CHECK_EQ(got[g]->last, want.last);
			CHECK_EQ(got[g]->zerr, want.zerr);
			CHECK_STR(reason(got[g]->msg), reason(want.msg));
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
	/* two members */
	gzFile w = gzopen(gz, "wb");
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

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_same_as_gzread);
	return TEST_END();
}
