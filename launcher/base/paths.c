#include "paths.h"

#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* Only the test build (passlaunch-test) reads the overrides: the binary
 * that is installed runs as root, and an environment kept by `sudo -E`
 * must not move what it reads and writes. */
const char *path_test_override(const char *name)
{
#ifdef PASSLAUNCH_TEST_BUILD
	return getenv(name);
#else
	(void)name;
	return NULL;
#endif
}

bool path_is_test_build(void)
{
#ifdef PASSLAUNCH_TEST_BUILD
	return true;
#else
	return false;
#endif
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = path_test_override(name);
	return v && v[0] == '/' ? v : fallback;
}

const char *path_sysfs(void)
{
	return env_or("PASSLAUNCH_SYSFS", "/sys");
}

const char *path_procfs(void)
{
	return env_or("PASSLAUNCH_PROCFS", "/proc");
}

const char *path_devfs(void)
{
	return env_or("PASSLAUNCH_DEVFS", "/dev");
}

const char *path_runtime(void)
{
	return env_or("PASSLAUNCH_RUNTIME_DIR", "/run/passlaunch");
}

const char *path_firmware_dirs(void)
{
	return env_or("PASSLAUNCH_FIRMWARE_PATH", "/etc/qemu/firmware:/usr/share/qemu/firmware");
}

char *path_self_exe(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return xstrdup("passlaunch");
	exe[n] = '\0';
	return xstrdup(exe);
}
