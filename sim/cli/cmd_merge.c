/* mmsim merge [-o OUT] SHARD_DIR...
 *
 * Joins the output directories of sharded sweeps (`mmsim sweep --shard I/N`) of one plan
 * into OUT: plan.yaml and points.tsv (identical in every shard, checked), every finished
 * run (hard-linked when possible), the failure logs of units finished nowhere, and a
 * recomputed results.tsv.  Nothing is time- or host-dependent, so the result is
 * byte-identical to an unsharded sweep of the same plan.  Without -o the shards are merged
 * into the first DIR.  Merging is idempotent and may be repeated as more shards finish.
 */
#include "cli.h"
#include "opts.h"

#include "../stats/runset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One merge: destination, sources, and counts for the closing line. */
struct merge_control {
	const char *out;
	int nr_src;
	char **src;
	unsigned nr_copied, nr_present, nr_missing;
};

static int same_file(const char *a, const char *b, struct sim_error *err)
{
	size_t la, lb;
	char *x = runset_read_file(a, &la, err), *y = x ? runset_read_file(b, &lb, err) : NULL;
	int rc = -1;
	if (x && y)
		rc = la == lb && !memcmp(x, y, la) ? 1 : 0;
	free(x);
	free(y);
	return rc;
}

static int copy_index_file(const struct merge_control *mc, const char *name, struct sim_error *err)
{
	char dst[4200], src[4200];
	snprintf(src, sizeof(src), "%s/%s", mc->src[0], name);
	for (int i = 1; i < mc->nr_src; i++) {
		char other[4200];
		snprintf(other, sizeof(other), "%s/%s", mc->src[i], name);
		int same = same_file(src, other, err);
		if (same < 0)
			return -1;
		if (!same)
			return sim_error_set(err, EX_DATAERR_,
					     "%s and %s differ: these are not shards of one plan", src, other);
	}
	snprintf(dst, sizeof(dst), "%s/%s", mc->out, name);
	if (runset_is_file(dst)) {
		int same = same_file(src, dst, err);
		if (same < 0)
			return -1;
		if (!same)
			return sim_error_set(err, EX_DATAERR_, "%s already holds a different %s", mc->out, name);
		return 0;
	}
	size_t len;
	char *text = runset_read_file(src, &len, err);
	if (!text)
		return -1;
	struct atomic_file af;
	FILE *fp = atomic_open(&af, dst, err);
	if (!fp) {
		free(text);
		return -1;
	}
	fwrite(text, 1, len, fp);
	free(text);
	return atomic_commit(&af, err);
}

/* Bring unit (point ID, repeat REP) into OUT from the first shard that finished it. */
static int merge_unit(struct merge_control *mc, const char *id, const char *rep, struct sim_error *err)
{
	char dst[4200], sum[4300], src[4200], tmp[4300];
	snprintf(dst, sizeof(dst), "%s/runs/%s/r%s", mc->out, id, rep);
	snprintf(sum, sizeof(sum), "%s/summary.json", dst);
	if (runset_is_file(sum)) {
		mc->nr_present++;
		return 0;
	}
	for (int i = 0; i < mc->nr_src; i++) {
		snprintf(src, sizeof(src), "%s/runs/%s/r%s", mc->src[i], id, rep);
		snprintf(sum, sizeof(sum), "%s/summary.json", src);
		if (!runset_is_file(sum))
			continue;
		snprintf(tmp, sizeof(tmp), "%s/runs/%s", mc->out, id);
		if (runset_mkdir_p(tmp, err))
			return -1;
		/* copy under a temporary name, then rename: a killed merge leaves no half run */
		snprintf(tmp, sizeof(tmp), "%s.tmp.merge", dst);
		runset_rm_rf(tmp);
		if (runset_is_dir(dst))
			runset_rm_rf(dst);
		if (runset_copy_tree(src, tmp, err))
			return -1;
		if (rename(tmp, dst))
			return sim_error_set(err, EX_IOERR_, "%s: cannot rename: %s", dst, strerror(errno));
		/* a failure log from another shard is stale now */
		snprintf(tmp, sizeof(tmp), "%s/failed/%s.r%s.log", mc->out, id, rep);
		remove(tmp);
		mc->nr_copied++;
		return 0;
	}
	/* finished nowhere: keep the failure log if a shard has one */
	mc->nr_missing++;
	for (int i = 0; i < mc->nr_src; i++) {
		snprintf(src, sizeof(src), "%s/failed/%s.r%s.log", mc->src[i], id, rep);
		snprintf(dst, sizeof(dst), "%s/failed/%s.r%s.log", mc->out, id, rep);
		if (runset_is_file(src) && strcmp(src, dst)) {
			size_t len;
			char *text = runset_read_file(src, &len, err);
			FILE *fp = text ? fopen(dst, "w") : NULL;
			if (fp) {
				fwrite(text, 1, len, fp);
				fclose(fp);
			}
			free(text);
			break;
		}
	}
	return 0;
}

