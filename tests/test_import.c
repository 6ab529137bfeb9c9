/* test_import.c — intent/effect separation, ids, reorder window, reconciliation and
 * observed figures; the real captures in tests/data/real/; `mmsim import` end to end.
 * Expected values are derived by hand from the input lines (see the comments). */
#include "trace/import.h"
#include "trace/import_skip.h"
#include "config/config.h"
#include "mm/mm.h"
#include "mm/vmscan.h"
#include "sim.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmsim-config.h"
#include "testlib.h"

/* LeakSanitizer hook: libtraceevent keeps a few bytes of a parsed format (not ours). */
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

/* The real captures ship in tests/data/real/ (see its README). */
static bool real_capture(const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/tests/data/real/%s", tl_srcdir(), rel);
	return access(out, R_OK) == 0;
}

/* r: the records of workload intent; cpu: the `cpu` records (where the next ones ran),
 * kept apart so that the expectations below list intent only; the first ARRAY_SIZE(cpu)
 * of them kept, nr_cpu counts all. */
struct recs {
	struct trace_record *r;
	size_t nr, cap;
	struct trace_record cpu[16];
	size_t nr_cpu;
};

/* Every record in r, `cpu` records in their place among the others. */
static int collect_all(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	struct recs *b = arg;
	(void)err;
	if (b->nr == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->r = realloc(b->r, b->cap * sizeof(*b->r));
		if (!b->r)
			abort();
	}
	b->r[b->nr++] = *rec;
	return 0;
}

/* Every record but `cpu` ones, which are kept apart in b->cpu (the first 16). */
static int collect(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	struct recs *b = arg;
	if (rec->kind == TR_CPU) {
		if (b->nr_cpu < ARRAY_SIZE(b->cpu))
			b->cpu[b->nr_cpu] = *rec;
		b->nr_cpu++;
		return 0;
	}
	return collect_all(arg, rec, err);
}

/* The prefill's records (seed 0, time 0) of a zoneinfo text, into *rs. */
static void prefill_text(const char *zi_text, struct recs *rs, struct import_prefill_stats *st)
{
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, strlen(zi_text), "t", &zi, &err), 0);
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, rs, st, &err), 0);
}

/* Import path into recs; returns the import (caller frees) or NULL. */
static struct import *run_import(const char *path, struct recs *out, struct ftrace_read_stats *rs,
				 bool lenient)
{
	struct sim_error err = { 0 };
	struct import_opts io = { .source = path, .lenient = lenient };
	struct ftrace_read_opts ro = { .lenient = lenient };
	memset(out, 0, sizeof(*out));
	struct import *im = import_new(&io, collect, out, &err);
	if (!im || ftrace_read(path, &ro, import_event, im, rs, &err) || import_finish(im, &err)) {
		fprintf(stderr, "import %s: %s\n", path, err.msg);
		import_free(im);
		return NULL;
	}
	return im;
}

/* The events in[0, n) through a fresh import (a 1 ns reorder window, records into rs),
 * finished; the caller frees the import and rs->r. */
static struct import *import_events_opts(struct import_opts io, const struct ftrace_event *in, size_t n,
					 struct recs *rs)
{
	struct sim_error err = { 0 };
	memset(rs, 0, sizeof(*rs));
	struct import *im = import_new(&io, collect, rs, &err);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	return im;
}

static struct import *import_events(const struct ftrace_event *in, size_t n, struct recs *rs)
{
	return import_events_opts((struct import_opts){ .window_ns = 1 }, in, n, rs);
}

/* The import's reconciliation (import.h): every event read is emitted, dropped or
 * unmatched; implied records come from no event. */
#define CHECK_RECONCILED(s) CHECK_EQ((s)->nr_read, (s)->nr_emitted - (s)->implied + import_dropped(s) + import_unmatched(s))

#define ID(gen, pfn) (((uint64_t)(gen) << 32) | (pfn))
#define T(us) (10 * NSEC_PER_SEC + (us) * NSEC_PER_USEC)

static void test_scenario(void)
{
	struct recs rs;
	struct ftrace_read_stats st;
	struct import *im = run_import(data("scenario.trace"), &rs, &st, false);
	CHECK(im != NULL);
	if (!im)
		return;
	/* The records, line by line of scenario.trace (line numbers in brackets). */
	const struct trace_record want[] = {
		/* [7] alloc, [8] its free, [9] pfn reused: generation 2 */
		{ .time_ns = T(1), .kind = TR_ALLOC, .task = 100, .id = ID(1, 0x1000), .order = 0,
		  .gfp = GFP_HIGHUSER_MOVABLE | __GFP_ZERO | __GFP_COMP },
		{ .time_ns = T(2), .kind = TR_FREE, .task = 100, .id = ID(1, 0x1000) },
		{ .time_ns = T(3), .kind = TR_ALLOC, .task = 100, .id = ID(2, 0x1000), .gfp = GFP_KERNEL },
		/* [10] kswapd frees it (dropped), [11] so the app's free is unmatched;
		 * [12..15] alloc inside direct reclaim is an effect, and so its free. */
		{ .time_ns = T(10), .kind = TR_ALLOC, .task = 100, .id = ID(1, 0x3000), .order = 9,
		  .gfp = GFP_TRANSHUGE },
		/* [17] tail free; [18] a new page inside the live THP: implied free, then alloc */
		{ .time_ns = T(12), .kind = TR_FREE, .task = 100, .id = ID(1, 0x3000) },
		{ .time_ns = T(12), .kind = TR_ALLOC, .task = 100, .id = ID(1, 0x3100),
		  .gfp = GFP_HIGHUSER_MOVABLE },
		/* [19..24] kcompactd's and compaction's frees dropped; [25] fault pending;
		 * [26] page table (kernel gfp) is not the fault's page; [27] is */
		{ .time_ns = T(20), .kind = TR_ALLOC, .task = 100, .id = ID(1, 0x5000),
		  .gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO },
		{ .time_ns = T(21), .kind = TR_ALLOC, .task = 100, .id = ID(1, 0x5001),
		  .gfp = GFP_HIGHUSER_MOVABLE | __GFP_ZERO },
		/* [28] the same virtual page faults again: access */
		{ .time_ns = T(22), .kind = TR_ACCESS, .task = 100, .id = ID(1, 0x5001) },
		/* [30] page cache page, [31] mapped at (ino 0x1a, index 2), [32] dirtied */
		{ .time_ns = T(24), .kind = TR_ALLOC, .task = 200, .id = ID(1, 0x6000),
		  .gfp = GFP_HIGHUSER_MOVABLE },
		{ .time_ns = T(26), .kind = TR_DIRTY, .task = 200, .id = ID(1, 0x6000) },
		/* [58] device allocation, [59] its release */
		{ .time_ns = T(52), .kind = TR_CMA_ALLOC, .task = 400, .id = (1ull << 63) | ID(1, 0x20000),
		  .count = 16, .arg = 4 },
		{ .time_ns = T(53), .kind = TR_CMA_RELEASE, .task = 400, .id = (1ull << 63) | ID(1, 0x20000) },
		/* [66], [67] */
		{ .time_ns = T(59), .kind = TR_FREE, .task = 100, .id = ID(1, 0x5000) },
		{ .time_ns = T(60), .kind = TR_FREE, .task = 100, .id = ID(1, 0x5001) },
	};
	CHECK_EQ(rs.nr, ARRAY_SIZE(want));
	for (size_t i = 0; i < MIN(rs.nr, ARRAY_SIZE(want)); i++) {
		const struct trace_record *g = &rs.r[i], *w = &want[i];
		bool same = g->time_ns == w->time_ns && g->kind == w->kind && g->task == w->task &&
			    g->id == w->id && g->order == w->order && g->gfp == w->gfp &&
			    g->count == w->count && g->arg == w->arg;
		if (!same)
			fprintf(stderr, "record %zu: got t=%llu %s id=%#llx task=%u order=%u gfp=%#x\n", i,
				(unsigned long long)g->time_ns, trace_kind_names[g->kind],
				(unsigned long long)g->id, g->task, g->order, g->gfp);
		CHECK(same);
	}
	const struct import_stats *s = import_get_stats(im);
	/* Each task's first record is preceded by a `cpu` record naming the CPU column of its
	 * event: app-100 [000] at [7], cc-200 [001] at [30], dev-400 [001] at [58]; each task
	 * stays on its CPU, so no more. */
	CHECK_EQ(rs.nr_cpu, 3);
	const struct trace_record want_cpu[] = {
		{ .time_ns = T(1), .kind = TR_CPU, .task = 100, .arg = 0 },
		{ .time_ns = T(24), .kind = TR_CPU, .task = 200, .arg = 1 },
		{ .time_ns = T(52), .kind = TR_CPU, .task = 400, .arg = 1 },
	};
	for (size_t i = 0; i < MIN(rs.nr_cpu, ARRAY_SIZE(want_cpu)); i++) {
		CHECK_EQ(rs.cpu[i].time_ns, want_cpu[i].time_ns);
		CHECK_EQ(rs.cpu[i].task, want_cpu[i].task);
		CHECK_EQ(rs.cpu[i].arg, want_cpu[i].arg);
	}
	CHECK_EQ(s->by_kind[TR_CPU], 3);
	/* 59 events: 14 emitted (+1 implied free, +3 implied cpu records), 39 dropped, 6 unmatched */
	CHECK_EQ(s->nr_read, 59);
	CHECK_EQ(s->nr_emitted, 15 + 3);
	CHECK_EQ(s->implied, 1 + 3);
	CHECK_EQ(s->free_effect[EFFECT_KSWAPD], 1);
	CHECK_EQ(s->free_effect[EFFECT_KCOMPACTD], 1);
	CHECK_EQ(s->free_effect[EFFECT_COMPACTION], 1);
	CHECK_EQ(s->free_effect[EFFECT_MIGRATION], 1);
	CHECK_EQ(s->free_effect[EFFECT_CMA], 1);
	CHECK_EQ(s->free_effect[EFFECT_OOM_REAPER], 1);
	CHECK_EQ(s->alloc_effect[EFFECT_DIRECT_RECLAIM], 1);
	CHECK_EQ(s->alloc_effect[EFFECT_KHUGEPAGED], 1);
	CHECK_EQ(s->free_of_effect_alloc, 1);
	CHECK_EQ(s->alloc_failed, 1);
	CHECK_EQ(s->observed, 25);
	CHECK_EQ(s->ignored, 1);
	CHECK_EQ(s->filemap, 2);
	CHECK_EQ(s->fault_first_touch, 1);
	CHECK_EQ(import_dropped(s), 39);
	CHECK_EQ(s->free_unmatched, 1);
	CHECK_EQ(s->free_tail, 1);
	CHECK_EQ(s->dirty_unmapped, 2);
	CHECK_EQ(s->fault_unresolved, 1);
	CHECK_EQ(s->cma_release_unmatched, 1);
	CHECK_EQ(import_unmatched(s), 6);
	CHECK_RECONCILED(s);
	CHECK_EQ(st.nr_lines, st.nr_header + st.nr_lost_markers + st.nr_unknown + st.nr_errors + s->nr_read);
	CHECK_EQ(s->gfp_mt_mismatch, 0);

	/* Tasks by records: app 11 (records 1-9, 14, 15 above), cc 2, dev 2 (ties by pid). */
	const struct import_task *tk;
	CHECK_EQ(import_tasks(im, &tk), 3);
	CHECK(tk[0].pid == 100 && tk[0].nr_records == 11 && !strcmp(tk[0].comm, "app"));
	CHECK(tk[1].pid == 200 && tk[1].nr_records == 2 && !strcmp(tk[1].comm, "cc"));
	CHECK(tk[2].pid == 400 && tk[2].nr_records == 2 && !strcmp(tk[2].comm, "dev"));

	/* Observed figures, summed by hand from the lines. */
	struct trace_header *h = calloc(1, sizeof(*h));
	struct sim_error err = { 0 };
	CHECK_EQ(import_observed_meta(s, &st, h, &err), 0);
	static const struct {
		const char *key, *value;
	} obs[] = {
		{ "observed.kswapd_wake", "1" },
		{ "observed.wakeup_kswapd", "1" },
		{ "observed.direct_reclaim", "1" },
		{ "observed.direct_reclaim_nr_reclaimed", "32" },
		{ "observed.compact_begin", "2" },
		{ "observed.compaction_end.success", "1" },
		{ "observed.compaction_end.partial_skipped", "1" },
		{ "observed.compaction_suitable.continue", "1" },
		{ "observed.compaction_finished.no_suitable_page", "1" },
		{ "observed.extfrag", "1" },
		{ "observed.extfrag_fragmenting", "1" },        /* fallback 3 < pageblock 9 */
		{ "observed.extfrag_change_ownership", "0" },
		{ "observed.migrate_pages", "2" },
		{ "observed.pgmigrate_success", "6" },           /* 5 + 1 */
		{ "observed.pgmigrate_fail", "1" },
		{ "observed.migrate_reason.compaction", "1" },
		{ "observed.migrate_reason.syscall_or_cpuset", "1" },
		{ "observed.compact_migrate_scanned", "44" },
		{ "observed.compact_free_scanned", "107" },      /* 100 + 7 */
		{ "observed.compact_isolated_free", "11" },
		{ "observed.compact_migrated", "32" },
		{ "observed.compact_try", "1" },
		{ "observed.compact_defer_reset", "1" },
		{ "observed.kcompactd_wake", "1" },
		{ "observed.wakeup_kcompactd", "1" },
		{ "observed.kcompactd_sleep", "1" },
		{ "observed.pgscan", "32" },
		{ "observed.pgsteal", "30" },
		{ "observed.alloc_fail", "1" },
		{ "observed.cma_alloc", "1" },
		{ "observed.cma_alloc_fail", "0" },
		{ "observed.lost_events", "5" },
		{ "observed.trace_duration_ns", "59000" },       /* 10.000060 - 10.000001 s */
	};
	for (size_t i = 0; i < ARRAY_SIZE(obs); i++) {
		const char *v = trace_meta_get(h, obs[i].key);
		if (!v || strcmp(v, obs[i].value))
			fprintf(stderr, "%s = %s, expected %s\n", obs[i].key, v ? v : "(absent)", obs[i].value);
		CHECK(v && !strcmp(v, obs[i].value));
	}
	/* no event of these kinds in the scenario: no key */
	CHECK(trace_meta_get(h, "observed.vmscan_throttled") == NULL);
	CHECK(trace_meta_get(h, "observed.compact_deferred") == NULL);
	free(h);
	free(rs.r);
	import_free(im);
}

static struct ftrace_event mkev(sim_ns_t t, uint64_t line, uint64_t pfn, bool alloc)
{
	struct ftrace_event ev = { .time_ns = t, .line = line, .pfn = pfn, .pid = 1,
				   .id = alloc ? FEV_PAGE_ALLOC : FEV_PAGE_FREE, .gfp = GFP_KERNEL,
				   .migratetype = -1 };
	strcpy(ev.comm, "app");
	return ev;
}

/* Two CPUs interleaved out of order within the window come out sorted by time (ties by
 * input order); an event older than what was already released is clamped and counted. */
static void test_reorder(void)
{
	struct recs rs = { 0 };
	struct sim_error err = { 0 };
	struct import_opts io = { .window_ns = 1000 };
	struct import *im = import_new(&io, collect, &rs, &err);
	/* input (time, pfn): (100,1) (300,3) (200,2) (200,4) (5000,5) (150,6) */
	struct ftrace_event in[] = {
		mkev(100, 1, 1, true), mkev(300, 2, 3, true), mkev(200, 3, 2, true),
		mkev(200, 4, 4, true), mkev(5000, 5, 5, true), mkev(150, 6, 6, true),
	};
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	/* (5000) releases everything older than 4000: 1,2,4,3 in time order; then 6 arrives
	 * at 150 < 300 released: clamped to 300, before 5000. */
	const uint64_t want_pfn[] = { 1, 2, 4, 3, 6, 5 };
	const sim_ns_t want_t[] = { 100, 200, 200, 300, 300, 5000 };
	CHECK_EQ(rs.nr, 6);
	for (size_t i = 0; i < MIN(rs.nr, 6); i++) {
		CHECK_EQ(rs.r[i].id & 0xffffffff, want_pfn[i]);
		CHECK_EQ(rs.r[i].time_ns, want_t[i]);
	}
	CHECK_EQ(import_get_stats(im)->late, 1);
	import_free(im);
	free(rs.r);
}

/* A `cpu` record comes before a task's first record and before each record whose event
 * ran on another CPU than the last one named for the task; an event of unknown CPU (-1)
 * changes nothing.  They are implied records. */
static void test_cpu_records(void)
{
	struct recs rs = { 0 };
	struct sim_error err = { 0 };
	struct import_opts io = { .window_ns = 1 };
	struct import *im = import_new(&io, collect_all, &rs, &err);
	struct ftrace_event in[] = {
		mkev(100, 1, 1, true), mkev(200, 2, 2, true), mkev(300, 3, 3, true), mkev(400, 4, 1, false),
		mkev(500, 5, 2, false), mkev(600, 6, 4, true), mkev(700, 7, 3, false),
	};
	/* task 1 on CPU 0, 0, then 1, unknown, 1; task 2 on CPU 1, then 0 */
	const int32_t cpu[] = { 0, 0, 1, 1, -1, 1, 0 };
	const uint32_t pid[] = { 1, 1, 2, 1, 1, 1, 2 };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].cpu = cpu[i];
		in[i].pid = pid[i];
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	}
	CHECK_EQ(import_finish(im, &err), 0);
	const struct {
		sim_ns_t t;
		uint8_t kind;
		uint32_t task;
		int32_t arg; /* cpu */
		uint64_t pfn;
	} want[] = {
		{ 100, TR_CPU, 1, 0, 0 }, { 100, TR_ALLOC, 1, 0, 1 }, { 200, TR_ALLOC, 1, 0, 2 },
		{ 300, TR_CPU, 2, 1, 0 }, { 300, TR_ALLOC, 2, 0, 3 }, { 400, TR_CPU, 1, 1, 0 },
		{ 400, TR_FREE, 1, 0, 1 }, { 500, TR_FREE, 1, 0, 2 }, { 600, TR_ALLOC, 1, 0, 4 },
		{ 700, TR_CPU, 2, 0, 0 }, { 700, TR_FREE, 2, 0, 3 },
	};
	CHECK_EQ(rs.nr, ARRAY_SIZE(want));
	for (size_t i = 0; i < MIN(rs.nr, ARRAY_SIZE(want)); i++) {
		CHECK_EQ(rs.r[i].time_ns, want[i].t);
		CHECK_EQ(rs.r[i].kind, want[i].kind);
		CHECK_EQ(rs.r[i].task, want[i].task);
		CHECK_EQ(rs.r[i].arg, want[i].arg);
		CHECK_EQ(rs.r[i].id & 0xffffffff, want[i].pfn);
	}
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->by_kind[TR_CPU], 4);
	CHECK_EQ(st->implied, 4);
	CHECK_EQ(st->nr_emitted, 11);
	CHECK_EQ(st->nr_read, 7);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

static struct ftrace_event cev(sim_ns_t t, uint16_t id, const char *comm, uint32_t pid, int order)
{
	struct ftrace_event ev = { .time_ns = t, .line = t, .pid = pid, .id = id, .order = (int16_t)order,
				   .pfn = 0x100 + t, .gfp = GFP_KERNEL, .migratetype = -1 };
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	return ev;
}

/* A record the import should write: time, kind, id and, for an ALLOC whose want gives a
 * gfp, its order and gfp. */
struct want_rec {
	sim_ns_t t;
	uint8_t kind;
	uint64_t id;
	uint8_t order;
	gfp_t gfp;
};

/* The records are exactly want[0..n), in order. */
static void check_recs(const struct recs *rs, const struct want_rec *want, size_t n)
{
	CHECK_EQ(rs->nr, n);
	for (size_t i = 0; i < MIN(rs->nr, n); i++) {
		CHECK_EQ(rs->r[i].time_ns, want[i].t);
		CHECK_EQ(rs->r[i].kind, want[i].kind);
		CHECK_EQ(rs->r[i].id, want[i].id);
		if (want[i].kind == TR_ALLOC && want[i].gfp) {
			CHECK_EQ(rs->r[i].order, want[i].order);
			CHECK_EQ(rs->r[i].gfp, want[i].gfp);
		}
	}
}

static struct ftrace_event fev(sim_ns_t t, uint16_t id, const char *comm, uint32_t pid, uint64_t pfn,
				uint64_t ino, uint64_t index)
{
	struct ftrace_event ev = { .time_ns = t, .line = t, .pid = pid, .id = id, .pfn = pfn, .ino = ino,
				   .index = index, .gfp = GFP_HIGHUSER_MOVABLE, .migratetype = -1 };
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	return ev;
}

/* A refault: page (ino 7, index 3) is read into pfn 0x100 (object A = 1 << 32 | 0x100),
 * kswapd evicts it (delete from page cache, free: effects, A stays in the native
 * trace), then the task reads the offset again into pfn 0x200.  The new page's ALLOC
 * (B = 1 << 32 | 0x200) was emitted with its mm_page_alloc; the page cache add turns it
 * into a refault: an implied FREE of B and an ACCESS of A at the add's time, and pfn
 * 0x200 stands for A from then on, so the task's truncate frees A. */
static void test_refault(void)
{
	struct recs rs;
	const uint64_t A = 1ull << 32 | 0x100, B = 1ull << 32 | 0x200;
	const struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "cat", 10, 0x100, 0, 0),
		fev(2, FEV_FILEMAP_ADD, "cat", 10, 0x100, 7, 3),
		fev(3, FEV_FILEMAP_DELETE, "kswapd0", 36, 0x100, 7, 3),
		fev(4, FEV_PAGE_FREE, "kswapd0", 36, 0x100, 0, 0),
		fev(5, FEV_PAGE_ALLOC, "cat", 10, 0x200, 0, 0),
		fev(6, FEV_FILEMAP_ADD, "cat", 10, 0x200, 7, 3),
		fev(7, FEV_PAGE_FREE, "rm", 11, 0x200, 0, 0),
	};
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 1, TR_ALLOC, A }, { 5, TR_ALLOC, B }, { 6, TR_FREE, B }, { 6, TR_ACCESS, A }, { 7, TR_FREE, A },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->refault, 1);
	CHECK_EQ(st->implied - st->by_kind[TR_CPU], 2);
	CHECK_EQ(st->free_effect[EFFECT_KSWAPD], 1);
	/* reconciliation still holds */
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* Each zone's deferral as the capture began, from its first deferral event:
 *   Normal, mm_compaction_deferred consider=44 limit=64 order_failed=9: the call had
 *     incremented considered, so 43 before it, shift 6, order_failed 9;
 *   DMA32, mm_compaction_defer_compaction consider=0 limit=8 order_failed=9 (after a run
 *     that failed): the shift one lower (2) and considered at that limit (4), so not
 *     deferred; a later mm_compaction_deferred of DMA32 changes nothing;
 *   DMA, mm_compaction_defer_reset consider=4 limit=4 order_failed=10: as it says.
 *   A deferral event naming no zone the model has is ignored. */
