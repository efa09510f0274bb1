/* Unit tests of the QMP client against a hostile QEMU: canned server bytes
 * on a socketpair, read by the real client (greeting, capabilities,
 * commands, events) and by the thread lists that pinning uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/clock.h"
#include "qemu/qmp.h"
#include "qemu/qmp_threads.h"
#include "vm/hotplug.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define HELLO                                                                                      \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 2, \"major\": 7}}, "         \
	"\"capabilities\": []}}\n{\"return\": {}}\n"

static int server = -1;

static int close_server(void **state)
{
	(void)state;
	if (server >= 0)
		close(server);
	server = -1;
	return 0;
}

/* The client on one end of a socketpair; the server's bytes already sent.
 * eof: the server then stops sending (reads see the end at once). */
static int attach(struct qmp *q, const char *bytes, bool eof, struct pl_err *err)
{
	int fds[2];
	size_t len = strlen(bytes);

	close_server(NULL);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
	assert_int_equal(write(fds[1], bytes, len), (ssize_t)len);
	if (eof)
		shutdown(fds[1], SHUT_WR);
	server = fds[1];
	return qmp_attach(q, fds[0], 2000, err);
}

/* The threads QEMU reports, given the replies to query-cpus-fast and
 * query-iothreads; a guest of two vCPUs. */
static int threads_from(const char *cpus, const char *iothreads, struct qemu_threads *t,
			struct pl_err *err)
{
	struct qmp q;
	char *bytes = xasprintf("%s%s\n%s\n", HELLO, cpus, iothreads);
	int r = attach(&q, bytes, true, err);

	assert_int_equal(r, 0);
	r = qmp_query_threads(&q, 2, t, err);
	qmp_close(&q);
	free(bytes);
	return r;
}

static void assert_threads_refused(const char *cpus, const char *iothreads, const char *why)
{
	struct qemu_threads t;
	struct pl_err err = {0};

	assert_true(threads_from(cpus, iothreads, &t, &err) < 0);
	if (!strstr(err.msg, why))
		fail_msg("error \"%s\" does not say \"%s\"", err.msg, why);
	qemu_threads_free(&t);
}

static void good_session_lists_vcpus_and_iothreads(void **state)
{
	struct qemu_threads t;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(
	    threads_from("{\"return\": [{\"thread-id\": 4250, \"cpu-index\": 1}, "
			 "{\"thread-id\": 4249, \"cpu-index\": 0}]}",
			 "{\"return\": [{\"id\": \"iothread.system\", \"thread-id\": 4300}]}", &t,
			 &err),
	    0);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.t[0].tid, 4250);
	assert_int_equal(t.t[0].index, 1);
	assert_string_equal(t.t[1].role, "vCPU");
	assert_int_equal(t.t[2].tid, 4300);
	assert_string_equal(t.t[2].role, "iothread");
	qemu_threads_free(&t);
}

/* Was: json-c's assertion in json_object_array_length aborted the launcher. */
static void cpus_reply_not_an_array(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": {\"thread-id\": 1}}", "{\"return\": []}",
			       "reply to query-cpus-fast that is not an array");
}

static void iothreads_reply_not_an_array(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": []}", "{\"return\": \"many\"}",
			       "reply to query-iothreads that is not an array");
}

/* Was: a vCPU index past the plan's list, read by pin_one out of bounds. */
static void cpu_index_out_of_range(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": [{\"thread-id\": 10, \"cpu-index\": 2}]}",
			       "{\"return\": []}", "cpu-index");
	assert_threads_refused("{\"return\": [{\"thread-id\": 10, \"cpu-index\": -1}]}",
			       "{\"return\": []}", "cpu-index");
	assert_threads_refused("{\"return\": [{\"thread-id\": 10, \"cpu-index\": 4294967296}]}",
			       "{\"return\": []}", "cpu-index");
	assert_threads_refused("{\"return\": [{\"thread-id\": 10}]}", "{\"return\": []}",
			       "cpu-index");
}

