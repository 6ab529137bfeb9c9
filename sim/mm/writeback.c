/* writeback.c — dirty page accounting, the flusher, and the block-device model.
 *
 * Dirty pages (model.md §4.4, §8.4 nr_dirty / nr_dirtied / nr_written): a `dirty` record
 * on a file page sets PG_dirty (nr_dirty, nr_dirtied) and queues the object on the
 * flusher's FIFO in dirtying order (the kernel's b_dirty list ordered by dirtied_when).
 * On an anon page it only drops a clean swap-cache copy (the slot no longer matches).
 *
 * Flusher: background writeback starts when nr_dirty exceeds dirty_background_ratio % of
 * dirtyable memory (free + file LRU), at a dirtying or at the flusher's 5-s wake, and
 * writes the oldest dirty pages in chunks (writeback_chunk_size) until it is below again,
 * so up to a chunk under; reclaim wakes it to write everything (WB_REASON_VMSCAN).  Writers above
 * dirty_ratio % pause (balance_dirty_pages) for the time the device needs to write the
 * excess, at most 200 ms (MAX_PAUSE); the pause is charged to the request.  Every 5 s
 * (dirty_writeback_centisecs) the flusher also writes the pages dirtied more than 30 s
 * ago (dirty_expire_centisecs), as the kernel's kupdate-style writeback; with an engine
 * only.
 *
 * Devices: a FIFO queue per device (disk for file pages, swap for anon).  A write of n
 * pages starts when the previous write's transfer ended, transfers n × 4 KiB at the
 * configured bandwidth, and completes latency_ns later.  One engine event per device is
 * pending at a time, at the head write's completion.  Completion clears PG_writeback
 * (nr_writeback, nr_written) and rotates clean PG_reclaim pages to the inactive tail,
 * clearing PG_active (pgrotated) — or, under ereclaimable with writeback_reclaim, moves
 * them to the easily-reclaimable list.  A page freed while in flight (truncate, which
 * waits for the write) leaves its write queued: it completes and counts in nr_written
 * as the kernel's does.  Reads (refaults, swap-ins) do not queue behind writes.
 */
#include "vmscan.h"

#include <stdlib.h>

#include "../engine/engine.h"

#define DIRTY_WRITEBACK_INTERVAL_NS (5 * NSEC_PER_SEC) /* dirty_writeback_centisecs 500 */
#define DIRTY_EXPIRE_NS (30 * NSEC_PER_SEC)            /* dirty_expire_centisecs 3000 */

static inline uint64_t head_pages(const struct page_frame *p) { return 1ull << p->order; }
static void fifo_push(struct reclaim_state *rs, uint64_t id, sim_ns_t dirtied_ns);

static sim_ns_t transfer_ns(const struct wb_device *dev, uint64_t pages)
{
	if (!dev->bandwidth_bps)
		return 0;
	/* bytes × 1e9 overflows 64 bits for large writes: split into whole seconds and rest. */
	uint64_t bytes = pages * PAGE_SIZE;
	uint64_t secs = bytes / dev->bandwidth_bps, rest = bytes % dev->bandwidth_bps;
	return secs * NSEC_PER_SEC + (sim_ns_t)((double)rest * (double)NSEC_PER_SEC / (double)dev->bandwidth_bps);
}

/* Every swap-out is a write of one page: its time is worked out once (writeback_init). */
sim_ns_t writeback_transfer_ns(const struct wb_device *dev, uint64_t pages)
{
	return pages == 1 ? dev->page_ns : transfer_ns(dev, pages);
}

/* ---- completion --------------------------------------------------------------------- */

