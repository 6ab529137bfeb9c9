/* fuzz_config.c — libFuzzer target: arbitrary bytes as a YAML config, and as a --set
 * assignment.
 *
 * Beyond "no crash, no leak, no UB" it checks one property: whatever loads, validates or
 * not, echoes to JSON that is itself a config loading to the same values (so the echo
 * in summary.json always reproduces the run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_config(const struct config *a, const struct config *b)
{
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	if (a->policy.cma.nr_regions != b->policy.cma.nr_regions)
		return false;
	for (size_t i = 0; i < nr; i++) {
		const struct config_key *k = &keys[i];
		unsigned n = k->list ? a->policy.cma.nr_regions : 1;
		for (unsigned e = 0; e < n; e++) {
			size_t off = k->list ? k->list->array_offset + e * k->list->elem_size + k->offset : k->offset;
			const char *fa = (const char *)a + off, *fb = (const char *)b + off;
			if (k->type == CFG_STRING || k->type == CFG_PATH ? strcmp(fa, fb) != 0
									 : memcmp(fa, fb, k->size) != 0)
				return false;
		}
	}
	return true;
}

static void check_echo(const struct config *cfg)
{
	char *js = NULL;
	size_t len = 0;
	struct config back;
	struct sim_error err = { 0 };
	FILE *fp = open_memstream(&js, &len);
	if (!fp)
		abort();
	config_write_json(cfg, fp, 0);
	fclose(fp);
	if (config_load_buffer(&back, "echo.json", js, len, &err) < 0 || !same_config(cfg, &back)) {
		fprintf(stderr, "echo does not load back: %s\n%s\n", err.msg, js);
		abort();
	}
	free(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = malloc(sizeof(*cfg));
	struct sim_error err = { 0 };
	if (!cfg)
		return 0;
	if (config_load_buffer(cfg, "fuzz.yaml", data, size, &err) == 0) {
		(void)config_validate(cfg, &err);
		check_echo(cfg);
	} else if (err.code != EX_CONFIG_ && err.code != EX_SOFTWARE_) {
		abort(); /* a buffer is never a missing file */
	}

	/* the same bytes as one --set argument over the defaults */
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		config_defaults(cfg);
		if (config_set(cfg, s, &err) == 0) {
			(void)config_validate(cfg, &err);
			check_echo(cfg);
		}
		free(s);
	}
	free(cfg);
	return 0;
}
