/* test_jsonw.c — sim/lib/jsonw: layout, escaping and number text, by exact bytes. */
#include "lib/jsonw.h"
#include "testlib.h"

/* Run fn on a memory stream and return what it wrote (caller frees). */
static char *capture(void (*fn)(struct jsonw *w), int indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct jsonw w;
	jsonw_init(&w, fp, indent);
	fn(&w);
	fclose(fp);
	return buf;
}

static void layout_doc(struct jsonw *w)
{
	jsonw_object(w);
	jsonw_key(w, "seed");
	jsonw_u64(w, 42);
	jsonw_key(w, "empty");
	jsonw_object(w);
	jsonw_end(w);
	jsonw_key(w, "none");
	jsonw_array(w);
	jsonw_end(w);
	jsonw_key(w, "lat");
	jsonw_object_inline(w);
	jsonw_key(w, "count");
	jsonw_u64(w, 4);
	jsonw_key(w, "mean_ns");
	jsonw_printf(w, "%.3f", 5.5);
	jsonw_end(w);
	jsonw_key(w, "list");
	jsonw_array(w);
	jsonw_object(w);
	jsonw_key(w, "on");
	jsonw_bool(w, true);
	jsonw_end(w);
	jsonw_null(w);
	jsonw_end(w);
	jsonw_end(w);
}

static void test_layout(void)
{
	char *s = capture(layout_doc, 0);
	CHECK_STR(s, "{\n"
		     "  \"seed\": 42,\n"
		     "  \"empty\": {},\n"
		     "  \"none\": [],\n"
		     "  \"lat\": {\"count\": 4, \"mean_ns\": 5.500},\n"
		     "  \"list\": [\n"
		     "    {\n"
		     "      \"on\": true\n"
		     "    },\n"
		     "    null\n"
		     "  ]\n"
		     "}");
	free(s);
	/* a nested document starts mid-line: members two deeper than the given indent */
	s = capture(layout_doc, 2);
	CHECK(!strncmp(s, "{\n    \"seed\": 42,\n", 18));
	CHECK(!strcmp(s + strlen(s) - 4, "\n  }"));
	free(s);
}

static void external_doc(struct jsonw *w)
{
	jsonw_object(w);
	jsonw_key(w, "inner");
	int indent;
	FILE *fp = jsonw_external(w, &indent);
	fprintf(fp, "{\"indent\": %d}", indent);
	jsonw_key(w, "after");
	jsonw_u64(w, 1);
	jsonw_end(w);
}

static void test_external(void)
{
	char *s = capture(external_doc, 0);
	CHECK_STR(s, "{\n  \"inner\": {\"indent\": 2},\n  \"after\": 1\n}");
	free(s);
}

static void strings_doc(struct jsonw *w)
{
	jsonw_array(w);
	jsonw_string(w, "a\"b\\c\td\ne\rf\x01g\x7f");
	/* NEL, LS and a BOM escaped; é raw; a stray byte and a truncated sequence U+FFFD */
	jsonw_string(w, "\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xc3\xa9\xff\xc3");
	/* an overlong '/' and a UTF-16 surrogate are not UTF-8 */
	jsonw_string(w, "\xc0\xaf\xed\xa0\x80");
	jsonw_end(w);
}

static void test_strings(void)
{
	char *s = capture(strings_doc, 0);
	CHECK_STR(s, "[\n"
		     "  \"a\\\"b\\\\c\\td\\ne\\rf\\u0001g\\u007f\",\n"
		     "  \"\\u0085\\u2028\\ufeff\xc3\xa9\\ufffd\\ufffd\",\n"
		     "  \"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"\n"
		     "]");
	free(s);
}

static void numbers_doc(struct jsonw *w)
{
	static const char *const in[] = { "27", "0.5", "-3e2", "+5", "007", "1.", " 12", "0x10",
					  "inf", "1e999", "", "5 apples" };
	jsonw_object_inline(w);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		jsonw_key(w, in[i]);
		jsonw_number_text(w, in[i]);
	}
	jsonw_end(w);
}

static void test_number_text(void)
{
	char *s = capture(numbers_doc, 0);
	CHECK_STR(s, "{\"27\": 27, \"0.5\": 0.5, \"-3e2\": -3e2, \"+5\": 5, \"007\": 7, \"1.\": 1, "
		     "\" 12\": 12, \"0x10\": \"0x10\", \"inf\": \"inf\", \"1e999\": \"1e999\", "
		     "\"\": \"\", \"5 apples\": \"5 apples\"}");
	free(s);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_layout);
	RUN(test_external);
	RUN(test_strings);
	RUN(test_number_text);
	return TEST_END();
}
