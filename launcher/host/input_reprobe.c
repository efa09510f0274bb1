#include "input_reprobe.h"

#include "base/paths.h"
#include "base/util.h"
#include "sysfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define INPUT_MAJOR 13

/* The node's device directory in sysfs, resolved: .../inputN/eventM. */
static char *node_device_dir(unsigned major, unsigned minor)
{
	_cleanup_free_ char *link = xasprintf("%s/dev/char/%u:%u", path_sysfs(), major, minor);
	return realpath(link, NULL);
}

static bool has_entry(const char *dir, const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Cuts DIR to its parent in place; false at the sysfs root's devices/. */
static bool parent_dir(char *dir, const char *devices)
{
	char *slash = strrchr(dir, '/');

	if (!slash || (size_t)(slash - dir) < strlen(devices))
		return false;
	*slash = '\0';
	return strcmp(dir, devices) != 0;
}

/* The buses whose devices are the input device's own (a HID device, a
 * serio port, a virtio device, a USB interface): a driver higher up (a
 * sound card's jack, a whole PCI function) serves more than the input. */
static bool bus_is_input_own(const char *dir)
{
	static const char *const buses[] = {"hid", "serio", "virtio", "usb"};
	_cleanup_free_ char *subsystem = xasprintf("%s/subsystem", dir);
	_cleanup_free_ char *bus = realpath(subsystem, NULL);
	const char *name = bus ? strrchr(bus, '/') : NULL;

	for (size_t i = 0; name && i < N_ELEMENTS(buses); i++)
		if (streq(name + 1, buses[i]))
			return true;
	return false;
}

/* A driver registered without bind files cannot let its device go. */
static bool driver_can_rebind(const char *dir)
{
	_cleanup_free_ char *driver = xasprintf("%s/driver", dir);
	_cleanup_free_ char *resolved = realpath(driver, NULL);

	return resolved && has_entry(resolved, "unbind") && has_entry(resolved, "bind");
}

int input_revocable(dev_t rdev, char **devpath)
{
	_cleanup_free_ char *sys = realpath(path_sysfs(), NULL);
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ char *devices = NULL;

	*devpath = NULL;
	if (major(rdev) != INPUT_MAJOR)
		return -ENOTTY;
	dir = node_device_dir(major(rdev), minor(rdev));
	if (!sys || !dir)
		return -ENOTTY;
	devices = xasprintf("%s/devices", sys);
	/* eventM (or mouseM, jsM) under inputN. */
	if (!parent_dir(dir, devices) || strncmp(strrchr(dir, '/'), "/input", 6) != 0)
		return -ENOTTY;
	while (parent_dir(dir, devices)) {
		if (!has_entry(dir, "driver"))
			continue;
		if (!bus_is_input_own(dir))
			return -EBUSY;
		if (!driver_can_rebind(dir))
			return -EPERM;
		*devpath = xstrdup(dir + strlen(sys) + 1);
		return 0;
	}
	return -ENODEV;
}

const char *input_revocable_reason(int r)
{
	switch (r) {
	case -ENOTTY:
		return "it is not an input device's node (/dev/input/eventN)";
	case -EPERM:
		return "its driver cannot let it go (it has no unbind)";
	case -EBUSY:
		return "the driver that serves it serves more than this input device (a sound "
		       "card's or a PCI function's), which passlaunch does not probe again";
	default:
		return "no driver serves this input device (one made through uinput, by keyd "
		       "or input-remapper?)";
	}
}

static bool node_is_under(const char *rdev, const char *dir)
{
	unsigned major, minor;
	_cleanup_free_ char *node = NULL;
	size_t len = strlen(dir);

	if (sscanf(rdev, "%u:%u", &major, &minor) != 2)
		return false;
	node = node_device_dir(major, minor);
	return node && strncmp(node, dir, len) == 0 && node[len] == '/';
}

/* DIR, left with no driver, to whichever its bus finds. */
static int probe_again(const char *dir, const char *name)
{
	_cleanup_free_ char *subsystem = xasprintf("%s/subsystem", dir);
	_cleanup_free_ char *bus = realpath(subsystem, NULL);
	_cleanup_free_ char *probe = NULL;

	if (!bus)
		return -errno;
	probe = xasprintf("%s/drivers_probe", bus);
	return sysfs_write_str(probe, name);
}

/* The driver's directory is read before the unbind, which takes away the
 * device's driver link. An error of the writes is the run's to report,
 * never taken for a device that went away. */
int input_reprobe(const char *rdev, const char *devpath)
{
	_cleanup_free_ char *sys = realpath(path_sysfs(), NULL);
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ char *link = NULL;
	_cleanup_free_ char *driver = NULL;
	_cleanup_free_ char *unbind = NULL;
	_cleanup_free_ char *bind = NULL;
	const char *name = strrchr(devpath, '/');
	int r;

	if (!sys || !name || strstr(devpath, ".."))
		return -EINVAL;
	name++;
	dir = xasprintf("%s/%s", sys, devpath);
	if (!node_is_under(rdev, dir)) {
		/* A bind that failed in an earlier replay left it driverless. */
		if (access(dir, F_OK) == 0 && !has_entry(dir, "driver"))
			return probe_again(dir, name) < 0 ? -EIO : 0;
		return 0;
	}
	link = xasprintf("%s/driver", dir);
	driver = realpath(link, NULL);
	if (!driver)
		return -EIO;
	unbind = xasprintf("%s/unbind", driver);
	bind = xasprintf("%s/bind", driver);
	if (sysfs_write_str(unbind, name) < 0)
		return -EIO;
	r = sysfs_write_str(bind, name);
	if (r < 0 && probe_again(dir, name) < 0)
		return -EIO;
	return 0;
}
