/* opts.c — the option-table parser and help printer shared by every subcommand. */
#include "opts.h"

#include <stdlib.h>
#include <string.h>

int cli_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		unsigned d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static struct cli_opt *find_long(struct cli_spec *spec, const char *name, size_t len)
{
	for (struct cli_opt *o = spec->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static struct cli_opt *find_short(struct cli_spec *spec, char c)
{
	for (struct cli_opt *o = spec->opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

unsigned cli_seen(const struct cli_spec *spec, const char *name)
{
	for (const struct cli_opt *o = spec->opts; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o->nr_seen;
	return 0;
}

static uint64_t opt_max(const struct cli_opt *o)
{
	return o->max ? o->max : UINT64_MAX;
}

/* Store val for option o; shown is how argv spelled the option ("--seed", "-j"). */
static int set_value(const struct cli_spec *spec, struct cli_opt *o, const char *shown,
		     const char *val, struct sim_error *err)
{
	switch (o->type) {
	case CLI_FLAG:
		*(bool *)o->dest = true;
		return 0;
	case CLI_STR:
		*(const char **)o->dest = val;
		return 0;
	case CLI_LIST: {
		struct cli_list *l = o->dest;
		l->v[l->nr++] = val;
		l->v[l->nr] = NULL;
		return 0;
	}
	case CLI_U64: {
		uint64_t x;
		if (cli_parse_u64(val, &x) || x < o->min || x > opt_max(o))
			return sim_error_set(err, EX_USAGE_, "mmsim %s: %s wants a decimal number %llu..%llu, not '%s'",
					     spec->name, shown, (unsigned long long)o->min,
					     (unsigned long long)opt_max(o), val);
		*(uint64_t *)o->dest = x;
		return 0;
	}
	case CLI_CHOICE:
		for (int i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], val)) {
				*(int *)o->dest = i;
				return 0;
			}
		char list[256];
		size_t used = 0;
		list[0] = 0;
		for (int i = 0; o->choices[i] && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
						 o->choices[i]);
		return sim_error_set(err, EX_USAGE_, "mmsim %s: %s wants one of %s, not '%s'", spec->name,
				     shown, list, val);
	}
	return sim_error_set(err, EX_SOFTWARE_, "mmsim %s: %s: bad option type", spec->name, shown);
}

void cli_free(struct cli_spec *spec, struct cli_args *pos)
{
	for (struct cli_opt *o = spec->opts; o && o->name; o++)
		if (o->type == CLI_LIST) {
			struct cli_list *l = o->dest;
			free(l->v);
			l->v = NULL;
			l->nr = 0;
		}
	free(pos->v);
	pos->v = NULL;
	pos->nr = 0;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* One option argument at argv[*i]: find the option, take its value (attached or the next
 * argument) and store it. */
static int parse_option(struct cli_spec *spec, int argc, char **argv, int *i, struct sim_error *err)
{
	const char *a = argv[*i], *val = NULL;
	char shown[128];
	struct cli_opt *o;
	bool attached = false;
	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		snprintf(shown, sizeof(shown), "--%.*s", (int)len, a + 2);
		o = find_long(spec, a + 2, len);
		if (eq) {
			val = eq + 1;
			attached = true;
		}
	} else {
		snprintf(shown, sizeof(shown), "-%c", a[1]);
		o = find_short(spec, a[1]);
		if (a[2]) {
			val = a + 2;
			attached = true;
		}
		/* "-xyz" for a flag -x is not a bundle of flags here: say which argument */
		if (o && o->type == CLI_FLAG && attached)
			o = NULL;
	}
	if (!o)
		return sim_error_set(err, EX_USAGE_, "mmsim %s: unknown option '%s'", spec->name, a);
	o->nr_seen++;
	if (o->type == CLI_FLAG) {
		if (attached)
			return sim_error_set(err, EX_USAGE_, "mmsim %s: %s takes no value ('%s')", spec->name,
					     shown, a);
		return set_value(spec, o, shown, NULL, err);
	}
	if (!attached) {
		if (*i + 1 >= argc)
			return sim_error_set(err, EX_USAGE_, "mmsim %s: %s needs a value (%s %s)", spec->name,
					     shown, shown, o->metavar ? o->metavar : "VALUE");
		val = argv[++*i];
	}
	return set_value(spec, o, shown, val, err);
}

enum cli_parse_result cli_parse(struct cli_spec *spec, int argc, char **argv, struct cli_args *pos,
				struct sim_error *err)
{
	size_t cap = (size_t)(argc > 0 ? argc : 0) + 2;
	memset(pos, 0, sizeof(*pos));
	for (struct cli_opt *o = spec->opts; o && o->name; o++) {
		o->nr_seen = 0;
		if (o->type == CLI_LIST) {
			struct cli_list *l = o->dest;
			l->nr = 0;
			l->v = calloc(cap, sizeof(*l->v));
			if (!l->v)
				goto nomem;
		}
	}
	pos->v = calloc(cap, sizeof(*pos->v));
	if (!pos->v)
		goto nomem;
	/* defaults first, as if given before argv (a default that fails is a table bug) */
	for (struct cli_opt *o = spec->opts; o && o->name; o++) {
		char shown[128];
		snprintf(shown, sizeof(shown), "--%s", o->name);
		if (o->def && o->type != CLI_FLAG && set_value(spec, o, shown, o->def, err)) {
			err->code = EX_SOFTWARE_;
			goto fail;
		}
	}
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			pos->v[pos->nr++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (is_help(a))
			return CLI_PARSE_HELP;
		if (parse_option(spec, argc, argv, &i, err))
			goto fail;
	}
	if (pos->nr < spec->nr_pos_min) {
		sim_error_set(err, EX_USAGE_, "mmsim %s: missing %s", spec->name, spec->synopsis);
		goto fail;
	}
	if (spec->nr_pos_max && pos->nr > spec->nr_pos_max) {
		sim_error_set(err, EX_USAGE_, "mmsim %s: unexpected argument '%s' (takes %s)", spec->name,
			      pos->v[spec->nr_pos_max], spec->synopsis);
		goto fail;
	}
	return CLI_PARSE_OK;
nomem:
	sim_error_set(err, EX_SOFTWARE_, "out of memory");
fail:
	cli_free(spec, pos);
	return CLI_PARSE_ERROR;
}

/* "  -o, --output DIR" into buf; its width. */
static int opt_label(const struct cli_opt *o, char *buf, size_t n)
{
	char sh[8] = "    ";
	if (o->short_name)
		snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
	bool has_val = o->type != CLI_FLAG;
	return snprintf(buf, n, "  %s--%s%s%s", sh, o->name, has_val ? " " : "",
			has_val ? (o->metavar ? o->metavar : "VALUE") : "");
}

void cli_help(const struct cli_spec *spec, FILE *fp)
{
	static const struct cli_opt help = { .name = "help", .short_name = 'h', .type = CLI_FLAG,
					     .help = "this help" };
	int width = 0;
	char label[256];
	for (const struct cli_opt *o = spec->opts; o && o->name; o++)
		width = MAX(width, opt_label(o, label, sizeof(label)));
	width = MAX(width, opt_label(&help, label, sizeof(label))) + 2;
	fprintf(fp, "usage: mmsim %s%s%s [OPTIONS]\n", spec->name, spec->synopsis[0] ? " " : "",
		spec->synopsis);
	if (spec->about)
		fprintf(fp, "\n%s", spec->about);
	fprintf(fp, "\noptions:\n");
	for (const struct cli_opt *o = spec->opts;; o++) {
		bool last = !o || !o->name;
		const struct cli_opt *p = last ? &help : o;
		int w = opt_label(p, label, sizeof(label));
		fprintf(fp, "%s%*s", label, width - w, "");
		for (const char *h = p->help; h && *h;) {
			const char *nl = strchr(h, '\n');
			size_t len = nl ? (size_t)(nl - h) : strlen(h);
			fprintf(fp, "%.*s", (int)len, h);
			if (!nl)
				break;
			fprintf(fp, "\n%*s", width, "");
			h = nl + 1;
		}
		if (p->type == CLI_LIST)
			fprintf(fp, " (repeatable)");
		if (p->def)
			fprintf(fp, " (default: %s)", p->def);
		if (p->type == CLI_U64 && (p->min || p->max))
			fprintf(fp, " [%llu..%llu]", (unsigned long long)p->min,
				(unsigned long long)opt_max(p));
		if (p->type == CLI_CHOICE) {
			fprintf(fp, " {");
			for (int i = 0; p->choices[i]; i++)
				fprintf(fp, "%s%s", i ? "|" : "", p->choices[i]);
			fprintf(fp, "}");
		}
		fputc('\n', fp);
		if (last)
			break;
	}
	if (spec->epilog)
		fprintf(fp, "\n%s", spec->epilog);
}

int cli_parse_or_exit(struct cli_spec *spec, int argc, char **argv, struct cli_args *pos)
{
	struct sim_error err = { 0 };
	switch (cli_parse(spec, argc, argv, pos, &err)) {
	case CLI_PARSE_OK:
		return -1;
	case CLI_PARSE_HELP:
		cli_help(spec, stdout);
		cli_free(spec, pos);
		return EX_OK_;
	case CLI_PARSE_ERROR:
		break;
	}
	fprintf(stderr, "%s\n", err.msg);
	if (err.code == EX_USAGE_)
		fprintf(stderr, "(mmsim %s --help lists the options)\n", spec->name);
	return err.code ? err.code : EX_SOFTWARE_;
}
