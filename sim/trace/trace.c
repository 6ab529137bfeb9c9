/* trace.c — what both encodings share: names, header meta, the per-kind field rules,
 * the text form of one record, and the reader/writer life cycle that dispatches to
 * trace_bin.c or trace_text.c.  The encodings themselves are specified in FORMAT.md. */
#include "trace.h"

#include "trace_int.h"
#include "../kernel/gfp.h"
#include "../kernel/mmtypes.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const trace_kind_names[NR_TRACE_KINDS] = {
	[TR_ALLOC] = "alloc",
	[TR_FREE] = "free",
	[TR_ACCESS] = "access",
	[TR_DIRTY] = "dirty",
	[TR_PIN] = "pin",
	[TR_UNPIN] = "unpin",
	[TR_HINT] = "hint",
	[TR_CMA_ALLOC] = "cma_alloc",
	[TR_CMA_RELEASE] = "cma_release",
	[TR_COMPACT] = "compact",
	[TR_SNAPSHOT] = "snapshot",
	[TR_TASK] = "task",
	[TR_CPU] = "cpu",
};
_Static_assert(ARRAY_SIZE(trace_kind_names) == NR_TRACE_KINDS, "trace_kind_names");
/* The binary kind byte keeps the kind in 4 bits, with 15 reserved for the end marker. */
_Static_assert(NR_TRACE_KINDS <= TRB_END, "kinds fit the kind nibble");

const char *const trace_pin_names[NR_PIN_KINDS] = {
	[PIN_LONGTERM] = "longterm",
	[PIN_SHORT] = "short",
	[PIN_OWNER] = "owner",
};
_Static_assert(ARRAY_SIZE(trace_pin_names) == NR_PIN_KINDS, "trace_pin_names");

const char *const trace_hint_names[NR_HINT_KINDS] = {
	[HINT_NOREUSE] = "noreuse",
	[HINT_VOLATILE] = "volatile",
	[HINT_DONTNEED] = "dontneed",
	[HINT_INVALIDATE] = "invalidate",
	[HINT_MOVABLE_OPS] = "movable_ops",
	[HINT_MLOCK] = "mlock",
	[HINT_SYNC] = "sync",
	[HINT_REFAULT] = "refault",
	[HINT_PAGECACHE] = "pagecache",
	[HINT_THP_PART] = "thp_part",
	[HINT_HIGHATOMIC] = "highatomic",
};
_Static_assert(ARRAY_SIZE(trace_hint_names) == NR_HINT_KINDS, "trace_hint_names");

const uint8_t trace_kind_fields[NR_TRACE_KINDS] = {
	[TR_ALLOC] = TRF_TASK | TRF_ID | TRF_ORDER | TRF_GFP,
	[TR_FREE] = TRF_TASK | TRF_ID,
	[TR_ACCESS] = TRF_TASK | TRF_ID,
	[TR_DIRTY] = TRF_TASK | TRF_ID | TRF_ARG,
	[TR_PIN] = TRF_TASK | TRF_ID | TRF_ARG,
	[TR_UNPIN] = TRF_TASK | TRF_ID,
	[TR_HINT] = TRF_TASK | TRF_ID | TRF_ARG,
	[TR_CMA_ALLOC] = TRF_TASK | TRF_ID | TRF_COUNT | TRF_ARG,
	[TR_CMA_RELEASE] = TRF_TASK | TRF_ID,
	[TR_COMPACT] = TRF_TASK | TRF_ORDER | TRF_ARG,
	[TR_SNAPSHOT] = TRF_ARG,
	[TR_TASK] = TRF_TASK | TRF_ARG,
	[TR_CPU] = TRF_TASK | TRF_ARG,
};

/* Version 1 fixed the first eleven kinds; version 2 added TASK, version 3 CPU. */
unsigned trace_kind_since(enum trace_kind kind)
{
	return kind == TR_CPU ? 3 : kind == TR_TASK ? 2 : 1;
}

/* Version 5 added the hint kind highatomic. */
unsigned trace_hint_since(int hint_kind)
{
	return hint_kind == HINT_HIGHATOMIC ? 5 : 1;
}

unsigned trace_record_since(const struct trace_record *rec)
{
	if (rec->kind == TR_HINT)
		return trace_hint_since(rec->arg);
	return rec->kind == TR_DIRTY && rec->arg ? 4 : trace_kind_since((enum trace_kind)rec->kind);
}

/* ---- header meta ---------------------------------------------------------------- */

/* Keys are identifiers with dots ("observed.compact_stall") so that the text header
 * line "# key: value" splits unambiguously at the first ':'. */
bool trace_meta_key_ok(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n >= sizeof(((struct trace_meta *)0)->key))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Printable ASCII without leading or trailing blanks, so that a value survives the text
 * header (which trims blanks) byte for byte. */
