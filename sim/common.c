#include "common.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int sim_open_input(const char *path, struct sim_error *err)
{
	/* O_NONBLOCK: open(2) of a FIFO for reading otherwise waits for a writer */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode) ||
				    S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode))) {
		/* Ready means data, or a writer came and went (POLLHUP: read then sees the
		 * end); Linux reports neither for a FIFO no writer has opened yet. */
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;
		do
			n = poll(&pfd, 1, SIM_INPUT_WAIT_S * 1000);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			int e = errno;
			close(fd);
			if (n < 0)
				return sim_error_set(err, EX_NOINPUT_, "%s: cannot read: %s", path, strerror(e));
			return sim_error_set(err, EX_NOINPUT_, "%s: no writer (nothing to read after %d s)",
					     path, SIM_INPUT_WAIT_S);
		}
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(e));
	}
	return fd;
}

FILE *sim_fopen_input(const char *path, struct sim_error *err)
{
	int fd = sim_open_input(path, err);
	if (fd < 0)
		return NULL;
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		sim_error_set(err, EX_NOINPUT_, "%s: cannot open: %s", path, strerror(errno));
		close(fd);
	}
	return fp;
}

int sim_grow(void *array, size_t *cap, size_t need, size_t size, size_t min)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : MAX(min, 1);
	while (n < need)
		n *= 2;
	void *p;
	memcpy(&p, array, sizeof(p)); /* the caller's pointer, whatever its type */
	char *q = realloc(p, n * size);
	if (!q)
		return -1;
	memset(q + *cap * size, 0, (n - *cap) * size);
	memcpy(array, &q, sizeof(q));
	*cap = n;
	return 0;
}

char *sim_read_file(const char *path, size_t *len, struct sim_error *err)
{
	FILE *fp = sim_fopen_input(path, err);
	if (!fp)
		return NULL;
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
		errno = 0;
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	/* errno is that of the last fread(), the one that returned 0 */
	int e = errno;
	bool bad = ferror(fp);
	fclose(fp);
	if (bad) {
		free(buf);
		sim_error_set(err, EX_NOINPUT_, "%s: read error: %s", path, e ? strerror(e) : "I/O error");
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* 0 if path is absent or a regular file; otherwise -1 with EX_CANTCREAT_ (what is there is
 * not ours to replace: rename() would swap a device node, FIFO or symlink for our file). */
static int atomic_check_target(const char *path, struct sim_error *err)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return sim_error_set(err, EX_CANTCREAT_, "%s: cannot inspect output: %s", path, strerror(errno));
	}
	if (S_ISREG(st.st_mode))
		return 0;
	const char *what = S_ISLNK(st.st_mode)	 ? "a symbolic link"
			   : S_ISDIR(st.st_mode) ? "a directory"
			   : S_ISFIFO(st.st_mode) ? "a FIFO"
			   : S_ISCHR(st.st_mode) ? "a character device"
			   : S_ISBLK(st.st_mode) ? "a block device"
			   : S_ISSOCK(st.st_mode) ? "a socket"
						 : "not a regular file";
	return sim_error_set(err, EX_CANTCREAT_, "%s: output exists and is %s; refusing to replace it",
			     path, what);
}

void *atomic_open(struct atomic_file *af, const char *path, struct sim_error *err)
{
	af->fp = NULL;
	if (strlen(path) >= sizeof(af->path)) {
		sim_error_set(err, EX_IOERR_, "%s: path too long", path);
		return NULL;
	}
	strcpy(af->path, path);
	snprintf(af->tmp, sizeof(af->tmp), "%s.tmp.%ld", path, (long)getpid());
	af->tmp_made = false;
	if (atomic_check_target(path, err))
		return NULL;
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(af->tmp, flags, 0666);
	if (fd < 0 && errno == EEXIST) {
		/* A leftover of an earlier process with our pid: remove it only if it is a
		 * regular file (never a node or link someone placed there). */
		struct stat st;
		if (lstat(af->tmp, &st) == 0 && S_ISREG(st.st_mode) && unlink(af->tmp) == 0)
			fd = open(af->tmp, flags, 0666);
		else
			errno = EEXIST;
	}
	if (fd < 0) {
		sim_error_set(err, errno == EEXIST ? EX_CANTCREAT_ : EX_IOERR_, "%s: cannot create: %s",
			      af->tmp, strerror(errno));
		return NULL;
	}
	af->tmp_made = true;
	af->fp = fdopen(fd, "wb");
	if (!af->fp) {
		sim_error_set(err, EX_IOERR_, "%s: cannot create: %s", af->tmp, strerror(errno));
		close(fd);
		atomic_abort(af);
	}
	return af->fp;
}

