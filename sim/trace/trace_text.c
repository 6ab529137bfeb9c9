/* trace_text.c — the line codec of *.mmt.txt (FORMAT.md §4): one record a line, for
 * hand-written tests and for reading a binary trace by eye.  Errors name file:line:col.
 * Speed is secondary here; the text is read through the same gzread window as the binary
 * form, so a gzip-compressed text trace needs nothing special. */
#include "trace_int.h"

#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int text_fail(struct trace_reader *r, struct sim_error *err, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int text_fail(struct trace_reader *r, struct sim_error *err, size_t col, const char *fmt, ...)
{
	char msg[sizeof(r->saved.msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_error_set(&r->saved, EX_DATAERR_, "%s:%lu:%zu: %s", r->name, r->line_no, col, msg);
	r->failed = true;
	if (err)
		*err = r->saved;
	return -1;
}

/* One line of input: s[0..len), newline and trailing blanks / CR removed. */
struct text_line {
	const char *s;
	size_t len;
	size_t next_pos; /* buffer position after the newline */
};

/* Peek the next line without consuming it.  Returns 1, 0 at end of input, -1 on error. */
static int peek_line(struct trace_reader *r, struct text_line *l, struct sim_error *err)
{
	if (trace_fill(r, TRACE_TEXT_MAX_LINE + 1, err) < 0)
		return -1;
	if (r->pos == r->len)
		return 0;
	const char *s = (const char *)r->buf + r->pos;
	size_t avail = r->len - r->pos;
	const char *nl = memchr(s, '\n', avail);
	size_t len = nl ? (size_t)(nl - s) : avail;
	if (len > TRACE_TEXT_MAX_LINE) {
		r->line_no++;
		return text_fail(r, err, TRACE_TEXT_MAX_LINE, "line longer than %u bytes", TRACE_TEXT_MAX_LINE);
	}
	l->next_pos = r->pos + len + (nl ? 1 : 0);
	const char *nul = memchr(s, 0, len);
	if (nul) {
		r->line_no++;
		return text_fail(r, err, (size_t)(nul - s) + 1, "NUL byte");
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	l->s = s;
	l->len = len;
	return 1;
}

static void consume_line(struct trace_reader *r, const struct text_line *l)
{
	r->pos = l->next_pos;
	r->line_no++;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

int trace_text_open(struct trace_reader *r, struct sim_error *err)
{
	struct text_line l;
	int ret = peek_line(r, &l, err);
	if (ret < 0)
		return -1;
	static const char tag[] = "# mmsim-trace v";
	size_t tl = sizeof(tag) - 1;
	if (ret == 0 || l.len <= tl || memcmp(l.s, tag, tl))
		return trace_reader_fail(r, err, EX_DATAERR_, "not an mmsim trace");
	unsigned long version = 0;
	for (size_t i = tl; i < l.len; i++) {
		if (l.s[i] < '0' || l.s[i] > '9' || version > 1000000)
			return trace_reader_fail(r, err, EX_DATAERR_, "not an mmsim trace");
		version = version * 10 + (unsigned long)(l.s[i] - '0');
	}
	if (version < TRACE_VERSION_MIN || version > TRACE_VERSION_MAX)
		return trace_reader_fail(r, err, EX_DATAERR_, "version %lu, this mmsim reads %d to %d",
					 version, TRACE_VERSION_MIN, TRACE_VERSION_MAX);
	r->hdr.version = (uint32_t)version;
	consume_line(r, &l);

	/* "# key: value" lines up to the first record are the header; other '#' lines are
	 * comments. */
	for (;;) {
		ret = peek_line(r, &l, err);
		if (ret <= 0)
			return ret;
		if (l.len && l.s[0] != '#')
			return 0;
		consume_line(r, &l);
		if (!l.len)
			continue;
		size_t k = 1;
		while (k < l.len && is_blank(l.s[k]))
			k++;
		size_t key = k;
		while (k < l.len && is_keychar(l.s[k]))
			k++;
		if (k == key || k == l.len || l.s[k] != ':')
			continue; /* a comment */
		size_t key_len = k - key;
		k++;
		while (k < l.len && is_blank(l.s[k]))
			k++;
		char why[128];
		if (trace_header_add(&r->hdr, l.s + key, key_len, l.s + k, l.len - k, why, sizeof(why)) < 0)
			return text_fail(r, err, key + 1, "%s", why);
	}
}

/* A token of a record line: s[0..len) starting at 1-based column col. */
struct token {
	const char *s;
	size_t len, col;
};

static bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && !memcmp(t->s, word, t->len);
}

/* Unsigned decimal or 0x hex, the whole token, at most max. */
static bool parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (size_t i = 2; i < len; i++) {
			char c = s[i];
			unsigned d;
			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned)(c - 'A' + 10);
			else
				return false;
			if (v > (UINT64_MAX >> 4))
				return false;
			v = v << 4 | d;
		}
	} else {
		if (!len)
			return false;
		for (size_t i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			unsigned d = (unsigned)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t u;
	if (len && s[0] == '-') {
		if (!parse_u64(s + 1, len - 1, (uint64_t)INT64_MAX, &u))
			return false;
		if (-(int64_t)u < min)
			return false;
		*out = -(int64_t)u;
		return true;
	}
	if (!parse_u64(s, len, (uint64_t)max, &u))
		return false;
	*out = (int64_t)u;
	return true;
}

/* "1500", "1500ns", "10us", "5ms", "1s": nanoseconds. */
static bool parse_time(const struct token *t, sim_ns_t *out)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = { { "ns", 1 }, { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC }, { "s", NSEC_PER_SEC } };
	size_t digits = 0;
	while (digits < t->len && t->s[digits] >= '0' && t->s[digits] <= '9')
		digits++;
	uint64_t mult = 1;
	if (digits < t->len) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].suffix) == t->len - digits &&
			    !memcmp(t->s + digits, units[i].suffix, t->len - digits))
				break;
		if (i == ARRAY_SIZE(units))
			return false;
		mult = units[i].mult;
	}
	uint64_t v;
	if (!parse_u64(t->s, digits, UINT64_MAX / mult, &v))
		return false;
	*out = v * mult;
	return true;
}

