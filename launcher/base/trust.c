#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define MAX_LINKS  40
#define MAX_DEPTH  128
#define MAX_GROUPS 1024 /* a user in more is refused, not truncated */

/* One walk from / to a file: the stack of directories entered (each the
 * physical child of the one below it, so ".." pops), the names still to
 * walk, and the path shown in messages. */
struct walk {
	const char *given;
	const struct trust_req *req;
	struct pl_err *err;
	bool check; /* root: every step must be root's */
	int dir[MAX_DEPTH];
	size_t depth;
	char *rest; /* names still to walk, '/'-separated */
	char shown[PATH_MAX];
	unsigned links;
};

static bool writable_by_others(const struct stat *st)
{
	/* A sticky directory (/tmp) lets nobody replace another's entry. */
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))
		return false;
	return st->st_mode & (S_IWGRP | S_IWOTH);
}

static unsigned kind_of(mode_t mode)
{
	return S_ISREG(mode)   ? TRUST_REG
	       : S_ISDIR(mode) ? TRUST_DIR
	       : S_ISBLK(mode) ? TRUST_BLK
	       : S_ISCHR(mode) ? TRUST_CHR
			       : 0;
}

static const char *kind_name(mode_t mode)
{
	return S_ISREG(mode)	? "a regular file"
	       : S_ISDIR(mode)	? "a directory"
	       : S_ISBLK(mode)	? "a block device"
	       : S_ISCHR(mode)	? "a character device"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISSOCK(mode) ? "a socket"
				: "a symbolic link";
}

static int refuse(const struct walk *w, const char *bad, const struct stat *st)
{
	const char *kind = S_ISDIR(st->st_mode) ? "its directory " : "";

	if (st->st_uid != 0)
		err_input(
		    w->err,
		    "%s: %s%s is owned by uid %u; passlaunch runs as root and uses it as %s, "
		    "so whoever can change it would own the machine; fix with: chown root: %s",
		    w->given, kind, bad, (unsigned)st->st_uid, w->req->what, bad);
	else
		err_input(w->err,
			  "%s: %s%s is writable by group or others; passlaunch runs as root and "
			  "uses it as %s, so whoever can change it would own the machine; fix "
			  "with: chmod go-w %s",
			  w->given, kind, bad, w->req->what, bad);
	return -EPERM;
}

/* Why a filesystem's owners are not to be believed, or NULL. One mounted
 * nosuid is one a user may have made: udisks mounts a user's disks so,
 * fusermount a user's FUSE (the kernel ignores set-user-ID bits there, and
 * root must not believe the owners it shows either); those only the kernel
 * fills (tmpfs, /proc, /sys...) are root's own. FAT, exFAT, NTFS and SMB
 * shares have no owners at all: each file shows the mount's, root's. */
static const char *owners_unreal(int fd)
{
	static const unsigned long kernel_filled[] = {
	    TMPFS_MAGIC,	RAMFS_MAGIC,	    PROC_SUPER_MAGIC,	 SYSFS_MAGIC,
	    DEVPTS_SUPER_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, HUGETLBFS_MAGIC};
	static const unsigned long ownerless[] = {MSDOS_SUPER_MAGIC, 0x2011BAB0 /* exFAT */,
						  0x7366746e /* NTFS3 */, 0xFF534D42 /* CIFS */,
						  0xFE534D42 /* SMB2 */};
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0)
		return "of a filesystem that cannot be told";
	for (size_t i = 0; i < N_ELEMENTS(ownerless); i++)
		if ((unsigned long)fs.f_type == ownerless[i])
			return "on a filesystem with no owners of its own (FAT, NTFS, SMB), where "
			       "every file shows the mount's";
	if (!(fs.f_flags & ST_NOSUID))
		return NULL;
	for (size_t i = 0; i < N_ELEMENTS(kernel_filled); i++)
		if ((unsigned long)fs.f_type == kernel_filled[i])
			return NULL;
	return "on a filesystem mounted nosuid, as a user's disk or FUSE is: its owners are "
	       "whatever the disk says";
}

static int refuse_user_filesystem(const struct walk *w, const char *bad, const struct stat *st,
				  const char *why)
{
	err_input(w->err,
		  "%s: %s%s is %s; passlaunch runs as root and uses it as %s, so it must be on "
		  "a filesystem root mounted; move it, e.g. to /etc/passlaunch",
		  w->given, S_ISDIR(st->st_mode) ? "its directory " : "", bad, why, w->req->what);
	return -EPERM;
}

