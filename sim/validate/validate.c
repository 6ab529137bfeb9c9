/* validate.c — replay captures and score them (validate.h). */
#include "validate.h"

#include "../lib/jsonw.h"
#include "../stats/json.h"
#include "../stats/runset.h"
#include "../trace/capture.h"
#include "../trace/zoneinfo.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Where a figure comes from.  obs: alternatives in order of preference, each "vmstat:A+B"
 * (the sum of those /proc/vmstat deltas; known when the capture's vmstat has any of them)
 * or "trace:KEY" (summary.json observed.KEY: known when the capture held the event).
 * sim: summary.json counters, summed (known when any exists).  The pairs are those of
 * summary.c's observed_vs_simulated, which `mmsim compare` prints for one imported run. */
static const struct figure_def {
	const char *name;
	bool key;
	const char *obs[2];
	const char *sim;
	/* The part of the figure the trace cannot show and the import gave the replay
	 * instead, both left out of the comparison: summary.json observed.<given_obs> (the
	 * capture's share) and counters.<given_sim> (what the replay was given). */
	const char *given_obs, *given_sim;
	/* A node counter (enum node_stat_item): /proc/vmstat shows it without the per-CPU
	 * diffs not yet folded in, so the observed delta has a slack (counter_slack). */
	bool node_stat;
} figure_defs[] = {
	{ "kswapd_wake", true, { "trace:kswapd_wake", "vmstat:pageoutrun" }, "pageoutrun" },
	{ "direct_reclaim", true, { "trace:direct_reclaim" },
	  "allocstall_dma+allocstall_dma32+allocstall_normal+allocstall_movable+allocstall_cma" },
	{ "pgscan_kswapd", true, { "vmstat:pgscan_kswapd" }, "pgscan_kswapd" },
	{ "pgscan_direct", true, { "vmstat:pgscan_direct" }, "pgscan_direct" },
	{ "allocstall", true,
	  { "vmstat:allocstall_dma+allocstall_dma32+allocstall_normal+allocstall_movable+allocstall_device" },
	  "allocstall_dma+allocstall_dma32+allocstall_normal+allocstall_movable+allocstall_cma" },
	{ "nr_written", true, { "vmstat:nr_written" }, "nr_written", NULL, NULL, true },
	{ "workingset_refault_file", true, { "vmstat:workingset_refault_file" }, "workingset_refault_file",
	  "refault_untraced", "mmsim_refault_untraced", true },
	{ "compact_stall", true, { "vmstat:compact_stall" }, "compact_stall" },
	{ "compact_migrate_scanned", true, { "vmstat:compact_migrate_scanned", "trace:compact_migrate_scanned" },
	  "compact_migrate_scanned" },
	{ "compact_free_scanned", true, { "vmstat:compact_free_scanned", "trace:compact_free_scanned" },
	  "compact_free_scanned" },
	{ "pgmigrate_success", true, { "vmstat:pgmigrate_success", "trace:pgmigrate_success" },
	  "pgmigrate_success" },
	{ "extfrag", true, { "trace:extfrag" }, "mmsim_extfrag_events" },
	{ "alloc_fail", true, { "trace:alloc_fail" }, "mmsim_alloc_fail" },
	/* more, where the capture has them */
	{ "pgsteal_kswapd", false, { "vmstat:pgsteal_kswapd" }, "pgsteal_kswapd" },
	{ "pgsteal_direct", false, { "vmstat:pgsteal_direct" }, "pgsteal_direct" },
	{ "pgscan_anon", false, { "vmstat:pgscan_anon" }, "pgscan_anon" },
	{ "pgscan_file", false, { "vmstat:pgscan_file" }, "pgscan_file" },
	{ "pswpout", false, { "vmstat:pswpout" }, "pswpout" },
	{ "pswpin", false, { "vmstat:pswpin" }, "pswpin" },
	{ "workingset_refault_anon", false, { "vmstat:workingset_refault_anon" }, "workingset_refault_anon", NULL, NULL,
	  true },
	{ "pgmajfault", false, { "vmstat:pgmajfault" }, "pgmajfault" },
	{ "swap_ra", false, { "vmstat:swap_ra" }, "swap_ra" },
	{ "swap_ra_hit", false, { "vmstat:swap_ra_hit" }, "swap_ra_hit" },
	{ "nr_dirtied", false, { "vmstat:nr_dirtied" }, "nr_dirtied", NULL, NULL, true },
	{ "compact_success", false, { "vmstat:compact_success" }, "compact_success" },
	{ "compact_fail", false, { "vmstat:compact_fail" }, "compact_fail" },
	{ "compact_daemon_wake", false, { "vmstat:compact_daemon_wake", "trace:kcompactd_wake" },
	  "compact_daemon_wake" },
	{ "pgmigrate_fail", false, { "vmstat:pgmigrate_fail", "trace:pgmigrate_fail" }, "pgmigrate_fail" },
	{ "thp_fault_alloc", false, { "vmstat:thp_fault_alloc" }, "thp_fault_alloc" },
	{ "thp_fault_fallback", false, { "vmstat:thp_fault_fallback" }, "thp_fault_fallback" },
	{ "extfrag_fragmenting", false, { "trace:extfrag_fragmenting" }, "mmsim_extfrag_fragmenting" },
	{ "pgalloc_normal", false, { "vmstat:pgalloc_normal" }, "pgalloc_normal" },
	{ "pgfree", false, { "vmstat:pgfree" }, "pgfree" },
};
_Static_assert(ARRAY_SIZE(figure_defs) <= VALIDATE_MAX_FIGURES, "room for every figure");

/* The event each "trace:" figure counts (docs/import.md "Observed figures").  The importer
 * writes a figure only when its event occurs in the trace; a capture whose capture.json
 * lists the event as enabled tells that it occurred zero times. */
static const struct {
	const char *key, *event;
} trace_sources[] = {
	{ "kswapd_wake", "vmscan:mm_vmscan_kswapd_wake" },
	{ "direct_reclaim", "vmscan:mm_vmscan_direct_reclaim_begin" },
	{ "compact_migrate_scanned", "compaction:mm_compaction_isolate_migratepages" },
	{ "compact_free_scanned", "compaction:mm_compaction_isolate_freepages" },
	{ "pgmigrate_success", "migrate:mm_migrate_pages" },
	{ "pgmigrate_fail", "migrate:mm_migrate_pages" },
	{ "kcompactd_wake", "compaction:mm_compaction_kcompactd_wake" },
	{ "extfrag", "kmem:mm_page_alloc_extfrag" },
	{ "extfrag_fragmenting", "kmem:mm_page_alloc_extfrag" },
	{ "alloc_fail", "kmem:mm_page_alloc" },
};

/* Whether capture.json's "events_enabled" holds the event behind trace figure KEY. */
static bool event_enabled(const struct json_value *capture, const char *key)
{
	const struct json_value *en = capture ? json_get(capture, "events_enabled") : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(trace_sources); i++)
		if (!strcmp(trace_sources[i].key, key) && json_array_has_string(en, trace_sources[i].event))
			return true;
	return false;
}

