#include "trust.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

static bool writable_by_others(const struct stat *st)
{
	/* A sticky directory (/tmp) lets nobody replace another's entry. */
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))
		return false;
	return st->st_mode & (S_IWGRP | S_IWOTH);
}

static int refuse(const char *what, const char *given, const char *bad, const struct stat *st,
		  struct pl_err *err)
{
	const char *kind = S_ISDIR(st->st_mode) ? "its directory " : "";

	if (st->st_uid != 0)
		return err_input(err,
				 "%s: %s%s is owned by uid %u; passlaunch runs as root and uses it "
				 "as %s, so whoever can change it would own the machine; fix with: "
				 "chown root: %s",
				 given, kind, bad, (unsigned)st->st_uid, what, bad);
	return err_input(err,
			 "%s: %s%s is writable by group or others; passlaunch runs as root "
			 "and uses it as %s, so whoever can change it would own the machine; "
			 "fix with: chmod go-w %s",
			 given, kind, bad, what, bad);
}

int trust_require(const char *path, const char *what, struct pl_err *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (geteuid() != 0)
		return 0;
	if (!realpath(path, real))
		return err_input(err, "%s: cannot resolve %s: %s", path, what, strerror(errno));
	/* The file, then each directory above it up to the root. */
	for (;;) {
		const char *at = *real ? real : "/";
		if (stat(at, &st) < 0)
			return err_set(err, errno, "%s: cannot stat %s: %s", path, at,
				       strerror(errno));
		if (st.st_uid != 0 || writable_by_others(&st))
			return refuse(what, path, at, &st, err);
		if (!*real)
			return 0;
		*strrchr(real, '/') = '\0';
	}
}
