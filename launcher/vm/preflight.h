/* The files a profile hands QEMU, checked before anything on the host
 * changes: QEMU finding one unusable only after the GPU was handed over
 * would make the whole handoff for nothing. Option ROMs ([gpu] rom, [pci]
 * rom) must exist, be root's to trust (the guest runs them as firmware)
 * and be readable by the user QEMU runs as, as must the firmware's code.
 * Disks and CD-ROMs are checked as they are opened (vm/qemu_files.h). */
#ifndef PASSLAUNCH_PREFLIGHT_H
#define PASSLAUNCH_PREFLIGHT_H

#include "base/error.h"
#include "qemu/firmware.h"
#include "host/identity.h"
#include "profile/profile.h"

int preflight_files(const struct profile *p, const struct firmware *fw, const struct identity *id,
		    struct pl_err *err);

#endif
