#include "qmp.h"

#include "base/clock.h"
#include "qmp_json.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static int connect_once(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Alive, and not a zombie: a child that exited stays findable by kill()
 * until it is reaped. Looked at without reaping it. */
static bool pid_alive(pid_t pid)
{
	siginfo_t info = {0};

	if (pid <= 0)
		return true;
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid)
		return false;
	return kill(pid, 0) == 0;
}

/* Room for at least 4 KiB more, the buffer never past QMP_MAX_MESSAGE bytes
 * and its NUL. Called only when no whole line is buffered: a full buffer is
 * a line too long. */
static int make_room(struct qmp *q)
{
	size_t want;

	if (q->start) {
		memmove(q->buf, q->buf + q->start, q->len - q->start);
		q->len -= q->start;
		q->start = 0;
	}
	if (q->cap - q->len >= 4096)
		return 0;
	if (q->cap == QMP_MAX_MESSAGE + 1)
		return q->len + 1 < q->cap ? 0 : -EMSGSIZE;
	want = q->cap ? q->cap * 2 : 8192;
	q->cap = want < QMP_MAX_MESSAGE + 1 ? want : QMP_MAX_MESSAGE + 1;
	q->buf = xreallocarray(q->buf, q->cap, 1);
	return 0;
}

/* Reads whatever is available, waiting at most timeout_ms for the first byte. */
static int fill(struct qmp *q, int timeout_ms)
{
	struct pollfd p = {q->fd, POLLIN, 0};
	ssize_t n;
	int r = q->fd < 0 ? -ECONNRESET : make_room(q);

	if (r < 0)
		return r;
	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(q->fd, q->buf + q->len, q->cap - q->len - 1);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	q->len += (size_t)n;
	q->buf[q->len] = '\0';
	return 0;
}

/* One JSON object, and nothing after it but blanks; NULL otherwise. */
static json_object *parse_line(const char *line, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
	size_t end = tok ? json_tokener_get_parse_end(tok) : 0;

	if (!tok)
		die_oom();
	if (o && json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(o, json_type_object) && strspn(line + end, " \t\r") == len - end) {
		json_tokener_free(tok);
		return o;
	}
	json_object_put(o);
	json_tokener_free(tok);
	return NULL;
}

/* A message: an object; an event if it has "event", which must be a string. */
enum { MSG_NONE, MSG_REPLY, MSG_EVENT, MSG_BAD };

/* The next complete line, or MSG_NONE when no whole line is buffered;
 * *len: the line's length. Lines are taken from q->start on, the buffer
 * moved up once before the next read (not once a line: a read of many
 * short lines costs its length, not its length squared). */
static int take_message(struct qmp *q, json_object **msg, size_t *len)
{
	char *line = q->len > q->start ? q->buf + q->start : NULL;
	char *nl = line ? memchr(line, '\n', q->len - q->start) : NULL;
	json_object *name;

	*msg = NULL;
	if (!nl)
		return MSG_NONE;
	*len = (size_t)(nl - line) + 1;
	*msg = parse_line(line, *len - 1);
	q->start += *len;
	if (!*msg)
		return MSG_BAD;
	if (!json_object_object_get_ex(*msg, "event", &name))
		return MSG_REPLY;
	if (json_object_is_type(name, json_type_string))
		return MSG_EVENT;
	json_object_put(*msg);
	*msg = NULL;
	return MSG_BAD;
}

static void drop_oldest(struct qmp *q)
{
	size_t i = q->head;

	json_object_put(q->events[i]);
	q->events[i] = NULL;
	q->event_bytes -= q->event_len[i];
	q->head = (i + 1) % QMP_MAX_EVENTS;
	q->n_events--;
	q->events_dropped++;
}

/* When the ring is full, or its events would be more than
 * QMP_MAX_EVENT_BYTES, the oldest go first; each is counted. */
