#include "lock.h"

#include "base/paths.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

static pid_t read_pid(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 ? (pid_t)atoi(buf) : 0;
}

int vm_lock(const char *vm, int *fd, struct pl_err *err)
{
	_cleanup_free_ char *path = vmpath_lock(vm);
	char pid[32];

	if (mkdir(path_runtime(), 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", path_runtime(), strerror(errno));
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		return err_set(err, errno, "cannot open the lock %s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? EBUSY : errno;
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
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(*fd, 0) < 0 || pwrite(*fd, pid, strlen(pid), 0) < 0)
		return err_set(err, errno, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

pid_t vm_lock_holder(const char *vm)
{
	_cleanup_free_ char *path = vmpath_lock(vm);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return 0;
	return read_pid(fd);
}
