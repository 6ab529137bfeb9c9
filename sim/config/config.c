#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"
#include "../lib/jsonw.h"
#include "../lib/u64map.h"
#include "../lib/units.h"
#include "yamlutil.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Numbers with units are read by sim/lib/units.c, the one grammar shared with workloads
 * and sweep plans. */
int config_parse_size(const char *s, uint64_t *bytes)
{
	bool has_unit;
	return units_parse_size(s, bytes, &has_unit) == UNITS_OK ? 0 : -1;
}

int config_parse_duration(const char *s, sim_ns_t *ns)
{
	bool has_unit;
	return units_parse_duration(s, ns, &has_unit) == UNITS_OK ? 0 : -1;
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned n;
		uint32_t cp;
		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return false;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p += n + 1;
	}
	return true;
}

/* ------------------------------------------------------------------------------------
 * One value of one key.
 */
static const char *bare_unit_hint(enum config_type t)
{
	switch (t) {
	case CFG_PAGES:
		return "a page count, or bytes with a binary unit: 512MiB, 4GiB, 1G";
	case CFG_PFN:
		return "a pfn, a byte address with a binary unit (4GiB), or auto";
	case CFG_KBYTES:
		return "KiB, or bytes with a binary unit: 64MiB";
	case CFG_DURATION:
		return "a duration: 100ns, 5us, 2ms, 1s; a bare number is ns";
	case CFG_BANDWIDTH:
		return "a bandwidth: 500MB/s, 1GiB/s; a bare number is bytes/s";
	default:
		return "an unsigned integer";
	}
}

static int parse_fail(char *why, size_t why_size, const struct config_key *row, const char *text,
		      enum units_status st, const char *base_unit)
{
	switch (st) {
	case UNITS_OVERFLOW:
		snprintf(why, why_size, "'%.64s' is too large", text);
		break;
	case UNITS_INEXACT:
		snprintf(why, why_size, "'%.64s' is not a whole number of %s", text, base_unit);
		break;
	default:
		snprintf(why, why_size, "'%.64s' is not %s", text, bare_unit_hint(row->type));
		break;
	}
	return -1;
}

