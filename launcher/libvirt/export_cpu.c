#include "export.h"

#include "profile/cpu_features.h"

#include <string.h>

/* <vcpu> and <cputune>: the count, each vCPU's CPU, the emulator's and the
 * I/O threads' CPUs, the vCPUs' scheduling. */
static void export_tune(struct export *ex)
{
	static const char *const schedulers[] = {
	    [VCPU_SCHED_OTHER] = "other", [VCPU_SCHED_FIFO] = "fifo", [VCPU_SCHED_RR] = "rr"};
	const struct profile *p = ex->p;
	xmlNode *tune = NULL;

	xo_attr(xo_text(ex->root, "vcpu", "%u", profile_vcpus(p)), "placement", "static");
	if (p->cpu.vcpu_pin_auto || p->cpu.emulator_pin_auto || p->cpu.iothread_pin_auto)
		ex_warn(ex, "cpu", p->cpu.vcpu_pin_auto ? "vcpu_pin" : "emulator_pin",
			"auto is chosen on the host at each start: libvirt needs the CPUs; "
			"passlaunch check shows what auto chooses here");
	if (p->cpu.vcpu_pin.n || p->cpu.emulator_pin.n || p->cpu.iothread_pin.n ||
	    p->cpu.vcpu_sched != VCPU_SCHED_KEEP)
		tune = xo_child(ex->root, "cputune");
	for (size_t i = 0; i < p->cpu.vcpu_pin.n; i++)
		xo_attr(xo_attr(xo_child(tune, "vcpupin"), "vcpu", "%zu", i), "cpuset", "%u",
			p->cpu.vcpu_pin.cpu[i]);
	if (p->cpu.emulator_pin.n) {
		_cleanup_free_ char *set = cpulist_format(&p->cpu.emulator_pin);
		xo_attr(xo_child(tune, "emulatorpin"), "cpuset", "%s", set);
	}
	if (p->cpu.iothread_pin.n) {
		_cleanup_free_ char *set = cpulist_format(&p->cpu.iothread_pin);
		for (unsigned id = 1; id <= ex_iothreads(p); id++)
			xo_attr(xo_attr(xo_child(tune, "iothreadpin"), "iothread", "%u", id),
				"cpuset", "%s", set);
	}
	if (p->cpu.vcpu_sched != VCPU_SCHED_KEEP) {
		xmlNode *s = xo_child(tune, "vcpusched");
		xo_attr(s, "vcpus", "0-%u", profile_vcpus(p) - 1);
		xo_attr(s, "scheduler", "%s", schedulers[p->cpu.vcpu_sched]);
		if (p->cpu.vcpu_sched != VCPU_SCHED_OTHER)
			xo_attr(s, "priority", "%u", p->cpu.vcpu_priority);
	}
}

/* FLAG=VALUE of [cpu] flags: NAME and whether VALUE means on. */
static bool flag_on(const char *flag, char *name, size_t len)
{
	const char *eq = strchr(flag, '=');

	snprintf(name, len, "%.*s", eq ? (int)(eq - flag) : (int)strlen(flag), flag);
	return !eq || streq(eq + 1, "on") || streq(eq + 1, "yes");
}

/* [cpu] flags: CPU features as <feature>, the cache as <cache>, migratable
 * as the attribute; kvmclock and pmu are libvirt's elsewhere. */
static void export_flags(struct export *ex, xmlNode *cpu, const char **cache)
{
	const struct profile *p = ex->p;

	for (size_t i = 0; i < p->cpu.flags.n; i++) {
		char name[64];
		bool on = flag_on(p->cpu.flags.v[i], name, sizeof(name));
		const char *eq = strchr(p->cpu.flags.v[i], '=');
		bool boolean = !eq || on || streq(eq + 1, "off") || streq(eq + 1, "no");
		if (streq(name, "host-cache-info") && on)
			*cache = "passthrough";
		else if (streq(name, "l3-cache"))
			*cache = on ? (*cache ? *cache : "emulate") : (*cache ? *cache : "disable");
		else if (streq(name, "migratable"))
			xo_attr(cpu, "migratable", "%s", on ? "on" : "off");
		else if (streq(name, "kvmclock") && !on)
			; /* a timer: export_platform writes it */
		else if (!boolean)
			ex_warn(ex, "cpu", "flags", "%s: libvirt has no CPU property with a value",
				p->cpu.flags.v[i]);
		else
			xo_attr(xo_attr(xo_child(cpu, "feature"), "policy", "%s",
					on ? "require" : "disable"),
				"name", "%s", name);
	}
}

/* <cpu>: the model (host as host-passthrough, max as maximum), topology,
 * features, cache, and one guest NUMA node. */
