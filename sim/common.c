#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sim_error_set(struct sim_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return -1;
}

void sim_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "mmsim: %s:%d: %s: assertion `%s' failed\n", file, line, func, expr);
	abort();
}

char *sim_read_file(const char *path, size_t *len, struct sim_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 > cap) {
			cap = (n + 4096) * 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				sim_error_set(err, EX_SOFTWARE_, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(fp);
	fclose(fp);
	if (bad) {
		free(buf);
		sim_error_set(err, EX_NOINPUT_, "%s: read error", path);
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

void *atomic_open(struct atomic_file *af, const char *path, struct sim_error *err)
{
	if (strlen(path) >= sizeof(af->path)) {
		sim_error_set(err, EX_IOERR_, "%s: path too long", path);
		return NULL;
	}
	strcpy(af->path, path);
	snprintf(af->tmp, sizeof(af->tmp), "%s.tmp.%ld", path, (long)getpid());
	af->fp = fopen(af->tmp, "wb");
	if (!af->fp)
		sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", af->tmp, strerror(errno));
	return af->fp;
}

int atomic_commit(struct atomic_file *af, struct sim_error *err)
{
	FILE *fp = af->fp;
	af->fp = NULL;
	int bad = ferror(fp);
	if (fclose(fp) != 0 || bad) {
		remove(af->tmp);
		return sim_error_set(err, EX_IOERR_, "%s: write failed", af->path);
	}
	if (rename(af->tmp, af->path) != 0) {
		int e = errno;
		remove(af->tmp);
		return sim_error_set(err, EX_IOERR_, "%s: cannot rename: %s", af->path, strerror(e));
	}
	return 0;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fp) {
		fclose(af->fp);
		af->fp = NULL;
	}
	remove(af->tmp);
}
