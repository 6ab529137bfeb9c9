/* Every configuration key does something: for each row of the key table (config_keys.c),
 * a small deterministic run with the key changed to another valid value must produce
 * different outputs — /proc files, timeseries, latency, or summary.json counters — than
 * the same run with the key at its default.  The effective-config echo in summary.json is
 * removed before comparing: a key that only changes its own echo is dead.  Keys that are
 * output-only, or that matter only in situations no small trace can reach, are listed in
 * `exempt` with a reason; a key neither effective nor exempted fails the test.
 *
 * The run: configs/default.yaml on a 52 MiB machine (DMA 1024, DMA32 4096, Normal 8192
 * pages) replaying a trace written here: page cache of task 0 (as an imported trace's
 * prefill), then file, anon, unmovable, reclaimable and hugetlbfs-like (unevictable,
 * order 1) pages of tasks 1..4 past the size of memory (kswapd, direct reclaim,
 * writeback, swap when there is swap), dirty pages, accesses, hints, long-term and owner
 * pins, fragmenting frees, order-3/4/9 requests (compaction), device cma_allocs, then
 * refaults and a second wave of pressure.
 * The seed is tried through a generator (configs/default.yaml's churn workload).
 * Needs the mmsim binary ($MMSIM); without it the test is skipped (77).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_keys.h"
#include "testlib.h"

/* A key's other value, and what else must be set for it to have a situation to act in. */
struct key_change {
	const char *path; /* as in the key table */
	const char *set;  /* KEY=VALUE for --set (list rows use policy.cma.regions.0.FIELD) */
	const char *env;  /* extra --set arguments for both runs, or NULL */
};

#define CMA_ENV "--set policy.cma.mode=migrate_cma --set policy.cma.regions.0.size=2048"
#define SWAP_ENV "--set devices.swap.size=8192"
#define AGE_ENV "--set machine.age.mode=aged"