static void cpu_index_twice(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": [{\"thread-id\": 10, \"cpu-index\": 0}, "
			       "{\"thread-id\": 11, \"cpu-index\": 0}]}",
			       "{\"return\": []}", "twice");
}

static void thread_id_negative_zero_huge_or_not_an_integer(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": [{\"thread-id\": -5, \"cpu-index\": 0}]}",
			       "{\"return\": []}", "thread-id");
	assert_threads_refused("{\"return\": [{\"thread-id\": 0, \"cpu-index\": 0}]}",
			       "{\"return\": []}", "thread-id");
	assert_threads_refused("{\"return\": [{\"thread-id\": 2147483648, \"cpu-index\": 0}]}",
			       "{\"return\": []}", "thread-id");
	assert_threads_refused("{\"return\": [{\"thread-id\": \"77\", \"cpu-index\": 0}]}",
			       "{\"return\": []}", "thread-id");
	assert_threads_refused("{\"return\": [{\"thread-id\": 7.5, \"cpu-index\": 0}]}",
			       "{\"return\": []}", "thread-id");
	assert_threads_refused("{\"return\": []}", "{\"return\": [{\"id\": \"x\"}]}", "thread-id");
}

static void entry_not_an_object(void **state)
{
	(void)state;
	assert_threads_refused("{\"return\": [4250]}", "{\"return\": []}", "not an object");
}

/* Was: taken as a reply without "return": success, and a NULL list. */
static void reply_without_return(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	json_object *ret = NULL;

	(void)state;
	assert_int_equal(attach(&q, HELLO "{\"id\": 1}\n", true, &err), 0);
	assert_true(qmp_execute(&q, "query-status", NULL, &ret, 2000, &err) < 0);
	assert_null(ret);
	assert_non_null(strstr(err.msg, "neither"));
	qmp_close(&q);
}

/* Was: a line that is not JSON, or JSON that is not an object, counted as
 * the reply. */
static void reply_not_a_json_object(void **state)
{
	static const char *const lines[] = {"not json at all\n", "[{\"return\": {}}]\n", "42\n",
					    "{\"return\": {}} trailing\n"};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(lines); i++) {
		struct qmp q;
		struct pl_err err = {0};
		char *bytes = xasprintf("%s%s", HELLO, lines[i]);
		assert_int_equal(attach(&q, bytes, true, &err), 0);
		assert_true(qmp_execute(&q, "query-status", NULL, NULL, 2000, &err) < 0);
		assert_non_null(strstr(err.msg, "not a QMP message"));
		qmp_close(&q);
		close_server(NULL);
		free(bytes);
	}
}

/* Was: the description printed as sent, escape sequences and all. */
static void error_reply_odd_shapes(void **state)
{
	static const char *const replies[] = {
	    "{\"error\": \"boom\"}\n", "{\"error\": {\"desc\": 5}}\n", "{\"error\": null}\n",
	    "{\"error\": {\"desc\": \"\\u001b[2J\\u001b]0;owned\\u0007\\nroot# \"}}\n"};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(replies); i++) {
		struct qmp q;
		struct pl_err err = {0};
		char *bytes = xasprintf("%s%s", HELLO, replies[i]);
		assert_int_equal(attach(&q, bytes, true, &err), 0);
		assert_int_equal(qmp_execute(&q, "cont", NULL, NULL, 2000, &err), -EIO);
		assert_non_null(strstr(err.msg, "QMP cont failed"));
		for (const char *c = err.msg; *c; c++)
			assert_true(*c >= 0x20 && *c < 0x7f);
		qmp_close(&q);
		close_server(NULL);
		free(bytes);
	}
}

/* Was: accepted as long as the key was there. */
static void greeting_without_qmp(void **state)
{
	static const char *const greetings[] = {"{\"QMP\": null}\n{\"return\": {}}\n",
						"{\"QMP\": \"7.2\"}\n{\"return\": {}}\n",
						"{\"return\": {}}\n{\"return\": {}}\n"};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(greetings); i++) {
		struct qmp q;
		struct pl_err err = {0};
		assert_true(attach(&q, greetings[i], true, &err) < 0);
		assert_non_null(strstr(err.msg, "greeting"));
		qmp_close(&q);
		close_server(NULL);
	}
}