int config_key_parse(const struct config_key *row, const char *text, void *field, char *why,
		     size_t why_size)
{
	uint64_t v = 0;
	bool has_unit = false;
	enum units_status st;

	switch (row->type) {
	case CFG_BOOL: {
		static const char *const yes[] = { "true", "yes", "on", "1" };
		static const char *const no[] = { "false", "no", "off", "0" };
		for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
			if (!strcasecmp(text, yes[i]) || !strcasecmp(text, no[i])) {
				*(bool *)field = !strcasecmp(text, yes[i]);
				return 0;
			}
		}
		snprintf(why, why_size, "'%.64s' is not a boolean (true/false, yes/no, on/off, 1/0)", text);
		return -1;
	}
	case CFG_ENUM: {
		for (unsigned i = 0; i < row->nr_names; i++) {
			if (!strcmp(text, row->names[i])) {
				int e = (int)i;
				memcpy(field, &e, sizeof(e));
				return 0;
			}
		}
		int n = snprintf(why, why_size, "unknown value '%.64s' (expected one of:", text);
		for (unsigned i = 0; i < row->nr_names && n > 0 && (size_t)n < why_size; i++)
			n += snprintf(why + n, why_size - (size_t)n, "%s %s", i ? "," : "", row->names[i]);
		if (n > 0 && (size_t)n < why_size)
			snprintf(why + n, why_size - (size_t)n, ")");
		return -1;
	}
	case CFG_STRING:
	case CFG_PATH:
		if (strlen(text) >= row->size) {
			snprintf(why, why_size, "'%.40s...' is longer than %zu bytes", text, row->size - 1);
			return -1;
		}
		if (!utf8_valid(text)) {
			snprintf(why, why_size, "value is not valid UTF-8");
			return -1;
		}
		strcpy(field, text);
		return 0;
	case CFG_U64:
	case CFG_UNSIGNED:
		st = units_parse_count(text, &v);
		if (st != UNITS_OK)
			return parse_fail(why, why_size, row, text, st, "units");
		break;
	case CFG_PFN:
		if (!strcmp(text, "auto")) {
			*(uint64_t *)field = CONFIG_PFN_AUTO;
			return 0;
		}
		/* otherwise a pfn is written like a page count */
		__attribute__((fallthrough));
	case CFG_PAGES:
		st = units_parse_size(text, &v, &has_unit);
		if (st == UNITS_OK && has_unit) {
			if (v % PAGE_SIZE) {
				snprintf(why, why_size, "'%.64s' is not a multiple of the 4 KiB page size", text);
				return -1;
			}
			v /= PAGE_SIZE;
		}
		if (st != UNITS_OK)
			return parse_fail(why, why_size, row, text, st, "pages");
		break;
	case CFG_KBYTES:
		st = units_parse_size(text, &v, &has_unit);
		if (st == UNITS_OK && has_unit) {
			if (v % 1024) {
				snprintf(why, why_size, "'%.64s' is not a whole number of KiB", text);
				return -1;
			}
			v /= 1024;
		}
		if (st != UNITS_OK)
			return parse_fail(why, why_size, row, text, st, "KiB");
		break;
	case CFG_DURATION:
		st = units_parse_duration(text, &v, &has_unit);
		if (st != UNITS_OK)
			return parse_fail(why, why_size, row, text, st, "ns");
		break;
	case CFG_BANDWIDTH:
		st = units_parse_bandwidth(text, &v);
		if (st != UNITS_OK)
			return parse_fail(why, why_size, row, text, st, "bytes/s");
		break;
	default:
		sim_assert(!"config type");
		return -1;
	}

	if (v < row->min || v > row->max) {
		if (row->max == UINT64_MAX)
			snprintf(why, why_size, "'%.64s' is out of range (minimum %" PRIu64 "%s%s)", text,
				 row->min, *row->unit ? " " : "", row->unit);
		else
			snprintf(why, why_size, "'%.64s' is out of range %" PRIu64 "..%" PRIu64 "%s%s", text,
				 row->min, row->max, *row->unit ? " " : "", row->unit);
		return -1;
	}
	if (row->type == CFG_UNSIGNED) {
		sim_assert(row->max <= UINT32_MAX);
		*(unsigned *)field = (unsigned)v;
	} else {
		*(uint64_t *)field = v;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------
 * Key paths.  The table spells list fields "policy.cma.regions[].size"; users write
 * "policy.cma.regions[0].size" (YAML sequences, --set) or "policy.cma.regions.0.size"
 * (--set, easier to type in a shell).  normalize() maps both to the table form and
 * returns the index.
 */
#define PATH_BUF 256
#define MAX_INDEX 1000000L

static int normalize(const char *raw, char *norm, size_t size, long *index)
{
	size_t n = 0;
	const char *p = raw;
	*index = -1;
	if (strlen(raw) >= size)
		return -1;
	while (*p) {
		const char *end = strchr(p, '.');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *br = memchr(p, '[', len);
		if (!len)
			return -1;
		bool digits = true;
		for (size_t i = 0; i < len; i++)
			digits = digits && is_digit(p[i]);
		if (digits || br) {
			const char *d = digits ? p : br + 1;
			const char *dend = digits ? p + len : p + len - 1;
			if (*index >= 0 || !n || (br && (br == p || p[len - 1] != ']')))
				return -1;
			if (br) { /* copy "name" before "[i]" */
				if (n + 1 + (size_t)(br - p) >= size)
					return -1;
				norm[n++] = '.';
				memcpy(norm + n, p, (size_t)(br - p));
				n += (size_t)(br - p);
			}
			if (d == dend)
				return -1;
			long v = 0;
			for (const char *q = d; q < dend; q++) {
				if (!is_digit(*q))
					return -1;
				v = v * 10 + (*q - '0');
				if (v > MAX_INDEX)
					v = MAX_INDEX;
			}
			*index = v;
			if (n + 2 >= size)
				return -1;
			norm[n++] = '[';
			norm[n++] = ']';
		} else {
			if (n + len + 1 >= size)
				return -1;
			if (n)
				norm[n++] = '.';
			memcpy(norm + n, p, len);
			n += len;
		}
		p += len;
		if (*p == '.') {
			p++;
			if (!*p)
				return -1;
		}
	}
	if (!n)
		return -1;
	norm[n] = '\0';
	return 0;
}

/* Is NORM a section, i.e. a proper dotted prefix of some key? */
static const struct config_key *section_first_key(const char *norm)
{
	size_t nr, len = strlen(norm);
	const struct config_key *keys = config_keys(&nr);
	for (size_t i = 0; i < nr; i++)
		if (!strncmp(keys[i].path, norm, len) && keys[i].path[len] == '.')
			return &keys[i];
	return NULL;
}

static const struct config_list *list_find(const char *norm)
{
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	for (size_t i = 0; i < nr; i++)
		if (keys[i].list && !strcmp(keys[i].list->path, norm))
			return keys[i].list;
	return NULL;
}

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
 * "mdoe" is one edit from "mode"). */
