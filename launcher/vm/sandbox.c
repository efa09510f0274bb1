#include "sandbox.h"

#include "sandbox_bpf.h"

#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel only reads the program; struct sock_fprog has no const. */
const struct sock_fprog sandbox_program = {
    .len = sizeof(sandbox_bpf) / sizeof(sandbox_bpf[0]),
    .filter = (struct sock_filter *)sandbox_bpf,
};

int sandbox_load(const struct sock_fprog *program)
{
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, program);
}
