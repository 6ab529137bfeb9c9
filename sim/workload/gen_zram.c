/* gen_zram.c — a compressed swap pool of non-LRU movable pages and aio rings held by owner
 * pins, over a fragmenting background, with order-9 requests and device allocations
 * (architecture.md §5; the configs/nonlru experiments).
 *
 *   pool     apps own `zram.app` of anonymous memory (GFP_HIGHUSER_MOVABLE|__GFP_ZERO,
 *            faulted in at the start).  Swap events arrive at `zram.rate` per second; each
 *            is a swap-out or a swap-in, chosen so the compressed share reverts to
 *            `zram.swapped`: a swap-out with probability (1-x)s / ((1-x)s + x(1-s)) at
 *            compressed share x and target s (1/2 at x = s).  A swap-out frees a random
 *            resident page (reclaim compressed it, zram_write_page) and stores it in the pool:
 *            zsmalloc packs `zram.ratio` objects into one pool page, the object goes to the
 *            most recently opened page with room (a new one when none: an order-0 alloc
 *            with zram's gfp GFP_NOIO|__GFP_HIGHMEM|__GFP_MOVABLE, then hint movable_ops, as
 *            zsmalloc's pages are non-LRU movable since 4.8).  A swap-in of a random
 *            compressed page reads its pool page (an access: a major fault if migration
 *            dropped that page, policy.migration.nonlru reclaim), registers it again
 *            (hint movable_ops: a refaulted page comes back as an ordinary one), frees the
 *            object — the pool page when it was the last, as zsmalloc frees an empty
 *            zspage — and faults the app's page in again (a new anonymous page).
 *   aio      `aio.contexts` io_setup() contexts from the start, and new ones at `aio.rate`
 *            per second living `aio.lifetime` (exponential): each allocates `aio.pages`
 *            ring pages (page cache of aio's inode, GFP_HIGHUSER_MOVABLE, as the ring was
 *            user memory in 2013) and holds them with owner pins (pin kind owner: the
 *            ring has aio_migrate_folio); io_destroy() unpins and frees them.
 *   pins     GUP long-term sessions and short I/O pins (wl_pins.h, under "pins.").
 *   huge     from `huge.start`, one order-`huge.order` request every `huge.interval`
 *            (hugetlbfs-like: GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL, direct
 *            compaction), freed `huge.hold` later.
 *   cma      from `cma.start`, a cma_alloc of `cma.size` every `cma.interval` (0: none),
 *            released `cma.hold` later.
 *   background  a churn (wl_churn.h, under "background.") that fills and fragments memory;
 *            its footprint target counts every live page of the workload.
 * The pool's pages and the apps' anonymous pages come and go with the swap events, so they
 * are not in the drain: whatever of them is live at the end stays allocated.  Every
 * component draws from its own streams.
 */
#include "wl_churn.h"
#include "wl_pins.h"

#include <stdlib.h>

/* zram's zs_malloc gfp (zram_write_page, 6.12): zsmalloc allocates its pages with it. */
#define WL_GFP_ZRAM (GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE)
/* The aio ring as user memory (aio_setup_ring before 3.12 mapped it and pinned it with
 * get_user_pages); page cache, not anonymous, since 3.12: GFP_HIGHUSER_MOVABLE without
 * __GFP_ZERO marks a file page here. */
#define WL_GFP_AIO GFP_HIGHUSER_MOVABLE

#define ZRAM_NO_ZSPAGE UINT32_MAX

/* One pool page.  0 <= used <= ratio; used == 0 only while id == 0 (freed, index free). */
struct zspage {
	uint64_t id;
	uint32_t used;
	bool in_open; /* on the open stack (may be stale: checked when taken) */
};

/* Invariants:  nr_resident + nr_compressed == app_pages;
 *   list[0..nr_resident) resident, list[nr_resident..app_pages) compressed, pos[list[k]] == k;
 *   a resident app page i has anon_id[i] != 0 and zs[i] == ZRAM_NO_ZSPAGE;
 *   Σ_live zspages used == nr_compressed. */
