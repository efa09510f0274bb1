#include "isolation.h"

#include "base/log.h"
#include "base/paths.h"
#include "isolation_irqs.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char *cgroup_path(const char *rel)
{
	return xasprintf("%s/fs/cgroup%s%s", path_sysfs(), *rel ? "/" : "", rel);
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' '))
			return true;
	return false;
}

static int write_at(int dir, const char *name, const char *text)
{
	_cleanup_close_ int fd =
	    openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	return write(fd, text, len) == (ssize_t)len ? 0 : -EIO;
}

static int subdir(int reg, const char *name)
{
	if (mkdirat(reg, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	return openat(reg, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The registry's directory, locked; root's only, inside root's runtime
 * directory, so nothing in it can be a link another user planted. */
static int registry_lock(struct pl_err *err)
{
	_cleanup_free_ char *dir = xasprintf("%s/isolation", path_runtime());
	int fd;
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno, "cannot open %s: %s", dir, strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return err_set(err, EEXIST, "%s is not a directory of passlaunch's own; remove it",
			       dir);
	}
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return err_set(err, errno, "cannot lock %s: %s", dir, strerror(errno));
	}
	return fd;
}

/* The CPUs every VM in the registry holds, NAME's too when VCPUS is given. */
static int held_cpus(int reg, const char *vm, const struct cpulist *vcpus, struct cpulist *held)
{
	_cleanup_close_ int dfd = subdir(reg, "vms");
	DIR *d;
	struct dirent *e;

	*held = (struct cpulist){0};
	if (dfd < 0 || !(d = fdopendir(dfd)))
		return dfd < 0 ? dfd : -errno;
	dfd = -1;
	while ((e = readdir(d))) {
		char text[4096], why[128];
		struct cpulist one;
		if (e->d_name[0] == '.' || (vcpus && streq(e->d_name, vm)))
			continue;
		if (sysfs_read_at(dirfd(d), e->d_name, text, sizeof(text)) < 0 ||
		    cpulist_parse(text, &one, why, sizeof(why)) < 0)
			continue;
		cpulist_add_all(held, &one);
		cpulist_free(&one);
	}
	closedir(d);
	if (vcpus)
		cpulist_add_all(held, vcpus);
	return 0;
}

/* The online CPUs not in HELD, as the kernel writes lists; NULL on error. */
static char *host_cpus(const struct cpulist *held, struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/devices/system/cpu/online", path_sysfs());
	struct cpulist online, host = {0};
	char text[4096], why[128];
	char *out;

	if (sysfs_read_str(path, text, sizeof(text)) < 0 ||
	    cpulist_parse(text, &online, why, sizeof(why)) < 0) {
		err_set(err, EIO, "cannot read %s", path);
		return NULL;
	}
	for (size_t i = 0; i < online.n; i++)
		if (!cpulist_contains(held, online.cpu[i]))
			cpulist_add(&host, online.cpu[i]);
	cpulist_free(&online);
	if (!host.n) {
		err_set(err, EINVAL,
			"isolate = yes would leave the host no CPU: the vCPUs of the VMs "
			"running take them all; pin this VM's vcpu_pin elsewhere");
		return NULL;
	}
	out = cpulist_format(&host);
	cpulist_free(&host);
	return out;
}

static int enable_cpuset(int reg, struct pl_err *err)
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
	/* Written down before the change, as the journal is. */
	r = write_at(reg, "cpuset-was-off", "");
	if (r == 0)
		r = sysfs_write_str(subtree, "+cpuset");
	return r < 0 ? err_set(err, -r, "cannot enable cpuset in %s: %s", subtree, strerror(-r))
		     : 0;
}

static int confine(int saved, const char *name, const char *cpus, struct pl_err *err)
{
	_cleanup_free_ char *dir = cgroup_path(name);
	_cleanup_free_ char *file = xasprintf("%s/cpuset.cpus", dir);
	char old[4096];
	int r;

	if (sysfs_read_str(file, old, sizeof(old)) < 0)
		return 0; /* not a domain cgroup with cpuset: nothing to confine */
	if (faccessat(saved, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	    (r = write_at(saved, name, old)) < 0)
		return err_set(err, -r, "cannot save the CPUs of %s: %s", dir, strerror(-r));
	r = sysfs_write_str(file, cpus);
	if (r < 0)
		return err_set(err, -r, "cannot confine %s to CPUs %s: %s", dir, cpus,
			       strerror(-r));
	return 0;
}

static int confine_irqs(int reg, const char *cpus, struct pl_err *err)
{
	struct cpulist host;
	char why[128];
	int r = cpulist_parse(cpus, &host, why, sizeof(why));

	if (r == 0)
		r = irqs_confine(reg, &host);
	cpulist_free(&host);
	return r < 0 ? err_set(err, -r, "cannot keep interrupts on CPUs %s: %s", cpus, strerror(-r))
		     : 0;
}

/* Every top-level cgroup but the VMs' own gets CPUS; each one's own list is
 * saved the first time. */
static int confine_host(int reg, const char *cpus, struct pl_err *err)
{
	_cleanup_free_ char *root = cgroup_path("");
	_cleanup_close_ int saved = subdir(reg, "saved");
	DIR *d = opendir(root);
	struct dirent *e;
	int r = 0;

	if (!d)
		return err_set(err, errno, "cannot list %s: %s", root, strerror(errno));
	if (saved < 0)
		r = err_set(err, -saved, "cannot keep the host's CPU lists: %s", strerror(-saved));
	while (r == 0 && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.' ||
		    !strncmp(e->d_name, "passlaunch.", 11))
			continue;
		r = confine(saved, e->d_name, cpus, err);
	}
	closedir(d);
	return r == 0 ? confine_irqs(reg, cpus, err) : r;
}

int cpuset_restore(const char *path, const char *old)
{
	_cleanup_free_ char *parent = NULL;
	const char *file = strrchr(path, '/'), *dir;
	char cpus[4096];
	int r = sysfs_write_str(path, old);

	if (r != -ENOSPC || *old || !file || !(dir = memrchr(path, '/', (size_t)(file - path))))
		return r;
	parent = xasprintf("%.*s/cpuset.cpus.effective", (int)(dir - path), path);
	if (sysfs_read_str(parent, cpus, sizeof(cpus)) < 0)
		return r;
	return sysfs_write_str(path, cpus);
}

/* The cgroup gets its own list back; one that is gone needs nothing. */
static int restore_one(int saved, const char *name)
{
	_cleanup_free_ char *dir = cgroup_path(name);
	_cleanup_free_ char *file = xasprintf("%s/cpuset.cpus", dir);
	char old[4096];
	int r = sysfs_read_at(saved, name, old, sizeof(old));

	if (r == 0) {
		r = cpuset_restore(file, old);
		if (r < 0 && access(dir, F_OK) < 0)
			r = 0;
	}
	if (r < 0) {
		log_error("could not give %s back its CPUs %s: %s", dir, old, strerror(-r));
		return r;
	}
	return unlinkat(saved, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

/* No VM is left: each cgroup its own list, the controller as it was. */
static int restore_host(int reg)
{
	_cleanup_close_ int saved = subdir(reg, "saved");
	_cleanup_free_ char *subtree = cgroup_path("cgroup.subtree_control");
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (saved < 0 || !(d = fdopendir(dup(saved))))
		return saved < 0 ? saved : -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && restore_one(saved, e->d_name) < 0)
			r = -EIO;
	closedir(d);
	if (irqs_restore(reg) < 0)
		r = -EIO;
	if (r < 0 || faccessat(reg, "cpuset-was-off", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return r;
	r = sysfs_write_str(subtree, "-cpuset");
	if (r < 0) {
		log_error("could not turn the cpuset controller off again in %s: %s", subtree,
			  strerror(-r));
		return r;
	}
	return unlinkat(reg, "cpuset-was-off", 0) < 0 && errno != ENOENT ? -errno : 0;
}

/* Under the lock: the CPUs left to the host when no VM in the registry
 * (nor VCPUS, for VM joining) has them; NULL on error. */
static char *rest_cpus(int reg, const char *vm, const struct cpulist *vcpus, struct pl_err *err)
{
	struct cpulist held;
	char *cpus;
	int r = held_cpus(reg, vm, vcpus, &held);

	if (r < 0) {
		err_set(err, -r, "cannot read the VMs' isolated CPUs: %s", strerror(-r));
		return NULL;
	}
	cpus = held.n ? host_cpus(&held, err) : NULL;
	cpulist_free(&held);
	return cpus;
}

int isolation_join(const char *vm, const struct cpulist *vcpus, struct pl_err *err)
{
	_cleanup_close_ int reg = registry_lock(err);
	_cleanup_close_ int vms = -1;
	_cleanup_free_ char *mine = cpulist_format(vcpus);
	_cleanup_free_ char *cpus = NULL;
	int r;

	if (reg < 0)
		return reg;
	/* Refused before anything changes when the host would have no CPU. */
	cpus = rest_cpus(reg, vm, vcpus, err);
	if (!cpus)
		return err_is_set(err) ? -EINVAL : err_set(err, EINVAL, "%s pins no vCPU", vm);
	if ((r = enable_cpuset(reg, err)) < 0)
		return r;
	vms = subdir(reg, "vms");
	if (vms < 0 || (r = write_at(vms, vm, mine)) < 0)
		return err_set(err, vms < 0 ? -vms : -r, "cannot record %s's isolated CPUs", vm);
	r = confine_host(reg, cpus, err);
	if (r == 0)
		log_info("%s: host tasks confined to CPUs %s", vm, cpus);
	return r;
}

int isolation_leave(const char *vm, struct pl_err *err)
{
	_cleanup_close_ int reg = registry_lock(err);
	_cleanup_close_ int vms = -1;
	_cleanup_free_ char *cpus = NULL;
	int r;

	if (reg < 0)
		return reg;
	vms = subdir(reg, "vms");
	if (vms < 0)
		return err_set(err, -vms, "cannot open the isolation registry: %s", strerror(-vms));
	if (unlinkat(vms, vm, 0) < 0 && errno != ENOENT)
		return err_set(err, errno, "cannot take %s out of isolation: %s", vm,
			       strerror(errno));
	cpus = rest_cpus(reg, vm, NULL, err);
	if (cpus) {
		r = confine_host(reg, cpus, err);
		if (r == 0)
			log_info("%s: out of isolation; the VMs still isolated leave the host "
				 "CPUs %s",
				 vm, cpus);
		return r;
	}
	if (err_is_set(err))
		return -EIO;
	r = restore_host(reg);
	return r < 0 ? err_set(err, -r, "the host's CPU lists are not all back") : 0;
}
