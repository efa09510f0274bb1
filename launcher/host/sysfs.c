#include "sysfs.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>

static int read_small(int dir, const char *name, int flags, char *buf, size_t len)
{
	/* O_NONBLOCK: a FIFO where an attribute belongs (planted, or a test's
	 * stand-in for a write that blocks) must not hang a read. */
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysfs_read_str(const char *path, char *buf, size_t len)
{
	return read_small(AT_FDCWD, path, 0, buf, len);
}

int sysfs_read_at(int dir, const char *name, char *buf, size_t len)
{
	return read_small(dir, name, O_NOFOLLOW, buf, len);
}

int sysfs_read_ulong(const char *path, unsigned long *value)
{
	char buf[64], *end;
	int r = sysfs_read_str(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	*value = strtoul(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

int sysfs_write_str(const char *path, const char *value)
{
	/* O_TRUNC as a shell's '>' does: sysfs ignores it, a plain file needs it. */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len;

	/* An empty write never reaches the kernel; a lone newline is "empty". */
	if (!*value)
		value = "\n";
	len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
