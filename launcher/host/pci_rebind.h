/* Moving a PCI device between drivers: driver_override, unbind and
 * drivers_probe. Each write may block in the kernel for as long as a
 * process uses the device (a driver's remove waits for its users, holding
 * the device's lock, which the other writes need too), so the writes run
 * in a child the caller never waits on past a bound; the driver that
 * results is then awaited on sysfs, bounded, never with a fixed sleep. */
#ifndef PASSLAUNCH_PCI_REBIND_H
#define PASSLAUNCH_PCI_REBIND_H

#include "base/error.h"
#include "profile/rebar_spec.h"

#define PCI_BIND_TIMEOUT_MS 5000

/* Binds bdf to driver ("" for the kernel's choice). */
int pci_rebind(const char *bdf, const char *driver, struct pl_err *err);
/* The same, writing each BAR's size (its resourceN_resize) between the
 * unbind and the probe: the one moment no driver holds the device. A BAR
 * the kernel cannot resize keeps its size; the device still goes to
 * driver, and 1 is returned with the error saying which BAR. */
int pci_rebind_resizing(const char *bdf, const char *driver, const struct rebar_sizes *sizes,
			struct pl_err *err);

#endif
