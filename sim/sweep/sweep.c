/* sweep.c — the sweep runner: a plan's units as child `mmsim run` processes, resumable and
 * sharded (sweep.h). */
#include "sweep.h"

#include "../config/config.h"
#include "../config/plan.h"
#include "../lib/sha256.h"
#include "../sim.h"
#include "../stats/runset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One running child. */
struct sweep_slot {
	pid_t pid;
	unsigned unit;
	char tmp[4300]; /* DIR/runs/<id>/r<k>.tmp.<pid-of-sweep> */
	char tmp_abs[4400]; /* the same, absolute, for the child (it runs in the plan's dir) */
	char log[4400]; /* TMP.stderr: the child's stdout and stderr */
};

/* One sweep in progress: the plan, where it goes, and progress counters.
 * nr_done + nr_failed + |running| + |queue left| == nr_todo. */
struct sweep_state {
	struct plan plan;
	const char *dir;
	unsigned jobs;
	unsigned shard_i, shard_n;
	const char *run_cmd; /* program exec'd for each unit */
	char run_cmd_abs[4096];
	char dir_abs[4096];  /* realpath of dir */
	char base_abs[4096]; /* realpath of the plan's base config */
	char plan_dir_abs[4096]; /* where each run starts */
	unsigned *todo;      /* units of this shard not yet finished */
	unsigned nr_todo, next;
	unsigned nr_done, nr_failed, nr_skipped;
	int first_fail_code;
	bool progress;       /* stderr is a terminal */
	bool preflight;      /* check point configs in-process (the real mmsim run only) */
	char **point_error;  /* per point: why its config is invalid, or NULL */
	char **fingerprint;  /* per point: SWEEP_FINGERPRINT's text (see point_fingerprint) */
	bool rerun_stale;
	int lock_fd, shard_lock_fd; /* -1: not held */
	char lock_path[4200], shard_lock_path[4200];
	struct timespec start;
};

/* A finished unit's record of its inputs, inside its run directory. */
#define SWEEP_FINGERPRINT "sweep.fingerprint"


static void unit_paths(const struct sweep_state *sc, unsigned u, char *final, size_t n)
{
	const struct plan_unit *un = &sc->plan.units[u];
	snprintf(final, n, "%s/runs/%s/r%u", sc->dir, sc->plan.points[un->point].id, un->repeat);
}

static void failed_log_path(const struct sweep_state *sc, unsigned u, char *buf, size_t n)
{
	const struct plan_unit *un = &sc->plan.units[u];
	snprintf(buf, n, "%s/failed/%s.r%u.log", sc->dir, sc->plan.points[un->point].id, un->repeat);
}

static double elapsed_s(const struct sweep_state *sc)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - sc->start.tv_sec) + (double)(now.tv_nsec - sc->start.tv_nsec) / 1e9;
}

static void show_progress(const struct sweep_state *sc, bool final)
{
	if (!sc->progress)
		return;
	unsigned finished = sc->nr_done + sc->nr_failed;
	double t = elapsed_s(sc);
	char eta[32] = "--:--";
	if (finished && finished < sc->nr_todo) {
		unsigned long s = (unsigned long)(t / finished * (sc->nr_todo - finished) + 0.5);
		snprintf(eta, sizeof(eta), "%lu:%02lu", s / 60, s % 60);
	} else if (finished == sc->nr_todo) {
		snprintf(eta, sizeof(eta), "0:00");
	}
	fprintf(stderr, "\r\033[K[sweep] %u/%u done (%u already), %u failed, ETA %s",
		sc->nr_done + sc->nr_skipped, sc->nr_todo + sc->nr_skipped, sc->nr_skipped,
		sc->nr_failed, eta);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The child: exec `RUN_CMD run BASE -o TMP --set K=V... --seed N`, output to the log. */
static void exec_unit(const struct sweep_state *sc, const struct sweep_slot *slot, pid_t parent)
{
	const struct plan_unit *un = &sc->plan.units[slot->unit];
	const struct plan_point *pt = &sc->plan.points[un->point];
	/* die with the sweep: a killed sweep must not leave runs writing behind its back */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* the log path is relative to the sweep's cwd: open it before moving */
	int fd = open(slot->log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	int null = open("/dev/null", O_RDONLY);
	if (fd < 0 || null < 0)
		_exit(127);
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	close(null);
	if (chdir(sc->plan_dir_abs)) {
		fprintf(stderr, "mmsim sweep: cannot enter %s: %s\n", sc->plan_dir_abs, strerror(errno));
		_exit(127);
	}
	size_t argc = 0;
	char **argv = calloc(8 + 2 * pt->nr_sets, sizeof(char *));
	char seed[32];
	if (!argv)
		_exit(127);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)un->seed);
	argv[argc++] = (char *)sc->run_cmd;
	argv[argc++] = "run";
	argv[argc++] = (char *)sc->base_abs;
	argv[argc++] = "-o";
	argv[argc++] = (char *)slot->tmp_abs;
	for (unsigned i = 0; i < pt->nr_sets; i++) {
		size_t n = strlen(pt->sets[i].key) + strlen(pt->sets[i].value) + 2;
		char *kv = malloc(n);
		if (!kv)
			_exit(127);
		snprintf(kv, n, "%s=%s", pt->sets[i].key, pt->sets[i].value);
		argv[argc++] = "--set";
		argv[argc++] = kv;
	}
	argv[argc++] = "--seed";
	argv[argc++] = seed;
	argv[argc] = NULL;
	execvp(sc->run_cmd, argv);
	fprintf(stderr, "mmsim sweep: cannot execute %s: %s\n", sc->run_cmd, strerror(errno));
	_exit(127);
}

