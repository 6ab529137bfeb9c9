/* libFuzzer target: sweep plan parsing and expansion (sim/config/plan.c) on arbitrary
 * bytes, then the selection matcher over every expanded point. */
#include "config/plan.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;
	struct sim_error err = { 0 };
	if (plan_parse(&p, "fuzz/plan.yaml", (const char *)data, size, &err))
		return 0;
	for (unsigned i = 0; i < p.nr_points && i < 64; i++) {
		const struct plan_point *pt = &p.points[i];
		(void)plan_sets_match(pt->sets, pt->nr_sets, "mode=none,a=1");
		(void)plan_sets_match(pt->sets, pt->nr_sets, pt->id);
	}
	for (unsigned u = 0; u < p.nr_units && u < 64; u++)
		(void)plan_unit_in_shard(u, 1 + u % 3, 3);
	plan_free(&p);
	return 0;
}
