/* fuzz_summary.c — summary.json stays valid JSON whatever a trace header holds.
 *
 * Input: lines "key=value"; each becomes a trace header meta entry (bounded as the trace
 * reader bounds them) with "observed." put in front of the key unless the line starts
 * with '!'.  The summary of a small fixed node is written and checked against the JSON
 * grammar, strings included (escapes, no raw controls, well-formed UTF-8); any violation
 * aborts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json_check.h"
#include "engine/engine.h"
#include "mm/mm.h"
#include "stats/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	size_t i = 0;
	while (i < size && hdr.nr_meta < TRACE_MAX_META) {
		size_t end = i;
		while (end < size && data[end] != '\n')
			end++;
		struct trace_meta *m = &hdr.meta[hdr.nr_meta++];
		const uint8_t *line = data + i;
		size_t len = end - i, eq = 0;
		while (eq < len && line[eq] != '=')
			eq++;
		bool raw = len && line[0] == '!';
		size_t klen = eq - raw, vlen = eq < len ? len - eq - 1 : 0;
		/* bytes after a NUL are simply invisible, as in the C strings of the header */
		snprintf(m->key, sizeof(m->key), "%s%.*s", raw ? "" : "observed.", (int)MIN(klen, 60), (const char *)line + raw);
		snprintf(m->value, sizeof(m->value), "%.*s", (int)MIN(vlen, sizeof(m->value) - 1),
			 (const char *)line + eq + 1);
		i = end + 1;
	}

	static struct config cfg;
	static struct mm mm;
	static struct engine eng;
	static bool ready;
	if (!ready) {
		struct sim_error err;
		memset(&cfg, 0, sizeof(cfg));
		cfg.machine.zone_pages[ZONE_NORMAL] = 2048;
		cfg.machine.nr_cpus = 1;
		cfg.machine.pageblock_order = 9;
		cfg.machine.min_free_kbytes = 128;
		cfg.machine.watermark_scale_factor = 10;
		engine_init(&eng);
		if (mm_init(&mm, &cfg, &eng, &err))
			abort();
		ready = true;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct summary_input in = { .mm = &mm, .trace = &hdr };
	summary_write(fp, &in);
	fclose(fp);
	if (!json_check_valid(buf)) {
		fprintf(stderr, "invalid JSON:\n%s\n", buf);
		abort();
	}
	free(buf);
	return 0;
}
