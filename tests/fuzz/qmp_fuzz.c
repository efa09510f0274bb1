/* libFuzzer harness: the QMP reader, fed any bytes as what QEMU sends:
 * split into lines, parsed, events queued, the rest dropped. */
#include "qemu/qmp.h"
#include "feed.h"

#include <stdint.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp q = {.fd = -1};
	json_object *event;
	int fds[2];

	if (feed_socket(data, size, fds) < 0)
		return 0;
	close(fds[1]);
	q.fd = fds[0];
	while (qmp_pump(&q) == 0)
		;
	while ((event = qmp_next_event(&q)))
		json_object_put(event);
	qmp_close(&q);
	return 0;
}
