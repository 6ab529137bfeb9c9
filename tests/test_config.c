/* test_config.c — the key table, the YAML loader, --set, validation and the JSON echo.
 *
 * Expected values are worked out by hand next to each check (columns are 1-based and
 * counted on the YAML text shown; sizes are bytes / 4096 for pages).
 */
#include "config/config.h"
#include "config/config_keys.h"
#include "config/yamlutil.h"
#include "sim.h"
#include "testlib.h"

#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <unistd.h>

/* Write TEXT to tmpdir/NAME and return its path in PATH. */
static void write_file(const char *name, const char *text, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", tl_tmpdir(), name);
	FILE *fp = fopen(path, "wb");
	if (!fp) {
		perror(path);
		exit(2);
	}
	fputs(text, fp);
	fclose(fp);
}

/* Load TEXT as "tmpdir/t.yaml"; returns config_load's result, the message in err. */
static int load_text(const char *text, struct config *cfg, struct sim_error *err, char *path, size_t size)
{
	write_file("t.yaml", text, path, size);
	int rc = config_load(cfg, path, err);
	remove(path);
	return rc;
}

/* Load TEXT, expect failure with message "<path>:<want>". */
static void expect_load_error(const char *text, const char *want, int line)
{
	struct config cfg;
	struct sim_error err = { 0 };
	char path[512], full[1024];
	int rc = load_text(text, &cfg, &err, path, sizeof(path));
	snprintf(full, sizeof(full), "%s:%s", path, want);
	tl_check(rc == -1 && err.code == EX_CONFIG_ && !strcmp(err.msg, full), __FILE__, line,
		 "rc %d code %d\n--- got ---\n%s\n--- expected ---\n%s", rc, err.code, err.msg, full);
}
#define EXPECT_LOAD_ERROR(text, want) expect_load_error(text, want, __LINE__)

static void expect_set_error(struct config *cfg, const char *assignment, const char *want, int line)
{
	struct sim_error err = { 0 };
	int rc = config_set(cfg, assignment, &err);
	tl_check(rc == -1 && err.code == EX_CONFIG_ && !strcmp(err.msg, want), __FILE__, line,
		 "rc %d code %d\n--- got ---\n%s\n--- expected ---\n%s", rc, err.code, err.msg, want);
}
#define EXPECT_SET_ERROR(cfg, a, want) expect_set_error(cfg, a, want, __LINE__)

static void expect_validate_error(const struct config *cfg, const char *want, int line)
{
	struct sim_error err = { 0 };
	int rc = sim_validate(cfg, &err); /* the keys, then the layout, as `mmsim run` */
	tl_check(rc == -1 && err.code == EX_CONFIG_ && !strcmp(err.msg, want), __FILE__, line,
		 "rc %d\n--- got ---\n%s\n--- expected ---\n%s", rc, err.msg, want);
}
#define EXPECT_VALIDATE_ERROR(cfg, want) expect_validate_error(cfg, want, __LINE__)

/* Field-by-field equality over the table (struct padding and the bytes after a string's
 * NUL are not configuration). */
static bool configs_equal(const struct config *a, const struct config *b, const char **which)
{
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	if (a->policy.cma.nr_regions != b->policy.cma.nr_regions) {
		*which = "policy.cma.nr_regions";
		return false;
	}
	for (size_t i = 0; i < nr; i++) {
		const struct config_key *k = &keys[i];
		unsigned n = k->list ? a->policy.cma.nr_regions : 1;
		for (unsigned e = 0; e < n; e++) {
			size_t off = k->list ? k->list->array_offset + e * k->list->elem_size + k->offset : k->offset;
			const char *fa = (const char *)a + off, *fb = (const char *)b + off;
			bool same = k->type == CFG_STRING || k->type == CFG_PATH ? !strcmp(fa, fb)
										 : !memcmp(fa, fb, k->size);
			if (!same) {
				*which = k->path;
				return false;
			}
		}
	}
	return true;
}

static void test_defaults(void)
{
	struct config c;
	struct sim_error err = { 0 };
	config_defaults(&c);
	/* 4 GiB machine: DMA 4080 pages; DMA32 3056 MiB = 3056 * 256 = 782336 pages (16 MiB
	 * to 3 GiB); Normal 1 GiB = 262144 pages. */
	CHECK_EQ(c.machine.zone_pages[ZONE_DMA], 4080);
	CHECK_EQ(c.machine.zone_pages[ZONE_DMA32], 782336);
	CHECK_EQ(c.machine.zone_pages[ZONE_NORMAL], 262144);
	CHECK_EQ(c.machine.zone_pages[ZONE_MOVABLE], 0);
	CHECK_EQ(c.machine.zone_pages[ZONE_CMA], 0);
	CHECK_EQ(c.machine.nr_cpus, 2);
	CHECK_EQ(c.machine.pageblock_order, 9);
	CHECK_EQ(c.machine.min_free_kbytes, 0);
	CHECK(!c.machine.thp);
	CHECK_EQ(c.machine.watermark_scale_factor, 10);
	CHECK_EQ(c.machine.watermark_boost_factor, 15000);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_DMA], 256);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_DMA32], 256);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_NORMAL], 32);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_MOVABLE], 0);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_CMA], 0);
	CHECK(c.machine.pcp);
	CHECK(c.machine.mobility_grouping);
	CHECK_EQ(c.policy.cma.mode, CMA_NONE);
	CHECK_EQ(c.policy.cma.nr_regions, 0);
	CHECK(c.policy.cma.balance_half_free);
	CHECK_EQ(c.policy.reclaim, RECLAIM_CLASSIC);
	CHECK_EQ(c.policy.swappiness, 60);
	CHECK_EQ(c.policy.defrag, DEFRAG_ON_FAILURE);
	CHECK_EQ(c.policy.compaction_proactiveness, 20);
	CHECK_EQ(c.policy.extfrag_threshold, 500);
	CHECK_EQ(c.devices.disk_bandwidth_bps, 500000000); /* 500MB/s, decimal */
	CHECK_EQ(c.devices.disk_latency_ns, 100000);
	CHECK_EQ(c.devices.swap_pages, 0);
	CHECK_EQ(c.devices.swap_bandwidth_bps, 500000000);
	CHECK_EQ(c.devices.swap_latency_ns, 100000);
	CHECK_EQ(c.costs.alloc_fast_ns, 200);
	CHECK_EQ(c.costs.scan_page_ns, 50);
	CHECK_EQ(c.costs.reclaim_page_ns, 300);
	CHECK_EQ(c.costs.migrate_page_ns, 2000);
	CHECK_STR(c.workload.trace, "");
	CHECK_STR(c.workload.generator, "");
	CHECK_EQ(c.workload.replay, REPLAY_OPEN);
	CHECK_STR(c.output.dir, "");
	CHECK_EQ(c.output.sample_interval_ns, 100000000);
	CHECK_EQ(c.seed, 1);
	CHECK_EQ(sim_validate(&c, &err), 0);
}

