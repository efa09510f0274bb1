/* Finding a profile by name or path, and loading it: parse, then check. */
#ifndef PASSLAUNCH_PROFILE_LOAD_H
#define PASSLAUNCH_PROFILE_LOAD_H

#include "base/error.h"
#include "profile.h"

/* A path (holds '/' or ends in .ini) is taken as it is; a name is looked up
 * as $XDG_CONFIG_HOME/passlaunch/NAME.ini, then SYSCONFDIR/passlaunch/NAME.ini. */
int profile_resolve(const char *arg, char **path, struct pl_err *err);
int profile_load(const char *path, struct profile *p, struct pl_err *err);

#endif
