#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

struct child_failure {
	int error;
	char step[64];
};

_noreturn_ static void child_fail(int fd, const char *step)
{
	struct child_failure f = {errno, ""};

	snprintf(f.step, sizeof(f.step), "%s", step);
	if (write(fd, &f, sizeof(f)) < 0)
		_exit(127);
	_exit(127);
}

_noreturn_ static void child(char *const argv[], pid_t parent, int report)
{
	sigset_t all;
	int null;

	sigemptyset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) < 0)
		child_fail(report, "unblocking signals");
	if (setpgid(0, 0) < 0)
		child_fail(report, "setpgid");
	/* The launcher restores the host when it ends; what it started must not
	 * outlive it. Checked against the parent afterwards: it may have died
	 * between fork and prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		child_fail(report, "PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(127);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		child_fail(report, "stdin");
	execv(argv[0], argv);
	child_fail(report, "exec");
}

int spawn_child(char *const argv[], pid_t *pid, struct pl_err *err)
{
	pid_t parent = getpid();
	struct child_failure f;
	int fds[2];
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe: %s", strerror(errno));
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, errno, "cannot fork: %s", strerror(errno));
	}
	if (*pid == 0)
		child(argv, parent, fds[1]);
	close(fds[1]);
	while ((n = read(fds[0], &f, sizeof(f))) < 0 && errno == EINTR)
		;
	close(fds[0]);
	if (n <= 0)
		return 0;
	waitpid(*pid, NULL, 0);
	*pid = 0;
	return err_set(err, f.error, "cannot start %s: %s failed: %s", argv[0], f.step,
		       strerror(f.error));
}
