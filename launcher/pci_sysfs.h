/* PCI devices in sysfs: driver, IOMMU group, class, and moving a device
 * between drivers with driver_override, unbind and drivers_probe, each step
 * awaited on sysfs state with a bound, never a fixed sleep. */
#ifndef PASSLAUNCH_PCI_SYSFS_H
#define PASSLAUNCH_PCI_SYSFS_H

#include "error.h"
#include "strv.h"

#define PCI_BIND_TIMEOUT_MS 5000

bool pci_exists(const char *bdf);
/* The bound driver's name into buf ("" when none). */
void pci_driver(const char *bdf, char *buf, size_t len);
/* The IOMMU group number, or -1 without an IOMMU. */
int pci_iommu_group(const char *bdf);
/* Every device of the group, sorted. */
void pci_group_devices(int group, struct strv *out);
bool pci_is_bridge(const char *bdf);
/* A short description: "VGA controller [10de:2204]". */
void pci_describe(const char *bdf, char *buf, size_t len);
/* Where `gpu detach` keeps the driver a device had, until `attach`. */
char *pci_saved_driver_path(const char *bdf);
/* Reads a file of the device's sysfs directory ("" when absent). */
void pci_read(const char *bdf, const char *file, char *buf, size_t len);
/* Binds bdf to driver ("" for the kernel's choice) through driver_override,
 * unbind and drivers_probe, waiting (bounded) for each state. */
int pci_rebind(const char *bdf, const char *driver, struct pl_err *err);

#endif
