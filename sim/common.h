/* common.h — scalar units, error reporting and small helpers shared by every module.
 *
 * Glossary (kernel vocabulary is used throughout mmsim):
 *   pfn         page frame number: index of a simulated 4 KiB page in the machine
 *   order       log2 of a block's size in pages (0..MAX_PAGE_ORDER)
 *   migratetype the mobility class of a page or pageblock (Unmovable, Movable, ...)
 *   pageblock   2^pageblock_order pages sharing one migratetype (512 pages = 2 MiB)
 *   sim_ns_t    simulated time in integer nanoseconds
 */
#ifndef MMSIM_COMMON_H
#define MMSIM_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t sim_ns_t; /* simulated time, nanoseconds */
typedef uint32_t pfn_t;    /* page frame number; 32 bits cover 16 TiB of 4 KiB pages */

#define PFN_NONE UINT32_MAX
#define PAGE_SIZE 4096u
#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull
/* A task id (a trace record's task; an imported trace's is the kernel pid, below 2^22)
 * with this bit set ran outside the captured command's process tree (sim/trace/FORMAT.md):
 * machine.memcg.split_prefill charges its pages with the rest of the machine's. */
#define SIM_TASK_OUTSIDE (1u << 31)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Exit codes from sysexits(3); only cli/ turns them into exit() calls. */
enum sim_exit {
	EX_OK_ = 0,
	EX_USAGE_ = 64,       /* command line usage error */
	EX_DATAERR_ = 65,     /* bad input data (trace, ftrace text) */
	EX_NOINPUT_ = 66,     /* input file missing or unreadable */
	EX_UNAVAILABLE_ = 69, /* optional feature not built in */
	EX_SOFTWARE_ = 70,    /* internal error */
	EX_OSERR_ = 71,       /* a system call failed (fork, readlink) */
	EX_CANTCREAT_ = 73,   /* output path is not a regular file mmsim may replace */
	EX_IOERR_ = 74,       /* output could not be written */
	EX_TEMPFAIL_ = 75,    /* busy: try again later (a sweep directory in use) */
	EX_CONFIG_ = 78,      /* bad configuration */
};

/* An error with its cause and location, filled by the module that found it and
 * printed by cli/.  code is a sysexits value; msg already names file:line:col or
 * the trace record number. */
struct sim_error {
	int code;
	char msg[512];
};

