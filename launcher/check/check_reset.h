/* check PROFILE's reset and power-state lines for the passed devices. */
#ifndef PASSLAUNCH_CHECK_RESET_H
#define PASSLAUNCH_CHECK_RESET_H

#include "base/strv.h"
#include "check.h"

void check_resets(const struct strv *passed, struct check_report *r);

#endif
