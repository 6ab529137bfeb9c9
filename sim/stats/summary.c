/* summary.c — summary.json writer (layout in summary.h). */
#include "summary.h"

#include "../mm/vmscan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

#ifndef MMSIM_VERSION
#define MMSIM_VERSION "unknown"
#endif

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or
 * code points past U+10FFFF), 0 if malformed. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	size_t n;
	if (c < 0x80)
		return 1;
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
	return n;
}

void summary_json_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(fp, "\\u%04x", *p);
			} else {
				/* JSON text is UTF-8: pass well-formed sequences, replace stray bytes. */
				size_t n = utf8_len(p);
				if (!n) {
					fputs("\\ufffd", fp);
					break;
				}
				fwrite(p, 1, n, fp);
				p += n;
				continue;
			}
		}
		p++;
	}
	fputc('"', fp);
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

/* An observed figure: the text as is when it is a JSON number; other numeric spellings
 * ("+5", "007", " 12", "1.") normalised; anything else (hex, inf, words) a string. */
static void json_value_text(FILE *fp, const char *s)
{
	char *end;
	double d = strtod(s, &end);
	if (is_json_number(s) && isfinite(d)) { /* 1e999 is grammatical but overflows readers */
		fputs(s, fp);
		return;
	}
	bool decimal = *s && !strpbrk(s, "xXnNiI"); /* no hex, nan, inf */
	if (decimal && end != s && *end == '\0' && isfinite(d))
		fprintf(fp, "%.17g", d);
	else
		summary_json_string(fp, s);
}

struct counters_ctx {
	FILE *fp;
	bool first;
};

static void counter(void *ctx, const char *name, uint64_t value)
{
	struct counters_ctx *c = ctx;
	fprintf(c->fp, "%s\n    ", c->first ? "" : ",");
	summary_json_string(c->fp, name);
	fprintf(c->fp, ": %llu", (unsigned long long)value);
	c->first = false;
}

/* Reclaim state that is not a vmstat counter (vmscan.h reclaim_node_stat): swap use,
 * kswapd, the stall components charged to requests, ereclaimable notifications. */
static void write_reclaim(FILE *fp, const struct mm *mm)
{
	if (!mm->reclaim) {
		fputs("null", fp);
		return;
	}
	struct reclaim_node_stat st;
	reclaim_node_stat(mm, &st);
	const struct {
		const char *name;
		uint64_t value;
	} items[] = {
		{ "swap_total_pages", st.swap_total_pages },
		{ "swap_used_pages", st.swap_used_pages },
		{ "nr_dirty", st.nr_dirty },
		{ "nr_writeback", st.nr_writeback },
		{ "kswapd_failures", st.kswapd_failures },
		{ "node_unreclaimable", st.node_unreclaimable },
		{ "kswapd_busy_ns", st.kswapd_busy_ns },
		{ "nr_direct_reclaims", st.nr_direct_reclaims },
		{ "nr_futile_reclaim_fails", st.nr_futile_fails },
		{ "stall_direct_reclaim_ns", st.stall_direct_ns },
		{ "stall_refault_ns", st.stall_refault_ns },
		{ "stall_swapin_ns", st.stall_swapin_ns },
		{ "stall_writeback_ns", st.stall_writeback_ns },
		{ "stall_throttle_ns", st.stall_throttle_ns },
		{ "lowmem_notifications", st.nr_lowmem_notifications },
		{ "lowmem_level_pages", st.lowmem_level_pages },
	};
	fputs("{", fp);
	for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
		fprintf(fp, "%s\n    ", i ? "," : "");
		summary_json_string(fp, items[i].name);
		fprintf(fp, ": %llu", (unsigned long long)items[i].value);
	}
	fputs("\n  }", fp);
}

static void write_latency(FILE *fp, const struct alloc_latency *lat)
{
	fputs("{", fp);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		struct latency_hist empty;
		latency_hist_init(&empty);
		const struct latency_hist *h = lat ? &lat->cls[c] : &empty;
		fprintf(fp, "%s\n    ", c ? "," : "");
		summary_json_string(fp, alloc_class_names[c]);
		fprintf(fp, ": {\"count\": %llu, \"mean_ns\": %.3f, \"p50_ns\": %llu, \"p90_ns\": %llu, "
			    "\"p99_ns\": %llu, \"max_ns\": %llu}",
			(unsigned long long)h->count, latency_mean_ns(h),
			(unsigned long long)latency_quantile_ns(h, 0.50),
			(unsigned long long)latency_quantile_ns(h, 0.90),
			(unsigned long long)latency_quantile_ns(h, 0.99), (unsigned long long)h->max_ns);
	}
	fputs("\n  }", fp);
}

static void write_observed(FILE *fp, const struct trace_header *th)
{
	static const char prefix[] = "observed.";
	bool first = true;
	fputs("{", fp);
	for (uint32_t i = 0; th && i < th->nr_meta && i < TRACE_MAX_META; i++) {
		const struct trace_meta *m = &th->meta[i];
		if (strncmp(m->key, prefix, sizeof(prefix) - 1))
			continue;
		fprintf(fp, "%s\n    ", first ? "" : ",");
		/* The fixed arrays may be unterminated in a corrupt header: bound the copies. */
		char key[sizeof(m->key) + 1], value[sizeof(m->value) + 1];
		snprintf(key, sizeof(key), "%.*s", (int)(sizeof(m->key) - (sizeof(prefix) - 1)),
			 m->key + sizeof(prefix) - 1);
		snprintf(value, sizeof(value), "%.*s", (int)sizeof(m->value), m->value);
		summary_json_string(fp, key);
		fputs(": ", fp);
		json_value_text(fp, value);
		first = false;
	}
	fputs(first ? "}" : "\n  }", fp);
}

