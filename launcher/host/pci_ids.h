/* Names from the PCI ID database (pci.ids, Debian's package of that name),
 * when it is installed: vendors, devices and device classes. */
#ifndef PASSLAUNCH_PCI_IDS_H
#define PASSLAUNCH_PCI_IDS_H

#include <stdbool.h>
#include <stddef.h>

/* vendor and device: 4 hex digits, as sysfs gives them without "0x".
 * Fills what it finds; false when the database is not there. */
bool pci_ids_device(const char *vendor, const char *device, char *vendor_name, size_t vlen,
		    char *device_name, size_t dlen);
/* The name of class CC subclass SS ("0300": "VGA compatible controller"). */
bool pci_ids_class(const char *class_subclass, char *name, size_t len);

#endif
