#include "check.h"

#include "host/bridge_tap.h"
#include "host/hostfacts.h"
#include "base/invoker.h"
#include "base/paths.h"
#include "base/trust.h"
#include "host/pci_sysfs.h"
#include "host/sysfs.h"
#include "check_reset.h"
#include "host/gpu_reset.h"
#include "host/holders.h"
#include "host/kvmfr.h"
#include "profile/vmpath.h"
#include "base/size.h"
#include "host/pin_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void check_group(const char *bdf, const struct strv *passed, struct check_report *r)
{
	_cleanup_free_ char *name = xasprintf("IOMMU group of %s", bdf);
	struct strv members = {0}, others = {0};
	int group = pci_iommu_group(bdf);
	_cleanup_free_ char *list = NULL;

	if (group < 0) {
		check_add(r, CHECK_FAIL, name, "turn the IOMMU on (see the IOMMU check)",
			  "%s has no IOMMU group", bdf);
		return;
	}
	pci_group_devices(group, &members);
	for (size_t i = 0; i < members.n; i++) {
		char desc[128];
		if (strv_contains(passed, members.v[i]) || pci_is_bridge(members.v[i]))
			continue;
		pci_describe(members.v[i], desc, sizeof(desc));
		strv_pushf(&others, "%s (%s)", members.v[i], desc);
	}
	list = strv_join(&others, ", ");
	if (!others.n)
		check_add(r, CHECK_PASS, name, NULL, "group %d holds only passed devices", group);
	else
		check_add(
		    r, CHECK_FAIL, name,
		    "pass those too (a [pci] section each), or move the card to a slot with a "
		    "group of its own (an ACS override kernel patch splits groups, at the cost "
		    "of isolation)",
		    "group %d also holds %s", group, list);
	strv_free(&members);
	strv_free(&others);
}

static void check_devices(const struct profile *p, const struct host_facts *f,
			  struct check_report *r)
{
	struct strv passed = {0};

	host_passed_devices(p, f, true, true, &passed);
	for (size_t i = 0; i < passed.n; i++) {
		if (pci_exists(passed.v[i])) {
			char desc[128];
			pci_describe(passed.v[i], desc, sizeof(desc));
			check_add(r, CHECK_PASS, passed.v[i], NULL, "%s", desc);
			check_group(passed.v[i], &passed, r);
		} else {
			check_add(r, CHECK_FAIL, passed.v[i],
				  "correct the address in the profile (lspci -D lists the devices)",
				  "no such PCI device on this host");
		}
	}
	check_resets(&passed, r);
	strv_free(&passed);
}

/* What `run` refuses before it changes anything: a reset method the
 * device does not offer. */
static void check_reset_choice(const struct profile *p, struct check_report *r)
{
	struct pl_err err = {0};

	if (gpu_reset_check(p, &err) < 0)
		check_add(r, CHECK_FAIL, "reset", "name methods the reset line above lists", "%s",
			  err.msg);
}

/* A GPU kept on vfio-pci after the run: said, and warned of when it is the
 * host's display (the display-manager hook gives the desktop back without
 * it). */
static void check_release(const struct profile *p, struct check_report *r)
{
	bool desktop = strv_contains(&p->hooks.use, "display-manager");

	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		_cleanup_free_ char *name = xasprintf("release of %s", g->ref.label);
		char bdf[PCI_ADDR_LEN];
		if (g->release != RELEASE_VFIO)
			continue;
		pci_addr_format(&g->address, bdf);
		if (desktop)
			check_add(
			    r, CHECK_WARN, name,
			    "release = host, unless another GPU drives the desktop",
			    "release = vfio keeps the GPU the display manager stopped for on "
			    "vfio-pci: the desktop comes back without it until passlaunch gpu "
			    "attach %s",
			    bdf);
		else
			check_add(
			    r, CHECK_PASS, name, NULL,
			    "stays on vfio-pci after the guest stops; passlaunch gpu attach %s "
			    "gives it back",
			    bdf);
	}
}

