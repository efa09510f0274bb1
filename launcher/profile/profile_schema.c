#include "profile_schema.h"

#include "cpu_features.h"

#include <stddef.h>

#define END_KEYS                                                                                   \
	{                                                                                          \
		NULL, V_STRING, 0, 0, 0, NULL, NULL, false                                         \
	}
#define KEY(n, kind, off)                                                                          \
	{                                                                                          \
		n, kind, off, 0, 0, NULL, NULL, false                                              \
	}
#define KEY_OPT(n, kind, off)                                                                      \
	{                                                                                          \
		n, kind, off, 0, 0, NULL, NULL, true                                               \
	}
#define KEY_UINT(n, off, lo, hi)                                                                   \
	{                                                                                          \
		n, V_UINT, off, lo, hi, NULL, NULL, false                                          \
	}
#define KEY_CHOICE(n, off, ch)                                                                     \
	{                                                                                          \
		n, V_CHOICE, off, 0, 0, ch, NULL, false                                            \
	}
#define KEY_CUSTOM(n, off, fn)                                                                     \
	{                                                                                          \
		n, V_CUSTOM, off, 0, 0, NULL, fn, false                                            \
	}
#define KEY_CUSTOM_OPT(n, off, fn)                                                                 \
	{                                                                                          \
		n, V_CUSTOM, off, 0, 0, NULL, fn, true                                             \
	}
#define KEY_REPEAT(n, off, fn)                                                                     \
	{                                                                                          \
		n, V_CUSTOM, off, 0, 0, NULL, fn, false, true                                      \
	}
#define P(field) offsetof(struct profile, field)
/* The offset of an int-sized field, as a choice writes one: anything else
 * (a bool) would be overwritten past its end, so it does not compile. */
#define INT_FIELD(type, field)                                                                     \
	(offsetof(type, field) +                                                                   \
	 0 * sizeof(char[sizeof(((type *)0)->field) == sizeof(int) ? 1 : -1]))

static const struct choice accels[] = {
    {"auto", ACCEL_AUTO}, {"kvm", ACCEL_KVM}, {"tcg", ACCEL_TCG}, {NULL, 0}};
static const struct choice clocks[] = {
    {"localtime", CLOCK_LOCALTIME}, {"utc", CLOCK_UTC}, {NULL, 0}};
static const struct choice tick_policies[] = {
    {"discard", TICK_DISCARD}, {"delay", TICK_DELAY}, {NULL, 0}};
static const struct choice rtc_policies[] = {
    {"catchup", TICK_DELAY}, {"none", TICK_DISCARD}, {NULL, 0}};
static const struct choice cpu_prefers[] = {
    {"cache", PREFER_CACHE}, {"frequency", PREFER_FREQUENCY}, {NULL, 0}};
static const struct choice looking_glass_modes[] = {
    {"no", LG_NO}, {"yes", LG_SHM}, {"shm", LG_SHM}, {"kvmfr", LG_KVMFR}, {NULL, 0}};
static const struct choice gpu_releases[] = {
    {"host", RELEASE_HOST}, {"vfio", RELEASE_VFIO}, {NULL, 0}};
static const struct choice tpm_interfaces[] = {{"crb", TPM_CRB}, {"tis", TPM_TIS}, {NULL, 0}};
static const struct choice fw_types[] = {
    {"ovmf", FW_OVMF}, {"ovmf-secboot", FW_OVMF_SECBOOT}, {"bios", FW_BIOS}, {NULL, 0}};
static const struct choice hugepage_sizes[] = {
    {"no", HUGEPAGES_NO}, {"2M", HUGEPAGES_2M}, {"1G", HUGEPAGES_1G}, {NULL, 0}};
static const struct choice formats[] = {
    {"auto", FORMAT_AUTO}, {"raw", FORMAT_RAW}, {"qcow2", FORMAT_QCOW2}, {NULL, 0}};