/* The invariants config_keys.h promises. */
static void test_table(void)
{
	size_t nr;
	char why[256];
	const struct config_key *keys = config_keys(&nr);
	CHECK(nr > 40);
	for (size_t i = 0; i < nr; i++) {
		union {
			uint64_t u;
			char s[CONFIG_PATH_MAX];
		} scratch;
		CHECK(keys[i].path && keys[i].doc && keys[i].def && keys[i].knob && keys[i].unit);
		int rc = config_key_parse(&keys[i], keys[i].def, &scratch, why, sizeof(why));
		if (rc)
			fprintf(stderr, "default of %s: %s\n", keys[i].path, why);
		CHECK_EQ(rc, 0);
		CHECK(config_key_find(keys[i].path) == &keys[i]); /* unique */
		if (keys[i].type == CFG_ENUM)
			CHECK(keys[i].names && keys[i].nr_names > 0);
		/* Every dotted prefix of this row, once left, never comes back: rows sharing a
		 * prefix are adjacent (the JSON writer relies on it). */
		const char *path = keys[i].list ? keys[i].list->path : keys[i].path;
		for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
			size_t len = (size_t)(dot - path) + 1;
			bool left = false;
			for (size_t j = i + 1; j < nr; j++) {
				const char *pj = keys[j].list ? keys[j].list->path : keys[j].path;
				bool shares = !strncmp(pj, path, len);
				if (!shares)
					left = true;
				else if (left) {
					fprintf(stderr, "%s is separated from %.*s rows\n", keys[j].path, (int)len, path);
					CHECK(!"prefix contiguity");
				}
			}
		}
		/* list rows are contiguous */
		if (keys[i].list && i > 0 && keys[i - 1].list != keys[i].list)
			for (size_t j = 0; j + 1 < i; j++)
				CHECK(keys[j].list != keys[i].list);
	}
}

static void test_parse_size(void)
{
	uint64_t b = 0;
	CHECK_EQ(config_parse_size("4096", &b), 0);
	CHECK_EQ(b, 4096);
	CHECK_EQ(config_parse_size("512KiB", &b), 0);
	CHECK_EQ(b, 512 * 1024);
	CHECK_EQ(config_parse_size("512MiB", &b), 0);
	CHECK_EQ(b, 512ull << 20);
	CHECK_EQ(config_parse_size("4GiB", &b), 0);
	CHECK_EQ(b, 4ull << 30);
	CHECK_EQ(config_parse_size("1G", &b), 0);
	CHECK_EQ(b, 1ull << 30);
	CHECK_EQ(config_parse_size("2M", &b), 0);
	CHECK_EQ(b, 2ull << 20);
	CHECK_EQ(config_parse_size("2m", &b), 0); /* case-insensitive, like memparse */
	CHECK_EQ(b, 2ull << 20);
	CHECK_EQ(config_parse_size("1.5GiB", &b), 0); /* 1 GiB + 512 MiB */
	CHECK_EQ(b, 1610612736ull);
	CHECK_EQ(config_parse_size("64 KiB", &b), 0);
	CHECK_EQ(b, 65536);
	CHECK_EQ(config_parse_size("0x1000", &b), 0);
	CHECK_EQ(b, 4096);
	CHECK_EQ(config_parse_size("16383P", &b), -1);  /* no peta unit */
	CHECK_EQ(config_parse_size("", &b), -1);
	CHECK_EQ(config_parse_size("-1", &b), -1);
	CHECK_EQ(config_parse_size("12XB", &b), -1);
	CHECK_EQ(config_parse_size("512MB", &b), -1);  /* decimal units refused for memory */
	CHECK_EQ(config_parse_size("1.5", &b), -1);    /* not a whole number of bytes */
	CHECK_EQ(config_parse_size("1.", &b), -1);
	CHECK_EQ(config_parse_size("GiB", &b), -1);
	CHECK_EQ(config_parse_size("0x", &b), -1);
	CHECK_EQ(config_parse_size("16777216T", &b), -1); /* 2^24 * 2^40 = 2^64 overflows */
	CHECK_EQ(config_parse_size("16777215T", &b), 0);
	CHECK_EQ(b, 16777215ull << 40);
	CHECK_EQ(config_parse_size("18446744073709551615", &b), 0);
	CHECK_EQ(config_parse_size("18446744073709551616", &b), -1);
	CHECK_EQ(config_parse_size("4 ", &b), -1);
}

static void test_parse_duration(void)
{
	sim_ns_t ns = 0;
	CHECK_EQ(config_parse_duration("100ns", &ns), 0);
	CHECK_EQ(ns, 100);
	CHECK_EQ(config_parse_duration("5us", &ns), 0);
	CHECK_EQ(ns, 5000);
	CHECK_EQ(config_parse_duration("5\xc2\xb5s", &ns), 0); /* 5µs */
	CHECK_EQ(ns, 5000);
	CHECK_EQ(config_parse_duration("2ms", &ns), 0);
	CHECK_EQ(ns, 2000000);
	CHECK_EQ(config_parse_duration("1s", &ns), 0);
	CHECK_EQ(ns, 1000000000);
	CHECK_EQ(config_parse_duration("42", &ns), 0);
	CHECK_EQ(ns, 42);
	CHECK_EQ(config_parse_duration("2.5us", &ns), 0);
	CHECK_EQ(ns, 2500);
	CHECK_EQ(config_parse_duration("0.000000001s", &ns), 0);
	CHECK_EQ(ns, 1);
	CHECK_EQ(config_parse_duration("1.5ns", &ns), -1);
	CHECK_EQ(config_parse_duration("5m", &ns), -1);
	CHECK_EQ(config_parse_duration("5MS", &ns), -1);
	CHECK_EQ(config_parse_duration("ms", &ns), -1);
	CHECK_EQ(config_parse_duration("18446744074s", &ns), -1); /* > 2^64 ns */
}

