/* Checks of the small devices, sound, input and memory options: what QEMU
 * would refuse at start, or what would quietly do nothing. */
#include "profile_check_common.h"

#include "base/log.h"

#include <ctype.h>

static int check_disk_identity(struct check *c, const struct profile_disk *d)
{
	_cleanup_free_ char *section = xasprintf("disk.%s", d->ref.label);

	if (d->model && d->bus != BUS_SATA)
		return check_bad(c, check_key_line(c, section, "model"),
				 "model applies to bus = sata (an ATA disk's model); on scsi use "
				 "vendor and product");
	if ((d->vendor || d->product) && d->bus != BUS_SCSI)
		return check_bad(c, check_key_line(c, section, d->vendor ? "vendor" : "product"),
				 "%s applies to bus = scsi; on sata use model",
				 d->vendor ? "vendor" : "product");
	if (d->rotation_rate && d->bus != BUS_SATA && d->bus != BUS_SCSI)
		return check_bad(c, check_key_line(c, section, "rotation_rate"),
				 "rotation_rate needs bus = sata or scsi: QEMU's %s disks do not "
				 "report one",
				 d->bus == BUS_NVME ? "NVMe" : "virtio");
	if (d->queues && d->bus != BUS_VIRTIO && d->bus != BUS_SCSI)
		return check_bad(c, check_key_line(c, section, "queues"),
				 "queues needs bus = virtio or scsi");
	if (d->logical_block_size && d->physical_block_size &&
	    d->physical_block_size < d->logical_block_size)
		return check_bad(c, check_key_line(c, section, "physical_block_size"),
				 "physical_block_size %u is smaller than logical_block_size %u",
				 d->physical_block_size, d->logical_block_size);
	if (d->detect_zeroes == ZEROES_UNMAP && !d->discard)
		return check_bad(c, check_key_line(c, section, "detect_zeroes"),
				 "detect_zeroes = unmap needs discard = yes; use on, or set "
				 "discard = yes");
	return 0;
}

static bool is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

int check_devices(struct check *c)
{
	const struct profile *p = c->p;
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_disks; i++)
		r = check_disk_identity(c, &p->disks[i]);
	if (r < 0)
		return r;
	if (p->vm.watchdog == WATCHDOG_ITCO && !machine_is_q35(p->qemu.machine))
		return check_bad(c, check_key_line(c, "vm", "watchdog"),
				 "watchdog = itco is q35's own (ICH9); on machine %s use i6300esb",
				 p->qemu.machine);
	if (p->vm.usb == TRI_NO && p->n_usbs)
		return check_bad(c, check_key_line(c, "vm", "usb"),
				 "usb = no, but [usb.%s] (line %d) needs the USB controller",
				 p->usbs[0].ref.label, p->usbs[0].ref.line);
	if (p->smbios.field[SMBIOS_system_uuid] && !is_uuid(p->smbios.field[SMBIOS_system_uuid]))
		return check_bad(c, check_key_line(c, "smbios", "system_uuid"),
				 "system_uuid = %s is not a UUID; expected e.g. "
				 "43d5b292-4f5c-4b1e-9d59-3c0b6b7e1a21",
				 p->smbios.field[SMBIOS_system_uuid]);
	if (p->firmware.vars && p->firmware.type == FW_BIOS)
		return check_bad(c, check_key_line(c, "firmware", "vars"),
				 "vars applies to OVMF; with type = bios remove it");
	return 0;
}

int check_audio(struct check *c)
{
	const struct profile *p = c->p;
	enum audio_backend b = p->audio.backend;

	if (b == AUDIO_SPICE && p->display.type != DISPLAY_SPICE)
		return check_bad(c, check_key_line(c, "audio", "backend"),
				 "backend = spice sends sound to the SPICE client; set [display] "
				 "type = spice, or choose another backend");
	if (p->audio.latency && b != AUDIO_PIPEWIRE && b != AUDIO_PULSEAUDIO)
		return check_bad(c, check_key_line(c, "audio", "latency"),
				 "latency applies to backend = pipewire or pulseaudio");
	if (p->audio.server && b != AUDIO_PULSEAUDIO)
		return check_bad(c, check_key_line(c, "audio", "server"),
				 "server applies to backend = pulseaudio");
	if (p->audio.client_name && b != AUDIO_JACK)
		return check_bad(c, check_key_line(c, "audio", "client_name"),
				 "client_name applies to backend = jack");
	if (profile_key_line(p, "audio", "codec") && p->audio.device != SOUND_HDA &&
	    p->audio.device != SOUND_ICH6 && p->audio.device != SOUND_ICH9)
		return check_bad(c, check_key_line(c, "audio", "codec"),
				 "codec applies to device = hda, ich6 or ich9");
	if ((p->audio.output || p->audio.input) && (b == AUDIO_SPICE || b == AUDIO_NONE))
		return check_bad(c,
				 check_key_line(c, "audio", p->audio.output ? "output" : "input"),
				 "%s names a sink or device of backend pipewire, pulseaudio, alsa "
				 "or jack",
				 p->audio.output ? "output" : "input");
	return 0;
}

static bool is_keyboard(enum input_device d)
{
	return d == INPUT_VIRTIO_KEYBOARD || d == INPUT_USB_KEYBOARD;
}

static int check_input(struct check *c, const struct profile_input *in)
{
	_cleanup_free_ char *section = xasprintf("input.%s", in->ref.label);
	static const char *const evdev_keys[] = {"evdev", "repeat", "grab_all", "grab_toggle",
						 "allow_unrevocable"};

	if (in->device == INPUT_EVDEV)
		return 0;
	for (size_t i = 0; i < N_ELEMENTS(evdev_keys); i++)
		if (profile_key_line(c->p, section, evdev_keys[i]))
			return check_bad(c, profile_key_line(c->p, section, evdev_keys[i]),
					 "%s applies to device = evdev (a host input device); "
					 "remove it or set device = evdev",
					 evdev_keys[i]);
	return 0;
}

int check_inputs(struct check *c)
{
	const struct profile *p = c->p;
	bool evdev = false, keyboard = false;

	for (size_t i = 0; i < p->n_inputs; i++) {
		int r = check_input(c, &p->inputs[i]);
		if (r < 0)
			return r;
		evdev |= p->inputs[i].device == INPUT_EVDEV;
		keyboard |= is_keyboard(p->inputs[i].device);
	}
	/* Host keys reach the guest through an emulated keyboard. */
	if (!p->vm.ps2 && evdev && !keyboard)
		log_warn("%s:%d: ps2 = no with evdev input but no virtio or USB keyboard: the "
			 "guest gets no keys; add an [input.LABEL] with device = virtio-keyboard",
			 p->path, profile_key_line(p, "vm", "ps2"));
	return 0;
}

int check_memory_options(struct check *c)
{
	const struct profile *p = c->p;

	if (profile_key_line(p, "memory", "policy") && p->memory.node < 0)
		return check_bad(c, check_key_line(c, "memory", "policy"),
				 "policy applies to a NUMA node; set node, or remove policy");
	if (p->memory.prealloc_threads && p->memory.prealloc == TRI_NO)
		return check_bad(c, check_key_line(c, "memory", "prealloc_threads"),
				 "prealloc_threads needs prealloc; remove prealloc = no");
	if (p->memory.prealloc_threads && p->memory.prealloc == TRI_AUTO &&
	    p->memory.hugepages == HUGEPAGES_NO)
		return check_bad(
		    c, check_key_line(c, "memory", "prealloc_threads"),
		    "prealloc_threads needs preallocated memory; set prealloc = yes or "
		    "hugepages");
	return 0;
}
