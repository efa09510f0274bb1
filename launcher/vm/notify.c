#include "notify.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static void notify_systemd(const char *message)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	size_t len;

	/* systemd's own socket, under root's /run/systemd: a caller's
	 * environment (sudo -E) names no other. */
	if (!path || strncmp(path, "/run/systemd/", 13) != 0 || strstr(path, "/..") ||
	    strlen(path) >= sizeof(addr.sun_path))
		return;
	len = strlen(path);
	memcpy(addr.sun_path, path, len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&addr,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_warn("cannot notify systemd through %s: %s", path, strerror(errno));
}

/* The pipe `passlaunch start` gave, claimed before the launcher opens a
 * descriptor of its own: a number read later could name its lock or its
 * journal, whatever the environment (sudo -E keeps it) says. */
static int ready_fd = -1;

void notify_claim_ready_fd(void)
{
	const char *text = getenv("PASSLAUNCH_READY_FD");
	struct stat st;
	char *end;
	long fd;
	int flags;

	if (text) {
		errno = 0;
		fd = strtol(text, &end, 10);
		if (!errno && *text && !*end && fd > 2 && fd < INT_MAX &&
		    fstat((int)fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
		    (flags = fcntl((int)fd, F_GETFL)) >= 0 && (flags & O_ACCMODE) == O_WRONLY &&
		    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0)
			ready_fd = (int)fd;
	}
	unsetenv("PASSLAUNCH_READY_FD");
}

void notify_ready(const char *vm)
{
	_cleanup_free_ char *status = xasprintf("READY=1\nSTATUS=%s: guest running", vm);

	notify_systemd(status);
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "ready\n", 6) != 6)
		log_warn("cannot tell passlaunch start that %s runs: %s", vm, strerror(errno));
	close(ready_fd);
	ready_fd = -1;
}

void notify_stopping(void)
{
	notify_systemd("STOPPING=1");
}
