/* test_workload.c — sim/workload: determinism, alloc/free pairing, distributions, the
 * footprint cap, YAML errors, and each generator kind's stream properties. */
#include "workload/workload.h"
#include "workload/wl_internal.h"
#include "kernel/gfp.h"
#include "testlib.h"

#include <math.h>
#include <sys/wait.h>

static struct workload *open_text(const char *text, const struct workload_overrides *ov,
				  struct sim_error *err)
{
	return workload_open_mem("t.yaml", text, strlen(text), ov, err);
}

static struct workload *open_ok(const char *text, uint64_t seed)
{
	struct sim_error err = { 0 };
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(text, &ov, &err);
	if (!w)
		fprintf(stderr, "open failed: %s\n", err.msg);
	CHECK(w != NULL);
	return w;
}

static uint64_t fnv(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	return h;
}

static uint64_t hash_record(uint64_t h, const struct trace_record *r)
{
	h = fnv(h, r->time_ns);
	h = fnv(h, r->id);
	h = fnv(h, r->gfp);
	h = fnv(h, r->task);
	h = fnv(h, r->count);
	h = fnv(h, (uint64_t)(uint32_t)r->arg);
	h = fnv(h, r->kind);
	return fnv(h, r->order);
}

/* Stream checker: ids, times and live pages as the simulator will see them. */
#define MAX_IDS (1u << 22)
struct stream_check {
	uint8_t *state;     /* per id: 0 never seen, 1 live, 2 freed */
	uint8_t *order;     /* per id: ALLOC order */
	uint8_t *pinned;    /* per id: pin count */
	uint64_t nr_records, nr_alloc, nr_free, nr_cma, nr_cma_rel, nr_pin, nr_unpin;
	uint64_t nr_access, nr_dirty, nr_hint;
	uint64_t nr_order[16];
	uint64_t nr_gfp_movable, nr_gfp_kernel, nr_gfp_reclaimable;
	uint64_t live_pages, peak_live_pages;
	uint64_t bad; /* violations */
	sim_ns_t last_ns;
	uint64_t hash;
};

static void sc_init(struct stream_check *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->state = calloc(MAX_IDS, 1);
	sc->order = calloc(MAX_IDS, 1);
	sc->pinned = calloc(MAX_IDS, 1);
	sc->hash = 0xcbf29ce484222325ull;
}

static void sc_free(struct stream_check *sc)
{
	free(sc->state);
	free(sc->order);
	free(sc->pinned);
}

static void sc_bad(struct stream_check *sc, const char *what, const struct trace_record *r)
{
	if (sc->bad++ < 5)
		fprintf(stderr, "  stream violation: %s (record %llu, id %llu, t %llu)\n", what,
			(unsigned long long)sc->nr_records, (unsigned long long)r->id,
			(unsigned long long)r->time_ns);
}

static void sc_add(struct stream_check *sc, const struct trace_record *r)
{
	sc->nr_records++;
	sc->hash = hash_record(sc->hash, r);
	if (r->time_ns < sc->last_ns)
		sc_bad(sc, "time goes backwards", r);
	if (r->time_ns == UINT64_MAX)
		sc_bad(sc, "a record held until the end came out with its placeholder time", r);
	sc->last_ns = r->time_ns;
	if (r->id >= MAX_IDS) {
		sc_bad(sc, "id too large for the checker", r);
		return;
	}
	switch (r->kind) {
	case TR_ALLOC:
	case TR_CMA_ALLOC:
		if (sc->state[r->id])
			sc_bad(sc, "id allocated twice", r);
		sc->state[r->id] = 1;
		if (r->kind == TR_ALLOC) {
			sc->order[r->id] = r->order;
			sc->nr_alloc++;
			sc->nr_order[r->order & 15]++;
			sc->live_pages += 1ull << r->order;
			if ((r->gfp & GFP_HIGHUSER_MOVABLE) == GFP_HIGHUSER_MOVABLE)
				sc->nr_gfp_movable++;
			else if (r->gfp & __GFP_RECLAIMABLE)
				sc->nr_gfp_reclaimable++;
			else if ((r->gfp & GFP_KERNEL) == GFP_KERNEL)
				sc->nr_gfp_kernel++;
		} else {
			sc->nr_cma++;
			sc->order[r->id] = 0xff;
			sc->live_pages += r->count;
		}
		if (sc->live_pages > sc->peak_live_pages)
			sc->peak_live_pages = sc->live_pages;
		break;
	case TR_FREE:
	case TR_CMA_RELEASE:
		if (sc->state[r->id] != 1) {
			sc_bad(sc, sc->state[r->id] ? "double free" : "free before alloc", r);
			break;
		}
		if ((r->kind == TR_CMA_RELEASE) != (sc->order[r->id] == 0xff))
			sc_bad(sc, "free/cma_release kind mismatch", r);
		if (sc->pinned[r->id])
			sc_bad(sc, "free of a pinned object", r);
		sc->state[r->id] = 2;
		if (r->kind == TR_FREE) {
			sc->nr_free++;
			sc->live_pages -= 1ull << sc->order[r->id];
		} else {
			sc->nr_cma_rel++;
		}
		break;
	case TR_PIN:
		if (sc->state[r->id] != 1)
			sc_bad(sc, "pin of a dead object", r);
		sc->pinned[r->id]++;
		sc->nr_pin++;
		break;
	case TR_UNPIN:
		if (!sc->pinned[r->id])
			sc_bad(sc, "unpin without pin", r);
		else
			sc->pinned[r->id]--;
		sc->nr_unpin++;
		break;
	case TR_ACCESS:
	case TR_DIRTY:
	case TR_HINT:
		if (sc->state[r->id] != 1)
			sc_bad(sc, "access/dirty/hint of a dead object", r);
		if (r->kind == TR_ACCESS)
			sc->nr_access++;
		else if (r->kind == TR_DIRTY)
			sc->nr_dirty++;
		else
			sc->nr_hint++;
		break;
	default:
		break;
	}
}

/* The CMA pages counted in live_pages cannot be subtracted on release without the count;
 * keep it in a side table. */
static uint64_t run_check(struct workload *w, struct stream_check *sc)
{
	struct trace_record r;
	struct sim_error err = { 0 };
	int rc;
	uint64_t *cma_count = calloc(MAX_IDS, sizeof(uint64_t));
	while ((rc = workload_next(w, &r, &err)) == 1) {
		if (r.kind == TR_CMA_ALLOC && r.id < MAX_IDS)
			cma_count[r.id] = r.count;
		sc_add(sc, &r);
		if (r.kind == TR_CMA_RELEASE && r.id < MAX_IDS)
			sc->live_pages -= cma_count[r.id];
	}
	CHECK_EQ(rc, 0);
	free(cma_count);
	return sc->hash;
}

static uint64_t count_live(const struct stream_check *sc)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < MAX_IDS; i++)
		n += sc->state[i] == 1;
	return n;
}

/* ---- churn --------------------------------------------------------------------------- */

static const char churn_yaml[] =
	"generator: churn\n"
	"duration: 200ms\n"
	"tasks: 8\n"
	"rate: 200000\n"
	"footprint: 64MiB\n"
	"orders: [60, 20, 10, 5, 3, 2]\n"
	"classes: { movable: 70, unmovable: 20, reclaimable: 10 }\n"
	"lifetime:\n"
	"  dist: lognormal\n"
	"  mean: 20ms\n"
	"  sigma: 1.5\n";

static void test_churn_deterministic(void)
{
	uint64_t seed = tl_test_seed();
	struct stream_check a, b, c;
	sc_init(&a);
	sc_init(&b);
	sc_init(&c);
	struct workload *w1 = open_ok(churn_yaml, seed);
	struct workload *w2 = open_ok(churn_yaml, seed);
	struct workload *w3 = open_ok(churn_yaml, seed + 1);
	if (w1 && w2 && w3) {
		uint64_t h1 = run_check(w1, &a), h2 = run_check(w2, &b), h3 = run_check(w3, &c);
		CHECK(h1 == h2);
		CHECK_EQ(a.nr_records, b.nr_records);
		CHECK(h1 != h3);
		/* 200 ms at 200k/s is ~40000 arrivals (Poisson sd 200) */
		CHECK(a.nr_alloc > 30000 && a.nr_alloc < 41000);
		CHECK_EQ(a.bad, 0);
		CHECK_EQ(c.bad, 0);
	}
	workload_close(w1);
	workload_close(w2);
	workload_close(w3);
	sc_free(&a);
	sc_free(&b);
	sc_free(&c);
}

static void test_churn_pairs_and_drain(void)
{
	uint64_t seed = tl_test_seed();
	struct stream_check sc;
	sc_init(&sc);
	struct workload *w = open_ok(churn_yaml, seed);
	if (w) {
		run_check(w, &sc);
		struct workload_stats st;
		workload_get_stats(w, &st);
		CHECK_EQ(sc.bad, 0);
		/* drain: true is the default, so every alloc has exactly one free */
		CHECK_EQ(sc.nr_free, sc.nr_alloc);
		CHECK_EQ(count_live(&sc), 0);
		CHECK_EQ(sc.live_pages, 0);
		CHECK_EQ(st.live_pages, 0);
		CHECK_EQ(st.nr_records, sc.nr_records);
		CHECK_EQ(st.nr_by_kind[TR_ALLOC], sc.nr_alloc);
		/* every record lies within the 200 ms duration (drained frees at the end) */
		CHECK(sc.last_ns <= 200 * NSEC_PER_MSEC);
		CHECK_EQ(st.end_ns, 200 * NSEC_PER_MSEC);
	}
	workload_close(w);
	sc_free(&sc);

	/* drain: false leaves the objects alive whose lifetime outlasts the run */
	sc_init(&sc);
	const char *sets[] = { "drain=false" };
	struct workload_overrides ov = { .has_seed = true, .seed = seed, .sets = sets, .nr_sets = 1 };
	struct sim_error err = { 0 };
	w = open_text(churn_yaml, &ov, &err);
	CHECK(w != NULL);
	if (w) {
		run_check(w, &sc);
		CHECK_EQ(sc.bad, 0);
		CHECK(sc.nr_free < sc.nr_alloc);
		CHECK_EQ(count_live(&sc), sc.nr_alloc - sc.nr_free);
	}
	workload_close(w);
	sc_free(&sc);
}

/* Orders drawn with weights 4:2:1:1 -> probabilities 1/2, 1/4, 1/8, 1/8 (weights over
 * their sum 8).  No throttling (a footprint far above what can be live), n arrivals:
 * each fraction is within 5 binomial standard deviations sqrt(p(1-p)/n). */
