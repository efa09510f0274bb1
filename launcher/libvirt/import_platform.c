#include "import.h"

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
	ini_set(&im->out, "firmware", "type", "%s",
		!efi				 ? "bios"
		: secure && streq(secure, "yes") ? "ovmf-secboot"
						 : "ovmf");
	if (loader && !firmware) {
		_cleanup_free_ char *code = dx_text(loader);
		if (*code)
			ini_set(&im->out, "firmware", "code", "%s", code);
	}
	dx_use(loader);
	if (nvram) {
		_cleanup_free_ char *vars = dx_text(nvram);
		if (*vars)
			ini_set(&im->out, "firmware", "vars", "%s", vars);
		dx_use(nvram);
	}
	if (menu) {
		ini_set(&im->out, "vm", "boot_menu", "%s",
			dx_attr_is(menu, "enable", "yes") ? "yes" : "no");
		dx_use(menu);
	}
}

int import_platform(struct import *im, struct pl_err *err)
{
	(void)err;
	import_os(im);
	import_clock(im);
	return 0;
}
