#ifndef PASSLAUNCH_CMD_GPU_H
#define PASSLAUNCH_CMD_GPU_H

#include "base/error.h"

/* passlaunch gpu detach|attach BDF...: hand devices, whole IOMMU groups, to
 * vfio-pci and back to the drivers they had. */
int cmd_gpu(int argc, char **argv, struct pl_err *err);

#endif
