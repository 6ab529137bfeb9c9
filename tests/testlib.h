/* testlib.h — a tiny test harness: every check is counted, every randomized test prints
 * its seed, and main() ends with "N passed, N failed" (the closing line CI reads).
 *
 * Use:  static void test_x(void) { CHECK_EQ(a, b); }
 *       int main(int argc, char **argv) { TEST_INIT(argc, argv); RUN(test_x); return TEST_END(); }
 * --seed N fixes the seed for randomized tests (tl_seed); default is time-derived and printed.
 * --update lets golden tests rewrite their expected files (tl_update).
 */
#ifndef MMSIM_TESTLIB_H
#define MMSIM_TESTLIB_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tl_state {
	unsigned long checks, failed_checks, tests, failed_tests;
	uint64_t seed;
	int update;
	const char *current;
	const char *srcdir; /* MESON_SOURCE_ROOT or "." */
};
static struct tl_state tl; /* test binaries only: the library itself has no globals */

#define TEST_INIT(argc, argv) tl_init((argc), (argv))
static inline void tl_init(int argc, char **argv)
{
	tl.seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			tl.seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--update"))
			tl.update = 1;
	}
	const char *s = getenv("MMSIM_TEST_SEED");
	if (s)
		tl.seed = strtoull(s, NULL, 0);
	tl.srcdir = getenv("MESON_SOURCE_ROOT");
	if (!tl.srcdir)
		tl.srcdir = ".";
}

#define CHECK(cond)                                                                        \
	do {                                                                               \
		tl.checks++;                                                               \
		if (!(cond)) {                                                             \
			tl.failed_checks++;                                                \
			fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, \
				tl.current, #cond);                                        \
		}                                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                                     \
	do {                                                                               \
		long long tl_a = (long long)(a), tl_b = (long long)(b);                    \
		tl.checks++;                                                               \
		if (tl_a != tl_b) {                                                        \
			tl.failed_checks++;                                                \
			fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n",    \
				__FILE__, __LINE__, tl.current, #a, tl_a, #b, tl_b);       \
		}                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *tl_a = (a), *tl_b = (b);                                       \
		tl.checks++;                                                               \
		if (!tl_a || !tl_b || strcmp(tl_a, tl_b)) {                                \
			tl.failed_checks++;                                                \
			fprintf(stderr, "%s:%d: %s: %s:\n--- got ---\n%s\n--- expected ---\n%s\n", \
				__FILE__, __LINE__, tl.current, #a, tl_a ? tl_a : "(null)", \
				tl_b ? tl_b : "(null)");                                   \
		}                                                                          \
	} while (0)

#define RUN(fn)                                                                            \
	do {                                                                               \
		unsigned long tl_before = tl.failed_checks;                                \
		tl.current = #fn;                                                          \
		tl.tests++;                                                                \
		fn();                                                                      \
		if (tl.failed_checks != tl_before) {                                       \
			tl.failed_tests++;                                                 \
			fprintf(stderr, "FAIL %s\n", #fn);                                 \
		} else {                                                                   \
			printf("ok   %s\n", #fn);                                      \
		}                                                                          \
	} while (0)

#define TEST_END() tl_end()
static inline int tl_end(void)
{
	printf("%lu checks\n%lu passed, %lu failed\n", tl.checks, tl.tests - tl.failed_tests,
	       tl.failed_tests);
	return tl.failed_tests ? 1 : 0;
}

/* Print and return the seed for a randomized test: reproduce with --seed. */
static inline uint64_t tl_test_seed(void)
{
	printf("     %s: seed %" PRIu64 " (rerun with --seed %" PRIu64 ")\n", tl.current, tl.seed, tl.seed);
	return tl.seed;
}

#endif
