/* units.c — values in the units people read (report_int.h): seconds not 6e+09 ns, MiB not
 * pages.  A page is 4 KiB (PAGE_SIZE on x86-64 and arm64 4K kernels, docs/model.md §2). */
#include "report_int.h"

#include <math.h>
#include <string.h>

#define REPORT_PAGE_BYTES 4096.0

void report_unit_pick(const char *unit, double max_abs, struct report_unit *u)
{
	*u = (struct report_unit){ 1, "" };
	if (!unit)
		return;
	if (!strcmp(unit, "ns")) {
		if (max_abs >= 1e9)
			*u = (struct report_unit){ 1e-9, "s" };
		else if (max_abs >= 1e6)
			*u = (struct report_unit){ 1e-6, "ms" };
		else if (max_abs >= 1e3)
			*u = (struct report_unit){ 1e-3, "µs" };
		else
			*u = (struct report_unit){ 1, "ns" };
	} else if (!strcmp(unit, "pages") || !strcmp(unit, "bytes")) {
		double b = !strcmp(unit, "pages") ? REPORT_PAGE_BYTES : 1;
		double bytes = max_abs * b;
		if (bytes >= 1024.0 * 1024 * 1024)
			*u = (struct report_unit){ b / (1024.0 * 1024 * 1024), "GiB" };
		else if (bytes >= 1024.0 * 1024)
			*u = (struct report_unit){ b / (1024.0 * 1024), "MiB" };
		else
			*u = (struct report_unit){ b / 1024.0, "KiB" };
	} else if (!strcmp(unit, "share")) {
		*u = (struct report_unit){ 100, "%" };
	}
}

const char *report_unit_guess(const char *metric)
{
	size_t n = strlen(metric);
	if (n >= 3 && !strcmp(metric + n - 3, "_ns"))
		return "ns";
	if (strstr(metric, "pages"))
		return "pages";
	if (n >= 6 && !strcmp(metric + n - 6, "_share"))
		return "share";
	return "count";
}

void report_fmt_unit(char *buf, size_t n, double v, const struct report_unit *u)
{
	double x = v * u->factor, a = fabs(x);
	const char *sep = *u->label && strcmp(u->label, "%") ? " " : "";
	if (x == rint(x) && a < 1e15)
		snprintf(buf, n, "%.0f%s%s", x, sep, u->label);
	else if (a >= 1000)
		snprintf(buf, n, "%.0f%s%s", x, sep, u->label);
	else
		snprintf(buf, n, "%.4g%s%s", x, sep, u->label);
}