/* Looking Glass's memory: the kvmfr device there and large enough. */
static void check_looking_glass(const struct profile *p, struct check_report *r)
{
	uint64_t need = profile_looking_glass_size(p), have;
	_cleanup_free_ char *node = vmpath_kvmfr(p->display.kvmfr);
	_cleanup_free_ char *fix = NULL;
	char size[32];
	struct stat st;

	size_format(need, size, sizeof(size));
	if (p->display.looking_glass == LG_SHM)
		check_add(r, CHECK_PASS, "Looking Glass", NULL,
			  "%s of shared memory in /dev/shm, made for each run", size);
	if (p->display.looking_glass != LG_KVMFR)
		return;
	have = kvmfr_size(p->display.kvmfr);
	fix = xasprintf("%smodprobe kvmfr static_size_mb=%llu",
			have ? "reload Looking Glass's kvmfr module: modprobe -r kvmfr; "
			     : "load Looking Glass's kvmfr module: ",
			(unsigned long long)(need / MiB));
	if (stat(node, &st) < 0 || !S_ISCHR(st.st_mode))
		check_add(r, CHECK_FAIL, "Looking Glass", fix, "%s is not there", node);
	else if (have && have < need)
		check_add(r, CHECK_FAIL, "Looking Glass", fix,
			  "kvmfr%u holds %lluM; %ux%u%s needs %s", p->display.kvmfr,
			  (unsigned long long)(have / MiB), p->display.width, p->display.height,
			  p->display.looking_glass_hdr ? " with HDR" : "", size);
	else
		check_add(r, CHECK_PASS, "Looking Glass", NULL, "%s, %s for %ux%u%s", node, size,
			  p->display.width, p->display.height,
			  p->display.looking_glass_hdr ? " with HDR" : "");
}

/* What `gpu detach` refuses: processes holding the devices' nodes. A
 * warning, as the display-manager hook may be the one to stop them. */
static void check_holders(const struct profile *p, const struct host_facts *f,
			  struct check_report *r)
{
	struct strv passed = {0};
	struct holders held;
	_cleanup_free_ char *who = NULL;

	host_passed_devices(p, f, true, true, &passed);
	holders_find(&passed, &held);
	strv_free(&passed);
	if (!held.n) {
		check_add(r, CHECK_PASS, "device users", NULL,
			  "no process holds the passed devices' nodes");
		return;
	}
	who = holders_describe(&held);
	holders_free(&held);
	check_add(r, CHECK_WARN, "device users",
		  "stop them before the run (a desktop on this GPU: hooks use = display-manager; "
		  "other services and your own units: use = gpu-users), or passlaunch refuses to "
		  "hand the devices over",
		  "%s", who);
}

/* stat(2) of PATH; through sudo or pkexec with the rights of the user
 * behind it, who learns nothing here of what only root may reach (the
 * file's existence, its size): -EACCES then. */
static int probe(const char *path, struct stat *st)
{
	struct trust_req req = {"the file", O_PATH, TRUST_REG | TRUST_BLK | TRUST_CHR | TRUST_DIR,
				false};
	struct passwd *pw = geteuid() == 0 ? invoker_passwd() : NULL;
	struct pl_err err = {0};
	int fd, r;

	if (!pw)
		return stat(path, st) < 0 ? -errno : 0;
	fd = trust_open_as(path, pw->pw_uid, pw->pw_gid, pw->pw_name, &req, &err);
	if (fd == -EPERM || fd == -EACCES)
		return -EACCES;
	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void check_rom(const char *label, const char *rom, const struct pci_addr *addr,
		      struct check_report *r)
{
	_cleanup_free_ char *name = xasprintf("ROM of %s", label);
	char bdf[PCI_ADDR_LEN];
	struct stat st;

	if (rom) {
		if (probe(rom, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    access(rom, R_OK) == 0)
			check_add(r, CHECK_PASS, name, NULL, "%s (%lld bytes)", rom,
				  (long long)st.st_size);
		else
			check_add(r, CHECK_FAIL, name, "give the path of a readable ROM dump",
				  "%s is missing, empty or unreadable", rom);
		return;
	}
	pci_addr_format(addr, bdf);
	if (!pci_exists(bdf))
		return;
	{
		_cleanup_free_ char *path =
		    xasprintf("%s/bus/pci/devices/%s/rom", path_sysfs(), bdf);
		if (access(path, F_OK) == 0)
			check_add(r, CHECK_PASS, name, NULL, "the card exposes its ROM (%s)", path);
		else
			check_add(
			    r, CHECK_WARN, name,
			    "if the guest shows nothing, dump the ROM and give it as [gpu] rom",
			    "%s has no ROM BAR", bdf);
	}
}

/* The card's own ROM (or the one given for it), and each other function's
 * ROM the profile names (an APU's GOP driver on its audio function). */
static void check_gpu_roms(const struct profile_gpu *g, struct check_report *r)
{
	check_rom(g->ref.label, g->rom, &g->address, r);
	for (unsigned fn = 0; fn < 8; fn++) {
		_cleanup_free_ char *label = NULL;
		struct pci_addr addr = g->address;
		if (!g->function_rom[fn] || (fn == g->address.func && g->rom))
			continue;
		addr.func = fn;
		label = xasprintf("%s function %u", g->ref.label, fn);
		check_rom(label, g->function_rom[fn], &addr, r);
	}
}

static void check_cpus(const struct profile *p, struct check_report *r)
{
	struct pin_plan plan = {0};
	struct pl_err err = {0};

	if (pin_plan_make(p, &plan, &err) == 0) {
		if (pin_plan_empty(&plan))
			check_add(r, CHECK_PASS, "CPU pinning", NULL, "none asked for");
		else
			check_add(r, CHECK_PASS, "CPU pinning", NULL, "every CPU named is online");
		for (size_t i = 0; i < plan.reasons.n; i++)
			check_add(r, CHECK_PASS, "CPU pinning", NULL, "%s", plan.reasons.v[i]);
	} else {
		check_add(r, CHECK_FAIL, "CPU pinning", "name CPUs this host has (lscpu -e)", "%s",
			  err.msg);
	}
	pin_plan_free(&plan);
}

/* DEV is DISK, or a partition of it (its parent in sysfs is DISK). */
static bool on_disk(dev_t dev, dev_t disk)
{
	_cleanup_free_ char *block =
	    xasprintf("%s/dev/block/%u:%u", path_sysfs(), major(dev), minor(dev));
	_cleanup_free_ char *partition = xasprintf("%s/partition", block);
	_cleanup_free_ char *parent = xasprintf("%s/../dev", block);
	char text[32];
	unsigned maj, min;

	if (dev == disk)
		return true;
	return access(partition, F_OK) == 0 && sysfs_read_str(parent, text, sizeof(text)) == 0 &&
	       sscanf(text, "%u:%u", &maj, &min) == 2 && makedev(maj, min) == disk;
}

/* The mount whose source is the block device DISK or one of its
 * partitions. Compared by device number: each source is reached by root's
 * walk (a link followed only when it is root's), and the disk's number is
 * the one the user's own open found, never a path root resolved for it. */
static const char *mounted_at(dev_t disk, char *where, size_t len)
{
	_cleanup_free_ char *path = xasprintf("%s/self/mounts", path_procfs());
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct trust_req req = {"a mount's source", O_PATH, TRUST_BLK, false};
	char src[512], dir[512];

	while (f && fscanf(f, "%511s %511s %*[^\n]", src, dir) == 2) {
		struct pl_err err = {0};
		struct stat st;
		_cleanup_close_ int fd = src[0] == '/' ? trust_open(src, &req, &err) : -1;

		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) &&
		    on_disk(st.st_rdev, disk) && snprintf(where, len, "%s on %s", src, dir) >= 0)
			return where;
	}
	return NULL;
}

