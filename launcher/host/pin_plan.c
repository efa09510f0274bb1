#include "pin_plan.h"

#include "base/paths.h"
#include "base/pciaddr.h"
#include "cpu_topology.h"
#include "pin_choose.h"
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

/* The first GPU's NUMA node, -1 when it has none or the host does not say. */
static int gpu_node(const struct profile *p)
{
	_cleanup_free_ char *path = NULL;
	char bdf[PCI_ADDR_LEN], text[32];

	if (!p->n_gpus)
		return -1;
	pci_addr_format(&p->gpus[0].address, bdf);
	path = xasprintf("%s/bus/pci/devices/%s/numa_node", path_sysfs(), bdf);
	if (sysfs_read_str(path, text, sizeof(text)) < 0)
		return -1;
	return atoi(text);
}

static int choose_vcpus(const struct profile *p, const struct cpu_topology *t,
			struct pin_plan *plan, struct cpulist *host_core, struct pl_err *err)
{
	struct pin_request req = {
	    .cores = p->cpu.sockets * p->cpu.dies * p->cpu.cores,
	    .threads = p->cpu.threads,
	    .prefer = p->cpu.prefer,
	    .gpu_node = gpu_node(p),
	    .may_set_dies = p->cpu.sockets == 1 && !profile_key_line(p, "cpu", "dies"),
	};
	struct pin_choice choice;
	char why[256];

	if (pin_choose(t, &req, &choice, why, sizeof(why)) < 0)
		return err_input(
		    err, "%s:%d: vcpu_pin = auto %s; lower cores or threads, or list the CPUs",
		    p->path, profile_key_line(p, "cpu", "vcpu_pin"), why);
	plan->vcpu = choice.vcpu;
	plan->guest_dies = choice.guest_dies;
	plan->host_cache_info = choice.whole_l3 && streq(p->cpu.model, "host");
	*host_core = choice.host_core;
	{
		_cleanup_free_ char *cpus = cpulist_format(&plan->vcpu);
		strv_pushf(&plan->reasons, "vcpu_pin = %s (vCPU 0 first)", cpus);
	}
	for (size_t i = 0; i < choice.reasons.n; i++)
		strv_push(&plan->reasons, choice.reasons.v[i]);
	strv_free(&choice.reasons);
	return 0;
}

/* With the vCPUs listed: the host's first CPU's core when no vCPU is on it,
 * else the first core without one. */
static void host_core_beside(const struct cpu_topology *t, const struct cpulist *vcpu,
			     struct cpulist *host_core)
{
	int first = cpu_topology_core_of(t, t->first_cpu);

	*host_core = (struct cpulist){0};
	for (size_t i = 0; i < t->n_cores; i++) {
		size_t core = i == 0 && first >= 0 ? (size_t)first : i;
		bool free_core = true;
		for (size_t k = 0; k < t->cores[core].threads.n; k++)
			free_core &= !cpulist_contains(vcpu, t->cores[core].threads.cpu[k]);
		if (free_core) {
			cpulist_add_all(host_core, &t->cores[core].threads);
			return;
		}
	}
}

static void pin_to_host_core(struct pin_plan *plan, struct cpulist *to, const struct cpulist *from,
			     const struct cpulist *host_core, const char *what)
{
	_cleanup_free_ char *cpus = cpulist_format(host_core);

	if (from->n || !host_core->n)
		return cpulist_add_all(to, from);
	cpulist_add_all(to, host_core);
	strv_pushf(&plan->reasons, "%s: CPUs %s, a whole core the vCPUs leave to the host", what,
		   cpus);
}

static int plan_auto(const struct profile *p, struct pin_plan *plan, struct pl_err *err)
{
	struct cpu_topology t;
	struct cpulist host_core = {0};
	int r = cpu_topology_read(&t, err);

	if (r == 0 && p->cpu.vcpu_pin_auto)
		r = choose_vcpus(p, &t, plan, &host_core, err);
	else if (r == 0)
		host_core_beside(&t, &p->cpu.vcpu_pin, &host_core);
	if (r == 0 &&
	    (p->cpu.emulator_pin_auto || (p->cpu.vcpu_pin_auto && !p->cpu.emulator_pin.n)))
		pin_to_host_core(plan, &plan->emulator, &p->cpu.emulator_pin, &host_core,
				 "QEMU's own threads");
	if (r == 0 && p->cpu.iothread_pin_auto)
		pin_to_host_core(plan, &plan->iothread, &p->cpu.iothread_pin, &host_core,
				 "I/O threads");
	cpulist_free(&host_core);
	cpu_topology_free(&t);
	return r;
}

int pin_plan_make(const struct profile *p, struct pin_plan *plan, struct pl_err *err)
{
	struct cpulist online = {0};
	int r;

	*plan = (struct pin_plan){.vcpu_sched = p->cpu.vcpu_sched,
				  .vcpu_priority = p->cpu.vcpu_priority};
	r = online_cpus(&online, err);
	if (r == 0 && profile_pins_auto(p))
		r = plan_auto(p, plan, err);
	if (r == 0) {
		cpulist_add_all(&plan->vcpu, &p->cpu.vcpu_pin);
		if (!plan->emulator.n)
			cpulist_add_all(&plan->emulator, &p->cpu.emulator_pin);
		if (!plan->iothread.n)
			cpulist_add_all(&plan->iothread, &p->cpu.iothread_pin);
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
	strv_free(&plan->reasons);
}

int pin_host_cpus(const struct pin_plan *plan, struct cpulist *host)
{
	struct cpulist online;
	struct pl_err err = {0};

	*host = (struct cpulist){0};
	if (online_cpus(&online, &err) < 0)
		return -EIO;
	for (size_t i = 0; i < online.n; i++)
		if (!cpulist_contains(&plan->vcpu, online.cpu[i]))
			cpulist_add(host, online.cpu[i]);
	cpulist_free(&online);
	return 0;
}
