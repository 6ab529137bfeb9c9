/* test_ftrace.c — the ftrace text line parser, payload fields, readers, zoneinfo.
 * Expected values are read off the hand-written input lines (model.md §8.5, §8.6), not
 * taken from the program's output. */
#include "trace/ftrace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/gfp.h"
#include "mmsim-config.h"
#include "testlib.h"
#include "trace/trace.h"
#include "trace/zoneinfo.h"

/* libtraceevent 1.7 leaks a few bytes of every .dat's event formats (tep_parse_event, under
 * tracecmd_open); not ours to fix.  LeakSanitizer reads this hook in ASan builds; elsewhere
 * nothing calls it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtraceevent.so\n";
}

static char path_buf[4096];
static const char *data(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/tests/data/ftrace/%s", tl_srcdir(), name);
	return path_buf;
}

static enum ftrace_line_kind parse(const char *line, struct ftrace_event *ev,
				   struct ftrace_parse_error *pe)
{
	return ftrace_parse_line(line, strlen(line), ev, NULL, NULL, pe);
}

static void test_tracefs_line(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	/* model.md §8.5's own example line */
	const char *l = "       some-task-6885    [001] .....   286.692074: mm_page_alloc: page=0000000057dc10be "
			"pfn=0x103263 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP";
	CHECK_EQ(parse(l, &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.id, FEV_PAGE_ALLOC);
	CHECK_STR(ev.comm, "some-task");
	CHECK_EQ(ev.pid, 6885);
	CHECK_EQ(ev.cpu, 1);
	CHECK_EQ(ev.time_ns, 286692074000ull);
	CHECK_EQ(ev.pfn, 0x103263);
	CHECK_EQ(ev.order, 0);
	CHECK_EQ(ev.migratetype, 1);
	CHECK_EQ(ev.gfp, GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_COMP);
}

/* A background work asks for LONG_MAX pages (nr_pages %ld); one that wrote more than it
 * asked for ends below zero, read as 0. */
