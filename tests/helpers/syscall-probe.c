/* syscall-probe: stands in for QEMU ([qemu] binary = this) so a test can see
 * what a process started by `passlaunch run` may do. It prints its ids,
 * capabilities, no_new_privs, seccomp mode and memlock limit, then tries each
 * system call passlaunch's filter denies, with arguments that do no harm, and
 * prints what each returned, and last calls that must still work. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char *name, long r)
{
	printf("call %s: %s\n", name, r < 0 ? strerrorname_np(errno) : "ok");
}

#define TRY(name, ...) report(name, syscall(__VA_ARGS__))

static void print_status(void)
{
	static const char *const keys[] = {
	    "Uid:",    "Gid:",	  "Groups:", "CapInh:",	    "CapPrm:",
	    "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:"};
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];
	struct rlimit rl;

	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				printf("status %s", line);
	if (f)
		fclose(f);
	getrlimit(RLIMIT_MEMLOCK, &rl);
	printf("memlock %llu\n", (unsigned long long)rl.rlim_cur);
	printf("session %s\n", getsid(0) == getpid() ? "own" : "inherited");
	printf("controlling terminal %s\n",
	       open("/dev/tty", O_RDWR) < 0 ? strerrorname_np(errno) : "yes");
}

static sigjmp_buf no_ia32;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(no_ia32, 1);
}

/* unshare through the i386 ABI (int 0x80, system call 310). A kernel
 * without IA-32 emulation answers the int 0x80 itself with SIGSEGV. */
static void unshare_i386(void)
{
	long r;

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(no_ia32, 1)) {
		printf("ia32 unshare (i386 ABI): no IA-32 emulation in this kernel\n");
		return;
	}
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(310), "b"(0) : "memory");
	signal(SIGSEGV, SIG_DFL);
	errno = r < 0 ? (int)-r : 0;
	report("unshare (i386 ABI)", r < 0 ? -1 : r);
}

int main(void)
{
	char buf[8];
	struct iovec local = {buf, sizeof(buf)}, remote = {buf, sizeof(buf)};

	print_status();
	fflush(stdout);
	TRY("init_module", SYS_init_module, NULL, 0, "");
	TRY("finit_module", SYS_finit_module, -1, "", 0);
	TRY("delete_module", SYS_delete_module, "passlaunch_none", 0);
	TRY("kexec_load", SYS_kexec_load, 0, 0, NULL, 0);
	TRY("kexec_file_load", SYS_kexec_file_load, -1, -1, 0, "", 0);
	TRY("reboot", SYS_reboot, 0, 0, 0, NULL);
	TRY("swapon", SYS_swapon, "/nonexistent", 0);
	TRY("swapoff", SYS_swapoff, "/nonexistent");
	TRY("mount", SYS_mount, "none", "/nonexistent", "tmpfs", 0, NULL);
	TRY("umount2", SYS_umount2, "/nonexistent", 0);
	TRY("pivot_root", SYS_pivot_root, "/nonexistent", "/nonexistent");
	TRY("chroot", SYS_chroot, "/");
	TRY("ptrace", SYS_ptrace, PTRACE_PEEKDATA, getpid(), NULL, NULL);
	TRY("process_vm_readv", SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0);
	TRY("process_vm_writev", SYS_process_vm_writev, getpid(), &local, 1, &remote, 1, 0);
	TRY("bpf", SYS_bpf, -1, NULL, 0);
	TRY("perf_event_open", SYS_perf_event_open, NULL, 0, -1, -1, 0);
	TRY("keyctl", SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
	TRY("add_key", SYS_add_key, "user", "passlaunch", "x", 1, -3);
	TRY("request_key", SYS_request_key, "user", "passlaunch-none", NULL, 0);
	TRY("open_by_handle_at", SYS_open_by_handle_at, -1, NULL, 0);
	TRY("iopl", SYS_iopl, 0);
	TRY("ioperm", SYS_ioperm, 0x80, 1, 0);
	TRY("settimeofday", SYS_settimeofday, NULL, NULL);
	TRY("clock_settime", SYS_clock_settime, 0, NULL);
	TRY("clock_adjtime", SYS_clock_adjtime, 0, NULL);
	TRY("adjtimex", SYS_adjtimex, NULL);
	TRY("acct", SYS_acct, NULL);
	TRY("quotactl", SYS_quotactl, 0, NULL, 0, NULL);
	TRY("personality", SYS_personality, PER_LINUX);
	TRY("unshare", SYS_unshare, 0);
	TRY("setns", SYS_setns, -1, 0);
	TRY("uselib", SYS_uselib, "/nonexistent");
	TRY("ustat", SYS_ustat, 0, NULL);
	TRY("sysfs", SYS_sysfs, 3);
	/* Input pushed into a terminal, a console selection: on stdin
	 * (/dev/null), so that nothing happens even without a filter. */
	TRY("ioctl TIOCSTI", SYS_ioctl, 0, TIOCSTI, "x");
	TRY("ioctl TIOCLINUX", SYS_ioctl, 0, TIOCLINUX, "\0");
	unshare_i386();
	/* getpid through the x32 ABI: refused with the other foreign ABIs (a
	 * kernel that does not run x32 answers ENOSYS without a filter). */
	TRY("getpid (x32 ABI)", 0x40000000 | SYS_getpid);
	/* Allowed: a query of the personality, and the calls any program makes. */
	TRY("allowed personality query", SYS_personality, 0xffffffff);
	report("allowed getpid", getpid());
	report("allowed open /dev/null", open("/dev/null", O_RDONLY));
	return 0;
}
