/* vmstat_items.h — event counters with the kernel's /proc/vmstat names (model.md §8.4).
 * X-macro: X(enum suffix, printed name).  The order is the kernel's vmstat order, so the
 * vmstat writer prints in the order a developer expects.  Counters that the kernel does
 * not have (simulator-only figures) are at the end and prefixed "mmsim_"; they go to
 * summary.json only, never into the vmstat file. */
#ifndef MMSIM_VMSTAT_ITEMS_H
#define MMSIM_VMSTAT_ITEMS_H

#define VM_EVENT_ITEMS(X)                                                            \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon")                       \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file")                       \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon")                     \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file")                     \
	X(WORKINGSET_RESTORE_ANON, "workingset_restore_anon")                       \
	X(WORKINGSET_RESTORE_FILE, "workingset_restore_file")                       \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write")                                       \
	X(NR_VMSCAN_IMMEDIATE, "nr_vmscan_immediate_reclaim")                       \
	X(NR_DIRTIED, "nr_dirtied")                                                 \
	X(NR_WRITTEN, "nr_written")                                                 \
	X(PGPGIN, "pgpgin")                                                         \
	X(PGPGOUT, "pgpgout")                                                       \
	X(PSWPIN, "pswpin")                                                         \
	X(PSWPOUT, "pswpout")                                                       \
	X(PGALLOC_DMA, "pgalloc_dma")                                               \
	X(PGALLOC_DMA32, "pgalloc_dma32")                                           \
	X(PGALLOC_NORMAL, "pgalloc_normal")                                         \
	X(PGALLOC_MOVABLE, "pgalloc_movable")                                       \
	X(PGALLOC_CMA, "pgalloc_cma")                                               \
	X(ALLOCSTALL_DMA, "allocstall_dma")                                         \
	X(ALLOCSTALL_DMA32, "allocstall_dma32")                                     \
	X(ALLOCSTALL_NORMAL, "allocstall_normal")                                   \
	X(ALLOCSTALL_MOVABLE, "allocstall_movable")                                 \
	X(ALLOCSTALL_CMA, "allocstall_cma")                                         \
	X(PGSKIP_DMA, "pgskip_dma")                                                 \
	X(PGSKIP_DMA32, "pgskip_dma32")                                             \
	X(PGSKIP_NORMAL, "pgskip_normal")                                           \
	X(PGSKIP_MOVABLE, "pgskip_movable")                                         \
	X(PGSKIP_CMA, "pgskip_cma")                                                 \
	X(PGFREE, "pgfree")                                                         \
	X(PGACTIVATE, "pgactivate")                                                 \
	X(PGDEACTIVATE, "pgdeactivate")                                             \
	X(PGFAULT, "pgfault")                                                       \
	X(PGMAJFAULT, "pgmajfault")                                                 \
	X(PGREFILL, "pgrefill")                                                     \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd")                                         \
	X(PGSTEAL_DIRECT, "pgsteal_direct")                                         \
	X(PGSCAN_KSWAPD, "pgscan_kswapd")                                           \
	X(PGSCAN_DIRECT, "pgscan_direct")                                           \
	X(PGSCAN_DIRECT_THROTTLE, "pgscan_direct_throttle")                         \
	X(PGSCAN_ANON, "pgscan_anon")                                               \
	X(PGSCAN_FILE, "pgscan_file")                                               \
	X(PGSTEAL_ANON, "pgsteal_anon")                                             \
	X(PGSTEAL_FILE, "pgsteal_file")                                             \
	X(KSWAPD_LOW_WMARK_HIT_QUICKLY, "kswapd_low_wmark_hit_quickly")             \
	X(KSWAPD_HIGH_WMARK_HIT_QUICKLY, "kswapd_high_wmark_hit_quickly")           \
	X(PAGEOUTRUN, "pageoutrun")                                                 \
	X(PGROTATED, "pgrotated")                                                   \
	X(OOM_KILL, "oom_kill")                                                     \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success")                                   \
	X(PGMIGRATE_FAIL, "pgmigrate_fail")                                         \
	X(COMPACT_MIGRATE_SCANNED, "compact_migrate_scanned")                       \
	X(COMPACT_FREE_SCANNED, "compact_free_scanned")                             \
	X(COMPACT_ISOLATED, "compact_isolated")                                     \
	X(COMPACT_STALL, "compact_stall")                                           \
	X(COMPACT_FAIL, "compact_fail")                                             \
	X(COMPACT_SUCCESS, "compact_success")                                       \
	X(COMPACT_DAEMON_WAKE, "compact_daemon_wake")                               \
	X(COMPACT_DAEMON_MIGRATE_SCANNED, "compact_daemon_migrate_scanned")         \
	X(COMPACT_DAEMON_FREE_SCANNED, "compact_daemon_free_scanned")               \
	X(CMA_ALLOC_SUCCESS, "cma_alloc_success")                                   \
	X(CMA_ALLOC_FAIL, "cma_alloc_fail")                                         \
	X(THP_FAULT_ALLOC, "thp_fault_alloc")                                       \
	X(THP_FAULT_FALLBACK, "thp_fault_fallback")                                 \
	X(SWAP_RA, "swap_ra")                                                       \
	X(SWAP_RA_HIT, "swap_ra_hit")                                               \
	X(MMSIM_FIRST_PRIVATE, "mmsim_first_private")                               \
	X(MMSIM_ALLOC_FAIL, "mmsim_alloc_fail")                                     \
	X(MMSIM_EXTFRAG, "mmsim_extfrag_events")                                    \
	X(MMSIM_EXTFRAG_FRAGMENTING, "mmsim_extfrag_fragmenting")                   \
	X(MMSIM_EXTFRAG_CLAIM, "mmsim_extfrag_change_ownership")                    \
	X(MMSIM_BLOCK_CLAIMS, "mmsim_pageblock_claims")                             \
	X(MMSIM_BOOSTS, "mmsim_watermark_boosts")                                   \
	X(MMSIM_KSWAPD_WAKEUPS, "mmsim_kswapd_wakeups")                             \
	X(MMSIM_HIGHATOMIC_RESERVED, "mmsim_highatomic_reserved_blocks")           \
	X(MMSIM_NOFRAGMENT_RETRY, "mmsim_nofragment_retries")                       \
	X(MMSIM_FREE_UNKNOWN, "mmsim_free_unknown_id")                              \
	X(MMSIM_THP_PART, "mmsim_thp_part_served")                                  \
	X(MMSIM_ALLOC_DUP_ID, "mmsim_alloc_duplicate_id")                          \
	X(MMSIM_LONGTERM_PIN_IN_CMA, "mmsim_longterm_pin_left_in_cma")              \
	X(MMSIM_CMA_BUSY_RETRY, "mmsim_cma_alloc_busy_retry")                       \
	X(MMSIM_PGSTEAL_CMA_AREA, "mmsim_pgsteal_cma_area")                         \
	X(MMSIM_CMA_FAIL_PINNED, "mmsim_cma_fail_pinned")                           \
	X(MMSIM_CMA_FAIL_UNMOVABLE, "mmsim_cma_fail_unmovable")                     \
	X(MMSIM_CMA_FAIL_MIGRATE, "mmsim_cma_fail_migrate")                         \
	X(MMSIM_CMA_FAIL_NOMEM, "mmsim_cma_fail_nomem")                             \
	X(MMSIM_CMA_FAIL_NOSPACE, "mmsim_cma_fail_nospace")                         \
	X(MMSIM_CMA_FAIL_BUSY, "mmsim_cma_fail_busy")                               \
	X(MMSIM_CMA_RECLAIM_CLEAN, "mmsim_cma_reclaim_clean")                       \
	X(MMSIM_CMA_WAIT_WRITEBACK, "mmsim_cma_wait_writeback")                     \
	X(MMSIM_MIGRATE_FAIL_PINNED, "mmsim_migrate_fail_pinned")                   \
	X(MMSIM_MIGRATE_FAIL_WRITEBACK, "mmsim_migrate_fail_writeback")             \
	X(MMSIM_MIGRATE_FAIL_DIRTY, "mmsim_migrate_fail_dirty")                     \
	X(MMSIM_MIGRATE_FAIL_NONLRU, "mmsim_migrate_fail_nonlru")                   \
	X(MMSIM_MIGRATE_FAIL_UNMOVABLE, "mmsim_migrate_fail_unmovable")             \
	X(MMSIM_MIGRATE_FAIL_NOMEM, "mmsim_migrate_fail_nomem")                     \
	X(MMSIM_MIGRATE_SPLIT, "mmsim_migrate_split")                               \
	X(MMSIM_MIGRATE_NONLRU_RECLAIMED, "mmsim_migrate_nonlru_reclaimed")         \
	X(MMSIM_COMPACT_DEFERRED, "mmsim_compact_deferred")                         \
	X(MMSIM_COMPACT_RUNS, "mmsim_compact_runs")                                 \
	X(MMSIM_COMPACT_MANUAL, "mmsim_compact_manual")                             \
	X(MMSIM_COMPACT_PROACTIVE, "mmsim_compact_proactive_runs")                  \
	X(MMSIM_COMPACT_DEFRAG_RUNS, "mmsim_compact_defrag_runs")                   \
	X(MMSIM_COMPACT_NS, "mmsim_compact_ns")                                     \
	X(MMSIM_DRAIN_ALL_PAGES, "mmsim_drain_all_pages")                           \
	X(MMSIM_DRAIN_ALL_PAGES_PAGES, "mmsim_drain_all_pages_pages")               \
	X(MMSIM_COMPACT_DRAIN_ALL_PAGES, "mmsim_compact_drain_all_pages")           \
	X(MMSIM_COMPACT_DRAIN_PAGES, "mmsim_compact_drain_pages")                   \
	X(MMSIM_HIGHORDER_SLOWPATH, "mmsim_highorder_slowpath")                     \
	X(MMSIM_MAPPING_POOL_HIT, "mmsim_mapping_pool_hits")                        \
	X(MMSIM_MAPPING_POOL_MISS, "mmsim_mapping_pool_misses")                     \
	X(MMSIM_MAPPING_POOL_REFILL, "mmsim_mapping_pool_refills")                  \
	X(MMSIM_MAPPING_POOL_REFILL_FAIL, "mmsim_mapping_pool_refill_fail")         \
	X(MMSIM_MAPPING_POOL_REFILL_NS, "mmsim_mapping_pool_refill_ns")             \
	X(MMSIM_HINT_PAGES, "mmsim_hint_pages")                                     \
	X(MMSIM_HINT_NS, "mmsim_hint_ns")                                           \
	X(MMSIM_REFAULT_UNTRACED, "mmsim_refault_untraced")                         \
	X(MMSIM_EASY_SCANNED, "mmsim_easy_scanned")                                 \
	X(MMSIM_EASY_RECLAIMED, "mmsim_easy_reclaimed")                             \
	X(MMSIM_EASY_RESCANNED, "mmsim_easy_rescanned")                             \
	X(MMSIM_PGMIGRATE_EASY, "mmsim_pgmigrate_easy")                             \
	X(MMSIM_LOWMEM_WARNED_STALL, "mmsim_lowmem_warned_stalls")                  \
	X(MMSIM_LOWMEM_MISS, "mmsim_lowmem_misses")                                 \
	X(MMSIM_LOWMEM_FALSE_ALARM, "mmsim_lowmem_false_alarms")                    \
	X(MMSIM_PGSCAN_PREMATURE, "mmsim_pgscan_premature")                         \
	X(MMSIM_PGSTEAL_PREMATURE, "mmsim_pgsteal_premature")                       \
	X(MMSIM_PGSTEAL_MOVABLE_AREA, "mmsim_pgsteal_movable_area")                 \
	X(MMSIM_PGSTEAL_MOVABLE_AREA_AGE, "mmsim_pgsteal_movable_area_age_us")      \
	X(MMSIM_PGSTEAL_OUTSIDE, "mmsim_pgsteal_outside_area")                      \
	X(MMSIM_PGSTEAL_OUTSIDE_AGE, "mmsim_pgsteal_outside_area_age_us")

enum vm_event_item {
#define VM_X(e, name) VM_##e,
	VM_EVENT_ITEMS(VM_X)
#undef VM_X
	NR_VM_EVENTS
};
extern const char *const vm_event_names[NR_VM_EVENTS];

#endif