static int start_unit(struct sweep_state *sc, struct sweep_slot *slot, unsigned u,
		      struct sim_error *err)
{
	char final[4200];
	unit_paths(sc, u, final, sizeof(final));
	slot->unit = u;
	snprintf(slot->tmp, sizeof(slot->tmp), "%s.tmp.%ld", final, (long)getpid());
	const struct plan_unit *un = &sc->plan.units[u];
	snprintf(slot->tmp_abs, sizeof(slot->tmp_abs), "%s/runs/%s/r%u.tmp.%ld", sc->dir_abs,
		 sc->plan.points[un->point].id, un->repeat, (long)getpid());
	/* next to the temporary run dir, so stale-temporary cleanup catches it too */
	snprintf(slot->log, sizeof(slot->log), "%s.stderr", slot->tmp);
	runset_rm_rf(slot->tmp);
	/* the run writes into an existing empty directory */
	if (runset_mkdir_p(slot->tmp, err))
		return -1;
	pid_t parent = getpid();
	fflush(NULL);
	slot->pid = fork();
	if (slot->pid < 0)
		return sim_error_set(err, EX_SOFTWARE_, "fork: %s", strerror(errno));
	if (slot->pid == 0)
		exec_unit(sc, slot, parent);
	return 0;
}

/* Write DIR/failed/<id>.r<k>.log: what was run, how it ended, and its output. */
static void record_failure(struct sweep_state *sc, const struct sweep_slot *slot, int status,
			   const char *why)
{
	const struct plan_unit *un = &sc->plan.units[slot->unit];
	const struct plan_point *pt = &sc->plan.points[un->point];
	char path[4300], exit_desc[64];
	failed_log_path(sc, slot->unit, path, sizeof(path));
	if (WIFEXITED(status))
		snprintf(exit_desc, sizeof(exit_desc), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(exit_desc, sizeof(exit_desc), "signal %d", WTERMSIG(status));
	else
		snprintf(exit_desc, sizeof(exit_desc), "status %d", status);
	size_t loglen = 0;
	char *log = runset_read_file(slot->log, &loglen, NULL);
	FILE *fp = fopen(path, "w");
	if (fp) {
		fprintf(fp, "# unit %u point %s repeat %u seed %llu: %s%s%s\n# command: %s run %s -o DIR",
			slot->unit, pt->id, un->repeat, (unsigned long long)un->seed, exit_desc,
			why ? ", " : "", why ? why : "", sc->run_cmd, sc->plan.base);
		for (unsigned i = 0; i < pt->nr_sets; i++)
			fprintf(fp, " --set %s=%s", pt->sets[i].key, pt->sets[i].value);
		fprintf(fp, " --seed %llu\n# stderr:\n%s", (unsigned long long)un->seed, log ? log : "");
		fclose(fp);
	}
	if (sc->progress)
		fputc('\n', stderr);
	fprintf(stderr, "mmsim sweep: point %s repeat %u failed (%s%s%s); config %s + sets; log %s\n",
		pt->id, un->repeat, exit_desc, why ? ", " : "", why ? why : "", sc->plan.base, path);
	/* the last lines of the child's stderr, so the cause shows without opening the log */
	if (log && loglen) {
		const char *tail = log + loglen;
		for (int lines = 0; tail > log && lines < 6; tail--)
			if (tail[-1] == '\n' && tail != log + loglen)
				lines++;
		fprintf(stderr, "  | %s%s", tail == log ? "" : "...\n  | ", tail);
		if (log[loglen - 1] != '\n')
			fputc('\n', stderr);
	}
	free(log);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	if (!sc->first_fail_code)
		sc->first_fail_code = code >= 64 && code <= 78 ? code : EX_SOFTWARE_;
}

/* The unit's fingerprint into its temporary run directory: it is renamed into place with
 * the run, so a finished unit always has one. */
static int write_fingerprint(const struct sweep_state *sc, const struct sweep_slot *slot)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/" SWEEP_FINGERPRINT, slot->tmp);
	FILE *fp = fopen(path, "w");
	if (!fp)
		return -1;
	fputs(sc->fingerprint[sc->plan.units[slot->unit].point], fp);
	return fclose(fp) ? -1 : 0;
}

