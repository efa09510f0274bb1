/* The running VM: the guest starts paused, is pinned, then continued; the
 * launcher waits for QEMU to end, turning signals into a graceful shutdown
 * (ACPI power button, then quit after stop_timeout, then SIGKILL). */
#ifndef PASSLAUNCH_SUPERVISE_H
#define PASSLAUNCH_SUPERVISE_H

#include "base/error.h"
#include "base/strv.h"
#include "pinning.h"
#include "qemu_output.h"
#include "profile/profile.h"

enum vm_outcome {
	VM_GUEST_SHUTDOWN, /* the guest powered off, by itself or on request */
	VM_FORCED_OFF,	   /* it ignored the request and QEMU was told to quit */
	VM_QEMU_FAILED,	   /* QEMU was killed or exited with an error */
	VM_NOT_STARTED,	   /* it never ran: err says why */
};

/* Called once the guest runs (pinned and continued). */
struct vm_running {
	void (*fn)(void *ctx);
	void *ctx;
};

/* sigfd: a signalfd for SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGCHLD;
 * signals that come while RUNNING's function runs are handled after it. */
/* OUT: QEMU's stdout and stderr, relayed to the log while it runs.
 * HOTPLUG: the passed devices QEMU started without (vm/hotplug.h), added
 * before the threads are pinned. */
enum vm_outcome vm_supervise(const struct profile *p, pid_t qemu, const struct pin_plan *plan,
			     const struct strv *hotplug, int sigfd,
			     const struct vm_running *running, struct qemu_output *out,
			     struct pl_err *err);

#endif
