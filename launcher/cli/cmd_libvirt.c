#include "cmd_libvirt.h"

#include "base/invoker.h"
#include "base/paths.h"
#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

/* PROGRAM beside this binary: installed together, built together. Root
 * runs only what root owns, as for QEMU's binary. Run through pkexec or
 * sudo, the programs read and write with the rights of the user behind
 * them: they need none of root's, and their input is that user's to name
 * (a link to a file only root may read is theirs to plant). A root
 * shell's own call stays root's. */
static int exec_beside(const char *program, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *exe = path_self_exe();
	char *slash = strrchr(exe, '/');
	_cleanup_free_ char *path =
	    slash ? xasprintf("%.*s/%s", (int)(slash - exe), exe, program) : xstrdup(program);

	int fd;

	if (geteuid() == 0 && trust_require(path, "a program", err) < 0)
		return -EPERM;
	/* Opened while root: the user behind sudo may not reach its folder. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno,
			       "cannot run %s: %s (make install puts it beside passlaunch)", path,
			       strerror(errno));
	if (geteuid() == 0 && invoker_become(NULL, err) < 0)
		return -EPERM;
	argv[0] = path;
	fexecve(fd, argv, environ);
	return err_set(err, errno, "cannot run %s: %s (make install puts it beside passlaunch)",
		       path, strerror(errno));
}

int cmd_import(int argc, char **argv, struct pl_err *err)
{
	(void)argc;
	return exec_beside("passlaunch-import", argv, err);
}

int cmd_export(int argc, char **argv, struct pl_err *err)
{
	if (argc != 3 || !streq(argv[1], "--libvirt"))
		return err_input(err, "usage: passlaunch export --libvirt PROFILE");
	return exec_beside("passlaunch-export", argv + 1, err);
}
