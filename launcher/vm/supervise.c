#include "supervise.h"

#include "display.h"
#include "hotplug.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/termsafe.h"
#include "host/procs.h"
#include "host/sysfs.h"
#include "qemu/qmp.h"
#include "qemu/qmp_json.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define QMP_START_TIMEOUT_MS 60000
#define QUIT_GRACE_MS	     10000
/* Each passed device adds to it: QEMU's exit closes the device, which the
 * kernel resets, and unpins its DMA mappings (libvirt waits the same). */
#define QUIT_GRACE_PER_DEVICE_MS 2000

struct supervisor {
	const struct profile *p;
	pid_t qemu;
	struct qmp qmp;
	int serial;
	struct qemu_output *out;
	bool stopping, quit_sent, killed, exited;
	uint64_t deadline;     /* 0: none */
	int status;	       /* QEMU's wait status */
	size_t events_dropped; /* already reported */
};

static unsigned quit_grace_ms(const struct profile *p)
{
	size_t devices = p->n_pcis;

	for (size_t i = 0; i < p->n_gpus; i++)
		devices += p->gpus[i].all_functions
			       ? 2
			       : (size_t)__builtin_popcount(p->gpus[i].function_mask);
	return QUIT_GRACE_MS + (unsigned)devices * QUIT_GRACE_PER_DEVICE_MS;
}

static void quit(struct supervisor *s, const char *why)
{
	struct pl_err err = {0};

	log_info("%s: %s; telling QEMU to quit", s->p->vm.name, why);
	s->quit_sent = true;
	s->deadline = clock_ms() + quit_grace_ms(s->p);
	/* QEMU may exit before its monitor thread has sent the reply to quit:
	 * no reply is no reason to kill it. The deadline kills it if it stays. */
	if (s->qmp.fd >= 0 && qmp_execute(&s->qmp, "quit", NULL, NULL, 5000, &err) < 0)
		log_info("%s: %s; QEMU has %u s to exit", s->p->vm.name, err.msg,
			 quit_grace_ms(s->p) / 1000);
}

static void powerdown(struct supervisor *s)
{
	struct pl_err err = {0};

	log_info("%s: asking the guest to shut down (ACPI power button); it has %u s, a "
		 "second signal ends it at once",
		 s->p->vm.name, s->p->vm.stop_timeout);
	s->stopping = true;
	s->deadline = clock_ms() + (uint64_t)s->p->vm.stop_timeout * 1000;
	if (qmp_execute(&s->qmp, "system_powerdown", NULL, NULL, 5000, &err) < 0)
		quit(s, err.msg);
}

static void reap_other(const struct supervisor *s, pid_t pid)
{
	_cleanup_free_ char *comm_path = xasprintf("%s/%d/comm", path_procfs(), (int)pid);
	char comm[64] = "a child";

	sysfs_read_str(comm_path, comm, sizeof(comm));
	waitpid(pid, NULL, 0);
	log_warn("%s: %s (PID %d) ended while the guest runs", s->p->vm.name, comm, (int)pid);
}

/* Every child that ended is reaped: QEMU's status is kept; another (swtpm,
 * a hook or a sysfs writer left behind once) is named in the log, and is
 * not left a zombie for the rest of the run. */
static void reap_children(struct supervisor *s)
{
	siginfo_t si;
	int status;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || !si.si_pid)
			return;
		if (si.si_pid == s->qemu) {
			if (waitpid(s->qemu, &status, 0) == s->qemu) {
				s->status = status;
				s->exited = true;
			}
			continue;
		}
		reap_other(s, si.si_pid);
	}
}

static void on_signal(struct supervisor *s, int sig)
{
	if (sig == SIGCHLD) {
		reap_children(s);
		return;
	}
	if (s->quit_sent)
		return;
	if (sig == SIGQUIT || s->stopping)
		quit(s, sig == SIGQUIT ? "stop forced" : "second signal");
	else
		powerdown(s);
}

