#include "bridge_tap.h"

#include "bridge.h"
#include "macvtap.h"

#include "base/log.h"
#include "base/paths.h"
#include "qemu/qemu_argv_io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

static char *net_path(const char *ifname, const char *attr)
{
	return xasprintf("%s/class/net/%s%s%s", path_sysfs(), ifname, attr ? "/" : "", attr ?: "");
}

static bool net_has(const char *ifname, const char *attr)
{
	_cleanup_free_ char *path = net_path(ifname, attr);
	return access(path, F_OK) == 0;
}

/* Whether the interface is a port of that bridge (its master). */
static bool on_bridge(const char *ifname, const char *bridge)
{
	_cleanup_free_ char *path = net_path(ifname, "master");
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *slash;

	if (n < 0)
		return false;
	target[n] = '\0';
	slash = strrchr(target, '/');
	return streq(slash ? slash + 1 : target, bridge);
}

static int check_existing_tap(const struct profile *p, const char *section, int line,
			      const char *tap, const char *bridge, struct pl_err *err)
{
	if (!net_has(tap, "tun_flags"))
		return err_input(err,
				 "%s:%d: [%s] the network interface %s exists and is not a tap; "
				 "name another with ifname = NAME",
				 p->path, line, section, tap);
	if (!on_bridge(tap, bridge))
		return err_input(err,
				 "%s:%d: [%s] the tap %s exists and is not on %s; delete it (ip "
				 "link delete %s) and passlaunch makes one for the run, or put it "
				 "there (ip link set %s master %s)",
				 p->path, line, section, tap, bridge, tap, tap, bridge);
	return 0;
}

static int check_bridge_nic(const struct profile *p, const struct profile_net *net,
			    struct pl_err *err)
{
	_cleanup_free_ char *section = xasprintf("net.%s", net->ref.label);
	_cleanup_free_ char *tap = qemu_bridge_tap_name(p, net);
	int line = profile_key_line(p, section, "bridge") ?: net->ref.line;

	if (!net_has(net->bridge, NULL) && net->create_bridge)
		return 0;
	if (!net_has(net->bridge, NULL))
		return err_input(err,
				 "%s:%d: [%s] bridge = %s: no such network interface on this "
				 "host; create the bridge (e.g. ip link add %s type bridge, then "
				 "ip link set %s up) or name one that exists",
				 p->path, line, section, net->bridge, net->bridge, net->bridge);
	if (!net_has(net->bridge, "bridge"))
		return err_input(err,
				 "%s:%d: [%s] bridge = %s: that interface is not a bridge; name "
				 "a bridge (ip -d link show type bridge lists them)",
				 p->path, line, section, net->bridge);
	if (net_has(tap, NULL))
		return check_existing_tap(p, section, line, tap, net->bridge, err);
	return 0;
}

static int vhost_line(const struct profile *p, const struct profile_net *net)
{
	_cleanup_free_ char *section = xasprintf("net.%s", net->ref.label);
	return profile_key_line(p, section, "vhost") ?: net->ref.line;
}

/* vhost-net is root's to open; QEMU gets the descriptor. */
static int open_vhost_net(const struct profile *p, const struct profile_net *net, int *out,
			  struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/vhost-net", path_devfs());
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return err_input(err,
				 "%s:%d: cannot open %s for vhost = yes: %s; load the vhost_net "
				 "module (modprobe vhost_net) or set vhost = no",
				 p->path, vhost_line(p, net), path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		close(fd);
		return err_set(err, EINVAL, "%s is not a character device", path);
	}
	*out = fd;
	return 0;
}

int bridge_taps_check(const struct profile *p, struct pl_err *err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_nets; i++) {
		_cleanup_close_ int vhost = -1;
		if (p->nets[i].type == NET_BRIDGE)
			r = check_bridge_nic(p, &p->nets[i], err);
		if (p->nets[i].type == NET_MACVTAP)
			r = macvtap_check(p, &p->nets[i], err);
		if (r == 0 && p->nets[i].vhost)
			r = open_vhost_net(p, &p->nets[i], &vhost, err);
	}
	return r;
}

/* Not persistent: the tap lives while a descriptor holds it. The virtio
 * header lets QEMU hand checksum and segmentation work to the host. With
 * several queues each open attaches one more queue of the same tap. */
