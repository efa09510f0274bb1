#include "display.h"

#include "base/trust.h"

#include <errno.h>
#include <fcntl.h>

static bool needs_password(const struct profile *p)
{
	return p->display.port &&
	       (p->display.type == DISPLAY_VNC || p->display.type == DISPLAY_SPICE);
}

/* The first line of the file, at most 64 bytes; VNC uses 8 of them. */
static int read_password(const struct profile *p, char *out, size_t size, struct pl_err *err)
{
	struct trust_req req = {"a display's password", O_RDONLY, TRUST_REG, true};
	_cleanup_close_ int fd = trust_open(p->display.password_file, &req, err);
	ssize_t n;

	if (fd < 0)
		return err_exit_status(err, EXIT_BAD_INPUT, fd);
	n = read(fd, out, size - 1);
	if (n < 0)
		return err_set(err, errno, "%s: %s", p->display.password_file, strerror(errno));
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (!*out)
		return err_input(err, "%s:%d: [display] password_file = %s holds no password",
				 p->path, profile_key_line(p, "display", "password_file"),
				 p->display.password_file);
	return 0;
}

int display_check(const struct profile *p, struct pl_err *err)
{
	char password[65];
	int r = needs_password(p) ? read_password(p, password, sizeof(password), err) : 0;

	explicit_bzero(password, sizeof(password));
	return r;
}

int display_set_password(const struct profile *p, struct qmp *q, struct pl_err *err)
{
	char password[65];
	json_object *args;
	int r;

	if (!needs_password(p))
		return 0;
	r = read_password(p, password, sizeof(password), err);
	if (r < 0)
		return r;
	args = json_object_new_object();
	json_object_object_add(
	    args, "protocol",
	    json_object_new_string(p->display.type == DISPLAY_VNC ? "vnc" : "spice"));
	json_object_object_add(args, "password", json_object_new_string(password));
	explicit_bzero(password, sizeof(password));
	return qmp_execute(q, "set_password", args, NULL, 10000, err);
}