static unsigned edit_distance(const char *a, const char *b)
{
	enum { N = 128 };
	unsigned d[3][N + 1];
	size_t la = strlen(a), lb = strlen(b);
	if (la > N || lb > N)
		return UINT32_MAX;
	unsigned *prev2 = d[0], *prev = d[1], *cur = d[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = MIN(prev[j] + 1, cur[j - 1] + 1);
			v = MIN(v, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = MIN(v, prev2[j - 2] + 1);
			cur[j] = v;
		}
		unsigned *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

#define SUGGEST_MAX_DISTANCE 3

static void consider(const char *norm, const char *cand, size_t cand_len, unsigned *best, char *out,
		     size_t out_size)
{
	char buf[PATH_BUF];
	size_t norm_len = strlen(norm);
	/* The distance is at least the length difference, and suggest() takes nothing
	 * beyond SUGGEST_MAX_DISTANCE: skip the quadratic work for such candidates. */
	if (cand_len >= sizeof(buf) || cand_len > norm_len + SUGGEST_MAX_DISTANCE ||
	    norm_len > cand_len + SUGGEST_MAX_DISTANCE)
		return;
	memcpy(buf, cand, cand_len);
	buf[cand_len] = '\0';
	unsigned d = edit_distance(norm, buf);
	if (d < *best) {
		*best = d;
		snprintf(out, out_size, "%s", buf);
	}
}

/* The key or section nearest to NORM, if near enough to be a typo. */
static bool suggest(const char *norm, char *out, size_t out_size)
{
	size_t nr;
	unsigned best = UINT32_MAX;
	const struct config_key *keys = config_keys(&nr);
	for (size_t i = 0; i < nr; i++) {
		const char *path = keys[i].path;
		consider(norm, path, strlen(path), &best, out, out_size);
		for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.'))
			consider(norm, path, (size_t)(dot - path), &best, out, out_size);
	}
	size_t len = strlen(norm);
	return best <= SUGGEST_MAX_DISTANCE && best * 3 <= len;
}

static int unknown_key(struct sim_error *err, const char *where, const char *raw)
{
	char norm[PATH_BUF], sug[PATH_BUF];
	long index;
	if (normalize(raw, norm, sizeof(norm), &index) == 0 && suggest(norm, sug, sizeof(sug)))
		return sim_error_set(err, EX_CONFIG_, "%s: unknown key '%.200s' (did you mean '%s'?)", where,
				     raw, sug);
	return sim_error_set(err, EX_CONFIG_, "%s: unknown key '%.200s'", where, raw);
}

/* ------------------------------------------------------------------------------------
 * Assignment: shared by YAML scalars and --set.
 */
static void list_init_elem(const struct config_list *l, void *elem, unsigned index)
{
	size_t nr;
	char why[128];
	const struct config_key *keys = config_keys(&nr);
	memset(elem, 0, l->elem_size);
	for (size_t i = 0; i < nr; i++) {
		if (keys[i].list != l)
			continue;
		int rc = config_key_parse(&keys[i], keys[i].def, (char *)elem + keys[i].offset, why, sizeof(why));
		sim_assert(rc == 0);
		(void)rc;
	}
	if (l->elem_name_prefix)
		snprintf((char *)elem + l->elem_name_offset, l->elem_name_size, "%s%u", l->elem_name_prefix, index);
}

/* Element INDEX of list L: an existing one, or a new one (with defaults) when INDEX is
 * the current count, so `--set policy.cma.regions.0.size=...` adds the first region. */
static void *list_elem(struct config *cfg, const struct config_list *l, long index, const char *where,
		       const char *raw, struct sim_error *err)
{
	unsigned *count = (unsigned *)((char *)cfg + l->count_offset);
	char *array = (char *)cfg + l->array_offset;
	if (index > (long)*count || index >= (long)l->max) {
		if (index >= (long)l->max)
			sim_error_set(err, EX_CONFIG_, "%s: %.200s: index %ld is out of range (at most %u entries)",
				      where, raw, index, l->max);
		else
			sim_error_set(err, EX_CONFIG_,
				      "%s: %.200s: index %ld is out of range (%s has %u entries; index %u adds one)",
				      where, raw, index, l->path, *count, *count);
		return NULL;
	}
	if (index == (long)*count) {
		list_init_elem(l, array + (size_t)index * l->elem_size, (unsigned)index);
		(*count)++;
	}
	return array + (size_t)index * l->elem_size;
}

/* Set the key RAW (whose row is ROW) from TEXT.  WHERE prefixes messages; DIR, when
 * non-empty, is a directory with its trailing slash, prepended to relative CFG_PATH values. */
static int assign(struct config *cfg, const struct config_key *row, long index, const char *raw,
		  const char *text, const char *where, const char *dir, struct sim_error *err)
{
	char why[384];
	char joined[CONFIG_PATH_MAX];
	char *base = (char *)cfg;

	if (row->type == CFG_PATH && dir && *dir && *text && *text != '/') {
		int n = snprintf(joined, sizeof(joined), "%s%s", dir, text);
		if (n < 0 || (size_t)n >= sizeof(joined))
			return sim_error_set(err, EX_CONFIG_, "%s: %.200s: path too long after joining with '%.200s'",
					     where, raw, dir);
		text = joined;
	}
	/* Parse into scratch space first so a rejected value leaves the config untouched
	 * (no field written, no list element added). */
	union {
		uint64_t u64;
		unsigned u;
		bool b;
		int e;
		char s[CONFIG_PATH_MAX];
	} tmp;
	sim_assert(row->size <= sizeof(tmp));
	if (config_key_parse(row, text, &tmp, why, sizeof(why)) < 0)
		return sim_error_set(err, EX_CONFIG_, "%s: %.200s: %s", where, raw, why);
	if (row->list) {
		sim_assert(index >= 0);
		base = list_elem(cfg, row->list, index, where, raw, err);
		if (!base)
			return -1;
	}
	memcpy(base + row->offset, &tmp, row->type == CFG_STRING || row->type == CFG_PATH
		       ? strlen(tmp.s) + 1 : row->size);
	return 0;
}

/* ------------------------------------------------------------------------------------
 * YAML loading: nested mappings become dotted keys.
 */
/* Every key set so far in one document, by (table row or list, element index + 1), with
 * where it was given: the same key can be spelled nested (`policy: {swappiness: 10}`) and
 * flat (`policy.swappiness: 20`) in different mappings, which the per-mapping duplicate
 * check cannot see. */
struct seen_key {
	uint64_t what;  /* (uintptr_t) of the config_key row or config_list */
	uint64_t index; /* element index + 1; 0 outside lists */
	unsigned line, col;
	uint32_t pad;
};
static const struct u64map_type seen_type = {
	.slot_size = sizeof(struct seen_key), .key_words = 2, .min_cap = 64,
};

struct load_ctx {
	struct config *cfg;
	yaml_document_t *doc;
	const char *file; /* for messages */
	const char *dir;  /* for relative paths; "" keeps them as written */
	struct sim_error *err;
	struct u64map seen; /* of struct seen_key */
};

/* Record that KEY (spelled PATH) sets WHAT[index]; an error if an earlier key did. */
static int seen_once(struct load_ctx *lc, const void *what, long index, const char *path,
		     yaml_node_t *key)
{
	bool added;
	uint32_t i = u64map_get2(&lc->seen, &seen_type, (uint64_t)(uintptr_t)what,
				 (uint64_t)(index + 1), &added, NULL);
	if (i == U64MAP_NONE)
		return sim_error_set(lc->err, EX_SOFTWARE_, "%s: out of memory", lc->file);
	struct seen_key *sk = u64map_slot(&lc->seen, &seen_type, i);
	if (!added)
		return sim_error_set(lc->err, EX_CONFIG_, "%s:%u:%u: key %.200s given twice (first at %u:%u)",
				     lc->file, yamlutil_line(key), yamlutil_col(key), path, sk->line, sk->col);
	sk->line = yamlutil_line(key);
	sk->col = yamlutil_col(key);
	return 0;
}

static int walk_mapping(struct load_ctx *lc, yaml_node_t *map, const char *prefix);

#define yerr(lc, node, ...) yamlutil_error((lc)->err, EX_CONFIG_, (lc)->file, (node), __VA_ARGS__)

static int walk_value(struct load_ctx *lc, const char *path, yaml_node_t *key, yaml_node_t *val)
{
	char norm[PATH_BUF], where[PATH_BUF + 64];
	long index;
	const struct config_key *row = NULL;
	const struct config_list *list = NULL;

	snprintf(where, sizeof(where), "%s:%u:%u", lc->file, yamlutil_line(key), yamlutil_col(key));
	if (normalize(path, norm, sizeof(norm), &index) < 0)
		return unknown_key(lc->err, where, path);
	row = config_key_find(norm);
	if (row) {
		if (seen_once(lc, row, index, path, key) < 0)
			return -1;
		const char *text = yamlutil_scalar(val);
		if (val->type != YAML_SCALAR_NODE)
			return yerr(lc, val, "%s: expected a single value, got a %s", path, yamlutil_kind(val));
		if (!text)
			return yerr(lc, val, "%s: value contains a NUL character", path);
		if (yamlutil_is_null(val)) {
			if (row->type != CFG_STRING && row->type != CFG_PATH)
				return yerr(lc, val, "%s: missing value", path);
			text = "";
		}
		snprintf(where, sizeof(where), "%s:%u:%u", lc->file, yamlutil_line(val), yamlutil_col(val));
		return assign(lc->cfg, row, index, path, text, where, lc->dir, lc->err);
	}
	list = index < 0 ? list_find(norm) : NULL;
	if (list) {
		if (seen_once(lc, list, -1, path, key) < 0)
			return -1;
		unsigned *count = (unsigned *)((char *)lc->cfg + list->count_offset);
		*count = 0; /* a sequence replaces the list */
		if (yamlutil_is_null(val))
			return 0;
		if (val->type != YAML_SEQUENCE_NODE)
			return yerr(lc, val, "%s: expected a sequence of mappings, got a %s", path,
				    yamlutil_kind(val));
		unsigned i = 0;
		for (yaml_node_item_t *it = val->data.sequence.items.start; it < val->data.sequence.items.top;
		     it++, i++) {
			yaml_node_t *item = yaml_document_get_node(lc->doc, *it);
			char prefix[PATH_BUF + 16];
			snprintf(where, sizeof(where), "%s:%u:%u", lc->file, yamlutil_line(item), yamlutil_col(item));
			snprintf(prefix, sizeof(prefix), "%s[%u]", path, i);
			if (!list_elem(lc->cfg, list, i, where, prefix, lc->err))
				return -1;
			if (yamlutil_is_null(item))
				continue;
			if (item->type != YAML_MAPPING_NODE)
				return yerr(lc, item, "%s: expected a mapping, got a %s", prefix, yamlutil_kind(item));
			if (walk_mapping(lc, item, prefix) < 0)
				return -1;
		}
		return 0;
	}
	if (section_first_key(norm)) {
		if (yamlutil_is_null(val))
			return 0;
		if (val->type != YAML_MAPPING_NODE)
			return yerr(lc, val, "%s: is a section; expected a mapping, got a %s", path,
				    yamlutil_kind(val));
		return walk_mapping(lc, val, path);
	}
	return unknown_key(lc->err, where, path);
}

static int walk_mapping(struct load_ctx *lc, yaml_node_t *map, const char *prefix)
{
	yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
	size_t nr = (size_t)(map->data.mapping.pairs.top - pairs);
	for (size_t i = 0; i < nr; i++) {
		yaml_node_t *key = yaml_document_get_node(lc->doc, pairs[i].key);
		yaml_node_t *val = yaml_document_get_node(lc->doc, pairs[i].value);
		const char *k = yamlutil_scalar(key);
		char path[PATH_BUF];
		if (!k || !*k)
			return yerr(lc, key, "keys must be non-empty plain strings");
		/* YAML forbids repeated keys but libyaml lets them through; a repeated key is
		 * almost always an edit that was meant to replace the first. */
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *prev = yaml_document_get_node(lc->doc, pairs[j].key);
			const char *pk = yamlutil_scalar(prev);
			if (pk && !strcmp(pk, k))
				return yamlutil_error(lc->err, EX_CONFIG_, lc->file, key,
						      "duplicate key '%.200s' (first at line %u)", k,
						      yamlutil_line(prev));
		}
		int n = prefix ? snprintf(path, sizeof(path), "%s.%s", prefix, k)
			       : snprintf(path, sizeof(path), "%s", k);
		if (n < 0 || (size_t)n >= sizeof(path))
			return yerr(lc, key, "unknown key '%.200s...'", path);
		if (walk_value(lc, path, key, val) < 0)
			return -1;
	}
	return 0;
}

static int load_document(struct config *cfg, yaml_document_t *doc, const char *name, const char *dir,
			 struct sim_error *err)
{
	struct load_ctx lc = { .cfg = cfg, .doc = doc, .file = name, .dir = dir, .err = err };
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root || yamlutil_is_null(root))
		return 0; /* an empty file keeps every default */
	if (root->type != YAML_MAPPING_NODE)
		return yerr(&lc, root, "the top level must be a mapping (machine:, policy:, ...), got a %s",
			    yamlutil_kind(root));
	int rc = walk_mapping(&lc, root, NULL);
	u64map_destroy(&lc.seen);
	return rc;
}

