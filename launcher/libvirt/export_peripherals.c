#include "export.h"

#include "qemu/qemu_argv_io.h"
#include "profile/vmpath.h"

static const char *const input_kinds[] = {
    [INPUT_VIRTIO_KEYBOARD] = "keyboard", [INPUT_VIRTIO_MOUSE] = "mouse",
    [INPUT_VIRTIO_TABLET] = "tablet",	  [INPUT_USB_KEYBOARD] = "keyboard",
    [INPUT_USB_MOUSE] = "mouse",	  [INPUT_USB_TABLET] = "tablet"};

static void export_input(struct export *ex, const struct profile_input *in)
{
	xmlNode *n = xo_child(ex->devices, "input");

	if (in->device == INPUT_EVDEV) {
		xmlNode *source = xo_attr(xo_child(n, "source"), "dev", "%s", in->evdev);
		xo_attr(n, "type", "evdev");
		if (in->grab_all)
			xo_attr(source, "grab", "all");
		xo_attr(source, "repeat", "%s", in->repeat ? "on" : "off");
		if (in->grab_toggle)
			xo_attr(source, "grabToggle", "%s", in->grab_toggle);
	} else {
		xo_attr(n, "type", "%s", input_kinds[in->device]);
		xo_attr(n, "bus", "%s", in->device <= INPUT_VIRTIO_TABLET ? "virtio" : "usb");
	}
	ex_alias(n, in->ref.label);
}