struct zram {
	struct churn bg;
	uint64_t app_pages;
	double swapped;
	double rate_per_s;
	uint64_t ratio;
	uint64_t aio_contexts;
	double aio_rate_per_s;
	uint64_t aio_pages;
	sim_ns_t aio_life_ns;
	struct pins pins;
	sim_ns_t huge_start_ns, huge_interval_ns, huge_hold_ns;
	uint64_t huge_order;
	sim_ns_t cma_start_ns, cma_interval_ns, cma_hold_ns;
	uint64_t cma_pages, cma_align;

	/* run state */
	uint64_t *anon_id;
	uint32_t *zs;
	uint32_t *list, *pos;
	uint64_t nr_resident;
	struct zspage *zspages;
	uint32_t nr_zspages, cap_zspages;
	uint32_t *open, nr_open, cap_open;     /* stack of pool pages with room */
	uint32_t *spare, nr_spare, cap_spare;   /* freed zspage indices */
	bool populated;
	double swap_t_ns, aio_t_ns;
	gsl_rng *r_swap, *r_pick, *r_aio;
	sim_ns_t bg_next_ns, swap_next_ns, aio_next_ns, pins_next_ns, huge_next_ns, cma_next_ns;
};

#define OFF(f) offsetof(struct zram, f)
static const struct wl_param zram_params[] = {
	CHURN_PARAMS("background.", OFF(bg)),
	{ "zram.app", WLP_PAGES, OFF(app_pages), "64MiB", 0, 1 << 30, NULL,
	  "anonymous memory whose pages go through the compressed pool (faulted in at the start)" },
	{ "zram.swapped", WLP_DOUBLE, OFF(swapped), "0.5", 0, 1, NULL,
	  "share of it kept compressed (swap events revert to it)" },
	{ "zram.rate", WLP_DOUBLE, OFF(rate_per_s), "2000", 0, 1e9, NULL,
	  "swap events (swap-outs and swap-ins) per second; 0 = none" },
	{ "zram.ratio", WLP_U64, OFF(ratio), "3", 1, 64, NULL,
	  "compressed pages per pool page (zsmalloc packs objects of a size class)" },
	{ "aio.contexts", WLP_U64, OFF(aio_contexts), "16", 0, 1e6, NULL,
	  "aio contexts set up at the start, held to the end" },
	{ "aio.rate", WLP_DOUBLE, OFF(aio_rate_per_s), "0", 0, 1e6, NULL,
	  "aio contexts set up per second during the run; 0 = none" },
	{ "aio.pages", WLP_U64, OFF(aio_pages), "8", 1, 4096, NULL, "ring pages per context" },
	{ "aio.lifetime", WLP_DURATION, OFF(aio_life_ns), "5s", 1, 1e17, NULL,
	  "mean life of a context set up during the run (exponential); then io_destroy" },
	PINS_PARAMS("pins.", OFF(pins)),
	{ "huge.start", WLP_DURATION, OFF(huge_start_ns), "2s", 0, 1e17, NULL, "first high-order request" },
	{ "huge.interval", WLP_DURATION, OFF(huge_interval_ns), "0", 0, 1e17, NULL,
	  "time between high-order requests; 0 = none" },
	{ "huge.hold", WLP_DURATION, OFF(huge_hold_ns), "1s", 1, 1e17, NULL,
	  "a high-order block is freed this long after it was asked for" },
	{ "huge.order", WLP_U64, OFF(huge_order), "9", 1, MAX_PAGE_ORDER, NULL, "order of the requests" },
	{ "cma.start", WLP_DURATION, OFF(cma_start_ns), "2s", 0, 1e17, NULL, "first cma_alloc" },
	{ "cma.interval", WLP_DURATION, OFF(cma_interval_ns), "0", 0, 1e17, NULL,
	  "time between cma_allocs; 0 = none" },
	{ "cma.size", WLP_PAGES, OFF(cma_pages), "8MiB", 1, 2147483648.0, NULL, "size of each cma_alloc" },
	{ "cma.align", WLP_U64, OFF(cma_align), "8", 0, 20, NULL, "alignment order of each cma_alloc" },
	{ "cma.hold", WLP_DURATION, OFF(cma_hold_ns), "500ms", 0, 1e17, NULL,
	  "a device allocation is released this long after it was asked for" },
};
#undef OFF