static const struct key_change changes[] = {
	/* the seed acts through a generator (runs start in configs/, as default.yaml's paths do) */
	{ "seed", "seed=2", "--set workload.trace= --set workload.generator=../workloads/churn.yaml" },
	{ "machine.zones.dma", "machine.zones.dma=2048", NULL },
	{ "machine.zones.dma32", "machine.zones.dma32=6000", NULL },
	{ "machine.zones.normal", "machine.zones.normal=10000", NULL },
	{ "machine.zones.movable", "machine.zones.movable=2048", NULL },
	{ "machine.nr_cpus", "machine.nr_cpus=4", NULL },
	{ "machine.pageblock_order", "machine.pageblock_order=10", NULL },
	{ "machine.min_free_kbytes", "machine.min_free_kbytes=8192", NULL },
	{ "machine.thp", "machine.thp=true", NULL },
	{ "machine.watermark_scale_factor", "machine.watermark_scale_factor=300", NULL },
	{ "machine.watermark_boost_factor", "machine.watermark_boost_factor=0", NULL },
	{ "machine.lowmem_reserve_ratio.dma", "machine.lowmem_reserve_ratio.dma=1", NULL },
	{ "machine.lowmem_reserve_ratio.dma32", "machine.lowmem_reserve_ratio.dma32=1", NULL },
	{ "machine.lowmem_reserve_ratio.normal", "machine.lowmem_reserve_ratio.normal=1",
	  "--set machine.zones.movable=2048" },
	{ "machine.lowmem_reserve_ratio.movable", "machine.lowmem_reserve_ratio.movable=1",
	  "--set policy.cma.mode=zone_cma --set policy.cma.regions.0.size=2048 --set machine.zones.movable=2048" },
	{ "machine.pcp", "machine.pcp=false", NULL },
	{ "machine.pcp_autotune", "machine.pcp_autotune=true", NULL },
	{ "machine.mobility_grouping", "machine.mobility_grouping=false", NULL },
	{ "machine.shuffle", "machine.shuffle=true", NULL },
	{ "machine.age.mode", "machine.age.mode=aged", NULL },
	{ "machine.age.passes", "machine.age.passes=0", AGE_ENV },
	{ "machine.age.fill_pct", "machine.age.fill_pct=80", AGE_ENV },
	{ "machine.age.unmovable_pct", "machine.age.unmovable_pct=10", AGE_ENV },
	{ "machine.age.reclaimable_pct", "machine.age.reclaimable_pct=10", AGE_ENV },
	{ "machine.age.pagecache_pct", "machine.age.pagecache_pct=40", AGE_ENV },
	{ "machine.age.anon_pct", "machine.age.anon_pct=0", AGE_ENV },
	{ "machine.memcg.split_prefill", "machine.memcg.split_prefill=true", NULL },
	{ "machine.memcg.rest_swappiness", "machine.memcg.rest_swappiness=0",
	  "--set machine.memcg.split_prefill=true " SWAP_ENV },
	{ "machine.memcg.stats_flush_ms", "machine.memcg.stats_flush_ms=1", SWAP_ENV },
	{ "machine.memcg.stats_start_file_low", "machine.memcg.stats_start_file_low=true",
	  "--set machine.memcg.stats_flush_ms=2000 " SWAP_ENV },
	{ "policy.cma.mode", "policy.cma.mode=migrate_cma", "--set policy.cma.regions.0.size=2048" },
	{ "policy.cma.balance_half_free", "policy.cma.balance_half_free=false", CMA_ENV },
	{ "policy.cma.sticky", "policy.cma.sticky=literal",
	  "--set policy.cma.mode=sticky_movable --set policy.cma.regions.0.size=8192" },
	{ "policy.cma.placement", "policy.cma.placement=low", CMA_ENV },
	{ "policy.cma.pin_migrate", "policy.cma.pin_migrate=false", CMA_ENV },
	{ "policy.cma.regions[].base", "policy.cma.regions.0.base=2048", CMA_ENV },
	{ "policy.cma.regions[].size", "policy.cma.regions.0.size=4096", CMA_ENV },
	{ "policy.cma.regions[].order_per_bit", "policy.cma.regions.0.order_per_bit=6", CMA_ENV },
	{ "policy.reclaim", "policy.reclaim=cflru", NULL },
	{ "policy.swappiness", "policy.swappiness=200", SWAP_ENV },
	{ "policy.ereclaimable.writeback_reclaim", "policy.ereclaimable.writeback_reclaim=true",
	  "--set policy.reclaim=ereclaimable" },
	{ "policy.ereclaimable.notify_threshold", "policy.ereclaimable.notify_threshold=6000",
	  "--set policy.reclaim=ereclaimable" },
	{ "policy.cflru.window", "policy.cflru.window=8", "--set policy.reclaim=cflru" },
	{ "policy.dirty_background_ratio", "policy.dirty_background_ratio=1", NULL },
	{ "policy.dirty_ratio", "policy.dirty_ratio=2", NULL },
	{ "policy.defrag", "policy.defrag=proactive", NULL },
	/* 0 disables it; 20..100 differ only when the score sits between their marks, which this
	 * run's order-9 score (pinned near 100) never does. */
	{ "policy.compaction_proactiveness", "policy.compaction_proactiveness=0", "--set policy.defrag=proactive" },
	{ "policy.extfrag_threshold", "policy.extfrag_threshold=1000", NULL },
	{ "policy.compact_unevictable_allowed", "policy.compact_unevictable_allowed=false", NULL },
	{ "policy.compaction.direct", "policy.compaction.direct=false", NULL },
	{ "policy.migration.nonlru", "policy.migration.nonlru=pin", NULL },
	{ "policy.migration.pinned", "policy.migration.pinned=callback", NULL },
	/* dirty file pages meet compaction's sync-light migration in proactive compaction's
	 * whole-zone passes (direct compaction's fast searches may pass them by) */
	{ "policy.migration.file_migrate_folio", "policy.migration.file_migrate_folio=false",
	  "--set policy.defrag=proactive" },
#define DEFRAG_ORDER(o)                                                                            \
	{ "policy.defrag_thresholds.order" #o, "policy.defrag_thresholds.order" #o "=1000",        \
	  "--set policy.defrag=threshold" }
	DEFRAG_ORDER(1), DEFRAG_ORDER(2), DEFRAG_ORDER(3), DEFRAG_ORDER(4), DEFRAG_ORDER(5),
	DEFRAG_ORDER(6), DEFRAG_ORDER(7), DEFRAG_ORDER(8), DEFRAG_ORDER(9), DEFRAG_ORDER(10),
	{ "policy.defrag_interval", "policy.defrag_interval=10ms",
	  "--set policy.defrag=threshold --set policy.defrag_thresholds.order4=1000" },
	{ "policy.compact_node_at", "policy.compact_node_at=100ms", NULL },
	/* The trace's order-1 hugetlbfs-like requests are movable and not anon: the pools'
	 * page-cache test takes them at order 1. */
	{ "policy.mapping_pool.size", "policy.mapping_pool.size=4", "--set policy.mapping_pool.order=1" },
	{ "policy.mapping_pool.order", "policy.mapping_pool.order=1", "--set policy.mapping_pool.size=4" },
	{ "policy.mapping_pool.refill_interval", "policy.mapping_pool.refill_interval=5ms",
	  "--set policy.mapping_pool.size=4 --set policy.mapping_pool.order=1" },
	{ "policy.mapping_pool.max_mappings", "policy.mapping_pool.max_mappings=1",
	  "--set policy.mapping_pool.size=4 --set policy.mapping_pool.order=1" },
	{ "devices.disk.bandwidth", "devices.disk.bandwidth=1MB/s", NULL },
	{ "devices.disk.latency", "devices.disk.latency=50ms", NULL },
	{ "devices.swap.size", "devices.swap.size=8192", NULL },
	{ "devices.swap.bandwidth", "devices.swap.bandwidth=1MB/s", SWAP_ENV },
	{ "devices.swap.latency", "devices.swap.latency=50ms", SWAP_ENV },
	{ "devices.swap.queue_depth", "devices.swap.queue_depth=1", SWAP_ENV },
	{ "devices.swap.page_cluster", "devices.swap.page_cluster=0", SWAP_ENV },
	{ "costs.alloc_fast", "costs.alloc_fast=1us", NULL },
	{ "machine.cpu_contention", "machine.cpu_contention=true", SWAP_ENV " --set machine.nr_cpus=1" },
	{ "costs.scan_page", "costs.scan_page=1us", NULL },
	{ "costs.reclaim_page", "costs.reclaim_page=1us", NULL },
	{ "costs.reclaim_anon_page", "costs.reclaim_anon_page=10us", SWAP_ENV },
	{ "costs.swap_write_page", "costs.swap_write_page=20us", SWAP_ENV },
	{ "costs.migrate_page", "costs.migrate_page=100us", NULL },
	{ "costs.hint_page", "costs.hint_page=100us", "--set policy.reclaim=ereclaimable" },
	{ "workload.replay", "workload.replay=closed", NULL },
};

