#include "import.h"

/* <cpu><numa>: one guest node holding every vCPU and all memory. */
static void import_guest_numa(struct import *im)
{
	xmlNode *numa = dx_child(dx_child(im->d->root, "cpu"), "numa");
	xmlNode *cell = dx_child(numa, "cell");

	if (!numa)
		return;
	if (!cell || dx_next(cell)) {
		dx_warn(im->d, numa, "%s: passlaunch's guest has one node",
			cell ? "several guest NUMA nodes" : "no NUMA cell");
		return;
	}
	ini_set(&im->out, "memory", "numa", "yes");
	dx_use(numa);
	dx_use(cell);
}

/* <numatune><memory>: the host node the guest's memory comes from, and
 * how strictly. libvirt binds a strict node with cgroups (cpuset.mems),
 * passlaunch with the memory backend's policy. */
static void import_numatune(struct import *im)
{
	static const struct {
		const char *mode, *policy;
	} modes[] = {{"strict", "bind"},
		     {"restrictive", "bind"},
		     {"preferred", "preferred"},
		     {"interleave", "interleave"}};
	xmlNode *tune = dx_child(im->d->root, "numatune");
	xmlNode *memory = dx_child(tune, "memory");
	_cleanup_free_ char *mode = dx_attr(memory, "mode");
	_cleanup_free_ char *nodeset = dx_attr(memory, "nodeset");
	const char *policy = "bind";
	char *end = NULL;
	long node = nodeset ? strtol(nodeset, &end, 10) : -1;

	if (!tune)
		return;
	dx_use(tune);
	if (!memory || !nodeset || node < 0 || *end) {
		dx_warn(im->d, memory ? memory : tune,
			"not one host node: set [memory] node by hand, or leave it to the host");
		return;
	}
	for (size_t i = 0; mode && i < N_ELEMENTS(modes); i++)
		if (streq(mode, modes[i].mode))
			policy = modes[i].policy;
	ini_set(&im->out, "memory", "node", "%ld", node);
	ini_set(&im->out, "memory", "policy", "%s", policy);
	dx_use(memory);
}

void import_numa(struct import *im)
{
	import_guest_numa(im);
	import_numatune(im);
}
