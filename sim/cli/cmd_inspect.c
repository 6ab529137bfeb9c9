/* cmd_inspect.c — `mmsim inspect TRACE [--records N]`: what a native trace holds, read
 * to its end (so a corrupt or truncated trace fails here exactly as it would in a run). */
#include "cli.h"
#include "opts.h"

#include "../kernel/mmtypes.h"
#include "../lib/u64map.h"
#include "../trace/trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct values counted with the project's u64 table; UINT64_MAX (the table's empty
 * key) is remembered apart. */
struct u64_set {
	struct u64map map;
	bool has_max;
};

static const struct u64map_type set_type = { .slot_size = sizeof(uint64_t), .key_words = 1, .min_cap = 1024 };

static int set_add(struct u64_set *s, uint64_t v)
{
	bool added;
	if (v == U64MAP_EMPTY) {
		s->has_max = true;
		return 0;
	}
	return u64map_get(&s->map, &set_type, v, &added, NULL) == U64MAP_NONE ? -1 : 0;
}

static uint64_t set_count(const struct u64_set *s)
{
	return s->map.nr_live + (s->has_max ? 1 : 0);
}

struct inspect_stats {
	uint64_t nr_records;
	uint64_t nr_kind[NR_TRACE_KINDS];
	uint64_t nr_order[MAX_PAGE_ORDER + 1]; /* allocs by order */
	uint64_t nr_alloc_pages;              /* Σ 2^order over allocs */
	sim_ns_t first_ns, last_ns;
	struct u64_set ids, tasks;
};

int cmd_inspect(int argc, char **argv)
{
	uint64_t nr_print = 0;
	struct cli_opt opts[] = {
		{ "records", 0, CLI_U64, &nr_print, "N", "also print the first N records in text form" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "inspect", .synopsis = "TRACE", .nr_pos_min = 1, .nr_pos_max = 1, .opts = opts,
		.about = "Print a native trace's header, record counts per kind, time span, distinct\n"
			 "ids and tasks, and the order histogram of its allocations.  TRACE is a\n"
			 ".mmt.gz or .mmt.txt file (the encoding is found from the content), or - for stdin.\n",
		.epilog = "Exit status 65 if the trace is corrupt, truncated or otherwise invalid.\n",
	};
	struct cli_args pos;
	int stop = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (stop >= 0)
		return stop;
	const char *path = pos.v[0];
	cli_free(&spec, &pos); /* path points into argv */

	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open(path, &err);
	if (!r)
		return cli_fail(&err);
	const struct trace_header *h = trace_reader_header(r);
	printf("trace: %s\n", path);
	printf("encoding: %s\n", trace_reader_encoding(r) == TRACE_BINARY_GZ ? "binary" : "text");
	printf("version: %" PRIu32 "\n", h->version);
	printf("header:%s\n", h->nr_meta ? "" : " (none)");
	for (uint32_t i = 0; i < h->nr_meta; i++)
		printf("  %s: %s\n", h->meta[i].key, h->meta[i].value);

	struct inspect_stats st = { 0 };
	struct trace_record rec;
	int ret;
	if (nr_print)
		printf("first records:\n");
	while ((ret = trace_read(r, &rec, &err)) > 0) {
		if (st.nr_records < nr_print) {
			char line[TRACE_TEXT_LINE_MAX];
			trace_record_format(&rec, line, sizeof(line));
			printf("  %s\n", line);
		}
		if (!st.nr_records)
			st.first_ns = rec.time_ns;
		st.last_ns = rec.time_ns;
		st.nr_records++;
		st.nr_kind[rec.kind]++;
		if (rec.kind == TR_ALLOC) {
			st.nr_order[rec.order]++;
			st.nr_alloc_pages += 1ull << rec.order;
		}
		/* COMPACT, SNAPSHOT, TASK and CPU carry no object; SNAPSHOT no task. */
		if (rec.kind != TR_COMPACT && rec.kind != TR_SNAPSHOT && rec.kind != TR_TASK && rec.kind != TR_CPU &&
		    set_add(&st.ids, rec.id) < 0)
			goto nomem;
		if (rec.kind != TR_SNAPSHOT && set_add(&st.tasks, rec.task) < 0)
			goto nomem;
	}
	trace_close(r);
	r = NULL;
	if (ret < 0)
		goto fail;

	printf("records: %" PRIu64 "\n", st.nr_records);
	for (int k = 0; k < NR_TRACE_KINDS; k++)
		if (st.nr_kind[k])
			printf("  %-12s %" PRIu64 "\n", trace_kind_names[k], st.nr_kind[k]);
	if (st.nr_records) {
		sim_ns_t span = st.last_ns - st.first_ns;
		printf("time: %" PRIu64 " .. %" PRIu64 " ns (span %" PRIu64 ".%09" PRIu64 " s)\n",
		       st.first_ns, st.last_ns, (uint64_t)(span / NSEC_PER_SEC), (uint64_t)(span % NSEC_PER_SEC));
	}
	printf("distinct ids: %" PRIu64 "\n", set_count(&st.ids));
	printf("distinct tasks: %" PRIu64 "\n", set_count(&st.tasks));
	if (st.nr_kind[TR_ALLOC]) {
		printf("alloc orders (%" PRIu64 " pages):\n", st.nr_alloc_pages);
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			if (st.nr_order[o])
				printf("  order %-2d %" PRIu64 "\n", o, st.nr_order[o]);
	}
	u64map_destroy(&st.ids.map);
	u64map_destroy(&st.tasks.map);
	return cli_stdout_done(EX_OK_);

nomem:
	sim_error_set(&err, EX_SOFTWARE_, "inspect: out of memory");
fail:
	trace_close(r);
	u64map_destroy(&st.ids.map);
	u64map_destroy(&st.tasks.map);
	fflush(stdout);
	return cli_fail(&err);
}
