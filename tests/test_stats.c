/* Run outputs: latency histograms and quantiles, the timeseries sampler and its
 * fragmentation columns, summary.json (validated by a small JSON parser), and the run
 * directory (atomic files, snapshots).  Expected values are worked by hand in comments. */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "json_check.h"
#include "testlib.h"

#include <ctype.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mm/compaction.h"
#include "stats/latency.h"
#include "stats/rundir.h"
#include "stats/summary.h"
#include "stats/timeseries.h"

/* ---- a minimal JSON validator (RFC 8259 grammar, no semantics) ------------------------ */

static void test_json_validator(void)
{
	/* The validator itself must reject what JSON forbids. */
	CHECK(json_check_valid("{\"a\": [1, -2.5e3, \"x\\n\", true, null, {}]}"));
	CHECK(!json_check_valid("{\"a\": 01}"));
	CHECK(!json_check_valid("{\"a\": nan}"));
	CHECK(!json_check_valid("{\"a\": \"tab\there\"}"));
	CHECK(!json_check_valid("{\"a\": 1,}"));
	CHECK(!json_check_valid("{\"a\": 1} x"));
}

/* ---- latency -------------------------------------------------------------------------- */

static void test_latency_buckets(void)
{
	/* bucket = bit length: 0 -> 0, 1 -> 1, 2..3 -> 2, 4..7 -> 3, 1023 -> 10, 1024 -> 11 */
	CHECK_EQ(latency_bucket(0), 0);
	CHECK_EQ(latency_bucket(1), 1);
	CHECK_EQ(latency_bucket(3), 2);
	CHECK_EQ(latency_bucket(4), 3);
	CHECK_EQ(latency_bucket(1023), 10);
	CHECK_EQ(latency_bucket(1024), 11);
	CHECK_EQ(latency_bucket(UINT64_MAX), 64);
	CHECK_EQ(latency_bucket_lower_ns(11), 1024);
	CHECK_EQ(latency_bucket_upper_ns(10), 1023);
	CHECK_EQ(latency_bucket_upper_ns(0), 0);
	CHECK(latency_bucket_upper_ns(64) == UINT64_MAX);
}

static void test_latency_quantiles(void)
{
	struct latency_hist h;
	latency_hist_init(&h);
	CHECK_EQ(latency_quantile_ns(&h, 0.5), 0); /* empty */
	CHECK(latency_mean_ns(&h) == 0.0);
	/* 4, 5, 6, 7 all fall in bucket 3 = [4, 7], already the observed [min, max]:
	 * p50: rank 2 of 4 -> 4 + 2/4·3 = 5.5 -> 6 (nearest, halves up); p0 = min 4;
	 * p100 = max 7; mean 22/4 = 5.5. */
	for (sim_ns_t v = 4; v <= 7; v++)
		latency_hist_add(&h, v);
	CHECK_EQ(h.count, 4);
	CHECK_EQ(h.min_ns, 4);
	CHECK_EQ(h.max_ns, 7);
	CHECK_EQ(latency_quantile_ns(&h, 0.5), 6);
	CHECK_EQ(latency_quantile_ns(&h, 0.0), 4);
	CHECK_EQ(latency_quantile_ns(&h, 1.0), 7);
	CHECK(latency_mean_ns(&h) == 5.5);

	/* 100 × 1000 ns (bucket 10 = [512, 1023]) and 1 × 5000 ns (bucket 13 = [4096, 8191]).
	 * p50: rank 50.5 in bucket 10, bounds narrowed to [min 1000, 1023]:
	 *      1000 + 50.5/100·23 = 1011.6 -> 1012.
	 * p99: rank 99.99 -> 1000 + 0.9999·23 = 1022.998 -> 1023.
	 * p100: rank 101, bucket 13 narrowed to [4096, max 5000] -> 5000. */
	latency_hist_init(&h);
	for (int i = 0; i < 100; i++)
		latency_hist_add(&h, 1000);
	latency_hist_add(&h, 5000);
	CHECK_EQ(latency_quantile_ns(&h, 0.5), 1012);
	CHECK_EQ(latency_quantile_ns(&h, 0.99), 1023);
	CHECK_EQ(latency_quantile_ns(&h, 1.0), 5000);
	CHECK_EQ(h.sum_ns, 105000);

	/* A single value: every quantile is that value (bounds narrow to a point). */
	latency_hist_init(&h);
	latency_hist_add(&h, 123456);
	CHECK_EQ(latency_quantile_ns(&h, 0.5), 123456);
	CHECK_EQ(latency_quantile_ns(&h, 0.99), 123456);

	/* Zero-ns samples live in bucket 0. */
	latency_hist_init(&h);
	latency_hist_add(&h, 0);
	latency_hist_add(&h, 0);
	CHECK_EQ(h.bucket[0], 2);
	CHECK_EQ(latency_quantile_ns(&h, 0.9), 0);
}

