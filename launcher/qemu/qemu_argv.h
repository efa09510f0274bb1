/* The argv builder: a pure function of the profile and the host facts. It
 * reads nothing and changes nothing; `passlaunch print` shows its result. */
#ifndef PASSLAUNCH_QEMU_ARGV_H
#define PASSLAUNCH_QEMU_ARGV_H

#include "facts.h"
#include "profile/profile.h"
#include "base/strv.h"

void qemu_argv_build(const struct profile *p, const struct host_facts *f, struct strv *argv);
/* The same, but the passed devices (vfio-pci) are left out of ARGV and put in
 * HOTPLUG, one -device value each, in the order they must be added to the
 * paused QEMU: a multi-function device's function 0 last, as a slot is
 * complete once it has function 0. Their PCIe root ports stay in ARGV. */
void qemu_argv_build_split(const struct profile *p, const struct host_facts *f, struct strv *argv,
			   struct strv *hotplug);

#endif
