/* workload.c — the generator framework: YAML parameters, seeded streams, the pending-record
 * heap and the pull loop that merges a kind's actions with its scheduled records. */
#include "workload.h"

#include "wl_internal.h"
#include "../lib/splitmix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <yaml.h>

#include "../config/yamlutil.h"
#include "../lib/pqueue.h"

static const struct wl_kind *const kinds[] = {
	&wl_kind_churn,     &wl_kind_kbuild,          &wl_kind_stream_write, &wl_kind_anon_ws,
	&wl_kind_highalloc, &wl_kind_compaction_test, &wl_kind_camera, &wl_kind_phases,
	&wl_kind_defrag_bursts,
	&wl_kind_zram,
	&wl_kind_noreuse,
};

/* Keys every workload has, whatever its generator. */
struct wl_common {
	uint64_t seed;
	sim_ns_t duration_ns; /* 0: no time limit */
	uint64_t max_records; /* 0: no record budget */
	bool drain;
};

static const struct wl_param common_params[] = {
	{ "seed", WLP_U64, offsetof(struct wl_common, seed), "1", 0, 18446744073709551615.0, NULL,
	  "seed of every random stream (each component derives its own from it)" },
	{ "duration", WLP_DURATION, offsetof(struct wl_common, duration_ns), "0", 0, 1e18, NULL,
	  "stop generating at this simulated time; 0 = no limit" },
	{ "records", WLP_U64, offsetof(struct wl_common, max_records), "0", 0, 1e15, NULL,
	  "stop generating once this many records are out (drain frees come on top); 0 = no limit" },
	{ "drain", WLP_BOOL, offsetof(struct wl_common, drain), "true", 0, 0, NULL,
	  "at the end, free (and unpin, release) every live object at the end time" },
};
#define NR_COMMON ARRAY_SIZE(common_params)

/* A record waiting for its time. */
struct wl_pending {
	struct trace_record rec;
	int64_t live_delta; /* pages added to live_pages when returned */
};

struct param_where {
	int line, col; /* 1-based where the YAML set it; 0 = default; -1 = --set */
};

/* Invariants between calls of workload_next:
 *   st.live_pages == Σ 2^order of ALLOCs returned − Σ of their FREEs returned
 *                    (+ count of CMA_ALLOCs − of their CMA_RELEASEs)
 *   st.nr_records == Σ_kind st.nr_by_kind[kind]
 *   every pending record (fifo, heap, held) has time_ns >= now_ns, fifo ones == now_ns
 *   !gen_done: every heap record with time_ns <= min(next_ns, duration) has been returned
 *   before the kind steps at next_ns. */
struct workload {
	char source[1024];
	const struct wl_kind *kind;
	void *state;
	struct wl_common c;
	struct param_where *where; /* [NR_COMMON + kind->nr_params] */
	bool *is_set;

	gsl_rng *streams[WL_MAX_STREAMS];
	unsigned nr_streams;

	/* records scheduled at `now` by the current step, in order: every pending record due
	 * at or before now was returned before the step, so these come next, ahead of the
	 * heap, without paying for it (most records of access-heavy kinds are immediate). */
	struct trace_record *fifo;
	int64_t *fifo_delta;
	size_t fifo_head, nr_fifo, cap_fifo;

	/* records held until the end (scheduled at WL_NEVER), in scheduling order: only the
	 * drain ever returns them, after the heap, so they stay out of the heap's way */
	struct wl_pending *held;
	size_t nr_held, cap_held, held_next;

	/* pending records of struct wl_pending, earliest (time, seq) first: ties come out
	 * first-scheduled first */
	struct pqueue heap;

	sim_ns_t now_ns;  /* time of the kind's current/last step */
	sim_ns_t next_ns; /* kind's next action time */
	sim_ns_t end_ns;  /* valid when gen_done */
	sim_ns_t last_ns; /* time of the last record returned */
	bool gen_done;
	uint64_t next_id;
	uint64_t throttled_run; /* arrivals throttled since the last record returned */
	struct workload_stats st;
};

