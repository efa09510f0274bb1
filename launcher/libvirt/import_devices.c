#include "import.h"

#include "base/pciaddr.h"

#include <errno.h>
#include <limits.h>

/* The passed functions of one host slot: a GPU when function 0 is a
 * display controller here (sysfs), else each function apart. */
struct slot {
	struct pci_addr first;
	uint8_t functions;
	xmlNode *node[8]; /* each function's <hostdev> */
};

/* What sysfs says of function 0: a display controller, another class, or
 * nothing when the device is not on this host. */
enum slot_class { CLASS_UNKNOWN, CLASS_DISPLAY, CLASS_OTHER };

static enum slot_class slot_class(const struct pci_addr *a)
{
	/* No privilege here: the root a test gives is taken as it is. */
	const char *sys = getenv("PASSLAUNCH_SYSFS");
	char bdf[PCI_ADDR_LEN], path[PATH_MAX], class[16] = "";
	FILE *f;

	pci_addr_format(a, bdf);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/class", sys && *sys ? sys : "/sys",
		 bdf);
	f = fopen(path, "re");
	if (!f)
		return CLASS_UNKNOWN;
	if (!fgets(class, sizeof(class), f))
		class[0] = '\0';
	fclose(f);
	return !strncmp(class, "0x03", 4) ? CLASS_DISPLAY : CLASS_OTHER;
}

/* <rom bar='off'> or <rom enabled='no'>: the guest sees no ROM. */
static bool rom_hidden(xmlNode *rom)
{
	return dx_attr_is(rom, "bar", "off") || dx_attr_is(rom, "enabled", "no");
}

/* <rom file= bar=>: the function's ROM (rom, or rom.N of a GPU's function
 * N) and whether the guest sees it (rombar, or rombar.N of a GPU's
 * function when not all its functions hide it). */
static void write_rom(struct import *im, xmlNode *dev, const char *section, unsigned fn,
		      bool gpu_function, bool all_hidden)
{
	xmlNode *rom = dx_child(dev, "rom");
	_cleanup_free_ char *file = dx_attr(rom, "file");
	char key[12];

	snprintf(key, sizeof(key), fn ? "rom.%u" : "rom", fn);
	if (file)
		ini_set(&im->out, section, key, "%s", file);
	if (dx_attr_is(rom, "enabled", "no"))
		dx_warn(im->d, rom,
			"no ROM at all: passlaunch has no key that skips it; written as the ROM "
			"BAR hidden (rombar = no), which keeps it from the guest too");
	if (!rom_hidden(rom) || (all_hidden && fn))
		return;
	if (gpu_function && !all_hidden)
		snprintf(key, sizeof(key), "rombar.%u", fn);
	else
		snprintf(key, sizeof(key), "rombar");
	ini_set(&im->out, section, key, "no");
}

static int read_hostdev(struct import *im, xmlNode *h, struct pci_addr *a, struct pl_err *err)
{
	xmlNode *addr = dx_child(dx_child(h, "source"), "address");
	_cleanup_free_ char *domain = dx_attr(addr, "domain");
	_cleanup_free_ char *bus = dx_attr(addr, "bus");
	_cleanup_free_ char *slot = dx_attr(addr, "slot");
	_cleanup_free_ char *function = dx_attr(addr, "function");

	if (!addr || !bus || !slot || !function)
		return dx_fail(im->d, h, err,
			       "a PCI device with no source address (bus, slot, function)");
	if (!im_number(domain, 0xffff, &a->domain) || !im_number(bus, 0xff, &a->bus) ||
	    !im_number(slot, 0x1f, &a->slot) || !im_number(function, 7, &a->func))
		return dx_fail(im->d, addr, err,
			       "not a PCI address: domain 0-0xffff, bus 0-0xff, "
			       "slot 0-0x1f, function 0-7");
	return 0;
}

/* <qemu:override> setting x-vga on the <hostdev> H, by its alias (how
 * libvirt 8.2 and later pass a property it has no element for): the GPU is
 * the guest's primary display. */
static bool x_vga_override(struct import *im, xmlNode *h)
{
	_cleanup_free_ char *alias = dx_attr(dx_child(h, "alias"), "name");
	xmlNode *o = dx_qemu_child(im->d->root, "override");

	for (; alias && o; o = dx_next(o))
		for (xmlNode *dev = dx_qemu_child(o, "device"); dev; dev = dx_next(dev)) {
			xmlNode *fe = dx_qemu_child(dev, "frontend");
			if (!dx_attr_is(dev, "alias", alias) || !fe)
				continue;
			for (xmlNode *pr = dx_qemu_child(fe, "property"); pr; pr = dx_next(pr))
				if (dx_attr_is(pr, "name", "x-vga") &&
				    dx_attr_is(pr, "type", "bool") &&
				    (dx_attr_is(pr, "value", "true") ||
				     dx_attr_is(pr, "value", "on"))) {
					dx_use(o);
					dx_use(dev);
					dx_use(fe);
					dx_use(pr);
					return true;
				}
		}
	return false;
}

/* Whether every passed function of the slot hides its ROM BAR. */
static bool all_hidden(const struct slot *s)
{
	for (unsigned fn = 0; fn < 8; fn++)
		if ((s->functions & (1u << fn)) && !rom_hidden(dx_child(s->node[fn], "rom")))
			return false;
	return true;
}

