#include "import.h"

static void import_input(struct import *im, xmlNode *in, unsigned *n)
{
	_cleanup_free_ char *type = dx_attr(in, "type");
	_cleanup_free_ char *bus = dx_attr(in, "bus");
	char section[IM_SECTION_LEN];

	if (!type)
		return;
	if (bus && streq(bus, "ps2")) { /* the i8042 devices libvirt lists */
		dx_use_all(in);
		return;
	}
	{
		char fallback[16];
		snprintf(fallback, sizeof(fallback), "in%u", (*n)++);
		im_section(im, in, "input", fallback, section);
	}
	if (streq(type, "evdev")) {
		xmlNode *src = dx_child(in, "source");
		_cleanup_free_ char *dev = dx_attr(src, "dev");
		_cleanup_free_ char *grab = dx_attr(src, "grab");
		_cleanup_free_ char *repeat = dx_attr(src, "repeat");
		_cleanup_free_ char *toggle = dx_attr(src, "grabToggle");
		ini_set(&im->out, section, "device", "evdev");
		if (dev)
			ini_set(&im->out, section, "evdev", "%s", dev);
		ini_set(&im->out, section, "grab_all", "%s",
			grab && streq(grab, "all") ? "yes" : "no");
		ini_set(&im->out, section, "repeat", "%s",
			repeat && streq(repeat, "on") ? "yes" : "no");
		if (toggle)
			ini_set(&im->out, section, "grab_toggle", "%s", toggle);
	} else if ((streq(type, "tablet") || streq(type, "mouse") || streq(type, "keyboard")) &&
		   bus && (streq(bus, "usb") || streq(bus, "virtio"))) {
		ini_set(&im->out, section, "device", "%s-%s", bus, type);
	} else {
		dx_warn(im->d, in, "a %s input on %s: not carried over", type,
			bus ? bus : "no bus");
		return;
	}
	dx_use_all(in);
}

/* <driver name= queues=>: vhost-net asked for by name (libvirt falls back to
 * QEMU's own without it; passlaunch refuses a host without it), and
 * multiqueue. Its other tuning is left to QEMU. */
static void import_nic_driver(struct import *im, xmlNode *nic, const char *section)
{
	xmlNode *driver = dx_child(nic, "driver");
	_cleanup_free_ char *name = dx_attr(driver, "name");
	_cleanup_free_ char *queues = dx_attr(driver, "queues");
	unsigned n;

	if (!driver)
		return;
	dx_use_all(driver);
	if (name)
		ini_set(&im->out, section, "vhost", "%s", streq(name, "vhost") ? "yes" : "no");
	if (queues && im_number(queues, 16, &n) && n > 1)
		ini_set(&im->out, section, "queues", "%u", n);
	else if (queues && (!im_number(queues, 16, &n) || !n))
		dx_warn(im->d, driver, "queues='%s': passlaunch's NICs have 1 to 16", queues);
}