/* Keys no small run can show acting, each with why. */
static const struct {
	const char *path, *why;
} exempt[] = {
	{ "machine.lowmem_reserve_ratio.cma", "ZONE_CMA is the highest zone: no higher zone's request is held back by it" },
	{ "policy.cma.regions[].name", "a label in outputs, no behaviour" },
	{ "devices.disk.kupdate_phase", "acts at the first periodic writeback, 0.1-5 s after the first dirtying, past this trace's end; test_writeback (test_aged_dirty_kupdate_phase) pins it" },
	{ "machine.cpu_data_slice_kb", "acts only on a run of order 1..3 frees reaching batch + high_min / 2 on a list holding less than a batch, which this trace lacks; test_pcp (test_free_high_batch) pins it" },
	/* test_pcp (test_list_started_as_captured) pins them */
	{ "machine.pcp_start[].zone", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.pcp_start[].cpu", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.pcp_start[].count", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.pcp_start[].high", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.pcp_start[].blocks", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks; test_pcp (test_list_started_with_blocks) pins it" },
	/* test_compaction (test_deferral_from_config) pins them */
	{ "machine.compaction_defer[].zone", "acts where a zone's compaction is deferred, which a small run never reaches" },
	{ "machine.compaction_defer[].considered", "acts where a zone's compaction is deferred, which a small run never reaches" },
	{ "machine.compaction_defer[].shift", "acts where a zone's compaction is deferred, which a small run never reaches" },
	{ "machine.compaction_defer[].order_failed", "acts where a zone's compaction is deferred, which a small run never reaches" },
	/* test_buddy (test_boost_start) pins them, and test_scan_start these */
	{ "machine.compaction_scan_start[].zone", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.compaction_scan_start[].migrate_async", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.compaction_scan_start[].migrate_sync", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.compaction_scan_start[].free", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	/* test_compaction (test_skip_start) pins these */
	{ "machine.compaction_skip_start[].zone", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.compaction_skip_start[].start", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.compaction_skip_start[].pages", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.watermark_boost_start[].zone", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.watermark_boost_start[].pages", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "machine.watermark_boost_start[].wake", "acts where an imported trace's prefill ends (import.prefill_records), which this trace lacks" },
	{ "workload.trace", "selects the input, which this test fixes" },
	{ "workload.generator", "selects the input, which this test fixes" },
	{ "output.dir", "where outputs go" },
	{ "output.sample_interval", "output only: the timeseries sampling period" },
};

static char tmpdir[256];
static const char *mmsim;

static void write_trace(const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		exit(1);
	}
	fprintf(fp, "# mmsim-trace v1\n# generator: test_keys\n#\n");
	sim_ns_t t = 0;
#define REC(...) (fprintf(fp, "%llu ", (unsigned long long)(t += 10000)), fprintf(fp, __VA_ARGS__), fputc('\n', fp))
	/* On the idle machine: 300 + 200 pages fit a 512-page area only when its bitmap has a
	 * bit per page; with 64-page bits (order_per_bit 6) they need 320 + 256. */
	REC("cma_alloc id=320000 count=300 align=0 task=500");
	REC("cma_alloc id=330000 count=200 align=0 task=500");
	REC("cma_release id=320000 task=500");
	REC("cma_release id=330000 task=500");
	/* Page cache of the rest of the machine, as an imported trace's prefill (task 0). */
	for (unsigned i = 1; i <= 2000; i++)
		REC("alloc id=%u order=0 gfp=GFP_HIGHUSER_MOVABLE task=0", 200000 + i);
	for (unsigned wave = 0; wave < 2; wave++) {
		unsigned base = wave * 20000;
		for (unsigned i = 1; i <= 15000; i++) {
			unsigned id = base + i, task = 1 + i % 4;
			const char *gfp = i % 7 == 0    ? "GFP_KERNEL"
					  : i % 11 == 0 ? "GFP_KERNEL|__GFP_RECLAIMABLE"
					  : i % 5 == 0  ? "GFP_HIGHUSER_MOVABLE|__GFP_ZERO"
							: "GFP_HIGHUSER_MOVABLE";
			if (i % 9 == 0) /* hugetlbfs-like pool pages: unevictable, movable */
				REC("alloc id=%u order=1 gfp=GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL task=%u",
				    id, task);
			else
				REC("alloc id=%u order=0 gfp=%s task=%u", id, gfp, task);
			if (i % 3 == 0)
				REC("dirty id=%u task=%u", id, task);
			if (i % 4 == 0)
				REC("access id=%u task=%u", id, task);
			if (i % 8 == 0)
				REC("access id=%u task=%u", id, task);
			if (i % 13 == 0)
				REC("hint id=%u kind=noreuse task=%u", id, task);
			if (i % 17 == 0) /* zsmalloc-like pages (movable allocations only) */
				REC("hint id=%u kind=movable_ops task=%u", id, task);
			if (i % 97 == 0)
				REC("pin id=%u kind=longterm task=%u", id, task);
			if (i % 179 == 0) /* aio-ring-like pages: owner pins */
				REC("pin id=%u kind=owner task=%u", id, task);
			if (i % 1000 == 0) { /* high-order requests: slab, THP, hugetlb-like */
				REC("alloc id=%u order=3 gfp=GFP_KERNEL task=9", 100000 + base + i);
				REC("alloc id=%u order=4 gfp=GFP_KERNEL task=9", 110000 + base + i);
				REC("alloc id=%u order=9 gfp=GFP_TRANSHUGE task=9", 120000 + base + i);
				REC("alloc id=%u order=9 gfp=GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN task=9",
				    130000 + base + i);
			}
			if (i % 2 == 0 && i > 2000 && (i - 2000) % 14 == 0) /* fragment: free old slab */
				REC("free id=%u task=%u", base + i - 2000, task);
		}
		REC("cma_alloc id=%u count=1000 align=0 task=500", 300000 + wave);
		REC("cma_alloc id=%u count=1000 align=0 task=500", 310000 + wave);
		for (unsigned i = 1; i <= 3000; i++) /* refaults / swap-ins of the oldest */
			REC("access id=%u task=%u", base + i, 1 + i % 4);
		for (unsigned i = 1; i <= 15000; i += 2)
			REC("free id=%u task=%u", base + i, 1 + i % 4);
		REC("cma_release id=%u task=500", 300000 + wave);
		REC("cma_release id=%u task=500", 310000 + wave);
	}
#undef REC
	fclose(fp);
}

/* Append a file's text to out; for summary.json drop the config echo and the lines that
 * name files. */
static void append_file(FILE *out, const char *path, bool summary)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	char line[4096];
	int depth = -1; /* >= 0 while inside "config" */
	while (fgets(line, sizeof(line), fp)) {
		if (summary) {
			if (depth < 0 && strstr(line, "\"config\": {"))
				depth = 0;
			if (depth >= 0) {
				for (char *p = line; *p; p++)
					depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
				if (depth <= 0)
					depth = -1;
				continue;
			}
			if (strstr(line, "\"dir\"") || strstr(line, "\"source\"") || strstr(line, "mmsim_version"))
				continue;
		}
		fputs(line, out);
	}
	fclose(fp);
}

