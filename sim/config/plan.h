/* plan.h — sweep plans (architecture.md §6): a base config, a matrix over dotted keys, zip groups,
 * exclusions and repeats, expanded into the list of runs a sweep performs.
 *
 * Glossary:
 *   dimension  one axis of the cartesian product: a single matrix key, or a zip group of
 *              matrix keys whose value lists advance together
 *   point      one combination of dimension values (after exclusions): base + K=V sets
 *   unit       one (point, repeat) pair: what one `mmsim run` process executes
 *   point id   a file-name-safe, human-readable name of a point, stable across runs
 *
 * Plan file (YAML):
 *   base: ../default.yaml              # config, relative to the plan file
 *   set: {machine.zones.normal: 64MiB} # optional, applied to every point first
 *   matrix: {policy.cma.mode: [none, migrate_cma], machine.zones.normal: [1GiB, 2GiB]}
 *   zip: [[keyA, keyB]]                # optional: keyA[i] goes with keyB[i]
 *   # a named dimension: each value is a label with the keys it sets (a key a label leaves
 *   # out keeps the base's value); point ids show name=label
 *   matrix: {cma: {pre-5.7: {policy.cma.balance_half_free: false}, 5.7+: {...}}}
 *   exclude: [{policy.cma.mode: none, machine.zones.normal: 2GiB}]
 *   repeat: 5                          # default 1
 *   seed: 1                            # default 1
 *   metrics: [counters.compact_stall]  # optional, for reports
 *   seeds: common                      # default per-point (below)
 *   question: "Does ZONE_CMA keep the build as fast as no CMA?"   # report keys:
 *   baseline: mode=none                # the group others are compared against
 *   headline:                          # the metrics that answer the question
 *     - {metric: elapsed_ns, unit: ns, better: lower, label: build time}
 *   published:                         # figures from a paper, shown beside the measured
 *     - {metric: elapsed_ns, group: mode=zone_cma, ratio: 1.011, source: "ZONE_CMA v2"}
 *     - {metric: elapsed_ns, group: mode=none, value: 92.4, unit: s, source: "..."}
 *
 * Seeds: per-point (default) gives every unit its own seed, plan_seed(seed, canon, repeat),
 * so points are independent samples.  `seeds: common` gives repeat r of every point the
 * same seed, plan_seed(seed, "", r): the points then see the same workload draws (common
 * random numbers), and reports compare them pairwise by seed, which cancels the seed's
 * share of the variance.
 *
 * Expansion order: dimensions in the order their first key appears under matrix; the first
 * dimension is outermost (varies slowest).  Units are ordered point-major, then repeat.
 * Invariant: nr_units == nr_points * repeat.
 */
#ifndef MMSIM_PLAN_H
#define MMSIM_PLAN_H

#include "../common.h"

#define PLAN_MAX_ID 200 /* longer ids fall back to "p" + 16 hex digits of the hash */

struct plan_kv {
	char *key;
	char *value;
	unsigned line, col; /* of the value in the plan file (1-based; 0 when unknown) */
};

/* A dimension: nr_keys keys (1, or a zip group), nr_values rows of nr_keys values.
 * values[row * nr_keys + k] is key k's value in that row.  A named dimension (name != NULL)
 * has one label per row (labels[row]) and the union of its rows' keys; a row that does not
 * set key k has values[row * nr_keys + k] == NULL. */
struct plan_dim {
	char *name;     /* named dimension: its name (not a config key); NULL otherwise */
	char **labels;  /* named dimension: nr_values labels */
	unsigned nr_keys;
	char **keys;
	unsigned nr_values;
	char **values;
	unsigned *lines, *cols; /* where each value is in the plan, indexed as values */
};

struct plan_point {
	char id[PLAN_MAX_ID + 20];
	char *canon;           /* "k=v\n" lines, sorted by key: what the seed hashes */
	unsigned nr_sets;      /* fixed sets followed by the matrix sets */
	struct plan_kv *sets;  /* borrowed strings: owned by the plan */
	unsigned nr_labels;    /* one per named dimension: key = its name, value = the label */
	struct plan_kv *labels;
};

