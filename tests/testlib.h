/* testlib.h — the test harness every tests/test_*.c links (tests/testlib.c): every check is
 * counted, every randomized test prints its seed, and main() ends with "N passed, N failed"
 * (the closing line CI reads).
 *
 * Use:  static void test_x(void) { CHECK_EQ(a, b); }
 *       int main(int argc, char **argv) { TEST_INIT(argc, argv); RUN(test_x); return TEST_END(); }
 *
 * Options every test binary takes:
 *   --seed N    fixes the seed for randomized tests (tl_test_seed); MMSIM_TEST_SEED=N does the
 *               same; the default is time-derived and printed.
 *   --update    lets golden tests rewrite their expected files (tl_golden); MMSIM_UPDATE=1
 *               does the same.
 * MESON_SOURCE_ROOT (set by tests/meson.build) locates the source tree (tl_srcdir).
 */
#ifndef MMSIM_TESTLIB_H
#define MMSIM_TESTLIB_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Harness.  The state lives in testlib.c; tests see it through these calls only. */
void tl_init(int argc, char **argv);
int tl_end(void);
void tl_run(const char *name, void (*fn)(void));

/* Count one check; when !ok, print "file:line: <current test>: <fmt...>" and count a failure.
 * Returns ok, so a caller can stop early.  The CHECK macros are built on it; helpers that
 * check on behalf of a caller pass the caller's line. */
bool tl_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Print and return the seed for a randomized test: reproduce with --seed. */
uint64_t tl_test_seed(void);

const char *tl_srcdir(void);          /* MESON_SOURCE_ROOT, or "." */
bool tl_updating(void);               /* --update or MMSIM_UPDATE=1 */
const char *tl_current(void);         /* name of the running test */
unsigned long tl_failed_checks(void); /* failed checks so far, across tests */

/* A private directory under $TMPDIR (default /tmp), created on first use and removed with
 * everything in it when the binary exits (tl_end, tl_skip, exit). */
const char *tl_tmpdir(void);

/* The whole file at PATH, NUL-terminated (so text can be used as a string), in malloc'd
 * memory; its length without the NUL in *LEN when LEN is not NULL.  NULL (and *LEN 0) if
 * unreadable. */
char *tl_read_file(const char *path, size_t *len);

/* Compare ACTUAL[0..LEN) with tests/data/REL.  On mismatch print the first differing line
 * as a unified-diff hunk and count a failed check; with --update / MMSIM_UPDATE=1 rewrite the
 * expected file instead (creating its directory) and pass.  Returns true when they match. */
bool tl_golden(const char *rel, const char *actual, size_t len);

/* The running test cannot run here (an optional input or tool is missing): it is counted as
 * skipped, not passed, with REASON printed; a binary whose every test skipped exits 77. */
void tl_skip_test(const char *reason);

/* End the binary as skipped (exit 77, meson's SKIP), saying why. */
_Noreturn void tl_skip(const char *reason);

#define TEST_INIT(argc, argv) tl_init((argc), (argv))
#define TEST_END() tl_end()
#define RUN(fn) tl_run(#fn, fn)

#define CHECK(cond) ((void)tl_check(!!(cond), __FILE__, __LINE__, "CHECK(%s) failed", #cond))

#define CHECK_EQ(a, b)                                                                     \
	do {                                                                               \
		long long tl_a = (long long)(a), tl_b = (long long)(b);                    \
		tl_check(tl_a == tl_b, __FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
			 #a, tl_a, #b, tl_b);                                              \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *tl_a = (a), *tl_b = (b);                                       \
		tl_check(tl_a && tl_b && !strcmp(tl_a, tl_b), __FILE__, __LINE__,          \
			 "%s:\n--- got ---\n%s\n--- expected ---\n%s", #a,                 \
			 tl_a ? tl_a : "(null)", tl_b ? tl_b : "(null)");                  \
	} while (0)

#endif
