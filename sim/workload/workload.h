/* workload.h — synthetic workload generators (architecture.md §5 "Generators").
 *
 * A workload YAML names `generator: <kind>` plus that kind's parameters, a `seed`, and a
 * `duration` and/or a `records` budget.  The generator produces a stream of trace records
 * of workload *intent* (sim/trace/trace.h), in non-decreasing time, deterministically for a
 * seed: every generator component draws from its own GSL stream, so changing one
 * component's parameters never shifts another component's numbers.
 *
 * Two ways to consume it:
 *   - in-process, pulled one record at a time (workload_next), as the simulator does for
 *     `workload.generator:` in a run config;
 *   - `mmsim gen WORKLOAD.yaml -o TRACE`, which writes the same stream to a trace file.
 *
 * Kinds: churn, kbuild, stream_write, anon_ws, highalloc, compaction_test, camera, zram, noreuse,
 * defrag_bursts
 * (workloads/README.md documents every key; `mmsim gen --help` lists them).
 */
#ifndef MMSIM_WORKLOAD_H
#define MMSIM_WORKLOAD_H

#include "../common.h"
#include "../trace/trace.h"

struct workload;

/* Changes applied over the YAML file, in this order: each "dotted.key=value" of sets
 * (same parser and checks as the YAML scalar), then the seed when has_seed. */
struct workload_overrides {
	bool has_seed;
	uint64_t seed;
	const char *const *sets;
	unsigned nr_sets;
};

/* Open a workload file.  ov may be NULL.  Missing file: EX_NOINPUT_; bad YAML, unknown
 * keys, bad values: EX_CONFIG_ with "file:line:col: message". */
struct workload *workload_open(const char *path, const struct workload_overrides *ov,
			       struct sim_error *err);
/* The same from YAML text in memory; name is used in error messages. */
struct workload *workload_open_mem(const char *name, const char *text, size_t len,
				   const struct workload_overrides *ov, struct sim_error *err);

/* Returns 1 with *rec filled, 0 at the end of the workload, -1 on error (err filled).
 * Records come out in non-decreasing time_ns. */
int workload_next(struct workload *w, struct trace_record *rec, struct sim_error *err);

/* Provenance for a trace header: generator, seed, workload file and every parameter as
 * "param.<key>".  Appends to h (which the caller has initialised) without trace.c. */
void workload_fill_header(const struct workload *w, struct trace_header *h);

/* Figures of the stream so far. */
struct workload_stats {
	uint64_t nr_records;             /* records returned */
	uint64_t nr_by_kind[NR_TRACE_KINDS];
	uint64_t live_pages;             /* allocated and not yet freed (ALLOC/CMA_ALLOC pages) */
	uint64_t peak_live_pages;        /* max of live_pages over the stream */
	uint64_t nr_throttled;           /* allocations skipped at the footprint target */
	sim_ns_t end_ns;                 /* time generation stopped (0 while running) */
};
void workload_get_stats(const struct workload *w, struct workload_stats *st);

const char *workload_generator_name(const struct workload *w);
uint64_t workload_seed(const struct workload *w);

void workload_close(struct workload *w);

/* Print every generator kind and its keys with defaults and documentation. */
void workload_print_help(void *fp /* FILE * */);

/* The warm-up of an aged machine (gen_age.c, model.md §2.10): a record stream, seeded,
 * that the simulator replays before the trace.  Its objects and tasks are numbered from
 * the bases below, a range no trace may use when machine.age.mode is aged. */
#define WL_AGE_ID_BASE 0xffffff0000000000ull
#define WL_AGE_TASK_BASE 0xffffff00u
struct machine_age_config;
struct wl_age;
/* nr_pages: the machine's present pages (the percentages of cfg are of it). */
struct wl_age *wl_age_open(const struct machine_age_config *cfg, uint64_t seed, uint64_t nr_pages,
			   struct sim_error *err);
/* A record source's next(): 1 with *rec filled, 0 at the end; ctx is the struct wl_age. */
int wl_age_next(void *ctx, struct trace_record *rec, struct sim_error *err);
/* Pages the stream leaves allocated, per class (what the survivors add up to). */
struct wl_age_stats {
	uint64_t nr_records;
	uint64_t unmovable_pages, reclaimable_pages, pagecache_pages; /* live at the end */
};
void wl_age_get_stats(const struct wl_age *a, struct wl_age_stats *st);
void wl_age_close(struct wl_age *a);

#endif
