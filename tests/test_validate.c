/* test_validate.c — sim/validate (scores of a replay against its capture) and the
 * ring-buffer statistics parser of sim/trace/capture, on hand-made directories whose
 * expected figures are worked out by hand in the comments. */
#include "testlib.h"
#include "trace/capture.h"
#include "validate/validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void put(const char *dir, const char *name, const char *text)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *fp = fopen(p, "w");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fputs(text, fp);
	fclose(fp);
}

static void remove_file(const char *dir, const char *name)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	CHECK_EQ(remove(p), 0);
}

static const struct validate_figure *fig(const struct validate_capture *c, const char *name)
{
	for (unsigned i = 0; i < c->nr_figures; i++)
		if (!strcmp(c->fig[i].name, name))
			return &c->fig[i];
	return NULL;
}

static void test_cpu_stats(void)
{
	/* per_cpu/cpu1/stats of a 6.18 kernel */
	static const char text[] = "entries: 12\noverrun: 3\ncommit overrun: 1\nbytes: 0\n"
				   "oldest event ts:   512.668150\nnow ts:   517.358895\n"
				   "dropped events: 7\nread events: 364647\n";
	struct capture_cpu_stats st;
	CHECK_EQ(capture_parse_cpu_stats(text, &st), 0);
	CHECK_EQ(st.entries, 12);
	CHECK_EQ(st.overrun, 3);
	CHECK_EQ(st.commit_overrun, 1);
	CHECK_EQ(st.dropped, 7);
	CHECK_EQ(st.read, 364647);
	/* without the lines that say whether anything was lost, it cannot tell */
	CHECK_EQ(capture_parse_cpu_stats("bytes: 0\nread events: 3\n", &st), -1);
}

/* sysfs cpu lists and the LLC share: "0-1" is 2 CPUs, "0,4-7" 5, "3" 1; malformed or empty
 * lists count 0.  A cpu0 with index0 Data 32K ("0"), index1 Instruction 32K, index2 Unified
 * 512K ("0") and index3 Unified 32768K shared by "0-1": the last leaf is index3, so
 * 32768 / 2 = 16384 KiB (this build machine's caches).  With index3 an Instruction cache
 * the last leaf holds no data: 0.  Without cache directories: 0. */
static void test_cpu_data_slice(void)
{
	CHECK_EQ(capture_cpulist_weight("0-1"), 2);
	CHECK_EQ(capture_cpulist_weight("0,4-7\n"), 5);
	CHECK_EQ(capture_cpulist_weight("3"), 1);
	CHECK_EQ(capture_cpulist_weight(""), 0);
	CHECK_EQ(capture_cpulist_weight("a"), 0);
	CHECK_EQ(capture_cpulist_weight("2-1"), 0);
	CHECK_EQ(capture_cpulist_weight("0;1"), 0);
	char dir[] = "/tmp/mmsim-slice-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	static const struct {
		const char *type, *size, *shared;
	} leaf[] = { { "Data", "32K", "0" }, { "Instruction", "32K", "0" }, { "Unified", "512K", "0" },
		     { "Unified", "32768K", "0-1" } };
	char p[4200];
	CHECK_EQ(capture_cpu_data_slice_kb(dir, 0), 0);
	snprintf(p, sizeof(p), "%s/cpu0", dir);
	CHECK_EQ(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/cpu0/cache", dir);
	CHECK_EQ(mkdir(p, 0700), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/cpu0/cache/index%d", dir, i);
		CHECK_EQ(mkdir(p, 0700), 0);
		put(p, "type", leaf[i].type);
		put(p, "size", leaf[i].size);
		put(p, "shared_cpu_list", leaf[i].shared);
	}
	CHECK_EQ(capture_cpu_data_slice_kb(dir, 0), 16384);
	snprintf(p, sizeof(p), "%s/cpu0/cache/index3", dir);
	put(p, "type", "Instruction");
	CHECK_EQ(capture_cpu_data_slice_kb(dir, 0), 0);
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
}

