/* Which shipped hooks' releases have nothing to do, decided without
 * starting them: on the way back every process is time the screen is dark. */
#include "hooks.h"

#include "base/util.h"
#include "host/pci_rebar.h"
#include "host/pci_sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *env_value(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], name, len) && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

/* Anything in DIR but empty regular files (a symlink or a directory
 * counts: the release decides what it means). */
static bool records_anything(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return errno != ENOENT;
	while (!found && (e = readdir(d))) {
		struct stat st;
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		found = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			!S_ISREG(st.st_mode) || st.st_size > 0;
	}
	closedir(d);
	return found;
}

static bool word_in(const char *word, const char *list)
{
	size_t len = strlen(word);

	for (const char *at = list; list && (at = strstr(at, word)); at += len)
		if ((at == list || at[-1] == ' ') && (at[len] == ' ' || !at[len]))
			return true;
	return false;
}

/* What hooks.d/vfio's release checks before it starts `gpu attach`: BDF is
 * bound to a driver but vfio-pci, and nothing of it is kept for later. */
static bool given_back(const char *bdf)
{
	_cleanup_free_ char *saved = pci_saved_driver_path(bdf);
	_cleanup_free_ char *kept = pci_kept_path(bdf);
	char driver[64];

	pci_driver(bdf, driver, sizeof(driver));
	return driver[0] && !streq(driver, "vfio-pci") && access(saved, F_OK) < 0 &&
	       access(kept, F_OK) < 0 && !pci_rebar_saved(bdf);
}

static bool devices_given_back(char *const *env)
{
	const char *lists[] = {env_value(env, "PASSLAUNCH_GPUS"), env_value(env, "PASSLAUNCH_PCI")};
	const char *kept = env_value(env, "PASSLAUNCH_GPUS_KEPT");

	for (size_t i = 0; i < N_ELEMENTS(lists); i++) {
		_cleanup_free_ char *copy = xstrdup(lists[i] ? lists[i] : "");
		char *save = NULL;

		for (char *bdf = strtok_r(copy, " ", &save); bdf; bdf = strtok_r(NULL, " ", &save))
			if (!word_in(bdf, kept) && !given_back(bdf))
				return false;
	}
	return true;
}

const char *hooks_release_needless(const char *name, const char *path, char *const *env)
{
	static const char *const state_only[] = {"display-manager", "vtconsole", "framebuffer"};
	_cleanup_free_ char *shipped = xasprintf("%s/%s", hooks_shipped_dir(), name);
	const char *dir = env_value(env, "PASSLAUNCH_STATE_DIR");
	bool listed = false;

	if (!streq(path, shipped))
		return NULL;
	if (streq(name, "vfio"))
		return devices_given_back(env)
			   ? "every device it passed is on its driver again, or kept "
			     "on vfio-pci (release = vfio)"
			   : NULL;
	for (size_t i = 0; i < N_ELEMENTS(state_only); i++)
		listed = listed || streq(name, state_only[i]);
	return listed && dir && !records_anything(dir) ? "its prepare recorded nothing to undo"
						       : NULL;
}
