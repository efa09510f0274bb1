#include "cmd_run.h"

#include "host/bridge_tap.h"
#include "host/governor.h"
#include "host/gpu_reset.h"
#include "host/hostfacts.h"
#include "vm/display.h"
#include "vm/hooks.h"
#include "host/hugepages.h"
#include "host/identity.h"
#include "host/ownership.h"
#include "host/shm.h"
#include "vm/qemu_env.h"
#include "vm/qemu_files.h"
#include "vm/sandbox.h"
#include "host/isolate.h"
#include "host/journal.h"
#include "vm/undo.h"
#include "vm/lock.h"
#include "base/log.h"
#include "vm/notify.h"
#include "vm/nvram.h"
#include "vm/pinning.h"
#include "vm/preflight.h"
#include "host/procs.h"
#include "profile/profile_load.h"
#include "qemu/qemu_argv.h"
#include "vm/runstate.h"
#include "vm/spawn.h"
#include "vm/supervise.h"
#include "vm/swtpm.h"
#include "base/trust.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>

struct run {
	struct profile p;
	struct host_facts facts;
	struct strv argv;
	struct strv hotplug; /* the passed devices, when QEMU starts before they are */
	struct strv env;
	struct identity id;
	const struct sock_fprog *seccomp;
	struct pin_plan plan;
	struct journal journal;
	struct hooks hooks;
	size_t hooks_before_qemu; /* the rest prepare while QEMU starts */
	struct bridge_taps taps;
	struct qemu_files files;
	struct qemu_output out;
	char *journal_path;
	int lock_fd;
	int sigfd;
	pid_t swtpm;
	unsigned long long swtpm_start; /* told apart from a process given its PID later */
	pid_t qemu;
	pid_t qemu_ran; /* for the hooks' environment, after QEMU is gone */
	int outcome_status;
};

/* Signals are read from a signalfd, so they are blocked from the start:
 * a Ctrl-C during preparation must still lead to a full release. */
static int block_signals(struct run *r, struct pl_err *err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return err_set(err, errno, "sigprocmask: %s", strerror(errno));
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (r->sigfd < 0)
		return err_set(err, errno, "signalfd: %s", strerror(errno));
	return 0;
}

static bool stop_requested(struct run *r)
{
	struct signalfd_siginfo si;
	sigset_t pending;

	sigpending(&pending);
	if (!sigismember(&pending, SIGTERM) && !sigismember(&pending, SIGINT) &&
	    !sigismember(&pending, SIGHUP) && !sigismember(&pending, SIGQUIT))
		return false;
	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGCHLD)
		;
	return true;
}

/* QEMU told to shut down when the machine resets (-no-reboot, -action
 * reboot=shutdown) would take the reset that follows adding the devices for
 * a reboot of the guest's, and end: its devices go on the command line. */
static bool reset_shuts_down(const struct profile *p)
{
	const struct strv *a = &p->qemu.extra_args;

	for (size_t i = 0; i < a->n; i++) {
		const char *opt = a->v[i] + (strncmp(a->v[i], "--", 2) == 0);
		if (streq(opt, "-no-reboot") || (streq(opt, "-action") && i + 1 < a->n &&
						 strstr(a->v[i + 1], "reboot=shutdown")))
			return true;
	}
	return false;
}