static void finish_unit(struct sweep_state *sc, struct sweep_slot *slot, int status)
{
	char final[4200], sum[4400], flog[4300];
	unit_paths(sc, slot->unit, final, sizeof(final));
	snprintf(sum, sizeof(sum), "%s/summary.json", slot->tmp);
	failed_log_path(sc, slot->unit, flog, sizeof(flog));
	const char *why = NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (!runset_is_file(sum))
			why = "exited 0 but wrote no summary.json";
		else if (write_fingerprint(sc, slot))
			why = "cannot write " SWEEP_FINGERPRINT;
		else if (rename(slot->tmp, final) != 0)
			why = "cannot rename the run directory into place";
		if (!why) {
			sc->nr_done++;
			remove(slot->log);
			remove(flog); /* an earlier failure of this unit is now history */
			slot->pid = 0;
			return;
		}
	}
	record_failure(sc, slot, status, why);
	sc->nr_failed++;
	runset_rm_rf(slot->tmp);
	remove(slot->log);
	slot->pid = 0;
}

static int run_all(struct sweep_state *sc, struct sim_error *err)
{
	struct sweep_slot *slots = calloc(sc->jobs, sizeof(*slots));
	unsigned running = 0;
	int rc = 0;
	if (!slots)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	show_progress(sc, false);
	while (sc->next < sc->nr_todo || running) {
		while (running < sc->jobs && sc->next < sc->nr_todo) {
			struct sweep_slot *slot = NULL;
			for (unsigned s = 0; s < sc->jobs && !slot; s++)
				if (!slots[s].pid)
					slot = &slots[s];
			if (start_unit(sc, slot, sc->todo[sc->next++], err)) {
				rc = -1;
				goto drain;
			}
			running++;
		}
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			rc = sim_error_set(err, EX_SOFTWARE_, "waitpid: %s", strerror(errno));
			break;
		}
		for (unsigned s = 0; s < sc->jobs; s++)
			if (slots[s].pid == pid) {
				finish_unit(sc, &slots[s], status);
				running--;
				show_progress(sc, false);
			}
	}
	show_progress(sc, true);
	free(slots);
	return rc;
drain:
	/* could not start a unit: let the running ones finish so their work is kept */
	while (running) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno != EINTR)
			break;
		for (unsigned s = 0; s < sc->jobs; s++)
			if (pid > 0 && slots[s].pid == pid) {
				finish_unit(sc, &slots[s], status);
				running--;
			}
	}
	free(slots);
	return rc;
}

/* Copy the plan into DIR, or check that DIR was made by the same plan. */
static int setup_dir(struct sweep_state *sc, struct sim_error *err)
{
	char path[4200];
	size_t len, have_len;
	char *text = runset_read_file(sc->plan.path, &len, err);
	if (!text)
		return -1;
	int rc = -1;
	snprintf(path, sizeof(path), "%s/runs", sc->dir);
	if (runset_mkdir_p(path, err))
		goto out;
	snprintf(path, sizeof(path), "%s/failed", sc->dir);
	if (runset_mkdir_p(path, err))
		goto out;
	snprintf(path, sizeof(path), "%s/plan.yaml", sc->dir);
	char *have = runset_is_file(path) ? runset_read_file(path, &have_len, NULL) : NULL;
	if (have) {
		bool same = have_len == len && !memcmp(have, text, len);
		free(have);
		if (!same) {
			sim_error_set(err, EX_USAGE_,
				      "%s holds a sweep of a different plan (%s differs from %s); "
				      "use another -o DIR",
				      sc->dir, path, sc->plan.path);
			goto out;
		}
	} else {
		struct atomic_file af;
		FILE *fp = atomic_open(&af, path, err);
		if (!fp)
			goto out;
		fwrite(text, 1, len, fp);
		if (atomic_commit(&af, err))
			goto out;
	}
	/* the full unit list, the same for every shard */
	snprintf(path, sizeof(path), "%s/points.tsv", sc->dir);
	struct atomic_file af;
	FILE *fp = atomic_open(&af, path, err);
	if (!fp)
		goto out;
	fputs(RUNSET_POINTS_HEADER, fp);
	for (unsigned u = 0; u < sc->plan.nr_units; u++) {
		const struct plan_unit *un = &sc->plan.units[u];
		const struct plan_point *pt = &sc->plan.points[un->point];
		fprintf(fp, "%u\t%s\t%u\t%llu", u, pt->id, un->repeat, (unsigned long long)un->seed);
		for (unsigned i = 0; i < pt->nr_sets; i++)
			fprintf(fp, "\t%s=%s", pt->sets[i].key, pt->sets[i].value);
		fputc('\n', fp);
	}
	rc = atomic_commit(&af, err);
out:
	free(text);
	return rc;
}