/* Lines of capture_write_memcgs over a fake hierarchy, read back with capture_parse_memcg. */
static int memcg_lines(const char *root, bool v2, struct capture_memcg *m, int max)
{
	FILE *fp = tmpfile();
	CHECK(fp != NULL);
	if (!fp)
		return -1;
	int n = capture_write_memcgs(root, v2, 4096, fp), k = 0;
	rewind(fp);
	char line[4200];
	CHECK(fgets(line, sizeof(line), fp) != NULL);
	CHECK_EQ(line[0], '#');
	CHECK_EQ(capture_parse_memcg(line, &m[0]), -1);
	while (k < max && fgets(line, sizeof(line), fp))
		CHECK_EQ(capture_parse_memcg(line, &m[k++]), 0);
	fclose(fp);
	CHECK_EQ(n, k);
	return k;
}

/* The memcgs' own LRU pages (before.memcgs), 4 KiB pages.
 * v1 (memory.stat local, total_* ignored): the root with inactive_file 8192 B (2 pages),
 * memory.swappiness 200; /a with 4096, 8192, 409600, 204800, 40960 B = 1, 2, 100, 50, 10
 * pages at 60; /a/b all zero (no line); /c without memory.stat (no line).  Children
 * first: "60 1 2 100 50 10 /a", then "200 0 0 2 0 0 /".
 * v2 (memory.stat recursive, no swappiness: -1): the root's subtree inactive_file
 * 450560 B = 110 pages, active_anon 8192 = 2; /a's 409600 = 100 and 2; /a/b's 163840 =
 * 40.  Own: /a/b 40 file; /a 100 - 40 = 60 file, 2 - 0 = 2 anon; the root 110 - 100 = 10
 * file, 2 - 2 = 0 anon.  Lines /a/b, /a, /.  A path keeps its spaces; a short line is
 * malformed. */
static void test_capture_memcgs(void)
{
	char dir[] = "/tmp/mmsim-memcg-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char p[4200];
	struct capture_memcg m[8];
	put(dir, "memory.stat", "cache 8192\ninactive_anon 0\nactive_anon 0\ninactive_file 8192\nactive_file 0\n"
				"unevictable 0\ntotal_inactive_file 417792\n");
	put(dir, "memory.swappiness", "200\n");
	snprintf(p, sizeof(p), "%s/a", dir);
	CHECK_EQ(mkdir(p, 0700), 0);
	put(p, "memory.stat", "inactive_anon 4096\nactive_anon 8192\ninactive_file 409600\nactive_file 204800\n"
			      "unevictable 40960\n");
	put(p, "memory.swappiness", "60\n");
	snprintf(p, sizeof(p), "%s/a/b", dir);
	CHECK_EQ(mkdir(p, 0700), 0);
	put(p, "memory.stat", "inactive_anon 0\nactive_anon 0\ninactive_file 0\nactive_file 0\nunevictable 0\n");
	snprintf(p, sizeof(p), "%s/c", dir);
	CHECK_EQ(mkdir(p, 0700), 0);
	put(dir, "notadir", "x\n");
	CHECK_EQ(memcg_lines(dir, false, m, 8), 2);
	CHECK_EQ(m[0].swappiness, 60);
	CHECK_STR(m[0].path, "/a");
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_INACTIVE_ANON], 1);
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_ACTIVE_ANON], 2);
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_INACTIVE_FILE], 100);
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_ACTIVE_FILE], 50);
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_UNEVICTABLE], 10);
	CHECK_EQ(m[1].swappiness, 200);
	CHECK_STR(m[1].path, "/");
	CHECK_EQ(m[1].pages[CAPTURE_MEMCG_INACTIVE_FILE], 2);
	CHECK_EQ(m[1].pages[CAPTURE_MEMCG_ACTIVE_ANON], 0);

	put(dir, "memory.stat", "active_anon 8192\ninactive_file 450560\n");
	snprintf(p, sizeof(p), "%s/a", dir);
	put(p, "memory.stat", "active_anon 8192\ninactive_file 409600\n");
	snprintf(p, sizeof(p), "%s/a/b", dir);
	put(p, "memory.stat", "inactive_file 163840\n");
	CHECK_EQ(memcg_lines(dir, true, m, 8), 3);
	CHECK_STR(m[0].path, "/a/b");
	CHECK_EQ(m[0].swappiness, -1);
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_INACTIVE_FILE], 40);
	CHECK_STR(m[1].path, "/a");
	CHECK_EQ(m[1].pages[CAPTURE_MEMCG_INACTIVE_FILE], 60);
	CHECK_EQ(m[1].pages[CAPTURE_MEMCG_ACTIVE_ANON], 2);
	CHECK_STR(m[2].path, "/");
	CHECK_EQ(m[2].pages[CAPTURE_MEMCG_INACTIVE_FILE], 10);
	CHECK_EQ(m[2].pages[CAPTURE_MEMCG_ACTIVE_ANON], 0);

	CHECK_EQ(capture_parse_memcg("60 1 2 3 4 5 /user.slice/a b\n", &m[0]), 0);
	CHECK_STR(m[0].path, "/user.slice/a b");
	CHECK_EQ(m[0].pages[CAPTURE_MEMCG_UNEVICTABLE], 5);
	CHECK_EQ(capture_parse_memcg("60 1 2\n", &m[0]), -1);
	CHECK_EQ(capture_parse_memcg("60 1 2 3 4 5 a\n", &m[0]), -1);
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
}

