/* bench_reclaim.c — reclaim-heavy replay against a no-pressure churn:
 * `bench_reclaim [RECORDS] [NORMAL_PAGES]`.
 *
 * Both replays drive the memory model directly through an engine, as `mmsim run` does
 * (engine_run_until(record time), then the record), from records generated in memory
 * beforehand so only the model is timed:
 *   churn:   alloc / free / access of order-0 anon and file pages with a live set of at
 *            most half of memory: no reclaim at all;
 *   reclaim: a working set of twice the memory (half anon, half file) faulted in, then
 *            uniform random accesses (30% of them followed by a dirty of the page) with
 *            4 GiB of swap: steady swap-out, swap-in, file eviction and refault.
 * Prints records/s for each, the reclaim replay's pages scanned/s (pgscan + pgrefill) and
 * the per-record slowdown against churn, with the budget (<= 3x).  Best of three runs.
 * Prints figures; never fails on them. */
#include "engine/engine.h"
#include "mm/mm.h"
#include "mm/vmscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum op { OP_ALLOC_ANON, OP_ALLOC_FILE, OP_FREE, OP_ACCESS, OP_DIRTY };

struct rec {
	sim_ns_t t;
	uint64_t id;
	uint8_t op;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void machine(struct config *cfg, uint64_t normal_pages, uint64_t swap_pages)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->machine.zone_pages[ZONE_NORMAL] = normal_pages;
	cfg->machine.nr_cpus = 2;
	cfg->machine.pageblock_order = 9;
	cfg->machine.watermark_scale_factor = 10;
	cfg->machine.watermark_boost_factor = 15000;
	unsigned ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };
	memcpy(cfg->machine.lowmem_reserve_ratio, ratio, sizeof(ratio));
	cfg->machine.mobility_grouping = true;
	cfg->policy.swappiness = 60;
	cfg->policy.extfrag_threshold = 500;
	cfg->devices.disk_bandwidth_bps = 500000000;
	cfg->devices.disk_latency_ns = 100000;
	cfg->devices.swap_pages = swap_pages;
	cfg->devices.swap_bandwidth_bps = 500000000;
	cfg->devices.swap_latency_ns = 100000;
	cfg->costs.scan_page_ns = 50;
	cfg->costs.reclaim_page_ns = 300;
}

/* No pressure: live set bounded by half of memory. */
static struct rec *gen_churn(uint64_t n, uint64_t normal_pages)
{
	struct rec *r = malloc(n * sizeof(*r));
	uint64_t max_live = normal_pages / 2;
	uint64_t *live = malloc(max_live * sizeof(*live));
	uint64_t nr_live = 0, next = 1, s = 0x9e3779b97f4a7c15ull;
	sim_ns_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = xorshift(&s);
		t += 1000;
		r[i].t = t;
		unsigned k = (unsigned)((x >> 8) % 100);
		if (nr_live == 0 || (k < 40 && nr_live < max_live)) {
			r[i].op = (x >> 20) & 1 ? OP_ALLOC_ANON : OP_ALLOC_FILE;
			r[i].id = next;
			live[nr_live++] = next++;
		} else if (k < 75) {
			uint64_t j = (x >> 24) % nr_live;
			r[i].op = OP_FREE;
			r[i].id = live[j];
			live[j] = live[--nr_live];
		} else {
			r[i].op = OP_ACCESS;
			r[i].id = live[(x >> 24) % nr_live];
		}
	}
	free(live);
	return r;
}

/* Working set 2x memory: fault it in, then uniform accesses (30% also dirty). */
static struct rec *gen_reclaim(uint64_t n, uint64_t normal_pages)
{
	struct rec *r = malloc(n * sizeof(*r));
	uint64_t ws = 2 * normal_pages, s = 0x2545f4914f6cdd1dull;
	sim_ns_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = xorshift(&s);
		t += 1000;
		r[i].t = t;
		if (i < ws) {
			r[i].op = i & 1 ? OP_ALLOC_FILE : OP_ALLOC_ANON;
			r[i].id = i + 1;
		} else if (i > 0 && r[i - 1].op == OP_ACCESS && (x >> 8) % 100 < 30) {
			r[i].op = OP_DIRTY;
			r[i].id = r[i - 1].id;
		} else {
			r[i].op = OP_ACCESS;
			r[i].id = 1 + (x >> 24) % ws;
		}
	}
	return r;
}

