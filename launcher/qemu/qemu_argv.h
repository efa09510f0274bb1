/* The argv builder: a pure function of the profile and the host facts. It
 * reads nothing and changes nothing; `passlaunch print` shows its result. */
#ifndef PASSLAUNCH_QEMU_ARGV_H
#define PASSLAUNCH_QEMU_ARGV_H

#include "host/hostfacts.h"
#include "profile/profile.h"
#include "base/strv.h"

void qemu_argv_build(const struct profile *p, const struct host_facts *f, struct strv *argv);

/* Derived names, shared with the code that prepares the host. */
char *qemu_vars_path(const struct profile *p);
char *qemu_qmp_path(const struct host_facts *f);
char *qemu_swtpm_path(const struct host_facts *f);
char *qemu_client_path(const struct host_facts *f);
char *qemu_serial_path(const struct host_facts *f);
char *qemu_bridge_tap_name(const struct profile *p, const struct profile_net *net);
/* The launcher hands QEMU each bridge NIC's tap as a descriptor, the first
 * as 3, the next as 4, in the profile's order (bridge_tap.h). */
#define QEMU_FIRST_TAP_FD 3
uint64_t qemu_looking_glass_size(const struct profile *p);

#endif
