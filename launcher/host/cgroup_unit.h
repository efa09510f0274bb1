/* Which systemd unit a process runs in, read from its cgroup v2 path, and
 * whose: a system service (/system.slice/.../NAME.service) or a unit of a
 * user's own manager (/user.slice/user-UID.slice/user@UID.service/...).
 * Anything else (a login session's scope, init.scope, a path someone made
 * by hand) is no unit passlaunch may stop. A user may name the cgroups of
 * their own subtree freely: only a name systemd itself could give is
 * taken, and never one below a user's manager as a system unit. */
#ifndef PASSLAUNCH_CGROUP_UNIT_H
#define PASSLAUNCH_CGROUP_UNIT_H

#include <stdbool.h>
#include <sys/types.h>

enum unit_kind { UNIT_NONE, UNIT_SYSTEM, UNIT_USER };

struct cgroup_unit {
	enum unit_kind kind;
	uid_t uid;	/* UNIT_USER's */
	char name[256]; /* "pipewire.service"; "" for UNIT_NONE */
};

void cgroup_unit_parse(const char *path, struct cgroup_unit *out);
/* A name systemd could give a unit: [A-Za-z0-9:_.@\-\\], ending in suffix. */
bool unit_name_valid(const char *name, const char *suffix);
/* A system service the host cannot do without (systemd's own, D-Bus,
 * polkit): logind holds a session's DRM and input nodes for its
 * compositor, and lets go when that stops; none of them is ever stopped. */
bool unit_is_core(const char *name);

#endif
