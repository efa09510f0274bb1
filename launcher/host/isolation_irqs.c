#include "isolation_irqs.h"

#include "base/log.h"
#include "base/paths.h"
#include "procs.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

static int save_once(int dir, const char *name, const char *text)
{
	_cleanup_close_ int fd =
	    openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(text);

	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	return write(fd, text, len) == (ssize_t)len ? 0 : -EIO;
}

static int open_subdir(int reg, const char *name)
{
	if (mkdirat(reg, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	return openat(reg, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Saves PATH's value as NAME in DIR the first time, then writes VALUE. */
static int save_and_write(int dir, const char *name, const char *path, const char *value)
{
	char old[4096];
	int r = sysfs_read_str(path, old, sizeof(old));

	if (r == 0)
		r = save_once(dir, name, old);
	return r < 0 ? r : sysfs_write_str(path, value);
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int confine_each_irq(int reg, const char *list)
{
	_cleanup_free_ char *root = xasprintf("%s/irq", path_procfs());
	_cleanup_close_ int saved = open_subdir(reg, "irqs");
	DIR *d = opendir(root);
	struct dirent *e;
	unsigned moved = 0, fixed = 0;

	if (saved < 0 || !d) {
		if (d)
			closedir(d);
		return saved < 0 ? saved : -errno;
	}
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		if (!is_number(e->d_name))
			continue;
		path = xasprintf("%s/%s/smp_affinity_list", root, e->d_name);
		if (save_and_write(saved, e->d_name, path, list) == 0)
			moved++;
		else
			fixed++;
	}
	closedir(d);
	log_info("interrupts: %u moved to CPUs %s, %u the kernel keeps where they are", moved, list,
		 fixed);
	return 0;
}

/* An irqbalance running now: root's process of that name (anyone may name
 * a process so, and stopping theirs would leave the real one at work). */
static pid_t find_irqbalance(void)
{
	DIR *d = opendir(path_procfs());
	struct dirent *e;
	pid_t found = 0;

	while (d && !found && (e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		char comm[64];
		struct stat st;
		if (!is_number(e->d_name) || fstatat(dirfd(d), e->d_name, &st, 0) < 0 ||
		    st.st_uid != 0)
			continue;
		path = xasprintf("%s/%s/comm", path_procfs(), e->d_name);
		if (sysfs_read_str(path, comm, sizeof(comm)) == 0 && streq(comm, "irqbalance"))
			found = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* Sends SIG to PID only while it is the process that started at START. */
static int signal_same(pid_t pid, unsigned long long start, int sig)
{
	_cleanup_close_ int fd = (int)pidfd_open(pid, 0);

	if (fd < 0 || proc_start_time(pid) != start)
		return 0;
	return pidfd_send_signal(fd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* Stops irqbalance, so that it does not move the interrupts back. */
static int pause_irqbalance(int reg)
{
	pid_t pid;
	unsigned long long start;
	char text[64];

	if (faccessat(reg, "irqbalance", F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    !(pid = find_irqbalance()))
		return 0;
	start = proc_start_time(pid);
	snprintf(text, sizeof(text), "%d %llu", (int)pid, start);
	if (save_once(reg, "irqbalance", text) < 0)
		return -EIO;
	log_info("irqbalance (PID %d) stopped while VMs with isolate = yes run", (int)pid);
	return signal_same(pid, start, SIGSTOP);
}

int irqs_confine(int reg, const struct cpulist *host)
{
	_cleanup_free_ char *list = cpulist_format(host);
	_cleanup_free_ char *mask = cpulist_format_mask(host);
	_cleanup_free_ char *def = xasprintf("%s/irq/default_smp_affinity", path_procfs());
	_cleanup_free_ char *wq = xasprintf("%s/devices/virtual/workqueue/cpumask", path_sysfs());
	int r = pause_irqbalance(reg);

	if (r == 0)
		r = confine_each_irq(reg, list);
	if (r == 0 && access(def, F_OK) == 0)
		r = save_and_write(reg, "irq-default", def, mask);
	if (r == 0 && access(wq, F_OK) == 0)
		r = save_and_write(reg, "workqueue", wq, mask);
	return r;
}

/* Writes back the value saved as NAME in DIR to PATH and forgets it; a
 * file that is gone (an interrupt freed since) needs nothing. */
static int restore_one(int dir, const char *name, const char *path)
{
	char old[4096], now[4096];
	int r = sysfs_read_at(dir, name, old, sizeof(old));

	if (r == -ENOENT)
		return 0;
	if (r == 0 && (sysfs_read_str(path, now, sizeof(now)) < 0 || !streq(now, old)))
		r = sysfs_write_str(path, old);
	if (r < 0 && access(path, F_OK) == 0) {
		log_error("could not write %s back to %s: %s", old, path, strerror(-r));
		return r;
	}
	return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

static int restore_irqs(int reg)
{
	_cleanup_close_ int saved = open_subdir(reg, "irqs");
	DIR *d;
	struct dirent *e;

	if (saved < 0 || !(d = fdopendir(dup(saved))))
		return saved < 0 ? saved : -errno;
	while ((e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		if (!is_number(e->d_name))
			continue;
		path = xasprintf("%s/irq/%s/smp_affinity_list", path_procfs(), e->d_name);
		/* An interrupt that cannot take its old CPUs back any more is lost
		 * to no one: it keeps working where it is. */
		if (restore_one(saved, e->d_name, path) < 0)
			unlinkat(saved, e->d_name, 0);
	}
	closedir(d);
	return 0;
}

/* Interrupts requested during the run (a device bound, vfio's INTx) took
 * the run's default CPUs, CONFINED; the host's default is what the kernel
 * would have given them. */
static void restore_born_irqs(int reg, const char *confined, const char *host)
{
	_cleanup_free_ char *root = xasprintf("%s/irq", path_procfs());
	_cleanup_close_ int saved = open_subdir(reg, "irqs");
	DIR *d = opendir(root);
	struct dirent *e;
	unsigned given = 0;

	while (saved >= 0 && d && (e = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		char now[4096];
		if (!is_number(e->d_name) ||
		    faccessat(saved, e->d_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		path = xasprintf("%s/%s/smp_affinity", root, e->d_name);
		if (sysfs_read_str(path, now, sizeof(now)) == 0 && streq(now, confined) &&
		    sysfs_write_str(path, host) == 0)
			given++;
	}
	if (d)
		closedir(d);
	if (given)
		log_info("interrupts: %u requested during the run given the host's CPUs", given);
}

static void resume_irqbalance(int reg)
{
	char text[64];
	int pid;
	unsigned long long start;

	if (sysfs_read_at(reg, "irqbalance", text, sizeof(text)) < 0)
		return;
	if (sscanf(text, "%d %llu", &pid, &start) == 2 && pid > 0 &&
	    signal_same((pid_t)pid, start, SIGCONT) == 0)
		log_info("irqbalance (PID %d) continued", pid);
	unlinkat(reg, "irqbalance", 0);
}

int irqs_restore(int reg)
{
	_cleanup_free_ char *def = xasprintf("%s/irq/default_smp_affinity", path_procfs());
	_cleanup_free_ char *wq = xasprintf("%s/devices/virtual/workqueue/cpumask", path_sysfs());
	char confined[4096], host[4096];
	int r;

	if (sysfs_read_at(reg, "irq-default", host, sizeof(host)) == 0 &&
	    sysfs_read_str(def, confined, sizeof(confined)) == 0 && !streq(host, confined))
		restore_born_irqs(reg, confined, host);
	r = restore_irqs(reg);
	if (restore_one(reg, "irq-default", def) < 0)
		r = -EIO;
	if (restore_one(reg, "workqueue", wq) < 0)
		r = -EIO;
	resume_irqbalance(reg);
	return r;
}