static void test_churn_order_distribution(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: churn\nrecords: 400000\nrate: 1000000\nfootprint: 1TiB\n"
			   "orders: [4, 2, 1, 1]\nlifetime: { mean: 1us }\n"
			   "classes: { movable: 7, unmovable: 2, reclaimable: 1 }\n";
	struct stream_check sc;
	sc_init(&sc);
	struct workload *w = open_ok(yaml, seed);
	if (w) {
		run_check(w, &sc);
		CHECK_EQ(sc.bad, 0);
		double n = (double)sc.nr_alloc;
		CHECK(n >= 190000);
		const double p[] = { 0.5, 0.25, 0.125, 0.125 };
		for (int o = 0; o < 4; o++) {
			double f = sc.nr_order[o] / n, sd = sqrt(p[o] * (1 - p[o]) / n);
			if (fabs(f - p[o]) > 5 * sd)
				fprintf(stderr, "  order %d: fraction %.5f, expected %.5f +- %.5f\n", o,
					f, p[o], 5 * sd);
			CHECK(fabs(f - p[o]) <= 5 * sd);
		}
		CHECK_EQ(sc.nr_order[4] + sc.nr_order[5], 0);
		/* classes 7:2:1 -> 0.7, 0.2, 0.1 */
		const double q[] = { 0.7, 0.2, 0.1 };
		const uint64_t got[] = { sc.nr_gfp_movable, sc.nr_gfp_kernel, sc.nr_gfp_reclaimable };
		for (int c = 0; c < 3; c++) {
			double f = got[c] / n, sd = sqrt(q[c] * (1 - q[c]) / n);
			CHECK(fabs(f - q[c]) <= 5 * sd);
		}
	}
	workload_close(w);
	sc_free(&sc);
}

/* 4 MiB = 1024 pages; arrivals of up to order 3 with 1 s lifetimes at 100k/s would put
 * ~100000 objects alive, so the target is hit early and must hold throughout. */
static void test_churn_footprint_cap(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: churn\nduration: 50ms\nrate: 100000\nfootprint: 4MiB\n"
			   "orders: [1, 1, 1, 1]\nlifetime: { dist: exponential, mean: 1s }\n";
	struct stream_check sc;
	sc_init(&sc);
	struct workload *w = open_ok(yaml, seed);
	if (w) {
		run_check(w, &sc);
		struct workload_stats st;
		workload_get_stats(w, &st);
		CHECK_EQ(sc.bad, 0);
		CHECK(sc.peak_live_pages <= 1024);
		CHECK_EQ(st.peak_live_pages, sc.peak_live_pages);
		/* the cap is reached within the largest request (8 pages) */
		CHECK(sc.peak_live_pages > 1024 - 8);
		CHECK(st.nr_throttled > 1000);
	}
	workload_close(w);
	sc_free(&sc);
}

/* One stream per component: changing the order weights must not move any arrival time,
 * task or lifetime (compare the (time, task) sequence of allocs and the free times). */
static void test_churn_streams_independent(void)
{
	uint64_t seed = tl_test_seed();
	const char *y1 = "generator: churn\nduration: 20ms\nfootprint: 1TiB\norders: [1, 1]\n";
	const char *y2 = "generator: churn\nduration: 20ms\nfootprint: 1TiB\norders: [1, 0, 0, 5]\n";
	struct workload *a = open_ok(y1, seed), *b = open_ok(y2, seed);
	if (a && b) {
		struct trace_record ra, rb;
		struct sim_error err;
		uint64_t n = 0, diff = 0, order_diff = 0;
		while (workload_next(a, &ra, &err) == 1 && workload_next(b, &rb, &err) == 1) {
			n++;
			diff += ra.time_ns != rb.time_ns || ra.task != rb.task || ra.kind != rb.kind ||
				ra.id != rb.id;
			order_diff += ra.order != rb.order;
		}
		CHECK(n > 1000);
		CHECK_EQ(diff, 0);
		CHECK(order_diff > 100); /* the orders themselves did change */
	}
	workload_close(a);
	workload_close(b);
}

static void test_records_budget(void)
{
	const char *yaml = "generator: churn\nrecords: 5000\ndrain: false\n";
	struct workload *w = open_ok(yaml, 7);
	struct stream_check sc;
	sc_init(&sc);
	if (w) {
		run_check(w, &sc);
		/* the budget is checked between arrivals; one arrival adds at most its alloc
		 * plus the frees due before the next arrival */
		CHECK(sc.nr_records >= 5000 && sc.nr_records < 5100);
		CHECK_EQ(sc.bad, 0);
	}
	workload_close(w);
	sc_free(&sc);
}

/* ---- YAML and --set errors ----------------------------------------------------------- */

static void expect_error(const char *yaml, const char *set, int code, const char *want)
{
	struct sim_error err = { 0 };
	const char *sets[] = { set };
	struct workload_overrides ov = { .sets = sets, .nr_sets = set ? 1 : 0 };
	struct workload *w = open_text(yaml, &ov, &err);
	CHECK(w == NULL);
	workload_close(w);
	CHECK_EQ(err.code, code);
	if (!strstr(err.msg, want))
		fprintf(stderr, "  error '%s' lacks '%s'\n", err.msg, want);
	CHECK(strstr(err.msg, want) != NULL);
}

static void test_yaml_errors(void)
{
	/* line:col are 1-based: the key 'tasksx' starts line 3 column 1 */
	expect_error("generator: churn\nduration: 1s\ntasksx: 3\n", NULL, EX_CONFIG_,
		     "t.yaml:3:1: unknown key 'tasksx'");
	/* the bad value '12q' starts at column 7 of line 2 ("rate: 12q") */
	expect_error("generator: churn\nrate: 12q\nduration: 1s\n", NULL, EX_CONFIG_,
		     "t.yaml:2:7: rate: '12q' is not a number");
	/* nested: "  mean: 5 parsecs" — value at line 3, column 9 */
	expect_error("generator: churn\nlifetime:\n  mean: 5 parsecs\nduration: 1s\n", NULL,
		     EX_CONFIG_, "t.yaml:3:9: lifetime.mean: '5 parsecs' is not a duration");
	expect_error("generator: churn\nlifetime:\n  meen: 5ms\nduration: 1s\n", NULL, EX_CONFIG_,
		     "t.yaml:3:3: unknown key 'lifetime.meen'");
	expect_error("duration: 1s\n", NULL, EX_CONFIG_, "t.yaml:1:1: missing key 'generator'");
	/* loaded through yamlutil, as configs and plans are: one document only */
	expect_error("generator: churn\nduration: 1s\n---\nrate: 5\n", NULL, EX_CONFIG_,
		     "t.yaml:3:1: only one YAML document is allowed");
	/* yamlutil's depth limit: the top mapping is level 1, the 64th '[' (column 6 + 64)
	 * level 65 */
	char deep[512] = "generator: churn\nrate: ";
	for (int i = 0; i < 64; i++)
		strcat(deep, "[");
	expect_error(deep, NULL, EX_CONFIG_, "t.yaml:2:70: nested deeper than 64 levels");
	expect_error("generator: bogus\n", NULL, EX_CONFIG_, "t.yaml:1:12: generator: unknown kind 'bogus'");
	expect_error("generator: churn\nduration: 1s\nduration: 2s\n", NULL, EX_CONFIG_,
		     "t.yaml:3:1: duplicate key 'duration'");
	expect_error("generator: churn\ntasks: [1, 2]\nduration: 1s\n", NULL, EX_CONFIG_,
		     "t.yaml:2:8: tasks: expects a single value, not a list");
	expect_error("generator: churn\ntasks: 0\nduration: 1s\n", NULL, EX_CONFIG_,
		     "t.yaml:2:8: tasks: value out of range");
	expect_error("generator: churn\nlifetime: { dist: gamma }\nduration: 1s\n", NULL,
		     EX_CONFIG_, "t.yaml:2:19: lifetime.dist: 'gamma' is not one of: exponential");
	expect_error("generator: churn\n", NULL, EX_CONFIG_, "set 'duration' or 'records'");
	/* weights all zero: reported at the key */
	expect_error("generator: churn\nduration: 1s\norders: [0, 0]\n", NULL, EX_CONFIG_,
		     "t.yaml:3:1: orders: weights must not all be 0");
	/* syntax error: libyaml's position of the problem */
	expect_error("generator: churn\nrate: [1, 2\n", NULL, EX_CONFIG_, "t.yaml:3:1:");
	expect_error("generator: churn\nduration: 1s\n", "rate=fast", EX_CONFIG_,
		     "--set rate: 'fast' is not a number");
	expect_error("generator: churn\nduration: 1s\n", "nosuch=1", EX_CONFIG_,
		     "--set nosuch: unknown key for generator churn");
	expect_error("generator: churn\nduration: 1s\n", "tasks", EX_USAGE_, "expected KEY=VALUE");

	struct sim_error err = { 0 };
	CHECK(workload_open("/nonexistent/w.yaml", NULL, &err) == NULL);
	CHECK_EQ(err.code, EX_NOINPUT_);
}

static void test_set_and_header(void)
{
	const char *sets[] = { "orders=0,0,1", "lifetime.mean=2ms", "classes.atomic=5" };
	struct workload_overrides ov = { .has_seed = true, .seed = 99, .sets = sets, .nr_sets = 3 };
	struct sim_error err = { 0 };
	struct workload *w = open_text("generator: churn\nrecords: 1000\n", &ov, &err);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_header *h = calloc(1, sizeof(*h));
	workload_fill_header(w, h);
	const char *gen = NULL, *seed = NULL, *orders = NULL, *mean = NULL;
	for (uint32_t i = 0; i < h->nr_meta; i++) {
		if (!strcmp(h->meta[i].key, "generator"))
			gen = h->meta[i].value;
		if (!strcmp(h->meta[i].key, "seed"))
			seed = h->meta[i].value;
		if (!strcmp(h->meta[i].key, "param.orders"))
			orders = h->meta[i].value;
		if (!strcmp(h->meta[i].key, "param.lifetime.mean"))
			mean = h->meta[i].value;
	}
	CHECK_STR(gen, "churn");
	CHECK_STR(seed, "99");
	CHECK_STR(orders, "0,0,1");
	CHECK_STR(mean, "2ms");
	struct trace_record r;
	uint64_t n = 0, order2 = 0;
	while (workload_next(w, &r, &err) == 1)
		if (r.kind == TR_ALLOC) {
			n++;
			order2 += r.order == 2;
		}
	CHECK(n > 0);
	CHECK_EQ(order2, n); /* weights 0,0,1: only order 2 */
	free(h);
	workload_close(w);
}