bool trace_meta_value_ok(const char *value)
{
	size_t n = strlen(value);
	if (n >= sizeof(((struct trace_meta *)0)->value))
		return false;
	if (n && (value[0] == ' ' || value[n - 1] == ' '))
		return false;
	for (size_t i = 0; i < n; i++)
		if (value[i] < 0x20 || value[i] > 0x7e)
			return false;
	return true;
}

int trace_header_add(struct trace_header *h, const char *key, size_t key_len,
		     const char *value, size_t value_len, char *why, size_t why_len)
{
	struct trace_meta m;
	if (key_len >= sizeof(m.key) || value_len >= sizeof(m.value)) {
		snprintf(why, why_len, "header key or value too long");
		return -1;
	}
	memcpy(m.key, key, key_len);
	m.key[key_len] = 0;
	memcpy(m.value, value, value_len);
	m.value[value_len] = 0;
	if (strlen(m.key) != key_len || !trace_meta_key_ok(m.key)) {
		snprintf(why, why_len, "bad header key (letters, digits, '_', '.', '-')");
		return -1;
	}
	if (strlen(m.value) != value_len || !trace_meta_value_ok(m.value)) {
		snprintf(why, why_len, "bad header value for '%s' (printable ASCII only)", m.key);
		return -1;
	}
	if (trace_meta_get(h, m.key)) {
		snprintf(why, why_len, "duplicate header key '%s'", m.key);
		return -1;
	}
	if (h->nr_meta >= TRACE_MAX_META) {
		snprintf(why, why_len, "more than %d header keys", TRACE_MAX_META);
		return -1;
	}
	h->meta[h->nr_meta++] = m;
	return 0;
}

int trace_meta_set(struct trace_header *h, const char *key, const char *fmt, ...)
{
	char value[sizeof(((struct trace_meta *)0)->value)];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(value) || !trace_meta_key_ok(key) ||
	    !trace_meta_value_ok(value))
		return -1;
	for (uint32_t i = 0; i < h->nr_meta; i++) {
		if (!strcmp(h->meta[i].key, key)) {
			strcpy(h->meta[i].value, value);
			return 0;
		}
	}
	if (h->nr_meta >= TRACE_MAX_META)
		return -1;
	snprintf(h->meta[h->nr_meta].key, sizeof(h->meta[0].key), "%s", key);
	strcpy(h->meta[h->nr_meta].value, value);
	h->nr_meta++;
	return 0;
}

const char *trace_meta_get(const struct trace_header *h, const char *key)
{
	for (uint32_t i = 0; i < h->nr_meta; i++)
		if (!strcmp(h->meta[i].key, key))
			return h->meta[i].value;
	return NULL;
}

/* ---- records -------------------------------------------------------------------- */

int trace_record_check(const struct trace_record *rec, struct sim_error *err)
{
	if (rec->kind >= NR_TRACE_KINDS)
		return sim_error_set(err, EX_DATAERR_, "unknown record kind %u", rec->kind);
	const char *kn = trace_kind_names[rec->kind];
	unsigned used = trace_kind_fields[rec->kind];
	if (!(used & TRF_TASK) && rec->task)
		return sim_error_set(err, EX_DATAERR_, "%s has no task", kn);
	if (!(used & TRF_ID) && rec->id)
		return sim_error_set(err, EX_DATAERR_, "%s has no id", kn);
	if (!(used & TRF_ORDER) && rec->order)
		return sim_error_set(err, EX_DATAERR_, "%s has no order", kn);
	if (!(used & TRF_GFP) && rec->gfp)
		return sim_error_set(err, EX_DATAERR_, "%s has no gfp", kn);
	if (!(used & TRF_COUNT) && rec->count)
		return sim_error_set(err, EX_DATAERR_, "%s has no count", kn);
	if (!(used & TRF_ARG) && rec->arg)
		return sim_error_set(err, EX_DATAERR_, "%s has no argument", kn);

	switch (rec->kind) {
	case TR_ALLOC:
		/* The kernel refuses order > MAX_PAGE_ORDER outright (WARN, NULL). */
		if (rec->order > MAX_PAGE_ORDER)
			return sim_error_set(err, EX_DATAERR_, "alloc order %u > %d", rec->order,
					     MAX_PAGE_ORDER);
		break;
	case TR_DIRTY:
		if (rec->arg < 0 || rec->arg > TRACE_DIRTY_AGE_MAX_MS)
			return sim_error_set(err, EX_DATAERR_, "dirty age %d ms not in 0..%d", rec->arg,
					     TRACE_DIRTY_AGE_MAX_MS);
		break;
	case TR_PIN:
		if (rec->arg < 0 || rec->arg >= NR_PIN_KINDS)
			return sim_error_set(err, EX_DATAERR_, "pin kind %d unknown", rec->arg);
		break;
	case TR_HINT:
		if (rec->arg < 0 || rec->arg >= NR_HINT_KINDS)
			return sim_error_set(err, EX_DATAERR_, "hint kind %d unknown", rec->arg);
		break;
	case TR_CMA_ALLOC:
		/* cma_alloc() returns NULL at once for count 0: no intent to replay. */
		if (rec->count == 0)
			return sim_error_set(err, EX_DATAERR_, "cma_alloc count 0");
		if (rec->arg < 0 || rec->arg > 31)
			return sim_error_set(err, EX_DATAERR_, "cma_alloc align %d not in 0..31",
					     rec->arg);
		break;
	case TR_COMPACT:
		if (rec->arg < -1 || rec->arg >= MAX_NR_ZONES)
			return sim_error_set(err, EX_DATAERR_, "compact zone %d not in -1..%d",
					     rec->arg, MAX_NR_ZONES - 1);
		if (rec->order > MAX_PAGE_ORDER && rec->order != TRACE_COMPACT_WHOLE_ZONE)
			return sim_error_set(err, EX_DATAERR_, "compact order %u not 0..%d or whole",
					     rec->order, MAX_PAGE_ORDER);
		break;
	case TR_TASK:
		/* after = 0 means "no predecessor", so task 0 could never be one: a chain
		 * names real tasks only. */
		if (rec->task == 0)
			return sim_error_set(err, EX_DATAERR_, "task record of task 0 (0 is no task)");
		if (trace_task_after(rec) == rec->task)
			return sim_error_set(err, EX_DATAERR_, "task %" PRIu32 " after itself", rec->task);
		break;
	case TR_CPU:
		if (rec->arg < 0 || rec->arg > TRACE_CPU_MAX)
			return sim_error_set(err, EX_DATAERR_, "cpu %" PRId32 " not in 0..%d", rec->arg,
					     TRACE_CPU_MAX);
		break;
	default:
		break;
	}
	return 0;
}

