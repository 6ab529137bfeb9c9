/* cmd_import.c — `mmsim import`: a kernel trace capture -> native trace (architecture.md §5),
 * or a captured /proc/zoneinfo -> machine config YAML. */
#include "cli.h"
#include "opts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/bigalloc.h"
#include "../stats/json.h"
#include "../trace/capture.h"
#include "../trace/ftrace.h"
#include "../trace/import.h"
#include "../trace/import_skip.h"
#include "../trace/trace.h"
#include "../trace/zoneinfo.h"

/* LeakSanitizer hook (unused without -fsanitize): libtraceevent keeps a few bytes of a
 * parsed event format past tracecmd_close; not ours to free. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtraceevent.so\n";
}

/* Records are held until the end: the observed figures go into the header, which the
 * native format writes first.  The array is a big_calloc mapping (huge pages) from its
 * first allocation: 15 MB of records in 4 KiB pages were a third of the import's page
 * faults. */
struct record_buf {
	struct trace_record *rec;
	size_t nr, cap;
};

static int collect(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	struct record_buf *b = arg;
	if (b->nr == b->cap) {
		/* At least 4 MiB at first (rounded up: a record is 40 bytes), big_calloc's
		 * smallest mapping, not calloc'd 4 KiB pages copied into one at the first
		 * growth */
		size_t cap = b->cap ? b->cap * 2 : ((4u << 20) + sizeof(*b->rec) - 1) / sizeof(*b->rec);
		struct trace_record *n = big_realloc(b->rec, b->cap, cap, sizeof(*n));
		if (!n)
			return sim_error_set(err, EX_SOFTWARE_, "out of memory");
		b->rec = n;
		b->cap = cap;
	}
	b->rec[b->nr++] = *rec;
	return 0;
}

static int write_rec(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	return trace_write(arg, rec, err);
}

static void default_output(const char *in, char *out, size_t n)
{
	const char *base = strrchr(in, '/');
	base = base ? base + 1 : in;
	if (!strcmp(in, "-"))
		base = "stdin";
	char stem[CAPTURE_PATH_MAX];
	snprintf(stem, sizeof(stem), "%s", base);
	static const char *const exts[] = { ".gz", ".txt", ".dat", ".trace" };
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t l = strlen(stem), e = strlen(exts[i]);
		if (l > e && !strcmp(stem + l - e, exts[i]))
			stem[l - e] = 0;
	}
	snprintf(out, n, "%s.mmt.gz", stem);
}

/* SwapTotal of a /proc/meminfo, in pages (0 when absent or unreadable). */
static uint64_t meminfo_swap_pages(const char *path)
{
	FILE *fp = path && path[0] ? fopen(path, "r") : NULL;
	uint64_t kb = 0;
	char line[256];
	while (fp && fgets(line, sizeof(line), fp))
		if (sscanf(line, "SwapTotal: %" SCNu64, &kb) == 1)
			break;
	if (fp)
		fclose(fp);
	return kb * 1024 / PAGE_SIZE;
}

/* A capture directory's capture.json, read once for the helpers below; NULL when the
 * directory has none (recorded by hand) or it does not parse. */
static struct json_value *capture_json(const struct capture_files *cf)
{
	return cf->json[0] ? json_load(cf->json, NULL) : NULL;
}

/* A capture.json knob read from /proc as text (or written as a number): its value when it
 * is a whole number in lo..hi, else -1. */
static int capture_knob(const struct json_value *v, int lo, int hi)
{
	long r = -1;
	if (v && v->type == JSON_NUMBER)
		r = (long)v->number;
	else if (v && v->type == JSON_STRING && v->string && v->string[0] >= '0' && v->string[0] <= '9')
		r = atol(v->string);
	return r >= lo && r <= hi ? (int)r : -1;
}

/* The swappiness the captured command was reclaimed with, from its capture.json (a
 * number or its text), or -1: its cgroup v1 memcg's memory.swappiness when recorded
 * (machine.memcg_swappiness; a v1 memcg other than the root uses its own), else
 * vm.swappiness (machine.swappiness).  *memcg says which. */
static int capture_swappiness(const struct json_value *j, bool *memcg)
{
	const struct json_value *v = j ? json_path(j, "machine.memcg_swappiness") : NULL;
	*memcg = v != NULL;
	if (j && !v)
		v = json_path(j, "machine.swappiness");
	return capture_knob(v, 0, 200);
}

/* vm.page-cluster of the captured machine (capture.json machine.page_cluster: swap-in
 * readahead reads up to 2^N slots), or -1 when not recorded (captures before it was) or out
 * of the key's range. */
static int capture_page_cluster(const struct json_value *j)
{
	return capture_knob(j ? json_path(j, "machine.page_cluster") : NULL, 0, 9);
}

/* Whether the capture traced the flusher's works (capture.json j's "events_enabled" has
 * writeback:writeback_start): 1, 0, or -1 when there is no list to say. */
static int capture_wb_events(const struct json_value *j)
{
	const struct json_value *en = j ? json_get(j, "events_enabled") : NULL;
	if (!en || en->type != JSON_ARRAY)
		return -1;
	return json_array_has_string(en, "writeback:writeback_start");
}

/* The captured command's pid (capture.json command_pid) when the command ran in a memcg
 * of its own (command_memcg: mmsim capture made one for it, empty at the start), else 0:
 * the replay then charges the command's tasks apart from the rest of the machine
 * (machine.memcg.split_prefill), and a capture without both cannot tell which pages were
 * whose (every page one memcg). */
static uint32_t capture_command_pid(const struct json_value *j)
{
	const struct json_value *v = j ? json_path(j, "command_pid") : NULL;
	const struct json_value *m = j ? json_path(j, "command_memcg") : NULL;
	uint32_t pid = m && m->type == JSON_STRING && v && v->type == JSON_NUMBER && v->number > 0 &&
				       v->number < SIM_TASK_OUTSIDE
			       ? (uint32_t)v->number
			       : 0;
	return pid;
}

