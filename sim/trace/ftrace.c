/* ftrace.c — the text line parser (tracefs `trace`, `trace_pipe`, `trace-cmd report`),
 * the plain/gzip line reader (a regular file inflated and parsed on a reader thread, lines
 * parsed where gzpipe.c hands them out, or in byte-range batches by both threads when it
 * holds the text whole), and input-kind sniffing.
 *
 * Speed matters (architecture.md §9: ≥ 1.5 M lines/s): lines are split in a large buffer with
 * memchr, nothing is allocated per line, and fields are found by name with memmem
 * (ftrace_events.c).
 */
#include "ftrace.h"
#include "gzpipe.h"
#include "trace.h"

#include "../lib/ring_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mmsim-config.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

/* 1 for the bytes of an event name, [0-9A-Za-z_]: one load per byte where three tests
 * and their branches were a quarter of the line parser's time. */
static const uint8_t name_byte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static enum ftrace_line_kind line_error(struct ftrace_parse_error *perr, const char *line,
					const char *at, const char *reason)
{
	if (perr) {
		perr->col = (size_t)(at - line) + 1;
		snprintf(perr->reason, sizeof(perr->reason), "%s", reason);
	}
	return FTRACE_LINE_ERROR;
}

/* The 8 bytes at p are the literal's first 8: two loads and a compare. */
static bool eq8(const char *p, const char *lit)
{
	uint64_t a, b;
	memcpy(&a, p, 8);
	memcpy(&b, lit, 8);
	return a == b;
}

/* Past the blanks (' ') among the 8 bytes at s, when there are 8: the first other byte
 * found by one compare of the word (the byte loops after it then stop at once; they still
 * skip a tab).  The byte loop over the padding before the task and the stamp was a tenth
 * of the line parser's instructions (issue #17). */
static const char *skip_blanks8(const char *s, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end - s >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		w ^= 0x2020202020202020ull; /* the blanks now zero bytes, the rest not */
		return w ? s + ((unsigned)__builtin_ctzll(w) >> 3) : s + 8;
	}
#else
	(void)end;
#endif
	return s;
}

static bool starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && !memcmp(s, lit, n);
}

/* "CPU:1 [LOST 123 EVENTS]" (tracefs, trace_pipe) or "CPU:1 [123 EVENTS DROPPED]"
 * (trace-cmd report): the ring buffer overflowed and events are missing. */
static bool lost_marker(const char *s, const char *end, uint64_t *nr)
{
	if (!starts(s, end, "CPU:"))
		return false;
	const char *b = memchr(s, '[', (size_t)(end - s));
	if (!b || !(memmem(b, (size_t)(end - b), "LOST", 4) || memmem(b, (size_t)(end - b), "DROPPED", 7)))
		return false;
	*nr = 0;
	for (const char *q = b; q < end; q++)
		if (is_digit(*q)) {
			/* saturate: a count past UINT64_MAX is reported as UINT64_MAX, not wrapped */
			while (q < end && is_digit(*q)) {
				uint64_t d = (uint64_t)(*q++ - '0');
				*nr = *nr > (UINT64_MAX - d) / 10 ? UINT64_MAX : *nr * 10 + d;
			}
			break;
		}
	return true;
}

/* *ev = 0 in stores of at most 64 bytes: a memset of the whole struct compiles to `rep
 * stos`, whose start-up was a fifth of the line parser's time (issue #17). */
static void ev_clear(struct ftrace_event *ev)
{
	_Static_assert(sizeof(*ev) > 128 && sizeof(*ev) <= 192, "three stretches");
	char *p = (char *)ev;
	memset(p, 0, 64);
	memset(p + 64, 0, 64);
	memset(p + 128, 0, sizeof(*ev) - 128);
}

/* The parser; nul_free: the caller has already found no NUL byte in the line. */
static enum ftrace_line_kind parse_line(struct ftrace_gfp_cache *gc, const char *line, size_t len,
					struct ftrace_event *ev, const char **name, size_t *name_len,
					struct ftrace_parse_error *perr, bool nul_free)
{
	const char *s = line, *end = line + len;
	if (end > s && end[-1] == '\r')
		end--;
	const char *nul = nul_free ? NULL : memchr(line, 0, (size_t)(end - line));
	if (nul)
		return line_error(perr, line, nul, "binary data (NUL byte): not an ftrace text file");
	/* trace-cmd report right-aligns the task in 16 columns: skip the padding 8 at a time */
	while (end - s >= 8 && eq8(s, "        "))
		s += 8;
	s = skip_blanks8(s, end);
	while (s < end && is_space(*s))
		s++;
	if (s == end || *s == '#')
		return FTRACE_LINE_HEADER;
	ev_clear(ev);
	/* trace-cmd report's own header lines. */
	if (starts(s, end, "cpus=") || starts(s, end, "version =") ||
	    (starts(s, end, "CPU ") && memmem(s, (size_t)(end - s), "is empty", 8)))
		return FTRACE_LINE_HEADER;
	if (lost_marker(s, end, &ev->nr[0]))
		return FTRACE_LINE_LOST;

