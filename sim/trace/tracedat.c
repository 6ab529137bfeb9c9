/* tracedat.c — trace-cmd .dat input through libtracecmd / libtraceevent.
 * Compiled only when HAVE_LIBTRACECMD (the `tracecmd` Meson feature found libtracecmd).
 *
 * Records come out of tracecmd_iterate_events merged across CPUs in timestamp order.
 * The page events (≈ 94% of a capture) are read field by field with tep_get_field_val;
 * the rarer ones are rendered by libtraceevent's own TP_printk interpreter and handed to
 * the same payload parser as text input, so string-valued fields (compaction status,
 * migrate reason, the bdi name) are decoded exactly as `trace-cmd report` prints them.
 */
#include "ftrace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libtraceevent's headers use enumerators beyond int: not our code to fix. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <event-parse.h>
#include <trace-cmd.h>
#include <trace-seq.h>
#pragma GCC diagnostic pop

#include "mmsim-config.h"

/* Exported by libtracecmd 1.x but declared only in its private header (trace-cmd-private.h):
 * the flyrecord section's per-CPU data size, which is all that tells a CPU's stream that
 * stopped early from one that ended. */
int tracecmd_cpus(struct tracecmd_input *handle);
int tracecmd_page_size(struct tracecmd_input *handle);
unsigned long long tracecmd_get_cpu_file_size(struct tracecmd_input *handle, int cpu);

/* Where one CPU's records were read, in the (uncompressed) offsets of tep_record.offset. */
struct dat_cpu {
	uint64_t first, last; /* offsets of the first and last record read */
	uint64_t nr;          /* records read */
};

/* One control struct for the whole read. */
struct dat_read {
	const char *path;
	ftrace_sink_fn sink;
	void *arg;
	struct ftrace_read_stats *st;
	const struct ftrace_read_opts *opts;
	struct tep_handle *tep;
	struct trace_seq seq;
	struct ftrace_gfp_cache gc;
	struct sim_error *err;
	int failed;
	struct dat_cpu *cpu; /* [nr_cpus] */
	int nr_cpus;
	/* tep event id -> our id, resolved once per event type: 0 unseen, else id + 1 */
	int cache_id[4096];
	uint16_t cache_val[4096];
};

static int field_u64(struct tep_event *e, struct tep_record *rec, const char *name, uint64_t *v)
{
	unsigned long long x;
	if (tep_get_field_val(NULL, e, name, rec, &x, 0))
		return -1;
	*v = x;
	return 0;
}

static enum ftrace_event_id resolve(struct dat_read *dr, struct tep_event *e)
{
	size_t slot = (size_t)e->id % ARRAY_SIZE(dr->cache_id);
	if (dr->cache_id[slot] == e->id + 1)
		return (enum ftrace_event_id)dr->cache_val[slot];
	enum ftrace_event_id id = ftrace_event_lookup(e->name, strlen(e->name));
	/* Same name in another system (e.g. a driver's "cma_alloc") is not ours. */
	if (id != FEV_UNKNOWN && strcmp(e->system, ftrace_event_systems[id]))
		id = FEV_UNKNOWN;
	dr->cache_id[slot] = e->id + 1;
	dr->cache_val[slot] = (uint16_t)id;
	return id;
}

static void note_unknown(struct ftrace_read_stats *st, const char *name)
{
	for (unsigned i = 0; i < st->nr_unknown_names; i++)
		if (!strcmp(st->unknown[i].name, name)) {
			st->unknown[i].count++;
			return;
		}
	if (st->nr_unknown_names < FTRACE_MAX_UNKNOWN_NAMES) {
		unsigned i = st->nr_unknown_names++;
		snprintf(st->unknown[i].name, sizeof(st->unknown[i].name), "%s", name);
		st->unknown[i].count = 1;
	}
}

