/* /proc writers: layout and arithmetic.
 *
 * (1) Format: one small parser per file reads a file, re-prints every field with the
 *     kernel's column rules (model.md §8.1–8.4) and demands the same bytes back.  It is
 *     first run on the real 6.18 captures in tests/data/real/compile-thp/ (so the parser
 *     is known to encode the kernel's layout), then on our output.  Key order is checked
 *     against the real files too.
 * (2) Arithmetic: the live machine of model.md §3.1 (DMA 3840, DMA32 772915, Normal
 *     5394266 pages, min_free_kbytes 67584, 2 CPUs) must print the figures derived by hand
 *     below — which are also the figures the real before.zoneinfo shows.
 */
#include "mmtest.h"
#include "mmtest_engine.h"
#include "testlib.h"

#include <ctype.h>

/* ---- small text helpers ---------------------------------------------------------- */

struct lines {
	char **v;
	size_t n;
	char *buf;
};

/* Split at '\n'; a text that does not end in '\n' gets a flagged last line. */
static bool split_lines(const char *text, struct lines *l)
{
	size_t len = strlen(text);
	l->buf = malloc(len + 1);
	memcpy(l->buf, text, len + 1);
	l->v = malloc((len + 1) * sizeof(char *));
	l->n = 0;
	char *p = l->buf;
	while (*p) {
		l->v[l->n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			return false;
		*nl = '\0';
		p = nl + 1;
	}
	return true;
}

static void free_lines(struct lines *l)
{
	free(l->v);
	free(l->buf);
}

static char *real_file(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/data/real/compile-thp/%s", tl_srcdir(), name);
	return tl_read_file(path, NULL);
}

/* Report a line that does not re-print identically. */
static bool same_line(const char *what, size_t lineno, const char *got, const char *want)
{
	if (!strcmp(got, want))
		return true;
	fprintf(stderr, "%s:%zu: layout differs\n  file:   [%s]\n  kernel: [%s]\n", what, lineno + 1, got, want);
	return false;
}

/* ---- buddyinfo (§8.1): "Node %d, zone %8s " then "%6lu " per order ---------------------- */

struct buddy_row {
	char zone[16];
	unsigned long nr[NR_PAGE_ORDERS];
};

static int parse_buddyinfo(const char *what, const char *text, struct buddy_row *rows, int max_rows)
{
	struct lines l;
	if (!split_lines(text, &l))
		return -1;
	int n = 0;
	for (size_t i = 0; i < l.n && n < max_rows; i++) {
		struct buddy_row *r = &rows[n];
		int node, off = 0;
		if (sscanf(l.v[i], "Node %d, zone %15s%n", &node, r->zone, &off) != 2) {
			n = -1;
			break;
		}
		char want[512];
		int w = snprintf(want, sizeof(want), "Node %d, zone %8s ", node, r->zone);
		const char *p = l.v[i] + off;
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			char *end;
			r->nr[o] = strtoul(p, &end, 10);
			p = end;
			w += snprintf(want + w, sizeof(want) - (size_t)w, "%6lu ", r->nr[o]);
		}
		if (!same_line(what, i, l.v[i], want)) {
			n = -1;
			break;
		}
		n++;
	}
	free_lines(&l);
	return n;
}

/* ---- pagetypeinfo (§8.2) --------------------------------------------------------------- */

struct pti {
	unsigned block_order, block_pages;
	int nr_free_rows;
	struct {
		char zone[16], type[16];
		unsigned long nr[NR_PAGE_ORDERS];
	} free_rows[64];
	int nr_types;
	char types[NR_MIGRATETYPES + 2][32];
	int nr_block_rows;
	struct {
		char zone[16];
		unsigned long nr[NR_MIGRATETYPES + 2];
	} block_rows[8];
};