int trace_record_format(const struct trace_record *rec, char *buf, size_t len)
{
	char tmp[TRACE_TEXT_LINE_MAX];
	int n = 0;
#define PUT(...) (n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, __VA_ARGS__))
	PUT("%" PRIu64 " %s", rec->time_ns,
	    rec->kind < NR_TRACE_KINDS ? trace_kind_names[rec->kind] : "?");
	unsigned used = rec->kind < NR_TRACE_KINDS ? trace_kind_fields[rec->kind] : 0;
	if (used & TRF_ID)
		PUT(" id=%" PRIu64, rec->id);
	switch (rec->kind) {
	case TR_ALLOC: {
		/* The kernel's own spelling (GFP_KERNEL|__GFP_COMP), as in mm_page_alloc events. */
		char gfp[512];
		gfp_format(rec->gfp, gfp, sizeof(gfp));
		PUT(" order=%u gfp=%s", rec->order, gfp);
		break;
	}
	case TR_PIN:
		PUT(" kind=%s", rec->arg >= 0 && rec->arg < NR_PIN_KINDS ? trace_pin_names[rec->arg] : "?");
		break;
	case TR_HINT:
		PUT(" kind=%s", rec->arg >= 0 && rec->arg < NR_HINT_KINDS ? trace_hint_names[rec->arg] : "?");
		break;
	case TR_CMA_ALLOC:
		PUT(" count=%" PRIu32 " align=%" PRId32, rec->count, rec->arg);
		break;
	case TR_COMPACT:
		if (rec->order == TRACE_COMPACT_WHOLE_ZONE)
			PUT(" zone=%" PRId32 " order=whole", rec->arg);
		else
			PUT(" zone=%" PRId32 " order=%u", rec->arg, rec->order);
		break;
	case TR_SNAPSHOT:
		PUT(" tag=%" PRId32, rec->arg);
		break;
	case TR_TASK:
		PUT(" after=%" PRIu32, trace_task_after(rec));
		break;
	case TR_CPU:
		PUT(" cpu=%" PRId32, rec->arg);
		break;
	case TR_DIRTY:
		if (rec->arg)
			PUT(" age=%" PRId32, rec->arg);
		break;
	default:
		break;
	}
	if ((used & TRF_TASK) && rec->task)
		PUT(" task=%" PRIu32, rec->task);
#undef PUT
	if (len)
		snprintf(buf, len, "%s", tmp);
	return n;
}

/* ---- reader --------------------------------------------------------------------- */

