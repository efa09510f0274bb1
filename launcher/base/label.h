/* A section's label ([disk.NAME]): it becomes a QEMU device id, and a
 * libvirt alias (ua-NAME) on the way to libvirt and back. */
#ifndef PASSLAUNCH_LABEL_H
#define PASSLAUNCH_LABEL_H

#include <stdbool.h>

#define LABEL_MAX 24

/* A letter, then letters, digits, '_' or '-', at most LABEL_MAX. */
bool label_valid(const char *label);

#endif
