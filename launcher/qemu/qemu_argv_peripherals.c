#include "qemu_argv_peripherals.h"

#include "profile/vmpath.h"

static const char *const input_devices[] = {
    [INPUT_VIRTIO_KEYBOARD] = "virtio-keyboard-pci",
    [INPUT_VIRTIO_MOUSE] = "virtio-mouse-pci",
    [INPUT_VIRTIO_TABLET] = "virtio-tablet-pci",
    [INPUT_USB_KEYBOARD] = "usb-kbd",
    [INPUT_USB_MOUSE] = "usb-mouse",
    [INPUT_USB_TABLET] = "usb-tablet",
};

static bool on_usb(enum input_device d)
{
	return d == INPUT_USB_KEYBOARD || d == INPUT_USB_MOUSE || d == INPUT_USB_TABLET;
}

static void add_input(struct argv_builder *b, const struct profile_input *in)
{
	if (in->device != INPUT_EVDEV) {
		argv_opt(b, "-device", "%s,%sid=%s", input_devices[in->device],
			 on_usb(in->device) ? "bus=xhci.0," : "", in->ref.label);
		return;
	}
	argv_opt(b, "-object", "input-linux,id=%s,evdev=%s,grab_all=%s,repeat=%s,grab-toggle=%s",
		 in->ref.label, in->evdev, in->grab_all ? "on" : "off", in->repeat ? "on" : "off",
		 in->grab_toggle);
}

void argv_add_usb_input(struct argv_builder *b)
{
	const struct profile *p = b->p;

	if (profile_usb_controller(p))
		argv_opt(b, "-device", "qemu-xhci,id=xhci");
	for (size_t i = 0; i < p->n_usbs; i++) {
		const struct profile_usb *u = &p->usbs[i];
		_cleanup_free_ char *boot = u->boot ? xasprintf(",bootindex=%u", u->boot) : NULL;
		argv_opt(b, "-device",
			 "usb-host,bus=xhci.0,vendorid=0x%04x,productid=0x%04x,id=%s%s", u->vendor,
			 u->product, u->ref.label, boot ? boot : "");
	}
	for (size_t i = 0; i < p->n_inputs; i++)
		add_input(b, &p->inputs[i]);
}

/* How each backend names a sink and a source: a PipeWire target node, a
 * PulseAudio sink or source, an ALSA device, a regex of JACK ports. */
static const char *const endpoint_keys[AUDIO_SPICE + 1] = {
    [AUDIO_PIPEWIRE] = "name",
    [AUDIO_PULSEAUDIO] = "name",
    [AUDIO_ALSA] = "dev",
    [AUDIO_JACK] = "connect-ports",
};

/* QEMU has spoken PipeWire natively since 8.1; older ones reach it through
 * pipewire-pulse. */
static const char *backend_driver(const struct argv_builder *b)
{
	const struct host_facts *f = b->f;
	bool native_pw = f->qemu_major > 8 || (f->qemu_major == 8 && f->qemu_minor >= 1);

	switch (b->p->audio.backend) {
	case AUDIO_PIPEWIRE:
		return native_pw ? "pipewire" : "pa";
	case AUDIO_PULSEAUDIO:
		return "pa";
	case AUDIO_ALSA:
		return "alsa";
	case AUDIO_JACK:
		return "jack";
	case AUDIO_SPICE:
		return "spice";
	case AUDIO_NONE:
		break;
	}
	/* A sound card that plays into nothing, when the profile names one. */
	return profile_has_sound_card(b->p) ? "none" : NULL;
}

static char *audiodev(const struct argv_builder *b)
{
	const struct profile *p = b->p;
	const char *driver = backend_driver(b);
	const char *endpoint = endpoint_keys[p->audio.backend];
	struct strv opts = {0};
	char *joined;

	if (!driver)
		return NULL;
	strv_pushf(&opts, "%s,id=audio0", driver);
	/* pipewire-pulse, for an older QEMU, takes PulseAudio's names. */
	if (streq(driver, "pa") && p->audio.backend == AUDIO_PIPEWIRE)
		endpoint = "name";
	if (p->audio.output)
		strv_pushf(&opts, "out.%s=%s", endpoint, p->audio.output);
	if (p->audio.input)
		strv_pushf(&opts, "in.%s=%s", endpoint, p->audio.input);
	if (p->audio.latency)
		strv_pushf(&opts, "out.latency=%u", p->audio.latency);
	if (p->audio.server)
		strv_pushf(&opts, "server=%s", p->audio.server);
	if (p->audio.client_name)
		strv_pushf(&opts, "in.client-name=%s,out.client-name=%s", p->audio.client_name,
			   p->audio.client_name);
	if (!p->audio.mixing)
		strv_push(&opts, "in.mixing-engine=off,out.mixing-engine=off");
	joined = strv_join(&opts, ",");
	strv_free(&opts);
	return joined;
}

