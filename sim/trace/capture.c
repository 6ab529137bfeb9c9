/* capture.c — record a command's memory-management events through tracefs (capture.h).
 *
 * The ring buffer is drained through trace_pipe while the command runs, so it only has
 * to absorb the bursts the reader falls behind on; after tracing stops, the pipe is read
 * until it is empty, and only then are the per-CPU statistics checked: an event
 * overwritten (overrun), refused (dropped) or still in the buffer (entries) fails the
 * capture.  Tracing runs in an instance of our own (instances/mmsim-capture.<pid>), with
 * overwrite off, so another user of the global buffer is neither disturbed nor mixed in.
 */
#include "capture.h"

#include "ftrace.h"
#include "../lib/jsonw.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

const char *const capture_proc_names[NR_CAPTURE_PROCS] = {
	[CAPTURE_ZONEINFO] = "zoneinfo",
	[CAPTURE_BUDDYINFO] = "buddyinfo",
	[CAPTURE_PAGETYPEINFO] = "pagetypeinfo",
	[CAPTURE_VMSTAT] = "vmstat",
	[CAPTURE_MEMINFO] = "meminfo",
};

#define TRACEFS_ROOT "/sys/kernel/tracing"
#define MAX_EVENT_KINDS 128
/* a path built from a tmp directory (up to 4200 bytes) and a file name */
#define PATH_BUF (2 * CAPTURE_PATH_MAX + 256)

/* Files `mmsim capture` writes: a rerun may replace a directory holding only these. */
static const char *const capture_own_files[] = {
	"capture.json", "trace.txt.gz", "ringbuffer.stats",
	"before.zoneinfo", "before.buddyinfo", "before.pagetypeinfo", "before.vmstat", "before.meminfo",
	"after.zoneinfo", "after.buddyinfo", "after.pagetypeinfo", "after.vmstat", "after.meminfo",
	"before.memcgs", "after.memcgs",
	NULL,
};

bool capture_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory's own path fits (checked), so these only ever lose a too-long name. */
static void copy_path(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = 0;
}

int capture_files_find(const char *dir, struct capture_files *cf, struct sim_error *err)
{
	memset(cf, 0, sizeof(*cf));
	if (!capture_is_dir(dir))
		return sim_error_set(err, EX_NOINPUT_, "%s: not a capture directory", dir);
	if (strlen(dir) + 32 >= sizeof(cf->dir))
		return sim_error_set(err, EX_NOINPUT_, "%.64s...: path too long", dir);
	copy_path(cf->dir, sizeof(cf->dir), dir);
	/* Text first: it needs no libtracecmd, and a trace-cmd directory's report text
	 * imports exactly as its .dat (docs/import.md). */
	static const char *const traces[] = { "trace.txt.gz", "trace.txt", "report.txt.gz", "report.txt",
					      "trace.dat" };
	char p[PATH_BUF];
	for (size_t i = 0; i < ARRAY_SIZE(traces) && !cf->trace[0]; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, traces[i]);
		if (is_file(p))
			copy_path(cf->trace, sizeof(cf->trace), p);
	}
	if (!cf->trace[0])
		return sim_error_set(err, EX_NOINPUT_,
				     "%s: no trace (trace.txt.gz, trace.txt, report.txt.gz or trace.dat)", dir);
	for (int k = 0; k < NR_CAPTURE_PROCS; k++) {
		snprintf(p, sizeof(p), "%s/before.%s", dir, capture_proc_names[k]);
		if (is_file(p))
			copy_path(cf->before[k], sizeof(cf->before[k]), p);
		snprintf(p, sizeof(p), "%s/after.%s", dir, capture_proc_names[k]);
		if (is_file(p))
			copy_path(cf->after[k], sizeof(cf->after[k]), p);
	}
	snprintf(p, sizeof(p), "%s/capture.json", dir);
	if (is_file(p))
		copy_path(cf->json, sizeof(cf->json), p);
	snprintf(p, sizeof(p), "%s/before.memcgs", dir);
	if (is_file(p))
		copy_path(cf->memcgs, sizeof(cf->memcgs), p);
	return 0;
}

void capture_prefill_sources_from(const struct capture_files *cf, struct capture_prefill_sources *ps)
{
	ps->zoneinfo = cf->before[CAPTURE_ZONEINFO][0] ? cf->before[CAPTURE_ZONEINFO] : NULL;
	ps->buddyinfo = cf->before[CAPTURE_BUDDYINFO][0] ? cf->before[CAPTURE_BUDDYINFO] : NULL;
	ps->pagetypeinfo = cf->before[CAPTURE_PAGETYPEINFO][0] ? cf->before[CAPTURE_PAGETYPEINFO] : NULL;
	ps->meminfo = cf->before[CAPTURE_MEMINFO][0] ? cf->before[CAPTURE_MEMINFO] : NULL;
}

int capture_parse_cpu_stats(const char *text, struct capture_cpu_stats *st)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "entries:", offsetof(struct capture_cpu_stats, entries) },
		{ "overrun:", offsetof(struct capture_cpu_stats, overrun) },
		{ "commit overrun:", offsetof(struct capture_cpu_stats, commit_overrun) },
		{ "dropped events:", offsetof(struct capture_cpu_stats, dropped) },
		{ "read events:", offsetof(struct capture_cpu_stats, read) },
	};
	memset(st, 0, sizeof(*st));
	unsigned seen = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			size_t n = strlen(fields[i].name);
			if (strncmp(l, fields[i].name, n))
				continue;
			*(uint64_t *)((char *)st + fields[i].off) = strtoull(l + n, NULL, 10);
			seen |= 1u << i;
		}
	}
	/* entries, overrun and dropped events are what decide: all three must be there */
	return (seen & 0x0b) == 0x0b ? 0 : -1;
}

/* ---- the run ---------------------------------------------------------------------- */

struct event_count {
	char name[64];
	uint64_t n;
};

struct cap {
	const struct capture_control *cc;
	char root[CAPTURE_PATH_MAX];      /* tracing directory in use (instance or fake root) */
	char instance[CAPTURE_PATH_MAX];  /* instance we made ("" none) */
	bool mounted;
	struct atomic_dir ad;
	gzFile gz;
	int pipe_fd;
	char rbuf[1 << 16];               /* one read of trace_pipe */
	/* line scanning across reads */
	char partial[256];
	size_t partial_len;
	bool partial_long;
	struct event_count ev[MAX_EVENT_KINDS];
	unsigned nr_ev;
	uint64_t nr_events, nr_lost_markers, nr_other_lines;
	/* selected events */
	const char *sel_sys[NR_FTRACE_EVENTS + 64];
	const char *sel_name[NR_FTRACE_EVENTS + 64];
	bool sel_explicit[NR_FTRACE_EVENTS + 64];
	unsigned nr_sel;
	char *events_copy;
	/* The memory cgroup the command runs in, made for it (own_memcg): its directory and
	 * its path under the hierarchy's root ("" none), and the one this process was in. */
	char memcg_dir[CAPTURE_PATH_MAX], memcg_path[CAPTURE_PATH_MAX], memcg_parent_dir[CAPTURE_PATH_MAX];
	bool enabled[NR_FTRACE_EVENTS + 64];
	struct timespec t0_real, t1_real, t0_mono, t1_mono;
	struct capture_cpu_stats cpu[1024];
	uint64_t void_lost;               /* events lost while the command ran: no drain */
	unsigned nr_cpu_stats;
	char *ring_text;  /* ringbuffer.stats */
	unsigned nr_refreshed;            /* snapshots taken after folding the vmstat diffs */
};