static const struct choice buses[] = {
    {"virtio", BUS_VIRTIO}, {"scsi", BUS_SCSI}, {"nvme", BUS_NVME}, {"sata", BUS_SATA}, {NULL, 0}};
static const struct choice caches[] = {{"none", CACHE_NONE},
				       {"writeback", CACHE_WRITEBACK},
				       {"writethrough", CACHE_WRITETHROUGH},
				       {"directsync", CACHE_DIRECTSYNC},
				       {"unsafe", CACHE_UNSAFE},
				       {NULL, 0}};
static const struct choice aios[] = {{"auto", AIO_AUTO},
				     {"io_uring", AIO_IO_URING},
				     {"native", AIO_NATIVE},
				     {"threads", AIO_THREADS},
				     {NULL, 0}};
/* rombar.N: yes or no; unset (auto) is rombar's. */
static const struct choice bools_auto[] = {{"yes", TRI_YES}, {"no", TRI_NO}, {NULL, 0}};
static const struct choice tristates[] = {
    {"auto", TRI_AUTO}, {"yes", TRI_YES}, {"no", TRI_NO}, {NULL, 0}};
static const struct choice net_types[] = {{"user", NET_USER}, {"bridge", NET_BRIDGE},
					  {"tap", NET_TAP},   {"macvtap", NET_MACVTAP},
					  {"none", NET_NONE}, {NULL, 0}};
static const struct choice nic_models[] = {{"virtio", NIC_VIRTIO},
					   {"e1000e", NIC_E1000E},
					   {"e1000", NIC_E1000},
					   {"rtl8139", NIC_RTL8139},
					   {NULL, 0}};
static const struct choice audio_backends[] = {{"none", AUDIO_NONE},
					       {"pipewire", AUDIO_PIPEWIRE},
					       {"pulseaudio", AUDIO_PULSEAUDIO},
					       {"alsa", AUDIO_ALSA},
					       {"jack", AUDIO_JACK},
					       {"spice", AUDIO_SPICE},
					       {NULL, 0}};
static const struct choice audio_devices[] = {{"hda", SOUND_HDA},
					      {"ich6", SOUND_ICH6},
					      {"ich9", SOUND_ICH9},
					      {"ac97", SOUND_AC97},
					      {"usb", SOUND_USB},
					      {"virtio", SOUND_VIRTIO},
					      {NULL, 0}};
static const struct choice hda_codecs[] = {
    {"duplex", CODEC_DUPLEX}, {"micro", CODEC_MICRO}, {"output", CODEC_OUTPUT}, {NULL, 0}};
static const struct choice input_devices[] = {{"evdev", INPUT_EVDEV},
					      {"virtio-keyboard", INPUT_VIRTIO_KEYBOARD},
					      {"virtio-mouse", INPUT_VIRTIO_MOUSE},
					      {"virtio-tablet", INPUT_VIRTIO_TABLET},
					      {"usb-keyboard", INPUT_USB_KEYBOARD},
					      {"usb-mouse", INPUT_USB_MOUSE},
					      {"usb-tablet", INPUT_USB_TABLET},
					      {NULL, 0}};
static const struct choice watchdogs[] = {
    {"none", WATCHDOG_NONE}, {"i6300esb", WATCHDOG_I6300ESB}, {"itco", WATCHDOG_ITCO}, {NULL, 0}};
static const struct choice serial_ports[] = {{"no", SERIAL_NO},
					     {"yes", SERIAL_TERMINAL},
					     {"pty", SERIAL_PTY},
					     {"socket", SERIAL_SOCKET},
					     {NULL, 0}};
static const struct choice mem_policies[] = {{"bind", POLICY_BIND},
					     {"preferred", POLICY_PREFERRED},
					     {"interleave", POLICY_INTERLEAVE},
					     {NULL, 0}};
