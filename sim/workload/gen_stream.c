/* gen_stream.c — large files written through the page cache (architecture.md §5).
 *
 * Each writer writes its file sequentially at a bandwidth, one folio at a time: the first
 * pass allocates page cache (GFP_HIGHUSER_MOVABLE|__GFP_WRITE) and dirties it, later passes
 * re-dirty the same pages (an overwrite).  Writes come in bursts separated by pauses,
 * the shape of an application that writes a chunk and then fsyncs it: writeback of the
 * dirty pages, and their reclaim, are the simulator's effects.  Optionally each written
 * page gets fadvise(NOREUSE), and the file is unlinked (its pages freed) at the end.
 */
#include "wl_internal.h"

#include <stdlib.h>

struct stream_writer {
	uint32_t task;
	uint64_t first_id;    /* folio i of the file is id first_id + i */
	uint64_t nr_written;  /* folios written in this pass */
	uint64_t pass;        /* == nr_passes: written; the next step unlinks */
	uint64_t burst_left;  /* folios left in the current burst */
	sim_ns_t next_ns;     /* WL_NEVER when done */
};

struct stream_write {
	uint64_t nr_writers;
	uint64_t file_pages;
	double bandwidth_bps;   /* bytes per second while a burst lasts */
	uint64_t order;         /* folio order of the page cache */
	uint64_t burst_pages;   /* 0: one continuous write */
	sim_ns_t pause_ns;      /* between bursts */
	uint64_t nr_passes;
	bool noreuse;
	bool unlink;
	sim_ns_t start_spread_ns; /* writers start uniformly within this window */

	uint64_t nr_folios;     /* file_pages >> order, at least 1 */
	sim_ns_t folio_ns;      /* time to write one folio at the bandwidth */
	struct stream_writer *writers;
};

#define OFF(f) offsetof(struct stream_write, f)
static const struct wl_param stream_params[] = {
	{ "writers", WLP_U64, OFF(nr_writers), "1", 1, 4096, NULL, "files written in parallel" },
	{ "file_size", WLP_PAGES, OFF(file_pages), "1GiB", 1, 1e10, NULL, "size of each file" },
	{ "bandwidth", WLP_BYTES, OFF(bandwidth_bps), "200MiB", 1024, 1e13, NULL,
	  "write rate per writer while a burst lasts, bytes per second" },
	{ "order", WLP_U64, OFF(order), "0", 0, MAX_PAGE_ORDER, NULL,
	  "page-cache folio order (large folios)" },
	{ "burst", WLP_PAGES, OFF(burst_pages), "64MiB", 0, 1e10, NULL,
	  "data written before each pause (fsync-like bursts); 0 = continuous" },
	{ "pause", WLP_DURATION, OFF(pause_ns), "500ms", 0, 1e15, NULL, "pause between bursts" },
	{ "passes", WLP_U64, OFF(nr_passes), "1", 1, 1e6, NULL,
	  "1 = write once; more passes overwrite (re-dirty) the same pages" },
	{ "noreuse", WLP_BOOL, OFF(noreuse), "false", 0, 0, NULL,
	  "fadvise(POSIX_FADV_NOREUSE) hint on each written page" },
	{ "unlink", WLP_BOOL, OFF(unlink), "false", 0, 0, NULL,
	  "delete the file after the last pass (free its pages)" },
	{ "start_spread", WLP_DURATION, OFF(start_spread_ns), "0", 0, 1e15, NULL,
	  "writers start evenly spread over this window" },
};
#undef OFF

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct stream_write *s = state;
	s->nr_folios = MAX(s->file_pages >> s->order, 1u);
	double folio_ns = (double)(PAGE_SIZE << s->order) / s->bandwidth_bps * 1e9;
	s->folio_ns = folio_ns < 1 ? 1 : folio_ns > 1e15 ? (sim_ns_t)1e15 : (sim_ns_t)folio_ns;
	s->writers = calloc(s->nr_writers, sizeof(*s->writers));
	if (!s->writers)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (uint64_t i = 0; i < s->nr_writers; i++) {
		struct stream_writer *wr = &s->writers[i];
		wr->task = WL_TASK_BASE + (uint32_t)i;
		wr->next_ns = s->start_spread_ns * i / s->nr_writers;
		wr->first_id = wl_reserve_ids(w, s->nr_folios);
		wr->burst_left = s->burst_pages ? MAX(s->burst_pages >> s->order, 1u) : UINT64_MAX;
	}
	return 0;
}

static void writer_step(struct workload *w, struct stream_write *s, struct stream_writer *wr)
{
	sim_ns_t now = wl_now(w);
	uint64_t id;
	if (wr->pass == s->nr_passes) {
		for (uint64_t i = 0; i < s->nr_folios; i++)
			wl_sched_free(w, now, wr->task, wr->first_id + i, (unsigned)s->order);
		wr->next_ns = WL_NEVER;
		return;
	}
	if (wr->pass == 0) {
		id = wr->first_id + wr->nr_written;
		wl_alloc_id_now(w, id, wr->task, (unsigned)s->order,
				WL_GFP_PAGECACHE_WRITE | (s->order ? __GFP_COMP : 0));
		/* held until unlinked (or the end): reclaim is the simulator's business */
		if (!s->unlink)
			wl_sched_free(w, WL_NEVER, wr->task, id, (unsigned)s->order);
	} else {
		id = wr->first_id + wr->nr_written;
	}
	wl_sched_simple(w, TR_DIRTY, now, wr->task, id, 0);
	if (s->noreuse)
		wl_sched_simple(w, TR_HINT, now, wr->task, id, HINT_NOREUSE);
	wr->nr_written++;
	sim_ns_t next = now + s->folio_ns;
	if (wr->nr_written == s->nr_folios) {
		wr->nr_written = 0;
		if (++wr->pass == s->nr_passes) {
			/* unlink after the last write's time has passed */
			wr->next_ns = s->unlink ? next : WL_NEVER;
			return;
		}
	}
	if (s->burst_pages && --wr->burst_left == 0) {
		wr->burst_left = MAX(s->burst_pages >> s->order, 1u);
		next += s->pause_ns;
	}
	wr->next_ns = next;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct stream_write *s = state;
	sim_ns_t now = wl_now(w), next = WL_NEVER;
	for (uint64_t i = 0; i < s->nr_writers; i++) {
		struct stream_writer *wr = &s->writers[i];
		if (wr->next_ns == now)
			writer_step(w, s, wr);
		next = MIN(next, wr->next_ns);
	}
	return next;
}

static void fini(void *state)
{
	struct stream_write *s = state;
	free(s->writers);
}

const struct wl_kind wl_kind_stream_write = {
	.name = "stream_write",
	.doc = "large sequential file writes through the page cache, dirty, in fsync-like bursts",
	.params = stream_params,
	.nr_params = ARRAY_SIZE(stream_params),
	.state_size = sizeof(struct stream_write),
	.ends_by_itself = true,
	.init = init,
	.step = step,
	.fini = fini,
};