static int load(struct run *r, const char *arg, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL;
	int rc = profile_resolve(arg, &path, err);

	if (rc == 0)
		rc = profile_load(path, &r->p, true, err);
	if (rc == 0)
		rc = trust_require(r->p.qemu.binary, "a program", err);
	if (rc == 0)
		rc = hooks_collect(&r->p, &r->hooks, err);
	if (rc == 0)
		rc = host_facts_gather(&r->p, &r->facts, err);
	if (rc == 0)
		rc = gpu_reset_check(&r->p, err);
	if (rc == 0)
		rc = pin_plan_make(&r->p, &r->plan, err);
	if (rc == 0)
		r->facts.guest_dies = r->plan.guest_dies;
	if (rc == 0)
		r->facts.host_cache_info = r->plan.host_cache_info;
	if (rc == 0)
		rc = identity_resolve(&r->p, &r->id, err);
	if (rc == 0)
		rc = preflight_files(&r->p, &r->facts.firmware, &r->id, err);
	if (rc == 0)
		rc = nvram_check(&r->p, err);
	if (rc == 0)
		rc = display_check(&r->p, err);
	if (rc == 0)
		qemu_files_init(&r->p, &r->files);
	if (rc == 0)
		rc = qemu_files_open(&r->p, &r->id, false, &r->files, err);
	if (rc == 0)
		rc = bridge_taps_check(&r->p, err);
	if (rc < 0)
		return rc;
	if (r->p.sandbox.seccomp)
		r->seccomp = &sandbox_program;
	else
		log_warn("%s: SECCOMP IS OFF ([sandbox] seccomp = no): QEMU runs without "
			 "passlaunch's filter and without its own -sandbox; use this only to debug",
			 r->p.vm.name);
	r->hooks_before_qemu =
	    reset_shuts_down(&r->p) ? r->hooks.n : hooks_before_qemu(&r->hooks, &r->p);
	if (r->hooks_before_qemu < r->hooks.n)
		qemu_argv_build_split(&r->p, &r->facts, &r->argv, &r->hotplug);
	else
		qemu_argv_build(&r->p, &r->facts, &r->argv);
	qemu_env_build(&r->p, &r->id, &r->env);
	hooks_env_build(&r->hooks, &r->p, &r->facts, &r->plan, &r->id);
	return 0;
}

static int take_ownership(struct run *r, struct pl_err *err)
{
	int rc = vm_lock(r->p.vm.name, &r->lock_fd, err);

	if (rc < 0)
		return rc == -EBUSY ? err_exit_status(err, EXIT_BUSY, rc) : rc;
	rc = runstate_create_dir(r->p.vm.name, err);
	if (rc == 0)
		rc = runstate_create_qemu_dir(r->p.vm.name, r->id.uid, r->id.gid, err);
	if (rc < 0)
		return rc;
	r->journal_path = vmpath_journal(r->p.vm.name);
	rc = journal_open(&r->journal, r->journal_path, r->p.vm.name, err);
	if (rc < 0) {
		/* Not ours to replay: that is what `recover` is for. */
		free(steal_pointer(&r->journal_path));
		return rc == -EEXIST ? err_exit_status(err, EXIT_BUSY, rc) : rc;
	}
	runstate_remove_hook_state(r->p.vm.name);
	return 0;
}

/* The passed devices, once they are on vfio-pci: their reset method, and
 * their vfio groups to QEMU's user. */
static int hand_over_devices(struct run *r, struct pl_err *err)
{
	int rc = gpu_reset_prepare(&r->p, &r->journal, err);

	if (rc == 0)
		rc = ownership_give_groups(&r->p, &r->id, &r->journal, err);
	return rc;
}

static bool qemu_starts_early(const struct run *r)
{
	return r->hooks_before_qemu < r->hooks.n;
}

/* Every step journals what it changes before it changes it. The hooks
 * come first (a display manager stopped frees memory for hugepages), but
 * for those that only hand the devices over: when QEMU opens nothing they
 * touch, it starts meanwhile (prepare_devices), the devices added after. */
