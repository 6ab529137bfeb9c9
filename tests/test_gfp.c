#include "kernel/gfp.h"
#include "testlib.h"

/* Values from model.md §8.7's composite table (worked from the bit numbers). */
static void test_composites(void)
{
	CHECK_EQ(GFP_KERNEL, 0xcc0);
	CHECK_EQ(GFP_KERNEL_ACCOUNT, 0x400cc0);
	CHECK_EQ(GFP_NOFS, 0xc40);
	CHECK_EQ(GFP_ATOMIC, 0x820);
	CHECK_EQ(GFP_NOWAIT, 0x2800);
	CHECK_EQ(GFP_HIGHUSER_MOVABLE, 0x100cca);
	CHECK_EQ(GFP_TRANSHUGE_LIGHT, 0x1c20ca);
	CHECK_EQ(GFP_TRANSHUGE, 0x1c24ca);
}

/* Every gfp string seen in tests/data/real/compile-thp/report.txt.gz, with the zone,
 * migratetype and class worked out by hand from the bits. */
static const struct {
	const char *s;
	enum migratetype mt;
	enum zone_type zone;
	bool can_reclaim;
} real[] = {
	{ "GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_COMP", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_COMP", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_RECLAIMABLE, ZONE_NORMAL, true },
	{ "GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_NOWAIT", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_NOFS|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_NOWAIT|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "__GFP_RECLAIMABLE|__GFP_IO|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC", MIGRATE_RECLAIMABLE, ZONE_NORMAL, false },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP|__GFP_THISNODE", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_RECLAIMABLE, ZONE_NORMAL, true },
	{ "GFP_NOWAIT|__GFP_RECLAIMABLE|__GFP_NORETRY|__GFP_COMP", MIGRATE_RECLAIMABLE, ZONE_NORMAL, false },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_TRANSHUGE", MIGRATE_MOVABLE, ZONE_MOVABLE, true },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL", MIGRATE_MOVABLE, ZONE_NORMAL, true },
	{ "GFP_ATOMIC|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_RECLAIMABLE, ZONE_NORMAL, false },
	{ "GFP_HIGHUSER|__GFP_ACCOUNT", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_NOFS|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL", MIGRATE_RECLAIMABLE, ZONE_NORMAL, true },
	{ "GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_NOFS|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "none", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_NOFS|__GFP_NOFAIL|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_NOFS|__GFP_MOVABLE|__GFP_COMP", MIGRATE_MOVABLE, ZONE_NORMAL, true },
	{ "__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, false },
	{ "GFP_KERNEL|__GFP_ZERO|__GFP_COMP", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
	{ "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC", MIGRATE_UNMOVABLE, ZONE_NORMAL, true },
};

static void test_real_strings(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		gfp_t g = 0;
		size_t bad = 99;
		CHECK_EQ(gfp_parse(real[i].s, strlen(real[i].s), &g, &bad), 0);
		char buf[256];
		gfp_format(g, buf, sizeof(buf));
		CHECK_STR(buf, real[i].s); /* the kernel's own printing round-trips */
		CHECK_EQ(gfp_migratetype(g), real[i].mt);
		CHECK_EQ(gfp_zone(g), real[i].zone);
		CHECK_EQ(gfp_direct_reclaim(g), real[i].can_reclaim);
	}
}

static void test_parse_errors_and_hex(void)
{
	gfp_t g;
	size_t bad = 0;
	CHECK_EQ(gfp_parse("GFP_KERNEL|__GFP_BOGUS", 22, &g, &bad), -1);
	CHECK_EQ(bad, 11);
	CHECK_EQ(gfp_parse("GFP_KERNEL|", 11, &g, &bad), -1);
	CHECK_EQ(gfp_parse("GFP_KERNEL|0x2000000", 20, &g, &bad), 0);
	CHECK_EQ(g, 0xcc0 | 0x2000000);
	char buf[64];
	gfp_format(0xcc0 | 0x2000000, buf, sizeof(buf));
	CHECK_STR(buf, "GFP_KERNEL|0x2000000");
}

/* gfp_to_alloc_flags by hand from model.md §3.3. */
static void test_alloc_flags(void)
{
	CHECK_EQ(gfp_to_alloc_flags(GFP_KERNEL, 0), ALLOC_CPUSET | ALLOC_KSWAPD);
	CHECK_EQ(gfp_to_alloc_flags(GFP_HIGHUSER_MOVABLE, 0), ALLOC_CPUSET | ALLOC_KSWAPD | ALLOC_CMA);
	/* GFP_ATOMIC order 0: MIN_RESERVE|KSWAPD|NON_BLOCK, cpuset dropped. */
	CHECK_EQ(gfp_to_alloc_flags(GFP_ATOMIC, 0), ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK);
	CHECK_EQ(gfp_to_alloc_flags(GFP_ATOMIC, 2),
		 ALLOC_MIN_RESERVE | ALLOC_KSWAPD | ALLOC_NON_BLOCK | ALLOC_HIGHATOMIC);
	CHECK_EQ(gfp_to_alloc_flags(GFP_NOWAIT, 0), ALLOC_CPUSET | ALLOC_KSWAPD | ALLOC_NON_BLOCK);
	CHECK_EQ(gfp_alloc_class(GFP_ATOMIC, 0), ACLASS_ATOMIC);
	CHECK_EQ(gfp_alloc_class(GFP_TRANSHUGE, 9), ACLASS_HIGHORDER);
	CHECK_EQ(gfp_alloc_class(GFP_KERNEL, 1), ACLASS_UNMOVABLE);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_composites);
	RUN(test_real_strings);
	RUN(test_parse_errors_and_hex);
	RUN(test_alloc_flags);
	return TEST_END();
}
