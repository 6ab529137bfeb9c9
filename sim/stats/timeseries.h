/* timeseries.h — timeseries.tsv: one row of node state per sampling tick (architecture.md §7).
 *
 * Rows go straight to a temporary file next to the final path (atomic_open), so a long
 * run holds no rows in memory; timeseries_commit renames it into place.  The column set
 * is fixed when the file is opened (the populated zones of the node); columns, in order:
 *   time_ns
 *   per populated zone Z: free_Z min_Z low_Z high_Z nr_free_cma_Z buddy_Z_o0 .. buddy_Z_o10
 *   kswapd_active kcompactd_active cma_used_pages
 *   per populated zone Z: unusable_index_Z_o9 frag_index_Z_o9
 * kcompactd_active is 1 when kcompactd did work since the previous row (served a wake-up,
 * or its timeout path — proactive compaction, the threshold defragmenter — compacted a
 * zone; the first row looks back to the open) or a wake-up is queued at the sample time;
 * kcompactd runs in zero simulated time, so this is the model's "was busy in the interval".
 * Watermarks include the boost (what the allocator compares against); the two indices are
 * in thousandths (model.md §5.3; frag_index −1000 means an order-9 block is free).
 * Later columns are appended at the end of the list in timeseries.c (one place).
 */
#ifndef MMSIM_TIMESERIES_H
#define MMSIM_TIMESERIES_H

#include "../common.h"
#include "../mm/mm.h"

/* nr_rows == rows written since open;  fp != NULL  <=>  open and not yet committed/aborted */
struct timeseries {
	struct atomic_file af;
	void *fp; /* FILE *, == af.fp */
	unsigned nr_zones;
	enum zone_type zones[MAX_NR_ZONES]; /* populated zones at open, in zone order */
	unsigned nr_columns;
	uint64_t nr_rows;
	uint64_t kcompactd_work; /* compaction_kcompactd_work at the previous row (or the open) */
};

/* Create the temporary file for PATH and write the header line. */
int timeseries_open(struct timeseries *ts, const char *path, const struct mm *mm, struct sim_error *err);
/* Append one row describing mm at now_ns. */
void timeseries_sample(struct timeseries *ts, const struct mm *mm, sim_ns_t now_ns);
/* Flush and rename into place; the struct is closed afterwards (also on error). */
int timeseries_commit(struct timeseries *ts, struct sim_error *err);
/* Drop the temporary file. Safe on a closed struct. */
void timeseries_abort(struct timeseries *ts);

/* Pages of the CMA areas that are not free (0 with no CMA). */
uint64_t timeseries_cma_used_pages(const struct mm *mm);

#endif
