#include "import.h"

/* "on" unless STATE says "off": libvirt's state attribute. */
static bool state_on(xmlNode *n)
{
	_cleanup_free_ char *state = dx_attr(n, "state");

	return !state || streq(state, "on") || streq(state, "yes");
}

/* <cache mode=>: the host's cache layout passed, an L3 emulated, or none. */
static void cpu_cache_flags(struct import *im, xmlNode *cache, struct strv *flags)
{
	_cleanup_free_ char *mode = dx_attr(cache, "mode");

	if (!cache)
		return;
	if (mode && streq(mode, "passthrough")) {
		strv_push(flags, "host-cache-info=on");
		strv_push(flags, "l3-cache=off");
	} else if (mode && streq(mode, "emulate")) {
		strv_push(flags, "l3-cache=on");
	} else if (mode && streq(mode, "disable")) {
		strv_push(flags, "l3-cache=off");
	} else {
		dx_warn(im->d, cache, "cache mode %s: not carried over", mode ? mode : "none");
		return;
	}
	dx_use(cache);
}

/* <cpu mode=...>: QEMU's model; features as flags. */
static void import_cpu_model(struct import *im)
{
	xmlNode *cpu = dx_child(im->d->root, "cpu");
	_cleanup_free_ char *mode = dx_attr(cpu, "mode");
	xmlNode *model = dx_child(cpu, "model");
	struct strv flags = {0};

	if (!cpu) {
		ini_set(&im->out, "cpu", "model", "qemu64");
		ini_comment(&im->out, "cpu",
			    "libvirt gave QEMU's default model; host suits a game");
		return;
	}
	dx_use(cpu);
	if (mode && streq(mode, "host-passthrough"))
		ini_set(&im->out, "cpu", "model", "host");
	else if (mode && streq(mode, "maximum"))
		ini_set(&im->out, "cpu", "model", "max");
	else if (mode && streq(mode, "host-model")) {
		ini_set(&im->out, "cpu", "model", "host");
		dx_warn(im->d, cpu,
			"host-model has no QEMU model: written as host, which shows the guest "
			"every host feature");
	} else if (model) {
		_cleanup_free_ char *name = dx_text(model);
		ini_set(&im->out, "cpu", "model", "%s", name);
		dx_use(model);
	}
	for (xmlNode *f = dx_child(cpu, "feature"); f; f = dx_next(f)) {
		_cleanup_free_ char *policy = dx_attr(f, "policy");
		_cleanup_free_ char *name = dx_attr(f, "name");
		bool off = policy && (streq(policy, "disable") || streq(policy, "forbid"));
		if (!name)
			continue;
		dx_use(f);
		if (off && streq(name, "hypervisor"))
			strv_push(&flags, "-hypervisor");
		else
			strv_pushf(&flags, "%c%s", off ? '-' : '+', name);
	}
	cpu_cache_flags(im, dx_child(cpu, "cache"), &flags);
	if (dx_attr_is(cpu, "migratable", "off"))
		strv_push(&flags, "migratable=no");
	if (flags.n) {
		_cleanup_free_ char *joined = strv_join(&flags, " ");
		ini_set(&im->out, "cpu", "flags", "%s", joined);
	}
	strv_free(&flags);
}

/* Each Hyper-V enlightenment libvirt turns on, in passlaunch's list. */
static void hyperv_list(xmlNode *hv, struct strv *list)
{
	static const char *const plain[] = {"relaxed", "vapic", "vpindex",     "runtime",
					    "synic",   "reset", "frequencies", "reenlightenment",
					    "ipi",     "evmcs", "avic"};

	for (size_t i = 0; i < N_ELEMENTS(plain); i++) {
		xmlNode *n = dx_child(hv, plain[i]);
		if (n && state_on(n))
			strv_push(list, plain[i]);
		dx_use(n);
	}
	for (xmlNode *n = dx_child(hv, "spinlocks"); n; n = NULL) {
		_cleanup_free_ char *retries = dx_attr(n, "retries");
		if (state_on(n))
			strv_pushf(list, "spinlocks=0x%lx",
				   retries ? strtoul(retries, NULL, 0) : 0x1fffUL);
		dx_use(n);
	}
	for (xmlNode *n = dx_child(hv, "stimer"); n && state_on(n); n = NULL) {
		strv_push(list, "stimer");
		if (dx_child(n, "direct") && state_on(dx_child(n, "direct")))
			strv_push(list, "stimer-direct");
		dx_use_all(n);
	}
	for (xmlNode *n = dx_child(hv, "tlbflush"); n && state_on(n); n = NULL) {
		strv_push(list, "tlbflush");
		if (dx_child(n, "extended") && state_on(dx_child(n, "extended")))
			strv_push(list, "tlbflush-ext");
		dx_use(n);
		dx_use(dx_child(n, "extended"));
	}
}

