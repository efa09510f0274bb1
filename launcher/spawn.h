/* Starting the processes a run needs (QEMU, swtpm) so that they stay under
 * the launcher's control: own process group (the terminal's Ctrl-C reaches
 * only the launcher, which shuts the guest down properly), death signal
 * when the launcher dies, stdin from /dev/null. A failure before exec comes
 * back to the parent as a message. */
#ifndef PASSLAUNCH_SPAWN_H
#define PASSLAUNCH_SPAWN_H

#include "error.h"

#include <sys/types.h>

int spawn_child(char *const argv[], pid_t *pid, struct pl_err *err);

#endif
