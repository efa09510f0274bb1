#include "import.h"

#include <string.h>
#include <unistd.h>

static void import_timer(struct import *im, xmlNode *t, struct strv *flags, bool *rtc, bool *pit)
{
	_cleanup_free_ char *name = dx_attr(t, "name");
	_cleanup_free_ char *present = dx_attr(t, "present");
	_cleanup_free_ char *policy = dx_attr(t, "tickpolicy");
	bool absent = present && streq(present, "no");

	if (!name)
		return;
	dx_use(t);
	if (streq(name, "rtc")) {
		*rtc = true;
		ini_set(&im->out, "vm", "rtc_tick", "%s",
			policy && streq(policy, "catchup") ? "catchup" : "none");
	} else if (streq(name, "pit")) {
		*pit = true;
		if (policy && streq(policy, "catchup"))
			dx_warn(im->d, t, "PIT catchup: passlaunch has delay or discard");
		ini_set(&im->out, "vm", "pit_tick", "%s",
			policy && streq(policy, "discard") ? "discard" : "delay");
	} else if (streq(name, "hpet")) {
		ini_set(&im->out, "vm", "hpet", "%s", absent ? "no" : "yes");
	} else if (streq(name, "kvmclock") && absent) {
		strv_push(flags, "kvmclock=off");
	} else if (!streq(name, "hypervclock") && !streq(name, "tsc")) {
		dx_warn(im->d, t, "the %s timer: not carried over", name);
	}
}

/* <clock>: the offset and the timers; passlaunch's defaults differ from
 * libvirt's, so each is written. */
static void import_clock(struct import *im)
{
	xmlNode *clock = dx_child(im->d->root, "clock");
	_cleanup_free_ char *offset = dx_attr(clock, "offset");
	struct strv flags = {0};
	bool rtc = false, pit = false;

	dx_use(clock);
	if (offset && !streq(offset, "utc") && !streq(offset, "localtime"))
		dx_warn(im->d, clock, "offset %s: passlaunch has utc or localtime", offset);
	ini_set(&im->out, "vm", "clock", "%s",
		offset && streq(offset, "localtime") ? "localtime" : "utc");
	for (xmlNode *t = dx_child(clock, "timer"); t; t = dx_next(t))
		import_timer(im, t, &flags, &rtc, &pit);
	if (!rtc)
		ini_set(&im->out, "vm", "rtc_tick", "none");
	if (!pit)
		ini_set(&im->out, "vm", "pit_tick", "delay");
	if (flags.n)
		ini_comment(&im->out, "cpu", "from <clock>: add %s to flags", flags.v[0]);
	strv_free(&flags);
}

/* <os firmware='efi'> without a loader: libvirt takes the firmware of
 * highest priority among QEMU's descriptors, which on Debian, Fedora and
 * Arch offers Secure Boot; <firmware><feature name='secure-boot'
 * enabled='no'/> asks for one without. */
static bool efi_secure_boot(xmlNode *os)
{
	xmlNode *features = dx_child(os, "firmware");

	dx_use_all(features);
	for (xmlNode *f = dx_child(features, "feature"); f; f = dx_next(f))
		if (dx_attr_is(f, "name", "secure-boot"))
			return !dx_attr_is(f, "enabled", "no");
	return true;
}

/* libvirt keeps a domain's NVRAM at a path of its own when <nvram> names
 * none: the profile uses that file, so that the guest's boot entries stay. */
static void libvirt_nvram(struct import *im)
{
	_cleanup_free_ char *name = dx_text(dx_child(im->d->root, "name"));

	ini_set(&im->out, "firmware", "vars", "/var/lib/libvirt/qemu/nvram/%s_VARS.fd", name);
	ini_comment(&im->out, "firmware", "libvirt's NVRAM for this domain, where it keeps it");
}

/* A loader with no NVRAM template named: the template is guessed from the
 * loader's name, as distributions name the pair (OVMF_CODE.fd and
 * OVMF_VARS.fd), when that file is here or the loader is not (then no
 * firmware descriptor here could name it either). */
static void guess_vars_template(struct import *im, const char *code, xmlNode *nvram)
{
	const char *base = strrchr(code, '/');
	const char *mark = strstr(base ? base : code, "CODE");
	_cleanup_free_ char *template = dx_attr(nvram, "template");
	_cleanup_free_ char *vars = NULL;

	if (template || !mark)
		return;
	vars = xstrdup(code);
	memcpy(vars + (mark - code), "VARS", 4);
	if (access(code, F_OK) == 0 && access(vars, F_OK) != 0)
		return;
	ini_set(&im->out, "firmware", "vars_template", "%s", vars);
	ini_comment(&im->out, "firmware", "the NVRAM template, guessed from the loader's name");
}

