/* timeseries.c — timeseries.tsv rows (see timeseries.h for the columns). */
#include "timeseries.h"

#include "../mm/compaction.h"
#include "../mm/vmscan.h"

#include <stdarg.h>
#include <stdio.h>

/* The order the two fragmentation columns report: a THP / pageblock-sized request. */
#define TS_FRAG_ORDER 9

/* One pass over the columns serves both the header and the rows, so the two can never
 * disagree: in header mode col() prints the name, otherwise the value. */
struct row_ctx {
	FILE *fp;
	bool header;
	unsigned nr_columns;
};

/* One cell: in header mode the formatted name, otherwise -mag when neg, else mag. */
static void vcol(struct row_ctx *c, bool neg, uint64_t mag, const char *name_fmt, va_list ap)
{
	if (c->nr_columns++)
		fputc('\t', c->fp);
	if (c->header) {
		vfprintf(c->fp, name_fmt, ap);
	} else {
		/* Rows are most of a long run's output: format by hand rather than via printf. */
		char buf[24], *p = buf + sizeof(buf);
		do {
			*--p = (char)('0' + mag % 10);
			mag /= 10;
		} while (mag);
		if (neg)
			*--p = '-';
		fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), c->fp);
	}
}

__attribute__((format(printf, 3, 4)))
static void col(struct row_ctx *c, int64_t value, const char *name_fmt, ...)
{
	va_list ap;
	va_start(ap, name_fmt);
	vcol(c, value < 0, value < 0 ? 0 - (uint64_t)value : (uint64_t)value, name_fmt, ap);
	va_end(ap);
}

/* An unsigned column: times span the whole of 0..2^64-1 (FORMAT.md), so none prints
 * negative. */
__attribute__((format(printf, 3, 4)))
static void col_u64(struct row_ctx *c, uint64_t value, const char *name_fmt, ...)
{
	va_list ap;
	va_start(ap, name_fmt);
	vcol(c, false, value, name_fmt, ap);
	va_end(ap);
}

/* Each policy knows how to count its area's pages in use (cma_policy_ops.used_pages). */
uint64_t timeseries_cma_used_pages(const struct mm *mm)
{
	return mm->cma_ops->used_pages(mm);
}

static void columns(struct row_ctx *c, const struct timeseries *ts, const struct mm *mm, sim_ns_t now_ns)
{
	col_u64(c, now_ns, "time_ns");
	for (unsigned i = 0; i < ts->nr_zones; i++) {
		const struct zone *z = &mm->zones[ts->zones[i]];
		col(c, (int64_t)z->nr_free_pages, "free_%s", z->name);
		col(c, (int64_t)zone_wmark(z, WMARK_MIN), "min_%s", z->name);
		col(c, (int64_t)zone_wmark(z, WMARK_LOW), "low_%s", z->name);
		col(c, (int64_t)zone_wmark(z, WMARK_HIGH), "high_%s", z->name);
		col(c, (int64_t)z->nr_free_cma, "nr_free_cma_%s", z->name);
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
			col(c, (int64_t)z->free_area[o].nr_free, "buddy_%s_o%u", z->name, o);
	}
	col(c, mm->reclaim && reclaim_kswapd_active(mm), "kswapd_active");
	col(c, compaction_kcompactd_pending(mm) || compaction_kcompactd_work(mm) != ts->kcompactd_work,
	    "kcompactd_active");
	col(c, (int64_t)timeseries_cma_used_pages(mm), "cma_used_pages");
	for (unsigned i = 0; i < ts->nr_zones; i++) {
		const struct zone *z = &mm->zones[ts->zones[i]];
		col(c, compaction_unusable_index(z, TS_FRAG_ORDER), "unusable_index_%s_o%d", z->name, TS_FRAG_ORDER);
		col(c, compaction_fragmentation_index(z, TS_FRAG_ORDER), "frag_index_%s_o%d", z->name, TS_FRAG_ORDER);
	}
	/* Free pages in sticky_movable blocks (MOVABLE lists), the counterpart of nr_free_cma. */
	for (unsigned i = 0; i < ts->nr_zones; i++) {
		const struct zone *z = &mm->zones[ts->zones[i]];
		col(c, (int64_t)z->nr_free_sticky, "nr_free_sticky_%s", z->name);
	}
	/* New columns go last, so existing column numbers in plot scripts stay valid. */
	fputc('\n', c->fp);
}

int timeseries_open(struct timeseries *ts, const char *path, const struct mm *mm, struct sim_error *err)
{
	*ts = (struct timeseries){ 0 };
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone_populated(&mm->zones[i]))
			ts->zones[ts->nr_zones++] = (enum zone_type)i;
	ts->fp = atomic_open(&ts->af, path, err);
	if (!ts->fp)
		return -1;
	ts->kcompactd_work = compaction_kcompactd_work(mm);
	struct row_ctx c = { .fp = ts->fp, .header = true };
	columns(&c, ts, mm, 0);
	ts->nr_columns = c.nr_columns;
	return 0;
}

void timeseries_sample(struct timeseries *ts, const struct mm *mm, sim_ns_t now_ns)
{
	struct row_ctx c = { .fp = ts->fp, .header = false };
	columns(&c, ts, mm, now_ns);
	sim_assert(c.nr_columns == ts->nr_columns);
	ts->kcompactd_work = compaction_kcompactd_work(mm);
	ts->nr_rows++;
}

int timeseries_commit(struct timeseries *ts, struct sim_error *err)
{
	ts->fp = NULL;
	return atomic_commit(&ts->af, err);
}

void timeseries_abort(struct timeseries *ts)
{
	if (!ts->fp)
		return;
	atomic_abort(&ts->af);
	ts->fp = NULL;
}
