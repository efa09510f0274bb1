/* A macvtap NIC ([net] type = macvtap): the guest on the host's own
 * network through a macvtap device on a host interface, in bridge mode,
 * with the guest's MAC. passlaunch makes it for the run (journaled first),
 * opens its character device and hands QEMU the descriptor; the link
 * outlives descriptors, so release (or recover) deletes it. */
#ifndef PASSLAUNCH_HOST_MACVTAP_H
#define PASSLAUNCH_HOST_MACVTAP_H

#include "base/error.h"
#include "journal.h"
#include "profile/profile.h"

#include <stdint.h>

/* Before anything changes: the parent interface exists, the name is free. */
int macvtap_check(const struct profile *p, const struct profile_net *net, struct pl_err *err);
/* Makes the macvtap with MAC and opens it; the descriptor in *FD. */
int macvtap_open(const struct profile *p, const struct profile_net *net, const uint8_t mac[6],
		 struct journal *j, int *fd, struct pl_err *err);
/* Deletes the macvtap NAME; 0 when it is gone already. */
int macvtap_delete(const char *name);
/* The macvtap's name: ifname, or pv and a hash of the VM and the label. */
char *macvtap_name(const struct profile *p, const struct profile_net *net);

#endif
