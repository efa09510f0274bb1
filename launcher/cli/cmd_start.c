#include "cmd_start.h"

#include "vm/lock.h"
#include "base/log.h"
#include "base/sigpipe.h"
#include "profile/profile_load.h"
#include "vm/runstate.h"
#include "base/trust.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

/* Runs a program to its end with stdin from /dev/null; its exit status,
 * or -1 when it could not run. */
static int run_program(char *const argv[], bool quiet)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		sigpipe_default();
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    (quiet && (dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static char *unit_name(const char *vm)
{
	return xasprintf("passlaunch@%s.service", vm);
}

/* systemd runs here, and knows passlaunch@.service. */
static bool unit_usable(const char *vm)
{
	_cleanup_free_ char *unit = unit_name(vm);
	char *cat[] = {(char *)"systemctl", (char *)"cat", unit, NULL};
	struct stat st;

	if (stat("/run/systemd/system", &st) < 0)
		return false;
	if (run_program(cat, true) == 0)
		return true;
	log_warn("systemd runs, but passlaunch@.service is not installed (make install): %s runs "
		 "in a session of its own, which a display manager stopping may still end",
		 vm);
	return false;
}

static int start_unit(const char *vm, struct pl_err *err)
{
	_cleanup_free_ char *unit = unit_name(vm);
	char *start[] = {(char *)"systemctl", (char *)"start", unit, NULL};
	char *status[] = {(char *)"systemctl",
			  (char *)"status",
			  (char *)"--no-pager",
			  (char *)"--lines=20",
			  unit,
			  NULL};
	int r;

	log_info("%s: starting %s", vm, unit);
	r = run_program(start, false);
	if (r == 0) {
		log_info("%s: guest running in %s; its log: journalctl -u %s", vm, unit, unit);
		return 0;
	}
	run_program(status, false);
	return err_set(err, EIO, "%s: %s did not start (systemctl status %d); its log is above", vm,
		       unit, r);
}

_noreturn_ static void run_in_own_session(const char *profile, int log_fd, int ready_fd)
{
	char *argv[] = {(char *)"passlaunch", (char *)"run", (char *)profile, NULL};
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int null = open("/dev/null", O_RDONLY);

	sigpipe_default();
	if (n <= 0 || null < 0 || setsid() < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0 ||
	    dup2(ready_fd, 3) < 0)
		_exit(127);
	exe[n] = '\0';
	close_range(4, ~0U, 0);
	setenv("PASSLAUNCH_READY_FD", "3", 1);
	execve(exe, argv, environ);
	_exit(127);
}

static void show_log(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[1024];

	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
}

static int start_session(const char *vm, const char *profile, struct pl_err *err)
{
	_cleanup_free_ char *log_path = vmpath_log(vm);
	_cleanup_close_ int log_fd = -1;
	int pipefd[2], status = 0, r;
	char ready[8] = "";
	pid_t pid;

	r = runstate_create_dir(vm, err);
	if (r < 0)
		return r;
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return err_set(err, errno, "cannot create %s: %s", log_path, strerror(errno));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		run_in_own_session(profile, log_fd, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return err_set(err, errno, "fork: %s", strerror(errno));
	}
	/* "ready" once the guest runs; end of file if the run ended first. */
	while (read(pipefd[0], ready, sizeof(ready) - 1) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (!strncmp(ready, "ready", 5)) {
		log_info(
		    "%s: guest running (launcher PID %d, in a session of its own); its log: %s", vm,
		    (int)pid, log_path);
		return 0;
	}
	waitpid(pid, &status, 0);
	show_log(log_path);
	r = err_set(err, EIO,
		    "%s: the run ended before the guest ran (exit status %d); its log: %s", vm,
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), log_path);
	err->exit_status =
	    WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : EXIT_FAILURE_RUN;
	return r;
}

int cmd_start(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct profile p = {0};
	pid_t holder;
	int r;

	if (argc != 2)
		return err_input(err, "usage: passlaunch start NAME");
	r = profile_resolve(argv[1], &path, err);
	if (r == 0)
		r = profile_load(path, &p, true, err);
	if (r < 0)
		goto out;
	holder = vm_lock_holder(p.vm.name);
	if (holder > 0) {
		r = err_exit_status(err, EXIT_BUSY,
				    err_set(err, EBUSY, "%s runs already (launcher PID %d)",
					    p.vm.name, (int)holder));
		goto out;
	}
	if (unit_usable(p.vm.name)) {
		_cleanup_free_ char *by_name = NULL;
		struct pl_err ignored = {0};
		/* The unit runs `passlaunch run NAME`: the name must lead here. */
		if (profile_resolve(p.vm.name, &by_name, &ignored) < 0 ||
		    !same_file(by_name, path)) {
			r = err_input(err,
				      "%s: passlaunch@%s.service runs the profile named %s, which "
				      "is not this file; install it as %s/passlaunch/%s.ini",
				      path, p.vm.name, p.vm.name, SYSCONFDIR, p.vm.name);
			goto out;
		}
		r = start_unit(p.vm.name, err);
	} else {
		r = start_session(p.vm.name, path, err);
	}
out:
	profile_free(&p);
	return r;
}