/* <os>: the machine, the firmware and its NVRAM, the boot menu. */
static void import_os(struct import *im)
{
	xmlNode *os = dx_child(im->d->root, "os");
	xmlNode *type = dx_child(os, "type");
	xmlNode *loader = dx_child(os, "loader");
	xmlNode *nvram = dx_child(os, "nvram");
	xmlNode *menu = dx_child(os, "bootmenu");
	_cleanup_free_ char *machine = dx_attr(type, "machine");
	_cleanup_free_ char *firmware = dx_attr(os, "firmware");
	_cleanup_free_ char *secure = dx_attr(loader, "secure");
	bool efi = (firmware && streq(firmware, "efi")) || loader;

	dx_use(os);
	dx_use(type);
	if (machine)
		ini_set(&im->out, "qemu", "machine", "%s", machine);
	if (!efi)
		ini_set(&im->out, "firmware", "type", "bios");
	else if (!loader)
		ini_set(&im->out, "firmware", "type", "%s",
			efi_secure_boot(os) ? "ovmf-secboot" : "ovmf");
	else
		ini_set(&im->out, "firmware", "type", "%s",
			secure && streq(secure, "yes") ? "ovmf-secboot" : "ovmf");
	if (loader && !firmware) {
		_cleanup_free_ char *code = dx_text(loader);
		if (*code) {
			ini_set(&im->out, "firmware", "code", "%s", code);
			guess_vars_template(im, code, nvram);
		}
		if (dx_attr_is(loader, "type", "rom"))
			dx_warn(im->d, loader,
				"OVMF as a ROM, which keeps no settings: passlaunch "
				"runs it as flash with its NVRAM");
	}
	dx_use(loader);
	if (nvram) {
		_cleanup_free_ char *vars = dx_text(nvram);
		_cleanup_free_ char *template = dx_attr(nvram, "template");
		if (*vars)
			ini_set(&im->out, "firmware", "vars", "%s", vars);
		if (template)
			ini_set(&im->out, "firmware", "vars_template", "%s", template);
		dx_use(nvram);
	} else if (efi) {
		libvirt_nvram(im);
	}
	if (menu) {
		ini_set(&im->out, "vm", "boot_menu", "%s",
			dx_attr_is(menu, "enable", "yes") ? "yes" : "no");
		dx_use(menu);
	}
}

/* <pm>: sleep states shown to the guest. Without it QEMU offers both, as
 * libvirt leaves them; passlaunch's default hides them. */
static void import_pm(struct import *im)
{
	xmlNode *pm = dx_child(im->d->root, "pm");
	xmlNode *mem = dx_child(pm, "suspend-to-mem");
	xmlNode *disk = dx_child(pm, "suspend-to-disk");

	dx_use(pm);
	dx_use(mem);
	dx_use(disk);
	ini_set(&im->out, "vm", "s3", "%s", dx_attr_is(mem, "enabled", "no") ? "no" : "yes");
	ini_set(&im->out, "vm", "s4", "%s", dx_attr_is(disk, "enabled", "no") ? "no" : "yes");
	if (!mem || !disk)
		ini_comment(&im->out, "vm",
			    "libvirt left suspend to QEMU, which offers it; a passed GPU often "
			    "does not come back from it: s3 = no, s4 = no hide it");
}

/* Whether any device has <boot order=>: libvirt refuses it beside <os><boot>. */
static bool devices_have_boot_order(xmlNode *devices)
{
	for (xmlNode *d = devices ? devices->children : NULL; d; d = d->next)
		if (d->type == XML_ELEMENT_NODE && dx_child(d, "boot"))
			return true;
	return false;
}

/* <os><boot dev=...>: libvirt gives the first disk, CD-ROM or interface the
 * boot index of its place in the list. The sections are the importer's
 * names for the first of each. */
void import_boot_devices(struct import *im)
{
	const struct {
		const char *dev, *section;
	} firsts[] = {
	    {"hd", im->first_disk}, {"cdrom", im->first_cdrom}, {"network", im->first_net}};
	xmlNode *os = dx_child(im->d->root, "os");
	unsigned order = 0;

	if (devices_have_boot_order(dx_child(im->d->root, "devices")))
		return;
	for (xmlNode *b = dx_child(os, "boot"); b; b = dx_next(b)) {
		_cleanup_free_ char *dev = dx_attr(b, "dev");
		const char *section = NULL;
		dx_use(b);
		order++;
		for (size_t i = 0; dev && i < N_ELEMENTS(firsts); i++)
			if (streq(dev, firsts[i].dev))
				section = firsts[i].section;
		/* None of its kind written: none in the domain (libvirt boots
		 * the next), or one left out, with a warning of its own. */
		if (section && *section)
			ini_set(&im->out, section, "boot", "%u", order);
		else if (!section)
			dx_warn(im->d, b,
				"boot from %s: passlaunch boots disks, CD-ROMs, "
				"interfaces and passed devices",
				dev ? dev : "nothing");
	}
}

/* <on_reboot>, <on_poweroff>, <on_crash>: what libvirt does when the guest
 * reboots, powers off or crashes. passlaunch restarts a rebooting guest
 * unless QEMU is told -no-reboot, and ends the run otherwise. */
static void import_lifecycle(struct import *im)
{
	static const struct {
		const char *element, *usual;
	} events[] = {
	    {"on_reboot", "restart"}, {"on_poweroff", "destroy"}, {"on_crash", "destroy"}};

	for (size_t i = 0; i < N_ELEMENTS(events); i++) {
		xmlNode *n = dx_child(im->d->root, events[i].element);
		_cleanup_free_ char *action = n ? dx_text(n) : NULL;
		if (!n)
			continue;
		dx_use(n);
		if (streq(action, events[i].usual))
			continue;
		if (i == 0 && streq(action, "destroy")) {
			ini_set(&im->out, "qemu", "args", "-no-reboot");
			ini_comment(&im->out, "qemu",
				    "<on_reboot>destroy: the guest's reboot ends the run");
		} else {
			dx_warn(im->d, n, "%s on %s: passlaunch %s", action, events[i].element + 3,
				i == 0 ? "restarts the guest, or with -no-reboot in [qemu] args "
					 "ends the run"
				       : "ends the run");
		}
	}
}

int import_platform(struct import *im, struct pl_err *err)
{
	(void)err;
	import_os(im);
	import_clock(im);
	import_pm(im);
	import_lifecycle(im);
	return 0;
}
