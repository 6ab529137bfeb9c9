/* runset.h — sets of finished runs grouped by point, as `mmsim compare`, `mmsim report`,
 * `mmsim sweep` and `mmsim merge` see them, plus the sweep output directory layout.
 *
 * Sweep output directory (docs/sweeps.md):
 *   DIR/plan.yaml             verbatim copy of the plan (a rerun with another plan is refused)
 *   DIR/points.tsv            one line per unit of the whole plan (every shard writes the same)
 *   DIR/runs/<id>/r<k>/       one `mmsim run` directory per unit, renamed into place only
 *                             when the run succeeded: it exists <=> the unit is done
 *   DIR/runs/<id>/r<k>.tmp.<pid>/  a run in progress (removed by the next sweep if stale)
 *   DIR/failed/<id>.r<k>.log  config, command and stderr of a failed unit (removed on success)
 *   DIR/results.tsv           per point and metric: n, mean, stddev, min, max, 95% CI
 * Nothing in plan.yaml, points.tsv, runs/ or results.tsv depends on time, host or -j, so a
 * merge of shards is byte-identical to an unsharded sweep.
 *
 * A metric is a numeric leaf of summary.json under "counters", "latency", "alloc_outcome"
 * or "daemons", or the top-level "elapsed_ns" or "records_skipped_killed", named by its
 * dotted path through the nested objects ("latency.movable.p99_ns",
 * "alloc_outcome.highorder.failed", "daemons.kswapd_cpu_share").  ("observed" figures come
 * from the trace, not the run.)
 */
#ifndef MMSIM_RUNSET_H
#define MMSIM_RUNSET_H

#include "../common.h"
#include "json.h"

#define RUNSET_POINTS_HEADER "# unit\tpoint\trepeat\tseed\tsets...\n"

struct runset_run {
	char *dir;                   /* the run directory */
	struct json_value *summary;  /* its summary.json */
};

/* One point: the repeats of one configuration.
 * Invariants: metric_values[m] holds one value per run that has metric m (<= nr_runs);
 *   metric_hash has metric_hash_cap slots (0 or a power of two >= 2 * nr_metrics), each 0
 *   (empty) or m + 1 for metric m, placed by linear probing from the hash of its name. */
struct runset_group {
	char *label;   /* point id, or the directory's base name */
	char *path;    /* what the user named, or DIR/runs/<id> */
	char *sets;    /* "k=v k=v" when known from points.tsv, else "" */
	size_t nr_runs;
	struct runset_run *runs;
	size_t nr_metrics;
	char **metric_names;   /* first-seen order over the runs */
	size_t *nr_values;
	double **metric_values;
	size_t *metric_hash;   /* name -> index + 1, so lookups stay O(1) at 10^5 metrics */
	size_t metric_hash_cap;
};

/* Metrics loaded from summary.json "observed_vs_simulated" (imported traces):
 * "observed_vs_simulated.<figure>.observed" and "....simulated". */
#define COMPARE_OBSERVED_PREFIX "observed_vs_simulated"

struct runset {
	size_t nr_groups;
	struct runset_group *groups;
};

/* Add what ARG names: a run directory (has summary.json) -> one group of one run; a point
 * directory (has r<k>/summary.json) -> one group; a sweep directory (has points.tsv) ->
 * one group per point with at least one finished run, or with "DIR:k=v,k=v" only the points
 * whose sets match (plan_sets_match).  EX_NOINPUT_ when nothing is found there. */
int runset_add(struct runset *rs, const char *arg, struct sim_error *err);
void runset_free(struct runset *rs);
/* Index of METRIC in G, or -1.  O(1) expected. */
long runset_metric_index(const struct runset_group *g, const char *metric);

/* The values of METRIC in the runs of A and B that share a seed (summary.json "seed"),
 * pairs in A's run order: a[i] and b[i] come from runs with one seed.  With a plan's
 * `seeds: common` every repeat of one point has its twin in every other point.  Returns
 * the number of pairs (at most CAP). */
size_t runset_pair_by_seed(const struct runset_group *a, const struct runset_group *b,
			   const char *metric, double *va, double *vb, size_t cap);

/* A paired comparison of B against A (d_i = b_i - a_i over n pairs):
 *   mean, 95% CI   mean(d) ± t_{0.975, n-1} · sd(d) / √n
 *   paired t       t = mean(d) / (sd(d) / √n), df = n - 1, p two-sided (GSL)
 *   Wilcoxon       signed-rank test, zero differences dropped, tied |d| get mid-ranks,
 *                  exact two-sided p from the permutation distribution of W+ (all 2^m sign
 *                  assignments, counted by rank-sum dynamic programming)
 * p values are NaN when the test has nothing to say: n < 3, or sd(d) == 0 (every pair
 * differs by the same amount, so the difference is deterministic, not noise) — `why`
 * then says which. */
struct runset_paired {
	size_t n;
	double mean, median, ci_lo, ci_hi;
	double t_p, wilcoxon_p;
	const char *why; /* NULL when the tests ran */
};
void runset_paired_stats(const double *a, const double *b, size_t n, struct runset_paired *out);
/* The median of N values (sorted in place); 0 when N is 0. */
double runset_median(double *v, size_t n);

/* Recompute DIR/results.tsv from DIR/points.tsv and the finished runs (atomically). */
int runset_write_results(const char *sweep_dir, struct sim_error *err);

/* Filesystem helpers for sweep directories. */
int runset_mkdir_p(const char *path, struct sim_error *err);
int runset_rm_rf(const char *path);
/* Copy directory SRC to DST (hard links where possible), DST must not exist. */
int runset_copy_tree(const char *src, const char *dst, struct sim_error *err);
/* Read a whole file (NUL-terminated); NULL with err set on failure. */
char *runset_read_file(const char *path, size_t *len, struct sim_error *err);
bool runset_is_dir(const char *path);
bool runset_is_file(const char *path);

#endif