static void test_defer_start(void)
{
	struct recs rs;
	struct ftrace_event in[] = {
		fev(1, FEV_COMPACTION_DEFERRED, "kcompactd0", 38, 0, 0, 0),
		fev(2, FEV_COMPACTION_DEFER_COMPACTION, "kcompactd0", 38, 0, 0, 0),
		fev(3, FEV_COMPACTION_DEFERRED, "kcompactd0", 38, 0, 0, 0),
		fev(4, FEV_COMPACTION_DEFER_RESET, "kcompactd0", 38, 0, 0, 0),
		fev(5, FEV_COMPACTION_DEFERRED, "kcompactd0", 38, 0, 0, 0),
	};
	const uint64_t f[][4] = { { 9, 44, 64, ZONE_NORMAL }, { 9, 0, 8, ZONE_DMA32 }, { 9, 1, 8, ZONE_DMA32 },
				  { 10, 4, 4, ZONE_DMA }, { 9, 1, 2, MAX_NR_ZONES } };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].order = 9;
		for (int k = 0; k < 4; k++)
			in[i].nr[k] = f[i][k];
	}
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct import_stats *st = import_get_stats(im);
	const struct import_defer_start *n = &st->defer_start[ZONE_NORMAL], *d32 = &st->defer_start[ZONE_DMA32],
					*d = &st->defer_start[ZONE_DMA];
	CHECK(n->known && d32->known && d->known && !st->defer_start[ZONE_MOVABLE].known);
	CHECK_EQ(n->considered, 43);
	CHECK_EQ(n->shift, 6);
	CHECK_EQ(n->order_failed, 9);
	CHECK_EQ(d32->considered, 4);
	CHECK_EQ(d32->shift, 2);
	CHECK_EQ(d32->order_failed, 9);
	CHECK_EQ(d->considered, 4);
	CHECK_EQ(d->shift, 2);
	CHECK_EQ(d->order_failed, 10);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* Each zone's scanners as the capture began, from its first mm_compaction_begin per mode:
 * Normal (0x100000..0x640000) async at migrate 0x5e0400, free 0x6215ff; a later async
 * begin changes nothing; its sync begin gives the sync migrate pfn 0x1da200 (free already
 * known); DMA32 (0x1000..0x100000) only a whole-zone run (0x1000, last block 0xffe00):
 * no information. */
static void test_scan_start(void)
{
	struct recs rs;
	struct ftrace_event in[4];
	const uint64_t f[4][5] = { { 0x100000, 0x5e0400, 0x6215ff, 0x640000, 0 },
				   { 0x100000, 0x14dd20, 0x6000ff, 0x640000, 0 },
				   { 0x100000, 0x1da200, 0x5fffff, 0x640000, 1 },
				   { 0x1000, 0x1000, 0xffe00, 0x100000, 1 } };
	for (int i = 0; i < 4; i++) {
		in[i] = fev((sim_ns_t)i + 1, FEV_COMPACTION_BEGIN, "kcompactd0", 38, 0, 0, 0);
		for (int k = 0; k < 4; k++)
			in[i].nr[k] = f[i][k];
		in[i].result = (uint8_t)f[i][4];
	}
	struct import *im = import_events(in, 4, &rs);
	const struct import_stats *st = import_get_stats(im);
	const struct import_scan_start *n = &st->scan_start[0], *d = &st->scan_start[1];
	CHECK_EQ(n->zone_start, 0x100000);
	CHECK_EQ(n->migrate_pfn[0], 0x5e0400);
	CHECK_EQ(n->migrate_pfn[1], 0x1da200);
	CHECK_EQ(n->free_pfn, 0x6215ff);
	CHECK_EQ(d->zone_start, 0x1000);
	CHECK(!d->migrate_pfn[0] && !d->migrate_pfn[1] && !d->free_pfn);
	import_free(im);
	free(rs.r);
}

/* Whether the root memcg's statistics last flushed before the capture had the inactive
 * file list low (import_stats_start_file_low): the reclaims that began after an earlier
 * one had ended and within FLUSH_TIME (2 s) of the capture's first event all deactivated
 * page cache (lru_shrink_active, RECLAIM_WB_FILE), as each ends.  Times in ns from 1000.
 *   0: kswapd's run under way ends (kswapd_sleep), a new run (kswapd_wake) deactivates
 *      file and ends (kswapd_sleep): low;
 *   1: the only run began with the capture (its wake first, no end before): not low (its
 *      deactivation may come from refaults since the last snapshot);
 *   2: as 0, but the pages deactivated are anon: not low;
 *   3: as 0, but the deactivation comes 2 s after the first event: not low (the replay's
 *      first flush has taken the real lists by then);
 *   4: a direct reclaim ends, the same task's next one deactivates file: low;
 *   5: as 0, then a second run scans page cache (lru_shrink_inactive of file) without
 *      deactivating any: not low, since a low view deactivates in every reclaim. */
static void test_stats_start_file_low(void)
{
	const sim_ns_t t0 = 1000, late = 2000000000ull;
	for (int variant = 0; variant < 6; variant++) {
		struct ftrace_event in[8];
		size_t n = 0;
		const char *comm = variant == 4 ? "app" : "kswapd0";
		uint32_t pid = variant == 4 ? 5 : 47;
		sim_ns_t t = variant == 3 ? t0 + late : t0 + 2;
		if (variant == 4) {
			in[n++] = fev(t0, FEV_DIRECT_RECLAIM_BEGIN, comm, pid, 0, 0, 0);
			in[n++] = fev(t0 + 1, FEV_DIRECT_RECLAIM_END, comm, pid, 0, 0, 0);
			in[n++] = fev(t0 + 2, FEV_DIRECT_RECLAIM_BEGIN, comm, pid, 0, 0, 0);
		} else {
			if (variant != 1)
				in[n++] = fev(t0, FEV_KSWAPD_SLEEP, comm, pid, 0, 0, 0);
			in[n++] = fev(t - 1, FEV_KSWAPD_WAKE, comm, pid, 0, 0, 0);
		}
		struct ftrace_event act = fev(t + 1, FEV_LRU_SHRINK_ACTIVE, comm, pid, 0, 0, 0);
		act.result = variant == 2 ? 0 : 1; /* RECLAIM_WB_ANON / _FILE */
		in[n++] = act;
		if (variant == 4) {
			in[n++] = fev(t + 2, FEV_DIRECT_RECLAIM_END, comm, pid, 0, 0, 0);
		} else if (variant == 5) {
			in[n++] = fev(t + 2, FEV_KSWAPD_WAKE, comm, pid, 0, 0, 0);
			struct ftrace_event scan = fev(t + 3, FEV_LRU_SHRINK_INACTIVE, comm, pid, 0, 0, 0);
			scan.result = 1;
			in[n++] = scan;
			in[n++] = fev(t + 4, FEV_KSWAPD_SLEEP, comm, pid, 0, 0, 0);
		} else {
			in[n++] = fev(t + 2, FEV_KSWAPD_SLEEP, comm, pid, 0, 0, 0);
		}
		struct recs rs;
		struct import *im = import_events(in, n, &rs);
		const struct import_stats *st = import_get_stats(im);
		CHECK_EQ(import_stats_start_file_low(st), variant == 0 || variant == 4);
		CHECK_EQ(st->view_deactivating, variant == 0 || variant == 4 || variant == 5);
		import_free(im);
		free(rs.r);
	}
}

/* Whether a boosted watermark's kswapd wake was pending as the capture began: rmqueue's
 * ZONE_BOOSTED_WATERMARK wake is the only wakeup_kswapd of order 0 without gfp flags, and
 * only a fragmenting fallback (a claim attempt below pageblock order) sets the flag.
 *   variant 0: the boost wake first, then a fragmenting fallback: pending;
 *   variant 1: a fragmenting fallback (order 8 < 9) first: the wake is its own, not pending;
 *   variant 2: a wake with gfp flags (an allocation's), a whole-block fallback (order 9:
 *     no boost), then the boost wake: pending. */
static void test_boost_wake_pending(void)
{
	for (int variant = 0; variant < 3; variant++) {
		struct ftrace_event wake = fev(1, FEV_WAKEUP_KSWAPD, "app", 5, 0, 0, 0);
		wake.gfp = 0;
		wake.order = 0;
		struct ftrace_event frag = fev(2, FEV_PAGE_ALLOC_EXTFRAG, "app", 5, 0, 0, 0);
		frag.order = 0;
		frag.nr[0] = variant == 2 ? 9 : 8; /* fallback order */
		frag.nr[1] = 9;                    /* pageblock order */
		struct ftrace_event gwake = fev(0, FEV_WAKEUP_KSWAPD, "app", 5, 0, 0, 0);
		gwake.order = 9;
		struct ftrace_event in[3];
		size_t n = 0;
		if (variant == 1) {
			frag.time_ns = 1, wake.time_ns = 2;
			in[n++] = frag, in[n++] = wake;
		} else if (variant == 2) {
			frag.time_ns = 1, wake.time_ns = 2;
			in[n++] = gwake, in[n++] = frag, in[n++] = wake;
		} else {
			in[n++] = wake, in[n++] = frag;
		}
		struct recs rs;
		struct import *im = import_events(in, n, &rs);
		const struct import_stats *st = import_get_stats(im);
		CHECK_EQ(st->boost_wake_pending, variant != 1);
		import_free(im);
		free(rs.r);
	}
}

/* The command's process tree.  The command is pid 10 (capture.json command_pid); it forks
 * 11, and 11 a thread 12; make (20), not the command's, forks 21.  Records of 10 and 12
 * keep their pid as task id; 20's and 21's get bit 31 (charged with the rest of the
 * machine), and so do their cpu records.  The forks are observed events. */
static void test_import_command_tree(void)
{
	struct recs rs;
	struct ftrace_event in[] = {
		fev(1, FEV_SCHED_PROCESS_FORK, "sh", 10, 0, 0, 0),
		fev(2, FEV_SCHED_PROCESS_FORK, "cc1", 11, 0, 0, 0),
		fev(3, FEV_SCHED_PROCESS_FORK, "make", 20, 0, 0, 0),
		fev(4, FEV_PAGE_ALLOC, "sh", 10, 0x100, 0, 0),
		fev(5, FEV_PAGE_ALLOC, "cc1", 12, 0x200, 0, 0),
		fev(6, FEV_PAGE_ALLOC, "make", 20, 0x300, 0, 0),
		fev(7, FEV_PAGE_ALLOC, "cc1", 21, 0x400, 0, 0),
	};
	in[0].nr[0] = 10, in[0].nr[1] = 11;
	in[1].nr[0] = 11, in[1].nr[1] = 12;
	in[2].nr[0] = 20, in[2].nr[1] = 21;
	struct import *im = import_events_opts((struct import_opts){ .window_ns = 1, .command_pid = 10 }, in,
					       ARRAY_SIZE(in), &rs);
	const uint32_t want_task[] = { 10, 12, 20 | SIM_TASK_OUTSIDE, 21 | SIM_TASK_OUTSIDE };
	unsigned n = 0;
	for (size_t i = 0; i < rs.nr; i++) {
		if (rs.r[i].kind == TR_CPU) {
			CHECK(i + 1 < rs.nr && rs.r[i + 1].task == rs.r[i].task); /* the cpu record is its task's */
			continue;
		}
		CHECK_EQ(rs.r[i].kind, TR_ALLOC);
		if (n < ARRAY_SIZE(want_task))
			CHECK_EQ(rs.r[i].task, want_task[n]);
		n++;
	}
	CHECK_EQ(n, 4);
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->command_tasks, 2);
	CHECK_EQ(st->outside_tasks, 2);
	CHECK_EQ(st->obs[OBS_SCHED_FORK], 3);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
	/* Without the command's pid every task keeps its pid. */
	im = import_events(in, ARRAY_SIZE(in), &rs);
	for (size_t i = 0; i < rs.nr; i++)
		CHECK(!(rs.r[i].task & SIM_TASK_OUTSIDE));
	CHECK_EQ(import_get_stats(im)->outside_tasks, 0);
	import_free(im);
	free(rs.r);
}

/* A large folio that comes back in parts.  cat reads ino 7 offsets 0..3 as one order-2
 * folio (pfn 0x100: object A); kswapd evicts it (A stays, with a shadow on all four
 * offsets).  Readahead brings offset 0 back as an order-0 folio (0x200: B), offsets 2..3
 * as an order-1 (0x202: C) and offset 1 as an order-0 (0x300: D): each is a refault of A
 * (FREE of the new object, ACCESS of A), the last two a further part of a folio already
 * back.  rm then frees 0x200 and 0x202 (parts of A, not its last: no FREE) and 0x300,
 * A's last part: FREE A. */
static void test_refault_parts(void)
{
	struct recs rs;
	const uint64_t A = ID(1, 0x100), B = ID(1, 0x200), C = ID(1, 0x202), D = ID(1, 0x300);
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "cat", 10, 0x100, 0, 0),
		fev(2, FEV_FILEMAP_ADD, "cat", 10, 0x100, 7, 0),
		fev(3, FEV_FILEMAP_DELETE, "kswapd0", 36, 0x100, 7, 0),
		fev(4, FEV_PAGE_FREE, "kswapd0", 36, 0x100, 0, 0),
		fev(5, FEV_PAGE_ALLOC, "cat", 10, 0x200, 0, 0),
		fev(6, FEV_FILEMAP_ADD, "cat", 10, 0x200, 7, 0),
		fev(7, FEV_PAGE_ALLOC, "cat", 10, 0x202, 0, 0),
		fev(8, FEV_FILEMAP_ADD, "cat", 10, 0x202, 7, 2),
		fev(9, FEV_PAGE_ALLOC, "cat", 10, 0x300, 0, 0),
		fev(10, FEV_FILEMAP_ADD, "cat", 10, 0x300, 7, 1),
		fev(11, FEV_PAGE_FREE, "rm", 11, 0x200, 0, 0),
		fev(12, FEV_PAGE_FREE, "rm", 11, 0x202, 0, 0),
		fev(13, FEV_PAGE_FREE, "rm", 11, 0x300, 0, 0),
	};
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		if (in[i].pfn == 0x100)
			in[i].order = 2;
		else if (in[i].pfn == 0x202)
			in[i].order = 1;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 1, TR_ALLOC, A }, { 5, TR_ALLOC, B }, { 6, TR_FREE, B }, { 6, TR_ACCESS, A },
		{ 7, TR_ALLOC, C }, { 8, TR_FREE, C }, { 8, TR_ACCESS, A },
		{ 9, TR_ALLOC, D }, { 10, TR_FREE, D }, { 10, TR_ACCESS, A }, { 13, TR_FREE, A },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->refault, 3);
	CHECK_EQ(st->refault_part, 2);
	CHECK_EQ(st->free_part, 2);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* A folio over the offsets of two evicted ones.  cat reads ino 7 offsets 0..1 as an
 * order-1 folio (pfn 0x100: A) and 2..3 as another (0x200: B); kswapd evicts both.
 * Readahead brings 0..3 back as one order-2 folio (0x400: C): the kernel counts a refault
 * of its four pages (workingset_refault, folio_nr_pages), so both come back: FREE C,
 * ACCESS A (the head, which 0x400 stands for) and ACCESS B (its companion).  kswapd
 * evicts 0x400 (its offsets now name A), cat reads offset 3 again (0x500: D): A comes back
 * and B with it.  rm frees 0x500, A's last part: FREE A and FREE B. */
static void test_refault_companions(void)
{
	struct recs rs;
	const uint64_t A = ID(1, 0x100), B = ID(1, 0x200), C = ID(1, 0x400), D = ID(1, 0x500);
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "cat", 10, 0x100, 0, 0),
		fev(2, FEV_FILEMAP_ADD, "cat", 10, 0x100, 7, 0),
		fev(3, FEV_PAGE_ALLOC, "cat", 10, 0x200, 0, 0),
		fev(4, FEV_FILEMAP_ADD, "cat", 10, 0x200, 7, 2),
		fev(5, FEV_FILEMAP_DELETE, "kswapd0", 36, 0x100, 7, 0),
		fev(6, FEV_PAGE_FREE, "kswapd0", 36, 0x100, 0, 0),
		fev(7, FEV_FILEMAP_DELETE, "kswapd0", 36, 0x200, 7, 2),
		fev(8, FEV_PAGE_FREE, "kswapd0", 36, 0x200, 0, 0),
		fev(9, FEV_PAGE_ALLOC, "cat", 10, 0x400, 0, 0),
		fev(10, FEV_FILEMAP_ADD, "cat", 10, 0x400, 7, 0),
		fev(11, FEV_FILEMAP_DELETE, "kswapd0", 36, 0x400, 7, 0),
		fev(12, FEV_PAGE_FREE, "kswapd0", 36, 0x400, 0, 0),
		fev(13, FEV_PAGE_ALLOC, "cat", 10, 0x500, 0, 0),
		fev(14, FEV_FILEMAP_ADD, "cat", 10, 0x500, 7, 3),
		fev(15, FEV_PAGE_FREE, "rm", 11, 0x500, 0, 0),
	};
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		if (in[i].pfn == 0x100 || in[i].pfn == 0x200)
			in[i].order = 1;
		else if (in[i].pfn == 0x400)
			in[i].order = 2;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 1, TR_ALLOC, A },   { 3, TR_ALLOC, B },   { 9, TR_ALLOC, C },  { 10, TR_FREE, C },
		{ 10, TR_ACCESS, A }, { 10, TR_ACCESS, B }, { 13, TR_ALLOC, D }, { 14, TR_FREE, D },
		{ 14, TR_ACCESS, A }, { 14, TR_ACCESS, B }, { 15, TR_FREE, A },  { 15, TR_FREE, B },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->refault, 2);
	CHECK_EQ(st->refault_part, 0);
	CHECK_EQ(st->refault_merged, 1);
	CHECK_EQ(st->refault_companion, 2);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* The flusher's write rate.  bdi 254:0: a background work starts at t = 1 ms asking for
 * LONG_MAX pages and ends at 3 ms with LONG_MAX - 2048 left (2048 pages in 2 ms); a vmscan
 * work asks for 5000 and ends with 4500 left (500 pages: under the 1024 a work writes
 * before it looks at its limits, not measured); a written without its start is ignored.
 * 2048 pages x 4096 B in 2 ms: 4,194,304,000 B/s. */
static void test_writeback_rate(void)
{
	struct recs rs;
	const uint64_t big = 9223372036854775807ull;
	struct ftrace_event in[] = {
		fev(1000000, FEV_WRITEBACK_START, "kworker", 90, 0, 0, 0),
		fev(3000000, FEV_WRITEBACK_WRITTEN, "kworker", 90, 0, 0, 0),
		fev(4000000, FEV_WRITEBACK_START, "kworker", 90, 0, 0, 0),
		fev(5000000, FEV_WRITEBACK_WRITTEN, "kworker", 90, 0, 0, 0),
		fev(6000000, FEV_WRITEBACK_WRITTEN, "kworker", 90, 0, 0, 0),
	};
	const uint64_t nr[] = { big, big - 2048, 5000, 4500, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].dev = 254u << 20;
		in[i].nr[0] = nr[i];
	}
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->wb_works, 1);
	CHECK_EQ(st->wb_pages, 2048);
	CHECK_EQ(st->wb_ns, 2000000);
	CHECK_EQ(import_wb_bandwidth(st), 4194304000ull);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* A swap-in.  The task's write faults at 0x7000 and 0x8000 (first touch) allocate pfns
 * 0x100 and 0x101 (GFP_HIGHUSER_MOVABLE | __GFP_ZERO: objects A and B); kswapd frees
 * both (swapped out: effects, A and B stay in the native trace).  The task faults at
 * 0x7000 again: an ACCESS of A at once.  The page swapin_readahead allocates for it
 * (pfn 0x300, GFP_HIGHUSER_MOVABLE) is no new object: it stands for A, so the task's
 * next fault at 0x7000 is an ACCESS of A and its exit's free of 0x300 frees A.  The
 * task's write fault on 0x8000 (error_code 6: user, write) swaps B in as a DIRTY of B,
 * which in the replay drops B's slot (do_swap_page's write case); its page 0x301 stands
 * for B.  A fault on 0x9000 (never touched) binds its zeroed page as a new object C.
 * Records: ALLOC A, ALLOC B, ACCESS A (t 5), ACCESS A (t 7), DIRTY B (t 8), ALLOC C (t 9),
 * FREE A (t 10). */
static void test_swapin(void)
{
	struct recs rs;
	const uint64_t A = ID(1, 0x100), B = ID(1, 0x101), C = ID(1, 0x400);
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(1, FEV_PAGE_ALLOC, "app", 10, 0x100, 0, 0),
		fev(2, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "app", 10, 0x101, 0, 0),
		fev(3, FEV_PAGE_FREE, "kswapd0", 36, 0x100, 0, 0),
		fev(4, FEV_PAGE_FREE, "kswapd0", 36, 0x101, 0, 0),
		fev(5, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(6, FEV_PAGE_ALLOC, "app", 10, 0x300, 0, 0),
		fev(7, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(8, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(8, FEV_PAGE_ALLOC, "app", 10, 0x301, 0, 0),
		fev(9, FEV_PAGE_FAULT_USER, "app", 10, 0, 0, 0),
		fev(9, FEV_PAGE_ALLOC, "app", 10, 0x400, 0, 0),
		fev(10, FEV_PAGE_FREE, "app", 10, 0x300, 0, 0),
	};
	const uint64_t addr[] = { 0x7000, 0, 0x8000, 0, 0, 0, 0x7000, 0, 0x7000, 0x8000, 0, 0x9000, 0, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].line = i + 1;
		in[i].addr = addr[i];
		if (in[i].id == FEV_PAGE_FAULT_USER && in[i].time_ns == 8)
			in[i].nr[0] = 6; /* X86_PF_USER | X86_PF_WRITE */
		if (in[i].id == FEV_PAGE_ALLOC && in[i].pfn != 0x300 && in[i].pfn != 0x301)
			in[i].gfp = GFP_HIGHUSER_MOVABLE | __GFP_ZERO;
	}
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 1, TR_ALLOC, A }, { 2, TR_ALLOC, B }, { 5, TR_ACCESS, A },
		{ 7, TR_ACCESS, A }, { 8, TR_DIRTY, B }, { 9, TR_ALLOC, C }, { 10, TR_FREE, A },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->swapin, 2);
	CHECK_EQ(st->swapin_write, 1);
	CHECK_EQ(st->swapin_alloc, 2);
	CHECK_EQ(st->swapin_unclaimed, 0);
	CHECK_EQ(st->fault_first_touch, 3);
	CHECK_EQ(st->free_effect[EFFECT_KSWAPD], 2);
	CHECK_EQ(st->fault_unresolved, 0);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* A text capture of lines at path (a mkstemp template, filled in), for the first pass. */
static void write_capture(char *path, const char *const *lines, size_t n)
{
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	CHECK(fp != NULL);
	for (size_t i = 0; fp && i < n; i++)
		fprintf(fp, "%s\n", lines[i]);
	if (fp)
		fclose(fp);
}

/* The skip bits as the capture began (import_skip.c), from a handmade capture of Normal
 * 0x100000..0x108000 (64 pageblocks of 0x200):
 *  run 1, async direct THP (priority 2, movable), migrate 0x100000, free 0x107e00:
 *   - migrate (0x100000 ~ 0x100200), then (0x100800 ~ 0x100820): from 0x100200 a fast
 *     search may jump below 0x100200 + (0x107e00 - 0x100200) / 8 = 0x101180 -> 0x101000,
 *     and 0x100800 is below: a jump, nothing inferred;
 *   - (0x100820 ~ 0x100a00) goes on in its block; (0x102000 ~ 0x102200) from 0x100a00:
 *     bound 0x100a00 + 0x7400 / 8 = 0x101880 -> 0x101800, 0x102000 above it: the walk
 *     passed 0x100a00..0x101e00 (11 blocks);
 *   - fast search (0x104000 ~ 0x107e00) took nothing at the scanner's start: the walk
 *     starts somewhere in [0x104000, 0x107e00]; events at 0x103800 and 0x103000: passed
 *     0x103a00..0x104000 (4) and 0x103200..0x103600 (3);
 *  run 2, sync (priority 1), free 0x103000: a fast search took a page, its around block
 *   (0x102e00) is no walk; the next fast search (0x102000 ~ 0x102c00) took nothing below
 *   the run's start: the walk starts at 0x102c00; events at 0x102400 and 0x101a00: passed
 *   0x102600..0x102c00 (4), then 0x101c00..0x102200 of which only 0x102200 is new (the
 *   others were passed before or scanned: 0x102000);
 *  run 3, priority 0 (skip hints ignored): its gap 0x105200..0x105e00 says nothing.
 * Passed: 11 + 4 + 3 + 4 + 1 = 23 blocks. */
