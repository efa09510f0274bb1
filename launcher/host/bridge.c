#include "bridge.h"

#include "base/log.h"
#include "base/paths.h"

#include <dirent.h>
#include <errno.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int set_up(int sock, const char *name, bool up)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

int bridge_create(const char *name, struct journal *j, struct pl_err *err)
{
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (sock < 0)
		return err_set(err, errno, "cannot open a socket: %s", strerror(errno));
	r = journal_bridge(j, name, err);
	if (r < 0)
		return r;
	if (ioctl(sock, SIOCBRADDBR, name) < 0)
		return err_set(err, errno, "cannot create the bridge %s: %s", name,
			       strerror(errno));
	r = set_up(sock, name, true);
	if (r < 0)
		return err_set(err, -r, "cannot bring the bridge %s up: %s", name, strerror(-r));
	log_info("bridge %s created for the run", name);
	return 0;
}

static int count_ports(const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/class/net/%s/brif", path_sysfs(), name);
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int bridge_remove_unused(const char *name)
{
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ports = count_ports(name);
	int r;

	if (ports == -ENOENT)
		return 0;
	if (ports < 0)
		return ports;
	if (ports > 0) {
		log_info("bridge %s kept: %d port%s still on it", name, ports,
			 ports == 1 ? "" : "s");
		return 0;
	}
	if (sock < 0)
		return -errno;
	r = set_up(sock, name, false);
	if (r == 0 && ioctl(sock, SIOCBRDELBR, name) < 0)
		r = -errno;
	return r == -ENXIO || r == -ENODEV ? 0 : r;
}
