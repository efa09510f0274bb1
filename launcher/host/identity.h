/* Who QEMU runs as: [vm] user, else the user who started passlaunch through
 * pkexec or sudo. Never root unless the profile says so in so many words. */
#ifndef PASSLAUNCH_IDENTITY_H
#define PASSLAUNCH_IDENTITY_H

#include "base/error.h"
#include "profile/profile.h"

#include <sys/types.h>

struct identity {
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;
	bool drop; /* the launcher is root: set QEMU's ids, clear its capabilities */
};

int identity_resolve(const struct profile *p, struct identity *id, struct pl_err *err);
void identity_free(struct identity *id);

#endif