static int open_tap(const char *name, bool multi_queue)
{
	_cleanup_free_ char *tun = xasprintf("%s/net/tun", path_devfs());
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
					 (multi_queue ? IFF_MULTI_QUEUE : 0)};
	int fd = open(tun, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static int if_ioctl(int sock, unsigned long request, const char *name, struct ifreq *ifr)
{
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	return ioctl(sock, request, ifr) < 0 ? -errno : 0;
}

/* The bridge's MTU (what the bridge forwards must fit), on the bridge, up. */
static int join_bridge(const char *tap, const char *bridge)
{
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	int mtu, r;

	if (sock < 0)
		return -errno;
	r = if_ioctl(sock, SIOCGIFMTU, bridge, &ifr);
	mtu = ifr.ifr_mtu;
	if (r == 0 && (r = if_ioctl(sock, SIOCGIFINDEX, tap, &ifr)) == 0)
		r = if_ioctl(sock, SIOCBRADDIF, bridge, &ifr);
	if (r == 0) {
		ifr.ifr_mtu = mtu;
		r = if_ioctl(sock, SIOCSIFMTU, tap, &ifr);
	}
	if (r == 0 && (r = if_ioctl(sock, SIOCGIFFLAGS, tap, &ifr)) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = if_ioctl(sock, SIOCSIFFLAGS, tap, &ifr);
	}
	return r;
}

/* A descriptor for each queue, in FDS; the tap joins the bridge once. */
static int open_bridge_tap(const struct profile *p, const struct profile_net *net,
			   struct bridge_taps *taps, struct pl_err *err)
{
	_cleanup_free_ char *tap = qemu_bridge_tap_name(p, net);
	bool existed = net_has(tap, NULL);
	int r = 0;

	for (unsigned q = 0; r == 0 && q < net->queues; q++) {
		r = open_tap(tap, net->queues > 1);
		if (r < 0)
			break;
		taps->fd = xreallocarray(taps->fd, taps->n + 1, sizeof(*taps->fd));
		taps->fd[taps->n++] = r;
		r = 0;
	}
	if (r == 0 && !existed)
		r = join_bridge(tap, net->bridge);
	if (r < 0)
		return err_set(err, -r,
			       "%s: [net.%s] cannot set up the tap %s on the bridge %s: %s%s",
			       p->vm.name, net->ref.label, tap, net->bridge, strerror(-r),
			       r == -EINVAL && existed && net->queues > 1
				   ? " (a tap made by hand for queues > 1 must be made with "
				     "multi_queue: ip tuntap add NAME mode tap multi_queue)"
				   : "");
	log_info("%s: [net.%s] tap %s on bridge %s%s", p->vm.name, net->ref.label, tap, net->bridge,
		 existed ? " (the one there already)" : "");
	return 0;
}

static int open_macvtap(const struct profile *p, const struct profile_net *net, struct journal *j,
			struct bridge_taps *taps, struct pl_err *err)
{
	uint8_t mac[6];
	int fd, r;

	qemu_nic_mac(p, net, mac);
	r = macvtap_open(p, net, mac, j, &fd, err);
	if (fd >= 0) {
		taps->fd = xreallocarray(taps->fd, taps->n + 1, sizeof(*taps->fd));
		taps->fd[taps->n++] = fd;
	}
	return r;
}

int bridge_taps_open(const struct profile *p, struct journal *j, struct bridge_taps *taps,
		     struct pl_err *err)
{
	int r = 0;

	for (size_t i = 0; i < p->n_nets; i++) {
		for (unsigned q = 0; r == 0 && p->nets[i].vhost && q < p->nets[i].queues; q++) {
			taps->vhost_fd =
			    xreallocarray(taps->vhost_fd, taps->n_vhost + 1, sizeof(int));
			r = open_vhost_net(p, &p->nets[i], &taps->vhost_fd[taps->n_vhost], err);
			taps->n_vhost += r == 0;
		}
	}
	for (size_t i = 0; r == 0 && i < p->n_nets; i++) {
		const struct profile_net *net = &p->nets[i];
		if (net->type == NET_MACVTAP) {
			r = open_macvtap(p, net, j, taps, err);
			continue;
		}
		if (net->type != NET_BRIDGE)
			continue;
		if (net->create_bridge && !net_has(net->bridge, NULL))
			r = bridge_create(net->bridge, j, err);
		if (r == 0)
			r = open_bridge_tap(p, net, taps, err);
	}
	return r;
}

void bridge_taps_close(struct bridge_taps *taps)
{
	for (size_t i = 0; i < taps->n; i++)
		close(taps->fd[i]);
	for (size_t i = 0; i < taps->n_vhost; i++)
		close(taps->vhost_fd[i]);
	free(taps->fd);
	free(taps->vhost_fd);
	*taps = (struct bridge_taps){0};
}