static const struct choice zero_detection[] = {
    {"off", ZEROES_OFF}, {"on", ZEROES_ON}, {"unmap", ZEROES_UNMAP}, {NULL, 0}};
static const struct choice video_models[] = {
    {"auto", VIDEO_AUTO},     {"none", VIDEO_NONE},   {"vga", VIDEO_VGA},     {"qxl", VIDEO_QXL},
    {"virtio", VIDEO_VIRTIO}, {"ramfb", VIDEO_RAMFB}, {"bochs", VIDEO_BOCHS}, {NULL, 0}};
static const struct choice display_types[] = {{"none", DISPLAY_NONE},
					      {"spice", DISPLAY_SPICE},
					      {"vnc", DISPLAY_VNC},
					      {"gtk", DISPLAY_GTK},
					      {NULL, 0}};

static const struct key_spec vm_keys[] = {
    KEY_CUSTOM("name", P(vm.name), value_vm_name),
    KEY_CUSTOM_OPT("user", P(vm.user), value_user),
    KEY("state_dir", V_PATH, P(vm.state_dir)),
    KEY_UINT("stop_timeout", P(vm.stop_timeout), 1, 3600),
    KEY_CHOICE("clock", INT_FIELD(struct profile, vm.clock), clocks),
    KEY("hpet", V_BOOL, P(vm.hpet)),
    KEY_CHOICE("pit_tick", INT_FIELD(struct profile, vm.pit_tick), tick_policies),
    KEY_CHOICE("rtc_tick", INT_FIELD(struct profile, vm.rtc_tick), rtc_policies),
    KEY_CHOICE("usb", INT_FIELD(struct profile, vm.usb), tristates),
    KEY("boot_menu", V_BOOL, P(vm.boot_menu)),
    KEY("s3", V_BOOL, P(vm.s3)),
    KEY("s4", V_BOOL, P(vm.s4)),
    KEY("balloon", V_BOOL, P(vm.balloon)),
    KEY("rng", V_BOOL, P(vm.rng)),
    KEY_CHOICE("watchdog", INT_FIELD(struct profile, vm.watchdog), watchdogs),
    KEY("guest_agent", V_BOOL, P(vm.guest_agent)),
    KEY("ps2", V_BOOL, P(vm.ps2)),
    END_KEYS,
};

static const struct key_spec qemu_keys[] = {
    KEY("binary", V_PATH, P(qemu.binary)),
    KEY_CHOICE("accel", INT_FIELD(struct profile, qemu.accel), accels),
    KEY("machine", V_STRING, P(qemu.machine)),
    KEY_CUSTOM_OPT("extra_args", P(qemu.extra_args), value_extra_args),
    KEY_REPEAT("args", P(qemu.extra_args), value_extra_args),
    END_KEYS,
};

static const struct key_spec firmware_keys[] = {
    KEY_CHOICE("type", INT_FIELD(struct profile, firmware.type), fw_types),
    KEY("code", V_AUTO_PATH, P(firmware.code)),
    KEY("vars_template", V_AUTO_PATH, P(firmware.vars_template)),
    KEY("vars", V_PATH, P(firmware.vars)),
    KEY("tpm", V_BOOL, P(firmware.tpm)),
    KEY_CHOICE("tpm_interface", INT_FIELD(struct profile, firmware.tpm_interface), tpm_interfaces),
    END_KEYS,
};

