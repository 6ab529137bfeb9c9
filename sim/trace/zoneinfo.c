/* zoneinfo.c — parse /proc/zoneinfo and recover the machine parameters from it. */
#include "zoneinfo.h"
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int zone_index(const char *name, size_t len)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (strlen(zone_names[z]) == len && !memcmp(zone_names[z], name, len))
			return z;
	return -1; /* Device, HighMem (32-bit): not modelled */
}

/* "key value" on one line: the first word and the unsigned number after it. */
static bool key_value(const char *s, const char *e, const char *key, uint64_t *v)
{
	size_t n = strlen(key);
	if ((size_t)(e - s) <= n || memcmp(s, key, n) || (s[n] != ' ' && s[n] != ':'))
		return false;
	s += n;
	while (s < e && (*s == ' ' || *s == ':'))
		s++;
	uint64_t x = 0;
	const char *d = s;
	while (s < e && (unsigned)(*s - '0') < 10 && x < UINT64_MAX / 10)
		x = x * 10 + (uint64_t)(*s++ - '0');
	if (s == d)
		return false;
	*v = x;
	return true;
}

/* The lines zoneinfo_show_print() (mm/vmstat.c, 6.12) prints for every zone, populated or
 * not; a block without one of them was cut short. */
enum {
	ZI_FREE = 1 << 0, ZI_MIN = 1 << 1, ZI_LOW = 1 << 2, ZI_HIGH = 1 << 3,
	ZI_SPANNED = 1 << 4, ZI_PRESENT = 1 << 5, ZI_MANAGED = 1 << 6, ZI_REQUIRED = (1 << 7) - 1,
};

static const char *const zi_field_names[] = {
	"pages free", "min", "low", "high", "spanned", "present", "managed",
};

/* Note the first incomplete block: the zone header at HDR, the block ending at LAST. */
static void zone_check_complete(struct zoneinfo *zi, unsigned seen, const char *zname,
				unsigned node, unsigned hdr, unsigned last)
{
	if (zi->incomplete_line || (seen & ZI_REQUIRED) == ZI_REQUIRED)
		return;
	unsigned f = 0;
	while (seen & (1u << f))
		f++;
	zi->incomplete_line = last;
	snprintf(zi->incomplete_what, sizeof(zi->incomplete_what),
		 "node %u zone %s (line %u) has no \"%s\" line", node, zname, hdr, zi_field_names[f]);
}

/* A zone's figures summed over the nodes (a multi-node capture replays as one node); the
 * first node's start_pfn is kept. */
static void zone_accumulate(struct zoneinfo_zone *acc, const struct zoneinfo_zone *cur)
{
	acc->free += cur->free, acc->boost += cur->boost, acc->min += cur->min;
	acc->low += cur->low, acc->high += cur->high, acc->spanned += cur->spanned;
	acc->present += cur->present, acc->managed += cur->managed;
	acc->inactive_anon += cur->inactive_anon, acc->active_anon += cur->active_anon;
	acc->inactive_file += cur->inactive_file, acc->active_file += cur->active_file;
	acc->unevictable += cur->unevictable, acc->mlock += cur->mlock;
	acc->write_pending += cur->write_pending;
	acc->pcp_count += cur->pcp_count;
	acc->pcp_batch = MAX(acc->pcp_batch, cur->pcp_batch);
	for (unsigned c = 0; c < cur->pcp_cpus; c++) {
		acc->pcp_cpu_count[c] += cur->pcp_cpu_count[c];
		acc->pcp_cpu_high[c] += cur->pcp_cpu_high[c];
	}
	acc->pcp_cpus = MAX(acc->pcp_cpus, cur->pcp_cpus);
	if (!acc->seen)
		acc->start_pfn = cur->start_pfn;
	acc->seen = true;
}

int zoneinfo_zone_of(const struct zoneinfo *zi, uint64_t pfn)
{
	for (int z = 0; z <= ZONE_MOVABLE; z++)
		if (zi->zone[z].spanned && pfn >= zi->zone[z].start_pfn &&
		    pfn < zi->zone[z].start_pfn + zi->zone[z].spanned)
			return z;
	return -1;
}