static void test_load_values(void)
{
	struct config c;
	struct sim_error err = { 0 };
	char path[512], want[600];
	const char *text =
		"# every type with a good value\n"
		"seed: 0xffffffffffffffff\n"
		"machine:\n"
		"  zones: {dma: 0, dma32: 0x1000, normal: 2GiB, movable: 1.5GiB}\n"
		"  nr_cpus: 8\n"
		"  min_free_kbytes: 64MiB\n"
		"  thp: yes\n"
		"  lowmem_reserve_ratio:\n"
		"    normal: 0\n"
		"policy:\n"
		"  cma:\n"
		"    mode: zone_cma\n"
		"    regions:\n"
		"      - {name: camera, base: 4GiB, size: 256MiB, order_per_bit: 2}\n"
		"      - size: 2048\n"
		"      -\n"
		"  reclaim: cflru\n"
		"devices:\n"
		"  disk: {bandwidth: 1GiB/s, latency: 2.5ms}\n"
		"  swap:\n"
		"    size: 1G\n"
		"    bandwidth: 200MB/s\n"
		"costs:\n"
		"  scan_page: 1s\n"
		"workload:\n"
		"  trace: traces/t.mmt.gz\n"
		"  generator: \"\"\n"
		"  replay: closed\n"
		"output: {dir: out, sample_interval: 0}\n";
	CHECK_EQ(load_text(text, &c, &err, path, sizeof(path)), 0);
	if (err.msg[0])
		fprintf(stderr, "%s\n", err.msg);
	CHECK_EQ(c.seed, UINT64_MAX);
	CHECK_EQ(c.machine.zone_pages[ZONE_DMA], 0);
	CHECK_EQ(c.machine.zone_pages[ZONE_DMA32], 4096);     /* bare number: pages */
	CHECK_EQ(c.machine.zone_pages[ZONE_NORMAL], 524288);  /* 2 GiB / 4 KiB */
	CHECK_EQ(c.machine.zone_pages[ZONE_MOVABLE], 393216); /* 1.5 GiB / 4 KiB */
	CHECK_EQ(c.machine.nr_cpus, 8);
	CHECK_EQ(c.machine.min_free_kbytes, 65536);
	CHECK(c.machine.thp);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_NORMAL], 0);
	CHECK_EQ(c.machine.lowmem_reserve_ratio[ZONE_DMA], 256); /* untouched default */
	CHECK_EQ(c.policy.cma.mode, CMA_ZONE_CMA);
	CHECK_EQ(c.policy.cma.nr_regions, 3);
	CHECK_STR(c.policy.cma.regions[0].name, "camera");
	CHECK_EQ(c.policy.cma.regions[0].base_pfn, 1048576); /* 4 GiB / 4 KiB */
	CHECK_EQ(c.policy.cma.regions[0].pages, 65536);
	CHECK_EQ(c.policy.cma.regions[0].order_per_bit, 2);
	CHECK_STR(c.policy.cma.regions[1].name, "cma1");
	CHECK_EQ(c.policy.cma.regions[1].base_pfn, CONFIG_CMA_BASE_AUTO);
	CHECK_EQ(c.policy.cma.regions[1].pages, 2048);
	CHECK_STR(c.policy.cma.regions[2].name, "cma2"); /* null item: all defaults */
	CHECK_EQ(c.policy.cma.regions[2].pages, 0);
	CHECK_EQ(c.policy.reclaim, RECLAIM_CFLRU);
	CHECK_EQ(c.devices.disk_bandwidth_bps, 1073741824);
	CHECK_EQ(c.devices.disk_latency_ns, 2500000);
	CHECK_EQ(c.devices.swap_pages, 262144);
	CHECK_EQ(c.devices.swap_bandwidth_bps, 200000000);
	CHECK_EQ(c.costs.scan_page_ns, 1000000000);
	CHECK_EQ(c.costs.alloc_fast_ns, 200);
	snprintf(want, sizeof(want), "%s/traces/t.mmt.gz", tl_tmpdir()); /* relative to the file */
	CHECK_STR(c.workload.trace, want);
	CHECK_STR(c.workload.generator, "");
	CHECK_EQ(c.workload.replay, REPLAY_CLOSED);
	CHECK_STR(c.output.dir, "out"); /* not a config-relative path */
	CHECK_EQ(c.output.sample_interval_ns, 0);
	CHECK_STR(c.source, path);

	/* absolute paths are kept; dotted keys may also be written flat */
	CHECK_EQ(load_text("workload.trace: /abs/t.mmt.txt\npolicy.cma.regions.0.size: 4MiB\n", &c, &err,
			   path, sizeof(path)), 0);
	CHECK_STR(c.workload.trace, "/abs/t.mmt.txt");
	CHECK_EQ(c.policy.cma.nr_regions, 1);
	CHECK_EQ(c.policy.cma.regions[0].pages, 1024);

	/* an empty file is all defaults */
	struct config d;
	const char *which = "";
	config_defaults(&d);
	CHECK_EQ(load_text("", &c, &err, path, sizeof(path)), 0);
	CHECK(configs_equal(&c, &d, &which));
	CHECK_EQ(load_text("# nothing\nmachine:\npolicy: ~\n", &c, &err, path, sizeof(path)), 0);
	CHECK(configs_equal(&c, &d, &which));
}

