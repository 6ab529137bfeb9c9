/* summary.c — summary.json writer (layout in summary.h). */
#include "summary.h"

#include "../mm/compaction.h"
#include "../mm/vmscan.h"

#include <string.h>

#include "procfs.h"
#include "../lib/jsonw.h"

#ifndef MMSIM_VERSION
#define MMSIM_VERSION "unknown"
#endif

static void counter(void *ctx, const char *name, uint64_t value)
{
	struct jsonw *w = ctx;
	jsonw_key(w, name);
	jsonw_u64(w, value);
}

/* Reclaim state that is not a vmstat counter (vmscan.h reclaim_node_stat): swap use,
 * kswapd, the stall components charged to requests, ereclaimable notifications. */
static void write_reclaim(struct jsonw *w, const struct mm *mm)
{
	if (!mm->reclaim) {
		jsonw_null(w);
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
		{ "nr_reclaim_throttled", st.nr_throttled },
		{ "stall_direct_reclaim_ns", st.stall_direct_ns },
		{ "stall_refault_ns", st.stall_refault_ns },
		{ "stall_swapin_ns", st.stall_swapin_ns },
		{ "stall_writeback_ns", st.stall_writeback_ns },
		{ "stall_throttle_ns", st.stall_throttle_ns },
		{ "lowmem_notifications", st.nr_lowmem_notifications },
		{ "lowmem_level_pages", st.lowmem_level_pages },
	};
	jsonw_object(w);
	for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
		jsonw_key(w, items[i].name);
		jsonw_u64(w, items[i].value);
	}
	jsonw_end(w);
}

/* Per class: requests, satisfied, failed (every fail_* reason summed), then each outcome:
 *   requests == satisfied + failed + killed + unfinished */