static bool parse_pagetypeinfo(const char *what, const char *text, struct pti *t)
{
	struct lines l;
	if (!split_lines(text, &l))
		return false;
	memset(t, 0, sizeof(*t));
	bool ok = l.n > 5;
	size_t i = 0;
	char want[1024];
	if (ok && sscanf(l.v[0], "Page block order: %u", &t->block_order) == 1) {
		snprintf(want, sizeof(want), "Page block order: %u", t->block_order);
		ok = same_line(what, 0, l.v[0], want);
	} else {
		ok = false;
	}
	if (ok && sscanf(l.v[1], "Pages per block: %u", &t->block_pages) == 1) {
		snprintf(want, sizeof(want), "Pages per block:  %u", t->block_pages);
		ok = same_line(what, 1, l.v[1], want);
	} else {
		ok = false;
	}
	ok = ok && same_line(what, 2, l.v[2], "");
	if (ok) {
		/* header: %-43s then "%6d " per order (43 + 1 columns before the first order) */
		int w = snprintf(want, sizeof(want), "%-43s ", "Free pages count per migrate type at order");
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			w += snprintf(want + w, sizeof(want) - (size_t)w, "%6d ", o);
		ok = same_line(what, 3, l.v[3], want);
	}
	for (i = 4; ok && i < l.n && l.v[i][0]; i++) {
		int node, off = 0;
		char *zone = t->free_rows[t->nr_free_rows].zone, *type = t->free_rows[t->nr_free_rows].type;
		if (t->nr_free_rows >= 64 ||
		    sscanf(l.v[i], "Node %d, zone %15[^,], type %15s%n", &node, zone, type, &off) != 3) {
			ok = false;
			break;
		}
		char *z = zone; /* "%8s" right-aligns: drop the leading blanks sscanf kept */
		while (*z == ' ')
			z++;
		memmove(zone, z, strlen(z) + 1);
		int w = snprintf(want, sizeof(want), "Node %4d, zone %8s, type %12s ", node, zone, type);
		const char *p = l.v[i] + off;
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			while (*p == ' ')
				p++;
			bool capped = *p == '>';
			char *end;
			unsigned long v = strtoul(p + capped, &end, 10);
			p = end;
			t->free_rows[t->nr_free_rows].nr[o] = v;
			w += snprintf(want + w, sizeof(want) - (size_t)w, capped ? ">%6lu " : "%6lu ", v);
		}
		ok = same_line(what, i, l.v[i], want);
		t->nr_free_rows++;
	}
	ok = ok && i + 1 < l.n && same_line(what, i, l.v[i], "");
	i++;
	if (ok) {
		/* block-count header: "%-23s" of "Number of blocks type " then "%12s " per type */
		const char *p = l.v[i] + 23;
		int w = snprintf(want, sizeof(want), "%-23s", "Number of blocks type ");
		char name[32];
		int off;
		while (t->nr_types < NR_MIGRATETYPES + 2 && sscanf(p, "%31s%n", name, &off) == 1) {
			snprintf(t->types[t->nr_types++], sizeof(t->types[0]), "%s", name);
			w += snprintf(want + w, sizeof(want) - (size_t)w, "%12s ", name);
			p += off;
		}
		ok = same_line(what, i, l.v[i], want);
	}
	for (i++; ok && i < l.n; i++) {
		int node, off = 0;
		char *zone = t->block_rows[t->nr_block_rows].zone;
		if (t->nr_block_rows >= 8 || sscanf(l.v[i], "Node %d, zone %15s%n", &node, zone, &off) != 2) {
			ok = false;
			break;
		}
		int w = snprintf(want, sizeof(want), "Node %d, zone %8s ", node, zone);
		const char *p = l.v[i] + off;
		for (int k = 0; k < t->nr_types; k++) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);
			p = end;
			t->block_rows[t->nr_block_rows].nr[k] = v;
			w += snprintf(want + w, sizeof(want) - (size_t)w, "%12lu ", v);
		}
		ok = same_line(what, i, l.v[i], want);
		t->nr_block_rows++;
	}
	free_lines(&l);
	return ok;
}

/* ---- zoneinfo (§8.3) ----------------------------------------------------------------- */

#define ZI_MAX_CPUS 8
#define ZI_MAX_NAMES 96

struct zi_zone {
	char name[16];
	bool populated;
	unsigned long wm[10]; /* free boost min low high promo spanned present managed cma */
	long protection[MAX_NR_ZONES + 2];
	int nr_protection;
	int nr_cpus;
	unsigned long cpu[ZI_MAX_CPUS][6]; /* count high batch high_min high_max threshold */
	unsigned long node_unreclaimable, start_pfn;
	unsigned long nr_free_pages_stat;
};
enum { ZI_FREE, ZI_BOOST, ZI_MIN, ZI_LOW, ZI_HIGH, ZI_PROMO, ZI_SPANNED, ZI_PRESENT, ZI_MANAGED, ZI_CMA };

struct zoneinfo {
	int nr_zones;
	struct zi_zone zone[8];
	int first_with_node_stats;
	int nr_node_stats, nr_zone_stats;
	char node_stats[ZI_MAX_NAMES][48];
	char zone_stats[ZI_MAX_NAMES][48];
};

/* "      %-12s %lu": returns the name (into name) or false. */
static bool stat_line(const char *what, size_t i, const char *line, char *name, unsigned long *v)
{
	char want[256];
	if (strncmp(line, "      ", 6) || line[6] == ' ' || sscanf(line, "%47s %lu", name, v) != 2)
		return false;
	snprintf(want, sizeof(want), "      %-12s %lu", name, *v);
	return same_line(what, i, line, want);
}

/* "<prefix>%lu" exactly. */
static bool num_line(const char *what, size_t i, const char *line, const char *prefix, unsigned long *v)
{
	char want[256];
	size_t n = strlen(prefix);
	if (strncmp(line, prefix, n) || !isdigit((unsigned char)line[n]))
		return same_line(what, i, line, prefix);
	*v = strtoul(line + n, NULL, 10);
	snprintf(want, sizeof(want), "%s%lu", prefix, *v);
	return same_line(what, i, line, want);
}

