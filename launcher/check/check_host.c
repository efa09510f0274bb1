#include "check.h"

#include "qemu/firmware.h"
#include "host/hostfacts.h"
#include "host/hugepages.h"
#include "base/paths.h"
#include "host/sysfs.h"

#include <dirent.h>
#include <sys/utsname.h>

static const char *iommu_param(void)
{
	return host_cpu_amd() ? "amd_iommu=on iommu=pt" : "intel_iommu=on iommu=pt";
}

static void check_kvm(const struct profile *p, struct check_report *r)
{
	const char *why = NULL;

	if (host_has_hw_kvm(&why))
		check_add(r, CHECK_PASS, "hardware KVM", NULL, "%s loaded, /dev/kvm present",
			  host_cpu_amd() ? "kvm_amd" : "kvm_intel");
	else
		check_add(r, p && p->qemu.accel == ACCEL_TCG ? CHECK_WARN : CHECK_FAIL,
			  "hardware KVM",
			  "turn on VT-x (Intel) or SVM / AMD-V (AMD) in the firmware setup, then "
			  "modprobe kvm_intel or kvm_amd",
			  "%s%s", why,
			  p && p->qemu.accel == ACCEL_TCG ? " (the profile asks for TCG)" : "");
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void check_iommu(struct check_report *r)
{
	_cleanup_free_ char *units = xasprintf("%s/class/iommu", path_sysfs());
	_cleanup_free_ char *groups = xasprintf("%s/kernel/iommu_groups", path_sysfs());
	_cleanup_free_ char *fix = xasprintf(
	    "add %s to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then "
	    "update-grub) and turn on VT-d / AMD-Vi in the firmware setup",
	    iommu_param());
	size_t n_units = count_entries(units), n_groups = count_entries(groups);

	if (n_units && n_groups)
		check_add(r, CHECK_PASS, "IOMMU", NULL, "%zu IOMMU unit%s, %zu groups", n_units,
			  n_units == 1 ? "" : "s", n_groups);
	else
		check_add(r, CHECK_FAIL, "IOMMU", fix, "no IOMMU is on (%s is empty)",
			  n_units ? groups : units);
}

/* Remapped interrupts show as IR-PCI-MSI / IR-IO-APIC in /proc/interrupts. */
static void check_interrupt_remapping(struct check_report *r)
{
	_cleanup_free_ char *path = xasprintf("%s/interrupts", path_procfs());
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[1024];
	bool remapped = false;

	while (!remapped && f && fgets(line, sizeof(line), f))
		remapped = strstr(line, " IR-") != NULL;
	if (remapped)
		check_add(r, CHECK_PASS, "interrupt remapping", NULL, "on");
	else
		check_add(r, CHECK_WARN, "interrupt remapping",
			  "turn on interrupt remapping (x2APIC / IOMMU interrupt remapping) in the "
			  "firmware setup; vfio refuses devices without it unless "
			  "vfio_iommu_type1.allow_unsafe_interrupts=1, which lets a guest forge "
			  "interrupts",
			  "no remapped interrupts in %s", path);
}

/* Loaded, built in, or there to load. */
static bool module_available(const char *name)
{
	_cleanup_free_ char *loaded = xasprintf("%s/module/%s", path_sysfs(), name);
	_cleanup_free_ char *dashed = xstrdup(name);
	struct utsname u;
	char line[512];

	if (access(loaded, F_OK) == 0 || uname(&u) < 0)
		return access(loaded, F_OK) == 0;
	for (char *c = dashed; *c; c++)
		*c = *c == '_' ? '-' : *c;
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *list = xasprintf("/lib/modules/%s/%s", u.release,
						      i ? "modules.builtin" : "modules.dep");
		_cleanup_fclose_ FILE *f = fopen(list, "re");
		_cleanup_free_ char *ko1 = xasprintf("/%s.ko", name);
		_cleanup_free_ char *ko2 = xasprintf("/%s.ko", dashed);
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, ko1) || strstr(line, ko2))
				return true;
	}
	return false;
}