int config_load_buffer(struct config *cfg, const char *name, const void *data, size_t len,
		       struct sim_error *err)
{
	yaml_document_t doc;
	config_defaults(cfg);
	snprintf(cfg->source, sizeof(cfg->source), "%s", name);
	if (yamlutil_load_string(&doc, name, data, len, err) < 0)
		return -1;
	int rc = load_document(cfg, &doc, name, "", err);
	yaml_document_delete(&doc);
	return rc;
}

int config_load(struct config *cfg, const char *path, struct sim_error *err)
{
	yaml_document_t doc;
	char dir[CONFIG_PATH_MAX] = "";
	config_defaults(cfg);
	if (strlen(path) >= sizeof(cfg->source))
		return sim_error_set(err, EX_NOINPUT_, "%.200s...: path too long", path);
	strcpy(cfg->source, path);
	/* Relative paths inside resolve against the file's directory, kept with its
	 * trailing slash ("configs/", "/") so joining is plain concatenation. */
	const char *slash = strrchr(path, '/');
	if (slash) {
		memcpy(dir, path, (size_t)(slash - path) + 1);
		dir[slash - path + 1] = '\0';
	}
	if (yamlutil_load_file(&doc, path, err) < 0)
		return -1;
	int rc = load_document(cfg, &doc, path, dir, err);
	yaml_document_delete(&doc);
	return rc;
}