struct plan_unit {
	unsigned point;  /* index into points[] */
	unsigned repeat; /* 0 .. repeat-1 */
	uint64_t seed;   /* plan_seed(plan seed, point canon or "" when seeds are common, repeat) */
};

/* Which way a headline metric is better. */
enum plan_better { PLAN_BETTER_NONE, PLAN_BETTER_LOWER, PLAN_BETTER_HIGHER };

/* A metric that answers the plan's question; strings owned by the plan. */
struct plan_headline {
	char *metric;  /* a runset metric name (runset.h) */
	char *unit;    /* the metric's unit: ns, pages, bytes, count, share (plan_units) */
	char *label;   /* for people; the metric name when not given */
	enum plan_better better;
};

/* A published figure: either an absolute value (in unit) of one group, or the ratio of a
 * group's value to the baseline group's.  Invariant: exactly one of has_value, has_ratio. */
struct plan_published {
	char *metric;
	char *group;   /* a selection (plan_sets_match) naming one point */
	char *unit;    /* of value: "s", "ms", "MiB", ... or the headline unit; NULL for ratios */
	char *source;  /* citation, free text */
	double value;
	bool has_value, has_ratio;
	unsigned line, col;  /* of the entry in the plan file */
};

/* Units a headline may name; reports scale them for people (s, ms, MiB). */
extern const char *const plan_units[];

struct plan {
	char path[4096];      /* the plan file */
	char base[4096];      /* base config, resolved against the plan's directory */
	char base_raw[1024];  /* base as written in the plan */
	uint64_t seed;
	unsigned repeat;
	unsigned nr_fixed;
	struct plan_kv *fixed;
	unsigned nr_dims;
	struct plan_dim *dims;
	unsigned nr_excludes;
	unsigned *exclude_len;        /* per exclude entry: number of pairs */
	struct plan_kv **excludes;
	unsigned nr_metrics;
	char **metrics;
	bool common_seeds;            /* seeds: common */
	char *question;               /* NULL when not given */
	char *baseline;               /* selection of the comparison base; NULL: first point */
	unsigned baseline_line, baseline_col;
	unsigned nr_headline;
	struct plan_headline *headline;
	unsigned nr_published;
	struct plan_published *published;
	/* expansion */
	unsigned nr_points;
	struct plan_point *points;
	unsigned nr_units;
	struct plan_unit *units;
};

/* Parse PATH and expand it. Errors are EX_CONFIG_ "file:line:col: msg" (EX_NOINPUT_ when
 * the file cannot be read). On error *plan is left freed. */
int plan_load(struct plan *plan, const char *path, struct sim_error *err);
/* Parse from memory; NAME is used in messages and to resolve `base`. */
int plan_parse(struct plan *plan, const char *name, const char *text, size_t len,
	       struct sim_error *err);
void plan_free(struct plan *plan);

/* The seed of one repeat of a point: splitmix64 over (plan seed ^ FNV-1a-64(canon)),
 * then again with the repeat index added, masked to 53 bits so it survives a JSON double.
 * Depends on nothing else, so it is the same across runs, -j and shards.  With common
 * seeds the plan passes canon "" for every point. */
uint64_t plan_seed(uint64_t plan_seed, const char *canon, unsigned repeat);
uint64_t plan_fnv1a64(const char *s);

/* Shard selection: unit u belongs to shard i of n (1-based) when u % n == i - 1
 * (round-robin, so shards get similar mixes of points). */
bool plan_unit_in_shard(unsigned unit, unsigned shard_i, unsigned shard_n);
/* Parse "I/N" with 1 <= I <= N. */
int plan_parse_shard(const char *s, unsigned *i, unsigned *n);

/* Do the sets hold every key=value of the selection "k=v[,k=v...]"? A selection key
 * matches a set key equal to it or ending in "." + it (so "mode=none" selects
 * policy.cma.mode=none); values compare as strings. */
bool plan_sets_match(const struct plan_kv *sets, unsigned nr_sets, const char *selection);
/* The same over a point's sets and its named dimensions' labels ("cma=zone_cma"). */
bool plan_point_matches(const struct plan_point *pt, const char *selection);

#endif