static int prepare(struct run *r, struct pl_err *err)
{
	int rc = hooks_prepare_range(&r->hooks, 0, r->hooks_before_qemu, &r->journal, err);

	if (rc == 0 && !qemu_starts_early(r))
		rc = hand_over_devices(r, err);
	if (rc == 0)
		rc = nvram_prepare(&r->p, &r->facts, err);
	if (rc == 0)
		rc = qemu_files_open(&r->p, &r->id, true, &r->files, err);
	if (rc == 0)
		rc = qemu_files_listen(&r->p, &r->files, err);
	if (rc == 0)
		rc = hp_reserve(&r->p, &r->journal, err);
	if (rc == 0)
		rc = isolate_prepare(&r->p, &r->plan, &r->journal, err);
	if (rc == 0 && r->p.cpu.governor)
		rc = governor_set(r->p.vm.name, r->p.cpu.governor, &r->plan.vcpu, &r->journal, err);
	if (rc == 0)
		rc = ownership_give(&r->p, &r->id, &r->journal, err);
	if (rc == 0)
		rc = shm_prepare(&r->p, &r->id, &r->journal, err);
	if (rc == 0)
		rc = bridge_taps_open(&r->p, &r->journal, &r->taps, err);
	if (rc == 0)
		rc = swtpm_start(&r->p, &(struct child_setup){&r->id, r->env.v, 0, NULL},
				 &r->journal, &r->swtpm, err);
	/* Nothing reaps before the supervisor does: the PID is still swtpm's. */
	if (r->swtpm > 0)
		r->swtpm_start = proc_start_time(r->swtpm);
	if (rc == 0 && stop_requested(r))
		rc = err_set(err, EINTR, "%s: stopped before QEMU started", r->p.vm.name);
	return rc;
}

/* While QEMU starts, paused and without them: the hooks that hand the
 * devices over. */
static int prepare_devices(struct run *r, struct pl_err *err)
{
	int rc;

	if (!qemu_starts_early(r))
		return 0;
	log_info("%s: QEMU starts while the hooks hand the devices over", r->p.vm.name);
	rc = hooks_prepare_range(&r->hooks, r->hooks_before_qemu, r->hooks.n, &r->journal, err);
	if (rc == 0)
		rc = hand_over_devices(r, err);
	if (rc == 0 && stop_requested(r))
		rc = err_set(err, EINTR, "%s: stopped before the guest started", r->p.vm.name);
	return rc;
}

/* libvirt's formula: guest RAM plus 1 GiB, when devices are passed with
 * vfio (which pins all of the guest's memory). */
static uint64_t memlock_limit(const struct profile *p)
{
	return p->n_gpus + p->n_pcis ? p->memory.size + (UINT64_C(1) << 30) : 0;
}

/* QEMU's descriptors in the plan's order: the taps, vhost-net, then the
 * files. */
static int *handed_fds(struct run *r)
{
	int *fds = xcalloc(r->files.plan.n_fds + 1, sizeof(*fds));
	size_t taps = r->taps.n, vhosts = r->taps.n_vhost;

	for (size_t i = 0; i < r->files.plan.n_fds; i++)
		fds[i] = i < taps	     ? r->taps.fd[i]
			 : i < taps + vhosts ? r->taps.vhost_fd[i - taps]
					     : r->files.fd[i];
	return fds;
}

static int start_qemu(struct run *r, struct pl_err *err)
{
	_cleanup_free_ int *fds = handed_fds(r);
	struct child_setup setup = {
	    &r->id, r->env.v, memlock_limit(&r->p), r->seccomp, fds, r->files.plan.n_fds, -1};
	int pipefd[2], rc;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_set(err, errno, "pipe: %s", strerror(errno));
	setup.output = pipefd[1];
	rc = spawn_child(r->argv.v, &setup, &r->qemu, err);
	close(pipefd[1]);
	r->out = (struct qemu_output){.fd = pipefd[0]};
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);

	/* QEMU holds the taps and files now; if it does not, the taps go. */
	bridge_taps_close(&r->taps);
	qemu_files_close(&r->files);

	if (rc == 0)
		rc = journal_process(&r->journal, r->qemu, "QEMU", err);
	if (rc == 0)
		rc = isolate_adopt(&r->p, r->qemu, err);
	if (rc == 0)
		rc = runstate_write(&r->p, r->qemu, &r->plan, err);
	return rc;
}

static int outcome_status(enum vm_outcome o)
{
	switch (o) {
	case VM_GUEST_SHUTDOWN:
		return EXIT_OK;
	case VM_FORCED_OFF:
		return EXIT_FORCED_OFF;
	case VM_QEMU_FAILED:
		return EXIT_QEMU_FAILED;
	case VM_NOT_STARTED:
		break;
	}
	return EXIT_FAILURE_RUN;
}

/* Ends what was started, then replays the journal. The journal goes only
 * when everything in it was undone; else `recover` can finish the job. */