static int write_text(const char *path, const char *text, struct sim_error *err)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return sim_error_set(err, EX_UNAVAILABLE_, "%s: cannot open: %s", path, strerror(errno));
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	int e = errno;
	close(fd);
	if (w != (ssize_t)n)
		return sim_error_set(err, EX_UNAVAILABLE_, "%s: cannot write '%s': %s", path, text,
				     w < 0 ? strerror(e) : "short write");
	return 0;
}

static int root_write(struct cap *c, const char *rel, const char *text, struct sim_error *err)
{
	char p[PATH_BUF];
	snprintf(p, sizeof(p), "%s/%s", c->root, rel);
	return write_text(p, text, err);
}

static bool root_has(const struct cap *c, const char *rel)
{
	char p[PATH_BUF];
	snprintf(p, sizeof(p), "%s/%s", c->root, rel);
	return access(p, F_OK) == 0;
}

static bool is_slab_level(int e)
{
	return e == FEV_KMALLOC || e == FEV_KFREE || e == FEV_KMEM_CACHE_ALLOC ||
	       e == FEV_KMEM_CACHE_FREE || e == FEV_RSS_STAT;
}

/* The events to enable, from cc->events. */
static int select_events(struct cap *c, struct sim_error *err)
{
	const char *spec = c->cc->events;
	bool all = spec && !strcmp(spec, "all");
	if (!spec || all || !strcmp(spec, "default")) {
		for (int e = 1; e < NR_FTRACE_EVENTS; e++) {
			if (!all && is_slab_level(e))
				continue;
			c->sel_sys[c->nr_sel] = ftrace_event_systems[e];
			c->sel_name[c->nr_sel++] = ftrace_event_names[e];
		}
		return 0;
	}
	c->events_copy = strdup(spec);
	if (!c->events_copy)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	char *save = NULL;
	for (char *tok = strtok_r(c->events_copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		const char *sys = NULL, *name = tok;
		if (colon) {
			*colon = 0;
			sys = tok;
			name = colon + 1;
		}
		bool found = false;
		for (int e = 1; e < NR_FTRACE_EVENTS; e++) {
			bool match = sys ? !strcmp(sys, ftrace_event_systems[e]) &&
						   (!*name || !strcmp(name, ftrace_event_names[e]))
					 : !strcmp(name, ftrace_event_systems[e]) ||
						   !strcmp(name, ftrace_event_names[e]);
			if (!match)
				continue;
			found = true;
			bool dup = false;
			for (unsigned i = 0; i < c->nr_sel && !dup; i++)
				dup = c->sel_name[i] == ftrace_event_names[e];
			if (dup || c->nr_sel >= ARRAY_SIZE(c->sel_name))
				continue;
			c->sel_sys[c->nr_sel] = ftrace_event_systems[e];
			c->sel_name[c->nr_sel] = ftrace_event_names[e];
			/* named one by one: it must exist; a whole system may lack some */
			c->sel_explicit[c->nr_sel++] = !strcmp(name, ftrace_event_names[e]);
		}
		if (!found)
			return sim_error_set(err, EX_USAGE_,
					     "--events: '%s%s%s' names no event the importer reads "
					     "(systems: kmem filemap vmscan compaction migrate writeback "
					     "exceptions cma page_isolation sched)",
					     sys ? sys : "", sys ? ":" : "", name);
	}
	return 0;
}

static int enable_events(struct cap *c, struct sim_error *err)
{
	unsigned nr = 0;
	for (unsigned i = 0; i < c->nr_sel; i++) {
		char p[PATH_BUF];
		snprintf(p, sizeof(p), "%s/events/%s/%s/enable", c->root, c->sel_sys[i], c->sel_name[i]);
		if (access(p, F_OK)) {
			if (c->sel_explicit[i])
				return sim_error_set(err, EX_UNAVAILABLE_, "%s: this kernel has no event %s:%s",
						     p, c->sel_sys[i], c->sel_name[i]);
			continue; /* e.g. cma:* without CONFIG_CMA */
		}
		if (write_text(p, "1", err))
			return -1;
		c->enabled[i] = true;
		nr++;
	}
	if (!nr)
		return sim_error_set(err, EX_UNAVAILABLE_, "%s/events: none of the selected events exists", c->root);
	return 0;
}

/* Count an event line (or a LOST marker). */
static void scan_line(struct cap *c, const char *l, size_t n)
{
	if (!n || l[0] == '#')
		return;
	/* trace_pipe: "CPU:%d [LOST %lu EVENTS]" */
	if (n > 4 && !strncmp(l, "CPU:", 4)) {
		const char *lost = memmem(l, n, "[LOST ", 6);
		if (lost) {
			c->nr_lost_markers += strtoull(lost + 6, NULL, 10);
			return;
		}
	}
	/* "<comm>-<pid> [<cpu>] <flags> <secs>.<frac>: <event>: ..." — the CPU column is the
	 * first " [digits]", then the first ": " ends the timestamp. */
	const char *end = l + n, *p = l;
	const char *cpu = NULL;
	while ((p = memmem(p, (size_t)(end - p), " [", 2))) {
		const char *q = p + 2;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q > p + 2 && q < end && *q == ']') {
			cpu = q;
			break;
		}
		p += 2;
	}
	const char *ts = cpu ? memmem(cpu, (size_t)(end - cpu), ": ", 2) : NULL;
	const char *name = ts ? ts + 2 : NULL;
	const char *colon = name ? memchr(name, ':', (size_t)(end - name)) : NULL;
	if (!colon || colon == name || colon - name >= 64) {
		c->nr_other_lines++;
		return;
	}
	size_t len = (size_t)(colon - name);
	c->nr_events++;
	for (unsigned i = 0; i < c->nr_ev; i++)
		if (strlen(c->ev[i].name) == len && !memcmp(c->ev[i].name, name, len)) {
			c->ev[i].n++;
			return;
		}
	if (c->nr_ev < MAX_EVENT_KINDS) {
		memcpy(c->ev[c->nr_ev].name, name, len);
		c->ev[c->nr_ev].name[len] = 0;
		c->ev[c->nr_ev++].n = 1;
	}
}

