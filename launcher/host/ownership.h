/* Files QEMU must open as its user: given to it for the run, and given back
 * afterwards (journaled, so `recover` gives them back too). */
#ifndef PASSLAUNCH_OWNERSHIP_H
#define PASSLAUNCH_OWNERSHIP_H

#include "base/error.h"
#include "identity.h"
#include "journal.h"
#include "profile/profile.h"

/* NVRAM, TPM state, disks, cdroms, evdev nodes and the /dev/vfio/N of every
 * passed device's IOMMU group. Nothing to do when QEMU keeps the
 * launcher's ids. */
int ownership_give(const struct profile *p, const struct identity *id, struct journal *j,
		   struct pl_err *err);

#endif
