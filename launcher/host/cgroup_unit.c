#include "cgroup_unit.h"

#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool unit_name_valid(const char *name, const char *suffix)
{
	size_t len = strlen(name), slen = strlen(suffix);

	/* A leading '-' would make systemctl read the name as its option. */
	if (len <= slen || len > 255 || strcmp(name + len - slen, suffix) != 0 || name[0] == '-')
		return false;
	for (const char *c = name; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.@-\\",
			    *c))
			return false;
	return true;
}

bool unit_is_core(const char *name)
{
	static const char *const core[] = {"dbus.service", "dbus-broker.service", "polkit.service",
					   "init.scope"};

	if (strncmp(name, "systemd-", 8) == 0)
		return true;
	for (size_t i = 0; i < N_ELEMENTS(core); i++)
		if (streq(name, core[i]))
			return true;
	return false;
}

/* "user-1000.slice" or "user@1000.service": the number between. */
static bool uid_between(const char *part, const char *prefix, const char *suffix, uid_t *uid)
{
	size_t plen = strlen(prefix), len = strlen(part), slen = strlen(suffix);
	char *end;
	unsigned long v;

	if (len <= plen + slen || strncmp(part, prefix, plen) != 0 ||
	    strcmp(part + len - slen, suffix) != 0 || part[plen] < '0' || part[plen] > '9')
		return false;
	errno = 0;
	v = strtoul(part + plen, &end, 10);
	if (errno || (size_t)(end - part) != len - slen || v > (uid_t)-2)
		return false;
	*uid = (uid_t)v;
	return true;
}

static size_t split(char *path, char **parts, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return max + 1;
		parts[n++] = p;
	}
	return n;
}

static bool middle_slices(char **parts, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!unit_name_valid(parts[i], ".slice"))
			return false;
	return true;
}

void cgroup_unit_parse(const char *path, struct cgroup_unit *out)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *parts[16];
	size_t n = split(copy, parts, 16);
	uid_t slice_uid, manager_uid;

	*out = (struct cgroup_unit){UNIT_NONE, 0, ""};
	if (*path != '/' || n < 2 || n > 16)
		return;
	if (streq(parts[0], "system.slice") && middle_slices(parts, 1, n - 1) &&
	    unit_name_valid(parts[n - 1], ".service")) {
		out->kind = UNIT_SYSTEM;
	} else if (n >= 4 && streq(parts[0], "user.slice") &&
		   uid_between(parts[1], "user-", ".slice", &slice_uid) &&
		   uid_between(parts[2], "user@", ".service", &manager_uid) &&
		   slice_uid == manager_uid && middle_slices(parts, 3, n - 1) &&
		   (unit_name_valid(parts[n - 1], ".service") ||
		    unit_name_valid(parts[n - 1], ".scope"))) {
		out->kind = UNIT_USER;
		out->uid = manager_uid;
	} else {
		return;
	}
	snprintf(out->name, sizeof(out->name), "%s", parts[n - 1]);
}
