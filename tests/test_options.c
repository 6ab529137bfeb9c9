/* The subcommand option parser (cli/opts.c): every spelling of an option gives the same
 * values, every error is EX_USAGE_ naming the option, the help lists every option. */
#include "cli/opts.h"

#include "testlib.h"

/* One table with every argument type, as a subcommand would declare it. */
struct fixture {
	const char *out, *name;
	struct cli_list sets;
	uint64_t seed, jobs, check;
	bool list;
	int format;
	struct cli_opt opts[8];
	struct cli_spec spec;
	struct cli_args pos;
	struct sim_error err;
};

static const char *const formats[] = { "text", "markdown", "html", NULL };

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &f->out, "DIR", "output directory" },
		{ "set", 0, CLI_LIST, &f->sets, "KEY=VALUE", "override a key" },
		{ "seed", 0, CLI_U64, &f->seed, "N", "run seed" },
		{ "jobs", 'j', CLI_U64, &f->jobs, "N", "units at once", .min = 1, .max = 4096 },
		{ "check", 0, CLI_U64, &f->check, "N", "check every N records", .def = "0", .max = 1000 },
		{ "list", 0, CLI_FLAG, &f->list, NULL, "list and exit" },
		{ "format", 0, CLI_CHOICE, &f->format, "FORMAT", "table format", .def = "markdown",
		  .choices = formats },
		{ 0 },
	};
	memcpy(f->opts, opts, sizeof(opts));
	f->spec = (struct cli_spec){ .name = "t", .synopsis = "IN...", .nr_pos_min = 1, .nr_pos_max = 3,
				     .opts = f->opts };
}

/* Parse the NULL-terminated argument list (argv[0] "t" is added). */
static int parse(struct fixture *f, const char *const *args)
{
	char *argv[32] = { "t" };
	int argc = 1;
	for (; args[argc - 1]; argc++)
		argv[argc] = (char *)args[argc - 1];
	return cli_parse(&f->spec, argc, argv, &f->pos, &f->err);
}

static void test_spellings(void)
{
	struct fixture a, b;
	fixture_init(&a);
	fixture_init(&b);
	const char *sep[] = { "in1", "-o", "D", "--set", "k=v", "--seed", "7", "-j", "2", "--set",
			      "x.y=1", "in2", "--format", "html", "--list", NULL };
	const char *att[] = { "in1", "-oD", "--set=k=v", "--seed=7", "-j2", "--set=x.y=1", "in2",
			      "--format=html", "--list", NULL };
	CHECK_EQ(parse(&a, sep), CLI_PARSE_OK);
	CHECK_EQ(parse(&b, att), CLI_PARSE_OK);
	struct fixture *fs[] = { &a, &b };
	for (int i = 0; i < 2; i++) {
		struct fixture *f = fs[i];
		CHECK_STR(f->out, "D");
		CHECK_EQ(f->sets.nr, 2);
		CHECK_STR(f->sets.v[0], "k=v");
		CHECK_STR(f->sets.v[1], "x.y=1");
		CHECK(f->sets.v[2] == NULL);
		CHECK_EQ(f->seed, 7);
		CHECK_EQ(f->jobs, 2);
		CHECK_EQ(f->format, 2);
		CHECK(f->list);
		CHECK_EQ(f->pos.nr, 2);
		CHECK_STR(f->pos.v[0], "in1");
		CHECK_STR(f->pos.v[1], "in2");
		CHECK_EQ(cli_seen(&f->spec, "seed"), 1);
		CHECK_EQ(cli_seen(&f->spec, "set"), 2);
		CHECK_EQ(cli_seen(&f->spec, "check"), 0);
		cli_free(&f->spec, &f->pos);
	}
	/* --long=value keeps everything after the first '=' */
	fixture_init(&a);
	const char *eq[] = { "--output=a=b", "x", NULL };
	CHECK_EQ(parse(&a, eq), CLI_PARSE_OK);
	CHECK_STR(a.out, "a=b");
	cli_free(&a.spec, &a.pos);
}

static void test_defaults(void)
{
	struct fixture f;
	fixture_init(&f);
	const char *args[] = { "in", NULL };
	CHECK_EQ(parse(&f, args), CLI_PARSE_OK);
	CHECK_EQ(f.format, 1); /* "markdown" */
	CHECK_EQ(f.check, 0);
	CHECK(f.out == NULL);
	CHECK_EQ(f.sets.nr, 0);
	CHECK(!f.list);
	cli_free(&f.spec, &f.pos);
	/* given values override defaults; the last one of a single option wins */
	fixture_init(&f);
	const char *twice[] = { "in", "--check", "5", "--check=9", "--format", "text", NULL };
	CHECK_EQ(parse(&f, twice), CLI_PARSE_OK);
	CHECK_EQ(f.check, 9);
	CHECK_EQ(f.format, 0);
	CHECK_EQ(cli_seen(&f.spec, "check"), 2);
	cli_free(&f.spec, &f.pos);
}

