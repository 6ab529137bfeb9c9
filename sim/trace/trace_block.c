/* trace_block.c — one gzip member of a blocked trace (FORMAT.md §3.1): its header with the
 * "MB" index subfield, and inflating or deflating it whole, with libdeflate where it was
 * found at build time (it inflates these blocks in about 60 % of zlib's time) and zlib
 * otherwise.  Both produce and accept the same bytes: the format is RFC 1952. */
#include "trace_block.h"
#include "trace.h"

#include "mmsim-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#if HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#define GZ_FTEXT 0x01u
#define GZ_FEXTRA 0x04u
#define MB_LEN 24u /* bsize u32, usize u32, first u64, nr u32, reserved u32 */

static uint32_t get_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get_le32(const unsigned char *p)
{
	return get_le16(p) | get_le16(p + 2) << 16;
}

static uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static unsigned char *put_le16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	return p + 2;
}

static unsigned char *put_le32(unsigned char *p, uint32_t v)
{
	return put_le16(put_le16(p, v & 0xffff), v >> 16);
}

static unsigned char *put_le64(unsigned char *p, uint64_t v)
{
	return put_le32(put_le32(p, (uint32_t)v), (uint32_t)(v >> 32));
}

int trace_block_parse(const unsigned char *p, size_t n, struct trace_block *b, size_t *need, char *why,
		      size_t why_len)
{
	if (n < 12) {
		*need = 12;
		return -2;
	}
	if (p[0] != 0x1f || p[1] != 0x8b || p[2] != 8)
		return 0;
	/* Only FEXTRA (and FTEXT, which says nothing about the bytes): with a name,
	 * comment or header CRC the member is an ordinary one, inflated as a stream. */
	if ((p[3] & ~GZ_FTEXT) != GZ_FEXTRA)
		return 0;
	size_t xlen = get_le16(p + 10);
	if (n < 12 + xlen) {
		*need = 12 + xlen;
		return -2;
	}
	/* subfields: SI1 SI2 LEN(le16) data[LEN], back to back, filling XLEN exactly */
	const unsigned char *q = p + 12, *end = q + xlen;
	const unsigned char *mb = NULL;
	while (end - q >= 4) {
		size_t len = get_le16(q + 2);
		if ((size_t)(end - q - 4) < len)
			break;
		if (q[0] == 'M' && q[1] == 'B') {
			if (mb) {
				snprintf(why, why_len, "two block index subfields");
				return -1;
			}
			if (len != MB_LEN) {
				snprintf(why, why_len, "block index subfield of %zu bytes, not %u", len, MB_LEN);
				return -1;
			}
			mb = q + 4;
		}
		q += 4 + len;
	}
	if (q != end) {
		/* RFC 1952 2.3.1.1: the extra field is a sequence of subfields */
		snprintf(why, why_len, "malformed gzip extra field");
		return -1;
	}
	if (!mb)
		return 0;
	b->bsize = get_le32(mb);
	b->usize = get_le32(mb + 4);
	b->first = get_le64(mb + 8);
	b->nr = get_le32(mb + 16);
	b->hdr_len = (uint32_t)(12 + xlen);
	if (get_le32(mb + 20) != 0) {
		snprintf(why, why_len, "reserved block index field not zero");
		return -1;
	}
	if (b->usize > TRACE_BLOCK_MAX) {
		snprintf(why, why_len, "block of %u bytes, at most %u", b->usize, TRACE_BLOCK_MAX);
		return -1;
	}
	if (b->bsize < b->hdr_len + TRACE_BLOCK_TRAILER || b->bsize > TRACE_BLOCK_MAX_MEMBER) {
		snprintf(why, why_len, "gzip member size %u not in %u..%u", b->bsize,
			 b->hdr_len + TRACE_BLOCK_TRAILER, TRACE_BLOCK_MAX_MEMBER);
		return -1;
	}
	if (b->nr > b->usize) {
		snprintf(why, why_len, "block index says %u records in %u bytes", b->nr, b->usize);
		return -1;
	}
	return 1;
}

/* ---- inflate -------------------------------------------------------------------- */

struct trace_inflater {
#if HAVE_LIBDEFLATE
	struct libdeflate_decompressor *d;
#else
	z_stream zs;
#endif
};

const char *trace_block_inflater_name(void)
{
	return HAVE_LIBDEFLATE ? "libdeflate" : "zlib";
}

struct trace_inflater *trace_inflater_new(void)
{
	struct trace_inflater *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
#if HAVE_LIBDEFLATE
	z->d = libdeflate_alloc_decompressor();
	if (!z->d) {
		free(z);
		return NULL;
	}
#else
	if (inflateInit2(&z->zs, -MAX_WBITS) != Z_OK) {
		free(z);
		return NULL;
	}
#endif
	return z;
}

void trace_inflater_free(struct trace_inflater *z)
{
	if (!z)
		return;
#if HAVE_LIBDEFLATE
	libdeflate_free_decompressor(z->d);
#else
	inflateEnd(&z->zs);
#endif
	free(z);
}

