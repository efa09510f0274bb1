#include "cmd_iommu.h"

#include "host/hostfacts.h"
#include "base/log.h"
#include "base/paths.h"
#include "host/pci_ids.h"
#include "host/pci_sysfs.h"
#include "profile/profile_load.h"

#include <dirent.h>
#include <errno.h>

/* Built in, for hosts without pci.ids. */
static const char *class_name(const char *class_subclass)
{
	static const struct {
		const char *code, *name;
	} names[] = {{"0300", "VGA compatible controller"},
		     {"0302", "3D controller"},
		     {"0380", "Display controller"},
		     {"0403", "Audio device"},
		     {"0c03", "USB controller"},
		     {"0108", "Non-Volatile memory controller"},
		     {"0200", "Ethernet controller"},
		     {"0280", "Network controller"},
		     {"0604", "PCI bridge"},
		     {"0600", "Host bridge"},
		     {"0601", "ISA bridge"},
		     {"0106", "SATA controller"}};

	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (!strcmp(names[i].code, class_subclass))
			return names[i].name;
	return "device";
}

/* Every attribute may be missing (a device going away, a damaged or fake
 * tree): each is read as "" and shown as "?". */
static void print_device(const char *bdf, const struct strv *passed, bool marked)
{
	char class[16], vendor[16], device[16], driver[64], reset[64];
	char cls[128] = "", vname[128] = "", dname[160] = "";
	const char *mark = "  ";

	pci_read_id(bdf, "class", class, sizeof(class));
	pci_read_id(bdf, "vendor", vendor, sizeof(vendor));
	pci_read_id(bdf, "device", device, sizeof(device));
	pci_read(bdf, "reset_method", reset, sizeof(reset));
	pci_driver(bdf, driver, sizeof(driver));
	class[strnlen(class, 4)] = '\0'; /* 030000 → 0300 */
	if (!pci_ids_class(class, cls, sizeof(cls)) || !*cls)
		snprintf(cls, sizeof(cls), "%s", class_name(class));
	pci_ids_device(vendor, device, vname, sizeof(vname), dname, sizeof(dname));
	if (marked)
		mark = strv_contains(passed, bdf) ? "* " : pci_is_bridge(bdf) ? "  " : "! ";
	printf("  %s%s  %s [%s]  %s:%s%s%s%s%s  driver: %s  reset: %s\n", mark, bdf, cls,
	       *class ? class : "?", *vendor ? vendor : "?", *device ? device : "?",
	       *vname ? "  " : "", vname, *dname ? " " : "", dname, *driver ? driver : "none",
	       *reset ? reset : "none");
}

static int by_number(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name) - atoi((*b)->d_name);
}

/* Every BDF a profile passes: the GPUs' functions and the [pci] devices. */
static int profile_devices(const char *arg, struct strv *passed, char **name, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct profile p = {0};
	struct host_facts f = {0};
	int r = profile_resolve(arg, &path, err);

	if (r == 0)
		r = profile_load(path, &p, false, err);
	if (r == 0)
		r = host_facts_gather(&p, &f, err);
	if (r == 0)
		host_passed_devices(&p, &f, true, true, passed);
	if (r == 0)
		*name = xstrdup(p.vm.name);
	host_facts_free(&f);
	profile_free(&p);
	return r;
}

static bool group_has(const struct strv *members, const struct strv *passed)
{
	for (size_t i = 0; i < members->n; i++)
		if (strv_contains(passed, members->v[i]))
			return true;
	return false;
}

static void print_group(int group, const struct strv *passed, const char *vm)
{
	struct strv members = {0};
	bool marked;

	pci_group_devices(group, &members);
	marked = vm && group_has(&members, passed);
	printf("IOMMU group %d%s%s\n", group, marked ? "  <- passed by " : "", marked ? vm : "");
	for (size_t i = 0; i < members.n; i++)
		print_device(members.v[i], passed, marked);
	strv_free(&members);
}

int cmd_iommu(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *groups_dir = xasprintf("%s/kernel/iommu_groups", path_sysfs());
	_cleanup_free_ char *vm = NULL;
	struct strv passed = {0};
	struct dirent **groups = NULL;
	int n, r = 0;

	if (argc == 3 && streq(argv[1], "--profile"))
		r = profile_devices(argv[2], &passed, &vm, err);
	else if (argc != 1)
		return err_input(err, "usage: passlaunch iommu [--profile PROFILE]");
	if (r < 0)
		goto out;
	n = scandir(groups_dir, &groups, NULL, by_number);
	if (n <= 2) {
		r = err_set(err, ENODEV,
			    "no IOMMU groups in %s: the IOMMU is off; add intel_iommu=on (Intel) "
			    "or amd_iommu=on (AMD) to the kernel command line and turn on VT-d / "
			    "AMD-Vi (SVM, IOMMU) in the firmware setup",
			    groups_dir);
	}
	for (int i = 0; i < n; i++) {
		if (r == 0 && groups[i]->d_name[0] != '.')
			print_group(atoi(groups[i]->d_name), &passed, vm);
		free(groups[i]);
	}
	free(groups);
	if (r == 0 && vm)
		printf("\n* passed by %s   ! in a passed group but not passed: pass it too, or "
		       "the VM cannot start\n",
		       vm);
out:
	strv_free(&passed);
	return r;
}
