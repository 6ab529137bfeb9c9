/* wl_pins.h — the pin component: pins taken and dropped during the run, as the kernel
 * sees them (model.md §6.1, §7.3).
 *
 *   short I/O pins   O_DIRECT and zero-copy network I/O pin the user buffer's pages for
 *                    the I/O's duration (pin_user_pages_fast without FOLL_LONGTERM): I/Os
 *                    arrive as a Poisson process, each pins `io.size` pages of the I/O
 *                    task's buffer pool (anonymous pages, allocated the first time an I/O
 *                    uses them, freed at the end) and unpins them after a lognormal
 *                    duration.  alloc_contig_range retries such a page (-EAGAIN).
 *   long-term pins   sessions (an RDMA registration, io_uring fixed buffers, a driver's
 *                    GUP buffers) arrive as a Poisson process; each allocates `longterm.size`
 *                    of anonymous memory, pins every page FOLL_LONGTERM (moved out of CMA /
 *                    ZONE_MOVABLE first under policy.cma.pin_migrate), and after an
 *                    exponential hold unpins and frees it.
 * Either part is off at rate 0.  Every draw comes from the component's own streams, so
 * the rest of a workload's records do not shift when its parameters change. */
#ifndef MMSIM_WL_PINS_H
#define MMSIM_WL_PINS_H

#include "wl_internal.h"

struct pins {
	/* parameters */
	double io_rate_per_s;       /* short-pinned I/Os per second (0: none) */
	uint64_t io_pages;          /* pages each I/O pins */
	uint64_t io_pool_pages;     /* the I/O task's buffer pool */
	sim_ns_t io_hold_mean_ns;   /* mean pin duration (lognormal) */
	double io_hold_sigma;
	double lt_rate_per_s;       /* long-term pin sessions per second (0: none) */
	uint64_t lt_pages;          /* pages per session */
	sim_ns_t lt_hold_mean_ns;   /* mean session length (exponential) */
	/* run state */
	uint32_t io_task, lt_task;
	gsl_rng *r_io, *r_lt;
	uint64_t *pool;             /* buffer ids, 0 = not allocated yet */
	double io_t_ns, lt_t_ns;    /* exact arrival clocks */
	sim_ns_t io_next_ns, lt_next_ns;
};

#define PINS_PARAMS(PREFIX, BASE)                                                               \
	{ PREFIX "io.rate", WLP_DOUBLE, (BASE) + offsetof(struct pins, io_rate_per_s), "0", 0,   \
	  1e9, NULL, "short-pinned I/Os (O_DIRECT, zero-copy network) per second; 0 = none" },  \
	{ PREFIX "io.size", WLP_PAGES, (BASE) + offsetof(struct pins, io_pages), "64KiB", 1,     \
	  1e6, NULL, "buffer each I/O pins" },                                                  \
	{ PREFIX "io.buffers", WLP_PAGES, (BASE) + offsetof(struct pins, io_pool_pages), "4MiB", \
	  1, 1e9, NULL, "the I/O task's buffer pool (anonymous, allocated on first use)" },     \
	{ PREFIX "io.hold", WLP_DURATION, (BASE) + offsetof(struct pins, io_hold_mean_ns),       \
	  "2ms", 1, 1e15, NULL, "mean time an I/O holds its pins (lognormal)" },                \
	{ PREFIX "io.sigma", WLP_DOUBLE, (BASE) + offsetof(struct pins, io_hold_sigma), "1.0",   \
	  0, 10, NULL, "standard deviation of ln(hold) of an I/O's pins" },                     \
	{ PREFIX "longterm.rate", WLP_DOUBLE, (BASE) + offsetof(struct pins, lt_rate_per_s),     \
	  "0", 0, 1e6, NULL, "long-term (FOLL_LONGTERM) pin sessions per second; 0 = none" },   \
	{ PREFIX "longterm.size", WLP_PAGES, (BASE) + offsetof(struct pins, lt_pages), "1MiB",   \
	  1, 1e9, NULL, "anonymous memory each session allocates and pins" },                   \
	{ PREFIX "longterm.hold", WLP_DURATION, (BASE) + offsetof(struct pins, lt_hold_mean_ns), \
	  "10s", 1, 1e17, NULL, "mean session length (exponential): then unpinned and freed" }

/* prefix names the streams and the keys in errors; io_task and lt_task issue the records. */
int pins_init(struct workload *w, struct pins *p, const char *prefix, uint32_t io_task, uint32_t lt_task,
	      struct sim_error *err);
/* Act at wl_now(w) (the parts due now); returns the next action time (WL_NEVER: none). */
sim_ns_t pins_step(struct workload *w, struct pins *p);
void pins_fini(struct pins *p);

/* A page held by a short-lived reference from now for hold_ns (buffer heads the journal
 * holds on a block-device page): a short pin now, its unpin hold_ns later. */
void pins_hold_short(struct workload *w, uint32_t task, uint64_t id, sim_ns_t hold_ns);

#endif