/* ---- services for kinds -------------------------------------------------------------- */

sim_ns_t wl_now(const struct workload *w)
{
	return w->now_ns;
}

uint64_t wl_new_id(struct workload *w)
{
	return ++w->next_id;
}

uint64_t wl_reserve_ids(struct workload *w, uint64_t n)
{
	uint64_t first = w->next_id + 1;
	w->next_id += n;
	return first;
}

uint64_t wl_live_pages(const struct workload *w)
{
	return w->st.live_pages;
}

void wl_count_throttled(struct workload *w)
{
	w->st.nr_throttled++;
	w->throttled_run++;
}

gsl_rng *wl_rng_named(uint64_t seed, const char *component)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the name */
	for (const char *p = component; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	uint64_t s = splitmix64_mix(seed ^ splitmix64_mix(h));
	unsigned long s32 = (unsigned long)(s & 0xffffffffu);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	/* mt19937 takes 32 bits of seed; 0 would select GSL's default seed 4357. */
	gsl_rng_set(r, s32 ? s32 : 1);
	return r;
}

/* One stream per component (ROSS-style): its seed depends on the workload seed and the
 * component's name only, so adding or changing another component cannot shift it. */
gsl_rng *wl_stream(struct workload *w, const char *component)
{
	sim_assert(w->nr_streams < WL_MAX_STREAMS);
	gsl_rng *r = wl_rng_named(w->c.seed, component);
	if (!r)
		return NULL;
	w->streams[w->nr_streams++] = r;
	return r;
}

static void out_of_memory(void)
{
	/* Out of memory is not a data error; there is no caller to hand it to from inside a
	 * kind's step, so fail loudly as an assertion would. */
	fprintf(stderr, "mmsim: workload: out of memory\n");
	abort();
}

static void *grow(void *p, size_t *cap, size_t elem)
{
	size_t n = *cap ? *cap * 2 : 1024;
	void *q = realloc(p, n * elem);
	if (!q)
		out_of_memory();
	*cap = n;
	return q;
}

void wl_schedule(struct workload *w, const struct trace_record *rec, int64_t live_delta_pages)
{
	sim_assert(rec->time_ns >= w->now_ns);
	if (rec->time_ns == w->now_ns && !w->gen_done) {
		if (w->fifo_head + w->nr_fifo == w->cap_fifo) {
			size_t cap = w->cap_fifo;
			w->fifo = grow(w->fifo, &cap, sizeof(*w->fifo));
			w->fifo_delta = realloc(w->fifo_delta, cap * sizeof(*w->fifo_delta));
			if (!w->fifo_delta)
				out_of_memory();
			w->cap_fifo = cap;
		}
		size_t i = w->fifo_head + w->nr_fifo++;
		w->fifo[i] = *rec;
		w->fifo_delta[i] = live_delta_pages;
		return;
	}
	if (rec->time_ns == WL_NEVER) {
		if (w->nr_held == w->cap_held)
			w->held = grow(w->held, &w->cap_held, sizeof(*w->held));
		w->held[w->nr_held++] = (struct wl_pending){ .rec = *rec, .live_delta = live_delta_pages };
		return;
	}
	struct wl_pending p = { .rec = *rec, .live_delta = live_delta_pages };
	pqueue_push_payload(&w->heap, rec->time_ns, &p);
}

void wl_alloc_id_now(struct workload *w, uint64_t id, uint32_t task, unsigned order, uint32_t gfp)
{
	struct trace_record r = { .time_ns = w->now_ns, .kind = TR_ALLOC, .task = task,
				  .id = id, .order = (uint8_t)order, .gfp = gfp };
	wl_schedule(w, &r, (int64_t)1 << order);
}

uint64_t wl_alloc_now(struct workload *w, uint32_t task, unsigned order, uint32_t gfp)
{
	uint64_t id = wl_new_id(w);
	wl_alloc_id_now(w, id, task, order, gfp);
	return id;
}

