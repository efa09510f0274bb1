/* Resizable BARs through sysfs (Documentation/ABI/testing/sysfs-bus-pci):
 * resourceN_resize reads as the bitmap of the sizes BAR N can have (bit 0
 * 1M, bit 1 2M, ...) and takes the bit of the size wanted, while no driver
 * is bound. The size a BAR has now is its line in the device's resource. */
#ifndef PASSLAUNCH_PCI_REBAR_H
#define PASSLAUNCH_PCI_REBAR_H

#include "base/error.h"
#include "profile/rebar_spec.h"

#include <stdint.h>

/* What the profile asks, against the device: max becomes each resizable
 * BAR's largest size; a BAR that cannot be resized, or a size it does not
 * offer, is refused, naming those it does. what names the asker in
 * messages ("FILE:LINE: [gpu.main] rebar"). */
int pci_rebar_resolve(const char *bdf, const struct rebar_sizes *want, const char *what,
		      struct rebar_sizes *out, struct pl_err *err);
/* The bytes of the 64-bit prefetchable BARs of bdf, those in sizes (may be
 * NULL) counted as they will be: what OVMF's 64-bit window must hold. */
uint64_t pci_bars64_bytes(const char *bdf, const struct rebar_sizes *sizes);
/* Whether sizes kept by pci_rebar_save wait for pci_rebind_restoring. */
bool pci_rebar_saved(const char *bdf);
/* Keeps the sizes the BARs in target have now, for pci_rebind_restoring;
 * a second call before that keeps the first sizes. */
int pci_rebar_save(const char *bdf, const struct rebar_sizes *target, struct pl_err *err);
/* Binds bdf to driver, giving the BARs the sizes pci_rebar_save kept
 * while no driver holds it, then forgets them; 1 as pci_rebind_resizing. */
int pci_rebind_restoring(const char *bdf, const char *driver, struct pl_err *err);

#endif