static void trim(char *s)
{
	size_t len = strlen(s), start = 0;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	while (s[start] == ' ' || s[start] == '\t')
		start++;
	memmove(s, s + start, len - start + 1);
}

int config_set_value(struct config *cfg, const char *key, const char *value, const char *where,
		     struct sim_error *err)
{
	char norm[PATH_BUF];
	long index;

	if (normalize(key, norm, sizeof(norm), &index) < 0)
		return unknown_key(err, where, key);
	const struct config_key *row = config_key_find(norm);
	if (row)
		return assign(cfg, row, index, key, value, where, NULL, err);
	const struct config_list *list = index < 0 ? list_find(norm) : NULL;
	if (list) {
		/* The only whole-list value a single assignment takes: empty it. */
		if (!*value || !strcmp(value, "[]")) {
			*(unsigned *)((char *)cfg + list->count_offset) = 0;
			return 0;
		}
		return sim_error_set(err, EX_CONFIG_, "%s: %.200s is a list; set one field (%.200s.0.size=...) or clear it with []",
				     where, key, key);
	}
	const struct config_key *first = section_first_key(norm);
	if (first)
		return sim_error_set(err, EX_CONFIG_, "%s: %.200s is a section; set one of its keys, e.g. %s", where, key,
				     first->path);
	return unknown_key(err, where, key);
}