int trace_reader_fail(struct trace_reader *r, struct sim_error *err, int code,
		      const char *fmt, ...)
{
	char msg[sizeof(r->saved.msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_error_set(&r->saved, code, "%s: %s", r->name, msg);
	r->failed = true;
	if (err)
		*err = r->saved;
	return -1;
}

/* More input into zs.next_in/avail_in (keeping KEEP unconsumed bytes in front); 0 with
 * in_eof set at end of file. */
static int in_more(struct trace_reader *r, struct sim_error *err)
{
	size_t keep = r->zs.avail_in;
	if (keep)
		memmove(r->in, r->zs.next_in, keep);
	r->zs.next_in = r->in;
	for (;;) {
		ssize_t n = read(r->fd, r->in + keep, TRACE_IN_SIZE - keep);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return trace_reader_fail(r, err, EX_IOERR_, "read error at byte offset %" PRIu64 ": %s",
						 r->in_off, strerror(errno));
		if (n == 0)
			r->in_eof = true;
		r->in_off += (uint64_t)n;
		r->zs.avail_in = (uInt)(keep + (size_t)n);
		return 0;
	}
}

/* At a gzip member: 1 when it is a member of a blocked trace (r->blk filled), 0 when it
 * is an ordinary one (or cut short in its header: the stream inflater reports that), -1
 * on a malformed block index. */
static int look_block(struct trace_reader *r, struct sim_error *err)
{
	char why[128];
	for (;;) {
		size_t need = 0;
		int rc = trace_block_parse(r->zs.next_in, r->zs.avail_in, &r->blk, &need, why, sizeof(why));
		if (rc == -2 && !r->in_eof) {
			if (in_more(r, err) < 0)
				return -1;
			continue;
		}
		if (rc == -1)
			return trace_reader_fail(r, err, EX_DATAERR_,
						 "record %" PRIu64 ": gzip member at byte offset %" PRIu64 ": %s",
						 r->nr_records + 1, r->in_off - r->zs.avail_in, why);
		return rc == 1;
	}
}

/* One block inflated (rc 0) or not (rc -1, crc and why from trace_block_inflate): the index
 * noted, the error reported, or its bytes handed out.  data: where they are when not yet
 * at out (inflated into out when in_place). */
static long block_finish(struct trace_reader *r, const struct trace_block *b, uint64_t off, int rc, bool crc,
			 const char *why, const unsigned char *data, bool in_place, unsigned char *out,
			 size_t cap, struct sim_error *err)
{
	/* Reported at the end of the trace (trace_bin.c read_end): the records themselves say
	 * more about a damaged file, e.g. one trace appended to another. */
	if (b->first != r->index_next && r->index_bad_off == UINT64_MAX) {
		r->index_bad_off = off;
		r->index_bad_first = b->first;
		r->index_bad_want = r->index_next;
	}
	if (rc < 0) {
		if (crc)
			return trace_reader_fail(r, err, EX_DATAERR_,
						 "record %" PRIu64 ": %s at byte offset %" PRIu64
						 " (the gzip block of records %" PRIu64 "..%" PRIu64 ")",
						 r->nr_records + 1, why, off + b->bsize - (strstr(why, "CRC") ? 8u : 4u),
						 b->first + 1, b->first + b->nr);
		return trace_reader_fail(r, err, EX_DATAERR_,
					 "corrupt gzip stream at record %" PRIu64 " (gzip block at byte offset %" PRIu64
					 "): %s",
					 r->nr_records + 1, off, why);
	}
	r->index_next += b->nr;
	r->nr_blocks++;
	r->member_seen = true;
	r->in_mode = TRACE_IN_LOOK;
	if (in_place)
		return (long)b->usize;
	if (b->usize <= cap) {
		memcpy(out, data, b->usize);
		return (long)b->usize;
	}
	if (data != r->blk_buf) {
		if (!r->blk_buf && !(r->blk_buf = malloc(TRACE_BLOCK_MAX)))
			return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
		memcpy(r->blk_buf, data, b->usize);
	}
	r->blk_pos = 0;
	r->blk_len = b->usize;
	r->in_mode = TRACE_IN_DRAIN;
	return 0;
}

/* Queue the whole blocked members that follow in the input for the inflate threads, until
 * the queue is full or something else comes (left to TRACE_IN_LOOK, in its turn). */
static int block_prefetch(struct trace_reader *r, struct sim_error *err)
{
	while (!trace_zpool_full(r->zpool)) {
		struct trace_block b;
		size_t need;
		char why[128];
		int rc;
		while ((rc = trace_block_parse(r->zs.next_in, r->zs.avail_in, &b, &need, why, sizeof(why))) == -2 &&
		       !r->in_eof)
			if (in_more(r, err) < 0)
				return -1;
		if (rc != 1)
			return 0;
		while (r->zs.avail_in < b.bsize && !r->in_eof)
			if (in_more(r, err) < 0)
				return -1;
		if (r->zs.avail_in < b.bsize)
			return 0;
		if (trace_zpool_push(r->zpool, r->zs.next_in, &b, r->in_off - r->zs.avail_in) < 0)
			return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
		r->zs.next_in += b.bsize;
		r->zs.avail_in -= b.bsize;
		r->nr_members++;
	}
	return 0;
}

/* The oldest queued member, inflated by a worker (or now, by this thread). */
static long block_pool_take(struct trace_reader *r, unsigned char *out, size_t cap, struct sim_error *err)
{
	if (block_prefetch(r, err) < 0)
		return -1;
	struct trace_zblock zb;
	trace_zpool_take(r->zpool, &zb);
	long n = block_finish(r, &zb.b, zb.off, zb.rc, zb.crc, zb.why, zb.data, false, out, cap, err);
	trace_zpool_release(r->zpool);
	return n;
}

/* The member at next_in (TRACE_IN_BLOCK), inflated whole: into out when it fits, else
 * into blk_buf to be drained; with inflate threads, queued with the members after it.
 * Returns the bytes put at out (0 for an empty block, a block to drain, or a member cut
 * short, gz_cut set), -1 on error. */
static long block_take(struct trace_reader *r, unsigned char *out, size_t cap, struct sim_error *err)
{
	const struct trace_block *b = &r->blk;
	while (r->zs.avail_in < b->bsize && !r->in_eof)
		if (in_more(r, err) < 0)
			return -1;
	uint64_t off = r->in_off - r->zs.avail_in;
	if (r->zs.avail_in < b->bsize) {
		r->gz_cut = true;
		r->zs.next_in += r->zs.avail_in;
		r->zs.avail_in = 0;
		r->in_mode = TRACE_IN_LOOK;
		return 0;
	}
	if (r->zpool) {
		/* counted as a member by TRACE_IN_LOOK already; block_prefetch counts the rest */
		r->nr_members--;
		if (block_prefetch(r, err) < 0)
			return -1;
		return block_pool_take(r, out, cap, err);
	}
	if (!r->inf && !(r->inf = trace_inflater_new()))
		return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
	bool in_place = b->usize <= cap;
	if (!in_place && !r->blk_buf && !(r->blk_buf = malloc(TRACE_BLOCK_MAX)))
		return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
	char why[128];
	bool crc;
	int rc = trace_block_inflate(r->inf, r->zs.next_in, b, in_place ? out : r->blk_buf, &crc, why, sizeof(why));
	r->zs.next_in += b->bsize;
	r->zs.avail_in -= b->bsize;
	return block_finish(r, b, off, rc, crc, why, r->blk_buf, in_place, out, cap, err);
}

/* Up to CAP decoded bytes into OUT: the number, 0 at the end of the input, -1 on error.
 * A file is gzip when it starts with the magic 1f 8b and plain bytes otherwise.  As
 * gzip(1) does, a member may be followed by another (RFC 1952 2.2); unlike gzread(),
 * anything else after a member is an error. */
static long in_decode(struct trace_reader *r, unsigned char *out, size_t cap, struct sim_error *err)
{
	for (;;) {
		uint64_t off = r->in_off - r->zs.avail_in;
		switch (r->in_mode) {
		case TRACE_IN_LOOK:
			if (r->zpool && trace_zpool_pending(r->zpool)) {
				long n = block_pool_take(r, out, cap, err);
				if (n != 0)
					return n;
				continue;
			}
			while (r->zs.avail_in < 2 && !r->in_eof)
				if (in_more(r, err) < 0)
					return -1;
			if (r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1f && r->zs.next_in[1] == 0x8b) {
				r->nr_members++;
				int blocked = look_block(r, err);
				if (blocked < 0)
					return -1;
				if (blocked) {
					r->in_mode = TRACE_IN_BLOCK;
					continue;
				}
				int zrc = r->zs_init ? inflateReset(&r->zs)
						     : inflateInit2(&r->zs, 16 + MAX_WBITS);
				if (zrc != Z_OK)
					return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
				r->zs_init = true;
				r->in_mode = TRACE_IN_GZIP;
				continue;
			}
			if (!r->member_seen) {
				r->in_mode = TRACE_IN_PLAIN;
				continue;
			}
			if (!r->zs.avail_in)
				return 0;
			return trace_reader_fail(r, err, EX_DATAERR_,
						 "junk after the gzip data at byte offset %" PRIu64, off);
		case TRACE_IN_PLAIN:
			if (!r->zs.avail_in) {
				if (r->in_eof)
					return 0;
				if (in_more(r, err) < 0)
					return -1;
				continue;
			}
			{
				size_t n = r->zs.avail_in < cap ? r->zs.avail_in : cap;
				memcpy(out, r->zs.next_in, n);
				r->zs.next_in += n;
				r->zs.avail_in -= (uInt)n;
				return (long)n;
			}
		case TRACE_IN_BLOCK: {
			long n = block_take(r, out, cap, err);
			if (n != 0)
				return n;
			continue;
		}
		case TRACE_IN_DRAIN: {
			size_t n = r->blk_len - r->blk_pos < cap ? r->blk_len - r->blk_pos : cap;
			memcpy(out, r->blk_buf + r->blk_pos, n);
			r->blk_pos += n;
			if (r->blk_pos == r->blk_len)
				r->in_mode = TRACE_IN_LOOK;
			return (long)n;
		}
		case TRACE_IN_GZIP:
			break;
		}
		if (!r->zs.avail_in && !r->in_eof && in_more(r, err) < 0)
			return -1;
		if (!r->zs.avail_in && r->in_eof) {
			/* cut short: no trailer, CRC unchecked; the codecs report it */
			r->gz_cut = true;
			return 0;
		}
		r->zs.next_out = out;
		r->zs.avail_out = (uInt)cap;
		int zrc = inflate(&r->zs, Z_NO_FLUSH);
		size_t got = cap - r->zs.avail_out;
		if (zrc == Z_STREAM_END) {
			r->member_seen = true;
			r->in_mode = TRACE_IN_LOOK;
		} else if (zrc == Z_DATA_ERROR && r->zs.msg &&
			   (!strcmp(r->zs.msg, "incorrect data check") ||
			    !strcmp(r->zs.msg, "incorrect length check"))) {
			/* zlib checks the trailer once every byte was decoded: the failing 4-byte
			 * field (CRC-32 or ISIZE) is the last input consumed */
			return trace_reader_fail(r, err, EX_DATAERR_,
						 "at end of file: gzip %s mismatch at byte offset %" PRIu64,
						 r->zs.msg[10] == 'd' ? "CRC" : "length",
						 r->in_off - r->zs.avail_in - 4);
		} else if (zrc == Z_MEM_ERROR) {
			return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
		} else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			return trace_reader_fail(r, err, EX_DATAERR_,
						 "corrupt gzip stream at record %" PRIu64 " (byte offset %" PRIu64 "): %s",
						 r->nr_records + 1, r->in_off - r->zs.avail_in,
						 r->zs.msg ? r->zs.msg : "inflate failed");
		}
		if (got)
			return (long)got;
	}
}

int trace_fill(struct trace_reader *r, size_t need, struct sim_error *err)
{
	if (r->len - r->pos >= need || r->eof)
		return 0;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < need && !r->eof) {
		long n = in_decode(r, r->buf + r->len, TRACE_BUF_SIZE - r->len, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
	return 0;
}

/* MMSIM_TRACE_THREADS: 0 reads on the caller's thread; 1 (the default) a regular file on a
 * reader thread; N > 1 adds N - 1 threads that inflate the members of a blocked trace ahead
 * of the reader thread.  The records are the same whichever is chosen.  Writers deflate on
 * a thread of their own unless it is 0, to the same bytes. */
static unsigned reader_threads(void)
{
	const char *s = getenv("MMSIM_TRACE_THREADS");
	if (!s || !*s)
		return 1;
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (*end || n > 16)
		return 1;
	return (unsigned)n;
}

struct trace_reader *trace_open_fd(int fd, const char *name, struct sim_error *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", name);
		return NULL;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->fd = fd;
	r->index_bad_off = UINT64_MAX;
	r->buf = malloc(TRACE_BUF_SIZE);
	r->in = malloc(TRACE_IN_SIZE);
	if (!r->buf || !r->in) {
		sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", name);
		goto err;
	}
	r->hdr.version = TRACE_VERSION;
	if (trace_fill(r, TRB_HEADER_FIXED, err) < 0)
		goto err;
	const unsigned char *p = r->buf;
	size_t avail = r->len;
	static const char magic[] = TRACE_MAGIC;
	if (avail >= 8 && !memcmp(p, magic, 8)) {
		r->enc = TRACE_BINARY_GZ;
		if (trace_bin_open(r, err) < 0)
			goto err;
	} else if (avail >= 1 && p[0] == '#') {
		r->enc = TRACE_TEXT;
		if (trace_text_open(r, err) < 0)
			goto err;
	} else if (avail > 0 && avail < 8 && !memcmp(p, magic, avail)) {
		trace_reader_fail(r, err, EX_DATAERR_, "truncated in the header");
		goto err;
	} else if (r->gz_cut) {
		trace_reader_fail(r, err, EX_DATAERR_, "truncated in the header (gzip stream cut short)");
		goto err;
	} else {
		trace_reader_fail(r, err, EX_DATAERR_, "not an mmsim trace%s",
				  avail ? "" : " (empty)");
		goto err;
	}
	/* Only a regular file: a pipe's writer may stall, and trace_close must not wait for it. */
	struct stat sb;
	unsigned threads = reader_threads();
	if (threads && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && trace_pipe_start(r, threads - 1, err) < 0)
		goto err;
	return r;
err:
	trace_close(r);
	return NULL;
}

struct trace_reader *trace_open(const char *path, struct sim_error *err)
{
	if (!strcmp(path, "-")) {
		int fd = dup(0);
		if (fd < 0) {
			sim_error_set(err, EX_NOINPUT_, "<stdin>: %s", strerror(errno));
			return NULL;
		}
		return trace_open_fd(fd, "<stdin>", err);
	}
	int fd = sim_open_input(path, err);
	if (fd < 0)
		return NULL;
	return trace_open_fd(fd, path, err);
}

const struct trace_header *trace_reader_header(const struct trace_reader *r)
{
	return &r->hdr;
}

enum trace_encoding trace_reader_encoding(const struct trace_reader *r)
{
	return r->enc;
}

int trace_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	if (r->pipe)
		return trace_pipe_read(r, rec, err);
	return trace_read_direct(r, rec, err);
}

static int read_direct_next(void *ctx, struct trace_record *rec, struct sim_error *err)
{
	return trace_read_direct(ctx, rec, err);
}

int trace_read_run(struct trace_reader *r, const struct trace_record **v, size_t *n, struct sim_error *err)
{
	if (r->pipe)
		return trace_pipe_read_run(r, v, n, err);
	if (!r->run.run) {
		if (!(r->run.run = malloc(TRACE_RUN_MAX * sizeof(*r->run.run))))
			return trace_reader_fail(r, err, EX_SOFTWARE_, "out of memory");
		r->run.cap = TRACE_RUN_MAX;
		r->run.rc = 1;
	}
	/* decoded straight into the run (read_direct_next, inline); the reader repeats its
	 * end and its error (r->done, r->failed) as the run's kept answer does */
	return trace_run_fill(&r->run, read_direct_next, r, v, n, err);
}

int trace_read_direct(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	if (r->failed) {
		if (err)
			*err = r->saved;
		return -1;
	}
	if (r->done)
		return 0;
	if (r->enc == TRACE_BINARY_GZ)
		return trace_bin_read(r, rec, err);
	return trace_text_read(r, rec, err);
}

uint64_t trace_reader_records(const struct trace_reader *r)
{
	return r->pipe ? trace_pipe_records(r) : r->nr_records;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->pipe)
		trace_pipe_stop(r);
	trace_zpool_free(r->zpool);
	trace_inflater_free(r->inf);
	free(r->blk_buf);
	free(r->run.run);
	if (r->zs_init)
		inflateEnd(&r->zs);
	if (r->fd >= 0)
		close(r->fd);
	free(r->in);
	free(r->buf);
	free(r);
}