static void test_writeback_nr_pages(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	const char *l = "kworker/u8:3-28031 [001] ...1. 24970.321456: writeback_start: bdi 254:0: sb_dev 0:0 "
			"nr_pages=9223372036854775807 sync_mode=0 kupdate=0 range_cyclic=1 background=1 "
			"reason=background cgroup_ino=1";
	CHECK_EQ(parse(l, &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.id, FEV_WRITEBACK_START);
	CHECK_EQ(ev.dev, 254u << 20);
	CHECK_EQ(ev.nr[0], 9223372036854775807ull);
	l = "kworker/u8:3-28031 [001] ...1. 24970.358095: writeback_written: bdi 254:0: sb_dev 0:0 "
	    "nr_pages=-3 sync_mode=0 kupdate=0 range_cyclic=1 background=0 reason=vmscan cgroup_ino=1";
	CHECK_EQ(parse(l, &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.id, FEV_WRITEBACK_WRITTEN);
	CHECK_EQ(ev.nr[0], 0);
}

static void test_layout_variants(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	/* trace-cmd report: no flags column; comm with a space */
	CHECK_EQ(parse("  Web Content-1234  [001]   100.000001: mm_page_free: page=0x1 pfn=0x1234 order=3",
		       &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_STR(ev.comm, "Web Content");
	CHECK_EQ(ev.pid, 1234);
	CHECK_EQ(ev.pfn, 0x1234);
	CHECK_EQ(ev.order, 3);
	/* tgid column "(  123)", nanosecond timestamp, CRLF */
	CHECK_EQ(parse("bash-9850 (   9850) [002] d..2. 855.672459123: mm_page_free: pfn=0x10 order=1\r",
		       &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.pid, 9850);
	CHECK_EQ(ev.cpu, 2);
	CHECK_EQ(ev.time_ns, 855672459123ull);
	CHECK_EQ(ev.order, 1);
	/* a comm holding dashes and brackets: pid after the last dash */
	CHECK_EQ(parse("kworker/u8:2-ev[x]-77 [000] 1.5: mm_page_free_batched: page=0x1 pfn=0x2 order=0",
		       &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_STR(ev.comm, "kworker/u8:2-ev[x]");
	CHECK_EQ(ev.pid, 77);
	CHECK_EQ(ev.time_ns, 1500000000ull);
	/* fields found by name whatever their order; page= ignored */
	CHECK_EQ(parse("a-1 [000] 1.000001: mm_page_alloc: gfp_flags=GFP_KERNEL order=2 pfn=0x99 page=0x5",
		       &ev, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.pfn, 0x99);
	CHECK_EQ(ev.order, 2);
	CHECK_EQ(ev.migratetype, -1);
	CHECK_EQ(ev.gfp, GFP_KERNEL);
	/* a failed allocation: page NULL prints pfn 0 */
	CHECK_EQ(parse("hog-1 [001] 1.000001: mm_page_alloc: page=(nil) pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE",
		       &ev, &pe), FTRACE_LINE_EVENT);
	CHECK(ev.pfn == FTRACE_PFN_NONE);
}

static void test_header_lost_unknown(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	const char *name = NULL;
	size_t n = 0;
	CHECK_EQ(parse("# tracer: nop", &ev, &pe), FTRACE_LINE_HEADER);
	CHECK_EQ(parse("", &ev, &pe), FTRACE_LINE_HEADER);
	CHECK_EQ(parse("   ", &ev, &pe), FTRACE_LINE_HEADER);
	CHECK_EQ(parse("cpus=2", &ev, &pe), FTRACE_LINE_HEADER);
	CHECK_EQ(parse("version = 6", &ev, &pe), FTRACE_LINE_HEADER);
	CHECK_EQ(parse("CPU:1 [LOST 123 EVENTS]", &ev, &pe), FTRACE_LINE_LOST);
	CHECK_EQ(ev.nr[0], 123);
	CHECK_EQ(parse("CPU:0 [45 EVENTS DROPPED]", &ev, &pe), FTRACE_LINE_LOST);
	CHECK_EQ(ev.nr[0], 45);
	/* a fork: the parent's pid and the child's (comm before each) */
	const char *f = "sh-10 [001] 1.000001: sched_process_fork: comm=sh pid=10 child_comm=sh child_pid=11";
	CHECK_EQ(ftrace_parse_line(f, strlen(f), &ev, &name, &n, &pe), FTRACE_LINE_EVENT);
	CHECK_EQ(ev.id, FEV_SCHED_PROCESS_FORK);
	CHECK_EQ(ev.nr[0], 10);
	CHECK_EQ(ev.nr[1], 11);
	const char *l = "app-1 [000] 1.000001: sched_switch: prev_comm=a prev_pid=1";
	CHECK_EQ(ftrace_parse_line(l, strlen(l), &ev, &name, &n, &pe), FTRACE_LINE_UNKNOWN);
	CHECK_EQ(n, 12);
	CHECK(name && !memcmp(name, "sched_switch", 12));
}

/* Each malformed line: an error, and the 1-based column where it was found. */
static void test_malformed_lines(void)
{
	static const struct {
		const char *line;
		size_t col;
	} cases[] = {
		{ "@@@@ garbage", 1 },                                              /* no [cpu] */
		{ "app-10x0 [000] 1.000001: mm_page_free: pfn=0x1 order=0", 7 },     /* pid digits */
		{ "app [000] 1.000001: mm_page_free: pfn=0x1 order=0", 1 },          /* no comm-pid */
		{ "app-1 [000] 1.00x001: mm_page_free: pfn=0x1 order=0", 13 },       /* timestamp */
		{ "app-1 [000] 1.1234567890: mm_page_free: pfn=0x1 order=0", 13 },   /* 10 digits */
		{ "app-1 [000] 1.000001:", 22 },                                     /* no event name */
		{ "app-1 [000] 1.000001: mm_page_free: pfn=0xZZ order=0", 41 },      /* bad number */
		{ "app-1 [000] 1.000001: mm_page_free: pfn=0x1", 37 },               /* truncated */
		{ "app-1 [000] 1.000001: mm_page_alloc: pfn=0x1 order=0 gfp_flags=GFP_KERNEL|GFP_BOGUS", 75 },
		{ "app-1 [000] 1.000001: mm_page_alloc: pfn=0x1 order=99 gfp_flags=GFP_KERNEL", 53 },
		{ "app-1 [000] 1.000001: mm_page_free: pfn=0x1ffffffffffffffff order=0", 59 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ftrace_event ev;
		struct ftrace_parse_error pe = { 0 };
		enum ftrace_line_kind k = parse(cases[i].line, &ev, &pe);
		CHECK_EQ(k, FTRACE_LINE_ERROR);
		if (pe.col != cases[i].col)
			fprintf(stderr, "case %zu: col %zu (%s), expected %zu\n", i, pe.col, pe.reason,
				cases[i].col);
		CHECK_EQ(pe.col, cases[i].col);
	}
	/* a NUL byte anywhere: binary data */
	static const char nul[] = "app-1 [000] 1.000001: mm_page_free: pfn=\0x1 order=0";
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	CHECK_EQ(ftrace_parse_line(nul, sizeof(nul) - 1, &ev, NULL, NULL, &pe), FTRACE_LINE_ERROR);
	CHECK_EQ(pe.col, 41);
}

/* every_event.report holds one line per recognised event, in enum order. */
static void test_every_event(void)
{
	FILE *fp = fopen(data("every_event.report"), "r");
	CHECK(fp != NULL);
	if (!fp)
		return;
	char line[1024];
	unsigned id = 0;
	struct ftrace_event evs[NR_FTRACE_EVENTS];
	while (fgets(line, sizeof(line), fp)) {
		struct ftrace_parse_error pe = { 0 };
		struct ftrace_event ev;
		line[strcspn(line, "\n")] = 0;
		enum ftrace_line_kind k = parse(line, &ev, &pe);
		if (id == 0) {
			CHECK_EQ(k, FTRACE_LINE_HEADER); /* cpus=2 */
			id++;
			continue;
		}
		if (k != FTRACE_LINE_EVENT)
			fprintf(stderr, "line for %s: col %zu %s\n", ftrace_event_names[id], pe.col, pe.reason);
		CHECK_EQ(k, FTRACE_LINE_EVENT);
		CHECK_EQ(ev.id, id);
		if (id < NR_FTRACE_EVENTS)
			evs[id] = ev;
		id++;
	}
	fclose(fp);
	CHECK_EQ(id, NR_FTRACE_EVENTS);
	if (id != NR_FTRACE_EVENTS)
		return;
	/* Field values, read off the lines. */
	CHECK_STR(evs[FEV_PAGE_FREE].comm, "kworker/u8:2-events");
	CHECK_EQ(evs[FEV_PAGE_FREE].pid, 77);
	CHECK_EQ(evs[FEV_PAGE_ALLOC].gfp, GFP_KERNEL | __GFP_COMP);
	CHECK_EQ(evs[FEV_PAGE_ALLOC].order, 3);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_ZONE_LOCKED].migratetype, 2);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_EXTFRAG].order, 3);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_EXTFRAG].nr[0], 10);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_EXTFRAG].nr[1], 9);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_EXTFRAG].nr[2], 1);
	CHECK_EQ(evs[FEV_PAGE_ALLOC_EXTFRAG].nr[3], 1);
	/* dev 254:1 -> 254 << 20 | 1; ino 0x3c9a0; ofs 12288 -> index 3 */
	CHECK_EQ(evs[FEV_FILEMAP_ADD].dev, (254u << 20) | 1);
	CHECK_EQ(evs[FEV_FILEMAP_ADD].ino, 0x3c9a0);
	CHECK_EQ(evs[FEV_FILEMAP_ADD].index, 3);
	CHECK_EQ(evs[FEV_FILEMAP_ADD].order, 2);
	CHECK_EQ(evs[FEV_FILEMAP_DELETE].dev, (8u << 20) | 17);
	CHECK_EQ(evs[FEV_KSWAPD_WAKE].order, 2);
	CHECK_EQ(evs[FEV_WAKEUP_KSWAPD].gfp, 0);
	CHECK_EQ(evs[FEV_DIRECT_RECLAIM_BEGIN].gfp,
		 GFP_NOFS | __GFP_RECLAIMABLE | __GFP_NOWARN | __GFP_NORETRY | __GFP_COMP);
	CHECK_EQ(evs[FEV_DIRECT_RECLAIM_END].nr[0], 32);
	CHECK_EQ(evs[FEV_MEMCG_RECLAIM_END].nr[0], 7);
	CHECK_EQ(evs[FEV_LRU_SHRINK_INACTIVE].nr[0], 32);
	CHECK_EQ(evs[FEV_LRU_SHRINK_INACTIVE].nr[1], 31);
	/* zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xffe00 zone_end=0x100000, mode=sync */
	CHECK_EQ(evs[FEV_COMPACTION_BEGIN].nr[0], 0x1000);
	CHECK_EQ(evs[FEV_COMPACTION_BEGIN].nr[1], 0x1000);
	CHECK_EQ(evs[FEV_COMPACTION_BEGIN].nr[2], 0xffe00);
	CHECK_EQ(evs[FEV_COMPACTION_BEGIN].nr[3], 0x100000);
	CHECK_EQ(evs[FEV_COMPACTION_BEGIN].result, 1);      /* sync */
	CHECK_EQ(evs[FEV_COMPACTION_END].result, 7);       /* contended */
	CHECK_EQ(evs[FEV_COMPACTION_FINISHED].result, 3);  /* no_suitable_page */
	CHECK_EQ(evs[FEV_COMPACTION_SUITABLE].result, 1);  /* skipped */
	CHECK_EQ(evs[FEV_COMPACTION_ISOLATE_FREEPAGES].nr[0], 512);
	CHECK_EQ(evs[FEV_COMPACTION_ISOLATE_FREEPAGES].nr[1], 64);
	CHECK_EQ(evs[FEV_COMPACTION_MIGRATEPAGES].nr[1], 1);
	CHECK_EQ(evs[FEV_COMPACTION_TRY_TO_COMPACT].gfp, GFP_TRANSHUGE | __GFP_NORETRY | __GFP_THISNODE);
	CHECK_EQ(evs[FEV_COMPACTION_DEFER_RESET].order, 8);
	CHECK_EQ(evs[FEV_MIGRATE_PAGES].nr[0], 468);
	CHECK_EQ(evs[FEV_MIGRATE_PAGES].nr[1], 2);
	CHECK_EQ(evs[FEV_MIGRATE_PAGES].nr[2], 1);
	CHECK_EQ(evs[FEV_MIGRATE_PAGES].nr[4], 3);
	CHECK_EQ(evs[FEV_MIGRATE_PAGES].result, 0);        /* compaction */
	CHECK_EQ(evs[FEV_MIGRATE_PAGES_START].result, 5);  /* numa_misplaced */
	CHECK_EQ(evs[FEV_WRITEBACK_DIRTY_FOLIO].dev, 254u << 20);
	CHECK_EQ(evs[FEV_WRITEBACK_DIRTY_FOLIO].ino, 10952740);
	CHECK_EQ(evs[FEV_WRITEBACK_DIRTY_FOLIO].index, 11363);
	CHECK_EQ(evs[FEV_WRITEBACK_START].dev, 254u << 20);
	CHECK_EQ(evs[FEV_WRITEBACK_START].nr[0], 1024);
	CHECK_EQ(evs[FEV_WRITEBACK_WRITTEN].nr[0], 1000);
	CHECK_EQ(evs[FEV_PAGE_FAULT_USER].addr, 0x7ffd894e9d08ull);
	CHECK_EQ(evs[FEV_PAGE_FAULT_USER].nr[0], 7);
	CHECK_EQ(evs[FEV_PAGE_FAULT_KERNEL].addr, 0); /* a symbol, not an address */
	CHECK_EQ(evs[FEV_CMA_ALLOC_START].nr[0], 256);
	CHECK_EQ(evs[FEV_CMA_ALLOC_START].order, 8);
	CHECK_EQ(evs[FEV_CMA_ALLOC_FINISH].pfn, 0x40000);
	CHECK_EQ((int64_t)evs[FEV_CMA_ALLOC_FINISH].nr[1], -16);
	CHECK_EQ(evs[FEV_CMA_RELEASE].nr[0], 256);
	CHECK_EQ(evs[FEV_CMA_ALLOC_OLD].pfn, 0x40100); /* "pfn=%lx" without 0x */
	CHECK_EQ(evs[FEV_CMA_ALLOC_OLD].order, 4);
	/* deferral: order_failed, consider, limit, zone */
	CHECK_EQ(evs[FEV_COMPACTION_DEFERRED].nr[0], 9);
	CHECK_EQ(evs[FEV_COMPACTION_DEFERRED].nr[1], 2);
	CHECK_EQ(evs[FEV_COMPACTION_DEFERRED].nr[2], 4);
	CHECK_EQ(evs[FEV_COMPACTION_DEFERRED].nr[3], ZONE_NORMAL);
	CHECK_EQ(evs[FEV_COMPACTION_DEFER_RESET].nr[0], 10);
	CHECK_EQ(evs[FEV_COMPACTION_DEFER_RESET].nr[3], ZONE_DMA32);
	CHECK_EQ(evs[FEV_SCHED_PROCESS_FORK].nr[0], 900);
	CHECK_EQ(evs[FEV_SCHED_PROCESS_FORK].nr[1], 901);
}

