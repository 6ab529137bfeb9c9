/* json.h — a small JSON reader, enough for mmsim's own summary.json files (RFC 8259 values;
 * \uXXXX escapes decoded to UTF-8, surrogate pairs included).  No new dependency.
 *
 * The tree is one allocation per node; objects keep their members in file order.
 * Invariant: a JSON_OBJECT's children all have key != NULL; a JSON_ARRAY's have key == NULL.
 */
#ifndef MMSIM_JSON_H
#define MMSIM_JSON_H

#include "../common.h"

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
	NR_JSON_TYPES,
};

struct json_value {
	enum json_type type;
	char *key;      /* member name when the parent is an object */
	double number;  /* JSON_NUMBER */
	char *string;   /* JSON_STRING; also the number's source text for JSON_NUMBER */
	size_t nr_children;
	struct json_value *children; /* JSON_ARRAY / JSON_OBJECT */
};

/* Parse TEXT (LEN bytes). NAME is used in error messages ("name:line:col: msg", EX_DATAERR_). */
struct json_value *json_parse(const char *name, const char *text, size_t len, struct sim_error *err);
/* Read and parse a file (EX_NOINPUT_ when it cannot be read). */
struct json_value *json_load(const char *path, struct sim_error *err);
void json_free(struct json_value *v);
const char *json_type_name(enum json_type t);

/* Member KEY of object V, or NULL. */
const struct json_value *json_get(const struct json_value *v, const char *key);
/* Follow a dotted path ("latency.movable.mean_ns"), or NULL. */
const struct json_value *json_path(const struct json_value *v, const char *dotted);
/* Whether V is an array holding the string S. */
bool json_array_has_string(const struct json_value *v, const char *s);

/* Call FN for every numeric leaf under V with its dotted path (PREFIX prepended, then
 * ".": "counters.pgalloc_normal"). Arrays are not descended: summary metrics are scalars. */
void json_each_number(const struct json_value *v, const char *prefix,
		      void (*fn)(const char *path, double value, void *arg), void *arg);

#endif
