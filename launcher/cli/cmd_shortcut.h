#ifndef PASSLAUNCH_CMD_SHORTCUT_H
#define PASSLAUNCH_CMD_SHORTCUT_H

#include "base/error.h"

/* passlaunch shortcut PROFILE [--system]: a desktop entry that runs
 * `pkexec passlaunch start NAME`, for the user or for everyone. */
int cmd_shortcut(int argc, char **argv, struct pl_err *err);

#endif