static int merge_all(struct merge_control *mc, struct sim_error *err)
{
	char path[4200];
	for (int i = 0; i < mc->nr_src; i++) {
		snprintf(path, sizeof(path), "%s/points.tsv", mc->src[i]);
		if (!runset_is_file(path))
			return sim_error_set(err, EX_NOINPUT_, "%s: not a sweep directory (no points.tsv)",
					     mc->src[i]);
	}
	snprintf(path, sizeof(path), "%s/runs", mc->out);
	if (runset_mkdir_p(path, err))
		return -1;
	snprintf(path, sizeof(path), "%s/failed", mc->out);
	if (runset_mkdir_p(path, err))
		return -1;
	if (copy_index_file(mc, "plan.yaml", err) || copy_index_file(mc, "points.tsv", err))
		return -1;
	snprintf(path, sizeof(path), "%s/points.tsv", mc->out);
	char *text = runset_read_file(path, NULL, err);
	if (!text)
		return -1;
	int rc = 0;
	unsigned long lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == '#')
			continue;
		/* unit \t point \t repeat \t seed ... */
		char *id = strchr(line, '\t');
		char *rep = id ? strchr(id + 1, '\t') : NULL;
		char *end = rep ? strchr(rep + 1, '\t') : NULL;
		if (!end) {
			rc = sim_error_set(err, EX_DATAERR_, "%s:%lu: expected unit, point, repeat, seed",
					   path, lineno);
			break;
		}
		*rep = 0;
		*end = 0;
		rc = merge_unit(mc, id + 1, rep + 1, err);
	}
	free(text);
	return rc ? rc : runset_write_results(mc->out, err);
}

int cmd_merge(int argc, char **argv)
{
	struct merge_control mc = { 0 };
	struct sim_error err = { 0 };
	struct cli_opt opts[] = {
		{ "output", 'o', CLI_STR, &mc.out, "OUT", "merged sweep directory (default: the first DIR)" },
		{ 0 },
	};
	struct cli_spec spec = {
		.name = "merge", .synopsis = "SHARD_DIR...", .nr_pos_min = 1, .opts = opts,
		.about = "Join sharded sweep outputs of one plan into OUT (default: the first DIR).\n",
	};
	struct cli_args pos;
	int rc = cli_parse_or_exit(&spec, argc, argv, &pos);
	if (rc >= 0)
		return rc;
	rc = 0;
	mc.src = pos.v;
	mc.nr_src = (int)pos.nr;
	if (!mc.out)
		mc.out = mc.src[0];
	if (merge_all(&mc, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	fprintf(stderr, "mmsim merge: %s: %u runs copied, %u already there, %u unfinished\n", mc.out,
		mc.nr_copied, mc.nr_present, mc.nr_missing);
out:
	cli_free(&spec, &pos);
	return rc;
}