/* A capture and its replay, each figure chosen so the arithmetic is easy by hand:
 *   figure                   obs (after-before / trace)  sim   sim/obs  within  |log2((s+1)/(o+1))|
 *   kswapd_wake              2 (trace)                   3     1.5      yes     log2(4/3)    = 0.415
 *   direct_reclaim           - (event not captured)      4
 *   pgscan_kswapd            1400-1000 = 400             800   2        yes     log2(801/401)= 0.998
 *   pgscan_direct            0                           0     =        yes     0
 *   allocstall               (14-10) + (0-0) = 4         2+2   1        yes     0
 *   nr_written               1500-500 = 1000             250   0.25     no      log2(1001/251)= 1.996
 *   workingset_refault_file  0                           0     =        yes     0
 *   compact_stall            0                           1     inf      no      log2(2/1)    = 1
 *   compact_migrate_scanned  400-100 = 300               100   0.33     no      log2(301/101)= 1.575
 *   compact_free_scanned     2000-1000 = 1000            3000  3        no      log2(3001/1001)= 1.584
 *   pgmigrate_success        113-50 = 63                 31    0.49     no      log2(64/32)  = 1
 *   extfrag                  3 (trace)                   6     2        yes     log2(7/4)    = 0.807
 *   alloc_fail               - (not captured)            -
 * 11 known, 6 within; sorted logs 0 0 0 .415 .807 .998 1 1 1.575 1.584 1.996: median .998.
 * Buddyinfo Normal: obs 3 1 0 0 0 0 0 0 0 1 0, sim 1 1 0 0 0 0 0 0 0 0 1:
 *   distance |log2(2/4)| + |log2(1/2)| + |log2(2/1)| = 3;
 *   free at order >= 9: obs 512 / (3 + 2 + 512) = 0.99033, sim 1024 / (1 + 2 + 1024) = 0.99708.
 * DMA is in the capture only: not simulated. */
/* The scoreboard of res as validate_write_text (json false) or validate_write_json writes
 * it; the caller frees it. */
static char *render(const struct validate_result *res, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (!fp)
		return NULL;
	if (json)
		validate_write_json(res, fp);
	else
		validate_write_text(res, fp);
	fclose(fp);
	return buf;
}