/* <interface>: a bridge, macvtap, or libvirt's NAT network as user mode. */
static void import_interface(struct import *im, xmlNode *nic, unsigned *n)
{
	_cleanup_free_ char *type = dx_attr(nic, "type");
	xmlNode *src = dx_child(nic, "source");
	_cleanup_free_ char *model = dx_attr(dx_child(nic, "model"), "type");
	_cleanup_free_ char *mac = dx_attr(dx_child(nic, "mac"), "address");
	char section[IM_SECTION_LEN];

	{
		char fallback[16];
		snprintf(fallback, sizeof(fallback), "net%u", (*n)++);
		im_section(im, nic, "net", fallback, section);
	}
	if (type && streq(type, "bridge")) {
		_cleanup_free_ char *bridge = dx_attr(src, "bridge");
		ini_set(&im->out, section, "type", "bridge");
		ini_set(&im->out, section, "bridge", "%s", bridge ? bridge : "br0");
	} else if (type && streq(type, "direct")) {
		_cleanup_free_ char *dev = dx_attr(src, "dev");
		_cleanup_free_ char *mode = dx_attr(src, "mode");
		ini_set(&im->out, section, "type", "macvtap");
		if (dev)
			ini_set(&im->out, section, "link", "%s", dev);
		/* libvirt's default is vepa, which sends guests' traffic to each
		 * other out through the switch. */
		if (!mode || !streq(mode, "bridge"))
			dx_warn(im->d, src,
				"macvtap in %s mode: passlaunch's macvtap is in bridge mode, where "
				"the host's guests reach each other directly",
				mode ? mode : "vepa (libvirt's default)");
	} else if (type && streq(type, "ethernet") && dx_child(nic, "target") &&
		   dx_attr_is(dx_child(nic, "target"), "managed", "no")) {
		/* A tap the host made, which QEMU opens by name. */
		_cleanup_free_ char *dev = dx_attr(dx_child(nic, "target"), "dev");
		ini_set(&im->out, section, "type", "tap");
		if (dev)
			ini_set(&im->out, section, "ifname", "%s", dev);
	} else if (type && (streq(type, "network") || streq(type, "user"))) {
		ini_set(&im->out, section, "type", "user");
		if (streq(type, "network"))
			dx_warn(im->d, nic,
				"libvirt's network: written as user-mode NAT; for the network's "
				"bridge write type = bridge and bridge = its name (virbr0)");
	} else {
		dx_warn(im->d, nic, "an interface of type %s: not carried over",
			type ? type : "none");
		return;
	}
	if (!im->first_net[0])
		snprintf(im->first_net, sizeof(im->first_net), "%s", section);
	if (model)
		ini_set(&im->out, section, "model", "%s",
			!strncmp(model, "virtio", 6) ? "virtio" : model);
	if (mac)
		ini_set(&im->out, section, "mac", "%s", mac);
	import_nic_driver(im, nic, section);
	im_boot(im, nic, section);
	dx_use_children(nic,
			(const char *const[]){"source", "model", "mac", "target", "boot", NULL});
	if (dx_attr_is(dx_child(nic, "link"), "state", "up"))
		dx_use(dx_child(nic, "link"));
}

/* <watchdog>: QEMU's i6300esb or the q35 chipset's iTCO, which reset the
 * guest when it stops answering. */
static void import_watchdog(struct import *im, xmlNode *w)
{
	_cleanup_free_ char *model = dx_attr(w, "model");
	_cleanup_free_ char *action = dx_attr(w, "action");

	dx_use_all(w);
	if (!model || (!streq(model, "i6300esb") && !streq(model, "itco"))) {
		dx_warn(im->d, w, "a %s watchdog: passlaunch's are i6300esb and itco",
			model ? model : "default");
		return;
	}
	ini_set(&im->out, "vm", "watchdog", "%s", model);
	if (action && !streq(action, "reset"))
		dx_warn(im->d, w, "action '%s': passlaunch's watchdog resets the guest", action);
}

