/* trace_bin.c — the binary record codec of *.mmt.gz (FORMAT.md §3).
 *
 * Replay speed is the point of this encoding (architecture.md §9: ≥ 20 M records/s, within 2× of
 * zcat), so a record is a kind byte and a few varints, deltas keep them one byte long
 * in the common case, and the decoder works on a 256 KiB window of inflated bytes with
 * no per-record calls into zlib. */
#include "trace_int.h"

#include "../kernel/mmtypes.h"

#include <endian.h>
#include <inttypes.h>
#include <string.h>

enum { VI_OK, VI_SHORT, VI_BAD };

/* LEB128, least significant group first; at most 10 bytes for 64 bits.
 * Varint lengths vary record to record (a free's id delta takes 1-3 bytes at random), so
 * a byte loop mispredicts; with 8 bytes in reach the length comes from the first clear
 * stop bit and the 7-bit groups are packed with three mask-and-shift steps, no branch on
 * the data.  Longer varints (over 56 bits) and the last bytes of input take the loop. */
static inline int get_uvarint(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;
	if (__builtin_expect(end - p >= 8, 1)) {
		uint64_t x;
		memcpy(&x, p, 8);
		x = le64toh(x);
		uint64_t stop = ~x & 0x8080808080808080ull;
		if (__builtin_expect(stop != 0, 1)) {
			unsigned nbits = (unsigned)__builtin_ctzll(stop) + 1; /* 8, 16, ... 64 */
			x &= nbits == 64 ? ~0ull : (1ull << nbits) - 1;
			x &= 0x7f7f7f7f7f7f7f7full;
			x = ((x & 0x7f007f007f007f00ull) >> 1) | (x & 0x007f007f007f007full);
			x = ((x & 0x3fff00003fff0000ull) >> 2) | (x & 0x00003fff00003fffull);
			x = ((x & 0x0fffffff00000000ull) >> 4) | (x & 0x000000000fffffffull);
			*v = x;
			*pp = p + nbits / 8;
			return VI_OK;
		}
	}
	uint64_t x = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (p == end)
			return VI_SHORT;
		uint64_t b = *p++;
		/* The tenth byte holds bit 63 only; more is an overflow. */
		if (shift == 63 && b > 1)
			return VI_BAD;
		x |= (b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			*pp = p;
			return VI_OK;
		}
	}
	return VI_BAD;
}

static inline unsigned char *put_uvarint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* Zigzag maps small signed deltas to small unsigned numbers: 0,-1,1,-2 → 0,1,2,3. */
static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned char *put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	return p + 4;
}

/* ---- reading -------------------------------------------------------------------- */

int trace_bin_open(struct trace_reader *r, struct sim_error *err)
{
	if (r->len - r->pos < TRB_HEADER_FIXED)
		return trace_reader_fail(r, err, EX_DATAERR_, "truncated in the header");
	const unsigned char *p = r->buf + r->pos;
	uint32_t version = get_le32(p + 8);
	if (version < TRACE_VERSION_MIN || version > TRACE_VERSION_MAX)
		return trace_reader_fail(r, err, EX_DATAERR_, "version %" PRIu32 ", this mmsim reads %d to %d",
					 version, TRACE_VERSION_MIN, TRACE_VERSION_MAX);
	uint32_t nr_meta = get_le32(p + 12);
	if (nr_meta > TRACE_MAX_META)
		return trace_reader_fail(r, err, EX_DATAERR_, "header has %" PRIu32 " keys, at most %d",
					 nr_meta, TRACE_MAX_META);
	r->hdr.version = version;
	r->pos += TRB_HEADER_FIXED;
	for (uint32_t i = 0; i < nr_meta; i++) {
		/* u8 key length, key, u8 value length, value: at most 2 + 255 + 255 bytes */
		if (trace_fill(r, 512, err) < 0)
			return -1;
		const unsigned char *q = r->buf + r->pos, *end = r->buf + r->len;
		if (q == end)
			goto short_hdr;
		size_t klen = *q++;
		if ((size_t)(end - q) < klen + 1)
			goto short_hdr;
		const char *key = (const char *)q;
		q += klen;
		size_t vlen = *q++;
		if ((size_t)(end - q) < vlen)
			goto short_hdr;
		char why[128];
		if (trace_header_add(&r->hdr, key, klen, (const char *)q, vlen, why, sizeof(why)) < 0)
			return trace_reader_fail(r, err, EX_DATAERR_, "header key %" PRIu32 ": %s", i + 1, why);
		r->pos = (size_t)(q + vlen - r->buf);
	}
	return 0;
short_hdr:
	return trace_reader_fail(r, err, EX_DATAERR_, "truncated in the header");
}

