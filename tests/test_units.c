/* test_units.c — sim/lib/units: one table of spellings read by every reader of a size,
 * duration or bandwidth (the parser itself, a config key from YAML, config --set, a sweep
 * plan's override, a workload parameter from YAML and from --set): each reader must give
 * the same value, converted to its own base unit, or refuse the spelling. */
#include "config/config.h"
#include "config/config_keys.h"
#include "config/plan.h"
#include "lib/units.h"
#include "trace/trace.h"
#include "workload/workload.h"
#include "testlib.h"

enum kind { SIZE, DUR, BW };

struct row {
	const char *text;
	enum kind kind;
	enum units_status st;
	uint64_t value; /* bytes, ns or bytes/s when st == UNITS_OK */
	bool has_unit;  /* sizes: false for a bare number */
};

/* Hand-derived: binary multiples for sizes (K = 1024), decimal MB only with "/s". */
static const struct row rows[] = {
	{ "4096", SIZE, UNITS_OK, 4096, false },
	{ "0x1000", SIZE, UNITS_OK, 4096, false },
	{ "4KiB", SIZE, UNITS_OK, 4096, true },
	{ "4kib", SIZE, UNITS_OK, 4096, true },
	{ "4 KiB", SIZE, UNITS_OK, 4096, true },
	{ "8K", SIZE, UNITS_OK, 8192, true },
	{ "2M", SIZE, UNITS_OK, 2097152, true },
	{ "512mib", SIZE, UNITS_OK, 536870912, true },
	{ "1G", SIZE, UNITS_OK, 1073741824, true },
	{ "1.5GiB", SIZE, UNITS_OK, 1610612736, true },
	{ "500MB", SIZE, UNITS_SYNTAX, 0, false },  /* 10^6 or 2^20? refused */
	{ "4GB", SIZE, UNITS_SYNTAX, 0, false },
	{ "1.5", SIZE, UNITS_INEXACT, 0, false },   /* 1.5 of the bare unit */
	{ "-4KiB", SIZE, UNITS_SYNTAX, 0, false },
	{ "1e6", SIZE, UNITS_SYNTAX, 0, false },
	{ "KiB", SIZE, UNITS_SYNTAX, 0, false },
	{ "4 ", SIZE, UNITS_SYNTAX, 0, false },
	{ "20000000T", SIZE, UNITS_OVERFLOW, 0, false }, /* 2e7 * 2^40 > 2^64 */
	{ "100ns", DUR, UNITS_OK, 100, true },
	{ "5us", DUR, UNITS_OK, 5000, true },
	{ "5\xc2\xb5s", DUR, UNITS_OK, 5000, true },
	{ "2.5us", DUR, UNITS_OK, 2500, true },
	{ "2ms", DUR, UNITS_OK, 2000000, true },
	{ "1s", DUR, UNITS_OK, 1000000000, true },
	{ "1.5s", DUR, UNITS_OK, 1500000000, true },
	{ "250", DUR, UNITS_OK, 250, false },
	{ "1.5ns", DUR, UNITS_INEXACT, 0, false },
	{ "1min", DUR, UNITS_SYNTAX, 0, false },
	{ "2MS", DUR, UNITS_SYNTAX, 0, false },
	{ "500MB/s", BW, UNITS_OK, 500000000, true },
	{ "1GiB/s", BW, UNITS_OK, 1073741824, true },
	{ "64kB/s", BW, UNITS_OK, 64000, true },
	{ "200MiB", BW, UNITS_OK, 209715200, true },
	{ "200mib", BW, UNITS_OK, 209715200, true },
	{ "8192", BW, UNITS_OK, 8192, false },
	{ "500MB", BW, UNITS_SYNTAX, 0, false },
	{ "500mb/s", BW, UNITS_SYNTAX, 0, false },
	{ "fast", BW, UNITS_SYNTAX, 0, false },
};

/* The config key, the workload (generator, key) and the meta key each kind is tried on. */
static const struct {
	const char *cfg_key, *generator, *wl_key, *wl_extra;
} readers[] = {
	[SIZE] = { "machine.zones.normal", "anon_ws", "wss", "records: 1\n" },
	[DUR] = { "devices.disk.latency", "highalloc", "warmup", "records: 1\n" },
	[BW] = { "devices.disk.bandwidth", "stream_write", "bandwidth", "records: 1\n" },
};

/* The config's stored value: pages for a size key (a bare number is pages already). */
static uint64_t config_expect(const struct row *r)
{
	if (r->kind == SIZE && r->has_unit)
		return r->value / PAGE_SIZE;
	return r->value;
}

static uint64_t config_field(const struct config *c, enum kind k)
{
	switch (k) {
	case SIZE:
		return c->machine.zone_pages[ZONE_NORMAL];
	case DUR:
		return c->devices.disk_latency_ns;
	default:
		return c->devices.disk_bandwidth_bps;
	}
}