static void test_skip_walks(void)
{
	static const char *const lines[] = {
		"         python3-100     [000] .....    10.000001: mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=2",
		"         python3-100     [000] .....    10.000002: mm_compaction_begin: zone_start=0x100000 migrate_pfn=0x100000 free_pfn=0x107e00 zone_end=0x108000, mode=async",
		"         python3-100     [000] .....    10.000003: mm_compaction_isolate_migratepages: range=(0x100000 ~ 0x100200) nr_scanned=512 nr_taken=0",
		"         python3-100     [000] .....    10.000004: mm_compaction_isolate_migratepages: range=(0x100800 ~ 0x100820) nr_scanned=32 nr_taken=32",
		"         python3-100     [000] .....    10.000005: mm_compaction_isolate_migratepages: range=(0x100820 ~ 0x100a00) nr_scanned=480 nr_taken=0",
		"         python3-100     [000] .....    10.000006: mm_compaction_isolate_migratepages: range=(0x102000 ~ 0x102200) nr_scanned=512 nr_taken=32",
		"         python3-100     [000] .....    10.000007: mm_compaction_fast_isolate_freepages: range=(0x104000 ~ 0x107e00) nr_scanned=10 nr_taken=0",
		"         python3-100     [000] .....    10.000008: mm_compaction_isolate_freepages: range=(0x103800 ~ 0x103a00) nr_scanned=16 nr_taken=8",
		"         python3-100     [000] .....    10.000009: mm_compaction_isolate_freepages: range=(0x103000 ~ 0x103200) nr_scanned=16 nr_taken=24",
		"         python3-100     [000] .....    10.000010: mm_compaction_end: zone_start=0x100000 migrate_pfn=0x102200 free_pfn=0x103000 zone_end=0x108000, mode=async status=success",
		"         python3-100     [000] .....    10.000011: mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=1",
		"         python3-100     [000] .....    10.000012: mm_compaction_begin: zone_start=0x100000 migrate_pfn=0x100a00 free_pfn=0x103000 zone_end=0x108000, mode=sync",
		"         python3-100     [000] .....    10.000013: mm_compaction_fast_isolate_freepages: range=(0x101c00 ~ 0x103000) nr_scanned=3 nr_taken=1",
		"         python3-100     [000] .....    10.000014: mm_compaction_isolate_freepages: range=(0x102e00 ~ 0x103000) nr_scanned=512 nr_taken=4",
		"         python3-100     [000] .....    10.000015: mm_compaction_fast_isolate_freepages: range=(0x102000 ~ 0x102c00) nr_scanned=3 nr_taken=0",
		"         python3-100     [000] .....    10.000016: mm_compaction_isolate_freepages: range=(0x102400 ~ 0x102600) nr_scanned=512 nr_taken=4",
		"         python3-100     [000] .....    10.000017: mm_compaction_isolate_freepages: range=(0x101a00 ~ 0x101c00) nr_scanned=512 nr_taken=28",
		"         python3-100     [000] .....    10.000018: mm_compaction_end: zone_start=0x100000 migrate_pfn=0x100c00 free_pfn=0x101a00 zone_end=0x108000, mode=sync status=complete",
		"         python3-100     [000] .....    10.000019: mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=0",
		"         python3-100     [000] .....    10.000020: mm_compaction_begin: zone_start=0x100000 migrate_pfn=0x100000 free_pfn=0x107e00 zone_end=0x108000, mode=sync",
		"         python3-100     [000] .....    10.000021: mm_compaction_fast_isolate_freepages: range=(0x104000 ~ 0x107e00) nr_scanned=3 nr_taken=0",
		"         python3-100     [000] .....    10.000022: mm_compaction_isolate_freepages: range=(0x106000 ~ 0x106200) nr_scanned=512 nr_taken=0",
		"         python3-100     [000] .....    10.000023: mm_compaction_isolate_freepages: range=(0x105000 ~ 0x105200) nr_scanned=512 nr_taken=0",
		"         python3-100     [000] .....    10.000024: mm_compaction_end: zone_start=0x100000 migrate_pfn=0x100000 free_pfn=0x105000 zone_end=0x108000, mode=sync status=complete",
	};
	char path[] = "/tmp/mmsim_skip_XXXXXX";
	write_capture(path, lines, ARRAY_SIZE(lines));
	struct recs rs;
	struct ftrace_read_stats rds;
	struct import *im = run_import(path, &rs, &rds, false);
	unlink(path);
	CHECK(im != NULL);
	if (!im)
		return;
	const struct import_skip *sk = import_get_skip(im);
	CHECK_EQ(import_skip_passed(sk), 23);
	static const uint64_t passed[][2] = { { 0x100a00, 0x102000 }, { 0x102200, 0x102400 }, { 0x102600, 0x102e00 },
					      { 0x103200, 0x103800 }, { 0x103a00, 0x104200 } };
	uint64_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++)
		for (uint64_t b = passed[i][0]; b < passed[i][1]; b += 0x200, n++)
			CHECK_EQ(import_skip_at(sk, b), IMPORT_SKIP_PASSED);
	CHECK_EQ(n, 23);
	static const uint64_t seen[] = { 0x100000, 0x100800, 0x102000, 0x102400, 0x102e00, 0x103000, 0x103800, 0x105000, 0x106000 };
	for (size_t i = 0; i < ARRAY_SIZE(seen); i++)
		CHECK_EQ(import_skip_at(sk, seen[i]), IMPORT_SKIP_SCANNED);
	static const uint64_t unseen[] = { 0x100200, 0x100600, 0x104200, 0x105200, 0x105e00, 0x107e00 };
	for (size_t i = 0; i < ARRAY_SIZE(unseen); i++)
		CHECK_EQ(import_skip_at(sk, unseen[i]), IMPORT_SKIP_UNSEEN);
	import_free(im);
	free(rs.r);
}

/* DMA32 spans pfns 0..0xfff and Normal 0x1000..0x1fff. */
static void two_zones(struct zoneinfo *zi)
{
	zi->zone[ZONE_DMA32].start_pfn = 0, zi->zone[ZONE_DMA32].spanned = 0x1000;
	zi->zone[ZONE_NORMAL].start_pfn = 0x1000, zi->zone[ZONE_NORMAL].spanned = 0x1000;
}

/* Refaults of pages evicted before the capture.  The capture (in order):
 *   cat reads ino 7 offset 0 (pfn 0x100, 1 page) and offsets 4..7 (pfn 0x104, order 2);
 *   dd writes ino 8 offset 0 (pfn 0x200, __GFP_WRITE: no shadow to find);
 *   kswapd evicts ino 7 offset 0; cat reads it again (pfn 0x300: a re-add, a refault the
 *   trace shows); cat reads ino 7 offsets 2..3 (pfn 0x402, order 1);
 *   jbd2 reads ino 9 offset 0 into an unmovable page (pfn 0x500, GFP_NOFS).
 * Census, in pages: readds 1; candidates 1 + 4 + 2 + 1 = 8 (the write and the re-add
 * are not).  With the kernel's workingset_refault_file 5 and workingset_activate_file 3:
 * untraced 5 - 1 = 4, of which 4 × 3 / 5 = 2.4 -> 2 pages to seed.  Seeding 2 of 8
 * candidate pages, the line after each candidate is pages × 2 / 8: 0 after the first
 * (skip), 1 after the order-2 folio (4 pages would overshoot: 0 + 4/2 >= 1, skip), 1
 * after the order-1 folio (0 + 2/2 >= 1, skip), 2 after the last (0 + 1/2 < 2: seed).
 * So the jbd2 page gets HINT pagecache (it is unmovable) and then HINT refault. */
static void test_untraced_refaults(void)
{
	char path[] = "/tmp/mmsim-test-untraced.XXXXXX";
	static const char *const lines[] = {
		"cat-10 [000] ..... 10.000001: mm_page_alloc: page=0x100 pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000002: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x100 ofs=0 order=0",
		"cat-10 [000] ..... 10.000003: mm_page_alloc: page=0x104 pfn=0x104 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP",
		"cat-10 [000] ..... 10.000004: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x104 ofs=16384 order=2",
		"dd-11 [000] ..... 10.000005: mm_page_alloc: page=0x200 pfn=0x200 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_WRITE",
		"dd-11 [000] ..... 10.000006: mm_filemap_add_to_page_cache: dev 254:0 ino 8 pfn=0x200 ofs=0 order=0",
		"kswapd0-36 [000] ..... 10.000007: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x100 ofs=0 order=0",
		"kswapd0-36 [000] ..... 10.000008: mm_page_free: page=0x100 pfn=0x100 order=0",
		"cat-10 [000] ..... 10.000009: mm_page_alloc: page=0x300 pfn=0x300 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000010: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x300 ofs=0 order=0",
		"cat-10 [000] ..... 10.000011: mm_page_alloc: page=0x402 pfn=0x402 order=1 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP",
		"cat-10 [000] ..... 10.000012: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x402 ofs=8192 order=1",
		"jbd2-12 [000] ..... 10.000013: mm_page_alloc: page=0x500 pfn=0x500 order=0 migratetype=0 gfp_flags=GFP_NOFS",
		"jbd2-12 [000] ..... 10.000014: mm_filemap_add_to_page_cache: dev 254:0 ino 9 pfn=0x500 ofs=0 order=0",
	};
	write_capture(path, lines, ARRAY_SIZE(lines));

	struct sim_error err = { 0 };
	struct ftrace_read_opts ro = { 0 };
	struct zoneinfo zi = { 0 };
	struct import_refault_census census = { 0 };
	CHECK_EQ(import_prefill_evictions(path, &ro, &zi, &census, &err), 0);
	CHECK_EQ(census.readds, 1);
	CHECK_EQ(census.candidates, 8);
	uint64_t untraced;
	CHECK_EQ(import_untraced_refaults(&census, 5, 3, &untraced), 2);
	CHECK_EQ(untraced, 4);
	CHECK_EQ(import_untraced_refaults(&census, 5, 0, &untraced), 0); /* none activated: none given */
	CHECK_EQ(untraced, 4);
	CHECK_EQ(import_untraced_refaults(&census, 1, 1, &untraced), 0); /* all traced */
	CHECK_EQ(untraced, 0);
	CHECK_EQ(import_untraced_refaults(&census, 100, 100, &untraced), 8); /* at most the candidates */
	CHECK_EQ(untraced, 99);

	struct recs rs;
	struct import_opts io = { .source = path, .refault_candidates = 8, .refault_seeded = 2 };
	struct ftrace_read_stats rds;
	memset(&rs, 0, sizeof(rs));
	struct import *im = import_new(&io, collect, &rs, &err);
	CHECK(im && !ftrace_read(path, &ro, import_event, im, &rds, &err) && !import_finish(im, &err));
	unsigned hints = 0;
	for (size_t i = 0; i < rs.nr; i++) {
		if (rs.r[i].kind != TR_HINT)
			continue;
		CHECK_EQ(rs.r[i].id, ID(1, 0x500));
		CHECK_EQ(rs.r[i].arg, hints ? HINT_REFAULT : HINT_PAGECACHE);
		hints++;
	}
	CHECK_EQ(hints, 2);
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->refault, 1);
	CHECK_EQ(st->refault_seeded, 1);
	CHECK_EQ(st->pagecache_unmovable, 1);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
	unlink(path);
}

/* Only reclaim leaves a shadow entry, and an add consumes it.  cat reads ino 7 offsets 0
 * and 1 (pfns 0x100, 0x101: two candidates).  rm truncates offset 0 (no shadow), and
 * cat's read of it again (0x300) is neither a refault nor a candidate (named before).  cc,
 * inside direct reclaim, evicts offset 1: its re-read (0x301) is a refault the trace shows.
 * kswapd evicts it again and cat re-reads it (0x302): a second one.  rm truncates it and
 * cat reads it once more (0x303): no shadow was left, no refault.  Census: readds 2,
 * candidates 2 (counting every removal as a shadow would give readds 4). */
static void test_refault_census_shadows(void)
{
	char path[] = "/tmp/mmsim-test-census.XXXXXX";
	static const char *const lines[] = {
		"cat-10 [000] ..... 10.000001: mm_page_alloc: page=0x100 pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000002: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x100 ofs=0 order=0",
		"cat-10 [000] ..... 10.000003: mm_page_alloc: page=0x101 pfn=0x101 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000004: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x101 ofs=4096 order=0",
		"rm-13 [000] ..... 10.000005: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x100 ofs=0 order=0",
		"rm-13 [000] ..... 10.000006: mm_page_free: page=0x100 pfn=0x100 order=0",
		"cat-10 [000] ..... 10.000007: mm_page_alloc: page=0x300 pfn=0x300 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000008: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x300 ofs=0 order=0",
		"cc-20 [001] ..... 10.000009: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_KERNEL",
		"cc-20 [001] ..... 10.000010: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x101 ofs=4096 order=0",
		"cc-20 [001] ..... 10.000011: mm_page_free: page=0x101 pfn=0x101 order=0",
		"cc-20 [001] ..... 10.000012: mm_vmscan_direct_reclaim_end: nr_reclaimed=1",
		"cat-10 [000] ..... 10.000013: mm_page_alloc: page=0x301 pfn=0x301 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000014: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x301 ofs=4096 order=0",
		"kswapd0-36 [001] ..... 10.000015: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x301 ofs=4096 order=0",
		"kswapd0-36 [001] ..... 10.000016: mm_page_free: page=0x301 pfn=0x301 order=0",
		"cat-10 [000] ..... 10.000017: mm_page_alloc: page=0x302 pfn=0x302 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000018: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x302 ofs=4096 order=0",
		"rm-13 [000] ..... 10.000019: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x302 ofs=4096 order=0",
		"rm-13 [000] ..... 10.000020: mm_page_free: page=0x302 pfn=0x302 order=0",
		"cat-10 [000] ..... 10.000021: mm_page_alloc: page=0x303 pfn=0x303 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000022: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x303 ofs=4096 order=0",
	};
	write_capture(path, lines, ARRAY_SIZE(lines));
	struct sim_error err = { 0 };
	struct ftrace_read_opts ro = { 0 };
	struct zoneinfo zi = { 0 };
	struct import_refault_census census = { 0 };
	CHECK_EQ(import_prefill_evictions(path, &ro, &zi, &census, &err), 0);
	CHECK_EQ(census.readds, 2);
	CHECK_EQ(census.candidates, 2);
	unlink(path);
}

/* The first pass keeps the pre-capture page cache that reclaim removed, in order, as the
 * LRU's oldest (zi.lru_tail): kswapd's removal of an order-2 folio at pfn 0x1100
 * (Normal) and then a direct reclaimer's of an order-0 page at 0x10 (DMA32).  Not kept:
 * rm's truncation of pre-capture pfn 0x1200 (not reclaim), kswapd's removal of pfn 0x1300,
 * which the capture added itself, and the direct reclaimer's removal after its reclaim
 * ended. */
static void test_prefill_evictions_tail(void)
{
	char path[] = "/tmp/mmsim-test-tail.XXXXXX";
	static const char *const lines[] = {
		"cat-10 [000] ..... 10.000001: mm_page_alloc: page=0x1300 pfn=0x1300 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"cat-10 [000] ..... 10.000002: mm_filemap_add_to_page_cache: dev 254:0 ino 7 pfn=0x1300 ofs=0 order=0",
		"kswapd0-36 [001] ..... 10.000003: mm_filemap_delete_from_page_cache: dev 254:0 ino 5 pfn=0x1100 ofs=0 order=2",
		"rm-13 [000] ..... 10.000004: mm_filemap_delete_from_page_cache: dev 254:0 ino 6 pfn=0x1200 ofs=0 order=0",
		"kswapd0-36 [001] ..... 10.000005: mm_filemap_delete_from_page_cache: dev 254:0 ino 7 pfn=0x1300 ofs=0 order=0",
		"cc-20 [001] ..... 10.000006: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_KERNEL",
		"cc-20 [001] ..... 10.000007: mm_filemap_delete_from_page_cache: dev 254:0 ino 8 pfn=0x10 ofs=0 order=0",
		"cc-20 [001] ..... 10.000008: mm_vmscan_direct_reclaim_end: nr_reclaimed=1",
		"cc-20 [001] ..... 10.000009: mm_filemap_delete_from_page_cache: dev 254:0 ino 8 pfn=0x11 ofs=4096 order=0",
	};
	write_capture(path, lines, ARRAY_SIZE(lines));
	struct sim_error err = { 0 };
	struct ftrace_read_opts ro = { 0 };
	struct zoneinfo zi = { 0 };
	two_zones(&zi);
	struct import_refault_census census = { 0 };
	CHECK_EQ(import_prefill_evictions(path, &ro, &zi, &census, &err), 4); /* pre-capture removals */
	CHECK_EQ(zi.lru_tail_len, 2);
	if (zi.lru_tail_len == 2) {
		CHECK_EQ(zi.lru_tail[0], ZONEINFO_TAIL(ZONE_NORMAL, 2));
		CHECK_EQ(zi.lru_tail[1], ZONEINFO_TAIL(ZONE_DMA32, 0));
	}
	zoneinfo_release(&zi);
	CHECK(zi.lru_tail == NULL);
	unlink(path);
}

/* The first pass counts where the free pages were when the capture began (zi.free_sum,
 * free_sq): per pageblock, the pages allocated (below the pageblock's order) before any
 * event freed them.  Normal is pfns 0x1000..0x1fff (pageblocks 8..15).  Block 8 (0x1000):
 * an order-2 allocation at 0x1000 (4) and order-0 ones at 0x1010 and 0x1011 (2): 6.
 * Block 9 (0x1200): 0x1200 is freed first (in use at the start), then allocated: not
 * counted; 0x1201 allocated twice, counted once: 1.  Block 10 (0x1400): an order-9
 * allocation (a pageblock: the tail, not a hole) is not counted.  DMA32 (0..0xfff): one
 * page at 0x10.  So Normal: Σ c = 6 + 1 = 7, Σ c² = 36 + 1 = 37 (the typical free page's
 * block held 37 / 7 = 5); DMA32: 1 and 1.
 * The same pass counts the pageblocks whose first event allocated them whole (zoneinfo
 * whole_first): block 10 (its order-9 allocation is its first event), blocks 12 and 13
 * (one order-10 allocation at 0x1800), not block 11 (0x1600: a page freed in it first, then
 * the block allocated) nor block 8 (0x1000: the order-9 allocation at 0x1000 comes after
 * the order-2 one), and block 14 (0x1c00), whose two order-8 halves are its pages' first
 * allocations (all 512 were free at the start; they count in free_sum too: Σ c = 7 + 512
 * = 519, Σ c² = 37 + 262144 = 262181): Normal 4; DMA32 0. */
static void test_prefill_free_start(void)
{
	char path[] = "/tmp/mmsim-test-freestart.XXXXXX";
	static const char *const lines[] = {
		"a-10 [000] ..... 10.000001: mm_page_alloc: page=0x1000 pfn=0x1000 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000002: mm_page_alloc: page=0x1010 pfn=0x1010 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000003: mm_page_alloc: page=0x1011 pfn=0x1011 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000004: mm_page_free: page=0x1200 pfn=0x1200 order=0",
		"a-10 [000] ..... 10.000005: mm_page_alloc: page=0x1200 pfn=0x1200 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000006: mm_page_alloc: page=0x1201 pfn=0x1201 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000007: mm_page_free: page=0x1201 pfn=0x1201 order=0",
		"a-10 [000] ..... 10.000008: mm_page_alloc: page=0x1201 pfn=0x1201 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000009: mm_page_alloc: page=0x1400 pfn=0x1400 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE",
		"a-10 [000] ..... 10.000010: mm_page_alloc: page=0x10 pfn=0x10 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000011: mm_page_free: page=0x1601 pfn=0x1601 order=0",
		"a-10 [000] ..... 10.000012: mm_page_alloc: page=0x1600 pfn=0x1600 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE",
		"a-10 [000] ..... 10.000013: mm_page_alloc: page=0x1800 pfn=0x1800 order=10 migratetype=1 gfp_flags=GFP_KERNEL",
		"a-10 [000] ..... 10.000014: mm_page_free: page=0x1000 pfn=0x1000 order=2",
		"a-10 [000] ..... 10.000015: mm_page_free: page=0x1010 pfn=0x1010 order=0",
		"a-10 [000] ..... 10.000016: mm_page_free: page=0x1011 pfn=0x1011 order=0",
		"a-10 [000] ..... 10.000017: mm_page_alloc: page=0x1000 pfn=0x1000 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE",
		"a-10 [000] ..... 10.000018: mm_page_alloc: page=0x1c00 pfn=0x1c00 order=8 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
		"a-10 [000] ..... 10.000019: mm_page_alloc: page=0x1d00 pfn=0x1d00 order=8 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE",
	};
	write_capture(path, lines, ARRAY_SIZE(lines));
	struct sim_error err = { 0 };
	struct ftrace_read_opts ro = { 0 };
	struct zoneinfo zi = { 0 };
	two_zones(&zi);
	struct import_refault_census census = { 0 };
	CHECK_EQ(import_prefill_evictions(path, &ro, &zi, &census, &err), 0);
	CHECK_EQ(zi.free_sum[ZONE_NORMAL], 519);
	CHECK_EQ(zi.free_sq[ZONE_NORMAL], 262181);
	CHECK_EQ(zi.free_sum[ZONE_DMA32], 1);
	CHECK_EQ(zi.free_sq[ZONE_DMA32], 1);
	CHECK_EQ(zi.whole_first[ZONE_NORMAL], 4);
	CHECK_EQ(zi.whole_first[ZONE_DMA32], 0);
	zoneinfo_release(&zi);
	unlink(path);
}

/* THP faults the kernel failed.  Task 20's fault fails both calls (the first with
 * __GFP_THISNODE | __GFP_NORETRY, then the fault's own GFP_TRANSHUGE) and falls back to an
 * order-0 page: the attempt is replayed before that page as an order-9 GFP_TRANSHUGE
 * allocation freed at once (id PROBE 0).  Task 21's first call fails and its second gets
 * the THP: nothing is added (the simulator makes the first call itself).  Task 22's fault
 * fails its only call (GFP_TRANSHUGE_LIGHT: no second one) and the task's next allocation
 * is another THP fault's success: that is the second fault, not this one's second call,
 * but the importer cannot tell the two apart and adds nothing (a THP right after a failed
 * one is taken as the same fault). */