int config_set(struct config *cfg, const char *assignment, struct sim_error *err)
{
	char where[PATH_BUF + 32], key[PATH_BUF];
	char value[CONFIG_PATH_MAX + 64];

	/* messages quote the argument, shortened if it is very long */
	size_t alen = strlen(assignment), shown = MIN(alen, (size_t)PATH_BUF - 8);
	memcpy(where, "--set ", 6);
	memcpy(where + 6, assignment, shown);
	strcpy(where + 6 + shown, alen > shown ? "..." : "");
	const char *eq = strchr(assignment, '=');
	if (!eq)
		return sim_error_set(err, EX_CONFIG_, "%s: expected KEY=VALUE", where);
	if ((size_t)(eq - assignment) >= sizeof(key))
		return sim_error_set(err, EX_CONFIG_, "%s: key too long", where);
	if (strlen(eq + 1) >= sizeof(value))
		return sim_error_set(err, EX_CONFIG_, "%s: value too long", where);
	memcpy(key, assignment, (size_t)(eq - assignment));
	key[eq - assignment] = '\0';
	strcpy(value, eq + 1);
	trim(key);
	trim(value);
	return config_set_value(cfg, key, value, where, err);
}

void config_defaults(struct config *cfg)
{
	size_t nr;
	char why[128];
	const struct config_key *keys = config_keys(&nr);
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < nr; i++) {
		if (keys[i].list)
			continue; /* lists start empty */
		int rc = config_key_parse(&keys[i], keys[i].def, (char *)cfg + keys[i].offset, why, sizeof(why));
		sim_assert(rc == 0);
		(void)rc;
	}
}

/* ------------------------------------------------------------------------------------
 * Cross-field validation.  Only what the keys say on their own is checked here; where the
 * zones and CMA areas land (regions fitting, crossing zones, overlapping) is the model's
 * layout, checked by mm_layout_check() (sim/mm/zone.c) when the run is set up.
 */