static void scan_chunk(struct cap *c, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t take = (size_t)((nl ? nl : end) - p);
		/* only the start of a line matters: keep up to sizeof(partial) bytes of it */
		size_t room = sizeof(c->partial) - c->partial_len;
		memcpy(c->partial + c->partial_len, p, MIN(take, room));
		c->partial_len += MIN(take, room);
		if (!nl)
			break;
		scan_line(c, c->partial, c->partial_len);
		c->partial_len = 0;
		p = nl + 1;
	}
}

/* Read what trace_pipe holds now: 1 when something was read, 0 when it is empty (EAGAIN,
 * or end of file once tracing is off), -1 on error. */
static int drain_once(struct cap *c, struct sim_error *err)
{
	char *buf = c->rbuf;
	int got = 0;
	for (;;) {
		ssize_t n = read(c->pipe_fd, buf, sizeof(c->rbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return got > 0;
		if (n < 0)
			return sim_error_set(err, EX_IOERR_, "%s/trace_pipe: read: %s", c->root, strerror(errno));
		if (n == 0)
			return got > 0;
		if (gzwrite(c->gz, buf, (unsigned)n) != (int)n) {
			int e;
			return sim_error_set(err, EX_IOERR_, "%s/trace.txt.gz: write failed: %s", c->ad.tmp,
					     gzerror(c->gz, &e));
		}
		scan_chunk(c, buf, (size_t)n);
		/* return now and then, so the caller sees the command end and losses begin */
		if (++got >= 64)
			return 1;
	}
}

/* ---- the memory cgroups' LRU sizes (before.memcgs, after.memcgs) ---------------------- */

static void read_line(const char *path, char *buf, size_t n);

static const char *const memcg_stat_keys[NR_CAPTURE_MEMCG_LRU] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
};

/* memory.stat's LRU sizes in bytes; false when the directory has none. */
static bool memcg_read_stat(const char *dir, uint64_t bytes[NR_CAPTURE_MEMCG_LRU])
{
	char p[PATH_BUF + 16], line[256];
	snprintf(p, sizeof(p), "%s/memory.stat", dir);
	FILE *fp = fopen(p, "re");
	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = 0;
		for (int k = 0; k < NR_CAPTURE_MEMCG_LRU; k++)
			if (!strcmp(line, memcg_stat_keys[k]))
				bytes[k] = strtoull(sp + 1, NULL, 10);
	}
	fclose(fp);
	return true;
}

struct memcg_walk {
	const char *root;
	bool v2;
	uint64_t page_size;
	FILE *out;
	int lines;
	bool failed;
};

/* The memcg at REL (""/"/a/b") and below, children first; *subtree gets memory.stat's
 * sizes as read (v2: the subtree's), for the parent to subtract. */
static void memcg_walk_dir(struct memcg_walk *w, const char *rel, unsigned depth,
			   uint64_t subtree[NR_CAPTURE_MEMCG_LRU])
{
	char dir[PATH_BUF];
	snprintf(dir, sizeof(dir), "%s%s", w->root, rel);
	uint64_t own[NR_CAPTURE_MEMCG_LRU] = { 0 }, kids[NR_CAPTURE_MEMCG_LRU] = { 0 };
	bool have = memcg_read_stat(dir, own);
	memcpy(subtree, own, sizeof(own));
	DIR *d = depth < 32 ? opendir(dir) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.' || strchr(e->d_name, '\n') || strlen(rel) + strlen(e->d_name) + 2 > CAPTURE_PATH_MAX)
			continue;
		char sub[PATH_BUF + 256];
		struct stat st;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (stat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		char crel[CAPTURE_PATH_MAX + 1];
		snprintf(crel, sizeof(crel), "%s/%s", rel, e->d_name);
		uint64_t t[NR_CAPTURE_MEMCG_LRU];
		memcg_walk_dir(w, crel, depth + 1, t);
		for (int k = 0; k < NR_CAPTURE_MEMCG_LRU; k++)
			kids[k] += t[k];
	}
	if (d)
		closedir(d);
	if (!have)
		return;
	uint64_t sum = 0;
	for (int k = 0; k < NR_CAPTURE_MEMCG_LRU; k++) {
		if (w->v2) /* v2's memory.stat is recursive (memcg_stat_format) */
			own[k] = own[k] > kids[k] ? own[k] - kids[k] : 0;
		own[k] /= w->page_size;
		sum += own[k];
	}
	if (!sum)
		return;
	char sw[32] = "";
	if (!w->v2) {
		char p[PATH_BUF + 32];
		snprintf(p, sizeof(p), "%s/memory.swappiness", dir);
		read_line(p, sw, sizeof(sw));
	}
	if (fprintf(w->out, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n", sw[0] ? sw : "-1",
		    own[0], own[1], own[2], own[3], own[4], rel[0] ? rel : "/") < 0)
		w->failed = true;
	w->lines++;
}

int capture_write_memcgs(const char *root, bool v2, uint64_t page_size, FILE *out)
{
	struct memcg_walk w = { .root = root, .v2 = v2, .page_size = page_size ? page_size : 4096, .out = out };
	uint64_t t[NR_CAPTURE_MEMCG_LRU];
	if (fprintf(out, "# swappiness inactive_anon active_anon inactive_file active_file unevictable path "
			 "(pages of the memcg's own; swappiness -1: vm.swappiness)\n") < 0)
		return -1;
	memcg_walk_dir(&w, "", 0, t);
	return w.failed || fflush(out) ? -1 : w.lines;
}

/* The fields of a before.memcgs line, for the errors. */
static const char *const memcg_field_names[1 + NR_CAPTURE_MEMCG_LRU] = {
	"swappiness", "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
};

