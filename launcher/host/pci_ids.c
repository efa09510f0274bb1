#include "pci_ids.h"

#include "base/paths.h"

#include "base/util.h"

#include <strings.h>

static const char *ids_path(void)
{
	static const char *const paths[] = {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"};
	const char *env = path_test_override("PASSLAUNCH_PCI_IDS");

	if (env && *env == '/')
		return env;
	for (size_t i = 0; i < N_ELEMENTS(paths); i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

static void copy_name(const char *from, char *to, size_t len)
{
	snprintf(to, len, "%s", from + strspn(from, " \t"));
	to[strcspn(to, "\n")] = '\0';
}

/* LINE starts with the first N characters of ID (hex digits, any case),
 * followed by a blank or its end: a short or damaged line never matches,
 * and neither is read past its end. */
static bool starts_with_id(const char *line, const char *id, size_t n)
{
	return strnlen(id, n) == n && !strncasecmp(line, id, n) &&
	       (line[n] == '\0' || strchr(" \t\n", line[n]));
}

/* Top-level entries start at column 0 ("10de  NVIDIA"), their children
 * with one tab ("\t2204  GA102 [GeForce RTX 3090]"); classes are "C 03". */
bool pci_ids_device(const char *vendor, const char *device, char *vendor_name, size_t vlen,
		    char *device_name, size_t dlen)
{
	const char *path = ids_path();
	_cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
	char line[512];
	bool in_vendor = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] != '\t') {
			if (in_vendor || line[0] == 'C')
				break;
			in_vendor = starts_with_id(line, vendor, 4);
			if (in_vendor)
				copy_name(line + 4, vendor_name, vlen);
		} else if (in_vendor && starts_with_id(line + 1, device, 4)) {
			copy_name(line + 5, device_name, dlen);
			break;
		}
	}
	return true;
}

bool pci_ids_class(const char *class_subclass, char *name, size_t len)
{
	const char *path = ids_path();
	_cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
	char line[512];
	bool in_class = false;

	if (!f || strnlen(class_subclass, 5) != 4)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "C ", 2)) {
			in_class = starts_with_id(line + 2, class_subclass, 2);
		} else if (in_class && line[0] == '\t' &&
			   starts_with_id(line + 1, class_subclass + 2, 2)) {
			copy_name(line + 3, name, len);
			return true;
		}
	}
	return false;
}
