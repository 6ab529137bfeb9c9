/* fuzz_ftrace.c — libFuzzer target for the ftrace text parser and the import behind it.
 * The input is split into lines; each goes through ftrace_parse_line (with and without
 * the gfp memo, which must agree) and, when it is an event, into a lenient import whose records are checked for time order.  The same bytes
 * also go through the /proc/zoneinfo parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/ftrace.h"
#include "trace/import.h"
#include "trace/zoneinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	sim_ns_t last_ns;
};

static int check_record(void *arg, const struct trace_record *rec, struct sim_error *err)
{
	struct check *c = arg;
	(void)err;
	if (rec->time_ns < c->last_ns || rec->kind >= NR_TRACE_KINDS ||
	    (rec->kind == TR_ALLOC && rec->order > MAX_PAGE_ORDER))
		abort();
	c->last_ns = rec->time_ns;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct check c = { 0 };
	struct sim_error err;
	struct import_opts io = { .window_ns = 1000, .lenient = true, .source = "fuzz" };
	struct import *im = import_new(&io, check_record, &c, &err);
	if (!im)
		return 0;
	uint64_t lineno = 0;
	struct ftrace_gfp_cache *gc = calloc(1, sizeof(*gc));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* an exact-size copy so that ASan catches reads past the line */
		char *line = malloc(len ? len : 1);
		if (!line)
			break;
		memcpy(line, p, len);
		struct ftrace_event ev;
		struct ftrace_parse_error pe;
		const char *name;
		size_t name_len;
		/* with and without the gfp memo: both must agree */
		struct ftrace_event ev2;
		enum ftrace_line_kind k2 = ftrace_parse_line(line, len, &ev2, NULL, NULL, &pe);
		enum ftrace_line_kind k = ftrace_parse_line_cached(gc, line, len, &ev, &name, &name_len, &pe);
		if (k != k2 || (k == FTRACE_LINE_EVENT && ev.gfp != ev2.gfp))
			abort();
		lineno++;
		if (k == FTRACE_LINE_EVENT) {
			ev.line = lineno;
			if (ev.id == FEV_UNKNOWN || ev.id >= NR_FTRACE_EVENTS)
				abort();
			import_event(im, &ev, &err);
		} else if (k == FTRACE_LINE_ERROR && (pe.col == 0 || pe.col > len + 1)) {
			abort();
		} else if (k == FTRACE_LINE_UNKNOWN && (name < line || name + name_len > line + len)) {
			abort();
		}
		free(line);
		p += len + (nl != NULL);
	}
	free(gc);
	import_finish(im, &err);
	import_free(im);

	struct zoneinfo zi;
	struct zoneinfo_machine m;
	if (zoneinfo_parse_buf((const char *)data, size, "fuzz", &zi, &err) == 0)
		zoneinfo_machine(&zi, &m, &err);
	return 0;
}
