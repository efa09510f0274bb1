#include "import.h"

/* <graphics>: SPICE or VNC, where passlaunch shows the guest. A port is
 * kept; libvirt's autoport has none, and passlaunch then serves a unix
 * socket of the VM's own. */
static void import_graphics(struct import *im, xmlNode *devices)
{
	xmlNode *g = dx_child(devices, "graphics");
	_cleanup_free_ char *type = dx_attr(g, "type");
	_cleanup_free_ char *port = dx_attr(g, "port");

	if (!g)
		return;
	if (!type || (!streq(type, "spice") && !streq(type, "vnc"))) {
		dx_warn(im->d, g, "%s graphics: passlaunch shows the guest by SPICE, VNC or GTK",
			type ? type : "nameless");
		return;
	}
	ini_set(&im->out, "display", "type", "%s", type);
	if (port && !dx_attr_is(g, "autoport", "yes") && strtol(port, NULL, 10) > 0)
		ini_comment(&im->out, "display",
			    "libvirt listened on port %s: passlaunch serves a unix socket only "
			    "QEMU's user reaches; for TCP, set port and password_file",
			    port);
	dx_use_all(g);
	if (dx_next(g))
		dx_warn(im->d, dx_next(g), "a second display: passlaunch has one");
}

/* <video><model type=>: the guest's emulated display adapter. */
static void import_video(struct import *im, xmlNode *devices)
{
	static const char *const models[] = {"none", "vga", "qxl", "virtio", "ramfb", "bochs"};
	xmlNode *video = dx_child(devices, "video");
	_cleanup_free_ char *model = dx_attr(dx_child(video, "model"), "type");

	if (!video)
		return;
	for (size_t i = 0; model && i < N_ELEMENTS(models); i++)
		if (streq(model, models[i])) {
			ini_set(&im->out, "display", "video", "%s", model);
			dx_use_all(video);
			return;
		}
	dx_warn(im->d, video,
		"a %s video adapter: passlaunch has none, vga, qxl, virtio, "
		"ramfb and bochs",
		model ? model : "nameless");
}

/* The SPICE agent's channel: passlaunch's SPICE display has it. */
static void import_spice_channel(struct import *im, xmlNode *devices)
{
	for (xmlNode *c = dx_child(devices, "channel"); c; c = dx_next(c))
		if (dx_attr_is(c, "type", "spicevmc") &&
		    dx_attr_is(dx_child(c, "target"), "name", "com.redhat.spice.0")) {
			dx_use_all(c);
			if (!dx_attr_is(dx_child(devices, "graphics"), "type", "spice"))
				dx_warn(im->d, c,
					"the SPICE agent without SPICE graphics: left out");
		}
}

/* <redirdev bus='usb' type='spicevmc'>: a channel each for the SPICE
 * client's USB devices (virt-manager adds two to a SPICE domain). */
static void import_usb_redirect(struct import *im, xmlNode *devices)
{
	bool spice = dx_attr_is(dx_child(devices, "graphics"), "type", "spice");
	unsigned n = 0;

	for (xmlNode *r = dx_child(devices, "redirdev"); r; r = dx_next(r)) {
		if (!dx_attr_is(r, "type", "spicevmc") || !spice) {
			dx_warn(im->d, r,
				"USB redirection %s: passlaunch redirects a SPICE client's "
				"devices only",
				spice ? "over another channel" : "without SPICE graphics");
			continue;
		}
		dx_use_all(r);
		n++;
	}
	if (n > 8) {
		dx_warn(im->d, dx_child(devices, "redirdev"),
			"%u USB redirection channels: passlaunch has at most 8", n);
		n = 8;
	}
	if (n)
		ini_set(&im->out, "display", "usb_redirect", "%u", n);
}

int import_display(struct import *im, struct pl_err *err)
{
	xmlNode *devices = dx_child(im->d->root, "devices");

	(void)err;
	import_graphics(im, devices);
	import_video(im, devices);
	import_spice_channel(im, devices);
	import_usb_redirect(im, devices);
	return 0;
}