int atomic_commit(struct atomic_file *af, struct sim_error *err)
{
	FILE *fp = af->fp;
	af->fp = NULL;
	/* fflush first so a failed write's errno (ENOSPC, EIO) is still ours to report. */
	int e = 0;
	if (fflush(fp) != 0)
		e = errno;
	bool bad = ferror(fp);
	if (fclose(fp) != 0 && !e)
		e = errno;
	if (bad || e) {
		atomic_abort(af);
		return sim_error_set(err, EX_IOERR_, "%s: write failed: %s", af->path,
				     strerror(e ? e : EIO));
	}
	if (atomic_check_target(af->path, err)) {
		atomic_abort(af);
		return -1;
	}
	if (rename(af->tmp, af->path) != 0) {
		e = errno;
		atomic_abort(af);
		return sim_error_set(err, EX_IOERR_, "%s: cannot rename: %s", af->path, strerror(e));
	}
	af->tmp_made = false;
	return 0;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fp) {
		fclose(af->fp);
		af->fp = NULL;
	}
	/* Remove only what atomic_open created: a refused open leaves others' files alone. */
	if (af->tmp_made)
		unlink(af->tmp);
	af->tmp_made = false;
}

/* ---- atomic output directories ------------------------------------------------------ */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

int sim_remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool own_name(const char *name, const char *const *own)
{
	if (!strcmp(name, ".") || !strcmp(name, "..") || strstr(name, ".tmp."))
		return true;
	for (; own && *own; own++)
		if (!strcmp(name, *own))
			return true;
	return false;
}

/* 0 if path is absent or a directory holding only own names; else EX_CANTCREAT_. */
static int atomic_dir_check(const char *path, const char *const *own, struct sim_error *err)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return sim_error_set(err, EX_CANTCREAT_, "%s: cannot inspect output directory: %s", path,
				     strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return sim_error_set(err, EX_CANTCREAT_, "%s: exists and is not a directory; refusing to replace it",
				     path);
	DIR *d = opendir(path);
	if (!d)
		return sim_error_set(err, EX_CANTCREAT_, "%s: cannot read output directory: %s", path,
				     strerror(errno));
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (!own_name(e->d_name, own)) {
			rc = sim_error_set(err, EX_CANTCREAT_,
					   "%s: holds '%s', which mmsim did not write; refusing to replace the directory",
					   path, e->d_name);
			break;
		}
	closedir(d);
	return rc;
}

/* mkdir -p of path's parent directories. */
static int make_parents(const char *path, struct sim_error *err)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			return sim_error_set(err, EX_IOERR_, "%s: cannot create directory: %s", p, strerror(errno));
		*s = '/';
	}
	return 0;
}

int atomic_dir_open(struct atomic_dir *ad, const char *path, const char *const *own, struct sim_error *err)
{
	size_t len = strlen(path);
	ad->tmp_made = false;
	ad->own = own;
	ad->tmp[0] = '\0';
	while (len > 1 && path[len - 1] == '/')
		len--; /* "out/" names the directory out */
	if (!len || len >= sizeof(ad->path) - 32)
		return sim_error_set(err, EX_IOERR_, "%s: bad output directory name", path);
	memcpy(ad->path, path, len);
	ad->path[len] = '\0';
	snprintf(ad->tmp, sizeof(ad->tmp), "%s.tmp.%ld", ad->path, (long)getpid());
	if (atomic_dir_check(ad->path, own, err) || make_parents(ad->path, err))
		return -1;
	struct stat st;
	if (lstat(ad->tmp, &st) == 0 && S_ISDIR(st.st_mode))
		sim_remove_tree(ad->tmp); /* left by an earlier process that had our pid */
	if (mkdir(ad->tmp, 0777) != 0)
		return sim_error_set(err, EX_IOERR_, "%s: cannot create directory: %s", ad->tmp, strerror(errno));
	ad->tmp_made = true;
	return 0;
}

int atomic_dir_commit(struct atomic_dir *ad, struct sim_error *err)
{
	if (renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->path, RENAME_NOREPLACE) == 0)
		goto done;
	if (errno != EEXIST && errno != ENOTEMPTY && errno != EINVAL && errno != ENOSYS)
		goto fail;
	/* Something is there: check again (it may have changed meanwhile), then swap the whole
	 * directory in at once; the old one, now at tmp, is removed after. */
	if (atomic_dir_check(ad->path, ad->own, err))
		return -1;
	if (renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->path, RENAME_EXCHANGE) == 0) {
		sim_remove_tree(ad->tmp);
		goto done;
	}
	if (errno != EINVAL && errno != ENOSYS)
		goto fail;
	/* A file system without the exchange: move the old one aside, then ours in. */
	char old[4300];
	snprintf(old, sizeof(old), "%s.old", ad->tmp);
	if (rename(ad->path, old) != 0 && errno != ENOENT)
		goto fail;
	if (rename(ad->tmp, ad->path) != 0)
		goto fail;
	sim_remove_tree(old);
done:
	ad->tmp_made = false;
	return 0;
fail:
	return sim_error_set(err, EX_IOERR_, "%s: cannot rename %s into place: %s", ad->path, ad->tmp,
			     strerror(errno));
}

void atomic_dir_abort(struct atomic_dir *ad)
{
	if (ad->tmp_made)
		sim_remove_tree(ad->tmp);
	ad->tmp_made = false;
}