static void test_thp_fallback_probe(void)
{
	struct recs rs;
	const gfp_t first = GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY;
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "python3", 20, FTRACE_PFN_NONE, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "python3", 20, FTRACE_PFN_NONE, 0, 0),
		fev(3, FEV_PAGE_ALLOC, "python3", 20, 0x1000, 0, 0),
		fev(4, FEV_PAGE_ALLOC, "python3", 21, FTRACE_PFN_NONE, 0, 0),
		fev(5, FEV_PAGE_ALLOC, "python3", 21, 0x2000, 0, 0),
		fev(6, FEV_PAGE_ALLOC, "python3", 22, FTRACE_PFN_NONE, 0, 0),
		fev(7, FEV_PAGE_ALLOC, "python3", 22, 0x2200, 0, 0),
	};
	in[0].gfp = first;
	in[1].gfp = GFP_TRANSHUGE;
	in[3].gfp = first;
	in[4].gfp = GFP_TRANSHUGE;
	in[5].gfp = GFP_TRANSHUGE_LIGHT;
	in[6].gfp = GFP_TRANSHUGE_LIGHT;
	for (int i = 0; i < 7; i++)
		in[i].order = i == 2 ? 0 : 9;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const uint64_t probe = 1ull << 61;
	const struct want_rec want[] = {
		{ 3, TR_ALLOC, probe, 9, GFP_TRANSHUGE },
		{ 3, TR_FREE, probe, 0, 0 },
		{ 3, TR_ALLOC, ID(1, 0x1000), 0, GFP_HIGHUSER_MOVABLE },
		{ 5, TR_ALLOC, ID(1, 0x2000), 9, GFP_TRANSHUGE },
		{ 7, TR_ALLOC, ID(1, 0x2200), 9, GFP_TRANSHUGE_LIGHT },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->thp_fallback_probes, 1);
	CHECK_EQ(st->alloc_failed, 4);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* A THP fault that fell back where the capture shows its address (page_fault_user) keeps
 * its attempt for the range.  Task 30 faults at 0x7f0000203000 (range 0x7f0000200000 +
 * 2 MiB), both THP calls fail, and the order-0 page at pfn 0x3000 serves the fault: the
 * attempt (PROBE 0, order 9, GFP_TRANSHUGE) is allocated and not freed, and the page's
 * ALLOC M1 follows a HINT thp_part of PROBE 0.  A fault at 0x7f00003ff000 (same range:
 * page 0x7f00003ff is 511 pages past the range's first) gets M2 at 0x3001, again after a
 * hint; a fault at 0x7f0000400000 (the next range) gets M3 at 0x3002 with no hint.  Freeing
 * M2 frees the attempt right after it; freeing M1 later writes FREE M1 only.  Records:
 * ALLOC P, HINT P, ALLOC M1 (t 3); HINT P, ALLOC M2 (t 5); ALLOC M3 (t 7); FREE M2, FREE P
 * (t 8); FREE M1 (t 9). */
static void test_thp_fallback_range(void)
{
	struct recs rs;
	const gfp_t first = GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY;
	const uint64_t probe = 1ull << 61, M1 = ID(1, 0x3000), M2 = ID(1, 0x3001), M3 = ID(1, 0x3002);
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_FAULT_USER, "python3", 30, 0, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "python3", 30, FTRACE_PFN_NONE, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "python3", 30, FTRACE_PFN_NONE, 0, 0),
		fev(3, FEV_PAGE_ALLOC, "python3", 30, 0x3000, 0, 0),
		fev(4, FEV_PAGE_FAULT_USER, "python3", 30, 0, 0, 0),
		fev(5, FEV_PAGE_ALLOC, "python3", 30, 0x3001, 0, 0),
		fev(6, FEV_PAGE_FAULT_USER, "python3", 30, 0, 0, 0),
		fev(7, FEV_PAGE_ALLOC, "python3", 30, 0x3002, 0, 0),
		fev(8, FEV_PAGE_FREE, "python3", 30, 0x3001, 0, 0),
		fev(9, FEV_PAGE_FREE, "python3", 30, 0x3000, 0, 0),
	};
	const uint64_t addr[] = { 0x7f0000203000, 0, 0, 0, 0x7f00003ff000, 0, 0x7f0000400000, 0, 0, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].line = i + 1;
		in[i].addr = addr[i];
		in[i].order = 0;
		if (in[i].id == FEV_PAGE_ALLOC)
			in[i].gfp = GFP_HIGHUSER_MOVABLE | __GFP_ZERO;
	}
	in[1].gfp = first;
	in[2].gfp = GFP_TRANSHUGE;
	in[1].order = in[2].order = 9;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 3, TR_ALLOC, probe, 9, GFP_TRANSHUGE }, { 3, TR_HINT, probe }, { 3, TR_ALLOC, M1 },
		{ 5, TR_HINT, probe },			  { 5, TR_ALLOC, M2 },	  { 7, TR_ALLOC, M3 },
		{ 8, TR_FREE, M2 },			  { 8, TR_FREE, probe },  { 9, TR_FREE, M1 },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	for (size_t i = 0; i < rs.nr; i++)
		if (rs.r[i].kind == TR_HINT)
			CHECK_EQ(rs.r[i].arg, HINT_THP_PART);
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->thp_fallback_probes, 1);
	CHECK_EQ(st->thp_fallback_kept, 1);
	CHECK_EQ(st->thp_parts, 2);
	CHECK_EQ(st->thp_range_frees, 1);
	CHECK_EQ(st->by_kind[TR_CPU], 1);
	CHECK_EQ(st->implied, 5); /* the attempt's ALLOC and FREE, two hints, the task's cpu record */
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* Other failed allocations are replayed as attempts.  dd's order-8 page cache folio with
 * __GFP_NORETRY fails (t 1) before its order-2 fallback succeeds (t 2): an ALLOC and a
 * FREE of PROBE 0 at t 1 (order 8, dd's mask), then the fallback's ALLOC.  A GFP_NOWAIT
 * page failed inside kswapd (t 3) is the mechanism's, not the workload's: nothing. */
static void test_failed_attempt(void)
{
	struct recs rs;
	const gfp_t folio = GFP_HIGHUSER_MOVABLE | __GFP_WRITE | __GFP_NOWARN | __GFP_NORETRY | __GFP_COMP;
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "dd", 30, FTRACE_PFN_NONE, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "dd", 30, 0x3000, 0, 0),
		fev(3, FEV_PAGE_ALLOC, "kswapd0", 36, FTRACE_PFN_NONE, 0, 0),
	};
	in[0].gfp = in[1].gfp = folio;
	in[0].order = 8;
	in[1].order = 2;
	in[2].gfp = GFP_NOWAIT;
	const uint64_t probe = 1ull << 61;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const struct want_rec want[] = {
		{ 1, TR_ALLOC, probe, 8, folio }, { 1, TR_FREE, probe, 0, 0 }, { 2, TR_ALLOC, ID(1, 0x3000), 2, folio },
	};
	check_recs(&rs, want, ARRAY_SIZE(want));
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->failed_attempts, 1);
	CHECK_EQ(st->alloc_failed, 2);
	/* dd's failure is the workload's; kswapd's (its own page, an effect) is counted apart */
	CHECK_EQ(st->obs[OBS_ALLOC_FAIL], 1);
	CHECK_EQ(st->obs[OBS_ALLOC_FAIL_EFFECT], 1);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* A THP fault's allocations carry the fault's own mask: the first attempt under the
 * default memory policy adds __GFP_THISNODE | __GFP_NORETRY (alloc_pages_mpol), which the
 * importer takes off because the simulator makes that attempt itself.  An order-9 page
 * of another kind with the same flags (hugetlb-like, no __GFP_NOMEMALLOC) and an order-8
 * THP-marked one keep theirs. */
static void test_thp_first_attempt_mask(void)
{
	struct recs rs;
	const gfp_t first = GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY;
	const gfp_t other = GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE | __GFP_NORETRY;
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "cc1", 10, 0x200, 0, 0),
		fev(2, FEV_PAGE_ALLOC, "cc1", 10, 0x400, 0, 0),
		fev(3, FEV_PAGE_ALLOC, "cc1", 10, 0x600, 0, 0),
		fev(4, FEV_PAGE_ALLOC, "cc1", 10, 0x800, 0, 0),
	};
	in[0].gfp = first, in[0].order = 9;
	in[1].gfp = GFP_TRANSHUGE, in[1].order = 9;
	in[2].gfp = other, in[2].order = 9;
	in[3].gfp = first, in[3].order = 8;
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const gfp_t want[] = { GFP_TRANSHUGE, GFP_TRANSHUGE, other, first };
	CHECK_EQ(rs.nr, ARRAY_SIZE(want));
	for (size_t i = 0; i < MIN(rs.nr, ARRAY_SIZE(want)); i++)
		CHECK_EQ(rs.r[i].gfp, want[i]);
	import_free(im);
	free(rs.r);
}

/* fsync shows as the task's waits on its file's writeback: dd's first folio_wait_writeback
 * on ino 7 syncs the page cache objects of ino 7 dirtied since its last sync (A at 0x100:
 * one implied sync hint at time 9; B at 0x101 is clean and C at 0x200 is ino 8's); a
 * second wait adds nothing until the file is dirtied again (B, at time 11), after which
 * the next wait syncs B (time 12); a wait inside kswapd is an effect. */
static void test_fsync_waits(void)
{
	struct recs rs;
	struct ftrace_event in[] = {
		fev(1, FEV_PAGE_ALLOC, "dd", 10, 0x100, 0, 0),
		fev(2, FEV_FILEMAP_ADD, "dd", 10, 0x100, 7, 0),
		fev(3, FEV_PAGE_ALLOC, "dd", 10, 0x101, 0, 0),
		fev(4, FEV_FILEMAP_ADD, "dd", 10, 0x101, 7, 1),
		fev(5, FEV_PAGE_ALLOC, "dd", 10, 0x200, 0, 0),
		fev(6, FEV_FILEMAP_ADD, "dd", 10, 0x200, 8, 0),
		fev(7, FEV_WRITEBACK_DIRTY_FOLIO, "dd", 10, 0, 7, 0),
		fev(8, FEV_FOLIO_WAIT_WRITEBACK, "kswapd0", 36, 0, 7, 0),
		fev(9, FEV_FOLIO_WAIT_WRITEBACK, "dd", 10, 0, 7, 1),
		fev(10, FEV_FOLIO_WAIT_WRITEBACK, "dd", 10, 0, 7, 0),
		fev(11, FEV_WRITEBACK_DIRTY_FOLIO, "dd", 10, 0, 7, 1),
		fev(12, FEV_FOLIO_WAIT_WRITEBACK, "dd", 10, 0, 7, 1),
	};
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	const uint64_t A = ID(1, 0x100), B = ID(1, 0x101);
	size_t hints = 0, dirties = 0;
	for (size_t i = 0; i < rs.nr; i++) {
		if (rs.r[i].kind == TR_DIRTY)
			dirties++;
		if (rs.r[i].kind != TR_HINT)
			continue;
		CHECK_EQ(rs.r[i].arg, HINT_SYNC);
		CHECK_EQ(rs.r[i].id, hints ? B : A);
		CHECK_EQ(rs.r[i].time_ns, hints ? 12 : 9);
		hints++;
	}
	CHECK_EQ(hints, 2);
	CHECK_EQ(dirties, 2);
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->fsync, 2);
	CHECK_EQ(st->obs[OBS_FOLIO_WAIT_WRITEBACK], 4);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* Frees of pages in use before the capture release prefill objects.  Normal: pfns
 * 1000..1109, managed 110, free 10, 100 inactive anon pages in use: the prefill's ids
 * 1..100 are those pages, in layout order.  A free of pfn 1050 (45 % into the zone ->
 * index 50 * 100 / 110 = 45) releases id 46; a second, order-1 free there finds 46 gone
 * and releases the next two, 47 and 48 (one from the event, one implied); a free of a
 * pfn in no zone stays unmatched. */
static void test_free_prefill(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     10\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 100\n  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	struct recs rs = { 0 };
	struct import_opts io = { .window_ns = 1, .prefill_zi = &zi };
	struct import *im = import_new(&io, collect, &rs, &err);
	CHECK(im != NULL);
	if (!im)
		return;
	struct ftrace_event in[] = { mkev(1, 1, 1050, false), mkev(2, 2, 1050, false), mkev(3, 3, 5, false) };
	in[1].order = 1;
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	const uint64_t want[] = { 46, 47, 48 };
	CHECK_EQ(rs.nr, 3);
	for (size_t i = 0; i < MIN(rs.nr, 3); i++) {
		CHECK_EQ(rs.r[i].kind, TR_FREE);
		CHECK_EQ(rs.r[i].id, IMPORT_PREFILL_ID_BIT | want[i]);
	}
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->free_prefill, 2);
	CHECK_EQ(st->implied - st->by_kind[TR_CPU], 1);
	CHECK_EQ(st->free_unmatched, 1);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
}

/* `echo 1 > /proc/sys/vm/compact_memory`: compaction of every zone at order -1 by the
 * writing task is one COMPACT record; kcompactd's proactive order -1 is not. */
static void test_manual_compaction(void)
{
	struct recs rs;
	const struct ftrace_event in[] = {
		cev(1, FEV_COMPACTION_BEGIN, "sh", 5, 0),
		cev(2, FEV_COMPACTION_FINISHED, "sh", 5, -1),  /* -> COMPACT at t=2 */
		cev(3, FEV_COMPACTION_END, "sh", 5, 0),
		cev(4, FEV_COMPACTION_BEGIN, "sh", 5, 0),      /* next zone, same trigger */
		cev(5, FEV_COMPACTION_FINISHED, "sh", 5, -1),
		cev(6, FEV_COMPACTION_END, "sh", 5, 0),
		cev(7, FEV_PAGE_ALLOC, "sh", 5, 0),            /* ALLOC; ends the trigger */
		cev(8, FEV_COMPACTION_SUITABLE, "sh", 5, -1),  /* a second trigger: COMPACT */
		cev(9, FEV_COMPACTION_FINISHED, "kcompactd0", 36, -1),
		cev(10, FEV_COMPACTION_FINISHED, "cc1", 7, 9), /* direct compaction: order 9 */
	};
	struct import *im = import_events(in, ARRAY_SIZE(in), &rs);
	CHECK_EQ(rs.nr, 3);
	if (rs.nr == 3) {
		CHECK(rs.r[0].kind == TR_COMPACT && rs.r[0].time_ns == 2 && rs.r[0].task == 5 &&
		      rs.r[0].arg == -1 && rs.r[0].order == TRACE_COMPACT_WHOLE_ZONE);
		CHECK(rs.r[1].kind == TR_ALLOC && rs.r[1].time_ns == 7);
		CHECK(rs.r[2].kind == TR_COMPACT && rs.r[2].time_ns == 8);
	}
	const struct import_stats *s = import_get_stats(im);
	CHECK_EQ(s->compact_trigger, 2);
	CHECK_EQ(s->implied - s->by_kind[TR_CPU], 2);
	CHECK_RECONCILED(s);
	import_free(im);
	free(rs.r);
}

/* Out-of-range values: errors with the line, or counted as invalid under lenient. */
static void test_invalid(void)
{
	struct recs rs = { 0 };
	struct sim_error err = { 0 };
	struct import_opts io = { .source = "x" };
	struct import *im = import_new(&io, collect, &rs, &err);
	struct ftrace_event ev = mkev(1, 42, 1ull << 40, true);
	CHECK_EQ(import_event(im, &ev, &err), 0); /* held in the window */
	CHECK_EQ(import_finish(im, &err), -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "x:42:") != NULL);
	import_free(im);
	io.lenient = true;
	im = import_new(&io, collect, &rs, &err);
	CHECK_EQ(import_event(im, &ev, &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	CHECK_EQ(import_get_stats(im)->invalid, 1);
	import_free(im);
	free(rs.r);
}

/* The real capture: counts from its README, and the reconciliation. */
static void test_compile_thp(void)
{
	char p[4096];
	if (!real_capture("compile-thp/report.txt.gz", p, sizeof(p))) {
		tl_skip_test("tests/data/real/compile-thp/report.txt.gz is missing");
		return;
	}
	struct recs rs;
	struct ftrace_read_stats st;
	struct import *im = run_import(p, &rs, &st, false);
	CHECK(im != NULL);
	if (!im)
		return;
	const struct import_stats *s = import_get_stats(im);
	/* README: 654,574 lines including the cpus=2 header; its event table */
	CHECK_EQ(st.nr_lines, 654574);
	CHECK_EQ(st.nr_header, 1);
	CHECK_EQ(st.nr_errors, 0);
	CHECK_EQ(st.nr_unknown, 0);
	CHECK_EQ(s->by_event[FEV_PAGE_FREE], 232080);
	CHECK_EQ(s->by_event[FEV_PAGE_ALLOC], 205380);
	CHECK_EQ(s->by_event[FEV_PAGE_FREE_BATCHED], 176243);
	CHECK_EQ(s->by_event[FEV_WRITEBACK_DIRTY_FOLIO], 25213);
	CHECK_EQ(s->by_event[FEV_COMPACTION_ISOLATE_FREEPAGES], 11993);
	CHECK_EQ(s->by_event[FEV_COMPACTION_FAST_ISOLATE_FREEPAGES], 1289);
	CHECK_EQ(s->by_event[FEV_COMPACTION_SUITABLE], 638);
	CHECK_EQ(s->by_event[FEV_COMPACTION_FINISHED], 304);
	CHECK_EQ(s->by_event[FEV_COMPACTION_ISOLATE_MIGRATEPAGES], 292);
	CHECK_EQ(s->by_event[FEV_COMPACTION_TRY_TO_COMPACT], 198);
	CHECK_EQ(s->by_event[FEV_MIGRATE_PAGES], 192);
	CHECK_EQ(s->by_event[FEV_COMPACTION_MIGRATEPAGES], 192);
	CHECK_EQ(s->by_event[FEV_WAKEUP_KSWAPD], 117);
	CHECK_EQ(s->by_event[FEV_KSWAPD_WAKE], 117);
	CHECK_EQ(s->by_event[FEV_PAGE_ALLOC_EXTFRAG], 66);
	CHECK_EQ(s->by_event[FEV_COMPACTION_DEFER_RESET], 54);
	CHECK_EQ(s->by_event[FEV_DIRECT_RECLAIM_BEGIN], 53);
	CHECK_EQ(s->by_event[FEV_DIRECT_RECLAIM_END], 53);
	CHECK_EQ(s->by_event[FEV_COMPACTION_BEGIN], 36);
	CHECK_EQ(s->by_event[FEV_COMPACTION_END], 36);
	CHECK_EQ(s->by_event[FEV_COMPACTION_KCOMPACTD_SLEEP], 14);
	CHECK_EQ(s->by_event[FEV_COMPACTION_KCOMPACTD_WAKE], 7);
	CHECK_EQ(s->by_event[FEV_COMPACTION_WAKEUP_KCOMPACTD], 6);
	/* every allocation event is an ALLOC record, an effect, or a failure; the 6 THP faults
	 * that fell back (thp_fault_fallback 6 in the capture's vmstat) add an attempt each,
	 * an ALLOC and a FREE of their own */
	uint64_t alloc_effects = 0, free_effects = 0;
	for (unsigned i = 0; i < NR_IMPORT_EFFECTS; i++)
		alloc_effects += s->alloc_effect[i], free_effects += s->free_effect[i];
	CHECK_EQ(s->thp_fallback_probes, 6);
	/* the 91 failed page cache folios of dd's writes (GFP_HIGHUSER_MOVABLE | __GFP_WRITE |
	 * __GFP_NORETRY at orders 4..8, each before its smaller fallback) are replayed as
	 * attempts too; the 45 failed THP fault calls are the probes' business */
	CHECK_EQ(s->failed_attempts, 91);
	CHECK_EQ(s->by_kind[TR_ALLOC] - s->thp_fallback_probes - s->failed_attempts + alloc_effects + s->alloc_failed,
		 205380);
	/* every free event is a FREE record, an effect, a batched duplicate or unmatched */
	CHECK_EQ(s->by_kind[TR_FREE] - (s->thp_fallback_probes - s->thp_fallback_kept) - s->thp_range_frees -
			 s->failed_attempts - s->implied_free + free_effects +
			 s->free_of_effect_alloc +
			 s->free_unmatched + s->free_tail + s->free_batched_dup,
		 232080 + 176243);
	/* 6.18's free_unref_folios traces mm_page_free_batched right after mm_page_free for
	 * the same page: every batched event follows its page's mm_page_free */
	CHECK_EQ(s->free_batched_dup, 176243);
	/* No filemap events in this capture: a dirty folio is its task's last __GFP_WRITE
	 * allocation not yet dirtied (24,928 such allocations, each used at most once: dd's
	 * and the compilers' writes), or unmapped (metadata buffers dirtied without one). */
	CHECK_EQ(s->by_kind[TR_DIRTY], s->dirty_by_write_alloc);
	CHECK_EQ(s->dirty_by_write_alloc + s->dirty_unmapped, 25213);
	CHECK(s->dirty_by_write_alloc <= 24928);
	CHECK_EQ(s->dirty_by_write_alloc, 24837);
	CHECK_RECONCILED(s);
	CHECK_EQ(st.nr_lines, st.nr_header + st.nr_lost_markers + st.nr_unknown + st.nr_errors + s->nr_read);
	/* the kernel's own migratetype= agrees with gfp_migratetype for every allocation */
	CHECK_EQ(s->gfp_mt_mismatch, 0);
	CHECK_EQ(s->obs[OBS_KSWAPD_WAKE], 117);
	CHECK_EQ(s->obs[OBS_DIRECT_RECLAIM], 53);
	CHECK_EQ(s->obs[OBS_COMPACT_BEGIN], 36);
	CHECK_EQ(s->obs[OBS_EXTFRAG], 66);
	/* README step: `echo 1 > /proc/sys/vm/compact_memory` once */
	CHECK_EQ(s->compact_trigger, 1);
	CHECK_EQ(s->by_kind[TR_COMPACT], 1);
	/* records are in time order */
	bool sorted = true;
	for (size_t i = 1; i < rs.nr; i++)
		sorted &= rs.r[i].time_ns >= rs.r[i - 1].time_ns;
	CHECK(sorted);
	free(rs.r);
	import_free(im);
}

/* Prefill: managed - free of each zone, read off the text.  DMA 90 - 40 = 50 pages, no
 * LRU counters: all kernel memory (GFP_KERNEL | __GFP_DMA).  Normal 1000 - 880 free - 20
 * on pcp lists = 100: 60 inactive anon, 10 active file, so 30 kernel pages first, then
 * the 70 LRU pages in proportion (6 anon : 1 file).  Then each LRU page's object is freed
 * and allocated again in a shuffled order (free + alloc: 140 records), each active one
 * accessed twice after: 50 + 30 + 70 + 140 + 20 = 310 records. */
/* Each CPU's pageset of a zone (zoneinfo "pagesets", 6.7+ with high_min/high_max): its
 * count and high are kept per CPU (machine.pcp_start), the zone's own "high" line is not
 * taken for one, and high_min marks a kernel that tunes high.  The replay config gets one
 * machine.pcp_start entry per zone and CPU. */
static void test_zoneinfo_pagesets(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     880\n        min      2\n        low      3\n"
		"        high     4\n        spanned  1000\n        present  1000\n        managed  1000\n"
		"  pagesets\n    cpu: 0\n              count:    20\n              high:     40\n"
		"              batch:    1\n              high_min: 6\n              high_max: 240\n"
		"    cpu: 1\n              count:    7\n              high:     90\n"
		"              batch:    1\n              high_min: 6\n              high_max: 240\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "t", &zi, &err), 0);
	const struct zoneinfo_zone *zz = &zi.zone[ZONE_NORMAL];
	CHECK_EQ(zz->high, 4);
	CHECK_EQ(zz->pcp_count, 27);
	CHECK_EQ(zz->pcp_cpus, 2);
	CHECK_EQ(zz->pcp_cpu_count[0], 20);
	CHECK_EQ(zz->pcp_cpu_high[0], 40);
	CHECK_EQ(zz->pcp_cpu_count[1], 7);
	CHECK_EQ(zz->pcp_cpu_high[1], 90);
	CHECK(zi.pcp_high_bounds);
	CHECK_EQ(zi.nr_cpus, 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CHECK(fp != NULL);
	CHECK_EQ(zoneinfo_write_pcp_yaml(&zi, NULL, fp), 0);
	fclose(fp);
	CHECK(buf && strstr(buf, "  - { zone: normal, cpu: 0, count: 20, high: 40 }\n"));
	CHECK(buf && strstr(buf, "  - { zone: normal, cpu: 1, count: 7, high: 90 }\n"));
	free(buf);
	/* before 6.7 the pagesets print no high_min */
	static const char old_text[] =
		"Node 0, zone   Normal\n  pages free     880\n        min      2\n        low      3\n"
		"        high     4\n        spanned  1000\n        present  1000\n        managed  1000\n"
		"  pagesets\n    cpu: 0\n              count:    20\n              high:     40\n"
		"              batch:    1\n";
	CHECK_EQ(zoneinfo_parse_buf(old_text, sizeof(old_text) - 1, "t", &zi, &err), 0);
	CHECK(!zi.pcp_high_bounds);
	CHECK_EQ(zi.zone[ZONE_NORMAL].pcp_cpu_high[0], 40);
}

/* Whole pageblocks over a zone's per-cpu lists (zoneinfo_pcp_blocks_split) and the
 * replay config's entries.  Lists of 30212 and 182936 pages (213148), 161 blocks: shares
 * 161 x 30212 / 213148 = 22.8 -> 22 and 161 x 182936 / 213148 = 138.2 -> 138; the one left
 * goes to the list with the most room (59 - 22 = 37 against 357 - 138 = 219): 22 and 139.
 * Lists of 600 and 5000 pages (room for 1 and 9 blocks), 5 blocks: 0 and 4, the rest to
 * CPU 1 (room 1 against 5): 0 and 5; 12 blocks: 1 and min(10, 9) = 9, no room left for the
 * other 2. */
static void test_pcp_blocks_split(void)
{
	struct zoneinfo_zone zz = { .pcp_cpus = 2, .pcp_count = 213148, .pcp_cpu_count = { 30212, 182936 } };
	uint64_t out[ZONEINFO_MAX_CPUS];
	zoneinfo_pcp_blocks_split(&zz, 2, 161, out);
	CHECK_EQ(out[0], 22);
	CHECK_EQ(out[1], 139);
	zz = (struct zoneinfo_zone){ .pcp_cpus = 2, .pcp_count = 5600, .pcp_cpu_count = { 600, 5000 } };
	zoneinfo_pcp_blocks_split(&zz, 2, 5, out);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(out[1], 5);
	zoneinfo_pcp_blocks_split(&zz, 2, 12, out);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 9);
	struct zoneinfo zi = { .nr_cpus = 2 };
	zi.zone[ZONE_NORMAL] = zz;
	zi.zone[ZONE_NORMAL].managed = 8192;
	uint64_t blocks[MAX_NR_ZONES] = { [ZONE_NORMAL] = 5 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CHECK(fp != NULL);
	CHECK_EQ(zoneinfo_write_pcp_yaml(&zi, blocks, fp), 0);
	fclose(fp);
	CHECK(buf && strstr(buf, "  - { zone: normal, cpu: 0, count: 600, high: 0 }\n"));
	CHECK(buf && strstr(buf, "  - { zone: normal, cpu: 1, count: 5000, high: 0, blocks: 5 }\n"));
	free(buf);
}

static void test_prefill(void)
{
	static const char zi_text[] =
		"Node 0, zone      DMA\n  pages free     40\n        min      1\n"
		"        present  100\n        managed  90\n"
		"Node 0, zone   Normal\n  pages free     880\n        min      2\n"
		"        present  1000\n        managed  1000\n"
		"      nr_zone_inactive_anon 60\n      nr_zone_active_file 10\n"
		"  pagesets\n    cpu: 0\n              count:    20\n              batch:    1\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "t", &zi, &err), 0);
	CHECK_EQ(zi.zone[ZONE_NORMAL].pcp_count, 20);
	struct recs rs = { 0 };
	struct import_prefill_stats st;
	CHECK_EQ(import_prefill(&zi, NULL, 77, 0, NULL, NULL, &st, &err), 0); /* counting pass */
	CHECK_EQ(st.nr_pages, 150);
	CHECK_EQ(st.nr_records, 310);
	CHECK_EQ(import_prefill(&zi, NULL, 77, 0, collect, &rs, &st, &err), 0);
	CHECK_EQ(rs.nr, 310);
	CHECK(rs.nr && rs.r[0].kind == TR_ALLOC && rs.r[0].time_ns == 77 && rs.r[0].task == 0 &&
	      rs.r[0].order == 0 && rs.r[0].gfp == (GFP_KERNEL | __GFP_DMA));
	unsigned kernel = 0, anon = 0, file = 0, access = 0;
	for (size_t i = 50; i < rs.nr; i++) {
		const struct trace_record *r = &rs.r[i];
		if (r->kind == TR_ACCESS)
			access++;
		else if (r->gfp == GFP_KERNEL)
			kernel++;
		else if (r->gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO))
			anon++;
		else if (r->gfp == GFP_HIGHUSER_MOVABLE)
			file++;
	}
	CHECK_EQ(kernel, 30);
	CHECK_EQ(anon, 120);
	CHECK_EQ(file, 20);
	CHECK_EQ(access, 20);
	CHECK(rs.r[79].gfp == GFP_KERNEL && rs.r[80].kind == TR_ALLOC && rs.r[80].gfp != GFP_KERNEL);
	/* Layout: ids 81..150 at records 80..149.  Then free + alloc of the same id with the
	 * same gfp, every id once, not in layout order. */
	bool seen[71] = { false }, same = true, in_order = true;
	unsigned settled = 0;
	for (size_t i = 150; i + 1 < rs.nr; i++) {
		if (rs.r[i].kind != TR_FREE)
			continue;
		uint64_t n = rs.r[i].id & ~IMPORT_PREFILL_ID_BIT;
		same &= rs.r[i + 1].kind == TR_ALLOC && rs.r[i + 1].id == rs.r[i].id && n >= 81 && n <= 150 &&
			rs.r[i + 1].gfp == rs.r[n - 1].gfp && !seen[n - 80];
		if (n >= 81 && n <= 150)
			seen[n - 80] = true;
		in_order &= n == 81 + settled;
		settled++;
	}
	CHECK_EQ(settled, 70);
	CHECK(same);
	CHECK(!in_order);
	free(rs.r);
}

/* The movable order-0 pages' kinds come in runs of one per-cpu refill (pf_next_kind):
 * 12 inactive anon and 4 inactive file pages in use, batch 4.  By hand, the kind furthest
 * behind its share at each run's start (lag = (done + 1) x share - done of the kind):
 *   at 0: anon 1 x 12/16 = 0.75, file 0.25                -> anon x 4
 *   at 4: anon 5 x 0.75 - 4 = -0.25, file 5 x 0.25 = 1.25 -> file x 4
 *   at 8: anon 9 x 0.75 - 4 = 2.75, file 2.25 - 4         -> anon x 4
 *   at 12: file is done                                   -> anon x 4
 * so the layout is AAAA FFFF AAAA AAAA (the page-by-page mix gave AAFA AAFA AAFA AAFA). */
static void test_prefill_kind_runs(void)
{
	static const char zi_text[] = "Node 0, zone   Normal\n  pages free     1008\n        min      2\n"
				      "        present  1024\n        managed  1024\n"
				      "      nr_zone_inactive_anon 12\n      nr_zone_inactive_file 4\n"
				      "  pagesets\n    cpu: 0\n              count:    0\n              batch:    4\n";
	struct recs rs = { 0 };
	struct import_prefill_stats st;
	prefill_text(zi_text, &rs, &st);
	char got[17] = { 0 };
	unsigned n = 0;
	for (size_t i = 0; i < rs.nr && rs.r[i].kind == TR_ALLOC && n < 16; i++)
		got[n++] = rs.r[i].gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO) ? 'A'
			   : rs.r[i].gfp == GFP_HIGHUSER_MOVABLE		 ? 'F'
									 : '?';
	CHECK_EQ(n, 16);
	if (strcmp(got, "AAAAFFFFAAAAAAAA"))
		fprintf(stderr, "layout kinds %s\n", got);
	CHECK(!strcmp(got, "AAAAFFFFAAAAAAAA"));
	free(rs.r);
}