static void test_positionals(void)
{
	struct fixture f;
	fixture_init(&f);
	/* "-" is a positional (stdin); after "--" everything is */
	const char *args[] = { "-", "--", "-o", "--seed", NULL };
	CHECK_EQ(parse(&f, args), CLI_PARSE_OK);
	CHECK_EQ(f.pos.nr, 3);
	CHECK_STR(f.pos.v[0], "-");
	CHECK_STR(f.pos.v[1], "-o");
	CHECK_STR(f.pos.v[2], "--seed");
	CHECK(f.out == NULL);
	cli_free(&f.spec, &f.pos);
	/* a value is taken verbatim even when it starts with '-' */
	fixture_init(&f);
	const char *dash[] = { "in", "-o", "-x", NULL };
	CHECK_EQ(parse(&f, dash), CLI_PARSE_OK);
	CHECK_STR(f.out, "-x");
	cli_free(&f.spec, &f.pos);
}

/* args must fail with EX_USAGE_ and a message holding want. */
static void expect_error(const char *const *args, const char *want)
{
	struct fixture f;
	fixture_init(&f);
	CHECK_EQ(parse(&f, args), CLI_PARSE_ERROR);
	CHECK_EQ(f.err.code, EX_USAGE_);
	if (!strstr(f.err.msg, want)) {
		CHECK(!"error message names the option");
		fprintf(stderr, "  message '%s' lacks '%s'\n", f.err.msg, want);
	}
	CHECK(f.pos.v == NULL && f.sets.v == NULL); /* nothing left to free */
}

static void test_errors(void)
{
	expect_error((const char *[]){ "in", "--bogus", NULL }, "'--bogus'");
	expect_error((const char *[]){ "in", "--bogus=1", NULL }, "'--bogus=1'");
	expect_error((const char *[]){ "in", "-x", NULL }, "'-x'");
	expect_error((const char *[]){ "in", "-listx", NULL }, "'-listx'");
	expect_error((const char *[]){ "in", "--seed", NULL }, "--seed needs a value");
	expect_error((const char *[]){ "in", "-o", NULL }, "-o needs a value");
	expect_error((const char *[]){ "in", "--seed", "12x", NULL }, "--seed");
	expect_error((const char *[]){ "in", "--seed=-1", NULL }, "'-1'");
	expect_error((const char *[]){ "in", "--seed", "", NULL }, "--seed");
	expect_error((const char *[]){ "in", "--seed", "0x10", NULL }, "'0x10'");
	expect_error((const char *[]){ "in", "--seed", " 1", NULL }, "' 1'");
	/* 2^64: one past UINT64_MAX */
	expect_error((const char *[]){ "in", "--seed", "18446744073709551616", NULL }, "18446744073709551616");
	expect_error((const char *[]){ "in", "-j0", NULL }, "-j wants a decimal number 1..4096, not '0'");
	expect_error((const char *[]){ "in", "-j", "4097", NULL }, "'4097'");
	expect_error((const char *[]){ "in", "--check=1001", NULL }, "--check");
	expect_error((const char *[]){ "in", "--format", "pdf", NULL }, "text, markdown, html");
	expect_error((const char *[]){ "in", "--list=yes", NULL }, "--list takes no value");
	expect_error((const char *[]){ NULL }, "missing IN...");
	expect_error((const char *[]){ "a", "b", "c", "d", NULL }, "'d'");
}

static void test_u64(void)
{
	uint64_t v = 1;
	CHECK_EQ(cli_parse_u64("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(cli_parse_u64("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(cli_parse_u64("18446744073709551616", &v), -1);
	CHECK_EQ(cli_parse_u64("99999999999999999999", &v), -1);
	CHECK_EQ(cli_parse_u64("+1", &v), -1);
	CHECK_EQ(cli_parse_u64("1e3", &v), -1);
	CHECK_EQ(cli_parse_u64("", &v), -1);
}

static void test_help(void)
{
	struct fixture f;
	fixture_init(&f);
	const char *args[] = { "in", "--help", "--bogus", NULL };
	CHECK_EQ(parse(&f, args), CLI_PARSE_HELP);
	cli_free(&f.spec, &f.pos);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	cli_help(&f.spec, fp);
	fclose(fp);
	CHECK(!strncmp(buf, "usage: mmsim t IN... [OPTIONS]\n", 31));
	for (struct cli_opt *o = f.opts; o->name; o++) {
		char want[64];
		snprintf(want, sizeof(want), "--%s", o->name);
		if (!strstr(buf, want))
			CHECK(!"help lists every option");
	}
	CHECK(strstr(buf, "  -o, --output DIR ") != NULL);
	CHECK(strstr(buf, "  -j, --jobs N ") != NULL);
	CHECK(strstr(buf, "      --list ") != NULL);
	CHECK(strstr(buf, "  -h, --help ") != NULL);
	CHECK(strstr(buf, "(default: markdown) {text|markdown|html}") != NULL);
	CHECK(strstr(buf, "[1..4096]") != NULL);
	CHECK(strstr(buf, "(repeatable)") != NULL);
	free(buf);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_spellings);
	RUN(test_defaults);
	RUN(test_positionals);
	RUN(test_errors);
	RUN(test_u64);
	RUN(test_help);
	return TEST_END();
}
