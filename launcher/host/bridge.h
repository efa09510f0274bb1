/* A bridge passlaunch makes for a run ([net] create_bridge): created up,
 * with no port and no address (the host side is the user's to configure),
 * journaled before it exists, and removed once no port is left on it. */
#ifndef PASSLAUNCH_HOST_BRIDGE_H
#define PASSLAUNCH_HOST_BRIDGE_H

#include "base/error.h"
#include "journal.h"

/* Makes NAME and brings it up; records it in J first. */
int bridge_create(const char *name, struct journal *j, struct pl_err *err);
/* Removes NAME when it is a bridge with no port left (another VM's tap
 * keeps it); 0 when it is gone or kept. */
int bridge_remove_unused(const char *name);

#endif