static int fail(const struct walk *w, int code)
{
	err_set(w->err, code, "%s: cannot open %s: %s", w->given, w->req->what, strerror(code));
	return -code;
}

static void shown_push(struct walk *w, const char *name)
{
	size_t len = strlen(w->shown);

	snprintf(w->shown + len, sizeof(w->shown) - len, "%s%s", len > 1 ? "/" : "", name);
}

static void shown_pop(struct walk *w)
{
	char *slash = strrchr(w->shown, '/');

	if (slash)
		slash[slash == w->shown ? 1 : 0] = '\0';
}

static int push_dir(struct walk *w, int fd, const char *name)
{
	const char *why;
	struct stat st;

	shown_push(w, name);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return fail(w, errno);
	}
	if (w->check && (st.st_uid != 0 || writable_by_others(&st))) {
		close(fd);
		return refuse(w, w->shown, &st);
	}
	if (w->check && (why = owners_unreal(fd))) {
		close(fd);
		return refuse_user_filesystem(w, w->shown, &st, why);
	}
	if (w->depth == MAX_DEPTH) {
		close(fd);
		return fail(w, ELOOP);
	}
	w->dir[w->depth++] = fd;
	return 0;
}

static void pop_dir(struct walk *w)
{
	if (w->depth > 1) {
		close(w->dir[--w->depth]);
		shown_pop(w);
	}
}

/* The link's target goes before the names still to walk; an absolute one
 * starts again from /. */
static int follow_link(struct walk *w, int fd, const struct stat *st, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
	char *rest;

	const char *why = w->check && st->st_uid == 0 ? owners_unreal(fd) : NULL;

	if (w->check && (st->st_uid != 0 || why)) {
		char at[PATH_MAX + 2];
		snprintf(at, sizeof(at), "%s/%s", w->shown, name);
		return st->st_uid != 0 ? refuse(w, at, st) : refuse_user_filesystem(w, at, st, why);
	}
	if (n < 0)
		return fail(w, errno);
	if (++w->links > MAX_LINKS)
		return fail(w, ELOOP);
	target[n] = '\0';
	rest = xasprintf("%s%s%s", target, *w->rest ? "/" : "", w->rest);
	free(w->rest);
	w->rest = rest;
	while (target[0] == '/' && w->depth > 1)
		pop_dir(w);
	return 0;
}

static char *next_name(struct walk *w)
{
	char *slash;
	char *name;

	while (*w->rest == '/')
		memmove(w->rest, w->rest + 1, strlen(w->rest));
	slash = strchr(w->rest, '/');
	name = slash ? xstrndup(w->rest, (size_t)(slash - w->rest)) : xstrdup(w->rest);
	memmove(w->rest, w->rest + strlen(name), strlen(w->rest + strlen(name)) + 1);
	return name;
}

static bool more_names(const struct walk *w)
{
	return w->rest[strspn(w->rest, "/")] != '\0';
}

/* The file at the end: its kind checked on a descriptor that cannot be
 * used for anything else, then opened for use; both must be one file. */
static int open_last(struct walk *w, int path_fd, const struct stat *st, const char *name)
{
	int flags = w->req->flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	const char *why;
	struct stat used;
	int fd;

	if (!(kind_of(st->st_mode) & w->req->kinds)) {
		err_input(w->err, "%s: %s is %s; give %s", w->given, w->req->what,
			  kind_name(st->st_mode),
			  w->req->kinds & TRUST_BLK   ? "a regular file or a block device"
			  : w->req->kinds & TRUST_DIR ? "a directory"
						      : "a regular file");
		return -EMEDIUMTYPE;
	}
	if (w->check && w->req->root_file && (st->st_uid != 0 || writable_by_others(st))) {
		char at[PATH_MAX + 2];
		snprintf(at, sizeof(at), "%s%s%s", w->shown, w->depth > 1 ? "/" : "", name);
		return refuse(w, at, st);
	}
	if (w->check && (why = owners_unreal(path_fd))) {
		char at[PATH_MAX + 2];
		snprintf(at, sizeof(at), "%s%s%s", w->shown, w->depth > 1 ? "/" : "", name);
		return refuse_user_filesystem(w, at, st, why);
	}
	if (w->req->flags & O_PATH)
		return fcntl(path_fd, F_DUPFD_CLOEXEC, 3);
	/* Non-blocking: a FIFO swapped in since the check must not hang the
	 * open; it is then not the file checked, and refused. */
	fd = openat(w->dir[w->depth - 1], name, flags | O_NONBLOCK);
	if (fd < 0)
		return fail(w, errno);
	if (fstat(fd, &used) < 0 || used.st_dev != st->st_dev || used.st_ino != st->st_ino ||
	    (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)) {
		close(fd);
		return fail(w, ESTALE);
	}
	return fd;
}