void wl_sched_simple(struct workload *w, enum trace_kind kind, sim_ns_t time_ns, uint32_t task,
		     uint64_t id, int32_t arg)
{
	struct trace_record r = { .time_ns = time_ns, .kind = (uint8_t)kind, .task = task,
				  .id = id, .arg = arg };
	wl_schedule(w, &r, 0);
}

void wl_sched_free(struct workload *w, sim_ns_t time_ns, uint32_t task, uint64_t id,
		   unsigned order)
{
	struct trace_record r = { .time_ns = time_ns, .kind = TR_FREE, .task = task, .id = id };
	wl_schedule(w, &r, -((int64_t)1 << order));
}

const char *const wl_lifetime_names[] = { "exponential", "lognormal", "fixed", NULL };
_Static_assert(ARRAY_SIZE(wl_lifetime_names) == NR_WL_LIFE_DISTS + 1, "names");

sim_ns_t wl_draw_lifetime(gsl_rng *r, unsigned dist, sim_ns_t mean_ns, double sigma)
{
	double v;
	switch (dist) {
	case WL_LIFE_EXPONENTIAL:
		v = gsl_ran_exponential(r, (double)mean_ns);
		break;
	case WL_LIFE_LOGNORMAL:
		/* E[X] = exp(zeta + sigma^2/2) = mean  =>  zeta = ln(mean) - sigma^2/2 */
		v = gsl_ran_lognormal(r, log((double)(mean_ns ? mean_ns : 1)) - sigma * sigma / 2,
				      sigma);
		break;
	default:
		v = (double)mean_ns;
		break;
	}
	if (v < 1)
		v = 1; /* a free strictly after its alloc */
	if (v > 1e17)
		v = 1e17;
	return (sim_ns_t)v;
}

gsl_ran_discrete_t *wl_discrete(struct workload *w, const struct wl_weights *wt, const char *key,
				struct sim_error *err)
{
	double sum = 0;
	for (unsigned i = 0; i < wt->n; i++)
		sum += wt->w[i];
	if (!(sum > 0)) {
		wl_param_error(w, err, key, "weights must not all be 0");
		return NULL;
	}
	gsl_ran_discrete_t *t = gsl_ran_discrete_preproc(wt->n, wt->w);
	if (!t)
		sim_error_set(err, EX_SOFTWARE_, "%s: %s: cannot build distribution", w->source, key);
	return t;
}

/* ---- parameters --------------------------------------------------------------------- */

static const struct wl_param *param_at(const struct workload *w, unsigned idx, void **base)
{
	if (idx < NR_COMMON) {
		if (base)
			*base = (void *)&w->c;
		return &common_params[idx];
	}
	if (base)
		*base = w->state;
	return &w->kind->params[idx - NR_COMMON];
}

static unsigned nr_params(const struct workload *w)
{
	return (unsigned)NR_COMMON + w->kind->nr_params;
}

static int find_param(const struct workload *w, const char *key)
{
	for (unsigned i = 0; i < nr_params(w); i++)
		if (!strcmp(param_at(w, i, NULL)->key, key))
			return (int)i;
	return -1;
}

/* True when some parameter lives under "prefix." (so prefix wants a mapping). */
static bool is_section(const struct workload *w, const char *prefix)
{
	size_t n = strlen(prefix);
	for (unsigned i = 0; i < nr_params(w); i++) {
		const char *k = param_at(w, i, NULL)->key;
		if (!strncmp(k, prefix, n) && k[n] == '.')
			return true;
	}
	return false;
}

int wl_param_error(struct workload *w, struct sim_error *err, const char *key, const char *fmt,
		   ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int i = find_param(w, key);
	if (i >= 0 && w->where[i].line > 0)
		return sim_error_set(err, EX_CONFIG_, "%s:%d:%d: %s: %s", w->source,
				     w->where[i].line, w->where[i].col, key, msg);
	if (i >= 0 && w->where[i].line < 0)
		return sim_error_set(err, EX_CONFIG_, "--set %s: %s", key, msg);
	return sim_error_set(err, EX_CONFIG_, "%s: %s: %s", w->source, key, msg);
}

