#include "import.h"

/* What libvirt adds on its own or keeps for itself: nothing of the VM. */
static bool dropped_silently(const xmlNode *n)
{
	static const char *const names[] = {"title",	"description", "metadata",
					    "seclabel", "resource",    "address",
					    "alias",	"controller",  "emulator"};

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (xmlStrEqual(n->name, BAD_CAST names[i]))
			return true;
	return false;
}

/* Every element neither carried over nor dropped on purpose: a warning
 * each; what is under it is not named again. */
static void report_unused(struct domain_xml *d, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || dropped_silently(c))
			continue;
		if (!dx_used(c)) {
			dx_warn(d, c,
				"not carried over by passlaunch import; if QEMU needs it, add "
				"the option to [qemu] args");
			continue;
		}
		report_unused(d, c);
	}
}

int import_run(struct import *im, struct pl_err *err)
{
	int r = import_domain(im, err);

	if (r == 0)
		r = import_cpu(im, err);
	if (r == 0)
		r = import_features(im, err);
	if (r == 0)
		r = import_platform(im, err);
	if (r == 0)
		r = import_devices(im, err);
	if (r == 0)
		r = import_peripherals(im, err);
	if (r == 0)
		r = import_display(im, err);
	if (r == 0)
		import_boot_devices(im);
	if (r == 0)
		report_unused(im->d, im->d->root);
	if (r == 0 && im->out.refused.n) {
		_cleanup_free_ char *keys = strv_join(&im->out.refused, ", ");
		dx_warn(im->d, im->d->root,
			"%zu value%s held a line break, another control character or \" ;\", "
			"which would end or cut their line in the profile: left out (%s)",
			im->out.refused.n, im->out.refused.n == 1 ? "" : "s", keys);
	}
	return r;
}
