/* The seccomp filter QEMU runs under (rules: seccomp/rules.c), compiled to
 * BPF when passlaunch is built; the child loads it as its last step before
 * exec. */
#ifndef PASSLAUNCH_SANDBOX_H
#define PASSLAUNCH_SANDBOX_H

#include <linux/filter.h>

extern const struct sock_fprog sandbox_program;

/* In the child, after no_new_privs: 0, or -1 with errno set. */
int sandbox_load(const struct sock_fprog *program);

#endif