/* ---- writer --------------------------------------------------------------------- */

enum trace_encoding trace_encoding_for(const char *path)
{
	size_t n = strlen(path);
	if (n >= 4 && !strcmp(path + n - 4, ".txt"))
		return TRACE_TEXT;
	if (n >= 7 && !strcmp(path + n - 7, ".txt.gz"))
		return TRACE_TEXT_GZ;
	return TRACE_BINARY_GZ;
}

int trace_writer_out(struct trace_writer *w, const unsigned char *p, size_t n, struct sim_error *err)
{
	if (fwrite(p, 1, n, w->af.fp) != n)
		return sim_error_set(err, EX_IOERR_, "%s: write failed: %s", w->af.path, strerror(errno));
	return 0;
}

int trace_writer_block(struct trace_writer *w, const unsigned char *buf, size_t len, uint64_t first,
		       uint32_t nr, struct sim_error *err)
{
	const unsigned char *p = buf;
	size_t n = len;
	if (w->dz) {
		n = trace_block_deflate(w->dz, buf, len, first, nr, w->zbuf, trace_block_bound(TRACE_BLOCK_SIZE));
		if (!n)
			return sim_error_set(err, EX_SOFTWARE_, "%s: deflate failed", w->af.path);
		p = w->zbuf;
	}
	return trace_writer_out(w, p, n, err);
}