/* ---- the other kinds ----------------------------------------------------------------- */

static void run_kind(const char *yaml, uint64_t seed, struct stream_check *sc,
		     struct workload_stats *st)
{
	sc_init(sc);
	struct workload *w = open_ok(yaml, seed);
	if (w) {
		run_check(w, sc);
		workload_get_stats(w, st);
	}
	workload_close(w);
	CHECK_EQ(sc->bad, 0);
}

static void test_kbuild(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: kbuild\nduration: 2s\njobs: 4\nop_rate: 5000\nfiles: 500\n"
			   "thp_fraction: 0.05\njob: { mean: 200ms }\n";
	struct stream_check sc;
	struct workload_stats st;
	run_kind(yaml, seed, &sc, &st);
	CHECK(sc.nr_alloc > 10000);
	CHECK(sc.nr_access > 0);       /* re-read files */
	CHECK(sc.nr_dirty > 0);        /* object files */
	CHECK(sc.nr_gfp_reclaimable > 0);
	CHECK(sc.nr_gfp_kernel > 0);
	CHECK(sc.nr_order[9] > 0);     /* THPs */
	CHECK_EQ(count_live(&sc), 0);  /* drained */
	CHECK_EQ(sc.live_pages, 0);
	sc_free(&sc);
}

/* kbuild page tables: with pgtables 4, each job allocates one GFP_PGTABLE_USER page
 * (GFP_KERNEL|__GFP_ZERO|__GFP_ACCOUNT) at its first order-0 anon fault and every 4th
 * after it, so ceil(anon faults / 4) per job; each is freed when the job exits, as its
 * anon pages are (the same free time).  Without the key (0) no such page exists and the
 * records are those of the same build without it: pgtables 0 vs an absent key, byte for
 * byte. */
static void test_kbuild_pgtables(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: kbuild\nduration: 500ms\njobs: 2\nop_rate: 4000\nfiles: 20\n"
			   "thp_fraction: 0\njob: { mean: 50ms }\nmix: { anon: 80, read: 5, slab_unmovable: 10 }\n"
			   "longlived: { shell: 0, make: 0, ld: 0 }\npgtables: 4\n";
	enum { MAXT = 4096, MAXID = 1 << 20 };
	uint64_t *anon = calloc(MAXT, sizeof(*anon)), *pt = calloc(MAXT, sizeof(*pt));
	sim_ns_t *anon_free = calloc(MAXT, sizeof(*anon_free));
	uint8_t *is_pt = calloc(MAXID, 1);
	struct workload *w = open_ok(yaml, seed);
	if (!w || !anon || !pt || !anon_free || !is_pt)
		goto out;
	struct trace_record r;
	struct sim_error err = { 0 };
	uint64_t bad_free = 0, nr_pt = 0, nr_pt_free = 0;
	while (workload_next(w, &r, &err) == 1) {
		if (r.task >= MAXT || r.id >= MAXID) {
			CHECK(0);
			break;
		}
		if (r.kind == TR_ALLOC && r.gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO) && r.order == 0) {
			anon[r.task]++;
			is_pt[r.id] = 2; /* an anon page */
		}
		if (r.kind == TR_ALLOC && r.gfp == (GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT)) {
			pt[r.task]++;
			nr_pt++;
			is_pt[r.id] = 1;
		}
		if (r.kind == TR_FREE && is_pt[r.id] == 1) {
			nr_pt_free++;
			/* the job's anon pages are freed at its exit: so is its page table */
			if (anon_free[r.task] && anon_free[r.task] != r.time_ns)
				bad_free++;
		}
		if (r.kind == TR_FREE && is_pt[r.id] == 2 && !anon_free[r.task])
			anon_free[r.task] = r.time_ns;
	}
	uint64_t bad_count = 0, jobs = 0;
	for (uint32_t t = 0; t < MAXT; t++) {
		if (!anon[t] && !pt[t])
			continue;
		jobs++;
		bad_count += pt[t] != (anon[t] + 3) / 4;
	}
	CHECK(jobs > 2);
	CHECK(nr_pt > 0);
	CHECK_EQ(bad_count, 0);
	CHECK_EQ(nr_pt_free, nr_pt); /* drained */
	CHECK_EQ(bad_free, 0);
	workload_close(w);
	/* pgtables 0 is the build without page tables: the same records */
	const char *off0 = "generator: kbuild\nduration: 200ms\njobs: 2\nop_rate: 4000\nfiles: 20\npgtables: 0\n";
	const char *off = "generator: kbuild\nduration: 200ms\njobs: 2\nop_rate: 4000\nfiles: 20\n";
	struct workload *a = open_ok(off0, seed), *b = open_ok(off, seed);
	struct trace_record ra, rb;
	uint64_t n = 0, differ = 0;
	while (a && b && workload_next(a, &ra, &err) == 1 && workload_next(b, &rb, &err) == 1) {
		n++;
		differ += ra.time_ns != rb.time_ns || ra.id != rb.id || ra.gfp != rb.gfp || ra.task != rb.task ||
			  ra.count != rb.count || ra.arg != rb.arg || ra.kind != rb.kind || ra.order != rb.order;
	}
	CHECK(n > 1000);
	CHECK_EQ(differ, 0);
	workload_close(a);
	workload_close(b);
	w = NULL;
out:
	workload_close(w);
	free(anon);
	free(pt);
	free(anon_free);
	free(is_pt);
}

/* kbuild's tasks, with hand-set sizes: shell 2 pages (task 1000, ids 1-2), make 4 pages
 * (task 1001, ids 3-6), no ld; then 2 make slots whose first jobs are tasks 1002, 1003.
 * No file reads and no random anon touches, so every ACCESS is a heap re-read of a job
 * or a long-lived task's touch.  Checked, record by record:
 *   - the first records: t=0 task 1000 after 0, alloc 1, 2; task 1001 after 0, alloc 3-6;
 *     task 1002 after 0; task 1003 after 0;
 *   - every task's first record is its TASK record; exactly 2 tasks (the slots' first
 *     jobs) and the long-lived ones name no predecessor; every other job names a job
 *     that exited exactly then (its object file's last DIRTY is at the successor's start)
 *     and that no other job names, so the jobs form 2 chains;
 *   - an ACCESS names a live object of the accessing task;
 *   - a job re-reads every 10 ms of its life, ceil(0.5 x its live anon pages) at a time;
 *   - long-lived touches every 100 ms, half their pages as a wrapping window: make reads
 *     3,4 at 100 ms, 5,6 at 200 ms, 3,4 at 300 ms, ...; shell 1, 2, 1, ...; the last touch
 *     is at 900 ms (the run ends at 1 s, before a touch there);
 *   - the long-lived objects live to the end: freed only by the drain, at 1 s. */
static void test_kbuild_slots(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: kbuild\nduration: 1s\njobs: 2\nop_rate: 2000\nfiles: 50\n"
			   "job: { mean: 40ms }\nmix: { anon: 80, read: 0 }\n"
			   "heap: { reread_interval: 10ms, reread_fraction: 0.5 }\n"
			   "longlived: { shell: 8KiB, make: 16KiB, ld: 0, touch_period: 100ms, "
			   "touch_fraction: 0.5 }\n";
	enum { MAXT = 4096, MAXID = 1 << 20 };
	struct task_state {
		bool seen, is_task_rec_first, named;
		sim_ns_t start_ns, last_dirty_ns, last_access_ns;
		uint32_t live_anon, burst; /* accesses at last_access_ns */
	} *ts = calloc(MAXT, sizeof(*ts));
	uint32_t *owner = calloc(MAXID, sizeof(*owner));
	uint8_t *live = calloc(MAXID, 1), *anon = calloc(MAXID, 1);
	struct workload *w = open_ok(yaml, seed);
	if (!w || !ts || !owner || !live || !anon)
		goto out;
	static const struct { uint8_t kind; uint32_t task; uint64_t id; int32_t arg; } first[] = {
		{ TR_TASK, 1000, 0, 0 }, { TR_ALLOC, 1000, 1, 0 }, { TR_ALLOC, 1000, 2, 0 },
		{ TR_TASK, 1001, 0, 0 }, { TR_ALLOC, 1001, 3, 0 }, { TR_ALLOC, 1001, 4, 0 },
		{ TR_ALLOC, 1001, 5, 0 }, { TR_ALLOC, 1001, 6, 0 }, { TR_TASK, 1002, 0, 0 },
		{ TR_TASK, 1003, 0, 0 },
	};
	uint64_t make_touch[3] = { 0 }, shell_touch[3] = { 0 }, nr_make = 0, nr_shell = 0;
	uint64_t n = 0, bad_first = 0, bad_chain = 0, bad_access = 0, bad_burst = 0, bad_time = 0;
	uint64_t heads = 0, successors = 0, ll_frees = 0, bad_ll_free = 0, nr_rereads = 0;
	uint32_t max_task = 0;
	struct trace_record r;
	struct sim_error err = { 0 };
	/* closes task t's access burst at t_ns: ceil(0.5 x live anon) accesses */
#define CLOSE_BURST(t)                                                                   	do {                                                                             		if (ts[t].burst && (t) >= 1002 && ts[t].burst != (ts[t].live_anon + 1) / 2) 			bad_burst++;                                                     		ts[t].burst = 0;                                                         	} while (0)
	while (workload_next(w, &r, &err) == 1) {
		if (n < ARRAY_SIZE(first)) {
			CHECK_EQ(r.time_ns, 0);
			CHECK_EQ(r.kind, first[n].kind);
			CHECK_EQ(r.task, first[n].task);
			CHECK_EQ(r.id, first[n].id);
			CHECK_EQ(r.arg, first[n].arg);
		}
		n++;
		uint32_t t = r.task;
		if (t >= MAXT || r.id >= MAXID) {
			CHECK(0);
			break;
		}
		max_task = MAX(max_task, t);
		if (!ts[t].seen) {
			ts[t].seen = true;
			if (r.kind != TR_TASK)
				bad_first++;
		}
		if (ts[t].burst && r.time_ns != ts[t].last_access_ns)
			CLOSE_BURST(t);
		switch (r.kind) {
		case TR_TASK: {
			ts[t].start_ns = r.time_ns;
			uint32_t after = trace_task_after(&r);
			if (!after) {
				heads += t >= 1002;
				break;
			}
			successors++;
			/* the predecessor is a job, exited now, named once */
			if (after < 1002 || after >= t || ts[after].named ||
			    ts[after].last_dirty_ns != r.time_ns)
				bad_chain++;
			ts[after].named = true;
			break;
		}
		case TR_ALLOC:
			owner[r.id] = t;
			live[r.id] = 1;
			anon[r.id] = (r.gfp & __GFP_ZERO) || r.order == 9;
			if (anon[r.id])
				ts[t].live_anon++;
			break;
		case TR_FREE:
			live[r.id] = 0;
			if (anon[r.id])
				ts[owner[r.id]].live_anon--;
			if (t < 1002) {
				ll_frees++;
				bad_ll_free += r.time_ns != NSEC_PER_SEC;
			}
			break;
		case TR_DIRTY:
			ts[t].last_dirty_ns = r.time_ns;
			break;
		case TR_ACCESS:
			if (!live[r.id] || owner[r.id] != t || !anon[r.id])
				bad_access++;
			if (t == 1001 && nr_make < 3 * 2)
				make_touch[nr_make / 2] = make_touch[nr_make / 2] * 10 + r.id;
			if (t == 1000 && nr_shell < 3)
				shell_touch[nr_shell] = r.id;
			nr_make += t == 1001;
			nr_shell += t == 1000;
			if (t == 1000 || t == 1001) {
				bad_time += r.time_ns % (100 * NSEC_PER_MSEC) != 0;
			} else {
				bad_time += (r.time_ns - ts[t].start_ns) % (10 * NSEC_PER_MSEC) != 0;
				nr_rereads += !ts[t].burst;
			}
			ts[t].burst++;
			ts[t].last_access_ns = r.time_ns;
			break;
		default:
			break;
		}
	}
#undef CLOSE_BURST
	CHECK(n > 1000);
	CHECK_EQ(bad_first, 0);
	CHECK_EQ(heads, 2);
	CHECK_EQ(successors, max_task - 1003); /* every job after the first two has one */
	CHECK(successors > 20);                /* 1 s of 40 ms jobs in 2 slots */
	CHECK_EQ(bad_chain, 0);
	CHECK_EQ(bad_access, 0);
	CHECK_EQ(bad_burst, 0);
	CHECK_EQ(bad_time, 0);
	CHECK(nr_rereads > 20);
	CHECK_EQ(nr_make, 9 * 2);
	CHECK_EQ(nr_shell, 9);
	CHECK_EQ(make_touch[0], 34);
	CHECK_EQ(make_touch[1], 56);
	CHECK_EQ(make_touch[2], 34);
	CHECK_EQ(shell_touch[0], 1);
	CHECK_EQ(shell_touch[1], 2);
	CHECK_EQ(shell_touch[2], 1);
	CHECK_EQ(ll_frees, 6);
	CHECK_EQ(bad_ll_free, 0);
out:
	workload_close(w);
	free(ts);
	free(owner);
	free(live);
	free(anon);
}

