#include "pci_rebind.h"

#include "clock.h"
#include "paths.h"
#include "pci_sysfs.h"
#include "procs.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

enum step { STEP_OVERRIDE, STEP_UNBIND, STEP_PROBE };

/* What the child reports before each step, and after one that failed. */
struct step_report {
	unsigned char step;
	int error;
};

struct rebind {
	const char *bdf;
	const char *driver; /* "" for the kernel's choice */
	char from[64];	    /* the driver bound now, "" for none */
};

static void report(int fd, enum step step, int error)
{
	struct step_report r = {(unsigned char)step, error};

	if (write(fd, &r, sizeof(r)) < 0)
		_exit(127);
}

_noreturn_ static void write_steps(const struct rebind *rb, int fd)
{
	_cleanup_free_ char *override = pci_dev_path(rb->bdf, "driver_override");
	_cleanup_free_ char *unbind = pci_dev_path(rb->bdf, "driver/unbind");
	_cleanup_free_ char *probe = xasprintf("%s/bus/pci/drivers_probe", path_sysfs());
	const char *paths[] = {override, *rb->from ? unbind : NULL, probe};
	const char *values[] = {rb->driver, rb->bdf, rb->bdf};
	int r;

	for (enum step s = STEP_OVERRIDE; s <= STEP_PROBE; s++) {
		if (!paths[s])
			continue;
		report(fd, s, 0);
		r = sysfs_write_str(paths[s], values[s]);
		/* A probe that binds nothing is no failure: the driver is checked after. */
		if (r < 0 && s != STEP_PROBE) {
			report(fd, s, -r);
			_exit(1);
		}
	}
	_exit(0);
}

/* The last report of the child: the step it was in, and how it failed. */
static struct step_report last_report(int fd)
{
	struct step_report r = {0}, next;

	while (read(fd, &next, sizeof(next)) == sizeof(next))
		r = next;
	return r;
}

static int step_error(const struct rebind *rb, struct step_report r, bool hung, struct pl_err *err)
{
	int code = hung ? ETIMEDOUT : r.error;

	switch (r.step) {
	case STEP_OVERRIDE:
		return err_set(err, code, "vfio: cannot set the driver_override of %s: %s", rb->bdf,
			       hung ? "the device is busy (an unbind that waits for a process "
				      "using it?)"
				    : strerror(code));
	case STEP_UNBIND:
		if (hung)
			return err_set(
			    err, code,
			    "vfio: %s is still bound to %s after %d s; is a process using "
			    "it? (fuser -v /dev/dri/* /dev/snd/* /dev/vfio/*)",
			    rb->bdf, rb->from, PCI_BIND_TIMEOUT_MS / 1000);
		return err_set(err, code, "vfio: cannot unbind %s from %s: %s", rb->bdf, rb->from,
			       strerror(code));
	default:
		return err_set(err, code, "vfio: probing drivers for %s did not finish in %d s",
			       rb->bdf, PCI_BIND_TIMEOUT_MS / 1000);
	}
}

static int run_steps(const struct rebind *rb, struct pl_err *err)
{
	int fds[2], status;
	bool hung;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return err_set(err, errno, "vfio: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, errno, "vfio: cannot fork: %s", strerror(errno));
	}
	if (pid == 0)
		write_steps(rb, fds[1]);
	close(fds[1]);
	hung = !proc_wait_exit(pid, PCI_BIND_TIMEOUT_MS);
	if (hung)
		kill(pid, SIGKILL); /* blocked in the kernel, it ends when the write does */
	else
		waitpid(pid, &status, 0);
	if (hung || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		struct step_report r = last_report(fds[0]);
		close(fds[0]);
		return step_error(rb, r, hung, err);
	}
	close(fds[0]);
	return 0;
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

/* A device QEMU had is held a moment after QEMU ends (the kernel closes
 * its files and resets the device), or for as long as another process
 * keeps it. vfio lets one process at a time open a group: once the group
 * opens, nothing holds the device, and an unbind cannot block on it. */
static int wait_group_free(const char *bdf, struct pl_err *err)
{
	_cleanup_free_ char *node = xasprintf("%s/vfio/%d", path_devfs(), pci_iommu_group(bdf));
	uint64_t deadline = clock_ms() + PCI_BIND_TIMEOUT_MS;
	int fd;

	while ((fd = open(node, O_RDWR | O_CLOEXEC)) < 0 && errno == EBUSY) {
		if (clock_ms() >= deadline)
			return err_set(
			    err, EBUSY,
			    "vfio: %s is still held through vfio after %d s; is a process "
			    "using it? (fuser -v %s)",
			    bdf, PCI_BIND_TIMEOUT_MS / 1000, node);
		clock_wait_ms(10);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int pci_rebind(const char *bdf, const char *driver, struct pl_err *err)
{
	struct rebind rb = {bdf, driver, ""};
	int r;

	pci_driver(bdf, rb.from, sizeof(rb.from));
	if (*driver && streq(rb.from, driver))
		return 0;
	/* Back to whatever the kernel picks, and a host driver has it already. */
	if (!*driver && *rb.from && !streq(rb.from, "vfio-pci"))
		return 0;
	r = streq(rb.from, "vfio-pci") ? wait_group_free(bdf, err) : 0;
	if (r == 0)
		r = run_steps(&rb, err);
	if (r < 0)
		return r;
	if (*driver && !wait_driver(bdf, driver, true))
		return err_set(err, ENODEV, "vfio: %s did not bind to %s within %d s%s", bdf,
			       driver, PCI_BIND_TIMEOUT_MS / 1000,
			       streq(driver, "vfio-pci") ? " (is the vfio-pci module loaded?)"
							 : "");
	/* vfio-pci keeps its override, so nothing else claims the device while
	 * the guest has it; a host driver is bound as the device was before. */
	if (!streq(driver, "vfio-pci")) {
		_cleanup_free_ char *override = pci_dev_path(bdf, "driver_override");
		r = sysfs_write_str(override, "");
		if (r < 0)
			return err_set(err, -r, "vfio: cannot clear the driver_override of %s: %s",
				       bdf, strerror(-r));
	}
	return 0;
}
