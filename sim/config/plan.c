#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamlutil.h"
#include "../lib/splitmix.h"

/* Parsing context: the loaded YAML document and the name used in messages. */
struct plan_parse_ctx {
	yaml_document_t *doc;
	const char *name;
	struct sim_error *err;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct plan_parse_ctx *pc, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sim_error_set(pc->err, EX_CONFIG_, "%s:%lu:%lu: %s", pc->name,
			     n ? (unsigned long)n->start_mark.line + 1 : 0ul,
			     n ? (unsigned long)n->start_mark.column + 1 : 0ul, msg);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort(); /* out of memory on a few-byte string: nothing sensible to recover */
	return d;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (!p)
		abort();
	return p;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Keys and values travel through points.tsv (tab-separated) and --set K=V, so tabs and
 * newlines cannot be represented, and a key cannot hold '='. */
static int check_text(struct plan_parse_ctx *pc, const yaml_node_t *n, bool is_key)
{
	const char *s = scalar(n);
	if (!s)
		return perr(pc, n, "expected a scalar%s", "");
	/* an empty value is a real override ("workload.generator: ''" clears the default) */
	if (!*s && is_key)
		return perr(pc, n, "empty %s", "key");
	if (strpbrk(s, "\t\n\r") || (is_key && strpbrk(s, "= ,")))
		return perr(pc, n, "'%s' contains a character not allowed here", s);
	return 0;
}

static int parse_u64(struct plan_parse_ctx *pc, const yaml_node_t *n, uint64_t *out)
{
	const char *s = scalar(n);
	char *end;
	if (!s || !*s || *s == '-')
		return perr(pc, n, "expected a non-negative integer%s", "");
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return perr(pc, n, "'%s' is not a non-negative integer", s);
	*out = v;
	return 0;
}

static yaml_node_t *node(struct plan_parse_ctx *pc, int idx)
{
	return yaml_document_get_node(pc->doc, idx);
}

/* A plain matrix key (named dimensions' keys are not: zip and exclude name the dimension). */
static int find_dim_key(const struct plan *plan, const char *key, unsigned *dim)
{
	for (unsigned d = 0; d < plan->nr_dims; d++)
		for (unsigned k = 0; k < plan->dims[d].nr_keys && !plan->dims[d].name; k++)
			if (!strcmp(plan->dims[d].keys[k], key)) {
				*dim = d;
				return (int)k;
			}
	return -1;
}

static int find_named_dim(const struct plan *plan, const char *name)
{
	for (unsigned d = 0; d < plan->nr_dims; d++)
		if (plan->dims[d].name && !strcmp(plan->dims[d].name, name))
			return (int)d;
	return -1;
}

static int parse_kv_map(struct plan_parse_ctx *pc, yaml_node_t *m, struct plan_kv **out,
			unsigned *nr, const char *what);

/* A named dimension: NAME: {label: {key: value, ...}, ...}. */
static int parse_named_dim(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *k, yaml_node_t *v)
{
	size_t nv = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	if (nv == 0)
		return perr(pc, v, "matrix key '%s' has no labels", scalar(k));
	struct plan_dim *d = &plan->dims[plan->nr_dims++];
	d->name = xstrdup(scalar(k));
	d->labels = xcalloc(nv, sizeof(char *));
	/* rows first, then the union of their keys */
	struct plan_kv **rows = xcalloc(nv, sizeof(*rows));
	unsigned *nr_row = xcalloc(nv, sizeof(unsigned));
	size_t max_keys = 0;
	int rc = -1;
	for (size_t i = 0; i < nv; i++) {
		yaml_node_pair_t *p = &v->data.mapping.pairs.start[i];
		yaml_node_t *lk = node(pc, p->key), *lv = node(pc, p->value);
		if (check_text(pc, lk, true))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d->labels[j], scalar(lk))) {
				perr(pc, lk, "label '%s' listed twice", scalar(lk));
				goto out;
			}
		d->labels[i] = xstrdup(scalar(lk));
		d->nr_values = (unsigned)i + 1;
		if (parse_kv_map(pc, lv, &rows[i], &nr_row[i], "a label"))
			goto out;
		if (nr_row[i] == 0) {
			perr(pc, lv, "label '%s' sets no key", d->labels[i]);
			goto out;
		}
		max_keys += nr_row[i];
	}
	d->keys = xcalloc(max_keys, sizeof(char *));
	for (size_t i = 0; i < nv; i++)
		for (unsigned j = 0; j < nr_row[i]; j++) {
			unsigned k2 = 0, dummy;
			while (k2 < d->nr_keys && strcmp(d->keys[k2], rows[i][j].key))
				k2++;
			if (k2 == d->nr_keys) {
				if (find_dim_key(plan, rows[i][j].key, &dummy) >= 0) {
					perr(pc, v, "key '%s' is also a plain matrix key", rows[i][j].key);
					goto out;
				}
				d->keys[d->nr_keys++] = xstrdup(rows[i][j].key);
			}
		}
	d->values = xcalloc((size_t)d->nr_keys * nv, sizeof(char *));
	d->lines = xcalloc((size_t)d->nr_keys * nv, sizeof(unsigned));
	d->cols = xcalloc((size_t)d->nr_keys * nv, sizeof(unsigned));
	for (size_t i = 0; i < nv; i++)
		for (unsigned j = 0; j < nr_row[i]; j++)
			for (unsigned k2 = 0; k2 < d->nr_keys; k2++)
				if (!strcmp(d->keys[k2], rows[i][j].key)) {
					size_t at = i * d->nr_keys + k2;
					d->values[at] = rows[i][j].value;
					d->lines[at] = rows[i][j].line;
					d->cols[at] = rows[i][j].col;
					rows[i][j].value = NULL; /* moved */
				}
	rc = 0;
