#include "spawn.h"

#include "sandbox.h"

#include "base/sigpipe.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

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

/* The descriptors handed over become 3, 4, ...: first each of them and the
 * report pipe is moved above that range, so that no dup2 overwrites one
 * still to be placed. */
static int hand_over_fds(const struct child_setup *s, int *report)
{
	int high[SPAWN_MAX_FDS], first_free = 3 + (int)s->n_fds;

	*report = fcntl(*report, F_DUPFD_CLOEXEC, first_free);
	if (*report < 0)
		return -1;
	for (size_t i = 0; i < s->n_fds; i++)
		if ((high[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, first_free)) < 0)
			return -1;
	for (size_t i = 0; i < s->n_fds; i++)
		if (dup2(high[i], 3 + (int)i) < 0)
			return -1;
	return 0;
}

/* Everything from FIRST on but the report pipe (which is above it). */
static int close_inherited(int first, int report)
{
	if (report > first && close_range((unsigned)first, (unsigned)report - 1, 0) < 0)
		return -1;
	return close_range((unsigned)report + 1, ~0U, 0);
}

/* While CAP_SETPCAP is still there, every capability up to the first the
 * kernel does not know (EINVAL). libcap-ng's CAPNG_CLEAR_BOUNDING does the
 * same after reading /proc/self/status, which costs more than the drops. */
static int drop_bounding_set(void)
{
	for (unsigned long cap = 0;; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return errno == EINVAL && cap > 0 ? 0 : -1;
}

static int drop_ids(const struct identity *id)
{
	if (drop_bounding_set() < 0)
		return -1;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id((int)id->uid, (int)id->gid, CAPNG_DROP_SUPP_GRP) < 0) {
		if (!errno)
			errno = EPERM;
		return -1;
	}
	if (getuid() != id->uid || geteuid() != id->uid || getgid() != id->gid) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

_noreturn_ static void child(char *const argv[], const struct child_setup *s, pid_t parent,
			     int report)
{
	sigset_t none;
	int null;

	sigemptyset(&none);
	/* The launcher ignores SIGPIPE; QEMU and swtpm start with the default.
	 * A session of its own: no controlling terminal to push input into
	 * (TIOCSTI) or to take signals from; the launcher's Ctrl-C is its own. */
	sigpipe_default();
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || setsid() < 0)
		child_fail(report, "signals and session");
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		child_fail(report, "stdin");
	/* Its messages go through the launcher, which shows them escaped, or
	 * nowhere: never a descriptor of root's terminal or log in its hands. */
	if (s->output <= 0 && (dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0))
		child_fail(report, "stdout and stderr");
	if (s->output > 0 &&
	    (dup2(s->output, STDOUT_FILENO) < 0 || dup2(s->output, STDERR_FILENO) < 0))
		child_fail(report, "stdout and stderr");
	if (hand_over_fds(s, &report) < 0)
		child_fail(report, "handing over descriptors");
	if (close_inherited(3 + (int)s->n_fds, report) < 0)
		child_fail(report, "closing inherited files");
	if (chdir("/") < 0)
		child_fail(report, "chdir /");
	/* Before the uid change: raising the hard limit needs CAP_SYS_RESOURCE. */
	if (s->memlock && setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){s->memlock, s->memlock}) < 0)
		child_fail(report, "RLIMIT_MEMLOCK");
	if (s->id && s->id->drop && drop_ids(s->id) < 0)
		child_fail(report, "changing to the user's ids");
	/* After the uid change, which clears it. The parent may have died
	 * between fork and here: then nobody would restore the host. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		child_fail(report, "PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(127);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(report, "PR_SET_NO_NEW_PRIVS");
	/* Last: the filter must not stand in the way of the steps before. */
	if (s->seccomp && sandbox_load(s->seccomp) < 0)
		child_fail(report, "loading the seccomp filter");
	execve(argv[0], argv, s->envp ? s->envp : environ);
	child_fail(report, "exec");
}

int spawn_child(char *const argv[], const struct child_setup *setup, pid_t *pid, struct pl_err *err)
{
	static const struct child_setup plain = {0};
	pid_t parent = getpid();
	struct child_failure f;
	int fds[2];
	ssize_t n;

	if (setup && setup->n_fds > SPAWN_MAX_FDS)
		return err_set(err, E2BIG, "cannot hand %s more than %d descriptors", argv[0],
			       SPAWN_MAX_FDS);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe: %s", strerror(errno));
	*pid = fork();
	if (*pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(err, errno, "cannot fork: %s", strerror(errno));
	}
	if (*pid == 0) {
		close(fds[0]);
		child(argv, setup ? setup : &plain, parent, fds[1]);
	}
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
