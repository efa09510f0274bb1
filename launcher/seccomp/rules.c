#include "rules.h"

#include <errno.h>
#include <sys/ioctl.h>

const char *const sandbox_denied[] = {
    /* kernel modules and replacing the kernel */
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    /* swap, mounts and the root */
    "swapon",
    "swapoff",
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsmount",
    "fsconfig",
    "move_mount",
    "open_tree",
    "mount_setattr",
    /* other processes' memory, BPF, perf */
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "bpf",
    "perf_event_open",
    /* keyrings, handles, raw port I/O */
    "keyctl",
    "add_key",
    "request_key",
    "open_by_handle_at",
    "iopl",
    "ioperm",
    /* the clock */
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "stime",
    /* accounting, quotas, namespaces */
    "acct",
    "quotactl",
    "quotactl_fd",
    "unshare",
    "setns",
    /* obsolete */
    "uselib",
    "_sysctl",
    "ustat",
    "sysfs",
    "lookup_dcookie",
    "nfsservctl",
    "vm86",
    "vm86old",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "afs_syscall",
    "bdflush",
};
const size_t n_sandbox_denied = sizeof(sandbox_denied) / sizeof(sandbox_denied[0]);

/* personality() may be asked what it is (0xffffffff), never changed. */
static int deny_personality_change(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				SCMP_A0(SCMP_CMP_NE, 0xffffffff));
}

/* No input pushed into a terminal, no console selection pasted: what
 * bubblewrap's fix for CVE-2017-5226 refuses. QEMU has no terminal of its
 * own (its session has none); this holds even for a descriptor to one. */
static int deny_terminal_injection(scmp_filter_ctx ctx)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCSTI));

	return r < 0 ? r
		     : seccomp_rule_add(
			   ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			   SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCLINUX));
}

/* The rules are for the native ABI. A process may enter the kernel through
 * another (int 0x80, x32) and would skip every rule there: each of its
 * system calls is refused. The denied numbers are searched as a tree, for
 * every system call QEMU makes while the guest runs. */
static int set_attributes(scmp_filter_ctx ctx)
{
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));

	return r < 0 ? r : seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
}

int sandbox_rules_build(scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = set_attributes(ctx);
	for (size_t i = 0; r == 0 && i < n_sandbox_denied; i++) {
		int nr = seccomp_syscall_resolve_name(sandbox_denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* a name this libseccomp does not know on any ABI */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	if (r == 0)
		r = deny_personality_change(ctx);
	if (r == 0)
		r = deny_terminal_injection(ctx);
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}
