/* fuzz_workload.c — libFuzzer target: arbitrary bytes as a workload YAML.
 *
 * Beyond "no crash, no leak, no UB": whatever loads generates records in non-decreasing
 * time that never carry the held-until-end placeholder time; and the trace header's
 * param.* values, applied as --set over the same YAML, reproduce the same stream (the
 * header is a faithful record of what was generated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records checked per stream (twice per input).  A thousand already pass through every
 * generator's steady state; more only repeat it at the cost of executions per second. */
#define FUZZ_MAX_RECORDS 1000

static uint64_t stream_hash(struct workload *w)
{
	struct trace_record r;
	struct sim_error err = { 0 };
	uint64_t h = 0xcbf29ce484222325ull, n = 0;
	sim_ns_t last = 0;
	while (n++ < FUZZ_MAX_RECORDS && workload_next(w, &r, &err) == 1) {
		if (r.time_ns < last || r.time_ns == UINT64_MAX || r.kind >= NR_TRACE_KINDS)
			abort();
		last = r.time_ns;
		uint64_t f[] = { r.time_ns, r.id, r.gfp, r.task, r.count, (uint32_t)r.arg, r.kind,
				 r.order };
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			h = (h ^ f[i]) * 0x100000001b3ull;
	}
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_error err = { 0 };
	struct workload *w = workload_open_mem("fuzz.yaml", (const char *)data, size, NULL, &err);
	if (!w) {
		if (err.code != EX_CONFIG_ && err.code != EX_SOFTWARE_)
			abort(); /* a buffer is never a missing file */
		return 0;
	}
	struct trace_header *h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	workload_fill_header(w, h);
	uint64_t h1 = stream_hash(w);
	uint64_t seed = workload_seed(w);
	workload_close(w);

	char (*sets)[260] = calloc(h->nr_meta, sizeof(*sets));
	const char **ptrs = calloc(h->nr_meta, sizeof(*ptrs));
	unsigned n = 0;
	for (uint32_t i = 0; sets && ptrs && i < h->nr_meta; i++)
		if (!strncmp(h->meta[i].key, "param.", 6)) {
			snprintf(sets[n], sizeof(sets[n]), "%s=%s", h->meta[i].key + 6, h->meta[i].value);
			ptrs[n] = sets[n];
			n++;
		}
	struct workload_overrides ov = { .has_seed = true, .seed = seed, .sets = ptrs, .nr_sets = n };
	w = workload_open_mem("fuzz.yaml", (const char *)data, size, &ov, &err);
	if (!w) {
		fprintf(stderr, "header params do not load back: %s\n", err.msg);
		abort();
	}
	if (stream_hash(w) != h1) {
		fprintf(stderr, "header params do not reproduce the stream\n");
		abort();
	}
	workload_close(w);
	free(sets);
	free(ptrs);
	free(h);
	return 0;
}