int capture_parse_memcg_err(const char *line, struct capture_memcg *m, struct sim_error *err)
{
	const char *p = line;
	if (*p == '#')
		return sim_error_set(err, EX_DATAERR_, "col 1: a comment (the header), not a memcg");
	/* six numbers, blanks before each, then the path: as capture_write_memcgs writes them */
	int64_t sw = 0;
	uint64_t v[NR_CAPTURE_MEMCG_LRU];
	for (int f = 0; f <= NR_CAPTURE_MEMCG_LRU; f++) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t col = (size_t)(p - line) + 1;
		if (!*p || *p == '\n')
			return sim_error_set(err, EX_DATAERR_,
					     "col %zu: %s missing (SWAPPINESS INACTIVE_ANON ACTIVE_ANON "
					     "INACTIVE_FILE ACTIVE_FILE UNEVICTABLE PATH)", col, memcg_field_names[f]);
		bool neg = f == 0 && *p == '-';
		const char *d = p + neg;
		uint64_t x = 0;
		bool over = false;
		for (; *d >= '0' && *d <= '9'; d++) {
			unsigned dig = (unsigned)(*d - '0');
			over |= x > (UINT64_MAX - dig) / 10;
			x = over ? UINT64_MAX : x * 10 + dig;
		}
		/* a field ends at a blank; at the line's end the next one is missing */
		bool ends = *d == ' ' || *d == '\t' || *d == '\n' || !*d;
		if (f == 0) {
			/* memory.swappiness (v1: 0..200), or -1 for none (v2) */
			if (d == p + neg || !ends || over || (neg ? x != 1 : x > 200))
				return sim_error_set(err, EX_DATAERR_, "col %zu: swappiness is not -1 or 0..200", col);
			sw = neg ? -1 : (int64_t)x;
		} else {
			if (d == p || !ends || over)
				return sim_error_set(err, EX_DATAERR_, "col %zu: %s is not a page count (0..%" PRIu64 ")",
						     col, memcg_field_names[f], UINT64_MAX);
			v[f - 1] = x;
		}
		p = d;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	size_t col = (size_t)(p - line) + 1;
	if (*p != '/')
		return sim_error_set(err, EX_DATAERR_, "col %zu: the path does not start with '/'", col);
	size_t l = strcspn(p, "\n");
	if (l >= sizeof(m->path))
		return sim_error_set(err, EX_DATAERR_, "col %zu: the path is longer than %zu bytes", col,
				     sizeof(m->path) - 1);
	m->swappiness = (int)sw;
	for (int k = 0; k < NR_CAPTURE_MEMCG_LRU; k++)
		m->pages[k] = v[k];
	memcpy(m->path, p, l);
	m->path[l] = 0;
	return 0;
}

int capture_parse_memcg(const char *line, struct capture_memcg *m)
{
	return capture_parse_memcg_err(line, m, NULL);
}

/* The machine's memory cgroups, into DIR/TAG.memcgs (a real capture only: a fake tracefs
 * is a test).  Under cgroup v1 the memory hierarchy's root, else v2's; quietly none when
 * neither is mounted. */
static void snapshot_memcgs(struct cap *c, const char *tag)
{
	bool v1 = !access("/sys/fs/cgroup/memory/memory.stat", F_OK);
	if (c->cc->tracefs || (!v1 && access("/sys/fs/cgroup/cgroup.controllers", F_OK)))
		return;
	char dst[PATH_BUF];
	snprintf(dst, sizeof(dst), "%s/%s.memcgs", c->ad.tmp, tag);
	FILE *fp = fopen(dst, "we");
	if (!fp)
		return;
	long ps = sysconf(_SC_PAGESIZE);
	int rc = capture_write_memcgs(v1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup", !v1, ps > 0 ? (uint64_t)ps : 4096, fp);
	if (fclose(fp) || rc < 0)
		unlink(dst);
}

/* Fold every CPU's vmstat diffs into the global counters (writing /proc/sys/vm/stat_refresh
 * runs refresh_vm_stats on each CPU, 6.18 vmstat_refresh), so the snapshot's node counters
 * are exact instead of short by up to the per-CPU thresholds (validate_counter_slack).  A
 * real capture only; quietly nothing where it cannot (not root, no such file). */
static void refresh_vmstat(struct cap *c)
{
	if (c->cc->procdir || c->cc->tracefs)
		return;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) == 1)
		c->nr_refreshed++;
	close(fd);
}

static int snapshot(struct cap *c, const char *tag, struct sim_error *err)
{
	const char *procdir = c->cc->procdir ? c->cc->procdir : "/proc";
	refresh_vmstat(c);
	for (int k = 0; k < NR_CAPTURE_PROCS; k++) {
		char src[PATH_BUF], dst[PATH_BUF];
		snprintf(src, sizeof(src), "%s/%s", procdir, capture_proc_names[k]);
		snprintf(dst, sizeof(dst), "%s/%s.%s", c->ad.tmp, tag, capture_proc_names[k]);
		size_t len;
		char *text = sim_read_file(src, &len, err);
		if (!text)
			return -1;
		FILE *fp = fopen(dst, "we");
		bool ok = fp && fwrite(text, 1, len, fp) == len;
		ok = fp && fclose(fp) == 0 && ok;
		free(text);
		if (!ok)
			return sim_error_set(err, EX_IOERR_, "%s: cannot write: %s", dst, strerror(errno));
	}
	snapshot_memcgs(c, tag);
	return 0;
}

/* The ring-buffer statistics of every CPU, into c->cpu[] and ringbuffer.stats. */
static int read_cpu_stats(struct cap *c, struct sim_error *err)
{
	char p[PATH_BUF];
	snprintf(p, sizeof(p), "%s/per_cpu", c->root);
	size_t cap = 0, len = 0;
	c->nr_cpu_stats = 0;
	for (unsigned cpu = 0; cpu < ARRAY_SIZE(c->cpu); cpu++) {
		char sp[PATH_BUF + 64];
		snprintf(sp, sizeof(sp), "%s/cpu%u/stats", p, cpu);
		if (access(sp, F_OK))
			break;
		char *text = sim_read_file(sp, NULL, err);
		if (!text)
			return -1;
		if (capture_parse_cpu_stats(text, &c->cpu[cpu])) {
			free(text);
			return sim_error_set(err, EX_DATAERR_, "%s: no entries/overrun/dropped events lines", sp);
		}
		size_t need = len + strlen(text) + 32;
		if (need > cap) {
			cap = need * 2;
			char *n = realloc(c->ring_text, cap);
			if (!n) {
				free(text);
				return sim_error_set(err, EX_SOFTWARE_, "out of memory");
			}
			c->ring_text = n;
		}
		len += (size_t)sprintf(c->ring_text + len, "# cpu%u\n%s", cpu, text);
		free(text);
		c->nr_cpu_stats = cpu + 1;
	}
	if (!c->nr_cpu_stats)
		return sim_error_set(err, EX_UNAVAILABLE_, "%s: no cpuN/stats: cannot tell whether events were lost", p);
	FILE *fp;
	snprintf(p, sizeof(p), "%s/ringbuffer.stats", c->ad.tmp);
	fp = fopen(p, "we");
	bool ok = fp && fputs(c->ring_text, fp) >= 0;
	ok = fp && fclose(fp) == 0 && ok;
	return ok ? 0 : sim_error_set(err, EX_IOERR_, "%s: cannot write", p);
}

