#include "procs.h"

#include "base/paths.h"
#include "base/util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>

unsigned long long proc_start_time(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("%s/%d/stat", path_procfs(), (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char buf[1024], *p;
	unsigned long long start = 0;

	if (!f || !fgets(buf, sizeof(buf), f))
		return 0;
	/* Fields after the command name, which may hold spaces and ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

bool proc_wait_exit(pid_t pid, int timeout_ms)
{
	_cleanup_close_ int fd = (int)pidfd_open(pid, 0);
	struct pollfd p;

	if (fd < 0)
		return errno == ESRCH;
	p = (struct pollfd){fd, POLLIN, 0};
	while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
		;
	return p.revents & POLLIN;
}

int proc_terminate(pid_t pid, int timeout_ms)
{
	if (kill(pid, SIGTERM) < 0)
		return errno == ESRCH ? 0 : -errno;
	if (proc_wait_exit(pid, timeout_ms))
		return 0;
	if (kill(pid, SIGKILL) < 0)
		return errno == ESRCH ? 0 : -errno;
	return proc_wait_exit(pid, timeout_ms) ? 0 : -ETIMEDOUT;
}
