#include "journal.h"

#include "vm/hook_exec.h"
#include "base/log.h"
#include "pci_rebind.h"
#include "pci_sysfs.h"
#include "procs.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* One entry a line: ACTION TAB ARG TAB ARG..., each field %-escaped. */

static char *escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\n' || *s == '\r')
			o += sprintf(o, "%%%02X", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned v;
		if (*s == '%' && sscanf(s + 1, "%2X", &v) == 1) {
			*o++ = (char)v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

bool journal_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 0;
}

int journal_open(struct journal *j, const char *path, const char *vm, struct pl_err *err)
{
	*j = (struct journal){.fd = -1};
	if (journal_exists(path))
		return err_set(err, EEXIST,
			       "%s: a previous run of %s did not give the host back completely "
			       "(the undo journal %s is not empty); run: passlaunch recover %s",
			       vm, vm, path, vm);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return err_set(err, errno, "cannot create the undo journal %s: %s", path,
			       strerror(errno));
	j->path = xstrdup(path);
	return 0;
}

int journal_open_append(struct journal *j, const char *path, struct pl_err *err)
{
	*j = (struct journal){.fd = -1};
	j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0)
		return err_set(err, errno, "cannot open the undo journal %s: %s", path,
			       strerror(errno));
	j->path = xstrdup(path);
	return 0;
}

static int append_fields(struct journal *j, const char *action, const char *const *fields, size_t n,
			 struct pl_err *err)
{
	_cleanup_free_ char *line = xstrdup(action);
	size_t len;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *e = escape(fields[i] ? fields[i] : "");
		char *longer = xasprintf("%s\t%s", line, e);
		free(line);
		line = longer;
	}
	len = strlen(line) + 1;
	line[len - 1] = '\n';
	/* Durable before the change is made: a crash right after the change
	 * must find it written down. */
	if (write(j->fd, line, len) != (ssize_t)len || fdatasync(j->fd) < 0)
		return err_set(err, errno ? errno : EIO,
			       "cannot write the undo journal %s: %s; nothing was changed for "
			       "this step",
			       j->path, strerror(errno ? errno : EIO));
	return 0;
}

static int append(struct journal *j, const char *action, const char *a, const char *b,
		  struct pl_err *err)
{
	const char *fields[] = {a, b};
	return append_fields(j, action, fields, 2, err);
}

int journal_sysfs_write(struct journal *j, const char *path, const char *old, struct pl_err *err)
{
	return append(j, "write", path, old, err);
}

int journal_driver(struct journal *j, const char *bdf, const char *driver, struct pl_err *err)
{
	return append(j, "driver", bdf, driver, err);
}

int journal_chown(struct journal *j, const char *path, uid_t uid, gid_t gid, struct pl_err *err)
{
	char owner[64];

	snprintf(owner, sizeof(owner), "%u:%u", (unsigned)uid, (unsigned)gid);
	return append(j, "chown", path, owner, err);
}

int journal_chown_tree(struct journal *j, const char *dir, uid_t uid, gid_t gid, struct pl_err *err)
{
	char owner[64];

	snprintf(owner, sizeof(owner), "%u:%u", (unsigned)uid, (unsigned)gid);
	return append(j, "chown-tree", dir, owner, err);
}

int journal_cpuset(struct journal *j, const char *path, const char *old, struct pl_err *err)
{
	return append(j, "cpuset", path, old, err);
}

int journal_process(struct journal *j, pid_t pid, const char *what, struct pl_err *err)
{
	_cleanup_free_ char *id =
	    xasprintf("%d:%llu", (int)pid, (unsigned long long)proc_start_time(pid));
	return append(j, "process", id, what, err);
}

int journal_hook(struct journal *j, const char *name, const char *path, const char *vm,
		 unsigned timeout_s, char *const *env, struct pl_err *err)
{
	_cleanup_free_ char *timeout = xasprintf("%u", timeout_s);
	struct strv fields = {0};
	int r;

	strv_push(&fields, name);
	strv_push(&fields, path);
	strv_push(&fields, vm);
	strv_push(&fields, timeout);
	for (size_t i = 0; env && env[i]; i++)
		strv_push(&fields, env[i]);
	r = append_fields(j, "hook", (const char *const *)fields.v, fields.n, err);
	strv_free(&fields);
	return r;
}

int journal_created(struct journal *j, const char *path, struct pl_err *err)
{
	return append(j, "created", path, NULL, err);
}

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

static int undo_cpuset(const char *path, const char *old)
{
	_cleanup_free_ char *parent = xstrdup(path);
	char *slash, cpus[4096];
	int r = sysfs_write_str(path, old);

	if (r != -ENOSPC || *old)
		return r;
	/* cgroup/dir/cpuset.cpus → cgroup/cpuset.cpus.effective */
	slash = strrchr(parent, '/');
	*slash = '\0';
	slash = strrchr(parent, '/');
	if (!slash)
		return r;
	strcpy(slash, "/cpuset.cpus.effective");
	if (sysfs_read_str(parent, cpus, sizeof(cpus)) < 0)
		return r;
	return sysfs_write_str(path, cpus);
}