	/* The CPU column: the first " [digits]" (comm may itself hold '[' or spaces). */
	const char *b = s, *cpu_at = NULL;
	while ((b = memchr(b, '[', (size_t)(end - b)))) {
		const char *q = b + 1;
		while (q < end && is_digit(*q))
			q++;
		if (b > s && is_space(b[-1]) && q > b + 1 && q < end && *q == ']') {
			cpu_at = b;
			break;
		}
		b++;
	}
	if (!cpu_at)
		return line_error(perr, line, s, "no [cpu] column: not an ftrace event line");

	/* Task "comm-pid", optionally followed by a tgid column "(  123)". */
	const char *te = cpu_at;
	while (te > s && is_space(te[-1]))
		te--;
	if (te > s && te[-1] == ')') {
		const char *o = te - 1;
		while (o > s && *o != '(')
			o--;
		if (*o == '(') {
			te = o;
			while (te > s && is_space(te[-1]))
				te--;
		}
	}
	const char *dash = te;
	while (dash > s && dash[-1] != '-')
		dash--;
	if (dash == s || dash == te)
		return line_error(perr, line, s, "task is not comm-pid");
	uint64_t pid = 0;
	for (const char *q = dash; q < te; q++) {
		if (!is_digit(*q) || pid > UINT32_MAX / 10)
			return line_error(perr, line, q, "bad pid in comm-pid");
		pid = pid * 10 + (uint64_t)(*q - '0');
	}
	size_t comm_len = MIN((size_t)(dash - 1 - s), (size_t)FTRACE_COMM_LEN - 1);
	memcpy(ev->comm, s, comm_len);
	ev->comm[comm_len] = 0;
	ev->pid = (uint32_t)pid;
	int32_t cpu = 0;
	const char *q = cpu_at + 1;
	for (; *q != ']'; q++) {
		if (cpu > 1000000)
			return line_error(perr, line, q, "bad cpu number");
		cpu = cpu * 10 + (*q - '0');
	}
	ev->cpu = cpu;
	q++;

	/* Skip the optional latency-flags column, then "secs.frac:". */
	for (int col = 0;; col++) {
		q = skip_blanks8(q, end);
		while (q < end && is_space(*q))
			q++;
		const char *t = q;
		/* The common stamp, up to 9 digits '.' 1 to 9 digits ':' then a blank or the end,
		 * read in one pass: exactly what the token scan and the checks below accept, to
		 * the same value (the scan and the two digit loops were a tenth of this
		 * function's instructions, issue #17).  Anything else takes the full way. */
		{
			const char *d = t;
			uint64_t secs = 0, frac = 0;
			/* each loop's two bounds as one (a tenth of the stamp's instructions) */
			const char *lim = end - d > 9 ? d + 9 : end;
			for (; d < lim && is_digit(*d); d++)
				secs = secs * 10 + (uint64_t)(*d - '0');
			if (d > t && d < end && *d == '.') {
				const char *f = ++d;
				lim = end - d > 9 ? d + 9 : end;
				for (; d < lim && is_digit(*d); d++)
					frac = frac * 10 + (uint64_t)(*d - '0');
				size_t nd = (size_t)(d - f);
				if (nd && d < end && *d == ':' && (d + 1 == end || is_space(d[1]))) {
					for (; nd < 9; nd++)
						frac *= 10;
					ev->time_ns = secs * NSEC_PER_SEC + frac;
					q = d + 1;
					break;
				}
			}
		}
		while (q < end && !is_space(*q))
			q++;
		if (q > t && q[-1] == ':' && is_digit(*t)) {
			uint64_t secs = 0, frac = 0;
			const char *d = t;
			while (is_digit(*d) && secs < UINT64_MAX / 100)
				secs = secs * 10 + (uint64_t)(*d++ - '0');
			if (*d != '.')
				return line_error(perr, line, d, "timestamp is not secs.frac");
			const char *f = ++d;
			while (is_digit(*d))
				frac = frac * 10 + (uint64_t)(*d++ - '0');
			size_t nd = (size_t)(d - f);
			if (nd == 0 || nd > 9 || d != q - 1 || secs > UINT64_MAX / NSEC_PER_SEC - 1)
				return line_error(perr, line, t, "bad timestamp");
			for (; nd < 9; nd++)
				frac *= 10;
			ev->time_ns = secs * NSEC_PER_SEC + frac;
			break;
		}
		if (col >= 1 || q == t)
			return line_error(perr, line, t, "no timestamp");
	}

