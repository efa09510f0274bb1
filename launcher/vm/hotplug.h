/* The passed devices added to a QEMU that started without them, paused
 * (QEMU starts while the hooks hand the devices over; cmd_run.c): each
 * -device value becomes device_add's arguments, then a system reset makes
 * the firmware see the machine as if they had been there from the start
 * (the boot order is read again, and vfio resets each device as at a cold
 * start). Nothing QEMU replies is trusted but its success or error. */
#ifndef PASSLAUNCH_HOTPLUG_H
#define PASSLAUNCH_HOTPLUG_H

#include "base/error.h"
#include "base/strv.h"
#include "qemu/qmp.h"

/* "driver,key=value,..." (",," a comma in a value) as device_add's
 * arguments: {"driver": ..., "key": "value", ...}. */
json_object *hotplug_device_args(const char *spec);
int hotplug_devices(struct qmp *q, const char *vm, const struct strv *devices, int timeout_ms,
		    struct pl_err *err);

#endif