static int release(struct run *r)
{
	struct strv release_env = {0};
	int rc;

	if (r->qemu > 0 && proc_terminate(r->qemu, 5000) < 0)
		log_error("%s: QEMU (PID %d) does not end", r->p.vm.name, (int)r->qemu);
	/* Reaped already if it ended during the run: its PID may be another's. */
	if (r->swtpm > 0 && proc_start_time(r->swtpm) == r->swtpm_start)
		proc_terminate(r->swtpm, 5000);
	bridge_taps_close(&r->taps);
	journal_close(&r->journal);
	if (!r->journal_path)
		return 0;
	hooks_env_set_run(&release_env, r->qemu_ran, r->outcome_status);
	rc = undo_replay(r->journal_path, release_env.v);
	strv_free(&release_env);
	if (rc < 0) {
		log_error("%s: the host is not fully restored; what is left is in %s; fix the "
			  "cause and run: passlaunch recover %s",
			  r->p.vm.name, r->journal_path, r->p.vm.name);
		return -EIO;
	}
	runstate_remove(r->p.vm.name);
	log_info("%s: host restored", r->p.vm.name);
	return 0;
}

static void run_free(struct run *r)
{
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	free(r->journal_path);
	hooks_free(&r->hooks);
	bridge_taps_close(&r->taps);
	qemu_files_close(&r->files);
	if (r->out.fd >= 0)
		close(r->out.fd);
	strv_free(&r->argv);
	strv_free(&r->hotplug);
	strv_free(&r->env);
	identity_free(&r->id);
	pin_plan_free(&r->plan);
	host_facts_free(&r->facts);
	profile_free(&r->p);
}

static void guest_running(void *ctx)
{
	struct run *r = ctx;

	notify_ready(r->p.vm.name);
	hooks_env_set_run(&r->hooks.env, r->qemu, -1);
	hooks_notify(&r->hooks, "started");
}

static int run_vm(struct run *r, struct pl_err *err)
{
	struct vm_running running = {guest_running, r};
	enum vm_outcome o;
	int rc = prepare(r, err);

	if (rc == 0)
		rc = start_qemu(r, err);
	if (rc == 0)
		rc = prepare_devices(r, err);
	if (rc < 0)
		return rc;
	o = vm_supervise(&r->p, r->qemu, &r->plan, &r->hotplug, r->sigfd, &running, &r->out, err);
	r->qemu_ran = r->qemu;
	r->qemu = o == VM_NOT_STARTED ? r->qemu : 0;
	if (o == VM_NOT_STARTED)
		return -ECHILD;
	notify_stopping();
	r->outcome_status = outcome_status(o);
	hooks_env_set_run(&r->hooks.env, r->qemu_ran, r->outcome_status);
	hooks_notify(&r->hooks, "stopped");
	if (o != VM_GUEST_SHUTDOWN)
		err_set(err, EIO, "%s: %s", r->p.vm.name,
			o == VM_FORCED_OFF ? "the guest did not shut down and was stopped"
					   : "QEMU failed while the guest ran");
	err->exit_status = outcome_status(o);
	return o == VM_GUEST_SHUTDOWN ? 0 : -EIO;
}

int cmd_run(int argc, char **argv, struct pl_err *err)
{
	struct run r = {.lock_fd = -1,
			.sigfd = -1,
			.journal = {.fd = -1},
			.out = {.fd = -1},
			.outcome_status = -1};
	int rc;

	if (argc != 2)
		return err_input(err, "usage: passlaunch run PROFILE");
	rc = block_signals(&r, err);
	if (rc == 0)
		rc = load(&r, argv[1], err);
	if (rc == 0)
		rc = take_ownership(&r, err);
	if (rc == 0)
		rc = run_vm(&r, err);
	if (release(&r) < 0) {
		if (!err_is_set(err))
			err_set(err, EIO, "%s: the host could not be fully restored", r.p.vm.name);
		err->exit_status = EXIT_NOT_RESTORED;
		rc = -EIO;
	}
	run_free(&r);
	return rc;
}
