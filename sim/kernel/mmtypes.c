#include "mmtypes.h"

const char *const migratetype_names[NR_MIGRATETYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};
_Static_assert(ARRAY_SIZE(migratetype_names) == NR_MIGRATETYPES, "names");

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable", "CMA" };
_Static_assert(ARRAY_SIZE(zone_names) == MAX_NR_ZONES, "names");
const char *const zone_keys[MAX_NR_ZONES] = { "dma", "dma32", "normal", "movable", "cma" };
_Static_assert(ARRAY_SIZE(zone_keys) == MAX_NR_ZONES, "names");

const char *const cma_mode_names[NR_CMA_MODES] = { "none", "migrate_cma", "sticky_movable", "zone_cma" };
_Static_assert(ARRAY_SIZE(cma_mode_names) == NR_CMA_MODES, "names");

const char *const sticky_reading_names[NR_STICKY_READINGS] = { "literal", "accounted" };
_Static_assert(ARRAY_SIZE(sticky_reading_names) == NR_STICKY_READINGS, "names");

const char *const cma_placement_names[NR_CMA_PLACEMENTS] = { "high", "low" };
_Static_assert(ARRAY_SIZE(cma_placement_names) == NR_CMA_PLACEMENTS, "names");

const char *const reclaim_policy_names[NR_RECLAIM_POLICIES] = { "classic", "ereclaimable", "cflru" };
_Static_assert(ARRAY_SIZE(reclaim_policy_names) == NR_RECLAIM_POLICIES, "names");

const char *const defrag_trigger_names[NR_DEFRAG_TRIGGERS] = { "failure", "threshold", "proactive" };
_Static_assert(ARRAY_SIZE(defrag_trigger_names) == NR_DEFRAG_TRIGGERS, "names");

const char *const nonlru_migration_names[NR_NONLRU_MIGRATIONS] = { "handler", "reclaim", "pin" };
_Static_assert(ARRAY_SIZE(nonlru_migration_names) == NR_NONLRU_MIGRATIONS, "names");

const char *const pinned_migration_names[NR_PINNED_MIGRATIONS] = { "never", "callback" };
_Static_assert(ARRAY_SIZE(pinned_migration_names) == NR_PINNED_MIGRATIONS, "names");

const char *const replay_mode_names[NR_REPLAY_MODES] = { "open", "closed" };
_Static_assert(ARRAY_SIZE(replay_mode_names) == NR_REPLAY_MODES, "names");