static int step(struct walk *w)
{
	_cleanup_free_ char *name = next_name(w);
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!*name || streq(name, "."))
		return 0;
	if (streq(name, "..")) {
		pop_dir(w);
		return 0;
	}
	fd = openat(w->dir[w->depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return fail(w, errno);
	if (S_ISLNK(st.st_mode))
		return follow_link(w, fd, &st, name);
	if (!more_names(w))
		return open_last(w, fd, &st, name);
	if (!S_ISDIR(st.st_mode))
		return fail(w, ENOTDIR);
	return push_dir(w, steal_fd(&fd), name);
}

static int walk_open(const char *path, const struct trust_req *req, bool check, struct pl_err *err)
{
	struct walk w = {.given = path, .req = req, .err = err, .check = check};
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	w.rest = absolute_path(path);
	if (!w.rest || root < 0) {
		free(w.rest);
		if (root >= 0)
			close(root);
		return err_set(err, errno, "%s: cannot open %s: %s", path, req->what,
			       strerror(errno));
	}
	r = push_dir(&w, root, "/");
	while (r == 0 && more_names(&w))
		r = step(&w);
	if (r == 0) /* the path named "/" itself, or ended in "..": a directory */
		r = fail(&w, EISDIR);
	while (w.depth)
		close(w.dir[--w.depth]);
	free(w.rest);
	return r;
}

int trust_open(const char *path, const struct trust_req *req, struct pl_err *err)
{
	return walk_open(path, req, geteuid() == 0, err);
}

int trust_require(const char *path, const char *what, struct pl_err *err)
{
	struct trust_req req = {what, O_PATH, TRUST_REG | TRUST_DIR, true};
	int fd;

	if (geteuid() != 0)
		return 0;
	fd = trust_open(path, &req, err);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int set_fs_ids(uid_t uid, gid_t gid, const gid_t *groups, int n)
{
	if (setgroups((size_t)n, groups) < 0)
		return -errno;
	setfsgid(gid);
	setfsuid(uid);
	return (uid_t)setfsuid((uid_t)-1) == uid && (gid_t)setfsgid((gid_t)-1) == gid ? 0 : -EPERM;
}

/* The process's capability sets, to clear the effective one and give it back. */
struct caps {
	struct __user_cap_header_struct header;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

/* ON: the effective set saved in CAPS back; else CAPS saved and the
 * effective set emptied (the permitted one stays, to give it back). */
static int caps_effective(struct caps *caps, bool on)
{
	struct caps none;

	if (on)
		return (int)syscall(SYS_capset, &caps->header, caps->data);
	caps->header = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, 0};
	if (syscall(SYS_capget, &caps->header, caps->data) < 0)
		return -1;
	none = *caps;
	for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		none.data[i].effective = 0;
	return (int)syscall(SYS_capset, &none.header, none.data);
}

int trust_open_as(const char *path, uid_t uid, gid_t gid, const char *user,
		  const struct trust_req *req, struct pl_err *err)
{
	gid_t groups[MAX_GROUPS], saved[MAX_GROUPS];
	struct caps caps;
	int n = MAX_GROUPS, n_saved = getgroups(MAX_GROUPS, saved);
	int fd, r;

	if (geteuid() != 0 || uid == 0)
		return trust_open(path, req, err);
	if (n_saved < 0 || getgrouplist(user, gid, groups, &n) < 0)
		return err_set(err, EINVAL, "%s: cannot read the groups of %s", path, user);
	r = set_fs_ids(uid, gid, groups, n);
	/* Without root's capabilities too: CAP_SYS_PTRACE alone opens another
	 * process's /proc/PID/maps whatever the fs ids. */
	if (r == 0 && caps_effective(&caps, false) < 0)
		r = -errno;
	/* As the user: its view of the file system, links and all. */
	fd = r < 0 ? r : walk_open(path, req, false, err);
	if (r == 0 && caps_effective(&caps, true) < 0)
		abort();
	/* Root setting its own ids back cannot fail; if it did, going on
	 * with a user's rights would be wrong in ways no caller expects. */
	if (set_fs_ids(0, 0, saved, n_saved) < 0)
		abort();
	if (r < 0)
		return err_set(err, -r, "%s: cannot take the rights of %s: %s", path, user,
			       strerror(-r));
	if (fd == -EACCES || fd == -EPERM)
		err_exit_status(err, EXIT_BAD_INPUT, fd);
	return fd;
}
