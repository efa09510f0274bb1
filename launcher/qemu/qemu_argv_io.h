/* The builder's parts for what the guest talks through: network, display,
 * TPM. */
#ifndef PASSLAUNCH_QEMU_ARGV_IO_H
#define PASSLAUNCH_QEMU_ARGV_IO_H

#include "argv_builder.h"

void argv_add_network(struct argv_builder *b);
void argv_add_display(struct argv_builder *b);
void argv_add_tpm(struct argv_builder *b);

/* The name of a bridge NIC's tap, which the launcher makes (host/bridge_tap.h)
 * and hands QEMU as a descriptor, in the profile's order (qemu/fdplan.h). */
char *qemu_bridge_tap_name(const struct profile *p, const struct profile_net *net);
/* The NIC's MAC address: the profile's, or derived from the VM and label. */
void qemu_nic_mac(const struct profile *p, const struct profile_net *net, uint8_t mac[6]);

#endif