struct result {
	double secs;
	uint64_t scanned, swapped, refaults, fails;
};

static int replay(const struct config *cfg, const struct rec *r, uint64_t n, struct result *out)
{
	struct engine eng;
	struct mm mm;
	struct sim_error err;
	engine_init(&eng);
	if (mm_init(&mm, cfg, &eng, &err)) {
		fprintf(stderr, "bench_reclaim: %s\n", err.msg);
		engine_destroy(&eng);
		return -1;
	}
	double t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		engine_run_until(&eng, r[i].t);
		switch (r[i].op) {
		case OP_ALLOC_ANON:
			mm_alloc(&mm, r[i].id, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
			break;
		case OP_ALLOC_FILE:
			mm_alloc(&mm, r[i].id, GFP_HIGHUSER_MOVABLE, 0);
			break;
		case OP_FREE:
			mm_free(&mm, r[i].id);
			break;
		case OP_ACCESS:
			mm_access(&mm, r[i].id);
			break;
		case OP_DIRTY:
			mm_dirty(&mm, r[i].id);
			break;
		}
	}
	out->secs = now_s() - t0;
	out->scanned = mm.vm_events[VM_PGSCAN_KSWAPD] + mm.vm_events[VM_PGSCAN_DIRECT] + mm.vm_events[VM_PGREFILL];
	out->swapped = mm.vm_events[VM_PSWPOUT];
	out->refaults = mm.vm_events[VM_WORKINGSET_REFAULT_ANON] + mm.vm_events[VM_WORKINGSET_REFAULT_FILE];
	out->fails = mm.vm_events[VM_MMSIM_ALLOC_FAIL];
	mm_destroy(&mm);
	engine_destroy(&eng);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 4000000;
	uint64_t pages = argc > 2 ? strtoull(argv[2], NULL, 0) : 65536; /* 256 MiB */
	if (n < 4 * pages) {
		fprintf(stderr, "bench_reclaim: need RECORDS >= 4 x NORMAL_PAGES\n");
		return 64;
	}
	struct config cfg_churn, cfg_reclaim;
	machine(&cfg_churn, pages, 0);
	machine(&cfg_reclaim, pages, 1u << 20);
	struct rec *churn = gen_churn(n, pages), *heavy = gen_reclaim(n, pages);
	struct result a, b;
	/* Alternate the two replays so that load on the machine hits both alike. */
	int rc = 0;
	for (int k = 0; k < 3 && !rc; k++) {
		struct result ra, rb;
		rc = replay(&cfg_churn, churn, n, &ra) || replay(&cfg_reclaim, heavy, n, &rb);
		if (!rc && (k == 0 || ra.secs < a.secs))
			a = ra;
		if (!rc && (k == 0 || rb.secs < b.secs))
			b = rb;
	}
	if (!rc) {
		double ra = (double)n / a.secs, rb = (double)n / b.secs;
		printf("bench_reclaim: %llu records, Normal %llu pages\n", (unsigned long long)n,
		       (unsigned long long)pages);
		printf("  churn (no pressure):  %.2f M records/s, %llu pages scanned\n", ra / 1e6,
		       (unsigned long long)a.scanned);
		printf("  reclaim (ws 2x mem):  %.2f M records/s, %.2f M pages scanned/s "
		       "(%llu scanned, %llu swapped out, %llu refaults, %llu alloc failures)\n",
		       rb / 1e6, (double)b.scanned / b.secs / 1e6, (unsigned long long)b.scanned,
		       (unsigned long long)b.swapped, (unsigned long long)b.refaults, (unsigned long long)b.fails);
		printf("  per-record slowdown: %.2fx (budget <= 3x): %s\n", ra / rb, ra / rb <= 3.0 ? "within" : "OVER");
	}
	free(churn);
	free(heavy);
	return rc ? 1 : 0;
}
