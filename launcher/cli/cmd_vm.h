/* Commands on a VM that `passlaunch run` started: stop, status, recover. */
#ifndef PASSLAUNCH_CMD_VM_H
#define PASSLAUNCH_CMD_VM_H

#include "base/error.h"

int cmd_stop(int argc, char **argv, struct pl_err *err);
int cmd_status(int argc, char **argv, struct pl_err *err);
int cmd_recover(int argc, char **argv, struct pl_err *err);

#endif