/* 2 writers x 4 MiB (1024 pages) x 2 passes at 100 MiB/s: one page per
 * 4096 / (100 * 2^20) s = 39062.5 ns -> 39062 ns.  1 MiB bursts = 256 pages, 10 ms pause
 * after each burst but the last: 2048 writes per writer, 7 pauses, so the last write is at
 * 2047 * 39062 + 7 * 10 ms = 149959914 ns and the unlink one page later, 149998976 ns. */
static void test_stream_write(void)
{
	const char *yaml = "generator: stream_write\nwriters: 2\nfile_size: 4MiB\n"
			   "bandwidth: 100MiB\nburst: 1MiB\npause: 10ms\npasses: 2\nunlink: true\n"
			   "noreuse: true\n";
	struct stream_check sc;
	struct workload_stats st;
	run_kind(yaml, 1, &sc, &st);
	CHECK_EQ(sc.nr_alloc, 2 * 1024);
	CHECK_EQ(sc.nr_dirty, 2 * 2 * 1024);
	CHECK_EQ(sc.nr_hint, 2 * 2 * 1024);
	CHECK_EQ(sc.nr_free, 2 * 1024);
	CHECK_EQ(sc.last_ns, 149998976);
	CHECK_EQ(st.end_ns, 149998976);
	CHECK_EQ(sc.peak_live_pages, 2048);
	sc_free(&sc);
}

/* two_level: hot = first 25% of each task's 256 pages (ids are reserved per task:
 * task 0 gets 1..256, task 1 257..512), receiving 90% of accesses. */
static void test_anon_ws(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: anon_ws\nduration: 100ms\ntasks: 2\nwss: 1MiB\n"
			   "fault_rate: 1000000\naccess_rate: 1000000\npattern: two_level\n"
			   "hot: { fraction: 0.25, share: 0.9 }\nwrite_fraction: 0.5\n";
	struct sim_error err;
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(yaml, &ov, &err);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_record r;
	uint64_t nr_alloc = 0, nr_access = 0, nr_hot = 0, nr_dirty = 0;
	while (workload_next(w, &r, &err) == 1) {
		nr_alloc += r.kind == TR_ALLOC;
		nr_dirty += r.kind == TR_DIRTY;
		if (r.kind == TR_ACCESS) {
			nr_access++;
			nr_hot += (r.id - 1) % 256 < 64;
		}
	}
	workload_close(w);
	CHECK_EQ(nr_alloc, 512);
	/* ~100 ms x 1e6/s x 2 tasks, less the ~0.26 ms of faulting */
	CHECK(nr_access > 190000 && nr_access < 205000);
	double f = (double)nr_hot / (double)nr_access, sd = sqrt(0.9 * 0.1 / (double)nr_access);
	CHECK(fabs(f - 0.9) <= 5 * sd);
	double d = (double)nr_dirty / (double)nr_access, sdd = sqrt(0.25 / (double)nr_access);
	CHECK(fabs(d - 0.5) <= 5 * sdd);
}

/* stress-highalloc as mmtests runs it.  warmup 100 ms, 20 requests 5 ms apart per pass
 * (pass length 100 ms), pause 50 ms, load_after 60 ms, settle 30 ms:
 *   pass 1 requests 100..195 ms, its 20 frees at 200 ms; pass 2 starts 200 + 50 = 250 ms,
 *   requests 250..345, frees at 350; the load is killed at 350 + 60 = 410 ms; pass 3
 *   (at rest) starts 410 + 30 = 440 ms, requests 440..535, frees at 540; the last snapshot
 *   and the end at 540 + 50 = 590 ms.
 * Snapshots: tag 1 at 100 ms, 2 at 250, 3 at 410, 4 at 440, 5 at 590.  The requests come
 * from one task (WL_TASK_BASE + background.tasks = 1004), order 9, hugetlbfs gfp. */
#define HA_YAML                                                                         \
	"generator: highalloc\n"                                                        \
	"background: { tasks: 4, rate: 50000, footprint: 16MiB, orders: [70, 10, 8, 6],\n" \
	"              lifetime: { mean: 1s } }\n"                                      \
	"warmup: 100ms\nallocs: 20\ninterval: 5ms\npause: 50ms\nload_after: 60ms\nsettle: 30ms\n"

static void test_highalloc(void)
{
	uint64_t seed = tl_test_seed();
	struct sim_error err;
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(HA_YAML, &ov, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	static const sim_ns_t ms = NSEC_PER_MSEC;
	static const sim_ns_t pass_start[3] = { 100 * ms, 250 * ms, 440 * ms };
	static const sim_ns_t snap_at[5] = { 100 * ms, 250 * ms, 410 * ms, 440 * ms, 590 * ms };
	uint8_t *huge = calloc(MAX_IDS, 1), *kernel = calloc(MAX_IDS, 1);
	struct trace_record r;
	uint64_t nr_huge[3] = { 0 }, huge_bad = 0, huge_freed_at_end[3] = { 0 }, nr_snap = 0;
	uint64_t snap_bad = 0, bg_after_kill = 0, bg_free_after_kill_not_kernel = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_SNAPSHOT) {
			snap_bad += nr_snap >= 5 || r.arg != (int32_t)nr_snap + 1 || r.time_ns != snap_at[nr_snap];
			nr_snap++;
		}
		if (r.kind == TR_ALLOC && r.task == 1004) {
			int p = r.time_ns >= pass_start[2] ? 2 : r.time_ns >= pass_start[1] ? 1 : 0;
			uint64_t i = nr_huge[p]++;
			huge_bad += r.order != 9 || r.gfp != (GFP_HIGHUSER_MOVABLE | __GFP_COMP |
							       __GFP_RETRY_MAYFAIL | __GFP_NOWARN) ||
				    r.time_ns != pass_start[p] + i * 5 * ms;
			if (r.id < MAX_IDS)
				huge[r.id] = (uint8_t)(p + 1);
		} else if (r.kind == TR_ALLOC) {
			bg_after_kill += r.time_ns >= 410 * ms;
			if (r.id < MAX_IDS)
				kernel[r.id] = r.gfp == GFP_KERNEL || r.gfp == (GFP_KERNEL | __GFP_COMP);
		}
		if (r.kind == TR_FREE && r.id < MAX_IDS && huge[r.id]) {
			int p = huge[r.id] - 1;
			huge_freed_at_end[p] += r.time_ns == pass_start[p] + 100 * ms && r.task == 1004;
		} else if (r.kind == TR_FREE && r.id < MAX_IDS) {
			/* after the kill only kernel objects are still there to go (and the drain) */
			bg_free_after_kill_not_kernel += r.time_ns > 410 * ms && r.time_ns < 590 * ms && !kernel[r.id];
		}
	}
	struct workload_stats st;
	workload_get_stats(w, &st);
	workload_close(w);
	CHECK_EQ(st.end_ns, 590 * ms);
	CHECK_EQ(sc.last_ns, 590 * ms);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(nr_snap, 5);
	CHECK_EQ(snap_bad, 0);
	for (int p = 0; p < 3; p++) {
		CHECK_EQ(nr_huge[p], 20);
		CHECK_EQ(huge_freed_at_end[p], 20);
	}
	CHECK_EQ(huge_bad, 0);
	CHECK_EQ(bg_after_kill, 0);
	CHECK_EQ(bg_free_after_kill_not_kernel, 0);
	CHECK_EQ(count_live(&sc), 0);
	free(huge);
	free(kernel);
	sc_free(&sc);
}

/* The load does not make room for the huge pages: while pass 1 holds its 20 x 512 =
 * 10240 pages (from 195 ms, its last request, to its frees at 200 ms), the load's own
 * live pages stay at its 16 MiB = 4096-page footprint, less at most one object (8 pages):
 * its arrivals (50,000/s, mean 1.81 pages, 1 s lifetimes) ask for ~90,000 pages a second, so only
 * the footprint holds it.  Counting the huge pages against it would leave it none. */