/* Events are QEMU's word (its "event" a string, checked by the client):
 * only logged, each text made printable. */
static void log_event(struct supervisor *s, json_object *ev)
{
	_cleanup_free_ char *name = qj_string(ev, "event");
	_cleanup_free_ char *reason = qj_string(qj_member(ev, "data", json_type_object), "reason");

	if (name && streq(name, "SHUTDOWN"))
		log_info("%s: guest shut down (%s)", s->p->vm.name, reason ? reason : "no reason");
	else if (name && streq(name, "RESET"))
		log_info("%s: guest reset", s->p->vm.name);
}

static void on_events(struct supervisor *s)
{
	json_object *ev;
	int r = qmp_pump(&s->qmp);

	while ((ev = qmp_next_event(&s->qmp))) {
		log_event(s, ev);
		json_object_put(ev);
	}
	if (s->qmp.events_dropped > s->events_dropped) {
		log_warn("%s: QEMU sent events faster than they were read; %zu dropped",
			 s->p->vm.name, s->qmp.events_dropped - s->events_dropped);
		s->events_dropped = s->qmp.events_dropped;
	}
	/* QEMU closed its monitor: it is exiting (or it sent a line too long
	 * for QMP, and is not listened to any more). The events it sent
	 * before are logged above. */
	if (r < 0)
		qmp_close(&s->qmp);
}

/* The guest's bytes to standard output, its escape sequences shown, not
 * sent: they would act on root's terminal (base/termsafe.h). */
static void copy_serial(struct supervisor *s)
{
	static struct termsafe held; /* one guest console a launcher */
	char buf[4096], out[TERMSAFE_MAX(sizeof(buf))];
	ssize_t n = read(s->serial, buf, sizeof(buf));
	size_t len;

	if (n <= 0) {
		close(s->serial);
		s->serial = -1;
		len = termsafe_flush(&held, out);
	} else {
		len = termsafe_feed(&held, buf, (size_t)n, out);
	}
	if (len && write(STDOUT_FILENO, out, len) < 0)
		return;
}

static int open_serial(const char *vm)
{
	_cleanup_free_ char *path = vmpath_serial(vm);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	log_warn("cannot show the guest's serial console: %s: %s", path, strerror(errno));
	return -1;
}

static void wait_loop(struct supervisor *s, int sigfd)
{
	while (!s->exited) {
		struct pollfd fds[4] = {{sigfd, POLLIN, 0},
					{s->qmp.fd, POLLIN, 0},
					{s->serial, POLLIN, 0},
					{s->out->fd, POLLIN, 0}};
		uint64_t now = clock_ms();
		int timeout = s->deadline ? (s->deadline > now ? (int)(s->deadline - now) : 0) : -1;
		struct signalfd_siginfo si;

		if (poll(fds, 4, timeout) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN && read(sigfd, &si, sizeof(si)) == sizeof(si))
			on_signal(s, (int)si.ssi_signo);
		if (s->qmp.fd >= 0 && fds[1].revents & (POLLIN | POLLHUP))
			on_events(s);
		if (s->serial >= 0 && fds[2].revents & (POLLIN | POLLHUP))
			copy_serial(s);
		if (s->out->fd >= 0 && fds[3].revents & (POLLIN | POLLHUP))
			qemu_output_relay(s->out);
		if (s->exited || !s->deadline || clock_ms() < s->deadline)
			continue;
		if (s->quit_sent) {
			log_warn("%s: QEMU did not quit within %u s; killing it", s->p->vm.name,
				 quit_grace_ms(s->p) / 1000);
			kill(s->qemu, SIGKILL);
			s->killed = true;
			s->deadline = 0;
		} else {
			quit(s, "the guest did not shut down in stop_timeout");
		}
	}
}

