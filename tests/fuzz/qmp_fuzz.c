/* libFuzzer harness: the QMP reader, fed any bytes as what QEMU sends:
 * split into lines, parsed, events queued, the rest dropped. */
#include "qemu/qmp.h"

#include <stdint.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp q = {.fd = -1};
	json_object *event;
	int fds[2];

	/* Fits the socket's buffer, so one write and then the end of the stream. */
	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return 0;
	if (size && write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	close(fds[1]);
	q.fd = fds[0];
	while (qmp_pump(&q) == 0)
		;
	while ((event = qmp_next_event(&q)))
		json_object_put(event);
	qmp_close(&q);
	return 0;
}