/* A CPU's share of its last-level cache in KiB (capture.json machine.cpu_data_slice_kb,
 * recorded by mmsim capture as 6.18's cacheinfo computes per_cpu_data_slice_size), or 0
 * when not recorded. */
static uint64_t capture_data_slice_kb(const struct json_value *j)
{
	const struct json_value *v = j ? json_path(j, "machine.cpu_data_slice_kb") : NULL;
	uint64_t kb = v && v->type == JSON_NUMBER && v->number > 0 && v->number < (double)(1u << 30)
			      ? (uint64_t)v->number
			      : 0;
	return kb;
}

/* Whether the captured kernel (capture.json kernel.release, "MAJOR.MINOR...") is 6.7 or
 * later, whose per-cpu lists tune their high (machine.pcp_autotune): 1 yes, 0 no, -1
 * unknown (no capture.json, as a trace-cmd capture made by hand). */
static int capture_pcp_autotune(const struct json_value *j, char *release, size_t n)
{
	const struct json_value *v = j ? json_path(j, "kernel.release") : NULL;
	unsigned major, minor;
	int r = -1;
	release[0] = 0;
	if (v && v->type == JSON_STRING && v->string && sscanf(v->string, "%u.%u", &major, &minor) == 2) {
		snprintf(release, n, "%s", v->string);
		r = major > 6 || (major == 6 && minor >= 7);
	}
	return r;
}

/* Whether the captured kernel was built with THP (CONFIG_TRANSPARENT_HUGEPAGE): its
 * vmstat has the thp_* lines (before.vmstat), or capture.json recorded the sysfs
 * transparent_hugepage/enabled file, which exists only then.  6.18 then keeps the
 * pageblock order on the per-cpu lists whatever `enabled` says (pcp_allowed_order tests
 * the CONFIG).  Written commented out: with it the replays are not yet closer to their
 * kernels (docs/validation.md, "The replays have no THP-order per-cpu lists"). */
static bool capture_thp_built(const char *vmstat, const struct json_value *j)
{
	FILE *fp = vmstat && vmstat[0] ? fopen(vmstat, "r") : NULL;
	bool thp = false;
	char line[256];
	while (fp && !thp && fgets(line, sizeof(line), fp))
		thp = !strncmp(line, "thp_fault_alloc ", 16);
	if (fp)
		fclose(fp);
	const struct json_value *v = !thp && j ? json_path(j, "machine.thp_enabled") : NULL;
	return thp || (v && v->type == JSON_STRING && v->string && v->string[0]);
}

/* The replay config of a capture directory: its machine (before.zoneinfo), the swap the
 * machine had on (before.meminfo SwapTotal, with capture.json's swappiness: without it
 * anonymous memory could not be reclaimed), the captured command's pages in a memcg apart
 * from the prefill's (the rest of the machine) when it ran in one of its own (the
 * import's command_pid, from capture_command_pid), and the trace, named relative to the
 * config (config paths are relative to the config's directory). */
/* machine.compaction_defer: each zone's compaction deferral as the capture began (the
 * import's reading of its first deferral event). */
static int write_defer_yaml(const struct import_stats *s, FILE *fp)
{
	bool any = false;
	for (unsigned z = 0; z <= ZONE_MOVABLE; z++) {
		const struct import_defer_start *d = &s->defer_start[z];
		if (!d->known)
			continue;
		if (!any && fprintf(fp, "machine.compaction_defer:  # each zone's compaction deferral as the capture "
					"began, from its first mm_compaction_defer* event\n") < 0)
			return -1;
		any = true;
		if (fprintf(fp, "  - { zone: %s, considered: %u, shift: %u, order_failed: %u }\n", zone_keys[z],
			    d->considered, d->shift, d->order_failed) < 0)
			return -1;
	}
	return 0;
}

/* machine.compaction_scan_start: each zone's cached scanner positions as the capture began
 * (the import's first mm_compaction_begin per zone and mode), as offsets into the replay's
 * zone, which is sized by managed pages: the capture's pfn offset scaled by managed over
 * the pfns the zone spans. */
static int write_scan_yaml(const struct import_stats *s, const struct zoneinfo *zi, FILE *fp)
{
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(s->scan_start); i++) {
		const struct import_scan_start *ss = &s->scan_start[i];
		if (!ss->zone_end || (!ss->migrate_pfn[0] && !ss->migrate_pfn[1] && !ss->free_pfn))
			continue;
		int z = -1;
		for (int k = 0; k <= ZONE_MOVABLE; k++)
			if (zi->zone[k].spanned && zi->zone[k].start_pfn == ss->zone_start)
				z = k;
		uint64_t span = ss->zone_end - ss->zone_start;
		if (z < 0 || !span || !zi->zone[z].managed)
			continue;
		uint64_t off[3] = { 0, 0, 0 }, pfns[3] = { ss->migrate_pfn[0], ss->migrate_pfn[1], ss->free_pfn };
		for (int k = 0; k < 3; k++)
			if (pfns[k])
				off[k] = MAX((pfns[k] - ss->zone_start) * zi->zone[z].managed / span, (uint64_t)1);
		if (!any && fprintf(fp, "machine.compaction_scan_start:  # each zone's compaction scanners as the capture "
					"began, from its first mm_compaction_begin per mode (pages into the zone)\n") < 0)
			return -1;
		any = true;
		if (fprintf(fp, "  - { zone: %s, migrate_async: %" PRIu64 ", migrate_sync: %" PRIu64 ", free: %" PRIu64 " }\n",
			    zone_keys[z], off[0], off[1], off[2]) < 0)
			return -1;
	}
	return 0;
}

/* machine.compaction_skip_start: the pageblocks the capture's scanners found skip-marked
 * as it began (import_skip.h), a row per run of them, as offsets into the replay's zone
 * scaled as write_scan_yaml's, rounded to whole pageblocks.  At most
 * CONFIG_MAX_SKIP_START rows, from each zone's start. */