static void test_load_errors(void)
{
	/* one bad value per type; col = 1 + characters before the value on its line */
	EXPECT_LOAD_ERROR("seed: -5\n", "1:7: seed: '-5' is not an unsigned integer");
	EXPECT_LOAD_ERROR("machine:\n  nr_cpus: 0\n", "2:12: machine.nr_cpus: '0' is out of range 1..1024 cpus");
	EXPECT_LOAD_ERROR("policy:\n  swappiness: 201\n", "2:15: policy.swappiness: '201' is out of range 0..200");
	EXPECT_LOAD_ERROR("machine:\n  thp: maybe\n",
			  "2:8: machine.thp: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
	EXPECT_LOAD_ERROR("machine:\n  zones:\n    normal: 12XB\n",
			  "3:13: machine.zones.normal: '12XB' is not a page count, or bytes with a binary unit: "
			  "512MiB, 4GiB, 1G");
	EXPECT_LOAD_ERROR("machine:\n  zones:\n    normal: 6000B\n",
			  "3:13: machine.zones.normal: '6000B' is not a multiple of the 4 KiB page size");
	EXPECT_LOAD_ERROR("machine:\n  zones:\n    normal: 512MB\n",
			  "3:13: machine.zones.normal: '512MB' is not a page count, or bytes with a binary unit: "
			  "512MiB, 4GiB, 1G");
	EXPECT_LOAD_ERROR("machine:\n  zones:\n    normal: 20TiB\n", /* 20 * 2^40 / 2^12 = 20 * 2^28 pages */
			  "3:13: machine.zones.normal: '20TiB' is out of range 0..4294967294 pages");
	EXPECT_LOAD_ERROR("machine:\n  min_free_kbytes: 1.5K\n",
			  "2:20: machine.min_free_kbytes: '1.5K' is not a whole number of KiB");
	EXPECT_LOAD_ERROR("costs:\n  scan_page: 5 minutes\n",
			  "2:14: costs.scan_page: '5 minutes' is not a duration: 100ns, 5us, 2ms, 1s; a bare number is ns");
	EXPECT_LOAD_ERROR("costs:\n  scan_page: 1.5ns\n", "2:14: costs.scan_page: '1.5ns' is not a whole number of ns");
	EXPECT_LOAD_ERROR("devices:\n  disk:\n    bandwidth: fast\n",
			  "3:16: devices.disk.bandwidth: 'fast' is not a bandwidth: 500MB/s, 1GiB/s; a bare number "
			  "is bytes/s");
	EXPECT_LOAD_ERROR("devices:\n  disk:\n    bandwidth: 0\n",
			  "3:16: devices.disk.bandwidth: '0' is out of range 1..1125899906842624 bytes/s");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    mode: zone-cma\n",
			  "3:11: policy.cma.mode: unknown value 'zone-cma' (expected one of: none, migrate_cma, "
			  "sticky_movable, zone_cma)");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions:\n      - base: 12.5\n",
			  "4:15: policy.cma.regions[0].base: '12.5' is not a whole number of pages");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions:\n      - name: abcdefghijabcdefghijabcdefghijabcdefghijXY\n",
			  "4:15: policy.cma.regions[0].name: 'abcdefghijabcdefghijabcdefghijabcdefghij...' is longer "
			  "than 31 bytes");
	EXPECT_LOAD_ERROR("output:\n  dir: \"a\\0b\"\n", "2:8: output.dir: value contains a NUL character");
	EXPECT_LOAD_ERROR("machine:\n  nr_cpus: ~\n", "2:12: machine.nr_cpus: missing value");

	/* keys and structure */
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    mdoe: zone_cma\n",
			  "3:5: unknown key 'policy.cma.mdoe' (did you mean 'policy.cma.mode'?)");
	EXPECT_LOAD_ERROR("machin:\n  nr_cpus: 4\n", "1:1: unknown key 'machin' (did you mean 'machine'?)");
	EXPECT_LOAD_ERROR("frobnicate: 1\n", "1:1: unknown key 'frobnicate'");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions:\n      - sise: 1GiB\n",
			  "4:9: unknown key 'policy.cma.regions[0].sise' (did you mean 'policy.cma.regions[].size'?)");
	EXPECT_LOAD_ERROR("seed:\n  a: 1\n", "2:3: seed: expected a single value, got a mapping");
	EXPECT_LOAD_ERROR("machine: 5\n", "1:10: machine: is a section; expected a mapping, got a scalar");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions: {size: 1}\n",
			  "3:14: policy.cma.regions: expected a sequence of mappings, got a mapping");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions:\n      - 5\n",
			  "4:9: policy.cma.regions[0]: expected a mapping, got a scalar");
	EXPECT_LOAD_ERROR("policy.cma.regions.1.size: 4MiB\n",
			  "1:28: policy.cma.regions.1.size: index 1 is out of range (policy.cma.regions has 0 "
			  "entries; index 0 adds one)");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions: [{}, {}, {}, {}, {}, {}, {}, {}, {}]\n",
			  "3:47: policy.cma.regions[8]: index 8 is out of range (at most 8 entries)");
	EXPECT_LOAD_ERROR("seed: 1\nseed: 2\n", "2:1: duplicate key 'seed' (first at line 1)");
	/* the same key nested and flat, in either order, and a list element both ways */
	EXPECT_LOAD_ERROR("policy: {swappiness: 10}\npolicy.swappiness: 20\n",
			  "2:1: key policy.swappiness given twice (first at 1:10)");
	EXPECT_LOAD_ERROR("policy.swappiness: 20\npolicy:\n  swappiness: 10\n",
			  "3:3: key policy.swappiness given twice (first at 1:1)");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions: [{size: 4MiB}]\npolicy.cma.regions.0.size: 8MiB\n",
			  "4:1: key policy.cma.regions.0.size given twice (first at 3:16)");
	EXPECT_LOAD_ERROR("policy:\n  cma:\n    regions: []\npolicy.cma.regions: []\n",
			  "4:1: key policy.cma.regions given twice (first at 3:5)");
	EXPECT_LOAD_ERROR("- 1\n", "1:1: the top level must be a mapping (machine:, policy:, ...), got a sequence");
	EXPECT_LOAD_ERROR("? [a]\n: 1\n", "1:3: keys must be non-empty plain strings");
	EXPECT_LOAD_ERROR("seed: 1\n---\nseed: 2\n", "2:1: only one YAML document is allowed");
	/* libyaml's own syntax message, at the ':' that cannot start a value (col 5) */
	EXPECT_LOAD_ERROR("a: b: c\n", "1:5: mapping values are not allowed in this context");
	/* a reader error has only a byte offset: byte 11 (0xff) is line 2, col 4 */
	EXPECT_LOAD_ERROR("seed: 1\nx: \xff\n", "2:4: invalid leading UTF-8 octet");

	struct config c;
	struct sim_error err = { 0 };
	CHECK_EQ(config_load(&c, "/nonexistent/mmsim/cfg.yaml", &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
	CHECK(strstr(err.msg, "/nonexistent/mmsim/cfg.yaml: cannot open") == err.msg);
}

static void test_set(void)
{
	struct config c;
	struct sim_error err = { 0 };
	char path[512];
	CHECK_EQ(load_text("policy:\n  cma:\n    mode: migrate_cma\nseed: 5\n", &c, &err, path, sizeof(path)), 0);
	CHECK_EQ(c.policy.cma.mode, CMA_MIGRATE_CMA);
	CHECK_EQ(config_set(&c, "policy.cma.mode=zone_cma", &err), 0);
	CHECK_EQ(c.policy.cma.mode, CMA_ZONE_CMA);
	CHECK_EQ(config_set(&c, " seed = 7 ", &err), 0);
	CHECK_EQ(c.seed, 7);
	CHECK_EQ(config_set(&c, "machine.zones.normal=8GiB", &err), 0);
	CHECK_EQ(c.machine.zone_pages[ZONE_NORMAL], 2097152); /* 8 * 262144 */
	CHECK_EQ(config_set(&c, "workload.trace=rel/t.mmt.gz", &err), 0);
	CHECK_STR(c.workload.trace, "rel/t.mmt.gz"); /* --set paths stay relative to the cwd */
	CHECK_EQ(config_set(&c, "output.dir=", &err), 0);
	CHECK_STR(c.output.dir, "");
	CHECK_EQ(config_set(&c, "output.dir=a=b", &err), 0); /* split at the first '=' */
	CHECK_STR(c.output.dir, "a=b");

	EXPECT_SET_ERROR(&c, "policy.cma.mode=bogus",
			 "--set policy.cma.mode=bogus: policy.cma.mode: unknown value 'bogus' (expected one of: none, "
			 "migrate_cma, sticky_movable, zone_cma)");
	CHECK_EQ(c.policy.cma.mode, CMA_ZONE_CMA); /* a rejected value changes nothing */
	EXPECT_SET_ERROR(&c, "policy.swapiness=10",
			 "--set policy.swapiness=10: unknown key 'policy.swapiness' (did you mean 'policy.swappiness'?)");
	EXPECT_SET_ERROR(&c, "seed", "--set seed: expected KEY=VALUE");
	EXPECT_SET_ERROR(&c, "machine=4", "--set machine=4: machine is a section; set one of its keys, e.g. machine.zones.dma");
	EXPECT_SET_ERROR(&c, "=4", "--set =4: unknown key ''");
	EXPECT_SET_ERROR(&c, "machine..nr_cpus=4", "--set machine..nr_cpus=4: unknown key 'machine..nr_cpus'");

	/* indexed list keys: index == count appends a region with defaults */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=256MiB", &err), 0);
	CHECK_EQ(c.policy.cma.nr_regions, 1);
	CHECK_EQ(c.policy.cma.regions[0].pages, 65536);
	CHECK_STR(c.policy.cma.regions[0].name, "cma0");
	CHECK_EQ(c.policy.cma.regions[0].base_pfn, CONFIG_CMA_BASE_AUTO);
	CHECK_EQ(config_set(&c, "policy.cma.regions[1].base=0x80000", &err), 0);
	CHECK_EQ(c.policy.cma.nr_regions, 2);
	CHECK_EQ(c.policy.cma.regions[1].base_pfn, 0x80000);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.name=cam", &err), 0);
	CHECK_STR(c.policy.cma.regions[0].name, "cam");
	CHECK_EQ(c.policy.cma.nr_regions, 2);
	EXPECT_SET_ERROR(&c, "policy.cma.regions.2.size=lots",
			 "--set policy.cma.regions.2.size=lots: policy.cma.regions.2.size: 'lots' is not a page count, "
			 "or bytes with a binary unit: 512MiB, 4GiB, 1G");
	CHECK_EQ(c.policy.cma.nr_regions, 2); /* the bad value added no region */
	EXPECT_SET_ERROR(&c, "policy.cma.regions.3.size=1",
			 "--set policy.cma.regions.3.size=1: policy.cma.regions.3.size: index 3 is out of range "
			 "(policy.cma.regions has 2 entries; index 2 adds one)");
	EXPECT_SET_ERROR(&c, "policy.cma.regions.0.sise=1",
			 "--set policy.cma.regions.0.sise=1: unknown key 'policy.cma.regions.0.sise' (did you mean "
			 "'policy.cma.regions[].size'?)");
	EXPECT_SET_ERROR(&c, "policy.cma.regions=x",
			 "--set policy.cma.regions=x: policy.cma.regions is a list; set one field "
			 "(policy.cma.regions.0.size=...) or clear it with []");
	CHECK_EQ(config_set(&c, "policy.cma.regions=[]", &err), 0);
	CHECK_EQ(c.policy.cma.nr_regions, 0);

	/* key and value apart, with the caller's location (a sweep plan) */
	CHECK_EQ(config_set_value(&c, "policy.defrag", "proactive", "plan.yaml:3:9", &err), 0);
	CHECK_EQ(c.policy.defrag, DEFRAG_PROACTIVE);
	CHECK_EQ(config_set_value(&c, "policy.defrag", "never", "plan.yaml:3:9", &err), -1);
	CHECK_STR(err.msg, "plan.yaml:3:9: policy.defrag: unknown value 'never' (expected one of: failure, threshold, "
			   "proactive)");
}

static void test_validate(void)
{
	struct config c;
	struct sim_error err = { 0 };

	config_defaults(&c);
	snprintf(c.source, sizeof(c.source), "m.yaml");
	c.machine.zone_pages[ZONE_DMA] = c.machine.zone_pages[ZONE_DMA32] = c.machine.zone_pages[ZONE_NORMAL] = 0;
	EXPECT_VALIDATE_ERROR(&c, "m.yaml: machine.zones: every zone is empty");
	c.machine.zone_pages[ZONE_MOVABLE] = 1024;
	EXPECT_VALIDATE_ERROR(&c, "m.yaml: machine.zones: only ZONE_MOVABLE has memory; unmovable allocations need "
				  "DMA, DMA32 or Normal");
	c.machine.zone_pages[ZONE_NORMAL] = 100;
	c.machine.zone_pages[ZONE_MOVABLE] = 0;
	EXPECT_VALIDATE_ERROR(&c, "m.yaml: machine.zones: 100 pages is less than one pageblock (512 pages)");

	config_defaults(&c); /* 4080 + 782336 + 4294967294 pages overflow 32-bit pfns */
	CHECK_EQ(config_set(&c, "machine.zones.normal=4294967294", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: machine.zones: 4295753710 pages exceed the 32-bit pfn space");

	config_defaults(&c); /* lowmem = 4080 + 782336 + 262144 = 1048560 pages = 4194240 KiB */
	CHECK_EQ(config_set(&c, "machine.min_free_kbytes=4194240", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: machine.min_free_kbytes: 4194240 KiB is not below the 4194240 KiB of DMA, "
				  "DMA32 and Normal");
	CHECK_EQ(config_set(&c, "machine.min_free_kbytes=4194236", &err), 0); /* 1048559 pages */
	CHECK_EQ(sim_validate(&c, &err), 0);

	config_defaults(&c);
	CHECK_EQ(config_set(&c, "workload.trace=a", &err), 0);
	CHECK_EQ(config_set(&c, "workload.generator=b", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: workload.trace and workload.generator are both set; give one");

	config_defaults(&c);
	CHECK_EQ(config_set(&c, "policy.cma.mode=migrate_cma", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.mode is migrate_cma but policy.cma.regions is empty");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.name=", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0].name is empty");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.name=x", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0].size must be set and > 0");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=1MiB", &err), 0); /* 256 pages < 512 */
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0].size: 256 pages is not a multiple of 512 pages "
				  "(pageblock / order_per_bit alignment)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=2MiB", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=100", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0].base: pfn 100 is not aligned to a 512-page pageblock");
	/* order_per_bit 10 raises the size granule to 1024 pages */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=auto", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.order_per_bit=10", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0].size: 512 pages is not a multiple of 1024 pages "
				  "(pageblock / order_per_bit alignment)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.order_per_bit=0", &err), 0);
	CHECK_EQ(sim_validate(&c, &err), 0);
	/* Layout as mm builds it, zones rounded up to 1024-page blocks: DMA 0..4079 (span
	 * to 4095), DMA32 4096..786431, Normal 786432..1048575.  785920 + 1024 pages
	 * crosses from DMA32 into Normal. */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=785920", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=1024", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0]: pfns 785920..786943 span zones DMA32 and Normal; "
				  "the kernel refuses a CMA area that crosses a zone (cma_activate_area)");
	/* 3584..4095 ends in DMA's hole (4080..4095) */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=3584", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=512", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0]: pfns 3584..4095 reach into the hole after a zone's "
				  "present pages (zones span whole 1024-page blocks)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=3072", &err), 0); /* 3072..3583: inside DMA */
	CHECK_EQ(sim_validate(&c, &err), 0);
	/* memory ends at pfn 1048576; 1048064 + 1024 runs past it */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=1048064", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=1024", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0]: pfns 1048064..1049087 extend past the end of "
				  "memory (pfn 1048576)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=4GiB", &err), 0); /* pfn 1048576 */
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0]: pfns 1048576..1049599 extend past the end of "
				  "memory (pfn 1048576)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=1040384", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.base=1039872", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.size=1024", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[1] (pfn 1039872..1040895) overlaps regions[0] (pfn "
				  "1040384..1041407)");
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.name=x", &err), 0);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[1].name 'x' is also the name of regions[0]");
}