void zoneinfo_release(struct zoneinfo *zi)
{
	free(zi->lru_tail);
	zi->lru_tail = NULL;
	zi->lru_tail_len = zi->lru_tail_cap = 0;
	free(zi->block_votes);
	zi->block_votes = NULL;
	zi->nr_block_votes = 0;
}

int zoneinfo_parse_buf(const char *buf, size_t len, const char *name, struct zoneinfo *zi,
		       struct sim_error *err)
{
	memset(zi, 0, sizeof(*zi));
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0, first_node = ~0u;
	struct zoneinfo_zone cur = { 0 }, *acc = NULL;
	bool in_first_zone = false, any = false;
	unsigned cur_seen = 0, cur_node = 0, cur_hdr = 0, last_line = 0;
	unsigned cur_cpu = ZONEINFO_MAX_CPUS; /* the pageset being read; MAX: none (or beyond) */
	char cur_name[32] = "";
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		lineno++;
		if (memchr(p, 0, (size_t)(e - p)))
			return sim_error_set(err, EX_DATAERR_, "%s:%u:1: binary data: not a /proc/zoneinfo", name, lineno);
		/* A NUL-terminated copy for sscanf/strncmp; every line we read is short. */
		char ln[256];
		size_t n = MIN((size_t)(e - p), sizeof(ln) - 1);
		memcpy(ln, p, n);
		ln[n] = 0;
		p = e + 1;
		const char *s = ln;
		e = ln + n;
		while (s < e && *s == ' ')
			s++;
		if (s == e)
			continue;
		last_line = lineno;
		unsigned node;
		char zname[32];
		if (!strncmp(s, "Node ", 5)) {
			if (sscanf(s, "Node %u, zone %31s", &node, zname) != 2)
				return sim_error_set(err, EX_DATAERR_, "%s:%u:1: bad zone header", name, lineno);
			if (acc && cur.seen)
				zone_accumulate(acc, &cur);
			if (any)
				zone_check_complete(zi, cur_seen, cur_name, cur_node, cur_hdr, lineno - 1);
			cur_seen = 0, cur_node = node, cur_hdr = lineno;
			snprintf(cur_name, sizeof(cur_name), "%s", zname);
			int z = zone_index(zname, strlen(zname));
			acc = z >= 0 ? &zi->zone[z] : NULL;
			memset(&cur, 0, sizeof(cur));
			cur.seen = true;
			cur_cpu = ZONEINFO_MAX_CPUS;
			if (first_node == ~0u)
				first_node = node, in_first_zone = true;
			else
				in_first_zone = false;
			if (node + 1 > zi->nr_nodes)
				zi->nr_nodes = node + 1;
			any = true;
			continue;
		}
		if (!any)
			return sim_error_set(err, EX_DATAERR_, "%s:%u:1: expected \"Node N, zone NAME\": not a /proc/zoneinfo",
					     name, lineno);
		uint64_t v;
		if (key_value(s, e, "pages free", &v))
			cur.free = v, cur_seen |= ZI_FREE;
		else if (key_value(s, e, "boost", &v))
			cur.boost = v;
		else if (key_value(s, e, "min", &v))
			cur.min = v, cur_seen |= ZI_MIN;
		else if (key_value(s, e, "low", &v))
			cur.low = v, cur_seen |= ZI_LOW;
		else if (key_value(s, e, "high", &v) && s[4] == ' ')
			cur.high = v, cur_seen |= ZI_HIGH;
		else if (key_value(s, e, "spanned", &v))
			cur.spanned = v, cur_seen |= ZI_SPANNED;
		else if (key_value(s, e, "present", &v))
			cur.present = v, cur_seen |= ZI_PRESENT;
		else if (key_value(s, e, "managed", &v))
			cur.managed = v, cur_seen |= ZI_MANAGED;
		else if (key_value(s, e, "start_pfn", &v))
			cur.start_pfn = v;
		else if (key_value(s, e, "nr_zone_inactive_anon", &v))
			cur.inactive_anon = v;
		else if (key_value(s, e, "nr_zone_active_anon", &v))
			cur.active_anon = v;
		else if (key_value(s, e, "nr_zone_inactive_file", &v))
			cur.inactive_file = v;
		else if (key_value(s, e, "nr_zone_active_file", &v))
			cur.active_file = v;
		else if (key_value(s, e, "nr_zone_unevictable", &v))
			cur.unevictable = v;
		else if (key_value(s, e, "nr_mlock", &v))
			cur.mlock = v;
		else if (key_value(s, e, "nr_zone_write_pending", &v))
			cur.write_pending = v;
		else if (key_value(s, e, "count", &v)) {
			cur.pcp_count += v;
			if (cur_cpu < ZONEINFO_MAX_CPUS)
				cur.pcp_cpu_count[cur_cpu] = v;
		} else if (key_value(s, e, "high", &v) && s[4] == ':') {
			if (cur_cpu < ZONEINFO_MAX_CPUS)
				cur.pcp_cpu_high[cur_cpu] = v; /* a pageset's high (the zone's is "high N") */
		} else if (key_value(s, e, "high_min", &v)) {
			zi->pcp_high_bounds = true;
		} else if (key_value(s, e, "batch", &v))
			cur.pcp_batch = MAX(cur.pcp_batch, v);
		else if (key_value(s, e, "nr_slab_reclaimable", &v))
			zi->slab_reclaimable += v;
		else if (key_value(s, e, "nr_slab_unreclaimable", &v))
			zi->slab_unreclaimable += v;
		else if (key_value(s, e, "cpu", &v)) {
			if (in_first_zone)
				zi->nr_cpus++;
			cur_cpu = v < ZONEINFO_MAX_CPUS ? (unsigned)v : ZONEINFO_MAX_CPUS;
			if (cur_cpu < ZONEINFO_MAX_CPUS)
				cur.pcp_cpus = MAX(cur.pcp_cpus, cur_cpu + 1);
		}
	}
	if (acc && cur.seen)
		zone_accumulate(acc, &cur);
	if (!any)
		return sim_error_set(err, EX_DATAERR_, "%s: no zone found: not a /proc/zoneinfo", name);
	zone_check_complete(zi, cur_seen, cur_name, cur_node, cur_hdr, last_line);
	/* The kernel ends every line with a newline; a last line without one was cut. */
	if (!zi->incomplete_line && len && buf[len - 1] != '\n') {
		zi->incomplete_line = lineno;
		snprintf(zi->incomplete_what, sizeof(zi->incomplete_what),
			 "last line has no newline");
	}
	return 0;
}

