#include "nvram.h"

#include "base/log.h"
#include "base/trust.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static int mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(copy, mode) < 0 && errno != EEXIST ? -errno : 0;
}

static int copy_file(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* Written under a temporary name and linked into place, so a crash never
 * leaves a half-copied NVRAM, and an existing one is never replaced. */
static int copy_template(const char *template, const char *vars, struct pl_err *err)
{
	/* As root, only a template on a path only root can change (a link
	 * planted there would have root copy /etc/shadow to QEMU), and a
	 * regular file (not a FIFO that hangs, nor a device). */
	struct trust_req req = {"the OVMF VARS template", O_RDONLY | O_NONBLOCK, TRUST_REG, false};
	_cleanup_free_ char *tmp = xasprintf("%s.new.%d", vars, (int)getpid());
	_cleanup_close_ int in = trust_open(template, &req, err);
	_cleanup_close_ int out = -1;
	int r;

	if (in < 0)
		return in == -EPERM || in == -EMEDIUMTYPE
			   ? in
			   : err_set(err, -in, "cannot read the OVMF VARS template %s: %s",
				     template, strerror(-in));
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return err_set(err, errno, "cannot create %s: %s", tmp, strerror(errno));
	r = copy_file(in, out);
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	if (r == 0 && link(tmp, vars) < 0 && errno != EEXIST)
		r = -errno;
	unlink(tmp);
	if (r < 0)
		return err_set(err, -r, "cannot copy %s to %s: %s", template, vars, strerror(-r));
	log_info("NVRAM created from %s", template);
	return 0;
}

/* The trust error that ERR holds, with FILE:LINE of state_dir before it. */
static int state_dir_refused(const struct profile *p, int r, struct pl_err *err)
{
	char why[sizeof(err->msg)];

	snprintf(why, sizeof(why), "%s", err->msg);
	err_clear(err);
	err_input(err, "%s:%d: [vm] state_dir: %s", p->path,
		  profile_key_line(p, "vm", "state_dir") ?: profile_section_line(p, "vm"), why);
	return r;
}

/* As root the state stays root's: a state_dir that someone else could
 * change would let them steer what root writes there. */
int nvram_check(const struct profile *p, struct pl_err *err)
{
	struct trust_req req = {"state_dir", O_PATH, TRUST_DIR, true};
	_cleanup_free_ char *dir = xstrdup(p->vm.state_dir);
	char *slash;
	int fd;

	if (geteuid() != 0)
		return 0;
	/* A state_dir still to be made: the directory it will be made in. */
	while ((fd = trust_open(dir, &req, err)) == -ENOENT && (slash = strrchr(dir, '/')) &&
	       slash != dir) {
		err_clear(err);
		*slash = '\0';
	}
	if (fd >= 0 || fd == -ENOENT) {
		err_clear(err);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	return state_dir_refused(p, fd, err);
}

/* swtpm, as QEMU's user, passes through state_dir to its own tpm/. */
static int open_state_dir(const struct profile *p, struct pl_err *err)
{
	struct trust_req req = {"state_dir", O_RDONLY | O_DIRECTORY, TRUST_DIR, true};
	_cleanup_close_ int fd = trust_open(p->vm.state_dir, &req, err);

	if (fd < 0)
		return state_dir_refused(p, fd, err);
	if (p->firmware.tpm && fchmod(fd, 0711) < 0)
		return err_set(err, errno, "%s: %s", p->vm.state_dir, strerror(errno));
	return 0;
}

/* A VARS file still to be made where the profile names it: only in a
 * directory root may trust, which nobody else can write into meanwhile. */
static int check_vars_dir(const struct profile *p, const char *vars, struct pl_err *err)
{
	struct trust_req req = {"the directory of [firmware] vars", O_PATH, TRUST_DIR, true};
	_cleanup_free_ char *dir = xstrdup(vars);
	_cleanup_close_ int fd = -1;
	char why[sizeof(err->msg)];

	*strrchr(dir, '/') = '\0';
	fd = trust_open(*dir ? dir : "/", &req, err);
	if (fd >= 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err->msg);
	err_clear(err);
	return err_input(err,
			 "%s:%d: [firmware] vars = %s does not exist, and root will not create "
			 "it there: %s; copy the VARS template there yourself, or choose a "
			 "directory only root can write",
			 p->path, profile_key_line(p, "firmware", "vars"), vars, why);
}

int nvram_prepare(const struct profile *p, const struct host_facts *f, struct pl_err *err)
{
	_cleanup_free_ char *vars = vmpath_vars(p);
	int r = mkdir_parents(p->vm.state_dir, 0700);

	if (r < 0)
		return err_set(err, -r, "cannot create state_dir %s: %s", p->vm.state_dir,
			       strerror(-r));
	if (geteuid() == 0 && (r = open_state_dir(p, err)) < 0)
		return r;
	if (p->firmware.type == FW_BIOS || access(vars, F_OK) == 0)
		return 0;
	if (p->firmware.vars && geteuid() == 0 && (r = check_vars_dir(p, vars, err)) < 0)
		return r;
	return copy_template(f->firmware.vars_template, vars, err);
}
