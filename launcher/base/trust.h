/* Running as root, passlaunch uses only files that nobody but root can
 * change: the profile, hooks and their directories, the programs it runs and
 * the ROMs it hands to QEMU (as sudo and sshd do). Whoever can edit one of
 * them would own the machine. */
#ifndef PASSLAUNCH_TRUST_H
#define PASSLAUNCH_TRUST_H

#include "error.h"

/* WHAT names the file's role in the error ("the profile", "hook"). Checks
 * the file and every directory above it; a no-op when not running as root. */
int trust_require(const char *path, const char *what, struct pl_err *err);

#endif
