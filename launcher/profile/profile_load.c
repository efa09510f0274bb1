#include "profile_load.h"

#include "profile_check.h"
#include "profile_parse.h"
#include "profile_values.h"

#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static char *user_config_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/passlaunch", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/passlaunch", home);
	return NULL;
}

int profile_resolve(const char *arg, char **path, struct pl_err *err)
{
	_cleanup_free_ char *dir = user_config_dir();
	_cleanup_free_ char *user_path = dir ? xasprintf("%s/%s.ini", dir, arg) : NULL;
	_cleanup_free_ char *system_path = xasprintf("%s/passlaunch/%s.ini", SYSCONFDIR, arg);

	if (strchr(arg, '/') || str_has_suffix(arg, ".ini")) {
		*path = xstrdup(arg);
		return 0;
	}
	if (!vm_name_valid(arg))
		return err_input(err, "'%s' is neither a profile path nor a VM name", arg);
	if (user_path && access(user_path, F_OK) == 0) {
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

/* Whose rights read a profile that is not root's: the user behind pkexec
 * or sudo, else nobody. Only ever fewer rights than root's. */
static struct passwd *reader(void)
{
	const char *vars[] = {"PKEXEC_UID", "SUDO_UID"};

	for (size_t i = 0; i < N_ELEMENTS(vars); i++) {
		const char *v = getenv(vars[i]);
		char *end;
		unsigned long uid = v && *v ? strtoul(v, &end, 10) : 0;
		struct passwd *pw = uid && !*end ? getpwuid((uid_t)uid) : NULL;
		if (pw)
			return pw;
	}
	return getpwnam("nobody");
}

static int open_profile(const char *path, bool must_trust, bool *trusted, struct pl_err *err)
{
	struct trust_req req = {"the profile", O_RDONLY, TRUST_REG, must_trust};
	struct passwd *pw;
	int fd = trust_open(path, &req, err);

	*trusted = fd >= 0;
	if (fd != -EPERM || must_trust || geteuid() != 0)
		return fd;
	err_clear(err);
	pw = reader();
	if (!pw)
		return err_input(err, "%s: not root's, and there is no user 'nobody' to read it as",
				 path);
	return trust_open_as(path, pw->pw_uid, pw->pw_gid, pw->pw_name, &req, err);
}

int profile_load(const char *path, struct profile *p, bool must_trust, struct pl_err *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct stat st;
	bool trusted;
	int fd, r;

	profile_init_defaults(p);
	p->path = xstrdup(path);
	fd = open_profile(path, must_trust, &trusted, err);
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
	p->trusted = trusted && file_trusted(&st);
	r = profile_parse_stream(f, path, p, err);
	if (r < 0)
		return r;
	return profile_check(p, err);
}