out:
	for (size_t i = 0; i < nv; i++) {
		for (unsigned j = 0; rows[i] && j < nr_row[i]; j++) {
			free(rows[i][j].key);
			free(rows[i][j].value);
		}
		free(rows[i]);
	}
	free(rows);
	free(nr_row);
	return rc;
}

static int parse_matrix(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE)
		return perr(pc, m, "matrix must be a mapping of key: [values]%s", "");
	size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	plan->dims = xcalloc(n, sizeof(*plan->dims));
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(pc, p->key), *v = node(pc, p->value);
		if (check_text(pc, k, true))
			return -1;
		unsigned dummy;
		if (find_dim_key(plan, scalar(k), &dummy) >= 0 || find_named_dim(plan, scalar(k)) >= 0)
			return perr(pc, k, "duplicate matrix key '%s'", scalar(k));
		if (v->type == YAML_MAPPING_NODE) {
			if (parse_named_dim(plan, pc, k, v))
				return -1;
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE)
			return perr(pc, v, "matrix key '%s' needs a list of values", scalar(k));
		size_t nv = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
		if (nv == 0)
			return perr(pc, v, "matrix key '%s' has an empty list", scalar(k));
		struct plan_dim *d = &plan->dims[plan->nr_dims++];
		d->nr_keys = 1;
		d->keys = xcalloc(1, sizeof(char *));
		d->keys[0] = xstrdup(scalar(k));
		d->values = xcalloc(nv, sizeof(char *));
		d->lines = xcalloc(nv, sizeof(unsigned));
		d->cols = xcalloc(nv, sizeof(unsigned));
		for (size_t i = 0; i < nv; i++) {
			yaml_node_t *item = node(pc, v->data.sequence.items.start[i]);
			if (check_text(pc, item, false))
				return -1;
			d->lines[d->nr_values] = (unsigned)item->start_mark.line + 1;
			d->cols[d->nr_values] = (unsigned)item->start_mark.column + 1;
			d->values[d->nr_values++] = xstrdup(scalar(item));
		}
	}
	return 0;
}

/* Fold the dimensions named in one zip group into the first of them: its rows become
 * (a[i], b[i], ...). Lists must have equal lengths. */
