/* gen_camera.c — an Android-like camera burst (architecture.md §5; the CMA policy comparison).
 *
 * Background: app churn (the churn component under "background."), and block-device page
 * cache written by the storage stack — GFP_NOFS|__GFP_MOVABLE, movable but not
 * GFP_HIGHUSER_MOVABLE, so ZONE_CMA keeps it out while MIGRATE_CMA lets it in — dirtied
 * as it is written and dropped after a lifetime (files deleted or overwritten); the
 * `bdev.metadata` share of it is filesystem metadata whose buffer heads the journal holds
 * for `bdev.journal_hold` after the write (a short pin: migration fails with -EAGAIN
 * while jbd2 holds them, as buffer_migrate_folio_norefs in 6.12).  Pins come and go
 * during the run (the pin component, wl_pins.h, under "pins."): short pins of O_DIRECT /
 * network I/O buffers and long-term pin sessions, which mainline migrates out of CMA;
 * `pinned` more pages are pinned long-term from the start (a driver's GUP buffers at
 * boot).  The camera then opens: bursts of `cma.buffers` device allocations of
 * `cma.buffer_size` each, `cma.spacing` apart, released together `cma.hold` after the
 * burst's last allocation; bursts repeat every `cma.period`.
 */
#include "wl_churn.h"
#include "wl_pins.h"

#include <math.h>

struct camera {
	struct churn bg;
	double bdev_rate_per_s;     /* block-device page-cache pages written per second */
	sim_ns_t bdev_life_ns;
	double bdev_metadata;       /* share of block-device pages the journal holds */
	sim_ns_t journal_hold_ns;   /* mean time it holds them (exponential) */
	struct pins pins;
	uint64_t pinned_pages;
	sim_ns_t cma_start_ns;
	uint64_t cma_buffers;
	uint64_t cma_buffer_pages;
	uint64_t cma_align_order;
	sim_ns_t cma_spacing_ns;
	sim_ns_t cma_hold_ns;
	sim_ns_t cma_period_ns;
	uint64_t cma_bursts;        /* 0: until the end */

	gsl_rng *r_bdev, *r_journal;
	sim_ns_t bg_next_ns, bdev_next_ns, cma_next_ns, pins_next_ns;
	double bdev_t_ns;
	uint64_t nr_pinned_done;
	uint64_t burst, buffer;     /* current burst, next buffer within it */
	uint64_t burst_first_id;    /* buffer b of the current burst is id burst_first_id + b */
};

#define OFF(f) offsetof(struct camera, f)
static const struct wl_param camera_params[] = {
	CHURN_PARAMS("background.", OFF(bg)),
	{ "bdev.rate", WLP_DOUBLE, OFF(bdev_rate_per_s), "5000", 0, 1e10, NULL,
	  "block-device page-cache pages written per second (0 = none)" },
	{ "bdev.lifetime", WLP_DURATION, OFF(bdev_life_ns), "20s", 1, 1e17, NULL,
	  "mean time until a block-device page is dropped (exponential)" },
	{ "bdev.metadata", WLP_DOUBLE, OFF(bdev_metadata), "0", 0, 1, NULL,
	  "share of block-device pages that are metadata the journal holds after the write" },
	{ "bdev.journal_hold", WLP_DURATION, OFF(journal_hold_ns), "5s", 1, 1e15, NULL,
	  "mean time the journal holds a metadata page's buffer heads (exponential; at most "
	  "until the page is dropped)" },
	PINS_PARAMS("pins.", OFF(pins)),
	{ "pinned", WLP_PAGES, OFF(pinned_pages), "16MiB", 0, 1e10, NULL,
	  "anonymous memory pinned long-term from the start (taken page by page at time 0)" },
	{ "cma.start", WLP_DURATION, OFF(cma_start_ns), "2s", 0, 1e17, NULL,
	  "first burst (after the background warmed up)" },
	{ "cma.buffers", WLP_U64, OFF(cma_buffers), "16", 1, 4096, NULL,
	  "device allocations per burst" },
	{ "cma.buffer_size", WLP_PAGES, OFF(cma_buffer_pages), "8MiB", 1, 2147483648.0, NULL,
	  "size of each device allocation" },
	{ "cma.align", WLP_U64, OFF(cma_align_order), "8", 0, 20, NULL,
	  "alignment order (dma_alloc: min(get_order(size), CONFIG_CMA_ALIGNMENT=8))" },
	{ "cma.spacing", WLP_DURATION, OFF(cma_spacing_ns), "100ms", 1, 1e12, NULL,
	  "time between allocations in a burst" },
	{ "cma.hold", WLP_DURATION, OFF(cma_hold_ns), "2s", 0, 1e15, NULL,
	  "buffers are released this long after the burst's last allocation" },
	{ "cma.period", WLP_DURATION, OFF(cma_period_ns), "10s", 1, 1e17, NULL,
	  "time between burst starts" },
	{ "cma.bursts", WLP_U64, OFF(cma_bursts), "0", 0, 1e9, NULL, "bursts; 0 = until the end" },
};
#undef OFF

