/* test_golden.c — whole runs against checked-in outputs.  Each case under tests/data/golden/
 * holds a config.yaml (a small machine and a fixed trace); `mmsim run` writes its run
 * directory and every file in it (buddyinfo, pagetypeinfo, vmstat, zoneinfo, summary.json,
 * timeseries.tsv, latency.tsv, snapshots/) must equal expected/<same path>, and the list of
 * files must equal expected/FILES.  Host-dependent text is normalized first: the source
 * tree and output paths become @SRCDIR@ and @OUT@, and summary.json's mmsim_version line is
 * dropped.  After a reviewed change in behaviour: test_golden --update (or MMSIM_UPDATE=1
 * meson test golden) rewrites expected/ (tests/README.md).
 */
#include "testlib.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Every case and what it exercises (the comment in each config.yaml says more). */
static const char *const golden_cases[] = {
	"example-migrate_cma", /* every record kind; cma_alloc/release under migrate_cma */
	"camera-burst",        /* cma_alloc migrating movable pages out of a migrate_cma area */
	"manual-compact",      /* whole-node compaction of a fragmented zone */
	"reclaim-swap",        /* kswapd and direct reclaim, swap-out and refault, sticky_movable */
};

/* A growing string. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* TEXT with every SRCDIR and OUT replaced by @SRCDIR@ / @OUT@, and the mmsim_version line
 * dropped (it changes with every release, not with behaviour).  OUT is checked first: the
 * output directory is never under the source tree, but the reverse order would be wrong
 * if it were. */
static struct buf normalize(const char *text, size_t len, const char *srcdir, const char *out)
{
	struct buf b = { 0 };
	size_t ls = strlen(srcdir), lo = strlen(out);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < len;) {
		if (i == 0 || text[i - 1] == '\n') {
			const char *nl = memchr(text + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - text) + 1 : len;
			static const char version[] = "\"mmsim_version\":";
			const char *v = memmem(text + i, e - i, version, sizeof(version) - 1);
			if (v) {
				i = e;
				continue;
			}
		}
		if (lo && len - i >= lo && !memcmp(text + i, out, lo)) {
			buf_add(&b, "@OUT@", 5);
			i += lo;
		} else if (ls && len - i >= ls && !memcmp(text + i, srcdir, ls)) {
			buf_add(&b, "@SRCDIR@", 8);
			i += ls;
		} else {
			buf_add(&b, text + i, 1);
			i++;
		}
	}
	return b;
}

/* Append every regular file under DIR/REL (REL "" for DIR itself), sorted, to FILES as
 * "relative/path\n". */
static void list_files(const char *dir, const char *rel, struct buf *files)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		CHECK(!"run directory readable");
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (strcmp(name, ".") && strcmp(name, "..")) {
			char sub[4096], full[8192];
			snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
			snprintf(full, sizeof(full), "%s/%s", dir, sub);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
				list_files(dir, sub, files);
			} else {
				buf_add(files, sub, strlen(sub));
				buf_add(files, "\n", 1);
			}
		}
		free(ents[i]);
	}
	free(ents);
}

static void run_case(const char *name)
{
	const char *mmsim = getenv("MMSIM");
	const char *src = tl_srcdir();
	char out[4096], log[4200], cmd[16384], rel[4400];
	snprintf(out, sizeof(out), "%s/%s", tl_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", out);
	snprintf(cmd, sizeof(cmd), "'%s' run '%s/tests/data/golden/%s/config.yaml' -o '%s' >'%s' 2>&1",
		 mmsim, src, name, out, log);
	int st = system(cmd);
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!tl_check(rc == 0, __FILE__, __LINE__, "%s: mmsim run exited %d", name, rc)) {
		char *text = tl_read_file(log, NULL);
		fprintf(stderr, "%s\n", text ? text : "(no output)");
		free(text);
		return;
	}
	struct buf files = { 0 };
	buf_add(&files, "", 0);
	list_files(out, "", &files);
	snprintf(rel, sizeof(rel), "golden/%s/expected/FILES", name);
	tl_golden(rel, files.p, files.len);
	for (char *f = files.p, *nl; (nl = strchr(f, '\n')); f = nl + 1) {
		*nl = '\0';
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", out, f);
		size_t len;
		char *text = tl_read_file(path, &len);
		CHECK(text != NULL);
		if (text) {
			struct buf norm = normalize(text, len, src, out);
			snprintf(rel, sizeof(rel), "golden/%s/expected/%s", name, f);
			tl_golden(rel, norm.p, norm.len);
			free(norm.p);
		}
		free(text);
	}
	free(files.p);
}

static void test_example_migrate_cma(void) { run_case(golden_cases[0]); }
static void test_camera_burst(void) { run_case(golden_cases[1]); }
static void test_manual_compact(void) { run_case(golden_cases[2]); }
static void test_reclaim_swap(void) { run_case(golden_cases[3]); }

/* The normalizer itself, on hand-made text. */
static void test_normalize(void)
{
	const char text[] = "{\n  \"mmsim_version\": \"9.9\",\n  \"trace\": \"/s/rc/t.mmt\",\n"
			    "  \"dir\": \"/o/x/s\",\n}\n";
	struct buf b = normalize(text, sizeof(text) - 1, "/s/rc", "/o/x");
	CHECK_STR(b.p, "{\n  \"trace\": \"@SRCDIR@/t.mmt\",\n  \"dir\": \"@OUT@/s\",\n}\n");
	free(b.p);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	RUN(test_normalize);
	if (!getenv("MMSIM"))
		tl_skip("MMSIM (the built mmsim binary) not set");
	RUN(test_example_migrate_cma);
	RUN(test_camera_burst);
	RUN(test_manual_compact);
	RUN(test_reclaim_swap);
	return TEST_END();
}
