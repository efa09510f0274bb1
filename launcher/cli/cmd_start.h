#ifndef PASSLAUNCH_CMD_START_H
#define PASSLAUNCH_CMD_START_H

#include "base/error.h"

/* passlaunch start NAME: the run goes on outside the caller's session
 * (passlaunch@NAME.service, or a session of its own), so that stopping the
 * display manager cannot end it; returns once the guest runs. */
int cmd_start(int argc, char **argv, struct pl_err *err);

#endif
