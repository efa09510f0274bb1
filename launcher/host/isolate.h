/* isolate = yes: while the VM runs, the host's own tasks are confined to the
 * CPUs its vCPUs do not use, through the cgroup v2 cpuset controller; QEMU
 * lives in a cgroup of its own (passlaunch.NAME) with every CPU. */
#ifndef PASSLAUNCH_ISOLATE_H
#define PASSLAUNCH_ISOLATE_H

#include "base/error.h"
#include "journal.h"
#include "pin_plan.h"
#include "profile/profile.h"

/* Enables cpuset at the root, creates the VM's cgroup, and confines every
 * other top-level cgroup to the host CPUs; each change journaled first. */
int isolate_prepare(const struct profile *p, const struct pin_plan *plan, struct journal *j,
		    struct pl_err *err);
/* Moves QEMU, all its threads, into the VM's cgroup. */
int isolate_adopt(const struct profile *p, pid_t qemu, struct pl_err *err);

#endif