#define ZRAM_TASK_SWAP (WL_TASK_BASE + 800) /* reclaim's swap-outs, the apps' faults */
#define ZRAM_TASK_AIO (WL_TASK_BASE + 801)  /* io_setup / io_destroy */
#define ZRAM_TASK_HUGE (WL_TASK_BASE + 802) /* high-order requester */
#define ZRAM_TASK_CMA (WL_TASK_BASE + 803)  /* device driver */
#define ZRAM_TASK_IO (WL_TASK_BASE + 804)   /* short pins */
#define ZRAM_TASK_LT (WL_TASK_BASE + 805)   /* long-term pin sessions */

/* A Poisson arrival strictly after now (the framework needs increasing action times). */
static sim_ns_t next_arrival(gsl_rng *r, double rate_per_s, double *t_ns, sim_ns_t now)
{
	*t_ns += gsl_ran_exponential(r, 1e9 / rate_per_s);
	sim_ns_t next = wl_ns_from_double(*t_ns);
	if (next <= now) {
		next = now + 1;
		*t_ns = (double)next;
	}
	return next;
}

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct zram *z = state;
	if (z->bg.nr_tasks > 800)
		return wl_param_error(w, err, "background.tasks", "at most 800 with zram");
	if (z->app_pages > UINT32_MAX - 1)
		return wl_param_error(w, err, "zram.app", "too large");
	if (churn_init(w, &z->bg, "background.", WL_TASK_BASE, err))
		return -1;
	if (pins_init(w, &z->pins, "pins.", ZRAM_TASK_IO, ZRAM_TASK_LT, err))
		return -1;
	if (!(z->r_swap = wl_stream(w, "zram.swap")) || !(z->r_pick = wl_stream(w, "zram.pick")) ||
	    !(z->r_aio = wl_stream(w, "zram.aio")))
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	size_t n = z->app_pages ? z->app_pages : 1;
	z->anon_id = calloc(n, sizeof(*z->anon_id));
	z->zs = calloc(n, sizeof(*z->zs));
	z->list = calloc(n, sizeof(*z->list));
	z->pos = calloc(n, sizeof(*z->pos));
	if (!z->anon_id || !z->zs || !z->list || !z->pos)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (uint32_t i = 0; i < z->app_pages; i++) {
		z->list[i] = z->pos[i] = i;
		z->zs[i] = ZRAM_NO_ZSPAGE;
	}
	z->nr_resident = z->app_pages;
	z->bg_next_ns = 0;
	z->swap_next_ns = z->app_pages ? 0 : WL_NEVER;
	z->aio_next_ns = 0; /* the start-up contexts */
	z->pins_next_ns = MIN(z->pins.io_next_ns, z->pins.lt_next_ns);
	z->huge_next_ns = z->huge_interval_ns ? z->huge_start_ns : WL_NEVER;
	z->cma_next_ns = z->cma_interval_ns ? z->cma_start_ns : WL_NEVER;
	return 0;
}

/* ---- the pool --------------------------------------------------------------------------- */

static bool push_u32(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 256;
		uint32_t *nv = realloc(*v, c * sizeof(**v));
		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return true;
}

static void open_push(struct zram *z, uint32_t k)
{
	if (z->zspages[k].in_open)
		return;
	if (!push_u32(&z->open, &z->nr_open, &z->cap_open, k))
		abort(); /* out of memory while generating: nothing sensible to emit */
	z->zspages[k].in_open = true;
}

/* A pool page with room for one more object: the open one on top of the stack, else a new
 * page (zs_malloc -> alloc_zspage). */
static uint32_t zspage_with_room(struct workload *w, struct zram *z)
{
	while (z->nr_open) {
		uint32_t k = z->open[z->nr_open - 1];
		struct zspage *p = &z->zspages[k];
		if (p->id && p->used < z->ratio)
			return k;
		p->in_open = false;
		z->nr_open--;
	}
	uint32_t k;
	if (z->nr_spare) {
		k = z->spare[--z->nr_spare];
	} else {
		if (z->nr_zspages == z->cap_zspages) {
			uint32_t c = z->cap_zspages ? z->cap_zspages * 2 : 256;
			struct zspage *nv = realloc(z->zspages, c * sizeof(*nv));
			if (!nv)
				abort();
			z->zspages = nv;
			z->cap_zspages = c;
		}
		k = z->nr_zspages++;
		z->zspages[k].in_open = false;
	}
	struct zspage *p = &z->zspages[k];
	p->id = wl_alloc_now(w, ZRAM_TASK_SWAP, 0, WL_GFP_ZRAM);
	p->used = 0;
	wl_sched_simple(w, TR_HINT, wl_now(w), ZRAM_TASK_SWAP, p->id, HINT_MOVABLE_OPS);
	open_push(z, k);
	return k;
}