static bool parse_zoneinfo(const char *what, const char *text, struct zoneinfo *zi)
{
	static const char *const wm_names[] = { "boost", "min", "low", "high", "promo",
						"spanned", "present", "managed", "cma" };
	static const char *const cpu_names[] = { "count:", "high:", "batch:", "high_min:", "high_max:" };
	struct lines l;
	if (!split_lines(text, &l))
		return false;
	memset(zi, 0, sizeof(*zi));
	zi->first_with_node_stats = -1;
	bool ok = true;
	char want[256], name[48];
	size_t i = 0;
	while (ok && i < l.n && zi->nr_zones < 8) {
		struct zi_zone *z = &zi->zone[zi->nr_zones];
		int node;
		if (sscanf(l.v[i], "Node %d, zone %15s", &node, z->name) != 2) {
			ok = same_line(what, i, l.v[i], "Node N, zone NAME");
			break;
		}
		snprintf(want, sizeof(want), "Node %d, zone %8s", node, z->name);
		ok = same_line(what, i, l.v[i], want);
		i++;
		if (ok && i < l.n && !strcmp(l.v[i], "  per-node stats")) {
			if (zi->first_with_node_stats < 0)
				zi->first_with_node_stats = zi->nr_zones;
			else
				ok = false; /* only once per node */
			unsigned long v;
			for (i++; ok && i < l.n && stat_line(what, i, l.v[i], name, &v); i++)
				if (zi->nr_node_stats < ZI_MAX_NAMES)
					snprintf(zi->node_stats[zi->nr_node_stats++], 48, "%s", name);
		}
		ok = ok && i < l.n && num_line(what, i, l.v[i], "  pages free     ", &z->wm[ZI_FREE]);
		i++;
		for (int k = 0; ok && k < 9; k++, i++) {
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "        %-8s ", wm_names[k]);
			ok = i < l.n && num_line(what, i, l.v[i], prefix, &z->wm[ZI_BOOST + k]);
		}
		if (ok && i < l.n && !strncmp(l.v[i], "        protection: (", 21)) {
			const char *p = l.v[i] + 21;
			int w = snprintf(want, sizeof(want), "        protection: (");
			while (z->nr_protection < MAX_NR_ZONES + 2) {
				char *end;
				z->protection[z->nr_protection] = strtol(p, &end, 10);
				w += snprintf(want + w, sizeof(want) - (size_t)w, "%s%ld", z->nr_protection ? ", " : "",
					      z->protection[z->nr_protection]);
				z->nr_protection++;
				p = end;
				if (strncmp(p, ", ", 2))
					break;
				p += 2;
			}
			snprintf(want + w, sizeof(want) - (size_t)w, ")");
			ok = same_line(what, i, l.v[i], want);
			i++;
		} else {
			ok = false;
		}
		zi->nr_zones++;
		if (!ok || i >= l.n || !strncmp(l.v[i], "Node ", 5))
			continue; /* an unpopulated zone ends at protection */
		z->populated = true;
		bool first_zone_stats = zi->nr_zone_stats == 0;
		unsigned long v;
		for (; ok && i < l.n && stat_line(what, i, l.v[i], name, &v); i++) {
			if (first_zone_stats && zi->nr_zone_stats < ZI_MAX_NAMES)
				snprintf(zi->zone_stats[zi->nr_zone_stats++], 48, "%s", name);
			if (!strcmp(name, "nr_free_pages"))
				z->nr_free_pages_stat = v;
		}
		ok = ok && i < l.n && same_line(what, i, l.v[i], "  pagesets");
		for (i++; ok && i < l.n && !strncmp(l.v[i], "    cpu: ", 9); z->nr_cpus++) {
			unsigned long cpu;
			ok = num_line(what, i, l.v[i], "    cpu: ", &cpu) && cpu == (unsigned long)z->nr_cpus &&
			     z->nr_cpus < ZI_MAX_CPUS;
			i++;
			for (int k = 0; ok && k < 5; k++, i++) {
				char prefix[48];
				snprintf(prefix, sizeof(prefix), "              %-9s ", cpu_names[k]);
				ok = i < l.n && num_line(what, i, l.v[i], prefix, &z->cpu[z->nr_cpus][k]);
			}
			ok = ok && i < l.n && num_line(what, i, l.v[i], "  vm stats threshold: ", &z->cpu[z->nr_cpus][5]);
			i++;
		}
		ok = ok && i < l.n && num_line(what, i, l.v[i], "  node_unreclaimable:  ", &z->node_unreclaimable);
		i++;
		ok = ok && i < l.n && num_line(what, i, l.v[i], "  start_pfn:           ", &z->start_pfn);
		i++;
	}
	ok = ok && i == l.n;
	free_lines(&l);
	return ok;
}