/* passlaunch's order (dependencies first), which hyperv = yes has. */
static const char *const hyperv_order[] = {
    "relaxed",	    "vapic",	     "spinlocks",	"vpindex",     "runtime", "synic",
    "stimer",	    "stimer-direct", "reset",		"frequencies", "time",	  "tlbflush",
    "tlbflush-ext", "ipi",	     "reenlightenment", "evmcs",       "avic"};
static const char hyperv_yes[] = "relaxed, vapic, spinlocks=0x1fff, vpindex, runtime, synic, "
				 "stimer, reset, frequencies, time, tlbflush, ipi";

static size_t hyperv_rank(const char *item)
{
	size_t len = strcspn(item, "=");

	for (size_t i = 0; i < N_ELEMENTS(hyperv_order); i++)
		if (strlen(hyperv_order[i]) == len && !strncmp(hyperv_order[i], item, len))
			return i;
	return N_ELEMENTS(hyperv_order);
}

static int by_hyperv_rank(const void *a, const void *b)
{
	size_t ra = hyperv_rank(*(char *const *)a), rb = hyperv_rank(*(char *const *)b);

	return ra < rb ? -1 : ra > rb;
}

static void import_hyperv(struct import *im, xmlNode *features)
{
	xmlNode *hv = dx_child(features, "hyperv");
	xmlNode *clock = dx_child(im->d->root, "clock");
	struct strv list = {0};

	if (hv) {
		xmlNode *vendor = dx_child(hv, "vendor_id");
		dx_use(hv);
		hyperv_list(hv, &list);
		if (vendor && state_on(vendor)) {
			_cleanup_free_ char *value = dx_attr(vendor, "value");
			if (value)
				ini_set(&im->out, "cpu", "hyperv_vendor_id", "%s", value);
			dx_use(vendor);
		}
	}
	for (xmlNode *t = dx_child(clock, "timer"); t; t = dx_next(t)) {
		_cleanup_free_ char *name = dx_attr(t, "name");
		_cleanup_free_ char *present = dx_attr(t, "present");
		if (name && streq(name, "hypervclock") && (!present || streq(present, "yes")))
			strv_push(&list, "time");
	}
	if (list.n) {
		_cleanup_free_ char *joined = NULL;
		qsort(list.v, list.n, sizeof(*list.v), by_hyperv_rank);
		joined = strv_join(&list, ", ");
		ini_set(&im->out, "cpu", "hyperv", "%s",
			streq(joined, hyperv_yes) ? "yes" : joined);
	} else {
		ini_set(&im->out, "cpu", "hyperv", "no");
	}
	strv_free(&list);
}

/* <smm state='on'>: passlaunch turns SMM on for firmware that needs it
 * (Secure Boot), and off otherwise, where the guest does not use it. */
static void import_smm(struct import *im, xmlNode *smm)
{
	xmlNode *loader = dx_child(dx_child(im->d->root, "os"), "loader");

	if (!smm)
		return;
	dx_use(smm);
	if (state_on(smm) && !dx_attr_is(loader, "secure", "yes") &&
	    !dx_attr_is(dx_child(im->d->root, "os"), "firmware", "efi"))
		ini_comment(&im->out, "vm",
			    "SMM is on only for Secure Boot firmware, the one that uses it");
}

int import_features(struct import *im, struct pl_err *err)
{
	xmlNode *features = dx_child(im->d->root, "features");
	xmlNode *kvm = dx_child(features, "kvm");

	(void)err;
	import_cpu_model(im);
	dx_use(features);
	dx_use(dx_child(features, "acpi"));
	dx_use(dx_child(features, "apic"));
	dx_use(dx_child(features, "pae")); /* every x86_64 CPU has it */
	if (dx_attr_is(dx_child(features, "ioapic"), "driver", "kvm"))
		dx_use(dx_child(features, "ioapic")); /* QEMU's default with KVM */
	import_smm(im, dx_child(features, "smm"));
	import_hyperv(im, features);
	if (kvm) {
		xmlNode *hidden = dx_child(kvm, "hidden");
		if (hidden && state_on(hidden))
			ini_set(&im->out, "cpu", "hide_kvm", "yes");
		dx_use(kvm);
		dx_use(hidden);
	}
	if (dx_child(features, "vmport") && !state_on(dx_child(features, "vmport")))
		dx_use(dx_child(features, "vmport")); /* passlaunch always turns it off */
	return 0;
}
