#ifndef PASSLAUNCH_LOG_H
#define PASSLAUNCH_LOG_H

#include "util.h"

void log_warn(const char *fmt, ...) _printf_(1, 2);
void log_info(const char *fmt, ...) _printf_(1, 2);
void log_error(const char *fmt, ...) _printf_(1, 2);
/* No line at all while ON: for a check whose findings are reported otherwise. */
void log_set_quiet(bool on);

#endif