static int parse_zip_group(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *g)
{
	if (g->type != YAML_SEQUENCE_NODE)
		return perr(pc, g, "each zip group is a list of matrix keys%s", "");
	size_t nk = (size_t)(g->data.sequence.items.top - g->data.sequence.items.start);
	if (nk < 2)
		return perr(pc, g, "a zip group needs at least two keys%s", "");
	unsigned *dims = xcalloc(nk, sizeof(unsigned));
	int rc = -1;
	for (size_t i = 0; i < nk; i++) {
		yaml_node_t *k = node(pc, g->data.sequence.items.start[i]);
		if (!scalar(k)) {
			perr(pc, k, "zip keys are scalars%s", "");
			goto out;
		}
		if (find_dim_key(plan, scalar(k), &dims[i]) < 0) {
			perr(pc, k, "zip key '%s' is not a matrix key", scalar(k));
			goto out;
		}
		if (plan->dims[dims[i]].nr_keys != 1) {
			perr(pc, k, "zip key '%s' is already in a zip group", scalar(k));
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (dims[j] == dims[i]) {
				perr(pc, k, "zip key '%s' listed twice", scalar(k));
				goto out;
			}
		if (plan->dims[dims[i]].nr_values != plan->dims[dims[0]].nr_values) {
			perr(pc, k, "zip key '%s' has a list of a different length", scalar(k));
			goto out;
		}
	}
	/* the group lives where its earliest key was in the matrix */
	unsigned first = dims[0];
	for (size_t i = 1; i < nk; i++)
		first = MIN(first, dims[i]);
	struct plan_dim z = { .nr_keys = (unsigned)nk, .nr_values = plan->dims[dims[0]].nr_values };
	z.keys = xcalloc(nk, sizeof(char *));
	z.values = xcalloc(nk * z.nr_values, sizeof(char *));
	z.lines = xcalloc(nk * z.nr_values, sizeof(unsigned));
	z.cols = xcalloc(nk * z.nr_values, sizeof(unsigned));
	for (size_t i = 0; i < nk; i++) {
		struct plan_dim *d = &plan->dims[dims[i]];
		z.keys[i] = d->keys[0];
		for (unsigned r = 0; r < z.nr_values; r++) {
			z.values[r * nk + i] = d->values[r];
			z.lines[r * nk + i] = d->lines[r];
			z.cols[r * nk + i] = d->cols[r];
		}
		free(d->keys);
		free(d->values);
		free(d->lines);
		free(d->cols);
		d->keys = NULL;
		d->values = NULL;
		d->lines = d->cols = NULL;
		d->nr_keys = 0; /* marks the slot for removal */
	}
	plan->dims[first] = z;
	unsigned w = 0;
	for (unsigned r = 0; r < plan->nr_dims; r++)
		if (plan->dims[r].nr_keys)
			plan->dims[w++] = plan->dims[r];
	plan->nr_dims = w;
	rc = 0;
out:
	free(dims);
	return rc;
}

static int parse_kv_map(struct plan_parse_ctx *pc, yaml_node_t *m, struct plan_kv **out,
			unsigned *nr, const char *what)
{
	if (m->type != YAML_MAPPING_NODE)
		return perr(pc, m, "%s must be a mapping of key: value", what);
	size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	*out = xcalloc(n, sizeof(struct plan_kv));
	*nr = 0;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(pc, p->key), *v = node(pc, p->value);
		if (check_text(pc, k, true) || check_text(pc, v, false))
			return -1;
		(*out)[*nr].key = xstrdup(scalar(k));
		(*out)[*nr].value = xstrdup(scalar(v));
		(*out)[*nr].line = (unsigned)v->start_mark.line + 1;
		(*out)[*nr].col = (unsigned)v->start_mark.column + 1;
		(*nr)++;
	}
	return 0;
}

static int parse_excludes(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *l)
{
	if (l->type != YAML_SEQUENCE_NODE)
		return perr(pc, l, "exclude must be a list of {key: value} mappings%s", "");
	size_t n = (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
	plan->excludes = xcalloc(n, sizeof(struct plan_kv *));
	plan->exclude_len = xcalloc(n, sizeof(unsigned));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = node(pc, l->data.sequence.items.start[i]);
		unsigned idx = plan->nr_excludes++;
		if (parse_kv_map(pc, e, &plan->excludes[idx], &plan->exclude_len[idx], "an exclude entry"))
			return -1;
		/* an exclude naming a non-matrix key could never match: surely a typo */
		yaml_node_pair_t *p = e->data.mapping.pairs.start;
		for (unsigned j = 0; j < plan->exclude_len[idx]; j++, p++) {
			unsigned d;
			int nd = find_named_dim(plan, plan->excludes[idx][j].key);
			if (find_dim_key(plan, plan->excludes[idx][j].key, &d) < 0 && nd < 0)
				return perr(pc, node(pc, p->key), "exclude key '%s' is not a matrix key",
					    plan->excludes[idx][j].key);
			bool known = nd < 0;
			for (unsigned r = 0; nd >= 0 && r < plan->dims[nd].nr_values; r++)
				known |= !strcmp(plan->dims[nd].labels[r], plan->excludes[idx][j].value);
			if (!known)
				return perr(pc, node(pc, p->value), "'%s' is not a label of '%s'",
					    plan->excludes[idx][j].value, plan->excludes[idx][j].key);
		}
	}
	return 0;
}

const char *const plan_units[] = { "ns", "pages", "bytes", "count", "share", NULL };

static yaml_node_t *map_get(struct plan_parse_ctx *pc, yaml_node_t *m, const char *key)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
		if (scalar(node(pc, p->key)) && !strcmp(scalar(node(pc, p->key)), key))
			return node(pc, p->value);
	return NULL;
}

/* Every key of mapping M is one of ALLOWED (NULL-terminated): a misspelt key is an error,
 * not a silently missing figure. */
static int check_keys(struct plan_parse_ctx *pc, yaml_node_t *m, const char *const *allowed,
		      const char *what)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(pc, p->key));
		bool ok = false;
		for (size_t i = 0; k && allowed[i] && !ok; i++)
			ok = !strcmp(k, allowed[i]);
		if (!ok)
			return perr(pc, node(pc, p->key), "unknown key '%s' in %s", k ? k : "?", what);
	}
	return 0;
}

static int parse_number(struct plan_parse_ctx *pc, const yaml_node_t *n, double *out)
{
	const char *s = scalar(n);
	char *end;
	if (!s || !*s)
		return perr(pc, n, "expected a number%s", "");
	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || !(*out == *out))
		return perr(pc, n, "'%s' is not a number", s);
	return 0;
}