static void test_score(void)
{
	char cap[4096], run[4096];
	snprintf(cap, sizeof(cap), "%s/cap", tl_tmpdir());
	snprintf(run, sizeof(run), "%s/run", tl_tmpdir());
	mkdir(cap, 0755);
	mkdir(run, 0755);
	put(cap, "before.vmstat", "nr_written 500\npgscan_kswapd 1000\npgscan_direct 0\nallocstall_normal 10\n"
				  "allocstall_movable 0\nworkingset_refault_file 0\ncompact_stall 5\n"
				  "compact_migrate_scanned 100\ncompact_free_scanned 1000\npgmigrate_success 50\n"
				  "pageoutrun 7\npswpout 0\n");
	put(cap, "after.vmstat", "nr_written 1500\npgscan_kswapd 1400\npgscan_direct 0\nallocstall_normal 14\n"
				 "allocstall_movable 0\nworkingset_refault_file 0\ncompact_stall 5\n"
				 "compact_migrate_scanned 400\ncompact_free_scanned 2000\npgmigrate_success 113\n"
				 "pageoutrun 9\npswpout 0\n");
	put(cap, "after.buddyinfo", "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
				    "Node 0, zone   Normal      3      1      0      0      0      0      0      0      0      1      0 \n");
	put(run, "buddyinfo", "Node 0, zone   Normal      1      1      0      0      0      0      0      0      0      0      1 \n");
	put(run, "summary.json",
	    "{\"counters\": {\"pageoutrun\": 3, \"allocstall_normal\": 2, \"allocstall_movable\": 2,\n"
	    " \"pgscan_kswapd\": 800, \"pgscan_direct\": 0, \"nr_written\": 250, \"workingset_refault_file\": 0,\n"
	    " \"compact_stall\": 1, \"compact_migrate_scanned\": 100, \"compact_free_scanned\": 3000,\n"
	    " \"pgmigrate_success\": 31, \"mmsim_extfrag_events\": 6, \"mmsim_alloc_fail\": 0},\n"
	    " \"observed\": {\"kswapd_wake\": 2, \"extfrag\": 3}}\n");
	struct validate_capture *c = calloc(1, sizeof(*c));
	struct sim_error err = { 0 };
	CHECK_EQ(validate_score(cap, run, c, &err), 0);
	/* a capture.json that lists mm_page_alloc as enabled: no failed allocation is a 0 */
	put(cap, "capture.json", "{\"events_enabled\": [\"kmem:mm_page_alloc\"]}\n");
	struct validate_capture *c2 = calloc(1, sizeof(*c2));
	CHECK_EQ(validate_score(cap, run, c2, &err), 0);
	const struct validate_figure *af = fig(c2, "alloc_fail");
	CHECK(af && af->have_obs && af->obs == 0 && af->sim == 0);
	CHECK_EQ(c2->nr_key_known, 12);
	CHECK_EQ(c2->nr_within, 7);
	af = fig(c2, "direct_reclaim");
	CHECK(af && !af->have_obs);
	free(c2);
	remove_file(cap, "capture.json");
	CHECK_EQ(c->nr_key, 13);
	CHECK_EQ(c->nr_key_known, 11);
	CHECK_EQ(c->nr_within, 6);
	CHECK(fabs(c->median_log2 - log2(801.0 / 401.0)) < 1e-9);
	const struct validate_figure *f = fig(c, "kswapd_wake");
	CHECK(f && f->have_obs && f->obs == 2 && !strcmp(f->obs_source, "trace") && f->sim == 3);
	f = fig(c, "direct_reclaim");
	CHECK(f && !f->have_obs && f->have_sim && f->sim == 4);
	f = fig(c, "allocstall");
	CHECK(f && f->have_obs && f->obs == 4 && f->sim == 4 && !strcmp(f->obs_source, "vmstat"));
	f = fig(c, "nr_written");
	CHECK(f && f->obs == 1000 && f->sim == 250);
	f = fig(c, "alloc_fail");
	CHECK(f && !f->have_obs && f->have_sim);
	/* an extra figure is listed only when the capture has it; pswpout has no counter here */
	f = fig(c, "pswpout");
	CHECK(f && f->have_obs && f->obs == 0 && !f->have_sim);
	CHECK(fig(c, "thp_fault_alloc") == NULL);
	CHECK_EQ(c->nr_zones, 2);
	CHECK_STR(c->zone[0].name, "DMA");
	CHECK(c->zone[0].have_obs && !c->zone[0].have_sim);
	CHECK_STR(c->zone[1].name, "Normal");
	CHECK(c->zone[1].have_obs && c->zone[1].have_sim);
	CHECK(fabs(c->zone[1].distance - 3) < 1e-9);
	CHECK(fabs(c->zone[1].obs_free_hi - 512.0 / 517.0) < 1e-9);
	CHECK(fabs(c->zone[1].sim_free_hi - 1024.0 / 1027.0) < 1e-9);

	/* after.pagetypeinfo in place of after.buddyinfo: the same free blocks, summed over
	 * the migratetypes (Normal: 2 + 1 = 3 order-0 blocks), so the same zone table */
	remove_file(cap, "after.buddyinfo");
	put(cap, "after.pagetypeinfo",
	    "Page block order: 9\nPages per block:  512\n\n"
	    "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	    "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      1      1      3 \n"
	    "Node    0, zone   Normal, type    Unmovable      1      0      0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone   Normal, type      Movable      2      1      0      0      0      0      0      0      0      1      0 \n\n"
	    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	    "Node 0, zone      DMA            1            7            0            0            0 \n"
	    "Node 0, zone   Normal            1            9            0            0            0 \n");
	struct validate_capture *c3 = calloc(1, sizeof(*c3));
	CHECK_EQ(validate_score(cap, run, c3, &err), 0);
	CHECK_EQ(c3->nr_zones, 2);
	CHECK_STR(c3->zone[1].name, "Normal");
	CHECK(c3->zone[1].have_obs && c3->zone[1].have_sim);
	CHECK(fabs(c3->zone[1].distance - 3) < 1e-9);
	CHECK(fabs(c3->zone[1].obs_free_hi - 512.0 / 517.0) < 1e-9);
	free(c3);

	/* the text scoreboard says the same */
	struct validate_result res = { .nr = 1, .cap = c };
	snprintf(c->name, sizeof(c->name), "cap");
	snprintf(c->dir, sizeof(c->dir), "%s", cap);
	char *buf = render(&res, false);
	CHECK(strstr(buf, "key figures within 2x: 6 of 11 (2 more the capture or the simulator cannot tell); "
			  "median |log2 sim/obs| 1.00") != NULL);
	CHECK(strstr(buf, "direct_reclaim                        -            4         -      not in the capture") != NULL);
	CHECK(strstr(buf, "Normal                    3.0            99.0% / 99.7%") != NULL);
	CHECK(strstr(buf, "cap                    6/11           1.00  Normal 3.0") != NULL);
	CHECK(strstr(buf, "incomplete") == NULL); /* summary.json without records_unissued: complete */
	free(buf);
	buf = render(&res, true);
	CHECK(strstr(buf, "\"within_2x\": 6") != NULL);
	CHECK(strstr(buf, "\"name\": \"direct_reclaim\", \"key\": true, \"observed\": null, \"simulated\": 4") != NULL);
	free(buf);

	/* Three prefill seeds merged (validate_merge_seeds).  Seed 0 is the replay above;
	 * seed 1 woke kswapd 9 times and wrote 600 pages, seed 2 woke it once and wrote 900,
	 * and ended with 5 and 3 free order-0 blocks in Normal (seed 0: 1).  By hand:
	 *   kswapd_wake  medians of 3, 9, 1 = 3 (min 1, max 9), obs 2: within
	 *   nr_written   medians of 250, 600, 900 = 600, obs 1000: now within
	 * so 7 of 11 within (seed 0 alone 6; seed 1: kswapd 9/2 out, nr_written in: 6;
	 * seed 2: both in, 7); Normal order 0: median of 1, 5, 3 = 3 = obs, so the distance
	 * is 3 - |log2(2/4)| = 2. */
	struct validate_capture *seeds = calloc(3, sizeof(*seeds)), *m = calloc(1, sizeof(*m));
	for (int k = 0; k < 3; k++)
		seeds[k] = *c;
	struct validate_figure *kw1 = (struct validate_figure *)fig(&seeds[1], "kswapd_wake"),
			       *kw2 = (struct validate_figure *)fig(&seeds[2], "kswapd_wake"),
			       *nw1 = (struct validate_figure *)fig(&seeds[1], "nr_written"),
			       *nw2 = (struct validate_figure *)fig(&seeds[2], "nr_written");
	kw1->sim = 9, kw2->sim = 1, nw1->sim = 600, nw2->sim = 900;
	seeds[1].nr_within = 6, seeds[2].nr_within = 7;
	seeds[1].zone[1].sim[0] = 5, seeds[2].zone[1].sim[0] = 3;
	validate_merge_seeds(m, seeds, 3);
	CHECK_EQ(m->nr_seeds, 3);
	f = fig(m, "kswapd_wake");
	CHECK(f && f->sim == 3 && f->sim_min == 1 && f->sim_max == 9);
	f = fig(m, "nr_written");
	CHECK(f && f->sim == 600 && f->sim_min == 250 && f->sim_max == 900 && validate_figure_within(f));
	CHECK_EQ(m->nr_within, 7);
	CHECK_EQ(m->nr_key_known, 11);
	CHECK_EQ(m->within_min, 6);
	CHECK_EQ(m->within_max, 7);
	CHECK(m->zone[1].sim[0] == 3 && fabs(m->zone[1].distance - 2) < 1e-9);
	res.cap = m;
	buf = render(&res, false);
	CHECK(strstr(buf, "key figures within 2x: 7 of 11 (one seed alone: 6..7)") != NULL);
	CHECK(strstr(buf, "seeds 1..9; observed: trace events") != NULL);
	free(buf);
	buf = render(&res, true);
	CHECK(strstr(buf, "\"seeds\": 3, \"within_2x_min\": 6, \"within_2x_max\": 7") != NULL ||
	      (strstr(buf, "\"within_2x_min\": 6") && strstr(buf, "\"within_2x_max\": 7")));
	CHECK(strstr(buf, "\"simulated\": 600, \"simulated_min\": 250, \"simulated_max\": 900") != NULL);
	free(buf);
	free(seeds);
	free(m);
	free(c);
}

