#include "pinning.h"

#include "base/log.h"
#include "base/paths.h"
#include "host/sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>

static int online_cpus(struct cpulist *online, struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/devices/system/cpu/online", path_sysfs());
	char text[4096], why[128];

	if (sysfs_read_str(path, text, sizeof(text)) < 0 ||
	    cpulist_parse(text, online, why, sizeof(why)) < 0)
		return err_set(err, EIO, "cannot read the host's CPUs from %s", path);
	return 0;
}

static int check_online(const struct profile *p, const struct cpulist *online,
			const struct cpulist *list, const char *key, struct pl_err *err)
{
	_cleanup_free_ char *have = cpulist_format(online);

	for (size_t i = 0; i < list->n; i++)
		if (!cpulist_contains(online, list->cpu[i]))
			return err_input(err, "%s:%d: %s names CPU %u, but this host's CPUs are %s",
					 p->path, profile_key_line(p, "cpu", key), key,
					 list->cpu[i], have);
	return 0;
}

static int siblings_of(unsigned cpu, struct cpulist *siblings)
{
	_cleanup_free_ char *path = xasprintf(
	    "%s/devices/system/cpu/cpu%u/topology/thread_siblings_list", path_sysfs(), cpu);
	char text[256], why[128];

	if (sysfs_read_str(path, text, sizeof(text)) < 0 ||
	    cpulist_parse(text, siblings, why, sizeof(why)) < 0) {
		*siblings = (struct cpulist){xcalloc(1, sizeof(unsigned)), 1};
		siblings->cpu[0] = cpu;
	}
	return 0;
}

static void append(struct cpulist *list, unsigned cpu)
{
	list->cpu = xreallocarray(list->cpu, list->n + 1, sizeof(*list->cpu));
	list->cpu[list->n++] = cpu;
}

/* vcpu_pin = auto: whole cores in order, SMT siblings kept together (a
 * guest core's threads on one host core), CPU 0's core left to the host. */
static int plan_auto(const struct profile *p, const struct cpulist *online, struct pin_plan *plan,
		     struct pl_err *err)
{
	struct cpulist host_core = {0};
	unsigned want_cores = p->cpu.sockets * p->cpu.cores, got = 0;

	siblings_of(online->cpu[0], &host_core);
	for (size_t i = 0; i < online->n && got < want_cores; i++) {
		struct cpulist sib = {0};
		unsigned cpu = online->cpu[i];
		siblings_of(cpu, &sib);
		if (sib.cpu[0] == cpu && !cpulist_contains(&host_core, cpu) &&
		    sib.n >= p->cpu.threads) {
			for (unsigned t = 0; t < p->cpu.threads; t++)
				append(&plan->vcpu, sib.cpu[t]);
			got++;
		}
		cpulist_free(&sib);
	}
	if (got < want_cores) {
		cpulist_free(&host_core);
		return err_input(err,
				 "%s:%d: vcpu_pin = auto needs %u cores with %u threads each "
				 "besides CPU %u's core, but this host has %u; lower cores or "
				 "threads, or list the CPUs",
				 p->path, profile_key_line(p, "cpu", "vcpu_pin"), want_cores,
				 p->cpu.threads, online->cpu[0], got);
	}
	if (!p->cpu.emulator_pin.n)
		plan->emulator = host_core;
	else
		cpulist_free(&host_core);
	return 0;
}

static void copy_list(struct cpulist *to, const struct cpulist *from)
{
	for (size_t i = 0; i < from->n; i++)
		append(to, from->cpu[i]);
}

int pin_plan_make(const struct profile *p, struct pin_plan *plan, struct pl_err *err)
{
	struct cpulist online = {0};
	int r;

	*plan = (struct pin_plan){0};
	r = online_cpus(&online, err);
	if (r == 0 && p->cpu.vcpu_pin_auto)
		r = plan_auto(p, &online, plan, err);
	if (r == 0) {
		copy_list(&plan->vcpu, &p->cpu.vcpu_pin);
		copy_list(&plan->emulator, &p->cpu.emulator_pin);
		copy_list(&plan->iothread, &p->cpu.iothread_pin);
		r = check_online(p, &online, &p->cpu.vcpu_pin, "vcpu_pin", err);
	}
	if (r == 0)
		r = check_online(p, &online, &p->cpu.emulator_pin, "emulator_pin", err);
	if (r == 0)
		r = check_online(p, &online, &p->cpu.iothread_pin, "iothread_pin", err);
	cpulist_free(&online);
	return r;
}

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

struct qemu_thread {
	pid_t tid;
	const char *role; /* "vCPU", "iothread", NULL: emulator */
	long index;
};

static int thread_ids(struct qmp *q, const char *command, const char *key,
		      struct qemu_thread **threads, size_t *n, const char *role, struct pl_err *err)
{
	json_object *ret = NULL, *tid, *idx;
	int r = qmp_execute(q, command, NULL, &ret, 10000, err);

	for (size_t i = 0; r == 0 && i < json_object_array_length(ret); i++) {
		json_object *o = json_object_array_get_idx(ret, i);
		if (!json_object_object_get_ex(o, "thread-id", &tid))
			continue;
		*threads = xreallocarray(*threads, *n + 1, sizeof(**threads));
		(*threads)[(*n)++] = (struct qemu_thread){
		    json_object_get_int(tid), role,
		    key && json_object_object_get_ex(o, key, &idx) ? json_object_get_int(idx)
								   : (long)i};
	}
	json_object_put(ret);
	return r;
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
		if (!plan->vcpu.n)
			return 0;
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

int pin_threads(pid_t qemu, struct qmp *q, const struct pin_plan *plan, const char *vm,
		struct pl_err *err)
{
	_cleanup_free_ char *task_dir = xasprintf("%s/%d/task", path_procfs(), (int)qemu);
	struct qemu_thread *threads = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d;
	int r;

	r = thread_ids(q, "query-cpus-fast", "cpu-index", &threads, &n, "vCPU", err);
	if (r == 0)
		r = thread_ids(q, "query-iothreads", NULL, &threads, &n, "iothread", err);
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
		r = pin_one(tid, name, find_thread(threads, n, tid), plan, vm, err);
	}
	if (d)
		closedir(d);
	free(threads);
	return r;
}

bool pin_plan_empty(const struct pin_plan *plan)
{
	return !plan->vcpu.n && !plan->emulator.n && !plan->iothread.n;
}

void pin_plan_free(struct pin_plan *plan)
{
	cpulist_free(&plan->vcpu);
	cpulist_free(&plan->emulator);
	cpulist_free(&plan->iothread);
}

int pin_host_cpus(const struct pin_plan *plan, struct cpulist *host)
{
	_cleanup_free_ char *online_path = xasprintf("%s/devices/system/cpu/online", path_sysfs());
	struct cpulist online;
	char text[4096], why[128];

	*host = (struct cpulist){0};
	if (sysfs_read_str(online_path, text, sizeof(text)) < 0 ||
	    cpulist_parse(text, &online, why, sizeof(why)) < 0)
		return -EIO;
	for (size_t i = 0; i < online.n; i++) {
		if (cpulist_contains(&plan->vcpu, online.cpu[i]))
			continue;
		host->cpu = xreallocarray(host->cpu, host->n + 1, sizeof(*host->cpu));
		host->cpu[host->n++] = online.cpu[i];
	}
	cpulist_free(&online);
	return 0;
}
