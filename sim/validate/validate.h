/* validate.h — replay real captures and score the simulator against the kernel that
 * recorded them (`mmsim validate`, docs/validation.md).
 *
 * Each capture directory (sim/trace/capture.h) is imported and run on its own machine
 * (`mmsim import DIR`, then `mmsim run` of the replay config it writes) in a temporary
 * directory, and its figures are set side by side:
 *   observed   the kernel's: the after - before /proc/vmstat delta of the capture, or the
 *              count of the capture's own events (summary.json "observed", docs/import.md)
 *   simulated  the replay's summary.json "counters" (the same counterparts `mmsim compare`
 *              pairs for a run of an imported trace)
 * A figure the capture cannot tell (counter absent, event not enabled) has no observed
 * value; one the simulator does not count has no simulated value: neither is guessed.
 *
 * Scores per capture, over the key figures that have both values:
 *   within_2x       figures with 1/2 <= sim/obs <= 2 (0 vs 0 counts as within; obs 0 with
 *                   sim > 0 does not), or, for a node counter, |sim - obs| <= its slack
 *   median_log2     median of |log2((sim + 1) / (obs + 1))|  (+1 so a zero stays finite)
 * and per zone, between the capture's after.buddyinfo and the replay's final buddyinfo:
 *   distance        sum over orders of |log2((sim_o + 1) / (obs_o + 1))|
 *   free_hi         the free memory's fraction in blocks of order >= 9, observed and simulated
 */
#ifndef MMSIM_VALIDATE_H
#define MMSIM_VALIDATE_H

#include "../common.h"

#include <stdio.h>

#define VALIDATE_MAX_FIGURES 40
#define VALIDATE_MAX_ZONES 8
#define VALIDATE_ORDERS 11     /* MAX_PAGE_ORDER + 1 columns of /proc/buddyinfo */
#define VALIDATE_HI_ORDER 9    /* pageblock order: "free at order >= 9" */

struct validate_figure {
	const char *name;
	bool key;                  /* one of the key figures the scores are over */
	bool have_obs, have_sim;
	double obs, sim;
	const char *obs_source;    /* "vmstat" or "trace" (NULL when !have_obs) */
	/* Left out of obs and sim when the import gave the replay part of the figure
	 * (given: the capture's share the trace cannot show, and the replay's given share) */
	bool given;
	double given_obs, given_sim;
	/* A node counter's observed delta is uncertain by up to slack pages or events (the
	 * per-CPU diffs /proc/vmstat does not show, validate_counter_slack); 0: exact */
	double slack;
	/* With several prefill seeds (validate --seeds): sim is the median over the seeds'
	 * replays, sim_min..sim_max their spread; one seed: all three the same. */
	double sim_min, sim_max;
};

struct validate_zone {
	char name[16];
	bool have_obs, have_sim;
	double obs[VALIDATE_ORDERS], sim[VALIDATE_ORDERS];
	double distance;           /* when both */
	double obs_free_hi, sim_free_hi;
};

struct validate_capture {
	char name[256];            /* the directory's base name */
	char dir[4096];
	char error[512];           /* non-empty: the replay failed, nothing else is set */
	char kernel[128];          /* from capture.json, when there is one */
	double seconds;            /* replay wall time (import + run) */
	/* summary.json records and records_unissued: records left in a task's backlog when the
	 * replay ended (it was blocked in a wait nothing would end).  Non-zero: the figures cover
	 * only the records issued, and the table says so. */
	double records, records_unissued;
	unsigned nr_figures;
	struct validate_figure fig[VALIDATE_MAX_FIGURES];
	unsigned nr_key, nr_key_known, nr_within;
	double median_log2;        /* NAN when no key figure is known */
	unsigned nr_seeds;         /* replays merged (validate_merge_seeds); 1: one replay */
	unsigned within_min, within_max; /* nr_within of the single seeds' replays (nr_seeds > 1) */
	unsigned nr_zones;
	struct validate_zone zone[VALIDATE_MAX_ZONES];
};

struct validate_result {
	size_t nr;
	struct validate_capture *cap;
};

struct validate_control {
	const char *mmsim;         /* the mmsim binary that imports and runs */
	char *const *paths;        /* capture directories, or directories of them */
	size_t nr_paths;
	const char *keep;          /* NULL: replays in a temporary directory, removed after;
				    * else kept as KEEP/<name>/ */
	FILE *log;                 /* one progress line per capture; NULL: none */
	unsigned seeds;            /* replays per capture, prefill seeds 0..seeds-1 (0 or 1: one) */
};

#define VALIDATE_MAX_SEEDS 64

/* Merge one capture's replays under n prefill seeds (n <= VALIDATE_MAX_SEEDS, each scored
 * by validate_score) into vc: per simulated figure and buddyinfo order the median over the
 * seeds, the figure's min and max beside it, the scores taken again on the medians. */
void validate_merge_seeds(struct validate_capture *vc, const struct validate_capture *seed, unsigned n);

/* Replay every capture.  A capture whose replay fails is reported (error) and the others
 * still run; err only for a path that is no capture at all (EX_NOINPUT_) or no room. */
int validate_run(const struct validate_control *vc, struct validate_result *res, struct sim_error *err);
void validate_result_free(struct validate_result *res);

/* Score one capture from its files alone: CAP_DIR's after.buddyinfo, before/after.vmstat and
 * before/after.zoneinfo (the counters' slack),
 * the replay's RUN_DIR/summary.json and RUN_DIR/buddyinfo.  Used by validate_run, and by
 * tests on hand-made directories. */
int validate_score(const char *cap_dir, const char *run_dir, struct validate_capture *vcap,
		   struct sim_error *err);

/* The scoreboard as text (one table per capture, then one line per capture) or JSON
 * ("format": "mmsim-validate"). */
void validate_write_text(const struct validate_result *res, FILE *fp);
void validate_write_json(const struct validate_result *res, FILE *fp);

/* The most a /proc/vmstat snapshot's node counter can be short of (or past) the truth:
 * the sum over nodes and CPUs of the node's per-cpu stat threshold, the largest of its
 * zones' "vm stats threshold" lines in /proc/zoneinfo text; 0 when it has none. */
double validate_counter_slack(const char *zoneinfo);
/* Whether figure F (both values known) counts as within: 1/2 <= sim/obs <= 2, 0 only
 * against 0, or |sim - obs| <= its slack. */
bool validate_figure_within(const struct validate_figure *f);

/* Parse /proc/buddyinfo text: zones by name (nodes summed) into Z (at most max). */
unsigned validate_parse_buddyinfo(const char *text, struct validate_zone *z, unsigned max, bool sim);

#endif
