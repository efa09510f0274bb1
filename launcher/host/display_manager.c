#include "display_manager.h"

#include "base/paths.h"
#include "base/util.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A unit name as systemd makes them: nothing a shell or a path could take
 * for more. */
static bool service_name(const char *name)
{
	size_t n = strlen(name);

	return n > 8 && n < 128 &&
	       strspn(name,
		      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.@-") == n &&
	       name[0] != '-' && str_has_suffix(name, ".service");
}

static bool cgroup_has_processes(const char *unit)
{
	static const char *const trees[] = {"fs/cgroup/system.slice",
					    "fs/cgroup/systemd/system.slice"};
	char line[32];

	for (size_t i = 0; i < N_ELEMENTS(trees); i++) {
		_cleanup_free_ char *path =
		    xasprintf("%s/%s/%s/cgroup.procs", path_sysfs(), trees[i], unit);
		_cleanup_fclose_ FILE *f = fopen(path, "re");
		if (f && fgets(line, sizeof(line), f))
			return true;
	}
	return false;
}

char *display_manager_running(void)
{
	const char *dir = path_test_override("PASSLAUNCH_SYSTEMD_CONFIG");
	_cleanup_free_ char *alias = xasprintf("%s/display-manager.service",
					       dir && *dir == '/' ? dir : "/etc/systemd/system");
	char target[PATH_MAX];
	const char *unit;
	ssize_t n = readlink(alias, target, sizeof(target) - 1);

	if (n <= 0)
		return NULL;
	target[n] = '\0';
	unit = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (!service_name(unit) || !cgroup_has_processes(unit))
		return NULL;
	return xstrdup(unit);
}
