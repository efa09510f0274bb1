#include "import.h"

#include <errno.h>
#include <inttypes.h>

/* libvirt's units (KiB when none is given) in bytes; 0 for an unknown one. */
static uint64_t unit_bytes(const char *unit)
{
	static const struct {
		const char *name;
		uint64_t bytes;
	} units[] = {{"b", 1},
		     {"bytes", 1},
		     {"KB", 1000},
		     {"k", 1024},
		     {"KiB", 1024},
		     {"MB", 1000000},
		     {"M", 1 << 20},
		     {"MiB", 1 << 20},
		     {"GB", 1000000000},
		     {"G", 1 << 30},
		     {"GiB", 1 << 30},
		     {"TB", UINT64_C(1000000000000)},
		     {"T", UINT64_C(1) << 40},
		     {"TiB", UINT64_C(1) << 40}};

	if (!unit)
		return 1024;
	for (size_t i = 0; i < N_ELEMENTS(units); i++)
		if (streq(unit, units[i].name))
			return units[i].bytes;
	return 0;
}

/* An element's size in bytes (its text, or attribute ATTR when not NULL,
 * with its "unit"); 0 when it is not a size. */
static uint64_t size_of(xmlNode *n, const char *attr)
{
	_cleanup_free_ char *unit = dx_attr(n, "unit");
	_cleanup_free_ char *text = attr ? dx_attr(n, attr) : dx_text(n);
	uint64_t mult = unit_bytes(unit), v;
	char *end;

	if (!text || !mult)
		return 0;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || v > UINT64_MAX / mult)
		return 0;
	return v * mult;
}

static void write_size(struct import *im, const char *section, const char *key, uint64_t bytes)
{
	if (bytes % (UINT64_C(1) << 30) == 0)
		ini_set(&im->out, section, key, "%" PRIu64 "G", bytes >> 30);
	else if (bytes % (UINT64_C(1) << 20) == 0)
		ini_set(&im->out, section, key, "%" PRIu64 "M", bytes >> 20);
	else
		ini_set(&im->out, section, key, "%" PRIu64 "M", (bytes >> 20) + 1);
}

static int import_name(struct import *im, struct pl_err *err)
{
	xmlNode *n = dx_child(im->d->root, "name");
	_cleanup_free_ char *name = n ? dx_text(n) : NULL;

	dx_use(n);
	if (im->name) {
		ini_set(&im->out, "vm", "name", "%s", im->name);
		return 0;
	}
	if (!name || !*name)
		return dx_fail(im->d, im->d->root, err, "no <name>: give one with --name NAME");
	bool changed = false;

	for (char *c = name; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '_' && *c != '.' && *c != '-') {
			*c = '-';
			changed = true;
		}
	if (changed)
		dx_warn(im->d, n, "a name passlaunch does not take as it is: written as %s", name);
	ini_set(&im->out, "vm", "name", "%s", name);
	return 0;
}

static int import_memory(struct import *im, struct pl_err *err)
{
	xmlNode *n = dx_child(im->d->root, "memory");
	xmlNode *current = dx_child(im->d->root, "currentMemory");
	uint64_t bytes = n ? size_of(n, NULL) : 0;

	if (!bytes)
		return dx_fail(im->d, n ? n : im->d->root, err,
			       "no memory size passlaunch can read (a whole number and a unit)");
	dx_use(n);
	write_size(im, "memory", "size", bytes);
	if (current && size_of(current, NULL) != bytes)
		dx_warn(im->d, current,
			"smaller than <memory>: the guest starts with all of it (with passed "
			"devices the balloon could not take any back)");
	dx_use(current);
	return 0;
}

/* <allocation mode= threads=>: preallocated (immediate) or not (ondemand). */
static void import_allocation(struct import *im, xmlNode *allocation)
{
	_cleanup_free_ char *mode = dx_attr(allocation, "mode");
	_cleanup_free_ char *threads = dx_attr(allocation, "threads");
	unsigned n;

	if (!allocation)
		return;
	dx_use(allocation);
	if (mode && (streq(mode, "immediate") || streq(mode, "ondemand")))
		ini_set(&im->out, "memory", "prealloc", "%s",
			streq(mode, "immediate") ? "yes" : "no");
	if (threads && im_number(threads, 1024, &n) && n)
		ini_set(&im->out, "memory", "prealloc_threads", "%u", n);
	else if (threads)
		dx_warn(im->d, allocation, "threads='%s' is not a number from 1 to 1024: left out",
			threads);
}

static void import_hugepages(struct import *im)
{
	xmlNode *backing = dx_child(im->d->root, "memoryBacking");
	xmlNode *huge = dx_child(backing, "hugepages");
	xmlNode *page = dx_child(huge, "page");
	uint64_t size = page ? size_of(page, "size") : UINT64_C(2) << 20;

	dx_use(backing);
	if (huge) {
		dx_use(huge);
		dx_use(page);
		if (size == UINT64_C(2) << 20 || size == UINT64_C(1) << 30)
			ini_set(&im->out, "memory", "hugepages", "%s",
				size == UINT64_C(2) << 20 ? "2M" : "1G");
		else
			dx_warn(im->d, page ? page : huge,
				"a page size passlaunch does not use: hugepages = 2M or 1G");
		if (!page)
			ini_comment(&im->out, "memory",
				    "libvirt took the host's default page size: 2M on x86");
	}
	if (dx_child(backing, "locked")) {
		dx_use(dx_child(backing, "locked"));
		ini_set(&im->out, "memory", "lock", "yes");
	}
	if (dx_child(backing, "nosharepages")) {
		dx_use(dx_child(backing, "nosharepages"));
		ini_set(&im->out, "memory", "merge", "no");
	}
	import_allocation(im, dx_child(backing, "allocation"));
}

int import_domain(struct import *im, struct pl_err *err)
{
	_cleanup_free_ char *type = dx_attr(im->d->root, "type");
	int r;

	if (type && streq(type, "kvm"))
		ini_set(&im->out, "qemu", "accel", "kvm");
	else if (type && streq(type, "qemu"))
		ini_set(&im->out, "qemu", "accel", "tcg");
	else
		return dx_fail(im->d, im->d->root, err,
			       "type '%s': passlaunch runs QEMU with KVM (kvm) or TCG (qemu)",
			       type ? type : "none");
	r = import_name(im, err);
	if (r == 0)
		r = import_memory(im, err);
	if (r == 0)
		import_hugepages(im);
	if (r == 0)
		import_numa(im);
	return r;
}
