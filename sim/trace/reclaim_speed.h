/* reclaim_speed.h — the captured machine's reclaim cost per page, measured from its own
 * vmscan events (docs/import.md "Machine speed").
 *
 * shrink_inactive_list (6.18) traces mm_vmscan_lru_isolate when isolate_lru_folios has
 * taken its batch off the list, then works the batch (shrink_folio_list: rmap walks,
 * unmapping, pageout, freeing; move_folios_to_lru) and traces
 * mm_vmscan_lru_shrink_inactive.  The time between the two events of one task is that
 * batch's work and nothing else of reclaim's (shrink_active_list, other memcgs, slab
 * shrinking all lie outside the pair); being scheduled out or interrupted inside it is
 * not, so the figure is a page-weighted median over batches.  Batches are told apart:
 *   RSPEED_FILE        file batches: ns per page reclaimed
 *   RSPEED_ANON        anon batches that wrote nothing: ns per page reclaimed
 *   RSPEED_SWAP_WRITE  anon batches that wrote to swap (mm_vmscan_write_folio of the task
 *                      between the pair): ns per page written, less the batch's reclaimed
 *                      pages at the RSPEED_ANON rate (add_to_swap, unmap, swap_writeout)
 *   RSPEED_ACTIVE      shrink_active_list's batches (lru_isolate of an active list to
 *                      lru_shrink_active): ns per page taken
 *   RSPEED_MIGRATE     migrate_pages calls (mm_migrate_pages_start to mm_migrate_pages of
 *                      one task) during which the compaction free scanner did not run (no
 *                      mm_compaction_*isolate_freepages of the task between: compaction_alloc
 *                      scans from inside migrate_pages, 6.18, and the replay charges that
 *                      scan apart): ns per page migrated (nr_succeeded)
 * A figure from fewer than RSPEED_MIN_BATCHES batches is not measured.  Trace times are
 * often whole microseconds: a batch's time is then off by up to 1 us either way. */
#ifndef MMSIM_TRACE_RECLAIM_SPEED_H
#define MMSIM_TRACE_RECLAIM_SPEED_H

#include "ftrace.h"

#include <stdbool.h>
#include <stdint.h>

enum rspeed_kind { RSPEED_FILE, RSPEED_ANON, RSPEED_SWAP_WRITE, RSPEED_ACTIVE, RSPEED_MIGRATE, NR_RSPEED };
extern const char *const rspeed_kind_names[NR_RSPEED];
/* The `costs.` key each figure sets in a replay config (NULL: RSPEED_ACTIVE, not applied). */
extern const char *const rspeed_cost_keys[NR_RSPEED];

#define RSPEED_MIN_BATCHES 32
#define RSPEED_TASKS 64 /* reclaimers followed at once (kswapd and direct reclaimers) */

struct rspeed_sample {
	uint64_t ns, pages, reclaimed; /* reclaimed: of a swap-writing batch */
};

struct reclaim_speed {
	struct rspeed_pending {
		uint32_t pid;
		uint8_t lru;      /* ftrace LRU_ISOLATE result; 0xff: slot free */
		uint64_t t_ns, writes;
	} pend[RSPEED_TASKS];
	unsigned next_victim;
	struct rspeed_sample *s[NR_RSPEED];
	size_t nr[NR_RSPEED], cap[NR_RSPEED];
};

/* The figures: ns per page (measured: from RSPEED_MIN_BATCHES batches or more), the
 * batches and pages behind each. */
struct rspeed_result {
	bool measured[NR_RSPEED];
	uint64_t ns_per_page[NR_RSPEED];
	uint64_t batches[NR_RSPEED], pages[NR_RSPEED];
};

void rspeed_init(struct reclaim_speed *r);
void rspeed_destroy(struct reclaim_speed *r);
/* Feed one event (any id; the vmscan ones count), in time order.  -1: out of memory. */
int rspeed_event(struct reclaim_speed *r, const struct ftrace_event *ev);
void rspeed_result(const struct reclaim_speed *r, struct rspeed_result *out);

#endif
