#include "qmp.h"

#include "base/clock.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define QMP_MAX_MESSAGE (16 * 1024 * 1024)

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

/* Reads whatever is available, waiting at most timeout_ms for the first byte. */
static int fill(struct qmp *q, int timeout_ms)
{
	struct pollfd p = {q->fd, POLLIN, 0};
	ssize_t n;
	int r = poll(&p, 1, timeout_ms);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (q->cap - q->len < 4096) {
		if (q->cap > QMP_MAX_MESSAGE)
			return -EMSGSIZE;
		q->cap = q->cap ? q->cap * 2 : 8192;
		q->buf = xreallocarray(q->buf, q->cap, 1);
	}
	n = read(q->fd, q->buf + q->len, q->cap - q->len - 1);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	q->len += (size_t)n;
	q->buf[q->len] = '\0';
	return 0;
}

/* The next complete line as JSON, or NULL when no whole line is buffered. */
static json_object *take_message(struct qmp *q)
{
	char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
	json_object *msg;
	size_t used;

	if (!nl)
		return NULL;
	*nl = '\0';
	msg = json_tokener_parse(q->buf);
	used = (size_t)(nl - q->buf) + 1;
	memmove(q->buf, nl + 1, q->len - used);
	q->len -= used;
	return msg ? msg : json_object_new_object();
}

static void queue_event(struct qmp *q, json_object *msg)
{
	q->events = xreallocarray(q->events, q->n_events + 1, sizeof(*q->events));
	q->events[q->n_events++] = msg;
}

/* Waits for the next message that is not an event, queueing events. */
static int read_reply(struct qmp *q, json_object **reply, int timeout_ms)
{
	uint64_t deadline = clock_ms() + (uint64_t)timeout_ms;

	for (;;) {
		json_object *msg = take_message(q);
		int r;
		if (msg && json_object_object_get_ex(msg, "event", NULL)) {
			queue_event(q, msg);
			continue;
		}
		if (msg) {
			*reply = msg;
			return 0;
		}
		if (clock_ms() >= deadline)
			return -ETIMEDOUT;
		r = fill(q, (int)(deadline - clock_ms()));
		if (r < 0)
			return r;
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
	if (r == 0 && !json_object_object_get_ex(greeting, "QMP", NULL))
		r = -EPROTO;
	json_object_put(greeting);
	if (r < 0)
		return err_set(err, -r, "QMP: no greeting from QEMU: %s", strerror(-r));
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

static int send_command(struct qmp *q, const char *command, json_object *args)
{
	json_object *req = json_object_new_object();
	const char *text;
	size_t len, off = 0;
	int r = 0;

	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", args);
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);
	while (off < len && r == 0) {
		ssize_t n = send(q->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (r == 0 && send(q->fd, "\n", 1, MSG_NOSIGNAL) != 1)
		r = -errno;
	json_object_put(req);
	return r;
}

int qmp_execute(struct qmp *q, const char *command, json_object *args, json_object **ret,
		int timeout_ms, struct pl_err *err)
{
	json_object *reply = NULL, *value, *desc;
	int r = send_command(q, command, args);

	if (r == 0)
		r = read_reply(q, &reply, timeout_ms);
	if (r < 0)
		return err_set(err, -r, "QMP %s: %s", command,
			       r == -ECONNRESET ? "QEMU closed the connection" : strerror(-r));
	if (json_object_object_get_ex(reply, "error", &value)) {
		json_object_object_get_ex(value, "desc", &desc);
		err_set(err, EIO, "QMP %s failed: %s", command,
			desc ? json_object_get_string(desc) : "no reason given");
		json_object_put(reply);
		return -EIO;
	}
	if (ret) {
		json_object_object_get_ex(reply, "return", &value);
		*ret = json_object_get(value);
	}
	json_object_put(reply);
	return 0;
}

int qmp_pump(struct qmp *q)
{
	int r = fill(q, 0);
	json_object *msg;

	while ((msg = take_message(q))) {
		if (json_object_object_get_ex(msg, "event", NULL))
			queue_event(q, msg);
		else
			json_object_put(msg);
	}
	return r == -ETIMEDOUT ? 0 : r;
}

json_object *qmp_next_event(struct qmp *q)
{
	json_object *ev;

	if (!q->n_events)
		return NULL;
	ev = q->events[0];
	memmove(q->events, q->events + 1, (q->n_events - 1) * sizeof(*q->events));
	q->n_events--;
	return ev;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	for (size_t i = 0; i < q->n_events; i++)
		json_object_put(q->events[i]);
	free(q->events);
	free(q->buf);
	*q = (struct qmp){.fd = -1};
}