static void check_vfio(struct check_report *r)
{
	static const char *const modules[] = {"vfio", "vfio_iommu_type1", "vfio_pci"};
	char missing[128] = "";

	for (size_t i = 0; i < N_ELEMENTS(modules); i++)
		if (!module_available(modules[i]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", *missing ? ", " : "", modules[i]);
	if (!*missing)
		check_add(r, CHECK_PASS, "vfio modules", NULL,
			  "vfio, vfio_iommu_type1 and vfio_pci available");
	else
		check_add(r, CHECK_FAIL, "vfio modules",
			  "install a kernel built with VFIO (CONFIG_VFIO_PCI), such as Debian's "
			  "linux-image-amd64",
			  "not available: %s", missing);
}

static void check_firmware(const struct profile *p, struct check_report *r)
{
	struct firmware fw = {0};
	struct pl_err err = {0};

	if (p && p->firmware.type == FW_BIOS)
		return;
	if (!p) {
		struct profile defaults = {0};
		profile_init_defaults(&defaults);
		if (firmware_find(&defaults, path_firmware_dirs(), &fw, &err) == 0)
			check_add(r, CHECK_PASS, "OVMF", NULL, "%s", fw.code);
		else
			check_add(r, CHECK_FAIL, "OVMF", "apt install ovmf", "%s", err.msg);
		profile_free(&defaults);
	} else if (firmware_find(p, path_firmware_dirs(), &fw, &err) == 0) {
		check_add(r, CHECK_PASS, "OVMF", NULL, "%s%s", fw.code,
			  p->firmware.type == FW_OVMF_SECBOOT ? " (Secure Boot)" : "");
	} else {
		check_add(r, CHECK_FAIL, "OVMF", "apt install ovmf", "%s", err.msg);
	}
	firmware_free(&fw);
}

static void check_swtpm(const struct profile *p, struct check_report *r)
{
	if (!p || !p->firmware.tpm)
		return;
	if (access("/usr/bin/swtpm", X_OK) == 0)
		check_add(r, CHECK_PASS, "swtpm", NULL, "/usr/bin/swtpm for tpm = yes");
	else
		check_add(r, CHECK_FAIL, "swtpm", "apt install swtpm swtpm-tools",
			  "tpm = yes, but /usr/bin/swtpm is not installed");
}

static unsigned long long read_number(const char *path)
{
	char text[64] = "";

	sysfs_read_str(path, text, sizeof(text));
	return strtoull(text, NULL, 10);
}

static unsigned long long mem_available_kib(void)
{
	_cleanup_free_ char *path = xasprintf("%s/meminfo", path_procfs());
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long long kib = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	return kib;
}

static void check_hugepages(const struct profile *p, struct check_report *r)
{
	_cleanup_free_ char *free_path = NULL;
	unsigned long long page, need, have, available;

	if (!p || p->memory.hugepages == HUGEPAGES_NO)
		return;
	free_path = hp_pool_path(p, "free_hugepages");
	page = p->memory.hugepages == HUGEPAGES_1G ? 1ULL << 30 : 2ULL << 20;
	need = p->memory.size / page;
	have = read_number(free_path);
	available = mem_available_kib() * 1024 / page;
	if (access(free_path, F_OK) < 0)
		check_add(r, CHECK_FAIL, "hugepages",
			  "use hugepages = 2M, or boot with hugepagesz=1G hugepages=N",
			  "%s missing", free_path);
	else if (have >= need)
		check_add(r, CHECK_PASS, "hugepages", NULL, "%llu free, %llu needed", have, need);
	else if (have + available >= need)
		check_add(
		    r, CHECK_WARN, "hugepages",
		    "reserve them at boot (hugepages=N on the kernel command line) to be sure",
		    "%llu free of %llu needed; the rest will be reserved at start, which "
		    "fragmented memory may refuse",
		    have, need);
	else
		check_add(r, CHECK_FAIL, "hugepages",
			  "lower [memory] size, or free memory on the host",
			  "%llu needed; %llu free and memory for %llu more", need, have, available);
}

void check_host(const struct profile *p, struct check_report *r)
{
	check_kvm(p, r);
	check_iommu(r);
	check_interrupt_remapping(r);
	check_vfio(r);
	check_firmware(p, r);
	check_swtpm(p, r);
	check_hugepages(p, r);
}
