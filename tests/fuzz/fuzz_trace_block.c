/* fuzz_trace_block.c — blocked gzip (FORMAT.md §3.1) on arbitrary bytes: the member header
 * parser and the one-shot inflater, then the whole input as a trace file read with two
 * inflate threads.  Besides not crashing: the parser asks for more bytes only when it has
 * fewer, accepts only headers inside the format's bounds and says why it refuses one; the
 * inflater fills exactly the block or says why not; the reader's records obey the format,
 * and its errors carry EX_DATAERR_ and name the input. */
#include "trace/trace.h"
#include "trace/trace_block.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_member(const uint8_t *data, size_t size)
{
	struct trace_block b;
	size_t need = 0;
	char why[128] = "";
	int rc = trace_block_parse(data, size, &b, &need, why, sizeof(why));
	if (rc == -2 && need <= size)
		abort();
	if (rc == -1 && !why[0])
		abort();
	if (rc != 1)
		return;
	if (b.hdr_len > size || b.usize > TRACE_BLOCK_MAX || b.bsize > TRACE_BLOCK_MAX_MEMBER ||
	    b.bsize < b.hdr_len + TRACE_BLOCK_TRAILER || b.nr > b.usize)
		abort();
	if (b.bsize > size)
		return;
	struct trace_inflater *z = trace_inflater_new();
	unsigned char *out = malloc(b.usize ? b.usize : 1);
	bool crc = false;
	why[0] = 0;
	if (z && out && trace_block_inflate(z, data, &b, out, &crc, why, sizeof(why)) < 0 && !why[0])
		abort();
	free(out);
	trace_inflater_free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_member(data, size);
	int fd = memfd_create("fuzz_trace_block", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	struct sim_error err = { 0 };
	setenv("MMSIM_TRACE_THREADS", "3", 1);
	struct trace_reader *r = trace_open_fd(fd, "fuzz", &err);
	unsetenv("MMSIM_TRACE_THREADS");
	if (!r) {
		if (err.code != EX_DATAERR_ || !strstr(err.msg, "fuzz"))
			abort();
		return 0;
	}
	struct trace_record rec;
	sim_ns_t last = 0;
	uint64_t n = 0;
	int ret;
	while ((ret = trace_read(r, &rec, &err)) > 0) {
		struct sim_error why;
		if (trace_record_check(&rec, &why) < 0 || rec.time_ns < last)
			abort();
		last = rec.time_ns;
		n++;
	}
	if (trace_reader_records(r) != n)
		abort();
	if (ret < 0 && (err.code != EX_DATAERR_ || !strstr(err.msg, "fuzz")))
		abort();
	trace_close(r);
	return 0;
}
