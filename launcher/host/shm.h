/* Looking Glass's shared memory, /dev/shm/passlaunch-NAME-looking-glass:
 * made by the launcher for this run alone (exclusively, never following a
 * link), owned by QEMU's user and readable by nobody else (the Looking
 * Glass client runs as that user), and removed on release. A name someone
 * else made first is refused, never used. */
#ifndef PASSLAUNCH_SHM_H
#define PASSLAUNCH_SHM_H

#include "base/error.h"
#include "identity.h"
#include "journal.h"
#include "profile/profile.h"

int shm_prepare(const struct profile *p, const struct identity *id, struct journal *j,
		struct pl_err *err);

#endif