/* The gfp memo gives what the parser gives: every gfp string of the test files, twice
 * through one small memo (so slots are reused and collide), against no memo. */
static void test_gfp_cache(void)
{
	static const char *const files[] = { "every_event.report", "scenario.trace" };
	struct ftrace_gfp_cache *gc = calloc(1, sizeof(*gc));
	unsigned compared = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
			FILE *fp = fopen(data(files[f]), "r");
			char line[1024];
			while (fp && fgets(line, sizeof(line), fp)) {
				struct ftrace_event a, b;
				struct ftrace_parse_error pe;
				size_t n = strcspn(line, "\n");
				enum ftrace_line_kind ka = ftrace_parse_line(line, n, &a, NULL, NULL, &pe);
				enum ftrace_line_kind kb = ftrace_parse_line_cached(gc, line, n, &b, NULL, NULL, &pe);
				CHECK_EQ(ka, kb);
				if (ka == FTRACE_LINE_EVENT && kb == FTRACE_LINE_EVENT) {
					CHECK_EQ(a.gfp, b.gfp);
					compared += a.gfp != 0;
				}
			}
			if (fp)
				fclose(fp);
		}
	/* gfp-bearing lines (grep gfp_): every_event 8 less kmalloc, kmem_cache_alloc (not parsed)
	 * and wakeup_kswapd (none = 0) = 5; scenario 14 less kmalloc = 13; twice */
	CHECK_EQ(compared, 2 * (5 + 13));
	free(gc);
}