struct rec_src {
	const struct recs *rs;
	size_t i;
};

static int rec_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	struct rec_src *a = ctx;
	(void)err;
	if (a->i == a->rs->nr)
		return 0;
	*rec = a->rs->r[a->i++];
	return 1;
}

/* Replay the prefill of zi_text (one Normal zone of 8192 pages; folio sizes from
 * folios, when given) with the free shape of bi_text (NULL: none) on a machine of that
 * zone: min_free_kbytes 128 -> min 32, low 32 + max(8, 8) = 40; one CPU, its per-cpu
 * lists on when pcp_pages >= 0 (pages they must hold at the end), else off (freed holes
 * then merge at once); when free_order >= 0, frees of the folios of that order follow
 * the prefill.  Checks the zone's free blocks against want[] and that kswapd
 * never woke; the records are left in *out when given. */
static struct sim *prefill_sim(const char *zi_text, const struct zoneinfo *folios, const char *bi_text,
			       const uint64_t want[NR_PAGE_ORDERS], int64_t pcp_pages, int free_order,
			       struct import_prefill_stats *st, struct recs *out)
{
	struct zoneinfo zi;
	struct zoneinfo_free_orders fo;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, strlen(zi_text), "zi", &zi, &err), 0);
	if (folios) {
		zi.file_thp_pages = folios->file_thp_pages;
		zi.anon_thp_pages = folios->anon_thp_pages;
		memcpy(zi.file_folio_pages, folios->file_folio_pages, sizeof(zi.file_folio_pages));
	}
	if (bi_text)
		CHECK_EQ(zoneinfo_parse_free_orders_buf(bi_text, strlen(bi_text), "bi", &fo, &err), 0);
	struct recs rs = { 0 };
	CHECK_EQ(import_prefill(&zi, bi_text ? &fo : NULL, 0, 0, collect, &rs, st, &err), 0);
	if (free_order >= 0) { /* then every folio of that order laid out is freed */
		size_t n = rs.nr;
		for (size_t i = 0; i < n && rs.r[i].kind != TR_FREE; i++)
			if (rs.r[i].kind == TR_ALLOC && rs.r[i].order == free_order) {
				struct trace_record f = { .kind = TR_FREE, .id = rs.r[i].id };
				collect(&rs, &f, &err);
			}
	}
	struct config c;
	config_defaults(&c);
	memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
	c.machine.zone_pages[ZONE_NORMAL] = zi.zone[ZONE_NORMAL].managed; /* 8192 but in test_prefill_highatomic */
	c.machine.min_free_kbytes = 128;
	c.machine.pcp = pcp_pages >= 0;
	c.machine.nr_cpus = 1;
	c.devices.swap_pages = 0;
	struct sim *s = calloc(1, sizeof(*s));
	CHECK(s != NULL);
	if (!s || sim_init(s, &c, NULL, &err)) {
		fprintf(stderr, "sim_init: %s\n", err.msg);
		free(rs.r);
		free(s);
		return NULL;
	}
	struct rec_src a = { .rs = &rs };
	struct record_source src = { .next = rec_next, .ctx = &a };
	pcp_set_fixed(&s->mm, true); /* as the replay runs a prefill (import.prefill_records) */
	CHECK_EQ(sim_run(s, &src, &err), 0);
	const struct zone *z = &s->mm.zones[ZONE_NORMAL];
	CHECK_EQ(z->watermark[WMARK_LOW], zi.zone[ZONE_NORMAL].low); /* the floor the prefill planned with */
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		if (z->free_area[o].nr_free != want[o])
			fprintf(stderr, "order %u: %" PRIu64 " free blocks, want %" PRIu64 "\n", o,
				(uint64_t)z->free_area[o].nr_free, want[o]);
		CHECK_EQ(z->free_area[o].nr_free, want[o]);
	}
	if (pcp_pages >= 0)
		CHECK_EQ(z->nr_pcp_pages, (uint64_t)pcp_pages);
	CHECK_EQ(s->mm.vm_events[VM_PAGEOUTRUN], 0); /* kswapd never woken */
	CHECK_EQ(s->mm.vm_events[VM_MMSIM_ALLOC_FAIL], 0);
	if (out)
		*out = rs;
	else
		free(rs.r);
	return s;
}

static void prefill_replay_pcp(const char *zi_text, const struct zoneinfo *folios, const char *bi_text,
			       const uint64_t want[NR_PAGE_ORDERS], int64_t pcp_pages, int free_order,
			       struct import_prefill_stats *st, struct recs *out)
{
	struct sim *s = prefill_sim(zi_text, folios, bi_text, want, pcp_pages, free_order, st, out);
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* The same without per-cpu lists, the simulator left for the caller to look at (and
 * sim_destroy), *z its Normal zone. */
static struct sim *prefill_replay_sim(const char *zi_text, const char *bi_text, const uint64_t want[NR_PAGE_ORDERS],
				      struct import_prefill_stats *st, const struct zone **z)
{
	struct sim *s = prefill_sim(zi_text, NULL, bi_text, want, -1, -1, st, NULL);
	*z = s ? &s->mm.zones[ZONE_NORMAL] : NULL;
	return s;
}

static void prefill_replay_folios(const char *zi_text, const struct zoneinfo *folios, const char *bi_text,
				  const uint64_t want[NR_PAGE_ORDERS], struct import_prefill_stats *st,
				  struct recs *out)
{
	prefill_replay_pcp(zi_text, folios, bi_text, want, -1, -1, st, out);
}

static void prefill_replay(const char *zi_text, const char *bi_text, const uint64_t want[NR_PAGE_ORDERS],
			   struct import_prefill_stats *st)
{
	prefill_replay_folios(zi_text, NULL, bi_text, want, st, NULL);
}

/* The prefill reproduces a given buddyinfo exactly.  Capture: free 2099 = 3 x o0 +
 * 2 x o1 + 1 x o2 + 1 x o3 + 1 x o5 + 2 x o10, in use 6093 = 6043 inactive anon + 50
 * active file (no kernel pages, so no leftovers).
 * Every block below order 10 is a hole: 3 + 4 + 4 + 8 + 32 = 51 pages, so the tail is
 * 2099 - 51 = 2048 pages, the zone's last two order-10 blocks; while the holes are
 * allocated the zone has those 2048 free, above the floor (low 40 + batch 0 + 1), so no
 * order-10 block in use is needed to make room. */
static void test_prefill_buddyinfo_exact(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2099\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 6043\n      nr_zone_active_file 50\n";
	static const char bi_text[] = "Node 0, zone   Normal      3      2      1      1      0      1"
				      "      0      0      0      0      2 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 2 };
	struct import_prefill_stats st;
	prefill_replay(zi_text, bi_text, want, &st);
	CHECK_EQ(st.nr_pages, 6093);
	CHECK_EQ(st.nr_hole_pages, 51);
}

/* The per-cpu pages in whole pageblocks (pf_plan_zone, machine.pcp_start[].blocks).
 * Capture: free 2048 = 2 x o10 (4 pageblocks), 1024 pages on CPU 0's list, in use
 * 8192 - 2048 - 1024 = 5120 anon pages.  The capture allocated 5 pageblocks whole in blocks
 * nothing had freed into (whole_first): one more than the buddy's 4, so 1 pageblock of the
 * list's pages is left whole, the other 1024 - 512 = 512 are order-0 holes.  Without it
 * all 1024 are holes; with whole_first 9 (5 beyond the buddy's) the list's 1024 pages hold
 * only 2 whole blocks, and no hole is left.
 * Replayed (lists on, untuned; the prefill's holes freed onto the list are drained back
 * when the list starts): the 5120 pages in use and the 512 holes, each alone between two
 * pages in use (no cluster size given), fill pfns 0..5631, the tail is 5632..8191: the o9
 * at 5632 and o10 at 6144 and 7168.  The list then starts with its 512 holes and, for its
 * 1 block, the smallest free block of order >= 9: the o9 at 5632.  So it holds 1024 pages,
 * its tail (drained first) 5632..6143, and the buddy is the capture's: 2 x o10, no
 * order-0 page. */
static void test_prefill_pcp_blocks(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2048\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 5120\n"
		"  pagesets\n    cpu: 0\n              count:    1024\n              batch:    1\n";
	static const char bi_text[] = "Node 0, zone   Normal      0      0      0      0      0      0"
				      "      0      0      0      0      2 \n";
	static const uint64_t whole[3] = { 0, 5, 9 }, want_blocks[3] = { 0, 1, 2 }, want_holes[3] = { 1024, 512, 0 };
	struct zoneinfo zi;
	struct zoneinfo_free_orders fo;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, strlen(zi_text), "zi", &zi, &err), 0);
	CHECK_EQ(zoneinfo_parse_free_orders_buf(bi_text, strlen(bi_text), "bi", &fo, &err), 0);
	struct import_prefill_stats st;
	for (int i = 0; i < 3; i++) {
		zi.whole_first[ZONE_NORMAL] = whole[i];
		CHECK_EQ(import_prefill(&zi, &fo, 0, 0, NULL, NULL, &st, &err), 0);
		CHECK_EQ(st.pcp_blocks[ZONE_NORMAL], want_blocks[i]);
		CHECK_EQ(st.nr_hole_pages, want_holes[i]);
		CHECK_EQ(st.nr_pages, 5120);
	}
	zi.whole_first[ZONE_NORMAL] = 5;
	struct recs rs = { 0 };
	CHECK_EQ(import_prefill(&zi, &fo, 0, 0, collect, &rs, &st, &err), 0);
	struct config c;
	config_defaults(&c);
	memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
	c.machine.zone_pages[ZONE_NORMAL] = 8192;
	c.machine.min_free_kbytes = 128;
	c.machine.pcp = true;
	c.machine.pcp_autotune = false;
	c.machine.nr_cpus = 1;
	c.devices.swap_pages = 0;
	c.machine.nr_pcp_start = 1;
	c.machine.pcp_start[0] =
		(struct pcp_start_config){ .zone = ZONE_NORMAL, .cpu = 0, .count = 1024, .blocks = 1 };
	struct sim *s = calloc(1, sizeof(*s));
	CHECK(s != NULL);
	if (!s || sim_init(s, &c, NULL, &err)) {
		free(rs.r);
		free(s);
		return;
	}
	struct rec_src a = { .rs = &rs };
	struct record_source src = { .next = rec_next, .ctx = &a };
	pcp_set_fixed(&s->mm, true); /* the prefill */
	CHECK_EQ(sim_run(s, &src, &err), 0);
	const struct zone *z = &s->mm.zones[ZONE_NORMAL];
	CHECK(s->mm.pages[z->start_pfn + 5632].flags & PF_BUDDY);
	CHECK_EQ(s->mm.pages[z->start_pfn + 5632].order, 9);
	pcp_set_fixed(&s->mm, false); /* the capture's first record: the lists start */
	const struct per_cpu_pages *p = &z->pcp[0];
	CHECK_EQ(p->count, 1024);
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
		CHECK_EQ(z->free_area[o].nr_free, o == MAX_PAGE_ORDER ? 2u : 0u);
	const struct pcp_list *l = &p->lists[pcp_pindex(MIGRATE_MOVABLE, 0)];
	CHECK_EQ(l->pfn[(l->head + l->n - 1) & (l->cap - 1)], z->start_pfn + 6143);
	CHECK(mm_check_full(&s->mm));
	CHECK_EQ(s->mm.vm_events[VM_PAGEOUTRUN], 0);
	sim_destroy(s);
	free(s);
	free(rs.r);
}

/* Each order's holes spread over the whole zone (pf_next_hole_order), not a rare order's
 * all at its start.  Capture: free 2086 = 6 x o0 + 2 x o4 + 2 x o10, in use 6106 anon
 * pages; the tail is the last two order-10 blocks.  The next hole is the order whose next
 * one is due soonest at (2 done + 1) / (2 total) of the way (ties to the lower order):
 * o0 1/12 < o4 1/4; o0 3/12 = o4 -> o0; o4 1/4 < o0 5/12; o0 5/12, 7/12, 9/12 (= o4's 3/4:
 * o0); o4 3/4 < o0 11/12; o0: the orders 0 0 4 0 0 0 4 0 (taking one of each order in
 * turn gave 0 4 0 4 0 0 0 0, both order-4 holes in the first half).  No density: the
 * pages in use before each hole are those left over the holes left + 1: 6106 / 9 = 678,
 * hole at 678; 5428 / 8 = 678, at 1357; 4750 / 7 = 678 to 2035, then 12 to align to 16:
 * the o4 hole at 2048; 4060 / 6 = 676, at 2740; 3384 / 5 = 676, at 3417; 2708 / 4 = 677,
 * at 4095; 2031 / 3 = 677 to 4772 and 11 to align: the o4 hole at 4784; 1343 / 2 = 671,
 * at 5471; the last 672 pages in use fill 5472..6143. */
static void test_prefill_holes_orders_spread(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2086\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 6106\n";
	static const char bi_text[] = "Node 0, zone   Normal      6      0      0      0      2      0"
				      "      0      0      0      0      2 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 6, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2 };
	static const pfn_t o0_at[6] = { 678, 1357, 2740, 3417, 4095, 5471 }, o4_at[2] = { 2048, 4784 };
	struct import_prefill_stats st;
	const struct zone *z;
	struct sim *s = prefill_replay_sim(zi_text, bi_text, want, &st, &z);
	if (!s)
		return;
	CHECK_EQ(st.nr_hole_pages, 38);
	for (unsigned i = 0; i < 6; i++) {
		const struct page_frame *p = &s->mm.pages[z->start_pfn + o0_at[i]];
		CHECK((p->flags & PF_BUDDY) && p->order == 0);
	}
	for (unsigned i = 0; i < 2; i++) {
		const struct page_frame *p = &s->mm.pages[z->start_pfn + o4_at[i]];
		CHECK((p->flags & PF_BUDDY) && p->order == 4);
	}
	CHECK(!(s->mm.pages[z->start_pfn + 2047].flags & PF_BUDDY));
	CHECK(!(s->mm.pages[z->start_pfn + 6143].flags & PF_BUDDY));
	CHECK(s->mm.pages[z->start_pfn + 6144].flags & PF_BUDDY);
	sim_destroy(s);
	free(s);
}

/* The holes cluster as the capture's free pages did.  Capture: free 2112 = 64 x o0 +
 * 2 x o10, in use 8192 - 2112 = 6080 anon pages; the tail is the last two order-10 blocks,
 * so the 6080 pages and 64 holes fill pageblocks 0..11 (6144 pages).
 * Without a density every hole is its own cluster, the pages in use left spread evenly
 * over the holes left: 6080 / 65 = 93 before the first (at 93), (6080 - 93) / 64 = 93
 * before the second (at 187), and so on to the last at 6049: all 12 blocks hold some.
 * With free_sum 64 and free_sq 2048 (d = 2048 / 64 = 32 free pages in the typical free
 * page's block): clusters of 32 holes, (512 - 32) / 32 = 15 pages in use between two holes
 * of a cluster; 2 clusters need 64 × 480 / 32 = 960 such pages, and the other 5120 go
 * evenly round them: 5120 / 3 = 1706 before the first hole (at 1706), the cluster's other
 * 31 at 1706 + 16 i (to 2202); then (3909 - 480) / 2 = 1714 more, the second cluster from
 * 2203 + 1714 = 3917 to 4413; the last 1730 pages in use after it.  So blocks 3, 4, 7 and 8
 * hold the holes: 22, 10, 12 and 20 of them.  Both layouts give the same buddyinfo. */
