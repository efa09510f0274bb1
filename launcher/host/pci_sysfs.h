/* PCI devices in sysfs: driver, IOMMU group, class; moving a device between
 * drivers is pci_rebind.h's. */
#ifndef PASSLAUNCH_PCI_SYSFS_H
#define PASSLAUNCH_PCI_SYSFS_H

#include "base/error.h"
#include "base/strv.h"

bool pci_exists(const char *bdf);
/* The bound driver's name into buf ("" when none). */
void pci_driver(const char *bdf, char *buf, size_t len);
/* The IOMMU group number, or -1 without an IOMMU. */
int pci_iommu_group(const char *bdf);
/* Every device of the group, sorted. */
void pci_group_devices(int group, struct strv *out);
bool pci_is_bridge(const char *bdf);
/* The bridge above the device into bridge and the devices on its secondary
 * bus (the device included, sorted) into out; false on a root bus. */
bool pci_bus_behind_bridge(const char *bdf, char *bridge, size_t len, struct strv *out);
/* A short description: "VGA controller [10de:2204]". */
void pci_describe(const char *bdf, char *buf, size_t len);
/* Where `gpu detach` keeps the driver a device had, until `attach`. */
char *pci_saved_driver_path(const char *bdf);
/* Marks a device a run keeps on vfio-pci (release = vfio), made once it is
 * bound there: the run's journal then leaves it, gpu attach gives it back. */
char *pci_kept_path(const char *bdf);
/* Reads a file of the device's sysfs directory ("" when absent). */
void pci_read(const char *bdf, const char *file, char *buf, size_t len);
/* A hex attribute (vendor, device, class) without its "0x": "10de", or ""
 * when the device has no such file. */
void pci_read_id(const char *bdf, const char *file, char *buf, size_t len);
/* The path of a file in the device's sysfs directory. */
char *pci_dev_path(const char *bdf, const char *file);

#endif
