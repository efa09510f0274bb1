/* passlaunch import: runs passlaunch-import, the program beside this one
 * that turns a libvirt domain XML into a profile (launcher/libvirt/). */
#ifndef PASSLAUNCH_CMD_IMPORT_H
#define PASSLAUNCH_CMD_IMPORT_H

#include "base/error.h"

int cmd_import(int argc, char **argv, struct pl_err *err);

#endif
