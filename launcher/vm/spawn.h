/* Starting the processes a run needs (QEMU, swtpm) so that they stay under
 * the launcher's control and hold no more than they need: a session of
 * their own with no controlling terminal (the terminal's Ctrl-C reaches only
 * the launcher, which shuts the guest down properly, and nothing can be
 * pushed into root's terminal), no inherited file descriptors, a clean environment, the
 * user's ids with no capabilities, a death signal when the launcher dies,
 * no_new_privs and a seccomp filter. A failure before exec comes back to the
 * parent as a message. */
#ifndef PASSLAUNCH_SPAWN_H
#define PASSLAUNCH_SPAWN_H

#include "base/error.h"
#include "host/identity.h"

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

struct child_setup {
	const struct identity *id;	  /* NULL, or id->drop false: keep the launcher's ids */
	char *const *envp;		  /* NULL: the launcher's environment */
	uint64_t memlock;		  /* RLIMIT_MEMLOCK in bytes; 0: leave it */
	const struct sock_fprog *seccomp; /* NULL: none */
	const int *fds;			  /* handed to the program as 3, 4, ... */
	size_t n_fds;			  /* at most SPAWN_MAX_FDS */
	int output;			  /* > 0: its stdout and stderr; else /dev/null */
};

#define SPAWN_MAX_FDS 64

int spawn_child(char *const argv[], const struct child_setup *setup, pid_t *pid,
		struct pl_err *err);

#endif