static int validate_cma(const struct config *cfg, const char *src, struct sim_error *err)
{
	const struct cma_policy_config *cma = &cfg->policy.cma;
	sim_assert(cma->nr_regions <= CONFIG_MAX_CMA_REGIONS);
	/* Regions are checked under every mode (none ignores them), so a sweep over modes
	 * fails on its first point rather than its last. */
	for (unsigned i = 0; i < cma->nr_regions; i++) {
		const struct cma_region_config *r = &cma->regions[i];
		uint64_t pb = 1ull << cfg->machine.pageblock_order;
		/* As cma_declare_contiguous: whole pageblocks and whole bitmap granules. */
		uint64_t align = MAX(pb, 1ull << r->order_per_bit);
		if (!r->name[0])
			return sim_error_set(err, EX_CONFIG_, "%s: policy.cma.regions[%u].name is empty", src, i);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(cma->regions[j].name, r->name))
				return sim_error_set(err, EX_CONFIG_,
						     "%s: policy.cma.regions[%u].name '%s' is also the name of regions[%u]",
						     src, i, r->name, j);
		if (!r->pages)
			return sim_error_set(err, EX_CONFIG_, "%s: policy.cma.regions[%u].size must be set and > 0", src, i);
		if (r->pages % align)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u].size: %" PRIu64 " pages is not a multiple of %" PRIu64
					     " pages (pageblock / order_per_bit alignment)", src, i, r->pages, align);
		if (r->base_pfn % pb)
			return sim_error_set(err, EX_CONFIG_,
					     "%s: policy.cma.regions[%u].base: pfn %" PRIu64 " is not aligned to a %" PRIu64
					     "-page pageblock", src, i, r->base_pfn, pb);
	}
	return 0;
}

int config_validate(const struct config *cfg, struct sim_error *err)
{
	const struct machine_config *m = &cfg->machine;
	const char *src = cfg->source[0] ? cfg->source : "config";
	uint64_t total = 0, lowmem = 0;
	for (int z = ZONE_DMA; z < ZONE_CMA; z++) {
		if (m->zone_pages[z] > UINT32_MAX)
			return sim_error_set(err, EX_CONFIG_, "%s: machine.zones.%s is too large", src, zone_names[z]);
		total += m->zone_pages[z];
		if (z <= ZONE_NORMAL)
			lowmem += m->zone_pages[z];
	}
	if (!total)
		return sim_error_set(err, EX_CONFIG_, "%s: machine.zones: every zone is empty", src);
	/* mm rounds every zone up to a MAX_PAGE_ORDER block and keeps one block of pfn
	 * space spare below PFN_NONE; mm_layout_check repeats this on the zones as the CMA
	 * policy carves them. */
	uint64_t span = 0;
	for (int z = ZONE_DMA; z < ZONE_CMA; z++)
		span += (m->zone_pages[z] + (1u << MAX_PAGE_ORDER) - 1) >> MAX_PAGE_ORDER << MAX_PAGE_ORDER;
	if (span > (uint64_t)UINT32_MAX - (1u << MAX_PAGE_ORDER))
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.zones: %" PRIu64 " pages exceed the 32-bit pfn space", src, total);
	if (!lowmem)
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.zones: only ZONE_MOVABLE has memory; unmovable allocations need "
				     "DMA, DMA32 or Normal", src);
	if (m->pageblock_order > MAX_PAGE_ORDER)
		return sim_error_set(err, EX_CONFIG_, "%s: machine.pageblock_order: %u > MAX_PAGE_ORDER (%d)", src,
				     m->pageblock_order, MAX_PAGE_ORDER);
	if (total < (1ull << m->pageblock_order))
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.zones: %" PRIu64 " pages is less than one pageblock (%llu pages)",
				     src, total, 1ull << m->pageblock_order);
	/* min_free_kbytes is shared out over the lowmem zones (model.md §3.1); more than
	 * all of lowmem would leave every allocation failing the min watermark. */
	if (m->min_free_kbytes / (PAGE_SIZE / 1024) >= lowmem)
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.min_free_kbytes: %" PRIu64 " KiB is not below the %" PRIu64
				     " KiB of DMA, DMA32 and Normal", src, m->min_free_kbytes,
				     lowmem * (PAGE_SIZE / 1024));
	if (cfg->workload.trace[0] && cfg->workload.generator[0])
		return sim_error_set(err, EX_CONFIG_,
				     "%s: workload.trace and workload.generator are both set; give one", src);
	const struct machine_age_config *age = &m->age;
	if (age->mode == MACHINE_AGED &&
	    age->unmovable_pct + age->reclaimable_pct + age->pagecache_pct >= age->fill_pct)
		return sim_error_set(err, EX_CONFIG_,
				     "%s: machine.age: unmovable_pct + reclaimable_pct + pagecache_pct (%u) must be "
				     "below fill_pct (%u): the warm-up needs noise to free", src,
				     age->unmovable_pct + age->reclaimable_pct + age->pagecache_pct, age->fill_pct);
	return validate_cma(cfg, src, err);
}

