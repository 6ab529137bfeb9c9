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

#include "engine/engine.h"
#include "mm/mm.h"
#include "stats/summary.h"

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!n)
			return NULL;
		for (size_t i = 1; i < n; i++)
			if (((unsigned char)p[i] & 0xc0) != 0x80)
				return NULL;
		p += n;
	}
	return p + 1;
}

static const char *number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

static const char *value(const char *p, int depth)
{
	p = ws(p);
	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = string(ws(p));
				if (!p || *(p = ws(p)) != ':')
					return NULL;
				p++;
			}
			if (!(p = value(p, depth + 1)))
				return NULL;
			p = ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return string(p);
	if (!strncmp(p, "null", 4))
		return p + 4;
	return number(p);
}

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
	const char *end = value(buf, 0);
	if (!end || *ws(end)) {
		fprintf(stderr, "invalid JSON:\n%s\n", buf);
		abort();
	}
	free(buf);
	return 0;
}
