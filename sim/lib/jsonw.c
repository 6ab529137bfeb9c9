#include "jsonw.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(struct jsonw *w, FILE *fp, int indent)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->indent = indent;
}

static void newline(struct jsonw *w, unsigned depth)
{
	fprintf(w->fp, "\n%*s", w->indent + 2 * (int)depth, "");
}

/* The separator before the next member of the innermost container: ", " inline, else ","
 * and a new line at the container's indent. */
static void next_member(struct jsonw *w)
{
	unsigned nr = w->level[w->depth - 1].nr++;
	if (w->level[w->depth - 1].is_inline) {
		if (nr)
			fputs(", ", w->fp);
	} else {
		if (nr)
			fputc(',', w->fp);
		newline(w, w->depth);
	}
}

/* Separator before a value: nothing after a key; in an array, the element separator. */
static void before_value(struct jsonw *w)
{
	if (w->key_pending) {
		w->key_pending = false;
		return;
	}
	if (!w->depth)
		return;
	sim_assert(w->level[w->depth - 1].close == ']');
	next_member(w);
}

static void open_container(struct jsonw *w, char open, char close, bool is_inline)
{
	before_value(w);
	sim_assert(w->depth < JSONW_MAX_DEPTH);
	fputc(open, w->fp);
	w->level[w->depth].is_inline = is_inline;
	w->level[w->depth].close = close;
	w->level[w->depth].nr = 0;
	w->depth++;
}

void jsonw_object(struct jsonw *w)
{
	open_container(w, '{', '}', false);
}

void jsonw_object_inline(struct jsonw *w)
{
	open_container(w, '{', '}', true);
}

void jsonw_array(struct jsonw *w)
{
	open_container(w, '[', ']', false);
}

void jsonw_end(struct jsonw *w)
{
	sim_assert(w->depth > 0 && !w->key_pending);
	w->depth--;
	if (!w->level[w->depth].is_inline && w->level[w->depth].nr)
		newline(w, w->depth);
	fputc(w->level[w->depth].close, w->fp);
}

void jsonw_keyn(struct jsonw *w, const char *key, size_t len)
{
	sim_assert(w->depth > 0 && w->level[w->depth - 1].close == '}' && !w->key_pending);
	next_member(w);
	char *k = malloc(len + 1);
	if (!k)
		abort(); /* out of host memory while writing output */
	memcpy(k, key, len);
	k[len] = '\0';
	jsonw_write_string(w->fp, k);
	free(k);
	fputs(": ", w->fp);
	w->key_pending = true;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_keyn(w, key, strlen(key));
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or
 * code points past U+10FFFF), 0 if malformed; *cp is its code point. */
static size_t utf8_len(const unsigned char *p, uint32_t *cp)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	*cp = c & (0x7fu >> n);
	for (size_t i = 1; i < n; i++)
		*cp = *cp << 6 | (p[i] & 0x3f);
	return n;
}

/* Code points written as \u escapes: JSON requires it below U+0020; YAML (which reads
 * the config echo back) refuses DEL, C1 controls and U+FFFE/U+FFFF raw, folds NEL, LS
 * and PS as line breaks inside quoted scalars, and drops a BOM mid-stream. */
static bool needs_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

void jsonw_write_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t n = utf8_len(p, &cp);
		if (!n) {
			fputs("\\ufffd", fp); /* JSON text is UTF-8: a stray byte has no spelling */
			p++;
			continue;
		}
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else if (needs_escape(cp))
			fprintf(fp, "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n, fp);
		p += n;
	}
	fputc('"', fp);
}

void jsonw_string(struct jsonw *w, const char *s)
{
	before_value(w);
	jsonw_write_string(w->fp, s);
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->fp, "%llu", (unsigned long long)v);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->fp);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	fputs("null", w->fp);
}

void jsonw_printf(struct jsonw *w, const char *fmt, ...)
{
	va_list ap;
	before_value(w);
	va_start(ap, fmt);
	vfprintf(w->fp, fmt, ap);
	va_end(ap);
}

/* Whether s is a number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

void jsonw_number_text(struct jsonw *w, const char *s)
{
	char *end;
	double d = strtod(s, &end);
	before_value(w);
	if (is_json_number(s) && isfinite(d)) { /* 1e999 is grammatical but overflows readers */
		fputs(s, w->fp);
		return;
	}
	bool decimal = *s && !strpbrk(s, "xXnNiI"); /* no hex, nan, inf */
	if (decimal && end != s && *end == '\0' && isfinite(d))
		fprintf(w->fp, "%.17g", d);
	else
		jsonw_write_string(w->fp, s);
}

FILE *jsonw_external(struct jsonw *w, int *indent)
{
	before_value(w);
	*indent = w->indent + 2 * (int)w->depth; /* the indent of the member's line */
	return w->fp;
}
