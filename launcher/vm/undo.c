#include "undo.h"

#include "base/log.h"
#include "base/trust.h"
#include "hook_exec.h"
#include "hooks.h"
#include "host/bridge.h"
#include "host/input_reprobe.h"
#include "host/isolation.h"
#include "host/macvtap.h"
#include "host/node_access.h"
#include "host/journal.h"
#include "host/pci_rebar.h"
#include "host/pci_rebind.h"
#include "host/pci_sysfs.h"
#include "host/procs.h"
#include "host/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int undo_process(const char *id, const char *what)
{
	int pid = 0;
	unsigned long long start = 0;

	if (sscanf(id, "%d:%llu", &pid, &start) != 2 || pid <= 0)
		return -EINVAL;
	/* The same PID with another start time is another process: leave it. */
	if (proc_start_time(pid) != start)
		return 0;
	log_info("ending %s (PID %d) left from the run", what, pid);
	return proc_terminate(pid, 5000);
}

static int undo_isolation(const char *vm)
{
	struct pl_err err = {0};
	int r = isolation_leave(vm, &err);

	if (r < 0)
		log_error("%s", err.msg);
	return r;
}

/* "chown PATH DEV:INO UID:GID MODE ACL": the owner back, then the mode and
 * ACL its owner for the run may have changed, on the same file only. An
 * entry of an older passlaunch (no DEV:INO) named its file by a path that
 * QEMU's user could change: it is dropped with a warning. */
static int undo_chown(char **f, size_t n)
{
	struct trust_req req = {"a device node", O_PATH, TRUST_CHR | TRUST_BLK | TRUST_REG, false};
	unsigned long long dev, ino;
	unsigned uid, gid, mode;
	struct pl_err err = {0};
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (n < 3 || sscanf(f[1], "%llu:%llu", &dev, &ino) != 2 ||
	    sscanf(f[2], "%u:%u", &uid, &gid) != 2) {
		log_warn("not giving back the owner of %s: the journal entry is of an older "
			 "passlaunch and names no file; check it by hand",
			 n ? f[0] : "?");
		return 0;
	}
	fd = trust_open(f[0], &req, &err);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		log_error("%s", err.msg);
		return fd;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != dev || st.st_ino != ino) {
		log_warn("not giving back the owner of %s: it is another file than the one "
			 "passlaunch changed",
			 f[0]);
		return 0;
	}
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return -errno;
	if (n < 5 || sscanf(f[3], "%o", &mode) != 1)
		return 0; /* an entry of an older passlaunch: the owner only */
	r = node_access_restore(fd, mode, f[4]);
	if (r < 0 || !S_ISCHR(st.st_mode))
		return r;
	/* The ACL as it was may name a user the seat has passed from since. */
	r = node_rules_apply(st.st_rdev);
	if (r < 0)
		log_warn("%s: udev was not asked to apply its rules again (the seat's ACL): %s",
			 f[0], strerror(-r));
	return 0;
}

/* "hugepages PATH N": N pages fewer than the pool holds now (never below 0). */
static int undo_hugepages(const char *path, const char *added)
{
	unsigned long nr;
	long n;
	char text[32];
	int r;

	if (sscanf(added, "%ld", &n) != 1)
		return -EINVAL;
	r = sysfs_read_ulong(path, &nr);
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), "%lu",
		 n > 0 && (unsigned long)n > nr ? 0 : (unsigned long)((long)nr - n));
	return sysfs_write_str(path, text);
}

/* "governor PATH OLD NEW": OLD back, unless something else changed it since. */
static int undo_governor(char **f, size_t n)
{
	char now[64];

	if (n < 3)
		return -EINVAL;
	if (sysfs_read_str(f[0], now, sizeof(now)) < 0 || !streq(now, f[2])) {
		log_info("the governor at %s is no longer %s; left as it is", f[0], f[2]);
		return 0;
	}
	return sysfs_write_str(f[0], f[1]);
}

/* The device's driver back; `gpu attach` has nothing left to do for it.
 * One the run keeps (release = vfio) stays while it is on vfio-pci. */
static int undo_driver(const char *bdf, const char *driver)
{
	_cleanup_free_ char *saved = pci_saved_driver_path(bdf);
	_cleanup_free_ char *kept = pci_kept_path(bdf);
	struct pl_err err = {0};
	char now[64];
	int r;

	pci_driver(bdf, now, sizeof(now));
	if (streq(now, "vfio-pci") && access(kept, F_OK) == 0) {
		log_info("%s stays on vfio-pci (release = vfio); passlaunch gpu attach %s gives it "
			 "back",
			 bdf, bdf);
		return 0;
	}
	r = pci_rebind_restoring(bdf, driver, &err);
	if (r != 0)
		log_error("%s", err.msg);
	if (r >= 0) {
		unlink(saved);
		unlink(kept);
	}
	return r < 0 ? r : 0;
}

