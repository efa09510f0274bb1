/* What a running VM leaves in /run/passlaunch/NAME/ for the other commands:
 * state.json (launcher and QEMU PIDs, start time, pinning, GPUs) beside
 * QEMU's sockets and the undo journal. */
#ifndef PASSLAUNCH_RUNSTATE_H
#define PASSLAUNCH_RUNSTATE_H

#include "base/error.h"
#include "host/pin_plan.h"
#include "profile/profile.h"

#include <json-c/json.h>

/* /run/passlaunch and /run/passlaunch/NAME: root's, 0711. */
int runtime_dir_create(struct pl_err *err);
int runstate_create_dir(const char *vm, struct pl_err *err);
int runstate_create_qemu_dir(const char *vm, uid_t uid, gid_t gid, struct pl_err *err);
int runstate_write(const struct profile *p, pid_t qemu, const struct pin_plan *plan,
		   struct pl_err *err);
/* state.json of a running VM, or NULL. */
json_object *runstate_read(const char *vm);
/* Removes what hooks kept in /run/passlaunch/VM/hooks/: left by a run
 * whose journal is gone, it has nothing left to undo. */
void runstate_remove_hook_state(const char *vm);
/* Removes the sockets and state a run left; the journal must be gone. */
void runstate_remove(const char *vm);

#endif