static int write_skip_yaml(const struct import_skip *sk, const struct zoneinfo *zi, FILE *fp)
{
	const uint64_t blk = 1ull << ZONEINFO_BLOCK_ORDER;
	unsigned rows = 0;
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		uint64_t zs = zi->zone[z].start_pfn, span = zi->zone[z].spanned, managed = zi->zone[z].managed;
		if (!span || !managed)
			continue;
		for (uint64_t a = zs & ~(blk - 1); a < zs + span && rows < CONFIG_MAX_SKIP_START;) {
			if (import_skip_at(sk, a) != IMPORT_SKIP_PASSED) {
				a += blk;
				continue;
			}
			uint64_t b = a;
			while (b < zs + span && import_skip_at(sk, b) == IMPORT_SKIP_PASSED)
				b += blk;
			uint64_t lo = a > zs ? a - zs : 0, hi = b - zs;
			/* pageblocks of the replay's zone, nearest to the scaled ends */
			uint64_t first = (lo * managed / span + blk / 2) / blk, end = (hi * managed / span + blk / 2) / blk;
			a = b;
			if (end <= first)
				continue;
			/* Written commented out: measured, not applied (docs/validation.md "Skip bits
			 * at the start"): with them the replay's scanners go straight to the blocks
			 * left unmarked, whose contents the prefill does not know. */
			if (!rows && fprintf(fp, "# machine.compaction_skip_start:  # pageblocks the capture's compaction scanners "
						 "passed over before any of its runs had scanned them (pages into the zone); "
						 "not applied (docs/import.md \"Skip bits\"): uncomment to try\n") < 0)
				return -1;
			rows++;
			if (fprintf(fp, "#   - { zone: %s, start: %" PRIu64 ", pages: %" PRIu64 " }\n", zone_keys[z], first * blk,
				    (end - first) * blk) < 0)
				return -1;
		}
	}
	return 0;
}

/* costs: the captured machine's reclaim speed, measured from its vmscan events
 * (sim/trace/reclaim_speed.h, docs/import.md "Machine speed"); a figure not measured
 * keeps the key's default (import.log says why). */
static int write_costs_yaml(const struct import_stats *s, FILE *fp)
{
	const struct rspeed_result *r = &s->rspeed;
	static const char *const what[NR_RSPEED] = {
		[RSPEED_FILE] = "file batches: lru_isolate to lru_shrink_inactive per page reclaimed",
		[RSPEED_ANON] = "anon batches that wrote nothing, per page reclaimed",
		[RSPEED_SWAP_WRITE] = "anon batches that wrote to swap, per page written (less their reclaimed pages)",
		[RSPEED_MIGRATE] = "migrate_pages calls without free scanning, per page migrated",
	};
	bool any = false;
	for (unsigned k = 0; k < NR_RSPEED; k++) {
		if (!rspeed_cost_keys[k] || !r->measured[k])
			continue;
		if (!any && fprintf(fp, "costs:  # the captured machine's speed: page-weighted medians over "
					"its own reclaim batches and migrate_pages calls\n") < 0)
			return -1;
		any = true;
		if (fprintf(fp, "  %s: %" PRIu64 "ns  # %s; %" PRIu64 " batches, %" PRIu64 " pages\n", rspeed_cost_keys[k],
			    r->ns_per_page[k], what[k], r->batches[k], r->pages[k]) < 0)
			return -1;
	}
	return 0;
}

/* The machine's memcgs as the capture began (before.memcgs, `mmsim capture` since this
 * round), summed by swappiness, as comments: each memcg is a lruvec reclaim scans with its
 * own swappiness (6.18 shrink_node_memcgs, get_scan_count's SCAN_FRACT), which the replay's
 * one or two memcgs do not yet take from here (docs/import.md "Memory cgroups").  Nothing
 * when the capture has no such file. */
