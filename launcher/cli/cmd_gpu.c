#include "cmd_gpu.h"

#include "base/clock.h"
#include "host/journal.h"
#include "profile/profile_values.h"
#include "base/log.h"
#include "base/paths.h"
#include "host/holders.h"
#include "gpu_options.h"
#include "host/pci_rebar.h"
#include "host/pci_rebind.h"
#include "host/pci_sysfs.h"
#include "base/pciaddr.h"
#include "vm/runstate.h"
#include "host/sysfs.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>

static int normalize(int argc, char **argv, struct strv *bdfs, struct pl_err *err)
{
	for (int i = 0; i < argc; i++) {
		struct pci_addr a;
		const char *why;
		char bdf[PCI_ADDR_LEN];
		if (pci_addr_parse(argv[i], &a, &why) < 0)
			return err_input(err,
					 "%s: %s; give DOMAIN:BUS:SLOT.FUNCTION as lspci -D "
					 "shows it",
					 argv[i], why);
		pci_addr_format(&a, bdf);
		if (!pci_exists(bdf))
			return err_input(err, "%s: no such PCI device on this host (lspci -D)",
					 bdf);
		if (!strv_contains(bdfs, bdf))
			strv_push(bdfs, bdf);
	}
	return 0;
}

/* Every device of each named device's IOMMU group must be named too (bridges
 * aside): vfio takes whole groups. Checked before anything changes. */
static int check_groups(const struct strv *bdfs, struct pl_err *err)
{
	for (size_t i = 0; i < bdfs->n; i++) {
		int group = pci_iommu_group(bdfs->v[i]);
		struct strv members = {0};
		int r = 0;
		if (group < 0)
			return err_set(
			    err, ENODEV,
			    "vfio: %s has no IOMMU group: is the IOMMU on? (intel_iommu=on "
			    "or amd_iommu=on on the kernel command line, and VT-d / AMD-Vi "
			    "in the firmware setup)",
			    bdfs->v[i]);
		pci_group_devices(group, &members);
		for (size_t m = 0; r == 0 && m < members.n; m++) {
			char desc[128];
			if (strv_contains(bdfs, members.v[m]) || pci_is_bridge(members.v[m]))
				continue;
			pci_describe(members.v[m], desc, sizeof(desc));
			r = err_input(
			    err,
			    "vfio: IOMMU group %d of %s also holds %s (%s), which is not "
			    "passed; pass it too (a GPU's functions = all, or a [pci] "
			    "section), or move the card to a slot with a group of its own",
			    group, bdfs->v[i], members.v[m], desc);
		}
		strv_free(&members);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The driver_override someone set before (to keep a driver off the device),
 * or "" when there is none to give back. */
static void earlier_override(const char *bdf, char *old, size_t len)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "driver_override");

	if (sysfs_read_str(path, old, len) < 0 || streq(old, "(null)") || streq(old, "vfio-pci"))
		*old = '\0';
}

/* An earlier override comes back after the driver does: recorded first, it
 * is replayed last. */
static int journal_override(const char *bdf, const char *old, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "driver_override");

	return *old ? journal_sysfs_write(j, path, old, err) : 0;
}

static int save_driver(const char *bdf, const char *driver, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *dir = xasprintf("%s/devices", path_runtime());
	_cleanup_free_ char *path = pci_saved_driver_path(bdf);
	char override[64];
	FILE *f;

	if (runtime_dir_create(err) < 0)
		return -EIO;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	earlier_override(bdf, override, sizeof(override));
	if (j->fd >= 0 && (journal_override(bdf, override, j, err) < 0 ||
			   journal_driver(j, bdf, driver, err) < 0))
		return -EIO;
	/* A second detach must not forget the first driver: "x" never replaces. */
	f = fopen(path, "wxe");
	if (!f)
		return errno == EEXIST ? 0
				       : err_set(err, errno, "cannot record %s's driver in %s: %s",
						 bdf, path, strerror(errno));
	/* The driver, then the override to put back after it, if any. */
	fprintf(f, "%s\n%s%s", driver, override, *override ? "\n" : "");
	if (fclose(f) != 0)
		return err_set(err, errno, "cannot record %s's driver in %s", bdf, path);
	return 0;
}

static int wait_vfio_node(int group, struct pl_err *err)
{
	_cleanup_free_ char *node = xasprintf("%s/vfio/%d", path_devfs(), group);
	uint64_t deadline = clock_ms() + PCI_BIND_TIMEOUT_MS;

	while (access(node, F_OK) < 0) {
		if (clock_ms() >= deadline)
			return err_set(err, ETIMEDOUT, "vfio: %s did not appear within %d s", node,
				       PCI_BIND_TIMEOUT_MS / 1000);
		clock_wait_ms(10);
	}
	return 0;
}