/* A replay that ended with records still in a blocked task's backlog (summary.json
 * records_unissued) is marked in the table, the scoreboard line and the JSON: its figures
 * cover part of the workload only. */
static void test_score_incomplete(void)
{
	char cap[4096], run[4096];
	snprintf(cap, sizeof(cap), "%s/capi", tl_tmpdir());
	snprintf(run, sizeof(run), "%s/runi", tl_tmpdir());
	mkdir(cap, 0755);
	mkdir(run, 0755);
	put(cap, "before.vmstat", "pgscan_kswapd 1000\n");
	put(cap, "after.vmstat", "pgscan_kswapd 1400\n");
	put(run, "summary.json", "{\"records\": 104035, \"records_unissued\": 210719,\n"
				 " \"counters\": {\"pgscan_kswapd\": 400}}\n");
	struct validate_capture *c = calloc(1, sizeof(*c));
	struct sim_error err = { 0 };
	CHECK_EQ(validate_score(cap, run, c, &err), 0);
	CHECK(c->records == 104035 && c->records_unissued == 210719);
	snprintf(c->name, sizeof(c->name), "capi");
	struct validate_result res = { .nr = 1, .cap = c };
	char *buf = render(&res, false);
	CHECK(strstr(buf, "replay incomplete: 210719 records never issued (their task was still blocked when the "
			  "replay ended): the figures cover the 104035 issued") != NULL);
	CHECK(strstr(buf, "(incomplete: 210719 records never issued)") != NULL);
	free(buf);
	buf = render(&res, true);
	CHECK(strstr(buf, "\"records_unissued\": 210719") != NULL);
	free(buf);
	free(c);
}

