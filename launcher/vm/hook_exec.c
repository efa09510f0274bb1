#include "hook_exec.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/sigpipe.h"
#include "base/strv.h"
#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

struct hook_output {
	const char *name;
	char buf[4096];
	size_t len;
};

_noreturn_ static void hook_child(const struct hook_call *c, char *const *envp, int out)
{
	char *argv[] = {(char *)c->path, (char *)c->vm, (char *)c->phase, NULL};
	sigset_t none;
	int null = open("/dev/null", O_RDONLY);

	sigemptyset(&none);
	/* The launcher ignores SIGPIPE; a hook starts with the default. */
	sigpipe_default();
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || setsid() < 0 || null < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(out, STDERR_FILENO) < 0 || close_range(3, ~0U, 0) < 0 || chdir("/") < 0) {
		dprintf(out, "cannot set up the hook's process: %s\n", strerror(errno));
		_exit(127);
	}
	execve(c->path, argv, envp);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", c->path, strerror(errno));
	_exit(127);
}

/* A hook's own `passlaunch gpu ...` logs "passlaunch: ..." already. */
static void emit_line(struct hook_output *o, const char *line)
{
	const char *own = "passlaunch: ";

	if (!strncmp(line, own, strlen(own)))
		line += strlen(own);
	log_info("hook %s: %s", o->name, line);
}

static void emit_complete_lines(struct hook_output *o, bool flush)
{
	char *start = o->buf, *nl;

	while ((nl = memchr(start, '\n', o->len - (size_t)(start - o->buf)))) {
		*nl = '\0';
		emit_line(o, start);
		start = nl + 1;
	}
	o->len -= (size_t)(start - o->buf);
	memmove(o->buf, start, o->len);
	if (o->len && (flush || o->len == sizeof(o->buf) - 1)) {
		o->buf[o->len] = '\0';
		emit_line(o, o->buf);
		o->len = 0;
	}
}

/* Reads what the hook wrote so far; false at end of file. */
static bool read_output(int fd, struct hook_output *o)
{
	ssize_t n;

	while ((n = read(fd, o->buf + o->len, sizeof(o->buf) - 1 - o->len)) > 0) {
		o->len += (size_t)n;
		emit_complete_lines(o, false);
	}
	return n < 0 && errno == EAGAIN;
}

struct hook_wait {
	pid_t pid;
	int pidfd;
	int out;
	unsigned timeout_s;
	bool terminated;
	bool killed;
	bool stuck; /* alive after SIGKILL: blocked in the kernel */
};

/* The hook's session, or the hook alone if it has not made it yet. */
static void signal_hook(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}

/* Past the deadline: SIGTERM to the hook's process group, then SIGKILL.
 * A hook still there after SIGKILL is blocked in the kernel (a write to a
 * device a process holds): it is left behind rather than waited for. */
static uint64_t escalate(struct hook_wait *w, const struct hook_call *c)
{
	if (!w->terminated) {
		log_error("hook %s: still running after %u s in %s; sending SIGTERM", c->name,
			  c->timeout_s, c->phase);
		signal_hook(w->pid, SIGTERM);
		w->terminated = true;
		return clock_ms() + HOOK_KILL_GRACE_MS;
	}
	if (!w->killed) {
		log_error("hook %s: ignored SIGTERM; sending SIGKILL", c->name);
		signal_hook(w->pid, SIGKILL);
		w->killed = true;
		return clock_ms() + HOOK_KILL_GRACE_MS;
	}
	log_error("hook %s: still there %d s after SIGKILL, blocked in the kernel; going on "
		  "without it",
		  c->name, HOOK_KILL_GRACE_MS / 1000);
	w->stuck = true;
	return 0;
}

static int wait_hook(struct hook_wait *w, const struct hook_call *c, int *status)
{
	struct hook_output o = {.name = c->name};
	uint64_t deadline = clock_ms() + (uint64_t)c->timeout_s * 1000;
	bool open_out = true;

	for (;;) {
		struct pollfd fds[] = {{w->pidfd, POLLIN, 0}, {open_out ? w->out : -1, POLLIN, 0}};
		uint64_t now = clock_ms();
		int wait = deadline == UINT64_MAX ? -1
			   : now >= deadline	  ? 0
						  : (int)(deadline - now);
		if (poll(fds, 2, wait) < 0 && errno != EINTR)
			return -errno;
		if (fds[1].revents)
			open_out = read_output(w->out, &o);
		if (fds[0].revents)
			break;
		if (clock_ms() >= deadline)
			deadline = escalate(w, c);
		if (w->stuck)
			break;
	}
	/* What it wrote before it ended; children it left behind may hold the
	 * pipe open, and are not waited for. */
	if (open_out)
		read_output(w->out, &o);
	emit_complete_lines(&o, true);
	if (w->stuck)
		return 0;
	return waitpid(w->pid, status, 0) < 0 ? -errno : 0;
}

static int report(const struct hook_call *c, const struct hook_wait *w, int status,
		  struct pl_err *err)
{
	if (w->terminated)
		return err_set(err, ETIMEDOUT,
			       "hook %s did not finish %s within %u s ([hooks] timeout) and was "
			       "killed",
			       c->name, c->phase, c->timeout_s);
	if (WIFSIGNALED(status))
		return err_set(err, EIO, "hook %s was killed by signal %d (%s) in %s", c->name,
			       WTERMSIG(status), strsignal(WTERMSIG(status)), c->phase);
	if (WEXITSTATUS(status) != 0)
		return err_set(err, EIO, "hook %s failed in %s (exit status %d)", c->name, c->phase,
			       WEXITSTATUS(status));
	return 0;
}

int hook_exec(const struct hook_call *c, struct pl_err *err)
{
	struct hook_wait w = {.timeout_s = c->timeout_s};
	struct strv env = {0};
	int pipefd[2], status = 0, r;

	r = trust_require(c->path, "a hook", err);
	if (r < 0)
		return r;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(err, errno, "hook %s: pipe: %s", c->name, strerror(errno));
	for (size_t i = 0; c->envp && c->envp[i]; i++)
		strv_push(&env, c->envp[i]);
	strv_set_env(&env, "PASSLAUNCH_PHASE", c->phase);
	w.pid = fork();
	if (w.pid == 0)
		hook_child(c, env.v, pipefd[1]);
	strv_free(&env);
	close(pipefd[1]);
	w.out = pipefd[0];
	if (w.pid < 0) {
		close(w.out);
		return err_set(err, errno, "hook %s: fork: %s", c->name, strerror(errno));
	}
	fcntl(w.out, F_SETFL, O_NONBLOCK);
	w.pidfd = (int)pidfd_open(w.pid, 0);
	if (w.pidfd < 0) {
		r = err_set(err, errno, "hook %s: pidfd_open: %s", c->name, strerror(errno));
		signal_hook(w.pid, SIGKILL);
		waitpid(w.pid, NULL, 0);
	} else {
		r = wait_hook(&w, c, &status);
		if (r < 0)
			err_set(err, -r, "hook %s: %s", c->name, strerror(-r));
		close(w.pidfd);
	}
	close(w.out);
	return r < 0 ? r : report(c, &w, status, err);
}