static int on_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *arg)
{
	struct dat_read *dr = arg;
	struct ftrace_read_stats *st = dr->st;
	struct ftrace_event ev;
	(void)h;
	st->nr_lines++;
	if (cpu >= 0 && cpu < dr->nr_cpus) {
		struct dat_cpu *c = &dr->cpu[cpu];
		if (!c->nr++)
			c->first = rec->offset;
		c->last = rec->offset;
	}
	if (rec->missed_events) {
		st->nr_lost_markers++;
		uint64_t missed = rec->missed_events > 0 ? (uint64_t)rec->missed_events : 0;
		/* saturate rather than wrap the running total */
		st->nr_lost_events = missed > UINT64_MAX - st->nr_lost_events
				     ? UINT64_MAX : st->nr_lost_events + missed;
	}
	struct tep_event *e = tep_find_event_by_record(dr->tep, rec);
	if (!e) {
		st->nr_unknown++;
		note_unknown(st, "(no format)");
		return 0;
	}
	enum ftrace_event_id id = resolve(dr, e);
	if (id == FEV_UNKNOWN) {
		st->nr_unknown++;
		note_unknown(st, e->name);
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.id = (uint16_t)id;
	ev.line = st->nr_lines;
	ev.time_ns = rec->ts;
	ev.cpu = cpu;
	int pid = tep_data_pid(dr->tep, rec);
	ev.pid = pid > 0 ? (uint32_t)pid : 0;
	const char *comm = tep_data_comm_from_pid(dr->tep, pid);
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm ? comm : "<...>");

	struct ftrace_parse_error pe = { 0 };
	int bad = 0;
	uint64_t v = 0;
	switch (id) {
	case FEV_PAGE_ALLOC:
	case FEV_PAGE_FREE:
	case FEV_PAGE_FREE_BATCHED:
		ev.migratetype = -1;
		bad = field_u64(e, rec, "pfn", &ev.pfn);
		if (!bad && id != FEV_PAGE_FREE_BATCHED) {
			bad = field_u64(e, rec, "order", &v);
			ev.order = (int16_t)(int32_t)v;
		}
		if (!bad && id == FEV_PAGE_ALLOC) {
			bad = field_u64(e, rec, "gfp_flags", &v);
			ev.gfp = (uint32_t)v;
			if (!field_u64(e, rec, "migratetype", &v))
				ev.migratetype = (int8_t)(int32_t)v;
		}
		/* pfn -1UL (no page) prints as 0x... in text: keep the raw value. */
		if (bad)
			snprintf(pe.reason, sizeof(pe.reason), "%s: missing field", e->name);
		break;
	default:
		trace_seq_reset(&dr->seq);
		tep_print_event(dr->tep, &dr->seq, rec, "%s", TEP_PRINT_INFO);
		trace_seq_terminate(&dr->seq);
		bad = ftrace_parse_payload_cached(&dr->gc, &ev, dr->seq.buffer, dr->seq.len, &pe);
		break;
	}
	if (bad) {
		if (!st->nr_errors++)
			st->first_error_line = st->nr_lines;
		if (st->nr_error_notes < ARRAY_SIZE(st->error_note)) {
			unsigned k = st->nr_error_notes++;
			st->error_note[k].line = st->nr_lines;
			st->error_note[k].col = 0;
			memcpy(st->error_note[k].reason, pe.reason, sizeof(pe.reason));
		}
		if (!dr->opts->lenient || (dr->opts->max_errors && st->nr_errors > dr->opts->max_errors)) {
			sim_error_set(dr->err, EX_DATAERR_, "%s: record %llu: %s", dr->path,
				      (unsigned long long)st->nr_lines, pe.reason);
			dr->failed = 1;
			return 1; /* stop iterating */
		}
		return 0;
	}
	st->nr_events++;
	if (dr->sink(dr->arg, &ev, dr->err)) {
		dr->failed = 1;
		return 1;
	}
	return 0;
}

/* Every CPU's records must run to (near) the end of its data.  When a page header or an
 * event length is corrupt, libtracecmd (3.1, trace-input.c) stops reading that CPU and
 * tracecmd_iterate_events() still returns success: the rest of the CPU's pages are lost
 * without a word.  A CPU's data is file_size bytes of whole pages starting at the page of
 * its first record.  Real captures may end a CPU with a page or two that hold no event
 * (padding, a page the ring buffer committed empty), and the first page may be one of them,
 * so only a tail of more than two pages and more than 1% of the CPU's data is taken for a
 * cut stream. */
#define DAT_TAIL_SLACK_PAGES 2

static int check_cpus_complete(struct dat_read *dr, struct tracecmd_input *h)
{
	uint64_t ps = (uint64_t)tracecmd_page_size(h);
	if (!ps)
		return 0;
	for (int cpu = 0; cpu < dr->nr_cpus; cpu++) {
		const struct dat_cpu *c = &dr->cpu[cpu];
		uint64_t size = tracecmd_get_cpu_file_size(h, cpu);
		if (size <= DAT_TAIL_SLACK_PAGES * ps)
			continue;
		if (!c->nr)
			return sim_error_set(dr->err, EX_DATAERR_,
					     "%s: CPU %d: no record readable in its %" PRIu64
					     " bytes of data: the file is corrupt", dr->path, cpu, size);
		uint64_t start = c->first / ps * ps, end = start + size, read_end = c->last / ps * ps + ps;
		if (read_end >= end)
			continue;
		uint64_t tail = end - read_end;
		if (tail > DAT_TAIL_SLACK_PAGES * ps && tail > size / 100)
			return sim_error_set(dr->err, EX_DATAERR_,
					     "%s: CPU %d: records stop at offset %" PRIu64 " after %" PRIu64
					     " records, %" PRIu64 " bytes before the end of its data "
					     "[%" PRIu64 ", %" PRIu64 "): the file is corrupt or truncated",
					     dr->path, cpu, c->last, c->nr, end - c->last, start, end);
	}
	return 0;
}

int ftrace_read_dat(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		    void *arg, struct ftrace_read_stats *st, struct sim_error *err)
{
	static const struct ftrace_read_opts dflt = { 0 };
	memset(st, 0, sizeof(*st));
	tracecmd_set_loglevel(TEP_LOG_NONE);
	struct tracecmd_input *h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS |
						       TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!h)
		return sim_error_set(err, EX_DATAERR_, "%s: not a readable trace-cmd .dat file", path);
	struct dat_read *dr = calloc(1, sizeof(*dr));
	if (!dr) {
		tracecmd_close(h);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	*dr = (struct dat_read){ .path = path, .sink = sink, .arg = arg, .st = st,
				 .opts = opts ? opts : &dflt, .tep = tracecmd_get_tep(h), .err = err };
	int nr_cpus = tracecmd_cpus(h);
	dr->cpu = nr_cpus > 0 ? calloc((size_t)nr_cpus, sizeof(*dr->cpu)) : NULL;
	dr->nr_cpus = dr->cpu ? nr_cpus : 0;
	if (nr_cpus > 0 && !dr->cpu) {
		free(dr);
		tracecmd_close(h);
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	}
	trace_seq_init(&dr->seq);
	int rc = tracecmd_iterate_events(h, NULL, 0, on_record, dr);
	int failed = dr->failed;
	if (!failed && rc >= 0 && check_cpus_complete(dr, h))
		failed = 1;
	trace_seq_destroy(&dr->seq);
	free(dr->cpu);
	free(dr);
	tracecmd_close(h);
	if (failed)
		return -1;
	if (rc < 0)
		return sim_error_set(err, EX_DATAERR_, "%s: error reading trace-cmd records", path);
	return 0;
}