static void test_capture_files(void)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/cf", tl_tmpdir());
	mkdir(dir, 0755);
	struct capture_files *cf = calloc(1, sizeof(*cf));
	struct sim_error err = { 0 };
	/* no trace: not a capture */
	CHECK_EQ(capture_files_find(dir, cf, &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
	put(dir, "report.txt.gz", "");
	put(dir, "trace.dat", "");
	put(dir, "before.zoneinfo", "");
	put(dir, "after.vmstat", "");
	CHECK_EQ(capture_files_find(dir, cf, &err), 0);
	/* text before .dat */
	CHECK(strstr(cf->trace, "/report.txt.gz") != NULL);
	CHECK(cf->before[CAPTURE_ZONEINFO][0] && !cf->before[CAPTURE_VMSTAT][0] && cf->after[CAPTURE_VMSTAT][0]);
	struct capture_prefill_sources ps;
	capture_prefill_sources_from(cf, &ps);
	CHECK(ps.zoneinfo && !ps.buddyinfo && !ps.pagetypeinfo && !ps.meminfo);
	free(cf);
}

/* The node counters' slack (validate_counter_slack), worked out by hand.  The zoneinfo:
 * node 0 with DMA32 (threshold 24 on both CPUs) and Normal (36 on CPU 0, 30 on CPU 1),
 * node 1 with Normal (10 on both).  A node's per-cpu threshold is its zones' largest:
 * node 0 36 + 30 = 66, node 1 10 + 10 = 20, so a snapshot misses at most 86 and a delta
 * (two snapshots) 172.  Scored: nr_written obs 1000 sim 1150 (1.15: within 2x anyway);
 * workingset_refault_file obs 0 sim 150 (|150| <= 172: within, by the slack); nr_dirtied
 * obs 100 sim 300 (3x, |200| > 172: not within, and not key); pgscan_kswapd obs 0 sim 50 is
 * an event counter (exact, no slack): not within.  With capture.json saying the snapshots
 * were refreshed there is no slack: the refault figure is out. */
static void test_counter_slack(void)
{
	static const char zi[] =
		"Node 0, zone    DMA32\n  pages free     100\n  pagesets\n    cpu: 0\n              count: 3\n"
		"  vm stats threshold: 24\n    cpu: 1\n              count: 0\n  vm stats threshold: 24\n"
		"  node_unreclaimable:  0\n"
		"Node 0, zone   Normal\n  pagesets\n    cpu: 0\n  vm stats threshold: 36\n    cpu: 1\n"
		"  vm stats threshold: 30\n"
		"Node 1, zone   Normal\n  pagesets\n    cpu: 0\n  vm stats threshold: 10\n    cpu: 1\n"
		"  vm stats threshold: 10\n";
	CHECK(fabs(validate_counter_slack(zi) - 86) < 1e-9);
	CHECK(validate_counter_slack("Node 0, zone      DMA\n  pages free 3\n") == 0);
	CHECK(validate_counter_slack("") == 0);

	char cap[4096], run[4096];
	snprintf(cap, sizeof(cap), "%s/slack-cap", tl_tmpdir());
	snprintf(run, sizeof(run), "%s/slack-run", tl_tmpdir());
	mkdir(cap, 0755);
	mkdir(run, 0755);
	put(cap, "before.vmstat", "nr_written 0\nworkingset_refault_file 10\nnr_dirtied 0\npgscan_kswapd 5\n");
	put(cap, "after.vmstat", "nr_written 1000\nworkingset_refault_file 10\nnr_dirtied 100\npgscan_kswapd 5\n");
	put(cap, "before.zoneinfo", zi);
	put(cap, "after.zoneinfo", zi);
	put(run, "summary.json", "{\"counters\": {\"nr_written\": 1150, \"workingset_refault_file\": 150,"
				 " \"nr_dirtied\": 300, \"pgscan_kswapd\": 50}}\n");
	struct validate_capture *c = calloc(1, sizeof(*c));
	struct sim_error err = { 0 };
	CHECK_EQ(validate_score(cap, run, c, &err), 0);
	const struct validate_figure *f = fig(c, "workingset_refault_file");
	CHECK(f && f->obs == 0 && f->sim == 150 && fabs(f->slack - 172) < 1e-9 && validate_figure_within(f));
	f = fig(c, "nr_written");
	CHECK(f && fabs(f->slack - 172) < 1e-9 && validate_figure_within(f));
	f = fig(c, "nr_dirtied");
	CHECK(f && fabs(f->slack - 172) < 1e-9 && !validate_figure_within(f));
	f = fig(c, "pgscan_kswapd");
	CHECK(f && f->slack == 0 && !validate_figure_within(f));
	CHECK_EQ(c->nr_key_known, 3);
	CHECK_EQ(c->nr_within, 2);
	struct validate_result res = { .nr = 1, .cap = c };
	char *buf = render(&res, false);
	/* the note only where the slack decided: the refault figure, not nr_written (within 2x) */
	static const char slack_172[] = "within the per-CPU counters' slack of 172";
	const char *note = strstr(buf, slack_172);
	CHECK(note != NULL && strstr(note + sizeof(slack_172) - 1, "slack of") == NULL);
	free(buf);

	put(cap, "capture.json", "{\"vmstat_refreshed\": true}\n");
	memset(c, 0, sizeof(*c));
	CHECK_EQ(validate_score(cap, run, c, &err), 0);
	f = fig(c, "workingset_refault_file");
	CHECK(f && f->slack == 0 && !validate_figure_within(f));
	CHECK_EQ(c->nr_within, 1);
	free(c);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_cpu_stats);
	RUN(test_cpu_data_slice);
	RUN(test_capture_memcgs);
	RUN(test_score);
	RUN(test_score_incomplete);
	RUN(test_counter_slack);
	RUN(test_capture_files);
	return TEST_END();
}