/* Losses, by CPU, in err; 0 when nothing was lost or left. */
static int check_lost(struct cap *c, struct capture_result *res, struct sim_error *err)
{
	char msg[400] = "";
	size_t len = 0;
	uint64_t total = c->nr_lost_markers;
	for (unsigned cpu = 0; cpu < c->nr_cpu_stats; cpu++) {
		const struct capture_cpu_stats *s = &c->cpu[cpu];
		uint64_t lost = s->overrun + s->commit_overrun + s->dropped;
		if (!lost && !s->entries)
			continue;
		total += lost + s->entries;
		if (len < sizeof(msg) - 100)
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
						"%scpu%u: %" PRIu64 " overrun, %" PRIu64 " commit overrun, %" PRIu64
						" dropped, %" PRIu64 " left unread",
						len ? "; " : "", cpu, s->overrun, s->commit_overrun, s->dropped,
						s->entries);
	}
	if (c->nr_lost_markers && len < sizeof(msg) - 60)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%strace_pipe: %" PRIu64 " LOST",
					len ? "; " : "", c->nr_lost_markers);
	res->nr_lost = total;
	/* Our instance has one reader: the kernel's count of events read must be ours. */
	uint64_t read = 0;
	for (unsigned cpu = 0; cpu < c->nr_cpu_stats; cpu++)
		read += c->cpu[cpu].read;
	if (!total && read > c->nr_events + c->nr_other_lines)
		return sim_error_set(err, EX_TEMPFAIL_,
				     "%s: the ring buffer says %" PRIu64 " events were read, the trace has %" PRIu64
				     ": another reader took some; nothing written",
				     c->cc->dir, read, c->nr_events);
	if (!total)
		return 0;
	return sim_error_set(err, EX_TEMPFAIL_,
			     "%s: %" PRIu64 " events lost or unread (%s); nothing written: "
			     "capture again with a larger --buffer-mb (now %u)",
			     c->cc->dir, total, msg, c->cc->buffer_kb / 1024);
}

static void iso_time(char *buf, size_t n, const struct timespec *ts)
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* A "Name:   123 kB" line of meminfo, or -1. */
static long long meminfo_kb(const char *meminfo, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = meminfo; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ':')
			return strtoll(l + n + 1, NULL, 10);
	return -1;
}

/* The first line of a small file, without the newline ("" when unreadable). */
static void read_line(const char *path, char *buf, size_t n)
{
	buf[0] = 0;
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	if (fgets(buf, (int)n, fp))
		buf[strcspn(buf, "\n")] = 0;
	fclose(fp);
}

unsigned capture_cpulist_weight(const char *list)
{
	unsigned n = 0;
	const char *p = list;
	while (*p && *p != '\n') {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			return 0;
		p = end;
		if (*p == '-') {
			b = strtoul(++p, &end, 10);
			if (end == p || b < a)
				return 0;
			p = end;
		}
		n += (unsigned)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return 0;
	}
	return n;
}

uint64_t capture_cpu_data_slice_kb(const char *sysdir, unsigned cpu)
{
	/* update_per_cpu_data_slice_size_cpu (drivers/base/cacheinfo.c, 6.18): the last leaf
	 * is the LLC; its size over the weight of its shared_cpu_map. */
	char path[512], line[256], type[32], size[256];
	int last = -1;
	for (int i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "%s/cpu%u/cache/index%d/size", sysdir, cpu, i);
		read_line(path, line, sizeof(line));
		if (line[0]) {
			last = i;
			snprintf(size, sizeof(size), "%s", line);
		}
	}
	if (last < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/cpu%u/cache/index%d/type", sysdir, cpu, last);
	read_line(path, type, sizeof(type));
	if (strcmp(type, "Data") && strcmp(type, "Unified"))
		return 0;
	char *end;
	unsigned long long kb = strtoull(size, &end, 10);
	if (end == size || (*end && strcmp(end, "K")))
		return 0;
	snprintf(path, sizeof(path), "%s/cpu%u/cache/index%d/shared_cpu_list", sysdir, cpu, last);
	read_line(path, line, sizeof(line));
	unsigned nr = capture_cpulist_weight(line);
	return nr ? kb / nr : 0;
}

/* The memory cgroup this process is in: v1's "N:memory:/path" line of /proc/self/cgroup
 * (hierarchy at /sys/fs/cgroup/memory), else v2's "0::/path" (at /sys/fs/cgroup, when that
 * group has memory.stat).  0 with *dir and *path set, -1 none. */
static int current_memcg(char *dir, size_t dn, char *path, size_t pn)
{
	FILE *fp = fopen("/proc/self/cgroup", "re");
	if (!fp)
		return -1;
	char line[PATH_BUF], v2[PATH_BUF] = "";
	int rc = -1;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = 0;
		char *ctl = strchr(line, ':'), *p = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!p)
			continue;
		if (!strncmp(ctl + 1, "memory:", 7)) {
			snprintf(dir, dn, "/sys/fs/cgroup/memory%s", p + 1);
			snprintf(path, pn, "%s", p + 1);
			rc = 0;
			break;
		}
		if (!strncmp(line, "0::", 3))
			snprintf(v2, sizeof(v2), "%s", p + 1);
	}
	fclose(fp);
	if (rc && v2[0]) {
		char stat[PATH_BUF + 32];
		snprintf(dir, dn, "/sys/fs/cgroup%s", strcmp(v2, "/") ? v2 : "");
		snprintf(stat, sizeof(stat), "%s/memory.stat", dir);
		snprintf(path, pn, "%s", v2);
		rc = access(stat, F_OK) ? -1 : 0;
	}
	return rc;
}

/* memory.swappiness of the memory cgroup this process (and so the command it forks) runs
 * in: "" under cgroup v2, which has no per-cgroup swappiness file.  A v1 memcg other than
 * the root reclaims with its own value, not vm.swappiness (mem_cgroup_swappiness, 6.12). */
static void memcg_swappiness(char *buf, size_t n)
{
	char dir[CAPTURE_PATH_MAX], path[CAPTURE_PATH_MAX], file[CAPTURE_PATH_MAX + 32];
	buf[0] = 0;
	if (current_memcg(dir, sizeof(dir), path, sizeof(path)))
		return;
	snprintf(file, sizeof(file), "%s/memory.swappiness", dir);
	read_line(file, buf, n);
}

/* The command's own memory cgroup: <current>/mmsim-capture.<pid>, which this process
 * joins for the fork and leaves right after, so the command's process tree (and nothing
 * else) is charged there from an empty start, as machine.memcg.split_prefill replays it.
 * (A new v1 memcg takes its parent's memory.swappiness, mem_cgroup_css_alloc 6.12.)  Left
 * without one, quietly, where a group cannot be made or joined (no permission; v2 without
 * the memory controller in the new group). */