#define CAMERA_TASK_HAL (WL_TASK_BASE + 900)  /* camera HAL / ISP driver */
#define CAMERA_TASK_BDEV (WL_TASK_BASE + 901) /* writeback-producing storage writer */
#define CAMERA_TASK_PIN (WL_TASK_BASE + 902)  /* driver holding GUP pins */
#define CAMERA_TASK_IO (WL_TASK_BASE + 903)   /* O_DIRECT / network I/O: short pins */
#define CAMERA_TASK_LT (WL_TASK_BASE + 904)   /* long-term pin sessions */

static int init(struct workload *w, void *state, struct sim_error *err)
{
	struct camera *c = state;
	if (c->bg.nr_tasks > 900)
		return wl_param_error(w, err, "background.tasks", "at most 900 with camera");
	if (c->cma_spacing_ns * (c->cma_buffers - 1) + c->cma_hold_ns >= c->cma_period_ns)
		return wl_param_error(w, err, "cma.period",
				      "must exceed spacing * (buffers - 1) + hold, so bursts do not overlap");
	if (churn_init(w, &c->bg, "background.", WL_TASK_BASE, err))
		return -1;
	if (!(c->r_bdev = wl_stream(w, "camera.bdev")) || !(c->r_journal = wl_stream(w, "camera.journal")))
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	if (pins_init(w, &c->pins, "pins.", CAMERA_TASK_IO, CAMERA_TASK_LT, err))
		return -1;
	c->bg_next_ns = 0;
	c->bdev_next_ns = c->bdev_rate_per_s > 0 ? 0 : WL_NEVER;
	c->cma_next_ns = c->cma_start_ns;
	c->pins_next_ns = MIN(c->pins.io_next_ns, c->pins.lt_next_ns);
	return 0;
}

static sim_ns_t bdev_step(struct workload *w, struct camera *c)
{
	sim_ns_t now = wl_now(w);
	uint64_t id = wl_alloc_now(w, CAMERA_TASK_BDEV, 0, WL_GFP_BDEV);
	wl_sched_simple(w, TR_DIRTY, now, CAMERA_TASK_BDEV, id, 0);
	sim_ns_t life = wl_draw_lifetime(c->r_bdev, WL_LIFE_EXPONENTIAL, c->bdev_life_ns, 0);
	wl_sched_free(w, now + life, CAMERA_TASK_BDEV, id, 0);
	/* Metadata: the journal holds its buffer heads from the write on (drawn from its own
	 * stream, so the rest of the trace is the same whatever the share). */
	if (c->bdev_metadata > 0 && gsl_rng_uniform(c->r_journal) < c->bdev_metadata && life >= 2) {
		sim_ns_t hold = wl_draw_lifetime(c->r_journal, WL_LIFE_EXPONENTIAL, c->journal_hold_ns, 0);
		pins_hold_short(w, CAMERA_TASK_BDEV, id, MIN(hold, life / 2));
	}
	c->bdev_t_ns += gsl_ran_exponential(c->r_bdev, 1e9 / c->bdev_rate_per_s);
	sim_ns_t next = wl_ns_from_double(c->bdev_t_ns);
	if (next <= now) {
		next = now + 1;
		c->bdev_t_ns = (double)next;
	}
	return next;
}