	/* "event_name:" then the payload. */
	while (q < end && is_space(*q))
		q++;
	const char *n0 = q;
	enum ftrace_event_id id = FEV_UNKNOWN;
	/* The three page events are ~94% of a capture: their names, colon included, are
	 * matched whole, where the byte loop below would stop at the same colon (its exit
	 * branch, mispredicted at each length, was a seventh of this function's time). */
	if (end - q >= 21 && eq8(q, "mm_page_")) {
		if (eq8(q + 6, "e_alloc:"))
			q += 13, id = FEV_PAGE_ALLOC;
		else if (eq8(q + 5, "ge_free:"))
			q += 12, id = FEV_PAGE_FREE;
		else if (eq8(q + 8, "free_bat") && eq8(q + 13, "batched:"))
			q += 20, id = FEV_PAGE_FREE_BATCHED;
	}
	if (id == FEV_UNKNOWN) {
		while (q < end && name_byte[(unsigned char)*q])
			q++;
		if (q == n0 || q >= end || *q != ':')
			return line_error(perr, line, q, "no event name");
		id = ftrace_event_lookup(n0, (size_t)(q - n0));
	}
	const char *payload = q + 1;
	/* trace-cmd report pads the event name to a column: 8 blanks at a time first */
	while (end - payload >= 8 && eq8(payload, "        "))
		payload += 8;
	while (payload < end && is_space(*payload))
		payload++;
	ev->id = (uint16_t)id;
	if (ev->id == FEV_UNKNOWN) {
		if (name) {
			*name = n0;
			*name_len = (size_t)(q - n0);
		}
		return FTRACE_LINE_UNKNOWN;
	}
	if (ftrace_parse_payload_cached(gc, ev, payload, (size_t)(end - payload), perr)) {
		if (perr)
			perr->col += (size_t)(payload - line);
		return FTRACE_LINE_ERROR;
	}
	return FTRACE_LINE_EVENT;
}

enum ftrace_line_kind ftrace_parse_line(const char *line, size_t len, struct ftrace_event *ev,
					const char **name, size_t *name_len,
					struct ftrace_parse_error *perr)
{
	return parse_line(NULL, line, len, ev, name, name_len, perr, false);
}

enum ftrace_line_kind ftrace_parse_line_cached(struct ftrace_gfp_cache *gc, const char *line,
					       size_t len, struct ftrace_event *ev,
					       const char **name, size_t *name_len,
					       struct ftrace_parse_error *perr)
{
	return parse_line(gc, line, len, ev, name, name_len, perr, false);
}

static void note_unknown(struct ftrace_read_stats *st, const char *name, size_t len)
{
	for (unsigned i = 0; i < st->nr_unknown_names; i++)
		if (strlen(st->unknown[i].name) == len && !memcmp(st->unknown[i].name, name, len)) {
			st->unknown[i].count++;
			return;
		}
	if (st->nr_unknown_names < FTRACE_MAX_UNKNOWN_NAMES) {
		unsigned i = st->nr_unknown_names++;
		size_t n = MIN(len, sizeof(st->unknown[i].name) - 1);
		memcpy(st->unknown[i].name, name, n);
		st->unknown[i].name[n] = 0;
		st->unknown[i].count = 1;
	}
}

#define READ_BUF (1u << 20) /* also the longest line accepted */

/* The per-read state of ftrace_read_text: one control struct for the operation. */
struct text_read {
	const char *path;
	const struct ftrace_read_opts *opts;
	ftrace_sink_fn sink;
	void *arg;
	struct ftrace_read_stats *st;
	struct ftrace_event ev;
	struct ftrace_gfp_cache gc;
};

/* One line parsed as kind (ev, name or pe as the kind says): counted, and an event handed
 * to the sink.  0 on, -1 stop (err filled). */
static int line_done(struct text_read *tr, enum ftrace_line_kind kind, struct ftrace_event *ev,
		     const char *name, size_t name_len, const struct ftrace_parse_error *pe,
		     struct sim_error *err)
{
	struct ftrace_read_stats *st = tr->st;
	st->nr_lines++;
	switch (kind) {
	case FTRACE_LINE_EVENT:
		st->nr_events++;
		ev->line = st->nr_lines;
		return tr->sink(tr->arg, ev, err);
	case FTRACE_LINE_UNKNOWN:
		st->nr_unknown++;
		note_unknown(st, name, name_len);
		return 0;
	case FTRACE_LINE_HEADER:
		st->nr_header++;
		return 0;
	case FTRACE_LINE_LOST:
		st->nr_lost_markers++;
		st->nr_lost_events = ev->nr[0] > UINT64_MAX - st->nr_lost_events
					     ? UINT64_MAX : st->nr_lost_events + ev->nr[0];
		return 0;
	case FTRACE_LINE_ERROR:
		break;
	}
	if (!st->nr_errors++)
		st->first_error_line = st->nr_lines;
	if (st->nr_error_notes < ARRAY_SIZE(st->error_note)) {
		unsigned k = st->nr_error_notes++;
		st->error_note[k].line = st->nr_lines;
		st->error_note[k].col = pe->col;
		memcpy(st->error_note[k].reason, pe->reason, sizeof(pe->reason));
	}
	if (!tr->opts->lenient)
		return sim_error_set(err, EX_DATAERR_, "%s:%llu:%zu: %s", tr->path,
				     (unsigned long long)st->nr_lines, pe->col, pe->reason);
	if (tr->opts->max_errors && st->nr_errors > tr->opts->max_errors)
		return sim_error_set(err, EX_DATAERR_, "%s:%llu:%zu: %s (more than %llu malformed lines)",
				     tr->path, (unsigned long long)st->nr_lines, pe->col, pe->reason,
				     (unsigned long long)tr->opts->max_errors);
	return 0;
}

