#include "export.h"

#include <string.h>

/* What passlaunch does outside QEMU, and the libvirt way to do it. */
static const struct {
	const char *section, *key, *libvirt;
} outside[] = {
    {"hooks", "use",
     "hook scripts in /etc/libvirt/hooks/qemu.d (passlaunch-hooks(7) says what each "
     "shipped hook does)"},
    {"hooks", "dir", "hook scripts in /etc/libvirt/hooks/qemu.d"},
    {"hooks", "timeout", "libvirt waits for its hooks without a limit"},
    {"cpu", "isolate",
     "a hook that confines host tasks with systemctl set-property "
     "(AllowedCPUs) on user.slice, system.slice and init.scope"},
    {"cpu", "governor", "a hook that writes scaling_governor"},
    {"cpu", "prefer", "the vcpupin you choose"},
    {"vm", "user", "user= in /etc/libvirt/qemu.conf, or <seclabel type='dynamic'>"},
    {"vm", "state_dir", "/var/lib/libvirt/qemu"},
    {"vm", "stop_timeout", "virsh shutdown, then virsh destroy"},
    {"sandbox", "qemu_as_root", "user = \"root\" in /etc/libvirt/qemu.conf"},
};

/* The keys the export writes as libvirt elements, by section kind. */
static const char *const written[] = {
    "vm name",
    "vm clock",
    "vm hpet",
    "vm pit_tick",
    "vm rtc_tick",
    "vm usb",
    "vm boot_menu",
    "vm s3",
    "vm s4",
    "vm balloon",
    "vm rng",
    "vm watchdog",
    "vm guest_agent",
    "qemu binary",
    "qemu accel",
    "qemu machine",
    "qemu args",
    "qemu extra_args",
    "firmware type",
    "firmware code",
    "firmware vars",
    "firmware vars_template",
    "firmware tpm",
    "firmware tpm_interface",
    "cpu model",
    "cpu sockets",
    "cpu dies",
    "cpu cores",
    "cpu threads",
    "cpu vcpu_pin",
    "cpu emulator_pin",
    "cpu iothread_pin",
    "cpu vcpu_sched",
    "cpu hyperv",
    "cpu hyperv_vendor_id",
    "cpu hide_kvm",
    "cpu hide_hypervisor",
    "cpu flags",
    "cpu iothreads",
    "memory size",
    "memory hugepages",
    "memory node",
    "memory policy",
    "memory prealloc",
    "memory prealloc_threads",
    "memory lock",
    "memory numa",
    "memory merge",
    "audio backend",
    "audio device",
    "audio server",
    "audio output",
    "audio input",
    "audio latency",
    "audio mixing",
    "audio client_name",
    "display type",
    "display video",
    "display looking_glass",
    "display port",
    "display password_file",
    "display serial",
    "display resolution",
    "gpu address",
    "gpu functions",
    "gpu rom",
    "gpu rombar",
    "gpu primary",
    "gpu reset_method",
    "gpu rebar",
    "gpu release",
    "gpu host_driver",
    "pci address",
    "pci rom",
    "pci rombar",
    "pci boot",
    "disk source",
    "disk format",
    "disk bus",
    "disk cache",
    "disk aio",
    "disk iothread",
    "disk discard",
    "disk readonly",
    "disk boot",
    "disk serial",
    "disk model",
    "disk vendor",
    "disk product",
    "disk rotation_rate",
    "disk logical_block_size",
    "disk physical_block_size",
    "disk detect_zeroes",
    "disk queues",
    "cdrom source",
    "cdrom boot",
    "net type",
    "net bridge",
    "net link",
    "net ifname",
    "net model",
    "net mac",
    "net boot",
    "net vhost",
    "net queues",
    "usb device",
    "usb boot",
    "input device",
    "input evdev",
    "input repeat",
    "input grab_all",
    "input grab_toggle",
    "smbios source",
    "smbios bios_vendor",
    "smbios bios_version",
    "smbios bios_date",
    "smbios system_manufacturer",
    "smbios system_product",
    "smbios system_version",
    "smbios system_serial",
    "smbios system_sku",
    "smbios system_family",
    "smbios system_uuid",
    "smbios board_manufacturer",
    "smbios board_product",
    "smbios board_version",
    "smbios board_serial",
};

static bool is_written(const char *section, const char *key)
{
	size_t kind = strcspn(section, ".");

	for (size_t i = 0; i < N_ELEMENTS(written); i++) {
		const char *space = strchr(written[i], ' ');
		if ((size_t)(space - written[i]) == kind && !strncmp(written[i], section, kind) &&
		    streq(space + 1, key))
			return true;
	}
	return (!strncmp(key, "rom.", 4) || !strncmp(key, "rombar.", 7)) &&
	       !strncmp(section, "gpu.", 4);
}

static const char *outside_way(const char *section, const char *key)
{
	for (size_t i = 0; i < N_ELEMENTS(outside); i++)
		if (streq(outside[i].section, section) && streq(outside[i].key, key))
			return outside[i].libvirt;
	return NULL;
}

void export_outside(struct export *ex)
{
	const struct profile *p = ex->p;

	for (size_t i = 0; i < p->n_lines; i++) {
		const struct key_line *k = &p->lines[i];
		const char *way = outside_way(k->section, k->key);
		if (way) {
			xo_comment(ex->root,
				   "[%s] %s: passlaunch's, outside QEMU; with libvirt: %s",
				   k->section, k->key, way);
			ex_keep(ex, k->section, k->key);
		} else if (!is_written(k->section, k->key))
			ex_warn(ex, k->section, k->key, "no libvirt element for it: left out");
	}
}
