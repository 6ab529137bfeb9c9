#include "sha256.h"

#include <stdio.h>
#include <string.h>

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

/* One 64-byte block, FIPS 180-4 6.2.2, in portable C: the eight working variables rotate
 * by renaming (the round index picks which of v[] plays a..h), not by moving them. */
static void sha_block_c(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], v[8];
	for (unsigned i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (unsigned i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof(v));
	for (unsigned i = 0; i < 64; i++) {
		/* round i: a = v[(0 - i) & 7], b = v[(1 - i) & 7], ..., h = v[(7 - i) & 7] */
#define V(k) v[((k) - i) & 7]
		uint32_t t1 = V(7) + (ror(V(4), 6) ^ ror(V(4), 11) ^ ror(V(4), 25)) +
			      ((V(4) & V(5)) ^ (~V(4) & V(6))) + sha_k[i] + w[i];
		uint32_t t2 = (ror(V(0), 2) ^ ror(V(0), 13) ^ ror(V(0), 22)) +
			      ((V(0) & V(1)) ^ (V(0) & V(2)) ^ (V(1) & V(2)));
		V(3) += t1;     /* the next round's e */
		V(7) = t1 + t2; /* the next round's a */
#undef V
	}
	for (unsigned i = 0; i < 8; i++)
		h[i] += v[i]; /* after 64 rounds (a multiple of 8) the names are back in place */
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SHA_HW 1

/* The same block with the x86 SHA extensions (SHA-NI): sha256rnds2 does two rounds on the
 * state held as {A,B,E,F} and {C,D,G,H}; sha256msg1/msg2 extend the message schedule four
 * words at a time (W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]). */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha_block_hw(uint32_t h[8], const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	/* Registers are named high lane first, as Intel's SHA documentation names them. */
	__m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
	__m128i abef0 = abef, cdgh0 = cdgh;
	__m128i w[4];
	for (int g = 0; g < 16; g++) {
		__m128i m;
		if (g < 4) {
			m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
		} else {
			/* W[4g..4g+3] from the four groups before it (w[] is a ring of four) */
			__m128i t = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
			t = _mm_add_epi32(t, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
			m = _mm_sha256msg2_epu32(t, w[(g + 3) & 3]);
		}
		w[g & 3] = m;
		__m128i wk = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&sha_k[4 * g]));
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
		abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
	}
	abef = _mm_add_epi32(abef, abef0);
	cdgh = _mm_add_epi32(cdgh, cdgh0);
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xf0)); /* dcba */
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));    /* hgfe */
}

bool sha256_hw_supported(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
	       __builtin_cpu_supports("ssse3");
}
#else
#define SHA_HW 0
bool sha256_hw_supported(void)
{
	return false;
}
#endif

static void sha_block(struct sha256 *c, const unsigned char *p)
{
#if SHA_HW
	if (c->hw) {
		sha_block_hw(c->h, p);
		return;
	}
#endif
	sha_block_c(c->h, p);
}

void sha256_update(struct sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	c->len += n;
	while (n) {
		if (c->nbuf == 0 && n >= 64) {
			sha_block(c, p);
			p += 64;
			n -= 64;
			continue;
		}
		size_t k = MIN(n, 64 - c->nbuf);
		memcpy(c->buf + c->nbuf, p, k);
		c->nbuf += k;
		p += k;
		n -= k;
		if (c->nbuf == 64) {
			sha_block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

void sha256_init(struct sha256 *c)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memset(c, 0, sizeof(*c));
	memcpy(c->h, h0, sizeof(h0));
	c->hw = sha256_hw_supported();
}

void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX_SIZE])
{
	/* FIPS 180-4 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, the bit length big-endian */
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (c->nbuf < 56 ? 56 : 120) - c->nbuf;
	for (unsigned i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, pad, padlen + 8);
	for (unsigned i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", c->h[i]);
}
