/* wl_params.c — parse and print generator parameter values.  Defaults in the tables are
 * text run through the same parser as YAML scalars and --set values, so a default can
 * never be a value the user could not write. */
#include "wl_internal.h"
#include "../lib/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_double(const char *s, double *v, const char **rest)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno || !isfinite(*v))
		return -1;
	*rest = end;
	return 0;
}

/* Sizes, durations and bandwidths are read by sim/lib/units.c, the grammar configs use,
 * so "500MB" is refused here exactly as in a config, and "500MB/s" is 500*10^6 bytes/s
 * in both.  A failed parse leaves its reason in why. */
static int units_fail(enum units_status st, const char *text, const char *base_unit,
		      const char *hint, char *why, size_t why_len)
{
	if (st == UNITS_OVERFLOW)
		snprintf(why, why_len, "'%s' is too large", text);
	else if (st == UNITS_INEXACT)
		snprintf(why, why_len, "'%s' is not a whole number of %s", text, base_unit);
	else
		snprintf(why, why_len, "'%s' is not %s", text, hint);
	return -1;
}

static int check_range(const struct wl_param *p, double v, char *why, size_t why_len)
{
	if (v < p->min || v > p->max) {
		snprintf(why, why_len, "value out of range [%g, %g]", p->min, p->max);
		return -1;
	}
	return 0;
}

static int parse_one_weight(const struct wl_param *p, const char *s, double *v, char *why,
			    size_t why_len)
{
	const char *rest;
	while (*s == ' ')
		s++;
	if (parse_double(s, v, &rest)) {
		snprintf(why, why_len, "'%s' is not a number", s);
		return -1;
	}
	while (*rest == ' ')
		rest++;
	if (*rest) {
		snprintf(why, why_len, "'%s' is not a number", s);
		return -1;
	}
	return check_range(p, *v, why, why_len);
}

int wl_parse_weights_seq(const struct wl_param *p, void *base, const char *const *items,
			 unsigned n, char *why, size_t why_len)
{
	struct wl_weights *wt = (struct wl_weights *)((char *)base + p->offset);
	struct wl_weights tmp = { .n = n };
	if (n == 0 || n > WL_MAX_WEIGHTS) {
		snprintf(why, why_len, "expected 1..%d weights, got %u", WL_MAX_WEIGHTS, n);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		if (parse_one_weight(p, items[i], &tmp.w[i], why, why_len))
			return -1;
	*wt = tmp;
	return 0;
}

int wl_parse_value(const struct wl_param *p, void *base, const char *text, char *why,
		   size_t why_len)
{
	void *field = (char *)base + p->offset;
	double v;
	const char *rest;
	switch (p->type) {
	case WLP_U64: {
		/* Plain digits exactly (seeds use all 64 bits; a double keeps only 53), other
		 * forms ("1e6") through strtod. */
		const char *d = text;
		while (*d >= '0' && *d <= '9')
			d++;
		if (d != text && !*d) {
			char *end;
			errno = 0;
			unsigned long long u = strtoull(text, &end, 10);
			if (errno) {
				snprintf(why, why_len, "'%s' is too large", text);
				return -1;
			}
			if ((double)u < p->min || (p->max < 18446744073709551615.0 && (double)u > p->max)) {
				snprintf(why, why_len, "value out of range [%g, %g]", p->min, p->max);
				return -1;
			}
			*(uint64_t *)field = u;
			return 0;
		}
		if (parse_double(text, &v, &rest) || *rest || v != floor(v)) {
			snprintf(why, why_len, "'%s' is not an integer", text);
			return -1;
		}
		if (check_range(p, v, why, why_len))
			return -1;
		if (v >= 18446744073709551615.0) {
			snprintf(why, why_len, "'%s' is too large", text);
			return -1;
		}
		*(uint64_t *)field = (uint64_t)v;
		return 0;
	}
	case WLP_DOUBLE:
		if (parse_double(text, &v, &rest) || *rest) {
			snprintf(why, why_len, "'%s' is not a number", text);
			return -1;
		}
		if (check_range(p, v, why, why_len))
			return -1;
		*(double *)field = v;
		return 0;
	case WLP_PAGES: {
		uint64_t bytes;
		bool has_unit;
		enum units_status st = units_parse_size(text, &bytes, &has_unit);
		if (st != UNITS_OK)
			return units_fail(st, text, "bytes", "a size (e.g. 4096, 512KiB, 2MiB, 4GiB)",
					  why, why_len);
		/* a bare number is bytes; a size that is not whole pages rounds up */
		v = (double)(bytes / PAGE_SIZE + (bytes % PAGE_SIZE != 0));
		if (check_range(p, v, why, why_len))
			return -1;
		*(uint64_t *)field = (uint64_t)v;
		return 0;
	}
	case WLP_BYTES: {
		uint64_t bytes;
		enum units_status st = units_parse_bandwidth(text, &bytes);
		if (st != UNITS_OK)
			return units_fail(st, text, "bytes/s",
					  "a bandwidth (e.g. 200MiB, 500MB/s, 1GiB/s; a bare number is bytes/s)",
					  why, why_len);
		v = (double)bytes;
		if (check_range(p, v, why, why_len))
			return -1;
		*(double *)field = v;
		return 0;
	}
	case WLP_DURATION: {
		sim_ns_t ns;
		bool has_unit;
		enum units_status st = units_parse_duration(text, &ns, &has_unit);
		if (st != UNITS_OK)
			return units_fail(st, text, "ns", "a duration (e.g. 500ns, 20us, 5ms, 2s)", why,
					  why_len);
		v = (double)ns;
		if (check_range(p, v, why, why_len))
			return -1;
		*(sim_ns_t *)field = ns;
		return 0;
	}
	case WLP_BOOL:
		if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1")) {
			*(bool *)field = true;
			return 0;
		}
		if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0")) {
			*(bool *)field = false;
			return 0;
		}
		snprintf(why, why_len, "'%s' is not a boolean (true/false)", text);
		return -1;
	case WLP_ENUM:
		for (unsigned i = 0; p->names[i]; i++)
			if (!strcmp(text, p->names[i])) {
				*(unsigned *)field = i;
				return 0;
			}
		{
			size_t off = (size_t)snprintf(why, why_len, "'%s' is not one of:", text);
			for (unsigned i = 0; p->names[i] && off < why_len; i++)
				off += (size_t)snprintf(why + off, why_len - off, " %s", p->names[i]);
		}
		return -1;
	case WLP_WEIGHTS: {
		/* "[1, 2, 3]" or "1,2,3" (the --set form) */
		char buf[512];
		const char *items[WL_MAX_WEIGHTS + 1];
		unsigned n = 0;
		size_t len = strlen(text);
		if (len >= sizeof(buf)) {
			snprintf(why, why_len, "weight list too long");
			return -1;
		}
		memcpy(buf, text, len + 1);
		char *s = buf;
		if (*s == '[') {
			s++;
			char *close = strrchr(s, ']');
			if (!close || close[1]) {
				snprintf(why, why_len, "unterminated '['");
				return -1;
			}
			*close = 0;
		}
		for (char *tok = s; tok && n <= WL_MAX_WEIGHTS;) {
			char *comma = strchr(tok, ',');
			if (comma)
				*comma = 0;
			items[n++] = tok;
			tok = comma ? comma + 1 : NULL;
		}
		return wl_parse_weights_seq(p, base, items, n, why, why_len);
	}
	case NR_WLP_TYPES:
		break;
	}
	snprintf(why, why_len, "internal: bad parameter type");
	return -1;
}