struct count_sink {
	uint64_t n;
	uint64_t last_line;
};

static int count_events(void *arg, const struct ftrace_event *ev, struct sim_error *err)
{
	struct count_sink *c = arg;
	(void)err;
	c->n++;
	c->last_line = ev->line;
	return 0;
}

static void test_read_files(void)
{
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	/* scenario.trace: 67 lines = 6 header + 1 lost marker + 1 unknown + 59 events */
	CHECK_EQ(ftrace_read(data("scenario.trace"), NULL, count_events, &c, &st, &err), 0);
	CHECK_EQ(st.nr_lines, 67);
	CHECK_EQ(st.nr_header, 6);
	CHECK_EQ(st.nr_lost_markers, 1);
	CHECK_EQ(st.nr_lost_events, 5);
	CHECK_EQ(st.nr_unknown, 1);
	CHECK_STR(st.unknown[0].name, "sched_switch");
	CHECK_EQ(st.nr_events, 59);
	CHECK_EQ(c.n, 59);
	CHECK_EQ(c.last_line, 67);
	/* the same file gzip-compressed */
	struct ftrace_read_stats st2;
	c.n = 0;
	CHECK_EQ(ftrace_read(data("scenario.trace.gz"), NULL, count_events, &c, &st2, &err), 0);
	CHECK_EQ(st2.nr_events, 59);
	CHECK_EQ(st2.bytes, st.bytes);
}