/* ---- parsing ---------------------------------------------------------------------- */

/* /proc/vmstat text -> value of NAME; false when absent. */
static bool vmstat_value(const char *text, const char *name, double *v)
{
	size_t n = strlen(name);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ' ') {
			*v = strtod(l + n + 1, NULL);
			return true;
		}
	return false;
}

unsigned validate_parse_buddyinfo(const char *text, struct validate_zone *z, unsigned max, bool sim)
{
	unsigned nr = 0;
	for (unsigned i = 0; i < max; i++)
		if (z[i].name[0])
			nr = i + 1;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		/* "Node 0, zone   Normal    164    131 ..." */
		const char *zp = strstr(l, "zone");
		const char *eol = strchr(l, '\n');
		if (!zp || (eol && zp > eol))
			continue;
		zp += 4;
		while (*zp == ' ')
			zp++;
		char name[16];
		size_t len = strcspn(zp, " \n");
		if (!len || len >= sizeof(name))
			continue;
		memcpy(name, zp, len);
		name[len] = 0;
		unsigned i;
		for (i = 0; i < nr && strcmp(z[i].name, name); i++)
			;
		if (i == nr) {
			if (nr == max)
				continue;
			memset(&z[nr], 0, sizeof(z[nr]));
			snprintf(z[nr].name, sizeof(z[nr].name), "%s", name);
			nr++;
		}
		const char *p = zp + len;
		double *col = sim ? z[i].sim : z[i].obs;
		for (unsigned o = 0; o < VALIDATE_ORDERS; o++) {
			char *end;
			double v = strtod(p, &end);
			if (end == p || (eol && end > eol))
				break;
			col[o] += v;
			p = end;
		}
		if (sim)
			z[i].have_sim = true;
		else
			z[i].have_obs = true;
	}
	return nr;
}

/* A capture without after.buddyinfo: the same free blocks per zone and order, summed over
 * the migratetypes of after.pagetypeinfo.  The zones seen, 0 when it has none either. */
static unsigned observed_from_pagetypeinfo(const char *cap_dir, struct validate_zone *z)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/after.pagetypeinfo", cap_dir);
	struct zoneinfo_free_orders fo;
	struct sim_error err = { 0 };
	if (access(p, R_OK) || zoneinfo_parse_free_orders(p, &fo, &err))
		return 0;
	char text[MAX_NR_ZONES * (32 + NR_PAGE_ORDERS * 21)];
	size_t n = 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		if (!fo.seen[zi])
			continue;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "Node 0, zone %s", zone_names[zi]);
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, " %" PRIu64, fo.nr_free[zi][o]);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n");
	}
	return validate_parse_buddyinfo(text, z, VALIDATE_MAX_ZONES, false);
}

