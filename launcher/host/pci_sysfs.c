#include "pci_sysfs.h"

#include "base/paths.h"
#include "base/pciaddr.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <strings.h>

char *pci_dev_path(const char *bdf, const char *file)
{
	return xasprintf("%s/bus/pci/devices/%s%s%s", path_sysfs(), bdf, *file ? "/" : "", file);
}

bool pci_exists(const char *bdf)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "");
	return access(path, F_OK) == 0;
}

void pci_driver(const char *bdf, char *buf, size_t len)
{
	_cleanup_free_ char *link = pci_dev_path(bdf, "driver");
	char target[512];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	buf[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(buf, len, "%s", basename(target));
}

int pci_iommu_group(const char *bdf)
{
	_cleanup_free_ char *link = pci_dev_path(bdf, "iommu_group");
	char target[512];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n <= 0)
		return -1;
	target[n] = '\0';
	return atoi(basename(target));
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pci_group_devices(int group, struct strv *out)
{
	_cleanup_free_ char *dir =
	    xasprintf("%s/kernel/iommu_groups/%d/devices", path_sysfs(), group);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			strv_push(out, e->d_name);
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), compare);
}

static unsigned long pci_class(const char *bdf)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "class");
	char text[32] = "";

	sysfs_read_str(path, text, sizeof(text));
	return strtoul(text, NULL, 16);
}

bool pci_is_bridge(const char *bdf)
{
	return (pci_class(bdf) >> 8) == 0x0604;
}

static bool looks_like_bdf(const char *name)
{
	struct pci_addr addr;
	const char *why;

	return strlen(name) == strlen("0000:00:00.0") && pci_addr_parse(name, &addr, &why) == 0;
}

bool pci_bus_behind_bridge(const char *bdf, char *bridge, size_t len, struct strv *out)
{
	_cleanup_free_ char *link = pci_dev_path(bdf, "");
	_cleanup_free_ char *real = realpath(link, NULL);
	char *parent, *name;
	DIR *d;
	struct dirent *e;

	if (!real || !(parent = strrchr(real, '/')))
		return false;
	*parent = '\0';
	name = strrchr(real, '/');
	if (!name || !looks_like_bdf(++name))
		return false;
	snprintf(bridge, len, "%s", name);
	d = opendir(real);
	while (d && (e = readdir(d)))
		if (looks_like_bdf(e->d_name))
			strv_push(out, e->d_name);
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), compare);
	return true;
}

void pci_describe(const char *bdf, char *buf, size_t len)
{
	static const struct {
		unsigned long class;
		const char *name;
	} names[] = {{0x0300, "VGA controller"},  {0x0302, "3D controller"},
		     {0x0403, "audio device"},	  {0x0c03, "USB controller"},
		     {0x0108, "NVMe controller"}, {0x0200, "Ethernet controller"},
		     {0x0604, "PCI bridge"}};
	unsigned long class = pci_class(bdf) >> 8;
	char vendor[16], device[16];
	const char *name = "device";

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (names[i].class == class)
			name = names[i].name;
	pci_read_id(bdf, "vendor", vendor, sizeof(vendor));
	pci_read_id(bdf, "device", device, sizeof(device));
	snprintf(buf, len, "%s [%s:%s]", name, *vendor ? vendor : "?", *device ? device : "?");
}

char *pci_saved_driver_path(const char *bdf)
{
	return xasprintf("%s/devices/%s", path_runtime(), bdf);
}

char *pci_kept_path(const char *bdf)
{
	return xasprintf("%s/devices/%s.kept", path_runtime(), bdf);
}

void pci_read(const char *bdf, const char *file, char *buf, size_t len)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, file);

	*buf = '\0';
	sysfs_read_str(path, buf, len);
}

void pci_read_id(const char *bdf, const char *file, char *buf, size_t len)
{
	char text[64];

	pci_read(bdf, file, text, sizeof(text));
	snprintf(buf, len, "%s", text + (strncasecmp(text, "0x", 2) ? 0 : 2));
}