int zoneinfo_parse(const char *path, struct zoneinfo *zi, struct sim_error *err)
{
	int fd = sim_open_input(path, err);
	if (fd < 0)
		return -1;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		close(fd);
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				fclose(fp);
				return sim_error_set(err, EX_DATAERR_, "%s: too large for a /proc/zoneinfo", path);
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(fp);
	if (!buf)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	int rc = zoneinfo_parse_buf(buf, len, path, zi, err);
	free(buf);
	/* A cut capture would give zone sizes of 0 and a min_free_kbytes from the zones that
	 * remain, which zoneinfo_machine() cannot tell from a real machine's. */
	if (!rc && zi->incomplete_line)
		rc = sim_error_set(err, EX_DATAERR_, "%s:%u:1: truncated /proc/zoneinfo: %s", path,
				   zi->incomplete_line, zi->incomplete_what);
	return rc;
}

/* Up to NR_PAGE_ORDERS unsigned numbers from s; returns how many. */
static unsigned order_counts(const char *s, uint64_t v[NR_PAGE_ORDERS])
{
	unsigned n = 0;
	while (*s && n < NR_PAGE_ORDERS) {
		while (*s == ' ' || *s == '\t')
			s++;
		if ((unsigned)(*s - '0') >= 10)
			break;
		uint64_t x = 0;
		while ((unsigned)(*s - '0') < 10 && x < UINT64_MAX / 10)
			x = x * 10 + (uint64_t)(*s++ - '0');
		v[n++] = x;
	}
	return n;
}