static void write_slot(struct import *im, const struct slot *s, unsigned *n_gpus)
{
	char bdf[PCI_ADDR_LEN], section[IM_SECTION_LEN];
	struct strv list = {0};

	enum slot_class class = slot_class(&s->first);

	pci_addr_format(&s->first, bdf);
	if (s->first.func == 0 &&
	    (class == CLASS_DISPLAY || (class == CLASS_UNKNOWN && s->functions & 2))) {
		_cleanup_free_ char *joined = NULL;
		char fallback[16];
		snprintf(fallback, sizeof(fallback), "gpu%u", (*n_gpus)++);
		im_section(im, s->node[s->first.func], "gpu", fallback, section);
		ini_set(&im->out, section, "address", "%s", bdf);
		for (unsigned fn = 0; fn < 8; fn++)
			if (s->functions & (1u << fn))
				strv_pushf(&list, "%u", fn);
		joined = strv_join(&list, ",");
		ini_set(&im->out, section, "functions", "%s", joined);
		if (x_vga_override(im, s->node[s->first.func]))
			ini_set(&im->out, section, "primary", "yes");
		if (class == CLASS_UNKNOWN)
			ini_comment(&im->out, section,
				    "a GPU, guessed: not on this host, and its functions 0 and 1 "
				    "are passed");
		for (unsigned fn = 0; fn < 8; fn++) {
			if (!(s->functions & (1u << fn)))
				continue;
			write_rom(im, s->node[fn], section, fn, true, all_hidden(s));
			if (dx_child(s->node[fn], "boot"))
				dx_warn(im->d, dx_child(s->node[fn], "boot"),
					"boot from a GPU: [gpu] has no boot key; boot from a disk");
		}
		strv_free(&list);
		return;
	}
	for (unsigned fn = 0; fn < 8; fn++) {
		struct pci_addr a = s->first;
		if (!(s->functions & (1u << fn)))
			continue;
		a.func = (uint8_t)fn;
		pci_addr_format(&a, bdf);
		char fallback[16];
		snprintf(fallback, sizeof(fallback), "dev%02x%02x%u", a.bus, a.slot, fn);
		im_section(im, s->node[fn], "pci", fallback, section);
		ini_set(&im->out, section, "address", "%s", bdf);
		im_boot(im, s->node[fn], section);
		write_rom(im, s->node[fn], section, 0, false, false);
	}
}

/* <driver name=>: vfio is what passlaunch does; legacy KVM assignment is
 * gone from the kernel. */
static void import_hostdev_driver(struct import *im, xmlNode *h)
{
	xmlNode *driver = dx_child(h, "driver");

	if (!driver)
		return;
	dx_use(driver);
	if (!dx_attr_is(driver, "name", "vfio"))
		dx_warn(im->d, driver, "not vfio: passlaunch passes devices with vfio-pci");
}

/* A USB <hostdev>, by vendor and product as [usb] names it. */
static void import_usb_hostdev(struct import *im, xmlNode *h, unsigned *n)
{
	xmlNode *source = dx_child(h, "source");
	_cleanup_free_ char *vendor = dx_attr(dx_child(source, "vendor"), "id");
	_cleanup_free_ char *product = dx_attr(dx_child(source, "product"), "id");
	char section[IM_SECTION_LEN];
	unsigned vendor_id, product_id;

	dx_use_all(h); /* named below when it is not carried over */
	if (!vendor || !product) {
		dx_warn(im->d, h,
			"a USB device by its bus address: passlaunch names it by "
			"vendor:product, as lsusb shows it");
		return;
	}
	if (!im_number(vendor, 0xffff, &vendor_id) || !im_number(product, 0xffff, &product_id)) {
		dx_warn(im->d, source, "not a USB id: vendor and product are 0x0000 to 0xffff");
		return;
	}
	{
		char fallback[16];
		snprintf(fallback, sizeof(fallback), "usb%u", (*n)++);
		im_section(im, h, "usb", fallback, section);
	}
	ini_set(&im->out, section, "device", "%04x:%04x", vendor_id, product_id);
	im_boot(im, h, section);
	dx_use_children(h, (const char *const[]){"source", "boot", NULL});
}

static int import_hostdevs(struct import *im, xmlNode *devices, struct pl_err *err)
{
	struct slot slots[32];
	size_t n = 0;
	unsigned n_gpus = 0, n_usb = 0;

	for (xmlNode *h = dx_child(devices, "hostdev"); h; h = dx_next(h)) {
		_cleanup_free_ char *type = dx_attr(h, "type");
		struct pci_addr a;
		size_t i;
		int r;
		if (type && streq(type, "usb"))
			import_usb_hostdev(im, h, &n_usb);
		if (!type || !streq(type, "pci"))
			continue;
		r = read_hostdev(im, h, &a, err);
		if (r < 0)
			return r;
		dx_use_children(h, (const char *const[]){"source", "boot", "rom", NULL});
		import_hostdev_driver(im, h);
		for (i = 0; i < n; i++)
			if (slots[i].first.domain == a.domain && slots[i].first.bus == a.bus &&
			    slots[i].first.slot == a.slot)
				break;
		if (i == n) {
			if (n == N_ELEMENTS(slots))
				return dx_fail(im->d, h, err, "more than %zu passed slots",
					       N_ELEMENTS(slots));
			slots[n++] = (struct slot){.first = a};
		}
		slots[i].node[a.func] = h;
		slots[i].functions |= (uint8_t)(1u << a.func);
		if (a.func < slots[i].first.func)
			slots[i].first.func = a.func;
	}
	for (size_t i = 0; i < n; i++)
		write_slot(im, &slots[i], &n_gpus);
	if (n)
		ini_set(&im->out, "hooks", "use", "vfio");
	return 0;
}

int import_devices(struct import *im, struct pl_err *err)
{
	xmlNode *devices = dx_child(im->d->root, "devices");

	dx_use(devices);
	import_disks(im, devices);
	return import_hostdevs(im, devices, err);
}