/* ---- vmstat (§8.4): "name value" ------------------------------------------------------- */

struct vmstat {
	int n;
	char name[256][48];
	unsigned long value[256];
};

static bool parse_vmstat(const char *what, const char *text, struct vmstat *vs)
{
	struct lines l;
	if (!split_lines(text, &l))
		return false;
	bool ok = true;
	vs->n = 0;
	for (size_t i = 0; ok && i < l.n && vs->n < 256; i++) {
		char want[128];
		ok = sscanf(l.v[i], "%47s %lu", vs->name[vs->n], &vs->value[vs->n]) == 2;
		if (ok) {
			snprintf(want, sizeof(want), "%s %lu", vs->name[vs->n], vs->value[vs->n]);
			ok = same_line(what, i, l.v[i], want);
		}
		vs->n++;
	}
	free_lines(&l);
	return ok;
}

static int name_index(char names[][48], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* Every name of ours appears in the real list, and in the same relative order. */
static bool same_order(char ours[][48], int n_ours, char real[][48], int n_real)
{
	int last = -1;
	for (int i = 0; i < n_ours; i++) {
		int k = name_index(real, n_real, ours[i]);
		if (k < 0 || k < last) {
			fprintf(stderr, "%s: %s\n", ours[i], k < 0 ? "not in the real file" : "out of kernel order");
			return false;
		}
		last = k;
	}
	return true;
}

static unsigned long vm_value(const struct vmstat *vs, const char *name)
{
	for (int i = 0; i < vs->n; i++)
		if (!strcmp(vs->name[i], name))
			return vs->value[i];
	return ~0ul;
}

/* ---- the model.md §3.1 machine -------------------------------------------------------- */

static struct config big_cfg;
static struct mm big_mm;
static bool big_ready;

static void big_machine(void)
{
	mmtest_config(&big_cfg, 3840, 772915, 5394266, 67584);
	struct sim_error err;
	if (mmtest_mm_init(&big_mm, &big_cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		exit(1);
	}
	big_ready = true;
}

static struct vmstat real_vm, our_vm;
static struct zoneinfo real_zi, our_zi;

static void test_real_files_parse(void)
{
	char *b = real_file("before.buddyinfo"), *p = real_file("before.pagetypeinfo");
	char *z = real_file("before.zoneinfo"), *v = real_file("before.vmstat");
	if (!b || !p || !z || !v) {
		tl_skip_test("tests/data/real/compile-thp/before.* missing");
		goto out;
	}
	struct buddy_row rows[8];
	CHECK_EQ(parse_buddyinfo("real buddyinfo", b, rows, 8), 3);
	CHECK_STR(rows[2].zone, "Normal");
	static struct pti t;
	CHECK(parse_pagetypeinfo("real pagetypeinfo", p, &t));
	CHECK_EQ(t.block_order, 9);
	CHECK_EQ(t.nr_free_rows, 15); /* 3 zones x 5 types (CONFIG_CMA=n) */
	CHECK_EQ(t.nr_types, 5);
	CHECK_EQ(t.nr_block_rows, 3);
	CHECK(parse_zoneinfo("real zoneinfo", z, &real_zi));
	CHECK_EQ(real_zi.nr_zones, 5);
	CHECK_EQ(real_zi.first_with_node_stats, 0);
	CHECK(real_zi.zone[2].populated && !real_zi.zone[3].populated);
	CHECK_EQ(real_zi.zone[2].nr_cpus, 2);
	CHECK_EQ(real_zi.zone[2].wm[ZI_LOW], 20163);
	CHECK(parse_vmstat("real vmstat", v, &real_vm));
	CHECK(real_vm.n > 100);
out:
	free(b);
	free(p);
	free(z);
	free(v);
}

static void test_format_ours(void)
{
	char *b = mmtest_capture(procfs_write_buddyinfo, &big_mm);
	char *p = mmtest_capture(procfs_write_pagetypeinfo, &big_mm);
	char *z = mmtest_capture(procfs_write_zoneinfo, &big_mm);
	char *v = mmtest_capture(procfs_write_vmstat, &big_mm);
	struct buddy_row rows[8] = { 0 };
	int nr_rows = parse_buddyinfo("our buddyinfo", b, rows, 8);
	CHECK_EQ(nr_rows, 3);
	/* DMA: 3840 pages from pfn 0 = 3 x 1024 + 512 + 256 (maximal aligned blocks). */
	CHECK_EQ(rows[0].nr[10], 3);
	CHECK_EQ(rows[0].nr[9], 1);
	CHECK_EQ(rows[0].nr[8], 1);
	static struct pti t;
	CHECK(parse_pagetypeinfo("our pagetypeinfo", p, &t));
	CHECK_EQ(t.nr_free_rows, 15); /* no CMA: the CONFIG_CMA=n layout, as the real file */
	CHECK_EQ(t.nr_types, 5);
	CHECK_STR(t.types[4], "Isolate");
	/* The per-type free counts add up to buddyinfo, order by order. */
	for (int zr = 0; zr < nr_rows; zr++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long sum = 0;
			for (int r = 0; r < t.nr_free_rows; r++)
				if (!strcmp(t.free_rows[r].zone, rows[zr].zone))
					sum += t.free_rows[r].nr[o];
			CHECK_EQ(sum, rows[zr].nr[o]);
		}
	CHECK(parse_zoneinfo("our zoneinfo", z, &our_zi));
	CHECK(parse_vmstat("our vmstat", v, &our_vm));
	free(b);
	free(p);
	free(z);
	free(v);
}

/* Our keys are the kernel's, in the kernel's order (checked against the real files). */
static void test_key_order(void)
{
	if (!real_vm.n) {
		tl_skip_test("no real /proc capture was parsed (tests/data/real/compile-thp/)");
		return;
	}
	CHECK(same_order(our_vm.name, our_vm.n, real_vm.name, real_vm.n));
	CHECK(our_zi.nr_node_stats > 10);
	CHECK(same_order(our_zi.node_stats, our_zi.nr_node_stats, real_zi.node_stats, real_zi.nr_node_stats));
	CHECK(same_order(our_zi.zone_stats, our_zi.nr_zone_stats, real_zi.zone_stats, real_zi.nr_zone_stats));
	/* Zone stat lines lead vmstat; the per-node block holds workingset_* and nr_dirtied. */
	CHECK_STR(our_vm.name[0], "nr_free_pages");
	CHECK(name_index(our_zi.node_stats, our_zi.nr_node_stats, "workingset_refault_file") >= 0);
	CHECK(name_index(our_zi.node_stats, our_zi.nr_node_stats, "nr_dirtied") >= 0);
	CHECK(name_index(our_zi.node_stats, our_zi.nr_node_stats, "pgpgin") < 0);
	/* No simulator-only or CMA figures without CMA. */
	for (int i = 0; i < our_vm.n; i++) {
		CHECK(strncmp(our_vm.name[i], "mmsim_", 6) != 0);
		CHECK(strncmp(our_vm.name[i], "cma_", 4) != 0);
	}
}

/* model.md §3.1, worked by hand:
 *   pages_min = 67584 KiB / 4 = 16896; lowmem managed = 3840 + 772915 + 5394266 = 6171021.
 *   Normal: min = 16896·5394266/6171021 = 14769 (14769.3); gap = max(14769/4 = 3692,
 *           5394266·10/10000 = 5394) = 5394 -> low 20163, high 25557, promo 30951.
 *   DMA32:  min = 16896·772915/6171021 = 2116 (2116.2); gap = max(529, 772) = 772 ->
 *           low 2888, high 3660, promo 4432.
 *   DMA:    min = 16896·3840/6171021 = 10 (10.5); gap = max(2, 3) = 3 -> 13, 16, 19.
 *   protection: DMA (0, 772915/256 = 3019, (772915+5394266)/256 = 24090, 24090, 24090),
 *               DMA32 (0, 0, 5394266/256 = 21071, 21071, 21071), Normal all 0.
 *   batch: Normal/DMA32 min(managed>>10, 256)/4 = 64 -> rounddown_pow2(96) - 1 = 63;
 *          DMA 3840>>10 = 3, /4 = 0 -> 1 -> rounddown_pow2(1) - 1 = 0 -> at least 1.
 *   high_min = max(low/2, 4·batch): Normal 10081, DMA32 1444, DMA 6;
 *   high_max = max(managed/8/2, 4·batch): Normal 337141, DMA32 48307, DMA 240.
 *   vm stats threshold = 2·fls(2 CPUs)·(1 + fls(managed >> 15)):
 *          DMA 4·(1+0) = 4, DMA32 772915>>15 = 23 -> 4·6 = 24, Normal 164 -> 4·9 = 36.
 *   Every figure equals the real before.zoneinfo (whose managed counts these are).
 *   Layout: zone starts aligned to 1024 pages: DMA 0 (spans 4096), DMA32 4096 (spans
 *   755·1024 = 773120), Normal 777216.  Movable and the CMA zone are empty: min =
 *   clamp(0/1024, 32, 128) = 32 and gap 0, so 32 32 32 32 as the real Movable zone. */
static void test_watermark_arithmetic(void)
{
	const struct zoneinfo *zi = &our_zi;
	CHECK_EQ(zi->nr_zones, MAX_NR_ZONES);
	CHECK_EQ(zi->first_with_node_stats, 0);
	static const unsigned long want[3][6] = {
		/* min low high promo  free (all free at boot) */
		{ 10, 13, 16, 19, 3840, 0 },
		{ 2116, 2888, 3660, 4432, 772915, 4096 },
		{ 14769, 20163, 25557, 30951, 5394266, 777216 },
	};
	static const long protection[3][MAX_NR_ZONES] = {
		{ 0, 3019, 24090, 24090, 24090 },
		{ 0, 0, 21071, 21071, 21071 },
		{ 0, 0, 0, 0, 0 },
	};
	static const unsigned long pcp[3][4] = {
		/* batch high_min high_max threshold */
		{ 1, 6, 240, 4 },
		{ 63, 1444, 48307, 24 },
		{ 63, 10081, 337141, 36 },
	};
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "CMA" };
	for (int i = 0; i < MAX_NR_ZONES; i++)
		CHECK_STR(zi->zone[i].name, names[i]);
	for (int i = 0; i < 3; i++) {
		const struct zi_zone *z = &zi->zone[i];
		CHECK(z->populated);
		CHECK_EQ(z->wm[ZI_MIN], want[i][0]);
		CHECK_EQ(z->wm[ZI_LOW], want[i][1]);
		CHECK_EQ(z->wm[ZI_HIGH], want[i][2]);
		CHECK_EQ(z->wm[ZI_PROMO], want[i][3]);
		CHECK_EQ(z->wm[ZI_FREE], want[i][4]);
		CHECK_EQ(z->nr_free_pages_stat, want[i][4]);
		CHECK_EQ(z->wm[ZI_MANAGED], want[i][4]);
		CHECK_EQ(z->wm[ZI_PRESENT], want[i][4]);
		CHECK_EQ(z->wm[ZI_BOOST], 0);
		CHECK_EQ(z->start_pfn, want[i][5]);
		CHECK_EQ(z->nr_protection, MAX_NR_ZONES);
		for (int j = 0; j < MAX_NR_ZONES; j++)
			CHECK_EQ(z->protection[j], protection[i][j]);
		CHECK_EQ(z->nr_cpus, 2);
		for (int c = 0; c < z->nr_cpus; c++) {
			CHECK_EQ(z->cpu[c][0], 0); /* pcp off: nothing on the lists */
			CHECK_EQ(z->cpu[c][2], pcp[i][0]);
			CHECK_EQ(z->cpu[c][3], pcp[i][1]);
			CHECK_EQ(z->cpu[c][4], pcp[i][2]);
			CHECK_EQ(z->cpu[c][5], pcp[i][3]);
		}
	}
	CHECK_EQ(zi->zone[1].wm[ZI_SPANNED], 773120);
	for (int i = 3; i < MAX_NR_ZONES; i++) {
		CHECK(!zi->zone[i].populated);
		CHECK_EQ(zi->zone[i].wm[ZI_MIN], 32);
		CHECK_EQ(zi->zone[i].wm[ZI_PROMO], 32);
		CHECK_EQ(zi->zone[i].wm[ZI_SPANNED], 0);
	}
	/* vmstat: nr_free_pages is the node's sum; nothing allocated yet. */
	CHECK_EQ(vm_value(&our_vm, "nr_free_pages"), 6171021);
	CHECK_EQ(vm_value(&our_vm, "pgalloc_normal"), 0);
	/* nr_free_pages_blocks: DMA 3·1024 + 512 (the 256-page block is below pageblock order);
	 * DMA32 772915 = 754·1024 + 819 -> 754·1024 + 512 in blocks >= 512 pages; Normal
	 * 5394266 = 5267·1024 + 858 -> 5267·1024 + 512.  Sum 3584 + 772608 + 5393920. */
	CHECK_EQ(vm_value(&our_vm, "nr_free_pages_blocks"), 3584 + 772608 + 5393920);
}

/* Boost is added to every printed watermark and shown on its own line. */
static void test_boost_printed(void)
{
	big_mm.zones[ZONE_NORMAL].watermark_boost = 100;
	char *z = mmtest_capture(procfs_write_zoneinfo, &big_mm);
	static struct zoneinfo zi;
	CHECK(parse_zoneinfo("boosted zoneinfo", z, &zi));
	CHECK_EQ(zi.zone[2].wm[ZI_BOOST], 100);
	CHECK_EQ(zi.zone[2].wm[ZI_MIN], 14769 + 100);
	CHECK_EQ(zi.zone[2].wm[ZI_PROMO], 30951 + 100);
	big_mm.zones[ZONE_NORMAL].watermark_boost = 0;
	free(z);
}

/* Counters reach vmstat; after one order-2 movable allocation from Normal,
 * pgalloc_normal counts 4 pages and nr_free_pages drops by 4. */
static void test_vmstat_counts(void)
{
	CHECK(mm_alloc(&big_mm, 7, GFP_HIGHUSER_MOVABLE, 2) != PFN_NONE);
	char *v = mmtest_capture(procfs_write_vmstat, &big_mm);
	static struct vmstat vs;
	CHECK(parse_vmstat("vmstat", v, &vs));
	CHECK_EQ(vm_value(&vs, "nr_free_pages"), 6171021 - 4);
	CHECK_EQ(vm_value(&vs, "pgalloc_normal"), 4);
	CHECK(mm_free(&big_mm, 7));
	free(v);
}

/* With a CMA area: the CMA column/lines appear (CONFIG_CMA=y layout), the zone's cma
 * count is the area size, and the pcp path shows the model's lists.  Normal 4096 pages,
 * one 1024-page area placed at the top of Normal (pfn 3072..4095). */
static void test_cma_layout(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 128);
	cfg.machine.pcp = true;
	cfg.policy.cma.mode = CMA_MIGRATE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		CHECK(0);
		return;
	}
	char *p = mmtest_capture(procfs_write_pagetypeinfo, &mm);
	char *z = mmtest_capture(procfs_write_zoneinfo, &mm);
	char *v = mmtest_capture(procfs_write_vmstat, &mm);
	static struct pti t;
	CHECK(parse_pagetypeinfo("cma pagetypeinfo", p, &t));
	CHECK_EQ(t.nr_types, 6);
	CHECK_STR(t.types[4], "CMA");
	static struct zoneinfo zi;
	CHECK(parse_zoneinfo("cma zoneinfo", z, &zi));
	CHECK_EQ(zi.first_with_node_stats, 2); /* DMA and DMA32 are empty here */
	CHECK(!zi.zone[0].populated);
	CHECK_EQ(zi.zone[2].wm[ZI_CMA], 1024);
	/* pcp on: batch from 4096 pages: 4096>>10 = 4, /4 = 1 -> rounddown_pow2(1) - 1 = 0 -> 1;
	 * high_max = max(4096/8/2 = 256, 4) = 256. */
	CHECK_EQ(zi.zone[2].cpu[0][2], 1);
	CHECK_EQ(zi.zone[2].cpu[1][4], 256);
	static struct vmstat vs;
	CHECK(parse_vmstat("cma vmstat", v, &vs));
	CHECK_EQ(vm_value(&vs, "nr_free_cma"), 1024);
	CHECK_EQ(vm_value(&vs, "cma_alloc_success"), 0);
	CHECK_EQ(vm_value(&vs, "cma_alloc_fail"), 0);
	CHECK_EQ(vm_value(&vs, "pgalloc_cma"), ~0ul); /* no ZONE_CMA outside zone_cma */
	mmtest_mm_destroy(&mm);
	free(p);
	free(z);
	free(v);
}

