/* What the QMP harnesses share: the fuzzer's bytes as what QEMU sends. */
#ifndef PASSLAUNCH_FUZZ_FEED_H
#define PASSLAUNCH_FUZZ_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socket pair whose FDS[0] reads DATA and then the end of the stream
 * (the write end is shut for writing, still open for the client's
 * commands, which land in its buffer unread). DATA must fit the socket's
 * buffer: one write. Returns 0, or -1 (nothing open). */
static inline int feed_socket(const uint8_t *data, size_t size, int fds[2])
{
	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return -1;
	if (size && write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	shutdown(fds[1], SHUT_WR);
	return 0;
}

#endif