/* Inside a run (a hook), the run's journal learns each driver too, so that
 * `recover` gives the devices back after a crash. PASSLAUNCH_VM may come
 * from a caller's environment (sudo -E): only a VM's name, so the journal
 * is in root's run directory, and only root's regular file. */
static void open_run_journal(struct journal *j)
{
	const char *vm = getenv("PASSLAUNCH_VM");
	_cleanup_free_ char *path = vm && vm_name_valid(vm) ? vmpath_journal(vm) : NULL;
	struct pl_err ignored = {0};

	*j = (struct journal){.fd = -1};
	if (path)
		journal_open_append(j, path, &ignored);
}

/* A driver's unbind waits for every user of the device: those still
 * holding one are named, and nothing is changed. */
static int check_holders(const struct strv *bdfs, struct pl_err *err)
{
	struct strv moving = {0};
	struct holders held;
	_cleanup_free_ char *who = NULL;

	for (size_t i = 0; i < bdfs->n; i++) {
		char driver[64];
		pci_driver(bdfs->v[i], driver, sizeof(driver));
		if (!streq(driver, "vfio-pci"))
			strv_push(&moving, bdfs->v[i]);
	}
	holders_find(&moving, &held);
	strv_free(&moving);
	if (!held.n)
		return 0;
	who = holders_describe(&held);
	holders_free(&held);
	return err_set(err, EBUSY,
		       "vfio: the devices are in use, and their drivers would wait for them: %s. "
		       "Stop these first (a desktop on this GPU: the display-manager hook; other "
		       "services and your own units: the gpu-users hook), then try again",
		       who);
}

static int mark_kept(const char *bdf, struct pl_err *err)
{
	_cleanup_free_ char *path = pci_kept_path(bdf);
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return err_set(err, errno, "cannot mark %s kept on vfio-pci (%s): %s", bdf, path,
			       strerror(errno));
	close(fd);
	return 0;
}

/* The sizes --rebar gives bdf; NULL: none. */
static const struct rebar_sizes *sizes_for(const struct detach_options *o, const char *bdf,
					   struct rebar_sizes *buf)
{
	char why[256];

	for (size_t i = 0; i < o->rebar_bdfs.n; i++)
		if (streq(o->rebar_bdfs.v[i], bdf))
			return rebar_spec_parse(o->rebar_sizes.v[i], buf, why) == 0 ? buf : NULL;
	return NULL;
}

/* Saves the driver (and the BAR sizes to give back), then moves the
 * device, resizing its BARs while no driver has it. */
static int detach_one(const char *bdf, const char *driver, const struct detach_options *o,
		      struct journal *j, struct pl_err *err)
{
	struct rebar_sizes buf;
	const struct rebar_sizes *sizes = sizes_for(o, bdf, &buf);
	char text[96];
	int r = save_driver(bdf, driver, j, err);

	if (r == 0 && sizes)
		r = pci_rebar_save(bdf, sizes, err);
	if (r == 0)
		r = pci_rebind_resizing(bdf, "vfio-pci", sizes, err);
	if (r == 0 && sizes) {
		rebar_spec_format(sizes, text, sizeof(text));
		log_info("vfio: %s's BARs resized to %s", bdf, text);
	}
	/* Kept only once it is there: a device that did not reach vfio-pci
	 * is given back by the run's journal like any other. */
	if (r == 0 && strv_contains(&o->kept, bdf))
		r = mark_kept(bdf, err);
	return r > 0 ? -EIO : r;
}

static int detach(const struct strv *bdfs, const struct detach_options *o, struct pl_err *err)
{

	struct journal j;
	int r = check_groups(bdfs, err);

	if (r == 0)
		r = check_holders(bdfs, err);

	open_run_journal(&j);
	for (size_t i = 0; r == 0 && i < bdfs->n; i++) {
		char driver[64];
		uint64_t start = clock_ms();
		pci_driver(bdfs->v[i], driver, sizeof(driver));
		if (streq(driver, "vfio-pci")) {
			log_info("vfio: %s is on vfio-pci already%s", bdfs->v[i],
				 strv_contains(&o->rebar_bdfs, bdfs->v[i])
				     ? "; its BARs keep the sizes they have"
				     : "");
			continue;
		}
		r = detach_one(bdfs->v[i], driver, o, &j, err);
		if (r == 0)
			log_info("vfio: %s from %s to vfio-pci in %llu ms", bdfs->v[i],
				 *driver ? driver : "no driver",
				 (unsigned long long)(clock_ms() - start));
	}
	for (size_t i = 0; r == 0 && i < bdfs->n; i++)
		r = wait_vfio_node(pci_iommu_group(bdfs->v[i]), err);
	journal_close(&j);
	return r;
}

/* The saved "DRIVER\nOVERRIDE\n" (no file: "" for both). */
static void read_saved(const char *path, char *driver, char *override, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");

	*driver = *override = '\0';
	if (!f || !fgets(driver, (int)len, f))
		return;
	driver[strcspn(driver, "\n")] = '\0';
	if (fgets(override, (int)len, f))
		override[strcspn(override, "\n")] = '\0';
}