static void import_small_devices(struct import *im, xmlNode *devices)
{
	xmlNode *tpm = dx_child(devices, "tpm");
	xmlNode *balloon = dx_child(devices, "memballoon");
	xmlNode *shmem = dx_child(devices, "shmem");

	if (tpm) {
		_cleanup_free_ char *model = dx_attr(tpm, "model");
		xmlNode *backend = dx_child(tpm, "backend");
		_cleanup_free_ char *type = dx_attr(backend, "type");
		_cleanup_free_ char *version = dx_attr(backend, "version");
		/* passlaunch's TPM is swtpm's TPM 2.0. */
		if (type && !streq(type, "emulator"))
			dx_warn(im->d, backend,
				"the host's own TPM (%s): written as an emulated TPM 2.0 (swtpm); "
				"what the guest sealed with the host's TPM stays sealed",
				type);
		else if (version && !streq(version, "2.0"))
			dx_warn(im->d, backend,
				"a TPM %s: written as TPM 2.0, which passlaunch emulates; the "
				"guest sees another TPM",
				version);
		if (model && !streq(model, "tpm-crb") && !streq(model, "tpm-tis"))
			dx_warn(im->d, tpm, "a %s TPM: written as tpm-tis", model);
		ini_set(&im->out, "firmware", "tpm", "yes");
		ini_set(&im->out, "firmware", "tpm_interface", "%s",
			model && streq(model, "tpm-crb") ? "crb" : "tis");
		ini_comment(&im->out, "firmware",
			    "copy libvirt's TPM state (/var/lib/libvirt/swtpm/UUID/tpm2/) to "
			    "state_dir/tpm, or BitLocker's keys are lost");
		dx_use_all(tpm);
	}
	ini_set(&im->out, "vm", "balloon", "%s",
		dx_attr_is(balloon, "model", "none") ? "no" : "yes");
	dx_use_all(balloon);
	if (!balloon)
		ini_comment(&im->out, "vm",
			    "libvirt adds a balloon to a domain that names none; with a passed "
			    "device it cannot take memory back: balloon = no");
	for (xmlNode *w = dx_child(devices, "watchdog"); w; w = NULL)
		import_watchdog(im, w);
	for (xmlNode *rng = dx_child(devices, "rng"); rng; rng = NULL) {
		ini_set(&im->out, "vm", "rng", "yes");
		if (!dx_attr_is(rng, "model", "virtio"))
			dx_warn(im->d, rng, "not virtio: passlaunch's generator is virtio-rng");
		dx_use_all(rng);
	}
	if (shmem) {
		_cleanup_free_ char *name = dx_attr(shmem, "name");
		if (name && streq(name, "looking-glass")) {
			ini_set(&im->out, "display", "looking_glass", "shm");
			xmlNode *size = dx_child(shmem, "size");
			_cleanup_free_ char *mib = size ? dx_text(size) : NULL;
			_cleanup_free_ char *unit = dx_attr(size, "unit");
			dx_use_children(shmem, (const char *const[]){"model", NULL});
			/* passlaunch sizes it for [display] resolution: 32M is 1080p */
			if (size && unit && streq(unit, "M") && strtoul(mib, NULL, 10) <= 32)
				dx_use(size);
			else if (size)
				dx_warn(im->d, size,
					"passlaunch sizes the memory for [display] resolution "
					"(default 1920x1080): set the guest's resolution there");
		}
	}
}

/* <emulator>: QEMU's binary, when it is not the one passlaunch runs. */
static void import_emulator(struct import *im, xmlNode *devices)
{
	xmlNode *emulator = dx_child(devices, "emulator");
	_cleanup_free_ char *path = emulator ? dx_text(emulator) : NULL;

	if (path && *path && !streq(path, "/usr/bin/qemu-system-x86_64"))
		ini_set(&im->out, "qemu", "binary", "%s", path);
}

/* The guest's first serial port: <serial>, or the <console> libvirt makes
 * it from. A pty is QEMU's; a unix socket passlaunch makes itself. */
static void import_serial(struct import *im, xmlNode *devices)
{
	xmlNode *port = dx_child(devices, "serial");
	xmlNode *console = dx_child(devices, "console");
	_cleanup_free_ char *type = NULL;

	if (!port && console && !dx_attr_is(dx_child(console, "target"), "type", "virtio"))
		port = console;
	if (!port)
		return;
	type = dx_attr(port, "type");
	if (type && streq(type, "pty")) {
		ini_set(&im->out, "display", "serial", "pty");
	} else if (type && streq(type, "unix")) {
		ini_set(&im->out, "display", "serial", "socket");
		ini_comment(&im->out, "display",
			    "the serial port's socket is /run/passlaunch/NAME/qemu/serial.sock");
	} else {
		dx_warn(im->d, port, "a serial port of type %s: passlaunch has pty and socket",
			type ? type : "none");
		return;
	}
	dx_use_all(port);
	if (console && console != port && dx_attr_is(console, "type", type))
		dx_use_all(console); /* the same port, as dumpxml shows it twice */
}

