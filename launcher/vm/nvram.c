#include "nvram.h"

#include "base/log.h"
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
	_cleanup_free_ char *tmp = xasprintf("%s.new.%d", vars, (int)getpid());
	_cleanup_close_ int in = open(template, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	int r;

	if (in < 0)
		return err_set(err, errno, "cannot read the OVMF VARS template %s: %s", template,
			       strerror(errno));
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

int nvram_prepare(const struct profile *p, const struct host_facts *f, struct pl_err *err)
{
	_cleanup_free_ char *vars = vmpath_vars(p);
	int r = mkdir_parents(p->vm.state_dir, 0700);

	if (r < 0)
		return err_set(err, -r, "cannot create state_dir %s: %s", p->vm.state_dir,
			       strerror(-r));
	if (p->firmware.type == FW_BIOS || access(vars, F_OK) == 0)
		return 0;
	return copy_template(f->firmware.vars_template, vars, err);
}
