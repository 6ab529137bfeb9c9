#include "yamlutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libyaml reports reader errors (bad UTF-8, control bytes) as a byte offset only; turn it
 * into a 1-based line:col by counting newlines, so every message has the same form. */
static void offset_to_line_col(const unsigned char *data, size_t len, size_t offset,
			       unsigned long *line, unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if ((data[i] & 0xc0) != 0x80) { /* count characters, not UTF-8 bytes */
			(*col)++;
		}
	}
}

static int parser_error(struct sim_error *err, const char *name, const yaml_parser_t *p,
			const unsigned char *data, size_t len)
{
	const char *problem = p->problem ? p->problem : "syntax error";
	if (p->error == YAML_MEMORY_ERROR)
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory while parsing YAML", name);
	if (p->error == YAML_READER_ERROR) {
		unsigned long line, col;
		offset_to_line_col(data, len, p->problem_offset, &line, &col);
		return sim_error_set(err, EX_CONFIG_, "%s:%lu:%lu: %s", name, line, col, problem);
	}
	if (p->context)
		return sim_error_set(err, EX_CONFIG_, "%s:%lu:%lu: %s (%s at %lu:%lu)", name,
				     (unsigned long)p->problem_mark.line + 1,
				     (unsigned long)p->problem_mark.column + 1, problem, p->context,
				     (unsigned long)p->context_mark.line + 1,
				     (unsigned long)p->context_mark.column + 1);
	return sim_error_set(err, EX_CONFIG_, "%s:%lu:%lu: %s", name,
			     (unsigned long)p->problem_mark.line + 1,
			     (unsigned long)p->problem_mark.column + 1, problem);
}

/* Refuse collections nested deeper than YAMLUTIL_MAX_DEPTH before building the document:
 * libyaml has no limit of its own, and loading a deeply nested document costs time
 * quadratic in its depth.  Streaming events stops at the first level too deep.  A
 * syntax error ends the check quietly; the load then reports it with its position. */
static int check_depth(const char *name, const void *data, size_t len, struct sim_error *err)
{
	yaml_parser_t parser;
	unsigned depth = 0;
	int rc = 0;
	if (!yaml_parser_initialize(&parser))
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, data, len);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break;
		yaml_event_type_t type = ev.type;
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
			if (++depth > YAMLUTIL_MAX_DEPTH)
				rc = sim_error_set(err, EX_CONFIG_, "%s:%lu:%lu: nested deeper than %u levels",
						   name, (unsigned long)ev.start_mark.line + 1,
						   (unsigned long)ev.start_mark.column + 1, YAMLUTIL_MAX_DEPTH);
		} else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (rc || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

int yamlutil_load_string(yaml_document_t *doc, const char *name, const void *data, size_t len,
			 struct sim_error *err)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	bool have_doc = false;

	if (len > YAMLUTIL_MAX_BYTES)
		return sim_error_set(err, EX_CONFIG_, "%s: %zu bytes is too large for a YAML file (limit %u)",
				     name, len, YAMLUTIL_MAX_BYTES);
	if (check_depth(name, data, len, err))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, doc)) {
		parser_error(err, name, &parser, data, len);
		goto err;
	}
	have_doc = true;
	/* A second document would be silently ignored by a one-document reader; a config
	 * split by a stray "---" is a mistake worth reporting. */
	if (!yaml_parser_load(&parser, &extra)) {
		parser_error(err, name, &parser, data, len);
		goto err;
	}
	if (yaml_document_get_root_node(&extra)) {
		sim_error_set(err, EX_CONFIG_, "%s:%lu:%lu: only one YAML document is allowed", name,
			      (unsigned long)extra.start_mark.line + 1,
			      (unsigned long)extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		goto err;
	}
	yaml_document_delete(&extra);
	yaml_parser_delete(&parser);
	return 0;
err:
	if (have_doc)
		yaml_document_delete(doc);
	yaml_parser_delete(&parser);
	return -1;
}

int yamlutil_load_file(yaml_document_t *doc, const char *path, struct sim_error *err)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;
	FILE *fp = sim_fopen_input(path, err);
	if (!fp)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap > YAMLUTIL_MAX_BYTES) {
				sim_error_set(err, EX_CONFIG_, "%s: too large for a YAML file (limit %u bytes)",
					      path, YAMLUTIL_MAX_BYTES);
				goto err;
			}
			size_t ncap = cap ? cap * 2 : 8192;
			unsigned char *nbuf = realloc(buf, ncap);
			if (!nbuf) {
				sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
				goto err;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		sim_error_set(err, EX_NOINPUT_, "%s: read error: %s", path, errno ? strerror(errno) : "I/O error");
		goto err;
	}
	rc = yamlutil_load_string(doc, path, buf, len, err);
err:
	free(buf);
	fclose(fp);
	return rc;
}

const char *yamlutil_scalar(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	const char *s = (const char *)node->data.scalar.value;
	if (strlen(s) != node->data.scalar.length)
		return NULL;
	return s;
}

yaml_node_t *yamlutil_map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
	yaml_node_t *found = NULL;
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = yamlutil_scalar(yaml_document_get_node(doc, p->key));
		if (k && !strcmp(k, key))
			found = yaml_document_get_node(doc, p->value);
	}
	return found;
}

bool yamlutil_is_null(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)node->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *yamlutil_kind(const yaml_node_t *node)
{
	if (!node)
		return "nothing";
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "mapping";
	case YAML_SEQUENCE_NODE:
		return "sequence";
	case YAML_SCALAR_NODE:
		return "scalar";
	default:
		return "empty node";
	}
}

unsigned yamlutil_line(const yaml_node_t *node)
{
	return node ? (unsigned)node->start_mark.line + 1 : 0;
}

unsigned yamlutil_col(const yaml_node_t *node)
{
	return node ? (unsigned)node->start_mark.column + 1 : 0;
}

int yamlutil_error(struct sim_error *err, int code, const char *file, const yaml_node_t *node,
		   const char *fmt, ...)
{
	if (!err)
		return -1;
	char msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node)
		return sim_error_set(err, code, "%s:%u:%u: %s", file, yamlutil_line(node),
				     yamlutil_col(node), msg);
	return sim_error_set(err, code, "%s: %s", file, msg);
}
