/* import_skip.h — the pageblock skip bits (PB_migrate_skip) as a capture began, read from
 * the compaction scanners' walks in the capture (docs/import.md "Skip bits").
 *
 * Both scanners pass over a pageblock without an event when its skip bit is set (6.18
 * isolate_freepages, isolate_migratepages: isolation_suitable), and only compaction sets
 * the bit, on blocks it scanned (each scan is an event).  So a block a walk is seen to pass
 * over before any event of the capture named it had its bit set when the capture began —
 * or was of a kind the scanner passes anyway (not MOVABLE; for the free scanner also a
 * block whose first page is already a free block of the order); the replay sets the bit
 * only on its MOVABLE and CMA blocks for that reason (compaction_capture_start). */
#ifndef MMSIM_IMPORT_SKIP_H
#define MMSIM_IMPORT_SKIP_H

#include <stdbool.h>
#include <stdint.h>

#include "ftrace.h"

/* What the capture first showed of a pageblock. */
enum import_skip_state {
	IMPORT_SKIP_UNSEEN,  /* nothing */
	IMPORT_SKIP_SCANNED, /* a scanner's event (the capture's runs may have set its bit since) */
	IMPORT_SKIP_PASSED,  /* a walk passed over it: skip-marked as the capture began */
};

struct import_skip;

struct import_skip *import_skip_new(void);
void import_skip_free(struct import_skip *sk);
/* Feed one event, in time order (the compaction events; the others are ignored).
 * 0, or -1 when out of memory. */
int import_skip_event(struct import_skip *sk, const struct ftrace_event *ev);
/* The state of the pageblock holding pfn (pageblocks of 2^ZONEINFO_BLOCK_ORDER pages). */
enum import_skip_state import_skip_at(const struct import_skip *sk, uint64_t pfn);
/* Pageblocks found passed over (IMPORT_SKIP_PASSED) in all. */
uint64_t import_skip_passed(const struct import_skip *sk);

#endif
