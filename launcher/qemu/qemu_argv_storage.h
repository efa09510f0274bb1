/* The builder's part for disks and CD-ROMs. */
#ifndef PASSLAUNCH_QEMU_ARGV_STORAGE_H
#define PASSLAUNCH_QEMU_ARGV_STORAGE_H

#include "argv_builder.h"

void argv_add_storage(struct argv_builder *b);

#endif
