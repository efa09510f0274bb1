/* A QMP client on json-c: greeting, capabilities, commands with replies,
 * events queued while a reply is awaited. Every wait is bounded. */
#ifndef PASSLAUNCH_QMP_H
#define PASSLAUNCH_QMP_H

#include "base/error.h"

#include <json-c/json.h>

struct qmp {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	json_object **events;
	size_t n_events;
};

/* Connects to QEMU's monitor socket, waiting up to timeout_ms for QEMU to
 * create and accept it, then negotiates capabilities. alive_pid, when > 0,
 * is QEMU: the wait ends early if it exits. */
int qmp_connect(struct qmp *q, const char *path, int timeout_ms, pid_t alive_pid,
		struct pl_err *err);
/* The same on a connected socket, which q owns from then on (qmp_close
 * closes it, also after a failure). */
int qmp_attach(struct qmp *q, int fd, int timeout_ms, struct pl_err *err);
/* Runs a command; args (may be NULL) is consumed. On success *ret (may be
 * NULL) holds the "return" value, which the caller puts. */
int qmp_execute(struct qmp *q, const char *command, json_object *args, json_object **ret,
		int timeout_ms, struct pl_err *err);
/* Reads what QEMU sent without waiting; queues events. -ECONNRESET when
 * QEMU closed the socket. */
int qmp_pump(struct qmp *q);
/* Takes the oldest queued event, or NULL. The caller puts it. */
json_object *qmp_next_event(struct qmp *q);
void qmp_close(struct qmp *q);

#endif
