/* ftrace_events.c — event names and per-event field extraction, by field name.
 *
 * The payload formats are the TP_printk texts of model.md §8.6.  Fields are found by
 * scanning for "name=" at a word boundary, starting where the previous field ended (the
 * kernel prints them in a fixed order, so the common case is one forward scan) and
 * falling back to the whole payload.  No regex, no allocation: this runs once per line.
 */
#include "ftrace.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"

const char *const ftrace_event_names[NR_FTRACE_EVENTS] = {
	[FEV_UNKNOWN] = "unknown",
	[FEV_PAGE_ALLOC] = "mm_page_alloc",
	[FEV_PAGE_FREE] = "mm_page_free",
	[FEV_PAGE_FREE_BATCHED] = "mm_page_free_batched",
	[FEV_PAGE_ALLOC_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[FEV_PAGE_PCPU_DRAIN] = "mm_page_pcpu_drain",
	[FEV_PAGE_ALLOC_EXTFRAG] = "mm_page_alloc_extfrag",
	[FEV_SETUP_PER_ZONE_WMARKS] = "mm_setup_per_zone_wmarks",
	[FEV_KMALLOC] = "kmalloc",
	[FEV_KFREE] = "kfree",
	[FEV_KMEM_CACHE_ALLOC] = "kmem_cache_alloc",
	[FEV_KMEM_CACHE_FREE] = "kmem_cache_free",
	[FEV_RSS_STAT] = "rss_stat",
	[FEV_FILEMAP_ADD] = "mm_filemap_add_to_page_cache",
	[FEV_FILEMAP_DELETE] = "mm_filemap_delete_from_page_cache",
	[FEV_KSWAPD_WAKE] = "mm_vmscan_kswapd_wake",
	[FEV_KSWAPD_SLEEP] = "mm_vmscan_kswapd_sleep",
	[FEV_WAKEUP_KSWAPD] = "mm_vmscan_wakeup_kswapd",
	[FEV_DIRECT_RECLAIM_BEGIN] = "mm_vmscan_direct_reclaim_begin",
	[FEV_DIRECT_RECLAIM_END] = "mm_vmscan_direct_reclaim_end",
	[FEV_MEMCG_RECLAIM_BEGIN] = "mm_vmscan_memcg_reclaim_begin",
	[FEV_MEMCG_RECLAIM_END] = "mm_vmscan_memcg_reclaim_end",
	[FEV_NODE_RECLAIM_BEGIN] = "mm_vmscan_node_reclaim_begin",
	[FEV_NODE_RECLAIM_END] = "mm_vmscan_node_reclaim_end",
	[FEV_LRU_ISOLATE] = "mm_vmscan_lru_isolate",
	[FEV_LRU_SHRINK_INACTIVE] = "mm_vmscan_lru_shrink_inactive",
	[FEV_LRU_SHRINK_ACTIVE] = "mm_vmscan_lru_shrink_active",
	[FEV_WRITE_FOLIO] = "mm_vmscan_write_folio",
	[FEV_THROTTLED] = "mm_vmscan_throttled",
	[FEV_COMPACTION_BEGIN] = "mm_compaction_begin",
	[FEV_COMPACTION_END] = "mm_compaction_end",
	[FEV_COMPACTION_ISOLATE_MIGRATEPAGES] = "mm_compaction_isolate_migratepages",
	[FEV_COMPACTION_ISOLATE_FREEPAGES] = "mm_compaction_isolate_freepages",
	[FEV_COMPACTION_FAST_ISOLATE_FREEPAGES] = "mm_compaction_fast_isolate_freepages",
	[FEV_COMPACTION_MIGRATEPAGES] = "mm_compaction_migratepages",
	[FEV_COMPACTION_FINISHED] = "mm_compaction_finished",
	[FEV_COMPACTION_SUITABLE] = "mm_compaction_suitable",
	[FEV_COMPACTION_TRY_TO_COMPACT] = "mm_compaction_try_to_compact_pages",
	[FEV_COMPACTION_DEFERRED] = "mm_compaction_deferred",
	[FEV_COMPACTION_DEFER_COMPACTION] = "mm_compaction_defer_compaction",
	[FEV_COMPACTION_DEFER_RESET] = "mm_compaction_defer_reset",
	[FEV_COMPACTION_WAKEUP_KCOMPACTD] = "mm_compaction_wakeup_kcompactd",
	[FEV_COMPACTION_KCOMPACTD_WAKE] = "mm_compaction_kcompactd_wake",
	[FEV_COMPACTION_KCOMPACTD_SLEEP] = "mm_compaction_kcompactd_sleep",
	[FEV_MIGRATE_PAGES] = "mm_migrate_pages",
	[FEV_MIGRATE_PAGES_START] = "mm_migrate_pages_start",
	[FEV_WRITEBACK_DIRTY_FOLIO] = "writeback_dirty_folio",
	[FEV_FOLIO_WAIT_WRITEBACK] = "folio_wait_writeback",
	[FEV_WRITEBACK_START] = "writeback_start",
	[FEV_WRITEBACK_WRITTEN] = "writeback_written",
	[FEV_GLOBAL_DIRTY_STATE] = "global_dirty_state",
	[FEV_PAGE_FAULT_USER] = "page_fault_user",
	[FEV_PAGE_FAULT_KERNEL] = "page_fault_kernel",
	[FEV_CMA_ALLOC_START] = "cma_alloc_start",
	[FEV_CMA_ALLOC_FINISH] = "cma_alloc_finish",
	[FEV_CMA_ALLOC_BUSY_RETRY] = "cma_alloc_busy_retry",
	[FEV_CMA_RELEASE] = "cma_release",
	[FEV_CMA_ALLOC_OLD] = "cma_alloc",
	[FEV_TEST_PAGES_ISOLATED] = "test_pages_isolated",
	[FEV_SCHED_PROCESS_FORK] = "sched_process_fork",
};
_Static_assert(ARRAY_SIZE(ftrace_event_names) == NR_FTRACE_EVENTS, "event names");

const char *const ftrace_event_systems[NR_FTRACE_EVENTS] = {
	[FEV_UNKNOWN] = "",
	[FEV_PAGE_ALLOC] = "kmem",
	[FEV_PAGE_FREE] = "kmem",
	[FEV_PAGE_FREE_BATCHED] = "kmem",
	[FEV_PAGE_ALLOC_ZONE_LOCKED] = "kmem",
	[FEV_PAGE_PCPU_DRAIN] = "kmem",
	[FEV_PAGE_ALLOC_EXTFRAG] = "kmem",
	[FEV_SETUP_PER_ZONE_WMARKS] = "kmem",
	[FEV_KMALLOC] = "kmem",
	[FEV_KFREE] = "kmem",
	[FEV_KMEM_CACHE_ALLOC] = "kmem",
	[FEV_KMEM_CACHE_FREE] = "kmem",
	[FEV_RSS_STAT] = "kmem",
	[FEV_FILEMAP_ADD] = "filemap",
	[FEV_FILEMAP_DELETE] = "filemap",
	[FEV_KSWAPD_WAKE] = "vmscan",
	[FEV_KSWAPD_SLEEP] = "vmscan",
	[FEV_WAKEUP_KSWAPD] = "vmscan",
	[FEV_DIRECT_RECLAIM_BEGIN] = "vmscan",
	[FEV_DIRECT_RECLAIM_END] = "vmscan",
	[FEV_MEMCG_RECLAIM_BEGIN] = "vmscan",
	[FEV_MEMCG_RECLAIM_END] = "vmscan",
	[FEV_NODE_RECLAIM_BEGIN] = "vmscan",
	[FEV_NODE_RECLAIM_END] = "vmscan",
	[FEV_LRU_ISOLATE] = "vmscan",
	[FEV_LRU_SHRINK_INACTIVE] = "vmscan",
	[FEV_LRU_SHRINK_ACTIVE] = "vmscan",
	[FEV_WRITE_FOLIO] = "vmscan",
	[FEV_THROTTLED] = "vmscan",
	[FEV_COMPACTION_BEGIN] = "compaction",
	[FEV_COMPACTION_END] = "compaction",
	[FEV_COMPACTION_ISOLATE_MIGRATEPAGES] = "compaction",
	[FEV_COMPACTION_ISOLATE_FREEPAGES] = "compaction",
	[FEV_COMPACTION_FAST_ISOLATE_FREEPAGES] = "compaction",
	[FEV_COMPACTION_MIGRATEPAGES] = "compaction",
	[FEV_COMPACTION_FINISHED] = "compaction",
	[FEV_COMPACTION_SUITABLE] = "compaction",
	[FEV_COMPACTION_TRY_TO_COMPACT] = "compaction",
	[FEV_COMPACTION_DEFERRED] = "compaction",
	[FEV_COMPACTION_DEFER_COMPACTION] = "compaction",
	[FEV_COMPACTION_DEFER_RESET] = "compaction",
	[FEV_COMPACTION_WAKEUP_KCOMPACTD] = "compaction",
	[FEV_COMPACTION_KCOMPACTD_WAKE] = "compaction",
	[FEV_COMPACTION_KCOMPACTD_SLEEP] = "compaction",
	[FEV_MIGRATE_PAGES] = "migrate",
	[FEV_MIGRATE_PAGES_START] = "migrate",
	[FEV_WRITEBACK_DIRTY_FOLIO] = "writeback",
	[FEV_FOLIO_WAIT_WRITEBACK] = "writeback",
	[FEV_WRITEBACK_START] = "writeback",
	[FEV_WRITEBACK_WRITTEN] = "writeback",
	[FEV_GLOBAL_DIRTY_STATE] = "writeback",
	[FEV_PAGE_FAULT_USER] = "exceptions",
	[FEV_PAGE_FAULT_KERNEL] = "exceptions",
	[FEV_CMA_ALLOC_START] = "cma",
	[FEV_CMA_ALLOC_FINISH] = "cma",
	[FEV_CMA_ALLOC_BUSY_RETRY] = "cma",
	[FEV_CMA_RELEASE] = "cma",
	[FEV_CMA_ALLOC_OLD] = "cma",
	[FEV_TEST_PAGES_ISOLATED] = "page_isolation",
	[FEV_SCHED_PROCESS_FORK] = "sched",
};
_Static_assert(ARRAY_SIZE(ftrace_event_systems) == NR_FTRACE_EVENTS, "event systems");

const char *const ftrace_compact_result_names[NR_COMPACT_RESULTS] = {
	"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue",
	"complete", "partial_skipped", "contended", "success",
};

/* enum migrate_reason, in the kernel's order (MIGRATE_REASON in include/trace/events/migrate.h). */
const char *const ftrace_migrate_reason_names[NR_MIGRATE_REASONS] = {
	"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
	"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin", "demotion",
};

enum ftrace_event_id ftrace_event_lookup(const char *name, size_t len)
{
	/* The three page events are ~94% of a real capture: test them first. */
	if (len == 13 && !memcmp(name, "mm_page_alloc", 13))
		return FEV_PAGE_ALLOC;
	if (len == 12 && !memcmp(name, "mm_page_free", 12))
		return FEV_PAGE_FREE;
	if (len == 20 && !memcmp(name, "mm_page_free_batched", 20))
		return FEV_PAGE_FREE_BATCHED;
	for (unsigned i = 1; i < NR_FTRACE_EVENTS; i++) {
		/* strncmp stops at the table name's end (name holds no NUL): no strlen of each */
		const char *n = ftrace_event_names[i];
		if (len && n[0] == name[0] && !strncmp(n, name, len) && !n[len])
			return (enum ftrace_event_id)i;
	}
	return FEV_UNKNOWN;
}

/* A cursor over one payload; every helper records where a problem was found. */
struct payload {
	const char *start, *end;
	const char *pos; /* where the next field search starts */
	struct ftrace_parse_error *perr;
	const char *event;
	struct ftrace_gfp_cache *gc; /* optional */
};

static int fail(struct payload *p, const char *at, const char *what, const char *field)
{
	if (p->perr) {
		p->perr->col = (size_t)(at - p->start) + 1;
		snprintf(p->perr->reason, sizeof(p->perr->reason), "%s: %s %s", p->event, what,
			 field);
	}
	return -1;
}

static bool is_boundary(char c)
{
	return c == ' ' || c == ',' || c == '(' || c == '\t';
}

/* is_boundary as a table: one load per byte in find_n's walk over the first field. */
static const uint8_t boundary_byte[256] = { [' '] = 1, [','] = 1, ['('] = 1, ['\t'] = 1 };

/* Find "name" (which ends with '=' or ' ') at a word boundary; return the value start.
 * A first-byte memchr then a compare: names are short and payloads ~100 bytes, where
 * this beats memmem's setup. */
static const char *scan(const char *s, const char *lim, const struct payload *p, const char *name,
			size_t n)
{
	while (lim - s >= (ptrdiff_t)n) {
		const char *hit = memchr(s, name[0], (size_t)(lim - s) - n + 1);
		if (!hit)
			return NULL;
		if (!memcmp(hit + 1, name + 1, n - 1) && (hit == p->start || is_boundary(hit[-1])))
			return hit;
		s = hit + 1;
	}
	return NULL;
}

static const char *find_slow(struct payload *p, const char *name, size_t n)
{
	const char *hit = scan(p->pos, p->end, p, name, n);
	if (!hit && p->pos > p->start)
		hit = scan(p->start, MIN(p->pos + n, p->end), p, name, n);
	if (!hit)
		return NULL;
	p->pos = hit + n;
	return hit + n;
}

/* Inline where its callers are, so that n is a constant and the compare is a few loads. */
#define FTRACE_INLINE static inline __attribute__((always_inline))

FTRACE_INLINE const char *find_n(struct payload *p, const char *name, size_t n)
{
	/* The kernel prints the fields in a fixed order, so the name usually starts at the
	 * payload's start or right after the separator where the last field ended: where
	 * scan's first hit would be (an earlier one would start with that separator, and no
	 * name does). */
	if (p->pos < p->end) {
		const char *at = p->pos == p->start ? p->start : p->pos + 1;
		if ((size_t)(p->end - at) >= n && (at == p->start || is_boundary(at[-1])) && !memcmp(at, name, n)) {
			p->pos = at + n;
			return at + n;
		}
	}
	if (p->pos == p->start) {
		/* Not at the start (looked above): a field can next start only just past the
		 * payload's first separator, as "pfn=" after "page=%p ", and there it is
		 * scan's first hit.  Here, not in find_slow, so that n is a constant and the
		 * compare a few loads (memcmp's call was 1.6 % of the import). */
		const char *b = p->start;
		while (b < p->end && !boundary_byte[(unsigned char)*b])
			b++;
		if (b < p->end && (size_t)(p->end - b - 1) >= n && !memcmp(b + 1, name, n)) {
			p->pos = b + 1 + n;
			return b + 1 + n;
		}
	}
	return find_slow(p, name, n);
}
#define find(p, name) find_n((p), (name), sizeof(name) - 1)

static bool is_end(const struct payload *p, const char *s)
{
	return s >= p->end || *s == ' ' || *s == ',' || *s == ')' || *s == '\t';
}

/* 1 + the value of a hex digit, 0 for any other byte. */
static const uint8_t hex_digit[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Unsigned number: "0x"-prefixed hex or decimal; hex_default for fields printed %lx. */
static int num(struct payload *p, const char *s, bool hex_default, uint64_t *out, const char *field)
{
	uint64_t v = 0;
	const char *d = s;
	bool hex = hex_default;
	if (p->end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		d = s + 2;
	}
	const char *q = d;
	/* one loop per base: the base's test was a branch per digit */
	if (hex) {
		/* Up to 16 digits by table and with no overflow test: before each of them v
		 * holds at most 15 digits, never over UINT64_MAX >> 4, so the test below could
		 * not fail there; a 17th digit goes on in the loop below (issue #17). */
		const char *lim = p->end - q > 16 ? q + 16 : p->end;
		for (; q < lim; q++) {
			unsigned x = hex_digit[(unsigned char)*q];
			if (!x)
				break;
			v = v << 4 | (x - 1);
		}
		for (; q < p->end; q++) {
			unsigned c = (unsigned char)*q, dv;
			if (c - '0' < 10)
				dv = c - '0';
			else if ((c | 0x20) - 'a' < 6)
				dv = (c | 0x20) - 'a' + 10;
			else
				break;
			if (v > (UINT64_MAX >> 4))
				return fail(p, q, "number too large in", field);
			v = (v << 4) | dv;
		}
	} else {
		for (; q < p->end && (unsigned)((unsigned char)*q - '0') < 10; q++) {
			if (v > (UINT64_MAX >> 4))
				return fail(p, q, "number too large in", field);
			v = v * 10 + (unsigned)((unsigned char)*q - '0');
		}
	}
	if (q == d || !is_end(p, q))
		return fail(p, s, "bad number in", field);
	p->pos = q;
	*out = v;
	return 0;
}

static int snum(struct payload *p, const char *s, int64_t *out, const char *field)
{
	bool neg = s < p->end && *s == '-';
	uint64_t v;
	if (num(p, s + neg, false, &v, field))
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* Required unsigned field. */
FTRACE_INLINE int get_u_n(struct payload *p, const char *name, size_t n, bool hex, uint64_t *out)
{
	const char *s = find_n(p, name, n);
	if (!s)
		return fail(p, p->start, "no field", name);
	return num(p, s, hex, out, name);
}

/* Optional unsigned field: absent -> *out = dflt. */
FTRACE_INLINE int opt_u_n(struct payload *p, const char *name, size_t n, uint64_t dflt, uint64_t *out)
{
	const char *s = find_n(p, name, n);
	if (!s) {
		*out = dflt;
		return 0;
	}
	return num(p, s, false, out, name);
}

FTRACE_INLINE int get_i_n(struct payload *p, const char *name, size_t n, int64_t *out)
{
	const char *s = find_n(p, name, n);
	if (!s)
		return fail(p, p->start, "no field", name);
	return snum(p, s, out, name);
}

/* The field names below are string literals: their length is a constant. */
#define LIT_LEN(name) (sizeof("" name) - 1)
#define get_u(p, name, hex, out) get_u_n((p), (name), LIT_LEN(name), (hex), (out))
#define opt_u(p, name, dflt, out) opt_u_n((p), (name), LIT_LEN(name), (dflt), (out))
#define get_i(p, name, out) get_i_n((p), (name), LIT_LEN(name), (out))
#define get_order(p, name, ev) get_order_n((p), (name), LIT_LEN(name), (ev))
#define get_gfp(p, name, ev) get_gfp_n((p), (name), LIT_LEN(name), (ev))
#define get_sym(p, name, names, n, out) get_sym_n((p), (name), LIT_LEN(name), (names), (n), (out))

FTRACE_INLINE int get_order_n(struct payload *p, const char *name, size_t nlen, struct ftrace_event *ev)
{
	int64_t v;
	if (get_i_n(p, name, nlen, &v))
		return -1;
	if (v < -1 || v > 64)
		return fail(p, p->pos - 1, "order out of range in", name);
	ev->order = (int16_t)v;
	return 0;
}

static size_t token_len(const struct payload *p, const char *s)
{
	const char *q = s;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* 8 bytes at a time (a gfp_flags value is ~40 bytes, and the byte loop was a
	 * twentieth of the import's instructions, issue #17): a byte of x is zero where
	 * the word has a blank; (x - 0x01..) & ~x & 0x80.. marks the first such byte
	 * exactly (a borrow only marks bytes after it), the lowest in memory order. */
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	while (p->end - q >= 8) {
		uint64_t w;
		memcpy(&w, q, 8);
		uint64_t a = w ^ (ones * ' '), b = w ^ (ones * '\t');
		uint64_t z = ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
		if (z)
			return (size_t)(q - s) + ((unsigned)__builtin_ctzll(z) >> 3);
		q += 8;
	}
#endif
	while (q < p->end && *q != ' ' && *q != '\t')
		q++;
	return (size_t)(q - s);
}

FTRACE_INLINE int get_gfp_n(struct payload *p, const char *name, size_t nlen, struct ftrace_event *ev)
{
	const char *s = find_n(p, name, nlen);
	if (!s)
		return fail(p, p->start, "no field", name);
	size_t n = token_len(p, s), bad = 0;
	gfp_t g;
	unsigned h = 0;
	if (p->gc && n && n < sizeof(p->gc->slot[0].s)) {
		/* A hash of the length and the first and last 8 bytes: distinct gfp strings
		 * rarely share a slot (and one that does is parsed again), and it costs no
		 * multiply per byte (FNV over the string was a twentieth of the parse). */
		uint64_t a = 0, b = 0;
		if (n >= 8) {
			memcpy(&a, s, 8);
			memcpy(&b, s + n - 8, 8);
		} else {
			memcpy(&a, s, n);
		}
		uint64_t x = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ n) * 0xff51afd7ed558ccdull;
		h = (unsigned)((x ^ (x >> 29)) >> 32) % FTRACE_GFP_CACHE;
		if (p->gc->slot[h].len == n && !memcmp(p->gc->slot[h].s, s, n)) {
			ev->gfp = p->gc->slot[h].gfp;
			p->pos = s + n;
			return 0;
		}
	}
	if (n == 0 || gfp_parse(s, n, &g, &bad))
		return fail(p, s + bad, "unknown gfp flag in", name);
	if (p->gc && n && n < sizeof(p->gc->slot[0].s)) {
		p->gc->slot[h].len = (uint8_t)n;
		p->gc->slot[h].gfp = g;
		memcpy(p->gc->slot[h].s, s, n);
	}
	ev->gfp = g;
	p->pos = s + n;
	return 0;
}

/* A string value matched against a names table; unknown strings map to n (OTHER). */
static int get_sym_n(struct payload *p, const char *name, size_t nlen, const char *const *names,
		     unsigned n, uint8_t *out)
{
	const char *s = find_n(p, name, nlen);
	if (!s)
		return fail(p, p->start, "no field", name);
	size_t len = token_len(p, s);
	*out = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			*out = (uint8_t)i;
	p->pos = s + len;
	return 0;
}

/* "MAJ:MIN" into the kernel's dev_t layout (MINORBITS = 20). */
static int devnum(struct payload *p, const char *s, uint32_t *out, const char *field)
{
	uint64_t maj = 0, mn = 0;
	const char *q = s;
	while (q < p->end && (unsigned)(*q - '0') < 10)
		maj = maj * 10 + (uint64_t)(*q++ - '0');
	if (q == s || q >= p->end || *q != ':')
		return fail(p, s, "bad device in", field);
	const char *m = ++q;
	while (q < p->end && (unsigned)(*q - '0') < 10)
		mn = mn * 10 + (uint64_t)(*q++ - '0');
	if (q == m || maj >= (1u << 12) || mn >= (1u << 20))
		return fail(p, s, "bad device in", field);
	*out = (uint32_t)(maj << 20 | mn);
	p->pos = q;
	return 0;
}

/* The list a vmscan event names (flags=RECLAIM_WB_ANON|... or RECLAIM_WB_FILE|..., from
 * trace_reclaim_flags, 6.18): result 0 anon, 1 file, 2 neither printed. */
static void reclaim_wb_type(struct payload *p, struct ftrace_event *ev)
{
	const char *s = find(p, "flags=");
	ev->result = 2;
	if (!s)
		return;
	size_t len = token_len(p, s);
	for (size_t i = 0; i + 15 <= len; i++) {
		if (!memcmp(s + i, "RECLAIM_WB_ANON", 15))
			ev->result = 0;
		else if (!memcmp(s + i, "RECLAIM_WB_FILE", 15))
			ev->result = 1;
	}
}

static const char *const lru_names[] = { "inactive_anon", "active_anon", "inactive_file", "active_file",
					 "unevictable" };
#define NR_LRU_NAMES 5

int ftrace_parse_payload_cached(struct ftrace_gfp_cache *gc, struct ftrace_event *ev,
				const char *payload, size_t len, struct ftrace_parse_error *perr)
{
	struct payload p = { .start = payload, .end = payload + len, .pos = payload, .perr = perr,
			     .event = ftrace_event_names[ev->id], .gc = gc };
	uint64_t u;
	int64_t i;
	const char *s;

	ev->migratetype = -1;
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_PAGE_ALLOC:
		if (get_u(&p, "pfn=", true, &ev->pfn) || get_order(&p, "order=", ev))
			return -1;
		if ((s = find(&p, "migratetype="))) {
			if (snum(&p, s, &i, "migratetype="))
				return -1;
			ev->migratetype = (int8_t)(i < -1 || i > 16 ? -1 : i);
		}
		if (ev->pfn == 0)
			ev->pfn = FTRACE_PFN_NONE;
		return get_gfp(&p, "gfp_flags=", ev);
	case FEV_PAGE_FREE:
		return get_u(&p, "pfn=", true, &ev->pfn) || get_order(&p, "order=", ev) ? -1 : 0;
	case FEV_PAGE_FREE_BATCHED:
		/* order=0 always (older kernels printed "cold=" instead of order). */
		ev->order = 0;
		return get_u(&p, "pfn=", true, &ev->pfn);
	case FEV_PAGE_ALLOC_ZONE_LOCKED:
	case FEV_PAGE_PCPU_DRAIN:
		if (get_u(&p, "pfn=", true, &ev->pfn) || get_order(&p, "order=", ev) ||
		    get_i(&p, "migratetype=", &i))
			return -1;
		ev->migratetype = (int8_t)i;
		return 0;
	case FEV_PAGE_ALLOC_EXTFRAG:
		if (get_u(&p, "pfn=", true, &ev->pfn) || get_order(&p, "alloc_order=", ev) ||
		    get_u(&p, "fallback_order=", false, &ev->nr[0]) ||
		    get_u(&p, "pageblock_order=", false, &ev->nr[1]) ||
		    get_i(&p, "alloc_migratetype=", &i) ||
		    get_u(&p, "fallback_migratetype=", false, &ev->nr[2]) ||
		    opt_u(&p, "change_ownership=", 0, &ev->nr[3]))
			return -1;
		ev->migratetype = (int8_t)i;
		return 0;
	case FEV_FILEMAP_ADD:
	case FEV_FILEMAP_DELETE:
		/* "dev %d:%d ino %lx pfn=0x%lx ofs=%lu order=%u" (order since 6.x; optional). */
		if (!(s = find(&p, "dev ")) || devnum(&p, s, &ev->dev, "dev"))
			return s ? -1 : fail(&p, p.start, "no field", "dev");
		if (!(s = find(&p, "ino ")))
			return fail(&p, p.start, "no field", "ino");
		if (num(&p, s, true, &ev->ino, "ino") || get_u(&p, "pfn=", true, &ev->pfn) ||
		    get_u(&p, "ofs=", false, &u) || opt_u(&p, "order=", 0, &ev->nr[0]))
			return -1;
		ev->index = u / PAGE_SIZE;
		ev->order = (int16_t)MIN(ev->nr[0], 64);
		ev->nr[0] = 0;
		return 0;
	case FEV_WRITEBACK_DIRTY_FOLIO:
	case FEV_FOLIO_WAIT_WRITEBACK:
		/* "bdi %s: ino=%lu index=%lu": the bdi of a block device is named "MAJ:MIN". */
		if ((s = find(&p, "bdi ")) && s < p.end && (unsigned)(*s - '0') < 10 && devnum(&p, s, &ev->dev, "bdi"))
			return -1;
		return get_u(&p, "ino=", false, &ev->ino) || get_u(&p, "index=", false, &ev->index) ? -1 : 0;
	case FEV_WRITEBACK_START:
	case FEV_WRITEBACK_WRITTEN:
		/* "bdi %s: sb_dev %d:%d nr_pages=%ld ...": the work's pages left to write, at
		 * its start and at its end (wb_writeback, 6.18). */
		if ((s = find(&p, "bdi ")) && s < p.end && (unsigned)(*s - '0') < 10 && devnum(&p, s, &ev->dev, "bdi"))
			return -1;
		{
			/* %ld: a work that wrote more than asked ends below 0 (read as 0) */
			const char *at = find_n(&p, "nr_pages=", 9);
			int64_t n = 0;
			if (at && snum(&p, at, &n, "nr_pages"))
				return -1;
			ev->nr[0] = n > 0 ? (uint64_t)n : 0;
			/* "kupdate=%d": a periodic work (wb_check_old_data_flush) */
			uint64_t kupdate = 0;
			if (opt_u(&p, "kupdate=", 0, &kupdate))
				return -1;
			ev->result = kupdate != 0;
			return 0;
		}
	case FEV_KSWAPD_WAKE:
		return get_order(&p, "order=", ev);
	case FEV_WAKEUP_KSWAPD:
	case FEV_DIRECT_RECLAIM_BEGIN:
	case FEV_MEMCG_RECLAIM_BEGIN:
		return get_order(&p, "order=", ev) || get_gfp(&p, "gfp_flags=", ev) ? -1 : 0;
	case FEV_NODE_RECLAIM_BEGIN:
		return get_order(&p, "order=", ev) || get_gfp(&p, "gfp_flags=", ev) ? -1 : 0;
	case FEV_DIRECT_RECLAIM_END:
	case FEV_MEMCG_RECLAIM_END:
	case FEV_NODE_RECLAIM_END:
		return get_u(&p, "nr_reclaimed=", false, &ev->nr[0]);
	case FEV_LRU_SHRINK_INACTIVE:
		return get_u(&p, "nr_scanned=", false, &ev->nr[0]) ||
		       get_u(&p, "nr_reclaimed=", false, &ev->nr[1]) ? -1 : (reclaim_wb_type(&p, ev), 0);
	case FEV_LRU_ISOLATE:
		/* "... nr_taken=%lu lru=%s" (isolate_lru_folios, 6.18): the list for the reclaim
		 * speed measurement (import.c); a kernel without lru= leaves result unknown. */
		if (opt_u(&p, "nr_taken=", 0, &ev->nr[0]))
			return -1;
		if ((s = find(&p, "lru="))) {
			size_t tl = token_len(&p, s);
			ev->result = NR_LRU_NAMES;
			for (unsigned l = 0; l < NR_LRU_NAMES; l++)
				if (strlen(lru_names[l]) == tl && !memcmp(lru_names[l], s, tl))
					ev->result = (uint8_t)l;
		} else {
			ev->result = NR_LRU_NAMES;
		}
		return 0;
	case FEV_LRU_SHRINK_ACTIVE:
		if (opt_u(&p, "nr_taken=", 0, &ev->nr[0]))
			return -1;
		reclaim_wb_type(&p, ev);
		return 0;
	case FEV_WRITE_FOLIO:
		reclaim_wb_type(&p, ev);
		return 0;
	case FEV_COMPACTION_END:
		return get_sym(&p, "status=", ftrace_compact_result_names, NR_COMPACT_RESULTS,
			       &ev->result);
	case FEV_COMPACTION_FINISHED:
	case FEV_COMPACTION_SUITABLE:
		return get_order(&p, "order=", ev) ||
		       get_sym(&p, "ret=", ftrace_compact_result_names, NR_COMPACT_RESULTS,
			       &ev->result) ? -1 : 0;
	case FEV_COMPACTION_ISOLATE_MIGRATEPAGES:
	case FEV_COMPACTION_ISOLATE_FREEPAGES:
	case FEV_COMPACTION_FAST_ISOLATE_FREEPAGES:
		/* "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu": the range, when printed, in
		 * nr[2] and nr[3] (0, 0 without it; import_skip.c reads the scanners' walks). */
		ev->nr[2] = ev->nr[3] = 0;
		if ((s = find(&p, "range=(")) &&
		    (num(&p, s, true, &ev->nr[2], "range=") || !(s = find(&p, "~ ")) || num(&p, s, true, &ev->nr[3], "range=")))
			return s ? -1 : fail(&p, p.start, "no field", "range end");
		p.pos = p.start;
		return get_u(&p, "nr_scanned=", false, &ev->nr[0]) ||
		       get_u(&p, "nr_taken=", false, &ev->nr[1]) ? -1 : 0;
	case FEV_COMPACTION_MIGRATEPAGES:
		return get_u(&p, "nr_migrated=", false, &ev->nr[0]) ||
		       get_u(&p, "nr_failed=", false, &ev->nr[1]) ? -1 : 0;
	case FEV_COMPACTION_TRY_TO_COMPACT:
		/* nr[0] the priority + 1 (0: not printed) */
		if (get_order(&p, "order=", ev) || get_gfp(&p, "gfp_mask=", ev) || opt_u(&p, "priority=", UINT64_MAX, &ev->nr[0]))
			return -1;
		ev->nr[0]++;
		return 0;
	case FEV_COMPACTION_DEFERRED:
	case FEV_COMPACTION_DEFER_COMPACTION:
	case FEV_COMPACTION_DEFER_RESET: {
		/* "node=%d zone=%-8s order=%d order_failed=%d consider=%u limit=%lu": the zone's
		 * deferral state after the call; nr[3] the zone (MAX_NR_ZONES: not named). */
		uint8_t zi = MAX_NR_ZONES;
		if (find(&p, "zone=")) {
			p.pos = p.start;
			if (get_sym(&p, "zone=", zone_names, MAX_NR_ZONES, &zi))
				return -1;
		}
		ev->nr[3] = zi;
		p.pos = p.start;
		return get_order(&p, "order=", ev) || opt_u(&p, "order_failed=", 0, &ev->nr[0]) ||
		       opt_u(&p, "consider=", 0, &ev->nr[1]) || opt_u(&p, "limit=", 0, &ev->nr[2]) ? -1 : 0;
	}
	case FEV_COMPACTION_WAKEUP_KCOMPACTD:
	case FEV_COMPACTION_KCOMPACTD_WAKE:
		return get_order(&p, "order=", ev);
	case FEV_MIGRATE_PAGES:
		if (get_u(&p, "nr_succeeded=", false, &ev->nr[0]) ||
		    get_u(&p, "nr_failed=", false, &ev->nr[1]) ||
		    opt_u(&p, "nr_thp_succeeded=", 0, &ev->nr[2]) ||
		    opt_u(&p, "nr_thp_failed=", 0, &ev->nr[3]) ||
		    opt_u(&p, "nr_thp_split=", 0, &ev->nr[4]))
			return -1;
		return get_sym(&p, "reason=", ftrace_migrate_reason_names, NR_MIGRATE_REASONS,
			       &ev->result);
	case FEV_MIGRATE_PAGES_START:
		return get_sym(&p, "reason=", ftrace_migrate_reason_names, NR_MIGRATE_REASONS,
			       &ev->result);
	case FEV_PAGE_FAULT_USER:
	case FEV_PAGE_FAULT_KERNEL:
		/* address=%ps prints a symbol for kernel text; only a raw 0x address names a
		 * user page, anything else leaves addr 0 (the importer counts it unresolved). */
		if (!(s = find(&p, "address=")))
			return fail(&p, p.start, "no field", "address=");
		if (p.end - s > 2 && s[0] == '0' && s[1] == 'x' && num(&p, s, true, &ev->addr, "address="))
			return -1;
		return opt_u(&p, "error_code=", 0, &ev->nr[0]);
	case FEV_CMA_ALLOC_FINISH:
	case FEV_CMA_ALLOC_OLD:
		if (get_u(&p, "pfn=", true, &ev->pfn) || get_u(&p, "count=", false, &ev->nr[0]) ||
		    get_u(&p, "align=", false, &u))
			return -1;
		ev->order = (int16_t)MIN(u, 64);
		if ((s = find(&p, "errorno=")) && snum(&p, s, &i, "errorno="))
			return -1;
		ev->nr[1] = s ? (uint64_t)i : 0;
		return 0;
	case FEV_CMA_ALLOC_START:
		if (get_u(&p, "count=", false, &ev->nr[0]) || get_u(&p, "align=", false, &u))
			return -1;
		ev->order = (int16_t)MIN(u, 64);
		return 0;
	case FEV_CMA_RELEASE:
		return get_u(&p, "pfn=", true, &ev->pfn) || get_u(&p, "count=", false, &ev->nr[0]) ? -1 : 0;
	case FEV_SETUP_PER_ZONE_WMARKS:
	case FEV_KMALLOC:
	case FEV_KFREE:
	case FEV_KMEM_CACHE_ALLOC:
	case FEV_KMEM_CACHE_FREE:
	case FEV_RSS_STAT:
	case FEV_KSWAPD_SLEEP:
	case FEV_THROTTLED:
	case FEV_COMPACTION_KCOMPACTD_SLEEP:
	case FEV_GLOBAL_DIRTY_STATE:
	case FEV_CMA_ALLOC_BUSY_RETRY:
	case FEV_TEST_PAGES_ISOLATED:
		/* Counted by name only: no field of theirs feeds the import. */
		return 0;
	case FEV_COMPACTION_BEGIN: {
		/* "zone_start=0x.. migrate_pfn=0x.. free_pfn=0x.. zone_end=0x.., mode=async|sync";
		 * a kernel that prints it otherwise leaves the fields 0 (result 2: no mode), as the
		 * event only informs the starting state (import.c scan_start). */
		static const char *const modes[] = { "async", "sync" };
		static const char *const names[] = { "zone_start=", "migrate_pfn=", "free_pfn=", "zone_end=" };
		ev->result = 2;
		for (int f = 0; f < 4; f++) {
			const char *at = find_n(&p, names[f], strlen(names[f]));
			if (!at)
				return 0;
			if (num(&p, at, true, &ev->nr[f], names[f]))
				return -1;
		}
		return find_n(&p, "mode=", LIT_LEN("mode=")) ? get_sym(&p, "mode=", modes, 2, &ev->result) : 0;
	}
	case FEV_SCHED_PROCESS_FORK:
		/* "comm=%s pid=%d child_comm=%s child_pid=%d" */
		return get_u(&p, "pid=", false, &ev->nr[0]) || get_u(&p, "child_pid=", false, &ev->nr[1]) ? -1 : 0;
	case FEV_UNKNOWN:
	case NR_FTRACE_EVENTS:
		break;
	}
	return fail(&p, p.start, "no parser for", "event");
}