static void end_page_writeback(struct mm *mm, struct wb_device *dev, uint64_t id)
{
	struct reclaim_state *rs = mm->reclaim;
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return;
	pfn_t pfn = s->pfn;
	struct page_frame *p = &mm->pages[pfn];
	if (!(p->flags & PF_WRITEBACK))
		return;
	uint64_t nr = head_pages(p);
	p->flags &= (uint16_t)~PF_WRITEBACK;
	rs->nr_writeback -= nr;
	/* __folio_end_writeback (6.12) counts NR_WRITTEN for every folio, swap cache too. */
	count_vm_events(mm, VM_NR_WRITTEN, nr);
	if ((p->flags & PF_DIRTY) && !(p->flags & PF_SWAPBACKED))
		fifo_push(rs, id, vmscan_now(mm)); /* dirtied again in flight: back on the queue */
	if (!(p->flags & PF_RECLAIM))
		return;
	p->flags &= (uint16_t)~PF_RECLAIM;
	/* folio_rotate_reclaimable + lru_move_tail: a clean, evictable page on an LRU goes to
	 * the inactive tail, losing PG_active (reclaim activated it when it met it dirty). */
	if (!(p->flags & PF_LRU) || (p->flags & (PF_UNEVICTABLE | PF_DIRTY)))
		return;
	uint16_t flags = (uint16_t)(p->flags & ~PF_ACTIVE);
	if (mm->cfg->policy.reclaim == RECLAIM_EASILY_RECLAIMABLE &&
	    mm->cfg->policy.ereclaimable.writeback_reclaim)
		flags |= PF_EASY;
	lru_move(mm, pfn, flags, true);
	count_vm_events(mm, VM_PGROTATED, nr);
}

/* ---- id -> queue position ------------------------------------------------------------ */

struct wb_where {
	uint64_t id;  /* key */
	uint64_t seq; /* queue position of its latest write */
	uint64_t nr;  /* its writes queued (not tombstones) */
};
static const struct u64map_type where_type = {
	.slot_size = sizeof(struct wb_where),
	.key_words = 1,
	.min_cap = 64,
};
_Static_assert(offsetof(struct wb_where, id) == 0 && OBJ_EMPTY == U64MAP_EMPTY, "wb_where is keyed by id");

/* The map is kept for a device whose queue has no bound (the disk): a bounded one (the
 * swap device's request tags, queue_depth) holds about depth writes, which a truncate
 * walks for less than the map costs every write (a lookup at its completion, an insertion
 * at its submission); kswapd's writes can queue past the bound, truncates are rare. */
static bool where_kept(const struct wb_device *dev)
{
	return !dev->depth;
}

/* One queued write of id fewer (it completed, or it became a tombstone). */
static void where_put(struct wb_device *dev, uint64_t id)
{
	if (!where_kept(dev))
		return;
	uint32_t k = u64map_find(&dev->where, &where_type, id);
	sim_assert(k != U64MAP_NONE);
	struct wb_where *w = u64map_slot(&dev->where, &where_type, k);
	if (!--w->nr)
		u64map_remove(&dev->where, &where_type, k, NULL);
}

static void complete_until(struct mm *mm, struct wb_device *dev, sim_ns_t now)
{
	unsigned freed = 0;
	while (dev->len && dev->q[dev->head].done_ns <= now) {
		freed++;
		struct wb_io io = dev->q[dev->head];
		dev->head = (dev->head + 1) % dev->cap;
		dev->len--;
		dev->head_seq++;
		if (io.id != OBJ_EMPTY) {
			where_put(dev, io.id);
			end_page_writeback(mm, dev, io.id);
		} else {
			/* The page was truncated (or freed) in flight: truncate_inode_pages waited
			 * for this write, which ended as any other (__folio_end_writeback, 6.18,
			 * counts NR_WRITTEN before the folio can go). */
			count_vm_events(mm, VM_NR_WRITTEN, io.pages);
		}
		mm->reclaim->nr_writes_completed++;
	}
	/* Each finished request frees a tag for one waiting writer (blk-mq's sbitmap queue
	 * wakes waiters as tags are freed, not all at once).  The writers wait without a
	 * timeout, as for a tag, so an idle device wakes every one left. */
	if (dev->wait.nr && freed)
		waitq_wake(mm->engine, &dev->wait, dev->len ? freed : UINT32_MAX);
}