static const struct key_spec cpu_keys[] = {
    KEY("model", V_STRING, P(cpu.model)),
    KEY_UINT("sockets", P(cpu.sockets), 1, 16),
    KEY_UINT("dies", P(cpu.dies), 1, 16),
    KEY_UINT("cores", P(cpu.cores), 1, 256),
    KEY_UINT("threads", P(cpu.threads), 1, 8),
    KEY_CUSTOM("vcpu_pin", 0, value_vcpu_pin),
    KEY_CHOICE("prefer", INT_FIELD(struct profile, cpu.prefer), cpu_prefers),
    KEY_CUSTOM_OPT("emulator_pin", 0, value_emulator_pin),
    KEY_CUSTOM_OPT("iothread_pin", 0, value_iothread_pin),
    KEY("isolate", V_BOOL, P(cpu.isolate)),
    KEY_CUSTOM("vcpu_sched", 0, value_vcpu_sched),
    KEY_CUSTOM("governor", P(cpu.governor), value_governor),
    KEY_CUSTOM("hyperv", 0, value_hyperv),
    KEY_CUSTOM("hyperv_vendor_id", P(cpu.hyperv_vendor), value_hyperv_vendor),
    KEY("hide_kvm", V_BOOL, P(cpu.hide_kvm)),
    KEY("hide_hypervisor", V_BOOL, P(cpu.hide_hypervisor)),
    KEY_CUSTOM("flags", P(cpu.flags), value_cpu_flags),
    KEY("cpu_pm", V_BOOL, P(cpu.cpu_pm)),
    KEY_UINT("iothreads", P(cpu.iothreads), 0, 64),
    END_KEYS,
};

static const struct key_spec memory_keys[] = {
    KEY_CUSTOM("size", P(memory.size), value_size),
    KEY_CHOICE("hugepages", INT_FIELD(struct profile, memory.hugepages), hugepage_sizes),
    KEY_CUSTOM("node", P(memory.node), value_numa_node),
    KEY_CHOICE("policy", INT_FIELD(struct profile, memory.policy), mem_policies),
    KEY_CHOICE("prealloc", INT_FIELD(struct profile, memory.prealloc), tristates),
    KEY_UINT("prealloc_threads", P(memory.prealloc_threads), 1, 1024),
    KEY("lock", V_BOOL, P(memory.lock)),
    KEY("numa", V_BOOL, P(memory.numa)),
    KEY("merge", V_BOOL, P(memory.merge)),
    END_KEYS,
};

static const struct key_spec audio_keys[] = {
    KEY_CHOICE("backend", INT_FIELD(struct profile, audio.backend), audio_backends),
    KEY_CHOICE("device", INT_FIELD(struct profile, audio.device), audio_devices),
    KEY_CHOICE("codec", INT_FIELD(struct profile, audio.codec), hda_codecs),
    KEY_UINT("latency", P(audio.latency), 1, 10000000),
    KEY_CUSTOM("server", P(audio.server), value_audio_name),
    KEY_CUSTOM("client_name", P(audio.client_name), value_audio_name),
    KEY_CUSTOM("output", P(audio.output), value_audio_name),
    KEY_CUSTOM("input", P(audio.input), value_audio_name),
    KEY("mixing", V_BOOL, P(audio.mixing)),
    END_KEYS,
};

static const struct key_spec display_keys[] = {
    KEY_CHOICE("type", INT_FIELD(struct profile, display.type), display_types),
    KEY_CHOICE("video", INT_FIELD(struct profile, display.video), video_models),
    KEY_CHOICE("looking_glass", INT_FIELD(struct profile, display.looking_glass),
	       looking_glass_modes),
    KEY_CUSTOM("looking_glass_device", P(display.kvmfr), value_kvmfr),
    KEY("looking_glass_hdr", V_BOOL, P(display.looking_glass_hdr)),
    KEY("looking_glass_client", V_BOOL, P(display.looking_glass_client)),
    KEY_CUSTOM("resolution", 0, value_resolution),
    KEY_UINT("port", P(display.port), 1, 65535),
    KEY("password_file", V_PATH, P(display.password_file)),
    KEY_CHOICE("serial", INT_FIELD(struct profile, display.serial), serial_ports),
    KEY_UINT("usb_redirect", P(display.usb_redirect), 0, 8),
    END_KEYS,
};

