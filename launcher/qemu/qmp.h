/* A QMP client on json-c: greeting, capabilities, commands with replies,
 * events queued while a reply is awaited. Every message QEMU sends is hostile
 * input (QEMU's user is not trusted): a line must be a JSON object of at most
 * QMP_MAX_MESSAGE bytes, every wait is bounded, and at most QMP_MAX_EVENTS
 * events of QMP_MAX_EVENT_BYTES in all wait unread, the oldest dropped first. After a reply that is
 * late, too long or not QMP the connection is closed: what follows would be out of step with the
 * commands. */
#ifndef PASSLAUNCH_QMP_H
#define PASSLAUNCH_QMP_H

#include "base/error.h"

#include <json-c/json.h>

#define QMP_MAX_MESSAGE	    (16 * 1024 * 1024)
#define QMP_MAX_EVENTS	    256
#define QMP_MAX_EVENT_BYTES (1024 * 1024)

struct qmp {
	int fd;
	char *buf;
	size_t start; /* the first byte not yet taken */
	size_t len;
	size_t cap;
	json_object *events[QMP_MAX_EVENTS]; /* a ring, the oldest at head */
	size_t event_len[QMP_MAX_EVENTS];    /* each one's line */
	size_t head;
	size_t n_events;
	size_t event_bytes;    /* their lines in all */
	size_t events_dropped; /* the oldest, when more came than the ring holds */
	size_t bad_messages;   /* lines qmp_pump dropped: not QMP messages */
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
 * NULL) holds the "return" value, of any type (NULL for JSON null), which the
 * caller puts. A reply with neither "return" nor "error" is an error. */
int qmp_execute(struct qmp *q, const char *command, json_object *args, json_object **ret,
		int timeout_ms, struct pl_err *err);
/* qmp_execute for a command whose "return" must be of TYPE. */
int qmp_query(struct qmp *q, const char *command, json_type type, json_object **ret, int timeout_ms,
	      struct pl_err *err);
/* Reads what QEMU sent without waiting; queues events, drops the rest.
 * -ECONNRESET when QEMU closed the socket, -EMSGSIZE for a line too long. */
int qmp_pump(struct qmp *q);
/* Takes the oldest queued event, or NULL. Its "event" is a string. The
 * caller puts it. */
json_object *qmp_next_event(struct qmp *q);
void qmp_close(struct qmp *q);

#endif