/* The layout mm_init builds (sim/mm/zone.c), one figure at a time. */
static uint64_t zone_start_pfn(const struct config *c, enum zone_type zt)
{
	struct mm_layout l;
	mm_layout_compute(c, &l);
	return l.start[zt];
}

static uint64_t cma_region_base_pfn(const struct config *c, unsigned i)
{
	struct mm_layout l;
	mm_layout_compute(c, &l);
	return l.cma_base[i];
}

/* Placement as mm does it, worked out on the default machine: Normal holds pfns
 * 786432..1048575 (DMA 4080 pages spans 4096, DMA32 782336 pages spans 782336). */
static void test_auto_placement(void)
{
	struct config c;
	struct sim_error err = { 0 };
	config_defaults(&c);
	CHECK_EQ(zone_start_pfn(&c, ZONE_DMA), 0);
	CHECK_EQ(zone_start_pfn(&c, ZONE_DMA32), 4096);
	CHECK_EQ(zone_start_pfn(&c, ZONE_NORMAL), 786432);
	CHECK_EQ(zone_start_pfn(&c, ZONE_MOVABLE), 1048576);
	CHECK_EQ(zone_start_pfn(&c, ZONE_CMA), 1048576);

	/* auto regions pack down from the top of Normal, in order */
	CHECK_EQ(config_set(&c, "policy.cma.mode=migrate_cma", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=256MiB", &err), 0); /* 65536 pages */
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.size=512MiB", &err), 0); /* 131072 */
	CHECK_EQ(config_set(&c, "policy.cma.regions.2.size=64MiB", &err), 0);  /* 16384 */
	CHECK_EQ(cma_region_base_pfn(&c, 0), 983040); /* 1048576 - 65536 */
	CHECK_EQ(cma_region_base_pfn(&c, 1), 851968); /* 983040 - 131072 */
	CHECK_EQ(cma_region_base_pfn(&c, 2), 835584); /* 851968 - 16384 */
	CHECK_EQ(sim_validate(&c, &err), 0);
	/* what is left of Normal: 835584 - 786432 = 49152 pages fit exactly, then nothing */
	CHECK_EQ(config_set(&c, "policy.cma.regions.3.size=49152", &err), 0);
	CHECK_EQ(cma_region_base_pfn(&c, 3), 786432);
	CHECK_EQ(sim_validate(&c, &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.4.size=512", &err), 0);
	CHECK_EQ(cma_region_base_pfn(&c, 4), MM_CMA_NO_FIT);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[4]: 512 pages do not fit in zone Normal (base: auto "
				  "packs regions down from its top)");

	/* auto placement does not step around an explicit region: overlap is an error */
	config_defaults(&c);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.base=1040384", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=512", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.size=65536", &err), 0);
	CHECK_EQ(cma_region_base_pfn(&c, 0), 1040384);
	CHECK_EQ(cma_region_base_pfn(&c, 1), 983040);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[1] (pfn 983040..1048575) overlaps regions[0] (pfn "
				  "1040384..1040895)");

	/* zone_cma: 65536 + 512 pages leave Normal with 196096 present pages, spanning
	 * 196608 (192 blocks of 1024); Movable is empty, so ZONE_CMA starts at
	 * 786432 + 196608 = 983040 and the regions are packed there, bases ignored */
	config_defaults(&c);
	CHECK_EQ(config_set(&c, "policy.cma.mode=zone_cma", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=65536", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.size=512", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.base=1024", &err), 0);
	CHECK_EQ(zone_start_pfn(&c, ZONE_MOVABLE), 983040);
	CHECK_EQ(zone_start_pfn(&c, ZONE_CMA), 983040);
	CHECK_EQ(cma_region_base_pfn(&c, 0), 983040);
	CHECK_EQ(cma_region_base_pfn(&c, 1), 1048576);
	CHECK_EQ(sim_validate(&c, &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=1GiB", &err), 0); /* 262144 + 512 > 262144 */
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions: 262656 pages in all exceed the 262144 pages of "
				  "zone Normal, from which zone_cma carves ZONE_CMA");

	/* 8 GiB cannot fit */
	config_defaults(&c);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=8GiB", &err), 0);
	CHECK_EQ(cma_region_base_pfn(&c, 0), MM_CMA_NO_FIT);
	EXPECT_VALIDATE_ERROR(&c, "config: policy.cma.regions[0]: 2097152 pages do not fit in zone Normal (base: auto "
				  "packs regions down from its top)");
}

/* A minimal JSON syntax checker (RFC 8259 values), enough to prove the echo parses. */
struct jp {
	const char *p;
	int depth;
};

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static bool jp_value(struct jp *j);

static bool jp_string(struct jp *j)
{
	if (*j->p++ != '"')
		return false;
	while (*j->p != '"') {
		unsigned char ch = (unsigned char)*j->p;
		if (!ch || ch < 0x20)
			return false;
		if (ch == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
						return false;
				j->p += 4;
			} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
				return false;
			}
		}
		j->p++;
	}
	j->p++;
	return true;
}

static bool jp_value(struct jp *j)
{
	jp_ws(j);
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		bool obj = close == '}';
		j->p++;
		jp_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			jp_ws(j);
			if (obj) {
				if (!jp_string(j))
					return false;
				jp_ws(j);
				if (*j->p++ != ':')
					return false;
			}
			if (!jp_value(j))
				return false;
			jp_ws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return false;
			return true;
		}
	}
	if (*j->p == '"')
		return jp_string(j);
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "null", 4)) {
		j->p += 4;
		return true;
	}
	if (!strncmp(j->p, "false", 5)) {
		j->p += 5;
		return true;
	}
	if (*j->p >= '0' && *j->p <= '9') { /* the echo only writes unsigned integers */
		if (*j->p == '0' && j->p[1] >= '0' && j->p[1] <= '9')
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
		return true;
	}
	return false;
}

static bool json_valid(const char *s)
{
	struct jp j = { .p = s };
	if (!jp_value(&j))
		return false;
	jp_ws(&j);
	return !*j.p;
}

static char *json_of(const struct config *c, int indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	config_write_json(c, fp, indent);
	fclose(fp);
	return buf;
}

static void test_json(void)
{
	struct config c, back;
	struct sim_error err = { 0 };
	const char *which = "";

	config_defaults(&c);
	char *js = json_of(&c, 0);
	CHECK(json_valid(js));
	/* the head of the echo, written out by hand from the table order and defaults */
	const char *head = "{\n"
			   "  \"seed\": 1,\n"
			   "  \"machine\": {\n"
			   "    \"zones\": {\n"
			   "      \"dma\": 4080,\n"
			   "      \"dma32\": 782336,\n"
			   "      \"normal\": 262144,\n"
			   "      \"movable\": 0\n"
			   "    },\n"
			   "    \"nr_cpus\": 2,\n";
	CHECK(!strncmp(js, head, strlen(head)));
	CHECK(strstr(js, "\n  \"policy\": {\n    \"cma\": {\n      \"mode\": \"none\",\n"));
	CHECK(strstr(js, "      \"pin_migrate\": true,\n      \"regions\": []\n    },\n    \"reclaim\": \"classic\","));
	CHECK(strstr(js, "\n  \"output\": {\n    \"dir\": \"\",\n    \"sample_interval\": 100000000\n  }\n}") != NULL);
	CHECK(js[strlen(js) - 1] == '}');
	free(js);

	/* strings are escaped; regions become an array; auto stays a name */
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.name=a\"b\\c\x01", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.0.size=2MiB", &err), 0);
	CHECK_EQ(config_set(&c, "policy.cma.regions.1.base=512", &err), 0);
	CHECK_EQ(config_set(&c, "output.dir=tab\there", &err), 0);
	/* characters YAML would fold or refuse raw are escaped; others stay UTF-8 (é) */
	CHECK_EQ(config_set(&c, "workload.trace=nel\xc2\x85 ls\xe2\x80\xa8 c1\xc2\x80 bom\xef\xbb\xbf \xc3\xa9", &err), 0);
	js = json_of(&c, 2);
	CHECK(json_valid(js));
	CHECK(strstr(js, "        \"regions\": [\n"
			 "          {\n"
			 "            \"name\": \"a\\\"b\\\\c\\u0001\",\n"
			 "            \"base\": \"auto\",\n"
			 "            \"size\": 512,\n"
			 "            \"order_per_bit\": 0\n"
			 "          },\n"
			 "          {\n"
			 "            \"name\": \"cma1\",\n"
			 "            \"base\": 512,\n"));
	CHECK(strstr(js, "\"dir\": \"tab\\there\""));
	CHECK(strstr(js, "\"trace\": \"nel\\u0085 ls\\u2028 c1\\u0080 bom\\ufeff \xc3\xa9\""));
	CHECK(!strcmp(js + strlen(js) - 4, "\n  }")); /* closing brace at the given indent */
	/* the echo is itself a config: load it back and compare every key */
	CHECK_EQ(config_load_buffer(&back, "echo.json", js, strlen(js), &err), 0);
	if (err.msg[0])
		fprintf(stderr, "%s\n", err.msg);
	CHECK(configs_equal(&c, &back, &which));
	if (!configs_equal(&c, &back, &which))
		fprintf(stderr, "differs at %s\n", which);
	free(js);

	/* a field filled directly with bytes that are not UTF-8 still echoes valid JSON */
	snprintf(c.output.dir, sizeof(c.output.dir), "a\xff\xc3");
	js = json_of(&c, 0);
	CHECK(json_valid(js));
	CHECK(strstr(js, "\"dir\": \"a\\ufffd\\ufffd\""));
	free(js);
}

/* Random values for every key through --set, echoed to JSON and loaded back. */
static void test_json_roundtrip_random(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, tl_test_seed());
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	for (int round = 0; round < 200; round++) {
		struct config c, back;
		struct sim_error err = { 0 };
		const char *which = "";
		config_defaults(&c);
		unsigned nr_regions = (unsigned)gsl_rng_uniform_int(r, CONFIG_MAX_CMA_REGIONS + 1);
		for (size_t i = 0; i < nr; i++) {
			const struct config_key *k = &keys[i];
			for (unsigned e = 0; e < (k->list ? MIN(nr_regions, k->list->max) : 1); e++) {
				char key[300], val[200];
				uint64_t span = k->max - k->min;
				uint64_t x = (uint64_t)gsl_rng_get(r) << 32 | gsl_rng_get(r);
				uint64_t v = span == UINT64_MAX ? x : k->min + x % (span + 1);
				if (k->list) { /* "policy.cma.regions[].size" -> "policy.cma.regions.<e>.size" */
					const char *br = strstr(k->path, "[]");
					snprintf(key, sizeof(key), "%.*s.%u%s", (int)(br - k->path), k->path, e, br + 2);
				} else {
					snprintf(key, sizeof(key), "%s", k->path);
				}
				switch (k->type) {
				case CFG_BOOL:
					snprintf(val, sizeof(val), "%s", v & 1 ? "on" : "false");
					break;
				case CFG_ENUM:
					snprintf(val, sizeof(val), "%s", k->names[gsl_rng_uniform_int(r, k->nr_names)]);
					break;
				case CFG_STRING:
				case CFG_PATH: {
					/* YAML and JSON specials, and UTF-8 that YAML folds or refuses raw */
					static const char *const tokens[] = {
						"a", "b", "/", ".", " ", "\"", "\\", ":", "#", "{", "}", "[", "]", ",",
						"&", "*", "!", "|", ">", "'", "%", "@", "`", "-", "\t", "\x01", "\x7f",
						"\xc3\xa9", "\xc2\x85", "\xc2\x80", "\xe2\x80\xa8", "\xef\xbb\xbf",
						"\xef\xbf\xbf", "\xf0\x9f\x98\x80",
					};
					size_t limit = MIN(k->size - 1, 40), len = 0;
					unsigned nr_tokens = (unsigned)gsl_rng_uniform_int(r, 16);
					for (unsigned n = 0; n < nr_tokens; n++) {
						const char *t = tokens[gsl_rng_uniform_int(r, ARRAY_SIZE(tokens))];
						if (len + strlen(t) > limit)
							break;
						memcpy(val + len, t, strlen(t));
						len += strlen(t);
					}
					val[len] = '\0';
					/* --set trims blanks at the ends, so keep them inside */
					if (len && (val[0] == ' ' || val[0] == '\t'))
						val[0] = 'x';
					if (len && (val[len - 1] == ' ' || val[len - 1] == '\t'))
						val[len - 1] = 'y';
					break;
				}
				default:
					snprintf(val, sizeof(val), "%" PRIu64, v);
					break;
				}
				char assignment[600];
				snprintf(assignment, sizeof(assignment), "%s=%s", key, val);
				if (config_set(&c, assignment, &err) < 0) {
					fprintf(stderr, "%s\n", err.msg);
					CHECK(!"set");
				}
			}
		}
		CHECK_EQ(c.policy.cma.nr_regions, nr_regions);
		char *js = json_of(&c, round % 5);
		CHECK(json_valid(js));
		CHECK_EQ(config_load_buffer(&back, "echo.json", js, strlen(js), &err), 0);
		bool same = configs_equal(&c, &back, &which);
		CHECK(same);
		if (!same || err.msg[0]) {
			fprintf(stderr, "round %d differs at %s: %s\n%s\n", round, which, err.msg, js);
			free(js);
			break;
		}
		free(js);
	}
	gsl_rng_free(r);
}