static void schedule_head(struct mm *mm, struct wb_device *dev)
{
	if (dev->event_pending || !dev->len)
		return;
	engine_schedule(mm->engine, dev->q[dev->head].done_ns, dev->handler, dev->is_swap);
	dev->event_pending = true;
	/* Its completion looks its object up first (end_page_writeback): the slot is fetched
	 * now, while the other events before it run. */
	obj_prefetch_slot(&mm->objs, dev->q[dev->head].id);
}

static void io_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	struct mm *mm = ctx;
	struct reclaim_state *rs = mm->reclaim;
	struct wb_device *dev = arg ? &rs->swap : &rs->disk;
	dev->event_pending = false;
	complete_until(mm, dev, now_ns);
	schedule_head(mm, dev);
	vmscan_sample_lowmem(mm);
}

void writeback_submit(struct mm *mm, struct wb_device *dev, uint64_t id, uint64_t pages)
{
	if (dev->len == dev->cap) {
		size_t cap = dev->cap ? dev->cap * 2 : 256;
		struct wb_io *q = malloc(cap * sizeof(*q));
		if (!q)
			abort();
		for (size_t i = 0; i < dev->len; i++)
			q[i] = dev->q[(dev->head + i) % dev->cap];
		free(dev->q);
		dev->q = q;
		dev->head = 0;
		dev->cap = cap;
	}
	sim_ns_t now = vmscan_now(mm);
	sim_ns_t start = MAX(now, dev->busy_until_ns);
	dev->busy_until_ns = start + writeback_transfer_ns(dev, pages);
	dev->q[(dev->head + dev->len) % dev->cap] = (struct wb_io){
		.id = id,
		.done_ns = dev->busy_until_ns + dev->latency_ns,
		.pages = pages,
	};
	if (where_kept(dev)) {
		bool added;
		uint32_t k = u64map_get(&dev->where, &where_type, id, &added, NULL);
		if (k == U64MAP_NONE)
			abort();
		struct wb_where *w = u64map_slot(&dev->where, &where_type, k);
		w->seq = dev->head_seq + dev->len;
		w->nr++;
	}
	dev->len++;
	schedule_head(mm, dev);
}

/* truncate_inode_pages on a page in flight waits for it: the request is charged until
 * the write completes.  The page goes now: its queue entry becomes a tombstone, which
 * still completes as a write of its pages (nr_written) but touches no page. */
void writeback_truncate(struct mm *mm, struct mm_request *req, pfn_t head, uint64_t id)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	struct wb_device *dev = (p->flags & PF_SWAPBACKED) ? &rs->swap : &rs->disk;
	sim_ns_t now = vmscan_now(mm);
	/* Its write is found through the map; the queue is walked only for an id with more
	 * than one write queued (charging each, in queue order), or on a device without the
	 * map (where_kept). */
	uint32_t k = where_kept(dev) ? u64map_find(&dev->where, &where_type, id) : U64MAP_NONE;
	const struct wb_where *w = k == U64MAP_NONE ? NULL : u64map_slot(&dev->where, &where_type, k);
	size_t from = 0, to = where_kept(dev) ? 0 : dev->len;
	if (w && w->nr == 1) {
		from = (size_t)(w->seq - dev->head_seq);
		to = from + 1;
	} else if (w) {
		to = dev->len;
	}
	for (size_t i = from; i < to; i++) {
		struct wb_io *io = &dev->q[(dev->head + i) % dev->cap];
		if (io->id != id)
			continue;
		io->id = OBJ_EMPTY;
		where_put(dev, id);
		if (io->done_ns > now && !(p->flags & PF_SWAPBACKED)) {
			mm_request_charge_io(req, io->done_ns - now);
			rs->stall_writeback_ns += io->done_ns - now;
		}
	}
	p->flags &= (uint16_t)~(PF_WRITEBACK | PF_RECLAIM);
	rs->nr_writeback -= head_pages(p);
}