static void own_memcg(struct cap *c)
{
	char dir[CAPTURE_PATH_MAX - 64], path[CAPTURE_PATH_MAX - 64];
	if (c->cc->tracefs || current_memcg(dir, sizeof(dir), path, sizeof(path)))
		return; /* a fake tracefs is a test: leave the machine's cgroups alone */
	snprintf(c->memcg_parent_dir, sizeof(c->memcg_parent_dir), "%s", dir);
	snprintf(c->memcg_dir, sizeof(c->memcg_dir), "%s/mmsim-capture.%ld", dir, (long)getpid());
	snprintf(c->memcg_path, sizeof(c->memcg_path), "%s%smmsim-capture.%ld", path,
		 strcmp(path, "/") ? "/" : "", (long)getpid());
	char stat[CAPTURE_PATH_MAX + 32];
	snprintf(stat, sizeof(stat), "%s/memory.stat", c->memcg_dir);
	if (mkdir(c->memcg_dir, 0755) || access(stat, F_OK)) {
		if (!access(c->memcg_dir, F_OK))
			rmdir(c->memcg_dir);
		c->memcg_dir[0] = c->memcg_path[0] = 0;
	}
}

/* Join (true) or leave (false) the command's memcg: this process's pid into its
 * cgroup.procs, or back into the parent's. */
static bool memcg_move(struct cap *c, bool join)
{
	char p[CAPTURE_PATH_MAX + 32], pid[32];
	snprintf(p, sizeof(p), "%s/cgroup.procs", join ? c->memcg_dir : c->memcg_parent_dir);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	return write_text(p, pid, NULL) == 0;
}

static void memcg_remove(struct cap *c)
{
	if (c->memcg_dir[0] && rmdir(c->memcg_dir) && c->cc->log)
		fprintf(c->cc->log, "mmsim capture: %s: cannot remove: %s\n", c->memcg_dir, strerror(errno));
	c->memcg_dir[0] = 0;
}

