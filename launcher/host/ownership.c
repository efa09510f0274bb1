#include "ownership.h"

#include "input_reprobe.h"
#include "node_access.h"

#include "base/log.h"
#include "base/paths.h"
#include "base/trust.h"
#include "profile/vmpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

/* An input device lent to QEMU's user is probed again at the end of the
 * run, which ends what that user opened on it meanwhile. One that cannot be
 * is lent only when its profile allows it (vm/preflight.c says so first). */
static int journal_input(const struct profile_input *in, dev_t rdev, struct journal *j,
			 struct pl_err *err)
{
	_cleanup_free_ char *devpath = NULL;
	int r = input_revocable(rdev, &devpath);

	if (r == 0)
		return journal_input_reprobe(j, rdev, devpath, err);
	if (!in->allow_unrevocable)
		return err_input(err, "[input.%s] evdev = %s: %s", in->ref.label, in->evdev,
				 input_revocable_reason(r));
	log_warn("[input.%s] evdev = %s: %s; lent all the same (allow_unrevocable = yes): what "
		 "QEMU's user opens on it may outlive the run",
		 in->ref.label, in->evdev, input_revocable_reason(r));
	return 0;
}

/* PATH to QEMU's user for the run; IN: the input section it is the evdev of. */
static int give_node(const char *path, const struct profile_input *in, const struct identity *id,
		     struct journal *j, struct pl_err *err)
{
	struct trust_req req = {"a device node", O_PATH, TRUST_CHR, false};
	_cleanup_close_ int fd = trust_open(path, &req, err);
	_cleanup_free_ char *acl = NULL;
	struct stat st;
	int r;

	if (fd == -ENOENT) {
		err_clear(err);
		return 0; /* QEMU will say what is missing */
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return err_set(err, errno, "%s: %s", path, strerror(errno));
	if (st.st_uid == id->uid && st.st_gid == id->gid)
		return 0;
	acl = node_acl_hex(fd);
	r = in ? journal_input(in, st.st_rdev, j, err) : 0;
	if (r == 0)
		r = journal_chown(j, path, &st, acl, err);
	if (r == 0 && fchownat(fd, "", id->uid, id->gid, AT_EMPTY_PATH) < 0)
		return err_set(err, errno, "cannot give %s to %s: %s", path, id->name,
			       strerror(errno));
	return r;
}

static int give_vfio_group(const struct pci_addr *addr, const struct identity *id,
			   struct journal *j, struct pl_err *err)
{
	char bdf[PCI_ADDR_LEN], target[512];
	_cleanup_free_ char *link = NULL;
	_cleanup_free_ char *node = NULL;
	ssize_t n;

	pci_addr_format(addr, bdf);
	link = xasprintf("%s/bus/pci/devices/%s/iommu_group", path_sysfs(), bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0; /* no IOMMU group: QEMU will say so */
	target[n] = '\0';
	node = xasprintf("%s/vfio/%s", path_devfs(), basename(target));
	return give_node(node, NULL, id, j, err);
}

static int give_devices(const struct profile *p, const struct identity *id, struct journal *j,
			struct pl_err *err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_inputs; i++)
		if (p->inputs[i].evdev)
			r = give_node(p->inputs[i].evdev, &p->inputs[i], id, j, err);
	if (r == 0 && p->display.looking_glass == LG_KVMFR) {
		_cleanup_free_ char *kvmfr = vmpath_kvmfr(p->display.kvmfr);
		r = give_node(kvmfr, NULL, id, j, err);
	}
	return r;
}

/* What a root-owned tpm/ holds (a first run, or one of an older passlaunch)
 * goes to the user first: while the directory is root's, nobody else can
 * have put anything in it. Dot-files too. */
static int give_contents(int dir, const struct identity *id, const char *path, struct pl_err *err)
{
	int copy = dup(dir);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	struct dirent *e;
	int r = 0;

	if (!d) {
		if (copy >= 0)
			close(copy);
		return err_set(err, errno, "cannot list %s: %s", path, strerror(errno));
	}
	while (r == 0 && (e = readdir(d))) {
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (fchownat(dir, e->d_name, id->uid, id->gid, AT_SYMLINK_NOFOLLOW) < 0)
			r = err_set(err, errno, "cannot give %s/%s to %s: %s", path, e->d_name,
				    id->name, strerror(errno));
	}
	closedir(d);
	return r;
}

static int give_tpm(const struct profile *p, const struct identity *id, struct pl_err *err)
{
	_cleanup_free_ char *path = vmpath_tpm(p);
	struct trust_req req = {"state_dir", O_PATH, TRUST_DIR, true};
	_cleanup_close_ int state = trust_open(p->vm.state_dir, &req, err);
	_cleanup_close_ int tpm = -1;
	struct stat st;
	int r;

	if (state < 0)
		return state;
	if (mkdirat(state, "tpm", 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", path, strerror(errno));
	tpm = openat(state, "tpm", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tpm < 0 || fstat(tpm, &st) < 0)
		return err_set(err, errno, "%s: %s", path, strerror(errno));
	if (st.st_uid == id->uid)
		return 0;
	if (st.st_uid != 0)
		return err_input(err,
				 "%s belongs to uid %u, but QEMU runs as %s; give it to root "
				 "(chown -R root: %s) and passlaunch hands it over",
				 path, (unsigned)st.st_uid, id->name, path);
	r = give_contents(tpm, id, path, err);
	if (r == 0 && fchown(tpm, id->uid, id->gid) < 0)
		r = err_set(err, errno, "cannot give %s to %s: %s", path, id->name,
			    strerror(errno));
	return r;
}

int ownership_give_groups(const struct profile *p, const struct identity *id, struct journal *j,
			  struct pl_err *err)
{
	int r = 0;

	if (!id->drop)
		return 0;
	/* A GPU's functions share its group (group safety checks that). */
	for (size_t i = 0; r == 0 && i < p->n_gpus; i++)
		r = give_vfio_group(&p->gpus[i].address, id, j, err);
	for (size_t i = 0; r == 0 && i < p->n_pcis; i++)
		r = give_vfio_group(&p->pcis[i].address, id, j, err);
	return r;
}

int ownership_give(const struct profile *p, const struct identity *id, struct journal *j,
		   struct pl_err *err)
{
	int r = 0;

	if (!id->drop)
		return 0;
	if (p->firmware.tpm)
		r = give_tpm(p, id, err);
	if (r == 0)
		r = give_devices(p, id, j, err);
	return r;
}