/* What ended the lines of an input (feed_lines), for the caller to report once it has
 * taken every line before it. */
struct feed_end {
	enum { FEED_END, FEED_GZIP_ERROR, FEED_TOO_LONG, FEED_STOPPED } how;
	int zerr;        /* gzpipe_error's errnum at the end or the error */
	int errnum;      /* errno after a failed read */
	const char *msg; /* gzpipe_error's message: valid until gzpipe_close */
};

/* A line's consumer: 0 on, nonzero stop.  nul_free: the line holds no NUL byte (its
 * stretch was searched for one whole). */
typedef int (*line_fn)(void *ctx, const char *line, size_t len, bool nul_free);

/* Split the bytes gz gives into lines (without their newline) for fn.  Lines are handed
 * out where gzpipe has them; only a line split between two of its stretches is put
 * together in buf (READ_BUF bytes). */
static void feed_lines(struct gzpipe *gz, char *buf, uint64_t *bytes, line_fn fn, void *ctx,
		       struct feed_end *fe)
{
	size_t have = 0; /* bytes of a split line in buf so far */
	for (;;) {
		const unsigned char *c;
		long n = gzpipe_next(gz, &c);
		if (n < 0) {
			fe->errnum = errno;
			fe->msg = gzpipe_error(gz, &fe->zerr);
			fe->how = FEED_GZIP_ERROR;
			return;
		}
		*bytes += (uint64_t)n;
		/* at the end gzpipe may hand out no stretch at all (c NULL, n 0) */
		const char *p = n ? (const char *)c : "", *e = p + n;
		const char *nl = n ? memchr(p, '\n', (size_t)(e - p)) : NULL;
		/* one search of the stretch for a NUL instead of one per line */
		bool nul_free = !memchr(p, 0, (size_t)(e - p));
		if (have) {
			size_t take = (size_t)((nl ? nl : e) - p);
			if (have + take >= READ_BUF)
				goto too_long;
			memcpy(buf + have, p, take);
			have += take;
			p += take;
			if (nl) {
				if (fn(ctx, buf, have, false))
					goto stopped;
				have = 0;
				p = nl + 1;
				nl = memchr(p, '\n', (size_t)(e - p));
			}
		}
		while (nl) {
			if (fn(ctx, p, (size_t)(nl - p), nul_free))
				goto stopped;
			p = nl + 1;
			nl = memchr(p, '\n', (size_t)(e - p));
		}
		if (n == 0) {
			if (have && fn(ctx, buf, have, false)) /* last line without newline */
				goto stopped;
			break;
		}
		if (p < e) {
			if (have + (size_t)(e - p) >= READ_BUF)
				goto too_long;
			memcpy(buf + have, p, (size_t)(e - p));
			have += (size_t)(e - p);
		}
	}
	fe->msg = gzpipe_error(gz, &fe->zerr);
	fe->how = FEED_END;
	return;
too_long:
	fe->how = FEED_TOO_LONG;
	return;
stopped:
	fe->how = FEED_STOPPED;
}

/* On the caller's thread: each line parsed and taken at once. */
struct text_here {
	struct text_read *tr;
	struct sim_error *err;
	int rc;
};

static int here_line(void *ctx, const char *line, size_t len, bool nul_free)
{
	struct text_here *h = ctx;
	struct text_read *tr = h->tr;
	struct ftrace_parse_error pe;
	const char *name = NULL;
	size_t name_len = 0;
	enum ftrace_line_kind k = parse_line(&tr->gc, line, len, &tr->ev, &name, &name_len, &pe, nul_free);
	return h->rc = line_done(tr, k, &tr->ev, name, name_len, &pe, h->err);
}

/* ---- parsing on a reader thread (a regular file): the thread inflates, splits and parses
 * lines into batches of parsed lines, TP_RING of them ahead, while the caller's thread
 * counts them and runs the sink (the importer) on its events.  The caller meets each line,
 * and the input's end or error, in the order and with the counts of the caller's-thread
 * path: only where the parsing runs differs (issue #17: the import's other core).
 *
 * When gzpipe holds the whole text in memory (one gzip member, inflated whole), a batch is
 * the lines that start in one stretch of TP_RANGE bytes: any thread can find its lines
 * without the batches before it, so the caller parses batches too whenever the one it is
 * to import next is not ready, instead of waiting (the parse was the longer side: the
 * reader thread's parse against the caller's import, issue #17).  Otherwise (a stream:
 * several members, a damaged one, plain bytes) the thread feeds lines as gzpipe hands
 * them out, TP_LINES a batch, and parses every one. */
