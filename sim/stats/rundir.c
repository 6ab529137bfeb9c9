/* rundir.c — writing a run directory, every file atomically (layout in rundir.h). */
#include "rundir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "procfs.h"
#include "summary.h"

int rundir_create(const char *dir, struct sim_error *err)
{
	char path[4096];
	size_t len = strlen(dir);
	if (!len || len >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s: bad output directory name", dir);
	memcpy(path, dir, len + 1);
	/* Create each prefix in turn; existing ones are fine (mkdir -p). */
	for (char *p = path + 1;; p++) {
		bool end = *p == '\0';
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return sim_error_set(err, EX_IOERR_, "%s: cannot create directory: %s", path, strerror(errno));
		if (end)
			break;
		*p = '/';
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return sim_error_set(err, EX_IOERR_, "%s: not a directory", dir);
	return 0;
}

/* What a run (finished, failed or killed) leaves in its directory: a directory holding
 * only these (and *.tmp.* leftovers) is one mmsim made and may be replaced whole. */
static const char *const rundir_names[] = {
	"summary.json", "buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo",
	"timeseries.tsv", "latency.tsv", "snapshots", NULL,
};

int rundir_begin(struct atomic_dir *ad, const char *dir, struct sim_error *err)
{
	return atomic_dir_open(ad, dir, rundir_names, err);
}

/* A writer of one file's content. */
struct file_writer {
	void (*fn)(FILE *fp, const void *arg);
	const void *arg;
};

static int write_file(const char *dir, const char *name, struct file_writer w, struct sim_error *err)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s/%s: path too long", dir, name);
	struct atomic_file af;
	FILE *fp = atomic_open(&af, path, err);
	if (!fp)
		return -1;
	w.fn(fp, w.arg);
	return atomic_commit(&af, err);
}

static void buddyinfo(FILE *fp, const void *mm) { procfs_write_buddyinfo(fp, mm); }
static void pagetypeinfo(FILE *fp, const void *mm) { procfs_write_pagetypeinfo(fp, mm); }
static void vmstat(FILE *fp, const void *mm) { procfs_write_vmstat(fp, mm); }
static void zoneinfo(FILE *fp, const void *mm) { procfs_write_zoneinfo(fp, mm); }
static void summary(FILE *fp, const void *in) { summary_write(fp, in); }

static void latency(FILE *fp, const void *lat)
{
	if (lat) {
		latency_write_tsv(fp, lat);
		return;
	}
	struct alloc_latency empty;
	latency_init(&empty);
	latency_write_tsv(fp, &empty);
}

static int write_procfs(const char *dir, const struct mm *mm, struct sim_error *err)
{
	static const struct {
		const char *name;
		void (*fn)(FILE *, const void *);
	} files[] = {
		{ "buddyinfo", buddyinfo },
		{ "pagetypeinfo", pagetypeinfo },
		{ "vmstat", vmstat },
		{ "zoneinfo", zoneinfo },
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (write_file(dir, files[i].name, (struct file_writer){ files[i].fn, mm }, err))
			return -1;
	return 0;
}

int rundir_timeseries_open(struct timeseries *ts, const char *dir, const struct mm *mm,
			   struct sim_error *err)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/timeseries.tsv", dir) >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s: path too long", dir);
	return timeseries_open(ts, path, mm, err);
}

/* The allocation outcomes so far (summary.json's alloc_outcome, without the totals), so
 * that the requests between two snapshots can be told apart: class, outcome, count. */
static void alloc_outcomes(FILE *fp, const void *arg)
{
	const struct mm *mm = arg;
	fputs("class\toutcome\tcount\n", fp);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++)
		for (int o = 0; o < NR_ALLOC_OUTCOMES; o++)
			fprintf(fp, "%s\t%s\t%llu\n", alloc_class_names[c], alloc_outcome_names[o],
				(unsigned long long)mm->alloc_outcome[c][o]);
}

int rundir_snapshot(const char *dir, const char *tag, sim_ns_t now_ns, const struct mm *mm,
		    struct sim_error *err)
{
	/* The tag comes from a trace: keep it to one harmless path component. */
	char safe[64];
	size_t n = 0;
	for (const char *p = tag ? tag : ""; *p && n + 1 < sizeof(safe); p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '-' || (c == '.' && n > 0);
		safe[n++] = ok ? c : '_';
	}
	safe[n] = '\0';
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/snapshots/%s-%llu", dir, n ? safe : "snapshot",
			     (unsigned long long)now_ns) >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s: path too long", dir);
	if (rundir_create(path, err))
		return -1;
	if (write_file(path, "alloc_outcome.tsv", (struct file_writer){ alloc_outcomes, mm }, err))
		return -1;
	return write_procfs(path, mm, err);
}

int rundir_write(const struct rundir_output *out, struct sim_error *err)
{
	size_t nr_victims = 0;
	const struct oom_victim *victims = oom_victims(out->mm, &nr_victims);
	const struct summary_input in = {
		.mm = out->mm,
		.cfg = out->cfg,
		.write_config = out->write_config,
		.seed = out->seed,
		.elapsed_ns = out->elapsed_ns,
		.records = out->records,
		.records_skipped_killed = out->records_skipped_killed,
		.records_unissued = out->records_unissued,
		.oom_victims = victims,
		.nr_oom_victims = nr_victims,
		.latency = out->latency,
		.trace = out->trace,
	};
	if (rundir_create(out->dir, err))
		goto err;
	if (write_file(out->dir, "summary.json", (struct file_writer){ summary, &in }, err))
		goto err;
	if (write_procfs(out->dir, out->mm, err))
		goto err;
	if (write_file(out->dir, "latency.tsv", (struct file_writer){ latency, out->latency }, err))
		goto err;
	if (out->ts)
		return timeseries_commit(out->ts, err);
	struct timeseries ts;
	if (rundir_timeseries_open(&ts, out->dir, out->mm, err))
		return -1;
	timeseries_sample(&ts, out->mm, out->elapsed_ns);
	return timeseries_commit(&ts, err);
err:
	if (out->ts)
		timeseries_abort(out->ts);
	return -1;
}
