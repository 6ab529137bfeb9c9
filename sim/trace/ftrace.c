/* ftrace.c — the text line parser (tracefs `trace`, `trace_pipe`, `trace-cmd report`),
 * the plain/gzip line reader (gzip inflated ahead on a thread, lines parsed where gzpipe.c
 * hands them out), and input-kind sniffing.
 *
 * Speed matters (architecture.md §9: ≥ 1.5 M lines/s): lines are split in a large buffer with
 * memchr, nothing is allocated per line, and fields are found by name with memmem
 * (ftrace_events.c).
 */
#include "ftrace.h"
#include "gzpipe.h"
#include "trace.h"

#include <errno.h>
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

static enum ftrace_line_kind line_error(struct ftrace_parse_error *perr, const char *line,
					const char *at, const char *reason)
{
	if (perr) {
		perr->col = (size_t)(at - line) + 1;
		snprintf(perr->reason, sizeof(perr->reason), "%s", reason);
	}
	return FTRACE_LINE_ERROR;
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

enum ftrace_line_kind ftrace_parse_line(const char *line, size_t len, struct ftrace_event *ev,
					const char **name, size_t *name_len,
					struct ftrace_parse_error *perr)
{
	return ftrace_parse_line_cached(NULL, line, len, ev, name, name_len, perr);
}

enum ftrace_line_kind ftrace_parse_line_cached(struct ftrace_gfp_cache *gc, const char *line,
					       size_t len, struct ftrace_event *ev,
					       const char **name, size_t *name_len,
					       struct ftrace_parse_error *perr)
{
	const char *s = line, *end = line + len;
	if (end > s && end[-1] == '\r')
		end--;
	const char *nul = memchr(line, 0, (size_t)(end - line));
	if (nul)
		return line_error(perr, line, nul, "binary data (NUL byte): not an ftrace text file");
	while (s < end && is_space(*s))
		s++;
	if (s == end || *s == '#')
		return FTRACE_LINE_HEADER;
	memset(ev, 0, sizeof(*ev));
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
		while (q < end && is_space(*q))
			q++;
		const char *t = q;
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
	while (q < end && (is_digit(*q) || (unsigned)((*q | 0x20) - 'a') < 26 || *q == '_'))
		q++;
	if (q == n0 || q >= end || *q != ':')
		return line_error(perr, line, q, "no event name");
	const char *payload = q + 1;
	while (payload < end && is_space(*payload))
		payload++;
	ev->id = (uint16_t)ftrace_event_lookup(n0, (size_t)(q - n0));
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

/* One line: 0 on, -1 stop (err filled). */
static int text_line(struct text_read *tr, const char *line, size_t len, struct sim_error *err)
{
	struct ftrace_read_stats *st = tr->st;
	struct ftrace_parse_error pe;
	const char *name = NULL;
	size_t name_len = 0;
	st->nr_lines++;
	switch (ftrace_parse_line_cached(&tr->gc, line, len, &tr->ev, &name, &name_len, &pe)) {
	case FTRACE_LINE_EVENT:
		st->nr_events++;
		tr->ev.line = st->nr_lines;
		return tr->sink(tr->arg, &tr->ev, err);
	case FTRACE_LINE_UNKNOWN:
		st->nr_unknown++;
		note_unknown(st, name, name_len);
		return 0;
	case FTRACE_LINE_HEADER:
		st->nr_header++;
		return 0;
	case FTRACE_LINE_LOST:
		st->nr_lost_markers++;
		st->nr_lost_events = tr->ev.nr[0] > UINT64_MAX - st->nr_lost_events
					     ? UINT64_MAX : st->nr_lost_events + tr->ev.nr[0];
		return 0;
	case FTRACE_LINE_ERROR:
		break;
	}
	if (!st->nr_errors++)
		st->first_error_line = st->nr_lines;
	if (st->nr_error_notes < ARRAY_SIZE(st->error_note)) {
		unsigned k = st->nr_error_notes++;
		st->error_note[k].line = st->nr_lines;
		st->error_note[k].col = pe.col;
		memcpy(st->error_note[k].reason, pe.reason, sizeof(pe.reason));
	}
	if (!tr->opts->lenient)
		return sim_error_set(err, EX_DATAERR_, "%s:%llu:%zu: %s", tr->path,
				     (unsigned long long)st->nr_lines, pe.col, pe.reason);
	if (tr->opts->max_errors && st->nr_errors > tr->opts->max_errors)
		return sim_error_set(err, EX_DATAERR_, "%s:%llu:%zu: %s (more than %llu malformed lines)",
				     tr->path, (unsigned long long)st->nr_lines, pe.col, pe.reason,
				     (unsigned long long)tr->opts->max_errors);
	return 0;
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
	struct text_read tr = { .path = path, .opts = opts ? opts : &dflt, .sink = sink, .arg = arg,
				.st = st };
	char *buf = NULL;
	int rc = -1;
	memset(st, 0, sizeof(*st));
	int fd = strcmp(path, "-") ? sim_open_input(path, err) : dup(0);
	if (fd < 0)
		return strcmp(path, "-") ? -1 : sim_error_set(err, EX_NOINPUT_, "-: %s", strerror(errno));
	struct gzpipe *gz = gzpipe_open(fd);
	if (!gz)
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	buf = malloc(READ_BUF);
	if (!buf) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		goto err;
	}
	/* Lines are parsed where gzpipe hands them out; only a line split between two of its
	 * stretches is put together in buf (have bytes so far). */
	size_t have = 0;
	for (;;) {
		const unsigned char *c;
		long n = gzpipe_next(gz, &c);
		if (n < 0) {
			int zerr;
			const char *m = gzpipe_error(gz, &zerr);
			sim_error_set(err, zerr == Z_ERRNO ? EX_IOERR_ : EX_DATAERR_,
				      "%s: after line %llu: %s", path,
				      (unsigned long long)st->nr_lines,
				      zerr == Z_ERRNO ? strerror(errno) : gz_reason(m));
			goto err;
		}
		st->bytes += (uint64_t)n;
		/* at the end gzpipe may hand out no stretch at all (c NULL, n 0) */
		const char *p = n ? (const char *)c : "", *e = p + n;
		const char *nl = n ? memchr(p, '\n', (size_t)(e - p)) : NULL;
		if (have) {
			size_t take = (size_t)((nl ? nl : e) - p);
			if (have + take >= READ_BUF)
				goto too_long;
			memcpy(buf + have, p, take);
			have += take;
			p += take;
			if (nl) {
				if (text_line(&tr, buf, have, err))
					goto err;
				have = 0;
				p = nl + 1;
				nl = memchr(p, '\n', (size_t)(e - p));
			}
		}
		while (nl) {
			if (text_line(&tr, p, (size_t)(nl - p), err))
				goto err;
			p = nl + 1;
			nl = memchr(p, '\n', (size_t)(e - p));
		}
		if (n == 0) {
			if (have && text_line(&tr, buf, have, err)) /* last line without newline */
				goto err;
			break;
		}
		if (p < e) {
			if (have + (size_t)(e - p) >= READ_BUF)
				goto too_long;
			memcpy(buf + have, p, (size_t)(e - p));
			have += (size_t)(e - p);
		}
	}
	int zerr = Z_OK;
	const char *m = gzpipe_error(gz, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END) {
		sim_error_set(err, EX_DATAERR_, "%s: after line %llu: truncated or corrupt gzip: %s",
			      path, (unsigned long long)st->nr_lines, gz_reason(m));
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
	goto err;
too_long:
	sim_error_set(err, EX_DATAERR_, "%s:%llu: line longer than %u bytes: not an ftrace text file", path,
		      (unsigned long long)st->nr_lines + 1, READ_BUF);
err:
	free(buf);
	gzpipe_close(gz);
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
