#include "log.h"

#include "termsafe.h"

#include <errno.h>
#include <stdarg.h>

/* A line that cannot be written (a reader gone: EPIPE; stderr closed) is
 * lost, and nothing else: the run or the release it reports on goes on,
 * the next line is tried again, and the caller's errno is kept. What a
 * line quotes may come from QEMU, a guest or a file name: its control
 * bytes are shown, never sent to the terminal (base/termsafe.h). */
static bool quiet;

void log_set_quiet(bool on)
{
	quiet = on;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	int saved = errno;
	char *text = NULL, *safe;

	if (quiet)
		return;

	if (vasprintf(&text, fmt, ap) < 0)
		die_oom();
	safe = termsafe_str(text);
	fprintf(stderr, "passlaunch: %s%s\n", level, safe);
	clearerr(stderr);
	free(safe);
	free(text);
	errno = saved;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error: ", fmt, ap);
	va_end(ap);
}
