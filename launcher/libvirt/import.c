#include "import.h"

#include "base/label.h"

#include <ctype.h>
#include <errno.h>

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

static void remember_origin(struct import *im, const char *section, xmlNode *dev)
{
	im->origins = xreallocarray(im->origins, im->n_origins + 1, sizeof(*im->origins));
	snprintf(im->origins[im->n_origins].section, IM_SECTION_LEN, "%s", section);
	im->origins[im->n_origins++].node = dev;
}

xmlNode *im_origin(const struct import *im, const char *section)
{
	for (size_t i = 0; i < im->n_origins; i++)
		if (streq(im->origins[i].section, section))
			return im->origins[i].node;
	return im->d->root;
}

void import_free(struct import *im)
{
	ini_free(&im->out);
	free(im->origins);
	im->origins = NULL;
	im->n_origins = 0;
}

static void label_section(struct import *im, xmlNode *dev, const char *kind, const char *fallback,
			  char *out)
{
	_cleanup_free_ char *alias = dx_attr(dx_child(dev, "alias"), "name");
	const char *label = alias && !strncmp(alias, "ua-", 3) ? alias + 3 : NULL;
	char unique[LABEL_MAX + 1];

	if (label && label_valid(label) && !ini_label_used(&im->out, label)) {
		snprintf(out, IM_SECTION_LEN, "%s.%s", kind, label);
		return;
	}
	snprintf(unique, sizeof(unique), "%s", fallback);
	for (unsigned n = 2; ini_label_used(&im->out, unique); n++)
		snprintf(unique, sizeof(unique), "%s-%u", fallback, n);
	snprintf(out, IM_SECTION_LEN, "%s.%s", kind, unique);
	if (label)
		ini_comment(&im->out, out, "its alias %s is %s: labelled %s", alias,
			    label_valid(label) ? "another device's label" : "not a valid label",
			    unique);
}

void im_section(struct import *im, xmlNode *dev, const char *kind, const char *fallback, char *out)
{
	label_section(im, dev, kind, fallback, out);
	remember_origin(im, out, dev);
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

bool im_number(const char *s, unsigned long max, unsigned *v)
{
	char *end;
	unsigned long n;

	if (!s) {
		*v = 0;
		return true;
	}
	if (!isdigit((unsigned char)s[0]))
		return false; /* strtoul would take " 1", "+1" and "-1" */
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || n > max)
		return false;
	*v = (unsigned)n;
	return true;
}

void im_boot(struct import *im, xmlNode *dev, const char *section)
{
	_cleanup_free_ char *order = dx_attr(dx_child(dev, "boot"), "order");

	if (order)
		ini_set(&im->out, section, "boot", "%s", order);
}

/* Far more than any VM has (QEMU's PCI buses hold about 8000 functions, real
 * domains a few dozen devices); each device's label is looked up among all
 * sections, so an XML of a million devices would take hours. */
#define DEVICES_MAX 1024

static int check_device_count(struct import *im, struct pl_err *err)
{
	xmlNode *devices = dx_child(im->d->root, "devices");
	size_t n = 0;

	for (xmlNode *c = devices ? devices->children : NULL; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	if (n > DEVICES_MAX)
		return dx_fail(im->d, devices, err,
			       "%zu devices, more than a VM has: passlaunch imports at most %d", n,
			       DEVICES_MAX);
	return 0;
}

int import_run(struct import *im, struct pl_err *err)
{
	int r = check_device_count(im, err);

	if (r == 0)
		r = import_domain(im, err);

	if (r == 0)
		r = import_cpu(im, err);
	if (r == 0)
		r = import_features(im, err);
	if (r == 0)
		r = import_platform(im, err);
	if (r == 0)
		import_smbios(im);
	if (r == 0)
		r = import_devices(im, err);
	if (r == 0)
		r = import_peripherals(im, err);
	if (r == 0)
		r = import_display(im, err);
	if (r == 0)
		import_boot_devices(im);
	if (r == 0)
		import_metadata(im);
	if (r == 0)
		report_unused(im->d, im->d->root);
	if (r == 0)
		r = import_check(im, err);
	if (r == 0 && im->out.refused.n) {
		_cleanup_free_ char *keys = strv_join(&im->out.refused, ", ");
		dx_warn(im->d, im->d->root,
			"%zu value%s held a line break or another control character, a "
			"comment's ';', or what is not text, which would end, cut or spoil "
			"their line in the profile: left out (%s)",
			im->out.refused.n, im->out.refused.n == 1 ? "" : "s", keys);
	}
	return r;
}