/* headline: [{metric: M, unit: U, better: lower|higher, label: L}] */
static int parse_headline(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *l)
{
	static const char *const keys[] = { "metric", "unit", "better", "label", NULL };
	if (l->type != YAML_SEQUENCE_NODE)
		return perr(pc, l, "headline is a list of {metric, unit, better, label}%s", "");
	size_t n = (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
	plan->headline = xcalloc(n, sizeof(*plan->headline));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = node(pc, l->data.sequence.items.start[i]);
		if (e->type != YAML_MAPPING_NODE)
			return perr(pc, e, "a headline entry is a mapping {metric: ..., unit: ...}%s", "");
		if (check_keys(pc, e, keys, "a headline entry"))
			return -1;
		struct plan_headline *h = &plan->headline[plan->nr_headline++];
		yaml_node_t *m = map_get(pc, e, "metric"), *u = map_get(pc, e, "unit"),
			    *b = map_get(pc, e, "better"), *lb = map_get(pc, e, "label");
		if (!m)
			return perr(pc, e, "a headline entry needs a metric%s", "");
		if (check_text(pc, m, true))
			return -1;
		h->metric = xstrdup(scalar(m));
		const char *unit = u ? scalar(u) : "count";
		bool known = false;
		for (size_t k = 0; unit && plan_units[k] && !known; k++)
			known = !strcmp(unit, plan_units[k]);
		if (!known)
			return perr(pc, u, "unit '%s' is not one of ns, pages, bytes, count, share",
				    unit ? unit : "?");
		h->unit = xstrdup(unit);
		if (b) {
			const char *bs = scalar(b);
			if (bs && !strcmp(bs, "lower"))
				h->better = PLAN_BETTER_LOWER;
			else if (bs && !strcmp(bs, "higher"))
				h->better = PLAN_BETTER_HIGHER;
			else
				return perr(pc, b, "better is lower or higher, not '%s'", bs ? bs : "?");
		}
		if (lb && !scalar(lb))
			return perr(pc, lb, "label is text%s", "");
		h->label = xstrdup(lb ? scalar(lb) : h->metric);
	}
	return 0;
}

/* published: [{metric: M, group: SEL, value: V, unit: U | ratio: R, source: S}] */
static int parse_published(struct plan *plan, struct plan_parse_ctx *pc, yaml_node_t *l)
{
	static const char *const keys[] = { "metric", "group", "value", "unit", "ratio", "source", NULL };
	if (l->type != YAML_SEQUENCE_NODE)
		return perr(pc, l, "published is a list of {metric, group, value|ratio, source}%s", "");
	size_t n = (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
	plan->published = xcalloc(n, sizeof(*plan->published));
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = node(pc, l->data.sequence.items.start[i]);
		if (e->type != YAML_MAPPING_NODE)
			return perr(pc, e, "a published entry is a mapping {metric: ..., group: ...}%s", "");
		if (check_keys(pc, e, keys, "a published entry"))
			return -1;
		struct plan_published *f = &plan->published[plan->nr_published++];
		f->line = (unsigned)e->start_mark.line + 1;
		f->col = (unsigned)e->start_mark.column + 1;
		yaml_node_t *m = map_get(pc, e, "metric"), *g = map_get(pc, e, "group"),
			    *v = map_get(pc, e, "value"), *r = map_get(pc, e, "ratio"),
			    *u = map_get(pc, e, "unit"), *s = map_get(pc, e, "source");
		if (!m || !g)
			return perr(pc, e, "a published entry needs metric and group%s", "");
		if (check_text(pc, m, true) || check_text(pc, g, false))
			return -1;
		if (!v == !r)
			return perr(pc, e, "a published entry has either value (with unit) or ratio%s", "");
		if (r && u)
			return perr(pc, u, "a ratio has no unit%s", "");
		if (parse_number(pc, v ? v : r, &f->value))
			return -1;
		f->has_value = v != NULL;
		f->has_ratio = r != NULL;
		f->metric = xstrdup(scalar(m));
		f->group = xstrdup(scalar(g));
		if (u && !scalar(u))
			return perr(pc, u, "unit is text%s", "");
		f->unit = u ? xstrdup(scalar(u)) : NULL;
		if (s && !scalar(s))
			return perr(pc, s, "source is text%s", "");
		f->source = xstrdup(s ? scalar(s) : "");
	}
	return 0;
}