/* <channel>: the QEMU guest agent's. */
static void import_channels(struct import *im, xmlNode *devices)
{
	for (xmlNode *c = dx_child(devices, "channel"); c; c = dx_next(c)) {
		xmlNode *target = dx_child(c, "target");
		if (dx_attr_is(target, "name", "org.qemu.guest_agent.0")) {
			ini_set(&im->out, "vm", "guest_agent", "yes");
			dx_use_all(c);
		}
	}
}

/* The <audio> the card plays into: the one its <audio id> names, else the
 * first (libvirt's default). */
static xmlNode *sound_audio(xmlNode *devices, xmlNode *sound)
{
	_cleanup_free_ char *id = dx_attr(dx_child(sound, "audio"), "id");
	xmlNode *first = dx_child(devices, "audio");

	for (xmlNode *a = first; id && a; a = dx_next(a))
		if (dx_attr_is(a, "id", id))
			return a;
	return first;
}

/* The attribute of <input> or <output> that names the endpoint for BACKEND:
 * a sink's or source's name, an ALSA device, JACK's ports. */
static const char *endpoint_attr(const char *backend)
{
	static const char *const attrs[][2] = {{"pulseaudio", "name"},
					       {"pipewire", "name"},
					       {"alsa", "dev"},
					       {"jack", "connectPorts"}};

	for (size_t i = 0; i < N_ELEMENTS(attrs); i++)
		if (streq(backend, attrs[i][0]))
			return attrs[i][1];
	return NULL;
}

/* Whether passlaunch has a key for attribute NAME of <DIRECTION> with BACKEND. */
static bool channel_attr_known(const char *name, const char *direction, const char *backend)
{
	const char *endpoint = endpoint_attr(backend);
	bool pulse = streq(backend, "pulseaudio") || streq(backend, "pipewire");

	return streq(name, "mixingEngine") || (endpoint && streq(name, endpoint)) ||
	       (streq(name, "clientName") && streq(backend, "jack")) ||
	       (streq(name, "latency") && pulse && streq(direction, "output"));
}

/* <input> or <output> of <audio> as [audio] keys; what passlaunch has no
 * key for is named. Returns whether it turns QEMU's mixing off. */
static bool import_audio_channel(struct import *im, xmlNode *audio, const char *direction,
				 const char *backend)
{
	xmlNode *channel = dx_child(audio, direction);
	const char *endpoint = endpoint_attr(backend);

	if (!channel)
		return false;
	for (xmlAttr *a = channel->properties; a; a = a->next) {
		_cleanup_free_ char *value = dx_attr(channel, (const char *)a->name);
		const char *name = (const char *)a->name;
		if (!channel_attr_known(name, direction, backend))
			dx_warn(im->d, channel,
				"%s='%s': passlaunch has no [audio] key for it: left out", name,
				value ? value : "");
		else if (endpoint && streq(name, endpoint))
			ini_set(&im->out, "audio", direction, "%s", value);
		else if (streq(name, "latency"))
			ini_set(&im->out, "audio", "latency", "%s", value);
	}
	if (dx_child(channel, "settings"))
		dx_warn(im->d, dx_child(channel, "settings"),
			"fixed stream settings: passlaunch has no [audio] key for them: left out");
	dx_use(channel);
	return dx_attr_is(channel, "mixingEngine", "no");
}

/* QEMU's mixing, one [audio] key for both ways: off when a way turns it
 * off; named when the other keeps it. */