static void queue_event(struct qmp *q, json_object *msg, size_t len)
{
	size_t i;

	if (len > QMP_MAX_EVENT_BYTES) {
		json_object_put(msg);
		q->events_dropped++;
		return;
	}
	while (q->n_events == QMP_MAX_EVENTS || q->event_bytes + len > QMP_MAX_EVENT_BYTES)
		drop_oldest(q);
	i = (q->head + q->n_events++) % QMP_MAX_EVENTS;
	q->events[i] = msg;
	q->event_len[i] = len;
	q->event_bytes += len;
}

/* The stream is out of step with the commands: nothing more is read. */
static void give_up(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

/* Waits for the next message that is not an event, queueing events. */
static int read_reply(struct qmp *q, json_object **reply, int timeout_ms)
{
	uint64_t deadline = clock_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		json_object *msg;
		size_t len;
		int kind = take_message(q, &msg, &len), r;
		uint64_t now;
		if (kind == MSG_EVENT) {
			queue_event(q, msg, len);
			continue;
		}
		if (kind == MSG_REPLY) {
			*reply = msg;
			return 0;
		}
		now = clock_ms();
		r = kind == MSG_BAD ? -EPROTO : now >= deadline ? -ETIMEDOUT : 0;
		if (r == 0)
			r = fill(q, deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now));
		if (r < 0) {
			give_up(q);
			return r;
		}
	}
}

static const char *read_error(int r)
{
	switch (r) {
	case -ECONNRESET:
		return "QEMU closed the connection";
	case -ETIMEDOUT:
		return "QEMU did not answer in time";
	case -EPROTO:
		return "QEMU sent a line that is not a QMP message (a JSON object; an event's name "
		       "a string)";
	case -EMSGSIZE:
		return "QEMU sent a line longer than 16 MiB";
	default:
		return strerror(-r);
	}
}

static int wait_for_socket(const char *path, int timeout_ms, pid_t alive_pid, struct pl_err *err)
{
	uint64_t deadline = clock_ms() + (uint64_t)timeout_ms;
	int fd;

	/* QEMU creates the socket early in its start; poll for it on a short
	 * tick, bounded, and stop at once if QEMU dies. */
	while ((fd = connect_once(path)) < 0) {
		if (fd != -ENOENT && fd != -ECONNREFUSED)
			return err_set(err, -fd, "QMP: cannot connect to %s: %s", path,
				       strerror(-fd));
		if (!pid_alive(alive_pid))
			return err_set(err, ECHILD, "QEMU exited before it opened its QMP socket");
		if (clock_ms() >= deadline)
			return err_set(err, ETIMEDOUT, "QMP: %s did not appear within %d s", path,
				       timeout_ms / 1000);
		clock_wait_ms(20);
	}
	return fd;
}

int qmp_attach(struct qmp *q, int fd, int timeout_ms, struct pl_err *err)
{
	json_object *greeting = NULL;
	int r;

	*q = (struct qmp){.fd = fd};
	r = read_reply(q, &greeting, timeout_ms);
	if (r == 0 && !qj_member(greeting, "QMP", json_type_object))
		r = err_set(err, EPROTO,
			    "QMP: QEMU's greeting has no \"QMP\" object; is this QEMU's monitor?");
	json_object_put(greeting);
	if (r < 0)
		return err_set(err, -r, "QMP: no greeting from QEMU: %s", read_error(r));
	return qmp_execute(q, "qmp_capabilities", NULL, NULL, timeout_ms, err);
}

int qmp_connect(struct qmp *q, const char *path, int timeout_ms, pid_t alive_pid,
		struct pl_err *err)
{
	int fd;

	*q = (struct qmp){.fd = -1};
	fd = wait_for_socket(path, timeout_ms, alive_pid, err);
	if (fd < 0)
		return fd;
	return qmp_attach(q, fd, timeout_ms, err);
}