static const char *hda_controller(const struct profile *p)
{
	if (p->audio.device == SOUND_ICH9 ||
	    (p->audio.device == SOUND_HDA && machine_is_q35(p->qemu.machine)))
		return "ich9-intel-hda";
	return "intel-hda";
}

void argv_add_audio(struct argv_builder *b)
{
	static const char *const codecs[] = {[CODEC_DUPLEX] = "hda-duplex",
					     [CODEC_MICRO] = "hda-micro",
					     [CODEC_OUTPUT] = "hda-output"};
	const struct profile *p = b->p;
	_cleanup_free_ char *dev = audiodev(b);

	if (!dev)
		return;
	argv_opt(b, "-audiodev", "%s", dev);
	switch (p->audio.device) {
	case SOUND_HDA:
	case SOUND_ICH6:
	case SOUND_ICH9:
		/* ich9-intel-hda is q35's own; pc's chipset had the ich6 one. */
		argv_opt(b, "-device", "%s,id=sound0", hda_controller(p));
		argv_opt(b, "-device", "%s,bus=sound0.0,audiodev=audio0", codecs[p->audio.codec]);
		break;
	case SOUND_AC97:
		argv_opt(b, "-device", "AC97,audiodev=audio0,id=sound0");
		break;
	case SOUND_USB:
		argv_opt(b, "-device", "usb-audio,bus=xhci.0,audiodev=audio0,id=sound0");
		break;
	case SOUND_VIRTIO:
		argv_opt(b, "-device", "virtio-sound-pci,audiodev=audio0,id=sound0");
		break;
	}
}

/* On the launcher's terminal through a socket the launcher listens on; a
 * pty QEMU opens; or a socket in QEMU's user's own directory. */
void argv_add_serial(struct argv_builder *b)
{
	_cleanup_free_ char *sock = vmpath_display(b->p->vm.name, "serial");

	switch (b->p->display.serial) {
	case SERIAL_NO:
		return;
	case SERIAL_TERMINAL:
		argv_opt(b, "-chardev", "socket,id=serial0,fd=%d,server=on,wait=off",
			 b->plan.serial_fd);
		break;
	case SERIAL_PTY:
		argv_opt(b, "-chardev", "pty,id=serial0");
		break;
	case SERIAL_SOCKET:
		argv_opt(b, "-chardev", "socket,id=serial0,path=%s,server=on,wait=off", sock);
		break;
	}
	argv_opt(b, "-serial", "chardev:serial0");
}

static void add_guest_agent(struct argv_builder *b)
{
	_cleanup_free_ char *sock = vmpath_display(b->p->vm.name, "guest-agent");

	argv_opt(b, "-chardev", "socket,id=guest-agent,path=%s,server=on,wait=off", sock);
	argv_opt(b, "-device", "virtio-serial-pci,id=agent-serial");
	argv_opt(
	    b, "-device",
	    "virtserialport,bus=agent-serial.0,chardev=guest-agent,name=org.qemu.guest_agent.0");
}

void argv_add_small_devices(struct argv_builder *b)
{
	const struct profile *p = b->p;

	if (p->vm.balloon)
		argv_opt(b, "-device", "virtio-balloon-pci,id=balloon0");
	if (p->vm.rng) {
		argv_opt(b, "-object", "rng-builtin,id=rng0");
		argv_opt(b, "-device", "virtio-rng-pci,rng=rng0,id=rng");
	}
	if (p->vm.watchdog == WATCHDOG_I6300ESB)
		argv_opt(b, "-device", "i6300esb,id=watchdog0");
	/* ICH9's TCO watchdog is always there; by default it cannot reset. */
	if (p->vm.watchdog == WATCHDOG_ITCO)
		argv_opt(b, "-global", "ICH9-LPC.noreboot=off");
	if (p->vm.guest_agent)
		add_guest_agent(b);
}

void argv_add_overcommit(struct argv_builder *b)
{
	const struct profile *p = b->p;
	bool cpu_pm = p->cpu.cpu_pm && b->f->accel == ACCEL_KVM;

	if (p->memory.lock && cpu_pm)
		argv_opt(b, "-overcommit", "mem-lock=on,cpu-pm=on");
	else if (p->memory.lock)
		argv_opt(b, "-overcommit", "mem-lock=on");
	else if (cpu_pm)
		argv_opt(b, "-overcommit", "cpu-pm=on");
}