/* The end-of-trace marker: the count it carries must match, and nothing may follow. */
static int read_end(struct trace_reader *r, const unsigned char *p, const unsigned char *end,
		    struct sim_error *err)
{
	uint64_t recno = r->nr_records + 1;
	uint64_t count;
	int rc = get_uvarint(&p, end, &count);
	if (rc == VI_SHORT)
		return trace_reader_fail(r, err, EX_DATAERR_, "truncated at record %" PRIu64
					 " (in the end-of-trace marker)", recno);
	if (rc == VI_BAD)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": bad varint in the end-of-trace marker", recno);
	if (count != r->nr_records)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": end-of-trace marker says %" PRIu64 " records, read %" PRIu64,
					 recno, count, r->nr_records);
	r->pos = (size_t)(p - r->buf);
	/* Inflate to the end: this also makes zlib verify the gzip trailer's CRC. */
	if (trace_fill(r, 1, err) < 0)
		return -1;
	if (r->len != r->pos)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": data after the end-of-trace marker", recno);
	/* Blocks name their records (FORMAT.md §3.1): with every member a block, they must
	 * account for all of them. */
	if (r->index_bad_off != UINT64_MAX)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": the gzip block at byte offset %" PRIu64 " says it starts at record %" PRIu64
					 ", the blocks before it hold %" PRIu64 " records",
					 recno, r->index_bad_off, r->index_bad_first + 1, r->index_bad_want);
	if (r->nr_blocks && r->nr_blocks == r->nr_members && r->index_next != r->nr_records)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": the gzip blocks' index counts %" PRIu64 " records, the trace has %" PRIu64,
					 recno, r->index_next, r->nr_records);
	if (r->gz_cut)
		return trace_reader_fail(r, err, EX_DATAERR_, "truncated at record %" PRIu64
					 " (gzip stream cut short)", recno);
	r->done = true;
	return 0;
}

int trace_bin_read(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
	if (r->len - r->pos < TRB_MAX_RECORD && trace_fill(r, TRB_MAX_RECORD, err) < 0)
		return -1;
	const unsigned char *p = r->buf + r->pos, *end = r->buf + r->len;
	uint64_t recno = r->nr_records + 1;
	const char *what = "";
	int rc;
	uint64_t v;

	if (p == end)
		return trace_reader_fail(r, err, EX_DATAERR_, "truncated at record %" PRIu64 "%s", recno,
					 r->gz_cut ? " (gzip stream cut short)" : " (no end-of-trace marker)");
	unsigned kb = *p++;
	unsigned kind = kb & TRB_KIND_MASK;
	if (kb & TRB_RESERVED)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": reserved bits in kind byte 0x%02x", recno, kb);
	if (kb == TRB_END)
		return read_end(r, p, end, err);
	if (kind >= NR_TRACE_KINDS)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": unknown kind %u",
					 recno, kind);
	if (trace_kind_since(kind) > r->hdr.version)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": unknown kind %u (%s) in a version %" PRIu32 " trace", recno, kind,
					 trace_kind_names[kind], r->hdr.version);
	unsigned used = trace_kind_fields[kind];

#define GET(field)                                     \
	do {                                           \
		what = field;                          \
		rc = get_uvarint(&p, end, &v);         \
		if (__builtin_expect(rc != VI_OK, 0))  \
			goto bad_varint;               \
	} while (0)
