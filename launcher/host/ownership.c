#include "ownership.h"

#include "base/paths.h"
#include "profile/vmpath.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <sys/stat.h>

static int give(const char *path, const struct identity *id, struct journal *j, struct pl_err *err)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : err_set(err, errno, "%s: %s", path, strerror(errno));
	if (st.st_uid == id->uid && st.st_gid == id->gid)
		return 0;
	r = journal_chown(j, path, st.st_uid, st.st_gid, err);
	if (r == 0 && chown(path, id->uid, id->gid) < 0)
		return err_set(err, errno, "cannot give %s to %s: %s", path, id->name,
			       strerror(errno));
	return r;
}

/* A directory QEMU's helpers write in (swtpm's state): created if need be,
 * and given back whole, with what was made in it during the run. */
static int give_tree(const char *dir, const struct identity *id, struct journal *j,
		     struct pl_err *err)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	int r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0)
		return err_set(err, errno, "%s: %s", dir, strerror(errno));
	r = journal_chown_tree(j, dir, st.st_uid, st.st_gid, err);
	if (r == 0 && chown(dir, id->uid, id->gid) < 0)
		r = err_set(err, errno, "cannot give %s to %s: %s", dir, id->name, strerror(errno));
	d = r == 0 ? opendir(dir) : NULL;
	while (r == 0 && d && (e = readdir(d))) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && chown(path, id->uid, id->gid) < 0)
			r = err_set(err, errno, "cannot give %s to %s: %s", path, id->name,
				    strerror(errno));
	}
	if (d)
		closedir(d);
	return r;
}

static int give_vfio_group(const struct pci_addr *addr, unsigned func, const struct identity *id,
			   struct journal *j, struct pl_err *err)
{
	struct pci_addr a = *addr;
	char bdf[PCI_ADDR_LEN], target[512];
	_cleanup_free_ char *link = NULL;
	_cleanup_free_ char *node = NULL;
	ssize_t n;

	a.func = func;
	pci_addr_format(&a, bdf);
	link = xasprintf("%s/bus/pci/devices/%s/iommu_group", path_sysfs(), bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0; /* no IOMMU group: QEMU will say so */
	target[n] = '\0';
	node = xasprintf("%s/vfio/%s", path_devfs(), basename(target));
	return give(node, id, j, err);
}

static int give_devices(const struct profile *p, const struct identity *id, struct journal *j,
			struct pl_err *err)
{
	int r = 0;

	/* A GPU's functions share its group (group safety checks that). */
	for (size_t i = 0; r == 0 && i < p->n_gpus; i++)
		r = give_vfio_group(&p->gpus[i].address, p->gpus[i].address.func, id, j, err);
	for (size_t i = 0; r == 0 && i < p->n_pcis; i++)
		r = give_vfio_group(&p->pcis[i].address, p->pcis[i].address.func, id, j, err);
	for (size_t i = 0; r == 0 && i < p->n_inputs; i++)
		r = give(p->inputs[i].evdev, id, j, err);
	return r;
}

int ownership_give(const struct profile *p, const struct identity *id, struct journal *j,
		   struct pl_err *err)
{
	_cleanup_free_ char *vars = vmpath_vars(p);
	_cleanup_free_ char *tpm = vmpath_tpm(p);
	int r;

	if (!id->drop)
		return 0;
	r = give(p->vm.state_dir, id, j, err);
	if (r == 0 && p->firmware.type != FW_BIOS)
		r = give(vars, id, j, err);
	if (r == 0 && p->firmware.tpm)
		r = give_tree(tpm, id, j, err);
	for (size_t i = 0; r == 0 && i < p->n_disks; i++)
		r = give(p->disks[i].source, id, j, err);
	for (size_t i = 0; r == 0 && i < p->n_cdroms; i++)
		r = give(p->cdroms[i].source, id, j, err);
	if (r == 0)
		r = give_devices(p, id, j, err);
	return r;
}
