#include "node_access.h"

#include "sysfs.h"

#include "base/paths.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define ACL_XATTR "system.posix_acl_access"
#define ACL_MAX	  4096 /* 8 bytes an entry: far more than a node has */

/* chmod and the xattr calls take no O_PATH descriptor; its /proc link
 * reaches the same file, whatever its path has become. */
static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

char *node_acl_hex(int fd)
{
	unsigned char acl[ACL_MAX];
	char path[64];
	char *hex;
	ssize_t n;

	fd_path(fd, path, sizeof(path));
	n = getxattr(path, ACL_XATTR, acl, sizeof(acl));
	if (n <= 0)
		return NULL;
	hex = xmalloc((size_t)n * 2 + 1);
	for (ssize_t i = 0; i < n; i++)
		snprintf(hex + i * 2, 3, "%02x", acl[i]);
	return hex;
}

static int hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len)
{
	size_t n = strlen(hex);
	unsigned byte;

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		if (sscanf(hex + i * 2, "%2x", &byte) != 1)
			return -EINVAL;
		out[i] = (unsigned char)byte;
	}
	*len = n / 2;
	return 0;
}

int node_access_restore(int fd, unsigned mode, const char *acl_hex)
{
	unsigned char acl[ACL_MAX];
	char path[64];
	size_t len;
	int r;

	fd_path(fd, path, sizeof(path));
	if (streq(acl_hex, "-")) {
		if (removexattr(path, ACL_XATTR) < 0 && errno != ENODATA && errno != EOPNOTSUPP)
			return -errno;
	} else {
		r = hex_decode(acl_hex, acl, sizeof(acl), &len);
		if (r < 0)
			return r;
		if (setxattr(path, ACL_XATTR, acl, len, 0) < 0)
			return -errno;
	}
	/* After the ACL, whose mask the mode's group bits are. */
	return chmod(path, mode & 07777) < 0 ? -errno : 0;
}

int node_rules_apply(dev_t rdev)
{
	_cleanup_free_ char *uevent =
	    xasprintf("%s/dev/char/%u:%u/uevent", path_sysfs(), major(rdev), minor(rdev));
	int r = sysfs_write_str(uevent, "change");

	return r == -ENOENT ? 0 : r;
}
