/* report_validate.c — render a validate result (report_validate.h). */
#include "report_validate.h"

#include "../stats/compare.h"
#include "../stats/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const report_validate_own[] = { "index.html", "report.md", NULL };

bool report_is_validate(const char *path)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return false;
	char head[256] = "";
	size_t n = fread(head, 1, sizeof(head) - 1, fp);
	fclose(fp);
	head[n] = 0;
	return strstr(head, "\"mmsim-validate\"") != NULL;
}

static bool num(const struct json_value *o, const char *key, double *v)
{
	const struct json_value *j = json_get(o, key);
	if (!j || j->type != JSON_NUMBER)
		return false;
	*v = j->number;
	return true;
}

static const char *str(const struct json_value *o, const char *key)
{
	const struct json_value *j = json_get(o, key);
	return j && j->type == JSON_STRING ? j->string : NULL;
}

/* Bar length for V on a log scale whose full width is MAX. */
static double bar_len(double v, double max, double width)
{
	return max > 0 ? width * log10(v + 1) / log10(max + 1) : 0;
}

/* One capture's figures as an SVG of bar pairs: observed (grey) above simulated (blue). */
static void svg_figures(FILE *fp, const struct json_value *figs)
{
	const double label_w = 200, bar_w = 420, row_h = 26;
	double max = 0;
	for (size_t i = 0; i < figs->nr_children; i++) {
		double v;
		if (num(&figs->children[i], "observed", &v))
			max = MAX(max, v);
		if (num(&figs->children[i], "simulated", &v))
			max = MAX(max, v);
	}
	double h = row_h * (double)figs->nr_children + 24;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		    "font-family=\"sans-serif\" font-size=\"11\">\n", label_w + bar_w + 180, h);
	for (size_t i = 0; i < figs->nr_children; i++) {
		const struct json_value *f = &figs->children[i];
		const char *name = str(f, "name");
		double y = row_h * (double)i + 4, o, s;
		bool ho = num(f, "observed", &o), hs = num(f, "simulated", &s);
		const struct json_value *key = json_get(f, "key");
		fprintf(fp, "<text x=\"0\" y=\"%.0f\"%s>", y + 14,
			key && key->type == JSON_TRUE ? " font-weight=\"bold\"" : "");
		compare_html_escape(fp, name ? name : "?");
		fprintf(fp, "</text>\n");
		if (ho)
			fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"10\" fill=\"#888\"/>"
				    "<text x=\"%.1f\" y=\"%.0f\">%.0f</text>\n",
				label_w, y, bar_len(o, max, bar_w), label_w + bar_len(o, max, bar_w) + 4, y + 9, o);
		else
			fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#888\">not in the capture</text>\n", label_w,
				y + 9);
		double lo, hi;
		bool spread = hs && num(f, "simulated_min", &lo) && num(f, "simulated_max", &hi);
		if (hs)
			fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" height=\"10\" fill=\"#36c\"/>"
				    "<text x=\"%.1f\" y=\"%.0f\">%.0f</text>\n",
				label_w, y + 11, bar_len(s, max, bar_w),
				label_w + bar_len(spread ? hi : s, max, bar_w) + 4, y + 20, s);
		if (spread) /* the seeds' spread: a whisker from the least to the most simulated */
			fprintf(fp, "<path class=\"spread\" d=\"M%.1f %.0fH%.1fM%.1f %.0fV%.0fM%.1f %.0fV%.0f\" "
				    "stroke=\"#024\" fill=\"none\"/>\n",
				label_w + bar_len(lo, max, bar_w), y + 16, label_w + bar_len(hi, max, bar_w),
				label_w + bar_len(lo, max, bar_w), y + 13, y + 19, label_w + bar_len(hi, max, bar_w),
				y + 13, y + 19);
		if (!hs)
			fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#36c\">not simulated</text>\n", label_w, y + 20);
	}
	fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#888\">observed (kernel)</text>"
		    "<text x=\"%.0f\" y=\"%.0f\" fill=\"#36c\">simulated</text>\n",
		label_w, h - 4, label_w + 140, h - 4);
	fprintf(fp, "</svg>\n");
}

