/* Runs one hook for one phase: `HOOK VMNAME PHASE`, stdin /dev/null, its
 * output into the log prefixed with its name, in a process group of its own
 * that gets SIGTERM past the timeout and SIGKILL after a grace period. */
#ifndef PASSLAUNCH_HOOK_EXEC_H
#define PASSLAUNCH_HOOK_EXEC_H

#include "base/error.h"

#define HOOK_KILL_GRACE_MS 5000

struct hook_call {
	const char *name;
	const char *path;
	const char *vm;
	const char *phase;
	char *const *envp;
	unsigned timeout_s;
};

/* 0 when the hook exited with status 0; else err says how it failed. */
int hook_exec(const struct hook_call *c, struct pl_err *err);

#endif
