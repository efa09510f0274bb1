#include "export.h"

#include "profile/cpu_features.h"

#include <string.h>

/* The CPUs of one list: the profile's, or what auto chose on this host. */
static const struct cpulist *pins(const struct cpulist *given, const struct cpulist *chosen)
{
	return given->n ? given : chosen;
}

/* Auto pinning chooses the CPUs, and may choose the guest's dies and
 * caches, at each start: the profile's [cpu] goes into <metadata> as it is,
 * and what auto chose for the keys it leaves unset stays auto's. */
static void keep_auto_cpu(struct export *ex)
{
	static const char *const chosen[] = {"emulator_pin", "iothread_pin", "sockets", "dies",
					     "flags"};

	ex_keep(ex, "cpu", NULL);
	for (size_t i = 0; i < N_ELEMENTS(chosen); i++)
		if (!profile_key_line(ex->p, "cpu", chosen[i]))
			ex_unset(ex, "cpu", chosen[i]);
}

/* Auto is chosen at each start; libvirt keeps CPUs fixed: what it chooses
 * on this host now is written, with its reasons, and named. */
static void explain_auto(struct export *ex)
{
	const struct profile *p = ex->p;
	const char *key = p->cpu.vcpu_pin_auto	     ? "vcpu_pin"
			  : p->cpu.emulator_pin_auto ? "emulator_pin"
						     : "iothread_pin";

	if (pin_plan_empty(ex->plan)) {
		ex_warn(ex, "cpu", key,
			"auto could not be worked out on this host: left out; passlaunch "
			"check shows why");
		return;
	}
	ex_warn(ex, "cpu", key,
		"auto is chosen at each start, and libvirt keeps CPUs fixed: written as "
		"what it chooses on this host now (export again when the host changes)");
	for (size_t i = 0; i < ex->plan->reasons.n; i++)
		xo_comment(ex->root, "[cpu] auto pinning on this host: %s", ex->plan->reasons.v[i]);
	keep_auto_cpu(ex);
}

/* <vcpu> and <cputune>: the count, each vCPU's CPU, the emulator's and the
 * I/O threads' CPUs, the vCPUs' scheduling. */
static void export_tune(struct export *ex)
{
	static const char *const schedulers[] = {
	    [VCPU_SCHED_OTHER] = "other", [VCPU_SCHED_FIFO] = "fifo", [VCPU_SCHED_RR] = "rr"};
	const struct profile *p = ex->p;
	const struct cpulist *vcpu = pins(&p->cpu.vcpu_pin, &ex->plan->vcpu);
	const struct cpulist *emulator = pins(&p->cpu.emulator_pin, &ex->plan->emulator);
	const struct cpulist *iothread = pins(&p->cpu.iothread_pin, &ex->plan->iothread);
	xmlNode *tune = NULL;

	xo_attr(xo_text(ex->root, "vcpu", "%u", profile_vcpus(p)), "placement", "static");
	if (profile_pins_auto(p))
		explain_auto(ex);
	if (vcpu->n || emulator->n || iothread->n || p->cpu.vcpu_sched != VCPU_SCHED_KEEP)
		tune = xo_child(ex->root, "cputune");
	for (size_t i = 0; i < vcpu->n; i++)
		xo_attr(xo_attr(xo_child(tune, "vcpupin"), "vcpu", "%zu", i), "cpuset", "%u",
			vcpu->cpu[i]);
	if (emulator->n) {
		_cleanup_free_ char *set = cpulist_format(emulator);
		xo_attr(xo_child(tune, "emulatorpin"), "cpuset", "%s", set);
	}
	if (iothread->n) {
		_cleanup_free_ char *set = cpulist_format(iothread);
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
	unsigned dies = ex->plan->guest_dies;

	if (streq(p->cpu.model, "host")) {
		xo_attr(cpu, "mode", "host-passthrough");
	} else if (streq(p->cpu.model, "max")) {
		xo_attr(cpu, "mode", "maximum");
	} else {
		xo_attr(cpu, "mode", "custom");
		xo_attr(xo_text(cpu, "model", "%s", p->cpu.model), "fallback", "forbid");
	}
	topology = xo_child(cpu, "topology");
	/* Auto pinning may give the guest the host's dies (L3 domains). */
	xo_attr(topology, "sockets", "%u", dies > 1 ? 1 : p->cpu.sockets);
	xo_attr(topology, "dies", "%u", dies > 1 ? dies : p->cpu.dies);
	xo_attr(topology, "cores", "%u", dies > 1 ? p->cpu.cores / dies : p->cpu.cores);
	xo_attr(topology, "threads", "%u", p->cpu.threads);
	export_flags(ex, cpu, &cache);
	if (!cache && ex->plan->host_cache_info && streq(p->cpu.model, "host"))
		cache = "passthrough";
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
