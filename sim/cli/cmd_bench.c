/* mmsim bench [replay|simulate|scale|compaction|state|read|pressure|overcommit|anon-2x]
 *             [--keep DIR] [--quick] [--duration T]
 *             [--churn-records N] [--timeout S] [--set KEY=VALUE]... [--trace FILE]
 *
 * architecture.md §9 budgets, measured (never asserted: machines are shared and noisy, so the
 * figures are medians of three runs and the zcat comparison is a ratio from the same run):
 *   replay  native replay of the churn-10m workload on a 4 GiB machine: records/s,
 *           ns/record, and the time ratio to `zcat` on the same file (budgets: >= 20 M
 *           records/s, <= 2x zcat);
 *   state   bytes of simulator state per simulated page, and the peak RSS of building a
 *           64 GiB machine (budgets: <= 16 B/page, <= 512 MiB);
 *   read    the trace reader: read only and full replay, on the caller's thread and with the
 *           reader thread, against zcat and gzip -dc of the same file; import of the shared
 *           text capture against zcat (budgets: import >= 3 M lines/s, <= 1.2x zcat);
 *   simulate  the simulator alone, churn-10m records already in memory (budget <= 45 ns);
 *   scale   churn replay on 4, 64 and 256 GiB machines: ns/record, state and peak RSS per page;
 *   compaction  compact_node cost per doubling of the zone, 1-8 GiB and 64 GiB (<= 2.2x);
 *   crossing  wall time of CMA experiment 1's whole crossing with -j 2 (budget < 5 min);
 *   pressure  replay cost of the overcommit and anon-2x cases against the churn reference,
 *           and pages scanned per page reclaimed (budgets: <= 3x churn's ns/record, <= 4);
 *           bench/README.md. */
#include "cli.h"
#include "opts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <math.h>

#include "../config/config.h"
#include "../config/plan.h"
#include "../engine/engine.h"
#include "../mm/compaction.h"
#include "../sim.h"
#include "../workload/workload.h"

/* Where a benchmark keeps its traces: the --keep directory (made if missing, reused as is)
 * or a fresh temporary one.  -1 (after perror) when it cannot be made. */
