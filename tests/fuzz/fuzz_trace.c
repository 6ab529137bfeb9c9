/* fuzz_trace.c — the native trace reader on arbitrary bytes (binary, gzip or text; the
 * reader picks by content).  Besides not crashing, what it returns must obey the format's
 * promises: every record passes trace_record_check, time never goes backwards, a clean
 * end comes only once, errors carry EX_DATAERR_ and name the input, and each record's
 * text form parses back to the same record. */
#include "trace/trace.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mem_fd(const void *data, size_t size)
{
	int fd = memfd_create("fuzz_trace", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* The record's text line, read back through the text codec. */
static void check_text_form(const struct trace_record *rec)
{
	char text[64 + TRACE_TEXT_LINE_MAX];
	int n = snprintf(text, sizeof(text), "# mmsim-trace v%d\n", TRACE_VERSION_MAX);
	n += trace_record_format(rec, text + n, sizeof(text) - (size_t)n);
	int fd = mem_fd(text, (size_t)n);
	if (fd < 0)
		return;
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open_fd(fd, "text", &err);
	struct trace_record back;
	if (!r || trace_read(r, &back, &err) != 1 || back.time_ns != rec->time_ns || back.id != rec->id ||
	    back.gfp != rec->gfp || back.task != rec->task || back.count != rec->count ||
	    back.arg != rec->arg || back.kind != rec->kind || back.order != rec->order) {
		fprintf(stderr, "text form does not read back: %s (%s)\n", text, err.msg);
		abort();
	}
	trace_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = mem_fd(data, size);
	if (fd < 0)
		return 0;
	struct sim_error err = { 0 };
	struct trace_reader *r = trace_open_fd(fd, "fuzz", &err);
	if (!r) {
		if (err.code != EX_DATAERR_ || !strstr(err.msg, "fuzz"))
			abort();
		return 0;
	}
	struct trace_record rec;
	sim_ns_t last = 0;
	int ret;
	uint64_t n = 0;
	while ((ret = trace_read(r, &rec, &err)) > 0) {
		struct sim_error why;
		if (trace_record_check(&rec, &why) < 0 || rec.time_ns < last)
			abort();
		last = rec.time_ns;
		if (n++ < 4)
			check_text_form(&rec);
	}
	if (ret < 0 && (err.code != EX_DATAERR_ || !strstr(err.msg, "fuzz")))
		abort();
	if (trace_read(r, &rec, &err) != ret || trace_reader_records(r) != n)
		abort();
	trace_close(r);
	return 0;
}
