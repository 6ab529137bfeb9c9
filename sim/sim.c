/* sim.c — one run: streams intent records into the node, lets the engine run the
 * mechanisms in between, samples the outputs, and writes the run directory. */
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/procfs.h"
#include "stats/rundir.h"

/* a + b, or UINT64_MAX where the sum would wrap: simulated time saturates at the end of
 * the representable range instead of wrapping back to the start. */
static sim_ns_t time_add_sat(sim_ns_t a, sim_ns_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

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
	u64map_destroy(&s->delays);
}

/* ---- closed-loop task delays ------------------------------------------------------ */

static const struct u64map_type task_delay_type = {
	.slot_size = sizeof(struct task_delay),
	.key_words = 1,
	.min_cap = 64,
};

static struct task_delay *task_delay(struct sim *s, uint32_t task)
{
	bool added;
	uint32_t i = u64map_get(&s->delays, &task_delay_type, task, &added, NULL);
	if (i == U64MAP_NONE)
		abort();
	return u64map_slot(&s->delays, &task_delay_type, i);
}

static void pending_push(struct sim *s, const struct trace_record *rec, sim_ns_t due_ns)
{
	pqueue_push_payload(&s->pending, due_ns, rec);
}

/* ---- applying records ------------------------------------------------------------- */

/* Apply one record at the current engine time; returns the stall it cost its task. */
static sim_ns_t apply(struct sim *s, const struct trace_record *rec)
{
	struct mm *mm = &s->mm;
	sim_ns_t now = s->engine.now_ns;
	struct mm_request req = { .cpu = rec->task % MAX(s->cfg.machine.nr_cpus, 1u) };
	bool known = true;
	switch ((enum trace_kind)rec->kind) {
	case TR_ALLOC: {
		mm_alloc_req(mm, &req, rec->id, rec->gfp, rec->order);
		sim_ns_t lat = s->cfg.costs.alloc_fast_ns + req.stall_ns;
		latency_record(&s->latency, gfp_alloc_class(rec->gfp, rec->order), lat);
		break;
	}
	case TR_FREE:
		known = mm_free_req(mm, &req, rec->id);
		break;
	case TR_ACCESS:
		known = mm_access_req(mm, &req, rec->id);
		break;
	case TR_DIRTY:
		known = mm_dirty_req(mm, &req, rec->id);
		break;
	case TR_PIN:
		known = mm_pin_req(mm, &req, rec->id, rec->arg);
		break;
	case TR_UNPIN:
		known = mm_unpin(mm, rec->id);
		break;
	case TR_HINT:
		known = mm_hint_req(mm, &req, rec->id, rec->arg);
		break;
	case TR_CMA_ALLOC: {
		mm_cma_alloc_req(mm, &req, rec->id, rec->count, (unsigned)rec->arg);
		latency_record(&s->latency, ACLASS_CMA_DEVICE, req.stall_ns);
		break;
	}
	case TR_CMA_RELEASE:
		known = mm_cma_release_req(mm, &req, rec->id);
		break;
	case TR_COMPACT:
		mm_compact_request_req(mm, &req, rec->arg, rec->order == TRACE_COMPACT_WHOLE_ZONE ? -1 : rec->order);
		break;
	case TR_SNAPSHOT:
		if (s->outdir[0]) {
			char tag[32];
			struct sim_error err;
			snprintf(tag, sizeof(tag), "%d", rec->arg);
			if (rundir_snapshot(s->outdir, tag, now, mm, &err))
				output_failed(s, &err);
		}
		break;
	case TR_TASK:
		break;
	case NR_TRACE_KINDS:
		break;
	}
	if (!known)
		s->unknown_by_kind[rec->kind]++;
	s->nr_records++;
	s->records_by_kind[rec->kind]++;
	if (s->check_every && s->nr_records % (uint64_t)s->check_every == 0) {
		char msg[512];
		if (!mm_check(mm, 2, msg, sizeof(msg))) {
			fprintf(stderr, "mmsim: invariant violated after record %llu: %s\n",
				(unsigned long long)s->nr_records, msg);
			abort();
		}
	}
	return req.stall_ns;
}

