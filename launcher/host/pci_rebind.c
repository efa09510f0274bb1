#include "pci_rebind.h"

#include "base/clock.h"
#include "base/paths.h"
#include "pci_sysfs.h"
#include "procs.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <limits.h>
#include <sys/wait.h>

enum step { STEP_OVERRIDE, STEP_UNBIND, STEP_RESIZE, STEP_PROBE };

/* What the child reports before each step, and after one that failed. */
struct step_report {
	unsigned char step;
	unsigned char bar; /* STEP_RESIZE's */
	int error;
};

struct rebind {
	const char *bdf;
	const char *driver;		 /* "" for the kernel's choice */
	const struct rebar_sizes *sizes; /* BARs resized while unbound; NULL: none */
	char from[64];			 /* the driver bound now, "" for none */
};

/* One write of the child's, in order. */
struct step_write {
	enum step step;
	unsigned char bar;
	const char *path;
	const char *value;
};

/* What the writer child needs, all of it prepared before the clone: the
 * child shares the launcher's memory and must not allocate. */
struct steps {
	struct step_write w[3 + REBAR_BARS];
	size_t n;
	int report_fd;
};

static bool report(int fd, const struct step_write *w, int error)
{
	struct step_report r = {(unsigned char)w->step, w->bar, error};

	return write(fd, &r, sizeof(r)) == sizeof(r);
}

/* The child: its return value is its exit status. It never returns to the
 * launcher's code, and touches nothing of the launcher's but its own
 * arguments; the launcher meanwhile only polls for its end (errno, which
 * they share, is not read by the launcher until then). */
static int write_steps(void *arg)
{
	const struct steps *st = arg;
	int status = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct step_write *w = &st->w[i];
		int r;
		if (!report(st->report_fd, w, 0))
			return 127;
		r = sysfs_write_str(w->path, w->value);
		/* A probe that binds nothing is no failure: the driver is checked
		 * after. A BAR the kernel cannot resize keeps its size, and the
		 * device still goes to its driver: status 2 says so. */
		if (r < 0 && w->step == STEP_RESIZE) {
			report(st->report_fd, w, -r);
			status = 2;
		} else if (r < 0 && w->step != STEP_PROBE) {
			report(st->report_fd, w, -r);
			return 1;
		}
	}
	return status;
}

/* The last report of the child: the step it was in, and how it failed;
 * or, with failed_resize, the first resize that failed. */
static struct step_report last_report(int fd, bool failed_resize)
{
	struct step_report r = {0}, next;

	while (read(fd, &next, sizeof(next)) == sizeof(next)) {
		if (failed_resize && next.step == STEP_RESIZE && next.error)
			return next;
		r = next;
	}
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
	case STEP_RESIZE:
		if (hung)
			return err_set(err, code,
				       "vfio: resizing BAR %u of %s did not finish in %d s", r.bar,
				       rb->bdf, PCI_BIND_TIMEOUT_MS / 1000);
		return err_set(err, code,
			       "vfio: the kernel could not resize BAR %u of %s (%s); it keeps its "
			       "size. The bridge above it may lack the room: turn on Above 4G "
			       "decoding and Resizable BAR in the firmware setup, or ask for a "
			       "smaller size",
			       r.bar, rb->bdf, strerror(code));
	default:
		return err_set(err, code, "vfio: probing drivers for %s did not finish in %d s",
			       rb->bdf, PCI_BIND_TIMEOUT_MS / 1000);
	}
}

#define WRITER_STACK_SIZE (64 * 1024)

/* Starts write_steps in a child sharing the launcher's memory, as
 * posix_spawn does: no page tables copied, no page faulted in twice, which
 * under emulation is most of what a fork costs. */
