/* The rules of the seccomp filter QEMU runs under, on top of QEMU's own
 * -sandbox: it allows by default and denies with EPERM what QEMU never
 * needs. libseccomp turns them into a BPF program when passlaunch is built
 * (gen.c); the launcher carries that program and loads it as it is. */
#ifndef PASSLAUNCH_SECCOMP_RULES_H
#define PASSLAUNCH_SECCOMP_RULES_H

#include <seccomp.h>
#include <stddef.h>

/* The system calls denied, by name. */
extern const char *const sandbox_denied[];
extern const size_t n_sandbox_denied;

/* 0, or a negative errno from libseccomp. */
int sandbox_rules_build(scmp_filter_ctx *ctx);

#endif
