/* reclaim_speed.c — the captured machine's reclaim cost per page (reclaim_speed.h). */
#include "reclaim_speed.h"

#include <stdlib.h>
#include <string.h>

const char *const rspeed_kind_names[NR_RSPEED] = { "file", "anon", "swap_write", "active", "migrate" };
const char *const rspeed_cost_keys[NR_RSPEED] = { [RSPEED_FILE] = "reclaim_page",
						  [RSPEED_ANON] = "reclaim_anon_page",
						  [RSPEED_SWAP_WRITE] = "swap_write_page",
						  [RSPEED_MIGRATE] = "migrate_page" };

enum { LRU_FREE_SLOT = 0xff, ISO_INACTIVE_ANON = 0, ISO_ACTIVE_ANON = 1, ISO_INACTIVE_FILE = 2,
       ISO_ACTIVE_FILE = 3, MIGRATING = 0xfe };

void rspeed_init(struct reclaim_speed *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < RSPEED_TASKS; i++)
		r->pend[i].lru = LRU_FREE_SLOT;
}

void rspeed_destroy(struct reclaim_speed *r)
{
	for (unsigned k = 0; k < NR_RSPEED; k++)
		free(r->s[k]);
	memset(r, 0, sizeof(*r));
}

static struct rspeed_pending *pending(struct reclaim_speed *r, uint32_t pid)
{
	for (unsigned i = 0; i < RSPEED_TASKS; i++)
		if (r->pend[i].lru != LRU_FREE_SLOT && r->pend[i].pid == pid)
			return &r->pend[i];
	return NULL;
}

/* The task's open pair ends here: *b is it, its slot is freed; false when it has none. */
static bool finish(struct reclaim_speed *r, uint32_t pid, struct rspeed_pending *b)
{
	struct rspeed_pending *p = pending(r, pid);
	if (!p)
		return false;
	*b = *p;
	p->lru = LRU_FREE_SLOT;
	return true;
}

/* The task's slot for a new pair: its own, a free one, or (more tasks than slots) one
 * taken round robin. */
static struct rspeed_pending *start(struct reclaim_speed *r, uint32_t pid)
{
	struct rspeed_pending *p = pending(r, pid);
	for (unsigned i = 0; i < RSPEED_TASKS && !p; i++)
		if (r->pend[i].lru == LRU_FREE_SLOT)
			p = &r->pend[i];
	return p ? p : &r->pend[r->next_victim++ % RSPEED_TASKS];
}

static int add(struct reclaim_speed *r, enum rspeed_kind k, uint64_t ns, uint64_t pages, uint64_t reclaimed)
{
	if (r->nr[k] == r->cap[k]) {
		size_t cap = r->cap[k] ? 2 * r->cap[k] : 256;
		struct rspeed_sample *s = realloc(r->s[k], cap * sizeof(*s));
		if (!s)
			return -1;
		r->s[k] = s;
		r->cap[k] = cap;
	}
	r->s[k][r->nr[k]++] = (struct rspeed_sample){ ns, pages, reclaimed };
	return 0;
}