static void test_highalloc_load_keeps_footprint(void)
{
	uint64_t seed = tl_test_seed();
	struct workload *w = open_ok(HA_YAML, seed);
	CHECK(w != NULL);
	if (!w)
		return;
	struct stream_check sc;
	sc_init(&sc);
	uint64_t huge_live = 0, bg_live_at_195 = 0, bg_peak = 0, bg_allocs_in_pass = 0;
	struct trace_record r;
	struct sim_error err;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		bool is_huge = r.id < MAX_IDS && sc.order[r.id] == 9;
		if (r.kind == TR_ALLOC && is_huge)
			huge_live += 512;
		if (r.kind == TR_FREE && is_huge)
			huge_live -= 512;
		uint64_t bg = sc.live_pages - huge_live;
		if (bg > bg_peak)
			bg_peak = bg;
		if (r.kind == TR_ALLOC && !is_huge && r.time_ns >= 100 * NSEC_PER_MSEC && r.time_ns < 200 * NSEC_PER_MSEC)
			bg_allocs_in_pass++;
		if (r.time_ns <= 195 * NSEC_PER_MSEC)
			bg_live_at_195 = bg;
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK(bg_peak <= 4096);
	CHECK(bg_live_at_195 >= 4096 - 8);
	CHECK(bg_allocs_in_pass > 100); /* it keeps allocating as its objects go */
	sc_free(&sc);
}

/* The selftest's own arithmetic on MemFree (kB), as compaction_test.c's main() and
 * check_compaction() do it: map while the fragmentable MB are > 0, 100 MB (here chunk_mb)
 * at a time; nr_hugepages = (kB * 0.8) / 2048 / 2. */
static unsigned ct_selftest_chunks(uint64_t memfree_kb, long chunk_mb)
{
	long frag_mb = (long)((double)memfree_kb * 0.8 / 1024);
	unsigned n = 0;
	while (frag_mb > 0) {
		n++;
		frag_mb -= chunk_mb;
	}
	return n;
}

/* The fresh machine, memory 64 MiB = 16384 pages = 65536 kB, chunk 4 MiB = 1024 pages:
 * fragmentable 0.8 * 65536 / 1024 = 51 MB -> 13 chunks (51, 47, ..., 3, -1), 13312 faults
 * 1 us apart from 0, ids 1..13312 in order, one task.  The list is unmapped from its
 * newest entry, every other: chunks 12, 10, ..., 0 (7 chunks, 7168 pages), from
 * 13311 us + 10 ms = 23311000 ns, 100 ns apart, each chunk in address order: the first
 * freed id is chunk 12's first page, 1 + 12 * 1024 = 12289; the last free at
 * 23311000 + 7167 * 100 = 24027700.  nr_hugepages = (uint64)(65536 * 0.8) = 52428 kB
 * / 2048 / 2 = 12 requests, from 24027700 + 10 ms = 34027700 ns, 10 us apart (the last
 * at 34137700, the end), order 9, set_max_huge_pages' gfp.  A snapshot (tag 1) at 0. */
static void test_compaction_test(void)
{
	const char *yaml = "generator: compaction_test\nmemory: 64MiB\nchunk: 4MiB\n";
	struct sim_error err;
	struct workload *w = open_text(yaml, NULL, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ(ct_selftest_chunks(65536, 4), 13);
	const uint32_t hugetlb_gfp = GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN |
				     __GFP_RETRY_MAYFAIL | __GFP_THISNODE;
	struct trace_record r;
	uint64_t nr_huge = 0, nr_fill = 0, fill_bad = 0, nr_freed = 0, free_bad = 0, huge_bad = 0;
	uint64_t other_task = 0, nr_snap = 0;
	sim_ns_t first_huge = 0, last_huge = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_SNAPSHOT) {
			CHECK_EQ(r.time_ns, 0);
			CHECK_EQ(r.arg, 1);
			nr_snap++;
			continue;
		}
		other_task += r.task != 1000;
		if (r.kind == TR_ALLOC && r.order == 0) {
			/* fault k: id k + 1 at k us, movable */
			fill_bad += r.id != nr_fill + 1 || r.time_ns != nr_fill * 1000 ||
				    r.gfp != (GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
			nr_fill++;
		}
		if (r.kind == TR_FREE && !nr_huge) {
			/* the j-th freed page: chunk 12 - 2 * (j / 1024), page j % 1024 */
			uint64_t j = nr_freed++, chunk = 12 - 2 * (j / 1024), page = j % 1024;
			free_bad += r.id != 1 + chunk * 1024 + page || r.time_ns != 23311000 + j * 100;
		}
		if (r.kind == TR_ALLOC && r.order == 9) {
			huge_bad += r.gfp != hugetlb_gfp;
			if (!nr_huge++)
				first_huge = r.time_ns;
			last_huge = r.time_ns;
		}
	}
	struct workload_stats st;
	workload_get_stats(w, &st);
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(nr_snap, 1);
	CHECK_EQ(other_task, 0);
	CHECK_EQ(nr_fill, 13312);
	CHECK_EQ(fill_bad, 0);
	CHECK_EQ(nr_freed, 7168);
	CHECK_EQ(free_bad, 0);
	CHECK_EQ(nr_huge, 12);
	CHECK_EQ(huge_bad, 0);
	CHECK_EQ(first_huge, 34027700);
	CHECK_EQ(last_huge, 34137700);
	CHECK_EQ(st.end_ns, 34137700);
	CHECK_EQ(sc.nr_pin, 0);
	CHECK_EQ(count_live(&sc), 0);
	sc_free(&sc);
}

/* The pinned control: every chunk page pinned when faulted; the freed ones unpinned just
 * before their munmap, the kept ones at the end (drain). */
static void test_compaction_test_pinned(void)
{
	const char *yaml = "generator: compaction_test\nmemory: 64MiB\nchunk: 4MiB\npinned: true\n";
	struct sim_error err;
	struct workload *w = open_text(yaml, NULL, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_record r;
	uint64_t unpin_before_huge = 0, nr_huge = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		nr_huge += r.kind == TR_ALLOC && r.order == 9;
		unpin_before_huge += r.kind == TR_UNPIN && !nr_huge;
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(sc.nr_pin, 13312);
	CHECK_EQ(sc.nr_unpin, 13312);
	CHECK_EQ(unpin_before_huge, 7168);
	CHECK_EQ(count_live(&sc), 0);
	sc_free(&sc);
}

/* The aged machine: a 1 s pre-phase on 64 MiB (16384 pages), 20,000 order-0 arrivals/s,
 * 10% GFP_KERNEL, 5% never freed, 200 ms mean lifetimes, at most 95% of memory in use
 * (15564 pages).  At 1 s everything else is freed; the test starts at 1 s + 10 ms, when
 * only the L long-lived pages are live, and sizes itself on MemFree = 16384 - L pages,
 * with the selftest's loop.  The seed moves the pre-phase and so the test. */
static void test_compaction_test_aged(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: compaction_test\nmemory: 64MiB\nchunk: 4MiB\n"
			   "age: { duration: 1s, rate: 20000, footprint: 0.95, unmovable: 0.1, "
			   "longlived: 0.05, lifetime: 200ms }\n";
	struct workload *w = open_ok(yaml, seed);
	CHECK(w != NULL);
	if (!w)
		return;
	const sim_ns_t start = NSEC_PER_SEC + 10 * NSEC_PER_MSEC;
	struct stream_check sc;
	sc_init(&sc);
	struct trace_record r;
	struct sim_error err;
	uint64_t live_at_start = 0, age_allocs = 0, age_kernel = 0, age_bad = 0, nr_snap = 0;
	uint64_t age_free_late = 0, nr_fill = 0, nr_huge = 0, peak_age = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_SNAPSHOT) {
			CHECK_EQ(r.time_ns, start);
			live_at_start = sc.live_pages;
			nr_snap++;
			continue;
		}
		if (r.time_ns < start) {
			if (sc.live_pages > peak_age)
				peak_age = sc.live_pages;
			if (r.kind == TR_ALLOC) {
				age_allocs++;
				age_kernel += r.gfp == GFP_KERNEL;
				age_bad += r.order != 0 || r.task != 1001 ||
					   (r.gfp != GFP_KERNEL && r.gfp != GFP_HIGHUSER_MOVABLE);
			}
			age_free_late += r.kind == TR_FREE && r.time_ns > NSEC_PER_SEC;
		} else if (r.kind == TR_ALLOC) {
			nr_fill += r.order == 0;
			nr_huge += r.order == 9;
		}
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(nr_snap, 1);
	CHECK_EQ(age_bad, 0);
	CHECK_EQ(age_free_late, 0);
	CHECK(peak_age <= 15564);
	/* ~20,000 arrivals, ~10% kernel objects: within 5 sd */
	CHECK(age_allocs > 15000);
	double pk = (double)age_kernel / (double)age_allocs, sd = sqrt(0.09 / (double)age_allocs);
	CHECK(fabs(pk - 0.1) <= 5 * sd);
	/* what is left is the long-lived 5%, within 5 sd */
	double pl = (double)live_at_start / (double)age_allocs, sdl = sqrt(0.0475 / (double)age_allocs);
	CHECK(fabs(pl - 0.05) <= 5 * sdl);
	uint64_t memfree_kb = (16384 - live_at_start) * 4;
	CHECK_EQ(nr_fill, ct_selftest_chunks(memfree_kb, 4) * 1024ull);
	CHECK_EQ(nr_huge, (uint64_t)((double)memfree_kb * 0.8) / 2048 / 2);
	sc_free(&sc);
}

/* bursts at 2 s, 12 s, 22 s (period 10 s), 16 buffers 100 ms apart: the third burst's
 * releases are due at 23.5 + 2 = 25.5 s, after the 25 s duration, so drained at 25 s.
 * 8 MiB = 2048 pages per buffer; 16 MiB pinned = 4096 pages. */
