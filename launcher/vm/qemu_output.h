/* QEMU's stdout and stderr, a pipe the launcher reads and copies to its
 * own stderr, made safe for a terminal (base/termsafe.h): QEMU never holds
 * a descriptor of root's terminal or of the log `start` shows. */
#ifndef PASSLAUNCH_QEMU_OUTPUT_H
#define PASSLAUNCH_QEMU_OUTPUT_H

#include "base/termsafe.h"

struct qemu_output {
	int fd; /* the pipe's read end; -1 once it ended */
	struct termsafe safe;
};

/* Copies what is there, without waiting; closes the pipe at its end. */
void qemu_output_relay(struct qemu_output *o);
/* Everything still in the pipe, waiting at most TIMEOUT_MS for its end
 * (QEMU exiting), then closes it. */
void qemu_output_drain(struct qemu_output *o, int timeout_ms);

#endif
