/* passlaunch import and export --libvirt: each runs its program beside this
 * one (passlaunch-import, passlaunch-export; launcher/libvirt/), so that
 * libxml2 never links into the launcher. */
#ifndef PASSLAUNCH_CMD_LIBVIRT_H
#define PASSLAUNCH_CMD_LIBVIRT_H

#include "base/error.h"

int cmd_import(int argc, char **argv, struct pl_err *err);
int cmd_export(int argc, char **argv, struct pl_err *err);

#endif