#define TP_LINES 256u
#define TP_RANGE (16u << 10)
#define TP_RING 64u
/* A thread that waits for the other is woken when TP_WAKE batches are ready for it (or
 * the last), not at each: a quarter of the sleeps and wake-ups. */
#define TP_WAKE 4u

struct tp_line {
	uint8_t kind; /* enum ftrace_line_kind */
	union {
		struct ftrace_event ev;       /* EVENT, LOST */
		struct ftrace_parse_error pe; /* ERROR */
		struct {
			size_t len;
			/* the first bytes: note_unknown compares or keeps no more (a longer
			 * name matches no name kept) */
			char s[sizeof(((struct ftrace_read_stats *)0)->unknown[0].name)];
		} name;                       /* UNKNOWN */
	} u;
};

struct tp_batch {
	size_t n;
	bool last;      /* the lines end with this batch: text_pipe.end (or too_long) says how */
	bool too_long;  /* whole text: the line after these is READ_BUF bytes or more */
	uint64_t bytes; /* input bytes inflated when the batch was handed out */
	/* whole text: lines from more, up to end, did not fit (the importer parses them) */
	size_t more, end;
	struct tp_line line[TP_LINES];
};

/* Batches are numbered from 0 in input order; batch k fills ring[k % TP_RING].
 * Invariant (under mu): batches below head are imported; head <= k < next are claimed
 * (by a parsing thread, or ready[k % TP_RING] once parsed); next <= head + TP_RING. */
struct text_pipe {
	struct gzpipe *gz;
	char *buf;
	struct ring_thread rt;
	uint64_t head, next;
	bool ready[TP_RING];
	bool caller_waits, thread_waits; /* in pthread_cond_wait on filled, on freed */
	struct tp_batch *ring;
	/* whole text, set (under mu) before whole: nr_batches batches of text[0, len) */
	bool whole;
	const char *text;
	size_t len;
	uint64_t nr_batches;
	/* the thread's own */
	uint64_t bytes;
	struct ftrace_gfp_cache gc;
	struct tp_batch *fill;
	struct feed_end end; /* set before the last batch is handed out (whole: before whole) */
};

/* One line into l, parsed with gc. */
static void tp_parse(struct ftrace_gfp_cache *gc, struct tp_line *l, const char *line, size_t len, bool nul_free)
{
	const char *name = NULL;
	size_t name_len = 0;
	struct ftrace_parse_error pe;
	l->kind = (uint8_t)parse_line(gc, line, len, &l->u.ev, &name, &name_len, &pe, nul_free);
	if (l->kind == FTRACE_LINE_ERROR) {
		l->u.pe = pe;
	} else if (l->kind == FTRACE_LINE_UNKNOWN) {
		l->u.name.len = name_len;
		memcpy(l->u.name.s, name, MIN(name_len, sizeof(l->u.name.s)));
	}
}

/* Batch k handed over as parsed (mu held); the caller woken when it waits for this one
 * (whole text) or TP_WAKE of them are ready (a stream). */
static void tp_ready(struct text_pipe *tp, uint64_t k)
{
	tp->ready[k % TP_RING] = true;
	if (!tp->caller_waits)
		return;
	bool wake = tp->whole ? k == tp->head : tp->next - tp->head >= TP_WAKE || tp->ring[k % TP_RING].last;
	if (wake)
		pthread_cond_signal(&tp->rt.filled);
}

/* ---- a stream: the thread feeds lines into batches in order */

/* The thread's next batch to fill, once the caller has freed one; 1 when told to stop. */
static int tp_take(struct text_pipe *tp)
{
	pthread_mutex_lock(&tp->rt.mu);
	while (tp->next == tp->head + TP_RING && !tp->rt.stop) {
		tp->thread_waits = true;
		pthread_cond_wait(&tp->rt.freed, &tp->rt.mu);
	}
	tp->thread_waits = false;
	bool stop = tp->rt.stop;
	tp->fill = &tp->ring[tp->next++ % TP_RING];
	pthread_mutex_unlock(&tp->rt.mu);
	if (stop)
		return 1;
	tp->fill->n = 0;
	tp->fill->last = false;
	return 0;
}

static void tp_publish(struct text_pipe *tp)
{
	tp->fill->bytes = tp->bytes;
	pthread_mutex_lock(&tp->rt.mu);
	tp_ready(tp, tp->next - 1);
	pthread_mutex_unlock(&tp->rt.mu);
}

static int tp_line(void *ctx, const char *line, size_t len, bool nul_free)
{
	struct text_pipe *tp = ctx;
	tp_parse(&tp->gc, &tp->fill->line[tp->fill->n++], line, len, nul_free);
	if (tp->fill->n < TP_LINES)
		return 0;
	tp_publish(tp);
	return tp_take(tp);
}

/* ---- the whole text: batches by byte range, parsed by either thread */

/* Where the first line starting at or after x begins (x > 0), or len when none does, or
 * when the line holding x goes on for READ_BUF bytes past it (that line is too long: the
 * batch where it starts ends the lines there). */