static void import_audio_channels(struct import *im, xmlNode *audio, const char *backend)
{
	bool in = import_audio_channel(im, audio, "input", backend);
	bool out = import_audio_channel(im, audio, "output", backend);
	_cleanup_free_ char *in_client = dx_attr(dx_child(audio, "input"), "clientName");
	_cleanup_free_ char *out_client = dx_attr(dx_child(audio, "output"), "clientName");

	/* JACK's client name, one key for both ways too. */
	if (in_client && out_client && !streq(in_client, out_client))
		dx_warn(im->d, dx_child(audio, "input"),
			"clientName='%s': passlaunch's [audio] client_name is both ways; "
			"written as the output's",
			in_client);
	if (streq(backend, "jack") && (out_client || in_client))
		ini_set(&im->out, "audio", "client_name", "%s",
			out_client ? out_client : in_client);
	if (in || out)
		ini_set(&im->out, "audio", "mixing", "no");
	if (in != out)
		dx_warn(im->d, dx_child(audio, in ? "input" : "output"),
			"QEMU's mixing on one way only: passlaunch's [audio] mixing is both "
			"ways; written as mixing = no");
}

/* <sound> and <audio>: the guest's card and where its sound goes. */
static void import_sound(struct import *im, xmlNode *devices)
{
	static const char *const models[] = {"ich6", "ich9", "ac97", "usb", "virtio"};
	static const char *const backends[] = {"none", "pulseaudio", "pipewire",
					       "alsa", "jack",	     "spice"};
	xmlNode *sound = dx_child(devices, "sound");
	xmlNode *audio = sound_audio(devices, sound);
	_cleanup_free_ char *model = dx_attr(sound, "model");
	_cleanup_free_ char *backend = dx_attr(audio, "type");
	_cleanup_free_ char *codec = dx_attr(dx_child(sound, "codec"), "type");
	bool known = false;

	if (!sound) {
		if (dx_attr_is(audio, "type", "none"))
			dx_use(audio); /* no card, no sound */
		return;
	}
	for (size_t i = 0; model && i < N_ELEMENTS(models); i++)
		known |= streq(model, models[i]);
	if (!known) {
		dx_warn(im->d, sound,
			"a %s sound card: passlaunch has ich6, ich9, ac97, usb and virtio",
			model ? model : "nameless");
		return;
	}
	ini_set(&im->out, "audio", "device", "%s", model);
	if (codec)
		ini_set(&im->out, "audio", "codec", "%s", codec);
	dx_use_all(sound);
	for (size_t i = 0; backend && i < N_ELEMENTS(backends); i++)
		if (streq(backend, backends[i])) {
			_cleanup_free_ char *server = dx_attr(audio, "serverName");
			ini_set(&im->out, "audio", "backend", "%s", backend);
			if (server)
				ini_set(&im->out, "audio", "server", "%s", server);
			import_audio_channels(im, audio, backend);
			dx_use(audio);
		}
	if (!audio) {
		ini_set(&im->out, "audio", "backend", "none");
		ini_comment(&im->out, "audio",
			    "libvirt sends the sound nowhere without graphics: for the "
			    "desktop's, backend = pipewire or pulseaudio");
	}
}

/* The USB controller: libvirt adds one to a domain that names none, and
 * model none means no controller. passlaunch's is qemu-xhci. */
static void import_usb_controller(struct import *im, xmlNode *devices)
{
	xmlNode *found = NULL;

	for (xmlNode *c = dx_child(devices, "controller"); c; c = dx_next(c))
		if (dx_attr_is(c, "type", "usb") && !found)
			found = c;
	ini_set(&im->out, "vm", "usb", "%s", dx_attr_is(found, "model", "none") ? "no" : "yes");
	if (found && !dx_attr_is(found, "model", "none") &&
	    !dx_attr_is(found, "model", "qemu-xhci")) {
		_cleanup_free_ char *model = dx_attr(found, "model");
		dx_warn(im->d, found, "a %s USB controller: passlaunch's is qemu-xhci",
			model ? model : "default");
	}
	if (!found)
		ini_comment(&im->out, "vm",
			    "libvirt adds a USB controller to a domain that names none");
}