/* Write out buf[0, len) as one block: a gzip member (FORMAT.md §3.1) or, for plain text,
 * the bytes themselves; with the deflate thread, handed over to it. */
static int writer_emit(struct trace_writer *w, struct sim_error *err)
{
	if (!w->len)
		return 0;
	int rc = w->wpipe ? trace_wpipe_push(w, err)
			  : trace_writer_block(w, w->buf, w->len, w->block_first,
					       (uint32_t)(w->nr_records - w->block_first), err);
	if (rc < 0) {
		w->failed = true;
		return -1;
	}
	w->block_first = w->nr_records;
	w->len = 0;
	return 0;
}

int trace_writer_room(struct trace_writer *w, size_t room, struct sim_error *err)
{
	if (TRACE_BLOCK_SIZE - w->len < room)
		return writer_emit(w, err);
	return 0;
}

int trace_writer_put(struct trace_writer *w, const void *p, size_t n, struct sim_error *err)
{
	const unsigned char *q = p;
	while (n) {
		if (w->len == TRACE_BLOCK_SIZE && writer_emit(w, err) < 0)
			return -1;
		size_t k = TRACE_BLOCK_SIZE - w->len < n ? TRACE_BLOCK_SIZE - w->len : n;
		memcpy(w->buf + w->len, q, k);
		w->len += k;
		q += k;
		n -= k;
	}
	return 0;
}