/* Was: {"event": null} queued, and the supervisor's strcmp on its name
 * dereferenced NULL while the guest ran. */
static void event_without_a_name(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	json_object *ev, *name;
	size_t n = 0;

	(void)state;
	assert_int_equal(attach(&q,
				HELLO "{\"event\": null}\n{\"event\": 5}\n{\"event\": {}}\n"
				      "{\"event\": \"SHUTDOWN\", \"data\": 3}\n",
				true, &err),
			 0);
	while (qmp_pump(&q) == 0)
		;
	while ((ev = qmp_next_event(&q))) {
		assert_true(json_object_object_get_ex(ev, "event", &name));
		assert_true(json_object_is_type(name, json_type_string));
		json_object_put(ev);
		n++;
	}
	assert_int_equal(n, 1);
	qmp_close(&q);
}

#ifndef QMP_MAX_EVENTS
#define QMP_MAX_EVENTS 256 /* the old client had no bound */
#endif

/* Was: every event kept until read, however many. */
static void event_flood_is_bounded(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	json_object *ev, *name;
	char *flood = xstrdup(HELLO);
	size_t n = 0, sent = 4 * QMP_MAX_EVENTS;

	(void)state;
	for (size_t i = 0; i < sent; i++) {
		char *more = xasprintf("%s{\"event\": \"E%zu\"}\n", flood, i);
		free(flood);
		flood = more;
	}
	/* Then a reply: the flood came while a command waited for it. */
	assert_int_equal(attach(&q, flood, false, &err), 0);
	assert_int_equal(write(server, "{\"return\": {}}\n", 15), 15);
	assert_int_equal(qmp_execute(&q, "cont", NULL, NULL, 2000, &err), 0);
	while ((ev = qmp_next_event(&q))) {
		json_object_object_get_ex(ev, "event", &name);
		if (n == 0)
			assert_string_equal(json_object_get_string(name), "E768");
		n++;
		json_object_put(ev);
	}
	assert_int_equal(n, QMP_MAX_EVENTS);
	assert_int_equal(q.events_dropped, sent - QMP_MAX_EVENTS);
	qmp_close(&q);
	free(flood);
}

/* Was: large events kept however many bytes they made: 256 of them could
 * hold gigabytes. A writer sends 12 events of 200 KiB and one of 2 MiB. */
static void large_events_are_bounded_in_bytes(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	json_object *ev;
	size_t n = 0;
	pid_t writer;

	(void)state;
	assert_int_equal(attach(&q, HELLO, false, &err), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		char *pad = xmalloc(2 << 20);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (int i = 0; i < 13; i++) {
			size_t len = i == 6 ? (2 << 20) - 64 : 200 << 10;
			memset(pad, 'p', len);
			pad[len] = '\0';
			dprintf(server, "{\"event\": \"BIG\", \"data\": {\"pad\": \"%s\"}}\n", pad);
		}
		_exit(0);
	}
	close_server(NULL);
	while (qmp_pump(&q) == 0)
		;
	waitpid(writer, NULL, 0);
	assert_true(q.event_bytes <= QMP_MAX_EVENT_BYTES);
	assert_true(q.events_dropped >= 8);
	while ((ev = qmp_next_event(&q))) {
		n++;
		json_object_put(ev);
	}
	assert_int_equal(n + q.events_dropped, 13);
	assert_int_equal(q.event_bytes, 0);
	qmp_close(&q);
}

/* A server that never answers: the wait ends in time. */
static void silent_server_times_out(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	uint64_t start;

	(void)state;
	assert_int_equal(attach(&q, HELLO, false, &err), 0);
	start = clock_ms();
	assert_int_equal(qmp_execute(&q, "query-status", NULL, NULL, 200, &err), -ETIMEDOUT);
	assert_true(clock_ms() - start < 2000);
	qmp_close(&q);
}

/* Was: the late reply to a command that timed out was taken as the reply
 * to the next one (here a list for a command that wants an object). */