/* Run with the extra --set arguments; returns every output's text (malloc'd), or NULL. */
static char *run(const char *sets)
{
	static unsigned n;
	char dir[512], cmd[2048];
	snprintf(dir, sizeof(dir), "%s/run%u", tmpdir, n++);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/configs' && '%s' run default.yaml -o '%s' --set machine.zones.dma=1024 "
		 "--set machine.zones.dma32=4096 --set machine.zones.normal=8192 --set workload.generator= "
		 "--set workload.trace=%s/keys.mmt.txt %s >/dev/null 2>'%s.err'",
		 tl_srcdir(), mmsim, dir, tmpdir, sets, dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "run failed: %s\n", cmd);
		snprintf(cmd, sizeof(cmd), "cat '%s.err' >&2", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "(no error output)\n");
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	static const char *const files[] = { "buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo",
					     "timeseries.tsv", "latency.tsv", "summary.json" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		append_file(out, path, i == 6);
	}
	fclose(out);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.err'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return buf;
}

static const struct key_change *change_for(const char *path)
{
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (!strcmp(changes[i].path, path))
			return &changes[i];
	return NULL;
}

static const char *exemption(const char *path)
{
	for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		if (!strcmp(exempt[i].path, path))
			return exempt[i].why;
	return NULL;
}

