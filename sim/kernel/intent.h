/* intent.h — the workload-intent kinds a trace record carries and mm acts on: pin kinds
 * (FOLL_LONGTERM GUP vs a short I/O pin), page-cache hints (fadvise/madvise) and the
 * compact_node marker.  Both the trace encodings (sim/trace) and the model (sim/mm) speak
 * them, so they live below both; the text spellings stay with the trace format. */
#ifndef MMSIM_INTENT_H
#define MMSIM_INTENT_H

#include "../common.h"

/* A PIN record's kind: FOLL_LONGTERM (pin_user_pages with migration out of CMA / Movable
 * first, as check_and_migrate_movable_folios() in 6.12), a short pin held during I/O, or an
 * owner pin: a long-term reference whose holder can move the page itself (the aio ring's
 * pages and aio_migrate_folio; Minchan Kim's pin-owner callbacks, 2013), which
 * policy.migration.pinned says whether migration may use. */
enum trace_pin_kind { PIN_LONGTERM, PIN_SHORT, PIN_OWNER, NR_PIN_KINDS };

/* A HINT record's kind: POSIX_FADV_NOREUSE, MADV_FREE-like volatile ranges,
 * POSIX_FADV_DONTNEED, invalidate_mapping_pages(), movable_ops: the owner of a
 * just-allocated object (a zsmalloc / zbud-like driver) registers movable_operations for
 * its pages (__SetPageMovable / set_movable_ops in 6.12), so they are non-LRU movable; and
 * mlock: mlock(2) of the object's pages (mlock_folio), which puts them on the unevictable
 * list: never reclaimed, still migrated unless vm.compact_unevictable_allowed is 0; and
 * sync: fsync(2) / fdatasync(2) of the file the object caches a page of: a dirty page is
 * written now (__filemap_fdatawrite_range, WB_SYNC_ALL); and refault: the object's page cache
 * page, just added, refaults a page evicted before the trace began whose shadow entry was
 * recent, so workingset_refault() (6.12) activates it (the importer seeds these from a
 * capture's counters: docs/import.md "Refaults from before the capture"); and pagecache: the
 * object's pages, allocated without __GFP_MOVABLE (a block device's metadata, a mapping
 * whose gfp lacks it), were added to the page cache, so they join the file LRU as
 * filemap_add_folio's folio_add_lru puts every page cache folio there; and highatomic
 * (trace version 5): the object's pageblock is a MIGRATE_HIGHATOMIC reserve, as
 * reserve_highatomic_pageblock() (6.18) makes one for a high-order atomic allocation, so
 * its free pages go to the highatomic lists (the importer's prefill reproduces a capture's
 * reserves with it). */
enum trace_hint_kind {
	HINT_NOREUSE,
	HINT_VOLATILE,
	HINT_DONTNEED,
	HINT_INVALIDATE,
	HINT_MOVABLE_OPS,
	HINT_MLOCK,
	HINT_SYNC,
	HINT_REFAULT,
	HINT_PAGECACHE,
	HINT_THP_PART,
	HINT_HIGHATOMIC,
	NR_HINT_KINDS
};

/* .order of a COMPACT record asking for compact_node() (order -1, as writing 1 to
 * /proc/sys/vm/compact_memory), not for one order. */
#define TRACE_COMPACT_WHOLE_ZONE 0xff

#endif
