#include "export.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* accel = auto as print chooses it: KVM when /dev/kvm is there. */
static bool kvm_here(void)
{
	/* No privilege here: the root a test gives is taken as it is. */
	const char *dev = getenv("PASSLAUNCH_DEVFS");
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/kvm", dev && *dev ? dev : "/dev");
	return access(path, F_OK) == 0;
}

/* <domain type>, <name>, <uuid>: the accelerator, the name, and the SMBIOS
 * UUID Windows ties its activation to. */
static void export_identity(struct export *ex)
{
	const struct profile *p = ex->p;

	xo_attr(ex->root, "type", "%s", p->qemu.accel == ACCEL_TCG || !kvm_here() ? "qemu" : "kvm");
	if (p->qemu.accel == ACCEL_AUTO)
		xo_comment(ex->root, "accel = auto: %s on this host", kvm_here() ? "KVM" : "TCG");
	xo_text(ex->root, "name", "%s", p->vm.name);
	if (p->smbios.field[SMBIOS_system_uuid])
		xo_text(ex->root, "uuid", "%s", p->smbios.field[SMBIOS_system_uuid]);
}

/* <memory> and its backing: hugepages, locking, merging, preallocation. */
static void export_memory(struct export *ex)
{
	const struct profile *p = ex->p;
	xmlNode *backing = NULL;

	xo_attr(xo_text(ex->root, "memory", "%" PRIu64, p->memory.size >> 10), "unit", "KiB");
	xo_attr(xo_text(ex->root, "currentMemory", "%" PRIu64, p->memory.size >> 10), "unit",
		"KiB");
	if (p->memory.hugepages != HUGEPAGES_NO || p->memory.lock || !p->memory.merge ||
	    p->memory.prealloc == TRI_YES)
		backing = xo_child(ex->root, "memoryBacking");
	if (p->memory.hugepages != HUGEPAGES_NO) {
		xmlNode *page = xo_child(xo_child(backing, "hugepages"), "page");
		xo_attr(page, "size", "%u", p->memory.hugepages == HUGEPAGES_1G ? 1048576 : 2048);
		xo_attr(page, "unit", "KiB");
	}
	if (!p->memory.merge)
		xo_child(backing, "nosharepages");
	if (p->memory.lock)
		xo_child(backing, "locked");
	if (p->memory.prealloc == TRI_YES) {
		xmlNode *allocation = xo_attr(xo_child(backing, "allocation"), "mode", "immediate");
		if (p->memory.prealloc_threads)
			xo_attr(allocation, "threads", "%u", p->memory.prealloc_threads);
	} else if (p->memory.prealloc_threads) {
		ex_warn(ex, "memory", "prealloc_threads",
			"libvirt sets threads only with <allocation mode='immediate'>: left out");
	}
	if (p->memory.prealloc == TRI_NO && p->memory.hugepages != HUGEPAGES_NO)
		ex_warn(ex, "memory", "prealloc",
			"libvirt preallocates hugepages always: left out");
}

/* <numatune>: the host node the memory comes from. */
static void export_numatune(struct export *ex)
{
	static const char *const modes[] = {[POLICY_BIND] = "strict",
					    [POLICY_PREFERRED] = "preferred",
					    [POLICY_INTERLEAVE] = "interleave"};
	const struct profile *p = ex->p;
	xmlNode *memory;

	if (p->memory.node < 0)
		return;
	memory = xo_child(xo_child(ex->root, "numatune"), "memory");
	xo_attr(memory, "mode", "%s", modes[p->memory.policy]);
	xo_attr(memory, "nodeset", "%d", p->memory.node);
}

void export_domain(struct export *ex)
{
	export_identity(ex);
	export_memory(ex);
	export_numatune(ex);
}