/* Does the selection name at least one point? */
static bool selects_a_point(const struct plan *plan, const char *sel)
{
	for (unsigned p = 0; p < plan->nr_points; p++)
		if (plan_point_matches(&plan->points[p], sel))
			return true;
	return false;
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct plan_kv *)a)->key, ((const struct plan_kv *)b)->key);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* Point id: "key=value,key=value" over the dimensions in order (a named dimension shows
 * as name=label, the others as their keys' sets), with anything but [A-Za-z0-9._=,+-]
 * turned into '_' so it is a safe directory name; too long ids become a hash. */
static void make_id(struct plan_point *pt, const struct plan *plan, const unsigned *odo)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	append(&buf, &len, &cap, "");
	for (unsigned d = 0; d < plan->nr_dims; d++) {
		const struct plan_dim *dim = &plan->dims[d];
		if (dim->name) {
			append(&buf, &len, &cap, len ? "," : "");
			append(&buf, &len, &cap, dim->name);
			append(&buf, &len, &cap, "=");
			append(&buf, &len, &cap, dim->labels[odo[d]]);
			continue;
		}
		for (unsigned k = 0; k < dim->nr_keys; k++) {
			append(&buf, &len, &cap, len ? "," : "");
			append(&buf, &len, &cap, dim->keys[k]);
			append(&buf, &len, &cap, "=");
			append(&buf, &len, &cap, dim->values[odo[d] * dim->nr_keys + k]);
		}
	}
	if (len == 0)
		snprintf(pt->id, sizeof(pt->id), "base");
	else if (len > PLAN_MAX_ID)
		snprintf(pt->id, sizeof(pt->id), "p%016llx", (unsigned long long)plan_fnv1a64(buf));
	else {
		for (char *c = buf; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || strchr("._=,+-", *c)))
				*c = '_';
		snprintf(pt->id, sizeof(pt->id), "%s", buf);
	}
	free(buf);
}

static bool excluded(const struct plan *plan, const struct plan_point *pt)
{
	for (unsigned e = 0; e < plan->nr_excludes; e++) {
		bool all = true;
		for (unsigned j = 0; j < plan->exclude_len[e] && all; j++) {
			bool hit = false;
			for (unsigned s = plan->nr_fixed; s < pt->nr_sets; s++)
				if (!strcmp(pt->sets[s].key, plan->excludes[e][j].key) &&
				    !strcmp(pt->sets[s].value, plan->excludes[e][j].value))
					hit = true;
			for (unsigned l = 0; l < pt->nr_labels; l++)
				if (!strcmp(pt->labels[l].key, plan->excludes[e][j].key) &&
				    !strcmp(pt->labels[l].value, plan->excludes[e][j].value))
					hit = true;
			all = hit;
		}
		if (all)
			return true;
	}
	return false;
}