struct trace_writer *trace_create(const char *path, enum trace_encoding enc,
				  const struct trace_header *h, struct sim_error *err)
{
	sim_assert(enc < NR_TRACE_ENCODINGS);
	if (h->nr_meta > TRACE_MAX_META) {
		sim_error_set(err, EX_SOFTWARE_, "%s: %u header keys, at most %d", path, h->nr_meta,
			      TRACE_MAX_META);
		return NULL;
	}
	for (uint32_t i = 0; i < h->nr_meta; i++) {
		if (!trace_meta_key_ok(h->meta[i].key) || !trace_meta_value_ok(h->meta[i].value)) {
			sim_error_set(err, EX_SOFTWARE_, "%s: bad header key or value #%u", path, i + 1);
			return NULL;
		}
	}
	struct trace_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
		return NULL;
	}
	w->enc = enc;
	/* The oldest version that has every kind the caller will write: readers of version 2
	 * keep reading what has no CPU record. */
	w->version = h->version > TRACE_VERSION && h->version <= TRACE_VERSION_MAX ? h->version : TRACE_VERSION;
	w->buf = malloc(TRACE_BLOCK_SIZE);
	if (enc != TRACE_TEXT) {
		w->dz = trace_deflater_new(TRACE_DEFLATE_LEVEL);
		w->zbuf = malloc(trace_block_bound(TRACE_BLOCK_SIZE));
	}
	if (!w->buf || (enc != TRACE_TEXT && (!w->dz || !w->zbuf))) {
		sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
		trace_deflater_free(w->dz);
		free(w->zbuf);
		free(w->buf);
		free(w);
		return NULL;
	}
	FILE *fp = atomic_open(&w->af, path, err);
	if (!fp) {
		trace_deflater_free(w->dz);
		free(w->zbuf);
		free(w->buf);
		free(w);
		return NULL;
	}
	/* Deflate on a thread of its own; without one (none to be had, MMSIM_TRACE_THREADS=0)
	 * here, to the same bytes. */
	if (w->dz && reader_threads())
		trace_wpipe_start(w);
	if ((enc == TRACE_BINARY_GZ ? trace_bin_begin(w, h, err) : trace_text_begin(w, h, err)) < 0)
		goto err;
	return w;