static size_t tp_line_start(const struct text_pipe *tp, size_t x)
{
	if (x >= tp->len || tp->text[x - 1] == '\n')
		return MIN(x, tp->len);
	size_t room = MIN(tp->len - x, (size_t)READ_BUF);
	const char *nl = memchr(tp->text + x, '\n', room);
	return nl ? (size_t)(nl - tp->text) + 1 : tp->len;
}

/* Parse the lines of b that start from offset p up to b->end, as many as fit: b->more is
 * where the rest start (b->end when none are left).  A line of READ_BUF bytes or more (not
 * counting its newline, as feed_lines) ends the lines there. */
static void tp_parse_from(const struct text_pipe *tp, struct ftrace_gfp_cache *gc, struct tp_batch *b, size_t p)
{
	const char *t = tp->text;
	size_t len = tp->len, stop = MIN(b->end, len), n = 0;
	/* one search for a NUL where the lines start, as feed_lines does per stretch; the
	 * last line, which runs past it, searches itself */
	bool nul_free = p < stop && !memchr(t + p, 0, stop - p);
	while (p < stop && n < TP_LINES) {
		const char *nl = memchr(t + p, '\n', MIN(len - p, (size_t)READ_BUF));
		if (!nl && len - p >= READ_BUF) {
			b->too_long = b->last = true;
			b->end = p;
			break;
		}
		size_t l = nl ? (size_t)(nl - (t + p)) : len - p;
		tp_parse(gc, &b->line[n++], t + p, l, nul_free && p + l <= stop);
		p = nl ? p + l + 1 : len;
	}
	b->n = n;
	b->more = p < stop ? p : b->end;
}

/* Parse batch k: the lines that start in [k * TP_RANGE, (k + 1) * TP_RANGE). */
static void tp_parse_batch(const struct text_pipe *tp, struct ftrace_gfp_cache *gc, uint64_t k)
{
	struct tp_batch *b = &tp->ring[k % TP_RING];
	size_t from = (size_t)k * TP_RANGE, to = from + TP_RANGE;
	size_t start = k ? tp_line_start(tp, from) : 0;
	b->too_long = false;
	b->last = k + 1 == tp->nr_batches;
	b->end = MAX(start, MIN(to, tp->len));
	b->bytes = b->last ? tp->len : MIN(to, tp->len);
	tp_parse_from(tp, gc, b, start);
}

/* The thread's part over the whole text: claim and parse the next batch while the ring has
 * room, until every batch is claimed or it is told to stop. */
static void tp_whole_main(struct text_pipe *tp)
{
	pthread_mutex_lock(&tp->rt.mu);
	for (;;) {
		while (tp->next < tp->nr_batches && tp->next == tp->head + TP_RING && !tp->rt.stop) {
			tp->thread_waits = true;
			pthread_cond_wait(&tp->rt.freed, &tp->rt.mu);
		}
		tp->thread_waits = false;
		if (tp->rt.stop || tp->next == tp->nr_batches)
			break;
		uint64_t k = tp->next++;
		pthread_mutex_unlock(&tp->rt.mu);
		tp_parse_batch(tp, &tp->gc, k);
		pthread_mutex_lock(&tp->rt.mu);
		tp_ready(tp, k);
	}
	pthread_mutex_unlock(&tp->rt.mu);
}

static void *tp_main(void *arg)
{
	struct text_pipe *tp = arg;
	const unsigned char *text;
	size_t len;
	if (gzpipe_whole(tp->gz, &text, &len)) {
		pthread_mutex_lock(&tp->rt.mu);
		tp->end.msg = gzpipe_error(tp->gz, &tp->end.zerr);
		tp->end.how = FEED_END;
		tp->text = (const char *)text;
		tp->len = len;
		/* empty text: one batch of no lines, the last */
		tp->nr_batches = len ? (len + TP_RANGE - 1) / TP_RANGE : 1;
		tp->whole = true;
		if (tp->caller_waits)
			pthread_cond_signal(&tp->rt.filled);
		pthread_mutex_unlock(&tp->rt.mu);
		tp_whole_main(tp);
		return NULL;
	}
	if (tp_take(tp))
		return NULL;
	feed_lines(tp->gz, tp->buf, &tp->bytes, tp_line, tp, &tp->end);
	if (tp->end.how != FEED_STOPPED) {
		tp->fill->last = true;
		tp_publish(tp);
	}
	return NULL;
}

/* Start the thread over gz (read on it alone from now on); false when there is none to
 * be had (no memory, no thread), and then nothing was read. */
static bool tp_start(struct text_pipe *tp, struct gzpipe *gz, char *buf)
{
	*tp = (struct text_pipe){ .gz = gz, .buf = buf };
	if (!(tp->ring = malloc(TP_RING * sizeof(*tp->ring))))
		return false;
	bool ok = ring_thread_start(&tp->rt, tp_main, tp);
	if (!ok)
		free(tp->ring);
	return ok;
}