/* Put object id's head on an LRU list chosen by flags (the reclaim module does this in a
 * run; here the list primitives are driven directly). */
static pfn_t lru_object(struct mm *mm, uint64_t id, gfp_t gfp, unsigned order, uint16_t flags)
{
	pfn_t pfn = mm_alloc(mm, id, gfp, order);
	if (pfn == PFN_NONE)
		return pfn;
	if (mm->pages[pfn].flags & PF_LRU) /* reclaim's hook put it on its list */
		lru_del(mm, pfn);
	mm->pages[pfn].flags |= flags;
	lru_add(mm, pfn, true);
	return pfn;
}

static unsigned long zone_stat(const char *zoneinfo, const char *zone, const char *name)
{
	char head[64], key[64];
	snprintf(head, sizeof(head), "zone %8s\n", zone);
	snprintf(key, sizeof(key), "\n      %-12s ", name);
	const char *p = strstr(zoneinfo, head);
	p = p ? strstr(p, key) : NULL;
	return p ? strtoul(p + strlen(key), NULL, 10) : ~0ul;
}

/* LRU figures come from the node lruvec; zone figures split it by pfn.  DMA32 4096 and
 * Normal 4096 pages.  Objects: 1 = order 2 active anon dirty (Normal), 2 = order 0
 * inactive file under writeback (Normal), 3 = order 1 inactive file in DMA32 (a
 * __GFP_DMA32 request cannot go higher).  By hand: node active_anon 4, inactive_file
 * 1 + 2 = 3, anon_pages 4, file_pages 3, dirty 4, writeback 1; write_pending Normal
 * 4 + 1 = 5, DMA32 0; Normal inactive_file 1, DMA32 inactive_file 2. */