static sim_ns_t cma_step(struct workload *w, struct camera *c)
{
	sim_ns_t now = wl_now(w);
	if (c->buffer == 0)
		c->burst_first_id = wl_reserve_ids(w, c->cma_buffers);
	struct trace_record r = {
		.time_ns = now, .kind = TR_CMA_ALLOC, .task = CAMERA_TASK_HAL,
		.id = c->burst_first_id + c->buffer, .count = (uint32_t)c->cma_buffer_pages,
		.arg = (int32_t)c->cma_align_order,
	};
	wl_schedule(w, &r, (int64_t)c->cma_buffer_pages);
	if (++c->buffer < c->cma_buffers)
		return now + c->cma_spacing_ns;
	/* the camera closes: every buffer of the burst goes back at once */
	for (uint64_t b = 0; b < c->cma_buffers; b++) {
		struct trace_record rel = { .time_ns = now + c->cma_hold_ns,
					    .kind = TR_CMA_RELEASE, .task = CAMERA_TASK_HAL,
					    .id = c->burst_first_id + b };
		wl_schedule(w, &rel, -(int64_t)c->cma_buffer_pages);
	}
	c->buffer = 0;
	if (c->cma_bursts && ++c->burst >= c->cma_bursts)
		return WL_NEVER;
	return now - c->cma_spacing_ns * (c->cma_buffers - 1) + c->cma_period_ns;
}

static sim_ns_t step(struct workload *w, void *state)
{
	struct camera *c = state;
	sim_ns_t now = wl_now(w);
	if (c->nr_pinned_done < c->pinned_pages) {
		/* all pins are taken at time 0, page by page, before anything else */
		uint64_t id = wl_alloc_now(w, CAMERA_TASK_PIN, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		wl_sched_simple(w, TR_PIN, now, CAMERA_TASK_PIN, id, PIN_LONGTERM);
		wl_sched_simple(w, TR_UNPIN, WL_NEVER, CAMERA_TASK_PIN, id, 0);
		wl_sched_free(w, WL_NEVER, CAMERA_TASK_PIN, id, 0);
		c->nr_pinned_done++;
		if (c->nr_pinned_done < c->pinned_pages)
			return now + 1;
	}
	if (c->cma_next_ns <= now)
		c->cma_next_ns = cma_step(w, c);
	if (c->bdev_next_ns <= now)
		c->bdev_next_ns = bdev_step(w, c);
	if (c->bg_next_ns <= now)
		c->bg_next_ns = churn_step(w, &c->bg);
	if (c->pins_next_ns <= now)
		c->pins_next_ns = pins_step(w, &c->pins);
	return MIN(MIN(MIN(c->bg_next_ns, c->bdev_next_ns), c->cma_next_ns), c->pins_next_ns);
}

static void fini(void *state)
{
	struct camera *c = state;
	churn_fini(&c->bg);
	pins_fini(&c->pins);
}

const struct wl_kind wl_kind_camera = {
	.name = "camera",
	.doc = "Android camera: background churn + blockdev page cache (journal-held metadata), short and long-term pins, bursts of cma_alloc",
	.params = camera_params,
	.nr_params = ARRAY_SIZE(camera_params),
	.state_size = sizeof(struct camera),
	.init = init,
	.step = step,
	.fini = fini,
};
