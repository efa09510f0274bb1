#include "pci_sysfs.h"

#include "clock.h"
#include "paths.h"
#include "procs.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <sys/wait.h>

static char *dev_path(const char *bdf, const char *file)
{
	return xasprintf("%s/bus/pci/devices/%s%s%s", path_sysfs(), bdf, *file ? "/" : "", file);
}

bool pci_exists(const char *bdf)
{
	_cleanup_free_ char *path = dev_path(bdf, "");
	return access(path, F_OK) == 0;
}

void pci_driver(const char *bdf, char *buf, size_t len)
{
	_cleanup_free_ char *link = dev_path(bdf, "driver");
	char target[512];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	buf[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(buf, len, "%s", basename(target));
}

int pci_iommu_group(const char *bdf)
{
	_cleanup_free_ char *link = dev_path(bdf, "iommu_group");
	char target[512];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n <= 0)
		return -1;
	target[n] = '\0';
	return atoi(basename(target));
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pci_group_devices(int group, struct strv *out)
{
	_cleanup_free_ char *dir =
	    xasprintf("%s/kernel/iommu_groups/%d/devices", path_sysfs(), group);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			strv_push(out, e->d_name);
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), compare);
}

static unsigned long pci_class(const char *bdf)
{
	_cleanup_free_ char *path = dev_path(bdf, "class");
	char text[32] = "";

	sysfs_read_str(path, text, sizeof(text));
	return strtoul(text, NULL, 16);
}

bool pci_is_bridge(const char *bdf)
{
	return (pci_class(bdf) >> 8) == 0x0604;
}

void pci_describe(const char *bdf, char *buf, size_t len)
{
	static const struct {
		unsigned long class;
		const char *name;
	} names[] = {{0x0300, "VGA controller"},  {0x0302, "3D controller"},
		     {0x0403, "audio device"},	  {0x0c03, "USB controller"},
		     {0x0108, "NVMe controller"}, {0x0200, "Ethernet controller"},
		     {0x0604, "PCI bridge"}};
	_cleanup_free_ char *vendor_path = dev_path(bdf, "vendor");
	_cleanup_free_ char *device_path = dev_path(bdf, "device");
	unsigned long class = pci_class(bdf) >> 8;
	char vendor[16] = "", device[16] = "";
	const char *name = "device";

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (names[i].class == class)
			name = names[i].name;
	sysfs_read_str(vendor_path, vendor, sizeof(vendor));
	sysfs_read_str(device_path, device, sizeof(device));
	snprintf(buf, len, "%s [%s:%s]", name, vendor[0] ? vendor + 2 : "?",
		 device[0] ? device + 2 : "?");
}

/* Waits, bounded, for the device's driver to become (or stop being) name. */
static bool wait_driver(const char *bdf, const char *name, bool want)
{
	uint64_t deadline = clock_ms() + PCI_BIND_TIMEOUT_MS;
	char now[64];

	for (;;) {
		pci_driver(bdf, now, sizeof(now));
		if (streq(now, name) == want)
			return true;
		if (clock_ms() >= deadline)
			return false;
		clock_wait_ms(10);
	}
}

/* The unbind write blocks in the kernel while the driver's remove waits
 * for users of the device: it is done in a child so the wait is bounded. */
static int bounded_write(const char *path, const char *value)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(sysfs_write_str(path, value) < 0 ? 1 : 0);
	if (!proc_wait_exit(pid, PCI_BIND_TIMEOUT_MS)) {
		/* Not waited for: blocked in the kernel, it may not die yet. */
		kill(pid, SIGKILL);
		return -ETIMEDOUT;
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int unbind(const char *bdf, const char *from, struct pl_err *err)
{
	_cleanup_free_ char *path = dev_path(bdf, "driver/unbind");
	int r = bounded_write(path, bdf);

	if (r == -ETIMEDOUT || !wait_driver(bdf, from, false))
		return err_set(err, ETIMEDOUT,
			       "vfio: %s is still bound to %s after %d s; is a process using it? "
			       "(fuser -v /dev/dri/* /dev/snd/* /dev/vfio/*)",
			       bdf, from, PCI_BIND_TIMEOUT_MS / 1000);
	if (r < 0)
		return err_set(err, -r, "vfio: cannot unbind %s from %s", bdf, from);
	return 0;
}

int pci_rebind(const char *bdf, const char *driver, struct pl_err *err)
{
	_cleanup_free_ char *override = dev_path(bdf, "driver_override");
	_cleanup_free_ char *probe = xasprintf("%s/bus/pci/drivers_probe", path_sysfs());
	char now[64];
	int r;

	pci_driver(bdf, now, sizeof(now));
	if (*driver && streq(now, driver))
		return 0;
	/* Back to whatever the kernel picks, and a host driver has it already. */
	if (!*driver && *now && !streq(now, "vfio-pci"))
		return 0;
	r = sysfs_write_str(override, driver);
	if (r < 0)
		return err_set(err, -r, "vfio: cannot set the driver_override of %s: %s", bdf,
			       strerror(-r));
	if (*now && unbind(bdf, now, err) < 0)
		return -ETIMEDOUT;
	r = bounded_write(probe, bdf);
	if (r == -ETIMEDOUT)
		return err_set(err, ETIMEDOUT,
			       "vfio: probing drivers for %s did not finish in %d s", bdf,
			       PCI_BIND_TIMEOUT_MS / 1000);
	if (*driver && !wait_driver(bdf, driver, true))
		return err_set(err, ENODEV, "vfio: %s did not bind to %s within %d s%s", bdf,
			       driver, PCI_BIND_TIMEOUT_MS / 1000,
			       streq(driver, "vfio-pci") ? " (is the vfio-pci module loaded?)"
							 : "");
	/* vfio-pci keeps its override, so nothing else claims the device while
	 * the guest has it; a host driver is bound as the device was before. */
	if (!streq(driver, "vfio-pci") && (r = sysfs_write_str(override, "")) < 0)
		return err_set(err, -r, "vfio: cannot clear the driver_override of %s: %s", bdf,
			       strerror(-r));
	return 0;
}

char *pci_saved_driver_path(const char *bdf)
{
	return xasprintf("%s/devices/%s", path_runtime(), bdf);
}

void pci_read(const char *bdf, const char *file, char *buf, size_t len)
{
	_cleanup_free_ char *path = dev_path(bdf, file);

	*buf = '\0';
	sysfs_read_str(path, buf, len);
}
