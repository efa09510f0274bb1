/* The user behind sudo or pkexec, who started a passlaunch that runs as
 * root. sudo sets SUDO_UID itself, over any value an environment kept by
 * `sudo -E` brings; pkexec clears the environment and sets PKEXEC_UID. So
 * SUDO_UID, when there is one, is the last door passed, and a PKEXEC_UID
 * beside it is the caller's to forge. */
#ifndef PASSLAUNCH_INVOKER_H
#define PASSLAUNCH_INVOKER_H

#include "error.h"

#include <pwd.h>
#include <stdbool.h>
#include <sys/types.h>

enum invoker {
	INVOKER_NONE, /* neither variable, or root behind it (SUDO_UID=0) */
	INVOKER_USER, /* a uid, in *uid */
	INVOKER_BAD,  /* set, but no uid: never read as "no one behind" */
};

/* What the first variable set names; the variable goes to *from when FROM
 * is given. */
enum invoker invoker_uid(uid_t *uid, const char **from);
/* The user to act as: NULL when root is behind it (or no one); nobody when
 * a variable is set but names no user of this host (never root's rights
 * for a value that cannot be read). */
struct passwd *invoker_passwd(void);
/* As root: becomes the user behind sudo or pkexec for good (groups, gid,
 * uid), that user's home from passwd in *HOME when given; nothing when
 * root is behind it. */
int invoker_become(const char **home, struct pl_err *err);

#endif