static void late_reply_is_not_the_next_reply(void **state)
{
	struct qmp q;
	struct pl_err err = {0};
	json_object *ret = NULL;

	(void)state;
	assert_int_equal(attach(&q, HELLO, false, &err), 0);
	assert_int_equal(qmp_execute(&q, "query-cpus-fast", NULL, NULL, 100, &err), -ETIMEDOUT);
	/* The client may have hung up already: no SIGPIPE, whatever is sent. */
	(void)!send(server, "{\"return\": [1]}\n", 16, MSG_NOSIGNAL);
	err_clear(&err);
	assert_true(qmp_execute(&q, "query-status", NULL, &ret, 500, &err) < 0);
	assert_null(ret);
	qmp_close(&q);
}

/* A line without its newline stops at 16 MiB: the buffer never grows past. */
static void endless_line_is_capped(void **state)
{
	const size_t cap = 16 * 1024 * 1024, total = cap + cap / 4;
	struct qmp q;
	struct pl_err err = {0};
	pid_t writer;

	(void)state;
	assert_int_equal(attach(&q, HELLO, false, &err), 0);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		static char chunk[65536];
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		memset(chunk, 'x', sizeof(chunk));
		for (size_t off = 0; off < total; off += sizeof(chunk))
			if (write(server, chunk, sizeof(chunk)) < 0)
				_exit(0);
		_exit(0);
	}
	assert_int_equal(qmp_execute(&q, "query-status", NULL, NULL, 5000, &err), -EMSGSIZE);
	assert_true(q.cap <= cap + 1);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	qmp_close(&q);
}

/* An argument runs only the tests it names (a glob): one that aborts
 * then leaves the others their say. */
/* The -device value as device_add's arguments: the driver, each property a
 * string (QEMU parses them as it parses -device), ",," a comma. */
static void device_spec_becomes_arguments(void **state)
{
	json_object *a = hotplug_device_args(
	    "vfio-pci,host=0000:01:00.1,id=gpu.1,bus=rp.gpu,addr=00.1,romfile=/r/a,,b.rom");

	(void)state;
	assert_string_equal(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE),
			    "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.1\",\"id\":\"gpu.1\","
			    "\"bus\":\"rp.gpu\",\"addr\":\"00.1\",\"romfile\":\"/r/a,b.rom\"}");
	json_object_put(a);
}

