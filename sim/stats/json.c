#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const json_type_names[] = { "null", "false", "true", "number",
					       "string", "array", "object" };
_Static_assert(ARRAY_SIZE(json_type_names) == NR_JSON_TYPES, "json type names");

const char *json_type_name(enum json_type t)
{
	return t < NR_JSON_TYPES ? json_type_names[t] : "?";
}

/* Reader state for one parse: the text, a cursor, and where errors go. Depth is bounded
 * so hostile input cannot exhaust the stack. */
struct json_reader {
	const char *name;
	const char *s, *end, *p;
	struct sim_error *err;
	unsigned depth;
};

#define JSON_MAX_DEPTH 64

static int jerr(struct json_reader *r, const char *msg)
{
	unsigned long line = 1, col = 1;
	for (const char *q = r->s; q < r->p && q < r->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return sim_error_set(r->err, EX_DATAERR_, "%s:%lu:%lu: %s", r->name, line, col, msg);
}

static void skip_ws(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int parse_value(struct json_reader *r, struct json_value *v);

static int hex4(struct json_reader *r, unsigned *out)
{
	unsigned x = 0;
	if (r->end - r->p < 4)
		return jerr(r, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return jerr(r, "bad hex digit in \\u escape");
	}
	*out = x;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote. The decoded string is never longer than its source. */
static int parse_string(struct json_reader *r, char **out)
{
	r->p++;
	const char *start = r->p;
	char *buf = malloc((size_t)(r->end - start) + 1), *o = buf;
	if (!buf)
		return sim_error_set(r->err, EX_SOFTWARE_, "%s: out of memory", r->name);
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20) {
			free(buf);
			return jerr(r, "control character in string");
		}
		if (c != '\\') {
			*o++ = (char)c;
			r->p++;
			continue;
		}
		r->p++;
		if (r->p >= r->end)
			break;
		char e = *r->p++;
		unsigned cp, lo;
		switch (e) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(r, &cp))
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u') {
					jerr(r, "unpaired surrogate in \\u escape");
					goto bad;
				}
				r->p += 2;
				if (hex4(r, &lo))
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					jerr(r, "bad low surrogate in \\u escape");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				jerr(r, "unpaired surrogate in \\u escape");
				goto bad;
			}
			/* 6 escape chars yield at most 3 bytes; 12 yield 4: never outgrows buf */
			o += put_utf8(o, cp);
			break;
		default:
			r->p--;
			jerr(r, "bad escape in string");
			goto bad;
		}
	}
	if (r->p >= r->end) {
		jerr(r, "unterminated string");
		goto bad;
	}
	r->p++;
	*o = 0;
	*out = buf;
	return 0;
bad:
	free(buf);
	return -1;
}

static int parse_number(struct json_reader *r, struct json_value *v)
{
	const char *start = r->p;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return jerr(r, "bad number");
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "bad number: digit expected after '.'");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "bad number: digit expected in exponent");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	size_t n = (size_t)(r->p - start);
	v->string = malloc(n + 1);
	if (!v->string)
		return sim_error_set(r->err, EX_SOFTWARE_, "%s: out of memory", r->name);
	memcpy(v->string, start, n);
	v->string[n] = 0;
	v->number = strtod(v->string, NULL); /* the grammar above is a subset of strtod's */
	v->type = JSON_NUMBER;
	return 0;
}

static int push_child(struct json_reader *r, struct json_value *v, size_t *cap)
{
	if (v->nr_children == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct json_value *c = realloc(v->children, ncap * sizeof(*c));
		if (!c)
			return sim_error_set(r->err, EX_SOFTWARE_, "%s: out of memory", r->name);
		v->children = c;
		*cap = ncap;
	}
	memset(&v->children[v->nr_children], 0, sizeof(*v->children));
	v->nr_children++;
	return 0;
}