/* Lost-event counts saturate at UINT64_MAX: one marker past it, and a sum of two at it. */
static void test_lost_saturates(void)
{
	struct ftrace_event ev;
	struct ftrace_parse_error pe;
	CHECK_EQ(parse("CPU:1 [LOST 99999999999999999999999 EVENTS]", &ev, &pe), FTRACE_LINE_LOST);
	CHECK(ev.nr[0] == UINT64_MAX);
	CHECK_EQ(parse("CPU:1 [LOST 18446744073709551615 EVENTS]", &ev, &pe), FTRACE_LINE_LOST);
	CHECK(ev.nr[0] == UINT64_MAX);
	char path[4096];
	snprintf(path, sizeof(path), "%s/lost.trace", tl_tmpdir());
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("CPU:0 [LOST 18446744073709551615 EVENTS]\nCPU:1 [LOST 2 EVENTS]\n", f);
	fclose(f);
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	struct ftrace_read_opts lenient = { .lenient = true };
	CHECK_EQ(ftrace_read(path, &lenient, count_events, &c, &st, &err), -1);
	CHECK_EQ(st.nr_lost_markers, 2);
	CHECK(st.nr_lost_events == UINT64_MAX);
}

/* An input with no event -- empty, or only headers and lost markers -- is an error (65). */
static void test_no_events(void)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/empty.trace", tl_tmpdir());
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fclose(f);
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	CHECK_EQ(ftrace_read(path, NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, 65);
	CHECK(strstr(err.msg, "empty.trace: no events") != NULL);
	f = fopen(path, "w");
	fputs("# tracer: nop\nCPU:0 [LOST 3 EVENTS]\n", f);
	fclose(f);
	CHECK_EQ(ftrace_read(path, NULL, count_events, &c, &st, &err), -1);
	CHECK(strstr(err.msg, "empty.trace: no events") != NULL);
}