static void export_net(struct export *ex, const struct profile_net *net)
{
	static const char *const models[] = {[NIC_VIRTIO] = "virtio",
					     [NIC_E1000E] = "e1000e",
					     [NIC_E1000] = "e1000",
					     [NIC_RTL8139] = "rtl8139"};
	static const char *const types[] = {[NET_USER] = "user",
					    [NET_BRIDGE] = "bridge",
					    [NET_TAP] = "ethernet",
					    [NET_MACVTAP] = "direct"};
	xmlNode *nic;
	uint8_t mac[6];

	if (net->type == NET_NONE)
		return;
	nic = xo_attr(xo_child(ex->devices, "interface"), "type", "%s", types[net->type]);
	if (net->type == NET_BRIDGE)
		xo_attr(xo_child(nic, "source"), "bridge", "%s", net->bridge);
	else if (net->type == NET_MACVTAP)
		xo_attr(xo_attr(xo_child(nic, "source"), "dev", "%s", net->link), "mode", "bridge");
	else if (net->type == NET_TAP)
		xo_attr(xo_attr(xo_child(nic, "target"), "dev", "%s", net->ifname), "managed",
			"no");
	qemu_nic_mac(ex->p, net, mac);
	xo_attr(xo_child(nic, "mac"), "address", "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		mac[2], mac[3], mac[4], mac[5]);
	xo_attr(xo_child(nic, "model"), "type", "%s", models[net->model]);
	if (net->vhost || net->queues > 1) {
		xmlNode *driver = xo_child(nic, "driver");
		if (net->vhost)
			xo_attr(driver, "name", "vhost");
		if (net->queues > 1)
			xo_attr(driver, "queues", "%u", net->queues);
	}
	if (net->boot)
		xo_attr(xo_child(nic, "boot"), "order", "%u", net->boot);
	ex_alias(nic, net->ref.label);
}

/* <graphics>, <video>, <serial>: how the guest is shown and heard from. */
static void export_display(struct export *ex)
{
	static const char *const videos[] = {
	    [VIDEO_NONE] = "none",     [VIDEO_VGA] = "vga",	[VIDEO_QXL] = "qxl",
	    [VIDEO_VIRTIO] = "virtio", [VIDEO_RAMFB] = "ramfb", [VIDEO_BOCHS] = "bochs"};
	const struct profile *p = ex->p;

	if (p->display.type == DISPLAY_SPICE || p->display.type == DISPLAY_VNC) {
		xmlNode *g = xo_child(ex->devices, "graphics");
		xo_attr(g, "type", "%s", p->display.type == DISPLAY_SPICE ? "spice" : "vnc");
		if (p->display.port) {
			xo_attr(g, "port", "%u", p->display.port);
			xo_attr(g, "autoport", "no");
			xo_attr(g, "listen", "127.0.0.1");
			ex_warn(ex, "display", "password_file",
				"libvirt keeps the password in the domain (passwd=): set it there");
			/* import writes no port without the password file. */
			ex_keep(ex, "display", "port");
		} else {
			_cleanup_free_ char *sock = vmpath_display(
			    p->vm.name, p->display.type == DISPLAY_SPICE ? "spice" : "vnc");
			xo_attr(xo_attr(xo_child(g, "listen"), "type", "socket"), "socket", "%s",
				sock);
		}
		for (unsigned i = 0; i < p->display.usb_redirect; i++)
			xo_attr(xo_attr(xo_child(ex->devices, "redirdev"), "bus", "usb"), "type",
				"spicevmc");
	} else if (p->display.type == DISPLAY_GTK) {
		ex_warn(ex, "display", "type",
			"gtk: libvirt shows a guest by SPICE or VNC (virt-manager)");
	}
	if (p->display.video != VIDEO_AUTO)
		xo_attr(xo_child(xo_child(ex->devices, "video"), "model"), "type", "%s",
			videos[p->display.video]);
	if (p->display.serial == SERIAL_PTY) {
		xo_attr(xo_child(ex->devices, "serial"), "type", "pty");
	} else if (p->display.serial == SERIAL_SOCKET) {
		xmlNode *s = xo_attr(xo_child(ex->devices, "serial"), "type", "unix");
		_cleanup_free_ char *sock = vmpath_display(p->vm.name, "serial");
		xo_attr(xo_attr(xo_child(s, "source"), "mode", "bind"), "path", "%s", sock);
	} else if (p->display.serial == SERIAL_TERMINAL) {
		ex_warn(ex, "display", "serial", "yes: libvirt's console is virsh console (pty)");
	}
}

/* <input> or <output> of <audio>: the endpoint by the backend's own
 * attribute (a sink's or source's name, an ALSA device, JACK's ports), JACK's
 * client name, the latency (playback's), QEMU's mixing off. */
static void audio_channel(struct export *ex, xmlNode *audio, const char *direction,
			  const char *endpoint, unsigned latency)
{
	static const char *const endpoint_attrs[] = {[AUDIO_PIPEWIRE] = "name",
						     [AUDIO_PULSEAUDIO] = "name",
						     [AUDIO_ALSA] = "dev",
						     [AUDIO_JACK] = "connectPorts"};
	const struct profile *p = ex->p;
	const char *attr =
	    p->audio.backend < N_ELEMENTS(endpoint_attrs) ? endpoint_attrs[p->audio.backend] : NULL;
	const char *client = p->audio.backend == AUDIO_JACK ? p->audio.client_name : NULL;
	bool pulse = p->audio.backend == AUDIO_PULSEAUDIO || p->audio.backend == AUDIO_PIPEWIRE;
	xmlNode *channel;

	if (!(endpoint && attr) && !client && !(latency && pulse) && p->audio.mixing)
		return;
	channel = xo_child(audio, direction);
	if (endpoint && attr)
		xo_attr(channel, attr, "%s", endpoint);
	if (client)
		xo_attr(channel, "clientName", "%s", client);
	if (latency && pulse)
		xo_attr(channel, "latency", "%u", latency);
	if (!p->audio.mixing)
		xo_attr(channel, "mixingEngine", "no");
}

/* <sound> and <audio>: the card and where its sound goes. */
static void export_audio(struct export *ex)
{
	static const char *const backends[] = {[AUDIO_NONE] = "none",
					       [AUDIO_PIPEWIRE] = "pulseaudio",
					       [AUDIO_PULSEAUDIO] = "pulseaudio",
					       [AUDIO_ALSA] = "alsa",
					       [AUDIO_JACK] = "jack",
					       [AUDIO_SPICE] = "spice"};
	static const char *const models[] = {[SOUND_ICH6] = "ich6",
					     [SOUND_ICH9] = "ich9",
					     [SOUND_AC97] = "ac97",
					     [SOUND_USB] = "usb",
					     [SOUND_VIRTIO] = "virtio"};
	const struct profile *p = ex->p;
	enum audio_device device = p->audio.device;
	xmlNode *sound, *audio;

	if (!profile_has_sound_card(p))
		return;
	if (device == SOUND_HDA)
		device = machine_is_q35(p->qemu.machine) ? SOUND_ICH9 : SOUND_ICH6;
	sound = xo_attr(xo_child(ex->devices, "sound"), "model", "%s", models[device]);
	xo_attr(xo_child(sound, "audio"), "id", "1");
	audio = xo_attr(xo_child(ex->devices, "audio"), "id", "1");
	xo_attr(audio, "type", "%s", backends[p->audio.backend]);
	if (p->audio.backend == AUDIO_PIPEWIRE)
		ex_warn(ex, "audio", "backend",
			"pipewire: libvirt 9.0 has no PipeWire audio; written as pulseaudio "
			"(PipeWire's own PulseAudio server)");
	if (p->audio.server &&
	    (p->audio.backend == AUDIO_PULSEAUDIO || p->audio.backend == AUDIO_PIPEWIRE))
		xo_attr(audio, "serverName", "%s", p->audio.server);
	audio_channel(ex, audio, "input", p->audio.input, 0);
	audio_channel(ex, audio, "output", p->audio.output, p->audio.latency);
}

/* The small devices: TPM, balloon, random numbers, watchdog, the guest
 * agent's channel, the USB controller, Looking Glass's memory. */
static void export_small_devices(struct export *ex)
{
	static const char *const watchdogs[] = {
	    [WATCHDOG_I6300ESB] = "i6300esb", [WATCHDOG_ITCO] = "itco"};
	const struct profile *p = ex->p;
	bool usb = profile_usb_controller(p);

	xo_attr(xo_attr(xo_child(ex->devices, "controller"), "type", "usb"), "model", "%s",
		usb ? "qemu-xhci" : "none");
	if (p->firmware.tpm) {
		xmlNode *tpm = xo_child(ex->devices, "tpm");
		xo_attr(tpm, "model", "%s",
			p->firmware.tpm_interface == TPM_CRB ? "tpm-crb" : "tpm-tis");
		xo_attr(xo_attr(xo_child(tpm, "backend"), "type", "emulator"), "version", "2.0");
	}
	xo_attr(xo_child(ex->devices, "memballoon"), "model", "%s",
		p->vm.balloon ? "virtio" : "none");
	if (p->vm.rng) {
		xmlNode *rng = xo_attr(xo_child(ex->devices, "rng"), "model", "virtio");
		xo_attr(xo_text(rng, "backend", "/dev/urandom"), "model", "random");
	}
	if (p->vm.watchdog == WATCHDOG_ITCO)
		ex_warn(ex, "vm", "watchdog",
			"itco: libvirt 9.0 has no iTCO watchdog (9.1 has); left out");
	else if (p->vm.watchdog != WATCHDOG_NONE)
		xo_attr(xo_child(ex->devices, "watchdog"), "model", "%s",
			watchdogs[p->vm.watchdog]);
	if (p->vm.guest_agent) {
		xmlNode *c = xo_attr(xo_child(ex->devices, "channel"), "type", "unix");
		xo_attr(xo_attr(xo_child(c, "target"), "type", "virtio"), "name",
			"org.qemu.guest_agent.0");
	}
	if (p->display.looking_glass != LG_NO && profile_key_line(p, "display", "resolution"))
		ex_warn(ex, "display", "resolution",
			"libvirt has the shared memory's size, not the resolution it is for");
	if (p->display.looking_glass == LG_SHM) {
		xmlNode *shm = xo_attr(xo_child(ex->devices, "shmem"), "name", "looking-glass");
		xo_attr(xo_child(shm, "model"), "type", "ivshmem-plain");
		xo_attr(xo_text(shm, "size", "%" PRIu64, profile_looking_glass_size(p) >> 20),
			"unit", "M");
	} else if (p->display.looking_glass == LG_KVMFR) {
		ex_warn(ex, "display", "looking_glass",
			"kvmfr: libvirt passes /dev/kvmfrN by <qemu:commandline> and a cgroup "
			"device rule; left out");
	}
}

void export_peripherals(struct export *ex)
{
	const struct profile *p = ex->p;

	for (size_t i = 0; i < p->n_inputs; i++)
		export_input(ex, &p->inputs[i]);
	for (size_t i = 0; i < p->n_nets; i++)
		export_net(ex, &p->nets[i]);
	export_display(ex);
	export_audio(ex);
	export_small_devices(ex);
}
