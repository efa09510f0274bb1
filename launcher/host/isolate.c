#include "isolate.h"

#include "base/paths.h"
#include "isolation.h"
#include "sysfs.h"

#include <errno.h>
#include <sys/stat.h>

static char *cgroup_path(const char *rel)
{
	return xasprintf("%s/fs/cgroup%s%s", path_sysfs(), *rel ? "/" : "", rel);
}

static char *vm_cgroup(const struct profile *p)
{
	_cleanup_free_ char *name = xasprintf("passlaunch.%s", p->vm.name);
	return cgroup_path(name);
}

static int create_vm_cgroup(const struct profile *p, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *dir = vm_cgroup(p);
	int r = journal_created(j, dir, err);

	if (r == 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create the cgroup %s: %s", dir, strerror(errno));
	return r;
}

int isolate_prepare(const struct profile *p, const struct pin_plan *plan, struct journal *j,
		    struct pl_err *err)
{
	int r;

	if (!p->cpu.isolate)
		return 0;
	r = journal_isolation(j, p->vm.name, err);
	if (r == 0)
		r = isolation_join(p->vm.name, &plan->vcpu, err);
	if (r == 0)
		r = create_vm_cgroup(p, j, err);
	return r;
}

int isolate_adopt(const struct profile *p, pid_t qemu, struct pl_err *err)
{
	_cleanup_free_ char *dir = vm_cgroup(p);
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir);
	char pid[32];
	int r;

	if (!p->cpu.isolate)
		return 0;
	snprintf(pid, sizeof(pid), "%d", (int)qemu);
	r = sysfs_write_str(procs, pid);
	if (r < 0)
		return err_set(err, -r, "cannot move QEMU into %s: %s", dir, strerror(-r));
	return 0;
}