static int bench_dir(char *dir, size_t size, const char *keep)
{
	if (keep) {
		snprintf(dir, size, "%s", keep);
		mkdir(dir, 0777);
		return 0;
	}
	snprintf(dir, size, "/tmp/mmsim-bench-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) of this process, or of its waited-for children. */
static double cpu_s(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median3(double v[3])
{
	qsort(v, 3, sizeof(v[0]), cmp_double);
	return v[1];
}

/* Write the workload's records to path (the same stream `mmsim gen` writes with the same
 * --seed and --set; ov may be NULL). */
static int make_trace(const char *workload_path, const struct workload_overrides *ov, const char *path,
		      struct sim_error *err)
{
	struct workload *w = workload_open(workload_path, ov, err);
	if (!w)
		return -1;
	static struct trace_header h; /* large; workload_fill_header appends, so start empty */
	memset(&h, 0, sizeof(h));
	h.version = TRACE_VERSION;
	workload_fill_header(w, &h);
	struct trace_writer *tw = trace_create(path, TRACE_BINARY_GZ, &h, err);
	int rc = tw ? 0 : -1;
	struct trace_record rec;
	int got;
	while (tw && (got = workload_next(w, &rec, err)) == 1)
		if (trace_write(tw, &rec, err)) {
			rc = -1;
			break;
		}
	if (tw && (got < 0 || rc)) {
		trace_abort(tw);
		rc = -1;
	} else if (tw && trace_commit(tw, err)) {
		rc = -1;
	}
	workload_close(w);
	return rc;
}

/* zcat's CPU time on path (its children's rusage), wall time in *wall. */
static double time_zcat(const char *path, double *wall)
{
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", path);
	double c0 = cpu_s(RUSAGE_CHILDREN), t0 = now_s();
	int rc = system(cmd);
	*wall = now_s() - t0;
	return rc == 0 ? cpu_s(RUSAGE_CHILDREN) - c0 : -1;
}

static int next_record(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read(ctx, rec, err);
}

static int next_record_run(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	return trace_read_run(ctx, v, n, err);
}

/* Every record of src through a fresh node of cfg: CPU seconds (-1 on error), wall seconds
 * in *wall, records replayed in *n (if n).  The one timed replay the benchmarks share. */
static double time_sim_run(const struct config *cfg, struct record_source *src, uint64_t *n, double *wall,
			   struct sim_error *err)
{
	struct sim *s = calloc(1, sizeof(*s));
	double t = -1;
	if (!s || sim_init(s, cfg, NULL, err))
		goto out;
	double t0 = now_s(), c0 = cpu_s(RUSAGE_SELF);
	int got = sim_run(s, src, err);
	t = cpu_s(RUSAGE_SELF) - c0;
	*wall = now_s() - t0;
	if (got < 0)
		t = -1;
	if (n)
		*n = s->nr_records;
	sim_destroy(s);
out:
	free(s);
	return t;
}

/* Replay every record of path through a fresh node; returns CPU seconds, wall seconds in
 * *wall, records in *n. */
static double time_replay(const struct config *cfg, const char *path, uint64_t *n, double *wall,
			  struct sim_error *err)
{
	struct trace_reader *r = trace_open(path, err);
	if (!r)
		return -1;
	struct record_source src = { .next = next_record, .next_run = next_record_run, .ctx = r };
	double t = time_sim_run(cfg, &src, n, wall, err);
	trace_close(r);
	return t;
}

static const char *source_root(void)
{
	const char *r = getenv("MESON_SOURCE_ROOT");
	return r ? r : ".";
}

static int bench_replay(const char *keep_dir)
{
	struct sim_error err = { 0 };
	char dir[4096], trace[4200], wl[4200];
	if (bench_dir(dir, sizeof(dir), keep_dir))
		return EX_IOERR_;
	snprintf(trace, sizeof(trace), "%s/churn-10m.mmt.gz", dir);
	snprintf(wl, sizeof(wl), "%s/workloads/churn-10m.yaml", source_root());
	struct stat st;
	if (stat(trace, &st) != 0) {
		printf("replay: generating %s from %s ...\n", trace, wl);
		fflush(stdout);
		if (make_trace(wl, NULL, trace, &err))
			return cli_fail(&err);
		stat(trace, &st);
	}
	static struct config cfg;
	config_defaults(&cfg); /* 4 GiB machine, no CMA */
	cfg.output.sample_interval_ns = 0;
	/* CPU time is the figure (the machines are shared: wall time also counts the
	 * neighbours); wall time is printed beside it. */
	double tz[3], tr[3], wz[3], wr[3];
	uint64_t n = 0;
	for (int i = 0; i < 3; i++) {
		tz[i] = time_zcat(trace, &wz[i]);
		tr[i] = time_replay(&cfg, trace, &n, &wr[i], &err);
		if (tr[i] < 0)
			return cli_fail(&err);
	}
	double z = median3(tz), r = median3(tr), zw = median3(wz), rw = median3(wr);
	printf("replay: %llu records, %.1f MiB compressed, 4 GiB machine (median of 3, CPU time)\n",
	       (unsigned long long)n, (double)st.st_size / (1 << 20));
	printf("replay: %.3f s  %.1f M records/s  %.1f ns/record   (budget >= 20 M records/s)  [wall %.3f s]\n",
	       r, (double)n / r / 1e6, r * 1e9 / (double)n, rw);
	if (z > 0)
		printf("replay: zcat %.3f s  replay/zcat = %.2f   (budget <= 2.0)  [wall %.3f s, ratio %.2f]\n",
		       z, r / z, zw, rw / zw);
	if (!keep_dir) {
		remove(trace);
		rmdir(dir);
	}
	return 0;
}

/* ---- pressure: replay cost under memory pressure (bench/README.md) ----
 *
 * Each case is a trace replayed in a child process that is killed after a wall-clock limit:
 * a model that livelocks under pressure (retrying against a world that cannot change) must
 * show up as "did not finish", not hang the benchmark.  The churn reference is replayed the
 * same way in the same invocation, so the ratio compares like with like on a shared machine. */

#define PRESSURE_RATIO_BUDGET 3.0 /* ns/record under pressure, as a multiple of churn's */
#define PRESSURE_SCAN_BUDGET 4.0  /* pages scanned per page reclaimed over the whole run */
#define PRESSURE_RUNS 3
#define PUBLISH_EVERY 4096        /* records between two progress reports of a child */

/* alloc_outcome summed over the classes, the fail_* reasons together (as summary.json's
 * "failed"): requests == satisfied + failed + killed + unfinished. */
enum { OUT_SATISFIED, OUT_FAILED, OUT_KILLED, OUT_UNFINISHED, NR_OUT };
static const char *const out_names[NR_OUT] = { "satisfied", "failed", "killed", "unfinished" };

/* What a replaying child leaves for its parent, in memory shared across fork().  The child
 * refreshes it every PUBLISH_EVERY records, so a run killed at the limit still shows how far
 * it got; the parent reads it only after reaping the child. */
struct replay_figures {
	uint64_t records;   /* records applied */
	uint64_t scanned;   /* pgscan_kswapd + pgscan_direct */
	uint64_t reclaimed; /* pgsteal_kswapd + pgsteal_direct */
	uint64_t oom_kill;
	uint64_t outcome[NR_OUT];
	double cpu_s, wall_s; /* of sim_run when done; of the whole child when killed */
	int done;             /* sim_run returned 0 */
};

static void publish(struct replay_figures *f, const struct sim *s)
{
	const uint64_t *ev = s->mm.vm_events;
	f->records = s->nr_records;
	f->scanned = ev[VM_PGSCAN_KSWAPD] + ev[VM_PGSCAN_DIRECT];
	f->reclaimed = ev[VM_PGSTEAL_KSWAPD] + ev[VM_PGSTEAL_DIRECT];
	f->oom_kill = ev[VM_OOM_KILL];
	memset(f->outcome, 0, sizeof(f->outcome));
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		for (int k = 0; k < NR_ALLOC_OUTCOMES; k++) {
			int o = k == AOUT_SATISFIED ? OUT_SATISFIED
				: k == AOUT_KILLED   ? OUT_KILLED
				: k == AOUT_UNFINISHED ? OUT_UNFINISHED
						       : OUT_FAILED;
			f->outcome[o] += s->mm.alloc_outcome[c][k];
		}
}

struct child_source {
	struct trace_reader *r;
	const struct sim *s;
	struct replay_figures *f;
	uint64_t n;
};

static int next_child_record(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	struct child_source *c = ctx;
	if (++c->n % PUBLISH_EVERY == 0)
		publish(c->f, c->s);
	return trace_read(c->r, rec, err);
}

/* The child's side: replay path through a fresh node; returns its exit code. */
static int child_replay(const struct config *cfg, const char *path, struct replay_figures *f)
{
	struct sim_error err = { 0 };
	struct sim *s = calloc(1, sizeof(*s));
	struct trace_reader *r = s ? trace_open(path, &err) : NULL;
	int rc;
	if (!s) {
		sim_error_set(&err, EX_SOFTWARE_, "out of memory");
		rc = cli_fail(&err);
	} else if (!r || sim_init(s, cfg, NULL, &err)) {
		rc = cli_fail(&err);
	} else {
		struct child_source cs = { .r = r, .s = s, .f = f };
		struct record_source src = { .next = next_child_record, .ctx = &cs };
		double t0 = now_s(), c0 = cpu_s(RUSAGE_SELF);
		int got = sim_run(s, &src, &err);
		f->cpu_s = cpu_s(RUSAGE_SELF) - c0;
		f->wall_s = now_s() - t0;
		publish(f, s);
		f->done = got == 0;
		rc = got == 0 ? 0 : cli_fail(&err);
		sim_destroy(s);
	}
	if (r)
		trace_close(r);
	free(s);
	return rc;
}

/* Replay path on cfg in a child process killed after limit_s seconds of wall time.
 * Returns 1 when it finished (figures in *f), 0 when it was killed at the limit (the
 * figures it had published, its whole CPU time), -1 when it failed (message printed). */
static int replay_limited(const struct config *cfg, const char *path, double limit_s,
			  struct replay_figures *f)
{
	memset(f, 0, sizeof(*f));
	fflush(NULL); /* the child must not write the parent's buffered output again */
	pid_t pid = fork();
	if (pid < 0) {
		perror("mmsim bench: fork");
		return -1;
	}
	if (pid == 0)
		_exit(child_replay(cfg, path, f));
	double t0 = now_s();
	int st = 0;
	struct rusage ru;
	pid_t got;
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	while ((got = wait4(pid, &st, WNOHANG, &ru)) == 0 && now_s() - t0 < limit_s)
		nanosleep(&tick, NULL);
	bool killed = got == 0;
	if (killed) {
		kill(pid, SIGKILL);
		got = wait4(pid, &st, 0, &ru);
	}
	if (got < 0) {
		perror("mmsim bench: wait4");
		return -1;
	}
	if (f->done && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1; /* also when it finished as the limit struck */
	if (killed) {
		f->cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
		f->wall_s = now_s() - t0;
		return 0;
	}
	if (WIFSIGNALED(st))
		fprintf(stderr, "mmsim bench: the replay of %s died of signal %d\n", path, WTERMSIG(st));
	else
		fprintf(stderr, "mmsim bench: the replay of %s exited %d\n", path, WEXITSTATUS(st));
	return -1;
}

enum pressure_kind { CASE_CHURN, CASE_OVERCOMMIT, CASE_ANON_2X, NR_CASES };
static const char *const case_names[NR_CASES] = { "churn", "overcommit", "anon-2x" };

/* The pressure cases' machine: 16 MiB DMA + 512 MiB DMA32, 1 GiB of swap. */
static const char *const pressure_machine[] = {
	"machine.zones.dma32=512MiB",
	"machine.zones.normal=0",
	"devices.swap.size=1GiB",
};

struct pressure_opts {
	const char *keep;       /* directory for the traces, kept and reused; NULL: a temporary one */
	const char *duration;   /* simulated time of the kbuild and anon_ws workloads */
	uint64_t churn_records; /* records of the churn reference */
	uint64_t limit_s;       /* wall-clock limit of one replay */
	const struct cli_list *sets; /* over the pressure cases' machine */
	unsigned mask;          /* 1 << case; the churn reference always runs */
};

struct pressure_case {
	char what[512];    /* the workload and the machine, one line */
	char workload[4200];
	char trace[4400];
	char wl_sets[2][64];
	const char *sets[2];
	struct workload_overrides ov;
	struct config cfg;
	int nr_runs;       /* finished runs */
	int outcome;       /* of the last run: 1 finished, 0 killed at the limit, -1 failed */
	double cpu[PRESSURE_RUNS], wall[PRESSURE_RUNS];
	struct replay_figures f; /* of the last run (replays are deterministic) */
};

/* Fill c for case k: its workload, trace name in dir and machine config. */
static int pressure_setup(struct pressure_case *c, int k, const struct pressure_opts *o, const char *dir,
			  struct sim_error *err)
{
	sim_ns_t dur = 0;
	config_parse_duration(o->duration, &dur); /* checked by cmd_bench */
	config_defaults(&c->cfg); /* 4 GiB machine, no CMA, no swap */
	c->cfg.output.sample_interval_ns = 0;
	if (k != CASE_CHURN) {
		for (size_t i = 0; i < ARRAY_SIZE(pressure_machine); i++)
			if (config_set(&c->cfg, pressure_machine[i], err))
				return -1;
		for (size_t i = 0; i < o->sets->nr; i++)
			if (config_set(&c->cfg, o->sets->v[i], err))
				return -1;
	}
	if (sim_validate(&c->cfg, err))
		return -1;
	uint64_t machine_pages = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		machine_pages += c->cfg.machine.zone_pages[z];
	c->ov.sets = c->sets;
	switch (k) {
	case CASE_CHURN:
		snprintf(c->workload, sizeof(c->workload), "%s/workloads/churn-10m.yaml", source_root());
		snprintf(c->wl_sets[0], sizeof(c->wl_sets[0]), "records=%llu", (unsigned long long)o->churn_records);
		c->ov.nr_sets = 1;
		if (o->churn_records == 10000000) /* the replay bench's trace, shared through --keep */
			snprintf(c->trace, sizeof(c->trace), "%s/churn-10m.mmt.gz", dir);
		else
			snprintf(c->trace, sizeof(c->trace), "%s/churn-10m-%llu.mmt.gz", dir,
				 (unsigned long long)o->churn_records);
		snprintf(c->what, sizeof(c->what), "workloads/churn-10m.yaml %s; default 4 GiB machine, no swap",
			 c->wl_sets[0]);
		break;
	case CASE_OVERCOMMIT:
		snprintf(c->workload, sizeof(c->workload), "%s/workloads/kbuild.yaml", source_root());
		snprintf(c->wl_sets[0], sizeof(c->wl_sets[0]), "duration=%s", o->duration);
		c->ov.nr_sets = 1;
		c->ov.has_seed = true;
		c->ov.seed = 3;
		snprintf(c->trace, sizeof(c->trace), "%s/kbuild-seed3-%lluns.mmt.gz", dir, (unsigned long long)dur);
		snprintf(c->what, sizeof(c->what), "workloads/kbuild.yaml --seed 3 --set %s", c->wl_sets[0]);
		break;
	case CASE_ANON_2X: {
		/* four tasks whose sets add up to twice the machine's present pages */
		unsigned long long kib = machine_pages * 2 / 4 * (PAGE_SIZE / 1024);
		snprintf(c->workload, sizeof(c->workload), "%s/workloads/anon_ws_2x.yaml", source_root());
		snprintf(c->wl_sets[0], sizeof(c->wl_sets[0]), "wss=%lluKiB", kib);
		snprintf(c->wl_sets[1], sizeof(c->wl_sets[1]), "duration=%s", o->duration);
		c->ov.nr_sets = 2;
		snprintf(c->trace, sizeof(c->trace), "%s/anon_ws_2x-%lluKiB-%lluns.mmt.gz", dir, kib,
			 (unsigned long long)dur);
		snprintf(c->what, sizeof(c->what), "workloads/anon_ws_2x.yaml --set tasks=4 --set %s --set %s",
			 c->wl_sets[0], c->wl_sets[1]);
		break;
	}
	}
	for (unsigned i = 0; i < c->ov.nr_sets; i++)
		c->sets[i] = c->wl_sets[i];
	if (k != CASE_CHURN) {
		size_t len = strlen(c->what);
		snprintf(c->what + len, sizeof(c->what) - len, "; %.1f MiB machine (%s, %s), swap %s",
			 (double)machine_pages * PAGE_SIZE / (1 << 20), pressure_machine[0], pressure_machine[1],
			 pressure_machine[2]);
		for (size_t i = 0; i < o->sets->nr; i++) {
			len = strlen(c->what);
			snprintf(c->what + len, sizeof(c->what) - len, ", %s", o->sets->v[i]);
		}
	}
	return 0;
}

/* Up to PRESSURE_RUNS replays of c, stopping at the first that does not finish. */
static void pressure_measure(struct pressure_case *c, const struct pressure_opts *o, const char *name,
			     struct replay_figures *shared)
{
	c->nr_runs = 0;
	for (int i = 0; i < PRESSURE_RUNS; i++) {
		printf("pressure: %s run %d of %d ...\n", name, i + 1, PRESSURE_RUNS);
		fflush(stdout);
		c->outcome = replay_limited(&c->cfg, c->trace, (double)o->limit_s, shared);
		c->f = *shared;
		if (c->outcome != 1)
			return;
		c->cpu[i] = c->f.cpu_s;
		c->wall[i] = c->f.wall_s;
		c->nr_runs++;
	}
}

static const char *verdict(bool met)
{
	return met ? "met" : "NOT MET";
}

/* Median CPU ns per record of a case that finished every run, else 0. */
static double case_ns(const struct pressure_case *c)
{
	if (c->nr_runs != PRESSURE_RUNS || !c->f.records)
		return 0;
	double cv[PRESSURE_RUNS];
	memcpy(cv, c->cpu, sizeof(cv));
	return median3(cv) * 1e9 / (double)c->f.records;
}

/* Every field of one case; ref_ns is churn's ns/record (0: unknown). */
static void pressure_print(const struct pressure_case *c, const char *name, const struct pressure_opts *o,
			   double ref_ns)
{
	const struct replay_figures *f = &c->f;
	bool finished = c->nr_runs == PRESSURE_RUNS;
	double cpu = f->cpu_s, wall = f->wall_s;
	if (finished) {
		double cv[PRESSURE_RUNS], wv[PRESSURE_RUNS];
		memcpy(cv, c->cpu, sizeof(cv));
		memcpy(wv, c->wall, sizeof(wv));
		cpu = median3(cv);
		wall = median3(wv);
	}
	const char *partial = finished ? "" : "  (up to the limit)";
	double ns = f->records ? cpu * 1e9 / (double)f->records : 0;
	printf("pressure: %-10s %-22s %s\n", name, "case", c->what);
	if (finished)
		printf("pressure: %-10s %-22s yes (%d of %d runs, limit %llu s wall each)\n", name, "finished",
		       c->nr_runs, PRESSURE_RUNS, (unsigned long long)o->limit_s);
	else if (c->outcome == 0)
		printf("pressure: %-10s %-22s no: did not finish in %llu s (run %d of %d)\n", name, "finished",
		       (unsigned long long)o->limit_s, c->nr_runs + 1, PRESSURE_RUNS);
	else
		printf("pressure: %-10s %-22s no: the replay failed (run %d of %d)\n", name, "finished",
		       c->nr_runs + 1, PRESSURE_RUNS);
	printf("pressure: %-10s %-22s %llu%s\n", name, "records", (unsigned long long)f->records, partial);
	if (finished)
		printf("pressure: %-10s %-22s %.3f  (median of %d; wall %.3f)\n", name, "cpu_s", cpu, PRESSURE_RUNS,
		       wall);
	else
		printf("pressure: %-10s %-22s %.3f  (whole child; wall %.3f)%s\n", name, "cpu_s", cpu, wall, partial);
	if (ns > 0) {
		printf("pressure: %-10s %-22s %.0f  (%.3f M)%s\n", name, "records_per_s", 1e9 / ns, 1e3 / ns, partial);
		printf("pressure: %-10s %-22s %.1f%s\n", name, "ns_per_record", ns, partial);
	} else {
		printf("pressure: %-10s %-22s n/a\n", name, "records_per_s");
		printf("pressure: %-10s %-22s n/a\n", name, "ns_per_record");
	}
	double ratio = ref_ns > 0 && ns > 0 ? ns / ref_ns : 0;
	if (ratio > 0)
		printf("pressure: %-10s %-22s %.2f%s\n", name, "ratio_to_churn", ratio, partial);
	else
		printf("pressure: %-10s %-22s n/a\n", name, "ratio_to_churn");
	if (f->reclaimed)
		printf("pressure: %-10s %-22s %.2f  (scanned %llu / reclaimed %llu)%s\n", name, "scanned_per_reclaimed",
		       (double)f->scanned / (double)f->reclaimed, (unsigned long long)f->scanned,
		       (unsigned long long)f->reclaimed, partial);
	else
		printf("pressure: %-10s %-22s n/a  (scanned %llu / reclaimed 0)%s\n", name, "scanned_per_reclaimed",
		       (unsigned long long)f->scanned, partial);
	printf("pressure: %-10s %-22s", name, "alloc_outcome");
	for (int i = 0; i < NR_OUT; i++)
		printf(" %s %llu", out_names[i], (unsigned long long)f->outcome[i]);
	printf("%s\n", partial);
	printf("pressure: %-10s %-22s %llu%s\n", name, "oom_kill", (unsigned long long)f->oom_kill, partial);
	if (!strcmp(name, case_names[CASE_CHURN]))
		return; /* the reference has no budgets */
	/* A case that did not finish misses the time budget whatever its rate so far. */
	bool ratio_met = finished && ratio > 0 && ratio <= PRESSURE_RATIO_BUDGET;
	bool scan_met = f->reclaimed ? (double)f->scanned <= PRESSURE_SCAN_BUDGET * (double)f->reclaimed
				     : f->scanned == 0;
	printf("pressure: %-10s %-22s ratio_to_churn <= %.1f: %s%s\n", name, "budget", PRESSURE_RATIO_BUDGET,
	       verdict(ratio_met), finished ? "" : " (did not finish)");
	printf("pressure: %-10s %-22s scanned_per_reclaimed <= %.1f: %s%s\n", name, "budget", PRESSURE_SCAN_BUDGET,
	       verdict(scan_met), partial);
}

static int bench_pressure(const struct pressure_opts *o)
{
	struct sim_error err = { 0 };
	char dir[4096];
	if (bench_dir(dir, sizeof(dir), o->keep))
		return EX_IOERR_;
	struct pressure_case *cases = calloc(NR_CASES, sizeof(*cases));
	/* the one block the children write into */
	struct replay_figures *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
					     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rc = 0;
	if (!cases || shared == MAP_FAILED) {
		sim_error_set(&err, EX_SOFTWARE_, "out of memory");
		rc = cli_fail(&err);
		goto out;
	}
	unsigned mask = o->mask | 1u << CASE_CHURN;
	for (int k = 0; k < NR_CASES; k++) {
		if (!(mask & 1u << k))
			continue;
		struct pressure_case *c = &cases[k];
		struct stat st;
		if (pressure_setup(c, k, o, dir, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
		if (stat(c->trace, &st) != 0) {
			printf("pressure: generating %s (%s) ...\n", c->trace, c->what);
			fflush(stdout);
			if (make_trace(c->workload, &c->ov, c->trace, &err)) {
				rc = cli_fail(&err);
				goto out;
			}
		}
	}
	printf("pressure: CPU time of the replay alone (trace read + simulation), median of %d runs, each a child "
	       "process killed after %llu s of wall time\n",
	       PRESSURE_RUNS, (unsigned long long)o->limit_s);
	for (int k = 0; k < NR_CASES; k++)
		if (mask & 1u << k)
			pressure_measure(&cases[k], o, case_names[k], shared);
	double ref_ns = case_ns(&cases[CASE_CHURN]);
	for (int k = 0; k < NR_CASES; k++) {
		if (!(mask & 1u << k))
			continue;
		pressure_print(&cases[k], case_names[k], o, ref_ns);
		if (cases[k].outcome < 0)
			rc = EX_SOFTWARE_;
	}
out:
	if (shared != MAP_FAILED)
		munmap(shared, sizeof(*shared));
	if (!o->keep && cases) {
		for (int k = 0; k < NR_CASES; k++)
			if (cases[k].trace[0])
				remove(cases[k].trace);
		rmdir(dir);
	}
	free(cases);
	return rc;
}

/* ---- simulate: the simulator alone, records already in memory ----
 *
 * The trace is read once into an array; each timed run replays the array through a fresh
 * node, so the figure is the simulator's cost per record without inflate or decode. */

/* Every record of path into *a (freed by the caller); -1 with err set on a read error. */
static int load_records(const char *path, struct sim_record_array *a, struct sim_error *err)
{
	struct trace_reader *r = trace_open(path, err);
	if (!r)
		return -1;
	int got = sim_record_array_load(r, a, err);
	trace_close(r);
	return got < 0 ? -1 : 0;
}

/* Replay the array through a fresh node of cfg: CPU seconds, wall seconds in *wall. */
static double time_simulate(const struct config *cfg, struct sim_record_array *a, double *wall, struct sim_error *err)
{
	a->pos = 0;
	struct record_source src = { .next = sim_record_array_next, .ctx = a };
	return time_sim_run(cfg, &src, NULL, wall, err);
}

/* The churn-10m trace in dir (generated when missing) into path. */
static int churn_trace(const char *dir, char *path, size_t size, struct sim_error *err)
{
	char wl[4200];
	snprintf(path, size, "%s/churn-10m.mmt.gz", dir);
	snprintf(wl, sizeof(wl), "%s/workloads/churn-10m.yaml", source_root());
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;
	printf("simulate: generating %s from %s ...\n", path, wl);
	fflush(stdout);
	return make_trace(wl, NULL, path, err);
}

/* The churn-10m records in memory (generated into the bench directory if missing; a
 * temporary one is removed once read): what the simulate-only benchmarks replay.  0, or
 * the exit status after the error is said. */
static int churn_records(const char *keep_dir, struct sim_record_array *a)
{
	struct sim_error err = { 0 };
	char dir[4096], trace[4200];
	if (bench_dir(dir, sizeof(dir), keep_dir))
		return EX_IOERR_;
	int rc = churn_trace(dir, trace, sizeof(trace), &err) || load_records(trace, a, &err);
	if (!keep_dir) {
		remove(trace);
		rmdir(dir);
	}
	return rc ? cli_fail(&err) : 0;
}

static int bench_simulate(const char *keep_dir)
{
	struct sim_error err = { 0 };
	struct sim_record_array a;
	int rc = churn_records(keep_dir, &a);
	if (rc)
		return rc;
	static struct config cfg;
	config_defaults(&cfg); /* 4 GiB machine, no CMA */
	cfg.output.sample_interval_ns = 0;
	double t[3], w[3];
	for (int i = 0; i < 3; i++)
		if ((t[i] = time_simulate(&cfg, &a, &w[i], &err)) < 0)
			return cli_fail(&err);
	double c = median3(t), cw = median3(w);
	printf("simulate: %llu records in memory, 4 GiB machine (median of 3, CPU time)\n", (unsigned long long)a.n);
	printf("simulate: %.3f s  %.1f M records/s  %.1f ns/record   (budget <= 45 ns/record)  [wall %.3f s]\n", c,
	       (double)a.n / c / 1e6, c * 1e9 / (double)a.n, cw);
	free(a.v);
	return 0;
}

/* ---- scale: the churn replay on 4, 64 and 256 GiB machines ----
 *
 * The same records (in memory) through the default machine with its Normal zone grown to
 * the size: simulate-only ns/record and its ratio to the 4 GiB figure (budget: the 256 GiB
 * rate >= 0.8x the 4 GiB rate), the bytes of node state per present page (page frames,
 * pageblocks, object table) and the peak RSS the node adds to the process (budget: RSS
 * proportional to memory, <= 16 B per page of state). */

/* A "Key:   N kB" line of /proc/self/status, in KiB; -1 when missing. */
static long proc_status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* Start a new peak-RSS measurement (VmHWM falls back to the current RSS). */
static void reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static void machine_of_size(struct config *cfg, uint64_t gib)
{
	config_defaults(cfg);
	cfg->output.sample_interval_ns = 0;
	uint64_t pages = gib << (30 - 12);
	cfg->machine.zone_pages[ZONE_NORMAL] =
		pages - cfg->machine.zone_pages[ZONE_DMA] - cfg->machine.zone_pages[ZONE_DMA32];
}

/* Bytes of node state per present page once a node of cfg is built. */
static double state_bytes_per_page(const struct config *cfg, struct sim_error *err)
{
	struct mm *mm = calloc(1, sizeof(*mm));
	struct engine *e = calloc(1, sizeof(*e));
	double v = -1;
	if (!mm || !e)
		abort();
	engine_init(e);
	if (!mm_init(mm, cfg, e, err)) {
		uint64_t pages = 0, blocks = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			pages += mm->zones[i].present;
			blocks += mm->zones[i].spanned >> mm->pageblock_order;
		}
		v = (double)((uint64_t)mm->nr_pages * sizeof(struct page_frame) + blocks * sizeof(struct pageblock) +
			     (uint64_t)mm->objs.cap * sizeof(struct obj_slot)) /
		    (double)pages;
		mm_destroy(mm);
	}
	engine_destroy(e);
	free(e);
	free(mm);
	return v;
}

/* The state budget on a 64 GiB machine (16 MiB DMA, ~3 GiB DMA32, the rest Normal): bytes
 * of node state per page, and the peak RSS of building the node. */
static int bench_state(void)
{
	static struct config cfg;
	machine_of_size(&cfg, 64);
	struct sim_error err;
	double bpp = state_bytes_per_page(&cfg, &err);
	if (bpp < 0)
		return cli_fail(&err);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("state: page_frame %zu B; per simulated page (frames + pageblocks + empty object table) %.2f B"
	       "   (budget <= 16)\n",
	       sizeof(struct page_frame), bpp);
	printf("state: object table %zu B per slot (the reclaim side entry included): a window of up to %d slots"
	       " per live object, an overflow hash at <= 70%% load\n",
	       sizeof(struct obj_slot), 8);
	printf("state: 64 GiB machine (%llu pages): peak RSS %.1f MiB   (budget <= 512)\n",
	       (unsigned long long)(64ull << (30 - 12)), (double)ru.ru_maxrss / 1024.0);
	return 0;
}

static int bench_scale(const char *keep_dir)
{
	static const uint64_t sizes[] = { 4, 64, 256 };
	struct sim_error err = { 0 };
	struct sim_record_array a;
	int rc = churn_records(keep_dir, &a);
	if (rc)
		return rc;
	printf("scale: churn-10m, %llu records in memory, simulate-only (median of 3, CPU time)\n",
	       (unsigned long long)a.n);
	double ns4 = 0;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		static struct config cfg;
		machine_of_size(&cfg, sizes[k]);
		double bpp = state_bytes_per_page(&cfg, &err);
		if (bpp < 0)
			return cli_fail(&err);
		reset_peak_rss();
		long rss0 = proc_status_kb("VmRSS");
		double t[3], w[3];
		for (int i = 0; i < 3; i++)
			if ((t[i] = time_simulate(&cfg, &a, &w[i], &err)) < 0)
				return cli_fail(&err);
		long peak = proc_status_kb("VmHWM");
		double ns = median3(t) * 1e9 / (double)a.n;
		if (k == 0)
			ns4 = ns;
		printf("scale: %4llu GiB  %6.1f ns/record  rate %.2fx the 4 GiB rate  state %.2f B/page"
		       "  peak RSS +%.1f MiB (%.2f B/page)\n",
		       (unsigned long long)sizes[k], ns, ns4 / ns, bpp, (double)(peak - rss0) / 1024.0,
		       (double)(peak - rss0) * 1024.0 / (double)(sizes[k] << (30 - 12)));
	}
	printf("scale: budget: 256 GiB rate >= 0.8x the 4 GiB rate; state <= 16 B/page\n");
	free(a.v);
	return 0;
}

/* ---- compaction: compact_node cost against zone size ----
 *
 * A Normal zone of 1, 2, 4, 8 and 64 GiB filled with order-0 movable pages (reclaim off, so
 * the fill ends when the zone is full instead of evicting what it allocated), every page
 * on an odd pfn freed (every pageblock half full, no free block above order 0); then one
 * compact_node (order -1, whole zone) is timed.  Median of 5 builds (1 at 64 GiB), CPU
 * time; the ratio per doubling has a budget of 2.2 (linear cost), and the 64 GiB figure
 * is given per doubling from 8 GiB (the cube root of its ratio). */

static double compact_once(uint64_t gib, uint64_t *scanned, uint64_t *migrated, struct sim_error *err)
{
	static struct config cfg;
	config_defaults(&cfg);
	memset(cfg.machine.zone_pages, 0, sizeof(cfg.machine.zone_pages));
	cfg.machine.zone_pages[ZONE_NORMAL] = gib << (30 - 12);
	struct mm *mm = calloc(1, sizeof(*mm));
	struct engine *e = calloc(1, sizeof(*e));
	double t = -1;
	if (!mm || !e)
		abort();
	engine_init(e);
	if (!mm_init(mm, &cfg, e, err)) {
		mm->hooks.direct_reclaim = NULL; /* the fill must end when the zone is full */
		mm->hooks.wakeup_kswapd = NULL;
		for (uint64_t id = 1;; id++)
			if (mm_alloc(mm, id, GFP_HIGHUSER_MOVABLE, 0) == PFN_NONE)
				break;
		for (pfn_t pfn = 1; pfn < mm->nr_pages; pfn += 2)
			if (mm->pages[pfn].flags & PF_HEAD)
				mm_free(mm, mm->objs.slots[mm->pages[pfn].owner].id);
		memset(mm->vm_events, 0, sizeof(mm->vm_events));
		double c0 = cpu_s(RUSAGE_SELF);
		compaction_compact_node(mm, NULL, ZONE_NORMAL, -1);
		t = cpu_s(RUSAGE_SELF) - c0;
		*scanned = mm->vm_events[VM_COMPACT_MIGRATE_SCANNED] + mm->vm_events[VM_COMPACT_FREE_SCANNED];
		*migrated = mm->vm_events[VM_PGMIGRATE_SUCCESS];
		mm_destroy(mm);
	}
	engine_destroy(e);
	free(e);
	free(mm);
	return t;
}

/* ---- crossing: the wall time a user waits for a whole CMA experiment ----
 *
 * `mmsim sweep configs/sweeps/cma-utilisation.yaml -j 2` (every policy variant x placement x
 * machine state x 5 seeds) into a fresh directory, as `configs/cma/run.sh utilisation` runs
 * it: wall time, the children's CPU time, and runs per minute (budget: under 5 minutes on a
 * 2-core machine). */
static int bench_crossing(const char *keep_dir)
{
	char dir[4096], plan[4200], out[4300], self[4096];
	if (bench_dir(dir, sizeof(dir), keep_dir))
		return EX_IOERR_;
	snprintf(plan, sizeof(plan), "%s/configs/sweeps/cma-utilisation.yaml", source_root());
	snprintf(out, sizeof(out), "%s/crossing", dir);
	/* A kept directory may hold an earlier crossing: the sweep would resume it and time
	 * nothing.  The measurement is of a fresh sweep. */
	char rm[4400];
	snprintf(rm, sizeof(rm), "rm -rf '%s'", out);
	if (system(rm)) {
		fprintf(stderr, "mmsim bench: could not remove the earlier crossing %s\n", out);
		return EX_CANTCREAT_;
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		perror("mmsim bench: /proc/self/exe");
		return EX_OSERR_;
	}
	self[n] = 0;
	struct sim_error err = { 0 };
	struct plan pl;
	if (plan_load(&pl, plan, &err))
		return cli_fail(&err);
	unsigned runs = pl.nr_units;
	plan_free(&pl);
	printf("crossing: %s: %u runs, -j 2 ...\n", plan, runs);
	fflush(stdout);
	double c0 = cpu_s(RUSAGE_CHILDREN), t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("mmsim bench: fork");
		return EX_OSERR_;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execl(self, self, "sweep", plan, "-o", out, "-j", "2", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	double wall = now_s() - t0, cpu = cpu_s(RUSAGE_CHILDREN) - c0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "mmsim bench: the crossing sweep failed (status %d); its log: %s/logs\n", status, out);
		return EX_SOFTWARE_;
	}
	printf("crossing: CMA experiment 1, %u runs with -j 2: %.1f s wall (budget 300 s), %.1f CPU-s, "
	       "%.1f runs/min\n", runs, wall, cpu, runs / wall * 60);
	if (!keep_dir) {
		char cmd[4400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "mmsim bench: could not remove %s\n", dir);
	}
	return 0;
}

static int bench_compaction(void)
{
	static const uint64_t sizes[] = { 1, 2, 4, 8, 64 };
	struct sim_error err = { 0 };
	double prev = 0, worst = 0;
	printf("compaction: compact_node of a half-full zone (order-0 holes), CPU time, median of 5 (1 at 64 GiB)\n");
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int reps = sizes[k] > 8 ? 1 : 5;
		double t[5];
		uint64_t scanned = 0, migrated = 0;
		for (int i = 0; i < reps; i++)
			if ((t[i] = compact_once(sizes[k], &scanned, &migrated, &err)) < 0)
				return cli_fail(&err);
		qsort(t, (size_t)reps, sizeof(t[0]), cmp_double);
		double s = t[reps / 2];
		double ratio = 0;
		if (prev > 0)
			ratio = sizes[k] / sizes[k - 1] == 2 ? s / prev : pow(s / prev, 1.0 / 3.0);
		if (ratio > worst)
			worst = ratio;
		printf("compaction: %3llu GiB  %.4f s  scanned %llu  migrated %llu  %.1f M pfns/s  per doubling %.2f\n",
		       (unsigned long long)sizes[k], s, (unsigned long long)scanned, (unsigned long long)migrated,
		       (double)scanned / s / 1e6, ratio);
		prev = s;
	}
	printf("compaction: worst time ratio per doubling %.2f (budget <= 2.2): %s\n", worst,
	       worst <= 2.2 ? "met" : "NOT MET");
	return 0;
}

/* ---- read: the trace reader and import against zcat (bench/README.md "read") ----
 *
 * Three clocks for each figure: the CPU time of the calling thread (with a reader thread, the
 * critical path: the simulation's own work plus its waits for records are not CPU), the CPU
 * time of the whole process (every thread), and wall time.  On a shared machine CPU time is
 * the figure; wall time only means something on an idle one. */

struct read_times {
	double thread_s, process_s, wall_s;
};

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void read_times_start(struct read_times *t)
{
	t->thread_s = thread_cpu_s();
	t->process_s = cpu_s(RUSAGE_SELF);
	t->wall_s = now_s();
}

static void read_times_stop(struct read_times *t)
{
	t->thread_s = thread_cpu_s() - t->thread_s;
	t->process_s = cpu_s(RUSAGE_SELF) - t->process_s;
	t->wall_s = now_s() - t->wall_s;
}

/* Medians of three runs, clock by clock. */
static struct read_times read_median(struct read_times v[3])
{
	double a[3], b[3], c[3];
	for (int i = 0; i < 3; i++) {
		a[i] = v[i].thread_s;
		b[i] = v[i].process_s;
		c[i] = v[i].wall_s;
	}
	return (struct read_times){ median3(a), median3(b), median3(c) };
}

/* A shell command's CPU time (its children's rusage) and wall time; -1 if it failed. */
static int time_command(const char *cmd, struct read_times *t)
{
	double c0 = cpu_s(RUSAGE_CHILDREN), t0 = now_s();
	int rc = system(cmd);
	t->wall_s = now_s() - t0;
	t->process_s = t->thread_s = cpu_s(RUSAGE_CHILDREN) - c0;
	return rc == 0 ? 0 : -1;
}

/* Every record of path, nothing done with them; threads as MMSIM_TRACE_THREADS. */
static int time_read_only(const char *path, const char *threads, uint64_t *n, struct read_times *t,
			  struct sim_error *err)
{
	setenv("MMSIM_TRACE_THREADS", threads, 1);
	read_times_start(t);
	struct trace_reader *r = trace_open(path, err);
	if (!r)
		return -1;
	struct trace_record rec;
	int got;
	*n = 0;
	while ((got = trace_read(r, &rec, err)) == 1)
		++*n;
	trace_close(r);
	read_times_stop(t);
	return got;
}

/* Replay path through a fresh node; threads as MMSIM_TRACE_THREADS. */
static int time_full_replay(const struct config *cfg, const char *path, const char *threads, uint64_t *n,
			    struct read_times *t, struct sim_error *err)
{
	setenv("MMSIM_TRACE_THREADS", threads, 1);
	struct sim *s = calloc(1, sizeof(*s));
	int got = -1;
	if (!s)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (sim_init(s, cfg, NULL, err)) {
		free(s);
		return -1;
	}
	read_times_start(t);
	struct trace_reader *r = trace_open(path, err);
	if (r) {
		struct record_source src = { .next = next_record, .next_run = next_record_run, .ctx = r };
		got = sim_run(s, &src, err);
		*n = s->nr_records;
		trace_close(r);
	}
	read_times_stop(t);
	sim_destroy(s);
	free(s);
	return got;
}

static void read_print(const char *what, uint64_t n, const struct read_times *t, const struct read_times *zcat,
		       const struct read_times *gzip)
{
	printf("read: %-24s %.3f s  %6.2f M records/s  %6.1f ns/record  x zcat %.2f  x gzip -dc %.2f"
	       "   [all threads %.3f s (x zcat %.2f); wall %.3f s (x zcat %.2f)]\n",
	       what, t->thread_s, (double)n / t->thread_s / 1e6, t->thread_s * 1e9 / (double)n,
	       t->thread_s / zcat->process_s, t->thread_s / gzip->process_s, t->process_s,
	       t->process_s / zcat->process_s, t->wall_s, t->wall_s / zcat->wall_s);
}

static int bench_read_trace(const char *keep_dir, const char *given)
{
	struct sim_error err = { 0 };
	char dir[4096], trace[4200], wl[4200], cmd[4500];
	if (bench_dir(dir, sizeof(dir), keep_dir))
		return EX_IOERR_;
	if (given) {
		snprintf(trace, sizeof(trace), "%s", given);
	} else {
		snprintf(trace, sizeof(trace), "%s/churn-10m.mmt.gz", dir);
		snprintf(wl, sizeof(wl), "%s/workloads/churn-10m.yaml", source_root());
	}
	struct stat st;
	if (stat(trace, &st) != 0) {
		if (given) {
			fprintf(stderr, "mmsim bench: %s: cannot read\n", trace);
			return EX_NOINPUT_;
		}
		printf("read: generating %s from %s ...\n", trace, wl);
		fflush(stdout);
		if (make_trace(wl, NULL, trace, &err))
			return cli_fail(&err);
		stat(trace, &st);
	}
	static struct config cfg;
	config_defaults(&cfg); /* 4 GiB machine, no CMA */
	cfg.output.sample_interval_ns = 0;
	const char *saved = getenv("MMSIM_TRACE_THREADS");
	char saved_copy[32];
	snprintf(saved_copy, sizeof(saved_copy), "%s", saved ? saved : "");
	enum { ZCAT, GZIP, READ0, READ1, REPLAY0, REPLAY1, NR_READ };
	struct read_times v[NR_READ][3];
	uint64_t n = 0, nr[NR_READ] = { 0 };
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++) {
		snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", trace);
		if (time_command(cmd, &v[ZCAT][i]))
			rc = sim_error_set(&err, EX_SOFTWARE_, "zcat failed on %s", trace);
		snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > /dev/null", trace);
		if (!rc && time_command(cmd, &v[GZIP][i]))
			rc = sim_error_set(&err, EX_SOFTWARE_, "gzip -dc failed on %s", trace);
		if (!rc && (time_read_only(trace, "0", &nr[READ0], &v[READ0][i], &err) ||
			    time_read_only(trace, "1", &nr[READ1], &v[READ1][i], &err) ||
			    time_full_replay(&cfg, trace, "0", &nr[REPLAY0], &v[REPLAY0][i], &err) ||
			    time_full_replay(&cfg, trace, "1", &nr[REPLAY1], &v[REPLAY1][i], &err)))
			rc = -1;
	}
	if (saved)
		setenv("MMSIM_TRACE_THREADS", saved_copy, 1);
	else
		unsetenv("MMSIM_TRACE_THREADS");
	if (rc)
		return cli_fail(&err);
	n = nr[READ0];
	struct read_times m[NR_READ];
	for (int k = 0; k < NR_READ; k++)
		m[k] = read_median(v[k]);
	/* blocked (FORMAT.md §3.1) when the first member carries the "MB" subfield */
	unsigned char head[16] = { 0 };
	FILE *fp = fopen(trace, "rb");
	if (fp) {
		if (fread(head, 1, sizeof(head), fp) != sizeof(head))
			memset(head, 0, sizeof(head));
		fclose(fp);
	}
	bool blocked = !memcmp(head, "\x1f\x8b\x08\x04", 4) && head[12] == 'M' && head[13] == 'B';
	printf("read: %s: %llu records, %.1f MiB compressed, %s; inflater %s; median of 3; first figure:\n"
	       "read: CPU time of the calling thread (the critical path), x zcat / x gzip -dc: over their CPU time\n",
	       trace, (unsigned long long)n, (double)st.st_size / (1 << 20),
	       blocked ? "blocked gzip" : "one gzip stream", trace_block_inflater_name());
	printf("read: %-24s %.3f s  [wall %.3f s]\n", "zcat", m[ZCAT].process_s, m[ZCAT].wall_s);
	printf("read: %-24s %.3f s  [wall %.3f s]\n", "gzip -dc", m[GZIP].process_s, m[GZIP].wall_s);
	read_print("read only, one thread", n, &m[READ0], &m[ZCAT], &m[GZIP]);
	read_print("read only, reader thread", n, &m[READ1], &m[ZCAT], &m[GZIP]);
	read_print("replay, one thread", nr[REPLAY0], &m[REPLAY0], &m[ZCAT], &m[GZIP]);
	read_print("replay, reader thread", nr[REPLAY1], &m[REPLAY1], &m[ZCAT], &m[GZIP]);
	if (!keep_dir && !given) {
		remove(trace);
		rmdir(dir);
	}
	return 0;
}

/* Lines of a (gzip) text file, and nothing else done. */
static uint64_t count_lines(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	static char buf[1 << 16];
	uint64_t lines = 0;
	int n;
	while (gz && (n = gzread(gz, buf, sizeof(buf))) > 0)
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
			lines++;
	if (gz)
		gzclose(gz);
	return lines;
}

/* `mmsim import` of the shared compile-thp capture, in this process, against zcat of it. */
static int bench_read_import(const char *keep_dir)
{
	char capture[4200], dir[4096], out[4300], cmd[4500];
	snprintf(capture, sizeof(capture), "%s/tests/data/real/compile-thp/report.txt.gz", source_root());
	struct stat st;
	if (stat(capture, &st) != 0) {
		printf("import: %s missing: skipped\n", capture);
		return 0;
	}
	if (bench_dir(dir, sizeof(dir), keep_dir))
		return EX_IOERR_;
	snprintf(out, sizeof(out), "%s/compile-thp.mmt.gz", dir);
	uint64_t lines = count_lines(capture);
	struct read_times z[3], im[3];
	fflush(NULL);
	int saved_err = dup(2), devnull = open("/dev/null", O_WRONLY);
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++) {
		snprintf(cmd, sizeof(cmd), "zcat '%s' > /dev/null", capture);
		if (time_command(cmd, &z[i])) {
			rc = EX_SOFTWARE_;
			break;
		}
		char *argv[] = { "import", capture, "-o", out, NULL };
		dup2(devnull, 2); /* its reconciliation summary */
		read_times_start(&im[i]);
		rc = cmd_import(4, argv);
		read_times_stop(&im[i]);
		fflush(stderr);
		dup2(saved_err, 2);
	}
	close(devnull);
	close(saved_err);
	if (rc) {
		fprintf(stderr, "mmsim bench: import of %s failed (%d)\n", capture, rc);
		return rc;
	}
	struct read_times zm = read_median(z), m = read_median(im);
	printf("import: %s: %llu lines, %.1f MiB; median of 3, CPU time of the calling thread\n", capture,
	       (unsigned long long)lines, (double)st.st_size / (1 << 20));
	printf("import: %.3f s  %.2f M lines/s  x zcat %.2f   (budget >= 3 M lines/s, <= 1.2x zcat)"
	       "   [zcat %.3f s; all threads %.3f s (x zcat %.2f); wall %.3f s (x zcat %.2f)]\n",
	       m.thread_s, (double)lines / m.thread_s / 1e6, m.thread_s / zm.process_s, zm.process_s, m.process_s,
	       m.process_s / zm.process_s, m.wall_s, m.wall_s / zm.wall_s);
	if (!keep_dir) {
		remove(out);
		rmdir(dir);
	}
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	const char *which = NULL, *keep = NULL, *duration = NULL, *read_trace = NULL;
	bool quick = false;
	uint64_t churn_records = 0, limit_s = 0;
	struct cli_list sets;
	struct cli_opt opts[] = {
		{ "keep", 0, CLI_STR, &keep, "DIR", "keep (and reuse) the generated traces in DIR" },
		{ "quick", 0, CLI_FLAG, &quick, NULL,
		  "pressure: small sizes for a smoke test (--duration 100ms --churn-records 100000\n"
		  "--timeout 60 unless given)" },
		{ "duration", 0, CLI_STR, &duration, "T", "pressure: simulated time of the kbuild and anon_ws workloads (3s)" },
		{ "churn-records", 0, CLI_U64, &churn_records, "N", "pressure: records of the churn reference (10000000)",
		  .min = 1 },
		{ "timeout", 0, CLI_U64, &limit_s, "S", "pressure: wall-clock limit of one replay, in seconds (120)",
		  .min = 1, .max = 86400 },
		{ "set", 0, CLI_LIST, &sets, "KEY=VALUE", "pressure: override a config key of the pressure machine" },
		{ "trace", 0, CLI_STR, &read_trace, "FILE", "read: the trace to read and replay (default: churn-10m, generated)" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "bench", .synopsis = "[replay|simulate|scale|compaction|crossing|state|read|pressure|overcommit|anon-2x]", .nr_pos_max = 1,
		.opts = opts,
		.about = "Runs the architecture.md §9 benchmarks and prints their figures (medians of 3).\n"
			 "pressure runs the churn reference, overcommit and anon-2x (bench/README.md);\n"
			 "overcommit or anon-2x runs that case and the reference; read: the trace reader\n"
			 "and import against zcat (bench/README.md).  Without a name: all.\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop >= 0)
		return stop;
	struct pressure_opts po = {
		.keep = keep,
		.duration = duration ? duration : quick ? "100ms" : "3s",
		.churn_records = cli_seen(&spec, "churn-records") ? churn_records : quick ? 100000 : 10000000,
		.limit_s = cli_seen(&spec, "timeout") ? limit_s : quick ? 60 : 120,
		.sets = &sets,
	};
	which = pos.nr ? pos.v[0] : NULL;
	bool all = !which;
	int rc = 0;
	sim_ns_t dur;
	if (config_parse_duration(po.duration, &dur) || dur == 0) {
		fprintf(stderr, "mmsim bench: --duration %s: not a positive duration such as 3s or 100ms\n",
			po.duration);
		rc = EX_USAGE_;
		goto out;
	}
	if (all || !strcmp(which, "pressure"))
		po.mask = 1u << CASE_OVERCOMMIT | 1u << CASE_ANON_2X;
	for (int k = CASE_OVERCOMMIT; which && k < NR_CASES; k++)
		if (!strcmp(which, case_names[k]))
			po.mask = 1u << k;
	if (!all && !po.mask && strcmp(which, "state") && strcmp(which, "replay") && strcmp(which, "read") &&
	    strcmp(which, "simulate") && strcmp(which, "scale") && strcmp(which, "compaction") &&
	    strcmp(which, "crossing")) {
		fprintf(stderr, "mmsim bench: unknown benchmark '%s'\n", which);
		rc = EX_USAGE_;
		goto out;
	}
	if (all || !strcmp(which, "state"))
		rc |= bench_state();
	if (all || !strcmp(which, "replay"))
		rc |= bench_replay(keep);
	if (all || !strcmp(which, "read")) {
		rc |= bench_read_trace(keep, read_trace);
		rc |= bench_read_import(keep);
	}
	if (all || !strcmp(which, "simulate"))
		rc |= bench_simulate(keep);
	if (all || !strcmp(which, "scale"))
		rc |= bench_scale(keep);
	if (all || !strcmp(which, "compaction"))
		rc |= bench_compaction();
	if (all || !strcmp(which, "crossing"))
		rc |= bench_crossing(keep);
	if (po.mask)
		rc |= bench_pressure(&po);
out:
	cli_free(&spec, &pos); /* which and the options point into its lists */
	return rc;
}
