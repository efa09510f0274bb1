/* QEMU's environment: built from nothing, with only what it needs. */
#ifndef PASSLAUNCH_QEMU_ENV_H
#define PASSLAUNCH_QEMU_ENV_H

#include "host/identity.h"
#include "profile/profile.h"
#include "base/strv.h"

void qemu_env_build(const struct profile *p, const struct identity *id, struct strv *env);

#endif