static int name_index(const char *const *names, int nr, const char *s, size_t len)
{
	for (int i = 0; i < nr; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return i;
	return -1;
}

/* Parse one record line into rec.  Field names and their kinds: FORMAT.md §4. */
static int parse_record(struct trace_reader *r, const struct text_line *l, struct trace_record *rec,
			struct sim_error *err)
{
	struct token tok[16];
	size_t nr_tok = 0;
	for (size_t i = 0; i < l->len;) {
		while (i < l->len && is_blank(l->s[i]))
			i++;
		if (i == l->len || l->s[i] == '#')
			break;
		if (nr_tok == ARRAY_SIZE(tok))
			return text_fail(r, err, i + 1, "too many fields");
		size_t start = i;
		while (i < l->len && !is_blank(l->s[i]))
			i++;
		tok[nr_tok++] = (struct token){ .s = l->s + start, .len = i - start, .col = start + 1 };
	}
	if (nr_tok < 2)
		return text_fail(r, err, nr_tok ? tok[0].col : 1, "expected TIME KIND [FIELD=VALUE...]");
	*rec = (struct trace_record){ 0 };
	if (!parse_time(&tok[0], &rec->time_ns))
		return text_fail(r, err, tok[0].col, "bad time '%.*s' (ns, or with ns/us/ms/s suffix)",
				 (int)tok[0].len, tok[0].s);
	int kind = name_index(trace_kind_names, NR_TRACE_KINDS, tok[1].s, tok[1].len);
	if (kind < 0)
		return text_fail(r, err, tok[1].col, "unknown record kind '%.*s'", (int)tok[1].len, tok[1].s);
	if (trace_kind_since((enum trace_kind)kind) > r->hdr.version)
		return text_fail(r, err, tok[1].col, "unknown record kind '%.*s' in a version %" PRIu32 " trace",
				 (int)tok[1].len, tok[1].s, r->hdr.version);
	rec->kind = (uint8_t)kind;
	const char *kn = trace_kind_names[kind];
	unsigned used = trace_kind_fields[kind];

	/* Field names: task, id, order, gfp, count as named; the kind-specific argument is
	 * spelt kind= (pin, hint), align= (cma_alloc), zone= (compact), tag= (snapshot),
	 * after= (task), cpu= (cpu), age= (dirty, from version 4). */
	const char *arg_name = kind == TR_PIN || kind == TR_HINT ? "kind"
			       : kind == TR_CMA_ALLOC		  ? "align"
			       : kind == TR_COMPACT		  ? "zone"
			       : kind == TR_SNAPSHOT		  ? "tag"
			       : kind == TR_TASK		  ? "after"
			       : kind == TR_CPU			  ? "cpu"
			       : kind == TR_DIRTY		  ? "age"
								  : NULL;
	unsigned seen = 0;
	size_t arg_col = tok[1].col, task_col = tok[1].col; /* their values' columns, once given */
	for (size_t i = 2; i < nr_tok; i++) {
		const struct token *t = &tok[i];
		const char *eq = memchr(t->s, '=', t->len);
		if (!eq)
			return text_fail(r, err, t->col, "expected FIELD=VALUE, got '%.*s'", (int)t->len, t->s);
		size_t nlen = (size_t)(eq - t->s);
		const char *v = eq + 1;
		size_t vlen = t->len - nlen - 1;
		size_t vcol = t->col + nlen + 1;
		struct token name = { .s = t->s, .len = nlen, .col = t->col };
		unsigned f = 0;
		if (tok_is(&name, "task"))
			f = TRF_TASK;
		else if (tok_is(&name, "id"))
			f = TRF_ID;
		else if (tok_is(&name, "order"))
			f = TRF_ORDER;
		else if (tok_is(&name, "gfp"))
			f = TRF_GFP;
		else if (tok_is(&name, "count"))
			f = TRF_COUNT;
		else if (arg_name && tok_is(&name, arg_name))
			f = TRF_ARG;
		if (!(f & used))
			return text_fail(r, err, t->col, "%s has no field '%.*s'", kn, (int)nlen, t->s);
		if (seen & f)
			return text_fail(r, err, t->col, "field '%.*s' given twice", (int)nlen, t->s);
		seen |= f;
		uint64_t u = 0;
		int64_t s = 0;
		switch (f) {
		case TRF_TASK:
			task_col = vcol;
			if (!parse_u64(v, vlen, UINT32_MAX, &u))
				goto bad_value;
			rec->task = (uint32_t)u;
			break;
		case TRF_ID:
			if (!parse_u64(v, vlen, UINT64_MAX, &rec->id))
				goto bad_value;
			break;
		case TRF_ORDER:
			if (kind == TR_COMPACT && vlen == 5 && !memcmp(v, "whole", 5)) {
				rec->order = TRACE_COMPACT_WHOLE_ZONE;
				break;
			}
			if (!parse_u64(v, vlen, MAX_PAGE_ORDER, &u))
				return text_fail(r, err, vcol, "order '%.*s' not in 0..%d%s", (int)vlen, v,
						 MAX_PAGE_ORDER, kind == TR_COMPACT ? " or whole" : "");
			rec->order = (uint8_t)u;
			break;
		case TRF_GFP: {
			/* Kernel flag names joined by '|', "none", or hex (0x400cc0). */
			size_t bad = 0;
			gfp_t gfp;
			if (vlen == 0 || gfp_parse(v, vlen, &gfp, &bad) < 0) {
				size_t end = bad;
				while (end < vlen && v[end] != '|')
					end++;
				return text_fail(r, err, vcol + bad, "unknown gfp flag '%.*s'", (int)(end - bad),
						 v + bad);
			}
			rec->gfp = gfp;
			break;
		}
		case TRF_COUNT:
			if (!parse_u64(v, vlen, UINT32_MAX, &u) || u == 0)
				return text_fail(r, err, vcol, "count '%.*s' not in 1..%" PRIu32, (int)vlen, v,
						 UINT32_MAX);
			rec->count = (uint32_t)u;
			break;
		case TRF_ARG:
			arg_col = vcol;
			if (kind == TR_PIN || kind == TR_HINT) {
				int nr = kind == TR_PIN ? NR_PIN_KINDS : NR_HINT_KINDS;
				const char *const *names = kind == TR_PIN ? trace_pin_names : trace_hint_names;
				int k = name_index(names, nr, v, vlen);
				if (k < 0)
					return text_fail(r, err, vcol, "unknown %s kind '%.*s'", kn, (int)vlen, v);
				if (kind == TR_HINT && trace_hint_since(k) > r->hdr.version)
					return text_fail(r, err, vcol, "hint kind %.*s from version %u (this trace: %" PRIu32 ")",
							 (int)vlen, v, trace_hint_since(k), r->hdr.version);
				rec->arg = k;
			} else if (kind == TR_CMA_ALLOC) {
				if (!parse_i64(v, vlen, 0, 31, &s))
					return text_fail(r, err, vcol, "align '%.*s' not in 0..31", (int)vlen, v);
				rec->arg = (int32_t)s;
			} else if (kind == TR_COMPACT) {
				int z = name_index(zone_names, MAX_NR_ZONES, v, vlen);
				if (z >= 0)
					s = z;
				else if (!parse_i64(v, vlen, -1, MAX_NR_ZONES - 1, &s))
					return text_fail(r, err, vcol, "zone '%.*s' not in -1..%d or a zone name",
							 (int)vlen, v, MAX_NR_ZONES - 1);
				rec->arg = (int32_t)s;
			} else if (kind == TR_TASK) {
				/* a pid, as task= is: 32-bit unsigned, held bit for bit in arg */
				if (!parse_u64(v, vlen, UINT32_MAX, &u))
					goto bad_value;
				rec->arg = (int32_t)(uint32_t)u;
			} else if (kind == TR_DIRTY) {
				if (r->hdr.version < 4)
					return text_fail(r, err, t->col, "dirty has age= from version 4 (this trace: %" PRIu32 ")",
							 r->hdr.version);
				if (!parse_u64(v, vlen, TRACE_DIRTY_AGE_MAX_MS, &u))
					return text_fail(r, err, vcol, "age '%.*s' not in 0..%d ms", (int)vlen, v,
							 TRACE_DIRTY_AGE_MAX_MS);
				rec->arg = (int32_t)u;
			} else if (kind == TR_CPU) {
				if (!parse_u64(v, vlen, TRACE_CPU_MAX, &u))
					return text_fail(r, err, vcol, "cpu '%.*s' not in 0..%d", (int)vlen, v,
							 TRACE_CPU_MAX);
				rec->arg = (int32_t)u;
			} else {
				if (!parse_i64(v, vlen, INT32_MIN, INT32_MAX, &s))
					goto bad_value;
				rec->arg = (int32_t)s;
			}
			break;
		default:
			break;
		}
		continue;
	bad_value:
		return text_fail(r, err, vcol, "bad %.*s '%.*s'", (int)nlen, t->s, (int)vlen, v);
	}
	/* Required fields: everything the kind uses except task (default 0; but a task
	 * record is about its task), cma_alloc's align, snapshot's tag and task's after
	 * (default 0: no predecessor). */
	unsigned required = used & ~(unsigned)TRF_TASK;
	if (kind == TR_CMA_ALLOC || kind == TR_SNAPSHOT || kind == TR_TASK || kind == TR_DIRTY)
		required &= ~(unsigned)TRF_ARG;
	if (kind == TR_TASK)
		required |= TRF_TASK;
	unsigned missing = required & ~seen;
	if (missing) {
		const char *fname = missing & TRF_ID ? "id"
				    : missing & TRF_ORDER ? "order"
				    : missing & TRF_GFP ? "gfp"
				    : missing & TRF_COUNT ? "count"
				    : missing & TRF_TASK ? "task"
							  : arg_name;
		return text_fail(r, err, tok[1].col, "%s needs %s=", kn, fname);
	}
	struct sim_error why;
	if (trace_record_check(rec, &why) < 0) {
		/* a task record's rules are about one value: point at it */
		size_t col = kind != TR_TASK ? tok[1].col : rec->task ? arg_col : task_col;
		return text_fail(r, err, col, "%s", why.msg);
	}
	if (rec->time_ns < r->last_time_ns)
		return text_fail(r, err, tok[0].col, "time %" PRIu64 " before previous %" PRIu64,
				 rec->time_ns, r->last_time_ns);
	return 0;
}

int trace_text_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	for (;;) {
		struct text_line l;
		int ret = peek_line(r, &l, err);
		if (ret < 0)
			return -1;
		if (ret == 0) {
			if (r->gz_cut)
				return text_fail(r, err, 1, "truncated (gzip stream cut short)");
			r->done = true;
			return 0;
		}
		consume_line(r, &l);
		size_t i = 0;
		while (i < l.len && is_blank(l.s[i]))
			i++;
		if (i == l.len || l.s[i] == '#')
			continue;
		if (parse_record(r, &l, rec, err) < 0)
			return -1;
		r->last_time_ns = rec->time_ns;
		r->nr_records++;
		return 1;
	}
}

int trace_text_begin(struct trace_writer *w, const struct trace_header *h, struct sim_error *err)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "# mmsim-trace v%" PRIu32 "\n", w->version);
	if (trace_writer_put(w, line, (size_t)n, err) < 0)
		return -1;
	for (uint32_t i = 0; i < h->nr_meta; i++) {
		n = snprintf(line, sizeof(line), "# %s:%s%s\n", h->meta[i].key, h->meta[i].value[0] ? " " : "",
			     h->meta[i].value);
		if (trace_writer_put(w, line, (size_t)n, err) < 0)
			return -1;
	}
	return 0;
}

int trace_text_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err)
{
	char line[TRACE_TEXT_LINE_MAX + 1];
	int n = trace_record_format(rec, line, sizeof(line) - 1);
	sim_assert(n > 0 && n < TRACE_TEXT_LINE_MAX);
	line[n++] = '\n';
	return trace_writer_put(w, line, (size_t)n, err);
}