/* Stop the thread (where it is: at its next batch) and wait for it. */
static void tp_stop(struct text_pipe *tp)
{
	ring_thread_stop(&tp->rt);
	free(tp->ring);
}

/* Wait (mu held) until batch head is ready; over the whole text, parse batches meanwhile
 * (the next unclaimed one that the ring has room for) instead of waiting. */
static void tp_wait_head(struct text_pipe *tp, struct ftrace_gfp_cache *gc)
{
	while (!tp->ready[tp->head % TP_RING]) {
		if (tp->whole && tp->next < tp->nr_batches && tp->next < tp->head + TP_RING) {
			uint64_t k = tp->next++;
			pthread_mutex_unlock(&tp->rt.mu);
			tp_parse_batch(tp, gc, k);
			pthread_mutex_lock(&tp->rt.mu);
			tp->ready[k % TP_RING] = true;
			continue;
		}
		tp->caller_waits = true;
		pthread_cond_wait(&tp->rt.filled, &tp->rt.mu);
		tp->caller_waits = false;
	}
}

/* Every line the thread parses, taken in order; then *fe is how the lines ended.  0, or
 * -1 when line_done stopped (err filled). */
static int tp_consume(struct text_pipe *tp, struct text_read *tr, struct feed_end *fe, struct sim_error *err)
{
	for (;;) {
		pthread_mutex_lock(&tp->rt.mu);
		tp_wait_head(tp, &tr->gc);
		struct tp_batch *b = &tp->ring[tp->head % TP_RING];
		bool whole = tp->whole;
		pthread_mutex_unlock(&tp->rt.mu);
		for (;;) {
			for (size_t i = 0; i < b->n; i++) {
				struct tp_line *l = &b->line[i];
				if (line_done(tr, (enum ftrace_line_kind)l->kind, &l->u.ev, l->u.name.s,
					      l->u.name.len, &l->u.pe, err))
					return -1;
			}
			/* lines that did not fit the batch: parsed here, in its place */
			if (!whole || b->more == b->end)
				break;
			tp_parse_from(tp, &tr->gc, b, b->more);
		}
		tr->st->bytes = b->bytes;
		bool last = b->last;
		if (last)
			*fe = tp->end;
		if (last && whole && b->too_long)
			fe->how = FEED_TOO_LONG;
		pthread_mutex_lock(&tp->rt.mu);
		tp->ready[tp->head % TP_RING] = false;
		tp->head++;
		if (tp->thread_waits && tp->head + TP_RING - tp->next >= TP_WAKE)
			pthread_cond_signal(&tp->rt.freed);
		pthread_mutex_unlock(&tp->rt.mu);
		if (last)
			return 0;
	}
}

/* zlib's gzerror() text is "NAME: reason", NAME being the path or "<fd:N>" for a
 * descriptor; messages here name the file themselves, so keep only the reason (zlib's
 * reasons and strerror() texts hold no ": "). */
static const char *gz_reason(const char *m)
{
	const char *c = m ? strstr(m, ": ") : NULL;
	const char *last = NULL;
	while (c) {
		last = c;
		c = strstr(c + 2, ": ");
	}
	return last ? last + 2 : m ? m : "unknown zlib error";
}