/* Point p's configuration: BASE with the point's sets applied in order, each named by its
 * place in the plan (plan.yaml:line:col) in any error.  0, or -1 with perr filled (when
 * non-NULL) at the first set that does not apply. */
static int point_config(const struct sweep_state *sc, unsigned p, const struct config *base,
			struct config *cfg, struct sim_error *perr)
{
	const struct plan_point *pt = &sc->plan.points[p];
	memcpy(cfg, base, sizeof(*cfg));
	for (unsigned i = 0; i < pt->nr_sets; i++) {
		char where[4200];
		snprintf(where, sizeof(where), "%s:%u:%u", sc->plan.path, pt->sets[i].line, pt->sets[i].col);
		if (config_set_value(cfg, pt->sets[i].key, pt->sets[i].value, where, perr))
			return -1;
	}
	return 0;
}


/* A unit of an invalid point: log it as failed without running it. */
static void fail_unrun(struct sweep_state *sc, unsigned u)
{
	const struct plan_unit *un = &sc->plan.units[u];
	const struct plan_point *pt = &sc->plan.points[un->point];
	const char *msg = sc->point_error[un->point];
	char path[4300];
	failed_log_path(sc, u, path, sizeof(path));
	FILE *fp = fopen(path, "w");
	if (fp) {
		fprintf(fp, "# unit %u point %s repeat %u seed %llu: not run: invalid configuration\n%s\n",
			u, pt->id, un->repeat, (unsigned long long)un->seed, msg);
		fclose(fp);
	}
	/* say it once per point: at the point's first unit in this shard */
	unsigned first = un->point * sc->plan.repeat;
	while (!plan_unit_in_shard(first, sc->shard_i, sc->shard_n))
		first++;
	if (u == first)
		fprintf(stderr, "mmsim sweep: point %s not run: %s\n", pt->id, msg);
	sc->nr_failed++;
	if (!sc->first_fail_code)
		sc->first_fail_code = EX_CONFIG_;
}

/* sha256 of the file at PATH (relative to the plan's directory, where the runs start),
 * "size <n> sha256 <hex>", or "missing (<reason>)": the run will fail on it anyway. */
static void file_identity(const struct sweep_state *sc, const char *path, char *out, size_t n)
{
	char full[8300];
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", sc->plan_dir_abs, path);
	FILE *fp = fopen(full, "rb");
	if (!fp) {
		snprintf(out, n, "missing (%s)", strerror(errno));
		return;
	}
	struct sha256 c;
	sha256_init(&c);
	unsigned char buf[1 << 16];
	size_t got;
	uint64_t size = 0;
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		sha256_update(&c, buf, got);
		size += got;
	}
	bool bad = ferror(fp);
	fclose(fp);
	char hex[SHA256_HEX_SIZE];
	sha256_final_hex(&c, hex);
	if (bad)
		snprintf(out, n, "unreadable");
	else
		snprintf(out, n, "size %llu sha256 %s", (unsigned long long)size, hex);
}

/* What a point's result depends on besides its seed, one "what value" a line:
 *   mmsim <version>
 *   config sha256 <hex of config_write_json of the base with the point's sets applied>
 *   workload <file_identity of workload.generator, or "none">
 *   trace <file_identity of workload.trace, or "none">
 * No paths, times or hosts: sweeps of one plan in two directories, or merged shards, keep
 * byte-identical run directories.  BASE is the loaded base config, NULL when it does not
 * load (a stand-in run command may accept what mmsim would not): its bytes stand in. */
