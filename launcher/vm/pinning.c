#include "pinning.h"

#include "base/log.h"
#include "base/paths.h"
#include "host/sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>

static int set_affinity(pid_t tid, const struct cpulist *cpus)
{
	cpu_set_t *set = CPU_ALLOC(CPULIST_MAX_CPU + 1);
	size_t size = CPU_ALLOC_SIZE(CPULIST_MAX_CPU + 1);
	int r;

	CPU_ZERO_S(size, set);
	for (size_t i = 0; i < cpus->n; i++)
		CPU_SET_S(cpus->cpu[i], size, set);
	r = sched_setaffinity(tid, size, set) < 0 ? -errno : 0;
	CPU_FREE(set);
	return r;
}

/* vcpu_sched: the vCPU thread's policy; keep leaves QEMU's own. */
static int set_policy(pid_t tid, const struct pin_plan *plan)
{
	static const int policies[] = {[VCPU_SCHED_OTHER] = SCHED_OTHER,
				       [VCPU_SCHED_FIFO] = SCHED_FIFO,
				       [VCPU_SCHED_RR] = SCHED_RR};
	struct sched_param param = {.sched_priority = (int)plan->vcpu_priority};

	if (plan->vcpu_sched == VCPU_SCHED_KEEP)
		return 0;
	/* Threads a vCPU thread starts are not real-time. */
	return sched_setscheduler(tid, policies[plan->vcpu_sched] | SCHED_RESET_ON_FORK, &param) < 0
		   ? -errno
		   : 0;
}

static int schedule_vcpu(pid_t tid, const struct qemu_thread *t, const struct pin_plan *plan,
			 const char *vm, struct pl_err *err)
{
	static const char *const names[] = {
	    [VCPU_SCHED_OTHER] = "other", [VCPU_SCHED_FIFO] = "fifo", [VCPU_SCHED_RR] = "rr"};
	int r = set_policy(tid, plan);

	if (r == -ESRCH || plan->vcpu_sched == VCPU_SCHED_KEEP)
		return 0;
	if (r < 0)
		return err_set(err, -r, "cannot give vCPU %ld (thread %d) the %s policy: %s",
			       t->index, (int)tid, names[plan->vcpu_sched], strerror(-r));
	log_info("%s: vCPU %ld (thread %d) scheduled %s:%u", vm, t->index, (int)tid,
		 names[plan->vcpu_sched], plan->vcpu_priority);
	return 0;
}

/* Real-time vCPUs and the kernel's RT throttling, which keeps a share of
 * each CPU for everything else (sched_rt_runtime_us of sched_rt_period_us). */
static void note_rt_throttling(const struct pin_plan *plan, const char *vm)
{
	_cleanup_free_ char *runtime =
	    xasprintf("%s/sys/kernel/sched_rt_runtime_us", path_procfs());
	_cleanup_free_ char *period = xasprintf("%s/sys/kernel/sched_rt_period_us", path_procfs());
	char run_text[32];
	unsigned long per;

	if (plan->vcpu_sched != VCPU_SCHED_FIFO && plan->vcpu_sched != VCPU_SCHED_RR)
		return;
	if (sysfs_read_str(runtime, run_text, sizeof(run_text)) < 0 ||
	    sysfs_read_ulong(period, &per) < 0 || !per)
		return;
	if (streq(run_text, "-1"))
		log_warn("%s: real-time vCPUs and no RT throttling (%s is -1): a vCPU that never "
			 "sleeps starves the kernel's own threads on its CPU",
			 vm, runtime);
	else
		log_info("%s: real-time vCPUs; the kernel's RT throttling keeps %lu%% of each CPU "
			 "for other tasks",
			 vm, 100 - strtoul(run_text, NULL, 10) * 100 / per);
}

static const struct qemu_thread *find_thread(const struct qemu_thread *t, size_t n, pid_t tid)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].tid == tid)
			return &t[i];
	return NULL;
}

static int pin_one(pid_t tid, const char *name, const struct qemu_thread *t,
		   const struct pin_plan *plan, const char *vm, struct pl_err *err)
{
	const struct cpulist *cpus = &plan->emulator;
	struct cpulist one = {0};
	_cleanup_free_ char *text = NULL;
	int r;

	if (t && streq(t->role, "vCPU")) {
		r = schedule_vcpu(tid, t, plan, vm, err);
		if (r < 0 || !plan->vcpu.n)
			return r;
		if (t->index < 0 || (size_t)t->index >= plan->vcpu.n)
			return err_set(err, ERANGE, "QEMU reports vCPU %ld, but vcpu_pin names %zu",
				       t->index, plan->vcpu.n);
		one = (struct cpulist){&plan->vcpu.cpu[t->index], 1};
		cpus = &one;
	} else if (t) {
		cpus = &plan->iothread;
	}
	if (!cpus->n)
		return 0;
	r = set_affinity(tid, cpus);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return err_set(err, -r, "cannot pin QEMU thread %d: %s", (int)tid, strerror(-r));
	text = cpulist_format(cpus);
	if (t)
		log_info("%s: %s %ld (thread %d) on CPU %s", vm, t->role, t->index, (int)tid, text);
	else
		log_info("%s: QEMU thread %d (%s) on CPU %s", vm, (int)tid, name, text);
	return 0;
}

int pin_threads(pid_t qemu, struct qmp *q, const struct pin_plan *plan, unsigned n_vcpus,
		const char *vm, struct pl_err *err)
{
	_cleanup_free_ char *task_dir = xasprintf("%s/%d/task", path_procfs(), (int)qemu);
	struct qemu_threads threads;
	struct dirent *e;
	DIR *d;
	int r;

	note_rt_throttling(plan, vm);
	r = qmp_query_threads(q, n_vcpus, &threads, err);
	d = r == 0 ? opendir(task_dir) : NULL;
	if (r == 0 && !d)
		r = err_set(err, errno, "cannot list QEMU's threads in %s: %s", task_dir,
			    strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		pid_t tid = atoi(e->d_name);
		_cleanup_free_ char *comm = xasprintf("%s/%d/comm", task_dir, (int)tid);
		char name[64] = "";
		if (tid <= 0)
			continue;
		sysfs_read_str(comm, name, sizeof(name));
		r = pin_one(tid, name, find_thread(threads.t, threads.n, tid), plan, vm, err);
	}
	if (d)
		closedir(d);
	qemu_threads_free(&threads);
	return r;
}