static int write_memcgs_comment(const struct capture_files *cf, FILE *fp)
{
	FILE *in = cf->memcgs[0] ? fopen(cf->memcgs, "re") : NULL;
	if (!in)
		return 0;
	enum { MAX_SW = 8 };
	struct memcg_sum {
		int swappiness;
		uint64_t memcgs, file, anon;
	} by[MAX_SW];
	unsigned n = 0;
	uint64_t other = 0;
	char line[CAPTURE_PATH_MAX + 128];
	struct capture_memcg m;
	while (fgets(line, sizeof(line), in)) {
		if (capture_parse_memcg(line, &m))
			continue;
		unsigned i = 0;
		while (i < n && by[i].swappiness != m.swappiness)
			i++;
		if (i == n) {
			if (n == MAX_SW) {
				other++;
				continue;
			}
			by[n++] = (struct memcg_sum){ .swappiness = m.swappiness };
		}
		by[i].memcgs++;
		by[i].file += m.pages[CAPTURE_MEMCG_INACTIVE_FILE] + m.pages[CAPTURE_MEMCG_ACTIVE_FILE];
		by[i].anon += m.pages[CAPTURE_MEMCG_INACTIVE_ANON] + m.pages[CAPTURE_MEMCG_ACTIVE_ANON];
	}
	fclose(in);
	if (n && fprintf(fp, "# memcgs holding LRU pages as the capture began (before.memcgs), by swappiness; not "
			     "applied (docs/import.md \"Memory cgroups\"):\n") < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (fprintf(fp, "#   swappiness %d%s: %" PRIu64 " memcgs, %" PRIu64 " file pages, %" PRIu64 " anon pages\n",
			    by[i].swappiness, by[i].swappiness < 0 ? " (vm.swappiness)" : "", by[i].memcgs, by[i].file,
			    by[i].anon) < 0)
			return -1;
	if (other && fprintf(fp, "#   %" PRIu64 " more at other values\n", other) < 0)
		return -1;
	return 0;
}

static int write_replay_config(const struct capture_files *cf, const struct import_stats *s,
			       const struct import_skip *sk, const uint64_t *pcp_blocks, int64_t kupdate_phase_ms,
			       bool phase_seen, const char *trace, const char *out, struct sim_error *err)
{
	const char *zoneinfo = cf->before[CAPTURE_ZONEINFO];
	uint64_t swap_pages = meminfo_swap_pages(cf->before[CAPTURE_MEMINFO]);
	struct json_value *cj = capture_json(cf);
	bool memcg_swappiness = false;
	int swappiness = capture_swappiness(cj, &memcg_swappiness);
	int page_cluster = capture_page_cluster(cj);
	char release[128];
	int autotune = capture_pcp_autotune(cj, release, sizeof(release));
	uint64_t slice_kb = capture_data_slice_kb(cj);
	bool thp_built = capture_thp_built(cf->before[CAPTURE_VMSTAT], cj);
	json_free(cj);
	struct zoneinfo zi;
	struct zoneinfo_machine m;
	if (zoneinfo_parse(zoneinfo, &zi, err) || zoneinfo_machine(&zi, &m, err))
		return -1;
	/* 6.7+ tunes every list's high (nr_pcp_high, nr_pcp_alloc's alloc_factor, decay_pcp_high),
	 * and so the replay of a capture of such a kernel: its refills grow to batch << 5 pages
	 * while a CPU only allocates, which is how 6.18 claims several blocks and boosts the
	 * watermark several times for one kswapd wake (docs/import.md "Per-cpu lists"). */
	bool tuned = autotune > 0 || (autotune < 0 && zi.pcp_high_bounds);
	struct atomic_file af;
	FILE *fp = atomic_open(&af, out, err);
	if (!fp)
		return -1;
	const char *base = strrchr(trace, '/');
	base = base ? base + 1 : trace;
	char src[1024];
	if (zoneinfo_write_yaml(&zi, &m, import_meta_text(src, sizeof(src), zoneinfo), fp) ||
	    (swap_pages && fprintf(fp, "devices:\n  swap:\n    size: %" PRIu64 "  # pages: SwapTotal of before.meminfo\n",
				   swap_pages) < 0) ||
	    (page_cluster >= 0 &&
	     fprintf(fp, "devices.swap.page_cluster: %d  # vm.page-cluster of capture.json (swap-in readahead)\n",
		     page_cluster) < 0) ||
	    (s->wb_ns &&
	     fprintf(fp, "%sdevices.disk.bandwidth: %" PRIu64 "MB/s  # the flusher's measured write rate: %" PRIu64
			 " pages in %" PRIu64 " us over %" PRIu64 " works%s (docs/import.md \"Device speed\")\n",
		     import_wb_measured(s) ? "" : "# ", import_wb_bandwidth(s) / 1000000, s->wb_pages, s->wb_ns / 1000,
		     s->wb_works, import_wb_measured(s) ? "" : "; too short a time to tell the device, not applied") < 0) ||
	    (kupdate_phase_ms >= 0 &&
	     fprintf(fp, "devices.disk.kupdate_phase: %" PRId64 "ms  # the flusher's phase at the start: %s "
			 "(docs/import.md \"Dirty pages at the start\")\n",
		     kupdate_phase_ms,
		     phase_seen ? "its first periodic writeback came a 5-s period less this after it"
				      : "the capture shows no periodic writeback, drawn from the prefill seed") < 0) ||
	    (swappiness >= 0 && fprintf(fp, "policy:\n  swappiness: %d  # %s of capture.json\n", swappiness,
					memcg_swappiness ? "the command's memcg memory.swappiness" : "vm.swappiness") < 0) ||
	    (thp_built &&
	     fprintf(fp, "# machine.thp: true  # built with THP (vmstat thp_* lines), so 6.18 keeps the pageblock order "
			 "on the per-cpu lists; not applied (docs/import.md \"Per-cpu lists\"): uncomment to try\n") < 0) ||
	    (tuned ? fprintf(fp, "machine.pcp_autotune: true  # the captured kernel tunes pcp high (6.7+: %s)\n",
			     autotune > 0 ? release : "zoneinfo prints high_min/high_max") < 0
		   : fprintf(fp, "machine.pcp_autotune: false  # pcp high is not tuned (%s)\n",
			     autotune == 0 ? release : "kernel unknown, zoneinfo has no high_min/high_max") < 0) ||
	    (slice_kb && fprintf(fp, "machine.cpu_data_slice_kb: %" PRIu64 "  # capture.json: the last-level cache over "
				     "the CPUs sharing it (per_cpu_data_slice_size)\n",
				 slice_kb) < 0) ||
	    zoneinfo_write_pcp_yaml(&zi, pcp_blocks, fp) || zoneinfo_write_boost_yaml(&zi, s->boost_wake_pending, fp) || write_defer_yaml(s, fp) ||
	    write_scan_yaml(s, &zi, fp) || write_skip_yaml(sk, &zi, fp) ||
	    write_costs_yaml(s, fp) ||
	    (s->command_pid &&
	     fprintf(fp, "machine.memcg.split_prefill: true  # the captured command ran in a memcg of its own\n") < 0) ||
	    /* The rest of the machine's memcgs: under cgroup v2 (no memcg_swappiness) every
	     * memcg reclaims with vm.swappiness; under v1 the recorded value is the
	     * memory.swappiness of the memcg mmsim capture ran in, the command memcg's parent,
	     * which holds what was started beside the capture (tools/capture-corpus.sh: the
	     * page cache ballast and the pinning helper); the machine's other memcgs are not
	     * recorded (docs/import.md). */
	    (s->command_pid && swappiness >= 0 &&
	     fprintf(fp, "machine.memcg.rest_swappiness: %d  # %s\n", swappiness,
		     memcg_swappiness ? "memory.swappiness of the memcg mmsim capture ran in (cgroup v1; the "
					"command's memcg's parent): its other memcgs are not recorded"
				      : "vm.swappiness of capture.json: every memcg's under cgroup v2") < 0) ||
	    /* The root memcg's statistics reclaim reads, as flushed every FLUSH_TIME (6.18
	     * flush_memcg_stats_dwork), and whether the view before the capture had the inactive
	     * file list low (docs/import.md "Reclaim's view of the LRU"). */
	    write_memcgs_comment(cf, fp) ||
	    fprintf(fp, "machine.memcg.stats_flush_ms: %d  # reclaim reads the root memcg's statistics as flushed "
			"every FLUSH_TIME (flush_memcg_stats_dwork)\n", IMPORT_STATS_FLUSH_MS) < 0 ||
	    (import_stats_start_file_low(s) &&
	     fprintf(fp, "machine.memcg.stats_start_file_low: true  # a reclaim that began after another had ended "
			 "deactivated page cache before the first flush, and none scanned it without: the view had the inactive file list low\n") < 0) ||
	    fprintf(fp, "workload:\n  trace: %s\n", base) < 0) {
		int e = errno ? errno : EIO;
		atomic_abort(&af);
		return sim_error_set(err, EX_IOERR_, "%s: write failed: %s", out, strerror(e));
	}
	return atomic_commit(&af, err);
}

/* "X.mmt.gz" -> "X.yaml" (or PATH.yaml). */
static void config_path_for(const char *trace, char *out, size_t n)
{
	static const char *const exts[] = { ".mmt.gz", ".mmt.txt", ".mmt" };
	size_t l = strlen(trace);
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		size_t e = strlen(exts[i]);
		if (l > e && !strcmp(trace + l - e, exts[i])) {
			snprintf(out, n, "%.*s.yaml", (int)(l - e), trace);
			return;
		}
	}
	snprintf(out, n, "%s.yaml", trace);
}

