#include "macvtap.h"

#include "base/log.h"
#include "base/paths.h"
#include "profile/vmpath.h"
#include "qemu/argv_builder.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct nl_request {
	struct nlmsghdr h;
	struct ifinfomsg i;
	char attrs[512];
};

static struct rtattr *add_attr(struct nl_request *req, unsigned short type, const void *data,
			       size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	req->h.nlmsg_len = NLMSG_ALIGN(req->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void end_nest(struct nl_request *req, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)req + req->h.nlmsg_len - (char *)nest);
}

/* Sends one request and reads the kernel's acknowledgement. */
static int nl_talk(struct nl_request *req)
{
	_cleanup_close_ int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char reply[1024];
	ssize_t n;
	struct nlmsghdr *h = (struct nlmsghdr *)reply;

	if (sock < 0)
		return -errno;
	req->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(sock, req, req->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	n = recv(sock, reply, sizeof(reply), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != NLMSG_ERROR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return -EPROTO;
	return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

char *macvtap_name(const struct profile *p, const struct profile_net *net)
{
	if (net->ifname)
		return xstrdup(net->ifname);
	return xasprintf("pv%08x", argv_hash(p->vm.name, net->ref.label));
}

static int link_line(const struct profile *p, const struct profile_net *net)
{
	_cleanup_free_ char *section = xasprintf("net.%s", net->ref.label);
	return profile_key_line(p, section, "link") ?: net->ref.line;
}

int macvtap_check(const struct profile *p, const struct profile_net *net, struct pl_err *err)
{
	_cleanup_free_ char *name = macvtap_name(p, net);
	_cleanup_free_ char *section = xasprintf("net.%s", net->ref.label);

	if (!if_nametoindex(net->link))
		return err_input(err,
				 "%s:%d: [%s] link = %s: no such network interface on this host; "
				 "name the host's interface the guest shares (ip link lists them)",
				 p->path, link_line(p, net), section, net->link);
	if (if_nametoindex(name))
		return err_input(err,
				 "%s:%d: [%s] the network interface %s exists already; delete it "
				 "(ip link delete %s) or name another with ifname = NAME",
				 p->path, net->ref.line, section, name, name);
	return 0;
}

static int create_link(const char *name, unsigned parent, const uint8_t mac[6])
{
	struct nl_request req = {
	    .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		  .nlmsg_type = RTM_NEWLINK,
		  .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL},
	    .i = {.ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP},
	};
	uint32_t mode = MACVLAN_MODE_BRIDGE;
	struct rtattr *info, *data;

	add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	add_attr(&req, IFLA_LINK, &parent, sizeof(parent));
	add_attr(&req, IFLA_ADDRESS, mac, 6);
	info = add_attr(&req, IFLA_LINKINFO, NULL, 0);
	add_attr(&req, IFLA_INFO_KIND, "macvtap", strlen("macvtap"));
	data = add_attr(&req, IFLA_INFO_DATA, NULL, 0);
	add_attr(&req, IFLA_MACVLAN_MODE, &mode, sizeof(mode));
	end_nest(&req, data);
	end_nest(&req, info);
	return nl_talk(&req);
}

int macvtap_delete(const char *name)
{
	struct nl_request req = {
	    .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_DELLINK},
	    .i = {.ifi_family = AF_UNSPEC},
	};
	int r;

	add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	r = nl_talk(&req);
	return r == -ENODEV ? 0 : r;
}

/* The macvtap's character device, made in root's run directory from the
 * numbers sysfs gives (a host without udev has no /dev/tapN), opened and
 * unlinked: no path to it stays for anyone else. */
static int open_device(const struct profile *p, const char *name, int *fd)
{
	unsigned index = if_nametoindex(name);
	_cleanup_free_ char *attr =
	    xasprintf("%s/class/net/%s/macvtap/tap%u/dev", path_sysfs(), name, index);
	_cleanup_free_ char *run_dir = vmpath_run_dir(p->vm.name);
	_cleanup_free_ char *node = xasprintf("%s/tap%u", run_dir, index);
	char numbers[32];
	unsigned major, minor;
	int r;

	if (!index)
		return -ENODEV;
	r = sysfs_read_str(attr, numbers, sizeof(numbers));
	if (r < 0)
		return r;
	if (sscanf(numbers, "%u:%u", &major, &minor) != 2)
		return -EPROTO;
	unlink(node);
	if (mknod(node, S_IFCHR | 0600, makedev(major, minor)) < 0)
		return -errno;
	*fd = open(node, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	r = *fd < 0 ? -errno : 0;
	unlink(node);
	return r;
}

int macvtap_open(const struct profile *p, const struct profile_net *net, const uint8_t mac[6],
		 struct journal *j, int *fd, struct pl_err *err)
{
	_cleanup_free_ char *name = macvtap_name(p, net);
	int r = journal_macvtap(j, name, err);

	*fd = -1;
	if (r < 0)
		return r;
	r = create_link(name, if_nametoindex(net->link), mac);
	if (r == 0)
		r = open_device(p, name, fd);
	if (r < 0)
		return err_set(err, -r, "%s: [net.%s] cannot set up the macvtap %s on %s: %s",
			       p->vm.name, net->ref.label, name, net->link, strerror(-r));
	log_info("%s: [net.%s] macvtap %s on %s", p->vm.name, net->ref.label, name, net->link);
	return 0;
}
