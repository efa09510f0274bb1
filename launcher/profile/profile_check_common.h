/* What the profile checks share: the profile, where errors go, and how a
 * check names the line at fault. */
#ifndef PASSLAUNCH_PROFILE_CHECK_COMMON_H
#define PASSLAUNCH_PROFILE_CHECK_COMMON_H

#include "base/error.h"
#include "profile.h"

struct check {
	const struct profile *p;
	struct pl_err *err;
};

/* Reports "PATH:LINE: message" (LINE 0: no line) and returns its error. */
int check_bad(struct check *c, int line, const char *fmt, ...) _printf_(3, 4);
/* The line of [section] key, or of the section when the key is not set. */
int check_key_line(struct check *c, const char *section, const char *key);

/* profile_check_devices.c */
int check_devices(struct check *c);
int check_audio(struct check *c);
int check_inputs(struct check *c);
int check_memory_options(struct check *c);

#endif
