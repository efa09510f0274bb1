#include "cmd_import.h"

#include "base/paths.h"
#include "base/trust.h"

#include <errno.h>
#include <limits.h>

/* The importer beside this binary: installed together, built together. */
static char *importer_path(void)
{
	_cleanup_free_ char *exe = path_self_exe();
	char *slash = strrchr(exe, '/');

	return slash ? xasprintf("%.*s/passlaunch-import", (int)(slash - exe), exe)
		     : xstrdup("passlaunch-import");
}

int cmd_import(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *path = importer_path();

	(void)argc;
	/* Root runs only what root owns, as for QEMU's binary. */
	if (geteuid() == 0 && trust_require(path, "a program", err) < 0)
		return -EPERM;
	argv[0] = path;
	execv(path, argv);
	return err_set(err, errno, "cannot run %s: %s (make install puts it beside passlaunch)",
		       path, strerror(errno));
}
