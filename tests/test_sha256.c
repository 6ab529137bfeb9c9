/* test_sha256.c — sim/lib/sha256 against the FIPS 180-4 example digests (also what
 * sha256sum prints), fed whole and in uneven pieces, through the portable rounds and,
 * where the CPU has them, the SHA instructions; and both paths against each other on
 * random input. */
#include "lib/sha256.h"
#include "testlib.h"

static bool use_hw; /* the path the known-digest tests take (main runs them with each) */

static void digest_with(bool hw, const char *msg, size_t len, size_t piece, char hex[SHA256_HEX_SIZE])
{
	struct sha256 c;
	sha256_init(&c);
	c.hw = hw;
	for (size_t off = 0; off < len; off += piece)
		sha256_update(&c, msg + off, MIN(piece, len - off));
	sha256_final_hex(&c, hex);
}

static void digest_in_pieces(const char *msg, size_t len, size_t piece, char hex[SHA256_HEX_SIZE])
{
	digest_with(use_hw, msg, len, piece, hex);
}

static void test_known_digests(void)
{
	static const struct {
		const char *msg, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		/* 56 bytes: the length no longer fits the first block's padding */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	static const size_t pieces[] = { 1, 3, 63, 64, 65, 1000 };
	char hex[SHA256_HEX_SIZE];
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		for (size_t p = 0; p < ARRAY_SIZE(pieces); p++) {
			digest_in_pieces(v[i].msg, strlen(v[i].msg), pieces[p], hex);
			CHECK_STR(hex, v[i].hex);
		}
}

/* Runs of 'a' around the padding boundaries: 55 bytes pad within the block, 56 spill into
 * a second one, 64 and 119 fill a block and leave 0 and 55 bytes (digests from sha256sum). */
static void test_padding_boundaries(void)
{
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	char a[128], hex[SHA256_HEX_SIZE];
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		digest_in_pieces(a, v[i].n, 7, hex);
		CHECK_STR(hex, v[i].hex);
	}
}

/* One million 'a' (FIPS 180-4 example), in 4096-byte writes as the importer reads. */
static void test_million_a(void)
{
	static char a[1000000];
	memset(a, 'a', sizeof(a));
	char hex[SHA256_HEX_SIZE];
	digest_in_pieces(a, sizeof(a), 4096, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Random lengths (0..4 KiB) and piece sizes: the SHA-instruction path gives the portable
 * path's digest (seed printed by the harness). */
static void test_paths_agree(void)
{
	if (!sha256_hw_supported())
		return;
	uint64_t x = tl_test_seed() | 1;
	static char buf[4096];
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = (char)x;
		}
		size_t len = (size_t)(x % sizeof(buf)), piece = 1 + (size_t)((x >> 20) % 200);
		char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];
		digest_with(false, buf, len, piece, a);
		digest_with(true, buf, len, piece, b);
		CHECK_STR(b, a);
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	for (int hw = 0; hw <= (int)sha256_hw_supported(); hw++) {
		use_hw = hw;
		RUN(test_known_digests);
		RUN(test_padding_boundaries);
		RUN(test_million_a);
	}
	RUN(test_paths_agree);
	return TEST_END();
}
