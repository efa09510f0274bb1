/* Through pkexec, start, stop and status come under the desktop's actions
 * (contrib/org.passlaunch.policy, picked by the first argument), which an
 * active user may be allowed without an administrator: passlaunch holds
 * them to exactly what a shortcut needs, the name of a profile in
 * SYSCONFDIR/passlaunch (no path, no further option). Every other command
 * comes under the administrator's action. */
#ifndef PASSLAUNCH_PKEXEC_GUARD_H
#define PASSLAUNCH_PKEXEC_GUARD_H

#include "base/error.h"

int pkexec_guard(int argc, char **argv, struct pl_err *err);

#endif
