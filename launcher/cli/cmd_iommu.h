#ifndef PASSLAUNCH_CMD_IOMMU_H
#define PASSLAUNCH_CMD_IOMMU_H

#include "base/error.h"

/* passlaunch iommu [--profile PROFILE]: every IOMMU group and its devices;
 * with a profile, its devices' groups are marked, and what else they hold. */
int cmd_iommu(int argc, char **argv, struct pl_err *err);

#endif
