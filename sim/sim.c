/* sim.c — one run: streams intent records into the node, lets the engine run the
 * mechanisms in between, samples the outputs, and writes the run directory. */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/procfs.h"
#include "stats/rundir.h"

/* Remember the first output failure of the run; sim_run stops at the next record. */
static void output_failed(struct sim *s, const struct sim_error *err)
{
	if (!s->out_err.code)
		s->out_err = *err;
}

static void sample_tick(void *ctx, sim_ns_t now_ns, uint64_t arg)
{
	(void)arg;
	struct sim *s = ctx;
	if (s->ts_open && !s->out_err.code) {
		timeseries_sample(&s->ts, &s->mm, now_ns);
		/* A failed write (ENOSPC, EIO) sets the stream's error flag; errno still holds
		 * its cause, as nothing but this row's stdio calls ran since. */
		if (ferror((FILE *)s->ts.fp)) {
			struct sim_error e;
			sim_error_set(&e, EX_IOERR_, "%s/timeseries.tsv: write failed: %s", s->rundir.path,
				      strerror(errno ? errno : EIO));
			output_failed(s, &e);
		}
	}
	/* The next tick is only scheduled while it is representable: a record at
	 * t >= 2^64 - sample_interval would otherwise wrap the tick to t itself and
	 * sample forever at one instant. */
	sim_ns_t iv = s->cfg.output.sample_interval_ns;
	bool stopping = s->stop && *s->stop;
	if (s->running && iv && now_ns <= UINT64_MAX - iv && !stopping)
		engine_schedule(&s->engine, now_ns + iv, s->h_sample, 0);
}

int sim_validate(const struct config *cfg, struct sim_error *err)
{
	struct mm_layout layout;
	if (config_validate(cfg, err))
		return -1;
	return mm_layout_check(cfg, &layout, err);
}

int sim_init(struct sim *s, const struct config *cfg, const char *outdir, struct sim_error *err)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	engine_init(&s->engine);
	latency_init(&s->latency);
	pqueue_init(&s->pending, sizeof(struct trace_record));
	if (mm_init(&s->mm, &s->cfg, &s->engine, err))
		return -1;
	s->h_sample = engine_register(&s->engine, "sample", sample_tick, s);
	replay_init(s);
	if (outdir) {
		/* Everything goes to outdir.tmp.<pid> (s->outdir); sim_finish renames it. */
		if (rundir_begin(&s->rundir, outdir, err))
			return -1;
		if (strlen(s->rundir.tmp) >= sizeof(s->outdir)) {
			atomic_dir_abort(&s->rundir);
			return sim_error_set(err, EX_IOERR_, "%s: path too long", outdir);
		}
		strcpy(s->outdir, s->rundir.tmp);
		if (rundir_timeseries_open(&s->ts, s->outdir, &s->mm, err))
			return -1;
		s->ts_open = true;
	}
	return 0;
}

void sim_destroy(struct sim *s)
{
	if (s->ts_open)
		timeseries_abort(&s->ts);
	atomic_dir_abort(&s->rundir);
	mm_destroy(&s->mm);
	engine_destroy(&s->engine);
	pqueue_destroy(&s->pending);
	replay_destroy(s);
}

sim_ns_t sim_elapsed_ns(const struct sim *s)
{
	return s->started ? s->last_ns - s->first_ns : 0;
}

int sim_finish(struct sim *s, const struct trace_header *h, struct sim_error *err)
{
	if (!s->outdir[0])
		return 0;
	if (s->ts_open && s->started)
		timeseries_sample(&s->ts, &s->mm, s->engine.now_ns); /* the final state */
	latency_fold(&s->latency);
	struct rundir_output out = {
		.dir = s->outdir,
		.mm = &s->mm,
		.cfg = &s->cfg,
		.write_config = config_write_json,
		.seed = s->cfg.seed,
		.elapsed_ns = sim_elapsed_ns(s),
		.records = s->nr_records,
		.records_skipped_killed = s->records_skipped_killed,
		.records_unissued = s->records_unissued,
		.latency = &s->latency,
		.trace = h,
		.ts = s->ts_open ? &s->ts : NULL,
	};
	s->ts_open = false; /* rundir_write commits or aborts it */
	if (rundir_write(&out, err))
		return -1; /* sim_destroy removes the temporary directory */
	return atomic_dir_commit(&s->rundir, err);
}

int sim_record_array_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	(void)err;
	struct sim_record_array *a = ctx;
	if (a->pos == a->n)
		return 0;
	/* The array is read once, front to back, and is far larger than the caches: fetch
	 * ahead what the replay's read-ahead (itself 16 records ahead of the record applied)
	 * will copy next, so the copy does not wait on memory.  Past the end is harmless. */
	__builtin_prefetch(&a->v[a->pos + 32], 0, 0);
	*rec = a->v[a->pos++];
	return 1;
}

/* The rest of the array as one run (the replay reads it in place). */
int sim_record_array_run(void *ctx, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	(void)err;
	struct sim_record_array *a = ctx;
	if (a->pos == a->n)
		return 0;
	*v = &a->v[a->pos];
	*n = a->n - a->pos;
	a->pos = a->n;
	return 1;
}

int sim_record_array_load(struct trace_reader *r, struct sim_record_array *a, struct sim_error *err)
{
	*a = (struct sim_record_array){ 0 };
	for (;;) {
		if (sim_grow(&a->v, &a->cap, a->n + 1, sizeof(*a->v), 1u << 20))
			abort();
		int got = trace_read(r, &a->v[a->n], err);
		if (got <= 0)
			return got;
		a->n++;
	}
}
