/* How a profile's keys fit together: the checks no single value can make. */
#ifndef PASSLAUNCH_PROFILE_CHECK_H
#define PASSLAUNCH_PROFILE_CHECK_H

#include "base/error.h"
#include "profile.h"

/* Returns 0 or -EINVAL with FILE:LINE in err; warns about questionable but
 * workable settings on stderr. */
int profile_check(const struct profile *p, struct pl_err *err);

#endif
