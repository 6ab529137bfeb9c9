/* fuzz_capture_memcg.c — libFuzzer target for capture_parse_memcg (sim/trace/capture.c), the
 * lines of a capture's before.memcgs / after.memcgs.  The input is split into lines; each,
 * as its own NUL-terminated string, either parses into a memcg that satisfies the format
 * (swappiness -1..200, a path from '/' shorter than CAPTURE_PATH_MAX, without a newline)
 * and reads back the same when written as capture_write_memcgs writes it, or is refused
 * with a clean error: EX_DATAERR_, a message of printable ASCII naming a column inside
 * the line, and the memcg left as it was.  Any violation aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *line, size_t len)
{
	static struct capture_memcg m, back, before;
	static char again[CAPTURE_PATH_MAX + 256];
	memset(&m, 0xa5, sizeof(m));
	before = m;
	struct sim_error err = { 0 };
	int rc = capture_parse_memcg_err(line, &m, &err);
	if (rc != capture_parse_memcg(line, &back) || (rc != 0 && rc != -1))
		abort();
	if (rc) {
		if (err.code != EX_DATAERR_ || !err.msg[0] || memcmp(&m, &before, sizeof(m)))
			abort();
		for (const char *c = err.msg; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				abort();
		/* "col N: ..." with N a column of the line or just past its end */
		unsigned long col = 0;
		if (sscanf(err.msg, "col %lu:", &col) != 1 || col < 1 || col > len + 1)
			abort();
		return;
	}
	size_t pl = strnlen(m.path, sizeof(m.path));
	if (m.swappiness < -1 || m.swappiness > 200 || pl == sizeof(m.path) || m.path[0] != '/' ||
	    memchr(m.path, '\n', pl) || pl > len)
		abort();
	/* written back as the capture writes it, it reads the same */
	int n = snprintf(again, sizeof(again), "%d %llu %llu %llu %llu %llu %s\n", m.swappiness,
			 (unsigned long long)m.pages[0], (unsigned long long)m.pages[1],
			 (unsigned long long)m.pages[2], (unsigned long long)m.pages[3],
			 (unsigned long long)m.pages[4], m.path);
	if (n <= 0 || (size_t)n >= sizeof(again) || capture_parse_memcg_err(again, &back, NULL) ||
	    back.swappiness != m.swappiness || memcmp(back.pages, m.pages, sizeof(m.pages)) ||
	    strcmp(back.path, m.path))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* an exact-size copy with its newline (as fgets gives it) and NUL, so that ASan
		 * catches a read past the string; a NUL inside ends the line early */
		char *line = malloc(len + 2);
		if (!line)
			abort();
		memcpy(line, p, len);
		line[len] = nl ? '\n' : 0;
		line[len + 1] = 0;
		check_line(line, strlen(line));
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