/* The first record starts the clock and the sampling ticks. */
static void start_run(struct sim *s, sim_ns_t t_ns)
{
	if (s->started)
		return;
	s->started = s->running = true;
	s->first_ns = t_ns;
	engine_advance(&s->engine, t_ns);
	if (s->cfg.output.sample_interval_ns)
		engine_schedule(&s->engine, t_ns, s->h_sample, 0);
}

void sim_apply(struct sim *s, const struct trace_record *rec)
{
	start_run(s, rec->time_ns);
	engine_run_until(&s->engine, rec->time_ns);
	apply(s, rec);
	if (rec->time_ns > s->last_ns)
		s->last_ns = rec->time_ns;
}

/* Closed loop: apply every pending record due no later than horizon_ns. */
static void drain_pending(struct sim *s, sim_ns_t horizon_ns)
{
	while (pqueue_len(&s->pending) && pqueue_min_time(&s->pending) <= horizon_ns) {
		struct pqueue_entry queued;
		struct trace_record rec;
		pqueue_pop(&s->pending, &queued, &rec);
		struct task_delay *td = task_delay(s, rec.task);
		sim_ns_t due = time_add_sat(rec.time_ns, td->delay_ns);
		if (due > queued.time_ns) { /* the task stalled since this was queued */
			pending_push(s, &rec, due);
			continue;
		}
		rec.time_ns = due;
		start_run(s, due);
		engine_run_until(&s->engine, due);
		sim_ns_t stall = apply(s, &rec);
		td = task_delay(s, rec.task); /* the table may have grown */
		td->delay_ns += stall;
		s->total_delay_ns += stall;
		if (due > s->last_ns)
			s->last_ns = due;
	}
}

int sim_run(struct sim *s, struct record_source *src, struct sim_error *err)
{
	struct trace_record rec;
	bool closed = s->cfg.workload.replay == REPLAY_CLOSED;
	int rc;
	while ((rc = src->next(src->ctx, &rec, err)) == 1) {
		if (s->stop && *s->stop)
			return sim_error_set(err, EX_SOFTWARE_, "interrupted by signal %d", (int)*s->stop);
		if (!closed) {
			sim_apply(s, &rec);
			if (s->out_err.code)
				break;
			continue;
		}
		/* Everything due before this record's raw time is safe to run now. */
		if (rec.time_ns > 0)
			drain_pending(s, rec.time_ns - 1);
		pending_push(s, &rec, time_add_sat(rec.time_ns, task_delay(s, rec.task)->delay_ns));
		if (s->out_err.code)
			break;
	}
	if (rc < 0)
		return -1;
	if (!s->out_err.code && closed)
		drain_pending(s, UINT64_MAX);
	s->running = false;
	/* Let in-flight mechanism work (writeback completions, kswapd) finish within a
	 * bounded tail so the final state is settled but a run never spins forever. */
	if (!s->out_err.code)
		engine_run_until(&s->engine, time_add_sat(s->last_ns, NSEC_PER_SEC));
	if (s->out_err.code) {
		if (err)
			*err = s->out_err;
		return -1;
	}
	return 0;
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
	struct rundir_output out = {
		.dir = s->outdir,
		.mm = &s->mm,
		.cfg = &s->cfg,
		.write_config = config_write_json,
		.seed = s->cfg.seed,
		.elapsed_ns = sim_elapsed_ns(s),
		.records = s->nr_records,
		.latency = &s->latency,
		.trace = h,
		.ts = s->ts_open ? &s->ts : NULL,
	};
	s->ts_open = false; /* rundir_write commits or aborts it */
	if (rundir_write(&out, err))
		return -1; /* sim_destroy removes the temporary directory */
	return atomic_dir_commit(&s->rundir, err);
}
