#include "hotplug.h"

#include "base/clock.h"
#include "base/log.h"
#include "qemu/qmp_json.h"

#include <errno.h>
#include <poll.h>

#define RESET_TIMEOUT_MS 30000

static void add_arg(json_object *args, char *token, bool driver)
{
	char *eq = driver ? NULL : strchr(token, '=');

	if (driver)
		json_object_object_add(args, "driver", json_object_new_string(token));
	else if (eq) {
		*eq = '\0';
		json_object_object_add(args, token, json_object_new_string(eq + 1));
	}
}

json_object *hotplug_device_args(const char *spec)
{
	json_object *args = json_object_new_object();
	_cleanup_free_ char *token = xmalloc(strlen(spec) + 1);
	bool driver = true;
	size_t n = 0;

	for (const char *c = spec;; c++) {
		if (c[0] == ',' && c[1] == ',') {
			token[n++] = *c++;
			continue;
		}
		if (*c && *c != ',') {
			token[n++] = *c;
			continue;
		}
		token[n] = '\0';
		add_arg(args, token, driver);
		driver = false;
		n = 0;
		if (!*c)
			return args;
	}
}

static bool is_reset(json_object *ev)
{
	_cleanup_free_ char *name = qj_string(ev, "event");

	return name && streq(name, "RESET");
}

/* The reset is done by QEMU's main loop after the command's reply: its
 * event says it is over, and only then may the guest run. */
static int wait_reset(struct qmp *q, const char *vm, struct pl_err *err)
{
	uint64_t deadline = clock_ms() + RESET_TIMEOUT_MS;
	bool closed = false;

	for (;;) {
		struct pollfd pfd = {q->fd, POLLIN, 0};
		uint64_t now = clock_ms();
		json_object *ev;

		while ((ev = qmp_next_event(q))) {
			bool reset = is_reset(ev);
			json_object_put(ev);
			if (reset)
				return 0;
		}
		if (closed)
			return err_set(err, ECONNRESET, "%s: QEMU closed its monitor", vm);
		if (now >= deadline)
			return err_set(err, ETIMEDOUT, "%s: QEMU did not reset the machine in %d s",
				       vm, RESET_TIMEOUT_MS / 1000);
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			return err_set(err, errno, "poll: %s", strerror(errno));
		/* The events read with the end of the stream count: taken above. */
		if (pfd.revents & (POLLIN | POLLHUP))
			closed = qmp_pump(q) < 0;
	}
}

static int add_device(struct qmp *q, const char *vm, const char *spec, int timeout_ms,
		      struct pl_err *err)
{
	struct pl_err why = {0};
	int r = qmp_execute(q, "device_add", hotplug_device_args(spec), NULL, timeout_ms, &why);

	if (r < 0)
		err_set(err, -r, "%s: QEMU could not add the passed device %s: %s", vm, spec,
			why.msg);
	return r;
}

/* Whether a device boots: the firmware's boot order, which QEMU writes
 * at the machine's start, then at each reset, must name it. */
static bool any_boots(const struct strv *devices)
{
	for (size_t i = 0; i < devices->n; i++)
		if (strstr(devices->v[i], ",bootindex="))
			return true;
	return false;
}

int hotplug_devices(struct qmp *q, const char *vm, const struct strv *devices, int timeout_ms,
		    struct pl_err *err)
{
	uint64_t start = clock_ms();
	int r = 0;

	/* QEMU resets each device it adds, as at a cold start; the machine is
	 * reset only for the boot order. */
	for (size_t i = 0; r == 0 && i < devices->n; i++)
		r = add_device(q, vm, devices->v[i], timeout_ms, err);
	if (r == 0 && any_boots(devices))
		r = qmp_execute(q, "system_reset", NULL, NULL, timeout_ms, err);
	if (r == 0 && any_boots(devices))
		r = wait_reset(q, vm, err);
	if (r == 0 && devices->n)
		log_info("%s: %zu passed device%s added in %llu ms", vm, devices->n,
			 devices->n == 1 ? "" : "s", (unsigned long long)(clock_ms() - start));
	return r;
}