static void write_capture(FILE *html, FILE *md, const struct json_value *c)
{
	const char *name = str(c, "name"), *dir = str(c, "dir"), *kernel = str(c, "kernel"),
		   *error = str(c, "error");
	fprintf(html, "<h2>");
	compare_html_escape(html, name ? name : "?");
	fprintf(html, "</h2>\n<p>");
	compare_html_escape(html, dir ? dir : "");
	if (kernel) {
		fprintf(html, ", Linux ");
		compare_html_escape(html, kernel);
	}
	fprintf(html, "</p>\n");
	fprintf(md, "## %s\n\n`%s`%s%s\n\n", name ? name : "?", dir ? dir : "", kernel ? ", Linux " : "",
		kernel ? kernel : "");
	if (error) {
		fprintf(html, "<p><b>replay failed:</b> ");
		compare_html_escape(html, error);
		fprintf(html, "</p>\n");
		fprintf(md, "**replay failed:** %s\n\n", error);
		return;
	}
	double within = 0, known = 0, median = NAN;
	num(c, "within_2x", &within);
	num(c, "key_known", &known);
	num(c, "median_abs_log2", &median);
	char med[32] = "-";
	if (!isnan(median))
		snprintf(med, sizeof(med), "%.2f", median);
	fprintf(html, "<p>key figures within 2&times;: <b>%.0f of %.0f</b>; median |log2 sim/obs|: <b>%s</b></p>\n",
		within, known, med);
	fprintf(md, "Key figures within 2×: **%.0f of %.0f**; median |log2 sim/obs|: **%s**\n\n", within, known, med);
	double seeds = 1, wmin, wmax;
	num(c, "seeds", &seeds);
	if (seeds > 1 && num(c, "within_2x_min", &wmin) && num(c, "within_2x_max", &wmax)) {
		fprintf(html, "<p>simulated: the median over %.0f prefill seeds, the whisker their spread; one seed "
			      "alone had %.0f to %.0f within 2&times;</p>\n",
			seeds, wmin, wmax);
		fprintf(md, "Simulated: the median over %.0f prefill seeds (their spread in brackets); one seed alone had "
			    "%.0f to %.0f within 2×.\n\n",
			seeds, wmin, wmax);
	}
	const struct json_value *figs = json_get(c, "figures");
	if (figs && figs->type == JSON_ARRAY) {
		svg_figures(html, figs);
		fprintf(md, "| figure | observed | simulated | sim/obs |\n|---|---:|---:|---:|\n");
		for (size_t i = 0; i < figs->nr_children; i++) {
			const struct json_value *f = &figs->children[i];
			double o, s;
			bool ho = num(f, "observed", &o), hs = num(f, "simulated", &s);
			const struct json_value *key = json_get(f, "key");
			const char *fn = str(f, "name");
			fprintf(md, "| %s%s%s | ", key && key->type == JSON_TRUE ? "**" : "", fn ? fn : "?",
				key && key->type == JSON_TRUE ? "**" : "");
			if (ho)
				fprintf(md, "%.0f | ", o);
			else
				fprintf(md, "not in the capture | ");
			double lo, hi;
			if (hs && num(f, "simulated_min", &lo) && num(f, "simulated_max", &hi))
				fprintf(md, "%.0f (%.0f–%.0f) | ", s, lo, hi);
			else if (hs)
				fprintf(md, "%.0f | ", s);
			else
				fprintf(md, "not simulated | ");
			if (ho && hs && o > 0)
				fprintf(md, "%.3g |\n", s / o);
			else
				fprintf(md, "- |\n");
		}
		fputc('\n', md);
	}
	const struct json_value *zones = json_get(c, "zones");
	if (zones && zones->type == JSON_ARRAY && zones->nr_children) {
		fprintf(html, "<table class=\"cmp\"><tr><th>zone</th><th>buddyinfo distance</th>"
			      "<th>free at order &ge; 9, observed</th><th>simulated</th></tr>\n");
		fprintf(md, "| zone | buddyinfo distance | free at order ≥ 9 observed | simulated |\n|---|---:|---:|---:|\n");
		for (size_t z = 0; z < zones->nr_children; z++) {
			const struct json_value *zz = &zones->children[z];
			double d, fo, fs;
			bool hd = num(zz, "distance", &d), ho = num(zz, "observed_free_hi", &fo),
			     hs = num(zz, "simulated_free_hi", &fs);
			const char *zn = str(zz, "zone");
			char ds[32] = "-", os[32] = "-", ss[32] = "-";
			if (hd)
				snprintf(ds, sizeof(ds), "%.1f", d);
			if (ho)
				snprintf(os, sizeof(os), "%.1f%%", 100 * fo);
			if (hs)
				snprintf(ss, sizeof(ss), "%.1f%%", 100 * fs);
			fprintf(html, "<tr><td>");
			compare_html_escape(html, zn ? zn : "?");
			fprintf(html, "</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", ds, os, ss);
			fprintf(md, "| %s | %s | %s | %s |\n", zn ? zn : "?", ds, os, ss);
		}
		fprintf(html, "</table>\n");
		fputc('\n', md);
	}
}

