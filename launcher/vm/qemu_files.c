#include "qemu_files.h"

#include "base/trust.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

void qemu_files_init(const struct profile *p, struct qemu_files *files)
{
	qemu_fd_plan_make(p, &files->plan);
	files->fd = xcalloc(files->plan.n_fds ? files->plan.n_fds : 1, sizeof(*files->fd));
	for (size_t i = 0; i < files->plan.n_fds; i++)
		files->fd[i] = -1;
}

static int where(const struct profile *p, const struct qemu_file *f)
{
	_cleanup_free_ char *section = NULL;

	if (f->role == QEMU_FILE_NVRAM)
		return profile_section_line(p, "firmware");
	if (f->role == QEMU_FILE_DISK) {
		section = xasprintf("disk.%s", p->disks[f->index].ref.label);
		return profile_key_line(p, section, "source") ?: p->disks[f->index].ref.line;
	}
	section = xasprintf("cdrom.%s", p->cdroms[f->index].ref.label);
	return profile_key_line(p, section, "source") ?: p->cdroms[f->index].ref.line;
}

/* The error the open left, with FILE:LINE before it and what to do after. */
static int open_failed(const struct profile *p, const struct qemu_file *f,
		       const struct identity *id, int r, struct pl_err *err)
{
	char why[sizeof(err->msg)];
	int line = where(p, f);
	const char *hint = r == -EACCES && id->drop ? id->name : NULL;

	snprintf(why, sizeof(why), "%s", err->msg);
	err_clear(err);
	err_input(err, "%s:%d: %s%s%s%s", p->path, line, why, hint ? "; QEMU runs as " : "",
		  hint ? hint : "",
		  hint ? ", who may not open it: give that user access, or keep the file where "
			 "only root can write (passlaunch then opens it itself)"
		       : "");
	return r;
}

static int open_one(const struct identity *id, const struct qemu_file *f, const char *role,
		    struct pl_err *err)
{
	unsigned kinds = f->role == QEMU_FILE_NVRAM ? TRUST_REG : TRUST_REG | TRUST_BLK;
	struct trust_req req = {role, (f->writable ? O_RDWR : O_RDONLY) | O_NONBLOCK, kinds, false};
	int fd = trust_open(f->path, &req, err);

	if (fd == -EPERM && id->drop) {
		err_clear(err);
		fd = trust_open_as(f->path, id->uid, id->gid, id->name, &req, err);
	}
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		close(fd);
		return err_set(err, errno, "%s: %s", f->path, strerror(errno));
	}
	return fd;
}

/* The same file again, for reading only: QEMU opens images both ways. */
static int reopen_read_only(int fd, const char *path, struct pl_err *err)
{
	_cleanup_free_ char *self = xasprintf("/proc/self/fd/%d", fd);
	int ro = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (ro < 0)
		return err_set(err, errno, "%s: cannot open it again for reading: %s", path,
			       strerror(errno));
	return ro;
}

/* QEMU opens such a disk with O_DIRECT, which tmpfs, for one, refuses. The
 * same file opened again with O_DIRECT asks the file system itself (a flag
 * set on the open file is not checked as far down, on overlayfs). */
static int check_direct_io(const struct profile *p, const struct qemu_file *f, int fd,
			   struct pl_err *err)
{
	const struct profile_disk *d = f->role == QEMU_FILE_DISK ? &p->disks[f->index] : NULL;
	_cleanup_free_ char *section = NULL;
	_cleanup_free_ char *self = NULL;
	_cleanup_close_ int direct = -1;

	if (!d || (d->cache != CACHE_NONE && d->cache != CACHE_DIRECTSYNC))
		return 0;
	self = xasprintf("/proc/self/fd/%d", fd);
	direct = open(self, O_RDONLY | O_DIRECT | O_CLOEXEC | O_NOCTTY);
	if (direct >= 0 || errno != EINVAL)
		return 0;
	section = xasprintf("disk.%s", d->ref.label);
	return err_input(err,
			 "%s:%d: %s is on a filesystem that does not allow direct I/O, which "
			 "[%s] cache = %s needs; set cache = writeback",
			 p->path, profile_key_line(p, section, "cache") ?: d->ref.line, d->source,
			 section, d->cache == CACHE_NONE ? "none" : "directsync");
}

int qemu_files_open(const struct profile *p, const struct identity *id, bool nvram,
		    struct qemu_files *files, struct pl_err *err)
{
	const struct qemu_fd_plan *plan = &files->plan;

	for (size_t i = 0; i < plan->n_files; i++) {
		const struct qemu_file *f = &plan->files[i];
		size_t slot = (size_t)(f->fd - QEMU_FIRST_FD);
		_cleanup_free_ char *role = qemu_file_role_name(p, f);
		int fd, r;
		if ((f->role == QEMU_FILE_NVRAM) != nvram)
			continue;
		fd = open_one(id, f, role, err);
		if (fd < 0)
			return open_failed(p, f, id, fd, err);
		files->fd[slot] = fd;
		r = check_direct_io(p, f, fd, err);
		if (r < 0)
			return r;
		if (f->writable && (files->fd[slot + 1] = reopen_read_only(fd, f->path, err)) < 0)
			return files->fd[slot + 1];
	}
	return 0;
}

static int listen_at(const char *path, struct pl_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "%s: the path is too long for a socket", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || (unlink(path) < 0 && errno != ENOENT) || fchmod(fd, 0600) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 4) < 0)
		return err_set(err, errno, "cannot make the socket %s: %s", path, strerror(errno));
	return steal_fd(&fd);
}

int qemu_files_listen(const struct profile *p, struct qemu_files *files, struct pl_err *err)
{
	const struct qemu_fd_plan *plan = &files->plan;
	const struct {
		int fd;
		char *(*path)(const char *vm);
	} sockets[] = {{plan->qmp_fd, vmpath_qmp},
		       {plan->client_fd, vmpath_client},
		       {plan->serial_fd, vmpath_serial}};

	for (size_t i = 0; i < N_ELEMENTS(sockets); i++) {
		_cleanup_free_ char *path = NULL;
		int fd;
		if (sockets[i].fd < 0)
			continue;
		path = sockets[i].path(p->vm.name);
		fd = listen_at(path, err);
		if (fd < 0)
			return fd;
		files->fd[sockets[i].fd - QEMU_FIRST_FD] = fd;
	}
	return 0;
}

void qemu_files_close(struct qemu_files *files)
{
	for (size_t i = 0; files->fd && i < files->plan.n_fds; i++)
		if (files->fd[i] >= 0)
			close(files->fd[i]);
	free(files->fd);
	qemu_fd_plan_free(&files->plan);
	*files = (struct qemu_files){0};
}