static void test_lru_figures(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 4096, 4096, 128);
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		CHECK(0);
		return;
	}
	pfn_t normal_start = mm.zones[ZONE_NORMAL].start_pfn;
	CHECK(lru_object(&mm, 1, GFP_HIGHUSER_MOVABLE, 2, PF_SWAPBACKED | PF_ACTIVE | PF_DIRTY) >= normal_start);
	CHECK(lru_object(&mm, 3, GFP_KERNEL | __GFP_DMA32 | __GFP_MOVABLE, 1, 0) < normal_start);
	/* Last: a hand-set PF_WRITEBACK has no write in flight, which the level-3 validator
	 * after every mm_alloc would reject. */
	CHECK(lru_object(&mm, 2, GFP_HIGHUSER_MOVABLE, 0, PF_WRITEBACK) >= normal_start);
	char *v = mmtest_capture(procfs_write_vmstat, &mm);
	char *z = mmtest_capture(procfs_write_zoneinfo, &mm);
	static struct vmstat vs;
	CHECK(parse_vmstat("lru vmstat", v, &vs));
	CHECK_EQ(vm_value(&vs, "nr_active_anon"), 4);
	CHECK_EQ(vm_value(&vs, "nr_zone_active_anon"), 4);
	CHECK_EQ(vm_value(&vs, "nr_inactive_file"), 3);
	CHECK_EQ(vm_value(&vs, "nr_zone_inactive_file"), 3);
	CHECK_EQ(vm_value(&vs, "nr_inactive_anon"), 0);
	CHECK_EQ(vm_value(&vs, "nr_anon_pages"), 4);
	CHECK_EQ(vm_value(&vs, "nr_file_pages"), 3);
	CHECK_EQ(vm_value(&vs, "nr_dirty"), 4);
	CHECK_EQ(vm_value(&vs, "nr_writeback"), 1);
	CHECK_EQ(vm_value(&vs, "nr_zone_write_pending"), 5);
	CHECK_EQ(vm_value(&vs, "mmsim_nr_easily_reclaimable"), ~0ul); /* summary.json only */
	static struct zoneinfo zi;
	CHECK(parse_zoneinfo("lru zoneinfo", z, &zi));
	CHECK_EQ(zone_stat(z, "Normal", "nr_zone_inactive_file"), 1);
	CHECK_EQ(zone_stat(z, "DMA32", "nr_zone_inactive_file"), 2);
	CHECK_EQ(zone_stat(z, "Normal", "nr_zone_write_pending"), 5);
	CHECK_EQ(zone_stat(z, "DMA32", "nr_zone_write_pending"), 0);
	CHECK_EQ(zone_stat(z, "DMA32", "nr_zone_active_anon"), 0);
	free(v);
	free(z);
	for (uint64_t id = 1; id <= 3; id++) {
		struct obj_slot *s = obj_lookup(&mm.objs, id);
		if (s)
			lru_del(&mm, s->pfn);
	}
	mmtest_mm_destroy(&mm);
}