/* buddyinfo:    "Node 0, zone   Normal    679    480 ..."
 * pagetypeinfo: "Node    0, zone   Normal, type    Movable    290    132 ..." (the
 * "Free pages count per migrate type" table; the "Number of blocks type" table that
 * follows it is skipped). */
int zoneinfo_parse_free_orders_buf(const char *buf, size_t len, const char *name,
				   struct zoneinfo_free_orders *fo, struct sim_error *err)
{
	memset(fo, 0, sizeof(*fo));
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	bool any = false, block_table = false;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		lineno++;
		char ln[512];
		size_t n = MIN((size_t)(e - p), sizeof(ln) - 1);
		memcpy(ln, p, n);
		ln[n] = 0;
		p = e + 1;
		if (memchr(ln, 0, n))
			return sim_error_set(err, EX_DATAERR_, "%s:%u:1: binary data", name, lineno);
		unsigned node;
		char zname[32];
		int off = 0;
		if (!strncmp(ln, "Number of blocks type", 21))
			block_table = true; /* per zone, blocks by type: not free counts */
		else if (!strncmp(ln, "Free pages count", 16))
			block_table = false;
		if (block_table || sscanf(ln, "Node %u, zone %31[^, ]%n", &node, zname, &off) != 2)
			continue;
		const char *rest = ln + off;
		int mt = -1;
		bool highatomic = false;
		if (*rest == ',') { /* pagetypeinfo: ", type NAME counts" */
			char tname[32];
			int toff = 0;
			if (sscanf(rest, ", type %31s%n", tname, &toff) != 1)
				continue;
			rest += toff;
			mt = !strcmp(tname, "Unmovable")     ? MIGRATE_UNMOVABLE
			     : !strcmp(tname, "Movable")     ? MIGRATE_MOVABLE
			     : !strcmp(tname, "Reclaimable") ? MIGRATE_RECLAIMABLE
							     : -1;
			highatomic = !strcmp(tname, "HighAtomic");
		}
		uint64_t v[NR_PAGE_ORDERS] = { 0 };
		unsigned k = order_counts(rest, v);
		if (!k)
			continue; /* the block-count table of pagetypeinfo, or a header */
		if (k != NR_PAGE_ORDERS)
			return sim_error_set(err, EX_DATAERR_, "%s:%u:1: %u free counts, expected %u (MAX_PAGE_ORDER %u)",
					     name, lineno, k, NR_PAGE_ORDERS, MAX_PAGE_ORDER);
		int z = zone_index(zname, strlen(zname));
		if (z < 0)
			continue;
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
			fo->nr_free[z][o] += v[o];
		fo->seen[z] = true;
		if (mt >= 0) {
			for (unsigned o = 0; o < NR_PAGE_ORDERS; o++)
				fo->nr_free_mt[z][mt][o] += v[o];
			fo->seen_mt[z] = true;
		}
		for (unsigned o = 0; highatomic && o < NR_PAGE_ORDERS; o++)
			fo->nr_free_highatomic[z][o] += v[o];
		any = true;
	}
	if (!any)
		return sim_error_set(err, EX_DATAERR_, "%s: no zone line: not a /proc/buddyinfo or /proc/pagetypeinfo",
				     name);
	return 0;
}

int zoneinfo_parse_free_orders(const char *path, struct zoneinfo_free_orders *fo, struct sim_error *err)
{
	int fd = sim_open_input(path, err);
	if (fd < 0)
		return -1;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		close(fd);
		return sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
	}
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while (buf && len < cap && (n = fread(buf + len, 1, cap - len, fp)) > 0)
		len += n;
	bool big = buf && len == cap;
	fclose(fp);
	if (!buf)
		return sim_error_set(err, EX_SOFTWARE_, "out of memory");
	int rc = big ? sim_error_set(err, EX_DATAERR_, "%s: too large for /proc/buddyinfo or pagetypeinfo", path)
		     : zoneinfo_parse_free_orders_buf(buf, len, path, fo, err);
	free(buf);
	return rc;
}