static void test_camera(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: camera\nduration: 25s\nbackground: { rate: 1000 }\n"
			   "bdev: { rate: 200 }\n";
	struct sim_error err;
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(yaml, &ov, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_record r;
	uint64_t nr_bdev = 0, bad_cma = 0, nr_rel_at_end = 0;
	sim_ns_t cma_times[64];
	unsigned nr_cma = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_ALLOC && r.gfp == (GFP_NOFS | __GFP_MOVABLE))
			nr_bdev++;
		if (r.kind == TR_CMA_ALLOC) {
			bad_cma += r.count != 2048 || r.arg != 8;
			if (nr_cma < 64)
				cma_times[nr_cma] = r.time_ns;
			nr_cma++;
		}
		if (r.kind == TR_CMA_RELEASE && r.time_ns == 25 * NSEC_PER_SEC)
			nr_rel_at_end++;
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(nr_cma, 48);
	CHECK_EQ(bad_cma, 0);
	CHECK_EQ(sc.nr_cma_rel, 48);
	CHECK_EQ(nr_rel_at_end, 16);
	if (nr_cma == 48) {
		CHECK_EQ(cma_times[0], 2 * NSEC_PER_SEC);
		CHECK_EQ(cma_times[15], 3500 * NSEC_PER_MSEC);
		CHECK_EQ(cma_times[16], 12 * NSEC_PER_SEC);
		CHECK_EQ(cma_times[47], 23500 * NSEC_PER_MSEC);
	}
	CHECK_EQ(sc.nr_pin, 4096);
	CHECK_EQ(sc.nr_unpin, 4096);
	CHECK(nr_bdev > 4000); /* 200/s for 25 s */
	CHECK(sc.nr_dirty >= nr_bdev);
	CHECK_EQ(count_live(&sc), 0);
	sc_free(&sc);
}

/* The pin component inside camera, 20 s: 500 I/Os/s of 16 KiB (4 pages) held ~2 ms
 * (lognormal), long-term sessions of 64 KiB (16 pages) at 2/s held ~3 s, and a tenth of
 * the 1000 block-device pages/s held by the journal ~1 s.  Expected counts (Poisson):
 * short I/O pins 500 x 20 x 4 = 40000 (sd 4 x 100), long-term pins 2 x 20 x 16 = 640
 * (sd 16 x 6.3), journal pins 2000 (sd 45); the mean I/O hold within 10 % of 2 ms (its
 * estimate's sd is ~1.3 %); the long-term pins are taken and dropped during the run. */
static void test_camera_pins(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: camera\nduration: 20s\nbackground: { rate: 1000 }\n"
			   "bdev: { rate: 1000, metadata: 0.1, journal_hold: 1s }\npinned: 0\n"
			   "pins:\n  io: { rate: 500, size: 16KiB, buffers: 1MiB, hold: 2ms }\n"
			   "  longterm: { rate: 2, size: 64KiB, hold: 3s }\n";
	struct sim_error err;
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(yaml, &ov, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_record r;
	uint64_t io_pins = 0, lt_pins = 0, journal_pins = 0, lt_unpins_early = 0;
	double io_pin_sum = 0, io_unpin_sum = 0;
	sim_ns_t first_lt = UINT64_MAX, last_lt = 0;
	const uint32_t bdev = WL_TASK_BASE + 901, io = WL_TASK_BASE + 903, lt = WL_TASK_BASE + 904;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_PIN && r.task == io && r.arg == PIN_SHORT) {
			io_pins++;
			io_pin_sum += (double)r.time_ns;
		} else if (r.kind == TR_UNPIN && r.task == io) {
			io_unpin_sum += (double)r.time_ns;
		} else if (r.kind == TR_PIN && r.task == lt && r.arg == PIN_LONGTERM) {
			lt_pins++;
			first_lt = MIN(first_lt, r.time_ns);
			last_lt = MAX(last_lt, r.time_ns);
		} else if (r.kind == TR_UNPIN && r.task == lt && r.time_ns < 19 * NSEC_PER_SEC) {
			lt_unpins_early++;
		} else if (r.kind == TR_PIN && r.task == bdev && r.arg == PIN_SHORT) {
			journal_pins++;
		}
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(sc.nr_pin, sc.nr_unpin);
	CHECK_EQ(count_live(&sc), 0);
	CHECK(io_pins >= 38000 && io_pins <= 42000);
	double mean_hold = (io_unpin_sum - io_pin_sum) / (double)io_pins;
	CHECK(mean_hold > 1.8e6 && mean_hold < 2.2e6);
	CHECK(lt_pins >= 300 && lt_pins <= 1000 && lt_pins % 16 == 0);
	CHECK(first_lt > 0 && last_lt > 10 * NSEC_PER_SEC);
	CHECK(lt_unpins_early > 0);
	CHECK(journal_pins >= 1700 && journal_pins <= 2300);
	printf("     io pins %llu (mean hold %.0f ns), long-term %llu (%.2f..%.2f s), journal %llu\n",
	       (unsigned long long)io_pins, mean_hold, (unsigned long long)lt_pins, first_lt / 1e9,
	       last_lt / 1e9, (unsigned long long)journal_pins);
	sc_free(&sc);
}

/* kbuild with the pin component on: records stay consistent (no pin of a dead object, no
 * free of a pinned one), every pin is dropped, and long-term sessions come after time 0. */
static void test_kbuild_pins(void)
{
	uint64_t seed = tl_test_seed();
	const char *on = "generator: kbuild\nduration: 1s\njobs: 4\nfiles: 200\nlonglived: { make: 1MiB, ld: 0 }\n"
			 "pins: { io: { rate: 2000, size: 8KiB, buffers: 256KiB }, longterm: { rate: 20, size: 16KiB, hold: 100ms } }\n";
	struct sim_error err;
	struct workload_overrides ov = { .has_seed = true, .seed = seed };
	struct workload *w = open_text(on, &ov, &err);
	struct stream_check sc;
	sc_init(&sc);
	CHECK(w != NULL);
	if (!w)
		return;
	struct trace_record r;
	uint64_t lt = 0, io = 0;
	sim_ns_t first_lt = UINT64_MAX;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.kind == TR_PIN && r.arg == PIN_LONGTERM) {
			lt++;
			first_lt = MIN(first_lt, r.time_ns);
		} else if (r.kind == TR_PIN) {
			io++;
		}
	}
	workload_close(w);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(sc.nr_pin, sc.nr_unpin);
	CHECK_EQ(count_live(&sc), 0);
	CHECK(io > 2000 && lt > 0 && lt % 4 == 0 && first_lt > 0);
	sc_free(&sc);
}

/* Every kind: same seed -> same stream; a different seed -> a different one (except the
 * deterministic compaction_test script). */
static void test_all_kinds_deterministic(void)
{
	uint64_t seed = tl_test_seed();
	const char *yamls[] = {
		"generator: kbuild\nrecords: 20000\njobs: 4\nfiles: 300\nlonglived: { make: 1MiB, ld: 0 }\n",
		"generator: stream_write\nrecords: 20000\nfile_size: 16MiB\nwriters: 3\n",
		"generator: anon_ws\nrecords: 20000\nwss: 1MiB\n",
		"generator: highalloc\nrecords: 20000\nwarmup: 10ms\nallocs: 1000\ninterval: 1ms\n",
		"generator: camera\nrecords: 20000\ncma: { start: 1ms, spacing: 1ms, hold: 1ms, period: 100ms }\n",
		"generator: zram\nrecords: 20000\nzram: { app: 1MiB }\naio: { rate: 10 }\nhuge: { start: 1ms, interval: 10ms }\n",
		"generator: noreuse\nrecords: 20000\nanon: { wss: 1MiB }\nhot: { size: 1MiB }\n"
		"volatile: { bandwidth: 1MiB }\nhighorder: { rate: 1000 }\n",
	};
	for (size_t i = 0; i < sizeof(yamls) / sizeof(yamls[0]); i++) {
		struct stream_check a, b, c;
		struct workload_stats st;
		run_kind(yamls[i], seed, &a, &st);
		run_kind(yamls[i], seed, &b, &st);
		run_kind(yamls[i], seed ^ 0x5555, &c, &st);
		CHECK(a.hash == b.hash);
		bool random_kind = strstr(yamls[i], "stream_write") == NULL;
		if (random_kind)
			CHECK(a.hash != c.hash);
		if (a.nr_records < 20000)
			fprintf(stderr, "  %s: only %llu records\n", yamls[i],
				(unsigned long long)a.nr_records);
		CHECK(a.nr_records >= 20000);
		sc_free(&a);
		sc_free(&b);
		sc_free(&c);
	}
}

/* The shipped workloads (workloads/NAME.yaml) load, and their first records form a valid stream. */
static void test_shipped_workloads(void)
{
	const char *files[] = { "churn", "churn-10m", "kbuild", "stream_write", "anon_ws",
				"highalloc", "compaction_test", "camera", "noreuse", "noreuse-readheavy" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/workloads/%s.yaml", tl_srcdir(), files[i]);
		const char *sets[] = { "records=50000" };
		struct workload_overrides ov = { .sets = sets, .nr_sets = 1 };
		struct sim_error err = { 0 };
		struct workload *w = workload_open(path, &ov, &err);
		if (!w)
			fprintf(stderr, "  %s: %s\n", path, err.msg);
		CHECK(w != NULL);
		if (!w)
			continue;
		struct stream_check sc;
		sc_init(&sc);
		run_check(w, &sc);
		CHECK_EQ(sc.bad, 0);
		CHECK(sc.nr_records >= 50000);
		if (count_live(&sc))
			fprintf(stderr, "  %s: live objects after drain\n", files[i]);
		CHECK_EQ(count_live(&sc), 0);
		workload_close(w);
		sc_free(&sc);
	}
}

/* zram: the pool and aio rings on a small load.  Hand figures: 4 MiB of app memory is 1024
 * pages, faulted in at time 0; 2000 swap events a second for 4 s is 8000 events (Poisson:
 * within 8000 +- 5 sigma = +- 450); the compressed share reverts to 0.5; a pool page holds 4
 * compressed pages, so C compressed pages sit in ceil(C/4)..C pool pages; 2 aio contexts of
 * 8 ring pages are 16 owner pins at time 0, dropped by the drain; cma_allocs at 1, 1.5, ...,
 * 3.5 s are 6.  Every swap-in reads its pool page (an access), every pool page is made
 * non-LRU movable (hint movable_ops) when it is allocated; the pool and the app's pages
 * are not drained, so they are what is live at the end. */