/* Sends all of TEXT, waiting at most timeout_ms for room in the socket. */
static int send_all(struct qmp *q, const char *text, int timeout_ms)
{
	uint64_t deadline = clock_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	size_t len = strlen(text), off = 0;

	while (off < len) {
		struct pollfd p = {q->fd, POLLOUT, 0};
		ssize_t n = send(q->fd, text + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		uint64_t now = clock_ms();
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (now >= deadline)
			return -ETIMEDOUT;
		poll(&p, 1, deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now));
	}
	return 0;
}

static int send_command(struct qmp *q, const char *command, json_object *args, int timeout_ms)
{
	json_object *req = json_object_new_object();
	_cleanup_free_ char *text = NULL;

	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", args);
	text = xasprintf("%s\n", json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	if (q->fd < 0)
		return -ECONNRESET;
	return send_all(q, text, timeout_ms);
}

/* {"error": {"desc": ...}}: the reason shown is QEMU's, made printable. */
static int reply_error(json_object *reply, const char *command, struct pl_err *err)
{
	json_object *e = qj_member(reply, "error", json_type_object);
	_cleanup_free_ char *desc = qj_string(e, "desc");

	return err_set(err, EIO, "QMP %s failed: %s", command, desc ? desc : "QEMU gave no reason");
}

int qmp_execute(struct qmp *q, const char *command, json_object *args, json_object **ret,
		int timeout_ms, struct pl_err *err)
{
	json_object *reply = NULL, *value;
	int r = send_command(q, command, args, timeout_ms);

	if (ret)
		*ret = NULL;
	if (r == 0)
		r = read_reply(q, &reply, timeout_ms);
	if (r < 0)
		return err_set(err, -r, "QMP %s: %s", command, read_error(r));
	if (json_object_object_get_ex(reply, "error", NULL))
		r = reply_error(reply, command, err);
	else if (!json_object_object_get_ex(reply, "return", &value))
		r = err_set(err, EPROTO,
			    "QMP: QEMU's reply to %s has neither \"return\" nor \"error\"",
			    command);
	else if (ret)
		*ret = json_object_get(value);
	json_object_put(reply);
	return r;
}

int qmp_query(struct qmp *q, const char *command, json_type type, json_object **ret, int timeout_ms,
	      struct pl_err *err)
{
	int r = qmp_execute(q, command, NULL, ret, timeout_ms, err);

	if (r < 0 || json_object_is_type(*ret, type))
		return r;
	r = err_set(err, EPROTO, "QMP: QEMU sent a reply to %s that is not %s (it is %s)", command,
		    type == json_type_array ? "an array" : "an object", qj_type_name(*ret));
	json_object_put(*ret);
	*ret = NULL;
	return r;
}

/* Takes every whole line buffered: events queued, the rest dropped. */
static void take_events(struct qmp *q)
{
	json_object *msg;
	size_t len;
	int kind;

	while ((kind = take_message(q, &msg, &len)) != MSG_NONE) {
		if (kind == MSG_EVENT) {
			queue_event(q, msg, len);
			continue;
		}
		if (kind == MSG_BAD)
			q->bad_messages++;
		json_object_put(msg);
	}
}

int qmp_pump(struct qmp *q)
{
	int r;

	take_events(q);
	r = fill(q, 0);
	take_events(q);
	return r == -ETIMEDOUT ? 0 : r;
}

json_object *qmp_next_event(struct qmp *q)
{
	json_object *ev;

	if (!q->n_events)
		return NULL;
	ev = q->events[q->head];
	q->events[q->head] = NULL;
	q->event_bytes -= q->event_len[q->head];
	q->head = (q->head + 1) % QMP_MAX_EVENTS;
	q->n_events--;
	return ev;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	for (size_t i = 0; i < q->n_events; i++)
		json_object_put(q->events[(q->head + i) % QMP_MAX_EVENTS]);
	free(q->buf);
	*q = (struct qmp){.fd = -1};
}
