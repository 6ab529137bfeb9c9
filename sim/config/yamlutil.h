/* yamlutil.h — small helpers over libyaml's document API, shared by every module that
 * reads YAML (run configs, workload definitions, sweep plans).
 *
 * Positions: libyaml marks are 0-based; every message these helpers format is 1-based
 * "file:line:col: message", the form editors and compilers use, so a user can jump to it.
 *
 * Use:
 *	yaml_document_t doc;
 *	if (yamlutil_load_file(&doc, path, err) < 0)
 *		return -1;                          // EX_NOINPUT_ or EX_CONFIG_, message set
 *	yaml_node_t *root = yaml_document_get_root_node(&doc);   // NULL: empty document
 *	yaml_node_t *n = yamlutil_map_get(&doc, root, "seed");
 *	const char *s = yamlutil_scalar(n);                      // NULL: absent / not a scalar
 *	if (s && bad(s))
 *		rc = yamlutil_error(err, EX_CONFIG_, path, n, "seed: '%s' is not a number", s);
 *	yaml_document_delete(&doc);
 */
#ifndef MMSIM_YAMLUTIL_H
#define MMSIM_YAMLUTIL_H

#include <yaml.h>

#include "../common.h"

/* Largest YAML file accepted; a config or plan is a few KiB, so anything bigger is a
 * mistake (a trace passed as a config) that would otherwise be parsed for a long time. */
#define YAMLUTIL_MAX_BYTES (16u << 20)
/* Deepest nesting of mappings and sequences accepted; configs, plans and workloads use
 * a handful of levels. */
#define YAMLUTIL_MAX_DEPTH 64u

/* Load the first (only) document of PATH into *doc.
 * Missing/unreadable file: EX_NOINPUT_; syntax errors, several documents, a file over
 * YAMLUTIL_MAX_BYTES or nesting deeper than YAMLUTIL_MAX_DEPTH: EX_CONFIG_ with
 * "path:line:col: message".
 * On success the caller owns *doc (yaml_document_delete); on failure nothing is held. */
int yamlutil_load_file(yaml_document_t *doc, const char *path, struct sim_error *err);

/* Same from memory; NAME is used in messages in place of a file name. */
int yamlutil_load_string(yaml_document_t *doc, const char *name, const void *data, size_t len,
			 struct sim_error *err);

/* The value of KEY in mapping MAP (the last one if a key repeats), or NULL if MAP is NULL,
 * not a mapping, or has no such scalar key. */
yaml_node_t *yamlutil_map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key);

/* A scalar's NUL-terminated text, or NULL if NODE is NULL, not a scalar, or holds an
 * embedded NUL (a "\0" escape), which no C string consumer could see past. */
const char *yamlutil_scalar(const yaml_node_t *node);

/* True for a plain (unquoted) null scalar: empty, "~", "null", "Null", "NULL". */
bool yamlutil_is_null(const yaml_node_t *node);

/* "mapping", "sequence" or "scalar", for "expected a mapping, got a sequence". */
const char *yamlutil_kind(const yaml_node_t *node);

/* 1-based line and column of NODE's start. */
unsigned yamlutil_line(const yaml_node_t *node);
unsigned yamlutil_col(const yaml_node_t *node);

/* Format "file:line:col: <fmt...>" at NODE (or "file: ..." when NODE is NULL) into err
 * with CODE and return -1. */
int yamlutil_error(struct sim_error *err, int code, const char *file, const yaml_node_t *node,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