static void test_zram(void)
{
	uint64_t seed = tl_test_seed();
	const char *yaml = "generator: zram\nduration: 4s\nbackground: { rate: 1000, footprint: 16MiB }\n"
			   "zram: { app: 4MiB, swapped: 0.5, rate: 2000, ratio: 4 }\n"
			   "aio: { contexts: 2, rate: 0, pages: 8 }\n"
			   "cma: { start: 1s, interval: 500ms, size: 1MiB, hold: 100ms }\n";
	struct workload *w = open_ok(yaml, seed);
	CHECK(w != NULL);
	if (!w)
		return;
	const uint32_t swap = WL_TASK_BASE + 800, aio = WL_TASK_BASE + 801;
	const gfp_t zram_gfp = GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE;
	uint8_t *kind = calloc(MAX_IDS, 1); /* 1 app page, 2 pool page */
	struct stream_check sc;
	sc_init(&sc);
	struct trace_record r;
	struct sim_error err;
	uint64_t app0 = 0, app_later = 0, app_freed = 0, pool_alloc = 0, pool_hinted_at_alloc = 0;
	uint64_t pool_reads = 0, owner_pins = 0, cma = 0;
	uint64_t last_pool = 0;
	sim_ns_t last_pool_t = 0;
	while (workload_next(w, &r, &err) == 1) {
		sc_add(&sc, &r);
		if (r.id >= MAX_IDS)
			continue;
		if (r.kind == TR_ALLOC && r.task == swap && r.gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO)) {
			kind[r.id] = 1;
			r.time_ns == 0 ? app0++ : app_later++;
		} else if (r.kind == TR_ALLOC && r.task == swap && r.gfp == zram_gfp) {
			kind[r.id] = 2;
			pool_alloc++;
			last_pool = r.id;
			last_pool_t = r.time_ns;
		} else if (r.kind == TR_HINT && r.arg == HINT_MOVABLE_OPS && r.id == last_pool && r.time_ns == last_pool_t) {
			pool_hinted_at_alloc++;
			last_pool = 0;
		} else if (r.kind == TR_FREE && kind[r.id] == 1) {
			app_freed++;
		} else if (r.kind == TR_ACCESS && kind[r.id] == 2) {
			pool_reads++;
		} else if (r.kind == TR_PIN && r.task == aio && r.arg == PIN_OWNER) {
			owner_pins++;
			CHECK_EQ(r.time_ns, 0);
		} else if (r.kind == TR_CMA_ALLOC) {
			cma++;
		}
	}
	workload_close(w);
	uint64_t resident = 0, pool_live = 0;
	for (uint64_t i = 0; i < MAX_IDS; i++) {
		resident += kind[i] == 1 && sc.state[i] == 1;
		pool_live += kind[i] == 2 && sc.state[i] == 1;
	}
	uint64_t compressed = 1024 - resident;
	printf("     swap-outs %llu, swap-ins %llu, compressed %llu in %llu pool pages (%llu allocated)\n",
	       (unsigned long long)app_freed, (unsigned long long)pool_reads, (unsigned long long)compressed,
	       (unsigned long long)pool_live, (unsigned long long)pool_alloc);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(app0, 1024);
	/* a swap-in reads the pool and faults the app page in again: one access, one alloc */
	CHECK_EQ(app_later, pool_reads);
	/* resident = 1024 - swap-outs + swap-ins */
	CHECK_EQ(resident, 1024 - app_freed + pool_reads);
	CHECK(app_freed + pool_reads >= 7550 && app_freed + pool_reads <= 8450);
	CHECK(compressed >= 410 && compressed <= 614); /* 0.5 +- 0.1 of 1024 */
	CHECK(pool_live >= (compressed + 3) / 4 && pool_live <= compressed);
	CHECK_EQ(pool_hinted_at_alloc, pool_alloc);
	CHECK_EQ(owner_pins, 16);
	CHECK_EQ(sc.nr_pin, sc.nr_unpin);
	CHECK_EQ(cma, 6);
	CHECK_EQ(count_live(&sc), resident + pool_live);
	free(kind);
	sc_free(&sc);
}

/* ---- the trace file and `mmsim gen` -------------------------------------------------- */

/* Generated records survive the native trace writer and reader unchanged, in both
 * encodings, and the header carries the provenance. */
static void test_trace_roundtrip(void)
{
	const char *yaml = "generator: camera\nrecords: 30000\n"
			   "cma: { start: 1ms, spacing: 1ms, hold: 1ms, period: 100ms }\n";
	const char *paths[] = { "test_workload_rt.mmt.gz", "test_workload_rt.mmt.txt" };
	for (int e = 0; e < 2; e++) {
		struct sim_error err = { 0 };
		struct workload *w = open_ok(yaml, 5);
		if (!w)
			return;
		struct trace_header *h = calloc(1, sizeof(*h));
		h->version = TRACE_VERSION;
		workload_fill_header(w, h);
		struct trace_writer *tw = trace_create(paths[e], trace_encoding_for(paths[e]), h, &err);
		CHECK(tw != NULL);
		struct trace_record r;
		uint64_t hw = 0xcbf29ce484222325ull, n = 0;
		while (tw && workload_next(w, &r, &err) == 1) {
			hw = hash_record(hw, &r);
			n++;
			if (trace_write(tw, &r, &err)) {
				fprintf(stderr, "  write: %s\n", err.msg);
				CHECK(0);
				break;
			}
		}
		CHECK(tw && trace_commit(tw, &err) == 0);
		workload_close(w);
		struct trace_reader *tr = trace_open(paths[e], &err);
		CHECK(tr != NULL);
		uint64_t hr = 0xcbf29ce484222325ull, m = 0;
		int rc;
		while (tr && (rc = trace_read(tr, &r, &err)) == 1) {
			hr = hash_record(hr, &r);
			m++;
		}
		if (tr) {
			const struct trace_header *rh = trace_reader_header(tr);
			CHECK_STR(trace_meta_get(rh, "generator"), "camera");
			CHECK_STR(trace_meta_get(rh, "seed"), "5");
			CHECK_STR(trace_meta_get(rh, "param.cma.buffers"), "16");
			trace_close(tr);
		}
		CHECK_EQ(m, n);
		CHECK(hr == hw);
		remove(paths[e]);
		free(h);
	}
}

static int run_mmsim(const char *args)
{
	const char *mmsim = getenv("MMSIM");
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", mmsim, args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Exit codes of `mmsim gen` (sysexits): usage 64, missing input 66, bad config 78. */
static void test_cmd_gen(void)
{
	if (!getenv("MMSIM")) {
		tl_skip_test("MMSIM (the mmsim binary) not set; run through meson test");
		return;
	}
	char args[4096];
	CHECK_EQ(run_mmsim("gen --help >/dev/null"), 0);
	CHECK_EQ(run_mmsim("gen"), 64);
	CHECK_EQ(run_mmsim("gen --bogus x.yaml"), 64);
	CHECK_EQ(run_mmsim("gen /nonexistent/x.yaml -o x.mmt.gz"), 66);
	snprintf(args, sizeof(args), "gen %s/workloads/churn.yaml --set nosuch=1 -o t_gen.mmt.gz",
		 tl_srcdir());
	CHECK_EQ(run_mmsim(args), 78);
	snprintf(args, sizeof(args), "gen %s/workloads/churn.yaml --seed x -o t_gen.mmt.gz",
		 tl_srcdir());
	CHECK_EQ(run_mmsim(args), 64);
	FILE *fp = fopen("t_gen.mmt.gz", "rb");
	CHECK(fp == NULL); /* failures leave nothing behind */
	if (fp)
		fclose(fp);
	snprintf(args, sizeof(args),
		 "gen %s/workloads/churn.yaml --seed 3 --set records=1000 -o t_gen.mmt.txt", tl_srcdir());
	CHECK_EQ(run_mmsim(args), 0);
	struct sim_error err = { 0 };
	struct trace_reader *tr = trace_open("t_gen.mmt.txt", &err);
	CHECK(tr != NULL);
	if (tr) {
		CHECK_STR(trace_meta_get(trace_reader_header(tr), "seed"), "3");
		struct trace_record r;
		uint64_t n = 0;
		while (trace_read(tr, &r, &err) == 1)
			n++;
		CHECK(n >= 1000);
		trace_close(tr);
	}
	remove("t_gen.mmt.txt");
}

/* Every default parses, and its printed form (the trace header's param.* values) parses
 * back to the same value: the header is a faithful, re-runnable record of the workload. */
static void test_param_roundtrip(void)
{
	const struct wl_kind *kinds[] = { &wl_kind_churn, &wl_kind_kbuild, &wl_kind_stream_write,
					  &wl_kind_anon_ws, &wl_kind_highalloc,
					  &wl_kind_compaction_test, &wl_kind_camera, &wl_kind_zram, &wl_kind_noreuse };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		void *a = calloc(1, kinds[k]->state_size), *b = calloc(1, kinds[k]->state_size);
		for (unsigned i = 0; i < kinds[k]->nr_params; i++) {
			const struct wl_param *p = &kinds[k]->params[i];
			char why[256], t1[512], t2[512];
			CHECK_EQ(wl_parse_value(p, a, p->def, why, sizeof(why)), 0);
			wl_format_value(p, a, t1, sizeof(t1));
			CHECK_EQ(wl_parse_value(p, b, t1, why, sizeof(why)), 0);
			wl_format_value(p, b, t2, sizeof(t2));
			CHECK_STR(t2, t1);
		}
		free(a);
		free(b);
	}
	/* hand-checked forms: 100MiB = 25600 pages prints back as 100MiB; 1536 KiB = 384
	 * pages is not a whole MiB, so 1536KiB; a bare 5000 is bytes, rounded up to 2 pages;
	 * 1.5 s is not whole seconds, so 1500ms */
	const struct wl_param pages = { "x", WLP_PAGES, 0, "0", 0, 1e12, NULL, "" };
	const struct wl_param dur = { "x", WLP_DURATION, 0, "0", 0, 1e18, NULL, "" };
	uint64_t v = 0;
	char why[128], t[64];
	CHECK_EQ(wl_parse_value(&pages, &v, "100MiB", why, sizeof(why)), 0);
	CHECK_EQ(v, 25600);
	wl_format_value(&pages, &v, t, sizeof(t));
	CHECK_STR(t, "100MiB");
	CHECK_EQ(wl_parse_value(&pages, &v, "1536KiB", why, sizeof(why)), 0);
	wl_format_value(&pages, &v, t, sizeof(t));
	CHECK_STR(t, "1536KiB");
	CHECK_EQ(wl_parse_value(&pages, &v, "5000", why, sizeof(why)), 0);
	CHECK_EQ(v, 2); /* 5000 bytes round up to 2 pages */
	/* 64-bit seeds parse exactly: 2^53 + 1 is not a double */
	const struct wl_param u64 = { "x", WLP_U64, 0, "0", 0, 18446744073709551615.0, NULL, "" };
	CHECK_EQ(wl_parse_value(&u64, &v, "9007199254740993", why, sizeof(why)), 0);
	CHECK(v == 9007199254740993ull);
	CHECK_EQ(wl_parse_value(&u64, &v, "18446744073709551615", why, sizeof(why)), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(wl_parse_value(&u64, &v, "18446744073709551616", why, sizeof(why)), -1);
	CHECK_EQ(wl_parse_value(&u64, &v, "1e6", why, sizeof(why)), 0);
	CHECK_EQ(v, 1000000);
	CHECK_EQ(wl_parse_value(&u64, &v, "2.5", why, sizeof(why)), -1);
	/* a double that %.15g would round prints with 17 digits */
	const struct wl_param dbl = { "x", WLP_DOUBLE, 0, "0", 0, 1, NULL, "" };
	double d = 0.1 + 0.2;
	wl_format_value(&dbl, &d, t, sizeof(t));
	CHECK_STR(t, "0.30000000000000004");
	d = 0.25;
	wl_format_value(&dbl, &d, t, sizeof(t));
	CHECK_STR(t, "0.25");
	CHECK_EQ(wl_parse_value(&dur, &v, "1.5s", why, sizeof(why)), 0);
	CHECK_EQ(v, 1500000000);
	wl_format_value(&dur, &v, t, sizeof(t));
	CHECK_STR(t, "1500ms");
}

/* noreuse with its random parts pinned: no anon, no hot set, every streamed page written
 * and hinted DONTNEED.  Stream 4096000 B/s = one 4 KiB page every 1 ms: pages at 0, 1, ...,
 * 9 ms (duration 10 ms); volatile 1024000 B/s in 8 KiB chunks (2 pages) = a chunk every
 * 8 ms: at 0 and 8 ms.  Each page: alloc, dirty, hint, all task 1000 (one_task); then the
 * drain frees the 14 pages.  Stream pages are page-cache writes, volatile ones anon. */
static void test_noreuse(void)
{
	const char *text = "generator: noreuse\nduration: 10ms\nanon: { wss: 0 }\nhot: { size: 0 }\n"
			   "stream: { bandwidth: 4096000, write_fraction: 1, hint_fraction: 1, hints: \"0,1,0\" }\n"
			   "volatile: { bandwidth: 1024000, chunk: 8KiB }\n";
	struct sim_error err = { 0 };
	struct workload *w = workload_open_mem("t.yaml", text, strlen(text), NULL, &err);
	CHECK(w != NULL);
	if (!w) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	struct trace_record r;
	unsigned nr_stream = 0, nr_volatile = 0, nr_dontneed = 0, nr_volatile_hints = 0, nr_free = 0;
	sim_ns_t stream_t[16], volatile_t[4];
	bool one_task = true;
	while (workload_next(w, &r, &err) == 1) {
		one_task &= r.task == 1000;
		if (r.kind == TR_ALLOC && r.gfp == (GFP_HIGHUSER_MOVABLE | __GFP_WRITE) && nr_stream < 16)
			stream_t[nr_stream++] = r.time_ns;
		else if (r.kind == TR_ALLOC && r.gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO) && nr_volatile < 4)
			volatile_t[nr_volatile++] = r.time_ns;
		else if (r.kind == TR_HINT && r.arg == HINT_DONTNEED)
			nr_dontneed++;
		else if (r.kind == TR_HINT && r.arg == HINT_VOLATILE)
			nr_volatile_hints++;
		else if (r.kind == TR_FREE)
			nr_free++;
	}
	CHECK(one_task);
	CHECK_EQ(nr_stream, 10);
	for (unsigned i = 0; i < nr_stream && i < 10; i++)
		CHECK_EQ(stream_t[i], (sim_ns_t)i * 1000000);
	CHECK_EQ(nr_volatile, 4);
	CHECK_EQ(volatile_t[0], 0);
	CHECK_EQ(volatile_t[1], 0);
	CHECK_EQ(volatile_t[2], 8000000);
	CHECK_EQ(volatile_t[3], 8000000);
	CHECK_EQ(nr_dontneed, 10);
	CHECK_EQ(nr_volatile_hints, 4);
	CHECK_EQ(nr_free, 14);
	workload_close(w);
}