int report_validate_build(const char *path, const char *out, struct sim_error *err)
{
	struct json_value *j = json_load(path, err);
	if (!j)
		return -1;
	const struct json_value *caps = json_get(j, "captures");
	if (!caps || caps->type != JSON_ARRAY) {
		json_free(j);
		return sim_error_set(err, EX_DATAERR_, "%s: no \"captures\" array: not a validate result", path);
	}
	struct atomic_dir ad;
	if (atomic_dir_open(&ad, out, report_validate_own, err)) {
		json_free(j);
		return -1;
	}
	char hp[4300], mp[4300];
	snprintf(hp, sizeof(hp), "%s/index.html", ad.tmp);
	snprintf(mp, sizeof(mp), "%s/report.md", ad.tmp);
	FILE *html = fopen(hp, "we"), *md = fopen(mp, "we");
	int rc = 0;
	if (!html || !md) {
		rc = sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", !html ? hp : mp, strerror(errno));
		goto out;
	}
	fprintf(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mmsim validate</title>\n"
		      "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
		      "table.cmp{border-collapse:collapse}table.cmp td,table.cmp th{border:1px solid #ccc;"
		      "padding:2px 8px;text-align:right}</style></head><body>\n"
		      "<h1>Replays of real captures: kernel vs simulator</h1>\n"
		      "<p>Bars on a log scale (log10(value + 1)); key figures in bold. Source: ");
	compare_html_escape(html, path);
	fprintf(html, "</p>\n");
	fprintf(md, "# Replays of real captures: kernel vs simulator\n\nSource: `%s`. Key figures in bold.\n\n", path);
	/* the scoreboard first */
	fprintf(html, "<table class=\"cmp\"><tr><th>capture</th><th>within 2&times;</th><th>median |log2|</th></tr>\n");
	fprintf(md, "| capture | within 2× | median \\|log2\\| |\n|---|---:|---:|\n");
	for (size_t i = 0; i < caps->nr_children; i++) {
		const struct json_value *c = &caps->children[i];
		double w = 0, k = 0, m = NAN;
		const char *name = str(c, "name");
		bool ok = !str(c, "error") && num(c, "within_2x", &w) && num(c, "key_known", &k);
		num(c, "median_abs_log2", &m);
		char ws[32] = "failed", ms[32] = "-";
		if (ok)
			snprintf(ws, sizeof(ws), "%.0f/%.0f", w, k);
		if (ok && !isnan(m))
			snprintf(ms, sizeof(ms), "%.2f", m);
		fprintf(html, "<tr><td>");
		compare_html_escape(html, name ? name : "?");
		fprintf(html, "</td><td>%s</td><td>%s</td></tr>\n", ws, ms);
		fprintf(md, "| %s | %s | %s |\n", name ? name : "?", ws, ms);
	}
	fprintf(html, "</table>\n");
	fputc('\n', md);
	for (size_t i = 0; i < caps->nr_children; i++)
		write_capture(html, md, &caps->children[i]);
	fprintf(html, "</body></html>\n");
out:;
	bool bad = rc != 0;
	if (html)
		bad |= ferror(html) | (fclose(html) != 0);
	if (md)
		bad |= ferror(md) | (fclose(md) != 0);
	json_free(j);
	if (bad && !rc)
		rc = sim_error_set(err, EX_IOERR_, "%s: write failed", ad.tmp);
	if (rc) {
		atomic_dir_abort(&ad);
		return rc;
	}
	return atomic_dir_commit(&ad, err);
}