struct loader {
	struct workload *w;
	yaml_document_t *doc;
	struct sim_error *err;
};

static int node_error(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int node_error(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sim_error_set(L->err, EX_CONFIG_, "%s:%lu:%lu: %s", L->w->source,
			     (unsigned long)n->start_mark.line + 1,
			     (unsigned long)n->start_mark.column + 1, msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int apply_mapping(struct loader *L, yaml_node_t *map, const char *prefix)
{
	struct workload *w = L->w;
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(L->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(L->doc, pair->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return node_error(L, k ? k : map, "keys must be plain names");
		char key[256];
		if (snprintf(key, sizeof(key), "%s%s", prefix, scalar(k)) >= (int)sizeof(key))
			return node_error(L, k, "key '%s%s' too long", prefix, scalar(k));
		if (!*prefix && !strcmp(key, "generator"))
			continue; /* read first, by load_tree */
		if (v->type == YAML_MAPPING_NODE) {
			if (!is_section(w, key))
				return node_error(L, k, "unknown key '%s'%s", key,
						  find_param(w, key) >= 0 ? " (expects a value, not a mapping)" : "");
			char sub[260];
			snprintf(sub, sizeof(sub), "%s.", key);
			if (apply_mapping(L, v, sub))
				return -1;
			continue;
		}
		int idx = find_param(w, key);
		if (idx < 0)
			return node_error(L, k, "unknown key '%s'%s", key,
					  is_section(w, key) ? " (expects a mapping)" : "");
		if (w->is_set[idx] && w->where[idx].line > 0)
			return node_error(L, k, "duplicate key '%s'", key);
		void *base;
		const struct wl_param *p = param_at(w, (unsigned)idx, &base);
		char why[256];
		int rc;
		if (v->type == YAML_SEQUENCE_NODE) {
			if (p->type != WLP_WEIGHTS)
				return node_error(L, v, "%s: expects a single value, not a list", key);
			const char *items[WL_MAX_WEIGHTS + 1];
			unsigned n = 0;
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				yaml_node_t *e = yaml_document_get_node(L->doc, *it);
				if (!e || e->type != YAML_SCALAR_NODE)
					return node_error(L, e ? e : v, "%s: list entries must be numbers", key);
				if (n > WL_MAX_WEIGHTS)
					return node_error(L, e, "%s: too many entries", key);
				items[n++] = scalar(e);
			}
			rc = wl_parse_weights_seq(p, base, items, n, why, sizeof(why));
		} else {
			if (!*scalar(v) && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
				return node_error(L, v, "%s: missing value", key);
			rc = wl_parse_value(p, base, scalar(v), why, sizeof(why));
		}
		if (rc)
			return node_error(L, v, "%s: %s", key, why);
		w->is_set[idx] = true;
		w->where[idx].line = (int)k->start_mark.line + 1;
		w->where[idx].col = (int)k->start_mark.column + 1;
	}
	return 0;
}

static int alloc_kind(struct workload *w, const struct wl_kind *kind, struct sim_error *err)
{
	w->kind = kind;
	w->state = calloc(1, kind->state_size);
	unsigned n = nr_params(w);
	w->where = calloc(n, sizeof(*w->where));
	w->is_set = calloc(n, sizeof(*w->is_set));
	if (!w->state || !w->where || !w->is_set)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		void *base;
		const struct wl_param *p = param_at(w, i, &base);
		char why[256];
		if (wl_parse_value(p, base, p->def, why, sizeof(why)))
			return sim_error_set(err, EX_SOFTWARE_, "internal: default of %s.%s: %s",
					     kind->name, p->key, why);
	}
	return 0;
}

static int load_yaml(struct workload *w, const char *text, size_t len, struct sim_error *err)
{
	yaml_document_t doc;
	int rc = -1;
	bool have_doc = false;
	/* the same size limit, one-document rule and message form as configs and plans */
	if (yamlutil_load_string(&doc, w->source, text, len, err))
		goto err;
	have_doc = true;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		sim_error_set(err, EX_CONFIG_, "%s:1:1: empty workload (expected 'generator: KIND')",
			      w->source);
		goto err;
	}
	struct loader L = { .w = w, .doc = &doc, .err = err };
	if (root->type != YAML_MAPPING_NODE) {
		node_error(&L, root, "expected a mapping of keys");
		goto err;
	}
	/* The generator decides which keys exist, so read it before anything else. */
	const struct wl_kind *kind = NULL;
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
		if (!k || k->type != YAML_SCALAR_NODE || strcmp(scalar(k), "generator"))
			continue;
		if (kind) {
			node_error(&L, k, "duplicate key 'generator'");
			goto err;
		}
		if (!v || v->type != YAML_SCALAR_NODE) {
			node_error(&L, v ? v : k, "generator: expects a name");
			goto err;
		}
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
			if (!strcmp(kinds[i]->name, scalar(v)))
				kind = kinds[i];
		if (!kind) {
			char names[256];
			size_t off = 0;
			for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
				off += (size_t)snprintf(names + off, sizeof(names) - off, " %s",
							kinds[i]->name);
			node_error(&L, v, "generator: unknown kind '%s'; known:%s", scalar(v), names);
			goto err;
		}
	}
	if (!kind) {
		node_error(&L, root, "missing key 'generator'");
		goto err;
	}
	if (alloc_kind(w, kind, err))
		goto err;
	if (apply_mapping(&L, root, ""))
		goto err;
	rc = 0;
err:
	if (have_doc)
		yaml_document_delete(&doc);
	return rc;
}

static int apply_set(struct workload *w, const char *assignment, struct sim_error *err)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment)
		return sim_error_set(err, EX_USAGE_, "--set %s: expected KEY=VALUE", assignment);
	char key[256];
	size_t klen = (size_t)(eq - assignment);
	if (klen >= sizeof(key))
		return sim_error_set(err, EX_USAGE_, "--set %s: key too long", assignment);
	memcpy(key, assignment, klen);
	key[klen] = 0;
	if (!strcmp(key, "generator"))
		return sim_error_set(err, EX_CONFIG_,
				     "--set generator: the generator kind cannot be overridden");
	int idx = find_param(w, key);
	if (idx < 0)
		return sim_error_set(err, EX_CONFIG_, "--set %s: unknown key for generator %s", key,
				     w->kind->name);
	void *base;
	const struct wl_param *p = param_at(w, (unsigned)idx, &base);
	char why[256];
	if (wl_parse_value(p, base, eq + 1, why, sizeof(why)))
		return sim_error_set(err, EX_CONFIG_, "--set %s: %s", key, why);
	w->is_set[idx] = true;
	w->where[idx].line = -1;
	return 0;
}

