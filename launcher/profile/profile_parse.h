/* Reading a profile file into struct profile, strictly: every problem is an
 * error naming FILE:LINE, what is wrong and what is accepted. */
#ifndef PASSLAUNCH_PROFILE_PARSE_H
#define PASSLAUNCH_PROFILE_PARSE_H

#include "base/error.h"
#include "profile.h"

#include <stdio.h>

/* Parses an open stream; name is what messages call the file. Fills the
 * defaults that follow from other keys (name, state_dir) but does not check
 * how keys fit together (profile_check does). */
int profile_parse_stream(FILE *f, const char *name, struct profile *p, struct pl_err *err);

#endif