/* Move app page i between the resident and compressed parts of list. */
static void list_swap(struct zram *z, uint64_t a, uint64_t b)
{
	uint32_t ia = z->list[a], ib = z->list[b];
	z->list[a] = ib;
	z->list[b] = ia;
	z->pos[ib] = (uint32_t)a;
	z->pos[ia] = (uint32_t)b;
}

static void swap_out(struct workload *w, struct zram *z)
{
	uint64_t k = gsl_rng_uniform_int(z->r_pick, z->nr_resident);
	uint32_t i = z->list[k];
	wl_sched_free(w, wl_now(w), ZRAM_TASK_SWAP, z->anon_id[i], 0);
	z->anon_id[i] = 0;
	uint32_t zk = zspage_with_room(w, z);
	z->zspages[zk].used++;
	z->zs[i] = zk;
	list_swap(z, k, z->nr_resident - 1);
	z->nr_resident--;
}

static void swap_in(struct workload *w, struct zram *z)
{
	sim_ns_t now = wl_now(w);
	uint64_t nr_compressed = z->app_pages - z->nr_resident;
	uint64_t k = z->nr_resident + gsl_rng_uniform_int(z->r_pick, nr_compressed);
	uint32_t i = z->list[k];
	uint32_t zk = z->zs[i];
	struct zspage *p = &z->zspages[zk];
	/* zram_read_page: decompress from the pool page (a major fault if it was dropped). */
	wl_sched_simple(w, TR_ACCESS, now, ZRAM_TASK_SWAP, p->id, 0);
	if (--p->used == 0) {
		wl_sched_free(w, now, ZRAM_TASK_SWAP, p->id, 0);
		p->id = 0;
		if (!push_u32(&z->spare, &z->nr_spare, &z->cap_spare, zk))
			abort();
	} else {
		wl_sched_simple(w, TR_HINT, now, ZRAM_TASK_SWAP, p->id, HINT_MOVABLE_OPS);
		open_push(z, zk);
	}
	z->zs[i] = ZRAM_NO_ZSPAGE;
	z->anon_id[i] = wl_alloc_now(w, ZRAM_TASK_SWAP, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	list_swap(z, k, z->nr_resident);
	z->nr_resident++;
}

static sim_ns_t swap_step(struct workload *w, struct zram *z)
{
	sim_ns_t now = wl_now(w);
	if (!z->populated) {
		for (uint64_t i = 0; i < z->app_pages; i++)
			z->anon_id[i] = wl_alloc_now(w, ZRAM_TASK_SWAP, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		z->populated = true;
		return z->rate_per_s > 0 ? next_arrival(z->r_swap, z->rate_per_s, &z->swap_t_ns, now) : WL_NEVER;
	}
	double x = (double)(z->app_pages - z->nr_resident) / (double)z->app_pages, s = z->swapped;
	double out = (1 - x) * s, in = x * (1 - s);
	double u = gsl_rng_uniform(z->r_swap);
	if (out + in > 0) {
		if (u * (out + in) < out && z->nr_resident)
			swap_out(w, z);
		else if (z->nr_resident < z->app_pages)
			swap_in(w, z);
	}
	return next_arrival(z->r_swap, z->rate_per_s, &z->swap_t_ns, now);
}

/* ---- aio rings, high-order requests, device allocations ---------------------------------- */

/* io_setup: the ring's pages, each held by the context (an owner pin) until io_destroy. */
static void aio_context(struct workload *w, struct zram *z, sim_ns_t end_ns)
{
	sim_ns_t now = wl_now(w);
	for (uint64_t k = 0; k < z->aio_pages; k++) {
		uint64_t id = wl_alloc_now(w, ZRAM_TASK_AIO, 0, WL_GFP_AIO);
		wl_sched_simple(w, TR_PIN, now, ZRAM_TASK_AIO, id, PIN_OWNER);
		wl_sched_simple(w, TR_UNPIN, end_ns, ZRAM_TASK_AIO, id, 0);
		wl_sched_free(w, end_ns == WL_NEVER ? WL_NEVER : end_ns + 1, ZRAM_TASK_AIO, id, 0);
	}
}

static sim_ns_t aio_step(struct workload *w, struct zram *z)
{
	sim_ns_t now = wl_now(w);
	if (now == 0 && z->aio_contexts) {
		for (uint64_t c = 0; c < z->aio_contexts; c++)
			aio_context(w, z, WL_NEVER);
	} else if (z->aio_rate_per_s > 0 && now > 0) {
		sim_ns_t life = MAX(wl_draw_lifetime(z->r_aio, WL_LIFE_EXPONENTIAL, z->aio_life_ns, 0), 1);
		aio_context(w, z, now + life);
	}
	if (z->aio_rate_per_s <= 0)
		return WL_NEVER;
	return next_arrival(z->r_aio, z->aio_rate_per_s, &z->aio_t_ns, now);
}

static sim_ns_t huge_step(struct workload *w, struct zram *z)
{
	sim_ns_t now = wl_now(w);
	unsigned order = (unsigned)z->huge_order;
	uint64_t id = wl_alloc_now(w, ZRAM_TASK_HUGE, order, WL_GFP_HUGETLB);
	wl_sched_free(w, now + z->huge_hold_ns, ZRAM_TASK_HUGE, id, order);
	return now + z->huge_interval_ns;
}

static sim_ns_t cma_step(struct workload *w, struct zram *z)
{
	sim_ns_t now = wl_now(w);
	uint64_t id = wl_new_id(w);
	struct trace_record r = { .time_ns = now, .kind = TR_CMA_ALLOC, .task = ZRAM_TASK_CMA, .id = id,
				  .count = (uint32_t)z->cma_pages, .arg = (int32_t)z->cma_align };
	wl_schedule(w, &r, (int64_t)z->cma_pages);
	struct trace_record rel = { .time_ns = now + z->cma_hold_ns, .kind = TR_CMA_RELEASE,
				    .task = ZRAM_TASK_CMA, .id = id };
	wl_schedule(w, &rel, -(int64_t)z->cma_pages);
	return now + z->cma_interval_ns;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct zram *z = state;
	sim_ns_t now = wl_now(w);
	if (z->aio_next_ns <= now)
		z->aio_next_ns = aio_step(w, z);
	if (z->swap_next_ns <= now)
		z->swap_next_ns = swap_step(w, z);
	if (z->bg_next_ns <= now)
		z->bg_next_ns = churn_step(w, &z->bg);
	if (z->pins_next_ns <= now)
		z->pins_next_ns = pins_step(w, &z->pins);
	if (z->huge_next_ns <= now)
		z->huge_next_ns = huge_step(w, z);
	if (z->cma_next_ns <= now)
		z->cma_next_ns = cma_step(w, z);
	sim_ns_t next = MIN(MIN(z->bg_next_ns, z->swap_next_ns), MIN(z->aio_next_ns, z->pins_next_ns));
	return MIN(next, MIN(z->huge_next_ns, z->cma_next_ns));
}

static void fini(void *state)
{
	struct zram *z = state;
	churn_fini(&z->bg);
	pins_fini(&z->pins);
	free(z->anon_id);
	free(z->zs);
	free(z->list);
	free(z->pos);
	free(z->zspages);
	free(z->open);
	free(z->spare);
}

const struct wl_kind wl_kind_zram = {
	.name = "zram",
	.doc = "compressed swap pool of non-LRU movable pages + aio rings held by owner pins + pins, order-9 "
	       "requests and cma_alloc over a churn background",
	.params = zram_params,
	.nr_params = ARRAY_SIZE(zram_params),
	.state_size = sizeof(struct zram),
	.init = init,
	.step = step,
	.fini = fini,
};
