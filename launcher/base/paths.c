#include "paths.h"

#include <stdlib.h>

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
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
