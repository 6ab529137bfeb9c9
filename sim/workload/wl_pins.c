/* wl_pins.c — short I/O pins and long-term pin sessions during the run (wl_pins.h). */
#include "wl_pins.h"

#include <stdio.h>
#include <stdlib.h>

/* The next arrival of a Poisson process of rate per second after *t_ns (strictly after
 * now: the framework needs increasing action times). */
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

int pins_init(struct workload *w, struct pins *p, const char *prefix, uint32_t io_task, uint32_t lt_task,
	      struct sim_error *err)
{
	char name[96];
	if (p->io_rate_per_s > 0 && p->io_pages > p->io_pool_pages) {
		snprintf(name, sizeof(name), "%sio.size", prefix);
		return wl_param_error(w, err, name, "must not exceed %sio.buffers", prefix);
	}
	p->io_task = io_task;
	p->lt_task = lt_task;
	snprintf(name, sizeof(name), "%spins.io", prefix);
	p->r_io = wl_stream(w, name);
	snprintf(name, sizeof(name), "%spins.longterm", prefix);
	p->r_lt = wl_stream(w, name);
	if (!p->r_io || !p->r_lt)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	p->pool = NULL;
	if (p->io_rate_per_s > 0 && !(p->pool = calloc(p->io_pool_pages, sizeof(*p->pool))))
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	p->io_t_ns = p->lt_t_ns = 0;
	p->io_next_ns = p->io_rate_per_s > 0 ? next_arrival(p->r_io, p->io_rate_per_s, &p->io_t_ns, 0) : WL_NEVER;
	p->lt_next_ns = p->lt_rate_per_s > 0 ? next_arrival(p->r_lt, p->lt_rate_per_s, &p->lt_t_ns, 0) : WL_NEVER;
	return 0;
}

void pins_hold_short(struct workload *w, uint32_t task, uint64_t id, sim_ns_t hold_ns)
{
	sim_ns_t now = wl_now(w);
	wl_sched_simple(w, TR_PIN, now, task, id, PIN_SHORT);
	wl_sched_simple(w, TR_UNPIN, now + MAX(hold_ns, 1), task, id, 0);
}

/* One I/O: io_pages consecutive pages of the pool (wrapping), allocated on first use. */
static void io_step(struct workload *w, struct pins *p)
{
	uint64_t first = gsl_rng_uniform_int(p->r_io, p->io_pool_pages);
	sim_ns_t hold = wl_draw_lifetime(p->r_io, WL_LIFE_LOGNORMAL, p->io_hold_mean_ns, p->io_hold_sigma);
	for (uint64_t k = 0; k < p->io_pages; k++) {
		uint64_t *id = &p->pool[(first + k) % p->io_pool_pages];
		if (!*id) {
			*id = wl_alloc_now(w, p->io_task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
			wl_sched_free(w, WL_NEVER, p->io_task, *id, 0);
		}
		pins_hold_short(w, p->io_task, *id, hold);
	}
}

/* One long-term session: allocate, pin FOLL_LONGTERM, and after the hold unpin and free. */
static void lt_step(struct workload *w, struct pins *p)
{
	sim_ns_t now = wl_now(w);
	sim_ns_t hold = MAX(wl_draw_lifetime(p->r_lt, WL_LIFE_EXPONENTIAL, p->lt_hold_mean_ns, 0), 1);
	for (uint64_t k = 0; k < p->lt_pages; k++) {
		uint64_t id = wl_alloc_now(w, p->lt_task, 0, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		wl_sched_simple(w, TR_PIN, now, p->lt_task, id, PIN_LONGTERM);
		wl_sched_simple(w, TR_UNPIN, now + hold, p->lt_task, id, 0);
		wl_sched_free(w, now + hold + 1, p->lt_task, id, 0);
	}
}

sim_ns_t pins_step(struct workload *w, struct pins *p)
{
	sim_ns_t now = wl_now(w);
	if (p->io_next_ns <= now) {
		io_step(w, p);
		p->io_next_ns = next_arrival(p->r_io, p->io_rate_per_s, &p->io_t_ns, now);
	}
	if (p->lt_next_ns <= now) {
		lt_step(w, p);
		p->lt_next_ns = next_arrival(p->r_lt, p->lt_rate_per_s, &p->lt_t_ns, now);
	}
	return MIN(p->io_next_ns, p->lt_next_ns);
}

void pins_fini(struct pins *p)
{
	free(p->pool);
	p->pool = NULL;
}
