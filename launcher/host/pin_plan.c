#include "pin_plan.h"

#include "base/paths.h"
#include "sysfs.h"

#include <errno.h>

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
	unsigned want_cores = p->cpu.sockets * p->cpu.dies * p->cpu.cores, got = 0;

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
