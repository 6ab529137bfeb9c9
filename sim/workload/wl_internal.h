/* wl_internal.h — the generator framework shared by the sim/workload generators.
 *
 * Glossary:
 *   kind      one generator (churn, kbuild, ...): a parameter table and init/step/fini
 *   state     the kind's struct: parameters first (filled from the table), then run state
 *   pending   a record scheduled for a future time (a free at the end of a lifetime, an
 *             access, an unpin, a cma_release); kept in one min-heap ordered (time, seq)
 *   step      the kind acting at its next action time: it may schedule records at times
 *             >= now and returns its following action time
 *
 * Ordering rule: before a kind steps at time t, every pending record with time <= t has
 * been returned, so live_pages seen by step is exact at t, and records come out in
 * non-decreasing time.  Ties keep scheduling order (seq), as the engine breaks ties.
 *
 * ALLOC, CMA_ALLOC and PIN are only ever scheduled at `now`, so ending the stream never
 * leaves a scheduled free whose alloc was not returned (see drain in workload.c).
 */
#ifndef MMSIM_WL_INTERNAL_H
#define MMSIM_WL_INTERNAL_H

#include "workload.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../kernel/mmtypes.h"
#include "wl_gfp.h"

#define WL_NEVER UINT64_MAX   /* action time of a kind with nothing more to do */
#define WL_TIME_MAX 10000000000000000000ull /* ~317 years: later action times end the kind */
#define WL_MAX_WEIGHTS 16     /* orders 0..10 need 11 */
#define WL_MAX_STREAMS 32
#define WL_TASK_BASE 1000u    /* task ids are WL_TASK_BASE + index: plausible pids */

enum wl_param_type {
	WLP_U64,      /* uint64_t, integer in [min, max] */
	WLP_DOUBLE,   /* double in [min, max] */
	WLP_PAGES,    /* uint64_t pages from a size "512MiB" (bare: bytes; rounded up to pages) */
	WLP_DURATION, /* sim_ns_t from "100ms"; a bare number is ns */
	WLP_BOOL,     /* bool from true/false/yes/no */
	WLP_ENUM,     /* unsigned index into names[] */
	WLP_WEIGHTS,  /* struct wl_weights from a sequence [w0, w1, ...] or "w0,w1,..." */
	WLP_BYTES,    /* double bytes/s from a bandwidth: "200MiB", "500MB/s" (sim/lib/units.h) */
	NR_WLP_TYPES
};

struct wl_weights {
	unsigned n;
	double w[WL_MAX_WEIGHTS];
};

struct wl_param {
	const char *key;     /* dotted path as in YAML: "lifetime.mean" */
	enum wl_param_type type;
	size_t offset;       /* into the kind's state (or struct wl_common) */
	const char *def;     /* default, as YAML text: one parser for defaults and input */
	double min, max;     /* range for U64/DOUBLE/PAGES/DURATION(ns)/WEIGHTS entries */
	const char *const *names; /* WLP_ENUM: NULL-terminated */
	const char *doc;
};

struct workload;

struct wl_kind {
	const char *name;
	const char *doc;
	const struct wl_param *params;
	unsigned nr_params;
	size_t state_size;
	bool ends_by_itself; /* a script that finishes: may run without duration/records */
	/* Validate parameters and set up; may call wl_stream.  Errors via wl_param_error. */
	int (*init)(struct workload *w, void *state, struct sim_error *err);
	/* Act at wl_now(w); return the next action time (> now, or WL_NEVER). */
	sim_ns_t (*step)(struct workload *w, void *state);
	void (*fini)(void *state);
};

extern const struct wl_kind wl_kind_churn, wl_kind_kbuild, wl_kind_stream_write,
	wl_kind_anon_ws, wl_kind_highalloc, wl_kind_compaction_test, wl_kind_camera, wl_kind_phases;
extern const struct wl_kind wl_kind_defrag_bursts;

/* Framework services for kinds. */
sim_ns_t wl_now(const struct workload *w);
/* A generator-owned GSL stream named for its component; seeded from (seed, name) only. */
gsl_rng *wl_stream(struct workload *w, const char *component);
/* The same stream outside a workload (the caller frees it with gsl_rng_free). */
gsl_rng *wl_rng_named(uint64_t seed, const char *component);
uint64_t wl_new_id(struct workload *w);
/* Reserve n consecutive ids (returns the first) for objects allocated later with
 * wl_alloc_id_now, so a file's pages keep consecutive ids whatever interleaves. */
uint64_t wl_reserve_ids(struct workload *w, uint64_t n);
uint64_t wl_live_pages(const struct workload *w);
void wl_count_throttled(struct workload *w);
/* Schedule rec (rec->time_ns >= now).  live_delta_pages moves live_pages when the record
 * is returned (+2^order for an alloc, -2^order for its free). */
void wl_schedule(struct workload *w, const struct trace_record *rec, int64_t live_delta_pages);
/* Shorthands: an ALLOC now (returns its id) and a FREE at time_ns. */
uint64_t wl_alloc_now(struct workload *w, uint32_t task, unsigned order, uint32_t gfp);
void wl_alloc_id_now(struct workload *w, uint64_t id, uint32_t task, unsigned order, uint32_t gfp);
void wl_sched_simple(struct workload *w, enum trace_kind kind, sim_ns_t time_ns, uint32_t task,
		     uint64_t id, int32_t arg);
void wl_sched_free(struct workload *w, sim_ns_t time_ns, uint32_t task, uint64_t id,
		   unsigned order);
/* An error about parameter key, located where the key was set ("file:line:col: key: ...",
 * or "file: key: ..." for a default). Returns -1. */
int wl_param_error(struct workload *w, struct sim_error *err, const char *key, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

/* A double time in ns as sim_ns_t: WL_NEVER at or past WL_TIME_MAX (no UB, no wrap). */
static inline sim_ns_t wl_ns_from_double(double ns)
{
	return ns >= (double)WL_TIME_MAX ? WL_NEVER : ns < 0 ? 0 : (sim_ns_t)ns;
}

/* Lifetime distributions, shared by kinds. */
enum wl_lifetime_dist { WL_LIFE_EXPONENTIAL, WL_LIFE_LOGNORMAL, WL_LIFE_FIXED, NR_WL_LIFE_DISTS };
extern const char *const wl_lifetime_names[]; /* NULL-terminated */
/* Draw a lifetime in ns with the given mean; lognormal uses sigma (of the log). */
sim_ns_t wl_draw_lifetime(gsl_rng *r, unsigned dist, sim_ns_t mean_ns, double sigma);
/* A gsl_ran_discrete table from weights; NULL (with error) when all weights are 0. */
gsl_ran_discrete_t *wl_discrete(struct workload *w, const struct wl_weights *wt, const char *key,
				struct sim_error *err);

/* Parameter parsing (wl_params.c). */
int wl_parse_value(const struct wl_param *p, void *base, const char *text, char *why,
		   size_t why_len);
int wl_parse_weights_seq(const struct wl_param *p, void *base, const char *const *items,
			 unsigned n, char *why, size_t why_len);
void wl_format_value(const struct wl_param *p, const void *base, char *buf, size_t len);

#endif