/* "hook NAME PATH VM TIMEOUT ENV...": the hook's release. */
static int undo_hook(char **f, size_t n, char *const *extra_env)
{
	struct strv env = {0};
	struct pl_err err = {0};
	const char *needless;
	unsigned timeout;
	int r;

	if (n < 4 || sscanf(f[3], "%u", &timeout) != 1)
		return -EINVAL;
	for (size_t i = 4; i < n; i++)
		strv_push(&env, f[i]);
	for (size_t i = 0; extra_env && extra_env[i]; i++) {
		char *eq = strchr(extra_env[i], '=');
		_cleanup_free_ char *name = xstrndup(extra_env[i], (size_t)(eq - extra_env[i]));
		strv_set_env(&env, name, eq + 1);
	}
	needless = hooks_release_needless(f[0], f[1], env.v);
	if (needless) {
		log_info("%s: hook %s: not started for its release: %s", f[2], f[0], needless);
		strv_free(&env);
		return 0;
	}
	log_info("%s: hook %s: release", f[2], f[0]);
	r = hook_exec(&(struct hook_call){f[0], f[1], f[2], "release", env.v, timeout}, &err);
	if (r < 0)
		log_error("%s", err.msg);
	strv_free(&env);
	return r;
}

/* A file or device that is gone has nothing left to restore: its entry
 * would otherwise stay, and keep the VM from starting, for ever. */
static int gone_is_done(int r)
{
	return r == -ENOENT || r == -ENODEV ? 0 : r;
}

static int undo_entry(const char *action, char **f, size_t n, char *const *extra_env)
{
	const char *a = n > 0 ? f[0] : "";
	const char *b = n > 1 ? f[1] : "";

	if (streq(action, "hook"))
		return undo_hook(f, n, extra_env);
	if (!n)
		return -EINVAL;
	if (streq(action, "write"))
		return sysfs_write_str(a, b);
	if (streq(action, "hugepages"))
		return undo_hugepages(a, b);
	if (streq(action, "governor"))
		return undo_governor(f, n);
	if (streq(action, "process"))
		return undo_process(a, b);
	if (streq(action, "cpuset"))
		return cpuset_restore(a, b);
	if (streq(action, "isolate"))
		return undo_isolation(a);
	if (streq(action, "chown") || streq(action, "chown-tree"))
		return undo_chown(f, n);
	if (streq(action, "driver"))
		return undo_driver(a, b);
	if (streq(action, "reprobe"))
		return input_reprobe(a, b);
	if (streq(action, "bridge"))
		return bridge_remove_unused(a);
	if (streq(action, "macvtap"))
		return macvtap_delete(a);
	if (streq(action, "created")) {
		if (unlink(a) == 0 || errno == ENOENT)
			return 0;
		if (errno == EISDIR && (rmdir(a) == 0 || errno == ENOENT))
			return 0;
		return -errno;
	}
	return -EINVAL;
}

static int undo(const char *action, char **f, size_t n, char *const *extra_env)
{
	return streq(action, "hook") ? undo_entry(action, f, n, extra_env)
				     : gone_is_done(undo_entry(action, f, n, extra_env));
}

static void log_failure(const struct journal_entry *e, int u)
{
	/* A hook's entry carries its environment: its name says enough. */
	bool second = e->n > 1 && !streq(e->action, "hook");

	log_error("could not undo: %s %s%s%s: %s", e->action, e->n ? e->field[0] : "",
		  second ? " " : "", second ? e->field[1] : "", strerror(-u));
}

int undo_replay(const char *path, char *const *extra_env)
{
	struct journal_entry *entries;
	const struct journal_entry **failed;
	size_t n, n_failed = 0;
	int r = journal_read(path, &entries, &n);

	if (r < 0) {
		log_error("cannot read the undo journal %s: %s", path, strerror(-r));
		return r;
	}
	failed = xcalloc(n ? n : 1, sizeof(*failed));
	/* The run's processes end first: QEMU starts while the last hooks
	 * prepare, so a hook journaled after it must not be released while
	 * QEMU may still hold the devices. Then the rest, newest first. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = n; i-- > 0;) {
			int u;
			if (streq(entries[i].action, "process") != (pass == 0))
				continue;
			u = undo(entries[i].action, entries[i].field, entries[i].n, extra_env);
			if (u < 0) {
				log_failure(&entries[i], u);
				failed[i] = &entries[i];
			}
		}
	/* Written back oldest first, as they were recorded. */
	for (size_t i = 0; i < n; i++)
		if (failed[i])
			failed[n_failed++] = failed[i];
	r = journal_rewrite(path, failed, n_failed);
	journal_entries_free(entries, n);
	free(failed);
	if (r < 0)
		log_error("cannot update the undo journal %s: %s", path, strerror(-r));
	return n_failed ? -EIO : r;
}