static int do_zoneinfo(const char *in, const char *out)
{
	struct sim_error err = { 0 };
	struct zoneinfo zi;
	struct zoneinfo_machine m;
	if (zoneinfo_parse(in, &zi, &err) || zoneinfo_machine(&zi, &m, &err))
		return cli_fail(&err);
	if (!out || !strcmp(out, "-"))
		return zoneinfo_write_yaml(&zi, &m, in, stdout) ? EX_IOERR_ : 0;
	struct atomic_file af;
	FILE *fp = atomic_open(&af, out, &err);
	if (!fp)
		return cli_fail(&err);
	if (zoneinfo_write_yaml(&zi, &m, in, fp)) {
		int e = errno ? errno : EIO; /* the failed write's cause */
		atomic_abort(&af);
		sim_error_set(&err, EX_IOERR_, "%s: write failed: %s", out, strerror(e));
		return cli_fail(&err);
	}
	return atomic_commit(&af, &err) ? cli_fail(&err) : 0;
}

static int header_keys(struct trace_header *h, const char *in, enum ftrace_input_kind kind,
		       const struct import_opts *io, const struct import_stats *s,
		       const struct ftrace_read_stats *rs, struct sim_error *err)
{
	/* A capture read once from a pipe (stdin, a FIFO) cannot be read again to hash it. */
	struct stat sb;
	bool hashable = strcmp(in, "-") && stat(in, &sb) == 0 && S_ISREG(sb.st_mode);
	char sha[65];
	if (hashable && rs->have_sha256) /* hashed as it was read (gzpipe) */
		memcpy(sha, rs->sha256, sizeof(sha));
	else if (hashable && import_file_sha256(in, sha, err))
		return -1;
	uint64_t from_events = s->nr_emitted - s->implied;
	char src[sizeof(h->meta[0].value)];
	import_meta_text(src, sizeof(src), in);
	if (trace_meta_set(h, "importer", "ftrace") ||
	    trace_meta_set(h, "source", "%s", src) ||
	    (hashable && trace_meta_set(h, "source_sha256", "%s", sha)) ||
	    trace_meta_set(h, "source_format", "%s", kind == FTRACE_INPUT_DAT ? "trace-cmd-dat" : "ftrace-text") ||
	    trace_meta_set(h, "import.window_ns", "%" PRIu64, io->window_ns) ||
	    (io->round_ns && trace_meta_set(h, "import.time_round_ns", "%" PRIu64, io->round_ns)) ||
	    trace_meta_set(h, "import.lines", "%" PRIu64, rs->nr_lines) ||
	    trace_meta_set(h, "import.events_read", "%" PRIu64, s->nr_read) ||
	    trace_meta_set(h, "import.emitted", "%" PRIu64, from_events) ||
	    trace_meta_set(h, "import.implied", "%" PRIu64, s->implied) ||
	    trace_meta_set(h, "import.dropped", "%" PRIu64, import_dropped(s)) ||
	    trace_meta_set(h, "import.unmatched", "%" PRIu64, import_unmatched(s)) ||
	    trace_meta_set(h, "import.skipped_unknown", "%" PRIu64, rs->nr_unknown) ||
	    trace_meta_set(h, "import.parse_errors", "%" PRIu64, rs->nr_errors))
		return sim_error_set(err, EX_SOFTWARE_, "trace header full");
	char key[64];
	for (unsigned i = 0; i < NR_IMPORT_EFFECTS; i++) {
		snprintf(key, sizeof(key), "import.dropped.alloc_by.%s", import_effect_names[i]);
		if (s->alloc_effect[i] && trace_meta_set(h, key, "%" PRIu64, s->alloc_effect[i]))
			return sim_error_set(err, EX_SOFTWARE_, "trace header full");
		snprintf(key, sizeof(key), "import.dropped.free_by.%s", import_effect_names[i]);
		if (s->free_effect[i] && trace_meta_set(h, key, "%" PRIu64, s->free_effect[i]))
			return sim_error_set(err, EX_SOFTWARE_, "trace header full");
	}
	if (trace_meta_set(h, "import.unmatched.free", "%" PRIu64, s->free_unmatched + s->free_tail) ||
	    trace_meta_set(h, "import.gfp_migratetype_mismatch", "%" PRIu64, s->gfp_mt_mismatch))
		return sim_error_set(err, EX_SOFTWARE_, "trace header full");
	return import_observed_meta(s, rs, h, err);
}

