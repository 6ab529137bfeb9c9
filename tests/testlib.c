/* testlib.c — the harness state and helpers behind testlib.h.
 *
 * The state is one file-scope struct: this file is linked into test binaries only, which
 * run one test at a time on one thread; the simulator library itself has no globals.
 */
#include "testlib.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* tests == passed + failed_tests + skipped_tests;  failed_checks <= checks. */
struct tl_state {
	unsigned long checks, failed_checks, tests, failed_tests, skipped_tests;
	const char *skip_reason; /* set by tl_skip_test inside the running test */
	uint64_t seed;
	bool update;
	const char *current;
	const char *srcdir;
	char tmpdir[512]; /* "" until tl_tmpdir() first creates it */
};
static struct tl_state tl = { .current = "main", .srcdir = "." };

static bool env_true(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

void tl_init(int argc, char **argv)
{
	tl.seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			tl.seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--update"))
			tl.update = true;
	}
	const char *s = getenv("MMSIM_TEST_SEED");
	if (s)
		tl.seed = strtoull(s, NULL, 0);
	if (env_true("MMSIM_UPDATE"))
		tl.update = true;
	tl.srcdir = getenv("MESON_SOURCE_ROOT");
	if (!tl.srcdir)
		tl.srcdir = ".";
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void tl_cleanup(void)
{
	if (tl.tmpdir[0]) {
		nftw(tl.tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		tl.tmpdir[0] = '\0';
	}
}

int tl_end(void)
{
	tl_cleanup();
	unsigned long passed = tl.tests - tl.failed_tests - tl.skipped_tests;
	printf("%lu checks\n%lu passed, %lu failed, %lu skipped\n", tl.checks, passed, tl.failed_tests,
	       tl.skipped_tests);
	if (tl.failed_tests)
		return 1;
	return tl.skipped_tests && !passed ? 77 : 0; /* nothing ran: meson's SKIP */
}

void tl_run(const char *name, void (*fn)(void))
{
	unsigned long before = tl.failed_checks;
	tl.current = name;
	tl.tests++;
	tl.skip_reason = NULL;
	fn();
	if (tl.failed_checks != before) {
		tl.failed_tests++;
		fprintf(stderr, "FAIL %s\n", name);
	} else if (tl.skip_reason) {
		tl.skipped_tests++;
		printf("SKIP %s: %s\n", name, tl.skip_reason);
	} else {
		printf("ok   %s\n", name);
	}
	tl.current = "main";
}

void tl_skip_test(const char *reason)
{
	tl.skip_reason = reason;
}

bool tl_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	tl.checks++;
	if (ok)
		return true;
	tl.failed_checks++;
	fprintf(stderr, "%s:%d: %s: ", file, line, tl.current);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

uint64_t tl_test_seed(void)
{
	printf("     %s: seed %" PRIu64 " (rerun with --seed %" PRIu64 ")\n", tl.current, tl.seed, tl.seed);
	return tl.seed;
}

const char *tl_srcdir(void) { return tl.srcdir; }
bool tl_updating(void) { return tl.update; }
const char *tl_current(void) { return tl.current; }
unsigned long tl_failed_checks(void) { return tl.failed_checks; }

const char *tl_tmpdir(void)
{
	if (tl.tmpdir[0])
		return tl.tmpdir;
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(tl.tmpdir, sizeof(tl.tmpdir), "%s/mmsim-test-XXXXXX", base);
	if (!mkdtemp(tl.tmpdir)) {
		fprintf(stderr, "testlib: mkdtemp %s: %s\n", tl.tmpdir, strerror(errno));
		exit(2);
	}
	atexit(tl_cleanup);
	return tl.tmpdir;
}

char *tl_read_file(const char *path, size_t *len)
{
	if (len)
		*len = 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 4096 + 1) {
			cap = cap ? 2 * cap : 8192;
			char *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(fp);
	fclose(fp);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* mkdir -p for the directories above PATH's last component. */
static void make_parents(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0777);
		*p = '/';
	}
}

/* Line number (1-based) and start of the line holding offset OFF in TEXT. */
static size_t line_of(const char *text, size_t off, size_t *start)
{
	size_t line = 1, s = 0;
	for (size_t i = 0; i < off; i++)
		if (text[i] == '\n') {
			line++;
			s = i + 1;
		}
	*start = s;
	return line;
}

/* Print "<prefix><line>" for the line starting at S in TEXT[0..LEN), if any. */
static void print_line(char prefix, const char *text, size_t len, size_t s)
{
	if (s >= len)
		return;
	const char *nl = memchr(text + s, '\n', len - s);
	size_t e = nl ? (size_t)(nl - text) : len;
	fprintf(stderr, "%c%.*s%s\n", prefix, (int)(e - s), text + s, nl ? "" : "  (no newline at end)");
}

bool tl_golden(const char *rel, const char *actual, size_t len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/data/%s", tl.srcdir, rel);
	size_t want_len = 0;
	char *want = tl_read_file(path, &want_len);
	bool same = want && want_len == len && !memcmp(want, actual, len);
	if (!same && tl.update) {
		make_parents(path);
		FILE *fp = fopen(path, "wb");
		same = fp && fwrite(actual, 1, len, fp) == len;
		if (fp && fclose(fp) != 0)
			same = false;
		printf("     %s %s\n", same ? "rewrote" : "could not rewrite", path);
	} else if (!same && !want) {
		fprintf(stderr, "%s: %s missing (run with --update or MMSIM_UPDATE=1 to create it)\n",
			tl.current, path);
	} else if (!same) {
		/* The first difference as one unified-diff hunk: the line before it as context, the
		 * expected line (-) and the actual line (+). */
		size_t off = 0;
		while (off < len && off < want_len && actual[off] == want[off])
			off++;
		size_t ws, as;
		size_t line = line_of(want, off, &ws);
		line_of(actual, off, &as);
		fprintf(stderr, "%s: %s differs (rerun with --update or MMSIM_UPDATE=1 to accept)\n"
				"--- %s\n+++ actual\n",
			tl.current, path, path);
		if (line > 1)
			fprintf(stderr, "@@ -%zu,2 +%zu,2 @@\n", line - 1, line - 1);
		else
			fprintf(stderr, "@@ -1 +1 @@\n");
		if (line > 1) {
			size_t prev;
			line_of(want, ws - 1, &prev);
			print_line(' ', want, want_len, prev);
		}
		print_line('-', want, want_len, ws);
		print_line('+', actual, len, as);
	}
	free(want);
	tl.checks++;
	if (!same)
		tl.failed_checks++;
	return same;
}

_Noreturn void tl_skip(const char *reason)
{
	printf("SKIP: %s\n", reason);
	fflush(stdout);
	tl_cleanup();
	exit(77);
}
