/* config_keys.h — the key table behind struct config (internal to sim/config and tests).
 *
 * One row per settable field.  The YAML loader, `--set`, config_defaults(), the JSON echo
 * and configs/README.md all walk this table, so adding a knob is one struct field in
 * config.h plus one row in config_keys.c.
 *
 * Table invariants (checked by tests/test_config.c):
 *   every row's default parses with its own type and lies in [min, max];
 *   rows sharing a dotted prefix are contiguous (the JSON writer nests by prefix);
 *   list rows ("a.b[].c") are contiguous and all name the same list.
 */
#ifndef MMSIM_CONFIG_KEYS_H
#define MMSIM_CONFIG_KEYS_H

#include <stdio.h>

#include "config.h"

enum config_type {
	CFG_U64,       /* uint64_t, decimal or 0x hex */
	CFG_UNSIGNED,  /* unsigned int */
	CFG_BOOL,      /* bool: true/false, yes/no, on/off, 1/0 */
	CFG_PAGES,     /* uint64_t pages: bare integer = pages, with a unit = bytes / 4 KiB */
	CFG_PFN,       /* uint64_t pfn: like CFG_PAGES (address with a unit) or "auto" */
	CFG_KBYTES,    /* uint64_t KiB: bare integer = KiB, with a unit = bytes / 1024 */
	CFG_DURATION,  /* sim_ns_t: 100ns, 5us, 2ms, 1s; bare integer = ns */
	CFG_BANDWIDTH, /* uint64_t bytes/s: 500MB/s, 1GiB/s; bare integer = bytes/s */
	CFG_ENUM,      /* int-sized enum, by name from a names table */
	CFG_STRING,    /* char[size] */
	CFG_PATH,      /* char[size], relative paths resolved against the config's directory */
	NR_CONFIG_TYPES
};
extern const char *const config_type_names[NR_CONFIG_TYPES];

/* CFG_PFN value meaning "place it automatically" (top of memory, as the kernel's
 * memblock allocator reserves CMA top-down when no base is given). */
#define CONFIG_PFN_AUTO CONFIG_CMA_BASE_AUTO

/* A YAML sequence of mappings stored as array + count inside struct config. */
struct config_list {
	const char *path;     /* "policy.cma.regions" */
	size_t array_offset;  /* of element 0 in struct config */
	size_t count_offset;  /* of the unsigned element count */
	size_t elem_size;
	unsigned max;         /* array capacity */
	const char *elem_name_prefix; /* a new element is named prefix + index; may be NULL */
	size_t elem_name_offset;   /* of that char[] field within an element */
	size_t elem_name_size;
};

struct config_key {
	const char *path;       /* dotted; list rows are "<list>[].<field>" */
	enum config_type type;
	size_t offset;          /* in struct config, or in the list element for list rows */
	size_t size;            /* of the field (string capacity) */
	const struct config_list *list; /* non-NULL for list rows */
	uint64_t min, max;      /* inclusive, in the stored unit; unused for enum/string/bool */
	const char *const *names; /* CFG_ENUM */
	unsigned nr_names;
	const char *def;        /* default, in the YAML syntax of the type */
	const char *unit;       /* stored unit, for the README: "pages", "ns", ... */
	const char *knob;       /* kernel knob or constant modelled */
	const char *doc;        /* one line */
};

/* The table, in output order. */
const struct config_key *config_keys(size_t *nr);
/* The row for a normalised path ("policy.cma.regions[].size"), or NULL. */
const struct config_key *config_key_find(const char *path);

/* Parse TEXT as ROW's type into *out (the stored unit); the string types copy into a
 * buffer of row->size.  Returns 0, or -1 with a reason (no location) in why[why_size]. */
int config_key_parse(const struct config_key *row, const char *text, void *field, char *why,
		     size_t why_size);

/* config_load() from memory; NAME stands for the file in messages and relative paths
 * stay as written (for the fuzz target and tests). */
int config_load_buffer(struct config *cfg, const char *name, const void *data, size_t len,
		       struct sim_error *err);

/* Write the key reference (a Markdown table) that configs/README.md embeds. */
void config_keys_markdown(FILE *fp);

#endif
