/* Hugepages for the guest's RAM: reserved before QEMU starts, on the chosen
 * NUMA node, and given back to exactly the previous count. */
#ifndef PASSLAUNCH_HUGEPAGES_H
#define PASSLAUNCH_HUGEPAGES_H

#include "base/error.h"
#include "journal.h"
#include "profile/profile.h"

/* The pool's nr_hugepages file for the profile's page size and node. */
char *hp_pool_path(const struct profile *p, const char *file);
/* Makes sure the pool has enough free pages for the guest, growing it (after
 * compacting memory) when not; journaled first. Fails with how many pages
 * the kernel gave when it gave fewer than needed. */
int hp_reserve(const struct profile *p, struct journal *j, struct pl_err *err);

#endif