static int expand(struct plan *plan, struct sim_error *err)
{
	size_t total = 1;
	unsigned nr_matrix_keys = 0, nr_named = 0;
	for (unsigned d = 0; d < plan->nr_dims; d++) {
		total *= plan->dims[d].nr_values;
		nr_matrix_keys += plan->dims[d].nr_keys;
		nr_named += plan->dims[d].name != NULL;
		if (total > 100000)
			return sim_error_set(err, EX_CONFIG_, "%s: matrix has more than 10^5 points",
					     plan->path);
	}
	plan->points = xcalloc(total, sizeof(struct plan_point));
	unsigned *odo = xcalloc(plan->nr_dims + 1, sizeof(unsigned));
	for (size_t t = 0; t < total; t++) {
		struct plan_point *pt = &plan->points[plan->nr_points];
		pt->sets = xcalloc(plan->nr_fixed + nr_matrix_keys, sizeof(struct plan_kv));
		pt->labels = nr_named ? xcalloc(nr_named, sizeof(struct plan_kv)) : NULL;
		unsigned s = 0;
		for (unsigned i = 0; i < plan->nr_fixed; i++)
			pt->sets[s++] = plan->fixed[i];
		for (unsigned d = 0; d < plan->nr_dims; d++) {
			if (plan->dims[d].name)
				pt->labels[pt->nr_labels++] = (struct plan_kv){
					.key = plan->dims[d].name, .value = plan->dims[d].labels[odo[d]] };
			for (unsigned k = 0; k < plan->dims[d].nr_keys; k++) {
				unsigned at = odo[d] * plan->dims[d].nr_keys + k;
				if (!plan->dims[d].values[at])
					continue; /* a label that leaves this key to the base */
				pt->sets[s++] = (struct plan_kv){
					.key = plan->dims[d].keys[k],
					.value = plan->dims[d].values[at],
					.line = plan->dims[d].lines[at],
					.col = plan->dims[d].cols[at],
				};
			}
		}
		pt->nr_sets = s;
		make_id(pt, plan, odo);
		/* advance the odometer: last dimension fastest */
		for (unsigned d = plan->nr_dims; d-- > 0;) {
			if (++odo[d] < plan->dims[d].nr_values)
				break;
			odo[d] = 0;
		}
		if (excluded(plan, pt)) {
			free(pt->sets);
			free(pt->labels);
			memset(pt, 0, sizeof(*pt));
			continue;
		}
		/* canonical string: all sets (fixed too: they change the run) sorted by key, so
		 * reordering the plan's keys keeps every seed */
		struct plan_kv *sorted = xcalloc(pt->nr_sets, sizeof(struct plan_kv));
		memcpy(sorted, pt->sets, pt->nr_sets * sizeof(struct plan_kv));
		qsort(sorted, pt->nr_sets, sizeof(struct plan_kv), cmp_kv);
		size_t len = 0, cap = 0;
		append(&pt->canon, &len, &cap, "");
		for (unsigned i = 0; i < pt->nr_sets; i++) {
			append(&pt->canon, &len, &cap, sorted[i].key);
			append(&pt->canon, &len, &cap, "=");
			append(&pt->canon, &len, &cap, sorted[i].value);
			append(&pt->canon, &len, &cap, "\n");
		}
		free(sorted);
		plan->nr_points++;
	}
	free(odo);
	if (plan->nr_points == 0)
		return sim_error_set(err, EX_CONFIG_, "%s: every point is excluded", plan->path);
	/* ids name directories: sort a copy to find duplicates in O(n log n) */
	const char **ids = xcalloc(plan->nr_points, sizeof(char *));
	for (unsigned q = 0; q < plan->nr_points; q++)
		ids[q] = plan->points[q].id;
	qsort(ids, plan->nr_points, sizeof(char *), cmp_str);
	for (unsigned q = 1; q < plan->nr_points; q++)
		if (!strcmp(ids[q - 1], ids[q])) {
			sim_error_set(err, EX_CONFIG_,
				      "%s: two points share the id '%s' (values differ only in characters "
				      "unsafe for file names)",
				      plan->path, ids[q]);
			free(ids);
			return -1;
		}
	free(ids);
	/* keep the unit count (and points.tsv) well inside unsigned and memory */
	if ((uint64_t)plan->nr_points * plan->repeat > 1000000)
		return sim_error_set(err, EX_CONFIG_, "%s: %u points x %u repeats is more than 10^6 runs",
				     plan->path, plan->nr_points, plan->repeat);
	plan->nr_units = plan->nr_points * plan->repeat;
	plan->units = xcalloc(plan->nr_units, sizeof(struct plan_unit));
	for (unsigned p = 0, u = 0; p < plan->nr_points; p++) {
		/* plan_seed() with the per-point hash taken once */
		const char *canon = plan->common_seeds ? "" : plan->points[p].canon;
		uint64_t x = splitmix64_mix(plan->seed ^ plan_fnv1a64(canon));
		for (unsigned r = 0; r < plan->repeat; r++, u++)
			plan->units[u] = (struct plan_unit){
				.point = p,
				.repeat = r,
				.seed = splitmix64_mix(x + r) & ((1ull << 53) - 1),
			};
	}
	return 0;
}

static void resolve_base(struct plan *plan, const char *name)
{
	const char *slash = strrchr(name, '/');
	if (plan->base_raw[0] == '/' || !slash)
		snprintf(plan->base, sizeof(plan->base), "%s", plan->base_raw);
	else
		snprintf(plan->base, sizeof(plan->base), "%.*s/%s", (int)(slash - name), name,
			 plan->base_raw);
}

int plan_parse(struct plan *plan, const char *name, const char *text, size_t len,
	       struct sim_error *err)
{
	memset(plan, 0, sizeof(*plan));
	snprintf(plan->path, sizeof(plan->path), "%s", name);
	plan->seed = 1;
	plan->repeat = 1;

