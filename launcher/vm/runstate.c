#include "runstate.h"

#include "base/paths.h"
#include "profile/vmpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>

/* Root's, and only passed through by others (0711): QEMU's user reaches
 * its own qemu/ below; nobody else lists or opens what is there. */
static int make_private_dir(const char *dir, struct pl_err *err)
{
	struct stat st;

	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return err_set(err, errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return err_set(err, EEXIST, "%s is not a directory of passlaunch's own; remove it",
			       dir);
	if ((st.st_mode & 07777) != 0711 && chmod(dir, 0711) < 0)
		return err_set(err, errno, "%s: %s", dir, strerror(errno));
	return 0;
}

int runtime_dir_create(struct pl_err *err)
{
	return make_private_dir(path_runtime(), err);
}

int runstate_create_dir(const char *vm, struct pl_err *err)
{
	_cleanup_free_ char *dir = vmpath_run_dir(vm);
	int r = runtime_dir_create(err);

	return r < 0 ? r : make_private_dir(dir, err);
}

/* QEMU's sockets live in a directory of their own that QEMU's user owns;
 * the journal and state.json stay beside it, where only root can write. */
int runstate_create_qemu_dir(const char *vm, uid_t uid, gid_t gid, struct pl_err *err)
{
	_cleanup_free_ char *dir = vmpath_qemu_dir(vm);

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", dir, strerror(errno));
	if (chown(dir, uid, gid) < 0)
		return err_set(err, errno, "cannot give %s to QEMU's user: %s", dir,
			       strerror(errno));
	return 0;
}

static json_object *gpu_list(const struct profile *p)
{
	json_object *gpus = json_object_new_array();

	for (size_t i = 0; i < p->n_gpus; i++) {
		char addr[PCI_ADDR_LEN];
		pci_addr_format(&p->gpus[i].address, addr);
		json_object_array_add(gpus, json_object_new_string(addr));
	}
	return gpus;
}

static json_object *cpus(const struct cpulist *list)
{
	_cleanup_free_ char *text = cpulist_format(list);
	return json_object_new_string(text);
}

int runstate_write(const struct profile *p, pid_t qemu, const struct pin_plan *plan,
		   struct pl_err *err)
{
	_cleanup_free_ char *path = vmpath_state(p->vm.name);
	_cleanup_free_ char *tmp = xasprintf("%s.new", path);
	json_object *o = json_object_new_object();
	int r = 0;

	json_object_object_add(o, "name", json_object_new_string(p->vm.name));
	json_object_object_add(o, "profile", json_object_new_string(p->path));
	json_object_object_add(o, "launcher_pid", json_object_new_int(getpid()));
	json_object_object_add(o, "qemu_pid", json_object_new_int(qemu));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "vcpu_pin", cpus(&plan->vcpu));
	json_object_object_add(o, "emulator_pin", cpus(&plan->emulator));
	json_object_object_add(o, "iothread_pin", cpus(&plan->iothread));
	json_object_object_add(o, "gpus", gpu_list(p));
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) < 0 || chmod(tmp, 0600) < 0 ||
	    rename(tmp, path) < 0)
		r = err_set(err, errno ? errno : EIO, "cannot write %s", path);
	json_object_put(o);
	return r;
}

json_object *runstate_read(const char *vm)
{
	_cleanup_free_ char *path = vmpath_state(vm);
	return access(path, F_OK) == 0 ? json_object_from_file(path) : NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* QEMU's user's directory: what is in it goes through the directory's
 * descriptor, never by a path that user could have turned into a link. */
static void remove_qemu_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (!streq(e->d_name, ".") && !streq(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(path);
}

void runstate_remove_hook_state(const char *vm)
{
	_cleanup_free_ char *hooks = vmpath_hooks(vm);

	nftw(hooks, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void runstate_remove(const char *vm)
{
	char *(*const files[])(const char *) = {vmpath_qmp, vmpath_client, vmpath_serial,
						vmpath_state};
	_cleanup_free_ char *dir = vmpath_run_dir(vm);
	_cleanup_free_ char *qemu_dir = vmpath_qemu_dir(vm);

	runstate_remove_hook_state(vm);
	for (size_t i = 0; i < N_ELEMENTS(files); i++) {
		_cleanup_free_ char *path = files[i](vm);
		unlink(path);
	}
	remove_qemu_dir(qemu_dir);
	rmdir(dir);
}
