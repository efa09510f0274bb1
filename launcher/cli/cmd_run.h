#ifndef PASSLAUNCH_CMD_RUN_H
#define PASSLAUNCH_CMD_RUN_H

#include "base/error.h"

/* passlaunch run PROFILE: prepare the host, run the VM in the foreground,
 * give the host back. */
int cmd_run(int argc, char **argv, struct pl_err *err);

#endif