#define GET_BYTE(field)                   \
	do {                              \
		what = field;             \
		if (p == end) {           \
			rc = VI_SHORT;    \
			goto bad_varint;  \
		}                         \
		v = *p++;                 \
	} while (0)

	*rec = (struct trace_record){ .kind = (uint8_t)kind };
	GET("time");
	rec->time_ns = r->last_time_ns + v;
	if (rec->time_ns < r->last_time_ns)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": time overflows", recno);
	if (kb & TRB_TASK_BIT) {
		if (!(used & TRF_TASK))
			return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
						 ": %s record with a task", recno, trace_kind_names[kind]);
		GET("task");
		if (v > UINT32_MAX)
			goto bad_field;
		r->last_task = (uint32_t)v;
	}
	if (used & TRF_TASK)
		rec->task = r->last_task;
	if ((kb & TRB_GFP_BIT) && kind != TR_ALLOC)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64
					 ": %s record with a gfp", recno, trace_kind_names[kind]);
	if (used & TRF_ID) {
		GET("id");
		/* Allocations count from the previous allocation (workloads number objects
		 * sequentially), everything else from the previous id (frees of recent objects). */
		rec->id = (kind == TR_ALLOC ? r->last_alloc_id : r->last_id) + (uint64_t)unzigzag(v);
		r->last_id = rec->id;
	}
	switch (kind) {
	case TR_ALLOC:
		r->last_alloc_id = rec->id;
		GET_BYTE("order");
		rec->order = (uint8_t)v;
		if (kb & TRB_GFP_BIT) {
			GET("gfp");
			if (v > UINT32_MAX)
				goto bad_field;
			r->last_gfp = (uint32_t)v;
		}
		rec->gfp = r->last_gfp;
		if (rec->order > MAX_PAGE_ORDER)
			goto check;
		break;
	case TR_PIN:
	case TR_HINT:
		GET_BYTE("kind");
		rec->arg = (int32_t)v;
		if (kind == TR_HINT && trace_hint_since(rec->arg) > r->hdr.version)
			return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": hint kind %" PRIu64
						 " in a version %" PRIu32 " trace (from version %u)", recno, v,
						 r->hdr.version, trace_hint_since(rec->arg));
		goto check;
	case TR_CMA_ALLOC:
		GET("count");
		if (v > UINT32_MAX)
			goto bad_field;
		rec->count = (uint32_t)v;
		GET_BYTE("align");
		rec->arg = (int32_t)v;
		goto check;
	case TR_COMPACT:
		GET_BYTE("zone");
		rec->arg = v == TRB_NONE_U8 ? -1 : (int32_t)v;
		GET_BYTE("order");
		rec->order = (uint8_t)v;
		goto check;
	case TR_SNAPSHOT: {
		GET("tag");
		int64_t tag = unzigzag(v);
		if (tag < INT32_MIN || tag > INT32_MAX)
			goto bad_field;
		rec->arg = (int32_t)tag;
		break;
	}
	case TR_TASK:
		GET("after");
		if (v > UINT32_MAX)
			goto bad_field;
		rec->arg = (int32_t)(uint32_t)v;
		goto check;
	case TR_CPU:
		GET("cpu");
		if (v > TRACE_CPU_MAX)
			goto bad_field;
		rec->arg = (int32_t)v;
		break;
	case TR_DIRTY:
		if (r->hdr.version >= 4) {
			GET("age");
			if (v > TRACE_DIRTY_AGE_MAX_MS)
				goto bad_field;
			rec->arg = (int32_t)v;
		}
		break;
	default:
		break;
	}
#undef GET
#undef GET_BYTE
done:
	r->last_time_ns = rec->time_ns;
	r->pos = (size_t)(p - r->buf);
	r->nr_records++;
	return 1;

check: {
	struct sim_error why;
	if (trace_record_check(rec, &why) < 0)
		return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": %s", recno, why.msg);
	goto done;
}
bad_field:
	return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": %s %" PRIu64 " out of range",
				 recno, what, v);
