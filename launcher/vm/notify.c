#include "notify.h"

#include "base/log.h"

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

static void notify_systemd(const char *message)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	size_t len;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(addr.sun_path))
		return;
	len = strlen(path);
	memcpy(addr.sun_path, path, len);
	/* An abstract socket: its name starts with a NUL byte. */
	if (path[0] == '@')
		addr.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&addr,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_warn("cannot notify systemd through %s: %s", path, strerror(errno));
}

void notify_ready(const char *vm)
{
	const char *fd_text = getenv("PASSLAUNCH_READY_FD");
	_cleanup_free_ char *status = xasprintf("READY=1\nSTATUS=%s: guest running", vm);
	int fd;

	notify_systemd(status);
	if (fd_text && sscanf(fd_text, "%d", &fd) == 1 && fd > 2) {
		if (write(fd, "ready\n", 6) != 6)
			log_warn("cannot tell passlaunch start that %s runs: %s", vm,
				 strerror(errno));
		close(fd);
	}
	unsetenv("PASSLAUNCH_READY_FD");
}

void notify_stopping(void)
{
	notify_systemd("STOPPING=1");
}