static const struct key_spec hooks_keys[] = {
    KEY_CUSTOM_OPT("use", P(hooks.use), value_hook_names),
    KEY_OPT("dir", V_PATH, P(hooks.dir)),
    KEY_UINT("timeout", P(hooks.timeout), 1, 3600),
    END_KEYS,
};

static const struct key_spec sandbox_keys[] = {
    KEY("seccomp", V_BOOL, P(sandbox.seccomp)),
    KEY("qemu_as_root", V_BOOL, P(sandbox.qemu_as_root)),
    END_KEYS,
};

#define GPU(field)   offsetof(struct profile_gpu, field)
#define PCI(field)   offsetof(struct profile_pci, field)
#define DISK(field)  offsetof(struct profile_disk, field)
#define CDROM(field) offsetof(struct profile_cdrom, field)
#define NET(field)   offsetof(struct profile_net, field)
#define INPUT(field) offsetof(struct profile_input, field)

static const struct key_spec gpu_keys[] = {
    KEY_CUSTOM("address", GPU(address), value_pci_addr),
    KEY_CUSTOM("functions", 0, value_functions),
    KEY_OPT("rom", V_PATH, GPU(rom)),
    KEY_OPT("rom.0", V_PATH, GPU(function_rom[0])),
    KEY_OPT("rom.1", V_PATH, GPU(function_rom[1])),
    KEY_OPT("rom.2", V_PATH, GPU(function_rom[2])),
    KEY_OPT("rom.3", V_PATH, GPU(function_rom[3])),
    KEY_OPT("rom.4", V_PATH, GPU(function_rom[4])),
    KEY_OPT("rom.5", V_PATH, GPU(function_rom[5])),
    KEY_OPT("rom.6", V_PATH, GPU(function_rom[6])),
    KEY_OPT("rom.7", V_PATH, GPU(function_rom[7])),
    KEY("rombar", V_BOOL, GPU(rombar)),
    KEY_CHOICE("rombar.0", INT_FIELD(struct profile_gpu, function_rombar[0]), bools_auto),
    KEY_CHOICE("rombar.1", INT_FIELD(struct profile_gpu, function_rombar[1]), bools_auto),
    KEY_CHOICE("rombar.2", INT_FIELD(struct profile_gpu, function_rombar[2]), bools_auto),
    KEY_CHOICE("rombar.3", INT_FIELD(struct profile_gpu, function_rombar[3]), bools_auto),
    KEY_CHOICE("rombar.4", INT_FIELD(struct profile_gpu, function_rombar[4]), bools_auto),
    KEY_CHOICE("rombar.5", INT_FIELD(struct profile_gpu, function_rombar[5]), bools_auto),
    KEY_CHOICE("rombar.6", INT_FIELD(struct profile_gpu, function_rombar[6]), bools_auto),
    KEY_CHOICE("rombar.7", INT_FIELD(struct profile_gpu, function_rombar[7]), bools_auto),
    KEY("primary", V_BOOL, GPU(primary)),
    KEY_CUSTOM("host_driver", GPU(host_driver), value_driver),
    KEY_CUSTOM("reset_method", GPU(reset_method), value_reset_method),
    KEY_CHOICE("release", INT_FIELD(struct profile_gpu, release), gpu_releases),
    KEY_CUSTOM("rebar", GPU(rebar), value_rebar),
    END_KEYS,
};

static const struct key_spec pci_keys[] = {
    KEY_CUSTOM("address", PCI(address), value_pci_addr),
    KEY_OPT("rom", V_PATH, PCI(rom)),
    KEY("rombar", V_BOOL, PCI(rombar)),
    KEY_UINT("boot", PCI(boot), 1, 99),
    END_KEYS,
};

