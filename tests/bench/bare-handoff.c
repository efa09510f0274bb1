/* bare-handoff vfio|host BDF...: the GPU handoff with nothing around it, as
 * the reference `make bench` holds `passlaunch gpu detach|attach` against.
 * For each function in turn: the driver_override, the unbind, the probe,
 * then a busy wait until the driver is the one wanted (vfio: vfio-pci;
 * host: any other). No checks, no journal, no bounds, no fork. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_str(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The driver's name, or "" when none is bound. */
static void driver_of(const char *bdf, char *name, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	snprintf(name, len, "%s", n < 0 ? "" : strrchr(target, '/') + 1);
}

static int move(const char *bdf, int to_vfio)
{
	char path[PATH_MAX], now[64];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	if (write_str(path, to_vfio ? "vfio-pci" : "\n") < 0)
		return -1;
	driver_of(bdf, now, sizeof(now));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	if (*now && write_str(path, bdf) < 0)
		return -1;
	if (write_str("/sys/bus/pci/drivers_probe", bdf) < 0)
		return -1;
	do
		driver_of(bdf, now, sizeof(now));
	while (to_vfio ? strcmp(now, "vfio-pci") != 0 : !*now || !strcmp(now, "vfio-pci"));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "vfio") != 0 && strcmp(argv[1], "host") != 0)) {
		fprintf(stderr, "usage: bare-handoff vfio|host BDF...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (move(argv[i], !strcmp(argv[1], "vfio")) < 0) {
			fprintf(stderr, "bare-handoff: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
	return 0;
}
