/* json_check.h — a strict JSON grammar check for tests and fuzz targets (header only, so the
 * standalone libFuzzer builds need nothing else): RFC 8259 values, strings with valid escapes,
 * no raw control characters and well-formed UTF-8, numbers without leading zeros, nesting
 * at most 32 deep. */
#ifndef MMSIM_TESTS_JSON_CHECK_H
#define MMSIM_TESTS_JSON_CHECK_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline const char *json_check_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static inline const char *json_check_value(const char *p, int depth);

static inline const char *json_check_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!n)
			return NULL;
		for (size_t i = 1; i < n; i++)
			if (((unsigned char)p[i] & 0xc0) != 0x80)
				return NULL;
		p += n;
	}
	return p + 1;
}

static inline const char *json_check_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

static inline const char *json_check_value(const char *p, int depth)
{
	p = json_check_ws(p);
	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = json_check_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = json_check_string(json_check_ws(p));
				if (!p || *(p = json_check_ws(p)) != ':')
					return NULL;
				p++;
			}
			if (!(p = json_check_value(p, depth + 1)))
				return NULL;
			p = json_check_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_check_string(p);
	if (!strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	return json_check_number(p);
}

/* True when text is exactly one JSON value (surrounding white space allowed). */
static inline bool json_check_valid(const char *text)
{
	const char *end = json_check_value(text, 0);
	return end && *json_check_ws(end) == '\0';
}

#endif