static char *point_fingerprint(const struct sweep_state *sc, unsigned p, const struct config *base,
			       struct config *cfg)
{
	const struct plan_point *pt = &sc->plan.points[p];
	char cfg_hex[SHA256_HEX_SIZE] = "", wl[200] = "none", tr[200] = "none";
	bool ok = base != NULL;
	if (ok)
		ok = !point_config(sc, p, base, cfg, NULL);
	if (ok) {
		char *json = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&json, &len);
		if (!mem)
			return NULL;
		config_write_json(cfg, mem, 0);
		if (fclose(mem)) {
			free(json);
			return NULL;
		}
		struct sha256 c;
		sha256_init(&c);
		sha256_update(&c, json, len);
		sha256_final_hex(&c, cfg_hex);
		free(json);
		if (cfg->workload.generator[0])
			file_identity(sc, cfg->workload.generator, wl, sizeof(wl));
		if (cfg->workload.trace[0])
			file_identity(sc, cfg->workload.trace, tr, sizeof(tr));
	} else {
		/* the base file's bytes and the sets as written */
		char base_id[200];
		file_identity(sc, sc->base_abs, base_id, sizeof(base_id));
		struct sha256 c;
		sha256_init(&c);
		sha256_update(&c, base_id, strlen(base_id));
		for (unsigned i = 0; i < pt->nr_sets; i++) {
			sha256_update(&c, pt->sets[i].key, strlen(pt->sets[i].key) + 1);
			sha256_update(&c, pt->sets[i].value, strlen(pt->sets[i].value) + 1);
		}
		sha256_final_hex(&c, cfg_hex);
	}
	size_t n = 64 + sizeof(cfg_hex) + sizeof(wl) + sizeof(tr) + sizeof(MMSIM_VERSION);
	char *text = malloc(n);
	if (text)
		snprintf(text, n, "mmsim %s\nconfig sha256 %s%s\nworkload %s\ntrace %s\n", MMSIM_VERSION,
			 cfg_hex, ok ? "" : " (unresolved: base file and sets)", wl, tr);
	return text;
}

/* One pass over the points before anything is spawned, the base config loaded once:
 * - every point's fingerprint (point_fingerprint; a base that does not load stands in by
 *   its bytes, since a stand-in run command may accept what mmsim would not);
 * - with sc->preflight (the real mmsim run), every point's configuration checked as
 *   `mmsim run` would (point_config, then sim_validate), so a typo shows once, where it is
 *   written, instead of as one identical failure per repeat; a bad point's units are
 *   marked failed without running and the other points run.  A bad base config stops the
 *   sweep: no point could run. */