/* configs/default.yaml spells out every default: loading it changes nothing, except that
 * it names the default workload (workloads/churn.yaml, resolved against configs/). */
static void test_default_yaml(void)
{
	char path[1024];
	struct config c, d;
	struct sim_error err = { 0 };
	const char *which = "";
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	snprintf(path, sizeof(path), "%s/configs/default.yaml", tl_srcdir());
	CHECK_EQ(config_load(&c, path, &err), 0);
	if (err.msg[0])
		fprintf(stderr, "%s\n", err.msg);
	config_defaults(&d);
	char churn[CONFIG_PATH_MAX];
	snprintf(churn, sizeof(churn), "%s/configs/../workloads/churn.yaml", tl_srcdir());
	CHECK_STR(c.workload.generator, churn);
	snprintf(d.workload.generator, sizeof(d.workload.generator), "%s", c.workload.generator);
	CHECK(configs_equal(&c, &d, &which));
	CHECK_EQ(sim_validate(&c, &err), 0);
	char *text = tl_read_file(path, NULL);
	CHECK(text != NULL);
	for (size_t i = 0; text && i < nr; i++) {
		const char *leaf = strrchr(keys[i].path, '.');
		char want[128];
		snprintf(want, sizeof(want), "%s:", leaf ? leaf + 1 : keys[i].path);
		if (!strstr(text, want)) {
			fprintf(stderr, "configs/default.yaml lacks %s\n", keys[i].path);
			CHECK(!"default.yaml mentions every key");
		}
	}
	free(text);
}

