/* The VM's persistent state: state_dir (root's, 0700, or 0711 for swtpm
 * to reach its tpm/) and the OVMF NVRAM copied from its template once and
 * never overwritten. */
#ifndef PASSLAUNCH_NVRAM_H
#define PASSLAUNCH_NVRAM_H

#include "base/error.h"
#include "host/hostfacts.h"
#include "profile/profile.h"

/* Before anything changes: as root, state_dir (or where it will be made)
 * must be root's, in directories only root can change. */
int nvram_check(const struct profile *p, struct pl_err *err);
int nvram_prepare(const struct profile *p, const struct host_facts *f, struct pl_err *err);

#endif