static enum vm_outcome outcome(struct supervisor *s)
{
	/* Stopped as it was told to be: that QEMU was slow to exit after the
	 * quit is said above, and is no failure of the guest's. */
	if (s->killed && WIFSIGNALED(s->status) && WTERMSIG(s->status) == SIGKILL)
		return VM_FORCED_OFF;
	if (WIFSIGNALED(s->status)) {
		log_error("%s: QEMU was killed by signal %d (%s)", s->p->vm.name,
			  WTERMSIG(s->status), strsignal(WTERMSIG(s->status)));
		return VM_QEMU_FAILED;
	}
	if (WEXITSTATUS(s->status) != 0) {
		log_error("%s: QEMU exited with status %d", s->p->vm.name, WEXITSTATUS(s->status));
		return VM_QEMU_FAILED;
	}
	return s->quit_sent ? VM_FORCED_OFF : VM_GUEST_SHUTDOWN;
}

/* Paused at start (-S): the state is read back, every thread pinned, and
 * only then is the guest let run. */
static int start_guest(struct supervisor *s, const struct pin_plan *plan,
		       const struct strv *hotplug, struct pl_err *err)
{
	json_object *st = NULL;
	_cleanup_free_ char *status = NULL;
	int r = qmp_query(&s->qmp, "query-status", json_type_object, &st, 10000, err);

	if (r < 0)
		return r;
	status = qj_string(st, "status");
	log_info("%s: QEMU %d is up, guest %s; pinning its threads", s->p->vm.name, (int)s->qemu,
		 status ? status : "in a state it did not say");
	json_object_put(st);
	r = hotplug_devices(&s->qmp, s->p->vm.name, hotplug, QMP_START_TIMEOUT_MS, err);
	if (r == 0)
		r = pin_threads(s->qemu, &s->qmp, plan, profile_vcpus(s->p), s->p->vm.name, err);
	if (r == 0)
		r = display_set_password(s->p, &s->qmp, err);
	if (r == 0)
		r = qmp_execute(&s->qmp, "cont", NULL, NULL, 10000, err);
	if (r == 0)
		log_info("%s: guest running", s->p->vm.name);
	return r;
}

enum vm_outcome vm_supervise(const struct profile *p, pid_t qemu, const struct pin_plan *plan,
			     const struct strv *hotplug, int sigfd,
			     const struct vm_running *running, struct qemu_output *out,
			     struct pl_err *err)
{
	_cleanup_free_ char *qmp_path = vmpath_qmp(p->vm.name);
	struct supervisor s = {.p = p, .qemu = qemu, .serial = -1, .out = out, .qmp = {.fd = -1}};
	int r = qmp_connect(&s.qmp, qmp_path, QMP_START_TIMEOUT_MS, qemu, err);

	if (r == 0 && p->display.serial == SERIAL_TERMINAL)
		s.serial = open_serial(p->vm.name);
	if (r == 0)
		r = start_guest(&s, plan, hotplug, err);
	if (r < 0) {
		int status = 0;
		/* QEMU closing its monitor at start means it is on its way out. */
		bool exited = proc_wait_exit(qemu, 2000);
		qemu_output_drain(out, 1000);
		if (exited && waitpid(qemu, &status, 0) == qemu && WIFEXITED(status)) {
			err_clear(err);
			err_set(err, ECHILD,
				"%s: QEMU exited with status %d before the guest started; its "
				"message is above",
				p->vm.name, WEXITSTATUS(status));
		} else {
			kill(qemu, SIGKILL);
			waitpid(qemu, NULL, 0);
		}
		qmp_close(&s.qmp);
		if (s.serial >= 0)
			close(s.serial);
		return VM_NOT_STARTED;
	}
	if (running)
		running->fn(running->ctx);
	wait_loop(&s, sigfd);
	qemu_output_drain(out, 1000);
	qmp_close(&s.qmp);
	if (s.serial >= 0)
		close(s.serial);
	return outcome(&s);
}
