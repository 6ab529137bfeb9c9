/* config.h — one run's configuration (architecture.md §6), loaded from YAML and `--set K=V`.
 *
 * Every settable field is described once in the key table (config_keys.c): its dotted
 * YAML path, type, default and documentation.  The loader, `--set`, the defaults and the
 * summary.json echo all walk that one table, so a new knob is one struct field plus one
 * table row.
 */
#ifndef MMSIM_CONFIG_H
#define MMSIM_CONFIG_H

#include "../common.h"
#include "../kernel/mmtypes.h"
#include "../kernel/params.h" /* struct config and its parts */

/* Fill *cfg with every key's default. */
void config_defaults(struct config *cfg);
/* Fill *cfg with the defaults, then load PATH over them (sequences such as
 * policy.cma.regions replace the default list). Unknown keys, wrong types, bad values: EX_CONFIG_ with
 * "file:line:col: message". Relative paths inside (workload.trace, workload.generator)
 * are resolved against the config file's directory. */
int config_load(struct config *cfg, const char *path, struct sim_error *err);
/* Apply one "dotted.key=value" override (same parser and checks as YAML scalars).
 * List fields take an index: policy.cma.regions.0.size=256MiB (index == count appends);
 * policy.cma.regions=[] empties the list.  Messages start "--set <assignment>: ". */
int config_set(struct config *cfg, const char *assignment, struct sim_error *err);
/* The same with key and value apart and WHERE (e.g. "plan.yaml:12:7") opening any
 * message, for sweep plans that carry overrides in their own YAML. */
int config_set_value(struct config *cfg, const char *key, const char *value, const char *where,
		     struct sim_error *err);
/* Cross-field validation of the keys (zones non-empty, CMA regions named, sized and
 * aligned, ...).  Where the regions land is checked by mm_layout_check (sim/mm). */
int config_validate(const struct config *cfg, struct sim_error *err);
/* Write the effective configuration as a JSON object (for summary.json): every key of
 * the table, nested by its dots, numbers in the key's stored unit (pages, KiB, ns,
 * bytes/s), so the output loads back as a config.  The opening brace is written where the
 * stream stands, inner lines are indented by indent + 2 spaces, the closing brace by
 * indent; no trailing newline. */
void config_write_json(const struct config *cfg, void *fp /* FILE * */, int indent);

/* Parse a size: "4096", "512KiB", "512MiB", "4GiB", "1G", "2M" (binary units) -> bytes. */
int config_parse_size(const char *s, uint64_t *bytes);
/* Parse a duration: "100ns", "5us", "2ms", "1s" -> ns. A bare number is ns. */
int config_parse_duration(const char *s, sim_ns_t *ns);

#endif
