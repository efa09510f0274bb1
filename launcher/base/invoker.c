#include "invoker.h"

#include "util.h"

#include <ctype.h>
#include <grp.h>
#include <errno.h>
#include <limits.h>

enum invoker invoker_uid(uid_t *uid, const char **from)
{
	static const char *const vars[] = {"SUDO_UID", "PKEXEC_UID"};

	for (size_t i = 0; i < N_ELEMENTS(vars); i++) {
		const char *v = getenv(vars[i]);
		char *end;
		unsigned long n;
		if (!v)
			continue;
		if (from)
			*from = vars[i];
		errno = 0;
		n = isdigit((unsigned char)v[0]) ? strtoul(v, &end, 10) : ULONG_MAX;
		/* The first one set decides: a bad SUDO_UID never lets PKEXEC_UID speak. */
		if (n == ULONG_MAX || errno || *end || n != (uid_t)n || (uid_t)n == (uid_t)-1)
			return INVOKER_BAD;
		*uid = (uid_t)n;
		return n == 0 ? INVOKER_NONE : INVOKER_USER;
	}
	return INVOKER_NONE;
}

/* nobody, even on a host whose passwd has no such entry. */
static struct passwd *nobody(void)
{
	static struct passwd fallback = {.pw_name = (char *)"nobody",
					 .pw_uid = 65534,
					 .pw_gid = 65534,
					 .pw_dir = (char *)"/nonexistent",
					 .pw_shell = (char *)"/usr/sbin/nologin"};
	struct passwd *pw = getpwnam("nobody");

	return pw ? pw : &fallback;
}

struct passwd *invoker_passwd(void)
{
	uid_t uid = 0;
	struct passwd *pw;

	switch (invoker_uid(&uid, NULL)) {
	case INVOKER_NONE:
		return NULL;
	case INVOKER_USER:
		pw = getpwuid(uid);
		return pw ? pw : nobody();
	default:
		return nobody();
	}
}

int invoker_become(const char **home, struct pl_err *err)
{
	struct passwd *pw = geteuid() == 0 ? invoker_passwd() : NULL;

	if (!pw)
		return 0;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return err_set(err, errno, "cannot become %s: %s", pw->pw_name, strerror(errno));
	if (home)
		*home = pw->pw_dir;
	return 0;
}