/* The kernel's __setup_per_zone_wmarks (model.md §3.1) gives each lowmem zone
 *   min_z = pages_min * managed_z / Σ managed  (integer division)
 * so Σ min_z lies in (pages_min - nr_lowmem, pages_min].  We try every pages_min in that
 * range and keep the first that reproduces every zone's min exactly; printed watermarks
 * include the boost, which is subtracted first.  min_free_kbytes = pages_min * 4 KiB.
 * The gap low - min = max(min/4, managed * watermark_scale_factor / 10000): a zone where
 * the scale factor wins tells the factor. */
int zoneinfo_machine(const struct zoneinfo *zi, struct zoneinfo_machine *m, struct sim_error *err)
{
	memset(m, 0, sizeof(*m));
	uint64_t total = 0, sum_min = 0;
	unsigned nr_low = 0;
	/* The model's zones have managed == present (no memmap or bootmem inside), and the
	 * kernel's watermarks, lowmem_reserve and pcp sizes are computed from managed pages:
	 * the managed count is the size that reproduces them. */
	for (int z = 0; z < MAX_NR_ZONES; z++)
		m->zone_pages[z] = zi->zone[z].managed;
	for (int z = 0; z <= ZONE_NORMAL; z++) {
		const struct zoneinfo_zone *zz = &zi->zone[z];
		if (!zz->managed)
			continue;
		total += zz->managed;
		sum_min += zz->min - MIN(zz->boost, zz->min);
		nr_low++;
	}
	if (!total)
		return sim_error_set(err, EX_DATAERR_, "zoneinfo: no populated DMA/DMA32/Normal zone");
	uint64_t pages_min = sum_min;
	for (uint64_t p = sum_min; p <= sum_min + nr_low; p++) {
		bool ok = true;
		for (int z = 0; z <= ZONE_NORMAL && ok; z++) {
			const struct zoneinfo_zone *zz = &zi->zone[z];
			if (zz->managed)
				ok = p * zz->managed / total == zz->min - MIN(zz->boost, zz->min);
		}
		if (ok) {
			pages_min = p;
			m->min_free_exact = true;
			break;
		}
	}
	m->min_free_kbytes = pages_min * (PAGE_SIZE / 1024);
	for (int z = ZONE_NORMAL; z >= 0 && !m->watermark_scale_factor; z--) {
		const struct zoneinfo_zone *zz = &zi->zone[z];
		uint64_t min = zz->min - MIN(zz->boost, zz->min), gap = zz->low - MIN(zz->low, zz->min);
		if (!zz->managed || gap <= min / 4 || gap == 0)
			continue;
		uint64_t wsf = (gap * 10000 + zz->managed / 2) / zz->managed;
		for (uint64_t f = wsf ? wsf - 1 : 0; f <= wsf + 1; f++)
			if (f >= 1 && f <= 3000 && zz->managed * f / 10000 == gap) {
				m->watermark_scale_factor = (unsigned)f;
				break;
			}
	}
	m->nr_cpus = zi->nr_cpus;
	return 0;
}

void zoneinfo_apply(const struct zoneinfo_machine *m, struct machine_config *mc)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (z != ZONE_CMA)
			mc->zone_pages[z] = m->zone_pages[z];
	mc->min_free_kbytes = m->min_free_kbytes;
	if (m->watermark_scale_factor)
		mc->watermark_scale_factor = m->watermark_scale_factor;
	if (m->nr_cpus)
		mc->nr_cpus = m->nr_cpus;
}

int zoneinfo_write_yaml(const struct zoneinfo *zi, const struct zoneinfo_machine *m,
			const char *source, FILE *fp)
{
	fprintf(fp, "# machine from a captured /proc/zoneinfo: %s (%u node%s, summed)\n", source,
		zi->nr_nodes, zi->nr_nodes == 1 ? "" : "s");
	fprintf(fp, "machine:\n  zones:\n");
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		const struct zoneinfo_zone *zz = &zi->zone[z];
		fprintf(fp, "    %s: %" PRIu64 "  # managed pages; present %" PRIu64 ", spanned %" PRIu64
			", start_pfn %" PRIu64 ", min/low/high %" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n",
			zone_keys[z], m->zone_pages[z], zz->present, zz->spanned, zz->start_pfn, zz->min,
			zz->low, zz->high);
	}
	fprintf(fp, "  min_free_kbytes: %" PRIu64 "  # %s from the zones' min watermarks\n",
		m->min_free_kbytes, m->min_free_exact ? "recovered exactly" : "approximated (sum)");
	if (m->watermark_scale_factor)
		fprintf(fp, "  watermark_scale_factor: %u  # from the low - min gap\n",
			m->watermark_scale_factor);
	if (m->nr_cpus)
		fprintf(fp, "  nr_cpus: %u\n", m->nr_cpus);
	return ferror(fp) ? -1 : 0;
}

