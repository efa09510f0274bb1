#include "profile_load.h"

#include "profile_check.h"
#include "profile_parse.h"
#include "profile_values.h"

#include <errno.h>
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

int profile_load(const char *path, struct profile *p, struct pl_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct stat st;
	int r;

	profile_init_defaults(p);
	p->path = xstrdup(path);
	if (!f)
		return err_input(err, "%s: cannot open the profile: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0)
		return err_set(err, errno, "%s: cannot stat: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_input(err, "%s: not a regular file; give the path of an .ini profile",
				 path);
	p->trusted = file_trusted(&st);
	r = profile_parse_stream(f, path, p, err);
	if (r < 0)
		return r;
	return profile_check(p, err);
}