/* When the write of object id (head under PF_WRITEBACK) completes: its queue entry's
 * done_ns; 0 when no write of it is in flight.  For waiters in MIGRATE_SYNC
 * (folio_wait_writeback), who sleep until then. */
sim_ns_t writeback_done_ns(const struct mm *mm, pfn_t head, uint64_t id)
{
	const struct reclaim_state *rs = mm->reclaim;
	if (!rs || !(mm->pages[head].flags & PF_WRITEBACK))
		return 0;
	const struct wb_device *dev = (mm->pages[head].flags & PF_SWAPBACKED) ? &rs->swap : &rs->disk;
	sim_ns_t done = 0;
	for (size_t i = 0; i < dev->len; i++) {
		const struct wb_io *io = &dev->q[(dev->head + i) % dev->cap];
		if (io->id == id)
			done = MAX(done, io->done_ns);
	}
	return done;
}

/* reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) (6.18): the sleeper is woken once more than
 * nr_pages pages' writeback has ended since it went to sleep (folio_end_writeback ->
 * __acct_reclaim_writeback counts every folio, file or swap, into NR_THROTTLED_WRITTEN
 * and wakes the sleepers past SWAP_CLUSTER_MAX per sleeper), or after timeout_ns.  How
 * long a sleep from from_ns lasts: the writes queued on both devices, in completion order,
 * those ending after from_ns counted (tombstones too: their writes end as any other).
 * Writes submitted during the sleep are not foreseen (on each device they end after the
 * queued ones). */
sim_ns_t writeback_throttle_wait_ns(const struct mm *mm, sim_ns_t from_ns, uint64_t nr_pages, sim_ns_t timeout_ns)
{
	const struct reclaim_state *rs = mm->reclaim;
	const struct wb_device *dev[2] = { &rs->disk, &rs->swap };
	size_t next[2] = { 0, 0 };
	uint64_t written = 0;
	for (;;) {
		const struct wb_io *io = NULL;
		int k = -1;
		for (int j = 0; j < 2; j++) {
			if (next[j] >= dev[j]->len)
				continue;
			const struct wb_io *c = &dev[j]->q[(dev[j]->head + next[j]) % dev[j]->cap];
			if (!io || c->done_ns < io->done_ns) {
				io = c;
				k = j;
			}
		}
		if (!io || io->done_ns - MIN(io->done_ns, from_ns) >= timeout_ns)
			return timeout_ns;
		next[k]++;
		if (io->done_ns <= from_ns)
			continue;
		written += io->pages;
		if (written > nr_pages)
			return io->done_ns - from_ns;
	}
}

/* ---- dirtying and the flusher --------------------------------------------------------- */

/* The flusher's list stays in dirtying order (the kupdate scan stops at the first page
 * not yet expired): an entry is dated no earlier than the newest already on it. */
static void fifo_push(struct reclaim_state *rs, uint64_t id, sim_ns_t dirtied_ns)
{
	if (rs->dirty_len)
		dirtied_ns = MAX(dirtied_ns, rs->dirty_fifo[(rs->dirty_head + rs->dirty_len - 1) % rs->dirty_cap].dirtied_ns);
	if (rs->dirty_len == rs->dirty_cap) {
		size_t cap = rs->dirty_cap ? rs->dirty_cap * 2 : 1024;
		struct dirty_entry *q = malloc(cap * sizeof(*q));
		if (!q)
			abort();
		for (size_t i = 0; i < rs->dirty_len; i++)
			q[i] = rs->dirty_fifo[(rs->dirty_head + i) % rs->dirty_cap];
		free(rs->dirty_fifo);
		rs->dirty_fifo = q;
		rs->dirty_head = 0;
		rs->dirty_cap = cap;
	}
	rs->dirty_fifo[(rs->dirty_head + rs->dirty_len) % rs->dirty_cap] =
		(struct dirty_entry){ .id = id, .dirtied_ns = dirtied_ns };
	rs->dirty_len++;
}

