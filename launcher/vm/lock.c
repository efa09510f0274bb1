#include "lock.h"

#include "base/paths.h"
#include "host/procs.h"
#include "runstate.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

/* "PID START": the holder, as long as that PID is still the process that
 * took the lock (not one that got the number later). */
static pid_t read_pid(int fd)
{
	char buf[64] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	unsigned long long start = 0;
	int pid = 0;

	if (n <= 0 || sscanf(buf, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return 0;
	return proc_start_time(pid) == start ? (pid_t)pid : 0;
}

int vm_lock(const char *vm, int *fd, struct pl_err *err)
{
	_cleanup_free_ char *path = vmpath_lock(vm);
	char pid[64];
	int r = runtime_dir_create(err);

	if (r < 0)
		return r;
	*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	/* Only root may open it: whoever can, can hold it (flock) and keep
	 * the VM from starting or being recovered. */
	if (*fd < 0 || fchmod(*fd, 0600) < 0)
		return err_set(err, errno, "cannot open the lock %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? EBUSY : errno;
		pid_t holder = read_pid(*fd);
		close(*fd);
		*fd = -1;
		if (r == EBUSY)
			return err_set(err, EBUSY,
				       "%s is already running (passlaunch PID %d); stop it with: "
				       "passlaunch stop %s",
				       vm, (int)holder, vm);
		return err_set(err, r, "cannot lock %s: %s", path, strerror(r));
	}
	snprintf(pid, sizeof(pid), "%d %llu\n", (int)getpid(), proc_start_time(getpid()));
	if (ftruncate(*fd, 0) < 0 || pwrite(*fd, pid, strlen(pid), 0) < 0)
		return err_set(err, errno, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

pid_t vm_lock_holder(const char *vm)
{
	_cleanup_free_ char *path = vmpath_lock(vm);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return 0;
	return read_pid(fd);
}
