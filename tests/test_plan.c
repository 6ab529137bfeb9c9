/* Sweep plans (plan.c): matrix / zip / exclude expansion, ids, seeds, shards, errors.
 * Expected expansions are enumerated by hand in the comments. */
#include "config/plan.h"
#include "lib/splitmix.h"

#include "testlib.h"

static int parse(struct plan *p, const char *text, struct sim_error *err)
{
	return plan_parse(p, "dir/plan.yaml", text, strlen(text), err);
}

/* Render a point's sets as "k=v k=v". */
static const char *sets_str(const struct plan_point *pt)
{
	static char buf[512];
	buf[0] = 0;
	for (unsigned i = 0; i < pt->nr_sets; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, pt->sets[i].key);
		strcat(buf, "=");
		strcat(buf, pt->sets[i].value);
	}
	return buf;
}

static void test_matrix(void)
{
	struct plan p;
	struct sim_error err = { 0 };
	int rc = parse(&p, "base: ../default.yaml\n"
			   "matrix:\n"
			   "  policy.cma.mode: [none, migrate_cma]\n"
			   "  machine.zones.normal: [1GiB, 2GiB, 4GiB]\n"
			   "repeat: 2\nseed: 7\n", &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK_STR(p.base, "dir/../default.yaml");
	CHECK_EQ(p.seed, 7);
	/* 2 x 3 points, first key outermost; 2 repeats each */
	CHECK_EQ(p.nr_points, 6);
	CHECK_EQ(p.nr_units, 12);
	CHECK_STR(sets_str(&p.points[0]), "policy.cma.mode=none machine.zones.normal=1GiB");
	CHECK_STR(sets_str(&p.points[2]), "policy.cma.mode=none machine.zones.normal=4GiB");
	CHECK_STR(sets_str(&p.points[3]), "policy.cma.mode=migrate_cma machine.zones.normal=1GiB");
	CHECK_STR(p.points[5].id, "policy.cma.mode=migrate_cma,machine.zones.normal=4GiB");
	/* each set knows where its value is written.  Line 4 is
	 * "  machine.zones.normal: [1GiB, 2GiB, 4GiB]": 2 spaces + 20-char key + ": [" puts
	 * 1GiB at column 26, 2GiB at 32, 4GiB at 38.  Line 3 "  policy.cma.mode: [none, ...":
	 * 2 + 15 + 3 puts none at 21 and migrate_cma (after "none, ") at 27. */
	CHECK_EQ(p.points[5].sets[1].line, 4);
	CHECK_EQ(p.points[5].sets[1].col, 38);
	CHECK_EQ(p.points[5].sets[0].line, 3);
	CHECK_EQ(p.points[5].sets[0].col, 27);
	/* canonical form sorts keys: machine.* before policy.* */
	CHECK_STR(p.points[0].canon, "machine.zones.normal=1GiB\npolicy.cma.mode=none\n");
	CHECK_EQ(p.units[3].point, 1);
	CHECK_EQ(p.units[3].repeat, 1);
	/* seeds: the documented formula, distinct per repeat and per point */
	CHECK(p.units[0].seed == plan_seed(7, p.points[0].canon, 0));
	CHECK(p.units[1].seed == plan_seed(7, p.points[0].canon, 1));
	CHECK(p.units[0].seed != p.units[1].seed);
	CHECK(p.units[0].seed != p.units[2].seed);
	CHECK(p.units[0].seed < (1ull << 53));
	plan_free(&p);
}

static void test_zip_exclude(void)
{
	struct plan p;
	struct sim_error err = { 0 };
	/* a and c are zipped (a=1,c=x / a=2,c=y / a=3,c=z) and live where a is, before b;
	 * the 3 x 2 = 6 combinations minus (a=2,b=q) [exclude names a and b] minus every b=r
	 * with a=3 [second entry] leaves: (1,x,p) (1,x,q)... enumerated:
	 *   a=1 c=x b=p, a=1 c=x b=q, a=2 c=y b=p, a=3 c=z b=q  -> 4 points  */
	int rc = parse(&p, "base: /abs/base.yaml\n"
			   "set: {machine.nr_cpus: 4}\n"
			   "matrix: {a: [1, 2, 3], b: [p, q], c: [x, y, z]}\n"
			   "zip: [[a, c]]\n"
			   "exclude:\n  - {a: 2, b: q}\n  - {c: z, b: p}\n", &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK_STR(p.base, "/abs/base.yaml");
	CHECK_EQ(p.nr_dims, 2);
	CHECK_EQ(p.nr_points, 4);
	CHECK_EQ(p.nr_units, 4);
	CHECK_STR(sets_str(&p.points[0]), "machine.nr_cpus=4 a=1 c=x b=p");
	CHECK_STR(sets_str(&p.points[1]), "machine.nr_cpus=4 a=1 c=x b=q");
	CHECK_STR(sets_str(&p.points[2]), "machine.nr_cpus=4 a=2 c=y b=p");
	CHECK_STR(sets_str(&p.points[3]), "machine.nr_cpus=4 a=3 c=z b=q");
	/* the id leaves out fixed sets */
	CHECK_STR(p.points[3].id, "a=3,c=z,b=q");
	CHECK(plan_sets_match(p.points[3].sets, p.points[3].nr_sets, "b=q,a=3"));
	CHECK(plan_sets_match(p.points[3].sets, p.points[3].nr_sets, "nr_cpus=4"));
	CHECK(!plan_sets_match(p.points[3].sets, p.points[3].nr_sets, "b=p"));
	CHECK(!plan_sets_match(p.points[3].sets, p.points[3].nr_sets, "cpus=4"));
	plan_free(&p);

	/* no matrix: a single point called "base" */
	rc = parse(&p, "base: b.yaml\nrepeat: 3\n", &err);
	CHECK_EQ(rc, 0);
	CHECK_EQ(p.nr_points, 1);
	CHECK_EQ(p.nr_units, 3);
	CHECK_STR(p.points[0].id, "base");
	CHECK_STR(p.base, "dir/b.yaml");
	plan_free(&p);

	/* an empty value is an override too (clears a default path) */
	rc = parse(&p, "base: b.yaml\nset: {workload.generator: \"\"}\nmatrix: {a: [x, '']}\n", &err);
	CHECK_EQ(rc, 0);
	CHECK_STR(sets_str(&p.points[1]), "workload.generator= a=");
	CHECK_STR(p.points[1].id, "a=");
	plan_free(&p);

	/* unsafe characters in ids */
	rc = parse(&p, "base: b.yaml\nmatrix: {workload.trace: [traces/a b.mmt.gz]}\n", &err);
	CHECK_EQ(rc, 0);
	CHECK_STR(p.points[0].id, "workload.trace=traces_a_b.mmt.gz");
	plan_free(&p);
}

static void test_seed_stability(void)
{
	/* Seeds depend on (plan seed, sorted sets, repeat) only: reordering the matrix keys
	 * or adding an unrelated point keeps every existing point's seeds. */
	struct plan p1, p2;
	struct sim_error err = { 0 };
	CHECK_EQ(parse(&p1, "base: b.yaml\nmatrix: {x: [1, 2], y: [a]}\nrepeat: 2\n", &err), 0);
	CHECK_EQ(parse(&p2, "base: b.yaml\nmatrix: {y: [a], x: [0, 1, 2]}\nrepeat: 2\n", &err), 0);
	/* p1 point 0 (x=1,y=a) is p2 point 1 */
	CHECK(p1.units[0].seed == p2.units[2].seed);
	CHECK(p1.units[1].seed == p2.units[3].seed);
	CHECK(p1.units[2].seed == p2.units[4].seed);
	plan_free(&p1);
	plan_free(&p2);

	/* Pinned values: FNV-1a-64 of "" is the offset basis 0xcbf29ce484222325 and of "a" is
	 * 0xaf63dc4c8601ec8c (published FNV test vectors); splitmix64(0) is 0xe220a8397b1dcdaf
	 * (the first output of Vigna's splitmix64 seeded with 0). */
	CHECK(plan_fnv1a64("") == 0xcbf29ce484222325ull);
	CHECK(plan_fnv1a64("a") == 0xaf63dc4c8601ec8cull);
	CHECK(splitmix64_mix(0) == 0xe220a8397b1dcdafull);
}

static void test_shard(void)
{
	unsigned i, n;
	CHECK_EQ(plan_parse_shard("1/2", &i, &n), 0);
	CHECK_EQ(i, 1);
	CHECK_EQ(n, 2);
	CHECK_EQ(plan_parse_shard("0/2", &i, &n), -1);
	CHECK_EQ(plan_parse_shard("3/2", &i, &n), -1);
	CHECK_EQ(plan_parse_shard("1/", &i, &n), -1);
	CHECK_EQ(plan_parse_shard("1/2x", &i, &n), -1);
	/* every unit in exactly one shard, round-robin: units 0,3,6 -> shard 1 of 3 */
	for (unsigned u = 0; u < 50; u++) {
		unsigned owners = 0;
		for (unsigned s = 1; s <= 3; s++)
			owners += plan_unit_in_shard(u, s, 3);
		CHECK_EQ(owners, 1);
	}
	CHECK(plan_unit_in_shard(6, 1, 3));
	CHECK(plan_unit_in_shard(7, 2, 3));
}

/* A named dimension: labels set several keys (or leave one to the base); ids show
 * name=label; excludes name the dimension and a label.  3 labels x 2 b values = 6, minus
 * (v=off, b=q) = 5 points, in order v outer, b inner. */
static void test_named_dims(void)
{
	struct plan p;
	struct sim_error err = { 0 };
	int rc = parse(&p, "base: /abs/base.yaml\n"
			   "matrix:\n"
			   "  v:\n"
			   "    off: {mode: none}\n"
			   "    pre-5.7: {mode: cma, half: false}\n"
			   "    5.7+: {mode: cma, half: true}\n"
			   "  b: [p, q]\n"
			   "exclude: [{v: off, b: q}]\n", &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK_EQ(p.nr_dims, 2);
	CHECK_EQ(p.nr_points, 5);
	CHECK_STR(p.points[0].id, "v=off,b=p");
	CHECK_STR(sets_str(&p.points[0]), "mode=none b=p");
	CHECK_STR(p.points[1].id, "v=pre-5.7,b=p");
	CHECK_STR(sets_str(&p.points[1]), "mode=cma half=false b=p");
	CHECK_STR(p.points[4].id, "v=5.7+,b=q");
	CHECK_STR(sets_str(&p.points[4]), "mode=cma half=true b=q");
	CHECK_EQ(p.points[4].nr_labels, 1);
	CHECK_STR(p.points[4].labels[0].key, "v");
	CHECK_STR(p.points[4].labels[0].value, "5.7+");
	/* the seed hashes the sets, not the label */
	CHECK(p.units[1].seed == plan_seed(1, p.points[1].canon, 0));
	plan_free(&p);
}

/* seeds: common gives repeat r of every point the seed plan_seed(seed, "", r): equal across
 * points, distinct across repeats; the default stays per point. */
static void test_common_seeds(void)
{
	struct plan p;
	struct sim_error err = { 0 };
	int rc = parse(&p, "base: b\nmatrix: {a: [x, y, z]}\nrepeat: 3\nseed: 5\nseeds: common\n", &err);
	CHECK_EQ(rc, 0);
	if (rc)
		return;
	CHECK(p.common_seeds);
	CHECK_EQ(p.nr_units, 9);
	for (unsigned u = 0; u < p.nr_units; u++)
		CHECK(p.units[u].seed == plan_seed(5, "", p.units[u].repeat));
	/* units 0, 3, 6 are repeat 0 of points x, y, z */
	CHECK(p.units[0].seed == p.units[3].seed && p.units[3].seed == p.units[6].seed);
	CHECK(p.units[0].seed != p.units[1].seed && p.units[1].seed != p.units[2].seed);
	plan_free(&p);
	rc = parse(&p, "base: b\nmatrix: {a: [x, y]}\nrepeat: 2\nseed: 5\nseeds: per-point\n", &err);
	CHECK_EQ(rc, 0);
	if (rc)
		return;
	CHECK(!p.common_seeds);
	CHECK(p.units[0].seed == plan_seed(5, p.points[0].canon, 0));
	CHECK(p.units[0].seed != p.units[2].seed);
	plan_free(&p);
}

/* The report keys: question, baseline, headline (defaults: unit count, label = metric,
 * no direction) and published (value with unit, or ratio). */
static void test_report_keys(void)
{
	struct plan p;
	struct sim_error err = { 0 };
	int rc = parse(&p, "base: b\nmatrix: {policy.cma.mode: [none, zone_cma]}\n"
			   "question: Is it fast?\nbaseline: mode=none\n"
			   "headline:\n"
			   "  - {metric: elapsed_ns, unit: ns, better: lower, label: build time}\n"
			   "  - {metric: counters.pswpout}\n"
			   "published:\n"
			   "  - {metric: elapsed_ns, group: mode=zone_cma, ratio: 1.011, source: v2}\n"
			   "  - {metric: elapsed_ns, group: mode=none, value: 92.4, unit: s}\n", &err);
	CHECK_EQ(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK_STR(p.question, "Is it fast?");
	CHECK_STR(p.baseline, "mode=none");
	CHECK_EQ(p.nr_headline, 2);
	CHECK_STR(p.headline[0].metric, "elapsed_ns");
	CHECK_STR(p.headline[0].unit, "ns");
	CHECK_STR(p.headline[0].label, "build time");
	CHECK_EQ(p.headline[0].better, PLAN_BETTER_LOWER);
	CHECK_STR(p.headline[1].unit, "count");
	CHECK_STR(p.headline[1].label, "counters.pswpout");
	CHECK_EQ(p.headline[1].better, PLAN_BETTER_NONE);
	CHECK_EQ(p.nr_published, 2);
	CHECK(p.published[0].has_ratio && !p.published[0].has_value);
	CHECK(p.published[0].value == 1.011);
	CHECK_STR(p.published[0].source, "v2");
	CHECK(p.published[1].has_value && p.published[1].value == 92.4);
	CHECK_STR(p.published[1].unit, "s");
	CHECK_STR(p.published[1].group, "mode=none");
	plan_free(&p);
	struct {
		const char *text, *msg;
	} cases[] = {
		{ "seeds: same\n", "dir/plan.yaml:2:8: seeds is common or per-point, not 'same'" },
		{ "headline: [{metric: e, unit: furlongs}]\n",
		  "dir/plan.yaml:2:30: unit 'furlongs' is not one of" },
		{ "headline: [{metric: e, better: faster}]\n",
		  "dir/plan.yaml:2:32: better is lower or higher, not 'faster'" },
		{ "headline: [{unit: ns}]\n", "dir/plan.yaml:2:12: a headline entry needs a metric" },
		{ "headline: [{metric: e, colour: red}]\n", "dir/plan.yaml:2:24: unknown key 'colour'" },
		{ "published: [{metric: e, group: a=x, value: 1, ratio: 2}]\n",
		  "dir/plan.yaml:2:13: a published entry has either value (with unit) or ratio" },
		{ "published: [{metric: e, group: a=x, ratio: 2, unit: s}]\n",
		  "dir/plan.yaml:2:53: a ratio has no unit" },
		{ "published: [{metric: e, group: a=x, ratio: two}]\n", "dir/plan.yaml:2:44: 'two' is not a number" },
		{ "published: [{metric: e, group: a=w, ratio: 2}]\n",
		  "dir/plan.yaml:2:13: published group 'a=w' selects no point" },
		{ "baseline: a=w\n", "dir/plan.yaml:2:11: baseline 'a=w' selects no point" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[512];
		snprintf(text, sizeof(text), "base: b\n%smatrix: {a: [x, y]}\n", cases[i].text);
		rc = parse(&p, text, &err);
		CHECK_EQ(rc, -1);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			CHECK_STR(err.msg, cases[i].msg);
	}
}

static void test_errors(void)
{
	struct {
		const char *text, *msg;
	} cases[] = {
		{ "matrix: {a: [1]}\n", "dir/plan.yaml:1:1: the plan names no base" },
		{ "base: b\nmatrix: {a: 1}\n", "dir/plan.yaml:2:13: matrix key 'a' needs a list" },
		{ "base: b\nmatrix: {a: []}\n", "dir/plan.yaml:2:13: matrix key 'a' has an empty" },
		{ "base: b\nmatrix: {a: [1], b: [1, 2]}\nzip: [[a, b]]\n",
		  "dir/plan.yaml:3:11: zip key 'b' has a list of a different length" },
		{ "base: b\nmatrix: {a: [1]}\nzip: [[a, q]]\n", "dir/plan.yaml:3:11: zip key 'q' is not" },
		{ "base: b\nmatrix: {a: [1]}\nexclude: [{z: 1}]\n",
		  "dir/plan.yaml:3:12: exclude key 'z' is not a matrix key" },
		{ "base: b\nmatrix: {a: [1]}\nexclude: [{a: 1}]\n", "dir/plan.yaml: every point is excluded" },
		{ "base: b\nrepeat: 0\n", "dir/plan.yaml:2:9: repeat must be 1..100000" },
		{ "base: b\nrepeat: -1\n", "dir/plan.yaml:2:9: expected a non-negative integer" },
		{ "base: b\nbogus: 1\n", "dir/plan.yaml:2:1: unknown plan key 'bogus'" },
		{ "base: b\nmatrix: {a: [1, 2}\n", "dir/plan.yaml:2:" },
		{ "base: b\nset: {a: 1}\nmatrix: {a: [1]}\n", "dir/plan.yaml:1:1: key 'a' is both" },
		{ "base: b\nmatrix: {a: [\"x/y\", \"x_y\"]}\n", "dir/plan.yaml: two points share the id" },
		{ "- 1\n", "dir/plan.yaml:1:1: a sweep plan is a mapping" },
		{ "base: b\nmatrix: {a: [1]}\nmatrix: {b: [1]}\n", "dir/plan.yaml:3:1: duplicate key 'matrix'" },
		{ "base: b\nmatrix: {a: [1], a: [2]}\n", "dir/plan.yaml:2:18: duplicate matrix key 'a'" },
		{ "base: b\nmatrix: {v: {}}\n", "dir/plan.yaml:2:13: matrix key 'v' has no labels" },
		{ "base: b\nmatrix: {v: {x: {}}}\n", "dir/plan.yaml:2:17: label 'x' sets no key" },
		{ "base: b\nmatrix: {v: {x: {a: 1}, x: {a: 2}}}\n", "dir/plan.yaml:2:25: label 'x' listed twice" },
		{ "base: b\nmatrix: {a: [1], v: {x: {a: 1}}}\n", "dir/plan.yaml:2:21: key 'a' is also a plain matrix key" },
		{ "base: b\nmatrix: {v: {x: {a: 1}}, w: [1]}\nzip: [[v, w]]\n", "dir/plan.yaml:3:8: zip key 'v' is not" },
		{ "base: b\nmatrix: {v: {x: {a: 1}}}\nexclude: [{v: y}]\n", "dir/plan.yaml:3:15: 'y' is not a label of 'v'" },
		{ "base: b\nset: {a: 1}\nmatrix: {v: {x: {a: 2}}}\n", "dir/plan.yaml:1:1: key 'a' is both" },
		/* loaded through yamlutil, as configs and workloads are: one document only */
		{ "base: b\n---\nbase: c\n", "dir/plan.yaml:2:1: only one YAML document is allowed" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct plan p;
		struct sim_error err = { 0 };
		int rc = parse(&p, cases[i].text, &err);
		CHECK_EQ(rc, -1);
		CHECK_EQ(err.code, EX_CONFIG_);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			CHECK_STR(err.msg, cases[i].msg);
	}
	struct plan p;
	struct sim_error err = { 0 };
	CHECK_EQ(plan_load(&p, "/nonexistent/plan.yaml", &err), -1);
	CHECK_EQ(err.code, EX_NOINPUT_);
	/* yamlutil's depth limit: the plan's mapping is level 1, so 63 nested lists load (and
	 * fail later) and 64 do not; the 64th '[' is at column 9 + 63 of line 2 */
	char deep[256];
	for (int levels = 63; levels <= 64; levels++) {
		int n = snprintf(deep, sizeof(deep), "base: b\nmatrix: ");
		for (int i = 0; i < levels; i++)
			deep[n++] = '[';
		for (int i = 0; i < levels; i++)
			deep[n++] = ']';
		deep[n] = 0;
		CHECK_EQ(parse(&p, deep, &err), -1);
		CHECK_EQ(!strcmp(err.msg, "dir/plan.yaml:2:72: nested deeper than 64 levels"), levels == 64);
	}
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_matrix);
	RUN(test_zip_exclude);
	RUN(test_named_dims);
	RUN(test_seed_stability);
	RUN(test_shard);
	RUN(test_common_seeds);
	RUN(test_report_keys);
	RUN(test_errors);
	return TEST_END();
}
