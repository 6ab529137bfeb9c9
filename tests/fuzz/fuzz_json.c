/* libFuzzer target: the JSON reader (sim/stats/json.c) on arbitrary bytes.  Parsed trees
 * are walked the way run sets walk summary.json. */
#include "stats/json.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(const char *path, double value, void *arg)
{
	size_t *n = arg;
	*n += path[0] != 0 && value == value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_error err = { 0 };
	struct json_value *v = json_parse("fuzz", (const char *)data, size, &err);
	if (v) {
		size_t n = 0;
		json_each_number(json_get(v, "counters"), "counters", sink, &n);
		json_each_number(json_get(v, "latency"), "latency", sink, &n);
		json_each_number(v, "", sink, &n);
		(void)json_path(v, "latency.movable.p99_ns");
		(void)json_type_name(v->type);
	}
	json_free(v);
	return 0;
}