static void check_disks(const struct profile *p, struct check_report *r)
{
	for (size_t i = 0; i < p->n_disks; i++) {
		const char *src = p->disks[i].source;
		_cleanup_free_ char *name = xasprintf("disk %s", p->disks[i].ref.label);
		char where[1200];
		struct stat st;
		int e = probe(src, &st);
		if (e < 0)
			check_add(r, CHECK_FAIL, name, "correct [disk] source", "%s: %s", src,
				  strerror(-e));
		else if (S_ISBLK(st.st_mode) && mounted_at(st.st_rdev, where, sizeof(where)))
			check_add(r, CHECK_FAIL, name,
				  "unmount it on the host: a disk used by both the host and the "
				  "guest is corrupted",
				  "%s is mounted: %s", src, where);
		else
			check_add(r, CHECK_PASS, name, NULL, "%s", src);
	}
}

/* What `run` refuses before it changes anything (the message has the fix). */
static void check_bridges(const struct profile *p, struct check_report *r)
{
	struct pl_err err = {0};
	size_t n = 0;

	for (size_t i = 0; i < p->n_nets; i++)
		n += p->nets[i].type == NET_BRIDGE;
	if (!n)
		return;
	if (bridge_taps_check(p, &err) == 0)
		check_add(r, CHECK_PASS, "bridge NICs", NULL, "each bridge is there");
	else
		check_add(r, CHECK_FAIL, "bridge NICs", NULL, "%s", err.msg);
}

void check_profile(const struct profile *p, struct check_report *r)
{
	struct host_facts f = {0};
	struct pl_err err = {0};

	if (host_facts_gather(p, &f, &err) < 0) {
		check_add(r, CHECK_FAIL, "profile", "see passlaunch print for the details", "%s",
			  err.msg);
		return;
	}
	check_devices(p, &f, r);
	check_holders(p, &f, r);
	check_reset_choice(p, r);
	check_release(p, r);
	check_looking_glass(p, r);
	for (size_t i = 0; i < p->n_gpus; i++)
		check_gpu_roms(&p->gpus[i], r);
	check_cpus(p, r);
	check_disks(p, r);
	check_bridges(p, r);
	host_facts_free(&f);
}