/* ------------------------------------------------------------------------------------
 * JSON echo.
 */
/* Strings are escaped by sim/lib/jsonw.c so that the echo also loads back as YAML. */
static void json_value(struct jsonw *w, const struct config_key *row, const char *field)
{
	uint64_t v;
	int e;
	switch (row->type) {
	case CFG_BOOL:
		jsonw_bool(w, *(const bool *)field);
		break;
	case CFG_UNSIGNED:
		jsonw_u64(w, *(const unsigned *)field);
		break;
	case CFG_ENUM:
		memcpy(&e, field, sizeof(e));
		sim_assert(e >= 0 && (unsigned)e < row->nr_names);
		jsonw_string(w, row->names[e]);
		break;
	case CFG_STRING:
	case CFG_PATH:
		jsonw_string(w, field);
		break;
	default:
		memcpy(&v, field, sizeof(v));
		if (row->type == CFG_PFN && v == CONFIG_PFN_AUTO)
			jsonw_string(w, "auto");
		else
			jsonw_u64(w, v);
		break;
	}
}

/* Component K (0-based) of a dotted path: returns its start, length in *len. */
static const char *component(const char *path, unsigned k, size_t *len)
{
	const char *p = path;
	for (unsigned i = 0; i < k && p; i++) {
		p = strchr(p, '.');
		if (p)
			p++;
	}
	if (!p)
		return NULL;
	const char *end = strchr(p, '.');
	*len = end ? (size_t)(end - p) : strlen(p);
	return p;
}

static unsigned nr_components(const char *path)
{
	unsigned n = 1;
	for (const char *p = strchr(path, '.'); p; p = strchr(p + 1, '.'))
		n++;
	return n;
}

/* The path used for nesting: list rows nest as their list ("policy.cma.regions"). */
static const char *nest_path(const struct config_key *row)
{
	return row->list ? row->list->path : row->path;
}

void config_write_json(const struct config *cfg, void *fpv, int indent)
{
	struct jsonw w;
	size_t nr;
	const struct config_key *keys = config_keys(&nr);
	const char *open_path = ""; /* a row whose parents are the open objects */
	unsigned depth = 0;         /* objects open below the top one */

	jsonw_init(&w, fpv, indent);
	jsonw_object(&w);
	for (size_t i = 0; i < nr;) {
		const struct config_key *row = &keys[i];
		const char *path = nest_path(row);
		unsigned parts = nr_components(path), common = 0;
		/* shared leading components with the open objects */
		while (common < depth && common + 1 < parts) {
			size_t la, lb;
			const char *a = component(open_path, common, &la), *b = component(path, common, &lb);
			if (la != lb || memcmp(a, b, la))
				break;
			common++;
		}
		for (; depth > common; depth--)
			jsonw_end(&w);
		for (; depth + 1 < parts; depth++) {
			size_t len;
			const char *name = component(path, depth, &len);
			jsonw_keyn(&w, name, len);
			jsonw_object(&w);
		}
		open_path = path;
		size_t len;
		const char *leaf = component(path, parts - 1, &len);
		jsonw_keyn(&w, leaf, len);
		if (!row->list) {
			json_value(&w, row, (const char *)cfg + row->offset);
			i++;
			continue;
		}
		/* A list: every element with the run of rows that describe it. */
		const struct config_list *l = row->list;
		size_t end = i;
		while (end < nr && keys[end].list == l)
			end++;
		unsigned count = *(const unsigned *)((const char *)cfg + l->count_offset);
		jsonw_array(&w);
		for (unsigned e = 0; e < count; e++) {
			const char *elem = (const char *)cfg + l->array_offset + e * l->elem_size;
			jsonw_object(&w);
			for (size_t k = i; k < end; k++) {
				jsonw_key(&w, strrchr(keys[k].path, '.') + 1);
				json_value(&w, &keys[k], elem + keys[k].offset);
			}
			jsonw_end(&w);
		}
		jsonw_end(&w);
		i = end;
	}
	for (; depth > 0; depth--)
		jsonw_end(&w);
	jsonw_end(&w);
}