int ftrace_read_text(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		     void *arg, struct ftrace_read_stats *st, struct sim_error *err)
{
	static const struct ftrace_read_opts dflt = { 0 };
	struct text_read *tr = calloc(1, sizeof(*tr));
	char *buf = NULL;
	int rc = -1;
	memset(st, 0, sizeof(*st));
	if (!tr)
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	*tr = (struct text_read){ .path = path, .opts = opts ? opts : &dflt, .sink = sink, .arg = arg, .st = st };
	int fd = strcmp(path, "-") ? sim_open_input(path, err) : dup(0);
	if (fd < 0) {
		free(tr);
		return strcmp(path, "-") ? -1 : sim_error_set(err, EX_NOINPUT_, "-: %s", strerror(errno));
	}
	/* A regular file is parsed on a reader thread; a pipe, FIFO or device on the caller's
	 * (its writer may stall, and closing must not wait for it). */
	struct stat sb;
	bool threaded = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	struct gzpipe *gz = threaded ? gzpipe_open_here(fd) : gzpipe_open(fd);
	if (!gz) {
		free(tr);
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	}
	buf = malloc(READ_BUF);
	if (!buf) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto err;
	}
	struct feed_end fe;
	struct text_pipe *tp = threaded ? malloc(sizeof(*tp)) : NULL;
	if (tp && tp_start(tp, gz, buf)) {
		/* while the thread inflates the file read whole, its bytes are hashed here */
		if (tr->opts->sha256)
			st->have_sha256 = gzpipe_sha256(gz, st->sha256);
		int crc = tp_consume(tp, tr, &fe, err);
		tp_stop(tp);
		free(tp);
		if (crc)
			goto err;
	} else {
		free(tp);
		if (tr->opts->sha256)
			st->have_sha256 = gzpipe_sha256(gz, st->sha256);
		struct text_here h = { .tr = tr, .err = err };
		feed_lines(gz, buf, &st->bytes, here_line, &h, &fe);
		if (fe.how == FEED_STOPPED)
			goto err;
	}
	switch (fe.how) {
	case FEED_GZIP_ERROR:
		sim_error_set(err, fe.zerr == Z_ERRNO ? EX_IOERR_ : EX_DATAERR_, "%s: after line %llu: %s", path,
			      (unsigned long long)st->nr_lines, fe.zerr == Z_ERRNO ? strerror(fe.errnum) : gz_reason(fe.msg));
		goto err;
	case FEED_TOO_LONG:
		sim_error_set(err, EX_DATAERR_, "%s:%llu: line longer than %u bytes: not an ftrace text file", path,
			      (unsigned long long)st->nr_lines + 1, READ_BUF);
		goto err;
	case FEED_END:
	case FEED_STOPPED:
		break;
	}
	if (fe.zerr != Z_OK && fe.zerr != Z_STREAM_END) {
		sim_error_set(err, EX_DATAERR_, "%s: after line %llu: truncated or corrupt gzip: %s",
			      path, (unsigned long long)st->nr_lines, gz_reason(fe.msg));
		goto err;
	}
	if (st->nr_events == 0 && st->nr_errors)
		sim_error_set(err, EX_DATAERR_, "%s:%llu: no event recognised (%llu malformed lines): not an ftrace text file",
			      path, (unsigned long long)st->first_error_line,
			      (unsigned long long)st->nr_errors);
	else if (st->nr_events == 0)
		/* empty, or only headers, lost markers and unknown events: nothing to import */
		sim_error_set(err, EX_DATAERR_, "%s: no events", path);
	else
		rc = 0;
err:
	free(buf);
	gzpipe_close(gz);
	free(tr);
	return rc;
}

int ftrace_input_kind(const char *path, enum ftrace_input_kind *kind, struct sim_error *err)
{
	static const unsigned char dat_magic[10] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	unsigned char head[16] = { 0 };
	*kind = FTRACE_INPUT_TEXT;
	if (!strcmp(path, "-"))
		return 0;
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return sim_error_set(err, EX_NOINPUT_, "%s: is a directory", path);
	/* a FIFO or device is read once, like stdin: text (perhaps gzip), no peeking */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return 0;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(errno));
	size_t n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (n >= sizeof(dat_magic) && !memcmp(head, dat_magic, sizeof(dat_magic))) {
		*kind = FTRACE_INPUT_DAT;
		return 0;
	}
	/* native traces: binary magic, or the text encoding's first line */
	if ((n >= 8 && !memcmp(head, "MMSIMTRC", 8)) || (n >= 13 && !memcmp(head, "# mmsim-trace", 13))) {
		*kind = FTRACE_INPUT_NATIVE;
		return 0;
	}
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
		gzFile gz = gzopen(path, "rb");
		char inner[13];
		if (gz && gzread(gz, inner, 13) == 13 &&
		    (!memcmp(inner, "MMSIMTRC", 8) || !memcmp(inner, "# mmsim-trace", 13)))
			*kind = FTRACE_INPUT_NATIVE;
		if (gz)
			gzclose(gz);
	}
	return 0;
}

#if !HAVE_LIBTRACECMD
int ftrace_read_dat(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		    void *arg, struct ftrace_read_stats *st, struct sim_error *err)
{
	(void)opts, (void)sink, (void)arg;
	memset(st, 0, sizeof(*st));
	return sim_error_set(err, EX_UNAVAILABLE_,
			     "%s: trace-cmd .dat input needs libtracecmd: install libtracecmd-dev "
			     "(with libtracefs-dev, libtraceevent-dev), then `meson setup --reconfigure "
			     "-Dtracecmd=enabled build`; or convert with `trace-cmd report -i %s > report.txt`",
			     path, path);
}
#endif

int ftrace_read(const char *path, const struct ftrace_read_opts *opts, ftrace_sink_fn sink,
		void *arg, struct ftrace_read_stats *st, struct sim_error *err)
{
	enum ftrace_input_kind kind;
	memset(st, 0, sizeof(*st));
	if (ftrace_input_kind(path, &kind, err))
		return -1;
	switch (kind) {
	case FTRACE_INPUT_DAT:
		if (ftrace_read_dat(path, opts, sink, arg, st, err))
			return -1;
		if (st->nr_events == 0)
			return sim_error_set(err, EX_DATAERR_, "%s: no events", path);
		return 0;
	case FTRACE_INPUT_NATIVE:
		return sim_error_set(err, EX_DATAERR_,
				     "%s: this is already a native mmsim trace, not an ftrace capture "
				     "(use `mmsim inspect` or `mmsim run`)", path);
	case FTRACE_INPUT_TEXT:
		break;
	}
	return ftrace_read_text(path, opts, sink, arg, st, err);
}