/* configs/README.md carries the key table generated from config_keys.c; --update
 * rewrites it. */
static void test_readme(void)
{
	static const char begin[] = "<!-- keys:begin (generated by tests/test_config.c --update) -->\n";
	static const char end[] = "<!-- keys:end -->\n";
	char path[1024];
	snprintf(path, sizeof(path), "%s/configs/README.md", tl_srcdir());
	char *text = tl_read_file(path, NULL);
	CHECK(text != NULL);
	if (!text)
		return;
	char *b = strstr(text, begin), *e = strstr(text, end);
	CHECK(b && e && b < e);
	if (!b || !e || e < b) {
		free(text);
		return;
	}
	char *gen = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&gen, &len);
	config_keys_markdown(fp);
	fclose(fp);
	char *cur = b + strlen(begin);
	bool same = (size_t)(e - cur) == len && !memcmp(cur, gen, len);
	if (!same && tl_updating()) {
		FILE *out = fopen(path, "wb");
		if (out) {
			fwrite(text, 1, (size_t)(cur - text), out);
			fwrite(gen, 1, len, out);
			fputs(e, out);
			fclose(out);
			printf("     rewrote %s\n", path);
			same = true;
		}
	}
	if (!same)
		fprintf(stderr, "configs/README.md key table is stale: rerun test_config --update\n");
	CHECK(same);
	free(gen);
	free(text);
}