static int check_points(struct sweep_state *sc, struct sim_error *err)
{
	struct config *base = malloc(sizeof(*base)), *cfg = malloc(sizeof(*cfg));
	int rc = -1;
	sc->fingerprint = calloc(sc->plan.nr_points, sizeof(char *));
	if (sc->preflight)
		sc->point_error = calloc(sc->plan.nr_points, sizeof(char *));
	if (!base || !cfg || !sc->fingerprint || (sc->preflight && !sc->point_error)) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto out;
	}
	struct sim_error berr = { 0 };
	bool have_base = config_load(base, sc->base_abs, &berr) == 0;
	if (sc->preflight && !have_base) {
		if (err)
			*err = berr;
		goto out;
	}
	for (unsigned p = 0; p < sc->plan.nr_points; p++) {
		if (!(sc->fingerprint[p] = point_fingerprint(sc, p, have_base ? base : NULL, cfg))) {
			sim_error_set(err, EX_SOFTWARE_, "out of memory");
			goto out;
		}
		if (!sc->preflight)
			continue;
		struct sim_error perr = { 0 };
		bool bad = point_config(sc, p, base, cfg, &perr) || sim_validate(cfg, &perr);
		if (bad && !(sc->point_error[p] = strdup(perr.msg))) {
			sim_error_set(err, EX_SOFTWARE_, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	free(base);
	free(cfg);
	return rc;
}

/* The first line of fingerprint WANT that HAVE lacks, for the message ("config sha256 ..."). */
static const char *fingerprint_change(const char *have, const char *want, char *buf, size_t n)
{
	for (const char *l = want; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		const char *h = have;
		bool found = false;
		while (h && *h && !found) {
			const char *he = strchr(h, '\n');
			size_t hl = he ? (size_t)(he - h) : strlen(h);
			found = hl == len && !memcmp(h, l, len);
			h = he ? he + 1 : NULL;
		}
		if (!found) {
			/* the word before the value says what changed */
			size_t w = strcspn(l, " \n");
			snprintf(buf, n, "%.*s (now: %.*s)", (int)w, l, (int)len, l);
			return buf;
		}
		l = e ? e + 1 : l + len;
	}
	snprintf(buf, n, "its fingerprint");
	return buf;
}

/* Take LOCK (LOCK_EX or LOCK_SH) on PATH, created if missing.  A lock file is unlinked by
 * its last holder while locked, so after locking, the file must still be the one at PATH;
 * a holder between its release and its unlink is waited for briefly. */
static int lock_file(const char *path, int how, int *fdp)
{
	for (int attempt = 0; attempt < 40; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return -1;
		if (flock(fd, how | LOCK_NB)) {
			int e = errno;
			close(fd);
			if (e != EWOULDBLOCK)
				return errno = e, -1;
			struct timespec ts = { 0, 25 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			continue;
		}
		struct stat a, b;
		if (!fstat(fd, &a) && !stat(path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*fdp = fd;
			return 0;
		}
		close(fd); /* unlinked by its last holder meanwhile: take the new one */
	}
	errno = EWOULDBLOCK;
	return -1;
}

/* An unsharded sweep locks DIR/.lock exclusively; shard I/N locks it shared and
 * DIR/.lock.<I>of<N> exclusively: shards run side by side, anything else on the same
 * units is refused. */
static int lock_dir(struct sweep_state *sc, struct sim_error *err)
{
	if (runset_mkdir_p(sc->dir, err))
		return -1;
	bool sharded = sc->shard_n > 1;
	snprintf(sc->lock_path, sizeof(sc->lock_path), "%s/.lock", sc->dir);
	if (lock_file(sc->lock_path, sharded ? LOCK_SH : LOCK_EX, &sc->lock_fd)) {
		sc->lock_fd = -1;
		if (errno == EWOULDBLOCK)
			return sim_error_set(err, EX_TEMPFAIL_,
					     "%s: another sweep is running in this directory (%s is "
					     "locked%s); wait for it, or use another -o DIR",
					     sc->dir, sc->lock_path,
					     sharded ? " by an unsharded sweep" : "");
		return sim_error_set(err, EX_IOERR_, "%s: cannot lock: %s", sc->lock_path,
				     strerror(errno));
	}
	if (!sharded)
		return 0;
	snprintf(sc->shard_lock_path, sizeof(sc->shard_lock_path), "%s/.lock.%uof%u", sc->dir,
		 sc->shard_i, sc->shard_n);
	if (lock_file(sc->shard_lock_path, LOCK_EX, &sc->shard_lock_fd)) {
		sc->shard_lock_fd = -1;
		if (errno == EWOULDBLOCK)
			return sim_error_set(err, EX_TEMPFAIL_,
					     "%s: shard %u/%u is already running in this directory "
					     "(%s is locked)",
					     sc->dir, sc->shard_i, sc->shard_n, sc->shard_lock_path);
		return sim_error_set(err, EX_IOERR_, "%s: cannot lock: %s", sc->shard_lock_path,
				     strerror(errno));
	}
	return 0;
}

/* Release the locks; whoever can take DIR/.lock exclusively at the end is its last holder
 * and removes it (a shard first drops its shared lock, so of shards ending together one
 * always can). */
static void unlock_dir(struct sweep_state *sc)
{
	if (sc->shard_lock_fd >= 0) {
		unlink(sc->shard_lock_path);
		close(sc->shard_lock_fd);
	}
	if (sc->lock_fd >= 0) {
		if (sc->shard_n > 1)
			flock(sc->lock_fd, LOCK_UN);
		if (sc->shard_n == 1 || !flock(sc->lock_fd, LOCK_EX | LOCK_NB))
			unlink(sc->lock_path);
		close(sc->lock_fd);
	}
	sc->lock_fd = sc->shard_lock_fd = -1;
}

/* A finished unit whose fingerprint differs from its point's now: 0 to keep it, 1 when it
 * is to be rerun (rerun_stale; its directory is gone), -1 refused. */
static int check_finished(struct sweep_state *sc, unsigned u, const char *final,
			  struct sim_error *err)
{
	const struct plan_unit *un = &sc->plan.units[u];
	char path[4400], what[300];
	snprintf(path, sizeof(path), "%s/" SWEEP_FINGERPRINT, final);
	size_t len;
	char *have = runset_is_file(path) ? runset_read_file(path, &len, NULL) : NULL;
	const char *want = sc->fingerprint[un->point];
	if (have && !strcmp(have, want)) {
		free(have);
		return 0;
	}
	if (have)
		fingerprint_change(have, want, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "no " SWEEP_FINGERPRINT " (made by an older mmsim)");
	free(have);
	if (sc->rerun_stale) {
		runset_rm_rf(final);
		return 1;
	}
	return sim_error_set(err, EX_DATAERR_,
			     "%s: point %s repeat %u was run with other inputs than now: %s; "
			     "rerun with --rerun-stale to redo the stale units, or use another -o DIR",
			     sc->dir, sc->plan.points[un->point].id, un->repeat, what);
}

/* Pick this shard's unfinished units; clear stale temporaries they left behind. */
static int select_units(struct sweep_state *sc, struct sim_error *err)
{
	sc->todo = calloc(sc->plan.nr_units, sizeof(unsigned));
	if (!sc->todo)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	char final[4200], sum[4600];
	for (unsigned u = 0; u < sc->plan.nr_units; u++) {
		if (!plan_unit_in_shard(u, sc->shard_i, sc->shard_n))
			continue;
		unit_paths(sc, u, final, sizeof(final));
		snprintf(sum, sizeof(sum), "%s/summary.json", final);
		if (runset_is_file(sum)) {
			int stale = check_finished(sc, u, final, err);
			if (stale < 0)
				return -1;
			if (!stale) {
				sc->nr_skipped++;
				continue;
			}
		}
		/* a directory without summary.json is not a finished run: redo it */
		if (runset_is_dir(final))
			runset_rm_rf(final);
		if (sc->point_error && sc->point_error[sc->plan.units[u].point]) {
			fail_unrun(sc, u);
			continue;
		}
		sc->todo[sc->nr_todo++] = u;
	}
	/* stale r<k>.tmp.<pid> directories of a killed sweep */
	for (unsigned p = 0; p < sc->plan.nr_points; p++) {
		snprintf(final, sizeof(final), "%s/runs/%s", sc->dir, sc->plan.points[p].id);
		if (runset_mkdir_p(final, err))
			return -1;
		char *cmd_dir = final;
		struct dirent *e;
		DIR *d = opendir(cmd_dir);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			const char *t = strstr(e->d_name, ".tmp.");
			if (!t || e->d_name[0] != 'r')
				continue;
			unsigned rep = (unsigned)atoi(e->d_name + 1);
			unsigned u = p * sc->plan.repeat + rep;
			if (rep < sc->plan.repeat && plan_unit_in_shard(u, sc->shard_i, sc->shard_n)) {
				snprintf(sum, sizeof(sum), "%s/%s", cmd_dir, e->d_name);
				runset_rm_rf(sum);
			}
		}
		closedir(d);
	}
	return 0;
}

/* Absolute base config and plan directory, checked before anything is written. */
static int resolve_paths(struct sweep_state *sc, struct sim_error *err)
{
	char dir[4096];
	if (!realpath(sc->plan.base, sc->base_abs))
		return sim_error_set(err, EX_NOINPUT_, "%s: base config %s: %s", sc->plan.path,
				     sc->plan.base, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", sc->plan.path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	if (!realpath(slash ? (dir[0] ? dir : "/") : ".", sc->plan_dir_abs))
		return sim_error_set(err, EX_NOINPUT_, "%s: %s", sc->plan.path, strerror(errno));
	return 0;
}

static int dir_realpath(struct sweep_state *sc, struct sim_error *err)
{
	if (!realpath(sc->dir, sc->dir_abs))
		return sim_error_set(err, EX_IOERR_, "%s: %s", sc->dir, strerror(errno));
	return 0;
}

/* A SLURM_ARRAY_* value: all of it a decimal number (atol() read "x" or "3x" as 0 or 3). */
static int shard_env_number(const char *name, const char *value, long long *out, struct sim_error *err)
{
	char *end = NULL;
	unsigned long long v = 0;
	errno = 0;
	if (value[0] >= '0' && value[0] <= '9') /* strtoull() would take a sign or blanks */
		v = strtoull(value, &end, 10);
	if (!end || *end || errno == ERANGE || v > UINT32_MAX)
		return sim_error_set(err, EX_USAGE_, "%s='%s' is not a task number (a decimal up to %u)", name,
				     value, (unsigned)UINT32_MAX);
	*out = (long long)v;
	return 0;
}

int sweep_shard_from_env(unsigned *i, unsigned *n, struct sim_error *err)
{
	const char *id = getenv("SLURM_ARRAY_TASK_ID"), *count = getenv("SLURM_ARRAY_TASK_COUNT");
	const char *min = getenv("SLURM_ARRAY_TASK_MIN");
	long long vid, vcount, vmin = 0;
	*i = *n = 1;
	if (!id || !count)
		return 0;
	if (shard_env_number("SLURM_ARRAY_TASK_ID", id, &vid, err) ||
	    shard_env_number("SLURM_ARRAY_TASK_COUNT", count, &vcount, err) ||
	    (min && shard_env_number("SLURM_ARRAY_TASK_MIN", min, &vmin, err)))
		return -1;
	/* Slurm numbers tasks as the --array range says (0-3 or 1-4): normalise by the minimum */
	long long a = vid - vmin + 1, b = vcount;
	if (a < 1 || b < 1 || a > b)
		return sim_error_set(err, EX_USAGE_,
				     "SLURM_ARRAY_TASK_ID=%s (MIN=%s) COUNT=%s is not a shard I/N "
				     "(use a contiguous --array range, or --shard)",
				     id, min ? min : "unset", count);
	*i = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

int sweep_list(const char *plan_path, unsigned shard_i, unsigned shard_n, FILE *fp,
	       struct sim_error *err)
{
	struct plan plan;
	if (plan_load(&plan, plan_path, err))
		return -1;
	for (unsigned u = 0; u < plan.nr_units; u++) {
		const struct plan_unit *un = &plan.units[u];
		const struct plan_point *pt = &plan.points[un->point];
		if (!plan_unit_in_shard(u, shard_i, shard_n))
			continue;
		fprintf(fp, "%u\t%s\t%u\t%llu", u, pt->id, un->repeat, (unsigned long long)un->seed);
		for (unsigned s = 0; s < pt->nr_sets; s++)
			fprintf(fp, "\t%s=%s", pt->sets[s].key, pt->sets[s].value);
		fputc('\n', fp);
	}
	plan_free(&plan);
	return 0;
}

void sweep_default_dir(const char *plan_path, char *buf, size_t n)
{
	char stem[256];
	const char *b = strrchr(plan_path, '/');
	snprintf(stem, sizeof(stem), "%s", b ? b + 1 : plan_path);
	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = 0;
	snprintf(buf, n, "sweep-%s", stem);
}

int sweep_run(struct sweep_control *ctl, struct sim_error *err)
{
	struct sweep_state *sc = calloc(1, sizeof(*sc));
	int rc = -1;
	if (!sc)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	ctl->nr_done = ctl->nr_skipped = ctl->nr_failed = 0;
	ctl->first_fail_code = 0;
	if (ctl->dir)
		snprintf(ctl->dir_used, sizeof(ctl->dir_used), "%s", ctl->dir);
	else
		sweep_default_dir(ctl->plan_path, ctl->dir_used, sizeof(ctl->dir_used));
	sc->dir = ctl->dir_used;
	sc->shard_i = ctl->shard_i ? ctl->shard_i : 1;
	sc->shard_n = ctl->shard_n ? ctl->shard_n : 1;
	if (sc->shard_i > sc->shard_n) {
		sim_error_set(err, EX_USAGE_, "shard %u/%u: want 1 <= I <= N", sc->shard_i, sc->shard_n);
		goto out_free;
	}
	if (!ctl->run_cmd || !*ctl->run_cmd) {
		sim_error_set(err, EX_USAGE_, "sweep: no program to run the units with");
		goto out_free;
	}
	long jobs = ctl->jobs;
	if (!jobs) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		if (jobs < 1)
			jobs = 1;
	}
	sc->jobs = (unsigned)jobs;
	sc->run_cmd = ctl->run_cmd;
	sc->preflight = ctl->preflight;
	sc->progress = ctl->progress;
	sc->rerun_stale = ctl->rerun_stale;
	sc->lock_fd = sc->shard_lock_fd = -1;
	if (plan_load(&sc->plan, ctl->plan_path, err))
		goto out_free;
	/* runs start in the plan's directory: a relative program path must not move with it */
	if (strchr(sc->run_cmd, '/') && realpath(sc->run_cmd, sc->run_cmd_abs))
		sc->run_cmd = sc->run_cmd_abs;
	clock_gettime(CLOCK_MONOTONIC, &sc->start);
	if (resolve_paths(sc, err) || check_points(sc, err) || lock_dir(sc, err) || setup_dir(sc, err) ||
	    select_units(sc, err) || dir_realpath(sc, err))
		goto out;
	if (run_all(sc, err))
		goto out;
	if (runset_write_results(sc->dir, err))
		goto out;
	rc = 0;
out:
	ctl->nr_done = sc->nr_done;
	ctl->nr_skipped = sc->nr_skipped;
	ctl->nr_failed = sc->nr_failed;
	ctl->first_fail_code = sc->first_fail_code;
	unlock_dir(sc);
	for (unsigned p = 0; sc->point_error && p < sc->plan.nr_points; p++)
		free(sc->point_error[p]);
	free(sc->point_error);
	for (unsigned p = 0; sc->fingerprint && p < sc->plan.nr_points; p++)
		free(sc->fingerprint[p]);
	free(sc->fingerprint);
	free(sc->todo);
	plan_free(&sc->plan);
out_free:
	free(sc);
	return rc;
}
