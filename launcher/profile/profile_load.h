/* Finding a profile by name or path, and loading it: parse, then check. */
#ifndef PASSLAUNCH_PROFILE_LOAD_H
#define PASSLAUNCH_PROFILE_LOAD_H

#include "base/error.h"
#include "profile.h"

/* A path (holds '/' or ends in .ini) is taken as it is; a name is looked up
 * as $XDG_CONFIG_HOME/passlaunch/NAME.ini, then SYSCONFDIR/passlaunch/NAME.ini. */
int profile_resolve(const char *arg, char **path, struct pl_err *err);
/* Reads, checks and parses the profile on one descriptor (base/trust.h).
 * As root, a profile that is not root's is refused when MUST_TRUST (what
 * `run` and `start` need); else it is read with the rights of the user
 * behind sudo or pkexec (nobody when none), never root's, and is not
 * trusted (p->trusted: extra_args refused). */
int profile_load(const char *path, struct profile *p, bool must_trust, struct pl_err *err);

#endif