static bool fifo_pop(struct reclaim_state *rs, struct dirty_entry *e)
{
	if (!rs->dirty_len)
		return false;
	*e = rs->dirty_fifo[rs->dirty_head];
	rs->dirty_head = (rs->dirty_head + 1) % rs->dirty_cap;
	rs->dirty_len--;
	return true;
}

/* The FIFO entry names a resident dirty page cache head that is not in flight. */
static bool writable(struct mm *mm, uint64_t id, pfn_t *pfn)
{
	struct obj_slot *s = obj_lookup(&mm->objs, id);
	if (!s || s->kind != OBJ_PAGES)
		return false;
	const struct page_frame *p = &mm->pages[s->pfn];
	if (!(p->flags & PF_DIRTY) || (p->flags & (PF_WRITEBACK | PF_SWAPBACKED)))
		return false; /* stale; redirtied in-flight pages come back at completion */
	*pfn = s->pfn;
	return true;
}

void writeback_start_page(struct mm *mm, pfn_t head, uint64_t id)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	uint64_t nr = head_pages(p);
	if (!(p->flags & PF_DIRTY) || (p->flags & PF_WRITEBACK))
		return;
	p->flags = (uint16_t)((p->flags & ~PF_DIRTY) | PF_WRITEBACK);
	rs->nr_dirty -= nr;
	rs->nr_writeback += nr;
	count_vm_events(mm, VM_PGPGOUT, nr * (PAGE_SIZE / 1024));
	writeback_submit(mm, &rs->disk, id, nr);
}

/* Write up to nr_pages dirty pages, oldest dirtied first. */
void writeback_wake_flusher(struct mm *mm, uint64_t nr_pages)
{
	struct reclaim_state *rs = mm->reclaim;
	uint64_t done = 0;
	struct dirty_entry e;
	while (done < nr_pages && rs->nr_dirty && fifo_pop(rs, &e)) {
		pfn_t pfn;
		if (!writable(mm, e.id, &pfn))
			continue;
		done += head_pages(&mm->pages[pfn]);
		writeback_start_page(mm, pfn, e.id);
	}
}

/* writeback_chunk_size (6.18 fs/fs-writeback.c) for a work that is not WB_SYNC_ALL: the
 * pages written of one inode before the flusher looks at its limits again, half a
 * second's worth at the device's write bandwidth (wb->avg_write_bandwidth / 2) but at
 * most an eighth of the dirty limit (global_wb_domain.dirty_limit / DIRTY_SCOPE), rounded
 * down to MIN_WRITEBACK_PAGES after adding one.  The dirty limit is the kernel's
 * threshold followed up at once and down slowly (update_dirty_limit); the model has only
 * the threshold of the moment, `thresh`.  An unlimited device (bandwidth 0) leaves the
 * limit's eighth. */
#define WB_DIRTY_SCOPE 8
#define WB_MIN_WRITEBACK_PAGES (4096 * 1024 / PAGE_SIZE) /* 4 MiB */
static uint64_t writeback_chunk_pages(const struct wb_device *dev, uint64_t thresh)
{
	uint64_t pages = thresh / WB_DIRTY_SCOPE;
	if (dev->bandwidth_bps)
		pages = MIN(pages, dev->bandwidth_bps / PAGE_SIZE / 2);
	return (pages + WB_MIN_WRITEBACK_PAGES) / WB_MIN_WRITEBACK_PAGES * WB_MIN_WRITEBACK_PAGES;
}

/* A background work (wb_start_background_writeback -> wb_writeback with for_background,
 * 6.18): each pass of its loop first asks wb_over_bg_thresh and stops below it, else
 * writes a chunk (writeback_chunk_size) of the oldest dirty inode's pages.  So the
 * flusher does not stop at the threshold: it stops at the first chunk boundary below it,
 * up to a chunk under.  Pages stand for their inode here (the native trace names no
 * file): a chunk is that many of the oldest dirty pages, as for one large file; with
 * several inodes the kernel's pass writes a chunk of each, so at least as much. */
