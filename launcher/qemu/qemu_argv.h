/* The argv builder: a pure function of the profile and the host facts. It
 * reads nothing and changes nothing; `passlaunch print` shows its result. */
#ifndef PASSLAUNCH_QEMU_ARGV_H
#define PASSLAUNCH_QEMU_ARGV_H

#include "facts.h"
#include "profile/profile.h"
#include "base/strv.h"

void qemu_argv_build(const struct profile *p, const struct host_facts *f, struct strv *argv);

#endif
