#include "error.h"

#include <errno.h>
#include <stdarg.h>

static void err_vset(struct pl_err *err, int status, const char *fmt, va_list ap)
{
	if (err_is_set(err))
		return;
	err->exit_status = status;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int err_set(struct pl_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, EXIT_FAILURE_RUN, fmt, ap);
	va_end(ap);
	return code > 0 ? -code : (code < 0 ? code : -EIO);
}

int err_input(struct pl_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, EXIT_BAD_INPUT, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool err_is_set(const struct pl_err *err)
{
	return err->msg[0] != '\0';
}

int err_exit_status(struct pl_err *err, int status, int r)
{
	err->exit_status = status;
	return r;
}

void err_clear(struct pl_err *err)
{
	*err = (struct pl_err){0};
}
