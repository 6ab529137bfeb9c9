/* sha256.h — SHA-256 (FIPS 180-4), streaming.
 *
 * The importer records the digest of its input file as the trace's provenance key
 * "source_sha256" (docs/import.md), so a trace can be matched to the capture it came from
 * with the standard sha256sum.  A crc32 would catch corruption but is no identity of a
 * file; zlib has no SHA-256, so this is the one implementation.
 *
 * Use:  struct sha256 c; sha256_init(&c); sha256_update(&c, p, n); ...;
 *       char hex[SHA256_HEX_SIZE]; sha256_final_hex(&c, hex);
 */
#ifndef MMSIM_LIB_SHA256_H
#define MMSIM_LIB_SHA256_H

#include "../common.h"

#define SHA256_HEX_SIZE 65 /* 64 hex digits and a NUL */

/* Invariant: len == bytes passed to sha256_update; nbuf == len % 64 bytes wait in buf.
 * hw: blocks go through the CPU's SHA instructions (set by sha256_init where the CPU has
 * them; a test may clear it to run the portable rounds; both give the same digest). */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
	bool hw;
};

/* The CPU has the SHA extensions this build can use (x86-64 SHA-NI). */
bool sha256_hw_supported(void);
void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* Pad, finish and write the digest as 64 lowercase hex digits; c is spent. */
void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX_SIZE]);

#endif
