#include "qemu_output.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

static void finish(struct qemu_output *o)
{
	char out[TERMSAFE_MAX(0)];
	size_t len = termsafe_flush(&o->safe, out);

	if (len && write(STDERR_FILENO, out, len) < 0)
		len = 0; /* a log that cannot be written stops nothing */
	close(o->fd);
	o->fd = -1;
}

void qemu_output_relay(struct qemu_output *o)
{
	char buf[4096], out[TERMSAFE_MAX(sizeof(buf))];
	ssize_t n;
	size_t len;

	if (o->fd < 0)
		return;
	n = read(o->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		finish(o);
		return;
	}
	len = termsafe_feed(&o->safe, buf, (size_t)n, out);
	if (len && write(STDERR_FILENO, out, len) < 0)
		return;
}

void qemu_output_drain(struct qemu_output *o, int timeout_ms)
{
	while (o->fd >= 0) {
		struct pollfd p = {o->fd, POLLIN, 0};
		if (poll(&p, 1, timeout_ms) <= 0) {
			finish(o);
			return;
		}
		qemu_output_relay(o);
	}
}
