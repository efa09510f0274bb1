/* The builder's part for passed-through devices: GPUs and [pci]. */
#ifndef PASSLAUNCH_QEMU_ARGV_PCI_H
#define PASSLAUNCH_QEMU_ARGV_PCI_H

#include "argv_builder.h"

void argv_add_passthrough(struct argv_builder *b);

#endif