static const struct key_spec disk_keys[] = {
    KEY("source", V_PATH, DISK(source)),
    KEY_CHOICE("format", INT_FIELD(struct profile_disk, format), formats),
    KEY_CHOICE("bus", INT_FIELD(struct profile_disk, bus), buses),
    KEY_CHOICE("cache", INT_FIELD(struct profile_disk, cache), caches),
    KEY_CHOICE("aio", INT_FIELD(struct profile_disk, aio), aios),
    KEY_CHOICE("iothread", INT_FIELD(struct profile_disk, iothread), tristates),
    KEY("discard", V_BOOL, DISK(discard)),
    KEY("readonly", V_BOOL, DISK(readonly)),
    KEY_UINT("boot", DISK(boot), 1, 99),
    KEY_CUSTOM("serial", DISK(serial), value_disk_serial),
    KEY_CUSTOM("model", DISK(model), value_disk_ident),
    KEY_CUSTOM("vendor", DISK(vendor), value_disk_ident),
    KEY_CUSTOM("product", DISK(product), value_disk_ident),
    KEY_UINT("rotation_rate", DISK(rotation_rate), 1, 65534),
    KEY_CUSTOM("logical_block_size", DISK(logical_block_size), value_block_size),
    KEY_CUSTOM("physical_block_size", DISK(physical_block_size), value_block_size),
    KEY_CHOICE("detect_zeroes", INT_FIELD(struct profile_disk, detect_zeroes), zero_detection),
    KEY_UINT("queues", DISK(queues), 1, 64),
    END_KEYS,
};

static const struct key_spec cdrom_keys[] = {
    KEY("source", V_PATH, CDROM(source)),
    KEY_UINT("boot", CDROM(boot), 1, 99),
    END_KEYS,
};

static const struct key_spec net_keys[] = {
    KEY_CHOICE("type", INT_FIELD(struct profile_net, type), net_types),
    KEY_CUSTOM("bridge", NET(bridge), value_ifname),
    KEY("create_bridge", V_BOOL, NET(create_bridge)),
    KEY_CUSTOM("link", NET(link), value_ifname),
    KEY_CUSTOM("ifname", NET(ifname), value_ifname),
    KEY_CHOICE("model", INT_FIELD(struct profile_net, model), nic_models),
    KEY_CUSTOM("mac", 0, value_mac),
    KEY_UINT("boot", NET(boot), 1, 99),
    KEY("vhost", V_BOOL, NET(vhost)),
    KEY_UINT("queues", NET(queues), 1, 16),
    END_KEYS,
};

static const struct key_spec usb_keys[] = {
    KEY_CUSTOM("device", 0, value_usb_id),
    KEY_UINT("boot", offsetof(struct profile_usb, boot), 1, 99),
    END_KEYS,
};

static const struct key_spec input_keys[] = {
    KEY_CHOICE("device", INT_FIELD(struct profile_input, device), input_devices),
    KEY("evdev", V_PATH, INPUT(evdev)),
    KEY("repeat", V_BOOL, INPUT(repeat)),
    KEY("grab_all", V_BOOL, INPUT(grab_all)),
    KEY_CUSTOM("grab_toggle", INPUT(grab_toggle), value_grab_toggle),
    KEY("allow_unrevocable", V_BOOL, INPUT(allow_unrevocable)),
    END_KEYS,
};

static void *open_profile(struct profile *p, const char *label, int line)
{
	(void)label;
	(void)line;
	return p;
}

/* Appends a zeroed element to a profile's device array and labels it. */
#define APPEND(array, count, lbl, ln)                                                              \
	({                                                                                         \
		(array) = xreallocarray((array), (count) + 1, sizeof(*(array)));                   \
		memset(&(array)[(count)], 0, sizeof(*(array)));                                    \
		(array)[(count)].ref = (struct section_ref){xstrdup(lbl), (ln)};                   \
		&(array)[(count)++];                                                               \
	})

static void *open_gpu(struct profile *p, const char *label, int line)
{
	struct profile_gpu *gpu = APPEND(p->gpus, p->n_gpus, label, line);
	gpu->all_functions = true;
	gpu->rombar = true;
	for (unsigned fn = 0; fn < 8; fn++)
		gpu->function_rombar[fn] = TRI_AUTO;
	return gpu;
}

