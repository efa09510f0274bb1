/* libFuzzer harness: the input plays QEMU against the QMP client's whole
 * session, as the launcher runs it: greeting and qmp_capabilities
 * (qmp_attach), query-status, query-cpus-fast and query-iothreads read by
 * the thread-list parsing pinning uses (qmp_query_threads, for a guest of
 * two vCPUs), then events pumped and drained. The input is QEMU's byte
 * stream: its lines are the messages, sent before the session starts and
 * followed by the end of the stream, so no wait is ever long.
 *
 * What the launcher relies on is checked here, so that a reply that slips
 * past the checks is a crash: every vCPU's cpu-index indexes a plan of two
 * (ASan sees a read past it), every thread id is a positive pid, every
 * event's name a string, the queue and the buffer within their bounds. */
#include "qemu/qmp.h"
#include "feed.h"
#include "qemu/qmp_json.h"
#include "qemu/qmp_threads.h"

#include <stdint.h>
#include <sys/socket.h>

#define N_VCPUS 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What pin_one does with a vCPU thread: its host CPU from the plan. */
static void check_threads(const struct qemu_threads *t)
{
	unsigned *plan = xcalloc(N_VCPUS, sizeof(*plan));
	unsigned sum = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->t[i].tid <= 0)
			__builtin_trap();
		if (streq(t->t[i].role, "vCPU"))
			sum += plan[t->t[i].index];
	}
	free(plan);
	(void)sum;
}

static void drain_events(struct qmp *q)
{
	json_object *ev;

	while (qmp_pump(q) == 0)
		;
	if (q->n_events > QMP_MAX_EVENTS || q->cap > QMP_MAX_MESSAGE + 1)
		__builtin_trap();
	while ((ev = qmp_next_event(q))) {
		char *name = qj_string(ev, "event");
		char *reason = qj_string(qj_member(ev, "data", json_type_object), "reason");
		if (!name)
			__builtin_trap();
		free(name);
		free(reason);
		json_object_put(ev);
	}
}

static void session(int fd)
{
	struct qmp q;
	struct qemu_threads threads = {0};
	struct pl_err err = {0};
	json_object *status = NULL;

	if (qmp_attach(&q, fd, 1000, &err) == 0 &&
	    qmp_query(&q, "query-status", json_type_object, &status, 1000, &err) == 0 &&
	    qmp_query_threads(&q, N_VCPUS, &threads, &err) == 0)
		check_threads(&threads);
	json_object_put(status);
	qemu_threads_free(&threads);
	drain_events(&q);
	qmp_close(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[2];

	if (feed_socket(data, size, fds) < 0)
		return 0;
	session(fds[0]);
	close(fds[1]);
	return 0;
}
