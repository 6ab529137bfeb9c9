#include "units.h"

#include <string.h>
#include <strings.h>

struct unit {
	const char *suffix;
	uint64_t mult;
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "K", 1ull << 10 }, { "KiB", 1ull << 10 },
	{ "M", 1ull << 20 }, { "MiB", 1ull << 20 },
	{ "G", 1ull << 30 }, { "GiB", 1ull << 30 },
	{ "T", 1ull << 40 }, { "TiB", 1ull << 40 },
};

static const struct unit duration_units[] = {
	{ "ns", 1 },
	{ "us", NSEC_PER_USEC }, { "\xc2\xb5s", NSEC_PER_USEC }, /* µs */
	{ "ms", NSEC_PER_MSEC },
	{ "s", NSEC_PER_SEC },
};

static const struct unit bandwidth_units[] = {
	{ "B", 1 },
	{ "K", 1ull << 10 }, { "KiB", 1ull << 10 }, { "kB", 1000 }, { "KB", 1000 },
	{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "MB", 1000000 },
	{ "G", 1ull << 30 }, { "GiB", 1ull << 30 }, { "GB", 1000000000 },
	{ "T", 1ull << 40 }, { "TiB", 1ull << 40 }, { "TB", 1000000000000ull },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "<digits>[.<digits>][ ]<unit>" or "0x<hex>" -> *out in the base unit; *has_unit tells
 * a bare number (whose meaning the caller decides: pages, KiB, ns) from one with a unit. */
static enum units_status parse_number(const char *s, const struct unit *units, size_t nr_units,
				    bool icase, uint64_t *out, bool *has_unit)
{
	uint64_t ip = 0, frac = 0, frac_scale = 1, mult = 1;
	const char *p = s;

	*has_unit = false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		if (!*p)
			return UNITS_SYNTAX;
		for (; *p; p++) {
			int d = hex_value(*p);
			if (d < 0)
				return UNITS_SYNTAX;
			if (ip > (UINT64_MAX >> 4))
				return UNITS_OVERFLOW;
			ip = ip << 4 | (uint64_t)d;
		}
		*out = ip;
		return UNITS_OK;
	}
	if (!is_digit(*p))
		return UNITS_SYNTAX;
	for (; is_digit(*p); p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (ip > (UINT64_MAX - d) / 10)
			return UNITS_OVERFLOW;
		ip = ip * 10 + d;
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return UNITS_SYNTAX;
		for (; is_digit(*p); p++) {
			if (frac_scale >= 1000000000000000000ull)
				return UNITS_INEXACT; /* more digits than any unit can make whole */
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_scale *= 10;
		}
	}
	if (*p == ' ')
		p++;
	if (*p) {
		size_t i;
		for (i = 0; i < nr_units; i++)
			if (icase ? !strcasecmp(p, units[i].suffix) : !strcmp(p, units[i].suffix))
				break;
		if (i == nr_units)
			return UNITS_SYNTAX;
		mult = units[i].mult;
		*has_unit = true;
	} else if (p > s && p[-1] == ' ') {
		return UNITS_SYNTAX; /* trailing blank without a unit */
	}
	if (ip && mult > UINT64_MAX / ip)
		return UNITS_OVERFLOW;
	uint64_t v = ip * mult;
	if (frac) {
		if (mult > UINT64_MAX / frac)
			return UNITS_OVERFLOW;
		uint64_t f = frac * mult;
		if (f % frac_scale)
			return UNITS_INEXACT;
		f /= frac_scale;
		if (v > UINT64_MAX - f)
			return UNITS_OVERFLOW;
		v += f;
	}
	*out = v;
	return UNITS_OK;
}

enum units_status units_parse_count(const char *s, uint64_t *v)
{
	bool has_unit;
	return parse_number(s, NULL, 0, false, v, &has_unit);
}

enum units_status units_parse_size(const char *s, uint64_t *bytes, bool *has_unit)
{
	return parse_number(s, size_units, ARRAY_SIZE(size_units), true, bytes, has_unit);
}

enum units_status units_parse_duration(const char *s, sim_ns_t *ns, bool *has_unit)
{
	return parse_number(s, duration_units, ARRAY_SIZE(duration_units), false, ns, has_unit);
}

/* Bandwidth: "<size>/s" (decimal or binary), or a bare number or binary size, both read
 * as bytes per second. */
enum units_status units_parse_bandwidth(const char *s, uint64_t *bps)
{
	char buf[64];
	bool has_unit;
	size_t len = strlen(s);
	if (len >= 2 && !strcmp(s + len - 2, "/s")) {
		if (len - 2 >= sizeof(buf))
			return UNITS_SYNTAX;
		memcpy(buf, s, len - 2);
		buf[len - 2] = '\0';
		return parse_number(buf, bandwidth_units, ARRAY_SIZE(bandwidth_units), false, bps, &has_unit);
	}
	/* without "/s" the key says per second: a bare number, or a binary size (200MiB) */
	return parse_number(s, size_units, ARRAY_SIZE(size_units), true, bps, &has_unit);
}