static struct workload *open_common(const char *name, const char *text, size_t len,
				    const struct workload_overrides *ov, struct sim_error *err)
{
	struct workload *w = calloc(1, sizeof(*w));
	if (!w) {
		sim_error_set(err, EX_SOFTWARE_, "out of memory");
		return NULL;
	}
	pqueue_init(&w->heap, sizeof(struct wl_pending));
	snprintf(w->source, sizeof(w->source), "%s", name);
	if (load_yaml(w, text, len, err))
		goto err;
	for (unsigned i = 0; ov && i < ov->nr_sets; i++)
		if (apply_set(w, ov->sets[i], err))
			goto err;
	if (ov && ov->has_seed) {
		w->c.seed = ov->seed;
		w->where[0].line = -1;
	}
	if (!w->c.duration_ns && !w->c.max_records)
		if (!w->kind->ends_by_itself) {
			sim_error_set(err, EX_CONFIG_, "%s: set 'duration' or 'records' (or both)",
				      w->source);
			goto err;
		}
	if (w->kind->init(w, w->state, err))
		goto err;
	w->next_ns = 0;
	return w;
err:
	workload_close(w);
	return NULL;
}

struct workload *workload_open_mem(const char *name, const char *text, size_t len,
				   const struct workload_overrides *ov, struct sim_error *err)
{
	return open_common(name, text, len, ov, err);
}