static void test_prefill_holes_cluster(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2112\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 6080\n";
	static const char bi_text[] = "Node 0, zone   Normal     64      0      0      0      0      0"
				      "      0      0      0      0      2 \n";
	for (int clustered = 0; clustered <= 1; clustered++) {
		struct zoneinfo zi;
		struct zoneinfo_free_orders fo;
		struct sim_error err = { 0 };
		CHECK_EQ(zoneinfo_parse_buf(zi_text, strlen(zi_text), "zi", &zi, &err), 0);
		CHECK_EQ(zoneinfo_parse_free_orders_buf(bi_text, strlen(bi_text), "bi", &fo, &err), 0);
		if (clustered)
			zi.free_sum[ZONE_NORMAL] = 64, zi.free_sq[ZONE_NORMAL] = 2048;
		struct recs rs = { 0 };
		struct import_prefill_stats st;
		CHECK_EQ(import_prefill(&zi, &fo, 0, 0, collect, &rs, &st, &err), 0);
		struct config c;
		config_defaults(&c);
		memset(c.machine.zone_pages, 0, sizeof(c.machine.zone_pages));
		c.machine.zone_pages[ZONE_NORMAL] = 8192;
		c.machine.min_free_kbytes = 128;
		c.machine.pcp = false;
		c.machine.nr_cpus = 1;
		c.devices.swap_pages = 0;
		struct sim *s = calloc(1, sizeof(*s));
		CHECK(s != NULL);
		if (!s || sim_init(s, &c, NULL, &err)) {
			free(rs.r);
			free(s);
			continue;
		}
		struct rec_src a = { .rs = &rs };
		struct record_source src = { .next = rec_next, .ctx = &a };
		pcp_set_fixed(&s->mm, true);
		CHECK_EQ(sim_run(s, &src, &err), 0);
		const struct zone *z = &s->mm.zones[ZONE_NORMAL];
		CHECK_EQ(z->free_area[0].nr_free, 64);
		CHECK_EQ(z->free_area[MAX_PAGE_ORDER].nr_free, 2);
		unsigned per_block[16] = { 0 }, blocks = 0;
		for (pfn_t i = 0; i < 8192; i++) {
			const struct page_frame *p = &s->mm.pages[z->start_pfn + i];
			if ((p->flags & PF_BUDDY) && p->order == 0) {
				per_block[i / 512]++;
			}
		}
		for (unsigned b = 0; b < 16; b++)
			blocks += per_block[b] != 0;
		if (clustered) {
			CHECK_EQ(blocks, 4);
			CHECK_EQ(per_block[3], 22);
			CHECK_EQ(per_block[4], 10);
			CHECK_EQ(per_block[7], 12);
			CHECK_EQ(per_block[8], 20);
			for (unsigned i = 0; i < 32; i++) {
				CHECK(s->mm.pages[z->start_pfn + 1706 + 16 * i].flags & PF_BUDDY);
				CHECK(s->mm.pages[z->start_pfn + 3917 + 16 * i].flags & PF_BUDDY);
			}
		} else {
			CHECK_EQ(blocks, 12);
			CHECK(s->mm.pages[z->start_pfn + 93].flags & PF_BUDDY);
			CHECK(s->mm.pages[z->start_pfn + 187].flags & PF_BUDDY);
		}
		sim_destroy(s);
		free(s);
		free(rs.r);
	}
}

/* The prefill reproduces a given pagetypeinfo: free blocks by order and migratetype.
 * Capture (pagetypeinfo, with its block-count table, which the parser skips): Unmovable
 * 1 x o0 + 1 x o2, Reclaimable 1 x o1, Movable 2 x o0 + 1 x o1 + 1 x o3 + 1 x o5 +
 * 2 x o10: free 2099, in use 6093 = 4002 inactive anon + 50 active file + 2041 kernel and
 * slab, 1022 of it reclaimable slab (nr_slab_reclaimable), so 1019 kernel pages.
 * The kernel pages and their 5 hole pages fill the first order-10 block exactly
 * (1019 + 5 = 1024: no leftover), packed: a page in use at 0, the o0 hole at 1 (1 is
 * aligned to no larger order), pages in use at 2 and 3 (no o0 hole left, 3 not 4-aligned),
 * the o2 hole at 4..7, the other 1016 pages at 8..1023.  The slab pages and their o1 hole
 * fill the second (1022 + 2): pages in use at 0 and 1, the hole at 2..3, 1020 pages after
 * it.  The movable holes are the rest of the
 * target: 2 x o0, 1 x o1, 1 x o3, 1 x o5 (44 pages), and the tail the last two order-10
 * blocks (2048).  51 hole pages in all, as with the buddyinfo alone. */
static void test_prefill_pagetypeinfo_exact(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2099\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 4002\n      nr_zone_active_file 50\n"
		"      nr_slab_reclaimable 1022\n      nr_slab_unreclaimable 900\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      1      0      1      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Movable      2      1      0      1      0      1      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      1      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n\n"
		"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
		"Node 0, zone   Normal            2           12            2            0            0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 2 };
	struct zoneinfo_free_orders fo;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_free_orders_buf(pt_text, strlen(pt_text), "pt", &fo, &err), 0);
	CHECK(fo.seen_mt[ZONE_NORMAL]);
	CHECK_EQ(fo.nr_free[ZONE_NORMAL][0], 3);
	CHECK_EQ(fo.nr_free_mt[ZONE_NORMAL][MIGRATE_UNMOVABLE][2], 1);
	CHECK_EQ(fo.nr_free_mt[ZONE_NORMAL][MIGRATE_RECLAIMABLE][1], 1);
	CHECK_EQ(fo.nr_free_mt[ZONE_NORMAL][MIGRATE_MOVABLE][10], 2);
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 6093);
	CHECK_EQ(st.nr_hole_pages, 51);
	static const uint64_t want_mt[MIGRATE_PCPTYPES][NR_PAGE_ORDERS] = {
		[MIGRATE_UNMOVABLE] = { 1, 0, 1 },
		[MIGRATE_MOVABLE] = { 2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 2 },
		[MIGRATE_RECLAIMABLE] = { 0, 1 },
	};
	for (unsigned mt = 0; z && mt < MIGRATE_PCPTYPES; mt++)
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			if (z->free_area[o].nr_free_mt[mt] != want_mt[mt][o])
				fprintf(stderr, "%s order %u: %" PRIu64 " free, want %" PRIu64 "\n", migratetype_names[mt],
					o, (uint64_t)z->free_area[o].nr_free_mt[mt], want_mt[mt][o]);
			CHECK_EQ(z->free_area[o].nr_free_mt[mt], want_mt[mt][o]);
		}
	/* where the typed holes are: by the hand layout above */
	if (z) {
		const struct page_frame *pages = s->mm.pages;
		pfn_t base = z->start_pfn;
		CHECK(pages[base + 1].flags & PF_BUDDY);
		CHECK_EQ(pages[base + 1].order, 0);
		CHECK(pages[base + 4].flags & PF_BUDDY);
		CHECK_EQ(pages[base + 4].order, 2);
		CHECK(pages[base + 1024 + 2].flags & PF_BUDDY);
		CHECK_EQ(pages[base + 1024 + 2].order, 1);
	}
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* The kernel region ends on an order-10 boundary (pf_plan_zone): pagetypeinfo counts every
 * free unmovable page, so the rest of its last block was in use.  Capture: Unmovable
 * 1 x o0 + 1 x o2, Movable 2 x o0 + 1 x o1 + 1 x o3 + 1 x o5 + 2 x o10: free 2097; in use
 * 6095 = 5345 inactive anon + 50 active file + 700 kernel (no reclaimable slab).  The
 * kernel pages and their 5 hole pages end at 705; no per-cpu lists (a batch of 1), so the
 * region is padded to 1024 with 319 of the movable pages in use: 1019 kernel pages.  The
 * free unmovable blocks are then the capture's alone, where the 319 pages left free had
 * made 2 x o0, 1 x o1, 2 x o2 and one each of o3, o4, o5 and o8 (705..1023) more.  The
 * kernel region packed: a page in use at 0, the o0 hole at 1, pages at 2 and 3, the o2
 * hole at 4..7, in use 8..1023. */
static void test_prefill_region_end(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2097\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 5345\n      nr_zone_active_file 50\n"
		"      nr_slab_unreclaimable 700\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      1      0      1      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Movable      2      1      0      1      0      1      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 1, 1, 1, 0, 1, 0, 0, 0, 0, 2 };
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 6095);
	static const uint64_t want_mt[MIGRATE_PCPTYPES][NR_PAGE_ORDERS] = {
		[MIGRATE_UNMOVABLE] = { 1, 0, 1 },
		[MIGRATE_MOVABLE] = { 2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 2 },
	};
	for (unsigned mt = 0; z && mt < MIGRATE_PCPTYPES; mt++)
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
			CHECK_EQ(z->free_area[o].nr_free_mt[mt], want_mt[mt][o]);
	if (z) {
		const struct page_frame *pages = s->mm.pages;
		pfn_t base = z->start_pfn;
		CHECK(pages[base + 1].flags & PF_BUDDY);
		CHECK(pages[base + 4].flags & PF_BUDDY);
		CHECK_EQ(pages[base + 4].order, 2);
		CHECK(!(pages[base + 705].flags & PF_BUDDY));
		CHECK(!(pages[base + 1023].flags & PF_BUDDY));
		CHECK_EQ(mm_zone_pageblock(&s->mm, z, base + 512)->mt, MIGRATE_UNMOVABLE);
	}
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* The same zone with one of its free order-10 blocks Unmovable (pagetypeinfo): a hole is
 * below MAX_PAGE_ORDER, so that block is left to the movable tail as the other two are
 * (free 3121 = 5 unmovable + 2092 movable + 1024; in use 6095 - 1024 = 5071 = 4321
 * inactive anon + 50 active file + 700 kernel), and the kernel region is padded to 1024
 * as in test_prefill_region_end: its free unmovable blocks are the o0 and the o2 alone.
 * Counted among the region's holes, the order-10 block had left the region 1024 pages
 * short of its pad, the 319 past 705 free again. */
static void test_prefill_region_end_max_order(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     3121\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 4321\n      nr_zone_active_file 50\n"
		"      nr_slab_unreclaimable 700\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      1      0      1      0      0      0      0      0      0      0      1 \n"
		"Node    0, zone   Normal, type      Movable      2      1      0      1      0      1      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 1, 1, 1, 0, 1, 0, 0, 0, 0, 3 };
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 5071);
	static const uint64_t want_unmovable[NR_PAGE_ORDERS] = { 1, 0, 1 };
	for (unsigned o = 0; z && o < NR_PAGE_ORDERS; o++)
		CHECK_EQ(z->free_area[o].nr_free_mt[MIGRATE_UNMOVABLE], want_unmovable[o]);
	if (z)
		CHECK(!(s->mm.pages[z->start_pfn + 1023].flags & PF_BUDDY));
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* A region with few pages of its type in use and many free blocks of it (pf_plan_zone,
 * pf_region_holes): 20 kernel pages, Unmovable 2 x o0 + 4 x o8 free (1,026 pages, 6
 * holes), Movable 2 x o10; free 3074, in use 5118 = 5098 inactive anon + 20 kernel.  The
 * region needs max(20, 2 x 6) + 1026 = 1046 pages: two order-10 blocks (2048), so all six
 * holes fit and 2048 - 20 - 1026 = 1002 anon pages pad it (1022 kernel pages).  Packed:
 * in use at 0, o0 hole at 1, in use at 2, o0 hole at 3, in use 4..255, o8 holes at 256,
 * 768, 1280 and 1792, each after 256 pages in use (512.., 1024.., 1536..): 1022 pages in
 * use in all.  With the old rule (one hole per two pages in use, 20 pages) the o8 holes
 * had no room: the 20 pages reach no 256-aligned place. */
static void test_prefill_region_holes(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     3074\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 5098\n      nr_slab_unreclaimable 20\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      2      0      0      0      0      0      0      0      4      0      0 \n"
		"Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 2, 0, 0, 0, 0, 0, 0, 0, 4, 0, 2 };
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 5118);
	if (z) {
		CHECK_EQ(z->free_area[8].nr_free_mt[MIGRATE_UNMOVABLE], 4);
		CHECK_EQ(z->free_area[0].nr_free_mt[MIGRATE_UNMOVABLE], 2);
		CHECK_EQ(z->free_area[10].nr_free_mt[MIGRATE_MOVABLE], 2);
		const struct page_frame *pages = s->mm.pages;
		pfn_t base = z->start_pfn;
		for (unsigned k = 0; k < 4; k++) {
			CHECK(pages[base + 256 + 512 * k].flags & PF_BUDDY);
			CHECK_EQ(pages[base + 256 + 512 * k].order, 8);
			CHECK_EQ(mm_zone_pageblock(&s->mm, z, base + 512 * k)->mt, MIGRATE_UNMOVABLE);
		}
		CHECK(pages[base + 3].flags & PF_BUDDY);
		CHECK(!(pages[base + 2047 - 256].flags & PF_BUDDY));
		CHECK_EQ(mm_zone_pageblock(&s->mm, z, base + 2048)->mt, MIGRATE_MOVABLE); /* two blocks */
	}
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* A region that must grow past the blocks its pages fill (pf_region_holes): 20 kernel
 * pages and Unmovable 8 x o8 free (2,048 pages); Movable 2 x o10; free 4096, in use 4096
 * = 4076 inactive anon + 20 kernel.  Pages in use and holes fill 2068 pages, three blocks,
 * but then only 3072 - 2048 = 1024 pages are in use, and an o8 hole needs the 256 pages of
 * its buddy in use (a page before it, and no free buddy to merge with): the packing places
 * 4.  So the region grows to four blocks, 2048 pages in use (20 kernel, 2028 pad), the o8
 * holes at 256, 768, ..., 3840, and the movable pages begin at 4096. */
static void test_prefill_region_grows(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     4096\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 4076\n      nr_slab_unreclaimable 20\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0      0      8      0      0 \n"
		"Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      2 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 2 };
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 4096);
	if (z) {
		CHECK_EQ(z->free_area[8].nr_free_mt[MIGRATE_UNMOVABLE], 8);
		const struct page_frame *pages = s->mm.pages;
		pfn_t base = z->start_pfn;
		for (unsigned k = 0; k < 8; k++) {
			CHECK(pages[base + 256 + 512 * k].flags & PF_BUDDY);
			CHECK_EQ(mm_zone_pageblock(&s->mm, z, base + 512 * k)->mt, MIGRATE_UNMOVABLE);
		}
		CHECK_EQ(mm_zone_pageblock(&s->mm, z, base + 4096)->mt, MIGRATE_MOVABLE);
	}
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* A free highatomic reserve (pf_plan_zone, hint highatomic).  Capture: a 65536-page zone
 * (1 % of it, 655 pages, allows one reserved pageblock; low 32 + 65536 x 10 / 10000 = 97
 * with min_free_kbytes 128), Movable 2 x o0 + 1 x o1 + 1 x o3 +
 * 1 x o5 + 2 x o10 and HighAtomic 1 x o9: free 2604; in use 62932 = 62882 inactive anon +
 * 50 active file.  Every block below order 10 is a hole, the o9 one reserved while
 * allocated: 44 + 512 = 556 hole pages; its pages return to the HighAtomic list and stay
 * one o9 block (a highatomic block merges with no other type), the zone reserves 512
 * pages, and the buddyinfo is the capture's. */
static void test_prefill_highatomic(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2604\n        min      32\n        low      97\n"
		"        high     162\n        spanned  65536\n        present  65536\n        managed  65536\n"
		"      nr_zone_inactive_anon 62882\n      nr_zone_active_file 50\n";
	static const char pt_text[] =
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type      Movable      2      1      0      1      0      1      0      0      0      0      2 \n"
		"Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
		"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      1      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 2, 1, 0, 1, 0, 1, 0, 0, 0, 1, 2 };
	struct zoneinfo_free_orders fo;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_free_orders_buf(pt_text, strlen(pt_text), "pt", &fo, &err), 0);
	CHECK_EQ(fo.nr_free_highatomic[ZONE_NORMAL][9], 1);
	CHECK_EQ(fo.nr_free[ZONE_NORMAL][9], 1);
	struct import_prefill_stats st;
	const struct zone *z = NULL;
	struct sim *s = prefill_replay_sim(zi_text, pt_text, want, &st, &z);
	CHECK_EQ(st.nr_pages, 62932);
	CHECK_EQ(st.nr_hole_pages, 556);
	CHECK_EQ(st.highatomic_blocks[ZONE_NORMAL], 1);
	if (z) {
		CHECK_EQ(z->free_area[9].nr_free_mt[MIGRATE_HIGHATOMIC], 1);
		CHECK_EQ(z->free_area[9].nr_free_mt[MIGRATE_MOVABLE], 0);
		CHECK_EQ(z->nr_reserved_highatomic, 512);
		CHECK_EQ(z->nr_free_highatomic, 512);
		CHECK_EQ(z->nr_blocks_mt[MIGRATE_HIGHATOMIC], 1);
	}
	if (s) {
		sim_destroy(s);
		free(s);
	}
}

/* A zone captured with less free memory than a replay may take it to: 40 free pages
 * (20 x o0, 5 x o2) against the floor 41 (low 40 + 1).  It starts 1 page short (in use
 * 8192 - 41 = 8151, warned), all 40 target pages are holes, so while they are allocated only the
 * tail's 41 - 40 = 1 page would be free: one order-10 block more stays unallocated
 * (lump), the tail is pages 7167..8191 = 1 x o0 + 1 x o10, and after the holes are freed
 * an order-10 allocation in use takes the o10 block.  Final: o0 20 + 1, o2 5. */
static void test_prefill_lump(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     40\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 8152\n";
	static const char bi_text[] = "Node 0, zone   Normal     20      0      5      0      0      0"
				      "      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 21, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct import_prefill_stats st;
	prefill_replay(zi_text, bi_text, want, &st);
	CHECK_EQ(st.short_pages[ZONE_NORMAL], 1);
	CHECK_EQ(st.nr_pages, 8151);
	CHECK_EQ(st.nr_hole_pages, 40);
}

/* The zone of test_prefill_lump with its anon pages all unevictable (mlocked): in use
 * 8151 (one page short), all of it LRU anon, so the unevictable budget is
 * 8151 x 8152 / 8152 = 8151 pages.  The lump (a MAX_PAGE_ORDER block standing for fully
 * used blocks) is anon taken out of those pages, so it is mlocked as every page it stands
 * for: the mlocked objects cover all 8151 pages, the lump's 1024 included. */
static void test_prefill_lump_mlocked(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     40\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_unevictable 8152\n";
	static const char bi_text[] = "Node 0, zone   Normal     20      0      5      0      0      0"
				      "      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 21, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct import_prefill_stats st;
	struct recs rs = { 0 };
	prefill_replay_pcp(zi_text, NULL, bi_text, want, -1, -1, &st, &rs);
	uint64_t mlocked = 0, lumps = 0, lumps_mlocked = 0;
	for (size_t i = 0; i < rs.nr; i++) {
		if (rs.r[i].kind != TR_HINT || rs.r[i].arg != HINT_MLOCK)
			continue;
		unsigned order = 0; /* the order of its last ALLOC before the hint */
		for (size_t j = i; j-- > 0;)
			if (rs.r[j].kind == TR_ALLOC && rs.r[j].id == rs.r[i].id) {
				order = rs.r[j].order;
				break;
			}
		mlocked += 1ull << order;
		lumps_mlocked += order == MAX_PAGE_ORDER;
	}
	for (size_t i = 0; i < rs.nr; i++)
		lumps += rs.r[i].kind == TR_ALLOC && rs.r[i].order == MAX_PAGE_ORDER;
	CHECK_EQ(lumps, 1);
	CHECK_EQ(lumps_mlocked, 1);
	CHECK_EQ(mlocked, 8151);
	free(rs.r);
}

/* The dirty marks come last, once the zone is laid out as at the capture's start: the zone
 * of test_prefill_lump with its 8152 LRU pages inactive file, 800 of them write_pending:
 * in use 8151 (one page short), 8151 x 800 / 8152 = 799 dirty marks.  The prefill's last
 * 799 records are those marks, after the lump's allocation and the holes' frees.  Replayed:
 * at the last mark the zone has its 41 free pages (all under totalreserve, high 48), and
 * the file LRU is the 8151 - 1024 = 7127 pages the lump (anon) does not stand for, so the
 * background threshold is 7127 x 10 / 100 = 712: the 713th mark goes over it and starts a
 * background work (balance_dirty_pages), a chunk of 7127 x 20 / 100 / 8 = 178 pages
 * rounded to (178 + 1024) / 1024 = 1 x 1024, which writes all 713; the last 86 marks stay
 * dirty (86 < 712).  Marked before the lump and the holes (free 1 + 1024 = 1025, dirtyable
 * 1025 - 48 + 7127 = 8104, threshold 810), none was written. */
static void test_prefill_dirty_last(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     40\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_file 8152\n      nr_zone_write_pending 800\n";
	static const char bi_text[] = "Node 0, zone   Normal     20      0      5      0      0      0"
				      "      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 21, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct import_prefill_stats st;
	struct recs rs = { 0 };
	struct sim *s = prefill_sim(zi_text, NULL, bi_text, want, -1, -1, &st, &rs);
	size_t first_dirty = rs.nr, nr_dirty = 0, last_other = 0;
	for (size_t i = 0; i < rs.nr; i++) {
		if (rs.r[i].kind == TR_DIRTY) {
			nr_dirty++;
			first_dirty = MIN(first_dirty, i);
		} else {
			last_other = i;
		}
	}
	CHECK_EQ(nr_dirty, 799);
	CHECK_EQ(first_dirty, rs.nr - 799);
	CHECK(last_other < first_dirty);
	if (s) {
		CHECK_EQ(s->mm.lruvec.nr_pages[LRU_INACTIVE_FILE] + s->mm.lruvec.nr_pages[LRU_ACTIVE_FILE], 7127);
		CHECK_EQ(s->mm.vm_events[VM_NR_DIRTIED], 799);
		CHECK_EQ(reclaim_nr_dirty(&s->mm), 86);
		CHECK_EQ(reclaim_nr_writeback(&s->mm) + s->mm.vm_events[VM_NR_WRITTEN], 713);
		sim_destroy(s);
		free(s);
	}
	free(rs.r);
}

/* The movable ALLOC records of the prefill's layout (before the LRU settling frees
 * anything), by order; *first9 is the index of the first order-9 one. */
static void layout_orders(const struct recs *rs, uint64_t nr[NR_PAGE_ORDERS], size_t *first9)
{
	memset(nr, 0, NR_PAGE_ORDERS * sizeof(*nr));
	*first9 = SIZE_MAX;
	for (size_t i = 0; i < rs->nr && rs->r[i].kind != TR_FREE; i++) {
		if (rs->r[i].kind != TR_ALLOC || rs->r[i].order >= NR_PAGE_ORDERS)
			continue;
		nr[rs->r[i].order]++;
		if (rs->r[i].order == 9 && *first9 == SIZE_MAX)
			*first9 = i;
	}
}

/* FileHugePages = 2 MiB = 512 pages, all of the node's page cache in this zone (1050
 * active file pages, 5043 inactive anon: in use 6093 as in test_prefill_buddyinfo_exact,
 * same free shape): exactly one order-9 file folio among 6093 - 512 = 5581 order-0 pages
 * in use and 51 hole pages (8 holes).  The folio is spread over 5632 - (2 * 1024 + 2) =
 * 3582 order-0 allocations (no pcp batch in the text: refill 2): due once
 * 512 * 3582 <= 2 * done * 512, done >= 1791, at an even count: 1792.  Holes before it:
 * 620 pages, hole o0 at 620; 620 more, pad 1, hole o1 at 1242..1243 (1244 allocations);
 * then 4340 / 7 = 620 pages before the o2 hole, among which the folio comes at 1792:
 * record 1792, offsets 2048..2559 (roundup to 512), the 256 pages it skipped filled
 * next.  The free blocks are still exactly { 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 2 }.  The
 * settling frees and allocates the folio again at order 9, file (no __GFP_ZERO). */