static void test_parser(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		uint64_t v = 0;
		bool has_unit = false;
		enum units_status st = r->kind == SIZE  ? units_parse_size(r->text, &v, &has_unit)
				       : r->kind == DUR ? units_parse_duration(r->text, &v, &has_unit)
							: units_parse_bandwidth(r->text, &v);
		if (st != r->st || (st == UNITS_OK && v != r->value))
			fprintf(stderr, "row '%s': status %d value %" PRIu64 "\n", r->text, st, v);
		CHECK_EQ(st, r->st);
		if (st == UNITS_OK) {
			CHECK_EQ(v, r->value);
			if (r->kind == SIZE)
				CHECK_EQ(has_unit, r->has_unit);
		}
	}
	uint64_t v;
	CHECK_EQ(units_parse_count("60", &v), UNITS_OK);
	CHECK_EQ(v, 60);
	CHECK_EQ(units_parse_count("0xff", &v), UNITS_OK);
	CHECK_EQ(v, 255);
	CHECK_EQ(units_parse_count("60s", &v), UNITS_SYNTAX);
	CHECK_EQ(units_parse_count("18446744073709551616", &v), UNITS_OVERFLOW);
}

static void test_config_readers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		const char *key = readers[r->kind].cfg_key;
		bool ok = r->st == UNITS_OK;
		struct sim_error err = { 0 };
		char buf[512];
		/* YAML: the dotted key as nested mappings, the value quoted as written */
		char a[64], b[64], c[64];
		sscanf(key, "%63[^.].%63[^.].%63s", a, b, c);
		snprintf(buf, sizeof(buf), "%s:\n  %s:\n    %s: \"%s\"\n", a, b, c, r->text);
		struct config cfg;
		config_defaults(&cfg);
		int rc = config_load_buffer(&cfg, "t.yaml", buf, strlen(buf), &err);
		if ((rc == 0) != ok)
			fprintf(stderr, "config yaml '%s': rc %d %s\n", r->text, rc, err.msg);
		CHECK_EQ(rc == 0, ok);
		if (ok)
			CHECK_EQ(config_field(&cfg, r->kind), config_expect(r));
		else
			CHECK_EQ(err.code, EX_CONFIG_);

		/* --set (which trims blanks around the value, so "4 " is "4" there) */
		config_defaults(&cfg);
		snprintf(buf, sizeof(buf), "%s=%s", key, r->text);
		rc = config_set(&cfg, buf, &err);
		if (strcmp(r->text, "4 ")) {
			CHECK_EQ(rc == 0, ok);
			if (ok)
				CHECK_EQ(config_field(&cfg, r->kind), config_expect(r));
		}

		/* a sweep plan's override, applied as the sweep applies it */
		struct plan plan;
		snprintf(buf, sizeof(buf), "base: b.yaml\nset:\n  %s: \"%s\"\n", key, r->text);
		CHECK_EQ(plan_parse(&plan, "p.yaml", buf, strlen(buf), &err), 0);
		if (plan.nr_fixed == 1) {
			config_defaults(&cfg);
			rc = config_set_value(&cfg, plan.fixed[0].key, plan.fixed[0].value, "p.yaml:3:3",
					      &err);
			CHECK_EQ(rc == 0, ok);
			if (ok)
				CHECK_EQ(config_field(&cfg, r->kind), config_expect(r));
			plan_free(&plan);
		}
	}
}

/* The workload's effective value, read back from its provenance (param.KEY), which is
 * written in units that parse back with the same grammar. */
static bool workload_value(const char *yaml, const char *set, const char *key, enum kind k,
			   uint64_t *v)
{
	const char *sets[] = { set };
	struct workload_overrides ov = { .sets = sets, .nr_sets = set ? 1 : 0 };
	struct sim_error err = { 0 };
	struct workload *w = workload_open_mem("t.yaml", yaml, strlen(yaml), &ov, &err);
	if (!w)
		return false;
	struct trace_header *h = calloc(1, sizeof(*h));
	workload_fill_header(w, h);
	char mk[64];
	snprintf(mk, sizeof(mk), "param.%s", key);
	const char *text = trace_meta_get(h, mk);
	bool has_unit;
	CHECK(text != NULL);
	enum units_status st = k == SIZE  ? units_parse_size(text, v, &has_unit)
			       : k == DUR ? units_parse_duration(text, v, &has_unit)
					  : units_parse_bandwidth(text, v);
	CHECK_EQ(st, UNITS_OK);
	free(h);
	workload_close(w);
	return true;
}

static void test_workload_readers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		bool ok = r->st == UNITS_OK;
		/* a workload size is bytes (bare too), held as pages rounded up */
		uint64_t want = r->kind == SIZE ? (r->value + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
						: r->value;
		char yaml[256], set[128];
		uint64_t v = 0;
		snprintf(yaml, sizeof(yaml), "generator: %s\n%s%s: \"%s\"\n", readers[r->kind].generator,
			 readers[r->kind].wl_extra, readers[r->kind].wl_key, r->text);
		bool got = workload_value(yaml, NULL, readers[r->kind].wl_key, r->kind, &v);
		if (got != ok)
			fprintf(stderr, "workload yaml '%s': %s\n", r->text, got ? "accepted" : "refused");
		CHECK_EQ(got, ok);
		if (ok && got)
			CHECK_EQ(v, want);
		snprintf(yaml, sizeof(yaml), "generator: %s\n%s", readers[r->kind].generator,
			 readers[r->kind].wl_extra);
		snprintf(set, sizeof(set), "%s=%s", readers[r->kind].wl_key, r->text);
		got = workload_value(yaml, set, readers[r->kind].wl_key, r->kind, &v);
		CHECK_EQ(got, ok);
		if (ok && got)
			CHECK_EQ(v, want);
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_parser);
	RUN(test_config_readers);
	RUN(test_workload_readers);
	return TEST_END();
}