/* zone_cma (Joonsoo Kim's ZONE_CMA): the CMA memory is a zone of its own, so zoneinfo
 * shows it populated (Normal 4096 − 1024 = 3072 pages, CMA 1024), and the per-zone
 * vmstat lines of that zone (pgalloc_cma, allocstall_cma, pgskip_cma) appear. */
static void test_zone_cma_layout(void)
{
	struct config cfg;
	struct mm mm;
	struct sim_error err;
	mmtest_config(&cfg, 0, 0, 4096, 128);
	cfg.policy.cma.mode = CMA_ZONE_CMA;
	cfg.policy.cma.nr_regions = 1;
	cfg.policy.cma.regions[0].pages = 1024;
	if (mmtest_mm_init(&mm, &cfg, &err)) {
		fprintf(stderr, "mm_init: %s\n", err.msg);
		CHECK(0);
		return;
	}
	char *z = mmtest_capture(procfs_write_zoneinfo, &mm);
	char *v = mmtest_capture(procfs_write_vmstat, &mm);
	static struct zoneinfo zi;
	CHECK(parse_zoneinfo("zone_cma zoneinfo", z, &zi));
	CHECK_STR(zi.zone[4].name, "CMA");
	CHECK(zi.zone[4].populated);
	CHECK_EQ(zi.zone[4].wm[ZI_PRESENT], 1024);
	CHECK_EQ(zi.zone[2].wm[ZI_PRESENT], 3072);
	static struct vmstat vs;
	CHECK(parse_vmstat("zone_cma vmstat", v, &vs));
	CHECK_EQ(vm_value(&vs, "pgalloc_cma"), 0);
	CHECK_EQ(vm_value(&vs, "allocstall_cma"), 0);
	CHECK_EQ(vm_value(&vs, "pgskip_cma"), 0);
	CHECK_EQ(vm_value(&vs, "nr_free_pages"), 4096);
	mmtest_mm_destroy(&mm);
	free(z);
	free(v);
}

int main(int argc, char **argv)
{
	TEST_INIT(argc, argv);
	big_machine();
	RUN(test_real_files_parse);
	RUN(test_format_ours);
	RUN(test_key_order);
	RUN(test_watermark_arithmetic);
	RUN(test_boost_printed);
	RUN(test_vmstat_counts);
	RUN(test_cma_layout);
	RUN(test_lru_figures);
	RUN(test_zone_cma_layout);
	if (big_ready)
		mmtest_mm_destroy(&big_mm);
	return TEST_END();
}