static double free_hi(const double *n)
{
	double all = 0, hi = 0;
	for (unsigned o = 0; o < VALIDATE_ORDERS; o++) {
		double pages = n[o] * (double)(1u << o);
		all += pages;
		if (o >= VALIDATE_HI_ORDER)
			hi += pages;
	}
	return all > 0 ? hi / all : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sum of "A+B+C" names looked up by FN; false when none is there. */
static bool sum_names(const char *names, bool (*fn)(const void *ctx, const char *name, double *v),
		      const void *ctx, double *out)
{
	bool any = false;
	double sum = 0;
	const char *p = names;
	while (*p) {
		size_t n = strcspn(p, "+");
		char name[96];
		snprintf(name, sizeof(name), "%.*s", (int)MIN(n, sizeof(name) - 1), p);
		double v;
		if (fn(ctx, name, &v)) {
			any = true;
			sum += v;
		}
		p += n;
		if (*p == '+')
			p++;
	}
	*out = sum;
	return any;
}

struct vmstat_pair {
	const char *before, *after;
};

static bool vmstat_delta(const void *ctx, const char *name, double *v)
{
	const struct vmstat_pair *vp = ctx;
	double a, b;
	if (!vp->before || !vp->after || !vmstat_value(vp->before, name, &b) || !vmstat_value(vp->after, name, &a))
		return false;
	*v = a - b;
	return true;
}

static bool json_number_at(const void *ctx, const char *name, double *v)
{
	const struct json_value *j = json_get(ctx, name);
	if (!j || j->type != JSON_NUMBER)
		return false;
	*v = j->number;
	return true;
}

/* How far a snapshot's node counters can be from the truth (6.18 mm/vmstat.c): each CPU
 * keeps a node item's changes in a per-cpu diff until they pass its stat_threshold
 * (__mod_node_page_state, __inc_node_state fold at |diff| > threshold, so |diff| <=
 * threshold), a node's per-cpu threshold is the largest of its populated zones'
 * (refresh_zone_stat_thresholds), and reading /proc/vmstat folds nothing (vmstat_start).
 * So one snapshot misses at most the sum over nodes and CPUs of that threshold, which
 * /proc/zoneinfo prints per zone and CPU ("vm stats threshold").  0 when the text has none. */
double validate_counter_slack(const char *zoneinfo)
{
	enum { NODES = 16, CPUS = 1024 };
	unsigned *thr = calloc((size_t)NODES * CPUS, sizeof(*thr));
	if (!thr)
		abort();
	long node = -1, cpu = -1;
	for (const char *l = zoneinfo; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ')
			l++;
		long v;
		if (sscanf(l, "Node %ld,", &v) == 1) {
			node = v;
			cpu = -1;
		} else if (sscanf(l, "cpu: %ld", &v) == 1) {
			cpu = v;
		} else if (sscanf(l, "vm stats threshold: %ld", &v) == 1 && node >= 0 && node < NODES && cpu >= 0 &&
			   cpu < CPUS && v > 0) {
			unsigned *t = &thr[node * CPUS + cpu];
			*t = MAX(*t, (unsigned)v);
		}
	}
	double sum = 0;
	for (size_t i = 0; i < (size_t)NODES * CPUS; i++)
		sum += thr[i];
	free(thr);
	return sum;
}

/* The score's test: within a factor of 2 (0 only against 0), or, for a node counter, no
 * farther from the kernel's count than that count's slack. */
static bool within_2x(const struct validate_figure *f)
{
	return f->obs == 0 ? f->sim == 0 : f->sim / f->obs >= 0.5 && f->sim / f->obs <= 2;
}

/* Within only because of the slack: what the note says. */
static bool within_slack_only(const struct validate_figure *f)
{
	return !within_2x(f) && f->slack > 0 && fabs(f->sim - f->obs) <= f->slack;
}

bool validate_figure_within(const struct validate_figure *f)
{
	return within_2x(f) || within_slack_only(f);
}

static double median_of(double *v, unsigned n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The capture's scores from its figures and zones as they stand (validate.h). */
static void score(struct validate_capture *vc)
{
	double logs[VALIDATE_MAX_FIGURES];
	unsigned nr_logs = 0;
	vc->nr_key = vc->nr_key_known = vc->nr_within = 0;
	for (unsigned i = 0; i < vc->nr_figures; i++) {
		const struct validate_figure *f = &vc->fig[i];
		if (!f->key)
			continue;
		vc->nr_key++;
		if (!f->have_obs || !f->have_sim)
			continue;
		vc->nr_key_known++;
		vc->nr_within += validate_figure_within(f);
		logs[nr_logs++] = fabs(log2((f->sim + 1) / (f->obs + 1)));
	}
	vc->median_log2 = nr_logs ? median_of(logs, nr_logs) : NAN;
	for (unsigned z = 0; z < vc->nr_zones; z++) {
		struct validate_zone *vz = &vc->zone[z];
		vz->distance = 0;
		for (unsigned o = 0; o < VALIDATE_ORDERS; o++)
			vz->distance += fabs(log2((vz->sim[o] + 1) / (vz->obs[o] + 1)));
		vz->obs_free_hi = free_hi(vz->obs);
		vz->sim_free_hi = free_hi(vz->sim);
	}
}

void validate_merge_seeds(struct validate_capture *vc, const struct validate_capture *seed, unsigned n)
{
	*vc = seed[0];
	vc->nr_seeds = n;
	double v[VALIDATE_MAX_SEEDS];
	for (unsigned i = 0; i < vc->nr_figures; i++) {
		struct validate_figure *f = &vc->fig[i];
		if (!f->have_sim)
			continue;
		for (unsigned k = 0; k < n; k++)
			v[k] = seed[k].fig[i].sim;
		f->sim = median_of(v, n);
		f->sim_min = v[0];
		f->sim_max = v[n - 1];
	}
	for (unsigned z = 0; z < vc->nr_zones; z++)
		for (unsigned o = 0; o < VALIDATE_ORDERS; o++) {
			for (unsigned k = 0; k < n; k++)
				v[k] = seed[k].zone[z].sim[o];
			vc->zone[z].sim[o] = median_of(v, n);
		}
	vc->seconds = 0;
	vc->within_min = vc->within_max = seed[0].nr_within;
	for (unsigned k = 0; k < n; k++) {
		vc->seconds += seed[k].seconds;
		vc->within_min = MIN(vc->within_min, seed[k].nr_within);
		vc->within_max = MAX(vc->within_max, seed[k].nr_within);
	}
	score(vc);
}

int validate_score(const char *cap_dir, const char *run_dir, struct validate_capture *vc,
		   struct sim_error *err)
{
	char p[8400];
	snprintf(p, sizeof(p), "%s/summary.json", run_dir);
	struct json_value *sum = json_load(p, err);
	if (!sum)
		return -1;
	const struct json_value *counters = json_get(sum, "counters");
	const struct json_value *observed = json_get(sum, "observed");
	char *vm_before = NULL, *vm_after = NULL;
	snprintf(p, sizeof(p), "%s/before.vmstat", cap_dir);
	vm_before = sim_read_file(p, NULL, NULL);
	snprintf(p, sizeof(p), "%s/after.vmstat", cap_dir);
	vm_after = sim_read_file(p, NULL, NULL);
	struct vmstat_pair vp = { vm_before, vm_after };
	snprintf(p, sizeof(p), "%s/capture.json", cap_dir);
	struct json_value *capture = json_load(p, NULL); /* NULL: not made by mmsim capture */
	/* The node counters' slack of the delta: one per snapshot, none when mmsim capture
	 * folded the per-CPU diffs first (capture.json "vmstat_refreshed"). */
	const struct json_value *refreshed = capture ? json_get(capture, "vmstat_refreshed") : NULL;
	double slack = 0;
	for (int k = 0; k < 2 && !(refreshed && refreshed->type == JSON_TRUE); k++) {
		snprintf(p, sizeof(p), "%s/%s.zoneinfo", cap_dir, k ? "after" : "before");
		char *zi = sim_read_file(p, NULL, NULL);
		slack += zi ? validate_counter_slack(zi) : 0;
		free(zi);
	}

	vc->records = vc->records_unissued = 0;
	json_number_at(sum, "records", &vc->records);
	json_number_at(sum, "records_unissued", &vc->records_unissued);
	vc->nr_figures = 0;
	vc->nr_seeds = 1;
	for (size_t i = 0; i < ARRAY_SIZE(figure_defs); i++) {
		const struct figure_def *d = &figure_defs[i];
		struct validate_figure *f = &vc->fig[vc->nr_figures];
		memset(f, 0, sizeof(*f));
		f->name = d->name;
		f->key = d->key;
		for (unsigned a = 0; a < ARRAY_SIZE(d->obs) && d->obs[a] && !f->have_obs; a++) {
			if (!strncmp(d->obs[a], "vmstat:", 7)) {
				f->have_obs = sum_names(d->obs[a] + 7, vmstat_delta, &vp, &f->obs);
				f->obs_source = "vmstat";
			} else {
				f->have_obs = observed && json_number_at(observed, d->obs[a] + 6, &f->obs);
				if (!f->have_obs && event_enabled(capture, d->obs[a] + 6)) {
					f->have_obs = true; /* enabled, never fired */
					f->obs = 0;
				}
				f->obs_source = "trace";
			}
		}
		if (!f->have_obs)
			f->obs_source = NULL;
		f->have_sim = counters && sum_names(d->sim, json_number_at, counters, &f->sim);
		if (d->node_stat && f->have_obs && !strcmp(f->obs_source, "vmstat"))
			f->slack = slack;
		/* Refaults of pages evicted before the capture: the kernel's are in its count
		 * but not in the trace, and the replay was given their activated share
		 * (docs/validation.md); the figure compares the rest. */
		if (d->given_obs && f->have_obs && f->have_sim && observed && counters &&
		    json_number_at(observed, d->given_obs, &f->given_obs) &&
		    json_number_at(counters, d->given_sim, &f->given_sim)) {
			f->given = true;
			f->obs -= MIN(f->obs, f->given_obs);
			f->sim -= MIN(f->sim, f->given_sim);
		}
		/* an extra figure the capture cannot tell is left out, a key one is listed */
		if (!d->key && !f->have_obs)
			continue;
		f->sim_min = f->sim_max = f->sim;
		vc->nr_figures++;
	}

	/* buddyinfo: the zones of both, in the capture's order */
	memset(vc->zone, 0, sizeof(vc->zone));
	vc->nr_zones = 0;
	snprintf(p, sizeof(p), "%s/after.buddyinfo", cap_dir);
	char *text = sim_read_file(p, NULL, NULL);
	if (text)
		vc->nr_zones = validate_parse_buddyinfo(text, vc->zone, VALIDATE_MAX_ZONES, false);
	else
		vc->nr_zones = observed_from_pagetypeinfo(cap_dir, vc->zone);
	free(text);
	snprintf(p, sizeof(p), "%s/buddyinfo", run_dir);
	text = sim_read_file(p, NULL, NULL);
	if (text)
		vc->nr_zones = validate_parse_buddyinfo(text, vc->zone, VALIDATE_MAX_ZONES, true);
	free(text);
	score(vc);
	free(vm_before);
	free(vm_after);
	json_free(capture);
	json_free(sum);
	return 0;
}

/* ---- replay --------------------------------------------------------------------------- */

/* Run ARGV with stdout and stderr into LOG; 0 when it exited 0. */
static int spawn(char *const *argv, const char *log, int *status)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		fprintf(stderr, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 0 : -1;
}

/* The last line of LOG, for an error message. */
static void last_line(const char *log, char *buf, size_t n)
{
	char *text = sim_read_file(log, NULL, NULL);
	buf[0] = 0;
	if (!text)
		return;
	size_t len = strlen(text);
	while (len && text[len - 1] == '\n')
		text[--len] = 0;
	const char *l = strrchr(text, '\n');
	snprintf(buf, n, "%s", l ? l + 1 : text);
	free(text);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_kernel(const char *dir, char *buf, size_t n)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/capture.json", dir);
	struct json_value *j = json_load(p, NULL);
	const struct json_value *r = j ? json_path(j, "kernel.release") : NULL;
	buf[0] = 0;
	if (r && r->type == JSON_STRING)
		snprintf(buf, n, "%s", r->string);
	json_free(j);
}

static void replay_one(const struct validate_control *vc, const char *dir, const char *work, uint64_t seed,
		       struct validate_capture *cap)
{
	char seed_arg[24];
	snprintf(seed_arg, sizeof(seed_arg), "%" PRIu64, seed);
	char trace[4500], cfg[4500], run[4500], log[4500];
	snprintf(trace, sizeof(trace), "%s/trace.mmt.gz", work);
	snprintf(cfg, sizeof(cfg), "%s/trace.yaml", work);
	snprintf(run, sizeof(run), "%s/run", work);
	double t0 = now_s();
	int status;
	read_kernel(dir, cap->kernel, sizeof(cap->kernel));
	snprintf(log, sizeof(log), "%s/import.log", work);
	char *imp[] = { (char *)vc->mmsim, "import", (char *)dir, "-o", trace, "--prefill-seed", seed_arg, NULL };
	if (spawn(imp, log, &status)) {
		char l[400];
		last_line(log, l, sizeof(l));
		snprintf(cap->error, sizeof(cap->error), "import failed: %s", l);
		return;
	}
	snprintf(log, sizeof(log), "%s/run.log", work);
	char *runv[] = { (char *)vc->mmsim, "run", cfg, "-o", run, NULL };
	if (spawn(runv, log, &status)) {
		char l[400];
		last_line(log, l, sizeof(l));
		snprintf(cap->error, sizeof(cap->error), "run failed: %s", l);
		return;
	}
	cap->seconds = now_s() - t0;
	struct sim_error err = { 0 };
	if (validate_score(dir, run, cap, &err))
		snprintf(cap->error, sizeof(cap->error), "%s", err.msg);
}

/* Replay capture c once per seed (vc->seeds; work/seed-K/ each when more than one) and
 * merge the replays: the median of each simulated figure, its spread beside it.  A seed
 * whose replay fails fails the capture. */
static int replay_seeds(const struct validate_control *vc, struct validate_capture *c, const char *work,
			struct sim_error *err)
{
	unsigned n = vc->seeds ? vc->seeds : 1;
	if (n == 1) {
		replay_one(vc, c->dir, work, 0, c);
		return 0;
	}
	struct validate_capture *seed = calloc(n, sizeof(*seed));
	if (!seed)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (unsigned k = 0; k < n; k++) {
		char sub[4500];
		snprintf(sub, sizeof(sub), "%s/seed-%u", work, k);
		if (runset_mkdir_p(sub, err)) {
			free(seed);
			return -1;
		}
		seed[k] = *c;
		replay_one(vc, c->dir, sub, k, &seed[k]);
		if (seed[k].error[0]) {
			snprintf(c->error, sizeof(c->error), "seed %u: %.480s", k, seed[k].error);
			free(seed);
			return 0;
		}
	}
	validate_merge_seeds(c, seed, n);
	free(seed);
	return 0;
}

static int add_capture(struct validate_result *res, const char *dir, struct sim_error *err)
{
	struct validate_capture *n = realloc(res->cap, (res->nr + 1) * sizeof(*n));
	if (!n)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	res->cap = n;
	struct validate_capture *c = &res->cap[res->nr++];
	memset(c, 0, sizeof(*c));
	c->median_log2 = NAN;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	size_t len = strlen(c->dir);
	while (len > 1 && c->dir[len - 1] == '/')
		c->dir[--len] = 0;
	const char *base = strrchr(c->dir, '/');
	snprintf(c->name, sizeof(c->name), "%.255s", base ? base + 1 : c->dir);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* PATH is a capture (has a trace) or a directory of captures (sorted by name). */
static int collect(struct validate_result *res, const char *path, struct sim_error *err)
{
	struct capture_files *cf = malloc(sizeof(*cf));
	if (!cf)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	int rc = 0;
	if (!capture_is_dir(path)) {
		rc = sim_error_set(err, EX_NOINPUT_, "%s: not a directory", path);
	} else if (capture_files_find(path, cf, NULL) == 0) {
		rc = add_capture(res, path, err);
	} else {
		DIR *d = opendir(path);
		char **names = NULL;
		size_t nr = 0;
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char sub[4400];
			if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (capture_files_find(sub, cf, NULL))
				continue;
			char **nn = realloc(names, (nr + 1) * sizeof(*nn));
			if (!nn || !(nn[nr] = strdup(sub))) {
				names = nn ? nn : names;
				rc = sim_error_set(err, EX_SOFTWARE_, "out of memory");
				break;
			}
			names = nn;
			nr++;
		}
		if (d)
			closedir(d);
		if (names)
			qsort(names, nr, sizeof(*names), cmp_str);
		for (size_t i = 0; i < nr; i++) {
			if (!rc)
				rc = add_capture(res, names[i], err);
			free(names[i]);
		}
		free(names);
		if (!rc && !nr)
			rc = sim_error_set(err, EX_NOINPUT_, "%s: no capture in it (a directory with a trace and "
							     "before/after /proc snapshots)", path);
	}
	free(cf);
	return rc;
}

int validate_run(const struct validate_control *vc, struct validate_result *res, struct sim_error *err)
{
	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < vc->nr_paths; i++)
		if (collect(res, vc->paths[i], err))
			return -1;
	char tmpl[] = "/tmp/mmsim-validate.XXXXXX";
	const char *base = vc->keep;
	if (!base) {
		if (!mkdtemp(tmpl))
			return sim_error_set(err, EX_CANTCREAT_, "%s: %s", tmpl, strerror(errno));
		base = tmpl;
	} else if (runset_mkdir_p(base, err)) {
		return -1;
	}
	for (size_t i = 0; i < res->nr; i++) {
		struct validate_capture *c = &res->cap[i];
		char work[4400];
		snprintf(work, sizeof(work), "%s/%s", base, c->name);
		runset_rm_rf(work);
		if (runset_mkdir_p(work, err)) {
			if (!vc->keep)
				runset_rm_rf(tmpl);
			return -1;
		}
		if (vc->log) {
			fprintf(vc->log, "mmsim validate: replaying %s ...\n", c->dir);
			fflush(vc->log);
		}
		if (replay_seeds(vc, c, work, err)) {
			if (!vc->keep)
				runset_rm_rf(tmpl);
			return -1;
		}
		if (vc->log && c->error[0])
			fprintf(vc->log, "mmsim validate: %s: %s\n", c->name, c->error);
	}
	if (!vc->keep)
		runset_rm_rf(tmpl);
	return 0;
}

void validate_result_free(struct validate_result *res)
{
	free(res->cap);
	memset(res, 0, sizeof(*res));
}

/* ---- output ------------------------------------------------------------------------- */

static void fmt_num(char *buf, size_t n, bool have, double v)
{
	if (!have)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.0f", v);
}

/* A compared figure's note: the slack when it alone made the figure within, then the share
 * the import gave the replay; "" when neither. */
static const char *figure_note(char *buf, size_t n, const struct validate_figure *f)
{
	int len = 0;
	buf[0] = 0;
	if (within_slack_only(f))
		len = snprintf(buf, n, "within the per-CPU counters' slack of %.0f", f->slack);
	if (f->given && len >= 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, "%straced only: %.0f untraced in the kernel's, %.0f given to the replay",
			 len ? "; " : "", f->given_obs, f->given_sim);
	return buf;
}

void validate_write_text(const struct validate_result *res, FILE *fp)
{
	for (size_t i = 0; i < res->nr; i++) {
		const struct validate_capture *c = &res->cap[i];
		fprintf(fp, "== %s (%s%s%s)\n", c->name, c->dir, c->kernel[0] ? ", Linux " : "", c->kernel);
		if (c->error[0]) {
			fprintf(fp, "   replay failed: %s\n\n", c->error);
			continue;
		}
		fprintf(fp, "%-26s %12s %12s %9s  %-3s %s\n", "figure", "observed", "simulated", "sim/obs", "2x",
			"note");
		bool extra_seen = false;
		for (unsigned k = 0; k < c->nr_figures; k++) {
			const struct validate_figure *f = &c->fig[k];
			if (!f->key && !extra_seen) {
				fprintf(fp, "  more (not scored):\n");
				extra_seen = true;
			}
			char o[32], s[32], r[32], notes[160];
			const char *w = "", *note = "";
			fmt_num(o, sizeof(o), f->have_obs, f->obs);
			fmt_num(s, sizeof(s), f->have_sim, f->sim);
			snprintf(r, sizeof(r), "-");
			if (f->have_obs && f->have_sim) {
				if (f->obs > 0)
					snprintf(r, sizeof(r), "%.3g", f->sim / f->obs);
				else
					snprintf(r, sizeof(r), f->sim > 0 ? "inf" : "=");
				w = validate_figure_within(f) ? "yes" : "no";
			}
			if (!f->have_obs)
				note = "not in the capture";
			else if (!f->have_sim)
				note = "not simulated";
			else if (*figure_note(notes, sizeof(notes), f))
				note = notes;
			else if (!strcmp(f->obs_source, "trace"))
				note = "observed: trace events";
			char spread[64] = "";
			if (c->nr_seeds > 1 && f->have_sim)
				snprintf(spread, sizeof(spread), "seeds %.0f..%.0f%s", f->sim_min, f->sim_max, *note ? "; " : "");
			fprintf(fp, "%s%-*s %12s %12s %9s  %-3s %s%s\n", f->key ? "" : "  ", f->key ? 26 : 24, f->name, o,
				s, r, f->key ? w : "", spread, note);
		}
		if (c->nr_seeds > 1)
			fprintf(fp, "simulated: the median over %u prefill seeds (their spread in the note)\n", c->nr_seeds);
		fprintf(fp, "key figures within 2x: %u of %u", c->nr_within, c->nr_key_known);
		if (c->nr_seeds > 1)
			fprintf(fp, " (one seed alone: %u..%u)", c->within_min, c->within_max);
		if (c->nr_key_known < c->nr_key)
			fprintf(fp, " (%u more the capture or the simulator cannot tell)", c->nr_key - c->nr_key_known);
		if (isnan(c->median_log2))
			fprintf(fp, "; median |log2 sim/obs| -\n");
		else
			fprintf(fp, "; median |log2 sim/obs| %.2f (%.2gx)\n", c->median_log2, exp2(c->median_log2));
		if (c->records_unissued > 0)
			fprintf(fp,
				"replay incomplete: %.0f records never issued (their task was still blocked when the "
				"replay ended): the figures cover the %.0f issued\n",
				c->records_unissued, c->records);
		if (c->nr_zones) {
			fprintf(fp, "%-10s %18s %24s\n", "zone", "buddyinfo distance", "free at order>=9 obs/sim");
			for (unsigned z = 0; z < c->nr_zones; z++) {
				const struct validate_zone *vz = &c->zone[z];
				if (!vz->have_obs || !vz->have_sim) {
					fprintf(fp, "%-10s %18s %24s\n", vz->name, "-",
						vz->have_obs ? "not simulated" : "not in the capture");
					continue;
				}
				char fr[64];
				snprintf(fr, sizeof(fr), "%.1f%% / %.1f%%", 100 * vz->obs_free_hi, 100 * vz->sim_free_hi);
				fprintf(fp, "%-10s %18.1f %24s\n", vz->name, vz->distance, fr);
			}
		}
		fputc('\n', fp);
	}
	/* the scoreboard */
	fprintf(fp, "%-16s %10s %14s %s\n", "capture", "within 2x", "median |log2|", "buddyinfo distance per zone");
	for (size_t i = 0; i < res->nr; i++) {
		const struct validate_capture *c = &res->cap[i];
		if (c->error[0]) {
			fprintf(fp, "%-16s replay failed\n", c->name);
			continue;
		}
		char w[32], m[32];
		snprintf(w, sizeof(w), "%u/%u", c->nr_within, c->nr_key_known);
		if (isnan(c->median_log2))
			snprintf(m, sizeof(m), "-");
		else
			snprintf(m, sizeof(m), "%.2f", c->median_log2);
		fprintf(fp, "%-16s %10s %14s ", c->name, w, m);
		for (unsigned z = 0; z < c->nr_zones; z++)
			if (c->zone[z].have_obs && c->zone[z].have_sim)
				fprintf(fp, " %s %.1f", c->zone[z].name, c->zone[z].distance);
		if (c->records_unissued > 0)
			fprintf(fp, "  (incomplete: %.0f records never issued)", c->records_unissued);
		fputc('\n', fp);
	}
}

static void json_num_or_null(struct jsonw *w, bool have, double v)
{
	if (!have || isnan(v) || isinf(v))
		jsonw_null(w);
	else
		jsonw_printf(w, "%.6g", v);
}

void validate_write_json(const struct validate_result *res, FILE *fp)
{
	struct jsonw w;
	jsonw_init(&w, fp, 0);
	jsonw_object(&w);
	jsonw_key(&w, "format");
	jsonw_string(&w, "mmsim-validate");
	jsonw_key(&w, "version");
	jsonw_u64(&w, 1);
	jsonw_key(&w, "captures");
	jsonw_array(&w);
	for (size_t i = 0; i < res->nr; i++) {
		const struct validate_capture *c = &res->cap[i];
		jsonw_object(&w);
		jsonw_key(&w, "name");
		jsonw_string(&w, c->name);
		jsonw_key(&w, "dir");
		jsonw_string(&w, c->dir);
		if (c->kernel[0]) {
			jsonw_key(&w, "kernel");
			jsonw_string(&w, c->kernel);
		}
		if (c->error[0]) {
			jsonw_key(&w, "error");
			jsonw_string(&w, c->error);
			jsonw_end(&w);
			continue;
		}
		jsonw_key(&w, "key_figures");
		jsonw_u64(&w, c->nr_key);
		jsonw_key(&w, "key_known");
		jsonw_u64(&w, c->nr_key_known);
		jsonw_key(&w, "within_2x");
		jsonw_u64(&w, c->nr_within);
		jsonw_key(&w, "median_abs_log2");
		json_num_or_null(&w, true, c->median_log2);
		jsonw_key(&w, "records_unissued");
		jsonw_u64(&w, (uint64_t)c->records_unissued);
		jsonw_key(&w, "seeds");
		jsonw_u64(&w, c->nr_seeds);
		if (c->nr_seeds > 1) {
			jsonw_key(&w, "within_2x_min");
			jsonw_u64(&w, c->within_min);
			jsonw_key(&w, "within_2x_max");
			jsonw_u64(&w, c->within_max);
		}
		jsonw_key(&w, "figures");
		jsonw_array(&w);
		for (unsigned k = 0; k < c->nr_figures; k++) {
			const struct validate_figure *f = &c->fig[k];
			jsonw_object_inline(&w);
			jsonw_key(&w, "name");
			jsonw_string(&w, f->name);
			jsonw_key(&w, "key");
			jsonw_bool(&w, f->key);
			jsonw_key(&w, "observed");
			json_num_or_null(&w, f->have_obs, f->obs);
			jsonw_key(&w, "simulated");
			json_num_or_null(&w, f->have_sim, f->sim);
			if (c->nr_seeds > 1 && f->have_sim) {
				jsonw_key(&w, "simulated_min");
				json_num_or_null(&w, true, f->sim_min);
				jsonw_key(&w, "simulated_max");
				json_num_or_null(&w, true, f->sim_max);
			}
			jsonw_key(&w, "source");
			if (f->obs_source)
				jsonw_string(&w, f->obs_source);
			else
				jsonw_null(&w);
			if (f->slack > 0) {
				jsonw_key(&w, "slack");
				jsonw_u64(&w, (uint64_t)f->slack);
			}
			if (f->given) {
				jsonw_key(&w, "given_observed");
				jsonw_u64(&w, (uint64_t)f->given_obs);
				jsonw_key(&w, "given_simulated");
				jsonw_u64(&w, (uint64_t)f->given_sim);
			}
			jsonw_end(&w);
		}
		jsonw_end(&w);
		jsonw_key(&w, "zones");
		jsonw_array(&w);
		for (unsigned z = 0; z < c->nr_zones; z++) {
			const struct validate_zone *vz = &c->zone[z];
			jsonw_object(&w);
			jsonw_key(&w, "zone");
			jsonw_string(&w, vz->name);
			bool both = vz->have_obs && vz->have_sim;
			jsonw_key(&w, "distance");
			json_num_or_null(&w, both, vz->distance);
			jsonw_key(&w, "observed_free_hi");
			json_num_or_null(&w, vz->have_obs, vz->obs_free_hi);
			jsonw_key(&w, "simulated_free_hi");
			json_num_or_null(&w, vz->have_sim, vz->sim_free_hi);
			jsonw_key(&w, "observed_buddyinfo");
			jsonw_array(&w);
			for (unsigned o = 0; vz->have_obs && o < VALIDATE_ORDERS; o++)
				jsonw_printf(&w, "%.0f", vz->obs[o]);
			jsonw_end(&w);
			jsonw_key(&w, "simulated_buddyinfo");
			jsonw_array(&w);
			for (unsigned o = 0; vz->have_sim && o < VALIDATE_ORDERS; o++)
				jsonw_printf(&w, "%.0f", vz->sim[o]);
			jsonw_end(&w);
			jsonw_end(&w);
		}
		jsonw_end(&w);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
	fputc('\n', fp);
}