static void export_model(struct export *ex)
{
	const struct profile *p = ex->p;
	xmlNode *cpu = xo_child(ex->root, "cpu");
	xmlNode *topology;
	const char *cache = NULL;

	if (streq(p->cpu.model, "host")) {
		xo_attr(cpu, "mode", "host-passthrough");
	} else if (streq(p->cpu.model, "max")) {
		xo_attr(cpu, "mode", "maximum");
	} else {
		xo_attr(cpu, "mode", "custom");
		xo_attr(xo_text(cpu, "model", "%s", p->cpu.model), "fallback", "forbid");
	}
	topology = xo_child(cpu, "topology");
	xo_attr(topology, "sockets", "%u", p->cpu.sockets);
	xo_attr(topology, "dies", "%u", p->cpu.dies);
	xo_attr(topology, "cores", "%u", p->cpu.cores);
	xo_attr(topology, "threads", "%u", p->cpu.threads);
	export_flags(ex, cpu, &cache);
	if (cache) {
		xmlNode *c = xo_child(cpu, "cache");
		if (streq(cache, "emulate"))
			xo_attr(c, "level", "3");
		xo_attr(c, "mode", "%s", cache);
	}
	if (p->memory.numa) {
		xmlNode *cell = xo_child(xo_child(cpu, "numa"), "cell");
		xo_attr(cell, "id", "0");
		xo_attr(cell, "cpus", "0-%u", profile_vcpus(p) - 1);
		xo_attr(cell, "memory", "%" PRIu64, p->memory.size >> 10);
		xo_attr(cell, "unit", "KiB");
	}
}

/* One enlightenment of QEMU's "hv-NAME[=VALUE]" as libvirt's element. */
static void export_enlightenment(struct export *ex, xmlNode *hv, const char *flag)
{
	const char *name = flag + 3;
	const char *eq = strchr(name, '=');
	char element[32];

	snprintf(element, sizeof(element), "%.*s", eq ? (int)(eq - name) : (int)strlen(name), name);
	if (streq(element, "stimer-direct")) {
		xmlNode *stimer = NULL;
		for (xmlNode *c = hv->children; c; c = c->next)
			if (xmlStrEqual(c->name, BAD_CAST "stimer"))
				stimer = c;
		if (stimer)
			xo_attr(xo_child(stimer, "direct"), "state", "on");
		return;
	}
	if (streq(element, "time"))
		return; /* libvirt's hypervclock timer: export_platform writes it */
	if (streq(element, "tlbflush-ext") || streq(element, "crash")) {
		ex_warn(ex, "cpu", "hyperv", "%s: libvirt 9.0 has no element for it", element);
		return;
	}
	xmlNode *n = xo_attr(xo_child(hv, element), "state", "on");
	if (eq && streq(element, "spinlocks"))
		xo_attr(n, "retries", "%lu", strtoul(eq + 1, NULL, 0));
}

/* <features>: ACPI and APIC, Hyper-V, KVM hidden, no VMware port, SMM for
 * Secure Boot. */
static void export_features(struct export *ex)
{
	const struct profile *p = ex->p;
	xmlNode *features = xo_child(ex->root, "features");

	xo_child(features, "acpi");
	xo_child(features, "apic");
	if (p->cpu.hyperv || p->cpu.hyperv_vendor || p->cpu.hide_hypervisor) {
		xmlNode *hv = xo_attr(xo_child(features, "hyperv"), "mode", "custom");
		_cleanup_free_ char *list =
		    xstrdup(p->cpu.hyperv_list ? p->cpu.hyperv_list : hyperv_default_flags);
		char *save = NULL;
		for (char *f = strtok_r(list, ",", &save); f && p->cpu.hyperv;
		     f = strtok_r(NULL, ",", &save))
			export_enlightenment(ex, hv, f);
		if (p->cpu.hyperv_vendor || p->cpu.hide_hypervisor)
			xo_attr(xo_attr(xo_child(hv, "vendor_id"), "state", "on"), "value", "%s",
				p->cpu.hyperv_vendor ? p->cpu.hyperv_vendor : "passlaunch");
	}
	if (p->cpu.hide_kvm || p->cpu.hide_hypervisor)
		xo_attr(xo_child(xo_child(features, "kvm"), "hidden"), "state", "on");
	xo_attr(xo_child(features, "vmport"), "state", "off");
	if (p->firmware.type == FW_OVMF_SECBOOT)
		xo_attr(xo_child(features, "smm"), "state", "on");
}

void export_cpu(struct export *ex)
{
	export_tune(ex);
	export_model(ex);
	export_features(ex);
}
