/* The tap device through which a type = bridge NIC joins its bridge. The
 * launcher opens it, making it if need be, puts it on the bridge with the
 * bridge's MTU, up, and hands the descriptor to QEMU (QEMU's own bridge
 * helper is a setuid program, which the sandbox forbids). A tap it makes
 * lives as long as a descriptor holds it: when QEMU ends, however it ends,
 * the tap goes with it, so nothing is left to undo. A tap that exists
 * already on that bridge (made by the user, persistent) is used as it is. */
#ifndef PASSLAUNCH_BRIDGE_TAP_H
#define PASSLAUNCH_BRIDGE_TAP_H

#include "base/error.h"
#include "journal.h"
#include "profile/profile.h"

struct bridge_taps {
	int *fd; /* in the order of the profile's bridge NICs */
	size_t n;
	int *vhost_fd; /* /dev/vhost-net, for each NIC with vhost, in order */
	size_t n_vhost;
};

/* Before anything changes: each bridge exists and is a bridge, and an
 * interface that has a tap's name already is a tap on that bridge. Errors
 * name the profile line and the fix (exit 2). */
int bridge_taps_check(const struct profile *p, struct pl_err *err);
/* Opens (makes) the tap of each bridge NIC and puts it on its bridge. */
int bridge_taps_open(const struct profile *p, struct journal *j, struct bridge_taps *taps,
		     struct pl_err *err);
/* The launcher's descriptors: after QEMU has its own, or when it never
 * will (a tap the launcher made then goes away). */
void bridge_taps_close(struct bridge_taps *taps);

#endif