static void *open_pci(struct profile *p, const char *label, int line)
{
	struct profile_pci *pci = APPEND(p->pcis, p->n_pcis, label, line);
	pci->rombar = true;
	return pci;
}

static void *open_disk(struct profile *p, const char *label, int line)
{
	struct profile_disk *disk = APPEND(p->disks, p->n_disks, label, line);
	disk->format = FORMAT_AUTO;
	disk->bus = BUS_VIRTIO;
	disk->cache = CACHE_NONE;
	disk->aio = AIO_AUTO;
	disk->iothread = TRI_AUTO;
	disk->discard = true;
	return disk;
}

static void *open_cdrom(struct profile *p, const char *label, int line)
{
	return APPEND(p->cdroms, p->n_cdroms, label, line);
}

static void *open_net(struct profile *p, const char *label, int line)
{
	struct profile_net *net = APPEND(p->nets, p->n_nets, label, line);
	net->type = NET_USER;
	net->model = NIC_VIRTIO;
	net->queues = 1;
	return net;
}

static void *open_usb(struct profile *p, const char *label, int line)
{
	return APPEND(p->usbs, p->n_usbs, label, line);
}

static void *open_input(struct profile *p, const char *label, int line)
{
	struct profile_input *input = APPEND(p->inputs, p->n_inputs, label, line);
	input->grab_all = true;
	input->repeat = true;
	input->grab_toggle = xstrdup("ctrl-ctrl");
	return input;
}

static const struct choice smbios_sources[] = {{"none", 0}, {"host", 1}, {NULL, 0}};

#define SMBIOS_KEY(key, type, qemu, dmi)                                                           \
	KEY_CUSTOM(#key, P(smbios.field[SMBIOS_##key]), value_smbios),
static const struct key_spec smbios_keys[] = {
    KEY_CHOICE("source", INT_FIELD(struct profile, smbios.from_host), smbios_sources),
    SMBIOS_FIELD_LIST(SMBIOS_KEY) END_KEYS,
};

static const struct section_spec sections[] = {
    {"vm", false, vm_keys, open_profile},
    {"qemu", false, qemu_keys, open_profile},
    {"firmware", false, firmware_keys, open_profile},
    {"cpu", false, cpu_keys, open_profile},
    {"memory", false, memory_keys, open_profile},
    {"gpu", true, gpu_keys, open_gpu},
    {"pci", true, pci_keys, open_pci},
    {"disk", true, disk_keys, open_disk},
    {"cdrom", true, cdrom_keys, open_cdrom},
    {"net", true, net_keys, open_net},
    {"usb", true, usb_keys, open_usb},
    {"input", true, input_keys, open_input},
    {"audio", false, audio_keys, open_profile},
    {"display", false, display_keys, open_profile},
    {"hooks", false, hooks_keys, open_profile},
    {"sandbox", false, sandbox_keys, open_profile},
    {"smbios", false, smbios_keys, open_profile},
};

const struct section_spec *schema_find_section(const char *name)
{
	for (size_t i = 0; i < N_ELEMENTS(sections); i++)
		if (streq(sections[i].name, name))
			return &sections[i];
	return NULL;
}

const struct key_spec *schema_find_key(const struct section_spec *s, const char *name)
{
	for (const struct key_spec *k = s->keys; k->name; k++)
		if (streq(k->name, name))
			return k;
	return NULL;
}

size_t schema_section_names(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < N_ELEMENTS(sections) && n < max; i++)
		names[n++] = sections[i].name;
	return n;
}

size_t schema_key_names(const struct section_spec *s, const char **names, size_t max)
{
	size_t n = 0;

	for (const struct key_spec *k = s->keys; k->name && n < max; k++)
		names[n++] = k->name;
	return n;
}