static int write_json(struct cap *c, const struct capture_result *res, struct sim_error *err)
{
	char p[PATH_BUF];
	snprintf(p, sizeof(p), "%s/capture.json", c->ad.tmp);
	FILE *fp = fopen(p, "we");
	if (!fp)
		return sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", p, strerror(errno));
	struct utsname u;
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	char mp[PATH_BUF];
	snprintf(mp, sizeof(mp), "%s/before.meminfo", c->ad.tmp);
	char *meminfo = sim_read_file(mp, NULL, NULL);
	char line[256];
	struct jsonw w;
	jsonw_init(&w, fp, 0);
	jsonw_object(&w);
	jsonw_key(&w, "format");
	jsonw_string(&w, "mmsim-capture");
	jsonw_key(&w, "version");
	jsonw_u64(&w, 1);
	jsonw_key(&w, "mmsim_version");
	jsonw_string(&w, MMSIM_VERSION);
	jsonw_key(&w, "machine");
	jsonw_object(&w);
	jsonw_key(&w, "arch");
	jsonw_string(&w, u.machine);
	jsonw_key(&w, "nr_cpus");
	jsonw_u64(&w, (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	static const struct {
		const char *key, *meminfo;
	} mem[] = { { "mem_total_kb", "MemTotal" }, { "mem_free_kb", "MemFree" },
		    { "mem_available_kb", "MemAvailable" }, { "swap_total_kb", "SwapTotal" },
		    { "cma_total_kb", "CmaTotal" }, { "hugepages_total", "HugePages_Total" } };
	for (size_t i = 0; i < ARRAY_SIZE(mem); i++) {
		long long v = meminfo ? meminfo_kb(meminfo, mem[i].meminfo) : -1;
		if (v >= 0) {
			jsonw_key(&w, mem[i].key);
			jsonw_u64(&w, (uint64_t)v);
		}
	}
	static const struct {
		const char *key, *path;
	} knobs[] = {
		{ "thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled" },
		{ "thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag" },
		{ "min_free_kbytes", "/proc/sys/vm/min_free_kbytes" },
		{ "watermark_scale_factor", "/proc/sys/vm/watermark_scale_factor" },
		{ "swappiness", "/proc/sys/vm/swappiness" },
		{ "page_cluster", "/proc/sys/vm/page-cluster" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		read_line(knobs[i].path, line, sizeof(line));
		if (!line[0])
			continue;
		jsonw_key(&w, knobs[i].key);
		jsonw_string(&w, line);
	}
	memcg_swappiness(line, sizeof(line));
	if (line[0]) {
		jsonw_key(&w, "memcg_swappiness");
		jsonw_string(&w, line);
	}
	/* which before.memcgs line is the memcg mmsim capture ran in (the command memcg's
	 * parent, or the command's own when none could be made) */
	char mdir[CAPTURE_PATH_MAX], mpath[CAPTURE_PATH_MAX];
	if (!current_memcg(mdir, sizeof(mdir), mpath, sizeof(mpath))) {
		jsonw_key(&w, "memcg");
		jsonw_string(&w, mpath);
	}
	uint64_t slice = capture_cpu_data_slice_kb("/sys/devices/system/cpu", 0);
	if (slice) {
		jsonw_key(&w, "cpu_data_slice_kb");
		jsonw_u64(&w, slice);
	}
	jsonw_end(&w);
	free(meminfo);
	jsonw_key(&w, "kernel");
	jsonw_object(&w);
	jsonw_key(&w, "sysname");
	jsonw_string(&w, u.sysname);
	jsonw_key(&w, "release");
	jsonw_string(&w, u.release);
	jsonw_key(&w, "version");
	jsonw_string(&w, u.version);
	jsonw_end(&w);
	jsonw_key(&w, "command");
	jsonw_array(&w);
	for (char *const *a = c->cc->argv; *a; a++)
		jsonw_string(&w, *a);
	jsonw_end(&w);
	/* The importer follows sched_process_fork from this pid to the command's tasks, which
	 * ran in a memcg of their own (own_memcg) when command_memcg is there. */
	jsonw_key(&w, "command_pid");
	jsonw_u64(&w, (uint64_t)res->pid);
	if (c->memcg_path[0]) {
		jsonw_key(&w, "command_memcg");
		jsonw_string(&w, c->memcg_path);
	}
	if (WIFEXITED(res->status)) {
		jsonw_key(&w, "exit_status");
		jsonw_u64(&w, (uint64_t)WEXITSTATUS(res->status));
	} else if (WIFSIGNALED(res->status)) {
		jsonw_key(&w, "exit_signal");
		jsonw_u64(&w, (uint64_t)WTERMSIG(res->status));
	}
	char t[64];
	iso_time(t, sizeof(t), &c->t0_real);
	jsonw_key(&w, "start_time");
	jsonw_string(&w, t);
	iso_time(t, sizeof(t), &c->t1_real);
	jsonw_key(&w, "stop_time");
	jsonw_string(&w, t);
	jsonw_key(&w, "duration_s");
	jsonw_printf(&w, "%.3f", res->seconds);
	/* both snapshots' node counters exact (refresh_vmstat): validate allows them no slack */
	jsonw_key(&w, "vmstat_refreshed");
	jsonw_bool(&w, c->nr_refreshed == 2);
	char tp[PATH_BUF];
	snprintf(tp, sizeof(tp), "%s/trace_clock", c->root);
	read_line(tp, line, sizeof(line));
	/* "[local] global counter ...": the bracketed one is in use */
	char *open_b = strchr(line, '['), *close_b = open_b ? strchr(open_b, ']') : NULL;
	if (close_b) {
		*close_b = 0;
		jsonw_key(&w, "trace_clock");
		jsonw_string(&w, open_b + 1);
	}
	jsonw_key(&w, "buffer_kb_per_cpu");
	jsonw_u64(&w, c->cc->buffer_kb);
	jsonw_key(&w, "events_enabled");
	jsonw_array(&w);
	for (unsigned i = 0; i < c->nr_sel; i++)
		if (c->enabled[i]) {
			snprintf(line, sizeof(line), "%s:%s", c->sel_sys[i], c->sel_name[i]);
			jsonw_string(&w, line);
		}
	jsonw_end(&w);
	jsonw_key(&w, "events_missing");
	jsonw_array(&w);
	for (unsigned i = 0; i < c->nr_sel; i++)
		if (!c->enabled[i]) {
			snprintf(line, sizeof(line), "%s:%s", c->sel_sys[i], c->sel_name[i]);
			jsonw_string(&w, line);
		}
	jsonw_end(&w);
	jsonw_key(&w, "events");
	jsonw_u64(&w, c->nr_events);
	jsonw_key(&w, "event_counts");
	jsonw_object(&w);
	for (unsigned i = 0; i < c->nr_ev; i++) {
		jsonw_key(&w, c->ev[i].name);
		jsonw_u64(&w, c->ev[i].n);
	}
	jsonw_end(&w);
	jsonw_key(&w, "lost_events");
	jsonw_u64(&w, res->nr_lost);
	jsonw_key(&w, "ringbuffer");
	jsonw_array(&w);
	for (unsigned cpu = 0; cpu < c->nr_cpu_stats; cpu++) {
		const struct capture_cpu_stats *s = &c->cpu[cpu];
		jsonw_object_inline(&w);
		jsonw_key(&w, "cpu");
		jsonw_u64(&w, cpu);
		jsonw_key(&w, "read");
		jsonw_u64(&w, s->read);
		jsonw_key(&w, "entries");
		jsonw_u64(&w, s->entries);
		jsonw_key(&w, "overrun");
		jsonw_u64(&w, s->overrun);
		jsonw_key(&w, "commit_overrun");
		jsonw_u64(&w, s->commit_overrun);
		jsonw_key(&w, "dropped");
		jsonw_u64(&w, s->dropped);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
	fputc('\n', fp);
	bool ok = !ferror(fp);
	ok = fclose(fp) == 0 && ok;
	return ok ? 0 : sim_error_set(err, EX_IOERR_, "%s: write failed", p);
}

/* Where to trace: a fake root as given, or our own instance of the real tracefs. */
static int setup_root(struct cap *c, struct sim_error *err)
{
	if (c->cc->tracefs) {
		if (strlen(c->cc->tracefs) >= sizeof(c->root) - 256)
			return sim_error_set(err, EX_UNAVAILABLE_, "%.64s...: path too long", c->cc->tracefs);
		copy_path(c->root, sizeof(c->root), c->cc->tracefs);
		if (!capture_is_dir(c->root))
			return sim_error_set(err, EX_UNAVAILABLE_, "%s: no tracing directory", c->root);
		return 0;
	}
	if (geteuid() != 0)
		return sim_error_set(err, EX_UNAVAILABLE_, "mmsim capture drives tracefs and must run as root");
	if (access(TRACEFS_ROOT "/instances", F_OK)) {
		if (mount("nodev", TRACEFS_ROOT, "tracefs", 0, NULL))
			return sim_error_set(err, EX_UNAVAILABLE_, "mount -t tracefs nodev %s: %s", TRACEFS_ROOT,
					     strerror(errno));
		c->mounted = true;
		if (c->cc->log)
			fprintf(c->cc->log, "mmsim capture: mounted tracefs on %s\n", TRACEFS_ROOT);
	}
	snprintf(c->instance, sizeof(c->instance), TRACEFS_ROOT "/instances/mmsim-capture.%ld",
		 (long)getpid());
	if (mkdir(c->instance, 0755) && errno != EEXIST) {
		int e = errno;
		c->instance[0] = 0;
		return sim_error_set(err, EX_UNAVAILABLE_, "%s/instances: cannot make a tracing instance: %s",
				     TRACEFS_ROOT, strerror(e));
	}
	copy_path(c->root, sizeof(c->root), c->instance);
	return 0;
}

static void teardown(struct cap *c)
{
	if (c->pipe_fd >= 0)
		close(c->pipe_fd);
	c->pipe_fd = -1;
	if (c->root[0]) {
		root_write(c, "tracing_on", "0", NULL);
		if (c->cc->tracefs) /* a fake root stays; our events go off */
			for (unsigned i = 0; i < c->nr_sel; i++)
				if (c->enabled[i]) {
					char rel[256];
					snprintf(rel, sizeof(rel), "events/%s/%s/enable", c->sel_sys[i], c->sel_name[i]);
					root_write(c, rel, "0", NULL);
				}
	}
	/* removing the instance frees its buffers and disables its events */
	if (c->instance[0] && rmdir(c->instance) && c->cc->log)
		fprintf(c->cc->log, "mmsim capture: warning: cannot remove %s: %s\n", c->instance, strerror(errno));
	if (c->mounted)
		umount(TRACEFS_ROOT);
	free(c->events_copy);
	free(c->ring_text);
}

/* Set by SIGTERM / SIGHUP while the command runs: the capture is given up, but only after
 * the command has ended and the tracing instance is removed.  (A signal handler can only
 * reach a static flag.) */
static volatile sig_atomic_t capture_stop;

static void on_stop(int sig)
{
	(void)sig;
	capture_stop = 1;
}

/* Events lost so far, over every CPU (0 when the statistics cannot be read). */
static uint64_t lost_now(struct cap *c)
{
	uint64_t lost = 0;
	for (unsigned cpu = 0; cpu < ARRAY_SIZE(c->cpu); cpu++) {
		char sp[PATH_BUF + 64];
		snprintf(sp, sizeof(sp), "%s/per_cpu/cpu%u/stats", c->root, cpu);
		char *text = sim_read_file(sp, NULL, NULL);
		struct capture_cpu_stats st;
		if (!text)
			break;
		if (!capture_parse_cpu_stats(text, &st))
			lost += st.overrun + st.commit_overrun + st.dropped;
		free(text);
	}
	return lost;
}

/* Fork and exec the command; the parent keeps draining until it exits.  Once the ring
 * buffer has lost an event the capture is void: tracing stops at once (no point reading
 * millions of events of a capture that will be refused), and the command runs to its end. */
static int run_command(struct cap *c, struct capture_result *res, struct sim_error *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	bool joined = c->memcg_dir[0] && memcg_move(c, true);
	if (c->memcg_dir[0] && !joined) {
		memcg_remove(c); /* made but not joinable: the command stays where we are */
		c->memcg_path[0] = 0;
	}
	pid_t pid = fork();
	if (joined && pid != 0 && !memcg_move(c, false) && c->cc->log)
		fprintf(c->cc->log, "mmsim capture: could not leave %s: our own pages are charged there too\n",
			c->memcg_path);
	if (pid < 0)
		return sim_error_set(err, EX_SOFTWARE_, "fork: %s", strerror(errno));
	res->pid = (long)pid;
	if (pid == 0) {
		execvp(c->cc->argv[0], c->cc->argv);
		fprintf(stderr, "mmsim capture: %s: %s\n", c->cc->argv[0], strerror(errno));
		_exit(127);
	}
	/* As system(3): ^C goes to the command; we stay to read what remains and clean up. */
	struct sigaction stop = { .sa_handler = on_stop }, old_term, old_hup;
	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	capture_stop = 0;
	sigaction(SIGTERM, &stop, &old_term);
	sigaction(SIGHUP, &stop, &old_hup);
	int rc = 0;
	bool stopped = false;
	struct timespec last, now;
	clock_gettime(CLOCK_MONOTONIC, &last);
	for (;;) {
		if (capture_stop && !stopped) {
			kill(pid, SIGTERM);
			stopped = true;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!c->void_lost && ts_diff(&last, &now) >= 1.0) {
			last = now;
			if ((c->void_lost = lost_now(c)) != 0) {
				root_write(c, "tracing_on", "0", NULL);
				if (c->cc->log)
					fprintf(c->cc->log, "mmsim capture: the ring buffer lost %" PRIu64
						" events: tracing stopped, waiting for the command to end\n",
						c->void_lost);
			}
		}
		int got = c->void_lost ? 0 : drain_once(c, err);
		if (got < 0) {
			rc = -1;
			kill(pid, SIGTERM);
			waitpid(pid, &res->status, 0);
			break;
		}
		pid_t w = waitpid(pid, &res->status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = sim_error_set(err, EX_SOFTWARE_, "waitpid: %s", strerror(errno));
			break;
		}
		if (!got)
			nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (!rc && capture_stop)
		rc = sim_error_set(err, EX_TEMPFAIL_, "%s: interrupted; nothing written", c->cc->dir);
	return rc;
}

int capture_run(const struct capture_control *cc, struct capture_result *res, struct sim_error *err)
{
	struct cap *c = calloc(1, sizeof(*c));
	if (!c)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	memset(res, 0, sizeof(*res));
	c->cc = cc;
	c->pipe_fd = -1;
	int rc = -1;
	if (!cc->argv || !cc->argv[0]) {
		sim_error_set(err, EX_USAGE_, "no command to capture");
		goto out;
	}
	if (select_events(c, err) || atomic_dir_open(&c->ad, cc->dir, capture_own_files, err))
		goto out;
	if (setup_root(c, err))
		goto out;
	char num[32];
	snprintf(num, sizeof(num), "%u", cc->buffer_kb);
	/* Overwrite off: a full buffer refuses new events (counted as dropped) instead of
	 * silently overwriting unread ones. */
	if (root_write(c, "tracing_on", "0", err) || root_write(c, "buffer_size_kb", num, err) ||
	    (root_has(c, "options/overwrite") && root_write(c, "options/overwrite", "0", err)) ||
	    root_write(c, "trace", "", err) || enable_events(c, err))
		goto out;
	/* Our own reading and compressing is not the workload: leave it out (the command,
	 * a child with another pid, is traced). */
	snprintf(num, sizeof(num), "%ld", (long)getpid());
	if (root_has(c, "set_event_notrace_pid") && root_write(c, "set_event_notrace_pid", num, err))
		goto out;
	char p[PATH_BUF];
	snprintf(p, sizeof(p), "%s/trace_pipe", c->root);
	c->pipe_fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (c->pipe_fd < 0) {
		sim_error_set(err, EX_UNAVAILABLE_, "%s: cannot open: %s", p, strerror(errno));
		goto out;
	}
	snprintf(p, sizeof(p), "%s/trace.txt.gz", c->ad.tmp);
	c->gz = gzopen(p, "wb6");
	if (!c->gz) {
		sim_error_set(err, EX_IOERR_, "%s: cannot create", p);
		goto out;
	}
	if (cc->log) {
		fprintf(cc->log, "mmsim capture: tracing into %s (%u KiB per CPU), running:", c->root, cc->buffer_kb);
		for (char *const *a = cc->argv; *a; a++)
			fprintf(cc->log, " %s", *a);
		fputc('\n', cc->log);
		fflush(cc->log);
	}
	/* The snapshots bracket the traced span as tightly as /proc allows. */
	if (snapshot(c, "before", err))
		goto out;
	clock_gettime(CLOCK_REALTIME, &c->t0_real);
	clock_gettime(CLOCK_MONOTONIC, &c->t0_mono);
	own_memcg(c);
	if (root_write(c, "tracing_on", "1", err))
		goto out;
	int run_rc = run_command(c, res, err);
	int off_rc = root_write(c, "tracing_on", "0", run_rc ? NULL : err);
	clock_gettime(CLOCK_MONOTONIC, &c->t1_mono);
	clock_gettime(CLOCK_REALTIME, &c->t1_real);
	if (run_rc || off_rc || snapshot(c, "after", err))
		goto out;
	res->seconds = ts_diff(&c->t0_mono, &c->t1_mono);
	/* Tracing is off: read until the pipe is empty, never stopping while events remain
	 * (unless the capture is void already). */
	int got = 0;
	while (!c->void_lost && (got = drain_once(c, err)) > 0)
		;
	if (got < 0)
		goto out;
	if (c->partial_len)
		scan_line(c, c->partial, c->partial_len);
	res->nr_events = c->nr_events;
	if (read_cpu_stats(c, err) || check_lost(c, res, err))
		goto out;
	int zrc = gzclose(c->gz);
	c->gz = NULL;
	if (zrc != Z_OK) {
		sim_error_set(err, EX_IOERR_, "%s/trace.txt.gz: close failed (%d)", c->ad.tmp, zrc);
		goto out;
	}
	if (write_json(c, res, err) || atomic_dir_commit(&c->ad, err))
		goto out;
	rc = 0;
out:
	if (c->gz)
		gzclose(c->gz);
	memcg_remove(c); /* its pages are reparented; the command has ended */
	if (rc)
		atomic_dir_abort(&c->ad);
	teardown(c);
	free(c);
	return rc;
}