struct workload *workload_open(const char *path, const struct workload_overrides *ov,
			       struct sim_error *err)
{
	size_t len;
	char *buf = sim_read_file(path, &len, err);
	if (!buf)
		return NULL;
	struct workload *w = open_common(path, buf, len, ov, err);
	free(buf);
	return w;
}

/* ---- the pull loop ------------------------------------------------------------------- */

static void finish_generation(struct workload *w, sim_ns_t end_ns)
{
	w->gen_done = true;
	w->end_ns = end_ns;
	w->st.end_ns = end_ns;
}

static int emit(struct workload *w, struct trace_record *rec, const struct trace_record *src,
		int64_t live_delta)
{
	*rec = *src;
	w->last_ns = rec->time_ns;
	w->st.live_pages = (uint64_t)((int64_t)w->st.live_pages + live_delta);
	if (w->st.live_pages > w->st.peak_live_pages)
		w->st.peak_live_pages = w->st.live_pages;
	w->st.nr_records++;
	w->st.nr_by_kind[rec->kind]++;
	w->throttled_run = 0;
	return 1;
}

/* Arrivals a footprint throttle may skip in a row, with no record returned between, before
 * generation is refused: the shipped workloads skip at most a few dozen; a footprint a
 * few pages wide under millions of arrivals a second skips ~10^6 per record and would run
 * for days (every arrival still draws from every stream). */
#define WL_MAX_THROTTLED_RUN 100000u

int workload_next(struct workload *w, struct trace_record *rec, struct sim_error *err)
{
	for (;;) {
		if (w->nr_fifo) {
			size_t i = w->fifo_head++;
			if (--w->nr_fifo == 0)
				w->fifo_head = 0;
			return emit(w, rec, &w->fifo[i], w->fifo_delta[i]);
		}
		if (!w->gen_done && w->next_ns == WL_NEVER) {
			/* The kind's script is over: the run ends with its last action, and the
			 * drain lets go of whatever is still pending, as at a duration's end. */
			finish_generation(w, MAX(w->now_ns, w->last_ns));
			continue;
		}
		/* Records due up to the kind's next action (never past the duration) go first. */
		sim_ns_t limit = w->next_ns;
		if (w->c.duration_ns && limit > w->c.duration_ns)
			limit = w->c.duration_ns;
		if (pqueue_len(&w->heap) && (w->gen_done || pqueue_min_time(&w->heap) <= limit)) {
			struct wl_pending p;
			pqueue_pop(&w->heap, NULL, &p);
			if (w->gen_done && p.rec.time_ns > w->end_ns) {
				/* Past the end: with drain, every object is let go at the end time,
				 * in scheduling order (unpin before free); other intents are moot. */
				if (!w->c.drain) {
					pqueue_clear(&w->heap);
					continue;
				}
				if (p.rec.kind != TR_FREE && p.rec.kind != TR_UNPIN &&
				    p.rec.kind != TR_CMA_RELEASE && p.rec.kind != TR_PIN)
					continue;
				p.rec.time_ns = w->end_ns;
			}
			return emit(w, rec, &p.rec, p.live_delta);
		}
		if (w->gen_done) {
			if (!w->c.drain || w->held_next == w->nr_held)
				return 0;
			struct wl_pending *p = &w->held[w->held_next++];
			if (p->rec.kind != TR_FREE && p->rec.kind != TR_UNPIN &&
			    p->rec.kind != TR_CMA_RELEASE && p->rec.kind != TR_PIN)
				continue;
			p->rec.time_ns = w->end_ns;
			return emit(w, rec, &p->rec, p->live_delta);
		}
		sim_ns_t t = w->next_ns;
		if (w->c.duration_ns && t >= w->c.duration_ns) {
			finish_generation(w, w->c.duration_ns);
			continue;
		}
		if (w->c.max_records && w->st.nr_records >= w->c.max_records) {
			finish_generation(w, MAX(w->now_ns, w->last_ns));
			continue;
		}
		w->now_ns = t;
		sim_ns_t next = w->kind->step(w, w->state);
		sim_assert(next > t);
		w->next_ns = next >= WL_TIME_MAX ? WL_NEVER : next;
		if (w->throttled_run > WL_MAX_THROTTLED_RUN)
			return sim_error_set(err, EX_DATAERR_,
					     "%s: generator %s: %u arrivals in a row skipped at the footprint "
					     "target with no record between (at %.6f s): generation would "
					     "practically never end; raise footprint, or lower rate or "
					     "lifetime.mean",
					     w->source, w->kind->name, WL_MAX_THROTTLED_RUN,
					     (double)t / 1e9);
	}
}

