/* rundir.c — writing a run directory, every file atomically (layout in rundir.h). */
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "runset.h"
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

/* Is name something a run (finished, failed or killed) leaves in its directory? */
static bool rundir_own_name(const char *name)
{
	static const char *const names[] = {
		"summary.json", "buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo",
		"timeseries.tsv", "latency.tsv", "snapshots",
	};
	if (!strcmp(name, ".") || !strcmp(name, "..") || strstr(name, ".tmp."))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* 0 if dir is absent or a directory holding nothing but run-directory files (one mmsim
 * made, or an empty one); otherwise EX_CANTCREAT_: it is not ours to replace. */
static int rundir_replaceable(const char *dir, struct sim_error *err)
{
	struct stat st;
	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return sim_error_set(err, EX_CANTCREAT_, "%s: cannot inspect output directory: %s", dir,
				     strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return sim_error_set(err, EX_CANTCREAT_, "%s: exists and is not a directory; refusing to replace it",
				     dir);
	DIR *d = opendir(dir);
	if (!d)
		return sim_error_set(err, EX_CANTCREAT_, "%s: cannot read output directory: %s", dir,
				     strerror(errno));
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (!rundir_own_name(e->d_name)) {
			rc = sim_error_set(err, EX_CANTCREAT_,
					   "%s: holds '%s', which no run writes; refusing to replace the directory",
					   dir, e->d_name);
			break;
		}
	closedir(d);
	return rc;
}

int rundir_begin(const char *dir, char *tmp, size_t tmp_size, struct sim_error *err)
{
	char path[4096];
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--; /* "out/" names the directory out */
	if (!len || len >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s: bad output directory name", dir);
	memcpy(path, dir, len);
	path[len] = '\0';
	if ((size_t)snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid()) >= tmp_size)
		return sim_error_set(err, EX_IOERR_, "%s: path too long", dir);
	if (rundir_replaceable(path, err))
		return -1;
	char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		*slash = '\0';
		if (rundir_create(path, err))
			return -1;
	}
	struct stat st;
	if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
		runset_rm_rf(tmp); /* left by an earlier process that had our pid */
	if (mkdir(tmp, 0777) != 0)
		return sim_error_set(err, EX_IOERR_, "%s: cannot create directory: %s", tmp, strerror(errno));
	return 0;
}

int rundir_commit(const char *tmp, const char *dir, struct sim_error *err)
{
	char path[4096];
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len >= sizeof(path))
		return sim_error_set(err, EX_IOERR_, "%s: path too long", dir);
	memcpy(path, dir, len);
	path[len] = '\0';
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EEXIST && errno != EINVAL && errno != ENOSYS)
		return sim_error_set(err, EX_IOERR_, "%s: cannot rename %s into place: %s", path, tmp,
				     strerror(errno));
	/* Something is there: check again (it may have changed during the run), then swap
	 * the whole directory in at once; the old one, now at tmp, is removed after. */
	if (rundir_replaceable(path, err))
		return -1;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		runset_rm_rf(tmp);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS) /* e.g. a file system without the exchange */
		return sim_error_set(err, EX_IOERR_, "%s: cannot rename %s into place: %s", path, tmp,
				     strerror(errno));
	char old[4200];
	snprintf(old, sizeof(old), "%s.old", tmp);
	if (rename(path, old) != 0 && errno != ENOENT)
		return sim_error_set(err, EX_IOERR_, "%s: cannot move the previous run aside: %s", path,
				     strerror(errno));
	if (rename(tmp, path) != 0)
		return sim_error_set(err, EX_IOERR_, "%s: cannot rename %s into place: %s", path, tmp,
				     strerror(errno));
	runset_rm_rf(old);
	return 0;
}

void rundir_abort(const char *tmp)
{
	struct stat st;
	if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
		runset_rm_rf(tmp);
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
	return write_procfs(path, mm, err);
}

int rundir_write(const struct rundir_output *out, struct sim_error *err)
{
	const struct summary_input in = {
		.mm = out->mm,
		.cfg = out->cfg,
		.write_config = out->write_config,
		.seed = out->seed,
		.elapsed_ns = out->elapsed_ns,
		.records = out->records,
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