int trace_block_inflate(struct trace_inflater *z, const unsigned char *member, const struct trace_block *b,
			unsigned char *out, bool *crc, char *why, size_t why_len)
{
	const unsigned char *in = member + b->hdr_len;
	size_t in_len = b->bsize - b->hdr_len - TRACE_BLOCK_TRAILER;
	const unsigned char *trailer = member + b->bsize - TRACE_BLOCK_TRAILER;
	*crc = false;
#if HAVE_LIBDEFLATE
	size_t in_used = 0, out_got = 0;
	enum libdeflate_result res =
		libdeflate_deflate_decompress_ex(z->d, in, in_len, out, b->usize, &in_used, &out_got);
	if (res == LIBDEFLATE_INSUFFICIENT_SPACE || (res == LIBDEFLATE_SUCCESS && out_got != b->usize)) {
		snprintf(why, why_len, "block inflates to %s bytes than its index says (%u)",
			 res == LIBDEFLATE_SUCCESS ? "fewer" : "more", b->usize);
		return -1;
	}
	if (res != LIBDEFLATE_SUCCESS) {
		snprintf(why, why_len, "invalid deflate data");
		return -1;
	}
	if (in_used != in_len) {
		snprintf(why, why_len, "%zu bytes after the deflate data of the block", in_len - in_used);
		return -1;
	}
	uint32_t sum = libdeflate_crc32(0, out, b->usize);
#else
	if (inflateReset(&z->zs) != Z_OK) {
		snprintf(why, why_len, "inflate failed");
		return -1;
	}
	z->zs.next_in = (unsigned char *)(uintptr_t)in;
	z->zs.avail_in = (uInt)in_len;
	z->zs.next_out = out;
	z->zs.avail_out = b->usize;
	int zrc = inflate(&z->zs, Z_FINISH);
	if (zrc == Z_BUF_ERROR && z->zs.avail_out == 0) {
		snprintf(why, why_len, "block inflates to more bytes than its index says (%u)", b->usize);
		return -1;
	}
	if (zrc != Z_STREAM_END) {
		snprintf(why, why_len, "%s", z->zs.msg ? z->zs.msg : zrc == Z_BUF_ERROR ? "unexpected end of deflate data"
											     : "inflate failed");
		return -1;
	}
	if (z->zs.avail_out) {
		snprintf(why, why_len, "block inflates to fewer bytes than its index says (%u)", b->usize);
		return -1;
	}
	if (z->zs.avail_in) {
		snprintf(why, why_len, "%u bytes after the deflate data of the block", z->zs.avail_in);
		return -1;
	}
	uint32_t sum = (uint32_t)crc32(0, out, b->usize);
#endif
	if (get_le32(trailer) != sum) {
		*crc = true;
		snprintf(why, why_len, "gzip CRC mismatch");
		return -1;
	}
	if (get_le32(trailer + 4) != b->usize) {
		*crc = true;
		snprintf(why, why_len, "gzip length mismatch");
		return -1;
	}
	return 0;
}

/* ---- deflate -------------------------------------------------------------------- */

struct trace_deflater {
#if HAVE_LIBDEFLATE
	struct libdeflate_compressor *c;
#else
	z_stream zs;
#endif
};

struct trace_deflater *trace_deflater_new(int level)
{
	struct trace_deflater *z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
#if HAVE_LIBDEFLATE
	z->c = libdeflate_alloc_compressor(level);
	if (!z->c) {
		free(z);
		return NULL;
	}
#else
	if (deflateInit2(&z->zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
#endif
	return z;
}

void trace_deflater_free(struct trace_deflater *z)
{
	if (!z)
		return;
#if HAVE_LIBDEFLATE
	libdeflate_free_compressor(z->c);
#else
	deflateEnd(&z->zs);
#endif
	free(z);
}

/* Stored blocks cost 5 bytes per 65535; both libraries stay below this on any input. */
size_t trace_block_bound(size_t n)
{
	return TRACE_BLOCK_HEADER + n + (n / 16000 + 1) * 5 + 64 + TRACE_BLOCK_TRAILER;
}

size_t trace_block_deflate(struct trace_deflater *z, const unsigned char *in, size_t n, uint64_t first,
			   uint32_t nr, unsigned char *out, size_t cap)
{
	sim_assert(n <= TRACE_BLOCK_MAX && cap >= trace_block_bound(n));
	unsigned char *data = out + TRACE_BLOCK_HEADER;
	size_t room = cap - TRACE_BLOCK_HEADER - TRACE_BLOCK_TRAILER, got;
#if HAVE_LIBDEFLATE
	got = libdeflate_deflate_compress(z->c, in, n, data, room);
	if (!got)
		return 0;
	uint32_t sum = libdeflate_crc32(0, in, n);
#else
	if (deflateReset(&z->zs) != Z_OK)
		return 0;
	z->zs.next_in = (unsigned char *)(uintptr_t)in;
	z->zs.avail_in = (uInt)n;
	z->zs.next_out = data;
	z->zs.avail_out = (uInt)room;
	if (deflate(&z->zs, Z_FINISH) != Z_STREAM_END)
		return 0;
	got = room - z->zs.avail_out;
	uint32_t sum = (uint32_t)crc32(0, in, n);
#endif
	size_t bsize = TRACE_BLOCK_HEADER + got + TRACE_BLOCK_TRAILER;
	/* ID1 ID2 CM=deflate FLG=FEXTRA, MTIME 0, XFL 0, OS 255 (unknown): as BGZF does, so
	 * the same records always make the same bytes. */
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, GZ_FEXTRA, 0, 0, 0, 0, 0, 255 };
	unsigned char *p = out;
	memcpy(p, head, sizeof(head));
	p = put_le16(p + sizeof(head), 4 + MB_LEN);
	*p++ = 'M';
	*p++ = 'B';
	p = put_le16(p, MB_LEN);
	p = put_le32(p, (uint32_t)bsize);
	p = put_le32(p, (uint32_t)n);
	p = put_le64(p, first);
	p = put_le32(p, nr);
	p = put_le32(p, 0);
	sim_assert(p == data);
	p = put_le32(data + got, sum);
	put_le32(p, (uint32_t)n);
	return bsize;
}