static void writeback_background(struct mm *mm, uint64_t bg_thresh, uint64_t thresh)
{
	struct reclaim_state *rs = mm->reclaim;
	uint64_t chunk = writeback_chunk_pages(&rs->disk, thresh);
	while (rs->nr_dirty > bg_thresh) {
		uint64_t before = rs->nr_dirty;
		writeback_wake_flusher(mm, chunk);
		if (rs->nr_dirty == before)
			break; /* nothing writable left: dirty pages all in flight or stale */
	}
}

void reclaim_flush_all(struct mm *mm)
{
	writeback_wake_flusher(mm, UINT64_MAX);
}

/* global_dirtyable_memory (6.12): free pages less totalreserve_pages (set with the
 * watermarks), plus the file LRU. */
static uint64_t dirtyable_pages(const struct mm *mm)
{
	uint64_t free = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		free += mm->zones[i].nr_free_pages;
	return free - MIN(free, mm->totalreserve_pages) + mm->lruvec.nr_pages[LRU_INACTIVE_FILE] +
	       mm->lruvec.nr_pages[LRU_ACTIVE_FILE];
}

/* domain_dirty_limits (6.18) with the ratios: the background and the dirty threshold. */
static void dirty_thresholds(const struct mm *mm, uint64_t *bg_thresh, uint64_t *thresh)
{
	uint64_t dirtyable = dirtyable_pages(mm);
	*bg_thresh = dirtyable * mm->reclaim->dirty_background_ratio / 100;
	*thresh = dirtyable * mm->reclaim->dirty_ratio / 100;
}

void writeback_dirty_page(struct mm *mm, struct mm_request *req, pfn_t head, uint64_t id, sim_ns_t age_ns)
{
	struct reclaim_state *rs = mm->reclaim;
	struct page_frame *p = &mm->pages[head];
	if (p->flags & PF_SWAPBACKED) {
		struct nonres_entry *e = workingset_find(rs, id);
		if (e && (e->flags & NONRES_SWAPCACHE) && !(p->flags & PF_WRITEBACK))
			swap_drop_slot(mm, e, head_pages(p));
		return;
	}
	if (!(p->flags & PF_LRU) && !(p->flags & PF_ISOLATED))
		return; /* not page cache */
	if (!(p->flags & PF_DIRTY)) {
		p->flags |= PF_DIRTY;
		rs->nr_dirty += head_pages(p);
		count_vm_events(mm, VM_NR_DIRTIED, head_pages(p));
		sim_ns_t now = vmscan_now(mm);
		fifo_push(rs, id, now - MIN(age_ns, now));
		if (!rs->kupdate_pending) {
			/* wb_wakeup_delayed (6.18): a period after the first dirty inode; the
			 * replay's first may find the flusher's period under way (a capture's
			 * dirty pages at its start: devices.disk.kupdate_phase). */
			sim_ns_t delay = DIRTY_WRITEBACK_INTERVAL_NS;
			if (!rs->kupdate_armed)
				delay -= MIN(mm->cfg->devices.disk_kupdate_phase_ns, delay - 1);
			rs->kupdate_armed = true;
			engine_schedule(mm->engine, mm->engine->now_ns + delay, rs->kupdate_handler, 0);
			rs->kupdate_pending = true;
		}
	}
	/* Drop stale FIFO entries when they outnumber live dirty pages. */
	if (rs->dirty_len > 2 * rs->nr_dirty + 1024) {
		size_t n = rs->dirty_len;
		for (size_t i = 0; i < n; i++) {
			struct dirty_entry x = { 0 };
			pfn_t pfn;
			fifo_pop(rs, &x);
			if (writable(mm, x.id, &pfn))
				fifo_push(rs, x.id, x.dirtied_ns);
		}
	}
	uint64_t bg_thresh, thresh;
	dirty_thresholds(mm, &bg_thresh, &thresh);
	if (rs->nr_dirty > bg_thresh)
		writeback_background(mm, bg_thresh, thresh);
	if (rs->nr_dirty + rs->nr_writeback > thresh) {
		/* balance_dirty_pages: pause for the excess to drain, at most MAX_PAUSE. */
		sim_ns_t pause = writeback_transfer_ns(&rs->disk, rs->nr_dirty + rs->nr_writeback - thresh);
		pause = MIN(pause, 200 * NSEC_PER_MSEC);
		mm_request_charge_io(req, pause);
		rs->stall_writeback_ns += pause;
	}
}

