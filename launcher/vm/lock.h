/* One instance per VM: an exclusive lock on /run/passlaunch/NAME.lock that
 * holds the launcher's PID. */
#ifndef PASSLAUNCH_LOCK_H
#define PASSLAUNCH_LOCK_H

#include "base/error.h"

#include <sys/types.h>

int vm_lock(const char *vm, int *fd, struct pl_err *err);
/* The PID of the launcher running vm, or 0 when none runs. */
pid_t vm_lock_holder(const char *vm);

#endif