/* What the real kernel did (trace header observed.*, from `mmsim import`) next to what the
 * simulator did on the same intent: each observed figure and its simulated counterpart.
 * Counterparts are events that count the same thing:
 *   observed.vmstat.<event>   the kernel's own vmstat delta  <-> counters.<event>
 *   kswapd_wake (mm_vmscan_kswapd_wake, once per balance_pgdat) <-> pageoutrun
 *   direct_reclaim (mm_vmscan_direct_reclaim_begin)  <-> Σ allocstall_<zone>
 *   compact_*_scanned, pgmigrate_*                   <-> the vmstat events of that name
 *   compact_migrated (mm_compaction_migratepages)    <-> pgmigrate_success
 *   kcompactd_wake                                   <-> compact_daemon_wake
 *   extfrag* (mm_page_alloc_extfrag)                 <-> mmsim_extfrag_*
 *   alloc_fail (mm_page_alloc with page NULL)        <-> mmsim_alloc_fail */
static const struct {
	const char *observed;
	const char *simulated[5]; /* summed */
} counterparts[] = {
	{ "kswapd_wake", { "pageoutrun" } },
	{ "direct_reclaim", { "allocstall_dma", "allocstall_dma32", "allocstall_normal", "allocstall_movable", "allocstall_cma" } },
	{ "compact_migrate_scanned", { "compact_migrate_scanned" } },
	{ "compact_free_scanned", { "compact_free_scanned" } },
	{ "compact_migrated", { "pgmigrate_success" } },
	{ "kcompactd_wake", { "compact_daemon_wake" } },
	{ "extfrag", { "mmsim_extfrag_events" } },
	{ "extfrag_fragmenting", { "mmsim_extfrag_fragmenting" } },
	{ "extfrag_change_ownership", { "mmsim_extfrag_change_ownership" } },
	{ "pgmigrate_success", { "pgmigrate_success" } },
	{ "pgmigrate_fail", { "pgmigrate_fail" } },
	{ "alloc_fail", { "mmsim_alloc_fail" } },
};

static int event_index(const char *name)
{
	for (int e = 0; e < NR_VM_EVENTS; e++)
		if (!strcmp(vm_event_names[e], name))
			return e;
	return -1;
}

static void write_pair(FILE *fp, bool *first, const char *name, const char *observed, uint64_t simulated)
{
	fprintf(fp, "%s\n    ", *first ? "" : ",");
	summary_json_string(fp, name);
	fputs(": {\"observed\": ", fp);
	json_value_text(fp, observed);
	fprintf(fp, ", \"simulated\": %llu}", (unsigned long long)simulated);
	*first = false;
}

static void write_observed_vs_simulated(FILE *fp, const struct mm *mm, const struct trace_header *th)
{
	bool first = true;
	fputs("{", fp);
	for (uint32_t i = 0; th && i < th->nr_meta && i < TRACE_MAX_META; i++) {
		char key[sizeof(th->meta[i].key) + 1], value[sizeof(th->meta[i].value) + 1];
		snprintf(key, sizeof(key), "%.*s", (int)sizeof(th->meta[i].key), th->meta[i].key);
		snprintf(value, sizeof(value), "%.*s", (int)sizeof(th->meta[i].value), th->meta[i].value);
		if (!strncmp(key, "observed.vmstat.", 16)) {
			int e = event_index(key + 16);
			if (e >= 0) {
				char name[96];
				snprintf(name, sizeof(name), "vmstat.%s", key + 16);
				write_pair(fp, &first, name, value, mm->vm_events[e]);
			}
			continue;
		}
		if (strncmp(key, "observed.", 9))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(counterparts); k++) {
			if (strcmp(key + 9, counterparts[k].observed))
				continue;
			uint64_t sum = 0;
			for (int j = 0; j < 5 && counterparts[k].simulated[j]; j++) {
				int e = event_index(counterparts[k].simulated[j]);
				if (e >= 0)
					sum += mm->vm_events[e];
			}
			write_pair(fp, &first, key + 9, value, sum);
		}
	}
	fputs(first ? "}" : "\n  }", fp);
}

void summary_write(FILE *fp, const struct summary_input *in)
{
	const struct mm *mm = in->mm;
	fputs("{\n  \"mmsim_version\": ", fp);
	summary_json_string(fp, MMSIM_VERSION);
	fprintf(fp, ",\n  \"seed\": %llu,\n  \"config\": ", (unsigned long long)in->seed);
	if (in->write_config && in->cfg)
		in->write_config(in->cfg, fp, 2);
	else
		fputs("null", fp);
	fprintf(fp, ",\n  \"elapsed_ns\": %llu,\n  \"records\": %llu,\n  \"counters\": {",
		(unsigned long long)in->elapsed_ns, (unsigned long long)in->records);
	struct counters_ctx cc = { .fp = fp, .first = true };
	procfs_visit_stats(mm, PROCFS_STATS_ALL, NULL, counter, &cc);
	fputs("\n  },\n  \"alloc_fail_by_class\": {", fp);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		fprintf(fp, "%s\n    ", c ? "," : "");
		summary_json_string(fp, alloc_class_names[c]);
		fprintf(fp, ": %llu", (unsigned long long)mm->alloc_fail_by_class[c]);
	}
	fputs("\n  },\n  \"reclaim\": ", fp);
	write_reclaim(fp, mm);
	fputs(",\n  \"latency\": ", fp);
	write_latency(fp, in->latency);
	fputs(",\n  \"observed\": ", fp);
	write_observed(fp, in->trace);
	fputs(",\n  \"observed_vs_simulated\": ", fp);
	write_observed_vs_simulated(fp, mm, in->trace);
	fputs("\n}\n", fp);
}