static int parse_container(struct json_reader *r, struct json_value *v, bool object)
{
	char close = object ? '}' : ']';
	size_t cap = 0;
	v->type = object ? JSON_OBJECT : JSON_ARRAY;
	if (++r->depth > JSON_MAX_DEPTH)
		return jerr(r, "nesting too deep");
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		skip_ws(r);
		if (push_child(r, v, &cap))
			return -1;
		struct json_value *c = &v->children[v->nr_children - 1];
		if (object) {
			if (r->p >= r->end || *r->p != '"')
				return jerr(r, "member name expected");
			if (parse_string(r, &c->key))
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return jerr(r, "':' expected");
			r->p++;
		}
		if (parse_value(r, c))
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return 0;
		}
		return jerr(r, object ? "',' or '}' expected" : "',' or ']' expected");
	}
}

static int literal(struct json_reader *r, const char *word, struct json_value *v, enum json_type t)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return jerr(r, "unexpected character");
	r->p += n;
	v->type = t;
	return 0;
}

static int parse_value(struct json_reader *r, struct json_value *v)
{
	skip_ws(r);
	if (r->p >= r->end)
		return jerr(r, "unexpected end of input");
	switch (*r->p) {
	case '{': return parse_container(r, v, true);
	case '[': return parse_container(r, v, false);
	case '"':
		v->type = JSON_STRING;
		return parse_string(r, &v->string);
	case 't': return literal(r, "true", v, JSON_TRUE);
	case 'f': return literal(r, "false", v, JSON_FALSE);
	case 'n': return literal(r, "null", v, JSON_NULL);
	default: return parse_number(r, v);
	}
}

static void free_members(struct json_value *v)
{
	for (size_t i = 0; i < v->nr_children; i++)
		free_members(&v->children[i]);
	free(v->children);
	free(v->key);
	free(v->string);
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	free_members(v);
	free(v);
}

struct json_value *json_parse(const char *name, const char *text, size_t len, struct sim_error *err)
{
	struct json_reader r = { .name = name, .s = text, .end = text + len, .p = text, .err = err };
	struct json_value *v = calloc(1, sizeof(*v));
	if (!v) {
		sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", name);
		return NULL;
	}
	if (parse_value(&r, v))
		goto err;
	skip_ws(&r);
	if (r.p != r.end) {
		jerr(&r, "trailing characters after the JSON value");
		goto err;
	}
	return v;
err:
	json_free(v);
	return NULL;
}

struct json_value *json_load(const char *path, struct sim_error *err)
{
	size_t len;
	char *buf = sim_read_file(path, &len, err);
	if (!buf)
		return NULL;
	struct json_value *v = json_parse(path, buf, len, err);
	free(buf);
	return v;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->nr_children; i++)
		if (!strcmp(v->children[i].key, key))
			return &v->children[i];
	return NULL;
}

bool json_array_has_string(const struct json_value *v, const char *s)
{
	if (!v || v->type != JSON_ARRAY)
		return false;
	for (size_t i = 0; i < v->nr_children; i++)
		if (v->children[i].type == JSON_STRING && !strcmp(v->children[i].string, s))
			return true;
	return false;
}

const struct json_value *json_path(const struct json_value *v, const char *dotted)
{
	char part[256];
	const char *s = dotted;
	while (v && *s) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, s, n);
		part[n] = 0;
		v = json_get(v, part);
		s += n;
		if (*s == '.')
			s++;
	}
	return v;
}

void json_each_number(const struct json_value *v, const char *prefix,
		      void (*fn)(const char *path, double value, void *arg), void *arg)
{
	if (!v)
		return;
	if (v->type == JSON_NUMBER) {
		fn(prefix, v->number, arg);
		return;
	}
	if (v->type != JSON_OBJECT)
		return;
	for (size_t i = 0; i < v->nr_children; i++) {
		size_t n = strlen(prefix) + strlen(v->children[i].key) + 2;
		char *path = malloc(n);
		if (!path)
			return;
		snprintf(path, n, "%s%s%s", prefix, *prefix ? "." : "", v->children[i].key);
		json_each_number(&v->children[i], path, fn, arg);
		free(path);
	}
}
