#include "identity.h"

#include "base/invoker.h"
#include "base/paths.h"

#include <errno.h>
#include <pwd.h>

/* An environment kept by `sudo -E` (or a root shell's stale one) could
 * still name anyone in PKEXEC_UID or SUDO_UID. The installed binary takes
 * the user only when it is the user of this login session (the audit
 * loginuid, which no user can change); the test build takes it as it is. */
static bool is_session_user(uid_t uid)
{
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long login = 0;

	if (path_is_test_build() || geteuid() != 0)
		return true;
	f = fopen("/proc/self/loginuid", "re");
	return f && fscanf(f, "%lu", &login) == 1 && login == uid;
}

static const struct passwd *invoking_user(void)
{
	uid_t uid;

	if (invoker_uid(&uid, NULL) == INVOKER_USER && is_session_user(uid))
		return getpwuid(uid);
	return getpwuid(getuid());
}

static int from_passwd(const struct passwd *pw, struct identity *id)
{
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	id->name = xstrdup(pw->pw_name);
	id->home = xstrdup(pw->pw_dir);
	return 0;
}

int identity_resolve(const struct profile *p, struct identity *id, struct pl_err *err)
{
	const struct passwd *pw;
	int line = profile_key_line(p, "vm", "user");

	*id = (struct identity){0};
	pw = p->vm.user ? getpwnam(p->vm.user) : invoking_user();
	if (!pw && p->vm.user)
		return err_input(err, "%s:%d: [vm] user = %s: no such user on this host", p->path,
				 line, p->vm.user);
	if (!pw)
		return err_set(err, ENOENT, "cannot tell who started passlaunch (uid %d)",
			       (int)getuid());
	from_passwd(pw, id);
	if (geteuid() != 0) {
		if (id->uid != geteuid())
			return err_input(err,
					 "%s:%d: [vm] user = %s, but passlaunch runs as uid %d and "
					 "cannot switch users; run it as root (sudo, pkexec)",
					 p->path, line, id->name, (int)geteuid());
		return 0;
	}
	if (id->uid == 0 && !p->sandbox.qemu_as_root)
		return err_input(
		    err,
		    "%s: QEMU would run as root; name its user with [vm] user = NAME, "
		    "or start passlaunch through sudo or pkexec so it knows who you are "
		    "(or, against all advice, set [sandbox] qemu_as_root = yes)",
		    p->path);
	/* Even as root, QEMU keeps no capability (its bounding set is cleared). */
	id->drop = true;
	return 0;
}

void identity_free(struct identity *id)
{
	free(id->name);
	free(id->home);
	*id = (struct identity){0};
}