static void test_yamlutil(void)
{
	yaml_document_t doc;
	struct sim_error err = { 0 };
	const char *text = "a: 1\nb:\n  c: \"x\"\nd: ~\ne: ''\nf: [1]\n";
	CHECK_EQ(yamlutil_load_string(&doc, "mem", text, strlen(text), &err), 0);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	CHECK_STR(yamlutil_scalar(yamlutil_map_get(&doc, root, "a")), "1");
	yaml_node_t *b = yamlutil_map_get(&doc, root, "b");
	CHECK_STR(yamlutil_kind(b), "mapping");
	yaml_node_t *c = yamlutil_map_get(&doc, b, "c");
	CHECK_STR(yamlutil_scalar(c), "x");
	CHECK_EQ(yamlutil_line(c), 3); /* "  c: "x"": the value starts at col 6 */
	CHECK_EQ(yamlutil_col(c), 6);
	CHECK(yamlutil_is_null(yamlutil_map_get(&doc, root, "d")));
	CHECK(!yamlutil_is_null(yamlutil_map_get(&doc, root, "e"))); /* quoted: a real empty string */
	CHECK(yamlutil_map_get(&doc, root, "zz") == NULL);
	CHECK(yamlutil_map_get(&doc, c, "a") == NULL); /* not a mapping */
	CHECK(yamlutil_scalar(yamlutil_map_get(&doc, root, "f")) == NULL);
	CHECK_STR(yamlutil_kind(yamlutil_map_get(&doc, root, "f")), "sequence");
	CHECK_EQ(yamlutil_error(&err, EX_DATAERR_, "w.yaml", c, "bad %s", "thing"), -1);
	CHECK_STR(err.msg, "w.yaml:3:6: bad thing");
	CHECK_EQ(err.code, EX_DATAERR_);
	yamlutil_error(&err, EX_CONFIG_, "w.yaml", NULL, "no place");
	CHECK_STR(err.msg, "w.yaml: no place");
	yaml_document_delete(&doc);

	CHECK_EQ(yamlutil_load_string(&doc, "mem", "a: [\n", 5, &err), -1);
	CHECK_EQ(err.code, EX_CONFIG_);
	CHECK(!strncmp(err.msg, "mem:2:1: ", 9)); /* the flow sequence is unterminated at EOF (line 2) */
	CHECK_EQ(yamlutil_load_file(&doc, "/nonexistent/x.yaml", &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_defaults);
	RUN(test_table);
	RUN(test_parse_size);
	RUN(test_parse_duration);
	RUN(test_load_values);
	RUN(test_load_errors);
	RUN(test_set);
	RUN(test_validate);
	RUN(test_auto_placement);
	RUN(test_json);
	RUN(test_json_roundtrip_random);
	RUN(test_default_yaml);
	RUN(test_readme);
	RUN(test_yamlutil);
	return TEST_END();
}