/* A word of QEMU's argv in [qemu] args: quoted when it is empty, or has a
 * blank or a quote, which [qemu] args would otherwise take for its own (QEMU's JSON
 * accepts 'single-quoted' strings). */
static void push_arg(struct strv *line, const char *word)
{
	if (*word && !strpbrk(word, " \t'\""))
		strv_push(line, word);
	else
		strv_pushf(line, strchr(word, '\'') ? "\"%s\"" : "'%s'", word);
}

/* An option and its values: a word that starts with '-' and a letter
 * begins the next. */
static bool starts_option(const char *word)
{
	return word[0] == '-' && ((word[1] >= 'a' && word[1] <= 'z') || word[1] == '-');
}

/* One option as one [qemu] args line: a line the profile refuses (-daemonize)
 * takes only its own option with it. "-set device.ID..." names a device by
 * libvirt's own alias, which passlaunch's command line has not. */
static void flush_option(struct import *im, xmlNode *at, struct strv *option, struct strv *line)
{
	if (!option->n)
		return;
	if (streq(option->v[0], "-set") && option->n > 1 && !strncmp(option->v[1], "device.", 7)) {
		dx_warn(im->d, at,
			"-set %s: it names a device by libvirt's alias, which passlaunch's command "
			"line has not: left out (for x-vga on a GPU: [gpu] primary = yes)",
			option->v[1]);
	} else {
		_cleanup_free_ char *joined = strv_join(line, " ");
		ini_set(&im->out, "qemu", "args", "%s", joined);
	}
	strv_free(option);
	strv_free(line);
}

static void import_commandline(struct import *im)
{
	struct strv option = {0}, line = {0};
	xmlNode *option_at = NULL;
	bool any = false;

	for (xmlNode *c = im->d->root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !c->ns ||
		    !xmlStrEqual(c->ns->href, BAD_CAST QEMU_NS) ||
		    !xmlStrEqual(c->name, BAD_CAST "commandline"))
			continue;
		dx_use(c);
		for (xmlNode *a = c->children; a; a = a->next) {
			_cleanup_free_ char *value = NULL;
			if (a->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, BAD_CAST "arg"))
				continue;
			value = dx_attr(a, "value");
			dx_use(a);
			if (!value) {
				dx_warn(im->d, a, "an argument with no value: give it value='...'");
				continue;
			}
			if (strchr(value, '\'') && strchr(value, '"')) {
				dx_warn(im->d, a,
					"a word with both quote characters: write it by hand");
				continue;
			}
			if (starts_option(value)) {
				flush_option(im, option_at, &option, &line);
				option_at = a;
			}
			strv_push(&option, value);
			push_arg(&line, value);
			any = true;
		}
	}
	flush_option(im, option_at ? option_at : im->d->root, &option, &line);
	if (any)
		ini_comment(&im->out, "qemu",
			    "from <qemu:commandline>: check each option is needed");
}

int import_peripherals(struct import *im, struct pl_err *err)
{
	xmlNode *devices = dx_child(im->d->root, "devices");
	xmlNode *uuid = dx_child(im->d->root, "uuid");
	unsigned inputs = 0, nics = 0;

	(void)err;
	if (uuid) {
		_cleanup_free_ char *text = dx_text(uuid);
		ini_set(&im->out, "smbios", "system_uuid", "%s", text);
		dx_use(uuid);
	}
	for (xmlNode *in = dx_child(devices, "input"); in; in = dx_next(in))
		import_input(im, in, &inputs);
	for (xmlNode *nic = dx_child(devices, "interface"); nic; nic = dx_next(nic))
		import_interface(im, nic, &nics);
	import_small_devices(im, devices);
	import_usb_controller(im, devices);
	import_emulator(im, devices);
	import_serial(im, devices);
	import_channels(im, devices);
	import_sound(im, devices);
	import_commandline(im);
	return 0;
}