/* ---- info ---------------------------------------------------------------------------- */

static void meta_add(struct trace_header *h, const char *key, const char *value)
{
	for (uint32_t i = 0; i < h->nr_meta; i++)
		if (!strcmp(h->meta[i].key, key)) {
			snprintf(h->meta[i].value, sizeof(h->meta[i].value), "%s", value);
			return;
		}
	if (h->nr_meta >= TRACE_MAX_META)
		return;
	snprintf(h->meta[h->nr_meta].key, sizeof(h->meta[0].key), "%s", key);
	snprintf(h->meta[h->nr_meta].value, sizeof(h->meta[0].value), "%s", value);
	h->nr_meta++;
}

void workload_fill_header(const struct workload *w, struct trace_header *h)
{
	char buf[192], key[64];
	meta_add(h, "generator", w->kind->name);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)w->c.seed);
	meta_add(h, "seed", buf);
	meta_add(h, "workload", w->source);
	for (unsigned i = 0; i < nr_params(w); i++) {
		void *base;
		const struct wl_param *p = param_at(w, i, &base);
		if (i == 0)
			continue; /* the seed, above */
		wl_format_value(p, base, buf, sizeof(buf));
		snprintf(key, sizeof(key), "param.%s", p->key);
		meta_add(h, key, buf);
	}
}

void workload_get_stats(const struct workload *w, struct workload_stats *st)
{
	*st = w->st;
}

const char *workload_generator_name(const struct workload *w)
{
	return w->kind->name;
}

uint64_t workload_seed(const struct workload *w)
{
	return w->c.seed;
}

void workload_close(struct workload *w)
{
	if (!w)
		return;
	if (w->kind && w->kind->fini && w->state)
		w->kind->fini(w->state);
	for (unsigned i = 0; i < w->nr_streams; i++)
		gsl_rng_free(w->streams[i]);
	pqueue_destroy(&w->heap);
	free(w->held);
	free(w->fifo);
	free(w->fifo_delta);
	free(w->state);
	free(w->where);
	free(w->is_set);
	free(w);
}

static void print_params(FILE *fp, const struct wl_param *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char def[160];
		snprintf(def, sizeof(def), "%s", p[i].def);
		fprintf(fp, "    %-24s %-14s %s", p[i].key, def, p[i].doc);
		if (p[i].type == WLP_ENUM) {
			fprintf(fp, " (");
			for (unsigned k = 0; p[i].names[k]; k++)
				fprintf(fp, "%s%s", k ? ", " : "", p[i].names[k]);
			fprintf(fp, ")");
		}
		fprintf(fp, "\n");
	}
}

void workload_print_help(void *fpv)
{
	FILE *fp = fpv;
	fprintf(fp, "keys of every workload:\n");
	fprintf(fp, "    %-24s %-14s %s\n", "generator", "(required)", "the generator kind below");
	print_params(fp, common_params, NR_COMMON);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		fprintf(fp, "\ngenerator: %s — %s\n", kinds[i]->name, kinds[i]->doc);
		print_params(fp, kinds[i]->params, kinds[i]->nr_params);
	}
}
