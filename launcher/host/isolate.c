#include "isolate.h"

#include "base/log.h"
#include "base/paths.h"
#include "sysfs.h"

#include <dirent.h>
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

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' '))
			return true;
	return false;
}

static int enable_cpuset(struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *controllers = cgroup_path("cgroup.controllers");
	_cleanup_free_ char *subtree = cgroup_path("cgroup.subtree_control");
	char list[512];
	int r;

	if (sysfs_read_str(controllers, list, sizeof(list)) < 0)
		return err_set(err, ENOENT,
			       "isolate = yes needs cgroup v2 (the unified hierarchy) mounted at "
			       "%s; boot with systemd.unified_cgroup_hierarchy=1",
			       controllers);
	if (!has_word(list, "cpuset"))
		return err_set(err, ENOTSUP, "isolate = yes needs the cpuset controller: %s has %s",
			       controllers, list);
	if (sysfs_read_str(subtree, list, sizeof(list)) == 0 && has_word(list, "cpuset"))
		return 0;
	r = journal_sysfs_write(j, subtree, "-cpuset", err);
	if (r == 0 && (r = sysfs_write_str(subtree, "+cpuset")) < 0)
		return err_set(err, -r, "cannot enable cpuset in %s: %s", subtree, strerror(-r));
	return r;
}

static int create_vm_cgroup(const struct profile *p, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *dir = vm_cgroup(p);
	int r = journal_created(j, dir, err);

	if (r == 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create the cgroup %s: %s", dir, strerror(errno));
	return r;
}

static char *host_cpus(const struct pin_plan *plan, struct pl_err *err)
{
	struct cpulist host = {0};
	char *out;

	if (pin_host_cpus(plan, &host) < 0) {
		err_set(err, EIO, "cannot read %s/devices/system/cpu/online", path_sysfs());
		return NULL;
	}
	if (!host.n) {
		err_set(err, EINVAL,
			"isolate = yes would leave the host no CPU: vcpu_pin takes them all");
		return NULL;
	}
	out = cpulist_format(&host);
	cpulist_free(&host);
	return out;
}

static int confine(const char *dir, const char *cpus, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *file = xasprintf("%s/cpuset.cpus", dir);
	char old[4096];
	int r;

	if (sysfs_read_str(file, old, sizeof(old)) < 0)
		return 0; /* not a domain cgroup with cpuset: nothing to confine */
	r = journal_cpuset(j, file, old, err);
	if (r == 0 && (r = sysfs_write_str(file, cpus)) < 0)
		return err_set(err, -r, "cannot confine %s to CPUs %s: %s", dir, cpus,
			       strerror(-r));
	return r;
}

static int confine_others(const struct profile *p, const char *cpus, struct journal *j,
			  struct pl_err *err)
{
	_cleanup_free_ char *root = cgroup_path("");
	_cleanup_free_ char *mine = xasprintf("passlaunch.%s", p->vm.name);
	DIR *d = opendir(root);
	struct dirent *e;
	int r = 0;

	if (!d)
		return err_set(err, errno, "cannot list %s: %s", root, strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		_cleanup_free_ char *dir = xasprintf("%s/%s", root, e->d_name);
		if (e->d_type != DT_DIR || e->d_name[0] == '.' || streq(e->d_name, mine))
			continue;
		r = confine(dir, cpus, j, err);
	}
	closedir(d);
	return r;
}

int isolate_prepare(const struct profile *p, const struct pin_plan *plan, struct journal *j,
		    struct pl_err *err)
{
	_cleanup_free_ char *cpus = NULL;
	int r;

	if (!p->cpu.isolate)
		return 0;
	cpus = host_cpus(plan, err);
	if (!cpus)
		return -EINVAL;
	r = enable_cpuset(j, err);
	if (r == 0)
		r = create_vm_cgroup(p, j, err);
	if (r == 0)
		r = confine_others(p, cpus, j, err);
	if (r == 0)
		log_info("%s: host tasks confined to CPUs %s", p->vm.name, cpus);
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
