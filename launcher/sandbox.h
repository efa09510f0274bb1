/* The seccomp filter QEMU runs under, on top of QEMU's own -sandbox: it
 * allows by default and denies with EPERM what QEMU never needs. Built
 * before fork, loaded by the child as its last step before exec. */
#ifndef PASSLAUNCH_SANDBOX_H
#define PASSLAUNCH_SANDBOX_H

#include "error.h"

#include <seccomp.h>

/* The system calls denied, by name, for the documentation and the tests. */
extern const char *const sandbox_denied[];
extern const size_t n_sandbox_denied;

int sandbox_filter(scmp_filter_ctx *ctx, struct pl_err *err);

#endif