/* Quantiles stay within [min, max] and are monotone in q, for random data. */
static void test_latency_random(void)
{
	uint64_t s = tl_test_seed() | 1;
	struct latency_hist h;
	latency_hist_init(&h);
	for (int i = 0; i < 10000; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
		latency_hist_add(&h, s >> (s & 63));
	}
	uint64_t last = 0;
	for (int k = 0; k <= 100; k++) {
		uint64_t q = latency_quantile_ns(&h, k / 100.0);
		CHECK(q >= h.min_ns && q <= h.max_ns);
		CHECK(q >= last);
		last = q;
	}
	uint64_t total = 0;
	for (int b = 0; b < LATENCY_NR_BUCKETS; b++)
		total += h.bucket[b];
	CHECK_EQ(total, h.count);
}

/* latency_record_alloc counts the values equal to the first one without adding them;
 * after latency_fold the histograms equal those of adding every value.  Hand-worked: 200
 * three times (movable, order 0), 900 once (movable, order 0), 200 once (unmovable, order
 * 11, above the orders: class only) and saturating sums (UINT64_MAX / 2 twice at order 3). */
static void test_latency_fold(void)
{
	struct alloc_latency lat, ref;
	latency_init(&lat);
	latency_init(&ref);
	static const struct { enum alloc_class c; unsigned order; sim_ns_t ns; } v[] = {
		{ ACLASS_MOVABLE, 0, 200 },
		{ ACLASS_MOVABLE, 0, 200 },
		{ ACLASS_MOVABLE, 0, 900 },
		{ ACLASS_UNMOVABLE, NR_PAGE_ORDERS, 200 },
		{ ACLASS_MOVABLE, 0, 200 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		latency_record_alloc(&lat, v[i].c, v[i].order, v[i].ns);
		latency_record(&ref, v[i].c, v[i].ns);
		latency_record_order(&ref, v[i].order, v[i].ns);
	}
	CHECK_EQ(lat.cls[ACLASS_MOVABLE].count, 4); /* exact before the fold */
	CHECK_EQ(lat.cls[ACLASS_MOVABLE].bucket[latency_bucket(200)], 0);
	CHECK_EQ(lat.order[0].count, 4);
	latency_fold(&lat);
	CHECK(!memcmp(lat.cls, ref.cls, sizeof(ref.cls)));
	CHECK(!memcmp(lat.order, ref.order, sizeof(ref.order)));
	CHECK_EQ(lat.cls[ACLASS_MOVABLE].bucket[latency_bucket(200)], 3);
	CHECK_EQ(lat.cls[ACLASS_MOVABLE].sum_ns, 1500);
	CHECK_EQ(lat.cls[ACLASS_UNMOVABLE].min_ns, 200);
	latency_fold(&lat); /* nothing left to add */
	CHECK(!memcmp(lat.cls, ref.cls, sizeof(ref.cls)));
	/* A sum that saturates does so whether its values are added one by one or folded. */
	latency_init(&lat);
	latency_init(&ref);
	for (int i = 0; i < 3; i++) {
		latency_record_alloc(&lat, ACLASS_MOVABLE, 3, UINT64_MAX / 2);
		latency_record(&ref, ACLASS_MOVABLE, UINT64_MAX / 2);
		latency_record_order(&ref, 3, UINT64_MAX / 2);
	}
	latency_fold(&lat);
	CHECK(lat.cls[ACLASS_MOVABLE].sum_ns == UINT64_MAX);
	CHECK(!memcmp(lat.cls, ref.cls, sizeof(ref.cls)));
	CHECK(!memcmp(lat.order, ref.order, sizeof(ref.order)));
}

static void test_latency_tsv(void)
{
	struct alloc_latency lat;
	latency_init(&lat);
	/* movable: 4..7 (bucket 3); atomic: one 0 ns.  Each class prints buckets 0 up to its
	 * highest non-empty one, upper bounds 0, 1, 3, 7; empty classes print nothing. */
	for (sim_ns_t v = 4; v <= 7; v++)
		latency_record(&lat, ACLASS_MOVABLE, v);
	latency_record(&lat, ACLASS_ATOMIC, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	fp = open_memstream(&buf, &len);
	latency_write_tsv(fp, &lat);
	fclose(fp);
	CHECK_STR(buf, "class\tupper_ns\tcount\n"
		       "movable\t0\t0\n"
		       "movable\t1\t0\n"
		       "movable\t3\t0\n"
		       "movable\t7\t4\n"
		       "atomic\t0\t1\n");
	free(buf);
}

/* ---- timeseries ------------------------------------------------------------------------ */

static void small_mm(struct config *cfg, struct mm *mm, enum cma_mode mode, uint64_t cma_pages)
{
	struct sim_error err;
	/* Normal only, 4096 pages = 4 order-10 blocks; min_free_kbytes 128 -> pages_min 32,
	 * all of it Normal's: min 32, gap max(32/4 = 8, 4096·10/10000 = 4) = 8, low 40, high 48. */
	mmtest_config(cfg, 0, 0, 4096, 128);
	cfg->policy.cma.mode = mode;
	if (mode != CMA_NONE) {
		cfg->policy.cma.nr_regions = 1;
		cfg->policy.cma.regions[0].pages = cma_pages;
	}
	if (mmtest_mm_init(mm, cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
}

static void test_timeseries_rows(void)
{
	struct config cfg;
	struct mm mm;
	small_mm(&cfg, &mm, CMA_NONE, 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/ts.tsv", tl_tmpdir());
	struct timeseries ts;
	struct sim_error err;
	CHECK_EQ(timeseries_open(&ts, path, &mm, &err), 0);
	/* 1 + 5 + 11 + 3 + 2 + 1 columns with the one populated zone. */
	CHECK_EQ(ts.nr_columns, 23);
	timeseries_sample(&ts, &mm, 0);
	/* One order-0 movable page: the first order-10 block splits, leaving one free block
	 * at each of orders 0..9 and three at order 10: free 4095. */
	CHECK(mm_alloc(&mm, 1, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE);
	timeseries_sample(&ts, &mm, 1000000);
	/* Rows go to the temporary file as they are taken; the final name appears at commit. */
	CHECK(access(path, F_OK) != 0);
	CHECK(access(ts.af.tmp, F_OK) == 0);
	CHECK_EQ(timeseries_commit(&ts, &err), 0);
	CHECK(access(ts.af.tmp, F_OK) != 0);
	char *text = tl_read_file(path, NULL);
	/* Row 1: 4096 free in four order-10 blocks; order-9 view: 8 suitable blocks cover all
	 * free memory -> unusable 0, frag -1000.  Row 2: suitable = 1 (order 9) + 3·2 = 7
	 * blocks = 3584 pages; unusable = (4095 − 3584)·1000/4095 = 124 (124.8). */
	CHECK_STR(text,
		  "time_ns\tfree_Normal\tmin_Normal\tlow_Normal\thigh_Normal\tnr_free_cma_Normal"
		  "\tbuddy_Normal_o0\tbuddy_Normal_o1\tbuddy_Normal_o2\tbuddy_Normal_o3\tbuddy_Normal_o4"
		  "\tbuddy_Normal_o5\tbuddy_Normal_o6\tbuddy_Normal_o7\tbuddy_Normal_o8\tbuddy_Normal_o9"
		  "\tbuddy_Normal_o10\tkswapd_active\tkcompactd_active\tcma_used_pages"
		  "\tunusable_index_Normal_o9\tfrag_index_Normal_o9\tnr_free_sticky_Normal\n"
		  "0\t4096\t32\t40\t48\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t4\t0\t0\t0\t0\t-1000\t0\n"
		  "1000000\t4095\t32\t40\t48\t0\t1\t1\t1\t1\t1\t1\t1\t1\t1\t1\t3\t0\t0\t0\t124\t-1000\t0\n");
	free(text);
	remove(path);
	mmtest_mm_destroy(&mm);
}

/* kcompactd_active (timeseries.h): 1 while a wake-up is queued at the sample or kcompactd
 * did work since the previous row, else 0.  The fragmented zone: every page allocated
 * movable, odd pfns freed, so no order-9 block and compaction is suitable.  Rows: t=0
 * idle -> 0; woken for order 9, not yet run -> 1 (queued); run -> 1 (worked since the
 * last row); nothing since -> 0. */
static int64_t kcompactd_col(struct timeseries *ts, struct mm *mm, sim_ns_t t)
{
	timeseries_sample(ts, mm, t);
	fflush(ts->fp);
	char *text = tl_read_file(ts->af.tmp, NULL);
	/* Last line, column 19 (time, 16 of Normal's, kswapd_active, kcompactd_active). */
	char *last = text, *p;
	for (p = text; *p; p++)
		if (*p == '\n' && p[1])
			last = p + 1;
	int64_t v = -1;
	char *f = last;
	for (int i = 0; i < 18 && f; i++) {
		f = strchr(f, '\t');
		if (f)
			f++;
	}
	if (f)
		v = strtoll(f, NULL, 10);
	free(text);
	return v;
}

static void test_timeseries_kcompactd_active(void)
{
	struct config cfg;
	struct mm mm;
	small_mm(&cfg, &mm, CMA_NONE, 0);
	mm.hooks.direct_reclaim = NULL; /* fill to the brim: nothing may be reclaimed */
	for (uint64_t id = 1;; id++)
		if (mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0) == PFN_NONE)
			break;
	for (pfn_t pfn = 1; pfn < mm.nr_pages; pfn += 2)
		if (mm.pages[pfn].flags & PF_HEAD)
			mm_free(&mm, mm.objs.slots[mm.pages[pfn].owner].id);
	mmtest_run_until(&mm, 0); /* whatever the fill woke has run */
	char path[512];
	snprintf(path, sizeof(path), "%s/ts-kcompactd.tsv", tl_tmpdir());
	struct timeseries ts;
	struct sim_error err;
	CHECK_EQ(timeseries_open(&ts, path, &mm, &err), 0);
	CHECK_EQ(kcompactd_col(&ts, &mm, 0), 0);
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	CHECK_EQ(kcompactd_col(&ts, &mm, 0), 1);
	uint64_t wakes = mm.vm_events[VM_COMPACT_DAEMON_WAKE];
	mmtest_run_until(&mm, 1000);
	CHECK_EQ(mm.vm_events[VM_COMPACT_DAEMON_WAKE], wakes + 1);
	CHECK_EQ(kcompactd_col(&ts, &mm, 1000), 1);
	CHECK_EQ(kcompactd_col(&ts, &mm, 2000), 0);
	timeseries_abort(&ts);
	mmtest_mm_destroy(&mm);
}

static void test_timeseries_abort(void)
{
	struct config cfg;
	struct mm mm;
	small_mm(&cfg, &mm, CMA_NONE, 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/aborted.tsv", tl_tmpdir());
	struct timeseries ts;
	struct sim_error err;
	CHECK_EQ(timeseries_open(&ts, path, &mm, &err), 0);
	timeseries_sample(&ts, &mm, 5);
	timeseries_abort(&ts);
	timeseries_abort(&ts); /* harmless twice */
	CHECK(access(path, F_OK) != 0);
	CHECK(access(ts.af.tmp, F_OK) != 0);
	mmtest_mm_destroy(&mm);
}

static void test_frag_indices(void)
{
	struct zone z;
	memset(&z, 0, sizeof(z));
	/* Nothing free: unusable 1000, fragmentation index 0 (model.md §5.3). */
	CHECK_EQ(compaction_unusable_index(&z, 9), 1000);
	CHECK_EQ(compaction_fragmentation_index(&z, 9), 0);
	/* 100 order-0 + 10 order-3 blocks: free 180 pages, 110 blocks, none of order 9.
	 * frag = 1000 − (1000 + 180·1000/512)/110 = 1000 − (1000 + 351)/110 = 1000 − 12 = 988;
	 * unusable = 180·1000/180 = 1000. */
	z.free_area[0].nr_free = 100;
	z.free_area[3].nr_free = 10;
	CHECK_EQ(compaction_fragmentation_index(&z, 9), 988);
	CHECK_EQ(compaction_unusable_index(&z, 9), 1000);
	/* Plus one order-10 block: two order-9 blocks possible -> frag −1000;
	 * unusable = (1204 − 2·512)·1000/1204 = 180000/1204 = 149. */
	z.free_area[10].nr_free = 1;
	CHECK_EQ(compaction_fragmentation_index(&z, 9), -1000);
	CHECK_EQ(compaction_unusable_index(&z, 9), 149);
}

static void test_cma_used(void)
{
	struct config cfg;
	struct mm mm;
	/* migrate_cma: one 1024-page area at the top of Normal (pfns 3072..4095).  Three
	 * order-10 movable allocations take the three non-CMA blocks (CMA is the movable
	 * last resort; free_cma 1024 is never more than half of free 4096/3072/2048), the
	 * next order-0 one must come from CMA: used 1. */
	small_mm(&cfg, &mm, CMA_MIGRATE_CMA, 1024);
	CHECK_EQ(timeseries_cma_used_pages(&mm), 0);
	for (uint64_t id = 1; id <= 3; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 10) < 3072);
	CHECK_EQ(timeseries_cma_used_pages(&mm), 0);
	CHECK(mm_alloc(&mm, 4, GFP_HIGHUSER_MOVABLE, 0) >= 3072);
	CHECK_EQ(timeseries_cma_used_pages(&mm), 1);
	mmtest_mm_destroy(&mm);

	/* sticky_movable: a 512-page area (3584..4095) inside the order-10 free block at 3072;
	 * the walk counts only the overlap, so used 0 at boot.  After seven order-9
	 * allocations one pageblock stays free: used is 0 if it is the area's, else 512. */
	small_mm(&cfg, &mm, CMA_STICKY_MOVABLE, 512);
	CHECK_EQ(timeseries_cma_used_pages(&mm), 0);
	for (uint64_t id = 1; id <= 7; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 9) != PFN_NONE);
	const struct zone *z = &mm.zones[ZONE_NORMAL];
	CHECK_EQ(z->nr_free_pages, 512);
	pfn_t left = PFN_NONE;
	for (int mt = 0; mt < NR_MIGRATETYPES; mt++)
		if (z->free_area[9].free_list[mt].head != PFN_NONE)
			left = z->free_area[9].free_list[mt].head;
	CHECK_EQ(timeseries_cma_used_pages(&mm), left == 3584 ? 0 : 512);
	mmtest_mm_destroy(&mm);
}

/* ---- summary.json ---------------------------------------------------------------------- */

static void fake_config(const struct config *cfg, void *fp, int indent)
{
	(void)indent;
	fprintf(fp, "{\"seed\": %llu, \"note\": \"stand-in for config_write_json\"}",
		(unsigned long long)cfg->seed);
}

static struct trace_header hdr;

static void meta(const char *key, const char *value)
{
	struct trace_meta *m = &hdr.meta[hdr.nr_meta++];
	snprintf(m->key, sizeof(m->key), "%s", key);
	snprintf(m->value, sizeof(m->value), "%s", value);
}

static void test_summary(void)
{
	struct config cfg;
	struct mm mm;
	small_mm(&cfg, &mm, CMA_NONE, 0);
	mm.vm_events[VM_MMSIM_ALLOC_FAIL] = 3;
	mm.alloc_outcome[ACLASS_ATOMIC][AOUT_FAIL_NOWAIT] = 2;
	mm.alloc_outcome[ACLASS_ATOMIC][AOUT_SATISFIED] = 5;
	mm.alloc_outcome[ACLASS_ATOMIC][AOUT_KILLED] = 1;
	struct alloc_latency lat;
	latency_init(&lat);
	for (sim_ns_t v = 4; v <= 7; v++)
		latency_record(&lat, ACLASS_MOVABLE, v);
	memset(&hdr, 0, sizeof(hdr));
	meta("generator", "churn");
	meta("observed.compact_stall", "27");
	meta("observed.ratio", "0.5");
	meta("observed.plus", "+5");
	meta("observed.hex", "0x10");
	meta("observed.name", "a\"b\\c\td");
	meta("observed.", "empty key");
	meta("observed.huge", "1e999");
	meta("observed.utf8", "caf\xc3\xa9 \xff");
	/* observed figures with simulated counterparts */
	meta("observed.vmstat.compact_stall", "27");
	meta("observed.vmstat.nr_free_pages", "-6651"); /* a state item, not an event: no pair */
	meta("observed.kswapd_wake", "117");
	meta("observed.direct_reclaim", "53");
	mm.vm_events[VM_COMPACT_STALL] = 5;
	mm.vm_events[VM_PAGEOUTRUN] = 11;
	mm.vm_events[VM_ALLOCSTALL_NORMAL] = 2;
	mm.vm_events[VM_ALLOCSTALL_MOVABLE] = 3;
	/* Two OOM kills, in time order as oom_victims() gives them. */
	const struct oom_victim victims[] = {
		{ .task = 7, .time_ns = 1500000, .points = 812, .pages_freed = 2048, .requester = 3, .records_skipped = 12 },
		{ .task = 3, .time_ns = 2500000, .points = 90, .pages_freed = 256, .requester = 3, .records_skipped = 5 },
	};
	/* kcompactd busy 24691358 ns of 123456789 ns on 2 CPUs (mmtest_config): share
	 * 24691358 / 246913578 = 0.10000000081 -> 0.100000001 (9 decimals). */
	mm.compact->kcompactd_busy_ns = 24691358;
	struct summary_input in = {
		.mm = &mm, .cfg = &cfg, .write_config = fake_config, .seed = 42,
		.elapsed_ns = 123456789, .records = 1000, .latency = &lat, .trace = &hdr,
		.records_skipped_killed = 17, .oom_victims = victims, .nr_oom_victims = 2,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	fp = open_memstream(&buf, &len);
	summary_write(fp, &in);
	fclose(fp);
	CHECK(json_check_valid(buf));
	CHECK(strstr(buf, "\"mmsim_version\": \"") != NULL);
	CHECK(strstr(buf, "\"seed\": 42,") != NULL);
	CHECK(strstr(buf, "\"config\": {\"seed\": 1, \"note\"") != NULL);
	CHECK(strstr(buf, "\"elapsed_ns\": 123456789,") != NULL);
	CHECK(strstr(buf, "\"records\": 1000,") != NULL);
	/* counters: state items, kernel events and simulator-only ones, node-wide */
	CHECK(strstr(buf, "\"nr_free_pages\": 4096") != NULL);
	CHECK(strstr(buf, "\"mmsim_alloc_fail\": 3") != NULL);
	CHECK(strstr(buf, "\"cma_alloc_fail\": 0") != NULL);
	CHECK(strstr(buf, "\"mmsim_nr_easily_reclaimable\": 0") != NULL);
	/* atomic: 5 satisfied + 2 failed (nowait) + 1 killed = 8 requests */
	CHECK(strstr(buf, "\"atomic\": {\"requests\": 8, \"failed\": 2, \"satisfied\": 5, \"fail_order\": 0, "
			  "\"fail_nowait\": 2,") != NULL);
	CHECK(strstr(buf, "\"killed\": 1, \"unfinished\": 0}") != NULL);
	/* every class is present, with the same keys even when nothing was asked */
	CHECK(strstr(buf, "\"cma_device\": {\"requests\": 0, \"failed\": 0, \"satisfied\": 0,") != NULL);
	CHECK(strstr(buf, "\"records_skipped_killed\": 17,") != NULL);
	CHECK(strstr(buf, "\"oom_kills\": [\n"
			  "    {\"task\": 7, \"time_ns\": 1500000, \"points\": 812, \"pages_freed\": 2048, "
			  "\"requester\": 3, \"records_skipped\": 12},\n"
			  "    {\"task\": 3, \"time_ns\": 2500000, \"points\": 90, \"pages_freed\": 256, "
			  "\"requester\": 3, \"records_skipped\": 5}\n  ],") != NULL);
	/* no reclaim module in this mm: kswapd did nothing */
	CHECK(strstr(buf, "\"daemons\": {\n    \"kswapd_busy_ns\": 0,\n    \"kcompactd_busy_ns\": 24691358,\n"
			  "    \"kswapd_cpu_share\": 0.000000000,\n    \"kcompactd_cpu_share\": 0.100000001\n  }") != NULL);
	/* movable 4..7: mean 5.5, p50 6, p90 = 4 + 3.6/4·3 = 6.7 -> 7, p99 -> 7, max 7 */
	CHECK(strstr(buf, "\"movable\": {\"count\": 4, \"mean_ns\": 5.500, \"p50_ns\": 6, \"p90_ns\": 7, "
			  "\"p99_ns\": 7, \"max_ns\": 7}") != NULL);
	CHECK(strstr(buf, "\"cma_device\": {\"count\": 0, \"mean_ns\": 0.000, \"p50_ns\": 0") != NULL);
	/* observed: prefix stripped, numbers as numbers, the rest as escaped strings */
	CHECK(strstr(buf, "\"compact_stall\": 27") != NULL);
	CHECK(strstr(buf, "\"ratio\": 0.5") != NULL);
	CHECK(strstr(buf, "\"plus\": 5") != NULL);
	CHECK(strstr(buf, "\"hex\": \"0x10\"") != NULL);
	CHECK(strstr(buf, "\"name\": \"a\\\"b\\\\c\\td\"") != NULL);
	CHECK(strstr(buf, "\"\": \"empty key\"") != NULL);
	CHECK(strstr(buf, "\"huge\": \"1e999\"") != NULL);
	/* well-formed UTF-8 passes, a stray byte becomes U+FFFD */
	CHECK(strstr(buf, "\"utf8\": \"caf\xc3\xa9 \\ufffd\"") != NULL);
	CHECK(strstr(buf, "generator") == NULL);
	/* pairs: vmstat deltas by name, kswapd_wake <-> pageoutrun, direct reclaim <-> Σ allocstall */
	CHECK(strstr(buf, "\"vmstat.compact_stall\": {\"observed\": 27, \"simulated\": 5}") != NULL);
	CHECK(strstr(buf, "\"vmstat.nr_free_pages\": {") == NULL);
	CHECK(strstr(buf, "\"kswapd_wake\": {\"observed\": 117, \"simulated\": 11}") != NULL);
	CHECK(strstr(buf, "\"direct_reclaim\": {\"observed\": 53, \"simulated\": 5}") != NULL);
	free(buf);

	/* Absent inputs still give valid JSON. */
	struct summary_input bare = { .mm = &mm };
	fp = open_memstream(&buf, &len);
	summary_write(fp, &bare);
	fclose(fp);
	CHECK(json_check_valid(buf));
	CHECK(strstr(buf, "\"config\": null") != NULL);
	CHECK(strstr(buf, "\"observed\": {}") != NULL);
	CHECK(strstr(buf, "\"oom_kills\": [],") != NULL);
	CHECK(strstr(buf, "\"records_skipped_killed\": 0,") != NULL);
	CHECK(strstr(buf, "\"kcompactd_cpu_share\": 0.000000000") != NULL); /* elapsed 0 */
	free(buf);
	mmtest_mm_destroy(&mm);
}

/* summary.json "daemons" after a kswapd run of known cost: the scenario of test_reclaim.c
 * (one Normal zone of 16384 pages, min_free_kbytes 1024: min 256, low 320, high 384; scan
 * 50 ns and reclaim 300 ns a page).  16065 page-cache pages leave free 319 < low and wake
 * kswapd; balance_pgdat reclaims 3 + 7 + 15 + 31 + 62 = 118 pages at priorities 12..8,
 * each scanned once: busy 118 × (50 + 300) = 41300 ns.  Over 200 ms on 2 CPUs the share
 * is 41300 / 400000000 = 0.00010325.  kswapd reclaimed for order 0, so kcompactd was not
 * woken: 0 ns. */
static void test_summary_daemons_kswapd(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 16384, 1024);
	cfg.costs.scan_page_ns = 50;
	cfg.costs.reclaim_page_ns = 300;
	CHECK_EQ(cfg.machine.nr_cpus, 2);
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	for (uint64_t id = 1; id <= 16065; id++)
		CHECK(mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0) != PFN_NONE);
	mmtest_run_until(&mm, 200 * NSEC_PER_MSEC);
	CHECK_EQ(mm.vm_events[VM_PGSTEAL_KSWAPD], 118);
	CHECK_EQ(mm.vm_events[VM_PAGEOUTRUN], 1);
	struct summary_input in = { .mm = &mm, .elapsed_ns = 200 * NSEC_PER_MSEC };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	summary_write(fp, &in);
	fclose(fp);
	CHECK(json_check_valid(buf));
	CHECK(strstr(buf, "\"kswapd_busy_ns\": 41300,") != NULL);
	CHECK(strstr(buf, "\"kcompactd_busy_ns\": 0,") != NULL);
	CHECK(strstr(buf, "\"kswapd_cpu_share\": 0.000103250,") != NULL);
	CHECK(strstr(buf, "\"kcompactd_cpu_share\": 0.000000000") != NULL);
	/* the same figure as the reclaim section's */
	CHECK(strstr(buf, "\"reclaim\": {") != NULL);
	free(buf);
	mmtest_mm_destroy(&mm);
}

/* kcompactd's busy time is the cost of its compact_zone runs: every page its scanners
 * looked at (scan 50 ns) and every page it migrated (2000 ns).  Every other page of a full
 * zone freed, then kcompactd woken for order 9: it scans and migrates, and nothing else
 * compacts, so busy == (daemon migrate + free scanned) × 50 + pgmigrate_success × 2000,
 * the figure a request never waits for (no stall is charged). */
static void test_summary_daemons_kcompactd(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 128);
	cfg.costs.scan_page_ns = 50;
	cfg.costs.migrate_page_ns = 2000;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	mm.hooks.direct_reclaim = NULL;
	for (uint64_t id = 1;; id++)
		if (mm_alloc(&mm, id, GFP_HIGHUSER_MOVABLE, 0) == PFN_NONE)
			break;
	for (pfn_t pfn = 1; pfn < mm.nr_pages; pfn += 2)
		if (mm.pages[pfn].flags & PF_HEAD)
			mm_free(&mm, mm.objs.slots[mm.pages[pfn].owner].id);
	mmtest_run_until(&mm, 0);
	uint64_t ns0 = compaction_kcompactd_busy_ns(&mm), mig0 = mm.vm_events[VM_PGMIGRATE_SUCCESS];
	uint64_t ms0 = mm.vm_events[VM_COMPACT_DAEMON_MIGRATE_SCANNED];
	uint64_t fs0 = mm.vm_events[VM_COMPACT_DAEMON_FREE_SCANNED];
	uint64_t direct0 = mm.vm_events[VM_COMPACT_STALL];
	wakeup_kcompactd(&mm, 9, ZONE_NORMAL);
	mmtest_run_until(&mm, 1000);
	uint64_t scanned = mm.vm_events[VM_COMPACT_DAEMON_MIGRATE_SCANNED] - ms0 +
			   mm.vm_events[VM_COMPACT_DAEMON_FREE_SCANNED] - fs0;
	uint64_t migrated = mm.vm_events[VM_PGMIGRATE_SUCCESS] - mig0;
	CHECK_EQ(mm.vm_events[VM_COMPACT_STALL], direct0);
	CHECK(scanned > 0);
	CHECK(migrated > 0);
	CHECK_EQ(compaction_kcompactd_busy_ns(&mm) - ns0, scanned * 50 + migrated * 2000);
	mmtest_mm_destroy(&mm);
}

/* ---- run directory --------------------------------------------------------------------- */

static int count_tmp;

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (strstr(path, ".tmp."))
		count_tmp++;
	return 0;
}

static bool exists_in(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void test_rundir(void)
{
	struct config cfg;
	struct mm mm;
	small_mm(&cfg, &mm, CMA_NONE, 0);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/a/b/run", tl_tmpdir());
	struct sim_error err;
	CHECK_EQ(rundir_create(dir, &err), 0);
	CHECK_EQ(rundir_create(dir, &err), 0); /* mkdir -p: existing is fine */
	struct timeseries ts;
	CHECK_EQ(rundir_timeseries_open(&ts, dir, &mm, &err), 0);
	timeseries_sample(&ts, &mm, 0);
	CHECK_EQ(rundir_snapshot(dir, "../x y", 5000, &mm, &err), 0);
	timeseries_sample(&ts, &mm, 10000);
	struct alloc_latency lat;
	latency_init(&lat);
	latency_record(&lat, ACLASS_UNMOVABLE, 100);
	struct rundir_output out = {
		.dir = dir, .mm = &mm, .cfg = &cfg, .write_config = fake_config, .seed = 7,
		.elapsed_ns = 10000, .records = 2, .records_skipped_killed = 5, .latency = &lat, .ts = &ts,
	};
	CHECK_EQ(rundir_write(&out, &err), 0);
	static const char *const files[] = { "summary.json", "buddyinfo", "pagetypeinfo", "vmstat",
					     "zoneinfo", "timeseries.tsv", "latency.tsv" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		CHECK(exists_in(dir, files[i]));
	/* The tag is kept to one path component: "../x y" -> "_._x_y" ('.' only after the
	 * first character, '/' and ' ' become '_'). */
	char snap[600];
	snprintf(snap, sizeof(snap), "%s/snapshots/_._x_y-5000", dir);
	CHECK(exists_in(snap, "buddyinfo"));
	CHECK(exists_in(snap, "zoneinfo"));
	CHECK(exists_in(snap, "vmstat"));
	CHECK(exists_in(snap, "pagetypeinfo"));
	count_tmp = 0;
	nftw(tl_tmpdir(), visit, 16, FTW_PHYS);
	CHECK_EQ(count_tmp, 0); /* every file renamed into place */

	char path[700];
	snprintf(path, sizeof(path), "%s/timeseries.tsv", dir);
	char *text = tl_read_file(path, NULL);
	int rows = 0;
	for (char *p = text; p && *p; p++)
		rows += *p == '\n';
	CHECK_EQ(rows, 3); /* header + two samples */
	free(text);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	text = tl_read_file(path, NULL);
	CHECK(text && json_check_valid(text));
	/* the skipped records as the run passed them; the victims from oom_victims(mm) */
	CHECK(text && strstr(text, "\"records_skipped_killed\": 5,") != NULL);
	CHECK(text && strstr(text, "\"oom_kills\": [") != NULL);
	free(text);
	snprintf(path, sizeof(path), "%s/latency.tsv", dir);
	text = tl_read_file(path, NULL);
	/* 100 ns: bucket 7 = [64, 127]; lines for buckets 0..7 */
	CHECK(text && strstr(text, "unmovable\t127\t1\n") != NULL);
	free(text);

	/* Without a sampler, timeseries.tsv holds the header and the final state. */
	struct rundir_output bare = { .dir = dir, .mm = &mm, .elapsed_ns = 99 };
	CHECK_EQ(rundir_write(&bare, &err), 0);
	snprintf(path, sizeof(path), "%s/timeseries.tsv", dir);
	text = tl_read_file(path, NULL);
	CHECK(text && strstr(text, "\n99\t4096\t") != NULL);
	free(text);
	snprintf(path, sizeof(path), "%s/latency.tsv", dir);
	text = tl_read_file(path, NULL);
	CHECK_STR(text, "class\tupper_ns\tcount\n");
	free(text);

	/* An unwritable place is an I/O error with the path in the message. */
	snprintf(path, sizeof(path), "%s/summary.json/sub", dir);
	struct rundir_output bad = { .dir = path, .mm = &mm };
	CHECK_EQ(rundir_write(&bad, &err), -1);
	CHECK_EQ(err.code, EX_IOERR_);
	CHECK(strstr(err.msg, "summary.json") != NULL);
	mmtest_mm_destroy(&mm);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_json_validator);
	RUN(test_latency_buckets);
	RUN(test_latency_quantiles);
	RUN(test_latency_random);
	RUN(test_latency_fold);
	RUN(test_latency_tsv);
	RUN(test_timeseries_rows);
	RUN(test_timeseries_abort);
	RUN(test_timeseries_kcompactd_active);
	RUN(test_frag_indices);
	RUN(test_cma_used);
	RUN(test_summary);
	RUN(test_summary_daemons_kswapd);
	RUN(test_summary_daemons_kcompactd);
	RUN(test_rundir);
	return TEST_END();
}