/* A gzip error names the input once, as given ("-" for stdin), never as zlib's "<fd:0>". */
static void test_gz_error_names_file(void)
{
	size_t n;
	unsigned char *d = (unsigned char *)tl_read_file(data("scenario.trace.gz"), &n);
	CHECK(d != NULL && n > 8);
	if (!d)
		return;
	d[n - 8] ^= 1; /* the CRC-32 */
	char path[4096];
	snprintf(path, sizeof(path), "%s/crc.trace.gz", tl_tmpdir());
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f) {
		free(d);
		return;
	}
	fwrite(d, 1, n, f);
	fclose(f);
	free(d);
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	CHECK_EQ(ftrace_read(path, NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, 65);
	const char *first = strstr(err.msg, "crc.trace.gz");
	CHECK(first != NULL && !strstr(first + 1, "crc.trace.gz"));
	CHECK(strstr(err.msg, "incorrect data check") != NULL);
	/* the same on stdin */
	int saved = dup(0);
	int fd = open(path, O_RDONLY);
	CHECK(saved >= 0 && fd >= 0);
	if (saved < 0 || fd < 0)
		return;
	dup2(fd, 0);
	close(fd);
	CHECK_EQ(ftrace_read("-", NULL, count_events, &c, &st, &err), -1);
	dup2(saved, 0);
	close(saved);
	CHECK(strstr(err.msg, "<fd:") == NULL);
	CHECK(!strncmp(err.msg, "-: ", 3));
	CHECK(strstr(err.msg, "incorrect data check") != NULL);
}

/* A FIFO as input: with no writer it fails within SIM_INPUT_WAIT_S seconds (66, "no
 * writer") instead of blocking in open(); with a writer it is read like any text input. */
