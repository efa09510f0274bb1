#include "export.h"

#include "profile/vmpath.h"

#include <string.h>

/* The Hyper-V list names hv-time (libvirt's hypervclock timer). */
static bool hyperv_time(const struct profile *p)
{
	const char *list = p->cpu.hyperv_list;

	return p->cpu.hyperv && (!list || strstr(list, "hv-time"));
}

/* <os><smbios> and <sysinfo>: the names the guest reads of its machine.
 * libvirt copies the host's blocks or writes its own, never both. */
static void export_smbios(struct export *ex, xmlNode *os)
{
	static const char *const blocks[] = {"bios", "system", "baseBoard"};
	const struct profile *p = ex->p;
	xmlNode *sysinfo = NULL, *block[N_ELEMENTS(blocks)] = {0};

	if (p->smbios.from_host) {
		xo_attr(xo_child(os, "smbios"), "mode", "host");
		ex_warn(ex, "smbios", "source",
			"host: libvirt copies the host's BIOS and system names, not the board's");
	}
	for (size_t i = 0; i < SMBIOS_FIELDS; i++) {
		const struct smbios_field *f = &smbios_fields[i];
		if (!p->smbios.field[i] || i == SMBIOS_system_uuid)
			continue;
		if (p->smbios.from_host) {
			ex_warn(ex, "smbios", f->key,
				"libvirt copies the host's names or writes its own, not both: left "
				"out");
			continue;
		}
		if (!sysinfo) {
			sysinfo = xo_attr(xo_child(ex->root, "sysinfo"), "type", "smbios");
			xo_attr(xo_child(os, "smbios"), "mode", "sysinfo");
		}
		if (!block[f->type])
			block[f->type] = xo_child(sysinfo, blocks[f->type]);
		xo_attr(xo_text(block[f->type], "entry", "%s", p->smbios.field[i]), "name", "%s",
			f->qemu);
	}
}

/* <os>: the machine, the firmware (OVMF as libvirt picks it by its
 * features, or the code named), the NVRAM, the boot menu. */
static void export_os(struct export *ex)
{
	const struct profile *p = ex->p;
	xmlNode *os = xo_child(ex->root, "os");
	xmlNode *type = xo_text(os, "type", "hvm");
	_cleanup_free_ char *vars = NULL;

	xo_attr(type, "arch", "x86_64");
	xo_attr(type, "machine", "%s", p->qemu.machine);
	export_smbios(ex, os);
	if (p->firmware.type == FW_BIOS)
		goto menu;
	if (p->firmware.code) {
		xmlNode *loader = xo_text(os, "loader", "%s", p->firmware.code);
		xo_attr(loader, "readonly", "yes");
		xo_attr(loader, "type", "pflash");
		if (p->firmware.type == FW_OVMF_SECBOOT)
			xo_attr(loader, "secure", "yes");
	} else {
		xmlNode *feature;
		xo_attr(os, "firmware", "efi");
		feature = xo_child(xo_child(os, "firmware"), "feature");
		xo_attr(feature, "enabled", "%s",
			p->firmware.type == FW_OVMF_SECBOOT ? "yes" : "no");
		xo_attr(feature, "name", "secure-boot");
	}
	vars = vmpath_vars(p);
	{
		xmlNode *nvram = xo_text(os, "nvram", "%s", vars);
		if (p->firmware.vars_template)
			xo_attr(nvram, "template", "%s", p->firmware.vars_template);
	}
menu:
	if (p->vm.boot_menu)
		xo_attr(xo_child(os, "bootmenu"), "enable", "yes");
}

/* <clock>: the RTC's base and policy, the PIT's, the HPET, Hyper-V's
 * clock, kvmclock. */
static void export_clock(struct export *ex)
{
	const struct profile *p = ex->p;
	xmlNode *clock = xo_child(ex->root, "clock");

	xo_attr(clock, "offset", "%s", p->vm.clock == CLOCK_LOCALTIME ? "localtime" : "utc");
	if (p->vm.rtc_tick == TICK_DELAY)
		xo_attr(xo_attr(xo_child(clock, "timer"), "name", "rtc"), "tickpolicy", "catchup");
	xo_attr(xo_attr(xo_child(clock, "timer"), "name", "pit"), "tickpolicy", "%s",
		p->vm.pit_tick == TICK_DELAY ? "delay" : "discard");
	xo_attr(xo_attr(xo_child(clock, "timer"), "name", "hpet"), "present", "%s",
		p->vm.hpet ? "yes" : "no");
	if (hyperv_time(p))
		xo_attr(xo_attr(xo_child(clock, "timer"), "name", "hypervclock"), "present", "yes");
	for (size_t i = 0; i < p->cpu.flags.n; i++)
		if (streq(p->cpu.flags.v[i], "kvmclock=off"))
			xo_attr(xo_attr(xo_child(clock, "timer"), "name", "kvmclock"), "present",
				"no");
}

/* <pm>: suspend to RAM and to disk, as the guest is offered them. */
static void export_pm(struct export *ex)
{
	xmlNode *pm = xo_child(ex->root, "pm");

	xo_attr(xo_child(pm, "suspend-to-mem"), "enabled", "%s", ex->p->vm.s3 ? "yes" : "no");
	xo_attr(xo_child(pm, "suspend-to-disk"), "enabled", "%s", ex->p->vm.s4 ? "yes" : "no");
}

void export_platform(struct export *ex)
{
	export_os(ex);
	export_clock(ex);
	export_pm(ex);
}