static void test_prefill_file_thp(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2099\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 5043\n      nr_zone_active_file 1050\n";
	static const char bi_text[] = "Node 0, zone   Normal      3      2      1      1      0      1"
				      "      0      0      0      0      2 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 2 };
	struct zoneinfo folios = { .file_thp_pages = 512 };
	struct import_prefill_stats st;
	struct recs rs = { 0 };
	prefill_replay_folios(zi_text, &folios, bi_text, want, &st, &rs);
	CHECK_EQ(st.nr_pages, 6093);
	CHECK_EQ(st.nr_hole_pages, 51);
	CHECK_EQ(st.nr_folios[9], 1);
	uint64_t nr[NR_PAGE_ORDERS];
	size_t first9;
	layout_orders(&rs, nr, &first9);
	CHECK_EQ(nr[9], 1);
	CHECK_EQ(nr[0], 5581 + 51);
	CHECK_EQ(first9, 1792);
	if (first9 == 1792) {
		uint64_t id = rs.r[first9].id;
		CHECK_EQ(rs.r[first9].gfp, GFP_HIGHUSER_MOVABLE | __GFP_COMP);
		unsigned again = 0;
		for (size_t i = first9 + 1; i < rs.nr; i++)
			if (rs.r[i].id == id && rs.r[i].kind == TR_ALLOC)
				again += rs.r[i].order == 9 && rs.r[i].gfp == rs.r[first9].gfp;
		CHECK_EQ(again, 1);
	}
	free(rs.r);
}

/* A zone captured near its low watermark with a THP in its page cache: free 100 (100 x o0)
 * against low 40.  An order-9 folio passes the fast path only while free - 511 > 40, so the
 * floor is 40 + max(batch 0 + 1, 512) = 552, not 41: in use 8192 - 552 = 7640, 452 pages
 * short of the capture's 8092 (warned).  With the old floor the folio's allocation found
 * the zone under 552 free, took the slow path, woke kswapd and replayed the rest of the
 * prefill as measured work (the held-out writeback capture: 5.29 M allocations against
 * the kernel's 66,791); prefill_sim checks that kswapd never woke and nothing failed.
 * The 100 target pages are order-0 holes; the other 452 free pages are a tail ending on an
 * order-10 boundary (1024 | 8192), so it starts at 1024k - 452 = 4 (mod 1024): an o2, then
 * o6, o7, o8 up to the boundary (4 + 64 + 128 + 256 = 452).  Free blocks:
 * o0 100, o2 1, o6 1, o7 1, o8 1. */
static void test_prefill_floor_folio(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     100\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 7042\n      nr_zone_active_file 1050\n";
	static const char bi_text[] = "Node 0, zone   Normal    100      0      0      0      0      0"
				      "      0      0      0      0      0 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 100, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0 };
	struct zoneinfo folios = { .file_thp_pages = 512 };
	struct import_prefill_stats st;
	prefill_replay_folios(zi_text, &folios, bi_text, want, &st, NULL);
	CHECK_EQ(st.short_pages[ZONE_NORMAL], 452);
	CHECK_EQ(st.nr_pages, 7640);
	CHECK_EQ(st.nr_folios[9], 1);
}

/* The rest of the page cache in the folio sizes the capture saw evicted: pages by order
 * {0: 2, 2: 1} (and order-9 pages, which FileHugePages stands for: left out of the
 * shares).  1200 inactive file pages, no FileHugePages: a third in order-2 folios, 400
 * pages = 100 folios (a whole number of per-cpu refills: no batch in the text, so 2),
 * the other 800 order-0.  The folios go in groups of a refill, 2 folios = 8 pages, spread
 * over 5693 + 51 - 2050 = 3694 order-0 allocations: group k is due once
 * (16k + 8) * 3694 <= 2 * done * 400, done >= (2k + 1) * 36.94, at an even count: group 0
 * at 38 (offset 38, rounded up to 40: folios 40..47, 38..39 filled next), group 1 at 112
 * (records 114 and 115: offset 48 + 72 = 120, 4-aligned, folios 120..127).  The free shape of
 * test_prefill_buddyinfo_exact still comes out exactly. */
static void test_prefill_file_folio_mix(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2099\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 4893\n      nr_zone_inactive_file 1200\n";
	static const char bi_text[] = "Node 0, zone   Normal      3      2      1      1      0      1"
				      "      0      0      0      0      2 \n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 3, 2, 1, 1, 0, 1, 0, 0, 0, 0, 2 };
	struct zoneinfo folios = { .file_folio_pages = { [0] = 2, [2] = 1, [9] = 3 } };
	struct import_prefill_stats st;
	struct recs rs = { 0 };
	prefill_replay_folios(zi_text, &folios, bi_text, want, &st, &rs);
	CHECK_EQ(st.nr_pages, 6093);
	CHECK_EQ(st.nr_hole_pages, 51);
	uint64_t nr[NR_PAGE_ORDERS];
	size_t first9;
	layout_orders(&rs, nr, &first9);
	for (unsigned o = 1; o < NR_PAGE_ORDERS; o++) {
		CHECK_EQ(st.nr_folios[o], o == 2 ? 100 : 0);
		CHECK_EQ(nr[o], o == 2 ? 100 : 0);
	}
	CHECK_EQ(nr[0], 6093 - 400 + 51);
	/* every order-2 folio is file (no __GFP_ZERO); the first two groups where derived */
	bool file = true;
	size_t at[4] = { 0 }, n2 = 0;
	for (size_t i = 0; i < rs.nr && rs.r[i].kind != TR_FREE; i++) {
		if (rs.r[i].kind != TR_ALLOC || rs.r[i].order != 2)
			continue;
		file &= rs.r[i].gfp == (GFP_HIGHUSER_MOVABLE | __GFP_COMP);
		if (n2 < 4)
			at[n2] = i;
		n2++;
	}
	CHECK(file);
	CHECK_EQ(n2, 100);
	CHECK_EQ(at[0], 38);
	CHECK_EQ(at[1], 39);
	CHECK_EQ(at[2], 114);
	CHECK_EQ(at[3], 115);
	free(rs.r);
}

/* The same with the per-cpu lists on (one CPU; batch 1 for 8192 pages, as zone_batchsize
 * gives it and the text's pageset says): a refill takes max(batch >> order, 2) = 2 blocks
 * at orders 0..3.  1188 inactive file pages, a third in order-2 folios: 396 pages = 99
 * folios, rounded down to whole refills: 98 (392 pages); the other 4905 + 796 = 5701
 * pages are order-0.  No free shape: all free memory is the tail.  Layout, largest
 * first: the folios pack offsets 0..391, the order-0 pages 392..6092, and the last
 * refill (5701 is odd) leaves offset 6093 on the per-cpu list.  Free: 6094..8191 =
 * o1 at 6094, o4 at 6096, o5 at 6112, o10 at 6144 and 7168; 1 page on the pcp list.
 * (With 99 folios the 100th block a refill took, 396..399, would stay on the order-2
 * list and every page after it would be 4 further on: o2 + o3 ... instead.) */
static void test_prefill_folios_pcp(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     2099\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 4905\n      nr_zone_inactive_file 1188\n"
		"  pagesets\n    cpu: 0\n              count:    0\n              batch:    1\n";
	static const uint64_t want[NR_PAGE_ORDERS] = { 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 2 };
	struct zoneinfo folios = { .file_folio_pages = { [0] = 2, [2] = 1 } };
	struct import_prefill_stats st;
	prefill_replay_pcp(zi_text, &folios, NULL, want, 1, -1, &st, NULL);
	CHECK_EQ(st.nr_pages, 6093);
	CHECK_EQ(st.nr_folios[2], 98);
}

/* The folios mixed with the order-0 pages.  In use 4130 = 3074 inactive anon + 1056
 * inactive file; FileHugePages 1024 (two order-9 file folios), the other 32 file pages
 * half in order-2 folios: 4, two refills of 2 (no batch in the text).  Groups by
 * Bresenham over the 1040 folio pages: o9 (lag 0.98 against 0.02), o2 (at 512 done: 7.9
 * against -6.9), o9 (at 520: 0.98 against 0.02), o2.  The 3090 order-0 pages (no holes)
 * spread them over 3090 - 2050 = 1040: a group is due once done >= folio pages so far +
 * half the group's:
 *   o9 at 256: offset 256 rounded up to 512, folio 512..1023; pages 256..511 next;
 *   o2 x 2 at 516: offset 1024 + 4 = 1028, folios 1028..1035;
 *   o9 at 776: offset 1036 + 260 = 1296, rounded up: folio 1536..2047; 1296..1535 next;
 *   o2 x 2 at 1036: offset 2048 + 20 = 2068, folios 2068..2075;
 * the last 2054 pages 2076..4129.  Free: 4130..8191 = o1, o2, o3, o4, o6, o7, o8, o9,
 * 3 x o10; the same with the per-cpu lists on (whole refills: none left on a list).
 * Reclaiming the folios frees each alone, its buddy in use: + 4 x o2, + 2 x o9 (laid
 * out together, the two o9 would merge into one o10). */
static void test_prefill_folios_mixed(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     4062\n        min      32\n        low      40\n"
		"        high     48\n        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_anon 3074\n      nr_zone_inactive_file 1056\n";
	struct zoneinfo folios = { .file_thp_pages = 1024, .file_folio_pages = { [0] = 1, [2] = 1 } };
	static const uint64_t want[NR_PAGE_ORDERS] = { 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 3 };
	static const uint64_t want_freed[NR_PAGE_ORDERS] = { 0, 1, 5, 1, 1, 0, 1, 1, 1, 1, 3 };
	struct import_prefill_stats st;
	struct recs rs = { 0 };
	prefill_replay_pcp(zi_text, &folios, NULL, want, -1, -1, &st, &rs);
	CHECK_EQ(st.nr_pages, 4130);
	CHECK_EQ(st.nr_folios[9], 2);
	CHECK_EQ(st.nr_folios[2], 4);
	/* layout records: the folios after 256, 516, 776 and 1036 order-0 pages */
	size_t at[6] = { 0 }, nf = 0;
	for (size_t i = 0; i < rs.nr && rs.r[i].kind != TR_FREE; i++)
		if (rs.r[i].kind == TR_ALLOC && rs.r[i].order && nf < 6)
			at[nf++] = i;
	CHECK_EQ(nf, 6);
	static const size_t want_at[6] = { 256, 517, 518, 779, 1040, 1041 };
	static const unsigned want_order[6] = { 9, 2, 2, 9, 2, 2 };
	for (size_t i = 0; i < nf; i++) {
		CHECK_EQ(at[i], want_at[i]);
		CHECK_EQ(rs.r[at[i]].order, want_order[i]);
	}
	free(rs.r);
	prefill_replay_pcp(zi_text, &folios, NULL, want, 0, -1, &st, NULL);
	prefill_replay_pcp(zi_text, &folios, NULL, want_freed, -1, 2, &st, NULL);
	static const uint64_t want_freed9[NR_PAGE_ORDERS] = { 0, 1, 1, 1, 1, 0, 1, 1, 1, 3, 3 };
	prefill_replay_pcp(zi_text, &folios, NULL, want_freed9, -1, 9, &st, NULL);
}

/* FileHugePages 2048 pages = 4 order-9 folios over DMA32 (1000 inactive file) and
 * Normal (3000): by the file LRU, 2048 * 1000 / 4000 = 512 pages in DMA32 (1 folio) and
 * 1536 in Normal (3); once the capture removed pre-capture PMD-sized page cache only in
 * Normal, all 4 go there (DMA32 had none). */
static void test_prefill_file_thp_zones(void)
{
	static const char zi_text[] =
		"Node 0, zone    DMA32\n  pages free     3096\n        min      1\n"
		"        spanned  4096\n        present  4096\n        managed  4096\n"
		"      nr_zone_inactive_file 1000\n  start_pfn:           4096\n"
		"Node 0, zone   Normal\n  pages free     5192\n        min      1\n"
		"        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_file 3000\n  start_pfn:           8192\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "t", &zi, &err), 0);
	zi.file_thp_pages = 2048;
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			zi.file_pmd_removed[ZONE_NORMAL] = 512;
		struct recs rs = { 0 };
		struct import_prefill_stats st;
		CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &rs, &st, &err), 0);
		unsigned dma32 = 0, normal = 0;
		for (size_t i = 0; i < rs.nr; i++) /* each laid out, then allocated again (LRU) */
			if (rs.r[i].kind == TR_ALLOC && rs.r[i].order == 9)
				*(rs.r[i].gfp & __GFP_DMA32 ? &dma32 : &normal) += 1;
		CHECK_EQ(st.nr_folios[9], 4);
		CHECK_EQ(dma32, pass ? 0 : 2);
		CHECK_EQ(normal, pass ? 8 : 6);
		free(rs.r);
	}
}

/* The node's LRU ages pages of every zone together: the prefill settles the zones' pages
 * on it interleaved, each zone in proportion to its LRU pages.  DMA32 1000 and Normal 3000
 * inactive file pages, all in use and order 0.  The next page settled is the zone's with
 * the smallest (2 * settled + 1) / total (ties to the lower zone):
 *   Normal (1/1000 > 1/3000), then DMA32 (1/1000 vs 3/3000: tie), then Normal 3/3000,
 *   5/3000, 7/3000 (each < DMA32's 3/1000 = 9/3000), then DMA32 (9/3000 vs 9/3000: tie),
 *   ... so N D N N N D N N N D ...: of the first 4k + 2 pages settled, k + 1 are DMA32's,
 *   and of all 4000, 1000.  Settled zone by zone, the first 1000 would all be DMA32's. */
static void test_prefill_lru_zones(void)
{
	static const char zi_text[] =
		"Node 0, zone    DMA32\n  pages free     3096\n        min      1\n"
		"        spanned  4096\n        present  4096\n        managed  4096\n"
		"      nr_zone_inactive_file 1000\n  start_pfn:           4096\n"
		"Node 0, zone   Normal\n  pages free     5192\n        min      1\n"
		"        spanned  8192\n        present  8192\n        managed  8192\n"
		"      nr_zone_inactive_file 3000\n  start_pfn:           8192\n";
	struct recs rs = { 0 };
	struct import_prefill_stats st;
	prefill_text(zi_text, &rs, &st);
	/* a settle is a free followed by the allocation of the same id */
	unsigned settled = 0, dma32 = 0, dma32_first402 = 0;
	bool pattern = true;
	for (size_t i = 0; i + 1 < rs.nr; i++) {
		if (rs.r[i].kind != TR_FREE || rs.r[i + 1].kind != TR_ALLOC || rs.r[i + 1].id != rs.r[i].id)
			continue;
		bool d = rs.r[i + 1].gfp & __GFP_DMA32;
		if (settled < 12) /* N D N N N D N N N D N N */
			pattern &= d == (settled % 4 == 1);
		dma32 += d;
		if (settled < 402)
			dma32_first402 += d;
		settled++;
	}
	CHECK_EQ(settled, 4000);
	CHECK_EQ(dma32, 1000);
	CHECK_EQ(dma32_first402, 101);
	CHECK(pattern);
	free(rs.r);
}

/* The capture's reclaim removed pre-capture page cache in the order order-2, order-0,
 * order-1, order-2, order-2 (zi.lru_tail): those folios were the LRU's oldest, so the
 * prefill settles them first.  Normal: managed 110, free 10, 84 inactive anon pages and
 * 16 inactive file pages, half of the file pages in order-0 folios and half in order-2
 * ones (file_folio_pages 1:1): 8 order-0 page cache pages and 2 order-2 folios.  The
 * first three settles are then a page cache folio of order 2, one of order 0 and the
 * other order-2 one; the order-1 removal and the third order-2 one have no folio left
 * and are skipped, so the fourth settle is one of the shuffled rest.  (Without the tail,
 * with 86 anon and file slots shuffled, three page cache slots of those orders first is
 * improbable: the test fails.) */
static void test_prefill_lru_tail(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     10\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 84\n      nr_zone_inactive_file 16\n  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	zi.file_folio_pages[0] = 1;
	zi.file_folio_pages[2] = 1;
	uint8_t tail[] = { ZONEINFO_TAIL(ZONE_NORMAL, 2), ZONEINFO_TAIL(ZONE_NORMAL, 0), ZONEINFO_TAIL(ZONE_NORMAL, 1),
			   ZONEINFO_TAIL(ZONE_NORMAL, 2), ZONEINFO_TAIL(ZONE_NORMAL, 2) };
	zi.lru_tail = tail;
	zi.lru_tail_len = ARRAY_SIZE(tail);
	struct recs rs = { 0 };
	struct import_prefill_stats st;
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &rs, &st, &err), 0);
	/* a settle is a free followed by the allocation of the same id */
	const unsigned want_order[] = { 2, 0, 2 };
	unsigned settled = 0, file_o2 = 0, file_o0 = 0;
	uint64_t first_id[3] = { 0 };
	for (size_t i = 0; i + 1 < rs.nr; i++) {
		const struct trace_record *a = &rs.r[i + 1];
		if (rs.r[i].kind != TR_FREE || a->kind != TR_ALLOC || a->id != rs.r[i].id)
			continue;
		bool file = !(a->gfp & __GFP_ZERO);
		if (settled < 3) {
			CHECK(file);
			CHECK_EQ(a->order, want_order[settled]);
			first_id[settled] = a->id;
		}
		file_o2 += file && a->order == 2;
		file_o0 += file && a->order == 0;
		settled++;
	}
	CHECK_EQ(settled, 84 + 8 + 2);
	CHECK_EQ(file_o2, 2);
	CHECK_EQ(file_o0, 8);
	CHECK(first_id[0] != first_id[2]);
	free(rs.r);
}

/* Frees of pre-capture folios release prefill folios of the same order.  Normal: pfns
 * 1000..1109, managed 110, free 10, in use 84 inactive anon + 16 inactive file, all page
 * cache evicted in order-2 folios: 16 >> 2 = 4 order-2 file folios (a multiple of the
 * refill of 2).  The whole zone is one partial block, which the 84 order-0 (anon) pages,
 * ids 1..84, fill first; it is never full, so the folios go last: ids 85..88.
 *   free pfn 1050 order 2: place 50 * 4 / 110 = 1 among the folios -> id 86;
 *   free pfn 1050 order 0: place 50 * 84 / 110 = 38 among the order-0 pages -> id 39;
 *   free pfn 1100 order 2: place 100 * 4 / 110 = 3 -> id 88;
 *   free pfn 1000 order 1: no order-1 folio: two order-0 pages from place 0, ids 1, 2
 *   (the second implied). */
static void test_free_prefill_folio(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     10\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 84\n      nr_zone_inactive_file 16\n  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	zi.file_folio_pages[2] = 1;
	struct recs rs = { 0 };
	struct import_opts io = { .window_ns = 1, .prefill_zi = &zi };
	struct import *im = import_new(&io, collect, &rs, &err);
	CHECK(im != NULL);
	if (!im)
		return;
	struct ftrace_event in[] = { mkev(1, 1, 1050, false), mkev(2, 2, 1050, false), mkev(3, 3, 1100, false),
				     mkev(4, 4, 1000, false) };
	in[0].order = 2;
	in[2].order = 2;
	in[3].order = 1;
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	const uint64_t want[] = { 86, 39, 88, 1, 2 };
	CHECK_EQ(rs.nr, 5);
	for (size_t i = 0; i < MIN(rs.nr, 5); i++) {
		CHECK_EQ(rs.r[i].kind, TR_FREE);
		CHECK_EQ(rs.r[i].id, IMPORT_PREFILL_ID_BIT | want[i]);
	}
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->free_prefill, 4);
	CHECK_EQ(st->implied - st->by_kind[TR_CPU], 1);
	import_free(im);
	free(rs.r);
}

/* A free of a pre-capture page releases a prefill object of the kind its pageblock most
 * likely had: the migratetype most of the capture's allocations in that block had (the
 * first pass's block votes), movable for mm_page_free_batched (LRU folios only).
 * Normal: pfns 1000..1109, 110 managed, 10 free, in use 60 inactive anon and 40 kernel
 * and slab, 10 of them reclaimable slab: 30 kernel objects, 10 slab, 60 anon, in layout
 * order.  Block 1 (pfns 512..1023) voted unmovable, block 2 (1024..1535) reclaimable.
 *   free 1010 (block 1): kernel object at index (1010 - 1000) * 30 / 110 = 2
 *   free 1030, order 1 (block 2): slab objects at (1030 - 1000) * 10 / 110 = 2, then 3
 *   batched free 1040: anon object at (1040 - 1000) * 60 / 110 = 21
 *   free 1020 (block 1): kernel object at 20 * 30 / 110 = 5 */
static void test_free_prefill_kind(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     10\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 60\n      nr_slab_reclaimable 10\n  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	zi.nr_block_votes = 3;
	zi.block_votes = calloc(3, sizeof(*zi.block_votes));
	CHECK(zi.block_votes != NULL);
	if (!zi.block_votes)
		return;
	zi.block_votes[1] = 5ull << (MIGRATE_UNMOVABLE * ZONEINFO_VOTE_BITS) | 1ull << (MIGRATE_MOVABLE * ZONEINFO_VOTE_BITS);
	zi.block_votes[2] = 7ull << (MIGRATE_RECLAIMABLE * ZONEINFO_VOTE_BITS) | 3ull << (MIGRATE_MOVABLE * ZONEINFO_VOTE_BITS);
	/* the prefill's objects by kind, in layout order */
	struct recs pf = { 0 };
	struct import_prefill_stats pst;
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &pf, &pst, &err), 0);
	uint64_t kern[30], slab[10], anon[60];
	size_t nk = 0, ns = 0, na = 0;
	for (size_t i = 0; i < pf.nr; i++) {
		const struct trace_record *r = &pf.r[i];
		if (r->kind != TR_ALLOC)
			continue;
		if (!(r->gfp & __GFP_MOVABLE) && (r->gfp & __GFP_RECLAIMABLE) && ns < 10)
			slab[ns++] = r->id;
		else if (!(r->gfp & __GFP_MOVABLE) && !(r->gfp & __GFP_RECLAIMABLE) && nk < 30)
			kern[nk++] = r->id;
		else if ((r->gfp & __GFP_MOVABLE) && na < 60)
			anon[na++] = r->id;
	}
	free(pf.r);
	CHECK_EQ(nk, 30);
	CHECK_EQ(ns, 10);
	CHECK_EQ(na, 60);
	struct recs rs = { 0 };
	struct import_opts io = { .window_ns = 1, .prefill_zi = &zi };
	struct import *im = import_new(&io, collect, &rs, &err);
	CHECK(im != NULL);
	if (!im || nk != 30 || ns != 10 || na != 60) {
		zoneinfo_release(&zi);
		return;
	}
	struct ftrace_event in[] = { mkev(1, 1, 1010, false), mkev(2, 2, 1030, false), mkev(3, 3, 1040, false),
				     mkev(4, 4, 1020, false) };
	in[1].order = 1;
	in[2].id = FEV_PAGE_FREE_BATCHED;
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	const uint64_t want[] = { kern[2], slab[2], slab[3], anon[21], kern[5] };
	CHECK_EQ(rs.nr, 5);
	for (size_t i = 0; i < MIN(rs.nr, 5); i++) {
		CHECK_EQ(rs.r[i].kind, TR_FREE);
		CHECK_EQ(rs.r[i].id, want[i]);
	}
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->free_prefill, 4);
	CHECK_EQ(st->free_prefill_kind[0], 1); /* movable */
	CHECK_EQ(st->free_prefill_kind[1], 2); /* kernel */
	CHECK_EQ(st->free_prefill_kind[2], 1); /* reclaimable slab */
	import_free(im);
	free(rs.r);
	zoneinfo_release(&zi);
}

/* What a small prefill's records say about its first 64 objects: the movable ones in
 * layout order (first allocation), the page cache ones in LRU order (allocated again
 * after pf_settle_lru freed them), which are active (accessed) and which marked dirty. */