/* What the client sent, once it is done: the server's end read whole. */
static char *sent(void)
{
	static char buf[8192];
	ssize_t n = recv(server, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int hotplug_with(const char *replies, const char *const *specs, size_t n, struct pl_err *err)
{
	struct qmp q;
	struct strv devices = {0};
	char *bytes = xasprintf("%s%s", HELLO, replies);
	int r = attach(&q, bytes, true, err);

	assert_int_equal(r, 0);
	for (size_t i = 0; i < n; i++)
		strv_push(&devices, specs[i]);
	r = hotplug_devices(&q, "vm", &devices, 2000, err);
	qmp_close(&q);
	strv_free(&devices);
	free(bytes);
	return r;
}

/* Each device in order, then, as one boots, a reset (the firmware's boot
 * order is written at a reset), and done only once QEMU says the reset is
 * over (its RESET event, after other events). */
static void hotplug_adds_in_order_then_resets(void **state)
{
	static const char *const specs[] = {"vfio-pci,host=0000:01:00.1,id=gpu.1",
					    "vfio-pci,host=0000:01:00.0,id=gpu,bootindex=1"};
	struct pl_err err = {0};
	char *out;

	(void)state;
	assert_int_equal(
	    hotplug_with("{\"return\": {}}\n{\"return\": {}}\n{\"return\": {}}\n"
			 "{\"event\": \"STOP\"}\n{\"event\": \"RESET\", \"data\": {}}\n",
			 specs, 2, &err),
	    0);
	out = sent();
	if (!strstr(out, "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"vfio-pci\","
			 "\"host\":\"0000:01:00.1\",\"id\":\"gpu.1\"}}"))
		fail_msg("sent: %s", out);
	assert_true(strstr(out, "0000:01:00.1") < strstr(out, "0000:01:00.0"));
	assert_true(strstr(out, "0000:01:00.0") < strstr(out, "system_reset"));
}

static void hotplug_error_names_the_device(void **state)
{
	static const char *const specs[] = {"vfio-pci,host=0000:01:00.0,id=gpu"};
	struct pl_err err = {0};

	(void)state;
	assert_true(hotplug_with("{\"error\": {\"class\": \"GenericError\", \"desc\": "
				 "\"vfio 0000:01:00.0: group 5 is not viable\"}}\n",
				 specs, 1, &err) < 0);
	assert_non_null(strstr(err.msg, "could not add the passed device "
					"vfio-pci,host=0000:01:00.0,id=gpu"));
	assert_non_null(strstr(err.msg, "group 5 is not viable"));
	assert_null(strstr(sent(), "system_reset"));
}

/* No device boots: added, each reset by QEMU as it adds it, and no
 * machine reset. */
static void hotplug_without_boot_device_does_not_reset(void **state)
{
	static const char *const specs[] = {"vfio-pci,host=0000:01:00.1,id=gpu.1",
					    "vfio-pci,host=0000:01:00.0,id=gpu"};
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(hotplug_with("{\"return\": {}}\n{\"return\": {}}\n", specs, 2, &err), 0);
	assert_null(strstr(sent(), "system_reset"));
}

/* A QEMU that closes its monitor before the reset is over: no guest runs. */
static void hotplug_without_reset_event_fails(void **state)
{
	static const char *const specs[] = {"vfio-pci,host=0000:01:00.0,id=gpu,bootindex=1"};
	struct pl_err err = {0};

	(void)state;
	assert_true(hotplug_with("{\"return\": {}}\n{\"return\": {}}\n", specs, 1, &err) < 0);
	assert_non_null(strstr(err.msg, "closed its monitor"));
}

/* Nothing to add: not a word to QEMU. */
static void hotplug_of_nothing_sends_nothing(void **state)
{
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(hotplug_with("", NULL, 0, &err), 0);
	assert_null(strstr(sent(), "execute\": \"device_add"));
	assert_null(strstr(sent(), "system_reset"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(good_session_lists_vcpus_and_iothreads, close_server),
	    cmocka_unit_test_teardown(cpus_reply_not_an_array, close_server),
	    cmocka_unit_test_teardown(iothreads_reply_not_an_array, close_server),
	    cmocka_unit_test_teardown(cpu_index_out_of_range, close_server),
	    cmocka_unit_test_teardown(cpu_index_twice, close_server),
	    cmocka_unit_test_teardown(thread_id_negative_zero_huge_or_not_an_integer, close_server),
	    cmocka_unit_test_teardown(entry_not_an_object, close_server),
	    cmocka_unit_test_teardown(reply_without_return, close_server),
	    cmocka_unit_test_teardown(reply_not_a_json_object, close_server),
	    cmocka_unit_test_teardown(error_reply_odd_shapes, close_server),
	    cmocka_unit_test_teardown(greeting_without_qmp, close_server),
	    cmocka_unit_test_teardown(event_without_a_name, close_server),
	    cmocka_unit_test_teardown(event_flood_is_bounded, close_server),
	    cmocka_unit_test_teardown(large_events_are_bounded_in_bytes, close_server),
	    cmocka_unit_test_teardown(silent_server_times_out, close_server),
	    cmocka_unit_test_teardown(late_reply_is_not_the_next_reply, close_server),
	    cmocka_unit_test_teardown(endless_line_is_capped, close_server),
	    cmocka_unit_test(device_spec_becomes_arguments),
	    cmocka_unit_test_teardown(hotplug_adds_in_order_then_resets, close_server),
	    cmocka_unit_test_teardown(hotplug_error_names_the_device, close_server),
	    cmocka_unit_test_teardown(hotplug_without_reset_event_fails, close_server),
	    cmocka_unit_test_teardown(hotplug_without_boot_device_does_not_reset, close_server),
	    cmocka_unit_test_teardown(hotplug_of_nothing_sends_nothing, close_server),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests_name("qmp", tests, NULL, NULL);
}