	yaml_document_t doc;
	struct plan_parse_ctx pc = { .doc = &doc, .name = name, .err = err };
	bool have_doc = false, have_base = false;
	/* the same size limit, one-document rule and message form as configs */
	if (yamlutil_load_string(&doc, name, text, len, err))
		goto err;
	have_doc = true;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		perr(&pc, root, "a sweep plan is a mapping (base, matrix, repeat, ...)%s", "");
		goto err;
	}
	/* a key given twice would be read twice (and matrix twice would overrun dims) */
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
		for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++)
			if (scalar(node(&pc, p->key)) && scalar(node(&pc, q->key)) &&
			    !strcmp(scalar(node(&pc, p->key)), scalar(node(&pc, q->key)))) {
				perr(&pc, node(&pc, p->key), "duplicate key '%s'", scalar(node(&pc, p->key)));
				goto err;
			}
	/* matrix first: zip and exclude refer to its keys wherever they appear */
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
		if (scalar(node(&pc, p->key)) && !strcmp(scalar(node(&pc, p->key)), "matrix") &&
		    parse_matrix(plan, &pc, node(&pc, p->value)))
			goto err;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(&pc, p->key), *v = node(&pc, p->value);
		const char *key = scalar(k);
		uint64_t u;
		if (!key) {
			perr(&pc, k, "keys are scalars%s", "");
			goto err;
		}
		if (!strcmp(key, "matrix")) {
			continue;
		} else if (!strcmp(key, "base")) {
			if (check_text(&pc, v, false))
				goto err;
			snprintf(plan->base_raw, sizeof(plan->base_raw), "%s", scalar(v));
			resolve_base(plan, name);
			have_base = true;
		} else if (!strcmp(key, "seed")) {
			if (parse_u64(&pc, v, &plan->seed))
				goto err;
		} else if (!strcmp(key, "repeat")) {
			if (parse_u64(&pc, v, &u))
				goto err;
			if (u < 1 || u > 100000) {
				perr(&pc, v, "repeat must be 1..100000%s", "");
				goto err;
			}
			plan->repeat = (unsigned)u;
		} else if (!strcmp(key, "set")) {
			if (parse_kv_map(&pc, v, &plan->fixed, &plan->nr_fixed, "set"))
				goto err;
		} else if (!strcmp(key, "zip")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				perr(&pc, v, "zip is a list of key lists: [[keyA, keyB]]%s", "");
				goto err;
			}
			for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++)
				if (parse_zip_group(plan, &pc, node(&pc, *i)))
					goto err;
		} else if (!strcmp(key, "exclude")) {
			if (parse_excludes(plan, &pc, v))
				goto err;
		} else if (!strcmp(key, "metrics")) {
			if (v->type != YAML_SEQUENCE_NODE) {
				perr(&pc, v, "metrics is a list of metric names%s", "");
				goto err;
			}
			size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
			plan->metrics = xcalloc(n, sizeof(char *));
			for (size_t i = 0; i < n; i++) {
				yaml_node_t *m = node(&pc, v->data.sequence.items.start[i]);
				if (check_text(&pc, m, true))
					goto err;
				plan->metrics[plan->nr_metrics++] = xstrdup(scalar(m));
			}
		} else if (!strcmp(key, "seeds")) {
			const char *sv = scalar(v);
			if (sv && !strcmp(sv, "common"))
				plan->common_seeds = true;
			else if (!sv || strcmp(sv, "per-point")) {
				perr(&pc, v, "seeds is common or per-point, not '%s'", sv ? sv : "?");
				goto err;
			}
		} else if (!strcmp(key, "question")) {
			if (!scalar(v)) {
				perr(&pc, v, "question is text%s", "");
				goto err;
			}
			plan->question = xstrdup(scalar(v));
		} else if (!strcmp(key, "baseline")) {
			if (check_text(&pc, v, false))
				goto err;
			plan->baseline = xstrdup(scalar(v));
			plan->baseline_line = (unsigned)v->start_mark.line + 1;
			plan->baseline_col = (unsigned)v->start_mark.column + 1;
		} else if (!strcmp(key, "headline")) {
			if (parse_headline(plan, &pc, v))
				goto err;
		} else if (!strcmp(key, "published")) {
			if (parse_published(plan, &pc, v))
				goto err;
		} else {
			perr(&pc, k, "unknown plan key '%s' (base, set, matrix, zip, exclude, repeat, "
				     "seed, seeds, metrics, question, baseline, headline, published)", key);
			goto err;
		}
	}
	if (!have_base) {
		perr(&pc, root, "the plan names no base config (base: path.yaml)%s", "");
		goto err;
	}
	for (unsigned i = 0; i < plan->nr_fixed; i++) {
		unsigned d;
		bool in_named = false;
		for (d = 0; d < plan->nr_dims; d++)
			for (unsigned k = 0; plan->dims[d].name && k < plan->dims[d].nr_keys; k++)
				in_named |= !strcmp(plan->dims[d].keys[k], plan->fixed[i].key);
		if (in_named || find_dim_key(plan, plan->fixed[i].key, &d) >= 0) {
			perr(&pc, root, "key '%s' is both in set and in matrix", plan->fixed[i].key);
			goto err;
		}
	}
	if (expand(plan, err))
		goto err;
	/* a selection naming no point would leave the report without its base or figure */
	if (plan->baseline && !selects_a_point(plan, plan->baseline)) {
		sim_error_set(err, EX_CONFIG_, "%s:%u:%u: baseline '%s' selects no point", name,
			      plan->baseline_line, plan->baseline_col, plan->baseline);
		goto err;
	}
	for (unsigned i = 0; i < plan->nr_published; i++)
		if (!selects_a_point(plan, plan->published[i].group)) {
			sim_error_set(err, EX_CONFIG_, "%s:%u:%u: published group '%s' selects no point",
				      name, plan->published[i].line, plan->published[i].col,
				      plan->published[i].group);
			goto err;
		}
	yaml_document_delete(&doc);
	return 0;
err:
	if (have_doc)
		yaml_document_delete(&doc);
	plan_free(plan);
	return -1;
}

int plan_load(struct plan *plan, const char *path, struct sim_error *err)
{
	size_t len;
	char *buf = sim_read_file(path, &len, err);
	if (!buf)
		return -1;
	int rc = plan_parse(plan, path, buf, len, err);
	free(buf);
	return rc;
}