int rspeed_event(struct reclaim_speed *r, const struct ftrace_event *ev)
{
	struct rspeed_pending *p;
	switch ((enum ftrace_event_id)ev->id) {
	case FEV_LRU_ISOLATE:
		if (ev->result > ISO_ACTIVE_FILE)
			return 0;
		p = start(r, ev->pid);
		*p = (struct rspeed_pending){ .pid = ev->pid, .lru = ev->result, .t_ns = ev->time_ns };
		return 0;
	case FEV_WRITE_FOLIO:
	case FEV_COMPACTION_ISOLATE_FREEPAGES:
	case FEV_COMPACTION_FAST_ISOLATE_FREEPAGES:
		/* a reclaim batch's swap writes; a migrate_pages call's free scanning */
		if ((p = pending(r, ev->pid)))
			p->writes++;
		return 0;
	case FEV_MIGRATE_PAGES_START:
		p = start(r, ev->pid);
		*p = (struct rspeed_pending){ .pid = ev->pid, .lru = MIGRATING, .t_ns = ev->time_ns };
		return 0;
	case FEV_MIGRATE_PAGES: {
		struct rspeed_pending b;
		if (!finish(r, ev->pid, &b))
			return 0;
		if (b.lru != MIGRATING || b.writes || !ev->nr[0] || ev->time_ns < b.t_ns)
			return 0;
		return add(r, RSPEED_MIGRATE, ev->time_ns - b.t_ns, ev->nr[0], 0);
	}
	case FEV_LRU_SHRINK_INACTIVE: {
		struct rspeed_pending b;
		if (!finish(r, ev->pid, &b))
			return 0;
		bool file = ev->result == 1;
		if (ev->result > 1 || b.lru != (file ? ISO_INACTIVE_FILE : ISO_INACTIVE_ANON) || ev->time_ns < b.t_ns)
			return 0;
		uint64_t ns = ev->time_ns - b.t_ns, reclaimed = ev->nr[1];
		if (b.writes)
			return file ? 0 : add(r, RSPEED_SWAP_WRITE, ns, b.writes, reclaimed);
		return reclaimed ? add(r, file ? RSPEED_FILE : RSPEED_ANON, ns, reclaimed, 0) : 0;
	}
	case FEV_LRU_SHRINK_ACTIVE: {
		struct rspeed_pending b;
		if (!finish(r, ev->pid, &b))
			return 0;
		bool file = ev->result == 1;
		if (ev->result > 1 || b.lru != (file ? ISO_ACTIVE_FILE : ISO_ACTIVE_ANON) || ev->time_ns < b.t_ns ||
		    !ev->nr[0])
			return 0;
		return add(r, RSPEED_ACTIVE, ev->time_ns - b.t_ns, ev->nr[0], 0);
	}
	default:
		return 0;
	}
}

struct rate {
	double ns_per_page;
	uint64_t weight;
};

static int cmp_rate(const void *a, const void *b)
{
	double x = ((const struct rate *)a)->ns_per_page, y = ((const struct rate *)b)->ns_per_page;
	return (x > y) - (x < y);
}

/* Page-weighted median of the batches' ns per page: the lowest rate at or below which
 * half the pages (or more) were worked; rounded to the nearest ns. */
static uint64_t weighted_median(const struct reclaim_speed *r, enum rspeed_kind k, uint64_t anon_ns,
				uint64_t *pages)
{
	size_t n = r->nr[k];
	struct rate *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return 0;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rspeed_sample *s = &r->s[k][i];
		double less = (double)s->reclaimed * (double)anon_ns;
		double ns = (double)s->ns > less ? (double)s->ns - less : 0;
		v[i] = (struct rate){ ns / (double)s->pages, s->pages };
		total += s->pages;
	}
	qsort(v, n, sizeof(*v), cmp_rate);
	uint64_t acc = 0, med = 0;
	for (size_t i = 0; i < n; i++) {
		acc += v[i].weight;
		if (2 * acc >= total) {
			med = (uint64_t)(v[i].ns_per_page + 0.5);
			break;
		}
	}
	free(v);
	*pages = total;
	return med;
}

void rspeed_result(const struct reclaim_speed *r, struct rspeed_result *out)
{
	memset(out, 0, sizeof(*out));
	static const enum rspeed_kind order[NR_RSPEED] = { RSPEED_FILE, RSPEED_ANON, RSPEED_ACTIVE,
							   RSPEED_MIGRATE, RSPEED_SWAP_WRITE };
	for (unsigned i = 0; i < NR_RSPEED; i++) {
		enum rspeed_kind k = order[i];
		out->batches[k] = r->nr[k];
		/* a swap-writing batch's reclaimed pages cost what an anon batch's do */
		uint64_t med = weighted_median(r, k, k == RSPEED_SWAP_WRITE ? out->ns_per_page[RSPEED_ANON] : 0,
					       &out->pages[k]);
		out->measured[k] = r->nr[k] >= RSPEED_MIN_BATCHES;
		out->ns_per_page[k] = out->measured[k] ? med : 0;
	}
}