/* Format msg into err (if err is non-NULL) and return -1, for `return sim_error_set(...)`. */
int sim_error_set(struct sim_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Assertion tiers (style.md rule 8): MMSIM_DEBUG_LEVEL is set by -Ddebug_level and alone
 * decides which checks exist (NDEBUG plays no part):
 *   0: none — every sim_assert* compiles to nothing, but its expression is still
 *      type-checked inside sizeof (never evaluated), as the kernel's VM_BUG_ON does
 *      through BUILD_BUG_ON_INVALID when CONFIG_DEBUG_VM is off;
 *   1: sim_assert, cheap checks (the default);
 *   2: + sim_assert2, per-operation checks (a page's flags on each list move);
 *   3: + sim_assert3, whole-structure validators after every operation (mm_check at its
 *      full level; mimalloc's mi_assert_expensive plays the same part).
 * An assertion must not have side effects: at level 0 it is not evaluated. */
#ifndef MMSIM_DEBUG_LEVEL
#define MMSIM_DEBUG_LEVEL 1
#endif
/* Print "file:line: func: assertion `expr' failed" and abort(). */
_Noreturn void sim_assert_fail(const char *expr, const char *file, int line, const char *func);
#define sim_assert_on_(x) ((x) ? (void)0 : sim_assert_fail(#x, __FILE__, __LINE__, __func__))
#define sim_assert_off_(x) ((void)sizeof((x) ? 1 : 0))
#if MMSIM_DEBUG_LEVEL >= 1
#define sim_assert(x) sim_assert_on_(x)
#else
#define sim_assert(x) sim_assert_off_(x)
#endif
#if MMSIM_DEBUG_LEVEL >= 2
#define sim_assert2(x) sim_assert_on_(x)
#else
#define sim_assert2(x) sim_assert_off_(x)
#endif
#if MMSIM_DEBUG_LEVEL >= 3
#define sim_assert3(x) sim_assert_on_(x)
#else
#define sim_assert3(x) sim_assert_off_(x)
#endif

/* Room for need elements of size bytes in the array whose pointer is at *array (any
 * object pointer type) and whose capacity is *cap: when need > *cap the capacity doubles,
 * from min when it was 0, until it holds need, and the new elements are zeroed.  0, or -1
 * when out of memory (array and *cap unchanged). */
int sim_grow(void *array, size_t *cap, size_t need, size_t size, size_t min);

/* Read a whole file into a malloc'd, NUL-terminated buffer (*len, if non-NULL, excludes the
 * NUL). NULL with err filled: EX_NOINPUT_ (cannot open / read), EX_SOFTWARE_ (memory). */
char *sim_read_file(const char *path, size_t *len, struct sim_error *err);

/* Every input file is opened through these, so none waits forever.  A regular file (or
 * anything but a FIFO, socket or device) opens as usual.  A FIFO, socket or device opens
 * without blocking and must have data (or a writer that closed) within SIM_INPUT_WAIT_S
 * seconds, or it fails with EX_NOINPUT_ "PATH: no writer"; after that it is read normally
 * (blocking).  Returns the descriptor (O_CLOEXEC) / stream, or -1 / NULL with err filled
 * (EX_NOINPUT_ "PATH: cannot open: reason"). */
#define SIM_INPUT_WAIT_S 5
int sim_open_input(const char *path, struct sim_error *err);
FILE *sim_fopen_input(const char *path, struct sim_error *err);


/* Atomic output: write to "<path>.tmp.<pid>", then rename over path.  Only a regular file
 * (or nothing) at path is ever replaced: a device node, FIFO, symlink, socket or directory
 * there is refused with EX_CANTCREAT_, both when opening and again just before the rename,
 * so `-o /dev/null` can never turn /dev/null into a regular file.  The temporary file is
 * created O_EXCL|O_NOFOLLOW, so it never writes through a planted link either. */
struct atomic_file {
	char path[4096];
	char tmp[4200];
	void *fp;      /* FILE * */
	bool tmp_made; /* tmp exists and is ours to remove */
};
void *atomic_open(struct atomic_file *af, const char *path, struct sim_error *err);
int atomic_commit(struct atomic_file *af, struct sim_error *err);
void atomic_abort(struct atomic_file *af);

/* Atomic output directory: built as "<path>.tmp.<pid>" and renamed into place whole when
 * complete, so path is complete or absent (or the previous complete one) at every instant.
 * Only an absent path, or a directory holding nothing but names from own (a
 * NULL-terminated list: what mmsim writes there) and "*.tmp.*" leftovers, is ever replaced;
 * anything else is refused with EX_CANTCREAT_, at open and again at commit.
 *   atomic_dir_open(&ad, "out", names) ; ... write into ad.tmp ... ;
 *   atomic_dir_commit(&ad)  — or atomic_dir_abort(&ad) on any failure. */
struct atomic_dir {
	char path[4096]; /* without trailing slashes */
	char tmp[4200];
	const char *const *own;
	bool tmp_made; /* tmp exists and is ours to remove */
};
/* Check path, create its parent directories, and make the empty tmp. */
int atomic_dir_open(struct atomic_dir *ad, const char *path, const char *const *own, struct sim_error *err);
/* Rename tmp to path, replacing a previous directory of ours whole. */
int atomic_dir_commit(struct atomic_dir *ad, struct sim_error *err);
/* Remove tmp and everything in it (nothing if it was never made). */
void atomic_dir_abort(struct atomic_dir *ad);
/* rm -rf path, never following symbolic links. */
int sim_remove_tree(const char *path);

#endif
