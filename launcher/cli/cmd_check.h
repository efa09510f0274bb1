#ifndef PASSLAUNCH_CMD_CHECK_H
#define PASSLAUNCH_CMD_CHECK_H

#include "base/error.h"

/* passlaunch check [PROFILE] [--json]: exit 0 when nothing failed. */
int cmd_check(int argc, char **argv, struct pl_err *err);

#endif
