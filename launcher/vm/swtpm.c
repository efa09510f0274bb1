#include "swtpm.h"

#include "base/clock.h"
#include "base/log.h"
#include "host/procs.h"
#include "spawn.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>

#define SWTPM_BINARY	 "/usr/bin/swtpm"
#define SWTPM_TIMEOUT_MS 10000

static int wait_for_socket(const char *path, pid_t pid, struct pl_err *err)
{
	uint64_t deadline = clock_ms() + SWTPM_TIMEOUT_MS;
	struct stat st;

	while (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		if (proc_wait_exit(pid, 0))
			return err_set(err, ECHILD, "swtpm exited before it opened %s", path);
		if (clock_ms() >= deadline)
			return err_set(err, ETIMEDOUT, "swtpm did not open %s within %d s", path,
				       SWTPM_TIMEOUT_MS / 1000);
		clock_wait_ms(20);
	}
	return 0;
}

int swtpm_start(const struct profile *p, const struct child_setup *setup, struct journal *j,
		pid_t *pid, struct pl_err *err)
{
	_cleanup_free_ char *state = vmpath_tpm(p);
	_cleanup_free_ char *sock = vmpath_swtpm(p->vm.name);
	_cleanup_free_ char *state_arg = xasprintf("dir=%s,mode=0600", state);
	_cleanup_free_ char *ctrl_arg = xasprintf("type=unixio,path=%s", sock);
	char *argv[] = {(char *)SWTPM_BINARY,
			(char *)"socket",
			(char *)"--tpm2",
			(char *)"--tpmstate",
			state_arg,
			(char *)"--ctrl",
			ctrl_arg,
			(char *)"--terminate",
			NULL};
	int r;

	*pid = 0;
	if (!p->firmware.tpm)
		return 0;
	if (access(SWTPM_BINARY, X_OK) < 0)
		return err_set(err, ENOENT, "tpm = yes needs %s: install Debian's swtpm package",
			       SWTPM_BINARY);
	if (mkdir(state, 0700) < 0 && errno != EEXIST)
		return err_set(err, errno, "cannot create %s: %s", state, strerror(errno));
	r = spawn_child(argv, setup, pid, err);
	if (r < 0)
		return r;
	r = journal_process(j, *pid, "swtpm", err);
	if (r == 0)
		r = wait_for_socket(sock, *pid, err);
	if (r == 0)
		log_info("%s: TPM 2.0 emulator started (swtpm PID %d)", p->vm.name, (int)*pid);
	return r;
}