struct pf_view {
	uint64_t layout[9], nr_layout, lru[9], nr_lru, dirty[9], nr_dirty;
	bool freed[64], active[64];
};

static void pf_read(const struct recs *pf, struct pf_view *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < pf->nr; i++) {
		const struct trace_record *r = &pf->r[i];
		uint64_t n = r->id & ~IMPORT_PREFILL_ID_BIT;
		if (n >= 64)
			continue;
		if (r->kind == TR_FREE)
			v->freed[n] = true;
		else if (r->kind == TR_ALLOC && (r->gfp & __GFP_MOVABLE) && !v->freed[n] && v->nr_layout < 9)
			v->layout[v->nr_layout++] = n;
		else if (r->kind == TR_ALLOC && v->freed[n] && !(r->gfp & __GFP_ZERO) && v->nr_lru < 9)
			v->lru[v->nr_lru++] = n;
		else if (r->kind == TR_ACCESS)
			v->active[n] = true;
		else if (r->kind == TR_DIRTY && v->nr_dirty < 9)
			v->dirty[v->nr_dirty++] = n;
	}
}

/* Reclaim evicting page cache cached before the capture: a prefill page cache object
 * stands for each evicted folio, taken in the order reclaim meets them.  Normal: pfns
 * 1000..1109, managed 110, free 10, in use 4 inactive anon, 3 inactive file and 2 active
 * file pages.  The prefill puts them on the LRU in a fixed shuffled order; reading that
 * order off its records (a settled object is freed and allocated again, an active one
 * then accessed twice), the file objects in reclaim order are the 3 inactive ones, in
 * LRU order, then the 2 active ones.  kswapd deletes offsets 0..5 of ino 7 (pfns the
 * capture never allocated): the first five claim those objects in that order, the sixth
 * finds none left.  Then a task reads offset 1 again into pfn 0x200: its new object is
 * freed and the second claimed object is accessed (a refault).  A free of a pre-capture
 * page at the place of the first claimed object in the layout (place p of the 9 movable
 * objects: pfn 1000 + ceil(p * 110 / 9)) skips the claimed file objects and releases the
 * next anon object in layout order (wrapping to the first). */
static void test_evict_prefill_file(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     101\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 4\n      nr_zone_inactive_file 3\n      nr_zone_active_file 2\n"
		"  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	/* the prefill's own records: layout order and LRU order */
	struct recs pf = { 0 };
	struct import_prefill_stats pst;
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &pf, &pst, &err), 0);
	struct pf_view v;
	pf_read(&pf, &v);
	const uint64_t *layout = v.layout, *lru = v.lru, nr_layout = v.nr_layout, nr_lru = v.nr_lru;
	const bool *active = v.active;
	CHECK_EQ(nr_layout, 9);
	CHECK_EQ(nr_lru, 5);
	uint64_t want_claim[5], k = 0;
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t i = 0; i < nr_lru; i++)
			if (active[lru[i]] == (pass == 1))
				want_claim[k++] = IMPORT_PREFILL_ID_BIT | lru[i];
	CHECK_EQ(k, 5);
	CHECK(!active[want_claim[0] & 63] && !active[want_claim[2] & 63] && active[want_claim[3] & 63]);
	uint64_t p = 0, freed_anon = 0;
	while (p < nr_layout && layout[p] != (want_claim[0] & 63))
		p++;
	/* the next object after p in layout order that is not a page cache one */
	for (uint64_t i = 0; i < nr_layout && !freed_anon; i++) {
		uint64_t n = layout[(p + i) % nr_layout];
		bool file = false;
		for (uint64_t j = 0; j < nr_lru; j++)
			file |= lru[j] == n;
		if (!file)
			freed_anon = n;
	}
	CHECK(freed_anon != 0);

	struct recs rs = { 0 };
	struct import_opts io = { .window_ns = 1, .prefill_zi = &zi };
	struct import *im = import_new(&io, collect, &rs, &err);
	CHECK(im != NULL);
	if (!im)
		return;
	struct ftrace_event in[9];
	for (unsigned i = 0; i < 6; i++)
		in[i] = fev(1 + i, FEV_FILEMAP_DELETE, "kswapd0", 36, 1050 + i, 7, i);
	in[6] = fev(10, FEV_PAGE_ALLOC, "cat", 10, 0x200, 0, 0);
	in[7] = fev(11, FEV_FILEMAP_ADD, "cat", 10, 0x200, 7, 1);
	in[8] = mkev(12, 12, 1000 + (p * 110 + 8) / 9, false);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		CHECK_EQ(import_event(im, &in[i], &err), 0);
	CHECK_EQ(import_finish(im, &err), 0);
	const uint64_t B = 1ull << 32 | 0x200;
	const struct { uint8_t kind; uint64_t id; } want[] = {
		{ TR_ALLOC, B }, { TR_FREE, B }, { TR_ACCESS, want_claim[1] },
		{ TR_FREE, IMPORT_PREFILL_ID_BIT | freed_anon },
	};
	CHECK_EQ(rs.nr, ARRAY_SIZE(want));
	for (size_t i = 0; i < MIN(rs.nr, ARRAY_SIZE(want)); i++) {
		CHECK_EQ(rs.r[i].kind, want[i].kind);
		CHECK_EQ(rs.r[i].id, want[i].id);
	}
	const struct import_stats *st = import_get_stats(im);
	CHECK_EQ(st->evict_prefill, 5);
	CHECK_EQ(st->refault, 1);
	CHECK_EQ(st->free_prefill, 1);
	CHECK_RECONCILED(st);
	import_free(im);
	free(rs.r);
	free(pf.r);
}

/* Dirty page cache at capture start: Normal as in test_evict_prefill_file (4 inactive
 * anon, 3 inactive file, 2 active file in use) with nr_zone_write_pending 4: 9 LRU pages
 * * 4 / 9 = 4 dirty marks, on the file pages put on the LRU last: the 3 inactive ones,
 * newest first, then the newest active one. */
static void test_prefill_dirty(void)
{
	static const char zi_text[] =
		"Node 0, zone   Normal\n  pages free     101\n        min      0\n        low      0\n"
		"        high     0\n        spanned  110\n        present  110\n        managed  110\n"
		"      nr_zone_inactive_anon 4\n      nr_zone_inactive_file 3\n      nr_zone_active_file 2\n"
		"      nr_zone_write_pending 4\n  start_pfn:           1000\n";
	struct zoneinfo zi;
	struct sim_error err = { 0 };
	CHECK_EQ(zoneinfo_parse_buf(zi_text, sizeof(zi_text) - 1, "zi", &zi, &err), 0);
	CHECK_EQ(zi.zone[ZONE_NORMAL].write_pending, 4);
	struct recs pf = { 0 };
	struct import_prefill_stats pst;
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &pf, &pst, &err), 0);
	CHECK_EQ(pst.nr_records, pf.nr);
	struct pf_view v;
	pf_read(&pf, &v);
	const uint64_t *lru = v.lru, *dirty = v.dirty, nr_lru = v.nr_lru, nr_dirty = v.nr_dirty;
	const bool *active = v.active;
	CHECK_EQ(nr_lru, 5);
	uint64_t want[4], k = 0;
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t i = nr_lru; i-- > 0;)
			if (active[lru[i]] == (pass == 1) && k < 4)
				want[k++] = lru[i];
	CHECK_EQ(k, 4);
	CHECK_EQ(nr_dirty, 4);
	for (uint64_t i = 0; i < MIN(nr_dirty, 4); i++)
		CHECK_EQ(dirty[i], want[i]);
	CHECK(active[want[3]] && !active[want[2]]);
	free(pf.r);
	/* Dated over the last 32 s (zi.dirty_age_span_ms): four pages, each at the middle of
	 * its quarter, oldest first: 32000 x (1 - 1/8, 3/8, 5/8, 7/8) = 28000, 20000, 12000,
	 * 4000 ms, the same pages in the same order. */
	zi.dirty_age_span_ms = 32000;
	pf = (struct recs){ 0 };
	CHECK_EQ(import_prefill(&zi, NULL, 0, 0, collect, &pf, &pst, &err), 0);
	CHECK_EQ(pst.nr_dirty_pages, 4);
	static const int32_t ages[4] = { 28000, 20000, 12000, 4000 };
	unsigned nd = 0;
	for (size_t i = 0; i < pf.nr; i++)
		if (pf.r[i].kind == TR_DIRTY) {
			CHECK(nd < 4 && pf.r[i].arg == ages[nd] && (pf.r[i].id & ~IMPORT_PREFILL_ID_BIT) == want[nd]);
			nd++;
		}
	CHECK_EQ(nd, 4);
	free(pf.r);
}

/* The flusher's phase at the start (import_prefill_flusher), by hand: a 5-s period, 30-s
 * expiry. */
static void test_prefill_flusher(void)
{
	struct zoneinfo zi = { 0 };
	/* the first periodic work 2.607 s after the first event: 5000 - 2607 = 2393 ms in */
	zi.first_event_ns = 665039307000ull, zi.last_event_ns = 669023000000ull;
	zi.first_kupdate_ns = 667646716000ull;
	CHECK_EQ(import_prefill_flusher(&zi, 0, 1), 2393);
	CHECK_EQ(zi.dirty_age_span_ms, 32393);
	CHECK_EQ(import_prefill_flusher(&zi, 7, -1), 2393); /* the capture says: no seed */
	/* none in a 2.016-s capture that traced the flusher: the phase was below 5000 - 2016 =
	 * 2984 ms; seed 0 takes the middle, 1492 */
	zi.first_kupdate_ns = 0;
	zi.last_event_ns = zi.first_event_ns + 2016000000ull;
	CHECK_EQ(import_prefill_flusher(&zi, 0, 1), 1492);
	CHECK_EQ(zi.dirty_age_span_ms, 31492);
	/* not traced (or no capture.json): the whole period, 2500 */
	CHECK_EQ(import_prefill_flusher(&zi, 0, -1), 2500);
	CHECK_EQ(import_prefill_flusher(&zi, 0, 0), 2500);
	/* other seeds stay inside the room */
	for (uint64_t seed = 1; seed < 200; seed++)
		CHECK(import_prefill_flusher(&zi, seed, 1) < 2984);
	/* a capture longer than the period that saw none: the whole period again */
	zi.last_event_ns = zi.first_event_ns + 6000000000ull;
	CHECK_EQ(import_prefill_flusher(&zi, 0, 1), 2500);
}

static void test_meta_text(void)
{
	char b[12];
	CHECK_STR(import_meta_text(b, sizeof(b), "  a\tb\x80 "), "a?b?");
	CHECK_STR(import_meta_text(b, sizeof(b), "/very/long/path.gz"), ".../path.gz");
	CHECK_STR(import_meta_text(b, sizeof(b), "12345678901"), "12345678901");
}

static int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run_cmd(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The .dat and the report text of the same capture give the same records; report
 * prints microseconds (rounded), the .dat holds nanoseconds, so times compare rounded. */
static void test_dat_equals_report(void)
{
	char pr[4096], pd[4096];
	if (!HAVE_LIBTRACECMD) {
		tl_skip_test("built without libtracecmd: trace.dat cannot be read");
		return;
	}
	if (!real_capture("compile-thp/report.txt.gz", pr, sizeof(pr)) ||
	    !real_capture("compile-thp/trace.dat", pd, sizeof(pd))) {
		tl_skip_test("tests/data/real/compile-thp/{report.txt.gz,trace.dat} missing");
		return;
	}
	struct recs a, b;
	struct ftrace_read_stats sa, sb;
	struct import *ia = run_import(pr, &a, &sa, false);
	struct import *ib = run_import(pd, &b, &sb, false);
	CHECK(ia && ib);
	if (!ia || !ib)
		goto out;
	CHECK_EQ(a.nr, b.nr);
	size_t diff = 0;
	for (size_t i = 0; i < MIN(a.nr, b.nr); i++) {
		const struct trace_record *x = &a.r[i], *y = &b.r[i];
		bool same = x->time_ns == (y->time_ns + 500) / 1000 * 1000 && x->kind == y->kind &&
			    x->id == y->id && x->task == y->task && x->order == y->order &&
			    x->gfp == y->gfp && x->count == y->count && x->arg == y->arg;
		if (!same && diff++ < 3)
			fprintf(stderr, "record %zu differs: %s id %#llx vs %s id %#llx\n", i,
				trace_kind_names[x->kind], (unsigned long long)x->id,
				trace_kind_names[y->kind], (unsigned long long)y->id);
	}
	CHECK_EQ(diff, 0);
	CHECK_EQ(sa.nr_events, sb.nr_events);
	CHECK_EQ(memcmp(import_get_stats(ia)->obs, import_get_stats(ib)->obs,
			sizeof(import_get_stats(ia)->obs)), 0);
	/* End to end: with --usec both give the same .mmt.txt, provenance keys aside. */
	const char *mmsim = getenv("MMSIM");
	if (mmsim) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/dat", tl_tmpdir());
		CHECK(mkdir(dir, 0777) == 0);
		CHECK_EQ(run_cmd("%s import --usec %s -o %s/r.mmt.txt 2>/dev/null", mmsim, pr, dir), 0);
		CHECK_EQ(run_cmd("%s import --usec %s -o %s/d.mmt.txt 2>/dev/null", mmsim, pd, dir), 0);
		CHECK_EQ(run_cmd("cd %s && grep -v -e source -e import.lines r.mmt.txt > r && "
				 "grep -v -e source -e import.lines d.mmt.txt > d && cmp -s r d", dir), 0);
	}
out:
	free(a.r);
	free(b.r);
	import_free(ia);
	import_free(ib);
}

/* The tracefs `trace` capture: faults and page-cache writeback are placed. */
static void test_tracefs_small(void)
{
	char p[4096];
	if (!real_capture("tracefs-small/trace.txt.gz", p, sizeof(p))) {
		tl_skip_test("tests/data/real/tracefs-small/trace.txt.gz is missing");
		return;
	}
	struct recs rs;
	struct ftrace_read_stats st;
	struct import *im = run_import(p, &rs, &st, false);
	CHECK(im != NULL);
	if (!im)
		return;
	const struct import_stats *s = import_get_stats(im);
	/* README: 61,447 events, none dropped; page events as counted by grep */
	CHECK_EQ(st.nr_errors, 0);
	CHECK_EQ(st.nr_unknown, 0);
	CHECK_EQ(s->nr_read, 61447);
	CHECK_EQ(s->by_event[FEV_PAGE_ALLOC], 19735);
	CHECK_EQ(s->by_event[FEV_PAGE_FAULT_USER], 11971);
	CHECK_EQ(s->by_event[FEV_FILEMAP_ADD], 9165);
	CHECK_EQ(s->by_event[FEV_WRITEBACK_DIRTY_FOLIO], 33);
	/* each fault is an ACCESS, a first touch, or unresolved; each dirty a DIRTY or unmapped */
	CHECK_EQ(s->by_kind[TR_ACCESS] + s->fault_first_touch + s->fault_unresolved, 11971);
	CHECK_EQ(s->by_kind[TR_DIRTY] + s->dirty_unmapped, 33);
	CHECK(s->by_kind[TR_DIRTY] > 0);
	CHECK(s->fault_first_touch > 0);
	CHECK_RECONCILED(s);
	free(rs.r);
	import_free(im);
}

static bool exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

/* An import that saw no event has no task table: import_tasks() says 0 and sorts nothing
 * (qsort() on a NULL base is undefined even for zero elements; UBSan builds catch it). */
static void test_empty_tasks(void)
{
	struct sim_error err = { 0 };
	struct recs out = { 0 };
	struct import_opts io = { .source = "empty" };
	struct import *im = import_new(&io, collect, &out, &err);
	CHECK(im != NULL);
	if (!im)
		return;
	CHECK_EQ(import_finish(im, &err), 0);
	const struct import_task *t = NULL;
	CHECK_EQ(import_tasks(im, &t), 0);
	import_free(im);
	free(out.r);
}

static void test_cli(void)
{
	const char *mmsim = getenv("MMSIM");
	if (!mmsim) {
		tl_skip_test("MMSIM (the mmsim binary) is not set; run through meson test");
		return;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/cli", tl_tmpdir());
	CHECK(mkdir(dir, 0777) == 0);
	char out[4200], in[4096], zi[4096], mal[4096], bin[4096];
	snprintf(in, sizeof(in), "%s", data("scenario.trace.gz"));
	snprintf(zi, sizeof(zi), "%s", data("zoneinfo.small"));
	snprintf(mal, sizeof(mal), "%s", data("malformed.trace"));
	snprintf(bin, sizeof(bin), "%s", data("not_a_trace.bin"));
	snprintf(out, sizeof(out), "%s/s.mmt.txt", dir);

	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, in, out), 0);
	CHECK(exists(out));
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(out, &err);
	CHECK(r != NULL);
	if (r) {
		const struct trace_header *h = trace_reader_header(r);
		CHECK_STR(trace_meta_get(h, "importer"), "ftrace");
		CHECK_STR(trace_meta_get(h, "observed.kswapd_wake"), "1");
		CHECK_STR(trace_meta_get(h, "import.events_read"), "59");
		CHECK_STR(trace_meta_get(h, "import.emitted"), "14");
		CHECK_STR(trace_meta_get(h, "import.dropped"), "39");
		CHECK_STR(trace_meta_get(h, "import.unmatched"), "6");
		CHECK_STR(trace_meta_get(h, "task.100"), "app");
		CHECK_STR(trace_meta_get(h, "task.400"), "dev");
		CHECK(trace_meta_get(h, "source_sha256") != NULL);
		struct trace_record rec;
		size_t n = 0;
		int rc;
		while ((rc = trace_read(r, &rec, &err)) == 1)
			n++;
		CHECK_EQ(rc, 0);
		CHECK_EQ(n, 15 + 3); /* + a cpu record before each of the three tasks' first */
		CHECK_EQ(h->version, 3);
		trace_close(r);
	}
	/* trace_pipe style: no header, from stdin */
	char piped[4300];
	snprintf(piped, sizeof(piped), "%s/piped.mmt.gz", dir);
	CHECK_EQ(run_cmd("grep -v '^#' %s | %s import - -o %s 2>/dev/null", data("scenario.trace"), mmsim, piped), 0);
	CHECK(exists(piped));
	/* a native trace given as input: refused, wrong file type */
	char again[4300];
	snprintf(again, sizeof(again), "%s/again.mmt.gz", dir);
	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, out, again), 65);
	CHECK(!exists(again));
	/* bad input: exit 65 with the line, nothing written */
	snprintf(out, sizeof(out), "%s/bad.mmt.gz", dir);
	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, mal, out), 65);
	CHECK(!exists(out));
	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, bin, out), 65);
	CHECK(!exists(out));
	/* an empty input: "no events", exit 65, nothing written */
	char empty[4300];
	snprintf(empty, sizeof(empty), "%s/empty.trace", dir);
	FILE *ef = fopen(empty, "w");
	CHECK(ef != NULL);
	if (ef)
		fclose(ef);
	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, empty, out), 65);
	CHECK(!exists(out));
	CHECK_EQ(run_cmd(": | %s import - -o %s 2>/dev/null", mmsim, out), 65);
	CHECK(!exists(out));
	CHECK_EQ(run_cmd("%s import %s/none -o %s 2>/dev/null", mmsim, dir, out), 66);
	CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, dir, out), 66);
	CHECK_EQ(run_cmd("%s import 2>/dev/null", mmsim), 64);
	char dat[4096];
	if (!HAVE_LIBTRACECMD && real_capture("compile-thp/trace.dat", dat, sizeof(dat))) {
		/* a .dat without libtracecmd: 69, nothing written */
		CHECK_EQ(run_cmd("%s import %s -o %s 2>/dev/null", mmsim, dat, out), 69);
		CHECK(!exists(out));
	}
	CHECK_EQ(run_cmd("%s import %s --window-us x 2>/dev/null", mmsim, in), 64);
	/* lenient: written, with the malformed lines counted */
	CHECK_EQ(run_cmd("%s import %s --lenient --summary -o %s > %s/sum.txt", mmsim, mal, out, dir), 0);
	CHECK(exists(out));
	char sum[4200];
	snprintf(sum, sizeof(sum), "%s/sum.txt", dir);
	FILE *fp = fopen(sum, "r");
	char buf[8192] = { 0 };
	if (fp) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = 0;
		fclose(fp);
	}
	CHECK(strstr(buf, "parse errors                   8  (first at line 3)") != NULL);
	/* each malformed line listed with its column: line 3 lacks order=, line 4 is garbage */
	CHECK(strstr(buf, "line 3:") != NULL && strstr(buf, "no field order=") != NULL);
	CHECK(strstr(buf, "line 4:1: no [cpu] column") != NULL);
	/* zoneinfo -> machine YAML */
	snprintf(out, sizeof(out), "%s/machine.yaml", dir);
	CHECK_EQ(run_cmd("%s import --zoneinfo %s -o %s", mmsim, zi, out), 0);
	fp = fopen(out, "r");
	memset(buf, 0, sizeof(buf));
	if (fp) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = 0;
		fclose(fp);
	}
	CHECK(strstr(buf, "min_free_kbytes: 67584") != NULL);
	CHECK(strstr(buf, "normal: 5394266") != NULL); /* managed pages */
	CHECK(strstr(buf, "dma32: 772915") != NULL);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_empty_tasks);
	RUN(test_scenario);
	RUN(test_reorder);
	RUN(test_cpu_records);
	RUN(test_manual_compaction);
	RUN(test_refault);
	RUN(test_import_command_tree);
	RUN(test_defer_start);
	RUN(test_boost_wake_pending);
	RUN(test_stats_start_file_low);
	RUN(test_scan_start);
	RUN(test_skip_walks);
	RUN(test_swapin);
	RUN(test_refault_parts);
	RUN(test_refault_companions);
	RUN(test_writeback_rate);
	RUN(test_untraced_refaults);
	RUN(test_refault_census_shadows);
	RUN(test_thp_fallback_probe);
	RUN(test_thp_fallback_range);
	RUN(test_failed_attempt);
	RUN(test_thp_first_attempt_mask);
	RUN(test_fsync_waits);
	RUN(test_free_prefill);
	RUN(test_invalid);
	RUN(test_zoneinfo_pagesets);
	RUN(test_prefill);
	RUN(test_prefill_kind_runs);
	RUN(test_prefill_buddyinfo_exact);
	RUN(test_prefill_holes_cluster);
	RUN(test_prefill_holes_orders_spread);
	RUN(test_prefill_pcp_blocks);
	RUN(test_pcp_blocks_split);
	RUN(test_prefill_free_start);
	RUN(test_prefill_pagetypeinfo_exact);
	RUN(test_prefill_region_end);
	RUN(test_prefill_region_end_max_order);
	RUN(test_prefill_region_holes);
	RUN(test_prefill_region_grows);
	RUN(test_prefill_highatomic);
	RUN(test_free_prefill_kind);
	RUN(test_prefill_lump);
	RUN(test_prefill_lump_mlocked);
	RUN(test_prefill_file_thp);
	RUN(test_prefill_floor_folio);
	RUN(test_prefill_file_folio_mix);
	RUN(test_prefill_folios_pcp);
	RUN(test_prefill_folios_mixed);
	RUN(test_prefill_file_thp_zones);
	RUN(test_prefill_lru_zones);
	RUN(test_prefill_lru_tail);
	RUN(test_prefill_evictions_tail);
	RUN(test_free_prefill_folio);
	RUN(test_evict_prefill_file);
	RUN(test_prefill_dirty);
	RUN(test_prefill_flusher);
	RUN(test_prefill_dirty_last);
	RUN(test_meta_text);
	RUN(test_compile_thp);
	RUN(test_dat_equals_report);
	RUN(test_tracefs_small);
	RUN(test_cli);
	return TEST_END();
}
