/* A VNC or SPICE display on a TCP port gets its password from
 * [display] password_file, root's alone: read by the launcher and set
 * through QMP before the guest runs, so that it is never on a command line
 * (which every local user can read) nor in a file QEMU's user can read. */
#ifndef PASSLAUNCH_DISPLAY_H
#define PASSLAUNCH_DISPLAY_H

#include "base/error.h"
#include "profile/profile.h"
#include "qemu/qmp.h"

/* Before anything changes: the file can be read and holds a password. */
int display_check(const struct profile *p, struct pl_err *err);
int display_set_password(const struct profile *p, struct qmp *q, struct pl_err *err);

#endif