static void write_outcomes(struct jsonw *w, const struct mm *mm)
{
	jsonw_object(w);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		const uint64_t *o = mm->alloc_outcome[c];
		uint64_t requests = 0, failed = 0;
		for (int k = 0; k < NR_ALLOC_OUTCOMES; k++) {
			requests += o[k];
			if (k != AOUT_SATISFIED && k != AOUT_KILLED && k != AOUT_UNFINISHED)
				failed += o[k];
		}
		jsonw_key(w, alloc_class_names[c]);
		jsonw_object_inline(w);
		jsonw_key(w, "requests");
		jsonw_u64(w, requests);
		jsonw_key(w, "failed");
		jsonw_u64(w, failed);
		for (int k = 0; k < NR_ALLOC_OUTCOMES; k++) {
			jsonw_key(w, alloc_outcome_names[k]);
			jsonw_u64(w, o[k]);
		}
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* Each OOM kill as the kernel's oom_kill_process() logs it: victim, badness points, the
 * memory its exit freed, and the task whose allocation invoked the killer. */
static void write_oom_kills(struct jsonw *w, const struct oom_victim *v, size_t nr)
{
	jsonw_array(w);
	for (size_t i = 0; v && i < nr; i++) {
		jsonw_object_inline(w);
		jsonw_key(w, "task");
		jsonw_u64(w, v[i].task);
		jsonw_key(w, "time_ns");
		jsonw_u64(w, v[i].time_ns);
		jsonw_key(w, "points");
		jsonw_u64(w, v[i].points);
		jsonw_key(w, "pages_freed");
		jsonw_u64(w, v[i].pages_freed);
		jsonw_key(w, "requester");
		jsonw_u64(w, v[i].requester);
		jsonw_key(w, "records_skipped");
		jsonw_u64(w, v[i].records_skipped);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* The CPU time of the two reclaim daemons: kswapd's batches and kcompactd's compact_zone
 * runs at their simulated cost.  Neither is charged to a request, so this is what the
 * background work costs the machine: share = busy / (elapsed × nr_cpus). */
static void write_daemons(struct jsonw *w, const struct summary_input *in)
{
	const struct mm *mm = in->mm;
	sim_ns_t kswapd = 0;
	if (mm->reclaim) {
		struct reclaim_node_stat st;
		reclaim_node_stat(mm, &st);
		kswapd = st.kswapd_busy_ns;
	}
	sim_ns_t kcompactd = compaction_kcompactd_busy_ns(mm);
	unsigned nr_cpus = mm->cfg && mm->cfg->machine.nr_cpus ? mm->cfg->machine.nr_cpus : 1;
	double cpu_ns = (double)in->elapsed_ns * nr_cpus;
	jsonw_object(w);
	jsonw_key(w, "kswapd_busy_ns");
	jsonw_u64(w, kswapd);
	jsonw_key(w, "kcompactd_busy_ns");
	jsonw_u64(w, kcompactd);
	jsonw_key(w, "kswapd_cpu_share");
	jsonw_printf(w, "%.9f", cpu_ns > 0 ? (double)kswapd / cpu_ns : 0.0);
	jsonw_key(w, "kcompactd_cpu_share");
	jsonw_printf(w, "%.9f", cpu_ns > 0 ? (double)kcompactd / cpu_ns : 0.0);
	jsonw_end(w);
}

static void write_latency(struct jsonw *w, const struct alloc_latency *lat)
{
	jsonw_object(w);
	for (int c = 0; c < NR_ALLOC_CLASSES; c++) {
		struct latency_hist empty;
		latency_hist_init(&empty);
		const struct latency_hist *h = lat ? &lat->cls[c] : &empty;
		jsonw_key(w, alloc_class_names[c]);
		jsonw_object_inline(w);
		jsonw_key(w, "count");
		jsonw_u64(w, h->count);
		jsonw_key(w, "mean_ns");
		jsonw_printf(w, "%.3f", latency_mean_ns(h));
		jsonw_key(w, "p50_ns");
		jsonw_u64(w, latency_quantile_ns(h, 0.50));
		jsonw_key(w, "p90_ns");
		jsonw_u64(w, latency_quantile_ns(h, 0.90));
		jsonw_key(w, "p99_ns");
		jsonw_u64(w, latency_quantile_ns(h, 0.99));
		jsonw_key(w, "max_ns");
		jsonw_u64(w, h->max_ns);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* Per request order with any request: outcomes (mm->order_outcome), the requests whose fast
 * path found no block (too_late: the background had not made one in time), the success
 * share and the latency quantiles of that order.  The classes of "latency" and
 * "alloc_outcome" mix orders; the defragmentation questions ask about one order.
 *   requests == satisfied + failed + killed + unfinished;  too_late <= requests */
static void write_by_order(struct jsonw *w, const struct mm *mm, const struct alloc_latency *lat)
{
	jsonw_object(w);
	for (int n = 0; n < NR_PAGE_ORDERS; n++) {
		const uint64_t *o = mm->order_outcome[n];
		uint64_t requests = 0, failed = 0;
		for (int k = 0; k < NR_ALLOC_OUTCOMES; k++) {
			requests += o[k];
			if (k != AOUT_SATISFIED && k != AOUT_KILLED && k != AOUT_UNFINISHED)
				failed += o[k];
		}
		if (!requests)
			continue;
		struct latency_hist empty;
		latency_hist_init(&empty);
		const struct latency_hist *h = lat ? &lat->order[n] : &empty;
		char key[16];
		snprintf(key, sizeof(key), "order_%d", n);
		jsonw_key(w, key);
		jsonw_object_inline(w);
		jsonw_key(w, "requests");
		jsonw_u64(w, requests);
		jsonw_key(w, "satisfied");
		jsonw_u64(w, o[AOUT_SATISFIED]);
		jsonw_key(w, "failed");
		jsonw_u64(w, failed);
		jsonw_key(w, "too_late");
		jsonw_u64(w, mm->order_slowpath[n]);
		jsonw_key(w, "success_share");
		jsonw_printf(w, "%.6f", (double)o[AOUT_SATISFIED] / (double)requests);
		jsonw_key(w, "too_late_share");
		jsonw_printf(w, "%.6f", (double)mm->order_slowpath[n] / (double)requests);
		jsonw_key(w, "p50_ns");
		jsonw_u64(w, latency_quantile_ns(h, 0.50));
		jsonw_key(w, "p99_ns");
		jsonw_u64(w, latency_quantile_ns(h, 0.99));
		jsonw_key(w, "max_ns");
		jsonw_u64(w, h->max_ns);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void write_observed(struct jsonw *w, const struct trace_header *th)
{
	static const char prefix[] = "observed.";
	jsonw_object(w);
	for (uint32_t i = 0; th && i < th->nr_meta && i < TRACE_MAX_META; i++) {
		const struct trace_meta *m = &th->meta[i];
		if (strncmp(m->key, prefix, sizeof(prefix) - 1))
			continue;
		/* The fixed arrays may be unterminated in a corrupt header: bound the copies. */
		char key[sizeof(m->key) + 1], value[sizeof(m->value) + 1];
		snprintf(key, sizeof(key), "%.*s", (int)(sizeof(m->key) - (sizeof(prefix) - 1)),
			 m->key + sizeof(prefix) - 1);
		snprintf(value, sizeof(value), "%.*s", (int)sizeof(m->value), m->value);
		jsonw_key(w, key);
		jsonw_number_text(w, value);
	}
	jsonw_end(w);
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
 *   alloc_fail (mm_page_alloc with page NULL)        <-> mmsim_alloc_fail
 *   refault_untraced (refaults of pages evicted before the capture, from its counters)
 *                                                    <-> mmsim_refault_untraced (given) */
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
	{ "refault_untraced", { "mmsim_refault_untraced" } },
};

static int event_index(const char *name)
{
	for (int e = 0; e < NR_VM_EVENTS; e++)
		if (!strcmp(vm_event_names[e], name))
			return e;
	return -1;
}

static void write_pair(struct jsonw *w, const char *name, const char *observed, uint64_t simulated)
{
	jsonw_key(w, name);
	jsonw_object_inline(w);
	jsonw_key(w, "observed");
	jsonw_number_text(w, observed);
	jsonw_key(w, "simulated");
	jsonw_u64(w, simulated);
	jsonw_end(w);
}

static void write_observed_vs_simulated(struct jsonw *w, const struct mm *mm, const struct trace_header *th)
{
	jsonw_object(w);
	for (uint32_t i = 0; th && i < th->nr_meta && i < TRACE_MAX_META; i++) {
		char key[sizeof(th->meta[i].key) + 1], value[sizeof(th->meta[i].value) + 1];
		snprintf(key, sizeof(key), "%.*s", (int)sizeof(th->meta[i].key), th->meta[i].key);
		snprintf(value, sizeof(value), "%.*s", (int)sizeof(th->meta[i].value), th->meta[i].value);
		if (!strncmp(key, "observed.vmstat.", 16)) {
			int e = event_index(key + 16);
			if (e >= 0) {
				char name[96];
				snprintf(name, sizeof(name), "vmstat.%s", key + 16);
				write_pair(w, name, value, mm->vm_events[e]);
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
			write_pair(w, key + 9, value, sum);
		}
	}
	jsonw_end(w);
}

void summary_write(FILE *fp, const struct summary_input *in)
{
	const struct mm *mm = in->mm;
	struct jsonw w;
	jsonw_init(&w, fp, 0);
	jsonw_object(&w);
	jsonw_key(&w, "mmsim_version");
	jsonw_string(&w, MMSIM_VERSION);
	jsonw_key(&w, "seed");
	jsonw_u64(&w, in->seed);
	jsonw_key(&w, "config");
	if (in->write_config && in->cfg) {
		int indent;
		FILE *out = jsonw_external(&w, &indent);
		in->write_config(in->cfg, out, indent);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "elapsed_ns");
	jsonw_u64(&w, in->elapsed_ns);
	jsonw_key(&w, "records");
	jsonw_u64(&w, in->records);
	jsonw_key(&w, "records_skipped_killed");
	jsonw_u64(&w, in->records_skipped_killed);
	jsonw_key(&w, "records_unissued");
	jsonw_u64(&w, in->records_unissued);
	jsonw_key(&w, "counters");
	jsonw_object(&w);
	procfs_visit_stats(mm, PROCFS_STATS_ALL, NULL, counter, &w);
	jsonw_end(&w);
	jsonw_key(&w, "alloc_outcome");
	write_outcomes(&w, mm);
	jsonw_key(&w, "oom_kills");
	write_oom_kills(&w, in->oom_victims, in->nr_oom_victims);
	jsonw_key(&w, "daemons");
	write_daemons(&w, in);
	jsonw_key(&w, "reclaim");
	write_reclaim(&w, mm);
	jsonw_key(&w, "latency");
	write_latency(&w, in->latency);
	jsonw_key(&w, "by_order");
	write_by_order(&w, mm, in->latency);
	jsonw_key(&w, "observed");
	write_observed(&w, in->trace);
	jsonw_key(&w, "observed_vs_simulated");
	write_observed_vs_simulated(&w, mm, in->trace);
	jsonw_end(&w);
	fputc('\n', fp);
}
