/* The user behind sudo or pkexec, who started a passlaunch that runs as
 * root. sudo sets SUDO_UID itself, over any value an environment kept by
 * `sudo -E` brings; pkexec clears the environment and sets PKEXEC_UID. So
 * SUDO_UID, when there is one, is the last door passed, and a PKEXEC_UID
 * beside it is the caller's to forge. */
#ifndef PASSLAUNCH_INVOKER_H
#define PASSLAUNCH_INVOKER_H

#include <stdbool.h>
#include <sys/types.h>

/* The uid named, or false when neither variable names a user but root. The
 * name of the variable it came from goes to *from when FROM is given. */
bool invoker_uid(uid_t *uid, const char **from);

#endif