/* Shortest of %.15g / %.17g that reads back as the same double. */
static void format_double(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
}

void wl_format_value(const struct wl_param *p, const void *base, char *buf, size_t len)
{
	const void *field = (const char *)base + p->offset;
	switch (p->type) {
	case WLP_U64:
		snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)field);
		return;
	case WLP_PAGES: {
		/* the largest exact binary unit, so the text parses back to the same value */
		unsigned long long bytes = (unsigned long long)*(const uint64_t *)field * PAGE_SIZE;
		static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
		int u = -1;
		while (u < 3 && bytes && bytes % 1024 == 0) {
			bytes /= 1024;
			u++;
		}
		snprintf(buf, len, "%llu%s", bytes, u >= 0 ? units[u] : "");
		return;
	}
	case WLP_DOUBLE:
		format_double(buf, len, *(const double *)field);
		return;
	case WLP_BYTES:
		snprintf(buf, len, "%.0f", *(const double *)field);
		return;
	case WLP_DURATION: {
		unsigned long long ns = *(const sim_ns_t *)field;
		if (ns && ns % NSEC_PER_SEC == 0)
			snprintf(buf, len, "%llus", ns / NSEC_PER_SEC);
		else if (ns && ns % NSEC_PER_MSEC == 0)
			snprintf(buf, len, "%llums", ns / NSEC_PER_MSEC);
		else if (ns && ns % NSEC_PER_USEC == 0)
			snprintf(buf, len, "%lluus", ns / NSEC_PER_USEC);
		else
			snprintf(buf, len, "%lluns", ns);
		return;
	}
	case WLP_BOOL:
		snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
		return;
	case WLP_ENUM:
		snprintf(buf, len, "%s", p->names[*(const unsigned *)field]);
		return;
	case WLP_WEIGHTS: {
		const struct wl_weights *wt = field;
		size_t off = 0;
		buf[0] = 0;
		for (unsigned i = 0; i < wt->n && off < len; i++) {
			char one[40];
			format_double(one, sizeof(one), wt->w[i]);
			off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", one);
		}
		return;
	}
	case NR_WLP_TYPES:
		break;
	}
	snprintf(buf, len, "?");
}