void zoneinfo_pcp_blocks_split(const struct zoneinfo_zone *zz, unsigned nr_cpus, uint64_t blocks,
			       uint64_t out[ZONEINFO_MAX_CPUS])
{
	const uint64_t pb = 1ull << ZONEINFO_BLOCK_ORDER;
	unsigned n = MIN(MIN(zz->pcp_cpus, nr_cpus), (unsigned)ZONEINFO_MAX_CPUS);
	uint64_t given = 0;
	for (unsigned c = 0; c < ZONEINFO_MAX_CPUS; c++)
		out[c] = 0;
	for (unsigned c = 0; c < n && zz->pcp_count; c++) {
		out[c] = MIN(blocks * zz->pcp_cpu_count[c] / zz->pcp_count, zz->pcp_cpu_count[c] / pb);
		given += out[c];
	}
	while (given < blocks) { /* the rest one at a time, to the list with the most room */
		unsigned best = n;
		uint64_t room_best = 0;
		for (unsigned c = 0; c < n; c++) {
			uint64_t room = zz->pcp_cpu_count[c] / pb - out[c];
			if (room > room_best)
				room_best = room, best = c;
		}
		if (best == n)
			break;
		out[best]++;
		given++;
	}
}

int zoneinfo_write_pcp_yaml(const struct zoneinfo *zi, const uint64_t *blocks, FILE *fp)
{
	unsigned n = 0;
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		const struct zoneinfo_zone *zz = &zi->zone[z];
		uint64_t split[ZONEINFO_MAX_CPUS];
		zoneinfo_pcp_blocks_split(zz, zi->nr_cpus, blocks ? blocks[z] : 0, split);
		for (unsigned c = 0; zz->managed && c < zz->pcp_cpus && c < zi->nr_cpus; c++) {
			if (n == CONFIG_MAX_PCP_START)
				break;
			if (!n++ && fprintf(fp, "machine.pcp_start:  # the per-cpu lists of the zoneinfo's pagesets "
				    "(count, high), started at the prefill's end; blocks: pageblocks of them whole "
				    "(docs/import.md \"Per-cpu lists\")\n") < 0)
				return -1;
			if (fprintf(fp, "  - { zone: %s, cpu: %u, count: %" PRIu64 ", high: %" PRIu64, zone_keys[z], c,
				    zz->pcp_cpu_count[c], MIN(zz->pcp_cpu_high[c], (uint64_t)UINT32_MAX)) < 0 ||
			    (split[c] && fprintf(fp, ", blocks: %" PRIu64, split[c]) < 0) || fprintf(fp, " }\n") < 0)
				return -1;
		}
	}
	return 0;
}

int zoneinfo_write_boost_yaml(const struct zoneinfo *zi, bool wake, FILE *fp)
{
	bool any = false;
	for (int z = 0; z <= ZONE_MOVABLE; z++) {
		const struct zoneinfo_zone *zz = &zi->zone[z];
		if (!zz->managed || !zz->boost)
			continue;
		if (!any && fprintf(fp, "machine.watermark_boost_start:  # the zones' watermark boost (zoneinfo "
				    "\"boost\"), from the prefill's end\n") < 0)
			return -1;
		any = true;
		if (fprintf(fp, "  - { zone: %s, pages: %" PRIu64 ", wake: %s }\n", zone_keys[z], zz->boost,
			    wake ? "true" : "false") < 0)
			return -1;
	}
	return 0;
}