bad_varint:
	if (rc == VI_SHORT)
		return trace_reader_fail(r, err, EX_DATAERR_, "truncated at record %" PRIu64 " (in %s)",
					 recno, what);
	return trace_reader_fail(r, err, EX_DATAERR_, "record %" PRIu64 ": bad varint in %s", recno, what);
}

/* ---- writing -------------------------------------------------------------------- */

int trace_bin_begin(struct trace_writer *w, const struct trace_header *h, struct sim_error *err)
{
	unsigned char fixed[TRB_HEADER_FIXED], *p = fixed;
	memcpy(p, TRACE_MAGIC, 8);
	p = put_le32(p + 8, w->version);
	put_le32(p, h->nr_meta);
	if (trace_writer_put(w, fixed, sizeof(fixed), err) < 0)
		return -1;
	for (uint32_t i = 0; i < h->nr_meta; i++) {
		unsigned char kv[2 + sizeof(h->meta[0].key) + sizeof(h->meta[0].value)];
		size_t klen = strlen(h->meta[i].key), vlen = strlen(h->meta[i].value);
		p = kv;
		*p++ = (unsigned char)klen;
		memcpy(p, h->meta[i].key, klen);
		p += klen;
		*p++ = (unsigned char)vlen;
		memcpy(p, h->meta[i].value, vlen);
		p += vlen;
		if (trace_writer_put(w, kv, (size_t)(p - kv), err) < 0)
			return -1;
	}
	return 0;
}

/* trace_write made room for TRB_MAX_RECORD bytes in the block. */
int trace_bin_write(struct trace_writer *w, const struct trace_record *rec, struct sim_error *err)
{
	(void)err;
	unsigned used = trace_kind_fields[rec->kind];
	unsigned char *p = w->buf + w->len;
	bool task = (used & TRF_TASK) && rec->task != w->last_task;
	bool gfp = rec->kind == TR_ALLOC && rec->gfp != w->last_gfp;
	*p++ = (unsigned char)(rec->kind | (task ? TRB_TASK_BIT : 0) | (gfp ? TRB_GFP_BIT : 0));
	p = put_uvarint(p, rec->time_ns - w->last_time_ns);
	if (task) {
		p = put_uvarint(p, rec->task);
		w->last_task = rec->task;
	}
	if (used & TRF_ID) {
		uint64_t base = rec->kind == TR_ALLOC ? w->last_alloc_id : w->last_id;
		p = put_uvarint(p, zigzag((int64_t)(rec->id - base)));
		w->last_id = rec->id;
	}
	switch (rec->kind) {
	case TR_ALLOC:
		w->last_alloc_id = rec->id;
		*p++ = rec->order;
		if (gfp) {
			p = put_uvarint(p, rec->gfp);
			w->last_gfp = rec->gfp;
		}
		break;
	case TR_PIN:
	case TR_HINT:
		*p++ = (unsigned char)rec->arg;
		break;
	case TR_CMA_ALLOC:
		p = put_uvarint(p, rec->count);
		*p++ = (unsigned char)rec->arg;
		break;
	case TR_COMPACT:
		*p++ = rec->arg < 0 ? TRB_NONE_U8 : (unsigned char)rec->arg;
		*p++ = rec->order;
		break;
	case TR_SNAPSHOT:
		p = put_uvarint(p, zigzag(rec->arg));
		break;
	case TR_TASK:
		p = put_uvarint(p, trace_task_after(rec));
		break;
	case TR_CPU:
		p = put_uvarint(p, (uint64_t)rec->arg);
		break;
	case TR_DIRTY:
		if (w->version >= 4)
			p = put_uvarint(p, (uint64_t)rec->arg);
		break;
	default:
		break;
	}
	w->len = (size_t)(p - w->buf);
	return 0;
}

int trace_bin_finish(struct trace_writer *w, struct sim_error *err)
{
	unsigned char end[1 + 10], *p = end;
	*p++ = TRB_END;
	p = put_uvarint(p, w->nr_records);
	return trace_writer_put(w, end, (size_t)(p - end), err);
}
