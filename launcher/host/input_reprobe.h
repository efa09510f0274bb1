/* An input device lent to QEMU's user (evdev) is taken back from every
 * descriptor opened on it during the run, wherever that descriptor went
 * (another process of that user, a socket's queue): its driver lets the
 * device go and takes it again, as when it is plugged in anew, and the
 * kernel ends every open of the old one (reads fail with ENODEV). */
#ifndef PASSLAUNCH_INPUT_REPROBE_H
#define PASSLAUNCH_INPUT_REPROBE_H

#include <sys/types.h>

/* The device, relative to the sysfs root, whose driver serves the input
 * node RDEV (a HID, serio, virtio or USB device) and can let it go and take
 * it again, in *DEVPATH. -ENOTTY: RDEV is no input device; -ENODEV: no
 * driver serves it (a virtual device, made through uinput); -EBUSY: the
 * driver serves more than the input (a sound card's jack); -EPERM: its
 * driver cannot be unbound. */
int input_revocable(dev_t rdev, char **devpath);
/* Why input_revocable refused (R), for a message. */
const char *input_revocable_reason(int r);
/* DEVPATH's driver lets it go and probes it again, when the node RDEV
 * ("MAJOR:MINOR") is still one of DEVPATH's; 0 when it is not (the device
 * went: so did every open of it). A device left with no driver (a bind
 * that failed) is given to whichever driver its bus finds. */
int input_reprobe(const char *rdev, const char *devpath);

#endif
