/* What QEMU's user must own for the run: the /dev/vfio/N of every passed
 * device's IOMMU group, the evdev nodes QEMU opens by name and the kvmfr
 * device of Looking Glass, given to it
 * through a descriptor reached by a path only root can change, journaled by
 * device and inode and given back to that same node; and the TPM state,
 * which swtpm keeps as that user in state_dir/tpm/, a directory of its own
 * whose contents root never touches by name once it is the user's. Disks,
 * CD-ROMs and the NVRAM are not given: QEMU gets them as descriptors. */
#ifndef PASSLAUNCH_OWNERSHIP_H
#define PASSLAUNCH_OWNERSHIP_H

#include "base/error.h"
#include "identity.h"
#include "journal.h"
#include "profile/profile.h"

/* Nothing to do when QEMU keeps the launcher's ids. All but the vfio
 * groups, which exist only once the devices are on vfio-pci: */
int ownership_give(const struct profile *p, const struct identity *id, struct journal *j,
		   struct pl_err *err);
int ownership_give_groups(const struct profile *p, const struct identity *id, struct journal *j,
			  struct pl_err *err);

#endif
