#ifndef PASSLAUNCH_CMD_PRINT_H
#define PASSLAUNCH_CMD_PRINT_H

#include "base/error.h"

/* passlaunch print PROFILE: the QEMU command, one option per line. */
int cmd_print(int argc, char **argv, struct pl_err *err);

#endif
