#include "pkexec_guard.h"

#include "profile/profile_values.h"

#include <errno.h>
#include <sys/stat.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static bool allowed_option(const char *command, const char *arg)
{
	return (streq(command, "status") && streq(arg, "--json")) ||
	       (streq(command, "stop") && streq(arg, "--force"));
}

static int check_name(const char *name, struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/passlaunch/%s.ini", SYSCONFDIR, name);
	struct stat st;

	if (vm_name_valid(name) && stat(path, &st) == 0)
		return 0;
	return err_input(err,
			 "through pkexec, '%s' is not the name of a profile in %s/passlaunch; a "
			 "path or another profile needs an administrator: sudo passlaunch ...",
			 name, SYSCONFDIR);
}

int pkexec_guard(int argc, char **argv, struct pl_err *err)
{
	const char *command = argv[0];
	int names = 0;

	if (geteuid() != 0 || !getenv("PKEXEC_UID"))
		return 0;
	if (!streq(command, "start") && !streq(command, "stop") && !streq(command, "status"))
		return 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (argv[i][0] == '-') {
			if (!allowed_option(command, argv[i]))
				return err_input(err,
						 "through pkexec, %s takes no option %s; run it as "
						 "an administrator: sudo passlaunch %s ...",
						 command, argv[i], command);
			continue;
		}
		if ((r = check_name(argv[i], err)) < 0)
			return r;
		names++;
	}
	if (names != 1 && !(streq(command, "status") && names == 0))
		return err_input(err,
				 "through pkexec: passlaunch %s NAME, one profile in %s/passlaunch",
				 command, SYSCONFDIR);
	return 0;
}