/* Base outputs per environment, so keys sharing one run it once. */
static struct {
	const char *env;
	char *out;
} bases[64];

static const char *base_for(const char *env)
{
	const char *e = env ? env : "";
	size_t i;
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]) && bases[i].env; i++)
		if (!strcmp(bases[i].env, e))
			return bases[i].out;
	if (i == sizeof(bases) / sizeof(bases[0]))
		abort();
	bases[i].env = e;
	bases[i].out = run(e);
	return bases[i].out;
}

static void test_every_key_acts(void)
{
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	unsigned acted = 0, exempted = 0;
	for (size_t k = 0; k < nr; k++) {
		const char *path = keys[k].path;
		const char *why = exemption(path);
		const struct key_change *c = change_for(path);
		if (why) {
			CHECK(!c); /* a key is either tried or exempt, not both */
			exempted++;
			continue;
		}
		if (!c) {
			fprintf(stderr, "key %s: neither tried nor exempt (add it to changes[] or exempt[])\n", path);
			CHECK(!"key without a change or an exemption");
			continue;
		}
		const char *base = base_for(c->env);
		char sets[1024];
		snprintf(sets, sizeof(sets), "%s --set %s", c->env ? c->env : "", c->set);
		char *changed = run(sets);
		CHECK(base && changed);
		if (base && changed && !strcmp(base, changed)) {
			fprintf(stderr, "key %s: --set %s changes no output: a dead knob\n", path, c->set);
			CHECK(!"dead knob");
		} else {
			acted++;
		}
		free(changed);
	}
	/* Every entry of both lists names a real key (no stale rows). */
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		CHECK(config_key_find(changes[i].path) != NULL);
	for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		CHECK(config_key_find(exempt[i].path) != NULL);
	printf("     %u keys act, %u exempt, %zu in the table\n", acted, exempted, nr);
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]) && bases[i].env; i++)
		free(bases[i].out);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	mmsim = getenv("MMSIM");
	if (!mmsim || access(mmsim, X_OK)) {
		printf("SKIP: $MMSIM not set or not executable\n");
		return 77;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mmsim-test-keys-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	char trace[600];
	snprintf(trace, sizeof(trace), "%s/keys.mmt.txt", tmpdir);
	write_trace(trace);
	RUN(test_every_key_acts);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (!getenv("MMSIM_KEEP") && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return TEST_END();
}