static pid_t start_writer(struct steps *st, void **stack)
{
	pid_t pid;

	*stack = mmap(NULL, WRITER_STACK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (*stack == MAP_FAILED)
		return -1;
	pid = clone(write_steps, (char *)*stack + WRITER_STACK_SIZE, CLONE_VM | SIGCHLD, st);
	if (pid < 0) {
		int saved = errno;
		munmap(*stack, WRITER_STACK_SIZE);
		errno = saved;
	}
	return pid;
}

/* The writes in order: the override, the unbind (when a driver has the
 * device), each BAR's new size while no driver has it, the probe. */
static void plan_steps(const struct rebind *rb, struct steps *st, char (*paths)[PATH_MAX],
		       char (*bits)[4])
{
	st->n = 0;
	snprintf(paths[0], PATH_MAX, "%s/bus/pci/devices/%s/driver_override", path_sysfs(),
		 rb->bdf);
	st->w[st->n++] = (struct step_write){STEP_OVERRIDE, 0, paths[0], rb->driver};
	if (*rb->from) {
		snprintf(paths[1], PATH_MAX, "%s/bus/pci/devices/%s/driver/unbind", path_sysfs(),
			 rb->bdf);
		st->w[st->n++] = (struct step_write){STEP_UNBIND, 0, paths[1], rb->bdf};
	}
	for (unsigned i = 0; rb->sizes && i < rb->sizes->n; i++) {
		const struct bar_size *b = &rb->sizes->v[i];
		snprintf(paths[2 + i], PATH_MAX, "%s/bus/pci/devices/%s/resource%u_resize",
			 path_sysfs(), rb->bdf, b->bar);
		snprintf(bits[i], 4, "%u", b->bit);
		st->w[st->n++] = (struct step_write){STEP_RESIZE, b->bar, paths[2 + i], bits[i]};
	}
	snprintf(paths[2 + REBAR_BARS], PATH_MAX, "%s/bus/pci/drivers_probe", path_sysfs());
	st->w[st->n++] = (struct step_write){STEP_PROBE, 0, paths[2 + REBAR_BARS], rb->bdf};
}

static int run_steps(const struct rebind *rb, struct pl_err *err)
{
	_cleanup_free_ char(*paths)[PATH_MAX] = xcalloc(3 + REBAR_BARS, PATH_MAX);
	char bits[REBAR_BARS][4];
	struct steps st = {.report_fd = -1};
	int fds[2], status = 0;
	void *stack;
	bool hung;
	pid_t pid;

	plan_steps(rb, &st, paths, bits);
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return err_set(err, errno, "vfio: pipe: %s", strerror(errno));
	st.report_fd = fds[1];
	pid = start_writer(&st, &stack);
	if (pid < 0) {
		int saved = errno;
		close(fds[0]);
		close(fds[1]);
		return err_set(err, saved, "vfio: cannot start a child: %s", strerror(saved));
	}
	hung = !proc_wait_exit(pid, PCI_BIND_TIMEOUT_MS);
	/* A hung child keeps its stack: blocked in the kernel, it ends when the
	 * write does, and must not come back to a stack that is gone. */
	if (hung)
		kill(pid, SIGKILL);
	else if (waitpid(pid, &status, 0) == pid)
		munmap(stack, WRITER_STACK_SIZE);
	close(fds[1]);
	if (hung || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		bool resize_failed = !hung && WIFEXITED(status) && WEXITSTATUS(status) == 2;
		struct step_report r = last_report(fds[0], resize_failed);
		close(fds[0]);
		step_error(rb, r, hung, err);
		return resize_failed ? 1 : -EIO;
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
	return pci_rebind_resizing(bdf, driver, NULL, err);
}

int pci_rebind_resizing(const char *bdf, const char *driver, const struct rebar_sizes *sizes,
			struct pl_err *err)
{
	struct rebind rb = {bdf, driver, sizes, ""};
	struct pl_err resize_err = {0};
	int r, resized;

	pci_driver(bdf, rb.from, sizeof(rb.from));
	if (*driver && streq(rb.from, driver))
		return 0;
	/* Back to whatever the kernel picks, and a host driver has it already. */
	if (!*driver && *rb.from && !streq(rb.from, "vfio-pci"))
		return 0;
	r = streq(rb.from, "vfio-pci") ? wait_group_free(bdf, err) : 0;
	if (r < 0)
		return r;
	resized = run_steps(&rb, &resize_err);
	if (resized < 0) {
		*err = resize_err;
		return resized;
	}
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
	if (resized > 0) {
		*err = resize_err;
		return 1;
	}
	return 0;
}