static int undo_chown(const char *path, const char *owner)
{
	unsigned uid, gid;

	if (sscanf(owner, "%u:%u", &uid, &gid) != 2)
		return -EINVAL;
	if (chown(path, uid, gid) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

static int undo_chown_tree(const char *dir, const char *owner)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = undo_chown(dir, owner);

	while (r == 0 && d && (e = readdir(d))) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.')
			r = undo_chown(path, owner);
	}
	if (d)
		closedir(d);
	return r;
}

/* The device's driver back; `gpu attach` has nothing left to do for it. */
static int undo_driver(const char *bdf, const char *driver)
{
	_cleanup_free_ char *saved = pci_saved_driver_path(bdf);
	struct pl_err err = {0};
	int r = pci_rebind(bdf, driver, &err);

	if (r < 0)
		log_error("%s", err.msg);
	else
		unlink(saved);
	return r;
}

/* "hook NAME PATH VM TIMEOUT ENV...": the hook's release. */
static int undo_hook(char **f, size_t n, char *const *extra_env)
{
	struct strv env = {0};
	struct pl_err err = {0};
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
	log_info("%s: hook %s: release", f[2], f[0]);
	r = hook_exec(&(struct hook_call){f[0], f[1], f[2], "release", env.v, timeout}, &err);
	if (r < 0)
		log_error("%s", err.msg);
	strv_free(&env);
	return r;
}

static int undo(const char *action, char **f, size_t n, char *const *extra_env)
{
	const char *a = n > 0 ? f[0] : "";
	const char *b = n > 1 ? f[1] : "";

	if (streq(action, "hook"))
		return undo_hook(f, n, extra_env);
	if (!n)
		return -EINVAL;
	if (streq(action, "write"))
		return sysfs_write_str(a, b);
	if (streq(action, "process"))
		return undo_process(a, b);
	if (streq(action, "cpuset"))
		return undo_cpuset(a, b);
	if (streq(action, "chown"))
		return undo_chown(a, b);
	if (streq(action, "chown-tree"))
		return undo_chown_tree(a, b);
	if (streq(action, "driver"))
		return undo_driver(a, b);
	if (streq(action, "created")) {
		if (unlink(a) == 0 || errno == ENOENT)
			return 0;
		if (errno == EISDIR && (rmdir(a) == 0 || errno == ENOENT))
			return 0;
		return -errno;
	}
	return -EINVAL;
}

static int read_lines(const char *path, char ***lines, size_t *n)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	*lines = NULL;
	*n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		*lines = xreallocarray(*lines, *n + 1, sizeof(**lines));
		(*lines)[(*n)++] = xstrdup(line);
	}
	free(line);
	return 0;
}

static int keep_failed(const char *path, char **failed, size_t n)
{
	_cleanup_free_ char *tmp = xasprintf("%s.new", path);
	FILE *f = fopen(tmp, "we");

	if (!f)
		return -errno;
	/* Written back oldest first, as they were recorded. */
	for (size_t i = n; i-- > 0;)
		fprintf(f, "%s\n", failed[i]);
	if (fflush(f) != 0 || fdatasync(fileno(f)) < 0) {
		fclose(f);
		return -errno;
	}
	fclose(f);
	return rename(tmp, path) < 0 ? -errno : 0;
}

int journal_replay(const char *path, char *const *extra_env)
{
	char **lines, **failed;
	size_t n, n_failed = 0;
	int r = read_lines(path, &lines, &n);

	if (r < 0) {
		log_error("cannot read the undo journal %s: %s", path, strerror(-r));
		return r;
	}
	failed = xcalloc(n, sizeof(*failed));
	for (size_t i = n; i-- > 0;) {
		_cleanup_free_ char *copy = xstrdup(lines[i]);
		char *rest = copy, *action = strsep(&rest, "\t");
		char **fields = NULL;
		size_t n_fields = 0;
		int u;
		while (rest) {
			fields = xreallocarray(fields, n_fields + 1, sizeof(*fields));
			fields[n_fields] = strsep(&rest, "\t");
			unescape(fields[n_fields++]);
		}
		u = undo(action, fields, n_fields, extra_env);
		if (u < 0) {
			/* A hook's entry carries its environment: its name says enough. */
			log_error(
			    "could not undo: %s %s%s%s: %s", action, n_fields ? fields[0] : "",
			    n_fields > 1 && !streq(action, "hook") ? " " : "",
			    n_fields > 1 && !streq(action, "hook") ? fields[1] : "", strerror(-u));
			failed[n_failed++] = lines[i];
		}
		free(fields);
	}
	r = n_failed				  ? keep_failed(path, failed, n_failed)
	    : unlink(path) < 0 && errno != ENOENT ? -errno
						  : 0;
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(failed);
	if (r < 0)
		log_error("cannot update the undo journal %s: %s", path, strerror(-r));
	return n_failed ? -EIO : r;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	*j = (struct journal){.fd = -1};
}