err:
	trace_abort(w);
	return NULL;
}

int trace_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err)
{
	if (w->failed)
		return sim_error_set(err, EX_SOFTWARE_, "%s: write after a failed write", w->af.path);
	struct sim_error why;
	if (trace_record_check(rec, &why) < 0) {
		w->failed = true;
		return sim_error_set(err, EX_DATAERR_, "%s: record %" PRIu64 ": %s", w->af.path,
				     w->nr_records + 1, why.msg);
	}
	if (trace_record_since(rec) > w->version) {
		w->failed = true;
		/* what is newer than the version: the kind, a dirty record's age, a hint's kind
		 * (trace_record_since; trace_record_check vetted the hint kind) */
		char what[48] = "";
		if (rec->kind == TR_DIRTY)
			snprintf(what, sizeof(what), " with an age");
		else if (rec->kind == TR_HINT)
			snprintf(what, sizeof(what), " of kind %s", trace_hint_names[rec->arg]);
		return sim_error_set(err, EX_SOFTWARE_, "%s: record %" PRIu64 ": %s record%s in a version %" PRIu32
				     " trace", w->af.path, w->nr_records + 1, trace_kind_names[rec->kind], what,
				     w->version);
	}
	if (rec->time_ns < w->last_time_ns) {
		w->failed = true;
		return sim_error_set(err, EX_DATAERR_,
				     "%s: record %" PRIu64 ": time %" PRIu64 " before previous %" PRIu64,
				     w->af.path, w->nr_records + 1, rec->time_ns, w->last_time_ns);
	}
	/* a block holds whole records: cut it before one that might not fit */
	if (trace_writer_room(w, w->enc == TRACE_BINARY_GZ ? TRB_MAX_RECORD : TRACE_TEXT_LINE_MAX + 1, err) < 0)
		return -1;
	int ret = w->enc == TRACE_BINARY_GZ ? trace_bin_write(w, rec, err) : trace_text_write(w, rec, err);
	if (ret < 0)
		return -1;
	w->last_time_ns = rec->time_ns;
	w->nr_records++;
	return 0;
}

int trace_commit(struct trace_writer *w, struct sim_error *err)
{
	if (w->failed) {
		sim_error_set(err, EX_SOFTWARE_, "%s: not committed after a failed write", w->af.path);
		goto err;
	}
	if (w->enc == TRACE_BINARY_GZ && trace_bin_finish(w, err) < 0)
		goto err;
	if (writer_emit(w, err) < 0)
		goto err;
	if (w->wpipe && trace_wpipe_finish(w, err) < 0)
		goto err;
	int ret = atomic_commit(&w->af, err);
	trace_deflater_free(w->dz);
	free(w->zbuf);
	free(w->buf);
	free(w);
	return ret;
err:
	trace_abort(w);
	return -1;
}

void trace_abort(struct trace_writer *w)
{
	if (!w)
		return;
	if (w->wpipe)
		trace_wpipe_finish(w, NULL);
	atomic_abort(&w->af);
	trace_deflater_free(w->dz);
	free(w->zbuf);
	free(w->buf);
	free(w);
}
