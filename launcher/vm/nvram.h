/* The VM's persistent state: state_dir and the OVMF NVRAM copied from its
 * template once and never overwritten. */
#ifndef PASSLAUNCH_NVRAM_H
#define PASSLAUNCH_NVRAM_H

#include "base/error.h"
#include "host/hostfacts.h"
#include "profile/profile.h"

int nvram_prepare(const struct profile *p, const struct host_facts *f, struct pl_err *err);

#endif