void plan_free(struct plan *plan)
{
	for (unsigned i = 0; i < plan->nr_fixed; i++) {
		free(plan->fixed[i].key);
		free(plan->fixed[i].value);
	}
	free(plan->fixed);
	for (unsigned d = 0; d < plan->nr_dims; d++) {
		for (unsigned k = 0; k < plan->dims[d].nr_keys; k++)
			free(plan->dims[d].keys[k]);
		for (unsigned v = 0; plan->dims[d].values && v < plan->dims[d].nr_values * plan->dims[d].nr_keys; v++)
			free(plan->dims[d].values[v]);
		for (unsigned v = 0; plan->dims[d].labels && v < plan->dims[d].nr_values; v++)
			free(plan->dims[d].labels[v]);
		free(plan->dims[d].labels);
		free(plan->dims[d].name);
		free(plan->dims[d].keys);
		free(plan->dims[d].values);
		free(plan->dims[d].lines);
		free(plan->dims[d].cols);
	}
	free(plan->dims);
	for (unsigned e = 0; e < plan->nr_excludes; e++) {
		for (unsigned j = 0; j < plan->exclude_len[e]; j++) {
			free(plan->excludes[e][j].key);
			free(plan->excludes[e][j].value);
		}
		free(plan->excludes[e]);
	}
	free(plan->excludes);
	free(plan->exclude_len);
	for (unsigned m = 0; m < plan->nr_metrics; m++)
		free(plan->metrics[m]);
	free(plan->metrics);
	free(plan->question);
	free(plan->baseline);
	for (unsigned h = 0; h < plan->nr_headline; h++) {
		free(plan->headline[h].metric);
		free(plan->headline[h].unit);
		free(plan->headline[h].label);
	}
	free(plan->headline);
	for (unsigned i = 0; i < plan->nr_published; i++) {
		free(plan->published[i].metric);
		free(plan->published[i].group);
		free(plan->published[i].unit);
		free(plan->published[i].source);
	}
	free(plan->published);
	for (unsigned p = 0; p < plan->nr_points; p++) {
		free(plan->points[p].sets);
		free(plan->points[p].labels);
		free(plan->points[p].canon);
	}
	free(plan->points);
	free(plan->units);
	memset(plan, 0, sizeof(*plan));
}

uint64_t plan_fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64-bit offset basis */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull; /* FNV prime */
	}
	return h;
}

uint64_t plan_seed(uint64_t seed, const char *canon, unsigned repeat)
{
	uint64_t x = splitmix64_mix(seed ^ plan_fnv1a64(canon));
	return splitmix64_mix(x + repeat) & ((1ull << 53) - 1);
}

bool plan_unit_in_shard(unsigned unit, unsigned shard_i, unsigned shard_n)
{
	return unit % shard_n == shard_i - 1;
}

int plan_parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *end;
	errno = 0;
	unsigned long a = strtoul(s, &end, 10);
	if (errno || end == s || *end != '/')
		return -1;
	const char *q = end + 1;
	unsigned long b = strtoul(q, &end, 10);
	if (errno || end == q || *end || a < 1 || b < 1 || a > b || b > 1000000)
		return -1;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

static bool key_matches(const char *set_key, const char *sel_key, size_t sel_len)
{
	size_t n = strlen(set_key);
	if (n == sel_len && !memcmp(set_key, sel_key, sel_len))
		return true;
	return n > sel_len && set_key[n - sel_len - 1] == '.' &&
	       !memcmp(set_key + n - sel_len, sel_key, sel_len);
}

bool plan_point_matches(const struct plan_point *pt, const char *selection)
{
	if (!pt->nr_labels)
		return plan_sets_match(pt->sets, pt->nr_sets, selection);
	struct plan_kv *all = xcalloc(pt->nr_sets + pt->nr_labels, sizeof(*all));
	memcpy(all, pt->sets, pt->nr_sets * sizeof(*all));
	memcpy(all + pt->nr_sets, pt->labels, pt->nr_labels * sizeof(*all));
	bool hit = plan_sets_match(all, pt->nr_sets + pt->nr_labels, selection);
	free(all);
	return hit;
}

bool plan_sets_match(const struct plan_kv *sets, unsigned nr_sets, const char *selection)
{
	const char *s = selection;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		const char *eq = memchr(s, '=', len);
		if (!eq)
			return false;
		size_t klen = (size_t)(eq - s), vlen = len - klen - 1;
		bool hit = false;
		for (unsigned i = 0; i < nr_sets && !hit; i++)
			hit = key_matches(sets[i].key, s, klen) && strlen(sets[i].value) == vlen &&
			      !memcmp(sets[i].value, eq + 1, vlen);
		if (!hit)
			return false;
		s += len;
		if (*s == ',')
			s++;
	}
	return true;
}
