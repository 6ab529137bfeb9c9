/* test_assert.c — the assertion tiers of common.h under the level this tree was built with
 * (-Ddebug_level): which of sim_assert / sim_assert2 / sim_assert3 evaluate their expression,
 * that a false one aborts exactly when its tier is on, and, with nm, that a level-0
 * libmmsim references no assertion failure path at all while level 3 calls the
 * whole-structure validator (mm_check_full).
 */
#include "common.h"
#include "testlib.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int evaluated;

static bool touch(void)
{
	evaluated++;
	return true;
}

/* Each tier's expression runs iff MMSIM_DEBUG_LEVEL reaches it; at level 0 none does. */
static void test_tiers_evaluate(void)
{
	evaluated = 0;
	sim_assert(touch());
	CHECK_EQ(evaluated, MMSIM_DEBUG_LEVEL >= 1);
	evaluated = 0;
	sim_assert2(touch());
	CHECK_EQ(evaluated, MMSIM_DEBUG_LEVEL >= 2);
	evaluated = 0;
	sim_assert3(touch());
	CHECK_EQ(evaluated, MMSIM_DEBUG_LEVEL >= 3);
}

/* Exit status of a child that runs tier TIER's assertion on a false expression: SIGABRT
 * when the tier is on, a clean 0 when it is compiled out. */
static int false_assert_in_child(int tier)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int zero = tier < 0; /* 0, but not a constant the compiler folds */
		(void)!freopen("/dev/null", "w", stderr);
		if (tier == 1)
			sim_assert(zero);
		else if (tier == 2)
			sim_assert2(zero);
		else
			sim_assert3(zero);
		_exit(0);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void test_false_aborts(void)
{
	for (int tier = 1; tier <= 3; tier++) {
		int want = MMSIM_DEBUG_LEVEL >= tier ? 128 + SIGABRT : 0;
		int got = false_assert_in_child(tier);
		tl_check(got == want, __FILE__, __LINE__, "tier %d at level %d: child status %d, expected %d",
			 tier, MMSIM_DEBUG_LEVEL, got, want);
	}
}

/* How many undefined references to SYMBOL nm finds in LIB, or -1 without nm. */
static long nm_refs(const char *lib, const char *symbol)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "nm '%s' 2>/dev/null | grep -c ' U %s$'", lib, symbol);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	long n = -1;
	if (fscanf(p, "%ld", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/* The library as built: at level 0 nothing calls sim_assert_fail (or libc's __assert_fail);
 * at level >= 1 something does; at level 3 the mm entry points call mm_check_full. */
static void test_library_symbols(void)
{
	const char *lib = getenv("MMSIM_LIB");
	if (!lib || system("command -v nm >/dev/null 2>&1") != 0) {
		tl_skip_test("MMSIM_LIB or nm absent");
		return;
	}
	long fail = nm_refs(lib, "sim_assert_fail"), libc = nm_refs(lib, "__assert_fail");
	long check = nm_refs(lib, "mm_check_full");
	CHECK(fail >= 0 && libc >= 0 && check >= 0);
	CHECK_EQ(libc, 0); /* every assertion goes through the tiers, none through assert() */
	if (MMSIM_DEBUG_LEVEL == 0)
		CHECK_EQ(fail, 0);
	else
		CHECK(fail > 0);
	if (MMSIM_DEBUG_LEVEL >= 3)
		CHECK(check >= 4); /* page_alloc.o (mm_alloc, mm_free), cma.o, pin.o, compaction.o */
	else
		CHECK_EQ(check, 0);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	printf("     MMSIM_DEBUG_LEVEL %d\n", MMSIM_DEBUG_LEVEL);
	RUN(test_tiers_evaluate);
	RUN(test_false_aborts);
	RUN(test_library_symbols);
	return TEST_END();
}