static void test_fifo_input(void)
{
	char fifo[4096];
	snprintf(fifo, sizeof(fifo), "%s/in.fifo", tl_tmpdir());
	if (mkfifo(fifo, 0600) < 0) {
		tl_skip_test("mkfifo failed in the temporary directory");
		return;
	}
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	CHECK_EQ(ftrace_read(fifo, NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, 66);
	CHECK(strstr(err.msg, "in.fifo: no writer") != NULL);
	struct trace_reader *r = trace_open(fifo, &err);
	CHECK(r == NULL);
	CHECK_EQ(err.code, 66);
	CHECK(strstr(err.msg, "in.fifo: no writer") != NULL);
	trace_close(r);
	/* a writer that sends scenario.trace */
	size_t n;
	char *text = tl_read_file(data("scenario.trace"), &n);
	CHECK(text != NULL);
	if (!text)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(fifo, O_WRONLY);
		size_t off = 0;
		while (fd >= 0 && off < n) {
			ssize_t w = write(fd, text + off, n - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		_exit(off == n ? 0 : 1);
	}
	CHECK(pid > 0);
	c.n = 0;
	CHECK_EQ(ftrace_read(fifo, NULL, count_events, &c, &st, &err), 0);
	CHECK_EQ(c.n, 59);
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(text);
}

static void test_read_errors(void)
{
	struct ftrace_read_stats st;
	struct sim_error err = { 0 };
	struct count_sink c = { 0 };
	/* malformed.trace: line 2 good, lines 3..10 malformed, line 11 good */
	CHECK_EQ(ftrace_read(data("malformed.trace"), NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "malformed.trace:3:") != NULL);
	struct ftrace_read_opts lenient = { .lenient = true };
	c.n = 0;
	memset(&err, 0, sizeof(err));
	CHECK_EQ(ftrace_read(data("malformed.trace"), &lenient, count_events, &c, &st, &err), 0);
	CHECK_EQ(st.nr_errors, 8);
	CHECK_EQ(st.first_error_line, 3);
	CHECK_EQ(st.nr_events, 2);
	CHECK_EQ(st.nr_header, 1);
	struct ftrace_read_opts capped = { .lenient = true, .max_errors = 3 };
	CHECK_EQ(ftrace_read(data("malformed.trace"), &capped, count_events, &c, &st, &err), -1);
	CHECK(strstr(err.msg, "malformed.trace:6:") != NULL);
	/* binary junk: an error even when lenient, since nothing is an event */
	CHECK_EQ(ftrace_read(data("not_a_trace.bin"), &lenient, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK_EQ(ftrace_read(data("not_a_trace.bin"), NULL, count_events, &c, &st, &err), -1);
	CHECK(strstr(err.msg, "not_a_trace.bin:1:") != NULL);
	/* truncated gzip */
	CHECK_EQ(ftrace_read(data("truncated.trace.gz"), NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	/* missing file */
	CHECK_EQ(ftrace_read(data("no-such-file"), NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
}

static void test_dat_availability(void)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/tests/data/real/compile-thp/trace.dat", tl_srcdir());
	FILE *fp = fopen(p, "rb");
	if (!fp) {
		tl_skip_test("tests/data/real/compile-thp/trace.dat is missing");
		return;
	}
	fclose(fp);
	enum ftrace_input_kind kind;
	struct sim_error err = { 0 };
	CHECK_EQ(ftrace_input_kind(p, &kind, &err), 0);
	CHECK_EQ(kind, FTRACE_INPUT_DAT);
#if !HAVE_LIBTRACECMD
	struct ftrace_read_stats st;
	struct count_sink c = { 0 };
	CHECK_EQ(ftrace_read(p, NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_UNAVAILABLE_);
	CHECK(strstr(err.msg, "libtracecmd-dev") != NULL);
#endif
}

static void test_zoneinfo_small(void)
{
	struct zoneinfo zi;
	struct zoneinfo_machine m;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse(data("zoneinfo.small"), &zi, &err), 0);
	CHECK_EQ(zoneinfo_machine(&zi, &m, &err), 0);
	/* managed pages (the file's "managed" lines): the model's zone size */
	CHECK_EQ(m.zone_pages[ZONE_DMA], 3840);
	CHECK_EQ(m.zone_pages[ZONE_DMA32], 772915);
	CHECK_EQ(m.zone_pages[ZONE_NORMAL], 5394266);
	CHECK_EQ(m.zone_pages[ZONE_MOVABLE], 0);
	CHECK_EQ(zi.zone[ZONE_DMA].start_pfn, 1);
	CHECK_EQ(zi.zone[ZONE_DMA32].high, 3660); /* zone high, not the pagesets' "high:" */
	/* model.md §3.1: pages_min 16896 shares to DMA 10, DMA32 2116, Normal 14769 (+100
	 * boost here); 16896 pages * 4 KiB = 67584 KiB.  Normal's gap 5394 = 5394266 * 10 / 10000. */
	CHECK_EQ(m.min_free_kbytes, 67584);
	CHECK(m.min_free_exact);
	CHECK_EQ(m.watermark_scale_factor, 10);
	CHECK_EQ(m.nr_cpus, 2);
	struct machine_config mc = { 0 };
	zoneinfo_apply(&m, &mc);
	CHECK_EQ(mc.zone_pages[ZONE_NORMAL], 5394266);
	CHECK_EQ(mc.min_free_kbytes, 67584);
	/* not a zoneinfo */
	CHECK_EQ(zoneinfo_parse(data("scenario.trace"), &zi, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "scenario.trace:1:") != NULL);
	CHECK_EQ(zoneinfo_parse(data("nope"), &zi, &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
}

static void test_zoneinfo_capture(void)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/tests/data/real/compile-thp/before.zoneinfo", tl_srcdir());
	FILE *fp = fopen(p, "r");
	if (!fp) {
		tl_skip_test("tests/data/real/compile-thp/before.zoneinfo is missing");
		return;
	}
	fclose(fp);
	struct zoneinfo zi;
	struct zoneinfo_machine m;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), 0);
	CHECK_EQ(zoneinfo_machine(&zi, &m, &err), 0);
	/* README: a 6.18 machine with THP madvise: min_free_kbytes 67584 (model.md §3.1) */
	CHECK_EQ(m.min_free_kbytes, 67584);
	CHECK_EQ(m.zone_pages[ZONE_NORMAL], 5394266);
	CHECK_EQ(m.nr_cpus, 2);
}

/* Eight bytes overwritten in the middle of the real capture: libtracecmd stops reading
 * CPU 0 there (~211k of its 290k records) and reports success; the read must fail, naming
 * the file, the CPU and the offset.  The intact file still reads whole. */
static void test_dat_corrupt(void)
{
#if !HAVE_LIBTRACECMD
	tl_skip_test("built without libtracecmd");
#else
	char src[4096], dst[4096];
	snprintf(src, sizeof(src), "%s/tests/data/real/compile-thp/trace.dat", tl_srcdir());
	size_t n;
	char *all = tl_read_file(src, &n);
	if (!all) {
		tl_skip_test("tests/data/real/compile-thp/trace.dat is missing");
		return;
	}
	struct ftrace_read_stats st;
	struct count_sink c = { 0 };
	struct sim_error err = { 0 };
	CHECK_EQ(ftrace_read(src, NULL, count_events, &c, &st, &err), 0);
	CHECK_EQ(st.nr_lines, 654573);
	memset(all + n / 2, 0xff, 8);
	snprintf(dst, sizeof(dst), "%s/corrupt.dat", tl_tmpdir());
	FILE *fp = fopen(dst, "wb");
	CHECK(fp && fwrite(all, 1, n, fp) == n);
	if (fp)
		fclose(fp);
	free(all);
	memset(&c, 0, sizeof(c));
	CHECK_EQ(ftrace_read(dst, NULL, count_events, &c, &st, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "corrupt.dat: CPU 0: records stop at offset ") != NULL);
	CHECK(strstr(err.msg, "corrupt or truncated") != NULL);
#endif
}

/* Write the first LEN bytes of zoneinfo.small to the temp dir as NAME. */
static const char *zoneinfo_cut(const char *name, size_t len)
{
	static char out[4096];
	size_t n;
	char *all = tl_read_file(data("zoneinfo.small"), &n);
	snprintf(out, sizeof(out), "%s/%s", tl_tmpdir(), name);
	FILE *fp = fopen(out, "wb");
	CHECK(all && fp && len <= n);
	if (all && fp && len <= n)
		fwrite(all, 1, len, fp);
	if (fp)
		fclose(fp);
	free(all);
	return out;
}

/* Byte offset of the start of line LINE (1-based) of zoneinfo.small. */
static size_t zoneinfo_line_off(unsigned line)
{
	size_t n, off = 0;
	char *all = tl_read_file(data("zoneinfo.small"), &n);
	for (unsigned l = 1; all && l < line && off < n; off++)
		if (all[off] == '\n')
			l++;
	free(all);
	return off;
}

/* A capture cut short must not parse: its zone sizes and min_free_kbytes would be wrong and
 * still be written as "recovered exactly". */
static void test_zoneinfo_truncated(void)
{
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	/* whole lines 1..52: Normal (header at line 46) stops before "spanned" */
	const char *p = zoneinfo_cut("cut52", zoneinfo_line_off(53));
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "cut52:52:1: truncated") != NULL);
	CHECK(strstr(err.msg, "zone Normal (line 46)") != NULL);
	CHECK(strstr(err.msg, "\"spanned\"") != NULL);
	/* right after Normal's header: "pages free" is the first missing line */
	p = zoneinfo_cut("cut46", zoneinfo_line_off(47));
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), -1);
	CHECK(strstr(err.msg, "cut46:46:1: truncated") != NULL);
	CHECK(strstr(err.msg, "\"pages free\"") != NULL);
	/* in the middle of line 53 ("        spanned  5505024") */
	p = zoneinfo_cut("cut53", zoneinfo_line_off(53) + 12);
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), -1);
	CHECK(strstr(err.msg, "cut53:53:1: truncated") != NULL);
	/* every field there, but the last line (82) lost its end */
	size_t n;
	free(tl_read_file(data("zoneinfo.small"), &n));
	p = zoneinfo_cut("cut82", n - 3);
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), -1);
	CHECK(strstr(err.msg, "cut82:82:1: truncated /proc/zoneinfo: last line has no newline") != NULL);
	/* the whole file still parses */
	p = zoneinfo_cut("whole", n);
	CHECK_EQ(zoneinfo_parse(p, &zi, &err), 0);
	CHECK_EQ(zi.incomplete_line, 0);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_tracefs_line);
	RUN(test_writeback_nr_pages);
	RUN(test_layout_variants);
	RUN(test_header_lost_unknown);
	RUN(test_malformed_lines);
	RUN(test_every_event);
	RUN(test_gfp_cache);
	RUN(test_read_files);
	RUN(test_lost_saturates);
	RUN(test_no_events);
	RUN(test_gz_error_names_file);
	RUN(test_fifo_input);
	RUN(test_read_errors);
	RUN(test_dat_availability);
	RUN(test_dat_corrupt);
	RUN(test_zoneinfo_small);
	RUN(test_zoneinfo_capture);
	RUN(test_zoneinfo_truncated);
	return TEST_END();
}