/* wb_workfn for_kupdate: every dirty_writeback_centisecs (5 s) the flusher writes the
 * pages dirtied more than dirty_expire_centisecs (30 s) ago (wb_check_old_data_flush),
 * then, as every flusher wake does, a background work while above the background
 * threshold (wb_do_writeback -> wb_check_background_flush, 6.18): with no writer
 * dirtying, that is the only way dirty pages over the threshold are written. */
static void kupdate_event(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	struct mm *mm = ctx;
	struct reclaim_state *rs = mm->reclaim;
	(void)arg;
	rs->kupdate_pending = false;
	while (rs->dirty_len && rs->dirty_fifo[rs->dirty_head].dirtied_ns + DIRTY_EXPIRE_NS <= now_ns) {
		struct dirty_entry e;
		pfn_t pfn;
		fifo_pop(rs, &e);
		if (writable(mm, e.id, &pfn))
			writeback_start_page(mm, pfn, e.id);
	}
	uint64_t bg_thresh, thresh;
	dirty_thresholds(mm, &bg_thresh, &thresh);
	if (rs->nr_dirty > bg_thresh)
		writeback_background(mm, bg_thresh, thresh);
	if (rs->nr_dirty) {
		engine_schedule(mm->engine, now_ns + DIRTY_WRITEBACK_INTERVAL_NS, rs->kupdate_handler, 0);
		rs->kupdate_pending = true;
	}
}

/* ---- set-up ---------------------------------------------------------------------------- */

int writeback_init(struct mm *mm, struct sim_error *err)
{
	struct reclaim_state *rs = mm->reclaim;
	const struct device_config *d = &mm->cfg->devices;
	rs->disk = (struct wb_device){ .name = "disk", .bandwidth_bps = d->disk_bandwidth_bps,
				       .latency_ns = d->disk_latency_ns }; /* no writer waits for its tags: unbounded */
	rs->swap = (struct wb_device){ .name = "swap", .bandwidth_bps = d->swap_bandwidth_bps,
				       .latency_ns = d->swap_latency_ns, .is_swap = true,
				       .depth = d->swap_queue_depth };
	rs->disk.page_ns = transfer_ns(&rs->disk, 1);
	rs->swap.page_ns = transfer_ns(&rs->swap, 1);
	if (mm->engine->nr_handlers + 3 > ENGINE_MAX_HANDLERS)
		return sim_error_set(err, EX_SOFTWARE_, "engine: no handler slot for writeback");
	rs->disk.handler = engine_register(mm->engine, "writeback_disk", io_event, mm);
	rs->swap.handler = engine_register(mm->engine, "writeback_swap", io_event, mm);
	rs->kupdate_handler = engine_register(mm->engine, "writeback_kupdate", kupdate_event, mm);
	return 0;
}

void writeback_destroy(struct mm *mm)
{
	struct reclaim_state *rs = mm->reclaim;
	free(rs->disk.q);
	free(rs->swap.q);
	u64map_destroy(&rs->disk.where);
	u64map_destroy(&rs->swap.where);
	free(rs->dirty_fifo);
	rs->disk.q = rs->swap.q = NULL;
	rs->dirty_fifo = NULL;
}
