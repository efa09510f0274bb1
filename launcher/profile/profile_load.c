#include "profile_load.h"

#include "profile_check.h"
#include "profile_parse.h"
#include "profile_values.h"

#include "base/invoker.h"
#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* Through sudo or pkexec the home is the user's own (sudo sets HOME to
 * root's); XDG_CONFIG_HOME is the user's when `sudo -E` kept it. */
static char *user_config_dir(const struct passwd *pw)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = pw ? pw->pw_dir : getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/passlaunch", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/passlaunch", home);
	return NULL;
}

/* Whether PATH is there for PW (the user behind sudo or pkexec), looked
 * for with that user's rights alone: what root alone can see, such as a
 * profile in a directory the user may not enter, shows in nothing. A file
 * the user sees but cannot use is chosen, for its load to say why. */
static bool user_sees(const char *path, const struct passwd *pw)
{
	struct trust_req req = {"the profile", O_RDONLY, TRUST_REG, false};
	struct pl_err ignored = {0};
	int fd;

	if (!pw)
		return access(path, F_OK) == 0;
	fd = trust_open_as(path, pw->pw_uid, pw->pw_gid, pw->pw_name, &req, &ignored);
	if (fd >= 0)
		close(fd);
	return fd >= 0 || (fd != -ENOENT && fd != -ENOTDIR && fd != -EACCES);
}

int profile_resolve(const char *arg, char **path, struct pl_err *err)
{
	struct passwd *pw = geteuid() == 0 ? invoker_passwd() : NULL;
	_cleanup_free_ char *dir = user_config_dir(pw);
	_cleanup_free_ char *user_path = dir ? xasprintf("%s/%s.ini", dir, arg) : NULL;
	_cleanup_free_ char *system_path = xasprintf("%s/passlaunch/%s.ini", SYSCONFDIR, arg);

	if (strchr(arg, '/') || str_has_suffix(arg, ".ini")) {
		*path = xstrdup(arg);
		return 0;
	}
	if (!vm_name_valid(arg))
		return err_input(err, "'%s' is neither a profile path nor a VM name", arg);
	if (user_path && user_sees(user_path, pw)) {
		*path = steal_pointer(&user_path);
		return 0;
	}
	if (access(system_path, F_OK) == 0) {
		*path = steal_pointer(&system_path);
		return 0;
	}
	return err_input(err,
			 "no profile named '%s': looked for %s%s%s; give a path, or copy an "
			 "example from the profiles shipped with passlaunch",
			 arg, user_path ? user_path : "", user_path ? " and " : "", system_path);
}

/* Trusted: nobody but root (or, when not root, the caller) can change it. */
static bool file_trusted(const struct stat *st)
{
	bool owner_ok = st->st_uid == 0 || (geteuid() != 0 && st->st_uid == geteuid());
	return owner_ok && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* PATH opened with the rights of PW alone. Through sudo or pkexec it comes
 * before root's walk, so that what root sees of a file the user may not
 * read (whether it exists, its owner) shows in no message. */
static int open_as(const char *path, const struct passwd *pw, const struct trust_req *req,
		   struct pl_err *err)
{
	_cleanup_free_ char *shown = absolute_path(path);
	int fd = trust_open_as(path, pw->pw_uid, pw->pw_gid, pw->pw_name, req, err);

	if (fd != -EACCES && fd != -EPERM)
		return fd;
	err_clear(err);
	return err_input(err,
			 "%s: %s may not read it; through sudo or pkexec, passlaunch reads a "
			 "profile only with the rights of the user behind it as well; make it "
			 "readable, e.g. chmod 644 %s",
			 path, pw->pw_name, shown ? shown : path);
}

static int same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Root's walk decides whether the profile is trusted (its reason kept in
 * P->untrusted_why when not); the user behind sudo or pkexec must be able to
 * read it too, and the two opens must be one file. A profile that is not
 * root's is read with that user's rights, or nobody's, never root's. */
static int open_profile(const char *path, bool must_trust, struct profile *p, struct pl_err *err)
{
	struct trust_req req = {"the profile", O_RDONLY, TRUST_REG, must_trust};
	struct passwd *pw = geteuid() == 0 ? invoker_passwd() : NULL;
	_cleanup_close_ int user_fd = pw ? open_as(path, pw, &req, err) : -1;
	int fd;

	if (pw && user_fd < 0)
		return user_fd;
	fd = trust_open(path, &req, err);
	p->trusted = fd >= 0;
	if (fd == -EPERM && !must_trust && geteuid() == 0) {
		p->untrusted_why = xstrdup(err->msg);
		err_clear(err);
		if (user_fd >= 0)
			return steal_fd(&user_fd);
		pw = getpwnam("nobody");
		if (!pw)
			return err_input(
			    err, "%s: not root's, and there is no user 'nobody' to read it as",
			    path);
		return open_as(path, pw, &req, err);
	}
	if (fd < 0 || user_fd < 0)
		return fd;
	if (!same_file(fd, user_fd)) {
		close(fd);
		return err_input(err, "%s: it changed while it was opened; try again", path);
	}
	close(fd);
	return steal_fd(&user_fd);
}

int profile_load(const char *path, struct profile *p, bool must_trust, struct pl_err *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct stat st;
	int fd, r;

	profile_init_defaults(p);
	p->path = xstrdup(path);
	fd = open_profile(path, must_trust, p, err);
	if (fd < 0)
		return fd == -EPERM || fd == -EMEDIUMTYPE
			   ? fd
			   : err_exit_status(err, EXIT_BAD_INPUT, fd);
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return err_set(err, errno, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "%s: cannot stat: %s", path, strerror(errno));
	p->trusted = p->trusted && file_trusted(&st);
	r = profile_parse_stream(f, path, p, err);
	if (r < 0)
		return r;
	return profile_check(p, err);
}
