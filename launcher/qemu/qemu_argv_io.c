#include "qemu_argv_io.h"

#include "base/size.h"
#include "profile/vmpath.h"

static const char *const nic_devices[] = {
    [NIC_VIRTIO] = "virtio-net-pci",
    [NIC_E1000E] = "e1000e",
    [NIC_E1000] = "e1000",
    [NIC_RTL8139] = "rtl8139",
};

char *qemu_bridge_tap_name(const struct profile *p, const struct profile_net *net)
{
	if (net->ifname)
		return xstrdup(net->ifname);
	return xasprintf("pl%08x", argv_hash(p->vm.name, net->ref.label));
}

/* A MAC that stays the same from run to run, so the guest keeps its NIC
 * settings, and differs between VMs and NICs. */
void qemu_nic_mac(const struct profile *p, const struct profile_net *net, uint8_t mac[6])
{
	uint32_t h = argv_hash(p->vm.name, net->ref.label);

	if (net->mac_set) {
		memcpy(mac, net->mac, 6);
		return;
	}
	mac[0] = net->mac_prefix_set ? net->mac[0] : 0x52;
	mac[1] = net->mac_prefix_set ? net->mac[1] : 0x54;
	mac[2] = net->mac_prefix_set ? net->mac[2] : 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static void net_mac(const struct profile *p, const struct profile_net *net, char *buf)
{
	uint8_t mac[6];

	qemu_nic_mac(p, net, mac);
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

/* "N" or, for several queues, "N:N+1:...". */
static char *fd_list(unsigned first, unsigned n)
{
	struct strv fds = {0};
	char *joined;

	for (unsigned i = 0; i < n; i++)
		strv_pushf(&fds, "%u", first + i);
	joined = strv_join(&fds, ":");
	strv_free(&fds);
	return joined;
}

static char *netdev(const struct profile_net *net, unsigned tap_fd, unsigned vhost_fd)
{
	const char *l = net->ref.label;
	bool multi = net->queues > 1;
	_cleanup_free_ char *taps = fd_list(tap_fd, net->queues);
	_cleanup_free_ char *vhosts = fd_list(vhost_fd, net->queues);
	_cleanup_free_ char *vhost =
	    net->vhost ? xasprintf(",vhost=on,vhostfd%s=%s", multi ? "s" : "", vhosts)
		       : xstrdup("");

	if (net->type == NET_USER)
		return xasprintf("user,id=net.%s", l);
	if (net->type == NET_BRIDGE || net->type == NET_MACVTAP)
		return xasprintf("tap,id=net.%s,fd%s=%s%s", l, multi ? "s" : "", taps, vhost);
	if (multi)
		return xasprintf("tap,id=net.%s,ifname=%s,script=no,downscript=no,queues=%u%s", l,
				 net->ifname, net->queues, vhost);
	return xasprintf("tap,id=net.%s,ifname=%s,script=no,downscript=no%s", l, net->ifname,
			 vhost);
}

/* A bridge is joined through a tap the launcher opens and hands over as a
 * descriptor (QEMU_FIRST_FD, one up for each further bridge NIC or queue):
 * QEMU's bridge helper would need to spawn a setuid program, which the
 * sandbox forbids, and QEMU's user needs no access to /dev/net/tun. A
 * type = tap NIC opens the user's own tap by name. vhost-net comes as
 * descriptors too, opened by root: QEMU's user needs no right to
 * /dev/vhost-net. Several queues need MSI-X vectors: two a queue and two. */
static void add_nic(struct argv_builder *b, const struct profile_net *net, unsigned tap_fd,
		    unsigned vhost_fd)
{
	const char *l = net->ref.label;
	char mac[18], boot[24] = "", mq[40] = "";
	_cleanup_free_ char *dev = NULL;

	if (net->type == NET_NONE)
		return;
	dev = netdev(net, tap_fd, vhost_fd);
	argv_opt(b, "-netdev", "%s", dev);
	net_mac(b->p, net, mac);
	if (net->boot)
		snprintf(boot, sizeof(boot), ",bootindex=%u", net->boot);
	if (net->queues > 1)
		snprintf(mq, sizeof(mq), ",mq=on,vectors=%u", 2 * net->queues + 2);
	argv_opt(b, "-device", "%s,netdev=net.%s,mac=%s,id=%s%s%s", nic_devices[net->model], l, mac,
		 l, mq, boot);
}

void argv_add_network(struct argv_builder *b)
{
	unsigned tap_fd = QEMU_FIRST_FD;
	unsigned vhost_fd = QEMU_FIRST_FD + (unsigned)b->plan.n_taps;

	for (size_t i = 0; i < b->p->n_nets; i++) {
		const struct profile_net *net = &b->p->nets[i];
		add_nic(b, net, tap_fd, vhost_fd);
		tap_fd += qemu_nic_taps(net);
		vhost_fd += net->vhost ? net->queues : 0;
	}
}

static bool has_primary_gpu(const struct profile *p)
{
	for (size_t i = 0; i < p->n_gpus; i++)
		if (p->gpus[i].primary)
			return true;
	return false;
}

/* The memory file is the launcher's to make, per VM and exclusively, for
 * QEMU's user alone (host/shm.h); or the kvmfr module's device, given to
 * QEMU's user for the run (host/ownership.h). */
static void add_looking_glass(struct argv_builder *b)
{
	_cleanup_free_ char *path = b->p->display.looking_glass == LG_KVMFR
					? vmpath_kvmfr(b->p->display.kvmfr)
					: vmpath_looking_glass(b->p->vm.name);
	char size[32];

	size_format(profile_looking_glass_size(b->p), size, sizeof(size));
	argv_opt(b, "-object", "memory-backend-file,id=looking-glass,mem-path=%s,size=%s,share=on",
		 path, size);
	argv_opt(b, "-device", "ivshmem-plain,memdev=looking-glass,id=looking-glass");
}

/* A unix socket in QEMU's user's own directory, which only that user can
 * enter; on a TCP port, a password the launcher sets through QMP before
 * the guest runs (vm/display.h), so that it is never on the command line. */
static void add_spice(struct argv_builder *b)
{
	_cleanup_free_ char *sock = vmpath_display(b->p->vm.name, "spice");

	if (b->p->display.port)
		argv_opt(b, "-spice", "port=%u,addr=127.0.0.1", b->p->display.port);
	else
		argv_opt(b, "-spice", "unix=on,addr=%s,disable-ticketing=on", sock);
	argv_opt(b, "-device", "virtio-serial-pci,id=vdagent-serial");
	argv_opt(b, "-chardev", "spicevmc,id=vdagent,name=vdagent");
	argv_opt(b, "-device", "virtserialport,chardev=vdagent,name=com.redhat.spice.0");
	/* The client's USB devices, each over a channel of its own. */
	for (unsigned i = 0; i < b->p->display.usb_redirect; i++) {
		argv_opt(b, "-chardev", "spicevmc,id=usbredir%u,name=usbredir", i);
		argv_opt(b, "-device", "usb-redir,chardev=usbredir%u,bus=xhci.0,id=redir%u", i, i);
	}
}

static void add_vnc(struct argv_builder *b)
{
	_cleanup_free_ char *sock = vmpath_display(b->p->vm.name, "vnc");

	if (b->p->display.port)
		argv_opt(b, "-vnc", "127.0.0.1:%u,password=on", b->p->display.port - 5900);
	else
		argv_opt(b, "-vnc", "unix:%s", sock);
}

/* The emulated card: auto is VGA when there is a display to show it on.
 * With a primary GPU it must not claim the legacy VGA ranges: each model's
 * variant without them. */
static void add_video(struct argv_builder *b)
{
	static const char *const models[][2] = {
	    [VIDEO_VGA] = {"VGA", "secondary-vga"},
	    [VIDEO_QXL] = {"qxl-vga", "qxl"},
	    [VIDEO_VIRTIO] = {"virtio-vga", "virtio-gpu-pci"},
	    [VIDEO_RAMFB] = {"ramfb", "ramfb"},
	    [VIDEO_BOCHS] = {"bochs-display", "bochs-display"},
	};
	enum video_model video = b->p->display.video;

	if (video == VIDEO_AUTO)
		video = b->p->display.type != DISPLAY_NONE ? VIDEO_VGA : VIDEO_NONE;
	if (video != VIDEO_NONE)
		argv_opt(b, "-device", "%s,id=video0", models[video][has_primary_gpu(b->p)]);
}

void argv_add_display(struct argv_builder *b)
{
	const struct profile *p = b->p;

	argv_opt(b, "-display", "%s", p->display.type == DISPLAY_GTK ? "gtk" : "none");
	add_video(b);
	if (p->display.type == DISPLAY_SPICE)
		add_spice(b);
	else if (p->display.type == DISPLAY_VNC)
		add_vnc(b);
	if (p->display.looking_glass)
		add_looking_glass(b);
}

void argv_add_tpm(struct argv_builder *b)
{
	_cleanup_free_ char *sock = vmpath_swtpm(b->p->vm.name);

	if (!b->p->firmware.tpm)
		return;
	argv_opt(b, "-chardev", "socket,id=swtpm,path=%s", sock);
	argv_opt(b, "-tpmdev", "emulator,id=tpm0,chardev=swtpm");
	argv_opt(b, "-device", "%s,tpmdev=tpm0",
		 b->p->firmware.tpm_interface == TPM_TIS ? "tpm-tis" : "tpm-crb");
}
