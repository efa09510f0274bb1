#include "cmd_shortcut.h"

#include "base/invoker.h"
#include "base/log.h"
#include "base/paths.h"
#include "profile/profile_load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#ifndef DATADIR
#define DATADIR "/usr/local/share"
#endif

static char *applications_dir(bool system, const char *home)
{
	/* Root writes the system's entry: only a test build takes a test's
	 * directory; the user's own is written with the user's rights. */
	const char *env =
	    system ? path_test_override("PASSLAUNCH_SYSTEM_APPLICATIONS") : getenv("XDG_DATA_HOME");

	if (system)
		return xstrdup(env && *env == '/' ? env : DATADIR "/applications");
	if (env && *env == '/')
		return xasprintf("%s/applications", env);
	return home && *home == '/' ? xasprintf("%s/.local/share/applications", home) : NULL;
}

static int make_dirs(const char *dir)
{
	_cleanup_free_ char *copy = xstrdup(dir);

	for (char *s = strchr(copy + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (!s)
			return 0;
		*s = '/';
	}
}

/* A new file of its own, never one a link there leads to: the directory
 * may be a user's while passlaunch runs as root. */
static FILE *create_new(const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	return fd < 0 ? NULL : fdopen(fd, "w");
}

static int write_entry(const char *path, const char *vm, const char *self, struct pl_err *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s.new", path);
	FILE *f = create_new(tmp);

	if (!f)
		return err_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	fprintf(f,
		"[Desktop Entry]\n"
		"Type=Application\n"
		"Name=%s\n"
		"GenericName=Virtual machine with GPU passthrough\n"
		"Comment=Start the %s virtual machine (passlaunch)\n"
		"Exec=pkexec %s start %s\n"
		"Icon=passlaunch\n"
		"Terminal=false\n"
		"Categories=Game;Emulator;\n"
		"Keywords=VM;VFIO;passthrough;\n",
		vm, vm, self, vm);
	if (fflush(f) != 0 || fchmod(fileno(f), 0644) < 0) {
		fclose(f);
		unlink(tmp);
		return err_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	}
	fclose(f);
	if (rename(tmp, path) < 0)
		return err_set(err, errno, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

int cmd_shortcut(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL, *dir = NULL, *entry = NULL, *system_path = NULL;
	char self[PATH_MAX];
	struct profile p = {0};
	bool system = argc == 3 && streq(argv[2], "--system");
	const char *home = getenv("HOME");
	ssize_t n;
	int r;

	if (argc != 2 && !system)
		return err_input(err, "usage: passlaunch shortcut PROFILE [--system]");
	r = profile_resolve(argv[1], &path, err);
	if (r == 0)
		r = profile_load(path, &p, false, err);
	if (r == 0 && !system)
		r = invoker_become(&home, err); /* the user's entry, the user's rights */
	dir = r == 0 ? applications_dir(system, home) : NULL;
	if (r == 0 && !dir)
		r = err_input(err, "neither XDG_DATA_HOME nor HOME is set: where do your "
				   "applications go?");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (r == 0 && n <= 0)
		r = err_set(err, errno, "cannot find passlaunch's own path: %s", strerror(errno));
	if (r == 0 && (r = make_dirs(dir)) < 0)
		r = err_set(err, -r, "cannot create %s: %s", dir, strerror(-r));
	if (r == 0) {
		self[n] = '\0';
		entry = xasprintf("%s/passlaunch-%s.desktop", dir, p.vm.name);
		r = write_entry(entry, p.vm.name, self, err);
	}
	if (r == 0) {
		system_path = xasprintf("%s/passlaunch/%s.ini", SYSCONFDIR, p.vm.name);
		log_info("%s: shortcut %s runs: pkexec %s start %s", p.vm.name, entry, self,
			 p.vm.name);
		if (access(system_path, F_OK) < 0)
			log_warn("%s: start runs %s as root, which does not exist yet; install the "
				 "profile there: sudo install -m 644 %s %s",
				 p.vm.name, system_path, path, system_path);
	}
	profile_free(&p);
	return r;
}
