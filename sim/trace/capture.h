/* capture.h — recording a real workload through tracefs (`mmsim capture`), and the layout
 * of the capture directory it writes, which `mmsim import DIR` and `mmsim validate` read
 * (docs/validation.md).
 *
 * Capture directory:
 *   capture.json          machine, kernel, command, times, event counts, ring-buffer figures
 *   trace.txt.gz          every event, as trace_pipe prints them (gzip text)
 *   before.<proc>         /proc/<proc> read just before tracing started
 *   after.<proc>          the same just after tracing stopped
 *                         <proc> = zoneinfo buddyinfo pagetypeinfo vmstat meminfo
 *   ringbuffer.stats      per_cpu/cpuN/stats of every CPU after the last event was read
 *   before.memcgs         the memory cgroups holding LRU pages just before tracing started,
 *   after.memcgs          and just after it stopped (capture_write_memcgs)
 * A directory recorded by other means (trace-cmd: trace.dat, report.txt.gz) is read the
 * same way; whatever it lacks is absent from struct capture_files.
 */
#ifndef MMSIM_CAPTURE_H
#define MMSIM_CAPTURE_H

#include "../common.h"

#include <stdio.h>

/* The /proc files snapshotted at trace start and stop. */
enum capture_proc {
	CAPTURE_ZONEINFO,
	CAPTURE_BUDDYINFO,
	CAPTURE_PAGETYPEINFO,
	CAPTURE_VMSTAT,
	CAPTURE_MEMINFO,
	NR_CAPTURE_PROCS,
};
extern const char *const capture_proc_names[NR_CAPTURE_PROCS];

#define CAPTURE_PATH_MAX 4096

/* The files of a capture directory; an empty string is a file the directory lacks. */
struct capture_files {
	char dir[CAPTURE_PATH_MAX];
	char trace[CAPTURE_PATH_MAX];   /* trace.txt.gz, trace.txt, report.txt.gz or trace.dat */
	char before[NR_CAPTURE_PROCS][CAPTURE_PATH_MAX];
	char after[NR_CAPTURE_PROCS][CAPTURE_PATH_MAX];
	char json[CAPTURE_PATH_MAX];    /* capture.json */
	char memcgs[CAPTURE_PATH_MAX];  /* before.memcgs */
};

/* The /proc snapshots a replay's starting memory (import prefill) can be built from, each
 * NULL when absent: `mmsim import --prefill ZONEINFO` gives only zoneinfo, a capture
 * directory gives every one it holds. */
struct capture_prefill_sources {
	const char *zoneinfo;      /* before.zoneinfo: per-zone present, managed, free */
	const char *buddyinfo;     /* before.buddyinfo: free blocks per order */
	const char *pagetypeinfo;  /* before.pagetypeinfo: free blocks per order and migratetype */
	const char *meminfo;       /* before.meminfo: what the memory in use is (anon, file, slab) */
};
/* Point PS at CF's before.* files (NULL where CF has none). */
void capture_prefill_sources_from(const struct capture_files *cf, struct capture_prefill_sources *ps);

/* Fill CF from directory DIR.  EX_NOINPUT_ when DIR is not a directory or holds no trace. */
int capture_files_find(const char *dir, struct capture_files *cf, struct sim_error *err);
/* Whether PATH is a directory. */
bool capture_is_dir(const char *path);

/* One `mmsim capture`. */
struct capture_control {
	const char *dir;          /* output directory: complete or absent (atomic_dir) */
	const char *events;       /* NULL or "default": every event the importer reads except
				   * the slab-level ones; "all": those too; else a comma list
				   * of SYSTEM, SYSTEM:EVENT or EVENT */
	unsigned buffer_kb;       /* ring buffer per CPU */
	char *const *argv;        /* the command, NULL-terminated */
	/* NULL: /sys/kernel/tracing (mounted when it is not), in a tracing instance of our
	 * own that is removed afterwards; needs root.  Else a directory used as the tracing
	 * root itself, no instance and no mount (tests fake tracefs with it). */
	const char *tracefs;
	const char *procdir;      /* NULL: /proc */
	FILE *log;                /* progress lines; NULL: none */
};