int cmd_import(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *zoneinfo = NULL, *vm_before = NULL, *vm_after = NULL;
	const char *prefill = NULL, *config_out = NULL;
	bool to_stdout = false, usec = false, lenient = false;
	uint64_t window_us = 0;
	struct import_opts io = { .window_ns = IMPORT_DEFAULT_WINDOW_NS };
	struct ftrace_read_opts ro = { 0 };
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &out, "PATH",
		  "output (default: INPUT's name with .mmt.gz, in the current dir);\n"
		  "*.mmt.txt writes the text encoding" },
		{ "summary", 0, CLI_FLAG, &to_stdout, NULL, "print the reconciliation on stdout (default: stderr)" },
		{ "lenient", 0, CLI_FLAG, &lenient, NULL, "skip malformed lines (counted) instead of failing" },
		{ "window-us", 0, CLI_U64, &window_us, "N", "reorder window for cross-CPU timestamps",
		  .def = "10000", .min = 1, .max = 3600ull * 1000000 },
		{ "usec", 0, CLI_FLAG, &usec, NULL,
		  "round timestamps to microseconds, as `trace-cmd report` prints\n"
		  "them (a .dat then imports exactly as its report text)" },
		{ "vmstat-before", 0, CLI_STR, &vm_before, "FILE",
		  "/proc/vmstat before the capture; with --vmstat-after, records\n"
		  "the deltas as observed.vmstat.<name>" },
		{ "vmstat-after", 0, CLI_STR, &vm_after, "FILE", "/proc/vmstat after the capture" },
		{ "prefill", 0, CLI_STR, &prefill, "ZONEINFO",
		  "start the trace with the memory in use at capture start:\n"
		  "managed - free pages of each zone, by kind (docs/import.md)" },
		{ "prefill-seed", 0, CLI_U64, &io.prefill_seed, "N",
		  "with --prefill or a capture DIR: the seed of the starting LRU order\n"
		  "(default 0; the capture does not tell the kernel's)" },
		{ "buddyinfo", 0, CLI_STR, &io.buddyinfo_path, "FILE",
		  "with --prefill: /proc/buddyinfo before the capture (free memory's shape)" },
		{ "pagetypeinfo", 0, CLI_STR, &io.pagetypeinfo_path, "FILE",
		  "with --prefill: /proc/pagetypeinfo (free blocks by migratetype; the shape, when no --buddyinfo)" },
		{ "meminfo", 0, CLI_STR, &io.meminfo_path, "FILE",
		  "with --prefill: /proc/meminfo (slab, when zoneinfo lacks it;\n"
		  "FileHugePages, AnonHugePages: order-9 folios)" },
		{ "config", 0, CLI_STR, &config_out, "PATH",
		  "with a capture DIR: where to write the replay config\n"
		  "(default: the output with .yaml for .mmt.gz)" },
		{ "zoneinfo", 0, CLI_STR, &zoneinfo, "FILE",
		  "write a machine config (zones, min_free_kbytes) instead" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "import", .synopsis = "INPUT", .nr_pos_min = 0, .nr_pos_max = 1, .opts = opts,
		.about = "or:    mmsim import --zoneinfo ZONEINFO [-o CONFIG.yaml]\n"
			 "\n"
			 "INPUT: the tracefs `trace` file, `trace_pipe` output or `trace-cmd report` text\n"
			 "(plain or gzip), or a trace-cmd .dat file (needs libtracecmd); - reads text from stdin.\n"
			 "Or a capture directory (`mmsim capture -o DIR`): its trace, with the prefill from\n"
			 "DIR/before.zoneinfo (and buddyinfo, pagetypeinfo, meminfo), the vmstat deltas from\n"
			 "DIR/before.vmstat and DIR/after.vmstat, and a replay config beside the output\n"
			 "(`mmsim run` it); no other flag is needed.\n",
		.epilog = "Exit: 0 ok, 64 usage, 65 bad input, 66 missing input, 69 .dat without libtracecmd,\n"
			  "74 cannot write.\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop >= 0)
		return stop;
	in = pos.nr ? pos.v[0] : NULL;
	cli_free(&spec, &pos); /* in points into argv, not into pos */
	io.window_ns = window_us * NSEC_PER_USEC;
	if (usec)
		io.round_ns = NSEC_PER_USEC;
	ro.lenient = io.lenient = lenient;
	if (zoneinfo) {
		if (in) {
			fprintf(stderr, "mmsim import: --zoneinfo takes no trace INPUT (run it separately)\n");
			return EX_USAGE_;
		}
		return do_zoneinfo(zoneinfo, out);
	}
	if (!in) {
		fprintf(stderr, "mmsim import: missing INPUT\n(mmsim import --help lists the options)\n");
		return EX_USAGE_;
	}
	/* A capture directory supplies the inputs the flags would name. */
	struct capture_files *cf = NULL;
	struct capture_prefill_sources ps = { .zoneinfo = prefill };
	int wb_events = -1; /* capture_wb_events: -1 without a capture.json */
	if (capture_is_dir(in)) {
		struct sim_error derr = { 0 };
		cf = calloc(1, sizeof(*cf));
		if (!cf)
			return EX_SOFTWARE_;
		if (capture_files_find(in, cf, &derr)) {
			free(cf);
			return cli_fail(&derr);
		}
		if (vm_before || vm_after || prefill) {
			fprintf(stderr, "mmsim import: a capture directory brings its own --prefill and "
					"--vmstat-before/--vmstat-after\n");
			free(cf);
			return EX_USAGE_;
		}
		in = cf->trace;
		if (cf->before[CAPTURE_VMSTAT][0] && cf->after[CAPTURE_VMSTAT][0]) {
			vm_before = cf->before[CAPTURE_VMSTAT];
			vm_after = cf->after[CAPTURE_VMSTAT];
		}
		/* the whole starting state: zoneinfo for the memory in use, buddyinfo and
		 * pagetypeinfo for the free memory's shape, meminfo for what is in use */
		capture_prefill_sources_from(cf, &ps);
		struct json_value *cj = capture_json(cf);
		io.command_pid = capture_command_pid(cj);
		wb_events = capture_wb_events(cj);
		json_free(cj);
		prefill = ps.zoneinfo;
		io.buddyinfo_path = ps.buddyinfo;
		io.pagetypeinfo_path = ps.pagetypeinfo;
		io.meminfo_path = ps.meminfo;
	}
	if (!vm_before != !vm_after) {
		fprintf(stderr, "mmsim import: --vmstat-before and --vmstat-after go together\n");
		free(cf);
		return EX_USAGE_;
	}
	char outbuf[1024];
	if (!out) {
		default_output(cf ? cf->dir : in, outbuf, sizeof(outbuf));
		out = outbuf;
	}
	io.source = in;

	struct sim_error err = { 0 };
	struct record_buf buf = { 0 };
	struct ftrace_read_stats rs;
	struct trace_header *h = NULL;
	struct trace_writer *w = NULL;
	struct import *im = NULL;
	enum ftrace_input_kind kind;
	int rc = -1;
	struct zoneinfo zi = { 0 };
	struct zoneinfo_free_orders fo;
	struct import_prefill_stats pst = { 0 };
	bool have_fo = false;
	int64_t nr_evicted = -1; /* pre-capture page cache folios seen removed; -1: not looked */
	int64_t kupdate_phase_ms = -1; /* the flusher's phase at the start (-1: not known) */
	uint64_t refault_untraced = 0; /* the capture's refaults of pages evicted before it */
	io.zoneinfo_path = prefill;
	if (ftrace_input_kind(in, &kind, &err))
		goto err;
	if (prefill) {
		if (import_prefill_load(&io, &zi, &fo, &have_fo, &err))
			goto err;
		/* The prefill's page cache folio sizes come from the whole capture, and the
		 * import below ties frees of pre-capture pages to prefill objects as it reads:
		 * a first pass over the capture, when it can be read twice (not a pipe). */
		struct stat sb;
		struct import_refault_census census = { 0 };
		if (strcmp(in, "-") && stat(in, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (nr_evicted = import_prefill_evictions(in, &ro, &zi, &census, &err)) < 0)
			goto err;
		/* Refaults of pages evicted before the capture, from its counters. */
		static const char *const names[] = { "workingset_refault_file", "workingset_activate_file" };
		int64_t d[2] = { 0, 0 };
		bool have[2] = { false, false };
		if (nr_evicted >= 0 && vm_before && vm_after &&
		    import_vmstat_deltas(vm_before, vm_after, names, 2, d, have, &err))
			goto err;
		/* With no activations (d[1] 0) nothing is given, but the untraced share is
		 * still known and left out of validate's comparison. */
		if (have[0] && have[1] && d[0] > 0 && d[1] >= 0) {
			io.refault_candidates = census.candidates;
			io.refault_seeded = import_untraced_refaults(&census, (uint64_t)d[0], (uint64_t)d[1],
								     &refault_untraced);
		}
		/* The dirty pages' ages and the flusher's phase, from the first pass (none without it). */
		if (nr_evicted >= 0)
			kupdate_phase_ms = import_prefill_flusher(&zi, io.prefill_seed, wb_events);
		if (import_prefill(&zi, have_fo ? &fo : NULL, 0, io.prefill_seed, NULL, NULL, &pst, &err))
			goto err;
		io.prefill_zi = &zi;
		io.prefill_fo = have_fo ? &fo : NULL;
	}
	im = import_new(&io, collect, &buf, &err);
	struct ftrace_read_opts ro_hash = ro;
	ro_hash.sha256 = true; /* source_sha256 from the bytes the reader holds */
	if (!im || ftrace_read(in, &ro_hash, import_event, im, &rs, &err) || import_finish(im, &err))
		goto err;
	const struct import_stats *s = import_get_stats(im);
	h = calloc(1, sizeof(*h));
	if (!h) {
		sim_error_set(&err, EX_SOFTWARE_, "out of memory");
		goto err;
	}
	/* Version 3 only for a trace that says on which CPU its tasks ran, 4 for dirty pages
	 * dated before the start, 5 for highatomic reserves: the rest stays readable by readers
	 * of version 2. */
	uint64_t highatomic = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		highatomic += pst.highatomic_blocks[z];
	h->version = highatomic				       ? 5
		     : zi.dirty_age_span_ms && pst.nr_dirty_pages ? 4
		     : s->by_kind[TR_CPU]			       ? 3
								       : TRACE_VERSION;
	if (header_keys(h, in, kind, &io, s, &rs, &err) ||
	    (vm_before && import_vmstat_meta(vm_before, vm_after, h, &err)))
		goto err;
	/* validate scores the refaults the trace shows: the kernel's count less these, the
	 * replay's less the ones it was given (mmsim_refault_untraced). */
	if (refault_untraced && trace_meta_set(h, "observed.refault_untraced", "%" PRIu64, refault_untraced)) {
		sim_error_set(&err, EX_SOFTWARE_, "trace header full");
		goto err;
	}
	/* Task names for the busiest tasks, leaving room for the prefill keys. */
	unsigned room = TRACE_MAX_META - h->nr_meta > 8 ? TRACE_MAX_META - h->nr_meta - 8 : 0;
	if (import_task_meta(im, h, MIN(room, 64u), &err))
		goto err;
	char pf[sizeof(h->meta[0].value)];
	if (prefill && trace_meta_set(h, "import.prefill_source", "%s",
				      import_meta_text(pf, sizeof(pf), prefill))) {
		sim_error_set(&err, EX_SOFTWARE_, "trace header full");
		goto err;
	}
	/* The prefill count is known before writing (a counting pass). */
	uint64_t nr_prefill = pst.nr_pages;
	if (prefill && (trace_meta_set(h, "import.prefill_pages", "%" PRIu64, nr_prefill) ||
			trace_meta_set(h, "import.prefill_records", "%" PRIu64, pst.nr_records))) {
		sim_error_set(&err, EX_SOFTWARE_, "trace header full");
		goto err;
	}
	/* The folios in use by order, "order:count ...", when there are any. */
	char folios[sizeof(h->meta[0].value)] = "";
	for (unsigned k = 1, n = 0; prefill && k < NR_PAGE_ORDERS; k++)
		if (pst.nr_folios[k] && n < sizeof(folios))
			n += (unsigned)snprintf(folios + n, sizeof(folios) - n, "%s%u:%" PRIu64, n ? " " : "", k,
						pst.nr_folios[k]);
	if (folios[0] && trace_meta_set(h, "import.prefill_folios", "%s", folios)) {
		sim_error_set(&err, EX_SOFTWARE_, "trace header full");
		goto err;
	}
	w = trace_create(out, trace_encoding_for(out), h, &err);
	if (!w)
		goto err;
	if (prefill && import_prefill(&zi, have_fo ? &fo : NULL, buf.nr ? buf.rec[0].time_ns : s->first_ns, io.prefill_seed,
				      write_rec, w, &pst, &err))
		goto err;
	for (size_t i = 0; i < buf.nr; i++)
		if (trace_write(w, &buf.rec[i], &err))
			goto err;
	rc = trace_commit(w, &err);
	w = NULL;
	if (rc)
		goto err;
	import_print_summary(s, &rs, to_stdout ? stdout : stderr);
	if (prefill) {
		FILE *o = to_stdout ? stdout : stderr;
		fprintf(o, "prefill: %" PRIu64 " pages in use at capture start (%s), %" PRIu64
			" pages allocated and freed to shape free memory%s\n", nr_prefill, prefill, pst.nr_hole_pages,
			have_fo ? "" : " (no --buddyinfo/--pagetypeinfo: free memory unfragmented)");
		fprintf(o, "prefill: folios in use by order (pages):");
		unsigned nr_orders = 0;
		for (unsigned k = 1; k < NR_PAGE_ORDERS; k++)
			if (pst.nr_folios[k] && ++nr_orders)
				fprintf(o, " %u: %" PRIu64 " (%" PRIu64 ")", k, pst.nr_folios[k], pst.nr_folios[k] << k);
		if (!nr_orders)
			fprintf(o, " none above order 0");
		fprintf(o, "; FileHugePages %" PRIu64 ", AnonHugePages %" PRIu64 " pages; page cache sizes from %s\n",
			zi.file_thp_pages, zi.anon_thp_pages,
			nr_evicted > 0 ? "its removals seen in the capture" : "none seen removed: order 0");
		if (nr_evicted > 0) {
			fprintf(o, "prefill: pre-capture page cache the capture removed, pages by folio order:");
			for (unsigned k = 0; k < NR_PAGE_ORDERS; k++)
				if (zi.file_folio_pages[k])
					fprintf(o, " %u: %" PRIu64, k, zi.file_folio_pages[k]);
			fprintf(o, "\n");
		}
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (pst.short_pages[z])
				fprintf(o, "warning: prefill: zone %s was %" PRIu64 " pages below the low watermark "
					"(+ margin) a replayed allocation may reach; they start free\n",
					zone_names[z], pst.short_pages[z]);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (zi.free_sum[z])
				fprintf(o, "prefill: zone %s: %" PRIu64 " pages the capture took before any free, "
					"a typical one's pageblock held %" PRIu64 " (the holes' cluster size)\n",
					zone_names[z], zi.free_sum[z], zi.free_sq[z] / zi.free_sum[z]);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (pst.pcp_blocks[z])
				fprintf(o, "prefill: zone %s: %" PRIu64 " pageblocks the capture allocated whole with no "
					"traced free before it (the buddy had fewer free): %" PRIu64
					" pageblocks of its per-cpu lists' pages left whole (machine.pcp_start blocks)\n",
					zone_names[z], zi.whole_first[z],
					pst.pcp_blocks[z]);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (pst.highatomic_blocks[z])
				fprintf(o, "prefill: zone %s: %" PRIu64 " free pageblocks reserved highatomic "
					"(pagetypeinfo's HighAtomic free blocks; hint highatomic)\n",
					zone_names[z], pst.highatomic_blocks[z]);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (zi.zone[z].present != zi.zone[z].managed && zi.zone[z].managed)
				fprintf(o, "prefill: zone %s: present %" PRIu64 ", managed %" PRIu64
					": in use counted from managed (the machine config's zone size)\n",
					zone_names[z], zi.zone[z].present, zi.zone[z].managed);
	}
	fprintf(to_stdout ? stdout : stderr, "wrote %" PRIu64 " records to %s\n",
		(uint64_t)buf.nr + (prefill ? pst.nr_records : 0), out);
	if (cf && cf->before[CAPTURE_ZONEINFO][0]) {
		char cfg[1100];
		if (!config_out) {
			config_path_for(out, cfg, sizeof(cfg));
			config_out = cfg;
		}
		rc = write_replay_config(cf, s, import_get_skip(im), prefill ? pst.pcp_blocks : NULL,
					 prefill && pst.nr_dirty_pages ? kupdate_phase_ms : -1, zi.first_kupdate_ns != 0, out,
					 config_out, &err);
		if (!rc)
			fprintf(to_stdout ? stdout : stderr, "wrote the replay config %s (mmsim run %s -o DIR)\n",
				config_out, config_out);
	}
err:
	if (w)
		trace_abort(w);
	free(h);
	big_free(buf.rec, buf.cap, sizeof(*buf.rec));
	import_free(im);
	zoneinfo_release(&zi);
	free(cf);
	return rc ? cli_fail(&err) : 0;
}