/* phases: two scripted phases, times worked out from start + k / rate. */
static void test_phases(void)
{
	const char *text = "generator: phases\n"
			   "phase1: { start: 0, count: 3, rate: 1000, order: 0, class: movable }\n"
			   "phase2: { start: 5ms, count: 2, rate: 100, order: 1, class: atomic, lifetime: 1ms }\n";
	struct sim_error err = { 0 };
	struct workload *w = workload_open_mem("t.yaml", text, strlen(text), NULL, &err);
	CHECK(w != NULL);
	if (!w) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	/* phase 1 (task 1000): allocs at 0, 1 ms, 2 ms; phase 2 (task 1001): order-1 GFP_ATOMIC
	 * at 5 ms and 15 ms, each freed 1 ms later.  The workload ends with its last action
	 * (15 ms): the drain releases what is still live at that time, the second atomic
	 * allocation first (its free is due first), then phase 1's three. */
	static const struct { sim_ns_t t; uint8_t kind; uint32_t task; uint8_t order; uint32_t gfp; } want[] = {
		{ 0, TR_ALLOC, 1000, 0, GFP_HIGHUSER_MOVABLE },
		{ 1000000, TR_ALLOC, 1000, 0, GFP_HIGHUSER_MOVABLE },
		{ 2000000, TR_ALLOC, 1000, 0, GFP_HIGHUSER_MOVABLE },
		{ 5000000, TR_ALLOC, 1001, 1, GFP_ATOMIC },
		{ 6000000, TR_FREE, 1001, 0, 0 },
		{ 15000000, TR_ALLOC, 1001, 1, GFP_ATOMIC },
		{ 15000000, TR_FREE, 1001, 0, 0 },
	};
	struct trace_record rec;
	size_t i = 0;
	int rc;
	while ((rc = workload_next(w, &rec, &err)) == 1 && i < ARRAY_SIZE(want)) {
		CHECK_EQ(rec.time_ns, want[i].t);
		CHECK_EQ(rec.kind, want[i].kind);
		CHECK_EQ(rec.task, want[i].task);
		if (rec.kind == TR_ALLOC) {
			CHECK_EQ(rec.order, want[i].order);
			CHECK_EQ(rec.gfp, want[i].gfp);
		}
		i++;
	}
	CHECK_EQ(i, ARRAY_SIZE(want));
	unsigned drained = rc == 1 ? 1 : 0;
	while (workload_next(w, &rec, &err) == 1)
		drained++;
	CHECK_EQ(drained, 3); /* phase 1's three objects, freed by the drain */
	workload_close(w);
}

/* phases with arrivals: poisson take the seed: 2000 arrivals at 1000/s from 0 end near
 * 2 s (mean gap 1 ms; the sum of 2000 exponential gaps has sd sqrt(2000) ms ~ 45 ms, so
 * 1.8..2.2 s is over 4 sd), the same seed repeats the sequence and another seed does not. */
static sim_ns_t phases_poisson_last(uint64_t seed, uint64_t *sum_out)
{
	const char *text = "generator: phases\n"
			   "phase1: { start: 0, count: 2000, rate: 1000, order: 0, class: movable, arrivals: poisson }\n";
	struct sim_error err = { 0 };
	struct workload_overrides o = { .seed = seed, .has_seed = true };
	struct workload *w = workload_open_mem("t.yaml", text, strlen(text), &o, &err);
	CHECK(w != NULL);
	if (!w)
		return 0;
	struct trace_record rec;
	sim_ns_t last = 0;
	uint64_t sum = 0;
	while (workload_next(w, &rec, &err) == 1)
		if (rec.kind == TR_ALLOC) {
			last = rec.time_ns;
			sum = sum * 31 + rec.time_ns;
		}
	workload_close(w);
	*sum_out = sum;
	return last;
}

static void test_phases_poisson(void)
{
	uint64_t a, b, c;
	sim_ns_t la = phases_poisson_last(1, &a), lb = phases_poisson_last(1, &b);
	phases_poisson_last(2, &c);
	CHECK(la > 1800000000ull && la < 2200000000ull);
	CHECK_EQ(la, lb);
	CHECK_EQ(a, b);
	CHECK(a != c);
}

/* A footprint of 3 pages under 9 M arrivals/s and 1 s lifetimes skips ~9 M arrivals per
 * record: generation is refused (65, naming the workload) instead of running for days. */
static void test_throttle_bound(void)
{
	struct sim_error err = { 0 };
	struct workload *w = open_text("generator: churn\nseed: 1\nrecords: 3\nfootprint: 3\n"
				"rate: 9000000\nlifetime:\n  mean: 1s\n", NULL, &err);
	CHECK(w != NULL);
	struct trace_record rec;
	int got = 0;
	uint64_t n = 0;
	while (w && (got = workload_next(w, &rec, &err)) == 1)
		n++;
	CHECK_EQ(got, -1);
	CHECK_EQ(err.code, EX_DATAERR_);
	CHECK(strstr(err.msg, "t.yaml: generator churn: 100000 arrivals in a row skipped") != NULL);
	workload_close(w);
	/* the same rate with room for its lifetimes runs to its budget */
	w = open_text("generator: churn\nseed: 1\nrecords: 1000\nfootprint: 64MiB\n"
	       "rate: 9000000\nlifetime:\n  mean: 1ms\n", NULL, &err);
	n = 0;
	while (w && (got = workload_next(w, &rec, &err)) == 1)
		n++;
	CHECK_EQ(got, 0);
	CHECK(n >= 1000);
	workload_close(w);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_churn_deterministic);
	RUN(test_churn_pairs_and_drain);
	RUN(test_churn_order_distribution);
	RUN(test_churn_footprint_cap);
	RUN(test_churn_streams_independent);
	RUN(test_records_budget);
	RUN(test_yaml_errors);
	RUN(test_set_and_header);
	RUN(test_param_roundtrip);
	RUN(test_kbuild);
	RUN(test_kbuild_slots);
	RUN(test_kbuild_pgtables);
	RUN(test_stream_write);
	RUN(test_anon_ws);
	RUN(test_highalloc);
	RUN(test_highalloc_load_keeps_footprint);
	RUN(test_compaction_test);
	RUN(test_compaction_test_pinned);
	RUN(test_compaction_test_aged);
	RUN(test_camera);
	RUN(test_camera_pins);
	RUN(test_kbuild_pins);
	RUN(test_phases);
	RUN(test_noreuse);
	RUN(test_phases_poisson);
	RUN(test_zram);
	RUN(test_all_kinds_deterministic);
	RUN(test_shipped_workloads);
	RUN(test_trace_roundtrip);
	RUN(test_cmd_gen);
	RUN(test_throttle_bound);
	return TEST_END();
}