/* What the capture saw. */
struct capture_result {
	uint64_t nr_events;       /* event lines written to trace.txt.gz */
	uint64_t nr_lost;         /* lost / dropped / overrun / unread, over every CPU */
	int status;               /* the command's wait status */
	long pid;                 /* the command's pid: its process tree is the fork events' */
	double seconds;           /* from trace start to stop */
};

/* Run the command under tracing and write the directory.  The directory is committed only
 * when every event was read: a ring buffer that overran, dropped events or still holds
 * some fails with EX_TEMPFAIL_ naming the CPU and the count (a larger --buffer-mb helps),
 * and nothing is written.  EX_UNAVAILABLE_ without root or tracefs. */
int capture_run(const struct capture_control *cc, struct capture_result *res, struct sim_error *err);

/* Parse one per_cpu/cpuN/stats text: the figures that say an event was lost or not read. */
struct capture_cpu_stats {
	uint64_t entries;         /* events still in the buffer (unread) */
	uint64_t overrun;         /* overwritten before they were read */
	uint64_t commit_overrun;
	uint64_t dropped;         /* refused because the buffer was full */
	uint64_t read;            /* consumed by readers */
};
int capture_parse_cpu_stats(const char *text, struct capture_cpu_stats *st);

/* The number of CPUs in a sysfs cpu list ("0-1", "0,4-7"), or 0 when malformed. */
unsigned capture_cpulist_weight(const char *list);
/* A CPU's share of its last-level cache in KiB as 6.18's cacheinfo computes it
 * (per_cpu_data_slice_size): the size of cpu's last cache leaf, if it holds data
 * (Data or Unified), over the CPUs sharing it; 0 when unknown.  sysdir: the
 * /sys/devices/system/cpu directory. */
uint64_t capture_cpu_data_slice_kb(const char *sysdir, unsigned cpu);

/* One memory cgroup's own LRU pages (a line of before.memcgs), which reclaim scans as one
 * lruvec each with that memcg's swappiness (6.18 shrink_node_memcgs, get_scan_count). */
enum capture_memcg_lru {
	CAPTURE_MEMCG_INACTIVE_ANON,
	CAPTURE_MEMCG_ACTIVE_ANON,
	CAPTURE_MEMCG_INACTIVE_FILE,
	CAPTURE_MEMCG_ACTIVE_FILE,
	CAPTURE_MEMCG_UNEVICTABLE,
	NR_CAPTURE_MEMCG_LRU,
};
struct capture_memcg {
	int swappiness;                      /* memory.swappiness (cgroup v1), -1 without one
					      * (cgroup v2: every memcg uses vm.swappiness) */
	uint64_t pages[NR_CAPTURE_MEMCG_LRU]; /* its own, not its descendants' */
	char path[CAPTURE_PATH_MAX];         /* from the hierarchy's root, "/" for the root */
};
/* Write one line per memory cgroup of the hierarchy at ROOT (v1: /sys/fs/cgroup/memory;
 * v2: /sys/fs/cgroup) that holds LRU pages of its own, children before their parent:
 * "SWAPPINESS INACTIVE_ANON ACTIVE_ANON INACTIVE_FILE ACTIVE_FILE UNEVICTABLE PATH", in
 * pages of PAGE_SIZE bytes, after a '#' header line.  Its own pages are memory.stat's
 * inactive_anon .. unevictable (bytes): under v1 the memcg's own, under V2 its subtree's,
 * less its children's.  Returns the lines written, -1 when OUT fails. */
int capture_write_memcgs(const char *root, bool v2, uint64_t page_size, FILE *out);
/* Parse one such line (up to its newline or NUL): 0, or -1 for the header or a malformed
 * one, *m then unchanged and err (if not NULL) saying which column and what is wrong
 * (EX_DATAERR_).  Blanks may stand before each field; SWAPPINESS is -1 or 0..200, the
 * counts decimal without a sign, PATH (the rest of the line) starts with '/'. */
int capture_parse_memcg_err(const char *line, struct capture_memcg *m, struct sim_error *err);
/* The same without the reason. */
int capture_parse_memcg(const char *line, struct capture_memcg *m);

#endif