static void restore_override(const char *bdf, const char *override)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "driver_override");
	int r = *override ? sysfs_write_str(path, override) : 0;

	if (r < 0)
		log_error("vfio: cannot give %s back its driver_override %s: %s", bdf, override,
			  strerror(-r));
}

/* What detach kept of a device: its driver, BAR sizes and kept mark. */
static void forget_device(const char *bdf)
{
	_cleanup_free_ char *path = pci_saved_driver_path(bdf);
	_cleanup_free_ char *rebar = xasprintf("%s.rebar", path);
	_cleanup_free_ char *kept = pci_kept_path(bdf);

	unlink(path);
	unlink(rebar);
	unlink(kept);
}

static int attach_one(const char *bdf, struct pl_err *err)
{
	_cleanup_free_ char *path = pci_saved_driver_path(bdf);
	char driver[64], override[64], now[64];

	int r;

	read_saved(path, driver, override, sizeof(driver));
	pci_driver(bdf, now, sizeof(now));
	/* Given back already (by the run's journal, before its hooks). */
	if (*now && !streq(now, "vfio-pci") && (!*driver || streq(now, driver))) {
		forget_device(bdf);
		log_info("vfio: %s is on %s already", bdf, now);
		return 0;
	}
	r = pci_rebind_restoring(bdf, driver, err);
	if (r < 0)
		return -EIO;
	/* Back on its driver, even when a BAR kept its size (r = 1). */
	restore_override(bdf, override);
	forget_device(bdf);
	pci_driver(bdf, driver, sizeof(driver));
	log_info("vfio: %s from %s to %s", bdf, *now ? now : "no driver",
		 *driver ? driver : "no driver");
	return r ? -EIO : 0;
}

static int attach(const struct strv *bdfs, struct pl_err *err)
{
	int r = 0;

	/* Every device is tried: one that fails must not keep the others away
	 * from their drivers. */
	for (size_t i = 0; i < bdfs->n; i++) {
		struct pl_err one = {0};
		if (attach_one(bdfs->v[i], &one) < 0) {
			log_error("%s", one.msg);
			if (!r)
				*err = one;
			r = -EIO;
		}
	}
	return r;
}

/* One line a holder, tab-separated, for the gpu-users hook: KIND (system,
 * core: a system service never to stop, user or other), the unit's user ("-" but for user), the
 * unit (for other, where it runs, or "-"), PID, command, node. */
static int users(const struct strv *bdfs)
{
	struct holders held;

	holders_find(bdfs, &held);
	for (size_t i = 0; i < held.n; i++) {
		const struct holder *h = &held.h[i];
		const char *kind = h->owner.kind == UNIT_USER	  ? "user"
				   : h->owner.kind != UNIT_SYSTEM ? "other"
				   : unit_is_core(h->owner.name)  ? "core"
								  : "system";
		char user[64] = "-";
		if (h->owner.kind == UNIT_USER) {
			struct passwd *pw = getpwuid(h->owner.uid);
			snprintf(user, sizeof(user), "%s", pw ? pw->pw_name : "");
			if (!pw)
				snprintf(user, sizeof(user), "%u", (unsigned)h->owner.uid);
		}
		printf("%s\t%s\t%s\t%d\t%s\t/dev/%s\n", kind, user,
		       h->owner.kind != UNIT_NONE ? h->owner.name : (h->unit ? h->unit : "-"),
		       (int)h->pid, h->comm, h->node);
	}
	holders_free(&held);
	return 0;
}

#define USAGE                                                                                      \
	"usage: passlaunch gpu detach [--keep BDFS] [--rebar BDF=BAR:SIZE,...] BDF... | attach "   \
	"BDF... | users BDF..."

int cmd_gpu(int argc, char **argv, struct pl_err *err)
{
	struct strv bdfs = {0};
	struct detach_options o = {0};
	bool detaching;
	int r;

	if (argc < 3 ||
	    (!streq(argv[1], "detach") && !streq(argv[1], "attach") && !streq(argv[1], "users")))
		return err_input(err, USAGE);
	detaching = streq(argv[1], "detach");
	r = detaching ? detach_options_parse(&argc, &argv, &o, err) : 0;
	if (r == 0 && argc < 3)
		r = err_input(err, USAGE);
	if (r == 0)
		r = normalize(argc - 2, argv + 2, &bdfs, err);
	if (r == 0 && detaching)
		r = detach_options_check(&bdfs, &o, err);
	if (r == 0 && streq(argv[1], "users"))
		r = users(&bdfs);
	else if (r == 0)
		r = detaching ? detach(&bdfs, &o, err) : attach(&bdfs, err);
	strv_free(&bdfs);
	detach_options_free(&o);
	return r;
}
